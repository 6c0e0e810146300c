//! Changing the kind of an attribute or document variable after it was made (choice,
//! multi-choice, yes/no, number, free text, date), as pure rules the codebook editor calls.
//!
//! Stored values are converted where that is lossless and obvious ([`convert`]): a choice becomes
//! a one-element multi-choice set, a one-element set a choice, anything its text form as free
//! text, a text that reads as a number a number, a text among the new choices that choice. A
//! value that does not fit the new kind is never dropped quietly: [`change_kind`] counts those
//! values and names examples, so the editor can ask before the change removes them.
//!
//! The change is one [`Cascade`] (one undo step): every value that changes is removed under the
//! old codebook (`before`), the new codebook is set (`via`), and the converted values are set
//! under it (`after`). Undoing runs it backwards, each value checked against the kind it belongs
//! to, so no new `Edit` is needed.

use super::codebook::{Codebook, Value, ValueKind};
use super::codebook_editing::{
    Cascade, ChoicesOf, DataChange, EntryChange, annotations_with, attribute_mut, check_choices, example, field_mut,
    unlocked_entry, without_value,
};
use super::project::{Project, Timestamp};

/// How many examples of values that do not fit a question names.
const EXAMPLES: usize = 3;

/// `value` as a value of `to`, when the conversion is lossless and obvious; `None` when it does
/// not fit (the caller asks before removing it).
///
/// - free text: the value's text form (`yes`, `2.5`, `2024-05-01`, `official; expert`);
/// - number: a text (or a choice) that reads as a finite number, spaces around it ignored;
/// - yes/no: `yes`/`no`/`true`/`false` in any case;
/// - date: a text in the form `2024-05-01`;
/// - choice: a value whose text is one of the choices; a multi-choice set of exactly one;
/// - multi-choice: a set whose choices are all among the choices; any other value whose text is
///   one of them becomes a one-element set.
pub fn convert(value: &Value, to: &ValueKind) -> Option<Value> {
    if to.admits(value) {
        return Some(value.clone());
    }
    // The text a single value reads as (a set of one reads as its element).
    let single = || -> Option<String> {
        match value {
            Value::Choices(choices) if choices.len() == 1 => Some(choices[0].clone()),
            Value::Choices(_) => None,
            Value::Text(text) => Some(text.trim().to_owned()),
            other => Some(other.display()),
        }
    };
    let converted = match to {
        ValueKind::Text => Value::Text(value.display()),
        ValueKind::Number => {
            let text = match value {
                Value::Bool(_) | Value::Date(_) => return None,
                _ => single()?,
            };
            Value::Number(text.parse::<f64>().ok().filter(|n| n.is_finite())?)
        }
        ValueKind::Bool => {
            let text = match value {
                Value::Number(_) | Value::Date(_) => return None,
                _ => single()?,
            };
            match text.to_lowercase().as_str() {
                "yes" | "true" => Value::Bool(true),
                "no" | "false" => Value::Bool(false),
                _ => return None,
            }
        }
        ValueKind::Date => {
            let text = match value {
                Value::Number(_) | Value::Bool(_) => return None,
                _ => single()?,
            };
            Value::Date(chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()?)
        }
        ValueKind::Choice(options) => Value::Choice(single().filter(|t| options.contains(t))?),
        ValueKind::MultiChoice(options) => match value {
            Value::Choices(choices) => {
                // A set with a choice the new list lacks does not fit; the order is the codebook's.
                if !choices.iter().all(|c| options.contains(c)) {
                    return None;
                }
                Value::Choices(options.iter().filter(|o| choices.contains(o)).cloned().collect())
            }
            _ => Value::Choices(vec![single().filter(|t| options.contains(t))?]),
        },
    };
    to.admits(&converted).then_some(converted)
}

