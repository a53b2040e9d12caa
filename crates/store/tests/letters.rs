//! Letters (函告) and contracts on a real SQLite file: a letter composed from an inspection's
//! findings with their evidence, approved (signed) with the next reference number, tracked to
//! its reply; contracts refused without a fee and commissions refused by R9, naming the contract.

use chrono::{DateTime, FixedOffset, NaiveDate};
use safeserve_core::contract::{ContractFindingKind, ContractTerms};
use safeserve_core::document::{DocumentKind, HandSignature, SignerRole, Stroke};
use safeserve_core::letter::{FindingSource, LetterDraft, LetterEventKind, ReplyState};
use safeserve_core::register::ServiceType;
use safeserve_core::visit::{ItemResult, VisitKind};
use safeserve_core::{AgencyId, ContractId, EnterpriseId, VisitId};
use safeserve_demo as demo;
use safeserve_store::letters::NewLetterEvent;
use safeserve_store::views::*;
use safeserve_store::{Store, StoreError};

use crate::common;
use common::{fresh_db, today, NOW};

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T16:00:00+08:00").unwrap()
}

fn agencies(store: &Store) -> Vec<AgencySummary> {
    store.search_agencies("", 50, today()).unwrap()
}

/// An ended inspection of `agency` that failed its first item (with a note) and passed the rest.
fn inspection(store: &mut Store, agency: AgencyId) -> VisitId {
    // Who goes is not what this test is about: someone on the register.
    let people = store.search_people("", 1, today()).unwrap().into_iter().map(|p| p.id).collect();
    let v = store
        .start_visit(
            &NewVisit {
                kind: VisitKind::AgencyInspection,
                target_id: agency.to_string(),
                template_key: "agency-inspection".into(),
                template_version: None,
                people,
                place: Place { latitude: None, longitude: None, description: "机构办公室".into() },
                mismatch_reason: None,
            },
            VisitId(uuid::Uuid::now_v7()),
            NOW,
            today(),
        )
        .unwrap();
    let id = v.summary.id;
    let codes: Vec<String> = v.template.sections.iter().flat_map(|s| s.items.iter().map(|i| i.code.clone())).collect();
    for (i, code) in codes.iter().enumerate() {
        let (result, note) = if i == 0 {
            (ItemResult::Fail, "服务记录中的现场照片与企业实际不符".to_owned())
        } else {
            (ItemResult::Pass, String::new())
        };
        store
            .save_visit_field(id, &VisitField::Answer { code: code.clone(), result: Some(result), note }, NOW, today())
            .unwrap();
    }
    store.end_visit(id, NOW, today()).unwrap();
    id
}

/// The letter of `visit`, signed by the supervisor.
fn request(visit: VisitId) -> DocumentRequest {
    DocumentRequest {
        kind: DocumentKind::Letter,
        visit_id: Some(visit),
        enterprise_id: None,
        signatures: vec![HandSignature {
            role: SignerRole::Supervisor,
            name: "赵处长".into(),
            certificates: vec![],
            width: 600,
            height: 200,
            strokes: vec![Stroke { points: vec![[10, 20, 500], [200, 120, 700]] }],
            refusal: None,
        }],
        replaces: None,
        correction_reason: String::new(),
    }
}

fn supervisor_signs(
    store: &mut Store,
    visit: VisitId,
    number: Option<u32>,
) -> Result<safeserve_core::document::SignedDocument, StoreError> {
    let request = request(visit);
    let random: [u8; 10] = uuid::Uuid::now_v7().as_bytes()[6..16].try_into().unwrap();
    store.sign_numbered(&request, &demo::documents::demo_key(9), "测试设备", now(), &random, &|_| Vec::new(), number)
}

fn event(kind: LetterEventKind, note: &str, by: &str) -> NewLetterEvent {
    NewLetterEvent { kind, on_date: today(), note: note.into(), by: by.into() }
}

