//! Merging two versions of a project by id: mine (open, with unsaved changes) and theirs (what is
//! on disk now, changed by another program or coder). Annotation and relation ids are random, so
//! the same id on both sides is the same item.
//!
//! With the base both started from (as fingerprints: see [`BaseItems`]) the merge is three-way: a
//! change or deletion made on one side only is taken; an item added on either side is kept.
//! Without a base it is a union. When both sides changed the same item differently, mine wins and
//! the conflict is counted.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::model::{Annotation, Document, ItemId, Project, Relation, Value, validate};

/// Fingerprints of every annotation and relation of a version of a project: enough to tell
/// whether an item was changed or deleted since, at 16 bytes per item.
#[derive(Clone, Debug, Default)]
pub struct BaseItems {
    documents: HashMap<String, BaseDocument>,
}

#[derive(Clone, Debug, Default)]
struct BaseDocument {
    sha256: String,
    annotations: HashMap<ItemId, u64>,
    relations: HashMap<ItemId, u64>,
}

fn hash_value(value: &Value, hasher: &mut DefaultHasher) {
    match value {
        Value::Text(text) => (0u8, text).hash(hasher),
        Value::Number(number) => (1u8, number.to_bits()).hash(hasher),
        Value::Bool(flag) => (2u8, flag).hash(hasher),
        Value::Choice(choice) => (3u8, choice).hash(hasher),
    }
}

fn annotation_hash(annotation: &Annotation) -> u64 {
    let mut hasher = DefaultHasher::new();
    annotation.id.hash(&mut hasher);
    annotation.label.hash(&mut hasher);
    for fragment in &annotation.fragments {
        (fragment.start, fragment.end, &fragment.text).hash(&mut hasher);
    }
    annotation.annotator.hash(&mut hasher);
    annotation.created.hash(&mut hasher);
    annotation.modified.hash(&mut hasher);
    annotation.note.hash(&mut hasher);
    for (name, value) in &annotation.attributes {
        name.hash(&mut hasher);
        hash_value(value, &mut hasher);
    }
    hasher.finish()
}

fn relation_hash(relation: &Relation) -> u64 {
    let mut hasher = DefaultHasher::new();
    (relation.id, &relation.kind, relation.from, relation.to, &relation.annotator).hash(&mut hasher);
    (relation.created, relation.modified, &relation.note).hash(&mut hasher);
    hasher.finish()
}

impl BaseItems {
    /// What changed from this base to `project`, counted by id.
    pub fn changes_to(&self, project: &Project) -> super::journal::ChangeSummary {
        let mut summary = super::journal::ChangeSummary::default();
        let count = |base: Option<&HashMap<ItemId, u64>>, now: &mut dyn Iterator<Item = (ItemId, u64)>| {
            let mut seen = 0;
            let (mut added, mut changed) = (0, 0);
            for (id, hash) in now {
                match base.and_then(|b| b.get(&id)) {
                    Some(old) => {
                        seen += 1;
                        if *old != hash {
                            changed += 1;
                        }
                    }
                    None => added += 1,
                }
            }
            (added, changed, base.map_or(0, |b| b.len() - seen))
        };
        for document in &project.documents {
            let base = self.documents.get(&document.id);
            if base.is_none() {
                summary.documents_added += 1;
            }
            let (added, changed, deleted) = count(
                base.map(|b| &b.annotations),
                &mut document.annotations.iter().map(|a| (a.id, annotation_hash(a))),
            );
            summary.annotations_added += added;
            summary.annotations_changed += changed;
            summary.annotations_deleted += deleted;
            let (added, changed, deleted) =
                count(base.map(|b| &b.relations), &mut document.relations.iter().map(|r| (r.id, relation_hash(r))));
            summary.relations_added += added;
            summary.relations_changed += changed;
            summary.relations_deleted += deleted;
        }
        for (id, base) in &self.documents {
            if project.document(id).is_none() {
                summary.documents_removed += 1;
                summary.annotations_deleted += base.annotations.len();
                summary.relations_deleted += base.relations.len();
            }
        }
        summary
    }

    pub fn of(project: &Project) -> Self {
        let documents = project
            .documents
            .iter()
            .map(|document| {
                let base = BaseDocument {
                    sha256: document.sha256.clone(),
                    annotations: document.annotations.iter().map(|a| (a.id, annotation_hash(a))).collect(),
                    relations: document.relations.iter().map(|r| (r.id, relation_hash(r))).collect(),
                };
                (document.id.clone(), base)
            })
            .collect();
        Self { documents }
    }
}

/// What a merge did, for the user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Their new annotations and relations, taken.
    pub theirs_added: usize,
    /// Their changes to items I had not changed, taken.
    pub theirs_changed: usize,
    /// Items they deleted that I had not changed, deleted.
    pub theirs_deleted: usize,
    /// My new items, kept.
    pub mine_added: usize,
    /// Items both sides changed differently (or one changed and the other deleted): mine kept.
    pub conflicts: usize,
    pub documents_added: usize,
    /// Labels, relation types and attributes their annotations use, added to my codebook.
    pub codebook_added: usize,
    /// Relations dropped because one of their ends is gone.
    pub relations_dropped: usize,
}

