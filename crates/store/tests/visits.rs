//! Visits, hazards and photos on a real SQLite file: the lifecycle rules, R7 and R8 as the
//! store applies them, and what may never change once recorded.

use safeserve_core::hazard::{HazardEventKind, HazardLevel, HazardStatus};
use safeserve_core::register::Industry;
use safeserve_core::visit::{ItemResult, VisitKind};
use safeserve_core::{EnterpriseId, HazardId, PersonId, VisitId};
use safeserve_store::views::*;
use safeserve_store::{Store, StoreError};

use crate::common;
use common::{fresh_db, today, NOW};

/// An enterprise of the wanted kind with an agency under contract, and that agency's staff.
pub(crate) fn enterprise_with_staff(store: &Store, high_risk: bool) -> (EnterpriseSummary, Vec<PersonSummary>) {
    let found = store
        .search_enterprises(&EnterpriseQuery {
            text: String::new(),
            division: None,
            industry: if high_risk { Some(Industry::Chemical) } else { Some(Industry::Textile) },
            high_risk_only: false,
            limit: Some(200),
        })
        .unwrap();
    for e in found {
        let file = store.enterprise_file(e.id, today()).unwrap();
        if let Some(a) = file.serving_agencies.first() {
            let staff = store.agency_detail(a.id, today()).unwrap().staff;
            return (e, staff);
        }
    }
    panic!("the demo has served enterprises of every kind");
}

pub(crate) fn start(
    store: &mut Store,
    kind: VisitKind,
    target: &str,
    people: Vec<PersonId>,
    reason: Option<&str>,
) -> Result<VisitDetail, StoreError> {
    store.start_visit(
        &NewVisit {
            kind,
            target_id: target.to_owned(),
            template_key: if kind == VisitKind::AgencyInspection { "agency-inspection" } else { "enterprise-general" }
                .into(),
            template_version: None,
            people,
            place: Place { latitude: None, longitude: None, description: "一号车间".into() },
            mismatch_reason: reason.map(Into::into),
        },
        VisitId(uuid::Uuid::now_v7()),
        NOW,
        today(),
    )
}

pub(crate) fn answer(store: &mut Store, v: VisitId, code: &str, result: ItemResult) -> Option<NewHazard> {
    store
        .save_visit_field(
            v,
            &VisitField::Answer { code: code.into(), result: Some(result), note: String::new() },
            NOW,
            today(),
        )
        .unwrap()
}

/// Answers 符合 to every item of the visit but `failed`.
fn pass_all_but(store: &mut Store, v: VisitId, failed: &str) {
    for code in store.visit(v, today()).unwrap().template.items().map(|i| i.code.clone()).collect::<Vec<_>>() {
        if code != failed {
            answer(store, v, &code, ItemResult::Pass);
        }
    }
}

fn png(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x as u8).wrapping_mul(seed), (y * 5) as u8, seed]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub(crate) fn qualified(staff: &[PersonSummary]) -> Vec<PersonId> {
    staff.iter().filter(|p| p.certificates.iter().any(|c| !c.expired)).map(|p| p.id).take(2).collect()
}

