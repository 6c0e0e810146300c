//! The autosave journal: every edit applied to an open project, appended to a file as it happens,
//! so that a crash, `kill -9` or power cut loses at most the last second of work.
//!
//! A journal is UTF-8 text, one RON value per line. The first line is a [`Header`] naming the base
//! the edits apply to: the project file with a given SHA-256 (`.<name>.journal` beside it), or a
//! full snapshot of a project that has no file yet (`<config>/recovery/<session>.journal`). Every
//! further line is an [`Entry`]: one edit exactly as it was applied, and whether it was a new
//! change, an undo or a redo. Each line is written with one `write` as soon as the edit is applied
//! (so it survives the process dying) and the file is fsync'ed at most once a second (so it
//! survives the machine dying, minus that second). Saving the project removes the journal.
//!
//! Reading stops cleanly at a line that was only partly written (the usual damage from a crash)
//! and reports it; replay is only done against the base the journal names.

use std::fs;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::lock::LockOwner;
use super::{FileStamp, MAX_FILE_BYTES, ReadLimitError, UnknownFields, read_limited, sidecar_path};
use crate::edit::{Applied, Direction, Edit, History};
use crate::model::{Project, Timestamp, now};

pub const JOURNAL_FORMAT: &str = "spanwise-journal";
pub const JOURNAL_VERSION: u32 = 1;
/// The longest a journalled edit waits for its fsync.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(1);
/// File name ending of a live journal.
pub const SUFFIX: &str = ".journal";

/// What the journalled edits apply to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Base {
    /// The project file (`Header::project_path`) with exactly these bytes.
    File { sha256: String, size: u64 },
    /// This project: one that has no file yet, or that differs from its file (kept after the file
    /// changed on disk, merged, or recovered).
    Snapshot(Box<Project>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`JOURNAL_FORMAT`].
    pub journal: String,
    pub version: u32,
    /// The app session that wrote it, and its process: a journal whose process still runs is in
    /// use, not orphaned.
    pub session: String,
    pub pid: u32,
    pub host: String,
    pub started: Timestamp,
    /// The project file the session was editing, if it had one.
    pub project_path: Option<PathBuf>,
    /// Where Save would have suggested saving a project that has no file yet.
    #[serde(default)]
    pub suggested_path: Option<PathBuf>,
    pub base: Base,
    /// Fields of the project file this version does not know (kept on save).
    #[serde(default)]
    pub unknown: UnknownFields,
}

impl Header {
    pub fn owner(&self) -> LockOwner {
        LockOwner { pid: self.pid, host: self.host.clone(), session: self.session.clone() }
    }
}

/// A header borrowing its snapshot, for writing without a copy of the project.
#[derive(Serialize)]
struct HeaderRef<'a> {
    journal: &'static str,
    version: u32,
    session: &'a str,
    pid: u32,
    host: &'a str,
    started: Timestamp,
    project_path: Option<&'a Path>,
    suggested_path: Option<&'a Path>,
    base: BaseRef<'a>,
    unknown: &'a UnknownFields,
}

/// Same variants (and so the same text) as [`Base`].
#[derive(Serialize)]
enum BaseRef<'a> {
    File { sha256: &'a str, size: u64 },
    Snapshot(&'a Project),
}

/// What a new journal starts from.
#[derive(Clone, Copy, Debug)]
pub enum StartFrom<'a> {
    File(&'a FileStamp),
    Snapshot(&'a Project),
}

/// One journalled edit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// 1, 2, 3… in the order applied.
    pub seq: u64,
    pub time: Timestamp,
    pub direction: Direction,
    pub edit: Edit,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    seq: u64,
    time: Timestamp,
    direction: Direction,
    edit: &'a Edit,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot read the journal {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a readable Spanwise journal: {reason}")]
    NotAJournal { path: PathBuf, reason: String },
    #[error(
        "the journal {path} was written by a newer Spanwise (journal version {found}; this one reads up to {supported})"
    )]
    NewerVersion { path: PathBuf, found: u32, supported: u32 },
    #[error("the journal {path} continues the project file {project}, which cannot be read: {reason}")]
    NoBase { path: PathBuf, project: PathBuf, reason: String },
}

