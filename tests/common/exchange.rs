//! What a consumer of an export checks (the shapes the library's interchange tests check), for
//! the window's export tests: the files R reads from a CSV export, the Docs spaCy loads.

use std::collections::BTreeMap;
use std::path::Path;

use spanwise::model::Project;

/// Reads `annotations.csv` of a CSV export as R's `read.csv` would: a header and one record per
/// annotation fragment, every record with every column. Checks each row's text is the text at its
/// code point offsets. Returns the number of rows.
pub fn check_csv_export(folder: &Path, project: &Project) -> usize {
    let path = folder.join("annotations.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().expect("a header").iter().map(str::to_owned).collect();
    let texts: BTreeMap<&str, &str> = project.documents.iter().map(|d| (d.id.as_str(), d.text.as_str())).collect();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("an RFC 4180 record");
        assert_eq!(record.len(), header.len(), "every record has every column");
        let row: BTreeMap<&str, &str> = header.iter().map(String::as_str).zip(record.iter()).collect();
        let (start, end): (usize, usize) = (row["start"].parse().unwrap(), row["end"].parse().unwrap());
        let document = texts[row["document_id"]];
        let at: String = document.chars().skip(start).take(end - start).collect();
        // The formula guard prefixes `'` to cells starting with = + - @.
        let cell = row["text"];
        assert!(cell == at || cell.strip_prefix('\'') == Some(at.as_str()), "{cell:?} is the text at {start}..{end}");
        rows += 1;
    }
    let fragments: usize = project.documents.iter().flat_map(|d| &d.annotations).map(|a| a.fragments.len()).sum();
    assert_eq!(rows, fragments, "one row per annotation and fragment");
    assert!(folder.join("documents.csv").is_file());
    rows
}

/// Reads a spaCy export (one `Doc.to_json` object per line) as `Doc.from_json` would: the text
/// is the document's, and every span of `doc.spans["sc"]` starts and ends on a token boundary
/// with its label. Returns the number of spans.
pub fn check_spacy_export(path: &Path, project: &Project) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), project.documents.len(), "one Doc per document");
    let mut spans = 0;
    for (doc, document) in lines.iter().zip(&project.documents) {
        assert_eq!(doc["text"], document.text.as_str());
        let tokens: Vec<(u64, u64)> = doc["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .map(|t| (t["start"].as_u64().unwrap(), t["end"].as_u64().unwrap()))
            .collect();
        for span in doc["spans"]["sc"].as_array().expect("doc.spans[\"sc\"]") {
            let (start, end) = (span["start"].as_u64().unwrap(), span["end"].as_u64().unwrap());
            assert!(tokens.iter().any(|t| t.0 == start), "span {start}..{end} starts a token");
            assert!(tokens.iter().any(|t| t.1 == end), "span {start}..{end} ends a token");
            let label = span["label"].as_str().expect("a label");
            assert!(project.codebook.labels.iter().any(|l| l.name == label || l.id == label), "label {label}");
            spans += 1;
        }
    }
    spans
}

/// Files left beside an export (temporary names start with `.`).
pub fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && !n.ends_with(".lock") && n != ".cache")
        .collect()
}
