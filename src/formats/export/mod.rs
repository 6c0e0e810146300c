//! Exports: every format analysts' and NLP tools read (see `docs/EXPORT.md`).
//!
//! One entry point, [`export`], made to be called from a background thread: it reports progress
//! through a callback that can also cancel, and writes under a temporary name that is renamed into
//! place only when complete (files and folders alike), so the destination never holds a
//! half-written export. Offsets are converted with `model::TextIndex` only.

pub mod brat;
pub mod conll;
pub mod csv;
pub mod doccano;
pub mod hf;
pub mod json;
pub mod labelstudio;
pub mod meta;
pub mod output;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod qdpx;
pub mod spacy;
pub mod tables;
pub mod tokens;
pub mod w3c;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crate::model::{Document, Project};

/// Every interchange format, for export and (where it makes sense) import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Json,
    Jsonl,
    Csv,
    Parquet,
    Brat,
    Conll,
    Hf,
    Spacy,
    W3c,
    LabelStudio,
    Doccano,
    Qdpx,
}

/// What an export produces at its destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    File,
    Folder,
}

impl Format {
    pub const ALL: [Format; 12] = [
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Parquet,
        Format::Brat,
        Format::Conll,
        Format::Hf,
        Format::Spacy,
        Format::W3c,
        Format::LabelStudio,
        Format::Doccano,
        Format::Qdpx,
    ];

    /// The name used on the command line (`--format`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Brat => "brat",
            Format::Conll => "conll",
            Format::Hf => "hf",
            Format::Spacy => "spacy",
            Format::W3c => "w3c",
            Format::LabelStudio => "labelstudio",
            Format::Doccano => "doccano",
            Format::Qdpx => "qdpx",
        }
    }

    /// A one-line description for menus and `--help`.
    pub fn description(self) -> &'static str {
        match self {
            Format::Json => "JSON, one file with everything (Python, R, jq)",
            Format::Jsonl => "JSON Lines, one document per line (pandas, datasets, jq)",
            Format::Csv => "CSV tables for R, SPSS and Excel (a folder)",
            Format::Parquet => "Parquet tables for DuckDB, Spark and pandas (a folder)",
            Format::Brat => "brat standoff: .txt and .ann per document (a folder)",
            Format::Conll => "CoNLL IOB2, one token per line (NER training)",
            Format::Hf => "Hugging Face datasets: token classification and spans (a folder)",
            Format::Spacy => "spaCy Doc JSON, one Doc.to_json object per line",
            Format::W3c => "W3C Web Annotation JSON-LD (archives, annotation servers)",
            Format::LabelStudio => "Label Studio tasks and labeling config (a folder)",
            Format::Doccano => "doccano JSONL (UTF-16 offsets by default)",
            Format::Qdpx => "REFI-QDA project for MAXQDA, NVivo, ATLAS.ti, QualCoder",
        }
    }

    /// What the format cannot carry, in a line (the "Cannot carry" of each section of
    /// `docs/EXPORT.md`, shortened for the Export dialog).
    pub fn cannot_carry(self) -> &'static str {
        match self {
            Format::Json => "nothing: everything is kept",
            Format::Jsonl => "the codebook (colors, definitions) and project memos",
            Format::Csv => "the texts (use json), codebook definitions",
            Format::Parquet => "the texts (use json), codebook definitions",
            Format::Brat => "annotators, times, text and number attributes (only in comments)",
            Format::Conll => "offsets, overlapping spans, relations, attributes, annotators, notes",
            Format::Hf => "relations, attributes, annotators, notes",
            Format::Spacy => "discontinuous spans (one span per fragment), relations, attributes, notes",
            Format::W3c => "the texts themselves, the codebook, memos, document metadata",
            Format::LabelStudio => "times per region, relation ids and notes",
            Format::Doccano => "discontinuous spans, attributes, annotators, notes, ids",
            Format::Qdpx => "relation times, attribute types, label hotkeys",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.trim().to_ascii_lowercase();
        let name = match name.as_str() {
            "label-studio" | "label_studio" | "ls" => "labelstudio",
            "huggingface" | "hugging-face" | "datasets" => "hf",
            "refi-qda" | "refiqda" | "qde" => "qdpx",
            "iob" | "iob2" | "conll2003" => "conll",
            "web-annotation" | "jsonld" | "json-ld" => "w3c",
            other => other,
        };
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn destination(self) -> Destination {
        match self {
            Format::Csv | Format::Parquet | Format::Brat | Format::Hf | Format::LabelStudio => Destination::Folder,
            _ => Destination::File,
        }
    }

    /// The usual file extension (files) or folder suffix (folders).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Brat => "brat",
            Format::Conll => "conll",
            Format::Hf => "hf",
            Format::Spacy => "spacy.jsonl",
            Format::W3c => "jsonld",
            Format::LabelStudio => "labelstudio",
            Format::Doccano => "doccano.jsonl",
            Format::Qdpx => "qdpx",
        }
    }

    /// Whether annotations in this format can be imported back.
    pub fn importable(self) -> bool {
        matches!(
            self,
            Format::Json
                | Format::Jsonl
                | Format::Brat
                | Format::W3c
                | Format::LabelStudio
                | Format::Doccano
                | Format::Qdpx
        )
    }

    /// Whether this build can write the format (Parquet is a cargo feature).
    pub fn available(self) -> bool {
        self != Format::Parquet || cfg!(feature = "parquet")
    }

    /// A destination name for exporting `project_path` (`study.spanwise.ron` -> `study.jsonl`).
    pub fn default_destination(self, project_path: &Path) -> PathBuf {
        let stem = crate::store::project_path_for(project_path);
        let name = stem.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let base = name.strip_suffix(crate::store::EXTENSION).unwrap_or(&name).to_owned();
        project_path.with_file_name(format!("{base}.{}", self.extension()))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How CoNLL, Hugging Face and spaCy `ents` handle annotations that share tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OverlapPolicy {
    /// One tag column; annotations are taken in codebook label order (then by start, longer
    /// first) and one whose tokens are already tagged is left out (and counted).
    #[default]
    Priority,
    /// One tag column per label (CoNLL); within a label, the priority rule.
    ColumnPerLabel,
}

/// What the integers of a doccano file count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OffsetUnit {
    /// UTF-16 code units: what doccano's current web UI uses.
    #[default]
    Utf16,
    /// Unicode code points: Python string indices (older doccano, most scripts).
    CodePoints,
}

