//! Several coders: combining their files, comparing two layers, adjudicating a gold layer,
//! grading a class, the feedback page and agreement on attributes. Texts carry `ü`, an emoji
//! outside the BMP, a ZWJ sequence, Persian with ZWNJ, Chinese and (imported) CRLF line ends.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use spanwise::analysis::adjudicate::{Adjudication, Choice, Correction, adjudicate};
use spanwise::analysis::attributes::attribute_agreement;
use spanwise::analysis::coding::{Level, alpha};
use spanwise::analysis::combine::{CoderFile, combine};
use spanwise::analysis::compare::{DisagreementKind, compare};
use spanwise::analysis::feedback::feedback_html;
use spanwise::analysis::grade::grade;
use spanwise::analysis::layers::Selection;
use spanwise::analysis::span_f1::Mode;
use spanwise::edit::{Edit, apply};
use spanwise::model::{
    Annotation, Annotator, AttributeDef, Document, IdGenerator, ItemId, Project, Relation, Value, ValueKind,
};

/// Imported with CRLF line ends (normalised to LF by the import).
const RAW_D1: &str = "Müller said: “Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.”\r\nشبکه\u{200c}های اجتماعی 社交媒体 matter.\r\nThe council will weaken oversight.\r\n";
const RAW_D2: &str = "Officials warned that the internet is a threat.\nExperts disagree.\n";

fn time() -> DateTime<Utc> {
    "2026-01-02T03:04:05.678Z".parse().unwrap()
}

/// A coder's project with both documents, no annotations yet.
fn coder_project(annotator: &str, name: &str) -> Project {
    let mut project = Project::new("class");
    project.created = time();
    project.codebook.attributes.push(AttributeDef {
        id: "stance".into(),
        name: "Stance".into(),
        kind: ValueKind::Choice(vec!["for".into(), "against".into(), "neutral".into()]),
        labels: vec!["claim".into()],
        definition: String::new(),
    });
    project.documents.push(spanwise::formats::text::import(RAW_D1, "d1".into(), "tricky.txt".into()));
    project.documents.push(spanwise::formats::text::import(RAW_D2, "d2".into(), "officials.txt".into()));
    apply(&mut project, Edit::AddAnnotator(Annotator { id: annotator.into(), name: name.into() })).unwrap();
    project
}

struct Coder<'p> {
    project: &'p mut Project,
    annotator: String,
    ids: IdGenerator,
}

impl<'p> Coder<'p> {
    fn new(project: &'p mut Project, annotator: &str, seed: u64) -> Self {
        Self { project, annotator: annotator.into(), ids: IdGenerator::seeded(seed) }
    }

    /// Tags the `nth` occurrence of `needle` in `document`, trimmed by `cut` code points at the end.
    fn tag_with(&mut self, document: &str, label: &str, needle: &str, cut: usize, stance: Option<&str>) -> ItemId {
        let doc = self.project.document(document).unwrap();
        let byte = doc.text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {document}"));
        let start = doc.text[..byte].chars().count();
        let fragment = doc.fragment(start..start + needle.chars().count() - cut).unwrap();
        let id = self.ids.next_id();
        let mut attributes = BTreeMap::new();
        if let Some(stance) = stance {
            attributes.insert("stance".to_owned(), Value::Choice(stance.into()));
        }
        let annotation = Annotation {
            id,
            label: label.into(),
            fragments: vec![fragment],
            annotator: self.annotator.clone().into(),
            created: time(),
            modified: time(),
            note: String::new(),
            attributes,
        };
        apply(self.project, Edit::AddAnnotation { document: document.into(), annotation }).unwrap();
        id
    }

    fn tag(&mut self, document: &str, label: &str, needle: &str) -> ItemId {
        self.tag_with(document, label, needle, 0, None)
    }

