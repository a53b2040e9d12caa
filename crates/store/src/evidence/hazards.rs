//! Hazards and their append-only events. A hazard is reported with its visit; its fields can
//! be corrected while that visit is open and are frozen after (a trigger enforces it). Its
//! state is never stored: every view derives it from the events (`safeserve_core::hazard`).

use crate::base::rows::parse_id;
use crate::base::rows::{invalid, require};
use crate::base::views::{HazardCounts, HazardEventView, HazardField, HazardView, NewHazard, Reinspection};
use crate::evidence::photos;
use crate::evidence::visits;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::hazard::{self, HazardCategory, HazardEvent, HazardEventKind, HazardLevel, HazardStatus, Ranked};
use safeserve_core::visit::VisitKind;
use safeserve_core::{HazardId, VisitId};
use std::collections::HashMap;

/// Which hazards a list shows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope<'a> {
    /// One hazard, by id.
    Hazard(&'a str),
    Visit(&'a str),
    /// An enterprise's or an agency's.
    Target(&'a str),
}

fn parse_deadline(s: &str) -> Result<NaiveDate, StoreError> {
    s.trim().parse().map_err(|_| invalid("deadline", "请填写整改期限（年-月-日）", "Enter the deadline (YYYY-MM-DD)"))
}

fn frozen(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("hazard_frozen") => invalid(
            "hazard",
            "该隐患所在的检查已结束，记录已锁定，不能修改",
            "The visit of this hazard has ended; the record is locked",
        ),
        _ => StoreError::Sqlite(e),
    }
}

pub(crate) fn append_event(
    conn: &Connection,
    hazard: i64,
    kind: HazardEventKind,
    at: &str,
    visit: Option<i64>,
    note: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO hazard_events(hazard_seq, kind, at, visit_seq, note) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![hazard, kind.key(), at, visit, note])?;
    Ok(())
}

/// A hazard row as written: its visit, its subject (an enterprise or an agency) and the form.
pub struct Inserted<'a> {
    pub id: &'a str,
    pub visit_id: &'a str,
    pub visit_seq: i64,
    pub enterprise_id: Option<&'a str>,
    pub agency_id: Option<&'a str>,
    pub form: &'a NewHazard,
    pub deadline: NaiveDate,
}

/// Inserts a hazard and its `reported` event (also used by a bulk load); returns its seq.
pub(crate) fn insert(conn: &Connection, h: &Inserted<'_>, now: &str) -> rusqlite::Result<i64> {
    let f = h.form;
    conn.prepare_cached(
        "INSERT INTO hazards(id, visit_id, enterprise_id, agency_id, item_code, description, location, category, \
         level, basis, measure, deadline, responsible, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        h.id,
        h.visit_id,
        h.enterprise_id,
        h.agency_id,
        f.item_code,
        f.description.trim(),
        f.location.trim(),
        f.category.key(),
        f.level.key(),
        f.basis.trim(),
        f.measure.trim(),
        h.deadline.to_string(),
        f.responsible.trim(),
        now,
    ])?;
    let seq = conn.last_insert_rowid();
    append_event(conn, seq, HazardEventKind::Reported, now, Some(h.visit_seq), "")?;
    Ok(seq)
}

