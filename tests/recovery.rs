//! Crash recovery: edits are journalled as they happen, and the next start offers them back.
//!
//! `kill_9_loses_nothing` is the real thing: the `spanwise` binary in a virtual X display, driven
//! with `xdotool` like a user, killed with SIGKILL, then restarted through the library. The
//! other tests do the same in-process with `egui_kittest` (an app dropped without saving is a
//! crash as far as the disk is concerned).
#![cfg(feature = "gui")]

mod common;

use common::real_window::{Display, RealApp, require};
use common::ui::{drag_select, harness_sized, offset_of, sample_copy, type_key};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::edit::{Direction, Edit};
use spanwise::model::Annotation;
use spanwise::settings::Settings;
use spanwise::store::{self, journal, lock};
use spanwise::ui::{AppConfig, Command as AppCommand, SpanwiseApp};

fn settings() -> Settings {
    Settings { annotator_name: "Test Coder".into(), ..Settings::default() }
}

/// An app as a user would start it, with its settings (and so its recovery folder) in `config`.
fn app_with_config(config: Option<&Path>) -> SpanwiseApp {
    SpanwiseApp::new(AppConfig { settings: settings(), settings_path: config.map(|c| c.join("settings.ron")) })
}

fn app_for(path: &Path) -> SpanwiseApp {
    app_with_config(None).with_file(path)
}

fn start(app: SpanwiseApp) -> Harness<'static, SpanwiseApp> {
    harness_sized(app, 1400.0, 900.0)
}

/// Selects `needle` by dragging and tags it with the label key `digit`.
fn tag(harness: &mut Harness<'_, SpanwiseApp>, needle: &str, key: Key, digit: &str) {
    let start = offset_of(harness, needle);
    drag_select(harness, start, start + needle.chars().count());
    type_key(harness, key, digit);
}

fn with_text<'a>(project: &'a spanwise::model::Project, text: &str) -> Vec<&'a Annotation> {
    project.documents[0].annotations.iter().filter(|a| a.text() == text).map(|a| &**a).collect()
}

fn journal_lines(path: &Path) -> usize {
    std::fs::read_to_string(journal::journal_path_for(path)).map_or(0, |t| t.lines().count())
}

/// Files in `dir` whose names contain `part`.
fn files_containing(dir: &Path, part: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(part))
        .collect()
}

#[test]
fn every_edit_is_journalled_at_once_and_saving_removes_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_for(&path));
    assert_eq!(journal_lines(&path), 0, "no journal before the first edit");
    tag(&mut harness, "Official", Key::Num4, "4");
    assert_eq!(journal_lines(&path), 2, "header and one edit");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    let contents = journal::read(&journal::journal_path_for(&path)).unwrap();
    let directions: Vec<Direction> = contents.entries.iter().map(|e| e.direction).collect();
    assert_eq!(directions, [Direction::Apply, Direction::Undo, Direction::Redo]);
    assert!(contents.stop.is_none());
    match &contents.header.base {
        journal::Base::File { sha256, size } => {
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(*sha256, store::sha256_of(&bytes));
            assert_eq!(*size, bytes.len() as u64);
        }
        other => panic!("a journal beside a saved file starts from the file, not {other:?}"),
    }
    assert!(harness.state().journal_path().is_some());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(!journal::journal_path_for(&path).exists(), "saving removes the journal");
    assert!(harness.state().journal_path().is_none());
    // The next edit starts a new journal from the file just saved.
    tag(&mut harness, "Fear", Key::Num3, "3");
    let contents = journal::read(&journal::journal_path_for(&path)).unwrap();
    assert_eq!(contents.entries.len(), 1);
    let journal::Base::File { sha256, .. } = &contents.header.base else { panic!("file base") };
    assert_eq!(*sha256, store::sha256_of(&std::fs::read(&path).unwrap()));
}

