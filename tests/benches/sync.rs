//! Sync figures on loopback, in one run, against a real `safeserve-server` process (the
//! release build): first pull of the large demo's registers into an empty laptop database,
//! raw pull throughput, push of 10,000 changes, bytes on the wire against the raw JSON, and
//! 200 MB of photos uploaded through five forced disconnections (`kill -9` of the server).
//! `SAFESERVE_BENCH_DB=PATH` uses (or creates) that large demo file.

use ed25519_dalek::SigningKey;
use rusqlite::Connection;
use safeserve_core::HazardId;
use safeserve_e2e::server::{noisy_png, Server};
use safeserve_store::demo::{self, DemoSize};
use safeserve_store::views::PhotoTarget;
use safeserve_store::Store;
use safeserve_sync::SyncReport;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn admin(data: &Path, args: &[&str]) -> String {
    Server::admin(data, args).expect("admin command")
}

fn large_demo(tmp: &Path) -> PathBuf {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    match std::env::var_os("SAFESERVE_BENCH_DB").map(PathBuf::from) {
        Some(p) if p.exists() => p,
        other => {
            let p = other.unwrap_or_else(|| tmp.join("large.db"));
            let started = Instant::now();
            demo::generate(&p, DemoSize::Large, demo::DEFAULT_SEED, as_of).expect("generate the large demo");
            println!("large demo generated in {:.1} s", started.elapsed().as_secs_f64());
            p
        }
    }
}

