//! Fast serialization of the project file, byte for byte what `ron`'s pretty printer writes.
//!
//! `ron` escapes strings one character at a time through `char::escape_debug`, which made saving
//! a 10 MB document with 200,000 annotations take 1.5 s. Here the big parts (document texts and
//! annotation lines) are written directly: runs of plain ASCII are copied in one go and only the
//! other characters go through `char::escape_debug`, so the output is identical. Everything else
//! (codebook, metadata, relations, memos: small) still goes through `ron`, as does any
//! annotation with attributes. `tests` check the two agree on varied projects.

use crate::model::{Annotation, Document, Project};

/// Bytes `char::escape_debug` leaves alone: printable ASCII other than quotes and backslash.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = b != b'"' as usize && b != b'\'' as usize && b != b'\\' as usize;
        b += 1;
    }
    table
};

/// Whether `char::escape_debug` leaves a Basic Multilingual Plane character as it is; decided
/// once per character (`escape_debug` consults Unicode tables and was most of the escaping time
/// for non-English text) and kept in a 64 Kbit table.
fn plain_bmp(ch: char) -> bool {
    static TABLE: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let code = ch as u32;
    if code > 0xFFFF {
        return false;
    }
    let table = TABLE.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        for code in 0..0x10000u32 {
            if let Some(c) = char::from_u32(code)
                && c.escape_debug().len() == 1
            {
                bits[code as usize / 64] |= 1 << (code % 64);
            }
        }
        bits
    });
    table[code as usize / 64] & (1 << (code % 64)) != 0
}

/// Appends `value` in decimal, zero-padded to `width` digits (no `fmt` machinery: it was a
/// quarter of the save time).
fn push_number(out: &mut String, mut value: u64, width: usize) {
    let mut buffer = [b'0'; 20];
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    start = start.min(buffer.len().saturating_sub(width));
    out.push_str(std::str::from_utf8(&buffer[start..]).unwrap_or_default());
}

/// Appends a UTC time as `chrono`'s serde does (RFC 3339, `Z`, 0/3/6/9 fraction digits).
fn push_timestamp(out: &mut String, time: &chrono::DateTime<chrono::Utc>) {
    use chrono::{Datelike, Timelike};
    let year = time.year();
    let nanos = time.nanosecond();
    // Years outside 0..=9999 and leap seconds are rare: let chrono write them.
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        push_escaped(out, &time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        return;
    }
    out.push('"');
    push_number(out, year as u64, 4);
    out.push('-');
    push_number(out, u64::from(time.month()), 2);
    out.push('-');
    push_number(out, u64::from(time.day()), 2);
    out.push('T');
    push_number(out, u64::from(time.hour()), 2);
    out.push(':');
    push_number(out, u64::from(time.minute()), 2);
    out.push(':');
    push_number(out, u64::from(time.second()), 2);
    if nanos != 0 {
        out.push('.');
        if nanos.is_multiple_of(1_000_000) {
            push_number(out, u64::from(nanos / 1_000_000), 3);
        } else if nanos.is_multiple_of(1_000) {
            push_number(out, u64::from(nanos / 1_000), 6);
        } else {
            push_number(out, u64::from(nanos), 9);
        }
    }
    out.push_str("Z\"");
}

/// Appends `value` as a RON string literal, escaped exactly as `ron` does.
pub fn push_escaped(out: &mut String, value: &str) {
    out.push('"');
    let bytes = value.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if PLAIN[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let ch = value[i..].chars().next().unwrap_or_default();
        if bytes[i] >= 0x80 && plain_bmp(ch) {
            // Printable non-ASCII (é, —, ش, 社…): part of the run.
            i += ch.len_utf8();
            continue;
        }
        out.push_str(&value[run_start..i]);
        for escaped in ch.escape_debug() {
            out.push(escaped);
        }
        i += ch.len_utf8();
        run_start = i;
    }
    out.push_str(&value[run_start..]);
    out.push('"');
}

/// The compact form `ron` writes for an annotation below the pretty depth limit, or `None` when
/// the annotation has attributes (then `ron` writes it).
fn push_annotation(out: &mut String, annotation: &Annotation) -> bool {
    if !annotation.attributes.is_empty() {
        return false;
    }
    out.push_str("(id: ");
    push_number(out, annotation.id.0, 1);
    out.push_str(", label: ");
    push_escaped(out, &annotation.label);
    out.push_str(", fragments: [");
    for (i, fragment) in annotation.fragments.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("(start: ");
        push_number(out, fragment.start as u64, 1);
        out.push_str(", end: ");
        push_number(out, fragment.end as u64, 1);
        out.push_str(", text: ");
        push_escaped(out, &fragment.text);
        out.push(')');
    }
    out.push_str("], annotator: ");
    push_escaped(out, &annotation.annotator);
    out.push_str(", created: ");
    push_timestamp(out, &annotation.created);
    out.push_str(", modified: ");
    push_timestamp(out, &annotation.modified);
    if !annotation.note.is_empty() {
        out.push_str(", note: ");
        push_escaped(out, &annotation.note);
    }
    out.push(')');
    true
}

