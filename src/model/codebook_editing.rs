//! Rules for changing a codebook, as pure functions the codebook editor calls: fresh ids and
//! colours, hotkeys without clashes, what happens to the annotations of a label that is
//! deleted. Each returns a new [`Codebook`] for the caller to apply as `Edit::SetCodebook`, so
//! every codebook change is one undoable, journalled step (`edit::delete_label` builds the
//! edit that deletes a label in use).

use super::codebook::{AttributeDef, Codebook, FieldDef, Label, RelationType, Value, ValueKind};
use super::project::{Annotation, ItemId, Project, Relation, Timestamp, slug};

/// Colours given to new labels, in turn (Tableau 10, as the default codebook uses).
const PALETTE: [&str; 10] =
    ["#e15759", "#4e79a7", "#59a14f", "#f28e2b", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/// Why a codebook change was refused, in words the editor shows.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CodebookChange {
    #[error("the codebook is locked: unlock it first")]
    Locked,
    #[error("a label needs a name")]
    EmptyName,
    #[error("there is already a label named \"{0}\"")]
    DuplicateName(String),
    #[error("no label \"{0}\"")]
    NoLabel(String),
    #[error("key '{key}' is already the key of the label {label}")]
    HotkeyTaken { key: char, label: String },
    #[error("key '{key}' is already the shortcut of \"{command}\"")]
    HotkeyReserved { key: char, command: String },
    #[error("a hotkey is one visible character (a digit or a letter), not '{0}'")]
    BadHotkey(String),
    #[error("{0} is not a colour of the form #rrggbb")]
    BadColor(String),
    #[error("{0}")]
    BadParent(String),
}

/// What to do with the annotations of a label being deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelDeletion {
    /// Give them another label (by id).
    Relabel(String),
    /// Delete them (their relations and memos go with them).
    DeleteAnnotations,
}

pub(crate) fn unlocked(codebook: &Codebook) -> Result<Codebook, CodebookChange> {
    if codebook.locked { Err(CodebookChange::Locked) } else { Ok(codebook.clone()) }
}

fn check_name(codebook: &Codebook, name: &str, except: Option<&str>) -> Result<String, CodebookChange> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CodebookChange::EmptyName);
    }
    if codebook.labels.iter().any(|l| Some(l.id.as_str()) != except && l.name.eq_ignore_ascii_case(name)) {
        return Err(CodebookChange::DuplicateName(name.to_owned()));
    }
    Ok(name.to_owned())
}

/// A new label named `name` at the end (or under `parent`, after its last sub-label), with a
/// fresh id, the next colour of the palette, and the first free key of 1–9.
pub fn add_label(codebook: &Codebook, name: &str, parent: Option<&str>) -> Result<(Codebook, String), CodebookChange> {
    let mut new = unlocked(codebook)?;
    let name = check_name(codebook, name, None)?;
    if let Some(parent) = parent {
        match codebook.label(parent) {
            None => return Err(CodebookChange::NoLabel(parent.to_owned())),
            Some(p) if p.parent.is_some() => {
                return Err(CodebookChange::BadParent(format!(
                    "{} is a sub-label itself: sub-labels go one level deep",
                    p.name
                )));
            }
            Some(_) => {}
        }
    }
    let base = slug(&name).replace('-', "_");
    let base = if base == "annotator" && !name.eq_ignore_ascii_case("annotator") { "label".to_owned() } else { base };
    let id = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}_{n}")))
        .find(|id| codebook.label(id).is_none())
        .unwrap_or(base);
    let color = PALETTE
        .iter()
        .find(|c| !codebook.labels.iter().any(|l| l.color.eq_ignore_ascii_case(c)))
        .unwrap_or(&PALETTE[codebook.labels.len() % PALETTE.len()]);
    let hotkey = ('1'..='9').find(|k| codebook.label_for_hotkey(*k).is_none());
    let label = Label {
        id: id.clone(),
        name,
        color: (*color).to_owned(),
        hotkey,
        definition: String::new(),
        examples: Vec::new(),
        parent: parent.map(str::to_owned),
    };
    let at = match parent {
        Some(parent) => {
            new.labels.iter().rposition(|l| l.id == parent || l.parent.as_deref() == Some(parent)).map_or(0, |i| i + 1)
        }
        None => new.labels.len(),
    };
    new.labels.insert(at, label);
    Ok((new, id))
}

fn label_mut<'c>(codebook: &'c mut Codebook, id: &str) -> Result<&'c mut Label, CodebookChange> {
    codebook.labels.iter_mut().find(|l| l.id == id).ok_or_else(|| CodebookChange::NoLabel(id.to_owned()))
}

/// The codebook with a label renamed (its id, which annotations refer to, stays).
pub fn rename_label(codebook: &Codebook, id: &str, name: &str) -> Result<Codebook, CodebookChange> {
    let mut new = unlocked(codebook)?;
    let name = check_name(codebook, name, Some(id))?;
    label_mut(&mut new, id)?.name = name;
    Ok(new)
}

/// The codebook with a label's colour changed.
pub fn recolor_label(codebook: &Codebook, id: &str, color: &str) -> Result<Codebook, CodebookChange> {
    let mut new = unlocked(codebook)?;
    if super::codebook::parse_color(color).is_none() {
        return Err(CodebookChange::BadColor(color.to_owned()));
    }
    label_mut(&mut new, id)?.color = color.to_ascii_lowercase();
    Ok(new)
}

/// The codebook with a label's definition and examples changed.
pub fn describe_label(
    codebook: &Codebook,
    id: &str,
    definition: &str,
    examples: Vec<String>,
) -> Result<Codebook, CodebookChange> {
    let mut new = unlocked(codebook)?;
    let label = label_mut(&mut new, id)?;
    label.definition = definition.trim().to_owned();
    label.examples = examples.into_iter().map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()).collect();
    Ok(new)
}

