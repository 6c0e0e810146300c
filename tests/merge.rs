//! The three-way merge over every part of a project (`store::merge`): one-sided changes taken,
//! conflicts listed with both values and resolved per item, deletions against changes, what one
//! side deleted while the other uses it, unions without a base, and the summaries in words.

mod common;

use spanwise::edit::{Edit, apply};
use spanwise::model::{
    Annotation, Annotator, AttributeDef, Document, FieldDef, IdGenerator, ItemId, Label, Memo, MemoTarget, Project,
    Relation, RelationType, Value, ValueKind, validate,
};
use spanwise::store::merge::{self, BaseItems, ChangeSummary, DELETED, Item, Kind, Merged, Side};

/// Adds an annotation over the first occurrence of `needle` in `document`.
fn add_in(project: &mut Project, document: &str, seed: u64, label: &str, needle: &str) -> ItemId {
    let doc = project.document(document).unwrap();
    let byte = doc.text.find(needle).unwrap_or_else(|| panic!("{needle} not in {document}"));
    let start = doc.text[..byte].chars().count();
    let fragment = doc.fragment(start..start + needle.chars().count()).unwrap();
    let id = IdGenerator::seeded(seed).next_id();
    let annotation = Annotation {
        id,
        label: label.into(),
        fragments: vec![fragment],
        annotator: "ana".into(),
        created: common::time(),
        modified: common::time(),
        note: String::new(),
        attributes: Default::default(),
    };
    apply(project, Edit::AddAnnotation { document: document.into(), annotation }).unwrap();
    id
}

fn memo(seed: u64, target: MemoTarget, title: &str) -> Memo {
    Memo {
        id: IdGenerator::seeded(seed).next_id(),
        target,
        title: title.into(),
        text: format!("{title}: Grüße 🎉 شبکه‌ها 社交"),
        author: "ana".into(),
        created: common::time(),
        modified: common::time(),
    }
}

/// The tricky project (ü, emoji, ZWJ, Persian with ZWNJ, Chinese) with something of every kind:
/// an unused label, relation type and annotator, an attribute, a document variable, metadata, a
/// second document, and memos about the project, an annotation, a document and a label.
fn base() -> Project {
    let mut project = common::tricky_project();
    project.description = "Two coders, one codebook".into();
    project.codebook.labels.push(Label {
        id: "spare".into(),
        name: "Spare".into(),
        color: "#123456".into(),
        hotkey: Some('9'),
        definition: "Not used yet".into(),
        examples: vec!["Grüße".into()],
        parent: None,
    });
    // These tests name the codebook entries they change: start from the default labels with
    // only the relation types, attributes and document fields set up here.
    project.codebook.relation_types.retain(|r| r.id == "attributed_to" || r.id == "about");
    project.codebook.attributes.clear();
    project.codebook.document_fields.clear();
    project.codebook.relation_types.push(RelationType {
        id: "supports".into(),
        name: "Supports".into(),
        from_labels: vec!["claim".into()],
        to_labels: vec!["claim".into()],
        directed: true,
        definition: String::new(),
    });
    project.codebook.attributes.push(AttributeDef {
        id: "stance".into(),
        name: "Stance".into(),
        kind: ValueKind::Choice(vec!["for".into(), "against".into()]),
        labels: vec!["claim".into()],
        definition: "Does the claim support the policy?".into(),
    });
    project.codebook.document_fields.push(FieldDef {
        id: "outlet".into(),
        name: "Outlet".into(),
        kind: ValueKind::Text,
        definition: "Who published it".into(),
    });
    project.annotators.push(Annotator { id: "bo".into(), name: "Bo".into() });
    let d1 = project.document_mut("d1").unwrap();
    d1.metadata.insert("title".into(), "Grüße 🎉".into());
    d1.metadata.insert("author".into(), "Müller".into());
    d1.variables.insert("outlet".into(), Value::Text("IranWire".into()));
    let d2 = Document::new("d2", "second.txt", "Zweites Dokument: 👨‍👩‍👧 in 北京, شبکه‌ها.".to_owned());
    apply(&mut project, Edit::AddDocument { index: 1, document: Box::new(d2) }).unwrap();
    add_in(&mut project, "d2", 201, "actor", "👨‍👩‍👧");
    let muller = annotation_id(&project, "Müller");
    project.memos = vec![
        memo(301, MemoTarget::Project, "Plan"),
        memo(302, MemoTarget::Annotation(muller), "Who is Müller"),
        memo(303, MemoTarget::Document("d1".into()), "Source"),
        memo(304, MemoTarget::Label("claim".into()), "Claims"),
    ];
    assert!(validate(&project).is_empty(), "{:?}", validate(&project));
    project
}

fn annotation_id(project: &Project, text: &str) -> ItemId {
    project.documents.iter().flat_map(|d| &d.annotations).find(|a| a.text() == text).unwrap().id
}

fn with(project: &Project, edit: &dyn Fn(&mut Project)) -> Project {
    let mut copy = project.clone();
    edit(&mut copy);
    assert!(validate(&copy).is_empty(), "the edit made the test project invalid: {:?}", validate(&copy));
    copy
}

fn label<'p>(project: &'p mut Project, id: &str) -> &'p mut Label {
    project.codebook.labels.iter_mut().find(|l| l.id == id).unwrap()
}

fn relation_type<'p>(project: &'p mut Project, id: &str) -> &'p mut RelationType {
    project.codebook.relation_types.iter_mut().find(|t| t.id == id).unwrap()
}

fn annotation(project: &Project, text: &str) -> Annotation {
    project.documents.iter().flat_map(|d| &d.annotations).find(|a| a.text() == text).map(|a| (**a).clone()).unwrap()
}

