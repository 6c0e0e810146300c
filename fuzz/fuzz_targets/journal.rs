//! Any bytes as an autosave journal: parsing never panics, and replaying what parses onto a
//! project never panics or produces an invalid project.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(contents) = spanwise::store::journal::parse(data, std::path::Path::new("fuzz.journal")) else { return };
    // A base the fuzzer can hit: document "d1" and annotator "a".
    let mut base = spanwise::model::Project::new("fuzz");
    base.documents.push(spanwise::model::Document::new(
        "d1",
        "d1.txt",
        "Müller said 🎉 that the council met.\nشبکه".to_owned(),
    ));
    base.annotators.push(spanwise::model::Annotator { id: "a".into(), name: "A".into() });
    let replayed = spanwise::store::journal::replay(base, &contents.entries, true);
    let problems = spanwise::model::validate(&replayed.project);
    assert!(problems.is_empty(), "replay produced an invalid project: {problems:?}");
});