/// The codebook with a label's hotkey set or cleared. Refused when another label has the key,
/// or when `reserved` names a command the key already triggers (the window passes its
/// shortcut list).
pub fn set_hotkey(
    codebook: &Codebook,
    id: &str,
    key: Option<char>,
    reserved: &dyn Fn(char) -> Option<String>,
) -> Result<Codebook, CodebookChange> {
    let mut new = unlocked(codebook)?;
    if let Some(key) = key {
        if key.is_whitespace() || key.is_control() {
            return Err(CodebookChange::BadHotkey(key.escape_default().to_string()));
        }
        if let Some(other) = codebook.labels.iter().find(|l| l.id != id && l.hotkey == Some(key)) {
            return Err(CodebookChange::HotkeyTaken { key, label: other.name.clone() });
        }
        if let Some(command) = reserved(key) {
            return Err(CodebookChange::HotkeyReserved { key, command });
        }
    }
    label_mut(&mut new, id)?.hotkey = key;
    Ok(new)
}

/// The codebook with a label moved up (`-1`) or down (`+1`) among its siblings (a top-level
/// label moves with its sub-labels).
pub fn move_label(codebook: &Codebook, id: &str, delta: isize) -> Result<Codebook, CodebookChange> {
    let mut new = unlocked(codebook)?;
    let label = codebook.label(id).ok_or_else(|| CodebookChange::NoLabel(id.to_owned()))?;
    let parent = label.parent.clone();
    // Blocks: a top-level label with its children, or a single sub-label.
    let siblings: Vec<&str> = codebook.labels.iter().filter(|l| l.parent == parent).map(|l| l.id.as_str()).collect();
    let Some(at) = siblings.iter().position(|s| *s == id) else { return Ok(new) };
    let Some(to) = at.checked_add_signed(delta).filter(|to| *to < siblings.len()) else { return Ok(new) };
    let mut order: Vec<&str> = siblings.clone();
    order.swap(at, to);
    let block = |l: &Label, of: &str| l.id == of || (parent.is_none() && l.parent.as_deref() == Some(of));
    let mut labels = Vec::with_capacity(codebook.labels.len());
    if parent.is_none() {
        for top in &order {
            labels.extend(codebook.labels.iter().filter(|l| block(l, top)).cloned());
        }
        // Sub-labels whose parent is missing (not in a valid codebook) keep their place at the end.
        let orphans: Vec<Label> =
            codebook.labels.iter().filter(|l| !labels.iter().any(|k: &Label| k.id == l.id)).cloned().collect();
        labels.extend(orphans);
    } else {
        let mut next = order.iter();
        for l in &codebook.labels {
            if l.parent == parent {
                let id = next.next().copied().unwrap_or(l.id.as_str());
                labels.extend(codebook.label(id).cloned());
            } else {
                labels.push(l.clone());
            }
        }
    }
    new.labels = labels;
    Ok(new)
}

/// How many annotations (in all documents) have this label.
pub fn label_use(project: &Project, id: &str) -> usize {
    project.documents.iter().map(|d| d.annotations.iter().filter(|a| a.label == id).count()).sum()
}

/// The codebook locked or unlocked (the only change a locked codebook accepts).
pub fn set_locked(codebook: &Codebook, locked: bool) -> Codebook {
    Codebook { locked, ..codebook.clone() }
}

