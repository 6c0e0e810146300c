//! Agreement of several coders on a project: alpha_U per label, overall and macro, per document
//! and corpus-wide (the selected documents' texts laid end to end in project order), and span F1
//! of every coder against the first one named. This is what `spanwise agree` prints and what the
//! Agreement panel shows.

use crate::model::Project;

use super::layers::{self, Selection, SelectionError};
use super::span_f1::SpanAgreement;
use super::unitizing::{CategoryAlpha, StudyError, UnitizingAlpha, UnitizingStudy};
use super::{Coefficient, Undefined};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreementError {
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error("{0}")]
    Study(#[from] StudyError),
}

/// alpha_U of every codebook label (in codebook order), overall and macro, for one continuum.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelAlphas {
    /// `(label id, result)`, every label of the codebook.
    pub per_label: Vec<(String, CategoryAlpha)>,
    pub overall: Coefficient,
    pub macro_average: Coefficient,
    /// Units merged into an overlapping unit of the same coder and label.
    pub merged_units: usize,
}

impl LabelAlphas {
    fn new(project: &Project, study: &UnitizingStudy) -> Self {
        let UnitizingAlpha { per_category, overall, macro_average } = study.alpha();
        let per_label = project.codebook.labels.iter().map(|l| l.id.clone()).zip(per_category).collect();
        Self { per_label, overall, macro_average, merged_units: study.merged_units() }
    }

    /// The alpha of a label by id.
    pub fn label(&self, label_id: &str) -> Option<&Coefficient> {
        self.per_label.iter().find(|(id, _)| id == label_id).map(|(_, c)| &c.alpha)
    }
}

/// F1 of one coder against the reference coder.
#[derive(Clone, Debug, PartialEq)]
pub struct PairF1 {
    pub reference: String,
    pub other: String,
    pub counts: SpanAgreement,
}

/// Everything `spanwise agree` reports.
#[derive(Clone, Debug, PartialEq)]
pub struct AgreementReport {
    pub annotators: Vec<String>,
    pub documents: Vec<String>,
    /// Label ids in codebook order (the order of every per-label list).
    pub labels: Vec<String>,
    /// Corpus-wide: the documents end to end.
    pub alpha_u: LabelAlphas,
    /// `(document id, alpha_U of that document alone)`.
    pub alpha_u_by_document: Vec<(String, LabelAlphas)>,
    /// Every other coder against the first, counts pooled (for two coders: B against A).
    pub f1: SpanAgreement,
    /// The same, per coder.
    pub f1_pairs: Vec<PairF1>,
    /// Why F1 is missing altogether (fewer than two coders), if it is.
    pub f1_undefined: Option<Undefined>,
}

/// alpha_U corpus-wide (the selected documents end to end, in project order) and per document.
pub fn unitizing_agreement(
    project: &Project,
    selection: &Selection,
) -> Result<(LabelAlphas, Vec<(String, LabelAlphas)>), AgreementError> {
    let labels = project.codebook.labels.len();
    let coders = selection.annotators.len();
    let mut corpus_units = Vec::new();
    let mut offset = 0u64;
    let mut by_document = Vec::new();
    let mut units = Vec::new();
    for document in selection.documents(project) {
        units.clear();
        layers::units(project, selection, document, 0, &mut units);
        let length = document.char_len() as u64;
        let study = UnitizingStudy::new(0, length, coders, labels, units.iter().copied())?;
        by_document.push((document.id.clone(), LabelAlphas::new(project, &study)));
        corpus_units.extend(units.iter().map(|u| super::unitizing::Unit { start: u.start + offset, ..*u }));
        offset += length;
    }
    // One document: the corpus is that document (no need to compute it twice).
    if let [(_, only)] = by_document.as_slice() {
        return Ok((only.clone(), by_document));
    }
    let corpus = UnitizingStudy::new(0, offset, coders, labels, corpus_units)?;
    Ok((LabelAlphas::new(project, &corpus), by_document))
}

