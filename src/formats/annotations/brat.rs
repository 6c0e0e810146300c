//! Reads brat standoff: a folder (every `.ann` in it and its subfolders, each with its `.txt`),
//! or `.ann` / `.txt` files. `T` lines become annotations (code point offsets into the `.txt`;
//! a line's reference text must equal the text at its offsets, joined by one space, else the
//! annotation is listed as not placed), `R` relations, `A`/`M` attributes, `#` notes;
//! `visual.conf` gives label names and colors. The `Spanwise` comments Spanwise writes give
//! back ids, annotators, times, typed attributes and fragments cut at line breaks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::{
    ForeignLabel, ImportError, Incoming, IncomingAnnotation, IncomingDocument, IncomingFragment, IncomingRelation,
    Normalized,
};
use crate::formats::export::brat::META_TYPE;
use crate::model::ItemId;

fn collect_ann(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let entries =
        std::fs::read_dir(dir).map_err(|err| ImportError::Io { path: dir.to_owned(), reason: err.to_string() })?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                collect_ann(&path, found)?;
            }
        } else if path.extension().is_some_and(|e| e == "ann") {
            found.push(path);
        }
    }
    Ok(())
}

/// Label names and colors from `visual.conf` (`type | Name` under `[labels]`, `bgColor:` under
/// `[drawing]`).
fn visual_conf(path: &Path, labels: &mut Vec<ForeignLabel>) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    let mut section = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']']).to_lowercase();
            continue;
        }
        match section.as_str() {
            "labels" => {
                let mut parts = line.split('|').map(str::trim);
                if let (Some(key), Some(name)) = (parts.next(), parts.next()) {
                    match labels.iter_mut().find(|l| l.key == key) {
                        Some(label) => label.name = name.to_owned(),
                        None => labels.push(ForeignLabel { key: key.into(), name: name.into(), color: None }),
                    }
                }
            }
            "drawing" => {
                let Some((key, rest)) = line.split_once(char::is_whitespace) else { continue };
                let color =
                    rest.split(',').find_map(|p| p.trim().strip_prefix("bgColor:")).map(|c| c.trim().to_owned());
                if let Some(color) = color {
                    match labels.iter_mut().find(|l| l.key == key) {
                        Some(label) => label.color = Some(color),
                        None => labels.push(ForeignLabel { key: key.into(), name: key.into(), color: Some(color) }),
                    }
                }
            }
            _ => {}
        }
    }
}

struct Meta {
    id: Option<ItemId>,
    label: Option<String>,
    kind: Option<String>,
    annotator: Option<String>,
    created: Option<String>,
    modified: Option<String>,
    note: Option<String>,
    attributes: Option<BTreeMap<String, Json>>,
    fragments: Option<Vec<(usize, usize)>>,
}

fn parse_meta(text: &str) -> Option<Meta> {
    let json: Json = serde_json::from_str(text).ok()?;
    let string = |key: &str| json.get(key).and_then(Json::as_str).map(str::to_owned);
    Some(Meta {
        id: json.get("id").and_then(Json::as_u64).map(ItemId),
        label: string("label"),
        kind: string("type"),
        annotator: string("annotator"),
        created: string("created"),
        modified: string("modified"),
        note: string("note"),
        attributes: json.get("attributes").and_then(Json::as_object).map(|o| o.clone().into_iter().collect()),
        fragments: json.get("fragments").and_then(Json::as_array).map(|list| {
            list.iter()
                .filter_map(|pair| Some((pair.get(0)?.as_u64()? as usize, pair.get(1)?.as_u64()? as usize)))
                .collect()
        }),
    })
}