pub(crate) fn events_of(conn: &Connection, hazard: i64) -> Result<Vec<HazardEvent>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT kind, substr(at, 1, 10) FROM hazard_events WHERE hazard_seq = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([hazard], |r| {
        let kind: String = r.get(0)?;
        let on: String = r.get(1)?;
        Ok(HazardEvent {
            kind: crate::known(("隐患事件", "hazard event"), &kind, HazardEventKind::from_key)?,
            on: on.parse().unwrap_or(NaiveDate::MIN),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A hazard's seq, level and visit id.
fn find(conn: &Connection, hazard_id: &str) -> Result<(i64, HazardLevel, String), StoreError> {
    let (seq, level, visit): (i64, String, String) = conn
        .prepare_cached("SELECT seq, level, visit_id FROM hazards WHERE id = ?1")?
        .query_row([hazard_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "hazard", id: hazard_id.to_owned() })?;
    Ok((seq, crate::known(("隐患级别", "hazard level"), &level, HazardLevel::from_key)?, visit))
}

/// Hazards of `scope`, each with its events and photos, in list order (R8: major first).
pub(crate) fn views(conn: &Connection, scope: Scope<'_>, today: NaiveDate) -> Result<Vec<HazardView>, StoreError> {
    let (filter, key) = match scope {
        Scope::Hazard(h) => ("h.id = ?1", h),
        Scope::Visit(v) => ("h.visit_id = ?1", v),
        Scope::Target(t) => ("(h.enterprise_id = ?1 OR h.agency_id = ?1)", t),
    };
    let mut events: HashMap<String, Vec<(HazardEvent, HazardEventView)>> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT h.id, ev.kind, ev.at, ev.note, v.id FROM hazard_events ev \
         JOIN hazards h ON h.seq = ev.hazard_seq LEFT JOIN visits v ON v.seq = ev.visit_seq \
         WHERE {filter} ORDER BY ev.seq"
    ))?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        let kind = crate::known(("隐患事件", "hazard event"), &r.get::<_, String>(1)?, HazardEventKind::from_key)?;
        let at: String = r.get(2)?;
        let visit: Option<String> = r.get(4)?;
        let on = at.get(..10).and_then(|d| d.parse().ok()).unwrap_or(NaiveDate::MIN);
        events.entry(r.get(0)?).or_default().push((
            HazardEvent { kind, on },
            HazardEventView { kind, at, note: r.get(3)?, visit_id: visit.and_then(|v| v.parse().ok()) },
        ));
    }
    let mut photos = photos::hazard_photos(conn, filter, key)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT h.id, h.visit_id, coalesce(e.name, a.name), h.item_code, h.description, h.location, h.category, \
         h.level, h.basis, h.measure, h.deadline, h.responsible, h.created_at, h.seq \
         FROM hazards h LEFT JOIN enterprises e ON e.id = h.enterprise_id LEFT JOIN agencies a ON a.id = h.agency_id \
         WHERE {filter}"
    ))?;
    let mut out: Vec<(Ranked, HazardView)> = Vec::new();
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let (evs, event_views): (Vec<_>, Vec<_>) = events.remove(&id).unwrap_or_default().into_iter().unzip();
        let deadline_s: String = r.get(10)?;
        let deadline = deadline_s.parse().unwrap_or(NaiveDate::MAX);
        let level = crate::known(("隐患级别", "hazard level"), &r.get::<_, String>(7)?, HazardLevel::from_key)?;
        let state = hazard::state(&evs, deadline, today);
        let (before, after) = photos.remove(&id).unwrap_or_default();
        let ranked = Ranked { level, state, deadline, seq: r.get(13)? };
        out.push((
            ranked,
            HazardView {
                id: parse_id(r, 0)?,
                visit_id: parse_id(r, 1)?,
                target_name: r.get(2)?,
                item_code: r.get(3)?,
                description: r.get(4)?,
                location: r.get(5)?,
                category: crate::known(
                    ("隐患类别", "hazard category"),
                    &r.get::<_, String>(6)?,
                    HazardCategory::from_key,
                )?,
                level,
                basis: r.get(8)?,
                measure: r.get(9)?,
                deadline: deadline_s,
                responsible: r.get(11)?,
                created_at: r.get(12)?,
                state,
                events: event_views,
                photos_before: before,
                photos_after: after,
            },
        ));
    }
    out.sort_by(|a, b| hazard::list_order(&a.0, &b.0));
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

pub(crate) fn counts(hazards: &[HazardView]) -> HazardCounts {
    let mut c = HazardCounts::default();
    for h in hazards {
        if h.state.status == HazardStatus::Closed {
            c.closed += 1;
        } else {
            c.open += 1;
            c.overdue += u32::from(h.state.overdue);
            c.major_open += u32::from(h.level == HazardLevel::Major);
        }
    }
    c
}

