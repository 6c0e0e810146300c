//! Any text imported as a plain-text document: never a panic, always a valid document whose
//! offsets agree with the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let document = spanwise::formats::text::import(text, "d1".into(), "fuzz.txt".into());
    assert!(!document.text.contains('\r'));
    assert_eq!(document.char_len(), document.text.chars().count());
    let mut project = spanwise::model::Project::new("fuzz");
    project.documents.push(document);
    assert!(spanwise::model::validate(&project).is_empty());
});
