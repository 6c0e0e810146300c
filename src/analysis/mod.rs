//! Agreement, comparison, adjudication and grading: the statistics behind several coders working
//! on one project. No egui and no I/O; the CLI (`cli::analysis`) and the UI call these functions.
//!
//! One concept per file:
//! - [`unitizing`]: Krippendorff's unitizing alpha (alpha_U) on a continuum of code points;
//! - [`coding`]: Krippendorff's alpha for coded units (nominal, ordinal, interval, ratio);
//! - [`bootstrap`]: Krippendorff's bootstrap of alpha (confidence interval), seeded;
//! - [`kappa`]: Cohen's and Fleiss' kappa (and Scott's pi, Bennett's S);
//! - [`span_f1`]: pairwise span precision / recall / F1, exact, overlap and partial;
//! - [`layers`]: a coder's spans of a project as units (merging, discontinuous spans);
//! - [`agreement`]: all of the above for a project, per label and document (what `agree` prints);
//! - [`report`]: a report shown ("-" where undefined) and as CSV rows, for the CLI and the panel;
//! - [`attributes`]: alpha for annotation attributes and document variables;
//! - [`combine`]: several coders' project files into one project, as `Edit`s;
//! - [`compare`]: every disagreement between two coders' layers, classified;
//! - [`adjudicate`]: a gold layer built from choices, as `Edit`s;
//! - [`grade`] and [`feedback`]: a student's file against a key, and the HTML report;
//! - [`assignment`]: the file to hand out, made from a key; [`gradebook`]: the grades as CSV.
//!
//! Every coefficient is a [`Coefficient`]: a number, or [`Undefined`] with the reason in words.

pub mod adjudicate;
pub mod agreement;
pub mod assignment;
pub mod attributes;
pub mod bootstrap;
pub mod coding;
pub mod combine;
pub mod compare;
pub mod feedback;
pub mod grade;
pub mod gradebook;
pub mod kappa;
pub mod layers;
pub mod report;
pub mod rng;
pub mod span_f1;
pub mod unitizing;

/// Why a coefficient has no value ("no coder marked any Quote").
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Undefined(pub String);

impl Undefined {
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }
}

/// A computed coefficient, or the reason it is undefined for this data.
pub type Coefficient = Result<f64, Undefined>;

/// The id of the adjudicated layer made by [`adjudicate`], left out of agreement by default.
pub const GOLD_ANNOTATOR: &str = "gold";

/// Mean of the defined values; undefined (with `why`) when there are none.
pub(crate) fn mean_of_defined<'a>(values: impl IntoIterator<Item = &'a Coefficient>, why: &str) -> Coefficient {
    let (sum, count) =
        values.into_iter().filter_map(|v| v.as_ref().ok()).fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if count == 0 { Err(Undefined::new(why)) } else { Ok(sum / count as f64) }
}
