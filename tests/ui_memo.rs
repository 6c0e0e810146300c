//! Memos headless (egui_kittest): what a coder types in a memo is never lost. Ctrl+Enter saves
//! it as one undo step and leaves the field (Enter starts a new line), Escape keeps it, switching
//! the annotation or the document keeps it, closing the window asks about it, Ctrl+Z while
//! typing undoes typing rather than the project, and "Saved" confirms a save then goes away.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;

use common::ui::{sample_copy, test_settings};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::model::{ItemId, MemoTarget};
use spanwise::store;
use spanwise::ui::{AppConfig, Command, SpanwiseApp};

const FIELD: &str = "Memo on the selected annotation";
/// Offsets are code points: ü, an emoji outside the BMP, a ZWJ family, Persian with a ZWNJ, Chinese.
const FIRST: &str = "Wer spricht? ü 😀 👨‍👩‍👧";
const SECOND: &str = "شبکه‌های اجتماعی 社交媒体";

/// The sample open with the coding panel shown (Ctrl+B) and its first quote selected.
fn open(path: &Path) -> (Harness<'static, SpanwiseApp>, ItemId) {
    let app = SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(path);
    let mut harness = common::ui::harness_sized(app, 1400.0, 1300.0);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    let quote = annotation(&harness, "quote");
    select(&mut harness, quote);
    (harness, quote)
}

fn annotation(harness: &Harness<'_, SpanwiseApp>, label: &str) -> ItemId {
    harness.state().document().unwrap().annotations.iter().find(|a| a.label == label).unwrap().id
}

/// Selects an annotation by clicking its row in the annotation list, as a user does.
fn select(harness: &mut Harness<'_, SpanwiseApp>, id: ItemId) {
    let annotation = harness.state().document().unwrap().annotation(id).unwrap().clone();
    let label = harness.state().project().codebook.label(&annotation.label).unwrap().name.clone();
    let row = format!("{label}: {}", spanwise::ui::doc_view::excerpt(&annotation.text(), 60));
    let rows: Vec<_> = harness.query_all_by_label_contains(&row).collect();
    assert!(!rows.is_empty(), "no row {row:?} in the list");
    rows[0].click();
    harness.run();
    assert_eq!(harness.state().selected_annotation, Some(id));
}

/// Clicks into the memo field of the selected annotation and types `text` at its end, line by
/// line with Enter between the lines.
fn type_memo(harness: &mut Harness<'_, SpanwiseApp>, text: &str) {
    harness.get_by_role_and_label(Role::MultilineTextInput, FIELD).click();
    harness.run();
    for key in [Key::ArrowDown, Key::ArrowDown, Key::ArrowDown, Key::End] {
        harness.key_press(key);
    }
    harness.run();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            harness.key_press(Key::Enter);
            harness.run();
        }
        harness.get_by_role_and_label(Role::MultilineTextInput, FIELD).type_text(line);
        harness.run();
    }
}

fn memo_text(harness: &Harness<'_, SpanwiseApp>, target: &MemoTarget) -> Option<String> {
    harness.state().project().memos.iter().find(|m| m.target == *target).map(|m| m.text.clone())
}

fn field_has_keyboard(harness: &Harness<'_, SpanwiseApp>) -> bool {
    harness.get_by_role_and_label(Role::MultilineTextInput, FIELD).is_focused()
}

