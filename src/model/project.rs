//! The project: documents, annotations, relations, annotators, memos and the codebook.

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::bidi::TextDirection;
use super::codebook::{Codebook, Value};
use super::name::Name;
use super::shared_str::SharedStr;
use super::span_index::{Span, SpanIndex, insert_all, narrow, remove_all};
use super::text_index::TextIndex;

pub type Timestamp = DateTime<Utc>;

/// Current time, truncated to milliseconds (what the file stores).
pub fn now() -> Timestamp {
    Utc::now().trunc_subsecs(3)
}

/// Identifier of an annotation or relation: unique in a project, never reused, below 2^53 so it
/// survives JSON and JavaScript exports. Random rather than sequential, so that annotations made
/// in two copies of a project can be merged by id without colliding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub u64);

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Makes fresh [`ItemId`]s (splitmix64 over a seed).
#[derive(Clone, Debug)]
pub struct IdGenerator {
    state: u64,
}

impl IdGenerator {
    pub const MAX: u64 = (1 << 53) - 1;

    /// Deterministic sequence, for tests and generated samples.
    pub fn seeded(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Seeded from the clock and process id.
    pub fn from_entropy() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Self::seeded(nanos ^ (u64::from(std::process::id()) << 32))
    }

    pub fn next_id(&mut self) -> ItemId {
        loop {
            self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let id = z & Self::MAX;
            if id != 0 {
                return ItemId(id);
            }
        }
    }
}

/// A contiguous piece of an annotation: half-open code point range plus the text it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fragment {
    pub start: usize,
    pub end: usize,
    /// Exactly the document text at `start..end`, stored so a file can be checked and read alone;
    /// in memory a piece of the document's text, not a copy ([`SharedStr`]).
    pub text: SharedStr,
}

/// A tagged span: one or more fragments (discontinuous spans) with a label.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: ItemId,
    /// Id of a label in the codebook.
    pub label: Name,
    pub fragments: Vec<Fragment>,
    /// Id of the annotator who made it.
    pub annotator: Name,
    pub created: Timestamp,
    pub modified: Timestamp,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Value>,
}

impl Span for Annotation {
    fn start(&self) -> usize {
        Annotation::start(self)
    }

    fn end(&self) -> usize {
        Annotation::end(self)
    }

    fn overlaps(&self, range: &std::ops::Range<usize>) -> bool {
        self.fragments.iter().any(|f| f.start < range.end && f.end > range.start)
    }
}

impl Annotation {
    /// A new annotation made at `time` (created = modified), without note or attributes.
    pub fn new(
        id: ItemId,
        label: impl Into<Name>,
        fragments: Vec<Fragment>,
        annotator: impl Into<Name>,
        time: Timestamp,
    ) -> Self {
        Self {
            id,
            label: label.into(),
            fragments,
            annotator: annotator.into(),
            created: time,
            modified: time,
            note: String::new(),
            attributes: BTreeMap::new(),
        }
    }

    /// First code point covered.
    pub fn start(&self) -> usize {
        self.fragments.first().map_or(0, |f| f.start)
    }

    /// One past the last code point covered.
    pub fn end(&self) -> usize {
        self.fragments.last().map_or(0, |f| f.end)
    }

    /// The covered text; fragments joined with " … ".
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.fragments.iter().map(|f| f.text.as_str()).collect();
        parts.join(" … ")
    }

    /// Whether the code point `offset` is inside one of the fragments.
    pub fn covers(&self, offset: usize) -> bool {
        self.fragments.iter().any(|f| f.start <= offset && offset < f.end)
    }

    /// Canonical order in a document: by position, then id.
    pub fn sort_key(&self) -> (usize, usize, ItemId) {
        (self.start(), self.end(), self.id)
    }
}

