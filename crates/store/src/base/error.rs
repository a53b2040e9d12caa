use safeserve_core::{ErrorCode, Message};
use std::path::PathBuf;

/// Why the store could not do what was asked. Each kind has a stable code (for IPC and exit
/// statuses) and a message in Chinese and English; the cause is kept for logs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("{path}: not a SafeServe database or damaged")]
    Corrupt {
        path: PathBuf,
        #[source]
        source: Option<rusqlite::Error>,
    },
    /// A database that opens but whose pages or write-ahead log fail their checks: `what`
    /// says what was found. Nothing was written to it.
    #[error("{path}: damaged ({})", what.en)]
    Damaged { path: PathBuf, what: Message },
    #[error("{path}: locked by another program")]
    Locked {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: written by a newer SafeServe (schema {found}, this build knows up to {supported})")]
    NewerVersion { path: PathBuf, found: i64, supported: i64 },
    #[error("{path}: cannot be opened")]
    Unavailable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The backups folder beside the database cannot be written (or pruned): the database
    /// itself is untouched.
    #[error("{path}: the backup cannot be written")]
    BackupFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An encrypted database opened without its key: someone has to sign in first.
    #[error("{path}: encrypted, no key given")]
    NeedsKey { path: PathBuf },
    /// An encrypted database that does not open with the key given (its key file belongs to
    /// another database, or the file is damaged).
    #[error("{path}: does not open with this key")]
    KeyMismatch { path: PathBuf },
    /// The key file beside the database cannot be read or written.
    #[error("key file {path}: {reason}")]
    KeyFile { path: PathBuf, reason: String },
    /// The user's seal needs the OS keyring's share, and the keyring gave none (`other`: it
    /// gave another than the seal was made with).
    #[error("the keyring's share of the database key: {}", if *other { "another than sealed with" } else { "not given" })]
    KeyringShare { other: bool },
    /// Encrypting a plain database stopped; the plain file is still the database, unchanged.
    #[error("encrypting {path}: {reason}")]
    Encrypting { path: PathBuf, reason: String },
    #[error("backup before migrating {path} failed")]
    Backup {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// Bad input on a form: nothing was saved.
    #[error("invalid {field}: {message}")]
    Invalid { field: &'static str, message: Message },
    /// A photo that could not be taken in; nothing of it was stored.
    #[error("photo refused: {message}")]
    Photo {
        code: ErrorCode,
        message: Message,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A password could not be hashed, or a stored hash cannot be read.
    #[error("password hash")]
    PasswordHash(#[source] argon2::password_hash::Error),
    /// A sign-in refused: the name and password do not match, or too many wrong tries in a row
    /// make the next one wait this many seconds.
    #[error("sign-in refused")]
    SignIn { retry_after_secs: Option<u64> },
    /// A document cannot be signed yet: what is missing, each named.
    #[error("document not ready to sign: {} problem(s)", problems.len())]
    NotReady { problems: Vec<Message> },
    /// A visit cannot end yet: everything it still lacks, each named (the visit's `gaps`).
    #[error("visit not complete: {} gap(s)", problems.len())]
    Incomplete { problems: Vec<Message> },
    /// A rule forbids what was asked (a commission R9 bars, a contract without a fee): every
    /// reason, each naming the record it comes from. Nothing was written.
    #[error("refused: {} reason(s)", problems.len())]
    Refused { problems: Vec<Message> },
    /// A pulled change (or a received photo) this database cannot take as it is. Displayed in
    /// both languages: the text is kept with the waiting change and shown on the sync screen.
    #[error("{}", .0.message())]
    SyncData(#[from] SyncDataError),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// A JSON column that could not be written or read back (a stored template, a plan): a
    /// fault of this program or a damaged row, never the user's input.
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Why a change from the server cannot be applied here (it then waits, kept with this reason,
/// and is tried again after each pull — never dropped).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncDataError {
    /// An id, a body or a key that is not what the protocol says it is.
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// The record it belongs to has not arrived here (yet).
    #[error("{table} {id} not held")]
    NotHeld { table: &'static str, id: String },
    /// A signed document whose signature does not hold for the key that signed it.
    #[error("the signature of document {0} does not hold")]
    SignatureFails(String),
    /// Photo bytes that do not hash to the SHA-256 their records name.
    #[error("photo {0} does not match its hash")]
    PhotoMismatch(String),
    /// A delete of evidence, which is never deleted.
    #[error("{0} records are never deleted")]
    NeverDeleted(&'static str),
}

impl SyncDataError {
    pub fn message(&self) -> Message {
        let (zh, en) = match self {
            Self::Unreadable(what) => (format!("同步数据无法读取：{what}"), format!("Unreadable sync data: {what}")),
            Self::NotHeld { table, id } => {
                (format!("所属记录 {table} {id} 尚未同步到本机"), format!("{table} {id} not held here yet"))
            }
            Self::SignatureFails(id) => (
                format!("文书 {id} 的签名不成立，未接收"),
                format!("The signature of document {id} does not hold; not taken"),
            ),
            Self::PhotoMismatch(sha) => {
                (format!("照片 {sha} 校验不符，未接收"), format!("Photo {sha} does not match its hash; not taken"))
            }
            Self::NeverDeleted(entity) => {
                (format!("{entity} 记录不可删除"), format!("{entity} records are never deleted"))
            }
        };
        Message::new(zh, en)
    }
}

/// A form core refused: the field it names and why.
impl From<safeserve_core::form::FieldProblem> for StoreError {
    fn from(p: safeserve_core::form::FieldProblem) -> Self {
        StoreError::Invalid { field: p.field, message: p.message }
    }
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Corrupt { .. } | Self::Damaged { .. } => ErrorCode::DatabaseCorrupt,
            Self::Locked { .. } => ErrorCode::DatabaseLocked,
            Self::NewerVersion { .. } => ErrorCode::DatabaseNewer,
            Self::Unavailable { .. }
            | Self::Backup { .. }
            | Self::BackupFolder { .. }
            | Self::KeyFile { .. }
            | Self::Encrypting { .. } => ErrorCode::DatabaseUnavailable,
            Self::NeedsKey { .. } => ErrorCode::SignedOut,
            Self::KeyringShare { .. } => ErrorCode::KeyringUnavailable,
            Self::KeyMismatch { .. } => ErrorCode::DatabaseKeyMismatch,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Invalid { .. } => ErrorCode::InvalidInput,
            Self::Photo { code, .. } => *code,
            Self::SignIn { retry_after_secs: None } => ErrorCode::SignInFailed,
            Self::SignIn { retry_after_secs: Some(_) } => ErrorCode::SignInThrottled,
            Self::NotReady { .. } => ErrorCode::DocumentNotReady,
            Self::Incomplete { .. } => ErrorCode::VisitIncomplete,
            Self::Refused { .. } => ErrorCode::Refused,
            Self::SyncData(_) => ErrorCode::SyncData,
            Self::Sqlite(e) if is_disk_full(e) => ErrorCode::DiskFull,
            Self::Sqlite(e) if unknown_key(e).is_some() => ErrorCode::UnknownKey,
            Self::Sqlite(_) | Self::Json(_) | Self::PasswordHash(_) => ErrorCode::Internal,
        }
    }

    /// The form field at fault, for bad input.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn message(&self) -> Message {
        match self {
            Self::SyncData(e) => e.message(),
            Self::Corrupt { path, .. } => {
                let (zh, en) = restore_hint(path);
                Message::new(
                    format!("数据库文件已损坏或不是 SafeServe 数据库：{}。文件未被改动。{zh}", path.display()),
                    format!("{} is damaged or not a SafeServe database. It was not changed. {en}", path.display()),
                )
            }
            Self::Damaged { path, what } => {
                let (zh, en) = restore_hint(path);
                Message::new(
                    format!("数据库文件已损坏：{}（{}）。文件未被改动，未读取其中任何内容。{zh}", path.display(), what.zh),
                    format!("{} is damaged ({}). It was not changed and nothing was read from it. {en}", path.display(), what.en),
                )
            }
            Self::Locked { path, .. } => Message::new(
                format!("数据库正被其他程序占用：{}。请关闭其他程序后重试。", path.display()),
                format!("{} is locked by another program. Close it and try again.", path.display()),
            ),
            Self::NewerVersion { path, found, supported } => Message::new(
                format!("该数据库由更新版本的 SafeServe 创建（结构版本 {found}，本程序支持到 {supported}）：{}。请升级 SafeServe，文件未被改动。", path.display()),
                format!("{} was written by a newer SafeServe (schema {found}; this build supports {supported}). Upgrade SafeServe; the file was not changed.", path.display()),
            ),
            Self::Unavailable { path, source } => Message::new(
                format!("无法打开数据库：{}（{source}）", path.display()),
                format!("Cannot open the database {} ({source})", path.display()),
            ),
            Self::BackupFolder { path, source } => Message::new(
                format!("无法写入备份：{}（{source}）。数据库未受影响", path.display()),
                format!("Cannot write the backup in {} ({source}); the database is unaffected", path.display()),
            ),
            Self::NeedsKey { path } => Message::new(
                format!("数据库已加密，请先登录：{}", path.display()),
                format!("{} is encrypted: sign in first", path.display()),
            ),
            Self::KeyMismatch { path } => Message::new(
                format!("数据库无法用本机的密钥打开（可能是从其他电脑复制来的，或已损坏）：{}。文件未被改动。", path.display()),
                format!("{} does not open with this laptop's key (copied from another laptop, or damaged). It was not changed.", path.display()),
            ),
            Self::KeyFile { path, reason } => Message::new(
                format!("数据库的密钥文件无法读写：{}（{reason}）。文件未被改动，请联系管理员。", path.display()),
                format!("The database's key file {} cannot be read or written ({reason}). It was not changed; contact your administrator.", path.display()),
            ),
            Self::KeyringShare { other } => {
                let (zh, en) = if *other {
                    ("系统钥匙串中保存的不是加密本机数据库时所用的那一份", "the keyring holds another share than the one the database was sealed with")
                } else {
                    ("现在无法从系统钥匙串取得（钥匙串未解锁或不可用）", "the keyring did not give its share (locked or unavailable)")
                };
                Message::new(
                    format!("本机数据库的密钥由密码和系统钥匙串共同保护，但{zh}。密码未被计为错误。请在本机的桌面会话中解锁钥匙串后再登录；已注册的笔记本电脑也可由管理员重设密码（忘记密码）。"),
                    format!("This laptop's database key is protected by the password and the system keyring together, and {en}. The password was not counted as wrong. Unlock the keyring in this laptop's desktop session and sign in again; an enrolled laptop can also have its password reset by an administrator (Forgot the password?)."),
                )
            }
            Self::Encrypting { path, .. } => Message::new(
                format!("数据库加密未完成，原数据库完好未改动：{}。请确认磁盘空间后重新登录。", path.display()),
                format!("Encrypting {} did not finish; the database is intact and unchanged. Check the free disk space and sign in again.", path.display()),
            ),
            Self::Backup { path, .. } => Message::new(
                format!("升级前备份数据库失败，未做任何改动：{}", path.display()),
                format!("Backing up {} before upgrading failed; nothing was changed", path.display()),
            ),
            Self::NotFound { what, id } => Message::new(format!("未找到记录：{what} {id}"), format!("{what} {id} not found")),
            Self::Invalid { message, .. } | Self::Photo { message, .. } => message.clone(),
            Self::SignIn { retry_after_secs: None } => Message::new(
                "用户名或密码不正确",
                "The user name or the password is wrong",
            ),
            Self::SignIn { retry_after_secs: Some(secs) } => Message::new(
                format!("密码连续输错次数过多，请 {secs} 秒后再试"),
                format!("Too many wrong passwords in a row: try again in {secs} s"),
            ),
            Self::NotReady { problems } => Message::new(
                format!("还不能签字：{}", problems.iter().map(|p| p.zh.as_str()).collect::<Vec<_>>().join("；")),
                format!("Not ready to sign: {}", problems.iter().map(|p| p.en.as_str()).collect::<Vec<_>>().join("; ")),
            ),
            Self::Incomplete { problems } => Message::new(
                format!("检查还不能结束，还有 {} 处需要补充：{}", problems.len(), first_few(problems, |p| &p.zh, "；")),
                format!("The visit cannot end yet; {} thing(s) to complete: {}", problems.len(), first_few(problems, |p| &p.en, "; ")),
            ),
            Self::Refused { problems } => Message::new(
                problems.iter().map(|p| p.zh.as_str()).collect::<Vec<_>>().join("；"),
                problems.iter().map(|p| p.en.as_str()).collect::<Vec<_>>().join("; "),
            ),
            // The SQL error itself goes to the log (it is this error's source), not to the user.
            Self::Sqlite(e) if is_disk_full(e) => Message::new(
                "磁盘空间已满，本次内容未保存，之前的记录完好。请清理磁盘后重试。",
                "The disk is full. This change was not saved; earlier records are intact. Free some space and try again.",
            ),
            Self::Sqlite(e) => match unknown_key(e) {
                Some(k) => Message::new(
                    format!(
                        "数据库中有本版本 SafeServe 不认识的{}「{}」（可能来自更新版本，或被手工改动），未按任何已知类别处理。请升级 SafeServe 或联系管理员。",
                        k.what.0, k.key
                    ),
                    format!(
                        "The database holds a {} this version of SafeServe does not know, \"{}\" (from a newer version, or edited by hand); it is not taken for any known one. Update SafeServe or contact your administrator.",
                        k.what.1, k.key
                    ),
                ),
                None => failed(),
            },
            Self::Json(_) | Self::PasswordHash(_) => failed(),
        }
    }
}

/// Where a damaged database can be restored from: its newest backup, named with its time, or
/// the plain fact that none was found beside it.
fn restore_hint(path: &std::path::Path) -> (String, String) {
    match crate::base::backups::newest(path) {
        Some(b) => {
            let when = crate::base::backups::describe_time(b.taken);
            (
                format!("最近的备份是 {when} 的 {}，可用它恢复（safeserve backup restore），或选择其他数据库。", b.path.display()),
                format!("The newest backup is {} of {when}: restore it (safeserve backup restore), or open another database.", b.path.display()),
            )
        }
        None => (
            "本机未找到它的备份，请联系管理员，或选择其他数据库。".into(),
            "No backup of it was found on this laptop: contact your administrator, or open another database.".into(),
        ),
    }
}

/// What the user reads when the database failed for a reason that is not theirs.
fn failed() -> Message {
    Message::new("数据库操作失败，数据未改动。请重试，如反复出现请联系管理员。", "A database operation failed and nothing was changed. Try again; if it keeps happening, contact your administrator.")
}

/// The first three messages joined, "…" when there are more: the list itself is on screen.
fn first_few(problems: &[Message], text: impl Fn(&Message) -> &String, sep: &str) -> String {
    let mut s = problems.iter().take(3).map(|p| text(p).as_str()).collect::<Vec<_>>().join(sep);
    if problems.len() > 3 {
        s.push_str(sep);
        s.push('…');
    }
    s
}

/// A stored key (a certificate kind, a visit kind …) this version does not know. Read as an
/// error that names it, never as some default: an unknown certificate kind taken for a title
/// would count towards R1.
#[derive(Debug)]
pub struct UnknownKey {
    /// What the key names, in Chinese and English.
    pub what: (&'static str, &'static str),
    pub key: String,
}

impl std::fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {}: {:?}", self.what.1, self.key)
    }
}

impl std::error::Error for UnknownKey {}

/// `from_key(key)`, or the error naming the key.
pub(crate) fn known<T>(
    what: (&'static str, &'static str),
    key: &str,
    from_key: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    from_key(key).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            Box::new(UnknownKey { what, key: key.to_owned() }),
        )
    })
}

fn unknown_key(e: &rusqlite::Error) -> Option<&UnknownKey> {
    match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => inner.downcast_ref::<UnknownKey>(),
        _ => None,
    }
}

fn is_disk_full(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull)
}
