//! Imports of files other tools wrote (the shapes of `../shared/reference/formats.md`), onto
//! changed texts (re-anchoring), with labels the codebook lacks, from CRLF sources, and bad input.

use std::path::{Path, PathBuf};

use spanwise::formats::annotations::{self, ImportOptions, Mapping, Target};
use spanwise::formats::export::{self, Format, OffsetUnit};
use spanwise::model::{Document, Project};

use super::fixture;
use super::roundtrip::{empty_like, export_to, import_into};

/// The running example of formats.md: 35 code points, 36 UTF-16 units.
const EXAMPLE: &str = "Anna Müller 🙂 said taxes will fall.";

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, contents).unwrap();
    path
}

fn spans(project: &Project) -> Vec<(String, String)> {
    let mut spans: Vec<(String, String)> =
        project.documents.iter().flat_map(|d| d.annotations.iter().map(|a| (a.label.to_string(), a.text()))).collect();
    spans.sort();
    spans
}

fn new_project(paths: &[PathBuf], options: &ImportOptions) -> (Project, annotations::ImportReport) {
    let incoming = annotations::read(paths, options).unwrap_or_else(|e| panic!("{e}"));
    let (project, report) = annotations::import_new_project(incoming, "t", options, &export::no_progress).unwrap();
    assert!(spanwise::model::validate(&project).is_empty(), "{:?}", spanwise::model::validate(&project));
    (project, report)
}

fn read_error(paths: &[PathBuf], format: Option<Format>) -> String {
    let options = ImportOptions { format, ..Default::default() };
    annotations::read(paths, &options).err().map(|e| e.to_string()).unwrap_or_else(|| panic!("{paths:?} should fail"))
}

#[test]
fn brat_as_formats_md_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "doc1.txt", EXAMPLE);
    let ann = write(
        dir.path(),
        "doc1.ann",
        "T1\tActor 0 11\tAnna Müller\nT2\tClaim 19 34\ttaxes will fall\nT3\tQuote 0 4;14 18\tAnna said\n\
         R1\tClaimant Arg1:T2 Arg2:T1\nA1\tCertainty T2 High\nA2\tNegated T2\nN1\tReference T1 Wikidata:Q000\tAnna Müller\n\
         #1\tAnnotatorNotes T2\tannotator=alice\n",
    );
    write(dir.path(), "visual.conf", "[labels]\nActor | Person or group\n[drawing]\nActor\tbgColor:#7fa2ff\n");
    let options = ImportOptions::default();
    let incoming = annotations::read(std::slice::from_ref(&ann), &options).unwrap();
    assert_eq!(incoming.format, Some(Format::Brat), "guessed from .ann");
    assert!(incoming.notes.iter().any(|n| n.contains("1 normalizations are not imported")), "{:?}", incoming.notes);
    let mut project = Project::new("p");
    let prepared = annotations::prepare(&project, incoming, &export::no_progress).unwrap();
    // Actor, Claim and Quote match the default labels by name; "Claimant" is not a relation type.
    assert!(prepared.missing_labels.is_empty(), "{:?}", prepared.missing_labels);
    assert_eq!(prepared.missing_relation_types, [("Claimant".to_owned(), 1)]);
    let added = annotations::add_missing(&mut project, &prepared);
    assert_eq!(added, ["relation type \"Claimant\" (used by 1 relations)"]);
    let options = ImportOptions::default();
    let (edit, report) = prepared.edit(&project, &Mapping::default(), &options);
    annotations::apply_import(&mut project, edit, &report).unwrap();
    assert_eq!(
        spans(&project),
        [
            ("actor".to_owned(), "Anna Müller".to_owned()),
            ("claim".to_owned(), "taxes will fall".to_owned()),
            ("quote".to_owned(), "Anna … said".to_owned()),
        ]
    );
    let claim = project.documents[0].annotations.iter().find(|a| a.label == "claim").unwrap();
    assert_eq!(claim.note, "annotator=alice");
    assert_eq!(claim.attributes["Certainty"], spanwise::model::Value::Text("High".into()));
    assert_eq!(claim.attributes["Negated"], spanwise::model::Value::Bool(true));
    assert_eq!(claim.annotator, "imported", "brat has no annotator: the import's default");
    assert_eq!(report.relations_added, 1);
}