/// `incoming` (an imported codebook) added to `current`. Labels match by id, else by name
/// (case-insensitive), and take the incoming name, colour, definition, examples, parent and
/// (when free) hotkey; other incoming labels are added. Relation types, attributes and document
/// fields match by id and are replaced, or added. Nothing is removed, so every annotation keeps
/// its label. Returns the codebook and what changed, in words.
pub fn merge_codebooks(current: &Codebook, incoming: &Codebook) -> Result<(Codebook, Vec<String>), CodebookChange> {
    let mut new = unlocked(current)?;
    let mut summary = Vec::new();
    // Incoming label id -> id in the merged codebook.
    let mut ids = std::collections::HashMap::new();
    for label in &incoming.labels {
        let matched = current
            .label(&label.id)
            .or_else(|| current.labels.iter().find(|l| l.name.eq_ignore_ascii_case(label.name.trim())))
            .map(|l| l.id.clone());
        let id = match matched {
            Some(id) => id,
            None => std::iter::once(label.id.clone())
                .chain((2..).map(|n| format!("{}_{n}", label.id)))
                .find(|id| new.label(id).is_none() && !ids.values().any(|v: &String| v == id))
                .unwrap_or_else(|| label.id.clone()),
        };
        ids.insert(label.id.clone(), id);
    }
    for label in &incoming.labels {
        let id = ids[&label.id].clone();
        let parent = label.parent.as_ref().and_then(|p| ids.get(p).cloned());
        let hotkey = label.hotkey.filter(|k| new.labels.iter().all(|l| l.id == id || l.hotkey != Some(*k)));
        match new.labels.iter_mut().find(|l| l.id == id) {
            Some(existing) => {
                let before = existing.clone();
                existing.name.clone_from(&label.name);
                existing.color.clone_from(&label.color);
                if !label.definition.is_empty() {
                    existing.definition.clone_from(&label.definition);
                }
                if !label.examples.is_empty() {
                    existing.examples.clone_from(&label.examples);
                }
                if parent.is_some() {
                    existing.parent = parent;
                }
                if hotkey.is_some() {
                    existing.hotkey = hotkey;
                }
                if *existing != before {
                    summary.push(format!("label {} updated", existing.name));
                }
            }
            None => {
                let free = ('1'..='9').find(|k| new.label_for_hotkey(*k).is_none());
                new.labels.push(Label { id, parent, hotkey: hotkey.or(free), ..label.clone() });
                summary.push(format!("label {} added", label.name));
            }
        }
    }
    // Sub-labels go one level deep, and never under themselves.
    let tops: Vec<String> = new.labels.iter().filter(|l| l.parent.is_none()).map(|l| l.id.clone()).collect();
    for label in &mut new.labels {
        if label.parent.as_ref().is_some_and(|p| *p == label.id || !tops.contains(p)) {
            label.parent = None;
        }
    }
    let map = |labels: &[String]| -> Vec<String> { labels.iter().map(|l| ids.get(l).unwrap_or(l).clone()).collect() };
    for relation_type in &incoming.relation_types {
        let mapped = super::codebook::RelationType {
            from_labels: map(&relation_type.from_labels),
            to_labels: map(&relation_type.to_labels),
            ..relation_type.clone()
        };
        match new.relation_types.iter_mut().find(|r| r.id == mapped.id) {
            Some(existing) if *existing == mapped => {}
            Some(existing) => {
                summary.push(format!("relation type {} updated", mapped.name));
                *existing = mapped;
            }
            None => {
                summary.push(format!("relation type {} added", mapped.name));
                new.relation_types.push(mapped);
            }
        }
    }
    for attribute in &incoming.attributes {
        let mapped = super::codebook::AttributeDef { labels: map(&attribute.labels), ..attribute.clone() };
        match new.attributes.iter_mut().find(|a| a.id == mapped.id) {
            Some(existing) if *existing == mapped => {}
            Some(existing) => {
                summary.push(format!("attribute {} updated", mapped.name));
                *existing = mapped;
            }
            None => {
                summary.push(format!("attribute {} added", mapped.name));
                new.attributes.push(mapped);
            }
        }
    }
    for field in &incoming.document_fields {
        match new.document_fields.iter_mut().find(|f| f.id == field.id) {
            Some(existing) if existing == field => {}
            Some(existing) => {
                summary.push(format!("document variable {} updated", field.name));
                *existing = field.clone();
            }
            None => {
                summary.push(format!("document variable {} added", field.name));
                new.document_fields.push(field.clone());
            }
        }
    }
    if incoming.locked {
        new.locked = true;
        summary.push("codebook locked".into());
    }
    Ok((new, summary))
}

// ---------------------------------------------------------------------------------------------
// Relation types, attributes and document variables.

/// What a codebook entry is, as messages name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    RelationType,
    Attribute,
    Field,
}

impl Entry {
    /// The noun with its article ("an attribute").
    pub fn a(self) -> &'static str {
        match self {
            Entry::RelationType => "a relation type",
            Entry::Attribute => "an attribute",
            Entry::Field => "a document variable",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Entry::RelationType => "relation type",
            Entry::Attribute => "attribute",
            Entry::Field => "document variable",
        }
    }
}

/// Why a change of a relation type, attribute or document variable was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EntryChange {
    #[error("the codebook is locked: unlock it first")]
    Locked,
    #[error("{} needs a name", .0.a())]
    EmptyName(Entry),
    #[error("there is already {} named \"{name}\"", .entry.a())]
    DuplicateName { entry: Entry, name: String },
    #[error("no {} \"{id}\"", .entry.noun())]
    Missing { entry: Entry, id: String },
    #[error("no label \"{0}\"")]
    NoLabel(String),
    #[error("{name} is a {kind}: it has no choices")]
    NoChoices { name: String, kind: &'static str },
    #[error("a choice needs a name")]
    EmptyChoice,
    #[error("{name} already has the choice \"{choice}\"")]
    DuplicateChoice { name: String, choice: String },
    #[error("{name} has no choice \"{choice}\"")]
    NoSuchChoice { name: String, choice: String },
    #[error("{0} cannot be a date: dates are document variables")]
    DateAttribute(String),
    #[error("a {0} needs at least one choice")]
    ChoicesNeeded(&'static str),
    #[error("{name} is the last choice of {of}: delete the {} instead", .entry.noun())]
    LastChoice { entry: Entry, name: String, of: String },
    /// `end` is `"start"` or `"end"`.
    #[error(
        "{count} relation{} of {name} {end}{} at {} labelled {label}: remove {} first or keep {label} allowed",
        plural(*.count), if *.count == 1 { "s" } else { "" },
        if *.count == 1 { "an annotation" } else { "annotations" }, if *.count == 1 { "it" } else { "them" }
    )]
    RelationsInTheWay { count: usize, name: String, end: &'static str, label: String },
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

impl From<CodebookChange> for EntryChange {
    fn from(change: CodebookChange) -> Self {
        match change {
            CodebookChange::NoLabel(label) => EntryChange::NoLabel(label),
            _ => EntryChange::Locked,
        }
    }
}

/// A change to the project's data that a codebook change brings along.
#[derive(Clone, Debug, PartialEq)]
pub enum DataChange {
    UpdateAnnotation { document: String, annotation: Annotation },
    RemoveRelation { document: String, id: ItemId },
    SetVariable { document: String, field: String, value: Option<Value> },
}

/// A codebook change together with what it does to annotations, relations and document
/// variables, to be applied as one undo step: `before`, then `via` (if any), then `after`, then
/// the codebook.
#[derive(Clone, Debug, PartialEq)]
pub struct Cascade {
    pub codebook: Codebook,
    /// Applied before the codebook is replaced (what the new codebook would not allow goes).
    pub before: Vec<DataChange>,
    /// A codebook in between that admits the old values and the new ones (a renamed choice
    /// under both names), so that `after` can be applied, and undone, against it.
    pub via: Option<Codebook>,
    /// Applied under `via` (values only the new codebook allows, such as a renamed choice).
    pub after: Vec<DataChange>,
}

impl Cascade {
    fn only(codebook: Codebook) -> Self {
        Cascade { codebook, before: Vec::new(), via: None, after: Vec::new() }
    }

    /// How many annotations, relations and documents the change touches besides the codebook.
    pub fn data_changes(&self) -> usize {
        self.before.len() + self.after.len()
    }
}

pub(super) fn unlocked_entry(codebook: &Codebook) -> Result<Codebook, EntryChange> {
    if codebook.locked { Err(EntryChange::Locked) } else { Ok(codebook.clone()) }
}

/// The names of the entries of one kind: (id, name).
fn entry_names(codebook: &Codebook, entry: Entry) -> Vec<(&str, &str)> {
    match entry {
        Entry::RelationType => codebook.relation_types.iter().map(|t| (t.id.as_str(), t.name.as_str())).collect(),
        Entry::Attribute => codebook.attributes.iter().map(|a| (a.id.as_str(), a.name.as_str())).collect(),
        Entry::Field => codebook.document_fields.iter().map(|f| (f.id.as_str(), f.name.as_str())).collect(),
    }
}

fn check_entry_name(
    codebook: &Codebook,
    entry: Entry,
    name: &str,
    except: Option<&str>,
) -> Result<String, EntryChange> {
    let name = name.trim();
    // Nothing visible (spaces, or only joiners such as a ZWNJ) is no name.
    if name.chars().all(|c| c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}')) {
        return Err(EntryChange::EmptyName(entry));
    }
    let lower = name.to_lowercase();
    if entry_names(codebook, entry).iter().any(|(id, other)| Some(*id) != except && other.to_lowercase() == lower) {
        return Err(EntryChange::DuplicateName { entry, name: name.to_owned() });
    }
    Ok(name.to_owned())
}

