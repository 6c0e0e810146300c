//! The project file: round trips are byte-identical and every kind of damage gets a specific error.

mod common;

use spanwise::model::ItemId;
use spanwise::store::{self, LoadError};

fn saved_text() -> String {
    store::to_string(&common::tricky_project())
}

#[test]
fn save_load_save_is_byte_identical() {
    let project = common::tricky_project();
    let first = store::to_string(&project);
    let loaded = store::from_str(&first).expect("own output loads");
    assert_eq!(loaded, project);
    let second = store::to_string(&loaded);
    assert_eq!(first, second);
}

#[test]
fn sample_project_round_trips_through_disk() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(common::sample_project_path()).unwrap();
    let project = store::load(&common::sample_project_path()).expect("sample project is valid");
    let path = dir.path().join("copy.spanwise.ron");
    store::save(&project, &path).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    // No temporary files are left behind.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["copy.spanwise.ron"]);
}

#[test]
fn saving_keeps_the_previous_version_as_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    let mut project = common::tricky_project();
    store::save(&project, &path).unwrap();
    let first = std::fs::read_to_string(&path).unwrap();
    project.name = "renamed".into();
    store::save(&project, &path).unwrap();
    assert_eq!(std::fs::read_to_string(store::backup_path(&path)).unwrap(), first);
    assert!(std::fs::read_to_string(&path).unwrap().contains("renamed"));
    // A third save: the backup is now the second version (the backup is a hard link to the old
    // file where possible; it must never follow the new one).
    let second = std::fs::read_to_string(&path).unwrap();
    project.name = "renamed again".into();
    store::save(&project, &path).unwrap();
    assert_eq!(std::fs::read_to_string(store::backup_path(&path)).unwrap(), second);
    assert!(std::fs::read_to_string(&path).unwrap().contains("renamed again"));
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 2, "no staging files left: {names:?}");
}

#[test]
fn one_annotation_per_line() {
    let text = saved_text();
    let project = common::tricky_project();
    for annotation in &project.documents[0].annotations {
        let lines: Vec<&str> = text.lines().filter(|l| l.contains(&format!("id: {},", annotation.id))).collect();
        assert_eq!(lines.len(), 1, "annotation {} on one line", annotation.id);
        assert!(lines[0].contains("label:"), "{}", lines[0]);
    }
}

/// Replaces the first occurrence of `from` (which must exist) in the saved text.
fn damaged(from: &str, to: &str) -> String {
    let text = saved_text();
    assert!(text.contains(from), "{from:?} not in:\n{text}");
    text.replacen(from, to, 1)
}

fn problems(source: &str) -> Vec<String> {
    match store::from_str(source) {
        Ok(_) => panic!("damaged file loaded without error"),
        Err(LoadError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
        Err(other) => vec![other.to_string()],
    }
}

fn line_of(source: &str, needle: &str) -> usize {
    source.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn reversed_span_is_reported_with_its_line() {
    let project = common::tricky_project();
    let actor = project.documents[0].annotations.iter().find(|a| a.fragments[0].text == "Müller").unwrap();
    let source = damaged("start: 0, end: 6,", "start: 6, end: 4,");
    let found = problems(&source);
    let line = line_of(&source, &format!("id: {},", actor.id));
    assert!(
        found
            .iter()
            .any(|p| p
                == &format!("line {line}: document \"d1\", annotation {}: span 6..4 ends before it starts", actor.id)),
        "{found:#?}"
    );
}

#[test]
fn span_past_the_end() {
    let found = problems(&damaged("start: 0, end: 6,", "start: 0, end: 6000,"));
    assert!(
        found.iter().any(|p| p.contains("span 0..6000 goes past the end of the text (80 characters)")),
        "{found:#?}"
    );
}

#[test]
fn mismatched_quoted_text() {
    let found = problems(&damaged("text: \"Müller\"", "text: \"Miller\""));
    assert!(
        found.iter().any(|p| p.contains("stored text \"Miller\" differs from the document text there, \"Müller\"")),
        "{found:#?}"
    );
}

#[test]
fn unknown_label() {
    let found = problems(&damaged("label: \"recommendation\"", "label: \"advice\""));
    assert!(found.iter().any(|p| p.contains("unknown label \"advice\" (not in the codebook)")), "{found:#?}");
}

#[test]
fn duplicate_id() {
    let project = common::tricky_project();
    let annotations = &project.documents[0].annotations;
    let (a, b) = (annotations[0].id, annotations[1].id);
    let found = problems(&damaged(&format!("id: {b},"), &format!("id: {a},")));
    assert!(found.iter().any(|p| p.contains(&format!("annotation {a}: duplicate id"))), "{found:#?}");
}

#[test]
fn changed_text_breaks_the_hash() {
    let found = problems(&damaged("matter.", "matters"));
    assert!(found.iter().any(|p| p.contains("does not match the text")), "{found:#?}");
}

#[test]
fn relation_to_missing_annotation() {
    let project = common::tricky_project();
    let relation = &project.documents[0].relations[0];
    let found = problems(&damaged(&format!("to: {},", relation.to), "to: 12345,"));
    assert!(found.iter().any(|p| p.contains("target annotation 12345 does not exist in this document")), "{found:#?}");
    let _ = ItemId(0);
}

#[test]
fn truncated_file() {
    let text = saved_text();
    let cut = &text[..text.len() * 2 / 3];
    let cut = &cut[..cut.char_indices().last().unwrap().0];
    let found = problems(cut);
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("ends unexpectedly") || found[0].starts_with("line "), "{found:#?}");
    assert!(found[0].starts_with("line "), "has a line: {found:#?}");
}

#[test]
fn newer_version_is_refused_naming_both_versions() {
    let source = damaged("version: 1,", "version: 7,");
    match store::from_str(&source) {
        Err(LoadError::NewerVersion { found: 7, supported: 1 }) => {}
        other => panic!("expected a version error, got {other:?}"),
    }
    let message = store::from_str(&source).unwrap_err().to_string();
    assert!(message.contains("version 7") && message.contains("up to 1"), "{message}");
}

#[test]
fn not_ron_at_all() {
    for (source, expected) in [
        ("", "the file is empty"),
        ("{\"format\": \"spanwise\"}", "expected a RON project starting with '('"),
        ("PK\u{3}\u{4} binary junk", "expected a RON project"),
        ("(format: \"brat\", version: 1)", "format is \"brat\""),
        ("(format: \"spanwise\")", "no `version:` header"),
    ] {
        let message = store::from_str(source).unwrap_err().to_string();
        assert!(message.contains(expected), "{source:?}: {message}");
    }
}

#[test]
fn syntax_error_has_line_and_column() {
    let source = damaged("label: \"quote\"", "label: quote\"");
    let found = problems(&source);
    let line = line_of(&source, "label: quote\"");
    assert!(found[0].starts_with(&format!("line {line}: column ")), "{found:#?}");
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let source =
        damaged("label: \"recommendation\"", "label: \"advice\"").replacen("text: \"Müller\"", "text: \"Miller\"", 1);
    assert_eq!(problems(&source).len(), 2);
}

#[test]
fn binary_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.spanwise.ron");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let message = store::load(&path).unwrap_err().to_string();
    assert!(message.contains("not valid UTF-8"), "{message}");
}

