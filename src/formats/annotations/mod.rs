//! Annotation imports: `json`/`jsonl`, `brat`, `labelstudio`, `doccano`, `w3c` and `qdpx` back
//! into a project, as `Edit`s (so the window can undo them).
//!
//! Three steps, each usable from a background thread:
//! 1. [`read`] parses the files into [`Incoming`] documents (texts normalised as on import:
//!    BOM removed, CRLF and CR to LF, offsets moved with them).
//! 2. [`prepare`] matches them with the project: a document whose text has the same SHA-256 is
//!    the same document; one with the same name whose text differs a little gets each span
//!    re-anchored by its quote and context (`anchor`); any other becomes a new document. Spans
//!    that cannot be placed are listed, never silently dropped. Labels and relation types the
//!    codebook lacks are listed for the caller to map (the CLI adds them, [`add_missing`]).
//! 3. [`Prepared::edit`] turns it, with a [`Mapping`], into one `Edit::Batch` and a report.
//!
//! [`import_new_project`] does all three for a new project.

pub mod anchor;
pub mod brat;
pub mod doccano;
pub mod json;
pub mod labelstudio;
pub mod qdpx;
pub mod w3c;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::edit::{Edit, apply};
use crate::formats::export::{Format, OffsetUnit, meta};
use crate::model::{
    Annotation, Annotator, Codebook, Document, Fragment, IdGenerator, ItemId, Label, Memo, MemoTarget, Name, Project,
    Relation, RelationType, Timestamp,
};

/// Annotation files larger than this are refused (a JSON export of a 10 MB corpus with 200,000
/// annotations is about 70 MB).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error(
        "{path}: cannot tell the format; name it with --format (one of json, jsonl, brat, labelstudio, doccano, w3c, qdpx)"
    )]
    UnknownFormat { path: PathBuf },
    #[error(
        "{0} cannot be imported (its files lose the offsets or the text); import json, jsonl, brat, labelstudio, doccano, w3c or qdpx"
    )]
    NotImportable(Format),
    #[error("import cancelled; nothing was changed")]
    Cancelled,
    #[error("no files to import")]
    NoFiles,
    #[error("the import could not be applied: {0}")]
    Edit(#[from] crate::edit::EditError),
}

impl ImportError {
    pub fn invalid(path: &Path, message: impl Into<String>) -> Self {
        ImportError::Invalid { path: path.to_owned(), message: message.into() }
    }
}

/// Options of an import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The format; `None` guesses from the file name and contents.
    pub format: Option<Format>,
    /// What doccano offsets count.
    pub doccano_offsets: OffsetUnit,
    /// Who made annotations whose file does not say (doccano, plain brat): usually the user.
    pub default_annotator: Annotator,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            format: None,
            doccano_offsets: OffsetUnit::Utf16,
            default_annotator: Annotator { id: "imported".into(), name: "Imported".into() },
        }
    }
}

/// A text normalised as Spanwise imports texts, with the map from offsets in the original.
pub struct Normalized {
    pub text: String,
    /// Code point offsets (in the original) of the characters removed (BOM, CR of CRLF).
    removed: Vec<usize>,
    /// Number of code points in the original.
    original_chars: usize,
    /// The original text, kept only while it differs, for UTF-16 conversion.
    original: Option<String>,
}

impl Normalized {
    pub fn new(raw: &str) -> Self {
        let original_chars = raw.chars().count();
        if !raw.starts_with('\u{feff}') && !raw.contains('\r') {
            return Self { text: raw.to_owned(), removed: Vec::new(), original_chars, original: None };
        }
        let mut text = String::with_capacity(raw.len());
        let mut removed = Vec::new();
        let mut chars = raw.chars().enumerate().peekable();
        while let Some((i, ch)) = chars.next() {
            match ch {
                '\u{feff}' if i == 0 => removed.push(i),
                '\r' if chars.peek().is_some_and(|(_, next)| *next == '\n') => removed.push(i),
                '\r' => text.push('\n'),
                other => text.push(other),
            }
        }
        Self { text, removed, original_chars, original: Some(raw.to_owned()) }
    }

    /// Whether the text changed (CRLF or a BOM).
    pub fn changed(&self) -> bool {
        !self.removed.is_empty()
    }

    /// A code point offset in the original as an offset in the normalised text.
    pub fn map(&self, offset: usize) -> Option<usize> {
        if offset > self.original_chars {
            return None;
        }
        Some(offset - self.removed.partition_point(|&r| r < offset))
    }

    /// A UTF-16 offset in the original as a code point offset there.
    pub fn utf16_to_original_chars(&self, utf16: usize) -> Option<usize> {
        let original = self.original.as_deref().unwrap_or(&self.text);
        let mut units = 0;
        for (i, ch) in original.chars().enumerate() {
            if units == utf16 {
                return Some(i);
            }
            if units > utf16 {
                return None;
            }
            units += ch.len_utf16();
        }
        (units == utf16).then_some(self.original_chars)
    }
}

/// Converts many UTF-16 offsets of one text to code points, in one pass when they are sorted.
pub struct Utf16Map {
    /// Code point index at each UTF-16 unit that starts a char; `u32::MAX` inside a pair.
    table: Vec<u32>,
}

impl Utf16Map {
    pub fn new(text: &str) -> Self {
        let mut table = Vec::with_capacity(text.len() + 1);
        for (i, ch) in text.chars().enumerate() {
            table.push(i as u32);
            if ch.len_utf16() == 2 {
                table.push(u32::MAX);
            }
        }
        table.push(text.chars().count() as u32);
        Self { table }
    }

    pub fn to_chars(&self, utf16: usize) -> Option<usize> {
        match self.table.get(utf16) {
            Some(&u32::MAX) | None => None,
            Some(&chars) => Some(chars as usize),
        }
    }
}

/// One fragment as the file gives it: code points into the (normalised) incoming text, and its
/// quote and context when the file has them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncomingFragment {
    pub start: usize,
    pub end: usize,
    pub quote: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
}

