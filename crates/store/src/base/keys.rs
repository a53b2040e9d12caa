//! The laptop database's key and the file that keeps it.
//!
//! A laptop's database is encrypted with SQLCipher under a random 256-bit key. The key is
//! never stored as it is: the key file beside the database (`safeserve.db.keys`) holds it
//! sealed once per user, under a key derived from that user's password with Argon2id, so a
//! lost laptop without a password is unreadable. Opening the seal *is* the password check: a
//! wrong password fails the seal's authentication tag. Wrong passwords in a row are counted in
//! the key file (it is all there is before the database opens), with the same growing wait
//! ([`wait_after`]) a plain database's `users` table counts.
//!
//! An enrolled laptop seals the key once more, under a random recovery key it gives the server
//! ([`KeyFile::seal_recovery`]): a user who forgot their password gets a one-time code from an
//! administrator, the server releases the recovery key for it, and the laptop seals the
//! database key under the new password ([`KeyFile::recover`]). The recovery key never stays on
//! the laptop, so the key file alone still opens nothing without a password.

use crate::StoreError;
use argon2::Argon2;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// A database key: 32 random bytes, zeroed when dropped, never printed.
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    pub fn random() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&XChaCha20Poly1305::generate_key(&mut OsRng));
        Self(bytes)
    }

    /// The key as 64 hex digits: what a key file for scripts holds (`safeserve --key-file`).
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(*self.0))
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), &mut *bytes).ok()?;
        Some(Self(bytes))
    }

    /// SQLCipher's raw-key form (`x'…'`): the key is used as it is, without SQLCipher's own
    /// key derivation — the password was already stretched with Argon2id.
    pub(crate) fn raw(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(*self.0)))
    }

    pub(crate) fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("PRAGMA key = \"{}\";", *self.raw()))
    }

    /// The key the laptop's photo files are sealed with: derived from the database key (one
    /// secret to keep), never equal to it, so one cipher's use of it cannot weaken the other's.
    pub fn photo_key(&self) -> safeserve_media::PhotoKey {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"SafeServe photo files v1\0");
        h.update(*self.0);
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&h.finalize());
        safeserve_media::PhotoKey::new(bytes)
    }
}

/// The key file's name beside the database at `db`.
pub fn key_file_path(db: &Path) -> PathBuf {
    super::sibling(db, ".keys")
}

const FORMAT: u32 = 1;

/// The shortest password or PIN taken (a six-digit PIN is the least a field laptop needs).
pub const MIN_PASSWORD_CHARS: usize = 6;

/// A password a user may choose: at least [`MIN_PASSWORD_CHARS`] characters.
pub fn check_new_password(password: &str) -> Result<(), StoreError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::Invalid {
            field: "password",
            message: safeserve_core::Message::new(
                format!("密码至少 {MIN_PASSWORD_CHARS} 位"),
                format!("The password needs at least {MIN_PASSWORD_CHARS} characters"),
            ),
        });
    }
    Ok(())
}

/// Wrong passwords in a row that are let go without waiting.
const FREE_TRIES: u32 = 3;
/// The longest wait between two tries.
const MAX_WAIT_SECS: u64 = 300;

/// How long the try after `failed` wrong passwords in a row waits: nothing after the first
/// two, then 1, 2, 4 … seconds up to five minutes.
pub fn wait_after(failed: u32) -> u64 {
    match failed.checked_sub(FREE_TRIES) {
        None => 0,
        Some(n) => 1u64.checked_shl(n).unwrap_or(MAX_WAIT_SECS).min(MAX_WAIT_SECS),
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    users: Vec<Seal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recovery: Option<Recovery>,
}

/// 32 random bytes the database key is sealed under for a password reset; kept by the server,
/// never on the laptop.
pub struct RecoveryKey(Zeroizing<[u8; 32]>);

impl RecoveryKey {
    pub fn random() -> Self {
        Self(Zeroizing::new(rand_bytes()))
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(*self.0))
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), &mut *bytes).ok()?;
        Some(Self(bytes))
    }

    /// The key the seal is made with: the recovery key is random already, so no stretching;
    /// hashed with a tag of its own so it is never used as it was sent.
    fn sealing_key(&self) -> Zeroizing<[u8; 32]> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"SafeServe recovery seal v1\0");
        h.update(*self.0);
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&h.finalize());
        out
    }
}

