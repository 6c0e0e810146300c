//! `csv`: a folder with `annotations.csv`, `documents.csv` and `relations.csv` (see `tables`).
//! RFC 4180: fields separated by commas, records by CRLF, a field quoted when it holds a comma,
//! quote, CR or LF, quotes doubled inside. UTF-8, with a byte-order mark by default (Excel needs
//! it). Text cells that a spreadsheet would run as a formula are prefixed with `'`.

use std::io::Write;
use std::path::Path;

use super::output::{StagingDir, io_at};
use super::tables::{self, Cell, Column, Kind, Layout};
use super::{ExportError, Job, timestamp};

/// Whether a text cell would be taken for a formula by Excel, LibreOffice or Google Sheets.
pub fn needs_guard(text: &str) -> bool {
    matches!(text.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Appends one RFC 4180 field.
pub fn push_field(line: &mut String, text: &str, guard: bool) {
    let guarded = guard && needs_guard(text);
    if guarded || text.contains([',', '"', '\r', '\n']) {
        line.push('"');
        if guarded {
            line.push('\'');
        }
        for ch in text.chars() {
            if ch == '"' {
                line.push('"');
            }
            line.push(ch);
        }
        line.push('"');
    } else {
        line.push_str(text);
    }
}

fn push_cell(line: &mut String, cell: &Cell, kind: Kind, guard: bool) {
    use std::fmt::Write as _;
    match cell {
        Cell::Null => {}
        Cell::Int(n) => {
            let _ = write!(line, "{n}");
        }
        Cell::Float(x) if x.is_finite() => line.push_str(&super::meta::number_text(*x)),
        Cell::Float(x) => {
            // R and pandas read these spellings.
            line.push_str(if x.is_nan() {
                "NaN"
            } else if *x > 0.0 {
                "Inf"
            } else {
                "-Inf"
            });
        }
        Cell::Bool(b) => line.push_str(if *b { "TRUE" } else { "FALSE" }),
        Cell::Time(t) => line.push_str(&timestamp(t)),
        Cell::Text(text) => push_field(line, text, guard && kind == Kind::Text),
    }
}

struct Table {
    file: super::output::StagedFile,
    columns: Vec<Column>,
    line: String,
    guard: bool,
    path: std::path::PathBuf,
}

impl Table {
    fn create(staging: &StagingDir, name: &str, columns: Vec<Column>, job: &Job) -> Result<Self, ExportError> {
        let path = staging.final_path(name);
        let mut file = staging.file(name)?;
        if job.options.csv_bom {
            file.write_all("\u{feff}".as_bytes()).map_err(io_at(&path))?;
        }
        let mut line = String::new();
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            push_field(&mut line, &column.name, false);
        }
        line.push_str("\r\n");
        file.write_all(line.as_bytes()).map_err(io_at(&path))?;
        Ok(Self { file, columns, line: String::with_capacity(1024), guard: job.options.csv_formula_guard, path })
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        self.line.clear();
        for (i, (cell, column)) in cells.iter().zip(&self.columns).enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            push_cell(&mut self.line, cell, column.kind, self.guard);
        }
        self.line.push_str("\r\n");
        self.file.write_all(self.line.as_bytes()).map_err(io_at(&self.path))
    }
}

pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let staging = StagingDir::create(out)?;
    let layout = Layout::new(&job.project.codebook, &job.documents);

    let mut annotations = Table::create(&staging, "annotations.csv", layout.annotation_columns(), job)?;
    tables::annotation_rows(job, &layout, &mut |cells| annotations.row(cells))?;
    annotations.file.finish()?;

    let mut documents = Table::create(&staging, "documents.csv", layout.document_columns(), job)?;
    tables::document_rows(job, &layout, &mut |cells| documents.row(cells))?;
    documents.file.finish()?;

    let mut relations = Table::create(&staging, "relations.csv", layout.relation_columns(), job)?;
    tables::relation_rows(job, &mut |cells| relations.row(cells))?;
    relations.file.finish()?;

    if job.options.csv_formula_guard {
        job.note(
            "text cells starting with =, +, -, @, tab or CR begin with an added ' so spreadsheets do not run them as \
             formulas; start and end are unaffected",
        );
    }
    staging.commit("csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4180_quoting_and_formula_guard() {
        let mut line = String::new();
        push_field(&mut line, "plain", true);
        line.push(',');
        push_field(&mut line, "a,b \"c\"\r\nd", true);
        line.push(',');
        push_field(&mut line, "=SUM(A1)", true);
        line.push(',');
        push_field(&mut line, "-5 said", false);
        assert_eq!(line, "plain,\"a,b \"\"c\"\"\r\nd\",\"'=SUM(A1)\",-5 said");
    }
}
