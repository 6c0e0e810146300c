//! `w3c`: a W3C Web Annotation `AnnotationCollection` (JSON-LD, context
//! `http://www.w3.org/ns/anno.jsonld`) with one page holding every annotation and relation.
//!
//! - An annotation targets `urn:spanwise:text:<sha256 of the text>` with a
//!   `TextPositionSelector` (code points, as the model requires) and a `TextQuoteSelector`
//!   (`exact`, and 32 characters of `prefix`/`suffix` for re-anchoring, as Hypothesis stores).
//!   A discontinuous annotation has one target per fragment (the body applies to each).
//! - Bodies: the label (`classifying`, value the label name, id `urn:spanwise:label:<id>`), the
//!   attributes as one JSON `describing` body, the note as a `commenting` body.
//! - `creator` (the annotator), `created`, `modified`; ids `urn:spanwise:annotation:<id>`.
//! - A relation is a `linking` annotation: target the source annotation, bodies the relation type
//!   (`urn:spanwise:relation-type:<id>`) and the target annotation's IRI.

use std::io::Write;
use std::path::Path;

use serde_json::{Value as Json, json};

use super::output::{AtomicFile, io_at};
use super::{ExportError, Job, meta, timestamp};
use crate::model::{Annotation, Document, Relation};

/// The JSON-LD context every export names.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Characters of context kept in `prefix` and `suffix`.
pub const CONTEXT_CHARS: usize = 32;

/// Percent-encodes everything but unreserved ASCII, for ids inside URNs.
pub fn urn_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes [`urn_part`].
pub fn urn_part_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn source_iri(document: &Document) -> String {
    format!("urn:spanwise:text:{}", document.sha256)
}

pub fn annotation_iri(id: u64) -> String {
    format!("urn:spanwise:annotation:{id}")
}

fn creator(job: &Job, annotator_id: &str) -> Json {
    json!({
        "id": format!("urn:spanwise:annotator:{}", urn_part(annotator_id)),
        "type": "Person",
        "name": job.annotator_name(annotator_id),
        "nickname": annotator_id,
    })
}

/// The text before and after a code point range, at most [`CONTEXT_CHARS`] each.
pub fn context(document: &Document, start: usize, end: usize) -> (String, String) {
    let before = document.slice(start.saturating_sub(CONTEXT_CHARS)..start).unwrap_or_default().to_owned();
    let after_end = (end + CONTEXT_CHARS).min(document.char_len());
    let after = document.slice(end..after_end).unwrap_or_default().to_owned();
    (before, after)
}

fn annotation_json(job: &Job, document: &Document, source: &str, scope: Option<&str>, annotation: &Annotation) -> Json {
    let mut body = vec![json!({
        "id": format!("urn:spanwise:label:{}", urn_part(&annotation.label)),
        "type": "TextualBody",
        "purpose": "classifying",
        "value": job.label_name(&annotation.label),
    })];
    if !annotation.attributes.is_empty() {
        let attributes: serde_json::Map<String, Json> =
            annotation.attributes.iter().map(|(k, v)| (k.clone(), meta::value_json(v))).collect();
        body.push(json!({
            "type": "TextualBody",
            "purpose": "describing",
            "format": "application/json",
            "value": Json::Object(attributes).to_string(),
        }));
    }
    if !annotation.note.is_empty() {
        body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": annotation.note}));
    }
    let mut targets: Vec<Json> = annotation
        .fragments
        .iter()
        .map(|fragment| {
            let (prefix, suffix) = context(document, fragment.start, fragment.end);
            let mut target = json!({
                "source": source,
                "selector": [
                    {"type": "TextPositionSelector", "start": fragment.start, "end": fragment.end},
                    {"type": "TextQuoteSelector", "exact": fragment.text, "prefix": prefix, "suffix": suffix},
                ],
            });
            if let Some(scope) = scope {
                target["scope"] = scope.into();
            }
            target
        })
        .collect();
    let target = if targets.len() == 1 { targets.remove(0) } else { Json::Array(targets) };
    json!({
        "id": annotation_iri(annotation.id.0),
        "type": "Annotation",
        "motivation": "classifying",
        "created": timestamp(&annotation.created),
        "modified": timestamp(&annotation.modified),
        "creator": creator(job, &annotation.annotator),
        "body": body,
        "target": target,
    })
}

fn relation_json(job: &Job, relation: &Relation) -> Json {
    let mut body = vec![
        json!({
            "id": format!("urn:spanwise:relation-type:{}", urn_part(&relation.kind)),
            "type": "TextualBody",
            "purpose": "classifying",
            "value": job.relation_name(&relation.kind),
        }),
        Json::String(annotation_iri(relation.to.0)),
    ];
    if !relation.note.is_empty() {
        body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": relation.note}));
    }
    json!({
        "id": format!("urn:spanwise:relation:{}", relation.id.0),
        "type": "Annotation",
        "motivation": "linking",
        "created": timestamp(&relation.created),
        "modified": timestamp(&relation.modified),
        "creator": creator(job, &relation.annotator),
        "body": body,
        "target": annotation_iri(relation.from.0),
    })
}

pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let mut file = AtomicFile::create(out)?;
    let err = io_at(out);
    let jerr = |e: serde_json::Error| ExportError::Io { path: out.to_owned(), reason: e.to_string() };
    let total: usize = job.documents.iter().map(|d| d.annotations.len() + d.relations.len()).sum();
    let header = json!({
        "@context": CONTEXT,
        "id": format!("urn:spanwise:collection:{:016x}", meta::fnv(&format!("{}{}", job.project.name, timestamp(&job.project.created)))),
        "type": "AnnotationCollection",
        "label": job.project.name,
        "total": total,
        "generator": {"id": "urn:spanwise:app", "type": "Software", "name": format!("Spanwise {}", env!("CARGO_PKG_VERSION"))},
        "generated": timestamp(&job.exported_at()),
    });
    // The header without its closing brace, then the page.
    let header = header.to_string();
    file.write_all(&header.as_bytes()[..header.len() - 1]).map_err(&err)?;
    file.write_all(b",\n\"first\":{\"type\":\"AnnotationPage\",\"startIndex\":0,\"items\":[").map_err(&err)?;
    let mut first = true;
    let documents = job.documents.clone();
    for document in documents {
        let source = source_iri(document);
        let scope = meta::standard(document, "url");
        job.advance(Job::text_units(document))?;
        for annotation in &document.annotations {
            file.write_all(if first { b"\n" } else { b",\n" }).map_err(&err)?;
            first = false;
            serde_json::to_writer(&mut file, &annotation_json(job, document, &source, scope.as_deref(), annotation))
                .map_err(jerr)?;
            job.advance(1)?;
        }
        for relation in &document.relations {
            file.write_all(if first { b"\n" } else { b",\n" }).map_err(&err)?;
            first = false;
            serde_json::to_writer(&mut file, &relation_json(job, relation)).map_err(jerr)?;
            job.advance(1)?;
        }
    }
    file.write_all(b"\n]}}\n").map_err(&err)?;
    job.note("the document texts are not in the Web Annotation file; annotations point to them by SHA-256 (import them onto the same documents)");
    file.commit()
}
