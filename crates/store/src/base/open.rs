//! Opening a database file: refuse what is not ours or is too new, back up what is old,
//! migrate, and set the pragmas evidence needs. A laptop's database is encrypted (SQLCipher,
//! a raw 256-bit key from `base/keys.rs`); a database opened without a key is plain SQLite,
//! as the server's and the tests' own files are.

use crate::base::keys::{key_file_path, DbKey};
use crate::base::wal;
use crate::{Store, StoreError};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use safeserve_core::migration::backup_path;
use safeserve_core::Message;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// Numbered migrations, embedded in the binary. Never edit a released one.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_registers.sql"),
    include_str!("../../migrations/0002_visits.sql"),
    include_str!("../../migrations/0003_documents.sql"),
    include_str!("../../migrations/0004_sync.sql"),
    include_str!("../../migrations/0005_supervision.sql"),
    include_str!("../../migrations/0006_hazard_completion.sql"),
    include_str!("../../migrations/0007_sync_waiting.sql"),
    include_str!("../../migrations/0008_server_trust.sql"),
    include_str!("../../migrations/0009_document_trust.sql"),
    include_str!("../../migrations/0010_users.sql"),
    include_str!("../../migrations/0011_audit.sql"),
    include_str!("../../migrations/0012_outbox_bodies_pruned.sql"),
    include_str!("../../migrations/0013_account_person.sql"),
    include_str!("../../migrations/0014_audit_synced.sql"),
    include_str!("../../migrations/0015_people_id_masked.sql"),
    include_str!("../../migrations/0016_people_careers.sql"),
    include_str!("../../migrations/0017_agency_acts.sql"),
    include_str!("../../migrations/0018_templates_travel.sql"),
    include_str!("../../migrations/0019_training_records.sql"),
];
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Create the file if it does not exist.
    pub create: bool,
    pub busy_timeout: Duration,
    /// The key of an encrypted database; `None` opens (or makes) a plain one.
    pub key: Option<DbKey>,
    /// A cap on the file's size in pages: past it a save fails as on a full disk (how the
    /// disk-full path is exercised without filling a disk).
    pub max_pages: Option<u32>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self { create: true, busy_timeout: Duration::from_secs(3), key: None, max_pages: None }
    }
}