/// A typed, usually directed link between two annotations of the same document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub id: ItemId,
    /// Id of a relation type in the codebook.
    pub kind: Name,
    pub from: ItemId,
    pub to: ItemId,
    pub annotator: Name,
    pub created: Timestamp,
    pub modified: Timestamp,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A text being annotated. Its text never changes after import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable identifier (`"d1"`), unique in the project.
    pub id: String,
    /// Display name, usually the imported file's name.
    pub name: String,
    /// Free metadata from import: title, author, date, source…
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Values of the codebook's document fields.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, Value>,
    /// What each coder said about their work on this document (annotator id -> status). A coder
    /// without an entry is "not started" or, with annotations, "in progress" ([`Document::coder_status`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub status: BTreeMap<String, CodingStatus>,
    /// Which way the paragraphs run: from each paragraph's first strong letter (`Auto`, not
    /// written), or forced `Ltr` / `Rtl` (docs/SCRIPTS.md).
    #[serde(default, skip_serializing_if = "TextDirection::is_auto")]
    pub direction: TextDirection,
    /// Hex SHA-256 of the UTF-8 text, to match documents across coders' files.
    pub sha256: String,
    /// Shared with the fragments' texts, which are pieces of it ([`SharedStr`]).
    pub text: SharedStr,
    /// In the canonical order (start, end, id). Boxed: adding or removing one near the top of
    /// 200,000 then moves 8 bytes per later annotation instead of the whole annotation (152
    /// bytes; a 30 MB `memmove`, most of an edit's cost before), and the list grows by copying
    /// pointers. The file format is the same.
    #[serde(default)]
    pub annotations: Vec<Box<Annotation>>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    #[serde(skip)]
    index: Option<TextIndex>,
    /// Bumped on every change to `annotations` or `relations`, so views can cache derived data.
    #[serde(skip)]
    revision: Revision,
    /// The text's SHA-256 was computed and matched `sha256` (for this text length).
    #[serde(skip)]
    hash_verified: HashVerified,
    /// The span index and label counts, for a revision.
    #[serde(skip)]
    derived: Derived,
}

/// Data derived from a document's annotations (the span index, the count per label), kept for
/// the revision it was computed at and updated in place by the edits that add, remove or change
/// one annotation or a relation, so that one edit in a document of 200,000 annotations does not
/// recompute them (BENCHMARKS.md, "create one annotation"). Anything else that changes the
/// annotations and calls [`Document::touch`] makes them be computed afresh when next asked for.
/// Runtime state: it never makes two documents unequal.
#[derive(Debug, Default)]
pub struct Derived(std::sync::Mutex<DerivedState>);

#[derive(Clone, Debug, Default)]
struct DerivedState {
    /// The revision the data is for; `None`: not computed yet.
    revision: Option<u64>,
    /// How many annotations and relations there were: a list changed without [`Document::touch`]
    /// (a copy filtered for a comparison) is noticed, and the data computed afresh.
    lens: (usize, usize),
    spans: SpanIndex,
    /// Annotations per label id, in order of first use; no zero counts.
    labels: Vec<(String, usize)>,
    /// Each annotation's place in the canonical order (its sort key) by id: finding an
    /// annotation by id, or checking that a new id is free, must not walk them all.
    /// Offsets narrowed to 4 bytes each ([`narrow`]): 2 MB less for 200,000 annotations.
    keys: std::collections::HashMap<ItemId, (u32, u32)>,
    /// The ids of the relations from or to each annotation (drawing the relations of the
    /// annotations on screen, deleting an annotation with its relations).
    relations: std::collections::HashMap<ItemId, Vec<ItemId>>,
    /// The relations' ids (checking that a new id is free).
    relation_ids: std::collections::HashSet<ItemId>,
    /// The relations are sorted by id (as the file keeps them): one is found by a binary search.
    relations_sorted: bool,
}

