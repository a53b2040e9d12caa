//! The `agency_acts` table: practice notices (执业告知) and removals from the platform
//! (移除系统平台) with their restorations, as `core::standing` checks them. Acts are written
//! once (triggers in migration 17) and sync as evidence. What follows from them is read here:
//! the counties an agency serves without a notice (an unmet R1 condition) and the removal in
//! force (no new contracts, shown wherever the agency is listed).

use crate::registers::divisions;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{named_params, params, Connection, OptionalExtension};
use safeserve_core::standing::{self, AgencyActKind, NewAgencyAct, RecordedAct};
use safeserve_core::{AgencyId, Message};
use std::collections::HashMap;

fn select() -> String {
    format!(
        "SELECT id, agency_id, kind, county, {}, note, decided_by, decided_on, recorded_at FROM agency_acts",
        divisions::name_sql("county")
    )
}

fn act(r: &rusqlite::Row<'_>) -> rusqlite::Result<RecordedAct> {
    let kind: String = r.get(2)?;
    Ok(RecordedAct {
        id: r.get(0)?,
        agency_id: r.get(1)?,
        kind: AgencyActKind::from_key(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, format!("act {kind}").into())
        })?,
        county: r.get(3)?,
        county_name: r.get(4)?,
        note: r.get(5)?,
        decided_by: r.get(6)?,
        decided_on: r.get(7)?,
        recorded_at: r.get(8)?,
    })
}

/// Every act recorded about `agency`, newest decision first.
pub(crate) fn acts_of(conn: &Connection, agency: &str) -> rusqlite::Result<Vec<RecordedAct>> {
    conn.prepare_cached(&format!("{} WHERE agency_id = ?1 ORDER BY decided_on DESC, seq DESC", select()))?
        .query_map([agency], act)?
        .collect()
}

/// The removal in force of every agency removed from the platform (or of one).
pub(crate) fn removals(conn: &Connection, only: Option<&str>) -> rusqlite::Result<HashMap<String, RecordedAct>> {
    let mut by_agency: HashMap<String, Vec<RecordedAct>> = HashMap::new();
    let mut stmt = conn
        .prepare_cached(&format!("{} WHERE kind <> 'practice_notice' AND (?1 IS NULL OR agency_id = ?1)", select()))?;
    for a in stmt.query_map([only], act)? {
        let a = a?;
        by_agency.entry(a.agency_id.clone()).or_default().push(a);
    }
    Ok(by_agency
        .into_iter()
        .filter_map(|(agency, acts)| standing::removal_in_force(&acts).cloned().map(|r| (agency, r)))
        .collect())
}

/// For each agency (or one): the counties where it serves an enterprise under a contract
/// current on `today` without having given that county's bureau a practice notice by then,
/// by name (R1).
pub(crate) fn unnotified_counties(
    conn: &Connection,
    only: Option<&str>,
    today: NaiveDate,
) -> rusqlite::Result<HashMap<String, Vec<String>>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT agency_id, county, coalesce({}, county) FROM ( \
           SELECT DISTINCT c.agency_id, substr(e.division, 1, 6) AS county \
           FROM contracts c JOIN enterprises e ON e.id = c.enterprise_id \
           WHERE c.starts_on <= :today AND :today <= c.ends_on AND (:only IS NULL OR c.agency_id = :only)) s \
         WHERE NOT EXISTS (SELECT 1 FROM agency_acts n WHERE n.agency_id = s.agency_id \
           AND n.kind = 'practice_notice' AND n.county = s.county AND n.decided_on <= :today) \
         ORDER BY agency_id, county",
        divisions::name_sql("s.county")
    ))?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let mut rows = stmt.query(named_params! { ":today": today.to_string(), ":only": only })?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push(r.get(2)?);
    }
    Ok(out)
}

/// Why `agency` may not take a new contract: its removal from the platform, if in force.
pub(crate) fn contract_bar(conn: &Connection, agency: &str) -> Result<Option<Message>, StoreError> {
    let Some(removal) = removals(conn, Some(agency))?.remove(agency) else { return Ok(None) };
    let name: String = conn.query_row("SELECT name FROM agencies WHERE id = ?1", [agency], |r| r.get(0))?;
    Ok(Some(standing::removal_bars_contract(&name, &removal)))
}

impl Store {
    /// Records a practice notice, a removal from the platform or a restoration. Refused, with
    /// nothing written, for an agency not in this database, a county not in the division
    /// register, or a form `core::standing::check` refuses.
    pub fn record_agency_act(
        &mut self,
        form: &NewAgencyAct,
        id: uuid::Uuid,
        today: NaiveDate,
        now: &str,
    ) -> Result<RecordedAct, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let agency = form.agency_id.trim();
        let known: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM agencies WHERE id = ?1)", [agency], |r| r.get(0))?;
        if !known {
            return Err(StoreError::NotFound { what: "agency", id: agency.to_owned() });
        }
        let removal = removals(&tx, Some(agency))?.remove(agency);
        let checked = standing::check(form, removal.as_ref(), today)?;
        if let Some(county) = &checked.county {
            if !divisions::exists(&tx, county.as_str())? {
                return Err(StoreError::Invalid {
                    field: "county",
                    message: Message::new(
                        format!("行政区划代码 {county} 不在区划表中"),
                        format!("Division {county} is not in the division register"),
                    ),
                });
            }
        }
        let id = id.to_string();
        tx.prepare_cached(
            "INSERT INTO agency_acts(id, agency_id, kind, county, note, decided_by, decided_on, recorded_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id,
            agency,
            checked.kind.key(),
            checked.county.as_ref().map(|c| c.as_str()),
            checked.note,
            checked.decided_by,
            checked.decided_on.to_string(),
            now
        ])?;
        let recorded = tx
            .prepare_cached(&format!("{} WHERE id = ?1", select()))?
            .query_row([&id], act)
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "agency act", id: id.clone() })?;
        tx.commit()?;
        Ok(recorded)
    }

    /// Every practice notice, removal and restoration of an agency, newest first.
    pub fn agency_acts(&self, agency: AgencyId) -> Result<Vec<RecordedAct>, StoreError> {
        Ok(acts_of(&self.conn, &agency.to_string())?)
    }
}
