//! The classroom in the library and on the command line: the handout made from a key (nothing of
//! the key in it, the codebook locked, the instructions kept, it loads back), a student who
//! annotates it and is graded, the instructions through a merge, the gradebook CSV, and
//! `spanwise assignment`.

mod common;

use std::path::Path;
use std::process::Command;

use common::classroom::{INSTRUCTIONS, key, pat, sam};
use spanwise::analysis::assignment::{LeftOut, handout};
use spanwise::analysis::grade::grade;
use spanwise::analysis::gradebook;
use spanwise::analysis::span_f1::Mode;
use spanwise::store;
use spanwise::store::merge::{BaseItems, merge};

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

#[test]
fn the_handout_keeps_texts_and_codebook_and_leaves_the_key_out() {
    let key = key();
    assert!(!key.codebook.locked);
    let (handout, left_out) = handout(&key, &format!("{INSTRUCTIONS}\n\n"));
    assert_eq!(left_out, LeftOut { annotations: 5, relations: 1, memos: 1, variables: 1, annotators: 1 });
    assert_eq!(left_out.describe(), "5 annotations, 1 relation, 1 memo, 1 document variable value and 1 annotator");
    // Nothing of the key's coding.
    assert_eq!(handout.annotation_count(), 0);
    assert!(handout.documents.iter().all(|d| d.relations.is_empty() && d.variables.is_empty()));
    assert!(handout.memos.is_empty() && handout.annotators.is_empty());
    // The same texts (matched by hash), names, metadata and codebook, locked.
    for (a, b) in key.documents.iter().zip(&handout.documents) {
        assert_eq!(
            (&a.id, &a.name, &a.text, &a.sha256, &a.metadata),
            (&b.id, &b.name, &b.text, &b.sha256, &b.metadata)
        );
    }
    assert!(
        handout.documents[0].text.contains("شبکه\u{200c}های اجتماعی 社交媒体")
            && !handout.documents[0].text.contains('\r')
    );
    assert!(handout.codebook.locked);
    assert_eq!(handout.codebook.labels, key.codebook.labels);
    assert_eq!(handout.codebook.document_fields, key.codebook.document_fields);
    assert_eq!(handout.instructions, INSTRUCTIONS, "kept, trailing blank lines trimmed");
    assert_eq!((&handout.name, &handout.description), (&key.name, &key.description));
    // The key itself is untouched.
    assert_eq!(key.annotation_count(), 5);
}

#[test]
fn the_handout_loads_back_and_a_student_who_annotates_it_is_graded() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (handout, _) = handout(&key, INSTRUCTIONS);
    let path = dir.path().join("assignment.spanwise.ron");
    store::save(&handout, &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("instructions: \"Tag every claim"), "{}", &text[..400]);
    assert!(text.contains("locked: true"));
    let loaded = store::load(&path).unwrap();
    assert_eq!(loaded.instructions, INSTRUCTIONS);
    assert!(loaded.codebook.locked);
    assert_eq!(loaded.annotation_count(), 0);
    // A project without instructions does not write the field.
    let plain = dir.path().join("plain.spanwise.ron");
    store::save(&key, &plain).unwrap();
    assert!(!std::fs::read_to_string(&plain).unwrap().contains("instructions"));

    // Students annotate the loaded handout and save; their files are graded against the key.
    let pat_path = dir.path().join("pat.spanwise.ron");
    store::save(&pat(&loaded), &pat_path).unwrap();
    let pat_grade = grade(&key, &store::load(&pat_path).unwrap());
    assert_eq!(pat_grade.student, "Pat");
    for mode in [Mode::Exact, Mode::Overlap] {
        assert_eq!(pat_grade.spans.micro(mode).f1, Ok(1.0));
    }
    assert_eq!(pat_grade.relations.accuracy, Ok(1.0));
    assert_eq!(pat_grade.completion, Ok(1.0));

    let sam_grade = grade(&key, &sam(&loaded));
    let exact = sam_grade.spans.micro(Mode::Exact);
    assert_eq!((exact.precision, exact.recall), (Ok(1.0 / 4.0), Ok(1.0 / 5.0)));
    let overlap = sam_grade.spans.micro(Mode::Overlap);
    assert_eq!((overlap.precision, overlap.recall, overlap.f1), (Ok(2.0 / 4.0), Ok(2.0 / 5.0), Ok(4.0 / 9.0)));
    assert_eq!(sam_grade.relations.accuracy, Ok(0.0));
    assert_eq!(sam_grade.completion, Ok(0.5));
    assert!(sam_grade.missing_documents.is_empty());
}

