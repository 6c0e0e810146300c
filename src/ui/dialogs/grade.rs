//! Analysis › Grade students…: the open project is the key; students' files (added one by one,
//! by folder, or dropped on the dialog) are graded on a worker thread; a table per student,
//! sorted by clicking a column's header; the gradebook CSV and the feedback pages.
//!
//! Keys: Enter in the students field adds what it names; Alt+C writes the gradebook CSV, Alt+F
//! the feedback pages (to the paths shown).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::RichText;

use super::file_chooser::show_embedded;
use super::{DialogContext, FileDialog, FileDialogPurpose, Outcome};
use crate::model::Project;
use crate::store;
use crate::ui::commands::Command;
use crate::ui::grading::{
    Column, StudentRow, file_name, grade_files, gradebook_csv, sorted, student_files, write_feedback,
};
use crate::ui::worker::{Worker, progress_ui};

/// The Grade dialog's state.
pub struct GradeDialog {
    /// The key, as it was when the dialog opened (the dialog is modal: it cannot change).
    key: Arc<Project>,
    /// How many annotations the key's layer has (all, or the gold layer once there is one).
    key_annotations: usize,
    key_path: Option<PathBuf>,
    folder: PathBuf,
    /// Every student, in the order added, once graded (or found unreadable).
    pub rows: Vec<StudentRow>,
    /// Files waiting to be graded.
    queued: Vec<PathBuf>,
    grading: Option<Worker<Vec<StudentRow>>>,
    /// Files being graded now.
    in_progress: Vec<PathBuf>,
    pub sort: Column,
    pub ascending: bool,
    /// A label's index in the key's codebook, or `None`: all labels pooled (micro).
    pub scope: Option<usize>,
    /// A file or folder as typed.
    pub student_input: String,
    pub gradebook: String,
    pub feedback: String,
    /// A folder with more project files than were added (offered as "add the others").
    more_in: Option<(PathBuf, usize)>,
    feedback_job: Option<Worker<Result<usize, String>>>,
    chooser: Option<FileDialog>,
    /// The last thing done, or the last problem (`true`: a problem).
    pub notice: Option<(String, bool)>,
    focus_requested: bool,
}

impl std::fmt::Debug for GradeDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GradeDialog")
            .field("rows", &self.rows.len())
            .field("queued", &self.queued)
            .finish_non_exhaustive()
    }
}

impl GradeDialog {
    /// A dialog grading against `key` (saved at `key_path`, if it was), writing beside it.
    pub fn new(key: Project, key_path: Option<&Path>, folder: PathBuf) -> Self {
        let stem = match key_path.and_then(Path::file_name) {
            Some(file) => {
                let file = file.to_string_lossy();
                file.strip_suffix(store::EXTENSION).unwrap_or(&file).to_owned()
            }
            None => super::assignment::file_stem(&key.name),
        };
        Self {
            gradebook: folder.join(format!("{stem}-grades.csv")).display().to_string(),
            feedback: folder.join("feedback").display().to_string(),
            key_annotations: {
                let in_key = crate::analysis::grade::key_layer(&key);
                key.documents.iter().flat_map(|d| &d.annotations).filter(|a| in_key(a)).count()
            },
            key: Arc::new(key),
            key_path: key_path.map(Path::to_owned),
            folder,
            rows: Vec::new(),
            queued: Vec::new(),
            grading: None,
            in_progress: Vec::new(),
            sort: Column::Student,
            ascending: true,
            scope: None,
            student_input: String::new(),
            more_in: None,
            feedback_job: None,
            chooser: None,
            notice: None,
            focus_requested: true,
        }
    }

    pub fn key(&self) -> &Project {
        &self.key
    }

    /// Whether grading or writing is under way.
    pub fn is_running(&self) -> bool {
        self.grading.is_some() || self.feedback_job.is_some()
    }

    /// The rows' indexes in the order shown.
    pub fn order(&self) -> Vec<usize> {
        sorted(&self.rows, self.sort, self.ascending, self.scope)
    }

