//! The project every export and import test uses: text with `ü`, an emoji outside the BMP, a
//! ZWJ sequence, Persian with a ZWNJ, Chinese, and a document imported from a CRLF source;
//! overlapping, nested and discontinuous annotations, typed attributes and document variables,
//! relations with notes, two annotators and memos on every kind of target.

use std::collections::BTreeMap;
use std::path::PathBuf;

use spanwise::edit::{Edit, apply};
use spanwise::model::{
    Annotation, Annotator, AttributeDef, FieldDef, IdGenerator, ItemId, Memo, MemoTarget, Project, Relation, Timestamp,
    Value, ValueKind,
};

pub fn time(seconds: i64) -> Timestamp {
    let base: Timestamp = "2026-01-02T03:04:05.678Z".parse().unwrap();
    base + chrono::Duration::seconds(seconds)
}

pub const TEXT_1: &str = "Anna Müller 🙂 said: “taxes will fall.” The family 👨\u{200d}👩\u{200d}👧 agreed; \
    شبکه\u{200c}های اجتماعی matter, 社交媒体 too.\n\nA second paragraph — with  two spaces and a tab\there.\n";

/// A source file with Windows line ends (and a byte-order mark), imported as a `.txt` would be.
pub const CRLF_SOURCE: &str = "\u{feff}Grüße aus Zürich\r\nDr. Ďurková said:\r\n„Wir müssen handeln 🌍.“\r\n";

/// The shared reference material beside the checkout.
pub fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

pub fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/interchange.spanwise.ron")
}

/// Finds the `nth` occurrence of `needle` in document `doc` as a code point range.
pub fn find(project: &Project, doc: &str, needle: &str, nth: usize) -> std::ops::Range<usize> {
    let text = &project.document(doc).unwrap().text;
    let byte = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle:?} not in {doc}")).0;
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

pub struct Builder {
    pub project: Project,
    ids: IdGenerator,
    clock: i64,
}

impl Builder {
    pub fn annotate(
        &mut self,
        doc: &str,
        label: &str,
        ranges: &[std::ops::Range<usize>],
        annotator: &str,
        attributes: &[(&str, Value)],
        note: &str,
    ) -> ItemId {
        let document = self.project.document(doc).unwrap();
        let fragments = ranges.iter().map(|r| document.fragment(r.clone()).unwrap()).collect();
        let id = self.ids.next_id();
        self.clock += 1;
        let annotation = Annotation {
            id,
            label: label.into(),
            fragments,
            annotator: annotator.into(),
            created: time(self.clock),
            modified: time(self.clock + 60),
            note: note.into(),
            attributes: attributes.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
        };
        apply(&mut self.project, Edit::AddAnnotation { document: doc.into(), annotation }).unwrap();
        id
    }

    pub fn relate(&mut self, doc: &str, kind: &str, from: ItemId, to: ItemId, annotator: &str, note: &str) -> ItemId {
        let id = self.ids.next_id();
        self.clock += 1;
        let relation = Relation {
            id,
            kind: kind.into(),
            from,
            to,
            annotator: annotator.into(),
            created: time(self.clock),
            modified: time(self.clock),
            note: note.into(),
        };
        apply(&mut self.project, Edit::AddRelation { document: doc.into(), relation }).unwrap();
        id
    }

    pub fn memo(&mut self, target: MemoTarget, title: &str, text: &str) {
        let id = self.ids.next_id();
        self.project.memos.push(Memo {
            id,
            target,
            title: title.into(),
            text: text.into(),
            author: "ana".into(),
            created: time(0),
            modified: time(1),
        });
    }
}

