//! The real `spanwise` binary in a virtual X display, driven with `xdotool` like a user: the
//! harness of every real-window test (first run, idle dialogs, kill -9).
//!
//! Needs `Xvfb`, `xdotool`, `openbox` (for the runs with a window manager) and `import`
//! (ImageMagick, for screenshots of failures); `.ci/run` installs them. Where one is missing the
//! test is skipped with a message, except under CI (`CI` set), where it fails: a real-window test
//! that cannot run must not pass.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Real-window tests run one at a time: a software-rendered window per test on two cores would
/// make double-clicks and key timing flaky.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Takes the real-window lock, or returns `None` (skip) when a needed program is missing outside CI.
#[must_use]
pub fn require(programs: &[&str], test: &str) -> Option<MutexGuard<'static, ()>> {
    let missing: Vec<&str> = programs.iter().copied().filter(|p| !on_path(p)).collect();
    if !missing.is_empty() {
        let message =
            format!("{test}: {} not installed (apt-get install xvfb xdotool openbox imagemagick)", missing.join(", "));
        assert!(std::env::var_os("CI").is_none(), "{message}; under CI a real-window test must run");
        eprintln!("SKIPPED {message}");
        return None;
    }
    Some(ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
}

pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

pub fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A virtual X display (`Xvfb`), optionally with a window manager (`openbox`).
pub struct Display {
    xvfb: Child,
    window_manager: Option<Child>,
    /// `:N`
    pub name: String,
    /// Screenshots of failures go here.
    pub dir: PathBuf,
}

impl Display {
    pub fn start(dir: &Path, window_manager: bool) -> Self {
        // Xvfb picks a free display number and writes it to the pipe (-displayfd): no races
        // between tests or with other X servers.
        let mut xvfb = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-noreset"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let mut number = String::new();
        let mut stdout = xvfb.stdout.take().expect("Xvfb's stdout");
        let mut byte = [0u8; 1];
        while stdout.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
            number.push(byte[0] as char);
        }
        assert!(!number.trim().is_empty(), "Xvfb did not say which display it opened");
        let name = format!(":{}", number.trim());
        let mut display = Self { xvfb, window_manager: None, name, dir: dir.to_owned() };
        if window_manager {
            let wm = Command::new("openbox")
                .env("DISPLAY", &display.name)
                .env("HOME", dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start openbox");
            display.window_manager = Some(wm);
            // Ready once it has announced itself on the root window (EWMH).
            wait_for("the window manager", Duration::from_secs(30), || {
                Command::new("xprop")
                    .args(["-root", "_NET_SUPPORTING_WM_CHECK"])
                    .env("DISPLAY", &display.name)
                    .output()
                    .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("window id"))
            });
        }
        display
    }

    /// Runs `xdotool` on this display; returns its standard output.
    pub fn xdotool(&self, args: &[&str]) -> String {
        let output = Command::new("xdotool").args(args).env("DISPLAY", &self.name).output().expect("run xdotool");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Saves a picture of the whole screen as `dir/name`; returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let path = self.dir.join(name);
        let _ = Command::new("import").args(["-window", "root"]).arg(&path).env("DISPLAY", &self.name).status();
        // SPANWISE_TEST_SHOTS=/some/dir keeps the screenshots after the test.
        if let Some(shots) = std::env::var_os("SPANWISE_TEST_SHOTS") {
            let _ = std::fs::copy(&path, Path::new(&shots).join(name));
        }
        path
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(wm) = &mut self.window_manager {
            let _ = wm.kill();
            let _ = wm.wait();
        }
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// How long after the last input "nothing happens" starts (see [`RealApp::assert_idle`]).
pub const IDLE_AFTER: Duration = Duration::from_millis(5500);

/// The `spanwise` binary running on a [`Display`] with its own `HOME`.
pub struct RealApp<'d> {
    child: Child,
    pub pid: u32,
    pub display: &'d Display,
    /// The app writes a summary of what it shows here (`SPANWISE_STATE_REPORT`).
    state: PathBuf,
}

impl<'d> RealApp<'d> {
    /// Starts the app as a user would: `home` is its `HOME` (no `SPANWISE_CONFIG_DIR`, no
    /// `XDG_CONFIG_HOME`, so settings live in `home/.config/spanwise`), `args` its command line.
    pub fn launch(display: &'d Display, home: &Path, args: &[&Path]) -> Self {
        std::fs::create_dir_all(home).unwrap();
        let state = home.join("spanwise-state.txt");
        let _ = std::fs::remove_file(&state);
        let mut command = Command::new(env!("CARGO_BIN_EXE_spanwise"));
        command
            .args(args)
            .env("DISPLAY", &display.name)
            .env("HOME", home)
            .env_remove("SPANWISE_CONFIG_DIR")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("SPANWISE_STATE_REPORT", &state)
            // Spanwise's own chooser: the system's dialogs (zenity, the portal) are tested by
            // tests/native_dialogs.rs.
            .env("SPANWISE_NATIVE_DIALOGS", "0")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = command.spawn().expect("start spanwise");
        let pid = child.id();
        let app = Self { child, pid, display, state };
        // A project named on the command line is read on another thread while the window shows;
        // tests drive the window once it is in.
        if args.iter().any(|a| a.to_string_lossy().ends_with(".ron")) {
            app.wait_state("opening", "none", Duration::from_secs(60));
        }
        app
    }

