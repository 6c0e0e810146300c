//! The window, driven headless with egui_kittest like a user would: drag over a word, press a
//! label key, undo, redo, save, reopen.
#![cfg(feature = "gui")]

mod common;

use common::ui::{drag_select, harness, offset_of, sample_copy, type_key};

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

fn app_for(path: &Path) -> SpanwiseApp {
    let settings = Settings { annotator_name: "Test Coder".into(), ..Settings::default() };
    SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(path)
}

fn annotations_with_text<'a>(
    harness: &'a Harness<'_, SpanwiseApp>,
    text: &str,
) -> Vec<&'a spanwise::model::Annotation> {
    harness.state().document().unwrap().annotations.iter().filter(|a| a.text() == text).map(|a| &**a).collect()
}

#[test]
fn drag_tag_undo_redo_save_reload() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let before = harness.state().document().unwrap().annotations.len();

    let start = offset_of(&harness, "Official");
    drag_select(&mut harness, start, start + "Official".len());
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(start..start + 8));

    type_key(&mut harness, Key::Num4, "4");
    let tagged = annotations_with_text(&harness, "Official");
    assert_eq!(tagged.len(), 1, "one annotation with exactly the dragged word");
    assert_eq!(tagged[0].label, "recommendation");
    assert_eq!(tagged[0].fragments[0].start, start);
    assert_eq!(tagged[0].annotator, "test-coder");
    let id = tagged[0].id;
    assert!(harness.state().is_dirty());
    assert!(harness.state().title().starts_with("● "), "{}", harness.state().title());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(annotations_with_text(&harness, "Official").is_empty(), "undo removes it");
    assert_eq!(harness.state().document().unwrap().annotations.len(), before);

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(annotations_with_text(&harness, "Official").len(), 1, "redo restores it");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run();
    assert_eq!(annotations_with_text(&harness, "Official").len(), 1, "Ctrl+Y redoes too");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(!harness.state().is_dirty());
    let reloaded = store::load(&path).unwrap();
    let saved = reloaded.documents[0].annotation(id).expect("saved annotation");
    assert_eq!(saved.text(), "Official");
    assert_eq!(saved.label, "recommendation");
    assert_eq!(reloaded.annotator("test-coder").map(|a| a.name.as_str()), Some("Test Coder"));
}

#[test]
fn click_highlight_selects_it_and_delete_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    // "Behnam Gholipour" is an Actor in the sample.
    let offset = offset_of(&harness, "Gholipour");
    let rect = harness.state().view.as_ref().unwrap().char_rect(offset + 2).unwrap();
    harness.hover_at(rect.center());
    harness.drag_at(rect.center());
    harness.drop_at(rect.center());
    harness.run();
    let selected = harness.state().selected_annotation.expect("the click selects the annotation");
    let annotation = harness.state().document().unwrap().annotation(selected).unwrap().clone();
    assert_eq!(annotation.text(), "Behnam Gholipour");
    // The inspector shows it, with its annotator.
    harness.get_by_label("Spanwise sample");
    harness.key_press(Key::Delete);
    harness.run();
    assert!(harness.state().document().unwrap().annotation(selected).is_none());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        harness.state().document().unwrap().annotation(selected),
        Some(&annotation),
        "undo brings it back unchanged"
    );
}

#[test]
fn label_key_on_selected_annotation_changes_its_label() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let id = annotations_with_text(&harness, "Behnam Gholipour")[0].id;
    harness.state_mut().command(spanwise::ui::Command::SelectAnnotation(id));
    harness.run();
    type_key(&mut harness, Key::Num2, "2");
    assert_eq!(harness.state().document().unwrap().annotation(id).unwrap().label, "quote");
}

