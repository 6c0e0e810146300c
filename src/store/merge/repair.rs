//! Making a merged project valid, and saying how. Each side was valid on its own; put together,
//! something one side still uses may have been deleted on the other. Nothing a coder made is
//! dropped when it can be kept:
//! - a label, relation type or annotator still used is kept (its deletion is not taken);
//! - a hotkey two labels now share stays with the label that has it in my version;
//! - a relation whose end is gone, or whose ends no longer have labels its type allows, is dropped
//!   (it cannot exist without them);
//! - a memo about a deleted annotation moves to that annotation's document (or the project), a
//!   memo about a deleted document to the project.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::changes::Kind;
use super::describe::{self, quoted};
use crate::model::{Annotator, Codebook, ItemId, MemoTarget, Project};

/// The codebooks and annotators of both sides, to restore what is still used.
#[derive(Clone, Debug)]
pub(crate) struct Spare {
    pub mine_codebook: Codebook,
    pub mine_annotators: Vec<Annotator>,
    pub theirs_codebook: Codebook,
    pub theirs_annotators: Vec<Annotator>,
}

impl Spare {
    fn deleted_in(&self, in_mine: bool, in_theirs: bool) -> &'static str {
        match (in_mine, in_theirs) {
            (true, false) => "it was deleted in their version",
            (false, true) => "it was deleted in your version",
            _ => "deleting it was chosen",
        }
    }
}

fn users(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 { format!("1 {singular}") } else { format!("{count} {plural}") }
}

/// What [`repair`] did.
#[derive(Debug, Default)]
pub(crate) struct Repaired {
    /// One sentence each.
    pub notes: Vec<String>,
    /// Entries whose deletion was not taken after all.
    pub restored: Vec<(Kind, String)>,
}

/// Makes `project` valid, and says how.
pub(crate) fn repair(project: &mut Project, spare: &Spare, homes: &HashMap<ItemId, String>) -> Repaired {
    let mut repaired = Repaired::default();
    // Relation types first: one kept may name labels that must then be kept too.
    restore_relation_types(project, spare, &mut repaired);
    restore_labels(project, spare, &mut repaired);
    restore_annotators(project, spare, &mut repaired);
    share_hotkeys(project, spare, &mut repaired.notes);
    settle_parents(project, &mut repaired.notes);
    drop_broken_relations(project, &mut repaired.notes);
    move_stray_memos(project, homes, &mut repaired.notes);
    repaired
}

fn restore_labels(project: &mut Project, spare: &Spare, repaired: &mut Repaired) {
    // Label id -> who uses it, in words.
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let known = |id: &str| project.codebook.label(id).is_some();
    let mut annotations: BTreeMap<&str, usize> = BTreeMap::new();
    for annotation in project.documents.iter().flat_map(|d| &d.annotations).filter(|a| !known(&a.label)) {
        *annotations.entry(annotation.label.as_str()).or_default() += 1;
    }
    for (label, count) in annotations {
        used.entry(label.to_owned()).or_default().push(users(count, "annotation", "annotations"));
    }
    for relation_type in &project.codebook.relation_types {
        for label in relation_type.from_labels.iter().chain(&relation_type.to_labels).filter(|l| !known(l)) {
            used.entry(label.clone()).or_default().push(format!("the relation type {}", quoted(&relation_type.name)));
        }
    }
    for attribute in &project.codebook.attributes {
        for label in attribute.labels.iter().filter(|l| !known(l)) {
            used.entry(label.clone()).or_default().push(format!("the attribute {}", quoted(&attribute.name)));
        }
    }
    for memo in &project.memos {
        if let MemoTarget::Label(label) = &memo.target
            && !known(label)
        {
            used.entry(label.clone()).or_default().push(format!("the memo {}", quoted(&memo.title)));
        }
    }
    for (id, users) in used {
        let (mine, theirs) = (spare.mine_codebook.label(&id), spare.theirs_codebook.label(&id));
        let Some(label) = mine.or(theirs) else { continue };
        let mut users = users;
        users.dedup();
        repaired.restored.push((Kind::Label, id.clone()));
        repaired.notes.push(format!(
            "The label {} was kept: {}, but it is still used by {}.",
            quoted(&label.name),
            spare.deleted_in(mine.is_some(), theirs.is_some()),
            describe_users(&users),
        ));
        project.codebook.labels.push(label.clone());
    }
}

