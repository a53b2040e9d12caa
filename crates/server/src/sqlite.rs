//! The embedded default storage: one SQLite file, `server.db`, in the data folder.

use crate::policy::{self, Operation, Write};
use crate::scope::{derive, Role, Scope};
use crate::storage::{
    Access, Caller, Device, DocumentLookup, HeldDocument, IssuedTokens, Page, Refresh, Storage, StorageError, User,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use safeserve_core::document::{sha256_hex, signature_holds};
use safeserve_core::letter;
use safeserve_core::sync::{wins, Change, Entity, Op, Outcome, Pulled, Receipt};
use safeserve_core::visit::VisitKind;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Mutex;
use uuid::Uuid;

/// The pseudo-entity under which a photo's scope keys are kept (those of the records that
/// name it).
const PHOTO: &str = "photo";

pub struct SqliteStorage {
    conn: Mutex<Connection>,
}

fn unknown(what: &'static str, key: String) -> StorageError {
    StorageError::UnknownKey { what, key }
}

/// A user's role as stored; an unknown one fails the row rather than becoming a technician.
fn role_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Role> {
    let key: String = r.get(i)?;
    Role::from_key(&key).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(unknown("role", key)))
    })
}

fn refused(change: &Change, reason: impl Into<String>) -> Receipt {
    Receipt { change_id: change.change_id, seq: None, outcome: Outcome::Refused, reason: Some(reason.into()) }
}

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User { name: r.get(0)?, role: role_at(r, 1)?, agency: r.get(2)?, division: r.get(3)?, person: r.get(4)? })
}

