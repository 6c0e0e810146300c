//! The tables of the `csv` and `parquet` exports: `annotations` (one row per annotation and
//! fragment, with the document variables), `documents` (one row per document: metadata,
//! variables, counts per label) and `relations`. Typed, so Parquet gets typed columns and CSV
//! cells are written the way R, SPSS and pandas read them back.

use std::collections::HashMap;

use super::{ExportError, Job, meta};
use crate::model::{Annotation, Codebook, Document, ItemId, Timestamp, Value, ValueKind};

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
    Bool,
    Text,
    /// A moment in UTC (RFC 3339 text in CSV, a timestamp in Parquet).
    Time,
}

#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    /// Whether the column can be empty (Parquet: optional).
    pub nullable: bool,
}

impl Column {
    fn new(name: impl Into<String>, kind: Kind) -> Self {
        Self { name: name.into(), kind, nullable: false }
    }

    fn nullable(name: impl Into<String>, kind: Kind) -> Self {
        Self { name: name.into(), kind, nullable: true }
    }
}

/// A cell value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(std::borrow::Cow<'a, str>),
    Time(Timestamp),
}

impl<'a> Cell<'a> {
    fn text(text: &'a str) -> Self {
        Cell::Text(std::borrow::Cow::Borrowed(text))
    }

    fn owned(text: String) -> Self {
        Cell::Text(std::borrow::Cow::Owned(text))
    }

    fn opt(text: Option<String>) -> Self {
        text.map_or(Cell::Null, Cell::owned)
    }
}

/// A typed value in a column of `kind`.
fn value_cell(value: Option<&Value>, kind: Kind) -> Cell<'_> {
    match (value, kind) {
        (None, _) => Cell::Null,
        (Some(Value::Number(n)), Kind::Float) => Cell::Float(*n),
        (Some(Value::Bool(b)), Kind::Bool) => Cell::Bool(*b),
        (Some(Value::Text(t) | Value::Choice(t)), Kind::Text) => Cell::text(t),
        (Some(other), _) => Cell::owned(meta::value_text(other)),
    }
}

/// The column type of a codebook value kind, or (for ids the codebook lacks) of the values seen.
fn value_kind<'v>(kind: Option<&ValueKind>, values: impl Iterator<Item = &'v Value>) -> Kind {
    match kind {
        Some(ValueKind::Number) => Kind::Float,
        Some(ValueKind::Bool) => Kind::Bool,
        Some(ValueKind::Text | ValueKind::Choice(_) | ValueKind::MultiChoice(_) | ValueKind::Date) => Kind::Text,
        None => {
            let mut seen = None;
            for value in values {
                let kind = match value {
                    Value::Number(_) => Kind::Float,
                    Value::Bool(_) => Kind::Bool,
                    _ => Kind::Text,
                };
                match seen {
                    None => seen = Some(kind),
                    Some(k) if k != kind => return Kind::Text,
                    _ => {}
                }
            }
            seen.unwrap_or(Kind::Text)
        }
    }
}

/// The typed columns derived from the codebook and the data: attributes and variables.
pub struct Layout {
    pub attribute_ids: Vec<String>,
    pub attribute_columns: Vec<Column>,
    pub variable_ids: Vec<String>,
    pub variable_columns: Vec<Column>,
    pub metadata_keys: Vec<String>,
    pub metadata_columns: Vec<Column>,
    pub label_columns: Vec<Column>,
}

impl Layout {
    pub fn new(codebook: &Codebook, documents: &[&Document]) -> Self {
        let mut taken: Vec<String> = Vec::new();
        let attribute_ids = meta::attribute_ids(codebook, documents);
        let attribute_names = meta::unique_columns("attr_", &attribute_ids, &mut taken);
        let attribute_columns = attribute_ids
            .iter()
            .zip(attribute_names)
            .map(|(id, name)| {
                let values = documents.iter().flat_map(|d| d.annotations.iter().filter_map(|a| a.attributes.get(id)));
                Column::nullable(name, value_kind(meta::attribute_kind(codebook, id), values))
            })
            .collect();
        let variable_ids = meta::variable_ids(codebook, documents);
        let variable_names = meta::unique_columns("var_", &variable_ids, &mut taken);
        let variable_columns = variable_ids
            .iter()
            .zip(variable_names)
            .map(|(id, name)| {
                let values = documents.iter().filter_map(|d| d.variables.get(id));
                Column::nullable(name, value_kind(meta::variable_kind(codebook, id), values))
            })
            .collect();
        let metadata_keys = meta::other_metadata_keys(documents);
        let metadata_columns = meta::unique_columns("meta_", &metadata_keys, &mut taken)
            .into_iter()
            .map(|name| Column::nullable(name, Kind::Text))
            .collect();
        let label_ids: Vec<String> = codebook.labels.iter().map(|l| l.id.clone()).collect();
        let label_columns = meta::unique_columns("n_", &label_ids, &mut taken)
            .into_iter()
            .map(|name| Column::new(name, Kind::Int))
            .collect();
        Self {
            attribute_ids,
            attribute_columns,
            variable_ids,
            variable_columns,
            metadata_keys,
            metadata_columns,
            label_columns,
        }
    }

