//! Merging two versions of a project: *mine* (open, perhaps with unsaved changes, or my git
//! branch) and *theirs* (what is on disk now, or their branch), against the *base* both started
//! from, kept as fingerprints ([`BaseItems`]).
//!
//! Every part of the project is merged: the project's name, description, creation time and blind
//! coding setting; each field of each label, relation type, attribute and document variable of the
//! codebook; the annotators; memos; documents (added, removed, their name, each metadata key and
//! variable, each coder's coding status) and
//! the order of every list; annotations and relations, by id.
//!
//! - A field or item changed on one side only is taken. An item added on either side is kept.
//! - A deletion on one side is taken unless the other side changed the item, or made something
//!   new that uses it (a relation to an annotation, a memo about it): then it is a conflict.
//! - Changed on both sides to different values: a [`Conflict`], never decided silently. The
//!   merge lists them with both values as text; [`Merge::resolve`] takes a choice per conflict.
//! - Without a base nothing can be told deleted, so the merge is a union, and every difference
//!   is a conflict (whose default, "mine", is what a union keeps).
//!
//! The result always validates: what one side deleted while the other still uses it is settled
//! by [`repair`] and listed in [`MergeReport::consequences`].

mod base;
mod changes;
mod describe;
mod entries;
mod order;
mod repair;

pub use base::BaseItems;
pub use changes::{ChangeSummary, Counts, Kind, Verb};
pub use describe::DELETED;

use std::collections::{BTreeMap, HashMap, HashSet};

use base::{
    BaseDocument, BaseIds, annotation_fingerprint, fingerprint, memo_fingerprint, project_fields, relation_fingerprint,
    value_fingerprint,
};
use changes::PROJECT_FIELDS;
use describe::quoted;
use entries::Entry;
use order::{ListOrder, OrderDecision};
use repair::Spare;

use crate::model::{
    Annotation, Annotator, AttributeDef, Codebook, Document, FieldDef, ItemId, Label, Memo, MemoTarget, Problem,
    Project, Relation, RelationType, Timestamp, validate,
};

/// One of the two versions being merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Mine,
    Theirs,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Mine => "mine",
            Side::Theirs => "theirs",
        })
    }
}

impl std::str::FromStr for Side {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "mine" | "ours" | "yours" => Ok(Side::Mine),
            "theirs" => Ok(Side::Theirs),
            other => Err(format!("\"{other}\" is neither mine nor theirs")),
        }
    }
}

/// What a conflict is about: one field or item, named by ids (for programs and tests; people
/// read [`Conflict::what`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    /// A field of the project: `"name"`, `"description"`, `"instructions"`, `"creation time"` or
    /// `"blind coding setting"`.
    Project(&'static str),
    /// A label, relation type, attribute, document variable or annotator. `field` is `None` for
    /// the whole entry: deleted on one side and changed on the other.
    Entry {
        kind: Kind,
        id: String,
        field: Option<&'static str>,
    },
    /// The order of a list: `"documents"`, `"labels"`, `"memos"`…
    Order(&'static str),
    Memo(ItemId),
    /// A whole document, by id and text: removed on one side, changed on the other. The id is the
    /// one the document has in the version that kept it (theirs gets a new one in the result when
    /// my version uses its id for another text).
    Document {
        id: String,
        sha256: String,
    },
    DocumentName(String),
    /// Which way a document's paragraphs run (auto, left to right, right to left).
    DocumentDirection(String),
    Metadata {
        document: String,
        key: String,
    },
    Variable {
        document: String,
        key: String,
    },
    /// A coder's coding status on a document.
    CodingStatus {
        document: String,
        annotator: String,
    },
    Annotation {
        document: String,
        id: ItemId,
    },
    Relation {
        document: String,
        id: ItemId,
    },
}

/// A field or item both sides changed differently (or one deleted while the other changed it).
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub item: Item,
    /// What it is, for a coder: `label "Claim": colour`.
    pub what: String,
    /// My value, as text ([`DELETED`] if I deleted it).
    pub mine: String,
    /// Their value, as text.
    pub theirs: String,
    mine_tally: Tally,
    theirs_tally: Tally,
}

/// A conflict and the side chosen for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub conflict: Conflict,
    pub chosen: Side,
}

/// How a taken change is counted in a [`ChangeSummary`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Tally {
    Nothing,
    ProjectField(&'static str),
    /// An entry or document, counted once however many of its fields changed.
    Named(Kind, Verb, String),
    Id(Kind, Verb),
    Many(Kind, Verb, usize),
    Reordered(&'static str),
    /// Several at once (a document with its annotations and relations).
    All(Vec<Tally>),
}

/// A document added or deleted, with everything in it.
fn whole_document(document: &Document, verb: Verb, id: &str) -> Tally {
    Tally::All(vec![
        Tally::Named(Kind::Document, verb, id.to_owned()),
        Tally::Many(Kind::Annotation, verb, document.annotations.len()),
        Tally::Many(Kind::Relation, verb, document.relations.len()),
    ])
}

/// The changes a side made to a document the other side removed, counted as the conflict's text
/// lists them ("kept, with their changes: 1 annotation deleted"): what keeping it keeps.
fn changes_tally(changes: &ChangeSummary, id: &str) -> Tally {
    let mut tallies = Vec::new();
    if changes.documents.changed > 0 {
        tallies.push(Tally::Named(Kind::Document, Verb::Changed, id.to_owned()));
    }
    for (kind, counts) in [(Kind::Annotation, &changes.annotations), (Kind::Relation, &changes.relations)] {
        for (verb, n) in [(Verb::Added, counts.added), (Verb::Changed, counts.changed), (Verb::Deleted, counts.deleted)]
        {
            tallies.push(Tally::Many(kind, verb, n));
        }
    }
    Tally::All(tallies)
}

#[derive(Debug, Default)]
struct Tallies {
    summary: ChangeSummary,
    named: HashSet<(Kind, Verb, String)>,
}

impl Tallies {
    fn add(&mut self, tally: &Tally) {
        match tally {
            Tally::Nothing => {}
            Tally::ProjectField(field) => self.summary.project_field(field),
            Tally::Named(kind, verb, name) => {
                if self.named.insert((*kind, *verb, name.clone())) {
                    self.summary.count(*kind, *verb);
                }
            }
            Tally::Id(kind, verb) => self.summary.count(*kind, *verb),
            Tally::Many(kind, verb, n) => {
                for _ in 0..*n {
                    self.summary.count(*kind, *verb);
                }
            }
            Tally::Reordered(list) => self.summary.reorder(list),
            Tally::All(tallies) => tallies.iter().for_each(|tally| self.add(tally)),
        }
    }

    /// Takes back a counted [`Tally::Named`].
    fn forget(&mut self, kind: Kind, verb: Verb, name: &str) {
        if self.named.remove(&(kind, verb, name.to_owned())) {
            let counts = self.summary.counts_mut(kind);
            match verb {
                Verb::Added => counts.added -= 1,
                Verb::Changed => counts.changed -= 1,
                Verb::Deleted => counts.deleted -= 1,
            }
        }
    }
}

type Apply = Box<dyn FnOnce(&mut Project) + Send + Sync>;

/// How to put their value in place of mine.
enum Fix {
    Apply(Apply),
    Order(&'static str),
}

fn fix(apply: impl FnOnce(&mut Project) + Send + Sync + 'static) -> Fix {
    Fix::Apply(Box::new(apply))
}

/// Why a merge could not produce a project.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{given} choices were given for {expected} conflicts; choose mine or theirs for each conflict")]
    Choices { expected: usize, given: usize },
    #[error(
        "the merged project would not be valid ({} problems), so nothing was merged: {}",
        .0.len(),
        .0.iter().take(5).map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    Invalid(Vec<Problem>),
}

/// A merge computed and waiting for a choice per conflict ([`Merge::resolve`]).
pub struct Merge {
    has_base: bool,
    /// The result with every conflict resolved as mine, before [`repair`] and ordering.
    pending: Project,
    conflicts: Vec<Conflict>,
    fixes: Vec<Fix>,
    orders: BTreeMap<&'static str, ListOrder>,
    spare: Spare,
    /// The document of each annotation a memo is about (to move the memo there if it is deleted).
    homes: HashMap<ItemId, String>,
    mine_kept: Tallies,
    theirs_taken: Tallies,
    notes: Vec<String>,
    /// Revisions of my documents, so that merged documents get new ones (views cache by revision).
    mine_revisions: HashMap<String, u64>,
}

impl std::fmt::Debug for Merge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Merge").field("has_base", &self.has_base).field("conflicts", &self.conflicts).finish()
    }
}

