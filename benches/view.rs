//! Frame times of the document view, headless: `Context::run_ui` drawing the whole app at
//! 1600x1000, then tessellation. See BENCHMARKS.md for results and how to read them.
//! `persian_10mb_200k` is the right-to-left case (every block laid out with bidi).

mod common;

use std::time::{Duration, Instant};

use common::{Fixture, documents};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use spanwise::model::editing::Selection;
use spanwise::model::relating::{MatchOptions, occurrences};
use spanwise::model::{ItemId, Value};
use spanwise::ui::Command;
use spanwise::ui::coding::CodingCommand;

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

/// A word in the middle of the screen (the first letter from there on: the middle of the screen
/// may be a blank line).
fn word_on_screen(fixture: &Fixture) -> std::ops::Range<usize> {
    let document = fixture.app.document().expect("document");
    let center =
        fixture.app.view.as_ref().and_then(|v| v.char_at(egui::pos2(common::WIDTH / 2.0, common::HEIGHT / 2.0)));
    let center = center.unwrap_or(0);
    let letter = document.text.chars().skip(center).position(char::is_alphabetic).map_or(center, |p| center + p);
    let word = spanwise::model::editing::word_at(document, letter);
    word.start..word.end.max(word.start + 1)
}

/// Tags `word` with `label` the way a label key does, and returns the new annotation's id.
fn tag(fixture: &mut Fixture, word: &std::ops::Range<usize>, label: &str) -> ItemId {
    let before: std::collections::HashSet<ItemId> =
        fixture.app.document().expect("document").overlapping(word.clone()).iter().map(|a| a.id).collect();
    if let Some(view) = fixture.app.view.as_mut() {
        view.selection = Some(Selection::new(word.start, word.end));
    }
    fixture.app.command(Command::Tag(label.into()));
    fixture.frame(Vec::new());
    let document = fixture.app.document().expect("document");
    let new = document.overlapping(word.clone()).iter().map(|a| a.id).find(|id| !before.contains(id));
    new.expect("tagged")
}

