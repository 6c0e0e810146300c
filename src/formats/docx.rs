//! Word documents (`.docx`): the text of the body's paragraphs (headings, list items and table
//! cells included) in order, one paragraph per block separated by a blank line; footnotes and
//! endnotes at the end, each as `[n] text`, with `[n]` where it is referenced. Deleted tracked
//! changes and field codes are not text. Title, author and creation date come from
//! `docProps/core.xml`.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::archive::{Archive, ArchiveError};

/// A document's text and properties.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OfficeText {
    pub text: String,
    pub title: Option<String>,
    pub author: Option<String>,
    /// As written in the file (ISO 8601).
    pub date: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum OfficeError {
    #[error("{0}")]
    Archive(#[from] ArchiveError),
    #[error("{part} is not well-formed XML: {reason}")]
    Xml { part: String, reason: String },
    #[error("the document contains no text")]
    NoText,
}

/// Reads a `.docx` held in memory; `limit` bounds the bytes read from the archive.
pub fn import(bytes: &[u8], limit: u64) -> Result<OfficeText, OfficeError> {
    let mut archive = Archive::new(bytes, limit.saturating_mul(4))?;
    if archive.contains("EncryptionInfo") {
        return Err(ArchiveError::Encrypted("the document".into()).into());
    }
    let body = archive.read_text("word/document.xml", limit)?;
    let mut notes = Vec::new();
    for (part, tag) in [("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote")] {
        if archive.contains(part) {
            let xml = archive.read_text(part, limit)?;
            notes.extend(read_notes(&xml, part, tag)?);
        }
    }
    let mut text = read_body(&body)?;
    if !notes.is_empty() {
        let note_text: Vec<String> = notes.into_iter().map(|(id, note)| format!("[{id}] {note}")).collect();
        text = format!("{text}\n\n{}", note_text.join("\n\n"));
    }
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(OfficeError::NoText);
    }
    let mut out = OfficeText { text, ..Default::default() };
    if archive.contains("docProps/core.xml") {
        let core = archive.read_text("docProps/core.xml", 1 << 20)?;
        read_core_properties(&core, &mut out);
    }
    Ok(out)
}