#[test]
fn failed_save_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    let old = common::tricky_project();
    store::save(&old, &path).unwrap();
    let old_bytes = std::fs::read(&path).unwrap();
    // The save writes a temporary file beside the project and renames it over. Make that write
    // fail after the old file exists: a folder where the temporary file would go (this works as
    // root too, where permissions would not stop the write).
    let tmp = dir.path().join(format!(".p.spanwise.ron.tmp{}", std::process::id()));
    std::fs::create_dir(&tmp).unwrap();
    let mut new = old.clone();
    new.description = "a newer version that cannot be written".into();
    let message = store::save(&new, &path).unwrap_err().to_string();
    assert!(message.contains("cannot save to") && message.contains("p.spanwise.ron"), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), old_bytes, "the old file is untouched");
    assert_eq!(store::load(&path).unwrap(), old);
    assert!(!store::backup_path(&path).exists(), "no backup made of a save that did not happen");
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 2, "nothing else left behind: {names:?}");
    // And a save into a folder that does not exist says which path.
    let missing = dir.path().join("no/such/folder/p.spanwise.ron");
    let message = store::save(&old, &missing).unwrap_err().to_string();
    assert!(message.contains("cannot save to") && message.contains("the folder does not exist"), "{message}");
}

/// The fast writer must produce exactly what `ron` writes, for every shape of project.
#[test]
fn fast_writer_matches_ron_byte_for_byte() {
    let mut projects = vec![
        common::tricky_project(),
        spanwise::store::load(&common::sample_project_path()).unwrap(),
        spanwise::generate::project(200_000, 3_000, 11),
        spanwise::model::Project::new("empty"),
    ];
    let fixture = common::manifest_dir().join("tests/fixtures/v1.spanwise.ron");
    let v1 = spanwise::store::load(&fixture).unwrap_or_else(|e| panic!("{}: {e}", fixture.display()));
    assert!(v1.annotation_count() > 0, "the v1 fixture has annotations");
    projects.push(v1);
    // Notes, attributes, an empty document, and a document text full of escapes.
    let mut varied = common::tricky_project();
    let annotation = &mut varied.documents[0].annotations[0];
    annotation.note = "a \"note\"\nwith 'quotes' and \\ and é\u{301}".into();
    varied.documents[0].annotations[1].attributes.insert("stance".into(), spanwise::model::Value::Number(1.5));
    varied.documents[0].annotations[2].attributes.insert("sure".into(), spanwise::model::Value::Bool(true));
    varied.documents.push(spanwise::model::Document::new("d2", "empty.txt", String::new()));
    varied.documents.push(spanwise::model::Document::new(
        "d3",
        "odd.txt",
        "tab\there \"q\" 'a' \\ \u{0}\u{7f}\u{200d}\r\n".into(),
    ));
    projects.push(varied);
    for project in &projects {
        let fast = store::to_string(project);
        // And the fast reader gives back exactly the project (falling back to ron where needed).
        assert_eq!(&store::from_str(&fast).expect("own output loads"), project, "{}", project.name);
        if project.documents.iter().all(|d| d.annotations.iter().all(|a| a.attributes.is_empty())) {
            assert!(store::reader::split(&fast).is_some(), "the fast reader handles {}", project.name);
        }
        let reference = store::to_string_with_ron(project);
        if fast != reference {
            let line = fast.lines().zip(reference.lines()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "project {:?} differs at line {}:\nfast: {:?}\nron:  {:?}",
                project.name,
                line + 1,
                fast.lines().nth(line),
                reference.lines().nth(line)
            );
        }
    }
}
