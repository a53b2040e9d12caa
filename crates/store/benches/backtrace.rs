//! Accident back-trace (R12) figures on the large demo database: `Store::backtrace` for the
//! enterprises with the most visits, contracts and signed documents (the worst cases) and for
//! typical ones, each over ~50 traces, with the target (≤ 300 ms) beside; then the PDF of the
//! heaviest trace. Run with `./dev bench` (or `cargo bench -p safeserve-store --bench backtrace`).
//! `SAFESERVE_BENCH_DB=PATH` reuses a large demo database instead of generating one.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use chrono::NaiveDate;
use rusqlite::Connection;
use safeserve_core::EnterpriseId;
use safeserve_store::Store;
use std::time::{Duration, Instant};

mod common;

const TARGET_MS: f64 = 300.0;
const RUNS: usize = 50;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Prints median and max; with a target, whether the max is within it.
fn line(label: &str, mut t: Vec<Duration>, target: Option<f64>) -> bool {
    t.sort();
    let (median, max) = (ms(t[t.len() / 2]), ms(t[t.len() - 1]));
    let ok = target.is_none_or(|target| max <= target);
    let verdict = match target {
        Some(target) => format!("(target ≤ {target:.0} ms) {}", if ok { "ok" } else { "OVER" }),
        None => String::new(),
    };
    println!("{label:<44} n {:>3}  median {median:>7.2} ms  max {max:>7.2} ms  {verdict}", t.len());
    ok
}

fn ids(raw: &Connection, sql: &str) -> Vec<EnterpriseId> {
    let mut stmt = raw.prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(|r| r.unwrap().parse().unwrap()).collect()
}

fn main() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (db, _) = common::large_demo(tmp.path(), as_of);
    // The demo's reference date: the newest visit. Accidents are traced back from it.
    let raw = Connection::open(&db).unwrap();
    let accident: NaiveDate = raw
        .query_row("SELECT substr(max(started_at), 1, 10) FROM visits", [], |r| r.get::<_, String>(0))
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(as_of);
    // Chosen with scans (not timed): the heaviest enterprises of each kind, and a spread of others.
    let most = |table: &str| {
        ids(
            &raw,
            &format!(
                "SELECT enterprise_id FROM {table} WHERE enterprise_id IS NOT NULL \
                 GROUP BY enterprise_id ORDER BY count(*) DESC LIMIT 5"
            ),
        )
    };
    let groups = [
        ("worst case: most visits", most("visits")),
        ("worst case: most contracts", most("contracts")),
        ("worst case: most signed documents", most("documents")),
        (
            "typical: enterprises across the register",
            ids(&raw, "SELECT id FROM enterprises WHERE seq % 1999 = 0 LIMIT 50"),
        ),
    ];
    let store = Store::open(&db).expect("open");
    println!("accident date {accident}, 12 months back; {RUNS} traces per line");

    let mut all_ok = true;
    // The trace with the most rows (visits + hazards + documents) is the one printed.
    let rows = |b: &safeserve_core::backtrace::Backtrace| {
        b.agencies.iter().map(|a| a.visits.len() + a.hazards.len() + a.documents.len()).sum::<usize>()
            + b.inspections.visits.len()
            + b.inspections.hazards.len()
    };
    let mut heaviest = (0, None);
    for (i, (label, enterprises)) in groups.iter().enumerate() {
        let mut times = Vec::with_capacity(RUNS);
        for k in 0..RUNS {
            let e = enterprises[k % enterprises.len()];
            let started = Instant::now();
            let b = store.backtrace(e, accident, 12).expect("trace");
            let took = started.elapsed();
            if k == 0 && i == 0 {
                println!("{:<44} {:>7.2} ms (first trace, cold page cache)", label, ms(took));
            }
            if rows(&b) > heaviest.0 {
                heaviest = (rows(&b), Some(b));
            }
            times.push(took);
        }
        all_ok &= line(label, times, Some(TARGET_MS));
    }

    let b = heaviest.1.expect("at least one trace");
    let hazards: usize = b.agencies.iter().map(|a| a.hazards.len()).sum::<usize>() + b.inspections.hazards.len();
    let visits: usize = b.agencies.iter().map(|a| a.visits.len()).sum::<usize>() + b.inspections.visits.len();
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..10 {
        let started = Instant::now();
        let pdf = safeserve_report::render_backtrace(&b, "2026-11-24T09:00:00+08:00").expect("render");
        times.push(started.elapsed());
        size = pdf.len();
    }
    let documents: usize = b.agencies.iter().map(|a| a.documents.len()).sum();
    println!(
        "PDF of the largest trace: {} agencies, {visits} visits, {hazards} hazards, {documents} documents, {:.0} KB",
        b.agencies.len(),
        size as f64 / 1024.0
    );
    line("PDF render (render_backtrace)", times, None);
    if !all_ok {
        println!("at least one back-trace line is over the {TARGET_MS:.0} ms target");
    }
}
