//! Replacing the open project in the window (Open, recent files, drop, reload, merge) and the
//! questions asked on the way (issues 14 and 16), driven headless with egui_kittest.
#![cfg(feature = "gui")]

mod common;

use common::ui::{harness, sample_copy, test_settings, type_key};

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::model::{ItemId, Project};
use spanwise::store;
use spanwise::store::merge::Side;
use spanwise::ui::dialogs::Dialog;
use spanwise::ui::{AppConfig, Command, SpanwiseApp};

fn app() -> SpanwiseApp {
    SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None })
}

/// A copy of the sample's text (the seed article) in `dir`.
fn text_copy(dir: &Path) -> PathBuf {
    let path = dir.join("seed.txt");
    std::fs::copy(common::sample_text_path(), &path).unwrap();
    path
}

/// A second project, different from the sample: its first document has only its Actors, and the
/// same document id ("d1"?) at the same revision as any freshly opened project.
fn other_project(dir: &Path) -> (PathBuf, Project) {
    let mut project = store::load(&common::sample_project_path()).unwrap();
    project.name = "Actors only".into();
    let document = &mut project.documents[0];
    let actors: Vec<ItemId> = document.annotations.iter().filter(|a| a.label == "actor").map(|a| a.id).collect();
    document.relations.retain(|r| actors.contains(&r.from) && actors.contains(&r.to));
    document.annotations.retain(|a| a.label == "actor");
    project.memos.clear();
    let path = dir.join("actors only.spanwise.ron");
    store::save_file(&project, &path).unwrap();
    let loaded = store::load(&path).unwrap();
    (path, loaded)
}

/// The list shows `project`'s first document: a count per label and "n of n" rows.
fn assert_list_shows(harness: &Harness<'_, SpanwiseApp>, project: &Project) {
    let document = &project.documents[0];
    assert_eq!(harness.state().document().map(|d| d.annotations.len()), Some(document.annotations.len()));
    for label in &project.codebook.labels {
        let count = document.annotations.iter().filter(|a| a.label == label.id).count();
        let text = format!("{} {count}", label.name);
        assert!(harness.query_by_label(&text).is_some(), "the list shows {text:?}");
    }
    let n = document.annotations.len();
    assert!(harness.query_by_label(&format!("{n} of {n}")).is_some(), "the list says {n} of {n}");
    let first = &document.annotations[0];
    let name = project.codebook.label(&first.label).unwrap().name.clone();
    let row = format!("{name}: {}", spanwise::ui::doc_view::excerpt(&first.text(), 60));
    assert!(!harness.query_all_by_label(&row).collect::<Vec<_>>().is_empty(), "a row {row:?}");
}

fn save_prompts(harness: &Harness<'_, SpanwiseApp>) -> usize {
    harness.query_all_by_label("Save changes?").count()
}

/// Ctrl+O, then the path typed into Spanwise's chooser, then Open.
fn open_through_chooser(harness: &mut Harness<'_, SpanwiseApp>, path: &Path) {
    harness.get_by_label("Open a project or text");
    harness.get_by_label("File path").focus();
    harness.run();
    harness.get_by_label("File path").type_text(path.to_str().unwrap());
    harness.run();
    harness.get_by_label("Open").click();
    harness.run();
}

/// Deletes one annotation through the window, so that the project has unsaved work.
fn delete_one(harness: &mut Harness<'_, SpanwiseApp>) {
    let id = harness.state().document().unwrap().annotations[0].id;
    harness.state_mut().command(Command::SelectAnnotation(id));
    harness.run();
    harness.key_press(Key::Delete);
    harness.run();
    assert!(harness.state().session().has_unsaved_work());
}

#[test]
fn a_text_then_another_project_through_open_shows_the_new_counts_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let text = text_copy(dir.path());
    let sample = sample_copy(dir.path());
    let mut harness = harness(app().with_file(&text));
    assert!(harness.state().document().unwrap().annotations.is_empty());
    assert!(harness.query_by_label("0 of 0").is_some());
    assert!(!harness.state().session().has_unsaved_work(), "an untouched imported text is not work");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    assert_eq!(save_prompts(&harness), 0, "nothing to lose: no question");
    open_through_chooser(&mut harness, &sample);
    assert_eq!(save_prompts(&harness), 0);
    assert_eq!(harness.state().project_path(), Some(sample.as_path()));
    assert_list_shows(&harness, &store::load(&sample).unwrap());
}

