//! File › Prepare assignment…: the file to hand out, made from the open project as the key
//! (`analysis::assignment::handout`): the instructions, the destination, and what will be left
//! out. The file is written on a worker thread, atomically (`store::save`). Also the
//! instructions as a student sees them when the assignment is opened.

use std::path::{Path, PathBuf};

use egui::RichText;

use super::file_chooser::show_embedded;
use super::{DialogContext, FileDialog, FileDialogPurpose, Outcome};
use crate::analysis::assignment::{LeftOut, handout};
use crate::model::Project;
use crate::store;
use crate::ui::commands::Command;
use crate::ui::worker::Worker;

/// What a finished write says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub documents: usize,
    pub left_out: LeftOut,
}

/// The Prepare assignment dialog's state.
pub struct AssignmentDialog {
    pub instructions: String,
    /// Where the assignment goes, as typed or chosen.
    pub destination: String,
    /// The key's file, which the assignment may never replace.
    key_path: Option<PathBuf>,
    folder: PathBuf,
    /// The destination exists and the user was told; writing again replaces it.
    replace_confirmed: Option<PathBuf>,
    chooser: Option<FileDialog>,
    running: Option<Worker<Result<Written, String>>>,
    pub written: Option<Written>,
    problem: Option<String>,
    focus_requested: bool,
}

