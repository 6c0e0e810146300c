//! A Persian article in the real window (the `spanwise` binary under Xvfb with openbox), driven
//! with `xdotool` as a reader of Persian would: a double-click on a word, a label key, a drag from
//! right to left over a longer phrase (nested over the first tag), Ctrl+S. The saved file must
//! hold exactly the words under the pointer. Screenshots are kept with
//! `SPANWISE_TEST_SHOTS=/some/dir` (docs/persian.png is one of them).
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::real_window::{Display, RealApp, require};
use common::ui::{double_click, drag, harness_sized, offset_of, type_key};
use egui::{Key, Pos2};
use egui_kittest::Harness;
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import"];
const SETTLE: Duration = Duration::from_secs(60);

/// A Persian news text (ZWNJ, Persian and Western digits, a Latin name, an English line with a
/// Persian word), with CRLF line ends as a Windows editor saves it.
const ARTICLE: &str = "مطالعه‌ای تازه درباره شبکه‌های اجتماعی\r\n\
\r\n\
به گزارش IranWire، پژوهشگران می‌گویند که در سال ۱۴۰۲ بیش از 45 درصد کاربران از VPN استفاده کرده‌اند. \
علی رضایی (Ali Rezaei) گفت: «این نگاه امنیتی است.»\r\n\
\r\n\
The study quotes the word امنیت 120 times: ü 😀 👨\u{200D}👩\u{200D}👧 中文.\r\n";

/// The app laid out headless at the real window's size (1400x900) on a copy of the file, to
/// find where chars are drawn; the test repeats each step the real window takes in it, since the
/// layout changes with them (the clean-up offer goes once the text has annotations).
fn layout_twin(text_file: &Path, dir: &Path) -> Harness<'static, SpanwiseApp> {
    let copy = dir.join(text_file.file_name().unwrap());
    std::fs::copy(text_file, &copy).unwrap();
    let settings = Settings { annotator_name: "Layout".into(), ..Settings::default() };
    harness_sized(SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(&copy), 1400.0, 900.0)
}

/// The rectangle of char `at` of the first `needle`, in window coordinates.
fn char_rect(twin: &Harness<'_, SpanwiseApp>, needle: &str, at: usize) -> egui::Rect {
    let offset = offset_of(twin, needle) + at;
    twin.state().view.as_ref().unwrap().char_rect(offset).expect("the word is on the first screen")
}

