//! Keeping a coder's work safe between saves: the autosave journal and crash recovery, the lock
//! that makes a second instance read-only, and watching the project file for changes by others.
//!
//! Rules the rest of the app relies on:
//! - every change goes through `before_change` (a journal exists to record it) and
//!   `after_history` (what the history applied is appended to the journal);
//! - a journal that belongs to someone else's work is never overwritten or deleted: it is offered
//!   for recovery, or set aside under a new name;
//! - the project file is only written by an explicit Save.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{AfterConfirm, SpanwiseApp};
use crate::store::journal::{self, Base, JournalWriter, Recovery, StartFrom};
use crate::store::lock::LockOwner;
use crate::store::{self, FileStamp};
use crate::ui::dialogs::Dialog;

/// After a journal could not be written, how long before trying again.
const JOURNAL_RETRY: Duration = Duration::from_secs(10);

/// A journal found on disk, replayed and waiting for the user to recover or discard it.
#[derive(Debug)]
pub struct RecoveryOffer {
    pub recovery: Recovery,
    /// The project file the recovered work continues, as read for the replay.
    pub stamp: Option<FileStamp>,
    /// Whether recovering replaces the open project with another one.
    pub switches_project: bool,
}

impl RecoveryOffer {
    /// "study.spanwise.ron" or "the unsaved project \"Untitled\"".
    pub fn project_name(&self) -> String {
        match &self.recovery.header.project_path {
            Some(path) => path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into()),
            None => {
                let name = match &self.recovery.header.base {
                    Base::Snapshot(project) => project.name.clone(),
                    Base::File { .. } => String::new(),
                };
                format!("the unsaved project \"{name}\"")
            }
        }
    }
}

/// Autosave, recovery and file state of the open project.
pub(crate) struct Safety {
    owner: LockOwner,
    /// `<config>/recovery`: journals of projects without a writable file.
    session_dir: Option<PathBuf>,
    journal: Option<JournalWriter>,
    /// Why autosave is not working, shown until it works again.
    journal_error: Option<String>,
    journal_retry_at: Option<Instant>,
    /// The project file as Spanwise last read or wrote it.
    pub(super) disk: Option<FileStamp>,
    /// Whether the project is exactly `disk` plus the edits applied since (so a journal can start
    /// from the file instead of a snapshot of the whole project).
    pub(super) base_is_file: bool,
    /// Orphaned journals of earlier sessions have been looked for.
    startup_done: bool,
    /// Dialogs waiting for the one on screen to close.
    queue: VecDeque<Dialog>,
    /// A recovery waiting for the user to decide about unsaved changes first.
    pub(super) pending_offer: Option<Box<RecoveryOffer>>,
}

impl Safety {
    pub(crate) fn new(settings_path: Option<&Path>) -> Self {
        let mut ids = crate::model::IdGenerator::from_entropy();
        let session = format!(
            "{}-{}-{:x}",
            crate::model::now().format("%Y%m%dT%H%M%S"),
            std::process::id(),
            ids.next_id().0 & 0xffff_ffff
        );
        Self {
            owner: LockOwner::current(&session),
            session_dir: settings_path.and_then(Path::parent).map(journal::session_dir),
            journal: None,
            journal_error: None,
            journal_retry_at: None,
            disk: None,
            base_is_file: false,
            startup_done: false,
            queue: VecDeque::new(),
            pending_offer: None,
        }
    }
}

impl SpanwiseApp {
    /// The journal the current work is autosaved to, once there is one.
    pub fn journal_path(&self) -> Option<&Path> {
        self.safety.journal.as_ref().map(JournalWriter::path)
    }

    /// Why autosave is not working, if it is not.
    pub fn autosave_problem(&self) -> Option<&str> {
        self.safety.journal_error.as_deref()
    }

    /// Shows a dialog now, or after the one on screen.
    pub(super) fn queue_dialog(&mut self, dialog: Dialog) {
        if self.dialog.is_none() {
            self.dialog = Some(dialog);
        } else {
            self.safety.queue.push_back(dialog);
        }
    }

