//! Every error code SafeServe gives, in one enum: the desktop's commands, the CLI's `--json`
//! errors and the server's answers carry one of these beside the bilingual message. The
//! interface switches on them through the generated `ui/src/bindings/ErrorCode.ts`, so a code
//! misspelt on either side fails to compile instead of silently never matching.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $key:literal, )*) => {
        /// A stable, machine-readable name for what went wrong (the message says it to people).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[ts(export)]
        pub enum ErrorCode {
            $( $(#[$doc])* #[serde(rename = $key)] $variant, )*
            /// A code this build does not know: sent by a newer server. Its message is shown as
            /// it came.
            #[serde(rename = "unrecognised", other)]
            Unrecognised,
        }

        impl ErrorCode {
            /// Every code this build gives.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as it travels (JSON, the CLI, logs).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $key,)*
                    ErrorCode::Unrecognised => "unrecognised",
                }
            }
        }
    };
}

error_codes! {
    // The laptop's database.
    /// Not a SafeServe database, or damaged.
    DatabaseCorrupt = "database_corrupt",
    /// Another program holds the database.
    DatabaseLocked = "database_locked",
    /// Written by a newer SafeServe.
    DatabaseNewer = "database_newer",
    /// Cannot be opened, or its backup before a migration failed.
    DatabaseUnavailable = "database_unavailable",
    /// An encrypted database that does not open with the key its key file holds (copied from
    /// another laptop, or damaged).
    DatabaseKeyMismatch = "database_key_mismatch",
    DiskFull = "disk_full",
    NotFound = "not_found",
    /// A form with bad input; the field is named beside the code.
    InvalidInput = "invalid_input",
    /// A document that lacks what signing needs.
    DocumentNotReady = "document_not_ready",
    /// A visit that lacks what ending it needs.
    VisitIncomplete = "visit_incomplete",
    /// A rule forbids what was asked.
    Refused = "refused",
    /// A pulled change this database cannot take yet.
    SyncData = "sync_data",
    /// A stored key this version does not know.
    UnknownKey = "unknown_key",
    /// A fault of the program, never of the input.
    Internal = "internal",

    // Who is at the laptop.
    /// A name and password that do not match (which of the two is not said).
    SignInFailed = "sign_in_failed",
    /// Too many wrong passwords in a row: the next try waits.
    SignInThrottled = "sign_in_throttled",
    /// The OS keyring did not give its share of the database key's seal.
    KeyringUnavailable = "keyring_unavailable",
    /// Nobody is signed in, or the app locked itself after being left idle.
    SignedOut = "signed_out",

    // Photos.
    PhotoEmpty = "photo_empty",
    PhotoUnsupportedFormat = "photo_unsupported_format",
    PhotoCorrupt = "photo_corrupt",
    PhotoTooLarge = "photo_too_large",
    PhotoDiskFull = "photo_disk_full",
    PhotoWriteFailed = "photo_write_failed",
    PhotoMismatch = "photo_mismatch",
    PhotoMissing = "photo_missing",
    PhotoInternal = "photo_internal",

    // Paper.
    ReportFailed = "report_failed",
    /// This laptop's signing key cannot be had.
    DeviceKey = "device_key",
    WriteFailed = "write_failed",
    /// The PDF's digital signature cannot be made.
    PdfSignature = "pdf_signature",
    /// A letter's number needs the server, which cannot be reached.
    LetterNumberOffline = "letter_number_offline",
    /// The system's file manager did not open.
    FileManagerFailed = "file_manager_failed",

    // Workbooks.
    /// A register's workbook that cannot be read: not a workbook, a password on it, damaged,
    /// no header, too many rows. Nothing was written.
    WorkbookUnreadable = "workbook_unreadable",

    // The laptop's side of sync.
    BadAddress = "bad_address",
    PlainHttp = "plain_http",
    ServerCertificateUnusable = "server_certificate_unusable",
    ServerUntrusted = "server_untrusted",
    ServerUnreachable = "server_unreachable",
    NotEnrolled = "not_enrolled",
    /// The server's answer, or a request, is not what the protocol says.
    Protocol = "protocol",
    /// Another sync of the same database holds the turn.
    SyncLock = "sync_lock",
    /// The server answered with an error and no readable body.
    ServerError = "server_error",

    // The server's answers.
    BadRequest = "bad_request",
    BatchTooLarge = "batch_too_large",
    BodyTooLarge = "body_too_large",
    /// The laptop's clock is too far ahead of the server's.
    ClockAhead = "clock_ahead",
    EnrolmentCodeInvalid = "enrolment_code_invalid",
    KeyNotProven = "key_not_proven",
    /// A password-reset code unknown, used, expired, or not for this laptop's user.
    ResetCodeInvalid = "reset_code_invalid",
    /// A letter number already given to another letter.
    LetterNumbered = "letter_numbered",
    NotSupervisor = "not_supervisor",
    OutOfScope = "out_of_scope",
    PhotoChecksumMismatch = "photo_checksum_mismatch",
    PhotoNotHeld = "photo_not_held",
    RateLimited = "rate_limited",
    RequestTimeout = "request_timeout",
    /// The server is shutting down.
    Stopping = "stopping",
    StorageUnavailable = "storage_unavailable",
    VisitUnknown = "visit_unknown",
    /// A photo chunk that does not start where the server's copy ends.
    WrongOffset = "wrong_offset",
    DeviceRevoked = "device_revoked",
    TokenExpired = "token_expired",
    TokenMissing = "token_missing",
    TokenReused = "token_reused",
    TokenUnknown = "token_unknown",
    /// A record only the server writes.
    ServerOnly = "server_only",
    /// A delete of a record that is never deleted.
    DeleteRefused = "delete_refused",
    /// A field the sender's role may not write.
    FieldNotAllowed = "field_not_allowed",
    /// A record the sender's role may not write.
    RoleNotAllowed = "role_not_allowed",
    /// A visit of a kind the sender's role may not record.
    VisitKind = "visit_kind",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests and the wire compare codes with their text.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_travels_as_its_text_and_comes_back() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *code);
        }
    }

    #[test]
    fn a_code_from_a_newer_server_is_read_as_unrecognised() {
        assert_eq!(serde_json::from_str::<ErrorCode>("\"some_future_code\"").unwrap(), ErrorCode::Unrecognised);
    }

    #[test]
    fn no_two_codes_share_a_text() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }
}
