//! Several coders' project files brought into one project, each coder's annotations kept as that
//! coder's layer (the `annotator` of each annotation).
//!
//! - Documents are matched by the SHA-256 of their text. A document of a file whose text differs
//!   from the project's document with the same id or name is reported and left out, never merged.
//!   A document the project does not have at all (by hash, id or name) is added.
//! - Annotators are the same person when id and name are the same. An id the project (or an
//!   earlier file) uses for someone with another name is renamed (`ana` → `ana-2`), and the report
//!   says so.
//! - Annotations and relations keep their ids unless the id is taken; an item identical to one the
//!   project already has (the same file brought in twice, or a shared starting file) is skipped.
//!   Relations follow their annotations; attributes come along.
//! - Labels and relation types the project's codebook lacks cannot be brought in (the codebook is
//!   not changed); such items are counted in the report.
//! - A coder's status on a document ("done") comes along with their layer; a status the project
//!   already has for that coder is replaced only when the file says something else.
//! - Document variables have no coder: where a file's values differ from the project's, the
//!   project's are kept and the difference is reported.
//!
//! The result is one [`Edit::Batch`], so the whole import is one undo step.

use std::collections::{HashMap, HashSet};

use crate::edit::{Edit, EditError, apply};
use crate::model::{Annotation, Annotator, Document, IdGenerator, ItemId, Name, Project, Relation};

/// One coder's project file, as read.
#[derive(Clone, Debug)]
pub struct CoderFile {
    /// What to call it in the report (usually the file name).
    pub name: String,
    pub project: Project,
}

/// A document of a file that was not merged because its text differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextConflict {
    pub file: String,
    /// The document's id and name in the file.
    pub document: String,
    pub name: String,
    /// The project's document it would have matched by id or name.
    pub project_document: String,
    pub file_sha256: String,
    pub project_sha256: String,
}

impl std::fmt::Display for TextConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: document \"{}\" ({}) has a different text than the project's \"{}\" (SHA-256 {}… against {}…); \
             not merged",
            self.file,
            self.document,
            self.name,
            self.project_document,
            &self.file_sha256[..self.file_sha256.len().min(12)],
            &self.project_sha256[..self.project_sha256.len().min(12)]
        )
    }
}

/// What happened to one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    pub file: String,
    /// `(annotator id in the file, id in the project)` of every coder brought in.
    pub annotators: Vec<(String, String)>,
    /// `(document id in the file, document id in the project)` matched by text.
    pub matched_documents: Vec<(String, String)>,
    /// Document ids (in the project) added because the project did not have them.
    pub added_documents: Vec<String>,
    pub annotations_added: usize,
    pub relations_added: usize,
    /// Items the project already had, identical.
    pub already_present: usize,
    /// Items that got a new id because theirs was taken.
    pub new_ids: usize,
    /// Annotations and relations left out because the codebook lacks their label or type.
    pub unknown_labels: Vec<(String, usize)>,
    pub conflicts: Vec<TextConflict>,
    /// `(document id, variable id)` whose value differs from the project's (the project's kept).
    pub variable_differences: Vec<(String, String)>,
    /// Coders' statuses on documents brought in (e.g. "done").
    pub statuses: usize,
}

/// What [`combine`] did, file by file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CombineReport {
    pub files: Vec<FileReport>,
    /// `(file, id in the file, new id, why)` for every renamed annotator.
    pub renamed_annotators: Vec<(String, String, String, String)>,
}

impl CombineReport {
    pub fn conflicts(&self) -> impl Iterator<Item = &TextConflict> {
        self.files.iter().flat_map(|f| f.conflicts.iter())
    }

