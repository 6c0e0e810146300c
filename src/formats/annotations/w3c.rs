//! Reads W3C Web Annotation JSON-LD in its usual compacted form (the `anno.jsonld` context): an
//! `AnnotationCollection` (its `first` page's `items`), an `AnnotationPage`, a list of
//! annotations or one annotation. Targets are grouped by `source`; a source named
//! `urn:spanwise:text:<sha256>` (or any IRI holding a SHA-256) is matched with the project's
//! document of that text, others by their `scope` URL or by where their quotes are found. The
//! positions come from `TextPositionSelector`, the quote and context from `TextQuoteSelector`.
//! Bodies: `classifying`/`tagging` the label, a JSON `describing` body the attributes,
//! `commenting` the note. A `linking` annotation between two annotations is a relation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::{ImportError, Incoming, IncomingAnnotation, IncomingDocument, IncomingFragment, IncomingRelation};
use crate::formats::export::w3c::urn_part_decode;
use crate::model::ItemId;

/// A value or a list of values, as a list.
fn many(value: Option<&Json>) -> Vec<&Json> {
    match value {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    }
}

fn iri(value: &Json) -> Option<&str> {
    match value {
        Json::String(s) => Some(s),
        Json::Object(o) => o.get("id").or_else(|| o.get("@id")).and_then(Json::as_str),
        _ => None,
    }
}

fn types(value: &Json) -> Vec<&str> {
    many(value.get("type").or_else(|| value.get("@type"))).into_iter().filter_map(Json::as_str).collect()
}

/// A 64-hex-digit SHA-256 inside an IRI.
fn sha256_in(iri: &str) -> Option<String> {
    let lower = iri.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut run = 0;
    for (i, b) in bytes.iter().enumerate() {
        if b.is_ascii_hexdigit() {
            run += 1;
            let next_hex = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit);
            if run == 64 && !next_hex {
                return Some(lower[i + 1 - 64..=i].to_owned());
            }
        } else {
            run = 0;
        }
    }
    None
}

fn item_id(iri: &str, kind: &str) -> Option<ItemId> {
    iri.strip_prefix(&format!("urn:spanwise:{kind}:")).and_then(|n| n.parse().ok()).map(ItemId)
}

struct Source {
    document: usize,
}

fn annotations_in(json: &Json) -> Vec<&Json> {
    if json.is_array() {
        return many(Some(json));
    }
    let kinds = types(json);
    if kinds.contains(&"AnnotationCollection") {
        let mut items = Vec::new();
        let mut page = json.get("first");
        while let Some(p) = page {
            items.extend(many(p.get("items")));
            page = p.get("next").filter(|n| n.is_object());
        }
        return items;
    }
    if kinds.contains(&"AnnotationPage") {
        return many(json.get("items"));
    }
    vec![json]
}

