//! The Agreement panel in the real window (the `spanwise` binary under Xvfb with openbox and a
//! fresh `HOME`), driven as a user would: Ctrl+Shift+A opens it on a two-coder project, the CSV and
//! the chart (PNG) are exported through Spanwise's chooser, `]` and `[` step through the
//! disagreements, a click accepts one into the gold layer and Ctrl+Z takes it back, Alt+2 accepts
//! another. Screenshots are
//! kept with `SPANWISE_TEST_SHOTS=/some/dir`.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::coders::two_coders_file;
use common::real_window::{Display, RealApp, require};
use common::ui::harness_sized;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::analysis::agreement::agreement;
use spanwise::analysis::report::agreement_csv;
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import"];
const SETTLE: Duration = Duration::from_secs(60);

/// Where the widget labelled `label` is (window coordinates) once `setup` has run, in the same
/// 1400x900 layout the real window starts with, laid out headless from a copy of `project`.
fn position(project: &Path, setup: impl FnOnce(&mut Harness<'_, SpanwiseApp>), label: &str) -> (i32, i32) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("layout.spanwise.ron");
    std::fs::copy(project, &copy).unwrap();
    let settings = Settings { annotator_name: "Layout".into(), ..Settings::default() };
    let mut harness =
        harness_sized(SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(&copy), 1400.0, 900.0);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    for _ in 0..200 {
        harness.step();
        if harness.state().agreement.last().is_some() && !harness.state().agreement.computing() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run();
    setup(&mut harness);
    for _ in 0..4 {
        harness.step();
    }
    let node = harness.query_by_label(label).unwrap_or_else(|| panic!("no {label:?} in the panel"));
    let center = node.rect().center();
    (center.x.round() as i32, center.y.round() as i32)
}

#[test]
fn agreement_panel_exports_steps_through_disagreements_and_accepts_one_in_the_real_window() {
    let test = "agreement_panel_exports_steps_through_disagreements_and_accepts_one_in_the_real_window";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    Settings { annotator_name: "Adjudicator".into(), ..Settings::default() }
        .save(&home.join(".config/spanwise/settings.ron"))
        .unwrap();
    let project_path = two_coders_file(dir.path());
    let project = store::load(&project_path).unwrap();
    let export_csv = position(&project_path, |_| {}, "Export CSV…");
    let export_png = position(&project_path, |_| {}, "Export PNG…");
    let accept_a = position(
        &project_path,
        |harness| {
            harness.key_press(Key::CloseBracket);
            harness.run();
            harness.key_press(Key::CloseBracket);
            harness.run();
        },
        "Accept A",
    );

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&project_path]);
    let window = app.window("two coders.spanwise.ron");
    app.wait_state("dialog", "none", SETTLE);
    let annotations: usize = app.state_of("annotations").parse().unwrap();

    // Ctrl+Shift+A: the panel, computed for ana and bob (gold left out).
    display.xdotool(&["key", "ctrl+shift+a"]);
    app.wait_state("agreement_panel", "true", SETTLE);
    app.wait_state("agreement", "ready", SETTLE);
    assert_eq!(app.state_of("agreement_coders"), "ana,bob");
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot("agreement-panel.png");

    // Export CSV…: Spanwise's chooser suggests a name next to the project; Enter writes it.
    app.click(&window, export_csv);
    app.wait_state("dialog", "file chooser: Export agreement as CSV", SETTLE);
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot("agreement-csv-chooser.png");
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);
    let csv_path = dir.path().join("two coders-agreement.csv");
    app.wait_state("agreement_export", &format!("Wrote {}", csv_path.display()), SETTLE);
    let report = agreement(&project, None, None).unwrap();
    assert_eq!(std::fs::read_to_string(&csv_path).unwrap(), agreement_csv(&report));

    // Export PNG…: the chart as an image of the size it has on screen.
    app.click(&window, export_png);
    app.wait_state("dialog", "file chooser: Export the agreement chart as PNG", SETTLE);
    // The name field takes the keyboard in the chooser's first frames.
    std::thread::sleep(Duration::from_millis(500));
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);
    let png_path = dir.path().join("two coders-agreement.png");
    common::real_window::wait_for("the PNG", SETTLE, || {
        app.state_of("agreement_export").starts_with("Wrote the chart")
    });
    let note = app.state_of("agreement_export");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert!(note.contains(&format!("({} x {} pixels)", frame.width, frame.height)), "{note}");
    let chart = app.state_of("agreement_chart");
    let (w, h) = chart.split_once('x').unwrap();
    let (w, h): (f32, f32) = (w.parse().unwrap(), h.parse().unwrap());
    assert!((frame.width as f32 - w).abs() <= 2.0 && (frame.height as f32 - h).abs() <= 2.0, "{chart} vs {note}");
    assert!(frame.width >= 250 && frame.height >= 200, "a chart, not a sliver: {note}");
    // Not one colour: bars, axes and labels were captured.
    let distinct: std::collections::HashSet<&[u8]> = pixels[..frame.buffer_size()].chunks(4).collect();
    assert!(distinct.len() > 20, "{} colours", distinct.len());
    let _ = std::fs::copy(&png_path, dir.path().join("agreement-chart.png"));
    if let Some(shots) = std::env::var_os("SPANWISE_TEST_SHOTS") {
        let _ = std::fs::copy(&png_path, Path::new(&shots).join("agreement-chart-export.png"));
    }

    // ] ] [ ]: through the disagreements of ana and bob on first.txt.
    display.xdotool(&["key", "bracketright"]);
    app.wait_state("disagreement", "1/3", SETTLE);
    display.xdotool(&["key", "bracketright"]);
    app.wait_state("disagreement", "2/3", SETTLE);
    display.xdotool(&["key", "bracketleft"]);
    app.wait_state("disagreement", "1/3", SETTLE);
    display.xdotool(&["key", "alt+Down"]);
    app.wait_state("disagreement", "2/3", SETTLE);
    assert!(app.state_of("status").starts_with("Disagreement 2 of 3: missing"), "{}", app.state());
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot("agreement-compare.png");

    // Accept A: Ana's recommendation goes into the gold layer, one undo step.
    app.click(&window, accept_a);
    app.wait_state("annotations", &(annotations + 1).to_string(), SETTLE);
    assert!(app.state_of("status").contains("Accept A into the gold layer"), "{}", app.state());
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot("agreement-accepted.png");
    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&project_path).unwrap();
    let gold: Vec<_> = saved.documents[0].annotations.iter().filter(|a| a.annotator == "gold").collect();
    assert_eq!(gold.len(), 1);
    assert_eq!((gold[0].label.as_str(), gold[0].text().as_str()), ("recommendation", "社交媒体"));
    display.xdotool(&["key", "ctrl+z"]);
    app.wait_state("annotations", &annotations.to_string(), SETTLE);

    // From the keyboard: [ back to the other-boundaries actor, Alt+2 takes Bob's version (the "2"
    // the keyboard types with it is not Quote's label key).
    display.xdotool(&["key", "bracketleft"]);
    app.wait_state("disagreement", "1/3", SETTLE);
    display.xdotool(&["key", "alt+2"]);
    app.wait_state("annotations", &(annotations + 1).to_string(), SETTLE);
    assert!(app.state_of("status").contains("Accept B into the gold layer"), "{}", app.state());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(app.state_of("annotations"), (annotations + 1).to_string());
    app.assert_idle("with the Agreement panel open");

    // Both views in a small window (last: the panels keep the widths they are squeezed to).
    display.xdotool(&["windowsize", &window, "900", "600"]);
    std::thread::sleep(Duration::from_millis(800));
    display.screenshot("agreement-compare-900x600.png");
    display.xdotool(&["key", "ctrl+shift+a", "ctrl+shift+a"]);
    app.wait_state("agreement_panel", "true", SETTLE);
}
