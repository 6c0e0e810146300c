//! `qdpx`: a REFI-QDA project (QDA-XML 1.0) for MAXQDA, NVivo, ATLAS.ti and QualCoder: a ZIP
//! with `project.qde` (valid against the REFI-QDA `Project.xsd`) and each document as
//! `sources/<guid>.txt` (UTF-8, LF line ends, the exact text the offsets count).
//!
//! - Users: the annotators. CodeBook: the labels as codes (name, color, definition).
//! - Variables: the document variables (typed) and the metadata entries (text) of the sources.
//! - Each annotation fragment is a `PlainTextSelection` (code points, end exclusive) with one
//!   `Coding` of its label, the creating/modifying user and times. A discontinuous annotation's
//!   fragments are linked by `Link`s named [`FRAGMENT_LINK`].
//! - Attributes are written as lines `id: value` in the selection's `Description` (REFI-QDA
//!   has no typed values on selections); notes and memos are `Notes` referenced where they belong.
//! - Relations are `Link`s between the first selections of their two annotations, named after
//!   the relation type, `OneWay` when directed.
//!
//! GUIDs are UUIDs version 8 derived from Spanwise ids, so the same project always exports the
//! same GUIDs; those of selections, codings, links and notes carry the Spanwise id itself
//! (see [`item_guid`]), so an import gives back the same annotation ids.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::output::{AtomicFile, io_at};
use super::{ExportError, Job, meta, timestamp};
use crate::model::{Document, ItemId, MemoTarget, Value, ValueKind};

/// The link name that joins the fragments of one discontinuous annotation.
pub const FRAGMENT_LINK: &str = "Spanwise fragment";
/// The first line of an attribute description.
pub const ATTRIBUTES_HEADER: &str = "Spanwise attributes:";

/// What a GUID made from a Spanwise item id stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Selection = 1,
    Coding = 2,
    Relation = 3,
    AnnotationNote = 4,
    Memo = 5,
    RelationNote = 6,
    FragmentLink = 7,
}

const ITEM_PREFIX: &str = "5350574e";

/// A GUID that carries a Spanwise id (below 2^53) and a fragment index:
/// `5350574e-KKKK-8FFF-8HHH-LLLLLLLLLLLL` (K kind, F fragment, H and L the id's high and low bits).
pub fn item_guid(kind: ItemKind, id: ItemId, fragment: usize) -> String {
    let id = id.0;
    format!(
        "{ITEM_PREFIX}-{:04x}-8{:03x}-{:04x}-{:012x}",
        kind as u16,
        fragment.min(0xfff),
        0x8000 | ((id >> 48) & 0x1f),
        id & 0xffff_ffff_ffff
    )
}

/// The kind, id and fragment index in a GUID made by [`item_guid`].
pub fn parse_item_guid(guid: &str) -> Option<(u16, ItemId, usize)> {
    let guid = guid.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_lowercase();
    let parts: Vec<&str> = guid.split('-').collect();
    if parts.len() != 5 || parts[0] != ITEM_PREFIX || !parts[2].starts_with('8') {
        return None;
    }
    let kind = u16::from_str_radix(parts[1], 16).ok()?;
    let fragment = usize::from_str_radix(&parts[2][1..], 16).ok()?;
    let high = u64::from_str_radix(parts[3], 16).ok()? & 0x1f;
    let low = u64::from_str_radix(parts[4], 16).ok()?;
    Some((kind, ItemId((high << 48) | low), fragment))
}