fn read_document(ann_path: &Path, incoming: &mut Incoming) -> Result<(), ImportError> {
    let txt_path = ann_path.with_extension("txt");
    let raw = super::read_text(&txt_path)?;
    let ann = super::read_text(ann_path)?;
    let normalized = Normalized::new(&raw);
    let raw_chars: Vec<char> = raw.chars().collect();
    let shown = ann_path.display().to_string();
    let invalid = |line: usize, message: String| ImportError::invalid(ann_path, format!("line {line}: {message}"));
    let name = txt_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut doc = IncomingDocument { origin: shown.clone(), name, ..Default::default() };
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut relation_keys: BTreeMap<String, usize> = BTreeMap::new();
    let mut metas: Vec<(String, Meta)> = Vec::new();
    let mut notes: Vec<(String, String)> = Vec::new();
    let mut skipped = BTreeMap::<char, usize>::new();
    for (n, line) in ann.trim_start_matches('\u{feff}').lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let Some((id, rest)) = line.split_once('\t') else {
            return Err(invalid(line_no, format!("expected an id and a tab, found {line:?}")));
        };
        let (spec, tail) = match rest.split_once('\t') {
            Some((spec, tail)) => (spec, Some(tail)),
            None => (rest, None),
        };
        match id.chars().next() {
            Some('T') => {
                let Some((label, offsets)) = spec.split_once(' ') else {
                    return Err(invalid(line_no, format!("{id}: expected a type and offsets, found {spec:?}")));
                };
                let mut fragments = Vec::new();
                for piece in offsets.split(';') {
                    let mut numbers = piece.split_whitespace();
                    let (Some(start), Some(end), None) = (numbers.next(), numbers.next(), numbers.next()) else {
                        return Err(invalid(line_no, format!("{id}: offsets {piece:?} are not \"start end\"")));
                    };
                    let (Ok(start), Ok(end)) = (start.parse::<usize>(), end.parse::<usize>()) else {
                        return Err(invalid(line_no, format!("{id}: offsets {piece:?} are not numbers")));
                    };
                    if end < start {
                        return Err(invalid(line_no, format!("{id}: span {start}..{end} ends before it starts")));
                    }
                    if end > raw_chars.len() {
                        return Err(invalid(
                            line_no,
                            format!(
                                "{id}: span {start}..{end} goes past the end of {} ({} characters)",
                                txt_path.display(),
                                raw_chars.len()
                            ),
                        ));
                    }
                    fragments.push((start, end));
                }
                // brat's rule: the reference text is the text at the offsets, joined by one space.
                let at_offsets: Vec<String> =
                    fragments.iter().map(|&(s, e)| raw_chars[s..e].iter().collect::<String>()).collect();
                let problem = match tail {
                    Some(tail) if tail != at_offsets.join(" ") => Some(format!(
                        "{id} on line {line_no}: its text {tail:?} differs from the text at its offsets in {}",
                        txt_path.display()
                    )),
                    _ => None,
                };
                let fragments = fragments
                    .iter()
                    .zip(&at_offsets)
                    .map(|(&(s, e), text)| IncomingFragment {
                        start: normalized.map(s).unwrap_or(s),
                        end: normalized.map(e).unwrap_or(e),
                        quote: Some(
                            text.replace("\r\n", "\n").replace('\r', "\n").trim_start_matches('\u{feff}').to_owned(),
                        ),
                        prefix: None,
                        suffix: None,
                    })
                    .collect();
                by_key.insert(id.to_owned(), doc.annotations.len());
                doc.annotations.push(IncomingAnnotation {
                    key: id.to_owned(),
                    label: label.to_owned(),
                    fragments,
                    problem,
                    ..Default::default()
                });
            }
            Some('R') => {
                let mut parts = spec.split_whitespace();
                let kind = parts.next().unwrap_or_default();
                let args: Vec<&str> = parts.filter_map(|p| p.split_once(':').map(|(_, target)| target)).collect();
                let [from, to] = args[..] else {
                    return Err(invalid(line_no, format!("{id}: a relation needs two arguments, found {spec:?}")));
                };
                relation_keys.insert(id.to_owned(), doc.relations.len());
                doc.relations.push(IncomingRelation {
                    kind: kind.to_owned(),
                    from: from.to_owned(),
                    to: to.to_owned(),
                    ..Default::default()
                });
            }
            Some('A' | 'M') => {
                let mut parts = spec.split_whitespace();
                let (Some(name), Some(target)) = (parts.next(), parts.next()) else {
                    return Err(invalid(
                        line_no,
                        format!("{id}: expected an attribute name and a target, found {spec:?}"),
                    ));
                };
                let value = match parts.next() {
                    Some(value) => Json::String(value.to_owned()),
                    None => Json::Bool(true),
                };
                let Some(&index) = by_key.get(target) else {
                    return Err(invalid(line_no, format!("{id}: attribute of {target}, which is not defined above")));
                };
                doc.annotations[index].attributes.insert(name.to_owned(), value);
            }
            Some('#') => {
                let mut parts = spec.split_whitespace();
                let (Some(kind), Some(target)) = (parts.next(), parts.next()) else { continue };
                let text = tail.unwrap_or_default().to_owned();
                if kind == META_TYPE {
                    if let Some(meta) = parse_meta(&text) {
                        metas.push((target.to_owned(), meta));
                    }
                } else {
                    notes.push((target.to_owned(), text));
                }
            }
            Some(other) => *skipped.entry(other).or_default() += 1,
            None => {}
        }
    }
    for (target, text) in notes {
        if let Some(&index) = by_key.get(&target) {
            let note = &mut doc.annotations[index].note;
            if !note.is_empty() {
                note.push('\n');
            }
            note.push_str(&text);
        } else if let Some(&index) = relation_keys.get(&target) {
            doc.relations[index].note = text;
        }
    }
    let time = |t: &Option<String>| t.as_deref().and_then(super::parse_time);
    for (target, meta) in metas {
        if let Some(&index) = by_key.get(&target) {
            let annotation = &mut doc.annotations[index];
            annotation.id = meta.id;
            if let Some(label) = meta.label {
                annotation.label = label;
            }
            annotation.annotator = meta.annotator;
            annotation.created = time(&meta.created);
            annotation.modified = time(&meta.modified);
            annotation.note = meta.note.unwrap_or_default();
            if let Some(attributes) = meta.attributes {
                annotation.attributes = attributes;
            }
            // Fragments cut at line breaks are put back together when the pieces lie in them.
            if let Some(original) = meta.fragments {
                let pieces_inside =
                    annotation.fragments.iter().all(|f| original.iter().any(|&(s, e)| s <= f.start && f.end <= e));
                if pieces_inside && !original.is_empty() && original.iter().all(|&(s, e)| s < e) {
                    annotation.fragments = original
                        .into_iter()
                        .map(|(start, end)| IncomingFragment { start, end, ..Default::default() })
                        .collect();
                }
            }
        } else if let Some(&index) = relation_keys.get(&target) {
            let relation = &mut doc.relations[index];
            relation.id = meta.id;
            if let Some(kind) = meta.kind {
                relation.kind = kind;
            }
            relation.annotator = meta.annotator;
            relation.created = time(&meta.created);
            relation.modified = time(&meta.modified);
            relation.note = meta.note.unwrap_or_default();
        }
    }
    for (kind, count) in skipped {
        let what = match kind {
            'E' => "events",
            'N' => "normalizations",
            '*' => "equivalences",
            _ => "lines of an unknown kind",
        };
        incoming.notes.push(format!("{shown}: {count} {what} are not imported (Spanwise has no place for them)"));
    }
    doc.set_text(normalized.text);
    incoming.documents.push(doc);
    Ok(())
}

pub fn read(paths: &[PathBuf]) -> Result<Incoming, ImportError> {
    let mut incoming = Incoming::default();
    let mut ann_files = Vec::new();
    for path in paths {
        if path.is_dir() {
            visual_conf(&path.join("visual.conf"), &mut incoming.labels);
            collect_ann(path, &mut ann_files)?;
        } else {
            let ann = path.with_extension("ann");
            if let Some(dir) = path.parent() {
                visual_conf(&dir.join("visual.conf"), &mut incoming.labels);
            }
            if !ann.is_file() {
                return Err(ImportError::invalid(path, format!("no {} beside it", ann.display())));
            }
            if !ann_files.contains(&ann) {
                ann_files.push(ann);
            }
        }
    }
    if ann_files.is_empty() {
        return Err(ImportError::invalid(&paths[0], "no .ann files found"));
    }
    for ann in ann_files {
        read_document(&ann, &mut incoming)?;
    }
    Ok(incoming)
}
