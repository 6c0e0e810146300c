//! Bytes to text: UTF-8 with or without a BOM, UTF-16 with a BOM, a `<meta charset>` in HTML,
//! and legacy encodings (Windows-1252, Windows-1256, ISO-8859-6, GB18030, Shift_JIS, KOI8-R…)
//! detected by `chardetng` and decoded by `encoding_rs`. The encoding used is reported, and the
//! user can name one instead (any WHATWG label: `windows-1256`, `latin1`, `sjis`, `koi8-r`…).

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// How the encoding was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingSource {
    /// Named by the user.
    Override,
    /// A byte order mark.
    Bom,
    /// The bytes are valid UTF-8.
    Utf8,
    /// `<meta charset>` or `http-equiv` in the page, or the server's `Content-Type`.
    Declared,
    /// Guessed from the bytes by chardetng.
    Detected,
}

/// A decoded text with the encoding it was read in.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the encoding (`UTF-8`, `windows-1256`, `Shift_JIS`…).
    pub encoding: &'static str,
    pub source: EncodingSource,
    /// Bytes that were not valid in that encoding (each became U+FFFD).
    pub replaced: usize,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EncodingError {
    #[error("this is a binary file, not text (it has zero bytes and no UTF-16 byte order mark)")]
    Binary,
    #[error(
        "unknown encoding {0:?}; use a name such as utf-8, windows-1252, windows-1256, iso-8859-6, gb18030, shift_jis or koi8-r"
    )]
    UnknownLabel(String),
    #[error(
        "the text does not look like {encoding}: {replaced} of its characters are not valid; name its encoding instead"
    )]
    WrongEncoding { encoding: &'static str, replaced: usize },
}

/// Looks up an encoding by any of its WHATWG labels.
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding, EncodingError> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| EncodingError::UnknownLabel(label.to_owned()))
}