fn update_annotation(project: &mut Project, text: &str, change: impl Fn(&mut Annotation)) {
    let mut changed = annotation(project, text);
    change(&mut changed);
    let document = project.documents.iter().find(|d| d.annotation(changed.id).is_some()).unwrap().id.clone();
    apply(project, Edit::UpdateAnnotation { document, annotation: changed }).unwrap();
}

fn update_relation(project: &mut Project, change: impl Fn(&mut Relation)) {
    let mut relation = project.documents[0].relations[0].clone();
    change(&mut relation);
    apply(project, Edit::UpdateRelation { document: "d1".into(), relation }).unwrap();
}

fn merge3(base: &Project, mine: &Project, theirs: &Project) -> merge::Merge {
    merge::merge(Some(&BaseItems::of(base)), mine, theirs)
}

fn resolved(base: &Project, mine: &Project, theirs: &Project, side: Side) -> Merged {
    let merged = merge3(base, mine, theirs).resolve_all(side).unwrap();
    assert!(validate(&merged.project).is_empty(), "{:?}", validate(&merged.project));
    merged
}

type EditFn = Box<dyn Fn(&mut Project)>;

/// One edit of every kind a coder can make to a shared project, each with the words the summary
/// uses for it.
fn one_sided_edits() -> Vec<(&'static str, EditFn, &'static str)> {
    let later: spanwise::model::Timestamp = "2027-03-04T05:06:07.890Z".parse().unwrap();
    vec![
        ("project name", Box::new(|p| p.name = "Zwei Kodierer".into()), "the project name changed"),
        ("project description", Box::new(|p| p.description = "شبکه‌ها".into()), "the project description changed"),
        ("project creation time", Box::new(move |p| p.created = later), "the project creation time changed"),
        ("label name", Box::new(|p| label(p, "claim").name = "Behauptung".into()), "1 label changed"),
        ("label colour", Box::new(|p| label(p, "claim").color = "#000000".into()), "1 label changed"),
        ("label hotkey", Box::new(|p| label(p, "spare").hotkey = Some('8')), "1 label changed"),
        ("label definition", Box::new(|p| label(p, "quote").definition = "Wörtlich 🎉".into()), "1 label changed"),
        ("label examples", Box::new(|p| label(p, "actor").examples.push("北京".into())), "1 label changed"),
        (
            "label added",
            Box::new(|p| {
                p.codebook.labels.push(Label {
                    id: "frame".into(),
                    name: "Frame".into(),
                    color: "#abcdef".into(),
                    hotkey: Some('5'),
                    definition: String::new(),
                    examples: Vec::new(),
                    parent: None,
                })
            }),
            "1 label added",
        ),
        ("label deleted", Box::new(|p| p.codebook.labels.retain(|l| l.id != "spare")), "1 label deleted"),
        ("label order", Box::new(|p| p.codebook.labels.swap(0, 1)), "the order of labels changed"),
        ("relation type name", Box::new(|p| relation_type(p, "about").name = "Über".into()), "1 relation type changed"),
        (
            "relation type source labels",
            Box::new(|p| relation_type(p, "attributed_to").from_labels.retain(|l| l != "recommendation")),
            "1 relation type changed",
        ),
        (
            "relation type target labels",
            Box::new(|p| relation_type(p, "attributed_to").to_labels.push("quote".into())),
            "1 relation type changed",
        ),
        (
            "relation type direction",
            Box::new(|p| relation_type(p, "supports").directed = false),
            "1 relation type changed",
        ),
        (
            "relation type definition",
            Box::new(|p| relation_type(p, "about").definition = "Worüber".into()),
            "1 relation type changed",
        ),
        (
            "relation type added",
            Box::new(|p| {
                p.codebook.relation_types.push(RelationType {
                    id: "contradicts".into(),
                    name: "Contradicts".into(),
                    from_labels: vec!["claim".into()],
                    to_labels: vec!["claim".into()],
                    directed: true,
                    definition: String::new(),
                })
            }),
            "1 relation type added",
        ),
        (
            "relation type deleted",
            Box::new(|p| p.codebook.relation_types.retain(|t| t.id != "supports")),
            "1 relation type deleted",
        ),
        ("attribute name", Box::new(|p| p.codebook.attributes[0].name = "Haltung".into()), "1 attribute changed"),
        (
            "attribute options",
            Box::new(|p| {
                p.codebook.attributes[0].kind =
                    ValueKind::Choice(vec!["for".into(), "against".into(), "neutral".into()])
            }),
            "1 attribute changed",
        ),
        ("attribute labels", Box::new(|p| p.codebook.attributes[0].labels.clear()), "1 attribute changed"),
        ("attribute definition", Box::new(|p| p.codebook.attributes[0].definition.clear()), "1 attribute changed"),
        (
            "attribute added",
            Box::new(|p| {
                p.codebook.attributes.push(AttributeDef {
                    id: "speaker".into(),
                    name: "Speaker type".into(),
                    kind: ValueKind::Text,
                    labels: vec!["quote".into()],
                    definition: String::new(),
                })
            }),
            "1 attribute added",
        ),
        ("attribute deleted", Box::new(|p| p.codebook.attributes.clear()), "1 attribute deleted"),
        (
            "document variable name",
            Box::new(|p| p.codebook.document_fields[0].name = "Medium".into()),
            "1 document variable changed",
        ),
        (
            "document variable type",
            Box::new(|p| p.codebook.document_fields[0].kind = ValueKind::Choice(vec!["IranWire".into()])),
            "1 document variable changed",
        ),
        (
            "document variable definition",
            Box::new(|p| p.codebook.document_fields[0].definition = "Verlag".into()),
            "1 document variable changed",
        ),
        (
            "document variable added",
            Box::new(|p| {
                p.codebook.document_fields.push(FieldDef {
                    id: "genre".into(),
                    name: "Genre".into(),
                    kind: ValueKind::Choice(vec!["news".into(), "opinion".into()]),
                    definition: String::new(),
                })
            }),
            "1 document variable added",
        ),
        ("document variable deleted", Box::new(|p| p.codebook.document_fields.clear()), "1 document variable deleted"),
        (
            "annotator added",
            Box::new(|p| p.annotators.push(Annotator { id: "cy".into(), name: "Cy".into() })),
            "1 annotator added",
        ),
        ("annotator renamed", Box::new(|p| p.annotators[1].name = "Bo Ström".into()), "1 annotator changed"),
        ("annotator removed", Box::new(|p| p.annotators.retain(|a| a.id != "bo")), "1 annotator deleted"),
        (
            "memo added",
            Box::new(|p| p.memos.push(memo(401, MemoTarget::Document("d2".into()), "Zweites"))),
            "1 memo added",
        ),
        ("memo changed", Box::new(|p| p.memos[1].text = "Müller is the minister 🎉".into()), "1 memo changed"),
        ("memo deleted", Box::new(|p| drop(p.memos.remove(2))), "1 memo deleted"),
        ("memo order", Box::new(|p| p.memos.swap(0, 3)), "the order of memos changed"),
        ("document renamed", Box::new(|p| p.documents[1].name = "zweites.txt".into()), "of 1 document changed"),
        (
            "metadata added",
            Box::new(|p| drop(p.documents[0].metadata.insert("date".into(), "2026-11-27".into()))),
            "of 1 document changed",
        ),
        (
            "metadata changed",
            Box::new(|p| drop(p.documents[0].metadata.insert("title".into(), "社交媒体".into()))),
            "of 1 document changed",
        ),
        ("metadata removed", Box::new(|p| drop(p.documents[0].metadata.remove("author"))), "of 1 document changed"),
        (
            "variable added",
            Box::new(|p| drop(p.documents[1].variables.insert("outlet".into(), Value::Text("DW".into())))),
            "of 1 document changed",
        ),
        (
            "variable changed",
            Box::new(|p| drop(p.documents[0].variables.insert("outlet".into(), Value::Text("BBC فارسی".into())))),
            "of 1 document changed",
        ),
        ("variable removed", Box::new(|p| p.documents[0].variables.clear()), "of 1 document changed"),
        (
            "document added",
            Box::new(|p| {
                let document = Document::new("d3", "third.txt", "Dritter Text 🎉 ü".to_owned());
                apply(p, Edit::AddDocument { index: 2, document: Box::new(document) }).unwrap();
            }),
            "1 document added",
        ),
        (
            "document removed",
            Box::new(|p| drop(apply(p, Edit::RemoveDocument { id: "d2".into() }).unwrap())),
            "1 document removed",
        ),
        ("document order", Box::new(|p| p.documents.swap(0, 1)), "the order of documents changed"),
        (
            "annotation added",
            Box::new(|p| {
                add_in(p, "d1", 501, "claim", "matter");
            }),
            "1 annotation added",
        ),
        (
            "annotation changed",
            Box::new(|p| update_annotation(p, "社交媒体", |a| a.label = "claim".into())),
            "1 annotation changed",
        ),
        (
            "annotation deleted",
            Box::new(|p| {
                let id = annotation_id(p, "شبکه‌های اجتماعی");
                apply(p, Edit::RemoveAnnotation { document: "d1".into(), id }).unwrap();
            }),
            "1 annotation deleted",
        ),
        (
            "relation added",
            Box::new(|p| {
                let (from, to) = (annotation_id(p, "شبکه‌های اجتماعی"), annotation_id(p, "👨‍👩‍👧 family"));
                let relation = Relation {
                    id: IdGenerator::seeded(601).next_id(),
                    kind: "about".into(),
                    from,
                    to,
                    annotator: "ana".into(),
                    created: common::time(),
                    modified: common::time(),
                    note: String::new(),
                };
                apply(p, Edit::AddRelation { document: "d1".into(), relation }).unwrap();
            }),
            "1 relation added",
        ),
        ("relation changed", Box::new(|p| update_relation(p, |r| r.note = "indirekt".into())), "1 relation changed"),
        (
            "relation deleted",
            Box::new(|p| {
                let id = p.documents[0].relations[0].id;
                apply(p, Edit::RemoveRelation { document: "d1".into(), id }).unwrap();
            }),
            "1 relation deleted",
        ),
    ]
}

