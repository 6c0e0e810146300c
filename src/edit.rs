//! Every change to a project is an [`Edit`] value. [`apply`] performs it and returns its inverse,
//! which gives undo/redo, dirty tracking and the autosave journal one shared path.

use serde::{Deserialize, Serialize};

use crate::model::codebook_editing::{self, CodebookChange, LabelDeletion};
use crate::model::{
    Annotation, Annotator, Codebook, CodingStatus, Document, ItemId, Location, Memo, MemoTarget, Name, Project,
    Relation, Value, validate,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    AddAnnotation {
        document: String,
        annotation: Annotation,
    },
    RemoveAnnotation {
        document: String,
        id: ItemId,
    },
    /// Replaces the annotation with the same id (label, fragments, note, attributes…).
    UpdateAnnotation {
        document: String,
        annotation: Annotation,
    },
    AddRelation {
        document: String,
        relation: Relation,
    },
    RemoveRelation {
        document: String,
        id: ItemId,
    },
    UpdateRelation {
        document: String,
        relation: Relation,
    },
    /// Inserts a document at `index` (clamped to the list).
    AddDocument {
        index: usize,
        document: Box<Document>,
    },
    RemoveDocument {
        id: String,
    },
    AddAnnotator(Annotator),
    RemoveAnnotator {
        id: String,
    },
    /// Replaces the codebook (labels, relation types, attributes, document fields, the lock).
    /// Refused if an annotation, relation or memo would be left without what it refers to, and,
    /// while the codebook is locked, for anything but unlocking it. Memos about a label that
    /// goes go along (and come back on undo).
    SetCodebook(Box<Codebook>),
    /// Sets (`Some`) or clears (`None`) a document variable (a codebook document field).
    SetDocumentVariable {
        document: String,
        field: String,
        value: Option<Value>,
    },
    /// Sets which way a document's paragraphs run (auto, left to right, right to left).
    SetDocumentDirection {
        document: String,
        direction: crate::model::bidi::TextDirection,
    },
    AddMemo(Memo),
    /// Sets (`Some`) or clears (`None`, back to what the annotations say) a coder's status on a
    /// document: not started, in progress, done.
    SetCodingStatus {
        document: String,
        annotator: String,
        status: Option<CodingStatus>,
    },
    /// Turns blind coding on or off (a coder sees only their own layer until they mark done).
    SetBlindCoding(bool),
    RemoveMemo {
        id: ItemId,
    },
    /// Replaces the memo with the same id (title, text, target).
    UpdateMemo(Memo),
    /// Several edits as one undo step, applied in order.
    Batch(Vec<Edit>),
    /// The whole project replaced by another version of it (a merge with the file on disk); the
    /// inverse puts the replaced version back.
    ReplaceProject(Box<Project>),
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EditError {
    #[error("no document \"{0}\"")]
    NoDocument(String),
    #[error("no annotation {0} in this document")]
    NoAnnotation(ItemId),
    #[error("no relation {0} in this document")]
    NoRelation(ItemId),
    #[error("id {0} is already in use")]
    DuplicateId(ItemId),
    #[error("a document with id \"{0}\" already exists")]
    DuplicateDocument(String),
    #[error("unknown label \"{0}\"")]
    UnknownLabel(String),
    #[error("unknown relation type \"{0}\"")]
    UnknownRelationType(String),
    #[error("annotation has no fragments")]
    NoFragments,
    #[error("span {start}..{end} is invalid: {reason}")]
    BadSpan { start: usize, end: usize, reason: String },
    #[error("{0}")]
    RelationLabels(String),
    #[error("annotator \"{0}\" already exists")]
    DuplicateAnnotator(String),
    #[error("no annotator \"{0}\"")]
    NoAnnotator(String),
    #[error("annotator \"{0}\" still has annotations, relations or a coding status")]
    AnnotatorInUse(String),
    #[error("it was modified ({modified}) before it was created ({created})")]
    ModifiedBeforeCreated { created: String, modified: String },
    #[error("cannot add the document \"{document}\": {problem}")]
    InvalidDocument { document: String, problem: String },
    #[error("the project would not be valid: {0}")]
    InvalidProject(String),
    #[error("the codebook is locked: unlock it first (Codebook → Locked)")]
    CodebookLocked,
    #[error("the codebook cannot change so: {0}")]
    InvalidCodebook(String),
    #[error("no document field \"{0}\" in the codebook")]
    NoDocumentField(String),
    #[error("\"{value}\" is not a value of {name} (a {kind})")]
    BadValue { name: String, kind: String, value: String },
    #[error("no memo {0}")]
    NoMemo(ItemId),
    #[error("the memo is about {0}, which does not exist")]
    MemoTarget(String),
}

impl Edit {
    /// A short description for the Undo/Redo menu ("Undo add Claim").
    pub fn describe(&self) -> String {
        match self {
            Edit::AddAnnotation { annotation, .. } => format!("add {}", annotation.label),
            Edit::RemoveAnnotation { .. } => "delete annotation".into(),
            Edit::UpdateAnnotation { .. } => "change annotation".into(),
            Edit::AddRelation { .. } => "add relation".into(),
            Edit::RemoveRelation { .. } => "delete relation".into(),
            Edit::UpdateRelation { .. } => "change relation".into(),
            Edit::AddDocument { document, .. } => format!("add document {}", document.name),
            Edit::RemoveDocument { .. } => "remove document".into(),
            Edit::AddAnnotator(a) => format!("add annotator {}", a.name),
            Edit::RemoveAnnotator { .. } => "remove annotator".into(),
            Edit::SetCodebook(_) => "change codebook".into(),
            Edit::SetDocumentVariable { .. } => "set document variable".into(),
            Edit::SetDocumentDirection { direction, .. } => format!("set text direction to {}", direction.describe()),
            Edit::AddMemo(_) => "add memo".into(),
            Edit::SetCodingStatus { status: Some(status), .. } => format!("mark {}", status.name()),
            Edit::SetCodingStatus { status: None, .. } => "clear coding status".into(),
            Edit::SetBlindCoding(on) => format!("turn blind coding {}", if *on { "on" } else { "off" }),
            Edit::RemoveMemo { .. } => "delete memo".into(),
            Edit::UpdateMemo(_) => "change memo".into(),
            Edit::ReplaceProject(_) => "merge".into(),
            Edit::Batch(edits) => {
                // An annotator added with their first annotation is bookkeeping, not the change.
                let mut main =
                    edits.iter().filter(|e| !matches!(e, Edit::AddAnnotator(_) | Edit::RemoveAnnotator { .. }));
                match (main.next(), main.next(), edits.first()) {
                    (Some(only), None, _) => only.describe(),
                    (None, None, Some(first)) if edits.len() == 1 => first.describe(),
                    _ => format!("{} changes", edits.len()),
                }
            }
        }
    }
}

fn doc_mut<'p>(project: &'p mut Project, id: &str) -> Result<&'p mut Document, EditError> {
    project.document_mut(id).ok_or_else(|| EditError::NoDocument(id.to_owned()))
}

