//! Coverage (R14) of the whole city on the large demo database (100,000 enterprises): the
//! issue's figure is ≤ 500 ms. "Cold" opens a new connection before each run (SQLite's page
//! cache empty, the operating system's file cache as the previous run left it); "warm" reuses
//! one connection. Run with `./dev bench` (or `cargo bench -p safeserve-store --bench coverage`).
//! `SAFESERVE_BENCH_DB=PATH` reuses a large demo database (one is generated there if missing).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use chrono::NaiveDate;
use safeserve_store::Store;
use std::time::{Duration, Instant};

mod common;

const RUNS: usize = 20;
const TARGET_MS: f64 = 500.0;

fn summary(mut t: Vec<Duration>) -> String {
    t.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let max = ms(t[t.len() - 1]);
    format!(
        "median {:>7.1} ms  max {:>7.1} ms  (target ≤ {TARGET_MS:.0} ms: {})",
        ms(t[t.len() / 2]),
        max,
        if max <= TARGET_MS { "met" } else { "NOT MET" }
    )
}

fn main() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (db, _) = common::large_demo(tmp.path(), as_of);

    let mut cold = Vec::new();
    let mut report = None;
    for _ in 0..RUNS {
        let store = Store::open(&db).expect("open");
        let t = Instant::now();
        report = Some(store.coverage(as_of, None).expect("coverage"));
        cold.push(t.elapsed());
    }
    let report = report.expect("at least one run");

    let store = Store::open(&db).expect("open");
    store.coverage(as_of, None).expect("coverage");
    let mut warm = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        store.coverage(as_of, None).expect("coverage");
        warm.push(t.elapsed());
    }

    let district = report.districts.iter().max_by_key(|d| d.production_small_micro.total).map(|d| d.code.clone());
    let mut one = Vec::new();
    if let Some(code) = &district {
        for _ in 0..RUNS {
            let t = Instant::now();
            store.coverage(as_of, Some(code)).expect("coverage");
            one.push(t.elapsed());
        }
    }

    let t = &report.total;
    println!(
        "\ncoverage (R14) of the whole city on {as_of}, {RUNS} runs each: {} districts, {} townships; \
         parks {}/{}, production-type small/micro {}/{}, high-risk {}/{}",
        report.districts.len(),
        report.townships.len(),
        t.parks.served,
        t.parks.total,
        t.production_small_micro.served,
        t.production_small_micro.total,
        t.high_risk.served,
        t.high_risk.total
    );
    println!("cold (new connection)  {}", summary(cold));
    println!("warm                   {}", summary(warm));
    if let Some(code) = district {
        println!("one district ({code})  {}", summary(one));
    }
}
