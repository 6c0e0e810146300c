//! Fast reading of project files in Spanwise's own layout.
//!
//! `ron` needed about a second to parse a 57 MB file (10 MB of text, 200,000 annotations). Files
//! that Spanwise wrote have a fixed layout: each document's text on one `text: "…",` line and
//! one annotation per line. This reader takes those lines out, parses them directly, and hands
//! the small remainder (the skeleton) to `ron`. Anything it does not recognise exactly (a
//! hand-edited line, attributes, an unusual escape) makes it give up, and the caller parses the
//! whole file with `ron` instead, so the result is always what `ron` would produce.

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::{Annotation, Fragment, ItemId, Name, SharedStr, TextIndex};

/// A file split into the skeleton (texts emptied, annotation lists emptied) and, per document
/// in file order, its text and annotations.
pub struct Split {
    pub skeleton: String,
    pub documents: Vec<(SharedStr, Vec<Box<Annotation>>)>,
    /// Each document's offset index, built to check the fragment texts: the project keeps it
    /// rather than building it again ([`crate::model::Document::build_index_with`]).
    pub indexes: Vec<TextIndex>,
}

const ANNOTATIONS_OPEN: &str = "        annotations: [";
const ANNOTATIONS_CLOSE: &str = "        ],";
const ANNOTATION_PREFIX: &str = "          (";

/// Splits `source`, or `None` if it is not in Spanwise's own layout.
pub fn split(source: &str) -> Option<Split> {
    let mut splitter = Splitter::new();
    for line in source.split_inclusive('\n') {
        splitter.line(line)?;
    }
    splitter.finish()
}

/// [`split`] a line at a time, for a file read in pieces (`store::stream`): feed every line in
/// order, each with its line break (`\n` or `\r\n`; the last line may have none), then
/// [`Splitter::finish`]. Any `None` means the file is not in Spanwise's own layout.
#[derive(Default)]
pub struct Splitter {
    skeleton: String,
    // Boxed as `Document::annotations` keeps them: each is boxed once, as it is read.
    #[allow(clippy::vec_box)]
    documents: Vec<(SharedStr, Vec<Box<Annotation>>)>,
    /// The offset index of the last document's text: each fragment's text is checked against
    /// the document's at its place and, when equal, kept as a piece of it rather than a copy.
    index: Option<TextIndex>,
    /// The indexes of the documents before the last one.
    indexes: Vec<TextIndex>,
    /// The previous annotation's label and annotator: the next one's are usually the same, and
    /// taking them from here skips the look-up in [`Name::new`]'s table.
    last: (Name, Name),
    in_documents: bool,
    /// Whether the current document (from its `      (` line) has had its text line. Annotations
    /// belong to the text before them, so they must come after it in the same document; a file
    /// in another order (fields moved by hand or by a script) is left to `ron`, never attached to
    /// the previous document.
    text_seen: bool,
    /// Between `annotations: [` and its `],`: every line is one annotation.
    in_annotations: bool,
}

