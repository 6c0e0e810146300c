//! The Coders panel (View › Coders panel): every coder of the project with their status on the
//! shown document, a checkbox to show or hide their layer with a sample of their underline
//! style, "all" and "only mine", Mark done, the blind coding setting, and why layers are hidden.

use egui::{RichText, Sense, vec2};

use crate::model::CodingStatus;
use crate::ui::app::SpanwiseApp;
use crate::ui::app::coders::{BLIND_REASON, CoderChoice};
use crate::ui::commands::Command;
use crate::ui::doc_view::{CoderStyle, underline};

impl SpanwiseApp {
    pub(super) fn coders_panel_ui(&mut self, ui: &mut egui::Ui) {
        let mut pending = Vec::new();
        ui.heading("Coders");
        let project = self.project();
        let document = self.document();
        let me = self.my_annotator_id();
        let shown = document.and_then(|d| self.shown_coders(d));
        let blinded = document.is_some_and(|d| self.blinded(d));
        ui.horizontal(|ui| {
            if ui.selectable_label(self.coders.choice == CoderChoice::All, "All").clicked() {
                pending.push(Command::ShowAllCoders);
            }
            if ui.selectable_label(self.coders.choice == CoderChoice::Mine, "Only mine").clicked() {
                pending.push(Command::ShowOnlyMyLayer);
            }
        });
        if project.annotators.is_empty() {
            ui.label(RichText::new("No coders yet: annotate, or File › Bring in coders' files…").weak());
        }
        egui::Grid::new("coders_grid").num_columns(3).striped(true).show(ui, |ui| {
            for (i, annotator) in project.annotators.iter().enumerate() {
                let mut visible = shown.as_ref().is_none_or(|s| s.contains(&annotator.id));
                let locked = blinded && annotator.id != me;
                let name =
                    if annotator.id == me { format!("{} (you)", annotator.name) } else { annotator.name.clone() };
                let count =
                    document.map_or(0, |d| d.annotations.iter().filter(|a| a.annotator == annotator.id).count());
                let text = if locked { name } else { format!("{name} ({count})") };
                let checkbox = ui
                    .add_enabled(!locked, egui::Checkbox::new(&mut visible, text))
                    .on_hover_text(format!("Show or hide {}'s annotations (id \"{}\")", annotator.name, annotator.id))
                    .on_disabled_hover_text(BLIND_REASON);
                if checkbox.changed() {
                    pending.push(Command::ToggleCoder(annotator.id.clone()));
                }
                let (rect, _) = ui.allocate_exact_size(vec2(28.0, 12.0), Sense::hover());
                let style = CoderStyle::nth(i);
                underline(
                    ui.painter(),
                    rect.left()..=rect.right(),
                    rect.center().y,
                    ui.visuals().text_color(),
                    Some(style),
                );
                let status = document.map_or(CodingStatus::NotStarted, |d| d.coder_status(&annotator.id));
                ui.label(status.name())
                    .on_hover_text(format!("Underlined {} when several coders are shown", style.name()));
                ui.end_row();
            }
        });
        ui.separator();
        if let Some(status) = self.my_status() {
            ui.label(format!("You, on this document: {}", status.name()));
            if status == CodingStatus::Done {
                if ui.button("Mark not done").clicked() {
                    pending.push(Command::MarkNotDone);
                }
            } else if ui.button("Mark done for me").clicked() {
                pending.push(Command::MarkDone);
            }
        }
        let mut blind = project.blind_coding;
        if ui
            .checkbox(&mut blind, "Blind coding")
            .on_hover_text(
                "Stored in the project: each coder sees only their own layer until they mark a document done",
            )
            .changed()
        {
            pending.push(Command::ToggleBlindCoding);
        }
        if blinded {
            ui.label(RichText::new(BLIND_REASON).color(ui.visuals().warn_fg_color));
        }
        pending.into_iter().for_each(|command| self.command(command));
    }
}
