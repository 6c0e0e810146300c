//! Span precision, recall and F1 between a reference coder and another coder (NER-style).
//!
//! - **Exact**: a span counts when the other coder has a span of the same label with exactly the
//!   same fragments in the same document.
//! - **Overlap**: spans of the same label that share at least one code point are paired one to
//!   one, greedily by overlap length (longest first; ties by position), so no span is counted
//!   twice (SemEval-2013 "type" matching).
//! - **Partial**: the overlap pairing, with an exact pair worth 1 and any other pair worth 0.5
//!   (SemEval-2013 / `nervaluate` "partial").
//!
//! `P = matched / |other|`, `R = matched / |reference|`, `F1 = 2 matched / (|reference| + |other|)`
//! (the harmonic mean of P and R, defined also when one side is empty). Micro pools the counts of
//! all labels; macro averages the per-label values that are defined. A discontinuous annotation is
//! one span: exact needs every fragment equal, overlap counts the code points shared.

use std::collections::BTreeMap;

use super::{Coefficient, Undefined};

/// A span to match: a document, a label (both as indexes) and its fragments (sorted, disjoint,
/// half-open code point ranges).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabeledSpan {
    pub document: usize,
    pub label: usize,
    pub ranges: Vec<(usize, usize)>,
}

impl LabeledSpan {
    pub fn new(document: usize, label: usize, start: usize, end: usize) -> Self {
        Self { document, label, ranges: vec![(start, end)] }
    }

    fn start(&self) -> usize {
        self.ranges.first().map_or(0, |r| r.0)
    }

    fn end(&self) -> usize {
        self.ranges.last().map_or(0, |r| r.1)
    }

    /// Code points shared with `other` (same document assumed).
    pub fn overlap(&self, other: &LabeledSpan) -> usize {
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            let (start, end) = (a.0.max(b.0), a.1.min(b.1));
            if start < end {
                shared += end - start;
            }
            if a.1 <= b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        shared
    }
}

/// How two coders' spans pair up: indexes into the reference and the other list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matching {
    /// Pairs with the same label and exactly the same fragments.
    pub exact: Vec<(usize, usize)>,
    /// One-to-one pairs of the same label that overlap, longest overlap first; with the overlap.
    pub overlap: Vec<(usize, usize, usize)>,
}

fn extent(span: &LabeledSpan) -> (usize, usize) {
    (span.start(), span.end())
}

/// Every pair `(l, r)` of items of `left` and `right` whose extents (`[start, end)`) intersect, by
/// a sweep over both sorted by start: O(n log n + pairs), not O(n²).
pub fn overlapping_pairs(
    left: &[usize],
    right: &[usize],
    left_extent: impl Fn(usize) -> (usize, usize),
    right_extent: impl Fn(usize) -> (usize, usize),
) -> Vec<(usize, usize)> {
    let mut left: Vec<(usize, usize, usize)> = left.iter().map(|&i| (left_extent(i).0, left_extent(i).1, i)).collect();
    let mut right: Vec<(usize, usize, usize)> =
        right.iter().map(|&j| (right_extent(j).0, right_extent(j).1, j)).collect();
    left.sort_unstable();
    right.sort_unstable();
    let mut pairs = Vec::new();
    // Right items that started before the current left item ends and may still reach it.
    let mut active: Vec<(usize, usize, usize)> = Vec::new();
    let mut next = 0;
    for &(start, end, i) in &left {
        while next < right.len() && right[next].0 < end {
            active.push(right[next]);
            next += 1;
        }
        // Left items come by start, so a right item ending before this start ends before every
        // later one too.
        active.retain(|r| r.1 > start);
        pairs.extend(active.iter().filter(|r| r.0 < end).map(|r| (i, r.2)));
    }
    pairs
}