/// Whether Label Studio gets the annotations as finished `annotations` or as `predictions`
/// to review.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LabelStudioTarget {
    #[default]
    Annotations,
    Predictions,
}

/// Options of an export; the defaults suit most users.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Only these documents (by id), in project order; `None` exports all.
    pub documents: Option<Vec<String>>,
    pub overlaps: OverlapPolicy,
    pub doccano_offsets: OffsetUnit,
    pub labelstudio_target: LabelStudioTarget,
    /// Start CSV files with a UTF-8 byte-order mark (Excel needs it to read UTF-8).
    pub csv_bom: bool,
    /// Prefix CSV text cells starting with `=`, `+`, `-`, `@`, tab or CR with `'`, so spreadsheets
    /// do not run them as formulas.
    pub csv_formula_guard: bool,
    /// Fixed time for "exported at" fields (tests, reproducible output); `None` is now.
    pub exported_at: Option<crate::model::Timestamp>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            documents: None,
            overlaps: OverlapPolicy::Priority,
            doccano_offsets: OffsetUnit::Utf16,
            labelstudio_target: LabelStudioTarget::Annotations,
            csv_bom: true,
            csv_formula_guard: true,
            exported_at: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("export cancelled; nothing was written")]
    Cancelled,
    #[error("cannot write {path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("no document \"{0}\" in the project")]
    NoDocument(String),
    #[error("this build of Spanwise has no {0} export (it was built without the `{0}` feature)")]
    Unavailable(&'static str),
}

/// The progress callback: `(done, total)` in work units; returning `Break` cancels the export.
/// The last call, with `done == total`, comes once the output is in place.
pub type Progress<'a> = &'a dyn Fn(u64, u64) -> ControlFlow<()>;

/// A progress callback that never cancels.
pub fn no_progress(_done: u64, _total: u64) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// What an export wrote, and what it had to leave out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportSummary {
    /// The file or folder written.
    pub path: PathBuf,
    pub documents: usize,
    pub annotations: usize,
    pub relations: usize,
    /// What the format could not carry, in words ("3 discontinuous annotations were split …").
    pub notes: Vec<String>,
}

