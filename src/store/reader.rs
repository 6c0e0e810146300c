//! Fast reading of project files in Spanwise's own layout.
//!
//! `ron` needed about a second to parse a 57 MB file (10 MB of text, 200,000 annotations). Files
//! that Spanwise wrote have a fixed layout: each document's text on one `text: "…",` line and
//! one annotation per line. This reader takes those lines out, parses them directly, and hands
//! the small remainder (the skeleton) to `ron`. Anything it does not recognise exactly (a
//! hand-edited line, attributes, an unusual escape) makes it give up, and the caller parses the
//! whole file with `ron` instead, so the result is always what `ron` would produce.

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::{Annotation, Fragment, ItemId};

/// A file split into the skeleton (texts emptied, annotation lists emptied) and, per document
/// in file order, its text and annotations.
pub struct Split {
    pub skeleton: String,
    pub documents: Vec<(String, Vec<Annotation>)>,
}

const ANNOTATIONS_OPEN: &str = "        annotations: [";
const ANNOTATIONS_CLOSE: &str = "        ],";
const ANNOTATION_PREFIX: &str = "          (";

/// Splits `source`, or `None` if it is not in Spanwise's own layout.
pub fn split(source: &str) -> Option<Split> {
    let mut skeleton = String::with_capacity(source.len() / 8);
    let mut documents: Vec<(String, Vec<Annotation>)> = Vec::new();
    let mut in_documents = false;
    // Whether the current document (from its `      (` line) has had its text line. Annotations
    // belong to the text before them, so they must come after it in the same document; a file
    // in another order (fields moved by hand or by a script) is left to `ron`, never attached to
    // the previous document.
    let mut text_seen = false;
    let mut lines = source.split_inclusive('\n');
    while let Some(line) = lines.next() {
        let content = line.strip_suffix('\n').unwrap_or(line);
        if content == "    documents: [" {
            in_documents = true;
        } else if in_documents && content == "    ]," {
            in_documents = false;
        } else if in_documents && content == "      (" {
            text_seen = false;
        }
        if in_documents && let Some(literal) = content.strip_prefix("        text: ") {
            if text_seen {
                return None;
            }
            text_seen = true;
            let literal = literal.strip_suffix(',')?;
            let (text, rest) = parse_string(literal)?;
            if !rest.is_empty() {
                return None;
            }
            documents.push((text, Vec::new()));
            skeleton.push_str("        text: \"\",\n");
            continue;
        }
        if in_documents && content == ANNOTATIONS_OPEN {
            if !text_seen {
                return None;
            }
            let (_, annotations) = documents.last_mut()?;
            for line in lines.by_ref() {
                let content = line.strip_suffix('\n').unwrap_or(line);
                if content == ANNOTATIONS_CLOSE {
                    break;
                }
                let body = content.strip_prefix(ANNOTATION_PREFIX)?.strip_suffix("),")?;
                annotations.push(parse_annotation(body)?);
            }
            skeleton.push_str("        annotations: [],\n");
            continue;
        }
        skeleton.push_str(line);
    }
    Some(Split { skeleton, documents })
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

/// A RON string literal as `ron` writes it (escapes from `char::escape_debug`).
fn parse_string(input: &str) -> Option<(String, &str)> {
    let body = input.strip_prefix('"')?;
    let bytes = body.as_bytes();
    let mut out = String::new();
    let mut run_start = 0;
    let mut i = 0;
    loop {
        let b = *bytes.get(i)?;
        match b {
            b'"' => {
                out.push_str(&body[run_start..i]);
                return Some((out, &body[i + 1..]));
            }
            b'\\' => {
                out.push_str(&body[run_start..i]);
                let escape = *bytes.get(i + 1)?;
                i += 2;
                match escape {
                    b'"' => out.push('"'),
                    b'\'' => out.push('\''),
                    b'\\' => out.push('\\'),
                    b'n' => out.push('\n'),
                    b'r' => out.push('\r'),
                    b't' => out.push('\t'),
                    b'0' => out.push('\0'),
                    b'u' => {
                        let rest = body[i..].strip_prefix('{')?;
                        let close = rest.find('}')?;
                        // As `ron` reads it: 1 to 6 hex digits (`from_str_radix` also takes a sign).
                        let hex = &rest[..close];
                        if !(1..=6).contains(&hex.len()) || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                            return None;
                        }
                        let code = u32::from_str_radix(hex, 16).ok()?;
                        out.push(char::from_u32(code)?);
                        i += 1 + close + 1;
                    }
                    _ => return None,
                }
                run_start = i;
            }
            // Raw control characters never appear in Spanwise's output.
            0..=0x1f => return None,
            _ => i += 1,
        }
    }
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

/// The inside of an annotation line, as `writer::push_annotation` writes it.
fn parse_annotation(line: &str) -> Option<Annotation> {
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
        let (text, r) = parse_string(r)?;
        rest = expect(r, ")")?;
        fragments.push(Fragment { start: usize::try_from(start).ok()?, end: usize::try_from(end).ok()?, text });
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
        label,
        fragments,
        annotator,
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
