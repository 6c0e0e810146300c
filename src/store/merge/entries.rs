//! Codebook entries and annotators, merged field by field: two coders can recolour a label and
//! rewrite its definition at the same time without a conflict.

use super::changes::Kind;
use super::describe::{quoted, value_kind};
use crate::model::{Annotator, AttributeDef, FieldDef, Label, Project, RelationType};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// A 64-bit hash of a value. Not stored anywhere: the same within one program run is all that
/// is needed (a collision needs two different values with the same hash, about 1 in 2^64).
pub(crate) fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A list of entries with string ids (labels, annotators…): their order and field fingerprints.
#[derive(Clone, Debug, Default)]
pub(crate) struct BaseList {
    pub order: Vec<String>,
    pub fields: HashMap<String, Box<[u64]>>,
}

impl BaseList {
    pub(super) fn of<E: Entry>(entries: &[E]) -> Self {
        Self {
            order: entries.iter().map(|e| e.id().to_owned()).collect(),
            fields: entries.iter().map(|e| (e.id().to_owned(), e.fingerprints())).collect(),
        }
    }
}

/// An item of a project list that has a string id and a few fields merged one by one.
pub(super) trait Entry: Clone + Send + Sync + 'static {
    const KIND: Kind;
    /// The list, for "the order of … changed".
    const LIST: &'static str;
    /// "label", for "label \"Claim\": colour".
    const NOUN: &'static str;
    /// Field names as a coder reads them.
    const FIELDS: &'static [&'static str];

    fn id(&self) -> &str;
    /// The name shown to users.
    fn title(&self) -> &str;
    fn field_fingerprint(&self, field: usize) -> u64;
    fn field_text(&self, field: usize) -> String;
    fn copy_field(&mut self, from: &Self, field: usize);
    fn list(project: &Project) -> &Vec<Self>;
    fn list_mut(project: &mut Project) -> &mut Vec<Self>;

    fn fingerprints(&self) -> Box<[u64]> {
        (0..Self::FIELDS.len()).map(|field| self.field_fingerprint(field)).collect()
    }

    /// Every field, for showing a whole entry: `name "Claim"; colour #e15759; …`.
    fn describe(&self) -> String {
        Self::FIELDS
            .iter()
            .enumerate()
            .map(|(i, name)| format!("{name} {}", self.field_text(i)))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn fp<T: Hash + ?Sized>(value: &T) -> u64 {
    fingerprint(value)
}

fn label_list(labels: &[String]) -> String {
    if labels.is_empty() { "any".to_owned() } else { labels.join(", ") }
}

impl Entry for Label {
    const KIND: Kind = Kind::Label;
    const LIST: &'static str = "labels";
    const NOUN: &'static str = "label";
    const FIELDS: &'static [&'static str] = &["name", "colour", "hotkey", "definition", "examples", "parent"];

    fn id(&self) -> &str {
        &self.id
    }

    fn title(&self) -> &str {
        &self.name
    }

    fn field_fingerprint(&self, field: usize) -> u64 {
        match field {
            0 => fp(&self.name),
            1 => fp(&self.color),
            2 => fp(&self.hotkey),
            3 => fp(&self.definition),
            4 => fp(&self.examples),
            _ => fp(&self.parent),
        }
    }

    fn field_text(&self, field: usize) -> String {
        match field {
            0 => quoted(&self.name),
            1 => self.color.clone(),
            2 => self.hotkey.map_or_else(|| "none".to_owned(), |key| format!("'{key}'")),
            3 => quoted(&self.definition),
            5 => self.parent.as_deref().map_or_else(|| "none".to_owned(), quoted),
            _ => {
                let examples: Vec<String> = self.examples.iter().map(|e| quoted(e)).collect();
                if examples.is_empty() { "none".to_owned() } else { examples.join(", ") }
            }
        }
    }

    fn copy_field(&mut self, from: &Self, field: usize) {
        match field {
            0 => self.name.clone_from(&from.name),
            1 => self.color.clone_from(&from.color),
            2 => self.hotkey = from.hotkey,
            3 => self.definition.clone_from(&from.definition),
            4 => self.examples.clone_from(&from.examples),
            _ => self.parent.clone_from(&from.parent),
        }
    }

    fn list(project: &Project) -> &Vec<Self> {
        &project.codebook.labels
    }

    fn list_mut(project: &mut Project) -> &mut Vec<Self> {
        &mut project.codebook.labels
    }
}

