//! What the Grade dialog shows and does, without the widgets: students' files graded against a
//! key on a worker thread (`analysis::grade`), the table's rows and their order, the gradebook
//! CSV (`analysis::gradebook`, the writer `spanwise grade --csv` uses) and the feedback pages
//! (`analysis::feedback`, as `spanwise grade --html` writes them).

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::Coefficient;
use crate::analysis::feedback::feedback_html;
use crate::analysis::grade::{Grade, grade};
use crate::analysis::gradebook;
use crate::analysis::span_f1::{Mode, Scores};
use crate::model::Project;
use crate::store;

/// A student's file, graded.
#[derive(Debug)]
pub struct Graded {
    pub grade: Grade,
    /// Their project (for the feedback page).
    pub project: Project,
}

/// One student's file and what became of it.
#[derive(Clone, Debug)]
pub struct StudentRow {
    pub path: PathBuf,
    /// The file's name (the gradebook's `file` column).
    pub file: String,
    /// The grade, or why the file could not be graded.
    pub result: Result<Arc<Graded>, String>,
}

impl StudentRow {
    /// The student's name as the file gives it (the file name if it cannot be read).
    pub fn student(&self) -> &str {
        match &self.result {
            Ok(graded) => &graded.grade.student,
            Err(_) => &self.file,
        }
    }

    /// Why this row needs a look: the file cannot be read, or texts of the key are not in it.
    pub fn problem(&self) -> Option<String> {
        match &self.result {
            Err(why) => Some(why.clone()),
            Ok(graded) if graded.grade.documents_found == 0 && graded.grade.documents_in_key > 0 => {
                Some("none of the key's texts is in this file (another assignment?)".into())
            }
            Ok(graded) if !graded.grade.missing_documents.is_empty() => Some(format!(
                "texts missing or different from the key's: {}",
                graded.grade.missing_documents.join(", ")
            )),
            Ok(_) => None,
        }
    }

    /// The scores shown for `scope` (a label's index in the key's codebook, or all labels pooled).
    pub fn scores(&self, scope: Option<usize>, mode: Mode) -> Option<Scores> {
        let grade = &self.result.as_ref().ok()?.grade;
        Some(match scope {
            None => grade.spans.micro(mode),
            Some(label) => grade.spans.per_label.get(label)?.scores(mode),
        })
    }

    /// The value in a numeric column, `None` when undefined or not graded.
    pub fn value(&self, column: Column, scope: Option<usize>) -> Option<f64> {
        let defined = |c: &Coefficient| c.as_ref().ok().copied();
        match column {
            Column::Precision(mode) => defined(&self.scores(scope, mode)?.precision),
            Column::Recall(mode) => defined(&self.scores(scope, mode)?.recall),
            Column::F1(mode) => defined(&self.scores(scope, mode)?.f1),
            Column::Relations => defined(&self.result.as_ref().ok()?.grade.relations.accuracy),
            Column::Completion => defined(&self.result.as_ref().ok()?.grade.completion),
            Column::Student | Column::File | Column::Problem => None,
        }
    }
}

/// A column of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Student,
    File,
    Precision(Mode),
    Recall(Mode),
    F1(Mode),
    Relations,
    Completion,
    Problem,
}

impl Column {
    /// Every column, in table order.
    pub const ALL: [Column; 11] = [
        Column::Student,
        Column::File,
        Column::Precision(Mode::Exact),
        Column::Recall(Mode::Exact),
        Column::F1(Mode::Exact),
        Column::Precision(Mode::Overlap),
        Column::Recall(Mode::Overlap),
        Column::F1(Mode::Overlap),
        Column::Relations,
        Column::Completion,
        Column::Problem,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Column::Student => "Student",
            Column::File => "File",
            Column::Precision(Mode::Exact) => "Exact P",
            Column::Recall(Mode::Exact) => "Exact R",
            Column::F1(Mode::Exact) => "Exact F1",
            Column::Precision(_) => "Overlap P",
            Column::Recall(_) => "Overlap R",
            Column::F1(_) => "Overlap F1",
            Column::Relations => "Relations",
            Column::Completion => "Completion",
            Column::Problem => "Problem",
        }
    }

    pub fn tooltip(self) -> &'static str {
        match self {
            Column::Student => "The names of the coders in the student's file",
            Column::File => "The student's file",
            Column::Precision(Mode::Exact) => "Share of the student's spans that are exactly a key span",
            Column::Recall(Mode::Exact) => "Share of the key's spans the student marked exactly",
            Column::F1(Mode::Exact) => "Harmonic mean of exact precision and recall",
            Column::Precision(_) => "Share of the student's spans overlapping a key span of the same label",
            Column::Recall(_) => "Share of the key's spans the student overlapped with the same label",
            Column::F1(_) => "Harmonic mean of overlap precision and recall",
            Column::Relations => "Share of the key's relations the student made too",
            Column::Completion => "Share of the key's documents in which the student annotated anything",
            Column::Problem => "Why a file could not be graded, or which of the key's texts it lacks",
        }
    }

    fn numeric(self) -> bool {
        !matches!(self, Column::Student | Column::File | Column::Problem)
    }
}