/// The codebook: the default news labels plus typed attributes and document fields.
pub fn codebook(project: &mut Project) {
    let codebook = &mut project.codebook;
    codebook.attributes = vec![
        AttributeDef {
            id: "stance".into(),
            name: "Stance".into(),
            kind: ValueKind::Choice(vec!["for".into(), "against".into(), "neutral".into()]),
            labels: vec!["claim".into(), "quote".into()],
            definition: "Position taken".into(),
        },
        AttributeDef {
            id: "certainty".into(),
            name: "Certainty".into(),
            kind: ValueKind::Number,
            labels: vec![],
            definition: String::new(),
        },
        AttributeDef {
            id: "negated".into(),
            name: "Negated".into(),
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
    codebook.document_fields = vec![
        FieldDef {
            id: "outlet_type".into(),
            name: "Outlet type".into(),
            kind: ValueKind::Choice(vec!["national".into(), "regional".into()]),
            definition: String::new(),
        },
        FieldDef { id: "paywall".into(), name: "Paywall".into(), kind: ValueKind::Bool, definition: String::new() },
        FieldDef { id: "pages".into(), name: "Pages".into(), kind: ValueKind::Number, definition: String::new() },
    ];
}

pub fn project() -> Project {
    let mut project = Project::new("Interchange — tests");
    project.created = time(0);
    project.description = "Every export and import is checked on this project.".into();
    codebook(&mut project);
    project.annotators.push(Annotator { id: "ana".into(), name: "Ana Ürün".into() });
    project.annotators.push(Annotator { id: "bo".into(), name: "Bo 李".into() });

    let mut doc1 = spanwise::formats::text::import(TEXT_1, "d1".into(), "article one.txt".into());
    doc1.metadata.insert("author".into(), "Ana Ürün".into());
    doc1.metadata.insert("site_name".into(), "IranWire".into());
    doc1.metadata.insert("date".into(), "May 1, 2024".into());
    doc1.metadata.insert("url".into(), "https://example.org/article-1".into());
    doc1.metadata.insert("lang".into(), "en".into());
    doc1.metadata.insert("section".into(), "World, \"politics\"".into());
    doc1.variables = BTreeMap::from([
        ("outlet_type".to_owned(), Value::Choice("national".into())),
        ("paywall".to_owned(), Value::Bool(false)),
        ("pages".to_owned(), Value::Number(2.0)),
    ]);
    apply(&mut project, Edit::AddDocument { index: 0, document: Box::new(doc1) }).unwrap();
    let mut doc2 = spanwise::formats::text::import(CRLF_SOURCE, "d2".into(), "zürich crlf.txt".into());
    doc2.metadata.insert("date".into(), "2024-05-02".into());
    doc2.variables = BTreeMap::from([("outlet_type".to_owned(), Value::Choice("regional".into()))]);
    apply(&mut project, Edit::AddDocument { index: 1, document: Box::new(doc2) }).unwrap();

    let mut b = Builder { project, ids: IdGenerator::seeded(42), clock: 0 };
    let p = |b: &Builder, doc: &str, needle: &str| find(&b.project, doc, needle, 0);

    // d1: nested and overlapping.
    let anna = b.annotate("d1", "actor", &[p(&b, "d1", "Anna Müller")], "ana", &[], "");
    let claim = b.annotate(
        "d1",
        "claim",
        &[p(&b, "d1", "taxes will fall")],
        "ana",
        &[("stance", Value::Choice("against".into())), ("certainty", Value::Number(0.75))],
        "checked with the\nsource; \"direct\" quote",
    );
    let quote = b.annotate(
        "d1",
        "quote",
        &[p(&b, "d1", "“taxes will fall.”")],
        "ana",
        &[("negated", Value::Bool(false)), ("comment", Value::Text("said it twice, then\nleft".into()))],
        "",
    );
    let family = b.annotate(
        "d1",
        "actor",
        &[p(&b, "d1", "family 👨\u{200d}👩\u{200d}👧")],
        "bo",
        &[("negated", Value::Bool(true))],
        "",
    );
    let persian = b.annotate("d1", "claim", &[p(&b, "d1", "شبکه\u{200c}های اجتماعی matter")], "bo", &[], "");
    let _chinese = b.annotate("d1", "recommendation", &[p(&b, "d1", "社交媒体")], "bo", &[], "");
    // Discontinuous, and crossing a paragraph break.
    let split = b.annotate(
        "d1",
        "claim",
        &[p(&b, "d1", "The family"), p(&b, "d1", "agreed")],
        "ana",
        &[("stance", Value::Choice("for".into()))],
        "",
    );
    let crossing = b.annotate("d1", "quote", &[p(&b, "d1", "too.\n\nA second")], "bo", &[], "crosses a blank line");
    // A note a spreadsheet would run as a formula.
    let _emoji_only = b.annotate("d1", "actor", &[p(&b, "d1", "🙂")], "ana", &[], "=HYPERLINK(\"http://x\")");
    let _spaces = b.annotate("d1", "claim", &[p(&b, "d1", "two spaces and a tab\there")], "ana", &[], "");
    b.relate("d1", "attributed_to", quote, anna, "ana", "direct quote");
    b.relate("d1", "attributed_to", claim, anna, "ana", "");
    b.relate("d1", "about", persian, family, "bo", "");
    b.relate("d1", "about", split, family, "ana", "");
    let _ = crossing;

    // d2: came from CRLF; spans after each former line break.
    let dr = b.annotate("d2", "actor", &[p(&b, "d2", "Dr. Ďurková")], "ana", &[], "");
    let wir = b.annotate("d2", "quote", &[p(&b, "d2", "„Wir müssen handeln 🌍.“")], "ana", &[], "");
    let _zurich = b.annotate("d2", "actor", &[p(&b, "d2", "Zürich")], "bo", &[], "");
    b.relate("d2", "attributed_to", wir, dr, "ana", "");

    b.memo(MemoTarget::Project, "Plan", "Code all claims first.");
    b.memo(MemoTarget::Document("d1".into()), "About d1", "Long article.\nTwo parts.");
    b.memo(MemoTarget::Label("claim".into()), "Claims", "Use the whole assertion.");
    b.memo(MemoTarget::Annotation(claim), "This claim", "Contested <by> & others.");
    b.project
}
