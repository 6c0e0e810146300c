//! `json` (one file: project, codebook, annotators, documents, memos) and `jsonl` (one document
//! per line, the same document objects). Offsets are code points. The shape is described by
//! `docs/export.schema.json`.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::Value as Json;

use super::output::{AtomicFile, io_at};
use super::{ExportError, Job, meta, timestamp};
use crate::model::{Annotation, Codebook, Document, Memo, MemoTarget, Project, Relation, ValueKind};

/// The `format` field of a `json` export.
pub const FORMAT_NAME: &str = "spanwise-export";
/// The version of the export shape (bumped on incompatible changes).
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct FragmentOut<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct AnnotationOut<'a> {
    id: u64,
    label: &'a str,
    label_name: &'a str,
    start: usize,
    end: usize,
    text: String,
    fragments: Vec<FragmentOut<'a>>,
    attributes: serde_json::Map<String, Json>,
    annotator: &'a str,
    annotator_name: &'a str,
    created: String,
    modified: String,
    note: &'a str,
}

#[derive(Serialize)]
struct RelationOut<'a> {
    id: u64,
    #[serde(rename = "type")]
    kind: &'a str,
    type_name: &'a str,
    directed: bool,
    from: u64,
    to: u64,
    annotator: &'a str,
    annotator_name: &'a str,
    created: String,
    modified: String,
    note: &'a str,
}

#[derive(Serialize)]
pub struct MemoOut<'a> {
    id: u64,
    target: Json,
    title: &'a str,
    text: &'a str,
    author: &'a str,
    created: String,
    modified: String,
}

pub fn memo_target_json(target: &MemoTarget) -> Json {
    match target {
        MemoTarget::Project => serde_json::json!({"type": "project"}),
        MemoTarget::Document(id) => serde_json::json!({"type": "document", "id": id}),
        MemoTarget::Label(id) => serde_json::json!({"type": "label", "id": id}),
        MemoTarget::Annotation(id) => serde_json::json!({"type": "annotation", "id": id.0}),
    }
}

fn memo_out(memo: &Memo) -> MemoOut<'_> {
    MemoOut {
        id: memo.id.0,
        target: memo_target_json(&memo.target),
        title: &memo.title,
        text: &memo.text,
        author: &memo.author,
        created: timestamp(&memo.created),
        modified: timestamp(&memo.modified),
    }
}

fn annotation_out<'a>(job: &'a Job, annotation: &'a Annotation) -> AnnotationOut<'a> {
    AnnotationOut {
        id: annotation.id.0,
        label: &annotation.label,
        label_name: job.label_name(&annotation.label),
        start: annotation.start(),
        end: annotation.end(),
        text: annotation.text(),
        fragments: annotation
            .fragments
            .iter()
            .map(|f| FragmentOut { start: f.start, end: f.end, text: &f.text })
            .collect(),
        attributes: annotation.attributes.iter().map(|(k, v)| (k.clone(), meta::value_json(v))).collect(),
        annotator: &annotation.annotator,
        annotator_name: job.annotator_name(&annotation.annotator),
        created: timestamp(&annotation.created),
        modified: timestamp(&annotation.modified),
        note: &annotation.note,
    }
}

fn relation_out<'a>(job: &'a Job, relation: &'a Relation) -> RelationOut<'a> {
    RelationOut {
        id: relation.id.0,
        kind: &relation.kind,
        type_name: job.relation_name(&relation.kind),
        directed: job.project.codebook.relation_type(&relation.kind).is_none_or(|r| r.directed),
        from: relation.from.0,
        to: relation.to.0,
        annotator: &relation.annotator,
        annotator_name: job.annotator_name(&relation.annotator),
        created: timestamp(&relation.created),
        modified: timestamp(&relation.modified),
        note: &relation.note,
    }
}

/// Memos about this document or one of its annotations.
fn document_memos<'p>(project: &'p Project, document: &Document) -> Vec<&'p Memo> {
    project
        .memos
        .iter()
        .filter(|memo| match &memo.target {
            MemoTarget::Document(id) => *id == document.id,
            MemoTarget::Annotation(id) => document.annotations.iter().any(|a| a.id == *id),
            _ => false,
        })
        .collect()
}

