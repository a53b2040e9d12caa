//! The `agencies` table, and an agency as R1 sees it.

use crate::base::rows::keys_json;
use crate::base::rows::parse_id;
use crate::base::rows::{keys_from_json, SERVICE_TYPE};
use crate::base::search::{self, Register};
use crate::registers::contracts;
use crate::registers::divisions;
use crate::registers::people;
use crate::registers::standing;
use crate::StoreError;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::contract::ReferenceFees;
use safeserve_core::qualification::{self, StaffMember, Thresholds, UnmetCondition};
use safeserve_core::register::{Agency, Industry, ManagementDocument, ServiceType};
use safeserve_core::DivisionCode;

pub(crate) fn insert(conn: &Connection, a: &Agency, created_at: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO agencies(id, credit_code, name, address, office_area_m2, division, service_types, \
         high_risk_industries, platform_registered, documents, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        a.id.to_string(),
        a.credit_code,
        a.name,
        a.address,
        a.office_area_m2,
        a.division.as_str(),
        keys_json(&a.service_types, ServiceType::key),
        keys_json(&a.high_risk_industries, Industry::key),
        a.platform_registered,
        keys_json(&a.documents, ManagementDocument::key),
        created_at,
    ])?;
    let seq = conn.last_insert_rowid();
    search::index_row(conn, Register::Agency, seq)?;
    Ok(seq)
}

/// The columns [`agency_from_row`] reads, in its order.
pub(crate) const AGENCY_COLUMNS: &str = "id, credit_code, name, address, office_area_m2, division, service_types, \
     high_risk_industries, platform_registered, documents";

/// An agency from a row that starts with [`AGENCY_COLUMNS`].
pub(crate) fn agency_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Agency> {
    let division: String = r.get(5)?;
    Ok(Agency {
        id: parse_id(r, 0)?,
        credit_code: r.get(1)?,
        name: r.get(2)?,
        address: r.get(3)?,
        office_area_m2: r.get(4)?,
        division: DivisionCode::parse(&division)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)))?,
        service_types: keys_from_json(SERVICE_TYPE, &r.get::<_, String>(6)?, ServiceType::from_key)?,
        high_risk_industries: keys_from_json(("行业", "industry"), &r.get::<_, String>(7)?, Industry::from_key)?,
        platform_registered: r.get(8)?,
        documents: keys_from_json(
            ("管理制度", "management document"),
            &r.get::<_, String>(9)?,
            ManagementDocument::from_key,
        )?,
    })
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<(Agency, String), StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {AGENCY_COLUMNS}, {} FROM agencies WHERE id = ?1",
        divisions::name_sql("division")
    ))?
    .query_row([id], |r| Ok((agency_from_row(r)?, r.get::<_, Option<String>>(10)?.unwrap_or_default())))
    .optional()?
    .ok_or(StoreError::NotFound { what: "agency", id: id.to_owned() })
}

/// The agency, its division's name, its staff as R1 sees them and what R1 finds on `today`.
pub(crate) fn evaluate(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
) -> Result<(Agency, String, Vec<StaffMember>, Vec<UnmetCondition>), StoreError> {
    let (agency, division_name) = load(conn, id)?;
    let staff = people::staff_of(conn, id, today)?;
    let unnotified = standing::unnotified_counties(conn, Some(id), today)?.remove(id).unwrap_or_default();
    let unmet = qualification::unmet_conditions(&agency, &staff, &unnotified, today, &Thresholds::default());
    Ok((agency, division_name, staff, unmet))
}

/// An agency as the register holds it, with what an import compares it by.
pub(crate) struct Held {
    pub seq: i64,
    pub agency: Agency,
    pub fees: ReferenceFees,
    /// Its division as the ledger shows it (a name the import reads back).
    pub division_name: String,
}

fn held_sql(filter: &str) -> String {
    format!("SELECT {AGENCY_COLUMNS}, seq, reference_fees, {} FROM agencies {filter}", divisions::name_sql("division"))
}

fn held(r: &rusqlite::Row<'_>) -> rusqlite::Result<Held> {
    Ok(Held {
        agency: agency_from_row(r)?,
        seq: r.get(10)?,
        fees: contracts::reference_fees(&r.get::<_, String>(11)?),
        division_name: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
    })
}

/// The agency registered under `credit_code`.
pub(crate) fn by_credit_code(conn: &Connection, credit_code: &str) -> rusqlite::Result<Option<Held>> {
    conn.prepare_cached(&held_sql("WHERE credit_code = ?1"))?.query_row([credit_code], held).optional()
}

/// Every agency in a division (code prefix, empty for all), in registration order.
pub(crate) fn each(conn: &Connection, division_prefix: &str, mut f: impl FnMut(Held)) -> Result<(), StoreError> {
    let (lo, hi) = divisions::prefix_range(division_prefix);
    let mut stmt = conn.prepare(&held_sql("WHERE ?1 = '' OR (division >= ?1 AND division < ?2) ORDER BY seq"))?;
    let mut rows = stmt.query(params![lo, hi])?;
    while let Some(r) = rows.next()? {
        f(held(r)?);
    }
    Ok(())
}

/// Writes every field of the agency at `seq` (its id and credit code stay) and reindexes it.
pub(crate) fn update(conn: &Connection, seq: i64, a: &Agency) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE agencies SET name = ?2, address = ?3, office_area_m2 = ?4, division = ?5, service_types = ?6, \
         high_risk_industries = ?7, platform_registered = ?8, documents = ?9 WHERE seq = ?1",
    )?
    .execute(params![
        seq,
        a.name,
        a.address,
        a.office_area_m2,
        a.division.as_str(),
        keys_json(&a.service_types, ServiceType::key),
        keys_json(&a.high_risk_industries, Industry::key),
        a.platform_registered,
        keys_json(&a.documents, ManagementDocument::key),
    ])?;
    search::reindex(conn, Register::Agency, seq)
}
