//! Importing in the real window (the `spanwise` binary under Xvfb with openbox), driven with the
//! keyboard as a user would: the seed page cleaned up and saved, File › Import… of a folder, File
//! › Open URL… against a server on 127.0.0.1. Screenshots are kept with
//! `SPANWISE_TEST_SHOTS=/some/dir`.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::http::serve;
use common::real_window::{Display, RealApp, require};
use common::ui::{test_settings, widget_center};
use spanwise::settings::Settings;
use spanwise::store;

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import"];
const SETTLE: Duration = Duration::from_secs(60);

/// Lets the window draw what the state report already announced (the report is written at the
/// end of the frame that opened a dialog; its first drawing and focus come in the next frames).
fn settle() {
    std::thread::sleep(Duration::from_millis(500));
}

fn home_with_name(dir: &Path, name: &str) -> std::path::PathBuf {
    let home = dir.join(name);
    Settings { annotator_name: "Import Tester".into(), ..Settings::default() }
        .save(&home.join(".config/spanwise/settings.ron"))
        .unwrap();
    home
}

#[test]
fn the_seed_page_is_cleaned_up_with_the_keyboard_and_saved() {
    let test = "the_seed_page_is_cleaned_up_with_the_keyboard_and_saved";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = home_with_name(dir.path(), "home");
    let seed = dir.path().join("iranwire.txt");
    std::fs::copy(common::manifest_dir().join("../shared/seeds/000_7653fdbd5543f69c.txt"), &seed).unwrap();
    let original = spanwise::formats::text::normalize(&std::fs::read_to_string(&seed).unwrap());
    let expected = spanwise::formats::cleanup::plan(&original).apply(&original);

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&seed]);
    app.window("iranwire");
    app.wait_state("documents", "1", SETTLE);
    app.wait_state("dialog", "none", SETTLE);
    settle();
    display.screenshot("seed-opened.png");

    display.xdotool(&["key", "ctrl+shift+k"]);
    app.wait_state("dialog", "clean up", SETTLE);
    settle();
    display.screenshot("seed-clean-up.png");
    app.assert_idle("the clean-up view");
    display.xdotool(&["key", "ctrl+Return"]);
    app.wait_state("dialog", "none", SETTLE);
    app.wait_state("dirty", "true", SETTLE);
    settle();
    display.screenshot("seed-cleaned.png");

    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dialog", "file chooser: Save project as", SETTLE);
    settle();
    display.xdotool(&["key", "Return"]);
    app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&store::project_path_for(&seed)).unwrap();
    let document = &saved.documents[0];
    assert_eq!(document.text, expected, "exactly the proposed clutter is gone");
    assert!(document.text.starts_with("Official Study Reveals the Regime’s Fear of Social Media\n\nAccording"));
    assert_eq!(document.metadata["title"], "Official Study Reveals the Regime’s Fear of Social Media");
    assert_eq!(document.metadata["author"], "Behnam Gholipour");
    assert_eq!(document.metadata["date"], "2020-12-18");
}

