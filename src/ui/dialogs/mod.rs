//! Modal dialogs. A dialog never holds the app: it shows itself, keeps its own state (a typed
//! path, a name) and returns [`Outcome`]s — commands, or the user's answer to a question the
//! session asked — which the app carries out after the frame.

mod assignment;
mod cleanup;
mod combine;
mod decisions;
mod export;
mod file_chooser;
mod grade;
mod import;
mod import_annotations;
mod merge_conflicts;
mod name_prompt;
mod palette;
mod relation_type;
mod tag_all;

use std::path::PathBuf;

use egui::RichText;

pub use assignment::{AssignmentDialog, Written as AssignmentWritten};
pub use cleanup::{CleanedText, CleanupView};
pub use combine::{CombineDialog, Combined, project_files, read_and_combine};
pub use export::{ExportDialog, Exported};
pub use file_chooser::{FileDialog, FileDialogPurpose};
pub use grade::GradeDialog;
pub use import::{CsvPreview, ImportSetup, UrlPrompt};
pub use import_annotations::{Choice, ImportDialog, ImportPlan};
pub use merge_conflicts::MergeDialog;
pub use name_prompt::NamePrompt;
pub use palette::{CommandPalette, fuzzy_score, matching_commands};
pub use relation_type::RelationChooser;
pub use tag_all::{Scope as TagAllScope, TagAllDialog};

use super::commands::Command;
use crate::model::{Codebook, Project};
use crate::session::{FileChange, FileChangeChoice, PendingMerge, RecoveryOffer};
use crate::store::merge::Side;
use decisions::{RecoveryChoice, file_changed_ui, recovery_ui};
use merge_conflicts::MergeChoice;

/// What to do once the user has decided about unsaved changes.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterConfirm {
    Quit,
    Open(PathBuf),
    NewProject,
    ShowOpenDialog,
    /// Take the recovery the user accepted (waiting in the session).
    RecoverPending,
}

/// What a dialog asks the app to do.
#[derive(Debug)]
pub enum Outcome {
    Command(Command),
    Recover(Box<RecoveryOffer>),
    DiscardRecovery(Box<RecoveryOffer>),
    ResolveFileChange(Box<FileChange>, FileChangeChoice),
    /// "Save changes?" → Save, then carry on.
    SaveThen(AfterConfirm),
    /// "Save changes?" → Don't save: carry on.
    DiscardThen(AfterConfirm),
    /// A file chooser was closed without a choice (a pending "save, then …" is abandoned).
    Cancelled,
    /// Ask for a file in the system's file dialog (the dialog on screen stays and gets the answer).
    ChooseFile(FileDialogPurpose, PathBuf, Option<PathBuf>),
    /// An export finished: remember it, and say what was written where.
    Exported(Box<Exported>),
    /// Apply an annotation import (one undo step) and say what it did.
    ApplyImport(Box<ImportPlan>),
    /// Merge with the file on disk, with these choices for its conflicts.
    FinishMerge(Box<PendingMerge>, Vec<Side>),
    /// The merge with conflicts was given up: ask about the changed file again.
    CancelMerge(Box<PendingMerge>),
}

