//! Relations, fragments, boundaries, tag all and the command palette in the real window: the
//! `spanwise` binary under Xvfb with openbox, driven with xdotool keys and mouse moves. What the
//! user made is checked in the saved file; screenshots of the arcs are kept with
//! `SPANWISE_TEST_SHOTS=/some/dir`.
#![cfg(feature = "gui")]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use common::real_window::{Display, RealApp, require};
use common::ui::{harness_sized, sample_copy};
use spanwise::model::{ItemId, Project};
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import"];
const SETTLE: Duration = Duration::from_secs(60);

fn settings_file(home: &Path) -> std::path::PathBuf {
    home.join(".config/spanwise/settings.ron")
}

/// Window positions of characters in the 1400x900 layout the real window starts with, laid out
/// headless from a copy of `project`.
struct Layout {
    harness: egui_kittest::Harness<'static, SpanwiseApp>,
}

impl Layout {
    fn new(project: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("layout.spanwise.ron");
        std::fs::copy(project, &copy).unwrap();
        let settings = Settings { annotator_name: "Layout".into(), ..Settings::default() };
        let app = SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(&copy);
        Self { harness: harness_sized(app, 1400.0, 900.0) }
    }

    fn char_at(&self, offset: usize) -> (i32, i32) {
        let rect = self.harness.state().view.as_ref().unwrap().char_rect(offset).expect("on the first screen");
        (rect.center().x.round() as i32, rect.center().y.round() as i32)
    }
}

/// The selected annotation's handles (relate, start, end) where the app says it drew them.
fn handles(app: &RealApp<'_>) -> Vec<(i32, i32)> {
    let text = app.state_of("handles");
    let points: Vec<(i32, i32)> = text
        .split_whitespace()
        .filter_map(|p| p.split_once(','))
        .map(|(x, y)| (x.parse::<f32>().unwrap() as i32, y.parse::<f32>().unwrap() as i32))
        .collect();
    assert_eq!(points.len(), 3, "the handles of the selected annotation are on screen: {text:?}");
    points
}

fn id_of(project: &Project, label: &str, text: &str) -> ItemId {
    project.documents[0].annotations.iter().find(|a| a.label == label && a.text().starts_with(text)).unwrap().id
}

fn offset_in(project: &Project, needle: &str) -> usize {
    let text = &project.documents[0].text;
    text[..text.find(needle).unwrap()].chars().count()
}

fn mouse_drag(app: &RealApp<'_>, window: &str, from: (i32, i32), to: (i32, i32), hold: Option<&str>) {
    let s = |v: i32| v.to_string();
    let d = app.display;
    if let Some(key) = hold {
        d.xdotool(&["keydown", key]);
    }
    d.xdotool(&["mousemove", "--window", window, &s(from.0), &s(from.1), "sleep", "0.2", "mousedown", "1"]);
    let mid = ((from.0 + to.0) / 2, (from.1 + to.1) / 2);
    for (x, y) in [(from.0 + 10, from.1), mid, to] {
        d.xdotool(&["sleep", "0.1", "mousemove", "--window", window, &s(x), &s(y)]);
    }
    d.xdotool(&["sleep", "0.2", "mouseup", "1", "sleep", "0.2"]);
    if let Some(key) = hold {
        d.xdotool(&["keyup", key]);
    }
}

fn relation_ids(project: &Project) -> BTreeSet<ItemId> {
    project.documents[0].relations.iter().map(|r| r.id).collect()
}

