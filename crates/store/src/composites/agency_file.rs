//! An agency as the screens show it: its R1 standing with its recorded grade and blacklist
//! state (R10, R11) in lists, and in full with staff, contracts and what bars commissioned work.

use crate::base::search::{self, Register};
use crate::base::views::{AgencyDetail, AgencySummary};
use crate::registers::agencies::{self, evaluate};
use crate::registers::{contracts, people, standing};
use crate::supervision::grades;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::Connection;
use safeserve_core::blacklist::SubjectKind;
use safeserve_core::grading::Grade;
use safeserve_core::import::agencies::fee_list;
use safeserve_core::qualification::{StaffMember, UnmetCondition};
use safeserve_core::register::Agency;
use safeserve_core::standing::RecordedAct;
use safeserve_core::AgencyId;

/// The agency's recorded credit grade, whether it is on the serious-dishonesty list and its
/// removal from the platform, shown wherever the agency appears (R10, R11, R12).
fn standing(conn: &Connection, id: &str) -> Result<(Option<Grade>, bool, Option<RecordedAct>), StoreError> {
    let grade = grades::current_grades(conn, Some(id))?.remove(id);
    let blacklisted = !grades::active_agency_entries(conn, Some(id))?.is_empty();
    let removal = standing::removals(conn, Some(id))?.remove(id);
    Ok((grade, blacklisted, removal))
}

fn summary_of(
    conn: &Connection,
    agency: &Agency,
    division_name: String,
    staff: &[StaffMember],
    unmet: &[UnmetCondition],
) -> Result<AgencySummary, StoreError> {
    let (grade, blacklisted, removal) = standing(conn, &agency.id.to_string())?;
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
        removal,
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
        let fees = agencies::by_credit_code(&self.conn, &agency.credit_code)?.map(|h| h.fees).unwrap_or_default();
        Ok(AgencyDetail {
            division: agency.division.as_str().to_owned(),
            reference_fees: fee_list(&fees),
            history: self.agency_history(&agency.credit_code)?,
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
            acts: standing::acts_of(&self.conn, &id_s)?,
        })
    }
}
