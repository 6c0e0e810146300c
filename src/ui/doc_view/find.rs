//! Find in the document (Ctrl+F): every match highlighted and counted, Enter / Shift+Enter step
//! through them. Searches an ASCII-lowercased copy of the text (same byte offsets), so ASCII
//! letters match case-insensitively and no offset mapping is needed; matches stay byte offsets
//! and only the painted ones are converted to characters.

use egui::Key;

use super::DocView;
use crate::model::Document;

/// Find stops collecting matches here (the count then shows "100000+").
pub(super) const MAX_MATCHES: usize = 100_000;

/// Find-in-document state.
#[derive(Debug, Default)]
pub struct Find {
    pub open: bool,
    pub query: String,
    /// Byte offsets of matches (ASCII letters match case-insensitively).
    pub(super) matches: Vec<usize>,
    /// Byte length of a match.
    pub(super) match_len: usize,
    /// Index into `matches` of the current match.
    pub current: Option<usize>,
    pub(super) searched: String,
    pub(super) request_focus: bool,
    /// More matches exist than were collected.
    pub(super) truncated: bool,
}

impl Find {
    /// Searches `text`; called when the query changes.
    pub(super) fn search(&mut self, text: &str, folded: &str) {
        self.searched = self.query.clone();
        self.matches.clear();
        self.current = None;
        self.truncated = false;
        let needle = self.query.to_ascii_lowercase();
        self.match_len = needle.len();
        if needle.is_empty() {
            return;
        }
        let haystack = if folded.len() == text.len() { folded } else { text };
        for (at, _) in haystack.match_indices(needle.as_str()) {
            if self.matches.len() == MAX_MATCHES {
                self.truncated = true;
                break;
            }
            self.matches.push(at);
        }
        if !self.matches.is_empty() {
            self.current = Some(0);
        }
    }

    pub fn match_count(&self) -> usize {
        self.matches.len()
    }
}

impl DocView {
    /// Opens the find bar and gives it the keyboard.
    pub fn open_find(&mut self) {
        self.find.open = true;
        self.find.request_focus = true;
    }

    pub(super) fn find_bar_ui(&mut self, ui: &mut egui::Ui, document: &Document) {
        if !self.find.open {
            return;
        }
        let mut step: isize = 0;
        let mut close = false;
        ui.horizontal(|ui| {
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.find.query).hint_text("Find in document").desired_width(260.0),
                )
                .accessible_name("Find in document");
            if std::mem::take(&mut self.find.request_focus) {
                response.request_focus();
            }
            if response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                step = if ui.input(|i| i.modifiers.shift) { -1 } else { 1 };
                response.request_focus();
            }
            if (response.has_focus() || response.lost_focus()) && ui.input(|i| i.key_pressed(Key::Escape)) {
                close = true;
            }
            if self.find.query != self.find.searched {
                let folded = self.folded_text.get_or_insert_with(|| document.text.to_ascii_lowercase());
                self.find.search(&document.text, folded);
                if let Some(&first) = self.find.matches.first() {
                    self.reveal_byte(document, first);
                }
            }
            let count = self.find.matches.len();
            let label = match (count, self.find.current) {
                _ if self.find.query.is_empty() => String::new(),
                (0, _) => "No matches".to_owned(),
                (n, Some(current)) => {
                    format!("{} of {}{}", current + 1, n, if self.find.truncated { "+" } else { "" })
                }
                (n, None) => format!("{n} matches"),
            };
            ui.label(label);
            if ui.add_enabled(count > 0, egui::Button::new("Previous")).on_hover_text("Shift+Enter").clicked() {
                step = -1;
            }
            if ui.add_enabled(count > 0, egui::Button::new("Next")).on_hover_text("Enter").clicked() {
                step = 1;
            }
            if ui.button("Close").on_hover_text("Esc").clicked() {
                close = true;
            }
        });
        let count = self.find.matches.len();
        if step != 0 && count > 0 {
            let current = self.find.current.unwrap_or(0) as isize;
            let next = (current + step).rem_euclid(count as isize) as usize;
            self.find.current = Some(next);
            let byte = self.find.matches[next];
            self.reveal_byte(document, byte);
        }
        if close {
            self.find.open = false;
            self.find.query.clear();
            self.find.searched.clear();
            self.find.matches.clear();
            self.find.current = None;
        }
    }

    fn reveal_byte(&mut self, document: &Document, byte: usize) {
        if let Some(offset) = document.index().byte_to_char(&document.text, byte) {
            self.scroll_to = Some(offset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_is_ascii_case_insensitive_and_bounded() {
        let text = "The Study, the study; THE STUDY. Müller";
        let mut find = Find { query: "the study".into(), ..Default::default() };
        find.search(text, &text.to_ascii_lowercase());
        assert_eq!(find.matches, [0, 11, 22]);
        find.query = "müller".into();
        find.search(text, &text.to_ascii_lowercase());
        assert_eq!(find.match_count(), 1, "non-ASCII letters match exactly when lowercase");
    }
}
