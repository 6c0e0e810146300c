//! Krippendorff's unitizing alpha (alpha_U; Krippendorff 1995, 2004), as DKPro Agreement's
//! `KrippendorffAlphaUnitizingAgreement` computes it.
//!
//! A continuum `[begin, begin + length)` (here: code points) is cut by each of `m` coders into
//! units of a category and the gaps between them. For each category `c`:
//!
//! - `D_o(c) = 2 / (m (m-1) L²) · Σ_{coder pairs} Σ_{overlapping sections} δ²`, where two
//!   overlapping `c`-units give `(b1-b2)² + (e1-e2)²`, a `c`-unit lying wholly inside the other
//!   coder's gap gives `l²`, anything else `0`;
//! - `D_e(c) = (2/L) · Σ_{c-units g} [(N_c-1)(2l³-3l²+l)/3 + l² Σ_{gaps h, l_h ≥ l} (l_h-l+1)]
//!   / [mL(mL-1) - Σ_{c-units} l(l-1)]`;
//! - `alpha_U(c) = 1 - D_o(c) / D_e(c)`.
//!
//! The overall value is `1 - mean_c D_o / mean_c D_e` over the categories that occur (DKPro's
//! definition); the macro value is the mean of the per-category alphas. Sums are kept in exact
//! 128-bit integers, so the result does not depend on the order of units or on the size of the
//! continuum.
//!
//! A coder's units of one category must not overlap: [`UnitizingStudy::new`] merges overlapping
//! units of the same coder and category into one (and counts how many it merged).

use super::{Coefficient, Undefined};

/// A unit as given: `length` code points from `start`, by `coder`, of `category` (indexes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    pub coder: usize,
    pub category: usize,
    pub start: u64,
    pub length: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: u64,
    end: u64,
}

impl Span {
    fn len(self) -> u64 {
        self.end - self.start
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StudyError {
    #[error("unit {start}+{length} of coder {coder} lies outside the continuum {begin}..{end}")]
    OutsideContinuum { coder: usize, start: u64, length: u64, begin: u64, end: u64 },
    #[error("unit of coder {coder} given, but the study has {coders} coders")]
    NoSuchCoder { coder: usize, coders: usize },
    #[error("unit of category {category} given, but the study has {categories} categories")]
    NoSuchCategory { category: usize, categories: usize },
}

/// The units of every coder on one continuum, sorted, with overlapping units of one coder and
/// category merged.
#[derive(Clone, Debug)]
pub struct UnitizingStudy {
    begin: u64,
    length: u64,
    coders: usize,
    /// `[category][coder]`: sorted, disjoint spans.
    spans: Vec<Vec<Vec<Span>>>,
    merged: usize,
}

/// alpha_U of one category, with its two disagreements.
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryAlpha {
    /// Number of units of this category (all coders, after merging).
    pub units: usize,
    pub observed: f64,
    pub expected: f64,
    pub alpha: Coefficient,
}

/// alpha_U per category, overall (DKPro) and macro.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitizingAlpha {
    pub per_category: Vec<CategoryAlpha>,
    /// `1 - mean D_o / mean D_e` over the categories that occur.
    pub overall: Coefficient,
    /// Mean of the defined per-category alphas.
    pub macro_average: Coefficient,
}

impl UnitizingStudy {
    /// Builds a study of `coders` coders and `categories` categories over `[begin, begin+length)`.
    pub fn new(
        begin: u64,
        length: u64,
        coders: usize,
        categories: usize,
        units: impl IntoIterator<Item = Unit>,
    ) -> Result<Self, StudyError> {
        let mut spans = vec![vec![Vec::new(); coders]; categories];
        let end = begin + length;
        for unit in units {
            if unit.coder >= coders {
                return Err(StudyError::NoSuchCoder { coder: unit.coder, coders });
            }
            if unit.category >= categories {
                return Err(StudyError::NoSuchCategory { category: unit.category, categories });
            }
            if unit.start < begin || unit.start + unit.length > end {
                return Err(StudyError::OutsideContinuum {
                    coder: unit.coder,
                    start: unit.start,
                    length: unit.length,
                    begin,
                    end,
                });
            }
            spans[unit.category][unit.coder].push(Span { start: unit.start, end: unit.start + unit.length });
        }
        let mut merged = 0;
        for per_coder in &mut spans {
            for list in per_coder.iter_mut() {
                merged += sort_and_merge(list);
            }
        }
        Ok(Self { begin, length, coders, spans, merged })
    }

