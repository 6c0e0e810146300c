//! The codebook as data: editing it (each change one undoable edit), deleting a label in use,
//! hotkeys, the lock, sub-labels, typed attributes and document variables, memos that go along
//! with what they are about, and the codebook files (`.codebook.ron`, REFI-QDA `.qdc`). Every
//! case round-trips through the project file.

mod common;

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use spanwise::edit::{Edit, EditError, History, apply, delete_label};
use spanwise::formats::codebook::{self, CodebookFormat};
use spanwise::model::codebook_editing::{
    self as cb, CodebookChange, LabelDeletion, add_label, merge_codebooks, rename_label, set_hotkey, set_locked,
};
use spanwise::model::{Codebook, ItemId, Memo, MemoTarget, Project, Value, ValueKind, validate};
use spanwise::store;

fn no_commands(_: char) -> Option<String> {
    None
}

/// Saves and loads the project, and checks it comes back the same.
fn round_trip(project: &Project) -> Project {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    store::save(project, &path).unwrap();
    let loaded = store::load(&path).unwrap();
    assert_eq!(&loaded, project, "the project file gives back what was saved");
    loaded
}

fn memo(id: u64, target: MemoTarget, text: &str) -> Memo {
    Memo {
        id: ItemId(id),
        target,
        title: "Memo".into(),
        text: text.into(),
        author: "ana".into(),
        created: common::time(),
        modified: common::time(),
    }
}

fn ids_with_label(project: &Project, label: &str) -> Vec<ItemId> {
    project.documents[0].annotations.iter().filter(|a| a.label == label).map(|a| a.id).collect()
}

#[test]
fn the_default_codebook_has_the_relation_types_attributes_and_document_variables_of_the_issue() {
    let codebook = Codebook::default_news();
    let rel = |id: &str| codebook.relation_type(id).unwrap_or_else(|| panic!("{id}"));
    assert_eq!(rel("attributed_to").from_labels, ["quote", "claim", "recommendation"]);
    assert_eq!(rel("attributed_to").to_labels, ["actor"]);
    assert_eq!(rel("addressed_to").from_labels, ["recommendation"]);
    for id in ["supports", "contradicts"] {
        assert_eq!(
            (rel(id).from_labels.as_slice(), rel(id).to_labels.as_slice()),
            (&["claim".to_owned()][..], &["claim".to_owned()][..])
        );
    }
    let attribute = |id: &str| codebook.attribute(id).unwrap_or_else(|| panic!("{id}"));
    assert_eq!(attribute("speaker_type").kind.options(), ["official", "expert", "citizen", "anonymous", "other"]);
    assert_eq!(attribute("speaker_type").labels, ["quote"]);
    assert_eq!(attribute("stance").kind.options(), ["supports", "opposes", "neutral"]);
    assert_eq!(attribute("check_worthy").kind, ValueKind::Bool);
    assert_eq!(attribute("addressee").labels, ["recommendation"]);
    assert_eq!(codebook.document_field("publication_date").unwrap().kind, ValueKind::Date);
    assert!(matches!(codebook.document_field("genre").unwrap().kind, ValueKind::Choice(_)));
    assert!(codebook.document_field("outlet").is_some());
    let names: Vec<&str> = codebook.attributes_for("claim").map(|a| a.id.as_str()).collect();
    assert_eq!(names, ["stance", "check_worthy"]);
}

