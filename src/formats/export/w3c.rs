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

use std::collections::HashMap;
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

/// JSON written once and reused: the creator of each annotator, the label body of each label.
struct Cached {
    creators: HashMap<String, String>,
    labels: HashMap<String, String>,
}

impl Cached {
    fn creator(&mut self, job: &Job, annotator_id: &str) -> &str {
        self.creators.entry(annotator_id.to_owned()).or_insert_with(|| creator(job, annotator_id).to_string())
    }

    fn label(&mut self, job: &Job, label_id: &str) -> &str {
        self.labels.entry(label_id.to_owned()).or_insert_with(|| {
            json!({
                "id": format!("urn:spanwise:label:{}", urn_part(label_id)),
                "type": "TextualBody",
                "purpose": "classifying",
                "value": job.label_name(label_id),
            })
            .to_string()
        })
    }
}

fn string(out: &mut Vec<u8>, text: &str) {
    // Serializing a str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// One annotation as compact JSON, appended to `out` (the hot path: no `Value` tree).
fn write_annotation(
    out: &mut Vec<u8>,
    cached: &mut Cached,
    job: &Job,
    document: &Document,
    source: &str,
    scope: Option<&str>,
    annotation: &Annotation,
) {
    use std::io::Write as _;
    let _ = write!(
        out,
        "{{\"id\":\"{}\",\"type\":\"Annotation\",\"motivation\":\"classifying\",\"created\":\"{}\",\"modified\":\"{}\",\"creator\":",
        annotation_iri(annotation.id.0),
        timestamp(&annotation.created),
        timestamp(&annotation.modified)
    );
    out.extend_from_slice(cached.creator(job, &annotation.annotator).as_bytes());
    out.extend_from_slice(b",\"body\":[");
    out.extend_from_slice(cached.label(job, &annotation.label).as_bytes());
    if !annotation.attributes.is_empty() {
        let attributes: serde_json::Map<String, Json> =
            annotation.attributes.iter().map(|(k, v)| (k.clone(), meta::value_json(v))).collect();
        out.extend_from_slice(
            b",{\"type\":\"TextualBody\",\"purpose\":\"describing\",\"format\":\"application/json\",\"value\":",
        );
        string(out, &Json::Object(attributes).to_string());
        out.push(b'}');
    }
    if !annotation.note.is_empty() {
        out.extend_from_slice(b",{\"type\":\"TextualBody\",\"purpose\":\"commenting\",\"value\":");
        string(out, &annotation.note);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"target\":");
    let several = annotation.fragments.len() > 1;
    if several {
        out.push(b'[');
    }
    for (i, fragment) in annotation.fragments.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let (prefix, suffix) = context(document, fragment.start, fragment.end);
        out.extend_from_slice(b"{\"source\":");
        string(out, source);
        if let Some(scope) = scope {
            out.extend_from_slice(b",\"scope\":");
            string(out, scope);
        }
        let _ = write!(
            out,
            ",\"selector\":[{{\"type\":\"TextPositionSelector\",\"start\":{},\"end\":{}}},{{\"type\":\"TextQuoteSelector\",\"exact\":",
            fragment.start, fragment.end
        );
        string(out, &fragment.text);
        out.extend_from_slice(b",\"prefix\":");
        string(out, &prefix);
        out.extend_from_slice(b",\"suffix\":");
        string(out, &suffix);
        out.extend_from_slice(b"}]}");
    }
    if several {
        out.push(b']');
    }
    out.push(b'}');
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
    let mut cached = Cached { creators: HashMap::new(), labels: HashMap::new() };
    let documents = job.documents.clone();
    for document in documents {
        let source = source_iri(document);
        let scope = meta::standard(document, "url");
        job.advance(Job::text_units(document))?;
        let mut line: Vec<u8> = Vec::with_capacity(2048);
        for annotation in &document.annotations {
            line.clear();
            line.extend_from_slice(if first { b"\n" } else { b",\n" });
            first = false;
            write_annotation(&mut line, &mut cached, job, document, &source, scope.as_deref(), annotation);
            file.write_all(&line).map_err(&err)?;
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
