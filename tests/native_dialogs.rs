//! The system's file dialog. Headless, with a scripted backend: what the app does with each
//! answer (a choice runs the same command as Spanwise's own chooser, Cancel nothing, a missing or
//! broken dialog opens Spanwise's chooser), and that the window takes no input while a dialog is
//! open. Then the real thing (`real_window`): the binary under Xvfb with zenity, with the XDG
//! desktop portal, and with neither, driven with xdotool.
//!
//! Self-contained on purpose (no `tests/common`), so that it can move onto a shared real-window
//! harness later.
#![cfg(feature = "gui")]

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::settings::{FileChooser, Settings};
use spanwise::ui::dialogs::Dialog;
use spanwise::ui::native_dialogs::{Answer, CHOOSING_STATUS, DialogBackend, NativeDialogs, NativeRequest};
use spanwise::ui::{AppConfig, Command, SpanwiseApp};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample_project() -> PathBuf {
    manifest_dir().join("sample_docs/iranwire-social-media-study.spanwise.ron")
}

/// A backend the test answers for: each dialog is reported on `requests` and stays open until the
/// test sends its answer.
struct Scripted {
    /// `false`: there is no dialog to show (like a desktop without portal and zenity).
    available: bool,
    requests: Mutex<Sender<NativeRequest>>,
    answers: Mutex<Receiver<Answer>>,
    /// When set, the dialog takes until the test sends on it to come up.
    slow_start: Mutex<Option<Receiver<()>>>,
    closed: Mutex<u32>,
}

impl DialogBackend for Scripted {
    fn show(&self, request: &NativeRequest, shown: &dyn Fn()) -> Answer {
        let _ = self.requests.lock().unwrap().send(request.clone());
        if !self.available {
            return Answer::Failed("no portal and no zenity".into());
        }
        if let Some(start) = self.slow_start.lock().unwrap().as_ref() {
            let _ = start.recv();
        }
        shown();
        self.answers.lock().unwrap().recv().unwrap_or(Answer::Cancelled)
    }

    fn close(&self) {
        *self.closed.lock().unwrap() += 1;
    }
}

struct Fixture {
    harness: Harness<'static, SpanwiseApp>,
    backend: Arc<Scripted>,
    requests: Receiver<NativeRequest>,
    answers: Sender<Answer>,
}

impl Fixture {
    fn new(available: bool, allowed_by_environment: bool, settings: Settings, file: Option<&Path>) -> Self {
        let (request_sender, requests) = mpsc::channel();
        let (answers, answer_receiver) = mpsc::channel();
        let backend = Arc::new(Scripted {
            available,
            requests: Mutex::new(request_sender),
            answers: Mutex::new(answer_receiver),
            slow_start: Mutex::new(None),
            closed: Mutex::new(0),
        });
        let dialogs = NativeDialogs::new(backend.clone(), allowed_by_environment);
        let mut app = SpanwiseApp::new(AppConfig { settings, settings_path: None }).with_native_dialogs(dialogs);
        if let Some(file) = file {
            app = app.with_file(file);
        }
        let mut harness = Harness::builder()
            .with_size(egui::vec2(1400.0, 900.0))
            .with_step_dt(1.0 / 60.0)
            .with_max_steps(30)
            .build_ui_state(|ui, app: &mut SpanwiseApp| app.frame_ui(ui), app);
        harness.run();
        Self { harness, backend, requests, answers }
    }

    fn with_backend(available: bool) -> Self {
        Self::new(available, true, settings(), None)
    }

    fn state(&self) -> &SpanwiseApp {
        self.harness.state()
    }

    fn shows_own_chooser(&self) -> bool {
        own_chooser_open(self.state())
    }

    fn press(&mut self, modifiers: Modifiers, key: Key) {
        self.harness.key_press_modifiers(modifiers, key);
        self.harness.run();
    }

