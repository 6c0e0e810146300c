//! Reads doccano JSONL: `{"text", "label": [[start, end, "Label"], …]}` (sequence labelling),
//! or `{"text", "entities": [{id, start_offset, end_offset, label}], "relations": [{from_id,
//! to_id, type}]}`. Offsets count UTF-16 code units by default (doccano's current UI) or code
//! points; an offset inside a surrogate pair means the other unit was meant, and says so. Other
//! keys become document metadata.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::{
    ImportError, Incoming, IncomingAnnotation, IncomingDocument, IncomingFragment, IncomingRelation, Normalized,
};
use crate::formats::export::OffsetUnit;

fn read_line(
    json: &Json,
    line_no: usize,
    path: &Path,
    unit: OffsetUnit,
    incoming: &mut Incoming,
) -> Result<(), ImportError> {
    let invalid = |message: String| ImportError::invalid(path, format!("line {line_no}: {message}"));
    let object = json.as_object().ok_or_else(|| invalid("expected a JSON object".into()))?;
    let raw = object
        .get("text")
        .or_else(|| object.get("data"))
        .and_then(Json::as_str)
        .ok_or_else(|| invalid("no \"text\"".into()))?;
    let normalized = Normalized::new(raw);
    let utf16 = (unit == OffsetUnit::Utf16).then(|| super::Utf16Map::new(raw));
    let raw_chars = raw.chars().count();
    let to_chars = |offset: usize, what: &str| -> Result<usize, ImportError> {
        let chars = match &utf16 {
            Some(map) => map.to_chars(offset).ok_or_else(|| {
                invalid(format!(
                    "{what} {offset} is inside a character (between the two UTF-16 units of an emoji) or past the \
                     end; were the offsets counted in code points? Try --doccano-offsets code-points"
                ))
            })?,
            None => {
                if offset > raw_chars {
                    return Err(invalid(format!(
                        "{what} {offset} is past the end of the text ({raw_chars} characters)"
                    )));
                }
                offset
            }
        };
        Ok(normalized.map(chars).unwrap_or(chars))
    };
    let name = object.get("name").and_then(Json::as_str).map(str::to_owned).unwrap_or_else(|| {
        format!("{} line {line_no}", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default())
    });
    let mut doc = IncomingDocument {
        origin: format!("{}, line {line_no}", path.display()),
        id: object.get("spanwise_document_id").and_then(Json::as_str).map(str::to_owned),
        name,
        ..Default::default()
    };
    let mut spans: Vec<(String, usize, usize, String)> = Vec::new();
    if let Some(label) = object.get("label").or_else(|| object.get("labels")).and_then(Json::as_array) {
        for (i, item) in label.iter().enumerate() {
            let parts =
                item.as_array().ok_or_else(|| invalid(format!("label {}: expected [start, end, label]", i + 1)))?;
            let (Some(start), Some(end), Some(label)) = (
                parts.first().and_then(Json::as_u64),
                parts.get(1).and_then(Json::as_u64),
                parts.get(2).and_then(Json::as_str),
            ) else {
                return Err(invalid(format!("label {}: expected [start, end, \"label\"], found {item}", i + 1)));
            };
            spans.push((i.to_string(), start as usize, end as usize, label.to_owned()));
        }
    }
    if let Some(entities) = object.get("entities").and_then(Json::as_array) {
        for (i, entity) in entities.iter().enumerate() {
            let number = |key: &str| entity.get(key).and_then(Json::as_u64).map(|n| n as usize);
            let (Some(start), Some(end), Some(label)) =
                (number("start_offset"), number("end_offset"), entity.get("label").and_then(Json::as_str))
            else {
                return Err(invalid(format!("entity {}: needs start_offset, end_offset and label", i + 1)));
            };
            let key = entity.get("id").map_or(format!("e{i}"), |id| id.to_string());
            spans.push((key, start, end, label.to_owned()));
        }
    }
    for (key, start, end, label) in spans {
        if end < start {
            return Err(invalid(format!("span {start}..{end} ends before it starts")));
        }
        doc.annotations.push(IncomingAnnotation {
            key,
            label,
            fragments: vec![IncomingFragment {
                start: to_chars(start, "offset")?,
                end: to_chars(end, "offset")?,
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    if let Some(relations) = object.get("relations").and_then(Json::as_array) {
        for relation in relations {
            let (Some(from), Some(to)) = (relation.get("from_id"), relation.get("to_id")) else { continue };
            let kind = relation.get("type").and_then(Json::as_str).unwrap_or("related");
            doc.relations.push(IncomingRelation {
                kind: kind.to_owned(),
                from: from.to_string(),
                to: to.to_string(),
                ..Default::default()
            });
        }
    }
    for (key, value) in object {
        if matches!(
            key.as_str(),
            "text"
                | "data"
                | "label"
                | "labels"
                | "entities"
                | "relations"
                | "name"
                | "spanwise_document_id"
                | "spanwise_sha256"
                | "id"
        ) {
            continue;
        }
        match value {
            Json::String(text) => {
                doc.metadata.insert(key.clone(), text.clone());
            }
            Json::Null => {}
            other => {
                doc.variables.insert(key.clone(), other.clone());
            }
        }
    }
    doc.set_text(normalized.text);
    incoming.documents.push(doc);
    Ok(())
}

pub fn read(paths: &[PathBuf], unit: OffsetUnit) -> Result<Incoming, ImportError> {
    let mut incoming = Incoming::default();
    for path in paths {
        let text = super::read_text(path)?;
        for (n, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let json: Json = serde_json::from_str(line).map_err(|err| super::json_error(path, Some(n + 1), &err))?;
            read_line(&json, n + 1, path, unit, &mut incoming)?;
        }
    }
    Ok(incoming)
}
