//! File › Import…, File › Open URL… and Document › Clean up… in the window, driven headless with
//! egui_kittest as a user would: keys, typed paths, clicks.
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::http::serve;
use common::ui::{harness, test_settings};
use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::ui::dialogs::Dialog;
use spanwise::ui::{AppConfig, SpanwiseApp};

const TRICKY: &str = "Grüße 👋🏽 👨‍👩‍👧 می‌خواهم 中文";

fn app() -> SpanwiseApp {
    SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None })
}

fn shared() -> PathBuf {
    common::manifest_dir().join("../shared")
}

/// Types a path into the focused field and presses Enter.
fn type_line(harness: &mut Harness<'_, SpanwiseApp>, text: &str) {
    harness.event(Event::Text(text.into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

/// Runs frames until the import has finished (the worker wakes the window), at most 60 s.
fn wait_for_import(harness: &mut Harness<'_, SpanwiseApp>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while harness.state().import_job.is_some() {
        assert!(Instant::now() < deadline, "the import did not finish");
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    harness.run();
}

fn message(harness: &Harness<'_, SpanwiseApp>) -> (String, String) {
    match &harness.state().dialog {
        Some(Dialog::Message { title, message }) | Some(Dialog::Error { title, message }) => {
            (title.clone(), message.clone())
        }
        other => panic!("expected a message, got {other:?}"),
    }
}

fn open_import(harness: &mut Harness<'_, SpanwiseApp>, sources: &[&Path]) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    harness.get_by_label("Import documents");
    for source in sources {
        type_line(harness, &source.display().to_string());
    }
}

#[test]
fn a_folder_imports_with_progress_and_a_summary_as_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("corpus");
    std::fs::create_dir_all(folder.join("sub")).unwrap();
    for i in 0..40 {
        let text = format!("Article {i}\r\n{TRICKY} number {i}.\r\n");
        std::fs::write(folder.join(if i % 2 == 0 { "sub" } else { "." }).join(format!("a{i:02}.txt")), text).unwrap();
    }
    std::fs::write(folder.join("copy.txt"), format!("Article 3\r\n{TRICKY} number 3.\r\n")).unwrap();
    std::fs::write(folder.join("empty.txt"), "").unwrap();
    let mut harness = harness(app());
    open_import(&mut harness, &[&folder]);
    harness.get_by_label(&format!("{} (folder)", folder.display()));
    harness.get_by_label("Import").click();
    harness.run();
    wait_for_import(&mut harness);

    let (title, summary) = message(&harness);
    assert_eq!(title, "Import finished");
    assert!(summary.starts_with("Imported 40, skipped 1, failed 1."), "{summary}");
    assert!(summary.contains("copy.txt: same text as \"a03.txt\""), "{summary}");
    assert!(summary.contains("empty.txt: is empty (no text)"), "{summary}");
    let project = harness.state().project();
    assert_eq!(project.documents.len(), 40);
    let third = project.documents.iter().find(|d| d.name == "a03.txt").unwrap();
    assert_eq!(third.text, format!("Article 3\n{TRICKY} number 3.\n"), "CRLF becomes LF, the rest is kept");
    assert!(harness.state().is_dirty());

    harness.key_press(Key::Enter); // closes the summary
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().project().documents.is_empty(), "one undo removes the whole import");
}

#[test]
fn the_progress_window_counts_and_cancel_stops_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("many");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..300 {
        std::fs::write(folder.join(format!("f{i:03}.txt")), format!("{TRICKY} {i}")).unwrap();
    }
    // Two slow pages first keep both workers of a 2-core machine busy while the user cancels.
    let page = b"<html><head><title>Slow</title></head><body><article><p>A slow page.</p></article></body></html>";
    let routes = vec![
        ("/slow1", 200, "Content-Type: text/html\r\n", page.to_vec()),
        ("/slow2", 200, "Content-Type: text/html\r\n", page.to_vec()),
    ];
    let (base, server) = serve(routes, 2, Duration::from_secs(2));
    let mut harness = harness(app());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    // Typed sources are paths; URLs go through Open URL. Start the job as the dialog would, with
    // the URLs first.
    let mut request = spanwise::ui::import_job::ImportRequest::new(vec![
        spanwise::formats::import::Input::Url(format!("{base}/slow1")),
        spanwise::formats::import::Input::Url(format!("{base}/slow2")),
        spanwise::formats::import::Input::Path(folder.clone()),
    ]);
    request.skip_duplicates = true;
    harness.state_mut().dialog = None;
    harness.state_mut().command(spanwise::ui::Command::StartImport(request));
    harness.run();
    harness.get_by_label("Importing…");
    harness.get_by_label("Cancel").click();
    harness.run();
    wait_for_import(&mut harness);
    server.join().unwrap();
    let (title, summary) = message(&harness);
    assert_eq!(title, "Import cancelled");
    assert!(summary.contains("(cancelled: the rest was not imported)"), "{summary}");
    let count = harness.state().project().documents.len();
    assert!(count < 302, "cancel stopped the rest; {count} imported");
}

