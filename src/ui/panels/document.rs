//! The middle: the shown document (the virtualized view), or how to start when nothing is open.

use crate::formats;
use crate::ui::app::SpanwiseApp;
use crate::ui::commands::Command;

impl SpanwiseApp {
    pub(super) fn document_ui(&mut self, ui: &mut egui::Ui) {
        let project = self.session.project();
        let document = self.current_document.as_deref().and_then(|id| project.document(id));
        let filter = document.map(|d| self.layer_filter(d)).unwrap_or_default();
        let layers = document.map(|d| self.coder_layers(d)).unwrap_or_default();
        if let Some(document) = document
            && self.selected_annotation.and_then(|id| document.annotation(id)).is_some_and(|a| filter.hides(a))
        {
            // A hidden annotation is never the one keys act on.
            self.selected_annotation = None;
        }
        let (Some(view), Some(document)) = (&mut self.view, document) else {
            let mut pending = Vec::new();
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() / 3.0);
                ui.heading("Spanwise");
                let kinds: Vec<String> = formats::TEXT_EXTENSIONS.iter().map(|e| format!(".{e}")).collect();
                ui.label(format!(
                    "Open a text ({}) or a project (.spanwise.ron) with File › Open…, or drop a file on this window.",
                    kinds.join(", ")
                ));
                if ui.button("Open…").clicked() {
                    pending.push(Command::Open);
                }
                if !self.settings.recent_files.is_empty() {
                    ui.add_space(12.0);
                    ui.label("Recent files");
                    for path in &self.settings.recent_files {
                        if ui.link(path.display().to_string()).clicked() {
                            pending.push(Command::OpenPath(path.clone()));
                        }
                    }
                }
            });
            pending.into_iter().for_each(|command| self.command(command));
            return;
        };
        let generation = self.session.generation();
        if !view.belongs_to(generation, document) {
            *view = crate::ui::doc_view::DocView::new(document, generation);
        }
        view.coder_layers = layers;
        self.memo_marks.update(generation, self.session.revision(), project);
        view.memo_notes = self.memo_marks.shared();
        let output = view.ui(ui, document, &project.codebook, self.selected_annotation, &|a| filter.hides(a));
        if let Some(target) = output.relate_to {
            self.command(Command::RelateTo(target));
        } else if let Some(range) = output.add_fragment {
            self.command(Command::AddFragment(range));
        } else if let Some((boundary, offset, snap)) = output.move_boundary {
            self.command(Command::MoveBoundary { boundary, offset, snap });
        } else if let Some(id) = output.open_memo {
            self.command(Command::OpenMemo(id));
        } else if let Some(id) = output.clicked_annotation {
            self.command(Command::SelectAnnotation(id));
        } else if output.clicked_empty {
            self.selected_annotation = None;
        }
    }
}