fn xml_error(part: &str, error: impl std::fmt::Display) -> OfficeError {
    OfficeError::Xml { part: part.to_owned(), reason: error.to_string() }
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

fn attr(event: &quick_xml::events::BytesStart, key: &[u8]) -> Option<String> {
    event
        .attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// Walks WordprocessingML: collects paragraphs of `w:t` text. Returns the paragraphs.
struct ParagraphCollector {
    paragraphs: Vec<String>,
    current: String,
    /// Inside `w:del`, `w:instrText`, `w:delText`: not text.
    skip_depth: usize,
    in_text: bool,
}

impl ParagraphCollector {
    fn new() -> Self {
        Self { paragraphs: Vec::new(), current: String::new(), skip_depth: 0, in_text: false }
    }

    fn start(&mut self, e: &quick_xml::events::BytesStart, empty: bool) {
        let name = local(e.name().as_ref()).to_vec();
        match name.as_slice() {
            b"del" | b"instrText" | b"delText" | b"fldData" if !empty => self.skip_depth += 1,
            b"t" if !empty => self.in_text = true,
            b"tab" if self.skip_depth == 0 => self.current.push('\t'),
            b"br" | b"cr" if self.skip_depth == 0 => self.current.push('\n'),
            b"noBreakHyphen" => self.current.push('-'),
            b"footnoteReference" | b"endnoteReference" => {
                if let Some(id) = attr(e, b"id") {
                    self.current.push_str(&format!("[{id}]"));
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match local(name) {
            b"del" | b"instrText" | b"delText" | b"fldData" => self.skip_depth = self.skip_depth.saturating_sub(1),
            b"t" => self.in_text = false,
            b"p" => {
                let paragraph = std::mem::take(&mut self.current);
                if !paragraph.trim().is_empty() {
                    self.paragraphs.push(paragraph.trim_end().to_owned());
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_text && self.skip_depth == 0 {
            self.current.push_str(text);
        }
    }
}

fn read_body(xml: &str) -> Result<String, OfficeError> {
    let part = "word/document.xml";
    let mut reader = Reader::from_str(xml);
    let mut collector = ParagraphCollector::new();
    loop {
        match reader.read_event().map_err(|e| xml_error(part, e))? {
            Event::Start(e) => collector.start(&e, false),
            Event::Empty(e) => collector.start(&e, true),
            Event::End(e) => collector.end(e.name().as_ref()),
            Event::Text(t) => collector.text(&t.xml10_content().map_err(|e| xml_error(part, e))?),
            Event::GeneralRef(r) => collector.text(&resolve_ref(&r)),
            Event::CData(t) => collector.text(&String::from_utf8_lossy(&t)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(collector.paragraphs.join("\n\n"))
}

/// `&amp;`, `&#8217;` and the other references quick-xml reports on their own.
pub(crate) fn resolve_ref(reference: &quick_xml::events::BytesRef) -> String {
    if let Ok(Some(ch)) = reference.resolve_char_ref() {
        return ch.to_string();
    }
    let name = String::from_utf8_lossy(reference.as_ref()).into_owned();
    match name.as_str() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
    .to_owned()
}

/// Footnotes or endnotes with their ids (separators skipped).
fn read_notes(xml: &str, part: &str, tag: &str) -> Result<Vec<(String, String)>, OfficeError> {
    let mut reader = Reader::from_str(xml);
    let mut notes = Vec::new();
    let mut current: Option<(String, ParagraphCollector)> = None;
    loop {
        match reader.read_event().map_err(|e| xml_error(part, e))? {
            Event::Start(e) if local(e.name().as_ref()) == tag.as_bytes() => {
                let kind = attr(&e, b"type").unwrap_or_default();
                let id = attr(&e, b"id").unwrap_or_default();
                current = (kind.is_empty() || kind == "normal").then(|| (id, ParagraphCollector::new()));
            }
            Event::End(e) if local(e.name().as_ref()) == tag.as_bytes() => {
                if let Some((id, collector)) = current.take() {
                    let text = collector.paragraphs.join(" ");
                    if !text.trim().is_empty() {
                        notes.push((id, text.trim().to_owned()));
                    }
                }
            }
            Event::Start(e) => {
                if let Some((_, c)) = current.as_mut() {
                    // The note's own reference mark is not repeated inside it.
                    if !matches!(local(e.name().as_ref()), b"footnoteRef" | b"endnoteRef") {
                        c.start(&e, false);
                    }
                }
            }
            Event::Empty(e) => {
                if let Some((_, c)) = current.as_mut() {
                    c.start(&e, true);
                }
            }
            Event::End(e) => {
                if let Some((_, c)) = current.as_mut() {
                    c.end(e.name().as_ref());
                }
            }
            Event::Text(t) => {
                if let Some((_, c)) = current.as_mut() {
                    c.text(&t.xml10_content().map_err(|e| xml_error(part, e))?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, c)) = current.as_mut() {
                    c.text(&resolve_ref(&r));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(notes)
}

/// Dublin Core properties (`dc:title`, `dc:creator`, `dcterms:created`, `dc:language`), shared
/// by DOCX's `core.xml`, ODT's `meta.xml` and EPUB's package file.
pub(crate) fn read_core_properties(xml: &str, out: &mut OfficeText) {
    let mut reader = Reader::from_str(xml);
    let mut field: Option<Vec<u8>> = None;
    let mut value = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                field = Some(local(e.name().as_ref()).to_vec());
                value.clear();
            }
            Ok(Event::Text(t)) if field.is_some() => value.push_str(&t.xml10_content().unwrap_or_default()),
            Ok(Event::GeneralRef(r)) if field.is_some() => value.push_str(&resolve_ref(&r)),
            Ok(Event::End(_)) => {
                let text = value.trim().to_owned();
                if let Some(name) = field.take()
                    && !text.is_empty()
                {
                    match name.as_slice() {
                        b"title" => {
                            out.title.get_or_insert(text);
                        }
                        b"creator" | b"initial-creator" => {
                            out.author.get_or_insert(text);
                        }
                        b"created" | b"creation-date" | b"date" => {
                            out.date.get_or_insert(text);
                        }
                        b"language" => {
                            out.language.get_or_insert(text);
                        }
                        _ => {}
                    }
                }
                value.clear();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::archive::tests::zip_of;

    /// A minimal but real DOCX: what Word writes, reduced to the parts Spanwise reads.
    pub fn docx_of(paragraphs: &[(&str, &str)], footnotes: &[(&str, &str)]) -> Vec<u8> {
        let mut body = String::new();
        for (style, text) in paragraphs {
            let style_xml =
                if style.is_empty() { String::new() } else { format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>") };
            body.push_str(&format!("<w:p>{style_xml}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"));
        }
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
        );
        let mut notes = String::from(
            "<w:footnotes xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
             <w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>",
        );
        for (id, text) in footnotes {
            notes.push_str(&format!(
                "<w:footnote w:id=\"{id}\"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space=\"preserve\"> {text}</w:t></w:r></w:p></w:footnote>"
            ));
        }
        notes.push_str("</w:footnotes>");
        let core = "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
                    xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">\
                    <dc:title>Official Study</dc:title><dc:creator>Behnam Gholipour</dc:creator>\
                    <dcterms:created>2020-12-18T09:00:00Z</dcterms:created></cp:coreProperties>";
        zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", document.as_bytes()),
            ("word/footnotes.xml", notes.as_bytes()),
            ("docProps/core.xml", core.as_bytes()),
        ])
    }

    #[test]
    fn paragraphs_headings_and_footnotes() {
        let bytes = docx_of(
            &[
                ("Title", "Official Study"),
                ("Heading1", "The Findings"),
                (
                    "",
                    "Müller said 🎉 &amp; 👨‍👩‍👧 شبکه‌های 社交.</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r><w:r><w:t>",
                ),
                ("", "Second <w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>paragraph."),
            ],
            &[("1", "A footnote über it.")],
        );
        let doc = import(&bytes, 1 << 20).unwrap();
        assert_eq!(
            doc.text,
            "Official Study\n\nThe Findings\n\nMüller said 🎉 & 👨‍👩‍👧 شبکه‌های 社交.[1]\n\nSecond paragraph.\n\n[1] A footnote über it."
        );
        assert_eq!(doc.title.as_deref(), Some("Official Study"));
        assert_eq!(doc.author.as_deref(), Some("Behnam Gholipour"));
        assert_eq!(doc.date.as_deref(), Some("2020-12-18T09:00:00Z"));
    }

    #[test]
    fn not_a_docx() {
        assert!(matches!(import(b"plain text", 1 << 20), Err(OfficeError::Archive(ArchiveError::NotZip(_)))));
        let empty = docx_of(&[], &[]);
        assert_eq!(import(&empty, 1 << 20), Err(OfficeError::NoText));
        let broken = zip_of(&[("word/document.xml", b"<w:document><w:body><w:p>")]);
        assert_eq!(import(&broken, 1 << 20), Err(OfficeError::NoText));
    }
}