/// A fresh id made from the name (`"Speaker type"` → `speaker_type`), `entry_2`… when taken.
fn entry_id(codebook: &Codebook, entry: Entry, name: &str) -> String {
    let fallback = match entry {
        Entry::RelationType => "relation",
        Entry::Attribute => "attribute",
        Entry::Field => "variable",
    };
    let ascii = name.chars().any(|c| c.is_ascii_alphanumeric());
    let base = if ascii { slug(name).replace('-', "_") } else { fallback.to_owned() };
    let taken = entry_names(codebook, entry);
    std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}_{n}")))
        .find(|id| !taken.iter().any(|(t, _)| t == id))
        .unwrap_or(base)
}

fn check_labels(codebook: &Codebook, labels: &[String]) -> Result<Vec<String>, EntryChange> {
    let mut checked: Vec<String> = Vec::new();
    for label in labels {
        if codebook.label(label).is_none() {
            return Err(EntryChange::NoLabel(label.clone()));
        }
        if !checked.contains(label) {
            checked.push(label.clone());
        }
    }
    // In codebook order, so the file does not change with the order of clicks.
    checked.sort_by_key(|l| codebook.label_index(l));
    Ok(checked)
}

/// The choices of a new choice or multi-choice kind: trimmed, none empty, none twice.
pub fn check_choices(kind: ValueKind) -> Result<ValueKind, EntryChange> {
    let clean = |options: Vec<String>, what: &'static str| -> Result<Vec<String>, EntryChange> {
        let mut clean: Vec<String> = Vec::new();
        for option in options.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
            if clean.iter().any(|c| c == option) {
                return Err(EntryChange::DuplicateChoice { name: what.to_owned(), choice: option.to_owned() });
            }
            clean.push(option.to_owned());
        }
        if clean.is_empty() { Err(EntryChange::ChoicesNeeded(what)) } else { Ok(clean) }
    };
    Ok(match kind {
        ValueKind::Choice(options) => ValueKind::Choice(clean(options, "choice")?),
        ValueKind::MultiChoice(options) => ValueKind::MultiChoice(clean(options, "multi-choice")?),
        other => other,
    })
}

/// A new relation type named `name`, allowed between any labels until narrowed.
pub fn add_relation_type(codebook: &Codebook, name: &str) -> Result<(Codebook, String), EntryChange> {
    let mut new = unlocked_entry(codebook)?;
    let name = check_entry_name(codebook, Entry::RelationType, name, None)?;
    let id = entry_id(codebook, Entry::RelationType, &name);
    new.relation_types.push(RelationType {
        id: id.clone(),
        name,
        from_labels: Vec::new(),
        to_labels: Vec::new(),
        directed: true,
        definition: String::new(),
    });
    Ok((new, id))
}

fn relation_type_mut<'c>(codebook: &'c mut Codebook, id: &str) -> Result<&'c mut RelationType, EntryChange> {
    codebook
        .relation_types
        .iter_mut()
        .find(|t| t.id == id)
        .ok_or_else(|| EntryChange::Missing { entry: Entry::RelationType, id: id.to_owned() })
}

/// The codebook with a relation type renamed (its id, which relations refer to, stays).
pub fn rename_relation_type(codebook: &Codebook, id: &str, name: &str) -> Result<Codebook, EntryChange> {
    let mut new = unlocked_entry(codebook)?;
    let name = check_entry_name(codebook, Entry::RelationType, name, Some(id))?;
    relation_type_mut(&mut new, id)?.name = name;
    Ok(new)
}

