//! Writes the benchmark project (a generated 10 MB document with 200,000 annotations, the one
//! `benches/` and `peak_memory` use) to a file, for timing the real window
//! (`tools/window_startup.sh`).
//!
//! Run: `cargo run --release --example benchmark_project -- OUT.spanwise.ron`

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: benchmark_project OUT.spanwise.ron");
        return ExitCode::from(2);
    };
    let project = spanwise::generate::project(10_000_000, 200_000, 3);
    match spanwise::store::save(&project, std::path::Path::new(&path)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("benchmark_project: {err}");
            ExitCode::FAILURE
        }
    }
}