#[test]
fn an_app_gone_without_saving_is_recovered_exactly_with_its_undo_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let original = std::fs::read(&path).unwrap();
    let mut harness = start(app_for(&path));
    tag(&mut harness, "Official", Key::Num2, "2");
    tag(&mut harness, "Fear", Key::Num3, "3");
    // Delete an existing annotation, relabel another.
    let gholipour = with_text(harness.state().project(), "Behnam Gholipour")[0].id;
    harness.state_mut().command(AppCommand::SelectAnnotation(gholipour));
    harness.run();
    harness.key_press(Key::Delete);
    harness.run();
    let iranwire = with_text(harness.state().project(), "IranWire")[0].id;
    harness.state_mut().command(AppCommand::SelectAnnotation(iranwire));
    harness.run();
    type_key(&mut harness, Key::Num1, "1");
    let expected = harness.state().project().clone();
    drop(harness);

    assert_eq!(std::fs::read(&path).unwrap(), original, "the saved file was not touched");
    let mut harness = start(app_for(&path));
    harness.get_by_label("Recover unsaved work?");
    harness.get_by_label("4");
    harness.get_by_label("1 annotator added; 2 annotations added, 1 changed, 1 deleted");
    assert!(harness.state().document().unwrap().annotation(gholipour).is_some(), "not recovered before asked");
    harness.get_by_label("Recover").click();
    harness.run();
    assert!(harness.state().dialog.is_none());
    assert_eq!(*harness.state().project(), expected, "exactly what was there");
    assert!(harness.state().is_dirty(), "recovered work is unsaved until saved");
    assert_eq!(std::fs::read(&path).unwrap(), original, "recovering does not write the project file");
    // The undo history came back too: undo the relabel, then the delete.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().document().unwrap().annotation(iranwire).unwrap().label, "actor");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().document().unwrap().annotation(gholipour).is_some());
    // And what happens now is journalled in turn: a second crash loses nothing either.
    let state = harness.state().project().clone();
    drop(harness);
    let mut harness = start(app_for(&path));
    harness.get_by_label("Recover").click();
    harness.run();
    assert_eq!(*harness.state().project(), state);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(store::load(&path).unwrap(), state);
    assert!(files_containing(dir.path(), ".journal").is_empty(), "nothing left behind after a clean recovery");
}

#[test]
fn discard_keeps_the_journal_aside_and_opens_the_file_as_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_for(&path));
    tag(&mut harness, "Official", Key::Num2, "2");
    drop(harness);
    let journal_text = std::fs::read_to_string(journal::journal_path_for(&path)).unwrap();
    let mut harness = start(app_for(&path));
    harness.get_by_label("Discard").click();
    harness.run();
    assert!(with_text(harness.state().project(), "Official").is_empty());
    assert!(!harness.state().is_dirty());
    assert!(!journal::journal_path_for(&path).exists());
    let aside = files_containing(dir.path(), ".journal.discarded-");
    assert_eq!(aside.len(), 1, "kept under another name");
    assert_eq!(std::fs::read_to_string(&aside[0]).unwrap(), journal_text, "not changed");
    drop(harness);
    // Not offered again.
    let harness = start(app_for(&path));
    assert!(harness.state().dialog.is_none());
}

#[test]
fn a_torn_last_line_is_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_for(&path));
    tag(&mut harness, "Official", Key::Num2, "2");
    tag(&mut harness, "Fear", Key::Num3, "3");
    drop(harness);
    // A crash in the middle of writing the second edit's line.
    let journal_path = journal::journal_path_for(&path);
    let text = std::fs::read_to_string(&journal_path).unwrap();
    let cut = text.len() - 40;
    std::fs::write(&journal_path, &text[..cut]).unwrap();

    let contents = journal::read(&journal_path).unwrap();
    assert_eq!(contents.entries.len(), 1);
    assert!(matches!(contents.stop, Some(journal::Stop::Torn { line: 3, .. })), "{:?}", contents.stop);

    let mut harness = start(app_for(&path));
    harness.get_by_label_contains("line 3 was only partly written");
    harness.get_by_label("1 annotator added; 1 annotation added");
    harness.get_by_label("Recover").click();
    harness.run();
    assert_eq!(with_text(harness.state().project(), "Official").len(), 1);
    assert!(with_text(harness.state().project(), "Fear").is_empty());
    // Something was lost, so the damaged journal is kept for inspection.
    assert_eq!(files_containing(dir.path(), ".journal.recovered-incomplete-").len(), 1);
    // The recovered state has its own, complete journal.
    let fresh = journal::read(&journal_path).unwrap();
    assert!(fresh.stop.is_none());
    assert!(matches!(fresh.header.base, journal::Base::Snapshot(_)));
}

