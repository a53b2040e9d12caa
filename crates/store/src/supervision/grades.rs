//! R10 credit grades over the whole register. The inputs of every agency are gathered in a
//! handful of set-based queries (agencies, staff, certificates, latest capability results,
//! letters, contracts in force, spot-check hazards, evaluations, the blacklist), never a query
//! per agency: grading the 1,400 agencies of the large demo must stay well under two seconds.
//! `safeserve_core::grading` does the scoring; this module records a grade change, with the
//! deductions as its reason, only when an agency's grade moves (or is first set).

use crate::base::rows::parse_id;
use crate::base::rows::{keys_from_json, SERVICE_TYPE};
use crate::registers::agencies;
use crate::registers::contracts;
use crate::registers::divisions;
use crate::registers::people;
use crate::registers::standing;
use crate::{Store, StoreError};
use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::contract::{self, ContractRules, ReferenceFees};
use safeserve_core::grading::{self, Deduction, Grade, GradeInputs, GradeRules, RaterKind, Rating};
use safeserve_core::letter::{LetterEventKind, ReplyState};
use safeserve_core::qualification::{self, ConditionKind, StaffMember, Thresholds};
use safeserve_core::register::{Agency, Certificate, Contract, ServiceType, StaffRole};
use safeserve_core::{AgencyId, Message};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// An agency's place in the ranking, with the deductions that explain its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GradedAgency {
    /// 1-based; equal scores share a rank.
    pub rank: u32,
    pub agency_id: AgencyId,
    pub name: String,
    pub credit_code: String,
    pub division_name: String,
    pub score: f64,
    pub grade: Grade,
    /// The grade recorded before this grading; `None` if it was never graded.
    pub previous: Option<Grade>,
    /// The grade differs from the recorded one (`grade_agencies`: and was recorded now).
    pub changed: bool,
    pub blacklisted: bool,
    /// Removed from the platform (R12) and not restored, shown beside the grade.
    pub removal: Option<safeserve_core::standing::RecordedAct>,
    pub deductions: Vec<Deduction>,
}

/// One recorded grade of an agency (R10: the history of every change with its reason).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GradeChangeView {
    pub seq: u32,
    pub grade: Grade,
    pub previous: Option<Grade>,
    pub score: f64,
    /// The deductions the grade was computed from.
    pub reasons: Vec<Deduction>,
    /// The rule file's name and version.
    pub rules: String,
    pub changed_at: String,
}

/// One agency as the ranking lists it.
struct Row {
    agency: Agency,
    division_name: String,
    reference_fees: ReferenceFees,
}

