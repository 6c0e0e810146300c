//! The command palette (Ctrl+K): every command of [`Command::catalog`] with its shortcut, filtered
//! as the user types (fuzzy: the typed letters in order), Up/Down to choose, Enter runs.

use egui::RichText;

use crate::ui::commands::Command;

#[derive(Debug)]
pub struct CommandPalette {
    pub query: String,
    /// Index of the chosen row among the matches.
    chosen: usize,
    focus_pending: bool,
}

impl Default for CommandPalette {
    fn default() -> Self {
        Self { query: String::new(), chosen: 0, focus_pending: true }
    }
}

/// How well `query` matches `text`: `None` unless the query's characters all appear in order
/// (ignoring case); a lower score is better (earlier and more contiguous matches).
pub fn fuzzy_score(query: &str, text: &str) -> Option<usize> {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let mut score = 0;
    let mut at = 0;
    let mut previous: Option<usize> = None;
    for q in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = text[at..].iter().position(|&c| c == q)? + at;
        score += match previous {
            Some(p) if found == p + 1 => 0,
            Some(p) => found - p,
            None => found * 2,
        };
        previous = Some(found);
        at = found + 1;
    }
    Some(score)
}

/// The catalog's commands matching `query`, best first (catalog order among equals).
pub fn matching_commands(query: &str) -> Vec<Command> {
    let mut found: Vec<(usize, usize, Command)> = Command::catalog()
        .into_iter()
        .enumerate()
        .filter_map(|(i, command)| {
            let info = command.info()?;
            let by_text = fuzzy_score(query, info.text);
            let by_tooltip = fuzzy_score(query, info.tooltip).map(|s| s + 1000);
            let score = match (by_text, by_tooltip) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b)?,
            };
            Some((score, i, command))
        })
        .collect();
    found.sort_by_key(|(score, i, _)| (*score, *i));
    found.into_iter().map(|(_, _, command)| command).collect()
}

impl CommandPalette {
    /// Returns (keep open, the command to run).
    pub(super) fn ui(&mut self, ui: &mut egui::Ui) -> (bool, Option<Command>) {
        ui.heading("Command palette");
        let response = ui
            .add(egui::TextEdit::singleline(&mut self.query).hint_text("Type a command…").desired_width(f32::INFINITY))
            .accessible_name("Command");
        if std::mem::take(&mut self.focus_pending) || !response.has_focus() {
            response.request_focus();
        }
        if response.changed() {
            self.chosen = 0;
        }
        let matches = matching_commands(&self.query);
        let (up, down, enter, escape) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
                i.key_pressed(egui::Key::Enter),
                i.key_pressed(egui::Key::Escape),
            )
        });
        if down && self.chosen + 1 < matches.len() {
            self.chosen += 1;
        }
        if up {
            self.chosen = self.chosen.saturating_sub(1);
        }
        self.chosen = self.chosen.min(matches.len().saturating_sub(1));
        let mut run = None;
        let ctx = ui.ctx().clone();
        egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
            if matches.is_empty() {
                ui.label(RichText::new("No command matches").weak());
            }
            for (i, command) in matches.iter().enumerate() {
                let Some(info) = command.info() else { continue };
                let keys = info.shortcuts.first().map(|s| ctx.format_shortcut(s)).unwrap_or_default();
                let row = ui
                    .horizontal(|ui| {
                        let text = ui.selectable_label(i == self.chosen, info.text).on_hover_text(info.tooltip);
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.label(RichText::new(keys).monospace().weak());
                        });
                        text
                    })
                    .inner;
                if i == self.chosen && (up || down) {
                    row.scroll_to_me(None);
                }
                if row.clicked() {
                    run = Some(command.clone());
                }
            }
        });
        if enter && let Some(command) = matches.get(self.chosen) {
            run = Some(command.clone());
        }
        let keep = run.is_none() && !escape;
        if !keep {
            // The document gets the keyboard back at once (Tab, R, label keys).
            ui.memory_mut(|m| m.surrender_focus(response.id));
        }
        (keep, run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matching_prefers_contiguous_early_matches() {
        assert!(fuzzy_score("sv", "Save").is_some());
        assert!(fuzzy_score("xyz", "Save").is_none());
        assert!(
            fuzzy_score("sav", "Save").unwrap() < fuzzy_score("sav", "Set span to selection").unwrap_or(usize::MAX)
        );
        assert_eq!(matching_commands("")[0], Command::catalog()[0], "everything, in catalog order");
        assert_eq!(matching_commands("").len(), Command::catalog().len());
        assert_eq!(matching_commands("relat")[0], Command::StartRelation);
        assert_eq!(matching_commands("tag all")[0], Command::TagAll);
        assert_eq!(matching_commands("undo")[0], Command::Undo);
    }
}
