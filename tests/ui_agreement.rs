//! The Agreement panel, its exports, the compare view and adjudication, driven headless with
//! egui_kittest on a crafted two-coder project (tricky text: ü, emoji, ZWJ, Persian with ZWNJ,
//! Chinese). The numbers are checked against the library; the CSV against `spanwise agree --csv`.
#![cfg(feature = "gui")]

mod common;

use std::time::{Duration, Instant};

use common::coders::two_coders_file;
use common::ui::{harness, test_settings};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use spanwise::analysis::GOLD_ANNOTATOR;
use spanwise::analysis::agreement::agreement;
use spanwise::analysis::compare::{DisagreementKind, compare};
use spanwise::analysis::report::{agreement_csv, show};
use spanwise::analysis::span_f1::Mode;
use spanwise::ui::{AppConfig, SpanwiseApp};

fn open(path: &std::path::Path) -> Harness<'static, SpanwiseApp> {
    let app = SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(path);
    harness(app)
}

/// Steps frames until the report is computed (it runs on a worker thread).
fn wait_for_report(harness: &mut Harness<'_, SpanwiseApp>) {
    let started = Instant::now();
    loop {
        harness.step();
        let state = &harness.state().agreement;
        if !state.computing() && state.last().is_some() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the report never came");
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run();
}

fn open_panel(harness: &mut Harness<'_, SpanwiseApp>) {
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    harness.run();
    assert!(harness.state().agreement.panel_open, "Ctrl+Shift+A opens the panel");
    wait_for_report(harness);
}

fn shown(harness: &Harness<'_, SpanwiseApp>, text: &str) -> usize {
    harness.query_all_by_label(text).count()
}

#[test]
fn the_panel_shows_the_numbers_the_library_computes() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_coders_file(dir.path());
    let mut harness = open(&path);
    open_panel(&mut harness);
    let project = harness.state().project().clone();
    let expected = agreement(&project, None, None).unwrap();
    let computed = harness.state().agreement.last().unwrap().clone();
    assert_eq!(computed.report, expected);
    assert_eq!(expected.annotators, ["ana", "bob"]);
    assert!(shown(&harness, "Coders: ana, bob (2 documents)") == 1);
    // Every alpha_U, per label, overall and macro, as `agree` prints it.
    let overall = show(&expected.alpha_u.overall);
    assert!(overall != "-" && shown(&harness, &overall) >= 1, "overall alpha_U {overall} is shown");
    for (_, result) in &expected.alpha_u.per_label {
        assert!(shown(&harness, &show(&result.alpha)) >= 1, "alpha_U {} is shown", show(&result.alpha));
        assert!(shown(&harness, &format!("{:.6}", result.observed)) >= 1, "D_o {} is shown", result.observed);
    }
    // Per document: d1 and d2 each have a row.
    assert_eq!(shown(&harness, "first.txt"), 1);
    assert_eq!(shown(&harness, "second.txt"), 1);
    // F1: exact and overlap micro of bob against ana.
    let exact = show(&expected.f1.micro(Mode::Exact).f1);
    let overlap = show(&expected.f1.micro(Mode::Overlap).f1);
    assert_ne!(exact, overlap, "the crafted project separates exact from overlap");
    assert!(shown(&harness, &exact) >= 1 && shown(&harness, &overlap) >= 1);
    assert_eq!(shown(&harness, "Span F1 of bob against ana"), 1);
    // Undefined values are "-" with their reasons listed, the lines `spanwise agree` prints.
    assert!(shown(&harness, "-") >= 1);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_spanwise")).arg("agree").arg(&path).output().unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    let listed: Vec<&str> =
        printed.split("Undefined (shown as -)\n").nth(1).expect("agree lists undefined values").lines().collect();
    assert_eq!(listed.len(), computed.undefined.len());
    harness.get_by_label_contains("Undefined (shown as -)").click();
    harness.run();
    for line in listed {
        assert_eq!(shown(&harness, line.trim()), 1, "{line}");
    }
    // The chart, per label and per document.
    assert_eq!(shown(&harness, "Agreement per label"), 1);
    harness.get_by_label("Per document").click();
    harness.run();
    assert_eq!(shown(&harness, "alpha_U overall per document"), 1);

    // This document only: the report follows the choice.
    harness.get_by_label("This one").click();
    wait_for_report(&mut harness);
    let only = agreement(&project, None, Some(&["d1".into()])).unwrap();
    assert_eq!(harness.state().agreement.last().unwrap().report, only);

    // Unticking bob leaves one coder: alpha_U and F1 are undefined, with the reason.
    harness.get_by_label("bob").click();
    wait_for_report(&mut harness);
    let report = &harness.state().agreement.last().unwrap().report;
    assert_eq!(report.annotators, ["ana"]);
    assert_eq!(shown(&harness, "Span F1: F1 compares coders: at least two are needed"), 1);
}

