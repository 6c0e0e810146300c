//! A memo in the real window (the `spanwise` binary under Xvfb with openbox), written as a coder
//! does: double-click a word, tag it with its key, open the coding panel (Ctrl+B), click into
//! the memo field, type two lines, Ctrl+Enter, Ctrl+S. The saved file must hold the memo on the
//! new annotation; the mark in the text shows the memo on hover. Screenshots are kept with
//! `SPANWISE_TEST_SHOTS=/some/dir`: `memo-saved.png` (the "Saved" confirmation and the mark
//! beside the selected annotation's relation handle), `memo-mark.png` (the mark, cut out and
//! enlarged 4x), `memo-hover.png` (its tooltip), `memo-close.png` (Alt+F4 while typing more:
//! "Save changes?").
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::process::Command as Process;
use std::time::Duration;

use common::real_window::{Display, RealApp, require};
use common::ui::{double_click, harness_sized, offset_of, sample_copy, type_key};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use spanwise::model::MemoTarget;
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import", "convert"];
const SETTLE: Duration = Duration::from_secs(60);
const WORD: &str = "examines";

/// Cuts `size` points around `center` (window coordinates of `window`) out of the screenshot
/// `shot` and enlarges it 4x into `name`, next to it.
fn crop(display: &Display, window: &str, shot: &Path, center: (i32, i32), size: i32, name: &str) -> std::path::PathBuf {
    // Where the window's point (0, 0) is on the screen: the pointer put there says.
    display.xdotool(&["mousemove", "--window", window, "0", "0"]);
    let location = display.xdotool(&["getmouselocation", "--shell"]);
    let value = |key: &str| {
        location
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse::<i32>().ok())
            .unwrap_or_else(|| panic!("no {key} in {location:?}"))
    };
    let position = (value("X="), value("Y="));
    let (x, y) = (position.0 + center.0 - size / 2, position.1 + center.1 - size / 2);
    let out = shot.with_file_name(name);
    let status = Process::new("convert")
        .arg(shot)
        .args(["-crop", &format!("{size}x{size}+{x}+{y}"), "+repage", "-filter", "point", "-resize", "400%"])
        .arg(&out)
        .status()
        .expect("run convert");
    assert!(status.success(), "convert cropped {shot:?}");
    if let Some(shots) = std::env::var_os("SPANWISE_TEST_SHOTS") {
        let _ = std::fs::copy(&out, Path::new(&shots).join(name));
    }
    out
}

