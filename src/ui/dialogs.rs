//! Modal dialogs: Spanwise's own file chooser (typed path, folder listing, recent files; shown
//! when the system has no file dialog, see `native_dialogs`, and in tests), the annotator name
//! prompt, unsaved-changes confirmation, crash recovery, errors and the shortcut reference.

use std::path::{Path, PathBuf};

use egui::RichText;

use super::app::{AfterConfirm, FileChange, FileChangeChoice, RecoveryOffer, SpanwiseApp};
use super::commands::Command;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileDialogPurpose {
    /// Open a project or a text as a new project.
    Open,
    /// Add a text to the current project.
    AddDocument,
    /// Choose where to save the project.
    SaveAs,
}

/// Extensions (without the dot) of the texts Spanwise imports.
const TEXT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "text"];

impl FileDialogPurpose {
    pub fn title(self) -> &'static str {
        match self {
            FileDialogPurpose::Open => "Open a project or text",
            FileDialogPurpose::AddDocument => "Add a text to the project",
            FileDialogPurpose::SaveAs => "Save project as",
        }
    }

    fn accept(self) -> &'static str {
        match self {
            FileDialogPurpose::Open => "Open",
            FileDialogPurpose::AddDocument => "Add",
            FileDialogPurpose::SaveAs => "Save",
        }
    }

    /// Whether the dialog asks for a file to write (a new name may be typed) rather than one to read.
    pub fn saves(self) -> bool {
        match self {
            FileDialogPurpose::Open | FileDialogPurpose::AddDocument => false,
            FileDialogPurpose::SaveAs => true,
        }
    }

    /// The filters a system file dialog offers, the first one chosen: (name, extensions without
    /// the dot; `*` is any file).
    pub fn filters(self) -> Vec<(&'static str, Vec<&'static str>)> {
        let all = ("All files", vec!["*"]);
        match self {
            FileDialogPurpose::Open => {
                vec![("Projects and texts", [&["ron"], TEXT_EXTENSIONS].concat()), ("Projects", vec!["ron"]), all]
            }
            FileDialogPurpose::AddDocument => vec![("Texts", TEXT_EXTENSIONS.to_vec()), all],
            FileDialogPurpose::SaveAs => vec![("Spanwise projects", vec!["ron"])],
        }
    }

    /// What choosing `path` does.
    pub fn command(self, path: PathBuf) -> Command {
        match self {
            FileDialogPurpose::Open => Command::OpenPath(path),
            FileDialogPurpose::AddDocument => Command::AddDocumentPath(path),
            FileDialogPurpose::SaveAs => Command::SaveAsPath(path),
        }
    }

    /// Whether a file is listed.
    fn lists(self, path: &Path) -> bool {
        let name = path.to_string_lossy().to_lowercase();
        let text = [".txt", ".md", ".markdown", ".text"].iter().any(|e| name.ends_with(e));
        let project = name.ends_with(".ron");
        match self {
            FileDialogPurpose::Open => text || project,
            FileDialogPurpose::AddDocument => text,
            FileDialogPurpose::SaveAs => project,
        }
    }
}

#[derive(Clone, Debug)]
struct Entry {
    path: PathBuf,
    name: String,
    is_dir: bool,
}

/// An in-app file chooser.
#[derive(Clone, Debug)]
pub struct FileDialog {
    pub purpose: FileDialogPurpose,
    pub dir: PathBuf,
    /// What the user typed: a name in `dir` or a full path.
    pub input: String,
    entries: Vec<Entry>,
    error: Option<String>,
    focus_requested: bool,
}

impl FileDialog {
    pub fn new(purpose: FileDialogPurpose, dir: PathBuf, suggested: Option<PathBuf>) -> Self {
        let (dir, input) = match suggested {
            Some(path) => (
                path.parent().filter(|p| !p.as_os_str().is_empty()).map_or(dir, Path::to_owned),
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            ),
            None => (dir, String::new()),
        };
        let mut dialog = Self { purpose, dir, input, entries: Vec::new(), error: None, focus_requested: true };
        dialog.refresh();
        dialog
    }