/// `.<name>.journal` beside a project file.
pub fn journal_path_for(project: &Path) -> PathBuf {
    sidecar_path(project, SUFFIX)
}

/// Where journals of projects without a (writable) file live: `<config>/recovery`.
pub fn session_dir(config_dir: &Path) -> PathBuf {
    config_dir.join("recovery")
}

pub fn session_journal_path(session_dir: &Path, session: &str) -> PathBuf {
    session_dir.join(format!("{session}{SUFFIX}"))
}

/// One line of RON: the value followed by `\n`. RON writes a `'\n'` char raw, which would split
/// the line; no journalled value should hold one, but refuse rather than write a broken journal.
fn to_line<T: Serialize>(value: &T) -> std::io::Result<String> {
    let mut line = ron::to_string(value).map_err(std::io::Error::other)?;
    if line.contains('\n') {
        return Err(std::io::Error::other("a value holds a raw line break and cannot be journalled"));
    }
    line.push('\n');
    Ok(line)
}

/// Whether something (a journal, or anything in its way) is at `path`.
pub fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Deletes a journal whose work is safe (saved, or kept in a newer journal).
pub fn remove(path: &Path) -> std::io::Result<()> {
    fs::remove_file(path)
}

/// Moves a journal out of the way without deleting it: `<name>.<why>-<UTC time>`.
pub fn set_aside(path: &Path, why: &str) -> std::io::Result<PathBuf> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{why}-{}", now().format("%Y%m%dT%H%M%S%.3fZ")));
    let target = path.with_file_name(name);
    fs::rename(path, &target)?;
    Ok(target)
}

fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
}

/// An open journal being appended to.
#[derive(Debug)]
pub struct JournalWriter {
    file: fs::File,
    path: PathBuf,
    /// Bytes known to be fully written (a failed append is cut back to this).
    len: u64,
    entries: u64,
    last_sync: Instant,
    unsynced: bool,
}

