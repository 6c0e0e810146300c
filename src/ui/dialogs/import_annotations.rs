//! File › Import annotations…: choose a file or folder, read and match it in the background,
//! show what was found (documents matched, spans placed, spans that cannot be anchored), ask what
//! to do with labels the codebook lacks, then apply everything as one undo step.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use egui::RichText;

use super::file_chooser::show_embedded;
use super::{DialogContext, FileDialog, FileDialogPurpose, Outcome};
use crate::edit::Edit;
use crate::formats::annotations::{
    self, ImportError, ImportOptions, ImportReport, Mapping, Prepared, Target, add_missing_to,
};
use crate::formats::export::{Format, OffsetUnit};
use crate::model::{Annotator, Project};
use crate::ui::commands::Command;
use crate::ui::worker::{Worker, progress_ui};

/// What to do with a label (or relation type) of the file that the codebook lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Add it to the codebook.
    Add,
    /// Use this codebook entry (by id).
    MapTo(String),
    /// Leave its annotations (relations) out.
    Skip,
}

/// A finished import, for the app to apply as one edit.
#[derive(Debug)]
pub struct ImportPlan {
    pub edit: Edit,
    pub report: ImportReport,
    /// Memos in the file (those about something imported are added; the report counts them).
    pub memos_in_file: usize,
}

impl ImportPlan {
    pub fn status(&self) -> String {
        let r = &self.report;
        format!(
            "Imported {} annotations and {} relations ({} documents added)",
            r.annotations_added, r.relations_added, r.documents_added
        )
    }

    /// The notice after the import.
    pub fn message(&self) -> String {
        let r = &self.report;
        let mut lines = vec![
            format!(
                "{} annotations and {} relations imported (one undo step).",
                r.annotations_added, r.relations_added
            ),
            format!(
                "Documents: {} added, {} with the same text, {} re-anchored.",
                r.documents_added, r.documents_same, r.documents_reanchored
            ),
        ];
        if r.annotations_moved > 0 {
            lines.push(format!("{} annotations were re-anchored by their quote and context.", r.annotations_moved));
        }
        if r.duplicates > 0 {
            lines.push(format!("{} annotations were already in the project and were not added again.", r.duplicates));
        }
        if !r.annotators_added.is_empty() {
            lines.push(format!("Annotators added: {}.", r.annotators_added.join(", ")));
        }
        if !r.memos.is_empty() {
            lines.push(format!("{} of the file's {} memos were added.", r.memos.len(), self.memos_in_file));
        }
        if !r.unanchored.is_empty() {
            lines.push(format!("{} spans could not be anchored:", r.unanchored.len()));
            lines.extend(r.unanchored.iter().map(|u| format!("- {u}")));
        }
        if !r.left_out.is_empty() {
            lines.push("Left out:".into());
            lines.extend(r.left_out.iter().map(|l| format!("- {l}")));
        }
        lines.extend(r.notes.iter().cloned());
        lines.join("\n")
    }
}

type Reading = Worker<Result<Box<Prepared>, ImportError>>;

pub struct ImportDialog {
    /// The file or folder, as typed or chosen.
    pub path: String,
    /// `None`: guessed from the file.
    pub format: Option<Format>,
    pub doccano_offsets: OffsetUnit,
    folder: PathBuf,
    annotator: Annotator,
    chooser: Option<FileDialog>,
    reading: Option<Reading>,
    /// What the file holds, matched with the project.
    pub prepared: Option<Box<Prepared>>,
    /// The choice for each label the codebook lacks (file key -> choice), in the file's order.
    pub labels: Vec<(String, String, usize, Choice)>,
    /// The same for relation types: (key, count, choice).
    pub relation_types: Vec<(String, usize, Choice)>,
    problem: Option<String>,
    /// The path field takes the keyboard when the dialog opens.
    focus_requested: bool,
}

impl std::fmt::Debug for ImportDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportDialog")
            .field("path", &self.path)
            .field("read", &self.prepared.is_some())
            .finish_non_exhaustive()
    }
}

impl ImportDialog {
    /// `annotator`: who made annotations whose file does not say (the user).
    pub fn new(folder: PathBuf, annotator: Annotator) -> Self {
        Self {
            path: String::new(),
            format: None,
            doccano_offsets: OffsetUnit::Utf16,
            folder,
            annotator,
            chooser: None,
            reading: None,
            prepared: None,
            labels: Vec::new(),
            relation_types: Vec::new(),
            problem: None,
            focus_requested: true,
        }
    }

