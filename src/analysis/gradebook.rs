//! The gradebook CSV (one row per student) and the feedback pages' file names: what
//! `spanwise grade --csv --html` and the window's Grade dialog both write.
//!
//! Columns: `student,file,documents,documents_found,completion,relation_accuracy,exact_p,exact_r,
//! exact_f1,overlap_p,overlap_r,overlap_f1`, then `LABEL_exact_f1,LABEL_overlap_f1` for each label
//! of the key's codebook. Values have four decimals; an undefined value is an empty cell.

use super::Coefficient;
use super::grade::Grade;
pub use super::report::csv_field;
use super::span_f1::Mode;
use crate::model::Project;

/// The header row for grades against `key`.
pub fn header(key: &Project) -> Vec<String> {
    let mut header: Vec<String> = [
        "student",
        "file",
        "documents",
        "documents_found",
        "completion",
        "relation_accuracy",
        "exact_p",
        "exact_r",
        "exact_f1",
        "overlap_p",
        "overlap_r",
        "overlap_f1",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for label in &key.codebook.labels {
        header.push(format!("{}_exact_f1", label.id));
        header.push(format!("{}_overlap_f1", label.id));
    }
    header
}

/// A value as the gradebook writes it: four decimals, empty when undefined.
pub fn cell(value: &Coefficient) -> String {
    value.as_ref().map_or(String::new(), |v| format!("{v:.4}"))
}

/// One student's row; `file` is the name of their file.
pub fn row(grade: &Grade, file: &str) -> Vec<String> {
    let mut row = vec![
        grade.student.clone(),
        file.to_owned(),
        grade.documents_in_key.to_string(),
        grade.documents_found.to_string(),
        cell(&grade.completion),
        cell(&grade.relations.accuracy),
    ];
    for mode in [Mode::Exact, Mode::Overlap] {
        let scores = grade.spans.micro(mode);
        row.extend([cell(&scores.precision), cell(&scores.recall), cell(&scores.f1)]);
    }
    for counts in &grade.spans.per_label {
        row.push(cell(&counts.scores(Mode::Exact).f1));
        row.push(cell(&counts.scores(Mode::Overlap).f1));
    }
    row
}

fn line(fields: &[String]) -> String {
    let mut text = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    text.push('\n');
    text
}

/// The whole gradebook: the header, then a row per (file name, grade), in the order given.
pub fn csv<'a>(key: &Project, grades: impl IntoIterator<Item = (&'a str, &'a Grade)>) -> String {
    let mut text = line(&header(key));
    for (file, grade) in grades {
        text.push_str(&line(&row(grade, file)));
    }
    text
}

/// The feedback page's file name for a student's file: `ana.spanwise.ron` → `ana.html`.
pub fn feedback_file_name(file: &str) -> String {
    let stem = file.trim_end_matches(crate::store::EXTENSION).trim_end_matches(".ron");
    format!("{stem}.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("Müller 🎉"), "Müller 🎉");
        assert_eq!(csv_field("Lee, Ana"), "\"Lee, Ana\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("a\r\nb"), "\"a\r\nb\"");
    }

    #[test]
    fn feedback_pages_are_named_after_the_file() {
        assert_eq!(feedback_file_name("ana.spanwise.ron"), "ana.html");
        assert_eq!(feedback_file_name("شبکه‌ها 社交.ron"), "شبکه‌ها 社交.html");
        assert_eq!(feedback_file_name("bob"), "bob.html");
    }
}
