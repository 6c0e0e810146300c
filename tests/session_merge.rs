//! The merge with a changed file, without a window (issue 16): conflicts wait for the user's
//! choices, the merge is one undo step, and a journal holding a merge is recovered after a crash.

mod common;

use std::path::{Path, PathBuf};

use common::sample_project_path;
use spanwise::model::{ItemId, Project};
use spanwise::session::{FileChangeChoice, Notice, Opened, PendingMerge, RecoveryStep, Session};
use spanwise::store;
use spanwise::store::merge::{Item, Side};

fn sample_copy(dir: &Path) -> PathBuf {
    let path = dir.join("sample.spanwise.ron");
    std::fs::copy(sample_project_path(), &path).unwrap();
    path
}

fn drain(session: &mut Session) -> Vec<Notice> {
    std::iter::from_fn(|| session.next_notice()).collect()
}

fn id_of(project: &Project, text: &str) -> ItemId {
    project.documents[0].annotations.iter().find(|a| a.text() == text).unwrap().id
}

fn label_of(project: &Project, id: ItemId) -> &str {
    &project.documents[0].annotation(id).unwrap().label
}

fn relabel(session: &mut Session, id: ItemId, label: &str) {
    let document = session.project().documents[0].id.clone();
    let mut annotation = session.project().documents[0].annotation(id).unwrap().clone();
    annotation.label = label.into();
    session.apply(spanwise::edit::Edit::UpdateAnnotation { document, annotation }).unwrap();
}

/// Opens a copy of the sample, relabels two annotations as Quotes, and lets "another program"
/// relabel both as Recommendations and change the description. Returns the merge waiting for
/// choices.
fn conflicting(dir: &Path) -> (PathBuf, Session, Box<PendingMerge>, [ItemId; 2], Project) {
    let path = sample_copy(dir);
    let mut session = Session::new(None);
    assert_eq!(session.open(&path), Some(Opened::Project(path.clone())));
    drain(&mut session);
    let ids = [id_of(session.project(), "Behnam Gholipour"), id_of(session.project(), "IranWire")];
    for id in ids {
        relabel(&mut session, id, "quote");
    }
    let mut theirs = store::load(&path).unwrap();
    theirs.description = "Changed elsewhere: Grüße 🎉 👨‍👩‍👧 شبکه‌ها 社交".into();
    for annotation in &mut theirs.documents[0].annotations {
        if ids.contains(&annotation.id) {
            annotation.label = "recommendation".into();
        }
    }
    store::save(&theirs, &path).unwrap();
    session.check_file_now();
    let change = drain(&mut session)
        .into_iter()
        .find_map(|n| match n {
            Notice::FileChanged(change) => Some(change),
            _ => None,
        })
        .expect("a file-changed notice");
    assert!(change.has_base);
    let summary = change.theirs.as_ref().unwrap().to_string();
    assert_eq!(summary, "the project description changed; 2 annotations changed");
    session.resolve_file_change(&change, FileChangeChoice::Merge);
    let pending = drain(&mut session)
        .into_iter()
        .find_map(|n| match n {
            Notice::MergeConflicts(pending) => Some(pending),
            _ => None,
        })
        .expect("the conflicts are handed to the user, not decided silently");
    (path, session, pending, ids, theirs)
}

#[test]
fn conflicts_wait_for_choices_and_the_merge_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut session, pending, [byline, outlet], theirs) = conflicting(dir.path());
    assert!(pending.has_base());
    assert_eq!(pending.conflicts().len(), 2);
    assert_eq!(pending.theirs_changed.to_string(), "the project description changed; 2 annotations changed");
    // Nothing changed while the user decides; the file is not asked about again.
    assert_eq!(label_of(session.project(), byline), "quote");
    session.check_file_now();
    assert!(drain(&mut session).iter().all(|n| !matches!(n, Notice::FileChanged(_))));

    let choices: Vec<Side> = pending
        .conflicts()
        .iter()
        .map(|c| match c.item {
            Item::Annotation { id, .. } if id == outlet => Side::Theirs,
            _ => Side::Mine,
        })
        .collect();
    let generation = session.generation();
    session.finish_merge(pending, &choices);
    assert_ne!(session.generation(), generation, "views start afresh");
    let notices = drain(&mut session);
    let message = notices
        .iter()
        .find_map(|n| match n {
            Notice::Message { title, message } if title.starts_with("Merged") => Some(message.clone()),
            _ => None,
        })
        .expect("a message says what the merge did");
    assert!(message.contains("From their version: the project description changed; 1 annotation changed"), "{message}");
    assert!(message.contains("2 conflicts"), "{message}");
    assert_eq!(session.project().description, theirs.description);
    assert_eq!(label_of(session.project(), byline), "quote");
    assert_eq!(label_of(session.project(), outlet), "recommendation");
    assert!(session.has_unsaved_work());

    // One undo step takes the whole merge back, with new document revisions for the views.
    let revision = session.project().documents[0].revision();
    assert!(session.undo().unwrap());
    assert_eq!(label_of(session.project(), outlet), "quote");
    assert_ne!(session.project().description, theirs.description);
    assert!(session.project().documents[0].revision() > revision);
    assert!(session.redo().unwrap());
    assert_eq!(label_of(session.project(), outlet), "recommendation");

    assert_eq!(session.save(), spanwise::session::SaveOutcome::Saved(path.clone()));
    let saved = store::load(&path).unwrap();
    assert_eq!(saved.description, theirs.description);
    assert_eq!(label_of(&saved, byline), "quote");
    assert_eq!(label_of(&saved, outlet), "recommendation");
}

#[test]
fn cancelling_the_merge_asks_about_the_file_again_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut session, pending, [byline, _], _) = conflicting(dir.path());
    session.cancel_merge(pending);
    assert_eq!(label_of(session.project(), byline), "quote");
    session.tick();
    assert!(drain(&mut session).iter().any(|n| matches!(n, Notice::FileChanged(_))), "asked again");
}

#[test]
fn a_merge_and_its_undo_are_recovered_from_the_journal_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut session, pending, [_, outlet], _) = conflicting(dir.path());
    session.finish_merge(pending, &[Side::Theirs, Side::Theirs]);
    drain(&mut session);
    assert!(session.undo().unwrap());
    assert!(session.redo().unwrap());
    let expected = session.project().clone();
    // A crash: the session is forgotten, its journal and lock stay behind.
    std::mem::forget(session);
    let mut second = Session::new(None);
    second.open(&path);
    let offer = drain(&mut second)
        .into_iter()
        .find_map(|n| match n {
            Notice::Recovery(offer) => Some(offer),
            _ => None,
        })
        .expect("a recovery offer");
    assert_eq!(second.accept_recovery(offer), RecoveryStep::Recovered);
    assert_eq!(second.project(), &expected);
    assert_eq!(label_of(second.project(), outlet), "recommendation");
}
