//! Relation types, attributes and document variables edited as the window's codebook editor
//! does it (`model::codebook_editing`): names that clash, the lock, what a change does to the
//! relations and values in use (removed or renamed with it, as one undo step), and the result
//! saved and loaded again. The project's text has ü, an emoji, a ZWJ family, Persian with ZWNJ
//! and Chinese (`common::tricky_project`).

mod common;

use spanwise::edit::{Edit, History, apply};
use spanwise::model::codebook_editing::{self as cb, ChoicesOf, Entry, EntryChange};
use spanwise::model::{Project, Value, ValueKind};
use spanwise::session::codebook::cascade_edit;
use spanwise::store;

fn round_trip(project: &Project) -> Project {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    store::save(project, &path).unwrap();
    let loaded = store::load(&path).unwrap();
    assert_eq!(&loaded, project, "the project file gives back what was saved");
    loaded
}

fn set_codebook(history: &mut History, project: &mut Project, codebook: spanwise::model::Codebook) {
    history.apply(project, Edit::SetCodebook(Box::new(codebook))).unwrap();
}

fn ids_with_label(project: &Project, label: &str) -> Vec<spanwise::model::ItemId> {
    project.documents[0].annotations.iter().filter(|a| a.label == label).map(|a| a.id).collect()
}

#[test]
fn relation_types_are_added_renamed_narrowed_and_names_may_not_clash() {
    let mut project = common::tricky_project();
    let before = project.clone();
    let mut history = History::default();
    let (added, id) = cb::add_relation_type(&project.codebook, "Zitiert 👨‍👩‍👧").unwrap();
    assert_eq!(id, "zitiert");
    assert!(added.relation_type(&id).unwrap().from_labels.is_empty(), "any label until narrowed");
    set_codebook(&mut history, &mut project, added);
    assert_eq!(
        cb::add_relation_type(&project.codebook, " attributed TO "),
        Err(EntryChange::DuplicateName { entry: Entry::RelationType, name: "attributed TO".into() })
    );
    assert_eq!(cb::add_relation_type(&project.codebook, "  "), Err(EntryChange::EmptyName(Entry::RelationType)));
    assert_eq!(
        cb::add_relation_type(&project.codebook, "ZITIERT 👨‍👩‍👧"),
        Err(EntryChange::DuplicateName { entry: Entry::RelationType, name: "ZITIERT 👨‍👩‍👧".into() })
    );
    let (_, umlaut) = cb::add_attribute(&project.codebook, "Größe", ValueKind::Number, &[]).unwrap();
    assert_eq!(umlaut, "gr_e", "ids keep the ASCII letters of the name");
    let (persian, persian_id) = cb::add_relation_type(&project.codebook, "نقل‌قول").unwrap();
    assert_eq!(persian_id, "relation", "a name without Latin letters gets a plain id");
    assert_eq!(persian.relation_type("relation").unwrap().name, "نقل‌قول");
    let renamed = cb::rename_relation_type(&project.codebook, &id, "Cites").unwrap();
    set_codebook(&mut history, &mut project, renamed);
    assert_eq!(
        cb::rename_relation_type(&project.codebook, &id, "Supports"),
        Err(EntryChange::DuplicateName { entry: Entry::RelationType, name: "Supports".into() })
    );
    // Labels in codebook order, whatever the order of the clicks; unknown labels refused.
    let narrowed =
        cb::set_relation_type_labels(&project, &id, &["quote".into(), "claim".into()], &["actor".into()]).unwrap();
    assert_eq!(narrowed.relation_type(&id).unwrap().from_labels, ["claim", "quote"]);
    assert_eq!(
        cb::set_relation_type_labels(&project, &id, &["nobody".into()], &[]),
        Err(EntryChange::NoLabel("nobody".into()))
    );
    set_codebook(&mut history, &mut project, narrowed);
    let loaded = round_trip(&project);
    assert_eq!(loaded.codebook.relation_type(&id).unwrap().name, "Cites");
    assert_eq!(loaded.codebook.relation_type(&id).unwrap().to_labels, ["actor"]);
    while history.can_undo() {
        history.undo(&mut project).unwrap();
    }
    assert_eq!(project, before);
}