    pub fn annotation_columns(&self) -> Vec<Column> {
        let mut columns = vec![Column::new("document_id", Kind::Text), Column::new("document_name", Kind::Text)];
        columns.extend(self.variable_columns.iter().cloned());
        columns.extend([
            Column::new("annotation_id", Kind::Int),
            Column::new("fragment", Kind::Int),
            Column::new("fragments", Kind::Int),
            Column::new("label", Kind::Text),
            Column::new("label_name", Kind::Text),
            Column::new("start", Kind::Int),
            Column::new("end", Kind::Int),
            Column::new("text", Kind::Text),
            Column::new("annotation_text", Kind::Text),
            Column::new("annotator", Kind::Text),
            Column::new("annotator_name", Kind::Text),
            Column::new("created", Kind::Time),
            Column::new("modified", Kind::Time),
            Column::new("note", Kind::Text),
        ]);
        columns.extend(self.attribute_columns.iter().cloned());
        columns
    }

    pub fn document_columns(&self) -> Vec<Column> {
        let mut columns = vec![
            Column::new("document_id", Kind::Text),
            Column::new("name", Kind::Text),
            Column::new("sha256", Kind::Text),
            Column::new("characters", Kind::Int),
        ];
        for key in meta::STANDARD_KEYS {
            columns.push(Column::nullable(key, Kind::Text));
        }
        columns.extend(self.metadata_columns.iter().cloned());
        columns.extend(self.variable_columns.iter().cloned());
        columns.push(Column::new("annotations", Kind::Int));
        columns.push(Column::new("relations", Kind::Int));
        columns.extend(self.label_columns.iter().cloned());
        columns
    }

    pub fn relation_columns(&self) -> Vec<Column> {
        vec![
            Column::new("document_id", Kind::Text),
            Column::new("relation_id", Kind::Int),
            Column::new("type", Kind::Text),
            Column::new("type_name", Kind::Text),
            Column::new("directed", Kind::Bool),
            Column::new("from_id", Kind::Int),
            Column::new("from_label", Kind::Text),
            Column::new("from_text", Kind::Text),
            Column::new("to_id", Kind::Int),
            Column::new("to_label", Kind::Text),
            Column::new("to_text", Kind::Text),
            Column::new("annotator", Kind::Text),
            Column::new("annotator_name", Kind::Text),
            Column::new("created", Kind::Time),
            Column::new("modified", Kind::Time),
            Column::new("note", Kind::Text),
        ]
    }
}