/// A stable GUID for a named thing (`label:claim`, `user:ana`, `document:d1`).
pub fn name_guid(key: &str) -> String {
    let digest = Sha256::digest(format!("spanwise:{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Escapes text for an XML attribute or element, keeping line ends and tabs in attributes as
/// character references and replacing characters XML 1.0 cannot hold.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A selection's name: its text, shortened.
fn selection_name(text: &str) -> String {
    const MAX: usize = 200;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut head: String = text.chars().take(MAX).collect();
        head.push('…');
        head
    }
}

/// The attribute lines of a selection description.
pub fn attribute_description(attributes: &std::collections::BTreeMap<String, Value>) -> String {
    let mut text = String::from(ATTRIBUTES_HEADER);
    for (key, value) in attributes {
        let value = meta::value_text(value);
        let shown = if value.contains(['\n', '\r']) || value.trim() != value || value.starts_with('"') {
            serde_json::Value::String(value).to_string()
        } else {
            value
        };
        text.push('\n');
        text.push_str(&format!("{key}: {shown}"));
    }
    text
}

struct Variable {
    guid: String,
    name: String,
    kind: &'static str,
}

fn variable_value(variable: &Variable, value: &str) -> Option<String> {
    let element = match variable.kind {
        "Float" => {
            let number: f64 = value.parse().ok()?;
            if !number.is_finite() {
                return None;
            }
            return Some(format!(
                "<VariableValue><VariableRef targetGUID=\"{}\"/><FloatValue>{}</FloatValue></VariableValue>",
                variable.guid,
                meta::number_text(number)
            ));
        }
        "Boolean" => "BooleanValue",
        _ => "TextValue",
    };
    Some(format!(
        "<VariableValue><VariableRef targetGUID=\"{}\"/><{element}>{}</{element}></VariableValue>",
        variable.guid,
        xml(value)
    ))
}

fn write_project(
    job: &mut Job,
    out: &mut dyn Write,
    source_guids: &[String],
) -> std::io::Result<Result<(), ExportError>> {
    let project = job.project;
    let codebook = &project.codebook;
    let exported = timestamp(&job.exported_at());
    let first_user = project.annotators.first().map(|a| name_guid(&format!("user:{}", a.id)));
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"Spanwise {}\"",
        xml(&project.name),
        env!("CARGO_PKG_VERSION")
    )?;
    if let Some(user) = &first_user {
        write!(out, " creatingUserGUID=\"{user}\"")?;
    }
    writeln!(out, " creationDateTime=\"{}\" modifiedDateTime=\"{exported}\">", timestamp(&project.created))?;
    if !project.annotators.is_empty() {
        writeln!(out, "<Users>")?;
        for annotator in &project.annotators {
            writeln!(
                out,
                "<User guid=\"{}\" name=\"{}\" id=\"{}\"/>",
                name_guid(&format!("user:{}", annotator.id)),
                xml(&annotator.name),
                xml(&annotator.id)
            )?;
        }
        writeln!(out, "</Users>")?;
    }
    let memo_refs = |target: &dyn Fn(&MemoTarget) -> bool| -> String {
        project
            .memos
            .iter()
            .filter(|m| target(&m.target))
            .map(|m| format!("<NoteRef targetGUID=\"{}\"/>", item_guid(ItemKind::Memo, m.id, 0)))
            .collect()
    };
    if !codebook.labels.is_empty() {
        writeln!(out, "<CodeBook><Codes>")?;
        for label in &codebook.labels {
            let color = if crate::model::parse_color(&label.color).is_some() {
                format!(" color=\"{}\"", label.color.to_ascii_uppercase())
            } else {
                String::new()
            };
            write!(
                out,
                "<Code guid=\"{}\" name=\"{}\" isCodable=\"true\"{color}>",
                name_guid(&format!("label:{}", label.id)),
                xml(&label.name)
            )?;
            if !label.definition.is_empty() {
                write!(out, "<Description>{}</Description>", xml(&label.definition))?;
            }
            write!(out, "{}", memo_refs(&|t| matches!(t, MemoTarget::Label(id) if *id == label.id)))?;
            writeln!(out, "</Code>")?;
        }
        writeln!(out, "</Codes></CodeBook>")?;
    }
    // Variables: document fields (typed), then metadata keys (text).
    let mut variables: Vec<(String, Variable)> = Vec::new();
    for field in &codebook.document_fields {
        let kind = match field.kind {
            ValueKind::Number => "Float",
            ValueKind::Bool => "Boolean",
            _ => "Text",
        };
        variables.push((
            format!("var:{}", field.id),
            Variable { guid: name_guid(&format!("variable:{}", field.id)), name: field.name.clone(), kind },
        ));
    }
    let mut metadata_keys: Vec<String> = meta::STANDARD_KEYS.iter().map(|k| (*k).to_owned()).collect();
    metadata_keys.extend(meta::other_metadata_keys(&job.documents));
    for key in &metadata_keys {
        if job.documents.iter().any(|d| d.metadata.contains_key(key) || meta::standard(d, key).is_some())
            && !variables.iter().any(|(_, v)| v.name == *key)
        {
            variables.push((
                format!("meta:{key}"),
                Variable { guid: name_guid(&format!("metadata:{key}")), name: key.clone(), kind: "Text" },
            ));
        }
    }
    if !variables.is_empty() {
        writeln!(out, "<Variables>")?;
        for (_, variable) in &variables {
            writeln!(
                out,
                "<Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"{}\"/>",
                variable.guid,
                xml(&variable.name),
                variable.kind
            )?;
        }
        writeln!(out, "</Variables>")?;
    }
    let user = |annotator: &str| name_guid(&format!("user:{annotator}"));
    let mut label_guids: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    let mut user_guids: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    let mut notes: Vec<String> = Vec::new();
    let mut links: Vec<String> = Vec::new();
    writeln!(out, "<Sources>")?;
    let documents = job.documents.clone();
    for (document, guid) in documents.iter().zip(source_guids) {
        write!(
            out,
            "<TextSource guid=\"{guid}\" name=\"{}\" plainTextPath=\"internal://{guid}.txt\">",
            xml(&document.name)
        )?;
        if let Some(title) = meta::standard(document, "title") {
            write!(out, "<Description>{}</Description>", xml(&title))?;
        }
        writeln!(out)?;
        if let Err(err) = job.advance(Job::text_units(document)) {
            return Ok(Err(err));
        }
        let mut line = String::with_capacity(512);
        for annotation in &document.annotations {
            let label_guid = label_guids
                .entry(annotation.label.as_str())
                .or_insert_with(|| name_guid(&format!("label:{}", annotation.label)))
                .clone();
            let creator =
                user_guids.entry(annotation.annotator.as_str()).or_insert_with(|| user(&annotation.annotator)).clone();
            for (i, fragment) in annotation.fragments.iter().enumerate() {
                line.clear();
                line.push_str(&format!(
                    "<PlainTextSelection guid=\"{}\" name=\"{}\" startPosition=\"{}\" endPosition=\"{}\" \
                     creatingUser=\"{creator}\" creationDateTime=\"{}\" modifyingUser=\"{creator}\" modifiedDateTime=\"{}\">",
                    item_guid(ItemKind::Selection, annotation.id, i),
                    xml(&selection_name(&fragment.text)),
                    fragment.start,
                    fragment.end,
                    timestamp(&annotation.created),
                    timestamp(&annotation.modified),
                ));
                if i == 0 && !annotation.attributes.is_empty() {
                    line.push_str(&format!(
                        "<Description>{}</Description>",
                        xml(&attribute_description(&annotation.attributes))
                    ));
                }
                line.push_str(&format!(
                    "<Coding guid=\"{}\" creatingUser=\"{creator}\" creationDateTime=\"{}\"><CodeRef targetGUID=\"{label_guid}\"/></Coding>",
                    item_guid(ItemKind::Coding, annotation.id, i),
                    timestamp(&annotation.created),
                ));
                if i == 0 {
                    if !annotation.note.is_empty() {
                        let note_guid = item_guid(ItemKind::AnnotationNote, annotation.id, 0);
                        line.push_str(&format!("<NoteRef targetGUID=\"{note_guid}\"/>"));
                        notes.push(format!(
                            "<Note guid=\"{note_guid}\" name=\"Note\" creatingUser=\"{creator}\" creationDateTime=\"{}\"><PlainTextContent>{}</PlainTextContent></Note>",
                            timestamp(&annotation.modified),
                            xml(&annotation.note)
                        ));
                    }
                    line.push_str(&memo_refs(&|t| matches!(t, MemoTarget::Annotation(id) if *id == annotation.id)));
                } else {
                    links.push(format!(
                        "<Link guid=\"{}\" name=\"{FRAGMENT_LINK}\" direction=\"Associative\" originGUID=\"{}\" targetGUID=\"{}\"/>",
                        item_guid(ItemKind::FragmentLink, annotation.id, i),
                        item_guid(ItemKind::Selection, annotation.id, 0),
                        item_guid(ItemKind::Selection, annotation.id, i),
                    ));
                }
                line.push_str("</PlainTextSelection>\n");
                out.write_all(line.as_bytes())?;
            }
            if let Err(err) = job.advance(1) {
                return Ok(Err(err));
            }
        }
        write!(out, "{}", memo_refs(&|t| matches!(t, MemoTarget::Document(id) if *id == document.id)))?;
        for (key, variable) in &variables {
            let value = if let Some(field) = key.strip_prefix("var:") {
                document.variables.get(field).map(meta::value_text)
            } else if let Some(name) = key.strip_prefix("meta:") {
                meta::standard(document, name).or_else(|| document.metadata.get(name).cloned())
            } else {
                None
            };
            if let Some(element) = value.and_then(|v| variable_value(variable, &v)) {
                write!(out, "{element}")?;
            }
        }
        writeln!(out, "</TextSource>")?;
        for relation in &document.relations {
            let directed = codebook.relation_type(&relation.kind).is_none_or(|r| r.directed);
            let mut link = format!(
                "<Link guid=\"{}\" name=\"{}\" direction=\"{}\" originGUID=\"{}\" targetGUID=\"{}\"",
                item_guid(ItemKind::Relation, relation.id, 0),
                xml(job.relation_name(&relation.kind)),
                if directed { "OneWay" } else { "Associative" },
                item_guid(ItemKind::Selection, relation.from, 0),
                item_guid(ItemKind::Selection, relation.to, 0),
            );
            if relation.note.is_empty() {
                link.push_str("/>");
            } else {
                let note_guid = item_guid(ItemKind::RelationNote, relation.id, 0);
                link.push_str(&format!("><NoteRef targetGUID=\"{note_guid}\"/></Link>"));
                notes.push(format!(
                    "<Note guid=\"{note_guid}\" name=\"Note\" creatingUser=\"{}\" creationDateTime=\"{}\"><PlainTextContent>{}</PlainTextContent></Note>",
                    user(&relation.annotator),
                    timestamp(&relation.modified),
                    xml(&relation.note)
                ));
            }
            links.push(link);
            if let Err(err) = job.advance(1) {
                return Ok(Err(err));
            }
        }
    }
    writeln!(out, "</Sources>")?;
    for memo in &project.memos {
        let creator = project.annotator(&memo.author).map(|a| format!(" creatingUser=\"{}\"", user(&a.id)));
        notes.push(format!(
            "<Note guid=\"{}\" name=\"{}\"{} creationDateTime=\"{}\" modifiedDateTime=\"{}\"><PlainTextContent>{}</PlainTextContent></Note>",
            item_guid(ItemKind::Memo, memo.id, 0),
            xml(&memo.title),
            creator.unwrap_or_default(),
            timestamp(&memo.created),
            timestamp(&memo.modified),
            xml(&memo.text)
        ));
    }
    if !notes.is_empty() {
        writeln!(out, "<Notes>")?;
        for note in &notes {
            writeln!(out, "{note}")?;
        }
        writeln!(out, "</Notes>")?;
    }
    if !links.is_empty() {
        writeln!(out, "<Links>")?;
        for link in &links {
            writeln!(out, "{link}")?;
        }
        writeln!(out, "</Links>")?;
    }
    if !project.description.is_empty() {
        write!(out, "<Description>{}</Description>", xml(&project.description))?;
    }
    write!(out, "{}", memo_refs(&|t| matches!(t, MemoTarget::Project)))?;
    writeln!(out, "</Project>")?;
    Ok(Ok(()))
}

/// The GUID of a document's source.
pub fn source_guid(document: &Document) -> String {
    name_guid(&format!("document:{}:{}", document.id, document.sha256))
}

/// A `Write` that hands the bytes on in chunks to the thread that compresses them.
struct ChunkSender {
    sender: std::sync::mpsc::SyncSender<Vec<u8>>,
    chunk: Vec<u8>,
}

impl ChunkSender {
    const CHUNK: usize = 1 << 20;

    fn send(&mut self) -> std::io::Result<()> {
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(Self::CHUNK));
        self.sender.send(chunk).map_err(|_| std::io::Error::other("the compressing thread stopped"))
    }
}

