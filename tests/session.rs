//! The file-safety rules of a `Session`, without a window: journalling, saving, recovery, a file
//! changed on disk, a second instance, and the generation that tells views the project changed.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{sample_project_path, sample_text_path};
use spanwise::edit::{Edit, apply};
use spanwise::model::{Annotation, Annotator, IdGenerator, Project, now};
use spanwise::session::{FileChangeChoice, Notice, Opened, RecoveryStep, SaveOutcome, Session};
use spanwise::store::{self, journal};

fn ana() -> Annotator {
    Annotator { id: "ana".into(), name: "Ana".into() }
}

/// A copy of the sample project in `dir`.
fn sample_copy(dir: &Path) -> PathBuf {
    let path = dir.join("sample.spanwise.ron");
    std::fs::copy(sample_project_path(), &path).unwrap();
    path
}

fn open(path: &Path, config: Option<&Path>) -> Session {
    let mut session = Session::new(config);
    assert_eq!(session.open(path), Some(Opened::Project(path.to_owned())));
    drain(&mut session);
    session
}

/// Every notice queued so far.
fn drain(session: &mut Session) -> Vec<Notice> {
    std::iter::from_fn(|| session.next_notice()).collect()
}

/// Tags the first occurrence of `needle` in the first document.
fn tag(session: &mut Session, needle: &str, label: &str) -> spanwise::model::ItemId {
    let document = &session.project().documents[0];
    let byte = document.text.find(needle).unwrap();
    let start = document.text[..byte].chars().count();
    let id = document.id.clone();
    session.tag(&id, start..start + needle.chars().count(), label, &ana()).unwrap()
}

fn journal_lines(path: &Path) -> usize {
    std::fs::read_to_string(journal::journal_path_for(path)).map_or(0, |t| t.lines().count())
}

/// Someone else adds a claim over the first 7 characters and saves.
fn their_change(path: &Path) -> Project {
    let mut theirs = store::load(path).unwrap();
    let fragment = theirs.documents[0].fragment(0..7).unwrap();
    let annotation = Annotation::new(IdGenerator::seeded(77).next_id(), "claim", vec![fragment], "bo", now());
    apply(&mut theirs, Edit::AddAnnotator(Annotator { id: "bo".into(), name: "Bo".into() })).unwrap();
    let document = theirs.documents[0].id.clone();
    apply(&mut theirs, Edit::AddAnnotation { document, annotation }).unwrap();
    // A different size, so that the change is seen even within the file system's time resolution.
    theirs.description.push_str(" (edited elsewhere)");
    store::save(&theirs, path).unwrap();
    theirs
}

#[test]
fn every_edit_is_journalled_at_once_and_a_save_removes_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut session = open(&path, None);
    assert_eq!(journal_lines(&path), 0, "nothing journalled before the first change");
    let id = tag(&mut session, "Official", "quote");
    assert_eq!(journal_lines(&path), 2, "header and the edit, before anything else happens");
    assert!(session.is_dirty());
    session.undo().unwrap();
    session.redo().unwrap();
    assert_eq!(journal_lines(&path), 4);
    assert_eq!(session.save(), SaveOutcome::Saved(path.clone()));
    assert!(!journal::journal_path_for(&path).exists());
    assert!(!session.is_dirty());
    let saved = store::load(&path).unwrap();
    assert_eq!(saved.documents[0].annotation(id).unwrap().text(), "Official");
    assert_eq!(saved.annotator("ana").unwrap().name, "Ana");
}

#[test]
fn a_session_gone_without_saving_is_offered_back_with_its_undo_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut first = open(&path, None);
    let id = tag(&mut first, "Official", "quote");
    // A crash: the session is forgotten, its journal and lock stay behind.
    std::mem::forget(first);
    let mut second = Session::new(None);
    second.open(&path);
    let offer = drain(&mut second).into_iter().find_map(|n| match n {
        Notice::Recovery(offer) => Some(offer),
        _ => None,
    });
    let offer = offer.expect("a recovery offer");
    assert_eq!(offer.recovery.edits, 1);
    let generation = second.generation();
    assert_eq!(second.accept_recovery(offer), RecoveryStep::Recovered);
    assert_ne!(second.generation(), generation, "views must redraw the recovered project");
    assert!(second.project().documents[0].annotation(id).is_some());
    assert!(second.is_dirty());
    assert!(second.undo().unwrap(), "the undo history survived");
    assert!(second.project().documents[0].annotation(id).is_none());
    assert_eq!(store::load(&path).unwrap(), store::load(&sample_project_path()).unwrap(), "file untouched");
}

