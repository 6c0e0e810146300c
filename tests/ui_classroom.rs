//! The classroom in the window, driven headless with egui_kittest: File › Prepare assignment…
//! writes the handout (no key in it) and the student sees its instructions on opening it;
//! Analysis › Grade students… grades a small class with known answers (the same grades as the
//! library), sorts by a clicked header, and writes the gradebook CSV and the feedback pages exactly
//! as `spanwise grade --csv --html` does. Texts carry ü, an emoji outside the BMP, a ZWJ
//! sequence, Persian with ZWNJ, Chinese, imported with CRLF.
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::classroom::{INSTRUCTIONS, key, pat, sam};
use common::ui::{harness, test_settings};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::analysis::assignment::handout;
use spanwise::analysis::grade::grade;
use spanwise::model::Project;
use spanwise::store;
use spanwise::ui::dialogs::{Dialog, GradeDialog};
use spanwise::ui::grading::Column;
use spanwise::ui::{AppConfig, SpanwiseApp};

fn app_for(path: &Path) -> SpanwiseApp {
    SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(path)
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

fn dialog_text(app: &SpanwiseApp) -> String {
    app.dialog.as_ref().map_or_else(|| "none".into(), Dialog::describe)
}

fn grade_dialog(app: &SpanwiseApp) -> &GradeDialog {
    match &app.dialog {
        Some(Dialog::Grade(dialog)) => dialog,
        other => panic!("no Grade dialog: {other:?}"),
    }
}

fn spanwise(args: &[&Path]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_spanwise")).args(args).output().expect("run spanwise");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn prepare_assignment_writes_the_handout_and_the_student_sees_the_instructions() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("week3.spanwise.ron");
    store::save(&key(), &key_path).unwrap();
    let mut harness = harness(app_for(&key_path));
    harness.state_mut().command(spanwise::ui::Command::PrepareAssignment);
    harness.run();
    assert_eq!(dialog_text(harness.state()), "assignment");
    // What is left out is said before anything is written.
    harness.get_by_label_contains(
        "Left out (the key): 5 annotations, 1 relation, 1 memo, 1 document variable value and 1 annotator",
    );
    harness.get_by_label("Instructions for the students").type_text(INSTRUCTIONS);
    harness.run();
    // Writing over the key itself is refused.
    let destination = harness.get_by_label("Assignment file");
    destination.click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Assignment file").type_text(&key_path.display().to_string());
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Write assignment").click();
    harness.run();
    assert!(dialog_text(harness.state()).contains("the key's own file"), "{}", dialog_text(harness.state()));
    let out = dir.path().join("week3 handout 🎉.spanwise.ron");
    harness.get_by_label("Assignment file").click();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Assignment file").type_text(&out.display().to_string());
    harness.run();
    // Ctrl+Enter writes.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    run_until(&mut harness, "the assignment", |app| dialog_text(app).starts_with("assignment: written"));
    assert_eq!(store::load(&key_path).unwrap().annotation_count(), 5, "the key is untouched");
    let handout = store::load(&out).unwrap();
    assert_eq!(handout.annotation_count(), 0);
    assert!(handout.memos.is_empty() && handout.documents.iter().all(|d| d.relations.is_empty()));
    assert!(handout.codebook.locked);
    assert_eq!(handout.instructions, INSTRUCTIONS);
    assert_eq!(handout.documents.len(), 2);
    harness.get_by_role_and_label(Role::Button, "Close").click();
    harness.run();
    assert_eq!(dialog_text(harness.state()), "none");

    // Again, to the same file: it exists, so the first Write only says so; the second replaces it.
    harness.state_mut().command(spanwise::ui::Command::PrepareAssignment);
    harness.run();
    harness.get_by_label("Assignment file").click();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Assignment file").type_text(&out.display().to_string());
    harness.run();
    harness.get_by_label("Instructions for the students").click();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Instructions for the students").type_text("Revised: claims only.");
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Write assignment").click();
    harness.run();
    assert!(
        dialog_text(harness.state()).ends_with("exists. Write again to replace it."),
        "{}",
        dialog_text(harness.state())
    );
    assert_eq!(store::load(&out).unwrap().instructions, INSTRUCTIONS, "not replaced yet");
    harness.get_by_role_and_label(Role::Button, "Write assignment").click();
    run_until(&mut harness, "the assignment replaced", |app| dialog_text(app).starts_with("assignment: written"));
    assert_eq!(store::load(&out).unwrap().instructions, "Revised: claims only.");
    // A folder that does not exist is named.
    harness.key_press(Key::Enter);
    harness.run();
    harness.state_mut().command(spanwise::ui::Command::PrepareAssignment);
    harness.run();
    harness.get_by_label("Assignment file").click();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Assignment file").type_text(&dir.path().join("nowhere/a.spanwise.ron").display().to_string());
    harness.key_press(Key::Enter);
    harness.run();
    assert!(dialog_text(harness.state()).contains("nowhere does not exist"), "{}", dialog_text(harness.state()));
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(dialog_text(harness.state()), "none");
    // The original handout for the student.
    store::save(&spanwise::analysis::assignment::handout(&key(), INSTRUCTIONS).0, &out).unwrap();

    // The student opens it: the instructions first; Help shows them again.
    let mut student = harness_for_student(&out);
    assert_eq!(dialog_text(student.state()), "assignment instructions");
    student.get_by_label_contains("Link each quote to its speaker");
    student.get_by_role_and_label(Role::Button, "Start").click();
    student.run();
    assert_eq!(dialog_text(student.state()), "none");
    student.state_mut().command(spanwise::ui::Command::ShowInstructions);
    student.run();
    assert_eq!(dialog_text(student.state()), "assignment instructions");
}

fn harness_for_student(path: &Path) -> Harness<'static, SpanwiseApp> {
    harness(app_for(path))
}