#[test]
fn a_csv_corpus_imports_with_the_chosen_text_column() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("items.csv");
    std::fs::write(
        &csv,
        format!(
            "id,headline,story,outlet\r\n1,First,\"{TRICKY}\r\nsecond line\",Zeit\r\n2,Second,Another story,Taz\r\n"
        ),
    )
    .unwrap();
    let mut harness = harness(app());
    open_import(&mut harness, &[&csv]);
    // The preview shows the header and rows; no usual text column name, so the first is chosen.
    harness.get_by_label("Text column of items.csv:");
    harness.get_by_label("Another story");
    harness.get_by_role(egui::accesskit::Role::ComboBox).click();
    harness.run();
    harness.query_all_by_label("story").next().unwrap().click();
    harness.run();
    harness.get_by_label("Import").click();
    harness.run();
    wait_for_import(&mut harness);
    let (_, summary) = message(&harness);
    assert!(summary.starts_with("Imported 2, skipped 0, failed 0."), "{summary}");
    let project = harness.state().project();
    assert_eq!(project.documents[0].text, format!("{TRICKY}\nsecond line"));
    assert_eq!(project.documents[0].metadata["outlet"], "Zeit");
    assert_eq!(project.documents[0].metadata["headline"], "First");
    assert_eq!(project.documents[1].text, "Another story");
}

#[test]
fn open_url_fetches_a_page_from_a_local_server_and_keeps_its_address() {
    let guardian = std::fs::read(shared().join("fixtures/readability/guardian-1/source.html")).unwrap();
    let routes = vec![
        ("/guardian", 200, "Content-Type: text/html; charset=utf-8\r\n", guardian),
        ("/photo", 200, "Content-Type: image/png\r\n", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
    ];
    let (base, server) = serve(routes, 3, Duration::ZERO);
    let mut harness = harness(app());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run();
    harness.get_by_label("Open URL");
    type_line(&mut harness, &format!("{base}/guardian"));
    wait_for_import(&mut harness);
    let document = harness.state().document().expect("the page is shown");
    assert_eq!(document.name, "'What is the sea telling us?': Māori tribes fearful over whale strandings");
    assert_eq!(document.metadata["source"], format!("{base}/guardian"));
    assert_eq!(document.metadata["author"], "Eleanor Ainge Roy");
    assert!(harness.state().status.as_deref().unwrap_or_default().starts_with("Imported"));

    // A page that is not there: a specific error.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run();
    type_line(&mut harness, &format!("{base}/missing"));
    wait_for_import(&mut harness);
    let (title, text) = message(&harness);
    assert_eq!(title, "Cannot open the URL");
    assert!(text.contains("404 (page not found)"), "{text}");
    harness.key_press(Key::Enter);
    harness.run();

    // Not a page at all.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run();
    type_line(&mut harness, &format!("{base}/photo"));
    wait_for_import(&mut harness);
    server.join().unwrap();
    let (_, text) = message(&harness);
    assert!(text.ends_with("the address gives image/png, not a web page, PDF or text"), "{text}");
    assert_eq!(harness.state().project().documents.len(), 1);
}

#[test]
fn the_seed_is_offered_a_clean_up_that_removes_exactly_the_proposed_clutter() {
    let seed = shared().join("seeds/000_7653fdbd5543f69c.txt");
    let mut harness = harness(app().with_file(&seed));
    harness.run();
    let original = harness.state().document().unwrap().text.clone();
    let expected = spanwise::formats::cleanup::plan(&original);
    harness.get_by_label("Clean up…").click();
    harness.run();
    harness.get_by_label(&format!("Clean up {}", "000_7653fdbd5543f69c.txt"));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert!(harness.state().dialog.is_none());
    let document = harness.state().document().unwrap();
    assert_eq!(document.text, expected.apply(&original), "exactly the proposed removals");
    assert!(document.text.starts_with("Official Study Reveals the Regime’s Fear of Social Media\n\nAccording"));
    assert!(!document.text.contains("Close button") && !document.text.contains("5 min read"));
    assert_eq!(document.metadata["title"], "Official Study Reveals the Regime’s Fear of Social Media");
    assert_eq!(document.metadata["author"], "Behnam Gholipour");
    assert_eq!(document.metadata["date"], "2020-12-18");
    // One undo step brings the page back, and the view shows it.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().document().unwrap().text, original);
}

#[test]
fn an_annotated_text_cannot_be_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::ui::sample_copy(dir.path());
    let mut harness = harness(app().with_file(&path));
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
    harness.run();
    harness.get_by_label_contains("its text is fixed");
    let before = harness.state().document().unwrap().text.clone();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert_eq!(harness.state().document().unwrap().text, before);
}

