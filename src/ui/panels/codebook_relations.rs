//! The codebook editor's relation types: add, rename, directed or not, choose the labels allowed
//! at the source and the target (checkboxes; none ticked: any label), delete (asks when relations have the
//! type: they go with it, as one undo step).

use egui::RichText;

use crate::model::Codebook;
use crate::model::codebook_editing::{self as cb, Entry};
use crate::ui::app::SpanwiseApp;
use crate::ui::commands::Command;

impl SpanwiseApp {
    pub(super) fn relation_types_editor_ui(
        &mut self,
        ui: &mut egui::Ui,
        codebook: &Codebook,
        pending: &mut Vec<Command>,
    ) {
        for relation_type in &codebook.relation_types {
            let open = self.coding.entries.is_open(Entry::RelationType, &relation_type.id);
            ui.horizontal_wrapped(|ui| {
                let response = ui
                    .selectable_label(open, RichText::new(&relation_type.name).strong())
                    .accessible_name(format!("Relation type {}", relation_type.name));
                let response = if relation_type.definition.is_empty() {
                    response
                } else {
                    response.on_hover_text(&relation_type.definition)
                };
                if response.clicked() {
                    self.coding.entries.toggle(Entry::RelationType, &relation_type.id);
                }
                let ends = format!(
                    "{} {} {}",
                    Self::label_names(codebook, &relation_type.from_labels),
                    if relation_type.directed { ">" } else { "—" },
                    Self::label_names(codebook, &relation_type.to_labels)
                );
                ui.label(RichText::new(ends).small().weak());
            });
            if !open {
                continue;
            }
            let id = relation_type.id.as_str();
            ui.indent(("relation_type_editor", id), |ui| {
                ui.horizontal(|ui| {
                    ui.label("Name");
                    if let Some(name) =
                        self.entry_name_ui(ui, Entry::RelationType, id, &relation_type.name, "Relation type name")
                    {
                        let change = cb::rename_relation_type(codebook, id, &name);
                        self.push_codebook(change, pending);
                    }
                });
                self.entry_definition_ui(ui, codebook, (Entry::RelationType, id), &relation_type.definition, pending);
                let mut directed = relation_type.directed;
                let toggled = ui
                    .checkbox(&mut directed, "Directed: from → to")
                    .on_hover_text("Off: the two ends are symmetric (no arrowhead; exports mark it undirected)")
                    .accessible_name(format!("Directed: {}", relation_type.name))
                    .changed();
                if toggled {
                    let change = cb::set_relation_type_directed(codebook, id, directed);
                    self.push_codebook(change, pending);
                }
                let ends = [("From", &relation_type.from_labels), ("To", &relation_type.to_labels)];
                for (end, labels) in ends {
                    ui.label(RichText::new(format!("{end} (none ticked: any label)")).small());
                    if let Some(now) = Self::label_checkboxes_ui(ui, codebook, labels, end) {
                        let (from, to) = if end == "From" {
                            (now, relation_type.to_labels.clone())
                        } else {
                            (relation_type.from_labels.clone(), now)
                        };
                        let change = cb::set_relation_type_labels(self.session.project(), id, &from, &to);
                        self.push_codebook(change, pending);
                    }
                }
                let delete = ui
                    .small_button(RichText::new("Delete relation type").color(ui.visuals().error_fg_color))
                    .accessible_name(format!("Delete relation type {}", relation_type.name));
                if delete.clicked() {
                    let name = relation_type.name.clone();
                    let change = cb::delete_relation_type(self.session.project(), id);
                    let question = |count: usize| {
                        let noun = if count == 1 { "relation is" } else { "relations are" };
                        format!("{count} {noun} of the type {name}. Delete the type and them?")
                    };
                    self.push_cascade(
                        change,
                        (Entry::RelationType, id),
                        question,
                        "Delete the type and its relations",
                        pending,
                    );
                }
                self.cascade_prompt_ui(ui, Entry::RelationType, id, pending);
            });
        }
        ui.horizontal(|ui| {
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.coding.entries.new_relation_type)
                        .hint_text("New relation type")
                        .desired_width(140.0),
                )
                .accessible_name("New relation type name");
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Add relation type").clicked() || enter {
                match cb::add_relation_type(codebook, &self.coding.entries.new_relation_type) {
                    Ok((new, id)) => {
                        pending.push(Command::Coding(crate::ui::coding::CodingCommand::SetCodebook(Box::new(new))));
                        self.coding.entries.new_relation_type.clear();
                        self.coding.entries.toggle(Entry::RelationType, &id);
                    }
                    Err(err) => self.coding.error = Some(err.to_string()),
                }
            }
        });
    }
}
