//! Keeping a coder's work safe between saves: the autosave journal and crash recovery, the lock
//! that makes a second instance read-only, and watching the project file for changes by others.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Notice, RecoveryStep, Session};
use crate::edit::Edit;
use crate::model::Project;
use crate::store::journal::{self, Base, ChangeSummary, JournalWriter, Recovery, StartFrom};
use crate::store::lock::{self, Acquired, FileLock, LockOwner};
use crate::store::merge::{self, BaseItems, Conflict, Side};
use crate::store::watch::Watcher;
use crate::store::{self, FileStamp, OnDisk, UnknownFields};

/// After a journal could not be written, how long before trying again.
const JOURNAL_RETRY: Duration = Duration::from_secs(10);
/// How often the project file's metadata is looked at (from a thread) for changes made by others.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// The project file was changed on disk by someone else.
#[derive(Debug)]
pub struct FileChange {
    pub path: PathBuf,
    /// What is on disk now.
    pub stamp: FileStamp,
    /// Their changes since the version Spanwise last read or wrote, or why their version cannot
    /// be read. Without a base (`has_base` false): how their version differs from mine.
    pub theirs: Result<ChangeSummary, String>,
    /// Whether Spanwise knows the version both started from; without it nothing can be told
    /// deleted, and a merge is a union.
    pub has_base: bool,
}

/// A merge with the file on disk that has conflicts: waiting for a choice per conflict
/// ([`Session::finish_merge`]) or to be given up ([`Session::cancel_merge`]).
#[derive(Debug)]
pub struct PendingMerge {
    pub path: PathBuf,
    merge: merge::Merge,
    /// What their version changed since the base (without one: how it differs from mine).
    pub theirs_changed: ChangeSummary,
    /// Their version as read: the base of the next merge.
    theirs: Project,
    stamp: FileStamp,
    unknown: UnknownFields,
}

impl PendingMerge {
    /// Everything that needs a choice, in project order.
    pub fn conflicts(&self) -> &[Conflict] {
        self.merge.conflicts()
    }

    /// Whether the merge is three-way (false: a union of both versions).
    pub fn has_base(&self) -> bool {
        self.merge.has_base()
    }
}

/// What the user chose about a changed file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileChangeChoice {
    /// Replace the open project with the file (unsaved changes are set aside).
    Reload,
    /// Keep the open project; the next save overwrites the file.
    KeepMine,
    /// Combine both, by id; mine wins conflicts.
    Merge,
    /// Decide later (their version cannot be read yet): ask again at the next check.
    Later,
}

/// A journal found on disk, replayed and waiting for the user to recover or discard it.
#[derive(Debug)]
pub struct RecoveryOffer {
    pub recovery: Recovery,
    /// The project file the recovered work continues, as read for the replay.
    pub stamp: Option<FileStamp>,
    /// Whether recovering replaces the open project with another one.
    pub switches_project: bool,
    /// Fields of the project file this version does not know.
    pub unknown: UnknownFields,
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
pub(super) struct Safety {
    owner: LockOwner,
    /// `<config>/recovery`: journals of projects without a writable file.
    session_dir: Option<PathBuf>,
    journal: Option<JournalWriter>,
    /// Why autosave is not working, shown until it works again.
    journal_error: Option<String>,
    journal_retry_at: Option<Instant>,
    /// The project file as Spanwise last read or wrote it.
    disk: Option<FileStamp>,
    /// Whether the project is exactly `disk` plus the edits applied since (so a journal can start
    /// from the file instead of a snapshot of the whole project).
    base_is_file: bool,
    /// Orphaned journals of earlier sessions have been looked for.
    startup_done: bool,
    /// The lock on the project file, while this instance may write it.
    lock: Option<FileLock>,
    /// Another running Spanwise has the file: open read-only.
    read_only: Option<LockOwner>,
    /// Why the project file cannot be found or reached, while it cannot.
    file_missing: Option<String>,
    /// Watches the project file and its lock from a thread, waking the UI only on a change.
    watcher: Option<(PathBuf, Watcher)>,
    /// A change was seen and not checked yet (checks wait while the user decides something).
    check_due: bool,
    /// Fingerprints of the version on disk, for three-way merges.
    base_items: Option<BaseItems>,
    /// Fields of the project file this version does not know: written back on save.
    pub(super) unknown: UnknownFields,
    /// A recovery waiting for the user to decide about unsaved changes first.
    pending_offer: Option<Box<RecoveryOffer>>,
    /// A "file changed on disk" decision was handed to the user and not answered yet: the file
    /// is not checked again until it is.
    file_change_open: bool,
}

impl Safety {
    pub(super) fn new(config_dir: Option<&Path>) -> Self {
        let mut ids = crate::model::IdGenerator::from_entropy();
        let session = format!(
            "{}-{}-{:x}",
            crate::model::now().format("%Y%m%dT%H%M%S"),
            std::process::id(),
            ids.next_id().0 & 0xffff_ffff
        );
        Self {
            owner: LockOwner::current(&session),
            session_dir: config_dir.map(journal::session_dir),
            journal: None,
            journal_error: None,
            journal_retry_at: None,
            disk: None,
            base_is_file: false,
            startup_done: false,
            lock: None,
            read_only: None,
            file_missing: None,
            watcher: None,
            check_due: false,
            base_items: None,
            unknown: UnknownFields::default(),
            pending_offer: None,
            file_change_open: false,
        }
    }
}

impl Session {
    /// The journal the current work is autosaved to, once there is one.
    pub fn journal_path(&self) -> Option<&Path> {
        self.safety.journal.as_ref().map(JournalWriter::path)
    }

