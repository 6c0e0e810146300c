//! File › Import… (many sources at once, with the text column of a CSV/TSV chosen from a preview)
//! and File › Open URL…. Both end in [`Command::StartImport`]; the import itself runs on a worker
//! thread (`ui::import_job`).

use std::path::{Path, PathBuf};

use egui::RichText;

use crate::formats::import::Input;
use crate::ui::commands::Command;
use crate::ui::dialogs::file_chooser::{FileDialog, FileDialogPurpose, show_embedded};
use crate::ui::dialogs::{DialogContext, Outcome};
use crate::ui::import_job::ImportRequest;

/// How much of a CSV/TSV file the preview reads.
const PREVIEW_BYTES: u64 = 64 * 1024;
/// Rows the preview shows.
const PREVIEW_ROWS: usize = 4;
/// Characters of a cell the preview shows.
const PREVIEW_CELL: usize = 40;

/// The header and first rows of a CSV or TSV file, to choose the text column from.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvPreview {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl CsvPreview {
    /// Reads the start of `path` (a `.csv` or `.tsv`); a message says why it cannot.
    pub fn read(path: &Path) -> Result<Self, String> {
        use std::io::Read;
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut bytes = Vec::new();
        file.take(PREVIEW_BYTES).read_to_end(&mut bytes).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let text = crate::formats::encoding::decode(&bytes, None, None)
            .map(|d| d.text)
            .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).into_owned());
        let tsv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if tsv { b'\t' } else { b',' })
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| format!("{}: not a CSV file: {e}", path.display()))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        if header.is_empty() {
            return Err(format!("{}: no header row", path.display()));
        }
        // The last record may be cut by the preview's byte limit: it is only shown, never imported.
        let rows = reader
            .records()
            .take(PREVIEW_ROWS)
            .filter_map(Result::ok)
            .map(|r| r.iter().map(|cell| shorten(cell, PREVIEW_CELL)).collect())
            .collect();
        Ok(Self { path: path.to_owned(), header, rows })
    }

    /// The column the import would take without a choice (the library's guess), if any.
    pub fn guessed_column(&self) -> Option<String> {
        const TEXT_NAMES: &[&str] =
            &["text", "body", "content", "article", "full_text", "fulltext", "document", "message", "abstract"];
        TEXT_NAMES.iter().find_map(|name| self.header.iter().find(|h| h.eq_ignore_ascii_case(name)).cloned())
    }
}

fn shorten(text: &str, max: usize) -> String {
    let one_line = text.replace(['\r', '\n'], " ");
    if one_line.chars().count() > max {
        let mut short: String = one_line.chars().take(max - 1).collect();
        short.push('…');
        short
    } else {
        one_line
    }
}

fn is_table(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("tsv"))
}

/// File › Import…: the sources, the text column, the options.
#[derive(Clone, Debug)]
pub struct ImportSetup {
    pub sources: Vec<PathBuf>,
    /// The path being typed.
    pub typed: String,
    /// The text column for CSV/TSV files (`None`: the usual names).
    pub text_column: Option<String>,
    pub preview: Option<Result<CsvPreview, String>>,
    pub clean: bool,
    pub skip_duplicates: bool,
    error: Option<String>,
    focus_requested: bool,
    /// Where Browse… starts (the project's folder).
    pub folder: PathBuf,
    /// Spanwise's own chooser, shown inside this dialog, when there is no system dialog.
    chooser: Option<FileDialog>,
}

impl Default for ImportSetup {
    fn default() -> Self {
        Self {
            sources: Vec::new(),
            typed: String::new(),
            text_column: None,
            preview: None,
            clean: false,
            skip_duplicates: true,
            error: None,
            focus_requested: true,
            folder: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            chooser: None,
        }
    }
}

impl ImportSetup {
    /// Adds a file or folder (typed, or dropped on the window).
    pub fn add(&mut self, path: PathBuf) {
        if !path.exists() {
            self.error = Some(format!("There is no file or folder {}", path.display()));
            return;
        }
        self.error = None;
        if !self.sources.contains(&path) {
            self.sources.push(path);
            self.refresh_preview();
        }
    }