#[test]
fn double_click_selects_a_word_and_label_button_tags_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let offset = offset_of(&harness, "Regime");
    let rect = harness.state().view.as_ref().unwrap().char_rect(offset + 2).unwrap();
    harness.hover_at(rect.center());
    for _ in 0..2 {
        harness.drag_at(rect.center());
        harness.drop_at(rect.center());
        harness.hover_at(rect.center());
    }
    harness.run();
    // Like a browser or word processor, the possessive belongs to the word.
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(offset..offset + 8));
    harness.get_by_label("1  Claim").click();
    harness.run();
    assert_eq!(annotations_with_text(&harness, "Regime’s").first().map(|a| a.label.as_str()), Some("claim"));
}

#[test]
fn annotation_list_filters_and_reveals() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    harness.get_by_label("Search annotations").focus();
    harness.run();
    harness.get_by_label("Search annotations").type_text("Revolutionary");
    harness.run();
    let row = harness.get_by_label("Actor: the Revolutionary Guards");
    row.click();
    harness.run();
    let selected = harness.state().selected_annotation.unwrap();
    let annotation = harness.state().document().unwrap().annotation(selected).unwrap();
    assert_eq!(annotation.text(), "the Revolutionary Guards");
    // Scrolled so that the annotation is painted.
    assert!(harness.state().view.as_ref().unwrap().char_rect(annotation.start()).is_some());
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let id = annotations_with_text(&harness, "Behnam Gholipour")[0].id;
    harness.state_mut().command(spanwise::ui::Command::SelectAnnotation(id));
    harness.run();
    harness.key_press(Key::Delete);
    harness.run();
    harness.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
    harness.step();
    let commands = &harness.output().viewport_output[&egui::ViewportId::ROOT].commands;
    assert!(commands.contains(&egui::ViewportCommand::CancelClose), "{commands:?}");
    harness.run();
    harness.get_by_label("Save changes?");
    harness.get_by_label("Don't save");
    harness.get_by_label("Save").click();
    harness.run();
    // Saved, then allowed to close.
    assert!(!harness.state().is_dirty());
    assert!(store::load(&path).unwrap().documents[0].annotation(id).is_none());
}

#[test]
fn opening_a_text_makes_a_new_unsaved_project_saved_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("article.txt");
    std::fs::write(&text, "Title line\r\n\r\nThe Supreme National Security Council met.\r\n").unwrap();
    let mut harness = harness(app_for(&text));
    assert_eq!(harness.state().document().unwrap().text, "Title line\n\nThe Supreme National Security Council met.\n");
    let start = offset_of(&harness, "The Supreme");
    drag_select(&mut harness, start, start + "The Supreme National Security Council".len());
    type_key(&mut harness, Key::Num3, "3");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    // No path yet: the Save as dialog opens with the suggested name.
    harness.get_by_label("Save project as");
    harness.get_by_label("Save").click();
    harness.run();
    let saved = dir.path().join("article.spanwise.ron");
    let project = store::load(&saved).expect("saved beside the text");
    assert_eq!(project.documents[0].annotations[0].text(), "The Supreme National Security Council");
    assert!(!harness.state().is_dirty());
}

#[test]
fn several_documents_keep_their_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let second = dir.path().join("second.txt");
    std::fs::write(&second, "Another article about lawmakers.").unwrap();
    let mut harness = harness(app_for(&path));
    let first_count = harness.state().document().unwrap().annotations.len();
    harness.state_mut().command(spanwise::ui::Command::AddDocumentPath(second));
    harness.run();
    assert_eq!(harness.state().document().unwrap().name, "second.txt");
    let start = offset_of(&harness, "lawmakers");
    drag_select(&mut harness, start, start + 9);
    type_key(&mut harness, Key::Num3, "3");
    harness.get_by_label_contains("Official Study").click();
    harness.run();
    assert_eq!(harness.state().document().unwrap().annotations.len(), first_count);
    harness.get_by_label_contains("Another article").click();
    harness.run();
    assert_eq!(harness.state().document().unwrap().annotations.len(), 1);
}