/// One edit of each kind a coder makes, on the 10 MB project with 200,000 annotations and 50,000
/// relations between nearby annotations (issue 10: one edit ≤ 2 ms; tag-all of 10,000
/// occurrences ≤ 100 ms, and its undo; the steady frame ≤ 2 ms with the relations drawn). Each
/// goes the user's way: a `Command` (or the session's undo) and the frame that shows it.
fn edits(c: &mut Criterion) {
    let name = "generated_10mb_200k_50k_relations";
    let project = spanwise::generate::project_with_relations(10_000_000, 200_000, 50_000, 3);
    assert_eq!(project.documents[0].relations.len(), 50_000);
    let mut fixture = Fixture::new(project);

    let mut group = c.benchmark_group("frame");
    group.sample_size(60).measurement_time(Duration::from_secs(4));
    let mut frame_number = 0u64;
    group.bench_function(BenchmarkId::new("steady_scroll", name), |b| {
        b.iter(|| {
            frame_number += 1;
            let direction = if (frame_number / 300).is_multiple_of(2) { 40.0 } else { -40.0 };
            let events = fixture.wheel(direction);
            fixture.frame(events)
        })
    });
    group.finish();
    // Back to the top of the document, where the edits are most expensive (everything after
    // the edited place moves) and the relations drawn are those of the first screen.
    if let Some(view) = fixture.app.view.as_mut() {
        view.scroll_to = Some(0);
    }
    for _ in 0..5 {
        fixture.frame(Vec::new());
    }

    let mut group = c.benchmark_group("edit");
    group.sample_size(40).measurement_time(Duration::from_secs(4));
    let word = word_on_screen(&fixture);
    // The coder is already in the project, as after their first tag.
    let claim = tag(&mut fixture, &word, "claim");
    assert!(fixture.app.journal_path().is_some(), "edits are journalled");

    // Create: as `frame/create_annotation`, with the relations in the project.
    group.bench_function(BenchmarkId::new("create_annotation", name), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let before = fixture.app.document().map_or(0, |d| d.annotations.len());
                if let Some(view) = fixture.app.view.as_mut() {
                    view.selection = Some(Selection::new(word.start, word.end));
                }
                let start = Instant::now();
                fixture.app.command(Command::Tag("quote".into()));
                fixture.frame(Vec::new());
                total += start.elapsed();
                assert_eq!(fixture.app.document().map_or(0, |d| d.annotations.len()), before + 1, "tagged");
                fixture.app.session_mut().undo().expect("undo");
            }
            total
        })
    });

    // Relabel the selected annotation (the label key on a selected annotation), back and forth.
    // Commands run in the next frame, as a menu's or key's do.
    fixture.app.command(Command::SelectAnnotation(claim));
    fixture.frame(Vec::new());
    let mut flip = false;
    group.bench_function(BenchmarkId::new("relabel", name), |b| {
        b.iter(|| {
            flip = !flip;
            fixture.app.command(Command::Relabel(if flip { "quote" } else { "claim" }.into()));
            fixture.frame(Vec::new());
        })
    });
    fixture.app.command(Command::Relabel("claim".into()));
    fixture.frame(Vec::new());
    let label = fixture.app.document().and_then(|d| d.annotation(claim)).map(|a| a.label.clone());
    assert_eq!(label.as_deref(), Some("claim"), "{:?}", fixture.app.status);

    // Set an attribute of the selected Claim (its stance), from the inspector.
    let mut flip = false;
    group.bench_function(BenchmarkId::new("set_attribute", name), |b| {
        b.iter(|| {
            flip = !flip;
            let value = Value::Choice(if flip { "supports" } else { "opposes" }.into());
            fixture.app.command(Command::Coding(CodingCommand::SetAttribute {
                annotation: claim,
                attribute: "stance".into(),
                value: Some(value),
            }));
            fixture.frame(Vec::new());
        })
    });
    // Once more outside the timing, so the check holds when only some cases run.
    fixture.app.command(Command::Coding(CodingCommand::SetAttribute {
        annotation: claim,
        attribute: "stance".into(),
        value: Some(Value::Choice("neutral".into())),
    }));
    fixture.frame(Vec::new());
    let stance = fixture.app.document().and_then(|d| d.annotation(claim)).and_then(|a| a.attributes.get("stance"));
    assert!(stance.is_some(), "the attribute was set");

    // Relate the Claim to an Actor on screen (the relation chooser's choice, made).
    let actor = tag(&mut fixture, &word, "actor");
    group.bench_function(BenchmarkId::new("add_relation", name), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let before = fixture.app.document().map_or(0, |d| d.relations.len());
                let start = Instant::now();
                fixture.app.command(Command::CreateRelation { from: claim, to: actor, kind: "attributed_to".into() });
                fixture.frame(Vec::new());
                total += start.elapsed();
                assert_eq!(fixture.app.document().map_or(0, |d| d.relations.len()), before + 1, "related");
                fixture.app.session_mut().undo().expect("undo");
            }
            total
        })
    });

    // Delete the selected annotation (Delete key); undone between iterations, untimed.
    group.bench_function(BenchmarkId::new("delete_annotation", name), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                fixture.app.command(Command::SelectAnnotation(actor));
                fixture.frame(Vec::new());
                let before = fixture.app.document().map_or(0, |d| d.annotations.len());
                let start = Instant::now();
                fixture.app.command(Command::DeleteAnnotation);
                fixture.frame(Vec::new());
                total += start.elapsed();
                assert_eq!(fixture.app.document().map_or(0, |d| d.annotations.len()), before - 1, "deleted");
                fixture.app.session_mut().undo().expect("undo");
            }
            total
        })
    });
    group.finish();

    // Tag all: 10,000 occurrences of "Guards" spread over the whole document (every third or so
    // of the ~33,000 not tagged Actor yet), tagged Actor by the dialog's command, and the frame; then one undo and
    // its frame. Each timed on its own; the other is done between iterations.
    let mut group = c.benchmark_group("edit");
    group.sample_size(15).measurement_time(Duration::from_secs(8));
    let document = fixture.app.document().expect("document");
    // Those already tagged Actor (the generator's) would be skipped: left out, so 10,000 are added.
    let found: Vec<_> = occurrences(document, "Guards", MatchOptions { match_case: true, whole_word: true })
        .into_iter()
        .filter(|r| {
            !document
                .overlapping(r.clone())
                .iter()
                .any(|a| a.label == "actor" && a.start() == r.start && a.end() == r.end)
        })
        .collect();
    assert!(found.len() >= 10_000, "{} occurrences", found.len());
    let step = found.len() as f64 / 10_000.0;
    let ranges: Vec<(String, std::ops::Range<usize>)> =
        (0..10_000).map(|i| (document.id.clone(), found[(i as f64 * step) as usize].clone())).collect();
    let command = || Command::TagRanges { label: "actor".into(), ranges: ranges.clone() };
    let count = |fixture: &Fixture| fixture.app.document().map_or(0, |d| d.annotations.len());
    let untagged = count(&fixture);
    group.bench_function(BenchmarkId::new("tag_all_10000", name), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let command = command();
                let start = Instant::now();
                fixture.app.command(command);
                fixture.frame(Vec::new());
                total += start.elapsed();
                assert_eq!(count(&fixture), untagged + 10_000, "tagged");
                fixture.app.session_mut().undo().expect("undo");
                fixture.frame(Vec::new());
            }
            total
        })
    });
    group.bench_function(BenchmarkId::new("tag_all_10000_undo", name), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                fixture.app.command(command());
                fixture.frame(Vec::new());
                assert_eq!(count(&fixture), untagged + 10_000, "tagged");
                let start = Instant::now();
                fixture.app.command(Command::Undo);
                fixture.frame(Vec::new());
                total += start.elapsed();
                assert_eq!(count(&fixture), untagged, "one undo removes them all");
            }
            total
        })
    });
    group.finish();
    fixture.assert_file_is_there();
}

criterion_group!(benches, frames, edits);
criterion_main!(benches);