#[test]
fn renaming_adding_recolouring_and_moving_labels_are_undoable_codebook_edits() {
    let mut project = common::tricky_project();
    let before = project.clone();
    let mut history = History::default();
    let renamed = rename_label(&project.codebook, "claim", "Behauptung 🎉").unwrap();
    history.apply(&mut project, Edit::SetCodebook(Box::new(renamed))).unwrap();
    assert_eq!(project.codebook.label("claim").unwrap().name, "Behauptung 🎉");
    assert_eq!(
        rename_label(&project.codebook, "quote", " behauptung 🎉 "),
        Err(CodebookChange::DuplicateName("behauptung 🎉".into()))
    );
    assert_eq!(rename_label(&project.codebook, "quote", "  "), Err(CodebookChange::EmptyName));
    let (added, id) = add_label(&project.codebook, "شبکه‌های اجتماعی", None).unwrap();
    assert_eq!(added.label(&id).unwrap().hotkey, Some('5'), "the first free key");
    history.apply(&mut project, Edit::SetCodebook(Box::new(added))).unwrap();
    let recoloured = cb::recolor_label(&project.codebook, &id, "#AABBCC").unwrap();
    assert_eq!(cb::recolor_label(&project.codebook, &id, "blue"), Err(CodebookChange::BadColor("blue".into())));
    history.apply(&mut project, Edit::SetCodebook(Box::new(recoloured))).unwrap();
    let moved = cb::move_label(&project.codebook, &id, -1).unwrap();
    history.apply(&mut project, Edit::SetCodebook(Box::new(moved))).unwrap();
    let order: Vec<&str> = project.codebook.labels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(order, ["claim", "quote", "actor", id.as_str(), "recommendation"]);
    let loaded = round_trip(&project);
    assert_eq!(loaded.codebook.label(&id).unwrap().color, "#aabbcc");
    while history.can_undo() {
        history.undo(&mut project).unwrap();
    }
    assert_eq!(project, before);
}

#[test]
fn deleting_a_label_in_use_relabels_or_deletes_its_annotations_in_one_step() {
    let mut project = common::tricky_project();
    let before = project.clone();
    let actors = ids_with_label(&project, "actor");
    assert_eq!(actors.len(), 2);
    // A memo about one of the actors, and one about the label.
    apply(&mut project, Edit::AddMemo(memo(900, MemoTarget::Annotation(actors[0]), "Müller ist 👨‍👩‍👧"))).unwrap();
    apply(&mut project, Edit::AddMemo(memo(901, MemoTarget::Label("actor".into()), "社交媒体"))).unwrap();
    let with_memos = project.clone();
    let mut history = History::default();

    // Relabel to Claim: "Attributed to" (→ Actor only) goes with its relations, so the quote's
    // relation to Müller cannot survive; the actors become claims.
    let edit = delete_label(&project, "actor", &LabelDeletion::Relabel("claim".into())).unwrap();
    history.apply(&mut project, edit).unwrap();
    assert!(project.codebook.label("actor").is_none());
    assert!(ids_with_label(&project, "actor").is_empty());
    for id in &actors {
        assert_eq!(project.documents[0].annotation(*id).unwrap().label, "claim");
    }
    assert!(project.codebook.relation_type("attributed_to").is_none(), "its only target label is gone");
    assert!(project.memos.iter().all(|m| m.target != MemoTarget::Label("actor".into())));
    assert!(project.memos.iter().any(|m| m.id == ItemId(900)), "the memo about the relabelled annotation stays");
    assert!(validate(&project).is_empty(), "{:?}", validate(&project));
    round_trip(&project);
    assert!(history.undo(&mut project).unwrap(), "one step");
    assert_eq!(project, with_memos);

    // Delete them: their memo goes too; undo brings all of it back.
    let edit = delete_label(&project, "actor", &LabelDeletion::DeleteAnnotations).unwrap();
    history.apply(&mut project, edit).unwrap();
    assert_eq!(project.annotation_count(), with_memos.annotation_count() - 2);
    assert!(project.memos.is_empty());
    round_trip(&project);
    history.undo(&mut project).unwrap();
    assert_eq!(project, with_memos);

    // Relabelling to the label itself or to nothing is refused.
    assert_eq!(
        delete_label(&project, "actor", &LabelDeletion::Relabel("actor".into())),
        Err(CodebookChange::NoLabel("actor".into()))
    );
    // Removing the label alone (without a decision about its annotations) is refused.
    let mut bare = project.codebook.clone();
    bare.labels.retain(|l| l.id != "quote");
    let err = apply(&mut project, Edit::SetCodebook(Box::new(bare))).unwrap_err();
    assert!(matches!(err, EditError::InvalidCodebook(ref m) if m.contains("unknown label \"quote\"")), "{err}");
    assert_eq!(project, with_memos);
    let _ = before;
}

