//! The coding panel (right, beside the inspector; View → Codebook panel, Ctrl+B): the codebook
//! while coding (labels with definitions, examples and keys; sub-labels under their parent), its
//! editor, the lock, the shown document's variables, and memos.

use egui::{Color32, RichText};

use crate::model::codebook_editing::{self as cb, label_use};
use crate::model::{Codebook, Label, parse_color};
use crate::ui::app::SpanwiseApp;
use crate::ui::coding::{CodingCommand, LabelBuffer, PendingDeletion};
use crate::ui::commands::Command;
use crate::ui::doc_view::label_color;

/// The command a label key would also trigger, if any (keys without modifiers, in the document).
pub(crate) fn reserved_key(key: char) -> Option<String> {
    let name = key.to_uppercase().to_string();
    let key = egui::Key::from_name(&name)?;
    Command::shortcut_table()
        .into_iter()
        .find(|(shortcut, _, _)| shortcut.modifiers.is_none() && shortcut.logical_key == key)
        .and_then(|(_, command, _)| command.info().map(|info| info.text.trim_end_matches('…').to_owned()))
}

impl SpanwiseApp {
    pub(super) fn coding_panel_ui(&mut self, ui: &mut egui::Ui) {
        let mut pending = Vec::new();
        let before = (self.coding.error.clone(), self.coding.label_buffer.is_some(), self.coding.deletion.is_some());
        egui::ScrollArea::vertical().id_salt("coding_panel").auto_shrink(false).show(ui, |ui| {
            egui::CollapsingHeader::new(RichText::new("Document variables").heading())
                .default_open(true)
                .show(ui, |ui| self.variables_ui(ui, &mut pending));
            // The palette's Edit relation types… (and the like) open it, if it was folded.
            let reveal = self.coding.entries.reveal.is_some().then_some(true);
            egui::CollapsingHeader::new(RichText::new("Codebook").heading()).default_open(true).open(reveal).show(
                ui,
                |ui| {
                    self.codebook_ui(ui, &mut pending);
                },
            );
            egui::CollapsingHeader::new(RichText::new("Memos").heading())
                .default_open(true)
                .show(ui, |ui| self.memos_ui(ui, &mut pending));
        });
        // A refusal or a reset field shows at once, not at the next mouse move.
        if before != (self.coding.error.clone(), self.coding.label_buffer.is_some(), self.coding.deletion.is_some()) {
            ui.ctx().request_repaint();
        }
        pending.into_iter().for_each(|command| self.command(command));
    }

    fn codebook_ui(&mut self, ui: &mut egui::Ui, pending: &mut Vec<Command>) {
        let codebook = self.project().codebook.clone();
        ui.horizontal(|ui| {
            let mut locked = codebook.locked;
            if ui
                .checkbox(&mut locked, "Codebook locked")
                .on_hover_text(
                    "A locked codebook cannot be changed (tagging still works); the lock is saved in the file",
                )
                .changed()
            {
                pending.push(Command::Coding(CodingCommand::SetCodebook(Box::new(cb::set_locked(&codebook, locked)))));
            }
            let mut editing = self.coding.editing && !codebook.locked;
            let toggle = ui
                .add_enabled(!codebook.locked, egui::Checkbox::new(&mut editing, "Edit codebook"))
                .on_hover_text("Add, rename, recolour, reorder and delete labels")
                .on_disabled_hover_text("The codebook is locked: unlock it to edit");
            if toggle.changed() {
                self.coding.editing = editing;
                self.coding.deletion = None;
            }
        });
        if let Some(error) = &self.coding.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let editing = self.coding.editing && !codebook.locked;
        for label in codebook.labels.iter().filter(|l| l.parent.is_none()) {
            self.label_row(ui, &codebook, label, editing, pending);
            for child in codebook.children(&label.id) {
                ui.indent(("sub", &child.id), |ui| self.label_row(ui, &codebook, child, editing, pending));
            }
        }
        if editing {
            ui.horizontal(|ui| {
                let field = ui.add(
                    egui::TextEdit::singleline(&mut self.coding.new_label_name)
                        .hint_text("New label")
                        .desired_width(140.0),
                );
                let field = field.accessible_name("New label name");
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button("Add label").clicked() || enter {
                    match cb::add_label(&codebook, &self.coding.new_label_name, None) {
                        Ok((new, id)) => {
                            pending.push(Command::Coding(CodingCommand::SetCodebook(Box::new(new))));
                            self.coding.new_label_name.clear();
                            self.coding.editing_label = Some(id);
                            self.coding.label_buffer = None;
                        }
                        Err(err) => self.coding.error = Some(err.to_string()),
                    }
                }
            });
            // Relation types, attributes, document variables (panels/codebook_*.rs).
            self.codebook_entries_ui(ui, &codebook, pending);
        }
        self.codebook_files_ui(ui, &codebook, pending);
    }

