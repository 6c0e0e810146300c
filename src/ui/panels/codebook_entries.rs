//! What the three entry editors of the codebook (relation types, attributes, document
//! variables) share: their place in the coding panel, the name field, label checkboxes, the
//! choices editor, the question asked before relations or values are removed, and the codebook
//! file buttons (Export codebook…, Import codebook…).

use egui::{Color32, RichText};

use crate::model::Codebook;
use crate::model::codebook_editing::{self as cb, Cascade, ChoicesOf, Entry, EntryChange};
use crate::ui::app::SpanwiseApp;
use crate::ui::codebook_entries::CascadePrompt;
use crate::ui::coding::CodingCommand;
use crate::ui::commands::Command;

impl SpanwiseApp {
    /// The relation type, attribute and document variable editors (the codebook editor is on).
    pub(super) fn codebook_entries_ui(&mut self, ui: &mut egui::Ui, codebook: &Codebook, pending: &mut Vec<Command>) {
        let reveal = self.coding.entries.reveal.take();
        let before = (self.coding.entries.open.clone(), self.coding.entries.prompt.is_some());
        let sections: [(Entry, &str); 3] = [
            (Entry::RelationType, "Relation types"),
            (Entry::Attribute, "Attributes"),
            (Entry::Field, "Document variable definitions"),
        ];
        for (entry, title) in sections {
            let mut header = egui::CollapsingHeader::new(RichText::new(title).strong()).id_salt(("entries", title));
            if reveal == Some(entry) {
                header = header.open(Some(true));
            }
            let shown = header.show(ui, |ui| match entry {
                Entry::RelationType => self.relation_types_editor_ui(ui, codebook, pending),
                Entry::Attribute => self.attributes_editor_ui(ui, codebook, pending),
                Entry::Field => self.fields_editor_ui(ui, codebook, pending),
            });
            if reveal == Some(entry) {
                shown.header_response.scroll_to_me(Some(egui::Align::TOP));
            }
        }
        // An editor opened or a question asked shows at once, not at the next mouse move.
        if before != (self.coding.entries.open.clone(), self.coding.entries.prompt.is_some()) {
            ui.ctx().request_repaint();
        }
    }