impl DerivedState {
    fn compute(annotations: &[Box<Annotation>], relations: &[Relation], revision: u64) -> Self {
        let mut state = Self {
            revision: Some(revision),
            lens: (annotations.len(), relations.len()),
            spans: SpanIndex::new(annotations),
            labels: Vec::new(),
            keys: annotations.iter().map(|a| (a.id, (narrow(a.start()), narrow(a.end())))).collect(),
            relations: std::collections::HashMap::new(),
            relation_ids: std::collections::HashSet::new(),
            relations_sorted: relations.is_sorted_by_key(|r| r.id),
        };
        for annotation in annotations {
            state.count(&annotation.label, 1);
        }
        for relation in relations {
            state.relation_added(relation);
        }
        state
    }

    /// Adds `delta` (±1) to a label's count. Annotations of one label mostly share the label's
    /// length, so lengths are compared first and most comparisons stop without the bytes.
    fn count(&mut self, label: &str, delta: isize) {
        match self.labels.iter().position(|(id, _)| id.len() == label.len() && id == label) {
            Some(at) => {
                let count = &mut self.labels[at].1;
                *count = count.saturating_add_signed(delta);
                if *count == 0 {
                    self.labels.remove(at);
                }
            }
            None if delta > 0 => self.labels.push((label.to_owned(), delta.unsigned_abs())),
            None => {}
        }
    }

    fn relation_added(&mut self, relation: &Relation) {
        self.relation_ids.insert(relation.id);
        self.relations.entry(relation.from).or_default().push(relation.id);
        if relation.to != relation.from {
            self.relations.entry(relation.to).or_default().push(relation.id);
        }
    }

    fn relation_removed(&mut self, relation: &Relation) {
        self.relation_ids.remove(&relation.id);
        for end in [relation.from, relation.to] {
            if let Some(ids) = self.relations.get_mut(&end) {
                ids.retain(|id| *id != relation.id);
                if ids.is_empty() {
                    self.relations.remove(&end);
                }
            }
        }
    }
}

impl Clone for Derived {
    fn clone(&self) -> Self {
        Self(std::sync::Mutex::new(self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()))
    }
}

impl PartialEq for Derived {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// Remembers that a document's hash was checked, for the length of text it was checked with.
/// Runtime state: it never makes two documents unequal.
#[derive(Debug, Default)]
pub struct HashVerified(std::sync::atomic::AtomicUsize);

impl Clone for HashVerified {
    fn clone(&self) -> Self {
        Self(std::sync::atomic::AtomicUsize::new(self.0.load(std::sync::atomic::Ordering::Relaxed)))
    }
}

impl PartialEq for HashVerified {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// A change counter that never makes two documents unequal (it is runtime state, not data).
#[derive(Clone, Copy, Debug, Default)]
pub struct Revision(pub u64);

impl PartialEq for Revision {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Document {
    pub fn new(id: impl Into<String>, name: impl Into<String>, text: String) -> Self {
        let mut doc = Self {
            id: id.into(),
            name: name.into(),
            metadata: BTreeMap::new(),
            variables: BTreeMap::new(),
            status: BTreeMap::new(),
            direction: TextDirection::Auto,
            sha256: sha256_hex(&text),
            text: text.into(),
            annotations: Vec::new(),
            relations: Vec::new(),
            index: None,
            revision: Revision::default(),
            hash_verified: HashVerified::default(),
            derived: Derived::default(),
        };
        doc.build_index();
        doc
    }

    /// A copy without the text and annotations (cheap), for writing the file around them.
    pub fn skeleton(&self) -> Document {
        Document {
            id: self.id.clone(),
            name: self.name.clone(),
            metadata: self.metadata.clone(),
            variables: self.variables.clone(),
            status: self.status.clone(),
            direction: self.direction,
            sha256: self.sha256.clone(),
            text: SharedStr::default(),
            annotations: Vec::new(),
            relations: self.relations.clone(),
            index: None,
            revision: Revision::default(),
            hash_verified: HashVerified::default(),
            derived: Derived::default(),
        }
    }

