//! `labelstudio`: a folder with `tasks.json` (Label Studio's task import format: a list of
//! tasks, each with `data.text` and the annotations as `annotations` or `predictions`) and
//! `labeling-config.xml` (the project's labeling interface whose names the results use).
//!
//! - Offsets: code points (what Label Studio's `<Text>` uses); each region also has its `text`.
//! - One Label Studio annotation per annotator and task (`created_username`, and
//!   `spanwise_annotator` with the annotator id); `created_at`/`updated_at` are the earliest
//!   creation and latest change of that annotator's annotations (regions have no times).
//! - A region's id is the Spanwise annotation id. A discontinuous annotation is one region per
//!   fragment (`<id>`, `<id>_f2`, …) linked by relations labelled [`FRAGMENT_RELATION`].
//! - Attributes are per-region controls (`Choices`, `Number`, `TextArea`) named `attr_<id>`;
//!   the note is the region's `meta.text`.
//! - Relations are `relation` results labelled with the relation type's name; a relation whose
//!   two ends were made by different annotators cannot be in one Label Studio annotation and is
//!   left out (and counted).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::{Value as Json, json};

use super::output::{StagingDir, io_at};
use super::{ExportError, Job, LabelStudioTarget, meta, timestamp};
use crate::model::{Annotation, Codebook, Document, Value, ValueKind};

/// The relation label that links the regions of one discontinuous annotation.
pub const FRAGMENT_RELATION: &str = "Spanwise fragment";
/// `from_name` of the label regions, `to_name` of everything.
pub const LABELS_NAME: &str = "label";
pub const TEXT_NAME: &str = "text";

/// The control name of an attribute.
pub fn attribute_control(attribute_id: &str) -> String {
    meta::column_name("attr_", attribute_id)
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

pub fn labeling_config(codebook: &Codebook, fragments_linked: bool) -> String {
    let mut xml = String::from("<View>\n");
    xml.push_str(&format!("  <Labels name=\"{LABELS_NAME}\" toName=\"{TEXT_NAME}\">\n"));
    for label in &codebook.labels {
        let hotkey = label.hotkey.map(|k| format!(" hotkey=\"{}\"", xml_escape(&k.to_string()))).unwrap_or_default();
        xml.push_str(&format!(
            "    <Label value=\"{}\" background=\"{}\"{hotkey}/>\n",
            xml_escape(&label.name),
            xml_escape(&label.color)
        ));
    }
    xml.push_str("  </Labels>\n");
    xml.push_str(&format!("  <Text name=\"{TEXT_NAME}\" value=\"$text\"/>\n"));
    if !codebook.relation_types.is_empty() || fragments_linked {
        xml.push_str("  <Relations>\n");
        for relation in &codebook.relation_types {
            xml.push_str(&format!("    <Relation value=\"{}\"/>\n", xml_escape(&relation.name)));
        }
        if fragments_linked {
            xml.push_str(&format!("    <Relation value=\"{FRAGMENT_RELATION}\"/>\n"));
        }
        xml.push_str("  </Relations>\n");
    }
    if !codebook.attributes.is_empty() {
        xml.push_str("  <View visibleWhen=\"region-selected\">\n");
        for attribute in &codebook.attributes {
            let name = attribute_control(&attribute.id);
            xml.push_str(&format!("    <Header value=\"{}\"/>\n", xml_escape(&attribute.name)));
            match &attribute.kind {
                ValueKind::Choice(options) | ValueKind::MultiChoice(options) => {
                    let choice = if matches!(attribute.kind, ValueKind::Choice(_)) { "single" } else { "multiple" };
                    xml.push_str(&format!(
                        "    <Choices name=\"{name}\" toName=\"{TEXT_NAME}\" perRegion=\"true\" choice=\"{choice}\">\n"
                    ));
                    for option in options {
                        xml.push_str(&format!("      <Choice value=\"{}\"/>\n", xml_escape(option)));
                    }
                    xml.push_str("    </Choices>\n");
                }
                ValueKind::Bool => {
                    xml.push_str(&format!(
                        "    <Choices name=\"{name}\" toName=\"{TEXT_NAME}\" perRegion=\"true\" choice=\"single\">\n      \
                         <Choice value=\"true\"/>\n      <Choice value=\"false\"/>\n    </Choices>\n"
                    ));
                }
                ValueKind::Number => {
                    xml.push_str(&format!("    <Number name=\"{name}\" toName=\"{TEXT_NAME}\" perRegion=\"true\"/>\n"));
                }
                ValueKind::Text | ValueKind::Date => {
                    xml.push_str(&format!(
                        "    <TextArea name=\"{name}\" toName=\"{TEXT_NAME}\" perRegion=\"true\" editable=\"true\"/>\n"
                    ));
                }
            }
        }
        xml.push_str("  </View>\n");
    }
    xml.push_str("</View>\n");
    xml
}

/// The region id of fragment `index` (0-based) of an annotation.
pub fn region_id(annotation_id: u64, index: usize) -> String {
    if index == 0 { annotation_id.to_string() } else { format!("{annotation_id}_f{}", index + 1) }
}

fn attribute_result(codebook: &Codebook, region: &str, start: usize, end: usize, key: &str, value: &Value) -> Json {
    let name = attribute_control(key);
    let kind = meta::attribute_kind(codebook, key);
    let (kind_name, value_json) = match (kind, value) {
        (_, Value::Number(n)) => ("number", json!({"start": start, "end": end, "number": n})),
        (_, Value::Bool(b)) => ("choices", json!({"start": start, "end": end, "choices": [b.to_string()]})),
        (Some(ValueKind::Text), Value::Text(t)) | (None, Value::Text(t)) => {
            ("textarea", json!({"start": start, "end": end, "text": [t]}))
        }
        (_, Value::Text(t) | Value::Choice(t)) => ("choices", json!({"start": start, "end": end, "choices": [t]})),
        (_, Value::Choices(c)) => ("choices", json!({"start": start, "end": end, "choices": c})),
        (_, Value::Date(d)) => {
            ("textarea", json!({"start": start, "end": end, "text": [d.format("%Y-%m-%d").to_string()]}))
        }
    };
    json!({"id": region, "from_name": name, "to_name": TEXT_NAME, "type": kind_name, "value": value_json})
}

#[derive(Serialize)]
struct LabelsValue<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    labels: [&'a str; 1],
}

#[derive(Serialize)]
struct RegionMeta<'a> {
    text: [&'a str; 1],
}

/// A `labels` result (a region).
#[derive(Serialize)]
struct LabelsResult<'a> {
    id: &'a str,
    from_name: &'static str,
    to_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    origin: &'static str,
    value: LabelsValue<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<RegionMeta<'a>>,
}

