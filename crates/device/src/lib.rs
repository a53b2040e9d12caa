//! `safeserve-device` holds this laptop's Ed25519 signing key, the key every document signed
//! here carries (and, once enrolled, the key the server knows the device by).
//!
//! The key is made at first start from the operating system's randomness and kept in the OS
//! keyring (Secret Service on Linux, Keychain, Credential Manager) when one answers; otherwise in
//! `device-key` in SafeServe's data folder, created with mode 0600 so only the user can read it.
//! Once a key file exists it is always used; once the key is in the keyring, its public half is
//! noted beside the data (`device-key.in-keyring`) and a keyring that is locked, empty or holds
//! another key stops signing with a message instead of letting a second key be made. The
//! document key that signs PDFs is derived from this one (`safeserve-pki`), never kept apart. `SAFESERVE_DEVICE_KEY` names a key file to use
//! instead (tests, a second profile). It depends on nothing of SafeServe but the core.

use ed25519_dalek::SigningKey;
use safeserve_core::document::{hex, unhex};
use safeserve_core::Message;
use std::path::{Path, PathBuf};

const KEYRING_SERVICE: &str = "SafeServe";
const KEYRING_USER: &str = "device-signing-key";
const KEY_FILE: &str = "device-key";

/// Where the key is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyHome {
    Keyring,
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct DeviceKey {
    pub key: SigningKey,
    pub home: KeyHome,
}

impl DeviceKey {
    /// The public key, hex: how documents and the server name this device.
    pub fn public_hex(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    /// A short label for the devices table: host name and where the key lives.
    pub fn label(&self) -> String {
        let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
        let home = match &self.home {
            KeyHome::Keyring => "系统密钥环".to_string(),
            KeyHome::File(p) => p.display().to_string(),
        };
        format!("{host} · {home}")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("device key file {path} is unreadable or damaged")]
    BadFile {
        path: PathBuf,
        #[source]
        source: Option<std::io::Error>,
    },
    #[error("cannot write the device key to {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the operating system gave no randomness: {0}")]
    Random(String),
    #[error("the keyring holding this laptop's key did not give it: {reason}")]
    Keyring { reason: String },
}

impl DeviceError {
    pub fn message(&self) -> Message {
        match self {
            DeviceError::BadFile { path, .. } => Message::new(
                format!("本机签名密钥文件已损坏或无法读取：{}。为免用错密钥，未签署任何文书；请从备份恢复该文件或联系管理员。", path.display()),
                format!("This laptop's signing key file is damaged or unreadable: {}. Nothing was signed; restore the file from a backup or contact your administrator.", path.display()),
            ),
            DeviceError::Write { path, source } => Message::new(
                format!("无法保存本机签名密钥：{}（{source}）", path.display()),
                format!("Cannot save this laptop's signing key: {} ({source})", path.display()),
            ),
            DeviceError::Keyring { reason } => Message::new(
                format!("系统密钥环没有交出本机的签名密钥（{reason}）。为免本机出现第二把密钥，未签署任何文书；请解锁密钥环（登录桌面）后重试，或联系管理员。"),
                format!("The system keyring did not give this laptop's signing key ({reason}). So that the laptop never gets a second key, nothing was signed; unlock the keyring (sign in to the desktop) and try again, or contact your administrator."),
            ),
            DeviceError::Random(e) => Message::new(format!("系统无法提供随机数，无法生成签名密钥（{e}）"), format!("The system gave no randomness to make a signing key ({e})")),
        }
    }
}

/// SafeServe's data folder: `$XDG_DATA_HOME/cn.safeserve.desktop` (the desktop app's own).
pub fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("cn.safeserve.desktop")
}

/// This laptop's key, made on first use.
pub fn load_or_create(data_dir: &Path) -> Result<DeviceKey, DeviceError> {
    if let Some(file) = std::env::var_os("SAFESERVE_DEVICE_KEY") {
        return from_file_or_new(&PathBuf::from(file));
    }
    load_with(data_dir, &OsKeyring(keyring::Entry::new(KEYRING_SERVICE, KEYRING_USER).ok()))
}

/// The keyring's share of the seals that keep this OS user's database keys (see
/// `safeserve_store::keys::KeyringShare`): 32 random bytes, made on first use when `create` and
/// read back before they are given out. `None` where no keyring answers, or (without
/// `create`) where it holds no share: the seal then says whether it needed one. Never in a
/// file — a share beside the database would add nothing to the password.
pub fn keyring_share(create: bool) -> Option<[u8; 32]> {
    share_with(&OsKeyring(keyring::Entry::new(KEYRING_SERVICE, SHARE_USER).ok()), create)
}

const SHARE_USER: &str = "database-key-share";

