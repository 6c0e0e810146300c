//! Grading a student's project file against an instructor's key.
//!
//! - The key's layer is its `gold` annotations if it has any, else all its annotations; the
//!   student's layer is every annotation in their file except a `gold` layer.
//! - Documents are matched by the SHA-256 of their text; a key document the student's file lacks
//!   counts as not done (every key span missed).
//! - Spans: precision, recall and F1 per label, exact and overlap (see [`super::span_f1`]), with
//!   the key as reference.
//! - Relations: a key relation is right when the student linked, with the same type, the two
//!   annotations paired (by overlap) with its two ends. Accuracy = right / key relations.
//! - Completion: the share of the key's documents in which the student made any annotation.

use std::collections::{HashMap, HashSet};

use crate::model::{Annotation, Document, ItemId, Project};

use super::span_f1::{LabeledSpan, Matching, SpanAgreement, match_spans};
use super::{Coefficient, GOLD_ANNOTATOR, Undefined};

/// One key document and what the student did in it.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentGrade {
    /// The key's document id.
    pub document: String,
    /// The student's document id, if their file has this text.
    pub student_document: Option<String>,
    /// The key's annotations graded, in document order.
    pub key: Vec<ItemId>,
    /// The student's annotations, in document order.
    pub student: Vec<ItemId>,
    /// Indexes into `key` and `student`.
    pub matching: Matching,
    pub relations_in_key: usize,
    pub relations_right: usize,
}

/// Relation accuracy.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationGrade {
    pub in_key: usize,
    pub right: usize,
    /// Relations the student made in graded documents.
    pub by_student: usize,
    pub accuracy: Coefficient,
}

/// One student's grade.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    /// The names of the coders in the student's file.
    pub student: String,
    /// Label ids in the key's codebook order.
    pub labels: Vec<String>,
    pub spans: SpanAgreement,
    pub relations: RelationGrade,
    pub documents_in_key: usize,
    pub documents_found: usize,
    pub documents_annotated: usize,
    pub completion: Coefficient,
    /// Student annotations whose label the key's codebook lacks (they match nothing and are not
    /// counted per label).
    pub unknown_labels: usize,
    /// Names of key documents whose text is not in the student's file.
    pub missing_documents: Vec<String>,
    pub documents: Vec<DocumentGrade>,
}

/// The annotations of the key's layer in a document.
pub fn key_layer(key: &Project) -> impl Fn(&Annotation) -> bool + '_ {
    let has_gold = key.documents.iter().any(|d| d.annotations.iter().any(|a| a.annotator == GOLD_ANNOTATOR));
    move |a: &Annotation| !has_gold || a.annotator == GOLD_ANNOTATOR
}

fn spans_of(
    document: &Document,
    keep: &dyn Fn(&Annotation) -> bool,
    labels: &HashMap<&str, usize>,
) -> (Vec<LabeledSpan>, Vec<ItemId>) {
    let mut spans = Vec::new();
    let mut ids = Vec::new();
    for annotation in document.annotations.iter().filter(|a| keep(a)) {
        // A label the key's codebook lacks cannot match anything: it is graded as an extra
        // under a label index past the codebook (not counted per label).
        let label = labels.get(annotation.label.as_str()).copied().unwrap_or(usize::MAX);
        spans.push(LabeledSpan {
            document: 0,
            label,
            ranges: annotation.fragments.iter().map(|f| (f.start, f.end)).collect(),
        });
        ids.push(annotation.id);
    }
    (spans, ids)
}

