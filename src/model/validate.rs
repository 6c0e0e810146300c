//! Checks every invariant of a project and reports each violation with where it is.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::codebook::parse_color;
use super::project::{ItemId, MemoTarget, Project, sha256_hex};

/// A fast, non-cryptographic hasher for the sets built while validating (ids are random
/// already; label and annotator ids are short strings). SipHash made validation of 200,000
/// annotations noticeably slower; there is no untrusted-key DoS concern in a local file check.
#[derive(Default)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // FNV-1a.
        let mut hash = self.0 ^ 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0 ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
}

type FastSet<T> = HashSet<T, BuildHasherDefault<FastHasher>>;
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Where in a project a problem is; the store turns this into a line number of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Project,
    Label(String),
    RelationType(String),
    Annotator(String),
    Document(String),
    Annotation { document: String, id: ItemId },
    Relation { document: String, id: ItemId },
    Memo(ItemId),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Project => write!(f, "project"),
            Location::Label(id) => write!(f, "label \"{id}\""),
            Location::RelationType(id) => write!(f, "relation type \"{id}\""),
            Location::Annotator(id) => write!(f, "annotator \"{id}\""),
            Location::Document(id) => write!(f, "document \"{id}\""),
            Location::Annotation { document, id } => {
                write!(f, "document \"{document}\", annotation {id}")
            }
            Location::Relation { document, id } => {
                write!(f, "document \"{document}\", relation {id}")
            }
            Location::Memo(id) => write!(f, "memo {id}"),
        }
    }
}

/// One broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Shortens long text for messages.
fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head:?}…")
    }
}