    fn relate(&mut self, document: &str, kind: &str, from: ItemId, to: ItemId) -> ItemId {
        let id = self.ids.next_id();
        let relation = Relation {
            id,
            kind: kind.into(),
            from,
            to,
            annotator: self.annotator.clone().into(),
            created: time(),
            modified: time(),
            note: String::new(),
        };
        apply(self.project, Edit::AddRelation { document: document.into(), relation }).unwrap();
        id
    }
}

fn texts_of(project: &Project, document: &str, annotator: &str) -> Vec<(String, String)> {
    project
        .document(document)
        .unwrap()
        .annotations
        .iter()
        .filter(|a| a.annotator == annotator)
        .map(|a| (a.label.to_string(), a.text()))
        .collect()
}

#[test]
fn crlf_import_gives_the_same_text_and_hash_for_every_coder() {
    let (a, b) = (coder_project("ana", "Ana"), coder_project("bob", "Bob"));
    assert!(!a.documents[0].text.contains('\r'));
    assert_eq!(a.documents[0].sha256, b.documents[0].sha256);
}

#[test]
fn combining_several_coders_including_a_conflicting_file() {
    let mut base = coder_project("ana", "Ana");
    let mut ana = Coder::new(&mut base, "ana", 1);
    let quote = ana.tag("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.");
    let actor = ana.tag("d1", "actor", "Müller");
    ana.relate("d1", "attributed_to", quote, actor);

    let mut bob_project = coder_project("bob", "Bob");
    let mut bob = Coder::new(&mut bob_project, "bob", 2);
    let bob_quote = bob.tag("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family");
    let bob_actor = bob.tag("d1", "actor", "Müller");
    bob.relate("d1", "attributed_to", bob_quote, bob_actor);
    bob.tag_with("d1", "claim", "شبکه\u{200c}های اجتماعی 社交媒体 matter.", 0, Some("against"));
    bob.tag("d2", "actor", "Officials");

    // Someone else who also calls themselves "ana"; their ids collide with Ana's too (same seed).
    let mut carla_project = coder_project("ana", "Ana Costa");
    let mut carla = Coder::new(&mut carla_project, "ana", 1);
    carla.tag("d1", "actor", "Müller");
    // A file whose d2 text was edited: reported, never merged; its d1 work still comes in; a
    // document the project does not have at all is added.
    let mut dora_project = coder_project("dora", "Dora");
    dora_project.documents[1] = spanwise::formats::text::import(
        "Officials warned that the internet is a danger.\nExperts disagree.\n",
        "d2".into(),
        "officials.txt".into(),
    );
    dora_project.documents.push(Document::new("d3", "new.txt", "A third text, 第三.".into()));
    let mut dora = Coder::new(&mut dora_project, "dora", 4);
    dora.tag("d1", "claim", "The council will weaken oversight.");
    dora.tag("d2", "actor", "Officials");
    dora.tag("d3", "claim", "第三");

    let files = [
        CoderFile { name: "bob.spanwise.ron".into(), project: bob_project.clone() },
        CoderFile { name: "carla.spanwise.ron".into(), project: carla_project },
        CoderFile { name: "dora.spanwise.ron".into(), project: dora_project },
        // Bob's file again: nothing new.
        CoderFile { name: "bob-again.spanwise.ron".into(), project: bob_project },
    ];
    let before = base.clone();
    let (edit, report) = combine(&base, &files).unwrap();
    let mut combined = base.clone();
    let undo = apply(&mut combined, edit).unwrap();
    assert!(spanwise::model::validate(&combined).is_empty());

    // Layers: each coder's annotations under their own id.
    assert_eq!(texts_of(&combined, "d1", "ana").len(), 2);
    assert_eq!(
        texts_of(&combined, "d1", "bob"),
        [
            ("actor".to_owned(), "Müller".to_owned()),
            ("quote".to_owned(), "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family".to_owned()),
            ("claim".to_owned(), "شبکه\u{200c}های اجتماعی 社交媒体 matter.".to_owned()),
        ]
    );
    assert_eq!(texts_of(&combined, "d2", "bob"), [("actor".to_owned(), "Officials".to_owned())]);
    // Attributes and relations came along; the relation links Bob's own annotations.
    let d1 = combined.document("d1").unwrap();
    let bob_claim = d1.annotations.iter().find(|a| a.annotator == "bob" && a.label == "claim").unwrap();
    assert_eq!(bob_claim.attributes.get("stance"), Some(&Value::Choice("against".into())));
    let bob_relation = d1.relations.iter().find(|r| r.annotator == "bob").unwrap();
    assert_eq!(d1.annotation(bob_relation.from).unwrap().annotator, "bob");
    assert_eq!(d1.annotation(bob_relation.to).unwrap().text(), "Müller");

    // Carla became ana-2, with a new id for her colliding annotation.
    assert_eq!(combined.annotator("ana-2").unwrap().name, "Ana Costa");
    assert_eq!(texts_of(&combined, "d1", "ana-2"), [("actor".to_owned(), "Müller".to_owned())]);
    let renamed = &report.renamed_annotators[0];
    assert_eq!((renamed.1.as_str(), renamed.2.as_str()), ("ana", "ana-2"));
    assert!(
        report.lines().iter().any(|l| l.contains("annotator \"ana\" brought in as \"ana-2\"")),
        "{:?}",
        report.lines()
    );
    assert_eq!(report.files[1].new_ids, 1);

    // Dora's changed d2 is reported, not merged; her d1 work is in; d3 was added.
    let conflicts: Vec<_> = report.conflicts().collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].document, "d2");
    assert!(conflicts[0].to_string().contains("has a different text than the project's \"d2\""));
    assert!(texts_of(&combined, "d2", "dora").is_empty());
    assert_eq!(texts_of(&combined, "d1", "dora").len(), 1);
    let added = combined.documents.iter().find(|d| d.name == "new.txt").unwrap();
    assert_eq!(texts_of(&combined, &added.id, "dora"), [("claim".to_owned(), "第三".to_owned())]);

    // Bob's file a second time adds nothing.
    assert_eq!(report.files[3].annotations_added, 0);
    assert_eq!(report.files[3].relations_added, 0);
    assert_eq!(report.files[3].already_present, 5);

    // One undo step takes it all back.
    apply(&mut combined, undo).unwrap();
    assert_eq!(combined, before);
}

