//! Import and export formats. Each format is one file; all offsets go through `model::TextIndex`.
//! Importing many sources at once (folders, archives, corpora, URLs) is [`import`]; see
//! `docs/IMPORT.md`.

pub mod annotations;
pub mod archive;
pub mod cleanup;
pub mod codebook;
pub mod corpus;
pub mod dates;
pub mod docx;
pub mod encoding;
pub mod epub;
pub mod export;
pub mod fetch;
pub mod html;
pub mod html_meta;
pub mod html_text;
pub mod import;
pub mod markdown;
pub mod odt;
pub mod pdf;
pub mod score;
pub mod text;

use std::path::Path;

use crate::model::Document;

/// Inputs larger than this are refused with a message instead of exhausting memory: about fifty
/// long books in one text. Larger corpora belong in several documents.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is {size} bytes; Spanwise imports texts of at most {max} bytes")]
    TooLarge { path: String, size: u64, max: u64 },
    #[error("{path}: its text is {size} bytes; the limit is {max} bytes (split it, or raise the limit)")]
    TextTooLarge { path: String, size: u64, max: u64 },
    #[error("{path} is empty (no text)")]
    Empty { path: String },
    #[error("{path} is a binary file, not text")]
    Binary { path: String },
    #[error(
        "{path}: unsupported file type (Spanwise imports .txt, .md, .html, .htm, .docx, .odt, .epub, .pdf, .csv, .tsv, \
         .jsonl, .json and .zip, and opens .spanwise.ron projects)"
    )]
    Unsupported { path: String },
    #[error("{path}: {source}")]
    Encoding { path: String, source: encoding::EncodingError },
    #[error("{path}: {source}")]
    Html { path: String, source: html::HtmlError },
    #[error("{path}: {source}")]
    Office { path: String, source: docx::OfficeError },
    #[error("{path}: {source}")]
    Pdf { path: String, source: pdf::PdfError },
    #[error("{path}: {source}")]
    Archive { path: String, source: archive::ArchiveError },
    #[error("{url}: {source}")]
    Fetch { url: String, source: fetch::FetchError },
    #[error("{path}: {message}")]
    Corpus { path: String, message: String },
}

/// Reads a text file, refusing oversized input; the encoding is detected (see [`encoding`]).
pub fn read_text_file(path: &Path) -> Result<String, ImportError> {
    let shown = path.display().to_string();
    let bytes = read_limited(path, MAX_IMPORT_BYTES)?;
    encoding::decode(&bytes, None, None).map(|d| d.text).map_err(|e| match e {
        encoding::EncodingError::Binary => ImportError::Binary { path: shown.clone() },
        other => ImportError::Encoding { path: shown.clone(), source: other },
    })
}

/// File name extensions (lowercase, no dot) of the files Spanwise imports as one document each
/// (what Open and Add document offer); corpora (CSV, TSV, JSONL, zip) and folders go through
/// [`import::import_sources`].
pub const TEXT_EXTENSIONS: &[&str] =
    &["txt", "md", "markdown", "text", "html", "htm", "xhtml", "docx", "odt", "epub", "pdf"];

/// Whether `path` names a file Spanwise imports as one document (by its extension).
pub fn is_importable(path: &Path) -> bool {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    TEXT_EXTENSIONS.contains(&extension.as_str())
}

fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, ImportError> {
    let shown = path.display().to_string();
    // The size is checked before reading, and the read stops past the limit whatever the size
    // claimed (a pipe, a device, a file still growing).
    crate::store::read_limited(path, max).map_err(|err| match err {
        crate::store::ReadLimitError::Io(source) => ImportError::Io { path: shown.clone(), source },
        crate::store::ReadLimitError::TooLarge(size) => ImportError::TooLarge { path: shown.clone(), size, max },
    })
}

/// Imports one file (text, Markdown, web page, Word, OpenDocument, EPUB or PDF) as a document
/// with the given id, with default options. Corpora (CSV, JSONL, zip) and folders go through
/// [`import::import_sources`].
pub fn import_path(path: &Path, document_id: String) -> Result<Document, ImportError> {
    let shown = path.display().to_string();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let kind = import::kind_of(&name).ok_or_else(|| ImportError::Unsupported { path: shown.clone() })?;
    let limit = match kind {
        import::Kind::Pdf | import::Kind::Docx | import::Kind::Odt | import::Kind::Epub => {
            import::MAX_CORPUS_FILE_BYTES
        }
        _ => MAX_IMPORT_BYTES,
    };
    let bytes = read_limited(path, limit)?;
    let options = import::ImportOptions { max_text_bytes: MAX_IMPORT_BYTES, ..Default::default() };
    let extracted = import::extract_bytes(&shown, &name, &bytes, kind, &options, None)?;
    let mut doc = Document::new(document_id, extracted.name, extracted.text);
    doc.metadata = extracted.metadata;
    doc.metadata.insert("source".into(), shown);
    Ok(doc)
}