#[test]
fn hotkey_conflicts_are_refused_with_a_message() {
    let codebook = Codebook::default_news();
    let err = set_hotkey(&codebook, "actor", Some('1'), &no_commands).unwrap_err();
    assert_eq!(err.to_string(), "key '1' is already the key of the label Claim");
    let reserved = |key: char| (key == 'r').then(|| "Relate".to_owned());
    let err = set_hotkey(&codebook, "actor", Some('r'), &reserved).unwrap_err();
    assert_eq!(err.to_string(), "key 'r' is already the shortcut of \"Relate\"");
    assert!(matches!(set_hotkey(&codebook, "actor", Some(' '), &no_commands), Err(CodebookChange::BadHotkey(_))));
    let changed = set_hotkey(&codebook, "actor", Some('ü'), &no_commands).unwrap();
    assert_eq!(changed.label_for_hotkey('ü').unwrap().id, "actor");
    let cleared = set_hotkey(&codebook, "actor", None, &no_commands).unwrap();
    assert_eq!(cleared.label("actor").unwrap().hotkey, None);
    // A file with two labels on one key does not load.
    let mut project = Project::new("p");
    project.codebook.labels[1].hotkey = Some('1');
    assert!(validate(&project).iter().any(|p| p.message.contains("hotkey '1'")));
}

#[test]
fn a_locked_codebook_refuses_changes_but_not_tagging_and_the_lock_is_saved() {
    let mut project = common::tricky_project();
    let toggled = set_locked(&project.codebook, true);
    apply(&mut project, Edit::SetCodebook(Box::new(toggled))).unwrap();
    assert_eq!(rename_label(&project.codebook, "claim", "X"), Err(CodebookChange::Locked));
    let mut changed = project.codebook.clone();
    changed.labels[0].name = "X".into();
    assert_eq!(apply(&mut project, Edit::SetCodebook(Box::new(changed))), Err(EditError::CodebookLocked));
    assert!(matches!(delete_label(&project, "claim", &LabelDeletion::DeleteAnnotations), Err(CodebookChange::Locked)));
    // Tagging still works.
    let mut ids = spanwise::model::IdGenerator::seeded(77);
    common::add(&mut project, &mut ids, "actor", "社交媒体");
    let loaded = round_trip(&project);
    assert!(loaded.codebook.locked);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    store::save(&project, &path).unwrap();
    assert!(std::fs::read_to_string(&path).unwrap().contains("locked: true"));
    // Unlocking is the one change a locked codebook takes.
    let toggled = set_locked(&project.codebook, false);
    apply(&mut project, Edit::SetCodebook(Box::new(toggled))).unwrap();
    assert!(rename_label(&project.codebook, "claim", "X").is_ok());
    assert!(
        !std::fs::read_to_string({
            store::save(&project, &path).unwrap();
            &path
        })
        .unwrap()
        .contains("locked")
    );
}

