//! Credit grades (R10), evaluations (R13), the serious-dishonesty list (R11) and capability
//! tests (R12) on a real SQLite file, with a fixed clock: history only on change, refusals that
//! write nothing, the blacklist forcing D and barring commissioned work, pass rates by quarter.

use safeserve_core::blacklist::{BlacklistGround, NewBlacklistEntry, SubjectKind};
use safeserve_core::grading::{DeductionKind, Grade, GradeRules, RaterKind};
use safeserve_core::register::StaffRole;
use safeserve_core::{AgencyId, IdNumber, PersonId};
use safeserve_store::evaluations::NewEvaluation;
use safeserve_store::grades::GradedAgency;
use safeserve_store::views::BlacklistLiftView;
use safeserve_store::views::NewPerson;
use safeserve_store::{Store, StoreError};

use crate::common;
use common::{fresh_db, today, NOW};

const LATER: &str = "2026-11-24T10:00:00+08:00";

/// A small demo database (graded once by the generator), generated once and copied per test.
fn fresh() -> (tempfile::TempDir, Store) {
    let (dir, path) = fresh_db();
    let store = Store::open(&path).unwrap();
    (dir, store)
}

fn rules() -> GradeRules {
    GradeRules::shipped()
}

/// An agency not on the list and not graded D.
fn clean_agency(store: &Store) -> GradedAgency {
    store
        .ranking(&rules(), today())
        .unwrap()
        .into_iter()
        .find(|a| !a.blacklisted && a.grade != Grade::D)
        .expect("the demo has agencies in good standing")
}

fn entry(agency: AgencyId) -> NewBlacklistEntry {
    NewBlacklistEntry {
        subject_kind: SubjectKind::Agency,
        subject_id: agency.to_string(),
        ground: Some(BlacklistGround::FalseReport),
        evidence: "2026年11月抽查发现其服务记录所列检查项与现场不符，签字人员当日不在现场".into(),
        evidence_ref: None,
        entered_by: "王建国".into(),
        entered_on: "2026-11-23".into(),
    }
}

fn lift(reason: &str) -> BlacklistLiftView {
    BlacklistLiftView { reason: reason.into(), lifted_by: "王建国".into(), lifted_on: "2026-11-23".into() }
}

#[test]
fn the_demo_opens_graded_and_history_grows_only_on_change() {
    let (_dir, mut store) = fresh();
    let ranking = store.ranking(&rules(), today()).unwrap();
    assert!(ranking.len() >= 40);
    assert!(ranking.iter().all(|a| !a.changed), "the generator graded every agency with these rules");
    let first = &ranking[0];
    assert_eq!(first.rank, 1);
    assert!(ranking.windows(2).all(|w| w[0].score >= w[1].score));
    let history = store.grade_history(first.agency_id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].previous, None);
    assert_eq!(history[0].rules, rules().label());

    // The same rules on the same day: nothing recorded.
    let again = store.grade_agencies(&rules(), today(), LATER).unwrap();
    assert!(again.iter().all(|a| !a.changed));
    assert_eq!(store.grade_history(first.agency_id).unwrap().len(), 1);

    // Stricter lines move grades: one new row each, naming the previous grade and the reasons.
    let mut strict = rules();
    strict.version = "strict".into();
    strict.thresholds.a = 200.0;
    strict.thresholds.b = 199.0;
    strict.thresholds.c = 198.0;
    strict.evaluations.max_points = 100.0;
    let moved = store.grade_agencies(&strict, today(), LATER).unwrap();
    assert!(moved.iter().all(|a| a.grade == Grade::D));
    let changed: Vec<&GradedAgency> = moved.iter().filter(|a| a.changed).collect();
    assert!(!changed.is_empty());
    let a = changed[0];
    let h = store.grade_history(a.agency_id).unwrap();
    assert_eq!(h.len(), 2, "newest first: the change, then the first grade");
    assert_eq!((h[0].grade, h[0].previous), (Grade::D, Some(h[1].grade)));
    assert_eq!(h[0].reasons, a.deductions);
    assert!(h[0].rules.ends_with("strict"));
    assert_eq!(store.current_grade(a.agency_id).unwrap(), Some(Grade::D));
    // Unchanged agencies (already D) got no row.
    for u in moved.iter().filter(|a| !a.changed) {
        assert_eq!(store.grade_history(u.agency_id).unwrap().len(), 1);
    }
    assert!(store.grade_agencies(&strict, today(), LATER).unwrap().iter().all(|a| !a.changed));
}