#[test]
fn a_journal_on_a_file_changed_since_applies_what_still_fits() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_for(&path));
    tag(&mut harness, "Official", Key::Num2, "2");
    drop(harness);
    // Someone else saves the file meanwhile (another coder, a git pull).
    let mut theirs = store::load(&path).unwrap();
    theirs.description = "changed elsewhere".into();
    store::save(&theirs, &path).unwrap();
    let mut harness = start(app_for(&path));
    harness.get_by_label_contains("changed by someone else");
    harness.get_by_label("Recover").click();
    harness.run();
    assert_eq!(harness.state().project().description, "changed elsewhere");
    assert_eq!(with_text(harness.state().project(), "Official").len(), 1);
    assert!(harness.state().is_dirty());
}

#[test]
fn an_unsaved_project_is_offered_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let text = dir.path().join("article.txt");
    std::fs::copy(common::sample_text_path(), &text).unwrap();
    let mut harness = start(app_with_config(Some(&config)).with_file(&text));
    assert!(harness.state().project_path().is_none());
    tag(&mut harness, "Official", Key::Num2, "2");
    let expected = harness.state().project().clone();
    let journal_path = harness.state().journal_path().unwrap().to_owned();
    assert!(journal_path.starts_with(journal::session_dir(&config)), "{}", journal_path.display());
    drop(harness);

    // The next start, with nothing on the command line.
    let mut harness = start(app_with_config(Some(&config)));
    harness.get_by_label_contains("the unsaved project \"article\"");
    harness.get_by_label("1 annotator added; 1 annotation added");
    harness.get_by_label("Recover").click();
    harness.run();
    assert_eq!(*harness.state().project(), expected);
    assert!(harness.state().is_dirty());
    assert!(harness.state().project_path().is_none());
    // Save goes where it would have gone: beside the text.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    let saved = dir.path().join("article.spanwise.ron");
    assert_eq!(store::load(&saved).unwrap(), expected);
    assert!(files_containing(&journal::session_dir(&config), ".journal").is_empty());
}

#[test]
fn quitting_without_saving_keeps_the_edits_aside_and_a_clean_quit_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_for(&path));
    tag(&mut harness, "Official", Key::Num2, "2");
    harness.state_mut().command(AppCommand::Quit);
    harness.run();
    harness.get_by_label("Don't save").click();
    harness.run();
    assert!(!journal::journal_path_for(&path).exists());
    assert_eq!(files_containing(dir.path(), ".journal.unsaved-").len(), 1);
    drop(harness);

    let mut harness = start(app_for(&path));
    assert!(harness.state().dialog.is_none(), "a choice not to save is respected");
    tag(&mut harness, "Fear", Key::Num2, "2");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(!harness.state().is_dirty());
    harness.state_mut().command(AppCommand::Quit);
    harness.run();
    assert!(!journal::journal_path_for(&path).exists(), "nothing unsaved: the journal is removed");
}

