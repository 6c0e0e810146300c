//! Frame times of the document view, headless: `Context::run_ui` drawing the whole app at
//! 1600x1000, then tessellation. See BENCHMARKS.md for results and how to read them.

mod common;

use std::time::{Duration, Instant};

use common::{Fixture, documents};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use spanwise::edit::Edit;
use spanwise::model::{Annotation, IdGenerator};

fn frames(c: &mut Criterion) {
    for (name, project) in documents() {
        let char_len = project.documents[0].char_len();
        let mut fixture = Fixture::new(project);
        let mut group = c.benchmark_group("frame");
        group.sample_size(60).measurement_time(Duration::from_secs(4));

        // Steady scrolling: 40 points a frame, down for 300 frames, then up again.
        let mut frame_number = 0u64;
        group.bench_function(BenchmarkId::new("steady_scroll", name), |b| {
            b.iter(|| {
                frame_number += 1;
                let direction = if (frame_number / 300).is_multiple_of(2) { 40.0 } else { -40.0 };
                let events = fixture.wheel(direction);
                fixture.frame(events)
            })
        });

        // Jump to a random place (as from the annotation list or the scrollbar): the first frame.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        group.bench_function(BenchmarkId::new("jump", name), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    if let Some(view) = fixture.app.view.as_mut() {
                        view.scroll_to = Some((state % char_len.max(1) as u64) as usize);
                    }
                    let start = Instant::now();
                    fixture.frame(Vec::new());
                    total += start.elapsed();
                    // Let the view settle (measured heights, anchor) before the next jump.
                    for _ in 0..3 {
                        fixture.frame(Vec::new());
                    }
                }
                total
            })
        });

        // Resize: alternate between two window widths; every frame re-wraps the visible text.
        let mut wide = true;
        group.bench_function(BenchmarkId::new("resize", name), |b| {
            b.iter(|| {
                wide = !wide;
                fixture.size.x = if wide { common::WIDTH } else { common::WIDTH - 137.0 };
                fixture.frame(Vec::new())
            })
        });
        fixture.size.x = common::WIDTH;

        // Create one annotation on a word in the middle of the screen (the edit and the frame
        // that shows it), undone between iterations.
        let document = fixture.app.document().expect("document");
        let document_id = document.id.clone();
        let center =
            fixture.app.view.as_ref().and_then(|v| v.char_at(egui::pos2(common::WIDTH / 2.0, common::HEIGHT / 2.0)));
        let word = spanwise::model::editing::word_at(document, center.unwrap_or(0));
        let fragment = document.fragment(word.start..word.end.max(word.start + 1)).expect("fragment");
        let mut ids = IdGenerator::seeded(5);
        group.bench_function(BenchmarkId::new("create_annotation", name), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let time = spanwise::model::now();
                    let annotation = Annotation {
                        id: ids.next_id(),
                        label: "claim".into(),
                        fragments: vec![fragment.clone()],
                        annotator: "bench".into(),
                        created: time,
                        modified: time,
                        note: String::new(),
                        attributes: Default::default(),
                    };
                    let edit = Edit::AddAnnotation { document: document_id.clone(), annotation };
                    let start = Instant::now();
                    fixture.app.session_mut().apply(edit).expect("valid edit");
                    fixture.frame(Vec::new());
                    total += start.elapsed();
                    fixture.app.session_mut().undo().expect("undo");
                }
                total
            })
        });

        // First frame after opening: building the view (blocks, heights) and laying out a screen.
        group.bench_function(BenchmarkId::new("first_frame_after_open", name), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    // A fresh context (no cached text layout) whose fonts are ready, as in a
                    // running app that opens another document.
                    fixture.ctx = common::context();
                    fixture.app.view = None;
                    fixture.frame(Vec::new());
                    fixture.app.view = None;
                    let start = Instant::now();
                    let document = fixture.app.document().expect("document");
                    fixture.app.view =
                        Some(spanwise::ui::doc_view::DocView::new(document, fixture.app.session().generation()));
                    fixture.frame(Vec::new());
                    total += start.elapsed();
                }
                total
            })
        });
        group.finish();
        if let Some(mb) = common::peak_rss_mb() {
            eprintln!("peak RSS after {name}: {mb:.0} MB");
        }
    }
}

criterion_group!(benches, frames);
criterion_main!(benches);
