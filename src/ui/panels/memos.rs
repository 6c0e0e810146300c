//! Memos in the coding panel: one about the selected annotation, the shown document and the
//! project, each written in place (saved when the field loses the keyboard; emptied, deleted),
//! and a search over every memo of the project.

use egui::RichText;

use crate::edit::describe_memo_target;
use crate::model::{ItemId, MemoTarget};
use crate::ui::app::SpanwiseApp;
use crate::ui::bidi_text::{self, BidiLine};
use crate::ui::coding::CodingCommand;
use crate::ui::commands::Command;
use crate::ui::doc_view::excerpt;

impl SpanwiseApp {
    pub(super) fn memos_ui(&mut self, ui: &mut egui::Ui, pending: &mut Vec<Command>) {
        let mut targets = Vec::new();
        if let Some(id) = self.selected_annotation {
            targets.push(("On the selected annotation", MemoTarget::Annotation(id)));
        }
        if let Some(document) = &self.current_document {
            targets.push(("On this document", MemoTarget::Document(document.clone())));
        }
        targets.push(("On the project", MemoTarget::Project));
        for (title, target) in targets {
            self.memo_editor_ui(ui, title, target, pending);
        }
        ui.add_space(6.0);
        ui.add(
            egui::TextEdit::singleline(&mut self.coding.memo_search)
                .hint_text("Search memos")
                .desired_width(f32::INFINITY),
        )
        .accessible_name("Search memos");
        let needle = self.coding.memo_search.trim().to_lowercase();
        let found: Vec<(ItemId, MemoTarget, String)> = self
            .project()
            .memos
            .iter()
            .filter(|m| {
                needle.is_empty() || m.text.to_lowercase().contains(&needle) || m.title.to_lowercase().contains(&needle)
            })
            .map(|m| (m.id, m.target.clone(), m.text.clone()))
            .collect();
        if !needle.is_empty() {
            ui.label(RichText::new(format!("{} memos found", found.len())).weak());
        }
        for (id, target, text) in found {
            let about = self.describe_target(&target);
            let line = BidiLine::user_text(&about).ui(": ").user(excerpt(&text, 60));
            let response = bidi_text::link(ui, &line).on_hover_ui(|ui| {
                bidi_text::paragraph(ui, &text, egui::TextStyle::Body.resolve(ui.style()));
            });
            if response.clicked() {
                match target {
                    MemoTarget::Annotation(annotation) => {
                        if let Some(document) = self.document_of(annotation)
                            && self.current_document.as_deref() != Some(document.as_str())
                        {
                            pending.push(Command::SelectDocument(document));
                        }
                        pending.push(Command::RevealAnnotation(annotation));
                    }
                    MemoTarget::Document(document) => pending.push(Command::SelectDocument(document)),
                    _ => {}
                }
            }
            let _ = id;
        }
    }

    fn memo_editor_ui(&mut self, ui: &mut egui::Ui, title: &str, target: MemoTarget, pending: &mut Vec<Command>) {
        let memo = self.memo_about(&target).map(|m| (m.id, m.text.clone()));
        let editing = self.coding.memo_buffer.as_ref().is_some_and(|(_, t, _)| *t == target);
        let mut text = match &self.coding.memo_buffer {
            Some((_, _, text)) if editing => text.clone(),
            _ => memo.as_ref().map(|(_, text)| text.clone()).unwrap_or_default(),
        };
        ui.label(title);
        let response = ui
            .add(
                egui::TextEdit::multiline(&mut text)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY)
                    .hint_text("Write a memo"),
            )
            .accessible_name(format!("Memo {}", title.to_lowercase()));
        if self.coding.memo_to_show.as_ref() == Some(&target) {
            self.coding.memo_to_show = None;
            response.scroll_to_me(Some(egui::Align::Center));
            response.request_focus();
        }
        if response.changed() || response.has_focus() {
            self.coding.memo_buffer = Some((memo.as_ref().map(|(id, _)| *id), target.clone(), text.clone()));
        }
        if response.lost_focus() {
            self.coding.memo_buffer = None;
            let id = memo.as_ref().map(|(id, _)| *id);
            if memo.as_ref().map_or(!text.trim().is_empty(), |(_, old)| *old != text) {
                pending.push(Command::Coding(CodingCommand::SetMemo { id, target, text }));
            }
        }
    }

    /// Opens the memo about `annotation` (its mark was clicked): the annotation selected and
    /// shown, the coding panel open, the memo's editor in view and focused.
    pub(crate) fn open_memo(&mut self, annotation: ItemId) {
        if let Some(document) = self.document_of(annotation)
            && self.current_document.as_deref() != Some(document.as_str())
        {
            self.command(Command::SelectDocument(document));
        }
        self.command(Command::RevealAnnotation(annotation));
        self.coding.panel_open = true;
        self.coding.memo_to_show = Some(MemoTarget::Annotation(annotation));
    }

    /// The memo being typed is saved before anything else happens.
    pub(crate) fn commit_memo(&mut self) {
        if let Some((id, target, text)) = self.coding.memo_buffer.take() {
            let old = id.and_then(|id| self.project().memos.iter().find(|m| m.id == id)).map(|m| m.text.clone());
            if old.as_deref() != Some(text.as_str()) && !(old.is_none() && text.trim().is_empty()) {
                self.run_coding(CodingCommand::SetMemo { id, target, text });
            }
        }
    }

    fn document_of(&self, annotation: ItemId) -> Option<String> {
        self.project().documents.iter().find(|d| d.annotation(annotation).is_some()).map(|d| d.id.clone())
    }

    fn describe_target(&self, target: &MemoTarget) -> String {
        let project = self.project();
        match target {
            MemoTarget::Annotation(id) => project
                .documents
                .iter()
                .find_map(|d| d.annotation(*id))
                .map_or_else(|| describe_memo_target(target), |a| format!("“{}”", excerpt(&a.text(), 30))),
            MemoTarget::Document(id) => {
                project.document(id).map_or_else(|| describe_memo_target(target), |d| d.name.clone())
            }
            MemoTarget::Label(id) => {
                project.codebook.label(id).map_or_else(|| describe_memo_target(target), |l| l.name.clone())
            }
            MemoTarget::Project => "Project".to_owned(),
        }
    }
}
