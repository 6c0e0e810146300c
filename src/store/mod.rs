//! The project file (`*.spanwise.ron`): versioned header, validation on load with line numbers,
//! deterministic output and atomic save with a backup of the previous version.
//!
//! Submodules keep a coder's work safe between saves: [`journal`] (autosave and crash recovery),
//! [`lock`] (one writer per file), [`merge`] (combining mine with a version changed on disk);
//! [`unknown`] keeps fields this version does not know.

pub mod journal;
pub mod lock;
pub mod merge;
pub mod reader;
pub mod stream;
pub mod unknown;
pub mod watch;
pub mod writer;

pub use unknown::UnknownFields;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{Location, Problem, Project, validate};

/// The `format` field of every project file.
pub const FORMAT_NAME: &str = "spanwise";
/// The file format version this build writes (and the newest it reads).
pub const FORMAT_VERSION: u32 = 1;
/// The conventional file name ending.
pub const EXTENSION: &str = ".spanwise.ron";
/// Files larger than this are refused before parsing (a project is text; this is ~100× a big one).
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// Loading a project takes about this many times its file size in memory at the peak (measured:
/// 3.2× for a 256 MB file with a million annotations); a file that would not fit in the memory
/// available is refused before reading rather than killed half-way by the system.
pub const MEMORY_PER_FILE_BYTE: u64 = 4;

#[derive(Serialize, Deserialize)]
struct ProjectFile {
    format: String,
    version: u32,
    project: Project,
}

#[derive(Serialize)]
struct ProjectFileRef<'p> {
    format: &'static str,
    version: u32,
    project: &'p Project,
}

/// A problem found in a file, with the line it is on when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is {size} bytes; Spanwise refuses project files over {max} bytes")]
    TooLarge { path: PathBuf, size: u64, max: u64 },
    #[error(
        "{path} is {} MB; opening it needs about {} MB of memory, but only {} MB are available. Close other programs \
         and try again, or split the project.",
        .size / 1_000_000, .needed / 1_000_000, .available / 1_000_000
    )]
    NotEnoughMemory { path: PathBuf, size: u64, needed: u64, available: u64 },
    #[error("not a Spanwise project file: {0}")]
    NotAProject(String),
    #[error(
        "this file is format version {found}, but this Spanwise reads versions up to {supported}; update Spanwise to open it"
    )]
    NewerVersion { found: u32, supported: u32 },
    #[error("{}", join_problems(.0))]
    Invalid(Vec<FileProblem>),
}

fn join_problems(problems: &[FileProblem]) -> String {
    let mut text = format!("{} problem{} found:", problems.len(), if problems.len() == 1 { "" } else { "s" });
    for p in problems {
        text.push_str("\n  ");
        text.push_str(&p.to_string());
    }
    text
}

