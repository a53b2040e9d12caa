//! Practice notices (执业告知, R1) and removal from the platform (移除系统平台, R12) on a real
//! SQLite file: a county served without a notice is an unmet R1 condition until one is
//! recorded; a removed agency takes no new contract until restored; acts are written once,
//! travel in the outbox, and a refused form writes nothing.

use safeserve_core::contract::ContractTerms;
use safeserve_core::grading::GradeRules;
use safeserve_core::qualification::ConditionKind;
use safeserve_core::register::ServiceType;
use safeserve_core::standing::{AgencyActKind, NewAgencyAct};
use safeserve_core::sync::Entity;
use safeserve_core::{AgencyId, ContractId};
use safeserve_store::views::{AgencySummary, EnterpriseQuery, EnterpriseSummary, NewContract};
use safeserve_store::{Store, StoreError};

use crate::common;
use common::{fresh_db, today, NOW};

fn act(agency: AgencyId, kind: AgencyActKind, county: Option<&str>, note: &str) -> NewAgencyAct {
    NewAgencyAct {
        agency_id: agency.to_string(),
        kind,
        county: county.map(str::to_owned),
        note: note.into(),
        decided_by: "王建国".into(),
        decided_on: today().to_string(),
    }
}

fn contract(agency: AgencyId, e: &EnterpriseSummary) -> NewContract {
    NewContract {
        agency_id: agency,
        enterprise_id: e.id,
        service_types: vec![ServiceType::SafetyManagement],
        content: "安全管理服务".into(),
        visits_per_year: 4,
        starts_on: today().to_string(),
        ends_on: "2027-11-22".into(),
        fee_fen: 1_000_000,
        acceptance_standard: "出具书面隐患清单".into(),
        terms: ContractTerms::default(),
        filed_with: None,
        filed_on: None,
        government_commissioned: false,
    }
}

fn enterprises(store: &Store) -> Vec<EnterpriseSummary> {
    store
        .search_enterprises(&EnterpriseQuery {
            text: String::new(),
            division: None,
            industry: None,
            high_risk_only: false,
            limit: Some(500),
        })
        .unwrap()
}

/// An agency serving someone now, whose R1 standing has nothing to do with notices.
fn serving_agency(store: &Store) -> AgencySummary {
    store
        .search_agencies("", 50, today())
        .unwrap()
        .into_iter()
        .find(|a| {
            let d = store.agency_detail(a.id, today()).unwrap();
            d.contracts.iter().any(|c| c.active) && d.agency.removal.is_none()
        })
        .expect("the demo has agencies serving clients")
}

fn acts_in_outbox(store: &Store) -> usize {
    store.pending_changes(10_000).unwrap().iter().filter(|c| c.entity == Entity::AgencyAct).count()
}

#[test]
fn a_county_served_without_a_practice_notice_is_unmet_until_the_notice_is_recorded() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let a = serving_agency(&store);
    let detail = store.agency_detail(a.id, today()).unwrap();
    assert!(
        detail.unmet.iter().all(|u| u.kind != ConditionKind::PracticeNotice),
        "the demo's agencies gave notice wherever they serve: {:?}",
        detail.unmet
    );
    let notified: Vec<String> = detail.acts.iter().filter_map(|x| x.county.clone()).collect();
    assert!(!notified.is_empty(), "the notices are listed with the agency");

    // A new client in a county the agency never notified.
    let e = enterprises(&store).into_iter().find(|e| !notified.iter().any(|c| e.division.starts_with(c))).unwrap();
    let county = e.division[..6].to_owned();
    store.add_contract(&contract(a.id, &e), ContractId(uuid::Uuid::now_v7()), NOW, today()).unwrap();
    let unmet = store.agency_detail(a.id, today()).unwrap().unmet;
    let gap = unmet.iter().find(|u| u.kind == ConditionKind::PracticeNotice).expect("an unmet condition");
    let county_name = e.division_name.split(" · ").next().unwrap();
    assert!(gap.message.zh.contains(county_name), "{gap:?} names {county_name}");
    assert!(!store.agency_summary(a.id, today()).unwrap().qualified);

    // Forms that say too little, or name no county, are refused with nothing written.
    let before = (store.agency_acts(a.id).unwrap().len(), acts_in_outbox(&store));
    for (county, field) in [(None, "county"), (Some(&e.division[..]), "county"), (Some("330100"), "county")] {
        let refused = store.record_agency_act(
            &act(a.id, AgencyActKind::PracticeNotice, county, ""),
            uuid::Uuid::now_v7(),
            today(),
            NOW,
        );
        assert!(
            matches!(&refused, Err(StoreError::Invalid { field: f, .. }) if *f == field),
            "{county:?}: {refused:?}"
        );
    }
    let unknown = store.record_agency_act(
        &act(a.id, AgencyActKind::PracticeNotice, Some("339998"), ""),
        uuid::Uuid::now_v7(),
        today(),
        NOW,
    );
    assert!(matches!(unknown, Err(StoreError::Invalid { field: "county", .. })), "{unknown:?}");
    assert_eq!((store.agency_acts(a.id).unwrap().len(), acts_in_outbox(&store)), before, "nothing written");

    let notice = store
        .record_agency_act(
            &act(a.id, AgencyActKind::PracticeNotice, Some(&county), "告知书 2026-118"),
            uuid::Uuid::now_v7(),
            today(),
            NOW,
        )
        .unwrap();
    assert_eq!(notice.county.as_deref(), Some(county.as_str()));
    assert!(notice.county_name.as_deref().is_some_and(|n| n.contains(county_name)), "{notice:?}");
    let detail = store.agency_detail(a.id, today()).unwrap();
    assert!(detail.unmet.iter().all(|u| u.kind != ConditionKind::PracticeNotice), "{:?}", detail.unmet);
    assert_eq!(detail.acts[0], notice, "newest first");
    assert_eq!(acts_in_outbox(&store), before.1 + 1, "the notice waits to be sent");

    // Written once: the database itself refuses to change or drop it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(conn.execute("UPDATE agency_acts SET county = '330106' WHERE id = ?1", [&notice.id]).is_err());
    assert!(conn.execute("DELETE FROM agency_acts WHERE id = ?1", [&notice.id]).is_err());
}

