//! Applying a pulled page: last writer wins for register fields, append-only for evidence, signed documents checked first; a change that cannot be applied yet waits, never dropped.

use super::*;

/// What one pulled page did here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub applied: u32,
    /// Older than the version held here (last writer wins), or evidence already held.
    pub skipped: u32,
    /// Changes of this page that could not be applied here (a parent not held yet, a signed
    /// document that does not verify, a row the local rules refuse), each with its reason.
    /// None is dropped: they wait in `sync_waiting` ([`Store::waiting_changes`]).
    pub rejected: Vec<String>,
    /// Changes that had waited and applied with this page (their parent arrived).
    pub released: u32,
}

/// A pulled change waiting to be applied, and why it could not be yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingChange {
    pub entity: Entity,
    pub record_id: String,
    pub reason: String,
    /// When it first could not be applied (UTC).
    pub since: String,
}

/// How the sync screen and `safeserve sync` name it: "visit_item ID：reason".
impl std::fmt::Display for WaitingChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}：{}", self.entity.key(), self.record_id, self.reason)
    }
}

/// What applying one change did.
pub(super) enum Taken {
    Applied,
    Skipped,
}
/// A JSON value as an SQL value: arrays and objects (never columns here) as their text.
pub(super) fn sql_value(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(*b as i64),
        Json::Number(n) => n.as_i64().map(Value::Integer).unwrap_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0))),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// A synced table: its key and the columns a body may set (anything else in a body is
/// ignored, so a body can never name a column of its own choosing).
pub(super) struct Table {
    name: &'static str,
    key: &'static [&'static str],
    columns: &'static [&'static str],
}

pub(super) const AGENCIES: Table = Table {
    name: "agencies",
    key: &["id"],
    columns: &[
        "id",
        "credit_code",
        "name",
        "address",
        "office_area_m2",
        "division",
        "service_types",
        "high_risk_industries",
        "platform_registered",
        "documents",
        "created_at",
        "reference_fees",
    ],
};
pub(super) const ENTERPRISES: Table = Table {
    name: "enterprises",
    key: &["id"],
    columns: &[
        "id",
        "credit_code",
        "name",
        "address",
        "division",
        "industry",
        "high_risk",
        "size",
        "park",
        "principal",
        "safety_contact",
        "phone",
        "created_at",
    ],
};
pub(super) const PEOPLE: Table =
    Table { name: "people", key: &["id"], columns: &["id", "id_number", "id_masked", "name", "phone", "created_at"] };
pub(super) const LETTER_DRAFTS: Table = Table {
    name: "letter_drafts",
    key: &["visit_id"],
    columns: &["visit_id", "findings", "demands", "reply_days", "drafted_by", "updated_at"],
};
pub(super) const LETTER_EVENTS: Table = Table {
    name: "letter_events",
    key: &["letter_id", "kind", "recorded_at"],
    columns: &["letter_id", "kind", "on_date", "note", "recorded_by", "recorded_at"],
};
pub(super) const EVALUATIONS: Table = Table {
    name: "evaluations",
    key: &["id"],
    columns: &[
        "id",
        "agency_id",
        "rater_kind",
        "enterprise_id",
        "visit_id",
        "rater",
        "quality",
        "timeliness",
        "fees",
        "note",
        "rated_on",
        "recorded_at",
    ],
};
pub(super) const BLACKLIST_ENTRIES: Table = Table {
    name: "blacklist_entries",
    key: &["id"],
    columns: &[
        "id",
        "subject_kind",
        "subject_id",
        "ground",
        "evidence",
        "evidence_ref",
        "entered_by",
        "entered_on",
        "recorded_at",
    ],
};
pub(super) const BLACKLIST_LIFTS: Table =
    Table { name: "blacklist_lifts", key: &["entry_id"], columns: &["entry_id", "reason", "lifted_by", "lifted_on"] };
