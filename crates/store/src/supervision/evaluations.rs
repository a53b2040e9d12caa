//! R13 evaluations of agencies (by the enterprises they serve and by inspectors from their
//! checks) and R12 capability tests of their people, with pass rates per agency and per
//! quarter. Both are evidence the credit grade is computed from, so both are validated before
//! anything is written, and evaluations are never changed afterwards (triggers, migration 5).

use crate::base::rows::parse_id;
use crate::registers::people;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::grading::RaterKind;
use safeserve_core::register::CapabilityTest;
use safeserve_core::{AgencyId, EnterpriseId, Message, PersonId, VisitId};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A rating as the form sends it. Ratings are 1–5; 3 is neutral in the grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewEvaluation {
    pub agency_id: AgencyId,
    pub rater_kind: RaterKind,
    /// Required for an enterprise's rating: the enterprise, served by the agency.
    pub enterprise_id: Option<EnterpriseId>,
    /// The check an inspector's rating comes from, if any.
    pub visit_id: Option<VisitId>,
    /// Who rated (the enterprise's principal, the inspector).
    pub rater: String,
    pub quality: i32,
    pub timeliness: i32,
    pub fees: i32,
    pub note: String,
    /// `YYYY-MM-DD`.
    pub rated_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EvaluationView {
    pub id: String,
    pub agency_id: AgencyId,
    pub rater_kind: RaterKind,
    pub enterprise_id: Option<EnterpriseId>,
    pub enterprise_name: Option<String>,
    pub visit_id: Option<VisitId>,
    pub rater: String,
    pub quality: u8,
    pub timeliness: u8,
    pub fees: u8,
    pub note: String,
    pub rated_on: String,
}

pub use crate::base::views::CapabilityTestView;

/// Pass rate of one quarter ("2026-Q3"), from each person's latest result in that quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuarterPassRate {
    pub quarter: String,
    pub tested: u32,
    pub passed: u32,
    /// passed / tested, 0–1.
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyPassRates {
    pub agency_id: AgencyId,
    pub agency_name: String,
    /// Oldest quarter first.
    pub quarters: Vec<QuarterPassRate>,
}

/// Capability-test pass rates over time: all people of the agencies asked about, and each agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PassRates {
    pub overall: Vec<QuarterPassRate>,
    pub agencies: Vec<AgencyPassRates>,
}

fn invalid(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> StoreError {
    StoreError::Invalid { field, message: Message::new(zh, en) }
}

fn date(field: &'static str, text: &str, today: NaiveDate) -> Result<NaiveDate, StoreError> {
    let day: NaiveDate = text.trim().parse().map_err(|_| {
        invalid(field, format!("日期格式应为 YYYY-MM-DD：{text}"), format!("Dates are YYYY-MM-DD: {text}"))
    })?;
    if day > today {
        return Err(invalid(
            field,
            format!("日期 {day} 晚于今天（{today}）"),
            format!("The date {day} is after today ({today})"),
        ));
    }
    Ok(day)
}

/// "2026-Q3" for a `YYYY-MM-DD` column, in SQL.
const QUARTER_SQL: &str = "substr(taken_on, 1, 4) || '-Q' || ((CAST(substr(taken_on, 6, 2) AS INTEGER) + 2) / 3)";

fn rate(quarter: String, tested: u32, passed: u32) -> QuarterPassRate {
    let rate = if tested == 0 { 0.0 } else { passed as f64 / tested as f64 };
    QuarterPassRate { quarter, tested, passed, rate }
}

/// Writes a rating as given: [`Store::add_evaluation`] checks and trims the form first, a bulk
/// load writes what it generated.
pub(crate) fn insert(
    conn: &Connection,
    form: &NewEvaluation,
    id: uuid::Uuid,
    recorded_at: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO evaluations(id, agency_id, rater_kind, enterprise_id, visit_id, rater, quality, timeliness, fees, \
         note, rated_on, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id.to_string(),
        form.agency_id.to_string(),
        form.rater_kind.key(),
        form.enterprise_id.map(|e| e.to_string()),
        form.visit_id.map(|v| v.to_string()),
        form.rater,
        form.quality,
        form.timeliness,
        form.fees,
        form.note,
        form.rated_on,
        recorded_at
    ])?;
    Ok(())
}

