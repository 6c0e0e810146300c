//! The document view: the text of one document with its annotations painted over it.
//!
//! Virtualized: the text is split into paragraphs (lines); only the paragraphs inside the visible
//! part of the scroll area are laid out and painted. Paragraph heights start as estimates and
//! become exact once a paragraph has been laid out, so the scrollbar stays stable. Highlights are
//! painted from galley geometry, so changing annotations never re-lays out text.
//!
//! Overlapping annotations: every annotation gets a translucent background in its label colour
//! (nested ones therefore look darker) and a solid underline in its own lane below the text, so
//! an Actor inside a Quote inside a Claim shows three stacked underlines. When more annotations
//! overlap than there are lanes, a small count badge marks the place.

use std::ops::Range;
use std::sync::Arc;

use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{Color32, FontId, Galley, Pos2, Rect, Sense, Stroke, Vec2, pos2, vec2};

use crate::model::{Annotation, Codebook, Document, ItemId, parse_color};

/// Font size of the document text.
pub const FONT_SIZE: f32 = 16.0;
/// Height of one text row: the font plus room for the underline lanes.
pub const ROW_HEIGHT: f32 = 30.0;
/// Underline lanes drawn below each row.
pub const LANES: usize = 4;
const LANE_SPACING: f32 = 3.0;
const PARAGRAPH_GAP: f32 = 6.0;
const EMPTY_PARAGRAPH_HEIGHT: f32 = 10.0;
const MARGIN: f32 = 24.0;
const MAX_TEXT_WIDTH: f32 = 820.0;

/// The colour of a label, or grey for an unknown one.
pub fn label_color(codebook: &Codebook, label_id: &str) -> Color32 {
    codebook
        .label(label_id)
        .and_then(|l| parse_color(&l.color))
        .map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b))
}

/// One paragraph of the document: a line of the text without its line break.
#[derive(Clone, Debug)]
struct Paragraph {
    chars: Range<usize>,
    bytes: Range<usize>,
}

/// What the user did in the view this frame.
#[derive(Debug, Default)]
pub struct DocViewOutput {
    /// An annotation was clicked.
    pub clicked_annotation: Option<ItemId>,
    /// The user clicked on text with no annotation (clears the annotation selection).
    pub clicked_empty: bool,
}

/// Where a paragraph was painted this frame, for hit testing (and tests).
#[derive(Clone)]
struct PlacedParagraph {
    index: usize,
    /// Screen position of the galley's top-left.
    origin: Pos2,
    galley: Arc<Galley>,
}

/// UI state of the document view for one document.
pub struct DocView {
    pub document_id: String,
    paragraphs: Vec<Paragraph>,
    /// Height of each paragraph including the gap after it (estimated until measured).
    heights: Vec<f32>,
    measured: Vec<bool>,
    /// `tops[i]` = y of paragraph i from the top of the content; `tops[len]` = total height.
    tops: Vec<f32>,
    tops_dirty: bool,
    /// Wrap width the measured heights are valid for.
    wrap_width: f32,
    /// Text selection as (anchor, cursor) code point offsets; the range is min..max.
    pub selection: Option<(usize, usize)>,
    /// Bring this code point offset into view on the next frame.
    pub scroll_to: Option<usize>,
    /// Pointer pressed here (char offset) and not released yet.
    drag_anchor: Option<usize>,
    placed: Vec<PlacedParagraph>,
    /// Screen rect of the text area last frame.
    pub viewport: Rect,
}

impl DocView {
    pub fn new(document: &Document) -> Self {
        let mut paragraphs = Vec::new();
        let mut char_pos = 0;
        let mut byte_pos = 0;
        for line in document.text.split('\n') {
            let chars = line.chars().count();
            paragraphs.push(Paragraph { chars: char_pos..char_pos + chars, bytes: byte_pos..byte_pos + line.len() });
            char_pos += chars + 1;
            byte_pos += line.len() + 1;
        }
        let count = paragraphs.len();
        Self {
            document_id: document.id.clone(),
            paragraphs,
            heights: vec![0.0; count],
            measured: vec![false; count],
            tops: vec![0.0; count + 1],
            tops_dirty: true,
            wrap_width: 0.0,
            selection: None,
            scroll_to: None,
            drag_anchor: None,
            placed: Vec::new(),
            viewport: Rect::NOTHING,
        }
    }

    /// The selected code point range, if non-empty.
    pub fn selected_range(&self) -> Option<Range<usize>> {
        let (a, b) = self.selection?;
        (a != b).then(|| a.min(b)..a.max(b))
    }

