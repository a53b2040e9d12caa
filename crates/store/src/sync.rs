//! The laptop's side of sync: the outbox the triggers of migration 0004 fill, receipts from the
//! server, and applying what was pulled (last writer wins for register fields, append-only for
//! evidence). The HTTP client lives in `safeserve-sync`; this module only reads and writes the
//! database, each step in one transaction.

use crate::search::{self, Register};
use crate::{Store, StoreError};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use safeserve_core::document::{sha256_hex, signature_holds};
use safeserve_core::sync::{
    body_list as array, hlc_of_millis, latest_acceptable_hlc, wins, Change, Entity, Op, Pulled, Receipt, Role,
};
use safeserve_core::Message;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use ts_rs::TS;
use uuid::Uuid;

/// Where this database syncs to (set at enrolment) and how far it has pulled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncAccount {
    pub server: String,
    pub device_id: String,
    pub user_name: String,
    pub role: Role,
    /// The user's scope as the server described it (for display only: the server decides).
    pub scope: String,
    pub refresh_token: String,
    pub cursor: i64,
    /// The certificate (PEM) later syncs trust for the server, recorded at enrolment.
    pub server_trust: Option<String>,
    /// The certificate (PEM) the bureau issued at enrolment for this laptop's document key.
    pub document_certificate: Option<String>,
    /// The bureau's root certificate (PEM): the authority behind every device certificate.
    pub bureau_authority: Option<String>,
    /// The bureau's public address (`https://…`), whose `/verify/{code}` page the QR codes of
    /// documents printed here open.
    pub verify_url: Option<String>,
}

/// What the sync screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub server: Option<String>,
    pub user_name: Option<String>,
    pub role: Option<Role>,
    pub scope: Option<String>,
    /// Changes written here that the server has not given a receipt for.
    pub pending: u32,
    /// Changes the server refused (with the reasons in [`SyncStatus::refusals`]).
    pub refused: u32,
    pub refusals: Vec<String>,
    /// Pulled changes that could not be applied here yet (with the reasons in
    /// [`SyncStatus::waiting_reasons`]); kept and tried again after every pull.
    pub waiting: u32,
    pub waiting_reasons: Vec<String>,
    /// Photos whose original the server has not confirmed.
    pub photos_pending: u32,
    /// Conflicts not yet reviewed.
    pub conflicts: u32,
    pub last_sync: Option<String>,
    /// Why the last attempt failed (the server unreachable, a token refused …).
    pub last_error: Option<Message>,
    /// This laptop's clock minus the server's, measured at the last sync.
    pub clock_skew_ms: Option<i64>,
}

/// One field of a conflict: the value kept and the value that lost.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FieldConflict {
    pub field: String,
    pub kept: String,
    pub lost: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConflictView {
    pub id: String,
    pub entity: Entity,
    pub record_id: String,
    /// The record's name (an enterprise's, a person's …) when it has one.
    pub title: String,
    pub fields: Vec<FieldConflict>,
    pub kept_node: String,
    pub lost_node: String,
    pub at: String,
    pub reviewed_at: Option<String>,
}

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
enum Taken {
    Applied,
    Skipped,
}

/// A photo original the server has not confirmed yet.
#[derive(Debug, Clone)]
pub struct PhotoToUpload {
    pub sha256: String,
    pub path: PathBuf,
    pub bytes: u64,
}

fn sync_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid {
        field: "sync",
        message: Message::new(format!("同步数据有误：{e}"), format!("Bad sync data: {e}")),
    }
}

/// A JSON value as an SQL value: arrays and objects (never columns here) as their text.
fn sql_value(v: &Json) -> Value {
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
struct Table {
    name: &'static str,
    key: &'static [&'static str],
    columns: &'static [&'static str],
}

