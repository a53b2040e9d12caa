//! The server database's numbered migrations, kept as the laptop's store keeps its own: each
//! step once, in order, in its own transaction, recorded in `user_version`; a copy of the file
//! first (`server.db.bak-vN`) whenever one runs on a database that holds anything; and a
//! database written by a newer server refused untouched.

use crate::storage::StorageError;
use rusqlite::Connection;
use std::path::Path;

/// Never edit a released step; add one.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_token_retry.sql"),
    include_str!("../migrations/0003_contracts_by_enterprise.sql"),
    include_str!("../migrations/0004_documents_by_code.sql"),
    include_str!("../migrations/0005_user_person.sql"),
    include_str!("../migrations/0006_password_reset.sql"),
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StorageError> {
    let version: i64 = conn.query_row("SELECT user_version FROM pragma_user_version", [], |r| r.get(0))?;
    if version > LATEST {
        return Err(StorageError::NewerSchema { path: path.to_owned(), found: version, supported: LATEST });
    }
    if version == LATEST {
        return Ok(());
    }
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    if tables > 0 {
        let backup = safeserve_core::migration::backup_path(path, version, |p| p.exists());
        conn.execute("VACUUM INTO ?1", [backup.to_string_lossy()])?;
        tracing::info!(from = version, to = LATEST, backup = %backup.display(), "migrating the server database");
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
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
            "82a532e1dfa8c1e4e8b143dc9d0f831727e6c191dfd2a0288c1fc6875ef58f04",
            "e944d7a53fe2c005400a84d378b027de2258e81dae6cbfa8221b6d061d001c10",
            "4756abc7223932990081d758534b2d7068e00647b8b40f939569e013f25d0df6",
            "fde51866081ed855cab63b195aee3d0747a95ba6c60a67ba9e2abe8be6604c06",
            "839f3db176c630f8b9912d922ff794aba06921e080196d837d22b4bac9e855bc",
            "e37075f9c47c858f30702fbdadae6ea9be19f906d98df2df86d0e48417c12788",
        ];
        let problems = safeserve_core::migration::changed_since_release(MIGRATIONS, RELEASED);
        assert!(problems.is_empty(), "{}", problems.join("; "));
    }

    fn version(conn: &Connection) -> i64 {
        conn.query_row("SELECT user_version FROM pragma_user_version", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_server_from_before_migrations_is_copied_then_brought_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 0).unwrap();
        conn.execute("INSERT INTO users(name, role) VALUES ('zhang', 'inspector')", []).unwrap();
        migrate(&mut conn, &path).unwrap();
        assert_eq!(version(&conn), LATEST);
        let backup = Connection::open(dir.path().join("server.db.bak-v0")).unwrap();
        assert_eq!(backup.query_row("SELECT name FROM users", [], |r| r.get::<_, String>(0)).unwrap(), "zhang");
        assert_eq!(version(&backup), 0);
        // Nothing to do the second time: no second copy.
        migrate(&mut conn, &path).unwrap();
        assert!(!dir.path().join("server.db.bak-v0-1").exists());
    }

    #[test]
    fn a_database_from_a_newer_server_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1).unwrap();
        let err = migrate(&mut conn, &path).unwrap_err();
        assert!(matches!(err, StorageError::NewerSchema { found, .. } if found == LATEST + 1), "{err}");
        assert!(err.to_string().contains("较新版本"), "{err}");
        assert_eq!(version(&conn), LATEST + 1);
    }
}