#[test]
fn the_csv_written_from_the_panel_is_the_one_the_cli_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_coders_file(dir.path());
    let mut harness = open(&path);
    open_panel(&mut harness);
    harness.get_by_label("Export CSV…").click();
    harness.run();
    // Spanwise's chooser (tests never show the system's), with a name suggested next to the project.
    harness.get_by_label("Export").click();
    harness.run();
    let written = dir.path().join("two coders-agreement.csv");
    let csv = std::fs::read_to_string(&written).expect("the CSV is written next to the project");
    let report = agreement(harness.state().project(), None, None).unwrap();
    assert_eq!(csv, agreement_csv(&report));
    let cli_csv = dir.path().join("cli.csv");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_spanwise"))
        .args(["agree".as_ref(), path.as_os_str(), "--csv".as_ref(), cli_csv.as_os_str()])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert_eq!(csv, std::fs::read_to_string(&cli_csv).unwrap(), "the same bytes as spanwise agree --csv");
    assert!(harness.state().agreement.export_note.as_deref().unwrap().starts_with("Wrote "));
}

#[test]
fn brackets_step_through_the_disagreements_and_select_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_coders_file(dir.path());
    let mut harness = open(&path);
    open_panel(&mut harness);
    let expected = compare(harness.state().project(), "d1", "ana", "bob").unwrap();
    let kinds: Vec<DisagreementKind> = expected.disagreements.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [DisagreementKind::OtherBoundaries, DisagreementKind::Missing, DisagreementKind::Extra]);
    let step = |harness: &mut Harness<'_, SpanwiseApp>, key: Key, modifiers: Modifiers| {
        harness.key_press_modifiers(modifiers, key);
        harness.run();
        harness.state().agreement.compare.current
    };
    assert_eq!(step(&mut harness, Key::CloseBracket, Modifiers::NONE), Some(0));
    assert!(harness.state().agreement.compare_shown, "] shows the compare view");
    assert_eq!(shown(&harness, "3 disagreements (1 missing, 1 extra, 1 other boundaries); 2 agreements"), 1);
    assert_eq!(harness.state().selected_annotation, expected.disagreements[0].a, "A's side is selected");
    assert_eq!(step(&mut harness, Key::CloseBracket, Modifiers::NONE), Some(1));
    assert_eq!(step(&mut harness, Key::ArrowDown, Modifiers::ALT), Some(2));
    assert_eq!(harness.state().selected_annotation, expected.disagreements[2].b, "an extra selects B's side");
    assert_eq!(step(&mut harness, Key::CloseBracket, Modifiers::NONE), Some(0), "wraps around");
    assert_eq!(step(&mut harness, Key::OpenBracket, Modifiers::NONE), Some(2));
    assert_eq!(step(&mut harness, Key::ArrowUp, Modifiers::ALT), Some(1));
    assert_eq!(harness.state().selected_annotation, expected.disagreements[1].a);
    assert!(harness.state().status.as_deref().unwrap().starts_with("Disagreement 2 of 3: missing"));
    // The list shows every disagreement; clicking one goes there.
    harness.get_by_label("3. extra: Actor \"matter\"").click();
    harness.run();
    assert_eq!(harness.state().agreement.compare.current, Some(2));
    // Another document: its own comparison, nothing looked at yet.
    harness.get_by_label_contains("second.txt").click();
    harness.run();
    assert_eq!(harness.state().agreement.compare.current, None);
    assert_eq!(shown(&harness, "1 disagreements (1 other boundaries); 1 agreements"), 1);
    assert_eq!(shown(&harness, "ana against bob on second.txt"), 1);
    assert_eq!(step(&mut harness, Key::CloseBracket, Modifiers::NONE), Some(0));
}

