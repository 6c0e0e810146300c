//! Reads a REFI-QDA project (`.qdpx`: a ZIP with `project.qde` and the sources). Each text
//! source's `PlainTextSelection`s become annotations: one per `Coding` (the code is the label),
//! offsets in code points of the source text, end exclusive. Sources are read from the ZIP
//! (`internal://`), or beside the `.qdpx` (`relative://`, against `basePath`) or from disk
//! (`absolute://`). Projects made by ATLAS.ti count a CRLF line end as one character (as
//! QualCoder's importer notes), so their offsets are taken as offsets in the LF text. Users give
//! annotators, `Link`s between selections relations, notes the annotation notes, and the
//! conventions of Spanwise's export come back (ids in GUIDs, attributes in descriptions,
//! fragments linked by `Spanwise fragment`).

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use serde_json::Value as Json;

use super::{
    ForeignLabel, ImportError, Incoming, IncomingAnnotation, IncomingDocument, IncomingFragment, IncomingRelation,
    Normalized,
};
use crate::formats::export::qdpx::{ATTRIBUTES_HEADER, FRAGMENT_LINK, ItemKind, parse_item_guid};

/// A parsed XML element (only what the importer needs).
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) children: Vec<Element>,
    pub(crate) text: String,
}

impl Element {
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(crate) fn children<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn local(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

fn element_from(start: &quick_xml::events::BytesStart) -> Result<Element, String> {
    let mut element = Element { name: local(start.local_name().as_ref()), ..Default::default() };
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|err| err.to_string())?;
        let value = attribute.normalized_value(XmlVersion::Implicit1_0).map_err(|err| err.to_string())?;
        element.attributes.push((local(attribute.key.local_name().as_ref()), value.into_owned()));
    }
    Ok(element)
}