/// Computes agreement for `annotators` (default: every coder with annotations, except `gold`) on
/// `documents` (default: all).
pub fn agreement(
    project: &Project,
    annotators: Option<&[String]>,
    documents: Option<&[String]>,
) -> Result<AgreementReport, AgreementError> {
    let selection = Selection::resolve(project, annotators, documents)?;
    let labels = project.codebook.labels.len();
    let coders = selection.annotators.len();
    let (alpha_u, by_document) = unitizing_agreement(project, &selection)?;
    let mut f1 = SpanAgreement { per_label: vec![Default::default(); labels] };
    let mut f1_pairs = Vec::new();
    let f1_undefined = (coders < 2).then(|| Undefined::new("F1 compares coders: at least two are needed"));
    if let Some(reference) = selection.annotators.first() {
        let documents: Vec<_> = selection.documents(project).collect();
        let reference_spans: Vec<_> =
            documents.iter().enumerate().flat_map(|(i, d)| layers::spans(project, d, i, reference).0).collect();
        for other in &selection.annotators[1..] {
            let other_spans: Vec<_> =
                documents.iter().enumerate().flat_map(|(i, d)| layers::spans(project, d, i, other).0).collect();
            let counts = SpanAgreement::compare(&reference_spans, &other_spans, labels);
            f1.add(&counts);
            f1_pairs.push(PairF1 { reference: reference.clone(), other: other.clone(), counts });
        }
    }
    Ok(AgreementReport {
        annotators: selection.annotators,
        documents: selection.documents,
        labels: project.codebook.labels.iter().map(|l| l.id.clone()).collect(),
        alpha_u,
        alpha_u_by_document: by_document,
        f1,
        f1_pairs,
        f1_undefined,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::span_f1::Mode;
    use crate::model::{Annotation, Annotator, Document, ItemId};

    /// Text with `ü`, an emoji outside the BMP, a ZWJ family, Persian with ZWNJ and Chinese.
    pub(crate) const TRICKY: &str =
        "Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family. شبکه\u{200c}های اجتماعی 社交媒体 matter.";

    fn annotation(doc: &Document, id: u64, label: &str, annotator: &str, needle: &str) -> Annotation {
        let byte = doc.text.find(needle).unwrap();
        let start = doc.text[..byte].chars().count();
        let fragment = doc.fragment(start..start + needle.chars().count()).unwrap();
        Annotation {
            id: ItemId(id),
            label: label.into(),
            fragments: vec![fragment],
            annotator: annotator.into(),
            created: Default::default(),
            modified: Default::default(),
            note: String::new(),
            attributes: Default::default(),
        }
    }

    fn project(spans: &[(&str, &str, &str)]) -> Project {
        let mut project = Project::new("t");
        for id in ["ana", "bob", "gold"] {
            project.annotators.push(Annotator { id: id.into(), name: id.into() });
        }
        let mut doc = Document::new("d1", "d1", TRICKY.to_owned());
        let mut made = Vec::new();
        for (i, (annotator, label, needle)) in spans.iter().enumerate() {
            made.push(annotation(&doc, i as u64 + 1, label, annotator, needle));
        }
        made.sort_by_key(Annotation::sort_key);
        doc.annotations = made.into_iter().map(Box::new).collect();
        project.documents.push(doc);
        project
    }

    #[test]
    fn code_points_not_bytes_and_full_agreement() {
        let spans = [
            ("ana", "actor", "👨\u{200d}👩\u{200d}👧 family"),
            ("bob", "actor", "👨\u{200d}👩\u{200d}👧 family"),
            ("ana", "claim", "شبکه\u{200c}های اجتماعی"),
            ("bob", "claim", "شبکه\u{200c}های اجتماعی"),
            ("ana", "quote", "Grüße 🎉"),
            ("bob", "quote", "Grüße 🎉"),
            ("gold", "quote", "社交媒体"),
        ];
        let report = agreement(&project(&spans), None, None).unwrap();
        assert_eq!(report.annotators, ["ana", "bob"], "gold is left out by default");
        assert_eq!(report.alpha_u.overall, Ok(1.0));
        assert_eq!(report.alpha_u.label("quote"), Some(&Ok(1.0)));
        assert!(report.alpha_u.label("recommendation").unwrap().is_err());
        assert_eq!(report.f1.micro(Mode::Exact).f1, Ok(1.0));
        assert_eq!(report.alpha_u_by_document[0].1.overall, Ok(1.0));
    }

    #[test]
    fn boundaries_differing_by_one_code_point() {
        // Bob's quote ends one code point (the emoji) short. In UTF-16 or bytes the difference
        // would be 2 or 4; alpha_U counts code points.
        let spans = [("ana", "quote", "Grüße 🎉"), ("bob", "quote", "Grüße ")];
        let project = project(&spans);
        let report = agreement(&project, Some(&["ana".into(), "bob".into()]), None).unwrap();
        let length = project.documents[0].char_len() as u64;
        let units = [
            crate::analysis::unitizing::Unit { coder: 0, category: 0, start: 0, length: 7 },
            crate::analysis::unitizing::Unit { coder: 1, category: 0, start: 0, length: 6 },
        ];
        let expected = UnitizingStudy::new(0, length, 2, 1, units).unwrap().alpha().overall;
        assert_eq!(report.alpha_u.label("quote"), Some(&expected));
        assert!(matches!(expected, Ok(a) if a > 0.9 && a < 1.0));
        assert_eq!(report.f1.micro(Mode::Exact).f1, Ok(0.0));
        assert_eq!(report.f1.micro(Mode::Overlap).f1, Ok(1.0));
    }

    #[test]
    fn the_corpus_is_the_documents_end_to_end_in_project_order() {
        let mut project = project(&[
            ("ana", "quote", "Grüße 🎉"),
            ("bob", "quote", "Grüße "),
            ("ana", "actor", "社交媒体"),
            ("bob", "actor", "社交媒体 matter"),
        ]);
        let mut second = Document::new("d2", "d2", "Officials 👨\u{200d}👩\u{200d}👧 warned.".to_owned());
        second.annotations = vec![
            annotation(&second, 101, "quote", "ana", "Officials"),
            annotation(&second, 102, "quote", "bob", "Officials 👨"),
        ]
        .into_iter()
        .map(Box::new)
        .collect();
        project.documents.push(second);
        let report = agreement(&project, None, None).unwrap();
        assert_eq!(report.documents, ["d1", "d2"]);
        let d1_length = project.documents[0].char_len() as u64;
        let total = d1_length + project.documents[1].char_len() as u64;
        let d1_actor_start = TRICKY.split("社交媒体").next().unwrap().chars().count() as u64;
        let unit = |coder, category, start, length| crate::analysis::unitizing::Unit { coder, category, start, length };
        let (quote, actor) = (1, 2);
        let units = [
            unit(0, quote, 0, 7),
            unit(1, quote, 0, 6),
            unit(0, actor, d1_actor_start, 4),
            unit(1, actor, d1_actor_start, 11),
            unit(0, quote, d1_length, 9),
            unit(1, quote, d1_length, 11),
        ];
        let expected = UnitizingStudy::new(0, total, 2, 4, units).unwrap().alpha();
        assert_eq!(report.alpha_u.overall, expected.overall);
        assert_eq!(report.alpha_u.label("quote"), Some(&expected.per_category[quote].alpha));
        // Per document, d2 alone: one label, one continuum.
        let d2 = &report.alpha_u_by_document[1].1;
        assert!(d2.label("actor").unwrap().is_err());
        assert_ne!(d2.overall, report.alpha_u.overall);
        // Only d2, by name.
        let only = agreement(&project, None, Some(&["d2".into()])).unwrap();
        assert_eq!(only.alpha_u.overall, d2.overall);
    }

    #[test]
    fn unknown_names_are_refused_with_the_known_ones() {
        let project = project(&[]);
        let err = agreement(&project, Some(&["ana".into(), "zoe".into()]), None).unwrap_err();
        assert_eq!(err.to_string(), "no annotator \"zoe\" in the project (its annotators: ana, bob, gold)");
        let err = agreement(&project, None, Some(&["d9".into()])).unwrap_err();
        assert_eq!(err.to_string(), "no document \"d9\" in the project (its documents: d1)");
    }

    #[test]
    fn no_annotations_and_one_coder() {
        let report = agreement(&project(&[]), None, None).unwrap();
        assert!(report.annotators.is_empty());
        assert!(report.alpha_u.overall.is_err());
        assert!(report.f1_undefined.is_some());
        let report = agreement(&project(&[("ana", "claim", "matter")]), None, None).unwrap();
        assert_eq!(report.annotators, ["ana"]);
        assert!(report.alpha_u.overall.unwrap_err().0.contains("at least two coders"));
    }
}
