//! Any bytes as a saved web page: decoding (BOM, `<meta charset>`, detection) and article
//! extraction never panic or hang; what comes out is a valid document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spanwise::formats::import::{ImportOptions, Kind, extract_bytes};

fuzz_target!(|bytes: &[u8]| {
    let Ok(extracted) = extract_bytes("fuzz.html", "fuzz.html", bytes, Kind::Html, &ImportOptions::default(), None) else {
        return;
    };
    assert!(!extracted.text.trim().is_empty());
    assert!(!extracted.text.contains('\r'));
    let mut project = spanwise::model::Project::new("fuzz");
    project.documents.push(spanwise::model::Document::new("d1", extracted.name, extracted.text));
    assert!(spanwise::model::validate(&project).is_empty());
});
