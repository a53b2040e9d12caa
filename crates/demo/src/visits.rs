//! Demo visits and hazards: each contract's agency visits its enterprise on schedule with two
//! of its qualified staff, answers every item of the checklist that fits the industry and
//! reports a hazard for each failed item. Older hazards were mostly rectified and closed at the
//! next visit; some were not and are overdue now; major ones were reported to the township.

use super::Gen;
use chrono::{Days, NaiveDate};
use rand::Rng;
use safeserve_core::checklist::Template;
use safeserve_core::hazard::{HazardEventKind, HazardLevel};
use safeserve_core::register::Certificate;
use safeserve_core::register::Industry;
use safeserve_core::visit::{ItemResult, PlannedStaff, ServicePlan, VisitKind};
use safeserve_core::{HazardId, PersonId, VisitId};
use safeserve_store::bulk::{BulkLoad, HazardRecord, VisitPerson, VisitRecord};
use safeserve_store::views::{CertificateView, NewHazard};
use safeserve_store::{Store, StoreError};
use HazardEventKind::*;

const LOCATIONS: &[&str] =
    &["一号车间", "二号车间", "原料仓库", "成品仓库", "配电房", "除尘器旁", "办公楼", "厂区道路", "危化品库", "锅炉房"];

/// A contract as the visit generator sees it.
pub(super) struct Served<'a> {
    pub enterprise: &'a str,
    pub industry: Industry,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub visits_per_year: u32,
    pub staff: &'a [Staff],
}

/// A qualified person an agency sends, with the certificate snapshot a visit keeps.
pub(super) struct Staff {
    /// With the certificates as they stand on the demo's reference date.
    person: VisitPerson,
    name: String,
    specialty: String,
    grade: String,
}

impl Staff {
    pub fn new(id: PersonId, name: String, certs: &[Certificate], as_of: NaiveDate) -> Result<Self, StoreError> {
        let views: Vec<CertificateView> = certs
            .iter()
            .map(|c| CertificateView {
                kind: c.kind,
                number: c.number.clone(),
                issuer: c.issuer.clone(),
                specialty: c.specialty.clone(),
                expires_on: c.expires_on.map(|d| d.to_string()),
                level: c.level.clone(),
                issued_on: c.issued_on.map(|d| d.to_string()),
                expired: !c.is_valid_on(as_of),
                expiring_soon: false,
                also_claimed_by: vec![],
            })
            .collect();
        let first = certs.first();
        Ok(Staff {
            person: VisitPerson::new(id, &views)?,
            name,
            specialty: first.and_then(|c| c.specialty.clone()).unwrap_or_else(|| "安全工程".into()),
            grade: first.map(|c| c.kind.label_zh().to_string()).unwrap_or_default(),
        })
    }
}

pub(super) struct Templates {
    general: Template,
    dust: Template,
}

impl Templates {
    /// The newest edition of each, as a visit started today would pin.
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let all = store.templates()?;
        let find = |k: &str| -> Result<Template, StoreError> {
            let newest = all.iter().filter(|t| t.key == k).map(|t| t.version).max();
            store.template(k, newest.expect("a new database holds every shipped template"))
        };
        Ok(Templates { general: find("enterprise-general")?, dust: find("dust-explosion")? })
    }
}

fn local_time(day: NaiveDate, minutes: u32) -> String {
    format!("{day}T{:02}:{:02}:00+08:00", 8 + minutes / 60, minutes % 60)
}