/// Every annotator's status on `document`: "not started", "in progress" or "done" (what they
/// said, else "in progress" once they have an annotation or relation there).
fn coding_status(project: &Project, document: &Document) -> serde_json::Map<String, Json> {
    let working: std::collections::HashSet<&str> = document
        .annotations
        .iter()
        .map(|a| a.annotator.as_str())
        .chain(document.relations.iter().map(|r| r.annotator.as_str()))
        .collect();
    project
        .annotators
        .iter()
        .map(|a| {
            let status = match document.status.get(&a.id) {
                Some(status) => *status,
                None if working.contains(a.id.as_str()) => crate::model::CodingStatus::InProgress,
                None => crate::model::CodingStatus::NotStarted,
            };
            (a.id.clone(), Json::String(status.name().to_owned()))
        })
        .collect()
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    io_at(path)
}

fn json_err(path: &Path) -> impl Fn(serde_json::Error) -> ExportError + '_ {
    move |err| ExportError::Io { path: path.to_owned(), reason: err.to_string() }
}

/// Writes one document object (one line, no trailing newline); annotations one per line inside
/// when `one_per_line` (the `json` file), all on one line otherwise (`jsonl`).
fn write_document(
    job: &mut Job,
    document: &Document,
    out: &mut dyn Write,
    path: &Path,
    one_per_line: bool,
) -> Result<(), ExportError> {
    let err = write_err(path);
    let jerr = json_err(path);
    let newline: &[u8] = if one_per_line { b"\n" } else { b"" };
    out.write_all(b"{\"id\":").map_err(&err)?;
    serde_json::to_writer(&mut *out, &document.id).map_err(&jerr)?;
    out.write_all(b",\"name\":").map_err(&err)?;
    serde_json::to_writer(&mut *out, &document.name).map_err(&jerr)?;
    out.write_all(b",\"sha256\":").map_err(&err)?;
    serde_json::to_writer(&mut *out, &document.sha256).map_err(&jerr)?;
    write!(out, ",\"characters\":{}", document.char_len()).map_err(&err)?;
    out.write_all(b",\"metadata\":").map_err(&err)?;
    serde_json::to_writer(&mut *out, &meta::metadata_json(document)).map_err(&jerr)?;
    out.write_all(b",\"variables\":").map_err(&err)?;
    let variables: Vec<&String> = document.variables.keys().collect();
    serde_json::to_writer(&mut *out, &variables).map_err(&jerr)?;
    out.write_all(b",\"coding_status\":").map_err(&err)?;
    serde_json::to_writer(&mut *out, &coding_status(job.project, document)).map_err(&jerr)?;
    out.write_all(b",\"text\":").map_err(&err)?;
    out.write_all(&serde_json::to_vec(&document.text).map_err(&jerr)?).map_err(&err)?;
    job.advance(super::Job::text_units(document))?;
    out.write_all(b",\"annotations\":[").map_err(&err)?;
    // Each item is serialized into memory first: serde_json writes in many small pieces.
    let mut buffer: Vec<u8> = Vec::with_capacity(1024);
    for (i, annotation) in document.annotations.iter().enumerate() {
        buffer.clear();
        if i > 0 {
            buffer.push(b',');
        }
        buffer.extend_from_slice(newline);
        serde_json::to_writer(&mut buffer, &annotation_out(job, annotation)).map_err(&jerr)?;
        out.write_all(&buffer).map_err(&err)?;
        job.advance(1)?;
    }
    out.write_all(b"],\"relations\":[").map_err(&err)?;
    for (i, relation) in document.relations.iter().enumerate() {
        buffer.clear();
        if i > 0 {
            buffer.push(b',');
        }
        buffer.extend_from_slice(newline);
        serde_json::to_writer(&mut buffer, &relation_out(job, relation)).map_err(&jerr)?;
        out.write_all(&buffer).map_err(&err)?;
        job.advance(1)?;
    }
    out.write_all(b"],\"memos\":").map_err(&err)?;
    let memos: Vec<MemoOut> = document_memos(job.project, document).into_iter().map(memo_out).collect();
    serde_json::to_writer(&mut *out, &memos).map_err(&jerr)?;
    out.write_all(b"}").map_err(&err)?;
    Ok(())
}

