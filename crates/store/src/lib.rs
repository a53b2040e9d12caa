//! `safeserve-store` is the local SQLite store every SafeServe laptop carries: the registers
//! (divisions, agencies, people, enterprises, contracts), their Chinese search indexes,
//! checklist templates, visits, hazards with their append-only events, photos (files beside
//! the database, through `safeserve-media`) and a bulk loader for new databases (the demo
//! generator, `safeserve-demo`, fills its files through it). The desktop app and the
//! `safeserve` CLI open the same file through it.
//!
//! Evidence lives here, so the database is opened with WAL, `synchronous=FULL` and foreign
//! keys on; a file written by a newer SafeServe is refused untouched, and one from an older
//! version is backed up before it is migrated. It depends on `safeserve-core` for the rules
//! and must not depend on tauri or any network crate.

// Layers, read bottom-up; a module imports only from its own layer or the ones below it
// (the `layers` test below checks).
mod base;
mod composites;
mod evidence;
mod registers;
mod supervision;

pub(crate) use base::error::known;
pub use base::error::{StoreError, SyncDataError, UnknownKey};
pub use base::keys::check_new_password;
pub use base::open::{is_encrypted, OpenOptions, LATEST_VERSION};
pub use base::wal::wal_path;
pub use base::{audit, backups, encryption, keys, search, views};
pub use composites::documents::SignerTrust;
pub use composites::{bulk, documents, sync};
pub use evidence::{photos, records};
pub use registers::import;
pub use supervision::{blacklist, evaluations, grades, letters};

use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// An open SafeServe database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// During a bulk pull, search indexing waits in `search_pending` (see `composites/sync/apply.rs`).
    bulk_pull: bool,
    /// On an encrypted laptop, the key its photo files are sealed with (from the database key).
    photo_key: Option<safeserve_media::PhotoKey>,
}

impl Store {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Record counts of each register.
    pub fn counts(&self) -> Result<views::RegisterCounts, StoreError> {
        let count = |table: &str| -> Result<u32, StoreError> {
            Ok(self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(views::RegisterCounts {
            enterprises: count("enterprises")?,
            agencies: count("agencies")?,
            people: count("people")?,
            contracts: count("contracts")?,
            visits: count("visits")?,
            hazards: count("hazards")?,
            documents: count("documents")?,
        })
    }
}

#[cfg(test)]
mod layers {
    /// Bottom-up: a module may import from its own layer and the ones before it.
    const LAYERS: [&str; 5] = ["base", "registers", "evidence", "supervision", "composites"];

    /// Every `.rs` file under `dir`, in subfolders too (`documents/`, `sync/`).
    fn sources(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                out.extend(sources(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }

    #[test]
    fn every_module_imports_only_from_its_own_layer_or_below() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut upward = Vec::new();
        for (rank, layer) in LAYERS.iter().enumerate() {
            for path in sources(&src.join(layer)) {
                let text = std::fs::read_to_string(&path).expect("source");
                for (i, line) in text.lines().enumerate() {
                    for (used, _) in line.match_indices("crate::") {
                        let name = line[used + 7..].split(|c: char| !c.is_ascii_alphanumeric() && c != '_').next();
                        let above = match name {
                            Some(n) => LAYERS.iter().position(|l| *l == n).is_some_and(|r| r > rank),
                            None => false,
                        };
                        if above {
                            upward.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(upward.is_empty(), "imports running up the layers:\n{}", upward.join("\n"));
    }
}