/// The rows' indexes in the order shown: by `column`, ascending or not; rows without a value
/// (undefined, or a file that could not be read) last either way; ties in the order added.
pub fn sorted(rows: &[StudentRow], column: Column, ascending: bool, scope: Option<usize>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    if column.numeric() {
        order.sort_by(|&a, &b| match (rows[a].value(column, scope), rows[b].value(column, scope)) {
            (Some(x), Some(y)) => {
                let by = x.total_cmp(&y);
                if ascending { by } else { by.reverse() }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    } else {
        let text = |row: &StudentRow| match column {
            Column::Student => row.student().to_lowercase(),
            Column::File => row.file.to_lowercase(),
            _ => row.problem().unwrap_or_default().to_lowercase(),
        };
        order.sort_by(|&a, &b| {
            let by = text(&rows[a]).cmp(&text(&rows[b]));
            if ascending { by } else { by.reverse() }
        });
    }
    order
}

/// The file name of a path, for the `file` column.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Reads and grades each file against `key`, in order; stops (returning what was graded) when
/// `progress` says so.
pub fn grade_files(
    key: &Project,
    paths: &[PathBuf],
    progress: &dyn Fn(u64, u64) -> ControlFlow<()>,
) -> Vec<StudentRow> {
    let total = paths.len() as u64;
    let mut rows = Vec::with_capacity(paths.len());
    for (done, path) in paths.iter().enumerate() {
        if progress(done as u64, total).is_break() {
            break;
        }
        let result = match store::load(path) {
            Ok(project) => Ok(Arc::new(Graded { grade: grade(key, &project), project })),
            Err(error) => {
                // The first few problems; the file itself has the rest.
                let problems = error.problems();
                let mut why: Vec<String> = problems.iter().take(3).map(ToString::to_string).collect();
                if problems.len() > 3 {
                    why.push(format!("and {} more", problems.len() - 3));
                }
                Err(format!("cannot be read: {}", why.join("; ")))
            }
        };
        rows.push(StudentRow { path: path.clone(), file: file_name(path), result });
    }
    let _ = progress(total, total);
    rows
}

/// The gradebook of the graded rows, in the order given (files that could not be read have no
/// row; the Grade dialog lists them).
pub fn gradebook_csv(key: &Project, rows: &[StudentRow]) -> String {
    gradebook::csv(
        key,
        rows.iter().filter_map(|row| row.result.as_ref().ok().map(|graded| (row.file.as_str(), &graded.grade))),
    )
}

/// Writes a feedback page per graded student into `folder` (created if needed), each atomically;
/// returns how many were written.
pub fn write_feedback(
    key: &Project,
    rows: &[StudentRow],
    folder: &Path,
    progress: &dyn Fn(u64, u64) -> ControlFlow<()>,
) -> Result<usize, String> {
    std::fs::create_dir_all(folder).map_err(|err| format!("Cannot create the folder {}: {err}", folder.display()))?;
    let graded: Vec<(&StudentRow, &Graded)> =
        rows.iter().filter_map(|row| row.result.as_ref().ok().map(|graded| (row, graded.as_ref()))).collect();
    let total = graded.len() as u64;
    for (done, (row, graded)) in graded.iter().enumerate() {
        if progress(done as u64, total).is_break() {
            return Err(format!("Cancelled after {done} of {total} pages"));
        }
        let page = folder.join(gradebook::feedback_file_name(&row.file));
        let html = feedback_html(key, &graded.project, &graded.grade);
        store::write_atomic(&page, html.as_bytes()).map_err(|err| err.to_string())?;
    }
    Ok(graded.len())
}

/// The project files of a folder (sorted by name), or the file itself.
pub fn student_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    if !path.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let entries = std::fs::read_dir(path).map_err(|err| format!("Cannot list {}: {err}", path.display()))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|p| p.is_file() && store::is_project_path(p) && !file_name(p).starts_with('.'))
        .collect();
    files.sort_by_key(|p| file_name(p).to_lowercase());
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::commands::Command;
    use crate::ui::dialogs::FileDialogPurpose;
    use crate::ui::native_dialogs::{Answer, Next, next_step};

    #[test]
    fn the_classroom_file_dialogs_answer_with_their_commands() {
        let path = PathBuf::from("/tmp/Grüße 🎉 شبکه‌ها 社交/klasse");
        for (purpose, command) in [
            (FileDialogPurpose::Assignment, Command::AssignmentTo(path.clone())),
            (FileDialogPurpose::GradeStudents, Command::GradeAddStudents(path.clone())),
            (FileDialogPurpose::Gradebook, Command::GradebookTo(path.clone())),
            (FileDialogPurpose::Feedback, Command::FeedbackTo(path.clone())),
        ] {
            assert_eq!(next_step(purpose, Answer::Chosen(path.clone())), Next::Run(command));
            assert_eq!(next_step(purpose, Answer::Failed("no portal".into())), Next::ShowOwnChooser);
        }
        // Students' files are read; the rest are written (a new name may be typed).
        assert!(!FileDialogPurpose::GradeStudents.saves());
        assert!(FileDialogPurpose::Assignment.saves() && FileDialogPurpose::Gradebook.saves());
        // A whole folder can be taken for the students and the feedback pages.
        assert!(FileDialogPurpose::GradeStudents.takes_folder() && FileDialogPurpose::Feedback.takes_folder());
        assert!(!FileDialogPurpose::Open.takes_folder());
    }

    #[test]
    fn a_folder_gives_its_project_files_by_name() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["zoë.spanwise.ron", "Ana.spanwise.ron", "社交.ron", ".hidden.spanwise.ron", "notes.txt"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.spanwise.ron")).unwrap();
        let names: Vec<String> = student_files(dir.path()).unwrap().iter().map(|p| file_name(p)).collect();
        assert_eq!(names, ["Ana.spanwise.ron", "zoë.spanwise.ron", "社交.ron"]);
        let one = dir.path().join("notes.txt");
        assert_eq!(student_files(&one).unwrap(), [one]);
    }
}
