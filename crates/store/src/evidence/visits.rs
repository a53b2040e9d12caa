//! Visits: started with the people sent (checked against the work, R7), a pinned checklist
//! edition and a place; every answer is saved the moment it is given, so a visit interrupted
//! by a closed lid or a killed process resumes where it stopped. Ending a visit needs all its
//! hazard list will need (its `gaps`: answers, measures, deadlines, photo files) and freezes it.

use crate::base::rows::invalid;
use crate::base::rows::parse_id;
use crate::base::templates;
use crate::base::views::{ItemAnswer, NewHazard, NewVisit, VisitDetail, VisitField, VisitPerson, VisitSummary};
use crate::evidence::photos;
use crate::registers::people;
use crate::{Store, StoreError};
use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::capability::{self, Mismatch, Sent};
use safeserve_core::checklist::{Template, TemplateTarget};
use safeserve_core::register::Industry;
use safeserve_core::visit::{self, HeldCertificate, ItemResult, PlannedStaff, ServicePlan, VisitKind};
use safeserve_core::{AgencyId, EnterpriseId, Message, PersonId, VisitId};
use std::collections::HashMap;

/// The name and (for an enterprise) the industry of what a visit is made of.
fn target(conn: &Connection, kind: VisitKind, id: &str) -> Result<(String, Option<Industry>), StoreError> {
    let found = if kind.visits_agency() {
        conn.prepare_cached("SELECT name, NULL FROM agencies WHERE id = ?1")?
    } else {
        conn.prepare_cached("SELECT name, industry FROM enterprises WHERE id = ?1")?
    }
    .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))
    .optional()?;
    let (name, industry) = found.ok_or_else(|| StoreError::NotFound {
        what: if kind.visits_agency() { "agency" } else { "enterprise" },
        id: id.to_owned(),
    })?;
    Ok((name, industry.as_deref().and_then(Industry::from_key)))
}

