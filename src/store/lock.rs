//! One writer per project file. `.<name>.lock` beside the project holds the process id, host and
//! session of the Spanwise that has it open for writing; a second instance opens the file
//! read-only. A lock whose process is gone (a crash, `kill -9`) is stale and taken over.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::sidecar_path;

/// Who holds a lock (or wrote a journal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockOwner {
    pub pid: u32,
    pub host: String,
    pub session: String,
}

impl std::fmt::Display for LockOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "process {} on {}", self.pid, self.host)
    }
}

impl LockOwner {
    /// This process, in the given session.
    pub fn current(session: &str) -> Self {
        Self { pid: std::process::id(), host: hostname(), session: session.to_owned() }
    }

    /// Whether the owner may still be running. A lock from another host cannot be checked and
    /// counts as alive (the project is on a shared folder); a lock with this process's id is
    /// stale, since it is not held by this process (a previous process with the same id, or an
    /// app instance that is gone).
    pub fn is_alive(&self) -> bool {
        if self.host != hostname() {
            return true;
        }
        if self.pid == std::process::id() {
            return false;
        }
        process_alive(self.pid).unwrap_or(true)
    }

    fn to_text(&self) -> String {
        format!("pid={}\nhost={}\nsession={}\n", self.pid, self.host, self.session)
    }

    fn parse(text: &str) -> Option<Self> {
        let mut pid = None;
        let mut host = None;
        let mut session = String::new();
        for line in text.lines() {
            match line.split_once('=') {
                Some(("pid", value)) => pid = value.trim().parse().ok(),
                Some(("host", value)) => host = Some(value.trim().to_owned()),
                Some(("session", value)) => session = value.trim().to_owned(),
                _ => {}
            }
        }
        Some(Self { pid: pid?, host: host?, session })
    }
}