#[test]
fn accepting_builds_the_gold_layer_one_undo_step_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_coders_file(dir.path());
    let mut harness = open(&path);
    open_panel(&mut harness);
    let gold = |harness: &Harness<'_, SpanwiseApp>| -> Vec<(String, String)> {
        let document = harness.state().project().document("d1").unwrap();
        let mut gold: Vec<(String, String)> = document
            .annotations
            .iter()
            .filter(|a| a.annotator == GOLD_ANNOTATOR)
            .map(|a| (a.label.to_string(), a.text().to_owned()))
            .collect();
        gold.sort();
        gold
    };
    harness.get_by_label("Compare and adjudicate").click();
    harness.run();
    harness.get_by_label("Accept all agreements (2)").click();
    harness.run();
    let agreed =
        vec![("claim".to_owned(), "شبکه\u{200c}های اجتماعی".to_owned()), ("quote".to_owned(), "Grüße 🎉".to_owned())];
    assert_eq!(gold(&harness), agreed);
    assert!(harness.state().project().annotator(GOLD_ANNOTATOR).is_some());

    // The other-boundaries actor: Bob's shorter version.
    harness.key_press(Key::CloseBracket);
    harness.run();
    harness.get_by_label("Accept B").click();
    harness.run();
    let mut with_b = agreed.clone();
    with_b.insert(0, ("actor".to_owned(), "👨\u{200d}👩\u{200d}👧".to_owned()));
    assert_eq!(gold(&harness), with_b);
    let selected = harness.state().selected_annotation.unwrap();
    let document = harness.state().project().document("d1").unwrap();
    assert_eq!(document.annotation(selected).unwrap().annotator, GOLD_ANNOTATOR, "the gold copy is selected");
    // A corrected version: the copy relabelled in the inspector (the rightmost "Claim"), one undo step.
    let inspector_claim = harness
        .query_all_by_label("Claim")
        .max_by(|x, y| x.rect().center().x.total_cmp(&y.rect().center().x))
        .expect("the inspector's label buttons");
    inspector_claim.click();
    harness.run();
    let document = harness.state().project().document("d1").unwrap();
    assert_eq!(document.annotation(selected).unwrap().label, "claim", "the gold copy is corrected");
    assert_eq!(
        harness.state().project().documents[0]
            .annotations
            .iter()
            .filter(|a| a.annotator == "bob" && a.label == "actor")
            .count(),
        2,
        "Bob's layer is untouched"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(gold(&harness), with_b, "undo takes the correction back, not the copy");

    // The missing recommendation: nothing on B's side to accept.
    harness.key_press(Key::CloseBracket);
    harness.run();
    assert!(harness.get_by_label("Accept B").accesskit_node().is_disabled(), "B has nothing here");
    // Alt+1 accepts A from the keyboard; the "1" the keyboard also types does not tag the text
    // selected as a Claim (1 is Claim's key).
    let from = common::ui::offset_of(&harness, "from");
    common::ui::drag_select(&mut harness, from, from + 4);
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(from..from + 4));
    let annotations = harness.state().project().annotation_count();
    let key = |pressed| egui::Event::Key {
        key: Key::Num1,
        pressed,
        modifiers: Modifiers::ALT,
        repeat: false,
        physical_key: None,
    };
    harness.event(egui::Event::ModifiersChanged(Modifiers::ALT));
    harness.event(key(true));
    harness.event(egui::Event::Text("1".into()));
    harness.run();
    harness.event(key(false));
    harness.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    harness.run();
    assert_eq!(harness.state().project().annotation_count(), annotations + 1, "the gold copy and nothing else");
    assert!(gold(&harness).contains(&("recommendation".to_owned(), "社交媒体".to_owned())));
    let start = common::coders::FIRST.split("社交媒体").next().unwrap().chars().count();
    let line = format!("A (ana): Recommendation \"社交媒体\" {start}..{}  [in gold]", start + 4);
    assert_eq!(shown(&harness, &line), 1, "{line}");

    // Each decision is one undo step.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(gold(&harness), with_b);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(gold(&harness), agreed);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(gold(&harness).is_empty());
    // Agreement leaves the gold layer out by default.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    wait_for_report(&mut harness);
    assert_eq!(harness.state().agreement.last().unwrap().report.annotators, ["ana", "bob"]);
}

#[test]
fn a_large_project_is_recomputed_when_asked_and_keeps_its_comparison_after_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_coders_file(dir.path());
    let mut harness = open(&path);
    // As if the project were large: 12 annotations over a limit of 5.
    harness.state_mut().agreement.automatic_limit = Some(5);
    open_panel(&mut harness);
    let before = harness.state().agreement.last().unwrap().report.clone();
    harness.get_by_label("Compare and adjudicate").click();
    harness.run();
    harness.get_by_label("Accept all agreements (2)").click();
    harness.run();
    assert_eq!(shown(&harness, "(changed since)"), 1, "the comparison is kept, marked");
    harness.key_press(Key::CloseBracket);
    harness.run();
    assert_eq!(harness.state().agreement.compare.current, Some(0), "and still steps");
    harness.get_by_label("Agreement").click();
    harness.run();
    assert!(!harness.state().agreement.computing(), "no recomputation after an edit");
    assert_eq!(shown(&harness, "Compute again"), 1);
    harness.get_by_label("Compute again").click();
    harness.run();
    wait_for_report(&mut harness);
    assert_eq!(shown(&harness, "Compute again"), 0);
    let after = &harness.state().agreement.last().unwrap().report;
    assert_eq!(after, &before, "gold is not a coder by default: the same numbers");
    assert_eq!(after, &agreement(harness.state().project(), None, None).unwrap());
}