#[test]
fn sub_labels_count_under_their_parent_and_get_its_attributes() {
    let mut project = common::tricky_project();
    let mut codebook = project.codebook.clone();
    let mut sub_ids = Vec::new();
    for name in ["Factual", "Normative", "Predictive"] {
        let (next, id) = add_label(&codebook, name, Some("claim")).unwrap();
        codebook = next;
        sub_ids.push(id);
    }
    let order: Vec<&str> = codebook.labels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(order, ["claim", "factual", "normative", "predictive", "quote", "actor", "recommendation"]);
    assert!(matches!(add_label(&codebook, "Deeper", Some("factual")), Err(CodebookChange::BadParent(_))));
    apply(&mut project, Edit::SetCodebook(Box::new(codebook))).unwrap();
    assert_eq!(project.codebook.top_label("factual"), "claim");
    assert_eq!(project.codebook.top_label("quote"), "quote");
    let attributes: Vec<&str> = project.codebook.attributes_for("normative").map(|a| a.id.as_str()).collect();
    assert_eq!(attributes, ["stance", "check_worthy"]);
    // Moving Claim moves its sub-labels with it.
    let moved = cb::move_label(&project.codebook, "claim", 1).unwrap();
    let order: Vec<&str> = moved.labels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(order, ["quote", "claim", "factual", "normative", "predictive", "actor", "recommendation"]);
    // Relabel the Persian claim as Factual; `spanwise stats` counts it under Claim too.
    let mut persian = project.documents[0].annotations.iter().find(|a| a.text() == "شبکه‌های اجتماعی").unwrap().clone();
    persian.label = "factual".into();
    apply(&mut project, Edit::UpdateAnnotation { document: "d1".into(), annotation: *persian }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    store::save(&project, &path).unwrap();
    round_trip(&project);
    let output = Command::new(env!("CARGO_BIN_EXE_spanwise")).args(["stats"]).arg(&path).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let total_line = text.lines().last().unwrap();
    let numbers: Vec<usize> = total_line.split_whitespace().skip(1).map(|n| n.parse().unwrap()).collect();
    // claim (2 = 1 + the factual one), factual 1, normative 0, predictive 0, quote 1, actor 2, recommendation 1, total 6
    assert_eq!(numbers, [2, 1, 0, 0, 1, 2, 1, 6], "{text}");
    // A file whose sub-label has a sub-label does not load.
    let mut deep = project.clone();
    deep.codebook.labels[2].parent = Some("factual".into());
    assert!(validate(&deep).iter().any(|p| p.message.contains("one level deep")), "{:?}", validate(&deep));
}

#[test]
fn attributes_of_every_kind_round_trip_and_wrong_values_are_refused() {
    let mut project = common::tricky_project();
    let mut codebook = project.codebook.clone();
    codebook.attributes.push(spanwise::model::AttributeDef {
        id: "topics".into(),
        name: "Topics".into(),
        kind: ValueKind::MultiChoice(vec!["security".into(), "économie".into(), "社会".into()]),
        labels: vec!["claim".into()],
        definition: String::new(),
    });
    codebook.attributes.push(spanwise::model::AttributeDef {
        id: "certainty".into(),
        name: "Certainty".into(),
        kind: ValueKind::Number,
        labels: vec![],
        definition: String::new(),
    });
    apply(&mut project, Edit::SetCodebook(Box::new(codebook))).unwrap();
    let mut claim = project.documents[0].annotations.iter().find(|a| a.label == "claim").unwrap().clone();
    claim.attributes.insert("stance".into(), Value::Choice("opposes".into()));
    claim.attributes.insert("check_worthy".into(), Value::Bool(true));
    claim.attributes.insert("topics".into(), Value::Choices(vec!["security".into(), "社会".into()]));
    claim.attributes.insert("certainty".into(), Value::Number(0.75));
    claim.attributes.insert("addressee".into(), Value::Text("die Regierung 👨‍👩‍👧".into()));
    apply(&mut project, Edit::UpdateAnnotation { document: "d1".into(), annotation: (*claim).clone() }).unwrap();
    let loaded = round_trip(&project);
    assert_eq!(loaded.documents[0].annotation(claim.id).unwrap().attributes, claim.attributes);
    for (id, bad) in [
        ("stance", Value::Choice("maybe".into())),
        ("topics", Value::Choices(vec!["sports".into()])),
        ("certainty", Value::Number(f64::NAN)),
        ("check_worthy", Value::Text("yes".into())),
    ] {
        let mut wrong = claim.clone();
        wrong.attributes.insert(id.into(), bad);
        let err =
            apply(&mut project, Edit::UpdateAnnotation { document: "d1".into(), annotation: *wrong }).unwrap_err();
        assert!(matches!(err, EditError::BadValue { .. }), "{id}: {err}");
    }
}

#[test]
fn document_variables_are_typed_and_a_date_is_a_real_date() {
    let mut project = common::tricky_project();
    let mut history = History::default();
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    for (field, value) in [
        ("outlet", Value::Text("Die Zeit — زمانه 🎉".into())),
        ("publication_date", Value::Date(date)),
        ("genre", Value::Choice("opinion".into())),
    ] {
        history
            .apply(
                &mut project,
                Edit::SetDocumentVariable { document: "d1".into(), field: field.into(), value: Some(value) },
            )
            .unwrap();
    }
    let loaded = round_trip(&project);
    assert_eq!(loaded.documents[0].variables["publication_date"], Value::Date(date));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    store::save(&project, &path).unwrap();
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(file.contains("\"publication_date\": Date(\"2024-02-29\")"), "{file}");
    let err = apply(
        &mut project,
        Edit::SetDocumentVariable {
            document: "d1".into(),
            field: "publication_date".into(),
            value: Some(Value::Text("yesterday".into())),
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "\"yesterday\" is not a value of Publication date (a date)");
    let err = apply(
        &mut project,
        Edit::SetDocumentVariable {
            document: "d1".into(),
            field: "genre".into(),
            value: Some(Value::Choice("poem".into())),
        },
    )
    .unwrap_err();
    assert!(matches!(err, EditError::BadValue { .. }));
    assert!(matches!(
        apply(&mut project, Edit::SetDocumentVariable { document: "d1".into(), field: "mood".into(), value: None }),
        Err(EditError::NoDocumentField(_))
    ));
    // Clearing, then undo all.
    history
        .apply(&mut project, Edit::SetDocumentVariable { document: "d1".into(), field: "genre".into(), value: None })
        .unwrap();
    assert!(!project.documents[0].variables.contains_key("genre"));
    while history.can_undo() {
        history.undo(&mut project).unwrap();
    }
    assert!(project.documents[0].variables.is_empty());
}

#[test]
fn a_memo_goes_along_with_the_annotation_or_document_it_is_about_and_the_project_stays_saveable() {
    let mut project = common::tricky_project();
    let quote = ids_with_label(&project, "quote")[0];
    let mut history = History::default();
    history.apply(&mut project, Edit::AddMemo(memo(500, MemoTarget::Annotation(quote), "Grüße 🎉 — شبکه‌ها"))).unwrap();
    history.apply(&mut project, Edit::AddMemo(memo(501, MemoTarget::Document("d1".into()), "社交媒体"))).unwrap();
    history.apply(&mut project, Edit::AddMemo(memo(502, MemoTarget::Project, "overall"))).unwrap();
    let mut changed = project.memos[0].clone();
    changed.text = "changed 👨‍👩‍👧".into();
    history.apply(&mut project, Edit::UpdateMemo(changed)).unwrap();
    round_trip(&project);
    let with_memos = project.clone();
    assert!(matches!(
        apply(&mut project, Edit::AddMemo(memo(503, MemoTarget::Annotation(ItemId(1)), "x"))),
        Err(EditError::MemoTarget(_))
    ));

    // The annotation goes: its memo and relation go with it, in one step.
    history.apply(&mut project, Edit::RemoveAnnotation { document: "d1".into(), id: quote }).unwrap();
    assert!(project.memos.iter().all(|m| m.id != ItemId(500)));
    assert!(validate(&project).is_empty());
    round_trip(&project);
    history.undo(&mut project).unwrap();
    assert_eq!(project, with_memos);

    // The document goes: memos about it and its annotations go too; the project memo stays.
    history.apply(&mut project, Edit::RemoveDocument { id: "d1".into() }).unwrap();
    let left: Vec<ItemId> = project.memos.iter().map(|m| m.id).collect();
    assert_eq!(left, [ItemId(502)]);
    round_trip(&project);
    history.undo(&mut project).unwrap();
    assert_eq!(project, with_memos);
}

fn tricky_codebook() -> Codebook {
    let mut codebook = Codebook::default_news();
    let (next, _) = add_label(&codebook, "Faktisch ü", Some("claim")).unwrap();
    codebook = next;
    let (next, id) = add_label(&codebook, "شبکه‌های 社交 👨‍👩‍👧", Some("claim")).unwrap();
    codebook = cb::describe_label(
        &next,
        &id,
        "Definition <&> \"quoted\"\nsecond line 🎉",
        vec!["例子 one".into(), "zwei".into()],
    )
    .unwrap();
    codebook
}

#[test]
fn the_codebook_round_trips_through_its_ron_file() {
    let mut codebook = tricky_codebook();
    codebook.locked = true;
    let text = codebook::to_ron(&codebook);
    assert!(text.contains("format: \"spanwise-codebook\""));
    assert_eq!(codebook::from_ron(&text, "x.codebook.ron").unwrap(), codebook);
    let err = codebook::from_ron(
        "(format: \"spanwise-codebook\", version: 1, codebook: (labels: [(id: \"a\", name: \"A\", color: \"red\")]))",
        "bad.codebook.ron",
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "bad.codebook.ron: label \"a\": color \"red\" is not of the form #rrggbb");
    let err = codebook::from_ron("(labels: [", "cut.codebook.ron").unwrap_err();
    assert!(err.to_string().starts_with("cut.codebook.ron is not a codebook: line 1"), "{err}");
}

#[test]
fn the_codebook_round_trips_through_a_refi_qda_qdc_file() {
    let codebook = tricky_codebook();
    let qdc = codebook::to_qdc(&codebook);
    let mut notes = Vec::new();
    let back = codebook::from_qdc(&qdc, "x.qdc", &mut notes).unwrap();
    assert!(notes.is_empty());
    type Shape = (String, String, String, Vec<String>, Option<String>);
    let shape = |c: &Codebook| -> Vec<Shape> {
        c.labels
            .iter()
            .map(|l| {
                let parent = l.parent.as_ref().map(|p| c.label(p).unwrap().name.clone());
                (l.name.clone(), l.color.clone(), l.definition.clone(), l.examples.clone(), parent)
            })
            .collect()
    };
    assert_eq!(shape(&back), shape(&codebook));
    // Codes nested deeper become sub-labels of their top-level code, and that is said.
    let deep = "<?xml version=\"1.0\"?><CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>\
        <Code guid=\"1\" name=\"A\" isCodable=\"true\"><Code guid=\"2\" name=\"B\" isCodable=\"true\">\
        <Code guid=\"3\" name=\"C\" isCodable=\"false\"/></Code></Code></Codes></CodeBook>";
    let back = codebook::from_qdc(deep, "deep.qdc", &mut notes).unwrap();
    assert_eq!(back.label("c").unwrap().parent.as_deref(), Some("a"));
    assert_eq!(notes.len(), 1);
    let err = codebook::from_qdc("<CodeBook><Codes>", "cut.qdc", &mut notes).unwrap_err();
    assert!(err.to_string().starts_with("cut.qdc is not a codebook"), "{err}");
    assert_eq!(CodebookFormat::of(Path::new("a.QDC")), Some(CodebookFormat::Qdc));
}

/// The `.qdc` is checked against the REFI-QDA schema in `../shared/reference/refi-qda` with the
/// python `xmlschema` package (as `tests/consumers/check_exports.py` checks `.qdpx`).
#[test]
fn the_qdc_file_is_valid_against_the_refi_qda_schema() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("codebook.qdc");
    std::fs::write(&file, codebook::to_qdc(&tricky_codebook())).unwrap();
    let script = common::manifest_dir().join("tests/consumers/check_qdc.py");
    let xsd = common::manifest_dir().join("../shared/reference/refi-qda/Project.xsd");
    let output = Command::new("python3").arg(&script).arg(&xsd).arg(&file).output();
    match output {
        Ok(output) if output.status.code() == Some(3) => {
            // The checker is there but xmlschema is not installed.
            let message = String::from_utf8_lossy(&output.stderr);
            assert!(std::env::var_os("CI").is_none(), "CI must check the .qdc: {message}");
            eprintln!("skipped: {message}");
        }
        Ok(output) => assert!(
            output.status.success(),
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(err) => {
            assert!(std::env::var_os("CI").is_none(), "CI must check the .qdc: python3: {err}");
            eprintln!("skipped: python3: {err}");
        }
    }
}

#[test]
fn importing_a_codebook_adds_to_the_project_and_never_removes() {
    let mut project = common::tricky_project();
    let mut incoming = tricky_codebook();
    incoming.labels.retain(|l| l.id != "actor");
    incoming.labels[0].color = "#000000".into();
    let mut notes = Vec::new();
    let from_qdc = codebook::from_qdc(&codebook::to_qdc(&incoming), "x.qdc", &mut notes).unwrap();
    let (merged, summary) = merge_codebooks(&project.codebook, &from_qdc).unwrap();
    assert!(merged.label("actor").is_some(), "kept");
    assert_eq!(merged.label("claim").unwrap().color, "#000000", "matched by name, updated");
    assert_eq!(merged.label("faktisch").map(|l| l.parent.as_deref()), Some(Some("claim")));
    assert!(summary.iter().any(|s| s == "label Faktisch ü added"), "{summary:?}");
    apply(&mut project, Edit::SetCodebook(Box::new(merged))).unwrap();
    round_trip(&project);

    // The same through the command line, both file kinds.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    store::save(&common::tricky_project(), &path).unwrap();
    let cli = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_spanwise")).args(args).output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr),
        )
    };
    let p = path.to_str().unwrap();
    let qdc = dir.path().join("c.qdc");
    let ron = dir.path().join("c.codebook.ron");
    std::fs::write(&qdc, codebook::to_qdc(&tricky_codebook())).unwrap();
    let (code, text) = cli(&["codebook", "import", p, qdc.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{text}");
    assert!(store::load(&path).unwrap().codebook.label("faktisch").is_some());
    let (code, text) = cli(&["codebook", "export", p, ron.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(
        codebook::from_ron(&std::fs::read_to_string(&ron).unwrap(), "c").unwrap(),
        store::load(&path).unwrap().codebook
    );
    let (code, _) = cli(&["codebook", "lock", p]);
    assert_eq!(code, Some(0));
    assert!(store::load(&path).unwrap().codebook.locked);
    let (code, text) = cli(&["codebook", "import", p, qdc.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(text.contains("locked"), "{text}");
    let (code, text) = cli(&["codebook", "export", p, dir.path().join("c.txt").to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(text.contains("unknown codebook file type"), "{text}");
}

/// One coder adds a sub-label under a label the other deletes: the merge keeps the sub-label as
/// a top-level label, says so, and the result is valid.
#[test]
fn a_merge_never_leaves_a_sub_label_without_its_parent() {
    use spanwise::store::merge::{self, BaseItems, Side};
    let base = common::tricky_project();
    let mut mine = base.clone();
    let (codebook, id) = add_label(&mine.codebook, "Dringend ü", Some("recommendation")).unwrap();
    apply(&mut mine, Edit::SetCodebook(Box::new(codebook))).unwrap();
    let mut theirs = base.clone();
    let edit = delete_label(&theirs, "recommendation", &LabelDeletion::DeleteAnnotations).unwrap();
    apply(&mut theirs, edit).unwrap();
    let merged = merge::merge(Some(&BaseItems::of(&base)), &mine, &theirs).resolve_all(Side::Mine).unwrap();
    assert!(validate(&merged.project).is_empty(), "{:?}", validate(&merged.project));
    if merged.project.codebook.label("recommendation").is_none() {
        assert_eq!(merged.project.codebook.label(&id).unwrap().parent, None);
        assert!(merged.report.consequences.iter().any(|c| c.contains("no longer a sub-label")), "{:?}", merged.report);
    }
    round_trip(&merged.project);
}

/// `spanwise codebook import` reports, like the window, the values the imported codebook no
/// longer admits (which attribute or variable, how many, examples) and keeps them; with
/// `--remove-outside` it removes them, and says so.
#[test]
fn the_cli_codebook_import_reports_values_it_no_longer_admits() {
    let mut project = common::tricky_project();
    let claim = ids_with_label(&project, "claim")[0];
    let mut annotation = project.documents[0].annotation(claim).unwrap().clone();
    annotation.attributes.insert("stance".into(), Value::Choice("supports".into()));
    annotation.attributes.insert("check_worthy".into(), Value::Bool(true));
    apply(&mut project, Edit::UpdateAnnotation { document: "d1".into(), annotation }).unwrap();
    let outlet = Value::Text("Grüße 🎉 👨\u{200d}👩\u{200d}👧 شبکه\u{200c}ها 社交".into());
    let set = Edit::SetDocumentVariable { document: "d1".into(), field: "outlet".into(), value: Some(outlet.clone()) };
    apply(&mut project, set).unwrap();
    // The imported codebook: Stance a number, Check-worthy a choice, Outlet a date.
    let mut incoming = project.codebook.clone();
    incoming.attributes.iter_mut().find(|a| a.id == "stance").unwrap().kind = ValueKind::Number;
    incoming.attributes.iter_mut().find(|a| a.id == "check_worthy").unwrap().kind =
        ValueKind::Choice(vec!["ja".into(), "nein".into()]);
    incoming.document_fields.iter_mut().find(|f| f.id == "outlet").unwrap().kind = ValueKind::Date;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    let file = dir.path().join("c.codebook.ron");
    std::fs::write(&file, codebook::to_ron(&incoming)).unwrap();
    let cli = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_spanwise")).args(args).output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (p, c) = (path.to_str().unwrap(), file.to_str().unwrap());

    store::save(&project, &path).unwrap();
    let (code, out, err) = cli(&["codebook", "import", p, c]);
    assert_eq!(code, Some(0), "{out}{err}");
    for line in [
        "attribute Stance updated",
        "document variable Outlet updated",
        "1 annotation has a value of Stance that it no longer admits, e.g. 'supports' (kept; --remove-outside removes them)",
        "1 annotation has a value of Check-worthy that it no longer admits, e.g. 'yes' (kept; --remove-outside removes them)",
        "1 document has a value of Outlet that it no longer admits, e.g. 'Grüße 🎉 👨\u{200d}👩\u{200d}👧 شبکه\u{200c}ها 社交' (kept; --remove-outside removes them)",
    ] {
        assert!(out.lines().any(|l| l == line), "{line}\nnot in:\n{out}");
    }
    let saved = store::load(&path).unwrap();
    assert_eq!(saved.codebook.attribute("stance").unwrap().kind, ValueKind::Number);
    let kept = saved.documents[0].annotation(claim).unwrap();
    assert_eq!(kept.attributes.get("stance"), Some(&Value::Choice("supports".into())), "kept");
    assert_eq!(saved.documents[0].variables.get("outlet"), Some(&outlet), "kept");

    // Asked to, it removes them (and only them), and says so.
    store::save(&project, &path).unwrap();
    let (code, out, err) = cli(&["codebook", "import", "--remove-outside", p, c]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("1 annotation has a value of Stance that it no longer admits, e.g. 'supports' (removed)"),
        "{out}"
    );
    let saved = store::load(&path).unwrap();
    let cleared = saved.documents[0].annotation(claim).unwrap();
    assert_eq!(cleared.attributes.get("stance"), None, "{}", std::fs::read_to_string(&path).unwrap());
    assert_eq!(cleared.attributes.get("check_worthy"), None);
    assert_eq!(saved.documents[0].variables.get("outlet"), None);
    assert!(cb::values_outside(&saved, &saved.codebook).is_empty());
    assert_eq!(saved.documents[0].annotations.len(), project.documents[0].annotations.len());
}
