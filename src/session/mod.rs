//! The open project and everything that keeps it safe, without a window: its file, undo
//! history, autosave journal, lock, the watch on its file, reload / keep / merge decisions and
//! recovery. The UI holds one `Session` plus view state; it calls these methods and turns what
//! they return (and the [`Notice`]s they queue) into dialogs and status lines. So the file-safety
//! rules are tested here, without egui (`tests/session.rs`).
//!
//! Rules the rest of the app relies on:
//! - every change goes through [`Session::apply`] (or undo/redo), which journals it at once;
//! - a journal that belongs to someone else's work is never overwritten or deleted: it is offered
//!   for recovery, or set aside under a new name;
//! - the project file is only written by [`Session::save`] / [`Session::save_as`], and never over
//!   a version someone else wrote since it was read (the user is asked first);
//! - `generation` changes whenever the project is replaced, so view caches keyed by it (and a
//!   document's revision) never show another project's data.

pub mod codebook;
mod safety;

use std::collections::VecDeque;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::edit::{Edit, EditError, History};
use crate::formats;
use crate::model::editing::{self, TagRefusal};
use crate::model::{Annotator, Document, IdGenerator, ItemId, Project, now};
use crate::store;

pub use safety::{FileChange, FileChangeChoice, POLL_INTERVAL, PendingMerge, RecoveryOffer};

/// Something the user should see, queued by the session for the UI: a status line, a message, or
/// a decision only the user can take.
#[derive(Debug)]
pub enum Notice {
    /// One line for the status bar.
    Status(String),
    /// Something went wrong; nothing was lost (the message says what to do).
    Error { title: String, message: String },
    /// Something worth reading that is not an error (e.g. what a merge did).
    Message { title: String, message: String },
    /// Work from an autosave journal: recover or discard.
    Recovery(Box<RecoveryOffer>),
    /// The project file was changed on disk by someone else: reload, keep mine or merge.
    FileChanged(Box<FileChange>),
    /// A merge with the file on disk found conflicts: the user chooses mine or theirs for each.
    MergeConflicts(Box<PendingMerge>),
}

/// What opening a file gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    /// A project file, now the open project.
    Project(PathBuf),
    /// A text, now a new unsaved project holding it.
    Text(PathBuf),
}

/// What a save did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved(PathBuf),
    /// The project has no file yet: ask where (the suggestion is beside the imported text).
    NeedsPath {
        suggested: Option<PathBuf>,
    },
    /// Not written; a notice says why (another instance has the file, the disk refused, or the
    /// file changed on disk and the user must decide first).
    NotSaved,
}

/// What accepting a recovery needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoveryStep {
    /// Recovered: the project is open.
    Recovered,
    /// It replaces the open project, which has unsaved changes: ask, then call
    /// [`Session::take_pending_recovery`] if the user agrees (if not, its journal stays where it
    /// is and is offered at the next start).
    ConfirmFirst,
}