#[test]
fn a_coder_tags_a_word_writes_a_memo_saves_it_with_ctrl_enter_and_the_file_has_it() {
    let test = "a_coder_tags_a_word_writes_a_memo_saves_it_with_ctrl_enter_and_the_file_has_it";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    Settings { annotator_name: "Ana Souza".into(), ..Settings::default() }
        .save(&home.join(".config/spanwise/settings.ron"))
        .unwrap();
    let project = sample_copy(dir.path());
    let before = store::load(&project).unwrap().annotation_count();

    // The same window headless, taken through the same steps, says where the word and the memo
    // field are.
    let twin_dir = tempfile::tempdir().unwrap();
    let copy = sample_copy(twin_dir.path());
    let settings = Settings { annotator_name: "Layout".into(), ..Settings::default() };
    let mut twin =
        harness_sized(SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(&copy), 1400.0, 900.0);
    let offset = offset_of(&twin, WORD) + WORD.chars().count() / 2;
    let word = twin.state().view.as_ref().unwrap().char_rect(offset).expect("the word is on the first screen").center();
    double_click(&mut twin, word);
    type_key(&mut twin, Key::Num3, "3");
    twin.key_press_modifiers(Modifiers::COMMAND, Key::B);
    twin.run();
    let tagged =
        twin.state().selected_annotation.and_then(|id| twin.state().document()?.annotation(id).map(|a| a.text()));
    assert_eq!(tagged.as_deref(), Some(WORD), "the twin tagged the word");
    let field = twin.get_by_role_and_label(Role::MultilineTextInput, "Memo on the selected annotation").rect().center();
    let (word, field) =
        ((word.x.round() as i32, word.y.round() as i32), (field.x.round() as i32, field.y.round() as i32));

    let display = Display::start(dir.path(), true);
    let mut app = RealApp::launch(&display, &home, &[&project]);
    let window = app.window("sample.spanwise.ron");
    app.wait_state("dialog", "none", SETTLE);
    std::thread::sleep(Duration::from_millis(500));

    // Tag the word Actor (key 3): it is selected.
    let (x, y) = (word.0.to_string(), word.1.to_string());
    display.xdotool(&[
        "mousemove",
        "--window",
        &window,
        &x,
        &y,
        "sleep",
        "0.2",
        "click",
        "--repeat",
        "2",
        "--delay",
        "60",
        "1",
    ]);
    std::thread::sleep(Duration::from_millis(300));
    display.xdotool(&["key", "3"]);
    app.wait_state("annotations", &(before + 1).to_string(), SETTLE);
    let selected = app.state_of("selected");
    assert_ne!(selected, "0", "the new annotation is selected");

    // The memo: Ctrl+B, a click into the field, two lines (Return makes the second), Ctrl+Enter.
    display.xdotool(&["key", "ctrl+b"]);
    app.wait_state("coding_panel", "true", SETTLE);
    std::thread::sleep(Duration::from_millis(300));
    app.click(&window, field);
    display.xdotool(&["type", "--delay", "40", "Wer spricht hier?"]);
    display.xdotool(&["key", "Return"]);
    display.xdotool(&["type", "--delay", "40", "Zweite Zeile"]);
    app.wait_state("memo_typing", "true", SETTLE);
    assert_eq!(app.state_of("memos"), "0", "not saved while typing");
    display.xdotool(&["key", "ctrl+Return"]);
    app.wait_state("memos", "1", SETTLE);
    app.wait_state("memo_typing", "false", SETTLE);
    app.wait_state("memo_saved", "true", SETTLE);
    std::thread::sleep(Duration::from_millis(300));
    let saved_shot = display.screenshot("memo-saved.png");

    // Its mark, beside the relation handle of the selected annotation.
    let marks = app.state_of("memo_marks");
    let at = marks
        .split(' ')
        .find_map(|m| m.strip_prefix(&format!("{selected}@")))
        .unwrap_or_else(|| panic!("no mark on annotation {selected}: {marks:?}"));
    let (mx, my) = at.split_once(',').unwrap();
    let mark = (mx.parse::<i32>().unwrap(), my.parse::<i32>().unwrap());
    crop(&display, &window, &saved_shot, mark, 60, "memo-mark.png");

    // Saved to the file with Ctrl+S.
    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&project).unwrap();
    let tagged = saved.documents[0]
        .annotations
        .iter()
        .find(|a| a.id.0.to_string() == selected)
        .expect("the tagged word is in the file");
    assert_eq!(tagged.text(), WORD);
    assert_eq!(tagged.label, "actor");
    let memos: Vec<_> = saved.memos.iter().filter(|m| m.target == MemoTarget::Annotation(tagged.id)).collect();
    assert_eq!(memos.len(), 1, "one memo on it: {:?}", saved.memos);
    assert_eq!(memos[0].text, "Wer spricht hier?\nZweite Zeile");
    assert_eq!(memos[0].title, "Wer spricht hier?");

    // "Saved" goes away by itself; then hovering the mark shows the memo.
    app.wait_state("memo_saved", "false", SETTLE);
    display.xdotool(&["mousemove", "--window", &window, mx, my, "sleep", "1.5"]);
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot("memo-hover.png");
    display.xdotool(&["mousemove", "--window", &window, "700", "880"]);
    app.assert_idle("a memo saved, its mark in the text");

    // More typed, then the window closed from the window manager (Alt+F4) before leaving the
    // field: "Save changes?" asks about the memo, and Save writes it.
    twin.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
    twin.run();
    let save = twin.get_by_role_and_label(Role::Button, "Save").rect().center();
    app.click(&window, field);
    display.xdotool(&["key", "ctrl+End"]);
    display.xdotool(&["type", "--delay", "40", " und mehr"]);
    app.wait_state("memo_typing", "true", SETTLE);
    display.xdotool(&["key", "alt+F4"]);
    app.wait_state("dialog", "save changes?", SETTLE);
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot("memo-close.png");
    app.click(&window, (save.x.round() as i32, save.y.round() as i32));
    assert!(app.wait_exit(SETTLE), "Save, then the window closes");
    let saved = store::load(&project).unwrap();
    let memo = saved.memos.iter().find(|m| m.target == MemoTarget::Annotation(tagged.id)).unwrap();
    assert_eq!(memo.text, "Wer spricht hier?\nZweite Zeile und mehr");
}
