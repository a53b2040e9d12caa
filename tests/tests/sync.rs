//! Sync against a real `safeserve-server` process on a free loopback port, with real laptop
//! databases: convergence with conflicts kept, replays, `kill -9` of either side, an attacker
//! with a valid token, and tokens that must no longer work.

use anyhow::{ensure, Context, Result};
use ed25519_dalek::SigningKey;
use rusqlite::Connection;
use safeserve_core::sync::{Change, Outcome};
use safeserve_core::{EnterpriseId, HazardId};
use safeserve_e2e::ended_agency_inspection;
use safeserve_e2e::proxy::Proxy;
use safeserve_e2e::server::{announce, cli, noisy_png, Server, TestCa};
use safeserve_store::documents::{LetterNumbers as _, NumberUnavailable};
use safeserve_store::views::{EnterpriseContact, PhotoTarget};
use safeserve_store::Store;
use safeserve_sync::{Client, SyncError, SyncReport};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub(crate) struct Fixture {
    pub(crate) dir: TempDir,
    pub(crate) server: Server,
    pub(crate) demo: PathBuf,
}

impl Fixture {
    /// A server loaded with a small demo: the registers only, or everything (visits, hazards,
    /// signed documents, photos).
    pub(crate) fn new(registers_only: bool) -> Result<Fixture> {
        Fixture::with_env(registers_only, &[])
    }

    fn with_env(registers_only: bool, env: &[(&str, &str)]) -> Result<Fixture> {
        let dir = tempfile::tempdir()?;
        let demo = dir.path().join("demo.db");
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
        let data = dir.path().join("server");
        Server::loaded_demo(&data, &demo, as_of, registers_only)?;
        let server = Server::start_with_env(&data, env)?;
        Ok(Fixture { dir, server, demo })
    }

    pub(crate) fn demo_query(&self, sql: &str) -> Result<String> {
        Ok(Connection::open(&self.demo)?.query_row(sql, [], |r| r.get(0))?)
    }

    pub(crate) fn user(&self, name: &str, role: &str, scope: &str) -> Result<()> {
        let flag = if role == "technician" { "--agency" } else { "--division" };
        Server::admin(&self.server.data, &["user", "add", name, "--role", role, flag, scope])?;
        Ok(())
    }

    /// A new laptop database enrolled for `user`, with its own device key.
    pub(crate) fn laptop(&self, name: &str, user: &str, seed: u8) -> Result<PathBuf> {
        let db = self.dir.path().join(format!("{name}.db"));
        let mut store = Store::open(&db)?;
        let code = self.server.enrolment_code(user)?;
        self.server.enroll(&mut store, &code, &SigningKey::from_bytes(&[seed; 32]), name)?;
        Ok(db)
    }

    /// An inspector of the district of the demo's first enterprise, by name.
    pub(crate) fn inspector(&self, name: &str) -> Result<()> {
        let district = self.demo_query("SELECT substr(division, 1, 6) FROM enterprises ORDER BY seq LIMIT 1")?;
        self.user(name, "inspector", &district)
    }

    /// Two inspectors of the same district, each with a laptop: A (zhang) and B (li).
    fn two_inspectors(&self) -> Result<(PathBuf, PathBuf)> {
        self.inspector("zhang")?;
        self.inspector("li")?;
        Ok((self.laptop("a", "zhang", 1)?, self.laptop("b", "li", 2)?))
    }

    fn server_db(&self) -> Result<Connection> {
        Ok(Connection::open(self.server.data.join("server.db"))?)
    }
}

pub(crate) fn sync(db: &Path) -> Result<SyncReport, SyncError> {
    let mut store = Store::open(db).expect("open laptop database");
    safeserve_sync::sync(&mut store, &mut |_| {})
}