/// The merged project and what the merge did.
#[derive(Debug)]
pub struct Merged {
    pub project: Project,
    pub report: MergeReport,
}

/// What a merge did, for the user.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergeReport {
    /// Whether there was a base; without one the merge is a union.
    pub has_base: bool,
    /// Their changes now in the result (what the merge changed in my version).
    pub theirs_taken: ChangeSummary,
    /// My changes kept (what the result has of mine that theirs lacks).
    pub mine_kept: ChangeSummary,
    /// Every conflict and the side chosen.
    pub conflicts: Vec<Resolved>,
    /// What was done so that the result is a valid project, one sentence each.
    pub consequences: Vec<String>,
}

impl std::fmt::Display for MergeReport {
    /// Plain sentences: what was taken, kept, chosen, and done to keep the project valid.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut sentences = Vec::new();
        if !self.has_base {
            sentences.push(
                "There was no common earlier version to compare with, so this is a union: everything either \
                 version has is kept and nothing is deleted; where the two differ, a choice was made (listed)."
                    .to_owned(),
            );
        }
        sentences.push(if self.theirs_taken.is_empty() {
            "Nothing was taken from their version.".to_owned()
        } else {
            format!("From their version: {}.", self.theirs_taken)
        });
        if !self.mine_kept.is_empty() {
            sentences.push(format!("Kept from yours: {}.", self.mine_kept));
        }
        match self.conflicts.len() {
            0 => sentences.push("No conflicts.".to_owned()),
            n => {
                let items: Vec<String> = self
                    .conflicts
                    .iter()
                    .map(|r| match r.chosen {
                        Side::Mine => format!(
                            "{}: yours kept ({}; theirs {})",
                            r.conflict.what, r.conflict.mine, r.conflict.theirs
                        ),
                        Side::Theirs => format!(
                            "{}: theirs taken ({}; yours {})",
                            r.conflict.what, r.conflict.theirs, r.conflict.mine
                        ),
                    })
                    .collect();
                let noun = if n == 1 { "conflict" } else { "conflicts" };
                sentences.push(format!("{n} {noun}: {}.", items.join("; ")));
            }
        }
        sentences.extend(self.consequences.iter().cloned());
        write!(f, "{}", sentences.join(" "))
    }
}

impl Merge {
    /// Whether the merge had a base (three-way) or is a union.
    pub fn has_base(&self) -> bool {
        self.has_base
    }

    /// Everything that needs a choice, in project order.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// The merged project with `choices[i]` for `conflicts()[i]`.
    pub fn resolve(self, choices: &[Side]) -> Result<Merged, MergeError> {
        if choices.len() != self.conflicts.len() {
            return Err(MergeError::Choices { expected: self.conflicts.len(), given: choices.len() });
        }
        let Merge {
            has_base,
            mut pending,
            conflicts,
            fixes,
            mut orders,
            spare,
            homes,
            mut mine_kept,
            mut theirs_taken,
            mut notes,
            mine_revisions,
        } = self;
        let mut resolved = Vec::with_capacity(conflicts.len());
        for ((conflict, fix), &chosen) in conflicts.into_iter().zip(fixes).zip(choices) {
            match chosen {
                Side::Mine => mine_kept.add(&conflict.mine_tally),
                Side::Theirs => {
                    match fix {
                        Fix::Apply(apply) => apply(&mut pending),
                        Fix::Order(list) => {
                            if let Some(order) = orders.get_mut(list) {
                                order.theirs_order = true;
                            }
                        }
                    }
                    theirs_taken.add(&conflict.theirs_tally);
                }
            }
            resolved.push(Resolved { conflict, chosen });
        }
        let repaired = repair::repair(&mut pending, &spare, &homes);
        notes.extend(repaired.notes);
        for (kind, id) in repaired.restored {
            // Kept after all: not a deletion taken from either side.
            mine_kept.forget(kind, Verb::Deleted, &id);
            theirs_taken.forget(kind, Verb::Deleted, &id);
        }
        arrange(&mut pending, &orders);
        for document in &mut pending.documents {
            // A view caching by revision must see a new one, whichever side the document came from.
            document.touch();
            while mine_revisions.get(&document.id) == Some(&document.revision()) {
                document.touch();
            }
        }
        let problems = validate(&pending);
        if !problems.is_empty() {
            return Err(MergeError::Invalid(problems));
        }
        let report = MergeReport {
            has_base,
            theirs_taken: theirs_taken.summary,
            mine_kept: mine_kept.summary,
            conflicts: resolved,
            consequences: notes,
        };
        Ok(Merged { project: pending, report })
    }