#[test]
fn a_letter_is_composed_from_findings_approved_with_the_next_number_and_followed_to_its_reply() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let agency = agencies(&store)[0].id;
    let visit = inspection(&mut store, agency);

    let candidates = store.letter_candidates(visit, today()).unwrap();
    let item =
        candidates.iter().find(|f| matches!(f.source, FindingSource::Item { .. })).expect("the failed item is offered");
    assert!(item.evidence.iter().any(|e| e.starts_with("依据")), "{:?}", item.evidence);
    assert!(item.evidence.iter().any(|e| e.contains("现场照片与企业实际不符")), "{:?}", item.evidence);

    // A draft without findings is refused and nothing is kept.
    let mut draft = LetterDraft {
        visit_id: visit.to_string(),
        findings: vec![],
        demands: vec!["立即整改".into()],
        reply_days: 15,
        drafted_by: "王检查".into(),
    };
    let err = store.save_letter_draft(&draft, NOW).unwrap_err();
    assert!(err.message().zh.contains("没有列出任何问题"), "{}", err.message().zh);
    assert!(store.letter_draft(visit).unwrap().is_none());

    draft.findings = vec![item.clone()];
    store.save_letter_draft(&draft, NOW).unwrap();

    let held_before: u32 = store.letter_numbers().unwrap().iter().filter(|s| s.year == 2026).map(|s| s.highest).sum();
    let signed = supervisor_signs(&mut store, visit, None).unwrap();
    let letter = signed.content.letter.clone().unwrap();
    assert_eq!(letter.reference, format!("杭应急函〔2026〕{}号", held_before + 1));
    assert_eq!(letter.findings.len(), 1);
    assert!(letter.findings[0].contains("（证据：依据"), "{}", letter.findings[0]);
    assert_eq!(letter.demands[0], "立即整改");
    assert_eq!(letter.reply_by, "2026-12-08");
    let series = store.letter_numbers().unwrap();
    assert!(series.iter().all(|s| s.missing.is_empty() && s.repeated.is_empty()), "{series:?}");

    // Signed: the draft is closed.
    assert!(matches!(store.save_letter_draft(&draft, NOW), Err(StoreError::Refused { .. })));

    // The reply, then the review.
    let view = store.letter(signed.id, today()).unwrap();
    assert_eq!(view.state, ReplyState::Awaiting);
    assert_eq!(
        store.letter(signed.id, NaiveDate::from_ymd_opt(2026, 12, 9).unwrap()).unwrap().state,
        ReplyState::Overdue
    );
    let early = store.record_letter_event(signed.id, &event(LetterEventKind::Accepted, "", "赵处长"), NOW, today());
    assert!(matches!(early, Err(StoreError::Refused { .. })), "nothing to accept yet");
    let replied = store
        .record_letter_event(signed.id, &event(LetterEventKind::Replied, "已整改并补全档案", "王检查"), NOW, today())
        .unwrap();
    assert_eq!(replied.state, ReplyState::Replied);
    let accepted = store
        .record_letter_event(signed.id, &event(LetterEventKind::Accepted, "整改到位", "赵处长"), NOW, today())
        .unwrap();
    assert_eq!(accepted.state, ReplyState::Accepted);
    assert_eq!(accepted.events.len(), 2);

    // A corrected letter is the same letter: its number, its replies, found by either version.
    let mut correction = request(visit);
    correction.replaces = Some(signed.id);
    correction.correction_reason = "回复期限写错".into();
    let random: [u8; 10] = uuid::Uuid::now_v7().as_bytes()[6..16].try_into().unwrap();
    let v2 = store
        .sign_document(&correction, &demo::documents::demo_key(9), "测试设备", now(), &random, &|_| Vec::new())
        .unwrap();
    assert_eq!(v2.content.letter.unwrap().reference, letter.reference);
    for id in [signed.id, v2.id] {
        let l = store.letter(id, today()).unwrap();
        assert_eq!((l.id, l.latest, l.version, l.events.len()), (signed.id, v2.id, 2, 2));
    }
    assert!(store.letters(Some(&agency.to_string()), today()).unwrap().iter().any(|l| l.id == signed.id));
}

#[test]
fn a_number_from_the_server_is_used_and_never_handed_out_again_here() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let list = agencies(&store);
    let first = inspection(&mut store, list[0].id);
    let second = inspection(&mut store, list[1].id);
    let given = supervisor_signs(&mut store, first, Some(40)).unwrap();
    assert_eq!(given.content.letter.unwrap().reference, "杭应急函〔2026〕40号");
    let next = supervisor_signs(&mut store, second, None).unwrap();
    assert_eq!(next.content.letter.unwrap().reference, "杭应急函〔2026〕41号");
    let series = store.letter_numbers().unwrap();
    let s = series.iter().find(|s| s.year == 2026).unwrap();
    assert!(s.missing.contains(&39) || s.highest == 41, "numbers under 40 not held here are listed as missing: {s:?}");
    assert!(s.repeated.is_empty());
}

