//! An [`AgreementReport`] as people and programs read it: numbers shown with three decimals ("-"
//! where undefined) and every value as a CSV row with the reason where it is undefined. `spanwise
//! agree` and the Agreement panel both use these, so the window shows and exports exactly what
//! the command prints and writes.

use super::Coefficient;
use super::agreement::AgreementReport;
use super::attributes::ValueAgreement;
use super::bootstrap::{AlphaInterval, BootstrapOptions, bootstrap};
use super::span_f1::Mode;
use crate::model::Project;

/// A coefficient as `agree` prints it: three decimals, or "-" where it is undefined.
pub fn show(value: &Coefficient) -> String {
    match value {
        Ok(v) => format!("{v:.3}"),
        Err(_) => "-".to_owned(),
    }
}

/// One value of an agreement report, as a CSV row: empty `value` and a `reason` where undefined.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// `corpus` or `document`.
    pub scope: &'static str,
    /// The document id (empty for the corpus).
    pub document: String,
    /// A label id, `overall`, `macro` or `micro`.
    pub label: String,
    /// `alpha_u`, or `exact_p`, `overlap_f1`, ...
    pub measure: String,
    pub value: String,
    pub reason: String,
}

/// Every value of the report, in the order the CSV lists them.
pub fn rows(report: &AgreementReport) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut push = |scope: &'static str, document: &str, label: &str, measure: String, c: &Coefficient| {
        let (value, reason) = match c {
            Ok(v) => (format!("{v}"), String::new()),
            Err(why) => (String::new(), why.0.clone()),
        };
        rows.push(Row { scope, document: document.to_owned(), label: label.to_owned(), measure, value, reason });
    };
    let by_document = report.alpha_u_by_document.iter().map(|(d, a)| ("document", d.as_str(), a));
    for (scope, document, alphas) in std::iter::once(("corpus", "", &report.alpha_u)).chain(by_document) {
        for (label, result) in &alphas.per_label {
            push(scope, document, label, "alpha_u".into(), &result.alpha);
        }
        push(scope, document, "overall", "alpha_u".into(), &alphas.overall);
        push(scope, document, "macro", "alpha_u".into(), &alphas.macro_average);
    }
    for mode in Mode::ALL {
        let labelled = report.labels.iter().zip(&report.f1.per_label).map(|(l, c)| (l.as_str(), c.scores(mode)));
        let pooled = [("micro", report.f1.micro(mode)), ("macro", report.f1.macro_average(mode))];
        for (label, scores) in labelled.chain(pooled) {
            for (name, c) in [("p", &scores.precision), ("r", &scores.recall), ("f1", &scores.f1)] {
                push("corpus", "", label, format!("{}_{name}", mode.name()), c);
            }
        }
    }
    rows
}

/// Every undefined value with its reason, as `agree` lists them under "Undefined (shown as -)"
/// ("d2 alpha_u Claim: no coder marked any Claim"); per-document values only when there are
/// several documents (one document is the corpus).
pub fn undefined_lines(report: &AgreementReport, project: &Project) -> Vec<String> {
    let label_name = |id: &str| project.codebook.label(id).map_or(id.to_owned(), |l| l.name.clone());
    rows(report)
        .into_iter()
        .filter(|row| !row.reason.is_empty() && (row.scope != "document" || report.alpha_u_by_document.len() > 1))
        .map(|row| {
            let place = if row.document.is_empty() { String::new() } else { format!("{} ", row.document) };
            format!("{place}{} {}: {}", row.measure, label_name(&row.label), row.reason)
        })
        .collect()
}

/// A CSV field, quoted when it must be (RFC 4180).
pub fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// The CSV `spanwise agree --csv` writes: `scope,document,label,measure,value,reason`.
pub fn agreement_csv(report: &AgreementReport) -> String {
    let mut text = String::from("scope,document,label,measure,value,reason\n");
    for row in rows(report) {
        let fields = [row.scope, &row.document, &row.label, &row.measure, &row.value, &row.reason];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        text.push_str(&line.join(","));
        text.push('\n');
    }
    text
}

/// The bootstrapped 95% confidence interval of an attribute's alpha (Krippendorff's procedure,
/// 10,000 samples, seed 1: the same data always give the same interval), when alpha is defined.
pub fn attribute_interval(agreement: &ValueAgreement) -> Option<AlphaInterval> {
    bootstrap(&agreement.alpha, BootstrapOptions::default()).ok()
}

/// One attribute's agreement in words, as `spanwise agree` prints it and the Agreement panel
/// shows it: "stance: alpha (nominal) 0.712 on 40 spans, 95% CI 0.52..0.87, Cohen's kappa 0.70".
pub fn attribute_line(id: &str, agreement: &ValueAgreement, interval: Option<&AlphaInterval>) -> String {
    let kappa = match (&agreement.cohen, &agreement.fleiss) {
        (Some(c), _) => format!(", Cohen's kappa {}", show(&c.kappa)),
        (_, Some(f)) => format!(", Fleiss' kappa {}", show(&f.kappa)),
        _ => String::new(),
    };
    let interval = interval
        .map_or_else(String::new, |i| format!(", {:.0}% CI {:.3}..{:.3}", i.confidence * 100.0, i.lower, i.upper));
    format!(
        "{id}: alpha ({}) {} on {} spans{interval}{kappa}",
        agreement.level.name(),
        show(&agreement.alpha.alpha),
        agreement.units
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_or_line_breaks_are_quoted() {
        assert_eq!(csv_field("Grüße 🎉"), "Grüße 🎉");
        assert_eq!(csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(csv_field("a\r\nb"), "\"a\r\nb\"");
    }

    #[test]
    fn undefined_values_are_shown_as_a_dash_with_the_reason_in_the_csv() {
        assert_eq!(show(&Ok(0.12345)), "0.123");
        assert_eq!(show(&Err(super::super::Undefined::new("no coder marked any Quote"))), "-");
    }
}