/// Checks what `model::validate` checks of an annotation: known label and annotator, times in
/// order, fragments ordered, non-empty, in range and matching the text. An edit that passes
/// cannot make a valid project invalid (journals replayed after a crash are edits too, and may be
/// damaged).
fn check_annotation(project: &Project, doc: &Document, annotation: &Annotation) -> Result<(), EditError> {
    if project.codebook.label(&annotation.label).is_none() {
        return Err(EditError::UnknownLabel(annotation.label.to_string()));
    }
    if project.annotator(&annotation.annotator).is_none() {
        return Err(EditError::NoAnnotator(annotation.annotator.to_string()));
    }
    if annotation.modified < annotation.created {
        return Err(EditError::ModifiedBeforeCreated {
            created: annotation.created.to_rfc3339(),
            modified: annotation.modified.to_rfc3339(),
        });
    }
    if annotation.fragments.is_empty() {
        return Err(EditError::NoFragments);
    }
    let mut previous_end = 0;
    for (i, f) in annotation.fragments.iter().enumerate() {
        let bad = |reason: &str| EditError::BadSpan { start: f.start, end: f.end, reason: reason.to_owned() };
        if f.end <= f.start {
            return Err(bad("it is empty or reversed"));
        }
        if i > 0 && f.start < previous_end {
            return Err(bad("fragments overlap or are out of order"));
        }
        match doc.slice(f.start..f.end) {
            None => return Err(bad("it goes past the end of the text")),
            Some(text) if text != f.text => {
                return Err(bad("its text does not match the document"));
            }
            Some(_) => {}
        }
        previous_end = f.end;
    }
    Ok(())
}

/// Checks the attribute values an update sets or changes against their kinds in the codebook
/// (values already there, from an import, are left alone).
fn check_changed_attributes(
    project: &Project,
    old: Option<&Annotation>,
    annotation: &Annotation,
) -> Result<(), EditError> {
    for (id, value) in &annotation.attributes {
        if old.and_then(|o| o.attributes.get(id)) == Some(value) {
            continue;
        }
        if let Some(definition) = project.codebook.attribute(id)
            && !definition.kind.admits(value)
        {
            return Err(EditError::BadValue {
                name: definition.name.clone(),
                kind: definition.kind.name().to_owned(),
                value: value.display(),
            });
        }
    }
    Ok(())
}

