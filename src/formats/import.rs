//! Importing many sources at once: files, folders (recursive), zip archives, CSV/TSV/JSONL
//! corpora and URLs, on all cores, with progress and Cancel, and a report of what was imported,
//! skipped (duplicate text, unsupported type) and failed, with the reason per source. One bad
//! file never stops the rest.
//!
//! The UI calls [`import_sources`] from a background thread with a progress callback; the CLI
//! (`spanwise import`) does the same. Documents come back in input order with fresh ids; the
//! caller adds them to the project (as `Edit::AddDocument`s).

use std::collections::{BTreeMap, HashSet};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::model::{Codebook, Document, Project, Value, ValueKind};

use super::archive::{Archive, safe_path};
use super::cleanup;
use super::corpus;
use super::encoding::{self, Decoded};
use super::fetch::{self, FetchOptions};
use super::{ImportError, html};

/// Default limit of one document's text: 50 MB.
pub const DEFAULT_MAX_TEXT_BYTES: u64 = 50_000_000;
/// Corpus files (CSV, JSONL, zip) may be larger than one text, up to this.
pub const MAX_CORPUS_FILE_BYTES: u64 = 1 << 30;

/// Choices for an import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// A document whose text is longer than this (bytes of UTF-8) is refused.
    pub max_text_bytes: u64,
    /// Read text files in this encoding (a WHATWG label) instead of detecting it.
    pub encoding: Option<String>,
    /// The CSV/TSV column or JSON field holding the text (default: `text`, `body`, `content`…).
    pub text_column: Option<String>,
    /// Apply the clean-up proposals marked accepted to plain texts (see [`cleanup`]).
    pub clean: bool,
    /// Texts already in the project or earlier in this import are skipped.
    pub skip_duplicates: bool,
    pub fetch: FetchOptions,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
            encoding: None,
            text_column: None,
            clean: false,
            skip_duplicates: true,
            fetch: FetchOptions::default(),
            threads: 0,
        }
    }
}

/// Something to import.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A file or a folder.
    Path(PathBuf),
    /// An `http://` or `https://` address.
    Url(String),
}

impl Input {
    /// A command-line argument: a URL if it starts with `http://` or `https://`, else a path.
    pub fn parse(argument: &str) -> Self {
        let lower = argument.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Input::Url(argument.to_owned())
        } else {
            Input::Path(PathBuf::from(argument))
        }
    }
}

/// Where an import stands, for a progress bar.
#[derive(Clone, Debug)]
pub struct Progress {
    /// Sources finished.
    pub done: usize,
    /// Sources found so far (grows while folders and archives are listed).
    pub total: usize,
    /// The source just finished.
    pub current: String,
    pub elapsed: Duration,
    /// Estimated time left.
    pub remaining: Option<Duration>,
}

/// One imported document and how it was read.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The file, archive entry, corpus row or URL it came from.
    pub source: String,
    pub document: Document,
    /// The encoding a text was read in (`UTF-8`, `windows-1256`…), when it was bytes of text.
    pub encoding: Option<String>,
}

/// Why a source was not imported although nothing was wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub enum SkipReason {
    /// Its text is already in the project (or earlier in this import) as this document.
    Duplicate { document_name: String },
    /// A file in a folder or archive whose type Spanwise does not read.
    Unsupported,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Duplicate { document_name } => write!(f, "same text as \"{document_name}\""),
            SkipReason::Unsupported => write!(f, "not a type Spanwise imports"),
        }
    }
}

/// What happened to every source.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    pub skipped: Vec<(String, SkipReason)>,
    pub failed: Vec<(String, ImportError)>,
    /// The user cancelled; what was finished before is in the lists.
    pub cancelled: bool,
}

impl ImportReport {
    /// The imported documents, ready for `Edit::AddDocument`.
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.imported.iter().map(|i| &i.document)
    }
}

