//! Open (parse + validate + index) and save (serialize + atomic write) of each project.
//!
//! Open is measured twice: `open_warm` reads the file from the OS page cache (the same file again
//! and again, as when a user reopens a project), `open_cold` evicts the file from the page cache
//! before every open (`posix_fadvise(DONTNEED)` through `dd iflag=nocache`, checked with
//! `fincore`), as the first open after a reboot or of a file not read for a while. The eviction
//! is per file, not `drop_caches`: the machine is shared and the other files' cache is not ours
//! to drop. On a virtual machine the host may still cache the disk, so "cold" is cold for this
//! system's page cache.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::documents;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Drops `path` from the page cache and checks that nothing of it is left there.
fn evict(path: &Path) {
    let status = Command::new("dd")
        .arg(format!("if={}", path.display()))
        .args(["iflag=nocache", "count=0", "status=none"])
        .status()
        .expect("dd (coreutils) is needed to evict the file from the page cache");
    assert!(status.success(), "dd iflag=nocache failed");
    let output = Command::new("fincore")
        .args(["--bytes", "--noheadings", "--output", "RES"])
        .arg(path)
        .output()
        .expect("fincore (util-linux) is needed to check the eviction");
    let resident = String::from_utf8_lossy(&output.stdout).trim().parse::<u64>().unwrap_or(u64::MAX);
    assert_eq!(resident, 0, "{} is still in the page cache", path.display());
}

fn open_and_save(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, project) in documents() {
        let text = spanwise::store::to_string(&project);
        let path = dir.path().join(format!("{name}.spanwise.ron"));
        std::fs::write(&path, &text).expect("write fixture");
        // Written back to disk, so that its pages are clean and can be evicted.
        std::fs::File::open(&path).and_then(|f| f.sync_all()).expect("sync fixture");
        eprintln!("{name}: project file {:.1} MB", text.len() as f64 / 1e6);
        let mut group = c.benchmark_group("store");
        group.sample_size(10).measurement_time(Duration::from_secs(8));
        group.bench_function(BenchmarkId::new("open_warm", name), |b| {
            b.iter(|| spanwise::store::load(&path).expect("valid project"))
        });
        group.bench_function(BenchmarkId::new("open_cold", name), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    evict(&path);
                    let start = Instant::now();
                    let project = spanwise::store::load(&path).expect("valid project");
                    total += start.elapsed();
                    drop(project);
                }
                total
            })
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