#[test]
fn narrowing_a_relation_type_its_relations_need_is_refused_with_the_count() {
    let project = common::tricky_project();
    // The quote → Müller relation is "Attributed to": the source is a Quote.
    let refused = cb::set_relation_type_labels(&project, "attributed_to", &["claim".into()], &["actor".into()]);
    assert_eq!(
        refused,
        Err(EntryChange::RelationsInTheWay {
            count: 1,
            name: "Attributed to".into(),
            end: "start",
            label: "Quote".into()
        })
    );
    assert_eq!(
        refused.unwrap_err().to_string(),
        "1 relation of Attributed to starts at an annotation labelled Quote: remove it first or keep Quote allowed"
    );
    assert_eq!(
        EntryChange::RelationsInTheWay { count: 3, name: "Cites".into(), end: "end", label: "Actor".into() }
            .to_string(),
        "3 relations of Cites end at annotations labelled Actor: remove them first or keep Actor allowed"
    );
    // Any label at the source is fine.
    assert!(cb::set_relation_type_labels(&project, "attributed_to", &[], &["actor".into()]).is_ok());
}

#[test]
fn deleting_a_relation_type_in_use_removes_its_relations_in_one_undo_step() {
    let mut project = common::tricky_project();
    let before = project.clone();
    assert_eq!(cb::relation_type_use(&project, "attributed_to"), 1);
    assert_eq!(cb::relation_type_use(&project, "supports"), 0);
    let cascade = cb::delete_relation_type(&project, "attributed_to").unwrap();
    assert_eq!(cascade.data_changes(), 1);
    // The codebook alone would be refused: a relation would be left without its type.
    assert!(apply(&mut project.clone(), Edit::SetCodebook(Box::new(cascade.codebook.clone()))).is_err());
    let mut history = History::default();
    history.apply(&mut project, cascade_edit(cascade)).unwrap();
    assert!(project.codebook.relation_type("attributed_to").is_none());
    assert!(project.documents[0].relations.is_empty());
    round_trip(&project);
    history.undo(&mut project).unwrap();
    assert_eq!(project, before, "one undo brings the type and its relation back");
    assert!(!history.can_undo());
}

#[test]
fn attributes_are_added_with_kind_choices_and_labels_then_renamed() {
    let mut project = common::tricky_project();
    let mut history = History::default();
    let kind = ValueKind::Choice(vec![" Müller ".into(), "🎉".into(), "شبکه‌ها".into(), "".into()]);
    let (added, id) = cb::add_attribute(&project.codebook, "Tone", kind, &["quote".into(), "claim".into()]).unwrap();
    let attribute = added.attribute(&id).unwrap();
    assert_eq!(attribute.kind, ValueKind::Choice(vec!["Müller".into(), "🎉".into(), "شبکه‌ها".into()]));
    assert_eq!(attribute.labels, ["claim", "quote"]);
    set_codebook(&mut history, &mut project, added);
    assert_eq!(
        cb::add_attribute(&project.codebook, "tone", ValueKind::Bool, &[]),
        Err(EntryChange::DuplicateName { entry: Entry::Attribute, name: "tone".into() })
    );
    assert_eq!(
        cb::add_attribute(&project.codebook, "Topics", ValueKind::MultiChoice(vec![" ".into()]), &[]),
        Err(EntryChange::ChoicesNeeded("multi-choice"))
    );
    assert_eq!(
        cb::add_attribute(&project.codebook, "Topics", ValueKind::Choice(vec!["a".into(), " a".into()]), &[]),
        Err(EntryChange::DuplicateChoice { name: "choice".into(), choice: "a".into() })
    );
    let (number, number_id) = cb::add_attribute(&project.codebook, "Weight", ValueKind::Number, &[]).unwrap();
    assert!(number.attribute(&number_id).unwrap().labels.is_empty(), "no labels: every label");
    let renamed = cb::rename_attribute(&project.codebook, &id, "Ton 社交").unwrap();
    set_codebook(&mut history, &mut project, renamed);
    assert_eq!(
        cb::rename_attribute(&project.codebook, &id, "Stance"),
        Err(EntryChange::DuplicateName { entry: Entry::Attribute, name: "Stance".into() })
    );
    assert_eq!(round_trip(&project).codebook.attribute(&id).unwrap().name, "Ton 社交");
}

