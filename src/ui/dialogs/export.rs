//! File › Export…: the format (with what it is for and what it cannot carry), its options, the
//! documents, the destination; the export runs on a worker thread with progress and Cancel.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use egui::RichText;

use super::file_chooser::show_embedded;
use super::{DialogContext, FileDialog, FileDialogPurpose, Outcome};
use crate::formats::export::{
    self, Destination, ExportError, ExportOptions, ExportSummary, Format, LabelStudioTarget, OffsetUnit, OverlapPolicy,
};
use crate::model::Project;
use crate::ui::commands::Command;
use crate::ui::worker::{Worker, progress_ui};

/// What a finished export tells the app (to remember and to say).
#[derive(Debug)]
pub struct Exported {
    pub format: Format,
    pub summary: ExportSummary,
}

impl Exported {
    /// One line for the status bar.
    pub fn status(&self) -> String {
        let s = &self.summary;
        format!(
            "Exported {} document{} and {} annotation{} as {} to {}",
            s.documents,
            plural(s.documents),
            s.annotations,
            plural(s.annotations),
            self.format,
            s.path.display()
        )
    }

    /// The notice after an export: what was written where, and what the format left out.
    pub fn message(&self) -> String {
        let s = &self.summary;
        let mut text = format!(
            "{} document{}, {} annotation{} and {} relation{} written to\n{}",
            s.documents,
            plural(s.documents),
            s.annotations,
            plural(s.annotations),
            s.relations,
            plural(s.relations),
            s.path.display()
        );
        if !s.notes.is_empty() {
            text.push_str("\n\nWhat the format could not carry:");
            for note in &s.notes {
                text.push_str("\n- ");
                text.push_str(note);
            }
        }
        text
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The Export dialog's state.
pub struct ExportDialog {
    pub format: Format,
    /// The destination as typed or chosen (a file or a folder, as the format needs).
    pub destination: String,
    /// The user chose or typed the destination (it no longer follows the format).
    destination_chosen: bool,
    /// Where the project is (or the last export went): the default folder.
    folder: PathBuf,
    /// The project's file name without `.spanwise.ron`, for default names.
    base_name: String,
    pub options: ExportOptions,
    /// `None`: every document.
    pub only: Option<BTreeSet<String>>,
    /// Spanwise's own chooser, shown inside this dialog.
    chooser: Option<FileDialog>,
    running: Option<Worker<Result<ExportSummary, ExportError>>>,
    /// The last problem (an error, or "cancelled").
    problem: Option<String>,
}

impl std::fmt::Debug for ExportDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportDialog")
            .field("format", &self.format)
            .field("destination", &self.destination)
            .field("running", &self.running.is_some())
            .finish_non_exhaustive()
    }
}

impl ExportDialog {
    /// A dialog for the project at `project_path` (`None`: not saved yet; `name` is its name),
    /// offering the `last` format and folder.
    pub fn new(project_path: Option<&Path>, name: &str, folder: PathBuf, last: Option<Format>) -> Self {
        let base_name = match project_path.and_then(Path::file_name) {
            Some(file) => {
                let file = file.to_string_lossy();
                file.strip_suffix(crate::store::EXTENSION).unwrap_or(&file).to_owned()
            }
            None => sanitize(name),
        };
        let format = last.filter(|f| f.available()).unwrap_or(Format::Json);
        let mut dialog = Self {
            format,
            destination: String::new(),
            destination_chosen: false,
            folder,
            base_name,
            options: ExportOptions::default(),
            only: None,
            chooser: None,
            running: None,
            problem: None,
        };
        dialog.follow_format();
        dialog
    }

    /// Whether an export is running.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The state in a few words, for the state report.
    pub fn describe(&self) -> String {
        match (&self.running, &self.problem) {
            (Some(worker), _) if worker.cancelling() => "export: cancelling".into(),
            (Some(worker), _) => format!("export: running {:.0} %", worker.fraction() * 100.0),
            (None, Some(problem)) => format!("export: {problem}"),
            (None, None) => format!("export: {}", self.format),
        }
    }

    /// Shows Spanwise's own chooser inside the dialog.
    pub fn open_chooser(&mut self, dir: PathBuf, suggested: Option<PathBuf>) {
        self.chooser = Some(FileDialog::new(FileDialogPurpose::Export, dir, suggested));
    }

    /// Sets the destination (chosen in a file dialog).
    pub fn set_destination(&mut self, path: &Path) {
        self.destination = path.display().to_string();
        self.destination_chosen = true;
        self.problem = None;
    }

