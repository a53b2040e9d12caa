//! Rules both SafeServe databases (the laptop's store and the server's) follow when their
//! schema moves on: the copy taken before a migration, and released migrations that never
//! change (a database migrated by a released file must mean the same to every later version).

use std::path::{Path, PathBuf};

/// A file beside a database, named after it: `NAME.db` + `suffix` (`.partial`, `.keys`,
/// `.replaced-TIME` …), for the laptop's database and the server's alike.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where the copy of a database taken before migrating it from `version` goes
/// (`NAME.db.bak-vN`, numbered on past the names `taken` says exist: a copy never replaces an
/// earlier one). The caller asks the file system (`|p| p.exists()`).
pub fn backup_path(path: &Path, version: i64, taken: impl Fn(&Path) -> bool) -> PathBuf {
    let mut n = 0;
    loop {
        let suffix = if n == 0 { format!("bak-v{version}") } else { format!("bak-v{version}-{n}") };
        let candidate = path.with_extension(format!(
            "{}{}",
            path.extension().map(|e| format!("{}.", e.to_string_lossy())).unwrap_or_default(),
            suffix
        ));
        if !taken(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// What is wrong with `migrations` against the SHA-256 of each `released` file, in order:
/// a released file changed or removed, or a new file whose hash must be added once it ships.
/// Empty when the two agree.
pub fn changed_since_release(migrations: &[&str], released: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, sql) in migrations.iter().enumerate() {
        let hash = crate::document::sha256_hex(sql.as_bytes());
        match released.get(i) {
            Some(r) if *r == hash => {}
            Some(_) => problems.push(format!("migration {} was changed after its release", i + 1)),
            None => problems.push(format!("migration {} is new: add its SHA-256 {hash} to RELEASED", i + 1)),
        }
    }
    if migrations.len() < released.len() {
        problems.push(format!("released migrations {}..={} were removed", migrations.len() + 1, released.len()));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_new_or_removed_migration_is_named() {
        let a = crate::document::sha256_hex(b"CREATE TABLE a(x);");
        assert!(changed_since_release(&["CREATE TABLE a(x);"], &[&a]).is_empty());
        assert_eq!(
            changed_since_release(&["CREATE TABLE a(y);"], &[&a]),
            ["migration 1 was changed after its release"]
        );
        assert!(changed_since_release(&["CREATE TABLE a(x);", "CREATE TABLE b(x);"], &[&a])[0]
            .starts_with("migration 2 is new"));
        assert_eq!(changed_since_release(&[], &[&a]), ["released migrations 1..=1 were removed"]);
    }

    #[test]
    fn a_second_copy_from_the_same_version_gets_the_next_number() {
        let db = Path::new("/data/safeserve.db");
        assert_eq!(backup_path(db, 3, |_| false), Path::new("/data/safeserve.db.bak-v3"));
        let first = |p: &Path| p == Path::new("/data/safeserve.db.bak-v3");
        assert_eq!(backup_path(db, 3, first), Path::new("/data/safeserve.db.bak-v3-1"));
    }
}
