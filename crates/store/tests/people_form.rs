//! 任职 and 培训记录 by hand on a real SQLite file: a person registered with one agency takes a
//! post at a second, a full-time overlap is taken and named as shared staff, an ended post
//! stops counting and keeps its old terms in the person's history; a training is checked and
//! travels inside the person, and a person written by an older laptop leaves it in place.

use rusqlite::Connection;
use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::register::{PostForm, StaffRole, Training};
use safeserve_core::sync::{Entity, Pulled, Role};
use safeserve_core::{AgencyId, IdNumber, PersonId};
use safeserve_store::views::NewPerson;
use safeserve_store::{Store, StoreError};
use serde_json::value::RawValue;

use crate::common::{fresh_db, today, NOW};

fn clerk() -> Actor {
    Actor { user_id: Some("u1".into()), user_name: "王建国".into(), role: Some(Role::Supervisor) }
}

fn day(s: &str) -> Option<chrono::NaiveDate> {
    Some(s.parse().unwrap())
}

fn refused_field<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn posts_and_trainings_recorded_by_hand_keep_the_persons_history() {
    let (_dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let agencies: Vec<(AgencyId, String)> = {
        let conn = Connection::open(&path).unwrap();
        let mut stmt = conn.prepare("SELECT id, name FROM agencies ORDER BY seq LIMIT 2").unwrap();
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?.parse().unwrap(), r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let [(first, _), (second, second_name)] = &agencies[..] else { panic!("the demo has agencies") };
    let person = PersonId(uuid::Uuid::now_v7());
    let number = IdNumber::complete("33010619880512003").unwrap().expose().to_owned();
    let form = NewPerson {
        id_number: number.clone(),
        name: "钱立新".into(),
        phone: "13900000001".into(),
        agency_id: *first,
        role: StaffRole::Technician,
        full_time: true,
    };
    store.add_person(&form, person, &clerk(), NOW, today()).unwrap();

    // Full-time at the second agency as well, over open-ended terms: taken, and named.
    let post = PostForm {
        agency_id: *second,
        role: StaffRole::Technician,
        full_time: true,
        started_on: day("2026-01-01"),
        ended_on: None,
    };
    let notes = store.record_post(person, &post, &clerk(), NOW).unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].zh.contains("人员交叉使用"), "{}", notes[0].zh);
    let held = store.person_detail(person, today()).unwrap().person.employments;
    assert_eq!(held.len(), 2);
    assert!(held.iter().all(|e| e.current));

    // The same post again changes nothing and writes no entry.
    let entries = store.person_detail(person, today()).unwrap().history.len();
    assert!(store.record_post(person, &post, &clerk(), NOW).unwrap().len() == 1);
    assert_eq!(store.person_detail(person, today()).unwrap().history.len(), entries);

    // Ended before it began: refused under the field, nothing written.
    let backwards = PostForm { ended_on: day("2025-12-31"), ..post.clone() };
    assert_eq!(refused_field(store.record_post(person, &backwards, &clerk(), NOW)), "ended_on");

    // The second post ends: it stays on record, no longer current, and no note is raised for
    // a post that ended before the new term at the first agency began.
    let ended = PostForm { ended_on: day("2026-06-30"), ..post.clone() };
    assert!(store.record_post(person, &ended, &clerk(), NOW).unwrap().len() == 1, "it overlapped the open first post");
    let detail = store.person_detail(person, today()).unwrap();
    let at_second = detail.person.employments.iter().find(|e| e.agency_id == *second).unwrap();
    assert_eq!((at_second.ended_on.as_deref(), at_second.current), (Some("2026-06-30"), false));
    let change = &detail.history[0];
    assert_eq!(change.act, AuditAct::ChangeRegister);
    assert!(
        change.detail.contains(&second_name.to_string()) && change.detail.contains("至 2026-06-30"),
        "{}",
        change.detail
    );
    assert!(change.detail.contains("→"), "the old terms are kept: {}", change.detail);
    assert!(!change.subject.contains(&number[6..14]), "the audit log names people by their masked number");

    // A part-time post raises no note.
    let part = PostForm { full_time: false, ended_on: None, ..post.clone() };
    assert!(store.record_post(person, &part, &clerk(), NOW).unwrap().is_empty());

    // An unknown person or agency.
    let nobody = PersonId(uuid::Uuid::now_v7());
    assert!(matches!(store.record_post(nobody, &post, &clerk(), NOW), Err(StoreError::NotFound { .. })));
    let nowhere = PostForm { agency_id: AgencyId(uuid::Uuid::now_v7()), ..post.clone() };
    assert_eq!(refused_field(store.record_post(person, &nowhere, &clerk(), NOW)), "agency_id");

    // Trainings: checked, kept newest first, in the history, and travelling in the person.
    let training = Training {
        course: "安全评价师继续教育".into(),
        organiser: "浙江省安全生产科学研究院".into(),
        completed_on: "2026-10-15".parse().unwrap(),
        hours: 24.0,
    };
    let late = Training { completed_on: today().succ_opt().unwrap(), ..training.clone() };
    assert_eq!(refused_field(store.record_training(person, &late, &clerk(), NOW, today())), "completed_on");
    store.record_training(person, &training, &clerk(), NOW, today()).unwrap();
    let older =
        Training {
            course: "安全生产法规".into(), completed_on: "2025-04-01".parse().unwrap(), ..training.clone()
        };
    store.record_training(person, &older, &clerk(), NOW, today()).unwrap();
    let detail = store.person_detail(person, today()).unwrap();
    assert_eq!(detail.trainings, vec![training.clone(), older.clone()]);
    assert!(detail.history[0].detail.contains("安全生产法规"));
    assert_eq!(detail.history.last().unwrap().act, AuditAct::AddRegister, "the registration is the first entry");

    let sent = store.pending_changes(100_000).unwrap().into_iter().rev().find(|c| c.entity == Entity::Person).unwrap();
    let mut body: serde_json::Value = serde_json::from_str(sent.body.as_ref().unwrap().get()).unwrap();
    assert_eq!(body["trainings"].as_array().unwrap().len(), 2, "{body}");

    // A later version of the person from a laptop that knows nothing of trainings keeps them.
    body.as_object_mut().unwrap().remove("trainings");
    body["phone"] = "13900000002".into();
    let pulled = Pulled {
        seq: 1,
        entity: Entity::Person,
        record_id: sent.record_id.clone(),
        op: sent.op,
        hlc: sent.hlc + 1,
        node: "another-laptop".into(),
        body: Some(RawValue::from_string(body.to_string()).unwrap()),
    };
    assert_eq!(store.apply_pulled(&[pulled], 7).unwrap().applied, 1);
    let detail = store.person_detail(person, today()).unwrap();
    assert_eq!(detail.person.phone, "13900000002");
    assert_eq!(detail.trainings.len(), 2, "trainings are not dropped by a body without them");
}
