//! Fields this version of Spanwise does not know, kept rather than dropped.
//!
//! A project file may hold fields Spanwise does not know: written by a script, another tool, or a
//! later Spanwise that added an optional field without a new format version. Loading ignores them
//! (serde skips unknown fields); to keep them on save, the file text is scanned once more with the
//! schema of the known structs, and every field not in it is kept as its exact RON text with
//! where it was (the project, a label, a document, an annotation… named by id, so it follows its
//! item when annotations are added, moved or sorted). Saving writes them back at the end of the
//! same struct. A field whose item was deleted goes with it.
//!
//! `#[serde(flatten)]` into a map would be the usual way, but RON cannot flatten into its
//! `(field: value)` structs (it wants a `{"map": ...}`), and `ron::Value` loses enum variant names,
//! so the text itself is kept.

use serde::{Deserialize, Serialize};

use crate::model::{ItemId, Project};

/// Where an unknown field was: the struct it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Anchor {
    /// The top level: `(format: ..., version: ..., project: ...)`.
    File,
    Project,
    Codebook,
    Label(String),
    RelationType(String),
    Attribute(String),
    DocumentField(String),
    Annotator(String),
    Document(String),
    Annotation {
        document: String,
        id: ItemId,
    },
    Fragment {
        document: String,
        annotation: ItemId,
        index: usize,
    },
    Relation {
        document: String,
        id: ItemId,
    },
    Memo(ItemId),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownField {
    pub anchor: Anchor,
    pub name: String,
    /// The value exactly as written in the file (RON).
    pub value: String,
}

/// Every unknown field of a project file, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownFields {
    pub fields: Vec<UnknownField>,
}

impl UnknownFields {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Adds the fields of `other` that are not here yet (same place and name).
    pub fn extend_missing(&mut self, other: &UnknownFields) {
        for field in &other.fields {
            if !self.fields.iter().any(|f| f.anchor == field.anchor && f.name == field.name) {
                self.fields.push(field.clone());
            }
        }
    }
}

/// The structs of the file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    File,
    Project,
    Codebook,
    Label,
    RelationType,
    Attribute,
    DocumentField,
    Annotator,
    Document,
    Annotation,
    Fragment,
    Relation,
    Memo,
}

#[derive(Clone, Copy, Debug)]
enum Child {
    Leaf,
    Struct(Kind),
    List(Kind),
}

use Child::{Leaf, List, Struct};

/// The known fields of each struct (what `model` serializes). A unit test checks this against
/// the real output, so a field added to the model without being added here is caught.
fn fields(kind: Kind) -> &'static [(&'static str, Child)] {
    match kind {
        Kind::File => &[("format", Leaf), ("version", Leaf), ("project", Struct(Kind::Project))],
        Kind::Project => &[
            ("name", Leaf),
            ("description", Leaf),
            ("instructions", Leaf),
            ("created", Leaf),
            ("codebook", Struct(Kind::Codebook)),
            ("annotators", List(Kind::Annotator)),
            ("documents", List(Kind::Document)),
            ("memos", List(Kind::Memo)),
        ],
        Kind::Codebook => &[
            ("labels", List(Kind::Label)),
            ("relation_types", List(Kind::RelationType)),
            ("attributes", List(Kind::Attribute)),
            ("document_fields", List(Kind::DocumentField)),
            ("locked", Leaf),
        ],
        Kind::Label => &[
            ("id", Leaf),
            ("name", Leaf),
            ("color", Leaf),
            ("hotkey", Leaf),
            ("definition", Leaf),
            ("examples", Leaf),
            ("parent", Leaf),
        ],
        Kind::RelationType => &[
            ("id", Leaf),
            ("name", Leaf),
            ("from_labels", Leaf),
            ("to_labels", Leaf),
            ("directed", Leaf),
            ("definition", Leaf),
        ],
        Kind::Attribute => &[("id", Leaf), ("name", Leaf), ("kind", Leaf), ("labels", Leaf), ("definition", Leaf)],
        Kind::DocumentField => &[("id", Leaf), ("name", Leaf), ("kind", Leaf), ("definition", Leaf)],
        Kind::Annotator => &[("id", Leaf), ("name", Leaf)],
        Kind::Document => &[
            ("id", Leaf),
            ("name", Leaf),
            ("metadata", Leaf),
            ("variables", Leaf),
            ("direction", Leaf),
            ("sha256", Leaf),
            ("text", Leaf),
            ("annotations", List(Kind::Annotation)),
            ("relations", List(Kind::Relation)),
        ],
        Kind::Annotation => &[
            ("id", Leaf),
            ("label", Leaf),
            ("fragments", List(Kind::Fragment)),
            ("annotator", Leaf),
            ("created", Leaf),
            ("modified", Leaf),
            ("note", Leaf),
            ("attributes", Leaf),
        ],
        Kind::Fragment => &[("start", Leaf), ("end", Leaf), ("text", Leaf)],
        Kind::Relation => &[
            ("id", Leaf),
            ("kind", Leaf),
            ("from", Leaf),
            ("to", Leaf),
            ("annotator", Leaf),
            ("created", Leaf),
            ("modified", Leaf),
            ("note", Leaf),
        ],
        Kind::Memo => &[
            ("id", Leaf),
            ("target", Leaf),
            ("title", Leaf),
            ("text", Leaf),
            ("author", Leaf),
            ("created", Leaf),
            ("modified", Leaf),
        ],
    }
}

