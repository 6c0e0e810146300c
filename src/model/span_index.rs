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

impl<T: Span + ?Sized> Span for Box<T> {
    fn start(&self) -> usize {
        (**self).start()
    }

    fn end(&self) -> usize {
        (**self).end()
    }

    fn overlaps(&self, range: &Range<usize>) -> bool {
        (**self).overlaps(range)
    }
}

const CHUNK: usize = 64;

/// A code point offset as the index keeps it: 4 bytes, not 8 (1.6 MB less per array for
/// 200,000 annotations). A document's text is below 2^30 bytes (project files are refused above
/// [`crate::store::MAX_FILE_BYTES`], imports far below), so every offset fits; one that did
/// not would be kept as `u32::MAX`, which keeps the order of the starts (searches stay
/// correct, only slower) and never hides an annotation from a query (its end is past any range).
pub fn narrow(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanIndex {
    /// Each annotation's end, in the annotations' order (reading it does not touch the
    /// annotations' fragments, so keeping the chunks up to date after an edit is a pass over a
    /// small array instead of over 200,000 annotations).
    ends: Vec<u32>,
    /// Each annotation's start, in the same order (ascending): where an annotation belongs, or
    /// where one is, is found by a binary search over this compact array instead of over the
    /// annotations (each probe of which would follow a pointer to its fragments).
    starts: Vec<u32>,
    chunk_max_end: Vec<u32>,
    len: usize,
}

impl SpanIndex {
    /// Builds the index of annotations sorted by start (the document's canonical order).
    pub fn new<A: Span>(annotations: &[A]) -> Self {
        let mut index = Self {
            ends: annotations.iter().map(|a| narrow(a.end())).collect(),
            starts: annotations.iter().map(|a| narrow(a.start())).collect(),
            ..Self::default()
        };
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

    /// The positions of the annotations starting at `start` (a binary search over the starts).
    pub fn starting_at(&self, start: usize) -> std::ops::Range<usize> {
        let start = narrow(start);
        self.starts.partition_point(|s| *s < start)..self.starts.partition_point(|s| *s <= start)
    }

    /// After an annotation from `start` to `end` was inserted at position `at` of the annotations.
    pub fn inserted(&mut self, at: usize, start: usize, end: usize) {
        self.starts.insert(at, narrow(start));
        self.ends.insert(at, narrow(end));
        self.len += 1;
        self.chunks_from(at);
    }

    /// After annotations were inserted: (position among the annotations before, start, end),
    /// in order of position (several at one position in their order).
    pub fn inserted_many(&mut self, inserts: &[(usize, usize, usize)]) {
        let Some(first) = inserts.first().map(|(at, _, _)| *at) else { return };
        self.len += inserts.len();
        insert_all(&mut self.starts, inserts.iter().map(|(at, start, _)| (*at, narrow(*start))).collect());
        insert_all(&mut self.ends, inserts.iter().map(|(at, _, end)| (*at, narrow(*end))).collect());
        self.chunks_from(first);
    }

    /// After the annotations at these positions (ascending, distinct) were removed.
    pub fn removed_many(&mut self, positions: &[usize]) {
        let Some(&first) = positions.first() else { return };
        remove_all(&mut self.starts, positions);
        let removed = remove_all(&mut self.ends, positions);
        self.len -= removed.len();
        self.chunks_from(first);
    }

    /// After the annotation at position `at` was removed.
    pub fn removed(&mut self, at: usize) {
        self.starts.remove(at);
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
            if (max_end as usize) <= range.start && max_end != u32::MAX {
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

/// Inserts items at positions of `list` as it is before the call ((position, item), in order
/// of position; several at one position go in their order) by merging both into a new list:
/// each item of the list moves once, O(n + k) where inserting one by one is O(n·k).
pub fn insert_all<T>(list: &mut Vec<T>, inserts: Vec<(usize, T)>) {
    if inserts.is_empty() {
        return;
    }
    let old = std::mem::take(list);
    let len = old.len();
    let mut merged = Vec::with_capacity(len + inserts.len());
    let mut rest = old.into_iter();
    let mut taken = 0;
    for (at, item) in inserts {
        let at = at.min(len);
        merged.extend(rest.by_ref().take(at.saturating_sub(taken)));
        taken = taken.max(at);
        merged.push(item);
    }
    merged.extend(rest);
    *list = merged;
}

/// Removes the items at these positions (ascending, distinct) in one pass and returns them in
/// that order (positions past the end are ignored).
pub fn remove_all<T>(list: &mut Vec<T>, positions: &[usize]) -> Vec<T> {
    let Some(&first) = positions.first() else { return Vec::new() };
    if first >= list.len() {
        return Vec::new();
    }
    let mut index = first;
    let mut next = 0;
    list.extract_if(first.., |_| {
        let hit = positions.get(next) == Some(&index);
        if hit {
            next += 1;
        }
        index += 1;
        hit
    })
    .collect()
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

    #[test]
    fn insert_all_and_remove_all_match_one_by_one() {
        let mut state = 99u64;
        for round in 0..200 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let n = (state >> 40) as usize % 50;
            let k = (state >> 20) as usize % 12;
            let list: Vec<String> = (0..n).map(|i| format!("old{i}")).collect();
            let mut inserts: Vec<(usize, String)> = (0..k)
                .map(|j| (((state >> (j % 30)) as usize).wrapping_mul(j + 7) % (n + 1), format!("new{round}-{j}")))
                .collect();
            inserts.sort_by_key(|(at, _)| *at);
            let mut expected = list.clone();
            for (shift, (at, item)) in inserts.iter().enumerate() {
                expected.insert(at + shift, item.clone());
            }
            let mut got = list.clone();
            insert_all(&mut got, inserts.clone());
            assert_eq!(got, expected, "round {round}");
            // Removing what was inserted gives the list back, and the items in order.
            let mut positions: Vec<usize> = Vec::new();
            let mut seen = 0;
            for (i, item) in got.iter().enumerate() {
                if item.starts_with("new") {
                    positions.push(i);
                    seen += 1;
                }
            }
            assert_eq!(seen, k);
            let removed = remove_all(&mut got, &positions);
            assert_eq!(got, list);
            assert_eq!(removed, inserts.into_iter().map(|(_, item)| item).collect::<Vec<_>>());
        }
    }
}