fn read_file(path: &Path, incoming: &mut Incoming) -> Result<(), ImportError> {
    let text = super::read_text(path)?;
    let json: Json =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|err| super::json_error(path, None, &err))?;
    if incoming.project_name.is_none() {
        incoming.project_name = json.get("label").and_then(Json::as_str).map(str::to_owned);
    }
    let mut sources: BTreeMap<String, Source> = BTreeMap::new();
    let mut annotation_document: BTreeMap<String, usize> = BTreeMap::new();
    let mut links: Vec<(usize, &Json)> = Vec::new();
    for (n, annotation) in annotations_in(&json).into_iter().enumerate() {
        let invalid = |message: String| ImportError::invalid(path, format!("annotation {}: {message}", n + 1));
        if !types(annotation).contains(&"Annotation") {
            return Err(invalid("not of type Annotation".into()));
        }
        let motivations: Vec<&str> = many(annotation.get("motivation")).into_iter().filter_map(Json::as_str).collect();
        let id = annotation.get("id").and_then(Json::as_str).unwrap_or_default().to_owned();
        let targets = many(annotation.get("target"));
        if motivations.contains(&"linking") && targets.iter().all(|t| t.is_string()) {
            links.push((n, annotation));
            continue;
        }
        let mut label = None;
        let mut note = Vec::new();
        let mut attributes = BTreeMap::new();
        for body in many(annotation.get("body")).into_iter().chain(many(annotation.get("bodyValue"))) {
            let purpose: Vec<&str> = many(body.get("purpose")).into_iter().filter_map(Json::as_str).collect();
            let value = body.get("value").and_then(Json::as_str);
            let body_id = iri(body).unwrap_or_default();
            if let Some(text) = body.as_str().filter(|_| !body_id.is_empty() || body.is_string()) {
                // A plain string body (bodyValue): a comment.
                if !text.starts_with("urn:") && !text.starts_with("http") {
                    note.push(text.to_owned());
                }
                continue;
            }
            if let Some(label_id) = body_id.strip_prefix("urn:spanwise:label:") {
                label = Some(urn_part_decode(label_id));
            } else if purpose.iter().any(|p| *p == "classifying" || *p == "tagging") && label.is_none() {
                label = value.map(str::to_owned);
            } else if purpose.contains(&"describing")
                && body.get("format").and_then(Json::as_str) == Some("application/json")
                && let Some(Ok(Json::Object(object))) = value.map(serde_json::from_str::<Json>)
            {
                attributes.extend(object);
            } else if let Some(value) = value {
                note.push(value.to_owned());
            }
        }
        let Some(label) = label else {
            return Err(invalid("no classifying or tagging body names a label".into()));
        };
        let mut fragments = Vec::new();
        let mut source_iri = None;
        let mut scope = None;
        for target in targets {
            let Some(source) = target.get("source").and_then(iri) else {
                return Err(invalid("a target without a source".into()));
            };
            source_iri.get_or_insert_with(|| source.to_owned());
            if scope.is_none() {
                scope = target.get("scope").and_then(iri).map(str::to_owned);
            }
            let mut fragment = IncomingFragment::default();
            let mut position = None;
            for selector in many(target.get("selector")) {
                let kinds = types(selector);
                let number = |key: &str| selector.get(key).and_then(Json::as_u64).map(|n| n as usize);
                if kinds.contains(&"TextPositionSelector") {
                    position = number("start").zip(number("end"));
                } else if kinds.contains(&"TextQuoteSelector") {
                    let text = |key: &str| selector.get(key).and_then(Json::as_str).map(str::to_owned);
                    fragment.quote = text("exact");
                    fragment.prefix = text("prefix");
                    fragment.suffix = text("suffix");
                }
            }
            match (position, &fragment.quote) {
                (Some((start, end)), _) => {
                    fragment.start = start;
                    fragment.end = end;
                }
                (None, Some(quote)) => {
                    // Only a quote: no position hint.
                    fragment.start = 0;
                    fragment.end = quote.chars().count();
                }
                (None, None) => return Err(invalid("a target with neither a position nor a quote".into())),
            }
            fragments.push(fragment);
        }
        fragments.sort_by_key(|f| f.start);
        let Some(source_iri) = source_iri else { return Err(invalid("no target".into())) };
        let document = match sources.get(&source_iri) {
            Some(source) => source.document,
            None => {
                let index = incoming.documents.len();
                incoming.documents.push(IncomingDocument {
                    origin: format!("{}, source {source_iri}", path.display()),
                    name: source_iri.clone(),
                    sha256: sha256_in(&source_iri),
                    url: scope.clone(),
                    ..Default::default()
                });
                sources.insert(source_iri.clone(), Source { document: index });
                index
            }
        };
        let creator = annotation.get("creator");
        let annotator = creator.and_then(|c| {
            iri(c)
                .and_then(|i| i.strip_prefix("urn:spanwise:annotator:").map(urn_part_decode))
                .or_else(|| c.get("nickname").and_then(Json::as_str).map(str::to_owned))
                .or_else(|| c.get("name").and_then(Json::as_str).map(str::to_owned))
                .or_else(|| c.as_str().map(str::to_owned))
        });
        let time = |key: &str| annotation.get(key).and_then(Json::as_str).and_then(super::parse_time);
        annotation_document.insert(id.clone(), document);
        incoming.documents[document].annotations.push(IncomingAnnotation {
            key: id.clone(),
            id: item_id(&id, "annotation"),
            label,
            fragments,
            annotator,
            created: time("created"),
            modified: time("modified"),
            note: note.join("\n"),
            attributes,
            problem: None,
        });
    }
    for (n, link) in links {
        let from = many(link.get("target")).first().and_then(|t| t.as_str()).unwrap_or_default().to_owned();
        let mut to = None;
        let mut kind = None;
        let mut note = Vec::new();
        for body in many(link.get("body")) {
            if let Some(target) = body.as_str() {
                to = Some(target.to_owned());
                continue;
            }
            let body_id = iri(body).unwrap_or_default();
            let value = body.get("value").and_then(Json::as_str);
            let purpose: Vec<&str> = many(body.get("purpose")).into_iter().filter_map(Json::as_str).collect();
            if let Some(type_id) = body_id.strip_prefix("urn:spanwise:relation-type:") {
                kind = Some(urn_part_decode(type_id));
            } else if purpose.contains(&"classifying") || purpose.contains(&"tagging") {
                kind = kind.or(value.map(str::to_owned));
            } else if types(body).contains(&"SpecificResource") || body.get("source").is_some() {
                to = to.or(body.get("source").and_then(iri).map(str::to_owned));
            } else if let Some(value) = value {
                note.push(value.to_owned());
            }
        }
        let (Some(to), Some(&document)) = (to, annotation_document.get(&from)) else {
            incoming.notes.push(format!(
                "{}: linking annotation {} does not link two annotations of this file; not imported",
                path.display(),
                n + 1
            ));
            continue;
        };
        let id = link.get("id").and_then(Json::as_str).unwrap_or_default();
        let annotator = link.get("creator").and_then(|c| {
            iri(c)
                .and_then(|i| i.strip_prefix("urn:spanwise:annotator:").map(urn_part_decode))
                .or_else(|| c.get("name").and_then(Json::as_str).map(str::to_owned))
        });
        let time = |key: &str| link.get(key).and_then(Json::as_str).and_then(super::parse_time);
        incoming.documents[document].relations.push(IncomingRelation {
            id: item_id(id, "relation"),
            kind: kind.unwrap_or_else(|| "linking".into()),
            from,
            to,
            annotator,
            created: time("created"),
            modified: time("modified"),
            note: note.join("\n"),
        });
    }
    Ok(())
}

pub fn read(paths: &[PathBuf]) -> Result<Incoming, ImportError> {
    let mut incoming = Incoming::default();
    for path in paths {
        read_file(path, &mut incoming)?;
    }
    Ok(incoming)
}
