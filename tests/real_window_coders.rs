//! Several coders in the real window: the `spanwise` binary under Xvfb with openbox, driven with
//! xdotool as a user would. File › Bring in coders' files… from the command palette, two files
//! typed into Spanwise's chooser (one with a changed text: refused and reported), the Coders
//! panel, a coder's layer hidden with a click on their checkbox (where to click comes from the
//! same window laid out headless at 1400x900), Ctrl+Shift+D to mark the document done, blind
//! coding turned on (others hidden until done again), Ctrl+S.
//! What happened is read from the state report and the saved file. Screenshots are kept with
//! `SPANWISE_TEST_SHOTS=/some/dir`.
#![cfg(feature = "gui")]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::real_window::{Display, RealApp, require};
use common::ui::harness_sized;
use egui_kittest::kittest::Queryable;
use spanwise::edit::{Edit, apply};
use spanwise::model::{Annotation, Annotator, CodingStatus, IdGenerator, Project};
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, Command, SpanwiseApp};

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import"];
const SETTLE: Duration = Duration::from_secs(60);
const RAW: &str = "Müller said: “Grüße 🎉 from the 👨\u{200d}👩\u{200d}👧 family.”\r\nشبکه\u{200c}های اجتماعی 社交媒体 matter.\r\nThe council will weaken oversight.\r\n";
/// "Window Coder", as an annotator id.
const ME: &str = "window-coder";

fn coder_file(dir: &Path, file: &str, coder: (&str, &str), raw: &str, needle: &str, seed: u64) -> PathBuf {
    let mut project = Project::new("class");
    project.created = common::time();
    project.documents.push(spanwise::formats::text::import(raw, "d1".into(), "tricky.txt".into()));
    apply(&mut project, Edit::AddAnnotator(Annotator { id: coder.0.into(), name: coder.1.into() })).unwrap();
    let doc = project.document("d1").unwrap();
    let start = doc.text[..doc.text.find(needle).unwrap()].chars().count();
    let fragment = doc.fragment(start..start + needle.chars().count()).unwrap();
    let annotation =
        Annotation::new(IdGenerator::seeded(seed).next_id(), "actor", vec![fragment], coder.0, common::time());
    apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation }).unwrap();
    let path = dir.join(file);
    store::save_file(&project, &path).unwrap();
    path
}

/// A screenshot once the frame after the last state change is on screen.
fn shot(display: &Display, name: &str) -> PathBuf {
    std::thread::sleep(Duration::from_millis(500));
    display.screenshot(name)
}

