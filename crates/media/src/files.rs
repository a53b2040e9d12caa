//! Photo files on disk, content-addressed by the original's SHA-256:
//! `root/ab/<sha256>.orig.{jpg|png}`, `root/ab/<sha256>.display.jpg`, `root/ab/<sha256>.thumb.jpg`.
//!
//! A photo is stored whole or not at all: every file goes to a temporary name in the same
//! directory, is fsynced, and only then renamed into place; on any failure every file this call
//! created is removed again.
//!
//! On an encrypted laptop ([`PhotoFiles::sealed_with`]) every file is sealed ([`crate::sealed`])
//! and read back through [`PhotoFiles::read`]; names and the folder layout stay the same.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::sealed::{self, PhotoKey, Unsealing};
use crate::{MediaError, PhotoFormat, Processed};

/// The photo directory next to a database, e.g. `<db>.photos/`, and the key its files are
/// sealed with on an encrypted laptop.
#[derive(Debug, Clone)]
pub struct PhotoFiles {
    root: PathBuf,
    key: Option<PhotoKey>,
}

/// Marks a photo folder whose every file was sealed: a later sign-in need not look again.
const ALL_SEALED: &str = ".all-sealed";

/// Where the three files of one photo live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPaths {
    pub original: PathBuf,
    pub display: PathBuf,
    pub thumb: PathBuf,
}

impl PhotoFiles {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        PhotoFiles { root: root.into(), key: None }
    }

    /// The folder of an encrypted laptop: files are sealed under `key` as they are written.
    pub fn sealed_with(self, key: PhotoKey) -> Self {
        PhotoFiles { key: Some(key), ..self }
    }

    /// The content of a stored photo file, opened when it is sealed.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, MediaError> {
        let bytes = fs::read(path).map_err(|e| MediaError::Read { path: path.to_owned(), source: e })?;
        sealed::open(self.key.as_ref(), &file_name(path), bytes)
            .map_err(|why| MediaError::Sealed { path: path.to_owned(), no_key: why == Unsealing::NoKey })
    }

    /// What goes on disk for `bytes` at `path`: sealed on an encrypted laptop.
    fn on_disk<'a>(&self, path: &Path, bytes: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        match &self.key {
            Some(key) => sealed::seal(key, &file_name(path), bytes).into(),
            None => bytes.into(),
        }
    }

    /// Seals every file of the folder still in clear (photos stored before the laptop was
    /// encrypted), each replaced in one rename, and marks the folder done. Returns how many
    /// files it sealed. Run again after an interruption, it takes up where it stopped.
    pub fn seal_all(&self) -> Result<usize, MediaError> {
        if self.key.is_none() || !self.root.is_dir() || self.root.join(ALL_SEALED).exists() {
            return Ok(0);
        }
        let read_dir = |d: &Path| fs::read_dir(d).map_err(|e| MediaError::Read { path: d.to_owned(), source: e });
        let mut sealed = 0;
        for shard in read_dir(&self.root)? {
            let shard = shard.map_err(|e| MediaError::Read { path: self.root.clone(), source: e })?.path();
            if !shard.is_dir() {
                continue;
            }
            for file in read_dir(&shard)? {
                let path = file.map_err(|e| MediaError::Read { path: shard.clone(), source: e })?.path();
                if file_name(&path).starts_with('.') || !path.is_file() {
                    continue; // a temporary file of a store that did not finish
                }
                let bytes = fs::read(&path).map_err(|e| MediaError::Read { path: path.clone(), source: e })?;
                if sealed::is_sealed(&bytes) {
                    continue;
                }
                let tmp = temp_name(&path);
                let written = write_synced(&tmp, &self.on_disk(&path, &bytes)).and_then(|()| fs::rename(&tmp, &path));
                if let Err(e) = written {
                    let _ = fs::remove_file(&tmp);
                    return Err(MediaError::from_write(path, e));
                }
                sealed += 1;
            }
            sync_dir(&shard).map_err(|e| MediaError::from_write(shard.clone(), e))?;
        }
        let mark = self.root.join(ALL_SEALED);
        write_synced(&mark, b"").map_err(|e| MediaError::from_write(mark, e))?;
        Ok(sealed)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The paths for a photo, whether or not it is stored. Files are sharded by the first two hex
    /// characters of the hash so no directory grows past a few thousand entries.
    pub fn paths(&self, sha256: &str, format: PhotoFormat) -> StoredPaths {
        let shard = sha256.get(..2).filter(|s| s.bytes().all(|b| b.is_ascii_hexdigit())).unwrap_or("__");
        let dir = self.root.join(shard);
        StoredPaths {
            original: dir.join(format!("{sha256}.orig.{}", format.extension())),
            display: dir.join(format!("{sha256}.display.jpg")),
            thumb: dir.join(format!("{sha256}.thumb.jpg")),
        }
    }

    /// The print copy of a stored photo ([`crate::print_copy`]), made from the display copy the
    /// first time it is asked for and kept beside it (`<sha256>.print.jpg`).
    pub fn print_copy(&self, sha256: &str, format: PhotoFormat) -> Result<Vec<u8>, MediaError> {
        let paths = self.paths(sha256, format);
        let print = paths.display.with_file_name(format!("{sha256}.print.jpg"));
        if print.is_file() {
            if let Ok(bytes) = self.read(&print) {
                return Ok(bytes);
            }
        }
        let display = self.read(&paths.display)?;
        let bytes = crate::print_copy(&display)?;
        let tmp = temp_name(&print);
        // A cache: if it cannot be written the copy is still returned.
        if write_synced(&tmp, &self.on_disk(&print, &bytes)).and_then(|()| fs::rename(&tmp, &print)).is_err() {
            let _ = fs::remove_file(&tmp);
        }
        Ok(bytes)
    }

    /// Writes the original (byte for byte), the display copy and the thumbnail. Files already
    /// there with identical content are left alone, so storing twice is harmless. On failure
    /// (disk full → `photo_disk_full`, anything else → `photo_write_failed`) nothing this call
    /// created remains.
    pub fn store(&self, original: &[u8], p: &Processed) -> Result<StoredPaths, MediaError> {
        if crate::sha256_hex(original) != p.sha256 || !is_sha256_hex(&p.sha256) {
            return Err(MediaError::Mismatch { expected: p.sha256.clone() });
        }
        let paths = self.paths(&p.sha256, p.format);
        let dir = paths.original.parent().unwrap_or(&self.root).to_path_buf();
        let mut undo = Undo::default();

        let result = (|| {
            for d in [&self.root, &dir] {
                if !d.is_dir() {
                    fs::create_dir_all(d).map_err(|e| MediaError::from_write(d.clone(), e))?;
                    undo.dirs.push(d.clone());
                }
            }
            let files: [(&Path, &[u8]); 3] =
                [(&paths.original, original), (&paths.display, &p.display_jpeg), (&paths.thumb, &p.thumb_jpeg)];
            let mut staged = Vec::new();
            for (path, bytes) in files {
                if self.same_content(path, bytes) {
                    continue;
                }
                let tmp = temp_name(path);
                undo.temps.push(tmp.clone());
                write_synced(&tmp, &self.on_disk(path, bytes))
                    .map_err(|e| MediaError::from_write(path.to_path_buf(), e))?;
                staged.push((tmp, path, path.exists()));
            }
            for (tmp, path, existed) in staged {
                fs::rename(&tmp, path).map_err(|e| MediaError::from_write(path.to_path_buf(), e))?;
                undo.temps.retain(|t| t != &tmp);
                if !existed {
                    undo.files.push(path.to_path_buf());
                }
            }
            sync_dir(&dir).map_err(|e| MediaError::from_write(dir.clone(), e))
        })();

        match result {
            Ok(()) => Ok(paths),
            Err(e) => {
                undo.run();
                Err(e)
            }
        }
    }
}

