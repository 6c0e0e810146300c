//! A student's feedback report: one self-contained, printable HTML page (no scripts, no external
//! files) with the scores, every paragraph holding a key or student annotation with the spans
//! marked, the misses and extras listed, and the codebook definitions of the labels involved.
//!
//! Marks: the key's spans are underlined (green: found exactly, amber: found with other
//! boundaries, red: missed); the student's spans have a background (green: exact, amber: other
//! boundaries, blue: extra). Lists name every span in words, so the report also reads in black
//! and white.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::model::{Annotation, Document, ItemId, Name, Project};

use super::Coefficient;
use super::grade::Grade;
use super::span_f1::Mode;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn number(value: &Coefficient) -> String {
    match value {
        Ok(v) => format!("{:.2}", v),
        Err(_) => "–".to_owned(),
    }
}

const STYLE: &str = "body{font-family:Georgia,serif;max-width:52em;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}\
h1,h2,h3{font-family:Helvetica,Arial,sans-serif}table{border-collapse:collapse;margin:1em 0}\
td,th{border:1px solid #bbb;padding:.2em .5em;text-align:right}th:first-child,td:first-child{text-align:left}\
.text{white-space:pre-wrap;border-left:3px solid #ddd;padding-left:1em;margin:1em 0}\
.key-exact{text-decoration:underline 3px #2a9d3a}.key-overlap{text-decoration:underline 3px #e0a100}\
.key-missed{text-decoration:underline wavy 3px #d62828}.you-exact{background:#d4f2d9}\
.you-overlap{background:#fde9b3}.you-extra{background:#cfe2ff}dt{font-weight:bold}\
.legend span{padding:0 .3em;margin-right:1em}\
@media print{body{margin:0;max-width:none}h2{page-break-before:auto}.text{page-break-inside:auto}}";

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Exact,
    Overlap,
    Unmatched,
}