/// The open project with its history, file and safety net.
pub struct Session {
    project: Project,
    /// Where the project is saved; `None` until first saved.
    path: Option<PathBuf>,
    /// Where "Save" goes for a project made from a text and not saved yet.
    suggested_path: Option<PathBuf>,
    history: History,
    ids: IdGenerator,
    /// Changes whenever the project is replaced (opened, new, reloaded, merged, recovered).
    generation: u64,
    /// Changes whenever the project changes at all (an edit, undo, redo, or a new project).
    revision: u64,
    /// The project was made from a text file that is still there: until it is edited, closing it
    /// loses nothing (opening the file again gives it back).
    made_from_file: bool,
    safety: safety::Safety,
    notices: VecDeque<Notice>,
    /// Called from another thread when the UI should look at the session (a file changed).
    waker: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl Session {
    /// An empty untitled project. `config_dir` holds the journals of projects without a writable
    /// file (`<config>/recovery`); `None` keeps those journals beside the project file only.
    pub fn new(config_dir: Option<&Path>) -> Self {
        let mut history = History::new();
        history.set_recording(true);
        Self {
            project: Project::new("Untitled"),
            path: None,
            suggested_path: None,
            history,
            ids: IdGenerator::from_entropy(),
            generation: 0,
            revision: 0,
            made_from_file: false,
            safety: safety::Safety::new(config_dir),
            notices: VecDeque::new(),
            waker: None,
        }
    }

    /// Asks `waker` to be called (from the watching thread) when the session has news: the UI
    /// passes a function that requests a frame.
    pub fn set_waker(&mut self, waker: impl Fn() + Send + Sync + 'static) {
        self.waker = Some(Arc::new(waker));
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn document(&self, document_id: &str) -> Option<&Document> {
        self.project.document(document_id)
    }

    /// The project's file, once it has one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Where Save as suggests saving: the project's file, or beside the text it was made from.
    pub fn suggested_path(&self) -> Option<&Path> {
        self.path.as_deref().or(self.suggested_path.as_deref())
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// Changes whenever the whole project is replaced; key view caches by it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Changes whenever the project changes (any edit, undo or redo, or the project replaced);
    /// key caches of project-wide facts (which annotations have memos) by it.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// The next thing the user should see, oldest first.
    pub fn next_notice(&mut self) -> Option<Notice> {
        self.notices.pop_front()
    }

    fn notice(&mut self, notice: Notice) {
        self.notices.push_back(notice);
    }

    fn status(&mut self, text: impl Into<String>) {
        self.notice(Notice::Status(text.into()));
    }

    fn error(&mut self, title: impl Into<String>, message: impl Into<String>) {
        self.notice(Notice::Error { title: title.into(), message: message.into() });
    }

    /// Makes `project` the open one, with a fresh history.
    fn replace_project(&mut self, project: Project, path: Option<PathBuf>, dirty: bool) {
        self.project = project;
        self.path = path;
        self.history = History::new();
        self.history.set_recording(true);
        if dirty {
            self.history.mark_unsaved();
        }
        self.generation = self.generation.wrapping_add(1);
        self.revision = self.revision.wrapping_add(1);
        self.made_from_file = false;
    }

    /// Opens a project file as the project, or a text as a new project holding it. On failure a
    /// notice says why and the open project stays as it was.
    pub fn open(&mut self, path: &Path) -> Option<Opened> {
        if store::is_project_path(path) {
            self.open_loaded(path, store::load_file(path))
        } else {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let mut project = Project::new(name);
            match formats::import_path(path, project.fresh_document_id()) {
                Ok(document) => {
                    project.documents.push(document);
                    self.leave();
                    self.replace_project(project, None, true);
                    self.made_from_file = true;
                    self.opened_unsaved();
                    // A new project is saved beside the text unless the user picks another place.
                    self.suggested_path = Some(store::project_path_for(path));
                    self.status(format!("Imported {}; save to create the project file", path.display()));
                    Some(Opened::Text(path.to_owned()))
                }
                Err(err) => {
                    self.error("Cannot open the text", err.to_string());
                    None
                }
            }
        }
    }

    /// Makes a project file read by [`store::load_file`] the open project, as [`Session::open`]
    /// does. Reading a large file takes a while and touches nothing of the session, so a window
    /// reads it on another thread and hands the result here.
    pub fn open_loaded(&mut self, path: &Path, loaded: Result<store::Loaded, store::LoadError>) -> Option<Opened> {
        match loaded {
            Ok(loaded) => {
                self.leave();
                self.replace_project(loaded.project, Some(path.to_owned()), false);
                self.suggested_path = None;
                self.status(format!("Opened {}", path.display()));
                self.opened_file(path, loaded.stamp, loaded.unknown);
                Some(Opened::Project(path.to_owned()))
            }
            Err(err) => {
                self.error(format!("Cannot open {}", path.display()), err.to_string());
                None
            }
        }
    }

    /// Closes the open project (its journal removed, or set aside if unsaved) and starts an
    /// empty one.
    pub fn new_project(&mut self) {
        self.leave();
        self.replace_project(Project::new("Untitled"), None, false);
        self.suggested_path = None;
        self.opened_unsaved();
    }

    /// Adds a text to the project as a new document; returns its id. A text already in the project
    /// (same SHA-256) is not added twice.
    pub fn add_document(&mut self, path: &Path) -> Option<String> {
        match formats::import_path(path, self.project.fresh_document_id()) {
            Ok(document) => {
                if let Some(existing) = self.project.documents.iter().find(|d| d.sha256 == document.sha256) {
                    let message = format!("{} is already in the project as \"{}\"", path.display(), existing.name);
                    self.status(message);
                    return None;
                }
                let id = document.id.clone();
                let index = self.project.documents.len();
                self.apply(Edit::AddDocument { index, document: Box::new(document) }).ok()?;
                Some(id)
            }
            Err(err) => {
                self.error("Cannot add the document", err.to_string());
                None
            }
        }
    }

    /// Applies an edit as one undo step and journals it.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        self.before_change();
        let result = self.history.apply(&mut self.project, edit);
        self.revision = self.revision.wrapping_add(1);
        self.after_history();
        if let Err(err) = &result {
            self.status(format!("Not changed: {err}"));
        }
        result
    }

    /// Undoes the last step; `Ok(false)` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<bool, EditError> {
        if self.history.can_undo() {
            self.before_change();
        }
        let result = self.history.undo(&mut self.project);
        self.revision = self.revision.wrapping_add(1);
        self.after_history();
        result
    }

    /// Redoes the last undone step; `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self) -> Result<bool, EditError> {
        if self.history.can_redo() {
            self.before_change();
        }
        let result = self.history.redo(&mut self.project);
        self.revision = self.revision.wrapping_add(1);
        self.after_history();
        result
    }