    fn label_row(
        &mut self,
        ui: &mut egui::Ui,
        codebook: &Codebook,
        label: &Label,
        editing: bool,
        pending: &mut Vec<Command>,
    ) {
        let color = label_color(codebook, &label.id);
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, color);
            let key = label.hotkey.map(|k| format!("  [{k}]")).unwrap_or_default();
            let text = RichText::new(format!("{}{key}", label.name)).strong();
            let open = self.coding.editing_label.as_deref() == Some(label.id.as_str());
            let response = if editing { ui.selectable_label(open, text) } else { ui.label(text) };
            let hover = if label.definition.is_empty() { label.name.as_str() } else { label.definition.as_str() };
            let response = response.on_hover_text(hover);
            if editing && response.clicked() {
                self.coding.editing_label = if open { None } else { Some(label.id.clone()) };
                self.coding.label_buffer = None;
                self.coding.deletion = None;
            }
        });
        if !editing {
            if !label.definition.is_empty() {
                ui.label(RichText::new(&label.definition).small());
            }
            for example in &label.examples {
                ui.label(RichText::new(format!("e.g. “{example}”")).small().italics());
            }
            return;
        }
        if self.coding.editing_label.as_deref() == Some(label.id.as_str()) {
            self.label_editor_ui(ui, codebook, label, pending);
        }
    }

    fn label_editor_ui(&mut self, ui: &mut egui::Ui, codebook: &Codebook, label: &Label, pending: &mut Vec<Command>) {
        let buffer = self.coding.label_buffer.get_or_insert_with(|| LabelBuffer {
            id: label.id.clone(),
            name: label.name.clone(),
            hotkey: label.hotkey.map(String::from).unwrap_or_default(),
            definition: label.definition.clone(),
            examples: label.examples.join("\n"),
        });
        if buffer.id != label.id {
            self.coding.label_buffer = None;
            return;
        }
        let mut change: Option<Result<Codebook, cb::CodebookChange>> = None;
        egui::Grid::new(("label_editor", &label.id)).num_columns(2).show(ui, |ui| {
            ui.label("Name");
            let name =
                ui.add(egui::TextEdit::singleline(&mut buffer.name).desired_width(160.0)).accessible_name("Label name");
            if name.lost_focus() && buffer.name != label.name {
                change = Some(cb::rename_label(codebook, &label.id, &buffer.name));
            }
            ui.end_row();
            ui.label("Key");
            let key = ui
                .add(egui::TextEdit::singleline(&mut buffer.hotkey).char_limit(1).desired_width(24.0))
                .accessible_name("Label key")
                .on_hover_text("The key that tags the selection with this label (empty: none)");
            let typed = buffer.hotkey.chars().next();
            if key.lost_focus() && typed != label.hotkey {
                change = Some(cb::set_hotkey(codebook, &label.id, typed, &reserved_key));
            }
            ui.end_row();
            ui.label("Colour");
            let mut rgb = parse_color(&label.color).unwrap_or([128, 128, 128]);
            if egui::color_picker::color_edit_button_srgb(ui, &mut rgb).changed() {
                let hex = format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
                change = Some(cb::recolor_label(codebook, &label.id, &hex));
            }
            ui.end_row();
            ui.label("Definition");
            let definition = ui
                .add(egui::TextEdit::multiline(&mut buffer.definition).desired_rows(3).desired_width(200.0))
                .accessible_name("Label definition");
            ui.end_row();
            ui.label("Examples");
            let examples = ui
                .add(
                    egui::TextEdit::multiline(&mut buffer.examples)
                        .desired_rows(2)
                        .desired_width(200.0)
                        .hint_text("One per line"),
                )
                .accessible_name("Label examples");
            ui.end_row();
            let examples_now: Vec<String> = buffer.examples.lines().map(str::to_owned).collect();
            if (definition.lost_focus() || examples.lost_focus())
                && (buffer.definition.trim() != label.definition
                    || examples_now
                        .iter()
                        .map(|e| e.trim())
                        .filter(|e| !e.is_empty())
                        .ne(label.examples.iter().map(String::as_str)))
            {
                change = Some(cb::describe_label(codebook, &label.id, &buffer.definition, examples_now));
            }
        });
        ui.horizontal_wrapped(|ui| {
            if ui.small_button("Move up").clicked() {
                change = Some(cb::move_label(codebook, &label.id, -1));
            }
            if ui.small_button("Move down").clicked() {
                change = Some(cb::move_label(codebook, &label.id, 1));
            }
            if label.parent.is_none() && ui.small_button("Add sub-label").clicked() {
                let name = format!("{} {}", label.name, codebook.children(&label.id).count() + 1);
                match cb::add_label(codebook, &name, Some(&label.id)) {
                    Ok((new, id)) => {
                        change = Some(Ok(new));
                        self.coding.editing_label = Some(id);
                        self.coding.label_buffer = None;
                    }
                    Err(err) => change = Some(Err(err)),
                }
            }
            if ui.small_button(RichText::new("Delete label").color(ui.visuals().error_fg_color)).clicked() {
                let uses = label_use(self.session.project(), &label.id);
                if uses == 0 {
                    pending.push(Command::Coding(CodingCommand::DeleteLabel {
                        label: label.id.clone(),
                        relabel_to: None,
                    }));
                } else {
                    let relabel_to =
                        codebook.labels.iter().find(|l| l.id != label.id).map(|l| l.id.clone()).unwrap_or_default();
                    self.coding.deletion = Some(PendingDeletion { label: label.id.clone(), uses, relabel_to });
                }
            }
        });
        if let Some(change) = change {
            match change {
                Ok(new) => pending.push(Command::Coding(CodingCommand::SetCodebook(Box::new(new)))),
                Err(err) => {
                    self.coding.error = Some(err.to_string());
                    // Show the label as it is again.
                    self.coding.label_buffer = None;
                }
            }
        }
        self.deletion_prompt_ui(ui, codebook, pending);
    }

    /// "12 annotations are labelled Quote": relabel them or delete them, as one undo step.
    fn deletion_prompt_ui(&mut self, ui: &mut egui::Ui, codebook: &Codebook, pending: &mut Vec<Command>) {
        let Some(deletion) = &mut self.coding.deletion else { return };
        let name = codebook.label(&deletion.label).map_or(deletion.label.as_str(), |l| l.name.as_str());
        let mut close = false;
        egui::Frame::group(ui.style()).stroke(egui::Stroke::new(1.0, ui.visuals().warn_fg_color)).show(ui, |ui| {
            let noun = if deletion.uses == 1 { "annotation has" } else { "annotations have" };
            ui.label(format!("{} {noun} the label {name}. What should happen to them?", deletion.uses));
            ui.horizontal(|ui| {
                egui::ComboBox::new("relabel_to", "Relabel as")
                    .selected_text(codebook.label(&deletion.relabel_to).map_or("", |l| l.name.as_str()))
                    .show_ui(ui, |ui| {
                        for other in codebook.labels.iter().filter(|l| l.id != deletion.label) {
                            ui.selectable_value(&mut deletion.relabel_to, other.id.clone(), &other.name);
                        }
                    });
            });
            ui.horizontal_wrapped(|ui| {
                if ui.button("Relabel and delete the label").clicked() {
                    pending.push(Command::Coding(CodingCommand::DeleteLabel {
                        label: deletion.label.clone(),
                        relabel_to: Some(deletion.relabel_to.clone()),
                    }));
                }
                if ui
                    .button(RichText::new("Delete the label and its annotations").color(Color32::from_rgb(200, 60, 60)))
                    .clicked()
                {
                    pending.push(Command::Coding(CodingCommand::DeleteLabel {
                        label: deletion.label.clone(),
                        relabel_to: None,
                    }));
                }
                close = ui.button("Cancel").clicked();
            });
            ui.label(RichText::new("Either way it is one step: Undo brings everything back.").small().weak());
        });
        if close {
            self.coding.deletion = None;
        }
    }
}
