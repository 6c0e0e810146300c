//! Reading zip archives safely (`.zip` corpora, and the zip inside `.docx`, `.odt`, `.epub`):
//! every entry is read through a limit whatever size it claims, the whole archive has a budget,
//! entries that expand more than 1000-fold beyond a megabyte are refused as zip bombs, and
//! names that would leave the archive (`../`, `/etc/…`, `C:\…`) are refused.

use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};

/// An entry expanding more than this many times its compressed size (past 1 MB) is a bomb.
pub const MAX_RATIO: u64 = 1000;
/// At most this many entries are looked at.
pub const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ArchiveError {
    #[error("not a readable zip archive: {0}")]
    NotZip(String),
    #[error("{name} expands to more than {limit} bytes; refused as a zip bomb")]
    TooLarge { name: String, limit: u64 },
    #[error("{name} expands {ratio} times its compressed size; refused as a zip bomb")]
    Bomb { name: String, ratio: u64 },
    #[error("the archive holds more than {MAX_ENTRIES} entries")]
    TooManyEntries,
    #[error("{0:?} points outside the archive; refused")]
    PathEscapes(String),
    #[error("{0} is missing from the archive")]
    Missing(String),
    #[error("{0} is encrypted (password-protected); remove the password and try again")]
    Encrypted(String),
    #[error("cannot read {name} in the archive: {reason}")]
    Damaged { name: String, reason: String },
}

/// A zip archive held in memory.
pub struct Archive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Bytes still allowed to be read from the whole archive.
    budget: u64,
}

impl<'a> Archive<'a> {
    /// Opens an archive; `budget` bounds the bytes read from all its entries together.
    pub fn new(bytes: &'a [u8], budget: u64) -> Result<Self, ArchiveError> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
        if zip.len() > MAX_ENTRIES {
            return Err(ArchiveError::TooManyEntries);
        }
        Ok(Self { zip, budget })
    }

    /// Names of the entries that are files, in archive order (raw names, unchecked).
    pub fn file_names(&self) -> Vec<String> {
        self.zip.file_names().filter_map(Result::ok).filter(|n| !n.ends_with('/')).map(|n| n.into_owned()).collect()
    }

    /// Reads an entry by name, at most `limit` bytes.
    pub fn read(&mut self, name: &str, limit: u64) -> Result<Vec<u8>, ArchiveError> {
        let index = self.zip.index_for_name(name).ok_or_else(|| ArchiveError::Missing(name.to_owned()))?;
        self.read_index(index, limit)
    }

    /// Reads an entry by name as UTF-8 text (XML parts), at most `limit` bytes.
    pub fn read_text(&mut self, name: &str, limit: u64) -> Result<String, ArchiveError> {
        let bytes = self.read(name, limit)?;
        String::from_utf8(bytes)
            .map_err(|e| ArchiveError::Damaged { name: name.to_owned(), reason: format!("not UTF-8 ({e})") })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    fn read_index(&mut self, index: usize, limit: u64) -> Result<Vec<u8>, ArchiveError> {
        let limit = limit.min(self.budget);
        let mut file = self.zip.by_index(index).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(msg) if msg.contains("assword") || msg.contains("ncrypt") => {
                ArchiveError::Encrypted(format!("entry {index}"))
            }
            other => ArchiveError::Damaged { name: format!("entry {index}"), reason: other.to_string() },
        })?;
        let name = file.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("entry {index}"));
        if file.encrypted() {
            return Err(ArchiveError::Encrypted(name));
        }
        let compressed = file.compressed_size().max(1);
        let mut bytes = Vec::with_capacity(file.size().min(limit).min(16 << 20) as usize);
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ArchiveError::Damaged { name: name.clone(), reason: e.to_string() })?;
        let read = bytes.len() as u64;
        if read > limit {
            return Err(ArchiveError::TooLarge { name, limit });
        }
        if read > 1 << 20 && read / compressed > MAX_RATIO {
            return Err(ArchiveError::Bomb { name, ratio: read / compressed });
        }
        self.budget -= read;
        Ok(bytes)
    }
}

/// The relative path an entry name stands for, or an error if it would leave the archive.
pub fn safe_path(name: &str) -> Result<PathBuf, ArchiveError> {
    let escapes = || ArchiveError::PathEscapes(name.to_owned());
    if name.contains('\0') || name.starts_with('/') || name.starts_with('\\') || name.get(1..2) == Some(":") {
        return Err(escapes());
    }
    let mut out = PathBuf::new();
    for component in Path::new(&name.replace('\\', "/")).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return Err(escapes()),
        }
    }
    if out.as_os_str().is_empty() {
        return Err(escapes());
    }
    Ok(out)
}

/// Resolves `href` relative to the folder of the entry `base` inside an archive (EPUB links),
/// refusing paths that leave it.
pub fn join_inside(base: &str, href: &str) -> Result<String, ArchiveError> {
    let href = href.split('#').next().unwrap_or("");
    let decoded = percent_decode(href);
    let folder = base.rsplit_once('/').map_or("", |(folder, _)| folder);
    let mut parts: Vec<&str> = if folder.is_empty() { Vec::new() } else { folder.split('/').collect() };
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(ArchiveError::PathEscapes(href.to_owned()));
                }
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(value) = u8::from_str_radix(hex, 16)
        {
            out.push(value);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A zip with the given (name, content) entries, deflated.
    pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn reads_entries_within_limits() {
        let bytes = zip_of(&[("a.txt", "Müller 🎉".as_bytes()), ("dir/b.txt", b"b")]);
        let mut archive = Archive::new(&bytes, 1 << 20).unwrap();
        assert_eq!(archive.file_names(), ["a.txt", "dir/b.txt"]);
        assert_eq!(archive.read_text("a.txt", 100).unwrap(), "Müller 🎉");
        assert_eq!(archive.read("a.txt", 3), Err(ArchiveError::TooLarge { name: "a.txt".into(), limit: 3 }));
    }

    #[test]
    fn a_zip_bomb_is_refused() {
        let zeros = vec![0u8; 20 << 20];
        let bytes = zip_of(&[("bomb.txt", &zeros)]);
        assert!(bytes.len() < 100_000);
        let mut archive = Archive::new(&bytes, 1 << 30).unwrap();
        assert!(matches!(archive.read("bomb.txt", 1 << 30), Err(ArchiveError::Bomb { .. })));
        let mut archive = Archive::new(&bytes, 1 << 30).unwrap();
        assert!(matches!(archive.read("bomb.txt", 1 << 20), Err(ArchiveError::TooLarge { .. })));
    }

    #[test]
    fn paths_leaving_the_archive_are_refused() {
        assert_eq!(safe_path("a/b.txt").unwrap(), PathBuf::from("a/b.txt"));
        for bad in ["../x", "a/../../x", "/etc/passwd", "C:\\x", "\\\\server\\x", "..\\x", ""] {
            assert!(safe_path(bad).is_err(), "{bad}");
        }
        assert_eq!(join_inside("OEBPS/content.opf", "text/ch%201.xhtml#x").unwrap(), "OEBPS/text/ch 1.xhtml");
        assert!(join_inside("content.opf", "../../x").is_err());
    }
}
