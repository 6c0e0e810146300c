//! Right-to-left and mixed paragraphs: laid out item by item (see [`crate::model::bidi`]), each
//! item shaped by egui on its own and placed where the bidi algorithm puts it.
//!
//! egui shapes Arabic and Hebrew words (its shaper guesses their direction and returns their
//! glyphs in visual order) but places the pieces of a line from left to right, and it counts the
//! glyphs of a right-to-left piece wrongly (it adds zero-width ones), so a galley of a whole
//! Persian paragraph can be used neither for its order nor for its cursor positions. Here every
//! piece is a galley of its own whose characters' widths are read back from its glyphs, and the
//! geometry (lines, order, hit-testing, rectangles) is [`ParagraphLayout`]'s.
//!
//! Blocks without any right-to-left character (in a document not forced to right to left) never
//! come here: they stay one egui galley ([`Laid::Plain`]).

use std::sync::Arc;

use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{Color32, Galley, Painter, Pos2, Rect, Vec2, pos2};

use super::{FONT_SIZE, ROW_HEIGHT};
use crate::model::bidi::{self, Direction, ParagraphLayout};

/// A block laid out with bidi: its geometry and one galley per item.
pub(super) struct BidiBlock {
    pub(super) layout: ParagraphLayout,
    galleys: Vec<Arc<Galley>>,
}

/// How a block was laid out.
#[derive(Clone)]
pub(super) enum Laid {
    /// One egui galley (left-to-right text).
    Plain(Arc<Galley>),
    /// Item by item, in visual order.
    Bidi(Arc<BidiBlock>),
}

/// Lays out `text` (one block) as a paragraph running in `direction`, wrapped at `wrap_width`.
pub(super) fn lay_out(
    painter: &Painter,
    text: &str,
    direction: Direction,
    wrap_width: f32,
    format: &TextFormat,
) -> BidiBlock {
    let items = bidi::items(text, direction);
    let mut galleys = Vec::with_capacity(items.len());
    let mut advances = Vec::with_capacity(items.len());
    for item in &items {
        let piece = &text[item.bytes.clone()];
        let shown: String = if item.is_rtl() && item.single_grapheme {
            piece.chars().map(|c| bidi::mirrored(c).unwrap_or(c)).collect()
        } else {
            piece.to_owned()
        };
        let galley = painter.layout_job(LayoutJob::single_section(shown, format.clone()));
        let count = item.chars.len();
        let width = galley.size().x;
        let glyphs: Vec<(char, f32, f32)> =
            galley.rows.iter().flat_map(|row| row.glyphs.iter().map(|g| (g.chr, g.pos.x, g.advance_width))).collect();
        let widths = if item.single_grapheme {
            let mut widths = vec![0.0; count];
            widths[0] = width;
            widths
        } else if item.shaped_rtl(text) {
            let chars: Vec<char> = piece.chars().collect();
            let pairs: Vec<(char, f32)> = glyphs.iter().map(|&(c, _, w)| (c, w)).collect();
            scaled(bidi::rtl_advances(&chars, &pairs), width)
        } else if glyphs.len() == count {
            // Left to right, one glyph per character: each character up to the next one's glyph.
            (0..count).map(|k| glyphs.get(k + 1).map_or(width, |g| g.1) - glyphs[k].1).collect()
        } else {
            vec![width / count as f32; count]
        };
        advances.push(widths);
        galleys.push(galley);
    }
    BidiBlock { layout: ParagraphLayout::new(direction, items, advances, wrap_width), galleys }
}

/// `widths` scaled so that they add up to `total` (the galley's width).
fn scaled(mut widths: Vec<f32>, total: f32) -> Vec<f32> {
    let sum: f32 = widths.iter().sum();
    if sum > 0.0 {
        widths.iter_mut().for_each(|w| *w *= total / sum);
    }
    widths
}

fn line_rect(line: usize, x0: f32, x1: f32) -> Rect {
    let top = line as f32 * ROW_HEIGHT;
    Rect::from_min_max(pos2(x0, top), pos2(x1, top + FONT_SIZE * 1.3))
}

impl Laid {
    /// Height of the laid-out text (without the paragraph gap).
    pub(super) fn height(&self) -> f32 {
        match self {
            Self::Plain(galley) => galley.size().y,
            Self::Bidi(block) => block.layout.lines.len() as f32 * ROW_HEIGHT,
        }
    }

