use safeserve_core::{ErrorCode, Message};
use safeserve_store::StoreError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a failed command hands the interface: a stable code (one of [`ErrorCode`], which the
/// interface switches on through the generated binding), a message in Chinese and English, and
/// the form field at fault.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: Message,
    pub field: Option<String>,
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        if e.code() == ErrorCode::Internal {
            // The cause goes to the log; the user sees the plain message.
            eprintln!("safeserve: {e:?}");
        }
        Self { code: e.code(), message: e.message(), field: e.field().map(str::to_owned) }
    }
}

impl CommandError {
    pub fn internal(what: impl std::fmt::Display) -> Self {
        eprintln!("safeserve: {what}");
        Self {
            code: ErrorCode::Internal,
            message: Message::new(
                "程序内部错误，数据未改动，请重试",
                "Internal error; nothing was changed. Try again.",
            ),
            field: None,
        }
    }
}

impl From<safeserve_sheets::ImportError> for CommandError {
    fn from(e: safeserve_sheets::ImportError) -> Self {
        match e {
            safeserve_sheets::ImportError::Store(e) => e.into(),
            e => Self { code: e.code(), message: e.message(), field: None },
        }
    }
}

impl From<safeserve_print::PrintError> for CommandError {
    fn from(e: safeserve_print::PrintError) -> Self {
        match e {
            safeserve_print::PrintError::Store(e) => e.into(),
            e => {
                eprintln!("safeserve: {e:?}");
                Self { code: e.code(), message: e.message(), field: None }
            }
        }
    }
}
