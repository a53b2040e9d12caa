//! How the command line opens a laptop's encrypted database: with the same sign-in as the app
//! (`SAFESERVE_USER` and `SAFESERVE_PASSWORD`, the wrong-password wait included), or — for a
//! script that runs unattended — a key file written by `safeserve key-file`
//! (`SAFESERVE_KEY_FILE`). A plain database (the server's, a test's) opens as it is.

use safeserve_core::Message;
use safeserve_store::keys::{key_file_path, DbKey, KeyFile};
use safeserve_store::{is_encrypted, OpenOptions, Store, StoreError};
use std::path::Path;

pub const USER_VAR: &str = "SAFESERVE_USER";
pub const PASSWORD_VAR: &str = "SAFESERVE_PASSWORD";
pub const KEY_FILE_VAR: &str = "SAFESERVE_KEY_FILE";

/// The database at `db`, opened with the key the environment gives when it is encrypted.
pub fn open(db: &Path, create: bool) -> Result<Store, StoreError> {
    Store::open_with(db, &OpenOptions { create, key: key_if_encrypted(db)?, ..Default::default() })
}

/// The key of `db` when it is encrypted, `None` when it is plain.
pub fn key_if_encrypted(db: &Path) -> Result<Option<DbKey>, StoreError> {
    if is_encrypted(db) {
        key_for(db).map(Some)
    } else {
        Ok(None)
    }
}

/// The key of the encrypted database at `db`.
pub fn key_for(db: &Path) -> Result<DbKey, StoreError> {
    if let Some(path) = std::env::var_os(KEY_FILE_VAR) {
        let path = Path::new(&path);
        let bad = |reason: String| StoreError::KeyFile { path: path.to_owned(), reason };
        let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?);
        return DbKey::from_hex(&text).ok_or_else(|| bad("not a key: 64 hex digits expected".into()));
    }
    let (Ok(user), Ok(password)) = (std::env::var(USER_VAR), std::env::var(PASSWORD_VAR)) else {
        return Err(StoreError::NeedsKey { path: db.to_owned() });
    };
    let password = zeroize::Zeroizing::new(password);
    let mut file = KeyFile::load_for(db, &user, safeserve_device::keyring_share)?
        .ok_or_else(|| StoreError::KeyFile { path: key_file_path(db), reason: "missing".into() })?;
    file.unlock(&user, &password, chrono::Utc::now().timestamp_millis())
}

/// What to do about a database that needs a key, beside the store's own message.
pub fn hint() -> Message {
    Message::new(
        format!("命令行使用与桌面端相同的账号：请设置 {USER_VAR} 和 {PASSWORD_VAR}；无人值守的脚本可用 safeserve key-file 生成密钥文件，并设置 {KEY_FILE_VAR}。"),
        format!("The command line signs in as the app does: set {USER_VAR} and {PASSWORD_VAR}; an unattended script can use a key file written by safeserve key-file, named in {KEY_FILE_VAR}."),
    )
}

/// Writes the key of `db` to `to` for scripts: readable by its owner only, never over an
/// existing file.
pub fn write_key_file(db: &Path, to: &Path) -> Result<(), StoreError> {
    use std::io::Write;
    let key = key_for(db)?;
    let bad = |e: std::io::Error| StoreError::KeyFile { path: to.to_owned(), reason: e.to_string() };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(to).map_err(bad)?;
    file.write_all(key.to_hex().as_bytes()).and_then(|()| file.sync_all()).map_err(bad)
}
