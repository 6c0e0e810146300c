//! Round trips: project -> each importable format -> import gives back the same annotations,
//! relations and attributes (everything the format keeps, see docs/EXPORT.md); a property test
//! on random projects with overlapping and discontinuous spans over hard text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proptest::prelude::*;
use spanwise::edit::{Edit, History, apply};
use spanwise::formats::annotations::{self, ImportOptions, ImportReport, Mapping};
use spanwise::formats::export::{self, ExportOptions, Format};
use spanwise::model::{
    Annotation, Annotator, AttributeDef, Document, IdGenerator, ItemId, MemoTarget, Project, Relation, RelationType,
    Value, ValueKind,
};

use super::fixture;

/// The fixture's codebook and annotators, without documents.
pub fn empty_like(project: &Project) -> Project {
    let mut empty = project.clone();
    empty.documents.clear();
    empty.memos.clear();
    empty
}

/// The fixture's documents without annotations or relations (for W3C, which has no texts).
pub fn texts_only(project: &Project) -> Project {
    let mut texts = empty_like(project);
    for doc in &project.documents {
        let mut copy = Document::new(doc.id.clone(), doc.name.clone(), doc.text.to_string());
        copy.metadata = doc.metadata.clone();
        copy.variables = doc.variables.clone();
        texts.documents.push(copy);
    }
    texts
}

pub fn import_into(target: &mut Project, format: Format, path: &Path) -> ImportReport {
    let options = ImportOptions { format: Some(format), ..Default::default() };
    let incoming = annotations::read(&[path.to_owned()], &options).unwrap_or_else(|e| panic!("{format}: {e}"));
    let prepared = annotations::prepare(target, incoming, &export::no_progress).unwrap();
    assert!(prepared.missing_labels.is_empty(), "{format}: labels resolve: {:?}", prepared.missing_labels);
    let (edit, report) = prepared.edit(target, &Mapping::default(), &options);
    annotations::apply_import(target, edit, &report).unwrap_or_else(|e| panic!("{format}: {e}"));
    assert!(spanwise::model::validate(target).is_empty(), "{format}: {:?}", spanwise::model::validate(target));
    report
}

pub fn export_to(project: &Project, format: Format, dir: &Path) -> std::path::PathBuf {
    let out = dir.join(format!("out.{}", format.extension()));
    export::export(project, format, &ExportOptions::default(), &out, &export::no_progress).unwrap();
    out
}

/// An annotation as every lossless format keeps it, keyed by document text.
#[derive(Clone, Debug, PartialEq, PartialOrd, Eq, Ord)]
struct Kept {
    sha: String,
    label: String,
    fragments: Vec<(usize, usize, String)>,
    annotator: String,
    note: String,
    attributes: String,
}

fn kept(project: &Project) -> BTreeMap<ItemId, Kept> {
    project
        .documents
        .iter()
        .flat_map(|d| {
            d.annotations.iter().map(move |a| {
                (
                    a.id,
                    Kept {
                        sha: d.sha256.clone(),
                        label: a.label.to_string(),
                        fragments: a.fragments.iter().map(|f| (f.start, f.end, f.text.to_string())).collect(),
                        annotator: a.annotator.to_string(),
                        note: a.note.clone(),
                        attributes: format!("{:?}", a.attributes),
                    },
                )
            })
        })
        .collect()
}

fn times(project: &Project) -> BTreeMap<ItemId, (String, String)> {
    project
        .documents
        .iter()
        .flat_map(|d| d.annotations.iter().map(|a| (a.id, (a.created.to_rfc3339(), a.modified.to_rfc3339()))))
        .collect()
}

/// Relations by their type and the ids of their ends.
fn relations(project: &Project) -> BTreeSet<(String, ItemId, ItemId)> {
    project.documents.iter().flat_map(|d| d.relations.iter().map(|r| (r.kind.to_string(), r.from, r.to))).collect()
}