#[test]
fn the_encoding_is_shown_and_a_text_can_be_read_again_in_another() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.txt");
    // "Grüße aus Köln" in Windows-1252, with CRLF.
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("Grüße aus Köln, schöne Grüße.\r\nZweite Zeile ü.\r\n");
    std::fs::write(&path, &bytes).unwrap();
    let mut harness = harness(app().with_file(&path));
    assert_eq!(harness.state().document().unwrap().text, "Grüße aus Köln, schöne Grüße.\nZweite Zeile ü.\n");
    // The status bar says how the file was read; clicking it offers to read it again.
    harness.get_by_role_and_label(egui::accesskit::Role::Link, "windows-1252").click();
    harness.run();
    harness.get_by_label("Read as windows-1252.");
    harness.get_by_role(egui::accesskit::Role::ComboBox).click();
    harness.run();
    harness.get_by_label("windows-1251").click();
    harness.run();
    harness.get_by_label("Read again").click();
    harness.run();
    let document = harness.state().document().unwrap();
    assert_eq!(document.metadata["encoding"], "windows-1251");
    assert_eq!(document.text, "GrьЯe aus Kцln, schцne GrьЯe.\nZweite Zeile ь.\n");
    harness.get_by_role_and_label(egui::accesskit::Role::Link, "windows-1251"); // the status bar follows
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().document().unwrap().text, "Grüße aus Köln, schöne Grüße.\nZweite Zeile ü.\n");
}

#[test]
fn browse_chooses_several_files_and_a_whole_folder_in_spanwise_s_own_chooser() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("articles");
    std::fs::create_dir_all(folder.join("more")).unwrap();
    std::fs::write(folder.join("a.txt"), format!("First {TRICKY}\n")).unwrap();
    std::fs::write(folder.join("b.txt"), "Second article.\n").unwrap();
    std::fs::write(folder.join("more/c.txt"), "Third article.\n").unwrap();
    let mut harness = harness(app());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();

    // Browse…: two files picked with clicks, then Add.
    harness.get_by_label("Browse…").click();
    harness.run();
    harness.get_by_label("Import documents from");
    harness.get_by_label("File path").click();
    harness.run();
    harness.get_by_label("File path").type_text(&folder.display().to_string());
    harness.run();
    harness.key_press(Key::Enter); // a folder: the chooser goes into it
    harness.run();
    harness.get_by_label("a.txt").click();
    harness.run();
    harness.get_by_label("b.txt").click();
    harness.run();
    harness.get_by_label("Add").click();
    harness.run();
    let sources = |harness: &Harness<'_, SpanwiseApp>| match &harness.state().dialog {
        Some(Dialog::Import(setup)) => setup.sources.clone(),
        other => panic!("the Import dialog, not {other:?}"),
    };
    assert_eq!(sources(&harness), [folder.join("a.txt"), folder.join("b.txt")]);

    // Browse… again starts in that folder: its subfolder, whole.
    harness.get_by_label("Browse…").click();
    harness.run();
    harness.get_by_label("more/").click();
    harness.run();
    harness.get_by_label("Whole folder").click();
    harness.run();
    assert_eq!(sources(&harness), [folder.join("a.txt"), folder.join("b.txt"), folder.join("more")]);
    harness.get_by_label(&format!("{} (folder)", folder.join("more").display()));

    harness.get_by_label("Import").click();
    harness.run();
    wait_for_import(&mut harness);
    let mut names: Vec<String> = harness.state().project().documents.iter().map(|d| d.name.clone()).collect();
    names.sort();
    assert_eq!(names, ["a.txt", "b.txt", "c.txt"]);
}
