//! `spanwise agree`, `spanwise combine` and `spanwise grade`: the `analysis` module, headless.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::{Map, Value as Json, json};

use crate::analysis::Coefficient;
use crate::analysis::agreement::{AgreementReport, LabelAlphas, agreement};
use crate::analysis::assignment::handout;
use crate::analysis::attributes::{all_attribute_agreements, all_variable_agreements};
use crate::analysis::combine::{CoderFile, combine};
use crate::analysis::feedback::feedback_html;
use crate::analysis::grade::{Grade, grade};
use crate::analysis::gradebook;
use crate::analysis::layers::Selection;
use crate::analysis::report::{agreement_csv, attribute_interval, attribute_line, rows, show, undefined_lines};
use crate::analysis::span_f1::{Mode, Scores, SpanAgreement};
use crate::edit::apply;
use crate::model::Project;
use crate::store;

#[derive(Subcommand, Debug)]
pub enum AnalysisCommand {
    /// Agreement between coders: Krippendorff's unitizing alpha per label (per document and over
    /// all documents) and span precision / recall / F1 against the first coder
    Agree {
        /// The project file holding every coder's annotations (see `combine`)
        project: PathBuf,
        /// Coders to compare, by annotator id, the first being the reference for F1 (default:
        /// every annotator with annotations except "gold")
        #[arg(long, value_delimiter = ',')]
        annotators: Option<Vec<String>>,
        /// Documents to include, by id (default: all)
        #[arg(long, value_delimiter = ',')]
        documents: Option<Vec<String>>,
        /// Print the results as JSON (undefined values are null)
        #[arg(long)]
        json: bool,
        /// Also write every value, with the reason where it is undefined, to this CSV file
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Bring several coders' project files together into one project: documents matched by text,
    /// each coder's annotations kept as that coder's layer
    Combine {
        /// The combined project to write
        output: PathBuf,
        /// The first is the base (its codebook is kept); the others are brought into it
        #[arg(required = true, num_args = 1..)]
        projects: Vec<PathBuf>,
        /// Overwrite OUTPUT if it exists (the old file is kept as a .bak)
        #[arg(long)]
        force: bool,
    },
    /// Grade students' project files against a key: F1 per label, relation accuracy, completion
    Grade {
        /// The instructor's project file with the key annotations
        key: PathBuf,
        /// Students' project files
        #[arg(required = true, num_args = 1..)]
        students: Vec<PathBuf>,
        /// Write the grades to this CSV file (one row per student)
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Write a feedback page per student (self-contained HTML) into this folder
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// Make the file to hand out from a key: its documents and codebook (locked) and the
    /// instructions, without the key's annotations, relations, memos or document variables
    Assignment {
        /// The instructor's project file with the key annotations (it is not changed)
        key: PathBuf,
        /// The assignment file to write
        #[arg(short, long)]
        output: PathBuf,
        /// A text file with the instructions for the students (UTF-8)
        #[arg(long)]
        instructions: Option<PathBuf>,
        /// Overwrite OUTPUT if it exists
        #[arg(long)]
        force: bool,
    },
}

/// Runs an analysis subcommand; returns the exit code.
pub fn run(command: &AnalysisCommand, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match command {
        AnalysisCommand::Agree { project, annotators, documents, json, csv } => {
            agree(project, annotators.as_deref(), documents.as_deref(), *json, csv.as_deref(), out, err)
        }
        AnalysisCommand::Combine { output, projects, force } => combine_files(output, projects, *force, out, err),
        AnalysisCommand::Grade { key, students, csv, html } => {
            grade_files(key, students, csv.as_deref(), html.as_deref(), out, err)
        }
        AnalysisCommand::Assignment { key, output, instructions, force } => {
            assignment(key, output, instructions.as_deref(), *force, out, err)
        }
    }
}

fn assignment(
    key_path: &Path,
    output: &Path,
    instructions: Option<&Path>,
    force: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if store::same_file(key_path, output) {
        let _ = writeln!(err, "{}: the assignment would replace the key; name another file", output.display());
        return 1;
    }
    if output.exists() && !force {
        let _ = writeln!(err, "{} exists; use --force to replace it", output.display());
        return 1;
    }
    let text = match instructions.map(std::fs::read_to_string).transpose() {
        Ok(text) => text.unwrap_or_default(),
        Err(error) => {
            let path = instructions.map(Path::display);
            let _ = writeln!(
                err,
                "{}: cannot read the instructions: {error}",
                path.map(|p| p.to_string()).unwrap_or_default()
            );
            return 1;
        }
    };
    let Some(key) = load(key_path, err) else { return 1 };
    let (project, left_out) = handout(&key, &text);
    match store::save(&project, output) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "wrote {} ({} documents, codebook locked{}); left out: {}",
                output.display(),
                project.documents.len(),
                if project.instructions.is_empty() { ", no instructions" } else { ", with instructions" },
                left_out.describe()
            );
            0
        }
        Err(error) => {
            let _ = writeln!(err, "{error}");
            1
        }
    }
}

