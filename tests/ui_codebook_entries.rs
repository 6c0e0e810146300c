//! The codebook editor's relation types, attributes and document variables, and the codebook's
//! own files, driven headless (egui_kittest) as a user would: a relation type restricted to
//! Quote → Actor is then the only one offered when relating a quote to an actor; a choice
//! attribute added in the editor is set in the inspector, its choices renamed and removed; a
//! date variable added and filled in; deletions in use ask first and undo in one step; a locked
//! codebook refuses; Export codebook… then Import codebook… through Spanwise's chooser in both
//! formats. Everything is checked in the saved file.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;

use common::ui::{sample_copy, test_settings, type_key};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::model::{Project, Value, ValueKind};
use spanwise::store;
use spanwise::ui::{AppConfig, Command, SpanwiseApp};

fn app_for(path: &Path) -> SpanwiseApp {
    SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(path)
}

/// The project open with the coding panel shown and the codebook editor on. Tall, so the
/// whole panel is on screen.
fn open_editor(path: &Path) -> Harness<'static, SpanwiseApp> {
    let mut harness = common::ui::harness_sized(app_for(path), 1400.0, 2400.0);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    harness.get_by_label("Edit codebook").click();
    harness.run();
    assert!(harness.state().coding.editing);
    harness
}

fn click(harness: &mut Harness<'_, SpanwiseApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

fn check(harness: &mut Harness<'_, SpanwiseApp>, label: &str) {
    harness.get_by_role_and_label(Role::CheckBox, label).click();
    harness.run();
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

fn undo(harness: &mut Harness<'_, SpanwiseApp>) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
}

fn save_and_load(harness: &mut Harness<'_, SpanwiseApp>, path: &Path) -> Project {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(!harness.state().is_dirty(), "saved: {:?}", harness.state().status);
    let loaded = store::load(path).unwrap();
    assert_eq!(&loaded, harness.state().project(), "the file has what the window shows");
    loaded
}

fn relations_of(project: &Project, kind: &str) -> usize {
    project.documents.iter().map(|d| d.relations.iter().filter(|r| r.kind == kind).count()).sum()
}

#[test]
fn a_relation_type_restricted_to_quote_and_actor_is_the_only_one_offered_between_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open_editor(&path);
    click(&mut harness, "Relation types");
    let before = harness.state().project().clone();
    let about = relations_of(&before, "about");
    let attributed = relations_of(&before, "attributed_to");
    assert!(about > 0 && attributed > 0);

    // Deleting a type in use asks; Cancel keeps everything.
    click(&mut harness, "Relation type About");
    click(&mut harness, "Delete relation type About");
    let question = format!("{about} relations are of the type About. Delete the type and them?");
    harness.get_by_label(&question);
    assert_eq!(harness.state().project(), &before, "nothing happens before the answer");
    click(&mut harness, "Cancel");
    assert!(harness.query_by_label(&question).is_none());
    assert_eq!(harness.state().project(), &before);
    click(&mut harness, "Delete relation type About");
    click(&mut harness, "Delete the type and its relations");
    assert!(harness.state().project().codebook.relation_type("about").is_none());
    assert_eq!(relations_of(harness.state().project(), "about"), 0);
    // "Attributed to" too: one undo brings the type and its relations back, redo takes them again.
    click(&mut harness, "Relation type Attributed to");
    click(&mut harness, "Delete relation type Attributed to");
    click(&mut harness, "Delete the type and its relations");
    assert_eq!(relations_of(harness.state().project(), "attributed_to"), 0);
    undo(&mut harness);
    assert_eq!(relations_of(harness.state().project(), "attributed_to"), attributed, "one undo step");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(relations_of(harness.state().project(), "attributed_to"), 0);

    // A new type, narrowed to Quote → Actor with the checkboxes.
    type_into(&mut harness, "New relation type name", "Speaks for ü");
    assert!(harness.state().project().codebook.relation_type("speaks_for").is_some());
    check(&mut harness, "From: Quote");
    check(&mut harness, "To: Actor");
    let made = harness.state().project().codebook.relation_type("speaks_for").unwrap().clone();
    assert_eq!(
        (made.from_labels.as_slice(), made.to_labels.as_slice()),
        (&["quote".into()][..], &["actor".into()][..])
    );
    // Its definition, saved when the field loses the keyboard.
    harness.get_by_role_and_label(Role::MultilineTextInput, "Relation type definition").focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Relation type definition")
        .type_text("Der Sprecher 🎉 spricht für");
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, "New relation type name").focus();
    harness.run();
    assert_eq!(
        harness.state().project().codebook.relation_type("speaks_for").unwrap().definition,
        "Der Sprecher 🎉 spricht für"
    );
    // A name another type has is refused with a message.
    type_into(&mut harness, "Relation type name", "supports");
    assert_eq!(harness.state().coding.error.as_deref(), Some("there is already a relation type named \"supports\""));
    harness.get_by_label("there is already a relation type named \"supports\"");
    assert_eq!(harness.state().project().codebook.relation_type("speaks_for").unwrap().name, "Speaks for ü");

    // Relating a quote to an actor with the keyboard: the only allowed type, no question.
    let document = harness.state().document().unwrap();
    let quote = document.annotations.iter().find(|a| a.label == "quote").unwrap().id;
    let actor = document.annotations.iter().find(|a| a.label == "actor").unwrap().id;
    harness.state_mut().command(Command::RevealAnnotation(quote));
    harness.run();
    type_key(&mut harness, Key::R, "r");
    assert!(harness.state().view.as_ref().unwrap().relating.is_some(), "R starts a relation");
    harness.state_mut().command(Command::RelateTo(actor));
    harness.run();
    assert!(harness.state().dialog.is_none(), "one type allowed: no chooser");
    let saved = save_and_load(&mut harness, &path);
    let relation = saved.documents[0].relations.iter().find(|r| r.from == quote && r.to == actor).unwrap();
    assert_eq!(relation.kind, "speaks_for");
    assert_eq!(saved.codebook.relation_type("speaks_for").unwrap().to_labels, ["actor"]);
    // A claim and an actor: nothing allowed any more.
    let offered = spanwise::model::relating::allowed_relation_types(&saved.codebook, "claim", "actor");
    assert!(offered.is_empty(), "{offered:?}");
}

