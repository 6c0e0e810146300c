//! Shared fixtures for the benchmarks: the three documents and a headless app frame.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use egui::{Event, RawInput, Rect, pos2, vec2};
use spanwise::model::Project;
use spanwise::settings::Settings;
use spanwise::ui::{AppConfig, SpanwiseApp};

pub const WIDTH: f32 = 1600.0;
pub const HEIGHT: f32 = 1000.0;

/// The sample article (10 KB) with 50 generated annotations.
pub fn article() -> Project {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs/iranwire-social-media-study.txt"),
    )
    .expect("sample article");
    spanwise::generate::project_from_text("article", text, 50, 1)
}

/// Moby-Dick (1.2 MB) with 25,000 annotations.
pub fn moby_dick() -> Project {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/moby-dick-melville-pg2701.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    spanwise::generate::project_from_text("moby-dick", text, 25_000, 2)
}

/// A generated 10 MB document with 200,000 annotations, overlapping ones included.
pub fn generated_10mb() -> Project {
    spanwise::generate::project(10_000_000, 200_000, 3)
}

/// A 10 MB Persian document with 200,000 annotations: every block goes through the bidi layout.
pub fn persian_10mb() -> Project {
    spanwise::generate::persian_project(10_000_000, 200_000, 3)
}

pub fn documents() -> Vec<(&'static str, Project)> {
    vec![("article_10kb", article()), ("moby_dick_25k", moby_dick()), ("generated_10mb_200k", generated_10mb())]
}

/// A context with the app's fonts, as the window has.
pub fn context() -> egui::Context {
    let ctx = egui::Context::default();
    spanwise::ui::fonts::install(&ctx);
    ctx
}

/// An app showing `project`, as the window would, with a context that has run a few frames.
pub struct Fixture {
    pub ctx: egui::Context,
    pub app: SpanwiseApp,
    pub size: egui::Vec2,
    /// The project file the app opened (its journal goes beside it).
    pub path: PathBuf,
    /// The folder of `path`, alive as long as the fixture: deleted, the app's disk poll would
    /// find the file gone and every measured frame would draw the "file deleted" banner.
    _dir: Option<tempfile::TempDir>,
}

/// The app a user starts with `path` on the command line (settings in memory only).
pub fn open_app(path: &Path) -> SpanwiseApp {
    let settings = Settings { annotator_name: "Bench".into(), ..Settings::default() };
    let app = SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(path);
    assert!(app.document().is_some(), "fixture opened");
    app
}

impl Fixture {
    pub fn new(project: Project) -> Self {
        // Opened from disk, exactly as a user would.
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bench.spanwise.ron");
        spanwise::store::save(&project, &path).expect("save fixture");
        let app = open_app(&path);
        let mut fixture = Self { ctx: context(), app, size: vec2(WIDTH, HEIGHT), path, _dir: Some(dir) };
        for _ in 0..5 {
            fixture.frame(Vec::new());
        }
        fixture.assert_file_is_there();
        fixture
    }

    /// A fixture around an app already made, in a fresh context, before its first frame. It
    /// does not own the file's folder: the caller keeps that alive.
    pub fn with_app(app: SpanwiseApp, path: PathBuf) -> Self {
        Self { ctx: context(), app, size: vec2(WIDTH, HEIGHT), path, _dir: None }
    }

    /// The app still sees its file (no "deleted or moved" notice): what is measured is the
    /// normal window, not an error state.
    pub fn assert_file_is_there(&self) {
        assert!(self.path.exists(), "{}", self.path.display());
        assert!(self.app.file_missing().is_none(), "the app thinks its file is gone");
    }

    pub fn input(&self, events: Vec<Event>) -> RawInput {
        RawInput { screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), self.size)), events, ..Default::default() }
    }

    /// One whole frame: the app's UI, then tessellation (what the GPU would be handed).
    pub fn frame(&mut self, events: Vec<Event>) -> usize {
        let input = self.input(events);
        let app = &mut self.app;
        let mut output = self.ctx.run_ui(input, |ui| app.frame_ui(ui));
        let primitives = self.ctx.tessellate(std::mem::take(&mut output.shapes), output.pixels_per_point);
        output.textures_delta.clear();
        primitives.len()
    }

    /// A mouse-wheel scroll over the document, in points (positive scrolls down).
    pub fn wheel(&self, points: f32) -> Vec<Event> {
        vec![
            Event::PointerMoved(pos2(WIDTH / 2.0, HEIGHT / 2.0)),
            Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: vec2(0.0, -points),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: egui::Modifiers::NONE,
            },
        ]
    }
}

/// Peak resident memory of this process in MB (Linux `VmHWM`).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