impl Write for ChunkSender {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.chunk.extend_from_slice(buf);
        if self.chunk.len() >= Self::CHUNK {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.chunk.is_empty() {
            self.send()?;
        }
        Ok(())
    }
}

/// Writes the ZIP: `project.qde` made on this thread while another compresses it (both cores),
/// then the sources.
pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let file = AtomicFile::create(out)?;
    let err = io_at(out);
    let zip_err = |e: zip::result::ZipError| ExportError::Io { path: out.to_owned(), reason: e.to_string() };
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let source_guids: Vec<String> = job.documents.iter().map(|d| source_guid(d)).collect();
    let (made, zip) = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let compressor = scope.spawn(move || -> Result<zip::ZipWriter<AtomicFile>, ExportError> {
            let mut zip = zip::ZipWriter::new(file);
            zip.start_file("project.qde", options).map_err(zip_err)?;
            for chunk in receiver {
                zip.write_all(&chunk).map_err(io_at(out))?;
            }
            Ok(zip)
        });
        let mut chunks = ChunkSender { sender, chunk: Vec::with_capacity(ChunkSender::CHUNK) };
        let made = match write_project(job, &mut chunks, &source_guids) {
            Ok(result) => result.and_then(|()| chunks.flush().map_err(&err)),
            Err(io) => Err(err(io)),
        };
        drop(chunks);
        let zip = compressor
            .join()
            .unwrap_or_else(|_| Err(ExportError::Io { path: out.to_owned(), reason: "compressing failed".into() }));
        (made, zip)
    });
    // A failure to compress (disk full) explains a failure to hand over chunks.
    let mut zip = match (made, zip) {
        (Ok(()), Ok(zip)) => zip,
        (_, Err(error)) | (Err(error), Ok(_)) => return Err(error),
    };
    let documents = job.documents.clone();
    for (document, guid) in documents.iter().zip(&source_guids) {
        zip.start_file(format!("sources/{guid}.txt"), options).map_err(zip_err)?;
        zip.write_all(document.text.as_bytes()).map_err(&err)?;
    }
    let file = zip.finish().map_err(zip_err)?;
    if job.project.codebook.attributes.iter().any(|a| !matches!(a.kind, ValueKind::Text))
        || job.documents.iter().any(|d| d.annotations.iter().any(|a| !a.attributes.is_empty()))
    {
        job.note("REFI-QDA has no typed values on selections: attributes are lines \"id: value\" in each selection's description");
    }
    file.commit()
}