#[test]
fn ctrl_o_with_changes_asks_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample_copy(dir.path());
    let (other, other_project) = other_project(dir.path());
    let mut harness = harness(app().with_file(&sample));
    delete_one(&mut harness);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    assert_eq!(save_prompts(&harness), 1);
    harness.get_by_label("Don't save").click();
    harness.run();
    assert_eq!(save_prompts(&harness), 0);
    open_through_chooser(&mut harness, &other);
    assert_eq!(save_prompts(&harness), 0, "asked once per user action, not again after choosing the file");
    assert_eq!(harness.state().project_path(), Some(other.as_path()));
    assert_list_shows(&harness, &other_project);
}

#[test]
fn an_imported_text_asks_only_once_it_was_edited() {
    let dir = tempfile::tempdir().unwrap();
    let text = text_copy(dir.path());
    let mut harness = harness(app().with_file(&text));
    // Closing the window: nothing to lose, no question.
    harness.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
    harness.step();
    let commands = &harness.output().viewport_output[&egui::ViewportId::ROOT].commands;
    assert!(!commands.contains(&egui::ViewportCommand::CancelClose), "{commands:?}");

    let dir = tempfile::tempdir().unwrap();
    let text = text_copy(dir.path());
    let mut harness = harness_for_text(&text);
    // Tag a word: now there is work to lose.
    let document = harness.state().document().unwrap();
    let start = document.text[..document.text.find("Official").unwrap()].chars().count();
    harness.state_mut().view.as_mut().unwrap().selection =
        Some(spanwise::model::editing::Selection::new(start, start + 8));
    type_key(&mut harness, Key::Num1, "1");
    assert_eq!(harness.state().document().unwrap().annotations.len(), 1);
    harness.state_mut().command(Command::NewProject);
    harness.run();
    assert_eq!(save_prompts(&harness), 1);
    harness.get_by_label("Cancel").click();
    harness.run();
    // Undone back to the text as imported: nothing to lose again.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.state_mut().command(Command::NewProject);
    harness.run();
    assert_eq!(save_prompts(&harness), 0);
    assert!(harness.state().project().documents.is_empty(), "a new project");
}

fn harness_for_text(text: &Path) -> Harness<'static, SpanwiseApp> {
    harness(app().with_file(text))
}

#[test]
fn recent_files_and_drops_replace_the_list_too() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample_copy(dir.path());
    let (other, other_project) = other_project(dir.path());
    let sample_project = store::load(&sample).unwrap();
    let mut harness = harness(app().with_file(&sample));
    assert_list_shows(&harness, &sample_project);

    // File › recent file (the menu pushes OpenPath).
    harness.state_mut().command(Command::OpenPath(other.clone()));
    harness.run();
    assert_list_shows(&harness, &other_project);

    // A project dropped on the window, with unsaved work: one question, then the list.
    delete_one(&mut harness);
    harness.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(sample.clone())));
    harness.run();
    assert_eq!(save_prompts(&harness), 1);
    harness.get_by_label("Don't save").click();
    harness.run();
    assert_eq!(save_prompts(&harness), 0);
    assert_eq!(harness.state().project_path(), Some(sample.as_path()));
    assert_list_shows(&harness, &sample_project);
}

#[test]
fn reloading_a_changed_file_shows_the_new_list() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample_copy(dir.path());
    let mut harness = harness(app().with_file(&sample));
    let (_, other_project) = other_project(dir.path());
    std::thread::sleep(std::time::Duration::from_millis(20));
    store::save_file(&other_project, &sample).unwrap();
    harness.state_mut().check_file_now();
    harness.run();
    harness.get_by_label("Reload").click();
    harness.run();
    assert_list_shows(&harness, &store::load(&sample).unwrap());
}

/// The id of the first annotation with `text`.
fn annotation_id(project: &Project, text: &str) -> ItemId {
    project.documents[0].annotations.iter().find(|a| a.text() == text).unwrap().id
}

