//! Spanwise's own file chooser: a folder listing, a typed path or name, recent files. Used when
//! no native dialog is available, and in tests.

use std::path::{Path, PathBuf};

use egui::RichText;

use crate::formats;
use crate::store;
use crate::ui::agreement::AgreementCommand;
use crate::ui::commands::Command;

/// Files that may hold annotations to import (a brat `.ann` stands for its folder).
pub const ANNOTATION_EXTENSIONS: &[&str] = &["json", "jsonl", "jsonld", "ann", "qdpx"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileDialogPurpose {
    /// Open a project or a text as a new project.
    Open,
    /// Add a text to the current project.
    AddDocument,
    /// Choose where to save the project.
    SaveAs,
    /// Choose where to export to (File › Export…).
    Export,
    /// Choose a file of annotations to import.
    ImportAnnotations,
    /// Where to write the Agreement panel's CSV / chart (PNG).
    AgreementCsv,
    AgreementPng,
    /// Choose coders' project files (several, or a folder) to bring in.
    BringInCoders,
    /// File › Import…'s Browse…: files, folders, archives and corpora to import (several).
    ImportSources,
    /// Where to write an assignment (File › Prepare assignment…).
    Assignment,
    /// A student's file, or a folder of them, to grade.
    GradeStudents,
    /// Where to write the gradebook CSV.
    Gradebook,
    /// The folder for the feedback pages.
    Feedback,
    /// Where to write the codebook (`.codebook.ron` or `.qdc`).
    CodebookExport,
    /// A codebook file to import.
    CodebookImport,
}

impl FileDialogPurpose {
    pub fn title(self) -> &'static str {
        match self {
            FileDialogPurpose::Open => "Open a project or text",
            FileDialogPurpose::AddDocument => "Add a text to the project",
            FileDialogPurpose::SaveAs => "Save project as",
            FileDialogPurpose::Export => "Export to",
            FileDialogPurpose::ImportAnnotations => "Import annotations from",
            FileDialogPurpose::AgreementCsv => "Export agreement as CSV",
            FileDialogPurpose::AgreementPng => "Export the agreement chart as PNG",
            FileDialogPurpose::BringInCoders => "Bring in coders' files",
            FileDialogPurpose::ImportSources => "Import documents from",
            FileDialogPurpose::Assignment => "Save the assignment as",
            FileDialogPurpose::GradeStudents => "Students' files (or a folder of them)",
            FileDialogPurpose::Gradebook => "Save the gradebook CSV as",
            FileDialogPurpose::Feedback => "Folder for the feedback pages",
            FileDialogPurpose::CodebookExport => "Export the codebook as (.codebook.ron or .qdc)",
            FileDialogPurpose::CodebookImport => "Import a codebook (.codebook.ron or .qdc)",
        }
    }

    fn accept(self) -> &'static str {
        match self {
            FileDialogPurpose::Open => "Open",
            FileDialogPurpose::AddDocument => "Add",
            FileDialogPurpose::SaveAs => "Save",
            FileDialogPurpose::Export => "Choose",
            FileDialogPurpose::ImportAnnotations => "Choose",
            FileDialogPurpose::AgreementCsv | FileDialogPurpose::AgreementPng => "Export",
            FileDialogPurpose::BringInCoders => "Bring in",
            FileDialogPurpose::ImportSources => "Add",
            FileDialogPurpose::Assignment | FileDialogPurpose::Gradebook => "Save",
            FileDialogPurpose::GradeStudents => "Add",
            FileDialogPurpose::Feedback => "Choose",
            FileDialogPurpose::CodebookExport => "Export",
            FileDialogPurpose::CodebookImport => "Import",
        }
    }

    /// Whether a system file dialog lets several files be chosen at once.
    pub fn picks_several(self) -> bool {
        self.multiple() || self == FileDialogPurpose::GradeStudents
    }

    /// Whether a folder can be chosen as it is ("Use this folder").
    pub fn takes_folder(self) -> bool {
        matches!(self, FileDialogPurpose::GradeStudents | FileDialogPurpose::Feedback)
    }

    /// Whether the dialog asks for a file to write (a new name may be typed) rather than one to read.
    pub fn saves(self) -> bool {
        match self {
            FileDialogPurpose::Open
            | FileDialogPurpose::AddDocument
            | FileDialogPurpose::ImportAnnotations
            | FileDialogPurpose::BringInCoders
            | FileDialogPurpose::ImportSources
            | FileDialogPurpose::GradeStudents
            | FileDialogPurpose::CodebookImport => false,
            FileDialogPurpose::SaveAs
            | FileDialogPurpose::Export
            | FileDialogPurpose::AgreementCsv
            | FileDialogPurpose::AgreementPng
            | FileDialogPurpose::Assignment
            | FileDialogPurpose::Gradebook
            | FileDialogPurpose::Feedback
            | FileDialogPurpose::CodebookExport => true,
        }
    }

    /// The filters a system file dialog offers, the first one chosen: (name, extensions without
    /// the dot; `*` is any file).
    pub fn filters(self) -> Vec<(&'static str, Vec<&'static str>)> {
        let all = ("All files", vec!["*"]);
        let texts = formats::TEXT_EXTENSIONS;
        match self {
            FileDialogPurpose::Open => {
                vec![("Projects and texts", [&["ron"], texts].concat()), ("Projects", vec!["ron"]), all]
            }
            FileDialogPurpose::AddDocument => vec![("Texts", texts.to_vec()), all],
            FileDialogPurpose::SaveAs => vec![("Spanwise projects", vec!["ron"])],
            FileDialogPurpose::Export => vec![all],
            FileDialogPurpose::ImportAnnotations => {
                vec![("Annotations", ANNOTATION_EXTENSIONS.to_vec()), all]
            }
            FileDialogPurpose::AgreementCsv => vec![("CSV", vec!["csv"]), all],
            FileDialogPurpose::AgreementPng => vec![("PNG images", vec!["png"]), all],
            FileDialogPurpose::BringInCoders => vec![("Spanwise projects", vec!["ron"]), all],
            FileDialogPurpose::ImportSources => {
                vec![("Documents, archives and corpora", formats::import::EXTENSIONS.to_vec()), all]
            }
            FileDialogPurpose::Assignment => vec![("Spanwise projects", vec!["ron"])],
            FileDialogPurpose::GradeStudents => vec![("Spanwise projects", vec!["ron"]), all],
            FileDialogPurpose::Gradebook => vec![("CSV", vec!["csv"]), all],
            FileDialogPurpose::Feedback => vec![all],
            FileDialogPurpose::CodebookExport | FileDialogPurpose::CodebookImport => {
                vec![("Codebooks", vec!["ron", "qdc"]), ("REFI-QDA codebooks", vec!["qdc"]), all]
            }
        }
    }

    /// What choosing `path` does.
    pub fn command(self, path: PathBuf) -> Command {
        match self {
            FileDialogPurpose::Open => Command::OpenChosen(path),
            FileDialogPurpose::AddDocument => Command::AddDocumentPath(path),
            FileDialogPurpose::SaveAs => Command::SaveAsPath(path),
            FileDialogPurpose::Export => Command::ExportTo(path),
            FileDialogPurpose::ImportAnnotations => Command::ImportAnnotationsFrom(path),
            FileDialogPurpose::AgreementCsv => Command::Agreement(AgreementCommand::ExportCsvTo(path)),
            FileDialogPurpose::AgreementPng => Command::Agreement(AgreementCommand::ExportPngTo(path)),
            FileDialogPurpose::BringInCoders => Command::BringInCodersFrom(vec![path]),
            FileDialogPurpose::ImportSources => Command::ImportSourcesFrom(vec![path]),
            FileDialogPurpose::Assignment => Command::AssignmentTo(path),
            FileDialogPurpose::GradeStudents => Command::GradeAddStudents(path),
            FileDialogPurpose::Gradebook => Command::GradebookTo(path),
            FileDialogPurpose::Feedback => Command::FeedbackTo(path),
            FileDialogPurpose::CodebookExport => Command::ExportCodebookTo(path),
            FileDialogPurpose::CodebookImport => Command::ImportCodebookFrom(path),
        }
    }

    /// Whether several files may be picked in Spanwise's own chooser (clicks add and remove,
    /// `;` separates typed names) and go on as one command ([`Self::command_many`]).
    pub fn multiple(self) -> bool {
        matches!(self, FileDialogPurpose::BringInCoders | FileDialogPurpose::ImportSources)
    }

    /// What choosing several files does (the first one, where only one makes sense).
    pub fn command_many(self, mut paths: Vec<PathBuf>) -> Command {
        match self {
            FileDialogPurpose::BringInCoders => Command::BringInCodersFrom(paths),
            FileDialogPurpose::ImportSources => Command::ImportSourcesFrom(paths),
            _ => self.command(if paths.is_empty() { PathBuf::new() } else { paths.swap_remove(0) }),
        }
    }

    /// Whether a file is listed.
    fn lists(self, path: &Path) -> bool {
        let text = formats::is_importable(path);
        let project = store::is_project_path(path);
        match self {
            FileDialogPurpose::Open => text || project,
            FileDialogPurpose::AddDocument => text,
            FileDialogPurpose::SaveAs => project,
            FileDialogPurpose::Export => true,
            FileDialogPurpose::ImportAnnotations => {
                path.extension().is_some_and(|e| ANNOTATION_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
            }
            FileDialogPurpose::AgreementCsv => path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")),
            FileDialogPurpose::AgreementPng => path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")),
            FileDialogPurpose::BringInCoders => project,
            FileDialogPurpose::ImportSources => path.extension().is_some_and(|e| {
                let e = e.to_string_lossy().to_lowercase();
                formats::import::EXTENSIONS.contains(&e.as_str())
            }),
            FileDialogPurpose::Assignment | FileDialogPurpose::GradeStudents => project,
            FileDialogPurpose::Gradebook => path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")),
            FileDialogPurpose::Feedback => false,
            FileDialogPurpose::CodebookExport | FileDialogPurpose::CodebookImport => {
                crate::formats::codebook::CodebookFormat::of(path).is_some()
            }
        }
    }
}