/// Ana and Bob on d1, crafted so that every kind of disagreement occurs once.
fn crafted_pair() -> Project {
    let mut project = coder_project("ana", "Ana");
    apply(&mut project, Edit::AddAnnotator(Annotator { id: "bob".into(), name: "Bob".into() })).unwrap();
    let mut ana = Coder::new(&mut project, "ana", 1);
    let a_quote = ana.tag("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.");
    let a_actor = ana.tag("d1", "actor", "Müller");
    ana.relate("d1", "attributed_to", a_quote, a_actor);
    ana.tag("d1", "actor", "👨\u{200d}👩\u{200d}👧 family"); // Bob: other label, same span
    ana.tag_with("d1", "claim", "شبکه\u{200c}های اجتماعی 社交媒体 matter.", 0, Some("for")); // Bob: other attribute
    ana.tag("d1", "recommendation", "The council will weaken oversight."); // Bob: other boundaries
    ana.tag("d1", "actor", "社交媒体"); // Bob: missing
    let mut bob = Coder::new(&mut project, "bob", 2);
    let b_quote = bob.tag("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.");
    let b_actor = bob.tag("d1", "actor", "Müller");
    bob.relate("d1", "about", b_quote, b_actor); // other relation (both directions)
    bob.tag("d1", "claim", "👨\u{200d}👩\u{200d}👧 family");
    bob.tag_with("d1", "claim", "شبکه\u{200c}های اجتماعی 社交媒体 matter.", 0, Some("against"));
    bob.tag_with("d1", "recommendation", "The council will weaken oversight.", 1, None);
    bob.tag("d1", "quote", "said"); // extra
    project
}

