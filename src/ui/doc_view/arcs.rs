//! Relations drawn over the text, and the handles of the selected annotation.
//!
//! A relation whose two ends are both on screen is an arc above the text from source to target,
//! with an arrow head when its type is directed; one whose other end is off screen is an arrow to the top or bottom edge,
//! naming the other end. Only relations touching an annotation on screen are looked at (the
//! document keeps its relations indexed by annotation, updated by each edit:
//! `Document::relations_of`), so the cost follows the screen, not the project, and an edit does
//! not re-index 50,000 relations. Labels are written on the arcs of the selected or hovered annotation
//! (and on all of them when few are on screen); hovering an annotation outlines both ends of its
//! relations and every fragment of it.

use std::collections::HashMap;

use egui::{Color32, FontId, Pos2, Rect, Shape, Stroke, pos2, vec2};

use super::DocView;
use crate::model::{Annotation, Boundary, Codebook, Document, ItemId, Name, Relation};

/// A relation being made from the keyboard: its source and the target picked so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Relating {
    pub from: ItemId,
    pub target: Option<ItemId>,
}

/// Below this many relations on screen every arc carries its type.
const LABEL_ALL_BELOW: usize = 7;

/// What is known of relation ends off screen, for a document revision (emptied when it
/// changes: small, filled only for the ends met while drawing).
#[derive(Default)]
pub(super) struct RelationIndex {
    /// Ends looked up while off screen: (start, label, text excerpt).
    far_ends: HashMap<ItemId, (usize, Name, String)>,
}

/// Where the selected annotation's handles are on screen.
#[derive(Clone, Copy, Debug)]
pub struct Handles {
    pub start: Rect,
    pub end: Rect,
    /// Drag from here to another annotation to relate them.
    pub relate: Rect,
}

/// A colour per relation type (by its place in the codebook).
fn relation_color(codebook: &Codebook, kind: &str) -> Color32 {
    const PALETTE: [Color32; 6] = [
        Color32::from_rgb(70, 90, 200),
        Color32::from_rgb(190, 60, 140),
        Color32::from_rgb(40, 140, 80),
        Color32::from_rgb(200, 110, 20),
        Color32::from_rgb(120, 70, 180),
        Color32::from_rgb(30, 130, 150),
    ];
    let index = codebook.relation_types.iter().position(|t| t.id == kind).unwrap_or(0);
    PALETTE[index % PALETTE.len()]
}

impl DocView {
    /// Screen rectangles of an annotation's fragments painted this frame.
    pub(super) fn annotation_rects(&self, annotation: &Annotation) -> Vec<Rect> {
        let mut rects = Vec::new();
        for placed in &self.placed {
            let block = &self.blocks[placed.index];
            for fragment in &annotation.fragments {
                let a = fragment.start.max(block.chars.start);
                let b = fragment.end.min(block.chars.end);
                if a < b {
                    let local = a - block.chars.start..b - block.chars.start;
                    rects.extend(placed.laid.rects(local).into_iter().map(|r| r.translate(placed.origin.to_vec2())));
                }
            }
        }
        rects
    }

    /// The point arcs start from: the top middle of the annotation's first rectangle on screen.
    fn anchor_of(&self, annotation: &Annotation) -> Option<Pos2> {
        let rect = self.annotation_rects(annotation).into_iter().find(|r| self.viewport.intersects(*r))?;
        Some(pos2(rect.center().x.min(rect.left() + 40.0), rect.top()))
    }

    /// The selected annotation's boundary and relation handles, when its ends are on screen.
    pub fn handles(&self, annotation: &Annotation) -> Option<Handles> {
        let first = self.char_rect(annotation.start())?;
        let last = self.char_rect(annotation.end().checked_sub(1)?)?;
        // In right-to-left text an annotation starts at its first character's right edge and
        // ends at its last character's left edge.
        let rtl = self.char_is_rtl(annotation.start());
        let (start_x, end_x, outward) =
            if rtl { (first.right(), last.left(), -9.0) } else { (first.left(), last.right(), 9.0) };
        let start = Rect::from_center_size(pos2(start_x, first.center().y), vec2(8.0, first.height() + 6.0));
        let end = Rect::from_center_size(pos2(end_x, last.center().y), vec2(8.0, last.height() + 6.0));
        let relate = Rect::from_center_size(pos2(end_x + outward, last.top() - 5.0), vec2(14.0, 14.0));
        Some(Handles { start, end, relate })
    }

    /// Which handle of the selected annotation is at `pos`.
    pub(super) fn handle_at(&self, annotation: &Annotation, pos: Pos2) -> Option<HandleKind> {
        let handles = self.handles(annotation)?;
        if handles.relate.expand(2.0).contains(pos) {
            Some(HandleKind::Relate)
        } else if handles.start.expand(2.0).contains(pos) {
            Some(HandleKind::Boundary(Boundary::Start))
        } else if handles.end.expand(2.0).contains(pos) {
            Some(HandleKind::Boundary(Boundary::End))
        } else {
            None
        }
    }