/// The codebook with the labels a relation type allows at its source and target (empty: any).
/// Refused, naming the count, while relations of the type would be left between labels it no
/// longer allows.
pub fn set_relation_type_labels(
    project: &Project,
    id: &str,
    from_labels: &[String],
    to_labels: &[String],
) -> Result<Codebook, EntryChange> {
    let codebook = &project.codebook;
    let mut new = unlocked_entry(codebook)?;
    let from_labels = check_labels(codebook, from_labels)?;
    let to_labels = check_labels(codebook, to_labels)?;
    let relation_type = relation_type_mut(&mut new, id)?;
    let name = relation_type.name.clone();
    for (end, allowed, pick) in [
        ("start", &from_labels, (|r: &Relation| r.from) as fn(&Relation) -> ItemId),
        ("end", &to_labels, |r: &Relation| r.to),
    ] {
        if allowed.is_empty() {
            continue;
        }
        let mut refused: Vec<(String, usize)> = Vec::new();
        for doc in &project.documents {
            for relation in doc.relations.iter().filter(|r| r.kind == id) {
                let Some(annotation) = doc.annotation(pick(relation)) else { continue };
                if !allowed.iter().any(|l| *l == annotation.label) {
                    match refused.iter_mut().find(|(l, _)| *l == annotation.label) {
                        Some((_, count)) => *count += 1,
                        None => refused.push((annotation.label.to_string(), 1)),
                    }
                }
            }
        }
        if let Some((label, count)) = refused.into_iter().next() {
            let label = codebook.label(&label).map_or(label.clone(), |l| l.name.clone());
            return Err(EntryChange::RelationsInTheWay { count, name, end, label });
        }
    }
    relation_type.from_labels = from_labels;
    relation_type.to_labels = to_labels;
    Ok(new)
}

/// The codebook with a relation type directed (from → to: exports and the document view show
/// the direction) or not (the two ends are symmetric). Relations keep their ends either way.
pub fn set_relation_type_directed(codebook: &Codebook, id: &str, directed: bool) -> Result<Codebook, EntryChange> {
    let mut new = unlocked_entry(codebook)?;
    relation_type_mut(&mut new, id)?.directed = directed;
    Ok(new)
}

/// How many relations (in all documents) are of this type.
pub fn relation_type_use(project: &Project, id: &str) -> usize {
    project.documents.iter().map(|d| d.relations.iter().filter(|r| r.kind == id).count()).sum()
}

/// The codebook without a relation type, and its relations removed first.
pub fn delete_relation_type(project: &Project, id: &str) -> Result<Cascade, EntryChange> {
    let mut new = unlocked_entry(&project.codebook)?;
    relation_type_mut(&mut new, id)?;
    new.relation_types.retain(|t| t.id != id);
    let before = project
        .documents
        .iter()
        .flat_map(|doc| {
            doc.relations
                .iter()
                .filter(|r| r.kind == id)
                .map(|r| DataChange::RemoveRelation { document: doc.id.clone(), id: r.id })
        })
        .collect();
    Ok(Cascade { codebook: new, before, via: None, after: Vec::new() })
}

/// A new attribute (a typed value annotations with `labels` carry; empty: every label).
pub fn add_attribute(
    codebook: &Codebook,
    name: &str,
    kind: ValueKind,
    labels: &[String],
) -> Result<(Codebook, String), EntryChange> {
    let mut new = unlocked_entry(codebook)?;
    let name = check_entry_name(codebook, Entry::Attribute, name, None)?;
    let kind = check_choices(kind)?;
    let labels = check_labels(codebook, labels)?;
    let id = entry_id(codebook, Entry::Attribute, &name);
    new.attributes.push(AttributeDef { id: id.clone(), name, kind, labels, definition: String::new() });
    Ok((new, id))
}

pub(super) fn attribute_mut<'c>(codebook: &'c mut Codebook, id: &str) -> Result<&'c mut AttributeDef, EntryChange> {
    codebook
        .attributes
        .iter_mut()
        .find(|a| a.id == id)
        .ok_or_else(|| EntryChange::Missing { entry: Entry::Attribute, id: id.to_owned() })
}

/// The codebook with an attribute renamed (annotations keep their values: they refer to its id).
pub fn rename_attribute(codebook: &Codebook, id: &str, name: &str) -> Result<Codebook, EntryChange> {
    let mut new = unlocked_entry(codebook)?;
    let name = check_entry_name(codebook, Entry::Attribute, name, Some(id))?;
    attribute_mut(&mut new, id)?.name = name;
    Ok(new)
}

/// An annotation without the value of `attribute` (modified at `time`).
pub(super) fn without_value(annotation: &Annotation, attribute: &str, time: Timestamp) -> Annotation {
    let mut changed = annotation.clone();
    changed.attributes.remove(attribute);
    changed.modified = time.max(annotation.created);
    changed
}

/// The annotations (document, annotation) that have a value of `attribute` matching `which`.
pub(super) fn annotations_with<'p>(
    project: &'p Project,
    attribute: &str,
    which: impl Fn(&Annotation, &Value) -> bool,
) -> Vec<(&'p str, &'p Annotation)> {
    let mut found = Vec::new();
    for doc in &project.documents {
        for annotation in &doc.annotations {
            if annotation.attributes.get(attribute).is_some_and(|v| which(annotation, v)) {
                found.push((doc.id.as_str(), &**annotation));
            }
        }
    }
    found
}

/// How many annotations have a value of this attribute.
pub fn attribute_use(project: &Project, id: &str) -> usize {
    annotations_with(project, id, |_, _| true).len()
}

