//! Backups of a laptop's database, beside it: the copies taken before a migration
//! (`NAME.bak-vN`) and the ones taken daily and on demand (`NAME.backups/`). A backup is a
//! `VACUUM INTO` copy — consistent, compact, and on an encrypted laptop encrypted with the
//! database's own key, so the key file beside the database opens it too. This is what a
//! damaged database is offered to be restored from.

use crate::base::{sibling, unavailable};
use crate::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One backup found beside a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    /// When it was written (the file's modification time).
    pub taken: SystemTime,
    pub bytes: u64,
}

/// The folder of daily and on-demand backups: `NAME.backups` beside `NAME`.
pub fn backup_dir(db: &Path) -> PathBuf {
    sibling(db, ".backups")
}

/// Every backup of `db`, newest first: the folder's and the pre-migration copies beside it.
pub fn list(db: &Path) -> Vec<Backup> {
    let mut found = Vec::new();
    let mut look = |dir: &Path, wanted: &dyn Fn(&str) -> bool| {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !wanted(&name) {
                continue;
            }
            if let Ok(meta) = entry.metadata() {
                if meta.is_file() {
                    let taken = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                    found.push(Backup { path: entry.path(), taken, bytes: meta.len() });
                }
            }
        }
    };
    look(&backup_dir(db), &|n| n.ends_with(".db"));
    if let (Some(parent), Some(file)) = (db.parent(), db.file_name()) {
        let prefix = format!("{}.bak-v", file.to_string_lossy());
        let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
        look(parent, &|n| n.starts_with(&prefix));
    }
    found.sort_by(|a, b| b.taken.cmp(&a.taken).then_with(|| b.path.cmp(&a.path)));
    found
}

/// The backups folder (or a file in it) could not be written.
fn unwritable(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::BackupFolder { path: path.to_owned(), source }
}

/// How many daily and on-demand backups a laptop keeps unless told otherwise: a week's.
pub const DEFAULT_KEPT: usize = 7;

/// The file in `NAME.backups/` saying how many backups are kept, so the window and
/// `safeserve backup take` keep the same number.
fn kept_file(db: &Path) -> PathBuf {
    backup_dir(db).join("kept")
}

/// How many backups of `db` are kept: the number set with [`set_kept`], else [`DEFAULT_KEPT`].
pub fn kept(db: &Path) -> usize {
    std::fs::read_to_string(kept_file(db))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_KEPT)
}

/// Keeps the newest `n` backups of `db` from now on (1 to 365).
pub fn set_kept(db: &Path, n: usize) -> Result<(), StoreError> {
    if !(1..=365).contains(&n) {
        return Err(StoreError::Invalid {
            field: "kept",
            message: safeserve_core::Message::new("保留份数须在 1 到 365 之间", "keep between 1 and 365 backups"),
        });
    }
    let dir = backup_dir(db);
    std::fs::create_dir_all(&dir).map_err(unwritable(&dir))?;
    let file = kept_file(db);
    std::fs::write(&file, n.to_string()).map_err(unwritable(&file))
}

/// The newest backup of `db`, if there is one.
pub fn newest(db: &Path) -> Option<Backup> {
    list(db).into_iter().next()
}

/// A backup's time as people read it (China's time, as the app's dates are).
pub fn describe_time(t: SystemTime) -> String {
    let utc: chrono::DateTime<chrono::Utc> = t.into();
    utc.with_timezone(&safeserve_core::shanghai()).format("%Y-%m-%d %H:%M").to_string()
}

/// `now` (RFC 3339) as it goes into a file name.
fn stamp(now: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(now)
        .map(|t| t.format("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_else(|_| now.replace([':', '/', ' '], "-"))
}

impl Store {
    /// Writes a backup of the database into `NAME.backups/` and returns its path. The copy
    /// is written under a temporary name, synced and renamed, so a backup that is listed is
    /// whole. `now` (RFC 3339) names the file.
    pub fn back_up(&self, now: &str) -> Result<PathBuf, StoreError> {
        let dir = backup_dir(&self.path);
        std::fs::create_dir_all(&dir).map_err(unwritable(&dir))?;
        let stamp = stamp(now);
        let stem =
            self.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "safeserve".into());
        let mut target = dir.join(format!("{stem}-{stamp}.db"));
        let mut n = 1;
        while target.exists() {
            target = dir.join(format!("{stem}-{stamp}-{n}.db"));
            n += 1;
        }
        let partial = dir.join(format!(".{}.partial", target.file_name().unwrap_or_default().to_string_lossy()));
        let _ = std::fs::remove_file(&partial);
        // Every page is read for the copy: a damaged one fails it, named as damage.
        let written = self
            .conn
            .execute("VACUUM INTO ?1", [partial.to_string_lossy()])
            .map_err(|e| damage(&self.path, e))
            .and_then(|_| {
                std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(unwritable(&dir))?;
                std::fs::rename(&partial, &target).map_err(unwritable(&dir))
            });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        Ok(target)
    }

    /// The laptop's daily backup: taken when the newest in `NAME.backups/` is older than a
    /// day (or there is none), then all but the newest `keep` removed. Returns the backup
    /// taken, `None` when one from the last day is already there.
    pub fn daily_backup(&self, now: &str, keep: usize) -> Result<Option<PathBuf>, StoreError> {
        let dir = backup_dir(&self.path);
        let day = std::time::Duration::from_secs(24 * 3600);
        let recent = list(&self.path)
            .into_iter()
            .filter(|b| b.path.starts_with(&dir))
            .any(|b| b.taken.elapsed().is_ok_and(|age| age < day));
        if recent {
            return Ok(None);
        }
        let taken = self.back_up(now)?;
        self.prune_backups(keep)?;
        Ok(Some(taken))
    }

    /// Removes the oldest backups in `NAME.backups/` beyond the newest `keep`. The copies
    /// taken before migrations are left alone.
    pub fn prune_backups(&self, keep: usize) -> Result<usize, StoreError> {
        let dir = backup_dir(&self.path);
        let mut removed = 0;
        for old in list(&self.path).into_iter().filter(|b| b.path.starts_with(&dir)).skip(keep) {
            std::fs::remove_file(&old.path).map_err(unwritable(&old.path))?;
            removed += 1;
        }
        Ok(removed)
    }

    /// `PRAGMA quick_check` (`full`: `integrity_check`): `Ok` when the file is whole, else
    /// `Damaged` naming the first problem (and, in its message, the newest backup). On an
    /// encrypted database every page read is also checked against its MAC.
    pub fn check(&self, full: bool) -> Result<(), StoreError> {
        whole(&self.conn, &self.path, full)
    }
}

/// A page SQLite (or SQLCipher's MAC) refuses is damage; any other error keeps its kind.
fn damage(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => StoreError::Damaged {
            path: path.to_owned(),
            what: safeserve_core::Message::new("有页面无法读取", "a page cannot be read"),
        },
        _ => StoreError::from(e),
    }
}

