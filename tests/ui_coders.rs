//! Several coders in the window, driven headless with egui_kittest: File › Bring in coders'
//! files… through Spanwise's chooser (two coders' files and one whose text differs: the report
//! lists it, one undo removes everything brought in); the coder filter (a hidden coder's
//! annotation is neither listed nor clickable); blind coding (others' layers stay hidden, whatever
//! View › Coders says, until Document › Mark done for me). Texts carry `ü`, an emoji outside the
//! BMP, a ZWJ sequence, Persian with ZWNJ, Chinese and (imported) CRLF line ends.
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::ui::{harness, test_settings};
use egui::{Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::edit::{Edit, apply};
use spanwise::model::{Annotation, Annotator, CodingStatus, IdGenerator, ItemId, Project};
use spanwise::store;
use spanwise::ui::dialogs::Dialog;
use spanwise::ui::{AppConfig, Command, SpanwiseApp};

const RAW: &str = "Müller said: “Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.”\r\nشبکه\u{200c}های اجتماعی 社交媒体 matter.\r\nThe council will weaken oversight.\r\n";

/// The test user ("Test Coder") is `test-coder`.
const ME: &str = "test-coder";

fn project_of(coders: &[&str], raw: &str) -> Project {
    let mut project = Project::new("class");
    project.created = common::time();
    project.documents.push(spanwise::formats::text::import(raw, "d1".into(), "tricky.txt".into()));
    for id in coders {
        let name = if *id == ME { "Test Coder".to_owned() } else { id.to_uppercase() };
        apply(&mut project, Edit::AddAnnotator(Annotator { id: (*id).into(), name })).unwrap();
    }
    project
}

fn tag(project: &mut Project, coder: &str, label: &str, needle: &str, seed: u64) -> ItemId {
    let doc = project.document("d1").unwrap();
    let byte = doc.text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let start = doc.text[..byte].chars().count();
    let fragment = doc.fragment(start..start + needle.chars().count()).unwrap();
    assert_eq!(fragment.text, needle);
    let id = IdGenerator::seeded(seed).next_id();
    let annotation = Annotation::new(id, label, vec![fragment], coder, common::time());
    apply(project, Edit::AddAnnotation { document: "d1".into(), annotation }).unwrap();
    id
}

fn save(project: &Project, path: &Path) -> PathBuf {
    store::save_file(project, path).unwrap();
    path.to_owned()
}

fn app_for(path: &Path) -> SpanwiseApp {
    SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(path)
}

fn dialog_text(app: &SpanwiseApp) -> String {
    app.dialog.as_ref().map_or_else(|| "none".into(), Dialog::describe)
}

/// Runs frames until `done` (the worker thread needs real time), at most 60 s.
fn run_until(harness: &mut Harness<'_, SpanwiseApp>, what: &str, done: impl Fn(&SpanwiseApp) -> bool) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}: {}",
            dialog_text(harness.state())
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run();
}

fn center(harness: &Harness<'_, SpanwiseApp>, offset: usize) -> Pos2 {
    harness.state().view.as_ref().unwrap().char_rect(offset).expect("on screen").center()
}

fn start_of(harness: &Harness<'_, SpanwiseApp>, id: ItemId) -> usize {
    harness.state().document().unwrap().annotation(id).unwrap().start()
}

fn click(harness: &mut Harness<'_, SpanwiseApp>, at: Pos2) {
    // Past egui's double-click window since any earlier click there.
    for _ in 0..40 {
        harness.step();
    }
    harness.hover_at(at);
    harness.drag_at(at);
    harness.drop_at(at);
    harness.run();
}

fn command(harness: &mut Harness<'_, SpanwiseApp>, command: Command) {
    harness.state_mut().command(command);
    harness.run();
}

#[test]
fn bringing_in_two_coders_and_a_changed_text_reports_it_and_one_undo_removes_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut base = project_of(&[ME], RAW);
    tag(&mut base, ME, "actor", "Müller", 1);
    let base_path = save(&base, &dir.path().join("base.spanwise.ron"));
    let mut bob = project_of(&["bob"], RAW);
    tag(&mut bob, "bob", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.", 2);
    tag(&mut bob, "bob", "claim", "شبکه\u{200c}های اجتماعی 社交媒体 matter.", 3);
    save(&bob, &dir.path().join("bob.spanwise.ron"));
    let mut cem = project_of(&["cem"], RAW);
    tag(&mut cem, "cem", "actor", "社交媒体", 4);
    apply(
        &mut cem,
        Edit::SetCodingStatus { document: "d1".into(), annotator: "cem".into(), status: Some(CodingStatus::Done) },
    )
    .unwrap();
    save(&cem, &dir.path().join("cem.spanwise.ron"));
    // Dora's copy of the text was edited: never merged.
    let mut dora = project_of(&["dora"], &RAW.replace("weaken", "strengthen"));
    tag(&mut dora, "dora", "claim", "The council will strengthen oversight.", 5);
    save(&dora, &dir.path().join("dora.spanwise.ron"));

    let mut harness = harness(app_for(&base_path));
    assert_eq!(harness.state().project().annotation_count(), 1);
    command(&mut harness, Command::BringInCoders);
    assert_eq!(dialog_text(harness.state()), "file chooser: Bring in coders' files");
    // Three files picked with clicks (the base itself is there too, and would be left out).
    for name in ["bob.spanwise.ron", "cem.spanwise.ron", "dora.spanwise.ron"] {
        harness.get_by_label(name).click();
        harness.run();
    }
    harness.get_by_label("Bring in").click();
    harness.run();
    run_until(&mut harness, "the report", |app| dialog_text(app).starts_with("bring in: report"));
    assert_eq!(dialog_text(harness.state()), "bring in: report (3 files, 1 refused)");
    // The report says what each file brought, and names the refused document and why.
    harness.get_by_label_contains("bob.spanwise.ron: 2 annotations and 0 relations brought in (coders: bob)");
    harness.get_by_label_contains("cem.spanwise.ron: 1 coding status(es) brought in");
    harness.get_by_label_contains("dora.spanwise.ron: document \"d1\" (tricky.txt) has a different text");
    let app = harness.state();
    assert_eq!(app.project().annotation_count(), 4, "Ana's 1, Bob's 2, Cem's 1; nothing of Dora's");
    assert!(
        app.project().annotator("dora").is_none()
            || app.project().documents[0].annotations.iter().all(|a| a.annotator != "dora")
    );
    assert_eq!(app.project().documents.len(), 1, "Dora's d1 was not added as a new document");
    assert_eq!(app.project().documents[0].coder_status("cem"), CodingStatus::Done);
    assert!(
        app.status.as_deref().unwrap_or_default().contains("1 document(s) refused: text differs"),
        "{:?}",
        app.status
    );
    harness.get_by_label("OK").click();
    harness.run();
    assert_eq!(dialog_text(harness.state()), "none");

    // One undo takes everything back.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let app = harness.state();
    assert_eq!(app.project().annotation_count(), 1);
    assert!(app.project().annotator("bob").is_none() && app.project().annotator("cem").is_none());
    assert!(app.project().documents[0].status.is_empty());
    assert!(!app.is_dirty(), "back to the saved project");
}

#[test]
fn a_whole_folder_is_brought_in_and_the_open_project_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let class = dir.path().join("class");
    std::fs::create_dir(&class).unwrap();
    let base = project_of(&[ME], RAW);
    let base_path = save(&base, &class.join("mine.spanwise.ron"));
    for (i, coder) in ["bob", "cem"].iter().enumerate() {
        let mut project = project_of(&[coder], RAW);
        tag(&mut project, coder, "actor", "Müller", 10 + i as u64);
        save(&project, &class.join(format!("{coder}.spanwise.ron")));
    }
    let mut harness = harness(app_for(&base_path));
    command(&mut harness, Command::BringInCodersFrom(vec![class.clone()]));
    run_until(&mut harness, "the report", |app| dialog_text(app).starts_with("bring in: report"));
    assert_eq!(dialog_text(harness.state()), "bring in: report (2 files, 0 refused)");
    assert_eq!(harness.state().project().annotation_count(), 2);
    // A folder without project files says so.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    harness.get_by_label("OK").click();
    harness.run();
    command(&mut harness, Command::BringInCodersFrom(vec![empty]));
    assert!(
        dialog_text(harness.state()).starts_with("error: Cannot bring in the files"),
        "{}",
        dialog_text(harness.state())
    );
    harness.get_by_label_contains("has no project files");
}

