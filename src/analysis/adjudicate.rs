//! Adjudication: a gold layer (annotator [`GOLD_ANNOTATOR`] by default) built from two coders'
//! layers and a choice per disagreement, as one undoable [`Edit::Batch`].
//!
//! Gold annotations are copies (new ids, the gold annotator) of the chosen ones; relations are
//! copied when both their ends are in the gold layer (added now or in an earlier sitting). An
//! annotation the gold layer already has (same label and fragments) is not added twice, so
//! adjudicating in several sittings, or one decision at a time, works.

use std::collections::{BTreeMap, HashMap};

use crate::edit::Edit;
use crate::model::{Annotation, Annotator, IdGenerator, ItemId, Name, Project, Relation, Timestamp, Value};

use super::GOLD_ANNOTATOR;
use super::compare::{Comparison, DisagreementKind};

/// An annotation's label and fragment ranges: what makes two gold annotations the same.
type GoldKey = (Name, Vec<(usize, usize)>);

/// A corrected version of a disagreement: what the gold layer gets instead of either side.
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    pub label: String,
    /// Half-open code point ranges, in order.
    pub ranges: Vec<(usize, usize)>,
    pub attributes: BTreeMap<String, Value>,
}

/// What to do with one disagreement.
#[derive(Clone, Debug, PartialEq)]
pub enum Choice {
    /// Take A's version (annotation or relation).
    AcceptA,
    AcceptB,
    /// Take both versions.
    Both,
    /// Take neither.
    Neither,
    /// Take this instead (annotations only).
    Corrected(Correction),
}

/// How to build the gold layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Adjudication {
    /// `(index into comparison.disagreements, choice)`; disagreements not named are left out.
    pub choices: Vec<(usize, Choice)>,
    /// Copy every agreement (and the relations both coders made between them) into gold.
    pub accept_agreements: bool,
    /// The gold layer's annotator id.
    pub gold: String,
    /// Creation time of the new annotations.
    pub time: Timestamp,
}