    /// Why autosave is not working, if it is not.
    pub fn autosave_problem(&self) -> Option<&str> {
        self.safety.journal_error.as_deref()
    }

    /// The other Spanwise that has the open file, when this one opened it read-only.
    pub fn read_only_because(&self) -> Option<&LockOwner> {
        self.safety.read_only.as_ref()
    }

    /// Why the project file cannot be found, when it was deleted or moved while open.
    pub fn file_missing(&self) -> Option<&str> {
        self.safety.file_missing.as_deref()
    }

    /// Where a journal for the open project goes: beside its file, else in the session folder.
    fn journal_targets(&self) -> Vec<PathBuf> {
        let mut targets = Vec::new();
        // Beside the file, unless another instance has it (its journal lives there).
        if let Some(path) = &self.path
            && self.safety.read_only.is_none()
        {
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
            // A journal away from its file must name the file and cannot rely on it.
            let beside = self.path.as_ref().is_some_and(|p| journal::journal_path_for(p) == target);
            let start = match (&self.safety.disk, self.safety.base_is_file && beside) {
                (Some(stamp), true) => StartFrom::File(stamp),
                _ => StartFrom::Snapshot(&self.project),
            };
            let suggested = self.suggested_path.as_deref();
            let owner = &self.safety.owner;
            let unknown = &self.safety.unknown;
            match JournalWriter::create(&target, owner, self.path.as_deref(), suggested, start, unknown) {
                Ok(writer) => {
                    if !beside && self.path.is_some() && self.safety.read_only.is_none() {
                        self.status(format!(
                            "Cannot autosave beside the project (the folder is not writable or full); autosaving to {}",
                            target.display()
                        ));
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

    /// Ends the current journal: deleted (`keep_as` = `None`: its work is safe elsewhere) or set
    /// aside under a name saying why. Returns where it was set aside.
    fn end_journal(&mut self, keep_as: Option<&str>) -> Option<PathBuf> {
        let writer = self.safety.journal.take()?;
        let path = writer.path().to_owned();
        drop(writer);
        match keep_as {
            Some(why) => match journal::set_aside(&path, why) {
                Ok(aside) => {
                    log::info!("journal kept as {}", aside.display());
                    Some(aside)
                }
                Err(err) => {
                    log::warn!("cannot set aside {}: {err}", path.display());
                    None
                }
            },
            None => {
                if let Err(err) = journal::remove(&path) {
                    log::warn!("cannot remove the journal {}: {err}", path.display());
                }
                None
            }
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
            // A journal missing an edit cannot be replayed past it: start a new one at once from
            // a snapshot of the project as it is (the full disk's one is set aside), elsewhere
            // if need be.
            self.safety.journal = None;
            self.safety.base_is_file = false;
            self.start_journal();
            if self.safety.journal.is_none() {
                self.safety.journal_error = Some(format!(
                    "Autosave stopped: cannot write {path}: {err}. Your work is still open; save it, or use Save \
                     as… to save elsewhere."
                ));
            }
        }
    }

    /// Replaces the journal with one that starts from a snapshot of the project as it is (after
    /// the project changed outside the history: kept over a changed file, merged).
    fn restart_journal(&mut self) {
        self.safety.base_is_file = false;
        if self.safety.journal.is_none() {
            return;
        }
        let aside = self.end_journal(Some("superseded"));
        self.start_journal();
        if let Some(aside) = aside
            && self.safety.journal.is_some()
        {
            let _ = journal::remove(&aside);
        }
    }

    /// Call once per frame: looks for orphaned journals (the first time), fsyncs the journal when
    /// due, checks the project file when its watcher saw a change. Returns how soon it wants to be
    /// called again (a journal sync due), if at all.
    pub fn tick(&mut self) -> Option<Duration> {
        if !self.safety.startup_done {
            self.safety.startup_done = true;
            self.offer_orphaned_sessions();
        }
        match self.path.clone() {
            Some(path) => {
                if self.safety.watcher.as_ref().is_none_or(|(watched, _)| *watched != path) {
                    let waker = self.waker.clone();
                    let paths = vec![path.clone(), lock::lock_path(&path)];
                    let watcher = Watcher::start(paths, POLL_INTERVAL, move || {
                        if let Some(wake) = &waker {
                            wake();
                        }
                    });
                    self.safety.watcher = Some((path, watcher));
                }
                if self.safety.watcher.as_ref().is_some_and(|(_, watcher)| watcher.take_change()) {
                    self.safety.check_due = true;
                }
                if self.safety.check_due && !self.safety.file_change_open {
                    self.safety.check_due = false;
                    self.check_file_now();
                }
            }
            None => self.safety.watcher = None,
        }
        let writer = self.safety.journal.as_mut()?;
        if let Err(err) = writer.sync_if_due() {
            self.safety.journal_error = Some(format!("Autosave cannot reach the disk: {err}"));
        }
        self.safety.journal.as_ref()?.sync_due_in()
    }

    /// The open project is being closed (quit, another project opened, new project). Its journal
    /// is removed if everything is saved, or set aside if the user chose not to save.
    pub fn leave(&mut self) {
        let keep_as = self.is_dirty().then_some("unsaved");
        self.end_journal(keep_as);
        self.safety.disk = None;
        self.safety.base_is_file = false;
        self.safety.lock = None;
        self.safety.read_only = None;
        self.safety.file_missing = None;
        self.safety.watcher = None;
        self.safety.check_due = false;
        self.safety.base_items = None;
        self.safety.unknown = UnknownFields::default();
    }

    /// A project without a file (new, or imported from a text) is now open.
    pub(super) fn opened_unsaved(&mut self) {
        self.safety.disk = None;
        self.safety.base_is_file = false;
    }

    /// Locks the project file for this session, or notes who has it (then it is read-only).
    fn lock_file(&mut self, path: &Path) {
        self.safety.lock = None;
        self.safety.read_only = None;
        match FileLock::acquire(path, &self.safety.owner.session) {
            Ok(Acquired::Locked(lock)) => self.safety.lock = Some(lock),
            Ok(Acquired::HeldBy(owner)) => {
                self.status(format!("Opened read-only: the file is open in another Spanwise ({owner})"));
                self.safety.read_only = Some(owner);
            }
            // No lock file can be written there (a read-only folder): nor can the project.
            Err(err) => log::warn!("cannot lock {}: {err}", path.display()),
        }
    }

    /// A project file was just opened (and is the open project): lock it, offer recovery from its
    /// journal.
    pub(super) fn opened_file(&mut self, path: &Path, stamp: FileStamp, unknown: UnknownFields) {
        self.safety.unknown = unknown;
        self.safety.disk = Some(stamp);
        self.safety.base_is_file = true;
        self.safety.file_missing = None;
        self.safety.base_items = Some(BaseItems::of(&self.project));
        self.lock_file(path);
        if self.safety.read_only.is_some() {
            // Its journal belongs to the instance that has it open.
            return;
        }
        let journal_path = journal::journal_path_for(path);
        if journal::exists(&journal_path) {
            self.offer_journal(&journal_path);
        }
    }

    /// Reads a journal and offers to recover it, or reports why it cannot be.
    fn offer_journal(&mut self, journal_path: &Path) {
        let header = match journal::read_header(journal_path) {
            Ok(header) => header,
            Err(err) => return self.unreadable_journal(journal_path, &err.to_string()),
        };
        let same_project = header.project_path.is_some() && header.project_path == self.path;
        let mut unknown = header.unknown.clone();
        let prepared = match (&header.base, &header.project_path) {
            (Base::File { .. }, Some(_)) if same_project => {
                let stamp = self.safety.disk.clone();
                unknown = self.safety.unknown.clone();
                journal::prepare(journal_path, stamp.as_ref().map(|s| (&self.project, s))).map(|r| (r, stamp))
            }
            (Base::File { .. }, Some(project_path)) => match store::load_file(project_path) {
                Ok(loaded) => {
                    unknown = loaded.unknown;
                    journal::prepare(journal_path, Some((&loaded.project, &loaded.stamp)))
                        .map(|r| (r, Some(loaded.stamp)))
                }
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
                let _ = journal::remove(journal_path);
            }
            Ok((recovery, stamp)) => {
                let switches_project = !same_project;
                let offer = RecoveryOffer { recovery, stamp, switches_project, unknown };
                self.notice(Notice::Recovery(Box::new(offer)));
            }
            Err(err) => self.unreadable_journal(journal_path, &err.to_string()),
        }
    }

    fn unreadable_journal(&mut self, journal_path: &Path, reason: &str) {
        let kept = match journal::set_aside(journal_path, "unreadable") {
            Ok(aside) => format!("It was kept as {}.", aside.display()),
            Err(err) => format!("It is still at {} ({err}).", journal_path.display()),
        };
        self.error(
            "An autosave journal cannot be recovered",
            format!("{}:\n{reason}\n\n{kept}", journal_path.display()),
        );
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
    pub fn accept_recovery(&mut self, offer: Box<RecoveryOffer>) -> RecoveryStep {
        if offer.switches_project && self.has_unsaved_work() {
            // If the user cancels, the journal stays where it is and is offered at the next start.
            self.safety.pending_offer = Some(offer);
            return RecoveryStep::ConfirmFirst;
        }
        self.take_recovery(*offer);
        RecoveryStep::Recovered
    }

    /// The user agreed to leave the open project's unsaved changes for the pending recovery.
    pub fn take_pending_recovery(&mut self) {
        if let Some(offer) = self.safety.pending_offer.take() {
            self.take_recovery(*offer);
        }
    }

    /// Makes the recovered project the open one, autosaved by a fresh journal; the file on disk
    /// is not touched.
    fn take_recovery(&mut self, offer: RecoveryOffer) {
        let RecoveryOffer { recovery, stamp, switches_project, unknown } = offer;
        let Recovery { journal_path, header, summary, incomplete, base_changed, project, history, edits, .. } =
            recovery;
        // The project as opened is the file on disk: remember it for merges.
        let base_items = (!switches_project && !base_changed).then(|| BaseItems::of(&self.project));
        if switches_project {
            self.leave();
        }
        let snapshot = matches!(header.base, Base::Snapshot(_));
        self.replace_project(project, header.project_path.clone(), false);
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
        self.safety.base_items = base_items;
        self.safety.unknown = unknown;
        if switches_project && let Some(path) = header.project_path.clone() {
            self.lock_file(&path);
        }
        // The file may have changed since the journal's base was read.
        self.safety.check_due = true;
        // The old journal goes aside, then a new one starts from the recovered project; the old
        // one is only removed when nothing was lost and the new one exists.
        let why = if incomplete { "recovered-incomplete" } else { "recovered" };
        let aside = journal::set_aside(&journal_path, why);
        self.start_journal();
        if let Ok(aside) = &aside
            && !incomplete
            && self.safety.journal.is_some()
        {
            let _ = journal::remove(aside);
        }
        self.status(format!("Recovered {edits} edits ({summary}); save to keep them"));
    }

    /// The user chose Discard: the journal is kept under another name, the project stays as saved.
    pub fn discard_recovery(&mut self, offer: Box<RecoveryOffer>) {
        let path = &offer.recovery.journal_path;
        match journal::set_aside(path, "discarded") {
            Ok(aside) => self.status(format!("Unsaved edits discarded (kept in {})", aside.display())),
            Err(err) => self.error("Cannot set the journal aside", format!("{}: {err}", path.display())),
        }
    }

    /// Before writing the project to `path`: whether that is safe now. Not if another instance
    /// has the file, or the file changed on disk since it was read (the user is asked first).
    pub(super) fn may_save_to(&mut self, path: &Path) -> bool {
        let same_file = self.path.as_deref() == Some(path);
        if !same_file {
            if let Some(owner) = lock::read_owner(path)
                && owner.session != self.safety.owner.session
                && owner.is_alive()
            {
                self.error(
                    "Not saved",
                    format!(
                        "{} is open for editing in another Spanwise ({owner}). Save to another file, or close it there \
                         first.",
                        path.display()
                    ),
                );
                return false;
            }
            return true;
        }
        self.check_lock();
        if let Some(owner) = self.safety.read_only.clone() {
            self.error(
                "Not saved: this file is read-only here",
                format!(
                    "{} is open for editing in another Spanwise ({owner}), so this window does not write it.\n\n\
                     Your work is still open. Use Save as… to save it to another file, or Edit anyway (in the bar \
                     above the text) to take the file over.",
                    path.display()
                ),
            );
            return false;
        }
        if let Some(disk) = &self.safety.disk
            && let OnDisk::Changed(stamp) = store::compare_with_disk(path, disk)
        {
            self.status("Not saved: the file was changed on disk; choose what to do first");
            self.file_changed(path, stamp);
            return false;
        }
        true
    }

    /// After a successful save: the journal is no longer needed.
    pub(super) fn saved(&mut self, stamp: FileStamp, moved: bool) {
        if moved && let Some(path) = self.path.clone() {
            self.lock_file(&path);
        }
        self.safety.file_missing = None;
        self.safety.base_items = Some(BaseItems::of(&self.project));
        self.end_journal(None);
        self.safety.disk = Some(stamp);
        self.safety.base_is_file = true;
        self.safety.journal_error = None;
        self.safety.journal_retry_at = None;
    }

    /// Notices when another instance took the file over ("Edit anyway"), or the lock file went.
    fn check_lock(&mut self) {
        let Some(lock) = &self.safety.lock else {
            return;
        };
        match lock.current_holder() {
            lock::Holder::Us => {}
            lock::Holder::Other(owner) => {
                self.safety.lock = None;
                self.status(format!("Another Spanwise ({owner}) took this file over; it is read-only here now"));
                self.safety.read_only = Some(owner);
                // Its journal is beside the file now; ours moves to the session folder.
                self.restart_journal();
            }
            lock::Holder::Nobody => {
                if let Some(path) = self.path.clone() {
                    self.lock_file(&path);
                }
            }
        }
    }

    /// Checks the project file now (the session does when its watcher sees a change): whether it
    /// still exists, and whether someone else changed it.
    pub fn check_file_now(&mut self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        self.check_lock();
        let Some(disk) = &self.safety.disk else {
            self.safety.file_missing = None;
            return;
        };
        match store::compare_with_disk(&path, disk) {
            OnDisk::Missing(kind, reason) => {
                if self.safety.file_missing.is_none() {
                    let why = if kind == std::io::ErrorKind::NotFound {
                        "was deleted or moved".to_owned()
                    } else {
                        format!("cannot be reached ({reason})")
                    };
                    self.safety.file_missing = Some(format!("The project file {} {why}", path.display()));
                }
            }
            OnDisk::Unchanged => self.safety.file_missing = None,
            // Touched, not changed.
            OnDisk::Touched(stamp) => {
                self.safety.file_missing = None;
                self.safety.disk = Some(stamp);
            }
            OnDisk::Changed(stamp) => {
                self.safety.file_missing = None;
                self.file_changed(&path, stamp);
            }
        }
    }

    fn file_changed(&mut self, path: &Path, stamp: FileStamp) {
        if self.safety.file_change_open {
            return;
        }
        let theirs = store::load(path).map(|theirs| self.their_changes(&theirs)).map_err(|err| err.to_string());
        self.safety.file_change_open = true;
        let has_base = self.safety.base_items.is_some();
        self.notice(Notice::FileChanged(Box::new(FileChange { path: path.to_owned(), stamp, theirs, has_base })));
    }

    /// What `theirs` changed since the version both started from; without one, how it differs
    /// from mine.
    fn their_changes(&self, theirs: &Project) -> ChangeSummary {
        match &self.safety.base_items {
            Some(base) => base.changes_to(theirs),
            None => ChangeSummary::between(&self.project, theirs),
        }
    }

    /// The user decided about a file changed on disk.
    pub fn resolve_file_change(&mut self, change: &FileChange, choice: FileChangeChoice) {
        self.safety.file_change_open = false;
        if self.path.as_deref() != Some(change.path.as_path()) {
            return;
        }
        match choice {
            FileChangeChoice::Later => {}
            FileChangeChoice::KeepMine => {
                // The next save overwrites their version, as the user chose; the journal can no
                // longer start from the file.
                self.safety.disk = Some(change.stamp.clone());
                if let Ok(theirs) = store::load(&change.path) {
                    self.safety.base_items = Some(BaseItems::of(&theirs));
                }
                self.history.mark_unsaved();
                self.restart_journal();
                self.status("Kept your version; saving will overwrite the file on disk");
            }
            FileChangeChoice::Reload => match store::load_file(&change.path) {
                Ok(loaded) => {
                    let keep_as = self.is_dirty().then_some("reloaded");
                    self.end_journal(keep_as);
                    self.replace_project(loaded.project, Some(change.path.clone()), false);
                    self.safety.unknown = loaded.unknown;
                    self.safety.disk = Some(loaded.stamp);
                    self.safety.base_is_file = true;
                    self.safety.base_items = Some(BaseItems::of(&self.project));
                    self.status(format!("Reloaded {} from disk", change.path.display()));
                }
                Err(err) => self.error("Cannot reload", format!("{err}\n\nYour version is still open.")),
            },
            FileChangeChoice::Merge => match store::load_file(&change.path) {
                Ok(loaded) => {
                    let pending = PendingMerge {
                        path: change.path.clone(),
                        merge: merge::merge(self.safety.base_items.as_ref(), &self.project, &loaded.project),
                        theirs_changed: self.their_changes(&loaded.project),
                        theirs: loaded.project,
                        stamp: loaded.stamp,
                        unknown: loaded.unknown,
                    };
                    if pending.conflicts().is_empty() {
                        self.finish_merge(Box::new(pending), &[]);
                    } else {
                        // The user chooses per conflict; the file is not asked about again meanwhile.
                        self.safety.file_change_open = true;
                        self.notice(Notice::MergeConflicts(Box::new(pending)));
                    }
                }
                Err(err) => self.error(
                    "Cannot merge: their version cannot be read",
                    format!("{err}\n\nYour version is still open; nothing was changed."),
                ),
            },
        }
    }

    /// Completes a merge with the file on disk, with `choices[i]` for conflict `i`, as one undo
    /// step; a message says what it did. Nothing is written until the user saves.
    pub fn finish_merge(&mut self, pending: Box<PendingMerge>, choices: &[Side]) {
        self.safety.file_change_open = false;
        let PendingMerge { path, merge, theirs, stamp, unknown, .. } = *pending;
        if self.path.as_deref() != Some(path.as_path()) {
            return;
        }
        let merge::Merged { project: merged, report } = match merge.resolve(choices) {
            Ok(merged) => merged,
            Err(err) => {
                return self
                    .error("Cannot merge", format!("{err}\n\nYour version is still open; nothing was changed."));
            }
        };
        if let Err(err) = self.apply(Edit::ReplaceProject(Box::new(merged))) {
            return self.error("Cannot merge", format!("{err}\n\nYour version is still open; nothing was changed."));
        }
        // Views start afresh on the merged project (and undo gives documents new revisions).
        self.generation = self.generation.wrapping_add(1);
        self.safety.disk = Some(stamp);
        self.safety.base_items = Some(BaseItems::of(&theirs));
        self.safety.unknown.extend_missing(&unknown);
        self.restart_journal();
        self.status(format!("Merged with the file on disk: {report}"));
        self.notice(Notice::Message {
            title: "Merged with the version on disk".into(),
            message: format!(
                "{report}\n\nNothing is written until you save; saving writes the merged project. Undo (Ctrl+Z) \
                 takes the whole merge back."
            ),
        });
    }

    /// The user gave up a merge with conflicts: the file is asked about again.
    pub fn cancel_merge(&mut self, pending: Box<PendingMerge>) {
        self.safety.file_change_open = false;
        if self.path.as_deref() == Some(pending.path.as_path()) {
            self.safety.check_due = true;
        }
    }

    /// Takes the file over from the other instance that has it ("Edit anyway").
    pub fn edit_anyway(&mut self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        match FileLock::take_over(&path, &self.safety.owner.session) {
            Ok(lock) => {
                self.safety.lock = Some(lock);
                self.safety.read_only = None;
                self.status("This window may now save the file");
            }
            Err(err) => self.status(format!("Cannot take the file over: {err}")),
        }
    }
}