impl Splitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next line of the file.
    pub fn line(&mut self, line: &str) -> Option<()> {
        let content = line.strip_suffix('\n').unwrap_or(line);
        // A file saved on Windows (or checked out by git with `autocrlf`) has CRLF line breaks.
        let content = content.strip_suffix('\r').unwrap_or(content);
        if self.in_annotations {
            if content == ANNOTATIONS_CLOSE {
                self.in_annotations = false;
                self.skeleton.push_str("        annotations: [],\n");
                return Some(());
            }
            let body = content.strip_prefix(ANNOTATION_PREFIX)?.strip_suffix("),")?;
            let (text, annotations) = self.documents.last_mut()?;
            let annotation = parse_annotation(body, text, self.index.as_ref()?, &mut self.last)?;
            annotations.push(Box::new(annotation));
            return Some(());
        }
        if content == "    documents: [" {
            self.in_documents = true;
        } else if self.in_documents && content == "    ]," {
            self.in_documents = false;
        } else if self.in_documents && content == "      (" {
            self.text_seen = false;
        }
        if self.in_documents
            && let Some(literal) = content.strip_prefix("        text: ")
        {
            if self.text_seen {
                return None;
            }
            self.text_seen = true;
            let literal = literal.strip_suffix(',')?;
            let (text, rest) = parse_string(literal)?;
            if !rest.is_empty() {
                return None;
            }
            self.push_text(text);
            return Some(());
        }
        if self.in_documents && content == ANNOTATIONS_OPEN {
            if !self.text_seen {
                return None;
            }
            self.in_annotations = true;
            return Some(());
        }
        self.skeleton.push_str(line);
        Some(())
    }

    /// [`Splitter::line`] for a line given as its own bytes (a line longer than the pieces the
    /// file is read in): a document's text is unescaped in place ([`text_in_place`]).
    pub fn owned_line(&mut self, line: Vec<u8>) -> Option<()> {
        if self.in_documents && !self.in_annotations && line.starts_with(TEXT_PREFIX) {
            if self.text_seen {
                return None;
            }
            self.text_seen = true;
            self.push_text(text_in_place(line)?);
            return Some(());
        }
        self.line(std::str::from_utf8(&line).ok()?)
    }

    /// A document's text: the next document's.
    fn push_text(&mut self, text: String) {
        if let Some(previous) = self.index.replace(TextIndex::new(&text)) {
            self.indexes.push(previous);
        }
        self.documents.push((text.into(), Vec::new()));
        self.skeleton.push_str("        text: \"\",\n");
    }

    /// The split file; `None` if it ended inside a list of annotations.
    pub fn finish(self) -> Option<Split> {
        if self.in_annotations {
            return None;
        }
        let mut indexes = self.indexes;
        indexes.extend(self.index);
        Some(Split { skeleton: self.skeleton, documents: self.documents, indexes })
    }
}

/// Consumes `prefix` from `input`.
fn expect<'a>(input: &'a str, prefix: &str) -> Option<&'a str> {
    input.strip_prefix(prefix)
}

fn parse_u64(input: &str) -> Option<(u64, &str)> {
    let digits = input.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 20 {
        return None;
    }
    let value = input[..digits].parse().ok()?;
    Some((value, &input[digits..]))
}

/// The character of an escape, given the bytes after its backslash, and how many of them it takes
/// (the escapes of `char::escape_debug`, as `ron` writes and reads them).
fn escape_at(after: &[u8]) -> Option<(char, usize)> {
    Some(match *after.first()? {
        b'"' => ('"', 1),
        b'\'' => ('\'', 1),
        b'\\' => ('\\', 1),
        b'n' => ('\n', 1),
        b'r' => ('\r', 1),
        b't' => ('\t', 1),
        b'0' => ('\0', 1),
        b'u' => {
            let rest = after[1..].strip_prefix(b"{")?;
            let close = rest.iter().position(|&c| c == b'}')?;
            // As `ron` reads it: 1 to 6 hex digits (`from_str_radix` also takes a sign).
            let hex = &rest[..close];
            if !(1..=6).contains(&hex.len()) || !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let code = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            (char::from_u32(code)?, close + 3)
        }
        _ => return None,
    })
}

/// A RON string literal as `ron` writes it (escapes from `char::escape_debug`).
fn parse_string(input: &str) -> Option<(String, &str)> {
    let body = input.strip_prefix('"')?;
    let bytes = body.as_bytes();
    let mut out = String::new();
    let mut run_start = 0;
    let mut i = 0;
    loop {
        match *bytes.get(i)? {
            b'"' => {
                out.push_str(&body[run_start..i]);
                return Some((out, &body[i + 1..]));
            }
            b'\\' => {
                out.push_str(&body[run_start..i]);
                let (c, taken) = escape_at(&bytes[i + 1..])?;
                out.push(c);
                i += 1 + taken;
                run_start = i;
            }
            // Raw control characters never appear in Spanwise's output.
            0..=0x1f => return None,
            _ => i += 1,
        }
    }
}

const TEXT_PREFIX: &[u8] = b"        text: \"";