#[test]
fn a_choice_attribute_added_in_the_editor_is_set_in_the_inspector_and_its_choices_edited() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open_editor(&path);
    click(&mut harness, "Attributes");
    type_into(&mut harness, "New attribute name", "Ton ü");
    harness.get_by_role_and_label(Role::RadioButton, "New attribute kind: choice").click();
    harness.run();
    type_into(&mut harness, "New attribute choices", "warm, kalt 🎉, شبکه‌ها");
    check(&mut harness, "New attribute applies to: Quote");
    click(&mut harness, "Add attribute");
    let attribute = harness.state().project().codebook.attribute("ton").expect("added").clone();
    assert_eq!(attribute.kind, ValueKind::Choice(vec!["warm".into(), "kalt 🎉".into(), "شبکه‌ها".into()]));
    assert_eq!(attribute.labels, ["quote"]);
    // A second one with the same name is refused.
    type_into(&mut harness, "New attribute name", "ton Ü");
    harness.get_by_role_and_label(Role::RadioButton, "New attribute kind: yes/no").click();
    harness.run();
    click(&mut harness, "Add attribute");
    assert_eq!(harness.state().coding.error.as_deref(), Some("there is already an attribute named \"ton Ü\""));
    assert_eq!(harness.state().project().codebook.attributes.len(), 5, "not added");

    // Set it in the inspector on a quote.
    let quote = harness.state().document().unwrap().annotations.iter().find(|a| a.label == "quote").unwrap().id;
    harness.state_mut().command(Command::RevealAnnotation(quote));
    harness.run();
    click(&mut harness, "Ton ü: kalt 🎉");
    let value = |harness: &Harness<'_, SpanwiseApp>| {
        harness.state().document().unwrap().annotation(quote).unwrap().attributes.get("ton").cloned()
    };
    assert_eq!(value(&harness), Some(Value::Choice("kalt 🎉".into())));
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(saved.documents[0].annotation(quote).unwrap().attributes["ton"], Value::Choice("kalt 🎉".into()));

    // Rename the choice: the value follows.
    type_into(&mut harness, "Choice kalt 🎉 of Ton ü", "cold");
    assert_eq!(value(&harness), Some(Value::Choice("cold".into())));
    // Remove it: asks, Cancel keeps it; confirmed, the value goes; undo brings both back.
    click(&mut harness, "Remove choice cold of Ton ü");
    harness.get_by_label("1 annotation has Ton ü: cold. Remove the choice and these values?");
    click(&mut harness, "Cancel");
    assert_eq!(value(&harness), Some(Value::Choice("cold".into())));
    click(&mut harness, "Remove choice cold of Ton ü");
    click(&mut harness, "Remove the choice and its values");
    assert_eq!(value(&harness), None);
    assert_eq!(harness.state().project().codebook.attribute("ton").unwrap().kind.options(), ["warm", "شبکه‌ها"]);
    undo(&mut harness);
    assert_eq!(value(&harness), Some(Value::Choice("cold".into())));
    // A choice added.
    type_into(&mut harness, "New choice of Ton ü", "neutral");
    assert_eq!(
        harness.state().project().codebook.attribute("ton").unwrap().kind.options(),
        ["warm", "cold", "شبکه‌ها", "neutral"]
    );
    // Applies to Claim instead of Quote: the quote's value would go, so it asks first.
    check(&mut harness, "Applies to: Claim");
    check(&mut harness, "Applies to: Quote");
    harness.get_by_label(
        "1 annotation has a value of Ton ü and a label it would no longer apply to. Remove those values?",
    );
    click(&mut harness, "Remove the values");
    assert_eq!(harness.state().project().codebook.attribute("ton").unwrap().labels, ["claim"]);
    assert_eq!(value(&harness), None);
    let saved = save_and_load(&mut harness, &path);
    assert!(!saved.documents[0].annotation(quote).unwrap().attributes.contains_key("ton"));

    // Delete an attribute in use (Speaker type, on the sample's quotes): asks, one undo step.
    let before = harness.state().project().clone();
    let uses = spanwise::model::codebook_editing::attribute_use(&before, "speaker_type");
    if uses > 0 {
        click(&mut harness, "Attribute Speaker type");
        click(&mut harness, "Delete attribute Speaker type");
        let noun = if uses == 1 { "annotation has" } else { "annotations have" };
        harness.get_by_label(&format!("{uses} {noun} a value of Speaker type. Delete the attribute and these values?"));
        click(&mut harness, "Delete the attribute and its values");
        assert!(harness.state().project().codebook.attribute("speaker_type").is_none());
        undo(&mut harness);
        assert_eq!(harness.state().project(), &before);
    }
}

