//! Watching files for changes made by others, off the UI thread: a thread looks at the files'
//! metadata every interval and wakes the owner only when something differs from what it saw last.
//! An idle window therefore does no work at all, instead of drawing a frame every poll.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// What the metadata of a file said: enough to notice a rewrite, a touch, a rename over it or its
/// disappearance (the content check is left to the owner).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    File { len: u64, modified: Option<SystemTime>, inode: u64 },
    Missing(std::io::ErrorKind),
}

fn look(path: &std::path::Path) -> Seen {
    match std::fs::metadata(path) {
        Ok(metadata) => Seen::File { len: metadata.len(), modified: metadata.modified().ok(), inode: inode(&metadata) },
        Err(err) => Seen::Missing(err.kind()),
    }
}

#[cfg(unix)]
fn inode(metadata: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(metadata)
}

#[cfg(not(unix))]
fn inode(_metadata: &std::fs::Metadata) -> u64 {
    0
}

/// Watches some files until dropped.
pub struct Watcher {
    changed: Arc<AtomicBool>,
    /// Dropping it ends the thread at once (its wait is on the channel).
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Starts watching `paths` every `interval`; `wake` is called (from the watching thread) each
    /// time a change is seen, e.g. to ask the window for a frame.
    pub fn start(paths: Vec<PathBuf>, interval: Duration, wake: impl Fn() + Send + 'static) -> Self {
        let changed = Arc::new(AtomicBool::new(false));
        let (stop, stopped) = mpsc::channel::<()>();
        let flag = Arc::clone(&changed);
        let thread = std::thread::Builder::new()
            .name("spanwise-watch".into())
            .spawn(move || {
                let mut seen: Vec<Seen> = paths.iter().map(|p| look(p)).collect();
                loop {
                    match stopped.recv_timeout(interval) {
                        Err(RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                    let now: Vec<Seen> = paths.iter().map(|p| look(p)).collect();
                    if now != seen {
                        seen = now;
                        flag.store(true, Ordering::SeqCst);
                        wake();
                    }
                }
            })
            .ok();
        if thread.is_none() {
            log::warn!("cannot start the file watcher thread; changes on disk are checked before saving only");
        }
        Self { changed, stop: Some(stop), thread }
    }

    /// Whether a change was seen since the last call (and forgets it).
    pub fn take_change(&self) -> bool {
        self.changed.swap(false, Ordering::SeqCst)
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn wait_until(mut done: impl FnMut() -> bool) -> bool {
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if done() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    #[test]
    fn wakes_once_per_change_and_never_when_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("project.spanwise.ron");
        std::fs::write(&file, "one").unwrap();
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&wakes);
        let watcher =
            Watcher::start(vec![file.clone(), dir.path().join("lock")], Duration::from_millis(20), move || {
                counter.fetch_add(1, Ordering::SeqCst);
            });
        std::thread::sleep(Duration::from_millis(150));
        assert_eq!(wakes.load(Ordering::SeqCst), 0, "nothing changed, nothing woken");
        assert!(!watcher.take_change());

        std::fs::write(&file, "two, longer").unwrap();
        assert!(wait_until(|| wakes.load(Ordering::SeqCst) == 1), "a rewrite wakes");
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(wakes.load(Ordering::SeqCst), 1, "once per change");
        assert!(watcher.take_change());
        assert!(!watcher.take_change(), "taken");

        std::fs::write(dir.path().join("lock"), "someone").unwrap();
        assert!(wait_until(|| wakes.load(Ordering::SeqCst) == 2), "a second watched file");
        std::fs::remove_file(&file).unwrap();
        assert!(wait_until(|| wakes.load(Ordering::SeqCst) == 3), "a deletion wakes");
    }

    #[test]
    fn dropping_stops_the_thread_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let watcher = Watcher::start(vec![dir.path().join("x")], Duration::from_secs(3600), || {});
        let start = std::time::Instant::now();
        drop(watcher);
        assert!(start.elapsed() < Duration::from_secs(5), "did not wait for the hour-long interval");
    }
}
