//! The classroom in the real window (the `spanwise` binary under Xvfb with openbox and a fresh
//! `HOME`), with the keyboard only: File › Prepare assignment… (through the command palette)
//! with typed instructions and Ctrl+Enter; two students annotate the handout; Analysis › Grade
//! students… grades their files, typed one after the other with Enter, and Alt+C writes the
//! gradebook, which is exactly what `spanwise grade --csv` writes; a student who opens the
//! handout sees its instructions first. Screenshots are kept with
//! `SPANWISE_TEST_SHOTS=/some/dir`.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::classroom::{key, pat, sam};
use common::real_window::{Display, RealApp, require, wait_for};
use spanwise::settings::Settings;
use spanwise::store;

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import"];
const SETTLE: Duration = Duration::from_secs(60);

/// Waits until the dialog's description satisfies `done`.
fn wait_dialog(app: &RealApp<'_>, what: &str, done: impl Fn(&str) -> bool) {
    wait_for(what, SETTLE, || done(&app.state_of("dialog")));
}

/// Runs a command by name through the command palette (Ctrl+K), as a keyboard user would.
fn palette(display: &Display, app: &RealApp<'_>, name: &str) {
    display.xdotool(&["key", "ctrl+k"]);
    app.wait_state("dialog", "command palette", SETTLE);
    display.xdotool(&["type", "--delay", "30", name]);
    std::thread::sleep(Duration::from_millis(300));
    display.xdotool(&["key", "Return"]);
}

#[test]
fn prepare_an_assignment_then_grade_two_students_and_export_the_gradebook_with_the_keyboard() {
    let test = "prepare_an_assignment_then_grade_two_students_and_export_the_gradebook_with_the_keyboard";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    Settings { annotator_name: "Instructor".into(), ..Settings::default() }
        .save(&home.join(".config/spanwise/settings.ron"))
        .unwrap();
    let key_path = dir.path().join("week3.spanwise.ron");
    store::save(&key(), &key_path).unwrap();

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&key_path]);
    app.window("week3.spanwise.ron");
    app.wait_state("dialog", "none", SETTLE);

    // Prepare the assignment: instructions typed on two lines, Ctrl+Enter writes it beside the key.
    palette(&display, &app, "Prepare assignment");
    app.wait_state("dialog", "assignment", SETTLE);
    std::thread::sleep(Duration::from_millis(500));
    display.xdotool(&["type", "--delay", "20", "Tag every claim, quote and actor."]);
    display.xdotool(&["key", "Return"]);
    display.xdotool(&["type", "--delay", "20", "Link each quote to its speaker."]);
    std::thread::sleep(Duration::from_millis(300));
    display.screenshot("classroom-assignment-dialog.png");
    display.xdotool(&["key", "ctrl+Return"]);
    wait_dialog(&app, "the assignment written", |d| d.starts_with("assignment: written"));
    std::thread::sleep(Duration::from_millis(300));
    display.screenshot("classroom-assignment-written.png");
    let handout_path = dir.path().join("week3-assignment.spanwise.ron");
    let handout = store::load(&handout_path).unwrap();
    assert_eq!(handout.instructions, "Tag every claim, quote and actor.\nLink each quote to its speaker.");
    assert!(handout.codebook.locked);
    assert_eq!(handout.annotation_count(), 0, "the key stays with the instructor");
    assert!(handout.memos.is_empty());
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);

    // Two students annotate the handout and hand it back.
    let class = dir.path().join("class");
    std::fs::create_dir(&class).unwrap();
    let (pat_path, sam_path) = (class.join("pat.spanwise.ron"), class.join("sam.spanwise.ron"));
    store::save(&pat(&handout), &pat_path).unwrap();
    store::save(&sam(&handout), &sam_path).unwrap();

    // Grade them: each path typed, Enter; then Alt+C writes the gradebook.
    palette(&display, &app, "Grade students");
    wait_dialog(&app, "the Grade dialog", |d| d.starts_with("grade: 0 graded"));
    // The students field takes the keyboard when the dialog is drawn.
    std::thread::sleep(Duration::from_millis(500));
    for student in [&pat_path, &sam_path] {
        display.xdotool(&["type", "--delay", "10", &student.display().to_string()]);
        display.xdotool(&["key", "Return"]);
        // As a person would: the field has the keyboard again before the next path is typed.
        std::thread::sleep(Duration::from_millis(700));
    }
    app.wait_state("dialog", "grade: 2 graded, 0 with problems", SETTLE);
    // The pointer out of the way (no tooltip over the table).
    display.xdotool(&["mousemove", "5", "990"]);
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot("classroom-grade-table.png");
    display.xdotool(&["key", "alt+c"]);
    wait_dialog(&app, "the gradebook", |d| d.contains("Gradebook written"));
    std::thread::sleep(Duration::from_millis(300));
    display.screenshot("classroom-gradebook-written.png");
    let window_csv = std::fs::read_to_string(dir.path().join("week3-grades.csv")).unwrap();
    let cli_csv = dir.path().join("cli.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_spanwise"))
        .args([Path::new("grade"), &key_path, &pat_path, &sam_path, Path::new("--csv"), &cli_csv])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert_eq!(window_csv, std::fs::read_to_string(&cli_csv).unwrap());
    assert!(window_csv.lines().nth(1).unwrap().starts_with("Pat,pat.spanwise.ron,2,2,1.0000,1.0000,"));
    assert!(window_csv.lines().nth(2).unwrap().starts_with("Sam,sam.spanwise.ron,2,2,0.5000,0.0000,0.2500,"));
    app.assert_idle("the Grade dialog open after grading");

    // Late files, a whole folder typed at once: one unreadable, one of another assignment. They
    // are listed with the reason.
    let late = dir.path().join("late");
    std::fs::create_dir(&late).unwrap();
    std::fs::write(late.join("broken.spanwise.ron"), "(format: \"spanwise\", version: 1, project: (").unwrap();
    let mut other = spanwise::model::Project::new("another assignment");
    other.documents.push(spanwise::formats::text::import("Andere Grüße.\r\n", "d1".into(), "x.txt".into()));
    store::save(&other, &late.join("other.spanwise.ron")).unwrap();
    display.xdotool(&["type", "--delay", "10", &late.display().to_string()]);
    display.xdotool(&["key", "Return"]);
    wait_dialog(&app, "the late files", |d| d.starts_with("grade: 4 graded, 2 with problems: Gradebook written"));
    display.xdotool(&["mousemove", "5", "990"]);
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot("classroom-grade-problems.png");
    display.xdotool(&["key", "Escape"]);
    app.wait_state("dialog", "none", SETTLE);
    assert!(app.is_running());
    display.xdotool(&["key", "ctrl+q"]);
    let mut app = app;
    assert!(app.wait_exit(SETTLE), "the instructor's Spanwise quits");

    // A student opens the handout: the instructions come first; Enter starts.
    let student_home = dir.path().join("student-home");
    Settings { annotator_name: "Student".into(), ..Settings::default() }
        .save(&student_home.join(".config/spanwise/settings.ron"))
        .unwrap();
    let student = RealApp::launch(&display, &student_home, &[&handout_path]);
    student.window("week3-assignment.spanwise.ron");
    student.wait_state("dialog", "assignment instructions", SETTLE);
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot("classroom-student-instructions.png");
    display.xdotool(&["key", "Return"]);
    student.wait_state("dialog", "none", SETTLE);
}
