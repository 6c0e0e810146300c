//! The relations of the selected annotation, in the inspector: each with its type (change it
//! among the types the codebook allows for the pair), the other end (click to go there) and
//! Delete; and how to make a new one. Every change is one undoable edit.

use egui::RichText;

use crate::model::Annotation;
use crate::model::relating::allowed_relation_types;
use crate::ui::app::SpanwiseApp;
use crate::ui::bidi_text::{self, BidiLine};
use crate::ui::commands::Command;
use crate::ui::doc_view::excerpt;

impl SpanwiseApp {
    /// The relations `annotation` takes part in.
    pub(super) fn relations_ui(&self, ui: &mut egui::Ui, annotation: &Annotation, pending: &mut Vec<Command>) {
        let Some(document) = self.document() else {
            return;
        };
        let codebook = &self.session.project().codebook;
        if codebook.relation_types.is_empty() {
            return;
        }
        // Looked up by annotation (the document keeps them indexed), not found among all relations
        // in every frame.
        let related = document.relations_of(annotation.id);
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(format!("Relations ({})", related.len()));
            let relating = self.view.as_ref().is_some_and(|v| v.relating.is_some());
            if ui
                .add_enabled(!relating, egui::Button::new("Relate…").small())
                .on_hover_text("Link to another annotation: pick it with Tab, then Enter (R; or Alt+click it)")
                .clicked()
            {
                pending.push(Command::StartRelation);
            }
        });
        for relation in related {
            let outgoing = relation.from == annotation.id;
            let other_id = if outgoing { relation.to } else { relation.from };
            let Some(other) = document.annotation(other_id) else { continue };
            let (source, target) = if outgoing { (annotation, other) } else { (other, annotation) };
            let kind_name = codebook.relation_type(&relation.kind).map_or(relation.kind.as_str(), |t| t.name.as_str());
            let directed = codebook.relation_type(&relation.kind).is_none_or(|t| t.directed);
            ui.horizontal_wrapped(|ui| {
                let allowed = allowed_relation_types(codebook, &source.label, &target.label);
                egui::ComboBox::from_id_salt(("relation_kind", relation.id))
                    .selected_text(kind_name)
                    .width(110.0)
                    .show_ui(ui, |ui| {
                        for relation_type in allowed {
                            if ui.selectable_label(relation_type.id == relation.kind, &relation_type.name).clicked()
                                && relation_type.id != relation.kind
                            {
                                pending
                                    .push(Command::RetypeRelation { id: relation.id, kind: relation_type.id.clone() });
                            }
                        }
                    })
                    .response
                    .on_hover_text("Change the relation's type");
                let arrow = match (outgoing, directed) {
                    (_, false) => "↔",
                    (true, true) => "→",
                    (false, true) => "←",
                };
                let label = codebook.label(&other.label).map_or(other.label.as_str(), |l| l.name.as_str());
                let line = BidiLine::new().ui(format!("{arrow} {label}: ")).user(excerpt(&other.text(), 36));
                if bidi_text::link(ui, &line).on_hover_text("Select the other annotation").clicked() {
                    pending.push(Command::RevealAnnotation(other_id));
                }
                if ui
                    .small_button(RichText::new("✕").color(ui.visuals().error_fg_color))
                    .on_hover_text("Delete this relation")
                    .clicked()
                {
                    pending.push(Command::DeleteRelation(relation.id));
                }
            });
        }
    }
}