/// What dialogs may show of the app's state.
pub struct DialogContext<'a> {
    /// The open project has unsaved changes.
    pub dirty: bool,
    pub recent_files: &'a [PathBuf],
    pub codebook: &'a Codebook,
    /// The project (exports and imports read it).
    pub project: &'a Project,
    /// A system file dialog is tried for "Choose…" (else Spanwise's own, inside the dialog).
    pub system_file_dialogs: bool,
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
    /// Something worth reading that is not an error.
    Message {
        title: String,
        message: String,
    },
    Shortcuts,
    /// Work from an autosave journal: recover or discard (never dismissed without a choice).
    Recovery(Box<RecoveryOffer>),
    /// The project file changed on disk: reload, keep mine or merge (never dismissed without a
    /// choice).
    FileChanged(Box<FileChange>),
    /// File › Import…: sources and options.
    Import(Box<ImportSetup>),
    /// File › Open URL….
    OpenUrl(UrlPrompt),
    /// Document › Clean up….
    Cleanup(Box<CleanupView>),
    /// File › Export….
    Export(Box<ExportDialog>),
    /// File › Import annotations….
    ImportAnnotations(Box<ImportDialog>),
    /// A merge's conflicts: mine or theirs for each (never dismissed without a choice).
    MergeConflicts(Box<MergeDialog>),
    /// Ctrl+K: find a command by name.
    Palette(CommandPalette),
    /// Which of several allowed relation types.
    RelationType(RelationChooser),
    TagAll(TagAllDialog),
    /// File › Bring in coders' files…: progress, then the report.
    Combine(Box<CombineDialog>),
    /// File › Prepare assignment….
    Assignment(Box<AssignmentDialog>),
    /// Analysis › Grade students….
    Grade(Box<GradeDialog>),
    /// An assignment's instructions, as the student sees them on opening it.
    Instructions {
        project: String,
        text: String,
    },
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
            Dialog::Message { title, .. } => format!("message: {title}"),
            Dialog::Shortcuts => "keyboard shortcuts".into(),
            Dialog::Recovery(_) => "recovery".into(),
            Dialog::FileChanged(_) => "file changed on disk".into(),
            Dialog::Import(setup) if setup.choosing() => "import: choosing".into(),
            Dialog::Import(_) => "import".into(),
            Dialog::OpenUrl(_) => "open url".into(),
            Dialog::Cleanup(_) => "clean up".into(),
            Dialog::Export(dialog) => dialog.describe(),
            Dialog::ImportAnnotations(dialog) => dialog.describe(),
            Dialog::MergeConflicts(dialog) => format!("merge conflicts: {}", dialog.tally()),
            Dialog::Palette(_) => "command palette".into(),
            Dialog::RelationType(_) => "which relation?".into(),
            Dialog::TagAll(dialog) => format!("tag all: {}", dialog.phrase),
            Dialog::Combine(dialog) => dialog.describe(),
            Dialog::Assignment(dialog) => dialog.describe(),
            Dialog::Grade(dialog) => dialog.describe(),
            Dialog::Instructions { .. } => "assignment instructions".into(),
        }
    }

    /// A decision about the user's work: edits and shortcuts wait while one is open.
    pub fn is_decision(&self) -> bool {
        matches!(self, Dialog::Recovery(_) | Dialog::FileChanged(_) | Dialog::MergeConflicts(_))
    }

    /// Shows the dialog. Returns it if it stays open, and what the user asked for.
    pub fn show(mut self, ctx: &egui::Context, context: &DialogContext<'_>) -> (Option<Dialog>, Vec<Outcome>) {
        let mut keep = true;
        let mut outcomes = Vec::new();
        let mut recovery_choice = None;
        let mut file_change_choice = None;
        let mut merge_choice = None;
        let modal = egui::Modal::new(egui::Id::unique("spanwise_dialog")).show(ctx, |ui| {
            ui.set_width(560.0);
            match &mut self {
                Dialog::File(dialog) => {
                    let (stay, emitted) = dialog.ui(ui, context.recent_files);
                    keep = stay;
                    if !stay && emitted.is_empty() {
                        outcomes.push(Outcome::Cancelled);
                    }
                    outcomes.extend(emitted.into_iter().map(Outcome::Command));
                }
                Dialog::AnnotatorName(prompt) => {
                    let (stay, chosen) = prompt.ui(ui);
                    keep = stay;
                    if let Some(name) = chosen {
                        outcomes.push(Outcome::Command(Command::SetAnnotatorName(name)));
                    }
                }
                Dialog::ConfirmDiscard { after } => {
                    ui.heading("Save changes?");
                    ui.label("This project has changes that are not saved yet.");
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            keep = false;
                            outcomes.push(Outcome::SaveThen(after.clone()));
                        }
                        if ui.button("Don't save").clicked() {
                            keep = false;
                            outcomes.push(Outcome::DiscardThen(after.clone()));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::Error { title, message } | Dialog::Message { title, message } => {
                    ui.heading(title.as_str());
                    egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                        ui.label(RichText::new(message.as_str()).monospace());
                    });
                    if ui.button("OK").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        keep = false;
                    }
                }
                Dialog::Shortcuts => {
                    shortcuts_ui(ui, context.codebook);
                    if ui.button("Close").clicked() {
                        keep = false;
                    }
                }
                Dialog::Import(setup) => {
                    let (stay, emitted) = setup.ui(ui, context);
                    keep = stay;
                    outcomes.extend(emitted);
                }
                Dialog::OpenUrl(prompt) => {
                    let (stay, command) = prompt.ui(ui);
                    keep = stay;
                    outcomes.extend(command.map(Outcome::Command));
                }
                Dialog::Cleanup(view) => {
                    ui.set_width(860.0);
                    let (stay, command) = view.ui(ui);
                    keep = stay;
                    outcomes.extend(command.map(Outcome::Command));
                }
                Dialog::Recovery(offer) => recovery_choice = recovery_ui(ui, offer),
                Dialog::FileChanged(change) => file_change_choice = file_changed_ui(ui, change, context.dirty),
                Dialog::Export(dialog) => {
                    let (stay, emitted) = dialog.ui(ui, context);
                    keep = stay;
                    outcomes.extend(emitted);
                }
                Dialog::ImportAnnotations(dialog) => {
                    let (stay, emitted) = dialog.ui(ui, context);
                    keep = stay;
                    outcomes.extend(emitted);
                }
                Dialog::MergeConflicts(dialog) => merge_choice = dialog.ui(ui),
                Dialog::Palette(palette) => {
                    let (stay, run) = palette.ui(ui);
                    keep = stay;
                    outcomes.extend(run.map(Outcome::Command));
                }
                Dialog::RelationType(chooser) => {
                    let (stay, run) = chooser.ui(ui);
                    keep = stay;
                    outcomes.extend(run.map(Outcome::Command));
                }
                Dialog::TagAll(dialog) => {
                    let (stay, run) = dialog.ui(ui, context.project);
                    keep = stay;
                    outcomes.extend(run.map(Outcome::Command));
                }
                Dialog::Combine(dialog) => {
                    let (stay, run) = dialog.ui(ui);
                    keep = stay;
                    outcomes.extend(run.map(Outcome::Command));
                }
                Dialog::Assignment(dialog) => (keep, outcomes) = dialog.ui(ui, context),
                Dialog::Grade(dialog) => (keep, outcomes) = dialog.ui(ui, context),
                Dialog::Instructions { project, text } => keep = assignment::instructions_ui(ui, project, text),
            }
        });
        // The decisions close only with an explicit choice: the journal, or their version, is
        // someone's work.
        match self {
            Dialog::FileChanged(change) => match file_change_choice {
                Some(choice) => (None, vec![Outcome::ResolveFileChange(change, choice)]),
                None => (Some(Dialog::FileChanged(change)), outcomes),
            },
            Dialog::Recovery(offer) => match recovery_choice {
                Some(RecoveryChoice::Recover) => (None, vec![Outcome::Recover(offer)]),
                Some(RecoveryChoice::Discard) => (None, vec![Outcome::DiscardRecovery(offer)]),
                None => (Some(Dialog::Recovery(offer)), outcomes),
            },
            // Escape or a click outside closes them, but not while they work (Cancel first).
            Dialog::Export(dialog) if dialog.is_running() => (Some(Dialog::Export(dialog)), outcomes),
            Dialog::ImportAnnotations(dialog) if dialog.is_running() => {
                (Some(Dialog::ImportAnnotations(dialog)), outcomes)
            }
            // Not closed by Escape while it reads (Cancel first).
            Dialog::Combine(dialog) if keep && dialog.is_running() => (Some(Dialog::Combine(dialog)), outcomes),
            Dialog::Assignment(dialog) if dialog.is_running() => (Some(Dialog::Assignment(dialog)), outcomes),
            Dialog::Grade(dialog) if dialog.is_running() => (Some(Dialog::Grade(dialog)), outcomes),
            Dialog::MergeConflicts(dialog) => match merge_choice {
                Some(MergeChoice::Apply) => {
                    let MergeDialog { pending, choices, .. } = *dialog;
                    (None, vec![Outcome::FinishMerge(pending, choices)])
                }
                Some(MergeChoice::Cancel) => (None, vec![Outcome::CancelMerge(dialog.pending)]),
                None => (Some(Dialog::MergeConflicts(dialog)), outcomes),
            },
            dialog => {
                if modal.should_close() && !matches!(dialog, Dialog::AnnotatorName(_)) {
                    if keep && matches!(dialog, Dialog::File(_)) {
                        outcomes.push(Outcome::Cancelled);
                    }
                    keep = false;
                }
                (keep.then_some(dialog), outcomes)
            }
        }
    }
}