    pub fn is_running(&self) -> bool {
        self.reading.is_some()
    }

    pub fn describe(&self) -> String {
        match (&self.reading, &self.prepared, &self.problem) {
            (Some(_), _, _) => "import annotations: reading".into(),
            (None, _, Some(problem)) => format!("import annotations: {problem}"),
            (None, Some(prepared), None) => format!(
                "import annotations: review {} documents, {} missing labels",
                prepared.documents.len(),
                self.labels.len()
            ),
            (None, None, None) => "import annotations: choose".into(),
        }
    }

    /// Shows Spanwise's own chooser inside the dialog.
    pub fn open_chooser(&mut self, dir: PathBuf, suggested: Option<PathBuf>) {
        self.chooser = Some(FileDialog::new(FileDialogPurpose::ImportAnnotations, dir, suggested));
    }

    /// Sets the file or folder to read (chosen in a file dialog). A brat `.ann` or `.txt` stands
    /// for its whole folder (a brat export is a folder).
    pub fn set_path(&mut self, path: &Path) {
        let is_brat_file = path.extension().is_some_and(|e| e == "ann")
            || (path.extension().is_some_and(|e| e == "txt") && path.with_extension("ann").is_file());
        let path = match path.parent() {
            Some(parent) if is_brat_file => parent,
            _ => path,
        };
        self.path = path.display().to_string();
        self.prepared = None;
        self.problem = None;
    }

    fn options(&self) -> ImportOptions {
        ImportOptions {
            format: self.format,
            doccano_offsets: self.doccano_offsets,
            default_annotator: self.annotator.clone(),
        }
    }

    fn start(&mut self, ctx: &egui::Context, project: &Project) {
        let typed = self.path.trim();
        if typed.is_empty() {
            self.problem = Some("Choose a file or folder to import".into());
            return;
        }
        let path = PathBuf::from(typed);
        let path = if path.is_absolute() { path } else { self.folder.join(path) };
        if !path.exists() {
            self.problem = Some(format!("{} does not exist", path.display()));
            return;
        }
        let options = self.options();
        let project = project.clone();
        let worker = Worker::spawn("import annotations", ctx, move |progress| {
            let incoming = annotations::read(&[path], &options)?;
            annotations::prepare(&project, incoming, progress).map(Box::new)
        });
        match worker {
            Ok(worker) => {
                self.problem = None;
                self.prepared = None;
                self.reading = Some(worker);
            }
            Err(err) => self.problem = Some(format!("Cannot start reading: {err}")),
        }
    }

    fn read_done(&mut self, prepared: Box<Prepared>) {
        self.labels = prepared
            .missing_labels
            .iter()
            .map(|(label, count)| (label.key.clone(), label.name.clone(), *count, Choice::Add))
            .collect();
        self.relation_types =
            prepared.missing_relation_types.iter().map(|(key, count)| (key.clone(), *count, Choice::Add)).collect();
        self.prepared = Some(prepared);
    }

    /// The edit for the user's choices, against `project` (the one it was prepared with).
    pub fn plan(&self, project: &Project) -> Option<ImportPlan> {
        let prepared = self.prepared.as_ref()?;
        let adds = |list: Vec<&String>| list.into_iter().cloned().collect::<HashSet<String>>();
        let add_labels = adds(self.labels.iter().filter(|l| l.3 == Choice::Add).map(|l| &l.0).collect());
        let add_types = adds(self.relation_types.iter().filter(|r| r.2 == Choice::Add).map(|r| &r.0).collect());
        let mut codebook = project.codebook.clone();
        add_missing_to(&mut codebook, prepared, &|k| add_labels.contains(k), &|k| add_types.contains(k));
        let to_mapping = |choice: &Choice, key: &String| match choice {
            Choice::Add => Some(key.clone()),
            Choice::MapTo(id) => Some(id.clone()),
            Choice::Skip => None,
        };
        let mapping = Mapping {
            labels: self.labels.iter().map(|(key, _, _, choice)| (key.clone(), to_mapping(choice, key))).collect(),
            relation_types: self
                .relation_types
                .iter()
                .map(|(key, _, choice)| (key.clone(), to_mapping(choice, key)))
                .collect::<HashMap<_, _>>(),
        };
        let options = self.options();
        let (edit, report) = if codebook == project.codebook {
            prepared.edit(project, &mapping, &options)
        } else {
            let mut scratch = project.clone();
            scratch.codebook = codebook.clone();
            let (edit, report) = prepared.edit(&scratch, &mapping, &options);
            (Edit::Batch(vec![Edit::SetCodebook(Box::new(codebook)), edit]), report)
        };
        Some(ImportPlan { edit, report, memos_in_file: prepared.incoming.memos.len() })
    }