/// A project where I tagged "Müller" and Bob tagged "社交媒体".
fn two_coders(dir: &Path, blind: bool) -> (PathBuf, ItemId, ItemId) {
    let mut project = project_of(&[ME, "bob"], RAW);
    let mine = tag(&mut project, ME, "actor", "Müller", 1);
    let bobs = tag(&mut project, "bob", "actor", "社交媒体", 2);
    project.blind_coding = blind;
    (save(&project, &dir.join("two.spanwise.ron")), mine, bobs)
}

fn listed(harness: &Harness<'_, SpanwiseApp>) -> usize {
    harness.state().annotation_list().0
}

#[test]
fn a_hidden_coders_annotation_is_neither_listed_nor_clickable() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mine, bobs) = two_coders(dir.path(), false);
    let mut harness = harness(app_for(&path));
    command(&mut harness, Command::ToggleCodersPanel);
    assert_eq!(listed(&harness), 2);
    // Several coders shown: each has a style, and the panel a checkbox per coder.
    let layers = &harness.state().view.as_ref().unwrap().coder_layers;
    assert_eq!(layers.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), [ME, "bob"]);
    assert_ne!(layers[0].style, layers[1].style);

    // Bob's layer off, with the checkbox in the Coders panel.
    harness.get_by_label("BOB (1)").click();
    harness.run();
    assert_eq!(listed(&harness), 1, "Bob's annotation is not listed");
    let at = center(&harness, start_of(&harness, bobs) + 1);
    click(&mut harness, at);
    assert_eq!(harness.state().selected_annotation, None, "a hidden annotation is not clicked");
    assert!(harness.state().view.as_ref().unwrap().coder_layers.is_empty(), "one coder shown: no styles");
    // Tab only visits what is shown.
    for _ in 0..3 {
        harness.key_press(Key::Tab);
        harness.run();
        assert_eq!(harness.state().selected_annotation, Some(mine));
    }

    // Only mine, then all again.
    command(&mut harness, Command::ShowOnlyMyLayer);
    assert_eq!(listed(&harness), 1);
    command(&mut harness, Command::ShowAllCoders);
    assert_eq!(listed(&harness), 2);
    let at = center(&harness, start_of(&harness, bobs) + 1);
    click(&mut harness, at);
    assert_eq!(harness.state().selected_annotation, Some(bobs), "shown again: clickable again");
}