/// What the other side does meanwhile: a new memo, which touches nothing the edits touch.
fn other_edit(project: &mut Project) {
    project.memos.push(memo(999, MemoTarget::Project, "Meanwhile"));
}

#[test]
fn each_kind_of_change_made_on_one_side_is_taken_and_counted() {
    let base = base();
    for (name, edit, words) in one_sided_edits() {
        let changed = with(&base, &*edit);
        let other = with(&base, &other_edit);
        // Theirs made the edit: it is taken.
        let expected = with(&other, &*edit);
        let merged = resolved(&base, &other, &changed, Side::Mine);
        assert_eq!(merged.project, expected, "{name}: theirs not taken");
        assert!(merged.report.conflicts.is_empty(), "{name}: {:?}", merged.report.conflicts);
        assert!(merged.report.consequences.is_empty(), "{name}: {:?}", merged.report.consequences);
        let taken = merged.report.theirs_taken.to_string();
        assert!(taken.contains(words), "{name}: \"{taken}\" lacks \"{words}\"");
        assert_eq!(merged.report.mine_kept.to_string(), "1 memo added", "{name}");
        // I made it: it is kept, and theirs is taken too (their new memo after anything new of mine).
        let expected = with(&changed, &other_edit);
        let merged = resolved(&base, &changed, &other, Side::Mine);
        assert_eq!(merged.project, expected, "{name}: mine not kept");
        assert!(merged.report.conflicts.is_empty(), "{name}: {:?}", merged.report.conflicts);
        let kept = merged.report.mine_kept.to_string();
        assert!(kept.contains(words), "{name}: \"{kept}\" lacks \"{words}\"");
        assert_eq!(merged.report.theirs_taken.to_string(), "1 memo added", "{name}");
        // And what their version changed, as the "file changed on disk" dialog says it.
        let summary = BaseItems::of(&base).changes_to(&changed).to_string();
        assert!(summary.contains(words), "{name}: changes_to says \"{summary}\"");
    }
}