#[test]
fn ctrl_enter_saves_the_memo_as_one_undo_step_and_leaves_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, quote) = open(&sample_copy(dir.path()));
    let target = MemoTarget::Annotation(quote);
    let annotations = harness.state().document().unwrap().annotations.len();
    let below = "Memo on this document";
    let before = harness.get_by_role_and_label(Role::MultilineTextInput, below).rect();
    type_memo(&mut harness, &format!("{FIRST}\n{SECOND}"));
    assert!(field_has_keyboard(&harness));
    // The hint takes a line kept for it: the field below stays where it was (two lines fit the
    // field's two rows).
    let after = harness.get_by_role_and_label(Role::MultilineTextInput, below).rect();
    assert!((before.top() - after.top()).abs() < 1.0, "the field below did not jump: {before:?} {after:?}");
    assert_eq!(memo_text(&harness, &target), None, "not saved while typing");
    assert!(harness.query_by_label("Ctrl+Enter to save").is_some(), "the hint under the field while typing");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert_eq!(
        memo_text(&harness, &target).as_deref(),
        Some(format!("{FIRST}\n{SECOND}").as_str()),
        "Enter made a line"
    );
    assert!(!field_has_keyboard(&harness), "Ctrl+Enter leaves the field");
    assert!(harness.query_by_label("Memo saved").is_some(), "a confirmation under the field");
    assert!(harness.query_by_label("Ctrl+Enter to save").is_none());
    assert_eq!(harness.state().project().memos[0].title, FIRST, "titled by its first line");
    // Its mark in the text: 11 points, over the end of the selected quote, clear of the end and
    // relation handles drawn there.
    let annotation = harness.state().document().unwrap().annotation(quote).unwrap().clone();
    let view = harness.state().view.as_ref().unwrap();
    let mark = view.memo_mark_rect(&annotation).expect("the mark is on screen");
    let last_letter = view.char_rect(annotation.end() - 1).unwrap();
    assert!(mark.width() >= 10.0 && mark.height() >= 10.0, "{mark:?}");
    assert!(mark.right() < last_letter.right() && last_letter.right() - mark.right() < 3.0, "{mark:?}");
    let handles = view.handles(&annotation).unwrap();
    assert!(!mark.intersects(handles.relate), "{mark:?} {handles:?}");
    assert!(!mark.intersects(handles.end.shrink2(egui::vec2(2.5, 0.0))), "{mark:?} {handles:?}");
    assert!(!harness.query_all_by_label_contains("Memo: Wer spricht?").collect::<Vec<_>>().is_empty());

    // One undo step: Ctrl+Z takes the memo away and nothing else; Ctrl+Y brings it back.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(memo_text(&harness, &target), None);
    assert_eq!(harness.state().document().unwrap().annotations.len(), annotations);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run();
    assert_eq!(memo_text(&harness, &target).as_deref(), Some(format!("{FIRST}\n{SECOND}").as_str()));

    // Editing it again and saving replaces the text in one step.
    type_memo(&mut harness, " — mehr");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert_eq!(memo_text(&harness, &target).as_deref(), Some(format!("{FIRST}\n{SECOND} — mehr").as_str()));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(memo_text(&harness, &target).as_deref(), Some(format!("{FIRST}\n{SECOND}").as_str()));
}

#[test]
fn the_saved_confirmation_goes_away_by_itself_and_the_window_then_sleeps() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, _) = open(&sample_copy(dir.path()));
    type_memo(&mut harness, FIRST);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert!(harness.query_by_label("Memo saved").is_some());
    // Frames at 60 a second for 3 seconds: the confirmation is gone after 2.5.
    for _ in 0..180 {
        harness.step();
    }
    assert!(harness.query_by_label("Memo saved").is_none(), "\"Saved\" went away");
    // Nothing keeps asking for frames: `run` settles instead of running out of steps.
    harness.run();
}

#[test]
fn escape_while_typing_keeps_the_memo() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let (mut harness, quote) = open(&path);
    type_memo(&mut harness, SECOND);
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!field_has_keyboard(&harness), "Escape leaves the field");
    assert_eq!(memo_text(&harness, &MemoTarget::Annotation(quote)).as_deref(), Some(SECOND));
    assert_eq!(harness.state().selected_annotation, Some(quote), "and the annotation stays selected");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    let saved = store::load(&path).unwrap();
    assert_eq!(saved.memos.len(), 1);
    assert_eq!(saved.memos[0].text, SECOND);
}

#[test]
fn switching_the_annotation_while_typing_keeps_the_memo_on_the_first_one() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, quote) = open(&sample_copy(dir.path()));
    let claim = annotation(&harness, "claim");
    type_memo(&mut harness, FIRST);
    select(&mut harness, claim);
    assert_eq!(memo_text(&harness, &MemoTarget::Annotation(quote)).as_deref(), Some(FIRST));
    assert_eq!(memo_text(&harness, &MemoTarget::Annotation(claim)), None, "not copied to the other one");
    let field = harness.get_by_role_and_label(Role::MultilineTextInput, FIELD);
    assert_eq!(field.value().as_deref().unwrap_or_default(), "", "the claim's memo field is empty");

    // The claim gets its own memo; back on the quote, its memo is there.
    type_memo(&mut harness, SECOND);
    select(&mut harness, quote);
    assert_eq!(memo_text(&harness, &MemoTarget::Annotation(claim)).as_deref(), Some(SECOND));
    assert_eq!(harness.get_by_role_and_label(Role::MultilineTextInput, FIELD).value().as_deref(), Some(FIRST));

    // Clicking text no annotation covers (nothing selected then) keeps it too.
    type_memo(&mut harness, " 2");
    let document = harness.state().document().unwrap();
    let view = harness.state().view.as_ref().unwrap();
    let free = (0..document.text.chars().count())
        .find(|&o| {
            document.overlapping(o..o + 1).is_empty()
                && document.text.chars().nth(o).is_some_and(char::is_alphabetic)
                && view.char_rect(o).is_some()
        })
        .expect("unannotated text on screen");
    let at = view.char_rect(free).unwrap().center();
    harness.hover_at(at);
    harness.drag_at(at);
    harness.drop_at(at);
    harness.run();
    assert_eq!(harness.state().selected_annotation, None);
    assert_eq!(memo_text(&harness, &MemoTarget::Annotation(quote)).as_deref(), Some(format!("{FIRST} 2").as_str()));
}

