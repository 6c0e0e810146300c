//! Coding beyond one span, driven headless with egui_kittest like a user would: relations made
//! with the keyboard (R, Tab, Enter), with Alt+click and by dragging the relation handle, retyped
//! and deleted in the inspector; a second fragment added with Ctrl+drag; a boundary dragged; every
//! occurrence of a phrase tagged and undone in one step; the command palette; Tab between
//! annotations; Shift+arrows. Everything is checked in the saved file.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;

use common::ui::{drag, drag_select, harness, offset_of, sample_copy, type_key};
use egui::{Event, Key, Modifiers, Pos2};
use egui_kittest::Harness;
use spanwise::model::{Annotation, ItemId, Project};
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

fn app_for(path: &Path) -> SpanwiseApp {
    let settings = Settings { annotator_name: "Test Coder".into(), ..Settings::default() };
    SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(path)
}

/// The annotation with this label whose text starts with `text`.
fn find(harness: &Harness<'_, SpanwiseApp>, label: &str, text: &str) -> Annotation {
    harness
        .state()
        .document()
        .unwrap()
        .annotations
        .iter()
        .find(|a| a.label == label && a.text().starts_with(text))
        .unwrap_or_else(|| panic!("no {label} {text:?}"))
        .as_ref()
        .clone()
}

fn center(harness: &Harness<'_, SpanwiseApp>, offset: usize) -> Pos2 {
    harness.state().view.as_ref().unwrap().char_rect(offset).expect("on screen").center()
}

fn save_and_load(harness: &mut Harness<'_, SpanwiseApp>, path: &Path) -> Project {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(!harness.state().is_dirty(), "saved: {:?}", harness.state().status);
    store::load(path).unwrap()
}

fn relation_between(project: &Project, from: ItemId, to: ItemId) -> Option<&spanwise::model::Relation> {
    project.documents[0].relations.iter().find(|r| r.from == from && r.to == to)
}

#[test]
fn a_relation_is_made_with_the_keyboard_and_saved_with_its_ends() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let quote = find(&harness, "quote", "Almost all of this impact");
    let actor = find(&harness, "actor", "intelligence officials");
    assert!(actor.start() < quote.start(), "the target is before the source: Shift+Tab goes back to it");
    assert!(harness.state().document().unwrap().relations.iter().all(|r| !(r.from == quote.id && r.to == actor.id)));
    harness.state_mut().command(spanwise::ui::Command::RevealAnnotation(quote.id));
    harness.run();
    type_key(&mut harness, Key::R, "r");
    assert!(harness.state().view.as_ref().unwrap().relating.is_some(), "R starts a relation");
    // Shift+Tab walks back through the annotations to the actor (the source itself is skipped).
    for _ in 0..40 {
        if harness.state().view.as_ref().unwrap().relating.unwrap().target == Some(actor.id) {
            break;
        }
        harness.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
        harness.run();
    }
    assert_eq!(harness.state().view.as_ref().unwrap().relating.unwrap().target, Some(actor.id));
    assert_eq!(harness.state().selected_annotation, Some(quote.id), "picking a target keeps the source selected");
    harness.key_press(Key::Enter);
    harness.run();
    // Quote → Actor: the sample codebook allows "Attributed to" and "About": a chooser.
    let dialog = harness.state().dialog.as_ref().map(|d| d.describe());
    assert_eq!(dialog.as_deref(), Some("which relation?"));
    type_key(&mut harness, Key::Num1, "1");
    assert!(harness.state().dialog.is_none());
    let saved = save_and_load(&mut harness, &path);
    let relation = relation_between(&saved, quote.id, actor.id).expect("the relation is in the saved file");
    assert_eq!(relation.kind, "attributed_to");
    assert_eq!(relation.annotator, "test-coder");

    // Esc cancels a relation being made.
    type_key(&mut harness, Key::R, "r");
    harness.key_press(Key::Tab);
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.state().view.as_ref().unwrap().relating.is_none());
    assert_eq!(harness.state().selected_annotation, Some(quote.id), "Esc cancels only the relation");
}