fn wait_contains(app: &RealApp<'_>, key: &str, part: &str) {
    let start = Instant::now();
    while !app.state_of(key).contains(part) {
        assert!(start.elapsed() < SETTLE, "timed out waiting for {key} to contain {part:?}:\n{}", app.state());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs a command from the palette: Ctrl+K, its name, Enter.
fn palette(app: &RealApp<'_>, name: &str) {
    app.display.xdotool(&["key", "ctrl+k"]);
    app.wait_state("dialog", "command palette", SETTLE);
    std::thread::sleep(Duration::from_millis(300));
    app.display.xdotool(&["type", "--delay", "40", name]);
    std::thread::sleep(Duration::from_millis(300));
    app.display.xdotool(&["key", "Return"]);
}

#[test]
fn coders_files_are_brought_in_a_coder_hidden_and_the_document_marked_done_in_the_real_window() {
    let Some(_one_at_a_time) = require(TOOLS, "real_window_coders") else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let settings = Settings { annotator_name: "Window Coder".into(), ..Settings::default() };
    settings.save(&home.join(".config/spanwise/settings.ron")).unwrap();
    let class = dir.path().join("class");
    std::fs::create_dir_all(&class).unwrap();
    let mine = coder_file(&class, "mine.spanwise.ron", (ME, "Window Coder"), RAW, "Müller", 1);
    let bob = coder_file(&class, "bob.spanwise.ron", ("bob", "Bob"), RAW, "社交媒体", 2);
    let changed = RAW.replace("weaken", "strengthen");
    let dora = coder_file(&class, "dora.spanwise.ron", ("dora", "Dora"), &changed, "council", 3);

    // The headless twin, brought to the same state, says where the checkbox is.
    let twin_dir = dir.path().join("twin");
    std::fs::create_dir_all(&twin_dir).unwrap();
    std::fs::copy(&mine, twin_dir.join("mine.spanwise.ron")).unwrap();
    let mut twin = harness_sized(
        SpanwiseApp::new(AppConfig { settings: settings.clone(), settings_path: None })
            .with_file(&twin_dir.join("mine.spanwise.ron")),
        1400.0,
        900.0,
    );
    let start = Instant::now();
    while twin.state().project().annotation_count() != 1 {
        assert!(start.elapsed() < SETTLE, "the twin never opened the project");
        twin.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    twin.state_mut().command(Command::BringInCodersFrom(vec![bob.clone(), dora.clone()]));
    let describe = |twin: &egui_kittest::Harness<'_, SpanwiseApp>| twin.state().dialog.as_ref().map(|d| d.describe());
    while !describe(&twin).is_some_and(|d| d.starts_with("bring in: report")) {
        assert!(start.elapsed() < SETTLE, "the twin's bring-in never ended: {:?}", describe(&twin));
        twin.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    twin.run();
    twin.get_by_label("OK").click();
    twin.run();
    twin.state_mut().command(Command::ToggleCodersPanel);
    twin.run();
    let bob_box = twin.get_by_label("Bob (1)").rect().center();

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&mine]);
    let window = app.window("mine.spanwise.ron");
    app.wait_state("dialog", "none", SETTLE);
    app.wait_state("annotations", "1", SETTLE);

    // File › Bring in coders' files…, from the palette; two names typed into the chooser.
    palette(&app, "Bring in");
    app.wait_state("dialog", "file chooser: Bring in coders' files", SETTLE);
    std::thread::sleep(Duration::from_millis(300));
    app.display.xdotool(&["type", "--delay", "20", "bob.spanwise.ron; dora.spanwise.ron"]);
    shot(&display, "coders-1-chooser.png");
    app.display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "bring in: report (2 files, 1 refused)", SETTLE);
    shot(&display, "coders-2-report.png");
    app.assert_idle("the bring-in report");
    assert_eq!(app.state_of("annotations"), "2", "Bob's annotation in, nothing of Dora's");
    assert!(app.state_of("status").contains("1 document(s) refused: text differs"), "{}", app.state());
    app.display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);

    // The Coders panel: both layers shown, each in its own style.
    palette(&app, "Coders panel");
    app.wait_state("dialog", "none", SETTLE);
    wait_contains(&app, "coders", "bob:shown:in progress");
    assert!(app.state_of("coders").contains(&format!("{ME}:shown:in progress")), "{}", app.state());
    shot(&display, "coders-3-panel-two-layers.png");

    // Bob's layer hidden with a click on his checkbox.
    let (x, y) = (bob_box.x.round() as i32, bob_box.y.round() as i32);
    display.xdotool(&["mousemove", "--window", &window, &x.to_string(), &y.to_string(), "sleep", "0.2", "click", "1"]);
    wait_contains(&app, "coders", "bob:hidden");
    wait_contains(&app, "list", "1 of 1");
    shot(&display, "coders-4-bob-hidden.png");
    app.assert_idle("the Coders panel");

    // Ctrl+Shift+D: done for me.
    display.xdotool(&["key", "ctrl+shift+d"]);
    wait_contains(&app, "coders", &format!("{ME}:shown:done"));
    shot(&display, "coders-5-done.png");

    // Blind coding: not done any more, every coder chosen, yet Bob's layer stays hidden until
    // Ctrl+Shift+D again; the panel and the status bar say why.
    palette(&app, "Show all coders");
    wait_contains(&app, "coders", "bob:shown");
    palette(&app, "Mark not done");
    wait_contains(&app, "coders", &format!("{ME}:shown:in progress"));
    palette(&app, "Blind coding");
    app.wait_state("blinded", "yes", SETTLE);
    wait_contains(&app, "coders", "bob:hidden");
    wait_contains(&app, "list", "1 of 1");
    shot(&display, "coders-6-blind.png");
    app.assert_idle("blind coding");
    display.xdotool(&["key", "ctrl+shift+d"]);
    app.wait_state("blinded", "no", SETTLE);
    wait_contains(&app, "coders", "bob:shown");
    wait_contains(&app, "list", "2 of 2");
    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&mine).unwrap();
    let d1 = saved.document("d1").unwrap();
    assert_eq!(d1.status.get(ME), Some(&CodingStatus::Done));
    assert_eq!(d1.coder_status("bob"), CodingStatus::InProgress);
    assert!(d1.annotations.iter().any(|a| a.annotator == "bob" && a.text() == "社交媒体"));
    assert!(saved.annotator("dora").is_none(), "nothing of the refused file");
    assert!(saved.blind_coding, "the setting is saved in the project");
}