pub(super) const AGENCY_ACTS: Table = Table {
    name: "agency_acts",
    key: &["id"],
    columns: &["id", "agency_id", "kind", "county", "note", "decided_by", "decided_on", "recorded_at"],
};
pub(super) const CONTRACTS: Table = Table {
    name: "contracts",
    key: &["id"],
    columns: &[
        "id",
        "agency_id",
        "enterprise_id",
        "service_types",
        "content",
        "visits_per_year",
        "starts_on",
        "ends_on",
        "fee_fen",
        "acceptance_standard",
        "filed",
        "government_commissioned",
        "created_at",
        "terms",
        "filed_with",
        "filed_on",
    ],
};
pub(super) const VISITS: Table = Table {
    name: "visits",
    key: &["id"],
    columns: &[
        "id",
        "kind",
        "enterprise_id",
        "agency_id",
        "template_key",
        "template_version",
        "started_at",
        "ended_at",
        "latitude",
        "longitude",
        "place",
        "assessment",
        "plan",
        "mismatches",
        "mismatch_reason",
    ],
};
pub(super) const VISIT_ITEMS: Table = Table {
    name: "visit_items",
    key: &["visit_seq", "code"],
    columns: &["visit_seq", "code", "result", "note", "updated_at"],
};
pub(super) const HAZARDS: Table = Table {
    name: "hazards",
    key: &["id"],
    columns: &[
        "id",
        "visit_id",
        "enterprise_id",
        "agency_id",
        "item_code",
        "description",
        "location",
        "category",
        "level",
        "basis",
        "measure",
        "deadline",
        "responsible",
        "created_at",
    ],
};
pub(super) const PHOTOS: Table = Table {
    name: "photos",
    key: &["sha256"],
    columns: &[
        "sha256",
        "format",
        "bytes",
        "width",
        "height",
        "taken_at",
        "latitude",
        "longitude",
        "display_width",
        "display_height",
        "phash",
        "imported_at",
    ],
};
pub(super) const ITEM_PHOTOS: Table = Table {
    name: "item_photos",
    key: &["visit_id", "code", "sha256"],
    columns: &["visit_id", "code", "sha256", "added_at"],
};
pub(super) const HAZARD_PHOTOS: Table = Table {
    name: "hazard_photos",
    key: &["hazard_id", "phase", "sha256"],
    columns: &["hazard_id", "phase", "sha256", "added_at"],
};

impl Table {
    /// Inserts the row, or (`replace`) updates every column of an existing one; without
    /// `replace` an existing row is left as it is (evidence).
    pub(super) fn write(&self, conn: &Connection, body: &Map<String, Json>, replace: bool) -> rusqlite::Result<usize> {
        let cols: Vec<&str> = self.columns.iter().copied().filter(|c| body.contains_key(*c)).collect();
        let placeholders = (1..=cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let action = if replace {
            let sets: Vec<String> =
                cols.iter().filter(|c| !self.key.contains(c)).map(|c| format!("{c} = excluded.{c}")).collect();
            if sets.is_empty() {
                "NOTHING".to_owned()
            } else {
                format!("UPDATE SET {}", sets.join(", "))
            }
        } else {
            "NOTHING".to_owned()
        };
        let sql = format!(
            "INSERT INTO {}({}) VALUES ({placeholders}) ON CONFLICT({}) DO {action}",
            self.name,
            cols.join(", "),
            self.key.join(", ")
        );
        let values: Vec<Value> = cols.iter().map(|c| sql_value(&body[*c])).collect();
        conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))
    }
}

pub(super) fn object(body: Option<&RawValue>) -> Result<Map<String, Json>, StoreError> {
    let raw = body.ok_or_else(|| unreadable("missing body"))?;
    match serde_json::from_str::<Json>(raw.get()).map_err(unreadable)? {
        Json::Object(m) => Ok(m),
        _ => Err(unreadable("body is not an object")),
    }
}

pub(super) fn text<'a>(body: &'a Map<String, Json>, key: &str) -> Result<&'a str, StoreError> {
    body.get(key).and_then(Json::as_str).ok_or_else(|| unreadable(format!("missing {key}")))
}

pub(super) fn seq_of(conn: &Connection, table: &str, id: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(&format!("SELECT seq FROM {table} WHERE id = ?1"))?.query_row([id], |r| r.get(0)).optional()
}

