//! [`SharedStr`]: an immutable string that can be a piece of another one without copying it.
//!
//! A document's text never changes after import, and each fragment of an annotation stores the
//! text it covers (so that a file can be checked and read on its own). As `String`s that was a
//! copy of every annotated passage: 12 MB for the 200,000 annotations of the 10 MB benchmark
//! project, on top of the 10 MB text they were copied from. The document's text is now a
//! `SharedStr`, and a fragment's text is a piece of it ([`SharedStr::slice`]): a reference-counted
//! pointer and a byte range, 24 bytes like a `String`, and no allocation. A fragment text that is
//! not the document's (an import before it is placed, a damaged file whose fragment text differs
//! from the document, which validation must still report) is a `SharedStr` of its own.
//!
//! It reads like a `&str` (dereferences to one, compares, hashes and orders by its characters, so
//! two fragments are equal whatever they share), and is written to files as a plain string.

use std::borrow::Borrow;
use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An immutable string, or a piece of one, shared by reference counting.
///
/// The shared string is an `Arc<String>`, not an `Arc<str>`: a document's text arrives as a
/// `String` (10 MB for the benchmark project), and `Arc<str>` would copy it into a new block
/// next to the refcounts, freeing the old one: a moment with both (+10 MB at the peak), and
/// glibc, on freeing a block that large, raises the size above which it maps blocks on their own,
/// so that later large vectors grow inside the heap and their old copies stay resident (the trap
/// BENCHMARKS.md describes). `Arc::new(String)` moves the 24-byte `String` and copies no text.
#[derive(Clone)]
pub struct SharedStr {
    source: Arc<String>,
    /// Byte range in `source`, on character boundaries. `u32`: texts are below 2^30 bytes
    /// (project files above [`crate::store::MAX_FILE_BYTES`] and larger imports are refused).
    start: u32,
    end: u32,
}

impl SharedStr {
    /// A string of its own.
    pub fn new(text: &str) -> Self {
        Self::whole(Arc::new(text.to_owned()))
    }

    fn whole(source: Arc<String>) -> Self {
        // Lengths past 4 GiB cannot come from a file or an import (see the field); were one to
        // come from a program, it is cut at a character boundary rather than wrapping.
        let mut end = source.len().min(u32::MAX as usize);
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        Self { source, start: 0, end: end as u32 }
    }

    pub fn as_str(&self) -> &str {
        &self.source[self.start as usize..self.end as usize]
    }

    /// The piece at `bytes` (relative to this string), sharing this string's allocation; `None`
    /// if the range is outside the string or not on character boundaries.
    pub fn slice(&self, bytes: Range<usize>) -> Option<SharedStr> {
        self.as_str().get(bytes.clone())?;
        Some(Self {
            source: self.source.clone(),
            start: self.start + bytes.start as u32,
            end: self.start + bytes.end as u32,
        })
    }

    /// Whether both are pieces of the same allocation (for tests and for sharing a copy).
    pub fn shares_source_with(&self, other: &SharedStr) -> bool {
        Arc::ptr_eq(&self.source, &other.source)
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        Self::new("")
    }
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<&String> for SharedStr {
    fn from(text: &String) -> Self {
        Self::new(text)
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        Self::whole(Arc::new(text))
    }
}

impl From<SharedStr> for String {
    fn from(text: SharedStr) -> Self {
        text.as_str().to_owned()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SharedStr::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_shares_the_text_and_reads_like_a_string() {
        let text = SharedStr::from("Grüße 🎉 از می‌خواهم 社交媒体".to_owned());
        let start = text.find('🎉').unwrap();
        let piece = text.slice(start..text.len()).unwrap();
        assert!(piece.shares_source_with(&text));
        assert_eq!(piece, "🎉 از می‌خواهم 社交媒体");
        let inner = piece.slice(5..piece.len()).unwrap();
        assert_eq!(inner, "از می‌خواهم 社交媒体", "a slice of a slice is relative to it");
        assert!(inner.shares_source_with(&text));
        assert_eq!(inner, SharedStr::new("از می‌خواهم 社交媒体"), "equal by characters, shared or not");
        assert_eq!(format!("{inner}|{:?}", piece.slice(0..4).unwrap()), "از می‌خواهم 社交媒体|\"🎉\"");
        assert_eq!(text.slice(start + 1..text.len()), None, "inside a character");
        assert_eq!(text.slice(0..text.len() + 1), None, "past the end");
    }

    #[test]
    fn written_and_read_as_a_plain_string() {
        let text = SharedStr::from("a \"quoted\" ü".to_owned());
        let piece = text.slice(2..10).unwrap();
        assert_eq!(ron::to_string(&piece).unwrap(), "\"\\\"quoted\\\"\"");
        let back: SharedStr = ron::from_str(&ron::to_string(&text).unwrap()).unwrap();
        assert_eq!(back, text);
    }
}
