//! Sync figures on loopback, in one run, against a real `safeserve-server` process (the
//! release build): first pull of the large demo's registers into an empty laptop database,
//! raw pull throughput, push of 10,000 changes, bytes on the wire against the raw JSON, and
//! 200 MB of photos uploaded through five forced disconnections (`kill -9` of the server).
//! `SAFESERVE_BENCH_DB=PATH` uses (or creates) that large demo file.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use ed25519_dalek::SigningKey;
use rusqlite::Connection;
use safeserve_core::HazardId;
use safeserve_demo::{self as demo, DemoSize};
use safeserve_e2e::server::{announce, noisy_png, Server};
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

struct Figures {
    first_pull_s: f64,
    applied_per_s: f64,
    pull_per_s: f64,
    push_s: f64,
    pull_ratio: f64,
}

/// First pull into an empty laptop of a supervisor of the whole province, the raw pull, and a
/// push of 10,000 changes, through `server`.
fn figures(server: &Server, dir: &Path, name: &str, seed: u8) -> Figures {
    let a = laptop(server, dir, name, "zhao", seed);
    let mut store = Store::open(&a).expect("open");
    let started = Instant::now();
    let report = safeserve_sync::sync(&mut store, &mut |_| {}).expect("first sync");
    let first = started.elapsed().as_secs_f64();
    let counts = store.counts().expect("counts");
    println!(
        "[{name}] first pull of the large demo registers: {first:.1} s: {} records applied \
         ({} enterprises, {} agencies, {} people, {} contracts), {:.1} MB received",
        report.applied,
        counts.enterprises,
        counts.agencies,
        counts.people,
        counts.contracts,
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
    println!("[{name}] pull: {records} records in {secs:.2} s (bare axum+reqwest+SQLite loop here: 200,000/s, with zstd 112,000/s)");

    // Push: 10,000 changes written by the outbox triggers in one transaction.
    Connection::open(&a)
        .expect("open")
        .execute_batch(
            "UPDATE enterprises SET phone = '0571-' || (seq % 10000000) WHERE seq IN \
             (SELECT seq FROM enterprises ORDER BY seq LIMIT 10000)",
        )
        .expect("10,000 edits");
    let mut client = safeserve_sync::connect(&mut store).expect("session");
    let mut pushed = SyncReport::default();
    let started = Instant::now();
    safeserve_sync::push(&mut client, &mut store, &mut pushed, &mut |_| {}).expect("push");
    let push_s = started.elapsed().as_secs_f64();
    assert_eq!(pushed.pushed, 10_000, "{pushed:?}");
    println!(
        "[{name}] push of {} changes: {push_s:.2} s; {:.2} MB on the wire (bare loop here: 51,000/s, with zstd 44,000/s)",
        pushed.pushed,
        client.wire.sent as f64 / 1e6
    );
    Figures {
        first_pull_s: first,
        applied_per_s: report.applied as f64 / first,
        pull_per_s: records as f64 / secs,
        push_s,
        pull_ratio: wire as f64 / raw_json as f64,
    }
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let demo = large_demo(tmp.path());
    let data = tmp.path().join("server");

    let started = Instant::now();
    let imported = Server::import(&data, &demo, true).expect("export and import");
    println!(
        "export and server import of the registers: {:.1} s ({})",
        started.elapsed().as_secs_f64(),
        imported.trim()
    );
    admin(&data, &["user", "add", "zhao", "--role", "supervisor", "--division", "33"]);
    // The same figures through TLS (what laptops use) and through plain HTTP on loopback, one
    // after the other on the same server data.
    let tls = Server::start(&data).expect("server");
    let through_tls = figures(&tls, tmp.path(), "tls", 1);
    drop(tls);
    let plain = Server::start_plain(&data).expect("server");
    let through_plain = figures(&plain, tmp.path(), "plain", 3);
    drop(plain);
    println!("\n{:<48} {:>12} {:>12}  target", "", "TLS", "plain HTTP");
    let row = |what: &str, t: String, p: String, target: &str| println!("{what:<48} {t:>12} {p:>12}  {target}");
    row(
        "first pull of the large demo registers (s)",
        format!("{:.1}", through_tls.first_pull_s),
        format!("{:.1}", through_plain.first_pull_s),
        "≤ 30 s",
    );
    row(
        "  records applied per second",
        format!("{:.0}", through_tls.applied_per_s),
        format!("{:.0}", through_plain.applied_per_s),
        "",
    );
    row(
        "pull, protocol alone (records/s)",
        format!("{:.0}", through_tls.pull_per_s),
        format!("{:.0}", through_plain.pull_per_s),
        "≥ 100,000",
    );
    row(
        "push of 10,000 changes (s)",
        format!("{:.2}", through_tls.push_s),
        format!("{:.2}", through_plain.push_s),
        "≤ 2 s",
    );
    row(
        "pull bytes on the wire / raw JSON",
        format!("{:.3}×", through_tls.pull_ratio),
        format!("{:.3}×", through_plain.pull_ratio),
        "≤ 0.25×",
    );
    println!();

    flood(&data, tmp.path());

    // Photos: 200 MB as after-photos of a technician's open hazards, on a server holding the
    // whole small demo (visits and hazards included).
    let small = tmp.path().join("small.db");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    demo::generate(&small, DemoSize::Small, demo::DEFAULT_SEED, as_of).expect("small demo");
    let data = tmp.path().join("server-photos");
    Server::import(&data, &small, false).expect("export and import");
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

/// The server's resident memory now (kB), from /proc.
fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// Pushes of 500 changes each, timed one by one (ms).
fn timed_pushes(db: &Path, round: u32, n: usize) -> Vec<f64> {
    let mut store = Store::open(db).expect("open");
    let mut client = safeserve_sync::connect(&mut store).expect("session");
    let mut times = Vec::new();
    for i in 0..n {
        Connection::open(db)
            .expect("open")
            .execute(
                "UPDATE enterprises SET phone = '0572-' || ?1 || '-' || seq WHERE seq IN \
                 (SELECT seq FROM enterprises ORDER BY seq LIMIT 500 OFFSET ?2)",
                rusqlite::params![round * 1000 + i as u32, (i * 500) as i64],
            )
            .expect("500 edits");
        let batch = store.pending_changes(500).expect("pending");
        let started = Instant::now();
        let answer = client.push(batch).expect("push");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        store.store_receipts(&answer.receipts).expect("receipts");
    }
    times
}

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 * 0.95).ceil() as usize).saturating_sub(1).min(v.len() - 1)]
}