#[test]
fn a_date_variable_added_in_the_editor_is_filled_in_and_deleting_it_asks() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open_editor(&path);
    click(&mut harness, "Document variable definitions");
    type_into(&mut harness, "New variable name", "Erschienen am");
    harness.get_by_role_and_label(Role::RadioButton, "New variable kind: date").click();
    harness.run();
    click(&mut harness, "Add variable");
    let field = harness.state().project().codebook.document_field("erschienen_am").expect("added").clone();
    assert_eq!(field.kind, ValueKind::Date);
    // Filled in the Document variables section, as a real date.
    type_into(&mut harness, "Erschienen am", "2024-02-30");
    assert!(harness.state().coding.error.as_deref().is_some_and(|e| e.contains("not a date")));
    type_into(&mut harness, "Erschienen am", "2024-02-29");
    let date = Value::Date(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
    assert_eq!(harness.state().document().unwrap().variables.get("erschienen_am"), Some(&date));
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(saved.documents[0].variables["erschienen_am"], date);

    // Renamed; the value stays. Then a choice variable's choice renamed with its value.
    type_into(&mut harness, "Variable name", "Publiziert 📅");
    assert_eq!(harness.state().project().codebook.document_field("erschienen_am").unwrap().name, "Publiziert 📅");
    assert_eq!(harness.state().document().unwrap().variables.get("erschienen_am"), Some(&date));

    // Deleting it asks (a document has a value); confirmed, one undo brings both back.
    let before = harness.state().project().clone();
    click(&mut harness, "Delete variable Publiziert 📅");
    harness.get_by_label("1 document has a value of Publiziert 📅. Delete the variable and these values?");
    click(&mut harness, "Delete the variable and its values");
    assert!(harness.state().project().codebook.document_field("erschienen_am").is_none());
    assert!(!harness.state().document().unwrap().variables.contains_key("erschienen_am"));
    let saved = save_and_load(&mut harness, &path);
    assert!(saved.codebook.document_field("erschienen_am").is_none());
    undo(&mut harness);
    assert_eq!(harness.state().project(), &before);
}