    /// The merged project with the same side for every conflict.
    pub fn resolve_all(self, side: Side) -> Result<Merged, MergeError> {
        let choices = vec![side; self.conflicts.len()];
        self.resolve(&choices)
    }
}

fn arrange(project: &mut Project, orders: &BTreeMap<&'static str, ListOrder>) {
    fn by<T>(items: &mut Vec<T>, orders: &BTreeMap<&'static str, ListOrder>, list: &str, key: impl Fn(&T) -> String) {
        if let Some(list_order) = orders.get(list) {
            order::apply(items, list_order, key);
        }
    }
    by(&mut project.codebook.labels, orders, Label::LIST, |e| e.id.clone());
    by(&mut project.codebook.relation_types, orders, RelationType::LIST, |e| e.id.clone());
    by(&mut project.codebook.attributes, orders, AttributeDef::LIST, |e| e.id.clone());
    by(&mut project.codebook.document_fields, orders, FieldDef::LIST, |e| e.id.clone());
    by(&mut project.annotators, orders, Annotator::LIST, |e| e.id.clone());
    by(&mut project.documents, orders, "documents", |d| d.id.clone());
    by(&mut project.memos, orders, "memos", |m| m.id.to_string());
}

/// What a three-way decision found for one field or item, from its fingerprints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Nobody changed it, or both made the same change.
    Same,
    /// Only I changed it: keep mine.
    Mine(Verb),
    /// Only they changed it: take theirs.
    Theirs(Verb),
    Conflict,
}

fn decide(base: Option<u64>, mine: Option<u64>, theirs: Option<u64>) -> Outcome {
    match (base, mine, theirs) {
        (_, Some(m), Some(t)) if m == t => Outcome::Same,
        (Some(b), Some(m), Some(_)) if b == m => Outcome::Theirs(Verb::Changed),
        (Some(b), Some(_), Some(t)) if b == t => Outcome::Mine(Verb::Changed),
        (_, Some(_), Some(_)) => Outcome::Conflict,
        (Some(b), Some(m), None) if b == m => Outcome::Theirs(Verb::Deleted),
        (Some(_), Some(_), None) => Outcome::Conflict,
        (None, Some(_), None) => Outcome::Mine(Verb::Added),
        (Some(b), None, Some(t)) if b == t => Outcome::Mine(Verb::Deleted),
        (Some(_), None, Some(_)) => Outcome::Conflict,
        (None, None, Some(_)) => Outcome::Theirs(Verb::Added),
        (_, None, None) => Outcome::Same,
    }
}

/// What a side did to an item in a conflict, for counting.
fn verb(base: bool, present: bool) -> Verb {
    match (base, present) {
        (_, false) => Verb::Deleted,
        (false, true) => Verb::Added,
        (true, true) => Verb::Changed,
    }
}

/// Annotations and documents that a side's new or changed relations and memos use: deleting
/// them on the other side is a conflict, not a silent loss.
#[derive(Debug, Default)]
struct Uses {
    annotations: HashSet<ItemId>,
    documents: HashSet<String>,
}

impl Uses {
    fn of(base: &BaseItems, project: &Project) -> Self {
        let mut uses = Uses::default();
        for document in &project.documents {
            let base_relations = base.document(document).map(|b| &b.relations);
            for relation in &document.relations {
                if base_relations.and_then(|b| b.get(relation.id)) != Some(relation_fingerprint(relation)) {
                    uses.annotations.extend([relation.from, relation.to]);
                }
            }
        }
        let mut memo_targets = HashSet::new();
        for memo in &project.memos {
            if base.memos.get(memo.id) != Some(memo_fingerprint(memo)) {
                match &memo.target {
                    MemoTarget::Annotation(id) => {
                        uses.annotations.insert(*id);
                        memo_targets.insert(*id);
                    }
                    MemoTarget::Document(id) => {
                        uses.documents.insert(id.clone());
                    }
                    MemoTarget::Project | MemoTarget::Label(_) => {}
                }
            }
        }
        if !memo_targets.is_empty() {
            for document in &project.documents {
                if document.annotations.iter().any(|a| memo_targets.contains(&a.id)) {
                    uses.documents.insert(document.id.clone());
                }
            }
        }
        uses
    }
}

/// Items merged whole by id: annotations, relations, memos.
trait Keyed: Clone + PartialEq + Send + Sync + 'static {
    const KIND: Kind;
    fn key(&self) -> ItemId;
    fn fingerprint(&self) -> u64;
    fn modified(&self) -> Timestamp;
}

impl<T: Keyed> Keyed for Box<T> {
    const KIND: Kind = T::KIND;

    fn key(&self) -> ItemId {
        (**self).key()
    }

    fn fingerprint(&self) -> u64 {
        (**self).fingerprint()
    }

    fn modified(&self) -> Timestamp {
        (**self).modified()
    }
}

impl Keyed for Annotation {
    const KIND: Kind = Kind::Annotation;

    fn key(&self) -> ItemId {
        self.id
    }

    fn fingerprint(&self) -> u64 {
        annotation_fingerprint(self)
    }

    fn modified(&self) -> Timestamp {
        self.modified
    }
}

impl Keyed for Relation {
    const KIND: Kind = Kind::Relation;

    fn key(&self) -> ItemId {
        self.id
    }

    fn fingerprint(&self) -> u64 {
        relation_fingerprint(self)
    }

    fn modified(&self) -> Timestamp {
        self.modified
    }
}

impl Keyed for Memo {
    const KIND: Kind = Kind::Memo;

    fn key(&self) -> ItemId {
        self.id
    }

    fn fingerprint(&self) -> u64 {
        memo_fingerprint(self)
    }

    fn modified(&self) -> Timestamp {
        self.modified
    }
}

/// A conflict over a keyed item, before it is described.
struct KeyedConflict<'a, T> {
    id: ItemId,
    in_base: bool,
    mine: Option<&'a T>,
    theirs: Option<&'a T>,
    /// The other side deleted it, this side did not change it but uses it.
    used_by: Option<Side>,
}

/// Changes to make to (a copy of) my list of keyed items.
struct Plan<'a, T> {
    remove: HashSet<ItemId>,
    replace: HashMap<ItemId, &'a T>,
    add: Vec<&'a T>,
}