/// Checks that a relation's ends exist and have labels its type allows.
fn check_relation(
    project: &Project,
    doc: &Document,
    relation: &Relation,
    replaced: Option<&Annotation>,
) -> Result<(), EditError> {
    let Some(relation_type) = project.codebook.relation_type(&relation.kind) else {
        return Err(EditError::UnknownRelationType(relation.kind.to_string()));
    };
    if project.annotator(&relation.annotator).is_none() {
        return Err(EditError::NoAnnotator(relation.annotator.to_string()));
    }
    for (end, allowed, role) in
        [(relation.from, &relation_type.from_labels, "source"), (relation.to, &relation_type.to_labels, "target")]
    {
        let annotation = match replaced {
            Some(a) if a.id == end => a,
            _ => doc.annotation(end).ok_or(EditError::NoAnnotation(end))?,
        };
        if !allowed.is_empty() && !allowed.iter().any(|l| *l == annotation.label) {
            let names: Vec<&str> =
                allowed.iter().map(|l| project.codebook.label(l).map_or(l.as_str(), |l| l.name.as_str())).collect();
            let label =
                project.codebook.label(&annotation.label).map_or(annotation.label.as_str(), |l| l.name.as_str());
            return Err(EditError::RelationLabels(format!(
                "a \"{}\" relation needs its {role} to be {}, not {label}",
                relation_type.name,
                names.join(" or ")
            )));
        }
    }
    if relation.from == relation.to {
        return Err(EditError::RelationLabels("a relation cannot link an annotation to itself".into()));
    }
    Ok(())
}

/// Checks a document about to be added exactly as a loaded file is checked (`model::validate`
/// against the project's codebook and annotators): its text against its hash, its annotations and
/// relations, ids unique within it. Ids shared with the rest of the project are checked by the
/// caller. The document is moved in and out of a scratch project, not copied.
fn check_document(project: &Project, document: Document) -> Result<Document, EditError> {
    let mut alone = Project {
        name: String::new(),
        description: String::new(),
        instructions: String::new(),
        created: project.created,
        blind_coding: false,
        codebook: project.codebook.clone(),
        annotators: project.annotators.clone(),
        documents: vec![document],
        memos: Vec::new(),
    };
    let problem = validate(&alone).into_iter().find(|p| {
        matches!(p.location, Location::Document(_) | Location::Annotation { .. } | Location::Relation { .. })
    });
    let document = alone.documents.pop().expect("the document just put there");
    match problem {
        None => Ok(document),
        Some(problem) => Err(EditError::InvalidDocument { document: document.id, problem: problem.to_string() }),
    }
}

/// Checks what a memo refers to exists.
fn check_memo_target(project: &Project, target: &MemoTarget) -> Result<(), EditError> {
    let exists = match target {
        MemoTarget::Project => true,
        MemoTarget::Document(id) => project.document(id).is_some(),
        MemoTarget::Label(id) => project.codebook.label(id).is_some(),
        MemoTarget::Annotation(id) => project.documents.iter().any(|d| d.annotation(*id).is_some()),
    };
    if exists { Ok(()) } else { Err(EditError::MemoTarget(describe_memo_target(target))) }
}

/// "annotation 123", "document \"d1\"", "the project".
pub fn describe_memo_target(target: &MemoTarget) -> String {
    match target {
        MemoTarget::Project => "the project".to_owned(),
        MemoTarget::Document(id) => format!("document \"{id}\""),
        MemoTarget::Label(id) => format!("label \"{id}\""),
        MemoTarget::Annotation(id) => format!("annotation {id}"),
    }
}

/// Takes the memos `about` selects out of the project, as edits that put them back.
fn take_memos(project: &mut Project, about: impl Fn(&MemoTarget) -> bool) -> Vec<Edit> {
    let (gone, kept): (Vec<Memo>, Vec<Memo>) =
        std::mem::take(&mut project.memos).into_iter().partition(|m| about(&m.target));
    project.memos = kept;
    gone.into_iter().map(Edit::AddMemo).collect()
}

/// `inverse`, followed by the edits that restore what went along with it, as one edit.
fn with_restored(inverse: Edit, restore: Vec<Edit>) -> Edit {
    if restore.is_empty() {
        inverse
    } else {
        let mut all = vec![inverse];
        all.extend(restore);
        Edit::Batch(all)
    }
}