/// One struct found in the text.
#[derive(Debug)]
struct StructSpan {
    kind: Kind,
    /// List indices on the way here (document 3, annotation 12…).
    indices: Vec<usize>,
    /// Byte offset of the closing `)`.
    close: usize,
    multiline: bool,
    /// Field names present, known or not.
    names: Vec<String>,
    /// Unknown fields: name, value text and where the value starts.
    unknown: Vec<(String, String, usize)>,
}

/// A small RON scanner, driven by the schema: enough to find structs, their fields and where
/// values start and end. It only runs on text `ron` has already parsed, or on Spanwise's own
/// output; on anything it does not follow it gives up (returns `None`) rather than guess.
struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// List indices on the way to the current struct.
    indices: Vec<usize>,
    /// Which structs to record: those with unknown fields (`None`), or all of these kinds.
    record: Option<&'a [Kind]>,
    spans: Vec<StructSpan>,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    // RON block comments nest.
                    let mut depth = 0usize;
                    loop {
                        match (self.peek()?, self.bytes.get(self.pos + 1).copied()) {
                            (b'/', Some(b'*')) => {
                                depth += 1;
                                self.pos += 2;
                            }
                            (b'*', Some(b'/')) => {
                                depth -= 1;
                                self.pos += 2;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                Some(b'#') if self.bytes.get(self.pos + 1) == Some(&b'!') => {
                    // `#![enable(...)]` extension attributes at the top.
                    self.pos += 2;
                    self.skip_value()?;
                }
                _ => return Some(()),
            }
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_space()?;
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn ident(&mut self) -> Option<&'a str> {
        self.skip_space()?;
        let start = self.pos;
        if self.bytes[self.pos..].starts_with(b"r#") {
            self.pos += 2;
        }
        let name_start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            self.pos += 1;
        }
        if self.pos == name_start {
            self.pos = start;
            return None;
        }
        self.text.get(name_start..self.pos)
    }

    /// `"..."` with escapes; `r#"..."#`; `b"..."`.
    fn string(&mut self) -> Option<()> {
        if self.peek() == Some(b'b') {
            self.pos += 1;
        }
        if self.peek() == Some(b'r') {
            self.pos += 1;
            let mut hashes = 0;
            while self.peek() == Some(b'#') {
                hashes += 1;
                self.pos += 1;
            }
            if self.peek()? != b'"' {
                return None;
            }
            self.pos += 1;
            loop {
                if self.peek()? == b'"'
                    && self.bytes[self.pos + 1..].iter().take(hashes).filter(|b| **b == b'#').count() == hashes
                {
                    self.pos += 1 + hashes;
                    return Some(());
                }
                self.pos += 1;
            }
        }
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => self.pos += 1,
            }
        }
    }

    /// `'c'`, `'\''`, `'\u{1F600}'`, and raw characters (RON writes `'\n'` as a raw line break).
    fn char_literal(&mut self) -> Option<()> {
        self.pos += 1;
        if self.peek()? == b'\\' {
            self.pos += 2;
        } else {
            // One UTF-8 character.
            let ch = self.text.get(self.pos..)?.chars().next()?;
            self.pos += ch.len_utf8();
        }
        while self.peek()? != b'\'' {
            self.pos += 1;
        }
        self.pos += 1;
        Some(())
    }

    /// Skips one value of any shape, iteratively (no recursion on hostile nesting).
    fn skip_value(&mut self) -> Option<()> {
        let mut closers: Vec<u8> = Vec::new();
        loop {
            self.skip_space()?;
            let byte = self.peek()?;
            match byte {
                b'(' | b'[' | b'{' => {
                    closers.push(match byte {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    });
                    self.pos += 1;
                    continue;
                }
                b')' | b']' | b'}' => {
                    if closers.pop()? != byte {
                        return None;
                    }
                    self.pos += 1;
                }
                b',' | b':' if !closers.is_empty() => {
                    self.pos += 1;
                    continue;
                }
                b'"' => self.string()?,
                b'r' if matches!(self.bytes.get(self.pos + 1), Some(b'"' | b'#')) => self.string()?,
                b'b' if self.bytes.get(self.pos + 1) == Some(&b'"')
                    || (self.bytes.get(self.pos + 1) == Some(&b'r')
                        && matches!(self.bytes.get(self.pos + 2), Some(b'"' | b'#'))) =>
                {
                    self.string()?
                }
                b'\'' => self.char_literal()?,
                _ => {
                    // Identifier, number, `true`, `inf`…: up to a delimiter.
                    let start = self.pos;
                    while self.peek().is_some_and(|b| !b" \t\r\n,:()[]{}\"'/".contains(&b)) {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        return None;
                    }
                    // An enum variant or `Some` takes its parenthesis along.
                    let after = self.pos;
                    self.skip_space()?;
                    if self.peek() == Some(b'(') {
                        continue;
                    }
                    self.pos = after;
                }
            }
            if closers.is_empty() {
                return Some(());
            }
        }
    }

    fn struct_value(&mut self, kind: Kind) -> Option<()> {
        let all_of_kind = self.record.is_some_and(|kinds| kinds.contains(&kind));
        self.skip_space()?;
        // An optional struct name: `Project(...)`.
        let before = self.pos;
        if self.ident().is_some() {
            self.skip_space()?;
            if self.peek() != Some(b'(') {
                self.pos = before;
            }
        }
        self.expect(b'(')?;
        let open = self.pos - 1;
        let mut names = Vec::new();
        let mut unknown = Vec::new();
        loop {
            self.skip_space()?;
            if self.peek()? == b')' {
                break;
            }
            let name = self.ident()?;
            self.expect(b':')?;
            self.skip_space()?;
            let value_start = self.pos;
            match fields(kind).iter().find(|(known, _)| *known == name).map(|(_, child)| *child) {
                Some(Leaf) => self.skip_value()?,
                Some(Struct(child)) => self.struct_value(child)?,
                Some(List(child)) => {
                    self.expect(b'[')?;
                    let mut index = 0;
                    loop {
                        self.skip_space()?;
                        if self.peek()? == b']' {
                            self.pos += 1;
                            break;
                        }
                        self.indices.push(index);
                        self.struct_value(child)?;
                        self.indices.pop();
                        index += 1;
                        self.skip_space()?;
                        if self.peek() == Some(b',') {
                            self.pos += 1;
                        }
                    }
                }
                None => {
                    self.skip_value()?;
                    let value = self.text.get(value_start..self.pos)?.trim_end().to_owned();
                    unknown.push((name.to_owned(), value, value_start));
                }
            }
            if all_of_kind {
                names.push(name.to_owned());
            }
            self.skip_space()?;
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
        let close = self.pos;
        self.pos += 1;
        if all_of_kind || (self.record.is_none() && !unknown.is_empty()) {
            let multiline = self.text.get(open..close)?.contains('\n');
            self.spans.push(StructSpan { kind, indices: self.indices.clone(), close, multiline, names, unknown });
        }
        Some(())
    }
}

