//! The laptop's side of sync: the outbox the triggers of migration 0004 fill, receipts from the
//! server, and applying what was pulled (last writer wins for register fields, append-only for
//! evidence). The HTTP client lives in `safeserve-sync`; this module only reads and writes the
//! database, each step in one transaction.

use crate::base::error::SyncDataError;
use crate::base::search::{self, Register};
use crate::{Store, StoreError};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use safeserve_core::document::{sha256_hex, signature_holds};
use safeserve_core::sync::{
    body_list as array, hlc_of_millis, latest_acceptable_hlc, wins, Change, Entity, Op, Pulled, Receipt, Role,
};
use safeserve_core::Message;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use ts_rs::TS;
use uuid::Uuid;

mod account;
mod apply;
mod export;
mod outbox;
mod photos;
use apply::*;
use outbox::*;

pub use account::{ConflictView, FieldConflict, SyncAccount, SyncStatus};
pub use apply::{Applied, WaitingChange};
pub use export::EXPORT_ORDER;
pub use photos::PhotoToUpload;
