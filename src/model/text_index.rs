//! Offset conversion between Unicode code points (the project's unit), UTF-8 bytes and UTF-16 units.
//!
//! Spans everywhere in Spanwise are half-open ranges of code points into the stored text.
//! Rust strings are indexed by bytes, some export formats want UTF-16 units; this index
//! converts between them in O(log n) with a sparse checkpoint table, so a 10 MB document
//! does not need a table entry per character.

use std::ops::Range;

/// Distance, in code points, between stored checkpoints.
const STRIDE: usize = 64;

/// Precomputed offsets for one immutable text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextIndex {
    /// Byte offset of every `STRIDE`-th code point (`byte_at[k]` = byte offset of char `k * STRIDE`).
    /// Empty when the text is pure ASCII (bytes == chars == UTF-16 units).
    byte_at: Vec<u32>,
    /// UTF-16 offset of every `STRIDE`-th code point (empty when no char is outside the BMP).
    utf16_at: Vec<u32>,
    char_len: usize,
    byte_len: usize,
    utf16_len: usize,
}

impl TextIndex {
    pub fn new(text: &str) -> Self {
        let byte_len = text.len();
        if text.is_ascii() {
            return Self {
                byte_at: Vec::new(),
                utf16_at: Vec::new(),
                char_len: byte_len,
                byte_len,
                utf16_len: byte_len,
            };
        }
        let mut byte_at = Vec::with_capacity(byte_len / STRIDE + 1);
        let mut utf16_at = Vec::with_capacity(byte_len / STRIDE + 1);
        let mut char_len = 0;
        let mut utf16_len = 0;
        let mut astral = false;
        for (byte, ch) in text.char_indices() {
            if char_len % STRIDE == 0 {
                byte_at.push(byte as u32);
                utf16_at.push(utf16_len as u32);
            }
            char_len += 1;
            let units = ch.len_utf16();
            astral |= units == 2;
            utf16_len += units;
        }
        if !astral {
            utf16_at = Vec::new();
        }
        Self { byte_at, utf16_at, char_len, byte_len, utf16_len }
    }

