//! `spanwise <subcommand>`: the library, headless and scriptable.

pub mod analysis;
mod codebook;
mod import;
pub mod interchange;
pub mod merge;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::store;

#[derive(Parser, Debug)]
#[command(
    name = "spanwise",
    version,
    about = "Annotate texts: tag claims, quotes, actors and recommendations, link them, export them",
    long_about = "Spanwise is a desktop tool for annotating texts.\n\n\
        Without a subcommand it opens the window, optionally with FILE: a project (.spanwise.ron) \
        or a text to annotate (.txt, .md).\n\n\
        Subcommands work without a window, for scripts and CI."
)]
pub struct Cli {
    /// Project (.spanwise.ron) or text (.txt, .md) to open in the window
    pub file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a project file; print every problem with its line and exit non-zero if there are any
    Validate {
        /// The project file
        file: PathBuf,
    },
    /// Print the number of annotations per label in each document
    Stats {
        /// The project file
        file: PathBuf,
    },
    /// Show what an autosave journal would restore (after a crash), and optionally write it out
    Recover {
        /// A project file (its journal `.<name>.journal` beside it is read) or a journal file
        file: PathBuf,
        /// Only print what would be restored (the default when --output is not given)
        #[arg(long)]
        dry_run: bool,
        /// Write the recovered project to this file (never the project file unless named here)
        #[arg(long, short, conflicts_with = "dry_run")]
        output: Option<PathBuf>,
    },
    /// Merge two versions of a project against the one both started from; exit 0 when clean, 1
    /// with conflicts (listed; OUT is written with your side for them), 2 on bad input. Works as
    /// a git merge driver: spanwise merge %O %A %B -o %A --no-backup (see docs/MERGE.md)
    Merge(merge::MergeArgs),
    #[command(flatten)]
    Analysis(analysis::AnalysisCommand),
    /// Import files, folders, zips, CSV/TSV/JSONL corpora and URLs into a project (created if
    /// missing); prints one line per failure and exits non-zero only if nothing was imported
    Import(import::ImportArgs),
    /// Export the annotations for other tools: JSON, CSV, Parquet, brat, CoNLL, Hugging Face,
    /// spaCy, W3C Web Annotation, Label Studio, doccano, REFI-QDA
    Export(interchange::ExportArgs),
    /// Import annotations from other tools into a project (json, jsonl, brat, Label Studio,
    /// doccano, W3C Web Annotation, REFI-QDA); named apart from `import` of documents
    ImportAnnotations(interchange::ImportArgs),
    /// Export a project's codebook to a file, import one into a project, or lock/unlock it
    /// (.codebook.ron: everything; .qdc: REFI-QDA codes for MAXQDA, NVivo, ATLAS.ti)
    #[command(subcommand)]
    Codebook(codebook::CodebookCommand),
}

/// Runs a subcommand, writing to `out`; returns the process exit code.
pub fn run(command: &Command, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    match command {
        Command::Validate { file } => validate(file, out, err),
        Command::Stats { file } => stats(file, out, err),
        Command::Recover { file, output, .. } => recover(file, output.as_deref(), out, err),
        Command::Merge(args) => merge::run(args, out, err),
        Command::Analysis(command) => analysis::run(command, out, err),
        Command::Import(args) => import::run(args, out, err),
        Command::Export(args) => interchange::export(args, out, err),
        Command::ImportAnnotations(args) => interchange::import(args, out, err),
        Command::Codebook(command) => codebook::run(command, out, err),
    }
}

