//! Any bytes as a project file: never a panic; whatever loads saves and loads back identically.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    if let Ok((project, unknown)) = spanwise::store::from_str_keeping_unknown(source) {
        let saved = spanwise::store::to_string_with(&project, &unknown);
        let (again, unknown_again) =
            spanwise::store::from_str_keeping_unknown(&saved).expect("a saved project loads");
        assert_eq!(again, project, "save + load changed the project");
        assert_eq!(spanwise::store::to_string_with(&again, &unknown_again), saved, "output is not deterministic");
    }
});
