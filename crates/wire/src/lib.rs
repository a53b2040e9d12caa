//! Request and response bodies of the sync API (`/v1/…`), shared by the server and the client.
//! docs/sync.md describes the protocol around them; [`export`] is the file an administrator
//! carries from a laptop to a server.

pub mod export;

use safeserve_core::sync::{Change, Pulled, Receipt, Role};
use safeserve_core::ErrorCode;
use serde::{Deserialize, Serialize};

/// Header carrying the sender's wall clock (milliseconds since 1970), so the server can record
/// a laptop's clock skew.
pub const CLOCK_HEADER: &str = "x-safeserve-clock";
/// Most changes one push may carry, and most one pull page returns.
pub const MAX_BATCH: usize = 5_000;
/// Largest request body accepted, compressed and uncompressed.
pub const MAX_BODY: usize = 64 * 1024 * 1024;
/// Largest photo original accepted (the ingest limit is 250 MP; a JPEG of that is far smaller).
pub const MAX_PHOTO: u64 = 200 * 1024 * 1024;
/// Largest upload chunk.
pub const MAX_CHUNK: usize = 8 * 1024 * 1024;

/// The domain tag a device signs with its key when it enrols (proof it holds the key).
pub fn enrolment_message(code: &str, public_key_hex: &str) -> Vec<u8> {
    format!("SafeServe enrolment v1\n{code}\n{public_key_hex}").into_bytes()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    /// Hex Ed25519 public key: the same key that signs this laptop's documents.
    pub public_key: String,
    pub label: String,
    /// Hex signature of [`enrolment_message`].
    pub signature: String,
    /// Hex SubjectPublicKeyInfo (DER) of the laptop's PDF document key (P-256, derived from
    /// the same seed), for the bureau's certificate. Absent from laptops older than it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_key: Option<String>,
}

/// `PUT /v1/device/recovery`: the recovery key this laptop sealed its database key under (hex,
/// 32 bytes), released again only for an administrator's password-reset code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecoveryKey {
    pub recovery_key: String,
}

/// The domain tag a laptop signs a password reset with: the code alone does not release a
/// recovery key, the device's own key must ask for it.
pub fn password_reset_message(code: &str, device_id: &str) -> Vec<u8> {
    format!("SafeServe password reset v1\n{code}\n{device_id}").into_bytes()
}

/// `POST /v1/password-reset`: a laptop whose user forgot their password, with the code an
/// administrator gave them, asks for its recovery key. No token: the laptop is locked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordResetRequest {
    pub device_id: String,
    pub code: String,
    /// Hex Ed25519 signature of [`password_reset_message`] by the device's key.
    pub signature: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub access_expires_in: u64,
    pub refresh_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Enrolled {
    pub device_id: String,
    pub user_name: String,
    pub role: Role,
    /// What the user may see, in words (an agency's name and id, or a division code).
    pub scope: String,
    #[serde(flatten)]
    pub tokens: Tokens,
    /// The certificate (PEM) the bureau issued for the document key, naming the user, role,
    /// bureau and device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// The bureau's root certificate (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// The bureau's public address, for the QR codes (`serve --public-url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
    /// The person in the register the user is (their name and certificates sign documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
}

/// `POST /v1/certificate`: a laptop enrolled before the bureau's certificate authority asks for
/// the certificate of its document key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CertificateRequest {
    /// Hex SubjectPublicKeyInfo (DER) of the P-256 document key.
    pub document_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Certified {
    pub certificate: String,
    pub authority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushResponse {
    pub receipts: Vec<Receipt>,
    pub server_time_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Pulled>,
    /// The cursor to ask from next.
    pub next: i64,
    pub more: bool,
    pub server_time_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhotoList {
    pub sha256: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UploadState {
    /// Bytes of the photo the server holds so far: the next chunk starts here.
    pub offset: u64,
    pub complete: bool,
}

/// A supervisor approving a letter asks for its reference number (文号) in the bureau's series.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LetterNumberRequest {
    /// The agency inspection the letter comes from: one letter, one number.
    pub visit_id: String,
    /// e.g. 杭应急函.
    pub prefix: String,
    pub year: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LetterNumber {
    pub number: u32,
}

/// An error body: a stable code and the message in Chinese and English.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A code a newer server adds reads as [`ErrorCode::Unrecognised`]; the message still shows.
    pub code: ErrorCode,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Health {
    pub ok: bool,
    pub version: String,
}