    /// The state in a few words, for the state report.
    pub fn describe(&self) -> String {
        let problems = self.rows.iter().filter(|r| r.problem().is_some()).count();
        let mut text = format!("grade: {} graded, {problems} with problems", self.rows.len());
        if self.is_running() || !self.queued.is_empty() {
            text.push_str(", working");
        }
        if let Some((notice, _)) = &self.notice {
            text.push_str(": ");
            text.push_str(notice.lines().next().unwrap_or_default());
        }
        text
    }

    /// Adds a student's file, or every project file of a folder, to be graded (files already
    /// listed, and the key's own file, are skipped).
    pub fn add_students(&mut self, path: &Path) {
        let files = match student_files(path) {
            Ok(files) => files,
            Err(why) => {
                self.notice = Some((why, true));
                return;
            }
        };
        if path.is_dir() && files.is_empty() {
            self.notice = Some((format!("No project files (.spanwise.ron) in {}", path.display()), true));
            return;
        }
        let known = |p: &Path, dialog: &Self| {
            dialog.rows.iter().any(|r| store::same_file(&r.path, p))
                || dialog.queued.iter().chain(&dialog.in_progress).any(|q| store::same_file(q, p))
                || dialog.key_path.as_deref().is_some_and(|k| store::same_file(k, p))
        };
        // The gradebook and the feedback pages name students by file name: two files of one name
        // (from two folders) would share a row name and a page.
        let mut clashes = Vec::new();
        for file in files {
            if known(&file, self) {
                continue;
            }
            let name = file_name(&file);
            let listed = self.rows.iter().map(|r| &r.path).chain(&self.queued).chain(&self.in_progress);
            if let Some(other) = listed.into_iter().find(|p| file_name(p) == name) {
                clashes.push(format!("{} (as {})", file.display(), other.display()));
                continue;
            }
            self.queued.push(file);
        }
        if !clashes.is_empty() {
            self.notice = Some((
                format!(
                    "Not added: a file of the same name is listed already (the gradebook and the feedback pages \
                     name students by file name; rename one): {}",
                    clashes.join(", ")
                ),
                true,
            ));
        }
        // One file of a folder with more: offer the others.
        self.more_in = None;
        if !path.is_dir()
            && let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(all) = student_files(folder)
        {
            let others = all.iter().filter(|p| !known(p, self)).count();
            if others > 0 {
                self.more_in = Some((folder.to_owned(), others));
            }
        }
    }

    pub fn open_chooser(&mut self, purpose: FileDialogPurpose, dir: PathBuf, suggested: Option<PathBuf>) {
        self.chooser = Some(FileDialog::new(purpose, dir, suggested));
    }

    /// A file dialog's answer.
    pub fn chosen(&mut self, command: Command) {
        match command {
            Command::GradeAddStudents(path) => self.add_students(&path),
            Command::GradebookTo(path) => self.gradebook = path.display().to_string(),
            Command::FeedbackTo(path) => self.feedback = path.display().to_string(),
            other => log::warn!("the Grade dialog got {other:?}"),
        }
    }

    fn typed_path(&self, typed: &str) -> Option<PathBuf> {
        let typed = typed.trim();
        (!typed.is_empty()).then(|| {
            let path = PathBuf::from(typed);
            if path.is_absolute() { path } else { self.folder.join(path) }
        })
    }