/// The codebook with the labels an attribute applies to changed (empty: every label). The
/// values of annotations whose label it no longer applies to are removed first (the caller
/// asks when there are any: [`Cascade::data_changes`]).
pub fn set_attribute_labels(
    project: &Project,
    id: &str,
    labels: &[String],
    time: Timestamp,
) -> Result<Cascade, EntryChange> {
    let mut new = unlocked_entry(&project.codebook)?;
    let labels = check_labels(&project.codebook, labels)?;
    attribute_mut(&mut new, id)?.labels = labels;
    let applies = |a: &Annotation| new.attributes_for(&a.label).any(|d| d.id == id);
    let before = annotations_with(project, id, |a, _| !applies(a))
        .into_iter()
        .map(|(document, a)| DataChange::UpdateAnnotation {
            document: document.to_owned(),
            annotation: without_value(a, id, time),
        })
        .collect();
    Ok(Cascade { codebook: new, before, via: None, after: Vec::new() })
}

/// The codebook without an attribute, its values removed from annotations first.
pub fn delete_attribute(project: &Project, id: &str, time: Timestamp) -> Result<Cascade, EntryChange> {
    let mut new = unlocked_entry(&project.codebook)?;
    attribute_mut(&mut new, id)?;
    new.attributes.retain(|a| a.id != id);
    let before = annotations_with(project, id, |_, _| true)
        .into_iter()
        .map(|(document, a)| DataChange::UpdateAnnotation {
            document: document.to_owned(),
            annotation: without_value(a, id, time),
        })
        .collect();
    Ok(Cascade { codebook: new, before, via: None, after: Vec::new() })
}

/// A new document variable (coded once per document).
pub fn add_field(codebook: &Codebook, name: &str, kind: ValueKind) -> Result<(Codebook, String), EntryChange> {
    let mut new = unlocked_entry(codebook)?;
    let name = check_entry_name(codebook, Entry::Field, name, None)?;
    let kind = check_choices(kind)?;
    let id = entry_id(codebook, Entry::Field, &name);
    new.document_fields.push(FieldDef { id: id.clone(), name, kind, definition: String::new() });
    Ok((new, id))
}

pub(super) fn field_mut<'c>(codebook: &'c mut Codebook, id: &str) -> Result<&'c mut FieldDef, EntryChange> {
    codebook
        .document_fields
        .iter_mut()
        .find(|f| f.id == id)
        .ok_or_else(|| EntryChange::Missing { entry: Entry::Field, id: id.to_owned() })
}

/// The codebook with a document variable renamed (documents keep their values).
pub fn rename_field(codebook: &Codebook, id: &str, name: &str) -> Result<Codebook, EntryChange> {
    let mut new = unlocked_entry(codebook)?;
    let name = check_entry_name(codebook, Entry::Field, name, Some(id))?;
    field_mut(&mut new, id)?.name = name;
    Ok(new)
}

/// How many documents have a value of this variable.
pub fn field_use(project: &Project, id: &str) -> usize {
    project.documents.iter().filter(|d| d.variables.contains_key(id)).count()
}

/// The codebook without a document variable, its values cleared first.
pub fn delete_field(project: &Project, id: &str) -> Result<Cascade, EntryChange> {
    let mut new = unlocked_entry(&project.codebook)?;
    field_mut(&mut new, id)?;
    new.document_fields.retain(|f| f.id != id);
    let before = project
        .documents
        .iter()
        .filter(|d| d.variables.contains_key(id))
        .map(|d| DataChange::SetVariable { document: d.id.clone(), field: id.to_owned(), value: None })
        .collect();
    Ok(Cascade { codebook: new, before, via: None, after: Vec::new() })
}

/// Whose choices: an attribute's or a document variable's (by id).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChoicesOf {
    Attribute(String),
    Field(String),
}

impl ChoicesOf {
    fn entry(&self) -> Entry {
        match self {
            ChoicesOf::Attribute(_) => Entry::Attribute,
            ChoicesOf::Field(_) => Entry::Field,
        }
    }

    /// The name and the choices of the attribute or variable in `codebook`.
    fn options_mut<'c>(&self, codebook: &'c mut Codebook) -> Result<(String, &'c mut Vec<String>), EntryChange> {
        let (name, kind) = match self {
            ChoicesOf::Attribute(id) => {
                let a = attribute_mut(codebook, id)?;
                (a.name.clone(), &mut a.kind)
            }
            ChoicesOf::Field(id) => {
                let f = field_mut(codebook, id)?;
                (f.name.clone(), &mut f.kind)
            }
        };
        match kind {
            ValueKind::Choice(options) | ValueKind::MultiChoice(options) => Ok((name, options)),
            other => Err(EntryChange::NoChoices { name, kind: other.name() }),
        }
    }

    /// Every value of it in the project that holds `choice`, and what it becomes with `choice`
    /// replaced by `to` (`None`: removed; a value left without choices is cleared).
    fn values_with(&self, project: &Project, choice: &str, to: Option<&str>, time: Timestamp) -> Vec<DataChange> {
        let replaced = |value: &Value| -> Option<Option<Value>> {
            match value {
                Value::Choice(c) if c == choice => Some(to.map(|to| Value::Choice(to.to_owned()))),
                Value::Choices(cs) if cs.iter().any(|c| c == choice) => {
                    let mut cs: Vec<String> = cs
                        .iter()
                        .filter_map(|c| if c == choice { to.map(str::to_owned) } else { Some(c.clone()) })
                        .collect();
                    cs.dedup();
                    Some(if cs.is_empty() { None } else { Some(Value::Choices(cs)) })
                }
                _ => None,
            }
        };
        match self {
            ChoicesOf::Attribute(id) => annotations_with(project, id, |_, v| replaced(v).is_some())
                .into_iter()
                .filter_map(|(document, a)| {
                    let value = replaced(a.attributes.get(id.as_str())?)?;
                    let mut changed = without_value(a, id, time);
                    if let Some(value) = value {
                        changed.attributes.insert(id.clone(), value);
                    }
                    Some(DataChange::UpdateAnnotation { document: document.to_owned(), annotation: changed })
                })
                .collect(),
            ChoicesOf::Field(id) => project
                .documents
                .iter()
                .filter_map(|d| {
                    let value = replaced(d.variables.get(id.as_str())?)?;
                    Some(DataChange::SetVariable { document: d.id.clone(), field: id.clone(), value })
                })
                .collect(),
        }
    }
}