    /// Whether a decision about the user's work (recovery, a changed file) is on screen or
    /// waiting: edits and shortcuts wait for it.
    pub(super) fn decision_pending(&self) -> bool {
        matches!(self.dialog, Some(Dialog::Recovery(_))) || !self.safety.queue.is_empty()
    }

    /// Where a journal for the open project goes: beside its file, else in the session folder.
    fn journal_targets(&self) -> Vec<PathBuf> {
        let mut targets = Vec::new();
        if let Some(path) = &self.project_path {
            targets.push(journal::journal_path_for(path));
        }
        if let Some(dir) = &self.safety.session_dir {
            targets.push(journal::session_journal_path(dir, &self.safety.owner.session));
        }
        targets
    }

    /// Starts a journal from the current project (the file, if the project is the file as read or
    /// written; else a snapshot).
    fn start_journal(&mut self) {
        let mut last_error = None;
        for target in self.journal_targets() {
            let start = match (&self.safety.disk, self.safety.base_is_file) {
                (Some(stamp), true) => StartFrom::File(stamp),
                _ => StartFrom::Snapshot(&self.project),
            };
            // A journal away from its file must name the file and cannot rely on it.
            let beside = self.project_path.as_ref().is_some_and(|p| journal::journal_path_for(p) == target);
            let start = if beside { start } else { StartFrom::Snapshot(&self.project) };
            let suggested = self.suggested_path.as_deref();
            match JournalWriter::create(&target, &self.safety.owner, self.project_path.as_deref(), suggested, start) {
                Ok(writer) => {
                    if !beside && self.project_path.is_some() {
                        self.status =
                            Some(format!("The project folder is not writable; autosaving to {}", target.display()));
                    }
                    self.safety.journal = Some(writer);
                    self.safety.journal_error = None;
                    self.safety.journal_retry_at = None;
                    return;
                }
                Err(err) => last_error = Some(format!("cannot write {}: {err}", target.display())),
            }
        }
        if let Some(err) = last_error {
            log::warn!("autosave: {err}");
            self.safety.journal_error =
                Some(format!("Autosave is not working ({err}). Save often, or use Save as… to save elsewhere."));
            self.safety.journal_retry_at = Some(Instant::now() + JOURNAL_RETRY);
        }
    }

    /// Called before any change to the project, so that a journal exists to record it.
    pub(super) fn before_change(&mut self) {
        if self.safety.journal.is_some() {
            return;
        }
        if self.safety.journal_retry_at.is_some_and(|at| Instant::now() < at) {
            return;
        }
        self.start_journal();
    }

    /// Called after the history applied edits: appends them to the journal.
    pub(super) fn after_history(&mut self) {
        let applied = self.history.take_applied();
        if applied.is_empty() {
            return;
        }
        let Some(writer) = &mut self.safety.journal else {
            // Not journalled: the next journal must start from a snapshot of the whole project.
            self.safety.base_is_file = false;
            return;
        };
        if let Err(err) = writer.append(&applied) {
            let path = writer.path().display().to_string();
            log::warn!("autosave: cannot append to {path}: {err}");
            self.safety.journal = None;
            self.safety.base_is_file = false;
            self.safety.journal_error = Some(format!(
                "Autosave stopped: cannot write {path}: {err}. Your work is still open; save it, or use Save as… \
                 to save elsewhere."
            ));
            self.safety.journal_retry_at = Some(Instant::now() + JOURNAL_RETRY);
        }
    }

