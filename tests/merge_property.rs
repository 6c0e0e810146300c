//! Property test of the three-way merge: random edits on two copies of a random project (every
//! kind of `Edit`, plus edits to the project's fields, codebook, annotators, documents' names,
//! metadata and variables, memos and the order of lists), merged against their base.
//!
//! - When the two edit sets touch different items (and the second still applies after the
//!   first), the merge equals applying both, with no conflict, and its summary of what it took
//!   from theirs counts exactly what changed in mine.
//! - Every field or item both sides changed to different values is listed as a conflict, and
//!   every conflict is about something both touched (or one deleted and the other uses).
//! - Whatever is chosen, the result is a valid project, and each choice gives that side's value.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use spanwise::edit::{Edit, apply};
use spanwise::model::{
    Annotation, Annotator, CodingStatus, Document, IdGenerator, ItemId, Label, Memo, MemoTarget, Project, Relation,
    RelationType, Value, validate,
};
use spanwise::store::merge::{self, BaseItems, Item, Kind, Side};

const TEXTS: [&str; 4] = [
    "Müller said: “Grüße 🎉 from the 👨‍👩‍👧 family.” e\u{301}te\nشبکه‌های اجتماعی 社交媒体 matter.",
    "Zweites Dokument: 👨‍👩‍👧 in 北京, شبکه‌ها. Ünïcödé 🎉🎉 end",
    "Third text, plain ASCII with some words to tag and link.",
    "第四个文件：社交媒体 与 国家安全。 ü 🎉",
];
const LABELS: [&str; 5] = ["claim", "quote", "actor", "recommendation", "spare"];
const KEYS: [&str; 3] = ["title", "author", "date"];

/// A small random choice, realized against whatever the project holds when it is applied.
#[derive(Clone, Debug)]
struct Choice {
    kind: u8,
    a: usize,
    b: usize,
    c: usize,
}

const KINDS: u8 = 34;

fn choice() -> impl Strategy<Value = Choice> {
    (0..KINDS, 0usize..10_000, 0usize..10_000, 0usize..10_000).prop_map(|(kind, a, b, c)| Choice { kind, a, b, c })
}

/// One applied edit, with the ids it used, so that it can be replayed on another version.
#[derive(Clone, Debug)]
enum Op {
    Edit(Edit),
    /// An annotation and the memos about it (what the app will do; a memo cannot dangle).
    RemoveAnnotation {
        document: String,
        id: ItemId,
        memos: Vec<ItemId>,
    },
    RemoveDocument {
        id: String,
        memos: Vec<ItemId>,
    },
    Name(String),
    Description(String),
    Label {
        id: String,
        field: usize,
        value: usize,
    },
    AddLabel(Label),
    RemoveLabel(String),
    RelationType {
        id: String,
        field: usize,
        value: usize,
    },
    DocumentName {
        document: String,
        name: String,
    },
    Metadata {
        document: String,
        key: String,
        value: Option<String>,
    },
    Variable {
        document: String,
        value: Option<Value>,
    },
    AddMemo(Memo),
    MemoText {
        id: ItemId,
        text: String,
    },
    RemoveMemo(ItemId),
    SwapDocuments(String, String),
    SwapLabels(String, String),
}

fn label_value(label: &mut Label, field: usize, value: usize) {
    match field % 5 {
        0 => label.name = format!("Label {value}"),
        1 => label.color = format!("#{:06x}", value * 7919 % 0xff_ffff),
        2 => label.hotkey = if value.is_multiple_of(3) { None } else { char::from_digit((value % 5 + 5) as u32, 10) },
        3 => label.definition = format!("Definition {value} ü"),
        _ => label.examples = vec![format!("Beispiel {value}")],
    }
}

fn relation_type_value(relation_type: &mut RelationType, field: usize, value: usize) {
    match field % 3 {
        0 => relation_type.name = format!("Type {value}"),
        1 => relation_type.directed = value.is_multiple_of(2),
        _ => relation_type.definition = format!("Definition {value} 🎉"),
    }
}

fn position<T>(items: &[T], matches: impl Fn(&T) -> bool) -> Result<usize, String> {
    items.iter().position(matches).ok_or_else(|| "gone".to_owned())
}

