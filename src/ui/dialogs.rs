//! Modal dialogs: a file chooser (typed path, folder listing, recent files; no native dialog, so
//! it works everywhere and in tests), the annotator name prompt, unsaved-changes confirmation,
//! crash recovery, errors and the shortcut reference.

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

impl FileDialogPurpose {
    fn title(self) -> &'static str {
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
            FileDialogPurpose::Open => Some(Command::OpenPath(path)),
            FileDialogPurpose::AddDocument => Some(Command::AddDocumentPath(path)),
            FileDialogPurpose::SaveAs => {
                if path.parent().is_some_and(|p| !p.as_os_str().is_empty() && !p.is_dir()) {
                    self.error =
                        Some(format!("The folder {} does not exist", path.parent().unwrap_or(&path).display()));
                    return None;
                }
                Some(Command::SaveAsPath(path))
            }
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

/// "Who is annotating?": asks for the name recorded on the user's annotations.
#[derive(Clone, Debug)]
pub struct NamePrompt {
    pub input: String,
    /// The name before this prompt opened; empty on the first run.
    previous: String,
    /// What Escape uses on the first run: the system's name for the user (may be empty).
    fallback: String,
    /// The text field still has to be given the keyboard focus (once: requesting it every frame
    /// restarts the input method each frame, which in a real window eats every key and repaints
    /// without end).
    focus_pending: bool,
    error: Option<String>,
}

impl NamePrompt {
    /// A prompt for the current name (empty on the first run); `fallback` is what Escape uses on
    /// the first run.
    pub fn new(current: &str, fallback: &str) -> Self {
        Self {
            input: current.to_owned(),
            previous: current.to_owned(),
            fallback: fallback.trim().to_owned(),
            focus_pending: true,
            error: None,
        }
    }

    /// Returns (keep open, the name chosen).
    fn ui(&mut self, ui: &mut egui::Ui) -> (bool, Option<String>) {
        ui.heading("Who is annotating?");
        ui.label(
            "Your name is recorded on every annotation you make, so that several coders' work can be compared. \
             It is remembered on this computer.",
        );
        let response = ui
            .add(egui::TextEdit::singleline(&mut self.input).hint_text("Your name").desired_width(f32::INFINITY))
            .accessible_name("Your name");
        if std::mem::take(&mut self.focus_pending) {
            response.request_focus();
        }
        let (enter, escape) = ui.input(|i| (i.key_pressed(egui::Key::Enter), i.key_pressed(egui::Key::Escape)));
        let valid = !self.input.trim().is_empty();
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let first_run = self.previous.trim().is_empty();
        let escape_hint = match (first_run, self.fallback.is_empty()) {
            (false, _) => "Esc keeps your current name.".to_owned(),
            (true, false) => format!("Esc uses \"{}\".", self.fallback),
            (true, true) => String::new(),
        };
        ui.label(
            RichText::new(format!("You can change it at any time from the status bar. {escape_hint}").trim_end())
                .weak(),
        );
        let mut chosen = None;
        let mut keep = true;
        ui.horizontal(|ui| {
            let continue_clicked = ui.add_enabled(valid, egui::Button::new("Continue")).clicked();
            if (continue_clicked || (enter && response.lost_focus())) && valid {
                chosen = Some(self.input.trim().to_owned());
                keep = false;
            } else if enter && response.lost_focus() {
                self.error = Some("Type your name, then press Enter".into());
                response.request_focus();
            }
            if !first_run && ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        if escape && keep {
            if !first_run {
                keep = false;
            } else if !self.fallback.is_empty() {
                chosen = Some(self.fallback.clone());
                keep = false;
            } else {
                self.error = Some("Type a name to continue (any name or a pseudonym will do)".into());
                response.request_focus();
            }
        }
        (keep, chosen)
    }
}

#[derive(Debug)]
pub enum Dialog {
    File(FileDialog),
    AnnotatorName(NamePrompt),
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

impl Dialog {
    /// What the dialog is, in a few words ("save changes?", "error: Cannot open …"), for the
    /// state report real-window tests read (`SPANWISE_STATE_REPORT`).
    pub fn describe(&self) -> String {
        match self {
            Dialog::File(dialog) => format!("file chooser: {}", dialog.purpose.title()),
            Dialog::AnnotatorName(_) => "name prompt".into(),
            Dialog::ConfirmDiscard { .. } => "save changes?".into(),
            Dialog::Error { title, .. } => format!("error: {title}"),
            Dialog::Shortcuts => "keyboard shortcuts".into(),
            Dialog::Recovery(_) => "recovery".into(),
            Dialog::FileChanged(_) => "file changed on disk".into(),
        }
    }
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
                Dialog::AnnotatorName(prompt) => {
                    let (stay, chosen) = prompt.ui(ui);
                    keep = stay;
                    if let Some(name) = chosen {
                        commands.push(Command::SetAnnotatorName(name));
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
                                row(
                                    &key.to_string(),
                                    &format!(
                                        "Tag the selection as {} (or relabel the selected annotation)",
                                        label.name
                                    ),
                                );
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
                        row("Ctrl+Q", "Quit");
                        row("Ctrl+F", "Find in the document");
                        row("F1", "This list");
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
        if modal.should_close() && !matches!(self, Dialog::AnnotatorName(_)) {
            keep = false;
        }
        (keep.then_some(self), commands)
    }
}
