//! Any bytes as a project file: never a panic; whatever loads saves and loads back identically;
//! and the result is exactly what `ron` alone makes of the whole text (`store::reader` parses
//! Spanwise's own layout directly, and must never read a file differently from `ron`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use spanwise::store::{self, LoadError};

/// The file as `ron` alone reads it (the same fields as `store`'s private `ProjectFile`).
#[derive(serde::Deserialize)]
struct RonFile {
    format: String,
    version: u32,
    project: spanwise::model::Project,
}

/// `ron`'s reading of the whole text, if it gives a project of a version this build reads.
fn by_ron(source: &str) -> Option<spanwise::model::Project> {
    let file: RonFile = ron::from_str(source).ok()?;
    if file.format != store::FORMAT_NAME || file.version > store::FORMAT_VERSION {
        return None;
    }
    let mut project = file.project;
    project.build_indexes();
    Some(project)
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    match store::from_str_keeping_unknown(source) {
        Ok((project, unknown)) => {
            let expected = by_ron(source).expect("loaded, but ron alone refuses the file");
            assert_eq!(project, expected, "the fast reader and ron read the file differently");

            let saved = store::to_string_with(&project, &unknown);
            let (again, unknown_again) = store::from_str_keeping_unknown(&saved).expect("a saved project loads");
            assert_eq!(again, project, "save + load changed the project");
            assert_eq!(store::to_string_with(&again, &unknown_again), saved, "output is not deterministic");
        }
        // Refused as unreadable or invalid (past the header check): ron must not find it valid.
        Err(LoadError::Invalid(problems)) => {
            if let Some(project) = by_ron(source) {
                assert!(
                    !spanwise::model::validate(&project).is_empty(),
                    "ron reads a valid project that the fast reader refuses: {problems:?}"
                );
            }
        }
        Err(_) => {}
    }
});