#[test]
fn first_start_asks_for_the_annotator_name_and_remembers_it() {
    let dir = tempfile::tempdir().unwrap();
    let settings_path = dir.path().join("config/settings.ron");
    let app = SpanwiseApp::new(AppConfig { settings: Settings::default(), settings_path: Some(settings_path.clone()) });
    let mut harness = harness(app);
    harness.get_by_label("Who is annotating?");
    // No click and no `.focus()`: the prompt has the keyboard when it opens.
    assert!(harness.get_by_label("Your name").is_focused(), "the name field has the focus at once");
    harness.get_by_label("Your name").type_text("Ana María");
    harness.run();
    assert_eq!(harness.get_by_label("Your name").value().as_deref(), Some("Ana María"));
    harness.get_by_label("Continue").click();
    harness.run();
    assert!(harness.state().dialog.is_none());
    assert_eq!(Settings::load(&settings_path).annotator_name, "Ana María");
    // The next start does not ask again.
    let again =
        SpanwiseApp::new(AppConfig { settings: Settings::load(&settings_path), settings_path: Some(settings_path) });
    assert!(again.dialog.is_none());
}

#[test]
fn note_and_boundaries_are_edited_in_the_inspector() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let id = annotations_with_text(&harness, "Behnam Gholipour")[0].id;
    harness.state_mut().command(spanwise::ui::Command::SelectAnnotation(id));
    harness.run();
    harness.get_by_label("Annotation note").focus();
    harness.run();
    harness.get_by_label("Annotation note").type_text("byline, not a source");
    harness.run();
    // Clicking elsewhere commits the note.
    harness.get_by_label("Set span to selection").hover();
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
    let annotation = harness.state().document().unwrap().annotation(id).unwrap().clone();
    assert_eq!(annotation.note, "byline, not a source");
    assert!(annotation.modified > annotation.created);
    // Move the start right by one and the end left by one.
    let buttons: Vec<_> = harness.query_all_by_label(">").collect();
    buttons[0].click();
    harness.run();
    let buttons: Vec<_> = harness.query_all_by_label("<").collect();
    buttons[1].click();
    harness.run();
    assert_eq!(harness.state().document().unwrap().annotation(id).unwrap().text(), "ehnam Gholipou");
    // Each is one undo step.
    for _ in 0..2 {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        harness.run();
    }
    assert_eq!(harness.state().document().unwrap().annotation(id).unwrap().text(), "Behnam Gholipour");
}

#[test]
fn open_dialog_accepts_a_typed_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let settings = Settings { annotator_name: "Test Coder".into(), ..Settings::default() };
    let mut harness = harness(SpanwiseApp::new(AppConfig { settings, settings_path: None }));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    harness.get_by_label("Open a project or text");
    harness.get_by_label("File path").focus();
    harness.run();
    harness.get_by_label("File path").type_text(path.to_str().unwrap());
    harness.run();
    harness.get_by_label("Open").click();
    harness.run();
    assert_eq!(harness.state().project_path(), Some(path.as_path()));
    assert_eq!(
        harness.state().settings.recent_files.first().map(|p| p.file_name().unwrap().to_owned()),
        Some(path.file_name().unwrap().to_owned())
    );
}

#[test]
fn open_dialog_explains_a_missing_file() {
    let settings = Settings { annotator_name: "Test Coder".into(), ..Settings::default() };
    let mut harness = harness(SpanwiseApp::new(AppConfig { settings, settings_path: None }));
    harness.state_mut().command(spanwise::ui::Command::Open);
    harness.run();
    harness.get_by_label("File path").focus();
    harness.run();
    harness.get_by_label("File path").type_text("/no/such/file.txt");
    harness.run();
    harness.get_by_label("Open").click();
    harness.run();
    harness.get_by_label("/no/such/file.txt does not exist");
    assert!(harness.state().document().is_none());
}