impl SqliteStorage {
    pub fn open(dir: &Path) -> Result<SqliteStorage, StorageError> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("server.db");
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Before anything writes: a database from a newer server must stay exactly as it is.
        crate::schema::migrate(&mut conn, &path)?;
        // A push cycles through some 20 statements per change; keep them all prepared.
        conn.set_prepared_statement_cache_capacity(64);
        conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        Ok(SqliteStorage { conn: Mutex::new(conn) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (its transaction rolls back).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn keys_of(tx: &Connection, entity: &str, id: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = tx.prepare_cached("SELECT key FROM record_scopes WHERE entity = ?1 AND record_id = ?2")?;
    let rows = stmt.query_map([entity, id], |r| r.get(0))?;
    rows.collect()
}

fn add_keys(tx: &Connection, entity: &str, id: &str, keys: &[String]) -> rusqlite::Result<usize> {
    let mut stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO record_scopes(entity, record_id, key) VALUES (?1, ?2, ?3)")?;
    let mut added = 0;
    for k in keys {
        added += stmt.execute([entity, id, k])?;
    }
    Ok(added)
}

struct Current {
    seq: i64,
    hlc: i64,
    node: String,
}

fn current(tx: &Connection, entity: &str, id: &str) -> rusqlite::Result<Option<Current>> {
    tx.prepare_cached("SELECT seq, hlc, node FROM records WHERE entity = ?1 AND record_id = ?2")?
        .query_row([entity, id], |r| Ok(Current { seq: r.get(0)?, hlc: r.get(1)?, node: r.get(2)? }))
        .optional()
}

#[allow(clippy::too_many_arguments)]
fn insert_change(
    tx: &Connection,
    change_id: Option<&str>,
    entity: &str,
    record_id: &str,
    op: Op,
    hlc: i64,
    node: &str,
    body: Option<&str>,
    device: Option<&str>,
    now_ms: i64,
    outcome: Outcome,
    current: bool,
) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO changes(change_id, entity, record_id, op, hlc, node, body, device_id, received_ms, outcome, current) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![change_id, entity, record_id, op.key(), hlc, node, body, device, now_ms, outcome.key(), current])?;
    Ok(tx.last_insert_rowid())
}

/// Makes `seq` the current version of its record.
fn make_current(tx: &Connection, entity: &str, id: &str, seq: i64, hlc: i64, node: &str) -> rusqlite::Result<()> {
    if let Some(old) = current(tx, entity, id)? {
        tx.prepare_cached("UPDATE changes SET current = 0 WHERE seq = ?1")?.execute([old.seq])?;
    }
    tx.prepare_cached(
        "INSERT INTO records(entity, record_id, seq, hlc, node) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT(entity, record_id) DO UPDATE SET seq = excluded.seq, hlc = excluded.hlc, node = excluded.node",
    )?
    .execute(params![entity, id, seq, hlc, node])?;
    Ok(())
}

/// Hands a record out again under a new sequence number, for a scope that has just been
/// granted it (its earlier number may be behind that scope's cursor).
fn resend(tx: &Connection, entity: &str, id: &str, now_ms: i64) -> rusqlite::Result<()> {
    let Some(cur) = current(tx, entity, id)? else { return Ok(()) };
    tx.prepare_cached(
        "INSERT INTO changes(change_id, entity, record_id, op, hlc, node, body, device_id, received_ms, outcome, current) \
         SELECT NULL, entity, record_id, op, hlc, node, body, device_id, ?2, outcome, 1 FROM changes WHERE seq = ?1",
    )?
    .execute(params![cur.seq, now_ms])?;
    let seq = tx.last_insert_rowid();
    make_current(tx, entity, id, seq, cur.hlc, &cur.node)
}

fn body_of(tx: &Connection, seq: i64) -> rusqlite::Result<Option<String>> {
    tx.prepare_cached("SELECT body FROM changes WHERE seq = ?1")?.query_row([seq], |r| r.get(0))
}

/// A signed document is accepted only if its bytes hash to the recorded hash and the
/// signature holds for a key the server knows.
fn check_document(tx: &Connection, body: &Map<String, Value>) -> Result<(), String> {
    let get = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("");
    let key = get("device_key");
    let known: bool = tx
        .prepare_cached("SELECT 1 FROM signing_keys WHERE public_key = ?1")
        .and_then(|mut s| s.exists([key]))
        .map_err(|e| e.to_string())?;
    if !known {
        return Err("文书的签名密钥不属于任何已注册设备，拒收".to_owned());
    }
    let content = get("content");
    let digest: [u8; 32] = Sha256::digest(content.as_bytes()).into();
    let id = Uuid::parse_str(get("id")).map_err(|_| "文书编号无效".to_owned())?;
    if sha256_hex(content.as_bytes()) != get("content_hash") {
        return Err("文书内容与其摘要不符（内容被改动），拒收".to_owned());
    }
    if !signature_holds(key, get("signature"), id, &digest) {
        return Err("文书签名验证失败，拒收".to_owned());
    }
    if safeserve_core::document::verification_code(id, &digest) != get("verification_code") {
        return Err("文书验证码与其内容不符，拒收".to_owned());
    }
    Ok(())
}

/// The number a first-version letter claims, with its visit: (prefix, year, number, visit).
fn letter_claim(body: &Map<String, Value>) -> Option<(String, i32, u32, String)> {
    if body.get("kind").and_then(Value::as_str) != Some("letter") || body.get("replaces").is_some_and(|r| !r.is_null())
    {
        return None;
    }
    let content: Value = serde_json::from_str(body.get("content")?.as_str()?).ok()?;
    let (prefix, year, n) = letter::parse_reference(content.pointer("/letter/reference")?.as_str()?)?;
    Some((prefix, year, n, body.get("visit_id")?.as_str()?.to_owned()))
}

/// A letter's number must be its own: not another letter's, and the one given out for its
/// visit if one was.
fn check_letter_number(tx: &Connection, claim: &(String, i32, u32, String)) -> Result<(), String> {
    let (prefix, year, n, visit) = claim;
    let reference = format!("{prefix}〔{year}〕{n}号");
    let holder: Option<String> = tx
        .query_row(
            "SELECT visit_id FROM letter_numbers WHERE prefix = ?1 AND year = ?2 AND number = ?3",
            params![prefix, year, n],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| e.to_string())?;
    match holder {
        Some(v) if &v != visit => Err(format!("文号 {reference} 已由另一份函告使用，拒收（文号不得重复）")),
        Some(_) => Ok(()),
        None => {
            let given: Option<u32> = tx
                .query_row("SELECT number FROM letter_numbers WHERE visit_id = ?1", [visit], |r| r.get(0))
                .optional()
                .map_err(|e| e.to_string())?;
            match given {
                Some(g) => {
                    Err(format!("该检查的函告已取得文号 {prefix}〔{year}〕{g}号，与文书上的 {reference} 不符，拒收"))
                }
                None => Ok(()),
            }
        }
    }
}

/// The body the server holds for a record now.
fn current_body(tx: &Connection, entity: Entity, id: &str) -> rusqlite::Result<Option<Map<String, Value>>> {
    let Some(cur) = current(tx, entity.key(), id)? else { return Ok(None) };
    Ok(body_of(tx, cur.seq)?.and_then(|t| serde_json::from_str(&t).ok()))
}

/// The kind of the visit a record is part of, as the server holds that visit: the record's own
/// `visit_id` (a hazard event's is the visit it was recorded in), else its hazard's visit.
fn visit_kind_of(
    tx: &Connection,
    entity: Entity,
    body: Option<&Map<String, Value>>,
) -> rusqlite::Result<Option<VisitKind>> {
    let field = |b: &Map<String, Value>, k: &str| b.get(k).and_then(Value::as_str).map(str::to_owned);
    let Some(body) = body else { return Ok(None) };
    let visit = match entity {
        Entity::Visit => return Ok(field(body, "kind").as_deref().and_then(VisitKind::from_key)),
        Entity::HazardEvent | Entity::HazardPhoto => match field(body, "visit_id") {
            Some(v) => Some(v),
            None => match field(body, "hazard_id") {
                Some(h) => current_body(tx, Entity::Hazard, &h)?.and_then(|hb| field(&hb, "visit_id")),
                None => None,
            },
        },
        _ => field(body, "visit_id"),
    };
    let Some(visit) = visit else { return Ok(None) };
    Ok(current_body(tx, Entity::Visit, &visit)?
        .and_then(|vb| field(&vb, "kind"))
        .as_deref()
        .and_then(VisitKind::from_key))
}

/// A photo link naming bytes that records out of the caller's scope already name: linking
/// them would make someone else's photo readable to the caller. Refused.
fn photo_taken_from_others(tx: &Connection, scope: &Scope, c: &Change) -> rusqlite::Result<Option<String>> {
    if !matches!(c.entity, Entity::ItemPhoto | Entity::HazardPhoto) {
        return Ok(None);
    }
    let Some(sha) = c.record_id.rsplit('/').next() else { return Ok(None) };
    let held = keys_of(tx, PHOTO, sha)?;
    Ok((!held.is_empty() && !scope.covers_any(&held)).then(|| {
        "该照片属于本账号范围以外的记录，不能引用 / The photo belongs to records outside this account's scope"
            .to_owned()
    }))
}

/// R9 again, on the server and inside the push's transaction: two laptops offline can each
/// have given a commission that the other's makes overlapping. The contracts the server holds
/// for the enterprise decide; a commission to a blacklisted agency is refused too.
fn commission_conflict(tx: &Connection, id: &str, body: &Map<String, Value>) -> rusqlite::Result<Option<String>> {
    use safeserve_core::commission::{conflicts, HeldContract, Proposed};
    let Some(proposed) = held_contract(id, body).filter(|c| c.government_commissioned) else { return Ok(None) };
    let mut stmt = tx.prepare_cached(
        "SELECT record_id, body FROM changes WHERE entity = 'contract' AND current = 1 \
         AND json_extract(body, '$.enterprise_id') = ?2 AND record_id <> ?1",
    )?;
    let enterprise = body.get("enterprise_id").and_then(Value::as_str).unwrap_or_default();
    let rows = stmt.query_map(params![id, enterprise], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut held: Vec<HeldContract> = Vec::new();
    for row in rows {
        let (other, text) = row?;
        if let Some(mut c) = serde_json::from_str(&text).ok().and_then(|b| held_contract(&other, &b)) {
            c.agency_name = agency_name(tx, &c.agency.to_string())?;
            held.push(c);
        }
    }
    let ask = Proposed {
        agency: proposed.agency,
        service_types: proposed.service_types.clone(),
        starts_on: proposed.starts_on,
        ends_on: proposed.ends_on,
    };
    if let Some(conflict) = conflicts(&ask, &held).into_iter().next() {
        return Ok(Some(format!("{} / {}", conflict.message.zh, conflict.message.en)));
    }
    let blacklisted: bool = tx
        .prepare_cached(
            "SELECT 1 FROM records r JOIN changes e ON e.seq = r.seq WHERE r.entity = 'blacklist_entry' \
             AND json_extract(e.body, '$.subject_kind') = 'agency' AND json_extract(e.body, '$.subject_id') = ?1 \
             AND NOT EXISTS (SELECT 1 FROM records l WHERE l.entity = 'blacklist_lift' AND l.record_id = e.record_id)",
        )?
        .exists([proposed.agency.to_string()])?;
    Ok(blacklisted.then(|| {
        "该服务机构已列入严重失信名单，不得承接政府委托 / The agency is on the serious-dishonesty list and cannot be commissioned"
            .to_owned()
    }))
}

/// R12 on the server: a contract first recorded on or after the day its agency was removed
/// from the platform (and not restored) is refused. A laptop offline when the removal was
/// decided learns of it here, and its contract is kept and shown as refused.
fn contract_after_removal(tx: &Connection, body: &Map<String, Value>) -> rusqlite::Result<Option<String>> {
    let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default();
    let recorded_on = text("created_at").get(..10).unwrap_or_default().to_owned();
    let mut stmt = tx.prepare_cached(
        "SELECT e.body FROM records r JOIN changes e ON e.seq = r.seq WHERE r.entity = 'agency_act' \
         AND json_extract(e.body, '$.agency_id') = ?1 AND json_extract(e.body, '$.kind') <> 'practice_notice'",
    )?;
    let acts: Vec<safeserve_core::standing::RecordedAct> = stmt
        .query_map([text("agency_id")], |r| r.get::<_, String>(0))?
        .filter_map(|b| b.ok().and_then(|b| serde_json::from_str(&b).ok()))
        .collect();
    let Some(removal) = safeserve_core::standing::removal_in_force(&acts) else { return Ok(None) };
    if recorded_on < removal.decided_on {
        return Ok(None);
    }
    let name = agency_name(tx, text("agency_id"))?;
    let m = safeserve_core::standing::removal_bars_contract(&name, removal);
    Ok(Some(format!("{} / {}", m.zh, m.en)))
}

/// A contract body as R9 reads it (its agency's name filled in by the caller).
fn held_contract(id: &str, b: &Map<String, Value>) -> Option<safeserve_core::commission::HeldContract> {
    let text = |k: &str| b.get(k).and_then(Value::as_str);
    let date = |k: &str| text(k).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let types = match b.get("service_types") {
        Some(Value::String(s)) => serde_json::from_str(s).ok()?,
        Some(v) => serde_json::from_value(v.clone()).ok()?,
        None => Vec::new(),
    };
    Some(safeserve_core::commission::HeldContract {
        id: id.parse().ok()?,
        agency: text("agency_id")?.parse().ok()?,
        agency_name: String::new(),
        service_types: types,
        starts_on: date("starts_on")?,
        ends_on: date("ends_on")?,
        government_commissioned: b
            .get("government_commissioned")
            .is_some_and(|v| v.as_bool().unwrap_or(false) || v.as_i64().is_some_and(|n| n != 0)),
    })
}

fn agency_name(tx: &Connection, agency: &str) -> rusqlite::Result<String> {
    Ok(current_body(tx, Entity::Agency, agency)?
        .and_then(|b| b.get("name").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| agency.to_owned()))
}

/// One change, inside the push transaction. Returns its receipt.
fn apply(
    tx: &Transaction<'_>,
    scope: &Scope,
    device: Option<&str>,
    c: &Change,
    now_ms: i64,
) -> rusqlite::Result<Receipt> {
    let change_id = c.change_id.simple().to_string();
    let held: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, outcome FROM changes WHERE change_id = ?1")?
        .query_row([&change_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((seq, outcome)) = held {
        // A replay: the same answer as the first time, nothing written.
        let outcome = if outcome == "applied" { Outcome::Applied } else { Outcome::Superseded };
        return Ok(Receipt { change_id: c.change_id, seq: Some(seq), outcome, reason: None });
    }
    let entity = c.entity.key();
    let existing = current(tx, entity, &c.record_id)?;
    let existing_keys = keys_of(tx, entity, &c.record_id)?;
    if existing.is_some() && !scope.covers_any(&existing_keys) {
        return Ok(refused(c, "无权修改该记录（不在本账号的范围内）"));
    }
    let body_text = c.body.as_ref().map(|b| b.get());
    let body: Option<Map<String, Value>> = match (c.op, body_text) {
        (Op::Delete, _) => None,
        (Op::Upsert, None) => return Ok(refused(c, "缺少记录内容")),
        (Op::Upsert, Some(text)) => match serde_json::from_str(text) {
            Ok(Value::Object(m)) => Some(m),
            _ => return Ok(refused(c, "记录内容不是 JSON 对象")),
        },
    };
    let held_body = match &existing {
        Some(cur) => body_of(tx, cur.seq)?.and_then(|t| serde_json::from_str::<Map<String, Value>>(&t).ok()),
        None => None,
    };
    let write = Write {
        entity: c.entity,
        op: match (c.op, &existing) {
            (Op::Delete, _) => Operation::Delete,
            (Op::Upsert, Some(_)) => Operation::Update,
            (Op::Upsert, None) => Operation::Create,
        },
        body: body.as_ref(),
        held: held_body.as_ref(),
        visit_kind: visit_kind_of(tx, c.entity, body.as_ref().or(held_body.as_ref()))?,
    };
    if let Err(refusal) = policy::decide(scope, &write) {
        return Ok(refused(c, refusal.reason()));
    }
    let mut keys = Vec::new();
    let mut grants = Vec::new();
    let mut letter = None;
    match body {
        None => {
            if existing.is_none() {
                return Ok(refused(c, "要删除的记录不存在"));
            }
            keys.clone_from(&existing_keys);
        }
        Some(body) => {
            let derived = match derive(c.entity, &body) {
                Ok(d) => d,
                Err(reason) => return Ok(refused(c, reason)),
            };
            if derived.record_id != c.record_id {
                return Ok(refused(c, "记录编号与内容不符"));
            }
            if c.entity == Entity::Document {
                if let Err(reason) = check_document(tx, &body) {
                    return Ok(refused(c, reason));
                }
                letter = letter_claim(&body);
                if let Some(Err(reason)) = letter.as_ref().map(|claim| check_letter_number(tx, claim)) {
                    return Ok(refused(c, reason));
                }
            }
            for (parent, id) in &derived.parents {
                let parent_keys = keys_of(tx, parent.key(), id)?;
                if current(tx, parent.key(), id)?.is_none() {
                    return Ok(refused(c, format!("所属记录（{} {id}）在服务器上不存在", parent.key())));
                }
                if !scope.covers_any(&parent_keys) {
                    return Ok(refused(c, "无权写入该记录（所属记录不在本账号的范围内）"));
                }
            }
            keys = derived.keys;
            for (from, id, which) in &derived.inherits {
                keys.extend(keys_of(tx, from.key(), id)?.into_iter().filter(|k| which.accepts(k)));
            }
            // A laptop's audit log is its own: in no scope, so no laptop pulls it. A checklist
            // edition is in none either: every laptop pulls it (the policy decided who writes).
            let unscoped = matches!(c.entity, Entity::AuditEntry | Entity::Template);
            if existing.is_none() && !unscoped {
                keys.extend(scope.creator_key());
            }
            keys.sort();
            keys.dedup();
            if !unscoped && !scope.covers_any(&keys) && !scope.covers_any(&existing_keys) {
                return Ok(refused(c, "无权写入该记录（不在本账号的范围内）"));
            }
            if let Some(own) = scope.creator_key() {
                // A technician's record belongs to their agency and to no other.
                if let Some(other) = keys.iter().find(|k| k.starts_with("a:") && **k != own) {
                    return Ok(refused(
                        c,
                        format!(
                            "该记录关联到其他服务机构（{}），技术服务人员只能写入本机构的记录 / \
                             The record is attached to another agency; a technician writes only their own agency's",
                            &other[2..]
                        ),
                    ));
                }
            }
            if let Some(reason) = photo_taken_from_others(tx, scope, c)? {
                return Ok(refused(c, reason));
            }
            // A laptop's new commission; an import loads a database's history as it stands.
            if c.entity == Entity::Contract && device.is_some() {
                if let Some(reason) = commission_conflict(tx, &c.record_id, &body)? {
                    return Ok(refused(c, reason));
                }
                if existing.is_none() {
                    if let Some(reason) = contract_after_removal(tx, &body)? {
                        return Ok(refused(c, reason));
                    }
                }
            }
            grants = derived.grants;
        }
    }

    if let Some(cur) = &existing {
        if c.entity.is_evidence() {
            // Evidence is written once; a second copy changes nothing.
            return Ok(Receipt {
                change_id: c.change_id,
                seq: Some(cur.seq),
                outcome: Outcome::Superseded,
                reason: None,
            });
        }
    }
    let won = existing.as_ref().is_none_or(|cur| wins(c.hlc, &c.node, cur.hlc, &cur.node));
    let outcome = if won { Outcome::Applied } else { Outcome::Superseded };
    let seq = insert_change(
        tx,
        Some(&change_id),
        entity,
        &c.record_id,
        c.op,
        c.hlc,
        &c.node,
        body_text,
        device,
        now_ms,
        outcome,
        won,
    )?;
    if won {
        make_current(tx, entity, &c.record_id, seq, c.hlc, &c.node)?;
    }
    if let Some((prefix, year, n, visit)) = letter {
        // A letter numbered offline (before its laptop was enrolled) takes its number here.
        tx.execute(
            "INSERT OR IGNORE INTO letter_numbers(prefix, year, number, visit_id, device_id, issued_ms) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![prefix, year, n, visit, device, now_ms],
        )?;
    }
    add_keys(tx, entity, &c.record_id, &keys)?;
    if matches!(c.entity, Entity::ItemPhoto | Entity::HazardPhoto) {
        if let Some(sha) = c.record_id.rsplit('/').next() {
            add_keys(tx, PHOTO, sha, &keys)?;
        }
    }
    for (target, id, key) in grants {
        if add_keys(tx, target.key(), &id, std::slice::from_ref(&key))? > 0 {
            resend(tx, target.key(), &id, now_ms)?;
        }
    }

    // Concurrent edits: made on another laptop without having seen the current value.
    if let Some(cur) = existing.filter(|cur| cur.node != c.node && c.base_hlc != Some(cur.hlc)) {
        let other = body_of(tx, cur.seq)?.unwrap_or_else(|| "null".to_owned());
        let mine = body_text.unwrap_or("null").to_owned();
        let (kept, lost, kept_node, lost_node) =
            if won { (mine, other, &c.node, &cur.node) } else { (other, mine, &cur.node, &c.node) };
        let id = Uuid::now_v7().to_string();
        let conflict = serde_json::json!({
            "id": id,
            "entity": entity,
            "record_id": c.record_id,
            "kept": serde_json::from_str::<Value>(&kept).unwrap_or(Value::Null),
            "lost": serde_json::from_str::<Value>(&lost).unwrap_or(Value::Null),
            "kept_node": kept_node,
            "lost_node": lost_node,
            "at": chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default().to_rfc3339(),
        })
        .to_string();
        let cseq = insert_change(
            tx,
            None,
            Entity::Conflict.key(),
            &id,
            Op::Upsert,
            c.hlc.max(cur.hlc),
            "server",
            Some(&conflict),
            None,
            now_ms,
            Outcome::Applied,
            true,
        )?;
        make_current(tx, Entity::Conflict.key(), &id, cseq, c.hlc.max(cur.hlc), "server")?;
        let record_keys = keys_of(tx, entity, &c.record_id)?;
        add_keys(tx, Entity::Conflict.key(), &id, &record_keys)?;
    }
    Ok(Receipt { change_id: c.change_id, seq: Some(seq), outcome, reason: None })
}

impl SqliteStorage {
    fn push_as(
        &self,
        scope: &Scope,
        device: Option<&str>,
        changes: &[Change],
        now_ms: i64,
    ) -> Result<Vec<Receipt>, StorageError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut receipts = Vec::with_capacity(changes.len());
        for c in changes {
            receipts.push(apply(&tx, scope, device, c, now_ms)?);
        }
        tx.commit()?;
        Ok(receipts)
    }
}

impl Storage for SqliteStorage {
    fn add_user(&self, user: &User) -> Result<(), StorageError> {
        self.lock().execute(
            "INSERT INTO users(name, role, agency, division, person) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT(name) DO UPDATE SET role = excluded.role, agency = excluded.agency, \
             division = excluded.division, person = excluded.person",
            params![user.name, user.role.key(), user.agency, user.division, user.person],
        )?;
        Ok(())
    }

    fn user(&self, name: &str) -> Result<Option<User>, StorageError> {
        Ok(self
            .lock()
            .query_row("SELECT name, role, agency, division, person FROM users WHERE name = ?1", [name], user_row)
            .optional()?)
    }

    fn record_held(&self, entity: Entity, record_id: &str) -> Result<bool, StorageError> {
        Ok(self.lock().query_row(
            "SELECT EXISTS(SELECT 1 FROM records WHERE entity = ?1 AND record_id = ?2)",
            params![entity.key(), record_id],
            |r| r.get(0),
        )?)
    }

    fn create_enrolment(&self, user: &str, code_hash: &str, expires_ms: i64) -> Result<(), StorageError> {
        self.lock().execute(
            "INSERT INTO enrolments(code_hash, user, expires_ms) VALUES (?1, ?2, ?3)",
            params![code_hash, user, expires_ms],
        )?;
        Ok(())
    }

    fn enrol(
        &self,
        code_hash: &str,
        device: &Device,
        tokens: &IssuedTokens,
        now_ms: i64,
    ) -> Result<Option<User>, StorageError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let user: Option<String> = tx
            .query_row(
                "UPDATE enrolments SET used_ms = ?2 WHERE code_hash = ?1 AND used_ms IS NULL AND expires_ms > ?2 \
                 RETURNING user",
                params![code_hash, now_ms],
                |r| r.get(0),
            )
            .optional()?;
        let Some(user) = user else { return Ok(None) };
        tx.execute(
            "INSERT INTO devices(id, user, label, public_key, enrolled_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![device.id, user, device.label, device.public_key, now_ms],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO signing_keys(public_key, label, registered_ms) VALUES (?1, ?2, ?3)",
            params![device.public_key, device.label, now_ms],
        )?;
        insert_tokens(&tx, &device.id, tokens, None)?;
        let u =
            tx.query_row("SELECT name, role, agency, division, person FROM users WHERE name = ?1", [&user], user_row)?;
        tx.commit()?;
        Ok(Some(u))
    }

    fn set_recovery_key(&self, device_id: &str, recovery_key: &str) -> Result<(), StorageError> {
        self.lock().execute("UPDATE devices SET recovery_key = ?2 WHERE id = ?1", params![device_id, recovery_key])?;
        Ok(())
    }

    fn create_password_reset(&self, user: &str, code_hash: &str, expires_ms: i64) -> Result<(), StorageError> {
        self.lock().execute(
            "INSERT INTO password_resets(code_hash, user, expires_ms) VALUES (?1, ?2, ?3)",
            params![code_hash, user, expires_ms],
        )?;
        Ok(())
    }

    fn redeem_password_reset(
        &self,
        code_hash: &str,
        device_id: &str,
        now_ms: i64,
    ) -> Result<Option<String>, StorageError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let recovery_key: Option<String> = tx
            .query_row(
                "SELECT d.recovery_key FROM password_resets r JOIN devices d ON d.user = r.user \
                 WHERE r.code_hash = ?1 AND d.id = ?2 AND r.used_ms IS NULL AND r.expires_ms > ?3 \
                 AND d.revoked_at_ms IS NULL AND d.recovery_key IS NOT NULL",
                params![code_hash, device_id, now_ms],
                |r| r.get(0),
            )
            .optional()?;
        if recovery_key.is_some() {
            tx.execute(
                "UPDATE password_resets SET used_ms = ?2, device_id = ?3 WHERE code_hash = ?1",
                params![code_hash, now_ms, device_id],
            )?;
        }
        tx.commit()?;
        Ok(recovery_key)
    }

    fn audit_entries(&self) -> Result<Vec<(Option<String>, String)>, StorageError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT d.label, c.body FROM changes c LEFT JOIN devices d ON d.id = c.device_id \
             WHERE c.entity = 'audit_entry' AND c.body IS NOT NULL ORDER BY c.seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn devices(&self) -> Result<Vec<Device>, StorageError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT id, user, label, public_key, enrolled_at_ms, revoked_at_ms, clock_skew_ms FROM devices \
             ORDER BY enrolled_at_ms",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Device {
                id: r.get(0)?,
                user: r.get(1)?,
                label: r.get(2)?,
                public_key: r.get(3)?,
                enrolled_at_ms: r.get(4)?,
                revoked_at_ms: r.get(5)?,
                clock_skew_ms: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn revoke_device(&self, device_id: &str, now_ms: i64) -> Result<bool, StorageError> {
        let n = self.lock().execute(
            "UPDATE devices SET revoked_at_ms = ?2 WHERE id = ?1 AND revoked_at_ms IS NULL",
            params![device_id, now_ms],
        )?;
        Ok(n > 0)
    }

    fn register_signing_key(&self, public_key: &str, label: &str, now_ms: i64) -> Result<(), StorageError> {
        self.lock().execute(
            "INSERT OR IGNORE INTO signing_keys(public_key, label, registered_ms) VALUES (?1, ?2, ?3)",
            params![public_key, label, now_ms],
        )?;
        Ok(())
    }

    fn access(&self, access_hash: &str, now_ms: i64) -> Result<Access, StorageError> {
        let conn = self.lock();
        let row = conn
            .prepare_cached(
                "SELECT t.device_id, t.expires_ms, t.used_ms, t.superseded_ms, d.revoked_at_ms, \
                 u.name, u.role, u.agency, u.division, u.person \
                 FROM tokens t JOIN devices d ON d.id = t.device_id JOIN users u ON u.name = d.user \
                 WHERE t.hash = ?1 AND t.kind = 'access'",
            )?
            .query_row([access_hash], |r| {
                let user = User {
                    name: r.get(5)?,
                    role: role_at(r, 6)?,
                    agency: r.get(7)?,
                    division: r.get(8)?,
                    person: r.get(9)?,
                };
                Ok((TokenRow::from_row(r)?, user))
            })
            .optional()?;
        let Some((t, user)) = row else { return Ok(Access::Unknown) };
        if t.used_ms.is_none() {
            // The first presentation: its refresh reply reached the laptop, so the refresh
            // token it was traded for can no longer be retried (see `use_refresh`).
            conn.prepare_cached("UPDATE tokens SET used_ms = ?2 WHERE hash = ?1")?
                .execute(params![access_hash, now_ms])?;
        }
        Ok(if t.revoked_ms.is_some() {
            Access::Revoked
        } else if t.superseded_ms.is_some() {
            Access::Unknown
        } else if t.expires_ms <= now_ms {
            Access::Expired
        } else {
            Access::Valid(Caller { device_id: t.device_id, user })
        })
    }

    fn use_refresh(&self, refresh_hash: &str, issued: &IssuedTokens, now_ms: i64) -> Result<Refresh, StorageError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let row = tx
            .query_row(
                "SELECT t.device_id, t.expires_ms, t.used_ms, t.superseded_ms, d.revoked_at_ms FROM tokens t \
                 JOIN devices d ON d.id = t.device_id WHERE t.hash = ?1 AND t.kind = 'refresh'",
                [refresh_hash],
                TokenRow::from_row,
            )
            .optional()?;
        let revoke = |device_id: &str| {
            tx.execute("UPDATE devices SET revoked_at_ms = ?2 WHERE id = ?1", params![device_id, now_ms])
        };
        let out = match row {
            None => Refresh::Unknown,
            Some(t) if t.revoked_ms.is_some() => Refresh::Revoked,
            Some(t) if t.superseded_ms.is_some() => {
                // Replaced after a retry, and presented anyway: two holders of one family.
                revoke(&t.device_id)?;
                Refresh::Reused
            }
            Some(TokenRow { device_id, used_ms: Some(used), .. }) => {
                // Seen before. If nothing traded for it has been presented since and it is
                // recent, the reply was lost on the way: the laptop is given a new pair and the
                // pair it never received is retired. Otherwise a copy is out there: the device
                // is revoked, and whoever holds its tokens is shut out.
                let children_used: bool = tx
                    .prepare_cached("SELECT 1 FROM tokens WHERE parent = ?1 AND used_ms IS NOT NULL")?
                    .exists([refresh_hash])?;
                if children_used || now_ms - used > crate::REFRESH_RETRY.as_millis() as i64 {
                    revoke(&device_id)?;
                    Refresh::Reused
                } else {
                    tx.execute(
                        "UPDATE tokens SET superseded_ms = ?2 WHERE parent = ?1 AND superseded_ms IS NULL",
                        params![refresh_hash, now_ms],
                    )?;
                    insert_tokens(&tx, &device_id, issued, Some(refresh_hash))?;
                    Refresh::Valid { device_id }
                }
            }
            Some(t) if t.expires_ms <= now_ms => Refresh::Expired,
            Some(t) => {
                tx.execute("UPDATE tokens SET used_ms = ?2 WHERE hash = ?1", params![refresh_hash, now_ms])?;
                insert_tokens(&tx, &t.device_id, issued, Some(refresh_hash))?;
                Refresh::Valid { device_id: t.device_id }
            }
        };
        tx.commit()?;
        Ok(out)
    }

