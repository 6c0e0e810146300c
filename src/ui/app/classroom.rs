//! The classroom in the window (issue 12, part C): File › Prepare assignment…, Analysis › Grade
//! students…, and an assignment's instructions shown to the student who opens it.

use std::path::Path;

use super::SpanwiseApp;
use crate::ui::commands::Command;
use crate::ui::dialogs::{AssignmentDialog, Dialog, FileDialogPurpose, GradeDialog};

impl SpanwiseApp {
    /// Runs the classroom's commands; returns any other command.
    pub(super) fn run_classroom_command(&mut self, command: Command) -> Option<Command> {
        match command {
            Command::PrepareAssignment => self.show_assignment_dialog(),
            Command::AssignmentTo(path) => match &mut self.dialog {
                Some(Dialog::Assignment(dialog)) => dialog.set_destination(&path),
                _ => log::warn!("an assignment file was chosen with no Prepare assignment dialog open"),
            },
            Command::GradeStudents => self.show_grade_dialog(),
            Command::GradeAddStudents(_) | Command::GradebookTo(_) | Command::FeedbackTo(_) => match &mut self.dialog {
                Some(Dialog::Grade(dialog)) => dialog.chosen(command),
                _ => log::warn!("{command:?} with no Grade dialog open"),
            },
            Command::ShowInstructions => self.show_instructions(),
            other => return Some(other),
        }
        None
    }

    fn show_assignment_dialog(&mut self) {
        if self.project().documents.is_empty() {
            self.status = Some("Add the documents (and your key annotations) first".into());
            return;
        }
        let path = self.session.path().map(Path::to_owned);
        let project = self.project();
        let dialog = AssignmentDialog::new(path.as_deref(), &project.name, self.start_dir(), &project.instructions);
        self.show_dialog(Dialog::Assignment(Box::new(dialog)));
    }

    fn show_grade_dialog(&mut self) {
        if self.project().documents.is_empty() {
            self.status = Some("Open the key (your annotated project) first".into());
            return;
        }
        let path = self.session.path().map(Path::to_owned);
        let dialog = GradeDialog::new(self.project().clone(), path.as_deref(), self.start_dir());
        self.show_dialog(Dialog::Grade(Box::new(dialog)));
    }

    fn show_instructions(&mut self) {
        let project = self.project();
        if project.instructions.trim().is_empty() {
            self.status = Some("This project has no assignment instructions".into());
            return;
        }
        let dialog = Dialog::Instructions { project: project.name.clone(), text: project.instructions.clone() };
        self.show_dialog(dialog);
    }

    /// A project was opened (or replaced): an assignment nobody has annotated yet shows its
    /// instructions.
    pub(super) fn project_opened(&mut self) {
        let project = self.project();
        if !project.instructions.trim().is_empty() && project.annotation_count() == 0 {
            self.show_instructions();
        }
    }

    /// Spanwise's own chooser inside the classroom dialog that asked; `false` if none did.
    pub(super) fn classroom_chooser(
        &mut self,
        purpose: FileDialogPurpose,
        dir: &Path,
        suggested: &Option<std::path::PathBuf>,
    ) -> bool {
        match (&mut self.dialog, purpose) {
            (Some(Dialog::Assignment(dialog)), FileDialogPurpose::Assignment) => {
                dialog.open_chooser(dir.to_owned(), suggested.clone())
            }
            (
                Some(Dialog::Grade(dialog)),
                FileDialogPurpose::GradeStudents | FileDialogPurpose::Gradebook | FileDialogPurpose::Feedback,
            ) => dialog.open_chooser(purpose, dir.to_owned(), suggested.clone()),
            _ => return false,
        }
        true
    }

    /// Whether a system file dialog's answer goes to the dialog on screen.
    pub(super) fn takes_file_answers(dialog: &Dialog) -> bool {
        matches!(
            dialog,
            Dialog::Export(_)
                | Dialog::ImportAnnotations(_)
                | Dialog::Import(_)
                | Dialog::Assignment(_)
                | Dialog::Grade(_)
        )
    }
}
