//! Any text as CSV, TSV and JSON Lines: never a panic; every row is either a document text with
//! its fields or an error naming its row or line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spanwise::formats::corpus::{read_csv, read_json};

fuzz_target!(|text: &str| {
    for rows in [read_csv(text, b',', None), read_csv(text, b'\t', Some("body"))].into_iter().flatten() {
        for row in rows.iter().flatten() {
            assert!(row.number >= 1);
        }
    }
    if let Ok(rows) = read_json(text, None) {
        for error in rows.iter().filter_map(|r| r.as_ref().err()) {
            assert!(error.number >= 1 && !error.message.is_empty());
        }
    }
});
