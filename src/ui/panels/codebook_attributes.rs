//! The codebook editor's attributes: add one (name, kind, choices, the labels it applies to),
//! rename it, change its kind, labels and choices, delete it. Whatever would remove values that
//! annotations hold asks first, and is one undo step.

use egui::RichText;

use crate::model::Codebook;
use crate::model::codebook_editing::{self as cb, ChoicesOf, Entry};
use crate::ui::app::SpanwiseApp;
use crate::ui::codebook_entries::KindChoice;
use crate::ui::commands::Command;

impl SpanwiseApp {
    pub(super) fn attributes_editor_ui(&mut self, ui: &mut egui::Ui, codebook: &Codebook, pending: &mut Vec<Command>) {
        let time = crate::model::now();
        for attribute in &codebook.attributes {
            let open = self.coding.entries.is_open(Entry::Attribute, &attribute.id);
            ui.horizontal_wrapped(|ui| {
                let response = ui
                    .selectable_label(open, RichText::new(&attribute.name).strong())
                    .accessible_name(format!("Attribute {}", attribute.name));
                if response.clicked() {
                    self.coding.entries.toggle(Entry::Attribute, &attribute.id);
                }
                let about = format!("{}; {}", attribute.kind.name(), Self::label_names(codebook, &attribute.labels));
                ui.label(RichText::new(about).small().weak());
            });
            if !open {
                continue;
            }
            let id = attribute.id.as_str();
            ui.indent(("attribute_editor", id), |ui| {
                ui.horizontal(|ui| {
                    ui.label("Name");
                    if let Some(name) = self.entry_name_ui(ui, Entry::Attribute, id, &attribute.name, "Attribute name")
                    {
                        let change = cb::rename_attribute(codebook, id, &name);
                        self.push_codebook(change, pending);
                    }
                });
                self.entry_definition_ui(ui, codebook, (Entry::Attribute, id), &attribute.definition, pending);
                let of = ChoicesOf::Attribute(attribute.id.clone());
                self.kind_selector_ui(ui, &of, (&attribute.name, &attribute.kind), &KindChoice::ATTRIBUTE, pending);
                ui.label(RichText::new("Applies to (none ticked: every label)").small());
                if let Some(labels) = Self::label_checkboxes_ui(ui, codebook, &attribute.labels, "Applies to") {
                    let name = attribute.name.clone();
                    let change = cb::set_attribute_labels(self.session.project(), id, &labels, time);
                    let question = |count: usize| {
                        let noun = if count == 1 { "annotation has" } else { "annotations have" };
                        format!("{count} {noun} a value of {name} and a label it would no longer apply to. Remove those values?")
                    };
                    self.push_cascade(change, (Entry::Attribute, id), question, "Remove the values", pending);
                }
                if !attribute.kind.options().is_empty() {
                    let of = ChoicesOf::Attribute(attribute.id.clone());
                    let options = attribute.kind.options().to_vec();
                    self.choices_ui(ui, &of, (Entry::Attribute, id, &attribute.name), &options, pending);
                }
                let delete = ui
                    .small_button(RichText::new("Delete attribute").color(ui.visuals().error_fg_color))
                    .accessible_name(format!("Delete attribute {}", attribute.name));
                if delete.clicked() {
                    let name = attribute.name.clone();
                    let change = cb::delete_attribute(self.session.project(), id, time);
                    let question = |count: usize| {
                        let noun = if count == 1 { "annotation has" } else { "annotations have" };
                        format!("{count} {noun} a value of {name}. Delete the attribute and these values?")
                    };
                    self.push_cascade(change, (Entry::Attribute, id), question, "Delete the attribute and its values", pending);
                }
                self.cascade_prompt_ui(ui, Entry::Attribute, id, pending);
            });
        }
        self.new_attribute_ui(ui, codebook, pending);
    }

    fn new_attribute_ui(&mut self, ui: &mut egui::Ui, codebook: &Codebook, pending: &mut Vec<Command>) {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            let new = &mut self.coding.entries.new_attribute;
            ui.add(egui::TextEdit::singleline(&mut new.name).hint_text("New attribute").desired_width(160.0))
                .accessible_name("New attribute name");
            ui.horizontal_wrapped(|ui| {
                for kind in KindChoice::ATTRIBUTE {
                    ui.radio_value(&mut new.kind, kind, kind.name())
                        .accessible_name(format!("New attribute kind: {}", kind.name()));
                }
            });
            if new.kind.has_choices() {
                ui.add(
                    egui::TextEdit::singleline(&mut new.choices)
                        .hint_text("Choices, separated by commas")
                        .desired_width(200.0),
                )
                .accessible_name("New attribute choices");
            }
            ui.label(RichText::new("Applies to (none ticked: every label)").small());
            if let Some(labels) = Self::label_checkboxes_ui(ui, codebook, &new.labels, "New attribute applies to") {
                new.labels = labels;
            }
            if ui.button("Add attribute").clicked() {
                let kind = new.kind.kind(&new.choices);
                match cb::add_attribute(codebook, &new.name, kind, &new.labels) {
                    Ok((changed, id)) => {
                        pending.push(Command::Coding(crate::ui::coding::CodingCommand::SetCodebook(Box::new(changed))));
                        *new = Default::default();
                        self.coding.entries.toggle(Entry::Attribute, &id);
                    }
                    Err(err) => self.coding.error = Some(err.to_string()),
                }
            }
        });
    }
}