    fn refresh(&mut self) {
        self.entries.clear();
        match std::fs::read_dir(&self.dir) {
            Ok(read) => {
                for entry in read.flatten() {
                    let path = entry.path();
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = path.is_dir();
                    if is_dir || self.purpose.lists(&path) {
                        self.entries.push(Entry { path, name, is_dir });
                    }
                }
                self.entries.sort_by(|a, b| {
                    b.is_dir.cmp(&a.is_dir).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                });
            }
            Err(err) => self.error = Some(format!("Cannot list {}: {err}", self.dir.display())),
        }
    }

    fn chosen_path(&self) -> Option<PathBuf> {
        let input = self.input.trim();
        if input.is_empty() {
            return None;
        }
        let expanded = match input.strip_prefix("~/") {
            Some(rest) => {
                std::env::var_os("HOME").map_or_else(|| PathBuf::from(input), |home| PathBuf::from(home).join(rest))
            }
            None => PathBuf::from(input),
        };
        Some(if expanded.is_absolute() { expanded } else { self.dir.join(expanded) })
    }

    /// Checks the chosen path; returns the command to run, or sets an error.
    fn accept(&mut self) -> Option<Command> {
        let Some(path) = self.chosen_path() else {
            self.error = Some("Type a file name or pick a file".into());
            return None;
        };
        if path.is_dir() {
            self.dir = path;
            self.input.clear();
            self.error = None;
            self.refresh();
            return None;
        }
        match self.purpose {
            FileDialogPurpose::Open | FileDialogPurpose::AddDocument if !path.is_file() => {
                self.error = Some(format!("{} does not exist", path.display()));
                None
            }
            FileDialogPurpose::SaveAs if path.parent().is_some_and(|p| !p.as_os_str().is_empty() && !p.is_dir()) => {
                self.error = Some(format!("The folder {} does not exist", path.parent().unwrap_or(&path).display()));
                None
            }
            _ => Some(self.purpose.command(path)),
        }
    }

    /// Returns (keep open, commands).
    fn ui(&mut self, ui: &mut egui::Ui, recent: &[PathBuf]) -> (bool, Vec<Command>) {
        let mut commands = Vec::new();
        let mut keep = true;
        ui.heading(self.purpose.title());
        ui.horizontal(|ui| {
            if ui.button("Up").on_hover_text("Parent folder").clicked()
                && let Some(parent) = self.dir.parent()
            {
                self.dir = parent.to_owned();
                self.refresh();
            }
            ui.label(RichText::new(self.dir.display().to_string()).monospace());
        });
        egui::ScrollArea::vertical()
            .id_salt("file_dialog_entries")
            .max_height(280.0)
            .min_scrolled_height(280.0)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if self.entries.is_empty() {
                    ui.label(RichText::new("No matching files here").weak());
                }
                let mut open_dir = None;
                let mut chosen = false;
                for entry in &self.entries {
                    let text = if entry.is_dir { format!("{}/", entry.name) } else { entry.name.clone() };
                    let selected = !entry.is_dir && self.input == entry.name;
                    let response = ui.selectable_label(selected, text);
                    if response.clicked() {
                        if entry.is_dir {
                            open_dir = Some(entry.path.clone());
                        } else {
                            self.input = entry.name.clone();
                            self.error = None;
                        }
                    }
                    if response.double_clicked() && !entry.is_dir {
                        self.input = entry.name.clone();
                        chosen = true;
                    }
                }
                if chosen && let Some(command) = self.accept() {
                    commands.push(command);
                    keep = false;
                }
                if let Some(dir) = open_dir {
                    self.dir = dir;
                    self.refresh();
                }
            });
        if self.purpose != FileDialogPurpose::SaveAs && !recent.is_empty() {
            ui.collapsing("Recent files", |ui| {
                for path in recent {
                    if ui.link(path.display().to_string()).clicked() {
                        self.input = path.display().to_string();
                    }
                }
            });
        }
        ui.add_space(4.0);
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut self.input)
                    .hint_text(if self.purpose == FileDialogPurpose::SaveAs {
                        "File name, e.g. study.spanwise.ron"
                    } else {
                        "File name or full path"
                    })
                    .desired_width(f32::INFINITY),
            )
            .accessible_name("File path");
        if std::mem::take(&mut self.focus_requested) {
            response.request_focus();
        }
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.horizontal(|ui| {
            if (ui.button(self.purpose.accept()).clicked() || entered)
                && let Some(command) = self.accept()
            {
                commands.push(command);
                keep = false;
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                keep = false;
            }
        });
        (keep, commands)
    }
}

