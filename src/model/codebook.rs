//! The codebook: what can be tagged (labels), how annotations can be linked (relation types),
//! what extra typed values they carry (attributes), and which variables describe a document.

use serde::{Deserialize, Serialize};

/// One category a span can be tagged with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Label {
    /// Stable identifier referenced by annotations (`"claim"`); never shown to users.
    pub id: String,
    /// Display name (`"Claim"`).
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Key that tags the selection (`'1'`); unique within the codebook.
    #[serde(default)]
    pub hotkey: Option<char>,
    /// The coding rule: when to use this label and when not.
    #[serde(default)]
    pub definition: String,
    /// Example text spans that fit the label.
    #[serde(default)]
    pub examples: Vec<String>,
    /// The label this one is a sub-label of (`"claim"` for Factual); one level deep only.
    /// Annotations with a sub-label count under their parent in lists and statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// A kind of link between two annotations ("Quote attributed to Actor").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationType {
    pub id: String,
    pub name: String,
    /// Labels allowed at the source end (empty: any).
    #[serde(default)]
    pub from_labels: Vec<String>,
    /// Labels allowed at the target end (empty: any).
    #[serde(default)]
    pub to_labels: Vec<String>,
    #[serde(default = "yes")]
    pub directed: bool,
    #[serde(default)]
    pub definition: String,
}

fn yes() -> bool {
    true
}

/// The type of an attribute or document variable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ValueKind {
    Text,
    Number,
    Bool,
    /// One of a fixed list of options.
    Choice(Vec<String>),
    /// Any number of a fixed list of options.
    MultiChoice(Vec<String>),
    /// A calendar date (`2024-05-01`).
    Date,
}

impl ValueKind {
    /// The options of a choice or multi-choice kind.
    pub fn options(&self) -> &[String] {
        match self {
            ValueKind::Choice(options) | ValueKind::MultiChoice(options) => options,
            _ => &[],
        }
    }

    /// A word for the kind, as the codebook editor and `CODEBOOK.md` name it.
    pub fn name(&self) -> &'static str {
        match self {
            ValueKind::Text => "free text",
            ValueKind::Number => "number",
            ValueKind::Bool => "yes/no",
            ValueKind::Choice(_) => "choice",
            ValueKind::MultiChoice(_) => "multi-choice",
            ValueKind::Date => "date",
        }
    }

    /// Whether `value` is a value of this kind (a choice among the options, a finite number…).
    pub fn admits(&self, value: &Value) -> bool {
        match (self, value) {
            (ValueKind::Text, Value::Text(_))
            | (ValueKind::Bool, Value::Bool(_))
            | (ValueKind::Date, Value::Date(_)) => true,
            (ValueKind::Number, Value::Number(n)) => n.is_finite(),
            (ValueKind::Choice(options), Value::Choice(choice)) => options.contains(choice),
            (ValueKind::MultiChoice(options), Value::Choices(choices)) => choices.iter().all(|c| options.contains(c)),
            _ => false,
        }
    }
}

/// A typed value attached to annotations with certain labels (e.g. a Claim's "stance").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttributeDef {
    pub id: String,
    pub name: String,
    pub kind: ValueKind,
    /// Labels this attribute applies to (empty: all).
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub definition: String,
}

/// A variable describing a whole document (outlet, date, genre…), for content analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub id: String,
    pub name: String,
    pub kind: ValueKind,
    #[serde(default)]
    pub definition: String,
}

/// A value of an attribute or variable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    Choice(String),
    /// The options picked of a multi-choice (in the codebook's order).
    Choices(Vec<String>),
    Date(chrono::NaiveDate),
}

impl Value {
    /// The value as a user reads it (`yes`, `2024-05-01`, `official; expert`).
    pub fn display(&self) -> String {
        match self {
            Value::Text(text) | Value::Choice(text) => text.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
            Value::Choices(choices) => choices.join("; "),
            Value::Date(date) => date.format("%Y-%m-%d").to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Codebook {
    pub labels: Vec<Label>,
    #[serde(default)]
    pub relation_types: Vec<RelationType>,
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
    #[serde(default)]
    pub document_fields: Vec<FieldDef>,
    /// The codebook is locked (an assignment, a team's agreed scheme): the editor is read-only,
    /// tagging still works. Only unlocking changes a locked codebook.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

impl Codebook {
    pub fn label(&self, label_id: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.id == label_id)
    }

    pub fn label_index(&self, label_id: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.id == label_id)
    }

    pub fn label_for_hotkey(&self, key: char) -> Option<&Label> {
        self.labels.iter().find(|l| l.hotkey == Some(key))
    }

    /// The label itself, or its parent when it is a sub-label: what lists and statistics count
    /// it under.
    pub fn top_label<'c>(&'c self, label_id: &'c str) -> &'c str {
        match self.label(label_id).and_then(|l| l.parent.as_deref()) {
            Some(parent) if self.label(parent).is_some() => parent,
            _ => label_id,
        }
    }

    /// The sub-labels of a label, in codebook order.
    pub fn children<'c>(&'c self, label_id: &'c str) -> impl Iterator<Item = &'c Label> + 'c {
        self.labels.iter().filter(move |l| l.parent.as_deref() == Some(label_id))
    }

    /// The attributes that apply to annotations with this label (a sub-label also gets its
    /// parent's).
    pub fn attributes_for<'c>(&'c self, label_id: &'c str) -> impl Iterator<Item = &'c AttributeDef> + 'c {
        let parent = self.label(label_id).and_then(|l| l.parent.as_deref());
        self.attributes.iter().filter(move |a| {
            a.labels.is_empty() || a.labels.iter().any(|l| l == label_id || Some(l.as_str()) == parent)
        })
    }

    pub fn attribute(&self, attribute_id: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.id == attribute_id)
    }

    pub fn document_field(&self, field_id: &str) -> Option<&FieldDef> {
        self.document_fields.iter().find(|f| f.id == field_id)
    }

    pub fn relation_type(&self, relation_type_id: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|r| r.id == relation_type_id)
    }

    /// The default codebook for news analysis, shipped in `assets/default_codebook.ron`.
    pub fn default_news() -> Self {
        const DEFAULT: &str = include_str!("../../assets/default_codebook.ron");
        // The asset is checked by a unit test, so this cannot fail in a released build.
        ron::from_str(DEFAULT).unwrap_or_else(|err| panic!("assets/default_codebook.ron: {err}"))
    }
}

/// Parses `#rrggbb` into RGB.
pub fn parse_color(color: &str) -> Option<[u8; 3]> {
    let hex = color.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_codebook_has_the_four_news_labels_with_hotkeys() {
        let codebook = Codebook::default_news();
        let names: Vec<&str> = codebook.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Claim", "Quote", "Actor", "Recommendation"]);
        for (i, label) in codebook.labels.iter().enumerate() {
            assert_eq!(label.hotkey, char::from_digit(i as u32 + 1, 10));
            assert!(parse_color(&label.color).is_some(), "{}", label.color);
            assert!(!label.definition.is_empty());
        }
        assert!(codebook.relation_type("attributed_to").is_some());
    }

    #[test]
    fn colors() {
        assert_eq!(parse_color("#ff8000"), Some([255, 128, 0]));
        assert_eq!(parse_color("ff8000"), None);
        assert_eq!(parse_color("#ff80"), None);
        assert_eq!(parse_color("#gg8000"), None);
        assert_eq!(parse_color("#ééé"), None);
    }
}