/// A unit of work: one document-to-be.
#[derive(Debug)]
enum Unit {
    File(PathBuf),
    /// A file inside a zip archive.
    Entry {
        source: String,
        name: String,
        bytes: Vec<u8>,
    },
    /// A row of a corpus file (already text).
    Row {
        source: String,
        name: String,
        row: corpus::Row,
    },
    Url(String),
    /// Known before any work: a failure or a skip while listing.
    Failed {
        source: String,
        error: ImportError,
    },
    Skipped {
        source: String,
        reason: SkipReason,
    },
}

impl Unit {
    fn source(&self) -> String {
        match self {
            Unit::File(path) => path.display().to_string(),
            Unit::Entry { source, .. } | Unit::Row { source, .. } => source.clone(),
            Unit::Url(url) => url.clone(),
            Unit::Failed { source, .. } | Unit::Skipped { source, .. } => source.clone(),
        }
    }
}

/// A document's text and metadata before it has an id.
#[derive(Debug)]
pub struct Extracted {
    pub name: String,
    pub text: String,
    pub metadata: BTreeMap<String, String>,
    pub encoding: Option<String>,
}

/// The kinds of file Spanwise reads, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Markdown,
    Html,
    Docx,
    Odt,
    Epub,
    Pdf,
    Csv,
    Tsv,
    Json,
    Zip,
}

/// The kind of a file by its extension, or `None` if Spanwise does not read it.
pub fn kind_of(name: &str) -> Option<Kind> {
    let lower = name.to_lowercase();
    let extension = lower.rsplit_once('.').map(|(_, e)| e)?;
    Some(match extension {
        "txt" | "text" => Kind::Text,
        "md" | "markdown" => Kind::Markdown,
        "html" | "htm" | "xhtml" => Kind::Html,
        "docx" => Kind::Docx,
        "odt" => Kind::Odt,
        "epub" => Kind::Epub,
        "pdf" => Kind::Pdf,
        "csv" => Kind::Csv,
        "tsv" | "tab" => Kind::Tsv,
        "jsonl" | "ndjson" | "json" => Kind::Json,
        "zip" => Kind::Zip,
        _ => return None,
    })
}

/// File name extensions Spanwise imports (for file choosers).
pub const EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "html", "htm", "xhtml", "docx", "odt", "epub", "pdf", "csv", "tsv", "tab",
    "jsonl", "ndjson", "json", "zip",
];

fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_owned()
}

/// Imports `inputs` into documents for `project` (whose texts count as duplicates and whose ids
/// are not reused). `progress` is called on the calling thread after every source; returning
/// `ControlFlow::Break(())` cancels what has not started.
pub fn import_sources(
    project: &Project,
    inputs: &[Input],
    options: &ImportOptions,
    progress: &dyn Fn(Progress) -> ControlFlow<()>,
) -> ImportReport {
    let start = Instant::now();
    let mut units = Vec::new();
    for input in inputs {
        list(input, options, &mut units);
    }
    let total = units.len();
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.threads
    }
    .clamp(1, 64)
    .min(total.max(1));
    let next = AtomicUsize::new(0);
    let cancel = AtomicBool::new(false);
    let mut results: Vec<Option<Result<Extracted, ImportError>>> = (0..total).map(|_| None).collect();
    let (sender, receiver) = std::sync::mpsc::channel::<(usize, Result<Extracted, ImportError>)>();
    let mut cancelled = false;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let (units, next, cancel) = (&units, &next, &cancel);
            scope.spawn(move || {
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(unit) = units.get(i) else { break };
                    let result = extract_unit(unit, options);
                    if sender.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut done = 0;
        for (i, result) in receiver {
            results[i] = Some(result);
            done += 1;
            let elapsed = start.elapsed();
            let remaining = (done > 0 && done < total).then(|| elapsed.mul_f64((total - done) as f64 / done as f64));
            let update = Progress { done, total, current: units[i].source(), elapsed, remaining };
            if progress(update).is_break() && !cancelled {
                cancelled = true;
                cancel.store(true, Ordering::Relaxed);
            }
        }
    });
    finish(project, units, results, options, cancelled)
}