/// Visits of one contract up to `as_of` (or the contract's end).
pub(super) fn generate(
    g: &mut Gen,
    load: &BulkLoad<'_>,
    t: &Templates,
    c: &Served<'_>,
    as_of: NaiveDate,
    fail_rate: f64,
) -> Result<(), StoreError> {
    if c.staff.len() < 2 || c.starts_on >= as_of {
        return Ok(());
    }
    let template = if c.industry == Industry::DustExplosion && g.chance(0.5) { &t.dust } else { &t.general };
    let interval = (365 / c.visits_per_year.max(1)) as u64;
    let until = c.ends_on.min(as_of);
    let elapsed = (until - c.starts_on).num_days() as u64;
    let n = (elapsed / interval + 1).min(4);
    let event = |hazard, kind, at: &str, visit| load.hazard_event(hazard, kind, at, visit);
    let mut previous: Vec<(i64, NaiveDate)> = Vec::new(); // open hazards (seq) and deadlines
    for k in 0..n {
        let day = c.starts_on + Days::new(k * interval + g.rng.random_range(0..5));
        if day > until {
            break;
        }
        let (ms, bytes, _) = g.stamp();
        let visit_id = VisitId::from_parts(ms, &bytes);
        let start_min = g.rng.random_range(30..360);
        let started = local_time(day, start_min);
        let ended = local_time(day, start_min + g.rng.random_range(60..180));
        let kind = if k == 0 { VisitKind::FirstService } else { VisitKind::Service };
        let (a, b) = (g.rng.random_range(0..c.staff.len()), g.rng.random_range(0..c.staff.len()));
        let people = if a == b { vec![&c.staff[a]] } else { vec![&c.staff[a], &c.staff[b]] };
        // A first visit records the service plan (R6): who is sent, their specialty and grade.
        let plan = (kind == VisitKind::FirstService).then(|| ServicePlan {
            staff: people
                .iter()
                .map(|p| PlannedStaff { name: p.name.clone(), specialty: p.specialty.clone(), grade: p.grade.clone() })
                .collect(),
            schedule: format!("每年 {} 次现场服务，覆盖全部检查项目", c.visits_per_year),
        });
        let on_visit: Vec<&VisitPerson> = people.iter().map(|p| &p.person).collect();
        let visit_id_text = visit_id.to_string();
        let visit_seq = load.visit(&VisitRecord {
            id: visit_id,
            kind,
            enterprise_id: c.enterprise,
            template,
            started_at: &started,
            ended_at: &ended,
            place: "企业厂区",
            assessment: if k == 0 {
                "企业安全管理基础一般，需重点关注现场隐患整改闭环"
            } else {
                ""
            },
            plan: plan.as_ref(),
            people: &on_visit,
        })?;
        // What the previous visit found is settled at this one.
        for (hazard, _) in previous.drain(..) {
            if g.chance(0.85) {
                event(hazard, RectificationReported, &started, None)?;
                event(hazard, Verified, &started, Some(visit_seq))?;
                event(hazard, Closed, &started, Some(visit_seq))?;
            }
        }
        for item in template.items() {
            let result = if g.chance(fail_rate) {
                ItemResult::Fail
            } else if g.chance(0.08) {
                ItemResult::NotApplicable
            } else {
                ItemResult::Pass
            };
            load.answer(visit_seq, &item.code, result, &started)?;
            if result != ItemResult::Fail {
                continue;
            }
            let (ms, bytes, _) = g.stamp();
            let id = HazardId::from_parts(ms, &bytes).to_string();
            let deadline = day + Days::new(item.level.default_rectification_days());
            let location = *g.pick(LOCATIONS);
            let form = NewHazard {
                item_code: Some(item.code.clone()),
                description: format!("{location}：{}", item.failure_description()),
                location: location.to_owned(),
                category: item.category,
                level: item.level,
                basis: item.basis.clone(),
                measure: item.measure.clone(),
                deadline: deadline.to_string(),
                responsible: String::new(),
            };
            let h = HazardRecord {
                id: &id,
                visit_id: &visit_id_text,
                visit_seq,
                enterprise_id: Some(c.enterprise),
                agency_id: None,
                form: &form,
                deadline,
            };
            let seq = load.hazard(&h, &started)?;
            if item.level == HazardLevel::Major {
                event(seq, ReportedToGovernment, &ended, Some(visit_seq))?;
            }
            previous.push((seq, deadline));
        }
    }
    // Hazards of the last visit: some rectified already, the rest open (overdue if late).
    for (hazard, deadline) in previous {
        if deadline < as_of && g.chance(0.5) {
            event(hazard, RectificationReported, &local_time(deadline, 60), None)?;
        }
    }
    Ok(())
}
