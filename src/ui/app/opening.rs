//! Opening the project named on the command line on another thread, so the window is on screen
//! at once and a large project does not keep it blank: reading and checking a 55 MB file takes
//! about half a second of CPU (see BENCHMARKS.md, "Start-up"). Until the file is read the window
//! shows what it is opening; the name prompt of a first run can be answered meanwhile.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Instant;

use crate::store::{self, LoadError, Loaded};

use super::SpanwiseApp;

/// A project file being read on another thread.
pub(crate) struct Opening {
    path: PathBuf,
    size: Option<u64>,
    started: Instant,
    result: Receiver<Result<Loaded, LoadError>>,
}

impl SpanwiseApp {
    /// Opens a project or text given on the command line: a project file on another thread (the
    /// window shows at once), a text right away (imports are quick, and a text's project is new).
    pub fn with_file_in_background(mut self, path: &Path, ctx: &egui::Context) -> Self {
        if !store::is_project_path(path) {
            return self.with_file(path);
        }
        let (sender, result) = mpsc::channel();
        let reading = path.to_owned();
        let waker = ctx.clone();
        let spawned = std::thread::Builder::new().name("spanwise-open".into()).spawn(move || {
            // The window may be gone already; then nobody needs the project.
            let _ = sender.send(store::load_file(&reading));
            waker.request_repaint();
        });
        match spawned {
            Ok(_) => {
                let size = std::fs::metadata(path).ok().map(|m| m.len());
                self.opening = Some(Opening { path: path.to_owned(), size, started: Instant::now(), result });
                self
            }
            Err(err) => {
                log::warn!("cannot start a thread to open {}: {err}; opening it now", path.display());
                self.with_file(path)
            }
        }
    }

    /// The file being opened, if one is.
    pub fn opening(&self) -> Option<&Path> {
        self.opening.as_ref().map(|o| o.path.as_path())
    }

    /// Takes the read project once it is there; until then shows what is being opened, in
    /// place of the panels. Returns whether the file is still being read.
    pub(super) fn opening_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let Some(opening) = &self.opening else {
            return false;
        };
        let read = match opening.result.try_recv() {
            Ok(read) => read,
            Err(TryRecvError::Empty) => {
                let (path, size, started) = (opening.path.clone(), opening.size, opening.started);
                show_progress(ui, &path, size, started);
                return true;
            }
            // The reading thread ended without an answer: it panicked (a bug), and said so in the
            // log. The open project is untouched; the user is told.
            Err(TryRecvError::Disconnected) => Err(LoadError::Io {
                path: opening.path.clone(),
                source: std::io::Error::other("reading the file stopped unexpectedly (see the log)"),
            }),
        };
        let Some(opening) = self.opening.take() else {
            return false;
        };
        log::info!("read {} in {:.0?}", opening.path.display(), opening.started.elapsed());
        if self.session.open_loaded(&opening.path, read).is_some() {
            self.settings.add_recent(&opening.path);
            self.save_settings();
        }
        self.take_notices();
        ui.ctx().request_repaint();
        false
    }
}

fn show_progress(ui: &mut egui::Ui, path: &Path, size: Option<u64>, started: Instant) {
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 3.0);
            // No spinner: an animation repaints every frame, and with a software renderer those
            // frames took more CPU than reading the file (1.2 s instead of 0.5 s for the 55 MB
            // project). The elapsed time below ticks twice a second; the reading thread wakes
            // the window when it is done.
            ui.heading(format!("Opening {name}…"));
            let mut detail = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
            if let Some(size) = size {
                detail.push_str(&format!(" · {:.1} MB", size as f64 / 1_000_000.0));
            }
            let waited = started.elapsed().as_secs_f32();
            if waited >= 1.0 {
                detail.push_str(&format!(" · {waited:.0} s"));
            }
            ui.weak(detail);
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(500));
        });
    });
}
