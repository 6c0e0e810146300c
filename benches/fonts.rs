//! What the fonts cost at start-up: the first frame of a fresh context with egui's fonts only,
//! with the app's fonts (bundled faces installed up front), the first frame of Persian text, and
//! the first character that sends egui to the system's fonts. See BENCHMARKS.md.

mod common;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{RawInput, Rect, pos2, vec2};

const LATIN: &str = "Iran's leadership views social media negatively, the study says: it has an impact on \
                     national security in 15 distinct areas.";
const PERSIAN: &str = "شبکه‌های اجتماعی بر امنیت ملی تأثیر می‌گذارند و پژوهشگران می‌گویند که این تأثیر منفی است.";
const CHINESE: &str = "我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。";

/// One frame of a fresh context showing `text`, up to the meshes handed to the GPU.
fn first_frame(install_fonts: bool, text: &str) -> Duration {
    let start = Instant::now();
    let ctx = egui::Context::default();
    if install_fonts {
        spanwise::ui::fonts::install(&ctx);
    }
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), vec2(common::WIDTH, common::HEIGHT))),
        ..Default::default()
    };
    let mut output = ctx.run_ui(input, |ui| {
        ui.label(text);
    });
    let primitives = ctx.tessellate(std::mem::take(&mut output.shapes), output.pixels_per_point);
    std::hint::black_box(primitives);
    start.elapsed()
}

fn fonts(c: &mut Criterion) {
    let mut group = c.benchmark_group("fonts");
    group.sample_size(30).measurement_time(Duration::from_secs(5));
    group.bench_function("first_frame/latin/egui_fonts_only", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| first_frame(false, LATIN)).sum())
    });
    group.bench_function("first_frame/latin/app_fonts", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| first_frame(true, LATIN)).sum())
    });
    group.bench_function("first_frame/persian/app_fonts", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| first_frame(true, PERSIAN)).sum())
    });
    // Each iteration enumerates the system fonts anew (a fresh provider), as a fresh app would.
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("first_frame/chinese/app_fonts_system_lookup", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| first_frame(true, CHINESE)).sum())
    });
    group.finish();
    if let Some(mb) = common::peak_rss_mb() {
        eprintln!("peak RSS: {mb:.0} MB");
    }
}

criterion_group!(benches, fonts);
criterion_main!(benches);