#[test]
fn switching_the_document_while_typing_keeps_the_memo() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, quote) = open(&sample_copy(dir.path()));
    let text = dir.path().join("zweiter.txt");
    std::fs::write(&text, "Zweiter Text: ü 😀 👨‍👩‍👧\r\nشبکه‌های اجتماعی 社交媒体\r\n").unwrap();
    harness.state_mut().command(Command::AddDocumentPath(text));
    harness.run();
    let first = harness.state().project().documents[0].id.clone();
    let second = harness.state().project().documents[1].id.clone();
    harness.state_mut().command(Command::SelectDocument(first));
    harness.run();
    select(&mut harness, quote);
    type_memo(&mut harness, FIRST);
    harness.state_mut().command(Command::SelectDocument(second.clone()));
    harness.run();
    assert_eq!(harness.state().current_document.as_deref(), Some(second.as_str()));
    assert_eq!(memo_text(&harness, &MemoTarget::Annotation(quote)).as_deref(), Some(FIRST));
}

#[test]
fn ctrl_z_while_typing_undoes_typing_not_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, quote) = open(&sample_copy(dir.path()));
    let target = MemoTarget::Annotation(quote);
    type_memo(&mut harness, FIRST);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    let annotations = harness.state().document().unwrap().annotations.len();
    let last_step = harness.state().session().history().undo_description().map(str::to_owned);

    type_memo(&mut harness, " ü");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(field_has_keyboard(&harness), "still typing");
    assert_eq!(memo_text(&harness, &target).as_deref(), Some(FIRST), "the saved memo was not undone");
    let history = harness.state().session().history();
    assert_eq!(history.undo_description().map(str::to_owned), last_step, "the project's history untouched");
    assert!(!history.can_redo(), "nothing was undone");
    assert_eq!(harness.state().document().unwrap().annotations.len(), annotations);
    let typed = harness.get_by_role_and_label(Role::MultilineTextInput, FIELD).value().unwrap_or_default();
    assert_eq!(typed, FIRST, "Ctrl+Z took back the typing in the field");

    // Out of the field, Ctrl+Z undoes the project again: the memo's addition.
    harness.key_press(Key::Escape);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(memo_text(&harness, &target), None);
}

#[test]
fn closing_the_window_while_typing_asks_about_the_memo_and_saving_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let (mut harness, quote) = open(&path);
    assert!(!harness.state().is_dirty());
    type_memo(&mut harness, SECOND);
    harness.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
    harness.run();
    assert_eq!(memo_text(&harness, &MemoTarget::Annotation(quote)).as_deref(), Some(SECOND));
    assert!(harness.state().is_dirty(), "the memo is unsaved work");
    assert!(
        matches!(harness.state().dialog, Some(spanwise::ui::dialogs::Dialog::ConfirmDiscard { .. })),
        "\"Save changes?\" is asked"
    );
    harness.state_mut().command(Command::Save);
    harness.run();
    let saved = store::load(&path).unwrap();
    assert_eq!(saved.memos.len(), 1);
    assert_eq!(saved.memos[0].text, SECOND);
}

#[test]
fn the_pencil_in_the_annotation_list_tells_the_memo_title_on_hover() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, quote) = open(&sample_copy(dir.path()));
    type_memo(&mut harness, &format!("{SECOND}\n{FIRST}"));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    let annotation = harness.state().document().unwrap().annotation(quote).unwrap().clone();
    let row = format!("✎ Quote: {}", spanwise::ui::doc_view::excerpt(&annotation.text(), 60));
    let at = harness.query_all_by_label(&row).next().unwrap_or_else(|| panic!("no row {row:?}")).rect().center();
    harness.hover_at(at);
    for _ in 0..60 {
        harness.step();
    }
    assert!(harness.query_by_label(&format!("Has a memo: {SECOND}")).is_some(), "the memo's title on hover");
}

#[test]
fn a_memo_whose_annotation_went_away_while_typing_is_kept_on_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let (mut harness, quote) = open(&sample_copy(dir.path()));
    type_memo(&mut harness, SECOND);
    // The annotation removed from elsewhere (as a merge of the file changed on disk would),
    // not through a command of this window.
    let document = harness.state().current_document.clone().unwrap();
    harness.state_mut().session_mut().apply(spanwise::edit::Edit::RemoveAnnotation { document, id: quote }).unwrap();
    harness.run();
    assert_eq!(harness.state().selected_annotation, None);
    assert_eq!(memo_text(&harness, &MemoTarget::Project).as_deref(), Some(SECOND), "the text is kept");
    let status = harness.state().status.clone().unwrap_or_default();
    assert!(status.contains("was removed while you typed its memo"), "{status}");
    assert!(harness.state().coding.memo_buffer.is_none(), "nothing left to retry every frame");
}
