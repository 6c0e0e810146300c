//! The compare view, at the foot of the Agreement panel: two coders (or a coder and the gold
//! layer) on the shown document, every disagreement listed and classified
//! (`analysis::compare`), `]` / `[` (or Alt+Down / Alt+Up) to step through them (the text scrolls
//! to each and selects it), and the decisions that build the gold layer: accept A, B or both (then
//! correct the gold copy in the inspector), or every agreement at once. Each is one undo step.

use egui::{RichText, Ui};

use crate::analysis::GOLD_ANNOTATOR;
use crate::analysis::compare::{Comparison, Disagreement};
use crate::model::{Annotation, Document, ItemId, Project, Value};
use crate::ui::agreement::{AgreementCommand, Pick, all_annotators};
use crate::ui::app::SpanwiseApp;
use crate::ui::bidi_text::{self, BidiLine};
use crate::ui::commands::Command;

/// Height of one row of the list, in points.
const ROW_HEIGHT: f32 = 18.0;

fn value_text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        other => format!("{other:?}"),
    }
}

/// "Quote "Grüße 🎉" (stance = for)" for one side of a disagreement.
/// The annotation's text and attribute values are user text, shown in visual order.
fn side_text(project: &Project, document: &Document, id: Option<ItemId>) -> BidiLine {
    let Some(annotation) = id.and_then(|id| document.annotation(id)) else {
        return BidiLine::new().ui("(nothing)");
    };
    let label = project.codebook.label(&annotation.label).map_or(annotation.label.as_str(), |l| l.name.as_str());
    let text: Vec<&str> = annotation.fragments.iter().map(|f| f.text.as_str()).collect();
    let mut line = BidiLine::new().ui(format!("{label} \"")).user(text.join(" … ")).ui(format!(
        "\" {}..{}",
        annotation.start(),
        annotation.end()
    ));
    if !annotation.attributes.is_empty() {
        let attributes: Vec<String> =
            annotation.attributes.iter().map(|(k, v)| format!("{k} = {}", value_text(v))).collect();
        line = line.ui(" (").user(attributes.join(", ")).ui(")");
    }
    line
}

/// Whether the gold layer has an annotation like `id` (same label and fragments).
fn in_gold(document: &Document, id: Option<ItemId>) -> bool {
    let Some(source) = id.and_then(|id| document.annotation(id)) else { return false };
    let same = |a: &Annotation| {
        a.annotator == GOLD_ANNOTATOR
            && a.label == source.label
            && a.fragments.iter().map(|f| (f.start, f.end)).eq(source.fragments.iter().map(|f| (f.start, f.end)))
    };
    document.annotations.iter().any(|a| same(a))
}

impl SpanwiseApp {
    pub(super) fn compare_ui(&mut self, ui: &mut Ui, pending: &mut Vec<Command>) {
        let mut scrolled_to = self.agreement.compare.scrolled_to;
        self.compare_body_ui(ui, &mut scrolled_to, pending);
        self.agreement.compare.scrolled_to = scrolled_to;
    }

    fn compare_body_ui(&self, ui: &mut Ui, scrolled_to: &mut Option<usize>, pending: &mut Vec<Command>) {
        let Some(document) = self.document() else {
            ui.label("Open a document to compare two coders on it");
            return;
        };
        let project = self.project();
        let coders = all_annotators(project);
        let (a, b) = self.agreement.compare.pair.clone().unwrap_or_default();
        let mut chosen = (a.clone(), b.clone());
        ui.horizontal(|ui| {
            for (side, value) in [("A", &mut chosen.0), ("B", &mut chosen.1)] {
                egui::ComboBox::from_label(side).selected_text(value.as_str()).show_ui(ui, |ui| {
                    for id in &coders {
                        ui.selectable_value(value, id.clone(), id);
                    }
                });
            }
        });
        if chosen != (a.clone(), b.clone()) {
            pending.push(Command::Agreement(AgreementCommand::SetPair { a: chosen.0, b: chosen.1 }));
        }
        if self.agreement.compare.job.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Comparing…");
            });
        }
        let Some((_, comparison)) = &self.agreement.compare.comparison else {
            return;
        };
        let compared = project.document(&comparison.document).map_or(comparison.document.as_str(), |d| &d.name);
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{} against {} on {compared}", comparison.a, comparison.b));
            if self.comparison_stale() && self.agreement.compare.job.is_none() {
                ui.label("(changed since)");
                if ui.button("Compare again").clicked() {
                    pending.push(Command::Agreement(AgreementCommand::Recompute));
                }
            }
        });
        let counts: Vec<String> = comparison.counts().iter().map(|(k, n)| format!("{n} {}", k.name())).collect();
        ui.label(format!(
            "{} disagreements{}; {} agreements",
            comparison.disagreements.len(),
            if counts.is_empty() { String::new() } else { format!(" ({})", counts.join(", ")) },
            comparison.agreements.len()
        ));
        ui.horizontal(|ui| {
            let button = egui::Button::new(format!("Accept all agreements ({})", comparison.agreements.len()));
            if ui
                .add_enabled(!comparison.agreements.is_empty(), button)
                .on_hover_text(format!("Copy every annotation {a} and {b} made identically into the gold layer"))
                .clicked()
            {
                pending.push(Command::Agreement(AgreementCommand::AcceptAgreements));
            }
            ui.small("] / [ : next / previous; Alt+1, 2, 3: accept A, B, both");
        });
        let current = self.agreement.compare.current;
        list_ui(ui, document, comparison, current, scrolled_to, pending);
        if let Some(index) = current
            && let Some(disagreement) = comparison.disagreements.get(index)
        {
            current_ui(ui, project, document, (&a, &b), index, disagreement, pending);
        }
    }
}

