//! A small class for the classroom tests: a key with tricky texts (`ü`, an emoji outside the BMP,
//! a ZWJ sequence, Persian with ZWNJ, Chinese, imported with CRLF line ends), and students who
//! annotate the handout made from it.

use std::collections::BTreeMap;

use spanwise::edit::{Edit, apply};
use spanwise::model::{
    Annotation, Annotator, FieldDef, IdGenerator, ItemId, Memo, MemoTarget, Project, Relation, Value, ValueKind,
};

use super::time;

/// Imported with CRLF line ends (normalised to LF by the import).
pub const RAW_D1: &str = "Müller said: “Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.”\r\nشبکه\u{200c}های اجتماعی 社交媒体 matter.\r\nThe council will weaken oversight.\r\n";
pub const RAW_D2: &str = "Officials warned that the internet is a threat.\r\nExperts disagree.\r\n";

pub const INSTRUCTIONS: &str = "Tag every claim, quote and actor.\nLink each quote to its speaker (R, then Enter).\nشبکه‌ها: read both texts. 社交媒体 🎉";

/// Tags the first occurrence of `needle` in `document`, `cut` code points shorter at the end.
pub fn tag(project: &mut Project, ids: &mut IdGenerator, who: &str, at: (&str, &str, &str, usize)) -> ItemId {
    let (document, label, needle, cut) = at;
    let doc = project.document(document).unwrap();
    let byte = doc.text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {document}"));
    let start = doc.text[..byte].chars().count();
    let fragment = doc.fragment(start..start + needle.chars().count() - cut).unwrap();
    let id = ids.next_id();
    let annotation = Annotation {
        id,
        label: label.into(),
        fragments: vec![fragment],
        annotator: who.into(),
        created: time(),
        modified: time(),
        note: String::new(),
        attributes: BTreeMap::new(),
    };
    apply(project, Edit::AddAnnotation { document: document.into(), annotation }).unwrap();
    id
}

/// Links two annotations of `document`.
pub fn relate(project: &mut Project, ids: &mut IdGenerator, who: &str, document: &str, from: ItemId, to: ItemId) {
    let relation = Relation {
        id: ids.next_id(),
        kind: "attributed_to".into(),
        from,
        to,
        annotator: who.into(),
        created: time(),
        modified: time(),
        note: String::new(),
    };
    apply(project, Edit::AddRelation { document: document.into(), relation }).unwrap();
}

/// The instructor's key: five spans and a relation in d1, one span in d2, a memo and a document
/// variable.
pub fn key() -> Project {
    let mut key = Project::new("class");
    key.created = time();
    key.description = "Week 3: news claims".into();
    key.codebook.document_fields.push(FieldDef {
        id: "tone".into(),
        name: "Tone".into(),
        kind: ValueKind::Choice(vec!["alarmed".into(), "calm".into()]),
        definition: String::new(),
    });
    let mut d1 = spanwise::formats::text::import(RAW_D1, "d1".into(), "tricky.txt".into());
    d1.metadata.insert("title".into(), "Grüße 🎉".into());
    d1.variables.insert("tone".into(), Value::Choice("alarmed".into()));
    key.documents.push(d1);
    key.documents.push(spanwise::formats::text::import(RAW_D2, "d2".into(), "officials.txt".into()));
    apply(&mut key, Edit::AddAnnotator(Annotator { id: "teacher".into(), name: "Teacher".into() })).unwrap();
    let mut ids = IdGenerator::seeded(9);
    let t = "teacher";
    let quote = tag(&mut key, &mut ids, t, ("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.", 0));
    let actor = tag(&mut key, &mut ids, t, ("d1", "actor", "Müller", 0));
    relate(&mut key, &mut ids, t, "d1", quote, actor);
    tag(&mut key, &mut ids, t, ("d1", "claim", "شبکه\u{200c}های اجتماعی 社交媒体 matter.", 0));
    tag(&mut key, &mut ids, t, ("d1", "recommendation", "The council will weaken oversight.", 0));
    tag(&mut key, &mut ids, t, ("d2", "actor", "Officials", 0));
    let memo = Memo {
        id: ids.next_id(),
        target: MemoTarget::Annotation(actor),
        title: "Answer".into(),
        text: "Müller is the speaker".into(),
        author: t.into(),
        created: time(),
        modified: time(),
    };
    apply(&mut key, Edit::AddMemo(memo)).unwrap();
    key
}

/// A student's file: the handout with their annotations.
pub fn student(handout: &Project, id: &str, name: &str, seed: u64, spans: &[(&str, &str, &str, usize)]) -> Project {
    let mut project = handout.clone();
    apply(&mut project, Edit::AddAnnotator(Annotator { id: id.into(), name: name.into() })).unwrap();
    let mut ids = IdGenerator::seeded(seed);
    for &span in spans {
        tag(&mut project, &mut ids, id, span);
    }
    project
}

/// Pat: everything right, the relation too.
pub fn pat(handout: &Project) -> Project {
    let mut pat = student(handout, "pat", "Pat", 11, &[]);
    let mut ids = IdGenerator::seeded(111);
    let quote = tag(&mut pat, &mut ids, "pat", ("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.", 0));
    let actor = tag(&mut pat, &mut ids, "pat", ("d1", "actor", "Müller", 0));
    relate(&mut pat, &mut ids, "pat", "d1", quote, actor);
    tag(&mut pat, &mut ids, "pat", ("d1", "claim", "شبکه\u{200c}های اجتماعی 社交媒体 matter.", 0));
    tag(&mut pat, &mut ids, "pat", ("d1", "recommendation", "The council will weaken oversight.", 0));
    tag(&mut pat, &mut ids, "pat", ("d2", "actor", "Officials", 0));
    pat
}

/// Sam: a quote cut short (overlap, not exact), Müller right, the claim missed, the recommendation
/// tagged as a claim, an extra actor; nothing in d2; no relation.
pub fn sam(handout: &Project) -> Project {
    student(
        handout,
        "sam",
        "Sam",
        12,
        &[
            ("d1", "quote", "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.", 1),
            ("d1", "actor", "Müller", 0),
            ("d1", "claim", "The council will weaken oversight.", 0),
            ("d1", "actor", "社交媒体", 0),
        ],
    )
}
