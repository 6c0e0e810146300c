//! Corpora in one file: CSV/TSV (one document per row: a text column, the other columns become
//! metadata and document variables) and JSON Lines (`text` plus fields; doccano's export with
//! `text`/`data` and `label`/`entities`, Label Studio's tasks with `data.text`), also as one JSON
//! array (Label Studio's JSON export). Annotation fields (`label`, `entities`, `annotations`…)
//! are not metadata; `spanwise import-annotations` reads them.

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// One document of a corpus file.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// 1-based line (JSONL) or record (CSV, header excluded: the first row is 1).
    pub number: usize,
    pub text: String,
    /// The other columns or fields, by lowercased name.
    pub metadata: BTreeMap<String, String>,
}

/// A row that could not be read, with the reason.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{kind} {number}: {message}")]
pub struct RowError {
    /// "row" or "line".
    pub kind: &'static str,
    pub number: usize,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CorpusError {
    #[error("no text column: the header has {0:?}; name the text column (--text-column NAME)")]
    NoTextColumn(Vec<String>),
    #[error("the text column {column:?} is not in the header {header:?}")]
    MissingColumn { column: String, header: Vec<String> },
    #[error("not a CSV file: {0}")]
    Csv(String),
    #[error("{0}")]
    Json(String),
}

/// Column names taken as the text when none is named, in order of preference.
const TEXT_NAMES: &[&str] =
    &["text", "body", "content", "article", "full_text", "fulltext", "document", "message", "abstract"];
/// Fields that hold annotations, not metadata.
const ANNOTATION_FIELDS: &[&str] =
    &["label", "labels", "entities", "relations", "annotations", "predictions", "spans", "tokens", "cats", "drafts"];

/// Reads CSV (or TSV when `delimiter` is `\t`).
pub fn read_csv(
    text: &str,
    delimiter: u8,
    text_column: Option<&str>,
) -> Result<Vec<Result<Row, RowError>>, CorpusError> {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> =
        reader.headers().map_err(|e| CorpusError::Csv(e.to_string()))?.iter().map(|h| h.trim().to_owned()).collect();
    let lower: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
    let text_index = match text_column {
        Some(column) => lower
            .iter()
            .position(|h| *h == column.to_lowercase())
            .ok_or_else(|| CorpusError::MissingColumn { column: column.to_owned(), header: header.clone() })?,
        None => TEXT_NAMES
            .iter()
            .find_map(|name| lower.iter().position(|h| h == name))
            .ok_or_else(|| CorpusError::NoTextColumn(header.clone()))?,
    };
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let number = i + 1;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                rows.push(Err(RowError { kind: "row", number, message: error.to_string() }));
                continue;
            }
        };
        let Some(text) = record.get(text_index) else {
            rows.push(Err(RowError {
                kind: "row",
                number,
                message: format!("it has no {:?} column", header[text_index]),
            }));
            continue;
        };
        let mut metadata = BTreeMap::new();
        for (j, value) in record.iter().enumerate() {
            if j != text_index && !value.trim().is_empty() {
                let key = lower.get(j).cloned().unwrap_or_else(|| format!("column{}", j + 1));
                metadata.insert(key, value.trim().to_owned());
            }
        }
        rows.push(Ok(Row { number, text: text.to_owned(), metadata }));
    }
    Ok(rows)
}

/// Reads JSON Lines, or one JSON array of objects.
pub fn read_json(text: &str, text_field: Option<&str>) -> Result<Vec<Result<Row, RowError>>, CorpusError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    // One JSON value (an array of tasks, or one object, possibly over many lines) or JSON Lines.
    if let Ok(value) = serde_json::from_str::<Json>(trimmed) {
        return match value {
            Json::Array(items) => {
                Ok(items.iter().enumerate().map(|(i, item)| row_of(item, i + 1, "item", text_field)).collect())
            }
            object @ Json::Object(_) => match row_of(&object, 1, "item", text_field) {
                Ok(row) => Ok(vec![Ok(row)]),
                Err(error) => Err(CorpusError::Json(error.message)),
            },
            _ => Err(CorpusError::Json("expected objects with a text field".into())),
        };
    }
    if trimmed.starts_with('[') {
        return Err(CorpusError::Json(
            serde_json::from_str::<Json>(trimmed).err().map(|e| e.to_string()).unwrap_or_default(),
        ));
    }
    let mut rows = Vec::new();
    for (i, line) in trimmed.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row = match serde_json::from_str::<Json>(line) {
            Ok(value) => row_of(&value, i + 1, "line", text_field),
            Err(error) => Err(RowError { kind: "line", number: i + 1, message: format!("not JSON ({error})") }),
        };
        rows.push(row);
    }
    Ok(rows)
}