pub(super) fn replace_children(
    conn: &Connection,
    table: &str,
    parent_col: &str,
    parent: &str,
    columns: &[&str],
    rows: &[Map<String, Json>],
) -> rusqlite::Result<()> {
    conn.prepare_cached(&format!("DELETE FROM {table} WHERE {parent_col} = ?1"))?.execute([parent])?;
    let placeholders = (1..=columns.len() + 1).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let sql = format!("INSERT OR REPLACE INTO {table}({parent_col}, {}) VALUES ({placeholders})", columns.join(", "));
    let mut stmt = conn.prepare_cached(&sql)?;
    for row in rows {
        let mut values = vec![Value::Text(parent.to_owned())];
        values.extend(columns.iter().map(|c| row.get(*c).map(sql_value).unwrap_or(Value::Null)));
        stmt.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}

/// Writes one pulled upsert into its tables.
pub(super) fn apply_upsert(
    tx: &Transaction<'_>,
    entity: Entity,
    body: &Map<String, Json>,
    bulk: bool,
) -> Result<(), StoreError> {
    match entity {
        // The server keeps each laptop's audit log and sends none out; one that came anyway is
        // kept waiting and shown, never written into this laptop's own chain.
        Entity::AuditEntry => {
            return Err(SyncDataError::Unreadable(
                "另一台电脑的审计日志不在本机保存 / another laptop's audit log is not kept here".into(),
            )
            .into());
        }
        Entity::Agency => {
            let held = seq_of(tx, "agencies", text(body, "id")?)?;
            AGENCIES.write(tx, body, true)?;
            reindex(tx, Register::Agency, "agencies", text(body, "id")?, held.is_some(), bulk)?;
        }
        Entity::Enterprise => {
            let held = seq_of(tx, "enterprises", text(body, "id")?)?;
            ENTERPRISES.write(tx, body, true)?;
            reindex(tx, Register::Enterprise, "enterprises", text(body, "id")?, held.is_some(), bulk)?;
        }
        Entity::Person => {
            let id = text(body, "id")?;
            let held = seq_of(tx, "people", id)?;
            PEOPLE.write(tx, body, true)?;
            let cert_cols = ["kind", "number", "issuer", "specialty", "expires_on", "level", "issued_on"];
            replace_children(tx, "certificates", "person_id", id, &cert_cols, &array(body, "certificates"))?;
            let job_cols = ["agency_id", "role", "full_time", "started_on", "ended_on"];
            replace_children(tx, "employments", "person_id", id, &job_cols, &array(body, "employments"))?;
            let test_cols = ["taken_on", "score", "passed"];
            replace_children(tx, "capability_tests", "person_id", id, &test_cols, &array(body, "capability_tests"))?;
            // A person written before training records existed says nothing about them: the
            // ones held here stay.
            if body.contains_key("trainings") {
                let training_cols = ["course", "organiser", "completed_on", "hours"];
                replace_children(tx, "training_records", "person_id", id, &training_cols, &array(body, "trainings"))?;
            }
            reindex(tx, Register::Person, "people", id, held.is_some(), bulk)?;
        }
        Entity::Contract => {
            CONTRACTS.write(tx, body, true)?;
        }
        Entity::Visit => {
            VISITS.write(tx, body, true)?;
            let people = ["person_id", "position", "certificates"];
            replace_children(tx, "visit_people", "visit_id", text(body, "id")?, &people, &array(body, "people"))?;
        }
        Entity::VisitItem => {
            let visit = text(body, "visit_id")?;
            let seq = seq_of(tx, "visits", visit)?
                .ok_or_else(|| SyncDataError::NotHeld { table: "visit", id: visit.to_owned() })?;
            let mut row = body.clone();
            row.insert("visit_seq".into(), Json::from(seq));
            VISIT_ITEMS.write(tx, &row, true)?;
        }
        Entity::Hazard => {
            HAZARDS.write(tx, body, true)?;
        }
        Entity::HazardEvent => {
            let hazard = text(body, "hazard_id")?;
            let hazard_seq = seq_of(tx, "hazards", hazard)?
                .ok_or_else(|| SyncDataError::NotHeld { table: "hazard", id: hazard.to_owned() })?;
            let visit_seq = match body.get("visit_id").and_then(Json::as_str) {
                Some(v) => seq_of(tx, "visits", v)?,
                None => None,
            };
            let (kind, at) = (text(body, "kind")?, text(body, "at")?);
            let held = tx
                .prepare_cached("SELECT 1 FROM hazard_events WHERE hazard_seq = ?1 AND kind = ?2 AND at = ?3")?
                .exists(params![hazard_seq, kind, at])?;
            if !held {
                tx.prepare_cached(
                    "INSERT INTO hazard_events(hazard_seq, kind, at, visit_seq, note) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    hazard_seq,
                    kind,
                    at,
                    visit_seq,
                    body.get("note").and_then(Json::as_str).unwrap_or("")
                ])?;
            }
        }
        Entity::ItemPhoto | Entity::HazardPhoto => {
            if let Some(Json::Object(photo)) = body.get("photo") {
                PHOTOS.write(tx, photo, false)?;
            }
            let table = if entity == Entity::ItemPhoto { &ITEM_PHOTOS } else { &HAZARD_PHOTOS };
            table.write(tx, body, false)?;
        }
        Entity::Document => apply_document(tx, body)?,
        // A draft is a register (the newer edit wins, decided before we get here); the rest
        // is evidence, written once.
        Entity::LetterDraft => {
            LETTER_DRAFTS.write(tx, body, true)?;
        }
        Entity::LetterEvent => {
            LETTER_EVENTS.write(tx, body, false)?;
        }
        Entity::Evaluation => {
            EVALUATIONS.write(tx, body, false)?;
        }
        Entity::BlacklistEntry => {
            BLACKLIST_ENTRIES.write(tx, body, false)?;
        }
        Entity::BlacklistLift => {
            BLACKLIST_LIFTS.write(tx, body, false)?;
        }
        Entity::AgencyAct => {
            AGENCY_ACTS.write(tx, body, false)?;
        }
        Entity::Template => apply_template(tx, body)?,
        Entity::Conflict => {
            let field = |k: &str| body.get(k).map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
            tx.prepare_cached(
                "INSERT OR IGNORE INTO sync_conflicts(id, entity, record_id, kept, lost, kept_node, lost_node, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                text(body, "id")?,
                text(body, "entity")?,
                text(body, "record_id")?,
                field("kept").unwrap_or_default(),
                field("lost").unwrap_or_default(),
                field("kept_node").unwrap_or_default(),
                field("lost_node").unwrap_or_default(),
                field("at").unwrap_or_default(),
            ])?;
        }
    }
    Ok(())
}

