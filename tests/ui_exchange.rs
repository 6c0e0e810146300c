//! File › Export… and File › Import annotations…, driven headless with egui_kittest as a user
//! would: the keyboard shortcut or the menu, the format's radio button, Export; Cancel; Read,
//! a label mapping, Import, one Undo.
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::exchange::{check_csv_export, check_spacy_export, leftovers};
use common::ui::{harness, sample_copy, test_settings};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::formats::export::{self, ExportOptions, Format};
use spanwise::ui::dialogs::{Choice, Dialog};
use spanwise::ui::{AppConfig, SpanwiseApp};

fn app_for(path: &Path) -> SpanwiseApp {
    SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(path)
}

/// Runs frames until `done` (the worker thread needs real time), at most 60 s.
fn run_until(harness: &mut Harness<'_, SpanwiseApp>, what: &str, done: impl Fn(&SpanwiseApp) -> bool) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run();
}

fn dialog_text(app: &SpanwiseApp) -> String {
    app.dialog.as_ref().map_or_else(|| "none".into(), Dialog::describe)
}

fn open_export(harness: &mut Harness<'_, SpanwiseApp>) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::E);
    harness.run();
    assert!(dialog_text(harness.state()).starts_with("export"), "{}", dialog_text(harness.state()));
}

fn export_as(harness: &mut Harness<'_, SpanwiseApp>, format: &str) {
    open_export(harness);
    harness.get_by_label(format).click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Export").click();
    harness.run();
    run_until(harness, "the export", |app| matches!(app.dialog, Some(Dialog::Message { .. })));
}

#[test]
fn export_to_csv_and_spacy_writes_what_r_and_spacy_read_and_remembers_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let project = harness.state().project().clone();

    export_as(&mut harness, "csv");
    let folder = dir.path().join("sample.csv");
    let rows = check_csv_export(&folder, &project);
    assert!(rows > 0);
    let status = harness.state().status.clone().unwrap_or_default();
    assert!(status.contains(&folder.display().to_string()), "the status says where: {status}");
    assert!(status.contains(&format!("{} annotations", project.annotation_count())), "{status}");
    assert_eq!(harness.state().settings.last_export(Some(&path)).map(|e| e.format.as_str()), Some("csv"));
    harness.get_by_label("OK").click();
    harness.run();

    // The next export offers csv again, into the same folder.
    open_export(&mut harness);
    let Some(Dialog::Export(dialog)) = &harness.state().dialog else { panic!("the Export dialog") };
    assert_eq!(dialog.format, Format::Csv);
    assert_eq!(PathBuf::from(&dialog.destination), folder);
    harness.get_by_role_and_label(Role::Button, "Close").click();
    harness.run();

    export_as(&mut harness, "spacy");
    let spans = check_spacy_export(&dir.path().join("sample.spacy.jsonl"), &project);
    assert!(spans > 0);
    assert!(leftovers(dir.path()).is_empty(), "no temporary files: {:?}", leftovers(dir.path()));
    assert!(!harness.state().is_dirty(), "exporting does not change the project");
}

#[test]
fn a_cancelled_export_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    // Big enough that the export is still running when Cancel is pressed (debug build).
    let project = spanwise::generate::project(8_000_000, 100_000, 7);
    let path = dir.path().join("big.spanwise.ron");
    spanwise::store::save(&project, &path).unwrap();
    let mut harness = harness(app_for(&path));
    open_export(&mut harness);
    harness.get_by_label("json").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Export").click();
    // A few frames for the dialog to settle where it is (a modal is centred by its last size).
    for _ in 0..4 {
        harness.step();
    }
    assert!(dialog_text(harness.state()).starts_with("export: running"), "{}", dialog_text(harness.state()));
    harness.get_by_role_and_label(Role::Button, "Cancel").click();
    run_until(&mut harness, "the cancel", |app| {
        !dialog_text(app).starts_with("export: running") && dialog_text(app) != "export: cancelling"
    });
    assert_eq!(dialog_text(harness.state()), "export: export cancelled; nothing was written");
    assert!(!dir.path().join("big.json").exists());
    assert!(leftovers(dir.path()).is_empty(), "no temporary files: {:?}", leftovers(dir.path()));
    assert!(harness.state().settings.exports.is_empty(), "a cancelled export is not remembered");
}

/// A brat export of the sample as another tool would write it, in which Claim is called
/// "Assertion" (a label the codebook lacks).
fn brat_with_unknown_label(dir: &Path) -> (PathBuf, usize) {
    let project = spanwise::store::load(&common::sample_project_path()).unwrap();
    let out = dir.join("sample.brat");
    export::export(&project, Format::Brat, &ExportOptions::default(), &out, &export::no_progress).unwrap();
    let mut renamed = 0;
    for entry in std::fs::read_dir(&out).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ann") {
            let text = std::fs::read_to_string(&path).unwrap();
            // As another tool writes it: without Spanwise's own comments (which name the label).
            let lines: Vec<String> = text
                .lines()
                .filter(|line| !(line.starts_with('#') && line.contains("\tSpanwise ")))
                .map(|line| match line.split_once('\t') {
                    Some((id, rest)) if id.starts_with('T') && rest.starts_with("claim ") => {
                        renamed += 1;
                        format!("{id}\tAssertion {}", &rest["claim ".len()..])
                    }
                    _ => line.to_owned(),
                })
                .collect();
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        }
    }
    assert!(renamed > 0, "the sample has claims");
    (out, project.annotation_count())
}