impl JournalWriter {
    /// Starts a journal at `path`. An existing file there is never overwritten: it is set aside
    /// first.
    pub fn create(
        path: &Path,
        owner: &LockOwner,
        project_path: Option<&Path>,
        suggested_path: Option<&Path>,
        start: StartFrom<'_>,
        unknown: &UnknownFields,
    ) -> std::io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        if fs::symlink_metadata(path).is_ok() {
            set_aside(path, "replaced")?;
        }
        let header = HeaderRef {
            journal: JOURNAL_FORMAT,
            version: JOURNAL_VERSION,
            session: &owner.session,
            pid: owner.pid,
            host: &owner.host,
            started: now(),
            project_path,
            suggested_path,
            base: match start {
                StartFrom::File(stamp) => BaseRef::File { sha256: &stamp.sha256, size: stamp.size },
                StartFrom::Snapshot(project) => BaseRef::Snapshot(project),
            },
            unknown,
        };
        let line = to_line(&header)?;
        let mut file = fs::OpenOptions::new().append(true).create_new(true).open(path)?;
        let written = file.write_all(line.as_bytes()).and_then(|()| file.sync_data());
        if let Err(err) = written {
            drop(file);
            let _ = fs::remove_file(path);
            return Err(err);
        }
        sync_dir(path);
        Ok(Self {
            file,
            path: path.to_owned(),
            len: line.len() as u64,
            entries: 0,
            last_sync: Instant::now(),
            unsynced: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of edits journalled.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Appends edits, each as one line, in one write; fsyncs if the last fsync is a second old.
    /// On error the file is cut back to its last complete line.
    pub fn append(&mut self, applied: &[Applied]) -> std::io::Result<()> {
        if applied.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        let time = now();
        for (i, item) in applied.iter().enumerate() {
            let entry =
                EntryRef { seq: self.entries + 1 + i as u64, time, direction: item.direction, edit: &item.edit };
            text.push_str(&to_line(&entry)?);
        }
        if let Err(err) = self.file.write_all(text.as_bytes()) {
            let _ = self.file.set_len(self.len);
            return Err(err);
        }
        self.len += text.len() as u64;
        self.entries += applied.len() as u64;
        self.unsynced = true;
        self.sync_if_due()
    }

    /// Fsyncs if there is something unsynced and the last fsync is at least [`SYNC_INTERVAL`] old.
    pub fn sync_if_due(&mut self) -> std::io::Result<()> {
        if self.unsynced && self.last_sync.elapsed() >= SYNC_INTERVAL { self.sync_now() } else { Ok(()) }
    }

    pub fn sync_now(&mut self) -> std::io::Result<()> {
        if self.unsynced {
            self.file.sync_data()?;
            self.unsynced = false;
        }
        self.last_sync = Instant::now();
        Ok(())
    }

    /// How long until an fsync is due, if one is pending.
    pub fn sync_due_in(&self) -> Option<Duration> {
        self.unsynced.then(|| SYNC_INTERVAL.saturating_sub(self.last_sync.elapsed()))
    }
}

impl Drop for JournalWriter {
    fn drop(&mut self) {
        let _ = self.sync_now();
    }
}

/// Where reading a journal stopped before its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The last line was only partly written (a crash while writing it); it is skipped.
    Torn { line: usize, bytes: usize },
    /// A line in the middle cannot be read; it and everything after it are skipped.
    Damaged { line: usize, reason: String },
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Torn { line, bytes } => write!(
                f,
                "line {line} was only partly written ({bytes} bytes, probably cut off by the crash) and was skipped"
            ),
            Stop::Damaged { line, reason } => {
                write!(f, "line {line} is damaged ({reason}); it and any lines after it were skipped")
            }
        }
    }
}

/// A journal as read from disk.
#[derive(Clone, Debug)]
pub struct Contents {
    pub header: Header,
    pub entries: Vec<Entry>,
    pub stop: Option<Stop>,
}

/// Reads only the header line (cheap for journals on a file; reads the snapshot otherwise).
pub fn read_header(path: &Path) -> Result<Header, JournalError> {
    let io = |source| JournalError::Io { path: path.to_owned(), source };
    let file = fs::File::open(path).map_err(io)?;
    let mut line = Vec::new();
    std::io::BufReader::new(file).take_line(&mut line, MAX_FILE_BYTES).map_err(io)?;
    parse_header(&line, path)
}

trait TakeLine {
    fn take_line(&mut self, line: &mut Vec<u8>, max: u64) -> std::io::Result<()>;
}

impl<R: BufRead> TakeLine for R {
    fn take_line(&mut self, line: &mut Vec<u8>, max: u64) -> std::io::Result<()> {
        use std::io::Read;
        self.by_ref().take(max).read_until(b'\n', line)?;
        Ok(())
    }
}

fn parse_header(line: &[u8], path: &Path) -> Result<Header, JournalError> {
    let not = |reason: String| JournalError::NotAJournal { path: path.to_owned(), reason };
    if !line.ends_with(b"\n") {
        return Err(not(if line.is_empty() {
            "it is empty".into()
        } else {
            "its first line (the header) was not completely written".into()
        }));
    }
    let text = std::str::from_utf8(line).map_err(|_| not("the header is not UTF-8 text".into()))?;
    // Check the format and version first, so that a newer journal gets a version message.
    #[derive(Deserialize)]
    struct Probe {
        journal: String,
        version: u32,
    }
    let probe: Probe = ron::from_str(text).map_err(|err| not(format!("bad header: {}", err.code)))?;
    if probe.journal != JOURNAL_FORMAT {
        return Err(not(format!("it is a {:?} file", probe.journal)));
    }
    if probe.version > JOURNAL_VERSION {
        return Err(JournalError::NewerVersion {
            path: path.to_owned(),
            found: probe.version,
            supported: JOURNAL_VERSION,
        });
    }
    let mut header: Header = ron::from_str(text).map_err(|err| not(format!("bad header: {}", err.code)))?;
    if let Base::Snapshot(project) = &mut header.base {
        project.build_indexes();
        let problems = crate::model::validate(project);
        if let Some(first) = problems.first() {
            return Err(not(format!("its snapshot is not a valid project: {first}")));
        }
    }
    Ok(header)
}

