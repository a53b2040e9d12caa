//! `safeserve-store` is the local SQLite store every SafeServe laptop carries: the registers
//! (divisions, agencies, people, enterprises, contracts), their Chinese search indexes,
//! checklist templates, visits, hazards with their append-only events, photos (files beside
//! the database, through `safeserve-media`) and the demo-data generator. The desktop app and the `safeserve` CLI open the same file through it.
//!
//! Evidence lives here, so the database is opened with WAL, `synchronous=FULL` and foreign
//! keys on; a file written by a newer SafeServe is refused untouched, and one from an older
//! version is backed up before it is migrated. It depends on `safeserve-core` for the rules
//! and must not depend on tauri or any network crate.

mod agencies;
mod backtrace;
pub mod blacklist;
mod contracts;
mod coverage;
pub mod demo;
mod divisions;
pub mod documents;
mod enterprises;
mod error;
pub mod evaluations;
pub mod grades;
mod hazards;
pub mod letters;
mod open;
mod people;
pub mod photos;
pub mod search;
pub mod sync;
mod templates;
pub mod views;
mod visits;

pub use documents::SignerTrust;
pub(crate) use error::known;
pub use error::{StoreError, UnknownKey};
pub use open::{OpenOptions, LATEST_VERSION};

use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// An open SafeServe database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// During a bulk pull, search indexing waits in `search_pending` (see `sync.rs`).
    bulk_pull: bool,
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

/// JSON array of enum keys, as stored in TEXT columns.
fn keys_json<T: Copy>(items: &[T], key: impl Fn(T) -> &'static str) -> String {
    serde_json::to_string(&items.iter().map(|i| key(*i)).collect::<Vec<_>>()).expect("strings serialise")
}

fn keys_from_json<T>(json: &str, from_key: impl Fn(&str) -> Option<T>) -> Vec<T> {
    serde_json::from_str::<Vec<String>>(json).unwrap_or_default().iter().filter_map(|k| from_key(k)).collect()
}