fn read_import(harness: &mut Harness<'_, SpanwiseApp>, from: &Path) {
    harness.state_mut().command(spanwise::ui::Command::ImportAnnotations);
    harness.run();
    harness.get_by_label("Import from").click();
    harness.run();
    harness.get_by_label("Import from").type_text(&from.display().to_string());
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Read").click();
    harness.run();
    run_until(harness, "reading", |app| dialog_text(app).starts_with("import annotations: review"));
}

#[test]
fn importing_with_a_label_mapping_into_a_fresh_project_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let (brat, annotations) = brat_with_unknown_label(dir.path());
    let mut harness = harness(SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }));
    read_import(&mut harness, &brat);
    {
        let Some(Dialog::ImportAnnotations(dialog)) = &harness.state().dialog else { panic!("the Import dialog") };
        assert_eq!(dialog.labels.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(), ["Assertion"]);
        assert_eq!(dialog.labels[0].3, Choice::Add, "adding is offered first");
    }
    assert!(harness.query_by_label_contains("spans placed").is_some(), "the review says what was found");
    // Map "Assertion" to Claim with the combo box, as a user would.
    harness.get_by_label("Label Assertion").click();
    harness.run();
    harness.get_by_label("Map to Claim").click();
    harness.run();
    {
        let Some(Dialog::ImportAnnotations(dialog)) = &harness.state().dialog else { panic!("the Import dialog") };
        assert_eq!(dialog.labels[0].3, Choice::MapTo("claim".into()));
    }
    let labels_before = harness.state().project().codebook.labels.len();
    harness.get_by_role_and_label(Role::Button, "Import").click();
    harness.run();
    let project = harness.state().project();
    assert_eq!(project.annotation_count(), annotations, "every span placed");
    assert_eq!(project.codebook.labels.len(), labels_before, "mapped, not added");
    assert!(project.documents.iter().flat_map(|d| &d.annotations).any(|a| a.label == "claim"));
    assert!(matches!(&harness.state().dialog, Some(Dialog::Message { title, .. }) if title == "Annotations imported"));
    harness.get_by_label("OK").click();
    harness.run();

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().project().annotation_count(), 0, "one undo takes the whole import back");
    assert!(harness.state().project().documents.is_empty());
}

#[test]
fn adding_a_missing_label_and_its_annotations_is_undone_together() {
    let dir = tempfile::tempdir().unwrap();
    let (brat, _) = brat_with_unknown_label(dir.path());
    let mut harness = harness(SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }));
    read_import(&mut harness, &brat);
    harness.get_by_role_and_label(Role::Button, "Import").click();
    harness.run();
    let project = harness.state().project();
    let added = project.codebook.labels.iter().find(|l| l.name == "Assertion").expect("the label was added");
    let id = added.id.clone();
    assert!(project.documents.iter().flat_map(|d| &d.annotations).any(|a| a.label == id));
    assert!(harness.state().session().history().can_undo());
    harness.state_mut().command(spanwise::ui::Command::Undo);
    harness.run();
    let project = harness.state().project();
    assert!(project.codebook.label(&id).is_none(), "undo removes the label with its annotations");
    assert_eq!(project.annotation_count(), 0);
    assert!(!harness.state().session().history().can_undo(), "it was one step");
}

#[test]
fn a_json_import_brings_its_memos_and_one_undo_takes_them_back() {
    use spanwise::model::{Memo, MemoTarget, now};
    let dir = tempfile::tempdir().unwrap();
    let mut project = spanwise::store::load(&sample_copy(dir.path())).unwrap();
    let claim = project.documents[0].annotations.iter().find(|a| a.label == "claim").unwrap().id;
    let mut ids = spanwise::model::IdGenerator::seeded(7);
    for (target, title) in
        [(MemoTarget::Project, "Coding plan"), (MemoTarget::Annotation(claim), "Why this is a claim")]
    {
        let id = std::iter::repeat_with(|| ids.next_id()).find(|id| !project.id_in_use(*id)).unwrap();
        let time = now();
        project.memos.push(Memo {
            id,
            target,
            title: title.into(),
            text: "Memo text.".into(),
            author: "Ana".into(),
            created: time,
            modified: time,
        });
    }
    project.memos.sort_by_key(|m| m.id);
    let json = dir.path().join("with-memos.json");
    export::export(&project, Format::Json, &ExportOptions::default(), &json, &export::no_progress).unwrap();

    let mut harness = harness(SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }));
    read_import(&mut harness, &json);
    assert!(harness.query_by_label_contains("memos in the file").is_some(), "the review counts the memos");
    harness.get_by_role_and_label(Role::Button, "Import").click();
    harness.run();
    let imported = harness.state().project();
    let titles: Vec<&str> = imported.memos.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    let about_claim = imported.memos.iter().find(|m| m.title == "Why this is a claim").unwrap();
    let MemoTarget::Annotation(id) = about_claim.target else { panic!("about an annotation") };
    let annotated = imported.documents.iter().flat_map(|d| &d.annotations).find(|a| a.id == id).unwrap();
    assert_eq!(annotated.label, "claim", "the memo is about the imported claim");
    assert!(harness.query_by_label_contains("memos were added").is_some(), "the summary says so");
    harness.get_by_label("OK").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().project().memos.is_empty(), "one undo takes the memos back with the rest");
    assert_eq!(harness.state().project().annotation_count(), 0);
}