    /// Once per frame: look for orphaned journals (first frame), fsync the journal when due.
    pub(super) fn safety_tick(&mut self, ctx: &egui::Context) {
        if !self.safety.startup_done {
            self.safety.startup_done = true;
            self.offer_orphaned_sessions();
        }
        if let Some(writer) = &mut self.safety.journal {
            if let Err(err) = writer.sync_if_due() {
                self.safety.journal_error = Some(format!("Autosave cannot reach the disk: {err}"));
            }
            if let Some(due) = writer.sync_due_in() {
                ctx.request_repaint_after(due);
            }
        }
        if self.dialog.is_none()
            && let Some(dialog) = self.safety.queue.pop_front()
        {
            self.dialog = Some(dialog);
        }
    }

    /// The open project is being closed (quit, another project opened, new project). Its journal
    /// is removed if everything is saved, or set aside if the user chose not to save.
    pub(super) fn leave_project(&mut self) {
        if let Some(writer) = self.safety.journal.take() {
            let path = writer.path().to_owned();
            drop(writer);
            if self.is_dirty() {
                match journal::set_aside(&path, "unsaved") {
                    Ok(aside) => log::info!("unsaved edits kept in {}", aside.display()),
                    Err(err) => log::warn!("cannot set aside {}: {err}", path.display()),
                }
            } else {
                let _ = std::fs::remove_file(&path);
            }
        }
        self.safety.disk = None;
        self.safety.base_is_file = false;
    }

    /// A project without a file (new, or imported from a text) is now open.
    pub(super) fn opened_unsaved(&mut self) {
        self.safety.disk = None;
        self.safety.base_is_file = false;
    }

    /// A project file was just opened (and is the open project): offer recovery from its journal.
    pub(super) fn opened_file(&mut self, path: &Path, stamp: FileStamp) {
        self.safety.disk = Some(stamp);
        self.safety.base_is_file = true;
        let journal_path = journal::journal_path_for(path);
        if std::fs::symlink_metadata(&journal_path).is_ok() {
            self.offer_journal(&journal_path);
        }
    }

    /// Reads a journal and offers to recover it, or reports why it cannot be.
    fn offer_journal(&mut self, journal_path: &Path) {
        let header = match journal::read_header(journal_path) {
            Ok(header) => header,
            Err(err) => return self.unreadable_journal(journal_path, &err.to_string()),
        };
        let same_project = header.project_path.is_some() && header.project_path == self.project_path;
        let prepared = match (&header.base, &header.project_path) {
            (Base::File { .. }, Some(_)) if same_project => {
                let stamp = self.safety.disk.clone();
                journal::prepare(journal_path, stamp.as_ref().map(|s| (&self.project, s))).map(|r| (r, stamp))
            }
            (Base::File { .. }, Some(project_path)) => match store::load_file(project_path) {
                Ok(loaded) => journal::prepare(journal_path, Some((&loaded.project, &loaded.stamp)))
                    .map(|r| (r, Some(loaded.stamp))),
                Err(err) => {
                    let message = format!("it continues {}, which cannot be opened: {err}", project_path.display());
                    return self.unreadable_journal(journal_path, &message);
                }
            },
            (Base::File { .. }, None) => {
                return self.unreadable_journal(journal_path, "it names no project file");
            }
            (Base::Snapshot(_), Some(project_path)) => {
                let stamp = store::stamp_file(project_path).ok();
                journal::prepare(journal_path, None).map(|r| (r, stamp))
            }
            (Base::Snapshot(_), None) => journal::prepare(journal_path, None).map(|r| (r, None)),
        };
        match prepared {
            Ok((recovery, _)) if !recovery.has_work() => {
                // Only a header: nothing was ever journalled.
                let _ = std::fs::remove_file(journal_path);
            }
            Ok((recovery, stamp)) => {
                let switches_project = !same_project;
                let offer = RecoveryOffer { recovery, stamp, switches_project };
                self.queue_dialog(Dialog::Recovery(Box::new(offer)));
            }
            Err(err) => self.unreadable_journal(journal_path, &err.to_string()),
        }
    }

