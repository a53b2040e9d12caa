//! Coverage (R14) as the store counts it, on a real SQLite file: a hand-built database whose
//! every number is known (with the edges of the rule), and the small demo checked row by row
//! against a count made enterprise by enterprise.

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection};
use safeserve_core::coverage::{Attainment, CoverageRow, Measure};
use safeserve_core::register::{EnterpriseSize, Industry};
use safeserve_demo as demo;
use safeserve_store::Store;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

const AT: &str = "2026-01-01T08:00:00+08:00";

fn division(conn: &Connection, code: &str, name: &str, parent: Option<&str>) {
    conn.execute("INSERT INTO divisions(code, name, parent) VALUES (?1, ?2, ?3)", params![code, name, parent]).unwrap();
}

fn enterprise(conn: &Connection, n: u32, division: &str, industry: Industry, size: EnterpriseSize, park: Option<&str>) {
    conn.execute(
        "INSERT INTO enterprises(id, credit_code, name, address, division, industry, high_risk, size, park, \
         principal, safety_contact, phone, created_at) VALUES (?1, ?2, ?3, '杭州市', ?4, ?5, ?6, ?7, ?8, '张三', '李四', \
         '13800000000', ?9)",
        params![
            format!("e{n}"),
            format!("code{n}"),
            format!("企业{n}"),
            division,
            industry.key(),
            industry.is_high_risk(),
            size.key(),
            park,
            AT
        ],
    )
    .unwrap();
}

fn contract(conn: &Connection, n: u32, enterprise: u32, starts_on: NaiveDate, ends_on: NaiveDate) {
    conn.execute(
        "INSERT INTO contracts(id, agency_id, enterprise_id, service_types, content, visits_per_year, starts_on, \
         ends_on, fee_fen, acceptance_standard, filed, government_commissioned, created_at) \
         VALUES (?1, 'a1', ?2, '[]', '安全管理服务', 4, ?3, ?4, 500000, '按约定', 1, 0, ?5)",
        params![format!("c{n}"), format!("e{enterprise}"), starts_on.to_string(), ends_on.to_string(), AT],
    )
    .unwrap();
}

/// 西湖区 with two streets and 滨江区 with none of anything:
/// - e1 chemical, micro, park 园区甲, contract ending on the day — served;
/// - e2 textile, small, park 园区甲, contract starting the next day — not yet served;
///   so 园区甲 has exactly half its enterprises served;
/// - e3 trade, micro, 西溪街道, served — counts in no enterprise measure (not production-type);
/// - e4 machinery, medium, 西溪街道, no contract — not small/micro.
fn hand_built(path: &Path) {
    drop(Store::open(path).unwrap());
    let conn = Connection::open(path).unwrap();
    division(&conn, "330106", "西湖区", None);
    division(&conn, "330106001", "北山街道", Some("330106"));
    division(&conn, "330106002", "西溪街道", Some("330106"));
    division(&conn, "330108", "滨江区", None);
    division(&conn, "330108001", "西兴街道", Some("330108"));
    conn.execute(
        "INSERT INTO agencies(id, credit_code, name, address, office_area_m2, division, service_types, \
         high_risk_industries, platform_registered, documents, created_at) \
         VALUES ('a1', 'agency1', '杭州安信安全技术服务有限公司', '杭州市', 120, '330106', '[]', '[]', 1, '[]', ?1)",
        [AT],
    )
    .unwrap();
    let next = day().succ_opt().unwrap();
    enterprise(&conn, 1, "330106001", Industry::Chemical, EnterpriseSize::Micro, Some("园区甲"));
    contract(&conn, 1, 1, day() - Days::new(364), day());
    enterprise(&conn, 2, "330106001", Industry::Textile, EnterpriseSize::Small, Some("园区甲"));
    contract(&conn, 2, 2, next, next + Days::new(364));
    enterprise(&conn, 3, "330106002", Industry::Trade, EnterpriseSize::Micro, None);
    contract(&conn, 3, 3, day() - Days::new(10), day() + Days::new(300));
    enterprise(&conn, 4, "330106002", Industry::Machinery, EnterpriseSize::Medium, Some(" "));
}