#[test]
fn a_damaged_project_is_refused_with_its_problems_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let bad = dir.path().join("bad.spanwise.ron");
    let source = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&bad, source.replacen("end: 74,", "end: 70,", 1)).unwrap();
    let mut harness = harness(app_for(&path));
    let id = annotations_with_text(&harness, "Behnam Gholipour")[0].id;
    harness.state_mut().command(spanwise::ui::Command::SelectAnnotation(id));
    harness.run();
    harness.key_press(Key::Delete);
    harness.run();
    harness.state_mut().command(spanwise::ui::Command::OpenPath(bad.clone()));
    harness.run();
    // Unsaved work: asked first.
    harness.get_by_label("Don't save").click();
    harness.run();
    harness.get_by_label_contains("Cannot open");
    harness.get_by_label_contains(
        "stored text \"Behnam Gholipour\" differs from the document text there, \"Behnam Gholi\"",
    );
    // The open project is untouched, and its unsaved deletion is still there: in the window,
    // still unsaved (so still offered at Save), and in the journal that a crash would recover.
    assert_eq!(harness.state().project_path(), Some(path.as_path()));
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), source.replacen("end: 74,", "end: 70,", 1));
    assert!(harness.state().document().unwrap().annotation(id).is_none(), "the deletion was kept");
    assert!(harness.state().is_dirty(), "and is still unsaved");
    assert!(store::load(&path).unwrap().documents[0].annotation(id).is_some(), "nothing saved behind the user's back");
    let journal = spanwise::store::journal::journal_path_for(&path);
    let contents = spanwise::store::journal::read(&journal).expect("the journal is still there");
    let replayed = spanwise::store::journal::replay(store::load(&path).unwrap(), &contents.entries, false);
    assert!(replayed.failed.is_empty(), "{:?}", replayed.failed);
    assert!(replayed.project.documents[0].annotation(id).is_none(), "the journal has the deletion");
    // Saving now writes it.
    harness.get_by_label("OK").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(store::load(&path).unwrap().documents[0].annotation(id).is_none(), "saved");
}

/// A file dropped on the window.
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
fn dropping_a_text_adds_it_to_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let text = dir.path().join("dropped.md");
    std::fs::write(&text, "# A dropped article\n\nThe *Revolutionary Guards* said so.").unwrap();
    let mut harness = harness(app_for(&path));
    harness.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(text)));
    harness.run();
    assert_eq!(harness.state().project().documents.len(), 2);
    let document = harness.state().document().unwrap();
    assert_eq!(document.text, "A dropped article\n\nThe Revolutionary Guards said so.");
    assert_eq!(document.title(), "A dropped article");
}

/// A first-run app (no name yet) whose settings go to `dir`.
fn first_run_app(dir: &Path) -> (SpanwiseApp, PathBuf) {
    let settings_path = dir.join("config/settings.ron");
    let app = SpanwiseApp::new(AppConfig { settings: Settings::default(), settings_path: Some(settings_path.clone()) });
    (app, settings_path)
}

