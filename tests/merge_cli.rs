//! `spanwise merge BASE MINE THEIRS -o OUT` as a real process: clean merges, conflicts (exit 1,
//! listed, OUT written with my side), choices on a second run, bad input (exit 2, nothing
//! written), and as git's merge driver in a temporary repository.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use spanwise::edit::{Edit, apply};
use spanwise::model::{Annotation, IdGenerator, Project};
use spanwise::store;

fn spanwise(args: &[&Path]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_spanwise")).args(args).output().expect("run spanwise");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn p(text: &str) -> &Path {
    Path::new(text)
}

fn sample() -> Project {
    store::load(&common::sample_project_path()).unwrap()
}

/// Tags the first occurrence of `needle` in the sample's document.
fn tag(project: &mut Project, needle: &str, label: &str, seed: u64) {
    let document = &project.documents[0];
    let byte = document.text.find(needle).unwrap();
    let start = document.text[..byte].chars().count();
    let annotation = Annotation {
        id: IdGenerator::seeded(seed).next_id(),
        label: label.into(),
        fragments: vec![document.fragment(start..start + needle.chars().count()).unwrap()],
        annotator: project.annotators[0].id.clone().into(),
        created: common::time(),
        modified: common::time(),
        note: String::new(),
        attributes: Default::default(),
    };
    apply(project, Edit::AddAnnotation { document: document.id.clone(), annotation }).unwrap();
}

/// Base, mine and theirs saved in `dir`.
fn versions(dir: &Path, mine: &Project, theirs: &Project) -> (PathBuf, PathBuf, PathBuf) {
    let paths = ["base", "mine", "theirs"].map(|name| dir.join(format!("{name}.spanwise.ron")));
    store::save(&sample(), &paths[0]).unwrap();
    store::save(mine, &paths[1]).unwrap();
    store::save(theirs, &paths[2]).unwrap();
    let [base, mine, theirs] = paths;
    (base, mine, theirs)
}

#[test]
fn a_clean_merge_exits_0_and_writes_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    // ("Study" and "Reveals" lie between the same two annotations of the sample.)
    let mut mine = sample();
    tag(&mut mine, "Reveals", "claim", 1);
    mine.description = "Meine Beschreibung: Grüße 🎉".into();
    let mut theirs = sample();
    tag(&mut theirs, "Study", "actor", 2);
    theirs.codebook.labels[0].color = "#000000".into();
    let (base, mine_path, theirs_path) = versions(dir.path(), &mine, &theirs);
    let out = dir.path().join("out.spanwise.ron");
    let (code, stdout, stderr) = spanwise(&[p("merge"), &base, &mine_path, &theirs_path, p("-o"), &out]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        format!(
            "From their version: 1 label changed; 1 annotation added.\n\
             Kept from yours: the project description changed; 1 annotation added.\n\
             No conflicts.\nWrote {}.\n",
            out.display()
        )
    );
    let merged = store::load(&out).unwrap();
    let mut expected = mine.clone();
    tag(&mut expected, "Study", "actor", 2);
    expected.codebook.labels[0].color = "#000000".into();
    assert_eq!(merged, expected);
    assert!(!store::backup_path(&out).exists(), "nothing was there to back up");
}

