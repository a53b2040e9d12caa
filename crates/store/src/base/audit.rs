//! The `audit_log` table: entries appended one at a time, each chained to the one before
//! (`safeserve_core::audit`), and read back with the chain checked.

use crate::{Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use safeserve_core::audit::{chain_hash, first_break, AuditAct, AuditEntry};
use safeserve_core::sync::Role;
use serde::Serialize;
use ts_rs::TS;

/// An entry as the supervisor's screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AuditView {
    #[ts(type = "number")]
    pub seq: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub entry: AuditEntry,
}

/// The newest entries, and whether the whole log still chains.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AuditLog {
    pub entries: Vec<AuditView>,
    #[ts(type = "number")]
    pub total: i64,
    /// The first entry where the chain breaks (changed, or one before it missing), if any.
    #[ts(type = "number | null")]
    pub broken_at: Option<i64>,
}

/// Appends `entry` inside the caller's transaction, so an act and its entry are written
/// together or not at all. The transaction must have begun IMMEDIATE: the newest entry read
/// here stays the newest until the commit.
pub(crate) fn append(conn: &Connection, entry: &AuditEntry) -> Result<i64, StoreError> {
    let (last, previous): (i64, String) = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, String::new()));
    let seq = last + 1;
    conn.prepare_cached(
        "INSERT INTO audit_log(seq, at, user_id, user_name, role, act, subject, detail, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        seq,
        entry.at,
        entry.user_id,
        entry.user_name,
        entry.role.map(Role::key),
        entry.act.key(),
        entry.subject,
        entry.detail,
        chain_hash(&previous, seq, entry)
    ])?;
    Ok(seq)
}

/// An entry from a row whose columns 1–7 are `at, user_id, user_name, role, act, subject, detail`.
fn read_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    let role: Option<String> = r.get(4)?;
    let act: String = r.get(5)?;
    Ok(AuditEntry {
        at: r.get(1)?,
        user_id: r.get(2)?,
        user_name: r.get(3)?,
        role: role.map(|k| crate::known(("角色", "role"), &k, Role::from_key)).transpose()?,
        act: crate::known(("审计事项", "audit act"), &act, AuditAct::from_key)?,
        subject: r.get(6)?,
        detail: r.get(7)?,
    })
}

/// The registrations and changes of one register record, newest first: the entries whose
/// subject starts with `subject_key`.
pub(crate) fn about(conn: &Connection, subject_key: &str) -> Result<Vec<AuditEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, user_id, user_name, role, act, subject, detail FROM audit_log \
         WHERE act IN ('add_register', 'change_register') AND substr(subject, 1, length(?1)) = ?1 ORDER BY seq DESC",
    )?;
    let rows = stmt.query_map([subject_key], read_entry)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    /// Appends `entry` after the newest one, chained to it.
    pub fn record_audit(&mut self, entry: &AuditEntry) -> Result<i64, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq = append(&tx, entry)?;
        tx.commit()?;
        Ok(seq)
    }

    /// The newest `limit` entries, newest first, with the whole chain checked.
    pub fn audit_log(&self, limit: usize) -> Result<AuditLog, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, user_id, user_name, role, act, subject, detail, hash FROM audit_log ORDER BY seq",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, read_entry(r)?, r.get::<_, String>(8)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let broken_at = first_break(rows.iter().map(|(seq, e, h)| (*seq, e, h.as_str())));
        let total = rows.len() as i64;
        let entries = rows.into_iter().rev().take(limit).map(|(seq, entry, _)| AuditView { seq, entry }).collect();
        Ok(AuditLog { entries, total, broken_at })
    }
}