/// Dedupes, numbers and reports the results in input order.
fn finish(
    project: &Project,
    units: Vec<Unit>,
    results: Vec<Option<Result<Extracted, ImportError>>>,
    options: &ImportOptions,
    cancelled: bool,
) -> ImportReport {
    let mut report = ImportReport { cancelled, ..Default::default() };
    let mut seen: std::collections::HashMap<String, String> =
        project.documents.iter().map(|d| (d.sha256.clone(), d.name.clone())).collect();
    let mut used_ids: HashSet<String> = project.documents.iter().map(|d| d.id.clone()).collect();
    let mut next_number = 1usize;
    for (unit, result) in units.into_iter().zip(results) {
        let source = unit.source();
        match (unit, result) {
            (Unit::Failed { error, .. }, _) => report.failed.push((source, error)),
            (Unit::Skipped { reason, .. }, _) => report.skipped.push((source, reason)),
            (_, None) => {} // cancelled before it started
            (_, Some(Err(error))) => report.failed.push((source, error)),
            (_, Some(Ok(extracted))) => {
                let sha256 = crate::model::sha256_hex(&extracted.text);
                if options.skip_duplicates
                    && let Some(existing) = seen.get(&sha256)
                {
                    report.skipped.push((source, SkipReason::Duplicate { document_name: existing.clone() }));
                    continue;
                }
                let id = loop {
                    let id = format!("d{next_number}");
                    next_number += 1;
                    if used_ids.insert(id.clone()) {
                        break id;
                    }
                };
                let mut document = Document::new(id, extracted.name.clone(), extracted.text);
                seen.insert(document.sha256.clone(), document.name.clone());
                document.metadata = extracted.metadata;
                document.variables = variables_for(&project.codebook, &document.metadata);
                report.imported.push(Imported { source, document, encoding: extracted.encoding });
            }
        }
    }
    report
}

/// Document variables for the codebook's document fields that the metadata has values for
/// (matched by field id or name, case-insensitive; `outlet` also matches `site`/`publisher`…).
pub fn variables_for(codebook: &Codebook, metadata: &BTreeMap<String, String>) -> BTreeMap<String, Value> {
    let aliases: &[(&str, &[&str])] = &[
        ("outlet", &["outlet", "site", "site_name", "publisher", "source_name", "newspaper", "medium"]),
        ("date", &["date", "published", "publication_date", "pub_date"]),
        ("author", &["author", "authors", "byline"]),
        ("title", &["title", "headline"]),
        ("url", &["url", "link", "canonical_url"]),
        ("language", &["language", "lang"]),
    ];
    let mut out = BTreeMap::new();
    for field in &codebook.document_fields {
        let names = [field.id.to_lowercase(), field.name.to_lowercase()];
        let value = names.iter().find_map(|n| metadata.get(n)).or_else(|| {
            aliases
                .iter()
                .find(|(_, group)| names.iter().any(|n| group.contains(&n.as_str())))
                .and_then(|(key, group)| metadata.get(*key).or_else(|| group.iter().find_map(|g| metadata.get(*g))))
        });
        let Some(value) = value else { continue };
        let typed = match &field.kind {
            ValueKind::Text => Some(Value::Text(value.clone())),
            ValueKind::Number => value.trim().parse::<f64>().ok().map(Value::Number),
            ValueKind::Bool => match value.trim().to_lowercase().as_str() {
                "true" | "yes" | "1" => Some(Value::Bool(true)),
                "false" | "no" | "0" => Some(Value::Bool(false)),
                _ => None,
            },
            ValueKind::Choice(options) => {
                options.iter().find(|o| o.eq_ignore_ascii_case(value.trim())).map(|o| Value::Choice(o.clone()))
            }
            ValueKind::MultiChoice(options) => {
                let picked: Vec<String> = options
                    .iter()
                    .filter(|o| value.split([';', ',']).any(|v| o.eq_ignore_ascii_case(v.trim())))
                    .cloned()
                    .collect();
                (!picked.is_empty()).then_some(Value::Choices(picked))
            }
            ValueKind::Date => crate::formats::dates::parse_date(value)
                .and_then(|d| chrono::NaiveDate::parse_from_str(&d.to_iso(), "%Y-%m-%d").ok())
                .map(Value::Date),
        };
        if let Some(typed) = typed {
            out.insert(field.id.clone(), typed);
        }
    }
    out
}