#[test]
fn alt_click_relates_and_the_inspector_retypes_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let claim = find(&harness, "claim", "social media threatens");
    let target = find(&harness, "actor", "Islamic Republic officials");
    harness.state_mut().command(spanwise::ui::Command::SelectAnnotation(claim.id));
    harness.run();
    let relations_before = harness.state().document().unwrap().relations.len();
    let at = center(&harness, target.start() + 2);
    // Alt is held from before the press until after the release.
    harness.event(Event::ModifiersChanged(Modifiers::ALT));
    harness.hover_at(at);
    harness.step();
    harness.drag_at(at);
    harness.step();
    harness.drop_at(at);
    harness.step();
    harness.event(Event::ModifiersChanged(Modifiers::NONE));
    harness.run();
    // Claim → Actor: "Attributed to" or "About"; the second is chosen with its number.
    assert_eq!(harness.state().dialog.as_ref().map(|d| d.describe()).as_deref(), Some("which relation?"));
    type_key(&mut harness, Key::Num2, "2");
    let document = harness.state().document().unwrap();
    assert_eq!(
        document.relations.len(),
        relations_before + 1,
        "status {:?} selected {:?}",
        harness.state().status,
        harness.state().selected_annotation
    );
    let made = document.relations.iter().find(|r| r.from == claim.id && r.to == target.id).unwrap().clone();
    assert_eq!(made.kind, "about");

    // Retype it (the inspector offers the allowed types), then delete it; undo brings it back.
    harness.state_mut().command(spanwise::ui::Command::RetypeRelation { id: made.id, kind: "attributed_to".into() });
    harness.run();
    assert_eq!(harness.state().document().unwrap().relation(made.id).unwrap().kind, "attributed_to");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().document().unwrap().relation(made.id).unwrap().kind, "about");
    use egui_kittest::kittest::Queryable;
    let deletes = harness.query_all_by_label("✕").count();
    assert!(deletes >= 1, "a delete button per relation");
    harness.state_mut().command(spanwise::ui::Command::DeleteRelation(made.id));
    harness.run();
    assert!(harness.state().document().unwrap().relation(made.id).is_none());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().document().unwrap().relation(made.id).is_some(), "undo restores it");
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(relation_between(&saved, claim.id, target.id).map(|r| r.kind.as_str()), Some("about"));
}

#[test]
fn dragging_the_relation_handle_onto_an_actor_relates_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let quote = find(&harness, "quote", "Almost all of this impact");
    let actor = find(&harness, "actor", "Iranian officials");
    harness.state_mut().command(spanwise::ui::Command::SelectAnnotation(quote.id));
    harness.run();
    let handles = {
        let app = harness.state();
        app.view.as_ref().unwrap().handles(&quote).expect("the handles are on screen")
    };
    let to = center(&harness, actor.start() + 3);
    drag(&mut harness, handles.relate.center(), to);
    assert_eq!(harness.state().dialog.as_ref().map(|d| d.describe()).as_deref(), Some("which relation?"));
    harness.key_press(Key::Enter);
    harness.run();
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(relation_between(&saved, quote.id, actor.id).map(|r| r.kind.as_str()), Some("attributed_to"));
}

#[test]
fn ctrl_drag_adds_a_second_fragment_and_a_boundary_handle_moves_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let quote = find(&harness, "quote", "Almost all of this impact");
    harness.state_mut().command(spanwise::ui::Command::SelectAnnotation(quote.id));
    harness.run();
    // "they said" sits between the quote and the next sentence: add "social media" further on.
    let extra = offset_of(&harness, "social media threatens");
    harness.event(Event::ModifiersChanged(Modifiers::COMMAND));
    drag_select(&mut harness, extra, extra + "social media".len());
    harness.event(Event::ModifiersChanged(Modifiers::NONE));
    harness.run();
    let changed = harness.state().document().unwrap().annotation(quote.id).unwrap().clone();
    assert_eq!(changed.fragments.len(), 2, "{:?}", harness.state().status);
    assert_eq!(changed.fragments[1].text, "social media");
    assert_eq!(changed.label, "quote", "still one Quote");

    // Drag the end handle back to the end of "media" of the first fragment? No: the end is the
    // last fragment's; drag it one word further, to the end of "threatens".
    let handles = harness.state().view.as_ref().unwrap().handles(&changed).unwrap();
    let threatens = offset_of(&harness, "threatens");
    let to = center(&harness, threatens + 5);
    drag(&mut harness, handles.end.center(), to);
    let moved = harness.state().document().unwrap().annotation(quote.id).unwrap().clone();
    assert_eq!(moved.fragments[1].text, "social media threatens", "snapped to the end of the word");
    let saved = save_and_load(&mut harness, &path);
    let stored = saved.documents[0].annotation(quote.id).unwrap();
    assert_eq!(stored.fragments.len(), 2);
    assert_eq!(stored.fragments[0].text, "Almost all of this impact is negative");
    assert_eq!(stored.fragments[1].text, "social media threatens");
    // One undo per gesture.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().document().unwrap().annotation(quote.id).unwrap().fragments[1].text, "social media");
}