fn compact_config() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new().depth_limit(0).struct_names(false).separate_tuple_members(false)
}

/// Serializes the project with `serialize_skeleton` (a `ron` writer for a project), writing
/// document texts and annotations directly. `serialize_skeleton` gets the project with every
/// text empty and every annotation list empty, and its output must contain, for document `i`,
/// the lines `text: "",` and `annotations: [],` in that order.
pub fn write(project: &Project, serialize_skeleton: impl Fn(&Project) -> String) -> String {
    let skeleton = Project {
        name: project.name.clone(),
        description: project.description.clone(),
        instructions: project.instructions.clone(),
        created: project.created,
        blind_coding: project.blind_coding,
        codebook: project.codebook.clone(),
        annotators: project.annotators.clone(),
        documents: project.documents.iter().map(Document::skeleton).collect(),
        memos: project.memos.clone(),
    };
    let skeleton_text = serialize_skeleton(&skeleton);
    let total: usize = project.documents.iter().map(|d| d.text.len() + d.annotations.len() * 240).sum();
    let mut out = String::with_capacity(skeleton_text.len() + total + total / 8);
    let mut rest = skeleton_text.as_str();
    for document in &project.documents {
        // The text.
        let Some(at) = rest.find("text: \"\",\n") else { return ron_fallback(project, serialize_skeleton) };
        out.push_str(&rest[..at + "text: ".len()]);
        push_escaped(&mut out, &document.text);
        rest = &rest[at + "text: \"\"".len()..];
        // The annotations.
        let Some(at) = rest.find("annotations: [],\n") else { return ron_fallback(project, serialize_skeleton) };
        let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let indent = &rest[line_start..at];
        out.push_str(&rest[..at + "annotations: [".len()]);
        if !document.annotations.is_empty() {
            out.push('\n');
            for annotation in &document.annotations {
                out.push_str(indent);
                out.push_str("  ");
                if !push_annotation(&mut out, annotation) {
                    let Ok(line) = ron::ser::to_string_pretty(annotation, compact_config()) else {
                        return ron_fallback(project, serialize_skeleton);
                    };
                    out.push_str(&line);
                }
                out.push_str(",\n");
            }
            out.push_str(indent);
        }
        rest = &rest[at + "annotations: [".len()..];
    }
    out.push_str(rest);
    out
}

/// Whole-project `ron` output, if the skeleton did not have the expected shape.
fn ron_fallback(project: &Project, serialize: impl Fn(&Project) -> String) -> String {
    log::warn!("fast writer: unexpected skeleton; using ron for the whole project");
    serialize(project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for (value, width, expected) in [
            (0, 1, "0"),
            (7, 2, "07"),
            (2026, 4, "2026"),
            (5, 4, "0005"),
            (u64::MAX, 1, "18446744073709551615"),
            (123, 2, "123"),
        ] {
            let mut out = String::new();
            push_number(&mut out, value, width);
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn timestamps_match_chrono() {
        for text in [
            "2026-11-27T12:00:00Z",
            "2026-01-02T03:04:05.678Z",
            "2026-01-02T03:04:05.000678Z",
            "2026-01-02T03:04:05.000000678Z",
            "0001-01-01T00:00:00Z",
        ] {
            let time: chrono::DateTime<chrono::Utc> = text.parse().unwrap();
            let mut ours = String::new();
            push_timestamp(&mut ours, &time);
            assert_eq!(ours, ron::to_string(&time).unwrap());
        }
    }

    #[test]
    fn escaping_matches_ron_for_every_bmp_character() {
        let all: String = (0..0x10000u32).filter_map(char::from_u32).chain(['😀', '\u{1F3FB}', '\u{E0001}']).collect();
        let mut ours = String::new();
        push_escaped(&mut ours, &all);
        assert_eq!(ours, ron::to_string(&all).unwrap());
    }

    #[test]
    fn escaping_matches_ron() {
        for value in [
            "plain",
            "quote \" apostrophe ' backslash \\",
            "line\nbreak\ttab\r\0 bell \u{7}",
            "Grüße 🎉 👨‍👩‍👧 e\u{301}te شبکه‌های 社交媒体 \u{200b}\u{feff}\u{2028}",
            "",
            "\u{7f} del",
        ] {
            let mut ours = String::new();
            push_escaped(&mut ours, value);
            assert_eq!(ours, ron::to_string(value).unwrap(), "{value:?}");
        }
    }
}