impl Op {
    /// Applies the op; fails (changing nothing that matters: the caller restores) if it no
    /// longer fits.
    fn apply(&self, project: &mut Project) -> Result<(), String> {
        match self {
            Op::Edit(edit) => apply(project, edit.clone()).map(drop).map_err(|e| e.to_string())?,
            Op::RemoveAnnotation { document, id, memos } => {
                apply(project, Edit::RemoveAnnotation { document: document.clone(), id: *id })
                    .map_err(|e| e.to_string())?;
                project.memos.retain(|m| !memos.contains(&m.id));
            }
            Op::RemoveDocument { id, memos } => {
                apply(project, Edit::RemoveDocument { id: id.clone() }).map_err(|e| e.to_string())?;
                project.memos.retain(|m| !memos.contains(&m.id));
            }
            Op::Name(name) => project.name.clone_from(name),
            Op::Description(description) => project.description.clone_from(description),
            Op::Label { id, field, value } => {
                let at = position(&project.codebook.labels, |l| l.id == *id)?;
                label_value(&mut project.codebook.labels[at], *field, *value);
            }
            Op::AddLabel(label) => {
                if project.codebook.label(&label.id).is_some() {
                    return Err("label exists".into());
                }
                project.codebook.labels.push(label.clone());
            }
            Op::RemoveLabel(id) => {
                let at = position(&project.codebook.labels, |l| l.id == *id)?;
                project.codebook.labels.remove(at);
            }
            Op::RelationType { id, field, value } => {
                let at = position(&project.codebook.relation_types, |t| t.id == *id)?;
                relation_type_value(&mut project.codebook.relation_types[at], *field, *value);
            }
            Op::DocumentName { document, name } => {
                project.document_mut(document).ok_or("gone")?.name.clone_from(name);
            }
            Op::Metadata { document, key, value } => {
                let document = project.document_mut(document).ok_or("gone")?;
                match value {
                    Some(value) => document.metadata.insert(key.clone(), value.clone()),
                    None => document.metadata.remove(key),
                };
            }
            Op::Variable { document, value } => {
                let document = project.document_mut(document).ok_or("gone")?;
                match value {
                    Some(value) => document.variables.insert("outlet".into(), value.clone()),
                    None => document.variables.remove("outlet"),
                };
            }
            Op::AddMemo(memo) => project.memos.push(memo.clone()),
            Op::MemoText { id, text } => {
                let at = position(&project.memos, |m| m.id == *id)?;
                project.memos[at].text.clone_from(text);
            }
            Op::RemoveMemo(id) => {
                let at = position(&project.memos, |m| m.id == *id)?;
                project.memos.remove(at);
            }
            Op::SwapDocuments(a, b) => {
                let (i, j) =
                    (position(&project.documents, |d| d.id == *a)?, position(&project.documents, |d| d.id == *b)?);
                project.documents.swap(i, j);
            }
            Op::SwapLabels(a, b) => {
                let labels = &mut project.codebook.labels;
                let (i, j) = (position(labels, |l| l.id == *a)?, position(labels, |l| l.id == *b)?);
                labels.swap(i, j);
            }
        }
        Ok(())
    }
}

fn annotations(project: &Project) -> Vec<(&Document, &Annotation)> {
    project.documents.iter().flat_map(|d| d.annotations.iter().map(move |a| (d, &**a))).collect()
}

fn pick<T>(items: &[T], at: usize) -> Option<&T> {
    (!items.is_empty()).then(|| &items[at % items.len()])
}