/// Whether bytes look like a binary file: a zero byte in the first 8 KB of a file without a
/// UTF-16 BOM (text files never contain them; UTF-16 without a BOM is not supported).
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// `charset=` in the first 1024 bytes of an HTML page (`<meta charset="…">` or `http-equiv`).
pub fn html_declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"charset") {
        let mut i = from + at + b"charset".len();
        from = i;
        while i < lower.len() && lower[i].is_ascii_whitespace() {
            i += 1;
        }
        if lower.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while i < lower.len() && (lower[i].is_ascii_whitespace() || lower[i] == b'"' || lower[i] == b'\'') {
            i += 1;
        }
        let end = lower[i..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b';' | b'>' | b'/'))
            .map_or(lower.len(), |p| i + p);
        if let Some(encoding) = Encoding::for_label(&lower[i..end]) {
            // A page that says UTF-16 but reached here has no BOM: it is ASCII-compatible.
            return Some(if encoding == UTF_16LE || encoding == UTF_16BE { UTF_8 } else { encoding });
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes `bytes`. `chosen` (the user's choice) wins; otherwise a BOM, valid UTF-8, a charset
/// `declared` by the page or server, then chardetng's guess.
pub fn decode(
    bytes: &[u8],
    chosen: Option<&'static Encoding>,
    declared: Option<&'static Encoding>,
) -> Result<Decoded, EncodingError> {
    let (encoding, source) = if let Some(encoding) = chosen {
        (encoding, EncodingSource::Override)
    } else if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        (encoding, EncodingSource::Bom)
    } else if looks_binary(bytes) {
        return Err(EncodingError::Binary);
    } else if std::str::from_utf8(bytes).is_ok() {
        (UTF_8, EncodingSource::Utf8)
    } else if let Some(encoding) = declared.filter(|e| *e != UTF_8) {
        (encoding, EncodingSource::Declared)
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
        detector.feed(bytes, true);
        (detector.guess(None, chardetng::Utf8Detection::Deny), EncodingSource::Detected)
    };
    // `decode` removes a BOM of the encoding it decodes with (and picks UTF-16 by its BOM).
    let (text, used, _) = encoding.decode(bytes);
    let replaced = if matches!(source, EncodingSource::Utf8) { 0 } else { text.matches('\u{fffd}').count() };
    // Replacement characters already in a text are not decoding errors: compare with a lossless
    // count only when the guess was ours.
    if matches!(source, EncodingSource::Detected | EncodingSource::Declared)
        && replaced * 20 > text.chars().count().max(1)
    {
        return Err(EncodingError::WrongEncoding { encoding: used.name(), replaced });
    }
    Ok(Decoded { text: text.into_owned(), encoding: used.name(), source, replaced })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, label: &str) -> Vec<u8> {
        let encoding = encoding_for_label(label).unwrap();
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{label} cannot write {text}");
        bytes.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let text = "Müller 🎉 👨‍👩‍👧 شبکه‌های 社交\r\n";
        let plain = decode(text.as_bytes(), None, None).unwrap();
        assert_eq!((plain.text.as_str(), plain.encoding, plain.source), (text, "UTF-8", EncodingSource::Utf8));
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let with_bom = decode(&bom, None, None).unwrap();
        assert_eq!((with_bom.text.as_str(), with_bom.source), (text, EncodingSource::Bom));
    }

    #[test]
    fn utf16_with_bom() {
        let text = "Müller 🎉 شبکه‌های 社交";
        for (bom, little) in [([0xFF, 0xFE], true), ([0xFE, 0xFF], false)] {
            let mut bytes = bom.to_vec();
            for unit in text.encode_utf16() {
                bytes.extend(if little { unit.to_le_bytes() } else { unit.to_be_bytes() });
            }
            let decoded = decode(&bytes, None, None).unwrap();
            assert_eq!(decoded.text, text);
            assert_eq!(decoded.encoding, if little { "UTF-16LE" } else { "UTF-16BE" });
        }
    }

    #[test]
    fn legacy_encodings_are_detected() {
        let samples = [
            ("windows-1252", "Die Bürger und Behörden äußerten große Besorgnis über die Lage. Café, naïve, fiancée."),
            // Persian as Windows-1256 writes it (with the Arabic yeh; the code page has no Farsi yeh).
            (
                "windows-1256",
                "اعلام کرد که شبکه هاي اجتماعي تهديدي براي امنيت ملي هستند و دولت بايد آنها را کنترل کند. گزارش جديد",
            ),
            ("gb18030", "社交媒体对国家安全的影响越来越大，政府官员表示担忧。研究报告指出了十五个领域。"),
            ("shift_jis", "ソーシャルメディアは国家安全保障に影響を与えていると政府の研究が示しています。"),
            ("koi8-r", "Социальные сети представляют угрозу национальной безопасности, говорится в докладе."),
        ];
        for (label, text) in samples {
            let decoded = decode(&encode(text, label), None, None).unwrap();
            assert_eq!(decoded.text, text, "{label}");
            assert_eq!(decoded.source, EncodingSource::Detected);
            // chardetng names GB18030 text "GBK" (encoding_rs decodes GBK as GB18030) and KOI8-R
            // text "KOI8-U" (a superset that reads Russian identically).
            let expected = match label {
                "gb18030" => "GBK",
                "koi8-r" => "KOI8-U",
                other => encoding_for_label(other).unwrap().name(),
            };
            assert_eq!(decoded.encoding, expected, "{label}");
        }
    }

    #[test]
    fn iso_8859_6_arabic() {
        let text = "قالت الحكومة إن وسائل التواصل الاجتماعي تشكل تهديدا للأمن الوطني في البلاد";
        let bytes = encode(text, "iso-8859-6");
        // Declared (as a page or server would) or chosen by the user, it reads exactly.
        let declared = decode(&bytes, None, Some(encoding_for_label("iso-8859-6").unwrap())).unwrap();
        assert_eq!((declared.text.as_str(), declared.encoding), (text, "ISO-8859-6"));
        let chosen = decode(&bytes, encoding_for_label("ISO_8859-6").ok(), None).unwrap();
        assert_eq!(chosen.text, text);
        // Detected, it reads as Arabic letters.
        let detected = decode(&bytes, None, None).unwrap();
        assert!(detected.encoding == "ISO-8859-6" || detected.encoding == "windows-1256", "{}", detected.encoding);
    }

    #[test]
    fn the_user_can_override_and_binary_is_refused() {
        let bytes = encode("Grüße", "windows-1252");
        let decoded = decode(&bytes, Some(encoding_for_label("latin1").unwrap()), None).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.source), ("Grüße", EncodingSource::Override));
        assert_eq!(decode(b"PK\x03\x04\x00\x00binary", None, None), Err(EncodingError::Binary));
        assert!(matches!(encoding_for_label("klingon"), Err(EncodingError::UnknownLabel(_))));
    }

    #[test]
    fn meta_charset_is_found() {
        assert_eq!(
            html_declared_charset(b"<html><head><meta charset=\"windows-1256\">"),
            encoding_for_label("cp1256").ok()
        );
        assert_eq!(
            html_declared_charset(b"<meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'>"),
            encoding_for_label("sjis").ok()
        );
        assert_eq!(html_declared_charset(b"<p>no charset here</p>"), None);
    }
}
