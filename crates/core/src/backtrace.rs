//! R12 关联倒查 — after an accident at an enterprise, trace back every agency that served it
//! and what each recorded in the period before: contracts, visits, the people sent, the hazards
//! found and where each stood on the accident day, and the signed documents.
//!
//! The store gathers an enterprise's records ([`Gathered`]); everything that decides what is in
//! the trace and what it says is here and pure: the period ([`Period`]), which agency a visit
//! belongs to ([`attribute`]), a hazard's standing *on the accident day* from its append-only
//! events ([`standing_on`]) — never today's state, which may have moved on since — and the
//! summary line per agency ([`tally`]).

use crate::document::DocumentKind;
use crate::hazard::{self, HazardCategory, HazardEvent, HazardLevel, HazardStatus};
use crate::ids::{AgencyId, ContractId, DocumentId, EnterpriseId, HazardId, VisitId};
use crate::labels::labelled_enum;
use crate::message::Message;
use crate::register::{Industry, ServiceType};
use crate::visit::VisitKind;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use ts_rs::TS;

/// The period traced back when none is asked for: the year before the accident.
pub const DEFAULT_MONTHS: u32 = 12;
/// The longest period that can be asked for (ten years); records older than that are archive.
pub const MAX_MONTHS: u32 = 120;

/// The period traced back: `[accident − months, accident]`, both days included.
///
/// Edges, as a supervisor reads them: a visit on exactly the first day is in; the accident day
/// itself is in (what was found that morning counts); a contract that ended the day before the
/// first day is out. The month step is chrono's `checked_sub_months`, which keeps the day of
/// the month and clamps it to the month's last day: 2026-02-28 − 12 months is 2025-02-28, and
/// 2024-02-29 − 12 months is 2023-02-28.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Period {
    /// First day in the period.
    #[ts(type = "string")]
    pub from: NaiveDate,
    /// The accident day, the last day in the period.
    #[ts(type = "string")]
    pub to: NaiveDate,
    pub months: u32,
}

impl Period {
    /// The period before an accident on `accident`, checked against `today` (an accident in the
    /// future is a typing mistake, not a trace).
    pub fn new(accident: NaiveDate, months: u32, today: NaiveDate) -> Result<Period, Message> {
        if accident > today {
            return Err(Message::new(
                format!("事故日期 {accident} 晚于今天（{today}），请核对"),
                format!("The accident date {accident} is after today ({today}); check it"),
            ));
        }
        Period::before(accident, months)
    }

    /// The period before `accident`, without the check against today (the store reads no
    /// clock; the CLI and the app check the date first with [`Period::new`]).
    pub fn before(accident: NaiveDate, months: u32) -> Result<Period, Message> {
        if months == 0 || months > MAX_MONTHS {
            return Err(Message::new(
                format!("倒查期限应为 1 至 {MAX_MONTHS} 个月，实为 {months}"),
                format!("The period must be 1 to {MAX_MONTHS} months, not {months}"),
            ));
        }
        let from = accident.checked_sub_months(Months::new(months)).ok_or_else(|| {
            Message::new(
                format!("事故日期 {accident} 前推 {months} 个月超出日期范围"),
                format!("{months} months before {accident} is out of the date range"),
            )
        })?;
        Ok(Period { from, to: accident, months })
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Whether a term `[starts, ends]` (both included) shares at least one day with the period.
    pub fn overlaps(&self, starts: NaiveDate, ends: NaiveDate) -> bool {
        starts <= self.to && ends >= self.from
    }

    /// Days a term `[starts, ends]` shares with the period, both ends counted.
    pub fn overlap_days(&self, starts: NaiveDate, ends: NaiveDate) -> i64 {
        let (a, b) = (starts.max(self.from), ends.min(self.to));
        if a > b {
            0
        } else {
            (b - a).num_days() + 1
        }
    }
}

labelled_enum! {
    /// Where a hazard stood on the accident day.
    HazardStanding {
        Closed = "closed", "已闭环", "Closed";
        Open = "open", "未闭环", "Open";
        Overdue = "overdue", "逾期未整改", "Overdue";
    }
}

/// The enterprise traced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EnterpriseFacts {
    pub id: EnterpriseId,
    pub name: String,
    pub credit_code: String,
    pub address: String,
    /// "西湖区 · 转塘街道"
    pub division_name: String,
    pub industry: Industry,
    pub high_risk: bool,
    pub principal: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyRef {
    pub id: AgencyId,
    pub name: String,
    pub credit_code: String,
}

/// A contract that shares at least one day with the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContractTrace {
    pub id: ContractId,
    pub service_types: Vec<ServiceType>,
    pub content: String,
    /// Visits per year the contract promises.
    pub visits_per_year: u32,
    #[ts(type = "string")]
    pub starts_on: NaiveDate,
    #[ts(type = "string")]
    pub ends_on: NaiveDate,
    /// Yuan with two decimals, e.g. "12800.00".
    pub fee_yuan: String,
    pub filed: bool,
    pub government_commissioned: bool,
    /// In force on the accident day.
    pub in_force_on_accident: bool,
}