impl Store {
    /// Records a rating of an agency. Refused, with nothing written, for a rating outside 1–5,
    /// no rater, an unknown agency, an enterprise rating without an enterprise the agency has
    /// served, or a date in the future.
    pub fn add_evaluation(
        &mut self,
        form: &NewEvaluation,
        id: uuid::Uuid,
        today: NaiveDate,
        now: &str,
    ) -> Result<EvaluationView, StoreError> {
        for (field, zh, en, v) in [
            ("quality", "服务质量", "quality", form.quality),
            ("timeliness", "及时性", "timeliness", form.timeliness),
            ("fees", "收费", "fees", form.fees),
        ] {
            if !(1..=5).contains(&v) {
                return Err(invalid(
                    field,
                    format!("{zh}评分须为 1–5 分，现为 {v}"),
                    format!("The {en} rating must be 1–5, not {v}"),
                ));
            }
        }
        if form.rater.trim().is_empty() {
            return Err(invalid("rater", "请填写评价人", "Give who rated"));
        }
        let rated_on = date("rated_on", &form.rated_on, today)?;
        let agency = form.agency_id.to_string();
        let tx = self.conn.transaction()?;
        let known = tx.query_row("SELECT 1 FROM agencies WHERE id = ?1", [&agency], |_| Ok(())).optional()?;
        if known.is_none() {
            return Err(invalid("agency_id", "未找到被评价的服务机构", "The agency rated is not in this database"));
        }
        match (form.rater_kind, form.enterprise_id) {
            (RaterKind::Enterprise, None) => {
                return Err(invalid(
                    "enterprise_id",
                    "企业评价须选择评价的企业",
                    "An enterprise's rating needs the enterprise",
                ));
            }
            (_, Some(e)) => {
                let served = tx
                    .query_row(
                        "SELECT 1 FROM contracts WHERE agency_id = ?1 AND enterprise_id = ?2 LIMIT 1",
                        [&agency, &e.to_string()],
                        |_| Ok(()),
                    )
                    .optional()?;
                if served.is_none() {
                    return Err(invalid(
                        "enterprise_id",
                        "该企业与此服务机构没有服务合同，不能评价",
                        "This enterprise has no contract with the agency, so it cannot rate it",
                    ));
                }
            }
            (_, None) => {}
        }
        if let Some(v) = form.visit_id {
            let known = tx.query_row("SELECT 1 FROM visits WHERE id = ?1", [v.to_string()], |_| Ok(())).optional()?;
            if known.is_none() {
                return Err(invalid(
                    "visit_id",
                    "未找到所依据的检查记录",
                    "The visit the rating refers to is not in this database",
                ));
            }
        }
        let checked = NewEvaluation {
            rater: form.rater.trim().to_owned(),
            note: form.note.trim().to_owned(),
            rated_on: rated_on.to_string(),
            ..form.clone()
        };
        insert(&tx, &checked, id, now)?;
        tx.commit()?;
        self.evaluations(form.agency_id)?
            .into_iter()
            .find(|e| e.id == id.to_string())
            .ok_or_else(|| StoreError::NotFound { what: "evaluation", id: id.to_string() })
    }