impl LoadError {
    /// The individual problems (one for errors that are not lists).
    pub fn problems(&self) -> Vec<FileProblem> {
        match self {
            LoadError::Invalid(problems) => problems.clone(),
            other => vec![FileProblem { line: None, message: other.to_string() }],
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("cannot save to {path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("refusing to save an invalid project: {0}")]
    Invalid(String),
}

/// Serializes a project: deterministic, one annotation per line.
pub fn to_string(project: &Project) -> String {
    writer::write(project, to_string_with_ron)
}

/// [`to_string`] done entirely by `ron` (the reference the fast writer must match).
pub fn to_string_with_ron(project: &Project) -> String {
    let file = ProjectFileRef { format: FORMAT_NAME, version: FORMAT_VERSION, project };
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(5)
        .indentor("  ".to_owned())
        .new_line("\n".to_owned())
        .struct_names(false)
        .separate_tuple_members(false);
    let body = ron::ser::to_string_pretty(&file, config).unwrap_or_else(|err| {
        // The model holds only strings, numbers, maps and lists: serialization cannot fail.
        panic!("serializing a project failed: {err}")
    });
    format!("// Spanwise project file. Format described in docs/FORMAT.md.\n{body}\n")
}

/// Parses and validates a project from file text.
pub fn from_str(source: &str) -> Result<Project, LoadError> {
    check_header(source)?;
    let file = parse_file(source)?;
    if file.format != FORMAT_NAME {
        return Err(LoadError::NotAProject(format!("format is {:?}, expected \"{FORMAT_NAME}\"", file.format)));
    }
    if file.version > FORMAT_VERSION {
        return Err(LoadError::NewerVersion { found: file.version, supported: FORMAT_VERSION });
    }
    let mut project = file.project;
    project.build_indexes();
    let problems = validate(&project);
    if problems.is_empty() {
        Ok(project)
    } else {
        Err(LoadError::Invalid(problems.into_iter().map(|p| locate(source, p)).collect()))
    }
}

/// A project from a file split by [`reader`] (texts and annotations parsed, the skeleton left
/// for `ron`) and its unknown fields; `None` if anything is off, from the header to validation,
/// so that reading the whole file can say exactly what and where. The skeleton keeps everything
/// but the texts and the annotation lines, which hold no unknown fields (their lines are read
/// only when they are exactly as Spanwise writes them), so the unknown fields are found in it.
pub(crate) fn from_split(split: reader::Split) -> Option<(Project, UnknownFields)> {
    check_header(&split.skeleton).ok()?;
    let file: ProjectFile = ron::from_str(&split.skeleton).ok()?;
    if file.format != FORMAT_NAME || file.version > FORMAT_VERSION {
        return None;
    }
    let mut project = file.project;
    if project.documents.len() != split.documents.len() {
        return None;
    }
    if split.indexes.len() != split.documents.len() {
        return None;
    }
    for ((document, (text, annotations)), index) in project.documents.iter_mut().zip(split.documents).zip(split.indexes)
    {
        document.text = text;
        document.annotations = annotations;
        document.build_index_with(index);
    }
    if !validate(&project).is_empty() {
        return None;
    }
    let unknown = unknown::find(&split.skeleton, &project)?;
    Some((project, unknown))
}

/// Parses the file: Spanwise's own layout quickly (`reader`), anything else with `ron`.
fn parse_file(source: &str) -> Result<ProjectFile, LoadError> {
    let with_ron = |text: &str| -> Result<ProjectFile, LoadError> {
        ron::from_str(text).map_err(|err| {
            LoadError::Invalid(vec![FileProblem {
                line: Some(err.span.start.line),
                message: format!("column {}: {}", err.span.start.col, describe_ron_error(&err.code, source)),
            }])
        })
    };
    if let Some(split) = reader::split(source)
        && let Ok(mut file) = with_ron(&split.skeleton)
        && file.project.documents.len() == split.documents.len()
    {
        for (document, (text, annotations)) in file.project.documents.iter_mut().zip(split.documents) {
            document.text = text;
            document.annotations = annotations;
        }
        return Ok(file);
    }
    with_ron(source)
}

fn describe_ron_error(code: &ron::error::Error, source: &str) -> String {
    match code {
        ron::error::Error::Eof => format!(
            "the file ends unexpectedly (after {} lines): it was truncated or not fully written",
            source.lines().count()
        ),
        other => other.to_string(),
    }
}

/// Reads `format` and `version` from the start of the file before the full parse, so that a
/// newer file is refused with a version message rather than a confusing syntax error.
fn check_header(source: &str) -> Result<(), LoadError> {
    let head: String = source.chars().take(4096).collect();
    let code = head.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let trimmed = code.trim_start();
    if trimmed.is_empty() {
        return Err(LoadError::NotAProject("the file is empty".into()));
    }
    if !trimmed.starts_with('(') {
        let first: String = trimmed.chars().take(40).collect();
        return Err(LoadError::NotAProject(format!("expected a RON project starting with '(', found {first:?}")));
    }
    let field = |name: &str| -> Option<String> {
        let at = code.find(&format!("{name}:"))?;
        let rest = code[at + name.len() + 1..].trim_start();
        let end = rest.find([',', '\n', ')']).unwrap_or(rest.len());
        Some(rest[..end].trim().to_owned())
    };
    match field("format") {
        Some(format) if format == format!("\"{FORMAT_NAME}\"") => {}
        Some(format) => {
            return Err(LoadError::NotAProject(format!("format is {format}, expected \"{FORMAT_NAME}\"")));
        }
        None => {
            return Err(LoadError::NotAProject("no `format: \"spanwise\"` header".into()));
        }
    }
    if let Some(version) = field("version") {
        match version.parse::<u32>() {
            Ok(found) if found > FORMAT_VERSION => {
                return Err(LoadError::NewerVersion { found, supported: FORMAT_VERSION });
            }
            Ok(0) | Err(_) => {
                return Err(LoadError::NotAProject(format!("version {version} is not a format version")));
            }
            Ok(_) => {}
        }
    } else {
        return Err(LoadError::NotAProject("no `version:` header".into()));
    }
    Ok(())
}

/// Finds the line of a validation problem in the file text.
fn locate(source: &str, problem: Problem) -> FileProblem {
    let line_of = |needle: &str, from_line: usize| -> Option<usize> {
        source
            .lines()
            .enumerate()
            .skip(from_line.saturating_sub(1))
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1)
    };
    let document_line = |id: &str| line_of(&format!("id: \"{id}\""), line_of("documents:", 1).unwrap_or(1));
    let line = match &problem.location {
        Location::Project => None,
        Location::Label(id) => line_of(&format!("id: \"{id}\""), line_of("labels:", 1).unwrap_or(1)),
        Location::RelationType(id) => line_of(&format!("id: \"{id}\""), line_of("relation_types:", 1).unwrap_or(1)),
        Location::Annotator(id) => line_of(&format!("id: \"{id}\""), line_of("annotators:", 1).unwrap_or(1)),
        Location::Document(id) => document_line(id),
        Location::Annotation { document, id } | Location::Relation { document, id } => {
            let from = document_line(document).unwrap_or(1);
            line_of(&format!("id: {id},"), from).or_else(|| line_of(&format!("id: {id}"), from))
        }
        Location::Memo(id) => line_of(&format!("id: {id},"), line_of("memos:", 1).unwrap_or(1)),
    };
    FileProblem { line, message: problem.to_string() }
}

/// What a project file was when Spanwise last read or wrote it: to notice when someone else
/// changes it, and to tie an autosave journal to the exact file it continues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    pub size: u64,
    /// Modification time, when the file system has one.
    pub modified: Option<SystemTime>,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

impl FileStamp {
    pub fn of_bytes(bytes: &[u8], modified: Option<SystemTime>) -> Self {
        Self { size: bytes.len() as u64, modified, sha256: sha256_of(bytes) }
    }

    /// Whether size and modification time still match the file's metadata (a cheap check; the
    /// hash confirms a real change).
    pub fn matches_metadata(&self, metadata: &fs::Metadata) -> bool {
        metadata.len() == self.size && metadata.modified().ok() == self.modified
    }
}

/// Hex SHA-256 of bytes.
pub fn sha256_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a whole file, refusing it if it is (or turns out while reading to be) larger than `max`
/// bytes. Never reads more than `max + 1` bytes, whatever the metadata says (pipes, growing files).
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, ReadLimitError> {
    use std::io::Read;
    let file = fs::File::open(path).map_err(ReadLimitError::Io)?;
    let size = file.metadata().map_err(ReadLimitError::Io)?.len();
    if size > max {
        return Err(ReadLimitError::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut bytes).map_err(ReadLimitError::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadLimitError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Why [`read_limited`] failed.
#[derive(Debug)]
pub enum ReadLimitError {
    Io(std::io::Error),
    /// At least this many bytes.
    TooLarge(u64),
}

/// A project read from disk, with the stamp of the bytes it came from.
#[derive(Debug)]
pub struct Loaded {
    pub project: Project,
    pub stamp: FileStamp,
    /// Fields in the file this version does not know, to be written back on save.
    pub unknown: UnknownFields,
}

/// Reads and validates a project file.
pub fn load(path: &Path) -> Result<Project, LoadError> {
    load_file(path).map(|loaded| loaded.project)
}

/// Memory this process can still use, as far as it can be told (Linux: the smallest of the
/// system's available memory, the cgroup's limit and the address space limit).
pub fn available_memory() -> Option<u64> {
    fn number_after(text: &str, key: &str) -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(key))?;
        line[key.len()..].split_whitespace().next()?.parse().ok()
    }
    let mut available: Option<u64> = None;
    let mut limit = |bytes: u64| available = Some(available.map_or(bytes, |a| a.min(bytes)));
    if let Ok(meminfo) = fs::read_to_string("/proc/meminfo")
        && let Some(kb) = number_after(&meminfo, "MemAvailable:")
    {
        limit(kb * 1024);
    }
    if let (Ok(max), Ok(current)) =
        (fs::read_to_string("/sys/fs/cgroup/memory.max"), fs::read_to_string("/sys/fs/cgroup/memory.current"))
        && let (Ok(max), Ok(current)) = (max.trim().parse::<u64>(), current.trim().parse::<u64>())
    {
        limit(max.saturating_sub(current));
    }
    if let (Ok(limits), Ok(status)) = (fs::read_to_string("/proc/self/limits"), fs::read_to_string("/proc/self/status"))
        && let Some(max) = number_after(&limits, "Max address space")
        && let Some(size_kb) = number_after(&status, "VmSize:")
    {
        limit(max.saturating_sub(size_kb * 1024));
    }
    available
}

/// Refuses a file whose loading would not fit in memory.
fn check_memory(path: &Path, size: u64) -> Result<(), LoadError> {
    let needed = size.saturating_mul(MEMORY_PER_FILE_BYTE);
    match available_memory() {
        Some(available) if needed > available => {
            Err(LoadError::NotEnoughMemory { path: path.to_owned(), size, needed, available })
        }
        _ => Ok(()),
    }
}

/// Reads and validates a project file, and stamps what was read.
pub fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    let size = fs::metadata(path).map_err(|source| LoadError::Io { path: path.to_owned(), source })?.len();
    if size <= MAX_FILE_BYTES {
        check_memory(path, size)?;
        // Spanwise's own files are read in pieces (never whole in memory); anything else, and
        // any problem, is read whole below, for the exact messages.
        if let Some(loaded) = stream::load(path, MAX_FILE_BYTES)? {
            return Ok(loaded);
        }
    }
    let bytes = read_limited(path, MAX_FILE_BYTES).map_err(|err| match err {
        ReadLimitError::Io(source) => LoadError::Io { path: path.to_owned(), source },
        ReadLimitError::TooLarge(size) => LoadError::TooLarge { path: path.to_owned(), size, max: MAX_FILE_BYTES },
    })?;
    let modified = fs::metadata(path).ok().and_then(|m| m.modified().ok());
    let source = std::str::from_utf8(&bytes).map_err(|err| {
        LoadError::NotAProject(format!("byte {} is not valid UTF-8 (is this a binary file?)", err.valid_up_to()))
    })?;
    // Both cores: hash the file (for change detection) while parsing it.
    let (parsed, sha256) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| sha256_of(&bytes));
        (from_str_keeping_unknown(source.strip_prefix('\u{feff}').unwrap_or(source)), hashing.join())
    });
    let (project, unknown) = parsed?;
    let sha256 = sha256.unwrap_or_else(|_| sha256_of(&bytes));
    let stamp = FileStamp { size: bytes.len() as u64, modified, sha256 };
    Ok(Loaded { project, stamp, unknown })
}