    /// Takes finished work, starts queued work.
    fn tick(&mut self, ctx: &egui::Context) {
        if let Some(worker) = &self.grading
            && let Some(result) = worker.poll()
        {
            self.grading = None;
            match result {
                Ok(rows) => {
                    let graded = rows.len();
                    self.rows.extend(rows);
                    // Cancelled part-way: what was not graded stays listed, as not graded.
                    for path in self.in_progress.drain(..).skip(graded) {
                        let file = file_name(&path);
                        self.rows.push(StudentRow { path, file, result: Err("not graded (cancelled)".into()) });
                    }
                }
                Err(why) => {
                    for path in self.in_progress.drain(..) {
                        let file = file_name(&path);
                        self.rows.push(StudentRow { path, file, result: Err(format!("not graded: {why}")) });
                    }
                }
            }
        }
        if let Some(worker) = &self.feedback_job
            && let Some(result) = worker.poll()
        {
            self.feedback_job = None;
            self.notice = Some(match result {
                Ok(Ok(written)) => (format!("Feedback written: {written} pages in {}", self.feedback.trim()), false),
                Ok(Err(why)) | Err(why) => (why, true),
            });
        }
        if self.grading.is_none() && !self.queued.is_empty() {
            self.in_progress = std::mem::take(&mut self.queued);
            let (key, paths) = (Arc::clone(&self.key), self.in_progress.clone());
            match Worker::spawn("grade", ctx, move |progress| grade_files(&key, &paths, progress)) {
                Ok(worker) => self.grading = Some(worker),
                Err(err) => self.notice = Some((format!("Cannot start grading: {err}"), true)),
            }
        }
    }

    /// Writes the gradebook CSV (atomically).
    pub fn write_gradebook(&mut self) {
        let Some(path) = self.typed_path(&self.gradebook) else {
            self.notice = Some(("Choose where to save the gradebook".into(), true));
            return;
        };
        if self.rows.is_empty() {
            self.notice = Some(("Add students' files first".into(), true));
            return;
        }
        let text = gradebook_csv(&self.key, &self.rows);
        self.notice = Some(match store::write_atomic(&path, text.as_bytes()) {
            Ok(()) => {
                let unread: Vec<&str> =
                    self.rows.iter().filter(|r| r.result.is_err()).map(|r| r.file.as_str()).collect();
                let mut text = format!("Gradebook written: {}", path.display());
                if !unread.is_empty() {
                    text.push_str(&format!(" (not in it, not graded: {})", unread.join(", ")));
                }
                (text, false)
            }
            Err(err) => (err.to_string(), true),
        });
    }

    /// Starts writing the feedback pages.
    pub fn write_feedback(&mut self, ctx: &egui::Context) {
        let Some(folder) = self.typed_path(&self.feedback) else {
            self.notice = Some(("Choose a folder for the feedback pages".into(), true));
            return;
        };
        if self.rows.iter().all(|r| r.result.is_err()) {
            self.notice = Some(("No graded student yet".into(), true));
            return;
        }
        let (key, rows) = (Arc::clone(&self.key), self.rows.clone());
        match Worker::spawn("feedback", ctx, move |progress| write_feedback(&key, &rows, &folder, progress)) {
            Ok(worker) => self.feedback_job = Some(worker),
            Err(err) => self.notice = Some((format!("Cannot start writing: {err}"), true)),
        }
    }