/// What a failed `store` must take back, newest first.
#[derive(Default)]
struct Undo {
    temps: Vec<PathBuf>,
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Undo {
    fn run(self) {
        for f in self.temps.iter().chain(&self.files) {
            let _ = fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            // Only removes it if empty: another photo may have landed there meanwhile.
            let _ = fs::remove_dir(d);
        }
    }
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl PhotoFiles {
    /// Whether the file at `path` already holds `bytes` (sealed or not): a photo stored twice
    /// is left alone. A file that does not open is not the same, and is written again.
    fn same_content(&self, path: &Path, bytes: &[u8]) -> bool {
        fs::metadata(path).is_ok_and(|m| m.is_file()) && self.read(path).is_ok_and(|existing| existing == bytes)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn temp_name(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = file_name(path);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}-{n}.tmp", std::process::id()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes the renames durable. Windows has no directory fsync; NTFS journals renames.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enospc_is_reported_as_disk_full_with_a_chinese_message() {
        let e = MediaError::from_write(PathBuf::from("/x/ab/c.jpg"), std::io::Error::from_raw_os_error(28));
        assert_eq!(e.code(), "photo_disk_full");
        assert!(e.message().zh.contains("磁盘空间已满"), "{}", e.message().zh);
        assert!(e.message().zh.contains("未写入任何文件"), "{}", e.message().zh);
        let e = MediaError::from_write(PathBuf::from("/x"), std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(e.code(), "photo_disk_full");
        let e = MediaError::from_write(PathBuf::from("/x"), std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(e.code(), "photo_write_failed");
    }

    #[test]
    fn paths_are_sharded_by_the_first_two_hex_characters() {
        let files = PhotoFiles::new("/p");
        let sha = format!("ab{}", "0".repeat(62));
        let paths = files.paths(&sha, PhotoFormat::Png);
        assert_eq!(paths.original, PathBuf::from(format!("/p/ab/{sha}.orig.png")));
        assert_eq!(paths.display, PathBuf::from(format!("/p/ab/{sha}.display.jpg")));
        assert_eq!(paths.thumb, PathBuf::from(format!("/p/ab/{sha}.thumb.jpg")));
        assert_eq!(files.paths("zz", PhotoFormat::Jpeg).original.parent(), Some(Path::new("/p/__")));
    }
}