/// Like [`from_str`], and also returns the fields of the file this version does not know.
pub fn from_str_keeping_unknown(source: &str) -> Result<(Project, UnknownFields), LoadError> {
    let project = from_str(source)?;
    let unknown = unknown::find(source, &project).unwrap_or_else(|| {
        log::warn!("the file could not be scanned for unknown fields; any it has will not be kept on save");
        UnknownFields::default()
    });
    Ok((project, unknown))
}

/// [`to_string`], with fields this version does not know put back where they were.
pub fn to_string_with(project: &Project, unknown: &UnknownFields) -> String {
    if unknown.is_empty() {
        return to_string(project);
    }
    unknown::insert(&to_string(project), project, unknown)
}

/// The stamp of a file as it is on disk now (reads and hashes it).
pub fn stamp_file(path: &Path) -> std::io::Result<FileStamp> {
    let bytes = match read_limited(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadLimitError::Io(err)) => return Err(err),
        Err(ReadLimitError::TooLarge(size)) => {
            return Err(std::io::Error::other(format!("{} is {size} bytes, too large", path.display())));
        }
    };
    let modified = fs::metadata(path).ok().and_then(|m| m.modified().ok());
    Ok(FileStamp::of_bytes(&bytes, modified))
}

/// How a project file on disk compares with the version Spanwise last read or wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OnDisk {
    /// Same size and modification time: not looked at further.
    Unchanged,
    /// Touched (new time) but the same bytes: here is its new stamp.
    Touched(FileStamp),
    /// Someone wrote other bytes: here is their version's stamp.
    Changed(FileStamp),
    /// The file cannot be found or reached.
    Missing(std::io::ErrorKind, String),
}