    /// Export codebook… and Import codebook…, and what the last one did.
    pub(super) fn codebook_files_ui(&mut self, ui: &mut egui::Ui, codebook: &Codebook, pending: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Export codebook…")
                .on_hover_text(
                    "Write this codebook to a .codebook.ron file (everything) or a .qdc file (REFI-QDA codes)",
                )
                .clicked()
            {
                pending.push(Command::ExportCodebook);
            }
            if ui
                .add_enabled(!codebook.locked, egui::Button::new("Import codebook…"))
                .on_hover_text("Add the labels, relation types, attributes and variables of a codebook file")
                .on_disabled_hover_text("The codebook is locked: unlock it to import")
                .clicked()
            {
                pending.push(Command::ImportCodebook);
            }
        });
        if let Some(report) = &self.coding.entries.report {
            ui.label(RichText::new(report).small());
        }
    }

    /// A name field of an entry: `Some(name)` once the user typed another name and left it.
    pub(super) fn entry_name_ui(
        &mut self,
        ui: &mut egui::Ui,
        entry: Entry,
        id: &str,
        current: &str,
        accessible: &str,
    ) -> Option<String> {
        let buffer = &mut self.coding.entries.name_buffer;
        // Another entry, or the name changed under the field (an undo): start from the name.
        if buffer.as_ref().is_none_or(|(e, i, was, _)| *e != entry || i != id || was != current) {
            *buffer = Some((entry, id.to_owned(), current.to_owned(), current.to_owned()));
        }
        let (_, _, _, text) = buffer.as_mut()?;
        let response =
            ui.add(egui::TextEdit::singleline(text).desired_width(160.0)).accessible_name(accessible.to_owned());
        (response.lost_focus() && text.trim() != current).then(|| text.clone())
    }

    /// The definition field of an entry: saved (as one change) when it loses the keyboard.
    pub(super) fn entry_definition_ui(
        &mut self,
        ui: &mut egui::Ui,
        codebook: &Codebook,
        (entry, id): (Entry, &str),
        current: &str,
        pending: &mut Vec<Command>,
    ) {
        let buffer = &mut self.coding.entries.definition_buffer;
        if buffer.as_ref().is_none_or(|(e, i, was, _)| *e != entry || i != id || was != current) {
            *buffer = Some((entry, id.to_owned(), current.to_owned(), current.to_owned()));
        }
        let Some((_, _, _, text)) = buffer.as_mut() else { return };
        let accessible = match entry {
            Entry::RelationType => "Relation type definition",
            Entry::Attribute => "Attribute definition",
            Entry::Field => "Variable definition",
        };
        let response = ui
            .add(
                egui::TextEdit::multiline(text)
                    .desired_rows(2)
                    .desired_width(220.0)
                    .hint_text("Definition: when to use it"),
            )
            .accessible_name(accessible);
        if response.lost_focus() && text.trim() != current {
            let change = cb::describe_entry(codebook, entry, id, text);
            self.push_codebook(change, pending);
        }
    }

    /// A checkbox per label (`prefix: Label`); `Some(labels)` when one was clicked.
    pub(super) fn label_checkboxes_ui(
        ui: &mut egui::Ui,
        codebook: &Codebook,
        checked: &[String],
        prefix: &str,
    ) -> Option<Vec<String>> {
        let mut changed = None;
        ui.horizontal_wrapped(|ui| {
            for label in &codebook.labels {
                let mut on = checked.contains(&label.id);
                if ui.checkbox(&mut on, &label.name).accessible_name(format!("{prefix}: {}", label.name)).changed() {
                    let now: Vec<String> = codebook
                        .labels
                        .iter()
                        .filter(|l| if l.id == label.id { on } else { checked.contains(&l.id) })
                        .map(|l| l.id.clone())
                        .collect();
                    changed = Some(now);
                }
            }
        });
        changed
    }

    /// The names of labels, or "any label".
    pub(super) fn label_names(codebook: &Codebook, labels: &[String]) -> String {
        if labels.is_empty() {
            return "any label".into();
        }
        labels.iter().map(|l| codebook.label(l).map_or(l.as_str(), |l| l.name.as_str())).collect::<Vec<_>>().join(", ")
    }

    /// A codebook change that touches no data: applied, or its refusal shown.
    pub(super) fn push_codebook(&mut self, change: Result<Codebook, EntryChange>, pending: &mut Vec<Command>) {
        match change {
            Ok(new) => pending.push(Command::Coding(CodingCommand::SetCodebook(Box::new(new)))),
            Err(err) => {
                self.coding.error = Some(err.to_string());
                self.coding.entries.name_buffer = None;
            }
        }
    }

    /// A change that may remove relations or values: applied at once when it removes none,
    /// else held with `question(count)` until the user confirms or cancels.
    pub(super) fn push_cascade(
        &mut self,
        change: Result<Cascade, EntryChange>,
        (entry, id): (Entry, &str),
        question: impl FnOnce(usize) -> String,
        confirm: &str,
        pending: &mut Vec<Command>,
    ) {
        match change {
            Ok(cascade) if cascade.before.is_empty() => pending.push(Command::CodebookCascade(Box::new(cascade))),
            Ok(cascade) => {
                self.coding.entries.prompt = Some(CascadePrompt {
                    entry,
                    id: id.to_owned(),
                    question: question(cascade.before.len()),
                    confirm: confirm.to_owned(),
                    cascade: Box::new(cascade),
                    base: Box::new(self.session.project().codebook.clone()),
                });
            }
            Err(err) => self.coding.error = Some(err.to_string()),
        }
    }

    /// The question held for this entry, if any: go ahead (one undo step) or cancel.
    pub(super) fn cascade_prompt_ui(&mut self, ui: &mut egui::Ui, entry: Entry, id: &str, pending: &mut Vec<Command>) {
        let Some(prompt) = &self.coding.entries.prompt else { return };
        if prompt.entry != entry || prompt.id != id {
            return;
        }
        if *prompt.base != self.session.project().codebook {
            self.coding.entries.prompt = None;
            return;
        }
        let mut answer = None;
        egui::Frame::group(ui.style()).stroke(egui::Stroke::new(1.0, ui.visuals().warn_fg_color)).show(ui, |ui| {
            ui.label(&prompt.question);
            ui.horizontal_wrapped(|ui| {
                if ui.button(RichText::new(&prompt.confirm).color(Color32::from_rgb(200, 60, 60))).clicked() {
                    answer = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(false);
                }
            });
            ui.label(RichText::new("It is one step: Undo brings everything back.").small().weak());
        });
        match answer {
            Some(true) => {
                if let Some(prompt) = self.coding.entries.prompt.take() {
                    pending.push(Command::CodebookCascade(prompt.cascade));
                }
            }
            Some(false) => self.coding.entries.prompt = None,
            None => {}
        }
    }

    /// The choices of an attribute or variable: rename one in its field (its values follow),
    /// remove one (asks when values hold it), add one.
    pub(super) fn choices_ui(
        &mut self,
        ui: &mut egui::Ui,
        of: &ChoicesOf,
        (entry, id, name): (Entry, &str, &str),
        options: &[String],
        pending: &mut Vec<Command>,
    ) {
        let time = crate::model::now();
        ui.label(RichText::new("Choices").small());
        for option in options {
            ui.horizontal(|ui| {
                let key = (of.clone(), option.clone());
                let text = self.coding.entries.choice_buffers.entry(key.clone()).or_insert_with(|| option.clone());
                let field = ui
                    .add(egui::TextEdit::singleline(text).desired_width(120.0))
                    .accessible_name(format!("Choice {option} of {name}"));
                if field.lost_focus() && text.trim() != option {
                    let to = text.clone();
                    self.coding.entries.choice_buffers.remove(&key);
                    let change = cb::rename_choice(self.session.project(), of, option, &to, time);
                    self.push_cascade(change, (entry, id), |_| String::new(), "", pending);
                }
                if ui.small_button("Remove").accessible_name(format!("Remove choice {option} of {name}")).clicked() {
                    let change = cb::remove_choice(self.session.project(), of, option, time);
                    let question = |count: usize| {
                        let holders = match of {
                            ChoicesOf::Attribute(_) if count == 1 => "1 annotation has",
                            ChoicesOf::Attribute(_) => "annotations have",
                            ChoicesOf::Field(_) if count == 1 => "1 document has",
                            ChoicesOf::Field(_) => "documents have",
                        };
                        let holders = if count == 1 { holders.to_owned() } else { format!("{count} {holders}") };
                        format!("{holders} {name}: {option}. Remove the choice and these values?")
                    };
                    self.push_cascade(change, (entry, id), question, "Remove the choice and its values", pending);
                }
            });
        }
        ui.horizontal(|ui| {
            let text = self.coding.entries.new_choice.entry(of.clone()).or_default();
            let field = ui
                .add(egui::TextEdit::singleline(text).hint_text("New choice").desired_width(120.0))
                .accessible_name(format!("New choice of {name}"));
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.small_button("Add choice").accessible_name(format!("Add choice to {name}")).clicked() || enter)
                && !text.trim().is_empty()
            {
                let change = cb::add_choice(&self.session.project().codebook, of, text);
                if change.is_ok() {
                    text.clear();
                }
                self.push_codebook(change, pending);
            }
        });
    }
}
