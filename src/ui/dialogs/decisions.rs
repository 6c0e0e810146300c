//! The decisions about a coder's work that only they can take: recover an autosave journal or
//! not, and what to do with a project file someone else changed. Neither closes without a choice.

use egui::RichText;

use crate::session::{FileChange, FileChangeChoice, RecoveryOffer};

pub(super) fn file_changed_ui(ui: &mut egui::Ui, change: &FileChange, dirty: bool) -> Option<FileChangeChoice> {
    let name = change.path.file_name().unwrap_or_default().to_string_lossy();
    ui.heading("The file changed on disk");
    ui.label(format!(
        "{name} was changed by another program (another Spanwise, a sync tool, git…) after you opened or saved it."
    ));
    ui.add_space(4.0);
    match &change.theirs {
        Ok(summary) if change.has_base => {
            ui.label(format!("Their version: {summary}."));
        }
        Ok(summary) => {
            ui.label(format!(
                "Spanwise has no earlier version of the file to compare with, so it cannot tell what they changed. \
                 Their version differs from yours: {summary}. Merge makes a union (nothing is deleted); where the \
                 two differ, you choose."
            ));
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
                    "Combine both versions: what changed on one side only is taken; where both changed the same thing differently, you choose yours or theirs for each",
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
pub(super) enum RecoveryChoice {
    Recover,
    Discard,
}

pub(super) fn recovery_ui(ui: &mut egui::Ui, offer: &RecoveryOffer) -> Option<RecoveryChoice> {
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
