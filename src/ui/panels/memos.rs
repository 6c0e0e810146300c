//! Memos in the coding panel: one about the selected annotation, the shown document and the
//! project, each written in place and a search over every memo of the project.
//!
//! What is typed is kept in `coding.memo_buffer` and saved as one edit (one undo step) when the
//! field is left: Ctrl+Enter (Cmd+Enter), Escape, a click elsewhere. Before any other command
//! ([`SpanwiseApp::commit_memo`]: saving, switching document, quitting) and when its target is
//! no longer shown, it is saved too. An emptied memo is deleted.

use egui::RichText;

use crate::edit::describe_memo_target;
use crate::model::{ItemId, MemoTarget};
use crate::ui::app::SpanwiseApp;
use crate::ui::bidi_text::{self, BidiLine};
use crate::ui::coding::CodingCommand;
use crate::ui::commands::Command;
use crate::ui::doc_view::excerpt;

/// How long "Saved" stays under a memo's editor.
const SAVED_SECONDS: f64 = 2.5;

/// The editor of the memo about `target` (the same widget whatever its position in the panel).
fn editor_id(target: &MemoTarget) -> egui::Id {
    match target {
        MemoTarget::Project => egui::Id::unique("memo_editor_project"),
        MemoTarget::Document(id) => egui::Id::unique(("memo_editor_document", id)),
        MemoTarget::Label(id) => egui::Id::unique(("memo_editor_label", id)),
        MemoTarget::Annotation(id) => egui::Id::unique(("memo_editor_annotation", id.0)),
    }
}

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
        // The memo typed about a target no longer shown (another annotation or document was
        // selected, the annotation was unselected) is saved, not dropped.
        if self.coding.memo_buffer.as_ref().is_some_and(|(_, typed, _)| targets.iter().all(|(_, t)| t != typed)) {
            self.commit_memo();
        }
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
        // One editor per target: when the selected annotation changes, the field of the old one
        // is gone (its text committed above) rather than showing another memo under the cursor.
        let id = editor_id(&target);
        // Ctrl+Enter (Cmd+Enter) saves and leaves the field; plain Enter starts a new line.
        let save_key = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Enter);
        let save_now = ui.memory(|m| m.has_focus(id)) && ui.input_mut(|i| i.consume_shortcut(&save_key));
        let response = ui
            .add(
                egui::TextEdit::multiline(&mut text)
                    .id(id)
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
        if save_now {
            response.surrender_focus();
        }
        if response.gained_focus() || response.lost_focus() {
            // The field's own undo (Ctrl+Z while typing) goes back to the memo as it was when
            // the field was entered, never across a save to an older text.
            if let Some(mut state) = egui::text_edit::TextEditState::load(ui.ctx(), id) {
                state.clear_undoer();
                state.store(ui.ctx(), id);
            }
        }
        if response.changed() || response.has_focus() {
            self.coding.memo_buffer = Some((memo.as_ref().map(|(id, _)| *id), target.clone(), text.clone()));
        }
        // Leaving the field (Ctrl+Enter, Escape, a click elsewhere) keeps what was typed.
        if response.lost_focus() {
            self.coding.memo_buffer = None;
            let id = memo.as_ref().map(|(id, _)| *id);
            if memo.as_ref().map_or(!text.trim().is_empty(), |(_, old)| *old != text) {
                pending.push(Command::Coding(CodingCommand::SetMemo { id, target: target.clone(), text }));
            }
        }
        self.memo_hint_ui(ui, &target, response.has_focus(), &save_key);
    }

    /// Under the editor: "Saved" for a moment after the memo was saved, else, while the field
    /// has the keyboard, how to save it. The confirmation goes away by itself: a repaint is
    /// asked for when it is due to go, none in between (an idle window stays idle).
    fn memo_hint_ui(
        &mut self,
        ui: &mut egui::Ui,
        target: &MemoTarget,
        focused: bool,
        save_key: &egui::KeyboardShortcut,
    ) {
        let now = ui.input(|i| i.time);
        let saved = match &mut self.coding.memo_saved {
            Some((saved, at)) if saved == target => {
                let shown = *at.get_or_insert(now);
                let left = SAVED_SECONDS - (now - shown);
                if left > 0.0 {
                    // A frame when it is due to go (not a frame until then: a frame drawn
                    // earlier for another reason asks again for the same moment).
                    ui.ctx().request_repaint_after(std::time::Duration::from_secs_f64(left + 0.01));
                    true
                } else {
                    self.coding.memo_saved = None;
                    false
                }
            }
            _ => false,
        };
        if saved && !focused {
            ui.label(RichText::new("✔ Saved").color(ui.visuals().weak_text_color()))
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, "Memo saved"));
        } else if focused {
            let keys = ui.ctx().format_shortcut(save_key);
            ui.label(RichText::new(format!("{keys} to save")).weak());
        } else {
            // The line is kept empty, so that the fields below do not move when one is entered.
            let height = ui.text_style_height(&egui::TextStyle::Body);
            ui.allocate_exact_size(egui::vec2(0.0, height), egui::Sense::hover());
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

    /// Whether a memo's editor has the keyboard: Ctrl+Z and Ctrl+Y then undo and redo typing in
    /// it (the field's own history), not the last change to the project, which would take the
    /// memo being typed away from under the user.
    pub(crate) fn memo_has_keyboard(&self, ctx: &egui::Context) -> bool {
        let focused = ctx.memory(|m| m.focused());
        self.coding.memo_buffer.as_ref().is_some_and(|(_, target, _)| focused == Some(editor_id(target)))
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