    /// An agency's ratings, newest first.
    pub fn evaluations(&self, agency: AgencyId) -> Result<Vec<EvaluationView>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.id, v.agency_id, v.rater_kind, v.enterprise_id, (SELECT name FROM enterprises WHERE id = v.enterprise_id), \
               v.visit_id, v.rater, v.quality, v.timeliness, v.fees, v.note, v.rated_on \
             FROM evaluations v WHERE v.agency_id = ?1 ORDER BY v.rated_on DESC, v.seq DESC",
        )?;
        let rows = stmt.query_map([agency.to_string()], |r| {
            Ok(EvaluationView {
                id: r.get(0)?,
                agency_id: parse_id(r, 1)?,
                rater_kind: crate::known(("评价人类别", "rater kind"), &r.get::<_, String>(2)?, RaterKind::from_key)?,
                enterprise_id: r.get::<_, Option<String>>(3)?.and_then(|s| s.parse().ok()),
                enterprise_name: r.get(4)?,
                visit_id: r.get::<_, Option<String>>(5)?.and_then(|s| s.parse().ok()),
                rater: r.get(6)?,
                quality: r.get(7)?,
                timeliness: r.get(8)?,
                fees: r.get(9)?,
                note: r.get(10)?,
                rated_on: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a capability-test result (R12). Refused for a score outside 0–100, a date in
    /// the future or an unknown person.
    pub fn record_capability_test(
        &mut self,
        person: PersonId,
        taken_on: &str,
        score: i32,
        passed: bool,
        today: NaiveDate,
    ) -> Result<CapabilityTestView, StoreError> {
        let score = u8::try_from(score).ok().filter(|s| *s <= 100).ok_or_else(|| {
            invalid(
                "score",
                format!("测试成绩须为 0–100 分，现为 {score}"),
                format!("The score must be 0–100, not {score}"),
            )
        })?;
        let taken_on = date("taken_on", taken_on, today)?;
        let tx = self.conn.transaction()?;
        let known = tx.query_row("SELECT 1 FROM people WHERE id = ?1", [person.to_string()], |_| Ok(())).optional()?;
        if known.is_none() {
            return Err(invalid("person_id", "未找到参加测试的人员", "The person tested is not in this database"));
        }
        people::insert_capability_test(&tx, &CapabilityTest { person, taken_on, score, passed })?;
        tx.commit()?;
        Ok(CapabilityTestView { person_id: person, taken_on: taken_on.to_string(), score, passed })
    }

    /// A person's capability tests, newest first.
    pub fn capability_tests(&self, person: PersonId) -> Result<Vec<CapabilityTestView>, StoreError> {
        Ok(people::capability_tests(&self.conn, person)?)
    }

    /// Pass rates per quarter, over everyone (`agency` narrows to one agency's people) and per
    /// agency. Each person counts once a quarter, with their latest result in it; a person on
    /// two agencies' staff counts for both agencies and once overall.
    pub fn capability_pass_rates(&self, agency: Option<AgencyId>) -> Result<PassRates, StoreError> {
        let only = agency.map(|a| a.to_string());
        let latest = format!(
            "WITH t AS (SELECT person_id, taken_on, passed, rowid AS r, {QUARTER_SQL} AS quarter FROM capability_tests), \
             latest AS (SELECT person_id, quarter, passed FROM ( \
               SELECT person_id, quarter, passed, \
                 row_number() OVER (PARTITION BY person_id, quarter ORDER BY taken_on DESC, r DESC) AS n FROM t) \
               WHERE n = 1)"
        );
        let mut stmt = self.conn.prepare_cached(&format!(
            "{latest} SELECT l.quarter, count(*), sum(l.passed) FROM latest l \
             WHERE ?1 IS NULL OR EXISTS (SELECT 1 FROM employments e WHERE e.person_id = l.person_id AND e.agency_id = ?1) \
             GROUP BY l.quarter ORDER BY l.quarter"
        ))?;
        let overall =
            stmt.query_map([&only], |r| Ok(rate(r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{latest} SELECT e.agency_id, a.name, l.quarter, count(*), sum(l.passed) \
             FROM latest l JOIN employments e ON e.person_id = l.person_id JOIN agencies a ON a.id = e.agency_id \
             WHERE ?1 IS NULL OR e.agency_id = ?1 GROUP BY e.agency_id, l.quarter ORDER BY a.seq, l.quarter"
        ))?;
        let mut agencies: Vec<AgencyPassRates> = Vec::new();
        let mut rows = stmt.query([&only])?;
        while let Some(r) = rows.next()? {
            let id: AgencyId = parse_id(r, 0)?;
            let q = rate(r.get(2)?, r.get(3)?, r.get(4)?);
            match agencies.last_mut() {
                Some(last) if last.agency_id == id => last.quarters.push(q),
                _ => agencies.push(AgencyPassRates { agency_id: id, agency_name: r.get(1)?, quarters: vec![q] }),
            }
        }
        Ok(PassRates { overall, agencies })
    }
}