/// Expands an input into units (folders recursively, archives and corpus files into entries/rows).
fn list(input: &Input, options: &ImportOptions, units: &mut Vec<Unit>) {
    match input {
        Input::Url(url) => units.push(Unit::Url(url.clone())),
        Input::Path(path) => {
            if path.is_dir() {
                list_folder(path, options, units, 0);
            } else {
                list_file(path, options, units, true);
            }
        }
    }
}

fn list_folder(folder: &Path, options: &ImportOptions, units: &mut Vec<Unit>, depth: usize) {
    let source = folder.display().to_string();
    if depth > 64 {
        units.push(Unit::Failed {
            source,
            error: ImportError::Corpus {
                path: folder.display().to_string(),
                message: "folders nested too deep".into(),
            },
        });
        return;
    }
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) => {
            units.push(Unit::Failed { source: source.clone(), error: ImportError::Io { path: source, source: error } });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        // Symbolic links to folders are not followed (no loops); links to files are read.
        let is_dir = std::fs::symlink_metadata(&path).map(|m| m.is_dir()).unwrap_or(false);
        if is_dir {
            list_folder(&path, options, units, depth + 1);
        } else {
            list_file(&path, options, units, false);
        }
    }
}

fn list_file(path: &Path, options: &ImportOptions, units: &mut Vec<Unit>, named: bool) {
    let source = path.display().to_string();
    match kind_of(&source) {
        // Projects in a folder are not texts.
        _ if source.ends_with(crate::store::EXTENSION) => {
            if named {
                units.push(Unit::Failed { source: source.clone(), error: ImportError::Unsupported { path: source } });
            }
        }
        None if named => {
            units.push(Unit::Failed { source: source.clone(), error: ImportError::Unsupported { path: source } })
        }
        None => units.push(Unit::Skipped { source, reason: SkipReason::Unsupported }),
        Some(Kind::Zip) => list_zip(path, options, units),
        Some(kind @ (Kind::Csv | Kind::Tsv | Kind::Json)) => match read_bytes(path, MAX_CORPUS_FILE_BYTES) {
            Ok(bytes) => list_corpus(&source, &bytes, kind, options, units),
            Err(error) => units.push(Unit::Failed { source, error }),
        },
        Some(_) => units.push(Unit::File(path.to_owned())),
    }
}