fn agencies(conn: &Connection, only: Option<&str>) -> Result<Vec<Row>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {}, {}, reference_fees FROM agencies WHERE ?1 IS NULL OR id = ?1 ORDER BY seq",
        agencies::AGENCY_COLUMNS,
        divisions::name_sql("division")
    ))?;
    let rows = stmt.query_map([only], |r| {
        Ok(Row {
            agency: agencies::agency_from_row(r)?,
            division_name: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
            reference_fees: contracts::reference_fees(&r.get::<_, String>(11)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every agency's staff as R1 sees them, in three passes over employments, certificates and
/// capability tests (the same facts `people::staff_of` reads for one agency), on `today`.
fn staff_by_agency(conn: &Connection, today: NaiveDate) -> Result<HashMap<String, Vec<StaffMember>>, StoreError> {
    let mut certs: HashMap<String, Vec<Certificate>> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT person_id, {} FROM certificates ORDER BY rowid",
        people::CERTIFICATE_COLUMNS
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        certs.entry(r.get(0)?).or_default().push(people::certificate_row(r, 1)?);
    }
    // The latest result per person: later dates (then later rows) overwrite earlier ones.
    let mut passed: HashMap<String, bool> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT person_id, passed FROM capability_tests ORDER BY taken_on, rowid")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        passed.insert(r.get(0)?, r.get(1)?);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.agency_id, e.person_id, p.name, e.role, e.full_time, a.name \
         FROM employments e JOIN people p ON p.id = e.person_id JOIN agencies a ON a.id = e.agency_id \
         WHERE {} ORDER BY p.seq",
        people::current("e")
    ))?;
    let employments: Vec<(String, String, String, String, bool, String)> = stmt
        .query_map(rusqlite::named_params! { ":day": today.to_string() }, |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Full-time posts per person, for 人员交叉使用 (R15): a person full-time at two agencies
    // counts at neither.
    let mut full_time_at: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for (agency, person, _, _, full_time, agency_name) in &employments {
        if *full_time {
            full_time_at.entry(person.as_str()).or_default().push((agency.as_str(), agency_name.as_str()));
        }
    }
    let mut out: HashMap<String, Vec<StaffMember>> = HashMap::new();
    for (agency, person, name, role, full_time, _) in &employments {
        let full_time_elsewhere = if *full_time {
            full_time_at
                .get(person.as_str())
                .map(|posts| posts.iter().filter(|(a, _)| a != agency).map(|(_, n)| (*n).to_owned()).collect())
                .unwrap_or_default()
        } else {
            vec![]
        };
        out.entry(agency.clone()).or_default().push(StaffMember {
            name: name.clone(),
            role: crate::known(("人员身份", "staff role"), role, StaffRole::from_key)?,
            full_time: *full_time,
            certificates: certs.get(person).cloned().unwrap_or_default(),
            capability_passed: passed.get(person).copied(),
            full_time_elsewhere,
        });
    }
    Ok(out)
}

/// Letters received, and those with an overdue reply.
type LetterFindings = (Vec<String>, Vec<String>);

/// Letters received within the window and those whose reply is overdue (none by the deadline
/// and still none, or a first reply dated after the deadline), per agency.
fn letters(
    store: &Store,
    only: Option<&str>,
    since: NaiveDate,
    today: NaiveDate,
) -> Result<HashMap<String, LetterFindings>, StoreError> {
    let mut out: HashMap<String, LetterFindings> = HashMap::new();
    for l in store.letters(only, today)? {
        let Some(agency) = l.agency_id.clone() else { continue };
        let dated = l.dated.parse::<NaiveDate>().ok().or_else(|| l.signed_at.get(..10)?.parse().ok());
        if dated.is_none_or(|d| d < since || d > today) {
            continue;
        }
        let entry = out.entry(agency).or_default();
        entry.0.push(format!("{}（{}）", l.reference, l.dated));
        let first_reply = l.events.iter().find(|e| e.kind == LetterEventKind::Replied).map(|e| e.on_date.as_str());
        let late = match first_reply {
            Some(on) => on > l.reply_by.as_str(),
            None => l.state == ReplyState::Overdue,
        };
        if late || l.state == ReplyState::Overdue {
            let zh = match first_reply {
                Some(on) if late => format!("{}：应于 {} 前回复，{} 才回复", l.reference, l.reply_by, on),
                _ => format!("{}：应于 {} 前回复，逾期 {} 天未回复", l.reference, l.reply_by, l.days_overdue),
            };
            entry.1.push(zh);
        }
    }
    Ok(out)
}

/// Contracts in force today priced under the share of the agency's published reference that
/// the contract check uses (R2, `core::contract`).
fn low_price(
    conn: &Connection,
    rows: &[Row],
    only: Option<&str>,
    today: NaiveDate,
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let fees: HashMap<String, &ReferenceFees> = rows
        .iter()
        .filter(|r| !r.reference_fees.is_empty())
        .map(|r| (r.agency.id.to_string(), &r.reference_fees))
        .collect();
    let share = ContractRules::default().low_price_share;
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.agency_id, c.enterprise_id, c.service_types, c.starts_on, c.ends_on, c.fee_fen, \
           (SELECT name FROM enterprises WHERE id = c.enterprise_id) \
         FROM contracts c WHERE c.starts_on <= ?1 AND c.ends_on >= ?1 AND (?2 IS NULL OR c.agency_id = ?2)",
    )?;
    let today_s = today.to_string();
    let mut rs = stmt.query(params![today_s, only])?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    while let Some(r) = rs.next()? {
        let agency: String = r.get(1)?;
        let Some(fees) = fees.get(&agency) else { continue };
        let (Ok(starts_on), Ok(ends_on)) = (r.get::<_, String>(4)?.parse(), r.get::<_, String>(5)?.parse()) else {
            continue;
        };
        let c = Contract {
            id: parse_id(r, 0)?,
            agency: parse_id(r, 1)?,
            enterprise: parse_id(r, 2)?,
            service_types: keys_from_json(SERVICE_TYPE, &r.get::<_, String>(3)?, ServiceType::from_key)?,
            content: String::new(),
            visits_per_year: 0,
            starts_on,
            ends_on,
            fee_fen: r.get(6)?,
            acceptance_standard: String::new(),
            filed: true,
            government_commissioned: false,
        };
        if let Some(reference) = contract::reference_for(&c, fees) {
            if reference > 0 && (c.fee_fen as f64) < reference as f64 * share {
                let name: Option<String> = r.get(7)?;
                out.entry(agency).or_default().push(format!(
                    "{}：合同 {:.2} 元，参考价 {:.2} 元",
                    name.unwrap_or_default(),
                    c.fee_fen as f64 / 100.0,
                    reference as f64 / 100.0
                ));
            }
        }
    }
    Ok(out)
}

/// Major hazards found by inspectors' spot checks (within the window) at enterprises the
/// agency served on that day, which the agency's own earlier visits there had not listed for
/// the same checklist item. A major hazard with no checklist item counts as not listed.
fn missed_major_hazards(
    conn: &Connection,
    only: Option<&str>,
    since: NaiveDate,
    today: NaiveDate,
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT c.agency_id, h.id, (SELECT name FROM enterprises WHERE id = h.enterprise_id), \
           substr(v.started_at, 1, 10), h.description \
         FROM visits v JOIN hazards h ON h.visit_id = v.id \
         JOIN contracts c ON c.enterprise_id = h.enterprise_id \
           AND c.starts_on <= substr(v.started_at, 1, 10) AND c.ends_on >= substr(v.started_at, 1, 10) \
         WHERE v.kind = 'spot_check' AND h.level = 'major' \
           AND substr(v.started_at, 1, 10) BETWEEN ?1 AND ?2 AND (?3 IS NULL OR c.agency_id = ?3) \
           AND (h.item_code IS NULL OR NOT EXISTS ( \
             SELECT 1 FROM hazards o JOIN visits ov ON ov.id = o.visit_id \
             WHERE o.enterprise_id = h.enterprise_id AND o.item_code = h.item_code \
               AND ov.kind IN ('service', 'first_service') AND ov.started_at < v.started_at)) \
         ORDER BY v.started_at",
    )?;
    let mut rs = stmt.query(params![since.to_string(), today.to_string(), only])?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    while let Some(r) = rs.next()? {
        let enterprise: Option<String> = r.get(2)?;
        let line = format!("{} {}：{}", r.get::<_, String>(3)?, enterprise.unwrap_or_default(), r.get::<_, String>(4)?);
        out.entry(r.get(0)?).or_default().push(line);
    }
    Ok(out)
}

type Ratings = (Vec<Rating>, Vec<Rating>);

fn ratings(
    conn: &Connection,
    only: Option<&str>,
    since: NaiveDate,
    today: NaiveDate,
) -> Result<HashMap<String, Ratings>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT agency_id, rater_kind, quality, timeliness, fees FROM evaluations \
         WHERE rated_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR agency_id = ?3)",
    )?;
    let mut rs = stmt.query(params![since.to_string(), today.to_string(), only])?;
    let mut out: HashMap<String, Ratings> = HashMap::new();
    while let Some(r) = rs.next()? {
        let rating = Rating { quality: r.get(2)?, timeliness: r.get(3)?, fees: r.get(4)? };
        let entry = out.entry(r.get(0)?).or_default();
        match RaterKind::from_key(&r.get::<_, String>(1)?) {
            Some(RaterKind::Inspector) => entry.1.push(rating),
            _ => entry.0.push(rating),
        }
    }
    Ok(out)
}