#[test]
fn an_agency_removed_from_the_platform_takes_no_new_contract_until_restored() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let a = serving_agency(&store);
    let e = enterprises(&store)[0].clone();
    let id = || uuid::Uuid::now_v7();

    let no_reason = store.record_agency_act(&act(a.id, AgencyActKind::PlatformRemoval, None, " "), id(), today(), NOW);
    assert!(matches!(no_reason, Err(StoreError::Invalid { field: "note", .. })), "{no_reason:?}");
    let nothing_to_restore = store.record_agency_act(
        &act(a.id, AgencyActKind::PlatformRestoration, None, "整改完成，恢复平台"),
        id(),
        today(),
        NOW,
    );
    assert!(matches!(nothing_to_restore, Err(StoreError::Invalid { field: "kind", .. })), "{nothing_to_restore:?}");

    let removal = store
        .record_agency_act(
            &act(a.id, AgencyActKind::PlatformRemoval, None, "连续两次函告逾期未回复"),
            id(),
            today(),
            NOW,
        )
        .unwrap();
    // Shown wherever the agency is listed.
    let listed = store.search_agencies("", 50, today()).unwrap().into_iter().find(|x| x.id == a.id).unwrap();
    assert_eq!(listed.removal.as_ref(), Some(&removal));
    assert_eq!(store.agency_summary(a.id, today()).unwrap().removal.as_ref(), Some(&removal));
    let ranked = store.ranking(&GradeRules::shipped(), today()).unwrap();
    assert_eq!(ranked.iter().find(|x| x.agency_id == a.id).unwrap().removal.as_ref(), Some(&removal), "in the ranking");

    // No new contract of any kind; nothing half-saved.
    let form = contract(a.id, &e);
    let problems = store.contract_problems(&form).unwrap();
    assert!(
        problems.iter().any(|p| p.zh.contains("移除系统平台") && p.zh.contains("连续两次函告逾期未回复")),
        "{problems:?}"
    );
    let before = store.agency_detail(a.id, today()).unwrap().contracts.len();
    let refused = store.add_contract(&form, ContractId(id()), NOW, today());
    assert!(matches!(refused, Err(StoreError::Refused { .. })), "{refused:?}");
    assert_eq!(store.agency_detail(a.id, today()).unwrap().contracts.len(), before);
    let twice =
        store.record_agency_act(&act(a.id, AgencyActKind::PlatformRemoval, None, "再次移除"), id(), today(), NOW);
    assert!(matches!(twice, Err(StoreError::Invalid { field: "kind", .. })), "{twice:?}");

    // Restored: contracts again, and the history keeps both acts.
    store
        .record_agency_act(
            &act(a.id, AgencyActKind::PlatformRestoration, None, "整改完成，经复核恢复"),
            id(),
            today(),
            NOW,
        )
        .unwrap();
    assert!(store.agency_summary(a.id, today()).unwrap().removal.is_none());
    assert!(store.contract_problems(&form).unwrap().is_empty());
    store.add_contract(&form, ContractId(id()), NOW, today()).unwrap();
    let kinds: Vec<AgencyActKind> = store.agency_acts(a.id).unwrap().iter().map(|x| x.kind).take(2).collect();
    assert_eq!(kinds, [AgencyActKind::PlatformRestoration, AgencyActKind::PlatformRemoval]);
}