/// Where a forgotten password is reset, and for whom: not secret, read before the database
/// opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryTarget {
    /// The sign-in name the reset is for: the user the laptop is enrolled to.
    pub user: String,
    pub server: String,
    pub device_id: String,
    /// The server's certificate as pinned at enrolment (PEM), when it is not from an
    /// authority the system trusts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_trust: Option<String>,
}

impl RecoveryTarget {
    /// What the seal is bound to: moved to another user or device it does not open.
    fn bound(&self) -> String {
        format!("recovery\0{}\0{}", self.user.trim().to_lowercase(), self.device_id)
    }
}

#[derive(Serialize, Deserialize)]
struct Recovery {
    #[serde(flatten)]
    target: RecoveryTarget,
    nonce: String,
    sealed: String,
}

/// The database key sealed for one user.
#[derive(Serialize, Deserialize)]
struct Seal {
    /// The sign-in name, as typed when the user was made (matched without regard to case,
    /// as the `users` table does).
    name: String,
    salt: String,
    nonce: String,
    sealed: String,
    /// The check of the keyring share the seal was made with, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keyring: Option<String>,
    #[serde(default)]
    failed: u32,
    #[serde(default)]
    retry_after_ms: i64,
}

/// The OS keyring's part of a password seal: 32 random bytes, one per OS user, kept in the
/// keyring and never beside the database.
#[derive(Clone)]
pub struct KeyringShare(Zeroizing<[u8; 32]>);

impl KeyringShare {
    pub fn new(bytes: Zeroizing<[u8; 32]>) -> Self {
        Self(bytes)
    }

    /// What a seal records of the share it needs: enough to tell another share from it, nothing
    /// to find it by.
    fn check(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new().chain_update(b"SafeServe keyring share check v1\0").chain_update(*self.0).finalize();
        hex::encode(&digest[..8])
    }

    /// The sealing key of a password key and this share together.
    fn mix(&self, password_key: &[u8; 32]) -> Zeroizing<[u8; 32]> {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(b"SafeServe seal under password and keyring v1\0")
            .chain_update(password_key)
            .chain_update(*self.0)
            .finalize();
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&digest);
        out
    }
}

/// The key file of one database.
pub struct KeyFile {
    path: PathBuf,
    stored: Stored,
    /// The keyring's share, when the keyring gave one: new seals are made with it.
    share: Option<KeyringShare>,
}

fn key_file_error(path: &Path, reason: impl std::fmt::Display) -> StoreError {
    StoreError::KeyFile { path: path.to_owned(), reason: reason.to_string() }
}