/// Whether two codebooks differ in more than the lock.
fn differs_beyond_lock(a: &Codebook, b: &Codebook) -> bool {
    a.labels != b.labels
        || a.relation_types != b.relation_types
        || a.attributes != b.attributes
        || a.document_fields != b.document_fields
}

/// Replaces the codebook after checking that everything in the project still fits it.
fn set_codebook(project: &mut Project, codebook: Codebook) -> Result<Edit, EditError> {
    if project.codebook.locked && codebook.locked && differs_beyond_lock(&project.codebook, &codebook) {
        return Err(EditError::CodebookLocked);
    }
    // Memos about a removed label go along; with the new codebook in place, everything the
    // project refers to must still be there (the whole project is checked: codebook edits are rare).
    let restore = take_memos(project, |t| matches!(t, MemoTarget::Label(id) if codebook.label(id).is_none()));
    let old = std::mem::replace(&mut project.codebook, codebook);
    let problem = validate(project).into_iter().next();
    if let Some(problem) = problem {
        project.codebook = old;
        for edit in restore {
            if let Edit::AddMemo(memo) = edit {
                project.memos.push(memo);
            }
        }
        project.memos.sort_by_key(|m| m.id);
        return Err(EditError::InvalidCodebook(problem.to_string()));
    }
    Ok(with_restored(Edit::SetCodebook(Box::new(old)), restore))
}