fn list_zip(path: &Path, options: &ImportOptions, units: &mut Vec<Unit>) {
    let source = path.display().to_string();
    let archive_error = |error| ImportError::Archive { path: source.clone(), source: error };
    let bytes = match read_bytes(path, MAX_CORPUS_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(error) => return units.push(Unit::Failed { source, error }),
    };
    // The archive's entries together may expand to at most 4 GB.
    let mut archive = match Archive::new(&bytes, 4 << 30) {
        Ok(archive) => archive,
        Err(error) => return units.push(Unit::Failed { source: source.clone(), error: archive_error(error) }),
    };
    for name in archive.file_names() {
        let entry_source = format!("{source}/{name}");
        if let Err(error) = safe_path(&name) {
            units.push(Unit::Failed { source: entry_source, error: archive_error(error) });
            continue;
        }
        let hidden = name.split('/').any(|part| part.starts_with('.') || part == "__MACOSX");
        if hidden {
            continue;
        }
        let Some(kind) = kind_of(&name).filter(|k| *k != Kind::Zip) else {
            units.push(Unit::Skipped { source: entry_source, reason: SkipReason::Unsupported });
            continue;
        };
        let limit = if matches!(kind, Kind::Csv | Kind::Tsv | Kind::Json) {
            MAX_CORPUS_FILE_BYTES
        } else {
            options.max_text_bytes.max(super::MAX_IMPORT_BYTES)
        };
        match archive.read(&name, limit) {
            Ok(entry) if matches!(kind, Kind::Csv | Kind::Tsv | Kind::Json) => {
                list_corpus(&entry_source, &entry, kind, options, units)
            }
            Ok(entry) => units.push(Unit::Entry { source: entry_source, name: file_name(&name), bytes: entry }),
            Err(error) => units.push(Unit::Failed { source: entry_source, error: archive_error(error) }),
        }
    }
}

fn list_corpus(source: &str, bytes: &[u8], kind: Kind, options: &ImportOptions, units: &mut Vec<Unit>) {
    let decoded = match decode(source, bytes, options, None) {
        Ok(decoded) => decoded,
        Err(error) => return units.push(Unit::Failed { source: source.to_owned(), error }),
    };
    let column = options.text_column.as_deref();
    let rows = match kind {
        Kind::Csv => corpus::read_csv(&decoded.text, sniff_delimiter(&decoded.text), column),
        Kind::Tsv => corpus::read_csv(&decoded.text, b'\t', column),
        _ => corpus::read_json(&decoded.text, column),
    };
    let rows = match rows {
        Ok(rows) => rows,
        Err(error) => {
            return units.push(Unit::Failed {
                source: source.to_owned(),
                error: ImportError::Corpus { path: source.to_owned(), message: error.to_string() },
            });
        }
    };
    let base = file_name(source);
    for row in rows {
        match row {
            Ok(mut row) => {
                let name = ["title", "name", "headline", "id", "filename"]
                    .iter()
                    .find_map(|k| row.metadata.get(*k))
                    .map(|v| v.chars().take(120).collect::<String>())
                    .unwrap_or_else(|| format!("{base} {}", row.number));
                row.metadata.insert("encoding".into(), decoded.encoding.to_owned());
                units.push(Unit::Row { source: format!("{source} {} {}", row_word(kind), row.number), name, row });
            }
            Err(error) => units.push(Unit::Failed {
                source: format!("{source} {} {}", row_word(kind), error.number),
                error: ImportError::Corpus { path: source.to_owned(), message: error.to_string() },
            }),
        }
    }
}

fn row_word(kind: Kind) -> &'static str {
    if kind == Kind::Json { "line" } else { "row" }
}

/// `,` unless the header line has tabs or semicolons and no commas.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.contains(',') {
        b','
    } else if header.contains('\t') {
        b'\t'
    } else if header.contains(';') {
        b';'
    } else {
        b','
    }
}

fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>, ImportError> {
    let shown = path.display().to_string();
    crate::store::read_limited(path, max).map_err(|err| match err {
        crate::store::ReadLimitError::Io(source) => ImportError::Io { path: shown, source },
        crate::store::ReadLimitError::TooLarge(size) => ImportError::TooLarge { path: shown, size, max },
    })
}

fn decode(
    source: &str,
    bytes: &[u8],
    options: &ImportOptions,
    declared: Option<&'static encoding_rs::Encoding>,
) -> Result<Decoded, ImportError> {
    let chosen = match &options.encoding {
        Some(label) => Some(
            encoding::encoding_for_label(label)
                .map_err(|e| ImportError::Encoding { path: source.to_owned(), source: e })?,
        ),
        None => None,
    };
    encoding::decode(bytes, chosen, declared).map_err(|e| match e {
        encoding::EncodingError::Binary => ImportError::Binary { path: source.to_owned() },
        other => ImportError::Encoding { path: source.to_owned(), source: other },
    })
}