impl std::fmt::Display for MergeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = vec![
            format!("{} of their new items added", self.theirs_added),
            format!("{} of their changes taken", self.theirs_changed),
            format!("{} of their deletions taken", self.theirs_deleted),
            format!("{} of my new items kept", self.mine_added),
        ];
        if self.documents_added > 0 {
            parts.push(format!("{} of their documents added", self.documents_added));
        }
        if self.codebook_added > 0 {
            parts.push(format!("{} codebook entries added", self.codebook_added));
        }
        if self.relations_dropped > 0 {
            parts.push(format!("{} relations dropped (an end was deleted)", self.relations_dropped));
        }
        let conflicts = match self.conflicts {
            0 => "no conflicts".to_owned(),
            1 => "1 conflict (both sides changed the same item; mine was kept)".to_owned(),
            n => format!("{n} conflicts (both sides changed the same items; mine were kept)"),
        };
        parts.push(conflicts);
        write!(f, "{}", parts.join("; "))
    }
}

/// What to do with one id, from its fingerprint in the base and both sides.
enum Take {
    Mine,
    Theirs,
    Neither,
}

fn decide(base: Option<u64>, mine: Option<u64>, theirs: Option<u64>, report: &mut MergeReport) -> Take {
    match (base, mine, theirs) {
        (_, Some(m), Some(t)) if m == t => Take::Mine,
        (Some(b), Some(m), Some(_)) if m == b => {
            report.theirs_changed += 1;
            Take::Theirs
        }
        (Some(b), Some(_), Some(t)) if t == b => Take::Mine,
        (_, Some(_), Some(_)) => {
            report.conflicts += 1;
            Take::Mine
        }
        // They deleted it.
        (Some(b), Some(m), None) if m == b => {
            report.theirs_deleted += 1;
            Take::Neither
        }
        (Some(_), Some(_), None) => {
            report.conflicts += 1;
            Take::Mine
        }
        (None, Some(_), None) => {
            report.mine_added += 1;
            Take::Mine
        }
        // I deleted it.
        (Some(b), None, Some(t)) if t == b => Take::Neither,
        (Some(_), None, Some(_)) => {
            report.conflicts += 1;
            Take::Neither
        }
        (None, None, Some(_)) => {
            report.theirs_added += 1;
            Take::Theirs
        }
        (_, None, None) => Take::Neither,
    }
}

fn merge_document(
    base: Option<&BaseDocument>,
    mine: &Document,
    theirs: &Document,
    report: &mut MergeReport,
) -> Document {
    let mut merged = mine.clone();
    let mine_annotations: HashMap<ItemId, &Annotation> = mine.annotations.iter().map(|a| (a.id, a)).collect();
    let theirs_annotations: HashMap<ItemId, &Annotation> = theirs.annotations.iter().map(|a| (a.id, a)).collect();
    let mut ids: Vec<ItemId> = mine_annotations.keys().chain(theirs_annotations.keys()).copied().collect();
    ids.sort();
    ids.dedup();
    merged.annotations.clear();
    for id in ids {
        let (m, t) = (mine_annotations.get(&id), theirs_annotations.get(&id));
        let b = base.and_then(|b| b.annotations.get(&id).copied());
        match decide(b, m.map(|a| annotation_hash(a)), t.map(|a| annotation_hash(a)), report) {
            Take::Mine => merged.annotations.extend(m.map(|a| (*a).clone())),
            Take::Theirs => merged.annotations.extend(t.map(|a| (*a).clone())),
            Take::Neither => {}
        }
    }
    merged.annotations.sort_by_key(Annotation::sort_key);

    let mine_relations: HashMap<ItemId, &Relation> = mine.relations.iter().map(|r| (r.id, r)).collect();
    let theirs_relations: HashMap<ItemId, &Relation> = theirs.relations.iter().map(|r| (r.id, r)).collect();
    let mut ids: Vec<ItemId> = mine_relations.keys().chain(theirs_relations.keys()).copied().collect();
    ids.sort();
    ids.dedup();
    merged.relations.clear();
    let present: HashSet<ItemId> = merged.annotations.iter().map(|a| a.id).collect();
    for id in ids {
        let (m, t) = (mine_relations.get(&id), theirs_relations.get(&id));
        let b = base.and_then(|b| b.relations.get(&id).copied());
        let relation = match decide(b, m.map(|r| relation_hash(r)), t.map(|r| relation_hash(r)), report) {
            Take::Mine => m.map(|r| (*r).clone()),
            Take::Theirs => t.map(|r| (*r).clone()),
            Take::Neither => None,
        };
        if let Some(relation) = relation {
            if present.contains(&relation.from) && present.contains(&relation.to) {
                merged.relations.push(relation);
            } else {
                report.relations_dropped += 1;
            }
        }
    }
    merged.relations.sort_by_key(|r| r.id);
    // Their document-level values fill in what mine lacks.
    for (key, value) in &theirs.metadata {
        merged.metadata.entry(key.clone()).or_insert_with(|| value.clone());
    }
    for (key, value) in &theirs.variables {
        merged.variables.entry(key.clone()).or_insert_with(|| value.clone());
    }
    merged
}