fn form(
    agency: AgencyId,
    enterprise: EnterpriseId,
    commissioned: bool,
    from: &str,
    to: &str,
    fee_fen: i64,
) -> NewContract {
    NewContract {
        agency_id: agency,
        enterprise_id: enterprise,
        service_types: vec![ServiceType::ProfessionalTechnical],
        content: "安全生产隐患排查".into(),
        visits_per_year: 2,
        starts_on: from.into(),
        ends_on: to.into(),
        fee_fen,
        acceptance_standard: "出具检查报告".into(),
        terms: ContractTerms::default(),
        filed_with: None,
        filed_on: None,
        government_commissioned: commissioned,
    }
}

#[test]
fn contracts_without_a_fee_and_conflicting_commissions_are_refused_naming_the_contract() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    // An enterprise and the agency serving it now.
    let e = store
        .search_enterprises(&EnterpriseQuery {
            text: String::new(),
            division: None,
            industry: None,
            high_risk_only: false,
            limit: Some(200),
        })
        .unwrap()
        .into_iter()
        .find(|e| {
            store
                .enterprise_file(e.id, today())
                .unwrap()
                .contracts
                .iter()
                .any(|c| c.active && !c.government_commissioned)
        })
        .unwrap();
    let file = store.enterprise_file(e.id, today()).unwrap();
    let serving = file.contracts.iter().find(|c| c.active && !c.government_commissioned).unwrap();
    let other =
        agencies(&store).into_iter().map(|a| a.id).find(|a| file.contracts.iter().all(|c| c.agency_id != *a)).unwrap();
    let count = |s: &Store| s.enterprise_file(e.id, today()).unwrap().contracts.len();
    let before = count(&store);

    let no_fee = store.add_contract(
        &form(other, e.id, false, "2026-12-01", "2027-11-30", 0),
        ContractId(uuid::Uuid::now_v7()),
        NOW,
        today(),
    );
    let Err(StoreError::Refused { problems }) = no_fee else { panic!("refused: {no_fee:?}") };
    assert!(problems[0].zh.contains("服务费用"), "{problems:?}");

    // R9: the serving agency may not be commissioned to check its own client.
    let cross = form(serving.agency_id, e.id, true, &today().to_string(), "2026-12-31", 500_000);
    let problems = store.contract_problems(&cross).unwrap();
    assert!(problems.iter().any(|p| p.zh.contains("交叉服务") && p.zh.contains(&serving.agency_name)), "{problems:?}");
    assert!(store.add_contract(&cross, ContractId(uuid::Uuid::now_v7()), NOW, today()).is_err());
    assert_eq!(count(&store), before, "nothing half-saved");

    // Another agency may; then a third overlapping commission of the same kind may not.
    let given = store
        .add_contract(
            &form(other, e.id, true, "2027-01-01", "2027-06-30", 500_000),
            ContractId(uuid::Uuid::now_v7()),
            NOW,
            today(),
        )
        .unwrap();
    assert!(given.government_commissioned);
    assert!(
        given.findings.iter().any(|f| f.kind == ContractFindingKind::MissingElement),
        "terms left empty are flagged"
    );
    let third = agencies(&store).into_iter().map(|a| a.id).find(|a| *a != other && *a != serving.agency_id).unwrap();
    let overlapping = form(third, e.id, true, "2027-06-30", "2027-12-31", 500_000);
    let problems = store.contract_problems(&overlapping).unwrap();
    assert!(
        problems.iter().any(|p| p.zh.contains("重叠服务")),
        "a commission ending the day this one starts overlaps: {problems:?}"
    );
    let next_day = form(third, e.id, true, "2027-07-01", "2027-12-31", 500_000);
    assert!(
        store.contract_problems(&next_day).unwrap().iter().all(|p| !p.zh.contains("重叠服务")),
        "starting the day after is free"
    );
}

#[test]
fn an_exemption_clause_in_a_recorded_contract_is_shown_with_its_text() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let e = store
        .search_enterprises(&EnterpriseQuery {
            text: String::new(),
            division: None,
            industry: None,
            high_risk_only: false,
            limit: Some(5),
        })
        .unwrap()[0]
        .clone();
    let a = agencies(&store)[0].id;
    let mut f = form(a, e.id, false, "2026-12-01", "2027-11-30", 1_000_000);
    f.terms.clauses = "第九条 甲方发生生产安全事故的，乙方概不负责。".into();
    let c = store.add_contract(&f, ContractId(uuid::Uuid::now_v7()), NOW, today()).unwrap();
    let hit = c.findings.iter().find(|f| f.kind == ContractFindingKind::ExemptionClause).expect("flagged");
    assert!(hit.matched.as_deref().unwrap().contains("【概不负责】"), "{hit:?}");
}