/// A signed document from another device is stored only if its bytes hash to the recorded
/// hash and the signature holds for the key that signed it.
/// An edition of a checklist template from the centre, checked as an import is. Under a
/// `key/version` held here with other content it is not applied (and is kept, waiting, with
/// the reason): an edition never changes under the visits that pin it.
fn apply_template(tx: &Transaction<'_>, body: &Map<String, Json>) -> Result<(), StoreError> {
    let t = safeserve_core::checklist::Template::parse(text(body, "body")?)
        .map_err(|problems| unreadable(problems.iter().map(|m| m.zh.as_str()).collect::<Vec<_>>().join("；")))?;
    if t.key != text(body, "key")? || body.get("version").and_then(Json::as_u64) != Some(u64::from(t.version)) {
        return Err(unreadable(format!("检查表 {} 第 {} 版的内容与其编号不符", t.key, t.version)));
    }
    crate::base::templates::install(tx, &t, text(body, "imported_at")?)?;
    Ok(())
}

pub(super) fn apply_document(tx: &Transaction<'_>, body: &Map<String, Json>) -> Result<(), StoreError> {
    let id = text(body, "id")?;
    let content = text(body, "content")?;
    let hash = text(body, "content_hash")?;
    let key = text(body, "device_key")?;
    let uuid = Uuid::parse_str(id).map_err(unreadable)?;
    let digest: [u8; 32] = Sha256::digest(content.as_bytes()).into();
    if sha256_hex(content.as_bytes()) != hash || !signature_holds(key, text(body, "signature")?, uuid, &digest) {
        return Err(SyncDataError::SignatureFails(id.to_owned()).into());
    }
    // The certificate is kept as it came; whether it vouches for the key is decided when a
    // document is verified, against the bureau's root (a forged one vouches for nothing).
    tx.prepare_cached(
        "INSERT INTO devices(public_key, label, first_seen, certificate) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(public_key) DO UPDATE SET certificate = coalesce(devices.certificate, excluded.certificate)",
    )?
    .execute(params![
        key,
        body.get("device_label").and_then(Json::as_str).unwrap_or(""),
        text(body, "signed_at")?,
        body.get("device_certificate").and_then(Json::as_str),
    ])?;
    tx.prepare_cached(
        "INSERT INTO documents(id, kind, version, replaces, visit_id, enterprise_id, agency_id, content, content_hash, \
         device_key, signature, verification_code, signed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT(id) DO NOTHING",
    )?
    .execute(params![
        id,
        text(body, "kind")?,
        body.get("version").and_then(Json::as_i64).unwrap_or(1),
        body.get("replaces").and_then(Json::as_str),
        body.get("visit_id").and_then(Json::as_str),
        body.get("enterprise_id").and_then(Json::as_str),
        body.get("agency_id").and_then(Json::as_str),
        content.as_bytes(),
        hash,
        key,
        text(body, "signature")?,
        text(body, "verification_code")?,
        text(body, "signed_at")?,
    ])?;
    Ok(())
}

