//! Cohen's kappa (two coders; with Scott's pi, Bennett's S and kappa_max from the same table) and
//! Fleiss' kappa (a fixed number of ratings per unit).
//!
//! Cohen: `κ = (p_o - p_e) / (1 - p_e)`, `p_o = Σ_k n_kk / N`, `p_e = Σ_k (n_k· / N)(n_·k / N)`.
//! Fleiss: `P_i = Σ_j n_ij (n_ij - 1) / (n (n-1))`, `P̄ = mean P_i`, `p_j = Σ_i n_ij / (N n)`,
//! `P̄_e = Σ_j p_j²`, `κ = (P̄ - P̄_e) / (1 - P̄_e)`.

use super::{Coefficient, Undefined};

/// Two coders' agreement from their contingency table (rows: coder A, columns: coder B).
#[derive(Clone, Debug, PartialEq)]
pub struct CohenKappa {
    pub kappa: Coefficient,
    /// Observed agreement `p_o`.
    pub observed: f64,
    /// Agreement expected from each coder's own marginals, `p_e`.
    pub expected: f64,
    /// Scott's pi: chance from the pooled marginals.
    pub scott_pi: Coefficient,
    /// Bennett, Alpert & Goldstein's S: chance as if every category were equally likely.
    pub bennett_s: Coefficient,
    /// The largest kappa these marginals allow.
    pub kappa_max: Coefficient,
    /// Large-sample standard error of kappa (Fleiss, Cohen & Everitt 1969), as statsmodels.
    pub std_error: Option<f64>,
    /// `kappa ± 1.959964 · std_error`.
    pub ci95: Option<(f64, f64)>,
    /// Number of units both coders coded.
    pub units: f64,
}

/// Cohen's kappa of a square contingency table of counts.
pub fn cohen_kappa_table(table: &[Vec<f64>]) -> CohenKappa {
    let q = table.len();
    let n: f64 = table.iter().flatten().sum();
    let undefined = |why: &str| CohenKappa {
        kappa: Err(Undefined::new(why)),
        observed: 0.0,
        expected: 0.0,
        scott_pi: Err(Undefined::new(why)),
        bennett_s: Err(Undefined::new(why)),
        kappa_max: Err(Undefined::new(why)),
        std_error: None,
        ci95: None,
        units: n,
    };
    if table.iter().any(|row| row.len() != q) {
        return undefined("the contingency table is not square");
    }
    if n <= 0.0 {
        return undefined("no unit was coded by both coders");
    }
    let rows: Vec<f64> = table.iter().map(|r| r.iter().sum::<f64>() / n).collect();
    let cols: Vec<f64> = (0..q).map(|k| table.iter().map(|r| r[k]).sum::<f64>() / n).collect();
    let observed: f64 = (0..q).map(|k| table[k][k]).sum::<f64>() / n;
    let expected: f64 = (0..q).map(|k| rows[k] * cols[k]).sum();
    let pi_expected: f64 = (0..q).map(|k| ((rows[k] + cols[k]) / 2.0).powi(2)).sum();
    let maximum: f64 = (0..q).map(|k| rows[k].min(cols[k])).sum();
    let chance_corrected = |p: f64, e: f64| -> Coefficient {
        if (1.0 - e).abs() < 1e-15 {
            Err(Undefined::new("both coders used a single category only, so agreement by chance is certain"))
        } else {
            Ok((p - e) / (1.0 - e))
        }
    };
    let kappa = chance_corrected(observed, expected);
    let bennett_s = if q < 2 {
        Err(Undefined::new("S needs at least two categories"))
    } else {
        Ok((observed - 1.0 / q as f64) / (1.0 - 1.0 / q as f64))
    };
    let std_error = kappa.as_ref().ok().map(|&k| {
        // Fleiss, Cohen & Everitt (1969), the asymptotic variance statsmodels reports.
        let p = |i: usize, j: usize| table[i][j] / n;
        let term_a: f64 = (0..q).map(|i| p(i, i) * (1.0 - (rows[i] + cols[i]) * (1.0 - k)).powi(2)).sum();
        let mut term_b = 0.0;
        for (i, col) in cols.iter().enumerate() {
            for (j, row) in rows.iter().enumerate() {
                if i != j {
                    term_b += p(i, j) * (col + row).powi(2);
                }
            }
        }
        let term_b = (1.0 - k).powi(2) * term_b;
        let term_c = (k - expected * (1.0 - k)).powi(2);
        ((term_a + term_b - term_c) / (1.0 - expected).powi(2) / n).max(0.0).sqrt()
    });
    let ci95 = match (&kappa, std_error) {
        (Ok(k), Some(se)) => Some((k - 1.959_963_984_540_054 * se, k + 1.959_963_984_540_054 * se)),
        _ => None,
    };
    CohenKappa {
        kappa_max: chance_corrected(maximum, expected),
        kappa,
        observed,
        expected,
        scott_pi: chance_corrected(observed, pi_expected),
        bennett_s,
        std_error,
        ci95,
        units: n,
    }
}

