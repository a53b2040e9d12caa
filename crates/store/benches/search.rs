//! Search and file-opening figures on the large demo database, with a plain `LIKE` scan of the
//! same queries beside them as the anchor. Prints a table; `docs/benchmarks.md` keeps the
//! figures. Run with `./dev bench` (or `cargo bench -p safeserve-store --bench search`).
//! `SAFESERVE_BENCH_DB=PATH` reuses a large demo database instead of generating one.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use safeserve_store::views::EnterpriseQuery;
use safeserve_store::Store;
use std::time::{Duration, Instant};

mod common;

const QUERIES_PER_LENGTH: usize = 150;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn summary(mut t: Vec<Duration>) -> String {
    t.sort();
    format!(
        "p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms",
        percentile(&t, 0.5),
        percentile(&t, 0.95),
        percentile(&t, 1.0)
    )
}

fn main() {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (db, _) = common::large_demo(tmp.path(), as_of);
    let store = Store::open(&db).expect("open");
    let raw = Connection::open(&db).unwrap();

    // Queries drawn from the data itself, so each length has real hits.
    let texts: Vec<(String, String)> = raw
        .prepare("SELECT name, address FROM enterprises WHERE seq % 97 = 0")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut draw = |len: usize| -> String {
        loop {
            let (name, address) = &texts[rng.random_range(0..texts.len())];
            let source: Vec<char> =
                if rng.random_bool(0.7) { name.chars().collect() } else { address.chars().collect() };
            if source.len() < len {
                continue;
            }
            let at = rng.random_range(0..=source.len() - len);
            let q: String = source[at..at + len].iter().collect();
            if q.chars().all(char::is_alphanumeric) {
                return q;
            }
        }
    };

    println!(
        "\nenterprise search, LIMIT 50, newest first ({QUERIES_PER_LENGTH} queries per length, after one warm-up pass)"
    );
    println!("{:<12} {:<50} anchor: LIKE scan on name/address", "query", "SafeServe (trigram + gram FTS5)");
    for (label, len) in [("1 char", 1), ("2 chars", 2), ("3 chars", 3), ("4 chars", 4)] {
        let queries: Vec<String> = (0..QUERIES_PER_LENGTH).map(|_| draw(len)).collect();
        let run =
            |q: &str| store.search_enterprises(&EnterpriseQuery { text: q.to_owned(), ..Default::default() }).unwrap();
        for q in &queries {
            run(q);
        }
        let mut ours = Vec::new();
        let mut empty = 0;
        for q in &queries {
            let t = Instant::now();
            let hits = run(q);
            ours.push(t.elapsed());
            empty += usize::from(hits.is_empty());
        }
        let mut like = raw
            .prepare("SELECT id FROM enterprises WHERE name LIKE ?1 OR address LIKE ?1 ORDER BY seq DESC LIMIT 50")
            .unwrap();
        let mut anchor = Vec::new();
        for q in queries.iter().take(40) {
            let t = Instant::now();
            let _n = like.query_map([format!("%{q}%")], |r| r.get::<_, String>(0)).unwrap().count();
            anchor.push(t.elapsed());
        }
        println!(
            "{label:<12} {:<50} {}   ({} of {} queries found nothing)",
            summary(ours),
            summary(anchor),
            empty,
            queries.len()
        );
    }

    // Rare and absent short terms are the LIKE scan's worst case: it reads much or all of the
    // table to find few rows or none.
    let mut like = raw
        .prepare("SELECT id FROM enterprises WHERE name LIKE ?1 OR address LIKE ?1 ORDER BY seq DESC LIMIT 50")
        .unwrap();
    for (label, terms) in [
        ("rare 2-char", ["花炮", "制冰", "石料", "冷链", "铝业"]),
        ("absent 2-chr", ["钢琴", "航天", "茶馆", "银行", "医院"]),
    ] {
        let mut ours = Vec::new();
        let mut anchor = Vec::new();
        for _ in 0..20 {
            for q in terms {
                let t = Instant::now();
                store.search_enterprises(&EnterpriseQuery { text: q.to_owned(), ..Default::default() }).unwrap();
                ours.push(t.elapsed());
                let t = Instant::now();
                let _n = like.query_map([format!("%{q}%")], |r| r.get::<_, String>(0)).unwrap().count();
                anchor.push(t.elapsed());
            }
        }
        println!("{label:<12} {:<50} {}", summary(ours), summary(anchor));
    }

    let ids: Vec<String> = raw
        .prepare("SELECT id FROM enterprises WHERE seq % 331 = 0")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut open = Vec::new();
    for id in &ids {
        let t = Instant::now();
        store.enterprise_file(id.parse().unwrap(), as_of).unwrap();
        open.push(t.elapsed());
    }
    println!("\nopen an enterprise file (一企一档), {} files: {} (target p95 ≤ 20 ms)", ids.len(), summary(open));
}