    /// Shows Spanwise's own chooser (several files, or a whole folder) inside the dialog.
    pub fn open_chooser(&mut self, dir: PathBuf) {
        self.chooser = Some(FileDialog::new(FileDialogPurpose::ImportSources, dir, None));
    }

    /// Whether Spanwise's own chooser is shown inside the dialog.
    pub fn choosing(&self) -> bool {
        self.chooser.is_some()
    }

    /// Adds what a file dialog chose.
    pub fn add_chosen(&mut self, paths: Vec<PathBuf>) {
        if let Some(first) = paths.first().and_then(|p| p.parent()) {
            self.folder = first.to_owned();
        }
        paths.into_iter().for_each(|path| self.add(path));
        self.focus_requested = true;
    }

    fn refresh_preview(&mut self) {
        let first_table = self.sources.iter().find(|p| is_table(p));
        let same = matches!((&self.preview, first_table), (Some(Ok(p)), Some(path)) if &p.path == path);
        if same {
            return;
        }
        self.preview = first_table.map(|path| CsvPreview::read(path));
        self.text_column = match &self.preview {
            Some(Ok(preview)) => preview.guessed_column().or_else(|| preview.header.first().cloned()),
            _ => None,
        };
    }

    /// What Import asks for.
    pub fn request(&self) -> ImportRequest {
        let mut request = ImportRequest::new(self.sources.iter().cloned().map(Input::Path).collect());
        request.text_column = self.text_column.clone();
        request.clean = self.clean;
        request.skip_duplicates = self.skip_duplicates;
        request
    }