impl<T: Keyed> Plan<'_, T> {
    /// Applies the plan to my list; whether anything changed.
    fn apply(self, list: &mut Vec<T>) -> bool {
        let changed = !(self.remove.is_empty() && self.replace.is_empty() && self.add.is_empty());
        if !self.remove.is_empty() {
            list.retain(|item| !self.remove.contains(&item.key()));
        }
        if !self.replace.is_empty() {
            for item in list.iter_mut() {
                if let Some(theirs) = self.replace.get(&item.key()) {
                    *item = (*theirs).clone();
                }
            }
        }
        list.extend(self.add.into_iter().cloned());
        changed
    }
}

/// Sorted (id, index) pairs.
fn by_id<T: Keyed>(items: &[T]) -> Vec<(ItemId, usize)> {
    let mut ids: Vec<(ItemId, usize)> = items.iter().enumerate().map(|(i, item)| (item.key(), i)).collect();
    ids.sort_unstable();
    ids
}

struct Merger<'a> {
    base: Option<&'a BaseItems>,
    mine: &'a Project,
    theirs: &'a Project,
    uses_mine: Uses,
    uses_theirs: Uses,
    /// Their documents whose id my version uses for another text, and the id each gets.
    renamed: HashMap<String, String>,
    out: Merge,
}

/// Merges `theirs` into `mine` against `base` (`None`: a union). Nothing is decided for a
/// conflict yet: see [`Merge::conflicts`] and [`Merge::resolve`].
pub fn merge(base: Option<&BaseItems>, mine: &Project, theirs: &Project) -> Merge {
    let empty_codebook = Codebook {
        labels: Vec::new(),
        relation_types: Vec::new(),
        attributes: Vec::new(),
        document_fields: Vec::new(),
        // A lock on either side stays: it guards an assignment or a team's agreed scheme.
        locked: mine.codebook.locked || theirs.codebook.locked,
    };
    let pending = Project {
        name: mine.name.clone(),
        description: mine.description.clone(),
        instructions: mine.instructions.clone(),
        created: mine.created,
        blind_coding: mine.blind_coding,
        codebook: empty_codebook,
        annotators: Vec::new(),
        documents: Vec::new(),
        memos: Vec::new(),
    };
    let mut merger = Merger {
        base,
        mine,
        theirs,
        uses_mine: base.map(|b| Uses::of(b, mine)).unwrap_or_default(),
        uses_theirs: base.map(|b| Uses::of(b, theirs)).unwrap_or_default(),
        renamed: HashMap::new(),
        out: Merge {
            has_base: base.is_some(),
            pending,
            conflicts: Vec::new(),
            fixes: Vec::new(),
            orders: BTreeMap::new(),
            spare: Spare {
                mine_codebook: mine.codebook.clone(),
                mine_annotators: mine.annotators.clone(),
                theirs_codebook: theirs.codebook.clone(),
                theirs_annotators: theirs.annotators.clone(),
            },
            homes: HashMap::new(),
            mine_kept: Tallies::default(),
            theirs_taken: Tallies::default(),
            notes: Vec::new(),
            mine_revisions: mine.documents.iter().map(|d| (d.id.clone(), d.revision())).collect(),
        },
    };
    merger.project_fields();
    merger.entries::<Label>();
    merger.entries::<RelationType>();
    merger.entries::<AttributeDef>();
    merger.entries::<FieldDef>();
    merger.entries::<Annotator>();
    merger.documents();
    merger.memos();
    merger.out
}

impl<'a> Merger<'a> {
    fn mine_kept(&mut self, tally: Tally) {
        self.out.mine_kept.add(&tally);
    }

    fn theirs_taken(&mut self, tally: Tally) {
        self.out.theirs_taken.add(&tally);
    }

    fn conflict(&mut self, item: Item, what: String, mine: String, theirs: String, tallies: (Tally, Tally), fix: Fix) {
        let (mine_tally, theirs_tally) = tallies;
        self.out.conflicts.push(Conflict { item, what, mine, theirs, mine_tally, theirs_tally });
        self.out.fixes.push(fix);
    }

    fn project_fields(&mut self) {
        let (mine, theirs) = (project_fields(self.mine), project_fields(self.theirs));
        for (i, field) in PROJECT_FIELDS.iter().copied().enumerate() {
            let tally = Tally::ProjectField(field);
            match decide(self.base.map(|b| b.project[i]), Some(mine[i]), Some(theirs[i])) {
                Outcome::Same => {}
                Outcome::Mine(_) => self.mine_kept(tally),
                Outcome::Theirs(_) => {
                    set_project_field(&mut self.out.pending, project_field(self.theirs, i));
                    self.theirs_taken(tally);
                }
                Outcome::Conflict => {
                    let theirs = project_field(self.theirs, i);
                    self.conflict(
                        Item::Project(field),
                        format!("project {field}"),
                        project_field_text(self.mine, i),
                        project_field_text(self.theirs, i),
                        (tally.clone(), tally),
                        fix(move |project| set_project_field(project, theirs)),
                    );
                }
            }
        }
    }

    fn order(
        &mut self,
        list: &'static str,
        base: Option<&[String]>,
        mine: Vec<String>,
        theirs: Vec<String>,
        title: impl Fn(&str) -> String,
    ) {
        let decision = order::decide(base, &mine, &theirs);
        let tally = Tally::Reordered(list);
        match decision {
            OrderDecision::Same => {}
            OrderDecision::Mine => self.mine_kept(tally),
            OrderDecision::Theirs => self.theirs_taken(tally),
            OrderDecision::Conflict => {
                let shared = |side: &[String], other: &[String]| {
                    let other: HashSet<&str> = other.iter().map(String::as_str).collect();
                    side.iter().filter(|k| other.contains(k.as_str())).map(|k| title(k)).collect::<Vec<_>>().join(", ")
                };
                let (mine_text, theirs_text) = (shared(&mine, &theirs), shared(&theirs, &mine));
                self.conflict(
                    Item::Order(list),
                    format!("the order of {list}"),
                    mine_text,
                    theirs_text,
                    (tally.clone(), tally),
                    Fix::Order(list),
                );
            }
        }
        let theirs_order = decision == OrderDecision::Theirs;
        self.out.orders.insert(list, ListOrder { mine, theirs, theirs_order });
    }

