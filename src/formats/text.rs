//! Plain text import: the text is normalised once (BOM removed, CRLF and CR to LF) and then
//! never changes; everything else (tabs, Unicode, blank lines) is kept exactly.

use crate::model::Document;

/// The normalisation applied to every imported text.
pub fn normalize(raw: &str) -> String {
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    if !raw.contains('\r') {
        return raw.to_owned();
    }
    raw.replace("\r\n", "\n").replace('\r', "\n")
}

/// The first non-empty line, if it is short enough to be a title.
pub fn guess_title(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    (line.chars().count() <= 200).then(|| line.to_owned())
}

pub fn import(raw: &str, document_id: String, name: String) -> Document {
    let text = normalize(raw);
    let title = guess_title(&text);
    let mut doc = Document::new(document_id, name, text);
    if let Some(title) = title {
        doc.metadata.insert("title".into(), title);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_line_ends_and_bom() {
        assert_eq!(normalize("\u{feff}a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(normalize("ü\tx"), "ü\tx");
    }

    #[test]
    fn title_is_first_line() {
        let doc = import("\n\nOfficial Study\r\n\r\nBody", "d1".into(), "a.txt".into());
        assert_eq!(doc.metadata["title"], "Official Study");
        assert_eq!(doc.text, "\n\nOfficial Study\n\nBody");
    }
}
