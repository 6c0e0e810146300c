//! Every export of the generated 10 MB document with 200,000 annotations (the project of
//! `benches/common.rs`, `generated_10mb`), written to a temporary folder; plus re-importing the
//! JSON export into a new project. Target: each export in at most 2 s.
//!
//! `cargo bench --bench exports` (add `-- json` to run one format).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use spanwise::formats::annotations::{self, ImportOptions};
use spanwise::formats::export::{self, ExportOptions, Format};

fn exports(c: &mut Criterion) {
    // The same project as benches/common.rs `generated_10mb` (which needs the window's crates).
    let project = spanwise::generate::project(10_000_000, 200_000, 3);
    let dir = tempfile::tempdir().expect("temp dir");
    let options = ExportOptions::default();
    let mut group = c.benchmark_group("export_10mb_200k");
    group.sample_size(10).measurement_time(Duration::from_secs(10)).warm_up_time(Duration::from_secs(1));
    for format in Format::ALL.into_iter().filter(|f| f.available()) {
        let out = dir.path().join(format!("out.{}", format.extension()));
        group.bench_function(BenchmarkId::from_parameter(format.name()), |b| {
            b.iter(|| export::export(&project, format, &options, &out, &export::no_progress).expect("export"))
        });
        let size = du(&out);
        eprintln!("{format}: {:.1} MB", size as f64 / 1e6);
        // Only one export on disk at a time (together they are about 700 MB).
        let _ = if out.is_dir() { std::fs::remove_dir_all(&out) } else { std::fs::remove_file(&out) };
    }
    group.finish();

    let json = dir.path().join("out.json");
    export::export(&project, Format::Json, &options, &json, &export::no_progress).expect("export");
    let mut group = c.benchmark_group("import_10mb_200k");
    group.sample_size(10).measurement_time(Duration::from_secs(15)).warm_up_time(Duration::from_secs(1));
    group.bench_function("json_into_new_project", |b| {
        b.iter(|| {
            let options = ImportOptions::default();
            let incoming = annotations::read(std::slice::from_ref(&json), &options).expect("read");
            annotations::import_new_project(incoming, "bench", &options, &export::no_progress).expect("import")
        })
    });
    group.finish();
}

/// Bytes of a file, or of all files in a folder.
fn du(path: &std::path::Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path).map(|entries| entries.flatten().map(|e| du(&e.path())).sum()).unwrap_or(0)
    } else {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }
}

criterion_group!(benches, exports);
criterion_main!(benches);
