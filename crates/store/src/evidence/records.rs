//! The ledgers of the evidence (检查记录台账, 隐患台账) and the page of visits the screen lists
//! by the same filter: one WHERE clause for both, so the workbook holds what the screen showed.

use crate::base::views::VisitSummary;
use crate::evidence::{hazards, visits};
use crate::registers::divisions;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::params_from_iter;
use safeserve_core::hazard::{self, HazardCategory, HazardLevel};
use safeserve_core::records::CheckedFilter;
use safeserve_core::visit::VisitKind;
use serde::Serialize;
use ts_rs::TS;

/// The visits a filter selects, newest first, as many as the screen shows, and how many there
/// are in all with the hazards they found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct VisitPage {
    pub visits: Vec<VisitSummary>,
    pub total: u32,
    /// The hazards the hazard ledger would hold under the same filter.
    pub hazards: u32,
}

/// A filter as SQL over `visits v` (left-joined to its enterprise `e` and agency `a`), with its
/// arguments in order.
struct Clause {
    conditions: Vec<String>,
    args: Vec<String>,
}

impl Clause {
    /// `for_hazards`: "major only" picks major hazards (`h.level`), not visits that found one.
    fn new(f: &CheckedFilter, for_hazards: bool) -> Self {
        let mut c = Clause { conditions: Vec::new(), args: Vec::new() };
        if let Some(day) = f.from {
            c.push("substr(v.started_at, 1, 10) >= ?", day.to_string());
        }
        if let Some(day) = f.to {
            c.push("substr(v.started_at, 1, 10) <= ?", day.to_string());
        }
        if !f.within.is_empty() {
            let (lo, hi) = divisions::prefix_range(&f.within);
            c.push("coalesce(e.division, a.division) >= ?", lo);
            c.push("coalesce(e.division, a.division) < ?", hi);
        }
        if let Some(kind) = f.kind {
            c.push("v.kind = ?", kind.key().to_owned());
        }
        if f.major_only {
            c.conditions.push(
                if for_hazards {
                    "h.level = 'major'"
                } else {
                    "EXISTS (SELECT 1 FROM hazards x WHERE x.visit_id = v.id AND x.level = 'major')"
                }
                .to_owned(),
            );
        }
        c
    }

    fn push(&mut self, condition: &str, arg: String) {
        self.args.push(arg);
        self.conditions.push(condition.replace('?', &format!("?{}", self.args.len())));
    }

    fn sql(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }
}

/// A visit `v`'s subject: its enterprise `e` or the agency `a` it inspected.
const PARTIES: &str = "LEFT JOIN enterprises e ON e.id = v.enterprise_id LEFT JOIN agencies a ON a.id = v.agency_id";

/// The people of visit `v`, in the order they were sent.
const PEOPLE_SQL: &str = "(SELECT group_concat(p.name, '、') FROM (SELECT p.name FROM visit_people vp \
    JOIN people p ON p.id = vp.person_id WHERE vp.visit_id = v.id ORDER BY vp.position) p)";

fn visit_kind(key: &str) -> rusqlite::Result<VisitKind> {
    crate::known(("检查类别", "visit kind"), key, VisitKind::from_key)
}

impl Store {
    /// The first `limit` visits `filter` selects, newest first, with the totals.
    pub fn find_visits(&self, filter: &CheckedFilter, limit: usize) -> Result<VisitPage, StoreError> {
        let c = Clause::new(filter, false);
        let mut stmt = self.conn.prepare(&format!(
            "{} {} ORDER BY v.started_at DESC, v.seq DESC LIMIT {limit}",
            visits::SUMMARY_SQL,
            c.sql()
        ))?;
        let visits = stmt.query_map(params_from_iter(&c.args), visits::summary)?.collect::<Result<Vec<_>, _>>()?;
        let total = self.conn.query_row(
            &format!("SELECT count(*) FROM visits v {PARTIES} {}", c.sql()),
            params_from_iter(&c.args),
            |r| r.get(0),
        )?;
        let h = Clause::new(filter, true);
        let hazards = self.conn.query_row(
            &format!("SELECT count(*) FROM hazards h JOIN visits v ON v.id = h.visit_id {PARTIES} {}", h.sql()),
            params_from_iter(&h.args),
            |r| r.get(0),
        )?;
        Ok(VisitPage { visits, total, hazards })
    }

