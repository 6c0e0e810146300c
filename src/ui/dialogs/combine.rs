//! File › Bring in coders' files…: reading the chosen project files (or every project file in a
//! chosen folder) and matching them against the open project on a worker thread, with progress
//! and Cancel; then, once the app applied the result as one undo step, the report: what each file
//! brought (coders, documents, annotations), every document refused because its text differs,
//! renamed coders, variable differences, unreadable files. Nothing is merged blindly.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use egui::RichText;

use crate::analysis::combine::{CoderFile, CombineReport, combine};
use crate::edit::Edit;
use crate::model::Project;
use crate::store;
use crate::ui::commands::Command;
use crate::ui::worker::{Worker, progress_ui};

/// What bringing in computed: the edit that does it (one undo step), and what it will do.
#[derive(Clone, Debug, PartialEq)]
pub struct Combined {
    pub edit: Edit,
    pub report: CombineReport,
    /// `(file, why)` for every file that could not be read (left out).
    pub unreadable: Vec<(String, String)>,
}

impl Combined {
    /// Whether the edit changes anything.
    pub fn changes_anything(&self) -> bool {
        !matches!(&self.edit, Edit::Batch(edits) if edits.is_empty())
    }

    /// One line for the status bar.
    pub fn status(&self) -> String {
        let annotations: usize = self.report.files.iter().map(|f| f.annotations_added).sum();
        let refused = self.report.conflicts().count();
        let mut status = format!(
            "Brought in {} file{}: {annotations} annotations",
            self.report.files.len(),
            if self.report.files.len() == 1 { "" } else { "s" }
        );
        if refused > 0 {
            status.push_str(&format!("; {refused} document(s) refused: text differs"));
        }
        if !self.unreadable.is_empty() {
            status.push_str(&format!("; {} file(s) unreadable", self.unreadable.len()));
        }
        status
    }

    /// The report, line by line.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = self.report.lines();
        for (file, why) in &self.unreadable {
            lines.push(format!("{file}: not read: {why}"));
        }
        if lines.is_empty() {
            lines.push("No project files were found.".to_owned());
        }
        lines
    }
}

/// The project files `paths` name: the files themselves, and every `*.spanwise.ron` directly in
/// a named folder (sorted by name); `own` (the open project's file) is left out.
pub fn project_files(paths: &[PathBuf], own: Option<&Path>) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let read = std::fs::read_dir(path).map_err(|err| format!("cannot list {}: {err}", path.display()))?;
            let mut inside: Vec<PathBuf> = read
                .flatten()
                .map(|entry| entry.path())
                .filter(|p| p.is_file() && p.to_string_lossy().ends_with(store::EXTENSION))
                .collect();
            if inside.is_empty() {
                return Err(format!("{} has no project files (*{})", path.display(), store::EXTENSION));
            }
            inside.sort();
            files.extend(inside);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("{} does not exist", path.display()));
        }
    }
    let same = |a: &Path, b: &Path| a == b || a.canonicalize().ok().is_some_and(|a| b.canonicalize().ok() == Some(a));
    files.retain(|file| own.is_none_or(|own| !same(file, own)));
    files.dedup();
    Ok(files)
}

/// Reads `files` and matches them against `project`; `None` when cancelled.
pub fn read_and_combine(
    project: &Project,
    files: &[PathBuf],
    progress: &dyn Fn(u64, u64) -> ControlFlow<()>,
) -> Option<Result<Combined, String>> {
    let total = files.len() as u64 + 1;
    let mut coders = Vec::new();
    let mut unreadable = Vec::new();
    for (i, path) in files.iter().enumerate() {
        if progress(i as u64, total).is_break() {
            return None;
        }
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        match store::load(path) {
            Ok(project) => coders.push(CoderFile { name, project }),
            Err(err) => unreadable.push((name, err.to_string())),
        }
    }
    if progress(files.len() as u64, total).is_break() {
        return None;
    }
    let result = combine(project, &coders)
        .map(|(edit, report)| Combined { edit, report, unreadable })
        .map_err(|err| err.to_string());
    let _ = progress(total, total);
    Some(result)
}

