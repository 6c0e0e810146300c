//! The kind selector of an attribute's or document variable's editor: choice, multi-choice,
//! yes/no, number, free text (and date for variables). Changing the kind converts the stored
//! values where that is lossless (`model::kind_change`); when some would not fit, the editor
//! asks with a count and examples before removing them. One undo step either way.

use egui::RichText;

use crate::model::ValueKind;
use crate::model::codebook_editing::{ChoicesOf, Entry};
use crate::model::kind_change::{change_kind, choices_from_values};
use crate::ui::app::SpanwiseApp;
use crate::ui::codebook_entries::{CascadePrompt, KindChoice};
use crate::ui::commands::Command;

/// More distinct values than this, made into choices, are asked about first.
const MANY_CHOICES: usize = 20;

impl SpanwiseApp {
    /// "Kind" with a radio button per kind; a click on another kind changes it (or asks first).
    pub(super) fn kind_selector_ui(
        &mut self,
        ui: &mut egui::Ui,
        of: &ChoicesOf,
        (name, current): (&str, &ValueKind),
        kinds: &[KindChoice],
        pending: &mut Vec<Command>,
    ) {
        let now = KindChoice::of(current);
        let mut picked = None;
        ui.horizontal_wrapped(|ui| {
            ui.label("Kind");
            for kind in kinds {
                let response = ui
                    .radio(now == *kind, kind.name())
                    .on_hover_text("Change the kind: values are converted where they fit; you are asked before any go")
                    .accessible_name(format!("Kind of {name}: {}", kind.name()));
                if response.clicked() && now != *kind {
                    picked = Some(*kind);
                }
            }
        });
        if let Some(kind) = picked {
            self.coding.entries.kind_draft = None;
            // Choices: the current ones, else the distinct values; none: the user types them.
            let choices = if kind.has_choices() { choices_from_values(self.session.project(), of) } else { Vec::new() };
            if kind.has_choices() && choices.is_empty() {
                self.coding.entries.kind_draft = Some((of.clone(), kind, String::new()));
            } else {
                // Many distinct values made into choices: said before it happens.
                let made = current.options().is_empty() && choices.len() > MANY_CHOICES;
                let count = choices.len();
                let to = match kind {
                    KindChoice::Choice => ValueKind::Choice(choices),
                    KindChoice::MultiChoice => ValueKind::MultiChoice(choices),
                    other => other.kind(""),
                };
                let confirm =
                    made.then(|| format!("{name} has {count} different values: make them its {count} choices?"));
                self.push_kind_change(of, to, confirm, pending);
            }
        }
        self.kind_draft_ui(ui, of, name, pending);
    }

    /// The choices of a kind change to a choice kind, typed when there were no values to make
    /// them from.
    fn kind_draft_ui(&mut self, ui: &mut egui::Ui, of: &ChoicesOf, name: &str, pending: &mut Vec<Command>) {
        let Some((whose, kind, text)) = &mut self.coding.entries.kind_draft else { return };
        if whose != of {
            return;
        }
        let kind = *kind;
        let mut answer = None;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new(format!("The choices of {name} as a {}", kind.name())).small());
            ui.add(egui::TextEdit::singleline(text).hint_text("Choices, separated by commas").desired_width(200.0))
                .accessible_name(format!("Choices of {name} as a {}", kind.name()));
            ui.horizontal(|ui| {
                if ui.button(format!("Make it a {}", kind.name())).clicked() {
                    answer = Some(true);
                }
                if ui.button("Cancel").accessible_name(format!("Cancel the kind change of {name}")).clicked() {
                    answer = Some(false);
                }
            });
        });
        match answer {
            Some(true) => {
                let to = kind.kind(text);
                self.push_kind_change(of, to, None, pending);
            }
            Some(false) => self.coding.entries.kind_draft = None,
            None => {}
        }
    }

    /// The kind change applied at once when every value fits (and `confirm`, a question asked
    /// anyway, is `None`), else held with the question(s).
    fn push_kind_change(&mut self, of: &ChoicesOf, to: ValueKind, confirm: Option<String>, pending: &mut Vec<Command>) {
        let (entry, id) = match of {
            ChoicesOf::Attribute(id) => (Entry::Attribute, id),
            ChoicesOf::Field(id) => (Entry::Field, id),
        };
        match change_kind(self.session.project(), of, to, crate::model::now()) {
            Ok(change) => {
                self.coding.entries.kind_draft = None;
                let button = if change.question().is_some() { "Remove those values" } else { "Make them choices" };
                let question = match (confirm, change.question()) {
                    (Some(made), Some(misfits)) => Some(format!("{made} {misfits}")),
                    (made, misfits) => made.or(misfits),
                };
                match question {
                    None => pending.push(Command::CodebookCascade(Box::new(change.cascade))),
                    Some(question) => {
                        self.coding.entries.prompt = Some(CascadePrompt {
                            entry,
                            id: id.clone(),
                            question,
                            confirm: button.into(),
                            cascade: Box::new(change.cascade),
                            base: Box::new(self.session.project().codebook.clone()),
                        });
                    }
                }
            }
            Err(err) => self.coding.error = Some(err.to_string()),
        }
    }
}