fn full_relations(project: &Project) -> BTreeSet<(ItemId, String, ItemId, ItemId, String, String, String)> {
    project
        .documents
        .iter()
        .flat_map(|d| {
            d.relations.iter().map(|r| {
                (
                    r.id,
                    r.kind.to_string(),
                    r.from,
                    r.to,
                    r.annotator.to_string(),
                    r.note.clone(),
                    r.created.to_rfc3339(),
                )
            })
        })
        .collect()
}

/// Relations whose two ends were made by the same annotator (the ones Label Studio can hold).
fn same_annotator_relations(project: &Project) -> BTreeSet<(String, ItemId, ItemId)> {
    let owner: BTreeMap<ItemId, &str> =
        project.documents.iter().flat_map(|d| d.annotations.iter().map(|a| (a.id, a.annotator.as_str()))).collect();
    relations(project).into_iter().filter(|(_, from, to)| owner.get(from) == owner.get(to)).collect()
}

/// Checks a round trip through `format`, as much as the format keeps; returns the import report.
fn check_round_trip(original: &Project, format: Format) -> ImportReport {
    let dir = tempfile::tempdir().unwrap();
    let out = export_to(original, format, dir.path());
    let mut target = if format == Format::W3c { texts_only(original) } else { empty_like(original) };
    let report = import_into(&mut target, format, &out);
    assert!(report.unanchored.is_empty(), "{format}: {:?}", report.unanchored);
    assert_eq!(kept(&target), kept(original), "{format}: annotations");
    match format {
        Format::Json | Format::Jsonl | Format::Brat | Format::W3c => {
            assert_eq!(times(&target), times(original), "{format}: times");
            assert_eq!(full_relations(&target), full_relations(original), "{format}: relations");
        }
        Format::Qdpx => {
            assert_eq!(times(&target), times(original), "{format}: times");
            assert_eq!(relations(&target), relations(original), "{format}: relations");
        }
        Format::LabelStudio => {
            assert_eq!(relations(&target), same_annotator_relations(original), "{format}: relations");
        }
        _ => unreachable!(),
    }
    if matches!(format, Format::Json | Format::Jsonl | Format::Brat | Format::LabelStudio | Format::Qdpx) {
        let variables = |p: &Project| {
            p.documents.iter().map(|d| (d.sha256.clone(), d.variables.clone())).collect::<BTreeMap<_, _>>()
        };
        if matches!(format, Format::Json | Format::Jsonl | Format::LabelStudio) {
            assert_eq!(variables(&target), variables(original), "{format}: document variables");
        }
    }
    report
}

