//! Several coders in one project, without a window: each coder's status per document (not
//! started / in progress / done), blind coding, in the file (old files without them load and
//! save unchanged), as edits with inverses, in the three-way merge, and brought in with a
//! coder's file. Texts carry `ü`, an emoji outside the BMP, a ZWJ sequence, Persian with ZWNJ,
//! Chinese and (imported) CRLF line ends.

mod common;

use spanwise::analysis::combine::{CoderFile, combine};
use spanwise::edit::{Edit, EditError, apply};
use spanwise::model::{Annotation, Annotator, CodingStatus, IdGenerator, Project, validate};
use spanwise::store;
use spanwise::store::merge::{self, BaseItems, Item, Side};

const RAW: &str =
    "Müller said: “Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.”\r\nشبکه\u{200c}های اجتماعی 社交媒体 matter.\r\n";

fn project(annotators: &[&str]) -> Project {
    let mut project = Project::new("class");
    project.created = common::time();
    project.documents.push(spanwise::formats::text::import(RAW, "d1".into(), "tricky.txt".into()));
    for id in annotators {
        apply(&mut project, Edit::AddAnnotator(Annotator { id: (*id).into(), name: id.to_uppercase() })).unwrap();
    }
    project
}

fn tag(project: &mut Project, annotator: &str, label: &str, needle: &str, seed: u64) {
    let doc = project.document("d1").unwrap();
    let byte = doc.text.find(needle).unwrap();
    let start = doc.text[..byte].chars().count();
    let fragment = doc.fragment(start..start + needle.chars().count()).unwrap();
    assert_eq!(fragment.text, needle);
    let annotation =
        Annotation::new(IdGenerator::seeded(seed).next_id(), label, vec![fragment], annotator, common::time());
    apply(project, Edit::AddAnnotation { document: "d1".into(), annotation }).unwrap();
}

fn status(document: &str, annotator: &str, status: Option<CodingStatus>) -> Edit {
    Edit::SetCodingStatus { document: document.into(), annotator: annotator.into(), status }
}

#[test]
fn old_files_without_status_or_blind_coding_load_and_save_unchanged() {
    let path = common::sample_project_path();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("status:") && !text.contains("blind_coding"), "the sample predates the fields");
    let project = store::from_str(&text).unwrap();
    assert!(!project.blind_coding);
    assert!(project.documents.iter().all(|d| d.status.is_empty()));
    assert_eq!(store::to_string(&project), text, "nothing new is written for a project without them");
}

#[test]
fn status_is_derived_until_a_coder_says_done_and_round_trips_through_the_file() {
    let mut project = project(&["ana", "bob"]);
    let d1 = project.document("d1").unwrap();
    assert_eq!(d1.coder_status("ana"), CodingStatus::NotStarted);
    tag(&mut project, "ana", "actor", "Müller", 1);
    assert_eq!(project.document("d1").unwrap().coder_status("ana"), CodingStatus::InProgress);
    assert_eq!(project.document("d1").unwrap().coder_status("bob"), CodingStatus::NotStarted);

    let undo = apply(&mut project, status("d1", "ana", Some(CodingStatus::Done))).unwrap();
    assert_eq!(project.document("d1").unwrap().coder_status("ana"), CodingStatus::Done);
    apply(&mut project, Edit::SetBlindCoding(true)).unwrap();

    let text = store::to_string(&project);
    assert!(text.contains("blind_coding: true"), "{text}");
    assert!(text.contains("\"ana\": Done"), "{text}");
    let loaded = store::from_str(&text).unwrap();
    assert!(loaded.blind_coding);
    assert_eq!(loaded.document("d1").unwrap().coder_status("ana"), CodingStatus::Done);
    assert_eq!(store::to_string(&loaded), text, "byte-identical on the second save");

    // Undo goes back to the derived status.
    apply(&mut project, undo).unwrap();
    assert_eq!(project.document("d1").unwrap().coder_status("ana"), CodingStatus::InProgress);
    assert!(project.document("d1").unwrap().status.is_empty());
}

#[test]
fn status_edits_are_checked_and_undone() {
    let mut project = project(&["ana"]);
    let before = project.clone();
    assert_eq!(
        apply(&mut project, status("d1", "nobody", Some(CodingStatus::Done))),
        Err(EditError::NoAnnotator("nobody".into()))
    );
    assert_eq!(
        apply(&mut project, status("d9", "ana", Some(CodingStatus::Done))),
        Err(EditError::NoDocument("d9".into()))
    );
    assert_eq!(project, before, "a refused edit changes nothing");

    let done = apply(&mut project, status("d1", "ana", Some(CodingStatus::Done))).unwrap();
    assert_eq!(done, status("d1", "ana", None));
    let reopened = apply(&mut project, status("d1", "ana", Some(CodingStatus::InProgress))).unwrap();
    assert_eq!(reopened, status("d1", "ana", Some(CodingStatus::Done)));
    // A coder with a status is still in the project's records: not removed silently.
    assert_eq!(
        apply(&mut project, Edit::RemoveAnnotator { id: "ana".into() }),
        Err(EditError::AnnotatorInUse("ana".into()))
    );
    let blind = apply(&mut project, Edit::SetBlindCoding(true)).unwrap();
    assert_eq!(blind, Edit::SetBlindCoding(false));
    assert_eq!(Edit::SetBlindCoding(true).describe(), "turn blind coding on");
    assert_eq!(status("d1", "ana", Some(CodingStatus::Done)).describe(), "mark done");
    assert!(validate(&project).is_empty());
}

