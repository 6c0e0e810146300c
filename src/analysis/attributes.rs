//! Agreement on values: annotation attributes (e.g. a Claim's stance) and document variables.
//!
//! - **Attributes**: the units are the spans several coders marked identically (same document,
//!   label and fragments: the idea of Krippendorff's cu-alpha, coding given the unitizing). Each
//!   selected coder's value of the attribute on that span is one value; a coder without the span
//!   or without a value is missing.
//! - **Document variables**: a project keeps one value per document, so coders' variables are read
//!   from their own files; the units are documents matched by text hash.
//!
//! Values become numbers: a `Number` itself, a `Bool` 0/1, a `Choice` its position in the
//! codebook's option list (so ordinal choices keep their order), `Text` its rank among the texts
//! used. The default level is interval for numbers, nominal otherwise.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Name, Project, Value, ValueKind};

use super::Undefined;
use super::coding::{Alpha, Level, alpha};
use super::kappa::{CohenKappa, FleissKappa, cohen_kappa, fleiss_kappa};
use super::layers::Selection;

/// Agreement on one attribute or variable.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueAgreement {
    pub id: String,
    pub level: Level,
    /// Units with at least one value.
    pub units: usize,
    pub alpha: Alpha,
    /// Two coders: Cohen's kappa on the units both coded (nominal).
    pub cohen: Option<CohenKappa>,
    /// More coders: Fleiss' kappa (undefined when a unit lacks a value).
    pub fleiss: Option<FleissKappa>,
}

/// The default level of measurement for a kind of value.
pub fn default_level(kind: &ValueKind) -> Level {
    match kind {
        ValueKind::Number => Level::Interval,
        _ => Level::Nominal,
    }
}

/// Turns values into numbers (see the module docs); `texts` ranks the texts in use.
fn code(value: &Value, kind: Option<&ValueKind>, texts: &[String]) -> Option<f64> {
    match value {
        Value::Number(n) => Some(*n),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        // A choice the codebook lists has its option's rank; one it does not (an import, an
        // older codebook) still counts, ranked among the texts.
        Value::Choice(c) => match kind {
            Some(ValueKind::Choice(options)) if options.contains(c) => {
                options.iter().position(|o| o == c).map(|i| i as f64)
            }
            _ => texts.binary_search(c).ok().map(|i| i as f64 + 1e6),
        },
        Value::Text(t) => texts.binary_search(t).ok().map(|i| i as f64 + 1e6),
        // Days since the epoch keep dates interval-scaled.
        Value::Date(d) => Some(f64::from(chrono::Datelike::num_days_from_ce(d))),
        Value::Choices(c) => texts.binary_search(&c.join("; ")).ok().map(|i| i as f64 + 1e6),
    }
}

fn texts<'a>(values: impl Iterator<Item = &'a Value>) -> Vec<String> {
    let mut texts: Vec<String> = values
        .filter_map(|v| match v {
            Value::Text(t) | Value::Choice(t) => Some(t.clone()),
            Value::Choices(c) => Some(c.join("; ")),
            _ => None,
        })
        .collect();
    texts.sort();
    texts.dedup();
    texts
}

fn finish(id: &str, level: Level, units: Vec<Vec<Option<f64>>>, coders: usize) -> ValueAgreement {
    let result = alpha(&units, level);
    let nominal: Vec<Vec<Option<u64>>> =
        units.iter().map(|u| u.iter().map(|v| v.map(f64::to_bits)).collect()).collect();
    let (cohen, fleiss) = match coders {
        2 => {
            let first: Vec<Option<u64>> = nominal.iter().map(|u| u[0]).collect();
            let second: Vec<Option<u64>> = nominal.iter().map(|u| u[1]).collect();
            (Some(cohen_kappa(&first, &second)), None)
        }
        n if n > 2 => (None, Some(fleiss_kappa(&nominal))),
        _ => (None, None),
    };
    ValueAgreement { id: id.to_owned(), level, units: units.len(), alpha: result, cohen, fleiss }
}

