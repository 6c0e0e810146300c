//! Painting the laid-out blocks: a translucent background per annotation (nesting darkens), an
//! underline per annotation in its own lane (then a count badge), find matches, the selection,
//! and the hover list of what is under the pointer. Everything comes from galley geometry, so
//! a change of annotations never re-lays out text.

use std::ops::Range;

use egui::{Color32, FontId, Galley, Rect, Sense, Stroke, Vec2, pos2};

use super::{DocView, FONT_SIZE};
use crate::model::{Annotation, Codebook, Document, ItemId, parse_color};

/// Underline lanes drawn below each row.
pub const LANES: usize = 4;
const LANE_SPACING: f32 = 3.0;

/// The colour of a label, or grey for an unknown one.
pub fn label_color(codebook: &Codebook, label_id: &str) -> Color32 {
    codebook
        .label(label_id)
        .and_then(|l| parse_color(&l.color))
        .map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b))
}

impl DocView {
    /// Rectangles (galley-local, text height) covering local chars `range` in a galley.
    pub(super) fn range_rects(galley: &Galley, range: Range<usize>) -> Vec<Rect> {
        let mut rects = Vec::new();
        let mut row_start = 0;
        for row in &galley.rows {
            let row_chars = row.char_count_excluding_newline().0;
            let row_end = row_start + row_chars;
            let a = range.start.max(row_start);
            let b = range.end.min(row_end);
            if a < b {
                let x0 = row.pos.x + row.x_offset((a - row_start).into());
                let x1 = row.pos.x + row.x_offset((b - row_start).into());
                rects.push(Rect::from_min_max(pos2(x0, row.min_y()), pos2(x1, row.min_y() + FONT_SIZE * 1.3)));
            }
            row_start += row.char_count_including_newline().0;
            if row_start >= range.end {
                break;
            }
        }
        rects
    }