/// Reads a journal: the header, then every complete entry up to the first damaged or torn line.
pub fn read(path: &Path) -> Result<Contents, JournalError> {
    let bytes = read_limited(path, MAX_FILE_BYTES).map_err(|err| match err {
        ReadLimitError::Io(source) => JournalError::Io { path: path.to_owned(), source },
        ReadLimitError::TooLarge(size) => JournalError::NotAJournal {
            path: path.to_owned(),
            reason: format!("it is {size} bytes, more than the {MAX_FILE_BYTES} bytes Spanwise reads"),
        },
    })?;
    parse(&bytes, path)
}

/// Parses journal bytes (`path` is only for messages).
pub fn parse(bytes: &[u8], path: &Path) -> Result<Contents, JournalError> {
    let header_end = bytes.iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| i + 1);
    let header = parse_header(&bytes[..header_end], path)?;
    let mut entries = Vec::new();
    let mut stop = None;
    let mut rest = &bytes[header_end..];
    let mut line_number = 1;
    while !rest.is_empty() {
        line_number += 1;
        let (line, complete) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (&rest[..i], true),
            None => (rest, false),
        };
        rest = &rest[(line.len() + usize::from(complete)).min(rest.len())..];
        let parsed = std::str::from_utf8(line)
            .map_err(|_| "not UTF-8 text".to_owned())
            .and_then(|text| ron::from_str::<Entry>(text).map_err(|err| err.code.to_string()));
        match parsed {
            Ok(entry) if entry.seq == entries.len() as u64 + 1 => entries.push(entry),
            Ok(entry) => {
                stop = Some(Stop::Damaged {
                    line: line_number,
                    reason: format!("edit number {} where {} was expected", entry.seq, entries.len() + 1),
                });
                break;
            }
            Err(_) if !complete => {
                stop = Some(Stop::Torn { line: line_number, bytes: line.len() });
                break;
            }
            Err(reason) => {
                stop = Some(Stop::Damaged { line: line_number, reason });
                break;
            }
        }
    }
    Ok(Contents { header, entries, stop })
}

/// A project rebuilt from a base and journalled edits.
#[derive(Debug)]
pub struct Replayed {
    pub project: Project,
    /// Undo history as it was (undo and redo keep working after recovery).
    pub history: History,
    pub applied: usize,
    /// Edits that could not be applied, with why.
    pub failed: Vec<String>,
}

/// Applies `entries` to `base` in order. With `keep_going`, an edit that no longer applies is
/// skipped and reported; otherwise replay stops at it.
pub fn replay(base: Project, entries: &[Entry], keep_going: bool) -> Replayed {
    let mut project = base;
    let mut history = History::new();
    let mut applied = 0;
    let mut failed = Vec::new();
    for entry in entries {
        let description = entry.edit.describe();
        match history.replay(&mut project, Applied { direction: entry.direction, edit: entry.edit.clone() }) {
            Ok(()) => applied += 1,
            Err(err) => {
                failed.push(format!("edit {} ({description}): {err}", entry.seq));
                if !keep_going {
                    break;
                }
            }
        }
    }
    Replayed { project, history, applied, failed }
}