#[test]
fn json_into_a_new_project_gives_back_everything() {
    let original = fixture::project();
    let dir = tempfile::tempdir().unwrap();
    let out = export_to(&original, Format::Json, dir.path());
    let options = ImportOptions::default();
    let incoming = annotations::read(&[out], &options).unwrap();
    assert_eq!(incoming.format, Some(Format::Json), "guessed");
    let (project, report) = annotations::import_new_project(incoming, "x", &options, &export::no_progress).unwrap();
    assert_eq!(project.name, original.name);
    assert_eq!(project.codebook, original.codebook);
    assert_eq!(project.annotators, original.annotators);
    assert_eq!(kept(&project), kept(&original));
    assert_eq!(times(&project), times(&original));
    assert_eq!(full_relations(&project), full_relations(&original));
    let memos = |p: &Project| {
        p.memos
            .iter()
            .map(|m| (m.id, format!("{:?}", m.target), m.title.clone(), m.text.clone()))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(memos(&project), memos(&original));
    assert_eq!(report.documents_added, 2);
    for (a, b) in project.documents.iter().zip(&original.documents) {
        assert_eq!((&a.id, &a.name, &a.text, &a.variables), (&b.id, &b.name, &b.text, &b.variables));
    }
    let d1 = &project.documents[0];
    assert_eq!(d1.metadata["section"], original.documents[0].metadata["section"]);
    assert_eq!(d1.metadata["outlet"], "IranWire", "the standard keys are filled in");
}

#[test]
fn jsonl_round_trip() {
    check_round_trip(&fixture::project(), Format::Jsonl);
}

#[test]
fn brat_round_trip() {
    check_round_trip(&fixture::project(), Format::Brat);
}

#[test]
fn w3c_round_trip_onto_the_same_texts() {
    let report = check_round_trip(&fixture::project(), Format::W3c);
    assert_eq!(report.documents_same, 2);
    assert_eq!(report.documents_added, 0);
}

#[test]
fn labelstudio_round_trip() {
    check_round_trip(&fixture::project(), Format::LabelStudio);
}

#[test]
fn qdpx_round_trip() {
    check_round_trip(&fixture::project(), Format::Qdpx);
}

#[test]
fn doccano_keeps_spans_and_relations() {
    let original = fixture::project();
    let dir = tempfile::tempdir().unwrap();
    let out = export_to(&original, Format::Doccano, dir.path());
    let mut target = empty_like(&original);
    let report = import_into(&mut target, Format::Doccano, &out);
    let spans = |p: &Project| -> BTreeSet<(String, usize, usize, String)> {
        p.documents
            .iter()
            .flat_map(|d| {
                d.annotations.iter().flat_map(move |a| {
                    a.fragments.iter().map(move |f| (d.sha256.clone(), f.start, f.end, a.label.to_string()))
                })
            })
            .collect()
    };
    assert_eq!(spans(&target), spans(&original), "every fragment, with UTF-16 offsets converted back");
    assert_eq!(report.relations_added, 5);
    assert!(target.annotators.iter().any(|a| a.name == "Imported"), "doccano has no annotator per span");
}

#[test]
fn importing_an_export_into_its_own_project_adds_nothing() {
    let mut project = fixture::project();
    for format in [Format::Json, Format::Brat, Format::W3c, Format::LabelStudio, Format::Qdpx, Format::Doccano] {
        let dir = tempfile::tempdir().unwrap();
        let out = export_to(&project, format, dir.path());
        let before = spanwise::store::to_string(&project);
        let options = ImportOptions { format: Some(format), ..Default::default() };
        let incoming = annotations::read(&[out], &options).unwrap();
        let prepared = annotations::prepare(&project, incoming, &export::no_progress).unwrap();
        let (edit, report) = prepared.edit(&project, &Mapping::default(), &options);
        assert_eq!(report.annotations_added, 0, "{format}");
        assert_eq!(report.relations_added, 0, "{format}");
        assert_eq!(report.documents_same, 2, "{format}");
        let relations = if format == Format::LabelStudio { 4 } else { 5 };
        let memos = if format == Format::Json { project.memos.len() } else { 0 };
        // doccano writes the discontinuous annotation as two spans, each found in it.
        let annotations = project.annotation_count() + usize::from(format == Format::Doccano);
        assert_eq!(report.duplicates, annotations + relations + memos, "{format}");
        annotations::apply_import(&mut project, edit, &report).unwrap();
        assert_eq!(spanwise::store::to_string(&project), before, "{format}: nothing changed");
    }
}

#[test]
fn an_import_is_one_undoable_step() {
    let original = fixture::project();
    let dir = tempfile::tempdir().unwrap();
    let out = export_to(&original, Format::Brat, dir.path());
    let mut target = empty_like(&original);
    let before = spanwise::store::to_string(&target);
    let options = ImportOptions::default();
    let incoming = annotations::read(&[out], &options).unwrap();
    let prepared = annotations::prepare(&target, incoming, &export::no_progress).unwrap();
    let (edit, _report) = prepared.edit(&target, &Mapping::default(), &options);
    let mut history = History::new();
    history.apply(&mut target, edit).unwrap();
    assert_eq!(target.annotation_count(), original.annotation_count());
    history.undo(&mut target).unwrap();
    assert_eq!(spanwise::store::to_string(&target), before);
    history.redo(&mut target).unwrap();
    assert_eq!(kept(&target), kept(&original));
}

// ---------------------------------------------------------------------------------------------
// Property test on random projects.

const PIECES: &[&str] = &[
    "Anna",
    "Müller",
    "🙂",
    "👨\u{200d}👩\u{200d}👧",
    "شبکه\u{200c}های",
    "社交媒体",
    "said",
    "taxes",
    ".",
    ",",
    "“",
    "”",
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "e\u{301}",
    "'",
    "\"",
    "-",
    "=",
    "#",
    "T1",
];

fn random_project(
    pieces: Vec<usize>,
    spans: Vec<(usize, usize, usize, u8, u8)>,
    links: Vec<(usize, usize)>,
) -> Project {
    let text: String = pieces.iter().map(|&i| PIECES[i % PIECES.len()]).collect();
    let mut project = Project::new("random");
    project.created = fixture::time(0);
    project.codebook.relation_types.push(RelationType {
        id: "related".into(),
        name: "Related".into(),
        from_labels: vec![],
        to_labels: vec![],
        directed: true,
        definition: String::new(),
    });
    project.codebook.attributes = vec![
        AttributeDef {
            id: "stance".into(),
            name: "Stance".into(),
            kind: ValueKind::Choice(vec!["for".into(), "against".into()]),
            labels: vec![],
            definition: String::new(),
        },
        AttributeDef {
            id: "score".into(),
            name: "Score".into(),
            kind: ValueKind::Number,
            labels: vec![],
            definition: String::new(),
        },
        AttributeDef {
            id: "flag".into(),
            name: "Flag".into(),
            kind: ValueKind::Bool,
            labels: vec![],
            definition: String::new(),
        },
        AttributeDef {
            id: "comment".into(),
            name: "Comment".into(),
            kind: ValueKind::Text,
            labels: vec![],
            definition: String::new(),
        },
    ];
    project.annotators =
        vec![Annotator { id: "ana".into(), name: "Ana".into() }, Annotator { id: "bo".into(), name: "Bo".into() }];
    let document = Document::new("d1", "random.txt", text);
    let length = document.char_len();
    project.documents.push(document);
    let mut ids = IdGenerator::seeded(7);
    let labels = ["claim", "quote", "actor", "recommendation"];
    let mut made: Vec<(ItemId, &str)> = Vec::new();
    for (i, (a, b, c, extra, flags)) in spans.into_iter().enumerate() {
        if length < 2 {
            break;
        }
        // One to three fragments, in order, not overlapping, not only whitespace.
        let mut cuts = [a % length, b % length, c % (length + 1)];
        cuts.sort_unstable();
        let doc = project.document("d1").unwrap();
        let mut ranges = vec![(cuts[0], cuts[1].max(cuts[0] + 1))];
        if extra % 3 == 1 && cuts[2] > ranges[0].1 + 1 {
            ranges.push((ranges[0].1 + 1, cuts[2]));
        }
        let fragments: Vec<_> =
            ranges.iter().filter_map(|r| doc.fragment(r.0..r.1)).filter(|f| !f.text.trim().is_empty()).collect();
        if fragments.is_empty() {
            continue;
        }
        let mut attributes = BTreeMap::new();
        if flags & 1 != 0 {
            attributes
                .insert("stance".to_owned(), Value::Choice(if flags & 2 != 0 { "for" } else { "against" }.into()));
        }
        if flags & 4 != 0 {
            attributes.insert("score".to_owned(), Value::Number(f64::from(flags) / 8.0 - 3.0));
        }
        if flags & 8 != 0 {
            attributes.insert("flag".to_owned(), Value::Bool(flags & 16 != 0));
        }
        if flags & 32 != 0 {
            attributes.insert(
                "comment".to_owned(),
                Value::Text(["a: b", "two\nlines", " padded ", "\"q\"", "true", "0.5"][usize::from(flags) % 6].into()),
            );
        }
        let id = ids.next_id();
        let label = labels[i % labels.len()];
        let annotation = Annotation {
            id,
            label: label.into(),
            fragments,
            annotator: if flags & 64 != 0 { "bo" } else { "ana" }.into(),
            created: fixture::time(i as i64),
            modified: fixture::time(i as i64 + 5),
            note: if flags & 128 != 0 { "note with\ttab and\nline".into() } else { String::new() },
            attributes,
        };
        if apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation }).is_ok() {
            made.push((id, label));
        }
    }
    for (i, (a, b)) in links.into_iter().enumerate() {
        if made.len() < 2 {
            break;
        }
        let (from, to) = (made[a % made.len()].0, made[b % made.len()].0);
        if from == to {
            continue;
        }
        let relation = Relation {
            id: ids.next_id(),
            kind: "related".into(),
            from,
            to,
            annotator: "ana".into(),
            created: fixture::time(100 + i as i64),
            modified: fixture::time(100 + i as i64),
            note: if i % 2 == 0 { "why\nthis".into() } else { String::new() },
        };
        let duplicate = project.documents[0].relations.iter().any(|r| r.from == from && r.to == to);
        if !duplicate {
            apply(&mut project, Edit::AddRelation { document: "d1".into(), relation }).unwrap();
        }
    }
    assert!(spanwise::model::validate(&project).is_empty());
    project
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn random_projects_round_trip_through_every_lossless_format(
        pieces in proptest::collection::vec(0usize..64, 1..60),
        spans in proptest::collection::vec((any::<usize>(), any::<usize>(), any::<usize>(), any::<u8>(), any::<u8>()), 0..14),
        links in proptest::collection::vec((any::<usize>(), any::<usize>()), 0..6),
    ) {
        let project = random_project(pieces, spans, links);
        for format in [Format::Json, Format::Jsonl, Format::Brat, Format::W3c, Format::LabelStudio, Format::Qdpx] {
            check_round_trip(&project, format);
        }
    }
}

