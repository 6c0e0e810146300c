//! `spanwise export` and `spanwise import-annotations`, run as real processes.

use std::path::Path;
use std::process::Command;

use spanwise::formats::export::Format;

use super::fixture;

fn spanwise(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_spanwise")).args(args).output().expect("run spanwise");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn export_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let project = fixture::path();
    for format in Format::ALL.into_iter().filter(|f| f.available()) {
        let out = dir.path().join(format!("out.{}", format.extension()));
        let (code, stdout, stderr) = spanwise(&["export", "--format", format.name(), s(&project), "-o", s(&out)]);
        assert_eq!(code, 0, "{format}: {stderr}");
        assert!(
            stdout
                .starts_with(&format!("wrote {} ({format}): 2 documents, 13 annotations, 5 relations", out.display())),
            "{stdout}"
        );
        assert!(out.exists());
    }
}

#[test]
fn export_defaults_to_a_name_beside_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("study.spanwise.ron");
    std::fs::copy(fixture::path(), &project).unwrap();
    let (code, stdout, stderr) = spanwise(&["export", "-f", "csv", s(&project)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("study.csv/annotations.csv").is_file(), "{stdout}");
    let (code, _, stderr) =
        spanwise(&["export", "-f", "doccano", "--doccano-offsets", "code-points", "--documents", "d2", s(&project)]);
    assert_eq!(code, 0, "{stderr}");
    let doccano = std::fs::read_to_string(dir.path().join("study.doccano.jsonl")).unwrap();
    assert_eq!(doccano.lines().count(), 1);
    assert!(doccano.contains("\"spanwise_document_id\":\"d2\""));
    let (code, stdout, _) = spanwise(&["export", "-f", "conll", "--overlaps", "columns", s(&project)]);
    assert_eq!(code, 0);
    assert!(stdout.contains("wrote"));
    assert!(
        std::fs::read_to_string(dir.path().join("study.conll"))
            .unwrap()
            .contains("# columns: token claim quote actor recommendation")
    );
}

#[test]
fn export_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) =
        spanwise(&["export", "-f", "json", "/no/such/project.spanwise.ron", "-o", s(&dir.path().join("x.json"))]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot read /no/such/project.spanwise.ron"), "{stderr}");
    let (code, _, stderr) = spanwise(&["export", "-f", "pdf", s(&fixture::path())]);
    assert_eq!(code, 2, "clap refuses an unknown format");
    assert!(stderr.contains("invalid value 'pdf'") && stderr.contains("labelstudio"), "{stderr}");
    let (code, _, stderr) = spanwise(&[
        "export",
        "-f",
        "json",
        "--documents",
        "nope",
        s(&fixture::path()),
        "-o",
        s(&dir.path().join("x.json")),
    ]);
    assert_eq!(code, 1);
    assert_eq!(stderr.trim(), "no document \"nope\" in the project");
    assert!(!dir.path().join("x.json").exists());
}

#[test]
fn import_annotations_into_a_new_and_an_existing_project() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("all.json");
    assert_eq!(spanwise(&["export", "-f", "json", s(&fixture::path()), "-o", s(&json)]).0, 0);
    let new = dir.path().join("new.spanwise.ron");
    let (code, stdout, stderr) = spanwise(&["import-annotations", s(&new), s(&json)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("read 2 documents (json)"), "{stdout}");
    assert!(stdout.contains("documents: 2 added"), "{stdout}");
    assert!(stdout.contains("annotations: 13 added"), "{stdout}");
    assert!(stdout.contains(&format!("created {}", new.display())));
    let (code, stdout, _) = spanwise(&["validate", s(&new)]);
    assert_eq!(code, 0);
    assert!(stdout.contains("valid (2 documents, 13 annotations)"));

    // brat with a type the codebook lacks, onto the project: added to the codebook, and said so.
    let brat = dir.path().join("brat");
    std::fs::create_dir(&brat).unwrap();
    let project = spanwise::store::load(&new).unwrap();
    let d1 = &project.documents[0];
    std::fs::write(brat.join("one.txt"), d1.text.as_str()).unwrap();
    std::fs::write(brat.join("one.ann"), "T1\tPerson 0 4\tAnna\nT2\tactor 0 11\tAnna Müller\n").unwrap();
    let (code, stdout, stderr) = spanwise(&["import-annotations", s(&new), s(&brat), "--annotator", "Carla Díaz"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("added to the codebook: label \"Person\" (used by 1 annotations)"), "{stdout}");
    assert!(stdout.contains("documents: 0 added, 1 with the same text"), "{stdout}");
    // The actor span is already there (brat does not say who made it, so anyone's counts).
    assert!(stdout.contains("annotations: 1 added (0 placed by their quote), 1 already in the project"), "{stdout}");
    assert!(stdout.contains("annotators added: Carla Díaz"), "{stdout}");
    let project = spanwise::store::load(&new).unwrap();
    assert!(project.codebook.label("Person").is_some());
    assert_eq!(project.annotation_count(), 14);
    assert!(dir.path().join("new.spanwise.ron.bak").is_file(), "the previous version is kept");

    // Again: everything is already there.
    let (code, stdout, _) = spanwise(&["import-annotations", s(&new), s(&brat), "--annotator", "Carla Díaz"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("annotations: 0 added (0 placed by their quote), 2 already in the project"), "{stdout}");
    assert!(!stdout.contains("added to the codebook"), "{stdout}");
}

#[test]
fn import_annotations_lists_what_it_cannot_place_and_dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let w3c = dir.path().join("a.jsonld");
    assert_eq!(spanwise(&["export", "-f", "w3c", s(&fixture::path()), "-o", s(&w3c)]).0, 0);
    let project = dir.path().join("p.spanwise.ron");
    let mut other = spanwise::model::Project::new("other");
    other.documents.push(spanwise::model::Document::new("d1", "x.txt", "Unrelated words only.".into()));
    spanwise::store::save(&other, &project).unwrap();
    let before = std::fs::read(&project).unwrap();
    let (code, stdout, stderr) = spanwise(&["import-annotations", s(&project), s(&w3c), "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("not placed (13), not imported:"), "{stdout}");
    assert!(stdout.contains("recommendation \"社交媒体\""), "{stdout}");
    assert!(stdout.contains("dry run: nothing written"));
    assert_eq!(std::fs::read(&project).unwrap(), before);

    let (code, _, stderr) = spanwise(&["import-annotations", s(&project), s(&dir.path().join("missing.json"))]);
    assert_eq!(code, 1);
    assert!(stderr.contains("missing.json"), "{stderr}");
    let (code, _, stderr) = spanwise(&["import-annotations", s(&project), s(&w3c), "--format", "conll"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("conll cannot be imported"), "{stderr}");
}

#[test]
fn help_names_both_commands() {
    let (code, stdout, _) = spanwise(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("export") && stdout.contains("import-annotations"), "{stdout}");
    let (_, stdout, _) = spanwise(&["export", "--help"]);
    assert!(stdout.contains("docs/EXPORT.md") && stdout.contains("--doccano-offsets"), "{stdout}");
}
