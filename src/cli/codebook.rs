//! `spanwise codebook export|import|lock|unlock`: the codebook on its own.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::edit::{Edit, apply};
use crate::formats::codebook;
use crate::model::codebook_editing::{merge_codebooks, remove_values_outside, set_locked, values_outside};
use crate::session::codebook::cascade_edit;
use crate::store;

#[derive(Subcommand, Debug)]
pub enum CodebookCommand {
    /// Write the project's codebook to OUT (.codebook.ron or .qdc)
    Export {
        /// The project file
        project: PathBuf,
        /// The codebook file to write
        out: PathBuf,
    },
    /// Add a codebook file's labels, relation types, attributes and document variables to the
    /// project's codebook (labels match by id or name; nothing is removed)
    Import {
        /// The project file (written in place)
        project: PathBuf,
        /// The codebook file (.codebook.ron or .qdc)
        file: PathBuf,
        /// Remove the values the imported codebook no longer admits (a changed kind or removed
        /// choices) instead of keeping them; either way they are reported
        #[arg(long)]
        remove_outside: bool,
    },
    /// Lock the codebook: the window's codebook editor becomes read-only; tagging still works
    Lock {
        /// The project file (written in place)
        project: PathBuf,
    },
    /// Unlock the codebook
    Unlock {
        /// The project file (written in place)
        project: PathBuf,
    },
}

fn load(path: &Path, err: &mut dyn std::io::Write) -> Option<crate::model::Project> {
    match store::load(path) {
        Ok(project) => Some(project),
        Err(error) => {
            let _ = writeln!(err, "{}: cannot read project", path.display());
            for problem in error.problems() {
                let _ = writeln!(err, "  {problem}");
            }
            None
        }
    }
}

fn save(project: &crate::model::Project, path: &Path, err: &mut dyn std::io::Write) -> i32 {
    match store::save(project, path) {
        Ok(()) => 0,
        Err(error) => {
            let _ = writeln!(err, "{error}");
            1
        }
    }
}

pub fn run(command: &CodebookCommand, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    match command {
        CodebookCommand::Export { project, out: file } => {
            let Some(project) = load(project, err) else { return 1 };
            let text = match codebook::render(&project.codebook, file) {
                Ok(text) => text,
                Err(error) => {
                    let _ = writeln!(err, "{error}");
                    return 2;
                }
            };
            if let Err(error) = store::write_atomic(file, text.as_bytes()) {
                let _ = writeln!(err, "{error}");
                return 1;
            }
            let _ = writeln!(out, "{}: {} labels", file.display(), project.codebook.labels.len());
            0
        }
        CodebookCommand::Import { project: path, file, remove_outside } => {
            let Some(mut project) = load(path, err) else { return 1 };
            let mut notes = Vec::new();
            let incoming = match codebook::read(file, &mut notes) {
                Ok(incoming) => incoming,
                Err(error) => {
                    let _ = writeln!(err, "{error}");
                    return 2;
                }
            };
            let (merged, summary) = match merge_codebooks(&project.codebook, &incoming) {
                Ok(merged) => merged,
                Err(error) => {
                    let _ = writeln!(err, "{}: {error}", path.display());
                    return 1;
                }
            };
            // Values the merged codebook no longer admits: reported, and kept unless asked.
            let outside = values_outside(&project, &merged);
            let edit = if *remove_outside {
                cascade_edit(remove_values_outside(&project, merged, crate::model::now()))
            } else {
                Edit::SetCodebook(Box::new(merged))
            };
            if let Err(error) = apply(&mut project, edit) {
                let _ = writeln!(err, "{}: {error}", path.display());
                return 1;
            }
            for line in notes.iter().chain(&summary) {
                let _ = writeln!(out, "{line}");
            }
            for o in &outside {
                let what = if *remove_outside { "removed" } else { "kept; --remove-outside removes them" };
                let _ = writeln!(out, "{} ({what})", o.describe());
            }
            if summary.is_empty() {
                let _ = writeln!(out, "nothing changed: the project's codebook has all of it");
            }
            save(&project, path, err)
        }
        CodebookCommand::Lock { project: path } | CodebookCommand::Unlock { project: path } => {
            let Some(mut project) = load(path, err) else { return 1 };
            let locked = matches!(command, CodebookCommand::Lock { .. });
            let new = set_locked(&project.codebook, locked);
            if let Err(error) = apply(&mut project, Edit::SetCodebook(Box::new(new))) {
                let _ = writeln!(err, "{}: {error}", path.display());
                return 1;
            }
            let _ = writeln!(out, "{}: codebook {}", path.display(), if locked { "locked" } else { "unlocked" });
            save(&project, path, err)
        }
    }
}
