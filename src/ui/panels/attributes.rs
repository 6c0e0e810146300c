//! Typed values edited with the keyboard: the selected annotation's attributes (in the
//! inspector) and the shown document's variables (in the coding panel). Choices are buttons
//! (Tab moves between them, Space or Enter picks), yes/no a checkbox, multi-choice checkboxes;
//! numbers, dates and free text are fields saved when they lose the keyboard (Enter or Tab).

use egui::RichText;

use crate::model::{Annotation, Value, ValueKind};
use crate::ui::app::SpanwiseApp;
use crate::ui::coding::CodingCommand;
use crate::ui::commands::Command;

/// What the user did to a value: `Some(new)` (`Some(None)`: cleared).
type Change = Option<Option<Value>>;

/// One value's editor. `buffer` holds what is typed in a field until it is saved.
fn value_ui(
    ui: &mut egui::Ui,
    name: &str,
    kind: &ValueKind,
    current: Option<&Value>,
    buffer: &mut Option<String>,
    error: &mut Option<String>,
) -> Change {
    let mut change = None;
    match kind {
        ValueKind::Choice(options) => {
            ui.horizontal_wrapped(|ui| {
                for option in options {
                    let picked = current == Some(&Value::Choice(option.clone()));
                    let response = ui.selectable_label(picked, option).accessible_name(format!("{name}: {option}"));
                    if response.clicked() {
                        change = Some(if picked { None } else { Some(Value::Choice(option.clone())) });
                    }
                }
            });
        }
        ValueKind::MultiChoice(options) => {
            let picked: Vec<String> = match current {
                Some(Value::Choices(c)) => c.clone(),
                _ => Vec::new(),
            };
            ui.horizontal_wrapped(|ui| {
                for option in options {
                    let mut on = picked.contains(option);
                    if ui.checkbox(&mut on, option).accessible_name(format!("{name}: {option}")).changed() {
                        let now: Vec<String> = options
                            .iter()
                            .filter(|o| if *o == option { on } else { picked.contains(o) })
                            .cloned()
                            .collect();
                        change = Some((!now.is_empty()).then_some(Value::Choices(now)));
                    }
                }
            });
        }
        ValueKind::Bool => {
            let mut on = current == Some(&Value::Bool(true));
            let text = match current {
                None => "(not coded)",
                Some(Value::Bool(true)) => "yes",
                Some(_) => "no",
            };
            if ui.checkbox(&mut on, text).accessible_name(name).changed() {
                change = Some(Some(Value::Bool(on)));
            }
        }
        ValueKind::Text | ValueKind::Number | ValueKind::Date => {
            let shown = current.map(Value::display).unwrap_or_default();
            let mut text = buffer.clone().unwrap_or_else(|| shown.clone());
            let hint = match kind {
                ValueKind::Date => "YYYY-MM-DD",
                ValueKind::Number => "a number",
                _ => "",
            };
            let response = ui
                .add(egui::TextEdit::singleline(&mut text).hint_text(hint).desired_width(f32::INFINITY))
                .accessible_name(name);
            if response.changed() || response.has_focus() {
                *buffer = Some(text.clone());
            }
            if response.lost_focus() {
                *buffer = None;
                let trimmed = text.trim();
                if trimmed != shown {
                    let parsed = match kind {
                        _ if trimmed.is_empty() => Ok(None),
                        ValueKind::Number => trimmed
                            .replace(',', ".")
                            .parse::<f64>()
                            .ok()
                            .filter(|n| n.is_finite())
                            .map(|n| Some(Value::Number(n)))
                            .ok_or_else(|| format!("{name}: \"{trimmed}\" is not a number")),
                        ValueKind::Date => chrono::NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
                            .map(|d| Some(Value::Date(d)))
                            .map_err(|_| format!("{name}: \"{trimmed}\" is not a date of the form YYYY-MM-DD")),
                        _ => Ok(Some(Value::Text(trimmed.to_owned()))),
                    };
                    match parsed {
                        Ok(value) => {
                            *error = None;
                            change = Some(value);
                        }
                        Err(message) => {
                            *error = Some(message);
                            ui.ctx().request_repaint();
                        }
                    }
                }
            }
        }
    }
    change
}

impl SpanwiseApp {
    /// The selected annotation's attributes (those its label, or its parent label, has).
    pub(super) fn attributes_ui(&mut self, ui: &mut egui::Ui, annotation: &Annotation, pending: &mut Vec<Command>) {
        let codebook = self.project().codebook.clone();
        let definitions: Vec<_> = codebook.attributes_for(&annotation.label).cloned().collect();
        if definitions.is_empty() {
            return;
        }
        ui.add_space(6.0);
        ui.label("Attributes");
        egui::Grid::new("attributes").num_columns(2).striped(true).show(ui, |ui| {
            for definition in &definitions {
                ui.label(&definition.name).on_hover_text(&definition.definition);
                let key = (annotation.id, definition.id.clone());
                let mut buffer = self.coding.number_buffers.get(&key).cloned();
                let change = ui
                    .vertical(|ui| {
                        value_ui(
                            ui,
                            &definition.name,
                            &definition.kind,
                            annotation.attributes.get(&definition.id),
                            &mut buffer,
                            &mut self.coding.error,
                        )
                    })
                    .inner;
                match buffer {
                    Some(text) => self.coding.number_buffers.insert(key, text),
                    None => self.coding.number_buffers.remove(&key),
                };
                if let Some(value) = change {
                    pending.push(Command::Coding(CodingCommand::SetAttribute {
                        annotation: annotation.id,
                        attribute: definition.id.clone(),
                        value,
                    }));
                }
                ui.end_row();
            }
        });
        if let Some(error) = &self.coding.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
    }

    /// The shown document's variables (the codebook's document fields).
    pub(super) fn variables_ui(&mut self, ui: &mut egui::Ui, pending: &mut Vec<Command>) {
        let Some(document) = self.document() else {
            ui.label(RichText::new("No document").weak());
            return;
        };
        let (document_id, variables) = (document.id.clone(), document.variables.clone());
        let fields = self.project().codebook.document_fields.clone();
        if fields.is_empty() {
            ui.label(RichText::new("The codebook has no document variables").weak());
            return;
        }
        egui::Grid::new("document_variables").num_columns(2).striped(true).show(ui, |ui| {
            for field in &fields {
                ui.label(&field.name).on_hover_text(&field.definition);
                let key = (document_id.clone(), field.id.clone());
                let mut buffer = self.coding.variable_buffers.get(&key).cloned();
                let change = ui
                    .vertical(|ui| {
                        value_ui(
                            ui,
                            &field.name,
                            &field.kind,
                            variables.get(&field.id),
                            &mut buffer,
                            &mut self.coding.error,
                        )
                    })
                    .inner;
                match buffer {
                    Some(text) => self.coding.variable_buffers.insert(key, text),
                    None => self.coding.variable_buffers.remove(&key),
                };
                if let Some(value) = change {
                    pending.push(Command::Coding(CodingCommand::SetVariable { field: field.id.clone(), value }));
                }
                ui.end_row();
            }
        });
    }
}
