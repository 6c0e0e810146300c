//! Krippendorff's alpha for coded units (Krippendorff 2004, 2011), in the coincidence-matrix form:
//! any number of coders, missing values allowed, four levels of measurement.
//!
//! `o_ck = Σ_u (ordered c–k pairs in unit u) / (m_u - 1)` over units with `m_u ≥ 2` values;
//! `n_c = Σ_k o_ck`, `n = Σ_c n_c`; `α = 1 - (n-1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck`, with
//! nominal `δ² = [c≠k]`, ordinal `(Σ_{g=c..k} n_g - (n_c+n_k)/2)²`, interval `(c-k)²` and
//! ratio `((c-k)/(c+k))²`.

use std::collections::BTreeMap;

use super::{Coefficient, Undefined};

/// Level of measurement: decides how far apart two values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    Nominal,
    Ordinal,
    Interval,
    Ratio,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Nominal => "nominal",
            Level::Ordinal => "ordinal",
            Level::Interval => "interval",
            Level::Ratio => "ratio",
        }
    }
}

/// The coincidence matrix of some reliability data, with what alpha needs from it.
#[derive(Clone, Debug, PartialEq)]
pub struct Coincidences {
    /// The distinct values in ascending order (for nominal data: their indexes).
    pub values: Vec<f64>,
    /// `o[c * values.len() + k]`.
    pub matrix: Vec<f64>,
    /// `n_c`: the marginal of each value.
    pub marginals: Vec<f64>,
    /// `n`: number of pairable values.
    pub pairable: f64,
    /// Number of coders (the widest unit).
    pub coders: usize,
    /// Units with at least two values.
    pub pairable_units: usize,
}

/// Krippendorff's alpha and its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Alpha {
    pub alpha: Coefficient,
    /// `D_o`, per pairable value.
    pub observed: f64,
    /// `D_e`, per pairable value.
    pub expected: f64,
    pub level: Level,
    pub coincidences: Coincidences,
}

impl Coincidences {
    /// Builds the matrix from units whose values are indexes into `values` (sorted ascending).
    fn build(units: &[Vec<Option<usize>>], values: Vec<f64>) -> Self {
        let v = values.len();
        let mut matrix = vec![0.0; v * v];
        let mut coders = 0;
        let mut pairable_units = 0;
        let mut counts: BTreeMap<usize, f64> = BTreeMap::new();
        for unit in units {
            coders = coders.max(unit.len());
            counts.clear();
            for value in unit.iter().flatten() {
                *counts.entry(*value).or_default() += 1.0;
            }
            let m: f64 = counts.values().sum();
            if m < 2.0 {
                continue;
            }
            pairable_units += 1;
            for (&c, &nc) in &counts {
                for (&k, &nk) in &counts {
                    let pairs = if c == k { nc * (nc - 1.0) } else { nc * nk };
                    matrix[c * v + k] += pairs / (m - 1.0);
                }
            }
        }
        let marginals: Vec<f64> = (0..v).map(|c| matrix[c * v..(c + 1) * v].iter().sum()).collect();
        let pairable = marginals.iter().sum();
        Self { values, matrix, marginals, pairable, coders, pairable_units }
    }

    /// `δ²` for every pair of values, row-major.
    pub fn distances(&self, level: Level) -> Vec<f64> {
        let v = self.values.len();
        let mut delta = vec![0.0; v * v];
        // Cumulative marginals for the ordinal metric.
        let mut cumulative = vec![0.0; v + 1];
        for g in 0..v {
            cumulative[g + 1] = cumulative[g] + self.marginals[g];
        }
        for c in 0..v {
            for k in 0..v {
                if c == k {
                    continue;
                }
                let (a, b) = (self.values[c], self.values[k]);
                delta[c * v + k] = match level {
                    Level::Nominal => 1.0,
                    Level::Ordinal => {
                        let (lo, hi) = (c.min(k), c.max(k));
                        let span = cumulative[hi + 1] - cumulative[lo] - (self.marginals[c] + self.marginals[k]) / 2.0;
                        span * span
                    }
                    Level::Interval => (a - b) * (a - b),
                    Level::Ratio => {
                        if a + b == 0.0 {
                            0.0
                        } else {
                            ((a - b) / (a + b)).powi(2)
                        }
                    }
                };
            }
        }
        delta
    }

