//! Every disagreement between two coders' layers on a document, classified, in text order: the
//! list a compare view shows and steps through.
//!
//! Pairing, in this order (each annotation is in at most one pair):
//! 1. same label and same fragments: an agreement, or **other attribute** if attributes differ;
//! 2. same fragments, another label: **other label**;
//! 3. same label, overlapping: **other boundaries** (longest overlap first);
//! 4. another label, overlapping: **other label** (boundaries differ too; see `boundaries_differ`).
//!
//! What is left of A is **missing** (B lacks it), what is left of B is **extra**. Relations are
//! compared through the pairs: a relation of A whose type and ends B does not have (at the paired
//! annotations) is an **other relation**, and so is one of B that A does not have.

use std::collections::{HashMap, HashSet};

use crate::model::{Annotation, Document, ItemId, Project};

use super::layers::SelectionError;
use super::span_f1::{LabeledSpan, overlapping_pairs};

/// The kind of a disagreement, as a compare view names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DisagreementKind {
    /// A has it, B does not.
    Missing,
    /// B has it, A does not.
    Extra,
    OtherLabel,
    OtherBoundaries,
    OtherAttribute,
    OtherRelation,
}

impl DisagreementKind {
    pub fn name(self) -> &'static str {
        match self {
            DisagreementKind::Missing => "missing",
            DisagreementKind::Extra => "extra",
            DisagreementKind::OtherLabel => "other label",
            DisagreementKind::OtherBoundaries => "other boundaries",
            DisagreementKind::OtherAttribute => "other attribute",
            DisagreementKind::OtherRelation => "other relation",
        }
    }
}

/// One disagreement: the annotations (or relations) on each side and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    pub kind: DisagreementKind,
    /// A's annotation (for relations: A's relation's source annotation, if any).
    pub a: Option<ItemId>,
    pub b: Option<ItemId>,
    /// The relations, for `OtherRelation`.
    pub a_relation: Option<ItemId>,
    pub b_relation: Option<ItemId>,
    /// Code point range to show (the union of both sides).
    pub start: usize,
    pub end: usize,
    /// For `OtherLabel`: whether the boundaries differ as well.
    pub boundaries_differ: bool,
    /// What differs, in words ("Claim vs Quote", "stance: for vs against").
    pub detail: String,
}

/// Two layers of one document, compared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    pub document: String,
    pub a: String,
    pub b: String,
    /// Annotations both coders made identically (label, fragments, attributes): `(a, b)`.
    pub agreements: Vec<(ItemId, ItemId)>,
    /// Every pair of annotations the comparison made (agreements and disagreements): `(a, b)`.
    pub pairs: Vec<(ItemId, ItemId)>,
    /// In text order.
    pub disagreements: Vec<Disagreement>,
}

impl Comparison {
    /// Counts per kind, for a summary line.
    pub fn counts(&self) -> Vec<(DisagreementKind, usize)> {
        let mut counts: Vec<(DisagreementKind, usize)> = Vec::new();
        for d in &self.disagreements {
            match counts.iter_mut().find(|(k, _)| *k == d.kind) {
                Some((_, n)) => *n += 1,
                None => counts.push((d.kind, 1)),
            }
        }
        counts.sort();
        counts
    }

    /// The next disagreement after code point `offset` (wrapping), for keyboard navigation.
    pub fn next_after(&self, offset: usize) -> Option<usize> {
        self.disagreements.iter().position(|d| d.start > offset).or((!self.disagreements.is_empty()).then_some(0))
    }

    /// The previous disagreement before `offset` (wrapping).
    pub fn previous_before(&self, offset: usize) -> Option<usize> {
        self.disagreements.iter().rposition(|d| d.start < offset).or(self.disagreements.len().checked_sub(1))
    }
}

fn span(annotation: &Annotation) -> LabeledSpan {
    LabeledSpan { document: 0, label: 0, ranges: annotation.fragments.iter().map(|f| (f.start, f.end)).collect() }
}

fn label_name<'p>(project: &'p Project, label: &'p str) -> &'p str {
    project.codebook.label(label).map_or(label, |l| l.name.as_str())
}