/// The tricky project with Tone (choice) on a quote and Topics (multi-choice) on a claim.
fn with_values() -> (Project, spanwise::model::ItemId, spanwise::model::ItemId) {
    let mut project = common::tricky_project();
    let (codebook, _) =
        cb::add_attribute(&project.codebook, "Tone", ValueKind::Choice(vec!["warm".into(), "cold 🎉".into()]), &[])
            .unwrap();
    let (codebook, _) = cb::add_attribute(
        &codebook,
        "Topics",
        ValueKind::MultiChoice(vec!["war".into(), "peace".into(), "شبکه‌ها".into()]),
        &["claim".into()],
    )
    .unwrap();
    apply(&mut project, Edit::SetCodebook(Box::new(codebook))).unwrap();
    let quote = ids_with_label(&project, "quote")[0];
    let claim = ids_with_label(&project, "claim")[0];
    for (id, attribute, value) in [
        (quote, "tone", Value::Choice("cold 🎉".into())),
        (claim, "tone", Value::Choice("warm".into())),
        (claim, "topics", Value::Choices(vec!["war".into(), "شبکه‌ها".into()])),
    ] {
        let mut annotation = project.documents[0].annotation(id).unwrap().clone();
        annotation.attributes.insert(attribute.into(), value);
        apply(&mut project, Edit::UpdateAnnotation { document: "d1".into(), annotation }).unwrap();
    }
    (project, quote, claim)
}

#[test]
fn choices_are_added_renamed_with_their_values_and_removed_with_them_in_one_step() {
    let (mut project, quote, claim) = with_values();
    let before = project.clone();
    let mut history = History::default();
    let tone = ChoicesOf::Attribute("tone".into());
    let topics = ChoicesOf::Attribute("topics".into());
    let time = common::time();

    let added = cb::add_choice(&project.codebook, &tone, " neutral ").unwrap();
    assert_eq!(added.attribute("tone").unwrap().kind.options(), ["warm", "cold 🎉", "neutral"]);
    assert_eq!(
        cb::add_choice(&project.codebook, &tone, "warm"),
        Err(EntryChange::DuplicateChoice { name: "Tone".into(), choice: "warm".into() })
    );
    assert_eq!(
        cb::add_choice(&project.codebook, &ChoicesOf::Attribute("check_worthy".into()), "maybe"),
        Err(EntryChange::NoChoices { name: "Check-worthy".into(), kind: "yes/no" })
    );
    set_codebook(&mut history, &mut project, added);

    // Renaming a choice in use renames the values (after the codebook admits the new name).
    assert_eq!(cb::choice_use(&project, &tone, "cold 🎉"), 1);
    let renamed = cb::rename_choice(&project, &tone, "cold 🎉", "kalt ü", time).unwrap();
    assert_eq!(renamed.after.len(), 1);
    history.apply(&mut project, cascade_edit(renamed)).unwrap();
    let attributes = |p: &Project, id| p.documents[0].annotation(id).unwrap().attributes.clone();
    assert_eq!(attributes(&project, quote)["tone"], Value::Choice("kalt ü".into()));
    let renamed = cb::rename_choice(&project, &topics, "شبکه‌ها", "社交媒体", time).unwrap();
    history.apply(&mut project, cascade_edit(renamed)).unwrap();
    assert_eq!(attributes(&project, claim)["topics"], Value::Choices(vec!["war".into(), "社交媒体".into()]));

    // Removing a choice in use: the choice value goes, a multi-choice keeps its other choices.
    let removed = cb::remove_choice(&project, &tone, "warm", time).unwrap();
    assert_eq!(removed.data_changes(), 1);
    history.apply(&mut project, cascade_edit(removed)).unwrap();
    assert!(!attributes(&project, claim).contains_key("tone"));
    let removed = cb::remove_choice(&project, &topics, "war", time).unwrap();
    history.apply(&mut project, cascade_edit(removed)).unwrap();
    assert_eq!(attributes(&project, claim)["topics"], Value::Choices(vec!["社交媒体".into()]));
    let removed = cb::remove_choice(&project, &topics, "社交媒体", time).unwrap();
    history.apply(&mut project, cascade_edit(removed)).unwrap();
    assert!(!attributes(&project, claim).contains_key("topics"), "no choice left: the value is cleared");
    assert_eq!(
        cb::remove_choice(&project, &topics, "peace", time),
        Err(EntryChange::LastChoice { entry: Entry::Attribute, name: "peace".into(), of: "Topics".into() })
    );
    round_trip(&project);
    history.undo(&mut project).unwrap();
    assert_eq!(attributes(&project, claim)["topics"], Value::Choices(vec!["社交媒体".into()]), "one step each");
    while history.can_undo() {
        history.undo(&mut project).unwrap();
    }
    assert_eq!(project, before);
}

