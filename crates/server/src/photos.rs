//! Photo originals on disk, content-addressed: `photos/<sha[..2]>/<sha>` once whole and
//! checked, `photos/partial/<sha>` while an upload is under way. A partial file is appended to
//! only at its own length, so an upload cut off (or a server killed) resumes where the bytes
//! on disk stop.

use sha2::{Digest, Sha256};
use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub struct PhotoFiles {
    root: PathBuf,
}

/// Where an upload stands after a chunk.
pub enum Upload {
    /// More to come; the next chunk starts at this offset.
    Partial(u64),
    /// Whole and its SHA-256 matches.
    Complete,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("chunk at {given}, expected {expected}")]
    WrongOffset { given: u64, expected: u64 },
    #[error("more bytes than the declared size")]
    TooLong,
    #[error("checksum mismatch")]
    Mismatch,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The SHA-256 (hex) of a file, read in pieces: a photo is never held in memory whole.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut file = fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(safeserve_core::document::hex(&hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}

pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl PhotoFiles {
    pub fn new(data_dir: &Path) -> std::io::Result<PhotoFiles> {
        let root = data_dir.join("photos");
        fs::create_dir_all(root.join("partial"))?;
        Ok(PhotoFiles { root })
    }

    /// The photos of a data folder (or a backup of one), made nowhere.
    pub fn at(data_dir: &Path) -> PhotoFiles {
        PhotoFiles { root: data_dir.join("photos") }
    }

    /// The file of a whole photo (`sha256` must have been checked with [`is_sha256`]).
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(sha256)
    }

    fn partial(&self, sha256: &str) -> PathBuf {
        self.root.join("partial").join(sha256)
    }

    pub fn exists(&self, sha256: &str) -> bool {
        self.path(sha256).exists()
    }

    /// Bytes received so far of an upload.
    pub fn offset(&self, sha256: &str) -> u64 {
        fs::metadata(self.partial(sha256)).map(|m| m.len()).unwrap_or(0)
    }

    /// Appends a chunk at `offset` (which must be where the partial file ends) and, once
    /// `size` bytes are in, checks the whole against `sha256` and moves it into place. A
    /// mismatch deletes the partial file: the upload starts again from zero.
    pub fn append(&self, sha256: &str, offset: u64, size: u64, chunk: &[u8]) -> Result<Upload, UploadError> {
        let partial = self.partial(sha256);
        let have = self.offset(sha256);
        if offset != have {
            return Err(UploadError::WrongOffset { given: offset, expected: have });
        }
        if have + chunk.len() as u64 > size {
            return Err(UploadError::TooLong);
        }
        let mut f = OpenOptions::new().create(true).append(true).open(&partial)?;
        f.write_all(chunk)?;
        f.sync_data()?;
        drop(f);
        let now = have + chunk.len() as u64;
        if now < size {
            return Ok(Upload::Partial(now));
        }
        if file_sha256(&partial)? != sha256 {
            fs::remove_file(&partial)?;
            return Err(UploadError::Mismatch);
        }
        let dest = self.path(sha256);
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::rename(&partial, &dest)?;
        Ok(Upload::Complete)
    }
}
