//! `spanwise import PROJECT INPUT...` as a real process: creates the project, adds to it, one line
//! per failure, exit code non-zero only when nothing was imported, `--clean`, `--encoding`.

mod common;

use std::process::Command;

fn spanwise(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_spanwise")).args(args).output().expect("run spanwise");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn seed() -> std::path::PathBuf {
    common::manifest_dir().join("../shared/seeds/000_7653fdbd5543f69c.txt")
}

#[test]
fn import_creates_the_project_then_adds_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("study.spanwise.ron");
    let page = common::manifest_dir().join("../shared/fixtures/readability/guardian-1/source.html");
    let (code, out, err) = spanwise(&["import", project.to_str().unwrap(), seed().to_str().unwrap(), "--clean"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("imported 1 document into"), "{out}");
    assert!(err.is_empty(), "{err}");
    let loaded = spanwise::store::load(&project).unwrap();
    assert_eq!(loaded.name, "study");
    let doc = &loaded.documents[0];
    assert!(doc.text.starts_with("Official Study Reveals the Regime’s Fear of Social Media\n\n"));
    assert_eq!(doc.metadata["author"], "Behnam Gholipour");
    assert_eq!(doc.metadata["date"], "2020-12-18");

    // A second run adds a page and skips the text already there.
    let (code, out, err) =
        spanwise(&["import", project.to_str().unwrap(), page.to_str().unwrap(), seed().to_str().unwrap(), "--clean"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("skipped: ") && out.contains("same text as \"000_7653fdbd5543f69c.txt\""), "{out}");
    assert!(out.contains("imported 1 document into") && out.contains("(1 skipped, 0 failed)"), "{out}");
    let loaded = spanwise::store::load(&project).unwrap();
    assert_eq!(loaded.documents.len(), 2);
    assert_eq!(loaded.documents[1].id, "d2");
    assert_eq!(loaded.documents[1].metadata["outlet"], "the Guardian");
    let (code, out, _) = spanwise(&["validate", project.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("valid (2 documents"), "{out}");
}

#[test]
fn one_line_per_failure_and_success_if_anything_was_imported() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.spanwise.ron");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.path().join("binary.txt");
    std::fs::write(&binary, b"\x00\x01\x02\x03").unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Müller said 🎉 👨‍👩‍👧 شبکه‌های 社交\r\n").unwrap();
    let missing = dir.path().join("missing.txt");
    let args = [
        "import",
        project.to_str().unwrap(),
        empty.to_str().unwrap(),
        binary.to_str().unwrap(),
        good.to_str().unwrap(),
        missing.to_str().unwrap(),
    ];
    let (code, out, err) = spanwise(&args);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("failed: ") && lines[0].contains("empty.txt is empty"), "{err}");
    assert!(lines[1].contains("binary.txt is a binary file, not text"), "{err}");
    assert!(lines[2].contains("cannot read") && lines[2].contains("missing.txt"), "{err}");
    assert!(out.contains("imported 1 document") && out.contains("3 failed"), "{out}");
    let loaded = spanwise::store::load(&project).unwrap();
    assert_eq!(loaded.documents[0].text, "Müller said 🎉 👨‍👩‍👧 شبکه‌های 社交\n");
}

#[test]
fn nothing_imported_is_a_failure_and_leaves_no_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.spanwise.ron");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "   ").unwrap();
    let (code, out, err) = spanwise(&["import", project.to_str().unwrap(), empty.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("empty.txt is empty"), "{err}");
    assert!(out.contains("imported 0 documents"), "{out}");
    assert!(!project.exists());
    let (code, _, err) =
        spanwise(&["import", project.to_str().unwrap(), empty.to_str().unwrap(), "--encoding", "klingon"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown encoding \"klingon\""), "{err}");
}

#[test]
fn an_encoding_can_be_named() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.spanwise.ron");
    let path = dir.path().join("arabic.txt");
    let (bytes, _, _) = encoding_rs::ISO_8859_6.encode("قالت الحكومة إن وسائل التواصل");
    std::fs::write(&path, &bytes).unwrap();
    let (code, _, err) =
        spanwise(&["import", project.to_str().unwrap(), path.to_str().unwrap(), "--encoding", "iso-8859-6"]);
    assert_eq!(code, 0, "{err}");
    let loaded = spanwise::store::load(&project).unwrap();
    assert_eq!(loaded.documents[0].text, "قالت الحكومة إن وسائل التواصل");
    assert_eq!(loaded.documents[0].metadata["encoding"], "ISO-8859-6");
}

#[test]
fn help_lists_import() {
    let (code, out, _) = spanwise(&["import", "--help"]);
    assert_eq!(code, 0);
    for word in ["--clean", "--encoding", "--text-column", "--max-text-mb", "URLs"] {
        assert!(out.contains(word), "{out}");
    }
}