/// The op a choice makes on `project`, if it can make one.
fn realize(project: &Project, choice: &Choice, ids: &mut IdGenerator, tag: &str, base: &Project) -> Option<Op> {
    let id_in_base = |id: &str| base.document(id).is_some();
    let time = common::time();
    let Choice { kind, a, b, c } = choice.clone();
    let annotations = annotations(project);
    let new_annotation = |document: &Document, ids: &mut IdGenerator| -> Option<Annotation> {
        let len = document.char_len();
        let start = a % len;
        let end = (start + 1 + b % 12).min(len);
        Some(Annotation {
            id: ids.next_id(),
            label: LABELS[c % 4].into(),
            fragments: vec![document.fragment(start..end)?],
            annotator: "ana".into(),
            created: time,
            modified: time,
            note: String::new(),
            attributes: Default::default(),
        })
    };
    let op = match kind {
        0..=3 => {
            let document = pick(&project.documents, a)?;
            Op::Edit(Edit::AddAnnotation { document: document.id.clone(), annotation: new_annotation(document, ids)? })
        }
        4 | 5 => {
            let (document, annotation) = pick(&annotations, a)?;
            let memos = project
                .memos
                .iter()
                .filter(|m| m.target == MemoTarget::Annotation(annotation.id))
                .map(|m| m.id)
                .collect();
            Op::RemoveAnnotation { document: document.id.clone(), id: annotation.id, memos }
        }
        6 | 7 => {
            let (document, annotation) = pick(&annotations, a)?;
            let mut changed = (*annotation).clone();
            match b % 3 {
                0 => changed.label = LABELS[c % 4].into(),
                1 => changed.note = format!("{tag} note {c} ü"),
                _ => {
                    let moved = new_annotation(document, &mut IdGenerator::seeded(0))?;
                    changed.fragments = moved.fragments;
                }
            }
            Op::Edit(Edit::UpdateAnnotation { document: document.id.clone(), annotation: changed })
        }
        8 | 9 => {
            let document = pick(&project.documents, a)?;
            let from = pick(&document.annotations, b)?.id;
            let to = pick(&document.annotations, c)?.id;
            let relation = Relation {
                id: ids.next_id(),
                kind: "links".into(),
                from,
                to,
                annotator: "ana".into(),
                created: time,
                modified: time,
                note: String::new(),
            };
            Op::Edit(Edit::AddRelation { document: document.id.clone(), relation })
        }
        10 => {
            let (document, relation) =
                project.documents.iter().flat_map(|d| d.relations.iter().map(move |r| (d, r))).nth(a % 8)?;
            Op::Edit(Edit::RemoveRelation { document: document.id.clone(), id: relation.id })
        }
        11 => {
            let (document, relation) =
                project.documents.iter().flat_map(|d| d.relations.iter().map(move |r| (d, r))).nth(a % 8)?;
            let mut changed = relation.clone();
            changed.note = format!("{tag} relation note {c}");
            Op::Edit(Edit::UpdateRelation { document: document.id.clone(), relation: changed })
        }
        12 => {
            let text = TEXTS[a % TEXTS.len()];
            // A fresh id, but never one the base had (a removed document coming back with its old
            // id is a different story: see `composed` below).
            let id = (1..).map(|n| format!("d{n}")).find(|id| project.document(id).is_none() && !id_in_base(id))?;
            let document = Document::new(id, format!("text {}", a % TEXTS.len()), text.to_owned());
            Op::Edit(Edit::AddDocument { index: usize::MAX, document: Box::new(document) })
        }
        13 => {
            let document = pick(&project.documents, a)?;
            let inside: HashSet<ItemId> = document.annotations.iter().map(|a| a.id).collect();
            let memos = project
                .memos
                .iter()
                .filter(|m| match &m.target {
                    MemoTarget::Document(id) => *id == document.id,
                    MemoTarget::Annotation(id) => inside.contains(id),
                    _ => false,
                })
                .map(|m| m.id)
                .collect();
            Op::RemoveDocument { id: document.id.clone(), memos }
        }
        14 => Op::Edit(Edit::AddAnnotator(Annotator {
            id: format!("{tag}-coder{}", a % 4),
            name: format!("Coder {}", a % 4),
        })),
        15 => Op::Edit(Edit::RemoveAnnotator { id: pick(&project.annotators, a)?.id.clone() }),
        16 => Op::Name(format!("{tag} name {a}")),
        17 => Op::Description(format!("{tag} description {a} شبکه‌ها")),
        18 | 19 => Op::Label { id: pick(&project.codebook.labels, a)?.id.clone(), field: b, value: c },
        20 => Op::AddLabel(Label {
            id: format!("{tag}-new{}", a % 3),
            name: format!("New {a}"),
            color: "#abcdef".into(),
            hotkey: None,
            definition: String::new(),
            examples: Vec::new(),
            parent: None,
        }),
        21 => Op::RemoveLabel(pick(&project.codebook.labels, a)?.id.clone()),
        22 => Op::RelationType { id: pick(&project.codebook.relation_types, a)?.id.clone(), field: b, value: c },
        23 => Op::DocumentName { document: pick(&project.documents, a)?.id.clone(), name: format!("{tag} doc {b}") },
        24 | 25 => Op::Metadata {
            document: pick(&project.documents, a)?.id.clone(),
            key: KEYS[b % KEYS.len()].to_owned(),
            value: (c % 4 != 0).then(|| format!("{tag} {c} 社交")),
        },
        26 => Op::Variable {
            document: pick(&project.documents, a)?.id.clone(),
            value: (c % 3 != 0).then(|| Value::Text(format!("{tag} outlet {c}"))),
        },
        27 => {
            let target = match b % 4 {
                0 => MemoTarget::Project,
                1 => MemoTarget::Document(pick(&project.documents, c)?.id.clone()),
                2 => MemoTarget::Label(pick(&project.codebook.labels, c)?.id.clone()),
                _ => MemoTarget::Annotation(pick(&annotations, c)?.1.id),
            };
            Op::AddMemo(Memo {
                id: ids.next_id(),
                target,
                title: format!("{tag} memo {a}"),
                text: "Grüße 🎉".into(),
                author: "ana".into(),
                created: time,
                modified: time,
            })
        }
        28 => Op::MemoText { id: pick(&project.memos, a)?.id, text: format!("{tag} memo text {b}") },
        29 => Op::RemoveMemo(pick(&project.memos, a)?.id),
        30 => {
            let (x, y) = (pick(&project.documents, a)?, pick(&project.documents, b)?);
            (x.id != y.id).then(|| Op::SwapDocuments(x.id.clone(), y.id.clone()))?
        }
        32 => Op::Edit(Edit::SetBlindCoding(a.is_multiple_of(2))),
        33 => Op::Edit(Edit::SetCodingStatus {
            document: pick(&project.documents, a)?.id.clone(),
            annotator: pick(&project.annotators, b)?.id.clone(),
            status: [None, Some(CodingStatus::NotStarted), Some(CodingStatus::InProgress), Some(CodingStatus::Done)]
                [c % 4],
        }),
        _ => {
            let (x, y) = (pick(&project.codebook.labels, a)?, pick(&project.codebook.labels, b)?);
            (x.id != y.id).then(|| Op::SwapLabels(x.id.clone(), y.id.clone()))?
        }
    };
    Some(op)
}