    /// How many units were merged into an overlapping unit of the same coder and category.
    pub fn merged_units(&self) -> usize {
        self.merged
    }

    pub fn coders(&self) -> usize {
        self.coders
    }

    /// Number of units of a category, all coders.
    pub fn unit_count(&self, category: usize) -> usize {
        self.spans.get(category).map_or(0, |c| c.iter().map(Vec::len).sum())
    }

    fn end(&self) -> u64 {
        self.begin + self.length
    }

    /// `D_o(c)`: observed disagreement of one category (0 when there are fewer than two coders).
    pub fn observed(&self, category: usize) -> f64 {
        let m = self.coders as u128;
        let l = u128::from(self.length);
        if m < 2 || l == 0 {
            return 0.0;
        }
        let per_coder = &self.spans[category];
        let mut sum: u128 = 0;
        for i in 0..self.coders {
            for j in i + 1..self.coders {
                sum += pair_disagreement(&per_coder[i], &per_coder[j], self.begin, self.end());
            }
        }
        2.0 * sum as f64 / (m * (m - 1)) as f64 / (l * l) as f64
    }

    /// `D_e(c)`: expected disagreement of one category (0 when it cannot be computed).
    pub fn expected(&self, category: usize) -> f64 {
        let m = self.coders as u128;
        let l = u128::from(self.length);
        if m == 0 || l == 0 {
            return 0.0;
        }
        let per_coder = &self.spans[category];
        let n_c = per_coder.iter().map(Vec::len).sum::<usize>() as u128;
        if n_c == 0 {
            return 0.0;
        }
        let mut gaps: Vec<u64> = Vec::new();
        for spans in per_coder {
            let mut pos = self.begin;
            for span in spans {
                if span.start > pos {
                    gaps.push(span.start - pos);
                }
                pos = pos.max(span.end);
            }
            if self.end() > pos {
                gaps.push(self.end() - pos);
            }
        }
        gaps.sort_unstable();
        // suffix[i] = sum of gaps[i..]
        let mut suffix = vec![0u128; gaps.len() + 1];
        for i in (0..gaps.len()).rev() {
            suffix[i] = suffix[i + 1] + u128::from(gaps[i]);
        }
        let mut numerator: u128 = 0;
        let mut self_pairs: u128 = 0;
        for spans in per_coder {
            for span in spans {
                let len = u128::from(span.len());
                // l(l-1)(2l-1) = 2l³-3l²+l is six times a sum of squares, so /3 is exact.
                let cubic = if len == 0 { 0 } else { len * (len - 1) * (2 * len - 1) / 3 };
                numerator += (n_c - 1) * cubic;
                let first = gaps.partition_point(|&g| u128::from(g) < len);
                let count = (gaps.len() - first) as u128;
                // Σ_{l_h ≥ l} (l_h - l + 1) = Σ l_h - count·(l - 1); never negative since l_h ≥ l.
                let fitting = if len == 0 { suffix[first] + count } else { suffix[first] - count * (len - 1) };
                numerator += len * len * fitting;
                if len > 0 {
                    self_pairs += len * (len - 1);
                }
            }
        }
        let ml = m * l;
        let denominator = ml * (ml - 1) - self_pairs;
        if denominator == 0 {
            return 0.0;
        }
        2.0 / l as f64 * (numerator as f64 / denominator as f64)
    }

