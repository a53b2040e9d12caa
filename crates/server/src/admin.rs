//! Administration on the server's own data folder: users, enrolment codes, devices, and
//! loading a laptop database (the registers, or a whole demo) into the server.

use crate::photos::PhotoFiles;
use crate::scope::Role;
use crate::storage::{Storage, User};
use safeserve_core::sync::Change;
use safeserve_store::Store;
use std::path::Path;

/// Enrolment codes live a day.
pub const ENROLMENT_TTL_MS: i64 = 24 * 3600 * 1000;

pub fn add_user(
    storage: &dyn Storage,
    name: &str,
    role: Role,
    agency: Option<String>,
    division: Option<String>,
) -> anyhow::Result<()> {
    match role {
        Role::Technician if agency.is_none() => {
            anyhow::bail!("技术人员须指定所属机构 --agency / a technician needs --agency")
        }
        Role::Inspector | Role::Supervisor if division.is_none() => {
            anyhow::bail!("执法检查人员和监管人员须指定辖区 --division / needs --division")
        }
        _ => {}
    }
    storage.add_user(&User { name: name.to_owned(), role, agency, division })?;
    Ok(())
}

/// A one-time enrolment code: 12 characters of Crockford base32 (60 bits), shown once; only its
/// hash is kept.
pub fn enroll(storage: &dyn Storage, user: &str, now_ms: i64) -> anyhow::Result<String> {
    if storage.user(user)?.is_none() {
        anyhow::bail!("没有用户 {user} / no user {user}");
    }
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let random = uuid::Uuid::new_v4().as_u128();
    let code: String = (0..12).map(|i| ALPHABET[((random >> (i * 5)) & 31) as usize] as char).collect();
    storage.create_enrolment(
        user,
        &safeserve_core::document::sha256_hex(code.as_bytes()),
        now_ms + ENROLMENT_TTL_MS,
    )?;
    Ok(code)
}

/// Loads every record of a laptop database as changes (idempotent: an import repeated is
/// applied once), and registers the keys its documents were signed with.
pub fn import(
    storage: &dyn Storage,
    photos: &PhotoFiles,
    db: &Path,
    registers_only: bool,
    now_ms: i64,
) -> anyhow::Result<(u64, u64)> {
    let store = Store::open(db)?;
    for (key, label) in store.signing_devices()? {
        storage.register_signing_key(&key, &label, now_ms)?;
    }
    let mut batch: Vec<Change> = Vec::with_capacity(5000);
    let mut refused = 0u64;
    let mut flush = |batch: &mut Vec<Change>| -> anyhow::Result<()> {
        for r in storage.import(batch, now_ms)? {
            if r.outcome == safeserve_core::sync::Outcome::Refused {
                refused += 1;
                eprintln!("refused {}: {}", r.change_id, r.reason.unwrap_or_default());
            }
        }
        batch.clear();
        Ok(())
    };
    let mut failure = None;
    let n = store.export_changes(registers_only, |c| {
        batch.push(c);
        if batch.len() == 5000 {
            if let Err(e) = flush(&mut batch) {
                failure = Some(e);
                return Err(safeserve_store::StoreError::NotFound { what: "import", id: "aborted".into() });
            }
        }
        Ok(())
    });
    if let Some(e) = failure {
        return Err(e);
    }
    let n = n?;
    flush(&mut batch)?;
    if registers_only {
        return Ok((n, refused));
    }
    // The photo originals, each checked against its hash on the way in.
    for p in store.all_photo_originals()? {
        if photos.exists(&p.sha256) {
            continue;
        }
        let bytes = std::fs::read(&p.path)?;
        let from = (photos.offset(&p.sha256) as usize).min(bytes.len());
        match photos.append(&p.sha256, from as u64, bytes.len() as u64, &bytes[from..]) {
            Ok(_) => storage.photo_completed(&p.sha256, bytes.len() as u64, now_ms)?,
            Err(e) => eprintln!("photo {} not imported: {e}", p.sha256),
        }
    }
    Ok((n, refused))
}