/// Applies what it can of `choices` to a copy of `base`, keeping the copy valid; returns it
/// and the ops applied.
fn edit(base: &Project, choices: &[Choice], seed: u64, tag: &str) -> (Project, Vec<Op>) {
    let mut project = base.clone();
    let mut ids = IdGenerator::seeded(seed);
    let mut applied = Vec::new();
    for choice in choices {
        let Some(op) = realize(&project, choice, &mut ids, tag, base) else { continue };
        let before = project.clone();
        if op.apply(&mut project).is_ok() && validate(&project).is_empty() {
            applied.push(op);
        } else {
            project = before;
        }
    }
    (project, applied)
}

fn base_project(documents: usize, choices: &[Choice]) -> Project {
    let mut project = Project::new("property");
    project.created = common::time();
    project.description = "base".into();
    project.codebook.labels.push(Label {
        id: "spare".into(),
        name: "Spare".into(),
        color: "#123456".into(),
        hotkey: None,
        definition: String::new(),
        examples: Vec::new(),
        parent: None,
    });
    project.codebook.relation_types.push(RelationType {
        id: "links".into(),
        name: "Links".into(),
        from_labels: Vec::new(),
        to_labels: Vec::new(),
        directed: true,
        definition: String::new(),
    });
    project.annotators.push(Annotator { id: "ana".into(), name: "Ana".into() });
    for (i, text) in TEXTS.iter().take(documents).enumerate() {
        let mut document = Document::new(format!("d{}", i + 1), format!("text {i}"), (*text).to_owned());
        document.metadata.insert("title".into(), format!("Title {i}"));
        project.documents.push(document);
    }
    edit(&project, choices, 1, "base").0
}