/// Whether `name` is one of the `;`-separated names in `input`.
fn picked(input: &str, name: &str) -> bool {
    input.split(';').any(|part| part.trim() == name)
}

/// `input` with `name` added to its `;`-separated names, or taken out if it was there.
fn toggle_pick(input: &str, name: &str) -> String {
    let mut names: Vec<&str> = input.split(';').map(str::trim).filter(|p| !p.is_empty()).collect();
    match names.iter().position(|n| *n == name) {
        Some(at) => {
            names.remove(at);
        }
        None => names.push(name),
    }
    names.join("; ")
}

#[derive(Clone, Debug)]
struct Entry {
    path: PathBuf,
    name: String,
    is_dir: bool,
}

/// Spanwise's own chooser shown inside another dialog (Export, Import, …): draws it while it is
/// open and closes it when it is done. Returns what it chose, or `None` when it is not open (then
/// the dialog draws itself).
pub(super) fn show_embedded(
    chooser: &mut Option<FileDialog>,
    ui: &mut egui::Ui,
    recent: &[PathBuf],
) -> Option<Vec<Command>> {
    let (stay, commands) = chooser.as_mut()?.ui(ui, recent);
    if !stay {
        *chooser = None;
    }
    Some(commands)
}

/// An in-app file chooser.
#[derive(Clone, Debug)]
pub struct FileDialog {
    pub purpose: FileDialogPurpose,
    pub dir: PathBuf,
    /// What the user typed: a name in `dir` or a full path.
    pub input: String,
    entries: Vec<Entry>,
    error: Option<String>,
    focus_requested: bool,
}