#[test]
fn a_locked_codebook_offers_no_editor_and_refuses_import() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open_editor(&path);
    click(&mut harness, "Relation types");
    harness.get_by_label("Add relation type");
    check(&mut harness, "Codebook locked");
    assert!(harness.state().project().codebook.locked);
    assert!(harness.query_by_label("Add relation type").is_none(), "the editor is gone while locked");
    assert!(harness.query_by_label("Add attribute").is_none());
    harness.state_mut().command(Command::EditAttributes);
    harness.run();
    assert_eq!(harness.state().coding.error.as_deref(), Some("The codebook is locked: unlock it to edit"));
    harness.state_mut().command(Command::ImportCodebook);
    harness.run();
    assert!(harness.state().dialog.is_none(), "no chooser for a locked codebook");
    assert_eq!(
        harness.state().coding.entries.report.as_deref(),
        Some("Cannot import a codebook: the codebook is locked (unlock it first)")
    );
    // A cascade made before the lock is refused by the edit itself.
    let mut unlocked = harness.state().project().clone();
    unlocked.codebook.locked = false;
    let cascade = spanwise::model::codebook_editing::delete_relation_type(&unlocked, "about").unwrap();
    harness.state_mut().command(Command::CodebookCascade(Box::new(cascade)));
    harness.run();
    assert!(harness.state().project().codebook.relation_type("about").is_some());
    assert_eq!(harness.state().coding.error.as_deref(), Some("the codebook is locked: unlock it first"));
    assert!(save_and_load(&mut harness, &path).codebook.locked);
}

/// Chooses `file` in Spanwise's chooser (open after Export codebook… or Import codebook…).
fn choose(harness: &mut Harness<'_, SpanwiseApp>, file: &Path) {
    let dialog = harness.state().dialog.as_ref().map(|d| d.describe()).unwrap_or_default();
    assert!(dialog.starts_with("file chooser"), "{dialog}");
    type_into(harness, "File path", &file.display().to_string());
}

