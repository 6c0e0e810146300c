//! Items as short display strings, for the two sides of a conflict and for consequences.

use crate::model::{Annotation, Codebook, Document, Memo, MemoTarget, Relation, Value, ValueKind};

/// What a deleted item shows on its side of a conflict.
pub const DELETED: &str = "(deleted)";

/// Longest text shown before it is cut with "…".
const MAX_CHARS: usize = 80;

/// Text in double quotes, cut after 80 characters.
pub fn quoted(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() { format!("\"{head}…\"") } else { format!("\"{head}\"") }
}

pub fn value_kind(kind: &ValueKind) -> String {
    match kind {
        ValueKind::Text => "text".to_owned(),
        ValueKind::Number => "number".to_owned(),
        ValueKind::Bool => "yes/no".to_owned(),
        ValueKind::Choice(options) => format!("choice of {}", options.join(", ")),
        ValueKind::MultiChoice(options) => format!("any of {}", options.join(", ")),
        ValueKind::Date => "date".to_owned(),
    }
}

pub fn value(value: &Value) -> String {
    match value {
        Value::Text(text) => quoted(text),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => if *flag { "yes" } else { "no" }.to_owned(),
        Value::Choice(_) | Value::Choices(_) | Value::Date(_) => value.display(),
    }
}

fn label_name<'c>(codebook: &'c Codebook, label: &'c str) -> &'c str {
    codebook.label(label).map_or(label, |l| l.name.as_str())
}

/// `Claim "Official" (120..128), note "…", stance = for, by ana`.
pub fn annotation(annotation: &Annotation, codebook: &Codebook) -> String {
    let ranges: Vec<String> = annotation.fragments.iter().map(|f| format!("{}..{}", f.start, f.end)).collect();
    let mut text =
        format!("{} {} ({})", label_name(codebook, &annotation.label), quoted(&annotation.text()), ranges.join(", "));
    if !annotation.note.is_empty() {
        text.push_str(&format!(", note {}", quoted(&annotation.note)));
    }
    for (name, attribute) in &annotation.attributes {
        text.push_str(&format!(", {name} = {}", value(attribute)));
    }
    text.push_str(&format!(", by {}", annotation.annotator));
    text
}

/// A short name for an annotation: `Claim "Official"`.
pub fn annotation_name(annotation: &Annotation, codebook: &Codebook) -> String {
    format!("{} {}", label_name(codebook, &annotation.label), quoted(&annotation.text()))
}

/// `Attributed to: Quote "…" -> Actor "…", note "…"`.
pub fn relation(relation: &Relation, document: Option<&Document>, codebook: &Codebook) -> String {
    let kind = codebook.relation_type(&relation.kind).map_or(relation.kind.as_str(), |t| t.name.as_str());
    let end = |id| match document.and_then(|d| d.annotation(id)) {
        Some(annotation) => annotation_name(annotation, codebook),
        None => format!("annotation {id}"),
    };
    let mut text = format!("{kind}: {} -> {}", end(relation.from), end(relation.to));
    if !relation.note.is_empty() {
        text.push_str(&format!(", note {}", quoted(&relation.note)));
    }
    text.push_str(&format!(", by {}", relation.annotator));
    text
}

pub fn memo_target(target: &MemoTarget) -> String {
    match target {
        MemoTarget::Project => "the project".to_owned(),
        MemoTarget::Document(id) => format!("document {id}"),
        MemoTarget::Label(id) => format!("label {id}"),
        MemoTarget::Annotation(id) => format!("annotation {id}"),
    }
}

/// `"Title": "text…" (about annotation 123), by ana`.
pub fn memo(memo: &Memo) -> String {
    format!("{}: {} (about {}), by {}", quoted(&memo.title), quoted(&memo.text), memo_target(&memo.target), memo.author)
}

/// A document's name for messages: `"article.txt" (d2)`.
pub fn document_name(document: &Document) -> String {
    format!("{} ({})", quoted(&document.name), document.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_by_characters() {
        let long = "ü🎉".repeat(60);
        let shown = quoted(&long);
        assert_eq!(shown.chars().count(), 80 + 3);
        assert!(shown.ends_with("…\""));
        assert_eq!(quoted("Grüße 👨‍👩‍👧"), "\"Grüße 👨‍👩‍👧\"");
    }
}