    /// The default destination follows the format until the user chooses one.
    fn follow_format(&mut self) {
        if !self.destination_chosen {
            let name = format!("{}.{}", self.base_name, self.format.extension());
            self.destination = self.folder.join(name).display().to_string();
        }
    }

    fn destination_path(&self) -> Option<PathBuf> {
        let typed = self.destination.trim();
        (!typed.is_empty()).then(|| {
            let path = PathBuf::from(typed);
            if path.is_absolute() { path } else { self.folder.join(path) }
        })
    }

    /// Starts the export on a worker thread.
    fn start(&mut self, ctx: &egui::Context, project: &Project) {
        let Some(out) = self.destination_path() else {
            self.problem = Some("Choose where to export to".into());
            return;
        };
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            self.problem = Some(format!("The folder {} does not exist", parent.display()));
            return;
        }
        if let Some(only) = &self.only
            && only.is_empty()
        {
            self.problem = Some("Choose at least one document".into());
            return;
        }
        let mut options = self.options.clone();
        options.documents = self.only.as_ref().map(|ids| ids.iter().cloned().collect());
        let project = project.clone();
        let format = self.format;
        let worker =
            Worker::spawn("export", ctx, move |progress| export::export(&project, format, &options, &out, progress));
        match worker {
            Ok(worker) => {
                self.problem = None;
                self.running = Some(worker);
            }
            Err(err) => self.problem = Some(format!("Cannot start the export: {err}")),
        }
    }

    /// Shows the dialog; returns whether it stays open, and what the app should do.
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, context: &DialogContext<'_>) -> (bool, Vec<Outcome>) {
        let mut outcomes = Vec::new();
        if let Some(commands) = show_embedded(&mut self.chooser, ui, context.recent_files) {
            for command in commands {
                if let Command::ExportTo(path) = command {
                    self.set_destination(&path);
                }
            }
            return (true, outcomes);
        }
        if let Some(worker) = &self.running
            && let Some(result) = worker.poll()
        {
            self.running = None;
            match result {
                Ok(Ok(summary)) => {
                    outcomes.push(Outcome::Exported(Box::new(Exported { format: self.format, summary })));
                    return (false, outcomes);
                }
                Ok(Err(err)) => self.problem = Some(err.to_string()),
                Err(err) => self.problem = Some(err),
            }
        }
        let running = self.running.is_some();
        ui.heading("Export");
        if !running && !ui.ctx().text_edit_focused() {
            self.format_keys(ui);
        }
        egui::ScrollArea::vertical().max_height(ui.ctx().content_rect().height() * 0.6).show(ui, |ui| {
            ui.add_enabled_ui(!running, |ui| self.choices_ui(ui, context));
        });
        ui.separator();
        ui.horizontal(|ui| {
            ui.label("To:");
            let response = ui.add_enabled(
                !running,
                egui::TextEdit::singleline(&mut self.destination).desired_width(ui.available_width() - 90.0),
            );
            if response.changed() {
                self.destination_chosen = true;
            }
            let response = response.accessible_name("Export destination");
            let _ = response;
            if ui.add_enabled(!running, egui::Button::new("Choose…")).clicked() {
                let suggested = self.destination_path();
                if context.system_file_dialogs {
                    outcomes.push(Outcome::ChooseFile(FileDialogPurpose::Export, self.folder.clone(), suggested));
                } else {
                    self.open_chooser(self.folder.clone(), suggested);
                }
            }
        });
        let kind = match self.format.destination() {
            Destination::File => "a file",
            Destination::Folder => "a folder (created; an earlier Spanwise export there is replaced)",
        };
        ui.label(RichText::new(format!("{} writes {kind}.", self.format)).weak());
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        let mut keep = true;
        if let Some(worker) = &self.running {
            if progress_ui(ui, worker, "Exporting…") {
                worker.cancel();
            }
        } else {
            ui.horizontal(|ui| {
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter)) && !ui.ctx().text_edit_focused();
                if ui.button("Export").clicked() || enter {
                    self.start(ui.ctx(), context.project);
                }
                if ui.button("Close").clicked() {
                    keep = false;
                }
            });
        }
        (keep, outcomes)
    }

    /// ↑ and ↓ choose the format (while no text field has the keyboard).
    fn format_keys(&mut self, ui: &egui::Ui) {
        let (up, down) = ui.input(|i| (i.num_presses(egui::Key::ArrowUp), i.num_presses(egui::Key::ArrowDown)));
        if up == down {
            return;
        }
        let available: Vec<Format> = Format::ALL.into_iter().filter(|f| f.available()).collect();
        let Some(at) = available.iter().position(|f| *f == self.format) else { return };
        let to = (at + down).saturating_sub(up).min(available.len() - 1);
        self.choose_format(available[to]);
    }

    fn choose_format(&mut self, format: Format) {
        let before = self.format;
        self.format = format;
        if format == before {
            return;
        }
        self.problem = None;
        if self.destination_chosen
            && let Some(path) = self.destination_path()
        {
            // Keep the chosen folder and name, with the new format's extension.
            let old = format!(".{}", before.extension());
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let stem = name.strip_suffix(&old).unwrap_or(&name);
            self.destination = path.with_file_name(format!("{stem}.{}", format.extension())).display().to_string();
        }
        self.follow_format();
    }

    fn choices_ui(&mut self, ui: &mut egui::Ui, context: &DialogContext<'_>) {
        ui.label(RichText::new("Format (↑ ↓)").strong());
        let mut chosen = None;
        egui::Grid::new("export_formats").num_columns(2).spacing([12.0, 2.0]).show(ui, |ui| {
            for format in Format::ALL {
                let enabled = format.available();
                let response = ui
                    .add_enabled(enabled, egui::RadioButton::new(self.format == format, format.name()))
                    .on_hover_text(format!("Cannot carry: {}", format.cannot_carry()))
                    .on_disabled_hover_text("This build of Spanwise has no Parquet export");
                if response.clicked() {
                    chosen = Some(format);
                }
                ui.vertical(|ui| {
                    ui.label(format.description());
                    ui.label(RichText::new(format!("Cannot carry: {}", format.cannot_carry())).weak().small());
                });
                ui.end_row();
            }
        });
        if let Some(format) = chosen {
            self.choose_format(format);
        }
        ui.add_space(6.0);
        ui.label(RichText::new("Options").strong());
        match self.format {
            Format::Conll | Format::Hf | Format::Spacy => {
                ui.horizontal(|ui| {
                    ui.label("Overlapping spans:");
                    ui.radio_value(&mut self.options.overlaps, OverlapPolicy::Priority, "by codebook priority")
                        .on_hover_text("One tag per token; annotations whose tokens are taken are left out (counted)");
                    if self.format == Format::Conll {
                        ui.radio_value(
                            &mut self.options.overlaps,
                            OverlapPolicy::ColumnPerLabel,
                            "one column per label",
                        );
                    }
                });
                ui.label(RichText::new("Tokens: Unicode words and punctuation (stated in the file).").weak().small());
            }
            Format::Doccano => {
                ui.horizontal(|ui| {
                    ui.label("Offsets count:");
                    ui.radio_value(
                        &mut self.options.doccano_offsets,
                        OffsetUnit::Utf16,
                        "UTF-16 units (doccano's web UI)",
                    );
                    ui.radio_value(&mut self.options.doccano_offsets, OffsetUnit::CodePoints, "code points (Python)");
                });
            }
            Format::LabelStudio => {
                ui.horizontal(|ui| {
                    ui.label("Regions as:");
                    ui.radio_value(&mut self.options.labelstudio_target, LabelStudioTarget::Annotations, "annotations");
                    ui.radio_value(
                        &mut self.options.labelstudio_target,
                        LabelStudioTarget::Predictions,
                        "predictions to review",
                    );
                });
            }
            Format::Csv => {
                ui.checkbox(&mut self.options.csv_bom, "Start with a byte-order mark (Excel reads UTF-8 then)");
                ui.checkbox(&mut self.options.csv_formula_guard, "Guard cells starting with = + - @ against formulas");
            }
            _ => {
                ui.label(RichText::new("None for this format.").weak());
            }
        }
        ui.add_space(6.0);
        let documents = &context.project.documents;
        ui.label(RichText::new("Documents").strong());
        let mut all = self.only.is_none();
        if ui.checkbox(&mut all, format!("All {} documents", documents.len())).changed() {
            self.only = if all { None } else { Some(documents.iter().map(|d| d.id.clone()).collect()) };
        }
        if let Some(only) = &mut self.only {
            egui::ScrollArea::vertical().id_salt("export_documents").max_height(120.0).show(ui, |ui| {
                for document in documents {
                    let mut on = only.contains(&document.id);
                    let text = format!("{} ({} annotations)", document.name, document.annotations.len());
                    if ui.checkbox(&mut on, text).changed() {
                        if on {
                            only.insert(document.id.clone());
                        } else {
                            only.remove(&document.id);
                        }
                    }
                }
            });
        }
    }
}

/// A project name as a file name: separators and control characters out.
fn sanitize(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() { "export".into() } else { cleaned }
}