    /// Draws the relations touching the visible annotations, the selected annotation's handles,
    /// fragment links and the relation being made.
    pub(super) fn paint_relations(
        &mut self,
        ui: &egui::Ui,
        document: &Document,
        codebook: &Codebook,
        selected: Option<ItemId>,
        hidden: &dyn Fn(&Annotation) -> bool,
    ) {
        let (Some(first), Some(last)) = (self.placed.first(), self.placed.last()) else { return };
        let visible_chars = self.blocks[first.index].chars.start..self.blocks[last.index].chars.end.max(1);
        let visible: HashMap<ItemId, &Annotation> =
            document.overlapping(visible_chars.clone()).into_iter().filter(|a| !hidden(a)).map(|a| (a.id, a)).collect();
        let mut relations: Vec<&Relation> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for id in visible.keys() {
            for relation in document.relations_of(*id) {
                if seen.insert(relation.id) {
                    relations.push(relation);
                }
            }
        }
        relations.sort_by_key(|r| r.id);
        let painter = ui.painter().with_clip_rect(self.viewport);
        let text_color = ui.visuals().strong_text_color();
        let background = ui.visuals().extreme_bg_color;
        let focus = [selected, self.hovered_annotation];
        let label_all = relations.len() < LABEL_ALL_BELOW;
        for relation in relations {
            let highlighted = focus.iter().flatten().any(|id| *id == relation.from || *id == relation.to);
            let color = relation_color(codebook, &relation.kind);
            let color = if highlighted { color } else { color.gamma_multiply(0.45) };
            let width = if highlighted { 2.0 } else { 1.2 };
            let relation_type = codebook.relation_type(&relation.kind);
            let name = relation_type.map_or(relation.kind.as_str(), |t| t.name.as_str());
            let directed = relation_type.is_none_or(|t| t.directed);
            let from = visible.get(&relation.from).and_then(|a| self.anchor_of(a));
            let to = visible.get(&relation.to).and_then(|a| self.anchor_of(a));
            match (from, to) {
                (Some(a), Some(b)) => {
                    let mid = arc(&painter, a, b, Stroke::new(width, color), directed);
                    if highlighted || label_all {
                        tag(&painter, mid, name, color, background);
                    }
                }
                (Some(here), None) | (None, Some(here)) => {
                    let outgoing = from.is_some();
                    let other = if outgoing { relation.to } else { relation.from };
                    let Some((start, label, text)) = self.far_end(document, other) else { continue };
                    let up = start < visible_chars.start || start < self.char_at(here).unwrap_or(0);
                    let edge_y = if up { self.viewport.top() + 2.0 } else { self.viewport.bottom() - 2.0 };
                    let edge = pos2(here.x + 14.0, edge_y);
                    let points = vec![here, pos2(here.x + 14.0, here.y - 8.0), edge];
                    painter.add(Shape::line(points, Stroke::new(width, color)));
                    arrow_head(&painter, pos2(here.x + 14.0, here.y - 8.0), edge, Stroke::new(width, color));
                    if highlighted || label_all {
                        let label = codebook.label(&label).map_or(label.as_str(), |l| l.name.as_str());
                        let arrow = match (directed, outgoing) {
                            (false, _) => "—",
                            (true, true) => "→",
                            (true, false) => "←",
                        };
                        let text = format!("{name} {arrow} {label}: {text} {}", if up { "↑" } else { "↓" });
                        let at = pos2(here.x + 18.0, if up { here.y - 24.0 } else { here.y - 14.0 });
                        tag(&painter, at, &text, color, background);
                    }
                }
                (None, None) => {}
            }
            if highlighted {
                for id in [relation.from, relation.to] {
                    if let Some(annotation) = visible.get(&id) {
                        for rect in self.annotation_rects(annotation) {
                            painter.rect_stroke(
                                rect.expand(2.0),
                                2.0,
                                Stroke::new(1.0, color),
                                egui::StrokeKind::Outside,
                            );
                        }
                    }
                }
            }
        }
        // Fragments of the selected or hovered annotation are linked.
        for id in focus.iter().flatten() {
            if let Some(annotation) = visible.get(id).filter(|a| a.fragments.len() > 1) {
                let color = super::label_color(codebook, &annotation.label);
                let rects = self.annotation_rects(annotation);
                for rect in &rects {
                    painter.rect_stroke(rect.expand(1.5), 2.0, Stroke::new(1.5, color), egui::StrokeKind::Outside);
                }
                let ends: Vec<(Pos2, Pos2)> = annotation
                    .fragments
                    .windows(2)
                    .filter_map(|pair| {
                        let a = self.char_rect(pair[0].end - 1)?;
                        let b = self.char_rect(pair[1].start)?;
                        Some((a.right_bottom(), b.left_bottom()))
                    })
                    .collect();
                for (a, b) in ends {
                    let dip = pos2((a.x + b.x) / 2.0, a.y.max(b.y) + 10.0);
                    painter.add(Shape::dashed_line(&[a, dip, b], Stroke::new(1.5, color), 4.0, 3.0));
                }
            }
        }
        self.paint_handles(ui, &painter, codebook, selected, &visible, text_color);
    }

