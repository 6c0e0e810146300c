//! Any bytes as a PDF: never a panic that escapes (lopdf's and pdf-extract's are caught and
//! reported as damage) and never a hang; text that comes out is not blank.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // libfuzzer-sys aborts on any panic from its hook; the importer catches the PDF libraries'
    // panics as the app does, so the hook stays quiet and a panic that escapes still aborts.
    std::panic::set_hook(Box::new(|_| {}));
    if let Ok(pdf) = spanwise::formats::pdf::import(bytes) {
        assert!(!pdf.text.trim().is_empty());
    }
});