    /// Builds the offset index; called after load (the index is not stored). Annotations a file
    /// lists out of the canonical order (edited by hand or by a script) are put in order, which
    /// the span index and finding by id rely on; so are relations (by id).
    pub fn build_index(&mut self) {
        self.build_index_with(TextIndex::new(&self.text));
        self.share_fragment_texts();
    }

    /// [`Document::build_index`] with the offset index already built for this text, by the file
    /// reader, which also made the fragment texts pieces of the document's as it read them (so
    /// they are not looked through a second time here).
    pub fn build_index_with(&mut self, index: TextIndex) {
        debug_assert_eq!(index.byte_len(), self.text.len(), "an index of another text");
        self.index = Some(index);
        if !self.annotations.is_sorted_by_key(|a| a.sort_key()) {
            self.annotations.sort_by_key(|a| a.sort_key());
            self.touch();
        }
        if !self.relations.is_sorted_by_key(|r| r.id) {
            self.relations.sort_by_key(|r| r.id);
            self.touch();
        }
    }

    pub fn index(&self) -> &TextIndex {
        self.index.as_ref().expect("Document::build_index was called after construction/load")
    }

    pub fn char_len(&self) -> usize {
        self.index().char_len()
    }

    /// Text of a code point range, or `None` if it is out of range.
    pub fn slice(&self, chars: std::ops::Range<usize>) -> Option<&str> {
        self.index().slice(&self.text, chars)
    }

    /// A fragment for a code point range, with its text (a piece of the document's, not a copy).
    pub fn fragment(&self, chars: std::ops::Range<usize>) -> Option<Fragment> {
        let bytes = self.index().byte_range(&self.text, chars.clone())?;
        let text = self.text.slice(bytes)?;
        Some(Fragment { start: chars.start, end: chars.end, text })
    }

    /// Makes each fragment text that equals the document's text at its place a piece of it
    /// instead of a copy (after a file was read by `ron`, or annotations imported); texts that
    /// differ stay as they are, for validation to report.
    fn share_fragment_texts(&mut self) {
        let Some(index) = &self.index else { return };
        for annotation in &mut self.annotations {
            for fragment in &mut annotation.fragments {
                if fragment.text.shares_source_with(&self.text) {
                    continue;
                }
                let Some(bytes) = index.byte_range(&self.text, fragment.start..fragment.end) else { continue };
                if self.text.get(bytes.clone()) == Some(fragment.text.as_str())
                    && let Some(shared) = self.text.slice(bytes)
                {
                    fragment.text = shared;
                }
            }
        }
    }

    /// Whether `sha256` was already checked against this text.
    pub fn hash_verified(&self) -> bool {
        // Stores the text length + 1 (0 = never checked), so a changed text is checked again.
        self.hash_verified.0.load(std::sync::atomic::Ordering::Relaxed) == self.text.len() + 1
    }

