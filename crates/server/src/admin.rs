//! Administration on the server's own data folder: users, enrolment codes, devices, and
//! loading an export of a laptop database (the registers, or a whole demo) into the server.

use crate::photos::{is_sha256, PhotoFiles};
use crate::scope::Role;
use crate::storage::{Storage, User};
use safeserve_core::audit::{first_break, SyncedAuditEntry};
use safeserve_core::sync::{Change, Outcome};
use safeserve_wire as wire;
use safeserve_wire::export::{Entry, ExportReader};
use std::path::Path;

/// One laptop's audit log as the server holds it, and whether it still chains.
pub struct AuditChain {
    /// The laptop database's node name, which names its chain.
    pub node: String,
    /// The devices that sent it (a laptop enrolled again sends under a new device).
    pub devices: Vec<String>,
    /// By place in the chain; two at one place when the laptop was put back to a backup.
    pub entries: Vec<SyncedAuditEntry>,
    /// The first entry where the chain breaks — changed, one before it missing, or a second
    /// entry at a place already taken.
    pub broken_at: Option<i64>,
}

/// Every laptop's audit log, each chain checked as the laptop's own screen checks it.
pub fn audit(storage: &dyn Storage) -> anyhow::Result<Vec<AuditChain>> {
    let mut chains: std::collections::BTreeMap<String, AuditChain> = Default::default();
    for (device, body) in storage.audit_entries()? {
        let entry: SyncedAuditEntry = serde_json::from_str(&body)?;
        let chain = chains.entry(entry.node.clone()).or_insert_with(|| AuditChain {
            node: entry.node.clone(),
            devices: Vec::new(),
            entries: Vec::new(),
            broken_at: None,
        });
        if let Some(d) = device.filter(|d| !chain.devices.contains(d)) {
            chain.devices.push(d);
        }
        chain.entries.push(entry);
    }
    let mut out: Vec<AuditChain> = chains.into_values().collect();
    for chain in &mut out {
        // Stable: two entries at one place stay in the order they arrived.
        chain.entries.sort_by_key(|e| e.seq);
        chain.broken_at = first_break(chain.entries.iter().map(|e| (e.seq, &e.entry, e.hash.as_str())));
    }
    Ok(out)
}

/// Enrolment codes live a day.
pub const ENROLMENT_TTL_MS: i64 = 24 * 3600 * 1000;

pub fn add_user(
    storage: &dyn Storage,
    name: &str,
    role: Role,
    agency: Option<String>,
    division: Option<String>,
    person: Option<String>,
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
    if let Some(p) = &person {
        if !storage.record_held(safeserve_core::sync::Entity::Person, p)? {
            anyhow::bail!("从业人员登记中没有 {p} / no person {p} in the register");
        }
    }
    storage.add_user(&User { name: name.to_owned(), role, agency, division, person })?;
    Ok(())
}

/// A one-time enrolment code: 12 characters of Crockford base32 (60 bits), shown once; only its
/// hash is kept.
pub fn enroll(storage: &dyn Storage, user: &str, now_ms: i64) -> anyhow::Result<String> {
    known_user(storage, user)?;
    let code = one_time_code();
    storage.create_enrolment(
        user,
        &safeserve_core::document::sha256_hex(code.as_bytes()),
        now_ms + ENROLMENT_TTL_MS,
    )?;
    Ok(code)
}

/// A one-time password-reset code for `user`, shaped and kept as an enrolment code is. Typed on
/// a laptop enrolled to the user (忘记密码), it releases that laptop's recovery key, with
/// which the laptop seals its database key under a new password.
pub fn reset_password(storage: &dyn Storage, user: &str, now_ms: i64) -> anyhow::Result<String> {
    known_user(storage, user)?;
    let code = one_time_code();
    storage.create_password_reset(
        user,
        &safeserve_core::document::sha256_hex(code.as_bytes()),
        now_ms + ENROLMENT_TTL_MS,
    )?;
    tracing::info!(user, "password reset code issued");
    Ok(code)
}

fn known_user(storage: &dyn Storage, user: &str) -> anyhow::Result<()> {
    if storage.user(user)?.is_none() {
        anyhow::bail!("没有用户 {user} / no user {user}");
    }
    Ok(())
}

/// 12 characters of Crockford base32 (60 bits), easy to read out over the phone.
fn one_time_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let random = uuid::Uuid::new_v4().as_u128();
    (0..12).map(|i| ALPHABET[((random >> (i * 5)) & 31) as usize] as char).collect()
}

/// Loads an export file (`safeserve export`): registers the keys its documents were signed
/// with, applies its changes in batches (idempotent: change ids come from the content, so an
/// import repeated is applied once) and stores its photos, each checked against its hash.
/// Returns the records read and how many the server refused, each refusal named on stderr.
pub fn import(storage: &dyn Storage, photos: &PhotoFiles, file: &Path, now_ms: i64) -> anyhow::Result<(u64, u64)> {
    let reader = ExportReader::new(std::io::BufReader::new(std::fs::File::open(file)?))?;
    let mut batch: Vec<Change> = Vec::with_capacity(wire::MAX_BATCH);
    let (mut n, mut refused) = (0u64, 0u64);
    let mut flush = |batch: &mut Vec<Change>| -> anyhow::Result<()> {
        for r in storage.import(batch, now_ms)? {
            if r.outcome == Outcome::Refused {
                refused += 1;
                eprintln!("refused {}: {}", r.change_id, r.reason.unwrap_or_default());
            }
        }
        batch.clear();
        Ok(())
    };
    for entry in reader {
        match entry? {
            Entry::SigningKey { public_key, label } => storage.register_signing_key(&public_key, &label, now_ms)?,
            Entry::Change(change) => {
                n += 1;
                batch.push(*change);
                if batch.len() == wire::MAX_BATCH {
                    flush(&mut batch)?;
                }
            }
            // Photos come after every change, so their records are in before them.
            Entry::Photo { sha256, bytes } => {
                flush(&mut batch)?;
                if !is_sha256(&sha256) {
                    eprintln!("photo {sha256:?} not imported: not a SHA-256");
                    continue;
                }
                if photos.exists(&sha256) {
                    continue;
                }
                let from = (photos.offset(&sha256) as usize).min(bytes.len());
                match photos.append(&sha256, from as u64, bytes.len() as u64, &bytes[from..]) {
                    Ok(_) => storage.photo_completed(&sha256, bytes.len() as u64, now_ms)?,
                    Err(e) => eprintln!("photo {sha256} not imported: {e}"),
                }
            }
        }
    }
    flush(&mut batch)?;
    Ok((n, refused))
}
