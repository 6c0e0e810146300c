//! The app's side of the system's file dialogs (`ui::native_dialogs`): asking for a file, using
//! the answer, keeping the window still while a dialog is open, and the setting.

use std::path::PathBuf;

use egui::RichText;

use super::SpanwiseApp;
use crate::settings::FileChooser;
use crate::ui::dialogs::{Dialog, FileDialog, FileDialogPurpose};
use crate::ui::native_dialogs::{
    Answer, CHOOSING_STATUS, ENVIRONMENT_VARIABLE, NativeDialogs, Next, Pending, SAY_STARTING_AFTER, STARTING_STATUS,
    Stage, next_step, tries_system_dialog,
};

impl SpanwiseApp {
    /// Uses system file dialogs (only `ui::run` calls this: tests keep Spanwise's own chooser).
    pub fn with_native_dialogs(mut self, dialogs: NativeDialogs) -> Self {
        self.native_dialogs = dialogs;
        self
    }

    /// Whether a system file dialog is open (or its answer not yet used).
    pub fn waits_for_file_dialog(&self) -> bool {
        self.native_dialogs.is_waiting()
    }

    /// Asks for a file for `purpose`: in the system's file dialog when there is one and the user
    /// wants it, else in Spanwise's own chooser (starting in `dir`, or at `suggested`).
    pub(crate) fn ask_for_file(&mut self, purpose: FileDialogPurpose, dir: PathBuf, suggested: Option<PathBuf>) {
        if self.native_dialogs.is_waiting() {
            // One at a time: the answer to the open one decides what happens next.
            return;
        }
        let dialogs = &self.native_dialogs;
        if tries_system_dialog(dialogs.backend.is_some(), !dialogs.refused_by_environment, self.settings.file_chooser)
            && self.native_dialogs.start(purpose, dir.clone(), suggested.clone())
        {
            return;
        }
        self.own_chooser(purpose, dir, suggested);
    }

    /// Once per frame, before keys are handled: uses an answer that arrived; while a system dialog
    /// is open, keeps the window from taking input (nothing may change under the dialog: a second
    /// Open, another project, an edit, a drop) and says why.
    pub(crate) fn native_dialog_tick(&mut self, ctx: &egui::Context) {
        if self.native_dialogs.ctx.is_none() {
            self.native_dialogs.ctx = Some(ctx.clone());
        }
        self.native_dialogs.receive();
        // An answer waits while an in-app dialog (a changed file, a recovery, unsaved changes) is
        // on screen: it was asked about the project as it is now.
        if self.dialog.as_ref().is_none_or(Self::takes_file_answers)
            && let Some(pending) = self.native_dialogs.pending.take_if(|pending| pending.answer.is_some())
        {
            self.use_answer(pending);
        }
        if !self.native_dialogs.blocks_window() {
            return;
        }
        ctx.input_mut(|input| {
            input.events.retain(|event| {
                !matches!(
                    event,
                    egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::Paste(_)
                        | egui::Event::Copy
                        | egui::Event::Cut
                )
            });
            input.raw.dropped_files.clear();
        });
        let Some(pending) = &mut self.native_dialogs.pending else {
            return;
        };
        let heading = match pending.stage {
            Stage::Starting => {
                let waited = pending.started.elapsed();
                if waited < SAY_STARTING_AFTER {
                    // Finding out whether there is a dialog takes milliseconds: block clicks, show
                    // nothing (no flash before Spanwise's chooser), look again once.
                    ctx.request_repaint_after(SAY_STARTING_AFTER - waited);
                    egui::Modal::new(egui::Id::unique("native_file_dialog"))
                        .backdrop_color(egui::Color32::TRANSPARENT)
                        .frame(egui::Frame::NONE)
                        .show(ctx, |_| {});
                    return;
                }
                STARTING_STATUS
            }
            Stage::Shown => {
                if !pending.announced {
                    pending.announced = true;
                    self.status = Some(CHOOSING_STATUS.into());
                }
                CHOOSING_STATUS
            }
        };
        let mut use_own = false;
        egui::Modal::new(egui::Id::unique("native_file_dialog")).show(ctx, |ui| {
            ui.label(RichText::new(heading).heading());
            ui.label("Spanwise continues when the system's file dialog is closed.");
            ui.add_space(4.0);
            use_own = ui
                .button("Use Spanwise's chooser instead")
                .on_hover_text("If the system's dialog does not appear or does not respond")
                .clicked();
        });
        if use_own && let Some(pending) = self.native_dialogs.abandon() {
            log::info!("system file dialog abandoned; using Spanwise's own");
            self.clear_choosing_status();
            self.own_chooser(pending.purpose, pending.dir, pending.suggested);
        }
    }

