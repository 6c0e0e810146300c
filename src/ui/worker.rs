//! Long-running work (export, reading an import) on a worker thread: progress as `(done, total)`,
//! Cancel, and the result once. The window is woken only when the progress moves by a percent or
//! the work ends, so nothing repaints while nothing happens.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};

/// Progress and the cancel flag, shared with the worker.
#[derive(Default)]
struct Shared {
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
}

/// A job on a worker thread that ends with a `T`.
pub struct Worker<T> {
    shared: Arc<Shared>,
    result: Receiver<T>,
}

impl<T: Send + 'static> Worker<T> {
    /// Starts `work` on a thread named `name`; it reports through the callback it is given, which
    /// returns `Break` once the user cancelled.
    pub fn spawn(
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce(&dyn Fn(u64, u64) -> ControlFlow<()>) -> T + Send + 'static,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let (sender, result) = mpsc::channel();
        let worker_shared = Arc::clone(&shared);
        let ctx = ctx.clone();
        std::thread::Builder::new().name(name.to_owned()).spawn(move || {
            let progress = |done: u64, total: u64| {
                let before =
                    percent(worker_shared.done.load(Ordering::Relaxed), worker_shared.total.load(Ordering::Relaxed));
                worker_shared.total.store(total, Ordering::Relaxed);
                worker_shared.done.store(done, Ordering::Relaxed);
                if percent(done, total) != before {
                    ctx.request_repaint();
                }
                if worker_shared.cancel.load(Ordering::Relaxed) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            };
            let value = work(&progress);
            // The window may be gone (closed while the work ran): nobody to tell.
            let _ = sender.send(value);
            ctx.request_repaint();
        })?;
        Ok(Self { shared, result })
    }
}

impl<T> Worker<T> {
    /// How far the work is, 0 to 1.
    pub fn fraction(&self) -> f32 {
        let total = self.shared.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.shared.done.load(Ordering::Relaxed) as f64 / total as f64).clamp(0.0, 1.0) as f32
    }

    /// Asks the worker to stop; it does at its next progress report.
    pub fn cancel(&self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
    }

    pub fn cancelling(&self) -> bool {
        self.shared.cancel.load(Ordering::Relaxed)
    }

    /// The result, once the work has ended; never waits. `Err` if the worker died without one.
    pub fn poll(&self) -> Option<Result<T, String>> {
        match self.result.try_recv() {
            Ok(value) => Some(Ok(value)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the worker thread stopped without a result".into())),
        }
    }
}

impl<T> Drop for Worker<T> {
    fn drop(&mut self) {
        // A dialog closed (or a window gone) while the work runs: stop it.
        self.cancel();
    }
}

fn percent(done: u64, total: u64) -> u64 {
    done.saturating_mul(100).checked_div(total).unwrap_or(0)
}

/// A progress bar with a Cancel button; returns whether Cancel was pressed.
pub fn progress_ui<T>(ui: &mut egui::Ui, worker: &Worker<T>, what: &str) -> bool {
    let fraction = worker.fraction();
    let text =
        if worker.cancelling() { "Cancelling…".to_owned() } else { format!("{what} {:.0} %", fraction * 100.0) };
    ui.add(egui::ProgressBar::new(fraction).text(text).desired_width(ui.available_width()));
    ui.add_enabled(!worker.cancelling(), egui::Button::new("Cancel"))
        .on_hover_text("Stop; nothing is left behind")
        .clicked()
}