/// The codebook with one more choice at the end of an attribute's or variable's choices.
pub fn add_choice(codebook: &Codebook, of: &ChoicesOf, choice: &str) -> Result<Codebook, EntryChange> {
    let mut new = unlocked_entry(codebook)?;
    let choice = choice.trim();
    if choice.is_empty() {
        return Err(EntryChange::EmptyChoice);
    }
    let (name, options) = of.options_mut(&mut new)?;
    if options.iter().any(|o| o == choice) {
        return Err(EntryChange::DuplicateChoice { name, choice: choice.to_owned() });
    }
    options.push(choice.to_owned());
    Ok(new)
}

/// How many values (annotations' or documents') hold this choice.
pub fn choice_use(project: &Project, of: &ChoicesOf, choice: &str) -> usize {
    of.values_with(project, choice, None, crate::model::now()).len()
}

/// The codebook with a choice renamed, and every value holding it renamed too (after the
/// codebook, which then admits the new name).
pub fn rename_choice(
    project: &Project,
    of: &ChoicesOf,
    choice: &str,
    to: &str,
    time: Timestamp,
) -> Result<Cascade, EntryChange> {
    let mut new = unlocked_entry(&project.codebook)?;
    let to = to.trim();
    if to.is_empty() {
        return Err(EntryChange::EmptyChoice);
    }
    let (name, options) = of.options_mut(&mut new)?;
    if to == choice {
        return Ok(Cascade::only(project.codebook.clone()));
    }
    if options.iter().any(|o| o == to) {
        return Err(EntryChange::DuplicateChoice { name, choice: to.to_owned() });
    }
    let Some(at) = options.iter().position(|o| o == choice) else {
        return Err(EntryChange::NoSuchChoice { name, choice: choice.to_owned() });
    };
    options[at] = to.to_owned();
    let after = of.values_with(project, choice, Some(to), time);
    let via = if after.is_empty() {
        None
    } else {
        let mut via = new.clone();
        if let Ok((_, options)) = of.options_mut(&mut via) {
            options.insert(at, choice.to_owned());
        }
        Some(via)
    };
    Ok(Cascade { codebook: new, before: Vec::new(), via, after })
}

/// The codebook without a choice, and the values holding it cleared first (a multi-choice
/// loses just that choice). The last choice cannot go: delete the attribute or variable.
pub fn remove_choice(project: &Project, of: &ChoicesOf, choice: &str, time: Timestamp) -> Result<Cascade, EntryChange> {
    let mut new = unlocked_entry(&project.codebook)?;
    let (name, options) = of.options_mut(&mut new)?;
    let Some(at) = options.iter().position(|o| o == choice) else {
        return Err(EntryChange::NoSuchChoice { name, choice: choice.to_owned() });
    };
    if options.len() == 1 {
        return Err(EntryChange::LastChoice { entry: of.entry(), name: choice.to_owned(), of: name });
    }
    options.remove(at);
    let before = of.values_with(project, choice, None, time);
    Ok(Cascade { codebook: new, before, via: None, after: Vec::new() })
}

/// The codebook with the definition (the coding rule) of a relation type, attribute or document
/// variable changed; shown where it is used (as a tooltip).
pub fn describe_entry(codebook: &Codebook, entry: Entry, id: &str, definition: &str) -> Result<Codebook, EntryChange> {
    let mut new = unlocked_entry(codebook)?;
    let definition = definition.trim().to_owned();
    match entry {
        Entry::RelationType => relation_type_mut(&mut new, id)?.definition = definition,
        Entry::Attribute => attribute_mut(&mut new, id)?.definition = definition,
        Entry::Field => field_mut(&mut new, id)?.definition = definition,
    }
    Ok(new)
}

/// A value as an example in a question or report: its text, or `(empty)` for an empty text or
/// a multi-choice set with nothing chosen.
pub(super) fn example(value: &Value) -> String {
    let text = value.display();
    if text.trim().is_empty() { "(empty)".to_owned() } else { text }
}

/// Values of the project that `codebook` would not admit (a codebook imported over this one
/// changed an attribute's kind or choices), for one attribute or document variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Outside {
    pub of: ChoicesOf,
    /// The attribute's or variable's name.
    pub name: String,
    /// How many annotations (attribute) or documents (variable) hold such a value.
    pub count: usize,
    /// Up to three of the values, as a user reads them.
    pub examples: Vec<String>,
}

impl Outside {
    /// "3 annotations have values of Stance that it no longer admits, e.g. 'maybe'"
    pub fn describe(&self) -> String {
        let noun = match (&self.of, self.count) {
            (ChoicesOf::Attribute(_), 1) => "annotation has a value",
            (ChoicesOf::Attribute(_), _) => "annotations have values",
            (ChoicesOf::Field(_), 1) => "document has a value",
            (ChoicesOf::Field(_), _) => "documents have values",
        };
        let examples = self.examples.iter().map(|e| format!("'{e}'")).collect::<Vec<_>>().join(", ");
        format!("{} {noun} of {} that it no longer admits, e.g. {examples}", self.count, self.name)
    }
}