/// The text of a whole `        text: "…",` line given as its own bytes (with its line break),
/// unescaped within that buffer, which then becomes the text: a document's text, read in pieces,
/// is never held twice. The same rules as [`parse_string`]; `None` for anything else.
fn text_in_place(mut line: Vec<u8>) -> Option<String> {
    let mut end = line.len();
    for ending in [b'\n', b'\r'] {
        if end > 0 && line[end - 1] == ending {
            end -= 1;
        }
    }
    if !line.starts_with(TEXT_PREFIX) || end < TEXT_PREFIX.len() + 2 || &line[end - 2..end] != b"\",".as_slice() {
        return None;
    }
    // The closing quote; an escape cannot take it (escapes are read within `..close`).
    let close = end - 2;
    let (mut read, mut write) = (TEXT_PREFIX.len(), 0);
    while read < close {
        let run = line[read..close].iter().position(|&b| b == b'\\' || b == b'"' || b < 0x20).unwrap_or(close - read);
        line.copy_within(read..read + run, write);
        (read, write) = (read + run, write + run);
        if read == close {
            break;
        }
        if line[read] != b'\\' {
            // A quote before the last one (two literals), or a raw control character.
            return None;
        }
        let (c, taken) = escape_at(&line[read + 1..close])?;
        // An escape is never shorter than the character it stands for (`\n`: 2 bytes for 1,
        // `\u{200d}`: 8 for 3), so writing never overtakes reading.
        let mut buffer = [0; 4];
        let encoded = c.encode_utf8(&mut buffer).as_bytes();
        line[write..write + encoded.len()].copy_from_slice(encoded);
        (read, write) = (read + 1 + taken, write + encoded.len());
    }
    line.truncate(write);
    line.shrink_to_fit();
    String::from_utf8(line).ok()
}

/// `"YYYY-MM-DDTHH:MM:SS[.fff…]Z"`, falling back to chrono's parser for anything else.
fn parse_timestamp(input: &str) -> Option<(DateTime<Utc>, &str)> {
    let (text, rest) = parse_string(input)?;
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let fast = (|| {
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        if *b.last()? != b'Z' {
            return None;
        }
        // `get`: byte 19 may be inside a character in a damaged file (`…:0€Z`): not ours, no panic.
        let fraction = text.get(19..text.len() - 1)?;
        let nanos = match fraction.len() {
            0 => 0,
            // Digits only: `parse` would also take a sign (`.+12`), which chrono refuses.
            4 | 7 | 10 if fraction.starts_with('.') && fraction[1..].bytes().all(|c| c.is_ascii_digit()) => {
                let value: u32 = fraction[1..].parse().ok()?;
                value * 10u32.pow(10 - fraction.len() as u32)
            }
            _ => return None,
        };
        let date = NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)?;
        let time = date.and_hms_nano_opt(digits(11..13)?, digits(14..16)?, digits(17..19)?, nanos)?;
        Some(time.and_utc())
    })();
    let time = match fast {
        Some(time) => time,
        None => text.parse().ok()?,
    };
    Some((time, rest))
}