/// Pairs `reference` and `other` spans (see the module docs).
pub fn match_spans(reference: &[LabeledSpan], other: &[LabeledSpan]) -> Matching {
    // Exact: identical (document, label, fragments), one to one, in order: both sides sorted by
    // span (then index) and merged. Sorting beats hashing 200,000 fragment lists.
    let mut left: Vec<usize> = (0..reference.len()).collect();
    let mut right: Vec<usize> = (0..other.len()).collect();
    left.sort_unstable_by(|&a, &b| reference[a].cmp(&reference[b]).then(a.cmp(&b)));
    right.sort_unstable_by(|&a, &b| other[a].cmp(&other[b]).then(a.cmp(&b)));
    let mut exact = Vec::new();
    let (mut x, mut y) = (0, 0);
    while x < left.len() && y < right.len() {
        match reference[left[x]].cmp(&other[right[y]]) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => {
                exact.push((left[x], right[y]));
                x += 1;
                y += 1;
            }
        }
    }
    exact.sort_unstable();
    // Overlap: candidates per (document, label) by a sweep over spans sorted by start.
    let mut groups: BTreeMap<(usize, usize), (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, span) in reference.iter().enumerate() {
        groups.entry((span.document, span.label)).or_default().0.push(i);
    }
    for (j, span) in other.iter().enumerate() {
        groups.entry((span.document, span.label)).or_default().1.push(j);
    }
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for (left, right) in groups.into_values() {
        for (i, j) in overlapping_pairs(&left, &right, |i| extent(&reference[i]), |j| extent(&other[j])) {
            let shared = reference[i].overlap(&other[j]);
            if shared > 0 {
                candidates.push((shared, i, j));
            }
        }
    }
    candidates.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_reference = vec![false; reference.len()];
    let mut used_other = vec![false; other.len()];
    let mut overlap = Vec::new();
    for (shared, i, j) in candidates {
        if !used_reference[i] && !used_other[j] {
            used_reference[i] = true;
            used_other[j] = true;
            overlap.push((i, j, shared));
        }
    }
    Matching { exact, overlap }
}

/// Counts for one label (or pooled).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    /// Spans of the reference coder.
    pub reference: usize,
    /// Spans of the other coder.
    pub other: usize,
    pub exact: usize,
    pub overlap: usize,
    /// Overlap pairs that are also exact.
    pub overlap_exact: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.reference += other.reference;
        self.other += other.other;
        self.exact += other.exact;
        self.overlap += other.overlap;
        self.overlap_exact += other.overlap_exact;
    }

    /// The matched amount under `mode`.
    pub fn matched(&self, mode: Mode) -> f64 {
        match mode {
            Mode::Exact => self.exact as f64,
            Mode::Overlap => self.overlap as f64,
            Mode::Partial => self.overlap_exact as f64 + 0.5 * (self.overlap - self.overlap_exact) as f64,
        }
    }

    pub fn scores(&self, mode: Mode) -> Scores {
        let matched = self.matched(mode);
        let precision = if self.other == 0 {
            Err(Undefined::new("the compared coder marked no span here"))
        } else {
            Ok(matched / self.other as f64)
        };
        let recall = if self.reference == 0 {
            Err(Undefined::new("the reference coder marked no span here"))
        } else {
            Ok(matched / self.reference as f64)
        };
        let f1 = if self.reference + self.other == 0 {
            Err(Undefined::new("neither coder marked a span here"))
        } else {
            Ok(2.0 * matched / (self.reference + self.other) as f64)
        };
        Scores { precision, recall, f1 }
    }
}

/// How spans are matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Exact,
    Overlap,
    Partial,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Exact, Mode::Overlap, Mode::Partial];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Exact => "exact",
            Mode::Overlap => "overlap",
            Mode::Partial => "partial",
        }
    }
}

/// Precision, recall and F1.
#[derive(Clone, Debug, PartialEq)]
pub struct Scores {
    pub precision: Coefficient,
    pub recall: Coefficient,
    pub f1: Coefficient,
}

/// Per-label counts of one comparison, with micro and macro scores.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanAgreement {
    /// Indexed by label.
    pub per_label: Vec<Counts>,
}

impl SpanAgreement {
    /// Counts of `other` against `reference`, for `labels` labels.
    pub fn compare(reference: &[LabeledSpan], other: &[LabeledSpan], labels: usize) -> Self {
        let matching = match_spans(reference, other);
        let mut per_label = vec![Counts::default(); labels];
        for span in reference {
            per_label[span.label].reference += 1;
        }
        for span in other {
            per_label[span.label].other += 1;
        }
        for &(i, _) in &matching.exact {
            per_label[reference[i].label].exact += 1;
        }
        for &(i, j, _) in &matching.overlap {
            let counts = &mut per_label[reference[i].label];
            counts.overlap += 1;
            if reference[i].ranges == other[j].ranges {
                counts.overlap_exact += 1;
            }
        }
        Self { per_label }
    }

    /// Adds another comparison's counts (e.g. another pair of coders).
    pub fn add(&mut self, other: &SpanAgreement) {
        if self.per_label.len() < other.per_label.len() {
            self.per_label.resize(other.per_label.len(), Counts::default());
        }
        for (mine, theirs) in self.per_label.iter_mut().zip(&other.per_label) {
            mine.add(theirs);
        }
    }

