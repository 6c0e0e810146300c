//! From the pointer to the text: which character is under it, which annotations cover it, and
//! what a click, double-click, drag or shift-click selects.

use egui::{Pos2, vec2};

use super::arcs::HandleKind;
use super::{DocView, DocViewOutput};
use crate::model::editing::{Selection, word_at};
use crate::model::{Annotation, Document, ItemId};

impl DocView {
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
    pub(super) fn annotations_at<'d>(
        &self,
        document: &'d Document,
        offset: usize,
        hidden: &dyn Fn(&Annotation) -> bool,
    ) -> Vec<&'d Annotation> {
        let mut hits: Vec<&Annotation> = self
            .span_index
            .overlapping(&document.annotations, offset..offset + 1)
            .into_iter()
            .filter(|a| a.covers(offset) && !hidden(a))
            .collect();
        hits.sort_by_key(|a| a.end() - a.start());
        hits
    }

    pub(super) fn handle_pointer(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        document: &Document,
        selected: Option<ItemId>,
        hidden: &dyn Fn(&Annotation) -> bool,
        output: &mut DocViewOutput,
    ) {
        let (shift, alt, ctrl) = ui.input(|i| (i.modifiers.shift, i.modifiers.alt, i.modifiers.command));
        let selected = selected.and_then(|id| document.annotation(id));
        if let (Some(annotation), Some(pos)) = (selected, response.hover_pos()) {
            match self.handle_at(annotation, pos) {
                Some(HandleKind::Boundary(_)) => ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal),
                Some(HandleKind::Relate) => ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair),
                None => {}
            }
        }
        if self.boundary_drag.is_some() || self.relation_drag {
            self.drag_handle(ui, response, document, hidden, output);
            return;
        }
        // Selections snap to whole words unless Alt is held (for sub-word precision).
        let snap = !ui.input(|i| i.modifiers.alt);
        if response.double_clicked() {
            if let Some(offset) = response.interact_pointer_pos().and_then(|p| self.char_at(p)) {
                let word = word_at(document, offset);
                if !word.is_empty() {
                    self.selection = Some(Selection::of_range(word));
                }
            }
            return;
        }
        // The drag is recognised only after the pointer has moved; it starts where it was pressed.
        let press_origin = ui.input(|i| i.pointer.press_origin());
        if response.drag_started()
            && let (Some(annotation), Some(origin)) = (selected, press_origin)
            && let Some(handle) = self.handle_at(annotation, origin)
        {
            match handle {
                HandleKind::Boundary(boundary) => self.boundary_drag = Some(boundary),
                HandleKind::Relate => self.relation_drag = true,
            }
            self.drag_handle(ui, response, document, hidden, output);
            return;
        }
        if response.drag_started()
            && let Some(offset) = press_origin.or(response.interact_pointer_pos()).and_then(|p| self.char_at(p))
        {
            // Ctrl+drag with an annotation selected adds a fragment to it.
            self.fragment_drag = ctrl && selected.is_some();
            if shift && let Some(selection) = self.selection {
                self.selection = Some(extend(document, selection.anchor, offset, snap));
                self.drag_anchor = Some(selection.anchor);
            } else {
                self.drag_anchor = Some(offset);
                self.selection = Some(Selection::caret(offset));
            }
        }
        if response.dragged()
            && let (Some(anchor), Some(pos)) = (self.drag_anchor, response.interact_pointer_pos())
        {
            if let Some(offset) = self.char_at(pos) {
                self.selection = Some(extend(document, anchor, offset, snap));
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
            if std::mem::take(&mut self.fragment_drag) {
                output.add_fragment = self.selected_range();
            }
        }
        if response.clicked()
            && let Some(offset) = response.interact_pointer_pos().and_then(|p| self.char_at(p))
        {
            if shift && let Some(selection) = self.selection {
                self.selection = Some(extend(document, selection.anchor, offset, snap));
                return;
            }
            self.selection = None;
            // Only what is painted can be clicked: a hidden label's annotation is not hit.
            let hits = self.annotations_at(document, offset, hidden);
            if alt && let (Some(from), Some(target)) = (selected, hits.first()) {
                // Alt+click: relate the selected annotation to the one clicked.
                if target.id != from.id {
                    output.relate_to = Some(target.id);
                    return;
                }
            }
            if let Some(relating) = &mut self.relating {
                // While relating, a click picks the target.
                if let Some(target) = hits.iter().find(|a| a.id != relating.from) {
                    output.relate_to = Some(target.id);
                }
                return;
            }
            match hits.first() {
                Some(a) => output.clicked_annotation = Some(a.id),
                None => {
                    output.clicked_empty = true;
                    self.selection = Some(Selection::caret(offset));
                }
            }
        }
    }
}

impl DocView {
    /// A drag that began on a handle of the selected annotation: a boundary follows the
    /// pointer's character (applied on release); the relation handle links to what it is
    /// dropped on.
    fn drag_handle(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        document: &Document,
        hidden: &dyn Fn(&Annotation) -> bool,
        output: &mut DocViewOutput,
    ) {
        let pos = response.interact_pointer_pos().or(ui.ctx().pointer_latest_pos());
        if let Some(boundary) = self.boundary_drag {
            ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
            if let Some(offset) = pos.and_then(|p| self.char_at(p)) {
                // Show where the boundary will go as a caret.
                self.selection = Some(Selection::caret(offset));
                if response.drag_stopped() {
                    let snap = !ui.input(|i| i.modifiers.alt);
                    output.move_boundary = Some((boundary, offset, snap));
                }
            }
        }
        if self.relation_drag && response.drag_stopped() {
            let target = pos
                .and_then(|p| self.char_at(p))
                .and_then(|o| self.annotations_at(document, o, hidden).first().map(|a| a.id));
            output.relate_to = target;
        }
        if response.drag_stopped() || !response.dragged() && !response.drag_started() {
            self.boundary_drag = None;
            self.relation_drag = false;
            self.selection = None;
        }
    }
}

/// The selection from `anchor` to `head`, snapped to whole words unless `snap` is off (Alt held).
fn extend(document: &Document, anchor: usize, head: usize, snap: bool) -> Selection {
    let selection = Selection::new(anchor, head);
    if snap { selection.snapped_to_words(document) } else { selection }
}