#[test]
fn blind_coding_reveals_others_only_to_a_coder_who_is_done() {
    let mut project = project(&["ana", "bob"]);
    let d1 = project.document("d1").unwrap().clone();
    assert!(project.layer_revealed(&d1, "ana", "bob"), "without blind coding everyone sees everyone");
    project.blind_coding = true;
    assert!(project.layer_revealed(&d1, "ana", "ana"), "always one's own");
    assert!(!project.layer_revealed(&d1, "ana", "bob"));
    apply(&mut project, status("d1", "ana", Some(CodingStatus::Done))).unwrap();
    let d1 = project.document("d1").unwrap();
    assert!(project.layer_revealed(d1, "ana", "bob"));
    assert!(!project.layer_revealed(d1, "bob", "ana"), "bob is not done");
}

#[test]
fn merge_takes_each_sides_status_and_blind_setting_and_names_a_real_conflict() {
    let base = project(&["ana", "bob"]);
    let base_items = BaseItems::of(&base);
    let mut mine = base.clone();
    let mut theirs = base.clone();
    apply(&mut mine, status("d1", "ana", Some(CodingStatus::Done))).unwrap();
    apply(&mut theirs, status("d1", "bob", Some(CodingStatus::Done))).unwrap();
    apply(&mut theirs, Edit::SetBlindCoding(true)).unwrap();

    let merge = merge::merge(Some(&base_items), &mine, &theirs);
    assert!(merge.conflicts().is_empty(), "{:?}", merge.conflicts());
    let merged = merge.resolve_all(Side::Mine).unwrap().project;
    let d1 = merged.document("d1").unwrap();
    assert_eq!(d1.coder_status("ana"), CodingStatus::Done);
    assert_eq!(d1.coder_status("bob"), CodingStatus::Done);
    assert!(merged.blind_coding);

    // Both changed Ana's status differently: a conflict, decided either way.
    let mut theirs = base.clone();
    apply(&mut theirs, status("d1", "ana", Some(CodingStatus::InProgress))).unwrap();
    let merge = merge::merge(Some(&base_items), &mine, &theirs);
    let conflicts = merge.conflicts();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].item, Item::CodingStatus { document: "d1".into(), annotator: "ana".into() });
    assert_eq!((conflicts[0].mine.as_str(), conflicts[0].theirs.as_str()), ("done", "in progress"));
    let taken = merge::merge(Some(&base_items), &mine, &theirs).resolve_all(Side::Theirs).unwrap();
    assert_eq!(taken.project.document("d1").unwrap().coder_status("ana"), CodingStatus::InProgress);
    let kept = merge::merge(Some(&base_items), &mine, &theirs).resolve_all(Side::Mine).unwrap();
    assert_eq!(kept.project.document("d1").unwrap().coder_status("ana"), CodingStatus::Done);
    assert!(validate(&kept.project).is_empty());
}

#[test]
fn a_coders_done_comes_along_with_their_file_and_goes_with_one_undo() {
    let mut base = project(&["ana"]);
    tag(&mut base, "ana", "actor", "Müller", 1);
    let mut bob = project(&["bob"]);
    tag(&mut bob, "bob", "claim", "شبکه\u{200c}های اجتماعی 社交媒体", 2);
    apply(&mut bob, status("d1", "bob", Some(CodingStatus::Done))).unwrap();
    // A coder who found nothing to tag and said so comes in too.
    let mut cem = project(&["cem"]);
    apply(&mut cem, status("d1", "cem", Some(CodingStatus::Done))).unwrap();

    let files = [
        CoderFile { name: "bob.spanwise.ron".into(), project: bob },
        CoderFile { name: "cem.spanwise.ron".into(), project: cem },
    ];
    let (edit, report) = combine(&base, &files).unwrap();
    let mut combined = base.clone();
    let undo = apply(&mut combined, edit).unwrap();
    let d1 = combined.document("d1").unwrap();
    assert_eq!(d1.coder_status("bob"), CodingStatus::Done);
    assert_eq!(d1.coder_status("cem"), CodingStatus::Done);
    assert_eq!(d1.coder_status("ana"), CodingStatus::InProgress);
    assert_eq!(report.files[0].statuses, 1);
    assert!(report.lines().iter().any(|l| l.contains("1 coding status(es) brought in")), "{:?}", report.lines());
    apply(&mut combined, undo).unwrap();
    assert_eq!(combined, base, "one undo takes everything back");
}