/// Agreement of the selected coders on attribute `attribute_id` (level: the default for its kind
/// unless given).
pub fn attribute_agreement(
    project: &Project,
    selection: &Selection,
    attribute_id: &str,
    level: Option<Level>,
) -> Result<ValueAgreement, Undefined> {
    let definition = project.codebook.attributes.iter().find(|a| a.id == attribute_id);
    let kind = definition.map(|d| &d.kind);
    let level = level.or(kind.map(default_level)).unwrap_or(Level::Nominal);
    let coders = selection.annotators.len();
    // (document, label, fragments) -> value per coder.
    type SpanKey = (usize, Name, Vec<(usize, usize)>);
    let mut units: BTreeMap<SpanKey, Vec<Option<&Value>>> = BTreeMap::new();
    for (d, document) in selection.documents(project).enumerate() {
        for annotation in &document.annotations {
            let Some(coder) = selection.coder(&annotation.annotator) else { continue };
            let key = (d, annotation.label.clone(), annotation.fragments.iter().map(|f| (f.start, f.end)).collect());
            let slot = units.entry(key).or_insert_with(|| vec![None; coders]);
            if let Some(value) = annotation.attributes.get(attribute_id) {
                slot[coder] = Some(value);
            }
        }
    }
    let with_values: Vec<Vec<Option<&Value>>> = units.into_values().filter(|u| u.iter().any(Option::is_some)).collect();
    if with_values.is_empty() {
        return Err(Undefined::new(format!("no selected coder gave attribute \"{attribute_id}\" a value")));
    }
    let texts = texts(with_values.iter().flatten().flatten().copied());
    let coded = with_values.iter().map(|u| u.iter().map(|v| v.and_then(|v| code(v, kind, &texts))).collect()).collect();
    Ok(finish(attribute_id, level, coded, coders))
}

/// Agreement on document variable `field_id` between coders' own files (`(coder, project)`),
/// documents matched by text hash.
pub fn variable_agreement(
    files: &[(String, &Project)],
    field_id: &str,
    level: Option<Level>,
) -> Result<ValueAgreement, Undefined> {
    let kind =
        files.iter().find_map(|(_, p)| p.codebook.document_fields.iter().find(|f| f.id == field_id)).map(|f| &f.kind);
    let level = level.or(kind.map(default_level)).unwrap_or(Level::Nominal);
    let coders = files.len();
    let mut units: BTreeMap<&str, Vec<Option<&Value>>> = BTreeMap::new();
    for (coder, (_, project)) in files.iter().enumerate() {
        for document in &project.documents {
            if let Some(value) = document.variables.get(field_id) {
                units.entry(document.sha256.as_str()).or_insert_with(|| vec![None; coders])[coder] = Some(value);
            }
        }
    }
    if units.is_empty() {
        return Err(Undefined::new(format!("no file gives document variable \"{field_id}\" a value")));
    }
    let all: Vec<Vec<Option<&Value>>> = units.into_values().collect();
    let texts = texts(all.iter().flatten().flatten().copied());
    let coded = all.iter().map(|u| u.iter().map(|v| v.and_then(|v| code(v, kind, &texts))).collect()).collect();
    Ok(finish(field_id, level, coded, coders))
}

/// Every document variable any of the files uses, with its agreement.
pub fn all_variable_agreements(files: &[(String, &Project)]) -> Vec<(String, Result<ValueAgreement, Undefined>)> {
    let mut ids: Vec<String> = files
        .iter()
        .flat_map(|(_, p)| p.documents.iter().flat_map(|d| d.variables.keys().cloned()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    ids.sort();
    ids.into_iter().map(|id| (id.clone(), variable_agreement(files, &id, None))).collect()
}

/// Attributes used by the selected coders, with their agreement.
pub fn all_attribute_agreements(
    project: &Project,
    selection: &Selection,
) -> Vec<(String, Result<ValueAgreement, Undefined>)> {
    let mut ids: HashMap<String, ()> = HashMap::new();
    for document in selection.documents(project) {
        for annotation in document.annotations.iter().filter(|a| selection.coder(&a.annotator).is_some()) {
            for id in annotation.attributes.keys() {
                ids.insert(id.clone(), ());
            }
        }
    }
    let mut ids: Vec<String> = ids.into_keys().collect();
    ids.sort();
    ids.into_iter().map(|id| (id.clone(), attribute_agreement(project, selection, &id, None))).collect()
}
