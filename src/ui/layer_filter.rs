//! What the view, the annotation list, hovering, clicking and Tab show: the labels not hidden
//! (navigator filters) and the coders whose layers are shown (View › Coders, blind coding). One
//! filter for all of them, so that nothing hidden can be listed, painted, hovered or clicked.

use std::collections::BTreeSet;

use crate::model::Annotation;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LayerFilter {
    /// Labels hidden in the list and the text.
    pub hidden_labels: BTreeSet<String>,
    /// Annotator ids whose annotations are shown; `None`: every coder's.
    pub shown_coders: Option<BTreeSet<String>>,
}

impl LayerFilter {
    /// Only the label filter.
    pub fn labels(hidden_labels: &BTreeSet<String>) -> Self {
        Self { hidden_labels: hidden_labels.clone(), shown_coders: None }
    }

    /// Whether `annotation` is hidden.
    pub fn hides(&self, annotation: &Annotation) -> bool {
        self.hidden_labels.contains(annotation.label.as_str())
            || self.shown_coders.as_ref().is_some_and(|shown| !shown.contains(annotation.annotator.as_str()))
    }

    /// Whether nothing is hidden.
    pub fn is_empty(&self) -> bool {
        self.hidden_labels.is_empty() && self.shown_coders.is_none()
    }
}
