//! Coding with a codebook: the state of the coding panel (codebook, document variables, memos)
//! and the commands it and the inspector's attribute editor send. Every project change here is
//! an `Edit` through the session (one undo step, journalled); the rules are pure functions in
//! `model::codebook_editing` and `edit::delete_label`.

use crate::edit::{Edit, delete_label};
use crate::model::codebook_editing::LabelDeletion;
use crate::model::editing::fresh_id;
use crate::model::{Codebook, IdGenerator, ItemId, Memo, MemoTarget, Value, now};

/// What the coding panel and the attribute editor ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum CodingCommand {
    /// Replace the codebook (made by a `model::codebook_editing` function).
    SetCodebook(Box<Codebook>),
    /// Delete a label; its annotations relabelled (`Some`) or deleted (`None`).
    DeleteLabel { label: String, relabel_to: Option<String> },
    /// Set or clear an attribute of an annotation of the shown document.
    SetAttribute { annotation: ItemId, attribute: String, value: Option<Value> },
    /// Set or clear a variable of the shown document.
    SetVariable { field: String, value: Option<Value> },
    /// Write a memo: a new one (`id` `None`) or a change; empty text deletes it.
    SetMemo { id: Option<ItemId>, target: MemoTarget, text: String },
}

/// A label deletion waiting for the user's decision about its annotations.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingDeletion {
    pub label: String,
    pub uses: usize,
    /// The label to relabel to (the first other label until chosen).
    pub relabel_to: String,
}

/// View state of the coding panel.
#[derive(Debug)]
pub struct CodingState {
    pub panel_open: bool,
    /// The codebook editor is on (otherwise the panel shows the codebook read-only).
    pub editing: bool,
    /// The label being edited in the codebook editor.
    pub editing_label: Option<String>,
    /// Text typed in the editor's fields: (label id, name, hotkey, definition, examples).
    pub label_buffer: Option<LabelBuffer>,
    pub new_label_name: String,
    pub deletion: Option<PendingDeletion>,
    /// Why the last codebook change was refused.
    pub error: Option<String>,
    /// Memo text being typed: (memo id or none, target, text).
    pub memo_buffer: Option<(Option<ItemId>, MemoTarget, String)>,
    pub memo_search: String,
    /// The memo editor to bring into view and focus next frame (a memo mark was clicked).
    pub memo_to_show: Option<MemoTarget>,
    /// The memo just saved, for the "Saved" confirmation under its editor: (target, `egui`
    /// time it was first shown, filled in when drawn).
    pub memo_saved: Option<(MemoTarget, Option<f64>)>,
    /// Number fields typed but not yet valid: (annotation, attribute) -> text.
    pub number_buffers: std::collections::HashMap<(ItemId, String), String>,
    /// Document variable fields being typed (date, number, text): field -> text.
    pub variable_buffers: std::collections::HashMap<(String, String), String>,
    pub(crate) ids: IdGenerator,
    /// The relation type, attribute and document variable editors.
    pub entries: super::codebook_entries::EntriesState,
}

impl Default for CodingState {
    fn default() -> Self {
        Self {
            panel_open: false,
            editing: false,
            editing_label: None,
            label_buffer: None,
            new_label_name: String::new(),
            deletion: None,
            error: None,
            memo_buffer: None,
            memo_search: String::new(),
            memo_to_show: None,
            memo_saved: None,
            number_buffers: Default::default(),
            variable_buffers: Default::default(),
            ids: IdGenerator::from_entropy(),
            entries: Default::default(),
        }
    }
}

/// The fields of the label being edited, as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelBuffer {
    pub id: String,
    pub name: String,
    pub hotkey: String,
    pub definition: String,
    pub examples: String,
}

impl super::app::SpanwiseApp {
    /// Carries out a coding command.
    pub(crate) fn run_coding(&mut self, command: CodingCommand) {
        match command {
            CodingCommand::SetCodebook(codebook) => match self.session.apply(Edit::SetCodebook(codebook)) {
                Ok(()) => self.coding.error = None,
                Err(err) => self.coding.error = Some(err.to_string()),
            },
            CodingCommand::DeleteLabel { label, relabel_to } => {
                let what = relabel_to.map_or(LabelDeletion::DeleteAnnotations, LabelDeletion::Relabel);
                let result = delete_label(self.session.project(), &label, &what);
                match result {
                    Ok(edit) => match self.session.apply(edit) {
                        Ok(()) => {
                            self.coding.error = None;
                            self.coding.deletion = None;
                            self.coding.editing_label = None;
                            self.coding.label_buffer = None;
                            self.hidden_labels.remove(&label);
                        }
                        Err(err) => self.coding.error = Some(format!("Not deleted: {err}")),
                    },
                    Err(err) => self.coding.error = Some(err.to_string()),
                }
            }
            CodingCommand::SetAttribute { annotation, attribute, value } => {
                let Some(document) = self.current_document.clone() else { return };
                let Some(old) = self.document().and_then(|d| d.annotation(annotation)).cloned() else { return };
                let mut changed = old.clone();
                match value {
                    Some(value) => changed.attributes.insert(attribute, value),
                    None => changed.attributes.remove(&attribute),
                };
                if changed != old {
                    changed.modified = now().max(old.created);
                    let _ = self.session.apply(Edit::UpdateAnnotation { document, annotation: changed });
                }
            }
            CodingCommand::SetVariable { field, value } => {
                let Some(document) = self.current_document.clone() else { return };
                let same = self.document().map(|d| d.variables.get(&field)) == Some(value.as_ref());
                if !same {
                    let _ = self.session.apply(Edit::SetDocumentVariable { document, field, value });
                }
            }
            CodingCommand::SetMemo { id, target, text } => self.set_memo(id, target, text),
        }
    }

