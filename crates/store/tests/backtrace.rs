//! R12 关联倒查 on a real demo database: every visit, hazard and signed document of the period
//! is in the trace and nothing outside it, the period's edges hold on stored records, hazards
//! stand as they stood on the accident day, spot checks are the inspectors', and no full ID
//! number leaves the store. Expectations are read straight from the tables with SQL, not
//! through the code under test.

use chrono::{Days, Months, NaiveDate};
use rusqlite::Connection;
use safeserve_core::backtrace::{Backtrace, HazardStanding};
use safeserve_core::visit::VisitKind;
use safeserve_core::{EnterpriseId, HazardId, PersonId, VisitId};
use safeserve_store::views::*;
use safeserve_store::{Store, StoreError};
use std::collections::BTreeSet;

use crate::common;
use common::{fresh_db, today, NOW};

fn ids(sql: &str, conn: &Connection, args: &[&dyn rusqlite::ToSql]) -> BTreeSet<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map(args, |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
}

/// Enterprises with the most signed documents, then the most visits: where a trace has most to show.
fn busiest(conn: &Connection, n: usize) -> Vec<EnterpriseId> {
    ids(
        &format!(
            "SELECT e.id FROM enterprises e ORDER BY \
             (SELECT count(*) FROM documents d WHERE d.enterprise_id = e.id) DESC, \
             (SELECT count(*) FROM visits v WHERE v.enterprise_id = e.id) DESC, e.seq LIMIT {n}"
        ),
        conn,
        &[],
    )
    .iter()
    .map(|s| s.parse().unwrap())
    .collect()
}

fn all_visits(b: &Backtrace) -> Vec<String> {
    let mut v: Vec<String> = b.agencies.iter().flat_map(|a| a.visits.iter()).map(|v| v.id.to_string()).collect();
    v.extend(b.inspections.visits.iter().map(|v| v.id.to_string()));
    v
}

fn all_hazards(b: &Backtrace) -> Vec<String> {
    let mut v: Vec<String> = b.agencies.iter().flat_map(|a| a.hazards.iter()).map(|h| h.id.to_string()).collect();
    v.extend(b.inspections.hazards.iter().map(|h| h.id.to_string()));
    v
}

fn all_documents(b: &Backtrace) -> Vec<String> {
    let mut v: Vec<String> = b.agencies.iter().flat_map(|a| a.documents.iter()).map(|d| d.id.to_string()).collect();
    v.extend(b.inspections.documents.iter().map(|d| d.id.to_string()));
    v.extend(b.other_documents.iter().map(|d| d.id.to_string()));
    v
}

/// Each listed once, and exactly the expected set.
fn same(what: &str, got: Vec<String>, want: &BTreeSet<String>) {
    let set: BTreeSet<String> = got.iter().cloned().collect();
    assert_eq!(set.len(), got.len(), "{what}: listed twice");
    assert_eq!(&set, want, "{what}: the trace differs from the records of the period");
}