    /// `D_o` and `D_e` (each per pairable value) under `level`.
    pub fn disagreements(&self, level: Level) -> (f64, f64) {
        let v = self.values.len();
        let delta = self.distances(level);
        let n = self.pairable;
        let mut observed = 0.0;
        let mut expected = 0.0;
        for c in 0..v {
            for k in 0..v {
                let d = delta[c * v + k];
                if d == 0.0 {
                    continue;
                }
                observed += self.matrix[c * v + k] * d;
                expected += self.marginals[c] * self.marginals[k] * d;
            }
        }
        if n > 1.0 { (observed / n, expected / (n * (n - 1.0))) } else { (0.0, 0.0) }
    }

    /// Alpha of this matrix under `level`.
    pub fn alpha(self, level: Level) -> Alpha {
        let (observed, expected) = self.disagreements(level);
        let alpha = if self.pairable_units == 0 {
            Err(Undefined::new("no unit was coded by two or more coders"))
        } else if self.values.len() < 2 || expected == 0.0 {
            Err(Undefined::new("every coder used the same single value; alpha needs values that vary"))
        } else {
            Ok(1.0 - observed / expected)
        };
        Alpha { alpha, observed, expected, level, coincidences: self }
    }
}

/// Alpha of numeric data: `units[u][coder]`, `None` (or NaN) where a coder gave no value.
pub fn alpha(units: &[Vec<Option<f64>>], level: Level) -> Alpha {
    let mut values: Vec<f64> = units.iter().flatten().flatten().copied().filter(|v| !v.is_nan()).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let indexed: Vec<Vec<Option<usize>>> = units
        .iter()
        .map(|unit| {
            unit.iter()
                .map(|v| v.filter(|v| !v.is_nan()).and_then(|v| values.binary_search_by(|x| x.total_cmp(&v)).ok()))
                .collect()
        })
        .collect();
    Coincidences::build(&indexed, values).alpha(level)
}

/// Nominal alpha of categorical data (strings, labels…): `units[u][coder]`, `None` if missing.
pub fn alpha_nominal<T: Ord + Clone>(units: &[Vec<Option<T>>]) -> Alpha {
    let (indexed, count) = index_categories(units);
    Coincidences::build(&indexed, (0..count).map(|i| i as f64).collect()).alpha(Level::Nominal)
}

/// Nominal alpha of one category against all others (DKPro's category-specific alpha).
pub fn alpha_for_category<T: Ord + Clone>(units: &[Vec<Option<T>>], category: &T) -> Alpha {
    let binary: Vec<Vec<Option<bool>>> =
        units.iter().map(|unit| unit.iter().map(|v| v.as_ref().map(|v| v == category)).collect()).collect();
    alpha_nominal(&binary)
}

