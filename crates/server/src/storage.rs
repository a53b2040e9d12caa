//! What the server keeps, behind one trait: users, devices and tokens, the change log with
//! each record's current version and scope keys, and which photos are held. The handlers see
//! only this trait, so a PostgreSQL backend can be added beside [`crate::sqlite`] without
//! touching them. Calls are blocking; handlers run them on tokio's blocking pool.

use crate::scope::{Role, Scope};
use safeserve_core::sync::{Change, Entity, Pulled, Receipt};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored key this build does not know (a role, an entity): the row is damaged or was
    /// written by a newer server, and guessing a default would change what a caller may do.
    #[error("unknown {what} {key:?} in the server's database")]
    UnknownKey { what: &'static str, key: String },
    /// A stored change body that is not JSON.
    #[error("stored body of change {seq} is not JSON")]
    DamagedBody { seq: i64, source: serde_json::Error },
    /// The letter of this inspection already holds a number in another series.
    #[error("the letter of this inspection is already numbered {reference}")]
    LetterNumbered { reference: String },
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "{} 由较新版本的服务器写入（数据库版本 {found}，本程序支持到 {supported}），未作任何改动；请升级服务器 / \
         written by a newer server (schema {found}, this one knows up to {supported}); left untouched, upgrade the server",
        path.display()
    )]
    NewerSchema { path: std::path::PathBuf, found: i64, supported: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub agency: Option<String>,
    pub division: Option<String>,
    /// The person in the register this user is, whose name and certificates their laptop
    /// signs with.
    pub person: Option<String>,
}

impl User {
    pub fn scope(&self) -> Scope {
        Scope { role: self.role, agency: self.agency.clone(), division: self.division.clone() }
    }
}

/// Who is calling: the device a valid access token was issued to, and its user.
#[derive(Debug, Clone)]
pub struct Caller {
    pub device_id: String,
    pub user: User,
}

impl Caller {
    pub fn scope(&self) -> Scope {
        self.user.scope()
    }
}

#[derive(Debug, Clone)]
pub struct Device {
    pub id: String,
    pub user: String,
    pub label: String,
    pub public_key: String,
    pub enrolled_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub clock_skew_ms: Option<i64>,
}

/// What an access token turned out to be.
#[derive(Debug)]
pub enum Access {
    Valid(Caller),
    Expired,
    Revoked,
    Unknown,
}

/// What presenting a refresh token did.
#[derive(Debug)]
pub enum Refresh {
    /// Valid: it is now used up and `issued` stored; the device may be given them.
    Valid {
        device_id: String,
    },
    /// Already used once: someone holds a copy. The device has been revoked.
    Reused,
    Expired,
    Revoked,
    Unknown,
}

/// A hashed token to store: `sha256(token)` in hex, never the token itself.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_hash: String,
    pub access_expires_ms: i64,
    pub refresh_hash: String,
    pub refresh_expires_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub changes: Vec<Pulled>,
    pub next: i64,
    pub more: bool,
}