#[test]
fn blind_coding_hides_others_until_i_mark_the_document_done() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _mine, bobs) = two_coders(dir.path(), true);
    let mut harness = harness(app_for(&path));
    command(&mut harness, Command::ToggleCodersPanel);
    assert_eq!(listed(&harness), 1, "only my layer");
    assert!(harness.state().annotation_list().1.starts_with("1 of 1"), "counts tell nothing of Bob's");
    // The document list shows my status, not a count that includes Bob's work.
    harness.get_by_label_contains("(you: in progress)");
    // The panel says why, and Bob's checkbox cannot reveal him; nor can View › Show all coders.
    harness.get_by_label_contains("Blind coding: other coders' layers stay hidden");
    command(&mut harness, Command::ShowAllCoders);
    command(&mut harness, Command::ToggleCoder("bob".into()));
    assert_eq!(listed(&harness), 1);
    let at = center(&harness, start_of(&harness, bobs) + 1);
    click(&mut harness, at);
    assert_eq!(harness.state().selected_annotation, None, "Bob's annotation cannot be clicked");

    // Ctrl+Shift+D: done; with View › Show all coders, Bob's layer shows.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    harness.run();
    assert_eq!(harness.state().document().unwrap().coder_status(ME), CodingStatus::Done);
    command(&mut harness, Command::ShowAllCoders);
    assert_eq!(listed(&harness), 2);
    let at = center(&harness, start_of(&harness, bobs) + 1);
    click(&mut harness, at);
    assert_eq!(harness.state().selected_annotation, Some(bobs));
    assert!(harness.query_by_label_contains("Blind coding: other coders' layers stay hidden").is_none());

    // Saved: the setting and my status are in the file.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    let saved = store::load(&path).unwrap();
    assert!(saved.blind_coding);
    assert_eq!(saved.document("d1").unwrap().status.get(ME), Some(&CodingStatus::Done));
    // Not done again: hidden again.
    command(&mut harness, Command::MarkNotDone);
    assert_eq!(listed(&harness), 1);
    assert_eq!(harness.state().selected_annotation, None, "a selection that became hidden is dropped");
}

#[test]
fn bringing_in_stops_at_cancel_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let base = project_of(&[ME], RAW);
    let files: Vec<PathBuf> = (0..3)
        .map(|i| {
            let mut project = project_of(&["bob"], RAW);
            tag(&mut project, "bob", "actor", "Müller", 20 + i);
            save(&project, &dir.path().join(format!("bob-{i}.spanwise.ron")))
        })
        .collect();
    // Cancelled after the first file: no result at all.
    let reports = std::cell::Cell::new(0);
    let cancelled = spanwise::ui::dialogs::read_and_combine(&base, &files, &|_, _| {
        reports.set(reports.get() + 1);
        if reports.get() > 1 { std::ops::ControlFlow::Break(()) } else { std::ops::ControlFlow::Continue(()) }
    });
    assert!(cancelled.is_none());
    assert_eq!(reports.get(), 2, "stopped at the next file");
    // Not cancelled: progress reaches the end, an unreadable file is reported, not fatal.
    std::fs::write(dir.path().join("broken.spanwise.ron"), "(format: \"spanwise\", version: 1, project: (").unwrap();
    let mut with_broken = files.clone();
    with_broken.push(dir.path().join("broken.spanwise.ron"));
    let last = std::cell::Cell::new((0, 0));
    let combined = spanwise::ui::dialogs::read_and_combine(&base, &with_broken, &|done, total| {
        last.set((done, total));
        std::ops::ControlFlow::Continue(())
    })
    .expect("not cancelled")
    .expect("combined");
    assert_eq!(last.get(), (5, 5));
    assert_eq!(combined.report.files.len(), 3);
    assert_eq!(combined.unreadable.len(), 1);
    assert!(combined.lines().iter().any(|l| l.starts_with("broken.spanwise.ron: not read:")), "{:?}", combined.lines());
}