impl FileDialog {
    pub fn new(purpose: FileDialogPurpose, dir: PathBuf, suggested: Option<PathBuf>) -> Self {
        let (dir, input) = match suggested {
            Some(path) => (
                path.parent().filter(|p| !p.as_os_str().is_empty()).map_or(dir, Path::to_owned),
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            ),
            None => (dir, String::new()),
        };
        let mut dialog = Self { purpose, dir, input, entries: Vec::new(), error: None, focus_requested: true };
        dialog.refresh();
        dialog
    }

    fn refresh(&mut self) {
        self.entries.clear();
        match std::fs::read_dir(&self.dir) {
            Ok(read) => {
                for entry in read.flatten() {
                    let path = entry.path();
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = path.is_dir();
                    if is_dir || self.purpose.lists(&path) {
                        self.entries.push(Entry { path, name, is_dir });
                    }
                }
                self.entries.sort_by(|a, b| {
                    b.is_dir.cmp(&a.is_dir).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                });
            }
            Err(err) => self.error = Some(format!("Cannot list {}: {err}", self.dir.display())),
        }
    }

    fn chosen_path(&self) -> Option<PathBuf> {
        let input = self.input.trim();
        if input.is_empty() {
            return None;
        }
        let expanded = match input.strip_prefix("~/") {
            Some(rest) => {
                std::env::var_os("HOME").map_or_else(|| PathBuf::from(input), |home| PathBuf::from(home).join(rest))
            }
            None => PathBuf::from(input),
        };
        Some(if expanded.is_absolute() { expanded } else { self.dir.join(expanded) })
    }

