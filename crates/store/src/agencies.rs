//! The `agencies` table, and an agency as R1 sees it.

use crate::contracts::{self, parse_id};
use crate::divisions;
use crate::grades;
use crate::people;
use crate::search::{self, Register};
use crate::views::{AgencyDetail, AgencySummary};
use crate::{keys_from_json, keys_json, Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::blacklist::SubjectKind;
use safeserve_core::grading::Grade;
use safeserve_core::qualification::{self, StaffMember, Thresholds, UnmetCondition};
use safeserve_core::register::{Agency, Industry, ManagementDocument, ServiceType};
use safeserve_core::{AgencyId, DivisionCode};

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
        service_types: keys_from_json(&r.get::<_, String>(6)?, ServiceType::from_key),
        high_risk_industries: keys_from_json(&r.get::<_, String>(7)?, Industry::from_key),
        platform_registered: r.get(8)?,
        documents: keys_from_json(&r.get::<_, String>(9)?, ManagementDocument::from_key),
    })
}

fn load(conn: &Connection, id: &str) -> Result<(Agency, String), StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {AGENCY_COLUMNS}, {} FROM agencies WHERE id = ?1",
        divisions::name_sql("division")
    ))?
    .query_row([id], |r| Ok((agency_from_row(r)?, r.get::<_, Option<String>>(10)?.unwrap_or_default())))
    .optional()?
    .ok_or(StoreError::NotFound { what: "agency", id: id.to_owned() })
}

/// The agency, its division's name, its staff as R1 sees them and what R1 finds on `today`.
fn evaluate(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
) -> Result<(Agency, String, Vec<StaffMember>, Vec<UnmetCondition>), StoreError> {
    let (agency, division_name) = load(conn, id)?;
    let staff = people::staff_of(conn, id)?;
    let unmet = qualification::unmet_conditions(&agency, &staff, today, &Thresholds::default());
    Ok((agency, division_name, staff, unmet))
}

/// The agency's recorded credit grade and whether it is on the serious-dishonesty list, shown
/// wherever the agency appears (R10, R11).
fn standing(conn: &Connection, id: &str) -> Result<(Option<Grade>, bool), StoreError> {
    let grade = grades::current_grades(conn, Some(id))?.remove(id);
    let blacklisted = !grades::active_agency_entries(conn, Some(id))?.is_empty();
    Ok((grade, blacklisted))
}

fn summary_of(
    conn: &Connection,
    agency: &Agency,
    division_name: String,
    staff: &[StaffMember],
    unmet: &[UnmetCondition],
) -> Result<AgencySummary, StoreError> {
    let (grade, blacklisted) = standing(conn, &agency.id.to_string())?;
    Ok(AgencySummary {
        id: agency.id,
        name: agency.name.clone(),
        credit_code: agency.credit_code.clone(),
        division_name,
        staff_count: staff.len() as u32,
        qualified: unmet.is_empty(),
        unmet_count: unmet.len() as u32,
        grade,
        blacklisted,
    })
}

impl Store {
    pub fn agency_summary(&self, id: AgencyId, today: NaiveDate) -> Result<AgencySummary, StoreError> {
        let (agency, division_name, staff, unmet) = evaluate(&self.conn, &id.to_string(), today)?;
        summary_of(&self.conn, &agency, division_name, &staff, &unmet)
    }

    /// Agencies matching `text` (newest first; empty text lists the newest), each with its
    /// R1 status on `today`.
    pub fn search_agencies(
        &self,
        text: &str,
        limit: usize,
        today: NaiveDate,
    ) -> Result<Vec<AgencySummary>, StoreError> {
        let seqs = search::newest_or_find(&self.conn, Register::Agency, text, limit)?;
        let mut id_of = self.conn.prepare_cached("SELECT id FROM agencies WHERE seq = ?1")?;
        seqs.into_iter()
            .map(|seq| {
                let id: String = id_of.query_row([seq], |r| r.get(0))?;
                let (agency, division_name, staff, unmet) = evaluate(&self.conn, &id, today)?;
                summary_of(&self.conn, &agency, division_name, &staff, &unmet)
            })
            .collect()
    }

    /// An agency with every unmet R1 condition spelled out, its staff and its contracts.
    pub fn agency_detail(&self, id: AgencyId, today: NaiveDate) -> Result<AgencyDetail, StoreError> {
        let id_s = id.to_string();
        let (agency, division_name, staff, unmet) = evaluate(&self.conn, &id_s, today)?;
        let staff_views = people::staff_views(&self.conn, &id_s, today)?;
        Ok(AgencyDetail {
            agency: summary_of(&self.conn, &agency, division_name, &staff, &unmet)?,
            address: agency.address,
            office_area_m2: agency.office_area_m2,
            service_types: agency.service_types,
            high_risk_industries: agency.high_risk_industries,
            platform_registered: agency.platform_registered,
            documents: agency.documents,
            unmet,
            staff: staff_views,
            contracts: contracts::views_by(&self.conn, "agency_id", &id_s, today)?,
            blacklist: self.blacklist_state(SubjectKind::Agency, &id_s)?,
            commission_barrier: self.commission_barrier(id)?,
        })
    }
}