/// The class: Pat (all right), Sam (known mistakes), a broken file, and a file of another
/// assignment, in `class/`; the key beside it.
fn class(dir: &Path) -> (PathBuf, Vec<PathBuf>) {
    let key = key();
    let key_path = dir.join("key.spanwise.ron");
    store::save(&key, &key_path).unwrap();
    let (handout, _) = handout(&key, INSTRUCTIONS);
    let class = dir.join("class");
    std::fs::create_dir(&class).unwrap();
    let pat_path = class.join("pat.spanwise.ron");
    store::save(&pat(&handout), &pat_path).unwrap();
    let sam_path = class.join("sam.spanwise.ron");
    store::save(&sam(&handout), &sam_path).unwrap();
    let broken = class.join("broken.spanwise.ron");
    std::fs::write(&broken, "(format: \"spanwise\", version: 1, project: (name: \"x\"").unwrap();
    let mut other = Project::new("another assignment");
    other.documents.push(spanwise::formats::text::import("Andere Grüße 🎉 社交.\r\n", "d1".into(), "x.txt".into()));
    let other_path = class.join("other.spanwise.ron");
    store::save(&other, &other_path).unwrap();
    (key_path, vec![pat_path, broken, other_path, sam_path])
}

#[test]
fn grading_a_class_sorts_exports_the_clis_csv_and_writes_feedback() {
    let dir = tempfile::tempdir().unwrap();
    let (key_path, students) = class(dir.path());
    let mut harness = harness(app_for(&key_path));
    harness.state_mut().command(spanwise::ui::Command::GradeStudents);
    harness.run();
    assert!(dialog_text(harness.state()).starts_with("grade: 0 graded"));
    // The dialog says what the key is (this key has no gold layer: all its annotations).
    let key_annotations = harness.state().project().annotation_count();
    assert!(
        harness.query_by_label_contains(&format!("all its annotations: {key_annotations} annotation")).is_some(),
        "the key's layer and size are named"
    );
    // One file typed, Enter; then the rest of its folder with one click.
    harness.get_by_label("Student file or folder").type_text(&students[0].display().to_string());
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label_contains("Add the other 3 project files in").click();
    harness.run();
    run_until(&mut harness, "grading", |app| {
        let dialog = grade_dialog(app);
        dialog.rows.len() == 4 && !dialog.is_running()
    });
    let dialog = grade_dialog(harness.state());
    let files: Vec<&str> = dialog.rows.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(files, ["pat.spanwise.ron", "broken.spanwise.ron", "other.spanwise.ron", "sam.spanwise.ron"]);
    // The same grades as the library.
    let key = store::load(&key_path).unwrap();
    for (row, path) in dialog.rows.iter().zip(&students) {
        match store::load(path) {
            Ok(student) => assert_eq!(row.result.as_ref().unwrap().grade, grade(&key, &student), "{}", row.file),
            Err(_) => assert!(row.result.is_err()),
        }
    }
    // Every student is listed, with the reason where something is wrong.
    let problems: Vec<Option<String>> = dialog.rows.iter().map(|r| r.problem()).collect();
    assert!(problems[0].is_none() && problems[3].is_none(), "{problems:?}");
    assert!(problems[1].as_deref().unwrap().starts_with("cannot be read: "), "{problems:?}");
    assert_eq!(problems[2].as_deref(), Some("none of the key's texts is in this file (another assignment?)"));
    harness.get_by_label_contains("none of the key's texts is in this file");
    harness.get_by_label_contains("cannot be read: ");
    // Known answers on screen: Sam's exact F1 (1 of 5 key spans, 4 spans of his) = 0.222.
    assert!(!harness.query_all_by_label("0.222").collect::<Vec<_>>().is_empty());

    // Sorting: a click on Exact F1 puts the best first, a second click the worst; rows without a
    // value stay last.
    let order = |h: &Harness<'_, SpanwiseApp>| -> Vec<String> {
        let dialog = grade_dialog(h.state());
        dialog.order().into_iter().map(|i| dialog.rows[i].file.clone()).collect()
    };
    harness.get_by_label("Exact F1").click();
    harness.run();
    assert_eq!(grade_dialog(harness.state()).sort, Column::F1(spanwise::analysis::span_f1::Mode::Exact));
    assert_eq!(order(&harness), ["pat.spanwise.ron", "sam.spanwise.ron", "other.spanwise.ron", "broken.spanwise.ron"]);
    harness.get_by_label("Exact F1 ▼").click();
    harness.run();
    assert_eq!(order(&harness), ["other.spanwise.ron", "sam.spanwise.ron", "pat.spanwise.ron", "broken.spanwise.ron"]);
    harness.get_by_label("Exact F1 ▲");
    // Per label: Sam's quote is right by overlap, not exactly.
    harness.get_by_role_and_label(Role::Button, "Quote").click();
    harness.run();
    let dialog = grade_dialog(harness.state());
    let sam_row = &dialog.rows[3];
    let quote = dialog.scope.unwrap();
    assert_eq!(key.codebook.labels[quote].id, "quote");
    assert_eq!(sam_row.value(Column::F1(spanwise::analysis::span_f1::Mode::Exact), Some(quote)), Some(0.0));
    assert_eq!(sam_row.value(Column::F1(spanwise::analysis::span_f1::Mode::Overlap), Some(quote)), Some(1.0));

    // The gradebook (Alt+C) is exactly what the CLI writes, rows in the order added.
    let csv_path = dir.path().join("key-grades.csv");
    harness.key_press_modifiers(Modifiers::ALT, Key::C);
    harness.run();
    assert!(dialog_text(harness.state()).contains("Gradebook written"), "{}", dialog_text(harness.state()));
    let cli_csv = dir.path().join("cli.csv");
    let cli_html = dir.path().join("cli-feedback");
    let mut args: Vec<&Path> = vec![Path::new("grade"), &key_path];
    args.extend(students.iter().map(PathBuf::as_path));
    args.extend([Path::new("--csv"), &cli_csv, Path::new("--html"), &cli_html]);
    let (code, stderr) = spanwise(&args);
    assert_eq!(code, 1, "the broken file fails the CLI run: {stderr}");
    let window_csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(window_csv, std::fs::read_to_string(&cli_csv).unwrap());
    assert_eq!(window_csv.lines().count(), 4, "header, pat, other, sam");

    // Feedback pages: the CLI's, one per graded student.
    harness.get_by_role_and_label(Role::Button, "Write feedback").click();
    run_until(&mut harness, "the feedback pages", |app| dialog_text(app).contains("Feedback written"));
    assert!(dialog_text(harness.state()).contains("Feedback written: 3 pages"), "{}", dialog_text(harness.state()));
    for name in ["pat.html", "sam.html", "other.html"] {
        let window = std::fs::read_to_string(dir.path().join("feedback").join(name)).unwrap();
        assert_eq!(window, std::fs::read_to_string(cli_html.join(name)).unwrap(), "{name}");
    }
    assert!(!dir.path().join("feedback/broken.html").exists());
    harness.get_by_role_and_label(Role::Button, "Close").click();
    harness.run();
    assert_eq!(dialog_text(harness.state()), "none");
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
fn a_class_of_forty_dropped_on_the_dialog_is_graded_off_the_ui_thread() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = common::ui::sample_copy(dir.path());
    let bea = common::manifest_dir().join("tests/fixtures/agreement/bea.spanwise.ron");
    let class = dir.path().join("class");
    std::fs::create_dir(&class).unwrap();
    for n in 1..=40 {
        std::fs::copy(&bea, class.join(format!("student-{n:02}.spanwise.ron"))).unwrap();
    }
    let mut harness = harness(app_for(&key_path));
    harness.state_mut().command(spanwise::ui::Command::GradeStudents);
    harness.run();
    // The whole folder dropped on the dialog.
    harness.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(class.clone())));
    harness.step();
    harness.step();
    // The frames go on while the files are read and graded on the worker.
    let dialog = grade_dialog(harness.state());
    assert!(dialog.is_running(), "{}", dialog.describe());
    assert!(dialog.rows.len() < 40, "frames were drawn before the class was graded");
    assert!(dialog_text(harness.state()).ends_with(", working"), "{}", dialog_text(harness.state()));
    run_until(&mut harness, "forty students", |app| {
        let dialog = grade_dialog(app);
        dialog.rows.len() == 40 && !dialog.is_running()
    });
    let key = store::load(&key_path).unwrap();
    let expected = grade(&key, &store::load(&bea).unwrap());
    let dialog = grade_dialog(harness.state());
    assert_eq!(dialog.rows[0].file, "student-01.spanwise.ron");
    assert_eq!(dialog.rows[39].file, "student-40.spanwise.ron");
    assert!(dialog.rows.iter().all(|row| row.result.as_ref().unwrap().grade == expected));
    assert!(dialog.rows.iter().all(|row| row.problem().is_none()));
}

