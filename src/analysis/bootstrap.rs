//! A bootstrapped distribution of Krippendorff's alpha: Krippendorff's algorithm ("Algorithm for
//! bootstrapping a distribution of α", used by Hayes's KALPHA), in the form R's `kripp.boot`
//! implements it, with a seeded generator so a result can be reproduced exactly.
//!
//! 1. Each cell `c ≤ k` of the coincidence matrix is drawn with probability `o_cc / n` (diagonal)
//!    or `2 o_ck / n`, and carries its distance `δ²_ck`.
//! 2. One bootstrap sample draws `M = min(25 q, (m - 1) n / 2)` cells (`q`: non-zero cells of the
//!    matrix, `m`: coders, `n`: pairable values) and gives `α* = 1 - Σ δ² / (M · D_e)`, with
//!    `α* < -1` set to `-1`.
//! 3. Samples where `α* = 1` only because there was no variation are corrected to 0: as many as
//!    `round(samples · Σ_c (o_cc / n)^M)` expects.
//! 4. The interval is read off the sorted samples at the two tail probabilities.

use super::coding::Alpha;
use super::rng::Rng;
use super::{Coefficient, Undefined};

/// How to bootstrap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BootstrapOptions {
    /// Number of bootstrap samples (Krippendorff recommends at least 1,000; 10,000 is usual).
    pub samples: usize,
    /// Seed of the generator: the same seed and data give the same interval.
    pub seed: u64,
    /// Confidence level of the interval, e.g. 0.95.
    pub confidence: f64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        Self { samples: 10_000, seed: 1, confidence: 0.95 }
    }
}

/// A bootstrapped confidence interval of alpha.
#[derive(Clone, Debug, PartialEq)]
pub struct AlphaInterval {
    pub alpha: f64,
    pub lower: f64,
    pub upper: f64,
    pub confidence: f64,
    /// Cells drawn per sample (`M`).
    pub draws: usize,
    /// The bootstrapped alphas, sorted ascending.
    pub estimates: Vec<f64>,
}

impl AlphaInterval {
    /// Share of bootstrapped alphas below `minimum`: Krippendorff's `q`, the probability of failing
    /// to reach that minimum (e.g. 0.667 or 0.8).
    pub fn probability_below(&self, minimum: f64) -> f64 {
        let below = self.estimates.partition_point(|&a| a < minimum);
        below as f64 / self.estimates.len().max(1) as f64
    }

    /// Mean of the bootstrapped alphas.
    pub fn mean(&self) -> Coefficient {
        if self.estimates.is_empty() {
            return Err(Undefined::new("no bootstrap samples"));
        }
        Ok(self.estimates.iter().sum::<f64>() / self.estimates.len() as f64)
    }
}