    /// A codebook list or the annotators, field by field.
    fn entries<E: Entry>(&mut self) {
        let base = self.base.map(|base| base.entries(E::KIND));
        let (mine, theirs) = (E::list(self.mine), E::list(self.theirs));
        let mine_ids: HashSet<&str> = mine.iter().map(Entry::id).collect();
        let theirs_by_id: HashMap<&str, &E> = theirs.iter().map(|e| (e.id(), e)).collect();
        let mut merged = Vec::with_capacity(mine.len());
        for entry in mine {
            let id = entry.id().to_owned();
            let base_fields = base.and_then(|b| b.fields.get(&id));
            let what = format!("{} {}", E::NOUN, quoted(entry.title()));
            match (theirs_by_id.get(id.as_str()), base_fields) {
                (Some(theirs_entry), _) => {
                    merged.push(self.entry_fields(base_fields.map(|b| &**b), entry, theirs_entry))
                }
                (None, None) => {
                    merged.push(entry.clone());
                    self.mine_kept(Tally::Named(E::KIND, Verb::Added, id));
                }
                (None, Some(fields)) if **fields == *entry.fingerprints() => {
                    self.theirs_taken(Tally::Named(E::KIND, Verb::Deleted, id));
                }
                (None, Some(_)) => {
                    merged.push(entry.clone());
                    let tallies = (
                        Tally::Named(E::KIND, Verb::Changed, id.clone()),
                        Tally::Named(E::KIND, Verb::Deleted, id.clone()),
                    );
                    let item = Item::Entry { kind: E::KIND, id: id.clone(), field: None };
                    let remove = fix(move |project| E::list_mut(project).retain(|e| e.id() != id));
                    self.conflict(item, what, entry.describe(), DELETED.to_owned(), tallies, remove);
                }
            }
        }
        for entry in theirs.iter().filter(|e| !mine_ids.contains(e.id())) {
            let id = entry.id().to_owned();
            match base.and_then(|b| b.fields.get(&id)) {
                None => {
                    merged.push(entry.clone());
                    self.theirs_taken(Tally::Named(E::KIND, Verb::Added, id));
                }
                Some(fields) if **fields == *entry.fingerprints() => {
                    self.mine_kept(Tally::Named(E::KIND, Verb::Deleted, id));
                }
                Some(_) => {
                    let tallies = (
                        Tally::Named(E::KIND, Verb::Deleted, id.clone()),
                        Tally::Named(E::KIND, Verb::Changed, id.clone()),
                    );
                    let what = format!("{} {}", E::NOUN, quoted(entry.title()));
                    let item = Item::Entry { kind: E::KIND, id, field: None };
                    let theirs_entry = entry.clone();
                    let insert = fix(move |project| E::list_mut(project).push(theirs_entry));
                    self.conflict(item, what, DELETED.to_owned(), entry.describe(), tallies, insert);
                }
            }
        }
        *E::list_mut(&mut self.out.pending) = merged;
        let titles: HashMap<String, String> =
            mine.iter().chain(theirs).map(|e| (e.id().to_owned(), e.title().to_owned())).collect();
        self.order(
            E::LIST,
            base.map(|b| b.order.as_slice()),
            mine.iter().map(|e| e.id().to_owned()).collect(),
            theirs.iter().map(|e| e.id().to_owned()).collect(),
            |id| titles.get(id).cloned().unwrap_or_else(|| id.to_owned()),
        );
    }

    fn entry_fields<E: Entry>(&mut self, base: Option<&[u64]>, mine: &E, theirs: &E) -> E {
        let mut merged = mine.clone();
        for (field, name) in E::FIELDS.iter().copied().enumerate() {
            let tally = Tally::Named(E::KIND, Verb::Changed, mine.id().to_owned());
            let outcome = decide(
                base.map(|b| b[field]),
                Some(mine.field_fingerprint(field)),
                Some(theirs.field_fingerprint(field)),
            );
            match outcome {
                Outcome::Same => {}
                Outcome::Mine(_) => self.mine_kept(tally),
                Outcome::Theirs(_) => {
                    merged.copy_field(theirs, field);
                    self.theirs_taken(tally);
                }
                Outcome::Conflict => {
                    let id = mine.id().to_owned();
                    let item = Item::Entry { kind: E::KIND, id: id.clone(), field: Some(name) };
                    let what = format!("{} {}: {name}", E::NOUN, quoted(mine.title()));
                    let theirs_entry = theirs.clone();
                    let copy = fix(move |project| {
                        if let Some(entry) = E::list_mut(project).iter_mut().find(|e| e.id() == id) {
                            entry.copy_field(&theirs_entry, field);
                        }
                    });
                    let (mine_text, theirs_text) = (mine.field_text(field), theirs.field_text(field));
                    self.conflict(item, what, mine_text, theirs_text, (tally.clone(), tally), copy);
                }
            }
        }
        merged
    }

    fn documents(&mut self) {
        let (mine, theirs) = (self.mine, self.theirs);
        // Their documents whose id I use for a different text get a new id, unless mine is surely
        // gone from the result (they removed it and I did not touch it).
        let mut taken: HashSet<String> = mine.documents.iter().chain(&theirs.documents).map(|d| d.id.clone()).collect();
        let removed_by_them = |mine: &Document| {
            let untouched = self.base.and_then(|b| b.document(mine)).is_some_and(|b| b.changes_to(mine).is_empty());
            untouched && !self.uses_mine.documents.contains(&mine.id)
        };
        let clashes: Vec<&Document> = theirs
            .documents
            .iter()
            .filter(|t| mine.document(&t.id).is_some_and(|m| m.sha256 != t.sha256 && !removed_by_them(m)))
            .collect();
        for document in clashes {
            let fresh = (1..)
                .map(|n| format!("d{n}"))
                .find(|id| !taken.contains(id))
                .unwrap_or_else(|| format!("{}-theirs", document.id));
            taken.insert(fresh.clone());
            self.renamed.insert(document.id.clone(), fresh);
        }
        let theirs_id = |document: &Document| -> String {
            self.renamed.get(&document.id).cloned().unwrap_or_else(|| document.id.clone())
        };
        let theirs_ids: Vec<String> = theirs.documents.iter().map(theirs_id).collect();

        let base_items = self.base;
        let base_of = |document: &Document| base_items.and_then(|b| b.document(document));
        for document in &mine.documents {
            let base = base_of(document);
            match theirs.document(&document.id).filter(|t| t.sha256 == document.sha256) {
                Some(theirs_document) => {
                    let merged = self.same_document(base, document, theirs_document);
                    self.out.pending.documents.push(merged);
                }
                None => self.mine_only_document(base, document),
            }
        }
        for (document, id) in theirs.documents.iter().zip(&theirs_ids) {
            if mine.document(&document.id).is_some_and(|m| m.sha256 == document.sha256) {
                continue;
            }
            let base = base_of(document);
            self.theirs_only_document(base, document, id);
        }

        let titles: HashMap<String, String> = mine
            .documents
            .iter()
            .map(|d| (d.id.clone(), d.name.clone()))
            .chain(theirs.documents.iter().zip(&theirs_ids).map(|(d, id)| (id.clone(), d.name.clone())))
            .collect();
        self.order(
            "documents",
            self.base.map(|b| b.document_order.as_slice()),
            mine.documents.iter().map(|d| d.id.clone()).collect(),
            theirs_ids,
            |id| titles.get(id).map_or_else(|| id.to_owned(), |name| quoted(name)),
        );
    }