#[test]
fn the_codebook_exported_from_the_window_imports_into_another_project_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let source = sample_copy(dir.path());
    let mut harness = open_editor(&source);
    // Additions to export: a relation type, an attribute, a variable, a label with a sub-label.
    let codebook = harness.state().project().codebook.clone();
    let (codebook, _) = spanwise::model::codebook_editing::add_relation_type(&codebook, "Widerspricht ü").unwrap();
    let (codebook, _) = spanwise::model::codebook_editing::add_attribute(
        &codebook,
        "Ton",
        ValueKind::MultiChoice(vec!["warm".into(), "社交媒体".into()]),
        &["claim".into()],
    )
    .unwrap();
    let (codebook, _) = spanwise::model::codebook_editing::add_field(&codebook, "Seite", ValueKind::Number).unwrap();
    let (codebook, label) = spanwise::model::codebook_editing::add_label(&codebook, "شبکه‌های اجتماعی", None).unwrap();
    let (codebook, _) = spanwise::model::codebook_editing::add_label(&codebook, "Emoji 🎉", Some(&label)).unwrap();
    harness.state_mut().command(Command::Coding(spanwise::ui::coding::CodingCommand::SetCodebook(Box::new(codebook))));
    harness.run();
    let exported = harness.state().project().codebook.clone();
    save_and_load(&mut harness, &source);

    let ron = dir.path().join("schema.codebook.ron");
    let qdc = dir.path().join("schema.qdc");
    for file in [&ron, &qdc] {
        click(&mut harness, "Export codebook…");
        choose(&mut harness, file);
        assert!(file.is_file(), "{} written", file.display());
        let report = harness.state().coding.entries.report.clone().unwrap_or_default();
        assert!(report.starts_with(&format!("Exported the codebook to {}", file.display())), "{report}");
        // The same bytes as `spanwise codebook export`.
        let cli = dir.path().join(format!("cli.{}", if file == &qdc { "qdc" } else { "codebook.ron" }));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_spanwise"))
            .args(["codebook".as_ref(), "export".as_ref(), source.as_os_str(), cli.as_os_str()])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(std::fs::read(file).unwrap(), std::fs::read(&cli).unwrap(), "what the CLI writes");
    }

    // Another project with the default codebook imports the RON file: everything comes.
    let other_dir = dir.path().join("other");
    std::fs::create_dir_all(&other_dir).unwrap();
    let target = sample_copy(&other_dir);
    let mut other = open_editor(&target);
    let before = other.state().project().clone();
    click(&mut other, "Import codebook…");
    choose(&mut other, &ron);
    let codebook = &other.state().project().codebook;
    assert!(codebook.relation_type("widerspricht").is_some());
    assert_eq!(codebook.attribute("ton"), exported.attribute("ton"));
    assert_eq!(codebook.document_field("seite"), exported.document_field("seite"));
    assert_eq!(codebook.labels, exported.labels);
    let report = other.state().coding.entries.report.clone().unwrap();
    assert!(report.starts_with("Imported schema.codebook.ron: "), "{report}");
    for added in [
        "label شبکه‌های اجتماعی added",
        "label Emoji 🎉 added",
        "relation type Widerspricht ü added",
        "attribute Ton added",
        "document variable Seite added",
    ] {
        assert!(report.contains(added), "{added} in {report}");
    }
    assert!(other.query_all_by_label(&report).count() >= 1, "shown in the panel");
    let saved = save_and_load(&mut other, &target);
    assert_eq!(saved.codebook.attribute("ton"), exported.attribute("ton"));
    // The same file again: nothing to add, no change, no undo step.
    click(&mut other, "Import codebook…");
    choose(&mut other, &ron);
    assert_eq!(
        other.state().coding.entries.report.as_deref(),
        Some("Imported schema.codebook.ron: nothing changed, the codebook has all of it")
    );
    assert!(!other.state().is_dirty());
    undo(&mut other);
    assert_eq!(other.state().project(), &before, "the import is one undo step");

    // The .qdc carries the labels (with the sub-label) but none of the rest.
    click(&mut other, "Import codebook…");
    choose(&mut other, &qdc);
    let codebook = &other.state().project().codebook;
    let names: Vec<&str> = codebook.labels.iter().map(|l| l.name.as_str()).collect();
    assert!(names.contains(&"شبکه‌های اجتماعی") && names.contains(&"Emoji 🎉"), "{names:?}");
    let child = codebook.labels.iter().find(|l| l.name == "Emoji 🎉").unwrap();
    assert_eq!(codebook.label(child.parent.as_deref().unwrap()).unwrap().name, "شبکه‌های اجتماعی");
    assert!(codebook.attribute("ton").is_none() && codebook.relation_type("widerspricht").is_none());
    save_and_load(&mut other, &target);

    // A damaged file: its own message in the window, nothing changed.
    let broken = dir.path().join("broken.codebook.ron");
    std::fs::write(&broken, "(format: \"spanwise-codebook\", version: 1, codebook: (labels: [(id: 1)]))").unwrap();
    let before = other.state().project().clone();
    click(&mut other, "Import codebook…");
    choose(&mut other, &broken);
    let report = other.state().coding.entries.report.clone().unwrap();
    assert!(report.starts_with("Could not import the codebook: "), "{report}");
    assert!(report.contains("broken.codebook.ron"), "names the file: {report}");
    assert!(other.query_all_by_label(&report).count() >= 1, "shown in the panel");
    assert_eq!(other.state().project(), &before);
}