#[test]
fn conflicts_exit_1_are_listed_and_decided_by_a_second_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut mine = sample();
    mine.description = "Meine".into();
    mine.codebook.labels[1].color = "#111111".into();
    let mut theirs = sample();
    theirs.description = "توضیحات".into();
    theirs.codebook.labels[1].color = "#222222".into();
    tag(&mut theirs, "Study", "actor", 2);
    let (base, mine_path, theirs_path) = versions(dir.path(), &mine, &theirs);
    let out = dir.path().join("out.spanwise.ron");
    let (code, stdout, stderr) = spanwise(&[p("merge"), &base, &mine_path, &theirs_path, p("-o"), &out]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let expected_list = "2 conflicts, not decided: your version was written for now:\n\
                         \x20 1. project description (open, yours for now)\n\
                         \x20      yours:  \"Meine\"\n\
                         \x20      theirs: \"توضیحات\"\n\
                         \x20 2. label \"Quote\": colour (open, yours for now)\n\
                         \x20      yours:  #111111\n\
                         \x20      theirs: #222222\n";
    assert!(stdout.contains(expected_list), "{stdout}");
    assert!(stdout.contains("merge again with --take-theirs N"), "{stdout}");
    // OUT is a valid project: their annotation, my side of each conflict.
    let merged = store::load(&out).unwrap();
    assert_eq!(merged.description, "Meine");
    assert_eq!(merged.codebook.labels[1].color, "#111111");
    assert_eq!(merged.annotation_count(), theirs.annotation_count());

    // Decided: theirs for 1, mine for 2.
    let (code, stdout, stderr) = spanwise(&[
        p("merge"),
        &base,
        &mine_path,
        &theirs_path,
        p("-o"),
        &out,
        p("--take-theirs"),
        p("1"),
        p("--take-mine"),
        p("2"),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("2 conflicts, each decided:\n  1. project description (theirs taken)"), "{stdout}");
    assert!(stdout.contains("  2. label \"Quote\": colour (mine taken)"), "{stdout}");
    let merged = store::load(&out).unwrap();
    assert_eq!((merged.description.as_str(), merged.codebook.labels[1].color.as_str()), ("توضیحات", "#111111"));
    assert!(store::backup_path(&out).exists(), "the previous OUT is kept as .bak");

    // Everything theirs.
    let (code, _, _) =
        spanwise(&[p("merge"), &base, &mine_path, &theirs_path, p("-o"), &out, p("--prefer"), p("theirs")]);
    assert_eq!(code, 0);
    let merged = store::load(&out).unwrap();
    assert_eq!((merged.description.as_str(), merged.codebook.labels[1].color.as_str()), ("توضیحات", "#222222"));
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut theirs = sample();
    theirs.description = "x".into();
    let (base, mine_path, theirs_path) = versions(dir.path(), &sample(), &theirs);
    let out = dir.path().join("out.spanwise.ron");

    // A damaged version: the problem with its line.
    let damaged = dir.path().join("damaged.spanwise.ron");
    let text = std::fs::read_to_string(&theirs_path).unwrap().replacen("label: \"actor\"", "label: \"person\"", 1);
    std::fs::write(&damaged, &text).unwrap();
    let (code, stdout, stderr) = spanwise(&[p("merge"), &base, &mine_path, &damaged, p("-o"), &out]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    let line = text.lines().position(|l| l.contains("label: \"person\"")).unwrap() + 1;
    assert!(stderr.contains(&format!("theirs {}: cannot be merged", damaged.display())), "{stderr}");
    assert!(stderr.contains(&format!("line {line}: document \"d1\", annotation ")), "{stderr}");
    assert!(!out.exists());

    // A missing file.
    let missing = dir.path().join("missing.spanwise.ron");
    let (code, _, stderr) = spanwise(&[p("merge"), &missing, &mine_path, &theirs_path, p("-o"), &out]);
    assert_eq!(code, 2);
    assert!(stderr.contains("base ") && stderr.contains("cannot be read"), "{stderr}");

    // A conflict number that does not exist.
    let (code, _, stderr) =
        spanwise(&[p("merge"), &base, &mine_path, &theirs_path, p("-o"), &out, p("--take-theirs"), p("3")]);
    assert_eq!(code, 2);
    assert_eq!(stderr, "there is no conflict 3: this merge has 0 conflicts (numbered from 1)\n");
    assert!(!out.exists());
}

#[test]
fn an_empty_base_means_a_union() {
    let dir = tempfile::tempdir().unwrap();
    let mut mine = sample();
    tag(&mut mine, "Official", "claim", 1);
    let mut theirs = sample();
    let gone = theirs.documents[0].annotations[0].id;
    apply(&mut theirs, Edit::RemoveAnnotation { document: "d1".into(), id: gone }).unwrap();
    let (_, mine_path, theirs_path) = versions(dir.path(), &mine, &theirs);
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "").unwrap();
    let out = dir.path().join("out.spanwise.ron");
    let (code, stdout, stderr) = spanwise(&[p("merge"), &empty, &mine_path, &theirs_path, p("-o"), &out]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with(&format!("No base ({} is empty): merged as a union.", empty.display())), "{stdout}");
    assert_eq!(store::load(&out).unwrap(), mine, "nothing deleted: their deletion cannot be told from my addition");
}

// ---- as git's merge driver ----

/// Whether git can be run; without it the test cannot check anything (and fails under CI).
fn git_available() -> bool {
    let found = Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "git is needed for the merge driver tests (apt-get install git)");
        eprintln!("skipped: git is not installed");
    }
    found
}

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git")
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let output = git(dir, args);
    assert!(
        output.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const FILE: &str = "project.spanwise.ron";

/// A repository holding the sample on `main`, with Spanwise as the merge driver (if `driver`),
/// and a branch `theirs` made from `theirs`; `main` then gets `mine`.
fn repository(mine: &Project, theirs: &Project, driver: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_ok(repo, &["init", "-q", "-b", "main"]);
    git_ok(repo, &["config", "user.name", "Test Coder"]);
    git_ok(repo, &["config", "user.email", "coder@example.com"]);
    if driver {
        // As docs/MERGE.md says, with this build's binary.
        std::fs::write(repo.join(".gitattributes"), "*.spanwise.ron merge=spanwise\n").unwrap();
        git_ok(repo, &["config", "merge.spanwise.name", "Spanwise project merge"]);
        let command = format!("'{}' merge %O %A %B -o %A --no-backup", env!("CARGO_BIN_EXE_spanwise"));
        git_ok(repo, &["config", "merge.spanwise.driver", &command]);
    }
    store::save(&sample(), &repo.join(FILE)).unwrap();
    std::fs::remove_file(store::backup_path(&repo.join(FILE))).ok();
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "base"]);
    git_ok(repo, &["checkout", "-q", "-b", "theirs"]);
    store::save(theirs, &repo.join(FILE)).unwrap();
    std::fs::remove_file(store::backup_path(&repo.join(FILE))).ok();
    git_ok(repo, &["commit", "-q", "-am", "theirs"]);
    git_ok(repo, &["checkout", "-q", "main"]);
    store::save(mine, &repo.join(FILE)).unwrap();
    std::fs::remove_file(store::backup_path(&repo.join(FILE))).ok();
    git_ok(repo, &["commit", "-q", "-am", "mine"]);
    dir
}