impl std::fmt::Debug for AssignmentDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssignmentDialog")
            .field("destination", &self.destination)
            .field("running", &self.running.is_some())
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl AssignmentDialog {
    /// A dialog for the key at `key_path` (`None`: not saved yet; `name` is the project's name).
    pub fn new(key_path: Option<&Path>, name: &str, folder: PathBuf, instructions: &str) -> Self {
        let stem = match key_path.and_then(Path::file_name) {
            Some(file) => {
                let file = file.to_string_lossy();
                file.strip_suffix(store::EXTENSION).unwrap_or(&file).to_owned()
            }
            None => file_stem(name),
        };
        let destination = folder.join(format!("{stem}-assignment{}", store::EXTENSION)).display().to_string();
        Self {
            instructions: instructions.to_owned(),
            destination,
            key_path: key_path.map(Path::to_owned),
            folder,
            replace_confirmed: None,
            chooser: None,
            running: None,
            written: None,
            problem: None,
            focus_requested: true,
        }
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The state in a few words, for the state report.
    pub fn describe(&self) -> String {
        match (&self.written, &self.running, &self.problem) {
            (Some(written), _, _) => format!("assignment: written {}", written.path.display()),
            (None, Some(_), _) => "assignment: writing".into(),
            (None, None, Some(problem)) => format!("assignment: {problem}"),
            (None, None, None) => "assignment".into(),
        }
    }

    pub fn open_chooser(&mut self, dir: PathBuf, suggested: Option<PathBuf>) {
        self.chooser = Some(FileDialog::new(FileDialogPurpose::Assignment, dir, suggested));
    }

    pub fn set_destination(&mut self, path: &Path) {
        self.destination = path.display().to_string();
        self.problem = None;
    }

    fn destination_path(&self) -> Option<PathBuf> {
        let typed = self.destination.trim();
        (!typed.is_empty()).then(|| {
            let path = PathBuf::from(typed);
            if path.is_absolute() { path } else { self.folder.join(path) }
        })
    }

    /// Checks the destination and starts writing.
    fn start(&mut self, ctx: &egui::Context, key: &Project) {
        let Some(path) = self.destination_path() else {
            self.problem = Some("Choose where to save the assignment".into());
            return;
        };
        if self.key_path.as_deref().is_some_and(|key_path| store::same_file(key_path, &path)) {
            self.problem =
                Some("That is the key's own file: the assignment would replace it. Name another file.".into());
            return;
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            self.problem = Some(format!("The folder {} does not exist", parent.display()));
            return;
        }
        if path.is_dir() {
            self.problem = Some(format!("{} is a folder; name a file", path.display()));
            return;
        }
        if path.exists() && self.replace_confirmed.as_deref() != Some(path.as_path()) {
            self.problem = Some(format!("{} exists. Write again to replace it.", path.display()));
            self.replace_confirmed = Some(path);
            return;
        }
        let key = key.clone();
        let instructions = self.instructions.clone();
        let worker = Worker::spawn("assignment", ctx, move |_progress| {
            let (project, left_out) = handout(&key, &instructions);
            match store::save(&project, &path) {
                Ok(()) => Ok(Written { path, documents: project.documents.len(), left_out }),
                Err(err) => Err(err.to_string()),
            }
        });
        match worker {
            Ok(worker) => {
                self.problem = None;
                self.running = Some(worker);
            }
            Err(err) => self.problem = Some(format!("Cannot start writing: {err}")),
        }
    }

    /// Shows the dialog; returns whether it stays open, and what the app should do.
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, context: &DialogContext<'_>) -> (bool, Vec<Outcome>) {
        let mut outcomes = Vec::new();
        if let Some(commands) = show_embedded(&mut self.chooser, ui, context.recent_files) {
            for command in commands {
                if let Command::AssignmentTo(path) = command {
                    self.set_destination(&path);
                }
            }
            return (true, outcomes);
        }
        if let Some(worker) = &self.running
            && let Some(result) = worker.poll()
        {
            self.running = None;
            match result {
                Ok(Ok(written)) => self.written = Some(written),
                Ok(Err(err)) | Err(err) => self.problem = Some(err),
            }
        }
        ui.heading("Prepare assignment");
        if let Some(written) = &self.written {
            return (written_ui(ui, written), outcomes);
        }
        let running = self.running.is_some();
        // Ctrl+Enter writes from anywhere, before the instructions field would take it as a line.
        let write_key = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
        ui.label(
            "The file to hand out: this project's documents and codebook (locked, so students tag with the same \
             labels) and your instructions. Your annotations stay here: this project is the key you grade with.",
        );
        ui.add_space(4.0);
        ui.label(RichText::new("Instructions for the students (shown when they open the file):").strong());
        let response = ui.add_enabled(
            !running,
            egui::TextEdit::multiline(&mut self.instructions)
                .hint_text("What to tag, how to link, when it is due…")
                .desired_rows(6)
                .desired_width(f32::INFINITY),
        );
        let response = response.accessible_name("Instructions for the students");
        if std::mem::take(&mut self.focus_requested) {
            response.request_focus();
        }
        ui.add_space(4.0);
        let left_out = LeftOut::of(context.project);
        ui.label(format!(
            "In it: {} document{}, the codebook ({} labels, locked).",
            context.project.documents.len(),
            if context.project.documents.len() == 1 { "" } else { "s" },
            context.project.codebook.labels.len()
        ));
        ui.label(format!("Left out (the key): {}.", left_out.describe()));
        ui.separator();
        let mut enter = false;
        ui.horizontal(|ui| {
            ui.label("Save as:");
            let response = ui.add_enabled(
                !running,
                egui::TextEdit::singleline(&mut self.destination).desired_width(ui.available_width() - 90.0),
            );
            let response = response.accessible_name("Assignment file");
            if response.changed() {
                self.replace_confirmed = None;
            }
            enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.add_enabled(!running, egui::Button::new("Choose…")).clicked() {
                let suggested = self.destination_path();
                if context.system_file_dialogs {
                    outcomes.push(Outcome::ChooseFile(FileDialogPurpose::Assignment, self.folder.clone(), suggested));
                } else {
                    self.open_chooser(self.folder.clone(), suggested);
                }
            }
        });
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        let mut keep = true;
        if self.running.is_some() {
            // An atomic write: nothing to cancel half-way.
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Writing…");
            });
        } else {
            ui.horizontal(|ui| {
                let clicked = ui.button("Write assignment").on_hover_text("Ctrl+Enter").clicked();
                if clicked || enter || write_key {
                    self.start(ui.ctx(), context.project);
                }
                if ui.button("Close").clicked() {
                    keep = false;
                }
            });
        }
        (keep, outcomes)
    }
}

/// What was written, and Close.
fn written_ui(ui: &mut egui::Ui, written: &Written) -> bool {
    ui.label(format!("Written: {}", written.path.display()));
    ui.label(format!(
        "{} document{}, the codebook locked; left out: {}.",
        written.documents,
        if written.documents == 1 { "" } else { "s" },
        written.left_out.describe()
    ));
    ui.label(
        RichText::new("Hand this file out. Students open it, annotate, save, and send it back to be graded.").weak(),
    );
    let close = ui.button("Close").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter));
    !close
}

/// The instructions of an assignment, as the student sees them when it is opened (and under
/// Help › Assignment instructions). Returns whether the dialog stays open.
pub(super) fn instructions_ui(ui: &mut egui::Ui, project: &str, text: &str) -> bool {
    ui.heading(format!("Assignment: {project}"));
    egui::ScrollArea::vertical().max_height(ui.ctx().content_rect().height() * 0.6).show(ui, |ui| {
        ui.label(text);
    });
    ui.label(
        RichText::new("The codebook is locked for this assignment. Help › Assignment instructions shows this again.")
            .weak(),
    );
    !(ui.button("Start").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)))
}

/// A project name as a file name: separators and control characters out.
pub(super) fn file_stem(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() { "project".into() } else { cleaned }
}
