//! R11 — the serious-dishonesty list. An entry is refused, with nothing written, unless it
//! names one of the four grounds, evidence worth the name and a subject this database knows.
//! Entries and lifts are append-only (triggers in migration 5); lifting is a second record.
//! Entering or lifting an agency re-grades it in the same transaction, so the D grade that
//! bars government-commissioned work (`Store::commission_barrier`) follows at once.

use crate::base::views::{BlacklistEntryView, BlacklistLiftView};
use crate::supervision::grades::{self, GradedAgency};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::blacklist::{self, BlacklistGround, NewBlacklistEntry, SubjectKind};
use safeserve_core::grading::GradeRules;
use safeserve_core::Message;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

fn subject_name(conn: &Connection, kind: SubjectKind, id: &str) -> rusqlite::Result<Option<String>> {
    let sql = match kind {
        SubjectKind::Agency => "SELECT name FROM agencies WHERE id = ?1",
        SubjectKind::Person => "SELECT name FROM people WHERE id = ?1",
    };
    conn.prepare_cached(sql)?.query_row([id], |r| r.get(0)).optional()
}

const SELECT: &str = "SELECT b.id, b.subject_kind, b.subject_id, \
       CASE b.subject_kind WHEN 'agency' THEN (SELECT name FROM agencies WHERE id = b.subject_id) \
         ELSE (SELECT name FROM people WHERE id = b.subject_id) END, \
       b.ground, b.evidence, b.evidence_ref, b.entered_by, b.entered_on, b.recorded_at, \
       l.reason, l.lifted_by, l.lifted_on \
     FROM blacklist_entries b LEFT JOIN blacklist_lifts l ON l.entry_id = b.id";

fn view(r: &rusqlite::Row<'_>) -> rusqlite::Result<BlacklistEntryView> {
    let kind: String = r.get(1)?;
    let ground: String = r.get(4)?;
    let bad = |i, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("unknown {what}").into())
    };
    Ok(BlacklistEntryView {
        id: r.get(0)?,
        subject_kind: SubjectKind::from_key(&kind).ok_or_else(|| bad(1, "subject kind"))?,
        subject_id: r.get(2)?,
        subject_name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        ground: BlacklistGround::from_key(&ground).ok_or_else(|| bad(4, "ground"))?,
        evidence: r.get(5)?,
        evidence_ref: r.get(6)?,
        entered_by: r.get(7)?,
        entered_on: r.get(8)?,
        recorded_at: r.get(9)?,
        lifted: match r.get::<_, Option<String>>(10)? {
            Some(reason) => Some(BlacklistLiftView { reason, lifted_by: r.get(11)?, lifted_on: r.get(12)? }),
            None => None,
        },
    })
}

fn entry(conn: &Connection, id: &str) -> Result<Option<BlacklistEntryView>, StoreError> {
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE b.id = ?1"))?.query_row([id], view).optional()?)
}

/// The outcome of an entry or a lift: the entry and, for an agency, its grade after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BlacklistChange {
    pub entry: BlacklistEntryView,
    pub grade: Option<GradedAgency>,
}

/// Writes an entry as given: [`Store::enter_blacklist`] checks and trims the form first (its
/// ground is then always there).
pub(crate) fn insert_entry(
    conn: &Connection,
    id: &str,
    e: &NewBlacklistEntry,
    recorded_at: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO blacklist_entries(id, subject_kind, subject_id, ground, evidence, evidence_ref, entered_by, \
         entered_on, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        e.subject_kind.key(),
        e.subject_id,
        e.ground.map(BlacklistGround::key),
        e.evidence,
        e.evidence_ref,
        e.entered_by,
        e.entered_on,
        recorded_at
    ])?;
    Ok(())
}

/// Writes the lifting of an entry as given: [`Store::lift_blacklist`] checks it first.
pub(crate) fn insert_lift(conn: &Connection, entry_id: &str, lift: &BlacklistLiftView) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO blacklist_lifts(entry_id, reason, lifted_by, lifted_on) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![entry_id, lift.reason, lift.lifted_by, lift.lifted_on])?;
    Ok(())
}