#[derive(Serialize)]
struct RelationResult<'a> {
    from_id: &'a str,
    to_id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    direction: &'static str,
    labels: [&'a str; 1],
}

/// Appends `item` to a result list being written (a comma before all but the first).
fn item(out: &mut Vec<u8>, first: &mut bool, value: &impl Serialize) {
    if !*first {
        out.push(b',');
    }
    *first = false;
    // Serializing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// The regions of one annotation (and their attributes and fragment links).
fn regions(job: &Job, annotation: &Annotation, out: &mut Vec<u8>, first: &mut bool) {
    let codebook = &job.project.codebook;
    let label = job.label_name(&annotation.label);
    let first_id = region_id(annotation.id.0, 0);
    for (i, fragment) in annotation.fragments.iter().enumerate() {
        let id = region_id(annotation.id.0, i);
        let region = LabelsResult {
            id: &id,
            from_name: LABELS_NAME,
            to_name: TEXT_NAME,
            kind: "labels",
            origin: "manual",
            value: LabelsValue { start: fragment.start, end: fragment.end, text: &fragment.text, labels: [label] },
            meta: (!annotation.note.is_empty()).then_some(RegionMeta { text: [annotation.note.as_str()] }),
        };
        item(out, first, &region);
        for (key, value) in &annotation.attributes {
            item(out, first, &attribute_result(codebook, &id, fragment.start, fragment.end, key, value));
        }
        if i > 0 {
            let link = RelationResult {
                from_id: &first_id,
                to_id: &id,
                kind: "relation",
                direction: "right",
                labels: [FRAGMENT_RELATION],
            };
            item(out, first, &link);
        }
    }
}

/// Writes one task; returns how many relations had to be left out.
fn write_task(job: &mut Job, document: &Document, out: &mut dyn Write, path: &Path) -> Result<usize, ExportError> {
    let err = io_at(path);
    let jerr = |e: serde_json::Error| ExportError::Io { path: path.to_owned(), reason: e.to_string() };
    let mut data = serde_json::Map::new();
    data.insert("spanwise_document_id".into(), document.id.clone().into());
    data.insert("spanwise_sha256".into(), document.sha256.clone().into());
    data.insert("name".into(), document.name.clone().into());
    for (key, value) in meta::metadata_json(document) {
        data.entry(key).or_insert(value);
    }
    // The text first, then the rest of `data` (written without copying the text).
    out.write_all(b"{\"data\":{\"text\":").map_err(&err)?;
    serde_json::to_writer(&mut *out, &document.text).map_err(jerr)?;
    let rest = Json::Object(data).to_string();
    if rest.len() > 2 {
        out.write_all(b",").map_err(&err)?;
        out.write_all(&rest.as_bytes()[1..rest.len() - 1]).map_err(&err)?;
    }
    let key = match job.options.labelstudio_target {
        LabelStudioTarget::Annotations => "annotations",
        LabelStudioTarget::Predictions => "predictions",
    };
    write!(out, "}},\"{key}\":[").map_err(&err)?;
    // Annotations grouped by annotator.
    let mut by_annotator: BTreeMap<&str, Vec<&Annotation>> = BTreeMap::new();
    for annotation in &document.annotations {
        by_annotator.entry(annotation.annotator.as_str()).or_default().push(annotation);
    }
    let owner: std::collections::HashMap<_, &str> =
        document.annotations.iter().map(|a| (a.id, a.annotator.as_str())).collect();
    let mut left_out = 0;
    let mut buffer: Vec<u8> = Vec::with_capacity(1 << 16);
    for (n, (annotator, annotations)) in by_annotator.iter().enumerate() {
        if n > 0 {
            out.write_all(b",").map_err(&err)?;
        }
        out.write_all(b"{\"result\":[").map_err(&err)?;
        let mut first = true;
        for annotation in annotations {
            buffer.clear();
            regions(job, annotation, &mut buffer, &mut first);
            out.write_all(&buffer).map_err(&err)?;
            job.advance(1)?;
        }
        buffer.clear();
        for relation in &document.relations {
            let (Some(from), Some(to)) = (owner.get(&relation.from), owner.get(&relation.to)) else { continue };
            if from != annotator {
                continue;
            }
            if to != annotator {
                left_out += 1;
                continue;
            }
            let directed = job.project.codebook.relation_type(&relation.kind).is_none_or(|r| r.directed);
            let (from_id, to_id) = (relation.from.0.to_string(), relation.to.0.to_string());
            let link = RelationResult {
                from_id: &from_id,
                to_id: &to_id,
                kind: "relation",
                direction: if directed { "right" } else { "bi" },
                labels: [job.relation_name(&relation.kind)],
            };
            item(&mut buffer, &mut first, &link);
        }
        out.write_all(&buffer).map_err(&err)?;
        let created = annotations.iter().map(|a| a.created).min().unwrap_or_else(crate::model::now);
        let modified = annotations.iter().map(|a| a.modified).max().unwrap_or(created);
        let tail = match job.options.labelstudio_target {
            LabelStudioTarget::Annotations => json!({
                "created_at": timestamp(&created),
                "updated_at": timestamp(&modified),
                "created_username": job.annotator_name(annotator),
                "spanwise_annotator": annotator,
                "ground_truth": false,
            }),
            LabelStudioTarget::Predictions => json!({
                "model_version": format!("spanwise:{annotator}"),
                "created_at": timestamp(&created),
                "spanwise_annotator": annotator,
            }),
        }
        .to_string();
        out.write_all(b"],").map_err(&err)?;
        out.write_all(&tail.as_bytes()[1..]).map_err(&err)?;
    }
    out.write_all(b"]}").map_err(&err)?;
    Ok(left_out)
}

pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let staging = StagingDir::create(out)?;
    let fragments_linked = job.documents.iter().any(|d| d.annotations.iter().any(|a| a.fragments.len() > 1));
    let config = labeling_config(&job.project.codebook, fragments_linked);
    let mut file = staging.file("labeling-config.xml")?;
    file.write_all(config.as_bytes()).map_err(io_at(&staging.final_path("labeling-config.xml")))?;
    file.finish()?;

    let path = staging.final_path("tasks.json");
    let err = io_at(&path);
    let mut file = staging.file("tasks.json")?;
    file.write_all(b"[").map_err(&err)?;
    let mut left_out = 0;
    let documents = job.documents.clone();
    for (i, document) in documents.iter().enumerate() {
        file.write_all(if i == 0 { b"\n" } else { b",\n" }).map_err(&err)?;
        job.advance(Job::text_units(document))?;
        left_out += write_task(job, document, &mut file, &path)?;
    }
    file.write_all(b"\n]\n").map_err(&err)?;
    file.finish()?;
    if left_out > 0 {
        job.note(format!(
            "{left_out} relations link annotations of two different annotators, which one Label Studio annotation \
             cannot hold; they were left out"
        ));
    }
    job.note("Label Studio regions have no times of their own: each annotator's annotation carries the earliest creation and latest change");
    staging.commit("labelstudio")
}