fn attribute_difference(a: &Annotation, b: &Annotation) -> Option<String> {
    let names: std::collections::BTreeSet<&String> = a.attributes.keys().chain(b.attributes.keys()).collect();
    let differences: Vec<String> = names
        .into_iter()
        .filter(|name| a.attributes.get(*name) != b.attributes.get(*name))
        .map(|name| {
            let show = |v: Option<&crate::model::Value>| match v {
                None => "(none)".to_owned(),
                Some(crate::model::Value::Bool(b)) => b.to_string(),
                Some(other) => other.display(),
            };
            format!("{name}: {} vs {}", show(a.attributes.get(name)), show(b.attributes.get(name)))
        })
        .collect();
    (!differences.is_empty()).then(|| differences.join("; "))
}

/// Compares coder `a`'s and coder `b`'s annotations on `document_id`.
pub fn compare(project: &Project, document_id: &str, a: &str, b: &str) -> Result<Comparison, SelectionError> {
    let document = project.document(document_id).ok_or_else(|| SelectionError::UnknownDocument {
        id: document_id.to_owned(),
        known: project.documents.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", "),
    })?;
    for annotator in [a, b] {
        if project.annotator(annotator).is_none() {
            return Err(SelectionError::UnknownAnnotator {
                id: annotator.to_owned(),
                known: project.annotators.iter().map(|x| x.id.as_str()).collect::<Vec<_>>().join(", "),
            });
        }
    }
    Ok(compare_document(project, document, a, b))
}

