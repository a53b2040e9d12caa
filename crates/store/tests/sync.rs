//! The laptop's side of sync without a server: the outbox shares the record's transaction, a
//! pulled page is applied once however often it arrives, older values lose, and a tampered
//! signed document is not taken in.

use chrono::NaiveDate;
use rusqlite::Connection;
use safeserve_core::sync::{Entity, Op, Pulled};
use safeserve_demo as demo;
use safeserve_store::Store;
use serde_json::value::RawValue;

fn demo_db(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("demo.db");
    demo::generate(&path, demo::DemoSize::Small, demo::DEFAULT_SEED, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
        .unwrap();
    path
}

fn outbox(path: &std::path::Path) -> i64 {
    Connection::open(path).unwrap().query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap()
}

/// Every current record of `path` as it would be pulled, for applying to another database.
fn as_pulled(path: &std::path::Path) -> Vec<Pulled> {
    let store = Store::open(path).unwrap();
    let mut out = Vec::new();
    store
        .export_changes(false, |c| {
            out.push(Pulled {
                seq: out.len() as i64 + 1,
                entity: c.entity,
                record_id: c.record_id,
                op: c.op,
                hlc: c.hlc,
                node: c.node,
                body: c.body,
            });
            Ok::<_, safeserve_store::StoreError>(())
        })
        .unwrap();
    out
}

#[test]
fn the_outbox_is_written_in_the_records_transaction_and_the_demo_queues_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    assert_eq!(outbox(&path), 0, "demo records are nobody's edits");
    let mut conn = Connection::open(&path).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute("UPDATE enterprises SET phone = 'x' WHERE seq = 1", []).unwrap();
    tx.rollback().unwrap();
    assert_eq!(outbox(&path), 0, "a rolled back edit leaves no change behind");
    conn.execute("UPDATE enterprises SET phone = 'y' WHERE seq = 1", []).unwrap();
    assert_eq!(outbox(&path), 1);
    let store = Store::open(&path).unwrap();
    let pending = store.pending_changes(10).unwrap();
    assert_eq!(pending[0].entity, Entity::Enterprise);
    assert!(pending[0].body.as_ref().unwrap().get().contains("\"phone\":\"y\""));
    assert!(pending[0].base_hlc.is_none(), "the demo's records had no version from a server");
}