    /// The app's last state summary (`dialog=…`, `dirty=…`, `annotations=…`, `annotator=…`,
    /// `title=…`, `status=…`, one per line).
    pub fn state(&self) -> String {
        std::fs::read_to_string(&self.state).unwrap_or_default()
    }

    /// The value of `key` in the state summary.
    pub fn state_of(&self, key: &str) -> String {
        let prefix = format!("{key}=");
        self.state().lines().find_map(|l| l.strip_prefix(&prefix).map(str::to_owned)).unwrap_or_default()
    }

    /// Waits until the state summary says `key=value` (a screenshot is kept if it never does).
    pub fn wait_state(&self, key: &str, value: &str, timeout: Duration) {
        let start = Instant::now();
        while self.state_of(key) != value {
            if start.elapsed() > timeout {
                let shot = self.display.screenshot(&format!("timeout-{key}.png"));
                panic!(
                    "timed out after {timeout:?} waiting for {key}={value}; the app says:\n{}\n(screenshot {})",
                    self.state(),
                    shot.display()
                );
            }
            assert!(self.is_running(), "the app exited while waiting for {key}={value}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn is_running(&self) -> bool {
        Path::new(&format!("/proc/{}", self.pid)).exists()
            && std::fs::read_to_string(format!("/proc/{}/stat", self.pid))
                .is_ok_and(|stat| !stat.split(") ").nth(1).unwrap_or("").starts_with('Z'))
    }

    /// The window, once mapped (its title contains `title`).
    pub fn window(&self, title: &str) -> String {
        let mut window = String::new();
        wait_for(&format!("a window titled {title:?}"), Duration::from_secs(120), || {
            window = self
                .display
                .xdotool(&["search", "--onlyvisible", "--name", title])
                .lines()
                .next()
                .unwrap_or("")
                .to_owned();
            !window.is_empty()
        });
        window
    }

    /// A left click at `at` (coordinates inside `window`), the pointer resting on the spot first
    /// as a hand would (egui needs to see the pointer there before the press).
    #[allow(dead_code)] // not every test binary clicks
    pub fn click(&self, window: &str, at: (i32, i32)) {
        let (x, y) = (at.0.to_string(), at.1.to_string());
        self.display.xdotool(&[
            "mousemove",
            "--window",
            window,
            &x,
            &y,
            "sleep",
            "0.2",
            "mousedown",
            "1",
            "sleep",
            "0.1",
            "mouseup",
            "1",
        ]);
    }

    /// CPU time (user + system) the process has used, in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).expect("the app is running");
        // Fields after the command name (which may contain spaces) start at state (field 3).
        let after = stat.rsplit_once(") ").expect("a /proc stat line").1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        let utime: u64 = fields[11].parse().unwrap();
        let stime: u64 = fields[12].parse().unwrap();
        utime + stime
    }

    /// Share of one core the app used over `period` while nobody touched it.
    pub fn idle_cpu_share(&self, period: Duration) -> f64 {
        let ticks_per_second = clock_ticks_per_second();
        let before = self.cpu_ticks();
        std::thread::sleep(period);
        let used = self.cpu_ticks() - before;
        used as f64 / ticks_per_second / period.as_secs_f64()
    }

    /// Asserts that the app idles (< 5% of a core over 3 seconds) with `what` on screen, once
    /// the last input is more than `IDLE_AFTER` old: a text cursor blinks for 5 seconds after
    /// the last key or click (as GTK's does for 10), and a start needs a moment to finish.
    pub fn assert_idle(&self, what: &str) {
        std::thread::sleep(IDLE_AFTER);
        let share = self.idle_cpu_share(Duration::from_secs(3));
        if share >= 0.05 {
            let shot = self.display.screenshot(&format!("busy-{}.png", what.replace(' ', "-")));
            panic!(
                "with {what} open and nothing happening the app used {:.1}% of a core (screenshot {})",
                share * 100.0,
                shot.display()
            );
        }
        eprintln!("idle with {what}: {:.1}% of a core", share * 100.0);
    }

    /// Ends the app with SIGKILL, as a crash or power cut would.
    pub fn kill_9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the app to exit by itself; returns whether it did within `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.child.try_wait().ok().flatten().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for RealApp<'_> {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}
