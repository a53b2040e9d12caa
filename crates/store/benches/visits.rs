//! On-site figures: saving one field as it is typed (a real file, WAL, `synchronous=FULL`), and
//! opening an enterprise file and a visit that hold 1,000 hazards. Prints a table; the figures
//! go to `docs/benchmarks.md`. Run with `./dev bench` or
//! `cargo bench -p safeserve-store --bench visits`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use chrono::NaiveDate;
use safeserve_core::hazard::{HazardCategory, HazardLevel};
use safeserve_core::visit::{ItemResult, VisitKind};
use safeserve_core::{HazardId, VisitId};
use safeserve_demo::{self as demo, DemoSize};
use safeserve_store::views::*;
use safeserve_store::Store;
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-23T10:00:00+08:00";

fn ms(t: Duration) -> f64 {
    t.as_secs_f64() * 1000.0
}

fn report(what: &str, mut t: Vec<Duration>, target: &str) {
    t.sort();
    let p = |q: f64| ms(t[((t.len() as f64 - 1.0) * q).round() as usize]);
    println!(
        "{what:<44} n={:<4} p50 {:>7.2} ms  p95 {:>7.2} ms  max {:>7.2} ms   {target}",
        t.len(),
        p(0.5),
        p(0.95),
        p(1.0)
    );
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today).unwrap();
    let mut store = Store::open(&db).unwrap();

    // A served enterprise and the agency's people.
    let e = store.search_enterprises(&EnterpriseQuery { limit: Some(200), ..Default::default() }).unwrap();
    let (enterprise, people) = e
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
    let v = visit.summary.id;
    let codes: Vec<String> = visit.template.items().map(|i| i.code.clone()).collect();

    // One field saved as typed: an answer with its note, alternating results.
    let mut t = Vec::new();
    for i in 0..300 {
        let code = &codes[i % codes.len()];
        let field = VisitField::Answer {
            code: code.clone(),
            result: Some(if i % 3 == 0 { ItemResult::Pass } else { ItemResult::NotApplicable }),
            note: format!("现场情况说明 第{i}次修改"),
        };
        let start = Instant::now();
        store.save_visit_field(v, &field, NOW, today).unwrap();
        t.push(start.elapsed());
    }
    report("save one visit field (synchronous=FULL)", t, "target p95 ≤ 5 ms");

    // 1,000 hazards on the enterprise, a fifth of them major.
    let mut ids = Vec::new();
    for i in 0..1000 {
        let form = NewHazard {
            item_code: None,
            description: format!("第{i}号隐患：配电箱未加装漏电保护装置"),
            location: format!("{}号车间", i % 12 + 1),
            category: HazardCategory::Electrical,
            level: if i % 5 == 0 { HazardLevel::Major } else { HazardLevel::General },
            basis: "GB 50054-2011".into(),
            measure: "加装漏电保护".into(),
            deadline: (today + chrono::Days::new(i % 40)).to_string(),
            responsible: "张三".into(),
        };
        ids.push(store.add_hazard(v, &form, HazardId(uuid::Uuid::now_v7()), NOW, today).unwrap().id);
    }
    let mut t = Vec::new();
    for id in ids.iter().step_by(20) {
        let start = Instant::now();
        store.save_hazard_field(*id, &HazardField::Measure("加装 30 mA 漏电保护器并检测".into())).unwrap();
        t.push(start.elapsed());
    }
    report("save one hazard field (synchronous=FULL)", t, "target p95 ≤ 5 ms");

    let later = today + chrono::Days::new(20); // some are overdue by then
    let mut t = Vec::new();
    let mut n = 0;
    for _ in 0..30 {
        let start = Instant::now();
        let file = store.enterprise_file(enterprise.id, later).unwrap();
        t.push(start.elapsed());
        n = file.hazards.len();
    }
    report(&format!("open enterprise file ({n} hazards)"), t, "target ≤ 200 ms");
    let mut t = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        store.visit(v, later).unwrap();
        t.push(start.elapsed());
    }
    report("open the visit (1,000 hazards)", t, "");
}