fn counts(row: &CoverageRow) -> [(u32, u32); 3] {
    Measure::ALL.iter().map(|m| (row.measure(*m).served, row.measure(*m).total)).collect::<Vec<_>>().try_into().unwrap()
}

#[test]
fn hand_built_numbers_with_the_edges_of_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    hand_built(&path);
    let store = Store::open(&path).unwrap();
    let r = store.coverage(day(), None).unwrap();

    // Parks: 园区甲 is exactly half served → served (1 of 1). Production-type small/micro: e1
    // (ends on the day) served, e2 (starts the next day) not. High-risk: e1.
    assert_eq!(counts(&r.total), [(1, 1), (1, 2), (1, 1)]);
    assert_eq!(r.total.parks.attainment, Attainment::Met);
    assert_eq!(r.total.production_small_micro.attainment, Attainment::Unmet, "50% < 70%");
    assert_eq!(r.total.production_small_micro.share, Some(0.5));
    assert_eq!(r.total.high_risk.attainment, Attainment::Met);

    let codes: Vec<&str> = r.districts.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["330106", "330108"], "every district, even one with nothing to count");
    assert_eq!(counts(&r.districts[0]), counts(&r.total));
    assert_eq!(r.districts[0].name, "西湖区");
    let binjiang = &r.districts[1];
    assert_eq!(counts(binjiang), [(0, 0); 3]);
    assert!(Measure::ALL
        .iter()
        .all(|m| binjiang.measure(*m).attainment == Attainment::NoneToCount && binjiang.measure(*m).share.is_none()));

    let towns: Vec<(&str, &str)> = r.townships.iter().map(|t| (t.code.as_str(), t.name.as_str())).collect();
    assert_eq!(towns, [("330106001", "北山街道"), ("330106002", "西溪街道"), ("330108001", "西兴街道")]);
    assert_eq!(counts(&r.townships[0]), [(1, 1), (1, 2), (1, 1)]);
    assert_eq!(counts(&r.townships[1]), [(0, 0), (0, 0), (0, 0)], "trade and a medium enterprise count nowhere");
    assert_eq!(r.townships[1].parent.as_deref(), Some("330106"));

    // The day after, e1's contract has ended and e2's has begun.
    let next = store.coverage(day().succ_opt().unwrap(), None).unwrap();
    assert_eq!(counts(&next.total), [(1, 1), (1, 2), (0, 1)]);
    // The day before: e1 served, e2 not yet → still exactly half of 园区甲.
    let before = store.coverage(day().pred_opt().unwrap(), None).unwrap();
    assert_eq!(counts(&before.total)[0], (1, 1));
}

#[test]
fn within_limits_the_rows_and_the_counts_and_refuses_a_bad_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    hand_built(&path);
    let store = Store::open(&path).unwrap();

    let binjiang = store.coverage(day(), Some("330108")).unwrap();
    assert_eq!(binjiang.within.as_deref(), Some("330108"));
    assert_eq!(binjiang.districts.len(), 1);
    assert_eq!(binjiang.townships.len(), 1);
    assert_eq!(counts(&binjiang.total), [(0, 0); 3]);

    let street = store.coverage(day(), Some("330106002")).unwrap();
    assert_eq!(street.districts.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["330106"]);
    assert_eq!(street.townships.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["330106002"]);
    assert_eq!(counts(&street.districts[0]), [(0, 0); 3], "the district row holds only what is in scope");

    let city = store.coverage(day(), Some("330100")).unwrap();
    assert_eq!(counts(&city.total), counts(&store.coverage(day(), None).unwrap().total), "330100 means all of 3301");

    let err = store.coverage(day(), Some("西湖区")).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

