//! A small project with two coders' layers (ana, bob) on two documents with tricky text, for the
//! Agreement panel and compare view tests (kittest and real window).

use std::path::{Path, PathBuf};

use spanwise::edit::{Edit, apply};
use spanwise::model::{Annotation, Annotator, Document, IdGenerator, Project};

/// `ü`, an emoji outside the BMP, a ZWJ family, Persian with ZWNJ, Chinese.
pub const FIRST: &str = "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family. شبکه\u{200c}های اجتماعی 社交媒体 matter.";
pub const SECOND: &str = "Officials 👨\u{200d}👩\u{200d}👧 warned. Grüße aus 北京.";

fn annotate(project: &mut Project, ids: &mut IdGenerator, document: &str, coder: &str, label: &str, needle: &str) {
    let doc = project.document(document).unwrap();
    let byte = doc.text.find(needle).unwrap_or_else(|| panic!("{needle} not in {document}"));
    let start = doc.text[..byte].chars().count();
    let fragment = doc.fragment(start..start + needle.chars().count()).unwrap();
    let annotation = Annotation {
        id: ids.next_id(),
        label: label.into(),
        fragments: vec![fragment],
        annotator: coder.into(),
        created: super::time(),
        modified: super::time(),
        note: String::new(),
        attributes: Default::default(),
    };
    apply(project, Edit::AddAnnotation { document: document.into(), annotation }).unwrap();
}

/// Ana and Bob agree on a quote and a claim in d1; Bob's actor is shorter (other boundaries),
/// Bob lacks Ana's recommendation (missing) and has an actor Ana lacks (extra). In d2 their
/// quotes differ in length.
pub fn two_coders() -> Project {
    let mut project = Project::new("two coders");
    project.created = super::time();
    project.documents.push(Document::new("d1", "first.txt", FIRST.to_owned()));
    project.documents.push(Document::new("d2", "second.txt", SECOND.to_owned()));
    for (id, name) in [("ana", "Ana"), ("bob", "Bob")] {
        apply(&mut project, Edit::AddAnnotator(Annotator { id: id.into(), name: name.into() })).unwrap();
    }
    let mut ids = IdGenerator::seeded(12);
    let spans: &[(&str, &str, &str, &str)] = &[
        ("d1", "ana", "quote", "Grüße 🎉"),
        ("d1", "bob", "quote", "Grüße 🎉"),
        ("d1", "ana", "claim", "شبکه\u{200c}های اجتماعی"),
        ("d1", "bob", "claim", "شبکه\u{200c}های اجتماعی"),
        ("d1", "ana", "actor", "👨\u{200d}👩\u{200d}👧 family"),
        ("d1", "bob", "actor", "👨\u{200d}👩\u{200d}👧"),
        ("d1", "ana", "recommendation", "社交媒体"),
        ("d1", "bob", "actor", "matter"),
        ("d2", "ana", "quote", "Officials"),
        ("d2", "bob", "quote", "Officials 👨\u{200d}👩\u{200d}👧"),
        ("d2", "ana", "actor", "北京"),
        ("d2", "bob", "actor", "北京"),
    ];
    for (document, coder, label, needle) in spans {
        annotate(&mut project, &mut ids, document, coder, label, needle);
    }
    project
}

/// [`two_coders`] saved in `dir`.
pub fn two_coders_file(dir: &Path) -> PathBuf {
    let path = dir.join("two coders.spanwise.ron");
    spanwise::store::save(&two_coders(), &path).unwrap();
    path
}