fn load(path: &Path, err: &mut dyn Write) -> Option<Project> {
    match store::load(path) {
        Ok(project) => Some(project),
        Err(error) => {
            let _ = writeln!(err, "{}: cannot read project", path.display());
            for problem in error.problems() {
                let _ = writeln!(err, "  {problem}");
            }
            None
        }
    }
}

fn number(value: &Coefficient) -> Json {
    match value {
        Ok(v) if v.is_finite() => json!(v),
        _ => Json::Null,
    }
}

fn alphas_json(alphas: &LabelAlphas) -> Json {
    let per_label: Map<String, Json> =
        alphas.per_label.iter().map(|(label, result)| (label.clone(), number(&result.alpha))).collect();
    json!({ "per_label": per_label, "overall": number(&alphas.overall), "macro": number(&alphas.macro_average) })
}

fn scores_json(scores: &Scores) -> Json {
    json!({ "p": number(&scores.precision), "r": number(&scores.recall), "f1": number(&scores.f1) })
}

fn f1_json(report: &AgreementReport, counts: &SpanAgreement, mode: Mode) -> Json {
    let per_label: Map<String, Json> = report
        .labels
        .iter()
        .zip(&counts.per_label)
        .map(|(label, c)| (label.clone(), scores_json(&c.scores(mode))))
        .collect();
    json!({
        "per_label": per_label,
        "micro": scores_json(&counts.micro(mode)),
        "macro": scores_json(&counts.macro_average(mode)),
    })
}

fn agreement_json(report: &AgreementReport, project: &Project, selection: &Selection) -> Json {
    let by_document: Map<String, Json> =
        report.alpha_u_by_document.iter().map(|(d, a)| (d.clone(), alphas_json(a))).collect();
    let reasons: Map<String, Json> = rows(report)
        .into_iter()
        .filter(|row| !row.reason.is_empty())
        .map(|row| {
            let place =
                if row.document.is_empty() { row.scope.to_owned() } else { format!("{} {}", row.scope, row.document) };
            (format!("{place}: {} {}", row.measure, row.label), json!(row.reason))
        })
        .collect();
    let pairs: Vec<Json> = report
        .f1_pairs
        .iter()
        .map(|pair| {
            json!({
                "reference": pair.reference,
                "other": pair.other,
                "exact": f1_json(report, &pair.counts, Mode::Exact),
                "overlap": f1_json(report, &pair.counts, Mode::Overlap),
                "partial": f1_json(report, &pair.counts, Mode::Partial),
            })
        })
        .collect();
    let attributes: Map<String, Json> = all_attribute_agreements(project, selection)
        .into_iter()
        .map(|(id, result)| {
            let value = match result {
                Ok(agreement) => json!({
                    "level": agreement.level.name(),
                    "units": agreement.units,
                    "alpha": number(&agreement.alpha.alpha),
                    "alpha_ci": attribute_interval(&agreement).map_or(Json::Null, |i| json!({
                        "lower": i.lower,
                        "upper": i.upper,
                        "confidence": i.confidence,
                        "samples": i.estimates.len(),
                        "method": "Krippendorff's bootstrap, seed 1",
                    })),
                    "cohen_kappa": agreement.cohen.as_ref().map_or(Json::Null, |c| number(&c.kappa)),
                    "fleiss_kappa": agreement.fleiss.as_ref().map_or(Json::Null, |f| number(&f.kappa)),
                }),
                Err(why) => json!({ "alpha": Json::Null, "reason": why.0 }),
            };
            (id, value)
        })
        .collect();
    json!({
        "annotators": report.annotators,
        "documents": report.documents,
        "alpha_u": alphas_json(&report.alpha_u),
        "alpha_u_by_document": by_document,
        "f1": {
            "exact": f1_json(report, &report.f1, Mode::Exact),
            "overlap": f1_json(report, &report.f1, Mode::Overlap),
        },
        "f1_partial": f1_json(report, &report.f1, Mode::Partial),
        "f1_pairs": pairs,
        "attributes": attributes,
        "merged_units": report.alpha_u.merged_units,
        "undefined": reasons,
    })
}

