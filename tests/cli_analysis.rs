//! `spanwise agree`, `combine` and `grade` as real processes: the exact JSON shape, the CSV with
//! reasons, refusals, and the worked example of docs/AGREEMENT.md.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use spanwise::model::{Annotation, Annotator, IdGenerator, Project};

fn spanwise(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_spanwise")).args(args).output().expect("run spanwise");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The second coder of the worked example: Bea's coding of the sample article, made from the
/// sample's own annotations so it is reproducible: every 9th (from the 5th) left out, every 6th
/// (from the 2nd) cut back by its last word, every 13th (from the 8th) given another label, two
/// spans of her own, the relations between what she kept.
fn bea(sample: &Project) -> Project {
    let mut project = sample.clone();
    project.annotators = vec![Annotator { id: "bea".into(), name: "Bea".into() }];
    let document = &mut project.documents[0];
    let mut ids = IdGenerator::seeded(0xbea);
    let mut kept: Vec<Box<Annotation>> = Vec::new();
    let mut new_id = std::collections::HashMap::new();
    for (i, annotation) in document.annotations.iter().enumerate() {
        if i % 9 == 4 {
            continue;
        }
        let mut copy = annotation.clone();
        copy.id = ids.next_id();
        copy.annotator = "bea".into();
        if i % 6 == 1 && copy.fragments.len() == 1 {
            let fragment = &copy.fragments[0];
            if let Some(space) = fragment.text.trim_end().rfind(' ') {
                let end = fragment.start + fragment.text[..space].chars().count();
                copy.fragments[0] = document.fragment(fragment.start..end).unwrap();
            }
        }
        if i % 13 == 7 {
            copy.label = match copy.label.as_str() {
                "claim" => "quote",
                "quote" => "claim",
                "actor" => "recommendation",
                _ => "claim",
            }
            .into();
        }
        new_id.insert(annotation.id, copy.id);
        kept.push(copy);
    }
    for (label, needle) in [("actor", "Behnam Gholipour"), ("claim", "Almost all of this impact is negative.")] {
        let byte = document.text.find(needle).unwrap();
        let start = document.text[..byte].chars().count();
        let fragment = document.fragment(start..start + needle.chars().count()).unwrap();
        kept.push(Box::new(Annotation {
            id: ids.next_id(),
            label: label.into(),
            fragments: vec![fragment],
            ..(*kept[0]).clone()
        }));
    }
    kept.sort_by_key(|a| a.sort_key());
    document.relations = document
        .relations
        .iter()
        .filter_map(|r| {
            let (from, to) = (*new_id.get(&r.from)?, *new_id.get(&r.to)?);
            let (from_label, to_label) =
                (&kept.iter().find(|a| a.id == from)?.label, &kept.iter().find(|a| a.id == to)?.label);
            let allowed = sample.codebook.relation_type(&r.kind)?;
            let fits = |allowed: &[String], label: &spanwise::model::Name| {
                allowed.is_empty() || allowed.iter().any(|l| l == label)
            };
            (fits(&allowed.from_labels, from_label) && fits(&allowed.to_labels, to_label)).then(|| {
                spanwise::model::Relation { id: ids.next_id(), from, to, annotator: "bea".into(), ..r.clone() }
            })
        })
        .collect();
    document.annotations = kept;
    document.touch();
    project
}

fn bea_path() -> PathBuf {
    common::manifest_dir().join("tests/fixtures/agreement/bea.spanwise.ron")
}

#[test]
fn the_second_coder_fixture_is_reproducible() {
    let sample = spanwise::store::load(&common::sample_project_path()).unwrap();
    let expected = spanwise::store::to_string(&bea(&sample));
    if std::env::var_os("SPANWISE_WRITE_FIXTURES").is_some() {
        std::fs::create_dir_all(bea_path().parent().unwrap()).unwrap();
        std::fs::write(bea_path(), &expected).unwrap();
    }
    let on_disk = std::fs::read_to_string(bea_path())
        .unwrap_or_else(|e| panic!("{}: {e} (run with SPANWISE_WRITE_FIXTURES=1 to write it)", bea_path().display()));
    assert!(on_disk == expected, "tests/fixtures/agreement/bea.spanwise.ron is out of date with bea()");
    assert!(spanwise::store::load(&bea_path()).is_ok());
}

/// The sample and Bea combined, in a temporary folder.
fn combined(dir: &Path) -> PathBuf {
    let out = dir.join("both.spanwise.ron");
    let sample = common::sample_project_path();
    let (code, stdout, stderr) = spanwise(&["combine", s(&out), s(&sample), s(&bea_path())]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("bea.spanwise.ron: "), "{stdout}");
    out
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn is_number_or_null(value: &Value) -> bool {
    value.is_null() || value.as_f64().is_some_and(f64::is_finite)
}

/// `{"per_label": {LABEL: number|null}, "overall": number|null, "macro": number|null}`.
fn check_alpha_shape(value: &Value, labels: &[&str]) {
    assert_eq!(keys(value), ["macro", "overall", "per_label"]);
    let mut expected = labels.to_vec();
    expected.sort_unstable();
    assert_eq!(keys(&value["per_label"]), expected);
    for label in labels {
        assert!(is_number_or_null(&value["per_label"][label]), "{value}");
    }
    assert!(is_number_or_null(&value["overall"]) && is_number_or_null(&value["macro"]));
}

fn check_scores_shape(value: &Value) {
    assert_eq!(keys(value), ["f1", "p", "r"]);
    for key in ["p", "r", "f1"] {
        assert!(is_number_or_null(&value[key]), "{value}");
    }
}

#[test]
fn agree_json_has_exactly_the_promised_shape() {
    let dir = tempfile::tempdir().unwrap();
    let project = combined(dir.path());
    let (code, stdout, stderr) = spanwise(&["agree", s(&project), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    let labels = ["claim", "quote", "actor", "recommendation"];
    // The promised keys come first in the contract; more may follow.
    for key in ["annotators", "documents", "alpha_u", "alpha_u_by_document", "f1"] {
        assert!(json.get(key).is_some(), "missing {key}: {stdout}");
    }
    assert_eq!(json["annotators"], serde_json::json!(["sample", "bea"]));
    assert_eq!(json["documents"], serde_json::json!(["d1"]));
    check_alpha_shape(&json["alpha_u"], &labels);
    assert_eq!(keys(&json["alpha_u_by_document"]), ["d1"]);
    check_alpha_shape(&json["alpha_u_by_document"]["d1"], &labels);
    assert_eq!(keys(&json["f1"]), ["exact", "overlap"]);
    for mode in ["exact", "overlap"] {
        let f1 = &json["f1"][mode];
        assert_eq!(keys(f1), ["macro", "micro", "per_label"]);
        check_scores_shape(&f1["micro"]);
        check_scores_shape(&f1["macro"]);
        for label in labels {
            check_scores_shape(&f1["per_label"][label]);
        }
    }
    // One document: the corpus is that document.
    assert_eq!(json["alpha_u"]["overall"], json["alpha_u_by_document"]["d1"]["overall"]);
    let overall = json["alpha_u"]["overall"].as_f64().unwrap();
    assert!(overall > 0.5 && overall < 1.0, "{overall}");
    let exact = json["f1"]["exact"]["micro"]["f1"].as_f64().unwrap();
    let overlap = json["f1"]["overlap"]["micro"]["f1"].as_f64().unwrap();
    assert!(exact < overlap && overlap <= 1.0, "{exact} {overlap}");
}

#[test]
fn undefined_values_are_null_with_the_reason_in_csv_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let project = combined(dir.path());
    // Only Bea's layer and the sample's, restricted to one annotator: nothing to compare.
    let csv = dir.path().join("agreement.csv");
    let (code, stdout, stderr) = spanwise(&["agree", s(&project), "--annotators", "bea", "--json", "--csv", s(&csv)]);
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert!(json["alpha_u"]["overall"].is_null());
    assert!(json["f1"]["exact"]["micro"]["f1"].is_null());
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = csv_text.lines();
    assert_eq!(lines.next(), Some("scope,document,label,measure,value,reason"));
    assert!(
        csv_text.contains("corpus,,overall,alpha_u,,agreement needs at least two coders; there is 1"),
        "{csv_text}"
    );
    assert!(csv_text.contains("corpus,,micro,exact_f1,,"), "{csv_text}");
    // The human-readable output says why, too.
    let (_, text, _) = spanwise(&["agree", s(&project), "--annotators", "bea"]);
    assert!(text.contains("Undefined (shown as -)"), "{text}");
    assert!(text.contains("alpha_u overall: agreement needs at least two coders"), "{text}");
    // With both coders, a label nobody... every label is used here; the CSV has numbers.
    let (code, _, _) = spanwise(&["agree", s(&project), "--csv", s(&csv)]);
    assert_eq!(code, 0);
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    let row = csv_text.lines().find(|l| l.starts_with("corpus,,overall,alpha_u,")).unwrap();
    let value: f64 = row.split(',').nth(4).unwrap().parse().unwrap();
    assert!(value > 0.5 && value < 1.0);
}

#[test]
fn agree_refuses_unknown_names() {
    let dir = tempfile::tempdir().unwrap();
    let project = combined(dir.path());
    let (code, stdout, stderr) = spanwise(&["agree", s(&project), "--annotators", "sample,zoe"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("no annotator \"zoe\" in the project (its annotators: sample, bea)"), "{stderr}");
    let (code, _, stderr) = spanwise(&["agree", s(&project), "--documents", "d7"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no document \"d7\""), "{stderr}");
    let (code, _, stderr) = spanwise(&["agree", "/no/such.spanwise.ron"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn combine_reports_a_conflicting_file_and_does_not_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = combined(dir.path());
    // A second run into the same file needs --force.
    let (code, _, stderr) = spanwise(&["combine", s(&out), s(&common::sample_project_path()), s(&bea_path())]);
    assert_eq!(code, 1);
    assert!(stderr.contains("exists; use --force"), "{stderr}");
    // A file whose text was changed is reported and not merged.
    let mut changed = spanwise::store::load(&bea_path()).unwrap();
    changed.annotators[0] = Annotator { id: "cem".into(), name: "Cem".into() };
    let document = &mut changed.documents[0];
    let text = document.text.replacen("Official Study", "Official Survey", 1);
    *document = spanwise::model::Document::new("d1", document.name.clone(), text);
    let changed_path = dir.path().join("cem.spanwise.ron");
    spanwise::store::save(&changed, &changed_path).unwrap();
    let (code, stdout, stderr) =
        spanwise(&["combine", s(&out), s(&common::sample_project_path()), s(&bea_path()), s(&changed_path), "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("cem.spanwise.ron: document \"d1\""), "{stdout}");
    assert!(stdout.contains("has a different text than the project's \"d1\""), "{stdout}");
    let project = spanwise::store::load(&out).unwrap();
    assert!(project.documents[0].annotations.iter().all(|a| a.annotator != "cem"));
    assert!(out.with_file_name("both.spanwise.ron.bak").exists() || dir.path().read_dir().unwrap().count() > 2);
}

#[test]
fn grade_prints_writes_csv_and_feedback_pages() {
    let dir = tempfile::tempdir().unwrap();
    let key = common::sample_project_path();
    let html = dir.path().join("feedback");
    let csv = dir.path().join("grades.csv");
    let (code, stdout, stderr) =
        spanwise(&["grade", s(&key), s(&bea_path()), s(&key), "--csv", s(&csv), "--html", s(&html)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("bea.spanwise.ron"), "{stdout}");
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = csv_text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("student,file,documents,documents_found,completion,relation_accuracy,exact_p,"));
    assert!(header.ends_with("recommendation_exact_f1,recommendation_overlap_f1"));
    let bea_row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(bea_row[0], "Bea");
    assert_eq!(bea_row[4], "1.0000", "completion");
    let exact_f1: f64 = bea_row[8].parse().unwrap();
    let overlap_f1: f64 = bea_row[11].parse().unwrap();
    assert!(exact_f1 < overlap_f1 && overlap_f1 < 1.0);
    // The key graded against itself is perfect.
    let key_row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&key_row[6..12], ["1.0000"; 6]);
    let page = std::fs::read_to_string(html.join("bea.html")).unwrap();
    assert!(page.contains("<h1>Feedback for Bea: "), "{}", &page[..300]);
    // Of the sample's 126 spans Bea left out 14 (every 9th from the 5th) and relabelled 9 (every
    // 13th from the 8th, less one she left out): 23 missed. Extra: her 2 own and the 9 relabelled.
    // Cut back by their last word: the 14 of every 6th (from the 2nd) that she kept and that have
    // more than one word.
    assert!(page.contains("<h3>Missed (23)</h3>"), "{page}");
    assert!(page.contains("<h3>Extra (11): not in the key</h3>"));
    assert!(page.contains("<h3>Other boundaries (14)</h3>"));
    // A student file that cannot be read fails the run but the others are graded.
    let broken = dir.path().join("broken.spanwise.ron");
    std::fs::write(&broken, "not a project").unwrap();
    let (code, stdout, stderr) = spanwise(&["grade", s(&key), s(&broken), s(&bea_path())]);
    assert_eq!(code, 1);
    assert!(stderr.contains("broken.spanwise.ron: cannot read project"), "{stderr}");
    assert!(stdout.contains("bea.spanwise.ron"));
}

#[test]
fn the_worked_example_in_the_docs_is_what_agree_prints() {
    let dir = tempfile::tempdir().unwrap();
    let project = combined(dir.path());
    let (code, stdout, stderr) = spanwise(&["agree", s(&project)]);
    assert_eq!(code, 0, "{stderr}");
    let docs = std::fs::read_to_string(common::manifest_dir().join("docs/AGREEMENT.md")).unwrap();
    let start = docs.find("<!-- agree output -->").expect("docs/AGREEMENT.md marks the example output");
    let end = docs[start..].find("```\n\n").map(|e| start + e).unwrap();
    let shown = &docs[start..end];
    let shown = shown[shown.find("```text\n").unwrap() + 8..].trim_end();
    assert_eq!(shown, stdout.trim_end(), "docs/AGREEMENT.md shows other numbers than spanwise agree prints");
}

#[test]
fn help_lists_the_analysis_commands() {
    let (code, out, _) = spanwise(&["--help"]);
    assert_eq!(code, 0);
    for word in ["agree", "combine", "grade"] {
        assert!(out.contains(word), "{out}");
    }
    let (code, out, _) = spanwise(&["agree", "--help"]);
    assert_eq!(code, 0);
    for word in ["--annotators", "--documents", "--json", "--csv"] {
        assert!(out.contains(word), "{out}");
    }
}

/// Attribute agreement comes with Krippendorff's bootstrapped 95% interval (seeded: the same
/// numbers every run), in the text and in `--json` (`alpha_ci`).
#[test]
fn attribute_alpha_has_a_reproducible_bootstrap_interval() {
    use spanwise::model::Value as Coded;
    let dir = tempfile::tempdir().unwrap();
    let mut project = spanwise::store::load(&combined(dir.path())).unwrap();
    let stances = ["supports", "opposes", "neutral"];
    let document = &mut project.documents[0];
    let spans = |a: &Annotation| a.fragments.iter().map(|f| (f.start, f.end)).collect::<Vec<_>>();
    let sample_claims: Vec<(Vec<(usize, usize)>, usize)> = document
        .annotations
        .iter()
        .filter(|a| a.annotator == "sample" && a.label == "claim")
        .enumerate()
        .map(|(i, a)| (spans(a), i))
        .collect();
    assert!(sample_claims.len() > 10, "the sample has claims both coders marked");
    for annotation in document.annotations.iter_mut().filter(|a| a.label == "claim") {
        let Some(&(_, i)) = sample_claims.iter().find(|(s, _)| *s == spans(annotation)) else { continue };
        // The coders agree on most claims; Bea differs on every fourth.
        let stance = if annotation.annotator == "bea" && i % 4 == 3 { (i + 1) % 3 } else { i % 3 };
        annotation.attributes.insert("stance".into(), Coded::Choice(stances[stance].into()));
    }
    document.touch();
    let path = dir.path().join("coded.spanwise.ron");
    spanwise::store::save(&project, &path).unwrap();

    let (code, stdout, stderr) = spanwise(&["agree", s(&path), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let stance = &json["attributes"]["stance"];
    let alpha = stance["alpha"].as_f64().expect("alpha defined");
    let ci = &stance["alpha_ci"];
    let (lower, upper) = (ci["lower"].as_f64().unwrap(), ci["upper"].as_f64().unwrap());
    assert!(lower <= alpha && alpha <= upper && lower < upper, "{lower} <= {alpha} <= {upper}");
    assert_eq!(ci["confidence"].as_f64(), Some(0.95));
    assert_eq!(ci["samples"].as_u64(), Some(10_000));
    let (_, again, _) = spanwise(&["agree", s(&path), "--json"]);
    assert_eq!(again, stdout, "seeded: the same interval every run");
    let (_, text, _) = spanwise(&["agree", s(&path)]);
    assert!(text.contains(&format!("95% CI {lower:.3}..{upper:.3}")), "{text}");
}