/// Someone sent on a visit. Only the masked ID number ever enters a trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonSent {
    pub name: String,
    /// 330102********1234
    pub id_number_masked: String,
    /// As they stood when the visit started, e.g. "注册安全工程师 ZA2023001".
    pub certificates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitTrace {
    pub id: VisitId,
    pub kind: VisitKind,
    /// The day the visit started (local date).
    #[ts(type = "string")]
    pub date: NaiveDate,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub template_title: String,
    pub people: Vec<PersonSent>,
    pub hazards_major: u32,
    pub hazards_general: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HazardTrace {
    pub id: HazardId,
    pub visit_id: VisitId,
    #[ts(type = "string")]
    pub found_on: NaiveDate,
    pub level: HazardLevel,
    pub category: HazardCategory,
    pub description: String,
    pub location: String,
    pub measure: String,
    #[ts(type = "string")]
    pub deadline: NaiveDate,
    /// Where it stood on the accident day, from the events up to that day.
    pub standing: HazardStanding,
    /// Closed on or before the accident day (closed on the accident day itself counts).
    pub closed_before_accident: bool,
    /// The day it was closed, if it ever was — possibly after the accident.
    #[ts(type = "string | null")]
    pub closed_on: Option<NaiveDate>,
    /// A major hazard reported to the government on or before the accident day (R4).
    pub reported_to_government: bool,
    /// Where it stands by every event recorded, including those after the accident.
    pub status_now: HazardStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocumentTrace {
    pub id: DocumentId,
    pub kind: DocumentKind,
    pub title: String,
    pub version: u32,
    pub visit_id: Option<VisitId>,
    pub signed_at: String,
    pub verification_code: String,
    /// A later version replaces it.
    pub superseded: bool,
    /// Signed after the accident day: a record of the period made afterwards deserves a look.
    pub signed_after_accident: bool,
}

/// The summary line of one party's work in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Tally {
    pub visits_made: u32,
    /// Visits the contracts promise over their days in the period (rounded); 0 for inspectors.
    pub visits_contracted: u32,
    pub hazards_found: u32,
    pub major_found: u32,
    pub closed_by_accident: u32,
    pub open_at_accident: u32,
    pub overdue_at_accident: u32,
    pub major_open_at_accident: u32,
    /// Fewer visits made than the contracts promise.
    pub short_of_contract: bool,
    pub line: Message,
}

/// One agency's part: its contracts, visits, hazards and documents in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyTrace {
    pub agency: AgencyRef,
    pub contracts: Vec<ContractTrace>,
    pub visits: Vec<VisitTrace>,
    /// In the order of every hazard list (R8, [`hazard_order`]).
    pub hazards: Vec<HazardTrace>,
    pub documents: Vec<DocumentTrace>,
    pub tally: Tally,
}

/// Visits no agency made: inspectors' spot checks and re-inspections, and any visit whose
/// people no agency employs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OtherVisits {
    pub visits: Vec<VisitTrace>,
    pub hazards: Vec<HazardTrace>,
    pub documents: Vec<DocumentTrace>,
}

/// 事故关联倒查 (R12): everything on record about the enterprise for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Backtrace {
    pub enterprise: EnterpriseFacts,
    #[ts(type = "string")]
    pub accident: NaiveDate,
    pub period: Period,
    /// Agencies in force on the accident day first.
    pub agencies: Vec<AgencyTrace>,
    pub inspections: OtherVisits,
    pub inspections_tally: Tally,
    /// Documents filed under the enterprise but no visit (the enterprise file), signed in the period.
    pub other_documents: Vec<DocumentTrace>,
    pub totals: Tally,
}

/// A contract as the store reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractRecord {
    pub agency: AgencyId,
    pub trace: ContractTrace,
}

/// A visit as the store reads it, with the agencies that employ each person sent (in the
/// order they were listed).
#[derive(Debug, Clone, PartialEq)]
pub struct VisitRecord {
    pub trace: VisitTrace,
    pub employers: Vec<Vec<AgencyId>>,
}