#[test]
fn deleting_an_attribute_or_narrowing_its_labels_removes_the_values_in_one_step() {
    let (mut project, quote, claim) = with_values();
    let before = project.clone();
    let mut history = History::default();
    assert_eq!(cb::attribute_use(&project, "tone"), 2);
    // Tone only for quotes: the claim's tone goes.
    let narrowed = cb::set_attribute_labels(&project, "tone", &["quote".into()], common::time()).unwrap();
    assert_eq!(narrowed.data_changes(), 1);
    history.apply(&mut project, cascade_edit(narrowed)).unwrap();
    let attributes = |p: &Project, id| p.documents[0].annotation(id).unwrap().attributes.clone();
    assert!(!attributes(&project, claim).contains_key("tone"));
    assert_eq!(attributes(&project, quote)["tone"], Value::Choice("cold 🎉".into()));
    let deleted = cb::delete_attribute(&project, "tone", common::time()).unwrap();
    assert_eq!(deleted.data_changes(), 1);
    history.apply(&mut project, cascade_edit(deleted)).unwrap();
    assert!(project.codebook.attribute("tone").is_none());
    assert!(project.documents[0].annotations.iter().all(|a| !a.attributes.contains_key("tone")));
    round_trip(&project);
    history.undo(&mut project).unwrap();
    assert_eq!(attributes(&project, quote)["tone"], Value::Choice("cold 🎉".into()), "one undo brings all back");
    history.undo(&mut project).unwrap();
    assert_eq!(project, before);
}

#[test]
fn document_variables_are_added_renamed_and_deleted_with_their_values() {
    let mut project = common::tricky_project();
    let mut history = History::default();
    let (added, id) = cb::add_field(&project.codebook, "Erscheinungstag", ValueKind::Date).unwrap();
    set_codebook(&mut history, &mut project, added);
    assert_eq!(
        cb::add_field(&project.codebook, "outlet", ValueKind::Text),
        Err(EntryChange::DuplicateName { entry: Entry::Field, name: "outlet".into() })
    );
    let date = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    history
        .apply(
            &mut project,
            Edit::SetDocumentVariable { document: "d1".into(), field: id.clone(), value: Some(Value::Date(date)) },
        )
        .unwrap();
    let described = cb::describe_entry(&project.codebook, Entry::Field, &id, "  Der Tag, ü 👨‍👩‍👧 ").unwrap();
    assert_eq!(described.document_field(&id).unwrap().definition, "Der Tag, ü 👨‍👩‍👧");
    assert_eq!(
        cb::describe_entry(&project.codebook, Entry::Attribute, "nope", "x"),
        Err(EntryChange::Missing { entry: Entry::Attribute, id: "nope".into() })
    );
    set_codebook(&mut history, &mut project, described);
    let renamed = cb::rename_field(&project.codebook, &id, "Tag 📅").unwrap();
    set_codebook(&mut history, &mut project, renamed);
    assert_eq!(round_trip(&project).documents[0].variables[&id], Value::Date(date));

    // Genre's choices: renaming "opinion" renames the document's value.
    let genre = ChoicesOf::Field("genre".into());
    history
        .apply(
            &mut project,
            Edit::SetDocumentVariable {
                document: "d1".into(),
                field: "genre".into(),
                value: Some(Value::Choice("opinion".into())),
            },
        )
        .unwrap();
    let renamed = cb::rename_choice(&project, &genre, "opinion", "Meinung ü", common::time()).unwrap();
    history.apply(&mut project, cascade_edit(renamed)).unwrap();
    assert_eq!(project.documents[0].variables["genre"], Value::Choice("Meinung ü".into()));
    let removed = cb::remove_choice(&project, &genre, "Meinung ü", common::time()).unwrap();
    assert_eq!(removed.data_changes(), 1);
    history.apply(&mut project, cascade_edit(removed)).unwrap();
    assert!(!project.documents[0].variables.contains_key("genre"));

    let with_date = project.clone();
    assert_eq!(cb::field_use(&project, &id), 1);
    let deleted = cb::delete_field(&project, &id).unwrap();
    assert_eq!(deleted.data_changes(), 1);
    history.apply(&mut project, cascade_edit(deleted)).unwrap();
    assert!(project.codebook.document_field(&id).is_none() && !project.documents[0].variables.contains_key(&id));
    round_trip(&project);
    history.undo(&mut project).unwrap();
    assert_eq!(project, with_date);
}

