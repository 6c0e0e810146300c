//! The document view: the text of one document with its annotations painted over it.
//!
//! Virtualized so that cost follows the screen, not the document:
//! - the text is cut into *blocks*: one per line, and very long lines (a 2 MB paragraph) are cut
//!   further at sentence or word ends every few thousand characters;
//! - block heights start as estimates and become exact once a block has been laid out; they live
//!   in a Fenwick tree, so finding the block at a scroll position and updating one height are
//!   O(log n) even with hundreds of thousands of blocks;
//! - only blocks inside the visible part of the scroll area are laid out and painted; annotations
//!   are found with [`SpanIndex`], rebuilt only when the document's revision changes;
//! - highlights are painted from galley geometry, so changing annotations never re-lays out text.
//!
//! Overlapping annotations: every annotation gets a translucent background in its label colour
//! (nested ones therefore look darker) and a solid underline in its own lane below the text, so
//! an Actor inside a Quote inside a Claim shows three stacked underlines. When more annotations
//! overlap than there are lanes, a count badge marks the place. Hovering lists them all.

use std::ops::Range;
use std::sync::Arc;

use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{Color32, FontId, Galley, Key, KeyboardShortcut, Modifiers, Pos2, Rect, Sense, Stroke, Vec2, pos2, vec2};

use crate::model::{Annotation, Codebook, Document, ItemId, SpanIndex, parse_color};

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
/// Lines longer than this are laid out in pieces, cut at a sentence or word end.
const MAX_BLOCK_CHARS: usize = 3000;
/// Find stops counting here (the count shows "10000+").
const MAX_MATCHES: usize = 100_000;

/// The colour of a label, or grey for an unknown one.
pub fn label_color(codebook: &Codebook, label_id: &str) -> Color32 {
    codebook
        .label(label_id)
        .and_then(|l| parse_color(&l.color))
        .map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b))
}

/// A piece of the text laid out as one galley: a line, or part of a very long line.
#[derive(Clone, Debug)]
struct Block {
    chars: Range<usize>,
    bytes: Range<usize>,
    /// Whether a paragraph gap follows (false inside a cut long line).
    ends_paragraph: bool,
}

/// Cuts the text into blocks.
fn blocks_of(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut char_pos = 0;
    let mut byte_pos = 0;
    for line in text.split('\n') {
        if line.len() <= MAX_BLOCK_CHARS {
            // Short line: its char count is at most its byte length, so no cut is needed.
            let chars = if line.is_ascii() { line.len() } else { line.chars().count() };
            blocks.push(Block {
                chars: char_pos..char_pos + chars,
                bytes: byte_pos..byte_pos + line.len(),
                ends_paragraph: true,
            });
            char_pos += chars;
        } else {
            let mut rest = line;
            let mut rest_byte = byte_pos;
            loop {
                let cut = cut_point(rest);
                let piece = &rest[..cut];
                let chars = piece.chars().count();
                let last = cut == rest.len();
                blocks.push(Block {
                    chars: char_pos..char_pos + chars,
                    bytes: rest_byte..rest_byte + cut,
                    ends_paragraph: last,
                });
                char_pos += chars;
                rest_byte += cut;
                rest = &rest[cut..];
                if last {
                    break;
                }
            }
        }
        char_pos += 1;
        byte_pos += line.len() + 1;
    }
    blocks
}

/// Byte length of the first piece of a long line: up to `MAX_BLOCK_CHARS` characters, ending
/// after a sentence end or a space when there is one in the last third.
fn cut_point(line: &str) -> usize {
    let Some((limit, _)) = line.char_indices().nth(MAX_BLOCK_CHARS) else { return line.len() };
    let window = &line[..limit];
    let floor = limit * 2 / 3;
    if let Some(at) = window.rfind(". ").filter(|&at| at >= floor) {
        return at + 2;
    }
    if let Some(at) = window.rfind(' ').filter(|&at| at >= floor) {
        return at + 1;
    }
    limit
}

/// Heights of all blocks with O(log n) prefix sums, updates and search (a Fenwick tree).
#[derive(Clone, Debug, Default)]
struct Heights {
    values: Vec<f64>,
    tree: Vec<f64>,
}

