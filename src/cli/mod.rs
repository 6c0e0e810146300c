//! `spanwise <subcommand>`: the library, headless and scriptable.

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
}

/// Runs a subcommand, writing to `out`; returns the process exit code.
pub fn run(command: &Command, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    match command {
        Command::Validate { file } => validate(file, out, err),
        Command::Stats { file } => stats(file, out, err),
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
    header.push_str("  total");
    let _ = writeln!(out, "{header}");
    let mut totals = vec![0usize; labels.len()];
    for doc in &project.documents {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for annotation in &doc.annotations {
            *counts.entry(annotation.label.as_str()).or_default() += 1;
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
    row.push_str(&format!("  {:>5}", totals.iter().sum::<usize>()));
    let _ = writeln!(out, "{row}");
    0
}