/// Merges `theirs` into `mine`. Fails (changing nothing) only if the result would not be a valid
/// project, with the problems found.
pub fn merge(base: Option<&BaseItems>, mine: &Project, theirs: &Project) -> Result<(Project, MergeReport), String> {
    let mut report = MergeReport::default();
    let mut merged = mine.clone();

    // Codebook: mine, plus whatever of theirs is missing (their annotations may use it). A hotkey
    // already taken in mine is dropped from the added label.
    for label in &theirs.codebook.labels {
        if merged.codebook.label(&label.id).is_none() {
            let mut label = label.clone();
            if label.hotkey.is_some_and(|key| merged.codebook.label_for_hotkey(key).is_some()) {
                label.hotkey = None;
            }
            merged.codebook.labels.push(label);
            report.codebook_added += 1;
        }
    }
    for relation_type in &theirs.codebook.relation_types {
        if merged.codebook.relation_type(&relation_type.id).is_none() {
            merged.codebook.relation_types.push(relation_type.clone());
            report.codebook_added += 1;
        }
    }
    for attribute in &theirs.codebook.attributes {
        if !merged.codebook.attributes.iter().any(|a| a.id == attribute.id) {
            merged.codebook.attributes.push(attribute.clone());
            report.codebook_added += 1;
        }
    }
    for field in &theirs.codebook.document_fields {
        if !merged.codebook.document_fields.iter().any(|f| f.id == field.id) {
            merged.codebook.document_fields.push(field.clone());
            report.codebook_added += 1;
        }
    }
    for annotator in &theirs.annotators {
        if merged.annotator(&annotator.id).is_none() {
            merged.annotators.push(annotator.clone());
        }
    }
    for memo in &theirs.memos {
        if !merged.memos.iter().any(|m| m.id == memo.id) {
            merged.memos.push(memo.clone());
        }
    }

    // Documents, by id, in my order; theirs that are new go at the end.
    let base_documents = base.map(|b| &b.documents);
    let mut documents = Vec::new();
    for mine_document in &mine.documents {
        let base_document = base_documents.and_then(|d| d.get(&mine_document.id));
        match theirs.document(&mine_document.id) {
            Some(theirs_document) if theirs_document.sha256 == mine_document.sha256 => {
                let base_document = base_document.filter(|b| b.sha256 == mine_document.sha256);
                documents.push(merge_document(base_document, mine_document, theirs_document, &mut report));
            }
            Some(_) => {
                // Same id, different text: not the same document. Mine stays.
                report.conflicts += 1;
                documents.push(mine_document.clone());
            }
            None => {
                let untouched = base_document.is_some_and(|b| {
                    b.annotations.len() == mine_document.annotations.len()
                        && mine_document
                            .annotations
                            .iter()
                            .all(|a| b.annotations.get(&a.id) == Some(&annotation_hash(a)))
                        && b.relations.len() == mine_document.relations.len()
                        && mine_document.relations.iter().all(|r| b.relations.get(&r.id) == Some(&relation_hash(r)))
                });
                match (base_document, untouched) {
                    // They removed it and I did not touch it.
                    (Some(_), true) => report.theirs_deleted += 1,
                    (Some(_), false) => {
                        report.conflicts += 1;
                        documents.push(mine_document.clone());
                    }
                    (None, _) => documents.push(mine_document.clone()),
                }
            }
        }
    }
    for theirs_document in &theirs.documents {
        if mine.document(&theirs_document.id).is_some() {
            continue;
        }
        // Removed by me (it was in the base): it stays removed. New on their side: added.
        if base_documents.is_some_and(|d| d.contains_key(&theirs_document.id)) {
            continue;
        }
        let mut document = theirs_document.clone();
        if documents.iter().any(|d: &Document| d.sha256 == document.sha256) {
            // The same text added on both sides: keep mine only.
            report.conflicts += 1;
            continue;
        }
        document.build_index();
        documents.push(document);
        report.documents_added += 1;
    }
    merged.documents = documents;
    merged.build_indexes();

    let problems = validate(&merged);
    if !problems.is_empty() {
        let shown: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
        return Err(format!(
            "the merged project would not be valid ({} problems): {}",
            problems.len(),
            shown.join("; ")
        ));
    }
    Ok((merged, report))
}