/// What values of the project `codebook` would not admit, per attribute and variable, with
/// the count and examples. Nothing is changed: the caller keeps them (and says so) or removes
/// them with [`remove_values_outside`].
pub fn values_outside(project: &Project, codebook: &Codebook) -> Vec<Outside> {
    let examples = |values: &mut dyn Iterator<Item = &Value>| {
        let mut examples: Vec<String> = Vec::new();
        for value in values {
            let text = example(value);
            if examples.len() < 3 && !examples.contains(&text) {
                examples.push(text);
            }
        }
        examples
    };
    let mut outside = Vec::new();
    for attribute in &codebook.attributes {
        let found = annotations_with(project, &attribute.id, |_, v| !attribute.kind.admits(v));
        if !found.is_empty() {
            outside.push(Outside {
                of: ChoicesOf::Attribute(attribute.id.clone()),
                name: attribute.name.clone(),
                count: found.len(),
                examples: examples(&mut found.iter().filter_map(|(_, a)| a.attributes.get(attribute.id.as_str()))),
            });
        }
    }
    for field in &codebook.document_fields {
        let found: Vec<&Value> = project
            .documents
            .iter()
            .filter_map(|d| d.variables.get(&field.id))
            .filter(|v| !field.kind.admits(v))
            .collect();
        if !found.is_empty() {
            outside.push(Outside {
                of: ChoicesOf::Field(field.id.clone()),
                name: field.name.clone(),
                count: found.len(),
                examples: examples(&mut found.into_iter()),
            });
        }
    }
    outside
}

/// `codebook` (an imported one) as a cascade that first removes the values it does not admit
/// ([`values_outside`]): one undo step brings the values and the old codebook back.
pub fn remove_values_outside(project: &Project, codebook: Codebook, time: Timestamp) -> Cascade {
    let mut before = Vec::new();
    for doc in &project.documents {
        for annotation in &doc.annotations {
            // One update per annotation, without every value that does not fit.
            let mut changed: Option<Annotation> = None;
            for (id, value) in &annotation.attributes {
                if codebook.attribute(id).is_some_and(|a| !a.kind.admits(value)) {
                    changed = Some(without_value(changed.as_ref().unwrap_or(annotation), id, time));
                }
            }
            if let Some(annotation) = changed {
                before.push(DataChange::UpdateAnnotation { document: doc.id.clone(), annotation });
            }
        }
    }
    for field in &codebook.document_fields {
        for document in &project.documents {
            if document.variables.get(&field.id).is_some_and(|v| !field.kind.admits(v)) {
                before.push(DataChange::SetVariable {
                    document: document.id.clone(),
                    field: field.id.clone(),
                    value: None,
                });
            }
        }
    }
    Cascade { codebook, before, via: None, after: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_come_from_the_name_and_never_repeat() {
        let codebook = Codebook::default_news();
        assert_eq!(entry_id(&codebook, Entry::Attribute, "Speaker type"), "speaker_type_2");
        assert_eq!(entry_id(&codebook, Entry::Attribute, "Tone of voice"), "tone_of_voice");
        assert_eq!(entry_id(&codebook, Entry::RelationType, "Zitiert 👨‍👩‍👧"), "zitiert");
        assert_eq!(entry_id(&codebook, Entry::Field, "شبکه‌های اجتماعی 社交媒体"), "variable");
        assert_eq!(entry_id(&codebook, Entry::RelationType, "  "), "relation");
    }

    #[test]
    fn names_clash_without_regard_to_case_or_spaces() {
        let codebook = Codebook::default_news();
        let clash = |name: &str| check_entry_name(&codebook, Entry::Attribute, name, None);
        assert_eq!(
            clash(" speaker TYPE "),
            Err(EntryChange::DuplicateName { entry: Entry::Attribute, name: "speaker TYPE".into() })
        );
        assert_eq!(clash("Sprechertyp ü"), Ok("Sprechertyp ü".into()));
        assert_eq!(
            check_entry_name(&codebook, Entry::Attribute, "Stance", Some("stance")),
            Ok("Stance".into()),
            "its own name"
        );
        assert_eq!(clash("\u{200c} "), Err(EntryChange::EmptyName(Entry::Attribute)), "nothing visible");
        assert_eq!(clash("شبکه\u{200c}ها"), Ok("شبکه\u{200c}ها".into()), "a ZWNJ inside a word is kept");
        assert_eq!(clash(" \t"), Err(EntryChange::EmptyName(Entry::Attribute)));
    }

    #[test]
    fn choices_are_trimmed_and_must_be_distinct_and_present() {
        let choice =
            |options: &[&str]| check_choices(ValueKind::Choice(options.iter().map(|o| (*o).to_owned()).collect()));
        assert_eq!(
            choice(&[" ü ", "🎉", "", "社交"]),
            Ok(ValueKind::Choice(vec!["ü".into(), "🎉".into(), "社交".into()]))
        );
        assert_eq!(choice(&["", " "]), Err(EntryChange::ChoicesNeeded("choice")));
        assert_eq!(
            choice(&["a", "a "]),
            Err(EntryChange::DuplicateChoice { name: "choice".into(), choice: "a".into() })
        );
        assert_eq!(check_choices(ValueKind::Date), Ok(ValueKind::Date), "kinds without choices pass");
    }

    #[test]
    fn labels_are_checked_and_kept_in_codebook_order() {
        let codebook = Codebook::default_news();
        let labels = |ids: &[&str]| check_labels(&codebook, &ids.iter().map(|i| (*i).to_owned()).collect::<Vec<_>>());
        assert_eq!(labels(&["actor", "claim", "actor"]), Ok(vec!["claim".into(), "actor".into()]));
        assert_eq!(labels(&["nobody"]), Err(EntryChange::NoLabel("nobody".into())));
        assert_eq!(labels(&[]), Ok(vec![]));
    }
}