    pub(super) fn paint(
        &self,
        ui: &egui::Ui,
        document: &Document,
        codebook: &Codebook,
        selected_annotation: Option<ItemId>,
        hidden: &dyn Fn(&Annotation) -> bool,
    ) {
        let (Some(first), Some(last)) = (self.placed.first(), self.placed.last()) else { return };
        let painter = ui.painter();
        let selection = self.selected_range();
        let selection_color = ui.visuals().selection.bg_fill.gamma_multiply(0.7);
        let visible_chars = self.blocks[first.index].chars.start..self.blocks[last.index].chars.end.max(1);
        let visible: Vec<&Annotation> =
            document.overlapping(visible_chars).into_iter().filter(|a| !hidden(a)).collect();
        let label_colors: Vec<(&str, Color32)> =
            codebook.labels.iter().map(|l| (l.id.as_str(), label_color(codebook, &l.id))).collect();
        let color_of =
            |label: &str| label_colors.iter().find(|(id, _)| *id == label).map_or(Color32::GRAY, |(_, c)| *c);
        let find_color = Color32::from_rgba_unmultiplied(255, 214, 0, 110);
        let current_find_color = Color32::from_rgba_unmultiplied(255, 140, 0, 190);
        for placed in &self.placed {
            let block = &self.blocks[placed.index];
            let origin = placed.origin.to_vec2();
            let mut spans: Vec<(Range<usize>, &Annotation)> = Vec::new();
            for annotation in &visible {
                for fragment in &annotation.fragments {
                    let a = fragment.start.max(block.chars.start);
                    let b = fragment.end.min(block.chars.end);
                    if a < b {
                        spans.push((a - block.chars.start..b - block.chars.start, annotation));
                    }
                }
            }
            // Outer (longer) spans first, so they take the lower lanes.
            spans.sort_by_key(|(r, a)| (r.start, std::cmp::Reverse(r.end), a.id));
            let mut lane_ends: Vec<usize> = Vec::new();
            let mut lanes = Vec::with_capacity(spans.len());
            for (range, _) in &spans {
                let lane = match lane_ends.iter().position(|&end| end <= range.start) {
                    Some(lane) => lane,
                    None => {
                        lane_ends.push(0);
                        lane_ends.len() - 1
                    }
                };
                lane_ends[lane] = range.end;
                lanes.push(lane);
            }
            for ((range, annotation), &lane) in spans.iter().zip(&lanes) {
                let color = color_of(&annotation.label);
                let is_selected = selected_annotation == Some(annotation.id);
                let fill = color.gamma_multiply(if is_selected { 0.5 } else { 0.22 });
                for rect in placed.laid.rects(range.clone()) {
                    let rect = rect.translate(origin);
                    painter.rect_filled(rect, 2.0, fill);
                    if is_selected {
                        painter.rect_stroke(rect.expand(1.0), 2.0, Stroke::new(1.5, color), egui::StrokeKind::Outside);
                    }
                    if lane < LANES {
                        let y = rect.max.y + 2.0 + lane as f32 * LANE_SPACING;
                        let style = self.coder_style(&annotation.annotator);
                        super::underline(painter, rect.min.x..=rect.max.x, y, color, style);
                    }
                }
            }
            // A count badge where more spans overlap than there are lanes.
            for ((range, _), &lane) in spans.iter().zip(&lanes) {
                if lane == LANES
                    && let Some(rect) = placed.laid.rects(range.start..range.start + 1).first()
                {
                    let depth = spans.iter().filter(|(r, _)| r.start <= range.start && range.start < r.end).count();
                    let pos = pos2(rect.left(), rect.bottom() + 2.0 + LANES as f32 * LANE_SPACING) + origin;
                    painter.text(
                        pos,
                        egui::Align2::LEFT_TOP,
                        format!("{depth}"),
                        FontId::proportional(9.0),
                        ui.visuals().strong_text_color(),
                    );
                }
            }
            if !self.find.matches.is_empty() {
                let block_text = &document.text[block.bytes.clone()];
                let from = self.find.matches.partition_point(|&m| m < block.bytes.start);
                for (i, (&byte, &end)) in self.find.matches[from..].iter().zip(&self.find.ends[from..]).enumerate() {
                    if end > block.bytes.end {
                        break;
                    }
                    let local_byte = byte - block.bytes.start;
                    let start = block_text[..local_byte].chars().count();
                    let len = block_text[local_byte..end - block.bytes.start].chars().count();
                    let color = if self.find.current == Some(from + i) { current_find_color } else { find_color };
                    for rect in placed.laid.rects(start..start + len) {
                        painter.rect_filled(rect.translate(origin), 1.0, color);
                    }
                }
            }
            if let Some(selection) = &selection {
                let a = selection.start.max(block.chars.start);
                let b = selection.end.min(block.chars.end);
                if a < b {
                    for rect in placed.laid.rects(a - block.chars.start..b - block.chars.start) {
                        painter.rect_filled(rect.translate(origin), 0.0, selection_color);
                    }
                }
            }
            placed.laid.paint(painter, placed.origin, ui.visuals().strong_text_color());
        }
    }

    pub(super) fn hover_ui(
        &self,
        response: &egui::Response,
        document: &Document,
        codebook: &Codebook,
        hidden: &dyn Fn(&Annotation) -> bool,
    ) {
        if self.drag_anchor.is_some() {
            return;
        }
        let Some(pos) = response.hover_pos() else { return };
        let Some(offset) = self.char_under(pos) else { return };
        let hits = self.annotations_at(document, offset, hidden);
        if hits.is_empty() {
            return;
        }
        response.clone().on_hover_ui_at_pointer(|ui| {
            for annotation in hits {
                let name = codebook.label(&annotation.label).map_or(annotation.label.as_str(), |l| l.name.as_str());
                ui.horizontal(|ui| {
                    let (rect, _) = ui.allocate_exact_size(Vec2::splat(10.0), Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, label_color(codebook, &annotation.label));
                    ui.strong(name);
                    crate::ui::bidi_text::label(
                        ui,
                        &crate::ui::bidi_text::BidiLine::user_text(&excerpt(&annotation.text(), 80)),
                    );
                    if let Some(coder) = self.coder_name(&annotation.annotator) {
                        ui.weak(format!("({coder})"));
                    }
                });
            }
        });
    }
}

/// `text` cut to `max` characters with an ellipsis, on one line.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut cut: String = text.chars().take(max + 1).map(|c| if c == '\n' { ' ' } else { c }).collect();
    if cut.chars().count() > max {
        let keep = cut.char_indices().nth(max).map_or(cut.len(), |(i, _)| i);
        cut.truncate(keep);
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("a\nb", 10), "a b");
        assert_eq!(excerpt("ünïcödé text", 5), "ünïcö…");
    }
}