/// Active entries of agencies on the serious-dishonesty list: "ground：evidence" lines.
pub(crate) fn active_agency_entries(
    conn: &Connection,
    only: Option<&str>,
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.subject_id, b.ground, b.evidence, b.entered_on FROM blacklist_entries b \
         WHERE b.subject_kind = 'agency' AND (?1 IS NULL OR b.subject_id = ?1) \
           AND NOT EXISTS (SELECT 1 FROM blacklist_lifts l WHERE l.entry_id = b.id) ORDER BY b.seq",
    )?;
    let mut rs = stmt.query([only])?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    while let Some(r) = rs.next()? {
        let ground: String = r.get(1)?;
        let label = safeserve_core::blacklist::BlacklistGround::from_key(&ground)
            .map_or(ground.clone(), |g| g.label_zh().to_owned());
        out.entry(r.get(0)?).or_default().push(format!(
            "{}（{}列入）：{}",
            label,
            r.get::<_, String>(3)?,
            r.get::<_, String>(2)?
        ));
    }
    Ok(out)
}

/// The latest recorded grade of each agency (or of one).
pub(crate) fn current_grades(conn: &Connection, only: Option<&str>) -> Result<HashMap<String, Grade>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.agency_id, g.grade FROM grade_changes g \
         WHERE g.seq = (SELECT max(seq) FROM grade_changes WHERE agency_id = g.agency_id) \
           AND (?1 IS NULL OR g.agency_id = ?1)",
    )?;
    let rows = stmt.query_map([only], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (agency, grade) = row?;
        if let Some(g) = Grade::from_key(&grade) {
            out.insert(agency, g);
        }
    }
    Ok(out)
}