#[test]
fn tag_all_shows_the_count_first_and_one_undo_removes_every_tag() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let before = harness.state().document().unwrap().annotations.len();
    let text = harness.state().document().unwrap().text.clone();
    let expected = text.to_lowercase().matches("social networks").count();
    assert!(expected >= 2);
    let start = offset_of(&harness, "social networks");
    drag_select(&mut harness, start, start + "social networks".len());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::T);
    harness.run();
    assert_eq!(harness.state().dialog.as_ref().map(|d| d.describe()).as_deref(), Some("tag all: social networks"));
    use egui_kittest::kittest::Queryable;
    let preview = format!("{expected} occurrences in this document");
    assert!(harness.query_by_label(&preview).is_some(), "the count is shown before tagging");
    assert_eq!(harness.state().document().unwrap().annotations.len(), before, "nothing tagged yet");
    harness.key_press(Key::Enter);
    harness.run();
    let document = harness.state().document().unwrap();
    assert_eq!(document.annotations.len(), before + expected);
    let tagged =
        document.annotations.iter().filter(|a| a.label == "claim" && a.text().eq_ignore_ascii_case("social networks"));
    assert_eq!(tagged.count(), expected);
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(saved.documents[0].annotations.len(), before + expected);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().document().unwrap().annotations.len(), before, "one undo step");
}

#[test]
fn the_palette_runs_a_command_and_tab_walks_the_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::K);
    harness.run();
    assert_eq!(harness.state().dialog.as_ref().map(|d| d.describe()).as_deref(), Some("command palette"));
    harness.event(Event::Text("next annot".into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.state().dialog.is_none());
    let first = harness.state().document().unwrap().annotations[0].id;
    assert_eq!(harness.state().selected_annotation, Some(first), "the palette ran Next annotation");
    harness.key_press(Key::Tab);
    harness.run();
    let second = harness.state().document().unwrap().annotations[1].id;
    assert_eq!(harness.state().selected_annotation, Some(second));
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    harness.run();
    assert_eq!(harness.state().selected_annotation, Some(first));
    // Tab never gave the keyboard to a widget.
    assert!(!harness.ctx.text_edit_focused());

    // Shift+arrows and Ctrl+Shift+arrows extend the selection from a double-clicked word.
    let start = offset_of(&harness, "Behnam");
    drag_select(&mut harness, start, start + 6);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::ArrowRight);
    harness.run();
    let range = harness.state().view.as_ref().unwrap().selected_range().unwrap();
    assert_eq!(
        &harness.state().document().unwrap().text[..].chars().skip(range.start).take(range.len()).collect::<String>(),
        "Behnam Gholipour"
    );
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
    harness.run();
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range().unwrap().len(), range.len() - 1);
}

/// Tag all with more occurrences than a batch adds one by one ("social media", 19 times in the
/// article): the additions go in one pass, and still one Undo takes exactly them away (the
/// annotations before are back, identical), Redo brings them back, and the file round-trips.
#[test]
fn tag_all_of_many_occurrences_is_one_step_to_undo_and_redo() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let before: Vec<Box<Annotation>> = harness.state().document().unwrap().annotations.clone();
    let document = harness.state().document().unwrap();
    let options = spanwise::model::relating::MatchOptions::default();
    let found = spanwise::model::relating::occurrences(document, "social media", options);
    let already = found
        .iter()
        .filter(|r| before.iter().any(|a| a.start() == r.start && a.end() == r.end && a.label == "claim"))
        .count();
    let expected = found.len() - already;
    assert!(expected >= 16, "{expected} occurrences to tag");
    let start = offset_of(&harness, "social media");
    drag_select(&mut harness, start, start + "social media".len());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::T);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let tagged: Vec<Box<Annotation>> = harness.state().document().unwrap().annotations.clone();
    assert_eq!(tagged.len(), before.len() + expected);
    assert!(tagged.is_sorted_by_key(|a| a.sort_key()), "in document order");
    for range in &found {
        assert!(tagged.iter().any(|a| a.start() == range.start && a.end() == range.end && a.label == "claim"));
    }
    // The span index (updated in place, not rebuilt) finds them.
    let document = harness.state().document().unwrap();
    for range in &found {
        let hits = document.overlapping(range.clone());
        assert!(hits.iter().any(|a| a.start() == range.start && a.end() == range.end && a.label == "claim"));
    }
    let saved = save_and_load(&mut harness, &path);
    assert_eq!(saved.documents[0].annotations, tagged);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().document().unwrap().annotations, before, "one undo step takes exactly them away");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(harness.state().document().unwrap().annotations, tagged, "redo brings them back");
}
