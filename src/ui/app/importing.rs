//! The app's side of importing: File › Import… and Open URL… on a worker thread (progress,
//! Cancel, the summary, the documents added as one undo step), and the clean-up of a text with
//! page clutter (offered in the banner, Document › Clean up…, applied as one undo step).

use std::collections::HashSet;
use std::time::Duration;

use egui::RichText;

use super::SpanwiseApp;
use crate::edit::Edit;
use crate::formats::cleanup;
use crate::formats::import::{self, ImportReport, variables_for};
use crate::model::Document;
use crate::ui::dialogs::{CleanedText, CleanupView, Dialog};
use crate::ui::import_job::{ImportJob, ImportRequest, duration_words, summary_text};

/// How often the progress window updates its clock while nothing else happens.
const PROGRESS_CLOCK: Duration = Duration::from_millis(500);

impl SpanwiseApp {
    /// Files or folders chosen with the Import dialog's Browse… (in the system's dialog).
    pub(super) fn import_sources_chosen(&mut self, paths: Vec<std::path::PathBuf>) {
        match &mut self.dialog {
            Some(Dialog::Import(setup)) => setup.add_chosen(paths),
            _ => log::warn!("sources to import were chosen with no Import dialog open: {paths:?}"),
        }
    }

    pub(super) fn start_import(&mut self, request: ImportRequest) {
        if self.import_job.is_some() {
            self.status = Some("An import is running; wait for it or cancel it first".into());
            return;
        }
        let waker = self.native_dialogs.ctx.clone();
        let job = ImportJob::start(self.session.project(), request, move || {
            if let Some(ctx) = &waker {
                ctx.request_repaint();
            }
        });
        self.import_generation = self.session.generation();
        self.import_job = Some(job);
    }