    /// Shows the dialog; returns whether it stays open, and what the app should do.
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, context: &DialogContext<'_>) -> (bool, Vec<Outcome>) {
        let mut outcomes = Vec::new();
        if let Some(commands) = show_embedded(&mut self.chooser, ui, context.recent_files) {
            commands.into_iter().for_each(|command| self.chosen(command));
            return (true, outcomes);
        }
        self.tick(ui.ctx());
        ui.set_width(ui.ctx().content_rect().width().clamp(560.0, 1100.0) - 80.0);
        // Alt+C and Alt+F, taken before a text field would type the letter.
        let (csv_key, feedback_key) = ui.input_mut(|i| {
            let csv = i.consume_key(egui::Modifiers::ALT, egui::Key::C);
            let feedback = i.consume_key(egui::Modifiers::ALT, egui::Key::F);
            if csv || feedback {
                i.events.retain(|e| !matches!(e, egui::Event::Text(t) if t.eq_ignore_ascii_case("c") || t.eq_ignore_ascii_case("f")));
            }
            (csv, feedback)
        });
        ui.heading("Grade students");
        let key = &self.key;
        // The key is the gold layer when the project has one (after adjudication), else every
        // annotation: say which, with its size, so a gold layer of one annotation is no surprise.
        let key_annotations = self.key_annotations;
        let layer = if key_annotations == key.annotation_count() {
            "all its annotations"
        } else {
            "its gold layer (the adjudicated annotations)"
        };
        ui.label(format!(
            "Key: this project ({}), {layer}: {key_annotations} annotation{} in {} document{}. Documents are \
             matched by their text.",
            self.key_path.as_deref().map_or_else(|| key.name.clone(), file_name),
            if key_annotations == 1 { "" } else { "s" },
            key.documents.len(),
            if key.documents.len() == 1 { "" } else { "s" },
        ));
        self.students_ui(ui, context, &mut outcomes);
        if let Some(worker) = &self.grading
            && progress_ui(ui, worker, &format!("Grading {} files…", self.in_progress.len()))
        {
            worker.cancel();
        }
        ui.separator();
        self.scope_ui(ui);
        self.table_ui(ui);
        ui.separator();
        self.outputs_ui(ui, context, &mut outcomes, csv_key, feedback_key);
        if let Some((notice, problem)) = &self.notice {
            let color = if *problem { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
            ui.colored_label(color, notice);
        }
        let keep = !ui.add_enabled(!self.is_running(), egui::Button::new("Close")).clicked();
        (keep, outcomes)
    }