/// Double-clicks the word at `at` in the real window and returns where its selection is drawn.
fn real_word_rect(app: &RealApp<'_>, window: &str, at: Pos2) -> egui::Rect {
    std::thread::sleep(Duration::from_millis(600));
    let before = app.state_of("selection");
    app.display.xdotool(&[
        "mousemove",
        "--window",
        window,
        &s(at.x),
        &s(at.y),
        "sleep",
        "0.2",
        "click",
        "--repeat",
        "2",
        "--delay",
        "60",
        "1",
    ]);
    let deadline = std::time::Instant::now() + SETTLE;
    loop {
        let now = app.state_of("selection");
        if !now.is_empty() && now != before {
            break;
        }
        if std::time::Instant::now() > deadline {
            app.display.screenshot("timeout-word.png");
            panic!(
                "no new selection after a double-click at {at:?} (before: {before}); the app says:\n{}",
                app.state()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let rects = app.state_of("selection_rects");
    let v: Vec<f32> = rects.split([',', ' ']).filter_map(|n| n.parse().ok()).collect();
    assert!(v.len() >= 4, "selection_rects={rects}");
    egui::Rect::from_min_max(Pos2::new(v[0], v[1]), Pos2::new(v[2], v[3]))
}

fn s(v: f32) -> String {
    v.round().to_string()
}

fn settle() {
    std::thread::sleep(Duration::from_millis(500));
}

#[test]
fn a_persian_word_double_clicked_tagged_and_saved_is_the_word_under_the_pointer() {
    let test = "a_persian_word_double_clicked_tagged_and_saved_is_the_word_under_the_pointer";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    Settings { annotator_name: "Persian Reader".into(), ..Settings::default() }
        .save(&home.join(".config/spanwise/settings.ron"))
        .unwrap();
    let text_file = dir.path().join("article-fa.txt");
    std::fs::write(&text_file, ARTICLE).unwrap();
    let text = spanwise::formats::text::normalize(ARTICLE);
    let offset = |needle: &str| text[..text.find(needle).unwrap()].chars().count();

    let twin_dir = tempfile::tempdir().unwrap();
    let mut twin = layout_twin(&text_file, twin_dir.path());

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&text_file]);
    let window = app.window("article-fa");
    app.wait_state("documents", "1", SETTLE);
    app.wait_state("dialog", "none", SETTLE);
    settle();
    display.screenshot("rtl-opened.png");

    // A double-click on a word, pointed at on its seventh letter; tagged Actor.
    let word = "پژوهشگران";
    let at = char_rect(&twin, word, 6).center();
    display.xdotool(&[
        "mousemove",
        "--window",
        &window,
        &s(at.x),
        &s(at.y),
        "sleep",
        "0.2",
        "click",
        "--repeat",
        "2",
        "--delay",
        "60",
        "1",
    ]);
    let start = offset(word);
    app.wait_state("selection", &format!("{}..{}", start, start + word.chars().count()), SETTLE);
    display.xdotool(&["key", "3"]);
    app.wait_state("annotations", "1", SETTLE);
    double_click(&mut twin, at);
    type_key(&mut twin, Key::Num3, "3");

    // A drag from the right edge of the line's first word to inside "IranWire", right to left as
    // a reader of Persian drags: "according to IranWire" (the end snaps to the end of the name);
    // Quote. The real window draws text a little wider than the headless twin, so the drag's ends
    // are taken from the window itself: a double-click on each word, and where its selection is
    // drawn (the state report's `selection_rects`).
    let from = real_word_rect(&app, &window, char_rect(&twin, "به گزارش", 0).center());
    let to = real_word_rect(&app, &window, char_rect(&twin, "IranWire", 4).center());
    let (a, b) = (Pos2::new(from.right() - 1.0, from.center().y), to.center());
    std::thread::sleep(Duration::from_millis(600));
    display.xdotool(&["mousemove", "--window", &window, &s(a.x), &s(a.y), "sleep", "0.2", "mousedown", "1"]);
    for (x, y) in [(a.x - 20.0, a.y), ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0), (b.x, b.y)] {
        display.xdotool(&["sleep", "0.1", "mousemove", "--window", &window, &s(x), &s(y)]);
    }
    display.xdotool(&["sleep", "0.2", "mouseup", "1", "sleep", "0.2"]);
    let phrase = "به گزارش IranWire";
    let start = offset(phrase);
    app.wait_state("selection", &format!("{}..{}", start, start + phrase.chars().count()), SETTLE);
    display.xdotool(&["key", "2"]);
    app.wait_state("annotations", "2", SETTLE);
    let (ta, tb) = (char_rect(&twin, "به گزارش", 0), char_rect(&twin, "IranWire", 4));
    drag(&mut twin, Pos2::new(ta.right() - 1.0, ta.center().y), tb.center());
    type_key(&mut twin, Key::Num2, "2");

    // And the agency's name inside it, nested: Actor.
    let at = char_rect(&twin, "IranWire", 3).center();
    std::thread::sleep(Duration::from_millis(600));
    display.xdotool(&[
        "mousemove",
        "--window",
        &window,
        &s(at.x),
        &s(at.y),
        "sleep",
        "0.2",
        "click",
        "--repeat",
        "2",
        "--delay",
        "60",
        "1",
    ]);
    let start = offset("IranWire");
    app.wait_state("selection", &format!("{}..{}", start, start + 8), SETTLE);
    display.xdotool(&["key", "3"]);
    app.wait_state("annotations", "3", SETTLE);
    // Away from the text, so no hover list covers it in the picture.
    display.xdotool(&["mousemove", "--window", &window, "700", "850"]);
    settle();
    display.screenshot("rtl-tagged.png");

    display.xdotool(&["key", "ctrl+s"]);
    app.wait_state("dialog", "file chooser: Save project as", SETTLE);
    settle();
    display.xdotool(&["key", "Return"]);
    app.wait_state("dirty", "false", SETTLE);

    let saved = store::load(&store::project_path_for(&text_file)).unwrap();
    let document = &saved.documents[0];
    let mut tagged: Vec<(String, String)> =
        document.annotations.iter().map(|a| (a.label.to_string(), a.text().to_string())).collect();
    tagged.sort();
    assert_eq!(
        tagged,
        vec![
            ("actor".to_owned(), "IranWire".to_owned()),
            ("actor".to_owned(), word.to_owned()),
            ("quote".to_owned(), phrase.to_owned()),
        ],
        "the saved annotations are the words under the pointer"
    );
    app.assert_idle("a Persian document");
}