#[test]
fn every_kind_of_disagreement_is_classified_in_text_order() {
    let project = crafted_pair();
    let comparison = compare(&project, "d1", "ana", "bob").unwrap();
    let found: Vec<(DisagreementKind, String)> =
        comparison.disagreements.iter().map(|d| (d.kind, d.detail.clone())).collect();
    assert_eq!(
        found,
        [
            (DisagreementKind::Extra, "Quote \"said\"".to_owned()),
            (DisagreementKind::OtherRelation, "Attributed to only in ana".to_owned()),
            (DisagreementKind::OtherRelation, "About only in bob".to_owned()),
            (DisagreementKind::OtherLabel, "Actor vs Claim".to_owned()),
            (DisagreementKind::OtherAttribute, "stance: for vs against".to_owned()),
            (DisagreementKind::Missing, "Actor \"社交媒体\"".to_owned()),
            (DisagreementKind::OtherBoundaries, "76..110 vs 76..109".to_owned()),
        ]
    );
    assert_eq!(comparison.agreements.len(), 2, "the quote and Müller");
    // Keyboard navigation steps through them and wraps.
    let first = &comparison.disagreements[0];
    assert_eq!(comparison.next_after(first.start), Some(1));
    assert_eq!(comparison.next_after(10_000), Some(0));
    assert_eq!(comparison.previous_before(0), Some(comparison.disagreements.len() - 1));
    let counts = comparison.counts();
    assert!(counts.contains(&(DisagreementKind::OtherRelation, 2)));
    // Unknown names are refused with the known ones.
    let err = compare(&project, "d1", "ana", "zoe").unwrap_err();
    assert!(err.to_string().contains("no annotator \"zoe\""));
}

#[test]
fn a_relation_accepted_in_a_later_sitting_finds_its_ends_in_gold() {
    let project = crafted_pair();
    let comparison = compare(&project, "d1", "ana", "bob").unwrap();
    let relation = comparison.disagreements.iter().position(|d| d.detail == "Attributed to only in ana").unwrap();
    // Alone, the relation has no ends in gold.
    let mut plan = Adjudication::new(time());
    plan.accept_agreements = false;
    plan.choices = vec![(relation, Choice::AcceptA)];
    let err = adjudicate(&project, &comparison, &plan).unwrap_err();
    assert!(err.to_string().contains("accept its annotations first"), "{err}");
    // First sitting: the agreements (the quote and Müller). Second: the relation alone.
    let mut adjudicated = project.clone();
    let agreements = Adjudication { accept_agreements: true, ..Adjudication::new(time()) };
    apply(&mut adjudicated, adjudicate(&project, &comparison, &agreements).unwrap()).unwrap();
    let comparison = compare(&adjudicated, "d1", "ana", "bob").unwrap();
    let relation_only = adjudicate(&adjudicated, &comparison, &plan).unwrap();
    apply(&mut adjudicated, relation_only).unwrap();
    let d1 = adjudicated.document("d1").unwrap();
    let gold: Vec<&Relation> = d1.relations.iter().filter(|r| r.annotator == "gold").collect();
    assert_eq!(gold.len(), 1);
    assert_eq!(gold[0].kind, "attributed_to");
    assert_eq!(d1.annotation(gold[0].from).unwrap().annotator, "gold");
    assert_eq!(d1.annotation(gold[0].to).unwrap().text(), "Müller");
    assert!(spanwise::model::validate(&adjudicated).is_empty());
}