fn agreement_text(report: &AgreementReport, project: &Project, selection: &Selection) -> String {
    let mut text = String::new();
    let label_name = |id: &str| project.codebook.label(id).map_or(id.to_owned(), |l| l.name.clone());
    let width = project.codebook.labels.iter().map(|l| l.name.chars().count()).max().unwrap_or(8).max(14);
    let _ = writeln!(
        text,
        "Coders: {} ({} document{}: {})",
        if report.annotators.is_empty() { "none".to_owned() } else { report.annotators.join(", ") },
        report.documents.len(),
        if report.documents.len() == 1 { "" } else { "s" },
        report.documents.join(", ")
    );
    let _ = writeln!(text, "\nKrippendorff's unitizing alpha (alpha_U), code points, all documents end to end");
    let _ = writeln!(text, "  {:width$}  {:>8}  {:>10}  {:>10}  {:>6}", "label", "alpha_U", "D_o", "D_e", "units");
    for (label, result) in &report.alpha_u.per_label {
        let _ = writeln!(
            text,
            "  {:width$}  {:>8}  {:>10.6}  {:>10.6}  {:>6}",
            label_name(label),
            show(&result.alpha),
            result.observed,
            result.expected,
            result.units
        );
    }
    let _ = writeln!(text, "  {:width$}  {:>8}", "overall", show(&report.alpha_u.overall));
    let _ = writeln!(text, "  {:width$}  {:>8}", "macro", show(&report.alpha_u.macro_average));
    if report.alpha_u.merged_units > 0 {
        let _ = writeln!(
            text,
            "  ({} overlapping spans of one coder and label were merged into one unit first)",
            report.alpha_u.merged_units
        );
    }
    if report.alpha_u_by_document.len() > 1 {
        let _ = writeln!(text, "\nalpha_U per document");
        for (document, alphas) in &report.alpha_u_by_document {
            let labels: Vec<String> =
                alphas.per_label.iter().map(|(l, r)| format!("{} {}", label_name(l), show(&r.alpha))).collect();
            let _ = writeln!(
                text,
                "  {document}: overall {}, macro {}; {}",
                show(&alphas.overall),
                show(&alphas.macro_average),
                labels.join(", ")
            );
        }
    }
    if let Some(why) = &report.f1_undefined {
        let _ = writeln!(text, "\nSpan F1: {why}");
    } else if let Some(reference) = report.annotators.first() {
        let others = report.annotators[1..].join(", ");
        let _ = writeln!(text, "\nSpan precision / recall / F1 of {others} against {reference}");
        let header = format!("  {:width$}  {:^20}   {:^20}", "", "exact", "overlap");
        let _ = writeln!(text, "{}", header.trim_end());
        let _ = writeln!(
            text,
            "  {:width$}  {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}",
            "label", "P", "R", "F1", "P", "R", "F1"
        );
        let mut line = |name: &str, exact: Scores, overlap: Scores| {
            let _ = writeln!(
                text,
                "  {:width$}  {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}",
                name,
                show(&exact.precision),
                show(&exact.recall),
                show(&exact.f1),
                show(&overlap.precision),
                show(&overlap.recall),
                show(&overlap.f1)
            );
        };
        for (label, counts) in report.labels.iter().zip(&report.f1.per_label) {
            line(&label_name(label), counts.scores(Mode::Exact), counts.scores(Mode::Overlap));
        }
        line("micro", report.f1.micro(Mode::Exact), report.f1.micro(Mode::Overlap));
        line("macro", report.f1.macro_average(Mode::Exact), report.f1.macro_average(Mode::Overlap));
    }
    let attributes = all_attribute_agreements(project, selection);
    if !attributes.is_empty() {
        let _ = writeln!(text, "\nAttributes (Krippendorff's alpha on spans the coders marked identically)");
        for (id, result) in attributes {
            match result {
                Ok(a) => {
                    let _ = writeln!(text, "  {}", attribute_line(&id, &a, attribute_interval(&a).as_ref()));
                }
                Err(why) => {
                    let _ = writeln!(text, "  {id}: - ({why})");
                }
            }
        }
    }
    let undefined = undefined_lines(report, project);
    if !undefined.is_empty() {
        let _ = writeln!(text, "\nUndefined (shown as -)");
        for line in undefined {
            let _ = writeln!(text, "  {line}");
        }
    }
    text
}

fn write_file(path: &Path, text: &str, err: &mut dyn Write) -> bool {
    match store::write_atomic(path, text.as_bytes()) {
        Ok(()) => true,
        Err(error) => {
            let _ = writeln!(err, "{error}");
            false
        }
    }
}