    /// A document only I have (with this text): I added it, or they removed it.
    fn mine_only_document(&mut self, base: Option<&BaseDocument>, document: &Document) {
        let Some(base) = base else {
            self.out.pending.documents.push(document.clone());
            self.mine_kept(whole_document(document, Verb::Added, &document.id));
            return;
        };
        let changes = base.changes_to(document);
        let used = self.uses_mine.documents.contains(&document.id);
        if changes.is_empty() && !used {
            self.theirs_taken(whole_document(document, Verb::Deleted, &document.id));
            return;
        }
        self.out.pending.documents.push(document.clone());
        let mine_text = if changes.is_empty() {
            "kept: a memo you added or changed is about it".to_owned()
        } else {
            format!("kept, with your changes: {changes}")
        };
        let id = document.id.clone();
        self.conflict(
            Item::Document { id: id.clone(), sha256: document.sha256.clone() },
            format!("document {}", describe::document_name(document)),
            mine_text,
            "removed".to_owned(),
            (changes_tally(&changes, &id), whole_document(document, Verb::Deleted, &id)),
            fix(move |project| project.documents.retain(|d| d.id != id)),
        );
    }

    /// A document only they have (with this text): they added it, or I removed it.
    fn theirs_only_document(&mut self, base: Option<&BaseDocument>, document: &Document, id: &str) {
        let renamed = id != document.id;
        let copy = || {
            let mut copy = document.clone();
            copy.id = id.to_owned();
            copy
        };
        let Some(base) = base else {
            self.out.pending.documents.push(copy());
            self.theirs_taken(whole_document(document, Verb::Added, id));
            if renamed {
                self.out.notes.push(format!(
                    "Their document {} was added as {id}: your document {} has the id {}.",
                    quoted(&document.name),
                    self.mine.document(&document.id).map_or_else(String::new, |d| quoted(&d.name)),
                    document.id
                ));
            }
            return;
        };
        let changes = base.changes_to(document);
        let used = self.uses_theirs.documents.contains(&document.id);
        if changes.is_empty() && !used {
            self.mine_kept(whole_document(document, Verb::Deleted, id));
            return;
        }
        let mut theirs_text = if changes.is_empty() {
            "kept: a memo they added or changed is about it".to_owned()
        } else {
            format!("kept, with their changes: {changes}")
        };
        if renamed {
            theirs_text.push_str(&format!(" (as {id}: your {} is another document)", document.id));
        }
        let item = Item::Document { id: document.id.clone(), sha256: document.sha256.clone() };
        let what = format!("document {}", describe::document_name(document));
        let document = copy();
        self.conflict(
            item,
            what,
            "removed".to_owned(),
            theirs_text,
            (whole_document(&document, Verb::Deleted, id), changes_tally(&changes, id)),
            fix(move |project| project.documents.push(document)),
        );
    }