/// The key that seals the database key for a password: Argon2id, with the crate's default
/// cost (19 MiB, 2 passes), the same a password hash of a plain database costs.
fn password_key(password: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::default()
        .hash_password_into(password.as_bytes(), salt, &mut *out)
        .map_err(|e| StoreError::KeyFile { path: PathBuf::new(), reason: e.to_string() })?;
    Ok(out)
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

impl KeyFile {
    /// The key file beside `db`, if the database has one.
    pub fn load(db: &Path) -> Result<Option<Self>, StoreError> {
        let path = key_file_path(db);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(key_file_error(&path, e)),
        };
        let stored: Stored = serde_json::from_str(&text).map_err(|e| key_file_error(&path, e))?;
        if stored.format > FORMAT {
            return Err(key_file_error(&path, format!("format {} is newer than this build's {FORMAT}", stored.format)));
        }
        Ok(Some(Self { path, stored, share: None }))
    }

    /// A key file for `db` holding no seal yet (written by [`KeyFile::seal`]).
    pub fn new(db: &Path) -> Self {
        Self {
            path: key_file_path(db),
            stored: Stored { format: FORMAT, users: Vec::new(), recovery: None },
            share: None,
        }
    }

    /// The key file beside `db`, with the keyring's share for signing `name` in: `keyring(create)`
    /// asks the OS keyring (`safeserve_device::keyring_share`). A share is made only for a seal
    /// that has none yet (it gains one at this sign-in); for a seal that needs one, a keyring
    /// that lost it must not make another.
    pub fn load_for(
        db: &Path,
        name: &str,
        keyring: impl FnOnce(bool) -> Option<[u8; 32]>,
    ) -> Result<Option<Self>, StoreError> {
        let Some(file) = Self::load(db)? else { return Ok(None) };
        let needs = file.stored.users.iter().any(|u| same_name(&u.name, name) && u.keyring.is_some());
        let share = keyring(!needs).map(|bytes| KeyringShare::new(Zeroizing::new(bytes)));
        Ok(Some(file.with_share(share)))
    }

    /// Seals made from now on need the keyring's `share` too, and seals that need it open.
    pub fn with_share(mut self, share: Option<KeyringShare>) -> Self {
        self.share = share;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The names that can sign in.
    pub fn names(&self) -> Vec<String> {
        self.stored.users.iter().map(|u| u.name.clone()).collect()
    }

    /// Seals `key` for `name` under `password` (replacing that name's seal) and writes the
    /// file. The seal is bound to the name: moved to another name it does not open.
    pub fn seal(&mut self, name: &str, password: &str, key: &DbKey) -> Result<(), StoreError> {
        let salt: [u8; 16] = rand_bytes();
        self.seal_under(name, &salt, &*password_key(password, &salt)?, key)
    }

    /// Seals `key` for `name` under the Argon2id hash of their password a plain database's
    /// `users` table holds (a PHC string): that hash's output is exactly the key
    /// [`KeyFile::seal`] derives from the password with the hash's salt, so the user goes on
    /// signing in with the password they have, and no password is needed to encrypt a laptop
    /// that has several users. A hash of another kind or cost is refused by name.
    pub fn seal_hashed(&mut self, name: &str, phc: &str, key: &DbKey) -> Result<(), StoreError> {
        let not_ours = |why: &str| key_file_error(&self.path, format!("the password hash of {name}: {why}"));
        let parsed = argon2::PasswordHash::new(phc).map_err(StoreError::PasswordHash)?;
        let ours = Argon2::default();
        let cost = |p: &argon2::Params| (p.m_cost(), p.t_cost(), p.p_cost());
        let same_cost = argon2::Params::try_from(&parsed).is_ok_and(|p| cost(&p) == cost(ours.params()));
        if parsed.algorithm != argon2::Algorithm::Argon2id.ident() || parsed.version != Some(0x13) || !same_cost {
            return Err(not_ours("not this build's Argon2id cost"));
        }
        let (Some(salt), Some(output)) = (parsed.salt, parsed.hash) else { return Err(not_ours("no salt or output")) };
        let mut salt_bytes = [0u8; 64];
        let salt = salt.decode_b64(&mut salt_bytes).map_err(StoreError::PasswordHash)?;
        let password_key: &[u8; 32] = output.as_bytes().try_into().map_err(|_| not_ours("not 32 bytes"))?;
        self.seal_under(name, salt, password_key, key)
    }

    fn seal_under(&mut self, name: &str, salt: &[u8], password_key: &[u8; 32], key: &DbKey) -> Result<(), StoreError> {
        let sealing_key = match &self.share {
            Some(share) => share.mix(password_key),
            None => Zeroizing::new(*password_key),
        };
        let (nonce, sealed) = self.seal_key(&sealing_key, &name.trim().to_lowercase(), key)?;
        self.stored.users.retain(|u| !same_name(&u.name, name));
        self.stored.users.push(Seal {
            name: name.trim().to_owned(),
            salt: hex::encode(salt),
            keyring: self.share.as_ref().map(KeyringShare::check),
            nonce,
            sealed,
            failed: 0,
            retry_after_ms: 0,
        });
        self.save()
    }

    /// The database key, if `password` is `name`'s. A wrong password (or an unknown name: the
    /// two are not told apart, and cost the same time) counts against the name; after three in
    /// a row each next try waits, doubling up to five minutes, and a try during the wait is
    /// refused unchecked.
    pub fn unlock(&mut self, name: &str, password: &str, now_ms: i64) -> Result<DbKey, StoreError> {
        let Some(i) = self.stored.users.iter().position(|u| same_name(&u.name, name)) else {
            let _ = password_key(password, &[0u8; 16]);
            return Err(StoreError::SignIn { retry_after_secs: None });
        };
        let seal = &self.stored.users[i];
        if now_ms < seal.retry_after_ms {
            let secs = u64::try_from(seal.retry_after_ms - now_ms).unwrap_or(0).div_ceil(1000);
            return Err(StoreError::SignIn { retry_after_secs: Some(secs) });
        }
        let opened = self.open_seal(seal, password)?;
        let seal = &mut self.stored.users[i];
        match opened {
            // Sealed before a keyring answered: sealed again, with its share.
            Some(key) if seal.keyring.is_none() && self.share.is_some() => {
                let name = seal.name.clone();
                self.seal(&name, password, &key)?;
                Ok(key)
            }
            Some(key) => {
                if seal.failed > 0 {
                    seal.failed = 0;
                    seal.retry_after_ms = 0;
                    self.save()?;
                }
                Ok(key)
            }
            None => {
                seal.failed = seal.failed.saturating_add(1);
                let wait = wait_after(seal.failed);
                seal.retry_after_ms = now_ms.saturating_add(i64::try_from(wait * 1000).unwrap_or(i64::MAX));
                self.save()?;
                Err(StoreError::SignIn { retry_after_secs: (wait > 0).then_some(wait) })
            }
        }
    }

    /// Where and for whom a forgotten password can be reset, once the laptop has sealed its
    /// key for recovery.
    pub fn recovery(&self) -> Option<&RecoveryTarget> {
        self.stored.recovery.as_ref().map(|r| &r.target)
    }

    /// Seals `key` under `recovery` for `target` (replacing an earlier recovery seal) and
    /// writes the file.
    pub fn seal_recovery(
        &mut self,
        target: RecoveryTarget,
        recovery: &RecoveryKey,
        key: &DbKey,
    ) -> Result<(), StoreError> {
        let (nonce, sealed) = self.seal_key(&recovery.sealing_key(), &target.bound(), key)?;
        self.stored.recovery = Some(Recovery { target, nonce, sealed });
        self.save()
    }

    /// The database key, opened with the recovery key the server released, sealed from now on
    /// under `new_password` for the recovery's user (their wrong tries forgotten); the
    /// recovery seal is used up.
    pub fn recover(&mut self, recovery: &RecoveryKey, new_password: &str) -> Result<DbKey, StoreError> {
        check_new_password(new_password)?;
        let Some(r) = &self.stored.recovery else { return Err(key_file_error(&self.path, "no recovery seal")) };
        let key = self
            .open_sealed(&recovery.sealing_key(), &r.nonce, &r.sealed, &r.target.bound())?
            .ok_or_else(|| key_file_error(&self.path, "the server's recovery key does not open this laptop's seal"))?;
        // The recovery key has crossed the network: it opens nothing more. The next sync of
        // the signed-in laptop seals the key under a fresh one.
        let user = r.target.user.clone();
        self.stored.recovery = None;
        self.seal(&user, new_password, &key)?;
        Ok(key)
    }

    /// The key if the seal opens under `password` (and the keyring's share, when the seal was
    /// made with one); `None` if it does not (a wrong password). A share missing or another is
    /// an error of its own, found before the password is tried.
    fn open_seal(&self, seal: &Seal, password: &str) -> Result<Option<DbKey>, StoreError> {
        let share = match (&seal.keyring, &self.share) {
            (None, _) => None,
            (Some(check), Some(share)) if *check == share.check() => Some(share),
            (Some(_), share) => return Err(StoreError::KeyringShare { other: share.is_some() }),
        };
        let salt = hex::decode(&seal.salt).map_err(|e| key_file_error(&self.path, format!("salt: {e}")))?;
        let password_key = password_key(password, &salt)?;
        let sealing_key = share.map_or_else(|| Zeroizing::new(*password_key), |s| s.mix(&password_key));
        self.open_sealed(&sealing_key, &seal.nonce, &seal.sealed, &seal.name.to_lowercase())
    }

    /// `key` sealed under `sealing_key`, bound to `aad`: the nonce and the sealed bytes, in hex.
    fn seal_key(&self, sealing_key: &[u8; 32], aad: &str, key: &DbKey) -> Result<(String, String), StoreError> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = XChaCha20Poly1305::new(sealing_key.into())
            .encrypt(&nonce, Payload { msg: &key.0[..], aad: aad.as_bytes() })
            .map_err(|e| key_file_error(&self.path, e))?;
        Ok((hex::encode(nonce), hex::encode(sealed)))
    }

    /// The database key sealed as `sealed` under `sealing_key`, bound to `aad`; `None` if it
    /// does not open.
    fn open_sealed(
        &self,
        sealing_key: &[u8; 32],
        nonce: &str,
        sealed: &str,
        aad: &str,
    ) -> Result<Option<DbKey>, StoreError> {
        let bytes = |field: &str, text: &str| {
            hex::decode(text).map_err(|e| key_file_error(&self.path, format!("{field}: {e}")))
        };
        let (nonce, sealed) = (bytes("nonce", nonce)?, bytes("sealed", sealed)?);
        if nonce.len() != 24 {
            return Err(key_file_error(&self.path, "nonce: not 24 bytes"));
        }
        let cipher = XChaCha20Poly1305::new(sealing_key.into());
        let Ok(plain) = cipher.decrypt(nonce.as_slice().into(), Payload { msg: &sealed, aad: aad.as_bytes() }) else {
            return Ok(None);
        };
        let plain = Zeroizing::new(plain);
        let mut key = Zeroizing::new([0u8; 32]);
        if plain.len() != key.len() {
            return Err(key_file_error(&self.path, "sealed key: not 32 bytes"));
        }
        key.copy_from_slice(&plain);
        Ok(Some(DbKey(key)))
    }

    /// Writes the file whole beside itself and renames it over the old one: a crash leaves
    /// the old file or the new, never half of one.
    fn save(&self) -> Result<(), StoreError> {
        let text = serde_json::to_vec_pretty(&self.stored)?;
        let tmp = super::sibling(&self.path, ".tmp");
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&text)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)?;
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::File::open(dir)?.sync_all()?;
            }
            Ok(())
        };
        write().map_err(|e| key_file_error(&self.path, e))
    }
}

