//! Coding beyond one span: relations (made with the keyboard, Alt+click or a drag from the
//! handle), extra fragments, dragged boundaries, moving between annotations, extending the
//! selection from the keyboard, the command palette and "tag all occurrences". The rules are in
//! `model::relating`; this turns them into session edits.

use std::ops::Range;

use crate::edit::Edit;
use crate::model::editing::Boundary;
use crate::model::relating::{self, MatchOptions};
use crate::model::{Annotator, ItemId, now, slug};
use crate::settings::system_user_name;
use crate::ui::commands::Command;
use crate::ui::dialogs::{CommandPalette, Dialog, NamePrompt, RelationChooser, TagAllDialog};
use crate::ui::doc_view::Relating;

impl super::SpanwiseApp {
    /// Runs the commands of this group; gives back any other command.
    pub(super) fn run_coding_command(&mut self, command: Command) -> Option<Command> {
        match command {
            Command::StartRelation => self.start_relation(),
            Command::ConfirmRelation => self.confirm_relation(),
            Command::RelateTo(target) => self.relate_to(target),
            Command::CreateRelation { from, to, kind } => self.create_relation(from, to, &kind),
            Command::RetypeRelation { id, kind } => self.retype_relation(id, &kind),
            Command::DeleteRelation(id) => {
                if let Some(document) = self.current_document.clone() {
                    let _ = self.session.apply(Edit::RemoveRelation { document, id });
                }
            }
            Command::NextAnnotation => self.step_annotation(true),
            Command::PreviousAnnotation => self.step_annotation(false),
            Command::ExtendSelection { forward, by_word } => self.extend_selection(forward, by_word),
            Command::AddFragment(range) => self.add_fragment(range),
            Command::MoveBoundary { boundary, offset, snap } => self.move_boundary(boundary, offset, snap),
            Command::CommandPalette => self.show_dialog(Dialog::Palette(CommandPalette::default())),
            Command::TagAll => self.show_tag_all(),
            Command::TagRanges { label, ranges } => self.tag_ranges(&label, ranges),
            other => return self.run_classroom_command(other),
        }
        None
    }

    /// The user as an annotator, or `None` (and the name prompt) when they have not given a name.
    fn me(&mut self) -> Option<Annotator> {
        if self.settings.annotator_name.trim().is_empty() {
            self.show_dialog(Dialog::AnnotatorName(NamePrompt::new("", &system_user_name())));
            return None;
        }
        Some(Annotator {
            id: slug(&self.settings.annotator_name),
            name: self.settings.annotator_name.trim().to_owned(),
        })
    }

    fn start_relation(&mut self) {
        let Some(from) = self.selected_annotation else {
            self.status = Some("Select the annotation the relation starts from, then press R".into());
            return;
        };
        if self.project().codebook.relation_types.is_empty() {
            self.status = Some("The codebook has no relation types".into());
            return;
        }
        if let Some(view) = &mut self.view {
            view.relating = Some(Relating { from, target: None });
            self.status = Some(
                "Relate: pick the target with Tab or the arrow keys (or Alt+click it), Enter links, Esc cancels".into(),
            );
        }
    }

    fn confirm_relation(&mut self) {
        let Some(relating) = self.view.as_mut().and_then(|v| v.relating.take()) else {
            return;
        };
        match relating.target {
            Some(target) => {
                self.selected_annotation = Some(relating.from);
                self.relate_to(target);
            }
            None => {
                self.status = Some("No target picked: press Tab to pick one".into());
                if let Some(view) = &mut self.view {
                    view.relating = Some(relating);
                }
            }
        }
    }

