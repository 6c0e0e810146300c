//! Any bytes as a zip archive: listing and reading every entry within limits never panics, never
//! reads past the limits, and every name that passes `safe_path` stays inside the archive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spanwise::formats::archive::{Archive, safe_path};

fuzz_target!(|bytes: &[u8]| {
    let Ok(mut archive) = Archive::new(bytes, 4 << 20) else { return };
    for name in archive.file_names().into_iter().take(64) {
        if let Ok(path) = safe_path(&name) {
            assert!(path.is_relative());
            assert!(path.components().all(|c| matches!(c, std::path::Component::Normal(_))));
        }
        if let Ok(entry) = archive.read(&name, 1 << 20) {
            assert!(entry.len() <= 1 << 20);
        }
    }
});