/// Grades `student` against `key`.
pub fn grade(key: &Project, student: &Project) -> Grade {
    let labels: HashMap<&str, usize> =
        key.codebook.labels.iter().enumerate().map(|(i, l)| (l.id.as_str(), i)).collect();
    let label_count = key.codebook.labels.len();
    let in_key = key_layer(key);
    let by_student = |a: &Annotation| a.annotator != GOLD_ANNOTATOR;
    let student_docs: HashMap<&str, &Document> =
        student.documents.iter().rev().map(|d| (d.sha256.as_str(), d)).collect();
    let mut spans = SpanAgreement { per_label: vec![Default::default(); label_count] };
    let mut relations = RelationGrade { in_key: 0, right: 0, by_student: 0, accuracy: Ok(0.0) };
    let mut documents = Vec::new();
    let (mut found, mut annotated, mut unknown_labels) = (0, 0, 0);
    let mut missing_documents = Vec::new();
    for key_document in &key.documents {
        let (key_spans, key_ids) = spans_of(key_document, &in_key, &labels);
        let student_document = student_docs.get(key_document.sha256.as_str()).copied();
        let (student_spans, student_ids) = match student_document {
            Some(d) => spans_of(d, &by_student, &labels),
            None => (Vec::new(), Vec::new()),
        };
        match student_document {
            Some(_) => found += 1,
            None => missing_documents.push(key_document.name.clone()),
        }
        if !student_ids.is_empty() {
            annotated += 1;
        }
        // Spans of labels outside the key's codebook are compared (they match nothing) but only
        // counted in the totals through `other`.
        let known = |s: &LabeledSpan| s.label < label_count;
        let known_key: Vec<LabeledSpan> = key_spans.iter().filter(|s| known(s)).cloned().collect();
        let known_student: Vec<LabeledSpan> = student_spans.iter().filter(|s| known(s)).cloned().collect();
        unknown_labels += student_spans.len() - known_student.len();
        spans.add(&SpanAgreement::compare(&known_key, &known_student, label_count));
        let matching = match_spans(&key_spans, &student_spans);
        // Relations through the overlap pairs.
        let student_of_key: HashMap<ItemId, ItemId> =
            matching.overlap.iter().map(|&(i, j, _)| (key_ids[i], student_ids[j])).collect();
        let key_ids_set: HashSet<ItemId> = key_ids.iter().copied().collect();
        let student_relations: HashSet<(&str, ItemId, ItemId)> = student_document
            .map(|d| {
                d.relations.iter().filter(|r| by_student_relation(r)).map(|r| (r.kind.as_str(), r.from, r.to)).collect()
            })
            .unwrap_or_default();
        let (mut in_key_here, mut right_here) = (0, 0);
        for relation in
            key_document.relations.iter().filter(|r| key_ids_set.contains(&r.from) && key_ids_set.contains(&r.to))
        {
            in_key_here += 1;
            if let (Some(&from), Some(&to)) = (student_of_key.get(&relation.from), student_of_key.get(&relation.to))
                && student_relations.contains(&(relation.kind.as_str(), from, to))
            {
                right_here += 1;
            }
        }
        relations.in_key += in_key_here;
        relations.right += right_here;
        relations.by_student += student_relations.len();
        documents.push(DocumentGrade {
            document: key_document.id.clone(),
            student_document: student_document.map(|d| d.id.clone()),
            key: key_ids,
            student: student_ids,
            matching,
            relations_in_key: in_key_here,
            relations_right: right_here,
        });
    }
    relations.accuracy = if relations.in_key == 0 {
        Err(Undefined::new("the key has no relations"))
    } else {
        Ok(relations.right as f64 / relations.in_key as f64)
    };
    let documents_in_key = key.documents.len();
    let completion = if documents_in_key == 0 {
        Err(Undefined::new("the key has no documents"))
    } else {
        Ok(annotated as f64 / documents_in_key as f64)
    };
    let mut names: Vec<&str> = student
        .annotators
        .iter()
        .filter(|a| {
            a.id != GOLD_ANNOTATOR
                && student.documents.iter().any(|d| d.annotations.iter().any(|x| x.annotator == a.id))
        })
        .map(|a| a.name.as_str())
        .collect();
    if names.is_empty() {
        names = student.annotators.iter().map(|a| a.name.as_str()).collect();
    }
    Grade {
        student: names.join(", "),
        labels: key.codebook.labels.iter().map(|l| l.id.clone()).collect(),
        spans,
        relations,
        documents_in_key,
        documents_found: found,
        documents_annotated: annotated,
        completion,
        unknown_labels,
        missing_documents,
        documents,
    }
}

fn by_student_relation(relation: &crate::model::Relation) -> bool {
    relation.annotator != GOLD_ANNOTATOR
}
