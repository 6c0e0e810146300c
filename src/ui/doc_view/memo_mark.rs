//! The mark on an annotation that a memo is about: a corner triangle (11 points a side) in the
//! label's colour with an outline in the text colour, so that it stands out on the highlight in
//! both themes. It sits at the annotation's end, over the top right corner of its last
//! character (top left in right-to-left text): in the empty band between the row above and the
//! glyphs' ascent, so it hides no text, and just inside the end, so it clears the selected
//! annotation's end handle and relation handle (drawn at and beyond the end, `arcs.rs`).
//! Hovering it shows the memo's title and first line; clicking it opens the memo
//! ([`DocViewOutput::open_memo`]).
//!
//! Which annotations have a memo comes from [`crate::ui::memo_marks::MemoMarks`], built once per
//! project revision; a frame only looks up the annotations on screen.

use egui::{Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2};

use super::{DocView, DocViewOutput};
use crate::model::{Annotation, Codebook, Document};
use crate::ui::bidi_text::{self, BidiLine};

/// Side of the triangle.
const MARK: f32 = 11.0;
/// How far the mark rises above the character's rectangle (into the gap between rows, which is
/// `ROW_HEIGHT - FONT_SIZE * 1.3`, about 9 points): the rest of it stays above the ascent.
const RISE: f32 = 4.0;
/// Space between the mark and the annotation's end, where the end handle is drawn.
const INSET: f32 = 2.0;

impl DocView {
    /// The screen rectangle of the memo mark of `annotation`, if its end is on screen (drawn or
    /// not: whether it has a memo is not asked here).
    pub fn memo_mark_rect(&self, annotation: &Annotation) -> Option<Rect> {
        self.memo_mark_place(annotation).map(|(rect, _)| rect)
    }

    /// The mark's rectangle, and whether the annotation ends in right-to-left text.
    fn memo_mark_place(&self, annotation: &Annotation) -> Option<(Rect, bool)> {
        let end = annotation.fragments.iter().map(|f| f.end).max()?;
        let last = end.checked_sub(1)?;
        let rect = self.char_rect(last)?;
        let placed = self.placed.iter().find(|p| self.blocks[p.index].chars.contains(&last))?;
        let rtl = placed.laid.is_rtl_at(last - self.blocks[placed.index].chars.start);
        let top = rect.top() - RISE;
        let min_x = if rtl { rect.left() + INSET } else { rect.right() - INSET - MARK };
        Some((Rect::from_min_size(pos2(min_x, top), Vec2::splat(MARK)), rtl))
    }

    /// Paints the marks of the annotations on screen that have a memo and handles hovering and
    /// clicking them.
    pub(super) fn memo_marks_ui(
        &self,
        ui: &egui::Ui,
        document: &Document,
        codebook: &Codebook,
        hidden: &dyn Fn(&Annotation) -> bool,
        output: &mut DocViewOutput,
    ) {
        if self.memo_notes.is_empty() {
            return;
        }
        let (Some(first), Some(last)) = (self.placed.first(), self.placed.last()) else { return };
        let visible = self.blocks[first.index].chars.start..self.blocks[last.index].chars.end.max(1);
        for annotation in document.overlapping(visible) {
            let Some(note) = self.memo_notes.get(&annotation.id) else { continue };
            if hidden(annotation) {
                continue;
            }
            let Some((rect, rtl)) = self.memo_mark_place(annotation) else { continue };
            let color = super::label_color(codebook, &annotation.label);
            let response = ui.interact(rect, egui::Id::unique(("memo_mark", annotation.id)), Sense::click());
            let outline = ui.visuals().strong_text_color();
            let stroke = Stroke::new(if response.hovered() { 2.0 } else { 1.25 }, outline);
            ui.painter().add(Shape::convex_polygon(triangle(rect, rtl), color, stroke));
            let summary = note.summary();
            let title = format!("Memo: {}", note.summary().lines().next().unwrap_or(""));
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &title));
            let response = response.on_hover_cursor(egui::CursorIcon::PointingHand).on_hover_ui(|ui| {
                ui.strong("Memo (click to open)");
                for line in summary.lines() {
                    bidi_text::label(ui, &BidiLine::user_text(line));
                }
            });
            if response.clicked() {
                output.open_memo = Some(annotation.id);
            }
        }
    }
}

/// A right triangle filling the corner of `rect` at the text's end: its right angle at the top
/// right (top left in right-to-left text), the hypotenuse facing the text.
fn triangle(rect: Rect, rtl: bool) -> Vec<Pos2> {
    let (top, bottom) = (rect.top(), rect.bottom());
    if rtl {
        vec![pos2(rect.left(), top), pos2(rect.right(), top), pos2(rect.left(), bottom)]
    } else {
        vec![pos2(rect.left(), top), pos2(rect.right(), top), pos2(rect.right(), bottom)]
    }
}