pub(crate) fn rows(db: &Path, sql: &str) -> Result<Vec<(String, String)>> {
    let conn = Connection::open(db)?;
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn count(conn: &Connection, sql: &str) -> Result<i64> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

pub(crate) fn contact(phone: &str, principal: &str) -> EnterpriseContact {
    EnterpriseContact {
        address: "杭州市上城区望江路1号".into(),
        principal: principal.into(),
        safety_contact: "王安全".into(),
        phone: phone.into(),
    }
}

#[test]
fn two_laptops_edit_offline_then_both_hold_the_same_data_and_the_conflict() -> Result<()> {
    let fx = Fixture::new(true)?;
    let (a, b) = fx.two_inspectors()?;
    let first = sync(&a)?;
    ensure!(first.applied > 100, "first pull brought the district's registers: {first:?}");
    sync(&b)?;
    let mut ids = rows(&a, "SELECT id, name FROM enterprises ORDER BY seq LIMIT 2")?;
    let (e2, _) = ids.pop().expect("two enterprises");
    let (e1, name) = ids.pop().expect("two enterprises");

    // Offline: both change the same enterprise; laptop A also changes another one.
    Store::open(&a)?.update_enterprise_contact(e1.parse::<EnterpriseId>()?, &contact("0571-1111", "甲"))?;
    Store::open(&a)?.update_enterprise_contact(e2.parse::<EnterpriseId>()?, &contact("0571-3333", "丙"))?;
    Store::open(&b)?.update_enterprise_contact(e1.parse::<EnterpriseId>()?, &contact("0571-2222", "乙"))?;
    ensure!(Store::open(&a)?.sync_status()?.pending == 2);

    sync(&a)?;
    let b_report = sync(&b)?;
    ensure!(b_report.pushed == 1, "B's edit is the later one and wins: {b_report:?}");
    sync(&a)?;

    let enterprises = "SELECT record_id, body FROM sync_enterprise ORDER BY record_id";
    ensure!(rows(&a, enterprises)? == rows(&b, enterprises)?, "both laptops hold the same enterprises");
    for db in [&a, &b] {
        let store = Store::open(db)?;
        let phone: String =
            rows(db, &format!("SELECT phone, principal FROM enterprises WHERE id = '{e1}'"))?[0].0.clone();
        ensure!(phone == "0571-2222", "last writer wins: {phone}");
        let conflicts = store.conflicts()?;
        ensure!(conflicts.len() == 1, "one conflict recorded on each laptop: {conflicts:?}");
        let c = &conflicts[0];
        ensure!(c.record_id == e1 && c.title == name);
        let field = c.fields.iter().find(|f| f.field == "phone").context("the phone is in the conflict")?;
        ensure!(field.kept == "0571-2222" && field.lost == "0571-1111", "the losing value is kept: {field:?}");
        ensure!(store.sync_status()?.pending == 0 && store.sync_status()?.conflicts == 1);
    }
    let principal = &rows(&b, &format!("SELECT principal, phone FROM enterprises WHERE id = '{e2}'"))?[0].0;
    ensure!(principal == "丙", "A's other edit reached B");
    Ok(())
}

/// Run only as a child of `the_same_push_replayed_100_times_from_two_processes_is_applied_once`.
#[test]
#[ignore = "a worker process of the replay test"]
fn replay_worker() -> Result<()> {
    let Some(spec) = std::env::var_os("SAFESERVE_REPLAY") else { return Ok(()) };
    let spec: serde_json::Value = serde_json::from_slice(&std::fs::read(spec)?)?;
    let changes: Vec<Change> = serde_json::from_value(spec["changes"].clone())?;
    let pin = safeserve_sync::tls::Pin::from_pem(spec["ca"].as_str().context("ca")?)?;
    let mut client = Client::new(spec["server"].as_str().context("server")?, Some(&pin))?;
    client.set_access(spec["token"].as_str().context("token")?.to_owned());
    for _ in 0..50 {
        let answer = client.push(changes.clone())?;
        ensure!(answer.receipts.iter().all(|r| r.outcome == Outcome::Applied && r.seq.is_some()));
    }
    Ok(())
}

#[test]
fn the_same_push_replayed_100_times_from_two_processes_is_applied_once() -> Result<()> {
    let fx = Fixture::new(true)?;
    fx.inspector("zhang")?;
    let a = fx.laptop("a", "zhang", 1)?;
    sync(&a)?;
    let conn = Connection::open(&a)?;
    conn.execute_batch(
        "UPDATE enterprises SET phone = '0571-' || seq WHERE seq IN (SELECT seq FROM enterprises ORDER BY seq LIMIT 50)",
    )?;
    let mut store = Store::open(&a)?;
    let changes = store.pending_changes(1000)?;
    ensure!(changes.len() == 50, "the trigger queued one change per row: {}", changes.len());
    let client = safeserve_sync::connect(&mut store)?;
    let spec = fx.dir.path().join("replay.json");
    std::fs::write(
        &spec,
        serde_json::to_vec(&serde_json::json!({
            "server": fx.server.url, "ca": fx.server.ca, "token": client.access_token(), "changes": changes,
        }))?,
    )?;
    // The worker's name as the test harness knows it (this module's path below the crate).
    let worker = format!("{}::replay_worker", module_path!().split_once("::").map_or("", |(_, m)| m));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            Command::new(std::env::current_exe().expect("test binary"))
                .args([worker.as_str(), "--exact", "--ignored", "--nocapture"])
                .env("SAFESERVE_REPLAY", &spec)
                .stdout(Stdio::piped())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    for w in workers {
        let out = w.wait_with_output()?;
        ensure!(out.status.success(), "a replay worker failed");
        // A worker that matched no test would succeed having replayed nothing.
        ensure!(String::from_utf8_lossy(&out.stdout).contains("1 passed"), "the worker {worker} ran");
    }
    let server = fx.server_db()?;
    let ids: Vec<String> = changes.iter().map(|c| format!("'{}'", c.change_id.simple())).collect();
    let held = count(&server, &format!("SELECT count(*) FROM changes WHERE change_id IN ({})", ids.join(",")))?;
    ensure!(held == 50, "100 replays from two processes: each change stored once, found {held}");
    let dup = count(&server, "SELECT count(*) FROM (SELECT change_id FROM changes WHERE change_id IS NOT NULL GROUP BY change_id HAVING count(*) > 1)")?;
    ensure!(dup == 0);
    // The laptop never stored a receipt: its own sync sends the same changes again and gets the
    // same sequence numbers back.
    let report = sync(&a)?;
    ensure!(report.pushed == 50, "{report:?}");
    ensure!(count(&server, &format!("SELECT count(*) FROM changes WHERE change_id IN ({})", ids.join(",")))? == 50);
    Ok(())
}

#[test]
fn a_client_killed_mid_push_resumes_with_nothing_lost_or_duplicated() -> Result<()> {
    let fx = Fixture::new(true)?;
    fx.user("admin", "admin", "33")?;
    let a = fx.laptop("a", "admin", 1)?;
    sync(&a)?;
    // 10,000 edits written by the triggers, in one transaction.
    Connection::open(&a)?.execute_batch(
        "UPDATE enterprises SET phone = 'A' || seq; UPDATE enterprises SET phone = 'B' || seq; \
         UPDATE enterprises SET phone = 'C' || seq; UPDATE enterprises SET phone = 'D' || seq; \
         UPDATE enterprises SET phone = 'E' || seq;",
    )?;
    let total = count(&Connection::open(&a)?, "SELECT count(*) FROM outbox")?;
    ensure!(total == 10_000, "{total}");
    let mut child = safeserve_e2e::server::safeserve()?.args(["sync", "--db"]).arg(&a).stdout(Stdio::null()).spawn()?;
    // Kill it as soon as the first receipts are stored: the push is under way.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let receipted = count(&Connection::open(&a)?, "SELECT count(*) FROM outbox WHERE receipt IS NOT NULL")?;
        if receipted > 0 {
            ensure!(receipted < total, "killed mid-push");
            break;
        }
        ensure!(Instant::now() < deadline, "no receipt stored in time");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill()?;
    child.wait()?;
    let out = cli(&["sync", "--db", a.to_str().expect("utf-8"), "--json"], &[])?;
    ensure!(out.status.success(), "resumed sync: {}", String::from_utf8_lossy(&out.stderr));

    let local = Connection::open(&a)?;
    ensure!(count(&local, "SELECT count(*) FROM outbox WHERE receipt IS NULL")? == 0, "every change has a receipt");
    let server = fx.server_db()?;
    let device = Store::open(&a)?.sync_account()?.context("enrolled")?.device_id;
    let stored = count(&server, &format!("SELECT count(*) FROM changes WHERE device_id = '{device}'"))?;
    ensure!(stored == total, "server holds each change once: {stored} of {total}");
    let receipts = count(&local, "SELECT count(DISTINCT receipt) FROM outbox")?;
    ensure!(receipts == total, "distinct receipts: {receipts}");
    let final_phone: String = server.query_row(
        "SELECT count(*) FROM changes WHERE current = 1 AND entity = 'enterprise' AND body LIKE '%\"phone\":\"E%'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n.to_string()),
    )?;
    ensure!(final_phone == "2000", "the last edit of every enterprise is the current value: {final_phone}");
    Ok(())
}

#[test]
fn a_server_killed_mid_upload_resumes_at_its_offset_and_keeps_the_hash() -> Result<()> {
    let fx = Fixture::new(false)?;
    let agency = fx.demo_query(
        "SELECT c.agency_id FROM hazards h JOIN visits v ON v.id = h.visit_id \
         JOIN visit_people vp ON vp.visit_id = v.id JOIN employments e ON e.person_id = vp.person_id \
         JOIN contracts c ON c.agency_id = e.agency_id AND c.enterprise_id = v.enterprise_id \
         WHERE NOT EXISTS (SELECT 1 FROM hazard_events ev WHERE ev.hazard_seq = h.seq AND ev.kind = 'closed') LIMIT 1",
    )?;
    fx.user("wang", "technician", &agency)?;
    let a = fx.laptop("a", "wang", 3)?;
    sync(&a)?;
    let hazard: String = Connection::open(&a)?.query_row(
        "SELECT h.id FROM hazards h WHERE NOT EXISTS (SELECT 1 FROM hazard_events ev WHERE ev.hazard_seq = h.seq \
         AND ev.kind = 'closed') LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    let photo = noisy_png(6 * 1024 * 1024, 0);
    let size = photo.len() as u64;
    let mut store = Store::open(&a)?;
    let target = PhotoTarget::Hazard { hazard_id: hazard.parse::<HazardId>()?, after: true };
    let sha =
        store.ingest_photo(&photo, Some(&target), "2026-11-24T10:00:00+08:00", "2026-11-24 10:00".into())?.photo.sha256;

    let mut client = safeserve_sync::connect(&mut store)?;
    client.chunk = 512 * 1024;
    let mut report = SyncReport::default();
    safeserve_sync::push(&mut client, &mut store, &mut report, &mut |_| {})?;
    let mut server = Some(fx.server);
    let mut sent_before = 0u64;
    let result = safeserve_sync::upload_photos(&mut client, &mut store, &mut report, &mut |p| {
        sent_before = p.done;
        if p.done >= 3 * 512 * 1024 {
            if let Some(s) = server.take() {
                s.kill9().expect("kill -9 the server");
            }
        }
    });
    ensure!(matches!(result, Err(SyncError::Unreachable { .. })), "the upload broke off: {result:?}");
    ensure!(sent_before < size, "killed mid-upload");

    let data = fx.dir.path().join("server");
    let restarted = Server::start(&data)?;
    store.set_sync_server(&restarted.url)?;
    let resumed = safeserve_sync::sync(&mut store, &mut |_| {})?;
    ensure!(resumed.photos_uploaded == 1);
    let total_sent = sent_before + resumed.photo_bytes_sent;
    ensure!(
        total_sent as f64 <= size as f64 * 1.1,
        "resumed, not restarted: {total_sent} bytes sent for a {size}-byte photo"
    );
    let held = std::fs::read(data.join("photos").join(&sha[..2]).join(&sha))?;
    ensure!(safeserve_core::document::sha256_hex(&held) == sha, "the server's copy has the photo's hash");
    ensure!(store.sync_status()?.photos_pending == 0);
    Ok(())
}

/// Raw HTTP as an attacker would send it, with a valid token of their own.
struct Raw {
    http: reqwest::blocking::Client,
    url: String,
    token: String,
}

impl Raw {
    fn new(server: &Server, token: &str) -> Result<Raw> {
        Ok(Raw { http: server.http()?, url: server.url.clone(), token: token.to_owned() })
    }

    fn post(&self, path: &str, body: &serde_json::Value) -> Result<(u16, serde_json::Value)> {
        let resp = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()?;
        let status = resp.status().as_u16();
        let text = resp.text()?;
        Ok((status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))))
    }

    fn get(&self, path: &str) -> Result<(u16, Vec<u8>)> {
        let resp = self.http.get(format!("{}{path}", self.url)).bearer_auth(&self.token).send()?;
        Ok((resp.status().as_u16(), resp.bytes()?.to_vec()))
    }

    /// Pushes one forged change; the receipt's outcome and reason.
    fn push_one(&self, entity: &str, record_id: &str, body: serde_json::Value) -> Result<(String, String)> {
        self.push_op(entity, record_id, "upsert", body)
    }

    fn push_op(&self, entity: &str, record_id: &str, op: &str, body: serde_json::Value) -> Result<(String, String)> {
        let change = serde_json::json!({
            "change_id": uuid::Uuid::now_v7(), "entity": entity, "record_id": record_id, "op": op,
            "hlc": safeserve_core::sync::hlc_of_millis(chrono::Utc::now().timestamp_millis()), "base_hlc": null,
            "node": "attacker", "body": body,
            // Claims a request body might make; the server reads scope from the token only.
            "scope": "admin", "agency": "B",
        });
        let (status, answer) = self.post("/v1/push", &serde_json::json!({ "changes": [change] }))?;
        ensure!(status == 200, "{status} {answer}");
        let r = &answer["receipts"][0];
        Ok((r["outcome"].as_str().unwrap_or("").to_owned(), r["reason"].as_str().unwrap_or("").to_owned()))
    }
}

fn contract(id: &str, agency: &str, enterprise: &str) -> (&'static str, String, serde_json::Value) {
    let body = serde_json::json!({"id": id, "agency_id": agency, "enterprise_id": enterprise,
        "service_types": "[]", "content": "x", "visits_per_year": 1, "starts_on": "2026-01-01",
        "ends_on": "2026-12-31", "fee_fen": 0, "acceptance_standard": "x", "filed": 0,
        "government_commissioned": 0, "created_at": "2026-01-01"});
    ("contract", id.to_owned(), body)
}