    pub fn clear_selection(&mut self) {
        self.selection = None;
    }

    /// Screen rectangle of the character at `offset`, if it was painted last frame.
    pub fn char_rect(&self, offset: usize) -> Option<Rect> {
        let placed = self.placed.iter().find(|p| self.paragraphs[p.index].chars.contains(&offset))?;
        let local = offset - self.paragraphs[placed.index].chars.start;
        let a = placed.galley.pos_from_cursor(CCursor::new(local));
        let b = placed.galley.pos_from_cursor(CCursor::new(local + 1));
        let rect = Rect::from_min_max(
            pos2(a.min.x, a.min.y),
            pos2(if b.min.y == a.min.y { b.min.x } else { a.min.x + 6.0 }, a.max.y),
        );
        Some(rect.translate(placed.origin.to_vec2()))
    }

    fn estimate_height(&self, paragraph: &Paragraph) -> f32 {
        let chars = paragraph.chars.len();
        if chars == 0 {
            return EMPTY_PARAGRAPH_HEIGHT;
        }
        let chars_per_row = (self.wrap_width / (FONT_SIZE * 0.48)).max(10.0);
        let rows = (chars as f32 / chars_per_row).ceil().max(1.0);
        rows * ROW_HEIGHT + PARAGRAPH_GAP
    }

    fn set_wrap_width(&mut self, width: f32) {
        if (width - self.wrap_width).abs() < 0.5 {
            return;
        }
        self.wrap_width = width;
        for i in 0..self.paragraphs.len() {
            self.heights[i] = self.estimate_height(&self.paragraphs[i]);
            self.measured[i] = false;
        }
        self.tops_dirty = true;
    }

    fn update_tops(&mut self) {
        if !self.tops_dirty {
            return;
        }
        let mut y = 0.0;
        for (i, h) in self.heights.iter().enumerate() {
            self.tops[i] = y;
            y += h;
        }
        self.tops[self.heights.len()] = y;
        self.tops_dirty = false;
    }

    /// Index of the paragraph containing content y.
    fn paragraph_at_y(&self, y: f32) -> usize {
        let i = self.tops.partition_point(|&top| top <= y);
        i.saturating_sub(1).min(self.paragraphs.len().saturating_sub(1))
    }

    fn paragraph_of_char(&self, offset: usize) -> usize {
        let i = self.paragraphs.partition_point(|p| p.chars.start <= offset);
        i.saturating_sub(1)
    }

    fn layout(&self, ui: &egui::Ui, document: &Document, index: usize) -> Arc<Galley> {
        let paragraph = &self.paragraphs[index];
        let text = &document.text[paragraph.bytes.clone()];
        let format = TextFormat {
            font_id: FontId::proportional(FONT_SIZE),
            color: ui.visuals().strong_text_color(),
            line_height: Some(ROW_HEIGHT),
            valign: egui::Align::TOP,
            ..Default::default()
        };
        let mut job = LayoutJob::single_section(text.to_owned(), format);
        job.wrap.max_width = self.wrap_width;
        ui.painter().layout_job(job)
    }