#[test]
fn the_name_prompt_takes_typing_without_a_click_even_before_the_window_has_focus() {
    // In a real window the OS focus arrives some frames after the first one (or, without a window
    // manager, only when Spanwise takes it). Until then `Response::has_focus()` is false; a prompt
    // that re-requested the focus every such frame interrupted the input method every frame,
    // which in a real X11 window swallowed every key and repainted without end.
    let dir = tempfile::tempdir().unwrap();
    let (app, settings_path) = first_run_app(dir.path());
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_step_dt(1.0 / 60.0)
        .with_max_steps(30)
        .build_ui_state(|ui, app: &mut SpanwiseApp| app.frame_ui(ui), app);
    harness.input_mut().focused = false;
    let mut interrupts = 0;
    for _ in 0..20 {
        harness.step();
        let output = &harness.output().platform_output;
        if output.ime.as_ref().is_some_and(|ime| ime.should_interrupt_composition) {
            interrupts += 1;
        }
    }
    assert!(interrupts <= 1, "the input method was interrupted in {interrupts} of 20 unfocused frames");
    harness.try_run().expect("an unfocused window with the prompt open settles (no repaint loop)");
    harness.get_by_label("Who is annotating?");
    // The window gets the focus; the user types at once, without clicking into the field.
    harness.input_mut().focused = true;
    harness.event(egui::Event::WindowFocused(true));
    harness.run();
    harness.event(egui::Event::Text("Ana Souza".into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.state().dialog.is_none(), "Enter accepted the name");
    assert_eq!(Settings::load(&settings_path).annotator_name, "Ana Souza");
}

#[test]
fn escape_on_the_first_run_takes_the_system_name_and_when_renaming_keeps_the_old_one() {
    use spanwise::ui::dialogs::{Dialog, NamePrompt};
    let dir = tempfile::tempdir().unwrap();
    let (mut app, settings_path) = first_run_app(dir.path());
    app.dialog = Some(Dialog::AnnotatorName(NamePrompt::new("", "Ana Souza")));
    let mut harness = harness(app);
    harness.get_by_label_contains("Esc uses \"Ana Souza\"");
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.state().dialog.is_none());
    assert_eq!(Settings::load(&settings_path).annotator_name, "Ana Souza");

    // Later, from the status bar: Escape cancels the rename.
    harness.get_by_label("Annotator: Ana Souza").click();
    harness.run();
    harness.get_by_label("Who is annotating?");
    harness.event(egui::Event::Text(" Jr".into()));
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.state().dialog.is_none());
    assert_eq!(Settings::load(&settings_path).annotator_name, "Ana Souza");

    // Without a system name, Escape on the first run explains instead of leaving a nameless coder.
    let (mut app, _) = first_run_app(&dir.path().join("other"));
    app.dialog = Some(Dialog::AnnotatorName(NamePrompt::new("", "")));
    let mut nameless = common::ui::harness(app);
    nameless.key_press(Key::Escape);
    nameless.run();
    nameless.get_by_label_contains("Type a name to continue");
    assert!(nameless.state().dialog.is_some());
}

#[test]
fn a_click_on_text_under_a_hidden_label_does_not_select_what_is_not_painted() {
    use spanwise::edit::{Edit, apply};
    use spanwise::model::{Annotation, Annotator, Document, ItemId, Project, now};
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::new("hidden");
    project.documents.push(Document::new("d1", "t.txt", "The Revolutionary Guards said so. Nothing here.".into()));
    apply(&mut project, Edit::AddAnnotator(Annotator { id: "ana".into(), name: "Ana".into() })).unwrap();
    let document = project.document("d1").unwrap();
    let make = |id, label: &str, range| Annotation {
        id: ItemId(id),
        label: label.into(),
        fragments: vec![document.fragment(range).unwrap()],
        annotator: "ana".into(),
        created: now(),
        modified: now(),
        note: String::new(),
        attributes: Default::default(),
    };
    let actor = make(11, "actor", 4..24);
    let claim = make(12, "claim", 0..33);
    for annotation in [actor, claim] {
        apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation }).unwrap();
    }
    let path = dir.path().join("hidden.spanwise.ron");
    store::save(&project, &path).unwrap();
    let mut harness = harness(app_for(&path));
    // Each click on another word, so that two clicks are never taken for a double-click.
    let click_at = |harness: &mut Harness<'_, SpanwiseApp>, needle: &str| {
        let offset = offset_of(harness, needle);
        let rect = harness.state().view.as_ref().unwrap().char_rect(offset + 1).unwrap();
        harness.hover_at(rect.center());
        harness.drag_at(rect.center());
        harness.drop_at(rect.center());
        harness.run();
        harness.state().selected_annotation
    };
    assert_eq!(click_at(&mut harness, "Guards"), Some(ItemId(11)), "the innermost visible one");
    harness.state_mut().hidden_labels.insert("actor".into());
    harness.run();
    assert_eq!(click_at(&mut harness, "Revolutionary"), Some(ItemId(12)), "the Actor is hidden: its Claim is hit");
    harness.state_mut().hidden_labels.insert("claim".into());
    harness.run();
    assert_eq!(click_at(&mut harness, "Guards"), None, "nothing painted there, nothing selected");
}