#[derive(Debug)]
pub enum Dialog {
    File(FileDialog),
    AnnotatorName {
        input: String,
    },
    ConfirmDiscard {
        after: AfterConfirm,
    },
    Error {
        title: String,
        message: String,
    },
    Shortcuts,
    /// Work from an autosave journal: recover or discard (never dismissed without a choice).
    Recovery(Box<RecoveryOffer>),
    /// The project file changed on disk: reload, keep mine or merge (never dismissed without a
    /// choice).
    FileChanged(Box<FileChange>),
}

fn file_changed_ui(ui: &mut egui::Ui, change: &FileChange, dirty: bool) -> Option<FileChangeChoice> {
    let name = change.path.file_name().unwrap_or_default().to_string_lossy();
    ui.heading("The file changed on disk");
    ui.label(format!(
        "{name} was changed by another program (another Spanwise, a sync tool, git…) after you opened or saved it."
    ));
    ui.add_space(4.0);
    match &change.theirs {
        Ok(summary) => {
            ui.label(format!("Their version: {summary}."));
        }
        Err(err) => {
            ui.colored_label(ui.visuals().warn_fg_color, format!("Their version cannot be read: {err}"));
        }
    }
    ui.label(if dirty { "You have unsaved changes." } else { "You have no unsaved changes." });
    ui.add_space(4.0);
    let mut choice = None;
    let readable = change.theirs.is_ok();
    ui.horizontal_wrapped(|ui| {
        let reload = if dirty { "Reload (lose my unsaved changes)" } else { "Reload" };
        if readable && ui.button(reload).on_hover_text("Open their version; your unsaved changes are set aside").clicked()
        {
            choice = Some(FileChangeChoice::Reload);
        }
        if ui
            .button("Keep mine (next save overwrites)")
            .on_hover_text("Keep your version open; saving replaces theirs")
            .clicked()
        {
            choice = Some(FileChangeChoice::KeepMine);
        }
        if readable
            && ui
                .button("Merge")
                .on_hover_text(
                    "Annotations and relations from both versions, by id; where both changed the same one, yours is kept",
                )
                .clicked()
        {
            choice = Some(FileChangeChoice::Merge);
        }
        if !readable
            && ui.button("Check again").on_hover_text("It may still be being written; look again shortly").clicked()
        {
            choice = Some(FileChangeChoice::Later);
        }
    });
    choice
}

/// What the user chose in the recovery dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RecoveryChoice {
    Recover,
    Discard,
}

fn recovery_ui(ui: &mut egui::Ui, offer: &RecoveryOffer) -> Option<RecoveryChoice> {
    let recovery = &offer.recovery;
    ui.heading("Recover unsaved work?");
    let name = offer.project_name();
    let started = recovery.header.started.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
    ui.label(format!(
        "Spanwise stopped (crashed, was killed, or the computer went down) while {name} had unsaved changes. \
         Its autosave journal, begun {started}, can restore them."
    ));
    ui.add_space(4.0);
    egui::Grid::new("recovery_facts").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        ui.label("Edits");
        ui.label(recovery.edits.to_string());
        ui.end_row();
        if let Some(last) = recovery.last_edit {
            ui.label("Last edit");
            ui.label(last.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string());
            ui.end_row();
        }
        ui.label("Changes");
        ui.label(recovery.summary.to_string());
        ui.end_row();
        ui.label("Journal");
        ui.label(RichText::new(recovery.journal_path.display().to_string()).monospace());
        ui.end_row();
    });
    for note in &recovery.notes {
        ui.colored_label(ui.visuals().warn_fg_color, note);
    }
    ui.add_space(4.0);
    ui.label(
        RichText::new(
            "Recover puts the changes back; the file on disk stays as it is until you save. Discard keeps \
             the journal under another name and opens the file as last saved.",
        )
        .weak(),
    );
    let mut choice = None;
    ui.horizontal(|ui| {
        if ui.button("Recover").clicked() {
            choice = Some(RecoveryChoice::Recover);
        }
        if ui.button("Discard").clicked() {
            choice = Some(RecoveryChoice::Discard);
        }
    });
    choice
}