/// A JSON import into a project with the same texts brings the memos along in the same edit
/// (about the project, a label, a document and an annotation the import adds), and one undo
/// takes them away with everything else.
#[test]
fn json_import_adds_memos_in_its_one_undoable_edit() {
    let original = fixture::project();
    let dir = tempfile::tempdir().unwrap();
    let out = export_to(&original, Format::Json, dir.path());
    let mut target = texts_only(&original);
    target.codebook = original.codebook.clone();
    let before = target.clone();
    let options = ImportOptions { format: Some(Format::Json), ..Default::default() };
    let incoming = annotations::read(&[out], &options).unwrap();
    let prepared = annotations::prepare(&target, incoming, &export::no_progress).unwrap();
    let (edit, report) = prepared.edit(&target, &Mapping::default(), &options);
    let adds_memos = match &edit {
        Edit::Batch(edits) => edits.iter().filter(|e| matches!(e, Edit::AddMemo(_))).count(),
        _ => 0,
    };
    assert_eq!(adds_memos, original.memos.len(), "every memo is part of the edit");
    assert_eq!(report.memos.len(), original.memos.len());
    let mut history = History::new();
    history.apply(&mut target, edit).unwrap();
    let about =
        |p: &Project| p.memos.iter().map(|m| (format!("{:?}", m.target), m.title.clone())).collect::<BTreeSet<_>>();
    assert_eq!(target.memos.len(), original.memos.len());
    let annotation_memo = target.memos.iter().find(|m| matches!(m.target, MemoTarget::Annotation(_))).unwrap();
    let MemoTarget::Annotation(id) = annotation_memo.target else { unreachable!() };
    let annotated = target.documents.iter().flat_map(|d| &d.annotations).find(|a| a.id == id);
    assert_eq!(annotated.map(|a| a.label.as_str()), Some("claim"), "the memo points at the imported claim");
    assert_eq!(about(&target).len(), 4, "{:?}", about(&target));
    assert!(history.undo(&mut target).unwrap());
    assert!(target.memos.is_empty(), "one undo removes the memos too");
    assert_eq!(target.annotation_count(), before.annotation_count());
}