fn rand_bytes<const N: usize>() -> [u8; N] {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut out = [0u8; N];
    OsRng.fill_bytes(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_wrong_passwords_are_free_then_each_waits_twice_as_long_up_to_five_minutes() {
        assert_eq!((0..=3).map(wait_after).collect::<Vec<_>>(), [0, 0, 0, 1]);
        assert_eq!((4..=8).map(wait_after).collect::<Vec<_>>(), [2, 4, 8, 16, 32]);
        assert_eq!(wait_after(12), 300);
        assert_eq!(wait_after(u32::MAX), 300);
    }

    #[test]
    fn a_seal_opens_only_under_its_own_password_and_name_and_wrong_tries_wait() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let key = DbKey::random();
        let mut file = KeyFile::new(&db);
        file.seal("Wang", "secret-1", &key).unwrap();
        file.seal("li", "secret-2", &key).unwrap();

        let mut file = KeyFile::load(&db).unwrap().unwrap();
        assert_eq!(file.names(), ["Wang", "li"]);
        assert_eq!(*file.unlock("wang", "secret-1", 0).unwrap().to_hex(), *key.to_hex());
        assert_eq!(*file.unlock("LI", "secret-2", 0).unwrap().to_hex(), *key.to_hex());
        assert!(matches!(file.unlock("li", "secret-1", 0), Err(StoreError::SignIn { retry_after_secs: None })));
        assert!(matches!(file.unlock("nobody", "secret-1", 0), Err(StoreError::SignIn { retry_after_secs: None })));
        // A seal moved to another name does not open there.
        let text = std::fs::read_to_string(key_file_path(&db)).unwrap().replace("\"Wang\"", "\"Zhao\"");
        std::fs::write(key_file_path(&db), text).unwrap();
        let mut moved = KeyFile::load(&db).unwrap().unwrap();
        assert!(moved.unlock("zhao", "secret-1", 0).is_err());

        // The third wrong password in a row makes the next try wait, and the count is in the file.
        for _ in 0..2 {
            let _ = file.unlock("li", "wrong-pw", 0);
        }
        assert!(matches!(file.unlock("li", "secret-2", 500), Err(StoreError::SignIn { retry_after_secs: Some(1) })));
        let mut reread = KeyFile::load(&db).unwrap().unwrap();
        assert!(reread.unlock("li", "secret-2", 500).is_err());
        assert!(reread.unlock("li", "secret-2", 1_000).is_ok());
    }

    #[test]
    fn a_seal_made_from_a_password_hash_opens_under_that_password() {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let phc =
            Argon2::default().hash_password(b"field pw 7", &SaltString::generate(&mut OsRng)).unwrap().to_string();
        let key = DbKey::random();
        let mut file = KeyFile::new(&db);
        file.seal_hashed("zhang", &phc, &key).unwrap();
        assert!(
            !std::fs::read_to_string(key_file_path(&db)).unwrap().contains(&phc[phc.len() - 20..]),
            "no hash stored"
        );
        assert_eq!(*file.unlock("zhang", "field pw 7", 0).unwrap().to_hex(), *key.to_hex());
        assert!(file.unlock("zhang", "field pw 8", 0).is_err());
        let cheap = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(8, 1, 1, None).unwrap(),
        );
        let weak = cheap.hash_password(b"x", &SaltString::generate(&mut OsRng)).unwrap().to_string();
        assert!(file.seal_hashed("weak", &weak, &key).is_err(), "a hash of another cost is refused");
    }

    #[test]
    fn the_recovery_key_seals_the_key_under_a_new_password_and_only_for_its_own_user_and_device() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let key = DbKey::random();
        let mut file = KeyFile::new(&db);
        file.seal("Wang", "forgotten", &key).unwrap();
        for _ in 0..5 {
            let _ = file.unlock("wang", "guess", 0);
        }
        let target = RecoveryTarget {
            user: "Wang".into(),
            server: "https://127.0.0.1:8443".into(),
            device_id: "dev-1".into(),
            server_trust: None,
        };
        let recovery = RecoveryKey::random();
        file.seal_recovery(target.clone(), &recovery, &key).unwrap();
        let text = std::fs::read_to_string(key_file_path(&db)).unwrap();
        assert!(!text.contains(recovery.to_hex().as_str()), "the recovery key is not kept on the laptop");

        let mut file = KeyFile::load(&db).unwrap().unwrap();
        assert_eq!(file.recovery(), Some(&target));
        // A key the server made up, or a password too short, changes nothing.
        assert!(matches!(file.recover(&RecoveryKey::random(), "new pass 1"), Err(StoreError::KeyFile { .. })));
        assert!(matches!(file.recover(&recovery, "abc"), Err(StoreError::Invalid { field: "password", .. })));
        assert!(file.unlock("wang", "new pass 1", 10_000_000).is_err());
        // The seal is bound to its user and device: edited to another, it does not open.
        let original = std::fs::read_to_string(key_file_path(&db)).unwrap();
        std::fs::write(key_file_path(&db), original.replace("dev-1", "dev-2")).unwrap();
        assert!(KeyFile::load(&db).unwrap().unwrap().recover(&recovery, "new pass 1").is_err());
        std::fs::write(key_file_path(&db), original).unwrap();

        let mut file = KeyFile::load(&db).unwrap().unwrap();
        let opened = file.recover(&RecoveryKey::from_hex(&recovery.to_hex()).unwrap(), "new pass 1").unwrap();
        assert_eq!(*opened.to_hex(), *key.to_hex());
        let mut file = KeyFile::load(&db).unwrap().unwrap();
        assert_eq!(*file.unlock("wang", "new pass 1", 0).unwrap().to_hex(), *key.to_hex(), "no wait left");
        assert!(file.unlock("wang", "forgotten", 0).is_err(), "the old password no longer opens");
        assert!(file.recovery().is_none(), "a recovery key opens once");
        assert!(file.recover(&recovery, "new pass 2").is_err());
    }

    #[test]
    fn with_a_keyring_a_seal_needs_its_share_too_and_a_missing_share_is_no_wrong_password() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let key = DbKey::random();
        let share = || Some(KeyringShare::new(Zeroizing::new([7u8; 32])));
        // Sealed where no keyring answered: it gains the share at the first sign-in with one.
        KeyFile::new(&db).seal("wang", "pass-1234", &key).unwrap();
        let mut file = KeyFile::load(&db).unwrap().unwrap().with_share(share());
        assert_eq!(*file.unlock("wang", "pass-1234", 0).unwrap().to_hex(), *key.to_hex());
        assert!(std::fs::read_to_string(key_file_path(&db)).unwrap().contains("\"keyring\""));

        // The password alone no longer opens it, and that is said, not counted as a wrong try.
        let mut alone = KeyFile::load(&db).unwrap().unwrap();
        for _ in 0..5 {
            assert!(matches!(alone.unlock("wang", "pass-1234", 0), Err(StoreError::KeyringShare { other: false })));
        }
        let other = Some(KeyringShare::new(Zeroizing::new([8u8; 32])));
        let mut wrong = KeyFile::load(&db).unwrap().unwrap().with_share(other);
        assert!(matches!(wrong.unlock("wang", "pass-1234", 0), Err(StoreError::KeyringShare { other: true })));
        let mut file = KeyFile::load(&db).unwrap().unwrap().with_share(share());
        assert!(matches!(file.unlock("wang", "wrong-pass", 0), Err(StoreError::SignIn { .. })));
        assert_eq!(*file.unlock("wang", "pass-1234", 0).unwrap().to_hex(), *key.to_hex(), "no wait was earned");

        // A reset made where the keyring holds another share seals under that one.
        let recovery = RecoveryKey::random();
        let target =
            RecoveryTarget { user: "wang".into(), server: "s".into(), device_id: "d".into(), server_trust: None };
        file.seal_recovery(target, &recovery, &key).unwrap();
        let renewed = || Some(KeyringShare::new(Zeroizing::new([9u8; 32])));
        let mut file = KeyFile::load(&db).unwrap().unwrap().with_share(renewed());
        file.recover(&recovery, "pass-5678").unwrap();
        let mut file = KeyFile::load(&db).unwrap().unwrap().with_share(renewed());
        assert_eq!(*file.unlock("wang", "pass-5678", 0).unwrap().to_hex(), *key.to_hex());
    }

    #[test]
    fn a_damaged_key_file_is_named_not_taken_for_a_wrong_password() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        std::fs::write(key_file_path(&db), b"{ not json").unwrap();
        let err = KeyFile::load(&db).err().expect("refused");
        assert!(matches!(err, StoreError::KeyFile { .. }), "{err:?}");
        assert!(err.message().zh.contains("密钥文件"), "{}", err.message().zh);
    }
}