enum State {
    /// Files chosen; the worker starts at the first frame (it needs the window's context).
    Starting {
        files: Vec<PathBuf>,
        project: Box<Project>,
    },
    Running(Worker<Option<Result<Combined, String>>>),
    Report {
        title: String,
        lines: Vec<String>,
    },
}

/// The dialog: progress while the files are read, then the report.
#[derive(Debug)]
pub struct CombineDialog {
    state: State,
    files: usize,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            State::Starting { files, .. } => f.debug_struct("Starting").field("files", files).finish(),
            State::Running(worker) => f.debug_struct("Running").field("fraction", &worker.fraction()).finish(),
            State::Report { title, lines } => {
                f.debug_struct("Report").field("title", title).field("lines", lines).finish()
            }
        }
    }
}

impl CombineDialog {
    /// Brings `files` into (a copy of) `project`.
    pub fn start(files: Vec<PathBuf>, project: Project) -> Self {
        Self { files: files.len(), state: State::Starting { files, project: Box::new(project) } }
    }

    /// The report of what was brought in.
    pub fn report(combined: &Combined) -> Self {
        let refused = combined.report.conflicts().count();
        let title = if refused > 0 {
            format!("Coders' files brought in; {refused} document(s) refused: text differs")
        } else {
            "Coders' files brought in".to_owned()
        };
        Self { files: combined.report.files.len(), state: State::Report { title, lines: combined.lines() } }
    }

    pub fn is_running(&self) -> bool {
        !matches!(self.state, State::Report { .. })
    }

    /// For the state report: "bring in: running" or "bring in: report (3 files, 1 refused)".
    pub fn describe(&self) -> String {
        match &self.state {
            State::Report { lines, .. } => {
                let refused = lines.iter().filter(|l| l.contains("has a different text")).count();
                format!("bring in: report ({} files, {refused} refused)", self.files)
            }
            _ => "bring in: running".to_owned(),
        }
    }

    /// Shows the dialog; returns whether it stays open, and the command to apply the result.
    pub(super) fn ui(&mut self, ui: &mut egui::Ui) -> (bool, Option<Command>) {
        if let State::Starting { files, project } = &mut self.state {
            let (files, project) = (std::mem::take(files), std::mem::replace(project, Box::new(Project::new(""))));
            let spawned = Worker::spawn("bring in coders", ui.ctx(), move |progress| {
                read_and_combine(&project, &files, progress)
            });
            self.state = match spawned {
                Ok(worker) => State::Running(worker),
                Err(err) => State::Report {
                    title: "Cannot bring in the files".into(),
                    lines: vec![format!("cannot start a worker thread: {err}")],
                },
            };
        }
        match &mut self.state {
            State::Starting { .. } => (true, None),
            State::Running(worker) => {
                if let Some(result) = worker.poll() {
                    let error = match result {
                        Ok(None) => return (false, None),
                        Ok(Some(Ok(combined))) => return (false, Some(Command::ApplyCombine(Box::new(combined)))),
                        Ok(Some(Err(err))) | Err(err) => err,
                    };
                    self.state = State::Report {
                        title: "Cannot bring in the files".into(),
                        lines: vec![error, "Nothing was changed.".into()],
                    };
                    return (true, None);
                }
                ui.heading("Bringing in coders' files");
                ui.label(format!("Reading {} file(s) and matching their documents by text…", self.files));
                if progress_ui(ui, worker, "Read") {
                    worker.cancel();
                }
                (true, None)
            }
            State::Report { title, lines } => {
                ui.heading(title.as_str());
                egui::ScrollArea::vertical().max_height(ui.ctx().content_rect().height() * 0.6).show(ui, |ui| {
                    for line in lines.iter() {
                        let text = RichText::new(line.as_str());
                        if line.contains("has a different text") || line.contains("not read:") {
                            ui.label(text.color(ui.visuals().warn_fg_color));
                        } else {
                            ui.label(text);
                        }
                    }
                });
                ui.label(RichText::new("Edit › Undo removes everything brought in, in one step.").weak());
                let close = ui.button("OK").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter));
                (!close, None)
            }
        }
    }
}