/// Compares the file at `path` with `known` (size and time first, the hash to confirm).
pub fn compare_with_disk(path: &Path, known: &FileStamp) -> OnDisk {
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) => return OnDisk::Missing(err.kind(), describe_io(&err)),
    };
    if known.matches_metadata(&metadata) {
        return OnDisk::Unchanged;
    }
    match stamp_file(path) {
        Ok(stamp) if stamp.sha256 == known.sha256 => OnDisk::Touched(stamp),
        Ok(stamp) => OnDisk::Changed(stamp),
        Err(err) => OnDisk::Missing(err.kind(), describe_io(&err)),
    }
}

/// The backup of the previous version kept beside a project file.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

fn describe_io(err: &std::io::Error) -> String {
    match err.raw_os_error() {
        Some(28) => "the disk is full; free some space or save elsewhere (your work is still open)".into(),
        Some(30) => "the file system is read-only; save elsewhere".into(),
        _ => match err.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied; save elsewhere".into(),
            std::io::ErrorKind::NotFound => "the folder does not exist (was it removed or unmounted?)".into(),
            _ => err.to_string(),
        },
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to disk, then
/// renamed over the target. The previous file, if any, is kept as `<name>.bak`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    write_atomic_keeping(path, bytes, true)
}

/// [`write_atomic`], keeping the previous file as `<name>.bak` only if `backup`.
fn write_atomic_keeping(path: &Path, bytes: &[u8], backup: bool) -> Result<(), SaveError> {
    let fail = |err: std::io::Error| SaveError::Io { path: path.to_owned(), reason: describe_io(&err) };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name =
        path.file_name().ok_or_else(|| SaveError::Io { path: path.to_owned(), reason: "not a file path".into() })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        Ok(())
    };
    if let Err(err) = write() {
        let _ = fs::remove_file(&tmp);
        return Err(fail(err));
    }
    if backup
        && path.exists()
        && let Err(err) = keep_backup(path)
    {
        let _ = fs::remove_file(&tmp);
        return Err(fail(err));
    }
    if let Err(err) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(fail(err));
    }
    // Make the rename itself durable.
    if let Ok(dir) = fs::File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Keeps the file at `path` as `<name>.bak`: by a hard link when the file system allows (no
/// copying of a 57 MB file on every save), else by copying. The old backup is replaced atomically.
fn keep_backup(path: &Path) -> std::io::Result<()> {
    let backup = backup_path(path);
    let mut staging_name = backup.file_name().unwrap_or_default().to_os_string();
    staging_name.push(format!(".new{}", std::process::id()));
    let staging = backup.with_file_name(staging_name);
    let _ = fs::remove_file(&staging);
    match fs::hard_link(path, &staging) {
        Ok(()) => fs::rename(&staging, &backup).inspect_err(|_| {
            let _ = fs::remove_file(&staging);
        }),
        Err(_) => fs::copy(path, &backup).map(drop),
    }
}

/// Validates and saves a project atomically.
pub fn save(project: &Project, path: &Path) -> Result<(), SaveError> {
    save_file(project, path).map(drop)
}

/// Validates and saves a project atomically; returns the stamp of what was written.
pub fn save_file(project: &Project, path: &Path) -> Result<FileStamp, SaveError> {
    save_file_with(project, path, &UnknownFields::default())
}

/// [`save_file`], keeping fields this version does not know (from [`Loaded::unknown`]).
pub fn save_file_with(project: &Project, path: &Path, unknown: &UnknownFields) -> Result<FileStamp, SaveError> {
    save_file_keeping(project, path, unknown, true)
}

/// [`save_file_with`] without keeping the previous file as `<name>.bak`: for files that are not
/// the user's own copy (git's merge driver writes into git's temporary file; a backup beside it
/// would be litter in the work tree).
pub fn save_file_without_backup(
    project: &Project,
    path: &Path,
    unknown: &UnknownFields,
) -> Result<FileStamp, SaveError> {
    save_file_keeping(project, path, unknown, false)
}

fn save_file_keeping(
    project: &Project,
    path: &Path,
    unknown: &UnknownFields,
    backup: bool,
) -> Result<FileStamp, SaveError> {
    // Both cores: validate while serializing, hash the bytes while writing them.
    let (problems, text) = std::thread::scope(|scope| {
        let validation = scope.spawn(|| validate(project));
        let text = to_string_with(project, unknown);
        (validation.join(), text)
    });
    let problems = problems.map_err(|_| SaveError::Invalid("validation failed unexpectedly; not saved".into()))?;
    if let Some(first) = problems.first() {
        return Err(SaveError::Invalid(format!("{first} ({} problems in all)", problems.len())));
    }
    let (written, sha256) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| sha256_of(text.as_bytes()));
        (write_atomic_keeping(path, text.as_bytes(), backup), hashing.join())
    });
    written?;
    let modified = fs::metadata(path).ok().and_then(|m| m.modified().ok());
    let sha256 = sha256.unwrap_or_else(|_| sha256_of(text.as_bytes()));
    Ok(FileStamp { size: text.len() as u64, modified, sha256 })
}