/// A hazard as the store reads it: its fields and every event in append order.
#[derive(Debug, Clone, PartialEq)]
pub struct HazardRecord {
    pub id: HazardId,
    pub visit_id: VisitId,
    pub found_on: NaiveDate,
    pub level: HazardLevel,
    pub category: HazardCategory,
    pub description: String,
    pub location: String,
    pub measure: String,
    pub deadline: NaiveDate,
    pub events: Vec<HazardEvent>,
}

/// Everything the store holds about an enterprise that a trace may use. Records outside the
/// period may be included: [`assemble`] decides what is in.
#[derive(Debug, Clone, PartialEq)]
pub struct Gathered {
    pub enterprise: EnterpriseFacts,
    /// Names of the agencies contracts and employments point at.
    pub agencies: Vec<AgencyRef>,
    pub contracts: Vec<ContractRecord>,
    pub visits: Vec<VisitRecord>,
    pub hazards: Vec<HazardRecord>,
    /// `signed_after_accident` is worked out here; the store's value is ignored.
    pub documents: Vec<DocumentTrace>,
}

/// What the CLI and the app say when the enterprise asked for is not in the database.
pub fn unknown_enterprise(id: EnterpriseId) -> Message {
    Message::new(
        format!("本数据库中没有编号为 {id} 的企业，请核对企业编号（或先同步数据）"),
        format!("No enterprise with the id {id} is in this database; check the id (or sync first)"),
    )
}

/// Which agency made a visit. The visit record names the enterprise and the people sent, not
/// the agency, so it is read from who employs them: an employer under contract with the
/// enterprise on the visit day first, then one with any contract with it, then — for a service
/// visit only — any employer (service without a contract, which the trace should show).
/// Inspectors' spot checks and agency inspections belong to no agency.
pub fn attribute(
    kind: VisitKind,
    day: NaiveDate,
    employers: &[Vec<AgencyId>],
    contracts: &[ContractRecord],
) -> Option<AgencyId> {
    if matches!(kind, VisitKind::SpotCheck | VisitKind::AgencyInspection) {
        return None;
    }
    let employs = || employers.iter().flatten();
    let covers =
        |a: &AgencyId| contracts.iter().any(|c| c.agency == *a && c.trace.starts_on <= day && day <= c.trace.ends_on);
    let any_contract = |a: &AgencyId| contracts.iter().any(|c| c.agency == *a);
    employs()
        .find(|a| covers(a))
        .or_else(|| employs().find(|a| any_contract(a)))
        .or_else(|| if kind.by_agency() { employs().next() } else { None })
        .copied()
}

/// The day a hazard's events last turned it closed, if they ever did.
pub fn closed_on(events: &[HazardEvent]) -> Option<NaiveDate> {
    let mut closed = None;
    let mut seen = Vec::with_capacity(events.len());
    for e in events {
        seen.push(e.clone());
        let now_closed = hazard::state(&seen, NaiveDate::MAX, NaiveDate::MIN).status == HazardStatus::Closed;
        closed = match (closed, now_closed) {
            (None, true) => Some(e.on),
            (c, true) => c,
            (_, false) => None,
        };
    }
    closed
}

/// Where a hazard stood on `day`: only the events up to and including that day count, so a
/// hazard closed on the accident day is closed, and one closed the day after was open.
pub fn standing_on(events: &[HazardEvent], deadline: NaiveDate, day: NaiveDate) -> (HazardStanding, bool) {
    let upto: Vec<HazardEvent> = events.iter().filter(|e| e.on <= day).cloned().collect();
    let s = hazard::state(&upto, deadline, day);
    let standing = if s.status == HazardStatus::Closed {
        HazardStanding::Closed
    } else if s.overdue {
        HazardStanding::Overdue
    } else {
        HazardStanding::Open
    };
    (standing, s.reported_to_government)
}

/// The order of every hazard list ([`hazard::list_order`], R8), for the hazards as they stood
/// on the accident day: the found day stands in for the order of creation.
pub fn hazard_order(a: &HazardTrace, b: &HazardTrace) -> Ordering {
    let ranked = |h: &HazardTrace| hazard::Ranked {
        level: h.level,
        state: hazard::HazardState {
            status: if h.standing == HazardStanding::Closed { HazardStatus::Closed } else { HazardStatus::Open },
            overdue: h.standing == HazardStanding::Overdue,
            reported_to_government: h.reported_to_government,
            escalated: false,
        },
        deadline: h.deadline,
        seq: i64::from(h.found_on.num_days_from_ce()),
    };
    hazard::list_order(&ranked(a), &ranked(b))
}