    /// All labels pooled.
    pub fn pooled(&self) -> Counts {
        let mut total = Counts::default();
        for counts in &self.per_label {
            total.add(counts);
        }
        total
    }

    pub fn micro(&self, mode: Mode) -> Scores {
        self.pooled().scores(mode)
    }

    /// Mean of the per-label values that are defined.
    pub fn macro_average(&self, mode: Mode) -> Scores {
        let scores: Vec<Scores> = self.per_label.iter().map(|c| c.scores(mode)).collect();
        let why = "no label has a defined value";
        Scores {
            precision: super::mean_of_defined(scores.iter().map(|s| &s.precision), why),
            recall: super::mean_of_defined(scores.iter().map(|s| &s.recall), why),
            f1: super::mean_of_defined(scores.iter().map(|s| &s.f1), why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::coding::tests::assert_close;

    /// Spans of BIO-tagged sentences (one token = one position; sentences are documents).
    /// `strict`: IOB2 (an `I-` without its `B-` starts nothing); otherwise conlleval's default
    /// (an `I-` after `O` or another type starts a chunk).
    fn bio_spans(sentences: &[&[&str]], strict: bool, labels: &[&str]) -> Vec<LabeledSpan> {
        let mut spans = Vec::new();
        for (document, tags) in sentences.iter().enumerate() {
            let mut open: Option<(usize, &str)> = None;
            for (i, tag) in tags.iter().chain(std::iter::once(&"O")).enumerate() {
                let (prefix, kind) = tag.split_once('-').unwrap_or((tag, ""));
                let continues = prefix == "I" && open.is_some_and(|(_, k)| k == kind);
                if !continues {
                    if let Some((start, k)) = open.take() {
                        let label = labels.iter().position(|l| *l == k).unwrap();
                        spans.push(LabeledSpan::new(document, label, start, i));
                    }
                    if prefix == "B" || (prefix == "I" && !strict) {
                        open = Some((i, kind));
                    }
                }
            }
        }
        spans
    }

    fn f1(c: &Coefficient) -> f64 {
        *c.as_ref().unwrap()
    }

    /// Reference B6.1: seqeval's README.
    #[test]
    fn seqeval_readme() {
        let labels = ["MISC", "PER"];
        let truth: [&[&str]; 2] = [&["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], &["B-PER", "I-PER", "O"]];
        let predicted: [&[&str]; 2] =
            [&["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], &["B-PER", "I-PER", "O"]];
        for strict in [false, true] {
            let result =
                SpanAgreement::compare(&bio_spans(&truth, strict, &labels), &bio_spans(&predicted, strict, &labels), 2);
            let misc = result.per_label[0].scores(Mode::Exact);
            assert_eq!((f1(&misc.precision), f1(&misc.recall)), (0.0, 0.0));
            let per = result.per_label[1].scores(Mode::Exact);
            assert_eq!((f1(&per.precision), f1(&per.recall)), (1.0, 1.0));
            assert_close(f1(&result.micro(Mode::Exact).f1), 0.50, 1e-12);
        }
    }

    /// Reference B6.2: seqeval default vs strict IOB2.
    #[test]
    fn seqeval_default_and_strict() {
        let labels = ["NP"];
        let truth: [&[&str]; 1] = [&["B-NP", "I-NP", "O"]];
        let predicted: [&[&str]; 1] = [&["I-NP", "I-NP", "O"]];
        let lenient =
            SpanAgreement::compare(&bio_spans(&truth, false, &labels), &bio_spans(&predicted, false, &labels), 1);
        assert_eq!(lenient.micro(Mode::Exact).f1, Ok(1.0));
        let strict =
            SpanAgreement::compare(&bio_spans(&truth, true, &labels), &bio_spans(&predicted, true, &labels), 1);
        assert_eq!(strict.micro(Mode::Exact).f1, Ok(0.0));
    }

    /// Reference B6.3: nervaluate (token spans, `end` inclusive in the reference).
    #[test]
    fn nervaluate_modes() {
        let (claim, actor) = (0, 1);
        let gold = [LabeledSpan::new(0, claim, 4, 7), LabeledSpan::new(0, actor, 0, 2)];
        let predicted = [LabeledSpan::new(0, claim, 4, 6), LabeledSpan::new(0, actor, 0, 2)];
        let result = SpanAgreement::compare(&gold, &predicted, 2);
        let exact = result.micro(Mode::Exact);
        assert_eq!((exact.precision, exact.recall, exact.f1), (Ok(0.5), Ok(0.5), Ok(0.5)));
        assert_eq!(result.micro(Mode::Partial).f1, Ok(0.75));
        assert_eq!(result.micro(Mode::Partial).precision, Ok(0.75));
        assert_eq!(result.micro(Mode::Overlap).f1, Ok(1.0));
    }

    #[test]
    fn overlap_matching_is_one_to_one_and_prefers_the_longest_overlap() {
        // One long reference span and two other spans inside it: only one may match.
        let reference = [LabeledSpan::new(0, 0, 0, 20)];
        let other = [LabeledSpan::new(0, 0, 0, 5), LabeledSpan::new(0, 0, 5, 18)];
        let matching = match_spans(&reference, &other);
        assert_eq!(matching.overlap, vec![(0, 1, 13)]);
        let result = SpanAgreement::compare(&reference, &other, 1);
        let scores = result.micro(Mode::Overlap);
        assert_eq!((scores.precision, scores.recall), (Ok(0.5), Ok(1.0)));
        assert_close(f1(&scores.f1), 2.0 / 3.0, 1e-12);
    }

    #[test]
    fn labels_documents_and_fragments_must_agree() {
        let reference = [
            LabeledSpan::new(0, 0, 0, 5),
            LabeledSpan::new(1, 0, 0, 5),
            LabeledSpan { document: 0, label: 1, ranges: vec![(10, 12), (20, 25)] },
        ];
        let other = [
            LabeledSpan::new(0, 1, 0, 5),                                            // other label
            LabeledSpan::new(2, 0, 0, 5),                                            // other document
            LabeledSpan { document: 0, label: 1, ranges: vec![(10, 12), (20, 24)] }, // one fragment differs
        ];
        let result = SpanAgreement::compare(&reference, &other, 2);
        assert_eq!(result.pooled().exact, 0);
        assert_eq!(result.pooled().overlap, 1, "only the discontinuous pair: same document and label");
        assert_eq!(reference[2].overlap(&other[2]), 6);
    }

    #[test]
    fn the_sweep_finds_exactly_the_overlapping_pairs() {
        let mut rng = crate::analysis::rng::Rng::seeded(5);
        for _ in 0..200 {
            let mut random = |n: usize| -> Vec<(usize, usize)> {
                (0..n)
                    .map(|_| {
                        let start = (rng.next_u64() % 100) as usize;
                        (start, start + 1 + (rng.next_u64() % 30) as usize)
                    })
                    .collect()
            };
            let (left, right) = (random(12), random(9));
            let mut swept = overlapping_pairs(
                &(0..left.len()).collect::<Vec<_>>(),
                &(0..right.len()).collect::<Vec<_>>(),
                |i| left[i],
                |j| right[j],
            );
            swept.sort_unstable();
            let mut brute = Vec::new();
            for (i, a) in left.iter().enumerate() {
                for (j, b) in right.iter().enumerate() {
                    if a.0 < b.1 && b.0 < a.1 {
                        brute.push((i, j));
                    }
                }
            }
            assert_eq!(swept, brute);
        }
    }

    #[test]
    fn undefined_and_empty_cases() {
        let none = SpanAgreement::compare(&[], &[], 2);
        assert!(none.micro(Mode::Exact).f1.unwrap_err().0.contains("neither coder"));
        assert!(none.macro_average(Mode::Exact).f1.is_err());
        // A label only the reference used: recall 0, precision undefined, F1 0.
        let only = SpanAgreement::compare(&[LabeledSpan::new(0, 1, 0, 3)], &[LabeledSpan::new(0, 0, 5, 9)], 2);
        let label1 = only.per_label[1].scores(Mode::Exact);
        assert_eq!(label1.recall, Ok(0.0));
        assert!(label1.precision.is_err());
        assert_eq!(label1.f1, Ok(0.0));
        // Full agreement, duplicates included.
        let spans = [LabeledSpan::new(0, 0, 1, 3), LabeledSpan::new(0, 0, 1, 3), LabeledSpan::new(0, 1, 2, 9)];
        let full = SpanAgreement::compare(&spans, &spans, 2);
        for mode in Mode::ALL {
            assert_eq!(full.micro(mode).f1, Ok(1.0));
            assert_eq!(full.macro_average(mode).f1, Ok(1.0));
        }
    }
}
