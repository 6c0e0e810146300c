//! Any bytes as a Word, OpenDocument or EPUB file (all zip + XML): never a panic, a hang or an
//! unbounded allocation; each format gets the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spanwise::formats::{docx, epub, odt};

fuzz_target!(|bytes: &[u8]| {
    let limit = 1 << 20;
    for result in [docx::import(bytes, limit), odt::import(bytes, limit), epub::import(bytes, limit)] {
        if let Ok(office) = result {
            assert!(!office.text.trim().is_empty());
        }
    }
});