    /// Records that `sha256` matches the current text.
    pub fn mark_hash_verified(&self) {
        self.hash_verified.0.store(self.text.len() + 1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Changes whenever annotations or relations change.
    pub fn revision(&self) -> u64 {
        self.revision.0
    }

    /// Records that annotations or relations changed (called by `edit::apply`).
    pub fn touch(&mut self) {
        self.revision.0 = self.revision.0.wrapping_add(1);
    }

    /// The derived data, computed afresh if it is not for the current revision.
    fn derived(&self) -> std::sync::MutexGuard<'_, DerivedState> {
        let mut state = self.derived.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.revision != Some(self.revision.0) || state.lens != (self.annotations.len(), self.relations.len()) {
            *state = DerivedState::compute(&self.annotations, &self.relations, self.revision.0);
        }
        state
    }

    /// Annotations with a fragment overlapping `range` (code points), in document order.
    pub fn overlapping(&self, range: std::ops::Range<usize>) -> Vec<&Annotation> {
        let state = self.derived();
        state.spans.overlapping(&self.annotations, range).into_iter().map(|a| &**a).collect()
    }

    /// Whether an annotation or relation of this document has this id.
    pub fn uses_id(&self, id: ItemId) -> bool {
        let state = self.derived();
        state.keys.contains_key(&id) || state.relation_ids.contains(&id)
    }

    /// The number of annotations per label id, in order of first use (labels without any are
    /// left out).
    pub fn label_counts(&self) -> Vec<(String, usize)> {
        self.derived().labels.clone()
    }

    /// Bumps the revision after a change, and runs `update` on the derived data if it was up to
    /// date (then it is up to date for the new revision too). `lens` are the numbers of
    /// annotations and relations before the change.
    fn touch_updating(&mut self, lens: (usize, usize), update: impl FnOnce(&mut DerivedState)) {
        let before = self.revision.0;
        self.touch();
        let after = (self.annotations.len(), self.relations.len());
        let state = self.derived.0.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.revision == Some(before) && state.lens == lens {
            update(state);
            state.revision = Some(self.revision.0);
            state.lens = after;
        }
    }

    fn lens(&self) -> (usize, usize) {
        (self.annotations.len(), self.relations.len())
    }

    /// Inserts an annotation at its place in the canonical order, keeping the derived data up
    /// to date (for `edit::apply`). Returns where it went.
    pub(crate) fn insert_annotation(&mut self, annotation: Annotation) -> usize {
        let lens = self.lens();
        let at = self.annotation_insert_position(&annotation);
        let (label, key) = (annotation.label.clone(), annotation.sort_key());
        self.annotations.insert(at, Box::new(annotation));
        self.touch_updating(lens, |state| {
            state.spans.inserted(at, key.0, key.1);
            state.count(&label, 1);
            state.keys.insert(key.2, (narrow(key.0), narrow(key.1)));
        });
        at
    }

    /// Inserts many annotations at their places in the canonical order in one pass over the
    /// annotations (O(n + k log k) for k annotations into n, where one by one would move the
    /// annotations after each place k times), keeping the derived data up to date.
    pub(crate) fn insert_annotations(&mut self, mut annotations: Vec<Annotation>) {
        if annotations.is_empty() {
            return;
        }
        let lens = self.lens();
        annotations.sort_by_key(Annotation::sort_key);
        let mut keyed = Vec::with_capacity(annotations.len());
        let mut inserts = Vec::with_capacity(annotations.len());
        for annotation in annotations {
            let at = self.annotation_insert_position(&annotation);
            keyed.push((at, annotation.sort_key(), annotation.label.clone()));
            inserts.push((at, Box::new(annotation)));
        }
        insert_all(&mut self.annotations, inserts);
        self.touch_updating(lens, |state| {
            let inserts: Vec<(usize, usize, usize)> = keyed.iter().map(|(at, key, _)| (*at, key.0, key.1)).collect();
            state.spans.inserted_many(&inserts);
            for (_, (start, end, id), label) in &keyed {
                state.count(label, 1);
                state.keys.insert(*id, (narrow(*start), narrow(*end)));
            }
        });
    }

    /// Removes the annotation at `at`, keeping the derived data up to date (for `edit::apply`).
    pub(crate) fn remove_annotation_at(&mut self, at: usize) -> Annotation {
        let lens = self.lens();
        let annotation = *self.annotations.remove(at);
        self.touch_updating(lens, |state| {
            state.spans.removed(at);
            state.count(&annotation.label, -1);
            state.keys.remove(&annotation.id);
        });
        annotation
    }

    /// Removes the annotations with these ids in one pass over the annotations, keeping the
    /// derived data up to date, and returns them in the order of `ids`. Nothing is removed
    /// when one of them is not here (or named twice): that id is the error.
    pub(crate) fn remove_annotations(&mut self, ids: &[ItemId]) -> Result<Vec<Annotation>, ItemId> {
        let lens = self.lens();
        let mut positions = Vec::with_capacity(ids.len());
        for id in ids {
            positions.push((self.annotation_position(*id).ok_or(*id)?, *id));
        }
        positions.sort_unstable();
        if let Some(pair) = positions.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err(pair[1].1);
        }
        let at: Vec<usize> = positions.iter().map(|(at, _)| *at).collect();
        let removed = remove_all(&mut self.annotations, &at);
        self.touch_updating(lens, |state| {
            state.spans.removed_many(&at);
            for annotation in &removed {
                state.count(&annotation.label, -1);
                state.keys.remove(&annotation.id);
            }
        });
        // In the order asked for.
        let mut by_id: std::collections::HashMap<ItemId, Annotation> =
            removed.into_iter().map(|a| (a.id, *a)).collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// Replaces the annotation with the same id, in place when its place in the canonical order
    /// stays (a new label, note or attribute), keeping the derived data up to date. Returns the
    /// replaced annotation, or `None` (and changes nothing) when there is none with that id.
    pub(crate) fn replace_annotation(&mut self, annotation: Annotation) -> Option<Annotation> {
        let at = self.annotation_position(annotation.id)?;
        if self.annotations[at].sort_key() != annotation.sort_key() {
            let old = self.remove_annotation_at(at);
            self.insert_annotation(annotation);
            return Some(old);
        }
        let lens = self.lens();
        let label = annotation.label.clone();
        let old = *std::mem::replace(&mut self.annotations[at], Box::new(annotation));
        self.touch_updating(lens, |state| {
            if old.label != label {
                state.count(&old.label, -1);
                state.count(&label, 1);
            }
        });
        Some(old)
    }

    /// Inserts a relation at its place (by id), keeping the derived data up to date.
    pub(crate) fn insert_relation(&mut self, relation: Relation) {
        let lens = self.lens();
        let at = self.relations.partition_point(|r| r.id < relation.id);
        self.relations.insert(at, relation.clone());
        self.touch_updating(lens, |state| state.relation_added(&relation));
    }

    /// Removes the relation with this id, keeping the derived data up to date.
    pub(crate) fn remove_relation(&mut self, id: ItemId) -> Option<Relation> {
        let at = self.relation_position(id)?;
        let lens = self.lens();
        let relation = self.relations.remove(at);
        self.touch_updating(lens, |state| state.relation_removed(&relation));
        Some(relation)
    }

    /// Replaces the relation with the same id, keeping the derived data up to date; returns the
    /// replaced one, or `None` (and changes nothing) when there is none with that id.
    pub(crate) fn replace_relation(&mut self, relation: Relation) -> Option<Relation> {
        let at = self.relation_position(relation.id)?;
        let lens = self.lens();
        let old = std::mem::replace(&mut self.relations[at], relation.clone());
        self.touch_updating(lens, |state| {
            state.relation_removed(&old);
            state.relation_added(&relation);
        });
        Some(old)
    }

    /// The relations from or to an annotation, by id (looked up, not searched for).
    pub fn relations_of(&self, annotation: ItemId) -> Vec<&Relation> {
        let ids = self.derived().relations.get(&annotation).cloned().unwrap_or_default();
        let mut relations: Vec<&Relation> = ids.into_iter().filter_map(|id| self.relation(id)).collect();
        relations.sort_by_key(|r| r.id);
        relations
    }

    /// Whether the derived data, if up to date, equals what computing it afresh gives (for
    /// tests of the edits that update it in place).
    pub fn derived_is_consistent(&self) -> bool {
        let state = self.derived.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.revision != Some(self.revision.0) {
            return true;
        }
        let fresh = DerivedState::compute(&self.annotations, &self.relations, self.revision.0);
        let sorted = |labels: &[(String, usize)]| {
            let mut labels = labels.to_vec();
            labels.sort();
            labels
        };
        let relations = |state: &DerivedState| {
            let mut all: Vec<(ItemId, ItemId)> =
                state.relations.iter().flat_map(|(a, ids)| ids.iter().map(|id| (*a, *id))).collect();
            all.sort();
            all
        };
        state.lens == fresh.lens
            && state.spans == fresh.spans
            && sorted(&state.labels) == sorted(&fresh.labels)
            && state.keys == fresh.keys
            && relations(&state) == relations(&fresh)
            && state.relation_ids == fresh.relation_ids
            && state.relations_sorted == fresh.relations_sorted
    }

    /// Gives the document a revision above `floor` (after the whole project was replaced, so that
    /// nothing cached for the replaced documents' revisions is taken for this one).
    pub fn touch_past(&mut self, floor: u64) {
        self.revision.0 = self.revision.0.max(floor).wrapping_add(1);
    }

    /// The annotation with this id: found by its place in the canonical order (a binary search),
    /// not by walking the annotations.
    pub fn annotation(&self, annotation_id: ItemId) -> Option<&Annotation> {
        self.annotation_position(annotation_id).map(|at| &*self.annotations[at])
    }

    /// Where the annotation with this id is in `annotations`: found by its place in the
    /// canonical order (a binary search), not by walking the annotations.
    pub fn annotation_position(&self, annotation_id: ItemId) -> Option<usize> {
        let (at, key) = {
            let state = self.derived();
            let (start, end) = *state.keys.get(&annotation_id)?;
            (state.spans.starting_at(start as usize), (start, end, annotation_id))
        };
        // Among the few starting where it starts.
        let found = self
            .annotations
            .get(at.clone())
            .and_then(|same| same.iter().position(|a| (narrow(a.start()), narrow(a.end()), a.id) == key));
        // Edits keep the order; a list put out of order by other means is still searched.
        found.map(|i| at.start + i).or_else(|| self.annotations.iter().position(|a| a.id == annotation_id))
    }

    pub fn relation(&self, relation_id: ItemId) -> Option<&Relation> {
        self.relation_position(relation_id).map(|at| &self.relations[at])
    }

    /// Where the relation with this id is in `relations`: a binary search, as they are kept
    /// sorted by id (a list out of order, edited by hand, is walked).
    fn relation_position(&self, relation_id: ItemId) -> Option<usize> {
        let sorted = self.derived().relations_sorted;
        if sorted {
            self.relations.binary_search_by_key(&relation_id, |r| r.id).ok()
        } else {
            self.relations.iter().position(|r| r.id == relation_id)
        }
    }

    /// Where an annotation belongs in the canonical order.
    pub(crate) fn annotation_insert_position(&self, annotation: &Annotation) -> usize {
        let key = annotation.sort_key();
        // The annotations starting where it starts (a search over the compact starts), then its
        // place among them.
        let same = self.derived().spans.starting_at(key.0);
        match self.annotations.get(same.clone()) {
            Some(same_start) => same.start + same_start.partition_point(|a| a.sort_key() < key),
            None => self.annotations.partition_point(|a| a.sort_key() < key),
        }
    }

    /// Where `annotator` stands with this document: what they said, else "in progress" when they
    /// have an annotation or relation here, else "not started".
    pub fn coder_status(&self, annotator: &str) -> CodingStatus {
        match self.status.get(annotator) {
            Some(status) => *status,
            None if self.annotations.iter().any(|a| a.annotator == annotator)
                || self.relations.iter().any(|r| r.annotator == annotator) =>
            {
                CodingStatus::InProgress
            }
            None => CodingStatus::NotStarted,
        }
    }

    /// Title for display: metadata title, else the name.
    pub fn title(&self) -> &str {
        self.metadata.get("title").map_or(self.name.as_str(), String::as_str)
    }
}

pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A coder's progress on a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CodingStatus {
    NotStarted,
    InProgress,
    /// The coder said so: with blind coding on, others' layers show to them from then on.
    Done,
}

impl CodingStatus {
    /// "not started", "in progress", "done".
    pub fn name(self) -> &'static str {
        match self {
            CodingStatus::NotStarted => "not started",
            CodingStatus::InProgress => "in progress",
            CodingStatus::Done => "done",
        }
    }
}

/// Someone who annotates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Annotator {
    /// Stable id (`"alice"`), referenced by annotations.
    pub id: String,
    pub name: String,
}

/// What a memo is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MemoTarget {
    Project,
    Document(String),
    Label(String),
    Annotation(ItemId),
}