#[test]
fn a_blacklist_entry_without_ground_or_evidence_is_refused_and_nothing_is_written() {
    let (_dir, mut store) = fresh();
    let a = clean_agency(&store);
    let entries_before = store.blacklist(false).unwrap().len();
    let history_before = store.grade_history(a.agency_id).unwrap().len();
    let cases: Vec<(NewBlacklistEntry, &str)> = vec![
        (NewBlacklistEntry { ground: None, ..entry(a.agency_id) }, "ground"),
        (NewBlacklistEntry { evidence: "  ".into(), ..entry(a.agency_id) }, "evidence"),
        (NewBlacklistEntry { evidence: "虚假报告".into(), ..entry(a.agency_id) }, "evidence"),
        (NewBlacklistEntry { subject_id: uuid::Uuid::now_v7().to_string(), ..entry(a.agency_id) }, "subject_id"),
        (NewBlacklistEntry { entered_on: "2026-11-24".into(), ..entry(a.agency_id) }, "entered_on"),
    ];
    for (form, field) in cases {
        let e = store.enter_blacklist(&form, uuid::Uuid::now_v7(), &rules(), today(), NOW).unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
        assert_eq!(e.field(), Some(field));
        assert!(
            !e.message().zh.is_empty() && e.message().zh.chars().next().unwrap() > '\u{2E80}',
            "Chinese first: {}",
            e.message()
        );
    }
    assert_eq!(store.blacklist(false).unwrap().len(), entries_before);
    assert_eq!(store.grade_history(a.agency_id).unwrap().len(), history_before);
    assert!(!store.agency_summary(a.agency_id, today()).unwrap().blacklisted);
}

#[test]
fn blacklisting_makes_the_agency_d_and_commission_barrier_says_why() {
    let (_dir, mut store) = fresh();
    let a = clean_agency(&store);
    assert_eq!(store.commission_barrier(a.agency_id).unwrap(), None);
    let entries_before = store.blacklist_of(SubjectKind::Agency, &a.agency_id.to_string()).unwrap().len();

    let change = store.enter_blacklist(&entry(a.agency_id), uuid::Uuid::now_v7(), &rules(), today(), NOW).unwrap();
    assert_eq!(change.entry.ground, BlacklistGround::FalseReport);
    assert_eq!(change.entry.subject_name, a.name);
    let g = change.grade.expect("an agency is re-graded");
    assert_eq!((g.grade, g.previous, g.changed), (Grade::D, Some(a.grade), true));
    assert_eq!(g.score, a.score, "the score stands; the list forces the grade");
    assert_eq!(store.current_grade(a.agency_id).unwrap(), Some(Grade::D));
    let h = store.grade_history(a.agency_id).unwrap();
    assert!(h[0].reasons.iter().any(|d| d.kind == DeductionKind::Blacklist));

    let why = store.commission_barrier(a.agency_id).unwrap().expect("barred");
    assert!(why.zh.contains("严重失信名单"), "{}", why.zh);
    assert!(why.zh.contains("出具虚假或严重失实报告"), "{}", why.zh);
    assert!(why.zh.contains("D 级"), "{}", why.zh);
    assert!(why.zh.contains("不得承接政府委托业务"), "{}", why.zh);
    assert!(why.en.contains("government-commissioned"), "{}", why.en);

    let summary = store.agency_summary(a.agency_id, today()).unwrap();
    assert_eq!((summary.grade, summary.blacklisted), (Some(Grade::D), true));
    let detail = store.agency_detail(a.agency_id, today()).unwrap();
    assert_eq!(detail.blacklist.len(), 1);
    assert!(detail.commission_barrier.is_some());

    // Lifting is a second record; the grade comes back and the bar goes.
    let lifted = store.lift_blacklist(&change.entry.id, &lift("经复查已整改到位"), &rules(), today(), LATER).unwrap();
    assert!(lifted.entry.lifted.is_some());
    assert_eq!(lifted.grade.unwrap().grade, a.grade);
    assert_eq!(store.commission_barrier(a.agency_id).unwrap(), None);
    assert!(store.blacklist_state(SubjectKind::Agency, &a.agency_id.to_string()).unwrap().is_empty());
    let entries = store.blacklist_of(SubjectKind::Agency, &a.agency_id.to_string()).unwrap();
    assert_eq!(entries.len(), entries_before + 1, "the lifted entry stays on record");
    let again = store.lift_blacklist(&change.entry.id, &lift("再次"), &rules(), today(), LATER);
    assert_eq!(again.unwrap_err().field(), Some("entry_id"));
}