/// Calls `row` for each row of the annotations table, in document order.
pub fn annotation_rows(
    job: &mut Job,
    layout: &Layout,
    row: &mut dyn FnMut(&[Cell]) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let variable_kinds: Vec<Kind> = layout.variable_columns.iter().map(|c| c.kind).collect();
    let attribute_kinds: Vec<Kind> = layout.attribute_columns.iter().map(|c| c.kind).collect();
    // Names borrowed from the project (not from `job`, which is advanced in the loop).
    let project = job.project;
    let documents = job.documents.clone();
    let mut cells: Vec<Cell> = Vec::new();
    for document in documents {
        job.advance(Job::text_units(document))?;
        let variables: Vec<Cell> = layout
            .variable_ids
            .iter()
            .zip(&variable_kinds)
            .map(|(id, kind)| value_cell(document.variables.get(id), *kind))
            .collect();
        for annotation in &document.annotations {
            let count = annotation.fragments.len() as i64;
            let label =
                project.codebook.label(&annotation.label).map_or(annotation.label.as_str(), |l| l.name.as_str());
            let annotator =
                project.annotator(&annotation.annotator).map_or(annotation.annotator.as_str(), |a| a.name.as_str());
            for (i, fragment) in annotation.fragments.iter().enumerate() {
                cells.clear();
                cells.push(Cell::text(&document.id));
                cells.push(Cell::text(&document.name));
                cells.extend(variables.iter().cloned());
                cells.push(Cell::Int(annotation.id.0 as i64));
                cells.push(Cell::Int(i as i64 + 1));
                cells.push(Cell::Int(count));
                cells.push(Cell::text(&annotation.label));
                cells.push(Cell::text(label));
                cells.push(Cell::Int(fragment.start as i64));
                cells.push(Cell::Int(fragment.end as i64));
                cells.push(Cell::text(&fragment.text));
                // The joined text only when it differs from the fragment's.
                cells.push(if count > 1 { Cell::owned(annotation.text()) } else { Cell::text(&fragment.text) });
                cells.push(Cell::text(&annotation.annotator));
                cells.push(Cell::text(annotator));
                cells.push(Cell::Time(annotation.created));
                cells.push(Cell::Time(annotation.modified));
                cells.push(Cell::text(&annotation.note));
                for (id, kind) in layout.attribute_ids.iter().zip(&attribute_kinds) {
                    cells.push(value_cell(annotation.attributes.get(id), *kind));
                }
                row(&cells)?;
            }
            job.advance(1)?;
        }
    }
    Ok(())
}

/// Calls `row` for each document.
pub fn document_rows(
    job: &mut Job,
    layout: &Layout,
    row: &mut dyn FnMut(&[Cell]) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let codebook = &job.project.codebook;
    let variable_kinds: Vec<Kind> = layout.variable_columns.iter().map(|c| c.kind).collect();
    for document in &job.documents {
        let mut counts: HashMap<&str, i64> = HashMap::new();
        for annotation in &document.annotations {
            *counts.entry(annotation.label.as_str()).or_default() += 1;
        }
        let mut cells = vec![
            Cell::text(&document.id),
            Cell::text(&document.name),
            Cell::text(&document.sha256),
            Cell::Int(document.char_len() as i64),
        ];
        for key in meta::STANDARD_KEYS {
            cells.push(Cell::opt(meta::standard(document, key)));
        }
        for key in &layout.metadata_keys {
            cells.push(document.metadata.get(key).map_or(Cell::Null, |v| Cell::text(v)));
        }
        for (id, kind) in layout.variable_ids.iter().zip(&variable_kinds) {
            cells.push(value_cell(document.variables.get(id), *kind));
        }
        cells.push(Cell::Int(document.annotations.len() as i64));
        cells.push(Cell::Int(document.relations.len() as i64));
        for label in &codebook.labels {
            cells.push(Cell::Int(counts.get(label.id.as_str()).copied().unwrap_or(0)));
        }
        row(&cells)?;
    }
    Ok(())
}

/// Calls `row` for each relation.
pub fn relation_rows(
    job: &mut Job,
    row: &mut dyn FnMut(&[Cell]) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let documents = job.documents.clone();
    for document in documents {
        let by_id: HashMap<ItemId, &Annotation> = document.annotations.iter().map(|a| (a.id, &**a)).collect();
        for relation in &document.relations {
            let from = by_id.get(&relation.from);
            let to = by_id.get(&relation.to);
            let directed = job.project.codebook.relation_type(&relation.kind).is_none_or(|r| r.directed);
            let cells = [
                Cell::text(&document.id),
                Cell::Int(relation.id.0 as i64),
                Cell::text(&relation.kind),
                Cell::text(job.relation_name(&relation.kind)),
                Cell::Bool(directed),
                Cell::Int(relation.from.0 as i64),
                from.map_or(Cell::Null, |a| Cell::text(&a.label)),
                from.map_or(Cell::Null, |a| Cell::owned(a.text())),
                Cell::Int(relation.to.0 as i64),
                to.map_or(Cell::Null, |a| Cell::text(&a.label)),
                to.map_or(Cell::Null, |a| Cell::owned(a.text())),
                Cell::text(&relation.annotator),
                Cell::text(job.annotator_name(&relation.annotator)),
                Cell::Time(relation.created),
                Cell::Time(relation.modified),
                Cell::text(&relation.note),
            ];
            row(&cells)?;
            job.advance(1)?;
        }
    }
    Ok(())
}
