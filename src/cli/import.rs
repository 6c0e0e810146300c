//! `spanwise import PROJECT INPUT...`: files, folders, zips, corpora and URLs into a project
//! (created if it does not exist), with a progress bar when stderr is a terminal.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crate::edit::{Edit, apply};
use crate::formats::import::{ImportOptions, Input, Progress, import_sources};
use crate::model::Project;
use crate::store;

/// Options of `spanwise import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The project file (.spanwise.ron); created if it does not exist
    pub project: PathBuf,
    /// Files, folders (recursive), .zip archives, .csv/.tsv/.jsonl corpora, http(s):// URLs
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Apply the automatic clean-up proposals to plain texts (navigation, "5 min read",
    /// repeated lines, trailing teasers); the title, author and date found become metadata
    #[arg(long)]
    pub clean: bool,
    /// Read text files in this encoding instead of detecting it (utf-8, windows-1252,
    /// windows-1256, iso-8859-6, gb18030, shift_jis, koi8-r, ...)
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// The CSV/TSV column or JSON field holding the text (default: text, body, content, ...)
    #[arg(long, value_name = "NAME")]
    pub text_column: Option<String>,
    /// Refuse documents whose text is larger than this many megabytes
    #[arg(long, value_name = "MB", default_value_t = 50)]
    pub max_text_mb: u64,
    /// Import texts that are already in the project again
    #[arg(long)]
    pub keep_duplicates: bool,
    /// Worker threads (default: one per core)
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

pub fn run(args: &ImportArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    let (mut project, unknown) = if args.project.exists() {
        match store::load_file(&args.project) {
            Ok(loaded) => (loaded.project, loaded.unknown),
            Err(error) => {
                let _ = writeln!(err, "{}: cannot read the project", args.project.display());
                for problem in error.problems() {
                    let _ = writeln!(err, "  {problem}");
                }
                return 1;
            }
        }
    } else {
        (Project::new(project_name(&args.project)), Default::default())
    };
    let options = ImportOptions {
        max_text_bytes: args.max_text_mb.saturating_mul(1_000_000),
        encoding: args.encoding.clone(),
        text_column: args.text_column.clone(),
        clean: args.clean,
        skip_duplicates: !args.keep_duplicates,
        threads: args.threads,
        ..Default::default()
    };
    if let Some(label) = &options.encoding
        && let Err(error) = crate::formats::encoding::encoding_for_label(label)
    {
        let _ = writeln!(err, "{error}");
        return 2;
    }
    let inputs: Vec<Input> = args.inputs.iter().map(|a| Input::parse(a)).collect();
    let bar = std::io::stderr().is_terminal().then(progress_bar);
    let report = import_sources(&project, &inputs, &options, &|progress: Progress| {
        if let Some(bar) = &bar {
            bar.set_length(progress.total as u64);
            bar.set_position(progress.done as u64);
            bar.set_message(progress.current.clone());
        }
        ControlFlow::Continue(())
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    // Every import error names its file, row or URL.
    for (_, error) in &report.failed {
        let _ = writeln!(err, "failed: {error}");
    }
    for (source, reason) in &report.skipped {
        let _ = writeln!(out, "skipped: {source}: {reason}");
    }
    let count = report.imported.len();
    if count > 0 {
        let mut index = project.documents.len();
        for imported in report.imported {
            let document = Box::new(imported.document);
            if let Err(error) = apply(&mut project, Edit::AddDocument { index, document }) {
                let _ = writeln!(err, "failed: {}: {error}", imported.source);
                continue;
            }
            index += 1;
        }
        if let Err(error) = store::save_file_with(&project, &args.project, &unknown) {
            let _ = writeln!(err, "{error}");
            return 1;
        }
    }
    let _ = writeln!(
        out,
        "imported {count} document{} into {} ({} skipped, {} failed)",
        if count == 1 { "" } else { "s" },
        args.project.display(),
        report.skipped.len(),
        report.failed.len()
    );
    // Non-zero only when nothing could be imported: every source failed (or there was none).
    if count == 0 && (!report.failed.is_empty() || report.skipped.is_empty()) { 1 } else { 0 }
}

fn project_name(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    name.strip_suffix(store::EXTENSION).map(str::to_owned).unwrap_or(name)
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {eta} left  {wide_msg}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}
