//! `parquet`: the tables of the CSV export (`annotations`, `documents`, `relations`) as Parquet
//! files with typed columns: ids and offsets `int64`, times `TIMESTAMP(MILLIS, UTC)`, numbers
//! `double`, booleans `boolean`, text `STRING`. Attributes and variables are optional columns.
//! Written with the `parquet` crate's low-level writer (no Arrow), uncompressed, dictionary
//! encoded, in row groups of 65,536 rows.

use std::path::Path;
use std::sync::Arc;

use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;

use super::output::StagingDir;
use super::tables::{self, Cell, Column, Kind, Layout};
use super::{ExportError, Job};

const ROW_GROUP: usize = 65_536;

/// Columns of free text, where every value differs.
const FREE_TEXT: [&str; 5] = ["text", "annotation_text", "from_text", "to_text", "sha256"];

fn parquet_error(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> ExportError + '_ {
    move |err| ExportError::Io { path: path.to_owned(), reason: err.to_string() }
}

/// The Parquet schema of a table, in the textual form the crate parses.
fn schema(name: &str, columns: &[Column]) -> String {
    let mut text = format!("message {name} {{\n");
    for column in columns {
        let repetition = if column.nullable { "optional" } else { "required" };
        let kind = match column.kind {
            Kind::Int => "int64",
            Kind::Float => "double",
            Kind::Bool => "boolean",
            Kind::Text => "binary",
            Kind::Time => "int64",
        };
        let annotation = match column.kind {
            Kind::Text => " (STRING)",
            Kind::Time => " (TIMESTAMP(MILLIS,true))",
            _ => "",
        };
        text.push_str(&format!("  {repetition} {kind} {}{annotation};\n", column.name));
    }
    text.push('}');
    text
}

/// The values of one column of a row group being collected. Texts go into one buffer (one
/// allocation per column and row group instead of one per value).
enum Values {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    Text { bytes: Vec<u8>, ends: Vec<usize> },
}

struct ColumnBuffer {
    values: Values,
    /// Definition levels (1 = present) for optional columns.
    levels: Option<Vec<i16>>,
}

impl ColumnBuffer {
    fn new(column: &Column) -> Self {
        let values = match column.kind {
            Kind::Int | Kind::Time => Values::Int(Vec::new()),
            Kind::Float => Values::Float(Vec::new()),
            Kind::Bool => Values::Bool(Vec::new()),
            Kind::Text => Values::Text { bytes: Vec::new(), ends: Vec::new() },
        };
        Self { values, levels: column.nullable.then(Vec::new) }
    }

    fn push(&mut self, cell: &Cell) {
        let present = !matches!(cell, Cell::Null);
        if let Some(levels) = &mut self.levels {
            levels.push(i16::from(present));
            if !present {
                return;
            }
        }
        // A required column never gets Null from the tables; if it did, write the empty value.
        match &mut self.values {
            Values::Int(values) => values.push(match cell {
                Cell::Int(n) => *n,
                Cell::Time(t) => t.timestamp_millis(),
                _ => 0,
            }),
            Values::Float(values) => values.push(match cell {
                Cell::Float(x) => *x,
                Cell::Int(n) => *n as f64,
                _ => f64::NAN,
            }),
            Values::Bool(values) => values.push(matches!(cell, Cell::Bool(true))),
            Values::Text { bytes, ends } => {
                match cell {
                    Cell::Text(text) => bytes.extend_from_slice(text.as_bytes()),
                    Cell::Null => {}
                    other => bytes.extend_from_slice(format!("{other:?}").as_bytes()),
                }
                ends.push(bytes.len());
            }
        }
    }

    fn clear(&mut self) {
        match &mut self.values {
            Values::Int(v) => v.clear(),
            Values::Float(v) => v.clear(),
            Values::Bool(v) => v.clear(),
            Values::Text { bytes, ends } => {
                bytes.clear();
                ends.clear();
            }
        }
        if let Some(levels) = &mut self.levels {
            levels.clear();
        }
    }
}

