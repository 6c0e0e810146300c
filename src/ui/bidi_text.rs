//! User text outside the document view (annotation snippets in the list, the inspector, document
//! titles, relations, the compare panel, memos, the hover list) in the order a reader of Persian,
//! Arabic or Hebrew expects.
//!
//! egui shapes an Arabic or Hebrew word (its letters join, its glyphs come out right to left) but
//! places the words of a line from left to right, so a Persian snippet shown as it is reads with
//! its words reversed. Here a snippet is cut into the items of [`crate::model::bidi`] (a word of
//! right-to-left letters, one grapheme, or left-to-right text), the items are put in visual order
//! (UAX #9, the paragraph's direction from its first strong letter) and each becomes one section
//! of an egui [`LayoutJob`], shaped on its own.
//!
//! - User text is an *isolate*: it has its own direction, whatever the UI text around it
//!   ("Claim: " + a Persian quote reads "Claim: " then the quote from the right). The UI itself
//!   stays left to right.
//! - Text without any right-to-left letter takes none of this: it is shown as a plain string, as
//!   before, at the cost of one scan for a right-to-left letter (lists build only visible rows).
//! - The text a screen reader (and a test) gets is the logical text, never the reordered one:
//!   the widgets here replace the widget info egui derived from the galley.
//! - Reordered labels cannot be selected for copying (a copy would be in screen order); the
//!   document view is where text is selected.
//! - A reordered line is one row (egui would wrap it from its left end, putting the end of a
//!   right-to-left text first): too long for its place, its user text is shortened from its
//!   logical end with "…" before it is reordered.
//!   [`paragraph`] wraps the text as written, then reorders each row.

use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};
use egui::{Align, Color32, FontId, Response, Role, Ui, WidgetInfo, WidgetText};

use crate::model::bidi::{self, Direction};

/// One piece of a line: UI text (left to right, as it is) or user text (an isolate).
#[derive(Clone, Debug)]
struct Part {
    text: String,
    user: bool,
    color: Option<Color32>,
}

/// A line of text with user text in it, built piece by piece, shown in visual order.
#[derive(Clone, Debug, Default)]
pub struct BidiLine {
    parts: Vec<Part>,
    rtl: bool,
}

impl BidiLine {
    pub fn new() -> Self {
        Self::default()
    }

    /// A line that is all user text (a title, a snippet).
    pub fn user_text(text: &str) -> Self {
        Self::new().user(text)
    }

    /// Appends UI text (never reordered).
    pub fn ui(mut self, text: impl Into<String>) -> Self {
        self.parts.push(Part { text: text.into(), user: false, color: None });
        self
    }

    /// Appends UI text in a colour of its own (a mark in a label's colour).
    pub fn ui_colored(mut self, text: impl Into<String>, color: Color32) -> Self {
        self.parts.push(Part { text: text.into(), user: false, color: Some(color) });
        self
    }

    /// Appends user text: laid out with its own direction, in visual order.
    pub fn user(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.rtl |= bidi::has_rtl(&text);
        self.parts.push(Part { text, user: true, color: None });
        self
    }

    /// Appends the parts of `other`.
    pub fn append(&mut self, other: BidiLine) {
        self.rtl |= other.rtl;
        self.parts.extend(other.parts);
    }

    /// Whether any user text has a right-to-left letter (and so is reordered).
    pub fn has_rtl(&self) -> bool {
        self.rtl
    }

    /// Whether the line is one piece of user text running right to left (it may then be
    /// right-aligned).
    pub fn is_rtl_paragraph(&self) -> bool {
        matches!(self.parts.as_slice(), [part] if part.user && self.rtl && direction(&part.text) == Direction::Rtl)
    }

    /// The text as written: what screen readers read and tests find.
    pub fn logical(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
    }

    /// The line as one egui layout job, its sections in visual order (each right-to-left word a
    /// section of its own, which egui shapes right to left). `format` is used for every section;
    /// a coloured part keeps its colour.
    pub fn job(&self, format: &TextFormat) -> LayoutJob {
        let mut job = LayoutJob::default();
        for part in &self.parts {
            let format = match part.color {
                Some(color) => TextFormat { color, ..format.clone() },
                None => format.clone(),
            };
            if part.user && bidi::has_rtl(&part.text) {
                let text = part.text.replace(['\r', '\n'], " ");
                append_visual(&mut job, &text, &format);
            } else {
                push_section(&mut job, &part.text, &format);
            }
        }
        if self.is_rtl_paragraph() {
            job.halign = Align::RIGHT;
        }
        job
    }

