//! Frame times of the document view, headless: `Context::run_ui` drawing the whole app at
//! 1600x1000, then tessellation. See BENCHMARKS.md for results and how to read them.
//! `persian_10mb_200k` is the right-to-left case (every block laid out with bidi).

mod common;

use std::time::{Duration, Instant};

use common::{Fixture, documents};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use spanwise::model::editing::Selection;
use spanwise::ui::Command;

fn frames(c: &mut Criterion) {
    // The Persian case (issue 13): right-to-left layout on every block, 10 MB, 200,000 annotations.
    let cases = documents().into_iter().chain([("persian_10mb_200k", common::persian_10mb())]);
    for (name, project) in cases {
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

        // Create one annotation on a word in the middle of the screen the way a label key does:
        // the text selected, `Command::Tag` (trimming, the id check against every id in the
        // project, the edit through `Session::apply` with its journal line), and the frame that
        // shows it. Undone between iterations (the undo is not timed, its journal line is
        // written like any other). The coder is already in the project, as after the first tag.
        let document = fixture.app.document().expect("document");
        let center =
            fixture.app.view.as_ref().and_then(|v| v.char_at(egui::pos2(common::WIDTH / 2.0, common::HEIGHT / 2.0)));
        // The first letter from there on (the middle of the screen may be a blank line, as at
        // the top of a book, where the bench starts when only this case is run).
        let center = center.unwrap_or(0);
        let letter = document.text.chars().skip(center).position(char::is_alphabetic).map_or(center, |p| center + p);
        let word = spanwise::model::editing::word_at(document, letter);
        let word = word.start..word.end.max(word.start + 1);
        let select = |fixture: &mut Fixture| {
            let view = fixture.app.view.as_mut().expect("view");
            view.selection = Some(Selection::new(word.start, word.end));
        };
        select(&mut fixture);
        fixture.app.command(Command::Tag("quote".into()));
        fixture.frame(Vec::new());
        assert!(fixture.app.journal_path().is_some(), "edits are journalled");
        group.bench_function(BenchmarkId::new("create_annotation", name), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let before = fixture.app.document().map_or(0, |d| d.annotations.len());
                    select(&mut fixture);
                    let start = Instant::now();
                    fixture.app.command(Command::Tag("claim".into()));
                    fixture.frame(Vec::new());
                    total += start.elapsed();
                    assert_eq!(fixture.app.document().map_or(0, |d| d.annotations.len()), before + 1, "tagged");
                    fixture.app.session_mut().undo().expect("undo");
                }
                total
            })
        });
        fixture.assert_file_is_there();
        group.finish();

        // The first frame of a freshly started app that has just opened the file (built outside
        // the timing; `store/open` measures opening): the view built (blocks, heights), the
        // annotation list and label counts computed for the first time, a screen laid out, in a
        // fresh context whose fonts are installed but whose text layout cache is empty.
        let mut group = c.benchmark_group("frame");
        group.sample_size(10).measurement_time(Duration::from_secs(6));
        // A copy beside the fixture's file: the fixture's app holds the lock on its own, and a
        // second instance on the same file would open read-only.
        let path = fixture.path.with_file_name("fresh.spanwise.ron");
        std::fs::copy(&fixture.path, &path).expect("copy");
        group.bench_function(BenchmarkId::new("first_frame_fresh_app", name), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut fresh = Fixture::with_app(common::open_app(&path), path.clone());
                    let start = Instant::now();
                    fresh.frame(Vec::new());
                    total += start.elapsed();
                    assert!(fresh.app.view.is_some(), "the first frame built the view");
                    assert!(fresh.app.read_only_because().is_none(), "opened for editing");
                    drop(fresh);
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
