//! The command line: `validate` and `stats` on good and bad files, run as a real process.

mod common;

use std::process::Command;

fn spanwise(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_spanwise")).args(args).output().expect("run spanwise");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn validate_accepts_the_sample() {
    let path = common::sample_project_path();
    let (code, out, err) = spanwise(&["validate", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("valid (1 documents, "), "{out}");
}

#[test]
fn validate_rejects_a_damaged_file_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(common::sample_project_path()).unwrap();
    let damaged = source.replacen("label: \"actor\"", "label: \"person\"", 1);
    let path = dir.path().join("bad.spanwise.ron");
    std::fs::write(&path, &damaged).unwrap();
    let (code, _, err) = spanwise(&["validate", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    let line = damaged.lines().position(|l| l.contains("label: \"person\"")).unwrap() + 1;
    assert!(err.contains(&format!("line {line}: document \"d1\", annotation ")), "{err}");
    assert!(err.contains("unknown label \"person\""), "{err}");
}

#[test]
fn validate_reports_a_missing_file() {
    let (code, _, err) = spanwise(&["validate", "/no/such/file.spanwise.ron"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read /no/such/file.spanwise.ron"), "{err}");
}

#[test]
fn stats_counts_labels_per_document() {
    let path = common::sample_project_path();
    let project = spanwise::store::load(&path).unwrap();
    let (code, out, err) = spanwise(&["stats", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let header = out.lines().next().unwrap();
    for name in ["Claim", "Quote", "Actor", "Recommendation", "total"] {
        assert!(header.contains(name), "{header}");
    }
    let count = |label: &str| project.documents[0].annotations.iter().filter(|a| a.label == label).count();
    let row: Vec<String> = out.lines().nth(1).unwrap().split_whitespace().map(str::to_owned).collect();
    let numbers: Vec<usize> = row[row.len() - 5..].iter().map(|n| n.parse().unwrap()).collect();
    assert_eq!(
        numbers,
        [
            count("claim"),
            count("quote"),
            count("actor"),
            count("recommendation"),
            project.documents[0].annotations.len()
        ]
    );
    // Every label has examples, and no two counts are equal, so a column mix-up would show.
    let mut labels = numbers[..4].to_vec();
    labels.sort_unstable();
    labels.dedup();
    assert!(labels.len() == 4 && labels[0] > 0, "distinct non-zero counts per label: {numbers:?}");
}

#[test]
fn stats_on_a_bad_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.spanwise.ron");
    std::fs::write(&path, "not a project").unwrap();
    let (code, out, err) = spanwise(&["stats", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("not a Spanwise project file"), "{err}");
}

#[test]
fn help_explains_the_commands() {
    let (code, out, _) = spanwise(&["--help"]);
    assert_eq!(code, 0);
    for word in ["validate", "stats", "FILE", ".spanwise.ron"] {
        assert!(out.contains(word), "{out}");
    }
}
