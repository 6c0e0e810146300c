//! The coding panel in the real window: the `spanwise` binary under Xvfb with openbox, driven
//! with xdotool. Where to click comes from the same window laid out headless (1400x900), driven
//! step by step alongside the real one; what happened is read from the state report and the
//! saved file. Screenshots are kept with `SPANWISE_TEST_SHOTS=/some/dir`.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::real_window::{Display, RealApp, require};
use common::ui::{harness_sized, sample_copy};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::model::Value;
use spanwise::settings::Settings;
use spanwise::store;
use spanwise::ui::{AppConfig, SpanwiseApp};

const TOOLS: &[&str] = &["Xvfb", "xdotool", "openbox", "xprop", "import"];
const SETTLE: Duration = Duration::from_secs(60);

/// The real window and its headless twin, driven together.
struct Both<'d> {
    app: RealApp<'d>,
    window: String,
    twin: Harness<'static, SpanwiseApp>,
}

impl Both<'_> {
    fn key(&mut self, keys: &str, twin: impl FnOnce(&mut Harness<'static, SpanwiseApp>)) {
        self.app.display.xdotool(&["key", "--delay", "60", keys]);
        twin(&mut self.twin);
        self.twin.run();
    }

    /// Clicks the widget named `name` (of `role`, when several share the name) in both windows.
    fn click(&mut self, name: &str, role: Option<Role>) {
        let rect = match role {
            Some(role) => self.twin.get_by_role_and_label(role, name).rect(),
            None => self.twin.get_by_label(name).rect(),
        };
        let (x, y) = (rect.center().x.round() as i32, rect.center().y.round() as i32);
        self.app.display.xdotool(&[
            "mousemove",
            "--window",
            &self.window,
            &x.to_string(),
            &y.to_string(),
            "sleep",
            "0.2",
            "click",
            "1",
        ]);
        match role {
            Some(role) => self.twin.get_by_role_and_label(role, name).click(),
            None => self.twin.get_by_label(name).click(),
        }
        self.twin.run();
        std::thread::sleep(Duration::from_millis(300));
    }

    /// Clicks the text field `name`, replaces its text with `text` and presses Enter.
    fn type_into(&mut self, name: &str, text: &str) {
        self.click(name, Some(Role::TextInput));
        self.app.display.xdotool(&["key", "ctrl+a"]);
        self.app.display.xdotool(&["type", "--delay", "40", text]);
        self.app.display.xdotool(&["key", "Return"]);
        self.twin.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        self.twin.run();
        self.twin.get_by_role_and_label(Role::TextInput, name).type_text(text);
        self.twin.run();
        self.twin.key_press(egui::Key::Enter);
        self.twin.run();
    }
}

/// A screenshot once the frame after the last state change is on screen.
fn shot(both: &Both<'_>, name: &str) -> std::path::PathBuf {
    std::thread::sleep(Duration::from_millis(500));
    both.app.display.screenshot(name)
}

