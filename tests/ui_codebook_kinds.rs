//! Correcting codebook entries after creation, headless (egui_kittest), as a user would: an
//! attribute's kind changed with its kind selector (choice → multi-choice keeps every value, one
//! undo restores them), a change that would remove values asks with the count and examples, a
//! document variable's kind changed, and a relation type's Directed checkbox. Each is checked
//! in the saved file.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;

use common::ui::{sample_copy, test_settings};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::edit::{Edit, apply};
use spanwise::model::{ItemId, Project, Value, ValueKind};
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

/// The sample project with Stance set on its first two claims and Addressee on its
/// recommendations (one a number, one not), and Outlet set on the document.
fn sample_with_values(dir: &Path) -> (std::path::PathBuf, Vec<ItemId>, Vec<ItemId>) {
    let path = sample_copy(dir);
    let mut project = store::load(&path).unwrap();
    let ids = |label: &str| -> Vec<ItemId> {
        project.documents[0].annotations.iter().filter(|a| a.label == label).map(|a| a.id).take(2).collect()
    };
    let (claims, recommendations) = (ids("claim"), ids("recommendation"));
    assert_eq!((claims.len(), recommendations.len()), (2, 2), "the sample has them");
    let values = [
        (claims[0], "stance", Value::Choice("supports".into())),
        (claims[1], "stance", Value::Choice("opposes".into())),
        (recommendations[0], "addressee", Value::Text(" 30 ".into())),
        (recommendations[1], "addressee", Value::Text("شبکه\u{200c}ها 🎉 社交".into())),
    ];
    for (id, attribute, value) in values {
        let mut annotation = project.documents[0].annotation(id).unwrap().clone();
        annotation.attributes.insert(attribute.into(), value);
        let document = project.documents[0].id.clone();
        apply(&mut project, Edit::UpdateAnnotation { document, annotation }).unwrap();
    }
    let document = project.documents[0].id.clone();
    let outlet = Some(Value::Text("Grüße 🎉 👨\u{200d}👩\u{200d}👧".into()));
    apply(&mut project, Edit::SetDocumentVariable { document, field: "outlet".into(), value: outlet }).unwrap();
    store::save(&project, &path).unwrap();
    (path, claims, recommendations)
}

fn open_editor(path: &Path) -> Harness<'static, SpanwiseApp> {
    let app = SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(path);
    let mut harness = common::ui::harness_sized(app, 1400.0, 2400.0);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    harness.get_by_label("Edit codebook").click();
    harness.run();
    harness
}

fn click(harness: &mut Harness<'_, SpanwiseApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

fn radio(harness: &mut Harness<'_, SpanwiseApp>, label: &str) {
    harness.get_by_role_and_label(Role::RadioButton, label).click();
    harness.run();
}

fn undo(harness: &mut Harness<'_, SpanwiseApp>) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
}

fn value(project: &Project, id: ItemId, attribute: &str) -> Option<Value> {
    project.documents[0].annotation(id).unwrap().attributes.get(attribute).cloned()
}

fn save_and_load(harness: &mut Harness<'_, SpanwiseApp>, path: &Path) -> Project {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(!harness.state().is_dirty(), "saved: {:?}", harness.state().status);
    let loaded = store::load(path).unwrap();
    assert_eq!(&loaded, harness.state().project(), "the file has what the window shows");
    loaded
}

#[test]
fn choice_to_multi_choice_keeps_the_values_and_one_undo_restores_them() {
    let dir = tempfile::tempdir().unwrap();
    let (path, claims, _) = sample_with_values(dir.path());
    let mut harness = open_editor(&path);
    let before = harness.state().project().clone();
    click(&mut harness, "Attributes");
    click(&mut harness, "Attribute Stance");
    harness.get_by_role_and_label(Role::RadioButton, "Kind of Stance: choice");
    radio(&mut harness, "Kind of Stance: multi-choice");
    let project = harness.state().project().clone();
    let options = vec!["supports".to_owned(), "opposes".into(), "neutral".into()];
    assert_eq!(project.codebook.attribute("stance").unwrap().kind, ValueKind::MultiChoice(options.clone()));
    assert_eq!(value(&project, claims[0], "stance"), Some(Value::Choices(vec!["supports".into()])));
    assert_eq!(value(&project, claims[1], "stance"), Some(Value::Choices(vec!["opposes".into()])));
    assert!(harness.state().coding.entries.prompt.is_none(), "nothing asked: every value fits");
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(value(&saved, claims[1], "stance"), Some(Value::Choices(vec!["opposes".into()])));

    // One undo: the kind and every value as they were.
    undo(&mut harness);
    assert_eq!(harness.state().project().codebook, before.codebook);
    assert_eq!(harness.state().project().documents, before.documents);
    // And back to a choice from a multi-choice of sets of one: nothing asked either.
    radio(&mut harness, "Kind of Stance: multi-choice");
    radio(&mut harness, "Kind of Stance: choice");
    assert_eq!(harness.state().project().codebook.attribute("stance").unwrap().kind, ValueKind::Choice(options));
    assert_eq!(value(harness.state().project(), claims[0], "stance"), Some(Value::Choice("supports".into())));
}

#[test]
fn a_kind_change_that_would_remove_values_asks_with_the_count_and_examples() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, recommendations) = sample_with_values(dir.path());
    let mut harness = open_editor(&path);
    let before = harness.state().project().clone();
    click(&mut harness, "Attributes");
    click(&mut harness, "Attribute Addressee");
    radio(&mut harness, "Kind of Addressee: number");
    let question = "1 annotation has a value of Addressee that is not a number, e.g. 'شبکه\u{200c}ها 🎉 社交'. \
                    Remove that value and make Addressee a number?";
    harness.get_by_label(question);
    assert_eq!(harness.state().project(), &before, "nothing happens before the answer");
    click(&mut harness, "Cancel");
    assert!(harness.query_by_label(question).is_none());
    assert_eq!(harness.state().project(), &before);

    radio(&mut harness, "Kind of Addressee: number");
    click(&mut harness, "Remove those values");
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(saved.codebook.attribute("addressee").unwrap().kind, ValueKind::Number);
    assert_eq!(value(&saved, recommendations[0], "addressee"), Some(Value::Number(30.0)));
    assert_eq!(value(&saved, recommendations[1], "addressee"), None);
    undo(&mut harness);
    assert_eq!(harness.state().project().documents, before.documents, "one undo brings the text back");

    // Free text -> choice: the distinct texts become the choices.
    radio(&mut harness, "Kind of Addressee: choice");
    assert_eq!(
        harness.state().project().codebook.attribute("addressee").unwrap().kind,
        ValueKind::Choice(vec!["30".into(), "شبکه\u{200c}ها 🎉 社交".into()])
    );
    assert_eq!(value(harness.state().project(), recommendations[0], "addressee"), Some(Value::Choice("30".into())));
}

