//! The document view on a long generated document (about 2 MB, 20,000 annotations), driven
//! like a user: keyboard scrolling, the annotation list, selection across paragraphs, find.
#![cfg(feature = "gui")]

mod common;

use common::ui::{double_click, drag, type_key};
use egui::{Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::model::{Annotation, Project};
use spanwise::settings::Settings;
use spanwise::ui::{AppConfig, SpanwiseApp};

/// A long project with a recognisable first, middle and last paragraph.
fn long_project(dir: &std::path::Path) -> std::path::PathBuf {
    let mut project: Project = spanwise::generate::project(2_000_000, 20_000, 42);
    let document = &mut project.documents[0];
    let middle = document.text.len() / 2;
    let middle = document.text[middle..].find("\n\n").map_or(middle, |i| middle + i + 2);
    let text = format!(
        "Opening zebra paragraph.\n\nSecond paragraph starts here.\n\n{}Middle zebra paragraph.\n\n{}The Supreme National Security Council ends this zebra document",
        &document.text[..middle],
        &document.text[middle..]
    );
    let annotations: Vec<Box<Annotation>> = Vec::new();
    let mut fresh = spanwise::model::Document::new("d1", "long.txt", text);
    fresh.annotations = annotations;
    spanwise::generate::annotate(&mut fresh, 20_000, "bench", 42, project.created);
    // One distinctive annotation at the very end.
    let end = fresh.char_len();
    let start = end - "The Supreme National Security Council ends this zebra document".chars().count();
    let actor_end = start + "The Supreme National Security Council".len();
    let mut ids = spanwise::model::IdGenerator::seeded(99);
    fresh.annotations.push(Box::new(Annotation {
        id: ids.next_id(),
        label: "actor".into(),
        fragments: vec![fresh.fragment(start..actor_end).unwrap()],
        annotator: "bench".into(),
        created: project.created,
        modified: project.created,
        note: "the last one".into(),
        attributes: Default::default(),
    }));
    fresh.annotations.sort_by_key(|a| a.sort_key());
    project.documents[0] = fresh;
    let path = dir.join("long.spanwise.ron");
    spanwise::store::save(&project, &path).unwrap();
    path
}

fn open_long(path: &std::path::Path) -> Harness<'static, SpanwiseApp> {
    let settings = Settings { annotator_name: "Long Reader".into(), ..Settings::default() };
    common::ui::harness(SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(path))
}

fn last_offset_of(harness: &Harness<'_, SpanwiseApp>, needle: &str) -> usize {
    let document = harness.state().document().unwrap();
    let byte = document.text.rfind(needle).unwrap();
    document.text[..byte].chars().count()
}

#[test]
fn scroll_to_the_end_and_tag_the_last_word() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_long(&long_project(dir.path()));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::End);
    harness.run();
    let last = last_offset_of(&harness, "document");
    let view = harness.state().view.as_ref().unwrap();
    assert!(view.is_visible(last), "the last word is on screen after Ctrl+End");
    let rect = view.char_rect(last + 3).unwrap();
    double_click(&mut harness, rect.center());
    type_key(&mut harness, Key::Num1, "1");
    let document = harness.state().document().unwrap();
    let tagged: Vec<&Annotation> = document.annotations.iter().filter(|a| a.start() == last).map(|a| &**a).collect();
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0].text(), "document");
    assert_eq!(tagged[0].label, "claim");
}

#[test]
fn jump_from_the_list_to_an_annotation_near_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_long(&long_project(dir.path()));
    harness.get_by_label("Search annotations").focus();
    harness.run();
    harness.get_by_label("Search annotations").type_text("the last one");
    harness.run();
    harness.get_by_label("Actor: The Supreme National Security Council").click();
    harness.run();
    let id = harness.state().selected_annotation.expect("selected from the list");
    let start = harness.state().document().unwrap().annotation(id).unwrap().start();
    assert!(start > harness.state().document().unwrap().char_len() - 100, "near the end");
    assert!(harness.state().view.as_ref().unwrap().is_visible(start), "scrolled to it");
}

#[test]
fn select_across_two_paragraphs_and_tag_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_long(&long_project(dir.path()));
    let from = last_offset_of(&harness, "zebra paragraph.\n\nSecond");
    let to = last_offset_of(&harness, "starts here") + "starts".len() - 1;
    let view = harness.state().view.as_ref().unwrap();
    let a = view.char_rect(from).unwrap();
    let b = view.char_rect(to).unwrap();
    drag(&mut harness, Pos2::new(a.left() + 1.0, a.center().y), Pos2::new(b.right() - 1.0, b.center().y));
    type_key(&mut harness, Key::Num2, "2");
    let document = harness.state().document().unwrap();
    let quote = document.annotations.iter().find(|a| a.start() == from && a.label == "quote").expect("tagged");
    assert_eq!(quote.text(), "zebra paragraph.\n\nSecond paragraph starts");
}

#[test]
fn find_a_word_and_step_through_the_matches() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_long(&long_project(dir.path()));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.get_by_label("Find in document").type_text("ZEBRA");
    harness.run();
    harness.get_by_label("1 of 3");
    let text = harness.state().document().unwrap().text.clone();
    let positions: Vec<usize> = text.match_indices("zebra").map(|(byte, _)| text[..byte].chars().count()).collect();
    assert_eq!(positions.len(), 3);
    assert!(harness.state().view.as_ref().unwrap().is_visible(positions[0]));
    for (step, &position) in positions.iter().enumerate().skip(1) {
        harness.key_press(Key::Enter);
        harness.run();
        harness.get_by_label(&format!("{} of 3", step + 1));
        assert!(harness.state().view.as_ref().unwrap().is_visible(position), "match {step} is shown");
    }
    // Shift+Enter goes back; Esc closes the bar.
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    harness.run();
    harness.get_by_label("2 of 3");
    assert!(harness.state().view.as_ref().unwrap().is_visible(positions[1]));
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Find in document").is_none());
}

#[test]
fn a_two_megabyte_line_opens_and_can_be_tagged() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "The Guardian Council vetted the candidates before the vote. ";
    let line = sentence.repeat(2_000_000 / sentence.len());
    let path = dir.path().join("one-line.txt");
    std::fs::write(&path, format!("{line}Final words here")).unwrap();
    let mut harness = open_long(&path);
    let view = harness.state().view.as_ref().unwrap();
    assert!(view.block_count() > 600, "the line is laid out in pieces: {}", view.block_count());
    // Tag something at the start...
    let rect = view.char_rect(5).unwrap();
    double_click(&mut harness, rect.center());
    type_key(&mut harness, Key::Num3, "3");
    // ...and at the very end.
    harness.key_press(Key::End);
    harness.run();
    // Let the view finish settling on the measured heights (a few frames), as a person would.
    harness.run_steps(10);
    let last = last_offset_of(&harness, "here");
    let view = harness.state().view.as_ref().unwrap();
    assert!(view.is_visible(last + 1), "End shows the end of the line");
    let rect = view.char_rect(last + 1).expect("end of the line is shown");
    double_click(&mut harness, rect.center());
    type_key(&mut harness, Key::Num1, "1");
    let texts: Vec<String> = harness.state().document().unwrap().annotations.iter().map(|a| a.text()).collect();
    assert_eq!(texts, ["Guardian", "here"]);
}