/// Applies `edit` and returns the edit that undoes it. On error nothing has changed.
pub fn apply(project: &mut Project, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::AddAnnotation { document, annotation } => {
            if project.id_in_use(annotation.id) {
                return Err(EditError::DuplicateId(annotation.id));
            }
            let doc = project.document(&document).ok_or_else(|| EditError::NoDocument(document.clone()))?;
            check_annotation(project, doc, &annotation)?;
            let doc = doc_mut(project, &document)?;
            let id = annotation.id;
            doc.insert_annotation(annotation);
            Ok(Edit::RemoveAnnotation { document, id })
        }
        Edit::RemoveAnnotation { document, id } => {
            let doc = doc_mut(project, &document)?;
            let at = doc.annotation_position(id).ok_or(EditError::NoAnnotation(id))?;
            // Relations touching the annotation go with it, and come back on undo.
            let touching: Vec<ItemId> = doc.relations_of(id).iter().map(|r| r.id).collect();
            let mut undo = Vec::new();
            for relation in touching {
                if let Some(relation) = doc.remove_relation(relation) {
                    undo.push(Edit::AddRelation { document: document.clone(), relation });
                }
            }
            let annotation = doc.remove_annotation_at(at);
            // Memos about the annotation go with it too (a memo about nothing would make the
            // file invalid), and come back on undo after it.
            let memos = take_memos(project, |t| *t == MemoTarget::Annotation(id));
            undo.extend(memos);
            if undo.is_empty() {
                Ok(Edit::AddAnnotation { document, annotation })
            } else {
                undo.insert(0, Edit::AddAnnotation { document, annotation });
                Ok(Edit::Batch(undo))
            }
        }
        Edit::UpdateAnnotation { document, annotation } => {
            let doc = project.document(&document).ok_or_else(|| EditError::NoDocument(document.clone()))?;
            let id = annotation.id;
            let old = doc.annotation(id).ok_or(EditError::NoAnnotation(id))?;
            check_annotation(project, doc, &annotation)?;
            check_changed_attributes(project, Some(old), &annotation)?;
            for relation in doc.relations_of(id) {
                check_relation(project, doc, relation, Some(&annotation))?;
            }
            let doc = doc_mut(project, &document)?;
            let old = doc.replace_annotation(annotation).ok_or(EditError::NoAnnotation(id))?;
            Ok(Edit::UpdateAnnotation { document, annotation: old })
        }
        Edit::AddRelation { document, relation } => {
            if project.id_in_use(relation.id) {
                return Err(EditError::DuplicateId(relation.id));
            }
            let doc = project.document(&document).ok_or_else(|| EditError::NoDocument(document.clone()))?;
            check_relation(project, doc, &relation, None)?;
            let doc = doc_mut(project, &document)?;
            let id = relation.id;
            doc.insert_relation(relation);
            Ok(Edit::RemoveRelation { document, id })
        }
        Edit::RemoveRelation { document, id } => {
            let doc = doc_mut(project, &document)?;
            let relation = doc.remove_relation(id).ok_or(EditError::NoRelation(id))?;
            Ok(Edit::AddRelation { document, relation })
        }
        Edit::UpdateRelation { document, relation } => {
            let doc = project.document(&document).ok_or_else(|| EditError::NoDocument(document.clone()))?;
            check_relation(project, doc, &relation, None)?;
            let doc = doc_mut(project, &document)?;
            let id = relation.id;
            let old = doc.replace_relation(relation).ok_or(EditError::NoRelation(id))?;
            Ok(Edit::UpdateRelation { document, relation: old })
        }
        Edit::AddDocument { index, mut document } => {
            if project.document(&document.id).is_some() {
                return Err(EditError::DuplicateDocument(document.id.clone()));
            }
            if let Some(a) = document
                .annotations
                .iter()
                .map(|a| a.id)
                .chain(document.relations.iter().map(|r| r.id))
                .find(|id| project.id_in_use(*id))
            {
                return Err(EditError::DuplicateId(a));
            }
            document.build_index();
            let document = check_document(project, *document)?;
            let id = document.id.clone();
            let index = index.min(project.documents.len());
            project.documents.insert(index, document);
            Ok(Edit::RemoveDocument { id })
        }
        Edit::RemoveDocument { id } => {
            let index = project.documents.iter().position(|d| d.id == id).ok_or(EditError::NoDocument(id))?;
            let document = Box::new(project.documents.remove(index));
            // Memos about the document or its annotations go with it, and come back on undo.
            let annotations: std::collections::HashSet<ItemId> = document.annotations.iter().map(|a| a.id).collect();
            let memos = take_memos(project, |t| match t {
                MemoTarget::Document(d) => *d == document.id,
                MemoTarget::Annotation(a) => annotations.contains(a),
                _ => false,
            });
            Ok(with_restored(Edit::AddDocument { index, document }, memos))
        }
        Edit::AddAnnotator(annotator) => {
            if project.annotator(&annotator.id).is_some() {
                return Err(EditError::DuplicateAnnotator(annotator.id));
            }
            let id = annotator.id.clone();
            project.annotators.push(annotator);
            Ok(Edit::RemoveAnnotator { id })
        }
        Edit::RemoveAnnotator { id } => {
            let in_use = project.documents.iter().any(|d| {
                d.annotations.iter().any(|a| a.annotator == id)
                    || d.relations.iter().any(|r| r.annotator == id)
                    || d.status.contains_key(&id)
            });
            if in_use {
                return Err(EditError::AnnotatorInUse(id));
            }
            let at = project.annotators.iter().position(|a| a.id == id).ok_or(EditError::NoAnnotator(id))?;
            Ok(Edit::AddAnnotator(project.annotators.remove(at)))
        }
        Edit::SetCodebook(codebook) => set_codebook(project, *codebook),
        Edit::SetDocumentVariable { document, field, value } => {
            let definition =
                project.codebook.document_field(&field).ok_or_else(|| EditError::NoDocumentField(field.clone()))?;
            if let Some(value) = &value
                && !definition.kind.admits(value)
            {
                return Err(EditError::BadValue {
                    name: definition.name.clone(),
                    kind: definition.kind.name().to_owned(),
                    value: value.display(),
                });
            }
            let doc = doc_mut(project, &document)?;
            let old = match value {
                Some(value) => doc.variables.insert(field.clone(), value),
                None => doc.variables.remove(&field),
            };
            Ok(Edit::SetDocumentVariable { document, field, value: old })
        }
        Edit::SetCodingStatus { document, annotator, status } => {
            if status.is_some() && project.annotator(&annotator).is_none() {
                return Err(EditError::NoAnnotator(annotator));
            }
            let doc = doc_mut(project, &document)?;
            let old = match status {
                Some(status) => doc.status.insert(annotator.clone(), status),
                None => doc.status.remove(&annotator),
            };
            Ok(Edit::SetCodingStatus { document, annotator, status: old })
        }
        Edit::SetBlindCoding(on) => {
            let old = std::mem::replace(&mut project.blind_coding, on);
            Ok(Edit::SetBlindCoding(old))
        }
        Edit::SetDocumentDirection { document, direction } => {
            let doc = doc_mut(project, &document)?;
            let old = std::mem::replace(&mut doc.direction, direction);
            Ok(Edit::SetDocumentDirection { document, direction: old })
        }
        Edit::AddMemo(memo) => {
            if project.id_in_use(memo.id) {
                return Err(EditError::DuplicateId(memo.id));
            }
            check_memo_target(project, &memo.target)?;
            let id = memo.id;
            let at = project.memos.partition_point(|m| m.id < id);
            project.memos.insert(at, memo);
            Ok(Edit::RemoveMemo { id })
        }
        Edit::RemoveMemo { id } => {
            let at = project.memos.iter().position(|m| m.id == id).ok_or(EditError::NoMemo(id))?;
            Ok(Edit::AddMemo(project.memos.remove(at)))
        }
        Edit::UpdateMemo(memo) => {
            check_memo_target(project, &memo.target)?;
            if memo.modified < memo.created {
                return Err(EditError::ModifiedBeforeCreated {
                    created: memo.created.to_rfc3339(),
                    modified: memo.modified.to_rfc3339(),
                });
            }
            let slot = project.memos.iter_mut().find(|m| m.id == memo.id).ok_or(EditError::NoMemo(memo.id))?;
            Ok(Edit::UpdateMemo(std::mem::replace(slot, memo)))
        }
        Edit::Batch(edits) => {
            let mut inverses = Vec::with_capacity(edits.len());
            let mut edits = edits.into_iter().peekable();
            while let Some(edit) = edits.next() {
                // A run of additions to (or removals from) one document is done in one pass over
                // its annotations: tagging 10,000 occurrences must not move 200,000 annotations
                // 10,000 times. The result, inverses and errors are those of one edit at a time.
                let done = match bulk_run(&edit, &mut edits) {
                    Some(run) => apply_run(project, run, &mut inverses),
                    None => apply(project, edit).map(|inverse| inverses.push(inverse)),
                };
                match done {
                    Ok(()) => {}
                    Err(err) => {
                        // Roll back what this batch already did, so a failed batch changes nothing.
                        for inverse in inverses.into_iter().rev() {
                            let _ = apply(project, inverse);
                        }
                        return Err(err);
                    }
                }
            }
            inverses.reverse();
            Ok(Edit::Batch(inverses))
        }
        Edit::ReplaceProject(mut replacement) => {
            // Views cache by document revision: every document gets one above all the old ones.
            let floor = project.documents.iter().map(Document::revision).max().unwrap_or(0);
            for document in &mut replacement.documents {
                // A project read back from a journal has no offset index yet.
                document.build_index();
                document.touch_past(floor);
            }
            let problems = validate(&replacement);
            if let Some(first) = problems.first() {
                return Err(EditError::InvalidProject(format!("{first} ({} problems)", problems.len())));
            }
            let old = std::mem::replace(project, *replacement);
            Ok(Edit::ReplaceProject(Box::new(old)))
        }
    }
}