/// Visits the contracts promise over their days in the period: each contract's yearly
/// frequency times the share of a year it overlaps the period, rounded to the nearest visit.
pub fn visits_contracted(contracts: &[ContractTrace], period: &Period) -> u32 {
    contracts
        .iter()
        .map(|c| {
            let days = period.overlap_days(c.starts_on, c.ends_on);
            ((i64::from(c.visits_per_year) * days + 182) / 365) as u32
        })
        .sum()
}

/// The summary line of a party. `contracted` is `None` for inspectors, who promise nothing.
pub fn tally(visits: &[VisitTrace], hazards: &[HazardTrace], contracted: Option<u32>) -> Tally {
    let count = |f: &dyn Fn(&HazardTrace) -> bool| hazards.iter().filter(|h| f(h)).count() as u32;
    let major = |h: &HazardTrace| h.level == HazardLevel::Major;
    let t = Tally {
        visits_made: visits.len() as u32,
        visits_contracted: contracted.unwrap_or(0),
        hazards_found: hazards.len() as u32,
        major_found: count(&major),
        closed_by_accident: count(&|h| h.standing == HazardStanding::Closed),
        open_at_accident: count(&|h| h.standing != HazardStanding::Closed),
        overdue_at_accident: count(&|h| h.standing == HazardStanding::Overdue),
        major_open_at_accident: count(&|h| major(h) && h.standing != HazardStanding::Closed),
        short_of_contract: contracted.is_some_and(|c| (visits.len() as u32) < c),
        line: Message::new("", ""),
    };
    let (zh_visits, en_visits) = match contracted {
        Some(c) => (
            format!(
                "期内现场服务 {} 次（合同约定约 {c} 次{}）",
                t.visits_made,
                if t.short_of_contract { "，未达约定频次" } else { "" }
            ),
            format!(
                "{} visit(s) in the period (contracts promise about {c}{})",
                t.visits_made,
                if t.short_of_contract { ", fewer than promised" } else { "" }
            ),
        ),
        None => (format!("期内检查 {} 次", t.visits_made), format!("{} inspection(s) in the period", t.visits_made)),
    };
    let line = Message::new(
        format!(
            "{zh_visits}；发现隐患 {} 项（重大 {} 项）；事故发生时已闭环 {} 项，未闭环 {} 项（逾期 {} 项），其中重大隐患未闭环 {} 项",
            t.hazards_found,
            t.major_found,
            t.closed_by_accident,
            t.open_at_accident,
            t.overdue_at_accident,
            t.major_open_at_accident
        ),
        format!(
            "{en_visits}; {} hazard(s) found ({} major); on the accident day {} closed, {} open ({} overdue), {} major still open",
            t.hazards_found,
            t.major_found,
            t.closed_by_accident,
            t.open_at_accident,
            t.overdue_at_accident,
            t.major_open_at_accident
        ),
    );
    Tally { line, ..t }
}

fn date_of(rfc3339: &str) -> Option<NaiveDate> {
    rfc3339.get(..10).and_then(|d| d.parse().ok())
}

fn hazard_trace(h: HazardRecord, accident: NaiveDate) -> HazardTrace {
    let (standing, reported_to_government) = standing_on(&h.events, h.deadline, accident);
    let now = hazard::state(&h.events, h.deadline, NaiveDate::MIN);
    HazardTrace {
        closed_on: closed_on(&h.events),
        id: h.id,
        visit_id: h.visit_id,
        found_on: h.found_on,
        level: h.level,
        category: h.category,
        description: h.description,
        location: h.location,
        measure: h.measure,
        deadline: h.deadline,
        standing,
        closed_before_accident: standing == HazardStanding::Closed,
        reported_to_government,
        status_now: now.status,
    }
}

/// Where a visit's records go: an agency, or the inspectors' list.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Party {
    Agency(AgencyId),
    Other,
}