fn extract_unit(unit: &Unit, options: &ImportOptions) -> Result<Extracted, ImportError> {
    let extracted = match unit {
        Unit::File(path) => {
            let source = path.display().to_string();
            let kind = kind_of(&source).ok_or_else(|| ImportError::Unsupported { path: source.clone() })?;
            let limit = match kind {
                Kind::Pdf | Kind::Docx | Kind::Odt | Kind::Epub => MAX_CORPUS_FILE_BYTES,
                _ => options.max_text_bytes.max(super::MAX_IMPORT_BYTES),
            };
            let bytes = read_bytes(path, limit)?;
            let mut extracted = extract_bytes(&source, &file_name(&source), &bytes, kind, options, None)?;
            extracted.metadata.insert("source".into(), source);
            extracted
        }
        Unit::Entry { source, name, bytes } => {
            let kind = kind_of(name).ok_or_else(|| ImportError::Unsupported { path: source.clone() })?;
            let mut extracted = extract_bytes(source, name, bytes, kind, options, None)?;
            extracted.metadata.insert("source".into(), source.clone());
            extracted
        }
        Unit::Row { source, name, row } => {
            let mut metadata = row.metadata.clone();
            metadata.insert("source".into(), source.clone());
            let text = finish_text(source, super::text::normalize(&row.text), options)?;
            Extracted { name: name.clone(), text, metadata, encoding: None }
        }
        Unit::Url(url) => {
            let fetched =
                fetch::fetch(url, &options.fetch).map_err(|e| ImportError::Fetch { url: url.clone(), source: e })?;
            let declared = fetched.charset.as_deref().and_then(|c| encoding::encoding_for_label(c).ok());
            let kind = match fetched.content_type.as_deref() {
                Some("application/pdf") => Kind::Pdf,
                Some("text/plain") => Kind::Text,
                Some("text/markdown") => Kind::Markdown,
                Some(other) if !(other.starts_with("text/") || other.contains("html") || other.contains("xml")) => {
                    // An image, a video, a zip: reading it as a page would import garbage.
                    let source = fetch::FetchError::NotAPage(other.to_owned());
                    return Err(ImportError::Fetch { url: url.clone(), source });
                }
                _ => Kind::Html,
            };
            let name = fetched.final_url.trim_end_matches('/').rsplit('/').next().unwrap_or("page").to_owned();
            let mut extracted = extract_bytes(url, &name, &fetched.bytes, kind, options, declared.or(None))?;
            if kind == Kind::Html {
                // The page's own name for itself (its title) reads better than the URL's last part.
                if let Some(title) = extracted.metadata.get("title") {
                    extracted.name = title.chars().take(120).collect();
                }
            }
            extracted.metadata.insert("source".into(), url.clone());
            extracted.metadata.entry("url".into()).or_insert_with(|| fetched.final_url.clone());
            extracted
        }
        Unit::Failed { .. } | Unit::Skipped { .. } => unreachable_unit(),
    };
    Ok(extracted)
}

/// Failed and skipped units are reported from the listing and never extracted.
fn unreachable_unit() -> Extracted {
    Extracted { name: String::new(), text: String::new(), metadata: BTreeMap::new(), encoding: None }
}

/// Checks the final text's size and emptiness.
fn finish_text(source: &str, text: String, options: &ImportOptions) -> Result<String, ImportError> {
    if text.len() as u64 > options.max_text_bytes {
        return Err(ImportError::TextTooLarge {
            path: source.to_owned(),
            size: text.len() as u64,
            max: options.max_text_bytes,
        });
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty { path: source.to_owned() });
    }
    Ok(text)
}