#[test]
fn a_visit_records_answers_hazards_and_photos_and_freezes_when_ended() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let (e, staff) = enterprise_with_staff(&store, false);
    let visit = start(&mut store, VisitKind::Service, &e.id.to_string(), qualified(&staff), None).unwrap();
    let v = visit.summary.id;
    assert_eq!(visit.template.key, "enterprise-general");

    // A failed item proposes a hazard prefilled from the item.
    let proposal = answer(&mut store, v, "FI-03", ItemResult::Fail).expect("a failure proposes a hazard");
    assert_eq!(proposal.level, HazardLevel::Major);
    assert!(proposal.basis.contains("消防法"), "{}", proposal.basis);
    let major = store.add_hazard(v, &proposal, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap();
    let general_form = answer(&mut store, v, "FI-01", ItemResult::Fail).unwrap();
    let general = store.add_hazard(v, &general_form, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap();
    assert!(answer(&mut store, v, "FI-01", ItemResult::Fail).is_none(), "one hazard per failed item");

    // A photo attached to the hazard, and a bad file refused with nothing stored.
    let photo = store
        .ingest_photo(
            &png(3),
            Some(&PhotoTarget::Hazard { hazard_id: general.id, after: false }),
            NOW,
            "2026-11-23 10:00".into(),
        )
        .unwrap();
    assert!(std::path::Path::new(&photo.display_path).exists());
    let bad = store.ingest_photo(
        b"not a photo at all",
        Some(&PhotoTarget::Item { visit_id: v, code: "FI-02".into() }),
        NOW,
        String::new(),
    );
    assert!(matches!(bad, Err(StoreError::Photo { .. })), "{bad:?}");
    assert!(store.visit(v, today()).unwrap().answers.iter().all(|a| a.code != "FI-02"), "nothing half-stored");

    // Major first, whatever the order they were recorded in.
    let detail = store.visit(v, today()).unwrap();
    assert_eq!(detail.hazards.iter().map(|h| h.id).collect::<Vec<_>>(), vec![major.id, general.id]);
    assert_eq!(detail.hazards[1].photos_before.len(), 1);

    // Ending needs every item answered.
    let err = store.end_visit(v, NOW, today()).unwrap_err();
    assert!(err.message().zh.contains("未填写检查结果"), "{}", err.message());
    for item in detail.template.items().map(|i| i.code.clone()).collect::<Vec<_>>() {
        if item != "FI-03" && item != "FI-01" {
            answer(&mut store, v, &item, ItemResult::Pass);
        }
    }
    store.end_visit(v, NOW, today()).unwrap();

    // Once ended, nothing about it changes.
    let err = store.save_hazard_field(major.id, &HazardField::Description("改过".into())).unwrap_err();
    assert!(err.message().zh.contains("已锁定"), "{}", err.message());
    let err = store
        .save_visit_field(
            v,
            &VisitField::Answer { code: "FI-02".into(), result: Some(ItemResult::Fail), note: String::new() },
            NOW,
            today(),
        )
        .unwrap_err();
    assert!(err.message().zh.contains("已结束"), "{}", err.message());
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE hazard_events SET note = 'x'",
        "DELETE FROM hazard_events",
        "DELETE FROM hazards",
        "DELETE FROM hazard_photos",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append_only"), "{sql}: {err}");
    }
    let ended = format!("(SELECT seq FROM visits WHERE id = '{v}')");
    for sql in [
        format!("UPDATE visit_items SET result = 'pass' WHERE visit_seq = {ended}"),
        format!("DELETE FROM visit_items WHERE visit_seq = {ended}"),
        format!("UPDATE visits SET assessment = '改过' WHERE id = '{v}'"),
    ] {
        let err = conn.execute(&sql, []).unwrap_err();
        assert!(err.to_string().contains("visit_frozen"), "{sql}: {err}");
    }
}

#[test]
fn a_high_risk_visit_with_unfit_people_needs_a_written_reason_which_is_kept() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let (e, _) = enterprise_with_staff(&store, true);
    // Someone with no chemical engineering title: a textile agency's person.
    let (_, other_staff) = enterprise_with_staff(&store, false);
    let unfit: Vec<PersonId> = other_staff
        .iter()
        .filter(|p| !p.certificates.iter().any(|c| c.specialty.as_deref() == Some("化工工艺")))
        .map(|p| p.id)
        .take(1)
        .collect();
    let check = store.capability_check(VisitKind::Service, &e.id.to_string(), &unfit, today()).unwrap();
    assert!(check.iter().any(|m| m.message.zh.contains("化工工艺")), "{check:?}");

    let err = start(&mut store, VisitKind::Service, &e.id.to_string(), unfit.clone(), None).unwrap_err();
    assert_eq!(err.field(), Some("mismatch_reason"));
    assert!(err.message().zh.contains("不匹配"), "{}", err.message());
    // R7 is about the agency's people: the bureau's own spot check needs no reason.
    let spot = start(&mut store, VisitKind::SpotCheck, &e.id.to_string(), unfit.clone(), None).unwrap();
    assert!(spot.mismatches.is_empty());
    assert!(store.capability_check(VisitKind::SpotCheck, &e.id.to_string(), &unfit, today()).unwrap().is_empty());
    let visit = start(&mut store, VisitKind::Service, &e.id.to_string(), unfit, Some("专业人员病假，已报告技术负责人"))
        .unwrap();
    assert_eq!(visit.mismatch_reason.as_deref(), Some("专业人员病假，已报告技术负责人"));
    assert!(!visit.mismatches.is_empty());
}

