//! The model and edits: overlapping annotations, every edit undone by its inverse, history.

mod common;

use proptest::prelude::*;
use spanwise::edit::{Edit, EditError, History, apply};
use spanwise::model::{Annotation, IdGenerator, Project, validate};

fn annotation(project: &Project, id: u64, label: &str, start: usize, end: usize) -> Annotation {
    let fragment = project.document("d1").unwrap().fragment(start..end).unwrap();
    Annotation {
        id: spanwise::model::ItemId(id),
        label: label.into(),
        fragments: vec![fragment],
        annotator: "ana".into(),
        created: common::time(),
        modified: common::time(),
        note: String::new(),
        attributes: Default::default(),
    }
}

#[test]
fn overlapping_and_nested_annotations_coexist() {
    let project = common::tricky_project();
    assert!(validate(&project).is_empty(), "{:?}", validate(&project));
    let doc = &project.documents[0];
    // Actor "Müller" inside the Claim; the family Actor inside the Quote inside the Claim.
    let covering: Vec<&str> = doc
        .annotations
        .iter()
        .filter(|a| a.covers(doc.text[..doc.text.find("family").unwrap()].chars().count()))
        .map(|a| a.label.as_str())
        .collect();
    assert_eq!(covering.len(), 3, "{covering:?}");
    for label in ["claim", "quote", "actor"] {
        assert!(covering.contains(&label));
    }
    // Annotations are kept in document order.
    let starts: Vec<usize> = doc.annotations.iter().map(|a| a.start()).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
}

#[test]
fn discontinuous_annotation() {
    let mut project = common::tricky_project();
    let doc = project.document("d1").unwrap();
    let mut a = annotation(&project, 99, "claim", 0, 6);
    a.fragments.push(doc.fragment(30..35).unwrap());
    let text = a.text();
    apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation: a }).unwrap();
    assert!(text.contains(" … "));
    // Out of order fragments are refused.
    let mut bad = annotation(&project, 100, "claim", 30, 35);
    bad.fragments.push(project.document("d1").unwrap().fragment(0..6).unwrap());
    assert!(matches!(
        apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation: bad }),
        Err(EditError::BadSpan { .. })
    ));
}

#[test]
fn invalid_edits_change_nothing() {
    let mut project = common::tricky_project();
    let before = project.clone();
    let existing = project.documents[0].annotations[0].id;
    let mut duplicate = annotation(&project, existing.0, "claim", 0, 3);
    duplicate.id = existing;
    let mut wrong_text = annotation(&project, 500, "claim", 0, 3);
    wrong_text.fragments[0].text = "xyz".into();
    let cases = vec![
        (Edit::AddAnnotation { document: "d1".into(), annotation: duplicate }, EditError::DuplicateId(existing)),
        (
            Edit::AddAnnotation { document: "d1".into(), annotation: annotation(&project, 501, "advice", 0, 3) },
            EditError::UnknownLabel("advice".into()),
        ),
        (
            Edit::AddAnnotation { document: "nope".into(), annotation: annotation(&project, 502, "claim", 0, 3) },
            EditError::NoDocument("nope".into()),
        ),
        (
            Edit::RemoveAnnotation { document: "d1".into(), id: spanwise::model::ItemId(404) },
            EditError::NoAnnotation(spanwise::model::ItemId(404)),
        ),
    ];
    for (edit, expected) in cases {
        assert_eq!(apply(&mut project, edit), Err(expected));
        assert_eq!(project, before);
    }
    assert!(matches!(
        apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation: wrong_text }),
        Err(EditError::BadSpan { .. })
    ));
    // A batch that fails half-way is rolled back.
    let batch = Edit::Batch(vec![
        Edit::AddAnnotation { document: "d1".into(), annotation: annotation(&project, 600, "claim", 0, 3) },
        Edit::RemoveAnnotation { document: "d1".into(), id: spanwise::model::ItemId(404) },
    ]);
    assert!(apply(&mut project, batch).is_err());
    assert_eq!(project, before);
}

#[test]
fn removing_an_annotation_removes_its_relations_and_undo_restores_both() {
    let mut project = common::tricky_project();
    let before = project.clone();
    let relation = project.documents[0].relations[0].clone();
    let inverse = apply(&mut project, Edit::RemoveAnnotation { document: "d1".into(), id: relation.to }).unwrap();
    assert!(project.documents[0].relations.is_empty());
    apply(&mut project, inverse).unwrap();
    assert_eq!(project, before);
}

