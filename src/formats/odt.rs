//! OpenDocument text (`.odt`): headings, paragraphs and list items of `content.xml` in order, one
//! block per paragraph separated by a blank line; footnotes and endnotes at the end as `[n] text`,
//! with `[n]` where they are cited. `text:s` spaces, tabs and line breaks are kept. Title, author
//! and date come from `meta.xml`.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::archive::Archive;
use super::docx::{OfficeError, OfficeText, read_core_properties, resolve_ref};

pub fn import(bytes: &[u8], limit: u64) -> Result<OfficeText, OfficeError> {
    let mut archive = Archive::new(bytes, limit.saturating_mul(4))?;
    let content = archive.read_text("content.xml", limit)?;
    let text = read_content(&content)?;
    if text.is_empty() {
        return Err(OfficeError::NoText);
    }
    let mut out = OfficeText { text, ..Default::default() };
    if archive.contains("meta.xml") {
        let meta = archive.read_text("meta.xml", 1 << 20)?;
        read_core_properties(&meta, &mut out);
    }
    Ok(out)
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

fn read_content(xml: &str) -> Result<String, OfficeError> {
    let error = |e: &dyn std::fmt::Display| OfficeError::Xml { part: "content.xml".into(), reason: e.to_string() };
    let mut reader = Reader::from_str(xml);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    // Paragraph texts being built (a note's paragraphs nest inside a paragraph).
    let mut stack: Vec<String> = Vec::new();
    let mut note_depth = 0usize;
    let mut in_citation = false;
    let mut citation = String::new();
    let mut note_paragraphs: Vec<String> = Vec::new();
    loop {
        let event = reader.read_event().map_err(|e| error(&e))?;
        match event {
            Event::Start(e) => match local(e.name().as_ref()) {
                b"p" | b"h" => stack.push(String::new()),
                b"note" => {
                    note_depth += 1;
                    note_paragraphs.clear();
                }
                b"note-citation" => {
                    in_citation = true;
                    citation.clear();
                }
                _ => {}
            },
            Event::Empty(e) => {
                if let Some(current) = stack.last_mut() {
                    match local(e.name().as_ref()) {
                        b"s" => {
                            let count = e
                                .attributes()
                                .flatten()
                                .find(|a| local(a.key.as_ref()) == b"c")
                                .and_then(|a| String::from_utf8_lossy(&a.value).parse::<usize>().ok())
                                .unwrap_or(1)
                                .min(1000);
                            current.push_str(&" ".repeat(count));
                        }
                        b"tab" => current.push('\t'),
                        b"line-break" => current.push('\n'),
                        _ => {}
                    }
                }
            }
            Event::End(e) => match local(e.name().as_ref()) {
                b"p" | b"h" => {
                    let paragraph = stack.pop().unwrap_or_default();
                    let paragraph = paragraph.trim_end().to_owned();
                    if !paragraph.trim().is_empty() {
                        if note_depth > 0 {
                            note_paragraphs.push(paragraph);
                        } else {
                            paragraphs.push(paragraph);
                        }
                    }
                }
                b"note-citation" => {
                    in_citation = false;
                    if let Some(current) = stack.last_mut() {
                        current.push_str(&format!("[{}]", citation.trim()));
                    }
                }
                b"note" => {
                    note_depth = note_depth.saturating_sub(1);
                    notes.push(format!("[{}] {}", citation.trim(), note_paragraphs.join(" ")));
                }
                _ => {}
            },
            Event::Text(t) => {
                let text = t.xml10_content().map_err(|e| error(&e))?;
                if in_citation {
                    citation.push_str(&text);
                } else if let Some(current) = stack.last_mut() {
                    current.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let text = resolve_ref(&r);
                if in_citation {
                    citation.push_str(&text);
                } else if let Some(current) = stack.last_mut() {
                    current.push_str(&text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    paragraphs.extend(notes);
    Ok(paragraphs.join("\n\n").trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::archive::tests::zip_of;

    #[test]
    fn headings_paragraphs_spaces_and_notes() {
        let content = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
            xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>
            <text:h text:outline-level="1">Official Study</text:h>
            <text:p>Müller<text:s text:c="2"/>said 🎉 &amp; 👨‍👩‍👧<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>A note über it.</text:p></text:note-body></text:note> شبکه‌های 社交.</text:p>
            <text:list><text:list-item><text:p>First</text:p></text:list-item></text:list>
            </office:text></office:body></office:document-content>"#;
        let meta = r#"<office:document-meta xmlns:office="o" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="m"><office:meta>
            <dc:title>Official Study</dc:title><meta:initial-creator>Behnam Gholipour</meta:initial-creator>
            <meta:creation-date>2020-12-18T09:00:00</meta:creation-date></office:meta></office:document-meta>"#;
        let bytes = zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content.as_bytes()),
            ("meta.xml", meta.as_bytes()),
        ]);
        let doc = import(&bytes, 1 << 20).unwrap();
        assert_eq!(doc.text, "Official Study\n\nMüller  said 🎉 & 👨‍👩‍👧[1] شبکه‌های 社交.\n\nFirst\n\n[1] A note über it.");
        assert_eq!(doc.author.as_deref(), Some("Behnam Gholipour"));
        assert_eq!(doc.date.as_deref(), Some("2020-12-18T09:00:00"));
    }
}
