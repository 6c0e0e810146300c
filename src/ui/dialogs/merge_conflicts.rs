//! Choosing mine or theirs for each conflict of a merge with the file on disk: the item, my value
//! and their value side by side, one choice per row ("All mine" / "All theirs" for every row),
//! then the merge is applied as one undo step.
//!
//! Keyboard: Up/Down move between conflicts, Left or M takes mine, Right or T takes theirs,
//! Enter merges, Escape goes back to the "file changed" question. Tab and Space work too.

use egui::{Key, RichText};

use crate::session::PendingMerge;
use crate::store::merge::Side;

/// What the user decided in the dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MergeChoice {
    Apply,
    Cancel,
}

/// The conflicts of a merge and the side chosen for each (mine until the user says otherwise).
#[derive(Debug)]
pub struct MergeDialog {
    pub(super) pending: Box<PendingMerge>,
    pub(super) choices: Vec<Side>,
    /// The conflict the keyboard acts on.
    current: usize,
}

impl MergeDialog {
    pub fn new(pending: Box<PendingMerge>) -> Self {
        let choices = vec![Side::Mine; pending.conflicts().len()];
        Self { pending, choices, current: 0 }
    }

    /// The conflicts, in project order.
    pub fn conflicts(&self) -> &[crate::store::merge::Conflict] {
        self.pending.conflicts()
    }

    /// The side chosen for each conflict, in the order of [`PendingMerge::conflicts`].
    pub fn choices(&self) -> &[Side] {
        &self.choices
    }

    /// "2 conflicts: 1 yours, 1 theirs".
    pub fn tally(&self) -> String {
        let theirs = self.choices.iter().filter(|&&side| side == Side::Theirs).count();
        let mine = self.choices.len() - theirs;
        let noun = if self.choices.len() == 1 { "conflict" } else { "conflicts" };
        format!("{} {noun}: {mine} yours, {theirs} theirs", self.choices.len())
    }

    fn keys(&mut self, ui: &egui::Ui) -> Option<MergeChoice> {
        let count = self.choices.len();
        let (up, down, mine, theirs, enter, escape) = ui.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::NONE, Key::ArrowUp),
                i.consume_key(egui::Modifiers::NONE, Key::ArrowDown),
                i.consume_key(egui::Modifiers::NONE, Key::ArrowLeft) || i.consume_key(egui::Modifiers::NONE, Key::M),
                i.consume_key(egui::Modifiers::NONE, Key::ArrowRight) || i.consume_key(egui::Modifiers::NONE, Key::T),
                i.consume_key(egui::Modifiers::NONE, Key::Enter),
                i.consume_key(egui::Modifiers::NONE, Key::Escape),
            )
        });
        if up {
            self.current = self.current.saturating_sub(1);
        }
        if down && self.current + 1 < count {
            self.current += 1;
        }
        if let Some(choice) = self.choices.get_mut(self.current) {
            if mine {
                *choice = Side::Mine;
            }
            if theirs {
                *choice = Side::Theirs;
            }
        }
        if enter {
            Some(MergeChoice::Apply)
        } else if escape {
            Some(MergeChoice::Cancel)
        } else {
            None
        }
    }

    pub(super) fn ui(&mut self, ui: &mut egui::Ui) -> Option<MergeChoice> {
        ui.set_width(760.0);
        let before = self.current;
        let mut decided = self.keys(ui);
        let scroll_to_current = before != self.current;
        let name = self.pending.path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        ui.heading("Merge: choose for each conflict");
        if self.pending.has_base() {
            ui.label(format!(
                "You and the other program both changed these items of {name}, differently. Everything else is \
                 merged already. Their version: {}.",
                self.pending.theirs_changed
            ));
        } else {
            ui.label(format!(
                "There is no earlier version of {name} to compare with, so this merge is a union: everything either \
                 version has is kept and nothing is deleted. Their version differs from yours: {}. Where the two \
                 differ, yours is kept unless you take theirs below (\"mine wins\" is what a union keeps).",
                self.pending.theirs_changed
            ));
        }
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            if ui.button("All mine").on_hover_text("Keep your value for every conflict").clicked() {
                self.choices.iter_mut().for_each(|c| *c = Side::Mine);
            }
            if ui.button("All theirs").on_hover_text("Take their value for every conflict").clicked() {
                self.choices.iter_mut().for_each(|c| *c = Side::Theirs);
            }
            ui.label(RichText::new(self.tally()).strong());
        });
        ui.add_space(4.0);
        let current = self.current;
        let mut clicked_row = None;
        egui::ScrollArea::vertical().max_height(380.0).auto_shrink([false, true]).show(ui, |ui| {
            for (row, (conflict, choice)) in self.pending.conflicts().iter().zip(&mut self.choices).enumerate() {
                let what = format!("{}. {}", row + 1, conflict.what);
                let what =
                    if row == current { RichText::new(format!("▶ {what}")).strong() } else { RichText::new(what) };
                let frame = egui::Frame::group(ui.style());
                let frame = if row == current { frame.stroke(ui.visuals().selection.stroke) } else { frame };
                frame.show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.add(egui::Label::new(what).wrap());
                    // Side by side, each value wrapped in its half.
                    ui.columns(2, |columns| {
                        let mine = columns[0].radio_value(choice, Side::Mine, format!("Yours: {}", conflict.mine));
                        let theirs =
                            columns[1].radio_value(choice, Side::Theirs, format!("Theirs: {}", conflict.theirs));
                        if mine.clicked() || theirs.clicked() || mine.has_focus() || theirs.has_focus() {
                            clicked_row = Some(row);
                        }
                        if row == current && scroll_to_current {
                            mine.scroll_to_me(None);
                        }
                    });
                });
            }
        });
        if let Some(row) = clicked_row {
            self.current = row;
        }
        ui.add_space(6.0);
        ui.label(
            RichText::new(
                "Up/Down: conflict · Left or M: yours · Right or T: theirs · Enter: merge · Esc: back. The merge is \
                 one step: Undo takes it back. Nothing is written until you save.",
            )
            .weak(),
        );
        ui.horizontal(|ui| {
            if ui.button("Merge").on_hover_text("Apply the merge with these choices").clicked() {
                decided = Some(MergeChoice::Apply);
            }
            if ui.button("Cancel").on_hover_text("Back to the question about the changed file").clicked() {
                decided = Some(MergeChoice::Cancel);
            }
        });
        decided
    }
}