#[test]
fn the_command_line_shows_what_a_journal_would_restore() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_for(&path));
    tag(&mut harness, "Official", Key::Num2, "2");
    tag(&mut harness, "Fear", Key::Num3, "3");
    let expected = harness.state().project().clone();
    drop(harness);
    let output = Command::new(env!("CARGO_BIN_EXE_spanwise"))
        .args(["recover", path.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("edits: 2"), "{stdout}");
    assert!(stdout.contains("add quote \"Official\" (0..8)"), "{stdout}");
    assert!(stdout.contains("add actor \"Fear\""), "{stdout}");
    assert!(stdout.contains("changes: 1 annotator added; 2 annotations added"), "{stdout}");
    assert!(stdout.contains("(unchanged)"), "{stdout}");
    assert!(journal::journal_path_for(&path).exists(), "a dry run changes nothing");

    let out = dir.path().join("recovered.spanwise.ron");
    let status = Command::new(env!("CARGO_BIN_EXE_spanwise"))
        .args(["recover", path.to_str().unwrap(), "--output", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(status.status.success());
    assert_eq!(store::load(&out).unwrap(), expected);
}

#[test]
fn journal_writer_syncs_at_most_once_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.journal");
    let project = common::tricky_project();
    let owner = spanwise::store::lock::LockOwner::current("test");
    let mut writer = journal::JournalWriter::create(
        &path,
        &owner,
        None,
        None,
        journal::StartFrom::Snapshot(&project),
        &Default::default(),
    )
    .unwrap();
    let edit = Edit::RemoveAnnotation { document: "d1".into(), id: project.documents[0].annotations[0].id };
    let applied = [spanwise::edit::Applied { direction: Direction::Apply, edit: edit.clone() }];
    // Created (and fsynced) just now: the first edit is written at once, its fsync waits.
    writer.append(&applied).unwrap();
    let first_due = writer.sync_due_in().expect("an fsync is pending");
    assert!(first_due <= journal::SYNC_INTERVAL);
    assert_eq!(journal::read(&path).unwrap().entries.len(), 1, "written: a crash of the process loses nothing");
    // More edits within the same second: each written at once, none fsynced, and the pending
    // fsync is not pushed back (it is due when the first one was).
    for n in 2..=5 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        writer.append(&applied).unwrap();
        writer.sync_if_due().unwrap();
        let due = writer.sync_due_in().unwrap_or_else(|| panic!("edit {n} was fsynced within the second"));
        assert!(due < first_due, "edit {n} moved the fsync later: {due:?} after {first_due:?}");
        assert_eq!(journal::read(&path).unwrap().entries.len(), n);
    }
    // Once the second is over, the next check fsyncs, and the next edit waits again.
    std::thread::sleep(writer.sync_due_in().unwrap());
    writer.sync_if_due().unwrap();
    assert!(writer.sync_due_in().is_none(), "fsynced once the second was over");
    writer.append(&applied).unwrap();
    let due = writer.sync_due_in().expect("the edit right after an fsync waits for the next second");
    assert!(due > journal::SYNC_INTERVAL / 2, "{due:?}");
    // An edit arriving after a quiet second is fsynced at once.
    std::thread::sleep(journal::SYNC_INTERVAL);
    writer.sync_if_due().unwrap();
    assert!(writer.sync_due_in().is_none());
    std::thread::sleep(journal::SYNC_INTERVAL);
    writer.append(&applied).unwrap();
    assert!(writer.sync_due_in().is_none(), "an edit after a quiet second is fsynced with its write");
    assert_eq!(journal::read(&path).unwrap().entries.len(), 7);
    // A journal is never overwritten: a second one at the same place sets the first aside.
    drop(writer);
    let _second = journal::JournalWriter::create(
        &path,
        &owner,
        None,
        None,
        journal::StartFrom::Snapshot(&project),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(files_containing(dir.path(), ".journal.replaced-").len(), 1);
}

// ---------------------------------------------------------------------------------------------
// A process killed while it holds the lock, without a display: the test binary runs itself again
// as the owner of the project (`KILL_9_CHILD` names the folder), edits through the app like a
// user, and is killed with SIGKILL. Nothing runs at its exit: the lock stays, the journal is as
// far as it got.

const KILL_9_CHILD: &str = "SPANWISE_TEST_KILL_9_CHILD";
const KILL_9_TEST: &str = "killed_while_holding_the_lock_loses_nothing";

/// A text with `ü`, an emoji outside the BMP, a ZWJ sequence, Persian with ZWNJ, Chinese, and
/// CRLF line ends (as a file from Windows).
const TRICKY_TEXT: &str =
    "Müller wrote: “Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.”\r\nشبکه\u{200c}های اجتماعی 社交媒体 matter.\r\n";

/// The tags made in the tricky document: (text, label).
const TRICKY_TAGS: [(&str, &str); 4] = [
    ("Grüße 🎉", "quote"),
    ("👨\u{200d}👩\u{200d}👧 family", "actor"),
    ("شبکه\u{200c}های اجتماعی", "claim"),
    ("社交媒体", "actor"),
];

fn char_range(text: &str, needle: &str) -> std::ops::Range<usize> {
    let byte = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

/// The child: opens the project, edits, says it is ready, and waits to be killed.
fn be_the_killed_owner(dir: &Path) -> ! {
    let path = dir.join("sample.spanwise.ron");
    let mut harness = start(app_for(&path));
    assert!(harness.state().read_only_because().is_none(), "the child owns the file");
    tag(&mut harness, "Official", Key::Num2, "2");
    let gholipour = with_text(harness.state().project(), "Behnam Gholipour")[0].id;
    harness.state_mut().command(AppCommand::SelectAnnotation(gholipour));
    harness.run();
    harness.key_press(Key::Delete);
    harness.run();
    harness.state_mut().command(AppCommand::AddDocumentPath(dir.join("tricky.txt")));
    harness.run();
    let document = harness.state().document().unwrap();
    let (id, text) = (document.id.clone(), document.text.clone());
    let coder = spanwise::model::Annotator { id: "test-coder".into(), name: "Test Coder".into() };
    for (needle, label) in TRICKY_TAGS {
        harness.state_mut().session_mut().tag(&id, char_range(&text, needle), label, &coder).unwrap();
    }
    harness.run();
    store::save(harness.state().project(), &dir.join("expected.spanwise.ron")).unwrap();
    std::fs::write(dir.join("ready"), std::process::id().to_string()).unwrap();
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn killed_while_holding_the_lock_loses_nothing() {
    use std::os::unix::process::ExitStatusExt;
    if let Some(dir) = std::env::var_os(KILL_9_CHILD) {
        be_the_killed_owner(Path::new(&dir));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    std::fs::write(dir.path().join("tricky.txt"), TRICKY_TEXT).unwrap();
    let original = std::fs::read(&path).unwrap();
    let log = dir.path().join("child.log");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([KILL_9_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(KILL_9_CHILD, dir.path())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(dir.path().join("child.err")).unwrap())
        .spawn()
        .unwrap();
    let ready = dir.path().join("ready");
    let started = Instant::now();
    while !ready.exists() {
        let output = || {
            let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
            format!("{}{}", read("child.log"), read("child.err"))
        };
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child ended ({status}) before it was killed:\n{}", output());
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the child was not ready after 120 s:\n{}", output());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = child.id();
    assert_eq!(lock::read_owner(&path).map(|o| o.pid), Some(pid), "the child holds the lock");
    let expected = store::load(&dir.path().join("expected.spanwise.ron")).unwrap();

    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "{status}");

    // Nothing ran at exit: the lock is still there, naming a process that is gone.
    let owner = lock::read_owner(&path).expect("the lock was left behind");
    assert_eq!(owner.pid, pid);
    assert!(!owner.is_alive(), "its owner is dead");
    assert_eq!(std::fs::read(&path).unwrap(), original, "the project file was never written");
    assert!(journal_lines(&path) >= 4, "the journal has the edits");

    // The next start takes the stale lock over and offers the work back.
    let mut restarted = start(app_for(&path));
    assert!(restarted.state().read_only_because().is_none(), "a dead owner's lock does not make it read-only");
    assert_eq!(lock::read_owner(&path).map(|o| o.pid), Some(std::process::id()), "the lock is ours now");
    restarted.get_by_label("Recover unsaved work?");
    restarted.get_by_label("Recover").click();
    restarted.run();
    assert_eq!(*restarted.state().project(), expected, "exactly what the killed process had");
    assert!(restarted.state().is_dirty());
    let tricky = &restarted.state().project().documents[1];
    assert_eq!(tricky.text, TRICKY_TEXT.replace("\r\n", "\n"), "CRLF read as line breaks");
    for (needle, label) in TRICKY_TAGS {
        let found: Vec<_> = tricky.annotations.iter().filter(|a| a.text() == needle).collect();
        assert_eq!(found.len(), 1, "{needle}");
        assert_eq!(found[0].label, label, "{needle}");
        assert_eq!(found[0].fragments[0].start..found[0].fragments[0].end, char_range(&tricky.text, needle));
    }
    // The undo history survived too: the last tag first.
    restarted.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    restarted.run();
    let tricky = &restarted.state().project().documents[1];
    assert!(tricky.annotations.iter().all(|a| a.text() != "社交媒体"), "undo took the last tag back");
    // Saved, the file has the work and the lock is released at the end.
    restarted.key_press_modifiers(Modifiers::COMMAND, Key::S);
    restarted.run();
    assert_eq!(store::load(&path).unwrap(), *restarted.state().project());
    drop(restarted);
    assert!(!lock::lock_path(&path).exists(), "released when closed");
}

// ---------------------------------------------------------------------------------------------
// The real process, killed.

/// Where a character is on screen: the same layout as the real 1400x900 window at the top left
/// of the display (there is no window manager to decorate or move it).
fn screen_point(harness: &Harness<'_, SpanwiseApp>, offset: usize, at_left: bool) -> (i32, i32) {
    let rect = harness.state().view.as_ref().unwrap().char_rect(offset).expect("on screen");
    let x = if at_left { rect.left() + 1.0 } else { rect.right() - 1.0 };
    (x.round() as i32, rect.center().y.round() as i32)
}

#[test]
fn kill_9_loses_nothing() {
    let Some(_one_at_a_time) = require(&["Xvfb", "xdotool", "import"], "kill_9_loses_nothing") else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    Settings { annotator_name: "Kill Test".into(), ..Settings::default() }
        .save(&home.join(".config/spanwise/settings.ron"))
        .unwrap();
    let path = sample_copy(dir.path());
    let original = std::fs::read(&path).unwrap();

    // Where the words are, from the same app laid out headless at the window's size (a copy of
    // the file, so that nothing touches the one under test).
    let layout_dir = tempfile::tempdir().unwrap();
    let layout = start(app_for(&sample_copy(layout_dir.path())));
    let official = screen_point(&layout, offset_of(&layout, "Official") + 3, true);
    let fear = screen_point(&layout, offset_of(&layout, "Fear") + 1, true);
    let social = offset_of(&layout, "Social Media");
    let drag_from = screen_point(&layout, social, true);
    let drag_to = screen_point(&layout, social + "Social Media".len() - 1, false);
    let gholipour = screen_point(&layout, offset_of(&layout, "Gholipour") + 2, true);
    let layout_view = layout;

    let display = Display::start(dir.path(), false);
    let mut app = RealApp::launch(&display, &home, &[&path]);
    // The title changes from "Spanwise" to the file name once the first frame has run.
    app.window("sample.spanwise.ron");
    app.wait_state("dialog", "none", Duration::from_secs(60));
    // No window manager and no `xdotool windowfocus`: Spanwise takes the keyboard focus itself.
    std::thread::sleep(Duration::from_millis(500));

    let lines = |n: usize, what: &str, app: &RealApp| {
        let start = Instant::now();
        while journal_lines(&path) < n {
            if start.elapsed() > Duration::from_secs(60) {
                let shot = app.display.screenshot(&format!("{what}.png"));
                panic!("no journal line for {what} (screenshot {})", shot.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(journal_lines(&path), n, "{what}");
    };
    let point = |p: (i32, i32)| [p.0.to_string(), p.1.to_string()];

    // Each selection is waited for (the state report names it) before its label key, so that a
    // slow frame on a loaded machine does not turn the key into a relabel of the previous tag.
    let selected = |needle: &str, app: &RealApp| {
        let start = offset_of(&layout_view, needle);
        app.wait_state("selection", &format!("{start}..{}", start + needle.chars().count()), Duration::from_secs(60));
    };
    // 1. Double-click a word, press 2 (Quote).
    let [x, y] = point(official);
    display.xdotool(&["mousemove", &x, &y, "click", "--repeat", "2", "--delay", "80", "1"]);
    selected("Official", &app);
    display.xdotool(&["key", "2"]);
    lines(2, "quote", &app);
    // 2. Double-click another, press 3 (Actor); later than egui's triple-click window (0.6 s
    // after the previous double-click), as a person would.
    std::thread::sleep(Duration::from_millis(700));
    let [x, y] = point(fear);
    display.xdotool(&["mousemove", &x, &y, "click", "--repeat", "2", "--delay", "80", "1"]);
    selected("Fear", &app);
    display.xdotool(&["key", "3"]);
    lines(3, "actor", &app);
    // 3. Drag over two words, press 1 (Claim). Each step of the drag is a frame apart.
    let ([x1, y1], [x2, y2]) = (point(drag_from), point(drag_to));
    let x1b = (drag_from.0 + 8).to_string();
    display.xdotool(&["mousemove", &x1, &y1, "sleep", "0.3", "mousedown", "1", "sleep", "0.3"]);
    display.xdotool(&["mousemove", &x1b, &y1, "sleep", "0.3", "mousemove", &x2, &y2, "sleep", "0.3", "mouseup", "1"]);
    selected("Social Media", &app);
    display.xdotool(&["key", "1"]);
    lines(4, "claim", &app);
    // 4. Undo it, 5. redo it.
    display.xdotool(&["key", "ctrl+z"]);
    lines(5, "undo", &app);
    display.xdotool(&["key", "ctrl+shift+z"]);
    lines(6, "redo", &app);
    // 6. Click an existing highlight and delete it.
    let [x, y] = point(gholipour);
    display.xdotool(&["mousemove", &x, &y, "click", "1"]);
    std::thread::sleep(Duration::from_millis(300));
    display.xdotool(&["key", "Delete"]);
    lines(7, "delete", &app);

    // SPANWISE_TEST_SHOTS=/some/dir keeps a screenshot of the window just before the kill (a
    // moment after the last edit, so that the window has painted it).
    std::thread::sleep(Duration::from_secs(1));
    display.screenshot("kill-9-before-kill.png");
    app.kill_9();
    assert_eq!(std::fs::read(&path).unwrap(), original, "the project file was never written");

    // What the command line says the journal holds.
    let output = Command::new(env!("CARGO_BIN_EXE_spanwise"))
        .args(["recover", path.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("edits: 6"), "{stdout}");
    assert!(stdout.contains("add quote \"Official\""), "{stdout}");
    assert!(stdout.contains("add actor \"Fear\""), "{stdout}");
    assert!(stdout.contains("add claim \"Social Media\""), "{stdout}");
    assert!(stdout.contains("changes: 1 annotator added; 3 annotations added, 1 deleted"), "{stdout}");

    // Restart (headless, through the library) and recover.
    let mut restarted = start(app_for(&path));
    restarted.get_by_label("Recover unsaved work?");
    restarted.get_by_label("1 annotator added; 3 annotations added, 1 deleted");
    restarted.get_by_label("Recover").click();
    restarted.run();
    let project = &restarted.state().project();
    let base = store::load(&path).unwrap();
    for (text, label) in [("Official", "quote"), ("Fear", "actor"), ("Social Media", "claim")] {
        let found = with_text(project, text);
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!(found[0].label, label, "{text}");
        assert_eq!(found[0].annotator, "kill-test", "{text}");
    }
    assert!(with_text(project, "Behnam Gholipour").is_empty(), "the deletion came back too");
    assert_eq!(project.annotation_count(), base.annotation_count() + 2);
    assert_eq!(project.annotator("kill-test").map(|a| a.name.as_str()), Some("Kill Test"));
    assert!(restarted.state().is_dirty());
    // The undo history survived the kill: undo the delete, then the claim.
    restarted.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    restarted.run();
    assert_eq!(with_text(restarted.state().project(), "Behnam Gholipour").len(), 1);
    restarted.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    restarted.run();
    assert!(with_text(restarted.state().project(), "Social Media").is_empty());
}

#[test]
fn a_damaged_session_journal_is_reported_and_set_aside_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let sessions = journal::session_dir(&config);
    std::fs::create_dir_all(&sessions).unwrap();
    let damaged = sessions.join("old-session.journal");
    std::fs::write(&damaged, "(journal: \"spanwise-journal\", version: 1, sess").unwrap();
    // Old enough not to be a journal still being started by a running instance.
    let status = Command::new("touch").args(["-d", "2 hours ago"]).arg(&damaged).status().unwrap();
    assert!(status.success());
    let harness = start(app_with_config(Some(&config)));
    harness.get_by_label("An autosave journal cannot be recovered");
    harness.get_by_label_contains("its first line (the header) was not completely written");
    assert!(!damaged.exists());
    assert_eq!(files_containing(&sessions, "old-session.journal.unreadable-").len(), 1);
}
