//! Reading a project file in pieces (`store::stream`): the same project, hash and unknown fields
//! as reading it whole, wherever the chunks are cut (inside a character, inside a string literal,
//! inside a line longer than many chunks); CRLF files; and every file that is not exactly as
//! Spanwise writes it (cut off, damaged, not UTF-8, hand-written) read whole instead, with the
//! same messages and line numbers as before.

mod common;

use std::path::{Path, PathBuf};

use spanwise::model::{Annotation, Document, IdGenerator, Project};
use spanwise::store::{self, LoadError, MAX_FILE_BYTES, stream};

/// The tricky project (ü, an emoji outside the BMP, a ZWJ family, a combining accent, Persian
/// with ZWNJ, Chinese) plus a document that came from a CRLF text, annotated across its line
/// break, and strings with quotes and backslashes.
fn project() -> Project {
    let mut project = common::tricky_project();
    project.description = "A \"quoted\" description with a back\\slash,\nand a second line.".into();
    let text = "Zeile eins: Grüße 🎉\r\nZweite Zeile: 👨‍👩‍👧 شبکه‌های اجتماعی 社交媒体\r\n".to_owned();
    let mut document = Document::new("d2", "crlf.txt", text);
    let mut ids = IdGenerator::seeded(7);
    let start = document.text.chars().position(|c| c == '🎉').unwrap();
    let fragment = document.fragment(start..start + 8).unwrap();
    assert!(fragment.text.contains("\r\n"), "the span crosses the CRLF: {:?}", fragment.text);
    document.annotations.push(Box::new(Annotation {
        id: ids.next_id(),
        label: "claim".into(),
        fragments: vec![fragment],
        annotator: "ana".into(),
        created: common::time(),
        modified: common::time(),
        note: "over the \"line\" break \\ here".into(),
        attributes: Default::default(),
    }));
    project.documents.push(document);
    project.build_indexes();
    assert!(spanwise::model::validate(&project).is_empty());
    project
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Reads `path` in chunks of `chunk` bytes and checks the pieces against reading it whole.
fn assert_same_as_whole(path: &Path, chunk: usize) {
    let bytes = std::fs::read(path).unwrap();
    let whole = std::str::from_utf8(&bytes).unwrap();
    let whole = whole.strip_prefix('\u{feff}').unwrap_or(whole);
    let expected = store::reader::split(&whole.replace("\r\n", "\n")).expect("Spanwise's layout");
    let streamed = stream::read(path, MAX_FILE_BYTES, chunk).unwrap().unwrap_or_else(|| panic!("chunk {chunk}: read"));
    assert_eq!(streamed.size, bytes.len() as u64, "chunk {chunk}");
    assert_eq!(streamed.sha256, store::sha256_of(&bytes), "chunk {chunk}: the hash of the bytes on disk");
    assert_eq!(streamed.split.skeleton.replace("\r\n", "\n"), expected.skeleton, "chunk {chunk}");
    assert_eq!(streamed.split.documents, expected.documents, "chunk {chunk}");
}

#[test]
fn chunks_cut_anywhere_give_the_same_project_and_hash() {
    let dir = tempfile::tempdir().unwrap();
    let project = project();
    let text = store::to_string(&project);
    // The chunk boundaries below fall inside multi-byte characters and inside string literals.
    assert!((0..text.len()).any(|i| !text.is_char_boundary(i)));
    let path = write(dir.path(), "p.spanwise.ron", text.as_bytes());
    for chunk in (1..=41).chain([64, 100, 1000, 4096, text.len() - 1, text.len(), text.len() + 1]) {
        assert_same_as_whole(&path, chunk);
    }
    let loaded = store::load_file(&path).unwrap();
    assert_eq!(loaded.project, project);
    assert_eq!(loaded.stamp, store::stamp_file(&path).unwrap());
    assert!(loaded.unknown.is_empty());
}

#[test]
fn a_text_longer_than_many_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let project = spanwise::generate::project(300_000, 2_000, 3);
    let text = store::to_string(&project);
    let path = write(dir.path(), "g.spanwise.ron", text.as_bytes());
    for chunk in [4096, 65_537] {
        assert_same_as_whole(&path, chunk);
    }
    assert_eq!(store::load_file(&path).unwrap().project, store::from_str(&text).unwrap());
}

#[test]
fn crlf_line_breaks_are_read_in_pieces_too() {
    let dir = tempfile::tempdir().unwrap();
    let project = project();
    let lf = store::to_string(&project);
    let crlf = lf.replace('\n', "\r\n");
    let path = write(dir.path(), "crlf.spanwise.ron", crlf.as_bytes());
    for chunk in [1, 2, 3, 5, 13, 4096] {
        assert_same_as_whole(&path, chunk);
    }
    let loaded = store::load_file(&path).unwrap();
    assert_eq!(loaded.project, project, "the texts keep their own CRLFs, escaped in the file");
    assert_eq!(loaded.project.documents[1].text, project.documents[1].text);
    assert_eq!(loaded.stamp.sha256, store::sha256_of(crlf.as_bytes()));
    // Saved again, it is Spanwise's own layout (LF) once more.
    assert_eq!(store::to_string(&loaded.project), lf);
}