/// The feedback page for one student.
pub fn feedback_html(key: &Project, student: &Project, grade: &Grade) -> String {
    let mut html = String::new();
    let title = format!("Feedback for {}: {}", grade.student, key.name);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    // Scores.
    html.push_str("<h2>Scores</h2>\n<table>\n<tr><th>Label</th><th>In the key</th><th>Yours</th><th>Exact precision</th><th>Exact recall</th><th>Exact F1</th><th>Overlap F1</th></tr>\n");
    for (i, label_id) in grade.labels.iter().enumerate() {
        let counts = grade.spans.per_label[i];
        if counts.reference == 0 && counts.other == 0 {
            continue;
        }
        let name = key.codebook.label(label_id).map_or(label_id.as_str(), |l| l.name.as_str());
        let exact = counts.scores(Mode::Exact);
        let overlap = counts.scores(Mode::Overlap);
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            counts.reference,
            counts.other,
            number(&exact.precision),
            number(&exact.recall),
            number(&exact.f1),
            number(&overlap.f1)
        );
    }
    let pooled = grade.spans.pooled();
    let (exact, overlap) = (grade.spans.micro(Mode::Exact), grade.spans.micro(Mode::Overlap));
    let _ = writeln!(
        html,
        "<tr><th>All labels</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n</table>",
        pooled.reference,
        pooled.other,
        number(&exact.precision),
        number(&exact.recall),
        number(&exact.f1),
        number(&overlap.f1)
    );
    let _ = writeln!(
        html,
        "<p>Relations: {} of {} right (accuracy {}). Documents annotated: {} of {} (completion {}).</p>",
        grade.relations.right,
        grade.relations.in_key,
        number(&grade.relations.accuracy),
        grade.documents_annotated,
        grade.documents_in_key,
        number(&grade.completion)
    );
    if !grade.missing_documents.is_empty() {
        let names: Vec<String> = grade.missing_documents.iter().map(|n| escape(n)).collect();
        let _ = writeln!(html, "<p>Not in your file (or its text differs from the key's): {}.</p>", names.join(", "));
    }
    html.push_str(
        "<p class=\"legend\">Key: <span class=\"key-exact\">found exactly</span><span class=\"key-overlap\">found, other \
         boundaries</span><span class=\"key-missed\">missed</span> Yours: <span class=\"you-exact\">exact</span><span \
         class=\"you-overlap\">other boundaries</span><span class=\"you-extra\">extra</span></p>\n",
    );
    let mut labels_involved = BTreeSet::new();
    for document_grade in &grade.documents {
        let Some(key_document) = key.document(&document_grade.document) else { continue };
        let student_document = document_grade.student_document.as_deref().and_then(|id| student.document(id));
        let key_annotations: Vec<&Annotation> =
            document_grade.key.iter().filter_map(|id| key_document.annotation(*id)).collect();
        let student_annotations: Vec<&Annotation> =
            document_grade.student.iter().filter_map(|id| student_document.and_then(|d| d.annotation(*id))).collect();
        if key_annotations.is_empty() && student_annotations.is_empty() {
            continue;
        }
        let mut key_status = vec![Status::Unmatched; key_annotations.len()];
        let mut student_status = vec![Status::Unmatched; student_annotations.len()];
        let mut partner_of_key = vec![None; key_annotations.len()];
        for &(i, j, _) in &document_grade.matching.overlap {
            let exact = key_annotations[i]
                .fragments
                .iter()
                .map(|f| (f.start, f.end))
                .eq(student_annotations[j].fragments.iter().map(|f| (f.start, f.end)));
            let status = if exact { Status::Exact } else { Status::Overlap };
            key_status[i] = status;
            student_status[j] = status;
            partner_of_key[i] = Some(j);
        }
        for a in key_annotations.iter().chain(&student_annotations) {
            labels_involved.insert(a.label.clone());
        }
        let _ = writeln!(html, "<h2>{}</h2>", escape(key_document.title()));
        render_text(&mut html, key_document, &key_annotations, &key_status, &student_annotations, &student_status, key);
        let name = |a: &Annotation| key.codebook.label(&a.label).map_or(a.label.clone(), |l| Name::new(&l.name));
        let missed: Vec<usize> = (0..key_annotations.len()).filter(|&i| key_status[i] == Status::Unmatched).collect();
        let extra: Vec<usize> =
            (0..student_annotations.len()).filter(|&j| student_status[j] == Status::Unmatched).collect();
        let shifted: Vec<usize> = (0..key_annotations.len()).filter(|&i| key_status[i] == Status::Overlap).collect();
        if !missed.is_empty() {
            let _ = writeln!(html, "<h3>Missed ({})</h3>\n<ol>", missed.len());
            for i in missed {
                let a = key_annotations[i];
                let _ = writeln!(html, "<li>{}: “{}”</li>", escape(&name(a)), escape(&a.text()));
            }
            html.push_str("</ol>\n");
        }
        if !shifted.is_empty() {
            let _ = writeln!(html, "<h3>Other boundaries ({})</h3>\n<ol>", shifted.len());
            for i in shifted {
                let a = key_annotations[i];
                let yours = partner_of_key[i].map(|j| student_annotations[j].text()).unwrap_or_default();
                let _ = writeln!(
                    html,
                    "<li>{}: key “{}”, yours “{}”</li>",
                    escape(&name(a)),
                    escape(&a.text()),
                    escape(&yours)
                );
            }
            html.push_str("</ol>\n");
        }
        if !extra.is_empty() {
            let _ = writeln!(html, "<h3>Extra ({}): not in the key</h3>\n<ol>", extra.len());
            for j in extra {
                let a = student_annotations[j];
                let _ = writeln!(html, "<li>{}: “{}”</li>", escape(&name(a)), escape(&a.text()));
            }
            html.push_str("</ol>\n");
        }
    }
    if !labels_involved.is_empty() {
        html.push_str("<h2>The codebook's definitions</h2>\n<dl>\n");
        for label in key.codebook.labels.iter().filter(|l| labels_involved.contains(l.id.as_str())) {
            let _ = writeln!(html, "<dt>{}</dt><dd>{}", escape(&label.name), escape(&label.definition));
            if !label.examples.is_empty() {
                let examples: Vec<String> = label.examples.iter().map(|e| format!("“{}”", escape(e))).collect();
                let _ = write!(html, "<br>Examples: {}", examples.join("; "));
            }
            html.push_str("</dd>\n");
        }
        for label in labels_involved.iter().filter(|l| key.codebook.label(l).is_none()) {
            let _ = writeln!(html, "<dt>{}</dt><dd>Not a label of the key's codebook.</dd>", escape(label));
        }
        html.push_str("</dl>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

/// Writes the paragraphs (lines) of `document` that hold a key or student span, marked.
fn render_text(
    html: &mut String,
    document: &Document,
    key: &[&Annotation],
    key_status: &[Status],
    student: &[&Annotation],
    student_status: &[Status],
    project: &Project,
) {
    // (start, end, is_key, status, label) for every fragment.
    let mut marks: Vec<(usize, usize, bool, Status, &str)> = Vec::new();
    for (a, &s) in key.iter().zip(key_status) {
        marks.extend(a.fragments.iter().map(|f| (f.start, f.end, true, s, a.label.as_str())));
    }
    for (a, &s) in student.iter().zip(student_status) {
        marks.extend(a.fragments.iter().map(|f| (f.start, f.end, false, s, a.label.as_str())));
    }
    // Paragraphs as code point ranges.
    let chars: Vec<char> = document.text.chars().collect();
    let mut paragraphs = Vec::new();
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            paragraphs.push((start, i));
            start = i + 1;
        }
    }
    paragraphs.push((start, chars.len()));
    html.push_str("<div class=\"text\">");
    let mut shown_any = false;
    for (p0, p1) in paragraphs {
        let here: Vec<_> = marks.iter().filter(|m| m.0 < p1.max(p0 + 1) && m.1 > p0).collect();
        if here.is_empty() {
            continue;
        }
        if shown_any {
            html.push_str("\n\n");
        }
        shown_any = true;
        let mut cuts: BTreeSet<usize> = [p0, p1].into_iter().collect();
        for m in &here {
            cuts.insert(m.0.clamp(p0, p1));
            cuts.insert(m.1.clamp(p0, p1));
        }
        let cuts: Vec<usize> = cuts.into_iter().collect();
        for pair in cuts.windows(2) {
            let (s, e) = (pair[0], pair[1]);
            if s == e {
                continue;
            }
            let text: String = chars[s..e].iter().collect();
            let covering: Vec<_> = here.iter().filter(|m| m.0 <= s && e <= m.1).collect();
            if covering.is_empty() {
                html.push_str(&escape(&text));
                continue;
            }
            let key_class = covering.iter().filter(|m| m.2).map(|m| m.3).max().map(|s| match s {
                Status::Exact => "key-exact",
                Status::Overlap => "key-overlap",
                Status::Unmatched => "key-missed",
            });
            let student_class = covering.iter().filter(|m| !m.2).map(|m| m.3).max().map(|s| match s {
                Status::Exact => "you-exact",
                Status::Overlap => "you-overlap",
                Status::Unmatched => "you-extra",
            });
            let classes: Vec<&str> = key_class.into_iter().chain(student_class).collect();
            let mut titles: Vec<String> = covering
                .iter()
                .map(|m| {
                    let name = project.codebook.label(m.4).map_or(m.4, |l| l.name.as_str());
                    format!("{} {name}", if m.2 { "key:" } else { "yours:" })
                })
                .collect();
            titles.dedup();
            let _ = write!(
                html,
                "<span class=\"{}\" title=\"{}\">{}</span>",
                classes.join(" "),
                escape(&titles.join(", ")),
                escape(&text)
            );
        }
    }
    html.push_str("</div>\n");
}

/// Ids of the annotations of a student listed as extra in a grade (for tests and summaries).
pub fn extras(grade: &Grade) -> Vec<ItemId> {
    let mut out = Vec::new();
    for document in &grade.documents {
        let matched: BTreeSet<usize> = document.matching.overlap.iter().map(|&(_, j, _)| j).collect();
        out.extend(document.student.iter().enumerate().filter(|(j, _)| !matched.contains(j)).map(|(_, id)| *id));
    }
    out
}
