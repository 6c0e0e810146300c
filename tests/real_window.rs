//! A new user's first minutes in the real window: the `spanwise` binary under Xvfb with a fresh
//! `HOME` (no settings), with and without a window manager, driven with `xdotool`. What the user
//! did is checked in the files the app wrote; what the app shows, in the state summary it writes
//! for tests (`SPANWISE_STATE_REPORT`); how busy it is while nobody touches it, in `/proc`.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::real_window::{Display, RealApp, require};
use common::ui::{harness_sized, offset_of, sample_copy};
use spanwise::edit::{Edit, apply};
use spanwise::model::{Annotation, IdGenerator, now};
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import"];
const SETTLE: Duration = Duration::from_secs(60);

/// Where the middle of the word `needle` is, relative to the window's top-left corner, in the
/// same 1400x900 layout the real window starts with (laid out headless from a copy of `project`).
/// Choose a word early in a line of plain ASCII text: the headless layout and the real window
/// may break lines differently after some punctuation (an em dash).
fn word_position(project: &Path, needle: &str) -> (i32, i32) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("layout.spanwise.ron");
    std::fs::copy(project, &copy).unwrap();
    let settings = Settings { annotator_name: "Layout".into(), ..Settings::default() };
    let harness =
        harness_sized(SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(&copy), 1400.0, 900.0);
    let offset = offset_of(&harness, needle) + needle.chars().count() / 2;
    let rect = harness.state().view.as_ref().unwrap().char_rect(offset).expect("the word is on the first screen");
    (rect.center().x.round() as i32, rect.center().y.round() as i32)
}

