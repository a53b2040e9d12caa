//! What the store's benches share: the large demo database they measure on.

use chrono::NaiveDate;
use safeserve_demo::{self as demo, DemoSize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The large demo of `as_of`: the one `SAFESERVE_BENCH_DB=PATH` names when it exists, else
/// generated there (or in `dir`), with its generation time and counts printed. `true` when it
/// was generated for this run (a bench that writes may then use it as it is).
pub fn large_demo(dir: &Path, as_of: NaiveDate) -> (PathBuf, bool) {
    match std::env::var_os("SAFESERVE_BENCH_DB").map(PathBuf::from) {
        Some(p) if p.exists() => (p, false),
        other => {
            let p = other.unwrap_or_else(|| dir.join("large.db"));
            let started = Instant::now();
            let c = demo::generate(&p, DemoSize::Large, demo::DEFAULT_SEED, as_of).expect("generate");
            println!(
                "large demo generated in {:.1} s (target ≤ 60 s): {} enterprises, {} agencies, {} people, {} contracts, \
                 {} visits, {} hazards, {:.0} MB",
                started.elapsed().as_secs_f64(),
                c.enterprises,
                c.agencies,
                c.people,
                c.contracts,
                c.visits,
                c.hazards,
                std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
            );
            (p, true)
        }
    }
}