    /// Relates the selected annotation to `target`: at once when the codebook allows one type,
    /// with a chooser when it allows several.
    fn relate_to(&mut self, target: ItemId) {
        if let Some(view) = &mut self.view {
            view.relating = None;
        }
        let (Some(document), Some(from)) = (self.document(), self.selected_annotation) else {
            return;
        };
        let (Some(source), Some(goal)) = (document.annotation(from), document.annotation(target)) else {
            return;
        };
        if from == target {
            self.status = Some("A relation links two different annotations".into());
            return;
        }
        let codebook = &self.project().codebook;
        let types = relating::allowed_relation_types(codebook, &source.label, &goal.label);
        let name = |label: &str| codebook.label(label).map_or(label.to_owned(), |l| l.name.clone());
        match types.as_slice() {
            [] => {
                self.status =
                    Some(format!("The codebook has no relation from {} to {}", name(&source.label), name(&goal.label)));
            }
            [only] => {
                let kind = only.id.clone();
                self.create_relation(from, target, &kind);
            }
            several => {
                let choices = several.iter().map(|t| (t.id.clone(), t.name.clone())).collect();
                let chooser = RelationChooser::new(from, target, choices, source.text(), goal.text());
                self.show_dialog(Dialog::RelationType(chooser));
            }
        }
    }

    fn create_relation(&mut self, from: ItemId, to: ItemId, kind: &str) {
        let (Some(document), Some(annotator)) = (self.current_document.clone(), self.me()) else {
            return;
        };
        let id = self.session.fresh_id();
        let relation = relating::new_relation(id, kind, from, to, &annotator.id, now());
        let mut edits = Vec::new();
        if self.project().annotator(&annotator.id).is_none() {
            edits.push(Edit::AddAnnotator(annotator));
        }
        edits.push(Edit::AddRelation { document, relation });
        if self.session.apply(Edit::Batch(edits)).is_ok() {
            let name = self.project().codebook.relation_type(kind).map_or(kind.to_owned(), |t| t.name.clone());
            self.status = Some(format!("Linked: {name}"));
        }
    }

    fn retype_relation(&mut self, id: ItemId, kind: &str) {
        let Some(document) = self.current_document.clone() else { return };
        let Some(mut relation) = self.document().and_then(|d| d.relation(id)).cloned() else { return };
        if relation.kind == kind {
            return;
        }
        relation.kind = kind.into();
        relation.modified = now();
        let _ = self.session.apply(Edit::UpdateRelation { document, relation });
    }

    /// Tab / Shift+Tab: the next annotation (or, while relating, the next target), scrolled to.
    fn step_annotation(&mut self, forward: bool) {
        let Some(document) = self.document() else { return };
        let filter = self.layer_filter(document);
        let relating = self.view.as_ref().and_then(|v| v.relating);
        let current = match relating {
            Some(r) => r.target.or(Some(r.from)),
            None => self.selected_annotation,
        };
        let skip = relating.map(|r| r.from);
        let visible = |a: &crate::model::Annotation| !filter.hides(a) && Some(a.id) != skip;
        let Some(next) = relating::neighbour(&document.annotations, current, forward, &visible) else {
            return;
        };
        let start = document.annotation(next).map(|a| a.start());
        if let Some(view) = &mut self.view {
            match &mut view.relating {
                Some(r) => r.target = Some(next),
                None => self.selected_annotation = Some(next),
            }
            if let Some(start) = start.filter(|&s| !view.is_visible(s)) {
                view.scroll_to = Some(start);
            }
        }
    }

    fn extend_selection(&mut self, forward: bool, by_word: bool) {
        let Some(document) = self.document() else { return };
        let fallback = self.selected().map(|a| crate::model::Selection::of_range(a.start()..a.end()));
        let Some(view) = &self.view else { return };
        let Some(selection) = view.selection.or(fallback) else {
            self.status = Some("Click in the text or select an annotation first".into());
            return;
        };
        let head = relating::step(document, selection.head, forward, by_word);
        let last = head.min(document.char_len().saturating_sub(1));
        let moved = crate::model::Selection::new(selection.anchor, head);
        if let Some(view) = &mut self.view {
            view.selection = Some(moved);
            if !view.is_visible(last) {
                view.scroll_to = Some(head);
            }
        }
    }