/// 10,000 unauthenticated requests announcing 64 MB bodies, from another address, while a
/// laptop pushes: the server's peak memory and the laptop's push p95 against its quiet figure.
fn flood(data: &Path, dir: &Path) {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let server = Server::start(data).expect("server");
    let db = dir.join("tls.db");
    Store::open(&db).expect("open").set_sync_server(&server.url).expect("address");
    let quiet = timed_pushes(&db, 1, 20);
    let rss_quiet = rss_kb(server.pid(), "VmRSS:");

    let statuses: [AtomicU64; 6] = Default::default();
    let next = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let peak = AtomicU64::new(0);
    let pid = server.pid();
    let started = Instant::now();
    let (flooded, flood_s) = std::thread::scope(|scope| {
        for _ in 0..32 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= 10_000 {
                    return;
                }
                let path = ["/v1/enrol", "/v1/push", "/v1/token", "/v1/photos/missing"][i as usize % 4];
                let elsewhere = Some(std::net::IpAddr::from([127, 0, 0, 2]));
                let answer = announce(&server, elsewhere, path, None, 64 * 1024 * 1024, 64 * 1024).map(|a| a.0);
                let slot = match answer.unwrap_or(0) {
                    401 => 0,
                    413 => 1,
                    429 => 2,
                    400 => 3,
                    0 => 4,
                    _ => 5,
                };
                statuses[slot].fetch_add(1, Ordering::SeqCst);
            });
        }
        scope.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                peak.fetch_max(rss_kb(pid, "VmRSS:"), Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        });
        let flooded = timed_pushes(&db, 2, 20);
        while next.load(Ordering::SeqCst) < 10_000 + 32 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let flood_s = started.elapsed().as_secs_f64();
        done.store(true, Ordering::SeqCst);
        (flooded, flood_s)
    });
    let s: Vec<u64> = statuses.iter().map(|a| a.load(Ordering::SeqCst)).collect();
    println!(
        "flood: 10,000 unauthenticated requests announcing 64 MB bodies over TLS from 127.0.0.2 in {flood_s:.1} s: \
         {} × 401, {} × 413, {} × 429, {} × 400, {} cut off, {} other",
        s[0], s[1], s[2], s[3], s[4], s[5]
    );
    println!(
        "server memory: {:.0} MB quiet, peak {:.0} MB during the flood (target ≤ 200 MB; VmHWM {:.0} MB)",
        rss_quiet as f64 / 1024.0,
        peak.load(Ordering::SeqCst) as f64 / 1024.0,
        rss_kb(pid, "VmHWM:") as f64 / 1024.0
    );
    let (q, f) = (p95(quiet), p95(flooded));
    println!(
        "laptop push of 500 changes, p95: {q:.0} ms quiet, {f:.0} ms during the flood = {:.2}× (target ≤ 2×)",
        f / q
    );
}
