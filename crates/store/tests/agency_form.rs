//! 登记服务机构 and 编辑登记信息 on a real SQLite file: a new agency is registered with its R1
//! facts and R2 fees and the act in the audit log; an edit changes only what differs and keeps
//! each old value in the agency's history; a taken or changed credit code, an unknown
//! division or an empty name is refused with its field and writes nothing.

use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::import::agencies::{AgencyForm, ReferenceFee};
use safeserve_core::register::{Industry, ManagementDocument, ServiceType};
use safeserve_core::sync::{Entity, Role};
use safeserve_core::CreditCode;
use safeserve_store::{Store, StoreError};

use crate::common::{fresh_db, today, NOW};

fn clerk() -> Actor {
    Actor { user_id: Some("u1".into()), user_name: "王建国".into(), role: Some(Role::Supervisor) }
}

fn form(code: &str) -> AgencyForm {
    AgencyForm {
        credit_code: code.into(),
        name: "杭州新启安全技术服务有限公司".into(),
        address: "西湖区文三路 1 号".into(),
        office_area_m2: 90.0,
        division: "330106".into(),
        service_types: vec![ServiceType::SafetyManagement],
        high_risk_industries: vec![Industry::Chemical],
        platform_registered: false,
        documents: vec![ManagementDocument::ServiceProcedures],
        fees: vec![ReferenceFee { service: ServiceType::SafetyManagement, yuan: 30000.0 }],
    }
}

fn refused_field(r: Result<safeserve_core::AgencyId, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn an_agency_registered_and_edited_by_form_keeps_its_history() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let code = CreditCode::complete("91330106MA2HNT8Q1").unwrap().as_str().to_owned();
    let before = store.pending_changes(100_000).unwrap().len();

    let id = store.save_agency(&form(&code), None, &clerk(), NOW).unwrap();
    let d = store.agency_detail(id, today()).unwrap();
    assert_eq!((d.agency.credit_code.as_str(), d.office_area_m2, d.division.as_str()), (code.as_str(), 90.0, "330106"));
    assert_eq!(d.reference_fees, vec![ReferenceFee { service: ServiceType::SafetyManagement, yuan: 30000.0 }]);
    assert!(d.unmet.iter().any(|u| u.message.zh.contains("100")), "90 m² is short of R1: {:?}", d.unmet);
    assert_eq!(d.history.len(), 1);
    assert_eq!(d.history[0].act, AuditAct::AddRegister);
    let queued = store.pending_changes(100_000).unwrap();
    assert!(queued.len() > before && queued.iter().any(|c| c.entity == Entity::Agency), "the new agency travels");

    // A second registration of the same code, a code changed on edit, an unknown division,
    // an empty name: each refused under its field, nothing written.
    assert_eq!(refused_field(store.save_agency(&form(&code), None, &clerk(), NOW)), "credit_code");
    let other = CreditCode::complete("91330106MA2HNT8Q2").unwrap().as_str().to_owned();
    assert_eq!(refused_field(store.save_agency(&form(&other), Some(id), &clerk(), NOW)), "credit_code");
    assert_eq!(
        refused_field(store.save_agency(
            &AgencyForm { division: "339999".into(), ..form(&code) },
            Some(id),
            &clerk(),
            NOW
        )),
        "division"
    );
    assert_eq!(
        refused_field(store.save_agency(&AgencyForm { name: " ".into(), ..form(&code) }, Some(id), &clerk(), NOW)),
        "name"
    );
    let bad_code = format!("{}0", &code[..17]);
    let bad_code = if bad_code == code { format!("{}1", &code[..17]) } else { bad_code };
    assert_eq!(refused_field(store.save_agency(&form(&bad_code), None, &clerk(), NOW)), "credit_code");
    assert_eq!(store.agency_detail(id, today()).unwrap().history.len(), 1, "nothing written by a refusal");

    // The office grows and a fee is withdrawn: one change entry naming both old values.
    let edited = AgencyForm { office_area_m2: 120.0, fees: vec![], ..form(&code) };
    assert_eq!(store.save_agency(&edited, Some(id), &clerk(), NOW).unwrap(), id);
    let d = store.agency_detail(id, today()).unwrap();
    assert_eq!((d.office_area_m2, d.reference_fees.len()), (120.0, 0));
    assert_eq!(d.history.len(), 2);
    let change = &d.history[0];
    assert_eq!((change.act, change.user_name.as_str()), (AuditAct::ChangeRegister, "王建国"));
    assert!(change.detail.contains("办公面积（平方米）：90 → 120"), "{}", change.detail);
    assert!(change.detail.contains("参考收费：安全管理服务（元/年）：30000 → "), "{}", change.detail);
    // Saving the same again changes nothing and records nothing.
    store.save_agency(&edited, Some(id), &clerk(), NOW).unwrap();
    assert_eq!(store.agency_detail(id, today()).unwrap().history.len(), 2);
}