impl Store {
    /// Records a hazard found on an open visit.
    pub fn add_hazard(
        &mut self,
        visit_id: VisitId,
        form: &NewHazard,
        id: HazardId,
        now: &str,
        today: NaiveDate,
    ) -> Result<HazardView, StoreError> {
        let visit_s = visit_id.to_string();
        require(&[("description", &form.description, "隐患描述", "description")])?;
        // A hazard list is signed only with a targeted measure for every hazard (R6): asked for
        // here, where the technician is looking at the hazard, not at signing.
        if form.measure.trim().is_empty() {
            return Err(invalid(
                "measure",
                "请填写整改措施：隐患清单上每项隐患都要有针对性的整改措施",
                "Enter the rectification measure: every hazard on the list needs one",
            ));
        }
        let deadline = parse_deadline(&form.deadline)?;
        if deadline < today {
            return Err(invalid("deadline", "整改期限不能早于今天", "The deadline cannot be in the past"));
        }
        let tx = self.conn.transaction()?;
        visits::require_open(&tx, &visit_s)?;
        let (visit_seq, enterprise_id, agency_id): (i64, Option<String>, Option<String>) =
            tx.query_row("SELECT seq, enterprise_id, agency_id FROM visits WHERE id = ?1", [&visit_s], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let id_s = id.to_string();
        insert(
            &tx,
            &Inserted {
                id: &id_s,
                visit_id: &visit_s,
                visit_seq,
                enterprise_id: enterprise_id.as_deref(),
                agency_id: agency_id.as_deref(),
                form,
                deadline,
            },
            now,
        )?;
        tx.commit()?;
        self.hazard(id, today)
    }

    pub fn hazard(&self, id: HazardId, today: NaiveDate) -> Result<HazardView, StoreError> {
        let id_s = id.to_string();
        views(&self.conn, Scope::Hazard(&id_s), today)?.pop().ok_or(StoreError::NotFound { what: "hazard", id: id_s })
    }

    /// Saves one field of a hazard as it is typed; refused once the visit has ended.
    pub fn save_hazard_field(&mut self, id: HazardId, field: &HazardField) -> Result<(), StoreError> {
        let id_s = id.to_string();
        let (column, value): (&str, String) = match field {
            HazardField::Description(v) => ("description", v.clone()),
            HazardField::Location(v) => ("location", v.clone()),
            HazardField::Category(c) => ("category", c.key().to_owned()),
            HazardField::Level(l) => ("level", l.key().to_owned()),
            HazardField::Basis(v) => ("basis", v.clone()),
            HazardField::Measure(v) => ("measure", v.clone()),
            HazardField::Deadline(v) => ("deadline", parse_deadline(v)?.to_string()),
            HazardField::Responsible(v) => ("responsible", v.clone()),
        };
        if column == "description" && value.trim().is_empty() {
            return Err(invalid("description", "请填写隐患描述", "Enter the description"));
        }
        // After the visit a field changes only through `supplement_hazard`, which records it.
        if let Ok((_, _, visit)) = find(&self.conn, &id_s) {
            visits::require_open(&self.conn, &visit)?;
        }
        let n = self
            .conn
            .prepare_cached(&format!("UPDATE hazards SET {column} = ?2 WHERE id = ?1"))?
            .execute(params![id_s, value])
            .map_err(frozen)?;
        if n == 0 {
            return Err(StoreError::NotFound { what: "hazard", id: id_s });
        }
        Ok(())
    }

    /// Fills in, on a hazard of an ended visit, a field its signed list needs and it lacks (the
    /// measure, or the responsible person a rectification notice names), as long as none of the
    /// visit's documents is signed. The value is written with a `supplemented` event that
    /// records it, in one transaction: the hazard's record shows what was added and when.
    pub fn supplement_hazard(&mut self, id: HazardId, field: &HazardField, now: &str) -> Result<(), StoreError> {
        let id_s = id.to_string();
        let (column, label, value) = match field {
            HazardField::Measure(v) => ("measure", "整改措施", v.trim()),
            HazardField::Responsible(v) => ("responsible", "整改责任人", v.trim()),
            _ => {
                return Err(invalid(
                    "field",
                    "检查结束后只能补充整改措施或整改责任人",
                    "After the visit only the measure or the responsible person can be completed",
                ))
            }
        };
        if value.is_empty() {
            return Err(invalid(column, format!("请填写{label}"), format!("Enter the {column}")));
        }
        let tx = self.conn.transaction()?;
        let (seq, _, visit) = find(&tx, &id_s)?;
        if visits::is_open(&tx, &visit)? {
            return Err(invalid(
                "visit",
                "检查尚未结束，请直接修改隐患",
                "The visit is still open: edit the hazard itself",
            ));
        }
        let signed = tx.prepare_cached("SELECT 1 FROM documents WHERE visit_id = ?1")?.exists([&visit])?;
        if signed {
            return Err(invalid(
                "hazard",
                "该检查的文书已签字，隐患不能再补充；如需改正请对文书「更正」",
                "The visit's documents are signed; the hazard cannot change. Correct the document instead",
            ));
        }
        let current: String =
            tx.query_row(&format!("SELECT {column} FROM hazards WHERE seq = ?1"), [seq], |r| r.get(0))?;
        if !current.trim().is_empty() {
            return Err(invalid(
                column,
                format!("该隐患已有{label}，检查结束后不能更改"),
                format!("The hazard already has a {column}; it cannot change after the visit"),
            ));
        }
        tx.execute(&format!("UPDATE hazards SET {column} = ?2 WHERE seq = ?1"), params![seq, value]).map_err(frozen)?;
        append_event(&tx, seq, HazardEventKind::Supplemented, now, None, &format!("{label}：{value}"))?;
        tx.commit()?;
        Ok(())
    }

    /// Appends an event to a hazard's life, if the lifecycle allows it.
    pub fn add_hazard_event(
        &mut self,
        id: HazardId,
        kind: HazardEventKind,
        note: &str,
        visit_id: Option<VisitId>,
        now: &str,
    ) -> Result<(), StoreError> {
        if kind == HazardEventKind::Supplemented {
            // It carries a value into the record: only `supplement_hazard` writes it.
            return Err(invalid("event", "请通过补充整改措施或责任人来记录", "Use the completion of a field for this"));
        }
        let id_s = id.to_string();
        let tx = self.conn.transaction()?;
        let (seq, level, _) = find(&tx, &id_s)?;
        let events = events_of(&tx, seq)?;
        hazard::check_next(&events, level, kind).map_err(|message| StoreError::Invalid { field: "event", message })?;
        let needs_after_photo = kind == HazardEventKind::RectificationReported;
        if needs_after_photo && !photos::hazard_has_after_photo(&tx, &id_s)? {
            return Err(invalid("photos_after", "请先添加整改后照片", "Add a photo of the rectified situation first"));
        }
        let visit = match visit_id {
            Some(v) => Some(visits::seq_of(&tx, &v.to_string())?),
            None => None,
        };
        append_event(&tx, seq, kind, now, visit, note.trim())?;
        tx.commit()?;
        Ok(())
    }

    /// A re-inspection settles an open hazard: closed with after-photos, or kept open with a reason.
    pub fn reinspect(
        &mut self,
        visit_id: VisitId,
        hazard_id: HazardId,
        verdict: &Reinspection,
        now: &str,
    ) -> Result<(), StoreError> {
        let visit_s = visit_id.to_string();
        let hazard_s = hazard_id.to_string();
        let tx = self.conn.transaction()?;
        visits::require_open(&tx, &visit_s)?;
        let (visit, kind): (i64, String) =
            tx.query_row("SELECT seq, kind FROM visits WHERE id = ?1", [&visit_s], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if kind != VisitKind::Reinspection.key() {
            return Err(invalid("visit", "只有复查可以销号或保留隐患", "Only a re-inspection settles hazards"));
        }
        let (seq, level, _) = find(&tx, &hazard_s)?;
        let events = events_of(&tx, seq)?;
        let at = Some(visit);
        match verdict {
            Reinspection::Close => {
                if !photos::hazard_has_after_photo(&tx, &hazard_s)? {
                    return Err(invalid(
                        "photos_after",
                        "销号前请添加整改后照片",
                        "Add a photo of the rectified situation before closing",
                    ));
                }
                hazard::check_next(&events, level, HazardEventKind::Verified)
                    .map_err(|message| StoreError::Invalid { field: "verdict", message })?;
                append_event(&tx, seq, HazardEventKind::Verified, now, at, "")?;
                append_event(&tx, seq, HazardEventKind::Closed, now, at, "")?;
            }
            Reinspection::KeepOpen { reason } => {
                if reason.trim().is_empty() {
                    return Err(invalid("reason", "请填写未通过复查的原因", "Give the reason the hazard stays open"));
                }
                hazard::check_next(&events, level, HazardEventKind::KeptOpen)
                    .map_err(|message| StoreError::Invalid { field: "verdict", message })?;
                append_event(&tx, seq, HazardEventKind::KeptOpen, now, at, reason.trim())?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Open hazards past their deadline that have no `overdue` event yet get one, so the
    /// moment a hazard became overdue is on its record. Returns how many.
    pub fn mark_overdue(&mut self, today: NaiveDate, now: &str) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let seqs: Vec<i64> = tx
            .prepare(
                "SELECT h.seq FROM hazards h WHERE h.deadline < ?1 \
                 AND NOT EXISTS (SELECT 1 FROM hazard_events ev WHERE ev.hazard_seq = h.seq \
                   AND ev.kind IN ('overdue', 'verified', 'closed'))",
            )?
            .query_map([today.to_string()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for seq in &seqs {
            append_event(&tx, *seq, HazardEventKind::Overdue, now, None, "")?;
        }
        tx.commit()?;
        Ok(seqs.len())
    }
}