    /// Shows the dialog; returns whether it stays open and what the app should do.
    pub fn ui(&mut self, ui: &mut egui::Ui, context: &DialogContext<'_>) -> (bool, Vec<Outcome>) {
        let mut outcomes = Vec::new();
        if let Some(commands) = show_embedded(&mut self.chooser, ui, context.recent_files) {
            for command in commands {
                if let Command::ImportSourcesFrom(paths) = command {
                    self.add_chosen(paths);
                }
            }
            return (true, outcomes);
        }
        let mut keep = true;
        ui.heading("Import documents");
        ui.label(
            "Files, folders (everything inside them), zip archives and CSV, TSV or JSONL corpora (one document per \
             row). Type a path and press Enter, choose them with Browse…, or drop files and folders on the window.",
        );
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let field = ui.add(
                egui::TextEdit::singleline(&mut self.typed)
                    .hint_text("/path/to/folder, articles.zip, corpus.csv…")
                    .desired_width(420.0),
            );
            if self.focus_requested {
                field.request_focus();
                self.focus_requested = false;
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add").clicked() || entered) && !self.typed.trim().is_empty() {
                let typed = std::mem::take(&mut self.typed);
                self.add(PathBuf::from(typed.trim()));
                ui.memory_mut(|m| m.request_focus(field.id));
            }
            let browse = ui.button("Browse…").on_hover_text("Choose files, or a whole folder");
            if browse.clicked() {
                if context.system_file_dialogs {
                    outcomes.push(Outcome::ChooseFile(FileDialogPurpose::ImportSources, self.folder.clone(), None));
                } else {
                    self.open_chooser(self.folder.clone());
                }
            }
        });
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let mut remove = None;
        egui::ScrollArea::vertical().id_salt("import_sources").max_height(140.0).show(ui, |ui| {
            for (i, source) in self.sources.iter().enumerate() {
                ui.horizontal(|ui| {
                    if ui.small_button("✕").on_hover_text("Do not import this").clicked() {
                        remove = Some(i);
                    }
                    let kind = if source.is_dir() { "folder" } else { "file" };
                    ui.label(format!("{} ({kind})", source.display()));
                });
            }
        });
        if let Some(i) = remove {
            self.sources.remove(i);
            self.preview = None;
            self.refresh_preview();
        }
        self.preview_ui(ui);
        ui.add_space(4.0);
        ui.checkbox(&mut self.skip_duplicates, "Skip texts already in the project (or twice in this import)");
        ui.checkbox(&mut self.clean, "Remove web-page clutter from plain texts (the clean-up proposals as they are)");
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let import = ui
                .add_enabled(!self.sources.is_empty(), egui::Button::new("Import"))
                .on_hover_text("Import everything listed (Ctrl+Enter)");
            let keyboard =
                !self.sources.is_empty() && ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
            if import.clicked() || keyboard {
                keep = false;
                outcomes.push(Outcome::Command(Command::StartImport(self.request())));
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        (keep, outcomes)
    }

    fn preview_ui(&mut self, ui: &mut egui::Ui) {
        let Some(preview) = &self.preview else {
            return;
        };
        ui.add_space(4.0);
        let preview = match preview {
            Ok(preview) => preview,
            Err(message) => {
                ui.colored_label(ui.visuals().error_fg_color, message);
                return;
            }
        };
        let name = preview.path.file_name().unwrap_or_default().to_string_lossy();
        ui.horizontal(|ui| {
            let label = ui.label(format!("Text column of {name}:"));
            let shown = self.text_column.clone().unwrap_or_default();
            egui::ComboBox::from_id_salt("text_column")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for column in &preview.header {
                        ui.selectable_value(&mut self.text_column, Some(column.clone()), column);
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.label(RichText::new("Each row becomes a document; the other columns become its variables.").weak());
        egui::ScrollArea::horizontal().id_salt("csv_preview").show(ui, |ui| {
            egui::Grid::new("csv_preview_grid").striped(true).show(ui, |ui| {
                for column in &preview.header {
                    let strong = self.text_column.as_deref() == Some(column.as_str());
                    let text = RichText::new(column).strong();
                    ui.label(if strong { text.underline() } else { text });
                }
                ui.end_row();
                for row in &preview.rows {
                    for cell in row {
                        ui.label(cell);
                    }
                    ui.end_row();
                }
            });
        });
    }
}

/// File › Open URL…: one address, fetched on Enter.
#[derive(Clone, Debug, Default)]
pub struct UrlPrompt {
    pub url: String,
    error: Option<String>,
    focus_done: bool,
}

impl UrlPrompt {
    /// Shows the prompt; returns whether it stays open and the command to run.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> (bool, Option<Command>) {
        let mut keep = true;
        let mut command = None;
        ui.heading("Open URL");
        ui.label("The page is fetched and its article imported as a document, with its address.");
        let field = ui.add(
            egui::TextEdit::singleline(&mut self.url)
                .hint_text("https://example.com/news/article")
                .desired_width(520.0),
        );
        if !self.focus_done {
            field.request_focus();
            self.focus_done = true;
        }
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.horizontal(|ui| {
            let fetch = ui.button("Fetch").clicked();
            if fetch || entered {
                let url = self.url.trim();
                match Input::parse(url) {
                    Input::Url(url) => {
                        keep = false;
                        command = Some(Command::StartImport(ImportRequest::new(vec![Input::Url(url)])));
                    }
                    Input::Path(_) => {
                        self.error = Some("Type an address starting with http:// or https://".into());
                        field.request_focus();
                    }
                }
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        (keep, command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_preview_shows_the_header_and_guesses_the_text_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        std::fs::write(&path, "id,outlet,body\r\n1,Zeit,\"Grüße 👋🏽 👨‍👩‍👧\r\nمی‌خواهم 中文\"\r\n2,Taz,second\r\n").unwrap();
        let preview = CsvPreview::read(&path).unwrap();
        assert_eq!(preview.header, ["id", "outlet", "body"]);
        assert_eq!(preview.rows.len(), 2);
        assert_eq!(preview.rows[0][2], "Grüße 👋🏽 👨‍👩‍👧  می‌خواهم 中文");
        assert_eq!(preview.guessed_column().as_deref(), Some("body"));
        let mut setup = ImportSetup::default();
        setup.add(path.clone());
        assert_eq!(setup.text_column.as_deref(), Some("body"));
        setup.add(dir.path().join("missing"));
        assert_eq!(setup.sources, [path]);
    }
}