/// Every field and item of a project as text, keyed at the grain the merge decides on.
fn values(project: &Project) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let mut put = |key: String, value: String| {
        values.insert(key, value);
    };
    put("project:name".into(), project.name.clone());
    put("project:description".into(), project.description.clone());
    put("project:creation time".into(), project.created.to_string());
    put("project:blind coding setting".into(), project.blind_coding.to_string());
    for label in &project.codebook.labels {
        let fields = [
            ("name", label.name.clone()),
            ("colour", label.color.clone()),
            ("hotkey", format!("{:?}", label.hotkey)),
            ("definition", label.definition.clone()),
            ("examples", format!("{:?}", label.examples)),
        ];
        for (field, value) in fields {
            put(format!("{:?}:{}:{field}", Kind::Label, label.id), value);
        }
    }
    for relation_type in &project.codebook.relation_types {
        let fields = [
            ("name", relation_type.name.clone()),
            ("source labels", format!("{:?}", relation_type.from_labels)),
            ("target labels", format!("{:?}", relation_type.to_labels)),
            ("directed", relation_type.directed.to_string()),
            ("definition", relation_type.definition.clone()),
        ];
        for (field, value) in fields {
            put(format!("{:?}:{}:{field}", Kind::RelationType, relation_type.id), value);
        }
    }
    for annotator in &project.annotators {
        put(format!("{:?}:{}:name", Kind::Annotator, annotator.id), annotator.name.clone());
    }
    for memo in &project.memos {
        let mut memo = memo.clone();
        memo.modified = memo.created;
        put(format!("memo:{}", memo.id), format!("{memo:?}"));
    }
    for document in &project.documents {
        let prefix = format!("doc:{}@{}", document.id, &document.sha256[..12]);
        put(format!("{prefix}:name"), document.name.clone());
        for (key, value) in &document.metadata {
            put(format!("{prefix}:meta:{key}"), value.clone());
        }
        for (key, value) in &document.variables {
            put(format!("{prefix}:var:{key}"), format!("{value:?}"));
        }
        for (annotator, status) in &document.status {
            put(format!("{prefix}:status:{annotator}"), format!("{status:?}"));
        }
        for annotation in &document.annotations {
            let mut annotation = annotation.clone();
            annotation.modified = annotation.created;
            put(format!("ann:{}", annotation.id), format!("{annotation:?}"));
        }
        for relation in &document.relations {
            let mut relation = relation.clone();
            relation.modified = relation.created;
            put(format!("rel:{}", relation.id), format!("{relation:?}"));
        }
    }
    values
}

/// The ids of one list of a project, in order.
type Ids = fn(&Project) -> Vec<String>;

/// The order of the items all three versions have, per list, in each of `projects`.
fn orders<const N: usize>(
    base: &Project,
    mine: &Project,
    theirs: &Project,
    projects: [&Project; N],
) -> [BTreeMap<String, String>; N] {
    let lists: [(&str, Ids); 2] = [
        ("documents", |p| p.documents.iter().map(|d| d.id.clone()).collect()),
        ("labels", |p| p.codebook.labels.iter().map(|l| l.id.clone()).collect()),
    ];
    let mut result: [BTreeMap<String, String>; N] = std::array::from_fn(|_| BTreeMap::new());
    for (name, ids) in lists {
        let all: Vec<Vec<String>> = [base, mine, theirs].iter().map(|p| ids(p)).collect();
        let shared: HashSet<&String> = all[0].iter().filter(|id| all[1].contains(id) && all[2].contains(id)).collect();
        for (i, project) in projects.iter().enumerate() {
            let order: Vec<String> = ids(project).into_iter().filter(|id| shared.contains(id)).collect();
            result[i].insert(format!("order:{name}"), format!("{order:?}"));
        }
    }
    result
}