#[test]
fn a_folder_and_a_url_are_imported_from_the_file_menu_keys() {
    let test = "a_folder_and_a_url_are_imported_from_the_file_menu_keys";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = home_with_name(dir.path(), "home");
    let folder = dir.path().join("articles");
    std::fs::create_dir_all(folder.join("more")).unwrap();
    for i in 0..200 {
        let sub = if i % 3 == 0 { folder.join("more") } else { folder.clone() };
        std::fs::write(
            sub.join(format!("article-{i:03}.txt")),
            format!("Article {i}\r\nGrüße 👋🏽 👨‍👩‍👧 می‌خواهم 中文 {i}\r\n"),
        )
        .unwrap();
    }
    std::fs::write(folder.join("broken.txt"), [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    let page =
        std::fs::read(common::manifest_dir().join("../shared/fixtures/readability/guardian-1/source.html")).unwrap();
    let (base, server) =
        serve(vec![("/whales", 200, "Content-Type: text/html; charset=utf-8\r\n", page)], 1, Duration::ZERO);

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[]);
    app.window("Spanwise");
    app.wait_state("dialog", "none", SETTLE);

    display.xdotool(&["key", "ctrl+i"]);
    app.wait_state("dialog", "import", SETTLE);
    settle();
    display.xdotool(&["type", "--delay", "10", &folder.display().to_string()]);
    display.xdotool(&["key", "Return"]);
    std::thread::sleep(Duration::from_millis(300));
    display.screenshot("import-dialog.png");
    display.xdotool(&["key", "ctrl+Return"]);
    app.wait_state("dialog", "message: Import finished", SETTLE);
    app.wait_state("importing", "false", SETTLE);
    settle();
    display.screenshot("import-summary.png");
    app.assert_idle("the import summary");
    assert_eq!(app.state_of("documents"), "200");
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);

    display.xdotool(&["key", "ctrl+l"]);
    app.wait_state("dialog", "open url", SETTLE);
    settle();
    display.xdotool(&["type", "--delay", "10", &format!("{base}/whales")]);
    display.xdotool(&["key", "Return"]);
    app.wait_state("documents", "201", SETTLE);
    server.join().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    display.screenshot("open-url.png");
    assert!(app.state_of("status").starts_with("Imported \"'What is the sea telling us?'"), "{}", app.state());
    app.assert_idle("after Open URL");
}

#[test]
fn browse_adds_files_and_a_folder_through_spanwise_s_own_chooser() {
    let test = "browse_adds_files_and_a_folder_through_spanwise_s_own_chooser";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = home_with_name(dir.path(), "home");
    let folder = dir.path().join("articles");
    std::fs::create_dir_all(folder.join("more")).unwrap();
    std::fs::write(folder.join("first.txt"), "First article. Grüße 👋🏽 👨‍👩‍👧 می‌خواهم 中文\n").unwrap();
    std::fs::write(folder.join("second.txt"), "Second article.\n").unwrap();
    for i in 0..3 {
        std::fs::write(folder.join(format!("more/m{i}.txt")), format!("More {i}.\n")).unwrap();
    }
    // Where Browse… is, from a headless twin with the Import dialog open.
    let app_for_layout =
        spanwise::ui::SpanwiseApp::new(spanwise::ui::AppConfig { settings: test_settings(), settings_path: None });
    let browse = widget_center(
        app_for_layout,
        |harness| {
            harness.state_mut().command(spanwise::ui::Command::Import);
            harness.run();
        },
        "Browse…",
    );

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[]);
    let window = app.window("Spanwise");
    app.wait_state("dialog", "none", SETTLE);
    display.xdotool(&["key", "ctrl+i"]);
    app.wait_state("dialog", "import", SETTLE);
    settle();
    app.click(&window, browse);
    app.wait_state("dialog", "import: choosing", SETTLE);
    settle();
    // The chooser's path field has the keyboard: two files and a folder, separated by ";".
    let typed = format!(
        "{};{};{}",
        folder.join("first.txt").display(),
        folder.join("second.txt").display(),
        folder.join("more").display()
    );
    display.xdotool(&["type", "--delay", "10", &typed]);
    std::thread::sleep(Duration::from_millis(300));
    display.screenshot("import-browse-chooser.png");
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "import", SETTLE);
    settle();
    display.screenshot("import-browse-chosen.png");
    display.xdotool(&["key", "ctrl+Return"]);
    app.wait_state("dialog", "message: Import finished", SETTLE);
    app.wait_state("importing", "false", SETTLE);
    assert_eq!(app.state_of("documents"), "5", "{}", app.state());
    display.xdotool(&["key", "Return"]);
    app.wait_state("dialog", "none", SETTLE);
    // The status bar shows how the shown document's file was read.
    assert_eq!(app.state_of("encoding"), "UTF-8", "{}", app.state());
    settle();
    display.screenshot("import-browse-imported.png");
    app.assert_idle("after importing what Browse… chose");
}