#[test]
fn the_analysis_menu_opens_the_panel_and_steps_through_disagreements() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_coders_file(dir.path());
    let mut harness = open(&path);
    harness.get_by_label("Analysis").click();
    harness.run();
    harness.get_by_label_contains("Agreement panel").click();
    harness.run();
    assert!(harness.state().agreement.panel_open);
    wait_for_report(&mut harness);
    harness.get_by_label("Analysis").click();
    harness.run();
    harness.get_by_label_contains("Next disagreement").click();
    harness.run();
    assert_eq!(harness.state().agreement.compare.current, Some(0));
    assert!(harness.state().agreement.compare_shown);
    // Ctrl+Shift+A closes it again.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    harness.run();
    assert!(!harness.state().agreement.panel_open);
}

#[test]
fn a_relation_only_one_coder_made_is_accepted_once_its_ends_are_in_gold() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = common::coders::two_coders();
    // Ana attributes her quote to her actor; Bob made no relation.
    let document = project.document("d1").unwrap();
    let of = |label: &str| document.annotations.iter().find(|a| a.annotator == "ana" && a.label == label).unwrap().id;
    let relation = spanwise::model::Relation {
        id: spanwise::model::ItemId(7),
        kind: "attributed_to".into(),
        from: of("quote"),
        to: of("actor"),
        annotator: "ana".into(),
        created: common::time(),
        modified: common::time(),
        note: String::new(),
    };
    spanwise::edit::apply(&mut project, spanwise::edit::Edit::AddRelation { document: "d1".into(), relation }).unwrap();
    let path = dir.path().join("related.spanwise.ron");
    spanwise::store::save(&project, &path).unwrap();
    let mut harness = open(&path);
    open_panel(&mut harness);
    let expected = compare(&project, "d1", "ana", "bob").unwrap();
    let index = expected.disagreements.iter().position(|d| d.kind == DisagreementKind::OtherRelation).unwrap();
    harness.get_by_label("Compare and adjudicate").click();
    harness.run();
    harness.get_by_label_contains(&format!("{}. other relation", index + 1)).click();
    harness.run();
    assert_eq!(harness.state().agreement.compare.current, Some(index));
    let gold_relations = |harness: &Harness<'_, SpanwiseApp>| {
        let document = harness.state().project().document("d1").unwrap();
        document.relations.iter().filter(|r| r.annotator == GOLD_ANNOTATOR).count()
    };
    // Its ends are not in the gold layer yet: refused, with what to do.
    harness.key_press_modifiers(Modifiers::ALT, Key::Num1);
    harness.run();
    assert_eq!(gold_relations(&harness), 0);
    assert!(harness.state().status.as_deref().unwrap().contains("accept its annotations first"));
    // The agreed quote, and Ana's actor (other boundaries), one decision at a time; then the relation.
    harness.get_by_label("Accept all agreements (2)").click();
    harness.run();
    let actor = expected.disagreements.iter().position(|d| d.kind == DisagreementKind::OtherBoundaries).unwrap();
    harness.get_by_label_contains(&format!("{}. other boundaries", actor + 1)).click();
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::Num1);
    harness.run();
    harness.get_by_label_contains(&format!("{}. other relation", index + 1)).click();
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::Num1);
    harness.run();
    assert_eq!(gold_relations(&harness), 1, "{:?}", harness.state().status);
    assert!(harness.get_by_label("Accept B").accesskit_node().is_disabled(), "Bob has no relation to accept");
}

#[test]
fn blind_coding_keeps_the_others_layers_out_of_the_panel_until_i_am_done() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = common::coders::two_coders();
    project.blind_coding = true;
    let path = dir.path().join("blind.spanwise.ron");
    spanwise::store::save(&project, &path).unwrap();
    let mut harness = open(&path);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    harness.run();
    assert!(harness.state().agreement.panel_open);
    assert!(!harness.state().agreement.computing() && harness.state().agreement.last().is_none(), "nothing computed");
    assert_eq!(shown(&harness, "Export CSV…"), 0);
    harness.key_press(Key::CloseBracket);
    harness.run();
    assert_eq!(harness.state().agreement.compare.current, None);
    assert!(harness.state().status.as_deref().unwrap().starts_with("Blind coding"));
    assert_eq!(shown(&harness, "1. other boundaries: 17..29 vs 17..22"), 0, "no disagreement is listed");
    // Done with the shown document, and only that one chosen: its agreement and comparison show.
    harness.get_by_label("Only the document shown").click();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    harness.run();
    wait_for_report(&mut harness);
    assert_eq!(harness.state().agreement.last().unwrap().report.documents, ["d1"]);
    harness.key_press(Key::CloseBracket);
    harness.run();
    assert_eq!(harness.state().agreement.compare.current, Some(0));
}