impl Heights {
    fn new(values: Vec<f64>) -> Self {
        let mut tree = vec![0.0; values.len() + 1];
        // O(n) build: each node passes its sum on to its parent.
        for (i, &v) in values.iter().enumerate() {
            let j = i + 1;
            tree[j] += v;
            let parent = j + (j & j.wrapping_neg());
            if parent < tree.len() {
                let sum = tree[j];
                tree[parent] += sum;
            }
        }
        Self { values, tree }
    }

    fn len(&self) -> usize {
        self.values.len()
    }

    fn get(&self, i: usize) -> f64 {
        self.values[i]
    }

    fn set(&mut self, i: usize, value: f64) {
        let delta = value - self.values[i];
        self.values[i] = value;
        let mut j = i + 1;
        while j < self.tree.len() {
            self.tree[j] += delta;
            j += j & j.wrapping_neg();
        }
    }

    /// Sum of heights of blocks `0..i` (the top of block `i`).
    fn top(&self, i: usize) -> f64 {
        let mut sum = 0.0;
        let mut j = i.min(self.values.len());
        while j > 0 {
            sum += self.tree[j];
            j -= j & j.wrapping_neg();
        }
        sum
    }

    fn total(&self) -> f64 {
        self.top(self.values.len())
    }

    /// The block containing content position `y` (clamped to the last block).
    fn block_at(&self, y: f64) -> usize {
        if self.values.is_empty() {
            return 0;
        }
        let mut position = 0;
        let mut remaining = y;
        let mut step = (self.tree.len() - 1).next_power_of_two();
        while step > 0 {
            let next = position + step;
            if next < self.tree.len() && self.tree[next] <= remaining {
                position = next;
                remaining -= self.tree[next];
            }
            step /= 2;
        }
        position.min(self.values.len() - 1)
    }
}

/// Find-in-document state.
#[derive(Debug, Default)]
pub struct Find {
    pub open: bool,
    pub query: String,
    /// Byte offsets of matches (ASCII letters match case-insensitively).
    matches: Vec<usize>,
    /// Byte length of a match.
    match_len: usize,
    /// Index into `matches` of the current match.
    pub current: Option<usize>,
    searched: String,
    request_focus: bool,
    /// More matches exist than were collected.
    truncated: bool,
}

