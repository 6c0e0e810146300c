//! Import and export formats. Each format is one file; all offsets go through `model::TextIndex`.

pub mod annotations;
pub mod export;
pub mod markdown;
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
    #[error("{path}: byte {offset} is not valid UTF-8; save the file as UTF-8 and try again")]
    NotUtf8 { path: String, offset: usize },
    #[error("{path} is {size} bytes; Spanwise imports texts of at most {max} bytes")]
    TooLarge { path: String, size: u64, max: u64 },
    #[error("{path}: unsupported file type (Spanwise opens .txt, .md and .spanwise.ron files)")]
    Unsupported { path: String },
}

/// Reads a text file as UTF-8, refusing binary or oversized input.
pub fn read_text_file(path: &Path) -> Result<String, ImportError> {
    let shown = path.display().to_string();
    let io = |source| ImportError::Io { path: shown.clone(), source };
    // The size is checked before reading, and the read stops past the limit whatever the size
    // claimed (a pipe, a device, a file still growing).
    let bytes = crate::store::read_limited(path, MAX_IMPORT_BYTES).map_err(|err| match err {
        crate::store::ReadLimitError::Io(source) => io(source),
        crate::store::ReadLimitError::TooLarge(size) => {
            ImportError::TooLarge { path: shown.clone(), size, max: MAX_IMPORT_BYTES }
        }
    })?;
    String::from_utf8(bytes).map_err(|err| ImportError::NotUtf8 { path: shown, offset: err.utf8_error().valid_up_to() })
}

/// Imports a `.txt` or `.md` file as a document with the given id.
pub fn import_path(path: &Path, document_id: String) -> Result<Document, ImportError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let raw = match extension.as_str() {
        "txt" | "text" | "md" | "markdown" => read_text_file(path)?,
        _ => {
            return Err(ImportError::Unsupported { path: path.display().to_string() });
        }
    };
    let mut doc = if matches!(extension.as_str(), "md" | "markdown") {
        markdown::import(&raw, document_id, name)
    } else {
        text::import(&raw, document_id, name)
    };
    doc.metadata.insert("source".into(), path.display().to_string());
    Ok(doc)
}