/// Grades every agency (or one) on `today` without writing anything, in ranking order.
fn compute(
    store: &Store,
    rules: &GradeRules,
    only: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<GradedAgency>, StoreError> {
    let conn = &store.conn;
    let since = today.checked_sub_days(Days::new(rules.window_days.into())).unwrap_or(NaiveDate::MIN);
    let rows = agencies(conn, only)?;
    let mut staff = staff_by_agency(conn, today)?;
    let mut letters = letters(store, only, since, today)?;
    let mut low = low_price(conn, &rows, only, today)?;
    let mut missed = missed_major_hazards(conn, only, since, today)?;
    let mut rated = ratings(conn, only, since, today)?;
    let mut listed = active_agency_entries(conn, only)?;
    let mut unnotified = standing::unnotified_counties(conn, only, today)?;
    let mut removals = standing::removals(conn, only)?;
    let recorded = current_grades(conn, only)?;

    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.agency.id.to_string();
        let members = staff.remove(&id).unwrap_or_default();
        let counties = unnotified.remove(&id).unwrap_or_default();
        let unmet = qualification::unmet_conditions(&row.agency, &members, &counties, today, &Thresholds::default());
        let mut inputs = GradeInputs::default();
        for u in unmet {
            if u.kind == ConditionKind::CapabilityTest {
                inputs.capability_failures = u.evidence;
            } else {
                inputs.unmet_conditions.push(u.message.zh);
            }
        }
        (inputs.letters, inputs.overdue_replies) = letters.remove(&id).unwrap_or_default();
        inputs.low_price_contracts = low.remove(&id).unwrap_or_default();
        inputs.missed_major_hazards = missed.remove(&id).unwrap_or_default();
        (inputs.enterprise_ratings, inputs.inspector_ratings) = rated.remove(&id).unwrap_or_default();
        inputs.blacklist = listed.remove(&id).unwrap_or_default();
        let g = grading::grade(&inputs, rules);
        let previous = recorded.get(&id).copied();
        out.push(GradedAgency {
            rank: 0,
            agency_id: row.agency.id,
            name: row.agency.name,
            credit_code: row.agency.credit_code,
            division_name: row.division_name,
            score: g.score,
            changed: previous != Some(g.grade),
            grade: g.grade,
            previous,
            blacklisted: !inputs.blacklist.is_empty(),
            removal: removals.remove(&id),
            deductions: g.deductions,
        });
    }
    let ranks = grading::rank(&mut out, |a| a.score, |a| a.name.as_str());
    for (a, r) in out.iter_mut().zip(ranks) {
        a.rank = r;
    }
    Ok(out)
}