#[test]
fn spanwises_chooser_takes_a_whole_folder_of_students() {
    let dir = tempfile::tempdir().unwrap();
    let (key_path, _) = class(dir.path());
    let mut harness = harness(app_for(&key_path));
    harness.state_mut().command(spanwise::ui::Command::GradeStudents);
    harness.run();
    // Tests have no system file dialog: Spanwise's chooser opens inside the dialog.
    harness.query_all_by_role_and_label(Role::Button, "Choose…").next().unwrap().click();
    harness.run();
    harness.get_by_label("Students' files (or a folder of them)");
    harness.get_by_label("class/").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Use this folder").click();
    harness.run();
    run_until(&mut harness, "the folder graded", |app| {
        let dialog = grade_dialog(app);
        dialog.rows.len() == 4 && !dialog.is_running()
    });
    let files: Vec<String> = grade_dialog(harness.state()).rows.iter().map(|r| r.file.clone()).collect();
    assert_eq!(files, ["broken.spanwise.ron", "other.spanwise.ron", "pat.spanwise.ron", "sam.spanwise.ron"]);
    // The same folder again adds nobody twice.
    harness.get_by_label("Student file or folder").click();
    harness.run();
    harness.get_by_label("Student file or folder").type_text(&dir.path().join("class").display().to_string());
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(grade_dialog(harness.state()).rows.len(), 4);
    assert!(!grade_dialog(harness.state()).is_running());
    assert_eq!(grade_dialog(harness.state()).student_input, "", "taken");
    // Another Pat of the same file name (another folder) would share Pat's row name and page.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::copy(dir.path().join("class/pat.spanwise.ron"), elsewhere.join("pat.spanwise.ron")).unwrap();
    harness.get_by_label("Student file or folder").type_text(&elsewhere.join("pat.spanwise.ron").display().to_string());
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(grade_dialog(harness.state()).rows.len(), 4, "{:?}", grade_dialog(harness.state()));
    assert!(
        dialog_text(harness.state()).contains("Not added: a file of the same name is listed already"),
        "{}",
        dialog_text(harness.state())
    );
}