struct Table {
    writer: SerializedFileWriter<super::output::StagedFile>,
    buffers: Vec<ColumnBuffer>,
    rows: usize,
    path: std::path::PathBuf,
}

impl Table {
    fn create(staging: &StagingDir, name: &str, columns: &[Column]) -> Result<Self, ExportError> {
        let path = staging.final_path(&format!("{name}.parquet"));
        let err = parquet_error(&path);
        let schema = Arc::new(parse_message_type(&schema(name, columns)).map_err(&err)?);
        // Free text (span texts, notes) is all different: no dictionary, no min/max statistics
        // (neither helps a reader, and both cost a hash or a comparison per value).
        let mut builder = WriterProperties::builder()
            .set_created_by(format!("Spanwise {} (parquet-rs)", env!("CARGO_PKG_VERSION")))
            .set_statistics_enabled(EnabledStatistics::Chunk);
        for column in columns.iter().filter(|c| c.kind == Kind::Text) {
            let path = ColumnPath::from(column.name.as_str());
            builder = builder.set_column_statistics_enabled(path.clone(), EnabledStatistics::None);
            if FREE_TEXT.contains(&column.name.as_str()) {
                builder = builder.set_column_dictionary_enabled(path, false);
            }
        }
        let properties = Arc::new(builder.build());
        let file = staging.file(&format!("{name}.parquet"))?;
        let writer = SerializedFileWriter::new(file, schema, properties).map_err(&err)?;
        drop(err);
        Ok(Self { writer, buffers: columns.iter().map(ColumnBuffer::new).collect(), rows: 0, path })
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        for (buffer, cell) in self.buffers.iter_mut().zip(cells) {
            buffer.push(cell);
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP { self.flush() } else { Ok(()) }
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        if self.rows == 0 {
            return Ok(());
        }
        let err = parquet_error(&self.path);
        let mut group = self.writer.next_row_group().map_err(&err)?;
        for buffer in &mut self.buffers {
            let Some(mut column) = group.next_column().map_err(&err)? else {
                break;
            };
            let levels = buffer.levels.as_deref();
            match &mut buffer.values {
                Values::Int(values) => column.typed::<Int64Type>().write_batch(values, levels, None),
                Values::Float(values) => column.typed::<DoubleType>().write_batch(values, levels, None),
                Values::Bool(values) => column.typed::<BoolType>().write_batch(values, levels, None),
                Values::Text { bytes, ends } => {
                    let shared = bytes::Bytes::from(std::mem::take(bytes));
                    let mut start = 0;
                    let values: Vec<ByteArray> = ends
                        .iter()
                        .map(|&end| {
                            let value = ByteArray::from(shared.slice(start..end));
                            start = end;
                            value
                        })
                        .collect();
                    column.typed::<ByteArrayType>().write_batch(&values, levels, None)
                }
            }
            .map_err(&err)?;
            column.close().map_err(&err)?;
            buffer.clear();
        }
        group.close().map_err(&err)?;
        self.rows = 0;
        Ok(())
    }

    fn finish(mut self) -> Result<(), ExportError> {
        self.flush()?;
        let err = parquet_error(&self.path);
        let file = self.writer.into_inner().map_err(&err)?;
        file.finish()
    }
}

pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let staging = StagingDir::create(out)?;
    let layout = Layout::new(&job.project.codebook, &job.documents);

    let mut annotations = Table::create(&staging, "annotations", &layout.annotation_columns())?;
    tables::annotation_rows(job, &layout, &mut |cells| annotations.row(cells))?;
    annotations.finish()?;

    let mut documents = Table::create(&staging, "documents", &layout.document_columns())?;
    tables::document_rows(job, &layout, &mut |cells| documents.row(cells))?;
    documents.finish()?;

    let mut relations = Table::create(&staging, "relations", &layout.relation_columns())?;
    tables::relation_rows(job, &mut |cells| relations.row(cells))?;
    relations.finish()?;

    staging.commit("parquet")
}
