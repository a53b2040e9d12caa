//! Turning a plain database into an encrypted one, in place, without a moment where a crash
//! loses anything: the encrypted copy is written beside the plain file and checked row for
//! row, the caller writes the key file, and only then does the copy take the database's name
//! (one rename). Until that rename the plain file is the database, whole; after it the key
//! file that opens the new one is already on disk. The photo files are sealed after it.

use crate::base::keys::{DbKey, KeyFile, KeyringShare};
use crate::base::{sibling, unavailable};
use crate::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// Every table's row count (virtual tables' shadow tables included): what the encrypted copy
/// must hold too.
fn row_counts(conn: &Connection, schema: &str) -> Result<Vec<(String, i64)>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name FROM \"{schema}\".sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
    ))?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    names
        .into_iter()
        .map(|name| {
            let n = conn.query_row(&format!("SELECT count(*) FROM \"{schema}\".\"{name}\""), [], |r| r.get(0))?;
            Ok((name, n))
        })
        .collect()
}

/// Writes an encrypted copy of the plain database at `path` to `target` and checks it holds
/// every row and passes `quick_check`.
fn encrypted_copy(path: &Path, target: &Path, key: &DbKey) -> Result<(), StoreError> {
    if !path.exists() {
        return Err(unavailable(path)(std::io::ErrorKind::NotFound.into()));
    }
    // CREATE: an attached database is opened with the main one's flags, and the copy is new.
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)
        .map_err(|source| StoreError::Corrupt { path: path.to_owned(), source: Some(source) })?;
    // Everything in the WAL goes into the main file first, so the copy misses nothing.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let before = row_counts(&conn, "main")?;
    match std::fs::remove_file(target) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(unavailable(target)(e)),
        _ => {}
    }
    conn.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", [target.to_string_lossy().as_ref(), key.raw().as_str()])?;
    conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
    conn.pragma_update(Some("encrypted"), "user_version", version)?;
    let after = row_counts(&conn, "encrypted")?;
    conn.execute("DETACH DATABASE encrypted", [])?;
    drop(conn);
    if before != after {
        return Err(StoreError::Encrypting {
            path: path.to_owned(),
            reason: "the copy does not hold every row".into(),
        });
    }
    let copy = Connection::open(target)?;
    copy.execute_batch(&key.pragma())?;
    let check: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::Encrypting {
            path: path.to_owned(),
            reason: format!("the copy fails its check: {check}"),
        });
    }
    Ok(())
}

/// Encrypts the plain database at `path` under `key`. `before_swap` runs once the encrypted
/// copy is complete and checked, before it takes the database's name: it writes the key file.
/// The plain backups taken before earlier migrations (`.bak-vN`) are encrypted too, each the
/// same way; nothing of the registers stays in clear beside the database.
pub fn encrypt_in_place(
    path: &Path,
    key: &DbKey,
    before_swap: impl FnOnce() -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let target = sibling(path, ".encrypting");
    encrypted_copy(path, &target, key)?;
    before_swap()?;
    swap(&target, path)?;
    // The photos go with the database; were this cut short, the next keyed open finishes it
    // (`Store::open_with`), and until then a photo still in clear reads as it is.
    crate::Store::photo_files_of(path).sealed_with(key.photo_key()).seal_all()?;
    for backup in plain_backups(path)? {
        let target = sibling(&backup, ".encrypting");
        encrypted_copy(&backup, &target, key)?;
        swap(&target, &backup)?;
    }
    Ok(())
}

/// Encrypts the plain database at `path` under a new random key sealed for every user in its
/// `users` table, each under their own password (through the password's hash, see
/// [`KeyFile::seal_hashed`]): everyone who signed in to the plain database signs in to the
/// encrypted one with the same password — and, given the OS keyring's `share`, with the
/// keyring of the OS account too. Returns the key.
pub fn encrypt_for_users(path: &Path, share: Option<KeyringShare>) -> Result<DbKey, StoreError> {
    let users: Vec<(String, String)> = {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|source| StoreError::Corrupt { path: path.to_owned(), source: Some(source) })?;
        let mut stmt = conn.prepare("SELECT name, password FROM users ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        rows
    };
    if users.is_empty() {
        return Err(StoreError::Encrypting { path: path.to_owned(), reason: "no user to seal the key for".into() });
    }
    let key = DbKey::random();
    encrypt_in_place(path, &key, || {
        let mut file = KeyFile::new(path).with_share(share);
        users.iter().try_for_each(|(name, phc)| file.seal_hashed(name, phc, &key))
    })?;
    Ok(key)
}

/// `from` takes `to`'s name; the old file's WAL and shared-memory files (empty after the
/// checkpoint) go with it.
fn swap(from: &Path, to: &Path) -> Result<(), StoreError> {
    std::fs::rename(from, to).map_err(unavailable(to))?;
    for suffix in ["-wal", "-shm"] {
        match std::fs::remove_file(sibling(to, suffix)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(unavailable(to)(e)),
            _ => {}
        }
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(unavailable(to))?;
    }
    Ok(())
}

/// The plain backups beside the database (`NAME.bak-…`).
fn plain_backups(path: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return Ok(Vec::new()) };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let prefix = format!("{}.bak-", name.to_string_lossy());
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unavailable(path))? {
        let entry = entry.map_err(unavailable(path))?;
        let file = entry.file_name().to_string_lossy().into_owned();
        let is_backup = file.starts_with(&prefix) && !file.ends_with("-wal") && !file.ends_with("-shm");
        if is_backup && !file.ends_with(".encrypting") && !crate::base::open::is_ciphertext(&entry.path()) {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}