/// The structs with unknown fields (`record: None`), or every struct of the given kinds.
fn scan<'a>(text: &'a str, record: Option<&'a [Kind]>) -> Option<Vec<StructSpan>> {
    let mut scanner = Scanner { text, bytes: text.as_bytes(), pos: 0, indices: Vec::new(), record, spans: Vec::new() };
    scanner.struct_value(Kind::File)?;
    Some(scanner.spans)
}

fn kind_of(anchor: &Anchor) -> Kind {
    match anchor {
        Anchor::File => Kind::File,
        Anchor::Project => Kind::Project,
        Anchor::Codebook => Kind::Codebook,
        Anchor::Label(_) => Kind::Label,
        Anchor::RelationType(_) => Kind::RelationType,
        Anchor::Attribute(_) => Kind::Attribute,
        Anchor::DocumentField(_) => Kind::DocumentField,
        Anchor::Annotator(_) => Kind::Annotator,
        Anchor::Document(_) => Kind::Document,
        Anchor::Annotation { .. } => Kind::Annotation,
        Anchor::Fragment { .. } => Kind::Fragment,
        Anchor::Relation { .. } => Kind::Relation,
        Anchor::Memo(_) => Kind::Memo,
    }
}

/// The item a struct of the text is, found through the project it was parsed into.
fn anchor(project: &Project, kind: Kind, indices: &[usize]) -> Option<Anchor> {
    let codebook = &project.codebook;
    let document = |i: usize| project.documents.get(i);
    Some(match (kind, indices) {
        (Kind::File, _) => Anchor::File,
        (Kind::Project, _) => Anchor::Project,
        (Kind::Codebook, _) => Anchor::Codebook,
        (Kind::Label, [i]) => Anchor::Label(codebook.labels.get(*i)?.id.clone()),
        (Kind::RelationType, [i]) => Anchor::RelationType(codebook.relation_types.get(*i)?.id.clone()),
        (Kind::Attribute, [i]) => Anchor::Attribute(codebook.attributes.get(*i)?.id.clone()),
        (Kind::DocumentField, [i]) => Anchor::DocumentField(codebook.document_fields.get(*i)?.id.clone()),
        (Kind::Annotator, [i]) => Anchor::Annotator(project.annotators.get(*i)?.id.clone()),
        (Kind::Document, [i]) => Anchor::Document(document(*i)?.id.clone()),
        (Kind::Annotation, [i, j]) => {
            let document = document(*i)?;
            Anchor::Annotation { document: document.id.clone(), id: document.annotations.get(*j)?.id }
        }
        (Kind::Fragment, [i, j, k]) => {
            let document = document(*i)?;
            let annotation = document.annotations.get(*j)?;
            annotation.fragments.get(*k)?;
            Anchor::Fragment { document: document.id.clone(), annotation: annotation.id, index: *k }
        }
        (Kind::Relation, [i, j]) => {
            let document = document(*i)?;
            Anchor::Relation { document: document.id.clone(), id: document.relations.get(*j)?.id }
        }
        (Kind::Memo, [i]) => Anchor::Memo(project.memos.get(*i)?.id),
        _ => return None,
    })
}