#[test]
fn relabel_that_breaks_a_relation_is_refused() {
    let mut project = common::tricky_project();
    let relation = project.documents[0].relations[0].clone();
    let mut actor = project.documents[0].annotation(relation.to).unwrap().clone();
    actor.label = "claim".into();
    let result = apply(&mut project, Edit::UpdateAnnotation { document: "d1".into(), annotation: actor });
    assert_eq!(
        result,
        Err(EditError::RelationLabels("a \"Attributed to\" relation needs its target to be Actor, not Claim".into()))
    );
}

#[test]
fn history_tracks_saved_state() {
    let mut project = common::tricky_project();
    let mut history = History::new();
    assert!(!history.is_dirty());
    let a = annotation(&project, 700, "claim", 0, 3);
    history.apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation: a }).unwrap();
    assert!(history.is_dirty());
    history.mark_saved();
    history.undo(&mut project).unwrap();
    assert!(history.is_dirty());
    history.redo(&mut project).unwrap();
    assert!(!history.is_dirty(), "back at the saved state");
    history.undo(&mut project).unwrap();
    let a = annotation(&project, 701, "quote", 0, 3);
    history.apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation: a }).unwrap();
    history.undo(&mut project).unwrap();
    assert!(history.is_dirty(), "the saved state is no longer reachable");
    assert_eq!(history.undo_description(), None);
}

#[test]
fn many_steps_of_undo_and_redo() {
    let mut project = common::tricky_project();
    let start = project.clone();
    let mut history = History::new();
    let mut ids = IdGenerator::seeded(3);
    for i in 0..200 {
        let a = annotation(
            &project,
            ids.next_id().0,
            ["claim", "quote", "actor", "recommendation"][i % 4],
            i % 40,
            i % 40 + 5,
        );
        history.apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation: a }).unwrap();
    }
    let end = project.clone();
    while history.undo(&mut project).unwrap() {}
    assert_eq!(project, start);
    while history.redo(&mut project).unwrap() {}
    assert_eq!(project, end);
}

/// A random edit against the current project (add, remove, relabel, move).
fn random_edit(project: &Project, choice: u8, a: usize, b: usize, next_id: u64) -> Option<Edit> {
    let doc = project.document("d1")?;
    let len = doc.char_len();
    let labels = ["claim", "quote", "actor", "recommendation"];
    match choice % 4 {
        0 => {
            let start = a % len;
            let end = (start + 1 + b % 10).min(len);
            Some(Edit::AddAnnotation {
                document: "d1".into(),
                annotation: annotation(project, next_id, labels[b % 4], start, end),
            })
        }
        1 if !doc.annotations.is_empty() => {
            Some(Edit::RemoveAnnotation { document: "d1".into(), id: doc.annotations[a % doc.annotations.len()].id })
        }
        2 if !doc.annotations.is_empty() => {
            let mut changed = doc.annotations[a % doc.annotations.len()].clone();
            changed.label = labels[b % 4].into();
            changed.note = format!("note {b}");
            Some(Edit::UpdateAnnotation { document: "d1".into(), annotation: *changed })
        }
        3 if !doc.annotations.is_empty() => {
            let mut changed = doc.annotations[a % doc.annotations.len()].clone();
            let start = b % len;
            changed.fragments = vec![doc.fragment(start..(start + 3).min(len).max(start + 1)).unwrap()];
            Some(Edit::UpdateAnnotation { document: "d1".into(), annotation: *changed })
        }
        _ => None,
    }
}

proptest! {
    #[test]
    fn edit_then_inverse_is_identity(steps in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..40)) {
        let mut project = common::tricky_project();
        for (i, (choice, a, b)) in steps.into_iter().enumerate() {
            let Some(edit) = random_edit(&project, choice, a, b, 1_000_000 + i as u64) else { continue };
            let before = project.clone();
            let inverse = match apply(&mut project, edit.clone()) {
                Ok(inverse) => inverse,
                // Refused edits (a relabel that would break a relation) must change nothing.
                Err(_) => {
                    prop_assert_eq!(&project, &before);
                    continue;
                }
            };
            prop_assert!(validate(&project).is_empty());
            let mut undone = project.clone();
            let redo = apply(&mut undone, inverse).unwrap();
            prop_assert_eq!(&undone, &before);
            apply(&mut undone, redo).unwrap();
            prop_assert_eq!(&undone, &project);
        }
        // And whatever we did still saves and loads identically.
        let text = spanwise::store::to_string(&project);
        prop_assert_eq!(&text, &spanwise::store::to_string_with_ron(&project), "the fast writer matches ron");
        let loaded = spanwise::store::from_str(&text).unwrap();
        prop_assert_eq!(spanwise::store::to_string(&loaded), text);
    }

    #[test]
    fn offsets_round_trip_on_any_text(text in "\\PC{0,200}") {
        let index = spanwise::model::TextIndex::new(&text);
        let mut utf16 = 0;
        for (i, (byte, ch)) in text.char_indices().enumerate() {
            prop_assert_eq!(index.char_to_byte(&text, i), Some(byte));
            prop_assert_eq!(index.byte_to_char(&text, byte), Some(i));
            prop_assert_eq!(index.char_to_utf16(&text, i), Some(utf16));
            prop_assert_eq!(index.utf16_to_char(&text, utf16), Some(i));
            utf16 += ch.len_utf16();
        }
    }
}