#[test]
fn merge_conflicts_resolved_half_mine_half_theirs_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let original = store::load(&path).unwrap();
    let first = annotation_id(&original, "Behnam Gholipour");
    let second = original.documents[0].annotations.iter().find(|a| a.label == "claim").unwrap().id;
    let mut harness = harness(app().with_file(&path));
    // Mine: both annotations become Quotes, through the window.
    for id in [first, second] {
        harness.state_mut().command(Command::SelectAnnotation(id));
        harness.run();
        type_key(&mut harness, Key::Num2, "2");
    }
    // Theirs: a new description, both annotations Recommendations, one new label colour.
    let mut theirs = original.clone();
    theirs.description = "Rewritten by the other coder — Grüße 🎉".into();
    for annotation in &mut theirs.documents[0].annotations {
        if annotation.id == first || annotation.id == second {
            annotation.label = "recommendation".into();
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(20));
    store::save_file(&theirs, &path).unwrap();
    harness.state_mut().check_file_now();
    harness.run();
    harness.get_by_label("Merge").click();
    harness.run();

    let conflicts: Vec<spanwise::store::merge::Conflict> = match &harness.state().dialog {
        Some(Dialog::MergeConflicts(dialog)) => dialog.conflicts().to_vec(),
        other => panic!("expected the merge dialog, got {other:?}"),
    };
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    assert!(harness.query_by_label("2 conflicts: 2 yours, 0 theirs").is_some());
    // Both values are readable side by side: label and text of each side.
    assert!(conflicts.iter().all(|c| c.mine.starts_with("Quote ") && c.theirs.starts_with("Recommendation ")));
    harness.get_by_label(&format!("Yours: {}", conflicts[0].mine));
    harness.get_by_label(&format!("Theirs: {}", conflicts[0].theirs));
    let index_of = |id: ItemId| {
        conflicts
            .iter()
            .position(|c| matches!(&c.item, spanwise::store::merge::Item::Annotation { id: i, .. } if *i == id))
            .unwrap()
    };
    // Keyboard: "All theirs", then back to mine for the first conflict's row.
    harness.get_by_label("All theirs").click();
    harness.run();
    assert!(harness.query_by_label("2 conflicts: 0 yours, 2 theirs").is_some());
    for _ in 0..index_of(first) {
        harness.key_press(Key::ArrowDown);
        harness.run();
    }
    harness.key_press(Key::M);
    harness.run();
    assert!(harness.query_by_label("2 conflicts: 1 yours, 1 theirs").is_some());
    match &harness.state().dialog {
        Some(Dialog::MergeConflicts(dialog)) => {
            assert_eq!(dialog.choices()[index_of(first)], Side::Mine);
            assert_eq!(dialog.choices()[index_of(second)], Side::Theirs);
        }
        other => panic!("expected the merge dialog, got {other:?}"),
    }
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label("Merged with the version on disk");
    harness.get_by_label("OK").click();
    harness.run();

    // The list shows the merged project at once.
    let merged = harness.state().project().clone();
    assert_list_shows(&harness, &merged);
    let label_of = |project: &Project, id| project.documents[0].annotation(id).unwrap().label.clone();
    assert_eq!(label_of(&merged, first), "quote");
    assert_eq!(label_of(&merged, second), "recommendation");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    let saved = store::load(&path).unwrap();
    assert_eq!(saved.description, theirs.description, "their description, taken without a conflict");
    assert_eq!(label_of(&saved, first), "quote", "mine chosen");
    assert_eq!(label_of(&saved, second), "recommendation", "theirs chosen");

    // The merge is one undo step.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(label_of(harness.state().project(), second), "quote");
    assert_eq!(harness.state().project().description, original.description);
    assert_list_shows(&harness, &harness.state().project().clone());
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn recovering_unsaved_work_shows_the_recovered_list() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample_copy(dir.path());
    let mut before = harness(app().with_file(&sample));
    delete_one(&mut before);
    let expected = before.state().project().clone();
    // The window goes away without saving: the journal keeps the deletion.
    drop(before);

    let mut harness = harness(app().with_file(&sample));
    // Before the answer the list shows the file as saved (one more annotation)...
    assert_list_shows(&harness, &store::load(&sample).unwrap());
    harness.get_by_label("Recover unsaved work?");
    harness.get_by_label("Recover").click();
    harness.run();
    // ...and after it, the recovered project, not a cached list of the one before.
    assert_eq!(*harness.state().project(), expected);
    assert_list_shows(&harness, &expected);
}
