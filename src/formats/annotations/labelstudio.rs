//! Reads Label Studio JSON: a list of tasks (its export, or its import format) with `data.text`
//! and `annotations` (or, when a task has none, `predictions`). `labels` regions become
//! annotations (code points into `data.text`), per-region `choices`/`number`/`textarea`/`rating`
//! results their attributes, region `meta.text` the note, `relation` results relations. The
//! conventions of Spanwise's export come back: region ids as annotation ids, fragments linked
//! by the `Spanwise fragment` relation, `spanwise_annotator`. Given the export folder, label
//! colors come from `labeling-config.xml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::{
    ForeignLabel, ImportError, Incoming, IncomingAnnotation, IncomingDocument, IncomingFragment, IncomingRelation,
    Normalized,
};
use crate::formats::export::labelstudio::FRAGMENT_RELATION;
use crate::model::ItemId;

/// Label names and colors from a labeling config (`<Label value=… background=…/>`).
fn labeling_config(path: &Path, labels: &mut Vec<ForeignLabel>) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    let mut reader = quick_xml::Reader::from_str(&text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(element) | quick_xml::events::Event::Empty(element))
                if element.local_name().as_ref() == b"Label" =>
            {
                let mut value = None;
                let mut color = None;
                for attribute in element.attributes().flatten() {
                    let text = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    match attribute.key.local_name().as_ref() {
                        b"value" => value = Some(text),
                        b"background" => color = Some(text),
                        _ => {}
                    }
                }
                if let Some(value) = value {
                    labels.push(ForeignLabel { key: value.clone(), name: value, color });
                }
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

/// A region id of Spanwise's export: the annotation id and the fragment index.
fn region_parts(region: &str) -> (String, usize) {
    match region.rsplit_once("_f") {
        Some((base, n)) if n.parse::<usize>().is_ok_and(|n| n >= 2) && !base.is_empty() => {
            (base.to_owned(), n.parse::<usize>().unwrap_or(2) - 1)
        }
        _ => (region.to_owned(), 0),
    }
}

fn annotator_of(completion: &Json) -> Option<String> {
    if let Some(id) = completion.get("spanwise_annotator").and_then(Json::as_str) {
        return Some(id.to_owned());
    }
    if let Some(name) = completion.get("created_username").and_then(Json::as_str) {
        let name = name.trim();
        // Label Studio writes " email, id".
        return Some(name.split(',').next().unwrap_or(name).trim().to_owned()).filter(|n| !n.is_empty());
    }
    match completion.get("completed_by") {
        Some(Json::Number(n)) => Some(format!("user {n}")),
        Some(Json::Object(user)) => user
            .get("email")
            .or_else(|| user.get("username"))
            .and_then(Json::as_str)
            .map(str::to_owned)
            .or_else(|| user.get("id").map(|id| format!("user {id}"))),
        _ => None,
    }
}

fn attribute_value(result: &Json) -> Option<Json> {
    let value = result.get("value")?;
    let kind = result.get("type").and_then(Json::as_str).unwrap_or_default();
    match kind {
        "choices" | "taxonomy" => {
            let choices: Vec<String> = value
                .get(kind)?
                .as_array()?
                .iter()
                .map(|c| match c {
                    Json::String(s) => s.clone(),
                    Json::Array(path) => path.iter().filter_map(Json::as_str).collect::<Vec<_>>().join("/"),
                    other => other.to_string(),
                })
                .collect();
            match choices.as_slice() {
                [one] if one == "true" || one == "false" => Some(Json::Bool(one == "true")),
                [one] => Some(Json::String(one.clone())),
                many => Some(Json::String(many.join(", "))),
            }
        }
        "number" => value.get("number").cloned(),
        "rating" => value.get("rating").cloned(),
        "textarea" => {
            let lines: Vec<&str> = value.get("text")?.as_array()?.iter().filter_map(Json::as_str).collect();
            Some(Json::String(lines.join("\n")))
        }
        _ => None,
    }
}

struct Region {
    start: usize,
    end: usize,
    quote: Option<String>,
    labels: Vec<String>,
}

fn read_task(task: &Json, n: usize, path: &Path, incoming: &mut Incoming) -> Result<(), ImportError> {
    let origin = format!("{}, task {}", path.display(), n + 1);
    let invalid = |message: String| ImportError::invalid(path, format!("task {}: {message}", n + 1));
    let data = task.get("data").and_then(Json::as_object).ok_or_else(|| invalid("no \"data\" object".into()))?;
    let Some(raw) = data.get("text").and_then(Json::as_str) else {
        return Err(invalid("no data.text (Spanwise imports Label Studio text tasks)".into()));
    };
    let normalized = Normalized::new(raw);
    let raw_chars = raw.chars().count();
    let name = data
        .get("name")
        .or_else(|| data.get("spanwise_document_id"))
        .and_then(Json::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("task {}", task.get("id").map_or((n + 1).to_string(), |id| id.to_string())));
    let mut doc = IncomingDocument {
        origin: origin.clone(),
        id: data.get("spanwise_document_id").and_then(Json::as_str).map(str::to_owned),
        name,
        ..Default::default()
    };
    for (key, value) in data {
        if matches!(key.as_str(), "text" | "name" | "spanwise_document_id" | "spanwise_sha256") {
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
    let annotations = task.get("annotations").or_else(|| task.get("completions")).and_then(Json::as_array);
    let predictions = task.get("predictions").and_then(Json::as_array);
    let completions: Vec<&Json> = match (annotations, predictions) {
        (Some(list), _) if !list.is_empty() => list.iter().collect(),
        (_, Some(list)) => list.iter().collect(),
        _ => Vec::new(),
    };
    for (c, completion) in completions.into_iter().enumerate() {
        if completion.get("was_cancelled").and_then(Json::as_bool) == Some(true) {
            continue;
        }
        let annotator = annotator_of(completion);
        if let (Some(id), Some(name)) = (
            completion.get("spanwise_annotator").and_then(Json::as_str),
            completion.get("created_username").and_then(Json::as_str),
        ) && !incoming.annotators.iter().any(|a| a.id == id)
        {
            incoming.annotators.push(crate::model::Annotator { id: id.to_owned(), name: name.to_owned() });
        }
        let created = completion.get("created_at").and_then(Json::as_str).and_then(super::parse_time);
        let modified = completion.get("updated_at").and_then(Json::as_str).and_then(super::parse_time).or(created);
        let results = completion.get("result").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default();
        let mut regions: BTreeMap<String, Region> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut attributes: BTreeMap<String, BTreeMap<String, Json>> = BTreeMap::new();
        let mut notes: BTreeMap<String, String> = BTreeMap::new();
        let mut relations: Vec<(String, String, String)> = Vec::new();
        for result in results {
            let kind = result.get("type").and_then(Json::as_str).unwrap_or_default();
            if kind == "relation" {
                let (Some(from), Some(to)) =
                    (result.get("from_id").and_then(Json::as_str), result.get("to_id").and_then(Json::as_str))
                else {
                    continue;
                };
                let label = result
                    .get("labels")
                    .and_then(Json::as_array)
                    .and_then(|l| l.first())
                    .and_then(Json::as_str)
                    .unwrap_or("related")
                    .to_owned();
                let (from, to) = if result.get("direction").and_then(Json::as_str) == Some("left") {
                    (to, from)
                } else {
                    (from, to)
                };
                relations.push((from.to_owned(), to.to_owned(), label));
                continue;
            }
            let Some(id) = result
                .get("id")
                .and_then(|id| id.as_str().map(str::to_owned).or_else(|| id.as_u64().map(|n| n.to_string())))
            else {
                continue;
            };
            if let Some(meta) = result.get("meta").and_then(|m| m.get("text")).and_then(Json::as_array) {
                let text: Vec<&str> = meta.iter().filter_map(Json::as_str).collect();
                if !text.is_empty() {
                    notes.insert(id.clone(), text.join("\n"));
                }
            }
            if kind == "labels" {
                let value = result.get("value");
                let number = |key: &str| value.and_then(|v| v.get(key)).and_then(Json::as_u64).map(|n| n as usize);
                let (Some(start), Some(end)) = (number("start"), number("end")) else {
                    return Err(invalid(format!("region {id} has no start and end (only text regions are imported)")));
                };
                if end < start || end > raw_chars {
                    return Err(invalid(format!(
                        "region {id}: span {start}..{end} is outside data.text ({raw_chars} characters)"
                    )));
                }
                let labels: Vec<String> = value
                    .and_then(|v| v.get("labels"))
                    .and_then(Json::as_array)
                    .map(|l| l.iter().filter_map(Json::as_str).map(str::to_owned).collect())
                    .unwrap_or_default();
                let quote = value.and_then(|v| v.get("text")).and_then(Json::as_str).map(str::to_owned);
                order.push(id.clone());
                regions.insert(id, Region { start, end, quote, labels });
            } else if let Some(value) = attribute_value(result) {
                let key = result.get("from_name").and_then(Json::as_str).unwrap_or(kind);
                let key = key.strip_prefix("attr_").unwrap_or(key).to_owned();
                attributes.entry(id).or_default().insert(key, value);
            }
        }
        // Regions linked as fragments of one annotation.
        let mut fragment_of: BTreeMap<String, String> = BTreeMap::new();
        for (from, to, label) in &relations {
            if label == FRAGMENT_RELATION {
                fragment_of.insert(to.clone(), from.clone());
            }
        }
        let key = |region: &str| format!("{c}:{region}");
        let mut made: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for region_id in &order {
            if fragment_of.contains_key(region_id) {
                continue;
            }
            let Some(region) = regions.get(region_id) else { continue };
            let mut fragments = vec![(region.start, region.end, region.quote.clone())];
            for (part, whole) in &fragment_of {
                if whole == region_id
                    && let Some(piece) = regions.get(part)
                {
                    fragments.push((piece.start, piece.end, piece.quote.clone()));
                }
            }
            fragments.sort_by_key(|f| f.0);
            let (base, _) = region_parts(region_id);
            let labels = if region.labels.is_empty() { vec!["label".to_owned()] } else { region.labels.clone() };
            for (l, label) in labels.iter().enumerate() {
                let annotation = IncomingAnnotation {
                    key: if l == 0 { key(region_id) } else { key(&format!("{region_id}#{l}")) },
                    id: if l == 0 { base.parse::<u64>().ok().map(ItemId) } else { None },
                    label: label.clone(),
                    fragments: fragments
                        .iter()
                        .map(|(s, e, quote)| IncomingFragment {
                            start: normalized.map(*s).unwrap_or(*s),
                            end: normalized.map(*e).unwrap_or(*e),
                            quote: quote.as_ref().map(|q| q.replace("\r\n", "\n").replace('\r', "\n")),
                            prefix: None,
                            suffix: None,
                        })
                        .collect(),
                    annotator: annotator.clone(),
                    created,
                    modified,
                    note: notes.get(region_id).cloned().unwrap_or_default(),
                    attributes: attributes.get(region_id).cloned().unwrap_or_default(),
                    problem: None,
                };
                made.entry(region_id.clone()).or_default().push(doc.annotations.len());
                doc.annotations.push(annotation);
            }
        }
        for (from, to, label) in relations {
            if label == FRAGMENT_RELATION {
                continue;
            }
            doc.relations.push(IncomingRelation {
                id: None,
                kind: label,
                from: key(&from),
                to: key(&to),
                annotator: annotator.clone(),
                created,
                modified,
                note: String::new(),
            });
        }
    }
    doc.set_text(normalized.text);
    incoming.documents.push(doc);
    Ok(())
}

pub fn read(paths: &[PathBuf]) -> Result<Incoming, ImportError> {
    let mut incoming = Incoming::default();
    for path in paths {
        let (tasks_path, config) = if path.is_dir() {
            (path.join("tasks.json"), path.join("labeling-config.xml"))
        } else {
            (path.clone(), path.with_file_name("labeling-config.xml"))
        };
        labeling_config(&config, &mut incoming.labels);
        let text = super::read_text(&tasks_path)?;
        let json: Json = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|err| super::json_error(&tasks_path, None, &err))?;
        let tasks: Vec<&Json> = match &json {
            Json::Array(tasks) => tasks.iter().collect(),
            Json::Object(object) if object.contains_key("data") => vec![&json],
            _ => {
                return Err(ImportError::invalid(
                    &tasks_path,
                    "not Label Studio tasks (expected a list of tasks with \"data\")",
                ));
            }
        };
        for (n, task) in tasks.into_iter().enumerate() {
            read_task(task, n, &tasks_path, &mut incoming)?;
        }
    }
    Ok(incoming)
}