impl Find {
    /// Searches `text`; called when the query changes.
    fn search(&mut self, text: &str, folded: &str) {
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

/// What the user did in the view this frame.
#[derive(Debug, Default)]
pub struct DocViewOutput {
    /// An annotation was clicked.
    pub clicked_annotation: Option<ItemId>,
    /// The user clicked on text with no annotation (clears the annotation selection).
    pub clicked_empty: bool,
}

/// Where a block was painted this frame, for hit testing (and tests).
#[derive(Clone)]
struct PlacedBlock {
    index: usize,
    /// Screen position of the galley's top-left.
    origin: Pos2,
    galley: Arc<Galley>,
}

/// Keeps a char offset at a fixed distance below the top of the view while heights settle.
#[derive(Clone, Copy, Debug)]
struct ScrollAnchor {
    offset: usize,
    below_top: f32,
    /// y of the offset's row inside its block, once the block has been laid out.
    within_block: Option<f32>,
    /// Frames left to settle.
    frames: u8,
}

impl ScrollAnchor {
    fn new(offset: usize, below_top: f32) -> Self {
        Self { offset, below_top, within_block: None, frames: 4 }
    }
}

/// UI state of the document view for one document.
pub struct DocView {
    pub document_id: String,
    blocks: Vec<Block>,
    heights: Heights,
    measured: Vec<bool>,
    /// Wrap width the heights are valid for.
    wrap_width: f32,
    /// Text selection as (anchor, cursor) code point offsets; the range is min..max.
    pub selection: Option<(usize, usize)>,
    /// Bring this code point offset into view on the next frame.
    pub scroll_to: Option<usize>,
    /// Keep this char offset at this distance below the top of the view while heights settle.
    anchor: Option<ScrollAnchor>,
    /// Pointer pressed here (char offset) and not released yet.
    drag_anchor: Option<usize>,
    placed: Vec<PlacedBlock>,
    /// Screen rect of the text area last frame.
    pub viewport: Rect,
    /// Scroll offset last frame.
    scroll_y: f32,
    span_index: SpanIndex,
    indexed_revision: Option<u64>,
    pub find: Find,
    /// ASCII-lowercased copy of the text for find, made on first use.
    folded_text: Option<String>,
}

impl DocView {
    pub fn new(document: &Document) -> Self {
        let blocks = blocks_of(&document.text);
        let count = blocks.len();
        Self {
            document_id: document.id.clone(),
            blocks,
            heights: Heights::default(),
            measured: vec![false; count],
            wrap_width: 0.0,
            selection: None,
            scroll_to: None,
            anchor: None,
            drag_anchor: None,
            placed: Vec::new(),
            viewport: Rect::NOTHING,
            scroll_y: 0.0,
            span_index: SpanIndex::default(),
            indexed_revision: None,
            find: Find::default(),
            folded_text: None,
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

    /// Number of layout blocks (lines, with very long lines cut).
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// Screen rectangle of the character at `offset`, if it was painted last frame.
    pub fn char_rect(&self, offset: usize) -> Option<Rect> {
        let placed = self.placed.iter().find(|p| {
            let chars = &self.blocks[p.index].chars;
            chars.start <= offset && offset < chars.end
        })?;
        let local = offset - self.blocks[placed.index].chars.start;
        let a = placed.galley.pos_from_cursor(CCursor::new(local));
        let b = placed.galley.pos_from_cursor(CCursor::new(local + 1));
        let right = if (b.min.y - a.min.y).abs() < 0.5 { b.min.x } else { a.min.x + 6.0 };
        let rect = Rect::from_min_max(pos2(a.min.x, a.min.y), pos2(right, a.min.y + FONT_SIZE * 1.3));
        Some(rect.translate(placed.origin.to_vec2()))
    }

    /// Whether the character at `offset` was painted inside the visible area last frame.
    pub fn is_visible(&self, offset: usize) -> bool {
        self.char_rect(offset).is_some_and(|r| self.viewport.contains_rect(r))
    }

    fn estimate_height(&self, block: &Block) -> f64 {
        let chars = block.chars.len();
        let gap = if block.ends_paragraph { PARAGRAPH_GAP } else { 0.0 };
        if chars == 0 {
            return f64::from(EMPTY_PARAGRAPH_HEIGHT);
        }
        let chars_per_row = (self.wrap_width / (FONT_SIZE * 0.47)).max(10.0);
        let rows = (chars as f32 / chars_per_row).ceil().max(1.0);
        f64::from(rows * ROW_HEIGHT + gap)
    }

    fn set_wrap_width(&mut self, width: f32) {
        if (width - self.wrap_width).abs() < 0.5 && self.heights.len() == self.blocks.len() {
            return;
        }
        // Keep the text at the top of the view in place while every height is re-estimated: the
        // first block on screen stays exactly where it is (a block's start is the top of its first
        // row, so this holds whatever its new height).
        if self.heights.len() == self.blocks.len() && !self.blocks.is_empty() && self.scroll_to.is_none() {
            let block = self.heights.block_at(f64::from((self.scroll_y - MARGIN).max(0.0)));
            let below_top = MARGIN + self.heights.top(block) as f32 - self.scroll_y;
            let mut anchor = ScrollAnchor::new(self.blocks[block].chars.start, below_top);
            anchor.within_block = Some(0.0);
            self.anchor = Some(anchor);
        }
        self.wrap_width = width;
        let estimates = self.blocks.iter().map(|b| self.estimate_height(b)).collect();
        self.heights = Heights::new(estimates);
        self.measured.iter_mut().for_each(|m| *m = false);
    }

    fn block_of_char(&self, offset: usize) -> usize {
        self.blocks.partition_point(|b| b.chars.start <= offset).saturating_sub(1)
    }

    /// The scroll offset that puts the anchor where it wants to be.
    fn anchor_target(&self, anchor: ScrollAnchor, max_offset: f32) -> f32 {
        let block = self.block_of_char(anchor.offset);
        let y = self.heights.top(block) as f32 + anchor.within_block.unwrap_or(0.0);
        (y + MARGIN - anchor.below_top).clamp(0.0, max_offset)
    }

    fn layout(&self, ui: &egui::Ui, document: &Document, index: usize) -> Arc<Galley> {
        let block = &self.blocks[index];
        let text = &document.text[block.bytes.clone()];
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

    fn measured_height(&self, index: usize, galley: &Galley) -> f64 {
        let block = &self.blocks[index];
        if block.chars.is_empty() {
            return f64::from(EMPTY_PARAGRAPH_HEIGHT);
        }
        let gap = if block.ends_paragraph { PARAGRAPH_GAP } else { 0.0 };
        f64::from(galley.size().y + gap)
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
        if self.indexed_revision != Some(document.revision()) {
            self.span_index = SpanIndex::new(&document.annotations);
            self.indexed_revision = Some(document.revision());
        }
        self.find_bar_ui(ui, document);
        let available = ui.available_size();
        let wrap_width = (available.x - 2.0 * MARGIN - 16.0).clamp(120.0, MAX_TEXT_WIDTH);
        self.set_wrap_width(wrap_width);

        if let Some(offset) = self.scroll_to.take() {
            // Put the target a third of the way down; refine once its block is laid out.
            self.anchor = Some(ScrollAnchor::new(offset, available.y / 3.0));
        }
        // Programmatic jumps must not overshoot: past the end egui would animate a spring back.
        ui.spacing_mut().scroll.kinetic.rubber_band = false;
        let total_height = self.heights.total() as f32 + MARGIN * 2.0;
        let max_offset = (total_height - available.y).max(0.0);
        let mut scroll_area = egui::ScrollArea::vertical().id_salt(("doc_view", &self.document_id)).auto_shrink(false);
        if let Some(target) = self.keyboard_navigation(ui, document, available.y) {
            self.anchor = None;
            scroll_area = scroll_area.vertical_scroll_offset(target.clamp(0.0, max_offset));
        }
        if let Some(anchor) = self.anchor {
            scroll_area = scroll_area.vertical_scroll_offset(self.anchor_target(anchor, max_offset));
        }
        let scroll = scroll_area.show_viewport(ui, |ui, viewport| {
            let (content_rect, response) =
                ui.allocate_exact_size(vec2(ui.available_width(), total_height), Sense::click_and_drag());
            self.viewport = ui.clip_rect();
            let left = content_rect.left() + ((content_rect.width() - wrap_width) / 2.0).max(MARGIN);
            let top = content_rect.top() + MARGIN;
            self.placed.clear();
            if !self.blocks.is_empty() {
                let first = self.heights.block_at(f64::from((viewport.min.y - MARGIN).max(0.0)));
                let mut index = first;
                let mut remeasured = false;
                // Lay out blocks until the bottom of the viewport is passed, measuring as we go.
                while index < self.blocks.len() {
                    let block_top = self.heights.top(index) as f32;
                    if block_top > viewport.max.y - MARGIN {
                        break;
                    }
                    let galley = self.layout(ui, document, index);
                    let height = self.measured_height(index, &galley);
                    if !self.measured[index] {
                        self.measured[index] = true;
                        if (self.heights.get(index) - height).abs() > 0.25 {
                            self.heights.set(index, height);
                            remeasured = true;
                        }
                    }
                    self.placed.push(PlacedBlock { index, origin: pos2(left, top + block_top), galley });
                    index += 1;
                }
                if remeasured {
                    // Positions changed: paint the settled layout next frame.
                    ui.ctx().request_repaint();
                }
            }
            self.handle_pointer(ui, &response, document, hidden_labels, &mut output);
            self.paint(ui, document, codebook, selected_annotation, hidden_labels);
            self.hover_ui(&response, document, codebook, hidden_labels);
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Document, true, format!("Document text: {}", document.title()))
            });
        });
        self.scroll_y = scroll.state.clamped_offset().y;
        if let Some(mut anchor) = self.anchor {
            // Refine with the exact position of the target row once it has been laid out.
            let target_block = self.block_of_char(anchor.offset);
            if let Some(placed) = self.placed.iter().find(|p| p.index == target_block) {
                let local = anchor.offset - self.blocks[target_block].chars.start;
                anchor.within_block = Some(placed.galley.pos_from_cursor(CCursor::new(local)).min.y);
            }
            let max_offset = (self.heights.total() as f32 + MARGIN * 2.0 - available.y).max(0.0);
            let settled =
                anchor.within_block.is_some() && (self.anchor_target(anchor, max_offset) - self.scroll_y).abs() < 1.0;
            anchor.frames = anchor.frames.saturating_sub(1);
            self.anchor = (!settled && anchor.frames > 0).then_some(anchor);
            if self.anchor.is_some() {
                ui.ctx().request_repaint();
            }
        }
        output
    }

    /// Page Up/Down scroll by a screen; Home/End (with or without Ctrl) go to the start or end.
    /// Returns a new scroll offset. Ignored while a text field has focus.
    fn keyboard_navigation(&mut self, ui: &egui::Ui, document: &Document, view_height: f32) -> Option<f32> {
        if ui.ctx().text_edit_focused() {
            return None;
        }
        let (page_down, page_up, home, end) = ui.input(|i| {
            (
                i.key_pressed(Key::PageDown),
                i.key_pressed(Key::PageUp),
                i.key_pressed(Key::Home),
                i.key_pressed(Key::End),
            )
        });
        let page = (view_height - ROW_HEIGHT * 2.0).max(ROW_HEIGHT);
        if page_down {
            return Some(self.scroll_y + page);
        }
        if page_up {
            return Some(self.scroll_y - page);
        }
        if home {
            self.scroll_to = None;
            return Some(0.0);
        }
        if end {
            // The end of the text, near the bottom of the view; settles as the last blocks are measured.
            self.anchor = Some(ScrollAnchor::new(document.char_len(), view_height - ROW_HEIGHT * 3.0));
        }
        None
    }

    fn find_bar_ui(&mut self, ui: &mut egui::Ui, document: &Document) {
        let open_shortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
        if ui.input_mut(|i| i.consume_shortcut(&open_shortcut)) {
            self.find.open = true;
            self.find.request_focus = true;
        }
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

    /// Document char offset under a screen position (clamped to the nearest painted block).
    pub fn char_at(&self, pos: Pos2) -> Option<usize> {
        let placed = self
            .placed
            .iter()
            .find(|p| pos.y < p.origin.y + self.heights.get(p.index) as f32)
            .or_else(|| self.placed.last())?;
        let local = pos - placed.origin;
        let block = &self.blocks[placed.index];
        if local.y < 0.0 {
            return Some(block.chars.start);
        }
        let cursor = placed.galley.cursor_from_pos(local);
        Some(block.chars.start + cursor.index.0.min(block.chars.len()))
    }

    /// Annotations covering `offset`, innermost (shortest) first.
    fn annotations_at<'d>(
        &self,
        document: &'d Document,
        offset: usize,
        hidden: &dyn Fn(&str) -> bool,
    ) -> Vec<&'d Annotation> {
        let mut hits: Vec<&Annotation> = self
            .span_index
            .overlapping(&document.annotations, offset..offset + 1)
            .into_iter()
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
        hidden: &dyn Fn(&str) -> bool,
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
            // Only what is painted can be clicked: a hidden label's annotation is not hit.
            let hits = self.annotations_at(document, offset, hidden);
            match hits.first() {
                Some(a) => output.clicked_annotation = Some(a.id),
                None => {
                    output.clicked_empty = true;
                    self.selection = Some((offset, offset));
                }
            }
        }
    }