#[test]
fn every_visit_hazard_and_document_of_the_period_is_traced_and_nothing_outside() {
    let (_dir, path) = fresh_db();
    let store = Store::open(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    let mut excluded_somewhere = false;
    let mut documents_seen = false;
    for e in busiest(&conn, 6) {
        for months in [12, 3] {
            let b = store.backtrace(e, today(), months).unwrap();
            let (from, to) = (b.period.from.to_string(), b.period.to.to_string());
            let e_s = e.to_string();
            let args: [&dyn rusqlite::ToSql; 3] = [&e_s, &from, &to];
            let in_period = "SELECT id FROM visits WHERE enterprise_id = ?1 \
                             AND substr(started_at, 1, 10) BETWEEN ?2 AND ?3";
            let visits = ids(in_period, &conn, &args);
            let every = ids("SELECT id FROM visits WHERE enterprise_id = ?1", &conn, &[&e_s]);
            excluded_somewhere |= every.len() > visits.len();
            same("visits", all_visits(&b), &visits);
            let hazards = ids(&format!("SELECT id FROM hazards WHERE visit_id IN ({in_period})"), &conn, &args);
            same("hazards", all_hazards(&b), &hazards);
            let documents = ids(
                &format!(
                    "SELECT id FROM documents WHERE visit_id IN ({in_period}) OR (enterprise_id = ?1 \
                     AND visit_id IS NULL AND substr(signed_at, 1, 10) BETWEEN ?2 AND ?3)"
                ),
                &conn,
                &args,
            );
            documents_seen |= !documents.is_empty();
            same("documents", all_documents(&b), &documents);

            // Contracts: those sharing a day with the period, each under its agency.
            let contracts = ids(
                "SELECT id FROM contracts WHERE enterprise_id = ?1 AND starts_on <= ?3 AND ends_on >= ?2",
                &conn,
                &args,
            );
            let listed: Vec<String> =
                b.agencies.iter().flat_map(|a| a.contracts.iter()).map(|c| c.id.to_string()).collect();
            same("contracts", listed, &contracts);
            for a in &b.agencies {
                assert_eq!(a.tally.visits_made as usize, a.visits.len());
                assert_eq!(a.tally.hazards_found as usize, a.hazards.len());
            }
        }
    }
    assert!(excluded_somewhere, "a shorter period leaves some visits out");
    assert!(documents_seen, "the demo signs documents for some of these enterprises");
}

#[test]
fn a_visit_on_the_first_day_is_in_and_one_a_day_earlier_is_out() {
    let (_dir, path) = fresh_db();
    let store = Store::open(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    let (visit, enterprise, day): (String, String, String) = conn
        .query_row(
            "SELECT id, enterprise_id, substr(started_at, 1, 10) FROM visits \
             WHERE enterprise_id IS NOT NULL AND CAST(substr(started_at, 9, 2) AS INTEGER) <= 28 ORDER BY seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let day: NaiveDate = day.parse().unwrap();
    let e: EnterpriseId = enterprise.parse().unwrap();
    let accident = day.checked_add_months(Months::new(12)).unwrap();
    let b = store.backtrace(e, accident, 12).unwrap();
    assert_eq!(b.period.from, day);
    assert!(all_visits(&b).contains(&visit), "a visit on exactly D − 12 months is in");
    let later = accident + Days::new(1);
    let b = store.backtrace(e, later, 12).unwrap();
    assert_eq!(b.period.from, day + Days::new(1));
    assert!(!all_visits(&b).contains(&visit), "a day before the period is out");
}

#[test]
fn a_hazard_stands_as_it_stood_on_the_accident_day() {
    let (_dir, path) = fresh_db();
    let store = Store::open(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    // A hazard closed later than the day it was found.
    let (hazard, enterprise, closed): (String, String, String) = conn
        .query_row(
            "SELECT h.id, h.enterprise_id, substr(ev.at, 1, 10) FROM hazards h \
             JOIN hazard_events ev ON ev.hazard_seq = h.seq AND ev.kind = 'closed' \
             WHERE substr(ev.at, 1, 10) > substr(h.created_at, 1, 10) ORDER BY h.seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let closed: NaiveDate = closed.parse().unwrap();
    let e: EnterpriseId = enterprise.parse().unwrap();
    let find = |b: &Backtrace| {
        b.agencies
            .iter()
            .flat_map(|a| a.hazards.iter())
            .chain(b.inspections.hazards.iter())
            .find(|h| h.id.to_string() == hazard)
            .cloned()
            .expect("the hazard is in the trace")
    };
    let on_the_day = find(&store.backtrace(e, closed, 12).unwrap());
    assert_eq!(on_the_day.standing, HazardStanding::Closed, "closed on the accident day counts as closed");
    assert!(on_the_day.closed_before_accident);
    let day_before = find(&store.backtrace(e, closed - Days::new(1), 12).unwrap());
    assert_ne!(day_before.standing, HazardStanding::Closed, "not yet closed the day before");
    assert!(!day_before.closed_before_accident);
    assert_eq!(day_before.closed_on, Some(closed), "the later closing is still shown");
}

#[test]
fn spot_checks_are_the_inspectors_and_no_full_id_number_leaves_the_store() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    let e = busiest(&conn, 1)[0];
    let person: String = conn
        .query_row("SELECT person_id FROM visit_people vp JOIN visits v ON v.id = vp.visit_id WHERE v.enterprise_id = ?1 LIMIT 1", [e.to_string()], |r| r.get(0))
        .unwrap();
    let visit = store
        .start_visit(
            &NewVisit {
                kind: VisitKind::SpotCheck,
                target_id: e.to_string(),
                template_key: "enterprise-general".into(),
                template_version: None,
                people: vec![person.parse::<PersonId>().unwrap()],
                place: Place { latitude: None, longitude: None, description: "一号车间".into() },
                mismatch_reason: None,
            },
            VisitId(uuid::Uuid::now_v7()),
            NOW,
            today(),
        )
        .unwrap();
    let v = visit.summary.id;
    let proposal = store
        .save_visit_field(
            v,
            &VisitField::Answer {
                code: "FI-03".into(),
                result: Some(safeserve_core::visit::ItemResult::Fail),
                note: String::new(),
            },
            NOW,
            today(),
        )
        .unwrap()
        .expect("a failed item proposes a hazard");
    let h = store.add_hazard(v, &proposal, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap();

    let b = store.backtrace(e, today(), 12).unwrap();
    assert!(
        b.inspections.visits.iter().any(|x| x.id == v && x.ended_at.is_none()),
        "the spot check is the inspectors'"
    );
    assert!(b.inspections.hazards.iter().any(|x| x.id == h.id));
    assert!(b.agencies.iter().all(|a| a.visits.iter().all(|x| x.id != v)));

    let json = serde_json::to_string(&b).unwrap();
    let numbers = ids("SELECT id_number FROM people", &conn, &[]);
    for n in &numbers {
        assert!(!json.contains(n.as_str()), "a full ID number is in the trace");
    }
    let sent: Vec<_> = b.agencies.iter().flat_map(|a| a.visits.iter()).flat_map(|v| v.people.iter()).collect();
    assert!(!sent.is_empty());
    assert!(sent.iter().all(|p| p.id_number_masked.contains("********")), "masked as 330102********1234");
}

#[test]
fn an_unknown_enterprise_or_a_bad_period_is_refused() {
    let (_dir, path) = fresh_db();
    let store = Store::open(&path).unwrap();
    let nobody = EnterpriseId(uuid::Uuid::from_u128(42));
    assert!(matches!(store.backtrace(nobody, today(), 12), Err(StoreError::NotFound { what: "enterprise", .. })));
    let conn = Connection::open(&path).unwrap();
    let e = busiest(&conn, 1)[0];
    match store.backtrace(e, today(), 0) {
        Err(e @ StoreError::Invalid { .. }) => assert!(e.message().zh.contains("个月"), "{}", e.message()),
        other => panic!("months 0 must be refused, got {other:?}"),
    }
}