    pub(super) fn ui(&mut self, ui: &mut egui::Ui, context: &DialogContext<'_>) -> (bool, Vec<Outcome>) {
        let mut outcomes = Vec::new();
        if let Some(commands) = show_embedded(&mut self.chooser, ui, context.recent_files) {
            for command in commands {
                if let Command::ImportAnnotationsFrom(path) = command {
                    self.set_path(&path);
                }
            }
            return (true, outcomes);
        }
        if let Some(worker) = &self.reading
            && let Some(result) = worker.poll()
        {
            self.reading = None;
            match result {
                Ok(Ok(prepared)) => self.read_done(prepared),
                Ok(Err(err)) => self.problem = Some(err.to_string()),
                Err(err) => self.problem = Some(err),
            }
        }
        let busy = self.reading.is_some();
        ui.heading("Import annotations");
        ui.add_enabled_ui(!busy, |ui| self.source_ui(ui, context, &mut outcomes));
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        let mut keep = true;
        if let Some(worker) = &self.reading {
            if progress_ui(ui, worker, "Reading and matching…") {
                worker.cancel();
            }
            return (keep, outcomes);
        }
        if self.prepared.is_some() {
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("import_review")
                .max_height(ui.ctx().content_rect().height() * 0.5)
                .show(ui, |ui| self.review_ui(ui, context));
        }
        ui.separator();
        ui.horizontal(|ui| {
            let label = if self.prepared.is_some() { "Read again" } else { "Read" };
            if ui.button(label).on_hover_text("Read the file and match it with the project").clicked() {
                self.start(ui.ctx(), context.project);
            }
            let enter = ui.input(|i| i.key_pressed(egui::Key::Enter)) && !ui.ctx().text_edit_focused();
            if self.prepared.is_some()
                && (ui.button("Import").on_hover_text("Add what was found, as one undo step").clicked() || enter)
                && let Some(plan) = self.plan(context.project)
            {
                outcomes.push(Outcome::ApplyImport(Box::new(plan)));
                keep = false;
            }
            if ui.button("Close").clicked() {
                keep = false;
            }
        });
        (keep, outcomes)
    }