    /// Every visit `filter` selects as a row of the visit ledger
    /// ([`safeserve_core::records::VISIT_COLUMNS`]), oldest first.
    pub fn visit_ledger(&self, filter: &CheckedFilter, mut row: impl FnMut(Vec<String>)) -> Result<(), StoreError> {
        let c = Clause::new(filter, false);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT v.started_at, v.ended_at, v.kind, coalesce(e.name, a.name), coalesce(e.credit_code, a.credit_code), \
             {}, {PEOPLE_SQL}, t.title, \
             (SELECT count(*) FROM hazards x WHERE x.visit_id = v.id AND x.level = 'major'), \
             (SELECT count(*) FROM hazards x WHERE x.visit_id = v.id AND x.level = 'general') \
             FROM visits v {PARTIES} JOIN templates t ON t.key = v.template_key AND t.version = v.template_version \
             {} ORDER BY v.started_at, v.seq",
            divisions::name_sql("coalesce(e.division, a.division)"),
            c.sql()
        ))?;
        let mut rows = stmt.query(params_from_iter(&c.args))?;
        while let Some(r) = rows.next()? {
            let started: String = r.get(0)?;
            let ended: Option<String> = r.get(1)?;
            row(vec![
                started.get(..10).unwrap_or(&started).to_owned(),
                ended.as_deref().map(|e| e.get(..16).unwrap_or(e).replace('T', " ")).unwrap_or_default(),
                visit_kind(&r.get::<_, String>(2)?)?.label_zh().to_owned(),
                r.get(3)?,
                r.get(4)?,
                r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                r.get(7)?,
                r.get::<_, i64>(8)?.to_string(),
                r.get::<_, i64>(9)?.to_string(),
                if ended.is_some() { "已结束" } else { "进行中" }.to_owned(),
            ]);
        }
        Ok(())
    }

    /// Every hazard found on the visits `filter` selects (major ones only where it says so) as
    /// a row of the hazard ledger ([`safeserve_core::records::HAZARD_COLUMNS`]), by visit and
    /// major first (R8), its state derived from its events as of `today`.
    pub fn hazard_ledger(
        &self,
        filter: &CheckedFilter,
        today: NaiveDate,
        mut row: impl FnMut(Vec<String>),
    ) -> Result<(), StoreError> {
        let c = Clause::new(filter, true);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT h.seq, h.created_at, coalesce(e.name, a.name), coalesce(e.credit_code, a.credit_code), {}, \
             h.description, h.location, h.category, h.level, h.measure, h.deadline, h.responsible, v.kind, {PEOPLE_SQL} \
             FROM hazards h JOIN visits v ON v.id = h.visit_id {PARTIES} \
             {} ORDER BY v.started_at, v.seq, h.level = 'general', h.seq",
            divisions::name_sql("coalesce(e.division, a.division)"),
            c.sql()
        ))?;
        let mut rows = stmt.query(params_from_iter(&c.args))?;
        while let Some(r) = rows.next()? {
            let found: String = r.get(1)?;
            let deadline: String = r.get(10)?;
            let events = hazards::events_of(&self.conn, r.get(0)?)?;
            let state = hazard::state(&events, deadline.parse().unwrap_or(NaiveDate::MAX), today);
            let category =
                crate::known(("隐患类别", "hazard category"), &r.get::<_, String>(7)?, HazardCategory::from_key)?;
            let level = crate::known(("隐患级别", "hazard level"), &r.get::<_, String>(8)?, HazardLevel::from_key)?;
            row(vec![
                found.get(..10).unwrap_or(&found).to_owned(),
                r.get(2)?,
                r.get(3)?,
                r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                r.get(5)?,
                r.get(6)?,
                category.label_zh().to_owned(),
                level.label_zh().to_owned(),
                r.get(9)?,
                deadline,
                r.get(11)?,
                state.status.label_zh().to_owned(),
                if state.overdue { "是" } else { "否" }.to_owned(),
                visit_kind(&r.get::<_, String>(12)?)?.label_zh().to_owned(),
                r.get::<_, Option<String>>(13)?.unwrap_or_default(),
            ]);
        }
        Ok(())
    }
}