    /// Shows the view. `hidden_labels` are not painted.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        document: &Document,
        codebook: &Codebook,
        selected_annotation: Option<ItemId>,
        hidden_labels: &dyn Fn(&str) -> bool,
    ) -> DocViewOutput {
        let mut output = DocViewOutput::default();
        let available = ui.available_size();
        let wrap_width = (available.x - 2.0 * MARGIN - 16.0).clamp(120.0, MAX_TEXT_WIDTH);
        self.set_wrap_width(wrap_width);
        self.update_tops();

        let mut scroll_area = egui::ScrollArea::vertical().id_salt(("doc_view", &self.document_id)).auto_shrink(false);
        if let Some(offset) = self.scroll_to.take() {
            let index = self.paragraph_of_char(offset);
            // Put the target a third of the way down the screen.
            let target = (self.tops[index] - available.y / 3.0).max(0.0);
            scroll_area = scroll_area.vertical_scroll_offset(target);
        }
        let total_height = self.tops[self.paragraphs.len()] + MARGIN * 2.0;
        scroll_area.show_viewport(ui, |ui, viewport| {
            let (content_rect, response) =
                ui.allocate_exact_size(vec2(ui.available_width(), total_height), Sense::click_and_drag());
            self.viewport = ui.clip_rect();
            let left = content_rect.left() + ((content_rect.width() - wrap_width) / 2.0).max(MARGIN);
            let top = content_rect.top() + MARGIN;
            let first = self.paragraph_at_y((viewport.min.y - MARGIN).max(0.0));
            let last = self.paragraph_at_y((viewport.max.y - MARGIN).max(0.0));
            self.placed.clear();
            let mut remeasured = false;
            for index in first..=last.min(self.paragraphs.len().saturating_sub(1)) {
                if self.paragraphs.is_empty() {
                    break;
                }
                let galley = self.layout(ui, document, index);
                let height = if self.paragraphs[index].chars.is_empty() {
                    EMPTY_PARAGRAPH_HEIGHT
                } else {
                    galley.size().y + PARAGRAPH_GAP
                };
                if !self.measured[index] || (self.heights[index] - height).abs() > 0.5 {
                    self.measured[index] = true;
                    if (self.heights[index] - height).abs() > 0.5 {
                        self.heights[index] = height;
                        remeasured = true;
                    }
                }
                self.placed.push(PlacedParagraph { index, origin: pos2(left, top + self.tops[index]), galley });
            }
            if remeasured {
                // Heights changed: positions are recomputed and painted next frame.
                self.tops_dirty = true;
                ui.ctx().request_repaint();
            }
            self.handle_pointer(ui, &response, document, &mut output);
            self.paint(ui, document, codebook, selected_annotation, hidden_labels);
            self.hover_ui(&response, document, codebook, hidden_labels);
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Document, true, format!("Document text: {}", document.title()))
            });
        });
        output
    }

    /// Document char offset under a screen position (clamped to the nearest painted paragraph).
    pub fn char_at(&self, pos: Pos2) -> Option<usize> {
        let placed =
            self.placed.iter().find(|p| pos.y < p.origin.y + self.heights[p.index]).or_else(|| self.placed.last())?;
        let local = pos - placed.origin;
        let paragraph = &self.paragraphs[placed.index];
        if local.y < 0.0 {
            return Some(paragraph.chars.start);
        }
        let cursor = placed.galley.cursor_from_pos(local);
        Some(paragraph.chars.start + cursor.index.0.min(paragraph.chars.len()))
    }

    /// Annotations covering `offset`, innermost (shortest) first.
    fn annotations_at<'d>(document: &'d Document, offset: usize, hidden: &dyn Fn(&str) -> bool) -> Vec<&'d Annotation> {
        let mut hits: Vec<&Annotation> = document
            .annotations
            .iter()
            .take_while(|a| a.start() <= offset)
            .filter(|a| a.covers(offset) && !hidden(&a.label))
            .collect();
        hits.sort_by_key(|a| a.end() - a.start());
        hits
    }

    fn handle_pointer(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        document: &Document,
        output: &mut DocViewOutput,
    ) {
        let shift = ui.input(|i| i.modifiers.shift);
        // Selections snap to whole words unless Alt is held (for sub-word precision).
        let snap = !ui.input(|i| i.modifiers.alt);
        if response.double_clicked() {
            if let Some(offset) = response.interact_pointer_pos().and_then(|p| self.char_at(p)) {
                let word = word_at(document, offset);
                if !word.is_empty() {
                    self.selection = Some((word.start, word.end));
                }
            }
            return;
        }
        // The drag is recognised only after the pointer has moved; it starts where it was pressed.
        let press_origin = ui.input(|i| i.pointer.press_origin());
        if response.drag_started()
            && let Some(offset) = press_origin.or(response.interact_pointer_pos()).and_then(|p| self.char_at(p))
        {
            if shift && let Some((anchor, _)) = self.selection {
                self.selection = Some(snap_selection(document, anchor, offset, snap));
                self.drag_anchor = Some(anchor);
            } else {
                self.drag_anchor = Some(offset);
                self.selection = Some((offset, offset));
            }
        }
        if response.dragged()
            && let (Some(anchor), Some(pos)) = (self.drag_anchor, response.interact_pointer_pos())
        {
            if let Some(offset) = self.char_at(pos) {
                self.selection = Some(snap_selection(document, anchor, offset, snap));
            }
            // Auto-scroll when dragging past the top or bottom edge.
            let clip = ui.clip_rect();
            if pos.y < clip.top() + 10.0 || pos.y > clip.bottom() - 10.0 {
                let delta = if pos.y < clip.top() + 10.0 { 20.0 } else { -20.0 };
                ui.scroll_with_delta(vec2(0.0, delta));
            }
        }
        if response.drag_stopped() {
            self.drag_anchor = None;
        }
        if response.clicked()
            && let Some(offset) = response.interact_pointer_pos().and_then(|p| self.char_at(p))
        {
            if shift && let Some((anchor, _)) = self.selection {
                self.selection = Some(snap_selection(document, anchor, offset, snap));
                return;
            }
            self.selection = None;
            let hits = Self::annotations_at(document, offset, &|_| false);
            match hits.first() {
                Some(a) => output.clicked_annotation = Some(a.id),
                None => {
                    output.clicked_empty = true;
                    self.selection = Some((offset, offset));
                }
            }
        }
    }

    /// Rectangles (galley-local) covering local chars `range` in a galley.
    fn range_rects(galley: &Galley, range: Range<usize>) -> Vec<Rect> {
        let mut rects = Vec::new();
        let mut row_start = 0;
        for row in &galley.rows {
            let row_chars = row.char_count_excluding_newline().0;
            let row_end = row_start + row_chars;
            let a = range.start.max(row_start);
            let b = range.end.min(row_end);
            if a < b || (a == b && range.start < range.end && a == row_start && b == row_end && row_chars == 0) {
                let x0 = row.pos.x + row.x_offset((a - row_start).into());
                let x1 = row.pos.x + row.x_offset((b - row_start).into());
                rects.push(Rect::from_min_max(pos2(x0, row.min_y()), pos2(x1, row.max_y())));
            }
            row_start += row.char_count_including_newline().0;
            if row_start >= range.end {
                break;
            }
        }
        rects
    }

    fn paint(
        &self,
        ui: &egui::Ui,
        document: &Document,
        codebook: &Codebook,
        selected_annotation: Option<ItemId>,
        hidden: &dyn Fn(&str) -> bool,
    ) {
        let painter = ui.painter();
        let selection = self.selected_range();
        let selection_color = ui.visuals().selection.bg_fill.gamma_multiply(0.7);
        let longest = document.annotations.iter().map(|a| a.end() - a.start()).max().unwrap_or(0);
        for placed in &self.placed {
            let paragraph = &self.paragraphs[placed.index];
            let origin = placed.origin.to_vec2();
            // Annotations overlapping this paragraph, outer (longer) first.
            let first_candidate = document.annotations.partition_point(|a| a.start() + longest < paragraph.chars.start);
            let mut spans: Vec<(Range<usize>, &Annotation)> = Vec::new();
            for annotation in &document.annotations[first_candidate..] {
                if annotation.start() > paragraph.chars.end {
                    break;
                }
                if hidden(&annotation.label) {
                    continue;
                }
                for fragment in &annotation.fragments {
                    let a = fragment.start.max(paragraph.chars.start);
                    let b = fragment.end.min(paragraph.chars.end);
                    if a < b {
                        spans.push((a - paragraph.chars.start..b - paragraph.chars.start, annotation));
                    }
                }
            }
            spans.sort_by_key(|(r, a)| (r.start, std::cmp::Reverse(r.end), a.id));
            // Lane assignment: the lowest lane free at the span's start.
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
                let color = label_color(codebook, &annotation.label);
                let is_selected = selected_annotation == Some(annotation.id);
                let fill = color.gamma_multiply(if is_selected { 0.5 } else { 0.22 });
                for rect in Self::range_rects(&placed.galley, range.clone()) {
                    let text_rect = Rect::from_min_max(rect.min, pos2(rect.max.x, rect.min.y + FONT_SIZE * 1.3));
                    let text_rect = text_rect.translate(origin);
                    painter.rect_filled(text_rect, 2.0, fill);
                    if is_selected {
                        painter.rect_stroke(
                            text_rect.expand(1.0),
                            2.0,
                            Stroke::new(1.5, color),
                            egui::StrokeKind::Outside,
                        );
                    }
                    if lane < LANES {
                        let y = rect.min.y + FONT_SIZE * 1.3 + 2.0 + lane as f32 * LANE_SPACING + origin.y;
                        painter.hline(rect.min.x + origin.x..=rect.max.x + origin.x, y, Stroke::new(2.0, color));
                    }
                }
            }
            // Badge where more spans overlap than there are lanes.
            for ((range, _), &lane) in spans.iter().zip(&lanes) {
                if lane == LANES
                    && let Some(rect) = Self::range_rects(&placed.galley, range.start..range.start + 1).first()
                {
                    let depth = lanes
                        .iter()
                        .zip(&spans)
                        .filter(|(_, (r, _))| r.start <= range.start && range.start < r.end)
                        .count();
                    let pos = rect.left_bottom() + origin + vec2(0.0, -2.0);
                    painter.text(
                        pos,
                        egui::Align2::RIGHT_BOTTOM,
                        format!("{depth}"),
                        FontId::proportional(9.0),
                        ui.visuals().strong_text_color(),
                    );
                }
            }
            if let Some(selection) = &selection {
                let a = selection.start.max(paragraph.chars.start);
                let b = selection.end.min(paragraph.chars.end);
                if a < b {
                    for rect in Self::range_rects(&placed.galley, a - paragraph.chars.start..b - paragraph.chars.start)
                    {
                        let rect = Rect::from_min_max(rect.min, pos2(rect.max.x, rect.min.y + FONT_SIZE * 1.3));
                        painter.rect_filled(rect.translate(origin), 0.0, selection_color);
                    }
                }
            }
            painter.galley(placed.origin, placed.galley.clone(), ui.visuals().text_color());
        }
    }

    fn hover_ui(
        &self,
        response: &egui::Response,
        document: &Document,
        codebook: &Codebook,
        hidden: &dyn Fn(&str) -> bool,
    ) {
        if self.drag_anchor.is_some() {
            return;
        }
        let Some(pos) = response.hover_pos() else {
            return;
        };
        let Some(offset) = self.char_at(pos) else {
            return;
        };
        let hits = Self::annotations_at(document, offset, hidden);
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
                    ui.label(excerpt(&annotation.text(), 80));
                });
            }
        });
    }
}