/// The inside of an annotation line, as `writer::push_annotation` writes it, for the document
/// whose text is `text`.
fn parse_annotation(line: &str, text: &SharedStr, index: &TextIndex, last: &mut (Name, Name)) -> Option<Annotation> {
    fn name(written: String, last: &mut Name) -> Name {
        if *last != written {
            *last = Name::new(&written);
        }
        last.clone()
    }
    let rest = expect(line, "id: ")?;
    let (id, rest) = parse_u64(rest)?;
    let rest = expect(rest, ", label: ")?;
    let (label, rest) = parse_string(rest)?;
    let mut rest = expect(rest, ", fragments: [")?;
    let mut fragments = Vec::with_capacity(1);
    loop {
        if let Some(after) = rest.strip_prefix(']') {
            rest = after;
            break;
        }
        if !fragments.is_empty() {
            rest = expect(rest, ", ")?;
        }
        let r = expect(rest, "(start: ")?;
        let (start, r) = parse_u64(r)?;
        let r = expect(r, ", end: ")?;
        let (end, r) = parse_u64(r)?;
        let r = expect(r, ", text: ")?;
        let (written, r) = parse_string(r)?;
        rest = expect(r, ")")?;
        let (start, end) = (usize::try_from(start).ok()?, usize::try_from(end).ok()?);
        // A piece of the document's text when it is the same (always, in a file Spanwise
        // wrote); a text of its own otherwise, for validation to report the difference.
        let shared = index
            .byte_range(text, start..end)
            .filter(|bytes| text.get(bytes.clone()) == Some(written.as_str()))
            .and_then(|bytes| text.slice(bytes));
        fragments.push(Fragment { start, end, text: shared.unwrap_or_else(|| written.into()) });
    }
    let rest = expect(rest, ", annotator: ")?;
    let (annotator, rest) = parse_string(rest)?;
    let rest = expect(rest, ", created: ")?;
    let (created, rest) = parse_timestamp(rest)?;
    let rest = expect(rest, ", modified: ")?;
    let (modified, rest) = parse_timestamp(rest)?;
    let note = match rest.strip_prefix(", note: ") {
        Some(r) => {
            let (note, r) = parse_string(r)?;
            if !r.is_empty() {
                return None;
            }
            note
        }
        None if rest.is_empty() => String::new(),
        None => return None,
    };
    Some(Annotation {
        id: ItemId(id),
        label: name(label, &mut last.0),
        fragments,
        annotator: name(annotator, &mut last.1),
        created,
        modified,
        note,
        attributes: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_the_writer() {
        for value in ["", "plain", "q \" a ' b \\ n\n r\r t\t z\0", "Grüße 🎉 e\u{301} \u{200d} \u{7f} 社交"] {
            let mut literal = String::new();
            crate::store::writer::push_escaped(&mut literal, value);
            literal.push_str(", rest");
            assert_eq!(parse_string(&literal), Some((value.to_owned(), ", rest")));
        }
        assert_eq!(parse_string("\"unterminated"), None);
        assert_eq!(parse_string("\"bad \\x41\""), None);
    }

    /// A document's text gathered from several pieces is unescaped in its own buffer: the same
    /// result as `parse_string`, and the same refusals.
    #[test]
    fn text_in_place_reads_what_parse_string_reads() {
        for value in [
            "",
            "plain",
            "q \" a ' b \\ n\n r\r t\t z\0",
            "Grüße 🎉 e\u{301} 👨\u{200d}👩\u{200d}👧 شبکه\u{200c}های 社交 \u{7f} \u{10ffff}",
            "ends with a quote\"",
            "ends with a backslash\\",
        ] {
            let mut literal = String::new();
            crate::store::writer::push_escaped(&mut literal, value);
            for ending in ["\n", "\r\n", ""] {
                let line = format!("        text: {literal},{ending}");
                assert_eq!(text_in_place(line.into_bytes()).as_deref(), Some(value), "{value:?} {ending:?}");
            }
        }
        for bad in [
            "        text: \"a\", \"b\",\n",
            "        text: \"a,\n",
            "        text: \"a\tb\",\n",
            "        text: \"\\x41\",\n",
            "        text: \"a\\\",\n",
            "        text: \"\\u{110000}\",\n",
            "        text: \"a\"\n",
            "        text: \"",
        ] {
            assert_eq!(text_in_place(bad.as_bytes().to_vec()), None, "{bad:?}");
        }
    }

    #[test]
    fn timestamps() {
        for text in [
            "2026-11-27T12:00:00Z",
            "2026-01-02T03:04:05.678Z",
            "2026-01-02T03:04:05.000678Z",
            "2026-01-02T03:04:05.123456789Z",
            "2026-01-02T05:04:05+02:00",
        ] {
            let expected: DateTime<Utc> = text.parse().unwrap();
            let literal = format!("\"{text}\"");
            assert_eq!(parse_timestamp(&literal).map(|(t, _)| t), Some(expected), "{text}");
        }
        assert!(parse_timestamp("\"2026-02-30T00:00:00Z\"").is_none());
    }
}