/// Per enterprise, straight from the tables: (division, industry, size, park, served).
fn enterprise_by_enterprise(
    path: &Path,
    day: NaiveDate,
) -> Vec<(String, Industry, EnterpriseSize, Option<String>, bool)> {
    let conn = Connection::open(path).unwrap();
    let mut served: HashMap<String, bool> = HashMap::new();
    let mut stmt = conn.prepare("SELECT enterprise_id, starts_on, ends_on FROM contracts").unwrap();
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))).unwrap();
    for row in rows {
        let (id, starts, ends) = row.unwrap();
        let (starts, ends): (NaiveDate, NaiveDate) = (starts.parse().unwrap(), ends.parse().unwrap());
        *served.entry(id).or_default() |= starts <= day && day <= ends;
    }
    let mut stmt = conn.prepare("SELECT id, division, industry, size, park FROM enterprises").unwrap();
    let rows = stmt
        .query_map([], |r| {
            let id: String = r.get(0)?;
            let industry: String = r.get(2)?;
            let size: String = r.get(3)?;
            Ok((
                r.get::<_, String>(1)?,
                Industry::from_key(&industry).unwrap(),
                EnterpriseSize::from_key(&size).unwrap(),
                r.get::<_, Option<String>>(4)?,
                served.get(&id).copied().unwrap_or(false),
            ))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn small_demo_rows_match_a_count_enterprise_by_enterprise() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo::generate(&path, demo::DemoSize::Small, demo::DEFAULT_SEED, day()).unwrap();
    let store = Store::open(&path).unwrap();

    for on in [day(), day() + Days::new(200)] {
        let report = store.coverage(on, None).unwrap();
        let all = enterprise_by_enterprise(&path, on);

        // [parks, production small/micro, high-risk] × (served, total), per division code.
        let mut expected: BTreeMap<String, [(u32, u32); 3]> = BTreeMap::new();
        let mut bump = |code: &str, i: usize, served: bool| {
            let e = &mut expected.entry(code.to_owned()).or_default()[i];
            e.0 += u32::from(served);
            e.1 += 1;
        };
        let mut parks: BTreeMap<&str, BTreeMap<&str, (u32, u32)>> = BTreeMap::new();
        for (division, industry, size, park, served) in &all {
            for code in ["", &division[..6], division] {
                if industry.is_production() && matches!(size, EnterpriseSize::Micro | EnterpriseSize::Small) {
                    bump(code, 1, *served);
                }
                if industry.is_high_risk() {
                    bump(code, 2, *served);
                }
            }
            if let Some(p) = park {
                let t = parks.entry(p.as_str()).or_default().entry(division.as_str()).or_default();
                t.0 += u32::from(*served);
                t.1 += 1;
            }
        }
        for by_town in parks.values() {
            let (served, total) = by_town.values().fold((0, 0), |a, t| (a.0 + t.0, a.1 + t.1));
            // Most enterprises, then the lowest code (BTreeMap order) on a tie.
            let home = by_town.iter().max_by(|a, b| a.1 .1.cmp(&b.1 .1).then(b.0.cmp(a.0))).unwrap().0;
            for code in ["", &home[..6], home] {
                bump(code, 0, served * 2 >= total);
            }
        }

        let zero = [(0, 0); 3];
        assert_eq!(counts(&report.total), expected[""], "{on}: the whole city");
        for row in report.districts.iter().chain(&report.townships) {
            assert_eq!(counts(row), *expected.get(&row.code).unwrap_or(&zero), "{on}: {} {}", row.code, row.name);
        }
        let rows: u32 = report.townships.iter().map(|t| t.production_small_micro.total).sum();
        assert_eq!(rows, report.total.production_small_micro.total, "townships add up to the city");
        assert!(report.total.parks.total > 0 && report.total.high_risk.total > 0, "the demo has parks and high-risk");
        let share = report.total.production_small_micro.share.unwrap();
        assert!(share > 0.0 && share < 1.0, "{on}: some served, some not: {share}");
    }
}
