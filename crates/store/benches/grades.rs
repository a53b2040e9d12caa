//! Grading every agency of the large demo database (1,400 agencies, 21k people, 83k contracts,
//! 100k enterprises): the set-based gathering of inputs plus scoring, ranking and the one
//! transaction that records changes. Target ≤ 2 s. Run with `./dev bench` (or
//! `cargo bench -p safeserve-store --bench grades`). `SAFESERVE_BENCH_DB=PATH` reuses a large
//! demo database instead of generating one.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use safeserve_core::grading::GradeRules;
use safeserve_store::Store;
use std::time::{Duration, Instant};

mod common;

const RUNS: usize = 10;
const TARGET: Duration = Duration::from_secs(2);

fn main() {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = match common::large_demo(tmp.path(), as_of) {
        (generated, true) => generated,
        // Work on a copy, so the grade changes recorded here never touch a database passed in.
        (given, false) => {
            let copy = tmp.path().join("grades.db");
            std::fs::copy(&given, &copy).expect("copy the database");
            copy
        }
    };
    let mut store = Store::open(&db).expect("open");
    let rules = GradeRules::shipped();
    // Alternate the rule set so half the runs record a change for most agencies (the writing
    // path) and half record nothing (the steady state).
    let mut strict = rules.clone();
    strict.version = format!("{}-strict", rules.version);
    strict.thresholds.a = 101.0;

    let mut times = Vec::with_capacity(RUNS);
    let mut agencies = 0;
    for i in 0..RUNS {
        let r = if i % 2 == 0 { &strict } else { &rules };
        let started = Instant::now();
        let graded = store.grade_agencies(r, as_of, "2026-11-23T18:00:00+08:00").expect("grade");
        times.push(started.elapsed());
        agencies = graded.len();
    }
    let ranking_started = Instant::now();
    store.ranking(&rules, as_of).expect("ranking");
    let ranking = ranking_started.elapsed();

    times.sort();
    let median = times[times.len() / 2];
    let max = *times.last().expect("runs");
    let ok = |d: Duration| if d <= TARGET { "ok" } else { "OVER" };
    println!("grading all {agencies} agencies, {RUNS} runs (target ≤ {:.1} s):", TARGET.as_secs_f64());
    println!("  median {:>7.1} ms  {}", median.as_secs_f64() * 1000.0, ok(median));
    println!("  max    {:>7.1} ms  {}", max.as_secs_f64() * 1000.0, ok(max));
    println!("  ranking only (no writes) {:>7.1} ms", ranking.as_secs_f64() * 1000.0);
}