#[test]
fn relations_fragments_boundaries_tag_all_and_the_palette_in_the_real_window() {
    let test = "relations_fragments_boundaries_tag_all_and_the_palette_in_the_real_window";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    Settings { annotator_name: "Rel Tester".into(), ..Settings::default() }.save(&settings_file(&home)).unwrap();
    let project = sample_copy(dir.path());
    let original = store::load(&project).unwrap();
    let before = relation_ids(&original);
    let annotations = original.annotation_count();
    let headline = id_of(&original, "claim", "Official Study");
    let regime = id_of(&original, "actor", "the Regime");
    let quote = id_of(&original, "quote", "social networks have an impact");
    let iranwire = id_of(&original, "actor", "IranWire");
    let layout = Layout::new(&project);
    let iranwire_at = layout.char_at(offset_in(&original, "IranWire") + 3);

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&project]);
    let window = app.window("sample.spanwise.ron");
    app.wait_state("dialog", "none", SETTLE);
    display.screenshot("relations-0-open.png");

    // The keyboard: Tab selects the first annotation (the headline claim), R starts a relation,
    // Tab picks the next annotation (the actor "the Regime"), Enter, 1 = Attributed to.
    display.xdotool(&["key", "Tab"]);
    app.wait_state("selected", &headline.to_string(), SETTLE);
    display.xdotool(&["key", "r"]);
    app.wait_state("relating", "0", SETTLE);
    display.xdotool(&["key", "Tab"]);
    app.wait_state("relating", &regime.to_string(), SETTLE);
    display.screenshot("relations-1-picking-target.png");
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "which relation?", SETTLE);
    display.screenshot("relations-2-chooser.png");
    display.xdotool(&["key", "1"]);
    app.wait_state("relations", &(before.len() + 1).to_string(), SETTLE);

    // The mouse: drag the selected quote's relation handle onto the actor, Enter takes the
    // first type offered.
    display.xdotool(&["key", "Escape"]);
    let at = layout.char_at(offset_in(&original, "social networks have") + 2);
    let s = |v: i32| v.to_string();
    display.xdotool(&["mousemove", "--window", &window, &s(at.0), &s(at.1), "sleep", "0.2", "click", "1"]);
    app.wait_state("selected", &quote.to_string(), SETTLE);
    let relate_handle = handles(&app)[0];
    mouse_drag(&app, &window, relate_handle, iranwire_at, None);
    app.wait_state("dialog", "which relation?", SETTLE);
    display.xdotool(&["key", "Return"]);
    app.wait_state("relations", &(before.len() + 2).to_string(), SETTLE);
    display.screenshot("relations-3-arcs.png");
    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&project).unwrap();
    let new: Vec<_> = saved.documents[0].relations.iter().filter(|r| !before.contains(&r.id)).collect();
    assert_eq!(new.len(), 2, "{new:?}");
    let ends: BTreeSet<(ItemId, ItemId, &str)> = new.iter().map(|r| (r.from, r.to, r.kind.as_str())).collect();
    assert!(ends.contains(&(headline, regime, "attributed_to")), "keyboard relation: {ends:?}");
    assert!(ends.contains(&(quote, iranwire, "attributed_to")), "mouse relation: {ends:?}");
    assert!(new.iter().all(|r| r.annotator == "rel-tester"));

    // Ctrl+drag adds a second fragment to the selected quote.
    let extra = offset_in(&original, "Behnam");
    let from = layout.char_at(extra);
    let to = layout.char_at(extra + "Behnam Gholipour".len() - 1);
    mouse_drag(&app, &window, (from.0 - 4, from.1), (to.0 + 3, to.1), Some("ctrl"));
    app.wait_state("dirty", "true", SETTLE);
    display.screenshot("relations-4-fragment.png");

    // The end handle (of the last fragment, the quote) is dragged back to the end of "social".
    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&project).unwrap();
    let two = saved.documents[0].annotation(quote).unwrap();
    assert_eq!(two.fragments.len(), 2, "{two:?}");
    assert_eq!(two.fragments[0].text, "Behnam Gholipour");
    let end_handle = handles(&app)[2];
    let target = layout.char_at(offset_in(&original, "social networks have an impact in more") + 3);
    mouse_drag(&app, &window, end_handle, target, None);
    app.wait_state("dirty", "true", SETTLE);
    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&project).unwrap();
    let moved = saved.documents[0].annotation(quote).unwrap();
    assert_eq!(moved.fragments[1].text, "social", "the end was dragged to the end of the word: {moved:?}");

    // Tag all: select "social networks" with a double-click and Ctrl+Shift+Right, Ctrl+Shift+T
    // shows the count, Enter tags them, one Ctrl+Z removes them all.
    let count = saved.documents[0].text.to_lowercase().matches("social networks").count();
    let word = layout.char_at(offset_in(&original, "social networks have") + 2);
    display.xdotool(&["key", "Escape"]);
    display.xdotool(&[
        "mousemove",
        "--window",
        &window,
        &s(word.0),
        &s(word.1),
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
    display.xdotool(&["key", "ctrl+shift+Right"]);
    display.xdotool(&["key", "ctrl+shift+t"]);
    app.wait_state("dialog", "tag all: social networks", SETTLE);
    display.screenshot("relations-5-tag-all.png");
    display.xdotool(&["key", "Return"]);
    let tagged = saved.annotation_count() + count;
    app.wait_state("annotations", &tagged.to_string(), SETTLE);
    display.xdotool(&["key", "ctrl+z"]);
    app.wait_state("annotations", &saved.annotation_count().to_string(), SETTLE);
    assert_eq!(saved.annotation_count(), annotations);

    // The palette: Ctrl+K, type, Enter runs the command.
    display.xdotool(&["key", "ctrl+k"]);
    app.wait_state("dialog", "command palette", SETTLE);
    display.xdotool(&["type", "--delay", "40", "go to end"]);
    display.screenshot("relations-6-palette.png");
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);
    display.xdotool(&["key", "Escape"]);
    app.wait_state("selected", "0", SETTLE);
    // With nothing selected, Shift+Tab goes to the last annotation (and scrolls to it).
    display.xdotool(&["key", "shift+Tab"]);
    let last = saved.documents[0].annotations.last().unwrap().id;
    app.wait_state("selected", &last.to_string(), SETTLE);
    display.screenshot("relations-7-end.png");
    app.assert_idle("after relating, tagging and the palette");
}