/// All problems of a project, in file order. Empty means valid.
pub fn validate(project: &Project) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report = |location: Location, message: String| problems.push(Problem { location, message });
    let codebook = &project.codebook;

    let mut label_ids = FastSet::default();
    let mut hotkeys = HashMap::new();
    for label in &codebook.labels {
        let here = || Location::Label(label.id.clone());
        if label.id.is_empty() {
            report(here(), "label id is empty".into());
        }
        if !label_ids.insert(label.id.as_str()) {
            report(here(), "duplicate label id".into());
        }
        if parse_color(&label.color).is_none() {
            report(here(), format!("color {:?} is not of the form #rrggbb", label.color));
        }
        if let Some(key) = label.hotkey
            && let Some(other) = hotkeys.insert(key, label.id.as_str())
        {
            report(here(), format!("hotkey '{key}' is also used by label \"{other}\""));
        }
    }
    for label in &codebook.labels {
        let Some(parent) = &label.parent else { continue };
        let here = || Location::Label(label.id.clone());
        match codebook.label(parent) {
            None => report(here(), format!("its parent label \"{parent}\" does not exist")),
            Some(_) if parent == &label.id => report(here(), "is its own parent".into()),
            Some(p) if p.parent.is_some() => {
                report(here(), format!("its parent \"{parent}\" is a sub-label itself (sub-labels go one level deep)"))
            }
            Some(_) => {}
        }
    }
    let mut relation_type_ids = HashSet::new();
    for relation_type in &codebook.relation_types {
        let here = || Location::RelationType(relation_type.id.clone());
        if !relation_type_ids.insert(relation_type.id.as_str()) {
            report(here(), "duplicate relation type id".into());
        }
        for label in relation_type.from_labels.iter().chain(&relation_type.to_labels) {
            if !label_ids.contains(label.as_str()) {
                report(here(), format!("refers to unknown label \"{label}\""));
            }
        }
    }
    let mut annotator_ids = FastSet::default();
    for annotator in &project.annotators {
        if !annotator_ids.insert(annotator.id.as_str()) {
            report(Location::Annotator(annotator.id.clone()), "duplicate annotator id".into());
        }
    }

    let mut document_ids = HashSet::new();
    let mut item_ids: FastSet<ItemId> = FastSet::default();
    for doc in &project.documents {
        let doc_here = || Location::Document(doc.id.clone());
        if doc.id.is_empty() {
            report(doc_here(), "document id is empty".into());
        }
        if !document_ids.insert(doc.id.as_str()) {
            report(doc_here(), "duplicate document id".into());
        }
        // Hashing 10 MB takes tens of milliseconds; a text already checked against its hash is
        // not hashed again (texts never change after import).
        if !doc.hash_verified() {
            let actual = sha256_hex(&doc.text);
            if doc.sha256 == actual {
                doc.mark_hash_verified();
            } else {
                report(
                    doc_here(),
                    format!(
                        "sha256 {} does not match the text (its hash is {actual}); the text was changed",
                        doc.sha256
                    ),
                );
            }
        }
        let char_len = doc.char_len();
        let mut annotation_labels: FastMap<ItemId, &str> = FastMap::default();
        for annotation in &doc.annotations {
            let here = || Location::Annotation { document: doc.id.clone(), id: annotation.id };
            if !item_ids.insert(annotation.id) {
                report(here(), "duplicate id".into());
            }
            annotation_labels.insert(annotation.id, annotation.label.as_str());
            if !label_ids.contains(annotation.label.as_str()) {
                report(here(), format!("unknown label \"{}\" (not in the codebook)", annotation.label));
            }
            if !annotator_ids.contains(annotation.annotator.as_str()) {
                report(here(), format!("unknown annotator \"{}\"", annotation.annotator));
            }
            if annotation.fragments.is_empty() {
                report(here(), "has no fragments".into());
            }
            if annotation.modified < annotation.created {
                report(here(), "modified before it was created".into());
            }
            let mut previous_end = None;
            for fragment in &annotation.fragments {
                let span = format!("span {}..{}", fragment.start, fragment.end);
                if fragment.end < fragment.start {
                    report(here(), format!("{span} ends before it starts"));
                    continue;
                }
                if fragment.end == fragment.start {
                    report(here(), format!("{span} is empty"));
                    continue;
                }
                if fragment.end > char_len {
                    report(here(), format!("{span} goes past the end of the text ({char_len} characters)"));
                    continue;
                }
                if let Some(previous_end) = previous_end
                    && fragment.start < previous_end
                {
                    report(
                        here(),
                        format!("{span} overlaps or precedes the previous fragment (ends at {previous_end})"),
                    );
                }
                previous_end = Some(fragment.end);
                let actual = doc.slice(fragment.start..fragment.end).unwrap_or_default();
                if actual != fragment.text {
                    report(
                        here(),
                        format!(
                            "{span}: stored text {} differs from the document text there, {}",
                            excerpt(&fragment.text),
                            excerpt(actual)
                        ),
                    );
                }
            }
        }
        for relation in &doc.relations {
            let here = || Location::Relation { document: doc.id.clone(), id: relation.id };
            if !item_ids.insert(relation.id) {
                report(here(), "duplicate id".into());
            }
            let relation_type = codebook.relation_type(&relation.kind);
            if relation_type.is_none() {
                report(here(), format!("unknown relation type \"{}\"", relation.kind));
            }
            if !annotator_ids.contains(relation.annotator.as_str()) {
                report(here(), format!("unknown annotator \"{}\"", relation.annotator));
            }
            for (end_name, end_id, allowed) in [
                ("source", relation.from, relation_type.map(|t| &t.from_labels)),
                ("target", relation.to, relation_type.map(|t| &t.to_labels)),
            ] {
                match annotation_labels.get(&end_id) {
                    None => report(here(), format!("{end_name} annotation {end_id} does not exist in this document")),
                    Some(label) => {
                        if let Some(allowed) = allowed
                            && !allowed.is_empty()
                            && !allowed.iter().any(|l| l == label)
                        {
                            report(
                                here(),
                                format!(
                                    "{end_name} annotation {end_id} has label \"{label}\", which this relation type does not allow"
                                ),
                            );
                        }
                    }
                }
            }
            if relation.from == relation.to {
                report(here(), "links an annotation to itself".into());
            }
        }
    }
    for memo in &project.memos {
        let here = || Location::Memo(memo.id);
        if !item_ids.insert(memo.id) {
            report(here(), "duplicate id".into());
        }
        let target_exists = match &memo.target {
            MemoTarget::Project => true,
            MemoTarget::Document(id) => document_ids.contains(id.as_str()),
            MemoTarget::Label(id) => label_ids.contains(id.as_str()),
            MemoTarget::Annotation(id) => project.documents.iter().any(|d| d.annotations.iter().any(|a| a.id == *id)),
        };
        if !target_exists {
            let target = match &memo.target {
                MemoTarget::Project => "the project".to_owned(),
                MemoTarget::Document(id) => format!("document \"{id}\""),
                MemoTarget::Label(id) => format!("label \"{id}\""),
                MemoTarget::Annotation(id) => format!("annotation {id}"),
            };
            report(here(), format!("is about {target}, which does not exist"));
        }
    }
    problems
}