#[test]
fn a_coder_edits_the_codebook_sets_document_variables_and_locks_it_in_the_real_window() {
    let Some(_one_at_a_time) = require(TOOLS, "real_window_codebook") else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let settings = Settings { annotator_name: "Ana".into(), ..Settings::default() };
    settings.save(&home.join(".config/spanwise/settings.ron")).unwrap();
    let project = sample_copy(dir.path());
    let twin_file = dir.path().join("twin").join("sample.spanwise.ron");
    std::fs::create_dir_all(twin_file.parent().unwrap()).unwrap();
    std::fs::copy(&project, &twin_file).unwrap();
    let twin = harness_sized(
        SpanwiseApp::new(AppConfig { settings: settings.clone(), settings_path: None }).with_file(&twin_file),
        1400.0,
        900.0,
    );

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&project]);
    let window = app.window("sample.spanwise.ron");
    app.wait_state("dialog", "none", SETTLE);
    let mut both = Both { app, window, twin };

    // Ctrl+B opens the coding panel.
    both.key("ctrl+b", |twin| twin.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B));
    both.app.wait_state("coding_panel", "true", SETTLE);
    both.app.assert_idle("the coding panel");

    // Document variables: a real date is required.
    both.type_into("Outlet", "IranWire");
    both.type_into("Publication date", "2024-02-30");
    std::thread::sleep(Duration::from_millis(500));
    assert!(both.app.state_of("variables").contains("outlet:IranWire"), "{}", both.app.state());
    assert!(!both.app.state_of("variables").contains("publication_date"), "no such day");
    both.type_into("Publication date", "2024-02-29");
    both.click("Genre: opinion", None);
    both.app.wait_state("variables", "genre:opinion,outlet:IranWire,publication_date:2024-02-29", SETTLE);
    shot(&both, "codebook-variables.png");

    // A quote from the list: its speaker type from the keyboard, a memo on it; then it is
    // deleted with the Delete key and its memo goes with it.
    let quote = both.twin.state().document().unwrap().annotations.iter().find(|a| a.label == "quote").unwrap().clone();
    let row = format!("Quote: {}", spanwise::ui::doc_view::excerpt(&quote.text(), 60));
    both.click(&row, None);
    both.click("Speaker type: expert", None);
    both.app.wait_state("attributes", "speaker_type:expert", SETTLE);
    both.click("Memo on the selected annotation", None);
    both.app.display.xdotool(&["type", "--delay", "40", "Wer spricht hier?"]);
    both.twin.get_by_label("Memo on the selected annotation").type_text("Wer spricht hier?");
    both.key("Escape", |twin| twin.key_press(egui::Key::Escape));
    both.app.wait_state("memos", "1", SETTLE);
    shot(&both, "codebook-memo.png");
    let before = both.app.state_of("annotations").parse::<usize>().unwrap();
    both.key("Delete", |twin| twin.key_press(egui::Key::Delete));
    both.app.wait_state("annotations", &(before - 1).to_string(), SETTLE);
    both.app.wait_state("memos", "0", SETTLE);
    both.key("ctrl+s", |_| {});
    both.app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&project).unwrap();
    assert!(saved.documents[0].annotation(quote.id).is_none() && saved.memos.is_empty(), "saved, and loads again");
    both.key("ctrl+z", |twin| twin.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z));
    both.app.wait_state("memos", "1", SETTLE);
    both.app.wait_state("annotations", &before.to_string(), SETTLE);

    // The editor: a key another label has is refused with a message; a rename goes through.
    both.click("Edit codebook", None);
    both.click("Actor  [3]", None);
    both.type_into("Label key", "1");
    both.app.wait_state("codebook_error", "key '1' is already the key of the label Claim", SETTLE);
    let refused = shot(&both, "codebook-hotkey-refused.png");
    both.type_into("Label name", "Akteur");
    both.app.wait_state("labels", "Claim[1],Quote[2],Akteur[3],Recommendation[4]", SETTLE);
    shot(&both, "codebook-renamed.png");

    // Lock it: the editor closes, the lock is saved.
    both.click("Codebook locked", None);
    both.app.wait_state("codebook_locked", "true", SETTLE);
    both.key("ctrl+s", |_| {});
    both.app.wait_state("dirty", "false", SETTLE);
    shot(&both, "codebook-locked.png");
    both.app.assert_idle("the locked codebook");

    let saved = store::load(&project).unwrap();
    assert!(saved.codebook.locked);
    assert_eq!(saved.memos.len(), 1, "the undone deletion brought the memo back");
    assert_eq!(
        saved.documents[0].annotation(quote.id).unwrap().attributes["speaker_type"],
        Value::Choice("expert".into())
    );
    assert_eq!(saved.codebook.label("actor").unwrap().name, "Akteur");
    assert_eq!(saved.codebook.label("actor").unwrap().hotkey, Some('3'));
    let variables = &saved.documents[0].variables;
    assert_eq!(variables["outlet"], Value::Text("IranWire".into()));
    assert_eq!(variables["publication_date"], Value::Date(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()));
    assert_eq!(variables["genre"], Value::Choice("opinion".into()));
    assert!(Path::new(&refused).exists());
}