#[test]
fn discarding_a_recovery_keeps_the_journal_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut first = open(&path, None);
    tag(&mut first, "Official", "quote");
    std::mem::forget(first);
    let mut second = Session::new(None);
    second.open(&path);
    let offer = drain(&mut second)
        .into_iter()
        .find_map(|n| match n {
            Notice::Recovery(offer) => Some(offer),
            _ => None,
        })
        .unwrap();
    second.discard_recovery(offer);
    assert!(!journal::journal_path_for(&path).exists());
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".journal.discarded-"))
        .collect();
    assert_eq!(aside.len(), 1, "set aside, never deleted");
    assert!(!second.is_dirty());
}

#[test]
fn leaving_with_unsaved_work_sets_the_journal_aside_and_a_clean_leave_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut session = open(&path, None);
    tag(&mut session, "Official", "quote");
    session.leave();
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().any(|n| n.contains(".journal.unsaved-")), "{names:?}");
    assert!(!journal::journal_path_for(&path).exists());

    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let clean_path = sample_copy(&other);
    let mut clean = open(&clean_path, None);
    tag(&mut clean, "Official", "quote");
    clean.save();
    clean.leave();
    let left: Vec<String> =
        std::fs::read_dir(&other).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(left.iter().all(|n| !n.contains("journal")), "{left:?}");
}

#[test]
fn a_file_changed_on_disk_is_noticed_by_the_watcher_and_each_choice_does_what_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut session = open(&path, None);
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&wakes);
    session.set_waker(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    session.tick();
    let mine = tag(&mut session, "Official", "quote");
    let theirs = their_change(&path);
    // The watcher wakes the UI; the next tick looks at the file.
    let start = Instant::now();
    while wakes.load(Ordering::SeqCst) == 0 {
        assert!(start.elapsed() < Duration::from_secs(20), "the watcher never woke the UI");
        std::thread::sleep(Duration::from_millis(50));
    }
    session.tick();
    let change = drain(&mut session).into_iter().find_map(|n| match n {
        Notice::FileChanged(change) => Some(change),
        _ => None,
    });
    let change = change.expect("a file-changed notice");
    assert_eq!(change.theirs.as_ref().unwrap().annotations.added, 1);
    // Asked once: not again while the user decides.
    session.check_file_now();
    assert!(drain(&mut session).iter().all(|n| !matches!(n, Notice::FileChanged(_))));
    // Saving now would overwrite their version: refused until the user decides.
    let generation = session.generation();
    session.resolve_file_change(&change, FileChangeChoice::Merge);
    assert_ne!(session.generation(), generation);
    let merged = session.project();
    assert!(merged.documents[0].annotation(mine).is_some(), "mine kept");
    assert_eq!(merged.annotation_count(), theirs.annotation_count() + 1, "theirs taken");
    let notices = drain(&mut session);
    assert!(notices.iter().any(|n| matches!(n, Notice::Message { title, .. } if title.starts_with("Merged"))));
    assert!(notices.iter().all(|n| !matches!(n, Notice::Error { .. })), "a merge is not an error");
    assert_eq!(session.save(), SaveOutcome::Saved(path.clone()));
    assert_eq!(store::load(&path).unwrap().annotation_count(), theirs.annotation_count() + 1);
}

#[test]
fn saving_over_a_changed_file_asks_first_and_keep_mine_then_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut session = open(&path, None);
    let mine = tag(&mut session, "Official", "quote");
    their_change(&path);
    assert_eq!(session.save(), SaveOutcome::NotSaved);
    let change = drain(&mut session)
        .into_iter()
        .find_map(|n| match n {
            Notice::FileChanged(change) => Some(change),
            _ => None,
        })
        .expect("asked first");
    session.resolve_file_change(&change, FileChangeChoice::KeepMine);
    assert_eq!(session.save(), SaveOutcome::Saved(path.clone()));
    let saved = store::load(&path).unwrap();
    assert!(saved.documents[0].annotation(mine).is_some());
    assert_eq!(saved, *session.project(), "mine, as the user chose");
}

#[test]
fn reload_takes_their_version_and_sets_my_unsaved_work_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut session = open(&path, None);
    tag(&mut session, "Official", "quote");
    let theirs = their_change(&path);
    session.check_file_now();
    let change = drain(&mut session)
        .into_iter()
        .find_map(|n| match n {
            Notice::FileChanged(change) => Some(change),
            _ => None,
        })
        .unwrap();
    session.resolve_file_change(&change, FileChangeChoice::Reload);
    assert_eq!(*session.project(), theirs);
    assert!(!session.is_dirty());
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".journal.reloaded-"))
        .count();
    assert_eq!(aside, 1);
}

