//! One sync at a time per database, across processes.
//!
//! Every sync begins by rotating the laptop's refresh token, and the server takes a second use
//! of a rotated token for a stolen one and revokes the laptop. The app's sync worker, a letter
//! approval (which asks the server for the letter's number) and `safeserve sync` may all reach
//! for the same database at once; they take turns on an operating-system lock on a file beside
//! it (`NAME.db.sync-lock`), which the system releases when a process ends, however it ends.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Held for as long as a sync (or a token rotation) runs; dropping it lets the next one in.
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

impl SyncLock {
    /// Waits until no other sync of the database at `db` runs, then holds the lock.
    pub fn acquire(db: &Path) -> Result<SyncLock, LockError> {
        let path = lock_path(db);
        let fail = |source| LockError { path: path.clone(), source };
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(fail)?;
        file.lock().map_err(fail)?;
        Ok(SyncLock { _file: file })
    }
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".sync-lock");
    PathBuf::from(name)
}

#[derive(Debug, thiserror::Error)]
#[error("cannot take the sync lock {}", path.display())]
pub struct LockError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}
