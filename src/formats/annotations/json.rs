//! Reads Spanwise's own `json` and `jsonl` exports back (see `export::json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value as Json;

use super::{ImportError, Incoming, IncomingAnnotation, IncomingDocument, IncomingFragment, IncomingRelation};
use crate::formats::export::json::{FORMAT_NAME, FORMAT_VERSION};
use crate::model::{
    Annotator, AttributeDef, Codebook, FieldDef, ItemId, Label, Memo, MemoTarget, RelationType, ValueKind,
};

#[derive(Deserialize)]
struct FragmentIn {
    start: usize,
    end: usize,
    text: Option<String>,
}

#[derive(Deserialize)]
struct AnnotationIn {
    id: Option<u64>,
    label: String,
    fragments: Option<Vec<FragmentIn>>,
    start: Option<usize>,
    end: Option<usize>,
    text: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, Json>,
    annotator: Option<String>,
    annotator_name: Option<String>,
    created: Option<String>,
    modified: Option<String>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
struct RelationIn {
    id: Option<u64>,
    #[serde(rename = "type")]
    kind: String,
    from: u64,
    to: u64,
    annotator: Option<String>,
    annotator_name: Option<String>,
    created: Option<String>,
    modified: Option<String>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
struct MemoIn {
    id: u64,
    target: Json,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    author: String,
    created: Option<String>,
    modified: Option<String>,
}

#[derive(Deserialize)]
struct DocumentIn {
    id: Option<String>,
    #[serde(default)]
    name: String,
    text: String,
    #[serde(default)]
    metadata: serde_json::Map<String, Json>,
    /// Which metadata keys are document variables.
    #[serde(default)]
    variables: Vec<String>,
    #[serde(default)]
    annotations: Vec<AnnotationIn>,
    #[serde(default)]
    relations: Vec<RelationIn>,
    #[serde(default)]
    memos: Vec<MemoIn>,
}

#[derive(Deserialize)]
struct KindIn {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    options: Vec<String>,
}

impl KindIn {
    fn kind(&self) -> ValueKind {
        match self.kind.as_str() {
            "number" => ValueKind::Number,
            "bool" => ValueKind::Bool,
            "choice" => ValueKind::Choice(self.options.clone()),
            "multi_choice" => ValueKind::MultiChoice(self.options.clone()),
            "date" => ValueKind::Date,
            _ => ValueKind::Text,
        }
    }
}

#[derive(Deserialize)]
struct LabelIn {
    id: String,
    name: String,
    color: String,
    hotkey: Option<String>,
    #[serde(default)]
    definition: String,
    #[serde(default)]
    examples: Vec<String>,
}

#[derive(Deserialize)]
struct RelationTypeIn {
    id: String,
    name: String,
    #[serde(default)]
    from_labels: Vec<String>,
    #[serde(default)]
    to_labels: Vec<String>,
    #[serde(default = "yes")]
    directed: bool,
    #[serde(default)]
    definition: String,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct AttributeIn {
    id: String,
    name: String,
    kind: KindIn,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    definition: String,
}

#[derive(Deserialize)]
struct FieldIn {
    id: String,
    name: String,
    kind: KindIn,
    #[serde(default)]
    definition: String,
}

#[derive(Deserialize)]
struct CodebookIn {
    labels: Vec<LabelIn>,
    #[serde(default)]
    relation_types: Vec<RelationTypeIn>,
    #[serde(default)]
    attributes: Vec<AttributeIn>,
    #[serde(default)]
    document_fields: Vec<FieldIn>,
}

#[derive(Deserialize)]
struct AnnotatorIn {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct ProjectIn {
    name: Option<String>,
}

#[derive(Deserialize)]
struct FileIn {
    format: String,
    version: u32,
    project: Option<ProjectIn>,
    codebook: Option<CodebookIn>,
    #[serde(default)]
    annotators: Vec<AnnotatorIn>,
    documents: Vec<DocumentIn>,
    #[serde(default)]
    memos: Vec<MemoIn>,
}

fn codebook(input: CodebookIn) -> Codebook {
    Codebook {
        labels: input
            .labels
            .into_iter()
            .map(|l| Label {
                parent: None,
                id: l.id,
                name: l.name,
                color: l.color,
                hotkey: l.hotkey.and_then(|h| h.chars().next()),
                definition: l.definition,
                examples: l.examples,
            })
            .collect(),
        relation_types: input
            .relation_types
            .into_iter()
            .map(|r| RelationType {
                id: r.id,
                name: r.name,
                from_labels: r.from_labels,
                to_labels: r.to_labels,
                directed: r.directed,
                definition: r.definition,
            })
            .collect(),
        attributes: input
            .attributes
            .into_iter()
            .map(|a| AttributeDef {
                id: a.id,
                name: a.name,
                kind: a.kind.kind(),
                labels: a.labels,
                definition: a.definition,
            })
            .collect(),
        document_fields: input
            .document_fields
            .into_iter()
            .map(|f| FieldDef { id: f.id, name: f.name, kind: f.kind.kind(), definition: f.definition })
            .collect(),
        locked: false,
    }
}

fn time(text: &Option<String>) -> Option<crate::model::Timestamp> {
    text.as_deref().and_then(super::parse_time)
}

fn memo(input: MemoIn, path: &Path) -> Result<Memo, ImportError> {
    let kind = input.target.get("type").and_then(Json::as_str).unwrap_or_default();
    let id = input.target.get("id");
    let target = match (kind, id) {
        ("project", _) => MemoTarget::Project,
        ("document", Some(Json::String(id))) => MemoTarget::Document(id.clone()),
        ("label", Some(Json::String(id))) => MemoTarget::Label(id.clone()),
        ("annotation", Some(id)) if id.as_u64().is_some() => MemoTarget::Annotation(ItemId(id.as_u64().unwrap_or(0))),
        _ => {
            return Err(ImportError::invalid(
                path,
                format!("memo {}: target {} is not understood", input.id, input.target),
            ));
        }
    };
    let created = time(&input.created).unwrap_or_else(crate::model::now);
    Ok(Memo {
        id: ItemId(input.id),
        target,
        title: input.title,
        text: input.text,
        author: input.author,
        created,
        modified: time(&input.modified).unwrap_or(created),
    })
}

/// Remembers an annotator's name from an annotation or relation (jsonl has no annotator list).
fn note_annotator(annotators: &mut Vec<Annotator>, id: &Option<String>, name: &Option<String>) {
    if let (Some(id), Some(name)) = (id, name)
        && !annotators.iter().any(|a| a.id == *id)
    {
        annotators.push(Annotator { id: id.clone(), name: name.clone() });
    }
}

fn document(
    input: DocumentIn,
    place: String,
    path: &Path,
    memos: &mut Vec<Memo>,
    annotators: &mut Vec<Annotator>,
) -> Result<IncomingDocument, ImportError> {
    let normalized = super::Normalized::new(&input.text);
    let map = |offset: usize, what: &str| {
        normalized
            .map(offset)
            .ok_or_else(|| ImportError::invalid(path, format!("{place}: {what} {offset} is past the end of the text")))
    };
    let origin = format!("{}, {place}", path.display());
    let mut doc = IncomingDocument { origin, id: input.id, name: input.name, ..Default::default() };
    for (key, value) in input.metadata {
        if input.variables.contains(&key) {
            doc.variables.insert(key, value);
        } else if let Json::String(text) = value {
            doc.metadata.insert(key, text);
        } else if !value.is_null() {
            doc.variables.insert(key, value);
        }
    }
    for (n, a) in input.annotations.into_iter().enumerate() {
        let fragments_in = match (a.fragments, a.start, a.end) {
            (Some(fragments), _, _) if !fragments.is_empty() => fragments,
            (_, Some(start), Some(end)) => vec![FragmentIn { start, end, text: a.text.clone() }],
            _ => {
                return Err(ImportError::invalid(path, format!("{place}, annotation {} has no fragments", n + 1)));
            }
        };
        let mut fragments = Vec::with_capacity(fragments_in.len());
        for f in fragments_in {
            if f.end < f.start {
                return Err(ImportError::invalid(
                    path,
                    format!("{place}, annotation {}: span {}..{} ends before it starts", n + 1, f.start, f.end),
                ));
            }
            fragments.push(IncomingFragment {
                start: map(f.start, "offset")?,
                end: map(f.end, "offset")?,
                quote: f.text,
                prefix: None,
                suffix: None,
            });
        }
        let key = a.id.map_or_else(|| format!("#{n}"), |id| id.to_string());
        note_annotator(annotators, &a.annotator, &a.annotator_name);
        doc.annotations.push(IncomingAnnotation {
            key,
            id: a.id.map(ItemId),
            label: a.label,
            fragments,
            annotator: a.annotator.or(a.annotator_name),
            created: time(&a.created),
            modified: time(&a.modified),
            note: a.note,
            attributes: a.attributes,
            problem: None,
        });
    }
    for r in input.relations {
        note_annotator(annotators, &r.annotator, &r.annotator_name);
        doc.relations.push(IncomingRelation {
            id: r.id.map(ItemId),
            kind: r.kind,
            from: r.from.to_string(),
            to: r.to.to_string(),
            annotator: r.annotator.or(r.annotator_name),
            created: time(&r.created),
            modified: time(&r.modified),
            note: r.note,
        });
    }
    for m in input.memos {
        memos.push(memo(m, path)?);
    }
    doc.set_text(normalized.text);
    Ok(doc)
}

fn read_json(path: &Path, incoming: &mut Incoming) -> Result<(), ImportError> {
    let text = super::read_text(path)?;
    let file: FileIn =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|err| super::json_error(path, None, &err))?;
    if file.format != FORMAT_NAME {
        return Err(ImportError::invalid(path, format!("format is \"{}\", expected \"{FORMAT_NAME}\"", file.format)));
    }
    if file.version > FORMAT_VERSION {
        return Err(ImportError::invalid(
            path,
            format!(
                "export version {} is newer than this Spanwise reads ({FORMAT_VERSION}); update Spanwise",
                file.version
            ),
        ));
    }
    if incoming.codebook.is_none() {
        incoming.codebook = file.codebook.map(codebook);
    }
    incoming.project_name = incoming.project_name.take().or(file.project.and_then(|p| p.name));
    incoming.annotators.extend(file.annotators.into_iter().map(|a| Annotator { id: a.id, name: a.name }));
    for (n, input) in file.documents.into_iter().enumerate() {
        let doc = document(input, format!("document {}", n + 1), path, &mut incoming.memos, &mut incoming.annotators)?;
        incoming.documents.push(doc);
    }
    for m in file.memos {
        incoming.memos.push(memo(m, path)?);
    }
    Ok(())
}

fn read_jsonl(path: &Path, incoming: &mut Incoming) -> Result<(), ImportError> {
    let text = super::read_text(path)?;
    for (n, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let input: DocumentIn = serde_json::from_str(line).map_err(|err| super::json_error(path, Some(n + 1), &err))?;
        let doc = document(input, format!("line {}", n + 1), path, &mut incoming.memos, &mut incoming.annotators)?;
        incoming.documents.push(doc);
    }
    Ok(())
}

pub fn read(paths: &[PathBuf]) -> Result<Incoming, ImportError> {
    let mut incoming = Incoming::default();
    for path in paths {
        let text_start = {
            use std::io::Read;
            let mut head = [0u8; 64];
            let n = std::fs::File::open(path)
                .and_then(|mut f| f.read(&mut head))
                .map_err(|err| ImportError::Io { path: path.clone(), reason: err.to_string() })?;
            String::from_utf8_lossy(&head[..n]).trim_start_matches('\u{feff}').trim_start().to_owned()
        };
        // A json export is one object with a "format" field; a jsonl line is a document.
        let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
        let whole_file = match extension.as_str() {
            "json" => true,
            "jsonl" | "ndjson" => false,
            _ => text_start.starts_with("{\"format\""),
        };
        if whole_file {
            read_json(path, &mut incoming)?;
        } else {
            read_jsonl(path, &mut incoming)?;
        }
    }
    Ok(incoming)
}