#[test]
fn adjudication_builds_the_expected_gold_and_undoes_in_one_step() {
    let project = crafted_pair();
    let comparison = compare(&project, "d1", "ana", "bob").unwrap();
    let kind_at = |kind| comparison.disagreements.iter().position(|d| d.kind == kind).unwrap();
    let mut plan = Adjudication::new(time());
    plan.choices = vec![
        (1, Choice::AcceptA),                                     // Ana's "attributed to"
        (2, Choice::Neither),                                     // not Bob's "about"
        (kind_at(DisagreementKind::OtherLabel), Choice::AcceptB), // Claim over the family
        (kind_at(DisagreementKind::OtherAttribute), Choice::AcceptA),
        (kind_at(DisagreementKind::Missing), Choice::AcceptA),
        (
            kind_at(DisagreementKind::OtherBoundaries),
            Choice::Corrected(Correction {
                label: "recommendation".into(),
                ranges: vec![(80, 109)], // "council will weaken oversight"
                attributes: BTreeMap::new(),
            }),
        ),
        (kind_at(DisagreementKind::Extra), Choice::Neither),
    ];
    let edit = adjudicate(&project, &comparison, &plan).unwrap();
    let mut adjudicated = project.clone();
    let undo = apply(&mut adjudicated, edit).unwrap();
    assert!(spanwise::model::validate(&adjudicated).is_empty());
    let mut gold = texts_of(&adjudicated, "d1", "gold");
    gold.sort();
    let mut expected = vec![
        ("quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family."),
        ("actor", "Müller"),
        ("claim", "👨\u{200d}👩\u{200d}👧 family"),
        ("claim", "شبکه\u{200c}های اجتماعی 社交媒体 matter."),
        ("actor", "社交媒体"),
        ("recommendation", "council will weaken oversight"),
    ]
    .into_iter()
    .map(|(l, t)| (l.to_owned(), t.to_owned()))
    .collect::<Vec<_>>();
    expected.sort();
    assert_eq!(gold, expected);
    let d1 = adjudicated.document("d1").unwrap();
    let gold_claim = d1.annotations.iter().find(|a| a.annotator == "gold" && a.text().starts_with("شبکه")).unwrap();
    assert_eq!(gold_claim.attributes.get("stance"), Some(&Value::Choice("for".into())));
    let gold_relations: Vec<&Relation> = d1.relations.iter().filter(|r| r.annotator == "gold").collect();
    assert_eq!(gold_relations.len(), 1);
    assert_eq!(gold_relations[0].kind, "attributed_to");
    assert_eq!(d1.annotation(gold_relations[0].to).unwrap().text(), "Müller");
    // The gold layer is left out of agreement by default.
    let report = spanwise::analysis::agreement::agreement(&adjudicated, None, None).unwrap();
    assert_eq!(report.annotators, ["ana", "bob"]);
    // Adjudicating again adds nothing new.
    let again = adjudicate(&adjudicated, &compare(&adjudicated, "d1", "ana", "bob").unwrap(), &plan).unwrap();
    let Edit::Batch(edits) = again else { panic!("a batch") };
    assert!(edits.is_empty(), "{edits:?}");
    // One undo step removes the gold layer's annotations again.
    apply(&mut adjudicated, undo).unwrap();
    assert_eq!(adjudicated, project);
    // A bad correction is refused with its reason.
    plan.choices = vec![(
        kind_at(DisagreementKind::Extra),
        Choice::Corrected(Correction { label: "quote".into(), ranges: vec![(40, 38)], attributes: BTreeMap::new() }),
    )];
    let err = adjudicate(&project, &comparison, &plan).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("disagreement {}: span 40..38 is empty or ends before it starts", kind_at(DisagreementKind::Extra))
    );
}

/// A key with four spans in d1, one in d2 and one relation.
fn key() -> Project {
    let mut key = coder_project("teacher", "Teacher");
    let mut t = Coder::new(&mut key, "teacher", 9);
    let quote = t.tag("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.");
    let actor = t.tag("d1", "actor", "Müller");
    t.relate("d1", "attributed_to", quote, actor);
    t.tag("d1", "claim", "شبکه\u{200c}های اجتماعی 社交媒体 matter.");
    t.tag("d1", "recommendation", "The council will weaken oversight.");
    t.tag("d2", "actor", "Officials");
    key
}

