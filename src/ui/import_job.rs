//! An import (File › Import…, File › Open URL…) running on a worker thread: the window polls it
//! each frame for progress and the report, and the worker wakes the window when something
//! changed, so nothing repaints in a loop while waiting.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::formats::import::{self, ImportOptions, ImportReport, Input, Progress};
use crate::model::Project;

/// What the user asked to import, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRequest {
    pub inputs: Vec<Input>,
    /// The CSV/TSV column or JSON field holding the text; `None` guesses (`text`, `body`…).
    pub text_column: Option<String>,
    /// Apply the clean-up proposals to plain texts as they are.
    pub clean: bool,
    pub skip_duplicates: bool,
    /// Read texts in this encoding (a WHATWG label) instead of detecting it.
    pub encoding: Option<String>,
}

impl ImportRequest {
    pub fn new(inputs: Vec<Input>) -> Self {
        Self { inputs, text_column: None, clean: false, skip_duplicates: true, encoding: None }
    }

    pub fn options(&self) -> ImportOptions {
        ImportOptions {
            text_column: self.text_column.clone(),
            clean: self.clean,
            skip_duplicates: self.skip_duplicates,
            encoding: self.encoding.clone(),
            ..ImportOptions::default()
        }
    }

    /// One URL (File › Open URL…).
    pub fn single_url(&self) -> Option<&str> {
        match self.inputs.as_slice() {
            [Input::Url(url)] => Some(url),
            _ => None,
        }
    }
}

/// An import in progress.
pub struct ImportJob {
    pub request: ImportRequest,
    progress: Arc<Mutex<Option<Progress>>>,
    cancel: Arc<AtomicBool>,
    receiver: Receiver<ImportReport>,
    started: Instant,
    /// The report, once it arrived (kept until the app takes it).
    finished: Option<ImportReport>,
}

impl ImportJob {
    /// Starts importing on a worker thread. `wake` is called after every source and at the end.
    pub fn start(project: &Project, request: ImportRequest, wake: impl Fn() + Send + 'static) -> Self {
        // The worker needs the texts' hashes (duplicates), the ids in use and the codebook, not
        // the texts themselves.
        let mut known = Project::new(project.name.clone());
        known.codebook = project.codebook.clone();
        known.documents = project
            .documents
            .iter()
            .map(|d| {
                let mut light = crate::model::Document::new(d.id.clone(), d.name.clone(), String::new());
                light.sha256 = d.sha256.clone();
                light
            })
            .collect();
        let progress = Arc::new(Mutex::new(None));
        let cancel = Arc::new(AtomicBool::new(false));
        let (sender, receiver) = mpsc::channel();
        let (worker_progress, worker_cancel) = (Arc::clone(&progress), Arc::clone(&cancel));
        let inputs = request.inputs.clone();
        let options = request.options();
        std::thread::spawn(move || {
            let report = import::import_sources(&known, &inputs, &options, &|update: Progress| {
                if let Ok(mut slot) = worker_progress.lock() {
                    *slot = Some(update);
                }
                wake();
                if worker_cancel.load(Ordering::Relaxed) { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
            });
            // The window may be gone; then nobody wants the report.
            let _ = sender.send(report);
            wake();
        });
        Self { request, progress, cancel, receiver, started: Instant::now(), finished: None }
    }

    /// Asks the worker to stop; what it finished is still reported.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The latest progress, if a source has finished yet.
    pub fn progress(&self) -> Option<Progress> {
        self.progress.lock().ok().and_then(|p| p.clone())
    }

    /// The report, once the worker is done (a URL fetch that cannot be interrupted ends with a
    /// report marked cancelled as soon as Cancel is pressed).
    pub fn poll(&mut self) -> Option<ImportReport> {
        if self.finished.is_none() {
            match self.receiver.try_recv() {
                Ok(report) => self.finished = Some(report),
                Err(TryRecvError::Empty) => {
                    if self.is_cancelling() && self.request.single_url().is_some() {
                        // A fetch waits for the network: leave it to time out on its own.
                        return Some(ImportReport { cancelled: true, ..Default::default() });
                    }
                }
                Err(TryRecvError::Disconnected) => {
                    return Some(ImportReport { cancelled: true, ..Default::default() });
                }
            }
        }
        self.finished.take()
    }
}

/// How long, in words ("3 s", "2 min 5 s").
pub fn duration_words(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds < 60 { format!("{seconds} s") } else { format!("{} min {} s", seconds / 60, seconds % 60) }
}

/// The summary shown at the end: counts, then every failed and skipped source with its reason
/// (first, where they are seen), then what was imported.
pub fn summary_text(report: &ImportReport) -> String {
    let mut text = format!(
        "Imported {}, skipped {}, failed {}{}.",
        report.imported.len(),
        report.skipped.len(),
        report.failed.len(),
        if report.cancelled { " (cancelled: the rest was not imported)" } else { "" }
    );
    if !report.failed.is_empty() {
        text.push_str("\n\nFailed:");
        for (source, error) in &report.failed {
            let error = error.to_string();
            // Errors start with the source already; don't say it twice.
            let reason =
                error.strip_prefix(source.as_str()).map_or(error.as_str(), |r| r.trim_start_matches([':', ' ']));
            text.push_str(&format!("\n  {source}: {reason}"));
        }
    }
    if !report.skipped.is_empty() {
        text.push_str("\n\nSkipped:");
        for (source, reason) in &report.skipped {
            text.push_str(&format!("\n  {source}: {reason}"));
        }
    }
    if !report.imported.is_empty() {
        text.push_str("\n\nImported:");
        for imported in &report.imported {
            text.push_str(&format!("\n  {} ← {}", imported.document.name, imported.source));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_imports_in_the_background_and_reports_every_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Grüße 👋🏽 👨‍👩‍👧 می‌خواهم 中文\r\nline two").unwrap();
        std::fs::write(dir.path().join("b.txt"), "Grüße 👋🏽 👨‍👩‍👧 می‌خواهم 中文\r\nline two").unwrap();
        std::fs::write(dir.path().join("c.txt"), "").unwrap();
        let project = Project::new("p");
        let (wake_tx, wake_rx) = mpsc::channel();
        let mut job =
            ImportJob::start(&project, ImportRequest::new(vec![Input::Path(dir.path().to_owned())]), move || {
                let _ = wake_tx.send(());
            });
        let report = loop {
            wake_rx.recv_timeout(Duration::from_secs(30)).expect("the worker wakes the window");
            if let Some(report) = job.poll() {
                break report;
            }
        };
        assert_eq!(report.imported.len(), 1);
        assert_eq!(report.imported[0].document.text, "Grüße 👋🏽 👨‍👩‍👧 می‌خواهم 中文\nline two");
        assert_eq!(report.skipped.len(), 1, "the same text twice is skipped");
        assert_eq!(report.failed.len(), 1, "the empty file fails");
        let summary = summary_text(&report);
        assert!(summary.starts_with("Imported 1, skipped 1, failed 1."), "{summary}");
        assert!(summary.contains("c.txt: is empty (no text)"), "{summary}");
        assert!(summary.contains("b.txt: same text as \"a.txt\""), "{summary}");
    }
}
