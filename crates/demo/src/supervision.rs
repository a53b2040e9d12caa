//! Demo supervision records: ratings of most agencies by a few of the enterprises they serve
//! and by inspectors (a share of agencies rated poorly), a couple of agencies and one person on
//! the serious-dishonesty list (the generator grades every agency once the load is done).
//!
//! It draws from a random stream of its own, derived from the seed, so the registers, visits
//! and documents the seed has always made stay exactly as they were.

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use safeserve_core::blacklist::{BlacklistGround, NewBlacklistEntry, SubjectKind};
use safeserve_core::grading::RaterKind;
use safeserve_core::{AgencyId, EnterpriseId, PersonId};
use safeserve_store::bulk::BulkLoad;
use safeserve_store::evaluations::NewEvaluation;
use safeserve_store::views::BlacklistLiftView;
use safeserve_store::StoreError;

const INSPECTORS: &[&str] = &["王建国", "李海燕", "陈志强", "张丽华", "刘永明", "周晓峰", "吴雪梅", "徐国庆"];

const GOOD_NOTES: &[&str] =
    &["按约定频次到场，隐患清单清楚，整改指导具体", "服务人员专业，重大隐患当日报告", "响应及时，资料归档完整"];
const POOR_NOTES: &[&str] =
    &["到场次数不足，隐患清单多为套话", "服务记录与现场情况不符，整改跟踪不到位", "收费偏低但服务流于形式"];

fn uuid_v7(rng: &mut ChaCha8Rng, millis: u64) -> uuid::Uuid {
    let bytes: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
}

/// An entry as a bureau would have entered it (no reference to a document).
fn listed_entry(
    subject_kind: SubjectKind,
    subject_id: String,
    ground: BlacklistGround,
    evidence: &str,
    entered_by: &str,
    entered_on: NaiveDate,
) -> NewBlacklistEntry {
    NewBlacklistEntry {
        subject_kind,
        subject_id,
        ground: Some(ground),
        evidence: evidence.to_owned(),
        evidence_ref: None,
        entered_by: entered_by.to_owned(),
        entered_on: entered_on.to_string(),
    }
}

/// Writes the ratings and list entries. `served` is every agency with the enterprises it has
/// contracts with and their principals, in the order made; `borrower` a person holding
/// another's certificate number.
pub(super) fn generate(
    load: &BulkLoad<'_>,
    seed: u64,
    as_of: NaiveDate,
    served: &[(AgencyId, Vec<(EnterpriseId, String)>)],
    borrower: Option<PersonId>,
) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6772_6164_6573_5f76);
    let day_ms = |d: NaiveDate| d.and_hms_opt(9, 0, 0).expect("valid time").and_utc().timestamp_millis() as u64;
    let now = format!("{as_of}T18:00:00+08:00");

    for (agency, enterprises) in served {
        if !rng.random_bool(0.85) {
            continue;
        }
        // About one agency in five is poorly thought of; the rest from middling to good.
        let poor = rng.random_bool(0.2);
        let rating = |rng: &mut ChaCha8Rng| -> i32 {
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
            let (rater_kind, enterprise_id, rater) = if by_enterprise {
                let (e, principal) = &enterprises[rng.random_range(0..enterprises.len())];
                (RaterKind::Enterprise, Some(*e), principal.clone())
            } else {
                (RaterKind::Inspector, None, INSPECTORS[rng.random_range(0..INSPECTORS.len())].to_owned())
            };
            let (quality, timeliness, fees) = (rating(&mut rng), rating(&mut rng), rating(&mut rng));
            let notes = if poor { POOR_NOTES } else { GOOD_NOTES };
            let note = if rng.random_bool(0.5) { notes[rng.random_range(0..notes.len())] } else { "" };
            let id = uuid_v7(&mut rng, day_ms(rated_on));
            let form = NewEvaluation {
                agency_id: *agency,
                rater_kind,
                enterprise_id,
                visit_id: None,
                rater,
                quality,
                timeliness,
                fees,
                note: note.to_owned(),
                rated_on: rated_on.to_string(),
            };
            load.evaluation(&form, id, &now)?;
        }
    }

    // Two agencies and one person on the serious-dishonesty list, one agency entry lifted.
    let n = served.len();
    let listed: Vec<(AgencyId, BlacklistGround, &str)> = if n >= 3 {
        vec![
            (
                served[n / 3].0,
                BlacklistGround::FalseReport,
                "企业抽查发现该机构出具的隐患排查报告所列检查项与现场不符，报告签字人员当日不在现场，见抽查记录和函告",
            ),
            (
                served[2 * n / 3].0,
                BlacklistGround::AffiliationOrSubcontracting,
                "该机构将三家企业的委托服务整体转包给无资质的个人实施，合同与服务记录人员不一致，见机构检查记录",
            ),
        ]
    } else {
        vec![]
    };
    let mut entries = Vec::new();
    for (agency, ground, evidence) in listed {
        let entered_on = as_of - Days::new(rng.random_range(20..120));
        let id = uuid_v7(&mut rng, day_ms(entered_on));
        let entry = listed_entry(
            SubjectKind::Agency,
            agency.to_string(),
            ground,
            evidence,
            "杭州市应急管理局 王建国",
            entered_on,
        );
        load.blacklist_entry(&entry, id, &now)?;
        entries.push((id, entered_on));
    }
    if let Some(person) = borrower {
        let entered_on = as_of - Days::new(rng.random_range(20..120));
        let entry = listed_entry(
            SubjectKind::Person,
            person.to_string(),
            BlacklistGround::CertificateFraud,
            "其注册安全工程师证书编号同时登记在另一机构人员名下，经核实为出借证书，见人员登记记录",
            "杭州市应急管理局 李海燕",
            entered_on,
        );
        load.blacklist_entry(&entry, uuid_v7(&mut rng, day_ms(entered_on)), &now)?;
    }
    // The second agency's entry was lifted after it put things right (the record stays).
    if let Some((id, entered_on)) = entries.get(1) {
        let lifted_on = (*entered_on + Days::new(15)).min(as_of);
        let lift = BlacklistLiftView {
            reason: "已解除转包合同并由本机构人员重新完成服务，经复查合格".into(),
            lifted_by: "杭州市应急管理局 王建国".into(),
            lifted_on: lifted_on.to_string(),
        };
        load.blacklist_lift(*id, &lift)?;
    }
    Ok(())
}