/// The name of this computer (for locks and journals).
pub fn hostname() -> String {
    let from_file = |path: &str| fs::read_to_string(path).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    from_file("/proc/sys/kernel/hostname")
        .or_else(|| from_file("/etc/hostname"))
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .or_else(|| std::env::var("COMPUTERNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Whether a process with this id is running; `None` where that cannot be told.
pub fn process_alive(pid: u32) -> Option<bool> {
    if cfg!(target_os = "linux") {
        // A zombie (killed, not yet reaped by its parent) is not running.
        return Some(match fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => {
                let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next());
                !matches!(state, Some('Z' | 'X'))
            }
            Err(_) => false,
        });
    }
    None
}

pub fn lock_path(project: &Path) -> PathBuf {
    sidecar_path(project, ".lock")
}

/// Reads the owner of the lock on `project`, if there is a readable one.
pub fn read_owner(project: &Path) -> Option<LockOwner> {
    fs::read_to_string(lock_path(project)).ok().and_then(|text| LockOwner::parse(&text))
}

/// A held lock; released (the file removed, if it is still ours) on drop.
#[derive(Debug)]
pub struct FileLock {
    path: PathBuf,
    owner: LockOwner,
}

/// Who holds a lock file, seen from a [`FileLock`].
#[derive(Debug, PartialEq, Eq)]
pub enum Holder {
    Us,
    Other(LockOwner),
    Nobody,
}

/// The result of trying to lock a project file.
#[derive(Debug)]
pub enum Acquired {
    Locked(FileLock),
    /// Another running Spanwise has it.
    HeldBy(LockOwner),
}

impl FileLock {
    /// Locks `project` for this session, taking over a stale lock. An error means no lock file
    /// could be written (e.g. a read-only folder).
    pub fn acquire(project: &Path, session: &str) -> std::io::Result<Acquired> {
        let path = lock_path(project);
        let owner = LockOwner::current(session);
        for _ in 0..3 {
            match create_exclusive(&path, &owner.to_text()) {
                Ok(()) => return Ok(Acquired::Locked(FileLock { path, owner })),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(err),
            }
            match fs::read_to_string(&path).ok().and_then(|text| LockOwner::parse(&text)) {
                Some(existing) if existing.session == owner.session => {
                    return Ok(Acquired::Locked(FileLock { path, owner }));
                }
                Some(existing) if existing.is_alive() => return Ok(Acquired::HeldBy(existing)),
                // Stale or unreadable: remove it and try again.
                _ => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        Err(std::io::Error::other(format!("cannot take the lock {}", path.display())))
    }

    /// Takes the lock whoever has it (the user chose "Edit anyway").
    pub fn take_over(project: &Path, session: &str) -> std::io::Result<FileLock> {
        let path = lock_path(project);
        let owner = LockOwner::current(session);
        let _ = fs::remove_file(&path);
        create_exclusive(&path, &owner.to_text())?;
        Ok(FileLock { path, owner })
    }

    pub fn owner(&self) -> &LockOwner {
        &self.owner
    }

    /// Who holds the lock file now: still this lock, another instance (that took the file over
    /// with "Edit anyway"), or nobody (the lock file is gone or unreadable).
    pub fn current_holder(&self) -> Holder {
        match fs::read_to_string(&self.path).ok().and_then(|text| LockOwner::parse(&text)) {
            Some(owner) if owner.session == self.owner.session && owner.pid == self.owner.pid => Holder::Us,
            Some(owner) => Holder::Other(owner),
            None => Holder::Nobody,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let ours = fs::read_to_string(&self.path)
            .ok()
            .and_then(|text| LockOwner::parse(&text))
            .is_some_and(|owner| owner.session == self.owner.session && owner.pid == self.owner.pid);
        if ours {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Creates `path` with `text` only if it does not exist, complete or not at all: written to a
/// temporary file, then hard-linked into place (atomic, fails if the target exists). Where hard
/// links are not supported, falls back to an exclusive create.
fn create_exclusive(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let written = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    })();
    if let Err(err) = written {
        let _ = fs::remove_file(&tmp);
        return Err(err);
    }
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Err(err),
        Err(_) => {
            let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_session_sees_the_first_and_a_dead_owner_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.spanwise.ron");
        let Acquired::Locked(lock) = FileLock::acquire(&project, "one").unwrap() else { panic!("first lock") };
        assert_eq!(read_owner(&project).unwrap().session, "one");
        // The same process counts as stale for a different session (tests run apps side by side),
        // so fake a live owner: this test's parent process.
        let parent = std::os::unix::process::parent_id();
        let live = LockOwner { pid: parent, host: hostname(), session: "other".into() };
        fs::write(lock_path(&project), live.to_text()).unwrap();
        match FileLock::acquire(&project, "two").unwrap() {
            Acquired::HeldBy(owner) => assert_eq!(owner, live),
            Acquired::Locked(_) => panic!("a live lock must not be taken"),
        }
        // The first lock no longer owns the file: dropping it leaves the other's lock alone.
        drop(lock);
        assert_eq!(read_owner(&project), Some(live));
        // A dead process: stale, taken over.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = LockOwner { pid: dead, host: hostname(), session: "gone".into() };
        fs::write(lock_path(&project), stale.to_text()).unwrap();
        let Acquired::Locked(lock) = FileLock::acquire(&project, "three").unwrap() else {
            panic!("stale lock taken over")
        };
        assert_eq!(read_owner(&project).unwrap().session, "three");
        drop(lock);
        assert!(!lock_path(&project).exists(), "released on drop");
    }

    #[test]
    fn another_host_counts_as_alive_and_garbage_as_stale() {
        let owner = LockOwner { pid: 1, host: "some-other-machine.example".into(), session: "x".into() };
        assert!(owner.is_alive());
        assert!(LockOwner::parse("garbage").is_none());
        assert_eq!(LockOwner::parse(&owner.to_text()), Some(owner));
    }
}