/// A researcher's note: analytic memos for content analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Memo {
    pub id: ItemId,
    pub target: MemoTarget,
    pub title: String,
    pub text: String,
    pub author: String,
    pub created: Timestamp,
    pub modified: Timestamp,
}

/// Everything a project file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// What a student is asked to do (an assignment handed out by an instructor); shown when the
    /// file is opened. Empty for an ordinary project (and then not written).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instructions: String,
    pub created: Timestamp,
    /// Blind coding: a coder sees only their own layer on a document until they mark it done.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blind_coding: bool,
    pub codebook: Codebook,
    #[serde(default)]
    pub annotators: Vec<Annotator>,
    #[serde(default)]
    pub documents: Vec<Document>,
    #[serde(default)]
    pub memos: Vec<Memo>,
}

impl Project {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: String::new(),
            instructions: String::new(),
            created: now(),
            blind_coding: false,
            codebook: Codebook::default_news(),
            annotators: Vec::new(),
            documents: Vec::new(),
            memos: Vec::new(),
        }
    }

    pub fn document(&self, document_id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == document_id)
    }

    pub fn document_mut(&mut self, document_id: &str) -> Option<&mut Document> {
        self.documents.iter_mut().find(|d| d.id == document_id)
    }

    pub fn annotator(&self, annotator_id: &str) -> Option<&Annotator> {
        self.annotators.iter().find(|a| a.id == annotator_id)
    }

    /// A document id not used yet (`d1`, `d2`, …).
    pub fn fresh_document_id(&self) -> String {
        (1..).map(|n| format!("d{n}")).find(|id| self.document(id).is_none()).unwrap_or_default()
    }

    /// Whether an annotation, relation or memo already uses this id.
    pub fn id_in_use(&self, id: ItemId) -> bool {
        self.documents.iter().any(|d| d.uses_id(id)) || self.memos.iter().any(|m| m.id == id)
    }

    /// Builds the offset indexes of all documents (after deserializing).
    pub fn build_indexes(&mut self) {
        for doc in &mut self.documents {
            doc.build_index();
        }
    }

    /// Whether `viewer` may see `coder`'s layer on `document`: always their own, and with blind
    /// coding others' only once the viewer marked the document done.
    pub fn layer_revealed(&self, document: &Document, viewer: &str, coder: &str) -> bool {
        !self.blind_coding || coder == viewer || document.status.get(viewer) == Some(&CodingStatus::Done)
    }

    /// Number of annotations in all documents.
    pub fn annotation_count(&self) -> usize {
        self.documents.iter().map(|d| d.annotations.len()).sum()
    }
}

/// Turns a display name into an id: lowercase ASCII letters, digits and `-`.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    for ch in name.trim().chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() { "annotator".to_owned() } else { slug }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_json_safe() {
        let mut ids = IdGenerator::seeded(7);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let id = ids.next_id();
            assert!(id.0 > 0 && id.0 <= IdGenerator::MAX);
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Ana María López"), "ana-mar-a-l-pez");
        assert_eq!(slug("  Bob  "), "bob");
        assert_eq!(slug("محمد"), "annotator");
    }

    #[test]
    fn fragment_text_follows_code_points() {
        let doc = Document::new("d1", "t", "Müller said 🎉 شبکه".to_owned());
        assert_eq!(doc.fragment(0..6).unwrap().text, "Müller");
        assert_eq!(doc.fragment(12..13).unwrap().text, "🎉");
        assert_eq!(doc.fragment(14..18).unwrap().text, "شبکه");
        assert!(doc.fragment(14..19).is_none());
    }
}