    /// Once per frame: takes a finished import's report, or shows its progress with Cancel.
    pub(crate) fn import_tick(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.import_job else {
            return;
        };
        if let Some(report) = job.poll() {
            let request = job.request.clone();
            self.import_job = None;
            self.finish_import(&request, report);
            ctx.request_repaint();
            return;
        }
        let progress = job.progress();
        let cancelling = job.is_cancelling();
        let mut cancel = false;
        egui::Modal::new(egui::Id::unique("import_progress")).show(ctx, |ui| {
            ui.set_width(520.0);
            match job.request.single_url() {
                Some(url) => {
                    ui.heading("Fetching the page…");
                    ui.label(url);
                    ui.label(format!("{} so far", duration_words(job.elapsed())));
                    ui.add(egui::ProgressBar::new(0.0).animate(false).show_percentage());
                }
                None => {
                    ui.heading("Importing…");
                    let (done, total) = progress.as_ref().map_or((0, 0), |p| (p.done, p.total));
                    let fraction = if total == 0 { 0.0 } else { done as f32 / total as f32 };
                    ui.add(egui::ProgressBar::new(fraction).text(format!("{done} of {total}")));
                    if let Some(progress) = &progress {
                        ui.label(RichText::new(&progress.current).small());
                        let left = progress
                            .remaining
                            .map_or_else(String::new, |r| format!(", about {} left", duration_words(r)));
                        ui.label(format!("{} so far{left}", duration_words(progress.elapsed)));
                    } else {
                        ui.label("Looking for files…");
                    }
                }
            }
            ui.add_space(4.0);
            if cancelling {
                ui.label("Cancelling…");
            } else {
                cancel = ui.button("Cancel").on_hover_text("Stop; what is finished is still imported").clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Escape));
            }
        });
        if cancel {
            job.cancel();
        }
        ctx.request_repaint_after(PROGRESS_CLOCK);
    }

    fn finish_import(&mut self, request: &ImportRequest, report: ImportReport) {
        if self.import_generation != self.session.generation() {
            self.status = Some("The import finished after another project was opened; nothing was added".into());
            return;
        }
        let mut used: HashSet<String> = self.project().documents.iter().map(|d| d.id.clone()).collect();
        let known: HashSet<String> = self.project().documents.iter().map(|d| d.sha256.clone()).collect();
        let mut next = 1usize;
        let mut documents: Vec<Document> = Vec::new();
        for imported in &report.imported {
            let mut document = imported.document.clone();
            // Documents added while the import ran: their ids and texts win.
            if request.skip_duplicates && known.contains(&document.sha256) {
                continue;
            }
            if !used.insert(document.id.clone()) {
                document.id = loop {
                    let id = format!("d{next}");
                    next += 1;
                    if used.insert(id.clone()) {
                        break id;
                    }
                };
            }
            documents.push(document);
        }
        let first = documents.first().map(|d| d.id.clone());
        let count = documents.len();
        let start = self.project().documents.len();
        let mut edits: Vec<Edit> = documents
            .into_iter()
            .enumerate()
            .map(|(i, document)| Edit::AddDocument { index: start + i, document: Box::new(document) })
            .collect();
        let applied = match edits.len() {
            0 => true,
            1 => self.session.apply(edits.remove(0)).is_ok(),
            _ => self.session.apply(Edit::Batch(edits)).is_ok(),
        };
        self.sync_with_session();
        if let Some(id) = first.filter(|_| applied) {
            self.select_document(&id);
            if count == 1 {
                self.offer_cleanup(&id);
            }
        }
        if let Some(url) = request.single_url() {
            match (report.failed.first(), report.imported.first(), report.skipped.first()) {
                (Some((_, error)), _, _) => {
                    self.show_dialog(Dialog::Error { title: "Cannot open the URL".into(), message: error.to_string() })
                }
                (None, Some(imported), _) if applied => {
                    self.status = Some(format!("Imported \"{}\" from {url}", imported.document.name));
                }
                (None, _, Some((_, reason))) => self.status = Some(format!("Not imported: {reason}")),
                _ => self.status = Some("Fetching the page was cancelled".into()),
            }
            return;
        }
        self.status = Some(format!("Imported {count} documents"));
        let title = if report.cancelled { "Import cancelled" } else { "Import finished" };
        self.show_dialog(Dialog::Message { title: title.into(), message: summary_text(&report) });
    }

    /// Offers the clean-up (in the banner) when a plain text without annotations has clutter.
    pub(crate) fn offer_cleanup(&mut self, document_id: &str) {
        let Some(document) = self.session.document(document_id) else {
            return;
        };
        let plain = document.metadata.get("format").is_none_or(|f| f == "text");
        if plain && document.annotations.is_empty() && !cleanup::propose(&document.text).is_empty() {
            self.cleanup_offer = Some(document_id.to_owned());
        }
    }

    /// The banner line offering the clean-up; `true` if it is shown.
    pub(crate) fn cleanup_offer_ui(&mut self, ui: &mut egui::Ui) {
        let Some(id) = self.cleanup_offer.clone() else {
            return;
        };
        if self.current_document.as_deref() != Some(id.as_str())
            || self.document().is_none_or(|d| !d.annotations.is_empty())
        {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("This text looks like a saved web page (navigation, repeated lines, comments).");
            if ui.button("Clean up…").on_hover_text("Review what would be removed before annotating").clicked() {
                self.show_cleanup();
            }
            if ui.button("Dismiss").clicked() {
                self.cleanup_offer = None;
            }
        });
    }

    /// Whether the banner has the clean-up offer to show.
    pub(crate) fn shows_cleanup_offer(&self) -> bool {
        self.cleanup_offer.as_deref().is_some_and(|id| self.current_document.as_deref() == Some(id))
            && self.document().is_some_and(|d| d.annotations.is_empty())
    }

    pub(super) fn show_cleanup(&mut self) {
        let Some(document) = self.document() else {
            self.status = Some("Open a text to clean it up".into());
            return;
        };
        let view = CleanupView::new(document);
        self.cleanup_offer = None;
        self.show_dialog(Dialog::Cleanup(Box::new(view)));
    }

    /// Reads a document's file again in `encoding` and replaces its text (one undo step), while it
    /// has no annotations.
    pub(super) fn reread(&mut self, document_id: &str, encoding: &str) {
        match self.reread_document(document_id, encoding) {
            Ok(document) => {
                let index = self.project().documents.iter().position(|d| d.id == document_id).unwrap_or_default();
                let edit = Edit::Batch(vec![
                    Edit::RemoveDocument { id: document_id.to_owned() },
                    Edit::AddDocument { index, document: Box::new(document) },
                ]);
                if self.session.apply(edit).is_ok() {
                    self.sync_with_session();
                    self.status = Some(format!("Read again as {encoding} (Undo goes back)"));
                }
            }
            Err(message) => self.show_dialog(Dialog::Error { title: "Cannot read it again".into(), message }),
        }
    }

    fn reread_document(&self, document_id: &str, encoding: &str) -> Result<Document, String> {
        let old = self.session.document(document_id).ok_or("The document is gone")?;
        if !old.annotations.is_empty() {
            return Err("The document has annotations, so its text is fixed".into());
        }
        let source = old.metadata.get("source").ok_or("Spanwise does not know which file it came from")?;
        let path = std::path::Path::new(source);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let kind = import::kind_of(&name).ok_or_else(|| format!("{source}: not a file Spanwise reads"))?;
        let bytes = crate::store::read_limited(path, crate::formats::MAX_IMPORT_BYTES).map_err(|e| match e {
            crate::store::ReadLimitError::Io(err) => format!("cannot read {source}: {err}"),
            crate::store::ReadLimitError::TooLarge(size) => format!("{source} is {size} bytes, too large"),
        })?;
        let options = import::ImportOptions {
            encoding: Some(encoding.to_owned()),
            max_text_bytes: crate::formats::MAX_IMPORT_BYTES,
            ..Default::default()
        };
        let extracted =
            import::extract_bytes(source, &name, &bytes, kind, &options, None).map_err(|e| e.to_string())?;
        let mut document = Document::new(old.id.clone(), old.name.clone(), extracted.text);
        document.metadata = extracted.metadata;
        document.metadata.insert("source".into(), source.clone());
        document.variables = old.variables.clone();
        document.variables.extend(variables_for(&self.project().codebook, &document.metadata));
        Ok(document)
    }

    pub(super) fn apply_cleanup(&mut self, cleaned: CleanedText) {
        let project = self.session.project();
        let Some(index) = project.documents.iter().position(|d| d.id == cleaned.document) else {
            return;
        };
        let old = &project.documents[index];
        if !old.annotations.is_empty() {
            self.status = Some("Not cleaned up: the document has annotations, so its text is fixed".into());
            return;
        }
        let removed = old.text.chars().count().saturating_sub(cleaned.text.chars().count());
        let mut document = Document::new(old.id.clone(), old.name.clone(), cleaned.text);
        document.variables = old.variables.clone();
        document.variables.extend(variables_for(&project.codebook, &cleaned.metadata));
        document.metadata = cleaned.metadata;
        let edit = Edit::Batch(vec![
            Edit::RemoveDocument { id: document.id.clone() },
            Edit::AddDocument { index, document: Box::new(document) },
        ]);
        if self.session.apply(edit).is_ok() {
            self.sync_with_session();
            self.status = Some(format!("Cleaned up: {removed} characters removed (Undo brings them back)"));
        }
    }
}
