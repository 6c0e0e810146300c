//! The coding panel headless (egui_kittest): the codebook editor (rename, hotkey conflict,
//! delete a label in use, the lock), attributes and document variables with the keyboard, and a
//! memo on an annotation that is then deleted. Each case is saved and loaded again.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;

use common::ui::{sample_copy, test_settings};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::model::{MemoTarget, Value};
use spanwise::store;
use spanwise::ui::{AppConfig, Command, SpanwiseApp};

fn app_for(path: &Path) -> SpanwiseApp {
    SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(path)
}

/// The sample open, with the coding panel shown (Ctrl+B).
fn open(path: &Path) -> Harness<'static, SpanwiseApp> {
    let mut harness = common::ui::harness_sized(app_for(path), 1400.0, 1300.0);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    assert!(harness.state().coding.panel_open);
    harness
}

/// Types `text` into the field named `field`, replacing what it held, and presses Enter.
fn type_into(harness: &mut Harness<'_, SpanwiseApp>, field: &str, text: &str) {
    harness.get_by_role_and_label(Role::TextInput, field).focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, field).type_text(text);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

fn start_editing(harness: &mut Harness<'_, SpanwiseApp>, label: &str) {
    if !harness.state().coding.editing {
        harness.get_by_label("Edit codebook").click();
        harness.run();
    }
    harness.get_by_label(label).click();
    harness.run();
}

fn save_and_load(harness: &mut Harness<'_, SpanwiseApp>, path: &Path) -> spanwise::model::Project {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(!harness.state().is_dirty(), "saved");
    let loaded = store::load(path).unwrap();
    assert_eq!(&loaded, harness.state().project(), "the file has what the window shows");
    loaded
}

#[test]
fn renaming_a_label_in_the_editor_keeps_its_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open(&path);
    let claims = store::load(&path).unwrap().documents[0].annotations.iter().filter(|a| a.label == "claim").count();
    start_editing(&mut harness, "Claim  [1]");
    type_into(&mut harness, "Label name", "Behauptung ü 🎉");
    assert_eq!(harness.state().project().codebook.label("claim").unwrap().name, "Behauptung ü 🎉");
    harness.get_by_label("1  Behauptung ü 🎉");
    let loaded = save_and_load(&mut harness, &path);
    assert_eq!(loaded.documents[0].annotations.iter().filter(|a| a.label == "claim").count(), claims);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().project().codebook.label("claim").unwrap().name, "Claim");
}

#[test]
fn a_hotkey_taken_by_another_label_or_a_command_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open(&path);
    start_editing(&mut harness, "Actor  [3]");
    type_into(&mut harness, "Label key", "1");
    assert_eq!(harness.state().coding.error.as_deref(), Some("key '1' is already the key of the label Claim"));
    assert_eq!(harness.state().project().codebook.label("actor").unwrap().hotkey, Some('3'));
    harness.get_by_label("key '1' is already the key of the label Claim");
    type_into(&mut harness, "Label key", "7");
    assert_eq!(harness.state().project().codebook.label("actor").unwrap().hotkey, Some('7'));
    assert_eq!(harness.state().coding.error, None);
    assert_eq!(save_and_load(&mut harness, &path).codebook.label("actor").unwrap().hotkey, Some('7'));
}

#[test]
fn deleting_a_label_in_use_asks_relabels_and_undoes_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open(&path);
    let before = harness.state().project().clone();
    let quotes = before.documents[0].annotations.iter().filter(|a| a.label == "quote").count();
    assert!(quotes > 0);
    start_editing(&mut harness, "Quote  [2]");
    harness.get_by_label("Delete label").click();
    harness.run();
    assert!(harness.state().project().codebook.label("quote").is_some(), "nothing happens before the answer");
    let noun = if quotes == 1 { "annotation has" } else { "annotations have" };
    harness.get_by_label(&format!("{quotes} {noun} the label Quote. What should happen to them?"));
    harness.get_by_label("Relabel and delete the label").click();
    harness.run();
    let project = harness.state().project();
    assert!(project.codebook.label("quote").is_none());
    assert_eq!(project.annotation_count(), before.annotation_count(), "relabelled, not dropped");
    let loaded = save_and_load(&mut harness, &path);
    assert!(loaded.documents[0].annotations.iter().all(|a| a.label != "quote"));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().project(), &before, "one undo step brings the label and its annotations back");
}

