//! Open (parse + validate + index) and save (serialize + atomic write) of each project.

mod common;

use std::time::Duration;

use common::documents;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn open_and_save(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, project) in documents() {
        let text = spanwise::store::to_string(&project);
        let path = dir.path().join(format!("{name}.spanwise.ron"));
        std::fs::write(&path, &text).expect("write fixture");
        eprintln!("{name}: project file {:.1} MB", text.len() as f64 / 1e6);
        let mut group = c.benchmark_group("store");
        group.sample_size(10).measurement_time(Duration::from_secs(8));
        group.bench_function(BenchmarkId::new("open", name), |b| {
            b.iter(|| spanwise::store::load(&path).expect("valid project"))
        });
        let out = dir.path().join(format!("{name}.out.spanwise.ron"));
        group.bench_function(BenchmarkId::new("save", name), |b| {
            b.iter(|| spanwise::store::save(&project, &out).expect("saved"))
        });
        group.finish();
    }
}

criterion_group!(benches, open_and_save);
criterion_main!(benches);
