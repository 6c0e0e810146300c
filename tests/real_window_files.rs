//! Issues 14 and 16 in the real window (the `spanwise` binary under Xvfb with openbox, driven
//! with `xdotool`): open the seed text, Ctrl+O the sample through Spanwise's chooser, the list
//! shows the sample; another program rewrites the open file with a new description and label
//! changes that conflict with mine; Merge, choose theirs for one conflict, Ctrl+S: the saved file
//! has their description, my label where I chose mine and theirs where I chose theirs.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::real_window::{Display, RealApp, require};
use common::ui::{harness_sized, offset_of};
use spanwise::model::{ItemId, Project};
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import"];
const SETTLE: Duration = Duration::from_secs(60);

/// Where the middle of `needle` is in the window (1400x900, as the real window starts), laid out
/// headless from a copy of `project`.
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

/// A screenshot once the frame the state report describes is on screen.
fn shot(display: &Display, name: &str) {
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot(name);
}

fn click(app: &RealApp<'_>, window: &str, at: (i32, i32)) {
    let (x, y) = (at.0.to_string(), at.1.to_string());
    app.display.xdotool(&["mousemove", "--window", window, &x, &y, "sleep", "0.2", "click", "1"]);
}

/// What the annotation list says for `project`'s first document (the state report's `list=`).
fn list_line(project: &Project) -> String {
    let document = &project.documents[0];
    let counts: Vec<String> = project
        .codebook
        .labels
        .iter()
        .map(|label| format!("{} {}", label.name, document.annotations.iter().filter(|a| a.label == label.id).count()))
        .collect();
    let n = document.annotations.len();
    format!("{n} of {n}: {}", counts.join(", "))
}

fn id_of(project: &Project, text: &str) -> ItemId {
    project.documents[0].annotations.iter().find(|a| a.text() == text).unwrap().id
}

fn label_of(project: &Project, id: ItemId) -> String {
    project.documents[0].annotation(id).unwrap().label.to_string()
}

#[test]
fn open_a_text_then_the_sample_then_merge_a_conflicting_change_choosing_theirs_for_one() {
    let test = "open_a_text_then_the_sample_then_merge_a_conflicting_change_choosing_theirs_for_one";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    Settings { annotator_name: "Ana Souza".into(), ..Settings::default() }
        .save(&home.join(".config/spanwise/settings.ron"))
        .unwrap();
    let text = dir.path().join("seed.txt");
    std::fs::copy(common::sample_text_path(), &text).unwrap();
    let sample = common::ui::sample_copy(dir.path());
    let original = store::load(&sample).unwrap();
    let (byline, outlet) = (id_of(&original, "Behnam Gholipour"), id_of(&original, "IranWire"));
    let byline_at = word_position(&sample, "Gholipour");
    let outlet_at = word_position(&sample, "IranWire");

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&text]);
    let window = app.window("seed");
    app.wait_state("dialog", "none", SETTLE);
    app.wait_state("list", "0 of 0: Claim 0, Quote 0, Actor 0, Recommendation 0", SETTLE);

    // Ctrl+O: the text is untouched, so no "Save changes?"; the chooser has the keyboard.
    display.xdotool(&["key", "ctrl+o"]);
    app.wait_state("dialog", "file chooser: Open a project or text", SETTLE);
    // The path field takes the keyboard on the chooser's first frame; give it that frame.
    std::thread::sleep(Duration::from_millis(500));
    display.xdotool(&["type", "--delay", "20", sample.to_str().unwrap()]);
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);
    app.wait_state("list", &list_line(&original), SETTLE);
    shot(&display, "files-1-sample-opened.png");

    // Mine: the byline and the outlet become Quotes (click the highlight, press 2).
    for at in [byline_at, outlet_at] {
        click(&app, &window, at);
        std::thread::sleep(Duration::from_millis(300));
        display.xdotool(&["key", "2"]);
        std::thread::sleep(Duration::from_millis(300));
    }
    app.wait_state("dirty", "true", SETTLE);

    // Theirs, from another process: a new description, both annotations Recommendations.
    let mut theirs = original.clone();
    theirs.description = "Rewritten elsewhere — Grüße 🎉 شبکه‌ها 社交".into();
    for annotation in &mut theirs.documents[0].annotations {
        if annotation.id == byline || annotation.id == outlet {
            annotation.label = "recommendation".into();
        }
    }
    let theirs_file = dir.path().join("theirs.spanwise.ron");
    store::save_file(&theirs, &theirs_file).unwrap();
    let status = std::process::Command::new("cp").arg(&theirs_file).arg(&sample).status().unwrap();
    assert!(status.success());
    app.wait_state("dialog", "file changed on disk", SETTLE);
    shot(&display, "files-2-file-changed.png");

    let merge_at = merge_button_position(&original, &theirs, &[byline, outlet]);
    click(&app, &window, merge_at);
    app.wait_state("dialog", "merge conflicts: 2 conflicts: 2 yours, 0 theirs", SETTLE);
    shot(&display, "files-3-conflicts.png");
    // Conflicts are in document order: the byline, then the outlet. Theirs for the outlet.
    display.xdotool(&["key", "Down"]);
    display.xdotool(&["key", "t"]);
    app.wait_state("dialog", "merge conflicts: 2 conflicts: 1 yours, 1 theirs", SETTLE);
    shot(&display, "files-4-chosen.png");
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "message: Merged with the version on disk", SETTLE);
    shot(&display, "files-5-merged.png");
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);

    let mut expected = theirs.clone();
    for annotation in &mut expected.documents[0].annotations {
        if annotation.id == byline {
            annotation.label = "quote".into();
        }
    }
    app.wait_state("list", &list_line(&expected), SETTLE);
    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dirty", "false", SETTLE);
    shot(&display, "files-6-saved.png");
    app.assert_idle("after the merge");

    let saved = store::load(&sample).unwrap();
    assert_eq!(saved.description, theirs.description, "their description is kept");
    assert_eq!(label_of(&saved, byline), "quote", "mine chosen");
    assert_eq!(label_of(&saved, outlet), "recommendation", "theirs chosen");
    assert_eq!(saved.annotation_count(), original.annotation_count());
}

/// Where the "Merge" button of the "file changed on disk" dialog is in the window: the same
/// dialog (same file name, same changes on both sides) laid out headless at 1400x900; egui
/// centres modals, so the real one is there too.
fn merge_button_position(original: &Project, theirs: &Project, mine: &[ItemId]) -> (i32, i32) {
    use egui_kittest::kittest::Queryable;
    let dir = tempfile::tempdir().unwrap();
    let path = common::ui::sample_copy(dir.path());
    let settings = Settings { annotator_name: "Layout".into(), ..Settings::default() };
    let mut harness =
        harness_sized(SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(&path), 1400.0, 900.0);
    assert_eq!(harness.state().project().documents[0].annotations.len(), original.documents[0].annotations.len());
    for &id in mine {
        harness.state_mut().command(spanwise::ui::Command::SelectAnnotation(id));
        harness.run();
        common::ui::type_key(&mut harness, egui::Key::Num2, "2");
    }
    std::thread::sleep(Duration::from_millis(20));
    store::save_file(theirs, &path).unwrap();
    harness.state_mut().check_file_now();
    harness.run();
    let rect = harness.get_by_label("Merge").rect();
    (rect.center().x.round() as i32, rect.center().y.round() as i32)
}