/// An annotation as read from a file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncomingAnnotation {
    /// How relations in the file refer to it (`T3`, a region id, an IRI).
    pub key: String,
    /// The Spanwise id, when the file carries one.
    pub id: Option<ItemId>,
    /// The label as the file names it (an id or a name).
    pub label: String,
    pub fragments: Vec<IncomingFragment>,
    /// Annotator id or name, when the file has one.
    pub annotator: Option<String>,
    pub created: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub note: String,
    /// Attribute values as JSON (typed by the codebook when it defines the attribute).
    pub attributes: BTreeMap<String, Json>,
    /// Why it cannot be placed, when the file itself is inconsistent (listed, not imported).
    pub problem: Option<String>,
}

/// A relation as read from a file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncomingRelation {
    pub id: Option<ItemId>,
    /// The relation type as the file names it.
    pub kind: String,
    /// Keys of the annotations it links.
    pub from: String,
    pub to: String,
    pub annotator: Option<String>,
    pub created: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub note: String,
}

/// A document as read from a file.
#[derive(Clone, Debug, Default)]
pub struct IncomingDocument {
    /// Where it came from, for messages (`tasks.json, task 3`).
    pub origin: String,
    pub id: Option<String>,
    pub name: String,
    /// The normalised text, when the file has it (not in W3C files).
    pub text: Option<String>,
    /// SHA-256 of the text: computed from `text`, or named by the file.
    pub sha256: Option<String>,
    /// A URL the file links the text to (W3C `scope`).
    pub url: Option<String>,
    pub metadata: BTreeMap<String, String>,
    /// Variables by id or name, as JSON.
    pub variables: BTreeMap<String, Json>,
    pub annotations: Vec<IncomingAnnotation>,
    pub relations: Vec<IncomingRelation>,
}

impl IncomingDocument {
    /// Sets the text (already normalised) and its hash.
    pub fn set_text(&mut self, text: String) {
        self.sha256 = Some(crate::model::sha256_hex(&text));
        self.text = Some(text);
    }
}

/// A label the file uses: how it names it, and what it knows about it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ForeignLabel {
    pub key: String,
    pub name: String,
    pub color: Option<String>,
}

/// What [`read`] found in the files.
#[derive(Clone, Debug, Default)]
pub struct Incoming {
    pub format: Option<Format>,
    pub project_name: Option<String>,
    /// The whole codebook, when the file carries one (`json`).
    pub codebook: Option<Codebook>,
    /// Names and colors of labels the file describes (brat's `visual.conf`, Label Studio's config).
    pub labels: Vec<ForeignLabel>,
    /// Known annotators (id, name).
    pub annotators: Vec<Annotator>,
    pub documents: Vec<IncomingDocument>,
    /// Memos (json); their targets use the file's ids.
    pub memos: Vec<Memo>,
    /// Things read but not imported, in words.
    pub notes: Vec<String>,
}

/// Reads the given files (or folders, for brat) in `format`, guessing it when not given.
pub fn read(paths: &[PathBuf], options: &ImportOptions) -> Result<Incoming, ImportError> {
    if paths.is_empty() {
        return Err(ImportError::NoFiles);
    }
    let format = match options.format {
        Some(format) => format,
        None => guess_format(&paths[0])?,
    };
    if !format.importable() {
        return Err(ImportError::NotImportable(format));
    }
    let mut incoming = match format {
        Format::Json | Format::Jsonl => json::read(paths)?,
        Format::Brat => brat::read(paths)?,
        Format::LabelStudio => labelstudio::read(paths)?,
        Format::Doccano => doccano::read(paths, options.doccano_offsets)?,
        Format::W3c => w3c::read(paths)?,
        Format::Qdpx => qdpx::read(paths)?,
        other => return Err(ImportError::NotImportable(other)),
    };
    incoming.format = Some(format);
    for document in &mut incoming.documents {
        fill_quotes(document);
    }
    Ok(incoming)
}

/// Gives every fragment of a document with text its quote and context (what re-anchoring uses
/// when the project's text differs), unless the file gave a quote of its own.
pub fn fill_quotes(document: &mut IncomingDocument) {
    let Some(text) = &document.text else { return };
    let index = crate::model::TextIndex::new(text);
    let context = crate::formats::export::w3c::CONTEXT_CHARS;
    for annotation in &mut document.annotations {
        for fragment in &mut annotation.fragments {
            if fragment.end < fragment.start || fragment.end > index.char_len() {
                continue;
            }
            if fragment.quote.is_none() {
                fragment.quote = index.slice(text, fragment.start..fragment.end).map(str::to_owned);
            }
            if fragment.prefix.is_none() {
                fragment.prefix =
                    index.slice(text, fragment.start.saturating_sub(context)..fragment.start).map(str::to_owned);
            }
            if fragment.suffix.is_none() {
                let end = (fragment.end + context).min(index.char_len());
                fragment.suffix = index.slice(text, fragment.end..end).map(str::to_owned);
            }
        }
    }
}

/// A JSON syntax or shape error with where it is: `line 3 column 7: …`, or for JSON Lines
/// (`line` given) `line 3, column 7: …`.
pub fn json_error(path: &Path, line: Option<usize>, err: &serde_json::Error) -> ImportError {
    let text = err.to_string();
    let message = text.strip_suffix(&format!(" at line {} column {}", err.line(), err.column())).unwrap_or(&text);
    let place = match line {
        Some(line) => format!("line {line}, column {}", err.column()),
        None => format!("line {} column {}", err.line(), err.column()),
    };
    ImportError::invalid(path, format!("{place}: {message}"))
}

/// Reads a file with the size limit, as UTF-8.
pub fn read_text(path: &Path) -> Result<String, ImportError> {
    let bytes = crate::store::read_limited(path, MAX_FILE_BYTES).map_err(|err| match err {
        crate::store::ReadLimitError::Io(err) => ImportError::Io { path: path.to_owned(), reason: err.to_string() },
        crate::store::ReadLimitError::TooLarge(size) => ImportError::invalid(
            path,
            format!("the file is {size} bytes; Spanwise imports annotation files of at most {MAX_FILE_BYTES} bytes"),
        ),
    })?;
    String::from_utf8(bytes).map_err(|err| {
        ImportError::invalid(
            path,
            format!("byte {} is not valid UTF-8; save the file as UTF-8 and try again", err.utf8_error().valid_up_to()),
        )
    })
}