/// The net difference between two versions of a project (every kind of item, counted).
pub use super::merge::ChangeSummary;

/// What a journal would restore, ready to be shown and, if the user agrees, taken over.
#[derive(Debug)]
pub struct Recovery {
    pub journal_path: PathBuf,
    pub header: Header,
    /// Edits read from the journal.
    pub edits: usize,
    pub last_edit: Option<Timestamp>,
    pub summary: ChangeSummary,
    /// Everything the user should know: a torn last line, skipped edits, a changed base.
    pub notes: Vec<String>,
    /// The project file changed since the journal was started; edits were applied to the new one.
    pub base_changed: bool,
    /// Whether anything at all was lost (a skipped line or edit).
    pub incomplete: bool,
    pub project: Project,
    pub history: History,
}

impl Recovery {
    /// Whether the journal holds work worth offering: edits, or a project that exists nowhere
    /// else (a snapshot).
    pub fn has_work(&self) -> bool {
        self.edits > 0 || matches!(self.header.base, Base::Snapshot(_)) || self.incomplete
    }
}

/// Reads a journal and replays it. `current` is the project file as it is now (loaded and
/// stamped); a journal on a file needs it, and is replayed strictly only if the file is the very
/// one the journal started from. Otherwise edits are applied to the current file one by one, and
/// those that no longer fit are skipped and reported.
pub fn prepare(journal_path: &Path, current: Option<(&Project, &FileStamp)>) -> Result<Recovery, JournalError> {
    let contents = read(journal_path)?;
    let mut notes = Vec::new();
    let (base, keep_going, base_changed) = match (&contents.header.base, current) {
        (Base::Snapshot(project), _) => ((**project).clone(), false, false),
        (Base::File { sha256, .. }, Some((project, stamp))) if *sha256 == stamp.sha256 => {
            (project.clone(), false, false)
        }
        (Base::File { .. }, Some((project, _))) => {
            notes.push(
                "The project file was changed by someone else after these edits began; they were applied to \
                 the file as it is now, and any that no longer fit were skipped."
                    .to_owned(),
            );
            (project.clone(), true, true)
        }
        (Base::File { .. }, None) => {
            let project = contents.header.project_path.clone().unwrap_or_default();
            return Err(JournalError::NoBase {
                path: journal_path.to_owned(),
                project,
                reason: "it is not open".into(),
            });
        }
    };
    let mut incomplete = false;
    if let Some(stop) = &contents.stop {
        notes.push(format!("The journal's {stop}."));
        incomplete = true;
    }
    let replayed = replay(base.clone(), &contents.entries, keep_going);
    if !replayed.failed.is_empty() {
        incomplete = true;
        let skipped = contents.entries.len() - replayed.applied;
        notes.push(format!(
            "{skipped} of {} edits could not be applied: {}",
            contents.entries.len(),
            replayed.failed.join("; ")
        ));
    }
    let summary = ChangeSummary::between(&base, &replayed.project);
    Ok(Recovery {
        journal_path: journal_path.to_owned(),
        edits: contents.entries.len(),
        last_edit: contents.entries.last().map(|e| e.time),
        header: contents.header,
        summary,
        notes,
        base_changed,
        incomplete,
        project: replayed.project,
        history: replayed.history,
    })
}

/// Journals in `dir` (the session folder) whose process is gone.
pub fn orphaned_sessions(dir: &Path) -> Vec<PathBuf> {
    let Ok(read_dir) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = read_dir
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(SUFFIX) && p.is_file())
        .filter(|p| match read_header(p) {
            Ok(header) => !header.owner().is_alive(),
            // Unreadable: offered too, so the user hears about it (and it is set aside), unless
            // it is new enough to be a journal another instance is still writing its header to.
            Err(_) => fs::metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified.elapsed().is_ok_and(|age| age > Duration::from_secs(60))),
        })
        .collect();
    found.sort();
    found
}