    fn source_ui(&mut self, ui: &mut egui::Ui, context: &DialogContext<'_>, outcomes: &mut Vec<Outcome>) {
        ui.horizontal(|ui| {
            ui.label("From:");
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.path)
                        .hint_text("a file, or a brat or Label Studio folder")
                        .desired_width(ui.available_width() - 90.0),
                )
                .accessible_name("Import from");
            if response.changed() {
                self.prepared = None;
            }
            if std::mem::take(&mut self.focus_requested) {
                response.request_focus();
            }
            // Enter in the field reads the file.
            if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                self.start(ui.ctx(), context.project);
            }
            if ui.button("Choose…").clicked() {
                if context.system_file_dialogs {
                    outcomes.push(Outcome::ChooseFile(FileDialogPurpose::ImportAnnotations, self.folder.clone(), None));
                } else {
                    self.open_chooser(self.folder.clone(), None);
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label("Format:");
            let text = self.format.map_or_else(|| "recognise from the file".to_owned(), |f| f.name().to_owned());
            let combo = egui::ComboBox::from_id_salt("import_format").selected_text(text).show_ui(ui, |ui| {
                ui.selectable_value(&mut self.format, None, "recognise from the file");
                for format in Format::ALL.into_iter().filter(|f| f.importable()) {
                    ui.selectable_value(&mut self.format, Some(format), format.name())
                        .on_hover_text(format.description());
                }
            });
            let _ = combo.response.accessible_name("Import format".to_owned());
            if self.format == Some(Format::Doccano) {
                ui.radio_value(&mut self.doccano_offsets, OffsetUnit::Utf16, "UTF-16 offsets");
                ui.radio_value(&mut self.doccano_offsets, OffsetUnit::CodePoints, "code points");
            }
        });
    }

    fn review_ui(&mut self, ui: &mut egui::Ui, context: &DialogContext<'_>) {
        let Some(prepared) = &self.prepared else { return };
        let count = |wanted: fn(&Target) -> bool| prepared.documents.iter().filter(|d| wanted(&d.target)).count();
        let same = count(|t| matches!(t, Target::Same(_)));
        let reanchored = count(|t| matches!(t, Target::Reanchored(_)));
        let new = count(|t| matches!(t, Target::New));
        let missing = count(|t| matches!(t, Target::Missing));
        let placed: usize = prepared.documents.iter().map(|d| d.placed()).sum();
        let moved: usize = prepared.documents.iter().map(|d| d.moved()).sum();
        let unanchored: Vec<_> = prepared.documents.iter().flat_map(|d| &d.unanchored).collect();
        let format = prepared.incoming.format.map_or("?", Format::name);
        ui.label(RichText::new(format!("Found ({format})")).strong());
        ui.label(format!(
            "{} documents: {same} already in the project, {reanchored} with a slightly different text (re-anchored), {new} new, {missing} with no text to place them on",
            prepared.documents.len()
        ));
        ui.label(format!(
            "{placed} spans placed ({moved} re-anchored by quote and context), {} cannot be anchored",
            unanchored.len()
        ));
        if !unanchored.is_empty() {
            ui.collapsing(
                format!("{} spans that cannot be anchored (they are not imported)", unanchored.len()),
                |ui| {
                    for span in unanchored {
                        ui.label(RichText::new(span.to_string()).small());
                    }
                },
            );
        }
        let memos = prepared.incoming.memos.len();
        if memos > 0 {
            ui.label(format!(
                "{memos} memos in the file: those about the project, a label, or a document or annotation that is imported are added too."
            ));
        }
        for note in &prepared.incoming.notes {
            ui.label(RichText::new(note).weak());
        }
        let codebook = &context.project.codebook;
        if !self.labels.is_empty() {
            ui.add_space(6.0);
            ui.label(RichText::new("Labels the codebook lacks").strong());
            egui::Grid::new("import_labels").num_columns(2).show(ui, |ui| {
                for (i, (key, name, count, choice)) in self.labels.iter_mut().enumerate() {
                    ui.label(format!("{name} ({count})"));
                    let shown = choice_text(choice, |id| codebook.label(id).map(|l| l.name.clone()));
                    let combo =
                        egui::ComboBox::from_id_salt(("import_label", i)).selected_text(shown).show_ui(ui, |ui| {
                            ui.selectable_value(choice, Choice::Add, format!("Add \"{name}\" to the codebook"));
                            for label in &codebook.labels {
                                ui.selectable_value(
                                    choice,
                                    Choice::MapTo(label.id.clone()),
                                    format!("Map to {}", label.name),
                                );
                            }
                            ui.selectable_value(choice, Choice::Skip, "Skip these annotations");
                        });
                    let _ = combo.response.accessible_name(format!("Label {key}"));
                    let _ = key;
                    ui.end_row();
                }
            });
        }
        if !self.relation_types.is_empty() {
            ui.add_space(6.0);
            ui.label(RichText::new("Relation types the codebook lacks").strong());
            egui::Grid::new("import_relation_types").num_columns(2).show(ui, |ui| {
                for (i, (key, count, choice)) in self.relation_types.iter_mut().enumerate() {
                    ui.label(format!("{key} ({count})"));
                    let shown = choice_text(choice, |id| codebook.relation_type(id).map(|r| r.name.clone()));
                    let combo =
                        egui::ComboBox::from_id_salt(("import_relation", i)).selected_text(shown).show_ui(ui, |ui| {
                            ui.selectable_value(choice, Choice::Add, format!("Add \"{key}\" to the codebook"));
                            for kind in &codebook.relation_types {
                                ui.selectable_value(
                                    choice,
                                    Choice::MapTo(kind.id.clone()),
                                    format!("Map to {}", kind.name),
                                );
                            }
                            ui.selectable_value(choice, Choice::Skip, "Skip these relations");
                        });
                    let _ = combo.response.accessible_name(format!("Relation type {key}"));
                    ui.end_row();
                }
            });
        }
    }
}

fn choice_text(choice: &Choice, name: impl Fn(&str) -> Option<String>) -> String {
    match choice {
        Choice::Add => "Add to the codebook".into(),
        Choice::MapTo(id) => format!("Map to {}", name(id).unwrap_or_else(|| id.clone())),
        Choice::Skip => "Skip".into(),
    }
}