/// Guesses the format from the file name, then the first bytes.
pub fn guess_format(path: &Path) -> Result<Format, ImportError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    if path.is_dir() {
        if std::fs::read_dir(path)
            .map(|entries| entries.flatten().any(|e| e.path().extension().is_some_and(|x| x == "ann")))
            .unwrap_or(false)
        {
            return Ok(Format::Brat);
        }
        if path.join("tasks.json").is_file() {
            return Ok(Format::LabelStudio);
        }
        return Err(ImportError::UnknownFormat { path: path.to_owned() });
    }
    if name.ends_with(".qdpx") {
        return Ok(Format::Qdpx);
    }
    if name.ends_with(".ann") {
        return Ok(Format::Brat);
    }
    if name.ends_with(".jsonld") {
        return Ok(Format::W3c);
    }
    if name.ends_with(".doccano.jsonl") {
        return Ok(Format::Doccano);
    }
    let head = {
        use std::io::Read;
        let mut buffer = vec![0u8; 4096];
        let read = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut buffer))
            .map_err(|err| ImportError::Io { path: path.to_owned(), reason: err.to_string() })?;
        buffer.truncate(read);
        String::from_utf8_lossy(&buffer).into_owned()
    };
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('[') {
        return Ok(Format::LabelStudio);
    }
    if head.contains("\"spanwise-export\"") {
        return Ok(Format::Json);
    }
    if head.contains("\"@context\"") || head.contains("\"AnnotationCollection\"") {
        return Ok(Format::W3c);
    }
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        let first_line = head.lines().next().unwrap_or_default();
        if first_line.contains("\"sha256\"") && first_line.contains("\"annotations\"") {
            return Ok(Format::Jsonl);
        }
        return Ok(Format::Doccano);
    }
    Err(ImportError::UnknownFormat { path: path.to_owned() })
}

/// Parses an RFC 3339 time; `None` for anything else.
pub fn parse_time(text: &str) -> Option<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(text.trim()).ok().map(|t| {
        use chrono::SubsecRound;
        t.with_timezone(&chrono::Utc).trunc_subsecs(3)
    })
}

// ---------------------------------------------------------------------------------------------
// Matching and anchoring.

/// Where an incoming document's annotations go.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A document of the project with the same text.
    Same(String),
    /// A document of the project with the same name (or the same W3C source) whose text
    /// differs; spans were re-anchored.
    Reanchored(String),
    /// A new document, added with the import.
    New,
    /// Nowhere: no text in the file and no document in the project to put the spans on.
    Missing,
}

/// A span that could not be placed, with why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unanchored {
    /// The document as the file names it.
    pub document: String,
    pub label: String,
    /// The text it covered (its quote).
    pub text: String,
    pub reason: String,
}

impl std::fmt::Display for Unanchored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} {:?}: {}", self.document, self.label, self.text, self.reason)
    }
}

/// The annotations of a document placed on a text, and those that could not be.
type Placement = (Vec<Placed>, Vec<Unanchored>);

/// An annotation placed on its target text.
#[derive(Clone, Debug)]
struct Placed {
    source: usize,
    /// Code point ranges on the target text.
    ranges: Vec<(usize, usize)>,
    moved: bool,
}

/// One incoming document matched and anchored.
#[derive(Clone, Debug)]
pub struct PreparedDocument {
    pub incoming: usize,
    pub target: Target,
    placed: Vec<Placed>,
    pub unanchored: Vec<Unanchored>,
}

impl PreparedDocument {
    /// How many annotations were placed on the target text.
    pub fn placed(&self) -> usize {
        self.placed.len()
    }

    /// How many of them were re-anchored (placed elsewhere than their offsets said).
    pub fn moved(&self) -> usize {
        self.placed.iter().filter(|p| p.moved).count()
    }
}

/// An incoming document matched with the project and its spans placed; see [`Prepared::edit`].
pub struct Prepared {
    pub incoming: Incoming,
    pub documents: Vec<PreparedDocument>,
    /// Labels used by the file that the codebook lacks, with how often.
    pub missing_labels: Vec<(ForeignLabel, usize)>,
    /// Relation types used by the file that the codebook lacks (as the file names them).
    pub missing_relation_types: Vec<(String, usize)>,
}

/// How labels and relation types of the file map onto the codebook: file key -> label id
/// (`None`: leave those annotations out). Keys not listed map to the codebook entry with that
/// id or name.
#[derive(Clone, Debug, Default)]
pub struct Mapping {
    pub labels: HashMap<String, Option<String>>,
    pub relation_types: HashMap<String, Option<String>>,
}

/// The label id a file's label key stands for in `codebook`: the id itself, else a label with
/// that name (any case), else an id differing only in case.
pub fn resolve_label(codebook: &Codebook, key: &str) -> Option<String> {
    if codebook.label(key).is_some() {
        return Some(key.to_owned());
    }
    let lower = key.to_lowercase();
    codebook
        .labels
        .iter()
        .find(|l| l.name.to_lowercase() == lower)
        .or_else(|| codebook.labels.iter().find(|l| l.id.to_lowercase() == lower))
        .or_else(|| {
            // brat writes ids with separators replaced.
            codebook.labels.iter().find(|l| crate::formats::export::brat::brat_name(&l.id) == key)
        })
        .map(|l| l.id.clone())
}

/// The relation type id a file's key stands for (id, name, any case, brat form).
pub fn resolve_relation_type(codebook: &Codebook, key: &str) -> Option<String> {
    if codebook.relation_type(key).is_some() {
        return Some(key.to_owned());
    }
    let lower = key.to_lowercase();
    codebook
        .relation_types
        .iter()
        .find(|r| r.name.to_lowercase() == lower || r.id.to_lowercase() == lower)
        .or_else(|| codebook.relation_types.iter().find(|r| crate::formats::export::brat::brat_name(&r.id) == key))
        .map(|r| r.id.clone())
}

fn quote_text(fragment: &IncomingFragment) -> String {
    fragment.quote.clone().unwrap_or_default()
}