fn agree(
    path: &Path,
    annotators: Option<&[String]>,
    documents: Option<&[String]>,
    as_json: bool,
    csv: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(project) = load(path, err) else { return 1 };
    let report = match agreement(&project, annotators, documents) {
        Ok(report) => report,
        Err(error) => {
            let _ = writeln!(err, "{}: {error}", path.display());
            return 1;
        }
    };
    let selection = Selection { annotators: report.annotators.clone(), documents: report.documents.clone() };
    if let Some(csv) = csv
        && !write_file(csv, &agreement_csv(&report), err)
    {
        return 1;
    }
    if as_json {
        let value = agreement_json(&report, &project, &selection);
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    } else {
        let _ = write!(out, "{}", agreement_text(&report, &project, &selection));
    }
    0
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn combine_files(output: &Path, paths: &[PathBuf], force: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    if output.exists() && !force {
        let _ =
            writeln!(err, "{} exists; use --force to replace it (the old file is kept as a .bak)", output.display());
        return 1;
    }
    let mut projects = Vec::new();
    for path in paths {
        let Some(project) = load(path, err) else { return 1 };
        projects.push((file_name(path), project));
    }
    let (base_name, mut base) = projects.remove(0);
    let files: Vec<CoderFile> = projects.into_iter().map(|(name, project)| CoderFile { name, project }).collect();
    let (edit, report) = match combine(&base, &files) {
        Ok(result) => result,
        Err(error) => {
            let _ = writeln!(err, "{error}");
            return 1;
        }
    };
    // Document variables are compared across the files before the base changes.
    let mut everyone: Vec<(String, &Project)> = vec![(base_name.clone(), &base)];
    everyone.extend(files.iter().map(|f| (f.name.clone(), &f.project)));
    let variables = all_variable_agreements(&everyone);
    let variable_lines: Vec<String> = variables
        .iter()
        .map(|(id, result)| match result {
            Ok(a) => format!(
                "document variable {id}: alpha ({}) {} across the files, on {} documents",
                a.level.name(),
                show(&a.alpha.alpha),
                a.units
            ),
            Err(why) => format!("document variable {id}: - ({why})"),
        })
        .collect();
    if let Err(error) = apply(&mut base, edit) {
        let _ = writeln!(err, "cannot combine: {error}");
        return 1;
    }
    let _ = writeln!(out, "base: {base_name}");
    for line in report.lines() {
        let _ = writeln!(out, "{line}");
    }
    for line in variable_lines {
        let _ = writeln!(out, "{line}");
    }
    match store::save(&base, output) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "wrote {} ({} documents, {} annotations, coders: {})",
                output.display(),
                base.documents.len(),
                base.annotation_count(),
                base.annotators.iter().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ")
            );
            0
        }
        Err(error) => {
            let _ = writeln!(err, "{error}");
            1
        }
    }
}

fn grade_files(
    key_path: &Path,
    students: &[PathBuf],
    csv: Option<&Path>,
    html: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(key) = load(key_path, err) else { return 1 };
    let mut graded: Vec<(String, Grade)> = Vec::new();
    if let Some(dir) = html
        && let Err(error) = std::fs::create_dir_all(dir)
    {
        let _ = writeln!(err, "cannot create {}: {error}", dir.display());
        return 1;
    }
    let _ = writeln!(
        out,
        "{:24} {:28} {:>8} {:>8} {:>8} {:>10}",
        "student", "file", "exact F1", "overl F1", "relation", "completion"
    );
    let mut failed = false;
    for path in students {
        let Some(student) = load(path, err) else {
            failed = true;
            continue;
        };
        let result = grade(&key, &student);
        let name = file_name(path);
        let _ = writeln!(
            out,
            "{:24} {:28} {:>8} {:>8} {:>8} {:>10}",
            result.student,
            name,
            show(&result.spans.micro(Mode::Exact).f1),
            show(&result.spans.micro(Mode::Overlap).f1),
            show(&result.relations.accuracy),
            show(&result.completion)
        );
        if !result.missing_documents.is_empty() {
            let _ = writeln!(
                out,
                "  {name}: not in the file (or its text differs): {}",
                result.missing_documents.join(", ")
            );
        }
        if let Some(dir) = html {
            let page = dir.join(gradebook::feedback_file_name(&name));
            if !write_file(&page, &feedback_html(&key, &student, &result), err) {
                failed = true;
            }
        }
        graded.push((name, result));
    }
    if let Some(csv) = csv
        && !write_file(csv, &gradebook::csv(&key, graded.iter().map(|(name, g)| (name.as_str(), g))), err)
    {
        return 1;
    }
    if failed { 1 } else { 0 }
}