fn list_ui(
    ui: &mut Ui,
    document: &Document,
    comparison: &Comparison,
    current: Option<usize>,
    scrolled_to: &mut Option<usize>,
    pending: &mut Vec<Command>,
) {
    let row_height = ROW_HEIGHT.max(ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y);
    let mut area = egui::ScrollArea::vertical().id_salt("disagreements").max_height(260.0).auto_shrink([false, true]);
    if current != *scrolled_to {
        // Keep the current one in view (a few rows from the top).
        if let Some(index) = current {
            area = area.vertical_scroll_offset(index.saturating_sub(3) as f32 * row_height);
        }
        *scrolled_to = current;
    }
    area.show_rows(ui, row_height, comparison.disagreements.len(), |ui, rows| {
        for index in rows {
            let Some(d) = comparison.disagreements.get(index) else { continue };
            // The detail quotes the annotations' text: shown in visual order.
            let mut line = BidiLine::new().ui(format!("{}. {}: ", index + 1, d.kind.name())).user(&d.detail);
            let relation = d.a_relation.is_some() || d.b_relation.is_some();
            if !relation && document.id == comparison.document {
                match (in_gold(document, d.a), in_gold(document, d.b)) {
                    (true, true) => line = line.ui("  [gold: both]"),
                    (true, false) => line = line.ui("  [gold: A]"),
                    (false, true) => line = line.ui("  [gold: B]"),
                    (false, false) => {}
                }
            }
            if bidi_text::selectable(ui, current == Some(index), &line).clicked() {
                pending.push(Command::Agreement(AgreementCommand::GoTo(index)));
            }
        }
    });
}

fn current_ui(
    ui: &mut Ui,
    project: &Project,
    document: &Document,
    (a, b): (&str, &str),
    index: usize,
    disagreement: &Disagreement,
    pending: &mut Vec<Command>,
) {
    ui.separator();
    ui.label(RichText::new(format!("{}. {}", index + 1, disagreement.kind.name())).strong());
    bidi_text::label(ui, &BidiLine::user_text(&disagreement.detail));
    let relation = disagreement.a_relation.is_some() || disagreement.b_relation.is_some();
    for (side, coder, id) in [("A", a, disagreement.a), ("B", b, disagreement.b)] {
        let gold = if in_gold(document, id) { "  [in gold]" } else { "" };
        let mut line = BidiLine::new().ui(format!("{side} ({coder}): "));
        line.append(side_text(project, document, id));
        bidi_text::label(ui, &line.ui(gold));
    }
    let has_a = if relation { disagreement.a_relation.is_some() } else { disagreement.a.is_some() };
    let has_b = if relation { disagreement.b_relation.is_some() } else { disagreement.b.is_some() };
    ui.horizontal(|ui| {
        for (pick, enabled) in [(Pick::A, has_a), (Pick::B, has_b), (Pick::Both, has_a && has_b)] {
            let tooltip = match pick {
                Pick::A => format!("Copy {a}'s version into the gold layer, then correct it there if needed (Alt+1)"),
                Pick::B => format!("Copy {b}'s version into the gold layer, then correct it there if needed (Alt+2)"),
                Pick::Both => "Copy both versions into the gold layer (Alt+3)".to_owned(),
            };
            if ui.add_enabled(enabled, egui::Button::new(pick.text())).on_hover_text(tooltip).clicked() {
                pending.push(Command::Agreement(AgreementCommand::Adjudicate { index, pick }));
            }
        }
    });
    ui.small("The accepted copy is selected: change its label or boundaries to correct it.");
}
