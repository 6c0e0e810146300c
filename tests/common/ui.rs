//! Helpers for driving the window headless with egui_kittest, shared by the UI test files.

use std::path::{Path, PathBuf};

use egui::{Event, Key, Pos2, vec2};
use egui_kittest::Harness;
use spanwise::settings::Settings;
use spanwise::ui::SpanwiseApp;

/// Settings of a user who has already given their name (so no prompt appears).
pub fn test_settings() -> Settings {
    Settings { annotator_name: "Test Coder".into(), ..Settings::default() }
}

/// A 1400x900 window at 60 frames a second (double-clicks need frames < 0.3 s apart).
pub fn harness(app: SpanwiseApp) -> Harness<'static, SpanwiseApp> {
    harness_sized(app, 1400.0, 900.0)
}

pub fn harness_sized(app: SpanwiseApp, width: f32, height: f32) -> Harness<'static, SpanwiseApp> {
    let mut harness = Harness::builder()
        .with_size(vec2(width, height))
        .with_step_dt(1.0 / 60.0)
        .with_max_steps(30)
        .with_context_setup(spanwise::ui::fonts::install)
        .build_ui_state(|ui, app: &mut SpanwiseApp| app.frame_ui(ui), app);
    harness.run();
    harness
}

/// Where the widget labelled `label` is (window coordinates) once `setup` has run, laid out
/// headless in the 1400x900 window a real-window test starts with: a real-window test clicks
/// there. The headless twin must be brought to the same state as the real window.
#[allow(dead_code)] // not every test binary clicks
pub fn widget_center(app: SpanwiseApp, setup: impl FnOnce(&mut Harness<'_, SpanwiseApp>), label: &str) -> (i32, i32) {
    use egui_kittest::kittest::Queryable;
    let mut harness = harness_sized(app, 1400.0, 900.0);
    setup(&mut harness);
    for _ in 0..4 {
        harness.step();
    }
    let Some(node) = harness.query_by_label(label) else {
        let labels: Vec<String> =
            harness.query_all_by_label_contains("").map(|n| format!("{n:?}").chars().take(200).collect()).collect();
        panic!("no {label:?} in {labels:?}");
    };
    let center = node.rect().center();
    (center.x.round() as i32, center.y.round() as i32)
}

/// A copy of the sample project in a temporary folder, so tests can save.
pub fn sample_copy(dir: &Path) -> PathBuf {
    let path = dir.join("sample.spanwise.ron");
    std::fs::copy(super::sample_project_path(), &path).unwrap();
    path
}

/// Code point offset of the first occurrence of `needle` in the shown document.
pub fn offset_of(harness: &Harness<'_, SpanwiseApp>, needle: &str) -> usize {
    let document = harness.state().document().unwrap();
    let byte = document.text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the document"));
    document.text[..byte].chars().count()
}

/// A mouse drag from `a` to `b`.
pub fn drag(harness: &mut Harness<'_, SpanwiseApp>, a: Pos2, b: Pos2) {
    harness.hover_at(a);
    harness.drag_at(a);
    harness.hover_at(a + vec2(8.0, 0.0));
    harness.hover_at(b);
    harness.drop_at(b);
    harness.run();
}

/// Drags from the left edge of char `start` to the right edge of char `end - 1`.
pub fn drag_select(harness: &mut Harness<'_, SpanwiseApp>, start: usize, end: usize) {
    let view = harness.state().view.as_ref().unwrap();
    let from = view.char_rect(start).expect("start is on screen");
    let to = view.char_rect(end - 1).expect("end is on screen");
    let a = Pos2::new(from.left() + 1.0, from.center().y);
    let b = Pos2::new(to.right() - 1.0, to.center().y);
    drag(harness, a, b);
}

pub fn double_click(harness: &mut Harness<'_, SpanwiseApp>, at: Pos2) {
    harness.hover_at(at);
    for _ in 0..2 {
        harness.drag_at(at);
        harness.drop_at(at);
        harness.hover_at(at);
    }
    harness.run();
}

/// Presses a key the way a keyboard does: a key event and the typed text.
pub fn type_key(harness: &mut Harness<'_, SpanwiseApp>, key: Key, text: &str) {
    harness.key_press(key);
    harness.event(Event::Text(text.into()));
    harness.run();
}
