//! Coders' layers of a project: which annotators and documents an analysis covers, and their
//! annotations as units (alpha_U) or spans (F1).
//!
//! - A coder's layer is every annotation whose `annotator` is that coder.
//! - alpha_U: each *fragment* of an annotation is a unit (a discontinuous annotation gives one unit
//!   per fragment); a coder's overlapping units of one label are merged by the study.
//! - F1: each *annotation* is a span (all its fragments together).

use crate::model::{Annotation, Document, Project};

use super::GOLD_ANNOTATOR;
use super::span_f1::LabeledSpan;
use super::unitizing::Unit;

/// A request the project cannot answer: an unknown annotator or document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("no annotator \"{id}\" in the project (its annotators: {known})")]
    UnknownAnnotator { id: String, known: String },
    #[error("no document \"{id}\" in the project (its documents: {known})")]
    UnknownDocument { id: String, known: String },
    #[error("annotator \"{0}\" is named twice")]
    DuplicateAnnotator(String),
}

/// The coders and documents an analysis covers, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Annotator ids; the first is the reference for F1.
    pub annotators: Vec<String>,
    /// Document ids, in project order.
    pub documents: Vec<String>,
}

fn list(ids: impl Iterator<Item = String>) -> String {
    let ids: Vec<String> = ids.collect();
    if ids.is_empty() { "none".to_owned() } else { ids.join(", ") }
}

impl Selection {
    /// The named annotators and documents, checked; `None` means the default: every annotator with
    /// at least one annotation except the `gold` layer, in the project's order; every document.
    pub fn resolve(
        project: &Project,
        annotators: Option<&[String]>,
        documents: Option<&[String]>,
    ) -> Result<Self, SelectionError> {
        let annotators = match annotators {
            Some(ids) => {
                for (i, id) in ids.iter().enumerate() {
                    if project.annotator(id).is_none() {
                        return Err(SelectionError::UnknownAnnotator {
                            id: id.clone(),
                            known: list(project.annotators.iter().map(|a| a.id.clone())),
                        });
                    }
                    if ids[..i].contains(id) {
                        return Err(SelectionError::DuplicateAnnotator(id.clone()));
                    }
                }
                ids.to_vec()
            }
            None => {
                let used: std::collections::HashSet<&str> =
                    project.documents.iter().flat_map(|d| d.annotations.iter().map(|a| a.annotator.as_str())).collect();
                project
                    .annotators
                    .iter()
                    .filter(|a| a.id != GOLD_ANNOTATOR && used.contains(a.id.as_str()))
                    .map(|a| a.id.clone())
                    .collect()
            }
        };
        let documents = match documents {
            Some(ids) => {
                for id in ids {
                    if project.document(id).is_none() {
                        return Err(SelectionError::UnknownDocument {
                            id: id.clone(),
                            known: list(project.documents.iter().map(|d| d.id.clone())),
                        });
                    }
                }
                // Project order, whatever order they were named in, without repeats.
                project.documents.iter().filter(|d| ids.contains(&d.id)).map(|d| d.id.clone()).collect()
            }
            None => project.documents.iter().map(|d| d.id.clone()).collect(),
        };
        Ok(Self { annotators, documents })
    }

    /// Index of a coder in the selection.
    pub fn coder(&self, annotator: &str) -> Option<usize> {
        self.annotators.iter().position(|a| a == annotator)
    }

    /// The selected documents, in order.
    pub fn documents<'p>(&'p self, project: &'p Project) -> impl Iterator<Item = &'p Document> + 'p {
        self.documents.iter().filter_map(|id| project.document(id))
    }
}

/// The units of `document` for alpha_U: one per fragment of each selected coder's annotations,
/// shifted by `offset` (for a corpus laid end to end). Labels not in the codebook are skipped.
pub fn units(project: &Project, selection: &Selection, document: &Document, offset: u64, out: &mut Vec<Unit>) {
    // A codebook has a handful of labels and a study a handful of coders: a linear search over
    // them is faster than hashing each of hundreds of thousands of annotations' strings.
    for annotation in &document.annotations {
        let (Some(coder), Some(category)) =
            (selection.coder(&annotation.annotator), project.codebook.label_index(&annotation.label))
        else {
            continue;
        };
        for fragment in &annotation.fragments {
            out.push(Unit {
                coder,
                category,
                start: offset + fragment.start as u64,
                length: (fragment.end - fragment.start) as u64,
            });
        }
    }
}

/// One coder's annotations of a document as spans (with their annotations, same order).
pub fn spans<'d>(
    project: &Project,
    document: &'d Document,
    document_index: usize,
    annotator: &str,
) -> (Vec<LabeledSpan>, Vec<&'d Annotation>) {
    let mut spans = Vec::new();
    let mut annotations = Vec::new();
    for annotation in document.annotations.iter().filter(|a| a.annotator == annotator) {
        let Some(label) = project.codebook.label_index(&annotation.label) else { continue };
        spans.push(span_of(annotation, document_index, label));
        annotations.push(&**annotation);
    }
    (spans, annotations)
}

/// An annotation as a span for matching.
pub fn span_of(annotation: &Annotation, document_index: usize, label: usize) -> LabeledSpan {
    LabeledSpan {
        document: document_index,
        label,
        ranges: annotation.fragments.iter().map(|f| (f.start, f.end)).collect(),
    }
}