fn describe_users(users: &[String]) -> String {
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    super::changes::and_list(&refs)
}

fn restore_relation_types(project: &mut Project, spare: &Spare, repaired: &mut Repaired) {
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for relation in project.documents.iter().flat_map(|d| &d.relations) {
        if project.codebook.relation_type(&relation.kind).is_none() {
            *used.entry(relation.kind.to_string()).or_default() += 1;
        }
    }
    for (id, count) in used {
        let (mine, theirs) = (spare.mine_codebook.relation_type(&id), spare.theirs_codebook.relation_type(&id));
        let Some(relation_type) = mine.or(theirs) else { continue };
        repaired.restored.push((Kind::RelationType, id.clone()));
        repaired.notes.push(format!(
            "The relation type {} was kept: {}, but it is still used by {}.",
            quoted(&relation_type.name),
            spare.deleted_in(mine.is_some(), theirs.is_some()),
            users(count, "relation", "relations"),
        ));
        project.codebook.relation_types.push(relation_type.clone());
    }
}

fn restore_annotators(project: &mut Project, spare: &Spare, repaired: &mut Repaired) {
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for document in &project.documents {
        let ids =
            document.annotations.iter().map(|a| &a.annotator).chain(document.relations.iter().map(|r| &r.annotator));
        for id in ids {
            if project.annotator(id).is_none() {
                *used.entry(id.to_string()).or_default() += 1;
            }
        }
    }
    for (id, count) in used {
        let find = |annotators: &[Annotator]| annotators.iter().find(|a| a.id == id).cloned();
        let (mine, theirs) = (find(&spare.mine_annotators), find(&spare.theirs_annotators));
        let in_mine = mine.is_some();
        let in_theirs = theirs.is_some();
        let Some(annotator) = mine.or(theirs) else { continue };
        repaired.restored.push((Kind::Annotator, id.clone()));
        repaired.notes.push(format!(
            "The annotator {} was kept: {}, but it is still used by {}.",
            quoted(&annotator.name),
            spare.deleted_in(in_mine, in_theirs),
            users(count, "annotation or relation", "annotations and relations"),
        ));
        project.annotators.push(annotator);
    }
}

fn share_hotkeys(project: &mut Project, spare: &Spare, notes: &mut Vec<String>) {
    let labels = &mut project.codebook.labels;
    let mut taken: HashMap<char, usize> = HashMap::new();
    // Labels that have their key in my version claim it first, then the rest in codebook order.
    let mine_first = |i: &usize| {
        let label = &labels[*i];
        spare.mine_codebook.label(&label.id).is_none_or(|mine| mine.hotkey != label.hotkey)
    };
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by_key(|i| mine_first(i));
    let mut lost = Vec::new();
    for i in order {
        let Some(key) = labels[i].hotkey else { continue };
        match taken.get(&key) {
            Some(&holder) => lost.push((i, key, holder)),
            None => {
                taken.insert(key, i);
            }
        }
    }
    for (i, key, holder) in lost {
        labels[i].hotkey = None;
        notes.push(format!(
            "The label {} lost its hotkey '{key}': the label {} has it.",
            quoted(&labels[i].name),
            quoted(&labels[holder].name)
        ));
    }
}