/// Applies one pulled change unless the version held here wins, each in its own savepoint: one
/// the local rules refuse is rolled back alone and its error returned.
pub(super) fn apply_change(tx: &Transaction<'_>, c: &Pulled, bulk: bool) -> Result<Taken, StoreError> {
    let local: Option<(i64, String)> = tx
        .prepare_cached("SELECT hlc, node FROM sync_versions WHERE entity = ?1 AND record_id = ?2")?
        .query_row(params![c.entity.key(), c.record_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let newer = match &local {
        None => true,
        Some((hlc, node)) => !c.entity.is_evidence() && wins(c.hlc, &c.node, *hlc, node),
    };
    if !newer {
        return Ok(Taken::Skipped);
    }
    tx.prepare_cached("SAVEPOINT change")?.execute([])?;
    let result = match c.op {
        Op::Upsert => object(c.body.as_deref()).and_then(|body| apply_upsert(tx, c.entity, &body, bulk)),
        Op::Delete => apply_delete(tx, c.entity, &c.record_id),
    };
    if let Err(e) = result {
        tx.execute_batch("ROLLBACK TO change; RELEASE change")?;
        return Err(e);
    }
    tx.prepare_cached("RELEASE change")?.execute([])?;
    tx.prepare_cached(
        "INSERT INTO sync_versions(entity, record_id, hlc, node) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node",
    )?
    .execute(params![c.entity.key(), c.record_id, c.hlc, c.node])?;
    if matches!(c.entity, Entity::ItemPhoto | Entity::HazardPhoto) {
        // The server holds the original of a photo it hands out.
        if let Some(sha) = c.record_id.rsplit('/').next() {
            tx.prepare_cached("INSERT OR IGNORE INTO sync_photos(sha256, uploaded) VALUES (?1, 1)")?.execute([sha])?;
        }
    }
    Ok(Taken::Applied)
}

/// Keeps a change that could not be applied, with its reason; of one record, the newest waits.
pub(super) fn wait(tx: &Transaction<'_>, c: &Pulled, reason: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO sync_waiting(entity, record_id, op, hlc, node, body, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT(entity, record_id) DO UPDATE SET op = excluded.op, hlc = excluded.hlc, node = excluded.node, \
         body = excluded.body, reason = excluded.reason WHERE excluded.hlc >= sync_waiting.hlc",
    )?
    .execute(params![
        c.entity.key(),
        c.record_id,
        c.op.key(),
        c.hlc,
        c.node,
        c.body.as_deref().map(|b| b.get()),
        reason
    ])?;
    Ok(())
}

/// Tries every waiting change again, round after round while any applies (an event waits for
/// its hazard, which waited for its visit). Returns how many applied; the others keep waiting
/// with their latest reason.
pub(super) fn release_waiting(tx: &Transaction<'_>, bulk: bool) -> Result<u32, StoreError> {
    let mut released = 0;
    loop {
        let waiting: Vec<Pulled> = {
            let mut stmt = tx.prepare_cached(
                "SELECT entity, record_id, op, hlc, node, body FROM sync_waiting ORDER BY hlc, entity, record_id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (entity, record_id, op, hlc, node, body) = row?;
                let bad = || unreadable(format!("waiting change {entity} {record_id} is unreadable"));
                let (kind, op) = (Entity::from_key(&entity).ok_or_else(bad)?, Op::from_key(&op).ok_or_else(bad)?);
                let body = body.map(RawValue::from_string).transpose().map_err(|_| bad())?;
                out.push(Pulled { seq: 0, entity: kind, record_id, op, hlc, node, body });
            }
            out
        };
        let mut progress = false;
        for c in &waiting {
            let outcome = apply_change(tx, c, bulk);
            match outcome {
                Ok(taken) => {
                    tx.prepare_cached("DELETE FROM sync_waiting WHERE entity = ?1 AND record_id = ?2")?
                        .execute(params![c.entity.key(), c.record_id])?;
                    if matches!(taken, Taken::Applied) {
                        released += 1;
                        progress = true;
                    }
                }
                Err(e) => {
                    tx.prepare_cached("UPDATE sync_waiting SET reason = ?3 WHERE entity = ?1 AND record_id = ?2")?
                        .execute(params![c.entity.key(), c.record_id, e.to_string()])?;
                }
            }
        }
        if !progress {
            return Ok(released);
        }
    }
}

pub(super) fn apply_delete(tx: &Transaction<'_>, entity: Entity, record_id: &str) -> Result<(), StoreError> {
    match entity {
        Entity::VisitItem => {
            let (visit, code) = record_id.split_once('/').ok_or_else(|| unreadable("bad visit item id"))?;
            if let Some(seq) = seq_of(tx, "visits", visit)? {
                tx.execute("DELETE FROM visit_items WHERE visit_seq = ?1 AND code = ?2", params![seq, code])?;
            }
        }
        Entity::ItemPhoto => {
            let mut parts = record_id.splitn(3, '/');
            let (Some(visit), Some(code), Some(sha)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(unreadable("bad item photo id"));
            };
            tx.execute(
                "DELETE FROM item_photos WHERE visit_id = ?1 AND code = ?2 AND sha256 = ?3",
                params![visit, code, sha],
            )?;
        }
        Entity::Agency | Entity::Enterprise | Entity::Person | Entity::Contract => {
            let table = match entity {
                Entity::Agency => "agencies",
                Entity::Enterprise => "enterprises",
                Entity::Person => "people",
                _ => "contracts",
            };
            tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [record_id])?;
        }
        // Visits, hazards and evidence are never deleted.
        _ => return Err(SyncDataError::NeverDeleted(entity.key()).into()),
    }
    Ok(())
}