/// The choices a choice or multi-choice kind made from `of`'s current kind would have: its own
/// choices if it has them, else the distinct texts of the stored values (trimmed, in the order
/// of the documents; yes/no values give `yes`, `no`).
pub fn choices_from_values(project: &Project, of: &ChoicesOf) -> Vec<String> {
    let kind = match kind_of(&project.codebook, of) {
        Some(kind) => kind,
        None => return Vec::new(),
    };
    if !kind.options().is_empty() {
        return kind.options().to_vec();
    }
    let mut choices: Vec<String> = Vec::new();
    let mut add = |text: String| {
        let text = text.trim().to_owned();
        if !text.is_empty() && !choices.contains(&text) {
            choices.push(text);
        }
    };
    for value in stored_values(project, of) {
        match value {
            Value::Choices(set) => set.iter().cloned().for_each(&mut add),
            other => add(other.display()),
        }
    }
    choices
}

fn kind_of<'c>(codebook: &'c Codebook, of: &ChoicesOf) -> Option<&'c ValueKind> {
    match of {
        ChoicesOf::Attribute(id) => codebook.attribute(id).map(|a| &a.kind),
        ChoicesOf::Field(id) => codebook.document_field(id).map(|f| &f.kind),
    }
}

/// Every stored value of an attribute (annotations') or variable (documents'), in document order.
fn stored_values<'p>(project: &'p Project, of: &ChoicesOf) -> Vec<&'p Value> {
    match of {
        ChoicesOf::Attribute(id) => project
            .documents
            .iter()
            .flat_map(|d| d.annotations.iter().filter_map(move |a| a.attributes.get(id.as_str())))
            .collect(),
        ChoicesOf::Field(id) => project.documents.iter().filter_map(|d| d.variables.get(id.as_str())).collect(),
    }
}

/// A kind change worked out: the cascade to apply, and what it does to the stored values.
#[derive(Clone, Debug, PartialEq)]
pub struct KindChange {
    pub cascade: Cascade,
    /// The attribute's or variable's name.
    pub name: String,
    /// The old kind's name and the new one's (`choice`, `multi-choice`).
    pub from: &'static str,
    pub to: &'static str,
    /// Values converted to the new kind (or kept as they are).
    pub kept: usize,
    /// Values that do not fit the new kind: the cascade removes them.
    pub misfits: usize,
    /// Up to three of those values, as a user reads them.
    pub examples: Vec<String>,
    /// `annotation` or `document`: what holds the values.
    pub holder: &'static str,
}

impl KindChange {
    /// The question to ask before applying, when values would go: "2 annotations have values
    /// of Size that are not numbers, e.g. 'about 30', 'n/a'. Remove those values and make Size a
    /// number?" `None` when every value fits.
    pub fn question(&self) -> Option<String> {
        if self.misfits == 0 {
            return None;
        }
        let holders = if self.misfits == 1 {
            format!("1 {} has a value", self.holder)
        } else {
            format!("{} {}s have values", self.misfits, self.holder)
        };
        let one = self.misfits == 1;
        let what = match (self.to, one) {
            ("number", true) => "a number",
            ("number", false) => "numbers",
            ("yes/no", _) => "yes or no",
            ("date", true) => "a date like 2024-05-01",
            ("date", false) => "dates like 2024-05-01",
            ("choice", true) => "one of its choices",
            ("choice", false) => "single choices among its choices",
            (_, _) => "among its choices",
        };
        let examples = self.examples.iter().map(|e| format!("'{e}'")).collect::<Vec<_>>().join(", ");
        Some(format!(
            "{holders} of {} that {} not {what}, e.g. {examples}. Remove {} and make {} a {}?",
            self.name,
            if one { "is" } else { "are" },
            if one { "that value" } else { "those values" },
            self.name,
            self.to
        ))
    }
}