/// The keyboard help: every command with a shortcut, from the one command list, and the label
/// keys of the codebook.
fn shortcuts_ui(ui: &mut egui::Ui, codebook: &Codebook) {
    ui.heading("Keyboard shortcuts");
    let ctx = ui.ctx().clone();
    // The list is longer than a small window: it scrolls, and Close stays below it.
    let height = ctx.content_rect().height() * 0.7;
    egui::ScrollArea::vertical().max_height(height).show(ui, |ui| shortcut_rows(ui, &ctx, codebook));
}

fn shortcut_rows(ui: &mut egui::Ui, ctx: &egui::Context, codebook: &Codebook) {
    egui::Grid::new("shortcuts").num_columns(2).striped(true).show(ui, |ui| {
        let mut row = |keys: &str, action: &str| {
            ui.label(RichText::new(keys).monospace());
            ui.label(action);
            ui.end_row();
        };
        for label in &codebook.labels {
            if let Some(key) = label.hotkey {
                row(
                    &key.to_string(),
                    &format!("Tag the selection as {} (or relabel the selected annotation)", label.name),
                );
            }
        }
        row("Drag / double-click / shift-click", "Select text, a word, extend the selection (Alt: by character)");
        row("Click a highlight", "Select the annotation");
        row("Alt+click a highlight", "Relate the selected annotation to it");
        row("Ctrl+drag", "Add the dragged text as another fragment of the selected annotation");
        row(
            "Drag a handle",
            "Move the selected annotation's start or end; drag its round handle onto another to relate",
        );
        row("Shift+← / Shift+→", "Extend or shrink the selection by a character");
        row("Ctrl+Shift+← / Ctrl+Shift+→", "Extend or shrink the selection by a word");
        row("↑ / ↓ / ← / → (while relating)", "Pick the previous or next target");
        for command in Command::catalog() {
            let Some(info) = command.info() else { continue };
            if info.shortcuts.is_empty() {
                continue;
            }
            let keys: Vec<String> = info.shortcuts.iter().map(|s| ctx.format_shortcut(s)).collect();
            row(&keys.join(", "), info.tooltip);
        }
    });
}
