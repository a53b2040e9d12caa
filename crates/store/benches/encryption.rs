//! A laptop's database encrypted at rest, measured beside the same database in clear, in one
//! run: opening it to the first list, an enterprise search, opening an enterprise file and
//! saving one visit field as it is typed (a real file, WAL, `synchronous=FULL`) — each
//! encrypted figure against 1.15× the plain one (SQLCipher's authors report 5–15 %). Also
//! times encrypting the large demo in place, what a laptop's first sign-in after the upgrade
//! costs. Run with `./dev bench` or `cargo bench -p safeserve-store --bench encryption`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

mod common;

use chrono::NaiveDate;
use safeserve_core::visit::{ItemResult, VisitKind};
use safeserve_core::VisitId;
use safeserve_store::keys::DbKey;
use safeserve_store::views::*;
use safeserve_store::{OpenOptions, Store};
use std::path::Path;
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-23T10:00:00+08:00";
const QUERIES: &[&str] = &["化工", "精细化工", "杭州", "西湖", "机械", "有限公司", "仓储", "萧山区"];

fn p(t: &mut [Duration], q: f64) -> f64 {
    t.sort();
    t[((t.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
}

/// The figures of one database: p95 of each, in ms.
struct Figures {
    open_to_list: f64,
    search: f64,
    enterprise_file: f64,
    save_field: f64,
}

fn measure(db: &Path, key: Option<DbKey>, today: NaiveDate) -> Figures {
    let options = OpenOptions { key, ..Default::default() };
    let mut t = Vec::new();
    for _ in 0..10 {
        let start = Instant::now();
        let store = Store::open_with(db, &options).unwrap();
        let first = store.search_enterprises(&EnterpriseQuery::default()).unwrap();
        t.push(start.elapsed());
        assert!(!first.is_empty());
    }
    let open_to_list = p(&mut t, 0.95);

    let mut store = Store::open_with(db, &options).unwrap();

    let mut t = Vec::new();
    for _ in 0..20 {
        for q in QUERIES {
            let start = Instant::now();
            store.search_enterprises(&EnterpriseQuery { text: (*q).into(), ..Default::default() }).unwrap();
            t.push(start.elapsed());
        }
    }
    let search = p(&mut t, 0.95);

    // A served enterprise with its agency's people, as in the visits bench.
    let listed = store.search_enterprises(&EnterpriseQuery { limit: Some(200), ..Default::default() }).unwrap();
    let (enterprise, people) = listed
        .iter()
        .find_map(|e| {
            let file = store.enterprise_file(e.id, today).ok()?;
            let a = file.serving_agencies.first()?;
            let staff = store.agency_detail(a.id, today).ok()?.staff;
            let fit: Vec<_> =
                staff.iter().filter(|p| p.certificates.iter().any(|c| !c.expired)).map(|p| p.id).take(2).collect();
            (!e.high_risk && fit.len() == 2).then_some((e.clone(), fit))
        })
        .expect("a served enterprise");
    let mut t = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        store.enterprise_file(enterprise.id, today).unwrap();
        t.push(start.elapsed());
    }
    let enterprise_file = p(&mut t, 0.95);

    let visit = store
        .start_visit(
            &NewVisit {
                kind: VisitKind::Service,
                target_id: enterprise.id.to_string(),
                template_key: "enterprise-general".into(),
                template_version: None,
                people,
                place: Place::default(),
                mismatch_reason: None,
            },
            VisitId(uuid::Uuid::now_v7()),
            NOW,
            today,
        )
        .unwrap();
    let codes: Vec<String> = visit.template.items().map(|i| i.code.clone()).collect();
    let mut t = Vec::new();
    for i in 0..300 {
        let field = VisitField::Answer {
            code: codes[i % codes.len()].clone(),
            result: Some(if i % 3 == 0 { ItemResult::Pass } else { ItemResult::NotApplicable }),
            note: format!("现场情况说明 第{i}次修改"),
        };
        let start = Instant::now();
        store.save_visit_field(visit.summary.id, &field, NOW, today).unwrap();
        t.push(start.elapsed());
    }
    Figures { open_to_list, search, enterprise_file, save_field: p(&mut t, 0.95) }
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (large, _) = common::large_demo(dir.path(), today);
    let plain = dir.path().join("plain.db");
    let encrypted = dir.path().join("encrypted.db");
    std::fs::copy(&large, &plain).unwrap();
    std::fs::copy(&large, &encrypted).unwrap();
    let size = std::fs::metadata(&encrypted).unwrap().len() as f64 / 1e6;
    let start = Instant::now();
    let key = safeserve_store::encryption::encrypt_for_users(&encrypted, None).unwrap();
    println!(
        "encrypting the large demo in place ({size:.0} MB, copied, checked row for row): {:.1} s",
        start.elapsed().as_secs_f64()
    );

    // Plain first, then encrypted, then plain again: the better plain figure is the anchor, so
    // a cold page cache on the first pass does not flatter the encrypted one.
    let first = measure(&plain, None, today);
    let enc = measure(&encrypted, Some(key.clone()), today);
    let again = measure(&plain, None, today);
    type Figure = fn(&Figures) -> f64;
    let rows: [(&str, Figure); 4] = [
        ("open the database to the first list", |f| f.open_to_list),
        ("enterprise search", |f| f.search),
        ("open an enterprise file", |f| f.enterprise_file),
        ("save one visit field (synchronous=FULL)", |f| f.save_field),
    ];
    let store = Store::open_reader(&encrypted, Some(&key)).unwrap();
    let start = Instant::now();
    store.back_up(NOW).unwrap();
    println!(
        "backup of the encrypted large demo (VACUUM INTO, fsync): {:.1} s   anchor ≤ 30 s",
        start.elapsed().as_secs_f64()
    );
    drop(store);
    println!("{:<42} {:>12} {:>12} {:>8}   anchor", "p95, large demo", "plain", "encrypted", "ratio");
    for (what, figure) in rows {
        let anchor = figure(&first).min(figure(&again));
        let e = figure(&enc);
        println!("{what:<42} {anchor:>9.2} ms {e:>9.2} ms {:>7.2}×   ≤ 1.15×", e / anchor);
    }
}