/// A Persian project with three annotations and a memo on one: the list and the inspector read
/// from the right; the memo's mark shows the memo on hover and opens it on click. Screenshots:
/// `rtl-list-inspector.png`, `rtl-memo-hover.png`, `rtl-memo-open.png`.
#[test]
fn persian_in_the_list_and_inspector_reads_from_the_right_and_a_memo_mark_opens_its_memo() {
    use egui_kittest::kittest::Queryable;
    use spanwise::model::{Annotation, Annotator, Document, ItemId, Memo, MemoTarget, Project};
    let test = "persian_in_the_list_and_inspector_reads_from_the_right_and_a_memo_mark_opens_its_memo";
    let Some(_one_at_a_time) = require(TOOLS, test) else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    Settings { annotator_name: "Persian Reader".into(), ..Settings::default() }
        .save(&home.join(".config/spanwise/settings.ron"))
        .unwrap();
    let text = spanwise::formats::text::normalize(ARTICLE);
    let mut project = Project::new("article-fa");
    project.annotators.push(Annotator { id: "reader".into(), name: "Persian Reader".into() });
    let mut document = Document::new("d1", "article-fa.txt", text.clone());
    let time = chrono::Utc::now();
    let spans = [
        (1, "claim", "پژوهشگران می‌گویند که در سال ۱۴۰۲ بیش از 45 درصد کاربران از VPN استفاده کرده‌اند"),
        (2, "actor", "علی رضایی (Ali Rezaei)"),
        (3, "quote", "«این نگاه امنیتی است.»"),
    ];
    for (id, label, needle) in spans {
        let start = text[..text.find(needle).unwrap()].chars().count();
        let fragment = document.fragment(start..start + needle.chars().count()).unwrap();
        document.annotations.push(Box::new(Annotation::new(ItemId(id), label, vec![fragment], "reader", time)));
    }
    document.annotations.sort_by_key(|a| a.start());
    project.documents.push(document);
    project.memos.push(Memo {
        id: ItemId(10),
        target: MemoTarget::Annotation(ItemId(2)),
        title: "منبع".into(),
        text: "گزارش IranWire، ۱۴۰۲\nsecond line".into(),
        author: "reader".into(),
        created: time,
        modified: time,
    });
    let file = dir.path().join("article-fa.spanwise.ron");
    store::save(&project, &file).unwrap();

    // The headless twin of the window, to find the list row.
    let twin_dir = tempfile::tempdir().unwrap();
    let copy = twin_dir.path().join("article-fa.spanwise.ron");
    std::fs::copy(&file, &copy).unwrap();
    let settings = Settings { annotator_name: "Layout".into(), ..Settings::default() };
    let twin =
        harness_sized(SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_file(&copy), 1400.0, 900.0);
    // Found by its text as written (its accessible label), though it is drawn reordered.
    let row = twin.query_by_label_contains("Claim: پژوهشگران می‌گویند که").expect("the claim's row").rect().center();

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&file]);
    let window = app.window("article-fa");
    app.wait_state("annotations", "3", SETTLE);
    app.wait_state("dialog", "none", SETTLE);
    settle();
    app.click(&window, (row.x.round() as i32, row.y.round() as i32));
    app.wait_state("selected", "1", SETTLE);
    display.xdotool(&["mousemove", "--window", &window, "700", "880"]);
    settle();
    display.screenshot("rtl-list-inspector.png");

    // The mark of the memo on "Ali Rezaei", where the window says it is.
    let marks = app.state_of("memo_marks");
    let (id, at) = marks.split_once('@').unwrap_or_else(|| panic!("no memo mark on screen: {marks:?}"));
    assert_eq!(id, "2", "{marks}");
    assert!(!marks.contains(' '), "one mark: {marks}");
    let (x, y) = at.split_once(',').unwrap();
    display.xdotool(&["mousemove", "--window", &window, x, y, "sleep", "1.5"]);
    settle();
    display.screenshot("rtl-memo-hover.png");
    app.click(&window, (x.parse().unwrap(), y.parse().unwrap()));
    app.wait_state("selected", "2", SETTLE);
    app.wait_state("coding_panel", "true", SETTLE);
    assert_eq!(app.state_of("selection"), "", "the click on the mark selected no text");
    display.xdotool(&["mousemove", "--window", &window, "700", "880"]);
    settle();
    display.screenshot("rtl-memo-open.png");
    app.assert_idle("a Persian project with a memo mark");
}