impl Adjudication {
    pub fn new(time: Timestamp) -> Self {
        Self { choices: Vec::new(), accept_agreements: true, gold: GOLD_ANNOTATOR.to_owned(), time }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdjudicationError {
    #[error("no document \"{0}\"")]
    NoDocument(String),
    #[error("there is no disagreement number {index} (the comparison lists {count})")]
    NoDisagreement { index: usize, count: usize },
    #[error("disagreement {index} is about a relation; a relation can be accepted from either side, not corrected")]
    CorrectedRelation { index: usize },
    #[error("disagreement {index}: {side} has no annotation here to accept")]
    NothingToAccept { index: usize, side: char },
    #[error("disagreement {index}: the correction's label \"{label}\" is not in the codebook")]
    UnknownLabel { index: usize, label: String },
    #[error("disagreement {index}: span {start}..{end} {reason}")]
    BadSpan { index: usize, start: usize, end: usize, reason: String },
    #[error("disagreement {index}: the relation's ends are not both in the gold layer; accept its annotations first")]
    RelationEnds { index: usize },
}

/// The edits that add the adjudicated gold layer of `comparison`'s document to `project`.
pub fn adjudicate(project: &Project, comparison: &Comparison, plan: &Adjudication) -> Result<Edit, AdjudicationError> {
    let document = project
        .document(&comparison.document)
        .ok_or_else(|| AdjudicationError::NoDocument(comparison.document.clone()))?;
    let mut edits = Vec::new();
    if project.annotator(&plan.gold).is_none() {
        edits.push(Edit::AddAnnotator(Annotator { id: plan.gold.clone(), name: "Gold standard".into() }));
    }
    let mut ids = IdGenerator::seeded(plan.time.timestamp_millis() as u64 ^ 0x601d);
    let mut taken = std::collections::HashSet::new();
    let mut fresh = |project: &Project| loop {
        let id = ids.next_id();
        if !project.id_in_use(id) && taken.insert(id) {
            return id;
        }
    };
    // Gold annotations already there, by (label, ranges).
    let key = |a: &Annotation| (a.label.clone(), a.fragments.iter().map(|f| (f.start, f.end)).collect::<Vec<_>>());
    let mut gold_by_key: HashMap<GoldKey, ItemId> =
        document.annotations.iter().filter(|a| a.annotator == plan.gold).map(|a| (key(a), a.id)).collect();
    // Source annotation id -> gold id; an annotation of A or B already in the gold layer (an
    // earlier sitting, one decision at a time in the window) is there for its relations.
    let mut gold_of: HashMap<ItemId, ItemId> = document
        .annotations
        .iter()
        .filter(|a| a.annotator == comparison.a || a.annotator == comparison.b)
        .filter_map(|a| gold_by_key.get(&key(a)).map(|&gold| (a.id, gold)))
        .collect();

    let mut add_copy = |source: &Annotation,
                        edits: &mut Vec<Edit>,
                        gold_of: &mut HashMap<ItemId, ItemId>,
                        gold_by_key: &mut HashMap<GoldKey, ItemId>| {
        let k = key(source);
        let id = match gold_by_key.get(&k) {
            Some(&id) => id,
            None => {
                let id = fresh(project);
                let annotation = Annotation {
                    id,
                    annotator: Name::new(&plan.gold),
                    created: plan.time,
                    modified: plan.time,
                    ..source.clone()
                };
                edits.push(Edit::AddAnnotation { document: document.id.clone(), annotation });
                gold_by_key.insert(k, id);
                id
            }
        };
        gold_of.insert(source.id, id);
    };

    if plan.accept_agreements {
        for &(a, _) in &comparison.agreements {
            if let Some(source) = document.annotation(a) {
                add_copy(source, &mut edits, &mut gold_of, &mut gold_by_key);
            }
        }
    }
    let count = comparison.disagreements.len();
    let mut relation_choices = Vec::new();
    for (index, choice) in &plan.choices {
        let index = *index;
        let disagreement =
            comparison.disagreements.get(index).ok_or(AdjudicationError::NoDisagreement { index, count })?;
        if disagreement.kind == DisagreementKind::OtherRelation {
            if matches!(choice, Choice::Corrected(_)) {
                return Err(AdjudicationError::CorrectedRelation { index });
            }
            relation_choices.push((index, choice));
            continue;
        }
        let side = |id: Option<ItemId>, name: char| {
            id.and_then(|id| document.annotation(id)).ok_or(AdjudicationError::NothingToAccept { index, side: name })
        };
        match choice {
            Choice::AcceptA => add_copy(side(disagreement.a, 'A')?, &mut edits, &mut gold_of, &mut gold_by_key),
            Choice::AcceptB => add_copy(side(disagreement.b, 'B')?, &mut edits, &mut gold_of, &mut gold_by_key),
            Choice::Both => {
                for (id, name) in [(disagreement.a, 'A'), (disagreement.b, 'B')] {
                    if id.is_some() {
                        add_copy(side(id, name)?, &mut edits, &mut gold_of, &mut gold_by_key);
                    }
                }
            }
            Choice::Neither => {}
            Choice::Corrected(correction) => {
                if project.codebook.label(&correction.label).is_none() {
                    return Err(AdjudicationError::UnknownLabel { index, label: correction.label.clone() });
                }
                let mut fragments = Vec::new();
                let mut previous_end = 0;
                for &(start, end) in &correction.ranges {
                    let bad = |reason: &str| AdjudicationError::BadSpan { index, start, end, reason: reason.into() };
                    if end <= start {
                        return Err(bad("is empty or ends before it starts"));
                    }
                    if start < previous_end {
                        return Err(bad("overlaps or precedes the previous fragment"));
                    }
                    fragments.push(document.fragment(start..end).ok_or_else(|| bad("goes past the end of the text"))?);
                    previous_end = end;
                }
                if fragments.is_empty() {
                    return Err(AdjudicationError::BadSpan {
                        index,
                        start: 0,
                        end: 0,
                        reason: "has no fragments".into(),
                    });
                }
                let source = disagreement.a.or(disagreement.b).and_then(|id| document.annotation(id));
                // The corrected annotation goes in under a fresh id (`add_copy`); it carries the
                // id of the side it corrects so that that side's relations follow it.
                let corrected = Annotation {
                    id: source.map_or(ItemId(0), |s| s.id),
                    label: Name::new(&correction.label),
                    fragments,
                    annotator: Name::new(&plan.gold),
                    created: plan.time,
                    modified: plan.time,
                    note: String::new(),
                    attributes: correction.attributes.clone(),
                };
                add_copy(&corrected, &mut edits, &mut gold_of, &mut gold_by_key);
                // The other side's relations follow it too.
                if let (Some(b), Some(&gold)) = (disagreement.b, gold_of.get(&corrected.id)) {
                    gold_of.entry(b).or_insert(gold);
                }
            }
        }
    }
    // Relations: agreed ones, then the chosen ones.
    let mut add_relation = |relation: &Relation, edits: &mut Vec<Edit>| -> bool {
        let (Some(&from), Some(&to)) = (gold_of.get(&relation.from), gold_of.get(&relation.to)) else {
            return false;
        };
        let exists = document
            .relations
            .iter()
            .any(|r| r.annotator == plan.gold && r.kind == relation.kind && r.from == from && r.to == to)
            || edits.iter().any(|e| {
                matches!(e, Edit::AddRelation { relation: r, .. } if r.kind == relation.kind && r.from == from && r.to == to)
            });
        if !exists {
            let relation = Relation {
                id: fresh(project),
                from,
                to,
                annotator: Name::new(&plan.gold),
                created: plan.time,
                modified: plan.time,
                ..relation.clone()
            };
            edits.push(Edit::AddRelation { document: document.id.clone(), relation });
        }
        true
    };
    if plan.accept_agreements {
        let b_of_a: HashMap<ItemId, ItemId> = comparison.pairs.iter().copied().collect();
        for relation in document.relations.iter().filter(|r| r.annotator == comparison.a) {
            let agreed = match (b_of_a.get(&relation.from), b_of_a.get(&relation.to)) {
                (Some(&from), Some(&to)) => document
                    .relations
                    .iter()
                    .any(|r| r.annotator == comparison.b && r.kind == relation.kind && r.from == from && r.to == to),
                _ => false,
            };
            if agreed {
                add_relation(relation, &mut edits);
            }
        }
    }
    for (index, choice) in relation_choices {
        let disagreement = &comparison.disagreements[index];
        let pick: Vec<Option<ItemId>> = match choice {
            Choice::AcceptA => vec![disagreement.a_relation],
            Choice::AcceptB => vec![disagreement.b_relation],
            Choice::Both => vec![disagreement.a_relation, disagreement.b_relation],
            Choice::Neither | Choice::Corrected(_) => Vec::new(),
        };
        for relation in pick.into_iter().flatten().filter_map(|id| document.relation(id)) {
            if !add_relation(relation, &mut edits) {
                return Err(AdjudicationError::RelationEnds { index });
            }
        }
    }
    Ok(Edit::Batch(edits))
}