#[test]
fn a_reinspection_closes_with_after_photos_or_keeps_open_with_a_reason() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let (e, staff) = enterprise_with_staff(&store, false);
    let people = qualified(&staff);
    let first = start(&mut store, VisitKind::Service, &e.id.to_string(), people.clone(), None).unwrap().summary.id;
    let mut ids = Vec::new();
    for code in ["EL-01", "MA-01"] {
        let form = answer(&mut store, first, code, ItemResult::Fail).unwrap();
        ids.push(store.add_hazard(first, &form, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap().id);
    }
    let re = start(&mut store, VisitKind::Reinspection, &e.id.to_string(), people, None).unwrap();
    assert!(ids.iter().all(|id| re.open_hazards.iter().any(|h| h.id == *id)));
    let re = re.summary.id;

    let err = store.reinspect(re, ids[0], &Reinspection::Close, NOW).unwrap_err();
    assert_eq!(err.field(), Some("photos_after"));
    store
        .ingest_photo(&png(9), Some(&PhotoTarget::Hazard { hazard_id: ids[0], after: true }), NOW, String::new())
        .unwrap();
    store.reinspect(re, ids[0], &Reinspection::Close, NOW).unwrap();
    let err = store.reinspect(re, ids[1], &Reinspection::KeepOpen { reason: " ".into() }, NOW).unwrap_err();
    assert_eq!(err.field(), Some("reason"));
    store.reinspect(re, ids[1], &Reinspection::KeepOpen { reason: "配电箱仍未加装漏电保护".into() }, NOW).unwrap();

    let late =
        store.ingest_photo(&png(11), Some(&PhotoTarget::Hazard { hazard_id: ids[0], after: true }), NOW, String::new());
    assert_eq!(late.unwrap_err().field(), Some("photos_after"), "a closed hazard takes no more photos");
    let closed = store.hazard(ids[0], today()).unwrap();
    assert_eq!(closed.state.status, HazardStatus::Closed);
    assert_eq!(closed.photos_after.len(), 1);
    let kept = store.hazard(ids[1], today()).unwrap();
    assert_eq!(kept.state.status, HazardStatus::Open);
    assert_eq!(kept.events.last().unwrap().kind, HazardEventKind::KeptOpen);
    let err = store.add_hazard_event(ids[0], HazardEventKind::RectificationReported, "", None, NOW).unwrap_err();
    assert!(err.message().zh.contains("闭环"), "{}", err.message());

    // The enterprise file holds it all, major first, with counts.
    let file = store.enterprise_file(e.id, today()).unwrap();
    assert!(file.hazard_counts.closed >= 1 && file.hazard_counts.open >= 1);
    let levels: Vec<_> = file.hazards.iter().map(|h| h.level).collect();
    let first_general = levels.iter().position(|l| *l == HazardLevel::General).unwrap_or(levels.len());
    assert!(levels[first_general..].iter().all(|l| *l == HazardLevel::General), "major first: {levels:?}");
    assert!(file.timeline.windows(2).all(|w| w[0].at >= w[1].at), "timeline newest first");
    assert!(file.visits.iter().any(|v| v.id == re));
}