    fn set_memo(&mut self, id: Option<ItemId>, target: MemoTarget, text: String) {
        let (mut id, mut target) = (id, target);
        if !self.memo_target_exists(&target) && !text.trim().is_empty() {
            // What it was about went away while the memo was typed (a merge, a reload): the
            // text is kept, on the project, rather than refused.
            self.status = Some(format!(
                "{} was removed while you typed its memo: the memo is kept on the project",
                crate::edit::describe_memo_target(&target)
            ));
            (id, target) = (None, MemoTarget::Project);
        }
        let typed = text.clone();
        let text = text.trim_end().to_owned();
        let existing = id.and_then(|id| self.project().memos.iter().find(|m| m.id == id)).cloned();
        let edit = match (existing, text.is_empty()) {
            (None, true) => return,
            (Some(memo), true) => Edit::RemoveMemo { id: memo.id },
            (Some(memo), false) if memo.text == text => return,
            (Some(memo), false) => Edit::UpdateMemo(Memo { text, modified: now().max(memo.created), ..memo }),
            (None, false) => {
                let id = fresh_id(self.session.project(), &mut self.coding.ids);
                let title = text.lines().next().unwrap_or_default().chars().take(60).collect();
                let time = now();
                let author = self.settings.annotator_name.trim().to_owned();
                Edit::AddMemo(Memo { id, target: target.clone(), title, text, author, created: time, modified: time })
            }
        };
        match self.session.apply(edit) {
            Ok(()) => self.coding.memo_saved = Some((target, None)),
            // Refused (a read-only project): the session says why in the status bar, and the
            // typed text stays in its editor instead of being thrown away.
            Err(_) => self.coding.memo_buffer = Some((id, target, typed)),
        }
    }

    fn memo_target_exists(&self, target: &MemoTarget) -> bool {
        let project = self.project();
        match target {
            MemoTarget::Project => true,
            MemoTarget::Document(id) => project.document(id).is_some(),
            MemoTarget::Label(id) => project.codebook.label(id).is_some(),
            MemoTarget::Annotation(id) => project.documents.iter().any(|d| d.annotation(*id).is_some()),
        }
    }

    /// The memo about `target`, if there is one (the first, when several).
    pub(crate) fn memo_about(&self, target: &MemoTarget) -> Option<&Memo> {
        self.project().memos.iter().find(|m| m.target == *target)
    }
}

impl super::app::SpanwiseApp {
    /// The lines the coding panel adds to the state report (`SPANWISE_STATE_REPORT`).
    pub(crate) fn coding_state_report(&self) -> String {
        let project = self.project();
        let labels: Vec<String> = project
            .codebook
            .labels
            .iter()
            .map(|l| format!("{}{}", l.name, l.hotkey.map(|k| format!("[{k}]")).unwrap_or_default()))
            .collect();
        let variables: Vec<String> = self
            .document()
            .map(|d| d.variables.iter().map(|(k, v)| format!("{k}:{}", v.display())).collect())
            .unwrap_or_default();
        let attributes: Vec<String> = self
            .selected()
            .map(|a| a.attributes.iter().map(|(k, v)| format!("{k}:{}", v.display())).collect())
            .unwrap_or_default();
        let relation_types: Vec<&str> = project.codebook.relation_types.iter().map(|t| t.name.as_str()).collect();
        let attribute_defs: Vec<&str> = project.codebook.attributes.iter().map(|a| a.name.as_str()).collect();
        let fields: Vec<&str> = project.codebook.document_fields.iter().map(|f| f.name.as_str()).collect();
        let entries = format!(
            "relation_types={}\nattribute_definitions={}\ndocument_fields={}\ncodebook_prompt={}\ncodebook_report={}\n",
            relation_types.join(","),
            attribute_defs.join(","),
            fields.join(","),
            self.coding.entries.prompt.as_ref().map_or("", |p| p.question.as_str()),
            self.coding.entries.report.as_deref().unwrap_or_default().replace('\n', " "),
        );
        // Kinds and directions, for tests that change them through the editor.
        let kinds: Vec<String> =
            project.codebook.attributes.iter().map(|a| format!("{}:{}", a.name, a.kind.name())).collect();
        let undirected: Vec<&str> =
            project.codebook.relation_types.iter().filter(|t| !t.directed).map(|t| t.name.as_str()).collect();
        // Allowed ends of the relation types that restrict them: "Speaks for:quote>actor".
        let ends: Vec<String> = project
            .codebook
            .relation_types
            .iter()
            .filter(|t| !t.from_labels.is_empty() || !t.to_labels.is_empty())
            .map(|t| format!("{}:{}>{}", t.name, t.from_labels.join("+"), t.to_labels.join("+")))
            .collect();
        let entries = entries
            + &format!(
                "attribute_kinds={}
undirected_relation_types={}
relation_type_ends={}
",
                kinds.join(","),
                undirected.join(","),
                ends.join(",")
            );
        entries
            + &format!(
                "coding_panel={}\nlabels={}\ncodebook_locked={}\ncodebook_error={}\nmemos={}\nvariables={}\nattributes={}\n",
                self.coding.panel_open,
                labels.join(","),
                project.codebook.locked,
                self.coding.error.as_deref().unwrap_or_default(),
                project.memos.len(),
                variables.join(","),
                attributes.join(","),
            )
    }
}