pub trait Storage: Send + Sync + 'static {
    fn add_user(&self, user: &User) -> Result<(), StorageError>;
    fn user(&self, name: &str) -> Result<Option<User>, StorageError>;
    /// Whether the server holds a record (a person a user is linked to must exist).
    fn record_held(&self, entity: Entity, record_id: &str) -> Result<bool, StorageError>;

    /// A one-time enrolment code (hashed) for a user.
    fn create_enrolment(&self, user: &str, code_hash: &str, expires_ms: i64) -> Result<(), StorageError>;
    /// Uses up an enrolment code and registers the device with its public key; `None` when the
    /// code is unknown, used or expired.
    fn enrol(
        &self,
        code_hash: &str,
        device: &Device,
        tokens: &IssuedTokens,
        now_ms: i64,
    ) -> Result<Option<User>, StorageError>;
    fn devices(&self) -> Result<Vec<Device>, StorageError>;
    /// Keeps the recovery key a device sealed its database key under (replacing an earlier one).
    fn set_recovery_key(&self, device_id: &str, recovery_key: &str) -> Result<(), StorageError>;
    /// A one-time password-reset code (hashed) for a user.
    fn create_password_reset(&self, user: &str, code_hash: &str, expires_ms: i64) -> Result<(), StorageError>;
    /// Uses up a reset code for `device_id` and gives that device's recovery key; `None` (the
    /// code left as it was) when the code is unknown, used or expired, is another user's, or
    /// the device is revoked or never gave a recovery key.
    fn redeem_password_reset(
        &self,
        code_hash: &str,
        device_id: &str,
        now_ms: i64,
    ) -> Result<Option<String>, StorageError>;
    /// Every audit-log entry laptops sent, in the order they arrived: the label of the device
    /// that sent it (when known) and its body as sent.
    fn audit_entries(&self) -> Result<Vec<(Option<String>, String)>, StorageError>;
    fn revoke_device(&self, device_id: &str, now_ms: i64) -> Result<bool, StorageError>;
    /// A public key whose signatures the server accepts besides enrolled devices' (revoked ones
    /// included: what they signed before stays valid): one registered by an import.
    fn register_signing_key(&self, public_key: &str, label: &str, now_ms: i64) -> Result<(), StorageError>;

    fn access(&self, access_hash: &str, now_ms: i64) -> Result<Access, StorageError>;
    /// Trades a refresh token for `issued`: once, or again while nothing traded for it has been
    /// presented (its reply was lost) within [`crate::REFRESH_RETRY`]; any other reuse revokes
    /// the device.
    fn use_refresh(&self, refresh_hash: &str, issued: &IssuedTokens, now_ms: i64) -> Result<Refresh, StorageError>;
    fn record_clock_skew(&self, device_id: &str, skew_ms: i64) -> Result<(), StorageError>;

    /// Applies pushed changes for a caller: refuses what is out of their scope, applies each
    /// change id once, and answers a receipt per change.
    fn push(&self, caller: &Caller, changes: &[Change], now_ms: i64) -> Result<Vec<Receipt>, StorageError>;
    /// Loads changes as an administrator (`admin import`), in batches.
    fn import(&self, changes: &[Change], now_ms: i64) -> Result<Vec<Receipt>, StorageError>;
    /// The current versions the caller may see, after `after`.
    fn pull(&self, caller: &Caller, after: i64, limit: usize) -> Result<Page, StorageError>;

    /// The reference number of the letter of `visit_id` in the series (`prefix`, `year`): the
    /// next free one the first time, the same one on every later call. `None` when the visit is
    /// not in the caller's scope (or not on the server yet).
    fn letter_number(
        &self,
        caller: &Caller,
        visit_id: &str,
        prefix: &str,
        year: i32,
        now_ms: i64,
    ) -> Result<Option<u32>, StorageError>;
    /// Whether a record the caller may see names this photo.
    fn photo_visible(&self, caller: &Caller, sha256: &str) -> Result<bool, StorageError>;
    fn photo_held(&self, sha256: &str) -> Result<bool, StorageError>;
    fn photo_completed(&self, sha256: &str, bytes: u64, now_ms: i64) -> Result<(), StorageError>;

    /// A signed document for the public verification page, by its code or its id, with the
    /// newest version that replaces it; `None` when the server holds no such document.
    fn public_document(&self, by: DocumentLookup<'_>) -> Result<Option<HeldDocument>, StorageError>;
}

/// How the public verification page names a document.
#[derive(Debug, Clone, Copy)]
pub enum DocumentLookup<'a> {
    /// The verification code printed on it (normalised: `ABCD-EFGH-…`).
    Code(&'a str),
    /// Its id, as a PDF's stamp carries it.
    Id(&'a str),
}

/// A signed document as the server holds it (the body laptops pushed, JSON).
#[derive(Debug, Clone)]
pub struct HeldDocument {
    pub body: String,
    /// Whether the key that signed it is one the server registered.
    pub key_registered: bool,
    /// The body of the newest version replacing it, if any.
    pub newest: Option<String>,
}