/// Maps categories to indexes in sorted order; returns the data and the number of categories.
pub(crate) fn index_categories<T: Ord + Clone>(units: &[Vec<Option<T>>]) -> (Vec<Vec<Option<usize>>>, usize) {
    let mut categories: Vec<&T> = units.iter().flatten().flatten().collect();
    categories.sort();
    categories.dedup();
    let indexed = units
        .iter()
        .map(|unit| unit.iter().map(|v| v.as_ref().and_then(|v| categories.binary_search(&v).ok())).collect())
        .collect();
    (indexed, categories.len())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!((actual - expected).abs() <= tolerance, "{actual} is not {expected} ± {tolerance}");
    }

    /// Rows are coders, as the reference prints them; `0` is missing.
    pub(crate) fn by_coder(rows: &[&[u8]]) -> Vec<Vec<Option<f64>>> {
        let units = rows[0].len();
        (0..units).map(|u| rows.iter().map(|r| (r[u] != 0).then_some(f64::from(r[u]))).collect()).collect()
    }

    /// Reference B3.1: Krippendorff (2011) / (2004) p.230, 4 coders × 12 units.
    pub(crate) fn krippendorff_2011() -> Vec<Vec<Option<f64>>> {
        by_coder(&[
            &[1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            &[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            &[0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            &[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ])
    }

    #[test]
    fn krippendorff_2011_all_levels() {
        let data = krippendorff_2011();
        let nominal = alpha(&data, Level::Nominal);
        assert_close(*nominal.alpha.as_ref().unwrap(), 0.743, 1e-3);
        assert_close(nominal.observed, 0.200, 1e-3);
        assert_close(nominal.expected, 0.779, 1e-3);
        assert_eq!(nominal.coincidences.pairable, 40.0);
        for (actual, expected) in nominal.coincidences.marginals.iter().zip([9.0, 13.0, 10.0, 5.0, 3.0]) {
            assert_close(*actual, expected, 1e-9);
        }
        let third = 1.0 / 3.0;
        let expected_matrix = [
            [7.0, 4.0 * third, third, third, 0.0],
            [4.0 * third, 10.0, 4.0 * third, third, 0.0],
            [third, 4.0 * third, 8.0, third, 0.0],
            [third, third, third, 4.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 3.0],
        ];
        for (c, row) in expected_matrix.iter().enumerate() {
            for (k, value) in row.iter().enumerate() {
                assert_close(nominal.coincidences.matrix[c * 5 + k], *value, 1e-12);
            }
        }
        assert_close(*alpha(&data, Level::Ordinal).alpha.as_ref().unwrap(), 0.815, 1e-3);
        let interval = alpha(&data, Level::Interval);
        assert_close(*interval.alpha.as_ref().unwrap(), 0.849, 1e-3);
        assert_close(interval.observed, 0.433, 1e-3);
        assert_close(interval.expected, 2.872, 1e-3);
        assert_close(*alpha(&data, Level::Ratio).alpha.as_ref().unwrap(), 0.797, 1e-3);
        // The same data as strings (the `krippendorff` docstring's nominal case).
        let strings: Vec<Vec<Option<String>>> =
            data.iter().map(|u| u.iter().map(|v| v.map(|v| format!("v{v}"))).collect()).collect();
        assert_close(*alpha_nominal(&strings).alpha.as_ref().unwrap(), 0.7434, 1e-4);
    }

    /// Reference B3.2: binary, 2 coders × 10 units (Krippendorff 2004 p.224).
    #[test]
    fn binary_two_coders() {
        let pairs = [(1, 0), (1, 1), (0, 1), (0, 0), (0, 0), (0, 1), (0, 0), (0, 1), (0, 0), (0, 0)];
        let data: Vec<Vec<Option<f64>>> =
            pairs.iter().map(|&(a, b)| vec![Some(f64::from(a)), Some(f64::from(b))]).collect();
        let result = alpha(&data, Level::Nominal);
        assert_close(result.observed, 0.400, 1e-3);
        assert_close(result.expected, 0.442, 1e-3);
        assert_close(*result.alpha.as_ref().unwrap(), 0.095, 1e-3);
    }

    /// Reference B3.3: Krippendorff (1980) p.139, 3 coders × 9 items.
    #[test]
    fn krippendorff_1980() {
        let items: [[u8; 3]; 9] =
            [[1, 1, 1], [1, 2, 2], [2, 2, 2], [4, 4, 4], [1, 4, 4], [2, 2, 2], [1, 2, 3], [3, 3, 3], [2, 2, 2]];
        let data: Vec<Vec<Option<f64>>> =
            items.iter().map(|i| i.iter().map(|&v| Some(f64::from(v))).collect()).collect();
        let nominal = alpha(&data, Level::Nominal);
        assert_close(*nominal.alpha.as_ref().unwrap(), 0.642, 1e-3);
        assert_close(nominal.observed, 0.259, 1e-3);
        assert_close(nominal.expected, 0.724, 1e-3);
        assert_close(*alpha(&data, Level::Interval).alpha.as_ref().unwrap(), 0.547, 1e-3);
        assert_close(*alpha(&data, Level::Ratio).alpha.as_ref().unwrap(), 0.483, 1e-3);
        let categories: Vec<Vec<Option<u8>>> = items.iter().map(|i| i.iter().map(|&v| Some(v)).collect()).collect();
        for (category, expected) in [(1, 0.381), (2, 0.711), (3, 0.717), (4, 0.764)] {
            let result = alpha_for_category(&categories, &category);
            assert_close(*result.alpha.as_ref().unwrap(), expected, 1e-3);
        }
    }

    /// Reference B3.4: Wikipedia's example, 3 coders × 15 units.
    #[test]
    fn wikipedia_example() {
        let data = by_coder(&[
            &[0, 0, 0, 0, 0, 3, 4, 1, 2, 1, 1, 3, 3, 0, 3],
            &[1, 0, 2, 1, 3, 3, 4, 3, 0, 0, 0, 0, 0, 0, 0],
            &[0, 0, 2, 1, 3, 4, 4, 0, 2, 1, 1, 3, 3, 0, 4],
        ]);
        assert_close(*alpha(&data, Level::Nominal).alpha.as_ref().unwrap(), 0.691358, 1e-6);
        assert_close(*alpha(&data, Level::Interval).alpha.as_ref().unwrap(), 0.810845, 1e-6);
    }

    /// Reference B3.5: Hayes & Krippendorff (2007) p.84, 5 coders × 40 units, ordinal; the data
    /// of their Table 1 (values 0–3, `.` missing; rows are units here).
    pub(crate) fn hayes_krippendorff_2007() -> Vec<Vec<Option<f64>>> {
        const ROWS: &str = "1 1 2 . 2|1 1 0 1 .|2 3 3 3 .|. 0 0 . 0|0 0 0 . 0|0 0 0 . 0|1 0 2 . 1|1 . 2 0 .|\
            2 2 2 . 2|2 1 1 1 .|. 1 0 0 .|0 0 0 0 .|1 2 2 2 .|3 3 2 2 3|1 1 1 . 1|1 1 1 . 1|2 1 2 . 2|\
            1 2 3 3 .|1 1 0 1 .|0 0 0 . 0|0 0 1 1 .|0 0 . 0 0|2 3 3 3 .|0 0 0 0 .|1 2 . 2 2|0 1 1 1 .|\
            0 0 0 1 0|1 2 1 2 .|1 1 2 2 .|1 1 2 . 2|1 1 0 . 0|2 1 2 1 .|2 2 . 2 2|3 2 2 2 .|2 2 2 . 2|\
            2 2 3 . 2|2 2 2 . 2|2 2 . 1 2|2 2 2 2 .|1 1 1 . 1";
        ROWS.split('|').map(|row| row.split_whitespace().map(|v| v.parse().ok()).collect()).collect()
    }

    #[test]
    fn hayes_krippendorff_2007_ordinal() {
        let data = hayes_krippendorff_2007();
        assert_eq!(data.len(), 40);
        assert_close(*alpha(&data, Level::Ordinal).alpha.as_ref().unwrap(), 0.7598, 1e-4);
    }

    /// Reference B3.6: Krippendorff (2004) p.227, 2 coders.
    #[test]
    fn krippendorff_2004_p227() {
        let items = ["aa", "ab", "bb", "bb", "bb", "bb", "bc", "cc", "cc", "cc", "cc", "cc"];
        let data: Vec<Vec<Option<char>>> = items.iter().map(|i| i.chars().map(Some).collect()).collect();
        let result = alpha_nominal(&data);
        assert_close(result.observed, 0.1667, 1e-4);
        assert_close(result.expected, 0.6268, 1e-4);
        assert_close(*result.alpha.as_ref().unwrap(), 0.734, 1e-3);
    }

    /// Reference B1.2 also gives nominal alpha for Artstein & Poesio's second example.
    #[test]
    fn artstein_poesio_alpha() {
        let mut data = Vec::new();
        for (a, b, n) in
            [("STAT", "STAT", 46), ("IReq", "STAT", 6), ("IReq", "IReq", 32), ("IReq", "Chck", 6), ("Chck", "Chck", 10)]
        {
            for _ in 0..n {
                data.push(vec![Some(a), Some(b)]);
            }
        }
        assert_close(*alpha_nominal(&data).alpha.as_ref().unwrap(), 0.8005, 1e-4);
    }

    #[test]
    fn undefined_cases_say_why() {
        let empty: Vec<Vec<Option<f64>>> = Vec::new();
        assert!(alpha(&empty, Level::Nominal).alpha.unwrap_err().0.contains("no unit was coded by two"));
        let lonely = vec![vec![Some(1.0), None], vec![None, Some(2.0)]];
        assert!(alpha(&lonely, Level::Interval).alpha.is_err());
        let constant = vec![vec![Some(1.0), Some(1.0)], vec![Some(1.0), Some(1.0)]];
        assert!(alpha(&constant, Level::Nominal).alpha.unwrap_err().0.contains("same single value"));
        // One coder: nothing is pairable.
        let one = vec![vec![Some(1.0)], vec![Some(2.0)]];
        assert!(alpha(&one, Level::Nominal).alpha.is_err());
    }

    #[test]
    fn full_agreement_with_variation_is_one() {
        let data = vec![vec![Some(1.0), Some(1.0), None], vec![Some(2.0), Some(2.0), Some(2.0)]];
        assert_eq!(alpha(&data, Level::Nominal).alpha, Ok(1.0));
        assert_eq!(alpha(&data, Level::Ordinal).alpha, Ok(1.0));
    }
}