    fn add_fragment(&mut self, range: Range<usize>) {
        let Some(document) = self.document() else { return };
        let Some(annotation) = self.selected() else {
            self.status = Some("Select the annotation first, then Ctrl+drag over the text to add".into());
            return;
        };
        match relating::with_fragment(annotation, document, range) {
            Ok(mut changed) => {
                changed.modified = now();
                let Some(document) = self.current_document.clone() else { return };
                if self.session.apply(Edit::UpdateAnnotation { document, annotation: changed }).is_ok()
                    && let Some(view) = &mut self.view
                {
                    view.clear_selection();
                }
            }
            Err(refusal) => self.status = Some(refusal.to_string()),
        }
    }

    fn move_boundary(&mut self, boundary: Boundary, offset: usize, snap: bool) {
        let Some(document_id) = self.current_document.clone() else { return };
        let (Some(document), Some(annotation)) = (self.document(), self.selected()) else { return };
        match relating::boundary_moved_to(annotation, document, boundary, offset, snap) {
            Some(mut changed) if changed != *annotation => {
                changed.modified = now();
                let _ = self.session.apply(Edit::UpdateAnnotation { document: document_id, annotation: changed });
            }
            Some(_) => {}
            None => self.status = Some("A boundary cannot pass the other end of its annotation".into()),
        }
    }

    fn show_tag_all(&mut self) {
        let Some(document) = self.document() else { return };
        let Some(range) = self.view.as_ref().and_then(|v| v.selected_range()) else {
            self.status = Some("Select the text to find (e.g. a name), then choose Tag all occurrences".into());
            return;
        };
        let Some(phrase) = document.slice(range).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) else {
            return;
        };
        let label = self.project().codebook.labels.first().map(|l| l.id.clone()).unwrap_or_default();
        let dialog = TagAllDialog::new(phrase, document.id.clone(), label, MatchOptions::default());
        self.show_dialog(Dialog::TagAll(dialog));
    }

    /// Tags every range not already tagged with the same label over the same text, as one step.
    fn tag_ranges(&mut self, label: &str, ranges: Vec<(String, Range<usize>)>) {
        let Some(annotator) = self.me() else { return };
        let mut edits = Vec::new();
        if self.project().annotator(&annotator.id).is_none() {
            edits.push(Edit::AddAnnotator(annotator.clone()));
        }
        let time = now();
        let mut skipped = 0;
        for (document_id, range) in ranges {
            let Some(document) = self.session.document(&document_id) else { continue };
            let exists = document.annotations[document.annotations.partition_point(|a| a.start() < range.start)..]
                .iter()
                .take_while(|a| a.start() == range.start)
                .any(|a| a.end() == range.end && a.label == label && a.fragments.len() == 1);
            if exists {
                skipped += 1;
                continue;
            }
            let Some(fragment) = document.fragment(range) else { continue };
            let id = self.session.fresh_id();
            let annotation = crate::model::Annotation::new(id, label, vec![fragment], &annotator.id, time);
            edits.push(Edit::AddAnnotation { document: document_id, annotation });
        }
        let added = edits.iter().filter(|e| matches!(e, Edit::AddAnnotation { .. })).count();
        if added == 0 {
            self.status = Some(format!("Nothing to tag: all {skipped} occurrences are tagged already"));
            return;
        }
        if self.session.apply(Edit::Batch(edits)).is_ok() {
            let name = self.project().codebook.label(label).map_or(label.to_owned(), |l| l.name.clone());
            let skipped = if skipped > 0 { format!(" ({skipped} already tagged)") } else { String::new() };
            self.status = Some(format!("Tagged {added} occurrences as {name}{skipped}; one Undo removes them all"));
            if let Some(view) = &mut self.view {
                view.clear_selection();
            }
        }
    }
}
