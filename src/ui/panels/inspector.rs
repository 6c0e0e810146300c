//! The right panel: the selected annotation, its label (change it with a click), text, facts,
//! relations, boundaries, note, and Delete.

use egui::{Color32, RichText};

use crate::model::Boundary;
use crate::ui::app::SpanwiseApp;
use crate::ui::commands::Command;
use crate::ui::doc_view::label_color;

impl SpanwiseApp {
    pub(super) fn inspector_ui(&mut self, ui: &mut egui::Ui) {
        let mut pending = Vec::new();
        self.annotation_ui(ui, &mut pending);
        pending.into_iter().for_each(|command| self.command(command));
    }

    fn annotation_ui(&mut self, ui: &mut egui::Ui, pending: &mut Vec<Command>) {
        ui.heading("Annotation");
        let project = self.session.project();
        let Some(annotation) = self.selected().cloned() else {
            ui.label("Click a highlight to inspect it.");
            ui.add_space(8.0);
            let keys: Vec<String> = project.codebook.labels.iter().filter_map(|l| l.hotkey).map(String::from).collect();
            let keys = match keys.as_slice() {
                [] => String::new(),
                [one] => format!(" ({one})"),
                [first, .., last] if keys.len() > 2 => format!(" ({first}–{last})"),
                many => format!(" ({})", many.join(", ")),
            };
            ui.label(
                RichText::new(format!(
                    "Select text with the mouse (double-click selects a word, shift-click extends), then press a \
                     label key{keys} or click a label above."
                ))
                .weak(),
            );
            return;
        };
        let codebook = &project.codebook;
        ui.horizontal_wrapped(|ui| {
            for label in &codebook.labels {
                let color = label_color(codebook, &label.id);
                let selected = annotation.label == label.id;
                let text = RichText::new(&label.name).color(if selected { Color32::WHITE } else { color });
                let fill = if selected { color } else { Color32::TRANSPARENT };
                if ui.add(egui::Button::new(text).selected(selected).fill(fill)).clicked() && !selected {
                    pending.push(Command::Relabel(label.id.clone()));
                }
            }
        });
        ui.add_space(4.0);
        egui::ScrollArea::vertical().id_salt("inspector_text").max_height(160.0).show(ui, |ui| {
            crate::ui::bidi_text::paragraph(ui, &annotation.text(), egui::FontId::proportional(15.0));
        });
        ui.add_space(4.0);
        egui::Grid::new("annotation_facts").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
            ui.label("Span");
            let spans: Vec<String> = annotation.fragments.iter().map(|f| format!("{}..{}", f.start, f.end)).collect();
            let length: usize = annotation.fragments.iter().map(|f| f.end - f.start).sum();
            ui.label(format!("{} ({length} characters)", spans.join(", ")));
            ui.end_row();
            ui.label("Annotator");
            let name =
                project.annotator(&annotation.annotator).map_or(annotation.annotator.as_str(), |a| a.name.as_str());
            ui.label(name);
            ui.end_row();
            ui.label("Created");
            ui.label(annotation.created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            ui.end_row();
            ui.label("Modified");
            ui.label(annotation.modified.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            ui.end_row();
            ui.label("Id");
            ui.label(annotation.id.to_string());
            ui.end_row();
        });
        self.attributes_ui(ui, &annotation, pending);
        self.relations_ui(ui, &annotation, pending);
        ui.add_space(6.0);
        ui.label("Boundaries");
        ui.horizontal(|ui| {
            let mut nudge = |ui: &mut egui::Ui, boundary, delta, text: &str, tooltip: &str| {
                if ui.small_button(text).on_hover_text(tooltip).clicked() {
                    pending.push(Command::NudgeBoundary { boundary, delta });
                }
            };
            ui.label("Start");
            nudge(ui, Boundary::Start, -1, "<", "Move the start one character left");
            nudge(ui, Boundary::Start, 1, ">", "Move the start one character right");
            ui.label("End");
            nudge(ui, Boundary::End, -1, "<", "Move the end one character left");
            nudge(ui, Boundary::End, 1, ">", "Move the end one character right");
        });
        let has_selection = self.view.as_ref().and_then(|v| v.selected_range()).is_some();
        if ui
            .add_enabled(has_selection, egui::Button::new("Set span to selection"))
            .on_hover_text("Select the new extent in the text, then click here")
            .on_disabled_hover_text("Select the new extent in the text first")
            .clicked()
        {
            pending.push(Command::SpanToSelection);
        }
        ui.add_space(6.0);
        ui.label("Note");
        if self.note_buffer.as_ref().is_none_or(|(id, _)| *id != annotation.id) {
            self.note_buffer = Some((annotation.id, annotation.note.clone()));
        }
        if let Some((id, text)) = &mut self.note_buffer {
            let response = ui
                .add(
                    egui::TextEdit::multiline(text)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY)
                        .hint_text("A note about this annotation"),
                )
                .accessible_name("Annotation note");
            if response.lost_focus() && *text != annotation.note {
                pending.push(Command::SetNote(*id, text.clone()));
            }
        }
        ui.add_space(6.0);
        if ui.button(RichText::new("Delete annotation").color(ui.visuals().error_fg_color)).clicked() {
            pending.push(Command::DeleteAnnotation);
        }
    }
}
