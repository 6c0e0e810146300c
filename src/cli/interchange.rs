//! `spanwise export` and `spanwise import-annotations`: the interchange formats from the command
//! line (the same library calls the window's File › Export… and Import annotations… use).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::formats::annotations;
use crate::formats::export::{self, ExportOptions, Format, LabelStudioTarget, OffsetUnit, OverlapPolicy};
use crate::store;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Json,
    Jsonl,
    Csv,
    Parquet,
    Brat,
    Conll,
    Hf,
    Spacy,
    W3c,
    Labelstudio,
    Doccano,
    Qdpx,
}

impl FormatArg {
    pub fn format(self) -> Format {
        match self {
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
            FormatArg::Parquet => Format::Parquet,
            FormatArg::Brat => Format::Brat,
            FormatArg::Conll => Format::Conll,
            FormatArg::Hf => Format::Hf,
            FormatArg::Spacy => Format::Spacy,
            FormatArg::W3c => Format::W3c,
            FormatArg::Labelstudio => Format::LabelStudio,
            FormatArg::Doccano => Format::Doccano,
            FormatArg::Qdpx => Format::Qdpx,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OverlapArg {
    /// One tag column; labels in codebook order win, overlapping annotations are left out
    Priority,
    /// One tag column per label (CoNLL only)
    Columns,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OffsetArg {
    /// UTF-16 code units (doccano's web UI)
    Utf16,
    /// Unicode code points (Python string indices)
    CodePoints,
}

impl OffsetArg {
    pub fn unit(self) -> OffsetUnit {
        match self {
            OffsetArg::Utf16 => OffsetUnit::Utf16,
            OffsetArg::CodePoints => OffsetUnit::CodePoints,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LabelStudioArg {
    Annotations,
    Predictions,
}

/// `spanwise export`.
#[derive(Args, Debug)]
#[command(after_help = "Formats: json, jsonl (everything); csv, parquet (tables, folders); brat (folder); conll; \
    hf (folder); spacy (Doc JSON lines); w3c (JSON-LD); labelstudio (folder); doccano; qdpx (REFI-QDA). \
    What each keeps and cannot carry: docs/EXPORT.md.")]
pub struct ExportArgs {
    /// The format to write
    #[arg(long, short, value_enum)]
    pub format: FormatArg,
    /// The project file (.spanwise.ron)
    pub project: PathBuf,
    /// Where to write: a file, or a folder for csv, parquet, brat, hf and labelstudio
    /// (default: beside the project, named after it)
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Only these documents (ids, comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub documents: Option<Vec<String>>,
    /// conll, hf, spacy: how annotations that share tokens are tagged
    #[arg(long, value_enum, default_value = "priority")]
    pub overlaps: OverlapArg,
    /// doccano: what offsets count
    #[arg(long, value_enum, default_value = "utf16")]
    pub doccano_offsets: OffsetArg,
    /// labelstudio: write the annotations as finished annotations or as predictions to review
    #[arg(long, value_enum, default_value = "annotations")]
    pub labelstudio_as: LabelStudioArg,
    /// csv: no UTF-8 byte-order mark (Excel needs one to read UTF-8)
    #[arg(long)]
    pub no_bom: bool,
    /// csv: do not prefix cells that start with = + - @ with '
    #[arg(long)]
    pub no_formula_guard: bool,
}

fn load(path: &Path, err: &mut dyn std::io::Write) -> Option<crate::model::Project> {
    match store::load(path) {
        Ok(project) => Some(project),
        Err(error) => {
            let _ = writeln!(err, "{}: cannot read project", path.display());
            for problem in error.problems() {
                let _ = writeln!(err, "  {problem}");
            }
            None
        }
    }
}

pub fn export(args: &ExportArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    let format = args.format.format();
    let Some(project) = load(&args.project, err) else { return 1 };
    let options = ExportOptions {
        documents: args.documents.clone(),
        overlaps: match args.overlaps {
            OverlapArg::Priority => OverlapPolicy::Priority,
            OverlapArg::Columns => OverlapPolicy::ColumnPerLabel,
        },
        doccano_offsets: args.doccano_offsets.unit(),
        labelstudio_target: match args.labelstudio_as {
            LabelStudioArg::Annotations => LabelStudioTarget::Annotations,
            LabelStudioArg::Predictions => LabelStudioTarget::Predictions,
        },
        csv_bom: !args.no_bom,
        csv_formula_guard: !args.no_formula_guard,
        exported_at: None,
    };
    let destination = args.output.clone().unwrap_or_else(|| format.default_destination(&args.project));
    match export::export(&project, format, &options, &destination, &export::no_progress) {
        Ok(summary) => {
            let _ = writeln!(
                out,
                "wrote {} ({}): {} documents, {} annotations, {} relations",
                summary.path.display(),
                format,
                summary.documents,
                summary.annotations,
                summary.relations
            );
            for note in &summary.notes {
                let _ = writeln!(out, "note: {note}");
            }
            0
        }
        Err(error) => {
            let _ = writeln!(err, "{error}");
            1
        }
    }
}

/// `spanwise import-annotations`.
#[derive(Args, Debug)]
#[command(after_help = "Documents whose text is already in the project (same SHA-256) get the annotations; a \
    document with the same name whose text differs a little gets each span re-anchored by its quote and context; \
    any other document is added. Spans that cannot be placed are listed, not dropped silently. Labels and relation \
    types the codebook lacks are added to it. If PROJECT does not exist, a new project is made.")]
pub struct ImportArgs {
    /// The project file (.spanwise.ron); created if it does not exist
    pub project: PathBuf,
    /// Annotation files: json, jsonl, brat folders or .ann files, Label Studio tasks.json (or its folder),
    /// doccano .jsonl, W3C .jsonld, REFI-QDA .qdpx
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The format of the files (guessed from their names and contents when left out)
    #[arg(long, short, value_enum)]
    pub format: Option<FormatArg>,
    /// Who made annotations whose file does not say (doccano, brat without Spanwise comments)
    #[arg(long, default_value = "Imported")]
    pub annotator: String,
    /// doccano: what the offsets count
    #[arg(long, value_enum, default_value = "utf16")]
    pub doccano_offsets: OffsetArg,
    /// Only report what would be imported; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

fn print_report(report: &annotations::ImportReport, out: &mut dyn std::io::Write) {
    let _ = writeln!(
        out,
        "documents: {} added, {} with the same text, {} re-anchored onto a changed text",
        report.documents_added, report.documents_same, report.documents_reanchored
    );
    let _ = writeln!(
        out,
        "annotations: {} added ({} placed by their quote), {} already in the project; relations: {} added",
        report.annotations_added, report.annotations_moved, report.duplicates, report.relations_added
    );
    if !report.annotators_added.is_empty() {
        let _ = writeln!(out, "annotators added: {}", report.annotators_added.join(", "));
    }
    if !report.memos.is_empty() {
        let _ = writeln!(out, "memos: {} added", report.memos.len());
    }
    if !report.unanchored.is_empty() {
        let _ = writeln!(out, "not placed ({}), not imported:", report.unanchored.len());
        for unanchored in &report.unanchored {
            let _ = writeln!(out, "  {unanchored}");
        }
    }
    if !report.left_out.is_empty() {
        let _ = writeln!(out, "left out ({}):", report.left_out.len());
        for what in &report.left_out {
            let _ = writeln!(out, "  {what}");
        }
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
}

pub fn import(args: &ImportArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    let format = args.format.map(FormatArg::format);
    if let Some(format) = format
        && !format.importable()
    {
        let _ = writeln!(err, "{}", annotations::ImportError::NotImportable(format));
        return 1;
    }
    let annotator = args.annotator.trim();
    let options = annotations::ImportOptions {
        format,
        doccano_offsets: args.doccano_offsets.unit(),
        default_annotator: crate::model::Annotator { id: crate::model::slug(annotator), name: annotator.to_owned() },
    };
    let incoming = match annotations::read(&args.files, &options) {
        Ok(incoming) => incoming,
        Err(error) => {
            let _ = writeln!(err, "{error}");
            return 1;
        }
    };
    let format_name = incoming.format.map_or("?", Format::name);
    let _ = writeln!(out, "read {} documents ({format_name})", incoming.documents.len());
    let exists = args.project.exists();
    let (project, report) = if exists {
        let Some(mut project) = load(&args.project, err) else { return 1 };
        let prepared = match annotations::prepare(&project, incoming, &export::no_progress) {
            Ok(prepared) => prepared,
            Err(error) => {
                let _ = writeln!(err, "{error}");
                return 1;
            }
        };
        for added in annotations::add_missing(&mut project, &prepared) {
            let _ = writeln!(out, "added to the codebook: {added}");
        }
        let (edit, report) = prepared.edit(&project, &annotations::Mapping::default(), &options);
        if let Err(error) = annotations::apply_import(&mut project, edit, &report) {
            let _ = writeln!(err, "{error}");
            return 1;
        }
        (project, report)
    } else {
        let name = args.project.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = name.strip_suffix(store::EXTENSION).unwrap_or(&name).to_owned();
        match annotations::import_new_project(incoming, &name, &options, &export::no_progress) {
            Ok(result) => result,
            Err(error) => {
                let _ = writeln!(err, "{error}");
                return 1;
            }
        }
    };
    print_report(&report, out);
    if args.dry_run {
        let _ = writeln!(out, "dry run: nothing written");
        return 0;
    }
    match store::save(&project, &args.project) {
        Ok(()) => {
            let what = if exists { "updated" } else { "created" };
            let _ = writeln!(out, "{what} {}", args.project.display());
            0
        }
        Err(error) => {
            let _ = writeln!(err, "{error}");
            1
        }
    }
}
