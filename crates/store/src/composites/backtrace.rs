//! R12 关联倒查: reads what the store holds about one enterprise — its contracts, visits with
//! the people sent and who employs them, hazards with their full event lists, and signed
//! documents — through the same helpers its file and lists use, and hands them to
//! `safeserve_core::backtrace::assemble`, which decides what falls in the period and where
//! each hazard stood on the accident day.
//!
//! Every query is keyed by the enterprise (`contracts_enterprise`, `visits_enterprise`,
//! `hazards_enterprise`, `documents_enterprise`) or by primary key, so a trace costs the same
//! on a database of a hundred thousand enterprises as on a small one.

use crate::base::rows::invalid;
use crate::base::rows::parse_id;
use crate::base::views::{CertificateView, ContractView, DocumentSummary, HazardView, VisitSummary};
use crate::composites::documents::DocumentsOf;
use crate::evidence::hazards;
use crate::evidence::visits;
use crate::registers::contracts;
use crate::registers::divisions;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use safeserve_core::backtrace::{
    self as bt, AgencyRef, Backtrace, ContractRecord, ContractTrace, DocumentTrace, EnterpriseFacts, Gathered,
    HazardRecord, Period, PersonSent, VisitRecord, VisitTrace,
};
use safeserve_core::hazard::HazardEvent;
use safeserve_core::register::Industry;
use safeserve_core::{mask_id_number, AgencyId, EnterpriseId, VisitId};
use std::collections::{HashMap, HashSet};

/// `2026-11-23T09:30:00+08:00` → 2026-11-23 (the local date the record was made).
fn day_of(at: &str) -> Option<NaiveDate> {
    at.get(..10).and_then(|d| d.parse().ok())
}

fn damaged(what: &str, value: &str) -> StoreError {
    invalid(
        "database",
        format!("记录中的日期无法识别：{what} “{value}”"),
        format!("A date in the records cannot be read: {what} {value:?}"),
    )
}

fn enterprise(conn: &Connection, id: &str) -> Result<EnterpriseFacts, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT e.id, e.name, e.credit_code, e.address, {}, e.industry, e.high_risk, e.principal \
         FROM enterprises e WHERE e.id = ?1",
        divisions::name_sql("e.division")
    ))?
    .query_row([id], |r| {
        Ok(EnterpriseFacts {
            id: parse_id(r, 0)?,
            name: r.get(1)?,
            credit_code: r.get(2)?,
            address: r.get(3)?,
            division_name: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            industry: crate::known(("行业", "industry"), &r.get::<_, String>(5)?, Industry::from_key)?,
            high_risk: r.get(6)?,
            principal: r.get(7)?,
        })
    })
    .optional()?
    .ok_or_else(|| StoreError::NotFound { what: "enterprise", id: id.to_owned() })
}

fn contract(c: ContractView) -> Result<ContractRecord, StoreError> {
    let date = |s: &str| s.parse::<NaiveDate>().map_err(|_| damaged("合同期限 contract term", s));
    Ok(ContractRecord {
        agency: c.agency_id,
        trace: ContractTrace {
            id: c.id,
            starts_on: date(&c.starts_on)?,
            ends_on: date(&c.ends_on)?,
            service_types: c.service_types,
            content: c.content,
            visits_per_year: c.visits_per_year,
            fee_yuan: c.fee_yuan,
            filed: c.filed,
            government_commissioned: c.government_commissioned,
            in_force_on_accident: false,
        },
    })
}

/// Who went on one visit, in the order listed, each with the agencies that employ them.
type Sent = Vec<(PersonSent, Vec<AgencyId>)>;

/// The people sent on each of the enterprise's visits from `from` on, in the order listed,
/// with the agencies that employ them. ID numbers are masked as they are read.
fn people_sent(conn: &Connection, enterprise: &str, from: NaiveDate) -> Result<HashMap<String, Sent>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT vp.visit_id, p.name, coalesce(p.id_masked, p.id_number), vp.certificates, \
         (SELECT group_concat(em.agency_id) FROM employments em WHERE em.person_id = vp.person_id) \
         FROM visits v JOIN visit_people vp ON vp.visit_id = v.id JOIN people p ON p.id = vp.person_id \
         WHERE v.enterprise_id = ?1 AND v.started_at >= ?2 ORDER BY vp.visit_id, vp.position",
    )?;
    let mut out: HashMap<String, Sent> = HashMap::new();
    let mut rows = stmt.query(rusqlite::params![enterprise, from.to_string()])?;
    while let Some(r) = rows.next()? {
        let id_number: String = r.get(2)?;
        let certificates: Vec<CertificateView> = serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default();
        let employers: Option<String> = r.get(4)?;
        let person = PersonSent {
            name: r.get(1)?,
            id_number_masked: mask_id_number(&id_number),
            certificates: certificates.iter().map(|c| format!("{} {}", c.kind.label_zh(), c.number)).collect(),
        };
        let employers = employers.unwrap_or_default().split(',').filter_map(|a| a.parse().ok()).collect();
        out.entry(r.get(0)?).or_default().push((person, employers));
    }
    Ok(out)
}

