//! Document metadata and typed values as the exports write them: the standard keys (title,
//! author, outlet, date as ISO 8601, url, language), every other metadata entry, and the
//! document variables with their types.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::Value as Json;

use crate::model::{Codebook, Document, Value, ValueKind};

/// The standard metadata keys, in the order the exports list them.
pub const STANDARD_KEYS: [&str; 6] = ["title", "author", "outlet", "date", "url", "language"];

/// Other names importers and web pages use for the standard keys (the first present is used
/// when the standard key itself is absent; the original entry is kept too).
const ALIASES: [(&str, &[&str]); 6] = [
    ("title", &["headline", "og:title"]),
    ("author", &["byline", "authors", "creator"]),
    ("outlet", &["site_name", "og:site_name", "publisher", "source_name", "sitename"]),
    ("date", &["published", "published_time", "date_published", "datepublished", "pubdate", "article:published_time"]),
    ("url", &["canonical_url", "canonical", "link", "og:url"]),
    ("language", &["lang", "inlanguage"]),
];

/// A standard metadata value of a document, looking through the aliases.
pub fn standard(document: &Document, key: &str) -> Option<String> {
    let value = document.metadata.get(key).cloned().or_else(|| {
        let (_, aliases) = ALIASES.iter().find(|(k, _)| *k == key)?;
        aliases.iter().find_map(|alias| document.metadata.get(*alias).cloned())
    })?;
    let value = value.trim().to_owned();
    if value.is_empty() {
        return None;
    }
    Some(if key == "date" { iso_date(&value).unwrap_or(value) } else { value })
}

/// A date as ISO 8601: `2024-05-01` for a day, RFC 3339 in UTC for a moment. `None` when the
/// text is not a date Spanwise can read (it is then exported as written).
pub fn iso_date(text: &str) -> Option<String> {
    let text = text.trim();
    if let Ok(moment) = DateTime::parse_from_rfc3339(text) {
        return Some(super::timestamp(&moment.with_timezone(&chrono::Utc)));
    }
    if let Ok(moment) = DateTime::parse_from_rfc2822(text) {
        return Some(super::timestamp(&moment.with_timezone(&chrono::Utc)));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d %H:%M:%S%z"] {
        if let Ok(moment) = DateTime::parse_from_str(text, format) {
            return Some(super::timestamp(&moment.with_timezone(&chrono::Utc)));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(moment) = NaiveDateTime::parse_from_str(text, format) {
            return Some(moment.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%b. %d, %Y"] {
        if let Ok(day) = NaiveDate::parse_from_str(text, format) {
            return Some(day.format("%Y-%m-%d").to_string());
        }
    }
    None
}

/// A typed value as JSON: text and choices as strings, numbers as numbers, booleans as booleans.
pub fn value_json(value: &Value) -> Json {
    match value {
        Value::Text(text) | Value::Choice(text) => Json::String(text.clone()),
        Value::Number(number) => serde_json::Number::from_f64(*number).map_or(Json::Null, Json::Number),
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Choices(choices) => Json::Array(choices.iter().cloned().map(Json::String).collect()),
        Value::Date(date) => Json::String(date.format("%Y-%m-%d").to_string()),
    }
}

/// A typed value as text (CSV cells, brat, descriptions): numbers without a needless `.0`.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Text(text) | Value::Choice(text) => text.clone(),
        Value::Number(number) => number_text(*number),
        Value::Bool(flag) => flag.to_string(),
        Value::Choices(_) | Value::Date(_) => value.display(),
    }
}

/// `1` for 1.0, `0.5` for 0.5.
pub fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 { format!("{}", number as i64) } else { format!("{number}") }
}

/// A JSON value read back as a typed value. With the codebook's kind when it is known;
/// otherwise strings are text, numbers numbers, booleans booleans.
pub fn value_from_json(json: &Json, kind: Option<&ValueKind>) -> Option<Value> {
    match (json, kind) {
        (Json::Null, _) => None,
        (Json::String(text), Some(kind)) => value_from_text(text, Some(kind)),
        (Json::String(text), None) => Some(Value::Text(text.clone())),
        (Json::Bool(flag), Some(ValueKind::Text)) => Some(Value::Text(flag.to_string())),
        (Json::Bool(flag), _) => Some(Value::Bool(*flag)),
        (Json::Number(number), Some(ValueKind::Text)) => Some(Value::Text(number.to_string())),
        (Json::Number(number), Some(ValueKind::Choice(_))) => Some(Value::Choice(number.to_string())),
        (Json::Array(items), Some(ValueKind::MultiChoice(_))) => Some(Value::Choices(
            items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned)).collect(),
        )),
        (Json::Number(number), _) => number.as_f64().map(Value::Number),
        (other, _) => Some(Value::Text(other.to_string())),
    }
}

