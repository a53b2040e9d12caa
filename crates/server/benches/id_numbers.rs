//! What shaping people's ID numbers costs a technician's or inspector's pull: every person
//! record is parsed, its number hashed (HMAC-SHA256) and masked, and written again. Printed
//! beside the pull protocol's own rate (docs/benchmarks.md, "Sync on loopback"), which it
//! must not bring down noticeably: `cargo bench -p safeserve-server --bench id_numbers`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use safeserve_core::sync::{Entity, Op, Pulled};
use safeserve_server::id_numbers::IdNumberKey;
use safeserve_server::scope::Role;
use std::time::Instant;

/// The large demo's people.
const PEOPLE: usize = 21_374;
/// The pull protocol alone, records per second through TLS (2026-12-02).
const PULL_ANCHOR: f64 = 94_700.0;

fn person(i: usize) -> Pulled {
    let body = serde_json::json!({
        "id": format!("0193a000-0000-7000-8000-{i:012}"),
        "id_number": format!("330106{:08}{:03}X", 19_800_101 + i % 9_000, i % 1_000),
        "name": "王晓明", "phone": "13800000000", "created_at": "2026-01-05T09:00:00+08:00",
        "certificates": [
            {"kind": "registered_safety_engineer", "number": format!("ZA{i:08}"), "issuer": "应急管理部",
             "specialty": null, "expires_on": "2028-06-30"},
            {"kind": "mid_title", "number": format!("ZC{i:08}"), "issuer": "浙江省人力资源和社会保障厅",
             "specialty": "化工工艺", "expires_on": null}
        ],
        "employments": [{"agency_id": "0193a000-0000-7000-8000-000000000001", "role": "full_time", "full_time": 1}],
        "capability_tests": [{"taken_on": "2026-05-20", "score": 86, "passed": 1}]
    });
    Pulled {
        seq: i as i64,
        entity: Entity::Person,
        record_id: format!("p{i}"),
        op: Op::Upsert,
        hlc: 1,
        node: "n".into(),
        body: Some(serde_json::value::to_raw_value(&body).expect("json")),
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = IdNumberKey::load_or_create(dir.path()).expect("key");
    let people: Vec<Pulled> = (0..PEOPLE).map(person).collect();
    let mut best = f64::MAX;
    for _ in 0..5 {
        let mut batch = people.clone();
        let started = Instant::now();
        for change in &mut batch {
            key.shape(Role::Inspector, change);
        }
        best = best.min(started.elapsed().as_secs_f64());
        assert!(!batch[0].body.as_ref().expect("body").get().contains("330106198001010"), "shaped");
    }
    let rate = PEOPLE as f64 / best;
    println!("shaping {PEOPLE} person records for an inspector's pull: {:.1} ms ({rate:.0} records/s)", best * 1e3);
    println!(
        "  beside the pull protocol's {PULL_ANCHOR:.0} records/s: a first pull of the large demo's 205,822 \
         records takes {:.2} s longer at most ({:.1}% of the protocol's own time)",
        best,
        100.0 * best / (205_822.0 / PULL_ANCHOR)
    );
}
