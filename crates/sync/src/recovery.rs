//! A forgotten password, reset by the server. An enrolled laptop seals its database key once
//! more under a random recovery key and gives that key to the server ([`arrange`]); the laptop
//! keeps only the seal. A user who forgot their password asks an administrator for a one-time
//! code (`safeserve-server admin reset-password`), types it on the locked laptop with a new
//! password, and the laptop — signing the request with its device key — gets the recovery key
//! back and seals the database key under the new password ([`reset_password`]).

use crate::{connect, lock, tls, Client, SyncError};
use ed25519_dalek::{Signer, SigningKey};
use safeserve_core::document::hex;
use safeserve_store::keys::{DbKey, KeyFile, KeyringShare, RecoveryKey, RecoveryTarget};
use safeserve_store::Store;
use safeserve_wire as wire;
use std::path::Path;

/// Seals the database key under a fresh recovery key for `user` (the signed-in user, whom the
/// laptop is enrolled to) and gives the server that key, once per enrolment and again after a
/// reset used it up. `Ok(false)`: not enrolled, not encrypted, or arranged already. The server
/// is told first: a seal the server holds no key for would promise a reset that cannot come.
pub fn arrange(store: &mut Store, key: &DbKey, user: &str) -> Result<bool, SyncError> {
    let Some(account) = store.sync_account()? else { return Ok(false) };
    let Some(mut file) = KeyFile::load(store.path())? else { return Ok(false) };
    if file.recovery().is_some_and(|r| r.device_id == account.device_id) {
        return Ok(false);
    }
    let _turn = lock::SyncLock::acquire(store.path())?;
    let mut client = connect(store)?;
    let recovery = RecoveryKey::random();
    client.set_recovery_key(&wire::RecoveryKey { recovery_key: recovery.to_hex().to_string() })?;
    let target = RecoveryTarget {
        user: user.to_owned(),
        server: account.server,
        device_id: account.device_id,
        server_trust: account.server_trust,
    };
    file.seal_recovery(target, &recovery, key)?;
    Ok(true)
}

/// For whom the database at `db` can have its password reset, if anyone.
pub fn target(db: &Path) -> Result<Option<RecoveryTarget>, SyncError> {
    Ok(KeyFile::load(db)?.and_then(|f| f.recovery().cloned()))
}

/// Sets a new password for the user the laptop is enrolled to, with the one-time `code` an
/// administrator gave: the server releases the laptop's recovery key for the code and the
/// device's signature, and the database key is sealed under `new_password` (and the OS
/// keyring's `share`, where there is one). Returns the user's sign-in name and the database
/// key. The new password is checked before the code is spent.
pub fn reset_password(
    db: &Path,
    share: Option<KeyringShare>,
    device: &SigningKey,
    code: &str,
    new_password: &str,
) -> Result<(String, DbKey), SyncError> {
    safeserve_store::check_new_password(new_password)?;
    let mut file = KeyFile::load(db)?.ok_or(SyncError::NotEnrolled)?.with_share(share);
    let target = file.recovery().cloned().ok_or(SyncError::NotEnrolled)?;
    let pin = target.server_trust.as_deref().map(tls::Pin::from_pem).transpose()?;
    let mut client = Client::new(&target.server, pin.as_ref())?;
    // Codes are read out over the phone: spaces and dashes are the reader's, not the code's.
    let code: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_uppercase();
    let signature = hex(&device.sign(&wire::password_reset_message(&code, &target.device_id)).to_bytes());
    let released =
        client.password_reset(&wire::PasswordResetRequest { device_id: target.device_id.clone(), code, signature })?;
    let recovery = RecoveryKey::from_hex(&released.recovery_key)
        .ok_or_else(|| SyncError::Unreadable("the recovery key is not 64 hex digits".into()))?;
    let key = file.recover(&recovery, new_password)?;
    Ok((target.user, key))
}