    fn unreadable_journal(&mut self, journal_path: &Path, reason: &str) {
        let kept = match journal::set_aside(journal_path, "unreadable") {
            Ok(aside) => format!("It was kept as {}.", aside.display()),
            Err(err) => format!("It is still at {} ({err}).", journal_path.display()),
        };
        self.queue_dialog(Dialog::Error {
            title: "An autosave journal cannot be recovered".into(),
            message: format!("{}:\n{reason}\n\n{kept}", journal_path.display()),
        });
    }

    /// Offers journals of earlier sessions that ended without saving (crashed, killed).
    fn offer_orphaned_sessions(&mut self) {
        let Some(dir) = self.safety.session_dir.clone() else {
            return;
        };
        let own = journal::session_journal_path(&dir, &self.safety.owner.session);
        for path in journal::orphaned_sessions(&dir).into_iter().filter(|p| *p != own) {
            self.offer_journal(&path);
        }
    }

    /// The user chose Recover.
    pub fn accept_recovery(&mut self, offer: Box<RecoveryOffer>) {
        if offer.switches_project && self.is_dirty() {
            self.safety.pending_offer = Some(offer);
            self.confirm_then(AfterConfirm::RecoverPending);
            return;
        }
        self.take_recovery(*offer);
    }

    /// Makes the recovered project the open one, autosaved by a fresh journal; the file on disk
    /// is not touched.
    pub(super) fn take_recovery(&mut self, offer: RecoveryOffer) {
        let RecoveryOffer { recovery, stamp, switches_project } = offer;
        let Recovery { journal_path, header, summary, incomplete, base_changed, project, history, edits, .. } =
            recovery;
        if switches_project {
            self.leave_project();
        }
        let snapshot = matches!(header.base, Base::Snapshot(_));
        self.set_project(project, header.project_path.clone(), false);
        self.history = history;
        self.history.set_recording(true);
        if snapshot || base_changed || incomplete {
            self.history.mark_unsaved();
        }
        if header.project_path.is_none() {
            self.suggested_path = header.suggested_path.clone();
        }
        self.safety.disk = stamp;
        self.safety.base_is_file = false;
        // The old journal goes aside, then a new one starts from the recovered project; the old
        // one is only removed when nothing was lost and the new one exists.
        let why = if incomplete { "recovered-incomplete" } else { "recovered" };
        let aside = journal::set_aside(&journal_path, why);
        self.start_journal();
        if let Ok(aside) = &aside
            && !incomplete
            && self.safety.journal.is_some()
        {
            let _ = std::fs::remove_file(aside);
        }
        self.status = Some(format!("Recovered {edits} edits ({summary}); save to keep them"));
    }

    /// The user chose Discard: the journal is kept under another name, the project stays as saved.
    pub fn discard_recovery(&mut self, offer: Box<RecoveryOffer>) {
        let path = &offer.recovery.journal_path;
        match journal::set_aside(path, "discarded") {
            Ok(aside) => self.status = Some(format!("Unsaved edits discarded (kept in {})", aside.display())),
            Err(err) => {
                self.dialog = Some(Dialog::Error {
                    title: "Cannot set the journal aside".into(),
                    message: format!("{}: {err}", path.display()),
                })
            }
        }
    }

    /// After a successful save: the journal is no longer needed.
    pub(super) fn saved(&mut self, stamp: FileStamp) {
        if let Some(writer) = self.safety.journal.take() {
            let path = writer.path().to_owned();
            drop(writer);
            if let Err(err) = std::fs::remove_file(&path) {
                log::warn!("cannot remove the journal {}: {err}", path.display());
            }
        }
        self.safety.disk = Some(stamp);
        self.safety.base_is_file = true;
        self.safety.journal_error = None;
        self.safety.journal_retry_at = None;
    }

    /// The banner's content: states the user must know about.
    pub(super) fn banner_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(problem) = &self.safety.journal_error {
            ui.colored_label(ui.visuals().warn_fg_color, problem);
        }
    }

    pub(super) fn has_banner(&self) -> bool {
        self.safety.journal_error.is_some()
    }
}