#[test]
fn a_byte_order_mark_is_skipped_but_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let project = project();
    let text = format!("\u{feff}{}", store::to_string(&project));
    let path = write(dir.path(), "bom.spanwise.ron", text.as_bytes());
    for chunk in [1, 2, 3, 4, 4096] {
        assert_same_as_whole(&path, chunk);
    }
    let loaded = store::load_file(&path).unwrap();
    assert_eq!(loaded.project, project);
    assert_eq!(loaded.stamp.sha256, store::sha256_of(text.as_bytes()));
}

/// What reading the whole text says (the reference for every damaged file).
fn whole_error(text: &str) -> String {
    store::from_str(text.strip_prefix('\u{feff}').unwrap_or(text)).unwrap_err().to_string()
}

#[test]
fn a_file_cut_off_anywhere_gets_the_whole_file_message() {
    let dir = tempfile::tempdir().unwrap();
    let text = store::to_string(&project());
    let text_line = text.find("        text: \"Müller").unwrap();
    let annotation_line = text.find("          (id: ").unwrap();
    let relations = text.find("relations: [").unwrap();
    // Inside the text's string literal, inside an annotation line, inside its label, in the
    // skeleton after the annotations, and without the last parenthesis.
    assert!(text.ends_with("\n)\n"));
    let cuts = [text_line + 30, annotation_line + 20, annotation_line + 45, relations + 5, text.len() - 2];
    for cut in cuts {
        let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap();
        let cut_text = &text[..cut];
        let path = write(dir.path(), "cut.spanwise.ron", cut_text.as_bytes());
        assert!(stream::load(&path, MAX_FILE_BYTES).unwrap().is_none(), "cut at {cut}: not read in pieces");
        for chunk in [1, 7, 4096] {
            if let Some(streamed) = stream::read(&path, MAX_FILE_BYTES, chunk).unwrap() {
                // Only a cut in the skeleton gets this far; `ron` refuses the skeleton then.
                assert!(cut >= relations, "cut at {cut}, chunk {chunk}: the pieces were accepted");
                assert_eq!(streamed.sha256, store::sha256_of(cut_text.as_bytes()));
            }
        }
        let message = store::load_file(&path).unwrap_err().to_string();
        assert_eq!(message, whole_error(cut_text), "cut at {cut}");
        assert!(message.contains("line "), "cut at {cut}: {message}");
    }
}

#[test]
fn a_file_cut_inside_a_character_is_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let text = store::to_string(&project());
    let emoji = text.find('🎉').unwrap();
    let path = write(dir.path(), "cut.spanwise.ron", &text.as_bytes()[..emoji + 2]);
    let message = store::load_file(&path).unwrap_err().to_string();
    assert_eq!(
        message,
        format!("not a Spanwise project file: byte {emoji} is not valid UTF-8 (is this a binary file?)")
    );
}

#[test]
fn a_byte_that_is_not_utf8_in_an_annotation_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = store::to_string(&project()).into_bytes();
    let at = String::from_utf8_lossy(&bytes).find("label: \"actor\"").unwrap() + 8;
    bytes[at] = 0xff;
    let path = write(dir.path(), "bad.spanwise.ron", &bytes);
    for chunk in [1, 3, 4096] {
        assert!(stream::read(&path, MAX_FILE_BYTES, chunk).unwrap().is_none(), "chunk {chunk}");
    }
    let message = store::load_file(&path).unwrap_err().to_string();
    assert!(message.contains(&format!("byte {at} is not valid UTF-8")), "{message}");
}

#[test]
fn a_reversed_span_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let project = project();
    let actor = project.documents[0].annotations.iter().find(|a| a.fragments[0].text == "Müller").unwrap();
    let text = store::to_string(&project).replacen("start: 0, end: 6,", "start: 6, end: 4,", 1);
    let path = write(dir.path(), "reversed.spanwise.ron", text.as_bytes());
    // The pieces are Spanwise's layout, but the project does not validate: read whole.
    assert!(stream::read(&path, MAX_FILE_BYTES, 16).unwrap().is_some());
    assert!(stream::load(&path, MAX_FILE_BYTES).unwrap().is_none());
    let line = text.lines().position(|l| l.contains(&format!("id: {},", actor.id))).unwrap() + 1;
    match store::load_file(&path) {
        Err(LoadError::Invalid(problems)) => {
            let expected =
                format!("line {line}: document \"d1\", annotation {}: span 6..4 ends before it starts", actor.id);
            assert!(problems.iter().any(|p| p.to_string() == expected), "{problems:#?}");
        }
        other => panic!("expected the reversed span, got {other:?}"),
    }
}