fn person_name(conn: &Connection, id: &str) -> Result<String, StoreError> {
    conn.prepare_cached("SELECT name FROM people WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "person", id: id.to_owned() })
}

/// R7 is about the agency's people fitting the work: it applies to an agency's visits to an
/// enterprise, not to the bureau's inspectors.
fn mismatches_for(
    conn: &Connection,
    kind: VisitKind,
    industry: Option<Industry>,
    people: &[PersonId],
    today: NaiveDate,
) -> Result<Vec<Mismatch>, StoreError> {
    let Some(industry) = industry.filter(|_| kind.by_agency()) else { return Ok(Vec::new()) };
    let mut loaded = Vec::with_capacity(people.len());
    for p in people {
        let id = p.to_string();
        loaded.push((person_name(conn, &id)?, people::certificates(conn, &id)?));
    }
    let sent: Vec<Sent<'_>> = loaded.iter().map(|(name, certs)| Sent { name, certificates: certs }).collect();
    Ok(capability::mismatches(industry, &sent, today))
}

/// The checklist edition a visit pinned when it started.
fn pinned_template(conn: &Connection, visit_id: &str) -> Result<Template, StoreError> {
    let (key, version): (String, u32) = conn
        .prepare_cached("SELECT template_key, template_version FROM visits WHERE id = ?1")?
        .query_row([visit_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "visit", id: visit_id.to_owned() })?;
    templates::load(conn, &key, version)
}

pub(crate) fn seq_of(conn: &Connection, id: &str) -> Result<i64, StoreError> {
    conn.prepare_cached("SELECT seq FROM visits WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "visit", id: id.to_owned() })
}

pub(crate) fn is_open(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    let ended: Option<Option<String>> =
        conn.prepare_cached("SELECT ended_at FROM visits WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    match ended {
        None => Err(StoreError::NotFound { what: "visit", id: id.to_owned() }),
        Some(ended) => Ok(ended.is_none()),
    }
}

pub(crate) fn require_open(conn: &Connection, id: &str) -> Result<(), StoreError> {
    if is_open(conn, id)? {
        Ok(())
    } else {
        Err(invalid(
            "visit",
            "该检查已结束，记录已锁定，不能再修改",
            "This visit has ended; its record is locked and cannot be changed",
        ))
    }
}

pub(crate) const SUMMARY_SQL: &str = "SELECT v.id, v.kind, coalesce(v.enterprise_id, v.agency_id), \
    coalesce(e.name, a.name), v.started_at, v.ended_at, t.title, \
    (SELECT group_concat(p.name, '、') FROM (SELECT p.name FROM visit_people vp JOIN people p ON p.id = vp.person_id \
       WHERE vp.visit_id = v.id ORDER BY vp.position) p), \
    (SELECT count(*) FROM hazards h WHERE h.visit_id = v.id AND h.level = 'major'), \
    (SELECT count(*) FROM hazards h WHERE h.visit_id = v.id AND h.level = 'general') \
    FROM visits v LEFT JOIN enterprises e ON e.id = v.enterprise_id LEFT JOIN agencies a ON a.id = v.agency_id \
    JOIN templates t ON t.key = v.template_key AND t.version = v.template_version";

pub(crate) fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<VisitSummary> {
    let kind: String = r.get(1)?;
    let people: Option<String> = r.get(7)?;
    Ok(VisitSummary {
        id: parse_id(r, 0)?,
        kind: crate::known(("检查类别", "visit kind"), &kind, VisitKind::from_key)?,
        target_id: r.get(2)?,
        target_name: r.get(3)?,
        started_at: r.get(4)?,
        ended_at: r.get(5)?,
        template_title: r.get(6)?,
        people: people.map(|p| p.split('、').map(str::to_owned).collect()).unwrap_or_default(),
        hazards_major: r.get(8)?,
        hazards_general: r.get(9)?,
    })
}

pub(crate) fn summaries(conn: &Connection, filter: &str, arg: &str) -> Result<Vec<VisitSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{SUMMARY_SQL} {filter}"))?;
    let rows = stmt.query_map([arg], summary)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn answers(conn: &Connection, visit_id: &str) -> Result<Vec<ItemAnswer>, StoreError> {
    let mut photos_by_code: HashMap<String, Vec<_>> = HashMap::new();
    for (code, photo) in photos::item_photos(conn, visit_id)? {
        photos_by_code.entry(code).or_default().push(photo);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT code, result, note FROM visit_items WHERE visit_seq = (SELECT seq FROM visits WHERE id = ?1)",
    )?;
    let rows = stmt.query_map([visit_id], |r| {
        let result: Option<String> = r.get(1)?;
        Ok((r.get::<_, String>(0)?, result.as_deref().and_then(ItemResult::from_key), r.get::<_, String>(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (code, result, note) = row?;
        let photos = photos_by_code.remove(&code).unwrap_or_default();
        out.push(ItemAnswer { code, result, note, photos });
    }
    // Photos taken on an item before any result was chosen.
    for (code, photos) in photos_by_code {
        out.push(ItemAnswer { code, result: None, note: String::new(), photos });
    }
    Ok(out)
}

/// The people of a visit, with their certificates as they stood when it started.
pub(crate) fn people_of(conn: &Connection, visit_id: &str) -> Result<Vec<VisitPerson>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT vp.person_id, p.name, vp.certificates FROM visit_people vp JOIN people p ON p.id = vp.person_id \
         WHERE vp.visit_id = ?1 ORDER BY vp.position",
    )?;
    let people = stmt
        .query_map([visit_id], |r| {
            Ok(VisitPerson {
                id: parse_id(r, 0)?,
                name: r.get(1)?,
                certificates: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(people)
}

/// Who the service plan sends: the visit's people (R6, [`visit::planned_staff`]).
pub(crate) fn plan_staff(people: &[VisitPerson]) -> Vec<PlannedStaff> {
    people
        .iter()
        .map(|p| {
            let held: Vec<HeldCertificate<'_>> = p
                .certificates
                .iter()
                .map(|c| HeldCertificate { kind: c.kind, specialty: c.specialty.as_deref(), expired: c.expired })
                .collect();
            visit::planned_staff(&p.name, &held)
        })
        .collect()
}

impl Store {
    /// The kind of a visit: who may record it and sign its documents follows from it.
    pub fn visit_kind(&self, id: VisitId) -> Result<VisitKind, StoreError> {
        self.kind_where("id = ?1", &id.to_string(), "visit")
    }

    /// The kind of the visit a hazard was found on.
    pub fn hazard_visit_kind(&self, id: safeserve_core::HazardId) -> Result<VisitKind, StoreError> {
        self.kind_where("id = (SELECT visit_id FROM hazards WHERE id = ?1)", &id.to_string(), "hazard")
    }

    fn kind_where(&self, condition: &str, id: &str, what: &'static str) -> Result<VisitKind, StoreError> {
        let key: String = self
            .conn
            .query_row(&format!("SELECT kind FROM visits WHERE {condition}"), [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what, id: id.to_owned() })?;
        Ok(crate::known(("检查类型", "visit kind"), &key, VisitKind::from_key)?)
    }

    /// R7 before a visit starts: what does not fit between the people and the work.
    pub fn capability_check(
        &self,
        kind: VisitKind,
        target_id: &str,
        people: &[PersonId],
        today: NaiveDate,
    ) -> Result<Vec<Mismatch>, StoreError> {
        let (_, industry) = target(&self.conn, kind, target_id)?;
        mismatches_for(&self.conn, kind, industry, people, today)
    }

    /// Whom of `agency`'s staff to propose sending to `target_id` (two people): those whose
    /// certificates fit the work (R7) first, so a high-risk visit does not start with a
    /// mismatch to explain when the agency has the right people.
    pub fn proposed_people(
        &self,
        kind: VisitKind,
        target_id: &str,
        agency: AgencyId,
        today: NaiveDate,
    ) -> Result<Vec<PersonId>, StoreError> {
        let (_, industry) = target(&self.conn, kind, target_id)?;
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT p.id FROM employments e JOIN people p ON p.id = e.person_id WHERE e.agency_id = ?1 \
                 ORDER BY e.full_time DESC, p.seq",
            )?
            .query_map([agency.to_string()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut loaded = Vec::with_capacity(ids.len());
        for id in &ids {
            loaded.push((person_name(&self.conn, id)?, people::certificates(&self.conn, id)?));
        }
        let staff: Vec<Sent<'_>> = loaded.iter().map(|(name, certs)| Sent { name, certificates: certs }).collect();
        capability::propose(industry.filter(|_| kind.by_agency()), &staff, today, 2)
            .into_iter()
            .map(|i| ids[i].parse().map_err(|_| StoreError::NotFound { what: "person", id: ids[i].clone() }))
            .collect()
    }

    /// Starts a visit. A capability mismatch needs a written reason, which is kept with it.
    pub fn start_visit(
        &mut self,
        form: &NewVisit,
        id: VisitId,
        now: &str,
        today: NaiveDate,
    ) -> Result<VisitDetail, StoreError> {
        let (_, industry) = target(&self.conn, form.kind, &form.target_id)?;
        let version = match form.template_version {
            Some(v) => v,
            None => self
                .conn
                .query_row("SELECT max(version) FROM templates WHERE key = ?1", [&form.template_key], |r| {
                    r.get::<_, Option<u32>>(0)
                })?
                .ok_or_else(|| invalid("template", "请选择检查表", "Choose a checklist"))?,
        };
        let template = templates::load(&self.conn, &form.template_key, version)?;
        let wants = if form.kind.visits_agency() { TemplateTarget::Agency } else { TemplateTarget::Enterprise };
        if template.target != wants {
            return Err(invalid(
                "template",
                format!("「{}」不适用于{}", template.title, form.kind.label_zh()),
                format!("\"{}\" is not for a {}", template.title, form.kind.label_en()),
            ));
        }
        if form.people.is_empty() {
            return Err(invalid("people", "请选择派出人员", "Choose who is going"));
        }
        let mismatches = mismatches_for(&self.conn, form.kind, industry, &form.people, today)?;
        let reason = form.mismatch_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if !mismatches.is_empty() && reason.is_none() {
            let list = mismatches.iter().map(|m| m.message.zh.as_str()).collect::<Vec<_>>().join("；");
            let list_en = mismatches.iter().map(|m| m.message.en.as_str()).collect::<Vec<_>>().join("; ");
            return Err(StoreError::Invalid {
                field: "mismatch_reason",
                message: Message::new(
                    format!("派出人员与服务内容不匹配：{list}。如仍要开始，请填写理由"),
                    format!("The people sent do not fit the work: {list_en}. To go on anyway, give a reason"),
                ),
            });
        }
        let id_s = id.to_string();
        let tx = self.conn.transaction()?;
        let (enterprise_id, agency_id) =
            if form.kind.visits_agency() { (None, Some(&form.target_id)) } else { (Some(&form.target_id), None) };
        tx.execute(
            "INSERT INTO visits(id, kind, enterprise_id, agency_id, template_key, template_version, started_at, \
             latitude, longitude, place, mismatches, mismatch_reason) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                id_s,
                form.kind.key(),
                enterprise_id,
                agency_id,
                template.key,
                template.version,
                now,
                form.place.latitude,
                form.place.longitude,
                form.place.description.trim(),
                serde_json::to_string(&mismatches)?,
                if mismatches.is_empty() { None } else { reason },
            ],
        )?;
        for (position, p) in form.people.iter().enumerate() {
            let pid = p.to_string();
            let certs = people::certificate_views(&tx, &pid, today)?;
            tx.execute(
                "INSERT INTO visit_people(visit_id, person_id, position, certificates) VALUES (?1, ?2, ?3, ?4)",
                params![id_s, pid, position as i64, serde_json::to_string(&certs)?],
            )?;
        }
        tx.commit()?;
        self.visit(id, today)
    }

    /// Saves one field of an open visit at once. A failed item answers with the hazard it
    /// proposes, prefilled from the item.
    pub fn save_visit_field(
        &mut self,
        id: VisitId,
        field: &VisitField,
        now: &str,
        today: NaiveDate,
    ) -> Result<Option<NewHazard>, StoreError> {
        let id_s = id.to_string();
        let tx = self.conn.transaction()?;
        require_open(&tx, &id_s)?;
        let mut proposal = None;
        match field {
            VisitField::Place(p) => {
                tx.execute(
                    "UPDATE visits SET latitude = ?2, longitude = ?3, place = ?4 WHERE id = ?1",
                    params![id_s, p.latitude, p.longitude, p.description],
                )?;
            }
            VisitField::Assessment(text) => {
                tx.execute("UPDATE visits SET assessment = ?2 WHERE id = ?1", params![id_s, text])?;
            }
            VisitField::Plan(plan) => {
                // The staff are the visit's people, whatever the form sent (R6).
                let plan = ServicePlan { staff: plan_staff(&people_of(&tx, &id_s)?), schedule: plan.schedule.clone() };
                let json = serde_json::to_string(&plan)?;
                tx.execute("UPDATE visits SET plan = ?2 WHERE id = ?1", params![id_s, json])?;
            }
            VisitField::Answer { code, result, note } => {
                let template = pinned_template(&tx, &id_s)?;
                let item = template.item(code).ok_or_else(|| {
                    invalid("code", format!("检查表中没有检查项 {code}"), format!("No item {code} in the checklist"))
                })?;
                tx.prepare_cached(
                    "INSERT INTO visit_items(visit_seq, code, result, note, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                     ON CONFLICT(visit_seq, code) DO UPDATE SET result = ?3, note = ?4, updated_at = ?5",
                )?
                .execute(params![
                    seq_of(&tx, &id_s)?,
                    code,
                    result.map(ItemResult::key),
                    note,
                    now
                ])?;
                let has_hazard = tx
                    .prepare_cached("SELECT 1 FROM hazards WHERE visit_id = ?1 AND item_code = ?2")?
                    .exists(params![id_s, code])?;
                if *result == Some(ItemResult::Fail) && !has_hazard {
                    // The enterprise's safety contact sees rectification through day to day;
                    // its principal when none is registered.
                    let responsible: Option<String> = tx
                        .prepare_cached(
                            "SELECT coalesce(nullif(trim(e.safety_contact), ''), e.principal) FROM visits v \
                             JOIN enterprises e ON e.id = v.enterprise_id WHERE v.id = ?1",
                        )?
                        .query_row([&id_s], |r| r.get(0))
                        .optional()?;
                    proposal = Some(NewHazard {
                        item_code: Some(code.clone()),
                        description: if note.trim().is_empty() {
                            item.failure_description()
                        } else {
                            note.trim().to_owned()
                        },
                        location: String::new(),
                        category: item.category,
                        level: item.level,
                        basis: item.basis.clone(),
                        measure: item.measure.clone(),
                        deadline: (today + Days::new(item.level.default_rectification_days())).to_string(),
                        responsible: responsible.unwrap_or_default(),
                    });
                }
            }
        }
        tx.commit()?;
        Ok(proposal)
    }

    /// Ends a visit once nothing it lacks stands in the way of signing its hazard list: every
    /// item answered (不适用 is an answer), every hazard with a measure and a deadline, every
    /// photo's file in the photo folder. The record then freezes.
    pub fn end_visit(&mut self, id: VisitId, now: &str, today: NaiveDate) -> Result<VisitDetail, StoreError> {
        let id_s = id.to_string();
        require_open(&self.conn, &id_s)?;
        let before = self.visit(id, today)?;
        if !before.gaps.is_empty() {
            return Err(StoreError::Incomplete { problems: before.gaps.into_iter().map(|g| g.message).collect() });
        }
        self.conn.execute("UPDATE visits SET ended_at = ?2 WHERE id = ?1", params![id_s, now])?;
        self.visit(id, today)
    }

    /// Visits not yet ended, newest first: what to resume after a restart.
    pub fn unfinished_visits(&self) -> Result<Vec<VisitSummary>, StoreError> {
        summaries(&self.conn, "WHERE v.ended_at IS NULL AND ?1 = ?1 ORDER BY v.seq DESC", "")
    }

    /// Visits, newest first, of one enterprise or of all.
    pub fn visits(&self, enterprise: Option<EnterpriseId>, limit: usize) -> Result<Vec<VisitSummary>, StoreError> {
        let (filter, arg) = match enterprise {
            Some(e) => ("WHERE v.enterprise_id = ?1", e.to_string()),
            None => ("WHERE ?1 = ?1", String::new()),
        };
        summaries(&self.conn, &format!("{filter} ORDER BY v.seq DESC LIMIT {limit}"), &arg)
    }
}