const AGENCIES: Table = Table {
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
const ENTERPRISES: Table = Table {
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
const PEOPLE: Table =
    Table { name: "people", key: &["id"], columns: &["id", "id_number", "name", "phone", "created_at"] };
const LETTER_DRAFTS: Table = Table {
    name: "letter_drafts",
    key: &["visit_id"],
    columns: &["visit_id", "findings", "demands", "reply_days", "drafted_by", "updated_at"],
};
const LETTER_EVENTS: Table = Table {
    name: "letter_events",
    key: &["letter_id", "kind", "recorded_at"],
    columns: &["letter_id", "kind", "on_date", "note", "recorded_by", "recorded_at"],
};
const EVALUATIONS: Table = Table {
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
const BLACKLIST_ENTRIES: Table = Table {
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
const BLACKLIST_LIFTS: Table =
    Table { name: "blacklist_lifts", key: &["entry_id"], columns: &["entry_id", "reason", "lifted_by", "lifted_on"] };
const CONTRACTS: Table = Table {
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
const VISITS: Table = Table {
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
const VISIT_ITEMS: Table = Table {
    name: "visit_items",
    key: &["visit_seq", "code"],
    columns: &["visit_seq", "code", "result", "note", "updated_at"],
};
const HAZARDS: Table = Table {
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
const PHOTOS: Table = Table {
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
const ITEM_PHOTOS: Table = Table {
    name: "item_photos",
    key: &["visit_id", "code", "sha256"],
    columns: &["visit_id", "code", "sha256", "added_at"],
};
const HAZARD_PHOTOS: Table = Table {
    name: "hazard_photos",
    key: &["hazard_id", "phase", "sha256"],
    columns: &["hazard_id", "phase", "sha256", "added_at"],
};

impl Table {
    /// Inserts the row, or (`replace`) updates every column of an existing one; without
    /// `replace` an existing row is left as it is (evidence).
    fn write(&self, conn: &Connection, body: &Map<String, Json>, replace: bool) -> rusqlite::Result<usize> {
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

fn object(body: Option<&RawValue>) -> Result<Map<String, Json>, StoreError> {
    let raw = body.ok_or_else(|| sync_error("missing body"))?;
    match serde_json::from_str::<Json>(raw.get()).map_err(sync_error)? {
        Json::Object(m) => Ok(m),
        _ => Err(sync_error("body is not an object")),
    }
}

fn text<'a>(body: &'a Map<String, Json>, key: &str) -> Result<&'a str, StoreError> {
    body.get(key).and_then(Json::as_str).ok_or_else(|| sync_error(format!("missing {key}")))
}

fn seq_of(conn: &Connection, table: &str, id: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(&format!("SELECT seq FROM {table} WHERE id = ?1"))?.query_row([id], |r| r.get(0)).optional()
}

fn replace_children(
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
fn apply_upsert(tx: &Transaction<'_>, entity: Entity, body: &Map<String, Json>, bulk: bool) -> Result<(), StoreError> {
    match entity {
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
            let cert_cols = ["kind", "number", "issuer", "specialty", "expires_on"];
            replace_children(tx, "certificates", "person_id", id, &cert_cols, &array(body, "certificates"))?;
            let job_cols = ["agency_id", "role", "full_time"];
            replace_children(tx, "employments", "person_id", id, &job_cols, &array(body, "employments"))?;
            let test_cols = ["taken_on", "score", "passed"];
            replace_children(tx, "capability_tests", "person_id", id, &test_cols, &array(body, "capability_tests"))?;
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
            let seq = seq_of(tx, "visits", visit)?.ok_or_else(|| sync_error(format!("visit {visit} not held")))?;
            let mut row = body.clone();
            row.insert("visit_seq".into(), Json::from(seq));
            VISIT_ITEMS.write(tx, &row, true)?;
        }
        Entity::Hazard => {
            HAZARDS.write(tx, body, true)?;
        }
        Entity::HazardEvent => {
            let hazard = text(body, "hazard_id")?;
            let hazard_seq =
                seq_of(tx, "hazards", hazard)?.ok_or_else(|| sync_error(format!("hazard {hazard} not held")))?;
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
fn apply_document(tx: &Transaction<'_>, body: &Map<String, Json>) -> Result<(), StoreError> {
    let id = text(body, "id")?;
    let content = text(body, "content")?;
    let hash = text(body, "content_hash")?;
    let key = text(body, "device_key")?;
    let uuid = Uuid::parse_str(id).map_err(sync_error)?;
    let digest: [u8; 32] = Sha256::digest(content.as_bytes()).into();
    if sha256_hex(content.as_bytes()) != hash || !signature_holds(key, text(body, "signature")?, uuid, &digest) {
        return Err(sync_error(format!("文书 {id} 的签名不成立，未接收")));
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
fn apply_change(tx: &Transaction<'_>, c: &Pulled, bulk: bool) -> Result<Taken, StoreError> {
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
fn wait(tx: &Transaction<'_>, c: &Pulled, reason: &str) -> Result<(), StoreError> {
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
fn release_waiting(tx: &Transaction<'_>, bulk: bool) -> Result<u32, StoreError> {
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
                let bad = || sync_error(format!("waiting change {entity} {record_id} is unreadable"));
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

fn apply_delete(tx: &Transaction<'_>, entity: Entity, record_id: &str) -> Result<(), StoreError> {
    match entity {
        Entity::VisitItem => {
            let (visit, code) = record_id.split_once('/').ok_or_else(|| sync_error("bad visit item id"))?;
            if let Some(seq) = seq_of(tx, "visits", visit)? {
                tx.execute("DELETE FROM visit_items WHERE visit_seq = ?1 AND code = ?2", params![seq, code])?;
            }
        }
        Entity::ItemPhoto => {
            let mut parts = record_id.splitn(3, '/');
            let (Some(visit), Some(code), Some(sha)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(sync_error("bad item photo id"));
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
        _ => return Err(sync_error(format!("{} records are never deleted", entity.key()))),
    }
    Ok(())
}

/// `held`: the record was here before, so its old index entries go first. `bulk`: the new
/// entries are written at the end of the pull (FTS5 spends most of a page's time merging
/// segments when a hundred thousand records arrive page by page).
fn reindex(
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

/// Deterministic change id for a record exported as it stands (an import can be repeated).
fn export_change_id(entity: Entity, record_id: &str, body: &str) -> Uuid {
    let mut h = Sha256::new();
    h.update(entity.key());
    h.update([0]);
    h.update(record_id);
    h.update([0]);
    h.update(body);
    let d = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&d[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// The views holding each entity's bodies, parents before children.
pub const EXPORT_ORDER: [(Entity, &str); 16] = [
    (Entity::Agency, "sync_agency"),
    (Entity::Enterprise, "sync_enterprise"),
    (Entity::Person, "sync_person"),
    (Entity::Contract, "sync_contract"),
    (Entity::Visit, "sync_visit"),
    (Entity::VisitItem, "sync_visit_item"),
    (Entity::Hazard, "sync_hazard"),
    (Entity::HazardEvent, "sync_hazard_event"),
    (Entity::ItemPhoto, "sync_item_photo"),
    (Entity::HazardPhoto, "sync_hazard_photo"),
    (Entity::Document, "sync_document"),
    (Entity::LetterDraft, "sync_letter_draft"),
    (Entity::LetterEvent, "sync_letter_event"),
    (Entity::Evaluation, "sync_evaluation"),
    (Entity::BlacklistEntry, "sync_blacklist_entry"),
    (Entity::BlacklistLift, "sync_blacklist_lift"),
];

impl Store {
    /// Whether writes here go to the outbox. Off while the demo generator fills a database
    /// (its records are not anybody's edits); opening a database always turns it back on.
    pub(crate) fn set_recording(&self, on: bool) -> Result<(), StoreError> {
        self.conn.execute("UPDATE sync_clock SET applying = ?1 WHERE applying <> ?1", [!on as i64])?;
        Ok(())
    }

    /// This database's node name (the clock's tie-breaker).
    /// Puts right what a clock that ran ahead stamped, once the clock is right again: the
    /// server refuses changes stamped more than ten minutes ahead of it, so pending changes
    /// stamped beyond that from `now_ms` are stamped again from now, in their order (with the
    /// versions and later edits that name their stamps), and the clock starts again from now.
    /// Returns how many were stamped again. While the laptop's clock is still ahead nothing
    /// changes here and the server's refusal says what to do.
    pub fn restamp_after_a_fast_clock(&mut self, now_ms: i64) -> Result<usize, StoreError> {
        let limit = latest_acceptable_hlc(now_ms);
        let tx = self.conn.transaction()?;
        let (clock, node): (i64, String) =
            tx.query_row("SELECT hlc, node FROM sync_clock", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if clock <= limit {
            return Ok(0);
        }
        let ahead: Vec<(i64, i64)> = tx
            .prepare(
                "SELECT seq, hlc FROM outbox WHERE receipt IS NULL AND outcome IS NULL AND hlc > ?1 ORDER BY hlc, seq",
            )?
            .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let start = hlc_of_millis(now_ms);
        for (i, (seq, old)) in ahead.iter().enumerate() {
            let new = start + i as i64 + 1;
            tx.execute("UPDATE outbox SET hlc = ?2 WHERE seq = ?1", params![seq, new])?;
            tx.execute(
                "UPDATE outbox SET base_hlc = ?2 WHERE base_hlc = ?1 AND receipt IS NULL AND outcome IS NULL",
                params![old, new],
            )?;
            tx.execute("UPDATE sync_versions SET hlc = ?2 WHERE hlc = ?1 AND node = ?3", params![old, new, node])?;
        }
        tx.execute("UPDATE sync_clock SET hlc = ?1", [start + ahead.len() as i64])?;
        tx.commit()?;
        Ok(ahead.len())
    }

    pub fn sync_node(&self) -> Result<String, StoreError> {
        Ok(self.conn.query_row("SELECT node FROM sync_clock", [], |r| r.get(0))?)
    }

    /// Changes without a receipt, oldest first.
    pub fn pending_changes(&self, limit: usize) -> Result<Vec<Change>, StoreError> {
        let node = self.sync_node()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT change_id, entity, record_id, op, hlc, base_hlc, body FROM outbox \
             WHERE receipt IS NULL AND outcome IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, entity, record_id, op, hlc, base_hlc, body) = row?;
            out.push(Change {
                change_id: Uuid::parse_str(&id).map_err(sync_error)?,
                entity: Entity::from_key(&entity).ok_or_else(|| sync_error(&entity))?,
                record_id,
                op: Op::from_key(&op).ok_or_else(|| sync_error(&op))?,
                hlc,
                base_hlc,
                node: node.clone(),
                body: body.map(RawValue::from_string).transpose().map_err(sync_error)?,
            });
        }
        Ok(out)
    }

    /// Stores the server's receipts; from now on those changes count as synced.
    pub fn store_receipts(&mut self, receipts: &[Receipt]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE outbox SET receipt = ?2, outcome = ?3, refusal = ?4 WHERE change_id = ?1 AND outcome IS NULL",
            )?;
            for r in receipts {
                stmt.execute(params![r.change_id.simple().to_string(), r.seq, r.outcome.key(), r.reason])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

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

    fn apply_pulled_tx(&mut self, changes: &[Pulled], cursor: i64) -> Result<Applied, StoreError> {
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

    fn release_waiting_tx(&mut self) -> Result<u32, StoreError> {
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
    fn first_waiting(&self, limit: i64) -> Result<Vec<WaitingChange>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT entity, record_id, reason, since FROM sync_waiting ORDER BY since, hlc LIMIT ?1")?;
        let rows = stmt.query_map([limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (entity, record_id, reason, since) = row?;
            let entity = Entity::from_key(&entity).ok_or_else(|| sync_error(format!("unknown entity {entity}")))?;
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

    pub fn sync_account(&self) -> Result<Option<SyncAccount>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT server, device_id, user_name, role, scope, refresh_token, cursor, server_trust, \
                 document_certificate, bureau_authority, verify_url FROM sync_account",
                [],
                |r| {
                    Ok(SyncAccount {
                        server: r.get(0)?,
                        device_id: r.get(1)?,
                        user_name: r.get(2)?,
                        role: crate::known(("角色", "role"), &r.get::<_, String>(3)?, Role::from_key)?,
                        scope: r.get(4)?,
                        refresh_token: r.get(5)?,
                        cursor: r.get(6)?,
                        server_trust: r.get(7)?,
                        document_certificate: r.get(8)?,
                        bureau_authority: r.get(9)?,
                        verify_url: r.get(10)?,
                    })
                },
            )
            .optional()?)
    }

    /// Enrolment: where this laptop syncs from now on. The clock's node name stays as it was
    /// made with the database, so edits made before enrolment still count as this laptop's.
    pub fn save_sync_account(&mut self, a: &SyncAccount) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO sync_account(one, server, device_id, user_name, role, scope, refresh_token, cursor, \
             server_trust, document_certificate, bureau_authority, verify_url) \
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                a.server,
                a.device_id,
                a.user_name,
                a.role.key(),
                a.scope,
                a.refresh_token,
                a.cursor,
                a.server_trust,
                a.document_certificate,
                a.bureau_authority,
                a.verify_url
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The bureau's certificate for this laptop's key, on its row of `devices`: the documents
    /// it signs from now on carry it to other laptops.
    pub fn record_device_certificate(&self, public_key: &str, certificate: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE devices SET certificate = ?2 WHERE public_key = ?1 AND certificate IS NULL",
            params![public_key, certificate],
        )?;
        Ok(())
    }

    /// The server moved (a new address); the account and cursor stay.
    pub fn set_sync_server(&self, server: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE sync_account SET server = ?1", [server])?;
        Ok(())
    }

    /// The refresh token is replaced at every use (the old one is dead on the server).
    pub fn save_refresh_token(&self, token: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE sync_account SET refresh_token = ?1", [token])?;
        Ok(())
    }

    /// The end of a sync attempt: when it succeeded (`at`) or what went wrong.
    pub fn record_sync_attempt(
        &self,
        at: Option<&str>,
        error: Option<&Message>,
        clock_skew_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        let error = error.map(|m| serde_json::to_string(m).expect("messages serialise"));
        self.conn.execute(
            "UPDATE sync_account SET last_sync = coalesce(?1, last_sync), last_error = ?2, \
             clock_skew_ms = coalesce(?3, clock_skew_ms)",
            params![at, error, clock_skew_ms],
        )?;
        Ok(())
    }

    pub fn sync_status(&self) -> Result<SyncStatus, StoreError> {
        let count = |sql: &str| -> Result<u32, StoreError> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        let account = self
            .conn
            .query_row(
                "SELECT server, user_name, role, scope, last_sync, last_error, clock_skew_ms FROM sync_account",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        crate::known(("角色", "role"), &r.get::<_, String>(2)?, Role::from_key)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                    ))
                },
            )
            .optional()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT entity || ' ' || record_id || '：' || coalesce(refusal, '') FROM outbox \
             WHERE outcome = 'refused' ORDER BY seq DESC LIMIT 20",
        )?;
        let refusals = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        let waiting_reasons = self.first_waiting(20)?.iter().map(ToString::to_string).collect();
        let (server, user_name, role, scope, last_sync, last_error, clock_skew_ms) = match account {
            Some((s, u, r, sc, l, e, k)) => (Some(s), Some(u), Some(r), Some(sc), l, e, k),
            None => Default::default(),
        };
        Ok(SyncStatus {
            enrolled: server.is_some(),
            server,
            user_name,
            role,
            scope,
            pending: count("SELECT count(*) FROM outbox WHERE receipt IS NULL AND outcome IS NULL")?,
            refused: count("SELECT count(*) FROM outbox WHERE outcome = 'refused'")?,
            refusals,
            waiting: count("SELECT count(*) FROM sync_waiting")?,
            waiting_reasons,
            photos_pending: count(
                "SELECT count(*) FROM photos WHERE sha256 NOT IN (SELECT sha256 FROM sync_photos WHERE uploaded = 1)",
            )?,
            conflicts: count("SELECT count(*) FROM sync_conflicts WHERE reviewed_at IS NULL")?,
            last_sync,
            last_error: last_error.map(|e| serde_json::from_str(&e).unwrap_or_else(|_| Message::new(e.clone(), e))),
            clock_skew_ms,
        })
    }

    /// Conflicts the server recorded for records held here, newest first.
    pub fn conflicts(&self) -> Result<Vec<ConflictView>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, entity, record_id, kept, lost, kept_node, lost_node, at, reviewed_at FROM sync_conflicts \
             ORDER BY at DESC LIMIT 200",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                crate::known(("记录类别", "record kind"), &r.get::<_, String>(1)?, Entity::from_key)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, entity, record_id, kept, lost, kept_node, lost_node, at, reviewed_at) = row?;
            let kept: Map<String, Json> = serde_json::from_str(&kept).unwrap_or_default();
            let lost: Map<String, Json> = serde_json::from_str(&lost).unwrap_or_default();
            let show = |v: Option<&Json>| match v {
                None | Some(Json::Null) => String::new(),
                Some(Json::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            };
            let fields = kept
                .keys()
                .chain(lost.keys().filter(|k| !kept.contains_key(*k)))
                .filter(|k| kept.get(*k) != lost.get(*k))
                .map(|k| FieldConflict { field: k.clone(), kept: show(kept.get(k)), lost: show(lost.get(k)) })
                .collect();
            let title = show(kept.get("name").or_else(|| kept.get("description")).or_else(|| kept.get("code")));
            out.push(ConflictView { id, entity, record_id, title, fields, kept_node, lost_node, at, reviewed_at });
        }
        Ok(out)
    }

    pub fn review_conflict(&self, id: &str, now: &str) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE sync_conflicts SET reviewed_at = ?2 WHERE id = ?1 AND reviewed_at IS NULL",
            params![id, now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound { what: "conflict", id: id.to_owned() });
        }
        Ok(())
    }

    /// Photo originals held here that the server has not confirmed, oldest first.
    pub fn photos_to_upload(&self) -> Result<Vec<PhotoToUpload>, StoreError> {
        self.photo_originals("WHERE sha256 NOT IN (SELECT sha256 FROM sync_photos WHERE uploaded = 1)")
    }

    /// Every photo original held here (an import loads them all into a server).
    pub fn all_photo_originals(&self) -> Result<Vec<PhotoToUpload>, StoreError> {
        self.photo_originals("")
    }

    fn photo_originals(&self, filter: &str) -> Result<Vec<PhotoToUpload>, StoreError> {
        let files = self.photo_files();
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT sha256, format, bytes FROM photos {filter} ORDER BY imported_at"))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (sha256, format, bytes) = row?;
            let path = files.paths(&sha256, crate::photos::format_of(&format)).original;
            // A photo whose original is not here (pulled, not yet downloaded) is not ours to send.
            if path.exists() {
                out.push(PhotoToUpload { sha256, path, bytes: bytes as u64 });
            }
        }
        Ok(out)
    }

    /// The server holds these originals (checked against their SHA-256 there).
    pub fn confirm_photos(&self, shas: &[String]) -> Result<(), StoreError> {
        let mut stmt =
            self.conn.prepare_cached("INSERT OR REPLACE INTO sync_photos(sha256, uploaded) VALUES (?1, 1)")?;
        for s in shas {
            stmt.execute([s])?;
        }
        Ok(())
    }

    /// Photos named by pulled records whose files are not here yet.
    pub fn photos_to_download(&self) -> Result<Vec<String>, StoreError> {
        let files = self.photo_files();
        let mut stmt = self.conn.prepare_cached("SELECT sha256, format FROM photos ORDER BY imported_at")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (sha, format) = row?;
            if !files.paths(&sha, crate::photos::format_of(&format)).original.exists() {
                out.push(sha);
            }
        }
        Ok(out)
    }

    /// Takes in a photo original fetched from the server: its bytes must hash to `sha256`;
    /// the display copy and thumbnail are made here as at ingest.
    pub fn receive_photo(&self, sha256: &str, original: &[u8], time: String) -> Result<(), StoreError> {
        if safeserve_core::document::sha256_hex(original) != sha256 {
            return Err(sync_error(format!("照片 {sha256} 校验不符")));
        }
        let visit: Option<String> = self
            .conn
            .query_row(
                "SELECT visit_id FROM item_photos WHERE sha256 = ?1 UNION ALL \
                 SELECT h.visit_id FROM hazard_photos hp JOIN hazards h ON h.id = hp.hazard_id WHERE hp.sha256 = ?1 \
                 LIMIT 1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?;
        let visit = visit.filter(|v| seq_of(&self.conn, "visits", v).ok().flatten().is_some());
        let stamp = self.stamp_for(visit.as_deref(), time)?;
        let processed = safeserve_media::process(original, &stamp)?;
        self.photo_files().store(original, &processed)?;
        Ok(())
    }

    /// Every record held here as changes, parents first, for the export file a server loads
    /// (`safeserve export`, then `safeserve-server admin import`). Change ids are derived from
    /// the content, so an import repeated is applied once. With `registers_only`, just
    /// agencies, enterprises, people and contracts. `each` may fail with its own error, which
    /// ends the export.
    pub fn export_changes<E: From<StoreError>>(
        &self,
        registers_only: bool,
        mut each: impl FnMut(Change) -> Result<(), E>,
    ) -> Result<u64, E> {
        let node = self.sync_node()?;
        let now = safeserve_core::sync::hlc_of_millis(chrono::Utc::now().timestamp_millis());
        let mut n = 0;
        let entities = if registers_only { &EXPORT_ORDER[..4] } else { &EXPORT_ORDER[..] };
        for &(entity, view) in entities {
            let mut stmt = self
                .conn
                .prepare(&format!(
                    "SELECT s.record_id, s.body, v.hlc, v.node FROM {view} s \
                     LEFT JOIN sync_versions v ON v.entity = ?1 AND v.record_id = s.record_id"
                ))
                .map_err(StoreError::from)?;
            let mut rows = stmt.query([entity.key()]).map_err(StoreError::from)?;
            while let Some(r) = rows.next().map_err(StoreError::from)? {
                let row = || -> Result<(String, String, Option<i64>, Option<String>), StoreError> {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                };
                let (record_id, body, hlc, other) = row()?;
                let node = other.unwrap_or_else(|| node.clone());
                each(Change {
                    change_id: export_change_id(entity, &record_id, &body),
                    entity,
                    record_id,
                    op: Op::Upsert,
                    hlc: hlc.unwrap_or(now),
                    base_hlc: None,
                    node,
                    body: Some(RawValue::from_string(body).map_err(sync_error)?),
                })?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// The public keys (hex) and labels of the devices whose signatures are held here.
    pub fn signing_devices(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT public_key, label FROM devices")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