    /// The same document (id and text) on both sides: its fields, annotations and relations.
    fn same_document(&mut self, base: Option<&BaseDocument>, mine: &Document, theirs: &Document) -> Document {
        let mut merged = mine.clone();
        let document_id = mine.id.clone();
        let name = quoted(&mine.name);
        let changed = Tally::Named(Kind::Document, Verb::Changed, document_id.clone());

        match decide(base.map(|b| b.name), Some(fingerprint(&mine.name)), Some(fingerprint(&theirs.name))) {
            Outcome::Same => {}
            Outcome::Mine(_) => self.mine_kept(changed.clone()),
            Outcome::Theirs(_) => {
                merged.name.clone_from(&theirs.name);
                self.theirs_taken(changed.clone());
            }
            Outcome::Conflict => {
                let (id, theirs_name) = (document_id.clone(), theirs.name.clone());
                self.conflict(
                    Item::DocumentName(document_id.clone()),
                    format!("name of document {name}"),
                    quoted(&mine.name),
                    quoted(&theirs.name),
                    (changed.clone(), changed.clone()),
                    fix(move |project| {
                        if let Some(document) = project.document_mut(&id) {
                            document.name = theirs_name;
                        }
                    }),
                );
            }
        }
        match decide(
            base.map(|b| b.direction),
            Some(fingerprint(&mine.direction)),
            Some(fingerprint(&theirs.direction)),
        ) {
            Outcome::Same => {}
            Outcome::Mine(_) => self.mine_kept(changed.clone()),
            Outcome::Theirs(_) => {
                merged.direction = theirs.direction;
                self.theirs_taken(changed.clone());
            }
            Outcome::Conflict => {
                let (id, theirs_direction) = (document_id.clone(), theirs.direction);
                self.conflict(
                    Item::DocumentDirection(document_id.clone()),
                    format!("text direction of document {name}"),
                    mine.direction.describe().to_owned(),
                    theirs.direction.describe().to_owned(),
                    (changed.clone(), changed.clone()),
                    fix(move |project| {
                        if let Some(document) = project.document_mut(&id) {
                            document.direction = theirs_direction;
                        }
                    }),
                );
            }
        }
        self.map_fields(
            base.map(|b| &b.metadata),
            &mine.metadata,
            &theirs.metadata,
            &mut merged.metadata,
            fingerprint,
            |v| quoted(v),
            |key| Item::Metadata { document: document_id.clone(), key: key.to_owned() },
            |key| format!("metadata \"{key}\" of document {name}"),
            |document| &mut document.metadata,
            &document_id,
        );
        self.map_fields(
            base.map(|b| &b.variables),
            &mine.variables,
            &theirs.variables,
            &mut merged.variables,
            value_fingerprint,
            describe::value,
            |key| Item::Variable { document: document_id.clone(), key: key.to_owned() },
            |key| format!("variable \"{key}\" of document {name}"),
            |document| &mut document.variables,
            &document_id,
        );
        self.map_fields(
            base.map(|b| &b.status),
            &mine.status,
            &theirs.status,
            &mut merged.status,
            fingerprint,
            |status| status.name().to_owned(),
            |annotator| Item::CodingStatus { document: document_id.clone(), annotator: annotator.to_owned() },
            |annotator| format!("coding status of \"{annotator}\" on document {name}"),
            |document| &mut document.status,
            &document_id,
        );

        let (mine_codebook, theirs_codebook) = (&self.mine.codebook, &self.theirs.codebook);
        let plan =
            self.plan(base.map(|b| &b.annotations), &mine.annotations, &theirs.annotations, &mut |merger, conflict| {
                let shown = conflict.mine.or(conflict.theirs).map(|a| describe::annotation_name(a, mine_codebook));
                let what = format!("annotation {} in document {name}", shown.unwrap_or_default());
                let mut mine_text =
                    conflict.mine.map_or_else(|| DELETED.to_owned(), |a| describe::annotation(a, mine_codebook));
                let mut theirs_text =
                    conflict.theirs.map_or_else(|| DELETED.to_owned(), |a| describe::annotation(a, theirs_codebook));
                match conflict.used_by {
                    Some(Side::Mine) => {
                        mine_text.push_str(" (unchanged, but a relation or memo you added or changed uses it)")
                    }
                    Some(Side::Theirs) => {
                        theirs_text.push_str(" (unchanged, but a relation or memo they added or changed uses it)")
                    }
                    None => {}
                }
                let (id, document) = (conflict.id, document_id.clone());
                let theirs_annotation = conflict.theirs.cloned();
                merger.conflict(
                    Item::Annotation { document: document_id.clone(), id },
                    what,
                    mine_text,
                    theirs_text,
                    keyed_tallies(&conflict),
                    fix(move |project| {
                        let Some(document) = project.document_mut(&document) else { return };
                        document.annotations.retain(|a| a.id != id);
                        if let Some(annotation) = theirs_annotation {
                            let at = document.annotation_insert_position(&annotation);
                            document.annotations.insert(at, annotation);
                        }
                    }),
                );
            });
        if plan.apply(&mut merged.annotations) {
            merged.annotations.sort_by_key(|a| a.sort_key());
        }

        let plan =
            self.plan(base.map(|b| &b.relations), &mine.relations, &theirs.relations, &mut |merger, conflict| {
                let (mine_text, theirs_text) = (
                    conflict
                        .mine
                        .map_or_else(|| DELETED.to_owned(), |r| describe::relation(r, Some(mine), mine_codebook)),
                    conflict
                        .theirs
                        .map_or_else(|| DELETED.to_owned(), |r| describe::relation(r, Some(theirs), theirs_codebook)),
                );
                let (id, document) = (conflict.id, document_id.clone());
                let theirs_relation = conflict.theirs.cloned();
                merger.conflict(
                    Item::Relation { document: document_id.clone(), id },
                    format!("relation in document {name}"),
                    mine_text,
                    theirs_text,
                    keyed_tallies(&conflict),
                    fix(move |project| {
                        let Some(document) = project.document_mut(&document) else { return };
                        document.relations.retain(|r| r.id != id);
                        if let Some(relation) = theirs_relation {
                            let at = document.relations.partition_point(|r| r.id < relation.id);
                            document.relations.insert(at, relation);
                        }
                    }),
                );
            });
        if plan.apply(&mut merged.relations) {
            merged.relations.sort_by_key(|r| r.id);
        }
        merged
    }