impl OpenOptions {
    pub fn keyed(key: DbKey) -> Self {
        Self { key: Some(key), ..Self::default() }
    }
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` is an encrypted database: it has a key file beside it and does
/// not start with SQLite's header (an encrypted file's first page is ciphertext like the
/// rest). A plain file with a key file beside it is a database whose encryption did not
/// finish; a file of neither kind is for [`Store::open`] to refuse as damaged.
pub fn is_encrypted(path: &Path) -> bool {
    is_ciphertext(path) && key_file_path(path).exists()
}

/// A file of at least a header's length that does not start with SQLite's header.
pub(crate) fn is_ciphertext(path: &Path) -> bool {
    let mut header = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header)).is_ok() && header != *SQLITE_HEADER
}

fn classify(path: &Path, e: rusqlite::Error, keyed: bool) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) if keyed => StoreError::KeyMismatch { path: path.to_owned() },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::Corrupt { path: path.to_owned(), source: Some(e) }
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Locked { path: path.to_owned(), source: e }
        }
        _ => StoreError::Sqlite(e),
    }
}

/// A non-empty file that does not start with SQLite's header is refused before SQLite sees
/// it, so nothing (not even a journal) is written beside it — unless it is opened with a key
/// (SQLCipher then tells a wrong key or a damaged file by the first page's checksum). Without
/// a key, a file with a key file beside it is an encrypted database waiting for a sign-in.
fn check_header(path: &Path, keyed: bool) -> Result<(), StoreError> {
    if keyed {
        return Ok(());
    }
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(StoreError::Unavailable { path: path.to_owned(), source }),
    };
    let mut header = [0u8; 16];
    let n = file.read(&mut header).map_err(|source| StoreError::Unavailable { path: path.to_owned(), source })?;
    if n == 0 || header == *SQLITE_HEADER {
        Ok(())
    } else if key_file_path(path).exists() {
        Err(StoreError::NeedsKey { path: path.to_owned() })
    } else {
        Err(StoreError::Corrupt { path: path.to_owned(), source: None })
    }
}

/// Refuses a write-ahead log whose damage would make SQLite drop committed saves (see
/// `base/wal.rs`). A log another process is appending to can look damaged for an instant, so
/// damage counts only when it is still there on a second and third look.
fn check_wal(path: &Path) -> Result<(), StoreError> {
    let mut looks = 0;
    loop {
        match wal::check(path) {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(damage)) if looks == 2 => {
                let (zh, en) = damage.describe();
                return Err(StoreError::Damaged { path: path.to_owned(), what: Message::new(zh, en) });
            }
            Ok(Err(_)) => {
                looks += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(source) => return Err(StoreError::Unavailable { path: wal::wal_path(path), source }),
        }
    }
}

/// One connection to the file at `path`, with what every SafeServe connection sets.
fn connect(
    path: &Path,
    flags: OpenFlags,
    busy_timeout: Duration,
    key: Option<&DbKey>,
) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags).map_err(|e| match e.sqlite_error_code() {
        Some(ErrorCode::CannotOpen) => StoreError::Unavailable {
            path: path.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, e.to_string()),
        },
        _ => classify(path, e, key.is_some()),
    })?;
    // The key comes before anything reads a page.
    if let Some(key) = key {
        conn.execute_batch(&key.pragma()).map_err(|e| classify(path, e, true))?;
    }
    conn.busy_timeout(busy_timeout)?;
    // Applying a pulled page cycles through some 30 statements per record; rusqlite's
    // default cache of 16 would prepare each of them again every time.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// The file's schema version, refused when a newer SafeServe wrote it. Reading the schema
/// also tells a damaged file from a database.
fn known_version(conn: &Connection, path: &Path, keyed: bool) -> Result<i64, StoreError> {
    let version: i64 = conn
        .query_row("SELECT user_version FROM pragma_user_version", [], |r| r.get(0))
        .and_then(|v| conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(v)))
        .map_err(|e| classify(path, e, keyed))?;
    if version > LATEST_VERSION {
        return Err(StoreError::NewerVersion { path: path.to_owned(), found: version, supported: LATEST_VERSION });
    }
    Ok(version)
}

/// Every save reaches the disk before it is acknowledged, and references hold. The page cache
/// (16 MiB, SQLite's default is 2 MiB) keeps an enterprise's file and the lists in memory once
/// read: on an encrypted database each page read from the file is also decrypted and its MAC
/// checked, which a page found in the cache is not.
const EVIDENCE_PRAGMAS: &str = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16384;";

impl Store {
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, &OpenOptions::default())
    }

    pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> Result<Self, StoreError> {
        let path = path.as_ref().to_owned();
        let keyed = options.key.is_some();
        check_header(&path, keyed)?;
        check_wal(&path)?;
        let mut flags =
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        if options.create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = connect(&path, flags, options.busy_timeout, options.key.as_ref())?;
        // Read the version before anything writes: a newer file must stay exactly as it is.
        let version = known_version(&conn, &path, keyed)?;
        // Pages in the file itself are not all read here: `quick_check` reads every one, which
        // on a district's database (1.5 GB) takes minutes from a cold disk. A crash can only
        // tear what is in the WAL, walked above; a page rotten on disk is found by the daily
        // backup (which reads every page, each against its MAC) and by `safeserve check`.
        if let Some(pages) = options.max_pages {
            conn.pragma_update(None, "max_page_count", pages)?;
        }

        let mode: String =
            conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(|e| classify(&path, e, keyed))?;
        debug_assert_eq!(mode.to_ascii_lowercase(), "wal");
        conn.execute_batch(EVIDENCE_PRAGMAS).map_err(|e| classify(&path, e, keyed))?;

        let photo_key = options.key.as_ref().map(DbKey::photo_key);
        let mut store = Store { conn, path, bulk_pull: false, photo_key };
        if store.photo_key.is_some() {
            // Photos an interrupted encryption left in clear are sealed now (one look at a mark
            // once all are). Should it fail again, they stay readable and the next open tries.
            let _ = store.photo_files().seal_all();
        }
        store.migrate(version, MIGRATIONS)?;
        // A process that died while applying pulled changes must not leave edits unrecorded.
        store.set_recording(true)?;
        crate::base::templates::install_builtin(&store.conn, &chrono::Utc::now().to_rfc3339())?;
        Ok(store)
    }

    /// A second connection that only reads (the desktop's searches and read models), so they
    /// go on while the other connection writes — WAL lets a reader see the last commit without
    /// waiting. SQLite refuses any write through it. Open the database with [`Store::open`]
    /// first: that is what migrates it.
    pub fn open_reader(path: impl AsRef<Path>, key: Option<&DbKey>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_owned();
        check_header(&path, key.is_some())?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = connect(&path, flags, OpenOptions::default().busy_timeout, key)?;
        known_version(&conn, &path, key.is_some())?;
        Ok(Store { conn, path, bulk_pull: false, photo_key: key.map(DbKey::photo_key) })
    }

    fn migrate(&mut self, from: i64, migrations: &[&str]) -> Result<(), StoreError> {
        if from == migrations.len() as i64 {
            return Ok(());
        }
        if from > 0 {
            let target = backup_path(&self.path, from, |p| p.exists());
            self.conn
                .execute("VACUUM INTO ?1", [target.to_string_lossy()])
                .map_err(|source| StoreError::Backup { path: self.path.clone(), source })?;
        }
        for (i, sql) in migrations.iter().enumerate().skip(from as usize) {
            let tx = self.conn.transaction().map_err(|e| classify(&self.path, e, false))?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Bulk loading (`composites::bulk`) trades durability for speed on a file nobody else
    /// sees yet: no journal, no fsync and a large page cache; the file is thrown away whole if
    /// anything goes wrong (it is renamed into place only when complete).
    /// [`Store::end_bulk_load`] restores the evidence settings.
    pub(crate) fn begin_bulk_load(&self) -> Result<(), StoreError> {
        let mode: String = self.conn.query_row("PRAGMA journal_mode=OFF", [], |r| r.get(0))?;
        debug_assert_eq!(mode, "off");
        self.conn.execute_batch("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;")?;
        Ok(())
    }

    pub(crate) fn end_bulk_load(&self) -> Result<(), StoreError> {
        let mode: String = self.conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        debug_assert_eq!(mode, "wal");
        self.conn.execute_batch(EVIDENCE_PRAGMAS)?;
        self.conn.execute_batch("PRAGMA optimize;")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A migration that has been released runs on laptops (or servers) already: changing its
    /// text would leave them with another schema than a new database gets. A change goes into a
    /// new numbered file; a new file adds its SHA-256 here.
    #[test]
    fn released_migrations_never_change() {
        const RELEASED: &[&str] = &[
            "1d687ab64d93efa4d6b1c4d42ceef29ee1c667b2de577a9dfe520e582cebda48",
            "46e37843333217d8697e97cab2843efa4247a846293a286019259266d704b735",
            "8a8ba5ac433b9f781be99754c430dfbe8cbc53053e4ecf7c900d878fcbc46280",
            "57ae108e2adb113e882c0c75a2626a5768471bb074aaf922f63f6080341ea8d9",
            "ad6d836a4859a030d4616e4b59bedef5f403089fd6940cb2b6367c80516046a1",
            "e5d8a17608e024b2af2b0f4ffda04a8e2932a25b821f21da971a3b027dd113ca",
            "60caa60cf6bf229fc091385f0e7bb3a7a8624b673e16bee938f59c2690fae860",
            "fa7a2b4615e72a775190dd3a095fab2ea462b230a5eae71fb4ab00cbf0f9cd8e",
            "123c1f9928117c59184c1a01e8ae3dd9d578bf43c0e6acab15efb3d2afaca825",
            "df45d745794db18de10700306a34a58603f5edcb2d5e719b82dd9e0e9fc3ea87",
            "d849162c1cdbd5dfae02ce0432a7f08f8cd247fe40343db54710ea6b5a878cd1",
            "57e4a5fd16d1cc1f502a392812dbd87d57e998ceb13449e780689743d5757cc4",
            "c60fd7e5ac19c0c79662191ae71b28d825790f606d3deae2a88801807bfac706",
            "a8addfba7cc5636d3d66803c99c9094085fd0ab66a951de9ebca6120c98c6ed9",
            "c115992df60d48a2937e9909d49195c05986322d34466af26ef2ac6bebc3e049",
            "16dfedce94050d930d9ba94572fc5e2704845bd01661b67d4cb01be7fa72c365",
            "dc7fb2f33ccbc4d9161e578ef1738cdacd34297a8f29607fa49bb7c44cf6ddb1",
            "315505457eb19276acf6ae1704ccc5d170d761a276ae555db42df0d8d110f3a4",
            "0fb71f3f6e5ac53960c0a38a93e995a40040dca8e2238da8dc4463ad3afd772b",
        ];
        let problems = safeserve_core::migration::changed_since_release(MIGRATIONS, RELEASED);
        assert!(problems.is_empty(), "{}", problems.join("; "));
    }

    #[test]
    fn new_database_is_at_the_latest_version_with_evidence_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("a.db")).unwrap();
        let v: i64 = store.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, LATEST_VERSION);
        let mode: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = store.conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
        let fk: i64 = store.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn newer_database_is_refused_and_left_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newer.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE t(x); PRAGMA user_version = 99;").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).err().expect("refused");
        assert!(matches!(err, StoreError::NewerVersion { found: 99, .. }), "{err:?}");
        assert!(err.message().zh.contains("更新版本"), "{}", err.message().zh);
        assert_eq!(std::fs::read(&path).unwrap(), before, "file untouched");
    }

    #[test]
    fn garbage_file_is_refused_as_corrupt_and_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.db");
        std::fs::write(&path, b"this is a spreadsheet, not a database....").unwrap();
        let err = Store::open(&path).err().expect("refused");
        assert_eq!(err.code(), "database_corrupt");
        assert_eq!(std::fs::read(&path).unwrap(), b"this is a spreadsheet, not a database....");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no journal or WAL written beside it");
    }

    #[test]
    fn truncated_database_is_refused_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.db");
        drop(Store::open(&path).unwrap());
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len().min(4096) / 2 + 100]).unwrap();
        let err = Store::open(&path).err().expect("refused");
        assert_eq!(err.code(), "database_corrupt", "{err:?}");
    }

    /// The reader answers while the writer is in the middle of a transaction, sees what was
    /// committed (not what is half-written), and cannot write.
    #[test]
    fn the_reader_reads_beside_a_writer_and_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("two.db");
        let mut writer = Store::open(&path).unwrap();
        let reader = Store::open_reader(&path, None).unwrap();
        let templates = |s: &Store| s.conn.query_row("SELECT count(*) FROM templates", [], |r| r.get::<_, i64>(0));
        let before = templates(&reader).unwrap();
        let tx = writer.conn.transaction().unwrap();
        tx.execute("DELETE FROM templates", []).unwrap();
        assert_eq!(templates(&reader).unwrap(), before, "a write in progress is not seen, and does not block");
        tx.commit().unwrap();
        assert_eq!(templates(&reader).unwrap(), 0, "the commit is seen by the next read");
        let err = reader.conn.execute("DELETE FROM templates", []).unwrap_err();
        assert_eq!(err.sqlite_error_code(), Some(ErrorCode::ReadOnly), "{err}");
    }

    #[test]
    fn locked_database_gives_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locked.db");
        let holder = Connection::open(&path).unwrap();
        holder.execute_batch("CREATE TABLE t(x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);").unwrap();
        let options = OpenOptions { busy_timeout: Duration::from_millis(50), ..Default::default() };
        let err = Store::open_with(&path, &options).err().expect("refused");
        assert_eq!(err.code(), "database_locked", "{err:?}");
        assert!(err.message().zh.contains("占用"));
    }

    #[test]
    fn older_database_is_backed_up_before_migrating() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            // A version-0 file that already holds something of the user's.
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE notes(x); INSERT INTO notes VALUES ('keep me');").unwrap();
        }
        {
            let store = Store::open(&path).unwrap();
            // Version 0 means "never migrated": nothing of ours to back up, and the user's
            // table survives the migration.
            assert!(!dir.path().join("old.db.bak-v0").exists());
            drop(store);
        }
        // A file written by the first release (schema 1) is backed up, then migrated.
        let v1 = dir.path().join("v1.db");
        {
            let c = Connection::open(&v1).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.execute_batch("INSERT INTO divisions(code, name) VALUES ('330106', '西湖区'); PRAGMA user_version = 1;")
                .unwrap();
        }
        let store = Store::open(&v1).unwrap();
        let backup = Connection::open(dir.path().join("v1.db.bak-v1")).expect("backup written");
        let kept: String = backup.query_row("SELECT name FROM divisions", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, "西湖区");
        let v: i64 = backup.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 1, "the backup is the file as it was before the migration");
        let v: i64 = store.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, LATEST_VERSION);
        let kept: String = store.conn.query_row("SELECT name FROM divisions", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, "西湖区", "the migration keeps what was there");
        assert_eq!(
            backup_path(&v1, 1, |p| p.exists()).file_name().unwrap(),
            "v1.db.bak-v1-1",
            "a second backup never overwrites the first"
        );
    }

    /// The backup taken before migrating an encrypted database is encrypted with its key: a
    /// laptop's registers never land in clear beside it.
    #[test]
    fn an_encrypted_database_is_backed_up_encrypted_before_migrating() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let key = DbKey::random();
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(&key.pragma()).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.execute_batch("INSERT INTO divisions(code, name) VALUES ('330106', '西湖区'); PRAGMA user_version = 1;")
                .unwrap();
        }
        let store = Store::open_with(&path, &OpenOptions::keyed(key.clone())).unwrap();
        drop(store);
        let backup = dir.path().join("v1.db.bak-v1");
        assert!(is_ciphertext(&backup), "the backup is not in clear");
        let kept = Store::open_reader(&backup, Some(&key)).unwrap();
        let name: String = kept.conn.query_row("SELECT name FROM divisions", [], |r| r.get(0)).unwrap();
        assert_eq!(name, "西湖区");
    }
}