#[test]
fn resizing_the_window_keeps_the_text_where_it_was() {
    // A real window is resized a few times as it opens (the window manager places and frames it);
    // each resize used to scroll the text by a margin, so the first screen was not what the user
    // had been shown.
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    let first_line = |harness: &Harness<'_, SpanwiseApp>| harness.state().view.as_ref().unwrap().char_rect(0).unwrap();
    let top = first_line(&harness).top();
    for width in [1300.0, 1400.0, 1350.0, 1400.0] {
        harness.set_size(egui::vec2(width, 900.0));
        harness.run();
    }
    assert_eq!(first_line(&harness).top(), top, "the text did not move");
    // Scrolled down, the line at the top of the view stays at the top.
    let offset = offset_of(&harness, "Ruling clerics");
    harness.state_mut().view.as_mut().unwrap().scroll_to = Some(offset);
    harness.run();
    let before = first_line_at(&harness, offset);
    for width in [1300.0, 1400.0] {
        harness.set_size(egui::vec2(width, 900.0));
        harness.run();
    }
    let after = first_line_at(&harness, offset);
    assert!((after - before).abs() < 1.0, "the line moved from y={before} to y={after}");
}

fn first_line_at(harness: &Harness<'_, SpanwiseApp>, offset: usize) -> f32 {
    harness.state().view.as_ref().unwrap().char_rect(offset).unwrap().top()
}

/// A window whose first frames show the spinner of a file being opened (it keeps repainting).
fn opening_harness(app: SpanwiseApp) -> Harness<'static, SpanwiseApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_step_dt(1.0 / 60.0)
        .with_context_setup(spanwise::ui::fonts::install)
        .build_ui_state(|ui, app: &mut SpanwiseApp| app.frame_ui(ui), app)
}

/// Steps the window until the project named at start-up has been read on its thread.
fn until_opened(harness: &mut Harness<'_, SpanwiseApp>) {
    let started = std::time::Instant::now();
    while harness.state().opening().is_some() {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the project never finished opening");
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.step();
    }
    harness.run();
}

#[test]
fn a_project_named_at_start_up_opens_while_the_window_shows() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let expected = store::load(&path).unwrap();
    let context = egui::Context::default();
    let app = SpanwiseApp::new(AppConfig { settings: common::ui::test_settings(), settings_path: None })
        .with_file_in_background(&path, &context);
    assert_eq!(app.opening(), Some(path.as_path()), "read on another thread, not before the first frame");
    let mut window = opening_harness(app);
    until_opened(&mut window);
    assert_eq!(window.state().project(), &expected);
    assert_eq!(window.state().project_path(), Some(path.as_path()));
    assert!(!window.state().is_dirty());
    // The window works on it: the list shows the sample's annotations,
    let count = expected.annotation_count();
    assert!(!window.query_all_by_label_contains(&format!("{count} of {count}")).collect::<Vec<_>>().is_empty());

    // A damaged file: the specific error, and the empty project stays as it was.
    std::fs::write(&path, "this is not a project").unwrap();
    let app = SpanwiseApp::new(AppConfig { settings: common::ui::test_settings(), settings_path: None })
        .with_file_in_background(&path, &context);
    let mut window = opening_harness(app);
    until_opened(&mut window);
    let dialog = window.state().dialog.as_ref().map(|d| d.describe()).unwrap_or_default();
    assert_eq!(dialog, format!("error: Cannot open {}", path.display()));
    assert_eq!(window.state().project().annotation_count(), 0);
    assert_eq!(window.state().project_path(), None);
}

#[test]
fn a_double_click_next_to_the_annotation_just_made_selects_that_word() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = harness(app_for(&path));
    for (word, key, text) in [("Official", Key::Num2, "2"), ("Fear", Key::Num3, "3")] {
        // A person's next double-click comes later than egui's triple-click window (0.6 s).
        for _ in 0..45 {
            harness.step();
        }
        let start = offset_of(&harness, word);
        let at = harness.state().view.as_ref().unwrap().char_rect(start + 1).expect("on screen").center();
        common::ui::double_click(&mut harness, at);
        let selected = harness.state().view.as_ref().and_then(|v| v.selected_range());
        assert_eq!(selected, Some(start..start + word.chars().count()), "double-click on {word}");
        type_key(&mut harness, key, text);
    }
}