#[test]
fn unknown_fields_are_found_as_when_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let text = store::to_string(&project())
        .replacen("    name: \"tricky\",\n", "    name: \"tricky\",\n    future_field: (a: 1, b: [\"x\"]),\n", 1)
        .replacen("        name: \"crlf.txt\",\n", "        name: \"crlf.txt\",\n        reviewed: true,\n", 1);
    assert_eq!(text.matches("future_field").count() + text.matches("reviewed: true").count(), 2);
    let path = write(dir.path(), "unknown.spanwise.ron", text.as_bytes());
    assert!(stream::load(&path, MAX_FILE_BYTES).unwrap().is_some(), "read in pieces");
    let loaded = store::load_file(&path).unwrap();
    let (project, unknown) = store::from_str_keeping_unknown(&text).unwrap();
    assert_eq!(loaded.project, project);
    assert_eq!(loaded.unknown, unknown);
    assert_eq!(unknown.fields.len(), 2, "{unknown:?}");
    // And they are written back (at the end of their structs).
    let saved = store::to_string_with(&loaded.project, &loaded.unknown);
    assert_eq!(saved, store::to_string_with(&project, &unknown));
    let again = store::from_str_keeping_unknown(&saved).unwrap().1;
    assert_eq!(again.fields.len(), 2);
    assert!(again.fields.iter().all(|f| unknown.fields.contains(f)), "{again:?}");
}

#[test]
fn a_file_in_another_layout_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let project = project();
    // All on one line, as another program might write it.
    let text = store::to_string_with_ron(&project);
    let text = text.split_once('\n').unwrap().1.replace('\n', " ");
    let path = write(dir.path(), "oneline.spanwise.ron", text.as_bytes());
    assert!(stream::load(&path, MAX_FILE_BYTES).unwrap().is_none());
    assert_eq!(store::load_file(&path).unwrap().project, project);
}

#[test]
fn a_file_larger_than_the_limit_is_refused_while_reading() {
    let dir = tempfile::tempdir().unwrap();
    let text = store::to_string(&project());
    let path = write(dir.path(), "big.spanwise.ron", text.as_bytes());
    match stream::read(&path, 100, 16) {
        Err(LoadError::TooLarge { size, max: 100, .. }) => assert!(size > 100 && size <= 116, "{size}"),
        Err(other) => panic!("expected TooLarge, got {other}"),
        Ok(_) => panic!("expected TooLarge, got a file"),
    }
}

/// Every fragment's text in memory is a piece of its document's text, not a copy (12 MB of the
/// 10 MB benchmark project), whichever way the file was read: in pieces, whole, or by `ron`
/// for a file in another layout; and a fragment text that differs from the document is still
/// reported, with its line, not silently replaced by the document's.
#[test]
fn fragment_texts_are_pieces_of_the_document_text_however_the_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let project = project();
    let assert_shared = |read: &Project, how: &str| {
        assert_eq!(read, &project, "{how}");
        let mut fragments = 0;
        for document in &read.documents {
            for annotation in &document.annotations {
                for fragment in &annotation.fragments {
                    assert!(fragment.text.shares_source_with(&document.text), "{how}: {:?} is a copy", fragment.text);
                    fragments += 1;
                }
            }
        }
        assert!(fragments >= 5, "{how}: {fragments} fragments");
    };
    let path = dir.path().join("p.spanwise.ron");
    store::save(&project, &path).unwrap();
    assert_shared(&stream::load(&path, MAX_FILE_BYTES).unwrap().expect("Spanwise's layout").project, "in pieces");
    assert_shared(&store::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap(), "whole");
    let text = store::to_string_with_ron(&project);
    let oneline = text.split_once('\n').unwrap().1.replace('\n', " ");
    assert_shared(&store::from_str(&oneline).unwrap(), "by ron");
    // Made in the window: Document::fragment shares too.
    let document = &project.documents[1];
    assert!(document.fragment(3..9).unwrap().text.shares_source_with(&document.text));

    // "Grüße" in the file where the document says something else there.
    let saved = std::fs::read_to_string(&path).unwrap();
    let first = &project.documents[0].annotations[0].fragments[0];
    let written = format!("text: {:?})", first.text.as_str());
    assert!(saved.contains(&written), "{written}");
    let damaged = saved.replacen(&written, "text: \"not the document's text\")", 1);
    let damaged_path = write(dir.path(), "damaged.spanwise.ron", damaged.as_bytes());
    let message = store::load_file(&damaged_path).unwrap_err().to_string();
    assert!(message.contains("differs from the document text"), "{message}");
}