#[test]
fn the_summary_of_their_version_counts_every_kind() {
    let base = base();
    let mut theirs = base.clone();
    for (_, edit, _) in one_sided_edits().into_iter().filter(|(name, _, _)| {
        [
            "project description",
            "label colour",
            "relation type added",
            "attribute deleted",
            "document variable added",
            "annotator added",
            "memo changed",
            "document added",
            "metadata changed",
            "annotation added",
            "annotation changed",
            "relation changed",
            "label order",
        ]
        .contains(name)
    }) {
        edit(&mut theirs);
    }
    assert_eq!(
        BaseItems::of(&base).changes_to(&theirs).to_string(),
        "the project description changed; 1 label changed; 1 relation type added; 1 attribute deleted; \
         1 document variable added; 1 annotator added; 1 memo changed; 1 document added; \
         the name, metadata or variables of 1 document changed; 1 annotation added, 1 changed; \
         1 relation changed; the order of labels changed"
    );
    assert_eq!(ChangeSummary::between(&base, &theirs), BaseItems::of(&base).changes_to(&theirs));
    assert_eq!(BaseItems::of(&base).changes_to(&base).to_string(), "no net change");
    // The merge report says the same in sentences.
    let merged = resolved(&base, &base, &theirs, Side::Mine);
    assert_eq!(
        merged.report.to_string(),
        "From their version: the project description changed; 1 label changed; 1 relation type added; \
         1 attribute deleted; 1 document variable added; 1 annotator added; 1 memo changed; 1 document added; \
         the name, metadata or variables of 1 document changed; 1 annotation added, 1 changed; \
         1 relation changed; the order of labels changed. No conflicts."
    );
    assert_eq!(merged.project, theirs);
}