#[test]
fn replacing_the_codebook_is_undone_and_refused_while_a_label_is_in_use() {
    let mut project = common::tricky_project();
    let used = project.documents.iter().flat_map(|d| &d.annotations).next().expect("an annotation").label.clone();
    let before = project.clone();
    // Adding a label: applied, and its inverse puts the old codebook back.
    let mut codebook = project.codebook.clone();
    let mut new = codebook.labels[0].clone();
    new.id = "grüße-🎉".into();
    new.name = "Grüße 🎉 شبکه‌ها 社交".into();
    new.hotkey = None;
    codebook.labels.push(new);
    let inverse = apply(&mut project, Edit::SetCodebook(Box::new(codebook))).unwrap();
    assert!(project.codebook.label("grüße-🎉").is_some());
    apply(&mut project, inverse).unwrap();
    assert_eq!(project, before);
    // Removing a label annotations use: refused, nothing changed.
    let mut without = project.codebook.clone();
    without.labels.retain(|l| l.id != used);
    let err = apply(&mut project, Edit::SetCodebook(Box::new(without))).unwrap_err();
    assert!(matches!(&err, EditError::InvalidCodebook(m) if m.contains(used.as_str())), "{err}");
    assert_eq!(project, before);
}

proptest! {
    /// The span index and label counts that edits update in place (instead of recomputing them
    /// for 200,000 annotations) always equal what computing them afresh gives, after every edit
    /// and every undo, and queries through them find exactly what a scan finds.
    #[test]
    fn derived_data_kept_by_edits_matches_a_fresh_computation(
        steps in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..60)
    ) {
        let mut project = common::tricky_project();
        let mut inverses = Vec::new();
        for (i, (choice, a, b)) in steps.into_iter().enumerate() {
            let doc = project.document("d1").unwrap();
            // Ask for the derived data, so that it is up to date and the edit updates it.
            let len = doc.char_len();
            let (from, to) = (a % len, (a % len + 1 + b % 20).min(len));
            let found: Vec<_> = doc.overlapping(from..to).iter().map(|x| x.id).collect();
            let scanned: Vec<_> = doc
                .annotations
                .iter()
                .filter(|x| x.fragments.iter().any(|f| f.start < to && f.end > from))
                .map(|x| x.id)
                .collect();
            prop_assert_eq!(found, scanned);
            let mut counted: Vec<(String, usize)> = doc.label_counts();
            counted.sort();
            let mut expected = std::collections::BTreeMap::<String, usize>::new();
            for annotation in &doc.annotations {
                *expected.entry(annotation.label.to_string()).or_default() += 1;
            }
            prop_assert_eq!(counted, expected.into_iter().collect::<Vec<_>>());
            if choice % 7 == 6 && let Some(inverse) = inverses.pop() {
                apply(&mut project, inverse).unwrap();
            } else if let Some(edit) = random_edit(&project, choice, a, b, 2_000_000 + i as u64)
                && let Ok(inverse) = apply(&mut project, edit)
            {
                inverses.push(inverse);
            }
            prop_assert!(project.document("d1").unwrap().derived_is_consistent());
        }
    }
}

/// A file that lists annotations out of order (edited by hand or by a script) is put in order on
/// load, so that finding an annotation by id (a binary search) and the span index find them.
#[test]
fn annotations_out_of_order_in_a_file_are_put_in_order_and_found() {
    let mut project = common::tricky_project();
    let len = project.documents[0].char_len();
    let late = annotation(&project, 900_001, "claim", len - 3, len - 1);
    let early = annotation(&project, 900_002, "actor", 0, 2);
    project.documents[0].annotations.insert(0, Box::new(late));
    project.documents[0].annotations.push(Box::new(early));
    let text = spanwise::store::to_string_with_ron(&project);
    let loaded = spanwise::store::from_str(&text).unwrap();
    let doc = &loaded.documents[0];
    assert!(doc.annotations.is_sorted_by_key(|a| a.sort_key()));
    for id in [900_001, 900_002] {
        assert_eq!(doc.annotation(spanwise::model::ItemId(id)).map(|a| a.id.0), Some(id));
    }
    assert!(doc.overlapping(len - 2..len - 1).iter().any(|a| a.id.0 == 900_001));
    assert!(doc.overlapping(0..1).iter().any(|a| a.id.0 == 900_002));
}