/// `of` (an attribute or document variable) changed to the kind `to`, its stored values
/// converted ([`convert`]); values that do not fit are removed by the cascade, and counted in
/// [`KindChange::misfits`] with examples so the caller asks first. Refused while the codebook
/// is locked, for an attribute made a date (dates are document variables), and for a choice
/// kind without choices.
pub fn change_kind(
    project: &Project,
    of: &ChoicesOf,
    to: ValueKind,
    time: Timestamp,
) -> Result<KindChange, EntryChange> {
    let mut new = unlocked_entry(&project.codebook)?;
    let to = check_choices(to)?;
    let (name, from) = match of {
        ChoicesOf::Attribute(id) => {
            let attribute = attribute_mut(&mut new, id)?;
            if to == ValueKind::Date {
                return Err(EntryChange::DateAttribute(attribute.name.clone()));
            }
            let from = attribute.kind.name();
            attribute.kind = to.clone();
            (attribute.name.clone(), from)
        }
        ChoicesOf::Field(id) => {
            let field = field_mut(&mut new, id)?;
            let from = field.kind.name();
            field.kind = to.clone();
            (field.name.clone(), from)
        }
    };
    let mut change = KindChange {
        cascade: Cascade { codebook: new.clone(), before: Vec::new(), via: None, after: Vec::new() },
        name,
        from,
        to: to.name(),
        kept: 0,
        misfits: 0,
        examples: Vec::new(),
        holder: match of {
            ChoicesOf::Attribute(_) => "annotation",
            ChoicesOf::Field(_) => "document",
        },
    };
    let mut tally = |value: &Value| -> Option<Value> {
        let converted = convert(value, &to);
        match &converted {
            Some(_) => change.kept += 1,
            None => {
                change.misfits += 1;
                let example = example(value);
                if change.examples.len() < EXAMPLES && !change.examples.contains(&example) {
                    change.examples.push(example);
                }
            }
        }
        converted
    };
    let (mut before, mut after) = (Vec::new(), Vec::new());
    match of {
        ChoicesOf::Attribute(id) => {
            for (document, annotation) in annotations_with(project, id, |_, _| true) {
                let Some(value) = annotation.attributes.get(id.as_str()) else { continue };
                let converted = tally(value);
                if converted.as_ref() == Some(value) {
                    continue;
                }
                let cleared = without_value(annotation, id, time);
                if let Some(converted) = converted {
                    let mut set = cleared.clone();
                    set.attributes.insert(id.clone(), converted);
                    after.push(DataChange::UpdateAnnotation { document: document.to_owned(), annotation: set });
                }
                before.push(DataChange::UpdateAnnotation { document: document.to_owned(), annotation: cleared });
            }
        }
        ChoicesOf::Field(id) => {
            for document in &project.documents {
                let Some(value) = document.variables.get(id.as_str()) else { continue };
                let converted = tally(value);
                if converted.as_ref() == Some(value) {
                    continue;
                }
                before.push(DataChange::SetVariable { document: document.id.clone(), field: id.clone(), value: None });
                if let Some(converted) = converted {
                    after.push(DataChange::SetVariable {
                        document: document.id.clone(),
                        field: id.clone(),
                        value: Some(converted),
                    });
                }
            }
        }
    }
    change.cascade.via = (!after.is_empty()).then_some(new);
    change.cascade.before = before;
    change.cascade.after = after;
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::project::{Annotation, Document, ItemId};

    fn created() -> Timestamp {
        chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a time")
    }

    fn later() -> Timestamp {
        chrono::DateTime::from_timestamp(1_700_000_500, 0).expect("a time")
    }

    fn date(text: &str) -> Value {
        Value::Date(chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date"))
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Every kind, with choices that include Unicode texts.
    fn kinds() -> Vec<ValueKind> {
        let options = strings(&["ü", "🎉", "شبکه\u{200c}ها", "社交", "👨\u{200d}👩\u{200d}👧", "42", "yes"]);
        vec![
            ValueKind::Text,
            ValueKind::Number,
            ValueKind::Bool,
            ValueKind::Choice(options.clone()),
            ValueKind::MultiChoice(options),
            ValueKind::Date,
        ]
    }

    /// A value of each kind (and some texts), what each becomes as each kind (`None`: does not fit).
    #[test]
    fn every_kind_converts_to_every_kind_where_obvious() {
        let [text, number, yes_no, choice, multi, day] = <[ValueKind; 6]>::try_from(kinds()).expect("six kinds");
        let t = |s: &str| Value::Text(s.to_owned());
        let c = |s: &str| Value::Choice(s.to_owned());
        let set = |items: &[&str]| Value::Choices(strings(items));
        #[rustfmt::skip]
        let table: Vec<(Value, [Option<Value>; 6])> = vec![
            // value             text                         number                     yes/no                     choice             multi-choice          date
            (t("ü"),             [Some(t("ü")),               None,                      None,                      Some(c("ü")),      Some(set(&["ü"])),    None]),
            (t(" 🎉 "),          [Some(t(" 🎉 ")),            None,                      None,                      Some(c("🎉")),     Some(set(&["🎉"])),   None]),
            (t("شبکه\u{200c}ها"),[Some(t("شبکه\u{200c}ها")),  None,                      None,                      Some(c("شبکه\u{200c}ها")), Some(set(&["شبکه\u{200c}ها"])), None]),
            (t("社交"),          [Some(t("社交")),            None,                      None,                      Some(c("社交")),   Some(set(&["社交"])), None]),
            (t("about 30"),      [Some(t("about 30")),        None,                      None,                      None,              None,                 None]),
            (t(" 42 "),          [Some(t(" 42 ")),            Some(Value::Number(42.0)), None,                      Some(c("42")),     Some(set(&["42"])),   None]),
            (t("2.5e1"),         [Some(t("2.5e1")),           Some(Value::Number(25.0)), None,                      None,              None,                 None]),
            (t("NaN"),           [Some(t("NaN")),             None,                      None,                      None,              None,                 None]),
            (t("Yes"),           [Some(t("Yes")),             None,                      Some(Value::Bool(true)),   None,              None,                 None]),
            (t("false"),         [Some(t("false")),           None,                      Some(Value::Bool(false)),  None,              None,                 None]),
            (t("2024-05-01"),    [Some(t("2024-05-01")),      None,                      None,                      None,              None,                 Some(date("2024-05-01"))]),
            (t("2024-02-30"),    [Some(t("2024-02-30")),      None,                      None,                      None,              None,                 None]),
            (Value::Number(42.0),[Some(t("42")),              Some(Value::Number(42.0)), None,                      Some(c("42")),     Some(set(&["42"])),   None]),
            (Value::Number(-0.5),[Some(t("-0.5")),            Some(Value::Number(-0.5)), None,                      None,              None,                 None]),
            (Value::Bool(true),  [Some(t("yes")),             None,                      Some(Value::Bool(true)),   Some(c("yes")),    Some(set(&["yes"])),  None]),
            (Value::Bool(false), [Some(t("no")),              None,                      Some(Value::Bool(false)),  None,              None,                 None]),
            (c("ü"),             [Some(t("ü")),               None,                      None,                      Some(c("ü")),      Some(set(&["ü"])),    None]),
            (c("42"),            [Some(t("42")),              Some(Value::Number(42.0)), None,                      Some(c("42")),     Some(set(&["42"])),   None]),
            (c("gone"),          [Some(t("gone")),            None,                      None,                      None,              None,                 None]),
            (set(&["👨\u{200d}👩\u{200d}👧"]), [Some(t("👨\u{200d}👩\u{200d}👧")), None, None,               Some(c("👨\u{200d}👩\u{200d}👧")), Some(set(&["👨\u{200d}👩\u{200d}👧"])), None]),
            (set(&["社交", "ü"]),[Some(t("社交; ü")),         None,                      None,                      None,              Some(set(&["社交", "ü"])), None]),
            (set(&[]),           [Some(t("")),                None,                      None,                      None,              Some(set(&[])),       None]),
            (set(&["ü", "gone"]),[Some(t("ü; gone")),         None,                      None,                      None,              None,                 None]),
            (date("2024-05-01"), [Some(t("2024-05-01")),      None,                      None,                      None,              None,                 Some(date("2024-05-01"))]),
        ];
        let targets = [&text, &number, &yes_no, &choice, &multi, &day];
        for (value, expected) in table {
            for (to, want) in targets.iter().zip(expected) {
                assert_eq!(convert(&value, to), want, "{value:?} as {}", to.name());
            }
        }
    }

    #[test]
    fn a_converted_value_is_always_admitted_by_its_new_kind() {
        let values = [
            Value::Text("社交 🎉".into()),
            Value::Number(f64::INFINITY),
            Value::Number(3.0),
            Value::Bool(true),
            Value::Choice("ü".into()),
            Value::Choices(strings(&["ü", "🎉"])),
            date("1999-12-31"),
        ];
        for value in &values {
            for to in kinds() {
                if let Some(converted) = convert(value, &to) {
                    assert!(to.admits(&converted), "{value:?} -> {converted:?} as {}", to.name());
                }
            }
        }
        assert_eq!(convert(&Value::Number(f64::INFINITY), &ValueKind::Number), None, "not a finite number");
    }

    /// A project with an attribute `a` of kind `kind` on four annotations and a variable `v` of
    /// the same kind on as many documents, holding `values` in turn.
    fn project_with(kind: ValueKind, values: &[Value]) -> Project {
        let mut project = Project::new("kinds");
        project.codebook.attributes.push(crate::model::AttributeDef {
            id: "a".into(),
            name: "Size ü".into(),
            kind: kind.clone(),
            labels: Vec::new(),
            definition: String::new(),
        });
        project.codebook.document_fields.push(crate::model::FieldDef {
            id: "v".into(),
            name: "Reach 社交".into(),
            kind,
            definition: String::new(),
        });
        for (i, value) in values.iter().enumerate() {
            let text = "Grüße 🎉 👨\u{200d}👩\u{200d}👧 شبکه\u{200c}ها 社交\r\n".to_owned();
            let mut doc = Document::new(format!("d{i}"), format!("doc {i}"), text);
            doc.build_index();
            let mut annotation = Annotation::new(
                ItemId(i as u64 + 1),
                "claim",
                vec![doc.fragment(6..7).expect("the emoji")],
                "coder",
                created(),
            );
            annotation.attributes.insert("a".into(), value.clone());
            doc.annotations.push(Box::new(annotation));
            doc.variables.insert("v".into(), value.clone());
            project.documents.push(doc);
        }
        project
    }

    #[test]
    fn text_to_number_asks_about_the_texts_that_are_not_numbers() {
        let texts = ["12", " 7.5 ", "about 30", "n/a"].map(|t| Value::Text(t.into()));
        let project = project_with(ValueKind::Text, &texts);
        let of = ChoicesOf::Attribute("a".into());
        let change = change_kind(&project, &of, ValueKind::Number, later()).expect("unlocked");
        assert_eq!((change.kept, change.misfits), (2, 2));
        assert_eq!(change.examples, ["about 30", "n/a"]);
        assert_eq!(
            change.question().as_deref(),
            Some(
                "2 annotations have values of Size ü that are not numbers, e.g. 'about 30', 'n/a'. \
                 Remove those values and make Size ü a number?"
            )
        );
        // All four cleared first, the two numbers set under the new codebook.
        assert_eq!(change.cascade.before.len(), 4);
        assert_eq!(change.cascade.after.len(), 2);
        assert_eq!(change.cascade.via.as_ref(), Some(&change.cascade.codebook));
        assert_eq!(change.cascade.codebook.attribute("a").map(|a| &a.kind), Some(&ValueKind::Number));
        let DataChange::UpdateAnnotation { annotation, .. } = &change.cascade.after[1] else { panic!("an update") };
        assert_eq!(annotation.attributes.get("a"), Some(&Value::Number(7.5)));
        assert_eq!(annotation.modified, later());
    }

    #[test]
    fn text_to_choice_makes_the_distinct_texts_the_choices_and_nothing_goes() {
        let texts = ["ü", "🎉", " ü ", "شبکه\u{200c}ها", "社交"].map(|t| Value::Text(t.into()));
        let project = project_with(ValueKind::Text, &texts);
        for of in [ChoicesOf::Attribute("a".into()), ChoicesOf::Field("v".into())] {
            let choices = choices_from_values(&project, &of);
            assert_eq!(choices, ["ü", "🎉", "شبکه\u{200c}ها", "社交"]);
            let change = change_kind(&project, &of, ValueKind::Choice(choices), later()).expect("unlocked");
            assert_eq!((change.kept, change.misfits, change.question()), (5, 0, None));
        }
        // A field's values: cleared, then set as choices.
        let change = change_kind(&project, &ChoicesOf::Field("v".into()), ValueKind::Choice(strings(&["ü"])), later())
            .expect("ok");
        assert_eq!((change.kept, change.misfits), (2, 3));
        assert_eq!(change.holder, "document");
        assert_eq!(change.examples, ["🎉", "شبکه\u{200c}ها", "社交"], "three examples at most");
        assert_eq!(
            change.cascade.after[0],
            DataChange::SetVariable {
                document: "d0".into(),
                field: "v".into(),
                value: Some(Value::Choice("ü".into()))
            }
        );
    }

    #[test]
    fn choice_to_multi_choice_and_back_keeps_every_value() {
        let options = strings(&["ü", "社交"]);
        let values = [Value::Choice("ü".into()), Value::Choice("社交".into())];
        let project = project_with(ValueKind::Choice(options.clone()), &values);
        let of = ChoicesOf::Attribute("a".into());
        assert_eq!(choices_from_values(&project, &of), options, "its own choices");
        let change = change_kind(&project, &of, ValueKind::MultiChoice(options.clone()), later()).expect("ok");
        assert_eq!((change.kept, change.misfits), (2, 0));
        let DataChange::UpdateAnnotation { annotation, .. } = &change.cascade.after[1] else { panic!("an update") };
        assert_eq!(annotation.attributes.get("a"), Some(&Value::Choices(strings(&["社交"]))));
        // Back: sets of one become choices; a set of two does not fit.
        let sets = [Value::Choices(strings(&["ü"])), Value::Choices(options.clone()), Value::Choices(Vec::new())];
        let project = project_with(ValueKind::MultiChoice(options.clone()), &sets);
        let change = change_kind(&project, &of, ValueKind::Choice(options), later()).expect("ok");
        assert_eq!((change.kept, change.misfits), (1, 2));
        assert_eq!(change.examples, ["ü; 社交", "(empty)"], "a set with nothing chosen does not fit a choice");
        assert_eq!(change.cascade.before.len(), 3);
    }

    #[test]
    fn anything_becomes_free_text_and_unchanged_values_are_left_alone() {
        let values = [Value::Number(2.0), Value::Bool(false), date("2024-05-01")];
        let project = project_with(ValueKind::Number, &values);
        let change = change_kind(&project, &ChoicesOf::Field("v".into()), ValueKind::Text, later()).expect("ok");
        assert_eq!((change.kept, change.misfits), (3, 0));
        let set: Vec<Option<Value>> = change
            .cascade
            .after
            .iter()
            .map(|c| match c {
                DataChange::SetVariable { value, .. } => value.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(set, ["2", "no", "2024-05-01"].map(|t| Some(Value::Text(t.into()))));
        // A kind whose values all stay as they are touches no data.
        let project = project_with(ValueKind::Choice(strings(&["ü"])), &[Value::Choice("ü".into())]);
        let change =
            change_kind(&project, &ChoicesOf::Attribute("a".into()), ValueKind::Choice(strings(&["ü", "🎉"])), later())
                .expect("ok");
        assert_eq!(change.cascade.data_changes(), 0);
        assert_eq!(change.cascade.via, None);
    }

    #[test]
    fn refused_when_locked_for_a_date_attribute_and_without_choices() {
        let mut project = project_with(ValueKind::Text, &[Value::Text("ü".into())]);
        let attribute = ChoicesOf::Attribute("a".into());
        assert_eq!(
            change_kind(&project, &attribute, ValueKind::Date, later()).map(|c| c.to),
            Err(EntryChange::DateAttribute("Size ü".into()))
        );
        assert_eq!(
            change_kind(&project, &attribute, ValueKind::Choice(Vec::new()), later()).map(|c| c.to),
            Err(EntryChange::ChoicesNeeded("choice"))
        );
        assert_eq!(
            change_kind(&project, &ChoicesOf::Field("v".into()), ValueKind::Date, later()).map(|c| c.misfits),
            Ok(1),
            "a variable can be a date"
        );
        project.codebook.locked = true;
        assert_eq!(
            change_kind(&project, &attribute, ValueKind::Number, later()).map(|c| c.to),
            Err(EntryChange::Locked)
        );
    }
}