fn recover(file: &Path, output: Option<&Path>, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    use store::journal;
    let is_journal = file.to_string_lossy().contains(journal::SUFFIX) || journal::read_header(file).is_ok();
    let journal_path = if is_journal { file.to_owned() } else { journal::journal_path_for(file) };
    if !is_journal && !journal_path.exists() {
        let _ = writeln!(out, "{}: no autosave journal; nothing to recover", file.display());
        return 0;
    }
    let header = match journal::read_header(&journal_path) {
        Ok(header) => header,
        Err(error) => {
            let _ = writeln!(err, "{error}");
            return 1;
        }
    };
    let project_path = header.project_path.clone().or_else(|| (!is_journal).then(|| file.to_owned()));
    let current = match (&header.base, &project_path) {
        (journal::Base::File { .. }, Some(path)) => match store::load_file(path) {
            Ok(loaded) => Some(loaded),
            Err(error) => {
                let _ = writeln!(err, "{}: the project file the journal continues cannot be read", path.display());
                for problem in error.problems() {
                    let _ = writeln!(err, "  {problem}");
                }
                return 1;
            }
        },
        _ => None,
    };
    let recovery = match journal::prepare(&journal_path, current.as_ref().map(|l| (&l.project, &l.stamp))) {
        Ok(recovery) => recovery,
        Err(error) => {
            let _ = writeln!(err, "{error}");
            return 1;
        }
    };
    let contents = journal::read(&journal_path).map(|c| c.entries).unwrap_or_default();
    let _ = writeln!(out, "journal: {}", journal_path.display());
    match &project_path {
        Some(path) => {
            let _ = writeln!(out, "project: {}", path.display());
        }
        None => {
            let _ = writeln!(out, "project: (never saved) {}", recovery.project.name);
        }
    }
    let base = match &header.base {
        journal::Base::File { sha256, .. } if recovery.base_changed => {
            format!("the project file with SHA-256 {sha256} (the file has changed since)")
        }
        journal::Base::File { sha256, .. } => format!("the project file with SHA-256 {sha256} (unchanged)"),
        journal::Base::Snapshot(_) => "a snapshot of the project stored in the journal".to_owned(),
    };
    let _ = writeln!(out, "base: {base}");
    let _ = writeln!(out, "written by: {} (session {}), started {}", header.owner(), header.session, header.started);
    let last = recovery.last_edit.map(|t| format!(", the last at {t}")).unwrap_or_default();
    let _ = writeln!(out, "edits: {}{last}", recovery.edits);
    for entry in &contents {
        let direction = match entry.direction {
            crate::edit::Direction::Apply => "",
            crate::edit::Direction::Undo => "undo: ",
            crate::edit::Direction::Redo => "redo: ",
        };
        let _ = writeln!(out, "  {:>4}  {}  {direction}{}", entry.seq, entry.time, detail(&entry.edit));
    }
    let _ = writeln!(out, "changes: {}", recovery.summary);
    for note in &recovery.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let Some(output) = output else {
        let _ = writeln!(out, "dry run: nothing written (use --output FILE to write the recovered project)");
        return 0;
    };
    let unknown = current.map(|loaded| loaded.unknown).unwrap_or(recovery.header.unknown);
    match store::save_file_with(&recovery.project, output, &unknown) {
        Ok(_) => {
            let _ = writeln!(out, "wrote the recovered project to {}", output.display());
            0
        }
        Err(error) => {
            let _ = writeln!(err, "{error}");
            1
        }
    }
}

fn validate(file: &Path, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    match store::load(file) {
        Ok(project) => {
            let _ = writeln!(
                out,
                "{}: valid ({} documents, {} annotations)",
                file.display(),
                project.documents.len(),
                project.annotation_count()
            );
            0
        }
        Err(error) => {
            let _ = writeln!(err, "{}: invalid", file.display());
            for problem in error.problems() {
                let _ = writeln!(err, "  {problem}");
            }
            1
        }
    }
}

/// One journalled edit in words, with the annotated text: `add quote "Official" (0..8)`.
fn detail(edit: &crate::edit::Edit) -> String {
    use crate::edit::Edit;
    let spans = |annotation: &crate::model::Annotation| {
        let ranges: Vec<String> = annotation.fragments.iter().map(|f| format!("{}..{}", f.start, f.end)).collect();
        format!("{} {:?} ({})", annotation.label, annotation.text(), ranges.join(", "))
    };
    match edit {
        Edit::AddAnnotation { annotation, .. } => format!("add {}", spans(annotation)),
        Edit::UpdateAnnotation { annotation, .. } => {
            format!("change annotation {} to {}", annotation.id, spans(annotation))
        }
        Edit::RemoveAnnotation { id, .. } => format!("delete annotation {id}"),
        Edit::Batch(edits) if !edits.is_empty() => edits.iter().map(detail).collect::<Vec<_>>().join("; "),
        other => other.describe(),
    }
}

fn stats(file: &Path, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    let project = match store::load(file) {
        Ok(project) => project,
        Err(error) => {
            let _ = writeln!(err, "{}: cannot read project", file.display());
            for problem in error.problems() {
                let _ = writeln!(err, "  {problem}");
            }
            return 1;
        }
    };
    let labels = &project.codebook.labels;
    let name_width = project.documents.iter().map(|d| d.name.chars().count()).max().unwrap_or(0).max(8);
    let mut header = format!("{:name_width$}", "document");
    for label in labels {
        header.push_str(&format!("  {:>w$}", label.name, w = label.name.chars().count().max(5)));
    }
    // Sub-labels are counted in their own column and in their parent's.
    header.push_str("  total");
    let _ = writeln!(out, "{header}");
    let mut totals = vec![0usize; labels.len()];
    for doc in &project.documents {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for annotation in &doc.annotations {
            *counts.entry(annotation.label.as_str()).or_default() += 1;
            // A sub-label counts under its parent too.
            let top = project.codebook.top_label(&annotation.label);
            if top != annotation.label {
                *counts.entry(top).or_default() += 1;
            }
        }
        let mut row = format!("{:name_width$}", doc.name);
        for (i, label) in labels.iter().enumerate() {
            let n = counts.get(label.id.as_str()).copied().unwrap_or(0);
            totals[i] += n;
            row.push_str(&format!("  {:>w$}", n, w = label.name.chars().count().max(5)));
        }
        row.push_str(&format!("  {:>5}", doc.annotations.len()));
        let _ = writeln!(out, "{row}");
    }
    let mut row = format!("{:name_width$}", "total");
    for (i, label) in labels.iter().enumerate() {
        row.push_str(&format!("  {:>w$}", totals[i], w = label.name.chars().count().max(5)));
    }
    let total: usize = labels.iter().zip(&totals).filter(|(l, _)| l.parent.is_none()).map(|(_, n)| n).sum();
    row.push_str(&format!("  {total:>5}"));
    let _ = writeln!(out, "{row}");
    0
}
