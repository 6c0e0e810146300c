//! Finds the annotations overlapping a range of text quickly, for documents with hundreds of
//! thousands of annotations.
//!
//! Annotations are kept sorted by start. The index stores, for each chunk of `CHUNK` consecutive
//! annotations, the largest end in the chunk: a query walks the chunks that start before the
//! range ends and skips every chunk whose largest end is at or before the range start. Building
//! is O(n); a query is O(n / CHUNK + k).

use std::ops::Range;

/// What the index needs of an annotation: where it ends, where it starts (the order it is
/// kept in), and whether one of its fragments overlaps a range.
pub trait Span {
    fn start(&self) -> usize;
    fn end(&self) -> usize;
    fn overlaps(&self, range: &Range<usize>) -> bool;
}

const CHUNK: usize = 64;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanIndex {
    /// Each annotation's end, in the annotations' order (reading it does not touch the
    /// annotations' fragments, so keeping the chunks up to date after an edit is a pass over a
    /// small array instead of over 200,000 annotations).
    ends: Vec<usize>,
    chunk_max_end: Vec<usize>,
    len: usize,
}

impl SpanIndex {
    /// Builds the index of annotations sorted by start (the document's canonical order).
    pub fn new<A: Span>(annotations: &[A]) -> Self {
        let mut index = Self { ends: annotations.iter().map(Span::end).collect(), ..Self::default() };
        index.len = index.ends.len();
        index.chunks_from(0);
        index
    }

    /// Recomputes the chunks from the one holding annotation `first` to the end.
    fn chunks_from(&mut self, first: usize) {
        let chunk = first / CHUNK;
        self.chunk_max_end.truncate(chunk);
        let maxima = self.ends[chunk * CHUNK..].chunks(CHUNK).map(|c| c.iter().copied().max().unwrap_or(0));
        self.chunk_max_end.extend(maxima);
    }

    /// After an annotation ending at `end` was inserted at position `at` of the annotations.
    pub fn inserted_end(&mut self, at: usize, end: usize) {
        self.ends.insert(at, end);
        self.len += 1;
        self.chunks_from(at);
    }

    /// After the annotation at position `at` was removed.
    pub fn removed(&mut self, at: usize) {
        self.ends.remove(at);
        self.len -= 1;
        self.chunks_from(at);
    }

    /// Annotations with a fragment overlapping `range`, in document order.
    pub fn overlapping<'a, A: Span>(&self, annotations: &'a [A], range: Range<usize>) -> Vec<&'a A> {
        debug_assert_eq!(annotations.len(), self.len, "index is stale");
        let upper = annotations.partition_point(|a| a.start() < range.end).min(self.len);
        let mut found = Vec::new();
        for (chunk, &max_end) in self.chunk_max_end.iter().enumerate() {
            let first = chunk * CHUNK;
            if first >= upper {
                break;
            }
            if max_end <= range.start {
                continue;
            }
            for annotation in &annotations[first..(first + CHUNK).min(upper)] {
                if annotation.overlaps(&range) {
                    found.push(annotation);
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, Document, ItemId, now};

    #[test]
    fn matches_a_linear_scan() {
        let text: String = (0..2000).map(|i| if i % 7 == 0 { ' ' } else { 'x' }).collect();
        let doc = Document::new("d1", "t", text);
        let mut annotations = Vec::new();
        let mut state = 12345u64;
        for i in 0..700 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let start = (state >> 33) as usize % 1900;
            let len = if i % 50 == 0 { 900 } else { 1 + (state >> 20) as usize % 30 };
            let end = (start + len).min(2000);
            annotations.push(Annotation {
                id: ItemId(i + 1),
                label: "claim".into(),
                fragments: vec![doc.fragment(start..end).unwrap()],
                annotator: "a".into(),
                created: now(),
                modified: now(),
                note: String::new(),
                attributes: Default::default(),
            });
        }
        annotations.sort_by_key(Annotation::sort_key);
        let index = SpanIndex::new(&annotations);
        for (a, b) in [(0, 10), (500, 520), (1990, 2000), (0, 2000), (1200, 1201), (7, 7)] {
            let expected: Vec<ItemId> = annotations
                .iter()
                .filter(|x| x.fragments.iter().any(|f| f.start < b && f.end > a))
                .map(|x| x.id)
                .collect();
            let got: Vec<ItemId> = index.overlapping(&annotations, a..b).iter().map(|x| x.id).collect();
            assert_eq!(got, expected, "range {a}..{b}");
        }
    }
}