    /// The report in lines a person reads.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for file in &self.files {
            let coders: Vec<String> = file
                .annotators
                .iter()
                .map(|(from, to)| if from == to { to.clone() } else { format!("{from} as {to}") })
                .collect();
            lines.push(format!(
                "{}: {} annotations and {} relations brought in (coders: {}); documents matched by text: {}, added: {}{}{}",
                file.file,
                file.annotations_added,
                file.relations_added,
                if coders.is_empty() { "none".to_owned() } else { coders.join(", ") },
                file.matched_documents.len(),
                file.added_documents.len(),
                if file.already_present > 0 { format!("; {} already in the project", file.already_present) } else { String::new() },
                if file.new_ids > 0 { format!("; {} given new ids", file.new_ids) } else { String::new() },
            ));
            if file.statuses > 0 {
                lines.push(format!(
                    "{}: {} coding status(es) brought in (who is done with which document)",
                    file.file, file.statuses
                ));
            }
            for (label, count) in &file.unknown_labels {
                lines.push(format!(
                    "{}: {count} items with label or relation type \"{label}\" left out: the project's codebook does not have it",
                    file.file
                ));
            }
            for conflict in &file.conflicts {
                lines.push(conflict.to_string());
            }
            for (document, variable) in &file.variable_differences {
                lines.push(format!(
                    "{}: document \"{document}\": variable \"{variable}\" differs from the project's; the project's value kept",
                    file.file
                ));
            }
        }
        for (file, from, to, why) in &self.renamed_annotators {
            lines.push(format!("{file}: annotator \"{from}\" brought in as \"{to}\": {why}"));
        }
        lines
    }
}

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum CombineError {
    #[error("bringing in {file} would make the project invalid: {source}")]
    Invalid { file: String, source: EditError },
}

/// The edits that bring `files` into `project`, and the report. Nothing is changed; apply the
/// returned batch (checked here against a copy) to do it.
pub fn combine(project: &Project, files: &[CoderFile]) -> Result<(Edit, CombineReport), CombineError> {
    let mut scratch = project.clone();
    let mut report = CombineReport::default();
    let mut edits = Vec::new();
    let mut ids = IdGenerator::seeded(0x00c0_ffee ^ files.len() as u64);
    for file in files {
        let (file_edits, file_report) = combine_one(&scratch, file, &mut ids, &mut report.renamed_annotators);
        let batch = Edit::Batch(file_edits);
        apply(&mut scratch, batch.clone())
            .map_err(|source| CombineError::Invalid { file: file.name.clone(), source })?;
        if let Edit::Batch(file_edits) = batch {
            edits.extend(file_edits);
        }
        report.files.push(file_report);
    }
    Ok((Edit::Batch(edits), report))
}

fn fresh_annotator_id(annotators: &[Annotator], wanted: &str) -> String {
    (2..).map(|n| format!("{wanted}-{n}")).find(|id| annotators.iter().all(|a| &a.id != id)).unwrap_or_default()
}

/// A fresh id: not in the project (`taken` starts as every id it uses) and not given out yet.
fn fresh_id(taken: &mut HashSet<ItemId>, ids: &mut IdGenerator) -> ItemId {
    loop {
        let id = ids.next_id();
        if taken.insert(id) {
            return id;
        }
    }
}

/// Every annotation, relation and memo id of a project.
fn ids_in_use(project: &Project) -> HashSet<ItemId> {
    let mut ids: HashSet<ItemId> = project.memos.iter().map(|m| m.id).collect();
    for document in &project.documents {
        ids.extend(document.annotations.iter().map(|a| a.id));
        ids.extend(document.relations.iter().map(|r| r.id));
    }
    ids
}

/// What makes two annotations the same work, for finding one the project already has.
type AnnotationKey = (String, String, Vec<(usize, usize)>);

fn annotation_key(annotation: &Annotation) -> AnnotationKey {
    (
        annotation.label.to_string(),
        annotation.annotator.to_string(),
        annotation.fragments.iter().map(|f| (f.start, f.end)).collect(),
    )
}

/// Whether two annotations are the same work (ignoring which document struct holds them).
fn same_annotation(a: &Annotation, b: &Annotation) -> bool {
    a.label == b.label
        && a.fragments == b.fragments
        && a.annotator == b.annotator
        && a.attributes == b.attributes
        && a.note == b.note
}

fn same_relation(a: &Relation, b: &Relation) -> bool {
    a.kind == b.kind && a.from == b.from && a.to == b.to && a.annotator == b.annotator && a.note == b.note
}