fn share_with(keyring: &dyn SecretStore, create: bool) -> Option<[u8; 32]> {
    let parse = |s: &str| -> Option<[u8; 32]> { unhex(s.trim())?.try_into().ok() };
    match keyring.get() {
        Ok(Some(secret)) => parse(&secret),
        Ok(None) if create => {
            let mut share = [0u8; 32];
            getrandom::fill(&mut share).ok()?;
            keyring.set(&hex(&share)).ok()?;
            keyring.get().ok().flatten().and_then(|s| parse(&s)).filter(|kept| *kept == share)
        }
        Ok(None) | Err(_) => None,
    }
}

/// Where a key may be kept besides a file: the OS keyring, or a stand-in in tests.
trait SecretStore {
    /// `Ok(None)`: the store answered and holds no key; `Err`: it did not answer.
    fn get(&self) -> Result<Option<String>, String>;
    fn set(&self, secret: &str) -> Result<(), String>;
}

struct OsKeyring(Option<keyring::Entry>);

impl SecretStore for OsKeyring {
    fn get(&self) -> Result<Option<String>, String> {
        let Some(entry) = &self.0 else { return Err("no keyring on this system".into()) };
        match entry.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn set(&self, secret: &str) -> Result<(), String> {
        let Some(entry) = &self.0 else { return Err("no keyring on this system".into()) };
        entry.set_password(secret).map_err(|e| e.to_string())
    }
}

/// The key's public half, written beside the data once the key lives in the keyring: from then
/// on a keyring that does not answer, or answers with another key, stops signing instead of
/// letting a second key be made.
const KEYRING_MARKER: &str = "device-key.in-keyring";

fn load_with(data_dir: &Path, keyring: &dyn SecretStore) -> Result<DeviceKey, DeviceError> {
    let file = data_dir.join(KEY_FILE);
    if file.exists() {
        return from_file_or_new(&file);
    }
    let marker = data_dir.join(KEYRING_MARKER);
    let expected = std::fs::read_to_string(&marker).ok().map(|s| s.trim().to_string());
    match (keyring.get(), expected) {
        (Ok(Some(secret)), expected) => {
            let key = parse(&secret)
                .ok_or(DeviceError::Keyring { reason: "the keyring holds something that is not a key".into() })?;
            let found = DeviceKey { key, home: KeyHome::Keyring };
            match expected {
                Some(e) if e != found.public_hex() => {
                    Err(DeviceError::Keyring { reason: "the keyring holds another key than this laptop's".into() })
                }
                Some(_) => Ok(found),
                None => {
                    write_marker(&marker, &found)?;
                    Ok(found)
                }
            }
        }
        (Err(reason), Some(_)) => Err(DeviceError::Keyring { reason }),
        (Ok(None), Some(_)) => {
            Err(DeviceError::Keyring { reason: "the keyring no longer holds this laptop's key".into() })
        }
        (answer, None) => {
            let key = new_key()?;
            let kept = DeviceKey { key, home: KeyHome::Keyring };
            // Read back: a keyring that accepts a secret but cannot return it must not hold the key.
            let secret = hex(&kept.key.to_bytes());
            if answer.is_ok()
                && keyring.set(&secret).is_ok()
                && keyring.get().ok().flatten().and_then(|s| parse(&s)).is_some_and(|k| k == kept.key)
            {
                write_marker(&marker, &kept)?;
                return Ok(kept);
            }
            write_new(&file, &kept.key)?;
            Ok(DeviceKey { key: kept.key, home: KeyHome::File(file) })
        }
    }
}

fn write_marker(path: &Path, key: &DeviceKey) -> Result<(), DeviceError> {
    let err = |source| DeviceError::Write { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    std::fs::write(path, key.public_hex()).map_err(err)
}

fn parse(secret: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = unhex(secret.trim())?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

fn new_key() -> Result<SigningKey, DeviceError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| DeviceError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key kept in the file at `path` (what `SAFESERVE_DEVICE_KEY` names), made there on first
/// use; a file that exists but does not hold a key is an error, never replaced.
pub fn from_file_or_new(path: &Path) -> Result<DeviceKey, DeviceError> {
    match std::fs::read_to_string(path) {
        Ok(s) => parse(&s)
            .map(|key| DeviceKey { key, home: KeyHome::File(path.to_path_buf()) })
            .ok_or(DeviceError::BadFile { path: path.to_path_buf(), source: None }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = new_key()?;
            if write_new(path, &key)? {
                Ok(DeviceKey { key, home: KeyHome::File(path.to_path_buf()) })
            } else {
                // Another process (the app and the CLI at first start) made it first: theirs
                // is the key, complete, since it appeared whole.
                from_file_or_new(path)
            }
        }
        Err(e) => Err(DeviceError::BadFile { path: path.to_path_buf(), source: Some(e) }),
    }
}

/// Writes a new key file readable by its owner only; never overwrites one. The key is written
/// and synced under a temporary name and then linked into place, so the file appears whole or
/// not at all — neither a process killed mid-write nor a second process starting at the same
/// moment ever sees half a key. `false`: a key file was already there, left as it is.
fn write_new(path: &Path, key: &SigningKey) -> Result<bool, DeviceError> {
    use std::io::Write;
    let err = |source| DeviceError::Write { path: path.to_path_buf(), source };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    // tempfile makes the file readable by its owner only (0600), and the link keeps that.
    let mut tmp = tempfile::Builder::new().prefix(".device-key-").tempfile_in(dir).map_err(err)?;
    tmp.write_all(hex(&key.to_bytes()).as_bytes()).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    match std::fs::hard_link(tmp.path(), path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app and the CLI started at once on a new laptop make the key file together: one
    /// key wins, and every one of them signs with it.
    #[test]
    fn processes_making_the_key_at_the_same_moment_all_get_the_one_written() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("device-key");
            let barrier = std::sync::Barrier::new(8);
            let keys: Vec<String> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..8)
                    .map(|_| {
                        s.spawn(|| {
                            barrier.wait();
                            from_file_or_new(&path).map(|k| k.public_hex())
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
            });
            assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
        }
    }

    #[test]
    fn a_key_file_is_made_once_for_the_user_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let a = from_file_or_new(&path).unwrap();
        let b = from_file_or_new(&path).unwrap();
        assert_eq!(a.public_hex(), b.public_hex(), "the same key on every start");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    /// A keyring stand-in: what it answers, and what was put into it.
    struct Keyring {
        answer: std::cell::RefCell<Result<Option<String>, String>>,
    }

    impl SecretStore for Keyring {
        fn get(&self) -> Result<Option<String>, String> {
            self.answer.borrow().clone()
        }
        fn set(&self, secret: &str) -> Result<(), String> {
            let mut a = self.answer.borrow_mut();
            if a.is_err() {
                return Err("locked".into());
            }
            *a = Ok(Some(secret.to_string()));
            Ok(())
        }
    }

    fn keyring(answer: Result<Option<String>, String>) -> Keyring {
        Keyring { answer: std::cell::RefCell::new(answer) }
    }

    #[test]
    fn a_key_in_the_keyring_is_never_replaced_when_the_keyring_fails_to_answer() {
        let dir = tempfile::tempdir().unwrap();
        let ring = keyring(Ok(None));
        let first = load_with(dir.path(), &ring).unwrap();
        assert_eq!(first.home, KeyHome::Keyring);
        assert_eq!(load_with(dir.path(), &ring).unwrap().public_hex(), first.public_hex(), "the same key again");
        for answer in [Err("locked".to_string()), Ok(None), Ok(Some("garbage".to_string())), Ok(Some(hex(&[9; 32])))] {
            let e = load_with(dir.path(), &keyring(answer.clone())).unwrap_err();
            assert!(matches!(e, DeviceError::Keyring { .. }), "{answer:?}: {e}");
            assert!(e.message().zh.contains("未签署任何文书"), "{}", e.message().zh);
        }
        assert!(!dir.path().join(KEY_FILE).exists(), "no second key was made in a file");
    }

    #[test]
    fn the_database_share_is_made_once_in_the_keyring_and_none_without_one() {
        let ring = keyring(Ok(None));
        assert_eq!(share_with(&ring, false), None, "not made unless asked");
        let made = share_with(&ring, true).expect("made");
        assert_eq!(share_with(&ring, false), Some(made), "the same share again");
        assert_eq!(share_with(&ring, true), Some(made), "never replaced");
        assert_eq!(share_with(&keyring(Err("locked".into())), true), None);
        assert_eq!(share_with(&keyring(Ok(Some("garbage".into()))), true), None, "never overwritten");
    }

    #[test]
    fn without_a_keyring_the_key_lives_in_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let key = load_with(dir.path(), &keyring(Err("no keyring".into()))).unwrap();
        assert!(matches!(key.home, KeyHome::File(_)));
        let again = load_with(dir.path(), &keyring(Ok(None))).unwrap();
        assert_eq!(again.public_hex(), key.public_hex(), "the file is used from then on");
    }

    #[test]
    fn a_damaged_key_file_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        std::fs::write(&path, "not a key").unwrap();
        let e = from_file_or_new(&path).unwrap_err();
        assert!(e.message().zh.contains("已损坏"), "{}", e.message().zh);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a key", "never overwritten");
    }
}
