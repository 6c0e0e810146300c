//! Peak memory of opening a project and showing it: generates the 10 MB / 200,000 annotation
//! project (or opens FILE), opens it the way the app does, draws a few headless frames, and
//! prints the peak resident set size.
//!
//! Run: `cargo run --release --example peak_memory [-- FILE]`

use egui::{RawInput, Rect, pos2, vec2};
use spanwise::settings::Settings;
use spanwise::ui::{AppConfig, SpanwiseApp};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let project = spanwise::generate::project(10_000_000, 200_000, 3);
            let path = dir.path().join("generated.spanwise.ron");
            spanwise::store::save(&project, &path).expect("save");
            drop(project);
            // Measure in a fresh process, so generating the data does not count.
            let status = std::process::Command::new(std::env::current_exe().expect("own path"))
                .arg(&path)
                .status()
                .expect("run the measurement");
            std::process::exit(status.code().unwrap_or(1));
        }
    };
    let before = peak_rss_mb();
    let start = std::time::Instant::now();
    let settings = Settings { annotator_name: "Memory".into(), ..Settings::default() };
    let mut app = SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(&path);
    let ctx = egui::Context::default();
    spanwise::ui::fonts::install(&ctx);
    for _ in 0..5 {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), vec2(1600.0, 1000.0))),
            ..Default::default()
        };
        let mut output = ctx.run_ui(input, |ui| app.frame_ui(ui));
        let _ = ctx.tessellate(std::mem::take(&mut output.shapes), output.pixels_per_point);
        output.textures_delta.clear();
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{}: {:.1} MB file, {} annotations; opened and drawn in {:.2} s; peak RSS {:.0} MB (before opening: {:.0} MB)",
        path.display(),
        size as f64 / 1e6,
        app.project().annotation_count(),
        start.elapsed().as_secs_f64(),
        peak_rss_mb(),
        before
    );
    // Not dropped: what is still allocated here is what the open project costs, which is what a
    // heap profiler shows as "leaked" (`heaptrack`, see BENCHMARKS.md); freeing it measures nothing.
    std::mem::forget(app);
    std::process::exit(0);
}
