//! The document view: the text of one document with its annotations painted over it.
//!
//! Virtualized so that cost follows the screen, not the document:
//! - the text is cut into *blocks*: one per line, and very long lines (a 2 MB paragraph) are cut
//!   further at sentence or word ends every few thousand characters;
//! - block heights start as estimates and become exact once a block has been laid out; they live
//!   in a Fenwick tree, so finding the block at a scroll position and updating one height are
//!   O(log n) even with hundreds of thousands of blocks;
//! - only blocks inside the visible part of the scroll area are laid out and painted; annotations
//!   are found with the document's span index ([`Document::overlapping`]), which edits keep up
//!   to date in place (an edit does not rebuild it);
//! - highlights are painted from galley geometry, so changing annotations never re-lays out text.
//!
//! Overlapping annotations: every annotation gets a translucent background in its label colour
//! (nested ones therefore look darker) and a solid underline in its own lane below the text, so
//! an Actor inside a Quote inside a Claim shows three stacked underlines. When more annotations
//! overlap than there are lanes, a count badge marks the place. Hovering lists them all.

mod arcs;
mod bidi;
mod blocks;
mod find;
mod heights;
mod hit;
mod layers;
mod memo_mark;
mod navigate;
mod paint;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{FontId, Pos2, Rect, Sense, vec2};

use crate::model::bidi::{TextDirection, has_rtl, paragraph_direction};
use crate::model::editing::Selection;
use crate::model::{Annotation, Codebook, Document, ItemId};

pub use arcs::{Handles, Relating};
use bidi::{BidiBlock, Laid};
use blocks::{Block, blocks_of};
pub use find::Find;
use heights::Heights;
pub use layers::{CoderLayer, CoderStyle, underline};
pub use navigate::Navigation;
use navigate::ScrollAnchor;
pub use paint::{LANES, excerpt, label_color};

/// Font size of the document text.
pub const FONT_SIZE: f32 = 16.0;
/// Height of one text row: the font plus room for the underline lanes.
pub const ROW_HEIGHT: f32 = 30.0;
const PARAGRAPH_GAP: f32 = 6.0;
const EMPTY_PARAGRAPH_HEIGHT: f32 = 10.0;
pub(super) const MARGIN: f32 = 24.0;
const MAX_TEXT_WIDTH: f32 = 820.0;
/// Blocks laid out with bidi kept between frames (those around the screen).
const BIDI_CACHE_BLOCKS: usize = 256;

/// What the user did in the view this frame.
#[derive(Debug, Default)]
pub struct DocViewOutput {
    /// An annotation was clicked.
    pub clicked_annotation: Option<ItemId>,
    /// The user clicked on text with no annotation (clears the annotation selection).
    pub clicked_empty: bool,
    /// Relate the selected annotation to this one (Alt+click, or a drag from the relation handle).
    pub relate_to: Option<ItemId>,
    /// Ctrl+drag over this range: add it as a fragment of the selected annotation.
    pub add_fragment: Option<Range<usize>>,
    /// A boundary handle was dragged to a code point offset (snapped unless Alt was held).
    pub move_boundary: Option<(crate::model::Boundary, usize, bool)>,
    /// The memo mark of this annotation was clicked: open its memo.
    pub open_memo: Option<ItemId>,
}

/// Where a block was painted this frame, for hit testing (and tests).
#[derive(Clone)]
struct PlacedBlock {
    index: usize,
    /// Screen position of the block's top-left.
    origin: Pos2,
    laid: Laid,
}

/// UI state of the document view for one document.
pub struct DocView {
    pub document_id: String,
    /// The session generation and the text (SHA-256) the blocks, heights, find matches and span
    /// index were made for: a view is never reused for another project's document or text.
    made_for: (u64, String),
    blocks: Vec<Block>,
    heights: Heights,
    measured: Vec<bool>,
    /// Wrap width the heights are valid for.
    wrap_width: f32,
    /// The text selection (a caret when empty), in code points.
    pub selection: Option<Selection>,
    /// A move asked for by a command, done at the next frame.
    navigation: Option<Navigation>,
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
    /// The document revision the relation index is for.
    indexed_revision: Option<u64>,
    pub find: Find,
    /// A relation being made from the keyboard (R).
    pub relating: Option<Relating>,
    relation_index: arcs::RelationIndex,
    /// The innermost annotation under the pointer last frame.
    hovered_annotation: Option<ItemId>,
    /// What the drag in progress does besides selecting text.
    boundary_drag: Option<crate::model::Boundary>,
    relation_drag: bool,
    fragment_drag: bool,
    /// The coders shown and their underline styles, when several are (set by the app each frame).
    pub coder_layers: Vec<CoderLayer>,
    /// The annotations with a memo (set by the app each frame; built once per project revision).
    pub memo_notes: Arc<crate::ui::memo_marks::MemoNotes>,
    /// The copy of the text find searches (`find::fold`), made on first use, with the
    /// `strict_arabic` setting it was made for.
    folded_text: Option<(bool, find::Folded)>,
    /// Per block: 0 not looked at yet, 1 no right-to-left character, 2 some.
    rtl_blocks: Vec<u8>,
    /// Blocks laid out with bidi, for the wrap width and direction in `bidi_made_for`.
    bidi_cache: HashMap<usize, Arc<BidiBlock>>,
    bidi_made_for: (f32, TextDirection),
}

