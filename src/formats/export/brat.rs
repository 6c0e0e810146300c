//! `brat`: a folder with `<name>.txt` and `<name>.ann` per document, `annotation.conf` (entity,
//! relation and attribute types) and `visual.conf` (display names and colors).
//!
//! `.ann` lines: `T` text-bound annotations with code point offsets (`start end;start end` for
//! discontinuous ones; the reference text is the fragments joined by one space, as brat writes
//! it), `R` relations, `A` attributes (booleans and choices that `annotation.conf` declares),
//! `#` notes. A fragment that crosses a line break is cut there (a `.ann` line cannot hold one).
//! What brat has no field for (Spanwise ids, annotator, times, typed attribute values, the
//! fragments before such cuts) is kept in a `#` comment of type `Spanwise` holding compact JSON,
//! which brat shows as a comment and Spanwise reads back.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::output::{StagingDir, io_at};
use super::{ExportError, Job, meta, timestamp};
use crate::model::{Annotation, Codebook, Document, ItemId, Value, ValueKind};

/// The `#` comment type that carries Spanwise's own fields.
pub const META_TYPE: &str = "Spanwise";

/// A name brat accepts as a type, attribute or value: no whitespace or separator characters.
pub fn brat_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '_' }).collect();
    if cleaned.is_empty() { "_".to_owned() } else { cleaned }
}

/// The pieces of a fragment without its line breaks: `(start, end)` code point ranges.
pub fn split_at_line_breaks(start: usize, text: &str) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut piece_start = start;
    let mut offset = start;
    for ch in text.chars() {
        if ch == '\n' || ch == '\r' {
            if offset > piece_start {
                pieces.push((piece_start, offset));
            }
            piece_start = offset + 1;
        }
        offset += 1;
    }
    if offset > piece_start {
        pieces.push((piece_start, offset));
    }
    pieces
}

/// Choice and boolean attributes, declared in `annotation.conf`, become `A` lines.
fn declared_attribute(codebook: &Codebook, attribute_id: &str, value: &Value) -> Option<Option<String>> {
    let def = codebook.attributes.iter().find(|a| a.id == attribute_id)?;
    match (&def.kind, value) {
        (ValueKind::Bool, Value::Bool(true)) => Some(None),
        (ValueKind::Choice(options), Value::Choice(choice) | Value::Text(choice)) if options.contains(choice) => {
            Some(Some(brat_name(choice)))
        }
        _ => None,
    }
}

fn annotation_conf(codebook: &Codebook) -> String {
    let types = |labels: &[String]| {
        if labels.is_empty() {
            "<ENTITY>".to_owned()
        } else {
            labels.iter().map(|l| brat_name(l)).collect::<Vec<_>>().join("|")
        }
    };
    let mut conf = String::from("# Exported by Spanwise: brat types are the codebook's label ids.\n[entities]\n");
    for label in &codebook.labels {
        conf.push_str(&brat_name(&label.id));
        conf.push('\n');
    }
    conf.push_str("\n[relations]\n");
    for relation in &codebook.relation_types {
        // An undirected type is symmetric in brat (its arcs drawn without a direction).
        conf.push_str(&format!(
            "{}\tArg1:{}, Arg2:{}{}\n",
            brat_name(&relation.id),
            types(&relation.from_labels),
            types(&relation.to_labels),
            if relation.directed { "" } else { ", <REL-TYPE>:symmetric" }
        ));
    }
    conf.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n");
    for attribute in &codebook.attributes {
        let args = types(&attribute.labels);
        match &attribute.kind {
            ValueKind::Bool => conf.push_str(&format!("{}\tArg:{args}\n", brat_name(&attribute.id))),
            ValueKind::Choice(options) => {
                let values: Vec<String> = options.iter().map(|o| brat_name(o)).collect();
                conf.push_str(&format!("{}\tArg:{args}, Value:{}\n", brat_name(&attribute.id), values.join("|")));
            }
            ValueKind::Text | ValueKind::Number | ValueKind::MultiChoice(_) | ValueKind::Date => {}
        }
    }
    conf
}

fn visual_conf(codebook: &Codebook) -> String {
    let mut conf = String::from("[labels]\n");
    for label in &codebook.labels {
        conf.push_str(&format!("{} | {}\n", brat_name(&label.id), label.name.replace(['\n', '|'], " ")));
    }
    for relation in &codebook.relation_types {
        conf.push_str(&format!("{} | {}\n", brat_name(&relation.id), relation.name.replace(['\n', '|'], " ")));
    }
    conf.push_str("\n[drawing]\n");
    for label in &codebook.labels {
        conf.push_str(&format!("{}\tbgColor:{}\n", brat_name(&label.id), label.color));
    }
    conf
}

/// Compact JSON of what brat cannot hold for an annotation.
fn annotation_meta(annotation: &Annotation, split: bool) -> String {
    let mut object = serde_json::Map::new();
    object.insert("id".into(), annotation.id.0.into());
    object.insert("label".into(), annotation.label.as_str().into());
    object.insert("annotator".into(), annotation.annotator.as_str().into());
    object.insert("created".into(), timestamp(&annotation.created).into());
    object.insert("modified".into(), timestamp(&annotation.modified).into());
    if !annotation.note.is_empty() {
        object.insert("note".into(), annotation.note.clone().into());
    }
    if !annotation.attributes.is_empty() {
        let attributes: serde_json::Map<String, serde_json::Value> =
            annotation.attributes.iter().map(|(k, v)| (k.clone(), meta::value_json(v))).collect();
        object.insert("attributes".into(), attributes.into());
    }
    if split {
        let fragments: Vec<serde_json::Value> =
            annotation.fragments.iter().map(|f| serde_json::json!([f.start, f.end])).collect();
        object.insert("fragments".into(), fragments.into());
    }
    serde_json::Value::Object(object).to_string()
}