#[test]
fn a_locked_codebook_cannot_be_edited_but_tagging_works_and_the_lock_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open(&path);
    harness.get_by_label("Codebook locked").click();
    harness.run();
    assert!(harness.state().project().codebook.locked);
    harness.get_by_label("Edit codebook").click();
    harness.run();
    assert!(!harness.state().coding.editing, "the editor stays off while locked");
    // Tagging still works: select a word and press a label key.
    let offset = common::ui::offset_of(&harness, "examines");
    common::ui::drag_select(&mut harness, offset, offset + "examines".len());
    common::ui::type_key(&mut harness, Key::Num3, "3");
    assert!(harness.state().document().unwrap().annotations.iter().any(|a| a.text() == "examines"));
    assert!(save_and_load(&mut harness, &path).codebook.locked);
}

#[test]
fn attributes_of_every_kind_are_set_with_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open(&path);
    // Add a multi-choice, a number and a date attribute for claims.
    let mut codebook = harness.state().project().codebook.clone();
    for (id, kind) in [
        ("topics", spanwise::model::ValueKind::MultiChoice(vec!["security".into(), "économie".into(), "社会".into()])),
        ("certainty", spanwise::model::ValueKind::Number),
        ("said_on", spanwise::model::ValueKind::Date),
    ] {
        codebook.attributes.push(spanwise::model::AttributeDef {
            id: id.into(),
            name: id.into(),
            kind,
            labels: vec!["claim".into()],
            definition: String::new(),
        });
    }
    harness.state_mut().command(Command::Coding(spanwise::ui::coding::CodingCommand::SetCodebook(Box::new(codebook))));
    harness.run();
    let claim = harness.state().document().unwrap().annotations.iter().find(|a| a.label == "claim").unwrap().id;
    harness.state_mut().command(Command::RevealAnnotation(claim));
    harness.run();
    // Choice: focus the option, press Space.
    let press = |harness: &mut Harness<'_, SpanwiseApp>, name: &str, key: Key| {
        // The checkbox, not the row's name beside it.
        match harness.query_by_role_and_label(Role::CheckBox, name) {
            Some(node) => node.focus(),
            None => harness.get_by_label(name).focus(),
        }
        harness.run();
        harness.key_press(key);
        harness.run();
    };
    press(&mut harness, "Stance: opposes", Key::Space);
    press(&mut harness, "Check-worthy", Key::Space);
    press(&mut harness, "topics: 社会", Key::Space);
    press(&mut harness, "topics: security", Key::Enter);
    type_into(&mut harness, "certainty", "0,75");
    type_into(&mut harness, "said_on", "2024-02-30");
    assert!(harness.state().coding.error.as_deref().is_some_and(|e| e.contains("not a date")));
    type_into(&mut harness, "said_on", "2024-02-29");
    let attributes = harness.state().document().unwrap().annotation(claim).unwrap().attributes.clone();
    assert_eq!(attributes["stance"], Value::Choice("opposes".into()));
    assert_eq!(attributes["check_worthy"], Value::Bool(true));
    assert_eq!(attributes["topics"], Value::Choices(vec!["security".into(), "社会".into()]));
    assert_eq!(attributes["certainty"], Value::Number(0.75));
    assert_eq!(attributes["said_on"], Value::Date(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()));
    let loaded = save_and_load(&mut harness, &path);
    assert_eq!(loaded.documents[0].annotation(claim).unwrap().attributes, attributes);
}