/// Appends a grade change for each agency whose grade moved (or was never set). Runs inside
/// the caller's transaction.
fn record(conn: &Connection, graded: &[GradedAgency], rules: &GradeRules, now: &str) -> Result<usize, StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO grade_changes(agency_id, grade, previous, score, reasons, rules, changed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let label = rules.label();
    let mut n = 0;
    for a in graded.iter().filter(|a| a.changed) {
        let reasons = serde_json::to_string(&a.deductions)
            .map_err(|e| StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(e.into())))?;
        insert.execute(params![
            a.agency_id.to_string(),
            a.grade.key(),
            a.previous.map(Grade::key),
            a.score,
            reasons,
            label,
            now
        ])?;
        n += 1;
    }
    Ok(n)
}

/// Re-grades one agency inside the caller's transaction (after a blacklist entry or lift).
pub(crate) fn regrade_one(
    store: &Store,
    agency: &str,
    rules: &GradeRules,
    today: NaiveDate,
    now: &str,
) -> Result<Option<GradedAgency>, StoreError> {
    let graded = compute(store, rules, Some(agency), today)?;
    record(&store.conn, &graded, rules, now)?;
    Ok(graded.into_iter().next())
}

fn parse_deductions(json: &str) -> Vec<Deduction> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Store {
    /// Grades every agency on `today` and records, in one transaction, a grade change (with
    /// the deductions as its reason) for each agency whose grade moved or was never set.
    /// Returns the ranking; `changed` marks the agencies whose grade this call recorded.
    pub fn grade_agencies(
        &mut self,
        rules: &GradeRules,
        today: NaiveDate,
        now: &str,
    ) -> Result<Vec<GradedAgency>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let graded = compute(self, rules, None, today)?;
        record(&tx, &graded, rules, now)?;
        tx.commit()?;
        Ok(graded)
    }

    /// The ranking as grading would make it on `today`, without recording anything; `changed`
    /// marks the agencies whose grade differs from the one recorded.
    pub fn ranking(&self, rules: &GradeRules, today: NaiveDate) -> Result<Vec<GradedAgency>, StoreError> {
        compute(self, rules, None, today)
    }

    /// Every recorded grade of an agency with its reasons, newest first.
    pub fn grade_history(&self, agency: AgencyId) -> Result<Vec<GradeChangeView>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, grade, previous, score, reasons, rules, changed_at FROM grade_changes \
             WHERE agency_id = ?1 ORDER BY seq DESC",
        )?;
        let rows = stmt.query_map([agency.to_string()], |r| {
            Ok(GradeChangeView {
                seq: r.get(0)?,
                grade: crate::known(("等级", "grade"), &r.get::<_, String>(1)?, Grade::from_key)?,
                previous: r.get::<_, Option<String>>(2)?.and_then(|g| Grade::from_key(&g)),
                score: r.get(3)?,
                reasons: parse_deductions(&r.get::<_, String>(4)?),
                rules: r.get(5)?,
                changed_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The agency's grade as last recorded; `None` before its first grading.
    pub fn current_grade(&self, agency: AgencyId) -> Result<Option<Grade>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT grade FROM grade_changes WHERE agency_id = ?1 ORDER BY seq DESC LIMIT 1")?
            .query_row([agency.to_string()], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|g| Grade::from_key(&g)))
    }

    /// Why the agency may not be given government-commissioned work (R10: grade D; R11: an
    /// active serious-dishonesty entry), or `None` when nothing bars it. Every reason is named.
    pub fn commission_barrier(&self, agency: AgencyId) -> Result<Option<Message>, StoreError> {
        let id = agency.to_string();
        let name: String = self
            .conn
            .prepare_cached("SELECT name FROM agencies WHERE id = ?1")?
            .query_row([&id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "agency", id: id.clone() })?;
        let entries = active_agency_entries(&self.conn, Some(&id))?.remove(&id).unwrap_or_default();
        Ok(safeserve_core::commission::barrier(&name, &entries, self.current_grade(agency)?))
    }
}

/// A cell of the published ranking table.
#[derive(Debug, Clone, PartialEq)]
pub enum RankingCell {
    Text(String),
    Number(f64),
}

/// A named table of the ranking export: header and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingTable {
    pub name: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<RankingCell>>,
}