#[test]
fn a_coder_adds_a_relation_type_and_an_attribute_with_clicks_and_keys_in_the_real_window() {
    let Some(_one_at_a_time) = require(TOOLS, "real_window_codebook") else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let settings = Settings { annotator_name: "Ana".into(), ..Settings::default() };
    settings.save(&home.join(".config/spanwise/settings.ron")).unwrap();
    let project = sample_copy(dir.path());
    let twin_file = dir.path().join("twin").join("sample.spanwise.ron");
    std::fs::create_dir_all(twin_file.parent().unwrap()).unwrap();
    std::fs::copy(&project, &twin_file).unwrap();
    let twin = harness_sized(
        SpanwiseApp::new(AppConfig { settings: settings.clone(), settings_path: None }).with_file(&twin_file),
        1400.0,
        900.0,
    );

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&project]);
    let window = app.window("sample.spanwise.ron");
    app.wait_state("dialog", "none", SETTLE);
    let mut both = Both { app, window, twin };

    // Ctrl+B, the variables folded away, the editor on, its relation types shown.
    both.key("ctrl+b", |twin| twin.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B));
    both.app.wait_state("coding_panel", "true", SETTLE);
    both.click("Document variables", None);
    both.click("Edit codebook", None);
    both.click("Relation types", None);

    // A relation type typed in, then narrowed to Quote > Actor with two clicks.
    both.type_into("New relation type name", "Speaks for");
    both.app.wait_state("relation_types", "Attributed to,Addressed to,Supports,Contradicts,About,Speaks for", SETTLE);
    // Each click waited for in the real window (under load a frame can come late).
    let ends = |both: &Both| both.app.state_of("relation_type_ends");
    both.click("From: Quote", Some(Role::CheckBox));
    common::real_window::wait_for("From: Quote ticked", SETTLE, || ends(&both).contains("Speaks for:quote>"));
    both.click("To: Actor", Some(Role::CheckBox));
    common::real_window::wait_for("To: Actor ticked", SETTLE, || ends(&both).contains("Speaks for:quote>actor"));
    shot(&both, "codebook-relation-type.png");

    // An attribute: name and choices typed, Quote ticked, Add attribute clicked.
    both.click("Relation types", None);
    both.click("Attributes", None);
    both.type_into("New attribute name", "Tone");
    both.type_into("New attribute choices", "warm, cold");
    both.click("New attribute applies to: Quote", Some(Role::CheckBox));
    both.click("Add attribute", None);
    both.app.wait_state("attribute_definitions", "Speaker type,Stance,Check-worthy,Addressee,Tone", SETTLE);
    shot(&both, "codebook-attribute.png");
    both.app.assert_idle("the attribute editor");

    // Deleting a relation type in use asks first; the answer is a click.
    let about = saved_relations(&both, "about");
    assert!(about > 0);
    both.click("Attributes", None);
    both.click("Relation types", None);
    both.click("Relation type About", None);
    both.click("Delete relation type About", None);
    both.app.wait_state(
        "codebook_prompt",
        &format!("{about} relations are of the type About. Delete the type and them?"),
        SETTLE,
    );
    shot(&both, "codebook-delete-in-use.png");
    assert_eq!(both.app.state_of("relation_types"), "Attributed to,Addressed to,Supports,Contradicts,About,Speaks for");
    both.click("Delete the type and its relations", None);
    both.app.wait_state("relation_types", "Attributed to,Addressed to,Supports,Contradicts,Speaks for", SETTLE);

    // Export codebook… from the palette, into Spanwise's chooser.
    both.key("ctrl+k", |twin| twin.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K));
    both.app.wait_state("dialog", "command palette", SETTLE);
    both.app.display.xdotool(&["type", "--delay", "40", "export codebook"]);
    both.twin.event(egui::Event::Text("export codebook".into()));
    both.twin.run();
    both.key("Return", |twin| twin.key_press(egui::Key::Enter));
    common::real_window::wait_for("the chooser", SETTLE, || both.app.state_of("dialog").starts_with("file chooser"));
    let exported = dir.path().join("exported.codebook.ron");
    both.type_into("File path", &exported.display().to_string());
    common::real_window::wait_for("the codebook file", SETTLE, || exported.is_file());

    both.key("ctrl+s", |_| {});
    both.app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&project).unwrap();
    assert_eq!(
        saved.documents.iter().map(|d| d.relations.iter().filter(|r| r.kind == "about").count()).sum::<usize>(),
        0
    );
    let mut notes = Vec::new();
    let file = spanwise::formats::codebook::read(&exported, &mut notes).unwrap();
    assert_eq!(file, saved.codebook, "the exported file holds the codebook as saved");
    let relation_type = saved.codebook.relation_type("speaks_for").expect("the relation type is in the file");
    assert_eq!(relation_type.name, "Speaks for");
    assert_eq!(relation_type.from_labels, ["quote"]);
    assert_eq!(relation_type.to_labels, ["actor"]);
    let attribute = saved.codebook.attribute("tone").expect("the attribute is in the file");
    assert_eq!(attribute.kind, spanwise::model::ValueKind::Choice(vec!["warm".into(), "cold".into()]));
    assert_eq!(attribute.labels, ["quote"]);
    assert_eq!(&saved.codebook, &both.twin.state().project().codebook, "the twin did the same");
}

