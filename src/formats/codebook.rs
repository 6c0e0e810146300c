//! The codebook on its own, to share a coding scheme between projects and programs:
//!
//! - `*.codebook.ron`: everything Spanwise knows (labels with sub-labels, hotkeys, definitions
//!   and examples; relation types; attributes; document fields; the lock), in the same RON as
//!   the project file, wrapped as `(format: "spanwise-codebook", version: 1, codebook: (…))`.
//! - `*.qdc`: the REFI-QDA codebook that MAXQDA, NVivo, ATLAS.ti and QualCoder read and write:
//!   codes (labels) with colour, description (definition and examples) and one level of
//!   sub-codes. Relation types, attributes, document fields and hotkeys have no place in it.
//!
//! Importing adds to the project's codebook rather than replacing it (see
//! [`codebook_editing::merge_codebooks`]), so annotations never lose their label.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::formats::annotations::qdpx::{Element, parse_xml};
use crate::formats::export::qdpx::{name_guid, xml};
use crate::model::{Codebook, Label, parse_color, slug};

/// The `format` value of a codebook file.
pub const RON_FORMAT: &str = "spanwise-codebook";
const RON_VERSION: u32 = 1;
const QDC_NAMESPACE: &str = "urn:QDA-XML:codebook:1.0";
/// The line in a code's description after which its examples are listed.
const EXAMPLES_HEADER: &str = "Examples:";

#[derive(Debug, thiserror::Error)]
pub enum CodebookFileError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not a codebook: {reason}")]
    Parse { path: String, reason: String },
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
    #[error("{path}: unknown codebook file type (use .codebook.ron or .qdc)")]
    UnknownType { path: String },
}

#[derive(Serialize, Deserialize)]
struct RonFile {
    format: String,
    version: u32,
    codebook: Codebook,
}

/// Which kind of codebook file a path is, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodebookFormat {
    Ron,
    Qdc,
}

impl CodebookFormat {
    pub fn of(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        if name.ends_with(".qdc") {
            Some(CodebookFormat::Qdc)
        } else if name.ends_with(".ron") {
            Some(CodebookFormat::Ron)
        } else {
            None
        }
    }
}

/// The codebook as a `.codebook.ron` file.
pub fn to_ron(codebook: &Codebook) -> String {
    let file = RonFile { format: RON_FORMAT.into(), version: RON_VERSION, codebook: codebook.clone() };
    let config = ron::ser::PrettyConfig::new().indentor("  ".to_owned());
    // Serializing plain data to a String cannot fail.
    ron::ser::to_string_pretty(&file, config).unwrap_or_default()
}

/// Reads a `.codebook.ron` file's text (a bare codebook `( labels: […] …)` is accepted too).
pub fn from_ron(text: &str, path: &str) -> Result<Codebook, CodebookFileError> {
    let codebook = match ron::from_str::<RonFile>(text) {
        Ok(file) if file.format != RON_FORMAT => {
            return Err(CodebookFileError::Parse {
                path: path.into(),
                reason: format!("its format is \"{}\", not \"{RON_FORMAT}\"", file.format),
            });
        }
        Ok(file) if file.version > RON_VERSION => {
            return Err(CodebookFileError::Parse {
                path: path.into(),
                reason: format!("it is version {}; this Spanwise reads up to version {RON_VERSION}", file.version),
            });
        }
        Ok(file) => file.codebook,
        Err(err) => ron::from_str::<Codebook>(text).map_err(|_| CodebookFileError::Parse {
            path: path.into(),
            reason: format!("line {}, column {}: {}", err.span.start.line, err.span.start.col, err.code),
        })?,
    };
    check(&codebook, path)?;
    Ok(codebook)
}

/// What `model::validate` checks of a codebook, for a codebook alone.
fn check(codebook: &Codebook, path: &str) -> Result<(), CodebookFileError> {
    let project = crate::model::Project { codebook: codebook.clone(), ..crate::model::Project::new("codebook") };
    match crate::model::validate(&project).into_iter().next() {
        None => Ok(()),
        Some(problem) => Err(CodebookFileError::Invalid { path: path.into(), reason: problem.to_string() }),
    }
}

/// A code's `<Description>`: the definition, then the examples one per line.
fn description(label: &Label) -> String {
    let mut text = label.definition.clone();
    if !label.examples.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(EXAMPLES_HEADER);
        for example in &label.examples {
            text.push_str("\n- ");
            text.push_str(example);
        }
    }
    text
}

fn code_xml(out: &mut String, label: &Label, children: &[&Label], indent: &str) {
    let color = match parse_color(&label.color) {
        Some(_) => format!(" color=\"{}\"", label.color.to_ascii_uppercase()),
        None => String::new(),
    };
    out.push_str(&format!(
        "{indent}<Code guid=\"{}\" name=\"{}\" isCodable=\"true\"{color}",
        name_guid(&format!("label:{}", label.id)),
        xml(&label.name)
    ));
    let description = description(label);
    if description.is_empty() && children.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if !description.is_empty() {
        // Line ends in element text stay line ends (`xml` writes them as references for attributes).
        let text = xml(&description).replace("&#10;", "\n");
        out.push_str(&format!("{indent}  <Description>{text}</Description>\n"));
    }
    for child in children {
        code_xml(out, child, &[], &format!("{indent}  "));
    }
    out.push_str(&format!("{indent}</Code>\n"));
}