    #[allow(clippy::too_many_arguments)]
    fn paint_handles(
        &self,
        ui: &egui::Ui,
        painter: &egui::Painter,
        codebook: &Codebook,
        selected: Option<ItemId>,
        visible: &HashMap<ItemId, &Annotation>,
        text_color: Color32,
    ) {
        if let Some(relating) = self.relating {
            let from = visible.get(&relating.from).and_then(|a| self.anchor_of(a));
            let target = relating.target.and_then(|id| visible.get(&id));
            let to = target.and_then(|a| self.anchor_of(a)).or_else(|| ui.ctx().pointer_hover_pos());
            if let (Some(a), Some(b)) = (from, to) {
                let stroke = Stroke::new(2.0, ui.visuals().selection.stroke.color);
                arc(painter, a, b, stroke, true);
            }
            if let Some(target) = target {
                for rect in self.annotation_rects(target) {
                    painter.rect_stroke(rect.expand(2.5), 2.0, Stroke::new(2.5, text_color), egui::StrokeKind::Outside);
                }
            }
        }
        if self.relation_drag
            && let (Some(annotation), Some(pointer)) =
                (selected.and_then(|id| visible.get(&id)), ui.ctx().pointer_latest_pos())
            && let Some(a) = self.anchor_of(annotation)
        {
            arc(painter, a, pointer, Stroke::new(2.0, ui.visuals().selection.stroke.color), true);
        }
        let Some(annotation) = selected.and_then(|id| visible.get(&id).copied()) else { return };
        let Some(handles) = self.handles(annotation) else { return };
        let color = super::label_color(codebook, &annotation.label);
        for rect in [handles.start, handles.end] {
            painter.rect_filled(rect.shrink2(vec2(2.5, 0.0)), 1.5, color);
        }
        painter.circle(handles.relate.center(), 5.5, ui.visuals().extreme_bg_color, Stroke::new(2.0, color));
        painter.circle_filled(handles.relate.center(), 2.0, color);
    }

    /// Start, label and text of an annotation off screen (looked up once per revision).
    fn far_end(&mut self, document: &Document, id: ItemId) -> Option<(usize, Name, String)> {
        if let Some(found) = self.relation_index.far_ends.get(&id) {
            return Some(found.clone());
        }
        let annotation = document.annotation(id)?;
        let found = (annotation.start(), annotation.label.clone(), super::excerpt(&annotation.text(), 32));
        self.relation_index.far_ends.insert(id, found.clone());
        Some(found)
    }
}

/// What a press on a handle starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum HandleKind {
    Boundary(Boundary),
    Relate,
}

/// An arc above the text from `a` to `b`, with an arrow head at `b` when `directed`; returns its
/// highest point (where its label goes).
fn arc(painter: &egui::Painter, a: Pos2, b: Pos2, stroke: Stroke, directed: bool) -> Pos2 {
    let height = 12.0 + ((b.x - a.x).abs() / 8.0).min(26.0) + ((b.y - a.y).abs() / 10.0).min(10.0);
    // Never above the text area, where the arc would be cut off.
    let top = (a.y.min(b.y) - height).max(painter.clip_rect().top() + 12.0);
    let c1 = pos2(a.x + (b.x - a.x) * 0.15, top);
    let c2 = pos2(b.x - (b.x - a.x) * 0.15, top);
    let curve = egui::epaint::CubicBezierShape::from_points_stroke([a, c1, c2, b], false, Color32::TRANSPARENT, stroke);
    let mid = curve.sample(0.5);
    let near_end = curve.sample(0.9);
    painter.add(curve);
    if directed {
        arrow_head(painter, near_end, b, stroke);
    }
    mid
}

fn arrow_head(painter: &egui::Painter, from: Pos2, tip: Pos2, stroke: Stroke) {
    let direction = (tip - from).normalized();
    if !direction.is_finite() {
        return;
    }
    let side = vec2(-direction.y, direction.x);
    let back = tip - direction * 7.0;
    painter.add(Shape::convex_polygon(vec![tip, back + side * 3.5, back - side * 3.5], stroke.color, Stroke::NONE));
}

/// A small label with a background, centred on `at`.
fn tag(painter: &egui::Painter, at: Pos2, text: &str, color: Color32, background: Color32) {
    let galley = painter.layout_no_wrap(text.to_owned(), FontId::proportional(11.0), color);
    let rect = Rect::from_center_size(at, galley.size() + vec2(6.0, 2.0));
    painter.rect_filled(rect, 3.0, background.gamma_multiply(0.9));
    painter.rect_stroke(rect, 3.0, Stroke::new(0.8, color), egui::StrokeKind::Inside);
    painter.galley(rect.min + vec2(3.0, 1.0), galley, color);
}