/// The ranking as published (R10): one table of ranks, grades and scores, and one of every
/// deduction behind them, so the CLI and the desktop export the same workbook.
pub fn ranking_tables(ranking: &[GradedAgency], rules: &GradeRules, day: NaiveDate) -> Vec<RankingTable> {
    use RankingCell::{Number, Text};
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let main = ranking
        .iter()
        .map(|a| {
            vec![
                Number(a.rank.into()),
                Text(a.grade.key().to_owned()),
                Number(a.score),
                Text(a.name.clone()),
                Text(a.credit_code.clone()),
                Text(a.division_name.clone()),
                Text(if a.blacklisted { "是".into() } else { String::new() }),
                Text(top_deductions(a, 3)),
            ]
        })
        .collect();
    let details = ranking
        .iter()
        .flat_map(|a| {
            a.deductions.iter().map(|d| {
                vec![
                    Number(a.rank.into()),
                    Text(a.name.clone()),
                    Text(d.kind.label_zh().to_owned()),
                    Number(d.count.into()),
                    Number(d.points),
                    Text(d.message.zh.clone()),
                    Text(d.evidence.join("；")),
                ]
            })
        })
        .collect();
    let basis = vec![
        vec![Text("评级日期".into()), Text(day.to_string())],
        vec![Text("评级规则".into()), Text(rules.label())],
        vec![
            Text("等级线".into()),
            Text(format!(
                "A ≥ {}，B ≥ {}，C ≥ {}，其余 D；列入严重失信名单一律 D",
                rules.thresholds.a, rules.thresholds.b, rules.thresholds.c
            )),
        ],
    ];
    vec![
        RankingTable {
            name: "信用评级排名",
            header: strings(&[
                "名次",
                "等级",
                "得分",
                "机构名称",
                "统一社会信用代码",
                "所在地区",
                "严重失信名单",
                "主要扣分",
            ]),
            rows: main,
        },
        RankingTable {
            name: "扣分明细",
            header: strings(&["名次", "机构名称", "类别", "数量", "分值", "说明", "依据"]),
            rows: details,
        },
        RankingTable { name: "评级依据", header: strings(&["项目", "内容"]), rows: basis },
    ]
}

/// The largest deductions first, e.g. "收到函告 −10；…" for a list or a terminal.
pub fn top_deductions(a: &GradedAgency, n: usize) -> String {
    let mut d: Vec<&Deduction> = a.deductions.iter().filter(|d| d.points < 0.0).collect();
    d.sort_by(|x, y| x.points.total_cmp(&y.points));
    d.iter().take(n).map(|d| format!("{} −{}", d.kind.label_zh(), -d.points)).collect::<Vec<_>>().join("；")
}