    fn use_answer(&mut self, pending: Pending) {
        self.clear_choosing_status();
        let Some(answer) = pending.answer else {
            return;
        };
        match (&answer, pending.stage) {
            (Answer::Failed(reason), Stage::Starting) => {
                log::info!("no system file dialog ({reason}); using Spanwise's own");
            }
            (Answer::Failed(reason), Stage::Shown) => {
                log::warn!("the system file dialog failed ({reason}); using Spanwise's own");
            }
            _ => {}
        }
        match next_step(pending.purpose, answer) {
            Next::Run(command) => self.command(command),
            Next::RunEach(commands) => commands.into_iter().for_each(|command| self.command(command)),
            // Like Cancel in Spanwise's chooser: a pending "save, then quit" is abandoned too.
            Next::Nothing => self.after_save = None,
            Next::ShowOwnChooser => {
                self.own_chooser(pending.purpose, pending.dir, pending.suggested);
            }
        }
    }

    /// Spanwise's own chooser for `purpose`: inside the Export or Import dialog when it asked,
    /// else as a dialog of its own.
    fn own_chooser(&mut self, purpose: FileDialogPurpose, dir: PathBuf, suggested: Option<PathBuf>) {
        if self.classroom_chooser(purpose, &dir, &suggested) {
            return;
        }
        match (&mut self.dialog, purpose) {
            (Some(Dialog::Export(dialog)), FileDialogPurpose::Export) => dialog.open_chooser(dir, suggested),
            (Some(Dialog::ImportAnnotations(dialog)), FileDialogPurpose::ImportAnnotations) => {
                dialog.open_chooser(dir, suggested)
            }
            (Some(Dialog::Import(setup)), FileDialogPurpose::ImportSources) => setup.open_chooser(dir),
            _ => self.show_dialog(Dialog::File(FileDialog::new(purpose, dir, suggested))),
        }
    }

    /// Whether "Choose…" tries the system's file dialog.
    pub(crate) fn system_file_dialogs(&self) -> bool {
        let dialogs = &self.native_dialogs;
        tries_system_dialog(dialogs.backend.is_some(), !dialogs.refused_by_environment, self.settings.file_chooser)
            && dialogs.ctx.is_some()
    }

    fn clear_choosing_status(&mut self) {
        if self.status.as_deref() == Some(CHOOSING_STATUS) {
            self.status = None;
        }
    }

    /// The "Use the system file dialog" setting (View menu).
    pub(crate) fn file_chooser_setting_ui(&mut self, ui: &mut egui::Ui) {
        let mut system = self.settings.file_chooser == FileChooser::System;
        let allowed = !self.native_dialogs.refused_by_environment;
        let response = ui
            .add_enabled(allowed, egui::Checkbox::new(&mut system, "Use the system file dialog"))
            .on_hover_text("Open, Add document and Save as use your desktop's file dialog when there is one")
            .on_disabled_hover_text(format!("Turned off by {ENVIRONMENT_VARIABLE}=0"));
        if response.changed() {
            self.settings.file_chooser = if system { FileChooser::System } else { FileChooser::Spanwise };
            self.save_settings();
        }
    }
}