impl DocView {
    pub fn new(document: &Document, generation: u64) -> Self {
        let blocks = blocks_of(&document.text);
        let count = blocks.len();
        Self {
            document_id: document.id.clone(),
            made_for: (generation, document.sha256.clone()),
            blocks,
            heights: Heights::default(),
            measured: vec![false; count],
            wrap_width: 0.0,
            selection: None,
            navigation: None,
            scroll_to: None,
            anchor: None,
            drag_anchor: None,
            placed: Vec::new(),
            viewport: Rect::NOTHING,
            scroll_y: 0.0,
            indexed_revision: None,
            find: Find::default(),
            relating: None,
            relation_index: arcs::RelationIndex::default(),
            hovered_annotation: None,
            boundary_drag: None,
            relation_drag: false,
            fragment_drag: false,
            folded_text: None,
            coder_layers: Vec::new(),
            memo_notes: Arc::default(),
            rtl_blocks: vec![0; count],
            bidi_cache: HashMap::new(),
            bidi_made_for: (0.0, TextDirection::Auto),
        }
    }

    /// Whether this view shows `document` as it is in the session's `generation` (same id, same
    /// text); if not, the view must be made anew.
    pub fn belongs_to(&self, generation: u64, document: &Document) -> bool {
        self.document_id == document.id && self.made_for.0 == generation && self.made_for.1 == document.sha256
    }

    /// The selected code point range, if non-empty.
    pub fn selected_range(&self) -> Option<Range<usize>> {
        self.selection?.non_empty()
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
        Some(placed.laid.char_rect(local).translate(placed.origin.to_vec2()))
    }

    /// Screen rectangles of code points `range` painted last frame: one per visually contiguous
    /// piece (a right-to-left or mixed line can show one logical range in several pieces).
    pub fn range_screen_rects(&self, range: Range<usize>) -> Vec<Rect> {
        let mut rects = Vec::new();
        for placed in &self.placed {
            let chars = &self.blocks[placed.index].chars;
            let (a, b) = (range.start.max(chars.start), range.end.min(chars.end));
            if a < b {
                let local = a - chars.start..b - chars.start;
                rects.extend(placed.laid.rects(local).into_iter().map(|r| r.translate(placed.origin.to_vec2())));
            }
        }
        rects
    }

    /// Where the text selection was drawn last frame, for the state report real-window tests
    /// read: `x0,y0,x1,y1` per visual piece (window points), space-separated.
    pub fn selection_rects_report(&self) -> String {
        let rects = self.selected_range().map(|range| self.range_screen_rects(range)).unwrap_or_default();
        let rect =
            |r: &Rect| format!("{},{},{},{}", r.min.x.round(), r.min.y.round(), r.max.x.round(), r.max.y.round());
        rects.iter().map(rect).collect::<Vec<_>>().join(" ")
    }

    /// Whether the text at the moving end of the selection runs right to left (so that the arrow
    /// keys move visually).
    pub fn selection_head_is_rtl(&self) -> bool {
        self.selection.is_some_and(|s| self.char_is_rtl(s.head) || s.head > 0 && self.char_is_rtl(s.head - 1))
    }

