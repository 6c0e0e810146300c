//! A document's text direction (auto / left to right / right to left): set by an edit that
//! undoes, written to the project file only when not automatic, read back, and merged like the
//! document's other fields.

use spanwise::edit::{Edit, apply};
use spanwise::model::bidi::TextDirection;
use spanwise::model::{Document, Project};
use spanwise::store::merge::{self, BaseItems, Item, Side};

fn project() -> Project {
    let mut project = Project::new("Persian sources");
    let text = "ü 😀 👨\u{200D}👩\u{200D}👧 مقام‌های جمهوری اسلامی 中文\r\nsecond line";
    project.documents.push(Document::new("d1", "fa.txt", text.to_owned()));
    project
}

fn set(project: &mut Project, direction: TextDirection) -> Edit {
    apply(project, Edit::SetDocumentDirection { document: "d1".into(), direction }).unwrap()
}

#[test]
fn direction_is_an_edit_with_an_inverse_and_is_saved_only_when_set() {
    let mut project = project();
    let automatic = spanwise::store::to_string(&project);
    assert!(!automatic.contains("direction"), "auto is the default and not written");

    let inverse = set(&mut project, TextDirection::Rtl);
    assert_eq!(project.documents[0].direction, TextDirection::Rtl);
    let written = spanwise::store::to_string(&project);
    assert!(written.contains("direction: Rtl"), "{written}");
    assert_eq!(written, spanwise::store::to_string_with_ron(&project), "fast writer and ron agree");
    let loaded = spanwise::store::from_str(&written).unwrap();
    assert_eq!(loaded.documents[0].direction, TextDirection::Rtl);
    assert_eq!(spanwise::store::to_string(&loaded), written, "save, load, save is byte-identical");

    // Undo gives automatic back, and the file is as it was.
    apply(&mut project, inverse).unwrap();
    assert_eq!(project.documents[0].direction, TextDirection::Auto);
    assert_eq!(spanwise::store::to_string(&project), automatic);

    // A file written before the field existed loads as automatic.
    let old = spanwise::store::from_str(&automatic).unwrap();
    assert_eq!(old.documents[0].direction, TextDirection::Auto);

    // No such document: a clear error, nothing changed.
    let err = apply(&mut project, Edit::SetDocumentDirection { document: "d9".into(), direction: TextDirection::Ltr })
        .unwrap_err();
    assert!(err.to_string().contains("d9"), "{err}");
}

#[test]
fn direction_merges_like_other_document_fields() {
    let base = project();
    let mut mine = base.clone();
    let mut theirs = base.clone();

    // Set on one side only: taken.
    set(&mut theirs, TextDirection::Rtl);
    let merged = merge::merge(Some(&BaseItems::of(&base)), &mine, &theirs).resolve_all(Side::Mine).unwrap();
    assert_eq!(merged.project.documents[0].direction, TextDirection::Rtl);

    // Set differently on both sides: one conflict, each side's value when chosen.
    set(&mut mine, TextDirection::Ltr);
    let merge = merge::merge(Some(&BaseItems::of(&base)), &mine, &theirs);
    let conflicts = merge.conflicts();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].item, Item::DocumentDirection("d1".into()));
    assert!(conflicts[0].what.contains("text direction"), "{}", conflicts[0].what);
    assert_eq!(merge.resolve_all(Side::Theirs).unwrap().project.documents[0].direction, TextDirection::Rtl);
    let merge = merge::merge(Some(&BaseItems::of(&base)), &mine, &theirs);
    assert_eq!(merge.resolve_all(Side::Mine).unwrap().project.documents[0].direction, TextDirection::Ltr);
}