/// A sub-label whose parent is gone, or has become a sub-label itself, becomes a top-level label
/// (sub-labels go one level deep).
fn settle_parents(project: &mut Project, notes: &mut Vec<String>) {
    let tops: std::collections::HashSet<String> =
        project.codebook.labels.iter().filter(|l| l.parent.is_none()).map(|l| l.id.clone()).collect();
    for label in &mut project.codebook.labels {
        if let Some(parent) = &label.parent
            && (parent == &label.id || !tops.contains(parent))
        {
            notes.push(format!(
                "The label {} is no longer a sub-label: its parent \"{parent}\" is gone or is a sub-label itself.",
                quoted(&label.name)
            ));
            label.parent = None;
        }
    }
}

fn drop_broken_relations(project: &mut Project, notes: &mut Vec<String>) {
    let codebook = &project.codebook;
    for document in project.documents.iter_mut().filter(|d| !d.relations.is_empty()) {
        let labels: HashMap<ItemId, &str> = document.annotations.iter().map(|a| (a.id, a.label.as_str())).collect();
        let mut dropped = Vec::new();
        for (at, relation) in document.relations.iter().enumerate() {
            let Some(relation_type) = codebook.relation_type(&relation.kind) else {
                dropped.push((at, "its relation type was deleted".to_owned()));
                continue;
            };
            let mut problem = None;
            for (end, id, allowed) in [
                ("source", relation.from, &relation_type.from_labels),
                ("target", relation.to, &relation_type.to_labels),
            ] {
                match labels.get(&id) {
                    None => problem = problem.or(Some(format!("its {end} annotation was deleted"))),
                    Some(label) if !allowed.is_empty() && !allowed.iter().any(|l| l == label) => {
                        let name = codebook.label(label).map_or(*label, |l| l.name.as_str());
                        problem = problem.or(Some(format!(
                            "its {end} is a {name}, which {} does not allow",
                            quoted(&relation_type.name)
                        )));
                    }
                    Some(_) => {}
                }
            }
            if relation.from == relation.to {
                problem = problem.or(Some("it links an annotation to itself".to_owned()));
            }
            if let Some(problem) = problem {
                dropped.push((at, problem));
            }
        }
        if dropped.is_empty() {
            continue;
        }
        let gone: HashSet<usize> = dropped.iter().map(|(at, _)| *at).collect();
        for (at, problem) in &dropped {
            let relation = describe::relation(&document.relations[*at], Some(document), codebook);
            notes.push(format!("The relation {relation} was dropped: {problem}."));
        }
        let mut at = 0;
        document.relations.retain(|_| {
            at += 1;
            !gone.contains(&(at - 1))
        });
    }
}

fn move_stray_memos(project: &mut Project, homes: &HashMap<ItemId, String>, notes: &mut Vec<String>) {
    let annotation_ids: HashSet<ItemId> = {
        let targets: HashSet<ItemId> = project
            .memos
            .iter()
            .filter_map(|m| match m.target {
                MemoTarget::Annotation(id) => Some(id),
                _ => None,
            })
            .collect();
        project.documents.iter().flat_map(|d| &d.annotations).map(|a| a.id).filter(|id| targets.contains(id)).collect()
    };
    let document_name = |id: &str| project.document(id).map(describe::document_name);
    let mut moves = Vec::new();
    for (at, memo) in project.memos.iter().enumerate() {
        let new_target = match &memo.target {
            MemoTarget::Annotation(id) if !annotation_ids.contains(id) => {
                match homes.get(id).filter(|d| project.document(d).is_some()) {
                    Some(document) => Some(MemoTarget::Document(document.clone())),
                    None => Some(MemoTarget::Project),
                }
            }
            MemoTarget::Document(id) if project.document(id).is_none() => Some(MemoTarget::Project),
            _ => None,
        };
        if let Some(target) = new_target {
            let now = match &target {
                MemoTarget::Document(id) => format!("document {}", document_name(id).unwrap_or_else(|| id.clone())),
                _ => "the project".to_owned(),
            };
            notes.push(format!(
                "The memo {} was about {}, which was deleted; it is now about {now}.",
                quoted(&memo.title),
                describe::memo_target(&memo.target)
            ));
            moves.push((at, target));
        }
    }
    for (at, target) in moves {
        project.memos[at].target = target;
    }
}
