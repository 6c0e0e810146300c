//! Rules for changing a codebook, as pure functions the codebook editor calls: fresh ids and
//! colours, hotkeys without clashes, what happens to the annotations of a label that is
//! deleted. Each returns a new [`Codebook`] for the caller to apply as `Edit::SetCodebook`, so
//! every codebook change is one undoable, journalled step (`edit::delete_label` builds the
//! edit that deletes a label in use).

use super::codebook::{Codebook, Label};
use super::project::{Project, slug};

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
            Some(existing) => *existing = mapped,
            None => {
                summary.push(format!("relation type {} added", mapped.name));
                new.relation_types.push(mapped);
            }
        }
    }
    for attribute in &incoming.attributes {
        let mapped = super::codebook::AttributeDef { labels: map(&attribute.labels), ..attribute.clone() };
        match new.attributes.iter_mut().find(|a| a.id == mapped.id) {
            Some(existing) => *existing = mapped,
            None => {
                summary.push(format!("attribute {} added", mapped.name));
                new.attributes.push(mapped);
            }
        }
    }
    for field in &incoming.document_fields {
        match new.document_fields.iter_mut().find(|f| f.id == field.id) {
            Some(existing) => *existing = field.clone(),
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