    /// What to hand an egui widget: the plain string when nothing is reordered (exactly as
    /// before), otherwise the layout job in the UI's body font.
    pub fn widget_text(&self, ui: &Ui) -> WidgetText {
        if !self.rtl {
            if let [part] = self.parts.as_slice()
                && part.color.is_none()
            {
                return part.text.clone().into();
            }
            if self.parts.iter().all(|p| p.color.is_none()) {
                return self.logical().into();
            }
        }
        self.job(&body_format(ui)).into()
    }
}

impl BidiLine {
    /// What to hand a one-row widget: the line in visual order, its last piece of user text
    /// shortened from its logical end (with "…") until the line fits `max_width`, so that a
    /// Persian snippet too long for its place loses its end, not its beginning.
    fn fitted_text(&self, ui: &Ui, max_width: f32) -> WidgetText {
        let format = body_format(ui);
        let width = |line: &BidiLine| ui.fonts_mut(|f| f.layout_job(line.job(&format)).size().x);
        let Some(last) = self.parts.iter().rposition(|p| p.user) else { return self.job(&format).into() };
        if !max_width.is_finite() || width(self) <= max_width {
            return self.job(&format).into();
        }
        let chars: Vec<char> = self.parts[last].text.chars().collect();
        let cut = |keep: usize| {
            let mut line = self.clone();
            line.parts[last].text = chars[..keep].iter().collect::<String>().trim_end().to_owned() + "…";
            line
        };
        // The longest cut that fits (`fits` does, `too_long` does not).
        let (mut fits, mut too_long) = (0, chars.len());
        while too_long - fits > 1 {
            let mid = (fits + too_long) / 2;
            if width(&cut(mid)) <= max_width { fits = mid } else { too_long = mid }
        }
        cut(fits).job(&format).into()
    }
}

/// The direction of a piece of user text: from its first strong letter.
fn direction(text: &str) -> Direction {
    bidi::paragraph_direction(bidi::TextDirection::Auto, text)
}

/// The format egui gives a plain label: the body font, the widget's own text colour.
fn body_format(ui: &Ui) -> TextFormat {
    TextFormat {
        font_id: egui::TextStyle::Body.resolve(ui.style()),
        color: Color32::PLACEHOLDER,
        valign: ui.text_valign(),
        ..TextFormat::default()
    }
}

/// The pieces of one line of `text` (no line breaks) in visual order: (bytes, drawn text). A
/// bracket or guillemet standing alone in a right-to-left run is mirrored (UAX #9 rule L4).
pub fn visual_pieces(text: &str) -> Vec<(Range<usize>, String)> {
    let base = direction(text);
    let items = bidi::items(text, base);
    bidi::visual_order(&items, 0..items.len(), base)
        .into_iter()
        .map(|i| {
            let item = &items[i];
            let piece = &text[item.bytes.clone()];
            let shown = if item.is_rtl() && item.single_grapheme {
                piece.chars().map(|c| bidi::mirrored(c).unwrap_or(c)).collect()
            } else {
                piece.to_owned()
            };
            (item.bytes.clone(), shown)
        })
        .collect()
}

fn append_visual(job: &mut LayoutJob, text: &str, format: &TextFormat) {
    for (_, shown) in visual_pieces(text) {
        push_section(job, &shown, format);
    }
}

/// Appends `text` as a section of its own: never merged with the one before (as
/// [`LayoutJob::append`] does for equal formats), so that egui shapes it on its own and a
/// right-to-left word's glyphs are reversed inside that word only.
fn push_section(job: &mut LayoutJob, text: &str, format: &TextFormat) {
    let start = job.text.len();
    job.text.push_str(text);
    job.sections.push(egui::text::LayoutSection {
        leading_space: 0.0,
        byte_range: egui::text::ByteIndex(start)..egui::text::ByteIndex(job.text.len()),
        format: format.clone(),
    });
}

/// A selectable row (the annotation list, the documents) showing `line`; its accessible label
/// is the logical text.
pub fn selectable(ui: &mut Ui, selected: bool, line: &BidiLine) -> Response {
    if !line.has_rtl() {
        return ui.selectable_label(selected, line.widget_text(ui));
    }
    // One row: egui would wrap the reordered line from its left end, putting the end of the
    // right-to-left text on the first row.
    let max_width = ui.available_width() - 2.0 * ui.spacing().button_padding.x;
    let response = ui.add(egui::Button::selectable(selected, line.fitted_text(ui, max_width)).truncate());
    {
        let logical = line.logical();
        let enabled = ui.is_enabled();
        response.widget_info(|| WidgetInfo::selected(Role::Button, enabled, selected, &logical));
    }
    response
}

