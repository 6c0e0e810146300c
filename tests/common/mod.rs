//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod classroom;
pub mod coders;
pub mod exchange;
pub mod http;
pub mod real_window;
#[cfg(feature = "gui")]
pub mod ui;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use spanwise::edit::{Edit, apply};
use spanwise::model::{Annotation, Annotator, Document, IdGenerator, ItemId, Project, Relation};

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample_text_path() -> PathBuf {
    manifest_dir().join("sample_docs/iranwire-social-media-study.txt")
}

pub fn sample_project_path() -> PathBuf {
    manifest_dir().join("sample_docs/iranwire-social-media-study.spanwise.ron")
}

pub fn time() -> DateTime<Utc> {
    "2026-01-02T03:04:05.678Z".parse().unwrap()
}

/// A small project with tricky text (umlaut, emoji, ZWJ, combining marks, Persian, Chinese),
/// overlapping annotations and a relation.
pub fn tricky_project() -> Project {
    let mut project = Project::new("tricky");
    project.created = time();
    let text = "Müller said: “Grüße 🎉 from the 👨‍👩‍👧 family.” e\u{301}te\nشبکه‌های اجتماعی 社交媒体 matter.".to_owned();
    project.documents.push(Document::new("d1", "tricky.txt", text));
    apply(&mut project, Edit::AddAnnotator(Annotator { id: "ana".into(), name: "Ana".into() })).unwrap();
    let mut ids = IdGenerator::seeded(1);
    let spans: &[(&str, &str)] = &[
        ("quote", "Grüße 🎉 from the 👨‍👩‍👧 family."),
        ("actor", "Müller"),
        ("actor", "👨‍👩‍👧 family"),
        ("claim", "Müller said: “Grüße 🎉 from the 👨‍👩‍👧 family.”"),
        ("claim", "شبکه‌های اجتماعی"),
        ("recommendation", "社交媒体"),
    ];
    let mut made = Vec::new();
    for (label, needle) in spans {
        let id = add(&mut project, &mut ids, label, needle);
        made.push(id);
    }
    let relation = Relation {
        id: ids.next_id(),
        kind: "attributed_to".into(),
        from: made[0],
        to: made[1],
        annotator: "ana".into(),
        created: time(),
        modified: time(),
        note: "direct quote".into(),
    };
    apply(&mut project, Edit::AddRelation { document: "d1".into(), relation }).unwrap();
    project
}

/// Adds an annotation over the first occurrence of `needle` in document d1.
pub fn add(project: &mut Project, ids: &mut IdGenerator, label: &str, needle: &str) -> ItemId {
    let doc = project.document("d1").unwrap();
    let byte = doc.text.find(needle).unwrap_or_else(|| panic!("{needle} not found"));
    let start = doc.text[..byte].chars().count();
    let fragment = doc.fragment(start..start + needle.chars().count()).unwrap();
    assert_eq!(fragment.text, needle);
    let id = ids.next_id();
    let annotation = Annotation {
        id,
        label: label.into(),
        fragments: vec![fragment],
        annotator: "ana".into(),
        created: time(),
        modified: time(),
        note: String::new(),
        attributes: Default::default(),
    };
    apply(project, Edit::AddAnnotation { document: "d1".into(), annotation }).unwrap();
    id
}
