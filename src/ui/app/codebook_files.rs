//! The codebook's own commands: a change that brings relations or values along (one undo
//! step), File › Export codebook… and Import codebook… (`formats::codebook`, merged as the CLI
//! merges: `codebook_editing::merge_codebooks`), and the palette's way into the editors.

use std::path::{Path, PathBuf};

use super::SpanwiseApp;
use crate::edit::Edit;
use crate::formats::codebook;
use crate::model::codebook_editing::{self as cb, Entry, merge_codebooks};
use crate::session::codebook::cascade_edit;
use crate::ui::commands::Command;
use crate::ui::dialogs::FileDialogPurpose;

impl SpanwiseApp {
    /// Runs the codebook's commands; gives back any other command.
    pub(super) fn run_codebook_command(&mut self, command: Command) -> Option<Command> {
        match command {
            Command::CodebookCascade(cascade) => {
                // A change asked about before the codebook was locked must not unlock it.
                if self.project().codebook.locked {
                    self.coding.entries.prompt = None;
                    self.coding.error = Some(cb::EntryChange::Locked.to_string());
                    return None;
                }
                let edit = cascade_edit(*cascade);
                match self.session.apply(edit) {
                    Ok(()) => {
                        self.coding.error = None;
                        self.coding.entries.prompt = None;
                        self.drop_closed_entry();
                    }
                    Err(err) => self.coding.error = Some(format!("Not changed: {err}")),
                }
            }
            Command::ExportCodebook => {
                let dir = self.start_dir();
                let stem = self.project().name.trim().replace(['/', '\\'], "-");
                let stem = if stem.is_empty() { "project".to_owned() } else { stem };
                self.ask_for_file(
                    FileDialogPurpose::CodebookExport,
                    dir.clone(),
                    Some(dir.join(format!("{stem}.codebook.ron"))),
                );
            }
            Command::ExportCodebookTo(path) => self.export_codebook(path),
            Command::ImportCodebook => {
                if self.project().codebook.locked {
                    self.codebook_note("Cannot import a codebook: the codebook is locked (unlock it first)".into());
                } else {
                    self.ask_for_file(FileDialogPurpose::CodebookImport, self.start_dir(), None);
                }
            }
            Command::ImportCodebookFrom(path) => self.import_codebook(&path),
            Command::EditRelationTypes => self.reveal_entries(Entry::RelationType),
            Command::EditAttributes => self.reveal_entries(Entry::Attribute),
            Command::EditDocumentVariables => self.reveal_entries(Entry::Field),
            other => return Some(other),
        }
        None
    }

    /// The coding panel with the codebook editor on, at one section.
    fn reveal_entries(&mut self, entry: Entry) {
        self.coding.panel_open = true;
        if self.project().codebook.locked {
            self.coding.error = Some("The codebook is locked: unlock it to edit".into());
            return;
        }
        self.coding.editing = true;
        self.coding.entries.reveal = Some(entry);
    }

    /// The entry whose editor was open is gone (deleted, or undone): close its editor.
    fn drop_closed_entry(&mut self) {
        let codebook = &self.session.project().codebook;
        let gone = self.coding.entries.open.as_ref().is_some_and(|(entry, id)| match entry {
            Entry::RelationType => codebook.relation_type(id).is_none(),
            Entry::Attribute => codebook.attribute(id).is_none(),
            Entry::Field => codebook.document_field(id).is_none(),
        });
        if gone {
            self.coding.entries.open = None;
            self.coding.entries.name_buffer = None;
        }
        self.coding.entries.choice_buffers.clear();
    }

    /// A line in the coding panel and the status bar (the panel is opened to show it).
    fn codebook_note(&mut self, note: String) {
        self.coding.panel_open = true;
        self.status = Some(note.lines().next().unwrap_or_default().to_owned());
        self.coding.entries.report = Some(note);
    }

    fn export_codebook(&mut self, path: PathBuf) {
        // A name typed without an extension gets `.codebook.ron`.
        let path = if codebook::CodebookFormat::of(&path).is_none() && path.extension().is_none() {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".codebook.ron");
            path.with_file_name(name)
        } else {
            path
        };
        let codebook = &self.project().codebook;
        let written = codebook::render(codebook, &path)
            .map_err(|err| err.to_string())
            .and_then(|text| crate::store::write_atomic(&path, text.as_bytes()).map_err(|err| err.to_string()));
        let note = match written {
            Ok(()) => {
                let what = match codebook::CodebookFormat::of(&path) {
                    Some(codebook::CodebookFormat::Qdc) => {
                        "REFI-QDA codes; relation types, attributes, variables and keys have no place in it"
                    }
                    _ => "everything",
                };
                log::info!("codebook exported to {}", path.display());
                format!("Exported the codebook to {} ({} labels; {what})", path.display(), codebook.labels.len())
            }
            Err(err) => {
                log::warn!("codebook export failed: {err}");
                format!("Could not export the codebook: {err}")
            }
        };
        self.codebook_note(note);
    }

    fn import_codebook(&mut self, path: &Path) {
        let mut notes = Vec::new();
        let incoming = match codebook::read(path, &mut notes) {
            Ok(incoming) => incoming,
            Err(err) => {
                log::warn!("codebook import failed: {err}");
                self.codebook_note(format!("Could not import the codebook: {err}"));
                return;
            }
        };
        let merged = merge_codebooks(&self.project().codebook, &incoming);
        let (merged, summary) = match merged {
            Ok(merged) => merged,
            Err(err) => {
                self.codebook_note(format!("Could not import {}: {err}", path.display()));
                return;
            }
        };
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        if summary.is_empty() {
            let mut lines = vec![format!("Imported {name}: nothing changed, the codebook has all of it")];
            lines.extend(notes);
            self.codebook_note(lines.join("\n"));
            return;
        }
        let outside = cb::values_outside(self.project(), &merged);
        match self.session.apply(Edit::SetCodebook(Box::new(merged))) {
            Ok(()) => {
                let mut lines = vec![format!("Imported {name}: {}", summary.join("; "))];
                lines.extend(notes);
                lines.extend(outside.iter().map(|o| format!("{} (kept)", o.describe())));
                self.codebook_note(lines.join("\n"));
            }
            Err(err) => self.codebook_note(format!("Could not import {name}: {err}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::ui::commands::Command;
    use crate::ui::dialogs::FileDialogPurpose;
    use crate::ui::native_dialogs::{Answer, Next, next_step};

    #[test]
    fn the_codebook_file_dialogs_answer_with_their_commands() {
        let path = PathBuf::from("/tmp/Grüße 🎉 شبکه‌ها 社交/news.codebook.ron");
        for (purpose, command) in [
            (FileDialogPurpose::CodebookExport, Command::ExportCodebookTo(path.clone())),
            (FileDialogPurpose::CodebookImport, Command::ImportCodebookFrom(path.clone())),
        ] {
            assert_eq!(next_step(purpose, Answer::Chosen(path.clone())), Next::Run(command));
            assert_eq!(next_step(purpose, Answer::Failed("no portal".into())), Next::ShowOwnChooser);
            assert_eq!(next_step(purpose, Answer::Cancelled), Next::Nothing);
            let filters = purpose.filters();
            assert_eq!(filters[0], ("Codebooks", vec!["ron", "qdc"]), "both formats offered first");
        }
        // Export writes (a new name may be typed); import reads.
        assert!(FileDialogPurpose::CodebookExport.saves() && !FileDialogPurpose::CodebookImport.saves());
    }
}
