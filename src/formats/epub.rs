//! E-books (`.epub`): the XHTML documents of the spine in reading order, each turned into text
//! like a web page's body (paragraphs separated by blank lines); title, author, date and language
//! from the package file's Dublin Core metadata.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::archive::{Archive, ArchiveError, join_inside};
use super::docx::{OfficeError, OfficeText, read_core_properties};
use super::html_text::node_text;

pub fn import(bytes: &[u8], limit: u64) -> Result<OfficeText, OfficeError> {
    let mut archive = Archive::new(bytes, limit.saturating_mul(4))?;
    let container = archive.read_text("META-INF/container.xml", 1 << 20)?;
    let package_path = attribute_of(&container, b"rootfile", b"full-path")
        .ok_or_else(|| ArchiveError::Missing("the package file named by META-INF/container.xml".into()))?;
    let package = archive.read_text(&package_path, 16 << 20)?;
    let (manifest, spine) = manifest_and_spine(&package);
    let mut parts = Vec::new();
    let mut total = 0u64;
    for idref in spine {
        let Some(href) = manifest.iter().find(|(id, _)| *id == idref).map(|(_, href)| href) else { continue };
        let path = join_inside(&package_path, href)?;
        let xhtml = archive.read(&path, limit.saturating_sub(total))?;
        total += xhtml.len() as u64;
        let doc = dom_query::Document::from(String::from_utf8_lossy(&xhtml).as_ref());
        let body = doc.select("body");
        let text = body.nodes().first().map(node_text).unwrap_or_default();
        if !text.trim().is_empty() {
            parts.push(text);
        }
    }
    let text = parts.join("\n\n");
    if text.trim().is_empty() {
        return Err(OfficeError::NoText);
    }
    let mut out = OfficeText { text, ..Default::default() };
    read_core_properties(&package, &mut out);
    Ok(out)
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

fn attribute_of(xml: &str, element: &[u8], key: &[u8]) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if local(e.name().as_ref()) == element => {
                return e
                    .attributes()
                    .flatten()
                    .find(|a| local(a.key.as_ref()) == key)
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// Manifest items (id, href) and the spine's idrefs in order.
fn manifest_and_spine(package: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut manifest = Vec::new();
    let mut spine = Vec::new();
    let mut reader = Reader::from_str(package);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let get = |key: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| local(a.key.as_ref()) == key)
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                };
                match local(e.name().as_ref()) {
                    b"item" => {
                        if let (Some(id), Some(href)) = (get(b"id"), get(b"href")) {
                            manifest.push((id, href));
                        }
                    }
                    b"itemref" => {
                        if let Some(idref) = get(b"idref") {
                            spine.push(idref);
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    (manifest, spine)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::archive::tests::zip_of;

    #[test]
    fn spine_order_and_metadata() {
        let container = br#"<container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>"#;
        let opf = r#"<package xmlns:dc="http://purl.org/dc/elements/1.1/"><metadata><dc:title>Moby Dick</dc:title>
            <dc:creator>Herman Melville</dc:creator><dc:language>en</dc:language></metadata>
            <manifest><item id="c2" href="text/two.xhtml"/><item id="c1" href="text/one.xhtml"/></manifest>
            <spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>"#;
        let one = "<html><body><h1>Chapter 1</h1><p>Call me Müller 🎉 👨‍👩‍👧.</p></body></html>";
        let two = "<html><body><p>شبکه‌های 社交.</p></body></html>";
        let bytes = zip_of(&[
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", container),
            ("OEBPS/content.opf", opf.as_bytes()),
            ("OEBPS/text/one.xhtml", one.as_bytes()),
            ("OEBPS/text/two.xhtml", two.as_bytes()),
        ]);
        let book = import(&bytes, 1 << 20).unwrap();
        assert_eq!(book.text, "Chapter 1\n\nCall me Müller 🎉 👨‍👩‍👧.\n\nشبکه‌های 社交.");
        assert_eq!(book.title.as_deref(), Some("Moby Dick"));
        assert_eq!(book.author.as_deref(), Some("Herman Melville"));
        assert_eq!(book.language.as_deref(), Some("en"));
    }

    #[test]
    fn spine_paths_cannot_leave_the_book() {
        let container = br#"<container><rootfiles><rootfile full-path="content.opf"/></rootfiles></container>"#;
        let opf = br#"<package><manifest><item id="x" href="../../etc/passwd"/></manifest><spine><itemref idref="x"/></spine></package>"#;
        let bytes = zip_of(&[("META-INF/container.xml", container), ("content.opf", opf)]);
        assert!(matches!(import(&bytes, 1 << 20), Err(OfficeError::Archive(ArchiveError::PathEscapes(_)))));
    }
}
