//! Writes the benchmark project (a generated 10 MB document with 200,000 annotations, the one
//! `benches/` and `peak_memory` use) to a file, for timing the real window
//! (`tools/window_startup.sh`).
//!
//! Run: `cargo run --release --example benchmark_project -- OUT.spanwise.ron`

fn main() -> anyhow::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        anyhow::bail!("usage: benchmark_project OUT.spanwise.ron");
    };
    let project = spanwise::generate::project(10_000_000, 200_000, 3);
    spanwise::store::save(&project, std::path::Path::new(&path))?;
    Ok(())
}