/// Places one annotation's fragments on `target` (a project document or the incoming text
/// itself): offsets trusted where the quote agrees (or there is no quote), else re-anchored.
fn place(
    anchorer: &mut anchor::Anchorer,
    target: &Document,
    annotation: &IncomingAnnotation,
    offsets_are_for_target: bool,
) -> Result<(Vec<(usize, usize)>, bool), String> {
    let mut ranges = Vec::with_capacity(annotation.fragments.len());
    let mut moved = false;
    for fragment in &annotation.fragments {
        if fragment.end < fragment.start {
            return Err(format!("span {}..{} ends before it starts", fragment.start, fragment.end));
        }
        let in_range = fragment.end <= target.char_len();
        let quote_ok = match &fragment.quote {
            Some(quote) => in_range && target.slice(fragment.start..fragment.end) == Some(quote.as_str()),
            None => in_range,
        };
        if offsets_are_for_target && quote_ok {
            ranges.push((fragment.start, fragment.end));
            continue;
        }
        let Some(quote) = fragment.quote.as_deref().filter(|q| !q.is_empty()) else {
            return Err(if in_range {
                "the file gives no text to find it by, and the document's text changed".into()
            } else {
                format!(
                    "span {}..{} goes past the end of the text ({} characters)",
                    fragment.start,
                    fragment.end,
                    target.char_len()
                )
            });
        };
        let q = anchor::Quote {
            exact: quote,
            prefix: fragment.prefix.as_deref().unwrap_or(""),
            suffix: fragment.suffix.as_deref().unwrap_or(""),
            start: Some(fragment.start),
        };
        match anchorer.anchor(&q) {
            Some((start, end, placement)) => {
                moved |= placement != anchor::Placement::Unchanged || !offsets_are_for_target;
                ranges.push((start, end));
            }
            None => return Err("its text is not in the document any more".into()),
        }
    }
    // Fragments in order, overlapping ones merged, empty ones dropped.
    ranges.retain(|(s, e)| e > s);
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 && s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    if merged.is_empty() {
        return Err("the span is empty".into());
    }
    Ok((merged, moved))
}

/// Places all annotations of an incoming document on `target`; returns the placed ones and
/// those that could not be placed.
fn place_all(incoming: &IncomingDocument, target: &Document, offsets_are_for_target: bool) -> Placement {
    let mut anchorer = anchor::Anchorer::new(target);
    let mut placed = Vec::new();
    let mut unanchored = Vec::new();
    for (i, annotation) in incoming.annotations.iter().enumerate() {
        let result = match &annotation.problem {
            Some(problem) => Err(problem.clone()),
            None => place(&mut anchorer, target, annotation, offsets_are_for_target),
        };
        match result {
            Ok((ranges, moved)) => placed.push(Placed { source: i, ranges, moved }),
            Err(reason) => unanchored.push(Unanchored {
                document: incoming.name.clone(),
                label: annotation.label.clone(),
                text: annotation.fragments.iter().map(quote_text).collect::<Vec<_>>().join(" … "),
                reason,
            }),
        }
    }
    (placed, unanchored)
}

/// Matches the incoming documents with the project and places every span. `progress` gets
/// `(documents done, documents)` and cancels with `Break`.
pub fn prepare(
    project: &Project,
    incoming: Incoming,
    progress: &dyn Fn(u64, u64) -> ControlFlow<()>,
) -> Result<Prepared, ImportError> {
    let by_hash: HashMap<&str, &Document> = project.documents.iter().map(|d| (d.sha256.as_str(), d)).collect();
    let total = incoming.documents.len() as u64;
    let mut documents = Vec::with_capacity(incoming.documents.len());
    for (i, doc) in incoming.documents.iter().enumerate() {
        if progress(i as u64, total).is_break() {
            return Err(ImportError::Cancelled);
        }
        documents.push(prepare_document(project, &by_hash, i, doc));
    }
    let _ = progress(total, total);
    // What the codebook lacks.
    let codebook = incoming.codebook.as_ref();
    let mut missing_labels: Vec<(ForeignLabel, usize)> = Vec::new();
    let mut missing_relation_types: Vec<(String, usize)> = Vec::new();
    for prepared in &documents {
        let doc = &incoming.documents[prepared.incoming];
        for placed in &prepared.placed {
            let key = &doc.annotations[placed.source].label;
            if resolve_label(&project.codebook, key).is_some() {
                continue;
            }
            match missing_labels.iter_mut().find(|(l, _)| l.key == *key) {
                Some((_, count)) => *count += 1,
                None => {
                    let known = incoming.labels.iter().find(|l| l.key == *key);
                    let from_codebook = codebook.and_then(|c| c.label(key));
                    let label = ForeignLabel {
                        key: key.clone(),
                        name: from_codebook
                            .map(|l| l.name.clone())
                            .or_else(|| known.map(|l| l.name.clone()))
                            .unwrap_or_else(|| key.clone()),
                        color: from_codebook.map(|l| l.color.clone()).or_else(|| known.and_then(|l| l.color.clone())),
                    };
                    missing_labels.push((label, 1));
                }
            }
        }
        if prepared.target != Target::Missing {
            for relation in &doc.relations {
                if resolve_relation_type(&project.codebook, &relation.kind).is_some() {
                    continue;
                }
                match missing_relation_types.iter_mut().find(|(k, _)| *k == relation.kind) {
                    Some((_, count)) => *count += 1,
                    None => missing_relation_types.push((relation.kind.clone(), 1)),
                }
            }
        }
    }
    Ok(Prepared { incoming, documents, missing_labels, missing_relation_types })
}

/// A document name for matching: without extension, lowercase, separators alike (brat writes
/// `article one.txt` as `article_one.txt`).
fn name_key(name: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && extension.len() <= 5 => stem,
        _ => name,
    };
    stem.chars().map(|c| if c.is_alphanumeric() { c.to_lowercase().next().unwrap_or(c) } else { '_' }).collect()
}

