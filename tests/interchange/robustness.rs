//! Damaged files: every importer, given an export with random bytes changed, inserted or cut,
//! returns a result or a specific error, never panics; and whatever it accepts, the edit it makes
//! applies cleanly (an import never fails half-way).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use spanwise::formats::annotations::{self, ImportOptions, Mapping};
use spanwise::formats::export::{self, Format};

use super::fixture;
use super::roundtrip::{empty_like, export_to};

/// The file of an export that holds the annotations.
fn main_file(format: Format, out: &Path) -> PathBuf {
    match format {
        Format::Brat => std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "ann") && p.to_string_lossy().contains("article"))
            .unwrap(),
        Format::LabelStudio => out.join("tasks.json"),
        _ => out.to_owned(),
    }
}

fn mutate(bytes: &mut Vec<u8>, edits: &[(usize, u8, u8)]) {
    for &(at, kind, value) in edits {
        if bytes.is_empty() {
            bytes.push(value);
            continue;
        }
        let at = at % bytes.len();
        match kind % 4 {
            0 => bytes[at] = value,
            1 => bytes.insert(at, value),
            2 => {
                bytes.remove(at);
            }
            _ => {
                // A digit changed: offsets go wrong in plausible ways.
                if bytes[at].is_ascii_digit() {
                    bytes[at] = b'0' + value % 10;
                }
            }
        }
    }
}

/// Replaces `project.qde` inside a .qdpx with mutated bytes.
fn mutate_qdpx(path: &Path, edits: &[(usize, u8, u8)]) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        entries.push((file.name().unwrap().into_owned(), bytes));
    }
    drop(zip);
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, mut bytes) in entries {
        if name == "project.qde" {
            mutate(&mut bytes, edits);
        }
        writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
}

fn try_import(format: Format, input: &Path) {
    let original = fixture::project();
    let mut target = empty_like(&original);
    if format == Format::W3c {
        target = super::roundtrip::texts_only(&original);
    }
    let options = ImportOptions { format: Some(format), ..Default::default() };
    let Ok(incoming) = annotations::read(&[input.to_owned()], &options) else { return };
    let prepared = annotations::prepare(&target, incoming, &export::no_progress).unwrap();
    let added = annotations::add_missing(&mut target, &prepared);
    let _ = added;
    let (edit, report) = prepared.edit(&target, &Mapping::default(), &options);
    annotations::apply_import(&mut target, edit, &report)
        .unwrap_or_else(|e| panic!("{format}: the edit must apply: {e}"));
    let problems = spanwise::model::validate(&target);
    assert!(problems.is_empty(), "{format}: {problems:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn damaged_files_never_panic_and_accepted_ones_apply(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8),
    ) {
        let project = fixture::project();
        for format in [Format::Json, Format::Jsonl, Format::Brat, Format::W3c, Format::LabelStudio, Format::Doccano, Format::Qdpx] {
            let dir = tempfile::tempdir().unwrap();
            let out = export_to(&project, format, dir.path());
            if format == Format::Qdpx {
                mutate_qdpx(&out, &edits);
            } else {
                let file = main_file(format, &out);
                let mut bytes = std::fs::read(&file).unwrap();
                mutate(&mut bytes, &edits);
                std::fs::write(&file, bytes).unwrap();
            }
            try_import(format, &out);
        }
    }
}

#[test]
fn garbage_in_every_format_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("a.json", &b"\xff\xfe not utf-8"[..]),
        ("b.json", b"{"),
        ("c.jsonl", b"[1, 2]\n"),
        ("d.jsonld", b"{\"type\": \"AnnotationCollection\", \"first\": {\"items\": [{\"type\": \"Annotation\"}]}}"),
        ("e.qdpx", b"PK\x03\x04 broken zip"),
        ("f.json", b"[{\"data\": {\"text\": \"x\"}, \"annotations\": [{\"result\": [{\"id\": 1, \"type\": \"labels\", \"value\": {}}]}]}]"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        for format in [Format::Json, Format::Jsonl, Format::W3c, Format::Qdpx, Format::LabelStudio, Format::Doccano] {
            let options = ImportOptions { format: Some(format), ..Default::default() };
            if let Err(error) = annotations::read(std::slice::from_ref(&path), &options) {
                let message = error.to_string();
                assert!(message.contains(name) || message.contains("cannot read"), "{format} {name}: {message}");
            }
        }
    }
}