/// Bootstraps the distribution of `alpha` (from [`super::coding`]).
pub fn bootstrap(alpha: &Alpha, options: BootstrapOptions) -> Result<AlphaInterval, Undefined> {
    let value = alpha.alpha.clone()?;
    if options.samples == 0 {
        return Err(Undefined::new("the bootstrap needs at least one sample"));
    }
    if !(0.0 < options.confidence && options.confidence < 1.0) {
        return Err(Undefined::new(format!("confidence {} is not between 0 and 1", options.confidence)));
    }
    let coincidences = &alpha.coincidences;
    let v = coincidences.values.len();
    let n = coincidences.pairable;
    let delta = coincidences.distances(alpha.level);
    let expected = alpha.expected;
    // Cumulative probabilities of the cells c ≤ k, and their distances.
    let mut cumulative = Vec::new();
    let mut distances = Vec::new();
    let mut total = 0.0;
    for c in 0..v {
        for k in c..v {
            let o = coincidences.matrix[c * v + k];
            if o == 0.0 {
                continue;
            }
            total += if c == k { o / n } else { 2.0 * o / n };
            cumulative.push(total);
            distances.push(delta[c * v + k]);
        }
    }
    let nonzero_cells = coincidences.matrix.iter().filter(|&&o| o != 0.0).count();
    let pairs = (coincidences.coders.saturating_sub(1) as f64 * n / 2.0).floor() as usize;
    let draws = (25 * nonzero_cells).min(pairs).max(1);
    let diagonal_cells = (0..v).filter(|&c| coincidences.matrix[c * v + c] != 0.0).count();

    let mut rng = Rng::seeded(options.seed);
    let mut estimates = Vec::with_capacity(options.samples);
    let mut ones = 0usize;
    for _ in 0..options.samples {
        let mut sum = 0.0;
        for _ in 0..draws {
            let r = rng.next_f64() * total;
            let cell = cumulative.partition_point(|&p| p <= r).min(cumulative.len() - 1);
            sum += distances[cell];
        }
        let mut estimate = (1.0 - sum / (expected * draws as f64)).max(-1.0);
        if estimate == 1.0 {
            if diagonal_cells == 1 {
                estimate = 0.0;
            } else {
                ones += 1;
            }
        }
        estimates.push(estimate);
    }
    // Samples that agree perfectly only because they drew a single value are indeterminate.
    let no_variation: f64 = (0..v).map(|c| (coincidences.matrix[c * v + c] / n).powi(draws as i32)).sum();
    let mut to_correct = ((options.samples as f64 * no_variation).round() as usize).min(ones);
    for estimate in &mut estimates {
        if to_correct == 0 {
            break;
        }
        if *estimate == 1.0 {
            *estimate = 0.0;
            to_correct -= 1;
        }
    }
    estimates.sort_by(f64::total_cmp);
    let samples = estimates.len();
    let tail = (1.0 - options.confidence) / 2.0;
    let low_index = ((tail * samples as f64) as usize).max(1) - 1;
    let high_index = (((1.0 - tail) * samples as f64) as usize + 1).min(samples) - 1;
    Ok(AlphaInterval {
        alpha: value,
        lower: estimates[low_index],
        upper: estimates[high_index],
        confidence: options.confidence,
        draws,
        estimates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::coding::{Level, alpha, tests::hayes_krippendorff_2007};

    #[test]
    fn seeded_and_reproducible() {
        let data = hayes_krippendorff_2007();
        let result = alpha(&data, Level::Ordinal);
        let options = BootstrapOptions { samples: 5_000, seed: 7, confidence: 0.95 };
        let first = bootstrap(&result, options).unwrap();
        let again = bootstrap(&result, options).unwrap();
        assert_eq!(first, again);
        let other = bootstrap(&result, BootstrapOptions { seed: 8, ..options }).unwrap();
        assert_ne!(first.estimates, other.estimates);
        assert!((first.lower - other.lower).abs() < 0.03 && (first.upper - other.upper).abs() < 0.03);
        // The interval surrounds alpha, and the distribution is centred near it.
        assert!(first.lower < first.alpha && first.alpha < first.upper, "{first:?}");
        assert!((first.mean().unwrap() - first.alpha).abs() < 0.02);
        // 40 units, 4 values: a 95% interval of a plausible width around 0.76.
        assert!(first.upper - first.lower > 0.08 && first.upper - first.lower < 0.25, "{first:?}");
        assert!(first.probability_below(first.alpha) > 0.3 && first.probability_below(first.alpha) < 0.7);
        assert_eq!(first.probability_below(-2.0), 0.0);
        assert_eq!(first.probability_below(1.5), 1.0);
    }

    #[test]
    fn more_confidence_is_wider() {
        let data = crate::analysis::coding::tests::krippendorff_2011();
        let result = alpha(&data, Level::Nominal);
        let narrow = bootstrap(&result, BootstrapOptions { samples: 4_000, seed: 3, confidence: 0.8 }).unwrap();
        let wide = bootstrap(&result, BootstrapOptions { samples: 4_000, seed: 3, confidence: 0.99 }).unwrap();
        assert!(wide.lower <= narrow.lower && narrow.upper <= wide.upper);
        assert!(wide.estimates.iter().all(|&a| (-1.0..=1.0).contains(&a)));
    }

    #[test]
    fn undefined_alpha_has_no_interval() {
        let data = vec![vec![Some(1.0), Some(1.0)]];
        assert!(bootstrap(&alpha(&data, Level::Nominal), BootstrapOptions::default()).is_err());
    }
}