fn laptop(server: &Server, dir: &Path, name: &str, user: &str, seed: u8) -> PathBuf {
    let db = dir.join(format!("{name}.db"));
    let code = server.enrolment_code(user).expect("enrolment code");
    let mut store = Store::open(&db).expect("laptop database");
    server.enroll(&mut store, &code, &SigningKey::from_bytes(&[seed; 32]), name).expect("enrol");
    db
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let demo = large_demo(tmp.path());
    let data = tmp.path().join("server");

    let started = Instant::now();
    let imported = admin(&data, &["import", "--from", demo.to_str().expect("utf-8"), "--registers-only"]);
    println!("server import of the registers: {:.1} s ({})", started.elapsed().as_secs_f64(), imported.trim());
    admin(&data, &["user", "add", "zhao", "--role", "supervisor", "--division", "33"]);
    let server = Server::start(&data).expect("server");

    // First pull: an empty laptop of a supervisor of the whole province.
    let a = laptop(&server, tmp.path(), "a", "zhao", 1);
    let mut store = Store::open(&a).expect("open");
    let started = Instant::now();
    let report = safeserve_sync::sync(&mut store, &mut |_| {}).expect("first sync");
    let first = started.elapsed().as_secs_f64();
    let counts = store.counts().expect("counts");
    println!(
        "first pull of the large demo registers: {first:.1} s (target ≤ 30 s): {} records applied \
         ({} enterprises, {} agencies, {} people, {} contracts), {:.0} records/s, {:.1} MB received",
        report.applied,
        counts.enterprises,
        counts.agencies,
        counts.people,
        counts.contracts,
        report.applied as f64 / first,
        report.wire.received as f64 / 1e6
    );

    // Raw pull: the protocol alone (HTTP, zstd, JSON), nothing applied; bytes against raw JSON.
    let mut client = safeserve_sync::connect(&mut store).expect("session");
    let (mut after, mut records, mut raw_json) = (0i64, 0u64, 0u64);
    let before = client.wire.received;
    let started = Instant::now();
    loop {
        let page = client.pull(after, safeserve_sync::PULL_PAGE).expect("pull");
        records += page.changes.len() as u64;
        raw_json += serde_json::to_vec(&page).expect("json").len() as u64;
        after = page.next;
        if !page.more {
            break;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let wire = client.wire.received - before;
    println!(
        "pull: {records} records in {secs:.2} s = {:.0} records/s (target ≥ 100,000; bare axum+reqwest+SQLite \
         loop here: 200,000, with zstd 112,000)",
        records as f64 / secs
    );
    println!(
        "pull bytes on the wire: {:.1} MB against {:.1} MB of raw JSON = {:.3}× (target ≤ 0.25×; zstd measured 0.20×)",
        wire as f64 / 1e6,
        raw_json as f64 / 1e6,
        wire as f64 / raw_json as f64
    );

    // Push: 10,000 changes written by the outbox triggers in one transaction.
    Connection::open(&a)
        .expect("open")
        .execute_batch(
            "UPDATE enterprises SET phone = '0571-' || (seq % 10000000) WHERE seq IN \
             (SELECT seq FROM enterprises ORDER BY seq LIMIT 10000)",
        )
        .expect("10,000 edits");
    let pending = store.pending_changes(20_000).expect("pending");
    let raw_push =
        serde_json::to_vec(&safeserve_sync::wire::PushRequest { changes: pending.clone() }).expect("json").len();
    let mut client = safeserve_sync::connect(&mut store).expect("session");
    let mut report = SyncReport::default();
    let started = Instant::now();
    safeserve_sync::push(&mut client, &mut store, &mut report, &mut |_| {}).expect("push");
    let secs = started.elapsed().as_secs_f64();
    println!(
        "push of {} changes: {secs:.2} s = {:.0} changes/s (target ≤ 2 s; bare loop here: 51,000/s, with zstd 44,000/s)",
        report.pushed,
        report.pushed as f64 / secs
    );
    println!(
        "push bytes on the wire: {:.2} MB against {:.2} MB of raw JSON = {:.3}×",
        client.wire.sent as f64 / 1e6,
        raw_push as f64 / 1e6,
        client.wire.sent as f64 / raw_push as f64
    );

    // Photos: 200 MB as after-photos of a technician's open hazards, on a server holding the
    // whole small demo (visits and hazards included).
    drop(server);
    let small = tmp.path().join("small.db");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    demo::generate(&small, DemoSize::Small, demo::DEFAULT_SEED, as_of).expect("small demo");
    let data = tmp.path().join("server-photos");
    admin(&data, &["import", "--from", small.to_str().expect("utf-8")]);
    let demo = small;
    let agency: String = Connection::open(&demo)
        .expect("demo")
        .query_row(
            "SELECT c.agency_id FROM hazards h JOIN visits v ON v.id = h.visit_id \
             JOIN visit_people vp ON vp.visit_id = v.id JOIN employments e ON e.person_id = vp.person_id \
             JOIN contracts c ON c.agency_id = e.agency_id AND c.enterprise_id = v.enterprise_id \
             WHERE NOT EXISTS (SELECT 1 FROM hazard_events ev WHERE ev.hazard_seq = h.seq AND ev.kind = 'closed') \
             GROUP BY c.agency_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("an agency with open hazards");
    admin(&data, &["user", "add", "wang", "--role", "technician", "--agency", &agency]);
    let mut server = Some(Server::start(&data).expect("server"));
    let t = laptop(server.as_ref().expect("server"), tmp.path(), "t", "wang", 2);
    let mut tech = Store::open(&t).expect("open");
    safeserve_sync::sync(&mut tech, &mut |_| {}).expect("technician's first sync");
    let hazards: Vec<String> = {
        let conn = Connection::open(&t).expect("open");
        let mut stmt = conn
            .prepare(
                "SELECT id FROM hazards h WHERE NOT EXISTS (SELECT 1 FROM hazard_events ev \
                 WHERE ev.hazard_seq = h.seq AND ev.kind = 'closed') LIMIT 20",
            )
            .expect("query");
        let rows = stmt.query_map([], |r| r.get(0)).expect("rows");
        rows.collect::<Result<_, _>>().expect("hazards")
    };
    let mut total = 0u64;
    for (i, h) in hazards.iter().cycle().take(20).enumerate() {
        let bytes = noisy_png(10 * 1024 * 1024, i as u64);
        total += bytes.len() as u64;
        let target = PhotoTarget::Hazard { hazard_id: h.parse::<HazardId>().expect("id"), after: true };
        tech.ingest_photo(&bytes, Some(&target), "2026-11-24T10:00:00+08:00", "2026-11-24 10:00".into())
            .expect("ingest");
    }
    let mut client = safeserve_sync::connect(&mut tech).expect("session");
    safeserve_sync::push(&mut client, &mut tech, &mut SyncReport::default(), &mut |_| {}).expect("push links");

    let mut sent = 0u64;
    let mut cuts = 0;
    let started = Instant::now();
    loop {
        let cut_at = total * (cuts + 1) / 6;
        let mut report = SyncReport::default();
        let before = client.wire.sent;
        let already = sent;
        let result = safeserve_sync::upload_photos(&mut client, &mut tech, &mut report, &mut |p| {
            // Cut the connection five times, evenly through the whole upload.
            if cuts < 5 && already + p.done >= cut_at {
                if let Some(s) = server.take() {
                    s.kill9().expect("kill -9");
                }
            }
        });
        sent += client.wire.sent - before;
        match result {
            Ok(()) => break,
            Err(_) => {
                cuts += 1;
                let restarted = Server::start(&data).expect("restart");
                tech.set_sync_server(&restarted.url).expect("new address");
                server = Some(restarted);
                client = safeserve_sync::connect(&mut tech).expect("session");
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "photos: {:.0} MB uploaded through {cuts} forced disconnections: {:.0} MB sent = {:.3}× one clean upload \
         (target ≤ 1.1×), {:.1} s",
        total as f64 / 1e6,
        sent as f64 / 1e6,
        sent as f64 / total as f64,
        secs
    );
    assert_eq!(tech.sync_status().expect("status").photos_pending, 0);
}