#[test]
fn a_technician_can_neither_read_nor_write_another_agencys_records() -> Result<()> {
    let fx = Fixture::new(false)?;
    // Agency A and B: two agencies with visits, hazards and photos of their own.
    let pick = "SELECT e.agency_id FROM hazard_photos hp JOIN hazards h ON h.id = hp.hazard_id \
                JOIN visit_people vp ON vp.visit_id = h.visit_id JOIN employments e ON e.person_id = vp.person_id \
                GROUP BY e.agency_id ORDER BY e.agency_id";
    let agencies: Vec<String> = {
        let conn = Connection::open(&fx.demo)?;
        let mut stmt = conn.prepare(pick)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    ensure!(agencies.len() >= 2, "the demo has two agencies with photos");
    let (agency_a, agency_b) = (&agencies[0], &agencies[1]);
    fx.user("a", "technician", agency_a)?;
    let a = fx.laptop("a", "a", 4)?;
    sync(&a)?;

    // Reading: nothing of B's arrived, by list or by pull.
    let local = Connection::open(&a)?;
    ensure!(count(&local, &format!("SELECT count(*) FROM contracts WHERE agency_id <> '{agency_a}'"))? == 0);
    ensure!(count(&local, "SELECT count(*) FROM contracts")? > 0);
    ensure!(count(&local, &format!("SELECT count(*) FROM agencies WHERE id <> '{agency_a}'"))? == 0);
    let b_enterprise = fx.demo_query(&format!(
        "SELECT enterprise_id FROM contracts WHERE agency_id = '{agency_b}' AND enterprise_id NOT IN \
         (SELECT enterprise_id FROM contracts WHERE agency_id = '{agency_a}') LIMIT 1"
    ))?;
    ensure!(count(&local, &format!("SELECT count(*) FROM enterprises WHERE id = '{b_enterprise}'"))? == 0);
    let b_visit = fx.demo_query(&format!(
        "SELECT v.id FROM visits v JOIN visit_people vp ON vp.visit_id = v.id JOIN employments e \
         ON e.person_id = vp.person_id WHERE e.agency_id = '{agency_b}' AND v.enterprise_id = '{b_enterprise}' LIMIT 1"
    ))?;
    ensure!(count(&local, &format!("SELECT count(*) FROM visits WHERE id = '{b_visit}'"))? == 0);

    let mut store = Store::open(&a)?;
    let client = safeserve_sync::connect(&mut store)?;
    let raw = Raw::new(&fx.server, client.access_token().context("token")?)?;
    let (status, page) = raw.get("/v1/pull?after=0&limit=1000000")?;
    ensure!(status == 200);
    let page: serde_json::Value = serde_json::from_slice(&page)?;
    let text = page.to_string();
    ensure!(
        !text.contains(agency_b.as_str()) && !text.contains(b_enterprise.as_str()),
        "a raw pull shows nothing of B"
    );

    // Writing B's records by id, directly or by pointing at them.
    let b_body: serde_json::Value = serde_json::from_str(
        &fx.demo_query(&format!("SELECT body FROM sync_enterprise WHERE record_id = '{b_enterprise}'"))?,
    )?;
    let mut forged = b_body.clone();
    forged["phone"] = "110".into();
    let attempts = [
        ("enterprise", b_enterprise.clone(), forged.clone()),
        // A contract in B's name, and one in A's name for B's enterprise (which would make it A's).
        contract("0190f000-0000-7000-8000-000000000001", agency_b, &b_enterprise),
        contract("0190f000-0000-7000-8000-000000000002", agency_a, &b_enterprise),
        (
            "hazard",
            "0190f000-0000-7000-8000-000000000003".to_owned(),
            serde_json::json!({"id": "0190f000-0000-7000-8000-000000000003", "visit_id": b_visit,
                "description": "伪造", "category": "equipment", "level": "general", "deadline": "2026-12-01",
                "created_at": "2026-11-24"}),
        ),
        (
            "visit_item",
            format!("{b_visit}/A.1"),
            serde_json::json!({"visit_id": b_visit, "code": "A.1", "result": "fail"}),
        ),
        // The record id names B's enterprise while the body names another: refused.
        ("enterprise", b_enterprise.clone(), {
            let mut other = forged.clone();
            other["id"] = "0190f000-0000-7000-8000-000000000004".into();
            other
        }),
    ];
    for (entity, id, body) in attempts {
        let (outcome, reason) = raw.push_one(entity, &id, body)?;
        ensure!(outcome == "refused", "{entity} {id}: {outcome}");
        ensure!(!reason.is_empty(), "a refusal says why");
    }
    let server = fx.server_db()?;
    let phone: String = server.query_row(
        "SELECT json_extract(body, '$.phone') FROM changes WHERE entity = 'enterprise' AND record_id = ?1 AND current = 1",
        [&b_enterprise],
        |r| r.get(0),
    )?;
    ensure!(phone != "110", "B's enterprise unchanged");
    ensure!(count(&server, "SELECT count(*) FROM changes WHERE node = 'attacker'")? == 0, "nothing forged stored");

    // Photos: B's are neither readable nor uploadable, and asking does not reveal them.
    let b_photo = fx.demo_query(&format!(
        "SELECT hp.sha256 FROM hazard_photos hp JOIN hazards h ON h.id = hp.hazard_id \
         JOIN visit_people vp ON vp.visit_id = h.visit_id JOIN employments e ON e.person_id = vp.person_id \
         WHERE e.agency_id = '{agency_b}' AND hp.sha256 NOT IN (SELECT hp2.sha256 FROM hazard_photos hp2 \
         JOIN hazards h2 ON h2.id = hp2.hazard_id JOIN visit_people vp2 ON vp2.visit_id = h2.visit_id \
         JOIN employments e2 ON e2.person_id = vp2.person_id WHERE e2.agency_id = '{agency_a}') LIMIT 1"
    ))?;
    ensure!(raw.get(&format!("/v1/photos/{b_photo}"))?.0 == 403);
    ensure!(raw.get(&format!("/v1/photos/{b_photo}/upload?size=10"))?.0 == 403);
    let put = raw
        .http
        .put(format!("{}/v1/photos/{b_photo}/upload?offset=0&size=3", raw.url))
        .bearer_auth(&raw.token)
        .body(vec![1u8, 2, 3])
        .send()?;
    ensure!(put.status().as_u16() == 403);
    let (status, missing) = raw.post("/v1/photos/missing", &serde_json::json!({ "sha256": [b_photo] }))?;
    ensure!(status == 200 && missing["sha256"].as_array().is_some_and(|m| m.is_empty()));
    Ok(())
}

#[test]
fn expired_revoked_and_reused_tokens_are_refused() -> Result<()> {
    // Access tokens that are expired the moment they are issued.
    let fx = Fixture::with_env(true, &[("SAFESERVE_ACCESS_TTL_SECS", "0")])?;
    fx.user("zhao", "supervisor", "3301")?;
    let a = fx.laptop("a", "zhao", 5)?;
    let mut store = Store::open(&a)?;
    let refresh = store.sync_account()?.context("enrolled")?.refresh_token;
    let mut client = safeserve_sync::connect(&mut store)?;
    let expired = client.pull(0, 10).expect_err("an expired access token is refused");
    ensure!(expired.code() == "token_expired", "{expired:?}");

    // The first refresh token was used by connect(): presenting it again is a reuse, which
    // revokes the device, so even the newest refresh token stops working.
    let reused = client.refresh(&refresh).expect_err("reuse refused");
    ensure!(reused.code() == "token_reused", "{reused:?}");
    let newest = store.sync_account()?.context("enrolled")?.refresh_token;
    let revoked = client.refresh(&newest).expect_err("device revoked");
    ensure!(revoked.code() == "device_revoked", "{revoked:?}");
    ensure!(sync(&a).is_err());

    // An administrator's revocation: a second laptop stops at once.
    let b = fx.laptop("b", "zhao", 6)?;
    let device = Store::open(&b)?.sync_account()?.context("enrolled")?.device_id;
    Server::admin(&fx.server.data, &["revoke", "--device", &device])?;
    let err = sync(&b).expect_err("revoked device");
    ensure!(err.code() == "device_revoked", "{err:?}");
    let listed = Server::admin(&fx.server.data, &["devices"])?;
    ensure!(listed.lines().filter(|l| l.contains("revoked")).count() == 2, "{listed}");

    // No token, an unknown one, and an enrolment code used twice.
    ensure!(Raw::new(&fx.server, "")?.get("/v1/pull")?.0 == 401);
    ensure!(Raw::new(&fx.server, "0123")?.get("/v1/pull")?.0 == 401);
    let code = fx.server.enrolment_code("zhao")?;
    let c = fx.dir.path().join("c.db");
    fx.server.enroll(&mut Store::open(&c)?, &code, &SigningKey::from_bytes(&[7; 32]), "c")?;
    let again = fx
        .server
        .enroll(&mut Store::open(&c)?, &code, &SigningKey::from_bytes(&[8; 32]), "d")
        .expect_err("a code works once");
    ensure!(again.code() == "enrolment_code_invalid");
    Ok(())
}

#[test]
fn bad_requests_get_a_clear_4xx_and_a_wrong_clock_is_recorded() -> Result<()> {
    let fx = Fixture::new(true)?;
    fx.user("zhao", "supervisor", "3301")?;
    let a = fx.laptop("a", "zhao", 5)?;
    let mut store = Store::open(&a)?;
    let client = safeserve_sync::connect(&mut store)?;
    let raw = Raw::new(&fx.server, client.access_token().context("token")?)?;
    let http = &raw.http;
    let push = format!("{}/v1/push", raw.url);

    let malformed = http.post(&push).bearer_auth(&raw.token).body("{\"changes\": [").send()?;
    ensure!(malformed.status().as_u16() == 400);
    let body: serde_json::Value = serde_json::from_slice(&malformed.bytes()?).context("bad request body is JSON")?;
    ensure!(body["code"] == "bad_request" && body["zh"].as_str().is_some_and(|z| z.contains("请求格式有误")));

    // Announced over the limit: refused before a byte of it is read.
    let (status, body) = announce(&fx.server, None, "/v1/push", Some(&raw.token), 65 * 1024 * 1024, 0)?;
    let body: serde_json::Value = serde_json::from_str(&body).with_context(|| format!("{status} {body:?}"))?;
    ensure!(status == 413 && body["code"] == "body_too_large", "{status} {body}");

    // 200 MB of zeros compress to almost nothing: refused once decompressed past the bound.
    let bomb = zstd::bulk::compress(&vec![b' '; 200 * 1024 * 1024], 3)?;
    let resp = http.post(&push).bearer_auth(&raw.token).header("content-encoding", "zstd").body(bomb).send()?;
    ensure!(resp.status().as_u16() == 413, "{}", resp.status());
    let body: serde_json::Value = serde_json::from_slice(&resp.bytes()?).context("413 body is JSON")?;
    ensure!(body["code"] == "body_too_large" && body["zh"].as_str().is_some_and(|z| !z.is_empty()), "{body}");

    let change = |i: u32| {
        serde_json::json!({"change_id": uuid::Uuid::now_v7(), "entity": "enterprise", "record_id": format!("x{i}"),
            "op": "upsert", "hlc": 1, "base_hlc": null, "node": "n", "body": {"id": format!("x{i}")}})
    };
    let too_many: Vec<_> = (0..5001).map(change).collect();
    ensure!(raw.post("/v1/push", &serde_json::json!({ "changes": too_many }))?.0 == 413);
    ensure!(raw.post("/v1/push", &serde_json::json!({ "changes": "none" }))?.0 == 400);
    let (outcome, reason) = raw.push_one("enterprise", "x", serde_json::json!([1, 2]))?;
    ensure!(outcome == "refused" && !reason.is_empty(), "a body that is not an object is refused, not a 500");
    ensure!(raw.get("/v1/photos/not-a-hash")?.0 == 400);
    let (status, body) = raw.get("/v1/pull?after=abc")?;
    let body: serde_json::Value = serde_json::from_slice(&body)
        .with_context(|| format!("400 body is JSON: {}", String::from_utf8_lossy(&body)))?;
    ensure!(status == 400 && body["code"] == "bad_request", "{status} {body}");

    // Clocks: a change stamped near i64::MAX, or a day ahead, is refused whole with what to do;
    // a node that is not a laptop's is refused.
    for hlc in [i64::MAX - 1, safeserve_core::sync::hlc_of_millis(chrono::Utc::now().timestamp_millis() + 86_400_000)] {
        let mut c = change(1);
        c["hlc"] = hlc.into();
        let (status, body) = raw.post("/v1/push", &serde_json::json!({ "changes": [c] }))?;
        ensure!(status == 422 && body["code"] == "clock_ahead", "{status} {body}");
        ensure!(body["zh"].as_str().is_some_and(|z| z.contains("日期和时间")), "{body}");
    }
    for node in ["server", "", "a b", &"n".repeat(65)] {
        let mut c = change(1);
        c["node"] = node.into();
        ensure!(raw.post("/v1/push", &serde_json::json!({ "changes": [c] }))?.0 == 400, "node {node:?}");
    }

    // A laptop whose clock is three days slow: it syncs, and the server records the skew.
    let slow = chrono::Utc::now().timestamp_millis() - 3 * 86_400_000;
    let resp = http
        .get(format!("{}/v1/pull?after=0&limit=1", raw.url))
        .bearer_auth(&raw.token)
        .header("x-safeserve-clock", slow.to_string())
        .send()?;
    ensure!(resp.status().is_success());
    let devices = Server::admin(&fx.server.data, &["devices"])?;
    let skew: i64 = devices.split("skew_ms=").nth(1).and_then(|s| s.trim().parse().ok()).context("skew recorded")?;
    ensure!((skew + 3 * 86_400_000).abs() < 60_000, "skew {skew}");
    // SIGTERM: the server finishes and exits cleanly.
    let status = fx.server.stop()?;
    ensure!(status.success(), "graceful shutdown: {status:?}");
    Ok(())
}

#[test]
fn a_laptop_whose_clock_ran_days_ahead_syncs_once_corrected_and_does_not_win_forever() -> Result<()> {
    let fx = Fixture::new(true)?;
    let (a, b) = fx.two_inspectors()?;
    sync(&a)?;
    sync(&b)?;
    let e1 = rows(&a, "SELECT id, name FROM enterprises ORDER BY seq LIMIT 1")?.remove(0).0;
    // Laptop A's clock ran three days ahead while it recorded: its edits carry stamps from the
    // future (edited twice, the second naming the first's stamp). Its clock is right again now.
    let ahead = (chrono::Utc::now().timestamp_millis() + 3 * 86_400_000) * 65_536;
    Connection::open(&a)?.execute("UPDATE sync_clock SET hlc = ?1", [ahead])?;
    Store::open(&a)?.update_enterprise_contact(e1.parse::<EnterpriseId>()?, &contact("0571-0000", "甲"))?;
    Store::open(&a)?.update_enterprise_contact(e1.parse::<EnterpriseId>()?, &contact("0571-1111", "甲"))?;
    let report = sync(&a)?;
    ensure!(report.restamped == 2 && report.pushed == 2 && report.refused == 0, "{report:?}");
    ensure!(Store::open(&a)?.conflicts()?.is_empty(), "its own two edits are not a conflict");
    let limit = safeserve_core::sync::latest_acceptable_hlc(chrono::Utc::now().timestamp_millis());
    let clock: i64 = Connection::open(&a)?.query_row("SELECT hlc FROM sync_clock", [], |r| r.get(0))?;
    ensure!(clock <= limit, "A's clock starts again from the right time");
    // B sees A's value, then corrects it.
    sync(&b)?;
    Store::open(&b)?.update_enterprise_contact(e1.parse::<EnterpriseId>()?, &contact("0571-2222", "乙"))?;
    let report = sync(&b)?;
    ensure!(report.pushed == 1, "B's later edit wins despite A's clock: {report:?}");
    sync(&a)?;
    for db in [&a, &b] {
        let phone = rows(db, &format!("SELECT phone, principal FROM enterprises WHERE id = '{e1}'"))?.remove(0).0;
        ensure!(phone == "0571-2222", "{phone}");
        ensure!(Store::open(db)?.conflicts()?.is_empty(), "a sequential edit is not a conflict");
    }
    Ok(())
}

#[test]
fn a_tampered_or_unknown_key_document_is_refused_and_the_laptop_says_so() -> Result<()> {
    let fx = Fixture::new(false)?;
    // An administrator, whom the role table lets write any document: only the signature and the
    // hash stand in the way.
    fx.user("zhao", "admin", "33")?;
    let a = fx.laptop("a", "zhao", 9)?;
    sync(&a)?;
    let conn = Connection::open(&a)?;
    ensure!(count(&conn, "SELECT count(*) FROM documents")? > 0, "signed documents arrived and verified");
    // Two documents that did not come from a signing laptop: one whose content was changed
    // after signing, one signed by a key no enrolled device holds.
    let copy = |id: &str, content: &str, key: &str, code: &str| -> Result<()> {
        conn.execute(
            "INSERT INTO devices(public_key, label, first_seen) VALUES (?3, 'unknown', '2026-11-24') \
             ON CONFLICT DO NOTHING",
            rusqlite::params![id, content, key],
        )?;
        conn.execute(
            "INSERT INTO documents(id, kind, version, visit_id, enterprise_id, agency_id, content, content_hash, \
             device_key, signature, verification_code, signed_at) \
             SELECT ?1, kind, 1, visit_id, enterprise_id, agency_id, ?2, content_hash, ?3, signature, ?4, signed_at \
             FROM documents ORDER BY seq LIMIT 1",
            rusqlite::params![id, content.as_bytes(), key, code],
        )?;
        Ok(())
    };
    let (content, key): (Vec<u8>, String) =
        conn.query_row("SELECT content, device_key FROM documents ORDER BY seq LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let altered = String::from_utf8(content)?.replacen("隐患", "隐忠", 1);
    copy("0190f000-0000-7000-8000-0000000000a1", &altered, &key, "TAMPERED01")?;
    let stranger = safeserve_core::document::hex(SigningKey::from_bytes(&[42; 32]).verifying_key().as_bytes());
    copy("0190f000-0000-7000-8000-0000000000a2", &altered, &stranger, "STRANGER01")?;

    let out = cli(&["sync", "--db", a.to_str().expect("utf-8")], &[])?;
    ensure!(out.status.code() == Some(1), "sync ends with refusals: {:?}", out.status);
    let printed = String::from_utf8(out.stdout)?;
    ensure!(printed.contains("内容与其摘要不符") && printed.contains("不属于任何已注册设备"), "{printed}");
    let status = Store::open(&a)?.sync_status()?;
    ensure!(status.refused == 2 && status.refusals.iter().all(|r| r.contains("文书")), "{status:?}");
    let server = fx.server_db()?;
    ensure!(
        count(&server, "SELECT count(*) FROM changes WHERE record_id LIKE '0190f000-0000-7000-8000-0000000000a%'")?
            == 0
    );
    Ok(())
}

/// An ended inspection of `agency` on this laptop, its first item failed, and the letter drafted.
fn drafted_letter(db: &Path, agency: &str) -> Result<safeserve_core::VisitId> {
    let id = ended_agency_inspection(db, agency, "")?;
    let (today, now) = (safeserve_e2e::today(), safeserve_e2e::now().to_rfc3339());
    let mut store = Store::open(db)?;
    let findings = store.letter_candidates(id, today)?.into_iter().take(1).collect();
    let draft = safeserve_core::letter::LetterDraft {
        visit_id: id.to_string(),
        findings,
        demands: vec!["立即整改".into()],
        reply_days: 15,
        drafted_by: "检查员".into(),
    };
    store.save_letter_draft(&draft, &now)?;
    Ok(id)
}

/// Approves a letter as the app does: its number from the server's series, then the signing.
fn sign_letter(db: &Path, visit: safeserve_core::VisitId, seed: u8) -> Result<String, NumberUnavailable> {
    use safeserve_core::document::{DocumentKind, HandSignature, SignerRole, Stroke};
    let mut store = Store::open(db).expect("open laptop database");
    let request = safeserve_store::views::DocumentRequest {
        kind: DocumentKind::Letter,
        visit_id: Some(visit),
        enterprise_id: None,
        signatures: vec![HandSignature {
            role: SignerRole::Supervisor,
            name: "赵处长".into(),
            certificates: vec![],
            width: 600,
            height: 200,
            strokes: vec![Stroke { points: vec![[10, 20, 500], [200, 120, 700]] }],
            refusal: None,
        }],
        replaces: None,
        correction_reason: String::new(),
    };
    let now = safeserve_e2e::now();
    let random: [u8; 10] = uuid::Uuid::now_v7().as_bytes()[6..16].try_into().expect("10 bytes");
    let key = SigningKey::from_bytes(&[seed; 32]);
    let number = match store.letter_series(&request, now, &|_| Vec::new()).expect("a letter ready to sign") {
        Some(series) => Some(safeserve_sync::ServerNumbers.take(&mut store, &series)?),
        None => None,
    };
    let doc = store.sign_numbered(&request, &key, "laptop", now, &random, &|_| Vec::new(), number).expect("signed");
    Ok(doc.content.letter.expect("a letter").reference)
}

#[test]
fn letters_approved_on_two_laptops_share_one_series_without_gaps_or_repeats() -> Result<()> {
    let fx = Fixture::new(true)?;
    let district = fx.demo_query("SELECT substr(division, 1, 6) FROM enterprises ORDER BY seq LIMIT 1")?;
    // Supervisors of the city bureau: every district's agencies are theirs.
    let city = district[..4].to_owned();
    fx.user("zhao", "supervisor", &city)?;
    fx.user("qian", "supervisor", &city)?;
    fx.inspector("sun")?;
    let (a, b, c) = (fx.laptop("a", "zhao", 1)?, fx.laptop("b", "qian", 2)?, fx.laptop("c", "sun", 3)?);
    for db in [&a, &b, &c] {
        sync(db)?;
    }
    let agencies: Vec<String> =
        rows(&a, &format!("SELECT id, name FROM agencies WHERE division LIKE '{city}%' ORDER BY seq LIMIT 4"))?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
    ensure!(agencies.len() == 4, "the city has agencies: {agencies:?}");

    // Interleaved approvals on two laptops; neither has seen the other's letters.
    let (a1, b1, a2, b2) = (
        drafted_letter(&a, &agencies[0])?,
        drafted_letter(&b, &agencies[1])?,
        drafted_letter(&a, &agencies[2])?,
        drafted_letter(&b, &agencies[3])?,
    );
    let references =
        vec![sign_letter(&a, a1, 1)?, sign_letter(&b, b1, 2)?, sign_letter(&a, a2, 1)?, sign_letter(&b, b2, 2)?];
    let year = safeserve_e2e::today().format("%Y").to_string();
    let prefix = references[0].split('〔').next().unwrap_or_default().to_owned();
    ensure!(
        references == (1..=4).map(|n| format!("{prefix}〔{year}〕{n}号")).collect::<Vec<_>>(),
        "one series across both laptops, in order of approval: {references:?}"
    );

    // A letter numbered in one series is not numbered again in another: 409, in both languages.
    let mut store = Store::open(&a)?;
    let mut client = safeserve_sync::connect(&mut store)?;
    let request =
        safeserve_wire::LetterNumberRequest {
            visit_id: a1.to_string(), prefix: "另局函".into(), year: year.parse()?
        };
    match client.letter_number(&request) {
        Err(SyncError::Refused { status: 409, body }) => ensure!(
            body.code == "letter_numbered"
                && body.zh.contains(&references[0])
                && body.en.contains("already numbered")
                && body.en.contains(&references[0]),
            "{body:?}"
        ),
        other => anyhow::bail!("a second number for one letter: {other:?}"),
    }
    drop(store);

    // An inspector's laptop cannot take a number: approval is the supervisor's.
    let (in_district, _) =
        rows(&c, "SELECT id, name FROM agencies ORDER BY seq LIMIT 1")?.pop().context("an agency")?;
    let c1 = drafted_letter(&c, &in_district)?;
    let refused = sign_letter(&c, c1, 3).expect_err("an inspector cannot approve");
    ensure!(refused.message.zh.contains("只有负责人"), "{}", refused.message.zh);
    ensure!(Store::open(&c)?.letters(None, safeserve_e2e::today())?.is_empty(), "nothing signed on refusal");

    // The inspector's draft travels; the supervisor approves it on their own laptop as drafted.
    sync(&c)?;
    sync(&a)?;
    let drafted = Store::open(&a)?.letter_draft(c1)?.context("the inspector's draft reached the supervisor")?;
    ensure!(sign_letter(&a, c1, 1)? == format!("{prefix}〔{year}〕5号"), "the fifth letter of the series");
    let store = Store::open(&a)?;
    let signed = store.letters(None, safeserve_e2e::today())?;
    let fifth = signed.iter().find(|l| l.visit_id.as_deref() == Some(&c1.to_string())).context("signed")?;
    ensure!(fifth.findings == drafted.findings.iter().map(|f| f.printed()).collect::<Vec<_>>(), "the draft's words");
    drop(store);

    // After sync, each laptop holds all five letters: no number missing, none used twice.
    for db in [&a, &b, &a] {
        sync(db)?;
    }
    for db in [&a, &b] {
        let series = Store::open(db)?.letter_numbers()?;
        let s = series.iter().find(|s| s.prefix == prefix).context("the bureau's series")?;
        ensure!(s.count == 5 && s.highest == 5 && s.missing.is_empty() && s.repeated.is_empty(), "{s:?}");
    }
    let out = cli(&["letter", "numbers", "--db", a.to_str().expect("utf-8")], &[])?;
    ensure!(out.status.success(), "the CLI finds the series whole: {}", String::from_utf8_lossy(&out.stdout));

    // Offline, an enrolled laptop cannot approve: the error says why, nothing is signed, the draft stays.
    let a3 = drafted_letter(&a, &agencies[0])?;
    let Fixture { dir: _keep, server, .. } = fx;
    server.kill9()?;
    let offline = sign_letter(&a, a3, 1).expect_err("no number offline");
    ensure!(offline.code == "letter_number_offline", "{offline:?}");
    let cause = offline.source.as_deref().and_then(|e| e.downcast_ref::<SyncError>());
    ensure!(matches!(cause, Some(SyncError::Unreachable { .. })), "{offline:?}");
    let store = Store::open(&a)?;
    ensure!(store.letter_draft(a3)?.is_some(), "the draft is kept");
    ensure!(store.letter_numbers()?.iter().all(|s| s.count == 5), "nothing was signed");
    Ok(())
}

/// A visit ended on one laptop reaches the server with its answers first and the visit itself
/// last (ending it is its newest change), and a second laptop pulls them in that order. The
/// answers wait for their visit there instead of being dropped, and the whole inspection —
/// people, answers, the letter drafted, the signed letter — arrives and verifies.
#[test]
fn a_visit_ended_on_one_laptop_arrives_whole_on_another_and_its_letter_verifies() -> Result<()> {
    let fx = Fixture::new(true)?;
    let district = fx.demo_query("SELECT substr(division, 1, 6) FROM enterprises ORDER BY seq LIMIT 1")?;
    let city = district[..4].to_owned();
    fx.user("zhao", "supervisor", &city)?;
    fx.user("qian", "supervisor", &city)?;
    let (a, b) = (fx.laptop("a", "zhao", 1)?, fx.laptop("b", "qian", 2)?);
    sync(&a)?;
    sync(&b)?;
    let agency =
        rows(&a, &format!("SELECT id, name FROM agencies WHERE division LIKE '{city}%' ORDER BY seq LIMIT 1"))?
            .pop()
            .context("the city has an agency")?
            .0;
    let visit = drafted_letter(&a, &agency)?;
    sign_letter(&a, visit, 1)?;
    let pushed = sync(&a)?;
    ensure!(pushed.refused == 0, "{:?}", pushed.refusals);

    let pulled = sync(&b)?;
    ensure!(pulled.rejected.is_empty(), "nothing is left waiting: {:?}", pulled.rejected);
    let held = |db: &Path| -> Result<Vec<i64>> {
        let conn = Connection::open(db)?;
        let id = visit.to_string();
        [
            "visits WHERE id = ?1",
            "visit_people WHERE visit_id = ?1",
            "visit_items WHERE visit_seq = (SELECT seq FROM visits WHERE id = ?1)",
            "letter_drafts WHERE visit_id = ?1",
            "documents WHERE visit_id = ?1",
        ]
        .iter()
        .map(|t| Ok(conn.query_row(&format!("SELECT count(*) FROM {t}"), [&id], |r| r.get(0))?))
        .collect()
    };
    let (on_a, on_b) = (held(&a)?, held(&b)?);
    ensure!(on_a.iter().all(|&n| n > 0), "laptop A holds the whole inspection: {on_a:?}");
    ensure!(on_a == on_b, "laptop B holds what A holds (visit, people, answers, draft, letter): {on_a:?} vs {on_b:?}");
    let store = Store::open(&b)?;
    ensure!(store.sync_status()?.waiting == 0);
    // B believes A's signature because the bureau's certificate, issued to A at enrolment,
    // came with A's documents; and B signs its own PDFs with the certificate issued to B.
    let b_key = safeserve_device::DeviceKey {
        key: SigningKey::from_bytes(&[2; 32]),
        home: safeserve_device::KeyHome::File(fx.dir.path().join("b-key")),
    };
    let b_signer = safeserve_print::PdfSigner::load(&store, &b_key)?;
    let mut verified = 0;
    for doc in store.documents(safeserve_store::documents::DocumentsOf::Visit(visit))? {
        let v = store.verify(doc.id, None, &b_signer)?;
        ensure!(v.verdict == safeserve_core::document::Verdict::Valid, "{:?} verifies on B: {:?}", doc.kind, v.reasons);
        let (_, pdf) = safeserve_print::pdf(&store, &b_signer, doc.id)?;
        let path = fx.dir.path().join(format!("on-b-{verified}.pdf"));
        std::fs::write(&path, &pdf)?;
        let pdfsig = String::from_utf8_lossy(&Command::new("pdfsig").arg(&path).output()?.stdout).into_owned();
        ensure!(pdfsig.contains("Signature is Valid.") && pdfsig.contains("qian"), "B's PDF names qian: {pdfsig}");
        verified += 1;
    }
    ensure!(verified > 0, "the letter reached B");
    // A device key put into B's database by hand, without the bureau's certificate, is not
    // believed: A's documents then verify only while A's row keeps its certificate.
    Connection::open(&b)?.execute("UPDATE devices SET certificate = NULL", [])?;
    for doc in store.documents(safeserve_store::documents::DocumentsOf::Visit(visit))? {
        let v = store.verify(doc.id, None, &b_signer)?;
        ensure!(v.verdict == safeserve_core::document::Verdict::Altered, "without A's certificate: {:?}", v.reasons);
    }
    Ok(())
}

/// A photo the server no longer has on disk costs the laptop that photo only: the others come
/// down, the missing one is named with its reason, and it is asked for again next time.
#[test]
fn a_photo_missing_on_the_server_does_not_stop_the_others_coming_down() -> Result<()> {
    let fx = Fixture::new(false)?;
    fx.user("zhao", "supervisor", "33")?;
    let a = fx.laptop("a", "zhao", 5)?;
    let mut originals = Vec::new();
    for shard in std::fs::read_dir(fx.server.data.join("photos"))? {
        let shard = shard?.path();
        if shard.file_name().is_some_and(|n| n.len() == 2) {
            for f in std::fs::read_dir(&shard)? {
                originals.push(f?.path());
            }
        }
    }
    originals.sort();
    ensure!(originals.len() >= 3, "the demo's photos are on the server: {}", originals.len());
    let gone = originals[originals.len() / 2].clone();
    std::fs::remove_file(&gone)?;
    let sha = gone.file_name().and_then(|n| n.to_str()).context("a photo's name")?.to_owned();

    let report = sync(&a)?;
    ensure!(report.photos_downloaded as usize == originals.len() - 1, "the others came down: {report:?}");
    ensure!(report.photos_failed.len() == 1 && report.photos_failed[0].starts_with(&sha), "{:?}", report.photos_failed);
    let store = Store::open(&a)?;
    ensure!(store.photos_to_download()? == vec![sha], "only the missing one is asked for again");
    let out = cli(&["sync", "--db", a.to_str().expect("utf-8")], &[])?;
    ensure!(out.status.code() == Some(1), "safeserve sync says something is missing: {:?}", out.status);
    ensure!(String::from_utf8(out.stdout)?.contains("照片未能下载"), "and names it");
    Ok(())
}

/// Every sync starts by rotating the laptop's refresh token. Two syncs of one database at once
/// (the app's worker and `safeserve sync`, or a letter approval) would both present the same
/// token, and the server takes a second use for a stolen token and revokes the laptop. They
/// take turns instead: every one succeeds and the laptop stays enrolled.
#[test]
fn syncs_of_one_database_from_several_processes_take_turns_and_the_laptop_stays_enrolled() -> Result<()> {
    let fx = Fixture::new(true)?;
    fx.inspector("zhang")?;
    let a = fx.laptop("a", "zhang", 6)?;
    sync(&a)?;
    let db = a.to_str().context("utf-8 path")?;
    for round in 0..3 {
        let outputs: Vec<std::process::Output> = std::thread::scope(|s| {
            let runs: Vec<_> = (0..4).map(|_| s.spawn(|| cli(&["sync", "--db", db], &[]))).collect();
            runs.into_iter().map(|r| r.join().expect("a sync thread")).collect::<Result<_>>()
        })?;
        for out in &outputs {
            ensure!(
                out.status.success(),
                "round {round}: every sync succeeds ({:?}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let devices = Server::admin(&fx.server.data, &["devices"])?;
    ensure!(!devices.contains("revoked") && !devices.contains("已吊销"), "the laptop is not revoked: {devices}");
    sync(&a)?;
    Ok(())
}

fn has(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn the_laptop_speaks_tls_trusts_only_the_ca_it_enrolled_with_and_nothing_crosses_in_clear() -> Result<()> {
    let fx = Fixture::new(true)?;
    fx.inspector("zhang")?;
    let ca = fx.server.ca_file.clone().context("the server speaks TLS")?;
    let proxy = Proxy::start(fx.server.url.trim_start_matches("https://"))?;
    let via_proxy = proxy.url(&fx.server.url);
    let a = fx.dir.path().join("a.db");
    let db = a.to_str().context("utf-8")?;
    let code = fx.server.enrolment_code("zhang")?;

    // Without the CA the administrator gave, the system's roots do not vouch for the server:
    // refused before anything is sent, so the code still works afterwards.
    let out = cli(&["enroll", "--db", db, "--server", &via_proxy, "--code", &code], &[])?;
    let said = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.code() == Some(2) && said.contains("不受本机信任"), "{out:?}");
    ensure!(!has(&proxy.seen(), &code), "the code never left the laptop");

    // With it: enrolled and synced through the relay, which sees only ciphertext.
    let ca_arg = ca.to_str().context("utf-8")?;
    let out = cli(&["enroll", "--db", db, "--server", &via_proxy, "--code", &code, "--ca", ca_arg], &[])?;
    ensure!(out.status.success(), "{out:?}");
    let report = sync(&a)?;
    ensure!(report.pulled > 100, "the district's registers came down: {report:?}");
    let account = Store::open(&a)?.sync_account()?.context("enrolled")?;
    ensure!(account.server_trust.as_deref().is_some_and(|p| p.contains("BEGIN CERTIFICATE")), "the CA is pinned");
    let id_number = rows(&a, "SELECT id_number, name FROM people LIMIT 1")?.remove(0).0;
    let enterprise = rows(&a, "SELECT name, id FROM enterprises LIMIT 1")?.remove(0).0;
    let seen = proxy.seen();
    for secret in [code.as_str(), &account.refresh_token, &id_number, &enterprise, "refresh_token", "/v1/"] {
        ensure!(!has(&seen, secret), "{secret} crossed the network in clear");
    }

    // Another CA's certificate for the same address (a proxy's, a misissued one): refused,
    // and the refresh token was never shown to it, so the genuine server still knows it.
    let impostor_dir = fx.dir.path().join("impostor");
    let impostor_tls = TestCa::new("Impostor CA")?.install(&impostor_dir)?;
    let impostor = Server::start_with_tls(&impostor_dir, &impostor_tls)?;
    Store::open(&a)?.set_sync_server(&impostor.url)?;
    let err = sync(&a).expect_err("an impostor is refused");
    ensure!(err.code() == "server_untrusted", "{err:?}");
    ensure!(err.message().zh.contains("不受本机信任"), "{}", err.message().zh);
    ensure!(Store::open(&a)?.sync_account()?.context("enrolled")?.refresh_token == account.refresh_token);
    Store::open(&a)?.set_sync_server(&via_proxy)?;
    sync(&a).context("the genuine server after the impostor")?;

    // Plain HTTP goes nowhere but this machine; the reason is given before any connection.
    let out = cli(&["enroll", "--db", db, "--server", "http://10.0.0.5:8470", "--code", "X"], &[])?;
    let said = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.code() == Some(2) && said.contains("不能用 http://") && said.contains("https://"), "{said}");

    // The same relay in front of a plain-HTTP server on loopback shows what TLS hides.
    let data = fx.server.data.clone();
    drop(fx.server);
    let plain = Server::start_plain(&data)?;
    let relay = Proxy::start(plain.url.trim_start_matches("http://"))?;
    let b = fx.dir.path().join("b.db");
    let code = plain.enrolment_code("zhang")?;
    safeserve_sync::enroll(
        &mut Store::open(&b)?,
        &relay.url(&plain.url),
        &code,
        &SigningKey::from_bytes(&[9; 32]),
        "b",
        None,
    )?;
    sync(&b)?;
    let seen = relay.seen();
    ensure!(has(&seen, "POST /v1/enrol") && has(&seen, "Bearer "), "in clear, the relay reads requests and tokens");
    Ok(())
}

#[test]
fn a_lost_token_reply_is_retried_and_a_real_reuse_still_revokes() -> Result<()> {
    // Plain HTTP on loopback, so the relay can tell which request is the token exchange.
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("server");
    Server::admin(&data, &["user", "add", "zhao", "--role", "supervisor", "--division", "3301"])?;
    let server = Server::start_plain(&data)?;
    let proxy = Proxy::start(server.url.trim_start_matches("http://"))?;
    let a = dir.path().join("a.db");
    let code = server.enrolment_code("zhao")?;
    let key = SigningKey::from_bytes(&[3; 32]);
    safeserve_sync::enroll(&mut Store::open(&a)?, &proxy.url(&server.url), &code, &key, "a", None)?;
    let sent = Store::open(&a)?.sync_account()?.context("enrolled")?.refresh_token;

    // The server trades the refresh token; its reply never reaches the laptop.
    proxy.drop_reply_to("POST /v1/token");
    let lost = sync(&a).expect_err("the reply was lost");
    ensure!(proxy.dropped() && lost.code() == "server_unreachable", "{lost:?}");
    ensure!(Store::open(&a)?.sync_account()?.context("enrolled")?.refresh_token == sent, "the laptop kept its token");

    // The next sync presents the same token again: a lost reply, not a copy; the laptop goes on.
    sync(&a).context("the sync after the lost reply")?;
    sync(&a).context("and the one after")?;

    // Once what it was traded for has been used, the old token in anyone's hands is a copy.
    let reused = Client::new(&server.url, None)?.refresh(&sent).expect_err("a reuse");
    ensure!(reused.code() == "token_reused", "{reused:?}");
    let revoked = sync(&a).expect_err("the device is revoked");
    ensure!(revoked.code() == "device_revoked", "{revoked:?}");
    Ok(())
}

/// A forged change and what must come of it: `Ok(())` applied, `Err(words)` refused with a
/// reason containing `words`.
type Attempt<'a> = (&'a str, &'a str, String, serde_json::Value, std::result::Result<(), &'a str>);

fn attempt_all(raw: &Raw, who: &str, attempts: Vec<Attempt<'_>>) -> Result<()> {
    for (entity, op, id, body, expected) in attempts {
        let (outcome, reason) = raw.push_op(entity, &id, op, body)?;
        match expected {
            Ok(()) => ensure!(outcome == "applied", "{who} {op} {entity} {id}: {outcome} {reason}"),
            Err(words) => ensure!(
                outcome == "refused" && reason.contains(words),
                "{who} {op} {entity} {id}: {outcome} {reason:?} (expected a refusal saying {words:?})"
            ),
        }
    }
    Ok(())
}

#[test]
fn each_role_writes_only_what_is_theirs_as_an_attacker_would_try() -> Result<()> {
    let fx = Fixture::new(false)?;
    let q = |sql: &str| fx.demo_query(sql);
    let body = |view: &str, id: &str| -> Result<serde_json::Value> {
        Ok(serde_json::from_str(&q(&format!("SELECT body FROM {view} WHERE record_id = '{id}'"))?)?)
    };
    let new_id = || uuid::Uuid::now_v7().to_string();
    // Agency A sends people on service visits and has hazards with photos; B is another agency.
    let by_agency = "SELECT e.agency_id FROM hazard_photos hp JOIN hazards h ON h.id = hp.hazard_id \
                     JOIN visit_people vp ON vp.visit_id = h.visit_id JOIN employments e ON e.person_id = vp.person_id";
    let a = q(&format!("{by_agency} GROUP BY e.agency_id ORDER BY e.agency_id LIMIT 1"))?;
    let b = q(&format!("{by_agency} WHERE e.agency_id <> '{a}' GROUP BY e.agency_id ORDER BY e.agency_id LIMIT 1"))?;
    let hazard = q(&format!(
        "SELECT h.id FROM hazards h JOIN visit_people vp ON vp.visit_id = h.visit_id \
         JOIN employments e ON e.person_id = vp.person_id WHERE e.agency_id = '{a}' LIMIT 1"
    ))?;
    let enterprise = q(&format!("SELECT enterprise_id FROM contracts WHERE agency_id = '{a}' LIMIT 1"))?;
    let (a_person, b_person) = (
        q(&format!("SELECT person_id FROM employments WHERE agency_id = '{a}' LIMIT 1"))?,
        q(&format!(
            "SELECT person_id FROM employments WHERE agency_id = '{b}' AND person_id NOT IN \
                    (SELECT person_id FROM employments WHERE agency_id = '{a}') LIMIT 1"
        ))?,
    );
    let b_photo = q(&format!(
        "SELECT hp.sha256 FROM hazard_photos hp JOIN hazards h ON h.id = hp.hazard_id \
         JOIN visit_people vp ON vp.visit_id = h.visit_id JOIN employments e ON e.person_id = vp.person_id \
         WHERE e.agency_id = '{b}' AND hp.sha256 NOT IN (SELECT hp2.sha256 FROM hazard_photos hp2 \
         JOIN hazards h2 ON h2.id = hp2.hazard_id JOIN visit_people vp2 ON vp2.visit_id = h2.visit_id \
         JOIN employments e2 ON e2.person_id = vp2.person_id WHERE e2.agency_id = '{a}') LIMIT 1"
    ))?;
    let district = q(&format!("SELECT substr(division, 1, 6) FROM enterprises WHERE id = '{enterprise}'"))?;
    let elsewhere = q(&format!(
        "SELECT substr(division, 1, 6) FROM enterprises WHERE substr(division, 1, 6) <> '{district}' LIMIT 1"
    ))?;
    fx.user("tech", "technician", &a)?;
    fx.user("far", "inspector", &elsewhere)?;
    fx.user("boss", "supervisor", "33")?;
    let token = |user: &str, seed: u8| -> Result<Raw> {
        let db = fx.laptop(user, user, seed)?;
        let client = safeserve_sync::connect(&mut Store::open(&db)?)?;
        Raw::new(&fx.server, client.access_token().context("token")?)
    };

    let mut renamed = body("sync_agency", &a)?;
    renamed["name"] = "改名的机构".into();
    let mut certified = body("sync_person", &a_person)?;
    certified["certificates"] = serde_json::json!([{"kind": "registered_safety_engineer", "number": "FAKE1",
        "issuer": "应急管理部", "specialty": "化工", "expires_on": "2099-12-31"}]);
    let mut contact = body("sync_enterprise", &enterprise)?;
    contact["phone"] = "0571-12345678".into();
    let mut moved = contact.clone();
    moved["division"] = "330000".into();
    let visit = |kind: &str, people: Vec<&str>| {
        let id = new_id();
        let people: Vec<_> = people
            .iter()
            .enumerate()
            .map(|(i, p)| serde_json::json!({"person_id": p, "position": i, "certificates": "[]"}))
            .collect();
        let agency = (kind == "agency_inspection").then(|| a.clone());
        let enterprise = (kind != "agency_inspection").then(|| enterprise.clone());
        (
            id.clone(),
            serde_json::json!({"id": id, "kind": kind, "enterprise_id": enterprise, "agency_id": agency,
            "template_key": "enterprise-general", "template_version": 1, "started_at": "2026-11-30T09:00:00+08:00",
            "ended_at": null, "place": "厂区", "assessment": "", "mismatches": "[]", "people": people}),
        )
    };
    let commission = |agency: &str, starts: &str, ends: &str| {
        let id = new_id();
        let (_, _, mut body) = contract(&id, agency, &enterprise);
        body["government_commissioned"] = 1.into();
        body["service_types"] = "[\"safety_management\"]".into();
        body["starts_on"] = starts.into();
        body["ends_on"] = ends.into();
        (id, body)
    };
    let link = serde_json::json!({"hazard_id": hazard, "phase": "before", "sha256": b_photo,
        "added_at": "2026-11-30T10:00:00+08:00", "photo": {"sha256": b_photo, "format": "png", "bytes": 10}});
    let evaluation = |id: String| {
        serde_json::json!({"id": id, "agency_id": a, "rater_kind": "inspector",
        "rater": "x", "quality": 1, "timeliness": 1, "fees": 1, "rated_on": "2026-11-30", "recorded_at": "2026-11-30T10:00:00+08:00"})
    };
    let (market, market_body) = {
        let id = new_id();
        let (_, _, body) = contract(&id, &a, &enterprise);
        (id, body)
    };
    let agency_act = |agency: &str, kind: &str, on: &str| {
        let id = new_id();
        let body = serde_json::json!({"id": id, "agency_id": agency, "kind": kind, "county": null,
            "note": "连续两次函告逾期未回复", "decided_by": "x", "decided_on": on,
            "recorded_at": "2026-11-30T10:00:00+08:00"});
        (id, body)
    };
    // A market contract first recorded on a given day, for an agency removed from the platform.
    let contract_on = |agency: &str, day: &str| {
        let id = new_id();
        let (_, _, mut body) = contract(&id, agency, &enterprise);
        body["fee_fen"] = 500_000.into();
        body["created_at"] = format!("{day}T09:00:00+08:00").into();
        (id, body)
    };

    // A technician of agency A.
    let tech = token("tech", 21)?;
    let (inspection, inspection_body) = visit("agency_inspection", vec![]);
    let (spot, spot_body) = visit("spot_check", vec![]);
    let (with_b, with_b_body) = visit("service", vec![&a_person, &b_person]);
    let (service, service_body) = visit("service", vec![&a_person]);
    let (commissioned, commissioned_body) = commission(&a, "2027-01-01", "2027-12-31");
    let (own_removal, own_removal_body) = agency_act(&a, "platform_removal", "2026-11-30");
    let e = new_id();
    attempt_all(
        &tech,
        "technician",
        vec![
            ("agency_act", "upsert", own_removal, own_removal_body, Err("平台移除")),
            ("agency", "upsert", a.clone(), renamed.clone(), Err("服务机构登记信息")),
            ("person", "upsert", a_person.clone(), certified, Err("证书")),
            ("contract", "upsert", commissioned, commissioned_body, Err("政府委托")),
            ("visit", "upsert", inspection, inspection_body, Err("机构检查")),
            ("visit", "upsert", spot, spot_body, Err("企业抽查")),
            ("evaluation", "upsert", e.clone(), evaluation(e), Err("评价")),
            ("enterprise", "delete", enterprise.clone(), serde_json::Value::Null, Err("不能删除")),
            ("enterprise", "upsert", enterprise.clone(), moved.clone(), Err("division")),
            ("visit", "upsert", with_b, with_b_body, Err("其他服务机构")),
            ("hazard_photo", "upsert", format!("{hazard}/before/{b_photo}"), link, Err("范围以外")),
            // What is theirs: a contact correction, their own market contract, a service visit.
            ("enterprise", "upsert", enterprise.clone(), contact.clone(), Ok(())),
            ("contract", "upsert", market.clone(), market_body, Ok(())),
            ("visit", "upsert", service, service_body, Ok(())),
        ],
    )?;
    ensure!(tech.get(&format!("/v1/photos/{b_photo}"))?.0 == 403, "B's photo stays B's");

    // An inspector of another district: nothing here is theirs.
    let far = token("far", 22)?;
    let e = new_id();
    attempt_all(
        &far,
        "inspector elsewhere",
        vec![
            ("enterprise", "upsert", enterprise.clone(), contact.clone(), Err("范围")),
            ("evaluation", "upsert", e.clone(), evaluation(e), Err("范围")),
        ],
    )?;

    // A supervisor of the province: registers yes, deletions no; R9 decided on the server.
    let boss = token("boss", 23)?;
    let (first, first_body) = commission(&b, "2027-01-01", "2027-06-30");
    let (overlapping, overlapping_body) = commission(
        &fx.demo_query(&format!("SELECT id FROM agencies WHERE id NOT IN ('{a}', '{b}') LIMIT 1"))?,
        "2027-06-01",
        "2027-12-31",
    );
    let (own_work, own_work_body) = commission(&a, "2026-06-01", "2026-08-31");
    // R12: B removed from the platform on 30 November takes no contract recorded from that day;
    // one recorded before it (a laptop that was offline) is still taken.
    let (removal, removal_body) = agency_act(&b, "platform_removal", "2026-11-30");
    let (after, after_body) = contract_on(&b, "2026-11-30");
    let (before, before_body) = contract_on(&b, "2026-11-29");
    attempt_all(
        &boss,
        "supervisor",
        vec![
            ("agency", "upsert", a.clone(), renamed, Ok(())),
            ("enterprise", "upsert", enterprise.clone(), moved, Ok(())),
            ("enterprise", "delete", enterprise.clone(), serde_json::Value::Null, Err("不能删除")),
            ("contract", "upsert", first, first_body, Ok(())),
            ("contract", "upsert", overlapping, overlapping_body, Err("重叠")),
            ("contract", "upsert", own_work, own_work_body, Err("交叉服务")),
            ("agency_act", "upsert", removal, removal_body, Ok(())),
            ("contract", "upsert", after, after_body, Err("移除系统平台")),
            ("contract", "upsert", before, before_body, Ok(())),
        ],
    )?;
    let server = fx.server_db()?;
    ensure!(
        count(&server, "SELECT count(*) FROM changes WHERE node = 'attacker' AND outcome <> 'applied'")? == 0,
        "a refused change leaves nothing on the server"
    );
    Ok(())
}

#[test]
fn a_flood_from_one_address_is_slowed_with_429_while_a_laptop_syncs_and_oversized_bodies_stop_early() -> Result<()> {
    let fx = Fixture::new(true)?;
    fx.inspector("zhang")?;
    let a = fx.laptop("a", "zhang", 1)?;
    sync(&a)?;
    let pin = fx.server.pin()?.context("TLS")?;
    // Another machine on the network, as far as the server can tell.
    let flood = reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(safeserve_sync::tls::pinned(&pin)?)
        .local_address("127.0.0.2".parse::<std::net::IpAddr>()?)
        .build()?;
    let mut limited = None;
    for _ in 0..2_000 {
        let resp = flood.get(format!("{}/v1/pull", fx.server.url)).send()?;
        match resp.status().as_u16() {
            401 => {}
            429 => {
                let wait = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
                limited = Some((wait, serde_json::from_slice::<serde_json::Value>(&resp.bytes()?)?));
                break;
            }
            other => anyhow::bail!("a flood request answered {other}"),
        }
    }
    let (wait, body) = limited.context("2,000 requests in a burst from one address are slowed down")?;
    ensure!(wait.is_some_and(|s| s >= 1) && body["code"] == "rate_limited", "{wait:?} {body}");
    ensure!(body["zh"].as_str().is_some_and(|z| z.contains("秒后再试")), "{body}");

    // The laptop, from its own address, is not slowed by someone else's flood.
    let e1 = rows(&a, "SELECT id, name FROM enterprises ORDER BY seq LIMIT 1")?.remove(0).0;
    Store::open(&a)?.update_enterprise_contact(e1.parse::<EnterpriseId>()?, &contact("0571-3333", "丙"))?;
    let report = sync(&a)?;
    ensure!(report.pushed == 1, "{report:?}");

    // A body too large for a route without a token is refused before it is read.
    let (status, body) = announce(&fx.server, None, "/v1/enrol", None, 64 * 1024 * 1024, 0)?;
    let body: serde_json::Value = serde_json::from_str(&body).with_context(|| format!("{status} {body:?}"))?;
    ensure!(status == 413 && body["code"] == "body_too_large", "{status} {body}");

    // A connection that never starts its TLS handshake is closed, not kept.
    let mut idle = std::net::TcpStream::connect(fx.server.url.trim_start_matches("https://"))?;
    idle.set_read_timeout(Some(Duration::from_secs(20)))?;
    let started = Instant::now();
    let n = std::io::Read::read(&mut idle, &mut [0u8; 16]).unwrap_or(0);
    ensure!(n == 0 && started.elapsed() < Duration::from_secs(15), "closed after {:?}", started.elapsed());
    Ok(())
}

/// A laptop enrolled before the server issued certificates asks for its own at its next sync:
/// it names the user and role, the bureau's root comes with it, and it is asked for only once.
#[test]
fn a_laptop_enrolled_before_certificates_gets_its_own_once() -> Result<()> {
    let fx = Fixture::new(true)?;
    fx.inspector("zhou")?;
    let db = fx.laptop("old", "zhou", 7)?;
    let conn = Connection::open(&db)?;
    conn.execute("UPDATE sync_account SET document_certificate = NULL, bureau_authority = NULL", [])?;
    conn.execute("UPDATE devices SET certificate = NULL", [])?;
    let key = SigningKey::from_bytes(&[7; 32]);
    let mut store = Store::open(&db)?;
    ensure!(safeserve_sync::certify(&mut store, &key)?, "asked for and given");
    let account = store.sync_account()?.context("enrolled")?;
    let cert = safeserve_pki::certificate_from_pem(account.document_certificate.as_deref().context("a certificate")?)?;
    let root = safeserve_pki::certificate_from_pem(account.bureau_authority.as_deref().context("the root")?)?;
    ensure!(safeserve_pki::issued_by(&cert, &root), "issued by the bureau's root");
    let subject = safeserve_pki::subject_text(&cert);
    ensure!(subject.contains("zhou") && subject.contains("inspector"), "{subject}");
    let device = safeserve_core::document::hex(key.verifying_key().as_bytes());
    ensure!(safeserve_pki::device_of(&cert).as_deref() == Some(device.as_str()), "it names the device's key");
    ensure!(!safeserve_sync::certify(&mut store, &key)?, "only once");
    // The laptop still syncs with the token the request rotated.
    sync(&db)?;
    Ok(())
}

/// Practice notices and a removal from the platform (R1, R12) travel as the bureau's records:
/// the agency's laptop pulls its notices with the registers, learns of its removal at the next
/// sync, and a contract it recorded offline after the removal is refused by the server, kept on
/// the laptop and named in the sync report; the laptop then refuses new ones itself.
#[test]
fn a_removal_recorded_at_the_bureau_reaches_the_agencys_laptop_and_bars_its_new_contracts() -> Result<()> {
    use safeserve_core::qualification::ConditionKind;
    use safeserve_core::standing::{AgencyActKind, NewAgencyAct};
    use safeserve_core::{AgencyId, ContractId};
    let fx = Fixture::new(true)?;
    let agency = fx.demo_query(
        "SELECT agency_id FROM contracts WHERE government_commissioned = 0 GROUP BY agency_id ORDER BY count(*) DESC LIMIT 1",
    )?;
    let agency_id: AgencyId = agency.parse()?;
    fx.user("tech", "technician", &agency)?;
    fx.user("boss", "supervisor", "33")?;
    let tech = fx.laptop("tech", "tech", 31)?;
    let boss = fx.laptop("boss", "boss", 32)?;
    sync(&tech)?;
    sync(&boss)?;
    let (today, now) = (safeserve_e2e::today(), safeserve_e2e::now().to_rfc3339());

    // The notices came with the registers: R1 finds every county served notified.
    let detail = Store::open(&tech)?.agency_detail(agency_id, today)?;
    ensure!(detail.acts.iter().any(|a| a.kind == AgencyActKind::PracticeNotice), "{:?}", detail.acts);
    ensure!(detail.unmet.iter().all(|u| u.kind != ConditionKind::PracticeNotice), "{:?}", detail.unmet);

    // The bureau removes the agency; the technician, offline, records a new contract.
    let removal = Store::open(&boss)?.record_agency_act(
        &NewAgencyAct {
            agency_id: agency.clone(),
            kind: AgencyActKind::PlatformRemoval,
            county: None,
            note: "专职技术人员不足且逾期未整改".into(),
            decided_by: "王建国".into(),
            decided_on: today.to_string(),
        },
        uuid::Uuid::now_v7(),
        today,
        &now,
    )?;
    sync(&boss)?;
    let mut form = detail.contracts.iter().find(|c| !c.government_commissioned).context("a market contract")?.clone();
    form.starts_on = today.to_string();
    let new_contract = safeserve_store::views::NewContract {
        agency_id,
        enterprise_id: form.enterprise_id,
        service_types: form.service_types.clone(),
        content: form.content.clone(),
        visits_per_year: form.visits_per_year,
        starts_on: today.to_string(),
        ends_on: (today + chrono::Days::new(364)).to_string(),
        fee_fen: 800_000,
        acceptance_standard: form.acceptance_standard.clone(),
        terms: form.terms.clone(),
        filed_with: None,
        filed_on: None,
        government_commissioned: false,
    };
    let offline = ContractId(uuid::Uuid::now_v7());
    Store::open(&tech)?.add_contract(&new_contract, offline, &now, today)?;

    let report = sync(&tech)?;
    ensure!(report.refused == 1, "{report:?}");
    ensure!(report.refusals.iter().any(|r| r.contains("移除系统平台")), "{:?}", report.refusals);
    let mut store = Store::open(&tech)?;
    ensure!(
        store.agency_detail(agency_id, today)?.contracts.iter().any(|c| c.id == offline),
        "the refused contract is kept on the laptop"
    );
    let summary = store.agency_summary(agency_id, today)?;
    ensure!(summary.removal.as_ref().map(|r| &r.id) == Some(&removal.id), "{summary:?}");
    let again = store.add_contract(&new_contract, ContractId(uuid::Uuid::now_v7()), &now, today);
    ensure!(
        matches!(&again, Err(safeserve_store::StoreError::Refused { problems }) if problems.iter().any(|p| p.zh.contains("移除系统平台"))),
        "{again:?}"
    );
    Ok(())
}

/// Checklist templates come from the centre: an edition a supervisor imports travels to the
/// server and down to every laptop, so a visit made with it opens wherever it arrives. The
/// server refuses an edition from a technician and a changed body under a released number.
#[test]
fn a_visit_made_with_an_imported_template_opens_on_another_laptop() -> Result<()> {
    let fx = Fixture::new(true)?;
    let district = fx.demo_query("SELECT substr(division, 1, 6) FROM agencies ORDER BY seq LIMIT 1")?;
    let agency =
        fx.demo_query(&format!("SELECT id FROM agencies WHERE division LIKE '{district}%' ORDER BY seq LIMIT 1"))?;
    fx.user("boss", "supervisor", &district)?;
    fx.user("zhang", "inspector", &district)?;
    let boss = fx.laptop("boss", "boss", 41)?;
    let zhang = fx.laptop("zhang", "zhang", 42)?;
    sync(&boss)?;
    let (today, now) = (safeserve_e2e::today(), safeserve_e2e::now().to_rfc3339());

    // The bureau's own edition of the agency-inspection checklist.
    let shipped: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/templates/agency-inspection.v1.json"))?;
    let mut edition = shipped.clone();
    edition["version"] = 7.into();
    edition["title"] = "服务机构检查表（本局 2026 版）".into();
    let mut store = Store::open(&boss)?;
    store.import_template(&edition.to_string(), &now)?;
    let visit = safeserve_e2e::start_agency_inspection(&mut store, &agency, Some(7))?;
    drop(store);
    let report = sync(&boss)?;
    ensure!(report.refused == 0, "{report:?}");

    let report = sync(&zhang)?;
    ensure!(report.rejected.is_empty(), "{report:?}");
    let opened = Store::open(&zhang)?.visit(visit.summary.id, today)?;
    ensure!(opened.template.version == 7 && opened.template.title.contains("本局"), "{:?}", opened.template.title);

    // Only the bureau publishes; an edition, once released, never changes.
    let mut store = Store::open(&zhang)?;
    let client = safeserve_sync::connect(&mut store)?;
    let raw = Raw::new(&fx.server, client.access_token().context("token")?)?;
    let template = |version: u32, title: &str| {
        let mut t = shipped.clone();
        t["version"] = version.into();
        t["title"] = title.into();
        serde_json::json!({"key": "agency-inspection", "version": version, "title": title, "target": "agency",
            "body": t.to_string(), "imported_at": now})
    };
    let (outcome, reason) = raw.push_one("template", "agency-inspection/8", template(8, "检查员自拟"))?;
    ensure!(outcome == "refused" && reason.contains("检查表"), "{outcome} {reason}");
    drop(store);
    fx.user("chief", "supervisor", &district)?;
    let chief = fx.laptop("chief", "chief", 43)?;
    let mut store = Store::open(&chief)?;
    let client = safeserve_sync::connect(&mut store)?;
    let raw = Raw::new(&fx.server, client.access_token().context("token")?)?;
    let (outcome, reason) = raw.push_one("template", "agency-inspection/7", template(7, "改过的第 7 版"))?;
    ensure!(outcome != "applied", "a released edition was replaced: {outcome} {reason}");
    let (outcome, reason) = raw.push_one("template", "agency-inspection/9", {
        let mut t = template(9, "坏的");
        t["body"] = "{\"key\": \"agency-inspection\"}".into();
        t
    })?;
    ensure!(outcome == "refused", "an edition that does not parse: {outcome} {reason}");
    Ok(())
}