/// Exports `project` in `format` to `out` (a file or a folder, see [`Format::destination`]).
/// Runs on the calling thread; `progress` is called regularly with `(done, total)` and cancels
/// the export by returning `Break`, in which case nothing is left at `out`.
pub fn export(
    project: &Project,
    format: Format,
    options: &ExportOptions,
    out: &Path,
    progress: Progress,
) -> Result<ExportSummary, ExportError> {
    let documents = select_documents(project, options)?;
    let mut job = Job::new(project, documents, options, progress);
    match format {
        Format::Json => json::write_json(&mut job, out)?,
        Format::Jsonl => json::write_jsonl(&mut job, out)?,
        Format::Csv => csv::write(&mut job, out)?,
        #[cfg(feature = "parquet")]
        Format::Parquet => parquet::write(&mut job, out)?,
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => return Err(ExportError::Unavailable("parquet")),
        Format::Brat => brat::write(&mut job, out)?,
        Format::Conll => conll::write(&mut job, out)?,
        Format::Hf => hf::write(&mut job, out)?,
        Format::Spacy => spacy::write(&mut job, out)?,
        Format::W3c => w3c::write(&mut job, out)?,
        Format::LabelStudio => labelstudio::write(&mut job, out)?,
        Format::Doccano => doccano::write(&mut job, out)?,
        Format::Qdpx => qdpx::write(&mut job, out)?,
    }
    job.finish_progress();
    Ok(ExportSummary {
        path: out.to_owned(),
        documents: job.documents.len(),
        annotations: job.documents.iter().map(|d| d.annotations.len()).sum(),
        relations: job.documents.iter().map(|d| d.relations.len()).sum(),
        notes: job.notes,
    })
}

fn select_documents<'p>(project: &'p Project, options: &ExportOptions) -> Result<Vec<&'p Document>, ExportError> {
    match &options.documents {
        None => Ok(project.documents.iter().collect()),
        Some(ids) => {
            if let Some(missing) = ids.iter().find(|id| project.document(id).is_none()) {
                return Err(ExportError::NoDocument(missing.clone()));
            }
            Ok(project.documents.iter().filter(|d| ids.contains(&d.id)).collect())
        }
    }
}

/// One export in progress: the project, the documents to write, the options, progress and
/// the notes collected on the way.
pub struct Job<'a> {
    pub project: &'a Project,
    pub documents: Vec<&'a Document>,
    pub options: &'a ExportOptions,
    pub notes: Vec<String>,
    progress: Progress<'a>,
    done: u64,
    total: u64,
    next_report: u64,
    step: u64,
}

impl<'a> Job<'a> {
    pub fn new(
        project: &'a Project,
        documents: Vec<&'a Document>,
        options: &'a ExportOptions,
        progress: Progress<'a>,
    ) -> Self {
        // A unit per annotation and relation, and one per 64 KB of text.
        let total: u64 = documents
            .iter()
            .map(|d| (d.annotations.len() + d.relations.len()) as u64 + 1 + (d.text.len() as u64 >> 16))
            .sum();
        let step = (total / 200).max(1);
        Self { project, documents, options, notes: Vec::new(), progress, done: 0, total, next_report: 0, step }
    }

    /// Counts `units` of work done; reports progress now and then, and stops on cancel.
    pub fn advance(&mut self, units: u64) -> Result<(), ExportError> {
        self.done = (self.done + units).min(self.total);
        if self.done >= self.next_report {
            self.next_report = self.done + self.step;
            if (self.progress)(self.done, self.total).is_break() {
                return Err(ExportError::Cancelled);
            }
        }
        Ok(())
    }

    /// Work units of one document's text (see [`Job::new`]).
    pub fn text_units(document: &Document) -> u64 {
        1 + (document.text.len() as u64 >> 16)
    }

    /// Reports 100 %. The output is already in place: cancelling now has no effect.
    fn finish_progress(&mut self) {
        let _ = (self.progress)(self.total, self.total);
    }

    /// When the export was made.
    pub fn exported_at(&self) -> crate::model::Timestamp {
        self.options.exported_at.unwrap_or_else(crate::model::now)
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// The display name of a label id (the id itself if the codebook lacks it).
    pub fn label_name<'s>(&'s self, label_id: &'s str) -> &'s str {
        self.project.codebook.label(label_id).map_or(label_id, |l| l.name.as_str())
    }

    /// The display name of a relation type id.
    pub fn relation_name<'s>(&'s self, kind: &'s str) -> &'s str {
        self.project.codebook.relation_type(kind).map_or(kind, |r| r.name.as_str())
    }

    /// The display name of an annotator id.
    pub fn annotator_name<'s>(&'s self, annotator_id: &'s str) -> &'s str {
        self.project.annotator(annotator_id).map_or(annotator_id, |a| a.name.as_str())
    }
}

/// `2026-01-02T03:04:05.678Z`: RFC 3339 in UTC with milliseconds only when not zero (as the
/// project file writes it).
pub fn timestamp(time: &crate::model::Timestamp) -> String {
    use chrono::SecondsFormat;
    if time.timestamp_subsec_millis() == 0 {
        time.to_rfc3339_opts(SecondsFormat::Secs, true)
    } else {
        time.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}