#[test]
fn a_locked_codebook_refuses_every_entry_change() {
    let (mut project, _, _) = with_values();
    project.codebook.locked = true;
    let time = common::time();
    let tone = ChoicesOf::Attribute("tone".into());
    assert_eq!(cb::add_relation_type(&project.codebook, "X"), Err(EntryChange::Locked));
    assert_eq!(cb::rename_relation_type(&project.codebook, "supports", "X"), Err(EntryChange::Locked));
    assert_eq!(cb::set_relation_type_labels(&project, "supports", &[], &[]), Err(EntryChange::Locked));
    assert_eq!(cb::delete_relation_type(&project, "supports"), Err(EntryChange::Locked));
    assert_eq!(cb::add_attribute(&project.codebook, "X", ValueKind::Bool, &[]), Err(EntryChange::Locked));
    assert_eq!(cb::rename_attribute(&project.codebook, "tone", "X"), Err(EntryChange::Locked));
    assert_eq!(cb::delete_attribute(&project, "tone", time), Err(EntryChange::Locked));
    assert_eq!(cb::set_attribute_labels(&project, "tone", &[], time), Err(EntryChange::Locked));
    assert_eq!(cb::add_choice(&project.codebook, &tone, "x"), Err(EntryChange::Locked));
    assert_eq!(cb::rename_choice(&project, &tone, "warm", "x", time), Err(EntryChange::Locked));
    assert_eq!(cb::remove_choice(&project, &tone, "warm", time), Err(EntryChange::Locked));
    assert_eq!(cb::add_field(&project.codebook, "X", ValueKind::Date), Err(EntryChange::Locked));
    assert_eq!(cb::rename_field(&project.codebook, "outlet", "X"), Err(EntryChange::Locked));
    assert_eq!(cb::delete_field(&project, "outlet"), Err(EntryChange::Locked));
    assert_eq!(cb::describe_entry(&project.codebook, Entry::Field, "outlet", "x"), Err(EntryChange::Locked));
    assert_eq!(EntryChange::Locked.to_string(), "the codebook is locked: unlock it first");
    // The other messages, as the editor shows them.
    assert_eq!(EntryChange::EmptyName(Entry::Attribute).to_string(), "an attribute needs a name");
    assert_eq!(
        EntryChange::DuplicateName { entry: Entry::Field, name: "Genre".into() }.to_string(),
        "there is already a document variable named \"Genre\""
    );
    assert_eq!(
        EntryChange::LastChoice { entry: Entry::Attribute, name: "peace".into(), of: "Topics".into() }.to_string(),
        "peace is the last choice of Topics: delete the attribute instead"
    );
    assert_eq!(
        EntryChange::NoChoices { name: "Check-worthy".into(), kind: "yes/no" }.to_string(),
        "Check-worthy is a yes/no: it has no choices"
    );
}

#[test]
fn values_a_changed_kind_no_longer_admits_are_named_with_their_count() {
    let (project, _, _) = with_values();
    assert!(cb::values_outside(&project, &project.codebook).is_empty());
    // An imported codebook where Tone has other choices and Topics is a number.
    let mut incoming = project.codebook.clone();
    incoming.attributes.iter_mut().find(|a| a.id == "tone").unwrap().kind = ValueKind::Choice(vec!["warm".into()]);
    incoming.attributes.iter_mut().find(|a| a.id == "topics").unwrap().kind = ValueKind::Number;
    let (merged, _) = cb::merge_codebooks(&project.codebook, &incoming).unwrap();
    let outside: Vec<String> = cb::values_outside(&project, &merged).iter().map(cb::Outside::describe).collect();
    assert_eq!(
        outside,
        [
            "1 annotation has a value of Tone that it no longer admits, e.g. 'cold 🎉'",
            "1 annotation has a value of Topics that it no longer admits, e.g. 'war; شبکه‌ها'"
        ]
    );
    // Removing them is one undo step that brings the values and the old codebook back.
    let mut removed = project.clone();
    let mut history = History::default();
    let cascade = cb::remove_values_outside(&project, merged.clone(), common::time());
    assert_eq!(cascade.before.len(), 2);
    history.apply(&mut removed, spanwise::session::codebook::cascade_edit(cascade)).unwrap();
    assert!(cb::values_outside(&removed, &removed.codebook).is_empty());
    assert_eq!(removed.codebook, merged);
    assert_eq!(
        removed.documents[0].annotations.iter().filter(|a| a.attributes.contains_key("tone")).count(),
        1,
        "'warm' is still a Tone"
    );
    history.undo(&mut removed).unwrap();
    assert_eq!(removed.codebook, project.codebook);
    assert_eq!(removed.documents[0].annotations, project.documents[0].annotations);
}