    /// The request the app made of the backend.
    fn request(&self) -> NativeRequest {
        self.requests.recv_timeout(Duration::from_secs(10)).expect("a system dialog was asked for")
    }

    fn no_other_request(&self) {
        assert_eq!(self.requests.recv_timeout(Duration::from_millis(200)).ok(), None, "a second dialog was asked for");
    }

    /// Runs frames (the worker wakes the window) until `done`.
    fn until(&mut self, what: &str, done: impl Fn(&SpanwiseApp) -> bool) {
        let start = Instant::now();
        while !done(self.harness.state()) {
            assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(5));
            self.harness.step();
        }
        self.harness.run();
    }
}

/// Spanwise's own file chooser is on screen.
fn own_chooser_open(app: &SpanwiseApp) -> bool {
    matches!(app.dialog, Some(Dialog::File(_)))
}

/// What the window says while a slow dialog is starting.
const STARTING: &str = "Opening the system's file dialog…";

fn settings() -> Settings {
    Settings { annotator_name: "Test Coder".into(), ..Settings::default() }
}

#[test]
fn a_chosen_project_opens_and_the_window_waits_for_the_dialog_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.spanwise.ron");
    std::fs::copy(sample_project(), &first).unwrap();
    let mut fixture = Fixture::new(true, true, settings(), Some(&first));
    let annotation = fixture.state().document().unwrap().annotations[0].id;
    fixture.harness.state_mut().command(Command::SelectAnnotation(annotation));
    fixture.harness.run();
    fixture.press(Modifiers::COMMAND, Key::O);
    let request = fixture.request();
    assert_eq!(request.title, "Open a project or text");
    assert!(!request.saves);
    assert_eq!(request.dir, dir.path());
    fixture.until("the dialog to be shown", |app| app.status.as_deref() == Some(CHOOSING_STATUS));
    // Said in the status bar and over the window.
    assert!(fixture.harness.query_all_by_label(CHOOSING_STATUS).count() >= 2);
    assert!(!fixture.shows_own_chooser());

    // The window takes nothing that would conflict: no second Open or Add document, no new
    // project, no edit (Delete or a label key would change the selected annotation).
    fixture.press(Modifiers::COMMAND, Key::O);
    fixture.press(Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
    fixture.press(Modifiers::COMMAND, Key::N);
    fixture.press(Modifiers::NONE, Key::Delete);
    fixture.harness.key_press(Key::Num4);
    fixture.harness.event(egui::Event::Text("4".into()));
    fixture.harness.run();
    fixture.no_other_request();
    assert!(!fixture.shows_own_chooser());
    assert_eq!(fixture.state().project_path(), Some(first.as_path()), "Ctrl+N went through");
    assert!(!fixture.state().is_dirty(), "an edit went through");

    fixture.answers.send(Answer::Chosen(sample_project())).unwrap();
    fixture.until("the project to open", |app| app.project_path() != Some(first.as_path()));
    assert_eq!(fixture.state().project_path(), Some(sample_project().as_path()));
    assert!(fixture.state().document().is_some());
    assert_ne!(fixture.state().status.as_deref(), Some(CHOOSING_STATUS));
    assert_eq!(fixture.harness.query_all_by_label(CHOOSING_STATUS).count(), 0);

    // The window takes input again: the next Ctrl+O asks for a new dialog.
    fixture.press(Modifiers::COMMAND, Key::O);
    assert_eq!(fixture.request().title, "Open a project or text");
}