#[test]
fn a_variable_kind_and_a_relation_type_direction_are_changed_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = sample_with_values(dir.path());
    let mut harness = open_editor(&path);
    click(&mut harness, "Document variable definitions");
    click(&mut harness, "Variable Outlet");
    // A date: the text is not one, so it asks; yes/no neither; multi-choice takes it as a set.
    radio(&mut harness, "Kind of Outlet: date");
    harness.get_by_label(
        "1 document has a value of Outlet that is not a date like 2024-05-01, e.g. 'Grüße 🎉 👨\u{200d}👩\u{200d}👧'. \
         Remove that value and make Outlet a date?",
    );
    click(&mut harness, "Cancel");
    radio(&mut harness, "Kind of Outlet: multi-choice");
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(saved.codebook.document_field("outlet").unwrap().kind.options(), ["Grüße 🎉 👨\u{200d}👩\u{200d}👧"]);
    assert_eq!(
        saved.documents[0].variables.get("outlet"),
        Some(&Value::Choices(vec!["Grüße 🎉 👨\u{200d}👩\u{200d}👧".into()]))
    );

    // Publication date, without values, to a choice: its choices are typed first.
    click(&mut harness, "Variable Publication date");
    radio(&mut harness, "Kind of Publication date: choice");
    assert_eq!(harness.state().project().codebook.document_field("publication_date").unwrap().kind, ValueKind::Date);
    let field = "Choices of Publication date as a choice";
    harness.get_by_role_and_label(Role::TextInput, field).focus();
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, field).type_text("früh, 🎉 spät");
    harness.run();
    click(&mut harness, "Make it a choice");
    assert_eq!(
        harness.state().project().codebook.document_field("publication_date").unwrap().kind,
        ValueKind::Choice(vec!["früh".into(), "🎉 spät".into()])
    );

    // A relation type made undirected, and directed again by undo.
    click(&mut harness, "Relation types");
    click(&mut harness, "Relation type Supports");
    assert!(harness.state().project().codebook.relation_type("supports").unwrap().directed);
    harness.get_by_role_and_label(Role::CheckBox, "Directed: Supports").click();
    harness.run();
    let saved = save_and_load(&mut harness, &path);
    assert!(!saved.codebook.relation_type("supports").unwrap().directed);
    undo(&mut harness);
    assert!(harness.state().project().codebook.relation_type("supports").unwrap().directed, "one undo step");
}