fn combine_one(
    project: &Project,
    file: &CoderFile,
    ids: &mut IdGenerator,
    renamed: &mut Vec<(String, String, String, String)>,
) -> (Vec<Edit>, FileReport) {
    let mut report = FileReport { file: file.name.clone(), ..FileReport::default() };
    let mut edits = Vec::new();
    let source = &file.project;

    // Coders: same id and name = same person; otherwise a fresh id.
    let mut annotator_map: HashMap<&str, String> = HashMap::new();
    let mut new_annotators: Vec<Annotator> = Vec::new();
    let used: HashSet<&str> = source
        .documents
        .iter()
        .flat_map(|d| {
            d.annotations
                .iter()
                .map(|a| a.annotator.as_str())
                .chain(d.relations.iter().map(|r| r.annotator.as_str()))
                .chain(d.status.keys().map(String::as_str))
        })
        .collect();
    let mut scratch_names = project.annotators.clone();
    for annotator in source.annotators.iter().filter(|a| used.contains(a.id.as_str())) {
        let id = match scratch_names.iter().find(|a| a.id == annotator.id) {
            Some(existing) if existing.name == annotator.name => annotator.id.clone(),
            Some(existing) => {
                let fresh = fresh_annotator_id(&scratch_names, &annotator.id);
                renamed.push((
                    file.name.clone(),
                    annotator.id.clone(),
                    fresh.clone(),
                    format!(
                        "the project's \"{}\" is {}, this file's is {}",
                        annotator.id, existing.name, annotator.name
                    ),
                ));
                let new = Annotator { id: fresh.clone(), name: annotator.name.clone() };
                scratch_names.push(new.clone());
                new_annotators.push(new);
                fresh
            }
            None => {
                let new = annotator.clone();
                scratch_names.push(new.clone());
                new_annotators.push(new);
                annotator.id.clone()
            }
        };
        report.annotators.push((annotator.id.clone(), id.clone()));
        annotator_map.insert(annotator.id.as_str(), id);
    }

    let by_hash: HashMap<&str, &Document> = project.documents.iter().rev().map(|d| (d.sha256.as_str(), d)).collect();
    // Ids already used by the project, and those given out by this file so far.
    let mut taken: HashSet<ItemId> = ids_in_use(project);
    let mut unknown: HashMap<String, usize> = HashMap::new();
    let mut added_document_ids: Vec<String> = Vec::new();
    for document in &source.documents {
        let target = by_hash.get(document.sha256.as_str()).copied();
        if target.is_none()
            && let Some(clash) = project.documents.iter().find(|d| d.id == document.id || d.name == document.name)
        {
            report.conflicts.push(TextConflict {
                file: file.name.clone(),
                document: document.id.clone(),
                name: document.name.clone(),
                project_document: clash.id.clone(),
                file_sha256: document.sha256.clone(),
                project_sha256: clash.sha256.clone(),
            });
            continue;
        }
        // Annotations: map ids, skip known ones, leave out unknown labels.
        let existing: Option<&Document> = target;
        let mut known: HashMap<AnnotationKey, Vec<&Annotation>> = HashMap::new();
        for annotation in existing.map(|d| d.annotations.as_slice()).unwrap_or_default() {
            known.entry(annotation_key(annotation)).or_default().push(annotation);
        }
        let mut id_map: HashMap<ItemId, ItemId> = HashMap::new();
        let mut annotations = Vec::new();
        for annotation in &document.annotations {
            if project.codebook.label(&annotation.label).is_none() {
                *unknown.entry(annotation.label.to_string()).or_default() += 1;
                continue;
            }
            let Some(annotator) = annotator_map.get(annotation.annotator.as_str()) else { continue };
            let mut copy = annotation.clone();
            copy.annotator = Name::new(annotator);
            if let Some(same) =
                known.get(&annotation_key(&copy)).and_then(|list| list.iter().find(|a| same_annotation(a, &copy)))
            {
                id_map.insert(annotation.id, same.id);
                report.already_present += 1;
                continue;
            }
            if !taken.insert(copy.id) {
                copy.id = fresh_id(&mut taken, ids);
                report.new_ids += 1;
            }
            id_map.insert(annotation.id, copy.id);
            annotations.push(copy);
        }
        let mut relations = Vec::new();
        for relation in &document.relations {
            if project.codebook.relation_type(&relation.kind).is_none() {
                *unknown.entry(relation.kind.to_string()).or_default() += 1;
                continue;
            }
            let (Some(annotator), Some(&from), Some(&to)) =
                (annotator_map.get(relation.annotator.as_str()), id_map.get(&relation.from), id_map.get(&relation.to))
            else {
                continue;
            };
            let mut copy = relation.clone();
            copy.annotator = Name::new(annotator);
            copy.from = from;
            copy.to = to;
            if existing.is_some_and(|d| d.relations.iter().any(|r| same_relation(r, &copy))) {
                report.already_present += 1;
                continue;
            }
            if !taken.insert(copy.id) {
                copy.id = fresh_id(&mut taken, ids);
                report.new_ids += 1;
            }
            relations.push(copy);
        }
        report.annotations_added += annotations.len();
        report.relations_added += relations.len();
        // Coders' statuses, under the coders' ids in the project.
        let statuses: Vec<(String, crate::model::CodingStatus)> = document
            .status
            .iter()
            .filter_map(|(coder, status)| annotator_map.get(coder.as_str()).map(|id| (id.clone(), *status)))
            .filter(|(id, status)| existing.is_none_or(|d| d.status.get(id) != Some(status)))
            .collect();
        report.statuses += statuses.len();
        match existing {
            Some(target) => {
                report.matched_documents.push((document.id.clone(), target.id.clone()));
                for (variable, value) in &document.variables {
                    if target.variables.get(variable).is_some_and(|v| v != value) {
                        report.variable_differences.push((target.id.clone(), variable.clone()));
                    }
                }
                edits.extend(
                    annotations
                        .into_iter()
                        .map(|annotation| Edit::AddAnnotation { document: target.id.clone(), annotation: *annotation }),
                );
                edits.extend(
                    relations.into_iter().map(|relation| Edit::AddRelation { document: target.id.clone(), relation }),
                );
                edits.extend(statuses.into_iter().map(|(annotator, status)| Edit::SetCodingStatus {
                    document: target.id.clone(),
                    annotator,
                    status: Some(status),
                }));
            }
            None => {
                let id = (1..)
                    .map(|n| format!("d{n}"))
                    .find(|id| project.document(id).is_none() && !added_document_ids.contains(id))
                    .unwrap_or_default();
                let mut added = Document::new(id.clone(), document.name.clone(), document.text.to_string());
                added.metadata = document.metadata.clone();
                added.variables = document.variables.clone();
                added.status = statuses.into_iter().collect();
                annotations.sort_by_key(|a| a.sort_key());
                added.annotations = annotations;
                relations.sort_by_key(|r| r.id);
                added.relations = relations;
                added_document_ids.push(id.clone());
                report.added_documents.push(id);
                edits.push(Edit::AddDocument { index: usize::MAX, document: Box::new(added) });
            }
        }
    }
    let mut unknown: Vec<(String, usize)> = unknown.into_iter().collect();
    unknown.sort();
    report.unknown_labels = unknown;
    // Only the coders whose work came in join the project (not those of a refused document).
    let mut used: HashSet<&str> = HashSet::new();
    for edit in &edits {
        match edit {
            Edit::AddAnnotation { annotation, .. } => {
                used.insert(annotation.annotator.as_str());
            }
            Edit::AddRelation { relation, .. } => {
                used.insert(relation.annotator.as_str());
            }
            Edit::SetCodingStatus { annotator, .. } => {
                used.insert(annotator.as_str());
            }
            Edit::AddDocument { document, .. } => {
                used.extend(document.annotations.iter().map(|a| a.annotator.as_str()));
                used.extend(document.relations.iter().map(|r| r.annotator.as_str()));
                used.extend(document.status.keys().map(String::as_str));
            }
            _ => {}
        }
    }
    let joining: Vec<Edit> =
        new_annotators.into_iter().filter(|a| used.contains(a.id.as_str())).map(Edit::AddAnnotator).collect();
    let used: HashSet<String> = used.into_iter().map(str::to_owned).collect();
    report.annotators.retain(|(_, id)| used.contains(id) || project.annotator(id).is_some());
    let edits = joining.into_iter().chain(edits).collect();
    (edits, report)
}