#[test]
fn a_half_finished_visit_is_there_after_reopening() {
    let (_dir, path) = fresh_db();
    let (e, v) = {
        let mut store = Store::open(&path).unwrap();
        let (e, staff) = enterprise_with_staff(&store, false);
        let v = start(&mut store, VisitKind::SpotCheck, &e.id.to_string(), qualified(&staff), None).unwrap().summary.id;
        answer(&mut store, v, "MG-01", ItemResult::Pass);
        store.save_visit_field(v, &VisitField::Assessment("现场管理较好".into()), NOW, today()).unwrap();
        (e.id, v)
    };
    let store = Store::open(&path).unwrap();
    assert!(store.unfinished_visits().unwrap().iter().any(|s| s.id == v));
    let detail = store.visit(v, today()).unwrap();
    assert_eq!(detail.assessment, "现场管理较好");
    assert_eq!(detail.answers[0].result, Some(ItemResult::Pass));
    let _: EnterpriseId = e;
}

#[test]
fn templates_are_checked_before_import_and_editions_never_change() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/templates/dust-explosion.v1.json"))
            .unwrap();
    let (_, new) = store.import_template(&shipped, NOW).unwrap();
    assert!(!new, "the shipped edition is already installed");
    let changed = shipped.replace("粉尘涉爆企业重大事故隐患排查表", "改过的标题");
    let err = store.import_template(&changed, NOW).unwrap_err();
    assert!(err.message().zh.contains("新的版本号"), "{}", err.message());
    // Edition 2 ships too: the next one is 3.
    let v3 = changed.replace("\"version\": 1", "\"version\": 3");
    let (t, new) = store.import_template(&v3, NOW).unwrap();
    assert!(new && t.version == 3);
    let err = store.import_template("{\"key\": \"Bad Key\"}", NOW).unwrap_err();
    assert_eq!(err.field(), Some("template"));
    // The imported edition waits to be sent to the centre; the shipped ones never travel.
    let sent: Vec<String> = store
        .pending_changes(1_000)
        .unwrap()
        .into_iter()
        .filter(|c| c.entity == safeserve_core::sync::Entity::Template)
        .map(|c| c.record_id)
        .collect();
    assert_eq!(sent, ["dust-explosion/3"]);
}

#[test]
fn the_demo_holds_visits_and_hazards_with_majors_reported() {
    let (_dir, path) = fresh_db();
    let store = Store::open(&path).unwrap();
    let counts = store.counts().unwrap();
    assert!(counts.visits > 500 && counts.hazards > 1000, "{counts:?}");
    let visits = store.visits(None, 5).unwrap();
    assert_eq!(visits.len(), 5);
}

