//! The codebook editor's state for relation types, attributes and document variables (the
//! coding panel's `panels/codebook_*.rs` draw it): which entry is open, what is typed, and a
//! change that waits for the user's answer because it would remove relations or values.

use std::collections::HashMap;

use crate::model::ValueKind;
use crate::model::codebook_editing::{Cascade, ChoicesOf, Entry};

/// The kinds a new attribute or document variable can have, as the editor offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindChoice {
    Choice,
    MultiChoice,
    Bool,
    Number,
    Text,
    Date,
}

impl KindChoice {
    /// What attributes can be (the inspector edits these).
    pub const ATTRIBUTE: [KindChoice; 5] =
        [KindChoice::Choice, KindChoice::MultiChoice, KindChoice::Bool, KindChoice::Number, KindChoice::Text];
    /// What document variables can be (a date too).
    pub const FIELD: [KindChoice; 6] = [
        KindChoice::Choice,
        KindChoice::MultiChoice,
        KindChoice::Bool,
        KindChoice::Number,
        KindChoice::Text,
        KindChoice::Date,
    ];

    /// The kind with these choices (typed, separated by commas) where it has choices.
    pub fn kind(self, choices: &str) -> ValueKind {
        let options = || choices.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
        match self {
            KindChoice::Choice => ValueKind::Choice(options()),
            KindChoice::MultiChoice => ValueKind::MultiChoice(options()),
            KindChoice::Bool => ValueKind::Bool,
            KindChoice::Number => ValueKind::Number,
            KindChoice::Text => ValueKind::Text,
            KindChoice::Date => ValueKind::Date,
        }
    }

    /// The choice for an existing kind.
    pub fn of(kind: &ValueKind) -> Self {
        match kind {
            ValueKind::Choice(_) => KindChoice::Choice,
            ValueKind::MultiChoice(_) => KindChoice::MultiChoice,
            ValueKind::Bool => KindChoice::Bool,
            ValueKind::Number => KindChoice::Number,
            ValueKind::Text => KindChoice::Text,
            ValueKind::Date => KindChoice::Date,
        }
    }

    pub fn has_choices(self) -> bool {
        matches!(self, KindChoice::Choice | KindChoice::MultiChoice)
    }

    pub fn name(self) -> &'static str {
        self.kind("x").name()
    }
}

/// A new attribute or document variable being set up.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEntry {
    pub name: String,
    pub kind: KindChoice,
    /// The choices, separated by commas.
    pub choices: String,
    /// The labels a new attribute applies to (none: every label).
    pub labels: Vec<String>,
}

impl Default for NewEntry {
    fn default() -> Self {
        NewEntry { name: String::new(), kind: KindChoice::Choice, choices: String::new(), labels: Vec::new() }
    }
}

/// A codebook change that would remove relations or values: shown with the question until the
/// user confirms (one undo step) or cancels.
#[derive(Clone, Debug, PartialEq)]
pub struct CascadePrompt {
    /// Which entry's editor shows the question.
    pub entry: Entry,
    pub id: String,
    /// "3 relations are of the type Attributed to."
    pub question: String,
    /// The button that goes ahead ("Delete the type and its relations").
    pub confirm: String,
    pub cascade: Box<Cascade>,
    /// The codebook the question was asked about: if it changes meanwhile (an undo, a lock), the
    /// question is dropped rather than answered for a codebook that is no longer there.
    pub base: Box<crate::model::Codebook>,
}

/// State of the relation type, attribute and document variable editors.
#[derive(Debug, Default)]
pub struct EntriesState {
    /// The entry whose editor is open.
    pub open: Option<(Entry, String)>,
    /// Its name as typed: (entry, id, the name when typing began, the name typed).
    pub name_buffer: Option<(Entry, String, String, String)>,
    /// Its definition as typed, the same way.
    pub definition_buffer: Option<(Entry, String, String, String)>,
    pub new_relation_type: String,
    pub new_attribute: NewEntry,
    pub new_field: NewEntry,
    /// A new choice being typed, per attribute or variable.
    pub new_choice: HashMap<ChoicesOf, String>,
    /// A choice being renamed: (whose, choice) -> the name typed.
    pub choice_buffers: HashMap<(ChoicesOf, String), String>,
    pub prompt: Option<CascadePrompt>,
    /// A section to open once (the palette's Edit relation types… commands).
    pub reveal: Option<Entry>,
    /// What the last codebook import added or changed, or where the export went.
    pub report: Option<String>,
    /// A kind change to a choice kind that waits for its choices to be typed (the attribute or
    /// variable had no values to make them from): (whose, the kind, the choices typed).
    pub kind_draft: Option<(ChoicesOf, KindChoice, String)>,
}

impl EntriesState {
    /// Opens or closes an entry's editor (typed text of another entry is dropped).
    pub fn toggle(&mut self, entry: Entry, id: &str) {
        let key = (entry, id.to_owned());
        self.open = if self.open.as_ref() == Some(&key) { None } else { Some(key) };
        self.name_buffer = None;
        self.definition_buffer = None;
        self.prompt = None;
        self.kind_draft = None;
    }

    pub fn is_open(&self, entry: Entry, id: &str) -> bool {
        self.open.as_ref().is_some_and(|(e, i)| *e == entry && i == id)
    }
}
