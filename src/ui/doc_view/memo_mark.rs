//! The mark on an annotation that a memo is about: a small corner triangle in the label's colour
//! at the annotation's end (top right of its last character, top left in right-to-left text),
//! above the glyphs' ascent so it hides no text. Hovering it shows the memo's title and first
//! line; clicking it opens the memo ([`DocViewOutput::open_memo`]).
//!
//! Which annotations have a memo comes from [`crate::ui::memo_marks::MemoMarks`], built once per
//! project revision; a frame only looks up the annotations on screen.

use egui::{Color32, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2};

use super::{DocView, DocViewOutput};
use crate::model::{Annotation, Codebook, Document};
use crate::ui::bidi_text::{self, BidiLine};

/// Side of the triangle.
const MARK: f32 = 7.0;

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
        let corner = if rtl { rect.left_top() } else { rect.right_top() };
        Some((Rect::from_center_size(corner, Vec2::splat(MARK)), rtl))
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
            let response =
                ui.interact(rect.expand(3.0), egui::Id::unique(("memo_mark", annotation.id)), Sense::click());
            let fill = if response.hovered() { color } else { color.gamma_multiply(0.85) };
            ui.painter().add(Shape::convex_polygon(
                triangle(rect, rtl),
                fill,
                Stroke::new(0.5, Color32::from_black_alpha(90)),
            ));
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