/// Changing an attribute's and a variable's kind through the real edit path: values converted,
/// those that do not fit removed only in the confirmed cascade, and one undo brings back the
/// old kind and every value exactly.
#[test]
fn a_kind_change_converts_values_in_one_undo_step() {
    use spanwise::model::kind_change::change_kind;
    let (mut project, quote, claim) = with_values();
    let tone = ChoicesOf::Attribute("tone".into());
    let topics = ChoicesOf::Attribute("topics".into());
    let time = common::time();
    let before = project.clone();
    let mut history = History::default();
    let value =
        |p: &Project, id, attribute: &str| p.documents[0].annotation(id).unwrap().attributes.get(attribute).cloned();

    // Choice -> multi-choice: each value a set of one, nothing asked.
    let options = project.codebook.attribute("tone").unwrap().kind.options().to_vec();
    let change = change_kind(&project, &tone, ValueKind::MultiChoice(options), time).unwrap();
    assert_eq!((change.kept, change.misfits, change.question()), (2, 0, None));
    history.apply(&mut project, cascade_edit(change.cascade)).unwrap();
    assert_eq!(value(&project, quote, "tone"), Some(Value::Choices(vec!["cold 🎉".into()])));
    assert_eq!(value(&project, claim, "tone"), Some(Value::Choices(vec!["warm".into()])));
    assert!(spanwise::model::validate(&project).is_empty());
    history.undo(&mut project).unwrap();
    assert_eq!(project.codebook, before.codebook);
    assert_eq!(value(&project, quote, "tone"), Some(Value::Choice("cold 🎉".into())));
    assert_eq!(project.documents, before.documents);

    // Multi-choice -> free text: the text form; then free text -> number asks about the text.
    let change = change_kind(&project, &topics, ValueKind::Text, time).unwrap();
    history.apply(&mut project, cascade_edit(change.cascade)).unwrap();
    assert_eq!(value(&project, claim, "topics"), Some(Value::Text("war; شبکه‌ها".into())));
    let change = change_kind(&project, &topics, ValueKind::Number, time).unwrap();
    assert_eq!(
        change.question().as_deref(),
        Some(
            "1 annotation has a value of Topics that is not a number, e.g. 'war; شبکه‌ها'. Remove that value and make Topics a number?"
        )
    );
    history.apply(&mut project, cascade_edit(change.cascade)).unwrap();
    assert_eq!(value(&project, claim, "topics"), None);
    history.undo(&mut project).unwrap();
    history.undo(&mut project).unwrap();
    assert_eq!(project.codebook, before.codebook);
    assert_eq!(project.documents, before.documents);

    // A variable: free text -> choice, its texts the choices.
    let outlet = ChoicesOf::Field("outlet".into());
    assert_eq!(project.codebook.document_field("outlet").map(|f| &f.kind), Some(&ValueKind::Text));
    let set = Edit::SetDocumentVariable {
        document: "d1".into(),
        field: "outlet".into(),
        value: Some(Value::Text("Grüße 🎉 شبکه\u{200c}ها".into())),
    };
    history.apply(&mut project, set).unwrap();
    let choices = spanwise::model::kind_change::choices_from_values(&project, &outlet);
    assert_eq!(choices, ["Grüße 🎉 شبکه\u{200c}ها"]);
    let change = change_kind(&project, &outlet, ValueKind::Choice(choices), time).unwrap();
    history.apply(&mut project, cascade_edit(change.cascade)).unwrap();
    assert_eq!(project.documents[0].variables.get("outlet"), Some(&Value::Choice("Grüße 🎉 شبکه\u{200c}ها".into())));
    history.undo(&mut project).unwrap();
    assert_eq!(project.documents[0].variables.get("outlet"), Some(&Value::Text("Grüße 🎉 شبکه\u{200c}ها".into())));
}
