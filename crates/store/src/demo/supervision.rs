//! Demo supervision records: ratings of most agencies by a few of the enterprises they serve
//! and by inspectors (a share of agencies rated poorly), a couple of agencies and one person on
//! the serious-dishonesty list, then one grading of every agency with the shipped rules, so the
//! demo opens with grades, a ranking and a history.
//!
//! It draws from a random stream of its own, derived from the seed, so the registers, visits
//! and documents the seed has always made stay exactly as they were.

use crate::{Store, StoreError};
use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::params;
use safeserve_core::blacklist::BlacklistGround;
use safeserve_core::grading::GradeRules;

const INSPECTORS: &[&str] = &["王建国", "李海燕", "陈志强", "张丽华", "刘永明", "周晓峰", "吴雪梅", "徐国庆"];

const GOOD_NOTES: &[&str] =
    &["按约定频次到场，隐患清单清楚，整改指导具体", "服务人员专业，重大隐患当日报告", "响应及时，资料归档完整"];
const POOR_NOTES: &[&str] =
    &["到场次数不足，隐患清单多为套话", "服务记录与现场情况不符，整改跟踪不到位", "收费偏低但服务流于形式"];

fn uuid_v7(rng: &mut ChaCha8Rng, millis: u64) -> String {
    let bytes: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid().to_string()
}

/// Writes the records in one transaction, then grades every agency as of `as_of`.
pub(super) fn generate(store: &mut Store, seed: u64, as_of: NaiveDate) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6772_6164_6573_5f76);
    let day_ms = |d: NaiveDate| d.and_hms_opt(9, 0, 0).expect("valid time").and_utc().timestamp_millis() as u64;
    let now = format!("{as_of}T18:00:00+08:00");
    let tx = store.conn.transaction()?;

    // Each agency's enterprises, with their principals (who sign an enterprise's rating).
    let mut served: Vec<(String, Vec<(String, String)>)> = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT a.id, c.enterprise_id, e.principal FROM agencies a \
             LEFT JOIN contracts c ON c.agency_id = a.id LEFT JOIN enterprises e ON e.id = c.enterprise_id \
             ORDER BY a.seq, c.seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let agency: String = r.get(0)?;
            if served.last().is_none_or(|(a, _)| *a != agency) {
                served.push((agency, Vec::new()));
            }
            if let (Some(e), Some(p)) = (r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?) {
                served.last_mut().expect("pushed above").1.push((e, p));
            }
        }
    }

    let mut insert = tx.prepare(
        "INSERT INTO evaluations(id, agency_id, rater_kind, enterprise_id, visit_id, rater, quality, timeliness, fees, \
         note, rated_on, recorded_at) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (agency, enterprises) in &served {
        if !rng.random_bool(0.85) {
            continue;
        }
        // About one agency in five is poorly thought of; the rest from middling to good.
        let poor = rng.random_bool(0.2);
        let rating = |rng: &mut ChaCha8Rng| -> i64 {
            if poor {
                rng.random_range(1..=3)
            } else {
                rng.random_range(2..=5)
            }
        };
        let n_enterprise = if enterprises.is_empty() { 0 } else { rng.random_range(1..=4.min(enterprises.len())) };
        let n_inspector = rng.random_range(0..=2);
        for k in 0..(n_enterprise + n_inspector) {
            let by_enterprise = k < n_enterprise;
            let rated_on = as_of - Days::new(rng.random_range(5..330));
            let (kind, enterprise, rater) = if by_enterprise {
                let (e, principal) = &enterprises[rng.random_range(0..enterprises.len())];
                ("enterprise", Some(e.clone()), principal.clone())
            } else {
                ("inspector", None, INSPECTORS[rng.random_range(0..INSPECTORS.len())].to_owned())
            };
            let (q, t, f) = (rating(&mut rng), rating(&mut rng), rating(&mut rng));
            let notes = if poor { POOR_NOTES } else { GOOD_NOTES };
            let note = if rng.random_bool(0.5) { notes[rng.random_range(0..notes.len())] } else { "" };
            insert.execute(params![
                uuid_v7(&mut rng, day_ms(rated_on)),
                agency,
                kind,
                enterprise,
                rater,
                q,
                t,
                f,
                note,
                rated_on.to_string(),
                now
            ])?;
        }
    }
    drop(insert);

    // Two agencies and one person on the serious-dishonesty list, one agency entry lifted.
    let n = served.len();
    let listed: Vec<(&str, String, BlacklistGround, &str)> = if n >= 3 {
        vec![
            (
                "agency",
                served[n / 3].0.clone(),
                BlacklistGround::FalseReport,
                "企业抽查发现该机构出具的隐患排查报告所列检查项与现场不符，报告签字人员当日不在现场，见抽查记录和函告",
            ),
            (
                "agency",
                served[2 * n / 3].0.clone(),
                BlacklistGround::AffiliationOrSubcontracting,
                "该机构将三家企业的委托服务整体转包给无资质的个人实施，合同与服务记录人员不一致，见机构检查记录",
            ),
        ]
    } else {
        vec![]
    };
    let mut entries = Vec::new();
    for (kind, subject, ground, evidence) in listed {
        let entered_on = as_of - Days::new(rng.random_range(20..120));
        let id = uuid_v7(&mut rng, day_ms(entered_on));
        tx.execute(
            "INSERT INTO blacklist_entries(id, subject_kind, subject_id, ground, evidence, evidence_ref, entered_by, \
             entered_on, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8)",
            params![id, kind, subject, ground.key(), evidence, "杭州市应急管理局 王建国", entered_on.to_string(), now],
        )?;
        entries.push((id, entered_on));
    }
    let person: Option<String> = tx
        .query_row(
            "SELECT c.person_id FROM certificates c WHERE c.number IN \
               (SELECT number FROM certificates GROUP BY number HAVING count(DISTINCT person_id) > 1) \
             ORDER BY c.rowid DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .ok();
    if let Some(p) = person {
        let entered_on = as_of - Days::new(rng.random_range(20..120));
        tx.execute(
            "INSERT INTO blacklist_entries(id, subject_kind, subject_id, ground, evidence, evidence_ref, entered_by, \
             entered_on, recorded_at) VALUES (?1, 'person', ?2, ?3, ?4, NULL, ?5, ?6, ?7)",
            params![
                uuid_v7(&mut rng, day_ms(entered_on)),
                p,
                BlacklistGround::CertificateFraud.key(),
                "其注册安全工程师证书编号同时登记在另一机构人员名下，经核实为出借证书，见人员登记记录",
                "杭州市应急管理局 李海燕",
                entered_on.to_string(),
                now
            ],
        )?;
    }
    // The second agency's entry was lifted after it put things right (the record stays).
    if let Some((id, entered_on)) = entries.get(1) {
        let lifted_on = (*entered_on + Days::new(15)).min(as_of);
        tx.execute(
            "INSERT INTO blacklist_lifts(entry_id, reason, lifted_by, lifted_on) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                "已解除转包合同并由本机构人员重新完成服务，经复查合格",
                "杭州市应急管理局 王建国",
                lifted_on.to_string()
            ],
        )?;
    }
    tx.commit()?;

    store.grade_agencies(&GradeRules::shipped(), as_of, &now)?;
    Ok(())
}