impl Entry for RelationType {
    const KIND: Kind = Kind::RelationType;
    const LIST: &'static str = "relation types";
    const NOUN: &'static str = "relation type";
    const FIELDS: &'static [&'static str] = &["name", "source labels", "target labels", "directed", "definition"];

    fn id(&self) -> &str {
        &self.id
    }

    fn title(&self) -> &str {
        &self.name
    }

    fn field_fingerprint(&self, field: usize) -> u64 {
        match field {
            0 => fp(&self.name),
            1 => fp(&self.from_labels),
            2 => fp(&self.to_labels),
            3 => fp(&self.directed),
            _ => fp(&self.definition),
        }
    }

    fn field_text(&self, field: usize) -> String {
        match field {
            0 => quoted(&self.name),
            1 => label_list(&self.from_labels),
            2 => label_list(&self.to_labels),
            3 => if self.directed { "yes" } else { "no" }.to_owned(),
            _ => quoted(&self.definition),
        }
    }

    fn copy_field(&mut self, from: &Self, field: usize) {
        match field {
            0 => self.name.clone_from(&from.name),
            1 => self.from_labels.clone_from(&from.from_labels),
            2 => self.to_labels.clone_from(&from.to_labels),
            3 => self.directed = from.directed,
            _ => self.definition.clone_from(&from.definition),
        }
    }

    fn list(project: &Project) -> &Vec<Self> {
        &project.codebook.relation_types
    }

    fn list_mut(project: &mut Project) -> &mut Vec<Self> {
        &mut project.codebook.relation_types
    }
}

impl Entry for AttributeDef {
    const KIND: Kind = Kind::Attribute;
    const LIST: &'static str = "attributes";
    const NOUN: &'static str = "attribute";
    const FIELDS: &'static [&'static str] = &["name", "type", "labels", "definition"];

    fn id(&self) -> &str {
        &self.id
    }

    fn title(&self) -> &str {
        &self.name
    }

    fn field_fingerprint(&self, field: usize) -> u64 {
        match field {
            0 => fp(&self.name),
            1 => fp(&value_kind(&self.kind)),
            2 => fp(&self.labels),
            _ => fp(&self.definition),
        }
    }

    fn field_text(&self, field: usize) -> String {
        match field {
            0 => quoted(&self.name),
            1 => value_kind(&self.kind),
            2 => label_list(&self.labels),
            _ => quoted(&self.definition),
        }
    }

    fn copy_field(&mut self, from: &Self, field: usize) {
        match field {
            0 => self.name.clone_from(&from.name),
            1 => self.kind.clone_from(&from.kind),
            2 => self.labels.clone_from(&from.labels),
            _ => self.definition.clone_from(&from.definition),
        }
    }

    fn list(project: &Project) -> &Vec<Self> {
        &project.codebook.attributes
    }

    fn list_mut(project: &mut Project) -> &mut Vec<Self> {
        &mut project.codebook.attributes
    }
}

impl Entry for FieldDef {
    const KIND: Kind = Kind::DocumentField;
    const LIST: &'static str = "document variables";
    const NOUN: &'static str = "document variable";
    const FIELDS: &'static [&'static str] = &["name", "type", "definition"];

    fn id(&self) -> &str {
        &self.id
    }

    fn title(&self) -> &str {
        &self.name
    }

    fn field_fingerprint(&self, field: usize) -> u64 {
        match field {
            0 => fp(&self.name),
            1 => fp(&value_kind(&self.kind)),
            _ => fp(&self.definition),
        }
    }

    fn field_text(&self, field: usize) -> String {
        match field {
            0 => quoted(&self.name),
            1 => value_kind(&self.kind),
            _ => quoted(&self.definition),
        }
    }

    fn copy_field(&mut self, from: &Self, field: usize) {
        match field {
            0 => self.name.clone_from(&from.name),
            1 => self.kind.clone_from(&from.kind),
            _ => self.definition.clone_from(&from.definition),
        }
    }

    fn list(project: &Project) -> &Vec<Self> {
        &project.codebook.document_fields
    }

    fn list_mut(project: &mut Project) -> &mut Vec<Self> {
        &mut project.codebook.document_fields
    }
}

impl Entry for Annotator {
    const KIND: Kind = Kind::Annotator;
    const LIST: &'static str = "annotators";
    const NOUN: &'static str = "annotator";
    const FIELDS: &'static [&'static str] = &["name"];

    fn id(&self) -> &str {
        &self.id
    }

    fn title(&self) -> &str {
        &self.name
    }

    fn field_fingerprint(&self, _field: usize) -> u64 {
        fp(&self.name)
    }

    fn field_text(&self, _field: usize) -> String {
        quoted(&self.name)
    }

    fn copy_field(&mut self, from: &Self, _field: usize) {
        self.name.clone_from(&from.name);
    }

    fn list(project: &Project) -> &Vec<Self> {
        &project.annotators
    }

    fn list_mut(project: &mut Project) -> &mut Vec<Self> {
        &mut project.annotators
    }
}