/// The codebook as JSON (kinds as `{"type": "choice", "options": [...]}` etc.).
pub fn codebook_json(codebook: &Codebook) -> Json {
    let kind = |kind: &ValueKind| match kind {
        ValueKind::Text => serde_json::json!({"type": "text"}),
        ValueKind::Number => serde_json::json!({"type": "number"}),
        ValueKind::Bool => serde_json::json!({"type": "bool"}),
        ValueKind::Choice(options) => serde_json::json!({"type": "choice", "options": options}),
        ValueKind::MultiChoice(options) => serde_json::json!({"type": "multi_choice", "options": options}),
        ValueKind::Date => serde_json::json!({"type": "date"}),
    };
    serde_json::json!({
        "labels": codebook.labels.iter().map(|l| serde_json::json!({
            "id": l.id, "name": l.name, "color": l.color,
            "hotkey": l.hotkey.map(|c| c.to_string()),
            "definition": l.definition, "examples": l.examples,
        })).collect::<Vec<_>>(),
        "relation_types": codebook.relation_types.iter().map(|r| serde_json::json!({
            "id": r.id, "name": r.name, "from_labels": r.from_labels, "to_labels": r.to_labels,
            "directed": r.directed, "definition": r.definition,
        })).collect::<Vec<_>>(),
        "attributes": codebook.attributes.iter().map(|a| serde_json::json!({
            "id": a.id, "name": a.name, "kind": kind(&a.kind), "labels": a.labels, "definition": a.definition,
        })).collect::<Vec<_>>(),
        "document_fields": codebook.document_fields.iter().map(|f| serde_json::json!({
            "id": f.id, "name": f.name, "kind": kind(&f.kind), "definition": f.definition,
        })).collect::<Vec<_>>(),
    })
}

pub fn write_json(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let mut file = AtomicFile::create(out)?;
    let err = write_err(out);
    let jerr = json_err(out);
    let project = job.project;
    let header = serde_json::json!({
        "name": project.name,
        "description": project.description,
        "created": timestamp(&project.created),
        "blind_coding": project.blind_coding,
        "exported": timestamp(&job.exported_at()),
        "generator": format!("Spanwise {}", env!("CARGO_PKG_VERSION")),
    });
    write!(file, "{{\"format\":\"{FORMAT_NAME}\",\"version\":{FORMAT_VERSION},\n\"project\":").map_err(&err)?;
    serde_json::to_writer(&mut file, &header).map_err(&jerr)?;
    file.write_all(b",\n\"codebook\":").map_err(&err)?;
    serde_json::to_writer(&mut file, &codebook_json(&project.codebook)).map_err(&jerr)?;
    file.write_all(b",\n\"annotators\":").map_err(&err)?;
    let annotators: Vec<Json> =
        project.annotators.iter().map(|a| serde_json::json!({"id": a.id, "name": a.name})).collect();
    serde_json::to_writer(&mut file, &annotators).map_err(&jerr)?;
    file.write_all(b",\n\"documents\":[").map_err(&err)?;
    let documents = job.documents.clone();
    for (i, document) in documents.iter().enumerate() {
        file.write_all(if i == 0 { b"\n" } else { b",\n" }).map_err(&err)?;
        write_document(job, document, &mut file, out, true)?;
    }
    file.write_all(b"],\n\"memos\":").map_err(&err)?;
    let memos: Vec<MemoOut> = project
        .memos
        .iter()
        .filter(|m| matches!(m.target, MemoTarget::Project | MemoTarget::Label(_)))
        .map(memo_out)
        .collect();
    serde_json::to_writer(&mut file, &memos).map_err(&jerr)?;
    file.write_all(b"}\n").map_err(&err)?;
    file.commit()
}

pub fn write_jsonl(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let mut file = AtomicFile::create(out)?;
    let documents = job.documents.clone();
    for document in documents {
        write_document(job, document, &mut file, out, false)?;
        file.write_all(b"\n").map_err(write_err(out))?;
    }
    let left_out =
        job.project.memos.iter().filter(|m| matches!(m.target, MemoTarget::Project | MemoTarget::Label(_))).count();
    if left_out > 0 {
        job.note(format!(
            "{left_out} memos about the project or a label are not in JSON Lines (one line per document); the json format keeps them"
        ));
    }
    file.commit()
}