#[test]
fn grading_a_small_class_with_known_answers() {
    let key = key();
    // A perfect student.
    let mut perfect = coder_project("pat", "Pat");
    let mut p = Coder::new(&mut perfect, "pat", 11);
    let quote = p.tag("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.");
    let actor = p.tag("d1", "actor", "Müller");
    p.relate("d1", "attributed_to", quote, actor);
    p.tag("d1", "claim", "شبکه\u{200c}های اجتماعی 社交媒体 matter.");
    p.tag("d1", "recommendation", "The council will weaken oversight.");
    p.tag("d2", "actor", "Officials");
    // A student with a shifted quote (overlap, not exact), the relation right through it, a
    // miss (claim), a wrong label (recommendation as claim) and an extra; d2 untouched.
    let mut sam = coder_project("sam", "Sam");
    let mut s = Coder::new(&mut sam, "sam", 12);
    let quote = s.tag_with("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.", 1, None);
    let actor = s.tag("d1", "actor", "Müller");
    s.relate("d1", "attributed_to", quote, actor);
    s.tag("d1", "claim", "The council will weaken oversight.");
    s.tag("d1", "actor", "社交媒体");
    // A student whose file lacks d2 and who did nothing.
    let mut lee = coder_project("lee", "Lee");
    lee.documents.truncate(1);

    let pat = grade(&key, &perfect);
    assert_eq!(pat.student, "Pat");
    for mode in [Mode::Exact, Mode::Overlap] {
        assert_eq!(pat.spans.micro(mode).f1, Ok(1.0));
    }
    assert_eq!((pat.relations.right, pat.relations.in_key, pat.relations.accuracy.clone()), (1, 1, Ok(1.0)));
    assert_eq!(pat.completion, Ok(1.0));

    let sam_grade = grade(&key, &sam);
    let exact = sam_grade.spans.micro(Mode::Exact);
    // Key 5, Sam 4; exact: only Müller.
    assert_eq!(exact.precision, Ok(1.0 / 4.0));
    assert_eq!(exact.recall, Ok(1.0 / 5.0));
    let overlap = sam_grade.spans.micro(Mode::Overlap);
    // Overlap: the quote too.
    assert_eq!(overlap.precision, Ok(2.0 / 4.0));
    assert_eq!(overlap.recall, Ok(2.0 / 5.0));
    assert_eq!(overlap.f1, Ok(4.0 / 9.0));
    let quote_index = key.codebook.label_index("quote").unwrap();
    assert_eq!(sam_grade.spans.per_label[quote_index].scores(Mode::Exact).f1, Ok(0.0));
    assert_eq!(sam_grade.spans.per_label[quote_index].scores(Mode::Overlap).f1, Ok(1.0));
    assert_eq!(sam_grade.relations.accuracy, Ok(1.0), "the relation is right through the overlap pairs");
    assert_eq!(sam_grade.completion, Ok(0.5));

    let lee_grade = grade(&key, &lee);
    assert_eq!(lee_grade.missing_documents, ["officials.txt"]);
    assert_eq!(lee_grade.documents_found, 1);
    assert_eq!(lee_grade.completion, Ok(0.0));
    assert_eq!(lee_grade.spans.micro(Mode::Exact).recall, Ok(0.0));
    assert!(lee_grade.spans.micro(Mode::Exact).precision.is_err(), "no spans: precision is undefined");
    assert_eq!(lee_grade.relations.accuracy, Ok(0.0));
}

