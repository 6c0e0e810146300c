//! The codebook editor's document variables (coded once per document): add one (name, kind,
//! choices; a date too), rename it, change its kind and choices, delete it. Whatever would remove values
//! that documents hold asks first, and is one undo step.

use egui::RichText;

use crate::model::Codebook;
use crate::model::codebook_editing::{self as cb, ChoicesOf, Entry};
use crate::ui::app::SpanwiseApp;
use crate::ui::codebook_entries::KindChoice;
use crate::ui::commands::Command;

impl SpanwiseApp {
    pub(super) fn fields_editor_ui(&mut self, ui: &mut egui::Ui, codebook: &Codebook, pending: &mut Vec<Command>) {
        for field in &codebook.document_fields {
            let open = self.coding.entries.is_open(Entry::Field, &field.id);
            ui.horizontal_wrapped(|ui| {
                let response = ui
                    .selectable_label(open, RichText::new(&field.name).strong())
                    .accessible_name(format!("Variable {}", field.name));
                if response.clicked() {
                    self.coding.entries.toggle(Entry::Field, &field.id);
                }
                ui.label(RichText::new(field.kind.name()).small().weak());
            });
            if !open {
                continue;
            }
            let id = field.id.as_str();
            ui.indent(("field_editor", id), |ui| {
                ui.horizontal(|ui| {
                    ui.label("Name");
                    if let Some(name) = self.entry_name_ui(ui, Entry::Field, id, &field.name, "Variable name") {
                        let change = cb::rename_field(codebook, id, &name);
                        self.push_codebook(change, pending);
                    }
                });
                self.entry_definition_ui(ui, codebook, (Entry::Field, id), &field.definition, pending);
                let of = ChoicesOf::Field(field.id.clone());
                self.kind_selector_ui(ui, &of, (&field.name, &field.kind), &KindChoice::FIELD, pending);
                if !field.kind.options().is_empty() {
                    let of = ChoicesOf::Field(field.id.clone());
                    let options = field.kind.options().to_vec();
                    self.choices_ui(ui, &of, (Entry::Field, id, &field.name), &options, pending);
                }
                let delete = ui
                    .small_button(RichText::new("Delete variable").color(ui.visuals().error_fg_color))
                    .accessible_name(format!("Delete variable {}", field.name));
                if delete.clicked() {
                    let name = field.name.clone();
                    let change = cb::delete_field(self.session.project(), id);
                    let question = |count: usize| {
                        let noun = if count == 1 { "document has" } else { "documents have" };
                        format!("{count} {noun} a value of {name}. Delete the variable and these values?")
                    };
                    self.push_cascade(
                        change,
                        (Entry::Field, id),
                        question,
                        "Delete the variable and its values",
                        pending,
                    );
                }
                self.cascade_prompt_ui(ui, Entry::Field, id, pending);
            });
        }
        egui::Frame::group(ui.style()).show(ui, |ui| {
            let new = &mut self.coding.entries.new_field;
            ui.add(egui::TextEdit::singleline(&mut new.name).hint_text("New variable").desired_width(160.0))
                .accessible_name("New variable name");
            ui.horizontal_wrapped(|ui| {
                for kind in KindChoice::FIELD {
                    ui.radio_value(&mut new.kind, kind, kind.name())
                        .accessible_name(format!("New variable kind: {}", kind.name()));
                }
            });
            if new.kind.has_choices() {
                ui.add(
                    egui::TextEdit::singleline(&mut new.choices)
                        .hint_text("Choices, separated by commas")
                        .desired_width(200.0),
                )
                .accessible_name("New variable choices");
            }
            if ui.button("Add variable").clicked() {
                match cb::add_field(codebook, &new.name, new.kind.kind(&new.choices)) {
                    Ok((changed, id)) => {
                        pending.push(Command::Coding(crate::ui::coding::CodingCommand::SetCodebook(Box::new(changed))));
                        *new = Default::default();
                        self.coding.entries.toggle(Entry::Field, &id);
                    }
                    Err(err) => self.coding.error = Some(err.to_string()),
                }
            }
        });
    }
}