    /// Rectangles (galley-local, text height) covering local chars `range` in a galley.
    fn range_rects(galley: &Galley, range: Range<usize>) -> Vec<Rect> {
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

    fn paint(
        &self,
        ui: &egui::Ui,
        document: &Document,
        codebook: &Codebook,
        selected_annotation: Option<ItemId>,
        hidden: &dyn Fn(&str) -> bool,
    ) {
        let (Some(first), Some(last)) = (self.placed.first(), self.placed.last()) else { return };
        let painter = ui.painter();
        let selection = self.selected_range();
        let selection_color = ui.visuals().selection.bg_fill.gamma_multiply(0.7);
        let visible_chars = self.blocks[first.index].chars.start..self.blocks[last.index].chars.end.max(1);
        let visible: Vec<&Annotation> = self
            .span_index
            .overlapping(&document.annotations, visible_chars)
            .into_iter()
            .filter(|a| !hidden(&a.label))
            .collect();
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
                for rect in Self::range_rects(&placed.galley, range.clone()) {
                    let rect = rect.translate(origin);
                    painter.rect_filled(rect, 2.0, fill);
                    if is_selected {
                        painter.rect_stroke(rect.expand(1.0), 2.0, Stroke::new(1.5, color), egui::StrokeKind::Outside);
                    }
                    if lane < LANES {
                        let y = rect.max.y + 2.0 + lane as f32 * LANE_SPACING;
                        painter.hline(rect.min.x..=rect.max.x, y, Stroke::new(2.0, color));
                    }
                }
            }
            // A count badge where more spans overlap than there are lanes.
            for ((range, _), &lane) in spans.iter().zip(&lanes) {
                if lane == LANES
                    && let Some(rect) = Self::range_rects(&placed.galley, range.start..range.start + 1).first()
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
                for (i, &byte) in self.find.matches[from..].iter().enumerate() {
                    if byte + self.find.match_len > block.bytes.end {
                        break;
                    }
                    let local_byte = byte - block.bytes.start;
                    let start = block_text[..local_byte].chars().count();
                    let len = block_text[local_byte..local_byte + self.find.match_len].chars().count();
                    let color = if self.find.current == Some(from + i) { current_find_color } else { find_color };
                    for rect in Self::range_rects(&placed.galley, start..start + len) {
                        painter.rect_filled(rect.translate(origin), 1.0, color);
                    }
                }
            }
            if let Some(selection) = &selection {
                let a = selection.start.max(block.chars.start);
                let b = selection.end.min(block.chars.end);
                if a < b {
                    for rect in Self::range_rects(&placed.galley, a - block.chars.start..b - block.chars.start) {
                        painter.rect_filled(rect.translate(origin), 0.0, selection_color);
                    }
                }
            }
            painter.galley(placed.origin, placed.galley.clone(), ui.visuals().strong_text_color());
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
        let Some(pos) = response.hover_pos() else { return };
        let Some(offset) = self.char_at(pos) else { return };
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
    let Some(start_byte) = document.index().char_to_byte(&document.text, offset) else { return offset..offset };
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
    let mut chars = after.chars().take(200).peekable();
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

    #[test]
    fn long_lines_are_cut_into_blocks_that_cover_the_text_exactly() {
        let sentence = "Social media threatens national security, the study says. ";
        let long_line: String = sentence.repeat(400);
        let unbroken: String = "ü".repeat(7000);
        let text = format!("Title\n\n{long_line}\n{unbroken}\nend");
        let blocks = blocks_of(&text);
        let mut next_char = 0;
        let mut next_byte = 0;
        for block in &blocks {
            assert_eq!(block.chars.start, next_char);
            assert_eq!(block.bytes.start, next_byte);
            let piece = &text[block.bytes.clone()];
            assert_eq!(piece.chars().count(), block.chars.len());
            assert!(block.chars.len() <= MAX_BLOCK_CHARS);
            next_char = block.chars.end + usize::from(block.ends_paragraph);
            next_byte = block.bytes.end + usize::from(block.ends_paragraph);
        }
        assert_eq!(next_byte, text.len() + 1);
        assert_eq!(next_char, text.chars().count() + 1);
        // The long prose line is cut after sentence ends.
        let prose: Vec<&Block> = blocks.iter().filter(|b| text[b.bytes.clone()].starts_with("Social")).collect();
        assert!(prose.len() > 1);
        for block in &prose[..prose.len() - 1] {
            assert!(text[block.bytes.clone()].ends_with(". "));
        }
    }

    #[test]
    fn fenwick_heights() {
        let mut heights = Heights::new(vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(heights.total(), 150.0);
        assert_eq!(heights.top(3), 60.0);
        assert_eq!(heights.block_at(0.0), 0);
        assert_eq!(heights.block_at(9.9), 0);
        assert_eq!(heights.block_at(10.0), 1);
        assert_eq!(heights.block_at(59.0), 2);
        assert_eq!(heights.block_at(149.0), 4);
        assert_eq!(heights.block_at(1000.0), 4);
        heights.set(1, 5.0);
        assert_eq!(heights.total(), 135.0);
        assert_eq!(heights.top(2), 15.0);
        assert_eq!(heights.block_at(14.0), 1);
        assert_eq!(heights.block_at(15.0), 2);
        let many = Heights::new((0..1000).map(|i| (i % 7 + 1) as f64).collect());
        let mut top = 0.0;
        for i in 0..1000 {
            assert_eq!(many.top(i), top);
            assert_eq!(many.block_at(top), i);
            top += (i % 7 + 1) as f64;
        }
    }

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

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("a\nb", 10), "a b");
        assert_eq!(excerpt("ünïcödé text", 5), "ünïcö…");
    }
}
