//! The base every layer above stands on: errors, opening and migrating the file, row
//! helpers, backups and damage checks, the audit log, the display-ready views, the Chinese search index and the checklist templates.

pub mod audit;
pub mod backups;
pub mod encryption;
pub(crate) mod error;
pub mod keys;
pub(crate) mod open;
pub(crate) mod rows;
pub mod search;
pub(crate) mod templates;
pub mod views;
pub mod wal;

use crate::StoreError;
use std::path::Path;

pub(crate) use safeserve_core::migration::sibling;

/// An I/O failure on `path`, for `map_err`.
pub(crate) fn unavailable(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Unavailable { path: path.to_owned(), source }
}
