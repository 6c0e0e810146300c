//! Spanwise's agreement coefficients against the Python reference implementations, on random
//! cases: `tests/fixtures/agreement_crosscheck.json` holds the data and the values computed by
//! the `krippendorff` package (nominal checked against NLTK too), scikit-learn, statsmodels and an
//! independent implementation of unitizing alpha; `tests/crosscheck/make_agreement_cases.py`
//! makes it.

use serde_json::Value;
use spanwise::analysis::coding::{Level, alpha};
use spanwise::analysis::kappa::{cohen_kappa, fleiss_kappa_counts};
use spanwise::analysis::unitizing::{Unit, UnitizingStudy};

fn cases() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agreement_crosscheck.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}

fn close(actual: f64, expected: f64, what: &str) {
    assert!((actual - expected).abs() < 1e-9, "{what}: Spanwise {actual}, reference {expected}");
}

#[test]
fn krippendorff_alpha_matches_the_krippendorff_package() {
    let cases = cases();
    let list = cases["alpha"].as_array().unwrap();
    assert!(list.len() >= 40);
    for (n, case) in list.iter().enumerate() {
        let rows: Vec<Vec<Option<f64>>> = case["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row.as_array().unwrap().iter().map(Value::as_f64).collect())
            .collect();
        // The reference's rows are coders; Spanwise's are units.
        let units: Vec<Vec<Option<f64>>> = (0..rows[0].len()).map(|u| rows.iter().map(|r| r[u]).collect()).collect();
        for (level, name) in [
            (Level::Nominal, "nominal"),
            (Level::Ordinal, "ordinal"),
            (Level::Interval, "interval"),
            (Level::Ratio, "ratio"),
        ] {
            let expected = case["alpha"][name].as_f64().unwrap();
            let actual = alpha(&units, level).alpha.unwrap_or_else(|e| panic!("case {n} {name}: {e}"));
            close(actual, expected, &format!("case {n} {name}"));
        }
    }
}

#[test]
fn cohen_kappa_matches_scikit_learn_and_statsmodels() {
    let cases = cases();
    for (n, case) in cases["cohen"].as_array().unwrap().iter().enumerate() {
        let read =
            |key: &str| -> Vec<Option<i64>> { case[key].as_array().unwrap().iter().map(Value::as_i64).collect() };
        let result = cohen_kappa(&read("a"), &read("b"));
        close(result.kappa.clone().unwrap(), case["kappa"].as_f64().unwrap(), &format!("case {n} kappa"));
        close(result.std_error.unwrap(), case["std_error"].as_f64().unwrap(), &format!("case {n} standard error"));
    }
}

#[test]
fn fleiss_kappa_matches_statsmodels() {
    let cases = cases();
    for (n, case) in cases["fleiss"].as_array().unwrap().iter().enumerate() {
        let counts: Vec<Vec<f64>> = case["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect())
            .collect();
        let result = fleiss_kappa_counts(&counts);
        close(result.kappa.unwrap(), case["kappa"].as_f64().unwrap(), &format!("case {n}"));
    }
}

#[test]
fn unitizing_alpha_matches_an_independent_implementation() {
    let cases = cases();
    for (n, case) in cases["unitizing"].as_array().unwrap().iter().enumerate() {
        let get = |key: &str| case[key].as_u64().unwrap();
        let units: Vec<Unit> = case["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                let u: Vec<u64> = u.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
                Unit { coder: u[0] as usize, category: u[1] as usize, start: u[2], length: u[3] }
            })
            .collect();
        let study =
            UnitizingStudy::new(0, get("length"), get("coders") as usize, get("categories") as usize, units).unwrap();
        assert_eq!(study.merged_units(), 0);
        for (category, expected) in case["per_category"].as_array().unwrap().iter().enumerate() {
            if expected.is_null() {
                assert_eq!(study.unit_count(category), 0);
                continue;
            }
            close(
                study.observed(category),
                expected["observed"].as_f64().unwrap(),
                &format!("case {n} D_o({category})"),
            );
            close(
                study.expected(category),
                expected["expected"].as_f64().unwrap(),
                &format!("case {n} D_e({category})"),
            );
        }
    }
}