/// Everything a hazard list will need is asked for before the visit ends: a hazard without a
/// measure is not registered, one whose measure was cleared keeps the visit open, named with
/// where it is, and so does a photo whose file is gone — until the same photo is added again.
#[test]
fn a_visit_ends_only_with_what_its_hazard_list_needs() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let (e, staff) = enterprise_with_staff(&store, false);
    let v = start(&mut store, VisitKind::Service, &e.id.to_string(), qualified(&staff), None).unwrap().summary.id;
    let mut proposal = answer(&mut store, v, "FI-01", ItemResult::Fail).unwrap();
    assert!(!proposal.measure.is_empty(), "the item proposes its measure");
    assert!(!proposal.responsible.is_empty(), "the enterprise's contact is proposed as responsible");
    proposal.measure = "  ".into();
    let err = store.add_hazard(v, &proposal, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap_err();
    assert_eq!(err.field(), Some("measure"), "{err:?}");
    assert!(store.visit(v, today()).unwrap().hazards.is_empty(), "nothing registered");
    proposal.measure = "更换过期灭火器".into();
    let h = store.add_hazard(v, &proposal, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap().id;
    store.ingest_photo(&png(9), Some(&PhotoTarget::Hazard { hazard_id: h, after: false }), NOW, String::new()).unwrap();
    pass_all_but(&mut store, v, "FI-01");
    store.save_hazard_field(h, &HazardField::Measure(String::new())).unwrap();
    let sha = store.visit(v, today()).unwrap().hazards[0].photos_before[0].sha256.clone();
    let display = store.photo_path(&sha, safeserve_store::photos::Copy::Display).unwrap();
    std::fs::remove_file(&display).unwrap();

    let err = store.end_visit(v, NOW, today()).unwrap_err();
    assert_eq!(err.code(), "visit_incomplete");
    let gaps = store.visit(v, today()).unwrap().gaps;
    assert_eq!(gaps.len(), 2, "{gaps:?}");
    assert!(gaps.iter().all(|g| g.at == GapAt::Hazard { id: h }), "each names the hazard: {gaps:?}");
    assert!(gaps[0].message.zh.ends_with("没有整改措施"), "{}", gaps[0].message.zh);
    assert!(
        gaps[1].message.zh.contains("文件缺失") && gaps[1].message.zh.contains("重新添加"),
        "{}",
        gaps[1].message.zh
    );
    assert!(store.visit(v, today()).unwrap().summary.ended_at.is_none(), "the visit stays open");

    store.save_hazard_field(h, &HazardField::Measure("更换过期灭火器".into())).unwrap();
    store.ingest_photo(&png(9), Some(&PhotoTarget::Hazard { hazard_id: h, after: false }), NOW, String::new()).unwrap();
    assert!(display.is_file(), "adding the same original again puts its file back");
    let ended = store.end_visit(v, NOW, today()).unwrap();
    assert!(ended.gaps.is_empty() && ended.summary.ended_at.is_some());
}

/// A visit ended without a measure (by an earlier SafeServe) can still be signed: the measure is
/// completed as a recorded event, once, and never after the list is signed.
#[test]
fn a_hazard_of_an_ended_unsigned_visit_is_completed_as_an_event() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let (e, staff) = enterprise_with_staff(&store, false);
    let v = start(&mut store, VisitKind::Service, &e.id.to_string(), qualified(&staff), None).unwrap().summary.id;
    let proposal = answer(&mut store, v, "FI-01", ItemResult::Fail).unwrap();
    let h = store.add_hazard(v, &proposal, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap().id;
    pass_all_but(&mut store, v, "FI-01");
    drop(store);
    // As an older build left it: ended, with the measure empty.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE hazards SET measure = '' WHERE id = ?1", [h.to_string()]).unwrap();
    conn.execute("UPDATE visits SET ended_at = ?2 WHERE id = ?1", [v.to_string(), NOW.to_string()]).unwrap();
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    let gaps = store.visit(v, today()).unwrap().gaps;
    assert_eq!(gaps.len(), 1, "{gaps:?}");

    let err = store.save_hazard_field(h, &HazardField::Measure("直接改".into())).unwrap_err();
    assert!(err.message().zh.contains("已锁定"), "only as a recorded completion: {}", err.message());
    let err = store.supplement_hazard(h, &HazardField::Description("改描述".into()), NOW).unwrap_err();
    assert_eq!(err.field(), Some("field"));
    store.supplement_hazard(h, &HazardField::Measure("更换过期灭火器".into()), NOW).unwrap();
    let hazard = store.hazard(h, today()).unwrap();
    assert_eq!(hazard.measure, "更换过期灭火器");
    let last = hazard.events.last().unwrap();
    assert_eq!((last.kind, last.note.as_str()), (HazardEventKind::Supplemented, "整改措施：更换过期灭火器"));
    assert!(store.visit(v, today()).unwrap().gaps.is_empty());
    let err = store.supplement_hazard(h, &HazardField::Measure("再改".into()), NOW).unwrap_err();
    assert!(err.message().zh.contains("已有整改措施"), "a measure once there does not change: {}", err.message());

    // The database itself refuses any other change to the ended visit's hazard.
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn.execute("UPDATE hazards SET measure = 'x' WHERE id = ?1", [h.to_string()]).unwrap_err();
    assert!(err.to_string().contains("hazard_frozen"), "{err}");
    let err = conn.execute("UPDATE hazards SET description = 'x' WHERE id = ?1", [h.to_string()]).unwrap_err();
    assert!(err.to_string().contains("hazard_frozen"), "{err}");
}
