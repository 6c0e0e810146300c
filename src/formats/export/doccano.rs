//! `doccano`: JSON Lines, one document per line, in doccano's import format for sequence
//! labelling: `{"text", "label": [[start, end, "Label name"], …]}`, or, when the exported
//! documents have relations, the relation form `{"text", "entities": [{id, start_offset,
//! end_offset, label}], "relations": [{id, from_id, to_id, type}]}`. Other keys (document id,
//! name, metadata) become the example's metadata in doccano.
//!
//! Offsets are UTF-16 code units by default (doccano's current web UI counts them; an emoji
//! outside the BMP is 2), or code points with [`OffsetUnit::CodePoints`]. doccano has no
//! discontinuous spans (each fragment is a span of its own), no attributes and no annotator per
//! span.

use std::io::Write;
use std::path::Path;

use serde_json::{Value as Json, json};

use super::output::{AtomicFile, io_at};
use super::{ExportError, Job, OffsetUnit, meta};
use crate::model::Document;

fn offset(document: &Document, unit: OffsetUnit, char_offset: usize) -> usize {
    match unit {
        OffsetUnit::CodePoints => char_offset,
        OffsetUnit::Utf16 => document.index().char_to_utf16(&document.text, char_offset).unwrap_or(char_offset),
    }
}

pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let mut file = AtomicFile::create(out)?;
    let err = io_at(out);
    let unit = job.options.doccano_offsets;
    let with_relations = job.documents.iter().any(|d| !d.relations.is_empty());
    let documents = job.documents.clone();
    for document in documents {
        let mut line = serde_json::Map::new();
        line.insert("text".into(), document.text.as_str().into());
        let mut spans = Vec::new();
        let mut first_entity = std::collections::HashMap::new();
        for annotation in &document.annotations {
            let label = job.label_name(&annotation.label).to_owned();
            for fragment in &annotation.fragments {
                let id = spans.len();
                first_entity.entry(annotation.id).or_insert(id);
                spans.push((
                    id,
                    offset(document, unit, fragment.start),
                    offset(document, unit, fragment.end),
                    label.clone(),
                ));
            }
            job.advance(1)?;
        }
        if with_relations {
            let entities: Vec<Json> = spans
                .iter()
                .map(|(id, start, end, label)| json!({"id": id, "start_offset": start, "end_offset": end, "label": label}))
                .collect();
            let relations: Vec<Json> = document
                .relations
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    Some(json!({"id": i, "from_id": first_entity.get(&r.from)?, "to_id": first_entity.get(&r.to)?,
                                "type": job.relation_name(&r.kind)}))
                })
                .collect();
            line.insert("entities".into(), entities.into());
            line.insert("relations".into(), relations.into());
        } else {
            let label: Vec<Json> = spans.iter().map(|(_, start, end, label)| json!([start, end, label])).collect();
            line.insert("label".into(), label.into());
        }
        line.insert("spanwise_document_id".into(), document.id.clone().into());
        line.insert("spanwise_sha256".into(), document.sha256.clone().into());
        line.insert("name".into(), document.name.clone().into());
        for (key, value) in meta::metadata_json(document) {
            line.entry(key).or_insert(value);
        }
        serde_json::to_writer(&mut file, &Json::Object(line))
            .map_err(|e| ExportError::Io { path: out.to_owned(), reason: e.to_string() })?;
        file.write_all(b"\n").map_err(&err)?;
        job.advance(Job::text_units(document))?;
    }
    let discontinuous = job.documents.iter().flat_map(|d| &d.annotations).filter(|a| a.fragments.len() > 1).count();
    if discontinuous > 0 {
        job.note(format!("{discontinuous} discontinuous annotations are one doccano span per fragment"));
    }
    let with_attributes =
        job.documents.iter().flat_map(|d| &d.annotations).filter(|a| !a.attributes.is_empty()).count();
    if with_attributes > 0 {
        job.note(format!("{with_attributes} annotations have attributes, which doccano cannot hold"));
    }
    job.note(match unit {
        OffsetUnit::Utf16 => {
            "offsets are UTF-16 code units, as doccano's web UI counts (an emoji outside the BMP is 2)"
        }
        OffsetUnit::CodePoints => "offsets are code points (Python string indices)",
    });
    file.commit()
}