/// Cohen's kappa of two coders' values for the same units (`None`: not coded; such units are left
/// out). Categories are every value either coder used.
pub fn cohen_kappa<T: Ord + Clone>(first: &[Option<T>], second: &[Option<T>]) -> CohenKappa {
    let units: Vec<Vec<Option<T>>> = first
        .iter()
        .zip(second)
        .map(|(a, b)| if a.is_some() && b.is_some() { vec![a.clone(), b.clone()] } else { vec![None, None] })
        .collect();
    let (indexed, q) = super::coding::index_categories(&units);
    let mut table = vec![vec![0.0; q]; q];
    for unit in &indexed {
        if let [Some(a), Some(b)] = unit.as_slice() {
            table[*a][*b] += 1.0;
        }
    }
    cohen_kappa_table(&table)
}

/// Fleiss' kappa and its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct FleissKappa {
    pub kappa: Coefficient,
    /// `P̄`.
    pub observed: f64,
    /// `P̄_e`.
    pub expected: f64,
    /// Kappa of each category against the rest (Fleiss 1971), in column order.
    pub per_category: Vec<Coefficient>,
    /// Standard error under the null hypothesis κ = 0 (Fleiss, Nee & Landis 1979), as R's
    /// `irr::kappam.fleiss` reports it; `z = κ / se0`.
    pub std_error_null: Option<f64>,
    pub z: Option<f64>,
}

/// Fleiss' kappa of a table of counts: `counts[unit][category]` = how many coders chose that
/// category for that unit. Every unit must have the same number of ratings.
pub fn fleiss_kappa_counts(counts: &[Vec<f64>]) -> FleissKappa {
    let undefined = |why: String| FleissKappa {
        kappa: Err(Undefined::new(why)),
        observed: 0.0,
        expected: 0.0,
        per_category: Vec::new(),
        std_error_null: None,
        z: None,
    };
    let big_n = counts.len() as f64;
    let Some(first) = counts.first() else {
        return undefined("no unit was rated".into());
    };
    let n: f64 = first.iter().sum();
    let categories = first.len();
    if let Some((i, row)) = counts.iter().enumerate().find(|(_, r)| r.len() != categories || r.iter().sum::<f64>() != n)
    {
        return undefined(format!(
            "unit {} has {} ratings where the first has {n}; Fleiss' kappa needs the same number of ratings for every \
             unit (Krippendorff's alpha allows missing values)",
            i + 1,
            row.iter().sum::<f64>()
        ));
    }
    if n < 2.0 {
        return undefined("Fleiss' kappa needs at least two ratings per unit".into());
    }
    let p: Vec<f64> = (0..categories).map(|j| counts.iter().map(|r| r[j]).sum::<f64>() / (big_n * n)).collect();
    let observed =
        counts.iter().map(|r| r.iter().map(|x| x * (x - 1.0)).sum::<f64>() / (n * (n - 1.0))).sum::<f64>() / big_n;
    let expected: f64 = p.iter().map(|pj| pj * pj).sum();
    let kappa = if (1.0 - expected).abs() < 1e-15 {
        Err(Undefined::new("every rating is the same category, so agreement by chance is certain"))
    } else {
        Ok((observed - expected) / (1.0 - expected))
    };
    let per_category = (0..categories)
        .map(|j| {
            let pj = p[j];
            if pj == 0.0 || pj == 1.0 {
                return Err(Undefined::new("this category was used for every rating or for none"));
            }
            let disagreement: f64 = counts.iter().map(|r| r[j] * (n - r[j])).sum();
            Ok(1.0 - disagreement / (big_n * n * (n - 1.0) * pj * (1.0 - pj)))
        })
        .collect();
    let pq: f64 = p.iter().map(|pj| pj * (1.0 - pj)).sum();
    let pq_diff: f64 = p.iter().map(|pj| pj * (1.0 - pj) * ((1.0 - pj) - pj)).sum();
    let std_error_null =
        (pq > 0.0).then(|| 2f64.sqrt() / (pq * (big_n * n * (n - 1.0)).sqrt()) * (pq * pq - pq_diff).max(0.0).sqrt());
    let z = match (&kappa, std_error_null) {
        (Ok(k), Some(se)) if se > 0.0 => Some(k / se),
        _ => None,
    };
    FleissKappa { kappa, observed, expected, per_category, std_error_null, z }
}

