//! Where an export writes: one file or a folder, always built under a temporary name in the
//! destination's folder and renamed into place only when complete. A cancelled or failed export
//! leaves nothing behind, and never a half-written file or folder under the name asked for.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::ExportError;

/// A marker written into every exported folder. A folder that has it may be replaced by the next
/// export to the same name; any other non-empty folder is refused, so an export never deletes
/// a user's unrelated files.
pub const FOLDER_MARKER: &str = ".spanwise-export";

fn io_error(path: &Path, err: &std::io::Error) -> ExportError {
    let reason = match err.raw_os_error() {
        Some(28) => "the disk is full; free some space or export elsewhere".to_owned(),
        Some(30) => "the file system is read-only; export elsewhere".to_owned(),
        _ => match err.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied; export elsewhere".to_owned(),
            std::io::ErrorKind::NotFound => "the folder does not exist".to_owned(),
            _ => err.to_string(),
        },
    };
    ExportError::Io { path: path.to_owned(), reason }
}

/// Maps an I/O error on `path` into an [`ExportError`].
pub fn io_at(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |err| io_error(path, &err)
}

/// `.name.tmp<pid>` beside `path`.
fn temporary_sibling(path: &Path, suffix: &str) -> Result<PathBuf, ExportError> {
    let file_name = path
        .file_name()
        .ok_or_else(|| ExportError::Io { path: path.to_owned(), reason: "not a file or folder name".into() })?;
    let mut name = std::ffi::OsString::from(".");
    name.push(file_name);
    name.push(format!(".{suffix}{}", std::process::id()));
    Ok(path.with_file_name(name))
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// A file written under a temporary name and renamed over `path` by [`AtomicFile::commit`].
/// Dropped without committing, the temporary file is removed.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<fs::File>>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<Self, ExportError> {
        if path.is_dir() {
            return Err(ExportError::Io {
                path: path.to_owned(),
                reason: "this is a folder; this format writes one file, so give a file name".into(),
            });
        }
        let tmp = temporary_sibling(path, "tmp")?;
        let file = fs::File::create(&tmp).map_err(io_at(&tmp))?;
        Ok(Self { path: path.to_owned(), tmp, writer: Some(BufWriter::with_capacity(1 << 20, file)) })
    }

    /// Flushes to disk and renames the file into place.
    pub fn commit(mut self) -> Result<(), ExportError> {
        let Some(writer) = self.writer.take() else {
            return Err(ExportError::Io { path: self.path.clone(), reason: "already committed".into() });
        };
        let file = writer.into_inner().map_err(|err| io_error(&self.tmp, err.error()))?;
        file.sync_all().map_err(io_at(&self.tmp))?;
        drop(file);
        fs::rename(&self.tmp, &self.path).map_err(io_at(&self.path))?;
        if let Ok(dir) = fs::File::open(parent_of(&self.path)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.writer {
            Some(writer) => writer.write(buf),
            None => Err(std::io::Error::other("export file already committed")),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.writer {
            Some(writer) => writer.write_all(buf),
            None => Err(std::io::Error::other("export file already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.writer {
            Some(writer) => writer.flush(),
            None => Ok(()),
        }
    }
}

impl std::io::Seek for AtomicFile {
    fn seek(&mut self, position: std::io::SeekFrom) -> std::io::Result<u64> {
        match &mut self.writer {
            Some(writer) => writer.seek(position),
            None => Err(std::io::Error::other("export file already committed")),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// A folder built under a temporary name and renamed over `path` by [`StagingDir::commit`].
/// Dropped without committing, the temporary folder and everything in it is removed.
pub struct StagingDir {
    path: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl StagingDir {
    /// Refuses a destination that is a file, or a non-empty folder that is not an earlier export.
    pub fn create(path: &Path) -> Result<Self, ExportError> {
        if path.is_file() {
            return Err(ExportError::Io {
                path: path.to_owned(),
                reason: "a file has this name; this format writes a folder, so give a folder name".into(),
            });
        }
        if path.is_dir() && !replaceable(path)? {
            return Err(ExportError::Io {
                path: path.to_owned(),
                reason: "this folder exists, is not empty and is not an earlier Spanwise export; choose a new folder \
                         name (Spanwise replaces only its own exports)"
                    .into(),
            });
        }
        let tmp = temporary_sibling(path, "tmp")?;
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io_at(&tmp))?;
        }
        fs::create_dir(&tmp).map_err(io_at(&tmp))?;
        Ok(Self { path: path.to_owned(), tmp, committed: false })
    }

    /// A file inside the folder being built.
    pub fn file(&self, name: &str) -> Result<StagedFile, ExportError> {
        let path = self.tmp.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        let file = fs::File::create(&path).map_err(io_at(&path))?;
        Ok(StagedFile { path, writer: BufWriter::with_capacity(1 << 20, file) })
    }

    /// Where a file inside the folder will be once committed.
    pub fn final_path(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes the marker, flushes, and puts the folder in place of `path` (an earlier export
    /// there is removed only after the new one is complete).
    pub fn commit(mut self, format: &str) -> Result<(), ExportError> {
        let mut marker = self.file(FOLDER_MARKER)?;
        writeln!(marker, "Exported by Spanwise {} as {format}.", env!("CARGO_PKG_VERSION"))
            .map_err(io_at(&self.tmp))?;
        writeln!(marker, "A later export to this folder replaces it (this file marks it as Spanwise's to replace).")
            .map_err(io_at(&self.tmp))?;
        marker.finish()?;
        if let Ok(dir) = fs::File::open(&self.tmp) {
            let _ = dir.sync_all();
        }
        let mut old = None;
        if self.path.exists() {
            let aside = temporary_sibling(&self.path, "old")?;
            if aside.exists() {
                fs::remove_dir_all(&aside).map_err(io_at(&aside))?;
            }
            fs::rename(&self.path, &aside).map_err(io_at(&self.path))?;
            old = Some(aside);
        }
        if let Err(err) = fs::rename(&self.tmp, &self.path) {
            // Put the earlier export back.
            if let Some(old) = &old {
                let _ = fs::rename(old, &self.path);
            }
            return Err(io_error(&self.path, &err));
        }
        self.committed = true;
        if let Some(old) = old {
            let _ = fs::remove_dir_all(old);
        }
        if let Ok(dir) = fs::File::open(parent_of(&self.path)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for StagingDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Whether an existing folder may be replaced: empty, or marked as an earlier export.
fn replaceable(path: &Path) -> Result<bool, ExportError> {
    if path.join(FOLDER_MARKER).is_file() {
        return Ok(true);
    }
    let mut entries = fs::read_dir(path).map_err(io_at(path))?;
    Ok(entries.next().is_none())
}

/// A file inside a [`StagingDir`].
pub struct StagedFile {
    path: PathBuf,
    writer: BufWriter<fs::File>,
}

impl StagedFile {
    /// Flushes the file to disk.
    pub fn finish(self) -> Result<(), ExportError> {
        let path = self.path;
        let file = self.writer.into_inner().map_err(|err| io_error(&path, err.error()))?;
        file.sync_all().map_err(io_at(&path))
    }
}

impl Write for StagedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        {
            let mut file = AtomicFile::create(&path).unwrap();
            file.write_all(b"half").unwrap();
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn committed_file_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        fs::write(&path, "old").unwrap();
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "old", "untouched until committed");
        file.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn folders_replace_only_earlier_exports() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brat");
        let staging = StagingDir::create(&path).unwrap();
        staging.file("a.txt").unwrap().finish().unwrap();
        staging.commit("brat").unwrap();
        assert!(path.join("a.txt").is_file());
        let staging = StagingDir::create(&path).unwrap();
        staging.file("b.txt").unwrap().finish().unwrap();
        drop(staging);
        assert!(path.join("a.txt").is_file(), "a cancelled export keeps the earlier one");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary folder left");
        let staging = StagingDir::create(&path).unwrap();
        staging.file("b.txt").unwrap().finish().unwrap();
        staging.commit("brat").unwrap();
        assert!(!path.join("a.txt").exists() && path.join("b.txt").is_file());

        let mine = dir.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("thesis.docx"), "precious").unwrap();
        let err = StagingDir::create(&mine).err().unwrap().to_string();
        assert!(err.contains("not an earlier Spanwise export"), "{err}");
        assert_eq!(fs::read_to_string(mine.join("thesis.docx")).unwrap(), "precious");
    }
}