#[test]
fn add_document_and_save_as_run_the_commands_spanwises_chooser_runs() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("study.spanwise.ron");
    std::fs::copy(sample_project(), &project).unwrap();
    let mut fixture = Fixture::new(true, true, settings(), Some(&project));
    let documents = fixture.state().project().documents.len();

    fixture.press(Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
    let request = fixture.request();
    assert_eq!(request.title, "Add a text to the project");
    assert_eq!(request.dir, dir.path());
    // Latin-1 only: the headless window's fonts have no glyphs for more (kittest panics).
    let text = dir.path().join("Grüße aus Köln.txt");
    std::fs::write(&text, "Müller sagt: Grüße.\r\nZweite Zeile.\r\n").unwrap();
    fixture.answers.send(Answer::Chosen(text.clone())).unwrap();
    fixture.until("the document to be added", |app| app.project().documents.len() == documents + 1);
    assert_eq!(fixture.state().document().map(|d| d.name.as_str()), Some("Grüße aus Köln.txt"));

    fixture.press(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    let request = fixture.request();
    assert!(request.saves);
    assert_eq!(request.dir, dir.path());
    assert_eq!(request.file_name.as_deref(), Some("study.spanwise.ron"));
    // A name without the extension gets it, as in Spanwise's chooser.
    fixture.answers.send(Answer::Chosen(dir.path().join("copy"))).unwrap();
    let saved = dir.path().join("copy.spanwise.ron");
    fixture.until("the project to be saved", |app| app.project_path() == Some(saved.as_path()));
    let reopened = spanwise::store::load(&saved).unwrap();
    assert_eq!(reopened.documents.len(), documents + 1);
}

#[test]
fn without_a_system_dialog_spanwises_chooser_opens_at_once() {
    let mut fixture = Fixture::with_backend(false);
    fixture.press(Modifiers::COMMAND, Key::O);
    assert_eq!(fixture.request().title, "Open a project or text");
    fixture.until("Spanwise's chooser", own_chooser_open);
    fixture.harness.get_by_label("File path");
    assert_eq!(fixture.harness.query_all_by_label(CHOOSING_STATUS).count(), 0, "never said to look elsewhere");
    assert_eq!(fixture.state().status, None);
    // It works as always: type a path, Open.
    fixture.harness.get_by_label("File path").focus();
    fixture.harness.run();
    fixture.harness.get_by_label("File path").type_text(sample_project().to_str().unwrap());
    fixture.harness.run();
    fixture.harness.get_by_label("Open").click();
    fixture.harness.run();
    assert_eq!(fixture.state().project_path(), Some(sample_project().as_path()));
}

#[test]
fn a_dialog_that_breaks_after_appearing_falls_back_too() {
    let mut fixture = Fixture::with_backend(true);
    fixture.press(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    fixture.request();
    fixture.until("the dialog to be shown", |app| app.status.as_deref() == Some(CHOOSING_STATUS));
    fixture.answers.send(Answer::Failed("zenity exited with status 255".into())).unwrap();
    fixture.until("Spanwise's chooser", own_chooser_open);
    fixture.harness.get_by_label("Save project as");
    assert_eq!(fixture.state().status, None);
}

#[test]
fn cancel_does_nothing() {
    let mut fixture = Fixture::with_backend(true);
    fixture.press(Modifiers::COMMAND, Key::O);
    fixture.request();
    fixture.until("the dialog to be shown", |app| app.status.as_deref() == Some(CHOOSING_STATUS));
    fixture.answers.send(Answer::Cancelled).unwrap();
    fixture.until("the dialog to close", |app| app.status.is_none());
    assert!(fixture.state().dialog.is_none(), "no chooser of Spanwise's after a cancel");
    assert_eq!(fixture.state().project().name, "Untitled");
    assert!(fixture.state().project_path().is_none());
    assert_eq!(fixture.harness.query_all_by_label(CHOOSING_STATUS).count(), 0);
}

#[test]
fn cancelling_save_as_abandons_a_pending_save_then_quit() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("article.txt");
    std::fs::write(&text, "Müller sagt: Grüße.\n").unwrap();
    let mut fixture = Fixture::new(true, true, settings(), Some(&text));
    assert!(fixture.state().is_dirty(), "a text opens as an unsaved project");
    // Work to lose (an untouched text is not asked about): "Müller" tagged.
    let document = fixture.state().project().documents[0].id.clone();
    let coder = spanwise::model::Annotator { id: "tester".into(), name: "Tester".into() };
    fixture.harness.state_mut().session_mut().tag(&document, 0..6, "claim", &coder).unwrap();
    // Quit, "Save" in the unsaved-changes dialog: there is no file yet, so Save as comes up.
    fixture.press(Modifiers::COMMAND, Key::Q);
    fixture.harness.get_by_label("Save").click();
    fixture.harness.run();
    assert!(fixture.request().saves);
    fixture.answers.send(Answer::Cancelled).unwrap();
    fixture.until("the dialog to close", |app| !app.waits_for_file_dialog());

    // A later save is just a save: the quit was abandoned with the cancel.
    fixture.press(Modifiers::COMMAND, Key::S);
    fixture.request();
    let saved = dir.path().join("article.spanwise.ron");
    fixture.answers.send(Answer::Chosen(saved.clone())).unwrap();
    let start = Instant::now();
    let mut closed = false;
    while fixture.state().project_path() != Some(saved.as_path()) || start.elapsed() < Duration::from_millis(300) {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for the save");
        std::thread::sleep(Duration::from_millis(5));
        fixture.harness.step();
        closed |= fixture
            .harness
            .output()
            .viewport_output
            .values()
            .any(|viewport| viewport.commands.contains(&egui::ViewportCommand::Close));
    }
    assert!(saved.exists());
    assert!(!closed, "the window closed after a save the user made later");
}

#[test]
fn the_setting_and_the_environment_keep_spanwises_chooser() {
    let prefers_own = Settings { file_chooser: FileChooser::Spanwise, ..settings() };
    let mut fixture = Fixture::new(true, true, prefers_own, None);
    fixture.press(Modifiers::COMMAND, Key::O);
    assert!(fixture.shows_own_chooser());
    fixture.no_other_request();

    let mut fixture = Fixture::new(true, false, settings(), None);
    fixture.press(Modifiers::COMMAND, Key::O);
    assert!(fixture.shows_own_chooser(), "SPANWISE_NATIVE_DIALOGS=0");
    fixture.no_other_request();

    // The View menu switches it, and the setting is kept.
    let mut fixture = Fixture::with_backend(true);
    fixture.harness.get_by_label("View").click();
    fixture.harness.run();
    fixture.harness.get_by_label("Use the system file dialog").click();
    fixture.harness.run();
    assert_eq!(fixture.state().settings.file_chooser, FileChooser::Spanwise);
    fixture.harness.key_press(Key::Escape);
    fixture.harness.run();
    fixture.press(Modifiers::COMMAND, Key::O);
    assert!(fixture.shows_own_chooser());
    fixture.no_other_request();
}

#[test]
fn an_answer_waits_for_the_in_app_dialog_on_screen() {
    let mut fixture = Fixture::with_backend(true);
    fixture.press(Modifiers::COMMAND, Key::O);
    fixture.request();
    fixture.until("the dialog to be shown", |app| app.status.as_deref() == Some(CHOOSING_STATUS));
    // Something the user must answer first comes up meanwhile (here: the shortcut list).
    fixture.harness.state_mut().dialog = Some(Dialog::Shortcuts);
    fixture.answers.send(Answer::Chosen(sample_project())).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    fixture.harness.run();
    assert!(fixture.state().project_path().is_none(), "opened under a dialog");
    // Closed with Escape: clicking its Close button here does not reach it (noted in the
    // session's closing note; the real-window test closes it with Escape too).
    fixture.harness.key_press(Key::Escape);
    fixture.harness.run();
    fixture.until("the project to open", |app| app.project_path().is_some());
}

#[test]
fn a_dialog_slow_to_start_is_announced_after_a_moment_and_can_be_skipped() {
    let mut fixture = Fixture::with_backend(true);
    let (start, slow_start) = mpsc::channel();
    *fixture.backend.slow_start.lock().unwrap() = Some(slow_start);
    fixture.press(Modifiers::COMMAND, Key::O);
    fixture.request();
    // Usually over in milliseconds: nothing is shown at first (no flash before Spanwise's chooser).
    assert_eq!(fixture.harness.query_all_by_label(STARTING).count(), 0);
    std::thread::sleep(Duration::from_millis(400));
    fixture.harness.run();
    fixture.harness.get_by_label(STARTING);
    assert_eq!(fixture.state().status, None, "the status bar only tells to use a dialog that is there");
    // The dialog never comes: Spanwise's chooser instead.
    fixture.harness.get_by_label("Use Spanwise's chooser instead").click();
    fixture.harness.run();
    assert!(fixture.shows_own_chooser());
    let _ = start.send(());
}

#[test]
fn spanwises_chooser_can_be_used_instead_of_a_dialog_that_does_not_come() {
    let mut fixture = Fixture::with_backend(true);
    fixture.press(Modifiers::COMMAND, Key::O);
    fixture.request();
    fixture.until("the dialog to be shown", |app| app.status.as_deref() == Some(CHOOSING_STATUS));
    fixture.harness.get_by_label("Use Spanwise's chooser instead").click();
    fixture.harness.run();
    assert!(fixture.shows_own_chooser());
    assert_eq!(*fixture.backend.closed.lock().unwrap(), 1, "the system dialog is closed");
    // A late answer from the abandoned dialog changes nothing.
    fixture.answers.send(Answer::Chosen(sample_project())).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    fixture.harness.run();
    assert!(fixture.state().project_path().is_none());
    assert!(fixture.shows_own_chooser());
}

/// The binary in a real X server. Needs Xvfb, openbox and xdotool; the zenity case needs zenity,
/// the portal case dbus-daemon, xdg-desktop-portal and xdg-desktop-portal-gtk. Without them the
/// test fails when `CI` is set, and says what it skipped otherwise.
mod real_window {
    use std::io::{BufRead, BufReader};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    use super::sample_project;

    /// Title of the Open dialog (Spanwise gives it to zenity and the portal).
    const OPEN_TITLE: &str = "Open a project or text";

    fn on_path(program: &str) -> bool {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
    }

    /// `true` if every program is there; otherwise fails under CI, or prints what is skipped.
    fn tools_present(test: &str, programs: &[&str], install: &str) -> bool {
        let missing: Vec<&str> = programs.iter().copied().filter(|p| !on_path(p)).collect();
        if missing.is_empty() {
            return true;
        }
        let message = format!("{test}: {} not installed ({install})", missing.join(", "));
        if std::env::var_os("CI").is_some() {
            panic!("{message}; CI must run this test");
        }
        println!("SKIPPED {message}");
        false
    }

    /// Processes this test started, ended (by their own handles) when it is done.
    struct Processes(Vec<Child>);

    impl Drop for Processes {
        fn drop(&mut self) {
            for child in self.0.iter_mut().rev() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// A private X server with a window manager.
    struct Display {
        name: String,
        dir: PathBuf,
        /// Xvfb and openbox, ended with the display.
        _processes: Processes,
    }

    impl Display {
        fn start(dir: &Path) -> Self {
            // -displayfd 1: Xvfb picks a free display and writes its number to our pipe.
            let mut xvfb = Command::new("Xvfb")
                .args(["-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("start Xvfb");
            let stdout = xvfb.stdout.take().expect("Xvfb's stdout");
            let mut processes = Processes(vec![xvfb]);
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).expect("the display number from Xvfb");
            let number: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb said {line:?}"));
            let name = format!(":{number}");
            let openbox = Command::new("openbox")
                .env("DISPLAY", &name)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start openbox");
            processes.0.push(openbox);
            let display = Self { name, dir: dir.to_owned(), _processes: processes };
            // openbox is up once it answers for the desktops (EWMH).
            wait_for("openbox", Duration::from_secs(30), &display, || {
                Command::new("xdotool")
                    .arg("get_num_desktops")
                    .env("DISPLAY", &display.name)
                    .output()
                    .is_ok_and(|out| out.status.success())
            });
            display
        }

        fn xdotool(&self, args: &[&str]) -> String {
            let output = Command::new("xdotool").args(args).env("DISPLAY", &self.name).output().expect("run xdotool");
            String::from_utf8_lossy(&output.stdout).trim().to_owned()
        }

        /// The first window whose title matches `pattern` (a regular expression), if any.
        fn window(&self, pattern: &str) -> Option<String> {
            self.xdotool(&["search", "--name", pattern]).lines().next().map(str::to_owned)
        }

        /// A screenshot in the test's folder (kept in `SPANWISE_TEST_SHOTS` if set), for failures.
        fn screenshot(&self, name: &str) -> PathBuf {
            let path = self.dir.join(name);
            let _ = Command::new("import").args(["-window", "root"]).arg(&path).env("DISPLAY", &self.name).status();
            if let Some(shots) = std::env::var_os("SPANWISE_TEST_SHOTS") {
                let _ = std::fs::copy(&path, Path::new(&shots).join(format!("native-dialogs-{name}")));
            }
            path
        }
    }

    fn wait_for(what: &str, timeout: Duration, display: &Display, done: impl Fn() -> bool) {
        let start = Instant::now();
        while !done() {
            if start.elapsed() > timeout {
                let shot = display.screenshot(&format!("{}.png", what.replace(' ', "-")));
                let log = std::fs::read_to_string(display.dir.join("spanwise.log")).unwrap_or_default();
                panic!("timed out waiting for {what} (screenshot {}); the app logged:\n{log}", shot.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Spanwise as a user starts it, with a fresh home and its name already given.
    struct App {
        child: Child,
    }

    impl App {
        /// `path` is the app's `PATH` (zenity is looked for there); `bus` its session bus.
        fn start(display: &Display, path: &str, bus: Option<&str>) -> Self {
            let home = display.dir.join("home");
            let config = home.join("config");
            std::fs::create_dir_all(&config).unwrap();
            std::fs::write(config.join("settings.ron"), "(annotator_name: \"X\")\n").unwrap();
            // An empty runtime folder: no session bus by the default path either.
            let runtime = display.dir.join("runtime");
            std::fs::create_dir_all(&runtime).unwrap();
            let log = std::fs::File::create(display.dir.join("spanwise.log")).unwrap();
            let mut command = Command::new(env!("CARGO_BIN_EXE_spanwise"));
            command
                .env_clear()
                .env("PATH", path)
                .env("DISPLAY", &display.name)
                .env("HOME", &home)
                .env("SPANWISE_CONFIG_DIR", &config)
                .env("XDG_RUNTIME_DIR", &runtime)
                .env("RUST_LOG", "info")
                .current_dir(&home)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log);
            if let Some(bus) = bus {
                command.env("DBUS_SESSION_BUS_ADDRESS", bus);
            }
            let child = command.spawn().expect("start spanwise");
            let app = Self { child };
            wait_for("the window", Duration::from_secs(120), display, || display.window("Untitled").is_some());
            if let Some(window) = display.window("Untitled") {
                display.xdotool(&["windowactivate", "--sync", &window]);
            }
            std::thread::sleep(Duration::from_millis(500));
            app
        }

        /// Share of one core used over `seconds`, from /proc/<pid>/stat (user + system time).
        fn cpu_share(&self, seconds: u64) -> f64 {
            let ticks = || {
                let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).expect("the app runs");
                // Fields after the command name (which may hold spaces): state is the first, then
                // utime and stime are the 12th and 13th.
                let rest = &stat[stat.rfind(')').expect("a stat line") + 1..];
                let fields: Vec<u64> =
                    rest.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect();
                fields.iter().sum::<u64>()
            };
            let per_second = Command::new("getconf")
                .arg("CLK_TCK")
                .output()
                .ok()
                .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse::<u64>().ok())
                .unwrap_or(100);
            let before = ticks();
            std::thread::sleep(Duration::from_secs(seconds));
            let used = ticks() - before;
            used as f64 / per_second as f64 / seconds as f64
        }
    }

    impl Drop for App {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// A copy of the sample project with a name no window has yet.
    fn project_to_open(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::copy(sample_project(), &path).unwrap();
        path
    }

    /// Ctrl+O in the app, then the system dialog titled "Open a project or text": checks the app
    /// idles while it is open, types `file` into it and checks the app opened it.
    fn open_through_system_dialog(display: &Display, app: &App, file: &Path) {
        display.xdotool(&["key", "ctrl+o"]);
        wait_for("the system dialog", Duration::from_secs(60), display, || display.window(OPEN_TITLE).is_some());
        std::thread::sleep(Duration::from_secs(1));
        let stem = file.file_name().unwrap().to_string_lossy().replace(".spanwise.ron", "");
        display.screenshot(&format!("{stem}-dialog.png"));
        let share = app.cpu_share(3);
        println!("CPU while the system dialog is open: {:.1}% of a core", share * 100.0);
        assert!(share < 0.05, "the app used {:.1}% of a core while waiting for the dialog", share * 100.0);

        let dialog = display.window(OPEN_TITLE).expect("the dialog is still open");
        display.xdotool(&["windowactivate", "--sync", &dialog]);
        // GTK's file chooser: Ctrl+L opens the location field; a full path and Enter choose it.
        // The field may take a moment to get the keyboard (the first letters would be lost), so
        // the path is typed once, then selected and typed again.
        let path = file.display().to_string();
        display.xdotool(&["key", "ctrl+l"]);
        std::thread::sleep(Duration::from_secs(1));
        display.xdotool(&["type", "--delay", "20", &path]);
        std::thread::sleep(Duration::from_millis(500));
        display.xdotool(&["key", "ctrl+a"]);
        display.xdotool(&["type", "--delay", "20", &path]);
        std::thread::sleep(Duration::from_millis(500));
        display.xdotool(&["key", "Return"]);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        wait_for("the chosen file to open", Duration::from_secs(60), display, || display.window(&name).is_some());
        wait_for("the dialog to close", Duration::from_secs(30), display, || display.window(OPEN_TITLE).is_none());
    }

    #[test]
    fn zenity_then_no_dialog_at_all() {
        let tools = ["Xvfb", "openbox", "xdotool", "zenity"];
        if !tools_present("zenity_then_no_dialog_at_all", &tools, "apt-get install xvfb openbox xdotool zenity") {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let display = Display::start(dir.path());

        // zenity on PATH, no session bus: zenity's dialog.
        let app = App::start(&display, &std::env::var("PATH").unwrap_or_default(), None);
        let file = project_to_open(dir.path(), "through-zenity.spanwise.ron");
        open_through_system_dialog(&display, &app, &file);
        drop(app);

        // Neither zenity nor a bus: Spanwise's own chooser, with the path field focused.
        let empty = dir.path().join("empty-bin");
        std::fs::create_dir_all(&empty).unwrap();
        let app = App::start(&display, empty.to_str().unwrap(), None);
        display.xdotool(&["key", "ctrl+o"]);
        std::thread::sleep(Duration::from_secs(1));
        display.screenshot("own-chooser.png");
        let file = project_to_open(dir.path(), "through-spanwise.spanwise.ron");
        display.xdotool(&["type", "--delay", "20", &file.display().to_string()]);
        display.xdotool(&["key", "Return"]);
        wait_for("the typed file to open", Duration::from_secs(60), &display, || {
            display.window("through-spanwise").is_some()
        });
        assert!(display.window(OPEN_TITLE).is_none(), "no system dialog appeared");
        drop(app);
    }

    #[test]
    fn xdg_desktop_portal() {
        let tools = ["Xvfb", "openbox", "xdotool", "dbus-daemon"];
        let install = "apt-get install xvfb openbox xdotool dbus-daemon xdg-desktop-portal xdg-desktop-portal-gtk";
        if !tools_present("xdg_desktop_portal", &tools, install) || !portal_installed("xdg_desktop_portal", install) {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let display = Display::start(dir.path());
        // A private session bus; it starts the portal (and its GTK dialogs) on our display.
        let socket = dir.path().join("bus");
        let address = format!("unix:path={}", socket.display());
        // The portal's state (recent files) goes to a home of its own, not the tester's.
        let portal_home = dir.path().join("portal-home");
        let portal_runtime = dir.path().join("portal-runtime");
        std::fs::create_dir_all(&portal_home).unwrap();
        std::fs::create_dir_all(&portal_runtime).unwrap();
        let bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", &format!("--address={address}")])
            .env("DISPLAY", &display.name)
            .env("HOME", &portal_home)
            .env("XDG_RUNTIME_DIR", &portal_runtime)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_CACHE_HOME")
            .env("XDG_CURRENT_DESKTOP", "GNOME")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-daemon");
        let _bus = Processes(vec![bus]);
        wait_for("the session bus", Duration::from_secs(30), &display, || socket.exists());

        // No zenity on PATH: the dialog can only be the portal's.
        let empty = dir.path().join("empty-bin");
        std::fs::create_dir_all(&empty).unwrap();
        let app = App::start(&display, empty.to_str().unwrap(), Some(&address));
        let file = project_to_open(dir.path(), "through-portal.spanwise.ron");
        open_through_system_dialog(&display, &app, &file);
        let log = std::fs::read_to_string(dir.path().join("spanwise.log")).unwrap_or_default();
        assert!(!log.contains("zenity"), "the portal, not zenity:\n{log}");
    }

    /// The portal and its GTK backend, which the session bus starts on demand.
    fn portal_installed(test: &str, install: &str) -> bool {
        let services = ["org.freedesktop.portal.Desktop.service", "org.freedesktop.impl.portal.desktop.gtk.service"];
        let missing: Vec<&str> =
            services.into_iter().filter(|s| !Path::new("/usr/share/dbus-1/services").join(s).is_file()).collect();
        if missing.is_empty() {
            return true;
        }
        let message = format!("{test}: no D-Bus service {} ({install})", missing.join(", "));
        if std::env::var_os("CI").is_some() {
            panic!("{message}; CI must run this test");
        }
        println!("SKIPPED {message}");
        false
    }
}

#[test]
fn several_coders_files_chosen_in_the_system_dialog_are_brought_in() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("study.spanwise.ron");
    std::fs::copy(sample_project(), &project).unwrap();
    let coders: Vec<PathBuf> = ["ana ü.spanwise.ron", "bo.spanwise.ron"]
        .iter()
        .map(|name| {
            let path = dir.path().join(name);
            std::fs::copy(sample_project(), &path).unwrap();
            path
        })
        .collect();
    let mut fixture = Fixture::new(true, true, settings(), Some(&project));
    fixture.harness.state_mut().command(Command::BringInCoders);
    fixture.harness.run();
    let request = fixture.request();
    assert_eq!(request.title, "Bring in coders' files");
    assert!(request.multiple, "several files may be chosen");
    fixture.answers.send(Answer::ChosenMany(coders)).unwrap();
    fixture.until("the report", |app| {
        app.dialog.as_ref().is_some_and(|d| d.describe() == "bring in: report (2 files, 0 refused)")
    });
    assert!(!fixture.shows_own_chooser());
}
