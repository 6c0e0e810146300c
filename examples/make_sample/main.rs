//! Builds `sample_docs/iranwire-social-media-study.spanwise.ron`, the worked example: the IranWire
//! article coded completely with the default codebook, following the rules in `docs/SAMPLE.md`.
//! The coding itself is in `coding.rs`.
//!
//! Run: `cargo run --example make_sample` (writes the file) or
//! `cargo run --example make_sample -- --check` (exits with 1 if the file on disk differs).
//! The output is deterministic: fixed times, and ids derived from each item's label and span.

mod coding;

use std::path::Path;
use std::process::ExitCode;

use spanwise::store;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = std::env::args().skip(1).any(|arg| arg == "--check");
    let project = match coding::build(root) {
        Ok(project) => project,
        Err(err) => {
            eprintln!("make_sample: {err}");
            return ExitCode::FAILURE;
        }
    };
    let out = root.join(coding::PROJECT_PATH);
    let counts = format!(
        "{} annotations, {} relations",
        project.annotation_count(),
        project.documents.iter().map(|d| d.relations.len()).sum::<usize>()
    );
    if check {
        let on_disk = std::fs::read_to_string(&out).unwrap_or_default();
        if on_disk != store::to_string(&project) {
            eprintln!("make_sample: {} is out of date; run `cargo run --example make_sample`", out.display());
            return ExitCode::FAILURE;
        }
        println!("{} is up to date ({counts})", out.display());
        return ExitCode::SUCCESS;
    }
    if let Err(err) = store::save(&project, &out) {
        eprintln!("make_sample: {err}");
        return ExitCode::FAILURE;
    }
    let _ = std::fs::remove_file(store::backup_path(&out));
    println!("wrote {} ({counts})", out.display());
    ExitCode::SUCCESS
}