/// A link showing `line`; its accessible label is the logical text.
pub fn link(ui: &mut Ui, line: &BidiLine) -> Response {
    if !line.has_rtl() {
        return ui.link(line.widget_text(ui));
    }
    // One row (see `selectable`).
    let wrap_mode = ui.style().wrap_mode;
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
    let response = ui.link(line.fitted_text(ui, ui.available_width()));
    ui.style_mut().wrap_mode = wrap_mode;
    {
        let logical = line.logical();
        let enabled = ui.is_enabled();
        response.widget_info(|| WidgetInfo::labeled(Role::Link, enabled, &logical));
    }
    response
}

/// A one-line label showing `line`; its accessible label is the logical text.
pub fn label(ui: &mut Ui, line: &BidiLine) -> Response {
    if !line.has_rtl() {
        return ui.label(line.widget_text(ui));
    }
    // One row (see `selectable`).
    let response = ui.add(egui::Label::new(line.fitted_text(ui, ui.available_width())).selectable(false).truncate());
    let logical = line.logical();
    let enabled = ui.is_enabled();
    response.widget_info(|| WidgetInfo::labeled(Role::Label, enabled, &logical));
    response
}

/// User text of several lines (the inspector's annotation text), wrapped at the width available
/// and each line in visual order; a text whose first paragraph runs right to left is aligned to
/// the right. Wrapping happens on the text as written, then each line is reordered.
pub fn paragraph(ui: &mut Ui, text: &str, font: FontId) -> Response {
    if !bidi::has_rtl(text) {
        return ui.label(egui::RichText::new(text).font(font));
    }
    let format = TextFormat { font_id: font.clone(), color: Color32::PLACEHOLDER, ..TextFormat::default() };
    let max_width = ui.available_width().max(40.0);
    let mut job = LayoutJob::default();
    let mut first_direction = None;
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if index > 0 {
            job.append("\n", 0.0, format.clone());
        }
        let base = direction(line);
        first_direction.get_or_insert(base);
        let items = bidi::items(line, base);
        let widths: Vec<f32> = items
            .iter()
            .map(|item| {
                let piece = line[item.bytes.clone()].to_owned();
                ui.fonts_mut(|f| f.layout_no_wrap(piece, font.clone(), Color32::WHITE).size().x)
            })
            .collect();
        for (row, range) in bidi::break_lines(&items, &widths, max_width).into_iter().enumerate() {
            if row > 0 {
                job.append("\n", 0.0, format.clone());
            }
            for i in bidi::visual_order(&items, range, base) {
                let item = &items[i];
                let piece = &line[item.bytes.clone()];
                let shown: String = if item.is_rtl() && item.single_grapheme {
                    piece.chars().map(|c| bidi::mirrored(c).unwrap_or(c)).collect()
                } else {
                    piece.to_owned()
                };
                push_section(&mut job, &shown, &format);
            }
        }
    }
    let rtl = first_direction == Some(Direction::Rtl);
    if rtl {
        job.halign = Align::RIGHT;
    }
    let layout = if rtl { egui::Layout::top_down(Align::Max) } else { egui::Layout::top_down(Align::Min) };
    let enabled = ui.is_enabled();
    ui.with_layout(layout, |ui| {
        let response = ui.add(egui::Label::new(job).selectable(false).extend());
        response.widget_info(|| WidgetInfo::labeled(Role::Label, enabled, text));
        response
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::text::ByteRangeExt as _;

    /// The line as drawn, left to right: each section's characters in the order a shaper puts
    /// their glyphs (an Arabic or Hebrew word right to left).
    fn drawn(job: &LayoutJob) -> String {
        job.sections
            .iter()
            .map(|s| {
                let text = &job.text[s.byte_range.as_usize()];
                let rtl_word = text.chars().next().is_some_and(|c| bidi::is_rtl_char(c) && !c.is_whitespace());
                if rtl_word { text.chars().rev().collect::<String>() } else { text.to_owned() }
            })
            .collect()
    }

    fn sections(job: &LayoutJob) -> Vec<&str> {
        job.sections.iter().map(|s| &job.text[s.byte_range.as_usize()]).collect()
    }

    fn rev(s: &str) -> String {
        s.chars().rev().collect()
    }

    #[test]
    fn persian_with_zwnj_reads_from_the_right_word_by_word() {
        let line = BidiLine::user_text("من می‌خواهم بروم");
        assert!(line.has_rtl() && line.is_rtl_paragraph());
        let job = line.job(&TextFormat::default());
        // Words in reverse order, each word whole (ZWNJ inside its word) and in logical order,
        // so that the shaper joins its letters.
        assert_eq!(sections(&job), ["بروم", " ", "می‌خواهم", " ", "من"]);
        assert_eq!(drawn(&job), format!("{} {} {}", rev("بروم"), rev("می‌خواهم"), rev("من")));
        assert_eq!(job.halign, Align::RIGHT);
        assert_eq!(line.logical(), "من می‌خواهم بروم");
    }

    #[test]
    fn a_latin_name_and_digits_inside_persian_read_left_to_right_in_their_place() {
        let text = "علی گفت (Ali Rezaei) در سال ۱۴۰۲ و 45 درصد";
        let job = BidiLine::user_text(text).job(&TextFormat::default());
        let drawn = drawn(&job);
        let expected = format!(
            "{} 45 {} ۱۴۰۲ {} {} (Ali Rezaei) {} {}",
            rev("درصد"),
            rev("و"),
            rev("سال"),
            rev("در"),
            rev("گفت"),
            rev("علی")
        );
        assert_eq!(drawn, expected);
        // The name reads left to right (its words in order); the brackets around it are
        // mirrored pieces of their own.
        let sections = sections(&job);
        let ali = sections.iter().position(|s| *s == "Ali ").expect("the name's first word");
        assert_eq!(sections[ali - 1..ali + 3], ["(", "Ali ", "Rezaei", ")"], "{sections:?}");
    }

    #[test]
    fn hebrew_reads_from_the_right() {
        let job = BidiLine::user_text("שלום עולם").job(&TextFormat::default());
        assert_eq!(sections(&job), ["עולם", " ", "שלום"]);
        assert_eq!(drawn(&job), format!("{} {}", rev("עולם"), rev("שלום")));
    }

    #[test]
    fn an_english_line_keeps_its_order_and_its_persian_words_read_from_the_right() {
        let job = BidiLine::user_text("He said سلام دنیا today").job(&TextFormat::default());
        assert_eq!(drawn(&job), format!("He said {} {} today", rev("دنیا"), rev("سلام")));
        assert_eq!(job.halign, Align::LEFT, "a left-to-right paragraph stays left-aligned");
        let job = BidiLine::user_text("The word امنیت").job(&TextFormat::default());
        assert_eq!(drawn(&job), format!("The word {}", rev("امنیت")));
    }

    #[test]
    fn user_text_is_an_isolate_inside_ui_text() {
        // "Claim: " then the Persian quote read from the right; the UI text stays first.
        let line = BidiLine::new().ui("✎ ").ui("Claim: ").user("مقام‌های ایران گفتند").ui("  (2)");
        let job = line.job(&TextFormat::default());
        assert_eq!(drawn(&job), format!("✎ Claim: {} {} {}  (2)", rev("گفتند"), rev("ایران"), rev("مقام‌های")));
        assert_eq!(line.logical(), "✎ Claim: مقام‌های ایران گفتند  (2)");
        assert!(!line.is_rtl_paragraph());
    }

    #[test]
    fn text_without_right_to_left_letters_is_left_as_it_is() {
        let text = "ü 😀 👨\u{200D}👩\u{200D}👧 中文 «quoted» (x)";
        let line = BidiLine::new().ui("Quote: ").user(text);
        assert!(!line.has_rtl());
        let job = line.job(&TextFormat::default());
        assert_eq!(job.text, format!("Quote: {text}"));
        assert_eq!(sections(&job).len(), 2);
    }

    #[test]
    fn every_grapheme_survives_reordering() {
        // ü, an emoji outside the BMP, a ZWJ family and Chinese inside a Persian sentence: each
        // piece is whole, and every character is there once.
        let text = "گفت ü 😀 👨\u{200D}👩\u{200D}👧 中文 است";
        let pieces = visual_pieces(text);
        let mut bytes: Vec<Range<usize>> = pieces.iter().map(|(b, _)| b.clone()).collect();
        bytes.sort_by_key(|b| b.start);
        assert_eq!(bytes.iter().map(|b| &text[b.clone()]).collect::<String>(), text);
        assert!(pieces.iter().any(|(_, s)| s.contains("👨\u{200D}👩\u{200D}👧")));
        let drawn: String = pieces.iter().map(|(_, s)| s.as_str()).collect();
        assert!(drawn.starts_with("است"), "{drawn}");
        assert!(drawn.ends_with("گفت"), "{drawn}");
        assert!(drawn.contains("ü 😀 👨\u{200D}👩\u{200D}👧 中文"), "{drawn}");
    }

    #[test]
    fn line_breaks_in_a_snippet_become_spaces() {
        let job = BidiLine::user_text("سلام\r\nدنیا").job(&TextFormat::default());
        assert!(!job.text.contains('\n'));
        assert_eq!(drawn(&job).replace("  ", " "), format!("{} {}", rev("دنیا"), rev("سلام")));
    }
}