/// The selection from `anchor` to `cursor`, widened to whole words at both ends when `snap` is
/// set and an end falls inside a word. Keeps the direction (anchor first).
pub fn snap_selection(document: &Document, anchor: usize, cursor: usize, snap: bool) -> (usize, usize) {
    if !snap || anchor == cursor {
        return (anchor, cursor);
    }
    let (mut start, mut end) = (anchor.min(cursor), anchor.max(cursor));
    let inside_word = |offset: usize| {
        // Both the character before and the one at `offset` belong to the same word.
        offset > 0 && {
            let word = word_at(document, offset - 1);
            word.start < offset && offset < word.end
        }
    };
    if inside_word(start) {
        start = word_at(document, start - 1).start;
    }
    if inside_word(end) {
        end = word_at(document, end - 1).end;
    }
    if anchor <= cursor { (start, end) } else { (end, start) }
}

/// The word around `offset`: letters, digits, apostrophes and hyphens inside a word.
pub fn word_at(document: &Document, offset: usize) -> Range<usize> {
    let Some(start_byte) = document.index().char_to_byte(&document.text, offset) else {
        return offset..offset;
    };
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let joins = |c: char| matches!(c, '\'' | '’' | '-');
    let before = &document.text[..start_byte];
    let after = &document.text[start_byte..];
    if !after.chars().next().is_some_and(is_word) {
        return offset..offset;
    }
    let mut start = offset;
    let mut previous: Vec<char> = before.chars().rev().take(200).collect();
    previous.push(' ');
    for window in previous.windows(2) {
        if is_word(window[0]) || (joins(window[0]) && is_word(window[1])) {
            start -= 1;
        } else {
            break;
        }
    }
    let mut end = offset;
    let mut chars = after.chars().peekable();
    while let Some(c) = chars.next() {
        if is_word(c) || (joins(c) && chars.peek().is_some_and(|&n| is_word(n))) {
            end += 1;
        } else {
            break;
        }
    }
    start..end
}