/// Consecutive edits of a batch done together: additions of annotations to one document, or
/// removals of annotations from one.
enum Run {
    Add { document: String, annotations: Vec<Annotation> },
    Remove { document: String, ids: Vec<ItemId> },
}

/// Runs shorter than this are applied one edit at a time (the one-pass path pays off past a few).
const BULK_FROM: usize = 8;

/// The run of additions or removals starting with `edit` (the run takes the edits after it that
/// belong to it), or `None` for any other edit.
fn bulk_run(edit: &Edit, rest: &mut std::iter::Peekable<impl Iterator<Item = Edit>>) -> Option<Run> {
    match edit {
        Edit::AddAnnotation { document, annotation } => {
            let mut annotations = vec![annotation.clone()];
            while let Some(Edit::AddAnnotation { annotation, .. }) =
                rest.next_if(|e| matches!(e, Edit::AddAnnotation { document: d, .. } if d == document))
            {
                annotations.push(annotation);
            }
            Some(Run::Add { document: document.clone(), annotations })
        }
        Edit::RemoveAnnotation { document, id } => {
            let mut ids = vec![*id];
            while let Some(Edit::RemoveAnnotation { id, .. }) =
                rest.next_if(|e| matches!(e, Edit::RemoveAnnotation { document: d, .. } if d == document))
            {
                ids.push(id);
            }
            Some(Run::Remove { document: document.clone(), ids })
        }
        _ => None,
    }
}