/// Double-clicks the word at `at` (window coordinates) in `window`.
fn double_click(app: &RealApp<'_>, window: &str, at: (i32, i32)) {
    let (x, y) = (at.0.to_string(), at.1.to_string());
    app.display.xdotool(&[
        "mousemove",
        "--window",
        window,
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
}

fn settings_file(home: &Path) -> std::path::PathBuf {
    home.join(".config/spanwise/settings.ron")
}

/// The first run as a new user meets it: the name prompt has the keyboard at once, Enter takes the
/// name, a double-click and a label key tag a word, Ctrl+S saves it with that coder's name.
fn first_run(window_manager: bool, test: &str) {
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let project = sample_copy(dir.path());
    let word = "examines";
    let at = word_position(&project, word);
    let before = store::load(&project).unwrap().annotation_count();

    let display = Display::start(dir.path(), window_manager);
    let app = RealApp::launch(&display, &home, &[&project]);
    let window = app.window("sample.spanwise.ron");
    app.wait_state("dialog", "name prompt", SETTLE);
    app.assert_idle("the name prompt");

    // Type at once: no click into the field first.
    display.xdotool(&["type", "--delay", "40", "Ana Souza"]);
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);
    app.wait_state("annotator", "Ana Souza", SETTLE);
    assert_eq!(Settings::load(&settings_file(&home)).annotator_name, "Ana Souza", "remembered for the next start");

    double_click(&app, &window, at);
    std::thread::sleep(Duration::from_millis(300));
    display.xdotool(&["key", "3"]);
    app.wait_state("annotations", &(before + 1).to_string(), SETTLE);
    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dirty", "false", SETTLE);

    let saved = store::load(&project).unwrap();
    let mine: Vec<&Annotation> =
        saved.documents[0].annotations.iter().filter(|a| a.annotator == "ana-souza").map(|a| &**a).collect();
    let tagged: Vec<&&Annotation> = mine.iter().filter(|a| a.text() == word && a.label == "actor").collect();
    assert_eq!(tagged.len(), 1, "the word is tagged Actor in the saved file; the new coder made {mine:?}");
    assert_eq!(tagged[0].annotator, "ana-souza");
    assert_eq!(saved.annotator("ana-souza").map(|a| a.name.as_str()), Some("Ana Souza"));
    assert!(app.is_running());
}

#[test]
fn a_new_user_types_a_name_tags_a_word_and_saves_with_a_window_manager() {
    first_run(true, "a_new_user_types_a_name_tags_a_word_and_saves_with_a_window_manager");
}

#[test]
fn a_new_user_types_a_name_tags_a_word_and_saves_without_a_window_manager() {
    first_run(false, "a_new_user_types_a_name_tags_a_word_and_saves_without_a_window_manager");
}

/// Someone else rewrites the project file: one more annotation.
fn change_on_disk(path: &Path) {
    let mut theirs = store::load(path).unwrap();
    let document = &theirs.documents[0];
    let fragment = document.fragment(0..7).unwrap();
    let annotation = Annotation {
        id: IdGenerator::seeded(99).next_id(),
        label: "claim".into(),
        fragments: vec![fragment],
        annotator: theirs.annotators[0].id.clone().into(),
        created: now(),
        modified: now(),
        note: String::new(),
        attributes: Default::default(),
    };
    let document = document.id.clone();
    apply(&mut theirs, Edit::AddAnnotation { document, annotation }).unwrap();
    store::save(&theirs, path).unwrap();
}

#[test]
fn every_dialog_leaves_the_app_idle() {
    let test = "every_dialog_leaves_the_app_idle";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let config = settings_file(&home);
    Settings { annotator_name: "Idle Tester".into(), ..Settings::default() }.save(&config).unwrap();
    let project = sample_copy(dir.path());
    let at = word_position(&project, "examines");
    let display = Display::start(dir.path(), true);

    let mut app = RealApp::launch(&display, &home, &[&project]);
    let window = app.window("sample.spanwise.ron");
    app.wait_state("dialog", "none", SETTLE);
    app.assert_idle("no dialog");

    // Unsaved work, then New: "Save changes?".
    double_click(&app, &window, at);
    std::thread::sleep(Duration::from_millis(300));
    display.xdotool(&["key", "1"]);
    app.wait_state("dirty", "true", SETTLE);
    display.xdotool(&["key", "ctrl+n"]);
    app.wait_state("dialog", "save changes?", SETTLE);
    app.assert_idle("save changes?");
    display.xdotool(&["key", "Escape"]);
    app.wait_state("dialog", "none", SETTLE);

    // The file chooser (Add document: Open would first ask about the unsaved work).
    display.xdotool(&["key", "ctrl+shift+o"]);
    app.wait_state("dialog", "file chooser: Add a text to the project", SETTLE);
    app.assert_idle("the file chooser");
    display.xdotool(&["key", "Escape"]);
    app.wait_state("dialog", "none", SETTLE);

    // The keyboard shortcuts overlay (Help menu).
    display.xdotool(&["key", "F1"]);
    app.wait_state("dialog", "keyboard shortcuts", SETTLE);
    app.assert_idle("the keyboard shortcuts");
    display.xdotool(&["key", "Escape"]);
    app.wait_state("dialog", "none", SETTLE);

    // Another program rewrites the file: "The file changed on disk".
    change_on_disk(&project);
    app.wait_state("dialog", "file changed on disk", SETTLE);
    app.assert_idle("the file changed on disk");

    // A crash with unsaved work: the next start offers recovery.
    app.kill_9();
    let app = RealApp::launch(&display, &home, &[&project]);
    app.wait_state("dialog", "recovery", SETTLE);
    app.assert_idle("recovery");
    drop(app);

    // A damaged project: an error.
    let damaged = dir.path().join("damaged.spanwise.ron");
    let text = std::fs::read_to_string(&project).unwrap();
    std::fs::write(&damaged, &text[..text.len() / 2]).unwrap();
    let app = RealApp::launch(&display, &home, &[&damaged]);
    app.wait_state("dialog", &format!("error: Cannot open {}", damaged.display()), SETTLE);
    app.assert_idle("an error");
    drop(app);

    // The name prompt of a first run.
    let app = RealApp::launch(&display, &dir.path().join("new-home"), &[&project]);
    app.wait_state("dialog", "name prompt", SETTLE);
    app.assert_idle("the name prompt");
}
