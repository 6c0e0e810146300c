//! Reading a project file in pieces, so that the whole file is never in memory at once.
//!
//! A project file is mostly its texts and annotations (the 10 MB benchmark project is a 57 MB
//! file). Reading it whole before parsing held those 57 MB alongside the project being built
//! from them: the peak of opening it. Here the file is read in chunks of [`CHUNK_BYTES`]; each
//! chunk goes to a second thread that hashes it (the file's SHA-256, for change detection) and
//! is cut into lines for [`reader::Splitter`], which parses the texts and annotation lines as
//! they come and keeps only the small rest (the skeleton) for `ron`. A line longer than a chunk
//! (a document's text) is gathered from the chunks it spans.
//!
//! This only ever reads files in Spanwise's own layout. Anything else (a hand-edited file, a line
//! that is not UTF-8, a syntax error, a project that does not validate) gives `Ok(None)`, and
//! the caller reads the file whole the old way, which gives the exact messages with line
//! numbers ([`super::load_file`]). So a good file costs one read, and a damaged one two.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use super::{FileStamp, LoadError, Loaded, reader};

/// Bytes read at a time. Chunks wait for the hashing thread in a queue of [`QUEUE_CHUNKS`], so
/// at most about `CHUNK_BYTES × (QUEUE_CHUNKS + 2)` of the file is in memory at once, plus the
/// longest line (which, for a document's text, becomes the text itself).
///
/// Below glibc's threshold for giving a block its own mapping (128 KiB): freeing such a block
/// raises that threshold to the block's size for the rest of the process, after which the
/// project's large vectors grew inside the heap and left their old copies there as holes
/// (+15 MB resident after opening the 10 MB project with 1 MiB chunks; BENCHMARKS.md).
pub const CHUNK_BYTES: usize = 64 << 10;
const QUEUE_CHUNKS: usize = 16;

/// What reading in pieces gave: the parts, or nothing if the file is not in Spanwise's layout.
pub struct Streamed {
    pub split: reader::Split,
    /// Bytes read.
    pub size: u64,
    /// Hex SHA-256 of the bytes read.
    pub sha256: String,
}

/// Reads `path` in chunks of `chunk_bytes`, hashing it on a second thread and splitting it as
/// it comes. `Ok(None)`: not in Spanwise's own layout (read it whole instead). Stops within one
/// chunk past `max` bytes, whatever the metadata said (a file growing while it is read).
pub fn read(path: &Path, max: u64, chunk_bytes: usize) -> Result<Option<Streamed>, LoadError> {
    let io = |source: std::io::Error| LoadError::Io { path: path.to_owned(), source };
    let mut file = File::open(path).map_err(io)?;
    let chunk_bytes = chunk_bytes.max(1);
    std::thread::scope(|scope| {
        let (chunks, received) = mpsc::sync_channel::<Arc<Vec<u8>>>(QUEUE_CHUNKS);
        let hashing = scope.spawn(move || {
            let mut hasher = Sha256::new();
            for chunk in received {
                hasher.update(chunk.as_slice());
            }
            hasher.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
        });
        let mut lines = Lines::default();
        let mut size: u64 = 0;
        // `Ok(true)`: the whole file was read and split; `Ok(false)`: not in Spanwise's layout.
        let mut read_all = || -> Result<bool, LoadError> {
            loop {
                let chunk = read_chunk(&mut file, chunk_bytes).map_err(io)?;
                if chunk.is_empty() {
                    return Ok(true);
                }
                size += chunk.len() as u64;
                if size > max {
                    return Err(LoadError::TooLarge { path: path.to_owned(), size, max });
                }
                let chunk = Arc::new(chunk);
                // A closed queue: the hashing thread is gone (a bug); reading whole hashes again.
                // Once the file is known not to be in Spanwise's layout, the caller reads it
                // whole again: no need to go on.
                if chunks.send(Arc::clone(&chunk)).is_err() || lines.take(&chunk).is_none() {
                    return Ok(false);
                }
            }
        };
        let read = read_all();
        drop(chunks);
        // Joined here whatever happened (the scope would panic on a thread that did and was not).
        let sha256 = hashing.join();
        if !read? {
            return Ok(None);
        }
        match (lines.finish(), sha256) {
            (Some(split), Ok(sha256)) => Ok(Some(Streamed { split, size, sha256 })),
            _ => Ok(None),
        }
    })
}

/// Fills a chunk as far as the file goes (short reads are retried; empty at the end).
fn read_chunk(file: &mut File, chunk_bytes: usize) -> std::io::Result<Vec<u8>> {
    let mut chunk = vec![0; chunk_bytes];
    let mut filled = 0;
    while filled < chunk.len() {
        match file.read(&mut chunk[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    chunk.truncate(filled);
    Ok(chunk)
}

/// Cuts chunks into lines for the splitter, gathering a line that spans chunks.
#[derive(Default)]
struct Lines {
    splitter: reader::Splitter,
    /// The start of a line whose end is in a later chunk.
    partial: Vec<u8>,
    /// Whether the first line (which may start with a byte order mark) has been taken.
    started: bool,
}

impl Lines {
    /// Takes a chunk; `None` once the file is known not to be in Spanwise's layout.
    fn take(&mut self, chunk: &[u8]) -> Option<()> {
        let mut start = 0;
        for newline in memchr::memchr_iter(b'\n', chunk) {
            let end = newline + 1;
            if self.partial.is_empty() {
                self.line(&chunk[start..end])?;
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&chunk[start..end]);
                self.owned_line(line)?;
            }
            start = end;
        }
        self.partial.extend_from_slice(&chunk[start..]);
        Some(())
    }

    /// One whole line. A line break never falls inside a UTF-8 character, so each line is
    /// checked on its own; one that is not UTF-8 is left to the whole-file reading (which says
    /// at which byte).
    fn line(&mut self, bytes: &[u8]) -> Option<()> {
        let mut line = std::str::from_utf8(bytes).ok()?;
        if !self.started {
            self.started = true;
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        self.splitter.line(line)
    }

    /// A line gathered from several chunks (a document's text, typically): handed over whole,
    /// so that the text can be made from its own buffer.
    fn owned_line(&mut self, line: Vec<u8>) -> Option<()> {
        if !self.started {
            return self.line(&line);
        }
        self.splitter.owned_line(line)
    }

    fn finish(mut self) -> Option<reader::Split> {
        if !self.partial.is_empty() {
            let last = std::mem::take(&mut self.partial);
            self.owned_line(last)?;
        }
        self.splitter.finish()
    }
}

/// Reads a project file in pieces and builds the project from the parts; `Ok(None)` if anything
/// about it is not exactly as Spanwise writes it (then the caller reads it whole, for the exact
/// errors).
pub fn load(path: &Path, max: u64) -> Result<Option<Loaded>, LoadError> {
    let Some(streamed) = read(path, max, CHUNK_BYTES)? else {
        return Ok(None);
    };
    let modified = std::fs::metadata(path).ok().and_then(|m| m.modified().ok());
    let Streamed { split, size, sha256 } = streamed;
    let Some((project, unknown)) = super::from_split(split) else {
        return Ok(None);
    };
    Ok(Some(Loaded { project, stamp: FileStamp { size, modified, sha256 }, unknown }))
}