#[test]
fn document_variables_are_set_in_the_panel() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open(&path);
    type_into(&mut harness, "Outlet", "IranWire — ایران‌وایر");
    type_into(&mut harness, "Publication date", "29.02.2024");
    assert!(harness.state().coding.error.as_deref().is_some_and(|e| e.contains("YYYY-MM-DD")), "a real date");
    type_into(&mut harness, "Publication date", "2024-02-29");
    harness.get_by_label("Genre: opinion").click();
    harness.run();
    let variables = harness.state().document().unwrap().variables.clone();
    assert_eq!(variables["outlet"], Value::Text("IranWire — ایران‌وایر".into()));
    assert_eq!(variables["publication_date"], Value::Date(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()));
    assert_eq!(variables["genre"], Value::Choice("opinion".into()));
    assert_eq!(save_and_load(&mut harness, &path).documents[0].variables, variables);
}

#[test]
fn a_memo_on_an_annotation_goes_with_it_and_the_project_saves() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open(&path);
    let quote = harness.state().document().unwrap().annotations.iter().find(|a| a.label == "quote").unwrap().clone();
    harness.state_mut().command(Command::RevealAnnotation(quote.id));
    harness.run();
    harness.get_by_label("Memo on the selected annotation").focus();
    harness.run();
    harness.get_by_label("Memo on the selected annotation").type_text("Wer spricht? 👨‍👩‍👧 — شبکه‌ها 社交");
    harness.run();
    // Saving while typing keeps the memo.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    let loaded = store::load(&path).unwrap();
    assert_eq!(loaded.memos.len(), 1);
    assert_eq!(loaded.memos[0].target, MemoTarget::Annotation(quote.id));
    assert_eq!(loaded.memos[0].text, "Wer spricht? 👨‍👩‍👧 — شبکه‌ها 社交");
    // Marked in the list.
    let excerpt = spanwise::ui::doc_view::excerpt(&quote.text(), 60);
    assert!(!harness.query_all_by_label(&format!("✎ Quote: {excerpt}")).collect::<Vec<_>>().is_empty());
    // Searchable.
    type_into(&mut harness, "Search memos", "spricht");
    harness.get_by_label("1 memos found");
    // Delete the annotation from the keyboard: the memo goes with it, the project saves.
    harness.state_mut().command(Command::RevealAnnotation(quote.id));
    harness.run();
    harness.state_mut().command(Command::DeleteAnnotation);
    harness.run();
    assert!(harness.state().project().memos.is_empty());
    let loaded = save_and_load(&mut harness, &path);
    assert!(loaded.memos.is_empty());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().project().memos.len(), 1, "undo brings annotation and memo back");
}

#[test]
fn codebook_variable_and_memo_edits_are_journalled_and_recovered_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let original = std::fs::read(&path).unwrap();
    let mut harness = open(&path);
    start_editing(&mut harness, "Claim  [1]");
    type_into(&mut harness, "Label name", "Behauptung");
    type_into(&mut harness, "Publication date", "2020-12-18");
    let quote = harness.state().document().unwrap().annotations.iter().find(|a| a.label == "quote").unwrap().id;
    harness.state_mut().command(Command::RevealAnnotation(quote));
    harness.run();
    type_into(&mut harness, "Search memos", "");
    harness.get_by_label("Memo on the selected annotation").focus();
    harness.run();
    harness.get_by_label("Memo on the selected annotation").type_text("Grüße 🎉");
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    start_editing(&mut harness, "Recommendation  [4]");
    harness.get_by_label("Delete label").click();
    harness.run();
    harness.get_by_label("Relabel and delete the label").click();
    harness.run();
    let expected = harness.state().project().clone();
    assert_eq!(expected.memos.len(), 1);
    assert!(expected.codebook.label("recommendation").is_none());
    drop(harness);

    assert_eq!(std::fs::read(&path).unwrap(), original, "the saved file was not touched");
    let mut harness = common::ui::harness_sized(app_for(&path), 1400.0, 1300.0);
    harness.get_by_label("Recover unsaved work?");
    harness.get_by_label("Recover").click();
    harness.run();
    assert_eq!(*harness.state().project(), expected, "exactly what was there");
    // Undo works through the recovered steps: the deletion comes back in one.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().project().codebook.label("recommendation").is_some());
}