/// Text read back as a typed value of `kind` (text when unknown or unreadable as that kind).
pub fn value_from_text(text: &str, kind: Option<&ValueKind>) -> Option<Value> {
    Some(match kind {
        Some(ValueKind::Number) => match text.trim().parse::<f64>() {
            Ok(number) => Value::Number(number),
            Err(_) => Value::Text(text.to_owned()),
        },
        Some(ValueKind::Bool) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Value::Bool(true),
            "false" | "no" | "0" => Value::Bool(false),
            _ => Value::Text(text.to_owned()),
        },
        Some(ValueKind::Choice(_)) => Value::Choice(text.to_owned()),
        Some(ValueKind::MultiChoice(_)) => {
            Value::Choices(text.split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect())
        }
        Some(ValueKind::Date) => match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            Ok(date) => Value::Date(date),
            Err(_) => Value::Text(text.to_owned()),
        },
        Some(ValueKind::Text) | None => Value::Text(text.to_owned()),
    })
}

/// A document's metadata as the JSON exports write it: the standard keys first (date as ISO
/// 8601), then every other metadata entry, then the document variables with their types (a
/// variable replaces a metadata entry of the same name).
pub fn metadata_json(document: &Document) -> serde_json::Map<String, Json> {
    let mut map = serde_json::Map::new();
    for key in STANDARD_KEYS {
        if let Some(value) = standard(document, key) {
            map.insert(key.to_owned(), Json::String(value));
        }
    }
    for (key, value) in &document.metadata {
        if !map.contains_key(key) {
            map.insert(key.clone(), Json::String(value.clone()));
        }
    }
    for (key, value) in &document.variables {
        map.insert(key.clone(), value_json(value));
    }
    map
}

/// The attribute ids used in `documents`, codebook order first, then any others sorted.
pub fn attribute_ids(codebook: &Codebook, documents: &[&Document]) -> Vec<String> {
    let mut ids: Vec<String> = codebook.attributes.iter().map(|a| a.id.clone()).collect();
    let mut others = std::collections::BTreeSet::new();
    for doc in documents {
        for annotation in &doc.annotations {
            for key in annotation.attributes.keys() {
                if !ids.contains(key) {
                    others.insert(key.clone());
                }
            }
        }
    }
    ids.extend(others);
    ids
}

/// The document variable ids used in `documents`, codebook order first, then any others sorted.
pub fn variable_ids(codebook: &Codebook, documents: &[&Document]) -> Vec<String> {
    let mut ids: Vec<String> = codebook.document_fields.iter().map(|f| f.id.clone()).collect();
    let others: std::collections::BTreeSet<&String> =
        documents.iter().flat_map(|d| d.variables.keys()).filter(|k| !ids.contains(k)).collect();
    ids.extend(others.into_iter().cloned());
    ids
}

/// The metadata keys (other than the standard ones) used in `documents`, sorted.
pub fn other_metadata_keys(documents: &[&Document]) -> Vec<String> {
    let mut aliases: Vec<&str> = Vec::new();
    for (_, names) in ALIASES {
        aliases.extend(names.iter().copied());
    }
    let keys: std::collections::BTreeSet<&String> = documents
        .iter()
        .flat_map(|d| d.metadata.keys())
        .filter(|k| !STANDARD_KEYS.contains(&k.as_str()) && !aliases.contains(&k.as_str()))
        .collect();
    keys.into_iter().cloned().collect()
}

/// The kind of an attribute, if the codebook defines it.
pub fn attribute_kind<'c>(codebook: &'c Codebook, attribute_id: &str) -> Option<&'c ValueKind> {
    codebook.attributes.iter().find(|a| a.id == attribute_id).map(|a| &a.kind)
}

/// The kind of a document variable, if the codebook defines it.
pub fn variable_kind<'c>(codebook: &'c Codebook, field_id: &str) -> Option<&'c ValueKind> {
    codebook.document_fields.iter().find(|f| f.id == field_id).map(|f| &f.kind)
}