impl Store {
    /// Puts an agency or a person on the list. Refused, with nothing written, without one of
    /// the four grounds, without evidence, or for a subject not in this database. An agency is
    /// re-graded (to D) in the same transaction.
    pub fn enter_blacklist(
        &mut self,
        form: &NewBlacklistEntry,
        id: uuid::Uuid,
        rules: &GradeRules,
        today: NaiveDate,
        now: &str,
    ) -> Result<BlacklistChange, StoreError> {
        let checked = blacklist::check_entry(form, today)?;
        let subject = form.subject_id.trim();
        let tx = self.conn.unchecked_transaction()?;
        if subject_name(&tx, form.subject_kind, subject)?.is_none() {
            return Err(StoreError::Invalid {
                field: "subject_id",
                message: Message::new(
                    format!("未找到要列入名单的{}：{subject}", form.subject_kind.label_zh()),
                    format!("No {} {subject} in this database", form.subject_kind.label_en().to_lowercase()),
                ),
            });
        }
        let id = id.to_string();
        let written = NewBlacklistEntry {
            subject_kind: form.subject_kind,
            subject_id: subject.to_owned(),
            ground: Some(checked.ground),
            evidence: form.evidence.trim().to_owned(),
            evidence_ref: form.evidence_ref.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
            entered_by: form.entered_by.trim().to_owned(),
            entered_on: checked.entered_on.to_string(),
        };
        insert_entry(&tx, &id, &written, now)?;
        let grade = match form.subject_kind {
            SubjectKind::Agency => grades::regrade_one(self, subject, rules, today, now)?,
            SubjectKind::Person => None,
        };
        let entry = entry(&tx, &id)?.ok_or_else(|| StoreError::NotFound { what: "blacklist entry", id: id.clone() })?;
        tx.commit()?;
        Ok(BlacklistChange { entry, grade })
    }

    /// Lifts an entry (a second record; the entry itself stays). An agency is re-graded.
    pub fn lift_blacklist(
        &mut self,
        entry_id: &str,
        lift: &BlacklistLiftView,
        rules: &GradeRules,
        today: NaiveDate,
        now: &str,
    ) -> Result<BlacklistChange, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let e = entry(&tx, entry_id)?
            .ok_or_else(|| StoreError::NotFound { what: "blacklist entry", id: entry_id.to_owned() })?;
        if let Some(l) = &e.lifted {
            return Err(StoreError::Invalid {
                field: "entry_id",
                message: Message::new(
                    format!("该记录已于 {} 移出名单", l.lifted_on),
                    format!("This entry was already lifted on {}", l.lifted_on),
                ),
            });
        }
        let entered_on: NaiveDate = e.entered_on.parse().unwrap_or(NaiveDate::MIN);
        let on = blacklist::check_lift(&lift.reason, &lift.lifted_by, &lift.lifted_on, entered_on, today)?;
        let checked = BlacklistLiftView {
            reason: lift.reason.trim().to_owned(),
            lifted_by: lift.lifted_by.trim().to_owned(),
            lifted_on: on.to_string(),
        };
        insert_lift(&tx, entry_id, &checked)?;
        let grade = match e.subject_kind {
            SubjectKind::Agency => grades::regrade_one(self, &e.subject_id, rules, today, now)?,
            SubjectKind::Person => None,
        };
        let entry = entry(&tx, entry_id)?
            .ok_or_else(|| StoreError::NotFound { what: "blacklist entry", id: entry_id.to_owned() })?;
        tx.commit()?;
        Ok(BlacklistChange { entry, grade })
    }

    /// The subject's active entries (empty: not on the list).
    pub fn blacklist_state(&self, kind: SubjectKind, subject_id: &str) -> Result<Vec<BlacklistEntryView>, StoreError> {
        Ok(self.blacklist_of(kind, subject_id)?.into_iter().filter(|e| e.lifted.is_none()).collect())
    }

    /// Every entry of a subject, lifted ones included, newest first.
    pub fn blacklist_of(&self, kind: SubjectKind, subject_id: &str) -> Result<Vec<BlacklistEntryView>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT} WHERE b.subject_kind = ?1 AND b.subject_id = ?2 ORDER BY b.seq DESC"))?;
        let out = stmt.query_map(params![kind.key(), subject_id], view)?.collect::<rusqlite::Result<_>>()?;
        Ok(out)
    }

    /// The whole list, newest first; `active_only` leaves out lifted entries.
    pub fn blacklist(&self, active_only: bool) -> Result<Vec<BlacklistEntryView>, StoreError> {
        let mut stmt =
            self.conn.prepare_cached(&format!("{SELECT} WHERE ?1 = 0 OR l.entry_id IS NULL ORDER BY b.seq DESC"))?;
        let out = stmt.query_map([active_only], view)?.collect::<rusqlite::Result<_>>()?;
        Ok(out)
    }
}