#[test]
fn a_d_grade_alone_bars_commissioned_work() {
    let (_dir, mut store) = fresh();
    let a = clean_agency(&store);
    let mut strict = rules();
    strict.thresholds.a = 200.0;
    strict.thresholds.b = 199.0;
    strict.thresholds.c = 198.0;
    strict.evaluations.max_points = 100.0;
    store.grade_agencies(&strict, today(), LATER).unwrap();
    let why = store.commission_barrier(a.agency_id).unwrap().expect("D is barred");
    assert!(why.zh.contains("信用等级为 D 级") && !why.zh.contains("失信"), "{}", why.zh);
}

#[test]
fn evaluations_are_validated_and_count_in_the_grade() {
    let (_dir, mut store) = fresh();
    let a = clean_agency(&store);
    let form = NewEvaluation {
        agency_id: a.agency_id,
        rater_kind: RaterKind::Inspector,
        enterprise_id: None,
        visit_id: None,
        rater: "陈志强".into(),
        quality: 1,
        timeliness: 1,
        fees: 1,
        note: "抽查发现服务流于形式".into(),
        rated_on: "2026-11-23".into(),
    };
    let before = store.evaluations(a.agency_id).unwrap().len();
    for (bad, field) in [
        (NewEvaluation { quality: 0, ..form.clone() }, "quality"),
        (NewEvaluation { fees: 6, ..form.clone() }, "fees"),
        (NewEvaluation { rater: " ".into(), ..form.clone() }, "rater"),
        (NewEvaluation { rater_kind: RaterKind::Enterprise, ..form.clone() }, "enterprise_id"),
        (NewEvaluation { rated_on: "2026-12-01".into(), ..form.clone() }, "rated_on"),
        (NewEvaluation { agency_id: AgencyId(uuid::Uuid::now_v7()), ..form.clone() }, "agency_id"),
    ] {
        let e = store.add_evaluation(&bad, uuid::Uuid::now_v7(), today(), NOW).unwrap_err();
        assert_eq!(e.field(), Some(field), "{e:?}");
    }
    assert_eq!(store.evaluations(a.agency_id).unwrap().len(), before);

    for _ in 0..20 {
        store.add_evaluation(&form, uuid::Uuid::now_v7(), today(), NOW).unwrap();
    }
    let views = store.evaluations(a.agency_id).unwrap();
    assert_eq!(views.len(), before + 20);
    assert_eq!(views[0].rater, "陈志强");
    let after = store.ranking(&rules(), today()).unwrap().into_iter().find(|x| x.agency_id == a.agency_id).unwrap();
    assert!(after.score < a.score, "poor ratings take points off: {} → {}", a.score, after.score);
    assert!(after.deductions.iter().any(|d| d.kind == DeductionKind::Evaluation && d.points < 0.0));
}