/// The keys of [`values`] a conflict is about.
fn covers(item: &Item, key: &str, homes: &HashMap<ItemId, String>) -> bool {
    let document_key = |document: &str, rest: &str| {
        key.strip_prefix(&format!("doc:{document}@"))
            .is_some_and(|tail| tail.split_once(':').is_some_and(|(_, k)| k == rest))
    };
    match item {
        Item::Project(field) => key == format!("project:{field}"),
        Item::Entry { kind, id, field: Some(field) } => key == format!("{kind:?}:{id}:{field}"),
        Item::Entry { kind, id, field: None } => key.starts_with(&format!("{kind:?}:{id}:")),
        Item::Order(list) => key == format!("order:{list}"),
        Item::Memo(id) => key == format!("memo:{id}"),
        Item::Document { id, sha256 } => {
            key.starts_with(&format!("doc:{id}@{}", &sha256[..12]))
                || ["ann:", "rel:"].iter().any(|p| {
                    key.strip_prefix(p).and_then(|n| n.parse().ok()).is_some_and(|n| homes.get(&ItemId(n)) == Some(id))
                })
        }
        Item::DocumentName(document) => document_key(document, "name"),
        Item::DocumentDirection(document) => document_key(document, "direction"),
        Item::Metadata { document, key: meta } => document_key(document, &format!("meta:{meta}")),
        Item::Variable { document, key: variable } => document_key(document, &format!("var:{variable}")),
        Item::CodingStatus { document, annotator } => document_key(document, &format!("status:{annotator}")),
        Item::Annotation { id, .. } => key == format!("ann:{id}"),
        Item::Relation { id, .. } => key == format!("rel:{id}"),
    }
}

/// Annotations and documents a side's new or changed relations and memos refer to.
fn uses(project: &Project, touched: &BTreeSet<String>) -> HashSet<String> {
    let mut used = HashSet::new();
    for document in &project.documents {
        for relation in document.relations.iter().filter(|r| touched.contains(&format!("rel:{}", r.id))) {
            used.extend([format!("ann:{}", relation.from), format!("ann:{}", relation.to)]);
        }
    }
    for memo in project.memos.iter().filter(|m| touched.contains(&format!("memo:{}", m.id))) {
        match &memo.target {
            MemoTarget::Annotation(id) => {
                used.insert(format!("ann:{id}"));
                if let Some(document) = project.documents.iter().find(|d| d.annotation(*id).is_some()) {
                    used.insert(format!("doc:{}", document.id));
                }
            }
            MemoTarget::Document(id) => {
                used.insert(format!("doc:{id}"));
            }
            _ => {}
        }
    }
    used
}