/// A system file dialog where the user picks the given files (all at once).
struct PicksSeveral(Vec<PathBuf>, std::sync::Mutex<Vec<spanwise::ui::native_dialogs::NativeRequest>>);

impl spanwise::ui::native_dialogs::DialogBackend for PicksSeveral {
    fn show(
        &self,
        request: &spanwise::ui::native_dialogs::NativeRequest,
        shown: &dyn Fn(),
    ) -> spanwise::ui::native_dialogs::Answer {
        self.1.lock().unwrap().push(request.clone());
        shown();
        spanwise::ui::native_dialogs::Answer::ChosenMany(self.0.clone())
    }
}

#[test]
fn the_system_dialog_adds_several_students_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (key_path, students) = class(dir.path());
    let backend = std::sync::Arc::new(PicksSeveral(vec![students[0].clone(), students[3].clone()], Default::default()));
    let settings =
        spanwise::settings::Settings { file_chooser: spanwise::settings::FileChooser::System, ..test_settings() };
    let app = SpanwiseApp::new(AppConfig { settings, settings_path: None })
        .with_native_dialogs(spanwise::ui::native_dialogs::NativeDialogs::new(backend.clone(), true))
        .with_file(&key_path);
    let mut harness = harness(app);
    harness.state_mut().command(spanwise::ui::Command::GradeStudents);
    harness.run();
    harness.query_all_by_role_and_label(Role::Button, "Choose…").next().unwrap().click();
    run_until(
        &mut harness,
        "both students graded",
        |app| matches!(&app.dialog, Some(Dialog::Grade(d)) if d.rows.len() == 2 && !d.is_running()),
    );
    let request = backend.1.lock().unwrap()[0].clone();
    assert!(request.multiple && !request.saves, "{request:?}");
    assert_eq!(request.title, "Students' files (or a folder of them)");
    let files: Vec<&str> = grade_dialog(harness.state()).rows.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(files, ["pat.spanwise.ron", "sam.spanwise.ron"]);
}