/// Relations of this type in the project the twin shows.
fn saved_relations(both: &Both<'_>, kind: &str) -> usize {
    both.twin.state().project().documents.iter().map(|d| d.relations.iter().filter(|r| r.kind == kind).count()).sum()
}

/// The sample project with Stance on its first two claims and Addressee on two recommendations
/// (" 30 " and a Persian/emoji/Chinese text), written to `path`.
fn sample_with_values(path: &Path) -> (Vec<spanwise::model::ItemId>, Vec<spanwise::model::ItemId>) {
    use spanwise::edit::{Edit, apply};
    let mut project = store::load(path).unwrap();
    let ids = |label: &str| -> Vec<spanwise::model::ItemId> {
        project.documents[0].annotations.iter().filter(|a| a.label == label).map(|a| a.id).take(2).collect()
    };
    let (claims, recommendations) = (ids("claim"), ids("recommendation"));
    let values = [
        (claims[0], "stance", Value::Choice("supports".into())),
        (claims[1], "stance", Value::Choice("opposes".into())),
        (recommendations[0], "addressee", Value::Text(" 30 ".into())),
        (recommendations[1], "addressee", Value::Text("شبکه\u{200c}ها 🎉 社交".into())),
    ];
    for (id, attribute, value) in values {
        let mut annotation = project.documents[0].annotation(id).unwrap().clone();
        annotation.attributes.insert(attribute.into(), value);
        let document = project.documents[0].id.clone();
        apply(&mut project, Edit::UpdateAnnotation { document, annotation }).unwrap();
    }
    store::save(&project, path).unwrap();
    (claims, recommendations)
}