impl Dialog {
    /// Shows the dialog. Returns it if it stays open, and the commands it emitted.
    pub fn ui(mut self, ctx: &egui::Context, app: &mut SpanwiseApp) -> (Option<Dialog>, Vec<Command>) {
        let mut keep = true;
        let mut commands = Vec::new();
        let mut recovery_choice = None;
        let mut file_change_choice = None;
        let dirty = app.is_dirty();
        let recent = app.settings.recent_files.clone();
        let modal = egui::Modal::new(egui::Id::unique("spanwise_dialog")).show(ctx, |ui| {
            ui.set_width(560.0);
            match &mut self {
                Dialog::File(dialog) => {
                    let (stay, emitted) = dialog.ui(ui, &recent);
                    keep = stay;
                    if !stay && emitted.is_empty() {
                        // Cancelled: a pending "save, then quit" is abandoned too.
                        app.after_save = None;
                    }
                    commands = emitted;
                }
                Dialog::AnnotatorName { input } => {
                    ui.heading("Who is annotating?");
                    ui.label("Your name is recorded on every annotation you make, so that several coders' work can be compared. It is remembered on this computer.");
                    let response = ui.add(egui::TextEdit::singleline(input).hint_text("Your name").desired_width(f32::INFINITY)).accessible_name("Your name");
                    if !response.has_focus() && input.is_empty() {
                        response.request_focus();
                    }
                    let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let valid = !input.trim().is_empty();
                    if (ui.add_enabled(valid, egui::Button::new("Continue")).clicked() || entered) && valid {
                        commands.push(Command::SetAnnotatorName(input.trim().to_owned()));
                        keep = false;
                    }
                }
                Dialog::ConfirmDiscard { after } => {
                    ui.heading("Save changes?");
                    ui.label("This project has changes that are not saved yet.");
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            keep = false;
                            let after = after.clone();
                            commands.push(Command::Save);
                            app.after_save = Some(after);
                        }
                        if ui.button("Don't save").clicked() {
                            keep = false;
                            app.run_after_confirm(after.clone());
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::Error { title, message } => {
                    ui.heading(title.as_str());
                    egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                        ui.label(RichText::new(message.as_str()).monospace());
                    });
                    if ui.button("OK").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        keep = false;
                    }
                }
                Dialog::Shortcuts => {
                    ui.heading("Keyboard shortcuts");
                    egui::Grid::new("shortcuts").num_columns(2).striped(true).show(ui, |ui| {
                        let mut row = |keys: &str, action: &str| {
                            ui.label(RichText::new(keys).monospace());
                            ui.label(action);
                            ui.end_row();
                        };
                        for label in &app.project.codebook.labels {
                            if let Some(key) = label.hotkey {
                                row(&key.to_string(), &format!("Tag the selection as {} (or relabel the selected annotation)", label.name));
                            }
                        }
                        row("Drag / double-click / shift-click", "Select text, a word, extend the selection");
                        row("Click a highlight", "Select the annotation");
                        row("Delete", "Delete the selected annotation");
                        row("Esc", "Clear the selection");
                        row("Ctrl+Z", "Undo");
                        row("Ctrl+Shift+Z, Ctrl+Y", "Redo");
                        row("Ctrl+S / Ctrl+Shift+S", "Save / Save as");
                        row("Ctrl+O / Ctrl+Shift+O", "Open / Add document");
                        row("Ctrl+N", "New project");
                    });
                    if ui.button("Close").clicked() {
                        keep = false;
                    }
                }
                Dialog::Recovery(offer) => {
                    recovery_choice = recovery_ui(ui, offer);
                }
                Dialog::FileChanged(change) => {
                    file_change_choice = file_changed_ui(ui, change, dirty);
                }
            }
        });
        if let Dialog::FileChanged(change) = self {
            return match file_change_choice {
                Some(choice) => {
                    app.resolve_file_change(&change, choice);
                    (None, commands)
                }
                None => (Some(Dialog::FileChanged(change)), commands),
            };
        }
        if let Dialog::Recovery(offer) = self {
            // Only an explicit choice closes it: the journal is someone's work.
            return match recovery_choice {
                Some(RecoveryChoice::Recover) => {
                    app.accept_recovery(offer);
                    (None, commands)
                }
                Some(RecoveryChoice::Discard) => {
                    app.discard_recovery(offer);
                    (None, commands)
                }
                None => (Some(Dialog::Recovery(offer)), commands),
            };
        }
        if modal.should_close() && !matches!(self, Dialog::AnnotatorName { .. }) {
            keep = false;
        }
        (keep.then_some(self), commands)
    }
}