fn scalar(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn row_of(value: &Json, number: usize, kind: &'static str, text_field: Option<&str>) -> Result<Row, RowError> {
    let error = |message: String| RowError { kind, number, message };
    let Json::Object(object) = value else { return Err(error("not a JSON object".into())) };
    // Label Studio tasks (and old doccano exports) keep the text under `data`.
    let mut fields: Vec<(&str, &Json)> = Vec::new();
    let data = object.get("data").and_then(Json::as_object);
    if let Some(data) = data {
        fields.extend(data.iter().map(|(k, v)| (k.as_str(), v)));
    }
    for (key, value) in object {
        if key != "data" || data.is_none() {
            fields.push((key.as_str(), value));
        }
    }
    let pick = |name: &str| fields.iter().position(|(k, v)| k.eq_ignore_ascii_case(name) && v.is_string());
    let text_index = match text_field {
        Some(name) => pick(name).ok_or_else(|| error(format!("it has no text field {name:?}")))?,
        None => TEXT_NAMES
            .iter()
            .find_map(|name| pick(name))
            .ok_or_else(|| error(format!("it has no text field (one of {})", TEXT_NAMES.join(", "))))?,
    };
    let text = fields[text_index].1.as_str().unwrap_or_default().to_owned();
    let mut metadata = BTreeMap::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        let key = key.to_lowercase();
        if i == text_index || ANNOTATION_FIELDS.contains(&key.as_str()) {
            continue;
        }
        if let Some(value) = scalar(value).filter(|v| !v.trim().is_empty()) {
            metadata.entry(key).or_insert(value);
        } else if let Json::Object(meta) = value
            && key == "meta"
        {
            // doccano's `meta` object: its fields become metadata.
            for (k, v) in meta {
                if let Some(v) = scalar(v) {
                    metadata.entry(k.to_lowercase()).or_insert(v);
                }
            }
        }
    }
    Ok(Row { number, text, metadata })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_with_metadata() {
        let csv = "id,Title,text,outlet\n1,First,\"Müller said 🎉, \"\"quoted\"\"\r\nsecond line\",IranWire\n2,Second,شبکه‌های 社交,\n";
        let rows = read_csv(csv, b',', None).unwrap();
        let first = rows[0].as_ref().unwrap();
        assert_eq!(first.text, "Müller said 🎉, \"quoted\"\r\nsecond line");
        assert_eq!(first.metadata["title"], "First");
        assert_eq!(first.metadata["outlet"], "IranWire");
        assert_eq!(rows[1].as_ref().unwrap().text, "شبکه‌های 社交");
        assert!(!rows[1].as_ref().unwrap().metadata.contains_key("outlet"));
    }

    #[test]
    fn tsv_and_a_named_text_column() {
        let tsv = "headline\tstory\nA\tBody one\nB\tBody two\n";
        assert!(matches!(read_csv(tsv, b'\t', None), Err(CorpusError::NoTextColumn(_))));
        let rows = read_csv(tsv, b'\t', Some("Story")).unwrap();
        assert_eq!(rows[1].as_ref().unwrap().text, "Body two");
        assert_eq!(rows[1].as_ref().unwrap().metadata["headline"], "B");
        assert!(matches!(read_csv(tsv, b'\t', Some("nope")), Err(CorpusError::MissingColumn { .. })));
    }

    #[test]
    fn jsonl_doccano_and_label_studio_shapes() {
        let jsonl = concat!(
            r#"{"text": "Plain 👨‍👩‍👧", "outlet": "X", "year": 2020}"#,
            "\n",
            r#"{"id": 7, "text": "doccano text", "label": [[0, 7, "ORG"]], "meta": {"source": "feed"}}"#,
            "\n",
            r#"{"id": 9, "data": {"text": "Label Studio text", "url": "https://x"}, "annotations": []}"#,
            "\n",
            "not json\n",
            r#"{"title": "no text"}"#,
            "\n",
        );
        let rows = read_json(jsonl, None).unwrap();
        let plain = rows[0].as_ref().unwrap();
        assert_eq!(
            (plain.text.as_str(), plain.metadata["outlet"].as_str(), plain.metadata["year"].as_str()),
            ("Plain 👨‍👩‍👧", "X", "2020")
        );
        let doccano = rows[1].as_ref().unwrap();
        assert_eq!(doccano.text, "doccano text");
        assert_eq!(doccano.metadata.get("label"), None);
        assert_eq!(doccano.metadata["source"], "feed");
        let studio = rows[2].as_ref().unwrap();
        assert_eq!(
            (studio.text.as_str(), studio.metadata["url"].as_str(), studio.metadata["id"].as_str()),
            ("Label Studio text", "https://x", "9")
        );
        assert_eq!(rows[3].as_ref().unwrap_err().to_string().split(" (").next().unwrap(), "line 4: not JSON");
        assert!(rows[4].as_ref().unwrap_err().to_string().starts_with("line 5: it has no text field"));
    }

    #[test]
    fn label_studio_json_array() {
        let json = r#"[{"id": 1, "data": {"text": "One"}}, {"id": 2, "data": {"text": "Two"}}]"#;
        let rows = read_json(json, None).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].as_ref().unwrap().text, "Two");
    }
}