#[test]
fn a_coder_changes_an_attribute_kind_and_a_relation_direction_with_clicks_in_the_real_window() {
    let Some(_one_at_a_time) = require(TOOLS, "real_window_codebook") else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let settings = Settings { annotator_name: "Ana".into(), ..Settings::default() };
    settings.save(&home.join(".config/spanwise/settings.ron")).unwrap();
    let project = sample_copy(dir.path());
    let (claims, recommendations) = sample_with_values(&project);
    let twin_file = dir.path().join("twin").join("sample.spanwise.ron");
    std::fs::create_dir_all(twin_file.parent().unwrap()).unwrap();
    std::fs::copy(&project, &twin_file).unwrap();
    let twin = harness_sized(
        SpanwiseApp::new(AppConfig { settings: settings.clone(), settings_path: None }).with_file(&twin_file),
        1400.0,
        900.0,
    );

    let display = Display::start(dir.path(), true);
    let app = RealApp::launch(&display, &home, &[&project]);
    let window = app.window("sample.spanwise.ron");
    app.wait_state("dialog", "none", SETTLE);
    let mut both = Both { app, window, twin };

    both.key("ctrl+b", |twin| twin.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B));
    both.app.wait_state("coding_panel", "true", SETTLE);
    both.click("Document variables", None);
    both.click("Edit codebook", None);
    both.click("Attributes", None);

    // Stance: choice -> multi-choice with one click; every value kept, nothing asked.
    both.click("Attribute Stance", None);
    both.click("Kind of Stance: multi-choice", Some(Role::RadioButton));
    both.app.wait_state(
        "attribute_kinds",
        "Speaker type:choice,Stance:multi-choice,Check-worthy:yes/no,Addressee:free text",
        SETTLE,
    );
    assert_eq!(both.app.state_of("codebook_prompt"), "");
    shot(&both, "codebook-kind-selector.png");
    both.key("ctrl+s", |_| {});
    both.app.wait_state("dirty", "false", SETTLE);
    let saved = store::load(&project).unwrap();
    let options = vec!["supports".to_owned(), "opposes".into(), "neutral".into()];
    assert_eq!(saved.codebook.attribute("stance").unwrap().kind, spanwise::model::ValueKind::MultiChoice(options));
    assert_eq!(
        saved.documents[0].annotation(claims[1]).unwrap().attributes["stance"],
        Value::Choices(vec!["opposes".into()])
    );

    // Addressee: free text -> number asks, with the count and an example; the answer is a click.
    both.click("Attribute Addressee", None);
    both.click("Kind of Addressee: number", Some(Role::RadioButton));
    both.app.wait_state(
        "codebook_prompt",
        "1 annotation has a value of Addressee that is not a number, e.g. 'شبکه\u{200c}ها 🎉 社交'. \
         Remove that value and make Addressee a number?",
        SETTLE,
    );
    shot(&both, "codebook-kind-question.png");
    both.click("Remove those values", None);
    both.app.wait_state(
        "attribute_kinds",
        "Speaker type:choice,Stance:multi-choice,Check-worthy:yes/no,Addressee:number",
        SETTLE,
    );

    // Attributed to (drawn in the text above): undirected with the checkbox, its arcs then
    // without arrowheads.
    both.click("Attributes", None);
    both.click("Relation types", None);
    both.click("Relation type Attributed to", None);
    both.click("Directed: Attributed to", Some(Role::CheckBox));
    both.app.wait_state("undirected_relation_types", "Attributed to", SETTLE);
    shot(&both, "codebook-undirected.png");
    both.app.assert_idle("the kind and direction editors");
    both.key("ctrl+s", |_| {});
    both.app.wait_state("dirty", "false", SETTLE);

    let saved = store::load(&project).unwrap();
    assert_eq!(saved.codebook.attribute("addressee").unwrap().kind, spanwise::model::ValueKind::Number);
    let addressee = |i: usize| saved.documents[0].annotation(recommendations[i]).unwrap().attributes.get("addressee");
    assert_eq!(addressee(0), Some(&Value::Number(30.0)));
    assert_eq!(addressee(1), None, "removed after the question was answered");
    assert!(!saved.codebook.relation_type("attributed_to").unwrap().directed);
    assert!(saved.codebook.relation_type("supports").unwrap().directed, "only the one clicked");
    assert_eq!(&saved.codebook, &both.twin.state().project().codebook, "the twin did the same");
}