#[test]
fn brat_label_mapping_and_additions() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", EXAMPLE);
    write(dir.path(), "a.ann", "T1\tPerson 0 11\tAnna Müller\nT2\tPerson 14 18\tsaid\n");
    write(dir.path(), "visual.conf", "[labels]\nPerson | Person\n[drawing]\nPerson\tbgColor:#123456\n");
    let options = ImportOptions::default();
    let project = Project::new("p");
    let prepared = annotations::prepare(
        &project,
        annotations::read(&[dir.path().to_owned()], &options).unwrap(),
        &export::no_progress,
    )
    .unwrap();
    assert_eq!(prepared.missing_labels.len(), 1);
    let (label, count) = &prepared.missing_labels[0];
    assert_eq!((label.key.as_str(), label.color.as_deref(), *count), ("Person", Some("#123456"), 2));
    // Mapped onto an existing label.
    let mut mapped = project.clone();
    let mapping = Mapping { labels: [("Person".to_owned(), Some("actor".to_owned()))].into(), ..Default::default() };
    let (edit, report) = prepared.edit(&mapped, &mapping, &options);
    annotations::apply_import(&mut mapped, edit, &report).unwrap();
    assert_eq!(
        spans(&mapped),
        [("actor".to_owned(), "Anna Müller".to_owned()), ("actor".to_owned(), "said".to_owned())]
    );
    // Left out on purpose.
    let mut skipped = project.clone();
    let mapping = Mapping { labels: [("Person".to_owned(), None)].into(), ..Default::default() };
    let (edit, report) = prepared.edit(&skipped, &mapping, &options);
    annotations::apply_import(&mut skipped, edit, &report).unwrap();
    assert_eq!(skipped.annotation_count(), 0);
    assert_eq!(report.left_out.len(), 2);
    assert!(report.left_out[0].contains("label not mapped"));
    // Added to the codebook (what the CLI does).
    let mut added = project.clone();
    assert_eq!(annotations::add_missing(&mut added, &prepared), ["label \"Person\" (used by 2 annotations)"]);
    assert_eq!(added.codebook.label("Person").unwrap().color, "#123456");
}

#[test]
fn brat_from_a_crlf_source_with_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    // brat counts the BOM and each CR as characters (it slices the file as Python reads it).
    let raw = "\u{feff}Title\r\nAnna Müller 🙂 said:\r\ntaxes will fall.\r\n";
    write(dir.path(), "c.txt", raw);
    let chars: Vec<char> = raw.chars().collect();
    let find = |needle: &str| {
        let n: Vec<char> = needle.chars().collect();
        (0..chars.len()).find(|&i| chars[i..].starts_with(&n)).unwrap()
    };
    let (a, c) = (find("Anna"), find("taxes"));
    write(
        dir.path(),
        "c.ann",
        &format!("T1\tactor {a} {}\tAnna Müller\nT2\tclaim {c} {}\ttaxes will fall\n", a + 11, c + 15),
    );
    let (project, report) = new_project(&[dir.path().join("c.ann")], &ImportOptions::default());
    assert!(report.unanchored.is_empty(), "{:?}", report.unanchored);
    let doc = &project.documents[0];
    assert_eq!(doc.text, "Title\nAnna Müller 🙂 said:\ntaxes will fall.\n", "normalised as any import");
    assert_eq!(
        spans(&project),
        [("actor".to_owned(), "Anna Müller".to_owned()), ("claim".to_owned(), "taxes will fall".to_owned())]
    );
}

#[test]
fn brat_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "e.txt", EXAMPLE);
    let ann = write(dir.path(), "e.ann", "T1\tActor 0 11\tAnna Müller\nT2\tClaim 34 19\ttaxes\n");
    let err = read_error(std::slice::from_ref(&ann), None);
    assert!(err.ends_with("e.ann: line 2: T2: span 34..19 ends before it starts"), "{err}");
    write(dir.path(), "e.ann", "T1\tActor 0 99\tAnna\n");
    assert!(read_error(std::slice::from_ref(&ann), None).contains("line 1: T1: span 0..99 goes past the end of"));
    write(dir.path(), "e.ann", "T1\tActor zero 11\tAnna\n");
    assert!(read_error(std::slice::from_ref(&ann), None).contains("line 1: T1: offsets \"zero 11\" are not numbers"));
    write(dir.path(), "e.ann", "R1\tClaimant Arg1:T2\n");
    assert!(read_error(std::slice::from_ref(&ann), None).contains("line 1: R1: a relation needs two arguments"));
    // Text that is not at its offsets is listed, not imported.
    write(dir.path(), "e.ann", "T1\tActor 0 11\tAnna Mueller\nT2\tClaim 19 34\ttaxes will fall\n");
    let (project, report) = new_project(&[ann], &ImportOptions::default());
    assert_eq!(project.annotation_count(), 1);
    assert_eq!(report.unanchored.len(), 1);
    assert!(report.unanchored[0].reason.contains("differs from the text at its offsets"), "{}", report.unanchored[0]);
    std::fs::remove_file(dir.path().join("e.txt")).unwrap();
    assert!(read_error(&[dir.path().join("e.ann")], None).contains("e.txt"));
}