    /// Rectangles (block-local, text height) covering local chars `range`, one per visually
    /// contiguous piece.
    pub(super) fn rects(&self, range: std::ops::Range<usize>) -> Vec<Rect> {
        match self {
            Self::Plain(galley) => super::DocView::range_rects(galley, range),
            Self::Bidi(block) => {
                block.layout.stretches(range).into_iter().map(|s| line_rect(s.line, s.x0, s.x1)).collect()
            }
        }
    }

    /// The caret position (local chars) nearest to a block-local point.
    pub(super) fn cursor_at(&self, local: Vec2) -> usize {
        match self {
            Self::Plain(galley) => galley.cursor_from_pos(local).index.0,
            Self::Bidi(block) => {
                let lines = block.layout.lines.len();
                let line = ((local.y / ROW_HEIGHT).floor().max(0.0) as usize).min(lines - 1);
                block.layout.cursor_at(line, local.x)
            }
        }
    }

    /// The character under a block-local point (local chars; the nearest one on that row when
    /// the point is beside the text, the block's length when it is empty).
    pub(super) fn char_under(&self, local: Vec2) -> usize {
        match self {
            Self::Plain(galley) => {
                let cursor = galley.cursor_from_pos(local).index.0;
                // The nearest boundary may be after the character under the point.
                let x = galley.pos_from_cursor(CCursor::new(cursor)).min.x;
                if cursor > 0 && local.x < x { cursor - 1 } else { cursor }
            }
            Self::Bidi(block) => {
                let lines = block.layout.lines.len();
                let line = ((local.y / ROW_HEIGHT).floor().max(0.0) as usize).min(lines - 1);
                block.layout.char_at(line, local.x).unwrap_or(block.layout.char_count)
            }
        }
    }

    /// The rectangle of local char `offset` (block-local); for the end of the block, a thin one
    /// after the last character.
    pub(super) fn char_rect(&self, offset: usize) -> Rect {
        match self {
            Self::Plain(galley) => {
                let a = galley.pos_from_cursor(CCursor::new(offset));
                let b = galley.pos_from_cursor(CCursor::new(offset + 1));
                let right = if (b.min.y - a.min.y).abs() < 0.5 { b.min.x } else { a.min.x + 6.0 };
                Rect::from_min_max(pos2(a.min.x, a.min.y), pos2(right, a.min.y + FONT_SIZE * 1.3))
            }
            Self::Bidi(block) => match block.layout.stretches(offset..offset + 1).first() {
                Some(s) => line_rect(s.line, s.x0, s.x1.max(s.x0 + 1.0)),
                None => {
                    let line = block.layout.lines.len() - 1;
                    let x = match block.layout.direction {
                        Direction::Ltr => block.layout.lines[line].right(),
                        Direction::Rtl => block.layout.lines[line].left() - 6.0,
                    };
                    line_rect(line, x, x + 6.0)
                }
            },
        }
    }

    /// Whether local char `offset` is drawn right to left.
    pub(super) fn is_rtl_at(&self, offset: usize) -> bool {
        match self {
            Self::Plain(_) => false,
            Self::Bidi(block) => {
                let items = &block.layout.items;
                let i = items.partition_point(|item| item.chars.end <= offset);
                items.get(i).is_some_and(|item| item.is_rtl())
            }
        }
    }

    /// Top of the row holding local char `offset`.
    pub(super) fn row_top(&self, offset: usize) -> f32 {
        match self {
            Self::Plain(galley) => galley.pos_from_cursor(CCursor::new(offset)).min.y,
            Self::Bidi(block) => block.layout.line_of(offset) as f32 * ROW_HEIGHT,
        }
    }

    /// Paints the text with its top-left at `origin`.
    pub(super) fn paint(&self, painter: &Painter, origin: Pos2, color: Color32) {
        match self {
            Self::Plain(galley) => painter.galley(origin, galley.clone(), color),
            Self::Bidi(block) => {
                let clip = painter.clip_rect();
                for (index, line) in block.layout.lines.iter().enumerate() {
                    let top = origin.y + index as f32 * ROW_HEIGHT;
                    if top > clip.max.y || top + ROW_HEIGHT < clip.min.y {
                        continue;
                    }
                    for placed in &line.placed {
                        let galley = &block.galleys[placed.item];
                        painter.galley(pos2(origin.x + placed.x, top), galley.clone(), color);
                    }
                }
            }
        }
    }
}
