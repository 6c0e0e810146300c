//! "Which relation?": when the codebook allows several relation types between two annotations,
//! the user picks one (number keys, arrows and Enter, or a click).

use egui::RichText;

use crate::model::ItemId;
use crate::ui::commands::Command;
use crate::ui::doc_view::excerpt;

#[derive(Debug)]
pub struct RelationChooser {
    pub from: ItemId,
    pub to: ItemId,
    /// (relation type id, name), in codebook order.
    pub choices: Vec<(String, String)>,
    from_text: String,
    to_text: String,
    chosen: usize,
}

impl RelationChooser {
    pub fn new(from: ItemId, to: ItemId, choices: Vec<(String, String)>, from_text: String, to_text: String) -> Self {
        Self { from, to, choices, from_text, to_text, chosen: 0 }
    }

    /// Returns (keep open, the relation to make).
    pub(super) fn ui(&mut self, ui: &mut egui::Ui) -> (bool, Option<Command>) {
        ui.heading("Which relation?");
        ui.label(format!("From “{}”", excerpt(&self.from_text, 60)));
        ui.label(format!("to “{}”", excerpt(&self.to_text, 60)));
        ui.add_space(6.0);
        let (up, down, enter, escape, digit) = ui.input(|i| {
            let digit = i.events.iter().find_map(|e| match e {
                egui::Event::Text(t) => t.chars().next().and_then(|c| c.to_digit(10)),
                _ => None,
            });
            (
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
                i.key_pressed(egui::Key::Enter),
                i.key_pressed(egui::Key::Escape),
                digit,
            )
        });
        if down {
            self.chosen = (self.chosen + 1).min(self.choices.len().saturating_sub(1));
        }
        if up {
            self.chosen = self.chosen.saturating_sub(1);
        }
        let mut picked = digit.and_then(|d| (d as usize).checked_sub(1)).filter(|&i| i < self.choices.len());
        for (i, (_, name)) in self.choices.iter().enumerate() {
            if ui.selectable_label(i == self.chosen, format!("{}  {name}", i + 1)).clicked() {
                picked = Some(i);
            }
        }
        ui.label(RichText::new("Number or ↑/↓ and Enter; Esc cancels").weak());
        if enter {
            picked = picked.or(Some(self.chosen));
        }
        match picked {
            Some(i) => {
                let kind = self.choices[i].0.clone();
                (false, Some(Command::CreateRelation { from: self.from, to: self.to, kind }))
            }
            None => (!escape, None),
        }
    }
}