/// [`compare`] on a document already at hand.
pub fn compare_document(project: &Project, document: &Document, a: &str, b: &str) -> Comparison {
    let left: Vec<&Annotation> = document.annotations.iter().filter(|x| x.annotator == a).map(|x| &**x).collect();
    let right: Vec<&Annotation> = document.annotations.iter().filter(|x| x.annotator == b).map(|x| &**x).collect();
    let mut comparison =
        Comparison { document: document.id.clone(), a: a.to_owned(), b: b.to_owned(), ..Comparison::default() };
    let mut left_used = vec![false; left.len()];
    let mut right_used = vec![false; right.len()];
    let push = |comparison: &mut Comparison, kind, x: &Annotation, y: &Annotation, differ: bool, detail: String| {
        comparison.disagreements.push(Disagreement {
            kind,
            a: Some(x.id),
            b: Some(y.id),
            a_relation: None,
            b_relation: None,
            start: x.start().min(y.start()),
            end: x.end().max(y.end()),
            boundaries_differ: differ,
            detail,
        });
    };
    // 1 and 2: the same fragments.
    for same_label in [true, false] {
        let mut by_fragments: HashMap<Vec<(usize, usize)>, Vec<usize>> = HashMap::new();
        for (j, y) in right.iter().enumerate().rev() {
            if !right_used[j] {
                by_fragments.entry(span(y).ranges).or_default().push(j);
            }
        }
        for (i, x) in left.iter().enumerate() {
            if left_used[i] {
                continue;
            }
            let Some(candidates) = by_fragments.get_mut(&span(x).ranges) else { continue };
            let Some(position) =
                candidates.iter().rposition(|&j| !right_used[j] && (right[j].label == x.label) == same_label)
            else {
                continue;
            };
            let j = candidates.remove(position);
            let y = right[j];
            left_used[i] = true;
            right_used[j] = true;
            comparison.pairs.push((x.id, y.id));
            if same_label {
                match attribute_difference(x, y) {
                    None => comparison.agreements.push((x.id, y.id)),
                    Some(detail) => push(&mut comparison, DisagreementKind::OtherAttribute, x, y, false, detail),
                }
            } else {
                let detail = format!("{} vs {}", label_name(project, &x.label), label_name(project, &y.label));
                push(&mut comparison, DisagreementKind::OtherLabel, x, y, false, detail);
            }
        }
    }
    // 3 and 4: overlapping, greedy by overlap length.
    for same_label in [true, false] {
        let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
        let free_left: Vec<usize> = (0..left.len()).filter(|&i| !left_used[i]).collect();
        let free_right: Vec<usize> = (0..right.len()).filter(|&j| !right_used[j]).collect();
        let extent = |a: &Annotation| (a.start(), a.end());
        for (i, j) in overlapping_pairs(&free_left, &free_right, |i| extent(left[i]), |j| extent(right[j])) {
            let (x, y) = (left[i], right[j]);
            if (x.label == y.label) != same_label {
                continue;
            }
            let shared = span(x).overlap(&span(y));
            if shared > 0 {
                candidates.push((shared, i, j));
            }
        }
        candidates.sort_unstable_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
        for (_, i, j) in candidates {
            if left_used[i] || right_used[j] {
                continue;
            }
            left_used[i] = true;
            right_used[j] = true;
            let (x, y) = (left[i], right[j]);
            comparison.pairs.push((x.id, y.id));
            let ranges = |a: &Annotation| {
                a.fragments.iter().map(|f| format!("{}..{}", f.start, f.end)).collect::<Vec<_>>().join(", ")
            };
            if same_label {
                let detail = format!("{} vs {}", ranges(x), ranges(y));
                push(&mut comparison, DisagreementKind::OtherBoundaries, x, y, true, detail);
            } else {
                let detail = format!(
                    "{} vs {} (and {} vs {})",
                    label_name(project, &x.label),
                    label_name(project, &y.label),
                    ranges(x),
                    ranges(y)
                );
                push(&mut comparison, DisagreementKind::OtherLabel, x, y, true, detail);
            }
        }
    }
    for (used, side, kind) in
        [(&left_used, &left, DisagreementKind::Missing), (&right_used, &right, DisagreementKind::Extra)]
    {
        for (x, _) in side.iter().zip(used.iter()).filter(|(_, used)| !**used) {
            comparison.disagreements.push(Disagreement {
                kind,
                a: (kind == DisagreementKind::Missing).then_some(x.id),
                b: (kind == DisagreementKind::Extra).then_some(x.id),
                a_relation: None,
                b_relation: None,
                start: x.start(),
                end: x.end(),
                boundaries_differ: false,
                detail: format!("{} \"{}\"", label_name(project, &x.label), x.text()),
            });
        }
    }
    // Relations, through the pairs.
    let b_of_a: HashMap<ItemId, ItemId> = comparison.pairs.iter().copied().collect();
    let a_of_b: HashMap<ItemId, ItemId> = comparison.pairs.iter().map(|&(x, y)| (y, x)).collect();
    let a_relations: Vec<_> = document.relations.iter().filter(|r| r.annotator == a).collect();
    let b_relations: Vec<_> = document.relations.iter().filter(|r| r.annotator == b).collect();
    let b_keys: HashSet<(&str, ItemId, ItemId)> = b_relations.iter().map(|r| (r.kind.as_str(), r.from, r.to)).collect();
    let a_keys: HashSet<(&str, ItemId, ItemId)> = a_relations.iter().map(|r| (r.kind.as_str(), r.from, r.to)).collect();
    let extent = |id: ItemId| document.annotation(id).map(|x| (x.start(), x.end()));
    let type_name = |kind: &str| project.codebook.relation_type(kind).map_or(kind.to_owned(), |t| t.name.clone());
    for relation in &a_relations {
        let mapped = match (b_of_a.get(&relation.from), b_of_a.get(&relation.to)) {
            (Some(&from), Some(&to)) => Some((relation.kind.as_str(), from, to)),
            _ => None,
        };
        if mapped.is_some_and(|key| b_keys.contains(&key)) {
            continue;
        }
        let (start, end) = extent(relation.from).unwrap_or((0, 0));
        comparison.disagreements.push(Disagreement {
            kind: DisagreementKind::OtherRelation,
            a: Some(relation.from),
            b: b_of_a.get(&relation.from).copied(),
            a_relation: Some(relation.id),
            b_relation: None,
            start,
            end,
            boundaries_differ: false,
            detail: format!("{} only in {a}", type_name(&relation.kind)),
        });
    }
    for relation in &b_relations {
        let mapped = match (a_of_b.get(&relation.from), a_of_b.get(&relation.to)) {
            (Some(&from), Some(&to)) => Some((relation.kind.as_str(), from, to)),
            _ => None,
        };
        if mapped.is_some_and(|key| a_keys.contains(&key)) {
            continue;
        }
        let (start, end) = extent(relation.from).unwrap_or((0, 0));
        comparison.disagreements.push(Disagreement {
            kind: DisagreementKind::OtherRelation,
            a: a_of_b.get(&relation.from).copied(),
            b: Some(relation.from),
            a_relation: None,
            b_relation: Some(relation.id),
            start,
            end,
            boundaries_differ: false,
            detail: format!("{} only in {b}", type_name(&relation.kind)),
        });
    }
    comparison.disagreements.sort_by_key(|d| (d.start, d.end, d.kind));
    comparison
}