/// `held`: the record was here before, so its old index entries go first. `bulk`: the new
/// entries are written at the end of the pull (FTS5 spends most of a page's time merging
/// segments when a hundred thousand records arrive page by page).
pub(super) fn reindex(
    conn: &Connection,
    register: Register,
    table: &str,
    id: &str,
    held: bool,
    bulk: bool,
) -> rusqlite::Result<()> {
    if let Some(seq) = seq_of(conn, table, id)? {
        if held {
            search::unindex(conn, register, seq)?;
        }
        if bulk {
            conn.prepare_cached("INSERT OR IGNORE INTO search_pending(register, seq) VALUES (?1, ?2)")?
                .execute(params![register.prefix(), seq])?;
        } else {
            search::index_row(conn, register, seq)?;
        }
    }
    Ok(())
}

impl Store {
    /// Applies one pulled page and moves the cursor past it, in one transaction: a crash
    /// leaves either the whole page applied with its cursor, or neither.
    pub fn apply_pulled(&mut self, changes: &[Pulled], cursor: i64) -> Result<Applied, StoreError> {
        // Records outside this user's scope may be named (a visit's people from another
        // agency): those references are kept as they are, so foreign keys are not enforced
        // while applying. The setting cannot change inside a transaction.
        self.conn.execute_batch("PRAGMA foreign_keys=OFF")?;
        let result = self.apply_pulled_tx(changes, cursor);
        self.conn.execute_batch("PRAGMA foreign_keys=ON")?;
        result
    }