    /// Several files (or folders) typed or picked for a purpose that takes several
    /// ([`FileDialogPurpose::multiple`]), separated by `;`: each must exist.
    fn accept_many(&mut self) -> Option<Command> {
        let typed = std::mem::take(&mut self.input);
        let mut paths = Vec::new();
        for part in typed.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            self.input = part.to_owned();
            let Some(path) = self.chosen_path() else { continue };
            if !path.exists() {
                self.input = typed;
                self.error = Some(format!("{} does not exist", path.display()));
                return None;
            }
            paths.push(path);
        }
        self.input = typed;
        if paths.is_empty() {
            self.error = Some("Pick one or more files (separate them with ;), or a folder".into());
            return None;
        }
        Some(self.purpose.command_many(paths))
    }

    /// Checks the chosen path; returns the command to run, or sets an error.
    fn accept(&mut self) -> Option<Command> {
        if self.purpose.multiple() && (self.input.contains(';') || self.input.is_empty()) {
            return self.accept_many();
        }
        let Some(path) = self.chosen_path() else {
            self.error = Some("Type a file name or pick a file".into());
            return None;
        };
        if path.is_dir() {
            self.dir = path;
            self.input.clear();
            self.error = None;
            self.refresh();
            return None;
        }
        match self.purpose {
            FileDialogPurpose::Open
            | FileDialogPurpose::AddDocument
            | FileDialogPurpose::ImportAnnotations
            | FileDialogPurpose::BringInCoders
            | FileDialogPurpose::ImportSources
            | FileDialogPurpose::GradeStudents
            | FileDialogPurpose::CodebookImport
                if !path.is_file() =>
            {
                self.error = Some(format!("{} does not exist", path.display()));
                None
            }
            FileDialogPurpose::SaveAs
            | FileDialogPurpose::Export
            | FileDialogPurpose::Assignment
            | FileDialogPurpose::Gradebook
            | FileDialogPurpose::Feedback
            | FileDialogPurpose::CodebookExport
                if path.parent().is_some_and(|p| !p.as_os_str().is_empty() && !p.is_dir()) =>
            {
                self.error = Some(format!("The folder {} does not exist", path.parent().unwrap_or(&path).display()));
                None
            }
            _ => Some(self.purpose.command(path)),
        }
    }

    /// Returns (keep open, commands).
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, recent: &[PathBuf]) -> (bool, Vec<Command>) {
        let mut commands = Vec::new();
        let mut keep = true;
        ui.heading(self.purpose.title());
        ui.horizontal(|ui| {
            if ui.button("Up").on_hover_text("Parent folder").clicked()
                && let Some(parent) = self.dir.parent()
            {
                self.dir = parent.to_owned();
                self.refresh();
            }
            ui.label(RichText::new(self.dir.display().to_string()).monospace());
        });
        egui::ScrollArea::vertical()
            .id_salt("file_dialog_entries")
            .max_height(280.0)
            .min_scrolled_height(280.0)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if self.entries.is_empty() {
                    ui.label(RichText::new("No matching files here").weak());
                }
                let mut open_dir = None;
                let mut chosen = false;
                let many = self.purpose.multiple();
                for entry in &self.entries {
                    let text = if entry.is_dir { format!("{}/", entry.name) } else { entry.name.clone() };
                    let selected =
                        !entry.is_dir && (self.input == entry.name || (many && picked(&self.input, &entry.name)));
                    let response = ui.selectable_label(selected, text);
                    if response.clicked() {
                        if entry.is_dir {
                            open_dir = Some(entry.path.clone());
                        } else if many {
                            // Several files: a click adds or removes one.
                            self.input = toggle_pick(&self.input, &entry.name);
                            self.error = None;
                        } else {
                            self.input = entry.name.clone();
                            self.error = None;
                        }
                    }
                    if response.double_clicked() && !entry.is_dir {
                        self.input = entry.name.clone();
                        chosen = true;
                    }
                }
                if chosen && let Some(command) = self.accept() {
                    commands.push(command);
                    keep = false;
                }
                if let Some(dir) = open_dir {
                    self.dir = dir;
                    self.refresh();
                }
            });
        if self.purpose != FileDialogPurpose::SaveAs && !recent.is_empty() {
            ui.collapsing("Recent files", |ui| {
                for path in recent {
                    if ui.link(path.display().to_string()).clicked() {
                        self.input = path.display().to_string();
                    }
                }
            });
        }
        ui.add_space(4.0);
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut self.input)
                    .hint_text(if self.purpose == FileDialogPurpose::SaveAs {
                        "File name, e.g. study.spanwise.ron"
                    } else {
                        "File name or full path"
                    })
                    .desired_width(f32::INFINITY),
            )
            .accessible_name("File path");
        if std::mem::take(&mut self.focus_requested) {
            response.request_focus();
        }
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.horizontal(|ui| {
            if (ui.button(self.purpose.accept()).clicked() || entered)
                && let Some(command) = self.accept()
            {
                commands.push(command);
                keep = false;
            }
            let whole_folder = match self.purpose {
                FileDialogPurpose::BringInCoders => Some("Bring in every project file in this folder"),
                FileDialogPurpose::ImportSources => Some("Import everything in this folder (and its subfolders)"),
                _ => None,
            };
            if let Some(hint) = whole_folder
                && ui.button("Whole folder").on_hover_text(hint).clicked()
            {
                commands.push(self.purpose.command_many(vec![self.dir.clone()]));
                keep = false;
            } else if self.purpose.takes_folder()
                && ui.button("Use this folder").on_hover_text(self.dir.display().to_string()).clicked()
            {
                commands.push(self.purpose.command(self.dir.clone()));
                keep = false;
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                keep = false;
            }
        });
        (keep, commands)
    }
}