fn visit(v: VisitSummary, people: Sent) -> Result<VisitRecord, StoreError> {
    let date = day_of(&v.started_at).ok_or_else(|| damaged("检查开始时间 visit start", &v.started_at))?;
    let (people, employers) = people.into_iter().unzip();
    Ok(VisitRecord {
        trace: VisitTrace {
            id: v.id,
            kind: v.kind,
            date,
            started_at: v.started_at,
            ended_at: v.ended_at,
            template_title: v.template_title,
            people,
            hazards_major: v.hazards_major,
            hazards_general: v.hazards_general,
        },
        employers,
    })
}

fn hazard(h: HazardView) -> Result<HazardRecord, StoreError> {
    let deadline = h.deadline.parse().map_err(|_| damaged("整改期限 deadline", &h.deadline))?;
    let found_on = day_of(&h.created_at).ok_or_else(|| damaged("隐患登记时间 hazard reported", &h.created_at))?;
    let events = h
        .events
        .iter()
        .map(|e| {
            day_of(&e.at)
                .map(|on| HazardEvent { kind: e.kind, on })
                .ok_or_else(|| damaged("隐患事件时间 hazard event", &e.at))
        })
        .collect::<Result<_, _>>()?;
    Ok(HazardRecord {
        id: h.id,
        visit_id: h.visit_id,
        found_on,
        level: h.level,
        category: h.category,
        description: h.description,
        location: h.location,
        measure: h.measure,
        deadline,
        events,
    })
}

fn document(d: DocumentSummary, visit_id: Option<VisitId>) -> DocumentTrace {
    DocumentTrace {
        id: d.id,
        kind: d.kind,
        title: d.title,
        version: d.version,
        visit_id,
        signed_at: d.signed_at,
        verification_code: d.verification_code,
        superseded: d.superseded_by.is_some(),
        signed_after_accident: false,
    }
}

/// The visit each of the enterprise's documents was drawn from (`DocumentSummary` does not say).
fn document_visits(conn: &Connection, enterprise: &str) -> Result<HashMap<String, Option<VisitId>>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, visit_id FROM documents WHERE enterprise_id = ?1")?;
    let rows = stmt.query_map([enterprise], |r| {
        let visit: Option<String> = r.get(1)?;
        Ok((r.get::<_, String>(0)?, visit.and_then(|v| v.parse().ok())))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn agency(conn: &Connection, id: AgencyId) -> Result<Option<AgencyRef>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT name, credit_code FROM agencies WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok(AgencyRef { id, name: r.get(0)?, credit_code: r.get(1)? }))
        .optional()?)
}

impl Store {
    /// 事故关联倒查 (R12): every agency that served `enterprise` in the `months` before an
    /// accident on `accident` (both days included, see `Period`), with its contracts, visits,
    /// the hazards it found and where each stood on the accident day, and the signed
    /// documents; and the inspectors' own visits. The caller checks the date is not in the
    /// future (`Period::new`): the store reads no clock.
    pub fn backtrace(
        &self,
        enterprise: EnterpriseId,
        accident: NaiveDate,
        months: u32,
    ) -> Result<Backtrace, StoreError> {
        let period =
            Period::before(accident, months).map_err(|message| StoreError::Invalid { field: "months", message })?;
        let id = enterprise.to_string();
        let facts = self::enterprise(&self.conn, &id)?;

        let contracts: Vec<ContractRecord> = contracts::views_by(&self.conn, "enterprise_id", &id, accident)?
            .into_iter()
            .map(contract)
            .collect::<Result<_, _>>()?;

        let mut people = people_sent(&self.conn, &id, period.from)?;
        let visits: Vec<VisitRecord> = visits::summaries(&self.conn, "WHERE v.enterprise_id = ?1 ORDER BY v.seq", &id)?
            .into_iter()
            .filter(|v| day_of(&v.started_at).is_none_or(|d| period.contains(d)))
            .map(|v| {
                let sent = people.remove(&v.id.to_string()).unwrap_or_default();
                visit(v, sent)
            })
            .collect::<Result<_, _>>()?;

        let in_period: HashSet<VisitId> = visits.iter().map(|v| v.trace.id).collect();
        let hazards: Vec<HazardRecord> = hazards::views(&self.conn, hazards::Scope::Target(&id), accident)?
            .into_iter()
            .filter(|h| in_period.contains(&h.visit_id))
            .map(hazard)
            .collect::<Result<_, _>>()?;

        let visit_of = document_visits(&self.conn, &id)?;
        let documents: Vec<DocumentTrace> = self
            .documents(DocumentsOf::Enterprise(enterprise))?
            .into_iter()
            .map(|d| {
                let visit_id = visit_of.get(&d.id.to_string()).copied().flatten();
                document(d, visit_id)
            })
            .collect();

        let mut agency_ids: Vec<AgencyId> = contracts.iter().map(|c| c.agency).collect();
        agency_ids.extend(visits.iter().flat_map(|v| v.employers.iter().flatten().copied()));
        agency_ids.sort();
        agency_ids.dedup();
        let mut agencies = Vec::with_capacity(agency_ids.len());
        for a in agency_ids {
            agencies.extend(agency(&self.conn, a)?);
        }

        let gathered = Gathered { enterprise: facts, agencies, contracts, visits, hazards, documents };
        Ok(bt::assemble(gathered, period))
    }
}