    /// Number of code points in the text.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    pub fn byte_len(&self) -> usize {
        self.byte_len
    }

    pub fn utf16_len(&self) -> usize {
        self.utf16_len
    }

    fn is_ascii(&self) -> bool {
        self.byte_at.is_empty() && self.char_len == self.byte_len
    }

    /// Byte offset of code point `char_offset` (which may equal `char_len`). `None` past the end.
    pub fn char_to_byte(&self, text: &str, char_offset: usize) -> Option<usize> {
        if char_offset > self.char_len {
            return None;
        }
        if self.is_ascii() {
            return Some(char_offset);
        }
        if char_offset == self.char_len {
            return Some(self.byte_len);
        }
        let checkpoint = char_offset / STRIDE;
        let base = self.byte_at[checkpoint] as usize;
        let skip = char_offset - checkpoint * STRIDE;
        text[base..].char_indices().nth(skip).map(|(b, _)| base + b)
    }

    /// Code point offset of byte `byte_offset`. `None` if it is past the end or inside a character.
    pub fn byte_to_char(&self, text: &str, byte_offset: usize) -> Option<usize> {
        if byte_offset > self.byte_len || !text.is_char_boundary(byte_offset) {
            return None;
        }
        if self.is_ascii() {
            return Some(byte_offset);
        }
        // Last checkpoint at or before the byte.
        let checkpoint = self.byte_at.partition_point(|&b| b as usize <= byte_offset) - 1;
        let base = self.byte_at[checkpoint] as usize;
        Some(checkpoint * STRIDE + text[base..byte_offset].chars().count())
    }

    /// UTF-16 offset of code point `char_offset`.
    pub fn char_to_utf16(&self, text: &str, char_offset: usize) -> Option<usize> {
        if char_offset > self.char_len {
            return None;
        }
        if self.utf16_at.is_empty() {
            return Some(char_offset);
        }
        let checkpoint = char_offset / STRIDE;
        if checkpoint >= self.utf16_at.len() {
            return Some(self.utf16_len);
        }
        let base_byte = self.byte_at[checkpoint] as usize;
        let base_units = self.utf16_at[checkpoint] as usize;
        let skip = char_offset - checkpoint * STRIDE;
        Some(base_units + text[base_byte..].chars().take(skip).map(char::len_utf16).sum::<usize>())
    }

    /// Code point offset of UTF-16 unit `utf16_offset`; `None` past the end or between a surrogate pair.
    pub fn utf16_to_char(&self, text: &str, utf16_offset: usize) -> Option<usize> {
        if utf16_offset > self.utf16_len {
            return None;
        }
        if self.utf16_at.is_empty() {
            return Some(utf16_offset);
        }
        let checkpoint = self.utf16_at.partition_point(|&u| u as usize <= utf16_offset) - 1;
        let mut units = self.utf16_at[checkpoint] as usize;
        let mut chars = checkpoint * STRIDE;
        for ch in text[self.byte_at[checkpoint] as usize..].chars() {
            if units == utf16_offset {
                return Some(chars);
            }
            if units > utf16_offset {
                return None;
            }
            units += ch.len_utf16();
            chars += 1;
        }
        (units == utf16_offset).then_some(chars)
    }

    /// Byte range of a code point range, if it lies within the text and is not reversed.
    pub fn byte_range(&self, text: &str, chars: Range<usize>) -> Option<Range<usize>> {
        if chars.start > chars.end {
            return None;
        }
        let start = self.char_to_byte(text, chars.start)?;
        let end = if chars.end - chars.start <= STRIDE {
            // Short spans: walk from the start instead of a second lookup.
            let len = chars.end - chars.start;
            if len == 0 {
                start
            } else {
                let mut it = text[start..].char_indices();
                match it.nth(len - 1) {
                    Some((b, ch)) => start + b + ch.len_utf8(),
                    None => return None,
                }
            }
        } else {
            self.char_to_byte(text, chars.end)?
        };
        Some(start..end)
    }

    /// The text of a code point range.
    pub fn slice<'t>(&self, text: &'t str, chars: Range<usize>) -> Option<&'t str> {
        self.byte_range(text, chars).map(|r| &text[r])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every char offset round-trips through bytes and UTF-16, checked against a naive table.
    fn check_all(text: &str) {
        let index = TextIndex::new(text);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        assert_eq!(index.char_len(), chars.len());
        let mut utf16 = 0;
        for (i, &(byte, ch)) in chars.iter().enumerate() {
            assert_eq!(index.char_to_byte(text, i), Some(byte), "char {i} in {text:?}");
            assert_eq!(index.byte_to_char(text, byte), Some(i));
            assert_eq!(index.char_to_utf16(text, i), Some(utf16));
            assert_eq!(index.utf16_to_char(text, utf16), Some(i));
            if ch.len_utf16() == 2 {
                assert_eq!(index.utf16_to_char(text, utf16 + 1), None, "inside a surrogate pair");
            }
            for inner in 1..ch.len_utf8() {
                assert_eq!(index.byte_to_char(text, byte + inner), None);
            }
            utf16 += ch.len_utf16();
        }
        assert_eq!(index.char_to_byte(text, chars.len()), Some(text.len()));
        assert_eq!(index.char_to_utf16(text, chars.len()), Some(utf16));
        assert_eq!(index.char_to_byte(text, chars.len() + 1), None);
        assert_eq!(index.utf16_len(), utf16);
    }

    #[test]
    fn ascii_is_identity() {
        check_all("plain ascii text");
        let index = TextIndex::new("abc");
        assert_eq!(index.slice("abc", 1..3), Some("bc"));
        let reversed = std::ops::Range { start: 2, end: 1 };
        assert_eq!(index.slice("abc", reversed), None);
    }

    #[test]
    fn umlaut_emoji_zwj_combining_rtl_cjk() {
        // ü (2 bytes), 🎉 (4 bytes, 2 UTF-16 units), a ZWJ family (7 code points, one grapheme),
        // e + combining acute, Persian, Chinese.
        let text = "Grüße 🎉 👨‍👩‍👧 é شبکه‌های اجتماعی 社交媒体";
        check_all(text);
        let index = TextIndex::new(text);
        // Code points, not graphemes: the family emoji is 5 code points (3 people, 2 ZWJ).
        let family_start = text.chars().position(|c| c == '👨').unwrap();
        assert_eq!(index.slice(text, family_start..family_start + 5), Some("👨‍👩‍👧"));
        let persian_start = text.chars().position(|c| c == 'ش').unwrap();
        assert_eq!(index.slice(text, persian_start..persian_start + 4), Some("شبکه"));
        let cjk = text.chars().count() - 4;
        assert_eq!(index.slice(text, cjk..cjk + 4), Some("社交媒体"));
        assert_eq!(index.char_to_utf16(text, 7), Some(8), "🎉 is two UTF-16 units");
    }

    #[test]
    fn long_text_crosses_checkpoints() {
        let text: String = (0..1000).map(|i| ["ü", "a", "🎉", "社"][i % 4]).collect();
        check_all(&text);
    }

    #[test]
    fn empty_text() {
        check_all("");
        let index = TextIndex::new("");
        assert_eq!(index.slice("", 0..0), Some(""));
    }
}