    /// Metadata or variables of a document, key by key.
    #[allow(clippy::too_many_arguments)]
    fn map_fields<V: Clone + Send + Sync + 'static>(
        &mut self,
        base: Option<&BTreeMap<String, u64>>,
        mine: &BTreeMap<String, V>,
        theirs: &BTreeMap<String, V>,
        merged: &mut BTreeMap<String, V>,
        fingerprint: impl Fn(&V) -> u64,
        text: impl Fn(&V) -> String,
        item: impl Fn(&str) -> Item,
        what: impl Fn(&str) -> String,
        field: fn(&mut Document) -> &mut BTreeMap<String, V>,
        document_id: &str,
    ) {
        let keys: std::collections::BTreeSet<&String> = mine.keys().chain(theirs.keys()).collect();
        let tally = Tally::Named(Kind::Document, Verb::Changed, document_id.to_owned());
        for key in keys {
            let (m, t) = (mine.get(key), theirs.get(key));
            let outcome = decide(base.and_then(|b| b.get(key).copied()), m.map(&fingerprint), t.map(&fingerprint));
            match outcome {
                Outcome::Same => {}
                Outcome::Mine(_) => self.mine_kept(tally.clone()),
                Outcome::Theirs(_) => {
                    match t {
                        Some(value) => merged.insert(key.clone(), value.clone()),
                        None => merged.remove(key),
                    };
                    self.theirs_taken(tally.clone());
                }
                Outcome::Conflict => {
                    let (document, key_owned, value) = (document_id.to_owned(), key.clone(), t.cloned());
                    let shown = |v: Option<&V>| v.map_or_else(|| DELETED.to_owned(), &text);
                    self.conflict(
                        item(key),
                        what(key),
                        shown(m),
                        shown(t),
                        (tally.clone(), tally.clone()),
                        fix(move |project| {
                            let Some(document) = project.document_mut(&document) else { return };
                            match value {
                                Some(value) => field(document).insert(key_owned, value),
                                None => field(document).remove(&key_owned),
                            };
                        }),
                    );
                }
            }
        }
    }

    /// Three-way by id over keyed items; conflicts go to `on_conflict`.
    fn plan<'i, T: Keyed>(
        &mut self,
        base: Option<&BaseIds>,
        mine: &'i [T],
        theirs: &'i [T],
        on_conflict: &mut dyn FnMut(&mut Self, KeyedConflict<'i, T>),
    ) -> Plan<'i, T> {
        let mut plan = Plan { remove: HashSet::new(), replace: HashMap::new(), add: Vec::new() };
        let (mine_ids, theirs_ids) = (by_id(mine), by_id(theirs));
        let (mut i, mut j) = (0, 0);
        let annotations = T::KIND == Kind::Annotation;
        while i < mine_ids.len() || j < theirs_ids.len() {
            let id = match (mine_ids.get(i), theirs_ids.get(j)) {
                (Some(m), Some(t)) => m.0.min(t.0),
                (Some(m), None) => m.0,
                (None, Some(t)) => t.0,
                (None, None) => break,
            };
            let m = mine_ids.get(i).filter(|(mid, _)| *mid == id).map(|&(_, at)| &mine[at]);
            let t = theirs_ids.get(j).filter(|(tid, _)| *tid == id).map(|&(_, at)| &theirs[at]);
            i += usize::from(m.is_some());
            j += usize::from(t.is_some());
            if let (Some(m), Some(t)) = (m, t)
                && m == t
            {
                // The same on both sides (most items): nothing to decide, nothing to hash.
                continue;
            }
            let b = base.and_then(|b| b.get(id));
            let conflict = |used_by| KeyedConflict { id, in_base: b.is_some(), mine: m, theirs: t, used_by };
            match decide(b, m.map(Keyed::fingerprint), t.map(Keyed::fingerprint)) {
                Outcome::Same => {
                    // The same change on both sides: keep the later modification time.
                    if let (Some(m), Some(t)) = (m, t)
                        && t.modified() > m.modified()
                    {
                        plan.replace.insert(id, t);
                    }
                }
                Outcome::Mine(Verb::Deleted) if annotations && self.uses_theirs.annotations.contains(&id) => {
                    on_conflict(self, conflict(Some(Side::Theirs)));
                }
                Outcome::Mine(verb) => self.mine_kept(Tally::Id(T::KIND, verb)),
                Outcome::Theirs(Verb::Deleted) if annotations && self.uses_mine.annotations.contains(&id) => {
                    on_conflict(self, conflict(Some(Side::Mine)));
                }
                Outcome::Theirs(verb) => {
                    match (verb, t) {
                        (Verb::Deleted, _) => {
                            plan.remove.insert(id);
                        }
                        (Verb::Added, Some(t)) => plan.add.push(t),
                        (_, Some(t)) => {
                            plan.replace.insert(id, t);
                        }
                        (_, None) => {}
                    }
                    self.theirs_taken(Tally::Id(T::KIND, verb));
                }
                Outcome::Conflict => on_conflict(self, conflict(None)),
            }
        }
        plan
    }

    fn memos(&mut self) {
        let (mine, theirs) = (self.mine, self.theirs);
        // Their memos about a document that got a new id follow it.
        let theirs_memos: Vec<Memo> = theirs
            .memos
            .iter()
            .map(|memo| {
                let mut memo = memo.clone();
                if let MemoTarget::Document(id) = &memo.target
                    && let Some(new_id) = self.renamed.get(id)
                {
                    memo.target = MemoTarget::Document(new_id.clone());
                }
                memo
            })
            .collect();
        let base = self.base.map(|b| &b.memos);
        let mut merged = mine.memos.clone();
        let plan = self.plan(base, &mine.memos, &theirs_memos, &mut |merger, conflict| {
            let shown = conflict.mine.or(conflict.theirs).map(|m| quoted(&m.title)).unwrap_or_default();
            let id = conflict.id;
            let theirs_memo = conflict.theirs.cloned();
            merger.conflict(
                Item::Memo(id),
                format!("memo {shown}"),
                conflict.mine.map_or_else(|| DELETED.to_owned(), describe::memo),
                conflict.theirs.map_or_else(|| DELETED.to_owned(), describe::memo),
                keyed_tallies(&conflict),
                fix(move |project| {
                    let at = project.memos.iter().position(|m| m.id == id);
                    match (at, theirs_memo) {
                        (Some(at), Some(memo)) => project.memos[at] = memo,
                        (Some(at), None) => {
                            project.memos.remove(at);
                        }
                        (None, Some(memo)) => project.memos.push(memo),
                        (None, None) => {}
                    }
                }),
            );
        });
        plan.apply(&mut merged);
        self.out.pending.memos = merged;

        // Where each annotation a memo is about lives, on either side.
        let targets: HashSet<ItemId> = mine
            .memos
            .iter()
            .chain(&theirs_memos)
            .filter_map(|m| match m.target {
                MemoTarget::Annotation(id) => Some(id),
                _ => None,
            })
            .collect();
        if !targets.is_empty() {
            let documents = mine.documents.iter().map(|d| (d, d.id.clone())).chain(
                theirs.documents.iter().map(|d| (d, self.renamed.get(&d.id).cloned().unwrap_or_else(|| d.id.clone()))),
            );
            for (document, id) in documents {
                for annotation in document.annotations.iter().filter(|a| targets.contains(&a.id)) {
                    self.out.homes.entry(annotation.id).or_insert_with(|| id.clone());
                }
            }
        }

        let titles: HashMap<String, String> =
            mine.memos.iter().chain(&theirs_memos).map(|m| (m.id.to_string(), quoted(&m.title))).collect();
        self.order(
            "memos",
            self.base.map(|b| b.memo_order.as_slice()),
            mine.memos.iter().map(|m| m.id.to_string()).collect(),
            theirs_memos.iter().map(|m| m.id.to_string()).collect(),
            |id| titles.get(id).cloned().unwrap_or_else(|| id.to_owned()),
        );
    }
}

fn keyed_tallies<T: Keyed>(conflict: &KeyedConflict<'_, T>) -> (Tally, Tally) {
    let side = |present: bool, used: bool| {
        if used { Tally::Nothing } else { Tally::Id(T::KIND, verb(conflict.in_base, present)) }
    };
    (
        side(conflict.mine.is_some(), conflict.used_by == Some(Side::Mine)),
        side(conflict.theirs.is_some(), conflict.used_by == Some(Side::Theirs)),
    )
}

/// One of the project's own fields, owned (for a fix applied later).
enum ProjectField {
    Name(String),
    Description(String),
    Instructions(String),
    Created(Timestamp),
    BlindCoding(bool),
}

/// Project field `i` ([`PROJECT_FIELDS`] order).
fn project_field(project: &Project, i: usize) -> ProjectField {
    match i {
        0 => ProjectField::Name(project.name.clone()),
        1 => ProjectField::Description(project.description.clone()),
        2 => ProjectField::Instructions(project.instructions.clone()),
        3 => ProjectField::Created(project.created),
        _ => ProjectField::BlindCoding(project.blind_coding),
    }
}

fn set_project_field(project: &mut Project, value: ProjectField) {
    match value {
        ProjectField::Name(name) => project.name = name,
        ProjectField::Description(description) => project.description = description,
        ProjectField::Instructions(instructions) => project.instructions = instructions,
        ProjectField::Created(created) => project.created = created,
        ProjectField::BlindCoding(on) => project.blind_coding = on,
    }
}

fn project_field_text(project: &Project, i: usize) -> String {
    match i {
        0 => quoted(&project.name),
        1 => quoted(&project.description),
        2 => quoted(&project.instructions),
        3 => project.created.to_rfc3339(),
        _ => (if project.blind_coding { "on" } else { "off" }).to_owned(),
    }
}