#[test]
fn pass_rates_by_quarter_use_each_persons_latest_result() {
    let (_dir, mut store) = fresh();
    let a = clean_agency(&store);
    let person = PersonId(uuid::Uuid::now_v7());
    store
        .add_person(
            &NewPerson {
                id_number: IdNumber::complete("33010619900307001").unwrap().expose().to_owned(),
                name: "测试员".into(),
                phone: "13800000000".into(),
                agency_id: a.agency_id,
                role: StaffRole::Technician,
                full_time: true,
            },
            person,
            &safeserve_core::audit::Actor { user_id: None, user_name: "测试".into(), role: None },
            NOW,
            today(),
        )
        .unwrap();
    let rates = |store: &Store| store.capability_pass_rates(Some(a.agency_id)).unwrap();
    let before = rates(&store);
    // Q3: failed in July, passed the retake in August (the latest counts); Q4: failed.
    store.record_capability_test(person, "2026-07-10", 52, false, today()).unwrap();
    store.record_capability_test(person, "2026-08-20", 81, true, today()).unwrap();
    store.record_capability_test(person, "2026-10-05", 48, false, today()).unwrap();
    let after = rates(&store);
    let q = |r: &safeserve_store::evaluations::PassRates, quarter: &str| {
        r.overall.iter().find(|x| x.quarter == quarter).map(|x| (x.tested, x.passed)).unwrap_or((0, 0))
    };
    let (t3, p3) = q(&before, "2026-Q3");
    assert_eq!(q(&after, "2026-Q3"), (t3 + 1, p3 + 1));
    let (t4, p4) = q(&before, "2026-Q4");
    assert_eq!(q(&after, "2026-Q4"), (t4 + 1, p4));
    assert_eq!(after.agencies.len(), 1);
    assert_eq!(after.agencies[0].agency_id, a.agency_id);
    let q4 = after.agencies[0].quarters.iter().find(|x| x.quarter == "2026-Q4").unwrap();
    assert!((q4.rate - q4.passed as f64 / q4.tested as f64).abs() < 1e-9);
    // Quarters run oldest first.
    assert!(after.overall.windows(2).all(|w| w[0].quarter < w[1].quarter));
    // Over all agencies there are more people than in one.
    let all = store.capability_pass_rates(None).unwrap();
    assert!(all.agencies.len() > 1);
    assert!(q(&all, "2026-Q4").0 > t4);

    // Refusals.
    assert_eq!(
        store.record_capability_test(person, "2026-10-05", 101, true, today()).unwrap_err().field(),
        Some("score")
    );
    assert_eq!(
        store.record_capability_test(person, "2026-11-24", 80, true, today()).unwrap_err().field(),
        Some("taken_on")
    );
    let nobody = PersonId(uuid::Uuid::now_v7());
    assert_eq!(
        store.record_capability_test(nobody, "2026-10-05", 80, true, today()).unwrap_err().field(),
        Some("person_id")
    );
    assert_eq!(store.capability_tests(person).unwrap().len(), 3);
}

/// A certificate kind this version does not know (written by a newer SafeServe, or by hand) is
/// an error that names it — never read as some known kind, where it would count as a title
/// towards R1.
#[test]
fn an_unknown_certificate_kind_is_named_never_counted_as_a_title() {
    let (_dir, store) = fresh();
    let a = clean_agency(&store);
    let person = store.agency_detail(a.agency_id, today()).unwrap().staff[0].id.to_string();
    let path = store.path().to_owned();
    drop(store);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO certificates(person_id, kind, number, issuer) VALUES (?1, 'borrowed_title', 'JG-0001', '某机构')",
            [&person],
        )
        .unwrap();
    let store = Store::open(&path).unwrap();
    let err = store.agency_detail(a.agency_id, today()).unwrap_err();
    assert_eq!(err.code(), "unknown_key");
    let m = err.message();
    assert!(m.zh.contains("证书类别") && m.zh.contains("borrowed_title"), "{}", m.zh);
    assert!(m.en.contains("certificate kind") && m.en.contains("borrowed_title"), "{}", m.en);
}

/// A service type this version does not know in an agency's offered types fails loudly; dropping
/// it would quietly change what R5 allows the agency to be contracted for.
#[test]
fn an_unknown_service_type_offered_is_named_never_dropped() {
    let (_dir, store) = fresh();
    let a = clean_agency(&store);
    let path = store.path().to_owned();
    drop(store);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE agencies SET service_types = '[\"safety_management\",\"teleportation\"]' WHERE id = ?1",
            [a.agency_id.to_string()],
        )
        .unwrap();
    let store = Store::open(&path).unwrap();
    let err = store.agency_detail(a.agency_id, today()).unwrap_err();
    assert_eq!(err.code(), "unknown_key");
    let m = err.message();
    assert!(m.zh.contains("服务类型") && m.zh.contains("teleportation"), "{}", m.zh);
}