#[test]
fn as_git_merge_driver_both_branches_changes_are_merged() {
    if !git_available() {
        return;
    }
    // Two coders tag neighbouring words: their new lines sit at the same place in the file, so a
    // line-based merge conflicts; and each changes something else.
    // ("Study" and "Reveals" lie between the same two annotations of the sample.)
    let mut mine = sample();
    tag(&mut mine, "Reveals", "claim", 1);
    mine.description = "Meine Beschreibung: Grüße 🎉".into();
    let mut theirs = sample();
    tag(&mut theirs, "Study", "actor", 2);
    theirs.codebook.labels[0].color = "#000000".into();

    let without = repository(&mine, &theirs, false);
    let output = git(without.path(), &["merge", "theirs", "-m", "merge"]);
    assert!(!output.status.success(), "a line merge of this case conflicts (else the test proves nothing)");

    let dir = repository(&mine, &theirs, true);
    let repo = dir.path();
    let output = git(repo, &["merge", "theirs", "-m", "merge"]);
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{said}");
    assert!(said.contains("From their version: 1 label changed; 1 annotation added."), "{said}");
    let merged = store::load(&repo.join(FILE)).unwrap();
    let mut expected = mine.clone();
    tag(&mut expected, "Study", "actor", 2);
    expected.codebook.labels[0].color = "#000000".into();
    assert_eq!(merged, expected);
    // Committed, and nothing left lying around.
    assert_eq!(git_ok(repo, &["status", "--porcelain"]), "");
    assert_eq!(git_ok(repo, &["log", "-1", "--format=%s"]), "merge\n");
}

#[test]
fn as_git_merge_driver_a_conflict_stops_the_merge_with_a_valid_file() {
    if !git_available() {
        return;
    }
    let mut mine = sample();
    mine.description = "Meine".into();
    tag(&mut mine, "Official", "claim", 1);
    let mut theirs = sample();
    theirs.description = "Ihre".into();
    tag(&mut theirs, "Study", "actor", 2);
    let dir = repository(&mine, &theirs, true);
    let repo = dir.path();
    let output = git(repo, &["merge", "theirs", "-m", "merge"]);
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!output.status.success(), "{said}");
    assert!(said.contains(&format!("CONFLICT (content): Merge conflict in {FILE}")), "{said}");
    assert!(said.contains("1. project description (open, yours for now)"), "{said}");
    assert!(said.contains("theirs: \"Ihre\""), "{said}");
    // The file is a project Spanwise opens: both new annotations, my description for now.
    let merged = store::load(&repo.join(FILE)).unwrap();
    assert_eq!(merged.description, "Meine");
    assert_eq!(merged.annotation_count(), sample().annotation_count() + 2);
    // git knows it is unmerged, and no backup or temporary file was left in the work tree.
    assert_eq!(git_ok(repo, &["status", "--porcelain"]), format!("UU {FILE}\n"));

    // Deciding as docs/MERGE.md says: the three versions from git's index, merged again.
    for (stage, name) in [(1, "base"), (2, "ours"), (3, "theirs")] {
        let text = git_ok(repo, &["show", &format!(":{stage}:{FILE}")]);
        std::fs::write(repo.join(format!("{name}.tmp")), text).unwrap();
    }
    let file = repo.join(FILE);
    let (code, stdout, stderr) = spanwise(&[
        p("merge"),
        &repo.join("base.tmp"),
        &repo.join("ours.tmp"),
        &repo.join("theirs.tmp"),
        p("-o"),
        &file,
        p("--no-backup"),
        p("--take-theirs"),
        p("1"),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(store::load(&file).unwrap().description, "Ihre");
    for name in ["base", "ours", "theirs"] {
        std::fs::remove_file(repo.join(format!("{name}.tmp"))).unwrap();
    }
    git_ok(repo, &["add", FILE]);
    git_ok(repo, &["commit", "-q", "--no-edit"]);
    assert_eq!(git_ok(repo, &["status", "--porcelain"]), "");
}
