//! Find in the document (Ctrl+F): every match highlighted and counted, Enter / Shift+Enter step
//! through them. Searches an ASCII-lowercased copy of the text (same byte offsets), so ASCII
//! letters match case-insensitively and no offset mapping is needed; matches stay byte offsets
//! and only the painted ones are converted to characters.
//!
//! In a text with Arabic letters, find is loose by default (a checkbox turns it off): Arabic ي
//! and Persian ی, Arabic ك and Persian ک match each other, and harakat and tatweel are ignored.
//! The copy searched then drops those marks, and a table maps its bytes back to the text's, so
//! a match still covers exactly the letters (and their marks) of the text.

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
    /// Byte offset of the end of each match.
    pub(super) ends: Vec<usize>,
    /// Match Arabic letters exactly (ي is not ی, harakat count); off by default.
    pub strict_arabic: bool,
    /// Index into `matches` of the current match.
    pub current: Option<usize>,
    pub(super) searched: String,
    pub(super) request_focus: bool,
    /// More matches exist than were collected.
    pub(super) truncated: bool,
}

/// The text as find searches it: ASCII lowercased, and when loose in Arabic, without harakat
/// and tatweel and with ي/ك written ی/ک; `map` gives the text's byte for each of its bytes (and
/// for its end) when the two differ in length.
#[derive(Debug, Default)]
pub(super) struct Folded {
    pub(super) text: String,
    map: Option<Vec<u32>>,
    /// Made loose (the text has Arabic letters and strict matching is off).
    pub(super) loose: bool,
}

/// Harakat (fathatan to sukun, and the other Arabic marks up to U+065F), superscript alef,
/// tatweel.
fn ignored_in_arabic(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
}

fn loose_letter(c: char) -> char {
    match c {
        'ي' | 'ى' => 'ی',
        'ك' => 'ک',
        _ => c.to_ascii_lowercase(),
    }
}

fn has_arabic(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(|c| matches!(c, '\u{0600}'..='\u{06FF}'))
}

/// The copy of `text` find searches (see [`Folded`]).
pub(super) fn fold(text: &str, strict_arabic: bool) -> Folded {
    if strict_arabic || !has_arabic(text) {
        return Folded { text: text.to_ascii_lowercase(), map: None, loose: false };
    }
    let mut folded = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (byte, c) in text.char_indices() {
        if ignored_in_arabic(c) {
            continue;
        }
        let before = folded.len();
        folded.push(loose_letter(c));
        map.extend(std::iter::repeat_n(byte as u32, folded.len() - before));
    }
    map.push(text.len() as u32);
    Folded { text: folded, map: Some(map), loose: true }
}

impl Find {
    /// Searches `text`; called when the query changes.
    pub(super) fn search(&mut self, text: &str, folded: &Folded) {
        self.searched = self.query.clone();
        self.matches.clear();
        self.ends.clear();
        self.current = None;
        self.truncated = false;
        let needle = if folded.loose { fold(&self.query, false).text } else { self.query.to_ascii_lowercase() };
        if needle.is_empty() {
            return;
        }
        let haystack = if folded.map.is_some() || folded.text.len() == text.len() { &folded.text } else { text };
        for (at, _) in haystack.match_indices(needle.as_str()) {
            if self.matches.len() == MAX_MATCHES {
                self.truncated = true;
                break;
            }
            let (start, end) = match &folded.map {
                Some(map) => (map[at] as usize, map[at + needle.len()] as usize),
                None => (at, at + needle.len()),
            };
            self.matches.push(start);
            self.ends.push(end);
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
            if self.folded_text.as_ref().is_some_and(|f| f.0 != self.find.strict_arabic) {
                // The option changed: fold anew and search again.
                self.folded_text = None;
                self.find.searched.clear();
            }
            if self.find.query != self.find.searched {
                let strict = self.find.strict_arabic;
                let folded = &self.folded_text.get_or_insert_with(|| (strict, fold(&document.text, strict))).1;
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
            if self.folded_text.as_ref().is_some_and(|f| f.1.loose || f.0) {
                ui.checkbox(&mut self.find.strict_arabic, "Exact Arabic letters").on_hover_text(
                    "Off: ي matches ی, ك matches ک, harakat and tatweel are ignored. On: every letter and mark counts",
                );
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
            self.find.ends.clear();
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
        find.search(text, &fold(text, false));
        assert_eq!(find.matches, [0, 11, 22]);
        assert_eq!(find.ends, [9, 20, 31]);
        find.query = "müller".into();
        find.search(text, &fold(text, false));
        assert_eq!(find.match_count(), 1, "non-ASCII letters match exactly when lowercase");
    }

    #[test]
    fn arabic_letters_match_loosely_and_offsets_stay_exact() {
        // Persian ی and ک, Arabic ي and ك, harakat and a tatweel; ü, emoji, ZWJ, Chinese around.
        let text = "ü 😀 👨\u{200D}👩\u{200D}👧 كِتابي و کتـاب‌ها یک 中文\r\nکتابی";
        let slices =
            |find: &Find| -> Vec<&str> { find.matches.iter().zip(&find.ends).map(|(&a, &b)| &text[a..b]).collect() };
        let mut find = Find { query: "کتاب".into(), ..Default::default() };
        find.search(text, &fold(text, false));
        assert_eq!(slices(&find), ["كِتاب", "کتـاب", "کتاب"]);
        find.query = "کتابی".into();
        find.search(text, &fold(text, false));
        assert_eq!(slices(&find), ["كِتابي", "کتابی"]);
        // A query with harakat matches the bare word too.
        find.query = "كِتابي".into();
        find.search(text, &fold(text, false));
        assert_eq!(slices(&find), ["كِتابي", "کتابی"]);
        // Strict: only the same letters and marks.
        find.search(text, &fold(text, true));
        assert_eq!(slices(&find), ["كِتابي"]);
        find.query = "中文".into();
        find.search(text, &fold(text, false));
        assert_eq!(slices(&find), ["中文"]);
    }
}