#[test]
fn the_feedback_page_marks_misses_and_extras_with_the_codebook() {
    let key = key();
    let mut sam = coder_project("sam", "Sam <the> \"student\"");
    let mut s = Coder::new(&mut sam, "sam", 12);
    s.tag_with("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.", 1, None);
    s.tag("d1", "actor", "Müller");
    s.tag("d1", "actor", "社交媒体");
    let result = grade(&key, &sam);
    let html = feedback_html(&key, &sam, &result);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Feedback for Sam &lt;the&gt; &quot;student&quot;: class</title>"));
    // Self-contained and printable.
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"));
    assert!(html.contains("@media print"));
    // Misses, extras and boundary differences, by name and in context.
    assert!(html.contains("<h3>Missed (2)</h3>"), "the claim and the recommendation in d1");
    assert!(html.contains("<li>Claim: “شبکه\u{200c}های اجتماعی 社交媒体 matter.”</li>"));
    assert!(html.contains("<h3>Extra (1): not in the key</h3>"));
    assert!(html.contains("<li>Actor: “社交媒体”</li>"));
    assert!(html.contains("<h3>Other boundaries (1)</h3>"));
    assert!(html.contains("class=\"key-exact you-exact\" title=\"key: Actor, yours: Actor\">Müller</span>"));
    assert!(html.contains("class=\"key-missed\""));
    assert!(html.contains("class=\"you-extra\""));
    // d2 was not touched: its missed actor is listed under its own heading.
    assert!(html.contains("<h2>officials.txt</h2>") || html.contains("<h2>Officials warned"));
    // The definitions of the labels involved, and only those.
    let claim = key.codebook.label("claim").unwrap();
    assert!(html.contains(&spanwise::analysis::feedback::escape(&claim.definition)));
    let recommendation = key.codebook.label("recommendation").unwrap();
    assert!(html.contains(&format!("<dt>{}</dt>", recommendation.name)));
}

#[test]
fn agreement_on_an_attribute_uses_identically_marked_spans() {
    let mut project = coder_project("ana", "Ana");
    apply(&mut project, Edit::AddAnnotator(Annotator { id: "bob".into(), name: "Bob".into() })).unwrap();
    let spans = [
        "Müller said",
        "شبکه\u{200c}های اجتماعی",
        "社交媒体 matter.",
        "The council will weaken oversight.",
        "Officials",
    ];
    let ana_values = ["for", "against", "for", "neutral", "against"];
    let bob_values = ["for", "against", "against", "neutral", "against"];
    for (annotator, values, seed) in [("ana", ana_values, 1), ("bob", bob_values, 2)] {
        let mut coder = Coder::new(&mut project, annotator, seed);
        for (span, value) in spans.iter().zip(values) {
            let document = if *span == "Officials" { "d2" } else { "d1" };
            coder.tag_with(document, "claim", span, 0, Some(value));
        }
    }
    // Bob marks one more claim that Ana does not have: a unit with one value only.
    Coder::new(&mut project, "bob", 3).tag_with("d2", "claim", "Experts disagree.", 0, Some("for"));
    let selection = Selection::resolve(&project, None, None).unwrap();
    let result = attribute_agreement(&project, &selection, "stance", None).unwrap();
    assert_eq!(result.level, Level::Nominal);
    assert_eq!(result.units, 6);
    // The same as alpha on the values directly (codes: for 0, against 1, neutral 2).
    let code = |v: &str| Some(["for", "against", "neutral"].iter().position(|o| *o == v).unwrap() as f64);
    let mut units: Vec<Vec<Option<f64>>> =
        ana_values.iter().zip(bob_values).map(|(a, b)| vec![code(a), code(b)]).collect();
    units.push(vec![None, code("for")]);
    let direct = alpha(&units, Level::Nominal);
    let value = result.alpha.alpha.clone().unwrap();
    assert!((value - direct.alpha.unwrap()).abs() < 1e-12);
    assert!(value > 0.5 && value < 1.0);
    assert!(result.cohen.unwrap().kappa.is_ok());
    let missing = attribute_agreement(&project, &selection, "certainty", None).unwrap_err();
    assert!(missing.0.contains("no selected coder gave attribute \"certainty\" a value"));
}