/// Applies a run, pushing the inverses one edit at a time would give. On error, the inverses of
/// what was done are in `inverses` (a run done in one pass fails before changing anything).
fn apply_run(project: &mut Project, run: Run, inverses: &mut Vec<Edit>) -> Result<(), EditError> {
    match run {
        Run::Add { document, annotations } if annotations.len() >= BULK_FROM => {
            // The checks each addition makes, in the same order (a later addition sees the ids
            // of the earlier ones as taken).
            let doc = project.document(&document);
            let mut ids = std::collections::HashSet::with_capacity(annotations.len());
            for annotation in &annotations {
                if project.id_in_use(annotation.id) || !ids.insert(annotation.id) {
                    return Err(EditError::DuplicateId(annotation.id));
                }
                let doc = doc.ok_or_else(|| EditError::NoDocument(document.clone()))?;
                check_annotation(project, doc, annotation)?;
            }
            inverses
                .extend(annotations.iter().map(|a| Edit::RemoveAnnotation { document: document.clone(), id: a.id }));
            doc_mut(project, &document)?.insert_annotations(annotations);
            Ok(())
        }
        Run::Remove { document, ids } if ids.len() >= BULK_FROM && !takes_along(project, &document, &ids) => {
            let doc = doc_mut(project, &document)?;
            let removed = doc.remove_annotations(&ids).map_err(EditError::NoAnnotation)?;
            inverses.extend(
                removed.into_iter().map(|annotation| Edit::AddAnnotation { document: document.clone(), annotation }),
            );
            Ok(())
        }
        Run::Add { document, annotations } => {
            for annotation in annotations {
                inverses.push(apply(project, Edit::AddAnnotation { document: document.clone(), annotation })?);
            }
            Ok(())
        }
        Run::Remove { document, ids } => {
            for id in ids {
                inverses.push(apply(project, Edit::RemoveAnnotation { document: document.clone(), id })?);
            }
            Ok(())
        }
    }
}

/// Whether removing these annotations takes relations or memos along (then each removal is
/// done on its own, with its own inverse that brings them back).
fn takes_along(project: &Project, document: &str, ids: &[ItemId]) -> bool {
    let Some(doc) = project.document(document) else { return false };
    if ids.iter().any(|id| !doc.relations_of(*id).is_empty()) {
        return true;
    }
    let ids: std::collections::HashSet<ItemId> = ids.iter().copied().collect();
    project.memos.iter().any(|m| matches!(m.target, MemoTarget::Annotation(a) if ids.contains(&a)))
}

/// Deleting a label as one edit: its annotations relabelled or deleted (`what`), its sub-labels
/// moved to the top level, its hotkey freed, relation types and attributes no longer naming it
/// (a relation type only it could start or end is deleted, with its relations), memos about it
/// deleted. Relabelling that a relation's type does not allow is refused when applied. `what` is ignored when no annotation uses the label.
pub fn delete_label(project: &Project, id: &str, what: &LabelDeletion) -> Result<Edit, CodebookChange> {
    let mut codebook = codebook_editing::unlocked(&project.codebook)?;
    if codebook.label(id).is_none() {
        return Err(CodebookChange::NoLabel(id.to_owned()));
    }
    if let LabelDeletion::Relabel(to) = what
        && (to == id || codebook.label(to).is_none())
    {
        return Err(CodebookChange::NoLabel(to.clone()));
    }
    let now = crate::model::now();
    let mut edits = Vec::new();
    // A relation type only this label could start or end goes, with its relations (first, so
    // relabelled annotations are not checked against it).
    let dropped: Vec<String> = codebook
        .relation_types
        .iter()
        .filter(|t| {
            let only = |labels: &Vec<String>| !labels.is_empty() && labels.iter().all(|l| l == id);
            only(&t.from_labels) || only(&t.to_labels)
        })
        .map(|t| t.id.clone())
        .collect();
    codebook.relation_types.retain(|t| !dropped.contains(&t.id));
    for doc in &project.documents {
        for relation in doc.relations.iter().filter(|r| dropped.iter().any(|d| *d == r.kind)) {
            edits.push(Edit::RemoveRelation { document: doc.id.clone(), id: relation.id });
        }
    }
    for doc in &project.documents {
        for annotation in doc.annotations.iter().filter(|a| a.label == id) {
            edits.push(match what {
                LabelDeletion::Relabel(to) => {
                    let mut relabelled = (**annotation).clone();
                    relabelled.label = Name::new(to);
                    relabelled.modified = now.max(annotation.created);
                    Edit::UpdateAnnotation { document: doc.id.clone(), annotation: relabelled }
                }
                LabelDeletion::DeleteAnnotations => {
                    Edit::RemoveAnnotation { document: doc.id.clone(), id: annotation.id }
                }
            });
        }
    }
    for memo in project.memos.iter().filter(|m| m.target == MemoTarget::Label(id.to_owned())) {
        edits.push(Edit::RemoveMemo { id: memo.id });
    }
    codebook.labels.retain(|l| l.id != id);
    for label in &mut codebook.labels {
        if label.parent.as_deref() == Some(id) {
            label.parent = None;
        }
    }
    for relation_type in &mut codebook.relation_types {
        relation_type.from_labels.retain(|l| l != id);
        relation_type.to_labels.retain(|l| l != id);
    }
    for attribute in &mut codebook.attributes {
        attribute.labels.retain(|l| l != id);
    }
    edits.push(Edit::SetCodebook(Box::new(codebook)));
    Ok(Edit::Batch(edits))
}