fn check(documents: usize, base_choices: &[Choice], mine_choices: &[Choice], theirs_choices: &[Choice]) {
    let base = base_project(documents, base_choices);
    let (mine, mine_ops) = edit(&base, mine_choices, 1_000_003, "mine");
    let (theirs, theirs_ops) = edit(&base, theirs_choices, 2_000_003, "theirs");
    let base_items = BaseItems::of(&base);

    let mut values_of = [values(&base), values(&mine), values(&theirs)];
    for (i, order) in orders(&base, &mine, &theirs, [&base, &mine, &theirs]).into_iter().enumerate() {
        values_of[i].extend(order);
    }
    let [base_values, mine_values, theirs_values] = &values_of;
    let keys: BTreeSet<&String> = base_values.keys().chain(mine_values.keys()).chain(theirs_values.keys()).collect();
    let touched = |side: &BTreeMap<String, String>| -> BTreeSet<String> {
        keys.iter().filter(|k| side.get(**k) != base_values.get(**k)).map(|k| (*k).clone()).collect()
    };
    let (touched_mine, touched_theirs) = (touched(mine_values), touched(theirs_values));
    let mut homes: HashMap<ItemId, String> = HashMap::new();
    for project in [&base, &mine, &theirs] {
        for document in &project.documents {
            for id in document.annotations.iter().map(|a| a.id).chain(document.relations.iter().map(|r| r.id)) {
                homes.entry(id).or_insert_with(|| document.id.clone());
            }
        }
    }

    let merge = merge::merge(Some(&base_items), &mine, &theirs);
    let conflicts = merge.conflicts().to_vec();

    // Every item both changed differently is listed.
    for key in &keys {
        let (b, m, t) = (base_values.get(*key), mine_values.get(*key), theirs_values.get(*key));
        if m != b && t != b && m != t {
            assert!(
                conflicts.iter().any(|c| covers(&c.item, key, &homes)),
                "{key} changed on both sides ({m:?} / {t:?}) but no conflict lists it: {conflicts:#?}"
            );
        }
    }
    // Every conflict is about something both touched, or that one deleted and the other uses.
    let (uses_mine, uses_theirs) = (uses(&mine, &touched_mine), uses(&theirs, &touched_theirs));
    for conflict in &conflicts {
        let covered: Vec<&String> = keys.iter().copied().filter(|k| covers(&conflict.item, k, &homes)).collect();
        let both = match &conflict.item {
            // A whole item (deleted on one side, something in it changed on the other).
            Item::Document { .. } | Item::Entry { field: None, .. } => {
                covered.iter().any(|k| touched_mine.contains(*k)) && covered.iter().any(|k| touched_theirs.contains(*k))
            }
            _ => covered.iter().any(|k| touched_mine.contains(*k) && touched_theirs.contains(*k)),
        };
        let used = match &conflict.item {
            Item::Annotation { id, .. } => {
                let key = format!("ann:{id}");
                uses_mine.contains(&key) || uses_theirs.contains(&key)
            }
            Item::Document { id, .. } => {
                let key = format!("doc:{id}");
                uses_mine.contains(&key) || uses_theirs.contains(&key)
            }
            _ => false,
        };
        assert!(both || used, "conflict about something only one side touched: {conflict:#?}");
    }

    // Both edit sets applied one after the other, when they touch different items.
    let mut expected = mine.clone();
    let replayed = theirs_ops.iter().all(|op| op.apply(&mut expected).is_ok()) && validate(&expected).is_empty();
    // Where a side puts new items among old ones it has a say in the order too: position-based
    // replays and anchored merges only agree when one side alone shapes a list's order. Items a
    // side appends shape the order too when the other side reordered that list: the replay puts
    // them before an old item the other side moved to the end, the merge keeps them at the end.
    // Likewise when the other side put a new item among old ones: replaying its swap moves my
    // appended items along with the positions (before an old item it moved past its new one),
    // the anchored merge keeps them at the end.
    let lists: [(&str, Ids); 2] = [
        ("documents", |p| p.documents.iter().map(|d| format!("{}@{}", d.id, d.sha256)).collect()),
        ("labels", |p| p.codebook.labels.iter().map(|l| l.id.clone()).collect()),
    ];
    // Whether a side has new items in a list, and whether one of them comes before an old item.
    let new_items = |side: &Project, ids: Ids| -> (bool, bool) {
        let before: HashSet<String> = ids(&base).into_iter().collect();
        let now = ids(side);
        let first_new = now.iter().position(|id| !before.contains(id)).unwrap_or(now.len());
        (first_new < now.len(), now[first_new..].iter().any(|id| before.contains(id)))
    };
    let shapes_order =
        |side: &Project, touched: &BTreeSet<String>, other: &Project, other_touched: &BTreeSet<String>| {
            let mut shaped: BTreeSet<String> = touched.iter().filter(|k| k.starts_with("order:")).cloned().collect();
            for (name, ids) in lists {
                let (appends, interleaves) = new_items(side, ids);
                let other_reordered = other_touched.contains(&format!("order:{name}"));
                let other_interleaves = new_items(other, ids).1;
                if interleaves || (appends && (other_reordered || other_interleaves)) {
                    shaped.insert(format!("order:{name}"));
                }
            }
            shaped
        };
    let disjoint = touched_mine.is_disjoint(&touched_theirs)
        && shapes_order(&mine, &touched_mine, &theirs, &touched_theirs).is_disjoint(&shapes_order(
            &theirs,
            &touched_theirs,
            &mine,
            &touched_mine,
        ));
    // Replayed ops can undo the other side's work where the net changes do not meet (a document
    // removed and added again drops my edits to it): then the edit sets did not touch different
    // items after all.
    let composed = {
        let mut after = values(&expected);
        let [order] = orders(&base, &mine, &theirs, [&expected]);
        after.extend(order);
        keys.iter().all(|k| {
            let want = if touched_theirs.contains(*k) { theirs_values.get(*k) } else { mine_values.get(*k) };
            after.get(*k) == want
        })
    };
    let replayed = replayed && composed;

    for side in [Side::Mine, Side::Theirs] {
        let merged = merge::merge(Some(&base_items), &mine, &theirs)
            .resolve_all(side)
            .unwrap_or_else(|e| panic!("{e}\nmine: {mine_ops:#?}\ntheirs: {theirs_ops:#?}"));
        assert!(validate(&merged.project).is_empty(), "{:?}", validate(&merged.project));
        if disjoint && replayed {
            assert!(conflicts.is_empty(), "{conflicts:#?}\nmine: {mine_ops:#?}\ntheirs: {theirs_ops:#?}");
            assert!(merged.report.consequences.is_empty(), "{:?}", merged.report.consequences);
            assert!(
                merged.project == expected,
                "merge differs from applying both\nmine: {mine_ops:#?}\ntheirs: {theirs_ops:#?}"
            );
            assert_eq!(merged.report.theirs_taken, BaseItems::of(&mine).changes_to(&merged.project));
            assert_eq!(merged.report.mine_kept, BaseItems::of(&theirs).changes_to(&merged.project));
        }
        if merged.report.consequences.is_empty() {
            // Each choice gives that side's value.
            let result = {
                let mut all = values(&merged.project);
                let [order] = orders(&base, &mine, &theirs, [&merged.project]);
                all.extend(order);
                all
            };
            let chosen = if side == Side::Mine { mine_values } else { theirs_values };
            let (chosen_project, other_project) = if side == Side::Mine { (&mine, &theirs) } else { (&theirs, &mine) };
            for conflict in &conflicts {
                if let Item::Document { id, sha256 } = &conflict.item {
                    // Their document may have a new id: find it by its text and contents.
                    let same = |a: &Document, b: &Document| {
                        a.sha256 == b.sha256
                            && a.name == b.name
                            && a.metadata == b.metadata
                            && a.annotations == b.annotations
                    };
                    let version = |project: &Project| {
                        project.documents.iter().find(|d| d.id == *id && d.sha256 == *sha256).cloned()
                    };
                    match (version(chosen_project), version(other_project)) {
                        (Some(kept), _) => {
                            assert!(merged.project.documents.iter().any(|d| same(d, &kept)), "{side}: {conflict:#?}")
                        }
                        (None, Some(removed)) => {
                            // Another document may look the same (same text, name and contents
                            // under another id: two untouched copies of one text, or a copy the
                            // other side added). The removed one would be in the result under its
                            // own id, or, renamed, under a free id neither side has; a document
                            // under another id of either side is another document.
                            let other = |d: &Document| {
                                d.id != *id && (mine.document(&d.id).is_some() || theirs.document(&d.id).is_some())
                            };
                            assert!(
                                !merged.project.documents.iter().any(|d| same(d, &removed) && !other(d)),
                                "{side}: {conflict:#?}"
                            )
                        }
                        (None, None) => panic!("{conflict:#?} is about a document neither side has"),
                    }
                    continue;
                }
                for key in keys.iter().copied().filter(|k| covers(&conflict.item, k, &homes)) {
                    if key.starts_with("order:") {
                        continue;
                    }
                    assert_eq!(result.get(key), chosen.get(key), "{side} chosen for {conflict:#?}");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn merging_equals_applying_both_and_lists_every_conflict(
        documents in 1usize..=3,
        base_choices in prop::collection::vec(choice(), 0..24),
        mine_choices in prop::collection::vec(choice(), 0..8),
        theirs_choices in prop::collection::vec(choice(), 0..8),
    ) {
        check(documents, &base_choices, &mine_choices, &theirs_choices);
    }
}

/// Few edits on each side make disjoint cases common; the proptest above mostly finds overlaps
/// on small projects too. This checks that both kinds really occur.
#[test]
fn the_generator_makes_both_disjoint_and_overlapping_edits() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (
        prop::collection::vec(choice(), 10..24),
        prop::collection::vec(choice(), 1..6),
        prop::collection::vec(choice(), 1..6),
    );
    let (mut disjoint, mut overlapping) = (0, 0);
    for _ in 0..200 {
        let (base_choices, mine_choices, theirs_choices) = strategy.new_tree(&mut runner).unwrap().current();
        let base = base_project(2, &base_choices);
        let (mine, _) = edit(&base, &mine_choices, 1_000_003, "mine");
        let (theirs, _) = edit(&base, &theirs_choices, 2_000_003, "theirs");
        let conflicts = merge::merge(Some(&BaseItems::of(&base)), &mine, &theirs).conflicts().len();
        if conflicts == 0 && mine != base && theirs != base {
            disjoint += 1;
        } else if conflicts > 0 {
            overlapping += 1;
        }
    }
    assert!(disjoint > 50 && overlapping > 20, "disjoint {disjoint}, overlapping {overlapping}");
}
