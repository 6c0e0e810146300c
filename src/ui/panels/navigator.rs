//! The left panel: the project's documents, then the annotation list of the shown one with label
//! filters (which also hide the labels in the text) and a search.

use egui::RichText;

use crate::ui::app::SpanwiseApp;
use crate::ui::bidi_text::{self, BidiLine};
use crate::ui::commands::Command;
use crate::ui::doc_view::{excerpt, label_color};

impl SpanwiseApp {
    pub(super) fn navigator_ui(&mut self, ui: &mut egui::Ui) {
        let mut pending = Vec::new();
        self.documents_ui(ui, &mut pending);
        ui.separator();
        self.annotation_list_ui(ui, &mut pending);
        pending.into_iter().for_each(|command| self.command(command));
    }

    fn documents_ui(&self, ui: &mut egui::Ui, pending: &mut Vec<Command>) {
        ui.heading("Documents");
        let project = self.session.project();
        // Blind coding: no counts of others' work; my own status instead.
        let me = project.blind_coding.then(|| self.my_annotator_id());
        egui::ScrollArea::vertical().id_salt("documents").max_height(160.0).auto_shrink([false, true]).show(ui, |ui| {
            for document in &project.documents {
                let selected = self.current_document.as_deref() == Some(document.id.as_str());
                let title = BidiLine::user_text(&excerpt(document.title(), 40));
                let line = match &me {
                    Some(me) => title.ui(format!("  (you: {})", document.coder_status(me).name())),
                    None => title.ui(format!("  ({})", document.annotations.len())),
                };
                let name = BidiLine::user_text(&document.name);
                let response =
                    bidi_text::selectable(ui, selected, &line).on_hover_ui(|ui| _ = bidi_text::label(ui, &name));
                if response.clicked() {
                    pending.push(Command::SelectDocument(document.id.clone()));
                }
                response.context_menu(|ui| {
                    if ui.button("Remove from project").clicked() {
                        pending.push(Command::RemoveDocument(document.id.clone()));
                        ui.close();
                    }
                });
            }
            if project.documents.is_empty() {
                ui.label("No documents yet. Open a text with File › Open… or drop a file here.");
            }
        });
        if ui.button("Add document…").clicked() {
            pending.push(Command::AddDocument);
        }
    }

    fn annotation_list_ui(&mut self, ui: &mut egui::Ui, pending: &mut Vec<Command>) {
        ui.heading("Annotations");
        let generation = self.session.generation();
        let project = self.session.project();
        let document = self.current_document.as_deref().and_then(|id| project.document(id));
        let filter = document.map(|d| self.layer_filter(d)).unwrap_or_default();
        if let Some(document) = document {
            self.list_cache.update(generation, document, &project.codebook, &self.list_search, &filter);
        }
        ui.horizontal_wrapped(|ui| {
            for label in &project.codebook.labels {
                let mut shown = !self.hidden_labels.contains(&label.id);
                let color = label_color(&project.codebook, &label.id);
                // A label's count includes its sub-labels'; a sub-label is shown after its parent.
                let count = self.list_cache.label_count(&label.id)
                    + project.codebook.children(&label.id).map(|c| self.list_cache.label_count(&c.id)).sum::<usize>();
                let name = if label.parent.is_some() { format!("↳ {}", label.name) } else { label.name.clone() };
                let text = RichText::new(format!("{name} {count}")).color(color);
                if ui
                    .checkbox(&mut shown, text)
                    .on_hover_text("Show or hide this label in the list and the text")
                    .changed()
                {
                    if shown {
                        self.hidden_labels.remove(&label.id);
                    } else {
                        self.hidden_labels.insert(label.id.clone());
                    }
                }
            }
        });
        ui.add(
            egui::TextEdit::singleline(&mut self.list_search)
                .hint_text("Search annotations")
                .desired_width(f32::INFINITY),
        )
        .accessible_name("Search annotations");
        let Some(document) = document else {
            return;
        };
        let filter = self.layer_filter(document);
        self.list_cache.update(generation, document, &project.codebook, &self.list_search, &filter);
        let rows = &self.list_cache;
        ui.label(RichText::new(format!("{} of {}", rows.len(), rows.total())).weak());
        let row_height = ui.spacing().interact_size.y;
        // Annotations with a memo are marked ✎ (looked up in a set built once per revision).
        self.memo_marks.update(generation, self.session.revision(), project);
        let memo_marks = &self.memo_marks;
        let several_coders = project.annotators.len() > 1;
        egui::ScrollArea::vertical().id_salt("annotation_list").auto_shrink(false).show_rows(
            ui,
            row_height,
            rows.len(),
            |ui, range| {
                for annotation in
                    range.filter_map(|row| rows.annotation_index(row)).filter_map(|i| document.annotations.get(i))
                {
                    let selected = self.selected_annotation == Some(annotation.id);
                    let color = label_color(&project.codebook, &annotation.label);
                    let label_name = project
                        .codebook
                        .label(&annotation.label)
                        .map_or(annotation.label.as_str(), |l| l.name.as_str());
                    ui.horizontal(|ui| {
                        let (rect, _) = ui.allocate_exact_size(egui::vec2(4.0, row_height - 4.0), egui::Sense::hover());
                        ui.painter().rect_filled(rect, 1.0, color);
                        let memo = memo_marks.get(annotation.id);
                        let mut line = BidiLine::new();
                        if memo.is_some() {
                            line = line.ui_colored("✎ ", color);
                        }
                        let line = line.ui(format!("{label_name}: ")).user(excerpt(&annotation.text(), 60));
                        let mut response = bidi_text::selectable(ui, selected, &line);
                        // Whose it is, when the project has several coders; the memo's first line.
                        let coder = several_coders
                            .then(|| project.annotator(&annotation.annotator).map_or("?", |a| a.name.as_str()));
                        if coder.is_some() || memo.is_some() {
                            response = response.on_hover_ui(|ui| {
                                if let Some(coder) = coder {
                                    ui.label(format!("by {coder}"));
                                }
                                if let Some(memo) = memo {
                                    // "Has a memo: <title>", then its first line when that says more.
                                    let summary = memo.summary();
                                    let mut lines = summary.lines();
                                    let title = lines.next().unwrap_or_default();
                                    bidi_text::label(ui, &BidiLine::new().ui("Has a memo: ").user(title));
                                    for line in lines {
                                        bidi_text::label(ui, &BidiLine::user_text(line));
                                    }
                                }
                            });
                        }
                        if response.clicked() {
                            pending.push(Command::RevealAnnotation(annotation.id));
                        }
                    });
                }
            },
        );
    }
}
