//! What a project holds in memory, by part: opens a project file (default: generates the
//! 10 MB / 200,000 annotation benchmark project), counts the heap it keeps (with a counting
//! allocator: each block as glibc's malloc rounds it, 16-byte steps, 8 bytes of header, 32 at
//! least), then takes the parts away one by one and prints what each gave back.
//!
//! Run: `cargo run --release --example model_memory [-- FILE]`
//!
//! Unlike the resident memory (`examples/peak_memory.rs`, `tools/window_startup.sh`), these
//! figures do not depend on what the allocator keeps or gives back, so a change to the model
//! can be weighed exactly.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use spanwise::model::{ItemId, Project};

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The size glibc's malloc gives a request of `size` bytes (blocks past its mmap threshold are
/// pages of their own; counted as asked).
fn block(size: usize) -> usize {
    if size > 128 * 1024 { size } else { ((size + 8).div_ceil(16) * 16).max(32) }
}

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(block(layout.size()), Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(block(layout.size()), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(block(layout.size()), Relaxed);
        LIVE.fetch_add(block(new_size), Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn megabytes() -> f64 {
    LIVE.load(Relaxed) as f64 / 1e6
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let path = dir.path().join("generated.spanwise.ron");
            let project = spanwise::generate::project(10_000_000, 200_000, 3);
            spanwise::store::save(&project, &path).expect("save");
            path
        }
    };
    let before = megabytes();
    let mut project = match spanwise::store::load(&path) {
        Ok(project) => project,
        Err(err) => {
            eprintln!("{}: {err}", path.display());
            std::process::exit(1);
        }
    };
    let loaded = megabytes();
    println!("{}: {} annotations", path.display(), project.annotation_count());
    println!("project as read: {:.1} MB", loaded - before);
    for document in &project.documents {
        // The derived data (span index, id map, label counts) is built on first use.
        let _ = document.overlapping(0..1);
        let _ = document.uses_id(ItemId(1));
    }
    println!("derived data: {:.1} MB", megabytes() - loaded);
    let mut last = megabytes();
    let mut without = |part: &str, project: &mut Project, take: &dyn Fn(&mut Project)| {
        take(project);
        let now = megabytes();
        println!("  {part}: {:.1} MB", last - now);
        last = now;
    };
    println!("given back by taking away:");
    without("relations", &mut project, &|p| {
        for document in &mut p.documents {
            document.relations = Vec::new();
        }
    });
    without("notes and attributes", &mut project, &|p| {
        for document in &mut p.documents {
            for annotation in &mut document.annotations {
                annotation.note = String::new();
                annotation.attributes.clear();
            }
        }
    });
    without("fragments (with their texts)", &mut project, &|p| {
        for document in &mut p.documents {
            for annotation in &mut document.annotations {
                annotation.fragments = Vec::new();
            }
        }
    });
    without("the annotations (labels, annotators shared)", &mut project, &|p| {
        for document in &mut p.documents {
            document.annotations = Vec::new();
        }
    });
    without("the rest: texts, derived data, memos, codebook", &mut project, &|p| *p = Project::new(""));
}