#[test]
fn the_palette_opens_each_editor_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = common::ui::harness_sized(app_for(&path), 1400.0, 2400.0);
    // Even with the codebook folded away.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    click(&mut harness, "Codebook");
    assert!(harness.query_by_label("Edit codebook").is_none(), "folded");
    for (typed, shown) in [
        ("edit relation types", "Add relation type"),
        ("edit attributes", "Add attribute"),
        ("edit document variables", "Add variable"),
    ] {
        assert!(harness.query_by_label(shown).is_none(), "{shown} before the palette");
        harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
        harness.run();
        harness.event(egui::Event::Text(typed.into()));
        harness.run();
        harness.key_press(Key::Enter);
        harness.run();
        assert!(harness.state().coding.panel_open && harness.state().coding.editing, "{typed}");
        harness.get_by_label(shown);
        // Closed again for the next one.
        let header = match typed {
            "edit relation types" => "Relation types",
            "edit attributes" => "Attributes",
            _ => "Document variable definitions",
        };
        click(&mut harness, header);
    }
}

#[test]
fn unticking_a_label_that_relations_need_is_refused_with_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = open_editor(&path);
    click(&mut harness, "Relation types");
    click(&mut harness, "Relation type Attributed to");
    let before = harness.state().project().clone();
    let from_quotes = before.documents[0]
        .relations
        .iter()
        .filter(|r| r.kind == "attributed_to")
        .filter(|r| before.documents[0].annotation(r.from).is_some_and(|a| a.label == "quote"))
        .count();
    assert!(from_quotes > 1);
    check(&mut harness, "From: Quote");
    let message = format!(
        "{from_quotes} relations of Attributed to start at annotations labelled Quote: remove them first or keep Quote \
         allowed"
    );
    assert_eq!(harness.state().coding.error.as_deref(), Some(message.as_str()));
    harness.get_by_label(&message);
    assert_eq!(harness.state().project(), &before, "nothing changed");
    // Ticking Actor as a source is fine (Quote, Claim, Recommendation and now Actor).
    check(&mut harness, "From: Actor");
    let from = &harness.state().project().codebook.relation_type("attributed_to").unwrap().from_labels;
    assert_eq!(from, &["claim", "quote", "actor", "recommendation"]);
}

#[test]
fn entry_changes_are_journalled_and_recovered_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let original = std::fs::read(&path).unwrap();
    let mut harness = open_editor(&path);
    click(&mut harness, "Relation types");
    click(&mut harness, "Relation type About");
    click(&mut harness, "Delete relation type About");
    click(&mut harness, "Delete the type and its relations");
    click(&mut harness, "Relation types");
    click(&mut harness, "Attributes");
    click(&mut harness, "Attribute Speaker type");
    type_into(&mut harness, "Choice expert of Speaker type", "Expertin ü");
    let expected = harness.state().project().clone();
    assert!(expected.codebook.relation_type("about").is_none());
    assert!(expected.codebook.attribute("speaker_type").unwrap().kind.options().contains(&"Expertin ü".to_owned()));
    drop(harness);

    assert_eq!(std::fs::read(&path).unwrap(), original, "the saved file was not touched");
    let mut harness = common::ui::harness_sized(app_for(&path), 1400.0, 1300.0);
    harness.get_by_label("Recover unsaved work?");
    harness.get_by_label("Recover").click();
    harness.run();
    assert_eq!(*harness.state().project(), expected, "exactly what was there");
    // Undo goes back step by step: the choice's name, then the type with its relations.
    undo(&mut harness);
    assert!(
        harness
            .state()
            .project()
            .codebook
            .attribute("speaker_type")
            .unwrap()
            .kind
            .options()
            .contains(&"expert".to_owned())
    );
    undo(&mut harness);
    assert!(harness.state().project().codebook.relation_type("about").is_some());
    assert_eq!(relations_of(harness.state().project(), "about"), relations_of(&store::load(&path).unwrap(), "about"));
}