type ConflictCase = (&'static str, EditFn, EditFn, Item);

fn both_sided_edits(base: &Project) -> Vec<ConflictCase> {
    let quote = annotation_id(base, "Grüße 🎉 from the 👨‍👩‍👧 family.");
    let relation = base.documents[0].relations[0].id;
    let memo_id = base.memos[1].id;
    let entry = |kind, id: &str, field| Item::Entry { kind, id: id.into(), field: Some(field) };
    let later: spanwise::model::Timestamp = "2027-03-04T05:06:07.890Z".parse().unwrap();
    let earlier: spanwise::model::Timestamp = "2025-03-04T05:06:07.890Z".parse().unwrap();
    vec![
        (
            "project name",
            Box::new(|p| p.name = "Mine".into()),
            Box::new(|p| p.name = "Theirs".into()),
            Item::Project("name"),
        ),
        (
            "project description",
            Box::new(|p| p.description = "Meine Beschreibung".into()),
            Box::new(|p| p.description = "توضیحات".into()),
            Item::Project("description"),
        ),
        (
            "project creation time",
            Box::new(move |p| p.created = later),
            Box::new(move |p| p.created = earlier),
            Item::Project("creation time"),
        ),
        (
            "label colour",
            Box::new(|p| label(p, "claim").color = "#ff0000".into()),
            Box::new(|p| label(p, "claim").color = "#00ff00".into()),
            entry(Kind::Label, "claim", "colour"),
        ),
        (
            "label hotkey",
            Box::new(|p| label(p, "spare").hotkey = Some('7')),
            Box::new(|p| label(p, "spare").hotkey = None),
            entry(Kind::Label, "spare", "hotkey"),
        ),
        (
            "relation type targets",
            Box::new(|p| relation_type(p, "about").to_labels.push("quote".into())),
            Box::new(|p| relation_type(p, "about").to_labels.push("claim".into())),
            entry(Kind::RelationType, "about", "target labels"),
        ),
        (
            "attribute options",
            Box::new(|p| p.codebook.attributes[0].kind = ValueKind::Choice(vec!["ja".into(), "nein".into()])),
            Box::new(|p| p.codebook.attributes[0].kind = ValueKind::Bool),
            entry(Kind::Attribute, "stance", "type"),
        ),
        (
            "document variable definition",
            Box::new(|p| p.codebook.document_fields[0].definition = "Verlag".into()),
            Box::new(|p| p.codebook.document_fields[0].definition = "ناشر".into()),
            entry(Kind::DocumentField, "outlet", "definition"),
        ),
        (
            "annotator name",
            Box::new(|p| p.annotators[1].name = "Bo A".into()),
            Box::new(|p| p.annotators[1].name = "Bo B".into()),
            entry(Kind::Annotator, "bo", "name"),
        ),
        (
            "label order",
            Box::new(|p| p.codebook.labels.swap(0, 1)),
            Box::new(|p| p.codebook.labels.swap(2, 3)),
            Item::Order("labels"),
        ),
        (
            "memo text",
            Box::new(|p| p.memos[1].text = "mine".into()),
            Box::new(|p| p.memos[1].text = "theirs".into()),
            Item::Memo(memo_id),
        ),
        (
            "document name",
            Box::new(|p| p.documents[0].name = "meins.txt".into()),
            Box::new(|p| p.documents[0].name = "deins.txt".into()),
            Item::DocumentName("d1".into()),
        ),
        (
            "document metadata",
            Box::new(|p| drop(p.documents[0].metadata.insert("title".into(), "Mein Titel".into()))),
            Box::new(|p| drop(p.documents[0].metadata.insert("title".into(), "عنوان".into()))),
            Item::Metadata { document: "d1".into(), key: "title".into() },
        ),
        (
            "document variable",
            Box::new(|p| drop(p.documents[0].variables.insert("outlet".into(), Value::Text("A".into())))),
            Box::new(|p| drop(p.documents[0].variables.remove("outlet"))),
            Item::Variable { document: "d1".into(), key: "outlet".into() },
        ),
        (
            "annotation",
            Box::new(|p| {
                update_annotation(p, "Grüße 🎉 from the 👨‍👩‍👧 family.", |a| a.note = "mine".into())
            }),
            Box::new(|p| {
                update_annotation(p, "Grüße 🎉 from the 👨‍👩‍👧 family.", |a| a.label = "claim".into())
            }),
            Item::Annotation { document: "d1".into(), id: quote },
        ),
        (
            "relation",
            Box::new(|p| update_relation(p, |r| r.note = "mine".into())),
            Box::new(|p| update_relation(p, |r| r.note = "theirs".into())),
            Item::Relation { document: "d1".into(), id: relation },
        ),
    ]
}

#[test]
fn a_field_or_item_both_sides_changed_differently_is_a_conflict_resolved_per_item() {
    let base = base();
    for (name, mine_edit, theirs_edit, item) in both_sided_edits(&base) {
        let (mine, theirs) = (with(&base, &*mine_edit), with(&base, &*theirs_edit));
        let merge = merge3(&base, &mine, &theirs);
        let conflicts = merge.conflicts();
        assert!(conflicts.iter().any(|c| c.item == item), "{name}: {conflicts:?}");
        let conflict = conflicts.iter().find(|c| c.item == item).unwrap();
        assert_ne!(conflict.mine, conflict.theirs, "{name}: both values are shown");
        assert!(!conflict.what.is_empty());
        // Each choice gives that side's value for the item; nothing else changed.
        let choose = |side| {
            let choices: Vec<Side> = conflicts.iter().map(|c| if c.item == item { side } else { Side::Mine }).collect();
            merge3(&base, &mine, &theirs).resolve(&choices).unwrap()
        };
        let kept = choose(Side::Mine);
        let taken = choose(Side::Theirs);
        if conflicts.len() == 1 {
            assert_eq!(kept.project, mine, "{name}: mine chosen");
            assert_eq!(taken.project, theirs, "{name}: theirs chosen");
        }
        assert_ne!(kept.project, taken.project, "{name}");
        let report = taken.report.to_string();
        assert!(
            report.contains(&format!("{}: theirs taken ({}; yours {})", conflict.what, conflict.theirs, conflict.mine)),
            "{name}: {report}"
        );
        let report = kept.report.to_string();
        assert!(
            report.contains(&format!("{}: yours kept ({}; theirs {})", conflict.what, conflict.mine, conflict.theirs)),
            "{name}: {report}"
        );
    }
}

#[test]
fn conflicts_show_both_values_in_words() {
    let base = base();
    let mine = with(&base, &|p| label(p, "claim").color = "#ff0000".into());
    let theirs = with(&base, &|p| label(p, "claim").color = "#00ff00".into());
    let merge = merge3(&base, &mine, &theirs);
    let conflict = &merge.conflicts()[0];
    assert_eq!(
        (conflict.what.as_str(), conflict.mine.as_str(), conflict.theirs.as_str()),
        ("label \"Claim\": colour", "#ff0000", "#00ff00")
    );

    let family = "👨‍👩‍👧 family";
    let mine = with(&base, &|p| update_annotation(p, family, |a| a.note = "der Minister".into()));
    let theirs = with(&base, &|p| update_annotation(p, family, |a| a.label = "quote".into()));
    let merge = merge3(&base, &mine, &theirs);
    let conflict = &merge.conflicts()[0];
    let span = annotation(&base, family);
    let range = format!("({}..{})", span.start(), span.end());
    assert_eq!(conflict.what, format!("annotation Actor \"{family}\" in document \"tricky.txt\""));
    assert_eq!(conflict.mine, format!("Actor \"{family}\" {range}, note \"der Minister\", by ana"));
    assert_eq!(conflict.theirs, format!("Quote \"{family}\" {range}, by ana"));
}

type DeletionCase = (&'static str, EditFn, EditFn);

#[test]
fn a_deletion_against_a_change_is_a_conflict_either_way_round() {
    let base = base();
    let cases: Vec<DeletionCase> = vec![
        (
            "annotation",
            Box::new(|p| update_annotation(p, "社交媒体", |a| a.note = "wichtig".into())),
            Box::new(|p| {
                let id = annotation_id(p, "社交媒体");
                apply(p, Edit::RemoveAnnotation { document: "d1".into(), id }).unwrap();
            }),
        ),
        (
            "relation",
            Box::new(|p| update_relation(p, |r| r.note = "direkt".into())),
            Box::new(|p| {
                let id = p.documents[0].relations[0].id;
                apply(p, Edit::RemoveRelation { document: "d1".into(), id }).unwrap();
            }),
        ),
        (
            "label",
            Box::new(|p| label(p, "spare").color = "#654321".into()),
            Box::new(|p| p.codebook.labels.retain(|l| l.id != "spare")),
        ),
        (
            "relation type",
            Box::new(|p| relation_type(p, "supports").name = "Stützt".into()),
            Box::new(|p| p.codebook.relation_types.retain(|t| t.id != "supports")),
        ),
        (
            "attribute",
            Box::new(|p| p.codebook.attributes[0].name = "Haltung".into()),
            Box::new(|p| p.codebook.attributes.clear()),
        ),
        (
            "document variable",
            Box::new(|p| p.codebook.document_fields[0].name = "Medium".into()),
            Box::new(|p| p.codebook.document_fields.clear()),
        ),
        (
            "annotator",
            Box::new(|p| p.annotators[1].name = "Bo Ström".into()),
            Box::new(|p| p.annotators.retain(|a| a.id != "bo")),
        ),
        ("memo", Box::new(|p| p.memos[0].text = "neu".into()), Box::new(|p| drop(p.memos.remove(0)))),
        (
            "metadata",
            Box::new(|p| drop(p.documents[0].metadata.insert("title".into(), "neu".into()))),
            Box::new(|p| drop(p.documents[0].metadata.remove("title"))),
        ),
        (
            "document",
            Box::new(|p| {
                add_in(p, "d2", 701, "claim", "北京");
            }),
            Box::new(|p| drop(apply(p, Edit::RemoveDocument { id: "d2".into() }).unwrap())),
        ),
    ];
    for (name, change, delete) in cases {
        let (changed, deleted) = (with(&base, &*change), with(&base, &*delete));
        for (mine, theirs, deleted_side) in [(&changed, &deleted, Side::Theirs), (&deleted, &changed, Side::Mine)] {
            let merge = merge3(&base, mine, theirs);
            assert_eq!(merge.conflicts().len(), 1, "{name}, deleted by {deleted_side}: {:?}", merge.conflicts());
            let conflict = &merge.conflicts()[0];
            let deleted_text = match deleted_side {
                Side::Mine => &conflict.mine,
                Side::Theirs => &conflict.theirs,
            };
            assert!(deleted_text == DELETED || deleted_text == "removed", "{name}: {conflict:?}");
            assert_eq!(resolved(&base, mine, theirs, Side::Mine).project, *mine, "{name}, deleted by {deleted_side}");
            assert_eq!(
                resolved(&base, mine, theirs, Side::Theirs).project,
                *theirs,
                "{name}, deleted by {deleted_side}"
            );
        }
        // A deletion nobody objects to is simply taken.
        let merged = resolved(&base, &base, &deleted, Side::Mine);
        assert_eq!(merged.project, deleted, "{name}");
        assert!(merged.report.conflicts.is_empty());
    }
}

#[test]
fn a_document_kept_against_its_removal_counts_the_changes_its_conflict_lists() {
    let base = base();
    let changed = with(&base, &|p| {
        add_in(p, "d2", 702, "actor", "北京");
    });
    let removed = with(&base, &|p| drop(apply(p, Edit::RemoveDocument { id: "d2".into() }).unwrap()));
    let changes = ChangeSummary::between(&base, &changed).to_string();
    assert_eq!(changes, "1 annotation added");
    // Removing it takes the document with everything in it.
    let removal = ChangeSummary::between(&changed, &removed).to_string();
    assert!(removal.starts_with("1 document removed; 2 annotations deleted"), "{removal}");
    // They kept the document with a change, I removed it: taking theirs counts their change.
    let merge = merge3(&base, &removed, &changed);
    assert_eq!(merge.conflicts()[0].theirs, format!("kept, with their changes: {changes}"));
    let taken = resolved(&base, &removed, &changed, Side::Theirs);
    assert_eq!(taken.report.theirs_taken.to_string(), changes);
    let kept = resolved(&base, &removed, &changed, Side::Mine);
    assert_eq!(kept.report.mine_kept.to_string(), removal);
    // The other way round: keeping mine counts my change.
    let merge = merge3(&base, &changed, &removed);
    assert_eq!(merge.conflicts()[0].mine, format!("kept, with your changes: {changes}"));
    let kept = resolved(&base, &changed, &removed, Side::Mine);
    assert_eq!(kept.report.mine_kept.to_string(), changes);
    let taken = resolved(&base, &changed, &removed, Side::Theirs);
    assert_eq!(taken.report.theirs_taken.to_string(), removal);
}

#[test]
fn an_annotation_deleted_by_them_that_my_new_relation_uses_is_a_conflict() {
    let base = base();
    let (claim, actor) = (annotation_id(&base, "شبکه‌های اجتماعی"), annotation_id(&base, "Müller"));
    let mine = with(&base, &|p| {
        let relation = Relation {
            id: IdGenerator::seeded(801).next_id(),
            kind: "attributed_to".into(),
            from: claim,
            to: actor,
            annotator: "ana".into(),
            created: common::time(),
            modified: common::time(),
            note: String::new(),
        };
        apply(p, Edit::AddRelation { document: "d1".into(), relation }).unwrap();
    });
    let theirs = with(&base, &|p| drop(apply(p, Edit::RemoveAnnotation { document: "d1".into(), id: claim }).unwrap()));
    let merge = merge3(&base, &mine, &theirs);
    assert_eq!(merge.conflicts().len(), 1);
    let conflict = &merge.conflicts()[0];
    assert_eq!(conflict.item, Item::Annotation { document: "d1".into(), id: claim });
    assert!(conflict.mine.contains("a relation or memo you added or changed uses it"), "{conflict:?}");
    assert_eq!(conflict.theirs, DELETED);
    assert_eq!(resolved(&base, &mine, &theirs, Side::Mine).project, mine);
    // Their deletion chosen: my relation cannot stay, and the report says so.
    let merged = resolved(&base, &mine, &theirs, Side::Theirs);
    assert!(merged.project.documents[0].annotation(claim).is_none());
    assert_eq!(merged.project.documents[0].relations, base.documents[0].relations);
    assert_eq!(merged.report.consequences.len(), 1, "{:?}", merged.report.consequences);
    assert!(
        merged.report.consequences[0].starts_with("The relation Attributed to: annotation ")
            && merged.report.consequences[0].ends_with("was dropped: its source annotation was deleted."),
        "{}",
        merged.report.consequences[0]
    );
}

#[test]
fn a_memo_about_an_annotation_they_deleted_moves_to_its_document() {
    let base = base();
    let target = annotation_id(&base, "社交媒体");
    let mine = with(&base, &|p| p.memos.push(memo(901, MemoTarget::Annotation(target), "Warum 社交媒体")));
    let theirs =
        with(&base, &|p| drop(apply(p, Edit::RemoveAnnotation { document: "d1".into(), id: target }).unwrap()));
    let merge = merge3(&base, &mine, &theirs);
    assert_eq!(merge.conflicts()[0].item, Item::Annotation { document: "d1".into(), id: target });
    let merged = resolved(&base, &mine, &theirs, Side::Theirs);
    let moved = merged.project.memos.iter().find(|m| m.title == "Warum 社交媒体").unwrap();
    assert_eq!(moved.target, MemoTarget::Document("d1".into()));
    assert_eq!(
        merged.report.consequences,
        [format!(
            "The memo \"Warum 社交媒体\" was about annotation {target}, which was deleted; it is now about document \"tricky.txt\" (d1)."
        )]
    );
}

#[test]
fn a_label_they_deleted_while_i_used_it_is_kept_and_said_so() {
    let base = base();
    let mine = with(&base, &|p| {
        add_in(p, "d1", 1001, "spare", "matter");
    });
    let theirs = with(&base, &|p| p.codebook.labels.retain(|l| l.id != "spare"));
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    assert!(merged.report.conflicts.is_empty());
    assert_eq!(merged.project, mine, "the label stays, with my annotation");
    assert_eq!(merged.report.theirs_taken.to_string(), "no net change", "their deletion was not taken");
    assert_eq!(
        merged.report.consequences,
        ["The label \"Spare\" was kept: it was deleted in their version, but it is still used by 1 annotation."]
    );
    // The same for a relation type and an annotator.
    let mine = with(&base, &|p| {
        let relation = Relation {
            id: IdGenerator::seeded(1002).next_id(),
            kind: "supports".into(),
            from: annotation_id(p, "Müller said: “Grüße 🎉 from the 👨‍👩‍👧 family.”"),
            to: annotation_id(p, "شبکه‌های اجتماعی"),
            annotator: "bo".into(),
            created: common::time(),
            modified: common::time(),
            note: String::new(),
        };
        apply(p, Edit::AddRelation { document: "d1".into(), relation }).unwrap();
    });
    let theirs = with(&base, &|p| {
        p.codebook.relation_types.retain(|t| t.id != "supports");
        p.annotators.retain(|a| a.id != "bo");
    });
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    assert_eq!(merged.project, mine);
    assert_eq!(
        merged.report.consequences,
        [
            "The relation type \"Supports\" was kept: it was deleted in their version, but it is still used by 1 relation.",
            "The annotator \"Bo\" was kept: it was deleted in their version, but it is still used by 1 annotation or relation."
        ]
    );
}

#[test]
fn a_relation_type_kept_for_my_relation_keeps_the_labels_it_names() {
    let base = with(&base(), &|p| relation_type(p, "supports").from_labels.push("spare".into()));
    let mine = with(&base, &|p| {
        let relation = Relation {
            id: IdGenerator::seeded(1003).next_id(),
            kind: "supports".into(),
            from: annotation_id(p, "Müller said: “Grüße 🎉 from the 👨‍👩‍👧 family.”"),
            to: annotation_id(p, "شبکه‌های اجتماعی"),
            annotator: "ana".into(),
            created: common::time(),
            modified: common::time(),
            note: String::new(),
        };
        apply(p, Edit::AddRelation { document: "d1".into(), relation }).unwrap();
    });
    let theirs = with(&base, &|p| {
        p.codebook.relation_types.retain(|t| t.id != "supports");
        p.codebook.labels.retain(|l| l.id != "spare");
    });
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    assert_eq!(merged.project, mine);
    assert_eq!(
        merged.report.consequences,
        [
            "The relation type \"Supports\" was kept: it was deleted in their version, but it is still used by 1 relation.",
            "The label \"Spare\" was kept: it was deleted in their version, but it is still used by the relation type \"Supports\"."
        ]
    );
}

#[test]
fn a_hotkey_both_sides_gave_away_stays_with_my_label() {
    let base = base();
    let mine = with(&base, &|p| label(p, "spare").hotkey = Some('5'));
    let theirs = with(&base, &|p| {
        p.codebook.labels.push(Label {
            id: "frame".into(),
            name: "Frame".into(),
            color: "#abcdef".into(),
            hotkey: Some('5'),
            definition: String::new(),
            examples: Vec::new(),
            parent: None,
        })
    });
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    let codebook = &merged.project.codebook;
    assert_eq!(codebook.label("spare").unwrap().hotkey, Some('5'));
    assert_eq!(codebook.label("frame").unwrap().hotkey, None);
    assert_eq!(merged.report.consequences, ["The label \"Frame\" lost its hotkey '5': the label \"Spare\" has it."]);
}

#[test]
fn a_relation_their_tightened_type_no_longer_allows_is_dropped_and_said_so() {
    let base = base();
    let (quote, actor) = (annotation_id(&base, "Grüße 🎉 from the 👨‍👩‍👧 family."), annotation_id(&base, "👨‍👩‍👧 family"));
    let mine = with(&base, &|p| {
        let relation = Relation {
            id: IdGenerator::seeded(1101).next_id(),
            kind: "about".into(),
            from: quote,
            to: actor,
            annotator: "ana".into(),
            created: common::time(),
            modified: common::time(),
            note: String::new(),
        };
        apply(p, Edit::AddRelation { document: "d1".into(), relation }).unwrap();
    });
    let theirs = with(&base, &|p| relation_type(p, "about").from_labels = vec!["claim".into()]);
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    assert_eq!(merged.project.documents[0].relations, base.documents[0].relations);
    assert_eq!(merged.project.codebook.relation_type("about").unwrap().from_labels, ["claim"]);
    assert_eq!(
        merged.report.consequences,
        ["The relation About: Quote \"Grüße 🎉 from the 👨‍👩‍👧 family.\" -> Actor \"👨‍👩‍👧 family\", by ana was dropped: \
          its source is a Quote, which \"About\" does not allow."]
    );
}

#[test]
fn without_a_base_the_merge_is_a_union_and_lists_what_mine_decided() {
    let base = base();
    let gone = annotation_id(&base, "社交媒体");
    let mine = with(&base, &|p| {
        p.description = "Meine".into();
        add_in(p, "d1", 1201, "actor", "Grüße");
    });
    let theirs = with(&base, &|p| {
        p.description = "Ihre".into();
        add_in(p, "d1", 1202, "claim", "matter");
        apply(p, Edit::RemoveAnnotation { document: "d1".into(), id: gone }).unwrap();
    });
    let merge = merge::merge(None, &mine, &theirs);
    assert!(!merge.has_base());
    assert_eq!(merge.conflicts().len(), 1);
    assert_eq!(merge.conflicts()[0].item, Item::Project("description"));
    let merged = merge.resolve_all(Side::Mine).unwrap();
    let project = &merged.project;
    assert_eq!(project.description, "Meine");
    assert_eq!(project.annotation_count(), base.annotation_count() + 2, "both new ones, and the deleted one is back");
    assert!(project.documents[0].annotation(gone).is_some());
    let report = merged.report.to_string();
    assert!(report.starts_with("There was no common earlier version to compare with, so this is a union"), "{report}");
    assert!(report.contains("From their version: 1 annotation added."), "{report}");
    assert!(report.contains("1 conflict: project description: yours kept (\"Meine\"; theirs \"Ihre\")."), "{report}");
    // With the base, their deletion is taken.
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    assert!(merged.project.documents[0].annotation(gone).is_none());
}

#[test]
fn documents_added_on_both_sides_with_the_same_id_are_both_kept() {
    let base = base();
    let mine = with(&base, &|p| {
        let document = Document::new("d3", "mine.txt", "Meiner: Grüße 🎉".to_owned());
        apply(p, Edit::AddDocument { index: 2, document: Box::new(document) }).unwrap();
    });
    let theirs = with(&base, &|p| {
        let document = Document::new("d3", "theirs.txt", "Ihrer: 社交媒体 شبکه‌ها".to_owned());
        apply(p, Edit::AddDocument { index: 2, document: Box::new(document) }).unwrap();
        add_in(p, "d3", 1301, "claim", "社交媒体");
        p.memos.push(memo(1302, MemoTarget::Document("d3".into()), "Ihre Quelle"));
    });
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    let names: Vec<(&str, &str)> = merged.project.documents.iter().map(|d| (d.id.as_str(), d.name.as_str())).collect();
    assert_eq!(names, [("d1", "tricky.txt"), ("d2", "second.txt"), ("d3", "mine.txt"), ("d4", "theirs.txt")]);
    assert_eq!(merged.project.documents[3].annotations.len(), 1);
    let memo = merged.project.memos.iter().find(|m| m.title == "Ihre Quelle").unwrap();
    assert_eq!(memo.target, MemoTarget::Document("d4".into()), "their memo follows their document");
    assert_eq!(
        merged.report.consequences,
        ["Their document \"theirs.txt\" was added as d4: your document \"mine.txt\" has the id d3."]
    );
    // The same document (same id and text) added on both sides is one document.
    let theirs = with(&mine, &|p| {
        add_in(p, "d3", 1303, "quote", "Grüße");
    });
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    assert_eq!(merged.project, theirs);
}

#[test]
fn the_same_change_on_both_sides_is_no_conflict_and_keeps_the_later_time() {
    let base = base();
    let later: spanwise::model::Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
    let mine = with(&base, &|p| update_annotation(p, "Müller", |a| a.note = "Minister".into()));
    let theirs = with(&base, &|p| {
        update_annotation(p, "Müller", |a| {
            a.note = "Minister".into();
            a.modified = later;
        })
    });
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    assert!(merged.report.conflicts.is_empty());
    assert_eq!(merged.project, theirs);
}

#[test]
fn merged_documents_get_new_revisions_so_views_refresh() {
    let base = base();
    let mine = base.clone();
    let theirs = with(&base, &|p| {
        add_in(p, "d1", 1401, "claim", "matter");
    });
    let merged = resolved(&base, &mine, &theirs, Side::Mine);
    for (merged, mine) in merged.project.documents.iter().zip(&mine.documents) {
        assert_ne!(merged.revision(), mine.revision(), "{}", merged.id);
    }
}

#[test]
fn resolve_wants_one_choice_per_conflict() {
    let base = base();
    let mine = with(&base, &|p| p.name = "A".into());
    let theirs = with(&base, &|p| p.name = "B".into());
    let error = merge3(&base, &mine, &theirs).resolve(&[]).unwrap_err();
    assert_eq!(error.to_string(), "0 choices were given for 1 conflicts; choose mine or theirs for each conflict");
}

#[test]
fn the_sample_merged_with_itself_is_unchanged() {
    let sample = spanwise::store::load(&common::sample_project_path()).unwrap();
    let merged = resolved(&sample, &sample, &sample, Side::Mine);
    assert_eq!(merged.project, sample);
    assert_eq!(merged.report.to_string(), "Nothing was taken from their version. No conflicts.");
    let merged = merge::merge(None, &sample, &sample).resolve_all(Side::Theirs).unwrap();
    assert_eq!(merged.project, sample);
}