/// Import codebook… with a file where Stance is a number: the window says it updated Stance and
/// names the values it no longer admits, with an example, in the same words as
/// `spanwise codebook import`; the values are kept, and one undo restores the old kind.
#[test]
fn the_window_names_the_values_an_imported_codebook_no_longer_admits_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let (path, claims, _) = sample_with_values(dir.path());
    let mut harness = open_editor(&path);
    let before = harness.state().project().clone();
    let mut incoming = before.codebook.clone();
    incoming.attributes.iter_mut().find(|a| a.id == "stance").unwrap().kind = ValueKind::Number;
    let file = dir.path().join("Zahlen ü 🎉.codebook.ron");
    std::fs::write(&file, spanwise::formats::codebook::to_ron(&incoming)).unwrap();
    harness.state_mut().command(spanwise::ui::Command::ImportCodebookFrom(file.clone()));
    harness.run();
    let report = harness.state().coding.entries.report.clone().unwrap_or_default();
    assert_eq!(
        report,
        "Imported Zahlen ü 🎉.codebook.ron: attribute Stance updated\n\
         2 annotations have values of Stance that it no longer admits, e.g. 'supports', 'opposes' (kept)"
    );
    harness.get_by_label(&report);
    let project = harness.state().project();
    assert_eq!(project.codebook.attribute("stance").unwrap().kind, ValueKind::Number);
    assert_eq!(value(project, claims[0], "stance"), Some(Value::Choice("supports".into())), "kept");
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(value(&saved, claims[1], "stance"), Some(Value::Choice("opposes".into())), "kept in the file");
    undo(&mut harness);
    assert_eq!(harness.state().project().codebook, before.codebook);
}

/// A kind change (values converted and one removed after the question) is journalled: after a
/// crash, Recover brings it back exactly, and one undo then restores the old kind and values.
#[test]
fn a_kind_change_is_journalled_and_recovered_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, recommendations) = sample_with_values(dir.path());
    let original = store::load(&path).unwrap();
    let mut harness = open_editor(&path);
    click(&mut harness, "Attributes");
    click(&mut harness, "Attribute Addressee");
    radio(&mut harness, "Kind of Addressee: number");
    click(&mut harness, "Remove those values");
    let expected = harness.state().project().clone();
    assert_eq!(value(&expected, recommendations[0], "addressee"), Some(Value::Number(30.0)));
    drop(harness);

    let app = SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(&path);
    let mut harness = common::ui::harness_sized(app, 1400.0, 1300.0);
    harness.get_by_label("Recover unsaved work?");
    harness.get_by_label("Recover").click();
    harness.run();
    assert_eq!(*harness.state().project(), expected, "exactly what was there");
    undo(&mut harness);
    assert_eq!(harness.state().project().codebook, original.codebook);
    assert_eq!(harness.state().project().documents, original.documents, "both values back as texts");
}

/// Free text to choice with many different texts: the editor says how many choices that makes
/// before making them; Cancel leaves everything, going ahead is one undo step.
#[test]
fn many_different_texts_made_into_choices_are_asked_about_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut project = store::load(&path).unwrap();
    let mut codebook = project.codebook.clone();
    codebook.attributes.iter_mut().find(|a| a.id == "addressee").unwrap().labels.clear();
    apply(&mut project, Edit::SetCodebook(Box::new(codebook))).unwrap();
    let actors: Vec<ItemId> =
        project.documents[0].annotations.iter().filter(|a| a.label == "actor").map(|a| a.id).take(25).collect();
    for (i, id) in actors.iter().enumerate() {
        let mut annotation = project.documents[0].annotation(*id).unwrap().clone();
        annotation.attributes.insert("addressee".into(), Value::Text(format!("Akteur {i} 🎉 شبکه\u{200c}ها")));
        let document = project.documents[0].id.clone();
        apply(&mut project, Edit::UpdateAnnotation { document, annotation }).unwrap();
    }
    store::save(&project, &path).unwrap();
    let mut harness = open_editor(&path);
    let before = harness.state().project().clone();
    click(&mut harness, "Attributes");
    click(&mut harness, "Attribute Addressee");
    radio(&mut harness, "Kind of Addressee: choice");
    let question = "Addressee has 25 different values: make them its 25 choices?";
    harness.get_by_label(question);
    assert_eq!(harness.state().project(), &before, "nothing happens before the answer");
    click(&mut harness, "Cancel");
    assert_eq!(harness.state().project(), &before);
    radio(&mut harness, "Kind of Addressee: choice");
    click(&mut harness, "Make them choices");
    let kind = harness.state().project().codebook.attribute("addressee").unwrap().kind.clone();
    assert_eq!(kind.options().len(), 25);
    assert_eq!(kind.options()[24], "Akteur 24 🎉 شبکه\u{200c}ها");
    assert_eq!(
        value(harness.state().project(), actors[3], "addressee"),
        Some(Value::Choice("Akteur 3 🎉 شبکه\u{200c}ها".into()))
    );
    undo(&mut harness);
    assert_eq!(harness.state().project(), &before);
}
