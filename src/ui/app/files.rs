//! Files and the project's life: open, add, save, "Save changes?" before leaving work, dropped
//! files, closing the window.

use std::path::{Path, PathBuf};

use super::SpanwiseApp;
use crate::session::{Opened, SaveOutcome};
use crate::store;
use crate::ui::commands::Command;
use crate::ui::dialogs::{AfterConfirm, Dialog, FileDialogPurpose};

impl SpanwiseApp {
    /// Opens a project file as the project, or a text as a new project holding it.
    pub(crate) fn open_path(&mut self, path: &Path) {
        if let Some(opened) = self.session.open(path) {
            let is_text = matches!(opened, Opened::Text(_));
            let (Opened::Project(path) | Opened::Text(path)) = opened;
            self.settings.add_recent(&path);
            self.save_settings();
            self.take_notices();
            if is_text && let Some(id) = self.current_document.clone() {
                self.offer_cleanup(&id);
            }
        }
        self.take_notices();
    }

    pub(super) fn add_document_path(&mut self, path: &Path) {
        if let Some(id) = self.session.add_document(path) {
            self.sync_with_session();
            self.select_document(&id);
            self.offer_cleanup(&id);
            self.settings.add_recent(path);
            self.save_settings();
        }
    }

    /// Saves to the project's file, or asks where when it has none.
    pub(super) fn save(&mut self) {
        match self.session.save() {
            SaveOutcome::Saved(path) => self.saved(&path),
            SaveOutcome::NeedsPath { .. } => self.show_file_dialog(FileDialogPurpose::SaveAs),
            SaveOutcome::NotSaved => self.after_save = None,
        }
    }

    pub(super) fn save_as(&mut self, path: PathBuf) {
        let path = if path.to_string_lossy().ends_with(".ron") {
            path
        } else {
            let mut name = path.into_os_string();
            name.push(store::EXTENSION);
            PathBuf::from(name)
        };
        match self.session.save_as(&path) {
            SaveOutcome::Saved(path) => self.saved(&path),
            SaveOutcome::NeedsPath { .. } | SaveOutcome::NotSaved => self.after_save = None,
        }
    }

    fn saved(&mut self, path: &Path) {
        self.settings.add_recent(path);
        self.save_settings();
        if let Some(after) = self.after_save.take() {
            self.run_after_confirm(after);
        }
    }

    /// Runs `after` now, or asks first if there are unsaved changes.
    pub(super) fn confirm_then(&mut self, after: AfterConfirm) {
        if self.session.has_unsaved_work() {
            self.show_dialog(Dialog::ConfirmDiscard { after });
        } else {
            self.run_after_confirm(after);
        }
    }

    pub(super) fn run_after_confirm(&mut self, after: AfterConfirm) {
        match after {
            AfterConfirm::Quit => {
                self.session.leave();
                self.allowed_to_close = true;
                self.quit_requested = true;
            }
            AfterConfirm::Open(path) => self.open_path(&path),
            AfterConfirm::NewProject => self.session.new_project(),
            AfterConfirm::RecoverPending => self.session.take_pending_recovery(),
            AfterConfirm::ShowOpenDialog => self.show_file_dialog(FileDialogPurpose::Open),
        }
        self.take_notices();
    }

    /// Asks for a file for `purpose`: the system's file dialog when there is one, else Spanwise's
    /// own chooser (`native_dialogs`).
    pub(super) fn show_file_dialog(&mut self, purpose: FileDialogPurpose) {
        let suggested = match purpose {
            FileDialogPurpose::SaveAs => self.session.suggested_path().map(Path::to_owned),
            _ => None,
        };
        self.ask_for_file(purpose, self.start_dir(), suggested);
    }

    pub(super) fn start_dir(&self) -> PathBuf {
        self.session
            .path()
            .and_then(Path::parent)
            .map(Path::to_owned)
            .or_else(|| self.settings.recent_files.first().and_then(|p| p.parent()).map(Path::to_owned))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    pub(super) fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        if let Some(Dialog::Import(setup)) = &mut self.dialog {
            // Dropped on the Import dialog: more sources.
            dropped.into_iter().for_each(|path| setup.add(path));
            return;
        }
        if let Some(Dialog::Grade(grade)) = &mut self.dialog {
            // Dropped on the Grade dialog: students' files or folders.
            dropped.iter().for_each(|path| grade.add_students(path));
            return;
        }
        for path in dropped {
            // A project replaces the open one; a text joins the project, unless nothing is open yet.
            let starts_project =
                store::is_project_path(&path) || (self.project().documents.is_empty() && !self.is_dirty());
            if starts_project {
                self.pending.push(Command::OpenPath(path));
            } else {
                self.pending.push(Command::AddDocumentPath(path));
            }
        }
    }

    pub(super) fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.allowed_to_close {
            // What is being typed counts as the user's work: saved into the project first, so
            // that "Save changes?" asks about it.
            self.commit_note();
            self.commit_memo();
            if self.session.has_unsaved_work() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.show_dialog(Dialog::ConfirmDiscard { after: AfterConfirm::Quit });
            } else {
                self.session.leave();
                self.allowed_to_close = true;
            }
        }
        if self.quit_requested {
            self.quit_requested = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