    /// Tags `range` of a document with `label` as `annotator` (who is added to the project the
    /// first time), as one undo step. Returns the new annotation's id.
    pub fn tag(
        &mut self,
        document_id: &str,
        range: Range<usize>,
        label: &str,
        annotator: &Annotator,
    ) -> Result<ItemId, TagRefusal> {
        let document = self.project.document(document_id).ok_or(TagRefusal::OutOfRange)?;
        let annotation = editing::annotation_from_selection(
            &self.project,
            document,
            range,
            label,
            &annotator.id,
            &mut self.ids,
            now(),
        )?;
        let id = annotation.id;
        let mut edits = Vec::new();
        if self.project.annotator(&annotator.id).is_none() {
            edits.push(Edit::AddAnnotator(annotator.clone()));
        }
        edits.push(Edit::AddAnnotation { document: document_id.to_owned(), annotation });
        self.apply(Edit::Batch(edits)).map_err(|_| TagRefusal::OutOfRange)?;
        Ok(id)
    }

    /// An id no annotation, relation or memo of the project uses yet.
    pub fn fresh_id(&mut self) -> ItemId {
        editing::fresh_id(&self.project, &mut self.ids)
    }

    /// Saves to the project's file, or says that a path is needed.
    pub fn save(&mut self) -> SaveOutcome {
        match self.path.clone() {
            Some(path) => self.save_as(&path),
            None => SaveOutcome::NeedsPath { suggested: self.suggested_path.clone() },
        }
    }

    /// Saves to `path` (which becomes the project's file), unless that is not safe now: then a
    /// notice says why and nothing is written.
    pub fn save_as(&mut self, path: &Path) -> SaveOutcome {
        if !self.may_save_to(path) {
            return SaveOutcome::NotSaved;
        }
        match store::save_file_with(&self.project, path, &self.safety.unknown) {
            Ok(stamp) => {
                let moved = self.path.as_deref() != Some(path);
                self.path = Some(path.to_owned());
                self.saved(stamp, moved);
                self.history.mark_saved();
                // From now on the file is the project: undoing back past the save is a change.
                self.made_from_file = false;
                self.status(format!("Saved {}", path.display()));
                SaveOutcome::Saved(path.to_owned())
            }
            Err(err) => {
                self.error(
                    "Not saved",
                    format!("{err}\n\nYour work is still open; try Save as… to save it elsewhere."),
                );
                SaveOutcome::NotSaved
            }
        }
    }

    /// Whether closing the project now would lose the user's work (so the UI must ask first):
    /// annotations, edits, a recovered or merged project. A text just imported from a file and
    /// not changed since (nothing to undo) is not work: opening the file again gives it back.
    pub fn has_unsaved_work(&self) -> bool {
        if self.made_from_file && !self.history.can_undo() {
            return false;
        }
        self.is_dirty()
    }
}
