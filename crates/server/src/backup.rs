//! `admin backup` and `admin restore`: a consistent copy of a server's data folder, taken while
//! it serves, and brought back into a stopped one.
//!
//! What a backup holds: `server.db` as of one moment (`VACUUM INTO` reads one snapshot while
//! laptops go on pushing), every photo that snapshot records as held, each copied with its
//! SHA-256 checked (a photo is written into place before it is recorded, so every photo the
//! snapshot knows is on disk), and the bureau's authority (`bureau-ca.key.pem`,
//! `bureau-ca.pem`), without which the laptops' document certificates would no longer lead to
//! a root. `safeserve-backup.json` is written last: a folder without it is an interrupted
//! backup and is not restored. Backing up into the same folder again replaces the database and
//! copies only the photos it lacks (photos are content-addressed and never change).
//!
//! The folder holds the authority's private key: keep it as the data folder is kept.

use crate::bureau;
use crate::photos::{file_sha256, is_sha256, PhotoFiles};
use anyhow::{bail, ensure, Context};
use rusqlite::{Connection, OpenFlags};
use safeserve_core::migration::sibling;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "safeserve-backup.json";
const DB: &str = "server.db";
const FORMAT: u32 = 1;

/// What a backup says of itself, in its manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub taken_ms: i64,
    pub server_version: String,
    /// The database's schema version (`user_version`).
    pub schema: i64,
    pub users: i64,
    pub devices: i64,
    /// Changes in the log: what laptops pushed and the server accepted or refused.
    pub changes: i64,
    pub photos: u64,
    pub photo_bytes: u64,
    /// Photos the database records but the data folder did not hold whole: named, never
    /// silently left out.
    pub photos_missing: Vec<String>,
}