    pub(super) fn apply_pulled_tx(&mut self, changes: &[Pulled], cursor: i64) -> Result<Applied, StoreError> {
        let bulk = self.bulk_pull;
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE sync_clock SET applying = 1", [])?;
        let mut done = Applied::default();
        let mut max_hlc = 0;
        for c in changes {
            max_hlc = max_hlc.max(c.hlc);
            match apply_change(&tx, c, bulk) {
                Ok(Taken::Applied) => {
                    done.applied += 1;
                    // A newer version that applied replaces an older one waiting.
                    tx.prepare_cached("DELETE FROM sync_waiting WHERE entity = ?1 AND record_id = ?2 AND hlc <= ?3")?
                        .execute(params![c.entity.key(), c.record_id, c.hlc])?;
                }
                Ok(Taken::Skipped) => done.skipped += 1,
                Err(e) => {
                    let reason = e.to_string();
                    done.rejected.push(format!("{} {}: {reason}", c.entity.key(), c.record_id));
                    wait(&tx, c, &reason)?;
                }
            }
        }
        // A first pull (bulk) may leave thousands waiting for parents on later pages: they are
        // tried once, at its end (`end_bulk_pull`), instead of after every page.
        if !bulk {
            done.released = release_waiting(&tx, false)?;
        }
        // A value from a clock far ahead (held from before the server bounded them) does not
        // drag this laptop's clock with it, or nothing it stamps later could be sent.
        let max_hlc = max_hlc.min(latest_acceptable_hlc(chrono::Utc::now().timestamp_millis()));
        tx.execute("UPDATE sync_clock SET applying = 0, hlc = max(hlc, ?1)", [max_hlc])?;
        tx.execute("UPDATE sync_account SET cursor = max(cursor, ?1)", [cursor])?;
        tx.commit()?;
        Ok(done)
    }

    pub(super) fn release_waiting_tx(&mut self) -> Result<u32, StoreError> {
        let bulk = self.bulk_pull;
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE sync_clock SET applying = 1", [])?;
        let released = release_waiting(&tx, bulk)?;
        tx.execute("UPDATE sync_clock SET applying = 0", [])?;
        tx.commit()?;
        Ok(released)
    }

    /// Pulled changes that could not be applied here yet, oldest first, with their reasons.
    pub fn waiting_changes(&self) -> Result<Vec<WaitingChange>, StoreError> {
        self.first_waiting(-1)
    }

    /// The `limit` oldest waiting changes (SQLite: -1 for all).
    pub(super) fn first_waiting(&self, limit: i64) -> Result<Vec<WaitingChange>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT entity, record_id, reason, since FROM sync_waiting ORDER BY since, hlc LIMIT ?1")?;
        let rows = stmt.query_map([limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (entity, record_id, reason, since) = row?;
            let entity = Entity::from_key(&entity).ok_or_else(|| unreadable(format!("unknown entity {entity}")))?;
            out.push(WaitingChange { entity, record_id, reason, since });
        }
        Ok(out)
    }

    /// A first pull brings registers by the hundred thousand. While it runs, pulled records
    /// wait in `search_pending`; [`Store::end_bulk_pull`] indexes them in one transaction and
    /// merges the indexes once.
    pub fn begin_bulk_pull(&mut self) {
        self.bulk_pull = true;
    }

    /// Indexes whatever waits in `search_pending` (also what a pull cut off left there).
    pub fn end_bulk_pull(&mut self) -> Result<(), StoreError> {
        // What waited for a later page of the pull goes in first, so that it is indexed too.
        self.conn.execute_batch("PRAGMA foreign_keys=OFF")?;
        let released = self.release_waiting_tx();
        self.conn.execute_batch("PRAGMA foreign_keys=ON")?;
        released?;
        self.bulk_pull = false;
        let tx = self.conn.transaction()?;
        let pending: Vec<(String, i64)> = {
            let mut stmt = tx.prepare("SELECT register, seq FROM search_pending")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        if pending.is_empty() {
            return Ok(());
        }
        for (register, seq) in &pending {
            if let Some(register) = Register::from_prefix(register) {
                match search::index_row(&tx, register, *seq) {
                    // Deleted by a later change of the same pull: nothing to index.
                    Err(rusqlite::Error::QueryReturnedNoRows) => {}
                    other => other?,
                }
            }
        }
        tx.execute("DELETE FROM search_pending", [])?;
        tx.commit()?;
        if pending.len() > 1000 {
            search::optimize(&self.conn)?;
        }
        Ok(())
    }
}