/// Applies `edits` one at a time, as a batch did before runs of additions and removals were done
/// in one pass: the reference the batch path is compared with.
fn one_at_a_time(project: &mut Project, edits: Vec<Edit>) -> Result<Edit, EditError> {
    let mut inverses = Vec::new();
    for edit in edits {
        match apply(project, edit) {
            Ok(inverse) => inverses.push(inverse),
            Err(err) => {
                for inverse in inverses.into_iter().rev() {
                    apply(project, inverse).unwrap();
                }
                return Err(err);
            }
        }
    }
    inverses.reverse();
    Ok(Edit::Batch(inverses))
}

/// Random batches made of runs: additions (now and then a duplicate id or an id already used,
/// which refuses the whole batch), removals (some of annotations with a relation, now and then
/// one named twice), relabels; runs of 1 to 16 edits, so that both the one-pass path (8 or more
/// in a row) and the one-at-a-time path are taken.
fn random_batch(project: &Project, steps: &[(u8, usize, usize)], next_id: u64) -> Vec<Edit> {
    let doc = project.document("d1").unwrap();
    let len = doc.char_len();
    let labels = ["claim", "quote", "actor", "recommendation"];
    let mut edits = Vec::new();
    let mut removed = std::collections::HashSet::new();
    let mut fresh = next_id;
    for &(choice, a, b) in steps {
        let run = 1 + b % 16;
        for j in 0..run {
            let (a, b) = (a.wrapping_add(j * 7919), b.wrapping_add(j * 104_729));
            match choice % 4 {
                0 | 1 => {
                    let start = a % len;
                    let end = (start + 1 + b % 10).min(len);
                    fresh += 1;
                    let id = match (b / 16) % 211 {
                        0 => next_id + 1,                                       // twice in the batch
                        1 => doc.annotations.first().map_or(fresh, |a| a.id.0), // taken
                        _ => fresh,
                    };
                    edits.push(Edit::AddAnnotation {
                        document: "d1".into(),
                        annotation: annotation(project, id, labels[b % 4], start, end),
                    });
                }
                2 if !doc.annotations.is_empty() => {
                    let id = doc.annotations[a % doc.annotations.len()].id;
                    if removed.insert(id) || (b / 16) % 97 == 0 {
                        edits.push(Edit::RemoveAnnotation { document: "d1".into(), id });
                    }
                }
                _ if !doc.annotations.is_empty() => {
                    let mut changed = doc.annotations[a % doc.annotations.len()].clone();
                    if !removed.contains(&changed.id) {
                        changed.label = labels[b % 4].into();
                        edits.push(Edit::UpdateAnnotation { document: "d1".into(), annotation: *changed });
                    }
                }
                _ => {}
            }
        }
    }
    edits
}

proptest! {
    /// A batch (tag all occurrences, its undo, deleting a label's annotations) gives exactly what
    /// applying its edits one at a time gives: the same project, the same inverse or the same
    /// error, with nothing changed on error; its inverse undoes it in one step; and the derived
    /// data (span index, label counts, ids, relations by annotation), updated in place, equals
    /// a fresh computation after each batch and each undo.
    #[test]
    fn batches_match_one_edit_at_a_time_and_undo_in_one_step(
        batches in proptest::collection::vec(
            proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..8), 1..6)
    ) {
        let mut project = common::tricky_project();
        let mut undo = Vec::new();
        for (round, steps) in batches.iter().enumerate() {
            let edits = random_batch(&project, steps, 3_000_000 + 1_000 * round as u64);
            // Derived data up to date before, so the batch updates it in place.
            prop_assert!(project.document("d1").unwrap().label_counts().iter().all(|(_, n)| *n > 0));
            let before = project.clone();
            let mut reference = project.clone();
            let expected = one_at_a_time(&mut reference, edits.clone());
            let got = apply(&mut project, Edit::Batch(edits));
            prop_assert_eq!(&got, &expected);
            prop_assert_eq!(&project, &reference);
            prop_assert!(project.document("d1").unwrap().derived_is_consistent());
            match got {
                Ok(inverse) => {
                    prop_assert!(validate(&project).is_empty(), "{:?}", validate(&project));
                    undo.push((inverse, before));
                }
                Err(_) => prop_assert_eq!(&project, &before),
            }
        }
        // Each batch undone in one step, back to what it was, derived data still right.
        while let Some((inverse, before)) = undo.pop() {
            apply(&mut project, inverse).unwrap();
            prop_assert_eq!(&project, &before);
            let doc = project.document("d1").unwrap();
            prop_assert!(doc.derived_is_consistent());
            let scanned = doc.annotations.iter().filter(|a| a.start() < 10 && a.end() > 3).count();
            prop_assert_eq!(doc.overlapping(3..10).len(), scanned);
        }
    }
}
