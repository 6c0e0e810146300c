//! The rows of the annotation list (after label filters and search) and per-label counts,
//! recomputed only when the document, its annotations, the search or the filters change, so
//! that a frame does not walk 200,000 annotations.
//!
//! Keyed by the session's generation as well as the document's id and revision: two projects
//! opened one after the other often have a document with the same id at the same revision.

use crate::model::{Codebook, Document};
use crate::ui::layer_filter::LayerFilter;

#[derive(Default)]
pub struct AnnotationListCache {
    key: Option<(u64, String, u64, String, LayerFilter)>,
    /// Indices into `document.annotations` of the listed annotations, in document order;
    /// `None` when nothing is filtered out (every annotation is listed).
    rows: Option<Vec<usize>>,
    /// Number of annotations per codebook label, in codebook order.
    label_counts: Vec<(String, usize)>,
    total: usize,
}

impl AnnotationListCache {
    /// Brings the rows up to date for `document` of the session's `generation`, `search` and
    /// `filter` (hidden labels, the coders shown).
    pub fn update(
        &mut self,
        generation: u64,
        document: &Document,
        codebook: &Codebook,
        search: &str,
        filter: &LayerFilter,
    ) {
        let up_to_date = self.key.as_ref().is_some_and(|(g, id, revision, s, hidden)| {
            *g == generation
                && id == &document.id
                && *revision == document.revision()
                && s == search
                && hidden == filter
        });
        if up_to_date {
            return;
        }
        self.key = Some((generation, document.id.clone(), document.revision(), search.to_owned(), filter.clone()));
        // Counts and the total are of the coders shown: a hidden layer (blind coding) tells nothing.
        let coders_shown = |a: &crate::model::Annotation| {
            filter.shown_coders.as_ref().is_none_or(|shown| shown.contains(a.annotator.as_str()))
        };
        self.total = match &filter.shown_coders {
            None => document.annotations.len(),
            Some(_) => document.annotations.iter().filter(|a| coders_shown(a)).count(),
        };
        // Count per label, in codebook order. With every coder shown these are the document's
        // own counts, which edits keep up to date (no pass over the annotations after an edit).
        let mut counts: Vec<(String, usize)> = codebook.labels.iter().map(|l| (l.id.clone(), 0)).collect();
        let mut add =
            |label: &str, n: usize| match counts.iter_mut().find(|(id, _)| id.len() == label.len() && id == label) {
                Some((_, count)) => *count += n,
                None => counts.push((label.to_owned(), n)),
            };
        if filter.shown_coders.is_none() {
            document.label_counts().iter().for_each(|(label, n)| add(label, *n));
        } else {
            document.annotations.iter().filter(|a| coders_shown(a)).for_each(|a| add(&a.label, 1));
        }
        self.label_counts = counts;
        let needle = search.to_lowercase();
        if needle.is_empty() && filter.is_empty() {
            self.rows = None;
            return;
        }
        let rows = document
            .annotations
            .iter()
            .enumerate()
            .filter(|(_, a)| !filter.hides(a))
            .filter(|(_, a)| {
                needle.is_empty()
                    || a.fragments.iter().any(|f| f.text.to_lowercase().contains(&needle))
                    || a.note.to_lowercase().contains(&needle)
            })
            .map(|(i, _)| i)
            .collect();
        self.rows = Some(rows);
    }

    /// How many annotations are listed.
    pub fn len(&self) -> usize {
        self.rows.as_ref().map_or(self.total, Vec::len)
    }

    /// How many annotations the coders shown have in the document (before label filters and search).
    pub fn total(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Index into `document.annotations` of list row `row`.
    pub fn annotation_index(&self, row: usize) -> Option<usize> {
        match &self.rows {
            Some(rows) => rows.get(row).copied(),
            None => (row < self.total).then_some(row),
        }
    }

    pub fn label_count(&self, label_id: &str) -> usize {
        self.label_counts.iter().find(|(label, _)| label == label_id).map_or(0, |(_, count)| *count)
    }

    /// What the list shows, in one line: "53 of 54: Claim 20, Quote 9, Actor 17, Recommendation 8"
    /// (for the state report real-window tests read).
    pub fn summary(&self, codebook: &Codebook) -> String {
        let counts: Vec<String> =
            codebook.labels.iter().map(|label| format!("{} {}", label.name, self.label_count(&label.id))).collect();
        format!("{} of {}: {}", self.len(), self.total, counts.join(", "))
    }
}