#[test]
fn labelstudio_as_formats_md_shows_it_with_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let tasks = serde_json::json!([{"id": 1, "data": {"text": "Intro\r\nAnna Müller 🙂 said taxes will fall."},
    "annotations": [{"id": 10, "completed_by": 3, "created_at": "2024-05-01T12:00:00Z",
      "result": [
        {"id": "a1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 7, "end": 18, "text": "Anna Müller", "labels": ["Actor"]}},
        {"id": "c1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 26, "end": 41, "text": "taxes will fall", "labels": ["Claim"]}},
        {"id": "c1", "from_name": "certainty", "to_name": "text", "type": "choices",
         "value": {"start": 26, "end": 41, "choices": ["High"]}},
        {"from_id": "c1", "to_id": "a1", "type": "relation", "direction": "right", "labels": ["Attributed to"]}
      ]}]}]);
    let path = write(dir.path(), "export.json", &tasks.to_string());
    let options = ImportOptions::default();
    let (project, report) = new_project(&[path], &options);
    assert_eq!(report.relations_added, 1);
    assert_eq!(
        spans(&project),
        [("actor".to_owned(), "Anna Müller".to_owned()), ("claim".to_owned(), "taxes will fall".to_owned())]
    );
    let doc = &project.documents[0];
    assert!(!doc.text.contains('\r'));
    let claim = doc.annotations.iter().find(|a| a.label == "claim").unwrap();
    assert_eq!(claim.attributes["certainty"], spanwise::model::Value::Text("High".into()));
    assert_eq!(claim.created.to_rfc3339(), "2024-05-01T12:00:00+00:00");
    assert_eq!(project.annotator(&claim.annotator).unwrap().name, "user 3");
    // The same task with the text missing says so.
    let bad = write(dir.path(), "bad.json", r#"[{"data": {"html": "<p>x</p>"}}]"#);
    assert!(
        read_error(&[bad], Some(Format::LabelStudio))
            .ends_with("task 1: no data.text (Spanwise imports Label Studio text tasks)")
    );
    let bad = write(
        dir.path(),
        "bad2.json",
        r#"[{"data": {"text": "short"}, "annotations": [{"result": [{"id": "x", "type": "labels", "value": {"start": 2, "end": 40, "labels": ["Claim"]}}]}]}]"#,
    );
    assert!(
        read_error(&[bad], Some(Format::LabelStudio))
            .contains("region x: span 2..40 is outside data.text (5 characters)")
    );
}

#[test]
fn doccano_utf16_and_code_point_files() {
    let dir = tempfile::tempdir().unwrap();
    // formats.md: for the current UI (UTF-16) the claim is 20..35; for Python (code points) 19..34.
    let utf16 = write(
        dir.path(),
        "a.jsonl",
        &format!("{}\n", serde_json::json!({"text": EXAMPLE, "label": [[0, 11, "Actor"], [20, 35, "Claim"]]})),
    );
    let options = ImportOptions { format: Some(Format::Doccano), ..Default::default() };
    let (project, _) = new_project(std::slice::from_ref(&utf16), &options);
    assert_eq!(
        spans(&project),
        [("actor".to_owned(), "Anna Müller".to_owned()), ("claim".to_owned(), "taxes will fall".to_owned())]
    );
    let code_points = write(
        dir.path(),
        "b.jsonl",
        &format!(
            "{}\n",
            serde_json::json!({"text": EXAMPLE, "label": [[0, 11, "Actor"], [19, 34, "Claim"]], "source": "wire"})
        ),
    );
    let options =
        ImportOptions { format: Some(Format::Doccano), doccano_offsets: OffsetUnit::CodePoints, ..Default::default() };
    let (project, _) = new_project(&[code_points], &options);
    assert_eq!(spans(&project)[1].1, "taxes will fall");
    assert_eq!(project.documents[0].metadata["source"], "wire", "other keys are metadata");
    // An offset between the two units of the emoji: the wrong unit.
    let wrong = write(
        dir.path(),
        "c.jsonl",
        &format!("{}\n", serde_json::json!({"text": EXAMPLE, "label": [[13, 19, "Claim"]]})),
    );
    let options = ImportOptions { format: Some(Format::Doccano), ..Default::default() };
    let err = read_error(&[wrong], options.format);
    assert!(
        err.contains("line 1: offset 13 is inside a character") && err.contains("--doccano-offsets code-points"),
        "{err}"
    );
    let entities = write(
        dir.path(),
        "d.jsonl",
        &format!(
            "{}\n",
            serde_json::json!({"text": EXAMPLE,
        "entities": [{"id": 7, "start_offset": 0, "end_offset": 11, "label": "Actor"}, {"id": 8, "start_offset": 20, "end_offset": 35, "label": "Claim"}],
        "relations": [{"id": 0, "from_id": 8, "to_id": 7, "type": "attributed_to"}]})
        ),
    );
    let (project, report) = new_project(&[entities], &options);
    assert_eq!(report.relations_added, 1);
    assert_eq!(project.documents[0].relations[0].kind, "attributed_to");
    let broken =
        write(dir.path(), "e.jsonl", "{\"text\": \"a\", \"label\": []}\n{\"text\": \"b\", \"label\": [[0, 1]]}\n");
    assert!(read_error(&[broken], options.format).contains("line 2: label 1: expected [start, end, \"label\"]"));
}

#[test]
fn w3c_with_only_a_quote_or_only_a_position() {
    let mut project = Project::new("p");
    project.documents.push(Document::new("d1", "example.txt", EXAMPLE.to_owned()));
    let sha = project.documents[0].sha256.clone();
    let dir = tempfile::tempdir().unwrap();
    let annotations = serde_json::json!([
        {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno23", "type": "Annotation",
         "body": {"type": "TextualBody", "purpose": "tagging", "value": "Claim"},
         "target": {"source": "http://example.org/page1",
                    "selector": {"type": "TextQuoteSelector", "exact": "taxes will fall", "prefix": "said ", "suffix": "."}}},
        {"id": "http://example.org/anno27", "type": "Annotation", "motivation": "classifying",
         "creator": {"id": "urn:example:annotator:alice", "type": "Person", "name": "alice"},
         "body": [{"type": "TextualBody", "purpose": "classifying", "value": "actor"},
                  {"type": "TextualBody", "purpose": "describing", "value": "certainty=high", "format": "text/plain"}],
         "target": {"source": format!("urn:x:{sha}"), "selector": {"type": "TextPositionSelector", "start": 0, "end": 11}}}
    ]);
    let path = write(dir.path(), "a.jsonld", &annotations.to_string());
    let options = ImportOptions::default();
    let incoming = annotations::read(&[path], &options).unwrap();
    assert_eq!(incoming.format, Some(Format::W3c));
    let prepared = annotations::prepare(&project, incoming, &export::no_progress).unwrap();
    // The quote-only source is placed by its quote in the only document; the other by its hash.
    assert_eq!(prepared.documents.iter().filter(|d| d.target == Target::Same("d1".into())).count(), 1);
    assert_eq!(prepared.documents.iter().filter(|d| d.target == Target::Reanchored("d1".into())).count(), 1);
    let (edit, report) = prepared.edit(&project, &Mapping::default(), &options);
    annotations::apply_import(&mut project, edit, &report).unwrap();
    assert_eq!(
        spans(&project),
        [("actor".to_owned(), "Anna Müller".to_owned()), ("claim".to_owned(), "taxes will fall".to_owned())]
    );
    let actor = project.documents[0].annotations.iter().find(|a| a.label == "actor").unwrap();
    assert_eq!(actor.note, "certainty=high");
    assert_eq!(project.annotator(&actor.annotator).unwrap().name, "alice");
}

#[test]
fn w3c_without_its_document_lists_every_span() {
    let original = fixture::project();
    let dir = tempfile::tempdir().unwrap();
    let out = export_to(&original, Format::W3c, dir.path());
    let mut target = empty_like(&original);
    target.documents.push(Document::new("other", "other.txt", "Nothing in common here.".into()));
    let report = import_into(&mut target, Format::W3c, &out);
    assert_eq!(target.annotation_count(), 0);
    assert_eq!(report.unanchored.len(), original.annotation_count());
    assert!(
        report.unanchored[0].reason.contains("its text is not in the document any more")
            || report.unanchored[0].reason.contains("no document in the project has this text"),
        "{}",
        report.unanchored[0]
    );
    assert!(report.left_out.iter().all(|l| l.contains("one of its annotations was not imported")));
}

/// The fixture's first document with its text edited: a sentence added in front, a word of the
/// claim changed, the Chinese words removed.
fn edited() -> (Project, String) {
    let original = fixture::project();
    let text = format!("BREAKING: {}", original.documents[0].text)
        .replace("taxes will fall", "taxes will fail")
        .replace("社交媒体 too", "too");
    let mut project = empty_like(&original);
    let mut doc = Document::new("d1", original.documents[0].name.clone(), text.clone());
    doc.metadata = original.documents[0].metadata.clone();
    project.documents.push(doc);
    (project, text)
}

#[test]
fn spans_are_reanchored_on_a_changed_text_and_the_lost_ones_listed() {
    let original = fixture::project();
    let (project, text) = edited();
    let dir = tempfile::tempdir().unwrap();
    for format in [Format::Json, Format::Brat, Format::W3c, Format::LabelStudio, Format::Qdpx] {
        let out = export_to(&original, format, dir.path());
        let mut target = project.clone();
        let options = ImportOptions { format: Some(format), ..Default::default() };
        let mut incoming = annotations::read(&[out], &options).unwrap();
        incoming.documents.retain(|d| {
            d.sha256.as_deref() == Some(original.documents[0].sha256.as_str()) || d.name.contains("article")
        });
        let prepared = annotations::prepare(&target, incoming, &export::no_progress).unwrap();
        assert_eq!(prepared.documents[0].target, Target::Reanchored("d1".into()), "{format}");
        let (edit, report) = prepared.edit(&target, &Mapping::default(), &options);
        annotations::apply_import(&mut target, edit, &report).unwrap();
        assert!(spanwise::model::validate(&target).is_empty());
        assert_eq!(report.documents_reanchored, 1, "{format}");
        assert_eq!(report.unanchored.len(), 1, "{format}: {:?}", report.unanchored);
        let lost = &report.unanchored[0];
        assert_eq!(
            (lost.label.to_lowercase().as_str(), lost.text.as_str()),
            ("recommendation", "社交媒体"),
            "{format}"
        );
        assert_eq!(lost.reason, "its text is not in the document any more");
        let kept = original.documents[0].annotations.len() - 1;
        assert_eq!(target.annotation_count(), kept, "{format}");
        assert_eq!(report.annotations_moved, kept, "{format}: all moved by the inserted sentence");
        let doc = &target.documents[0];
        assert!(
            doc.annotations.iter().any(|a| a.text() == "taxes will fail"),
            "{format}: the changed claim found approximately"
        );
        assert!(doc.annotations.iter().any(|a| a.text() == "The family … agreed"), "{format}: discontinuous kept");
        for a in &doc.annotations {
            for f in &a.fragments {
                assert_eq!(doc.slice(f.start..f.end), Some(f.text.as_str()));
            }
        }
        assert_eq!(doc.text, text);
    }
}

#[test]
fn a_document_that_changed_completely_is_added_not_forced() {
    let original = fixture::project();
    let mut target = empty_like(&original);
    target.documents.push(Document::new(
        "d1",
        original.documents[0].name.clone(),
        "A different story altogether.".into(),
    ));
    let dir = tempfile::tempdir().unwrap();
    let out = export_to(&original, Format::Json, dir.path());
    let report = import_into(&mut target, Format::Json, &out);
    assert_eq!(report.documents_added, 2);
    assert_eq!(report.documents_reanchored, 0);
    assert_eq!(target.documents.len(), 3);
    assert_eq!(target.documents[0].annotations.len(), 0);
    assert_eq!(target.documents[1].id, "d2", "a free id for the added copy of d1");
}

#[test]
fn qdpx_as_formats_md_shows_it_and_atlas_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let qde = |origin: &str, start: usize, end: usize| {
        format!(
            r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="news-claims" origin="{origin}"
  creatingUserGUID="11111111-1111-4111-8111-111111111111" creationDateTime="2024-05-01T12:00:00Z">
  <Users><User guid="11111111-1111-4111-8111-111111111111" name="alice"/></Users>
  <CodeBook><Codes>
    <Code guid="22222222-2222-4222-8222-222222222222" name="claim" isCodable="true" color="#FF0000"><Description>A checkable assertion</Description></Code>
    <Code guid="33333333-3333-4333-8333-333333333333" name="actor" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f" name="article-1.txt" plainTextPath="internal://3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f.txt">
      <PlainTextSelection guid="44444444-4444-4444-8444-444444444444" name="taxes will fall" startPosition="{start}" endPosition="{end}"
          creatingUser="11111111-1111-4111-8111-111111111111" creationDateTime="2024-05-01T12:00:00Z">
        <Coding guid="55555555-5555-4555-8555-555555555555" creatingUser="11111111-1111-4111-8111-111111111111">
          <CodeRef targetGUID="22222222-2222-4222-8222-222222222222"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"##
        )
    };
    let zip_with = |name: &str, qde: &str, text: &str| {
        use std::io::Write;
        let path = dir.path().join(name);
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("project.qde", options).unwrap();
        zip.write_all(qde.as_bytes()).unwrap();
        zip.start_file("sources/3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f.txt", options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
        zip.finish().unwrap();
        path
    };
    let plain = zip_with("a.qdpx", &qde("MyAnnotator 0.1", 19, 34), EXAMPLE);
    let (project, _) = new_project(&[plain], &ImportOptions::default());
    assert_eq!(spans(&project), [("claim".to_owned(), "taxes will fall".to_owned())]);
    assert_eq!(project.annotator(&project.documents[0].annotations[0].annotator).unwrap().name, "alice");
    // A CRLF source: offsets count the CR, except ATLAS.ti's, which count CRLF as one.
    let crlf = "Intro\r\nAnna Müller 🙂 said taxes will fall.";
    let counted = zip_with("b.qdpx", &qde("MAXQDA 2022", 26, 41), crlf);
    assert_eq!(spans(&new_project(&[counted], &ImportOptions::default()).0)[0].1, "taxes will fall");
    let atlas = zip_with("c.qdpx", &qde("ATLAS.ti 23", 25, 40), crlf);
    assert_eq!(spans(&new_project(&[atlas], &ImportOptions::default()).0)[0].1, "taxes will fall");

    let not_zip = write(dir.path(), "d.qdpx", "plain text");
    assert!(read_error(&[not_zip], None).contains("not a REFI-QDA project (.qdpx is a ZIP)"));
    let bad_xml = zip_with("e.qdpx", "<Project><Sources></Project>", "x");
    let err = read_error(&[bad_xml], None);
    assert!(err.contains("project.qde: byte"), "{err}");
}

#[test]
fn json_errors_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let json = write(
        dir.path(),
        "a.json",
        "{\"format\": \"spanwise-export\", \"version\": 1,\n \"documents\": [{\"text\": 5}]}",
    );
    let err = read_error(&[json], None);
    assert!(err.contains("a.json: line 2 column"), "{err}");
    let other = write(dir.path(), "b.json", "{\"format\": \"other\", \"version\": 1, \"documents\": []}");
    assert!(read_error(&[other], Some(Format::Json)).contains("format is \"other\", expected \"spanwise-export\""));
    let newer = write(dir.path(), "c.json", "{\"format\": \"spanwise-export\", \"version\": 9, \"documents\": []}");
    assert!(read_error(&[newer], Some(Format::Json)).contains("export version 9 is newer"));
    let lines = write(
        dir.path(),
        "d.jsonl",
        "{\"id\": \"d1\", \"name\": \"a\", \"text\": \"abc\", \"annotations\": []}\n{\"text\": \"x\", \"annotations\": [{\"label\": \"claim\", \"fragments\": [{\"start\": 3, \"end\": 1}]}]}\n",
    );
    let err = read_error(&[lines], Some(Format::Jsonl));
    assert!(err.contains("line 2, annotation 1: span 3..1 ends before it starts"), "{err}");
    let unknown = write(dir.path(), "e.txt", "hello");
    assert!(read_error(&[unknown], None).contains("cannot tell the format"));
    assert!(read_error(&[dir.path().join("a.json")], Some(Format::Conll)).contains("conll cannot be imported"));
}
