//! [`Name`]: a short string that many items share (the label and annotator of each annotation,
//! the type and annotator of each relation).
//!
//! A project of 200,000 annotations has a handful of labels and coders, but a `String` per
//! annotation for each made 400,000 allocations of 32 bytes (12.8 MB of the 10 MB benchmark
//! project's 90 MB in memory) that all said "Claim" or "bench". A `Name` is a reference-counted
//! string, and equal names made on the same thread share one allocation: the file reader, the
//! importers and the edits all make their names through [`Name::new`], which looks the string up
//! in a small per-thread table of recent names first. It reads like a `&str` (it dereferences to
//! one, compares equal to `str` and `String`, hashes and orders like the string), is written to
//! files as a plain string, and cannot be changed in place: changing a label sets a new `Name`.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A shared, immutable short string (a label id, an annotator id, a relation type id).
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<str>);

/// How many distinct recent names each thread remembers. Labels and coders of a project are
/// far fewer; a string not among them still becomes a correct `Name`, only not a shared one.
const RECENT: usize = 64;

thread_local! {
    static RECENT_NAMES: RefCell<Vec<Arc<str>>> = const { RefCell::new(Vec::new()) };
}

impl Name {
    /// The name `text`, sharing its allocation with an equal name made recently on this thread.
    pub fn new(text: &str) -> Self {
        RECENT_NAMES.with(|recent| {
            let mut recent = recent.borrow_mut();
            if let Some(i) = recent.iter().position(|name| &**name == text) {
                let name = recent[i].clone();
                // Most recent first: the next look-up for the same name stops at once.
                if i > 0 {
                    recent[..=i].rotate_right(1);
                }
                return Self(name);
            }
            let name: Arc<str> = Arc::from(text);
            if recent.len() == RECENT {
                recent.pop();
            }
            recent.insert(0, name.clone());
            Self(name)
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Self {
        Self::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<&Name> for Name {
    fn from(name: &Name) -> Self {
        name.clone()
    }
}

impl From<Name> for String {
    fn from(name: Name) -> Self {
        name.0.to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl PartialEq<&String> for Name {
    fn eq(&self, other: &&String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == &*other.0
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Name;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Name, E> {
                Ok(Name::new(text))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_share_one_allocation_and_read_like_strings() {
        let a = Name::new("Claim");
        let b = Name::from(String::from("Claim"));
        assert!(Arc::ptr_eq(&a.0, &b.0), "the second Claim reuses the first one's string");
        assert_eq!(a, "Claim");
        assert_eq!("Claim", a);
        assert_eq!(a, String::from("Claim"));
        assert_ne!(a, Name::new("Quote"));
        assert_eq!(format!("{a} {a:?}"), "Claim \"Claim\"");
        assert!(Name::new("Actor") < a, "ordered like the strings");
        let mut set = std::collections::HashSet::new();
        set.insert(a.clone());
        assert!(set.contains("Claim"), "looked up by &str");
    }

    #[test]
    fn a_name_pushed_out_of_the_recent_table_is_still_right() {
        let first = Name::new("coder-0");
        for i in 1..=RECENT {
            let _ = Name::new(&format!("coder-{i}"));
        }
        let again = Name::new("coder-0");
        assert_eq!(first, again);
        assert_eq!(again.as_str(), "coder-0");
    }

    #[test]
    fn written_and_read_as_a_plain_string() {
        let name = Name::new("Recommendation");
        let ron = ron::to_string(&name).unwrap();
        assert_eq!(ron, "\"Recommendation\"");
        let back: Name = ron::from_str(&ron).unwrap();
        assert_eq!(back, name);
        let json: Name = serde_json::from_str("\"Quote \\u00e9\"").unwrap();
        assert_eq!(json, "Quote é");
    }
}