    /// Whether any unit of this category has a length.
    fn has_mass(&self, category: usize) -> bool {
        self.spans[category].iter().flatten().any(|s| s.len() > 0)
    }

    /// alpha_U of every category, overall and macro.
    pub fn alpha(&self) -> UnitizingAlpha {
        let mut per_category = Vec::with_capacity(self.spans.len());
        let (mut observed_sum, mut expected_sum, mut occurring, mut mass) = (0.0, 0.0, 0usize, false);
        for category in 0..self.spans.len() {
            let units = self.unit_count(category);
            let (observed, expected) = (self.observed(category), self.expected(category));
            let alpha = if units == 0 {
                Err(Undefined::new("no coder marked any unit of this label"))
            } else {
                occurring += 1;
                observed_sum += observed;
                expected_sum += expected;
                mass |= self.has_mass(category);
                self.check_study().and_then(|()| ratio(observed, expected, self.has_mass(category)))
            };
            per_category.push(CategoryAlpha { units, observed, expected, alpha });
        }
        let overall = if occurring == 0 {
            Err(Undefined::new("no coder marked anything"))
        } else {
            self.check_study()
                .and_then(|()| ratio(observed_sum / occurring as f64, expected_sum / occurring as f64, mass))
        };
        let macro_average = if occurring == 0 {
            Err(Undefined::new("no coder marked anything"))
        } else {
            self.check_study().and_then(|()| {
                super::mean_of_defined(per_category.iter().map(|c| &c.alpha), "no label has a defined alpha")
            })
        };
        UnitizingAlpha { per_category, overall, macro_average }
    }