fn one_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\n', '\r', '\t'], " ")
}

fn write_ann(job: &mut Job, document: &Document, out: &mut dyn Write, path: &Path) -> Result<(), ExportError> {
    let err = io_at(path);
    let codebook = &job.project.codebook;
    let mut t_numbers: HashMap<ItemId, usize> = HashMap::with_capacity(document.annotations.len());
    let (mut attribute_n, mut note_n) = (0usize, 0usize);
    let mut line = String::with_capacity(256);
    let mut left_out = 0usize;
    for annotation in &document.annotations {
        let mut pieces = Vec::with_capacity(annotation.fragments.len());
        for fragment in &annotation.fragments {
            pieces.extend(split_at_line_breaks(fragment.start, &fragment.text));
        }
        if pieces.is_empty() {
            left_out += 1;
            job.advance(1)?;
            continue;
        }
        let split = pieces.len() != annotation.fragments.len()
            || pieces.iter().zip(&annotation.fragments).any(|(p, f)| p.0 != f.start || p.1 != f.end);
        let t = t_numbers.len() + 1;
        t_numbers.insert(annotation.id, t);
        line.clear();
        let offsets: Vec<String> = pieces.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let texts: Vec<&str> = pieces.iter().filter_map(|(s, e)| document.slice(*s..*e)).collect();
        line.push_str(&format!("T{t}\t{} {}\t{}\n", brat_name(&annotation.label), offsets.join(";"), texts.join(" ")));
        for (attribute_id, value) in &annotation.attributes {
            if let Some(value) = declared_attribute(codebook, attribute_id, value) {
                attribute_n += 1;
                match value {
                    Some(value) => {
                        line.push_str(&format!("A{attribute_n}\t{} T{t} {value}\n", brat_name(attribute_id)))
                    }
                    None => line.push_str(&format!("A{attribute_n}\t{} T{t}\n", brat_name(attribute_id))),
                }
            }
        }
        if !annotation.note.is_empty() {
            note_n += 1;
            line.push_str(&format!("#{note_n}\tAnnotatorNotes T{t}\t{}\n", one_line(&annotation.note)));
        }
        note_n += 1;
        line.push_str(&format!("#{note_n}\t{META_TYPE} T{t}\t{}\n", annotation_meta(annotation, split)));
        out.write_all(line.as_bytes()).map_err(&err)?;
        job.advance(1)?;
    }
    for (r, relation) in document.relations.iter().enumerate() {
        let (Some(from), Some(to)) = (t_numbers.get(&relation.from), t_numbers.get(&relation.to)) else {
            left_out += 1;
            continue;
        };
        line.clear();
        line.push_str(&format!("R{}\t{} Arg1:T{from} Arg2:T{to}\n", r + 1, brat_name(&relation.kind)));
        let mut object = serde_json::json!({
            "id": relation.id.0, "type": relation.kind, "annotator": relation.annotator,
            "created": timestamp(&relation.created), "modified": timestamp(&relation.modified),
        });
        if !relation.note.is_empty() {
            object["note"] = relation.note.clone().into();
            note_n += 1;
            line.push_str(&format!("#{note_n}\tAnnotatorNotes R{}\t{}\n", r + 1, one_line(&relation.note)));
        }
        note_n += 1;
        line.push_str(&format!("#{note_n}\t{META_TYPE} R{}\t{object}\n", r + 1));
        out.write_all(line.as_bytes()).map_err(&err)?;
        job.advance(1)?;
    }
    if left_out > 0 {
        job.note(format!("{}: {left_out} annotations or relations of only line breaks were left out", document.name));
    }
    Ok(())
}

pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let staging = StagingDir::create(out)?;
    let codebook = &job.project.codebook;
    for (name, contents) in [("annotation.conf", annotation_conf(codebook)), ("visual.conf", visual_conf(codebook))] {
        let mut file = staging.file(name)?;
        file.write_all(contents.as_bytes()).map_err(io_at(&staging.final_path(name)))?;
        file.finish()?;
    }
    let documents = job.documents.clone();
    let stems = meta::file_stems(&documents);
    for (document, stem) in documents.iter().zip(stems) {
        let txt_name = format!("{stem}.txt");
        let mut txt = staging.file(&txt_name)?;
        txt.write_all(document.text.as_bytes()).map_err(io_at(&staging.final_path(&txt_name)))?;
        txt.finish()?;
        job.advance(Job::text_units(document))?;
        let ann_name = format!("{stem}.ann");
        let ann_path = staging.final_path(&ann_name);
        let mut ann = staging.file(&ann_name)?;
        write_ann(job, document, &mut ann, &ann_path)?;
        ann.finish()?;
    }
    let undeclared = job
        .project
        .codebook
        .attributes
        .iter()
        .filter(|a| matches!(a.kind, ValueKind::Text | ValueKind::Number))
        .count();
    if undeclared > 0 {
        job.note(format!(
            "{undeclared} text or number attributes have no brat attribute type (brat values come from a fixed list); \
             they are in the Spanwise comments"
        ));
    }
    staging.commit("brat")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undirected_relation_type_is_symmetric_in_annotation_conf() {
        let mut codebook = Codebook::default_news();
        if let Some(supports) = codebook.relation_types.iter_mut().find(|t| t.id == "supports") {
            supports.directed = false;
        }
        let conf = annotation_conf(&codebook);
        assert!(conf.contains("supports\tArg1:claim, Arg2:claim, <REL-TYPE>:symmetric\n"), "{conf}");
        assert!(conf.contains("contradicts\tArg1:claim, Arg2:claim\n"), "directed types stay as they were: {conf}");
    }
}