/// A data folder is served by one process at a time, and restored only while none serves it:
/// `serve` and `admin restore` hold this lock (released when the process ends, however).
pub fn lock_data(data: &Path) -> anyhow::Result<File> {
    fs::create_dir_all(data)?;
    let path = data.join("server.lock");
    let file = File::create(&path).with_context(|| format!("无法创建 / cannot create {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => bail!(
            "另一个服务器进程正在使用数据目录 {}；请先停止它 / another server process is using the data folder; stop it first",
            data.display()
        ),
        Err(fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("cannot lock {}", path.display())),
    }
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Copies `from` to `to` through `to.partial`, hashing what it reads: the SHA-256 (hex) of
/// the bytes written, and how many.
fn copy_hashed(from: &Path, to: &Path) -> std::io::Result<(String, u64)> {
    let partial = sibling(to, ".partial");
    let mut input = File::open(from)?;
    let mut output = File::create(&partial)?;
    let (mut hash, mut n, mut buf) = (Sha256::new(), 0u64, vec![0u8; 1 << 16]);
    loop {
        let read = input.read(&mut buf)?;
        if read == 0 {
            break;
        }
        hash.update(&buf[..read]);
        output.write_all(&buf[..read])?;
        n += read as u64;
    }
    output.sync_all()?;
    drop(output);
    fs::rename(&partial, to)?;
    Ok((safeserve_core::document::hex(&hash.finalize()), n))
}

fn count(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
}

/// The photos a server database records as held.
fn recorded_photos(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT sha256 FROM photos ORDER BY sha256")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

fn read_only(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    Ok(conn)
}

/// Takes a backup of the data folder `data` into `to` (made if missing; an earlier backup there
/// is brought up to date). Safe while the server serves.
pub fn take(data: &Path, to: &Path, now_ms: i64) -> anyhow::Result<Manifest> {
    let source = data.join(DB);
    ensure!(source.exists(), "{} 不是服务器数据目录（没有 {DB}）/ not a server data folder", data.display());
    fs::create_dir_all(to).with_context(|| format!("无法创建 / cannot create {}", to.display()))?;
    let is_backup = to.join(MANIFEST).exists() || to.join(DB).exists();
    ensure!(
        is_backup || fs::read_dir(to)?.next().is_none(),
        "{} 不是空目录，也不是 SafeServe 备份；未写入 / is neither empty nor a SafeServe backup; nothing written",
        to.display()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(to, fs::Permissions::from_mode(0o700))?;
    }

    // One snapshot of the database, whatever the laptops push meanwhile.
    let partial = to.join("server.db.partial");
    let _ = fs::remove_file(&partial);
    read_only(&source)?
        .execute("VACUUM INTO ?1", [partial.to_string_lossy()])
        .with_context(|| format!("无法复制数据库 / cannot copy {}", source.display()))?;
    File::open(&partial)?.sync_all()?;
    let snapshot = read_only(&partial)?;
    let schema: i64 = snapshot.query_row("SELECT user_version FROM pragma_user_version", [], |r| r.get(0))?;
    let (users, devices, changes) =
        (count(&snapshot, "users")?, count(&snapshot, "devices")?, count(&snapshot, "changes")?);
    let wanted = recorded_photos(&snapshot)?;
    drop(snapshot);

    let (held, into) = (PhotoFiles::at(data), PhotoFiles::at(to));
    let (mut photos, mut photo_bytes, mut photos_missing) = (0u64, 0u64, Vec::new());
    for sha in wanted {
        if !is_sha256(&sha) {
            photos_missing.push(sha);
            continue;
        }
        let target = into.path(&sha);
        if let Ok(meta) = fs::metadata(&target) {
            photos += 1;
            photo_bytes += meta.len();
            continue;
        }
        fs::create_dir_all(target.parent().context("a photo's folder")?)?;
        match copy_hashed(&held.path(&sha), &target) {
            Ok((got, n)) if got == sha => {
                photos += 1;
                photo_bytes += n;
            }
            Ok(_) => {
                // Rotten on the server's disk: not passed off as the photo it claims to be.
                fs::remove_file(&target)?;
                photos_missing.push(sha);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => photos_missing.push(sha),
            Err(e) => return Err(e).with_context(|| format!("cannot copy photo {sha}")),
        }
    }

    // The old manifest goes before the database it describes is replaced: a backup stopped
    // half-way has none and is not restored.
    match fs::remove_file(to.join(MANIFEST)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    fs::rename(&partial, to.join(DB))?;
    for file in bureau::FILES {
        if data.join(file).exists() {
            copy_hashed(&data.join(file), &to.join(file))?;
        }
    }
    let manifest = Manifest {
        format: FORMAT,
        taken_ms: now_ms,
        server_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema,
        users,
        devices,
        changes,
        photos,
        photo_bytes,
        photos_missing,
    };
    let tmp = to.join("safeserve-backup.json.partial");
    fs::write(&tmp, serde_json::to_vec_pretty(&manifest)?)?;
    File::open(&tmp)?.sync_all()?;
    fs::rename(&tmp, to.join(MANIFEST))?;
    sync_dir(to)?;
    Ok(manifest)
}

/// Reads a backup's manifest and checks the backup whole: the database passes
/// `integrity_check` and is not from a newer server, and every photo it records is there with
/// its hash. Any problem refuses it, named.
pub fn inspect(from: &Path) -> anyhow::Result<Manifest> {
    let text = match fs::read(from.join(MANIFEST)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "{} 不是完整的 SafeServe 服务器备份（没有 {MANIFEST}，可能中途停止）/ not a complete SafeServe server backup",
            from.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", from.display())),
    };
    let manifest: Manifest =
        serde_json::from_slice(&text).context("备份清单已损坏 / the backup's manifest is damaged")?;
    ensure!(
        manifest.format == FORMAT && manifest.schema <= crate::schema::LATEST,
        "该备份由较新版本的服务器（{}，数据库版本 {}）制作，本程序无法恢复；请升级服务器 / \
         made by a newer server (schema {}); upgrade this one to restore it",
        manifest.server_version,
        manifest.schema,
        manifest.schema
    );
    let damaged =
        |what: String| anyhow::anyhow!("备份已损坏，未恢复：{what} / the backup is damaged, not restored: {what}");
    let conn = read_only(&from.join(DB)).map_err(|e| damaged(format!("{DB}: {e}")))?;
    let check: String =
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| damaged(format!("{DB}: {e}")))?;
    if check != "ok" {
        return Err(damaged(format!("{DB}: {check}")));
    }
    let schema: i64 = conn.query_row("SELECT user_version FROM pragma_user_version", [], |r| r.get(0))?;
    ensure!(
        schema == manifest.schema,
        damaged(format!("{DB} is schema {schema}, its manifest says {}", manifest.schema))
    );
    let photos = PhotoFiles::at(from);
    for sha in recorded_photos(&conn)? {
        if manifest.photos_missing.contains(&sha) {
            continue;
        }
        match file_sha256(&photos.path(&sha)) {
            Ok(got) if got == sha => {}
            Ok(_) => return Err(damaged(format!("photo {sha} does not match its hash"))),
            Err(e) => return Err(damaged(format!("photo {sha}: {e}"))),
        }
    }
    Ok(manifest)
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    /// The database (and authority files) the backup replaced, moved aside, never deleted.
    pub kept_aside: Vec<PathBuf>,
    pub photos_copied: u64,
}

/// Brings the backup in `from` back into the data folder `data`, which no server may be
/// serving. The backup is checked whole first; the database it replaces (with its WAL) and
/// authority files that differ are moved aside as `NAME.replaced-TIME`. Photos the folder
/// already holds stay (the same name is the same content); the backup's are copied in.
pub fn restore(from: &Path, data: &Path, now_ms: i64) -> anyhow::Result<Restored> {
    let _lock = lock_data(data)?;
    let manifest = inspect(from)?;
    let stamp = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default().format("%Y%m%dT%H%M%S");
    let mut kept_aside = Vec::new();
    let mut aside = |path: PathBuf| -> anyhow::Result<()> {
        if path.exists() {
            let moved = sibling(&path, &format!(".replaced-{stamp}"));
            fs::rename(&path, &moved)?;
            kept_aside.push(moved);
        }
        Ok(())
    };
    for suffix in ["", "-wal", "-shm"] {
        aside(data.join(format!("{DB}{suffix}")))?;
    }
    for file in bureau::FILES {
        let (ours, theirs) = (data.join(file), from.join(file));
        if theirs.exists() && ours.exists() && fs::read(&ours)? != fs::read(&theirs)? {
            aside(ours)?;
        }
    }

    let (source, target) = (PhotoFiles::at(from), PhotoFiles::new(data)?);
    let conn = read_only(&from.join(DB))?;
    let mut photos_copied = 0;
    for sha in recorded_photos(&conn)? {
        if manifest.photos_missing.contains(&sha) || target.exists(&sha) {
            continue;
        }
        let path = target.path(&sha);
        fs::create_dir_all(path.parent().context("a photo's folder")?)?;
        copy_hashed(&source.path(&sha), &path)?;
        photos_copied += 1;
    }
    drop(conn);
    for file in bureau::FILES {
        if from.join(file).exists() && !data.join(file).exists() {
            copy_hashed(&from.join(file), &data.join(file))?;
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in bureau::PRIVATE {
            let key = data.join(file);
            if key.exists() {
                fs::set_permissions(&key, fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    // The database last, once its photos and authority are in place.
    copy_hashed(&from.join(DB), &data.join(DB))?;
    sync_dir(data)?;
    Ok(Restored { manifest, kept_aside, photos_copied })
}
