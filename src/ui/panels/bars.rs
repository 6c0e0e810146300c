//! The thin bars: labels to tag with (top), the banner for states the user must know about, and
//! the status bar (bottom).

use std::path::Path;

use egui::{Color32, RichText};

use crate::ui::app::SpanwiseApp;
use crate::ui::commands::Command;
use crate::ui::doc_view::label_color;

impl SpanwiseApp {
    pub(super) fn label_bar_ui(&mut self, ui: &mut egui::Ui) {
        let mut pending = Vec::new();
        ui.horizontal(|ui| {
            let has_selection = self.view.as_ref().and_then(|v| v.selected_range()).is_some();
            ui.label(if has_selection { "Tag selection as" } else { "Labels" });
            let codebook = &self.project().codebook;
            for label in &codebook.labels {
                let color = label_color(codebook, &label.id);
                let text = match label.hotkey {
                    Some(key) => format!("{key}  {}", label.name),
                    None => label.name.clone(),
                };
                let button = egui::Button::new(RichText::new(text).color(Color32::WHITE).strong()).fill(color);
                let mut hover = if label.definition.is_empty() { label.name.clone() } else { label.definition.clone() };
                for example in &label.examples {
                    hover.push_str(&format!("\ne.g. “{example}”"));
                }
                if ui.add(button).on_hover_text(hover).clicked() {
                    pending.push(Command::Tag(label.id.clone()));
                }
            }
        });
        pending.into_iter().for_each(|command| self.command(command));
    }

    pub(super) fn status_ui(&mut self, ui: &mut egui::Ui) {
        let mut pending = Vec::new();
        ui.horizontal(|ui| {
            let name = if self.settings.annotator_name.is_empty() {
                "(no name)"
            } else {
                self.settings.annotator_name.as_str()
            };
            if ui
                .link(format!("Annotator: {name}"))
                .on_hover_text("Change the name recorded on your annotations")
                .clicked()
            {
                pending.push(Command::EditAnnotatorName);
            }
            ui.separator();
            // Of the coders shown (the list's count): a layer hidden by blind coding tells nothing.
            let count = self.document().map_or(0, |_| self.list_cache.total());
            ui.label(format!("{count} annotations in this document"));
            // The encoding the document's file was read in (imported texts): like an editor's
            // status bar, and the way to read it again in another one.
            if let Some(encoding) = self.document().and_then(|d| d.metadata.get("encoding")) {
                ui.separator();
                let hover = format!(
                    "The text was read from its file as {encoding}. If letters look wrong, read it again in \
                     another encoding (Document › Clean up…)"
                );
                if ui.link(encoding.as_str()).on_hover_text(hover).clicked() {
                    pending.push(Command::CleanUp);
                }
            }
            if self.document().is_some_and(|d| self.blinded(d)) {
                ui.separator();
                ui.label(RichText::new("Others' layers hidden: blind coding").color(ui.visuals().warn_fg_color))
                    .on_hover_text(crate::ui::app::coders::BLIND_REASON);
            }
            if let Some(range) = self.view.as_ref().and_then(|v| v.selected_range()) {
                ui.separator();
                ui.label(format!("Selected {}..{} ({} characters)", range.start, range.end, range.len()));
            }
            ui.separator();
            if self.is_dirty() {
                ui.label(RichText::new("Unsaved changes").color(ui.visuals().warn_fg_color));
                if self.journal_path().is_some() {
                    ui.label("(autosaved)").on_hover_text(
                        "Every change is written to a recovery journal as you work; if Spanwise or the computer \
                         stops, the next start offers to recover it",
                    );
                }
            } else {
                ui.label("Saved");
            }
            if let Some(status) = &self.status {
                ui.separator();
                ui.label(status);
            }
        });
        pending.into_iter().for_each(|command| self.command(command));
    }

    /// The banner's content: states the user must know about.
    pub(super) fn banner_ui(&mut self, ui: &mut egui::Ui) {
        let warn = ui.visuals().warn_fg_color;
        let session = self.session();
        let mut edit_anyway = false;
        if let Some(owner) = session.read_only_because() {
            ui.horizontal_wrapped(|ui| {
                let name = session.path().and_then(Path::file_name).unwrap_or_default();
                ui.colored_label(
                    warn,
                    format!(
                        "Read-only: {} is open for editing in another Spanwise ({owner}). Save is off; Save as… saves \
                         your changes to another file.",
                        name.to_string_lossy()
                    ),
                );
                edit_anyway = ui
                    .button("Edit anyway")
                    .on_hover_text("Take the file over: the other Spanwise will no longer save it")
                    .clicked();
            });
        }
        if let Some(missing) = session.file_missing() {
            ui.colored_label(
                warn,
                format!("{missing}. Your work is still open: Save writes the file again, or use Save as…"),
            );
        }
        if let Some(problem) = session.autosave_problem() {
            ui.colored_label(warn, problem);
        }
        if edit_anyway {
            self.command(Command::EditAnyway);
        }
        self.cleanup_offer_ui(ui);
    }

    pub(super) fn has_banner(&self) -> bool {
        let session = self.session();
        session.autosave_problem().is_some()
            || session.read_only_because().is_some()
            || session.file_missing().is_some()
            || self.shows_cleanup_offer()
    }
}