fn prepare_document(
    project: &Project,
    by_hash: &HashMap<&str, &Document>,
    index: usize,
    doc: &IncomingDocument,
) -> PreparedDocument {
    let done = |target: Target, (placed, unanchored): Placement| PreparedDocument {
        incoming: index,
        target,
        placed,
        unanchored,
    };
    if let Some(same) = doc.sha256.as_deref().and_then(|h| by_hash.get(h)) {
        return done(Target::Same(same.id.clone()), place_all(doc, same, true));
    }
    // A document with the same name (or id and name) whose text changed a little.
    let wanted = name_key(&doc.name);
    let named: Vec<&Document> =
        project.documents.iter().filter(|d| !wanted.is_empty() && name_key(&d.name) == wanted).collect();
    let mut candidates: Vec<&Document> = named;
    if doc.text.is_none() {
        if let Some(url) = &doc.url {
            candidates.extend(project.documents.iter().filter(|d| meta::standard(d, "url").as_deref() == Some(url)));
        }
        if candidates.is_empty() {
            candidates.extend(project.documents.iter());
        }
    }
    let total = doc.annotations.len();
    let mut best: Option<(&Document, Placement)> = None;
    for candidate in candidates.into_iter().take(50) {
        let result = place_all(doc, candidate, false);
        if best.as_ref().is_none_or(|(_, b)| result.0.len() > b.0.len()) {
            best = Some((candidate, result));
        }
    }
    match (best, &doc.text) {
        // With its own text: re-anchored only if most spans found their place.
        (Some((target, result)), Some(_)) if result.0.len() * 2 > total => {
            done(Target::Reanchored(target.id.clone()), result)
        }
        (Some((target, result)), None) if !result.0.is_empty() => done(Target::Reanchored(target.id.clone()), result),
        (_, Some(text)) => {
            let own = Document::new("incoming", doc.name.clone(), text.clone());
            done(Target::New, place_all(doc, &own, true))
        }
        (_, None) => {
            let reason = match &doc.sha256 {
                Some(hash) => {
                    format!("no document in the project has this text (SHA-256 {hash}); import the text first")
                }
                None => "the file has no text and no document of the project matches".into(),
            };
            let unanchored = doc
                .annotations
                .iter()
                .map(|a| Unanchored {
                    document: doc.name.clone(),
                    label: a.label.clone(),
                    text: a.fragments.iter().map(quote_text).collect::<Vec<_>>().join(" … "),
                    reason: reason.clone(),
                })
                .collect();
            done(Target::Missing, (Vec::new(), unanchored))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Codebook additions (the CLI; the window asks the user instead).

/// A color for a new label: the file's, else one from a fixed palette.
fn palette(n: usize) -> String {
    const COLORS: [&str; 10] =
        ["#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#8cd17d", "#b6992d", "#499894", "#d37295"];
    COLORS[n % COLORS.len()].to_owned()
}

/// Adds the labels and relation types the codebook lacks (taking their definitions from the
/// file's codebook when it has one); returns what was added, in words.
pub fn add_missing(project: &mut Project, prepared: &Prepared) -> Vec<String> {
    add_missing_to(&mut project.codebook, prepared, &|_| true, &|_| true)
}

/// Like [`add_missing`], on a codebook, adding only the missing labels and relation types whose
/// file keys `add_label` and `add_relation_type` accept (the window asks the user which).
pub fn add_missing_to(
    codebook: &mut Codebook,
    prepared: &Prepared,
    add_label: &dyn Fn(&str) -> bool,
    add_relation_type: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut added = Vec::new();
    let file_codebook = prepared.incoming.codebook.as_ref();
    for (n, (label, count)) in prepared.missing_labels.iter().enumerate() {
        if !add_label(&label.key) {
            continue;
        }
        let from_file = file_codebook.and_then(|c| c.label(&label.key)).cloned();
        let mut new = from_file.unwrap_or_else(|| Label {
            id: label.key.clone(),
            name: label.name.clone(),
            color: label.color.clone().filter(|c| crate::model::parse_color(c).is_some()).unwrap_or_else(|| palette(n)),
            hotkey: None,
            definition: String::new(),
            examples: Vec::new(),
            parent: None,
        });
        if new.parent.as_ref().is_some_and(|p| codebook.label(p).is_none_or(|p| p.parent.is_some())) {
            new.parent = None;
        }
        if new.hotkey.is_some_and(|k| codebook.label_for_hotkey(k).is_some()) {
            new.hotkey = None;
        }
        if crate::model::parse_color(&new.color).is_none() {
            new.color = palette(n);
        }
        added.push(format!("label \"{}\" (used by {count} annotations)", new.name));
        codebook.labels.push(new);
    }
    for (key, count) in &prepared.missing_relation_types {
        if !add_relation_type(key) {
            continue;
        }
        let from_file = file_codebook.and_then(|c| c.relation_type(key)).cloned();
        let mut new = from_file.unwrap_or_else(|| RelationType {
            id: key.clone(),
            name: key.clone(),
            from_labels: Vec::new(),
            to_labels: Vec::new(),
            directed: true,
            definition: String::new(),
        });
        new.from_labels.retain(|l| codebook.label(l).is_some());
        new.to_labels.retain(|l| codebook.label(l).is_some());
        added.push(format!("relation type \"{}\" (used by {count} relations)", new.name));
        codebook.relation_types.push(new);
    }
    if let Some(file) = file_codebook {
        for attribute in &file.attributes {
            if !codebook.attributes.iter().any(|a| a.id == attribute.id) {
                added.push(format!("attribute \"{}\"", attribute.name));
                codebook.attributes.push(attribute.clone());
            }
        }
        for field in &file.document_fields {
            if !codebook.document_fields.iter().any(|f| f.id == field.id) {
                added.push(format!("document field \"{}\"", field.name));
                codebook.document_fields.push(field.clone());
            }
        }
    }
    added
}

// ---------------------------------------------------------------------------------------------
// Building the edit.

/// What an import did (or, before it is applied, will do).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportReport {
    pub documents_added: usize,
    pub documents_same: usize,
    pub documents_reanchored: usize,
    pub annotations_added: usize,
    /// Annotations placed somewhere else than their offsets said (re-anchored).
    pub annotations_moved: usize,
    /// Annotations already in the project (same label and span), not added again.
    pub duplicates: usize,
    pub relations_added: usize,
    pub annotators_added: Vec<String>,
    pub unanchored: Vec<Unanchored>,
    /// Left out on purpose: by the label mapping, or relations whose ends are not there.
    pub left_out: Vec<String>,
    /// Memos added (their targets are ids in the project), part of the edit like everything
    /// else.
    pub memos: Vec<Memo>,
    pub notes: Vec<String>,
}

impl Prepared {
    /// The edit that imports everything placed, and what it does. `project` must be the one
    /// this was prepared against (with any labels added by [`add_missing`]).
    pub fn edit(&self, project: &Project, mapping: &Mapping, options: &ImportOptions) -> (Edit, ImportReport) {
        Builder::new(project, self, mapping, options).build()
    }
}

struct Builder<'a> {
    project: &'a Project,
    prepared: &'a Prepared,
    mapping: &'a Mapping,
    options: &'a ImportOptions,
    ids: IdGenerator,
    used_ids: HashSet<ItemId>,
    annotators: Vec<Annotator>,
    report: ImportReport,
    edits: Vec<Edit>,
    annotation_edits: Vec<Edit>,
    relation_edits: Vec<Edit>,
    document_ids: HashSet<String>,
    /// Incoming (document, key) -> the annotation id in the project.
    placed_ids: HashMap<(usize, String), ItemId>,
    /// Annotation ids imported, by the file's id (for memos).
    id_map: HashMap<ItemId, ItemId>,
    document_map: HashMap<String, String>,
}

impl<'a> Builder<'a> {
    fn new(project: &'a Project, prepared: &'a Prepared, mapping: &'a Mapping, options: &'a ImportOptions) -> Self {
        let mut used_ids = HashSet::new();
        for doc in &project.documents {
            used_ids.extend(doc.annotations.iter().map(|a| a.id));
            used_ids.extend(doc.relations.iter().map(|r| r.id));
        }
        used_ids.extend(project.memos.iter().map(|m| m.id));
        Self {
            project,
            prepared,
            mapping,
            options,
            ids: IdGenerator::from_entropy(),
            used_ids,
            annotators: project.annotators.clone(),
            report: ImportReport::default(),
            edits: Vec::new(),
            annotation_edits: Vec::new(),
            relation_edits: Vec::new(),
            document_ids: project.documents.iter().map(|d| d.id.clone()).collect(),
            placed_ids: HashMap::new(),
            id_map: HashMap::new(),
            document_map: HashMap::new(),
        }
    }

    fn fresh_id(&mut self, wanted: Option<ItemId>) -> ItemId {
        if let Some(id) = wanted
            && id.0 > 0
            && id.0 <= IdGenerator::MAX
            && self.used_ids.insert(id)
        {
            return id;
        }
        loop {
            let id = self.ids.next_id();
            if self.used_ids.insert(id) {
                return id;
            }
        }
    }

    fn label_for(&self, key: &str) -> Option<String> {
        match self.mapping.labels.get(key) {
            Some(choice) => choice.clone(),
            None => resolve_label(&self.project.codebook, key),
        }
    }

    fn relation_type_for(&self, key: &str) -> Option<String> {
        match self.mapping.relation_types.get(key) {
            Some(choice) => choice.clone(),
            None => resolve_relation_type(&self.project.codebook, key),
        }
    }

    /// The annotator a file's annotator id or name stands for, if already known.
    fn known_annotator(&self, wanted: &str) -> Option<String> {
        let wanted = wanted.trim();
        let lower = wanted.to_lowercase();
        self.annotators
            .iter()
            .find(|a| a.id == wanted)
            .or_else(|| self.annotators.iter().find(|a| a.name.to_lowercase() == lower))
            .map(|a| a.id.clone())
    }

    /// The project annotator for a file's annotator id or name, added when new.
    fn annotator_for(&mut self, wanted: Option<&str>) -> String {
        let known_names = &self.prepared.incoming.annotators;
        let wanted = wanted.map(str::trim).filter(|w| !w.is_empty());
        let Some(wanted) = wanted else {
            let default = self.options.default_annotator.clone();
            return self.ensure_annotator(default);
        };
        if let Some(a) = self.annotators.iter().find(|a| a.id == wanted) {
            return a.id.clone();
        }
        let lower = wanted.to_lowercase();
        if let Some(a) = self.annotators.iter().find(|a| a.name.to_lowercase() == lower) {
            return a.id.clone();
        }
        let name = known_names.iter().find(|a| a.id == wanted).map_or(wanted.to_owned(), |a| a.name.clone());
        let id = if wanted.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            wanted.to_owned()
        } else {
            crate::model::slug(wanted)
        };
        self.ensure_annotator(Annotator { id, name })
    }

    fn ensure_annotator(&mut self, mut annotator: Annotator) -> String {
        if let Some(existing) = self.annotators.iter().find(|a| a.id == annotator.id) {
            return existing.id.clone();
        }
        if let Some(existing) = self.annotators.iter().find(|a| a.name == annotator.name) {
            return existing.id.clone();
        }
        let base = annotator.id.clone();
        let mut n = 2;
        while self.annotators.iter().any(|a| a.id == annotator.id) {
            annotator.id = format!("{base}-{n}");
            n += 1;
        }
        self.report.annotators_added.push(annotator.name.clone());
        self.annotators.push(annotator.clone());
        let id = annotator.id.clone();
        self.edits.push(Edit::AddAnnotator(annotator));
        id
    }

    fn attributes(&self, incoming: &IncomingAnnotation) -> BTreeMap<String, crate::model::Value> {
        let codebook = &self.project.codebook;
        incoming
            .attributes
            .iter()
            .filter_map(|(key, value)| {
                // By id, else by name, else by the column name the exports use.
                let def = codebook
                    .attributes
                    .iter()
                    .find(|a| a.id == *key)
                    .or_else(|| codebook.attributes.iter().find(|a| a.name.to_lowercase() == key.to_lowercase()))
                    .or_else(|| codebook.attributes.iter().find(|a| meta::column_name("attr_", &a.id) == *key));
                let id = def.map_or(key.clone(), |d| d.id.clone());
                meta::value_from_json(value, def.map(|d| &d.kind)).map(|v| (id, v))
            })
            .collect()
    }

    fn build(mut self) -> (Edit, ImportReport) {
        let prepared = self.prepared;
        for document in &prepared.documents {
            let incoming = &prepared.incoming.documents[document.incoming];
            self.report.unanchored.extend(document.unanchored.iter().cloned());
            match &document.target {
                Target::Missing => {}
                Target::Same(id) => {
                    self.report.documents_same += 1;
                    self.document_map.insert(incoming.id.clone().unwrap_or_default(), id.clone());
                    self.onto_existing(document, incoming, id);
                }
                Target::Reanchored(id) => {
                    self.report.documents_reanchored += 1;
                    self.document_map.insert(incoming.id.clone().unwrap_or_default(), id.clone());
                    self.onto_existing(document, incoming, id);
                }
                Target::New => self.new_document(document, incoming),
            }
        }
        self.memos();
        self.report.notes.extend(prepared.incoming.notes.iter().cloned());
        let mut edits = self.edits;
        edits.extend(self.annotation_edits);
        edits.extend(self.relation_edits);
        // Memos last: one may be about an annotation this import adds.
        edits.extend(self.report.memos.iter().cloned().map(Edit::AddMemo));
        (Edit::Batch(edits), self.report)
    }

    /// Annotations for a document: `(key, annotation)`, duplicates of `existing` skipped.
    fn annotations(
        &mut self,
        document_index: usize,
        prepared: &PreparedDocument,
        incoming: &IncomingDocument,
        target_text: &Document,
        existing: &[Box<Annotation>],
    ) -> Vec<Annotation> {
        // The same label on the same text by the same annotator is already there.
        type SpanKey = (Name, Vec<(usize, usize)>, Name);
        let mut existing_spans: HashMap<SpanKey, ItemId> = existing
            .iter()
            .map(|a| {
                ((a.label.clone(), a.fragments.iter().map(|f| (f.start, f.end)).collect(), a.annotator.clone()), a.id)
            })
            .collect();
        // One fragment of an existing discontinuous annotation is that annotation (formats
        // without discontinuous spans write each fragment as a span).
        for annotation in existing.iter().filter(|a| a.fragments.len() > 1) {
            for fragment in &annotation.fragments {
                existing_spans
                    .entry((
                        annotation.label.clone(),
                        vec![(fragment.start, fragment.end)],
                        annotation.annotator.clone(),
                    ))
                    .or_insert(annotation.id);
            }
        }
        // A file that does not say who made a span (doccano, plain brat) matches anyone's.
        let anyone: HashMap<(Name, Vec<(usize, usize)>), ItemId> =
            existing_spans.iter().map(|((label, ranges, _), id)| ((label.clone(), ranges.clone()), *id)).collect();
        let now = crate::model::now();
        let mut result = Vec::with_capacity(prepared.placed.len());
        for placed in &prepared.placed {
            let source = &incoming.annotations[placed.source];
            let Some(label) = self.label_for(&source.label) else {
                self.report
                    .left_out
                    .push(format!("{}: a {} annotation (label not mapped)", incoming.name, source.label));
                continue;
            };
            let duplicate = match source.annotator.as_deref() {
                Some(wanted) => self.known_annotator(wanted).and_then(|annotator| {
                    existing_spans.get(&(Name::new(&label), placed.ranges.clone(), annotator.into()))
                }),
                None => anyone.get(&(Name::new(&label), placed.ranges.clone())),
            };
            if let Some(&id) = duplicate {
                self.report.duplicates += 1;
                self.placed_ids.insert((document_index, source.key.clone()), id);
                if let Some(file_id) = source.id {
                    self.id_map.insert(file_id, id);
                }
                continue;
            }
            let fragments: Vec<Fragment> =
                placed.ranges.iter().filter_map(|&(s, e)| target_text.fragment(s..e)).collect();
            if fragments.len() != placed.ranges.len() {
                continue;
            }
            let annotator = self.annotator_for(source.annotator.as_deref());
            let created = source.created.or(source.modified).unwrap_or(now);
            let modified = source.modified.unwrap_or(created).max(created);
            let id = self.fresh_id(source.id);
            if let Some(file_id) = source.id {
                self.id_map.insert(file_id, id);
            }
            self.placed_ids.insert((document_index, source.key.clone()), id);
            if placed.moved {
                self.report.annotations_moved += 1;
            }
            self.report.annotations_added += 1;
            result.push(Annotation {
                id,
                label: label.into(),
                fragments,
                annotator: annotator.into(),
                created,
                modified,
                note: source.note.clone(),
                attributes: self.attributes(source),
            });
        }
        result
    }

    /// Relations whose ends were imported (or already there), checked against the codebook.
    fn relations(
        &mut self,
        document_index: usize,
        incoming: &IncomingDocument,
        labels: &HashMap<ItemId, Name>,
        existing: &[Relation],
    ) -> Vec<Relation> {
        let now = crate::model::now();
        let mut result = Vec::new();
        let mut seen: HashSet<(Name, ItemId, ItemId)> =
            existing.iter().map(|r| (r.kind.clone(), r.from, r.to)).collect();
        for relation in &incoming.relations {
            let what = format!("{}: a {} relation", incoming.name, relation.kind);
            let Some(kind) = self.relation_type_for(&relation.kind) else {
                self.report.left_out.push(format!("{what} (relation type not mapped)"));
                continue;
            };
            let from = self.placed_ids.get(&(document_index, relation.from.clone())).copied();
            let to = self.placed_ids.get(&(document_index, relation.to.clone())).copied();
            let (Some(from), Some(to)) = (from, to) else {
                self.report.left_out.push(format!("{what} (one of its annotations was not imported)"));
                continue;
            };
            if from == to {
                self.report.left_out.push(format!("{what} (it links an annotation to itself)"));
                continue;
            }
            if !seen.insert((Name::new(&kind), from, to)) {
                self.report.duplicates += 1;
                continue;
            }
            if let Some(relation_type) = self.project.codebook.relation_type(&kind) {
                let allowed = |list: &Vec<String>, id: ItemId| {
                    list.is_empty() || labels.get(&id).is_some_and(|label| list.iter().any(|l| l == label))
                };
                if !allowed(&relation_type.from_labels, from) || !allowed(&relation_type.to_labels, to) {
                    self.report.left_out.push(format!(
                        "{what} (\"{}\" does not allow the labels of its annotations)",
                        relation_type.name
                    ));
                    continue;
                }
            }
            let annotator = self.annotator_for(relation.annotator.as_deref());
            let created = relation.created.or(relation.modified).unwrap_or(now);
            result.push(Relation {
                id: self.fresh_id(relation.id),
                kind: kind.into(),
                from,
                to,
                annotator: annotator.into(),
                created,
                modified: relation.modified.unwrap_or(created).max(created),
                note: relation.note.clone(),
            });
            self.report.relations_added += 1;
        }
        result
    }

    fn onto_existing(&mut self, prepared: &PreparedDocument, incoming: &IncomingDocument, document_id: &str) {
        let Some(target) = self.project.document(document_id) else { return };
        let annotations = self.annotations(prepared.incoming, prepared, incoming, target, &target.annotations);
        let mut labels: HashMap<ItemId, Name> = target.annotations.iter().map(|a| (a.id, a.label.clone())).collect();
        labels.extend(annotations.iter().map(|a| (a.id, a.label.clone())));
        for annotation in annotations {
            self.annotation_edits.push(Edit::AddAnnotation { document: document_id.to_owned(), annotation });
        }
        for relation in self.relations(prepared.incoming, incoming, &labels, &target.relations) {
            self.relation_edits.push(Edit::AddRelation { document: document_id.to_owned(), relation });
        }
    }

    fn new_document(&mut self, prepared: &PreparedDocument, incoming: &IncomingDocument) {
        let Some(text) = &incoming.text else { return };
        let mut id = incoming.id.clone().filter(|id| !id.is_empty() && !self.document_ids.contains(id));
        if id.is_none() {
            id = (1..).map(|n| format!("d{n}")).find(|candidate| !self.document_ids.contains(candidate));
        }
        let id = id.unwrap_or_default();
        self.document_ids.insert(id.clone());
        self.document_map.insert(incoming.id.clone().unwrap_or_default(), id.clone());
        let mut document = Document::new(id, incoming.name.clone(), text.clone());
        // Entries named like a document field of the codebook are that variable.
        let mut values: Vec<(String, Json)> = incoming.variables.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (key, value) in &incoming.metadata {
            let field = self
                .project
                .codebook
                .document_fields
                .iter()
                .any(|f| f.id == *key || f.name.to_lowercase() == key.to_lowercase());
            if field {
                values.push((key.clone(), Json::String(value.clone())));
            } else {
                document.metadata.insert(key.clone(), value.clone());
            }
        }
        for (key, value) in &values {
            let codebook = &self.project.codebook;
            let field = codebook
                .document_fields
                .iter()
                .find(|f| f.id == *key)
                .or_else(|| codebook.document_fields.iter().find(|f| f.name.to_lowercase() == key.to_lowercase()));
            match field {
                Some(field) => {
                    if let Some(value) = meta::value_from_json(value, Some(&field.kind)) {
                        document.variables.insert(field.id.clone(), value);
                    }
                }
                None => {
                    let text = match value {
                        Json::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    document.metadata.entry(key.clone()).or_insert(text);
                }
            }
        }
        let mut annotations = self.annotations(prepared.incoming, prepared, incoming, &document, &[]);
        annotations.sort_by_key(Annotation::sort_key);
        let labels: HashMap<ItemId, Name> = annotations.iter().map(|a| (a.id, a.label.clone())).collect();
        let mut relations = self.relations(prepared.incoming, incoming, &labels, &[]);
        relations.sort_by_key(|r| r.id);
        document.annotations = annotations.into_iter().map(Box::new).collect();
        document.relations = relations;
        self.report.documents_added += 1;
        let index = self.project.documents.len() + self.report.documents_added - 1;
        self.edits.push(Edit::AddDocument { index, document: Box::new(document) });
    }

    fn memos(&mut self) {
        let memos = self.prepared.incoming.memos.clone();
        for memo in memos {
            let target = match &memo.target {
                MemoTarget::Project => Some(MemoTarget::Project),
                MemoTarget::Label(key) => self.label_for(key).map(MemoTarget::Label),
                MemoTarget::Document(id) => self.document_map.get(id).cloned().map(MemoTarget::Document),
                MemoTarget::Annotation(id) => self.id_map.get(id).copied().map(MemoTarget::Annotation),
            };
            let Some(target) = target else {
                self.report.left_out.push(format!("memo \"{}\" (what it is about was not imported)", memo.title));
                continue;
            };
            let duplicate =
                self.project.memos.iter().any(|m| m.target == target && m.title == memo.title && m.text == memo.text);
            if duplicate {
                self.report.duplicates += 1;
                continue;
            }
            let id = self.fresh_id(Some(memo.id));
            self.report.memos.push(Memo { id, target, ..memo });
        }
    }
}

/// Applies an import to `project` (the edit carries annotations, relations and memos alike;
/// undoable by the caller if it keeps the inverse). Returns the inverse edit.
pub fn apply_import(project: &mut Project, edit: Edit, _report: &ImportReport) -> Result<Edit, ImportError> {
    Ok(apply(project, edit)?)
}

/// Imports files into a new project: the file's codebook (json) or the default one with the
/// labels and relation types the files use added.
pub fn import_new_project(
    incoming: Incoming,
    name: &str,
    options: &ImportOptions,
    progress: &dyn Fn(u64, u64) -> ControlFlow<()>,
) -> Result<(Project, ImportReport), ImportError> {
    let mut project = Project::new(incoming.project_name.clone().unwrap_or_else(|| name.to_owned()));
    if let Some(codebook) = &incoming.codebook {
        project.codebook = codebook.clone();
    }
    let prepared = prepare(&project, incoming, progress)?;
    let added = add_missing(&mut project, &prepared);
    let (edit, mut report) = prepared.edit(&project, &Mapping::default(), options);
    report.notes.extend(added.into_iter().map(|a| format!("added {a} to the codebook")));
    apply_import(&mut project, edit, &report)?;
    Ok((project, report))
}