    fn check_study(&self) -> Result<(), Undefined> {
        if self.coders < 2 {
            return Err(Undefined::new(format!(
                "agreement needs at least two coders; there {} {}",
                if self.coders == 1 { "is" } else { "are" },
                self.coders
            )));
        }
        if self.length == 0 {
            return Err(Undefined::new("the text is empty"));
        }
        Ok(())
    }
}

/// `1 - D_o/D_e`, with DKPro's conventions where `D_e` is 0: full agreement (1) when the units
/// have a length, 0 when they are all of length zero (a degenerate study, DKPro issue #58).
fn ratio(observed: f64, expected: f64, mass: bool) -> Coefficient {
    if expected == 0.0 {
        if observed == 0.0 {
            return Ok(if mass { 1.0 } else { 0.0 });
        }
        return Err(Undefined::new("no disagreement is expected by chance, but some was observed"));
    }
    Ok(1.0 - observed / expected)
}

/// Sorts spans and merges overlapping ones; returns how many were merged away.
fn sort_and_merge(spans: &mut Vec<Span>) -> usize {
    spans.sort_unstable_by_key(|s| (s.start, s.end));
    let before = spans.len();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans.drain(..) {
        match out.last_mut() {
            Some(last) if span.start < last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    let merged = before - out.len();
    *spans = out;
    merged
}

/// δ² of two sections that meet: `(b1, l1)` of the first coder (`unit1`: a unit, else a gap) and
/// `(b2, l2)` of the second.
pub fn section_distance(b1: u64, l1: u64, unit1: bool, b2: u64, l2: u64, unit2: bool) -> u128 {
    let (b1, l1, b2, l2) = (i128::from(b1), i128::from(l1), i128::from(b2), i128::from(l2));
    let begin_diff = b1 - b2;
    let end_diff = (b1 + l1) - (b2 + l2);
    let squared = |x: i128| (x * x) as u128;
    if unit1 && unit2 && -l1 < begin_diff && begin_diff < l2 {
        squared(begin_diff) + squared(end_diff)
    } else if unit1 && !unit2 && b1 >= b2 && b1 + l1 <= b2 + l2 {
        squared(l1)
    } else if !unit1 && unit2 && b2 >= b1 && b2 + l2 <= b1 + l1 {
        squared(l2)
    } else {
        0
    }
}

/// The sections of one coder, in order: units and the gaps between them.
struct Sections<'a> {
    spans: &'a [Span],
    next: usize,
    end: u64,
}

impl Sections<'_> {
    fn has_more_units(&self) -> bool {
        self.next < self.spans.len()
    }

    /// The section starting at `pos`: the next unit if it starts there, else the gap up to it.
    fn open(&mut self, pos: u64) -> (u64, u64, bool) {
        match self.spans.get(self.next) {
            Some(span) if span.start == pos => {
                self.next += 1;
                (pos, span.len(), true)
            }
            Some(span) => (pos, span.start - pos, false),
            None => (pos, self.end - pos, false),
        }
    }
}

/// Σ δ² over all pairs of sections of two coders that meet.
fn pair_disagreement(first: &[Span], second: &[Span], begin: u64, end: u64) -> u128 {
    let mut a = Sections { spans: first, next: 0, end };
    let mut b = Sections { spans: second, next: 0, end };
    let (mut sa, mut sb) = ((begin, 0, false), (begin, 0, false));
    let mut pos = begin;
    let mut sum = 0;
    while pos < end && (a.has_more_units() || b.has_more_units()) {
        if pos == sa.0 + sa.1 {
            sa = a.open(pos);
        }
        if pos == sb.0 + sb.1 {
            sb = b.open(pos);
        }
        sum += section_distance(sa.0, sa.1, sa.2, sb.0, sb.1, sb.2);
        pos = (sa.0 + sa.1).min(sb.0 + sb.1);
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(start: u64, length: u64, coder: usize, category: usize) -> Unit {
        Unit { coder, category, start, length }
    }

    fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
        (actual - expected).abs() <= tolerance
    }

    macro_rules! assert_close {
        ($actual:expr, $expected:expr) => {
            assert_close!($actual, $expected, 1e-3)
        };
        ($actual:expr, $expected:expr, $tol:expr) => {{
            let (a, e): (f64, f64) = ($actual, $expected);
            assert!(close(a, e, $tol), "{} = {a}, expected {e} ± {}", stringify!($actual), $tol);
        }};
    }

    /// Reference B4.1: Krippendorff (2004) Q&Q Fig. 2 (DKPro `unitizing/Krippendorff2004Test`).
    fn krippendorff_2004() -> UnitizingStudy {
        let (c, k) = (0, 1);
        let units = [
            unit(225, 70, 0, c),
            unit(370, 30, 0, c),
            unit(220, 80, 1, c),
            unit(355, 20, 1, c),
            unit(400, 20, 1, c),
            unit(180, 60, 0, k),
            unit(300, 50, 0, k),
            unit(180, 60, 1, k),
            unit(300, 50, 1, k),
        ];
        UnitizingStudy::new(150, 300, 2, 2, units).unwrap()
    }

    #[test]
    fn krippendorff_2004_figure_2() {
        let study = krippendorff_2004();
        assert_close!(study.observed(0), 0.0144, 1e-4);
        assert_close!(study.expected(0), 0.0532, 1e-4);
        assert_close!(study.observed(1), 0.0);
        assert_close!(study.expected(1), 0.0490, 1e-4);
        let alpha = study.alpha();
        assert_close!(*alpha.per_category[0].alpha.as_ref().unwrap(), 0.7286);
        assert_close!(*alpha.per_category[1].alpha.as_ref().unwrap(), 1.0);
        assert_close!(*alpha.overall.as_ref().unwrap(), 0.8591);
        // text-alpha's re-run, to more places than the book prints.
        assert_close!(*alpha.per_category[0].alpha.as_ref().unwrap(), 0.728598996805389, 1e-9);
        assert_close!(*alpha.overall.as_ref().unwrap(), 0.8586654051841702, 1e-9);
        assert_close!(*alpha.macro_average.as_ref().unwrap(), 0.8642994984026945, 1e-9);
    }

    #[test]
    fn distances_of_the_published_tests() {
        assert_eq!(section_distance(225, 70, true, 220, 80, true), 50);
        assert_eq!(section_distance(370, 30, true, 355, 20, true), 850);
        assert_eq!(section_distance(400, 50, false, 400, 20, true), 400);
        assert_eq!(section_distance(5, 6, true, 4, 2, true), 26);
        assert_eq!(section_distance(5, 6, true, 6, 4, true), 2);
        assert_eq!(section_distance(1, 8, true, 2, 1, true), 37);
        assert_eq!(section_distance(1, 8, true, 4, 1, true), 25);
        assert_eq!(section_distance(1, 8, true, 6, 1, true), 29);
        // DKPro's further cases: gaps against gaps, units against gaps they do not fit in.
        assert_eq!(section_distance(0, 1, false, 0, 2, false), 0);
        assert_eq!(section_distance(1, 8, true, 0, 2, false), 0);
        assert_eq!(section_distance(1, 8, true, 3, 1, false), 0);
        assert_eq!(section_distance(9, 2, false, 7, 4, false), 0);
    }

    /// Reference B4.2: DKPro `unitizing/UnitizingAgreementTest`.
    #[test]
    fn small_dkpro_study() {
        let units = [unit(1, 8, 0, 0), unit(2, 1, 1, 0), unit(4, 1, 1, 0), unit(6, 1, 1, 0)];
        let study = UnitizingStudy::new(0, 10, 2, 1, units).unwrap();
        assert_close!(study.observed(0), 0.9100, 1e-4);
        assert_close!(study.expected(0), 0.5351, 1e-4);
        let alpha = study.alpha();
        assert_close!(*alpha.per_category[0].alpha.as_ref().unwrap(), -0.7003460207612457, 1e-9);
    }

    #[test]
    fn a_single_unit_among_three_coders_is_chance_level() {
        let study = UnitizingStudy::new(0, 20, 3, 1, [unit(0, 1, 0, 0)]).unwrap();
        assert_close!(*study.alpha().overall.as_ref().unwrap(), 0.0, 1e-12);
    }

    #[test]
    fn an_empty_study_is_undefined() {
        let study = UnitizingStudy::new(0, 20, 3, 1, []).unwrap();
        let alpha = study.alpha();
        assert!(alpha.overall.is_err());
        assert!(alpha.per_category[0].alpha.as_ref().unwrap_err().0.contains("no coder marked"));
    }

    #[test]
    fn zero_length_units() {
        // Only zero-length units: degenerate, 0 (DKPro #58), even with different categories.
        let study = UnitizingStudy::new(0, 15, 2, 2, [unit(0, 0, 0, 0), unit(0, 0, 1, 1)]).unwrap();
        let alpha = study.alpha();
        assert_eq!(alpha.overall, Ok(0.0));
        // A zero-length unit next to real full agreement changes nothing: 1.
        let units = [unit(2, 5, 0, 0), unit(2, 5, 1, 0), unit(0, 0, 0, 0), unit(10, 0, 1, 0)];
        let study = UnitizingStudy::new(0, 15, 2, 1, units).unwrap();
        assert_eq!(study.alpha().overall, Ok(1.0));
    }

    #[test]
    fn full_agreement_is_one() {
        let units = [unit(2, 5, 0, 0), unit(2, 5, 1, 0), unit(8, 3, 0, 1), unit(8, 3, 1, 1)];
        let alpha = UnitizingStudy::new(0, 15, 2, 2, units).unwrap().alpha();
        assert_eq!(alpha.overall, Ok(1.0));
        assert_eq!(alpha.macro_average, Ok(1.0));
        // The whole continuum, one unit per coder: no gaps, D_e still positive.
        let alpha = UnitizingStudy::new(0, 15, 2, 1, [unit(0, 15, 0, 0), unit(0, 15, 1, 0)]).unwrap().alpha();
        assert_eq!(alpha.overall, Ok(1.0));
        // Units of length one covering everything: D_o = D_e = 0, full agreement.
        let units = (0..4).flat_map(|i| [unit(i, 1, 0, 0), unit(i, 1, 1, 0)]);
        assert_eq!(UnitizingStudy::new(0, 4, 2, 1, units).unwrap().alpha().overall, Ok(1.0));
    }

    #[test]
    fn one_coder_is_undefined() {
        let alpha = UnitizingStudy::new(0, 15, 1, 1, [unit(2, 5, 0, 0)]).unwrap().alpha();
        assert!(alpha.overall.unwrap_err().0.contains("at least two coders"));
    }

    #[test]
    fn a_label_only_one_coder_used() {
        let units = [unit(2, 5, 0, 0), unit(2, 5, 1, 0), unit(9, 3, 1, 1)];
        let alpha = UnitizingStudy::new(0, 20, 2, 3, units).unwrap().alpha();
        assert_eq!(alpha.per_category[0].alpha, Ok(1.0));
        let only_one = *alpha.per_category[1].alpha.as_ref().unwrap();
        assert!(only_one < 0.0, "{only_one}");
        assert!(alpha.per_category[2].alpha.is_err(), "label nobody used");
        assert_close!(*alpha.macro_average.as_ref().unwrap(), (1.0 + only_one) / 2.0, 1e-12);
    }

    #[test]
    fn overlapping_units_of_one_coder_are_merged() {
        let units = [unit(2, 5, 0, 0), unit(4, 6, 0, 0), unit(2, 8, 1, 0)];
        let study = UnitizingStudy::new(0, 20, 2, 1, units).unwrap();
        assert_eq!(study.merged_units(), 1);
        assert_eq!(study.alpha().overall, Ok(1.0));
    }

    #[test]
    fn units_outside_the_continuum_are_refused() {
        let err = UnitizingStudy::new(10, 5, 2, 1, [unit(12, 5, 0, 0)]).unwrap_err();
        assert_eq!(err.to_string(), "unit 12+5 of coder 0 lies outside the continuum 10..15");
    }

    /// Reference B4.3: Krippendorff (1995) p.57, stretched ×50,000 as DKPro does (±0.02).
    #[test]
    fn krippendorff_1995() {
        let r0: [&[(u64, u64)]; 4] = [
            &[(2, 8), (14, 6)],
            &[(0, 18)],
            &[(2, 6), (10, 2), (14, 4), (20, 2)],
            &[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
        ];
        let r1: [&[(u64, u64)]; 4] = [
            &[(4, 4), (15, 2)],
            &[(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)],
            &[(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)],
            &[(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)],
        ];
        let study = |stretch: u64| {
            let mut units = Vec::new();
            for (coder, lists) in [r0, r1].iter().enumerate() {
                for (category, list) in lists.iter().enumerate() {
                    for &(start, length) in *list {
                        units.push(unit(start * stretch, length * stretch, coder, category));
                    }
                }
            }
            UnitizingStudy::new(0, 24 * stretch, 2, 4, units).unwrap()
        };
        let plain = study(1);
        for (category, expected) in [0.03125, 2.26736, 0.02777, 0.38715].into_iter().enumerate() {
            assert_close!(plain.observed(category), expected, 1e-4);
        }
        let stretched = study(50_000);
        let alpha = stretched.alpha();
        for (category, (expected_alpha, expected_de)) in
            [(0.553, 0.06990), (-0.926, 1.17731), (0.679, 0.08642), (0.066, 0.41445)].into_iter().enumerate()
        {
            assert_close!(*alpha.per_category[category].alpha.as_ref().unwrap(), expected_alpha, 0.02);
            assert_close!(stretched.expected(category), expected_de, 0.02);
        }
    }
}