fn whole(conn: &rusqlite::Connection, path: &Path, full: bool) -> Result<(), StoreError> {
    let pragma = if full { "PRAGMA integrity_check" } else { "PRAGMA quick_check" };
    let damaged = |e| damage(path, e);
    let mut stmt = conn.prepare(pragma).map_err(damaged)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(damaged)?;
    let found = rows.collect::<Result<Vec<_>, _>>().map_err(damaged)?;
    let problems: Vec<&str> =
        found.iter().flat_map(|r| r.lines()).filter(|l| *l != "ok" && !l.starts_with("***")).collect();
    match problems.first() {
        None => Ok(()),
        Some(first) => {
            let n = problems.len();
            let what = safeserve_core::Message::new(
                format!("完整性检查发现 {n} 处问题，首处：{first}"),
                format!("the integrity check found {n} problem(s), the first: {first}"),
            );
            Err(StoreError::Damaged { path: path.to_owned(), what })
        }
    }
}

/// What a backup holds, shown before it is restored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Holding {
    #[ts(type = "number")]
    pub enterprises: i64,
    #[ts(type = "number")]
    pub visits: i64,
    #[ts(type = "number")]
    pub hazards: i64,
    #[ts(type = "number")]
    pub signed_documents: i64,
    #[ts(type = "number")]
    pub photos: i64,
    /// The newest visit's start, if any: how far the backup reaches.
    pub newest_visit: Option<String>,
}

/// What the database (or backup) at `path` holds, read without changing it. `key`: the
/// laptop's key when it is encrypted. A file that does not open, or fails `integrity_check`,
/// is refused as damaged.
pub fn holding(path: &Path, key: Option<&crate::base::keys::DbKey>) -> Result<Holding, StoreError> {
    let store = Store::open_reader(path, key)?;
    whole(&store.conn, path, true)?;
    let count = |table: &str| store.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0));
    Ok(Holding {
        enterprises: count("enterprises")?,
        visits: count("visits")?,
        hazards: count("hazards")?,
        signed_documents: count("documents")?,
        photos: count("photos")?,
        newest_visit: store.conn.query_row("SELECT max(started_at) FROM visits", [], |r| r.get(0))?,
    })
}

/// What [`restore`] did: what the backup held, and where the database it replaced went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub holding: Holding,
    /// `NAME.replaced-STAMP`, when there was a database to replace.
    pub replaced: Option<PathBuf>,
}

/// Puts the backup `from` in place of the database at `db`, after checking it opens with
/// `key` and is whole. The database it replaces is never deleted: it is moved aside, with its
/// write-ahead log, to `NAME.replaced-STAMP`, so nothing recorded since the backup is lost for
/// good. Nothing may have `db` open meanwhile.
pub fn restore(
    db: &Path,
    from: &Path,
    key: Option<&crate::base::keys::DbKey>,
    now: &str,
) -> Result<Restored, StoreError> {
    let holding = holding(from, key)?;
    let incoming = sibling(db, ".restoring");
    std::fs::copy(from, &incoming)
        .and_then(|_| std::fs::File::open(&incoming)?.sync_all())
        .map_err(unavailable(&incoming))?;
    let replaced = if db.exists() {
        let stamp = stamp(now);
        let aside = sibling(db, &format!(".replaced-{stamp}"));
        // The log first: a database moved without it would lose its last saves.
        for suffix in ["-wal", "-shm"] {
            let side = sibling(db, suffix);
            if side.exists() {
                std::fs::rename(&side, sibling(&aside, suffix)).map_err(unavailable(&side))?;
            }
        }
        std::fs::rename(db, &aside).map_err(unavailable(db))?;
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&incoming, db).map_err(unavailable(db))?;
    if let Some(dir) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(Restored { holding, replaced })
}
