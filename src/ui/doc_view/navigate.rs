//! Moving through the document: jumps that keep a character at a fixed place on screen while
//! the heights around it settle from estimates to measurements (a scroll *anchor*), and paging.

use super::{DocView, MARGIN, ROW_HEIGHT};
use crate::model::Document;

/// Keeps a char offset at a fixed distance below the top of the view while heights settle.
#[derive(Clone, Copy, Debug)]
pub(super) struct ScrollAnchor {
    pub(super) offset: usize,
    pub(super) below_top: f32,
    /// y of the offset's row inside its block, once the block has been laid out.
    pub(super) within_block: Option<f32>,
    /// Frames left to settle.
    pub(super) frames: u8,
}

impl ScrollAnchor {
    pub(super) fn new(offset: usize, below_top: f32) -> Self {
        Self { offset, below_top, within_block: None, frames: 4 }
    }
}

/// A move through the document asked for by a command (a key or a menu).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Navigation {
    PageDown,
    PageUp,
    Start,
    End,
}

impl DocView {
    /// Moves through the document at the next frame.
    pub fn navigate(&mut self, navigation: Navigation) {
        self.navigation = Some(navigation);
    }

    /// Does the move asked for, if any: returns a new scroll offset, or sets an anchor (End).
    pub(super) fn take_navigation(&mut self, document: &Document, view_height: f32) -> Option<f32> {
        let page = (view_height - ROW_HEIGHT * 2.0).max(ROW_HEIGHT);
        match self.navigation.take()? {
            Navigation::PageDown => Some(self.scroll_y + page),
            Navigation::PageUp => Some(self.scroll_y - page),
            Navigation::Start => {
                self.scroll_to = None;
                Some(0.0)
            }
            Navigation::End => {
                // The end of the text, near the bottom of the view; settles as the last blocks
                // are measured.
                self.anchor = Some(ScrollAnchor::new(document.char_len(), view_height - ROW_HEIGHT * 3.0));
                None
            }
        }
    }

    pub(super) fn anchor_target(&self, anchor: ScrollAnchor, max_offset: f32) -> f32 {
        let block = self.block_of_char(anchor.offset);
        let y = self.heights.top(block) as f32 + anchor.within_block.unwrap_or(0.0);
        (y + MARGIN - anchor.below_top).clamp(0.0, max_offset)
    }
}