/// Why an edit was applied: a new change, or an undo or redo of an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Apply,
    Undo,
    Redo,
}

/// An edit exactly as it was applied to the project (for an undo, the inverse that ran).
/// Replaying these in order on the same starting project gives the same project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    pub direction: Direction,
    pub edit: Edit,
}

/// Undo and redo stacks of inverse edits.
#[derive(Debug)]
pub struct History {
    undo: Vec<(Edit, String)>,
    redo: Vec<(Edit, String)>,
    /// Number of edits applied since the last save (negative after undoing past it).
    /// `None` once the saved state can no longer be reached by undo/redo.
    since_save: Option<i64>,
    /// Whether applied edits are kept in `applied` (for the autosave journal).
    recording: bool,
    applied: Vec<Applied>,
}

impl Default for History {
    /// A history with nothing to undo and nothing unsaved (the same as [`History::new`]).
    fn default() -> Self {
        Self::new()
    }
}

impl History {
    pub fn new() -> Self {
        Self { undo: Vec::new(), redo: Vec::new(), since_save: Some(0), recording: false, applied: Vec::new() }
    }

    /// Keeps a copy of every edit applied from now on, to be collected with [`History::take_applied`].
    pub fn set_recording(&mut self, recording: bool) {
        self.recording = recording;
        if !recording {
            self.applied.clear();
        }
    }

    /// The edits applied since the last call, in order (empty unless recording).
    pub fn take_applied(&mut self) -> Vec<Applied> {
        std::mem::take(&mut self.applied)
    }

    /// Re-does a journalled edit: an undo or redo becomes one again when the stack holds that very
    /// edit (so undo history survives a crash); anything else is applied as a new step.
    pub fn replay(&mut self, project: &mut Project, applied: Applied) -> Result<(), EditError> {
        let stack = match applied.direction {
            Direction::Apply => None,
            Direction::Undo => Some(&self.undo),
            Direction::Redo => Some(&self.redo),
        };
        let on_stack = stack.and_then(|s| s.last()).is_some_and(|(edit, _)| *edit == applied.edit);
        match applied.direction {
            Direction::Undo if on_stack => self.undo(project).map(drop),
            Direction::Redo if on_stack => self.redo(project).map(drop),
            _ => self.apply(project, applied.edit),
        }
    }

    /// Applies an edit as one undo step.
    pub fn apply(&mut self, project: &mut Project, edit: Edit) -> Result<(), EditError> {
        let description = edit.describe();
        let copy = self.recording.then(|| edit.clone());
        let inverse = apply(project, edit)?;
        if let Some(edit) = copy {
            self.applied.push(Applied { direction: Direction::Apply, edit });
        }
        self.undo.push((inverse, description));
        // The saved state was on the redo stack: it can no longer be reached.
        if self.since_save.is_some_and(|n| n < 0) {
            self.since_save = None;
        }
        self.redo.clear();
        self.since_save = self.since_save.map(|n| n + 1);
        Ok(())
    }

    pub fn undo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        let Some((inverse, description)) = self.undo.pop() else {
            return Ok(false);
        };
        let copy = self.recording.then(|| inverse.clone());
        let redo = apply(project, inverse)?;
        if let Some(edit) = copy {
            self.applied.push(Applied { direction: Direction::Undo, edit });
        }
        self.redo.push((redo, description));
        self.since_save = self.since_save.map(|n| n - 1);
        Ok(true)
    }

    pub fn redo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        let Some((edit, description)) = self.redo.pop() else {
            return Ok(false);
        };
        let copy = self.recording.then(|| edit.clone());
        let inverse = apply(project, edit)?;
        if let Some(edit) = copy {
            self.applied.push(Applied { direction: Direction::Redo, edit });
        }
        self.undo.push((inverse, description));
        self.since_save = self.since_save.map(|n| n + 1);
        Ok(true)
    }

    pub fn undo_description(&self) -> Option<&str> {
        self.undo.last().map(|(_, d)| d.as_str())
    }

    pub fn redo_description(&self) -> Option<&str> {
        self.redo.last().map(|(_, d)| d.as_str())
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Whether the project differs from what was last saved.
    pub fn is_dirty(&self) -> bool {
        self.since_save != Some(0)
    }

    pub fn mark_saved(&mut self) {
        self.since_save = Some(0);
    }

    /// Marks the project as changed without an undo step (e.g. imported from a non-project file).
    pub fn mark_unsaved(&mut self) {
        self.since_save = None;
    }
}