/// `text` cut to `max` characters with an ellipsis, on one line.
pub fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(max).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        let doc = Document::new("d1", "t", "Iran’s state-run media, über 15 areas".to_owned());
        let word = |o| {
            let r = word_at(&doc, o);
            doc.slice(r).unwrap().to_owned()
        };
        assert_eq!(word(0), "Iran’s");
        assert_eq!(word(5), "Iran’s");
        assert_eq!(word(9), "state-run");
        assert_eq!(word(20), "media");
        assert_eq!(word(25), "über");
        assert_eq!(word(22), "");
    }

    #[test]
    fn selections_snap_to_words() {
        let doc = Document::new("d1", "t", "The Supreme National Security Council met.".to_owned());
        let snapped = |a, b| {
            let (x, y) = snap_selection(&doc, a, b, true);
            doc.slice(x.min(y)..x.max(y)).unwrap().to_owned()
        };
        assert_eq!(snapped(6, 14), "Supreme National");
        assert_eq!(snapped(14, 6), "Supreme National", "backwards drag");
        assert_eq!(snapped(4, 11), "Supreme");
        assert_eq!(snapped(3, 12), " Supreme ");
        assert_eq!(snapped(32, 40), "Council met");
        assert_eq!(snap_selection(&doc, 6, 14, false), (6, 14));
    }
}