/// Parses XML into elements; the message says where it went wrong.
pub(crate) fn parse_xml(xml: &str) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|err| format!("byte {position}: {err}"))?;
        match event {
            Event::Start(start) => stack.push(element_from(&start)?),
            Event::Empty(start) => {
                let element = element_from(&start)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(element);
                }
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else { return Err("unbalanced end tag".into()) };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Err("unbalanced end tag".into()),
                }
            }
            Event::Text(text) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&text.xml10_content().map_err(|err| err.to_string())?);
                }
            }
            Event::CData(data) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&data.decode().map_err(|err| err.to_string())?);
                }
            }
            Event::GeneralRef(reference) => {
                let ch = match reference.resolve_char_ref().map_err(|err| err.to_string())? {
                    Some(ch) => ch,
                    None => match reference.decode().map_err(|err| err.to_string())?.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                if let Some(current) = stack.last_mut() {
                    current.text.push(ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.pop().ok_or("empty document")?;
    if !stack.is_empty() {
        return Err("the XML ends before all elements are closed".into());
    }
    root.children.pop().ok_or_else(|| "no root element".into())
}

/// Attribute lines written by the export (`id: value`), typed when the value says so.
fn parse_attributes(description: &str) -> Option<BTreeMap<String, Json>> {
    let mut lines = description.lines();
    if lines.next()?.trim() != ATTRIBUTES_HEADER {
        return None;
    }
    let mut attributes = BTreeMap::new();
    for line in lines {
        let Some((key, value)) = line.split_once(": ") else { continue };
        let value = if value.starts_with('"') {
            serde_json::from_str::<String>(value).map(Json::String).unwrap_or_else(|_| Json::String(value.to_owned()))
        } else if value == "true" || value == "false" {
            Json::Bool(value == "true")
        } else if let Some(number) =
            value.parse::<f64>().ok().filter(|n| n.is_finite()).and_then(serde_json::Number::from_f64)
        {
            Json::Number(number)
        } else {
            Json::String(value.to_owned())
        };
        attributes.insert(key.trim().to_owned(), value);
    }
    Some(attributes)
}

struct Archive {
    zip: zip::ZipArchive<std::fs::File>,
    path: PathBuf,
}

impl Archive {
    fn read(&mut self, name: &str) -> Result<Vec<u8>, ImportError> {
        let io = |reason: String| ImportError::Io { path: self.path.clone(), reason };
        let wanted = name.trim_start_matches('/').to_lowercase();
        let index = (0..self.zip.len())
            .find(|&i| self.zip.name_for_index(i).is_some_and(|n| n.is_ok_and(|n| n.to_lowercase() == wanted)))
            .or_else(|| {
                // Some tools put everything in a folder.
                (0..self.zip.len()).find(|&i| {
                    self.zip
                        .name_for_index(i)
                        .is_some_and(|n| n.is_ok_and(|n| n.to_lowercase().ends_with(&format!("/{wanted}"))))
                })
            })
            .ok_or_else(|| ImportError::invalid(&self.path, format!("the archive has no {name}")))?;
        let mut file = self.zip.by_index(index).map_err(|err| io(err.to_string()))?;
        if file.size() > super::MAX_FILE_BYTES {
            return Err(ImportError::invalid(&self.path, format!("{name} is too large ({} bytes)", file.size())));
        }
        let mut bytes = Vec::with_capacity(file.size() as usize);
        file.by_ref().take(super::MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|err| io(err.to_string()))?;
        Ok(bytes)
    }
}

fn utf8(path: &Path, what: &str, bytes: Vec<u8>) -> Result<String, ImportError> {
    String::from_utf8(bytes).map_err(|err| {
        ImportError::invalid(path, format!("{what}: byte {} is not valid UTF-8", err.utf8_error().valid_up_to()))
    })
}

fn read_file(path: &Path, incoming: &mut Incoming) -> Result<(), ImportError> {
    let file =
        std::fs::File::open(path).map_err(|err| ImportError::Io { path: path.to_owned(), reason: err.to_string() })?;
    let zip = zip::ZipArchive::new(file)
        .map_err(|err| ImportError::invalid(path, format!("not a REFI-QDA project (.qdpx is a ZIP): {err}")))?;
    let mut archive = Archive { zip, path: path.to_owned() };
    let qde = utf8(path, "project.qde", archive.read("project.qde")?)?;
    let project = parse_xml(qde.trim_start_matches('\u{feff}'))
        .map_err(|err| ImportError::invalid(path, format!("project.qde: {err}")))?;
    if project.name != "Project" {
        return Err(ImportError::invalid(
            path,
            format!("project.qde: the root element is <{}>, not <Project>", project.name),
        ));
    }
    incoming.project_name = incoming.project_name.take().or(project.attribute("name").map(str::to_owned));
    let atlas = project.attribute("origin").is_some_and(|o| o.to_lowercase().contains("atlas"));
    let base_path = project.attribute("basePath").map(PathBuf::from);

    let mut users: HashMap<String, String> = HashMap::new();
    if let Some(list) = project.child("Users") {
        for user in list.children("User") {
            let Some(guid) = user.attribute("guid") else { continue };
            let name = user.attribute("id").or(user.attribute("name")).unwrap_or(guid);
            users.insert(guid.to_lowercase(), name.to_owned());
            if let (Some(id), Some(name)) = (user.attribute("id"), user.attribute("name")) {
                incoming.annotators.push(crate::model::Annotator { id: id.to_owned(), name: name.to_owned() });
            }
        }
    }
    let mut codes: HashMap<String, String> = HashMap::new();
    fn walk_codes(element: &Element, codes: &mut HashMap<String, String>, labels: &mut Vec<ForeignLabel>) {
        for code in element.children("Code") {
            if let (Some(guid), Some(name)) = (code.attribute("guid"), code.attribute("name")) {
                codes.insert(guid.to_lowercase(), name.to_owned());
                labels.push(ForeignLabel {
                    key: name.to_owned(),
                    name: name.to_owned(),
                    color: code.attribute("color").map(str::to_owned),
                });
            }
            walk_codes(code, codes, labels);
        }
    }
    if let Some(codes_element) = project.child("CodeBook").and_then(|c| c.child("Codes")) {
        walk_codes(codes_element, &mut codes, &mut incoming.labels);
    }
    let mut variables: HashMap<String, String> = HashMap::new();
    if let Some(list) = project.child("Variables") {
        for variable in list.children("Variable") {
            if let (Some(guid), Some(name)) = (variable.attribute("guid"), variable.attribute("name")) {
                variables.insert(guid.to_lowercase(), name.to_owned());
            }
        }
    }
    let mut notes: HashMap<String, String> = HashMap::new();
    if let Some(list) = project.child("Notes") {
        for note in list.children("Note") {
            if let Some(guid) = note.attribute("guid") {
                let text = note.child("PlainTextContent").map(|c| c.text.clone()).unwrap_or_default();
                notes.insert(guid.to_lowercase(), text);
            }
        }
    }
    let time = |element: &Element, key: &str| element.attribute(key).and_then(super::parse_time);
    // Selection GUID -> (document index, annotation keys).
    let mut selection_owner: HashMap<String, (usize, Vec<String>)> = HashMap::new();
    let mut skipped_sources = 0;
    let Some(sources) = project.child("Sources") else {
        incoming.notes.push(format!("{}: the project has no sources", path.display()));
        return Ok(());
    };
    for source in &sources.children {
        if source.name != "TextSource" {
            skipped_sources += 1;
            continue;
        }
        let guid = source.attribute("guid").unwrap_or_default().to_lowercase();
        let name = source.attribute("name").unwrap_or(&guid).to_owned();
        let raw = match (source.attribute("plainTextPath"), source.child("PlainTextContent")) {
            (_, Some(content)) => content.text.clone(),
            (Some(text_path), None) => {
                if let Some(inside) = text_path.strip_prefix("internal://") {
                    let bytes = archive
                        .read(&format!("sources/{inside}"))
                        .or_else(|_| archive.read(&format!("Sources/{inside}")))?;
                    utf8(path, &format!("source {name}"), bytes)?
                } else {
                    let on_disk = if let Some(relative) = text_path.strip_prefix("relative://") {
                        let base = base_path
                            .clone()
                            .unwrap_or_else(|| path.parent().map(Path::to_path_buf).unwrap_or_default());
                        base.join(relative)
                    } else if let Some(absolute) = text_path.strip_prefix("absolute://") {
                        PathBuf::from(absolute)
                    } else {
                        PathBuf::from(text_path)
                    };
                    super::read_text(&on_disk).map_err(|_| {
                        ImportError::invalid(
                            path,
                            format!(
                                "source {name}: its text {text_path} is outside the project file and cannot be read"
                            ),
                        )
                    })?
                }
            }
            (None, None) => {
                return Err(ImportError::invalid(path, format!("source {name} has neither a text nor a text path")));
            }
        };
        let normalized = Normalized::new(&raw);
        let raw_chars = raw.chars().count();
        let index = incoming.documents.len();
        let mut doc =
            IncomingDocument { origin: format!("{}, source {name}", path.display()), name, ..Default::default() };
        for value in source.children("VariableValue") {
            let Some(variable) = value.child("VariableRef").and_then(|r| r.attribute("targetGUID")) else { continue };
            let Some(variable_name) = variables.get(&variable.to_lowercase()) else { continue };
            let Some(element) = value.children.iter().find(|c| c.name.ends_with("Value")) else { continue };
            let text = element.text.trim().to_owned();
            let json = match element.name.as_str() {
                "BooleanValue" => Json::Bool(text == "true" || text == "1"),
                "IntegerValue" | "FloatValue" => text
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Json::String(text.clone()), Json::Number),
                _ => Json::String(text.clone()),
            };
            match json {
                Json::String(text) => {
                    doc.metadata.insert(variable_name.clone(), text);
                }
                other => {
                    doc.variables.insert(variable_name.clone(), other);
                }
            }
        }
        for selection in source.children("PlainTextSelection") {
            let selection_guid = selection.attribute("guid").unwrap_or_default().to_lowercase();
            let position = |key: &str| selection.attribute(key).and_then(|v| v.trim().parse::<usize>().ok());
            let (Some(start), Some(end)) = (position("startPosition"), position("endPosition")) else {
                return Err(ImportError::invalid(
                    path,
                    format!("selection {selection_guid} in {}: no start or end position", doc.name),
                ));
            };
            let total = if atlas { normalized.text.chars().count() } else { raw_chars };
            let problem = (end < start || end > total)
                .then(|| format!("selection {start}..{end} is outside the source text ({total} characters)"));
            let map = |offset: usize| if atlas { offset } else { normalized.map(offset).unwrap_or(offset) };
            let fragment = IncomingFragment { start: map(start), end: map(end), ..Default::default() };
            let creator = selection.attribute("creatingUser").and_then(|g| users.get(&g.to_lowercase())).cloned();
            let note: Vec<String> = selection
                .children("NoteRef")
                .filter_map(|r| r.attribute("targetGUID"))
                .filter(|g| parse_item_guid(g).is_none_or(|(kind, _, _)| kind != ItemKind::Memo as u16))
                .filter_map(|g| notes.get(&g.to_lowercase()).cloned())
                .collect();
            let description = selection.child("Description").map(|d| d.text.as_str()).unwrap_or_default();
            let attributes = parse_attributes(description).unwrap_or_default();
            let parsed = parse_item_guid(&selection_guid).filter(|(kind, _, _)| *kind == ItemKind::Selection as u16);
            let mut keys = Vec::new();
            for (c, coding) in selection.children("Coding").enumerate() {
                let Some(code) = coding.child("CodeRef").and_then(|r| r.attribute("targetGUID")) else { continue };
                let Some(label) = codes.get(&code.to_lowercase()) else {
                    incoming
                        .notes
                        .push(format!("{}: a coding refers to code {code}, which the codebook lacks", doc.name));
                    continue;
                };
                let key = format!("{selection_guid}#{c}");
                keys.push(key.clone());
                doc.annotations.push(IncomingAnnotation {
                    key,
                    id: parsed.filter(|_| c == 0).map(|(_, id, _)| id),
                    label: label.clone(),
                    fragments: vec![fragment.clone()],
                    annotator: creator.clone().or_else(|| {
                        coding.attribute("creatingUser").and_then(|g| users.get(&g.to_lowercase())).cloned()
                    }),
                    created: time(selection, "creationDateTime").or_else(|| time(coding, "creationDateTime")),
                    modified: time(selection, "modifiedDateTime"),
                    note: note.join("\n"),
                    attributes: attributes.clone(),
                    problem: problem.clone(),
                });
            }
            selection_owner.insert(selection_guid, (index, keys));
        }
        if source.children("Coding").next().is_some() {
            incoming.notes.push(format!("{}: codes of the whole source are not imported (only selections)", doc.name));
        }
        doc.set_text(normalized.text);
        incoming.documents.push(doc);
    }
    if skipped_sources > 0 {
        incoming.notes.push(format!(
            "{}: {skipped_sources} sources that are not text (PDF, pictures, audio, video) are not imported",
            path.display()
        ));
    }
    // Links: fragments of one annotation, or relations.
    if let Some(list) = project.child("Links") {
        for link in list.children("Link") {
            let (Some(origin), Some(target)) = (link.attribute("originGUID"), link.attribute("targetGUID")) else {
                continue;
            };
            let (Some((from_doc, from_keys)), Some((to_doc, to_keys))) =
                (selection_owner.get(&origin.to_lowercase()), selection_owner.get(&target.to_lowercase()))
            else {
                continue;
            };
            let (Some(from_key), Some(to_key)) = (from_keys.first(), to_keys.first()) else { continue };
            if from_doc != to_doc {
                incoming
                    .notes
                    .push(format!("link {}: it joins two sources; not imported", link.attribute("name").unwrap_or("")));
                continue;
            }
            let doc = &mut incoming.documents[*from_doc];
            let name = link.attribute("name").unwrap_or("linked").to_owned();
            if name == FRAGMENT_LINK {
                // Move the target selection's fragment into the origin's annotation.
                let Some(part_index) = doc.annotations.iter().position(|a| a.key == *to_key) else { continue };
                let part = doc.annotations.remove(part_index);
                if let Some(whole) = doc.annotations.iter_mut().find(|a| a.key == *from_key) {
                    whole.fragments.extend(part.fragments);
                    whole.fragments.sort_by_key(|f| f.start);
                    if whole.problem.is_none() {
                        whole.problem = part.problem;
                    }
                }
                continue;
            }
            let (from, to) = (from_key.clone(), to_key.clone());
            let note: Vec<String> = link
                .children("NoteRef")
                .filter_map(|r| r.attribute("targetGUID"))
                .filter_map(|g| notes.get(&g.to_lowercase()).cloned())
                .collect();
            let id = link
                .attribute("guid")
                .and_then(parse_item_guid)
                .filter(|(kind, _, _)| *kind == ItemKind::Relation as u16)
                .map(|(_, id, _)| id);
            let owner = doc.annotations.iter().find(|a| a.key == from).and_then(|a| a.annotator.clone());
            doc.relations.push(IncomingRelation {
                id,
                kind: name,
                from,
                to,
                annotator: owner,
                created: None,
                modified: None,
                note: note.join("\n"),
            });
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_with_references_and_nesting() {
        let root = parse_xml(
            "<?xml version=\"1.0\"?><Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"a &amp; b\"><Notes><Note guid=\"x\">\
             <PlainTextContent>line&#10;two &lt;3 &#x1F642;</PlainTextContent></Note></Notes></Project>",
        )
        .unwrap();
        assert_eq!(root.name, "Project");
        assert_eq!(root.attribute("name"), Some("a & b"));
        let note = root.child("Notes").unwrap().child("Note").unwrap();
        assert_eq!(note.child("PlainTextContent").unwrap().text, "line\ntwo <3 🙂");
        assert!(parse_xml("<Project><Sources></Project>").is_err());
    }

    #[test]
    fn attribute_lines_are_typed() {
        let attributes = parse_attributes(
            "Spanwise attributes:\nstance: against\ncertainty: 0.75\nnegated: true\ncomment: \"two\\nlines\"",
        )
        .unwrap();
        assert_eq!(attributes["stance"], Json::String("against".into()));
        assert_eq!(attributes["certainty"], serde_json::json!(0.75));
        assert_eq!(attributes["negated"], Json::Bool(true));
        assert_eq!(attributes["comment"], Json::String("two\nlines".into()));
        assert!(parse_attributes("A memo about it").is_none());
    }
}