/// Fleiss' kappa of coders' values: `units[u][coder]`. Units with a missing value make it
/// undefined (the number of ratings must be fixed); use Krippendorff's alpha for such data.
pub fn fleiss_kappa<T: Ord + Clone>(units: &[Vec<Option<T>>]) -> FleissKappa {
    let (indexed, q) = super::coding::index_categories(units);
    let counts: Vec<Vec<f64>> = indexed
        .iter()
        .map(|unit| {
            let mut row = vec![0.0; q];
            for value in unit.iter().flatten() {
                row[*value] += 1.0;
            }
            row
        })
        .collect();
    fleiss_kappa_counts(&counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::coding::tests::assert_close;

    fn value(c: &Coefficient) -> f64 {
        *c.as_ref().unwrap_or_else(|e| panic!("undefined: {e}"))
    }

    #[test]
    fn artstein_poesio_example_1() {
        let result = cohen_kappa_table(&[vec![20.0, 10.0], vec![20.0, 50.0]]);
        assert_close(result.observed, 0.7, 1e-12);
        assert_close(result.expected, 0.54, 1e-12);
        assert_close(value(&result.kappa), 0.348, 1e-3);
        assert_close(value(&result.kappa), 0.3478, 1e-4);
        assert_close(value(&result.scott_pi), 0.341, 1e-3);
        assert_close(value(&result.bennett_s), 0.4, 1e-12);
    }

    #[test]
    fn artstein_poesio_example_2_from_pairs() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (x, y, n) in
            [("STAT", "STAT", 46), ("IReq", "STAT", 6), ("IReq", "IReq", 32), ("IReq", "Chck", 6), ("Chck", "Chck", 10)]
        {
            for _ in 0..n {
                a.push(Some(x));
                b.push(Some(y));
            }
        }
        let result = cohen_kappa(&a, &b);
        assert_close(result.observed, 0.88, 1e-12);
        assert_close(result.expected, 0.396, 1e-12);
        assert_close(value(&result.kappa), 0.8013, 1e-4);
        assert_close(value(&result.scott_pi), 0.79953, 1e-5);
        assert_close(value(&result.bennett_s), 0.82, 1e-12);
    }

    #[test]
    fn cohen_1960() {
        let result = cohen_kappa_table(&[vec![88.0, 14.0, 18.0], vec![10.0, 40.0, 10.0], vec![2.0, 6.0, 12.0]]);
        assert_close(result.observed, 0.70, 1e-12);
        assert_close(result.expected, 0.41, 1e-12);
        assert_close(value(&result.kappa), 0.492, 1e-3);
        assert_close(value(&result.kappa), 0.4915, 1e-4);
        assert_close(value(&result.kappa_max), 0.831, 1e-3);
    }

    #[test]
    fn statsmodels_sas_example() {
        let result = cohen_kappa_table(&[vec![0.0, 4.0, 1.0], vec![0.0, 8.0, 0.0], vec![0.0, 1.0, 5.0]]);
        assert_close(value(&result.kappa), 0.4842, 1e-4);
        assert_close(result.std_error.unwrap(), 0.1380, 1e-4);
        let (low, high) = result.ci95.unwrap();
        assert_close(low, 0.2137, 1e-4);
        assert_close(high, 0.7547, 1e-4);
    }

    #[test]
    fn krippendorff_2004_p246() {
        let a = cohen_kappa_table(&[vec![12.0, 9.0, 9.0], vec![9.0, 14.0, 9.0], vec![9.0, 9.0, 20.0]]);
        assert_close(value(&a.kappa), 0.186, 1e-3);
        assert_close(value(&a.scott_pi), 0.186, 1e-3);
        assert_close(value(&a.bennett_s), 0.190, 1e-3);
        assert_close(a.observed, 0.460, 1e-12);
        let b = cohen_kappa_table(&[vec![12.0, 18.0, 18.0], vec![0.0, 14.0, 18.0], vec![0.0, 0.0, 20.0]]);
        assert_close(value(&b.kappa), 0.258, 1e-3);
        assert_close(value(&b.scott_pi), 0.186, 1e-3);
    }

    #[test]
    fn wikipedia_cohen() {
        let result = cohen_kappa_table(&[vec![20.0, 5.0], vec![10.0, 15.0]]);
        assert_close(result.observed, 0.7, 1e-12);
        assert_close(result.expected, 0.5, 1e-12);
        assert_close(value(&result.kappa), 0.4, 1e-12);
    }

    #[test]
    fn cohen_undefined_cases() {
        assert!(cohen_kappa_table(&[]).kappa.is_err());
        let same = cohen_kappa(&[Some("a"), Some("a")], &[Some("a"), Some("a")]);
        assert!(same.kappa.unwrap_err().0.contains("single category"));
        let missing = cohen_kappa(&[Some("a"), None, Some("b")], &[Some("a"), Some("b"), Some("b")]);
        assert_eq!(missing.units, 2.0);
        assert_eq!(missing.kappa, Ok(1.0));
    }

    /// Reference B2.1: Fleiss (1971), R `irr::diagnoses`.
    #[test]
    fn fleiss_1971() {
        let rows: [[u8; 6]; 30] = [
            [4, 4, 4, 4, 4, 4],
            [2, 2, 2, 5, 5, 5],
            [2, 3, 3, 3, 3, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 2, 2, 4, 4, 4],
            [1, 1, 3, 3, 3, 3],
            [3, 3, 3, 3, 5, 5],
            [1, 1, 3, 3, 3, 4],
            [1, 1, 4, 4, 4, 4],
            [5, 5, 5, 5, 5, 5],
            [1, 4, 4, 4, 4, 4],
            [1, 2, 4, 4, 4, 4],
            [2, 2, 2, 3, 3, 3],
            [1, 4, 4, 4, 4, 4],
            [2, 2, 4, 4, 4, 5],
            [3, 3, 3, 3, 3, 5],
            [1, 1, 1, 4, 5, 5],
            [1, 1, 1, 1, 1, 2],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 5, 5, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 4, 4, 4, 4, 4],
            [2, 2, 4, 5, 5, 5],
            [1, 1, 4, 4, 4, 4],
            [1, 4, 4, 4, 4, 5],
            [2, 2, 2, 2, 2, 4],
            [1, 1, 1, 1, 5, 5],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 3, 3, 3],
            [5, 5, 5, 5, 5, 5],
        ];
        let units: Vec<Vec<Option<u8>>> = rows.iter().map(|r| r.iter().map(|&v| Some(v)).collect()).collect();
        let result = fleiss_kappa(&units);
        assert_close(result.observed, 0.5556, 1e-4);
        assert_close(result.expected, 0.2201, 1e-3); // 0.21994 exactly; the reference rounds
        assert_close(value(&result.kappa), 0.4302445, 1e-7);
        // Fleiss printed these from rounded intermediate values; the exact ones are 0.2448,
        // 0.2448, 0.5200, 0.4711, 0.5661. DKPro's Fleiss1971Test checks them to ±0.005 too.
        for (category, expected) in [0.248, 0.248, 0.517, 0.470, 0.565].into_iter().enumerate() {
            assert_close(value(&result.per_category[category]), expected, 0.005);
        }
        assert_close(value(&result.per_category[0]), 0.244_755_244_755, 1e-9);
        assert_close(result.z.unwrap(), 17.65183, 1e-4);
    }

    /// Reference B2.2: Wikipedia's Fleiss example, 10 subjects × 14 raters.
    #[test]
    fn fleiss_wikipedia() {
        let counts: Vec<Vec<f64>> = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
        .iter()
        .map(|r| r.iter().map(|&v| f64::from(v)).collect())
        .collect();
        let result = fleiss_kappa_counts(&counts);
        assert_close(result.observed, 0.378, 1e-3);
        assert_close(result.expected, 0.2128, 1e-4);
        assert_close(value(&result.kappa), 0.2099, 1e-4);
        assert_close(value(&result.kappa), 0.210, 1e-3);
    }

    #[test]
    fn fleiss_needs_a_fixed_number_of_ratings() {
        let units = vec![vec![Some(1), Some(1), Some(2)], vec![Some(1), None, Some(2)]];
        let result = fleiss_kappa(&units);
        assert!(result.kappa.unwrap_err().0.contains("unit 2 has 2 ratings"));
        assert!(fleiss_kappa::<u8>(&[]).kappa.is_err());
    }
}