/// A hidden file beside `path`: `.<name><suffix>` (journal, lock).
pub fn sidecar_path(path: &Path, suffix: &str) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(suffix);
    path.with_file_name(name)
}

/// `name.spanwise.ron` for a source file `name.txt`.
pub fn project_path_for(source: &Path) -> PathBuf {
    let stem = source.file_stem().unwrap_or_default().to_string_lossy();
    let stem = stem.strip_suffix(".spanwise").unwrap_or(&stem);
    source.with_file_name(format!("{stem}{EXTENSION}"))
}

/// Whether a path names a project file (rather than a text to import).
pub fn is_project_path(path: &Path) -> bool {
    path.to_string_lossy().ends_with(EXTENSION) || path.extension().is_some_and(|e| e == "ron")
}

/// Whether two paths name the same file (the second may not exist yet): compared after resolving
/// links and `..` in what exists of them.
pub fn same_file(a: &Path, b: &Path) -> bool {
    fn resolved(path: &Path) -> PathBuf {
        if let Ok(full) = path.canonicalize() {
            return full;
        }
        match (path.parent().filter(|p| !p.as_os_str().is_empty()), path.file_name()) {
            (Some(parent), Some(name)) => parent.canonicalize().map_or_else(|_| path.to_owned(), |p| p.join(name)),
            (None, Some(name)) => std::env::current_dir().map_or_else(|_| path.to_owned(), |d| d.join(name)),
            _ => path.to_owned(),
        }
    }
    resolved(a) == resolved(b)
}