#[test]
fn a_pulled_page_is_applied_once_and_older_values_lose() {
    let dir = tempfile::tempdir().unwrap();
    let Laptop { source, pulled, target, mut store } = enrolled_laptop(dir.path());
    // In bulk, as a first pull runs: search entries are written once, at the end.
    store.begin_bulk_pull();
    let first = store.apply_pulled(&pulled, 42).unwrap();
    store.end_bulk_pull().unwrap();
    assert!(first.rejected.is_empty(), "{:?}", &first.rejected[..first.rejected.len().min(5)]);
    assert_eq!(first.applied as usize, pulled.len());
    let again = store.apply_pulled(&pulled, 42).unwrap();
    assert_eq!(again.applied, 0, "a page applied twice changes nothing the second time");
    assert_eq!(store.counts().unwrap(), Store::open(&source).unwrap().counts().unwrap());
    assert_eq!(store.pending_changes(10).unwrap().len(), 0, "applied changes do not echo back");
    assert_eq!(store.sync_account().unwrap().unwrap().cursor, 42);
    // Search finds pulled records (their index entries were written at the end of the pull).
    let first_name: String = Connection::open(&target)
        .unwrap()
        .query_row("SELECT name FROM enterprises ORDER BY seq LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let found: i64 = Connection::open(&target)
        .unwrap()
        .query_row("SELECT count(*) FROM enterprise_tri WHERE name MATCH ?1", [format!("\"{first_name}\"")], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(found >= 1, "{first_name} is found by search");

    // An older value of an enterprise loses to the one held.
    let e = pulled.iter().find(|p| p.entity == Entity::Enterprise).unwrap();
    let mut body: serde_json::Value = serde_json::from_str(e.body.as_ref().unwrap().get()).unwrap();
    body["phone"] = "older".into();
    let older = Pulled { hlc: e.hlc - 1, body: Some(RawValue::from_string(body.to_string()).unwrap()), ..e.clone() };
    assert_eq!(store.apply_pulled(&[older], 43).unwrap().skipped, 1);
    body["phone"] = "newer".into();
    let newer = Pulled { hlc: e.hlc + 1, body: Some(RawValue::from_string(body.to_string()).unwrap()), ..e.clone() };
    assert_eq!(store.apply_pulled(&[newer], 44).unwrap().applied, 1);
    let phone: String = Connection::open(&target)
        .unwrap()
        .query_row("SELECT phone FROM enterprises WHERE id = ?1", [&e.record_id], |r| r.get(0))
        .unwrap();
    assert_eq!(phone, "newer");
    // A tombstone of an answer removes it; evidence is never deleted.
    let event = pulled.iter().find(|p| p.entity == Entity::HazardEvent).unwrap();
    let delete = Pulled { op: Op::Delete, body: None, hlc: event.hlc + 1, ..event.clone() };
    let r = store.apply_pulled(&[delete], 45).unwrap();
    assert_eq!((r.applied, r.skipped), (0, 1), "evidence already held is not replaced, not even by a tombstone");
}

#[test]
fn a_tampered_signed_document_is_not_taken_in() {
    let dir = tempfile::tempdir().unwrap();
    let Laptop { pulled, mut store, .. } = enrolled_laptop(dir.path());
    let (docs, rest): (Vec<Pulled>, Vec<Pulled>) = pulled.into_iter().partition(|p| p.entity == Entity::Document);
    store.apply_pulled(&rest, 1).unwrap();
    let mut doc = docs[0].clone();
    let mut body: serde_json::Value = serde_json::from_str(doc.body.as_ref().unwrap().get()).unwrap();
    let content = body["content"].as_str().unwrap().replacen("隐患", "隐忠", 1);
    body["content"] = content.into();
    doc.body = Some(RawValue::from_string(body.to_string()).unwrap());
    let r = store.apply_pulled(&[doc], 2).unwrap();
    assert_eq!(r.rejected.len(), 1, "{r:?}");
    assert!(r.rejected[0].contains("签名不成立"), "{}", r.rejected[0]);
    assert_eq!(store.counts().unwrap().documents, 0);
    let ok = store.apply_pulled(&docs, 3).unwrap();
    assert!(ok.rejected.is_empty() && ok.applied as usize == docs.len());
}

/// The server hands out current values in the order they last changed, so a visit ended after
/// its answers arrives after them, a hazard corrected after its first event after that event.
/// Such a child waits on the laptop, with its reason, and is applied when its parent arrives —
/// on a later page or a later sync — and nothing is lost on the way.
#[test]
fn a_record_pulled_before_its_parent_waits_for_it_and_is_then_applied() {
    let dir = tempfile::tempdir().unwrap();
    let Laptop { source, pulled, mut store, .. } = enrolled_laptop(dir.path());
    let parents = [Entity::Visit, Entity::Hazard];
    let (later, first): (Vec<Pulled>, Vec<Pulled>) = pulled.into_iter().partition(|p| parents.contains(&p.entity));
    let r = store.apply_pulled(&first, 1).unwrap();
    assert!(!r.rejected.is_empty(), "answers, events and photos of visits not held yet cannot apply");
    assert!(r.rejected.iter().any(|w| w.contains("not held")), "{:?}", &r.rejected[..3]);
    let waiting = store.waiting_changes().unwrap();
    assert_eq!(waiting.len(), r.rejected.len(), "every one of them waits, with its reason");
    assert_eq!(store.sync_account().unwrap().unwrap().cursor, 1, "the cursor moves on: they are held here");

    // Visits arrive on the next page, hazards on the one after: each lets more of what waits in.
    let (visits, hazards): (Vec<Pulled>, Vec<Pulled>) = later.into_iter().partition(|p| p.entity == Entity::Visit);
    let r = store.apply_pulled(&visits, 2).unwrap();
    assert!(r.released > 0, "answers applied once their visit is here: {r:?}");
    let r = store.apply_pulled(&hazards, 3).unwrap();
    assert!(r.released > 0, "events and photos applied once their hazard is here: {r:?}");
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    assert!(store.waiting_changes().unwrap().is_empty(), "nothing waits any more");
    assert_eq!(store.counts().unwrap(), Store::open(&source).unwrap().counts().unwrap(), "nothing was dropped");
}

/// A demo database (`source`), everything it holds as it would be pulled, and an empty
/// enrolled laptop database (`target`) to pull into.
struct Laptop {
    source: std::path::PathBuf,
    pulled: Vec<Pulled>,
    target: std::path::PathBuf,
    store: Store,
}

fn enrolled_laptop(dir: &std::path::Path) -> Laptop {
    let source = demo_db(dir);
    let pulled = as_pulled(&source);
    let target = dir.join("laptop.db");
    let mut store = Store::open(&target).unwrap();
    store.save_sync_account(&sample_account()).unwrap();
    Laptop { source, pulled, target, store }
}

fn sample_account() -> safeserve_store::sync::SyncAccount {
    safeserve_store::sync::SyncAccount {
        server: "http://127.0.0.1:1".into(),
        device_id: "d".into(),
        user_name: "u".into(),
        role: safeserve_core::sync::Role::Admin,
        scope: "全部".into(),
        refresh_token: "t".into(),
        cursor: 0,
        server_trust: None,
        document_certificate: None,
        bureau_authority: None,
        verify_url: None,
        person_id: None,
    }
}

#[test]
fn a_change_the_server_took_keeps_no_body_and_a_refused_one_keeps_its_own() {
    use safeserve_core::sync::{Outcome, Receipt};
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let conn = Connection::open(&path).unwrap();
    conn.execute("UPDATE enterprises SET phone = '0571-TAKEN' WHERE seq = 1", []).unwrap();
    conn.execute("UPDATE enterprises SET phone = '0571-REFUSED' WHERE seq = 2", []).unwrap();
    let mut store = Store::open(&path).unwrap();
    let pending = store.pending_changes(10).unwrap();
    assert_eq!(pending.len(), 2);
    let receipt = |i: usize, outcome, reason: Option<&str>| Receipt {
        change_id: pending[i].change_id,
        seq: Some(i as i64 + 1),
        outcome,
        reason: reason.map(str::to_owned),
    };
    store
        .store_receipts(&[receipt(0, Outcome::Applied, None), receipt(1, Outcome::Refused, Some("not yours"))])
        .unwrap();
    let bodies: Vec<(String, Option<String>)> = conn
        .prepare("SELECT outcome, body FROM outbox ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(bodies[0], ("applied".to_owned(), None), "the server holds it: the laptop's copy of the body goes");
    assert_eq!(bodies[1].0, "refused");
    assert!(
        bodies[1].1.as_deref().unwrap_or("").contains("0571-REFUSED"),
        "a refused change is kept whole, to be shown"
    );
    assert_eq!(store.sync_status().unwrap().refused, 1);
}