/// Extracts one document from the bytes of a file of a known kind.
pub fn extract_bytes(
    source: &str,
    name: &str,
    bytes: &[u8],
    kind: Kind,
    options: &ImportOptions,
    declared: Option<&'static encoding_rs::Encoding>,
) -> Result<Extracted, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty { path: source.to_owned() });
    }
    let mut metadata = BTreeMap::new();
    let mut encoding_name = None;
    let office_limit = options.max_text_bytes.saturating_mul(4).max(1 << 20);
    let text = match kind {
        Kind::Text | Kind::Markdown => {
            let decoded = decode(source, bytes, options, declared)?;
            encoding_name = Some(decoded.encoding.to_owned());
            let normalized = super::text::normalize(&decoded.text);
            if kind == Kind::Markdown {
                let doc = super::markdown::import(&normalized, String::new(), name.to_owned());
                metadata.extend(doc.metadata);
                doc.text.to_string()
            } else if options.clean {
                let plan = cleanup::plan(&normalized);
                let found = plan.found.clone();
                let text = plan.apply(&normalized);
                for (key, value) in [("title", found.title), ("author", found.author), ("date", found.date)] {
                    if let Some(value) = value {
                        metadata.insert(key.to_owned(), value);
                    }
                }
                text
            } else {
                normalized
            }
        }
        Kind::Html => {
            let declared = declared.or_else(|| encoding::html_declared_charset(bytes));
            let decoded = decode(source, bytes, options, declared)?;
            encoding_name = Some(decoded.encoding.to_owned());
            let article = html::extract(&decoded.text, None)
                .map_err(|e| ImportError::Html { path: source.to_owned(), source: e })?;
            let meta = article.metadata;
            let mut put = |key: &str, value: Option<String>| {
                if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                    metadata.insert(key.to_owned(), value);
                }
            };
            put("title", meta.title);
            put("author", (!meta.authors.is_empty()).then(|| meta.authors.join("; ")));
            put("outlet", meta.site_name);
            put("date", meta.published.map(|d| d.to_iso()));
            put("url", meta.canonical_url);
            put("language", meta.language);
            put("direction", meta.direction);
            put("description", meta.description);
            super::text::normalize(&article.text)
        }
        Kind::Docx | Kind::Odt | Kind::Epub => {
            let office = match kind {
                Kind::Docx => super::docx::import(bytes, office_limit),
                Kind::Odt => super::odt::import(bytes, office_limit),
                _ => super::epub::import(bytes, office_limit),
            }
            .map_err(|e| ImportError::Office { path: source.to_owned(), source: e })?;
            for (key, value) in [
                ("title", office.title),
                ("author", office.author),
                ("date", office.date),
                ("language", office.language),
            ] {
                if let Some(value) = value {
                    metadata.insert(key.to_owned(), value);
                }
            }
            super::text::normalize(&office.text)
        }
        Kind::Pdf => {
            let pdf = super::pdf::import(bytes).map_err(|e| ImportError::Pdf { path: source.to_owned(), source: e })?;
            for (key, value) in [("title", pdf.title), ("author", pdf.author), ("date", pdf.date)] {
                if let Some(value) = value {
                    metadata.insert(key.to_owned(), value);
                }
            }
            metadata.insert("pages".into(), pdf.pages.to_string());
            pdf.text
        }
        Kind::Csv | Kind::Tsv | Kind::Json | Kind::Zip => {
            return Err(ImportError::Corpus {
                path: source.to_owned(),
                message: "holds many documents; import it as a corpus (File > Import…, or spanwise import)".into(),
            });
        }
    };
    let text = finish_text(source, text, options)?;
    if let Some(encoding) = &encoding_name {
        metadata.insert("encoding".into(), encoding.clone());
    }
    metadata.insert("format".into(), format!("{kind:?}").to_lowercase());
    if !metadata.contains_key("title")
        && let Some(title) = super::text::guess_title(&text)
    {
        metadata.insert("title".into(), title);
    }
    Ok(Extracted { name: name.to_owned(), text, metadata, encoding: encoding_name })
}