    fn record_clock_skew(&self, device_id: &str, skew_ms: i64) -> Result<(), StorageError> {
        // Every request reports the clock; the row is written only when the skew moved by more
        // than a second, so a pull of forty pages does not commit forty times.
        self.lock()
            .prepare_cached(
                "UPDATE devices SET clock_skew_ms = ?2 WHERE id = ?1                  AND (clock_skew_ms IS NULL OR abs(clock_skew_ms - ?2) > 1000)",
            )?
            .execute(params![device_id, skew_ms])?;
        Ok(())
    }

    fn push(&self, caller: &Caller, changes: &[Change], now_ms: i64) -> Result<Vec<Receipt>, StorageError> {
        self.push_as(&caller.scope(), Some(&caller.device_id), changes, now_ms)
    }

    fn import(&self, changes: &[Change], now_ms: i64) -> Result<Vec<Receipt>, StorageError> {
        let admin = Scope { role: Role::Admin, agency: None, division: None };
        self.push_as(&admin, None, changes, now_ms)
    }

    fn pull(&self, caller: &Caller, after: i64, limit: usize) -> Result<Page, StorageError> {
        let scope = caller.scope();
        let conn = self.lock();
        let last: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0))?;
        // The scope as SQL: a technician's key exactly, a jurisdiction's keys by prefix range.
        let (exact, low, high) = match scope.role {
            Role::Admin => (String::new(), String::new(), String::new()),
            Role::Technician => {
                (format!("a:{}", scope.agency.clone().unwrap_or_default()), String::new(), String::new())
            }
            Role::Inspector | Role::Supervisor => {
                let d = scope.division.clone().unwrap_or_default();
                (String::new(), format!("d:{d}"), format!("d:{d}\u{10FFFF}"))
            }
        };
        let admin = scope.role == Role::Admin;
        let mut stmt = conn.prepare_cached(
            "SELECT c.seq, c.entity, c.record_id, c.op, c.hlc, c.node, c.body FROM changes c \
             WHERE c.seq > ?1 AND c.current = 1 AND c.entity <> 'audit_entry' \
               AND (?2 OR c.entity = 'template' OR EXISTS (SELECT 1 FROM record_scopes s \
               WHERE s.entity = c.entity AND s.record_id = c.record_id \
               AND (s.key = ?3 OR (s.key >= ?4 AND s.key < ?5)))) \
             ORDER BY c.seq LIMIT ?6",
        )?;
        let mut rows = stmt.query(params![after, admin, exact, low, high, limit as i64])?;
        let mut changes = Vec::new();
        while let Some(r) = rows.next()? {
            let entity: String = r.get(1)?;
            let op: String = r.get(3)?;
            let body: Option<String> = r.get(6)?;
            let seq: i64 = r.get(0)?;
            changes.push(Pulled {
                seq,
                entity: Entity::from_key(&entity).ok_or_else(|| unknown("entity", entity))?,
                record_id: r.get(2)?,
                op: Op::from_key(&op).ok_or_else(|| unknown("operation", op))?,
                hlc: r.get(4)?,
                node: r.get(5)?,
                body: body
                    .map(RawValue::from_string)
                    .transpose()
                    .map_err(|source| StorageError::DamagedBody { seq, source })?,
            });
        }
        let more = changes.len() == limit;
        let next = if more { changes.last().map(|c| c.seq).unwrap_or(after) } else { last.max(after) };
        Ok(Page { changes, next, more })
    }

    fn letter_number(
        &self,
        caller: &Caller,
        visit_id: &str,
        prefix: &str,
        year: i32,
        now_ms: i64,
    ) -> Result<Option<u32>, StorageError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let keys = keys_of(&tx, Entity::Visit.key(), visit_id)?;
        if keys.is_empty() || !caller.scope().covers_any(&keys) {
            return Ok(None);
        }
        let given: Option<(String, i32, u32)> = tx
            .query_row("SELECT prefix, year, number FROM letter_numbers WHERE visit_id = ?1", [visit_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let n = match given {
            // Asked again (a retry, or signing failed after the number came back): the same number.
            Some((p, y, n)) if p == prefix && y == year => n,
            Some((p, y, n)) => {
                return Err(StorageError::LetterNumbered { reference: format!("{p}〔{y}〕{n}号") });
            }
            None => {
                let n: u32 = tx.query_row(
                    "SELECT coalesce(max(number), 0) + 1 FROM letter_numbers WHERE prefix = ?1 AND year = ?2",
                    params![prefix, year],
                    |r| r.get(0),
                )?;
                tx.execute(
                    "INSERT INTO letter_numbers(prefix, year, number, visit_id, user, device_id, issued_ms) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![prefix, year, n, visit_id, caller.user.name, caller.device_id, now_ms],
                )?;
                n
            }
        };
        tx.commit()?;
        Ok(Some(n))
    }

    fn photo_visible(&self, caller: &Caller, sha256: &str) -> Result<bool, StorageError> {
        let keys = keys_of(&self.lock(), PHOTO, sha256)?;
        Ok(!keys.is_empty() && caller.scope().covers_any(&keys))
    }

    fn photo_held(&self, sha256: &str) -> Result<bool, StorageError> {
        Ok(self.lock().prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?.exists([sha256])?)
    }

    fn photo_completed(&self, sha256: &str, bytes: u64, now_ms: i64) -> Result<(), StorageError> {
        self.lock().execute(
            "INSERT OR IGNORE INTO photos(sha256, bytes, received_ms) VALUES (?1, ?2, ?3)",
            params![sha256, bytes as i64, now_ms],
        )?;
        Ok(())
    }

    fn public_document(&self, by: DocumentLookup<'_>) -> Result<Option<HeldDocument>, StorageError> {
        let c = self.lock();
        // Both lookups use the indexes of migration 0004 (expressions and filter as written there).
        let (filter, key) = match by {
            DocumentLookup::Code(code) => ("json_extract(body, '$.verification_code') = ?1", code),
            DocumentLookup::Id(id) => ("record_id = ?1", id),
        };
        let sql = format!("SELECT record_id, body FROM changes WHERE entity = 'document' AND current = 1 AND {filter}");
        let find = |sql: &str, key: &str| -> rusqlite::Result<Option<(String, String)>> {
            c.prepare_cached(sql)?.query_row([key], |r| Ok((r.get(0)?, r.get(1)?))).optional()
        };
        let Some((id, body)) = find(&sql, key)? else { return Ok(None) };
        let replacing = "SELECT record_id, body FROM changes WHERE entity = 'document' AND current = 1 \
                         AND json_extract(body, '$.replaces') = ?1";
        let (mut newest, mut at) = (None, id);
        // A chain of corrections is short; the bound only guards against a cycle.
        for _ in 0..1000 {
            let Some((next, body)) = find(replacing, &at)? else { break };
            newest = Some(body);
            at = next;
        }
        let device_key = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|b| b.get("device_key").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_default();
        let key_registered =
            c.prepare_cached("SELECT 1 FROM signing_keys WHERE public_key = ?1")?.exists([&device_key])?;
        Ok(Some(HeldDocument { body, key_registered, newest }))
    }
}

/// A token's row with its device's revocation: `device_id, expires_ms, used_ms, superseded_ms,
/// revoked_at_ms`, the first five columns of the query.
struct TokenRow {
    device_id: String,
    expires_ms: i64,
    used_ms: Option<i64>,
    superseded_ms: Option<i64>,
    revoked_ms: Option<i64>,
}

impl TokenRow {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRow> {
        Ok(TokenRow {
            device_id: r.get(0)?,
            expires_ms: r.get(1)?,
            used_ms: r.get(2)?,
            superseded_ms: r.get(3)?,
            revoked_ms: r.get(4)?,
        })
    }
}

fn insert_tokens(conn: &Connection, device_id: &str, t: &IssuedTokens, parent: Option<&str>) -> rusqlite::Result<()> {
    let mut stmt = conn
        .prepare_cached("INSERT INTO tokens(hash, device_id, kind, expires_ms, parent) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    stmt.execute(params![t.access_hash, device_id, "access", t.access_expires_ms, parent])?;
    stmt.execute(params![t.refresh_hash, device_id, "refresh", t.refresh_expires_ms, parent])?;
    Ok(())
}