    fn students_ui(&mut self, ui: &mut egui::Ui, context: &DialogContext<'_>, outcomes: &mut Vec<Outcome>) {
        let mut add = None;
        ui.horizontal(|ui| {
            ui.label("Students:");
            // Enter adds, and the field takes the keyboard back for the next path.
            let response = ui.add(
                egui::TextEdit::singleline(&mut self.student_input)
                    .hint_text("a student's file or a folder of them; Enter adds")
                    .desired_width(ui.available_width() - 170.0),
            );
            let response = response.accessible_name("Student file or folder");
            if std::mem::take(&mut self.focus_requested) {
                response.request_focus();
            }
            let entered =
                (response.lost_focus() || response.has_focus()) && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Add").clicked() || entered {
                add = Some(self.student_input.clone());
                if entered {
                    response.request_focus();
                }
            }
            if ui.button("Choose…").on_hover_text("A file, or a folder (Use this folder)").clicked() {
                if context.system_file_dialogs {
                    outcomes.push(Outcome::ChooseFile(FileDialogPurpose::GradeStudents, self.folder.clone(), None));
                } else {
                    self.open_chooser(FileDialogPurpose::GradeStudents, self.folder.clone(), None);
                }
            }
        });
        if let Some(typed) = add {
            match self.typed_path(&typed) {
                Some(path) if path.exists() => {
                    self.add_students(&path);
                    self.student_input.clear();
                }
                Some(path) => self.notice = Some((format!("{} does not exist", path.display()), true)),
                None => {}
            }
        }
        if let Some((folder, others)) = self.more_in.clone()
            && ui
                .button(format!(
                    "Add the other {others} project file{} in {}",
                    if others == 1 { "" } else { "s" },
                    folder.display()
                ))
                .clicked()
        {
            self.add_students(&folder);
        }
        ui.label(RichText::new("Files can also be dropped here, many at once.").weak().small());
    }

    fn scope_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.label("Scores for:");
            ui.selectable_value(&mut self.scope, None, "All labels (pooled)");
            for (index, label) in self.key.codebook.labels.iter().enumerate() {
                ui.selectable_value(&mut self.scope, Some(index), label.name.as_str());
            }
        });
    }

    fn table_ui(&mut self, ui: &mut egui::Ui) {
        if self.rows.is_empty() {
            ui.label(RichText::new("No student graded yet.").weak());
            return;
        }
        let order = self.order();
        let height = (ui.ctx().content_rect().height() * 0.45).max(120.0);
        egui::ScrollArea::both().id_salt("grade_table").max_height(height).show(ui, |ui| {
            egui::Grid::new("grade_table_grid").striped(true).spacing([14.0, 4.0]).show(ui, |ui| {
                for column in Column::ALL {
                    let arrow = match (self.sort == column, self.ascending) {
                        (true, true) => " ▲",
                        (true, false) => " ▼",
                        (false, _) => "",
                    };
                    let header = RichText::new(format!("{}{arrow}", column.title())).strong();
                    if ui.add(egui::Button::new(header).frame(false)).on_hover_text(column.tooltip()).clicked() {
                        self.ascending = if self.sort == column {
                            !self.ascending
                        } else {
                            column == Column::Student || column == Column::File
                        };
                        self.sort = column;
                    }
                }
                ui.end_row();
                for index in order {
                    let row = &self.rows[index];
                    for column in Column::ALL {
                        match column {
                            Column::Student if row.student().is_empty() => {
                                ui.label(RichText::new("(no coder named)").weak())
                            }
                            Column::Student => ui.label(row.student()),
                            Column::File => ui.label(&row.file).on_hover_text(row.path.display().to_string()),
                            Column::Problem => match row.problem() {
                                Some(problem) => {
                                    ui.colored_label(ui.visuals().warn_fg_color, &problem).on_hover_text(problem)
                                }
                                None => ui.label(""),
                            },
                            _ => ui.label(row.value(column, self.scope).map_or("–".into(), |v| format!("{v:.3}"))),
                        };
                    }
                    ui.end_row();
                }
            });
        });
        let scope =
            self.scope.and_then(|i| self.key.codebook.labels.get(i)).map_or("all labels".into(), |l| l.name.clone());
        ui.label(
            RichText::new(format!(
                "Precision, recall and F1 for {scope}, the key as reference; – where undefined. Click a header to \
                 sort. The CSV also has exact and overlap F1 per label."
            ))
            .weak()
            .small(),
        );
    }

    fn outputs_ui(
        &mut self,
        ui: &mut egui::Ui,
        context: &DialogContext<'_>,
        outcomes: &mut Vec<Outcome>,
        csv_key: bool,
        feedback_key: bool,
    ) {
        let running = self.is_running();
        let mut choose = None;
        let field_width = (ui.available_width() - 330.0).max(220.0);
        ui.horizontal(|ui| {
            ui.add_sized([110.0, 18.0], egui::Label::new("Gradebook CSV:"));
            ui.add(egui::TextEdit::singleline(&mut self.gradebook).desired_width(field_width))
                .accessible_name("Gradebook CSV");
            if ui.button("Choose…").clicked() {
                choose = Some((FileDialogPurpose::Gradebook, self.typed_path(&self.gradebook)));
            }
            let export = ui
                .add_enabled(!running, egui::Button::new("Export CSV"))
                .on_hover_text("One row per student, the columns of spanwise grade --csv (Alt+C)")
                .clicked();
            if export || (csv_key && !running) {
                self.write_gradebook();
            }
        });
        ui.horizontal(|ui| {
            ui.add_sized([110.0, 18.0], egui::Label::new("Feedback pages:"));
            ui.add(egui::TextEdit::singleline(&mut self.feedback).desired_width(field_width))
                .accessible_name("Feedback folder");
            if ui.button("Choose…").clicked() {
                choose = Some((FileDialogPurpose::Feedback, self.typed_path(&self.feedback)));
            }
            let write = ui
                .add_enabled(!running, egui::Button::new("Write feedback"))
                .on_hover_text("One self-contained, printable HTML page per student, into this folder (Alt+F)")
                .clicked();
            if write || (feedback_key && !running) {
                self.write_feedback(ui.ctx());
            }
        });
        if let Some(worker) = &self.feedback_job
            && progress_ui(ui, worker, "Writing feedback…")
        {
            worker.cancel();
        }
        if let Some((purpose, suggested)) = choose {
            if context.system_file_dialogs {
                outcomes.push(Outcome::ChooseFile(purpose, self.folder.clone(), suggested));
            } else {
                self.open_chooser(purpose, self.folder.clone(), suggested);
            }
        }
    }
}