/// The unknown fields of a project file's text, given the project parsed from it. `None` if the
/// text could not be followed (then nothing can be kept, and the caller should say so).
pub fn find(text: &str, project: &Project) -> Option<UnknownFields> {
    let spans = scan(text, None)?;
    // Spans are recorded as they close (inner first); report in file order instead.
    let mut found: Vec<(usize, UnknownField)> = Vec::new();
    for span in spans {
        let anchor = anchor(project, span.kind, &span.indices)?;
        for (name, value, at) in span.unknown {
            found.push((at, UnknownField { anchor: anchor.clone(), name, value }));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    Some(UnknownFields { fields: found.into_iter().map(|(_, field)| field).collect() })
}

/// Puts unknown fields back into Spanwise's own output for `project`: each at the end of the
/// struct it belongs to, unless that struct is gone or now has a field of that name.
pub fn insert(text: &str, project: &Project, unknown: &UnknownFields) -> String {
    if unknown.is_empty() {
        return text.to_owned();
    }
    let mut kinds: Vec<Kind> = Vec::new();
    for kind in unknown.fields.iter().map(|f| kind_of(&f.anchor)) {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let Some(spans) = scan(text, Some(&kinds)) else {
        log::warn!("cannot place unknown fields in the output; they are not saved");
        return text.to_owned();
    };
    let mut insertions: Vec<(usize, String)> = Vec::new();
    for span in &spans {
        let Some(anchor) = anchor(project, span.kind, &span.indices) else {
            continue;
        };
        let here: Vec<&UnknownField> =
            unknown.fields.iter().filter(|f| f.anchor == anchor && !span.names.contains(&f.name)).collect();
        if here.is_empty() {
            continue;
        }
        if span.multiline {
            // Before the line with the closing parenthesis, one level deeper than it.
            let line_start = text[..span.close].rfind('\n').map_or(0, |i| i + 1);
            let indent = &text[line_start..span.close];
            let mut added = String::new();
            for field in here {
                added.push_str(&format!("{indent}  {}: {},\n", field.name, field.value));
            }
            insertions.push((line_start, added));
        } else {
            let before = text[..span.close].trim_end();
            let mut added = String::new();
            for (i, field) in here.iter().enumerate() {
                let separator = if i == 0 && (before.ends_with('(') || before.ends_with(',')) { "" } else { ", " };
                added.push_str(&format!("{separator}{}: {}", field.name, field.value));
            }
            insertions.push((span.close, added));
        }
    }
    insertions.sort_by_key(|(at, _)| *at);
    let mut output = String::with_capacity(text.len() + insertions.iter().map(|(_, s)| s.len()).sum::<usize>());
    let mut from = 0;
    for (at, added) in insertions {
        output.push_str(&text[from..at]);
        output.push_str(&added);
        from = at;
    }
    output.push_str(&text[from..]);
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema above names every field the model writes: Spanwise's own output has no
    /// unknown fields, even with every optional field filled in.
    #[test]
    fn own_output_has_no_unknown_fields() {
        let source = include_str!("../../tests/fixtures/v1.spanwise.ron");
        let project = crate::store::from_str(source).unwrap();
        let found = find(source, &project).expect("scanned");
        assert!(found.is_empty(), "{found:?}");
        // Every kind of struct of the format occurs in the fixture, with all its fields.
        let all = [
            Kind::File,
            Kind::Project,
            Kind::Codebook,
            Kind::Label,
            Kind::RelationType,
            Kind::Attribute,
            Kind::DocumentField,
            Kind::Annotator,
            Kind::Document,
            Kind::Annotation,
            Kind::Fragment,
            Kind::Relation,
            Kind::Memo,
        ];
        let spans = scan(source, Some(&all)).unwrap();
        for kind in all {
            let widest = spans.iter().filter(|s| s.kind == kind).map(|s| s.names.len()).max().unwrap_or(0);
            assert_eq!(widest, fields(kind).len(), "{kind:?}: the fixture shows every field");
        }
    }

    #[test]
    fn comments_raw_strings_and_nesting_are_followed() {
        let text = "/* a /* nested */ comment */ #![enable(implicit_some)]\n(format: r#\"a \"quoted\" )\"#, \
                    extra: [Some('\\''), (x: \"(\"), {\"k\": V(1)}], version: 1, project: (name: 'x'))";
        let spans = scan(text, None).expect("followed");
        let file = spans.iter().find(|s| s.kind == Kind::File).unwrap();
        let unknown: Vec<(&str, &str)> = file.unknown.iter().map(|(n, v, _)| (n.as_str(), v.as_str())).collect();
        assert_eq!(unknown, [("extra", "[Some('\\''), (x: \"(\"), {\"k\": V(1)}]")]);
    }
}
