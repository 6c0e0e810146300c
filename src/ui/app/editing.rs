//! Editing commands on the shown document: tag the selection, relabel, move boundaries, notes,
//! delete. The rules themselves are in `model::editing`; this turns them into session edits and
//! keeps the selection and inspector in step.

use crate::edit::Edit;
use crate::model::editing::{self, Boundary};
use crate::model::{Annotation, Annotator, Document, ItemId, now, slug};
use crate::settings::system_user_name;
use crate::ui::dialogs::{Dialog, NamePrompt};

impl super::SpanwiseApp {
    /// Document › Text direction: how the shown document's paragraphs run (one undo step).
    pub(super) fn set_direction(&mut self, direction: crate::model::bidi::TextDirection) {
        if let Some(document) = self.current_document.clone() {
            let _ = self.session.apply(Edit::SetDocumentDirection { document, direction });
        }
    }

    pub(crate) fn selected(&self) -> Option<&Annotation> {
        self.document()?.annotation(self.selected_annotation?)
    }

    /// Tags the text selection with `label`; without a selection, relabels the selected
    /// annotation.
    pub(super) fn tag_selection(&mut self, label: &str) {
        let Some(document_id) = self.current_document.clone() else {
            return;
        };
        let Some(range) = self.view.as_ref().and_then(|v| v.selected_range()) else {
            if self.selected_annotation.is_some() {
                self.relabel(label);
            } else {
                self.status = Some("Select some text first, then press a label key".into());
            }
            return;
        };
        if self.settings.annotator_name.trim().is_empty() {
            self.show_dialog(Dialog::AnnotatorName(NamePrompt::new("", &system_user_name())));
            return;
        }
        let annotator =
            Annotator { id: slug(&self.settings.annotator_name), name: self.settings.annotator_name.trim().to_owned() };
        match self.session.tag(&document_id, range, label, &annotator) {
            Ok(id) => {
                if let Some(view) = &mut self.view {
                    view.clear_selection();
                }
                self.selected_annotation = Some(id);
            }
            Err(refusal) => self.status = Some(refusal.to_string()),
        }
    }

    /// Replaces the selected annotation with what `change` makes of it (if anything).
    fn update_selected(&mut self, change: impl FnOnce(&Annotation, &Document) -> Option<Annotation>) {
        let Some(document_id) = self.current_document.clone() else {
            return;
        };
        let (Some(document), Some(annotation)) = (self.document(), self.selected()) else {
            return;
        };
        let Some(mut changed) = change(annotation, document) else {
            return;
        };
        if changed == *annotation {
            return;
        }
        changed.modified = now();
        let _ = self.session.apply(Edit::UpdateAnnotation { document: document_id, annotation: changed });
    }

    pub(super) fn relabel(&mut self, label: &str) {
        self.update_selected(|annotation, _| {
            let mut changed = annotation.clone();
            changed.label = label.into();
            Some(changed)
        });
    }

    pub(super) fn nudge(&mut self, boundary: Boundary, delta: isize) {
        self.update_selected(|annotation, document| editing::nudged(annotation, document, boundary, delta));
    }

    pub(super) fn span_to_selection(&mut self) {
        let Some(range) = self.view.as_ref().and_then(|v| v.selected_range()) else {
            self.status = Some("Select the new extent in the text first".into());
            return;
        };
        self.update_selected(|annotation, document| editing::with_span(annotation, document, range));
        if let Some(view) = &mut self.view {
            view.clear_selection();
        }
    }

    pub(super) fn set_note(&mut self, annotation_id: ItemId, note: String) {
        if self.selected_annotation != Some(annotation_id) {
            return;
        }
        self.update_selected(|annotation, _| {
            let mut changed = annotation.clone();
            changed.note = note;
            Some(changed)
        });
    }

    /// A note being typed in the inspector is saved before anything else happens.
    pub(super) fn commit_note(&mut self) {
        if let Some((id, text)) = self.note_buffer.clone() {
            let current = self.document().and_then(|d| d.annotation(id)).map(|a| a.note.clone());
            if current.is_some_and(|note| note != text) {
                self.set_note(id, text);
            }
        }
    }

    pub(super) fn delete_selected(&mut self) {
        if let (Some(document), Some(id)) = (self.current_document.clone(), self.selected_annotation) {
            let _ = self.session.apply(Edit::RemoveAnnotation { document, id });
        }
    }

    /// Selects an annotation and scrolls the text to it.
    pub(super) fn reveal(&mut self, id: ItemId) {
        self.selected_annotation = Some(id);
        let start = self.document().and_then(|d| d.annotation(id)).map(Annotation::start);
        if let (Some(view), Some(start)) = (&mut self.view, start) {
            view.scroll_to = Some(start);
        }
    }
}