/// An identifier safe as a column name in R, SPSS, pandas and SQL: ASCII letters, digits and
/// `_`, starting with a letter.
pub fn column_name(prefix: &str, id: &str) -> String {
    let mut name = String::from(prefix);
    for ch in id.chars() {
        if ch.is_ascii_alphanumeric() {
            name.push(ch.to_ascii_lowercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_').to_owned();
    if name.is_empty() || name == prefix.trim_end_matches('_') {
        format!("{prefix}x{:x}", fnv(id) & 0xffff)
    } else {
        name
    }
}

/// Column names for ids, made unique (`_2`, `_3` … when two ids sanitize alike).
pub fn unique_columns(prefix: &str, ids: &[String], taken: &mut Vec<String>) -> Vec<String> {
    ids.iter()
        .map(|id| {
            let base = column_name(prefix, id);
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base}_{n}");
                n += 1;
            }
            taken.push(name.clone());
            name
        })
        .collect()
}

/// A short stable hash (FNV-1a 64).
pub fn fnv(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Names for documents as files: the name without extension, made safe for file systems and
/// unique (`-2`, `-3` …); the id when the name has nothing usable.
pub fn file_stems(documents: &[&Document]) -> Vec<String> {
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    documents
        .iter()
        .map(|doc| {
            let name = doc.name.rsplit_once('.').map_or(doc.name.as_str(), |(stem, ext)| {
                if ext.len() <= 5 && !stem.is_empty() { stem } else { doc.name.as_str() }
            });
            let mut stem: String = name
                .chars()
                .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
                .take(80)
                .collect();
            stem = stem.trim_matches(|c| c == '.' || c == '_').to_owned();
            if stem.is_empty() {
                stem = doc.id.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect();
            }
            if stem.is_empty() {
                stem = "document".into();
            }
            let count = taken.entry(stem.to_lowercase()).or_insert(0);
            *count += 1;
            if *count > 1 { format!("{stem}-{count}") } else { stem }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_iso_8601() {
        assert_eq!(iso_date("2024-05-01").as_deref(), Some("2024-05-01"));
        assert_eq!(iso_date("May 1, 2024").as_deref(), Some("2024-05-01"));
        assert_eq!(iso_date("1 May 2024").as_deref(), Some("2024-05-01"));
        assert_eq!(iso_date("01.05.2024").as_deref(), Some("2024-05-01"));
        assert_eq!(iso_date("2024-05-01T14:00:00+02:00").as_deref(), Some("2024-05-01T12:00:00Z"));
        assert_eq!(iso_date("Wed, 01 May 2024 12:00:00 GMT").as_deref(), Some("2024-05-01T12:00:00Z"));
        assert_eq!(iso_date("spring 2024"), None);
    }

    #[test]
    fn standard_keys_look_through_aliases_and_keep_unreadable_dates() {
        let mut doc = Document::new("d1", "a.txt", "x".into());
        doc.metadata.insert("site_name".into(), "IranWire".into());
        doc.metadata.insert("date".into(), "spring 2024".into());
        assert_eq!(standard(&doc, "outlet").as_deref(), Some("IranWire"));
        assert_eq!(standard(&doc, "date").as_deref(), Some("spring 2024"));
        let json = metadata_json(&doc);
        assert_eq!(json["outlet"], "IranWire");
        assert_eq!(json["site_name"], "IranWire", "the original entry is kept");
    }

    #[test]
    fn column_names_are_safe_and_unique() {
        assert_eq!(column_name("attr_", "Stance (for/against)"), "attr_stance_for_against");
        let mut taken = vec!["label".to_owned()];
        let names = unique_columns("attr_", &["a b".into(), "a-b".into(), "ü".into()], &mut taken);
        assert_eq!(names[0], "attr_a_b");
        assert_eq!(names[1], "attr_a_b_2");
        assert!(names[2].starts_with("attr_x"));
    }

    #[test]
    fn file_stems_are_unique() {
        let a = Document::new("d1", "report.txt", "x".into());
        let b = Document::new("d2", "Report.txt", "y".into());
        let c = Document::new("d/3", "", "z".into());
        let stems = file_stems(&[&a, &b, &c]);
        assert_eq!(stems, ["report", "Report-2", "d_3"]);
    }
}
