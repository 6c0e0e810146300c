//! Any text imported as Markdown: never a panic or hang, always a valid document.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let document = spanwise::formats::markdown::import(text, "d1".into(), "fuzz.md".into());
    assert_eq!(document.char_len(), document.text.chars().count());
    let mut project = spanwise::model::Project::new("fuzz");
    project.documents.push(document);
    assert!(spanwise::model::validate(&project).is_empty());
});