/// A process that stays alive while the test needs it: a stand-in for another Spanwise.
struct Sleeper(std::process::Child);

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_file_another_spanwise_has_open_is_read_only_until_taken_over() {
    use spanwise::store::lock;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let path = sample_copy(dir.path());
    let other = Sleeper(std::process::Command::new("sleep").arg("600").spawn().unwrap());
    let lock_text = format!("pid={}\nhost={}\nsession=other-instance\n", other.0.id(), lock::hostname());
    std::fs::write(lock::lock_path(&path), lock_text).unwrap();
    let original = std::fs::read(&path).unwrap();

    let mut session = Session::new(Some(&config));
    session.open(&path);
    assert_eq!(session.read_only_because().map(|o| o.pid), Some(other.0.id()));
    tag(&mut session, "Official", "quote");
    // The journal beside the file is the other instance's: this one journals elsewhere.
    assert!(!journal::journal_path_for(&path).exists());
    assert!(session.journal_path().unwrap().starts_with(journal::session_dir(&config)));
    drain(&mut session);
    assert_eq!(session.save(), SaveOutcome::NotSaved);
    assert!(
        drain(&mut session).iter().any(|n| matches!(n, Notice::Error { title, .. } if title.contains("read-only")))
    );
    assert_eq!(std::fs::read(&path).unwrap(), original, "nothing written");
    // Save as another file works.
    let elsewhere = dir.path().join("mine.spanwise.ron");
    assert_eq!(session.save_as(&elsewhere), SaveOutcome::Saved(elsewhere.clone()));
    // Back on the shared file: Edit anyway takes it over.
    session.open(&path);
    session.edit_anyway();
    assert!(session.read_only_because().is_none());
    assert_eq!(lock::read_owner(&path).map(|o| o.pid), Some(std::process::id()));
}

#[test]
fn a_damaged_file_is_refused_and_the_open_project_stays() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut session = open(&path, None);
    let id = tag(&mut session, "Official", "quote");
    let damaged = dir.path().join("damaged.spanwise.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&damaged, &text[..text.len() / 2]).unwrap();
    let generation = session.generation();
    assert_eq!(session.open(&damaged), None);
    assert!(
        drain(&mut session)
            .iter()
            .any(|n| matches!(n, Notice::Error { title, .. } if title.starts_with("Cannot open")))
    );
    assert_eq!(session.generation(), generation);
    assert!(session.project().documents[0].annotation(id).is_some());
    assert_eq!(session.path(), Some(path.as_path()));
}

#[test]
fn a_text_becomes_a_new_project_saved_beside_it_and_every_replacement_changes_the_generation() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("article.txt");
    std::fs::copy(sample_text_path(), &text).unwrap();
    let mut session = Session::new(None);
    let generations = [session.generation()];
    assert_eq!(session.open(&text), Some(Opened::Text(text.clone())));
    let suggested = dir.path().join("article.spanwise.ron");
    assert_eq!(session.save(), SaveOutcome::NeedsPath { suggested: Some(suggested.clone()) });
    assert_eq!(session.save_as(&suggested), SaveOutcome::Saved(suggested.clone()));
    let after_text = session.generation();
    session.new_project();
    let after_new = session.generation();
    session.open(&suggested);
    let after_open = session.generation();
    let all = [generations[0], after_text, after_new, after_open];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b, "each replaced project has its own generation: {all:?}");
        }
    }
}

#[test]
fn the_same_text_is_not_added_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut session = open(&path, None);
    assert_eq!(session.add_document(&sample_text_path()), None);
    assert!(drain(&mut session).iter().any(|n| matches!(n, Notice::Status(s) if s.contains("already in the project"))));
    let other = dir.path().join("other.txt");
    std::fs::write(&other, "Another text about the Revolutionary Guards.").unwrap();
    let id = session.add_document(&other).expect("added");
    assert_eq!(session.project().documents.len(), 2);
    assert!(session.undo().unwrap());
    assert!(session.document(&id).is_none(), "adding a document is one undo step");
}

#[test]
fn a_project_without_a_file_is_journalled_in_the_config_folder_and_offered_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let text = dir.path().join("article.txt");
    std::fs::copy(sample_text_path(), &text).unwrap();
    let mut first = Session::new(Some(&config));
    first.tick();
    first.open(&text);
    tag(&mut first, "Official", "quote");
    assert!(first.journal_path().unwrap().starts_with(journal::session_dir(&config)));
    let expected = first.project().clone();
    // Gone without saving (the journal's owner is this process in another session: not alive).
    std::mem::forget(first);

    let mut second = Session::new(Some(&config));
    // Orphaned journals are looked for at the first tick.
    second.tick();
    let offer = drain(&mut second)
        .into_iter()
        .find_map(|n| match n {
            Notice::Recovery(offer) => Some(offer),
            _ => None,
        })
        .expect("the unsaved project is offered");
    assert_eq!(offer.project_name(), "the unsaved project \"article\"");
    assert_eq!(second.accept_recovery(offer), RecoveryStep::Recovered);
    assert_eq!(*second.project(), expected);
    assert_eq!(
        second.save(),
        SaveOutcome::NeedsPath { suggested: Some(dir.path().join("article.spanwise.ron")) },
        "Save goes where it would have gone: beside the text"
    );
}