/// The codebook as a REFI-QDA codebook (`.qdc`): labels as codes, sub-labels as sub-codes.
pub fn to_qdc(codebook: &Codebook) -> String {
    let mut out =
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CodeBook xmlns=\"{QDC_NAMESPACE}\">\n<Codes>\n");
    for label in codebook.labels.iter().filter(|l| l.parent.as_ref().is_none_or(|p| codebook.label(p).is_none())) {
        let children: Vec<&Label> = codebook.children(&label.id).collect();
        code_xml(&mut out, label, &children, "  ");
    }
    out.push_str("</Codes>\n</CodeBook>\n");
    out
}

/// Splits a code's description into definition and examples (as [`to_qdc`] writes them).
fn split_description(text: &str) -> (String, Vec<String>) {
    let text = text.replace("\r\n", "\n");
    let Some(at) = text.rfind(EXAMPLES_HEADER).filter(|at| *at == 0 || text[..*at].ends_with('\n')) else {
        return (text.trim().to_owned(), Vec::new());
    };
    let lines: Vec<&str> = text[at + EXAMPLES_HEADER.len()..].lines().filter(|l| !l.trim().is_empty()).collect();
    if !lines.iter().all(|l| l.trim_start().starts_with("- ")) {
        return (text.trim().to_owned(), Vec::new());
    }
    let examples = lines.iter().map(|l| l.trim_start()[2..].trim().to_owned()).collect();
    (text[..at].trim().to_owned(), examples)
}

/// Reads a REFI-QDA codebook (`.qdc`), or the `<CodeBook>` of a `project.qde`. Codes nested
/// deeper than one level become sub-labels of their top-level code (Spanwise's sub-labels go one
/// level deep); `notes` says so. Ids are made from the names.
pub fn from_qdc(text: &str, path: &str, notes: &mut Vec<String>) -> Result<Codebook, CodebookFileError> {
    let parse = |reason: String| CodebookFileError::Parse { path: path.into(), reason };
    let root = parse_xml(text).map_err(parse)?;
    if root.name != "CodeBook" && root.name != "Project" {
        return Err(parse(format!("its root element is <{}>, not <CodeBook>", root.name)));
    }
    let codebook_element = if root.name == "Project" { root.child("CodeBook") } else { Some(&root) };
    let codes = codebook_element.and_then(|c| c.child("Codes")).ok_or_else(|| CodebookFileError::Parse {
        path: path.into(),
        reason: "its <CodeBook> has no <Codes>".into(),
    })?;
    let mut codebook = Codebook {
        labels: Vec::new(),
        relation_types: Vec::new(),
        attributes: Vec::new(),
        document_fields: Vec::new(),
        locked: false,
    };
    for code in codes.children("Code") {
        add_code(&mut codebook, code, None, 0, notes);
    }
    check(&codebook, path)?;
    Ok(codebook)
}

fn add_code(codebook: &mut Codebook, code: &Element, parent: Option<&str>, depth: usize, notes: &mut Vec<String>) {
    let name = code.attribute("name").unwrap_or_default().trim().to_owned();
    let name = if name.is_empty() { format!("Code {}", codebook.labels.len() + 1) } else { name };
    let base = slug(&name).replace('-', "_");
    let base = if base == "annotator" { "code".to_owned() } else { base };
    let id = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}_{n}")))
        .find(|id| codebook.label(id).is_none())
        .unwrap_or(base);
    let color = code
        .attribute("color")
        .map(str::to_ascii_lowercase)
        .filter(|c| parse_color(c).is_some())
        .unwrap_or_else(|| "#bab0ac".to_owned());
    let (definition, examples) =
        split_description(&code.child("Description").map(|d| d.text.clone()).unwrap_or_default());
    if depth >= 2 {
        notes.push(format!(
            "The code \"{name}\" was nested {} levels deep; it is a sub-label of its top-level code.",
            depth + 1
        ));
    }
    codebook.labels.push(Label {
        id: id.clone(),
        name,
        color,
        hotkey: None,
        definition,
        examples,
        parent: parent.map(str::to_owned),
    });
    let top = parent.map_or(id.clone(), str::to_owned);
    for child in code.children("Code") {
        add_code(codebook, child, Some(&top), depth + 1, notes);
    }
}

/// Reads a codebook file (`.codebook.ron`/`.ron` or `.qdc`); `notes` gets what did not fit.
pub fn read(path: &Path, notes: &mut Vec<String>) -> Result<Codebook, CodebookFileError> {
    let shown = path.display().to_string();
    let format = CodebookFormat::of(path).ok_or_else(|| CodebookFileError::UnknownType { path: shown.clone() })?;
    let bytes =
        std::fs::read(path).map_err(|err| CodebookFileError::Read { path: shown.clone(), reason: err.to_string() })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CodebookFileError::Parse { path: shown.clone(), reason: "it is not UTF-8 text".into() })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    match format {
        CodebookFormat::Ron => from_ron(text, &shown),
        CodebookFormat::Qdc => from_qdc(text, &shown, notes),
    }
}

/// The codebook as the file `path` names (by its extension), as bytes to write.
pub fn render(codebook: &Codebook, path: &Path) -> Result<String, CodebookFileError> {
    match CodebookFormat::of(path) {
        Some(CodebookFormat::Ron) => Ok(to_ron(codebook)),
        Some(CodebookFormat::Qdc) => Ok(to_qdc(codebook)),
        None => Err(CodebookFileError::UnknownType { path: path.display().to_string() }),
    }
}