/// Builds the trace: keeps the contracts that overlap the period, the visits in it (and their
/// hazards and documents), gives each to the agency that made it, and works out where each
/// hazard stood on the accident day.
pub fn assemble(g: Gathered, period: Period) -> Backtrace {
    let accident = period.to;
    let contracts: Vec<ContractRecord> = g
        .contracts
        .into_iter()
        .map(|mut c| {
            c.trace.in_force_on_accident = c.trace.starts_on <= accident && accident <= c.trace.ends_on;
            c
        })
        .collect();

    let mut party_of_visit: HashMap<VisitId, Party> = HashMap::new();
    let mut visits: Vec<(Party, VisitTrace)> = Vec::new();
    for v in g.visits.into_iter().filter(|v| period.contains(v.trace.date)) {
        let party = match attribute(v.trace.kind, v.trace.date, &v.employers, &contracts) {
            Some(a) => Party::Agency(a),
            None => Party::Other,
        };
        party_of_visit.insert(v.trace.id, party);
        visits.push((party, v.trace));
    }

    let mut hazards: Vec<(Party, HazardTrace)> = Vec::new();
    for h in g.hazards {
        if let Some(&party) = party_of_visit.get(&h.visit_id) {
            hazards.push((party, hazard_trace(h, accident)));
        }
    }
    for (_, v) in visits.iter_mut() {
        let of_visit = || hazards.iter().filter(|(_, h)| h.visit_id == v.id);
        v.hazards_major = of_visit().filter(|(_, h)| h.level == HazardLevel::Major).count() as u32;
        v.hazards_general = of_visit().filter(|(_, h)| h.level == HazardLevel::General).count() as u32;
    }

    let mut documents: Vec<(Option<Party>, DocumentTrace)> = Vec::new();
    for mut d in g.documents {
        d.signed_after_accident = date_of(&d.signed_at).is_some_and(|day| day > accident);
        match d.visit_id {
            Some(v) => {
                if let Some(&party) = party_of_visit.get(&v) {
                    documents.push((Some(party), d));
                }
            }
            None if date_of(&d.signed_at).is_some_and(|day| period.contains(day)) => documents.push((None, d)),
            None => {}
        }
    }

    // Agencies: every one with a contract in the period, and every one that made a visit in it.
    let mut ids: Vec<AgencyId> = Vec::new();
    for c in contracts.iter().filter(|c| period.overlaps(c.trace.starts_on, c.trace.ends_on)) {
        if !ids.contains(&c.agency) {
            ids.push(c.agency);
        }
    }
    for (p, _) in &visits {
        if let Party::Agency(a) = p {
            if !ids.contains(a) {
                ids.push(*a);
            }
        }
    }

    let take_visits = |p: Party| -> Vec<VisitTrace> {
        let mut v: Vec<VisitTrace> = visits.iter().filter(|(q, _)| *q == p).map(|(_, v)| v.clone()).collect();
        v.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.started_at.cmp(&b.started_at)));
        v
    };
    let take_hazards = |p: Party| -> Vec<HazardTrace> {
        let mut h: Vec<HazardTrace> = hazards.iter().filter(|(q, _)| *q == p).map(|(_, h)| h.clone()).collect();
        h.sort_by(hazard_order);
        h
    };
    let take_documents = |p: Option<Party>| -> Vec<DocumentTrace> {
        let mut d: Vec<DocumentTrace> = documents.iter().filter(|(q, _)| *q == p).map(|(_, d)| d.clone()).collect();
        d.sort_by(|a, b| a.signed_at.cmp(&b.signed_at).then(a.version.cmp(&b.version)));
        d
    };

    let mut agencies: Vec<AgencyTrace> = ids
        .iter()
        .map(|&id| {
            let agency = g.agencies.iter().find(|a| a.id == id).cloned().unwrap_or_else(|| AgencyRef {
                id,
                name: id.to_string(),
                credit_code: String::new(),
            });
            let mut own: Vec<ContractTrace> = contracts
                .iter()
                .filter(|c| c.agency == id && period.overlaps(c.trace.starts_on, c.trace.ends_on))
                .map(|c| c.trace.clone())
                .collect();
            own.sort_by_key(|c| c.starts_on);
            let party = Party::Agency(id);
            let (visits, hazards) = (take_visits(party), take_hazards(party));
            let tally = tally(&visits, &hazards, Some(visits_contracted(&own, &period)));
            AgencyTrace { agency, contracts: own, visits, hazards, documents: take_documents(Some(party)), tally }
        })
        .collect();
    agencies.sort_by(|a, b| {
        let in_force = |t: &AgencyTrace| t.contracts.iter().any(|c| c.in_force_on_accident);
        in_force(b).cmp(&in_force(a)).then_with(|| a.agency.name.cmp(&b.agency.name))
    });

    let inspections = OtherVisits {
        visits: take_visits(Party::Other),
        hazards: take_hazards(Party::Other),
        documents: take_documents(Some(Party::Other)),
    };
    let inspections_tally = tally(&inspections.visits, &inspections.hazards, None);
    let all_visits: Vec<VisitTrace> = visits.iter().map(|(_, v)| v.clone()).collect();
    let all_hazards: Vec<HazardTrace> = hazards.iter().map(|(_, h)| h.clone()).collect();
    let promised = agencies.iter().map(|a| a.tally.visits_contracted).sum();
    let mut totals = tally(&all_visits, &all_hazards, Some(promised));
    totals.short_of_contract = agencies.iter().any(|a| a.tally.short_of_contract);

    Backtrace {
        enterprise: g.enterprise,
        accident,
        period,
        agencies,
        inspections,
        inspections_tally,
        other_documents: take_documents(None),
        totals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hazard::HazardEventKind;
    use crate::hazard::HazardEventKind::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The fixed clock of these tests: the accident happened on 2026-11-23, checked a day later.
    fn accident() -> NaiveDate {
        d(2026, 11, 23)
    }

    fn today() -> NaiveDate {
        d(2026, 11, 24)
    }

    fn uuid(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn contract(agency: u128, n: u128, starts: NaiveDate, ends: NaiveDate, per_year: u32) -> ContractRecord {
        ContractRecord {
            agency: AgencyId(uuid(agency)),
            trace: ContractTrace {
                id: ContractId(uuid(n)),
                service_types: vec![ServiceType::SafetyManagement],
                content: "安全管理服务".into(),
                visits_per_year: per_year,
                starts_on: starts,
                ends_on: ends,
                fee_yuan: "12800.00".into(),
                filed: true,
                government_commissioned: false,
                in_force_on_accident: false,
            },
        }
    }

    fn visit(n: u128, kind: VisitKind, date: NaiveDate, employers: &[u128]) -> VisitRecord {
        VisitRecord {
            trace: VisitTrace {
                id: VisitId(uuid(n)),
                kind,
                date,
                started_at: format!("{date}T09:00:00+08:00"),
                ended_at: Some(format!("{date}T11:00:00+08:00")),
                template_title: "企业通用安全检查表".into(),
                people: vec![PersonSent {
                    name: "张三".into(),
                    id_number_masked: "330102********1234".into(),
                    certificates: vec![],
                }],
                hazards_major: 0,
                hazards_general: 0,
            },
            employers: vec![employers.iter().map(|a| AgencyId(uuid(*a))).collect()],
        }
    }

    fn hazard(
        n: u128,
        visit: u128,
        level: HazardLevel,
        found: NaiveDate,
        events: &[(HazardEventKind, NaiveDate)],
    ) -> HazardRecord {
        HazardRecord {
            id: HazardId(uuid(n)),
            visit_id: VisitId(uuid(visit)),
            found_on: found,
            level,
            category: HazardCategory::Fire,
            description: format!("隐患 {n}"),
            location: "一号车间".into(),
            measure: "立即整改".into(),
            deadline: found + chrono::Days::new(level.default_rectification_days()),
            events: events.iter().map(|(kind, on)| HazardEvent { kind: *kind, on: *on }).collect(),
        }
    }

    fn gathered(contracts: Vec<ContractRecord>, visits: Vec<VisitRecord>, hazards: Vec<HazardRecord>) -> Gathered {
        Gathered {
            enterprise: EnterpriseFacts {
                id: EnterpriseId(uuid(1)),
                name: "杭州某某化工有限公司".into(),
                credit_code: "91330106MA2XXXXXX1".into(),
                address: "杭州市西湖区".into(),
                division_name: "西湖区 · 转塘街道".into(),
                industry: Industry::Chemical,
                high_risk: true,
                principal: "王伟".into(),
            },
            agencies: vec![
                AgencyRef { id: AgencyId(uuid(100)), name: "甲安全咨询".into(), credit_code: "A".into() },
                AgencyRef { id: AgencyId(uuid(200)), name: "乙安全技术".into(), credit_code: "B".into() },
            ],
            contracts,
            visits,
            hazards,
            documents: vec![],
        }
    }

    fn period() -> Period {
        Period::new(accident(), DEFAULT_MONTHS, today()).unwrap()
    }

    #[test]
    fn the_window_is_twelve_months_back_both_days_included() {
        let w = period();
        assert_eq!(w.from, d(2025, 11, 23));
        assert_eq!(w.to, accident());
        assert!(w.contains(d(2025, 11, 23)), "exactly D − 12 months is in");
        assert!(!w.contains(d(2025, 11, 22)));
        assert!(w.contains(accident()), "the accident day is in");
        assert!(!w.contains(d(2026, 11, 24)));
    }

    #[test]
    fn month_arithmetic_clamps_to_the_end_of_the_month() {
        let w = Period::new(d(2026, 2, 28), 12, today()).unwrap();
        assert_eq!(w.from, d(2025, 2, 28));
        let w = Period::new(d(2024, 2, 29), 12, today()).unwrap();
        assert_eq!(w.from, d(2023, 2, 28));
        let w = Period::new(d(2026, 3, 31), 1, today()).unwrap();
        assert_eq!(w.from, d(2026, 2, 28));
    }

    #[test]
    fn a_future_accident_or_a_silly_period_is_refused_in_chinese_first() {
        let e = Period::new(d(2026, 11, 25), 12, today()).unwrap_err();
        assert!(e.zh.contains("晚于今天"), "{e}");
        assert!(Period::new(today(), 12, today()).is_ok(), "an accident today can be traced");
        assert!(Period::new(accident(), 0, today()).is_err());
        assert!(Period::new(accident(), MAX_MONTHS + 1, today()).is_err());
    }

    #[test]
    fn a_contract_ending_the_day_before_the_window_is_out() {
        let w = period();
        assert!(!w.overlaps(d(2024, 11, 23), d(2025, 11, 22)));
        assert!(w.overlaps(d(2024, 11, 23), d(2025, 11, 23)), "ending on the first day shares one day");
        assert_eq!(w.overlap_days(d(2024, 11, 23), d(2025, 11, 23)), 1);
        assert!(!w.overlaps(d(2026, 11, 24), d(2027, 11, 23)), "starting after the accident is out");
    }

    #[test]
    fn a_hazard_closed_on_the_accident_day_counts_as_closed() {
        let found = d(2026, 10, 1);
        let deadline = d(2026, 10, 31);
        let on_the_day = [
            HazardEvent { kind: Reported, on: found },
            HazardEvent { kind: Verified, on: accident() },
            HazardEvent { kind: Closed, on: accident() },
        ];
        assert_eq!(standing_on(&on_the_day, deadline, accident()).0, HazardStanding::Closed);
        let day_after = [HazardEvent { kind: Reported, on: found }, HazardEvent { kind: Closed, on: d(2026, 11, 24) }];
        assert_eq!(standing_on(&day_after, deadline, accident()).0, HazardStanding::Overdue);
        assert_eq!(closed_on(&day_after), Some(d(2026, 11, 24)), "closed later is still known");
        assert_eq!(
            standing_on(&day_after[..1], d(2026, 11, 23), accident()).0,
            HazardStanding::Open,
            "deadline day is in time"
        );
    }

    #[test]
    fn visits_go_to_the_agency_under_contract_and_spot_checks_to_inspectors() {
        let c = vec![
            contract(100, 10, d(2026, 1, 1), d(2026, 12, 31), 4),
            contract(200, 20, d(2025, 1, 1), d(2025, 12, 31), 4),
        ];
        let a = |n| AgencyId(uuid(n));
        // A person employed by both: the contract covering the day decides.
        let both = vec![vec![a(200), a(100)]];
        assert_eq!(attribute(VisitKind::Service, d(2026, 3, 1), &both, &c), Some(a(100)));
        assert_eq!(attribute(VisitKind::Service, d(2025, 3, 1), &both, &c), Some(a(200)));
        assert_eq!(attribute(VisitKind::SpotCheck, d(2026, 3, 1), &both, &c), None);
        // No contract at all: a service visit still names its agency; a re-inspection does not.
        let stranger = vec![vec![a(300)]];
        assert_eq!(attribute(VisitKind::Service, d(2026, 3, 1), &stranger, &c), Some(a(300)));
        assert_eq!(attribute(VisitKind::Reinspection, d(2026, 3, 1), &stranger, &c), None);
        assert_eq!(attribute(VisitKind::Reinspection, d(2026, 3, 1), &[vec![], vec![a(100)]], &c), Some(a(100)));
    }

    #[test]
    fn assemble_keeps_the_window_and_says_where_each_hazard_stood() {
        let before = d(2025, 11, 22);
        let first_day = d(2025, 11, 23);
        let g = gathered(
            vec![
                contract(100, 10, d(2025, 6, 1), d(2026, 5, 31), 4),
                contract(100, 11, d(2026, 6, 1), d(2027, 5, 31), 4),
                contract(200, 20, d(2024, 11, 23), d(2025, 11, 22), 12),
            ],
            vec![
                visit(1000, VisitKind::Service, before, &[100]),
                visit(1001, VisitKind::FirstService, first_day, &[100]),
                visit(1002, VisitKind::Service, d(2026, 8, 1), &[100]),
                visit(1003, VisitKind::SpotCheck, d(2026, 9, 1), &[]),
                visit(1004, VisitKind::Service, d(2026, 11, 24), &[100]),
            ],
            vec![
                hazard(1, 1000, HazardLevel::Major, before, &[(Reported, before)]),
                hazard(2, 1001, HazardLevel::General, first_day, &[(Reported, first_day), (Closed, d(2025, 12, 1))]),
                hazard(
                    3,
                    1002,
                    HazardLevel::Major,
                    d(2026, 8, 1),
                    &[(Reported, d(2026, 8, 1)), (ReportedToGovernment, d(2026, 8, 2))],
                ),
                hazard(
                    4,
                    1002,
                    HazardLevel::General,
                    d(2026, 8, 1),
                    &[(Reported, d(2026, 8, 1)), (Closed, accident())],
                ),
                hazard(5, 1003, HazardLevel::General, d(2026, 9, 1), &[(Reported, d(2026, 9, 1))]),
            ],
        );
        let mut g = g;
        let doc = |n: u128, visit: Option<u128>, at: &str| DocumentTrace {
            id: DocumentId(uuid(n)),
            kind: DocumentKind::HazardList,
            title: "隐患清单".into(),
            version: 1,
            visit_id: visit.map(|v| VisitId(uuid(v))),
            signed_at: at.into(),
            verification_code: "ABCD-EFGH-JKMN-PQRS".into(),
            superseded: false,
            signed_after_accident: true,
        };
        g.documents = vec![
            doc(1, Some(1000), "2025-11-22T12:00:00+08:00"),
            doc(2, Some(1002), "2026-08-01T12:00:00+08:00"),
            doc(3, Some(1002), "2026-11-25T12:00:00+08:00"),
            doc(4, None, "2026-11-01T12:00:00+08:00"),
            doc(5, None, "2025-11-01T12:00:00+08:00"),
        ];
        let b = assemble(g, period());

        assert_eq!(b.agencies.len(), 1, "the contract that ended the day before the window is out");
        let a = &b.agencies[0];
        assert_eq!(a.agency.name, "甲安全咨询");
        assert_eq!(a.contracts.iter().map(|c| c.id.0.as_u128()).collect::<Vec<_>>(), vec![10, 11]);
        assert!(a.contracts[1].in_force_on_accident && !a.contracts[0].in_force_on_accident);
        assert_eq!(
            a.visits.iter().map(|v| v.id.0.as_u128()).collect::<Vec<_>>(),
            vec![1001, 1002],
            "first day in, day after out"
        );
        assert_eq!(a.visits[1].hazards_major, 1);
        // Major first; the closed general ones newest found first, as in every hazard list.
        assert_eq!(a.hazards.iter().map(|h| h.id.0.as_u128()).collect::<Vec<_>>(), vec![3, 4, 2]);
        let h3 = &a.hazards[0];
        assert_eq!(h3.standing, HazardStanding::Overdue);
        assert!(h3.reported_to_government && !h3.closed_before_accident);
        let h4 = &a.hazards[1];
        assert!(h4.closed_before_accident, "closed on the accident day counts as closed");
        assert_eq!(
            a.documents.iter().map(|d| (d.id.0.as_u128(), d.signed_after_accident)).collect::<Vec<_>>(),
            vec![(2, false), (3, true)]
        );
        assert_eq!(a.tally.visits_made, 2);
        assert_eq!(a.tally.visits_contracted, 4);
        assert!(a.tally.short_of_contract);
        assert_eq!(a.tally.major_open_at_accident, 1);
        assert!(a.tally.line.zh.contains("重大隐患未闭环 1 项"), "{}", a.tally.line.zh);

        assert_eq!(b.inspections.visits.len(), 1);
        assert_eq!(b.inspections.hazards[0].id.0.as_u128(), 5);
        assert_eq!(b.other_documents.iter().map(|d| d.id.0.as_u128()).collect::<Vec<_>>(), vec![4]);
        assert_eq!(b.totals.hazards_found, 4);
    }

    #[test]
    fn contracted_visits_are_prorated_over_the_period() {
        let w = period();
        let whole = contract(1, 1, d(2025, 1, 1), d(2027, 1, 1), 12).trace;
        assert_eq!(visits_contracted(std::slice::from_ref(&whole), &w), 12);
        let half = contract(1, 2, d(2026, 5, 24), d(2027, 5, 23), 4).trace;
        assert_eq!(visits_contracted(&[half], &w), 2);
    }
}
