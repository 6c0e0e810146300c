//! The app's side of File › Export… and File › Import annotations…: opening the dialogs with what
//! the user chose last time, handing them file-dialog answers, and using what they finished
//! (remembering the export, applying an import as one undo step).

use std::path::{Path, PathBuf};

use super::SpanwiseApp;
use crate::formats::export::Format;
use crate::model::Annotator;
use crate::settings::LastExport;
use crate::ui::dialogs::{Dialog, ExportDialog, Exported, ImportDialog, ImportPlan};

impl SpanwiseApp {
    /// File › Export…, offering this project's last format and folder.
    pub(super) fn show_export_dialog(&mut self) {
        let project_path = self.session.path().map(Path::to_owned);
        let last = self.settings.last_export(project_path.as_deref()).cloned();
        let folder = last.as_ref().map(|l| l.folder.clone()).filter(|f| f.is_dir()).unwrap_or_else(|| self.start_dir());
        let format = last.and_then(|l| Format::from_name(&l.format));
        let dialog = ExportDialog::new(project_path.as_deref(), &self.project().name, folder, format);
        self.show_dialog(Dialog::Export(Box::new(dialog)));
    }

    pub(super) fn export_destination_chosen(&mut self, path: &Path) {
        match &mut self.dialog {
            Some(Dialog::Export(dialog)) => dialog.set_destination(path),
            _ => log::warn!("an export destination was chosen with no Export dialog open: {}", path.display()),
        }
    }

    /// Remembers the format and folder for this project, and says what was written where.
    pub(super) fn exported(&mut self, exported: Exported) {
        let folder = exported.summary.path.parent().map(Path::to_owned).unwrap_or_else(|| PathBuf::from("."));
        self.settings.remember_export(LastExport {
            project: self.session.path().map(Path::to_owned),
            format: exported.format.name().to_owned(),
            folder,
        });
        self.save_settings();
        self.status = Some(exported.status());
        self.show_dialog(Dialog::Message { title: "Export finished".into(), message: exported.message() });
    }

    /// File › Import annotations….
    pub(super) fn show_import_dialog(&mut self) {
        let name = self.settings.annotator_name.trim();
        let annotator = if name.is_empty() {
            Annotator { id: "imported".into(), name: "Imported".into() }
        } else {
            Annotator { id: crate::model::slug(name), name: name.to_owned() }
        };
        let dialog = ImportDialog::new(self.start_dir(), annotator);
        self.show_dialog(Dialog::ImportAnnotations(Box::new(dialog)));
    }

    pub(super) fn import_source_chosen(&mut self, path: &Path) {
        match &mut self.dialog {
            Some(Dialog::ImportAnnotations(dialog)) => dialog.set_path(path),
            _ => log::warn!("annotations to import were chosen with no Import dialog open: {}", path.display()),
        }
    }

    /// Applies an import as one undo step and says what it did.
    pub(super) fn apply_import(&mut self, plan: ImportPlan) {
        let status = plan.status();
        let message = plan.message();
        match self.session.apply(plan.edit) {
            Ok(()) => {
                self.sync_with_session();
                self.status = Some(status);
                self.show_dialog(Dialog::Message { title: "Annotations imported".into(), message });
            }
            Err(err) => self.show_dialog(Dialog::Error {
                title: "Cannot import the annotations".into(),
                message: format!("{err}\n\nNothing was changed."),
            }),
        }
    }
}
