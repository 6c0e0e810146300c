//! The three-way merge on the generated 10 MB / 200,000-annotation project: the base kept as
//! fingerprints (time and memory), what their version changed (the "file changed on disk"
//! dialog), and the merge itself with both sides' everyday edits (300 annotation edits each,
//! a project field, a label), resolved and validated.
//!
//! Memory is counted by a global allocator that tracks live and peak heap bytes (two atomic
//! additions per allocation: negligible next to the work measured). Besides criterion's wall
//! times, the CPU time per run is printed: on a shared machine it is the steadier number.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use spanwise::edit::{Edit, apply};
use spanwise::model::{IdGenerator, Project};
use spanwise::store::merge::{self, BaseItems, Side};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// CPU seconds this thread has used (Linux), unaffected by other processes on a shared machine.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Milliseconds of CPU per run of `work`, over `runs` runs.
fn cpu_ms(runs: u32, mut work: impl FnMut()) -> String {
    let start = cpu_seconds();
    for _ in 0..runs {
        work();
    }
    match (start, cpu_seconds()) {
        (Some(start), Some(end)) => format!("{:.0} ms", (end - start) * 1000.0 / f64::from(runs)),
        _ => "(no /proc)".to_owned(),
    }
}

/// 100 annotations added, 100 changed, 100 deleted, at `offset` in the list (so that the two
/// sides touch different ones), plus `field` (a project or codebook change).
fn edited(base: &Project, seed: u64, offset: usize, field: impl Fn(&mut Project)) -> Project {
    let mut project = base.clone();
    let mut ids = IdGenerator::seeded(seed);
    let document = &project.documents[0];
    let count = document.annotations.len();
    let changed: Vec<_> = (0..100).map(|i| document.annotations[(offset + i * 997) % count].clone()).collect();
    let deleted: Vec<_> = (0..100).map(|i| document.annotations[(offset + 500 + i * 991) % count].id).collect();
    let added: Vec<_> = (0..100)
        .map(|i| {
            let mut annotation = document.annotations[(offset + 50 + i * 983) % count].clone();
            annotation.id = ids.next_id();
            annotation
        })
        .collect();
    for mut annotation in changed {
        annotation.note = format!("checked {seed}");
        apply(&mut project, Edit::UpdateAnnotation { document: "d1".into(), annotation: *annotation }).expect("update");
    }
    for id in deleted {
        // Already gone if an earlier deletion's relations took it (there are none here).
        let _ = apply(&mut project, Edit::RemoveAnnotation { document: "d1".into(), id });
    }
    for annotation in added {
        apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation: *annotation }).expect("add");
    }
    field(&mut project);
    project
}

fn merging(c: &mut Criterion) {
    let base = spanwise::generate::project(10_000_000, 200_000, 3);
    let mine = edited(&base, 11, 0, |p| p.description = "mine".into());
    let theirs = edited(&base, 12, 100_000, |p| p.codebook.labels[0].color = "#000000".into());

    let before = LIVE.load(Ordering::Relaxed);
    let base_items = BaseItems::of(&base);
    let kept = LIVE.load(Ordering::Relaxed) - before;
    let project_bytes = {
        let before = LIVE.load(Ordering::Relaxed);
        let copy = base.clone();
        let bytes = LIVE.load(Ordering::Relaxed) - before;
        drop(copy);
        bytes
    };
    eprintln!(
        "base as fingerprints: {:.1} MB for {} annotations ({:.1} bytes each); the project itself: {:.1} MB",
        mb(kept),
        base.annotation_count(),
        kept as f64 / base.annotation_count() as f64,
        mb(project_bytes)
    );
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    let start = LIVE.load(Ordering::Relaxed);
    let merged = merge::merge(Some(&base_items), &mine, &theirs).resolve_all(Side::Mine).expect("merged");
    eprintln!(
        "merge: peak {:.1} MB above the three versions and the base; result {}",
        mb(PEAK.load(Ordering::Relaxed) - start),
        merged.report
    );
    drop(merged);
    eprintln!(
        "CPU per run: BaseItems::of {}, changes_to {}, merge {}, merge and resolve (validated) {}",
        cpu_ms(10, || drop(std::hint::black_box(BaseItems::of(&base)))),
        cpu_ms(10, || drop(std::hint::black_box(base_items.changes_to(&theirs)))),
        cpu_ms(10, || drop(std::hint::black_box(merge::merge(Some(&base_items), &mine, &theirs)))),
        cpu_ms(10, || {
            let merged = merge::merge(Some(&base_items), &mine, &theirs).resolve_all(Side::Mine);
            drop(std::hint::black_box(merged.expect("merged")));
        }),
    );

    let mut group = c.benchmark_group("merge");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("base_items_of/generated_10mb_200k", |b| b.iter(|| BaseItems::of(&base)));
    group.bench_function("changes_to/generated_10mb_200k", |b| b.iter(|| base_items.changes_to(&theirs)));
    group.bench_function("merge_and_resolve/generated_10mb_200k", |b| {
        b.iter(|| merge::merge(Some(&base_items), &mine, &theirs).resolve_all(Side::Mine).expect("merged"))
    });
    group.finish();
}

criterion_group!(benches, merging);
criterion_main!(benches);