    /// Whether the character at `offset` was drawn right to left last frame.
    pub(super) fn char_is_rtl(&self, offset: usize) -> bool {
        self.placed.iter().any(|p| {
            let chars = &self.blocks[p.index].chars;
            chars.start <= offset && offset < chars.end && p.laid.is_rtl_at(offset - chars.start)
        })
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

    pub(super) fn block_of_char(&self, offset: usize) -> usize {
        self.blocks.partition_point(|b| b.chars.start <= offset).saturating_sub(1)
    }

    /// Whether block `index` is laid out with bidi: it has a right-to-left character, or the
    /// document is forced to run right to left. Looked at once per block.
    fn needs_bidi(&mut self, document: &Document, index: usize) -> bool {
        let block = &self.blocks[index];
        if block.chars.is_empty() {
            return false;
        }
        if document.direction == TextDirection::Rtl {
            return true;
        }
        if self.rtl_blocks[index] == 0 {
            self.rtl_blocks[index] = if has_rtl(&document.text[block.bytes.clone()]) { 2 } else { 1 };
        }
        self.rtl_blocks[index] == 2
    }

    fn layout(&mut self, ui: &egui::Ui, document: &Document, index: usize) -> Laid {
        let block = &self.blocks[index];
        let text = &document.text[block.bytes.clone()];
        let format = TextFormat {
            font_id: FontId::proportional(FONT_SIZE),
            color: ui.visuals().strong_text_color(),
            line_height: Some(ROW_HEIGHT),
            valign: egui::Align::TOP,
            ..Default::default()
        };
        if self.needs_bidi(document, index) {
            if self.bidi_made_for.0 != self.wrap_width {
                self.bidi_cache.clear();
                self.bidi_made_for.0 = self.wrap_width;
            }
            if let Some(laid) = self.bidi_cache.get(&index) {
                return Laid::Bidi(laid.clone());
            }
            // The paragraph's direction comes from its first strong character, also when a
            // long paragraph is cut into several blocks.
            let mut first = index;
            while first > 0 && !self.blocks[first - 1].ends_paragraph {
                first -= 1;
            }
            let block = &self.blocks[index];
            let paragraph = &document.text[self.blocks[first].bytes.start..block.bytes.end];
            let direction = paragraph_direction(document.direction, paragraph);
            let text = &document.text[block.bytes.clone()];
            let laid = Arc::new(bidi::lay_out(ui.painter(), text, direction, self.wrap_width, &format));
            self.bidi_cache.insert(index, laid.clone());
            return Laid::Bidi(laid);
        }
        let mut job = LayoutJob::single_section(text.to_owned(), format);
        job.wrap.max_width = self.wrap_width;
        Laid::Plain(ui.painter().layout_job(job))
    }

    fn measured_height(&self, index: usize, laid: &Laid) -> f64 {
        let block = &self.blocks[index];
        if block.chars.is_empty() {
            return f64::from(EMPTY_PARAGRAPH_HEIGHT);
        }
        let gap = if block.ends_paragraph { PARAGRAPH_GAP } else { 0.0 };
        f64::from(laid.height() + gap)
    }

    /// Shows the view. What `hidden_labels` hides (by label or coder) is not painted, hovered or hit.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        document: &Document,
        codebook: &Codebook,
        selected_annotation: Option<ItemId>,
        hidden_labels: &dyn Fn(&Annotation) -> bool,
    ) -> DocViewOutput {
        let mut output = DocViewOutput::default();
        if self.indexed_revision != Some(document.revision()) {
            self.relation_index = arcs::RelationIndex::default();
            self.indexed_revision = Some(document.revision());
        }
        if self.bidi_made_for.1 != document.direction {
            // Another direction: every block is laid out and measured anew.
            self.bidi_cache.clear();
            self.bidi_made_for.1 = document.direction;
            self.measured.iter_mut().for_each(|m| *m = false);
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
        if let Some(target) = self.take_navigation(document, available.y) {
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
                    let laid = self.layout(ui, document, index);
                    let height = self.measured_height(index, &laid);
                    if !self.measured[index] {
                        self.measured[index] = true;
                        if (self.heights.get(index) - height).abs() > 0.25 {
                            self.heights.set(index, height);
                            remeasured = true;
                        }
                    }
                    self.placed.push(PlacedBlock { index, origin: egui::pos2(left, top + block_top), laid });
                    index += 1;
                }
                // Keep the bidi layouts of the blocks around the screen only: scrolling through a
                // long right-to-left document must not keep every block it passed.
                if self.bidi_cache.len() > BIDI_CACHE_BLOCKS {
                    let keep = first.saturating_sub(BIDI_CACHE_BLOCKS / 4)..index + BIDI_CACHE_BLOCKS / 4;
                    self.bidi_cache.retain(|i, _| keep.contains(i));
                }
                if remeasured {
                    // Positions changed: paint the settled layout next frame.
                    ui.ctx().request_repaint();
                }
            }
            self.handle_pointer(ui, &response, document, selected_annotation, hidden_labels, &mut output);
            self.hovered_annotation = response
                .hover_pos()
                .and_then(|p| self.char_under(p))
                .and_then(|o| self.annotations_at(document, o, hidden_labels).first().map(|a| a.id));
            self.paint(ui, document, codebook, selected_annotation, hidden_labels);
            self.paint_relations(ui, document, codebook, selected_annotation, hidden_labels);
            self.memo_marks_ui(ui, document, codebook, hidden_labels, &mut output);
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
                anchor.within_block = Some(placed.laid.row_top(local));
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
}