#[test]
fn instructions_merge_like_the_description() {
    let (base, _) = handout(&key(), INSTRUCTIONS);
    let base_items = BaseItems::of(&base);
    let mut theirs = base.clone();
    theirs.instructions = "Revised: tag claims only. Grüße 🎉".into();
    let merged = merge(Some(&base_items), &base, &theirs).resolve(&[]).unwrap();
    assert_eq!(merged.project.instructions, theirs.instructions);
    assert!(merged.report.theirs_taken.to_string().contains("instructions"), "{}", merged.report.theirs_taken);
    // Both changed it: a conflict, named as the instructions.
    let mut mine = base.clone();
    mine.instructions = "Mine: 社交媒体".into();
    let conflicted = merge(Some(&base_items), &mine, &theirs);
    assert_eq!(conflicted.conflicts().len(), 1);
    assert_eq!(conflicted.conflicts()[0].what, "project instructions");
}

#[test]
fn the_gradebook_has_a_row_per_student_in_the_order_given() {
    let key = key();
    let (handout, _) = handout(&key, "");
    let (pat, sam) = (grade(&key, &pat(&handout)), grade(&key, &sam(&handout)));
    let csv = gradebook::csv(&key, [("pat.spanwise.ron", &pat), ("sam, the second.spanwise.ron", &sam)]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("student,file,documents,documents_found,completion,relation_accuracy,exact_p"));
    assert!(lines[0].ends_with(",recommendation_exact_f1,recommendation_overlap_f1"));
    assert!(lines[1].starts_with("Pat,pat.spanwise.ron,2,2,1.0000,1.0000,1.0000,1.0000,1.0000,"));
    assert!(lines[2].starts_with(
        "Sam,\"sam, the second.spanwise.ron\",2,2,0.5000,0.0000,0.2500,0.2000,0.2222,0.5000,0.4000,0.4444,"
    ));
}

#[test]
fn spanwise_assignment_writes_the_handout() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("key.spanwise.ron");
    store::save(&key(), &key_path).unwrap();
    let instructions = dir.path().join("instructions.txt");
    std::fs::write(&instructions, format!("\u{feff}{}\r\n", INSTRUCTIONS.replace('\n', "\r\n"))).unwrap();
    let out = dir.path().join("Grüße 🎉 handout.spanwise.ron");
    let (code, stdout, stderr) =
        spanwise(&["assignment", s(&key_path), "-o", s(&out), "--instructions", s(&instructions)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2 documents, codebook locked, with instructions"), "{stdout}");
    assert!(stdout.contains("left out: 5 annotations, 1 relation, 1 memo, 1 document variable value and 1 annotator"));
    let handout = store::load(&out).unwrap();
    assert_eq!(handout.instructions, INSTRUCTIONS, "line ends made \\n, the byte-order mark removed");
    assert!(handout.codebook.locked && handout.annotation_count() == 0);
    // It refuses to replace a file, above all the key.
    let (code, _, stderr) = spanwise(&["assignment", s(&key_path), "-o", s(&out)]);
    assert_eq!(code, 1);
    assert!(stderr.contains("exists; use --force"), "{stderr}");
    let (code, _, stderr) = spanwise(&["assignment", s(&key_path), "-o", s(&key_path), "--force"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("would replace the key"), "{stderr}");
    assert_eq!(store::load(&key_path).unwrap().annotation_count(), 5, "the key is untouched");
    // Bad input: a clear message, nothing written.
    let missing = dir.path().join("nope.txt");
    let other = dir.path().join("other.spanwise.ron");
    let (code, _, stderr) = spanwise(&["assignment", s(&key_path), "-o", s(&other), "--instructions", s(&missing)]);
    assert_eq!(code, 1);
    assert!(stderr.contains("nope.txt: cannot read the instructions"), "{stderr}");
    assert!(!other.exists());
}
