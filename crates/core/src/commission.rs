//! R9 — no cross or overlapping service (000 §三(四)). Before a government-commissioned check
//! (政府委托) is given to an agency, it is refused when
//! - the agency already serves the enterprise under its own (market) contract during the
//!   commission's term: it would be checking its own work; or
//! - any agency already holds a commission of the same kind for the same enterprise over an
//!   overlapping term.
//!
//! Terms are inclusive dates, so a contract ending the day the commission starts overlaps it.
//! Each refusal names the contract it conflicts with. D-grade and blacklisted agencies are
//! barred as well (R10, R11): [`barrier`] says why, from the grade and list entries the store
//! holds.

use crate::contract::terms_overlap;
use crate::grading::Grade;
use crate::ids::{AgencyId, ContractId};
use crate::message::Message;
use crate::register::ServiceType;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A contract already held for the enterprise, as R9 needs to see it.
#[derive(Debug, Clone)]
pub struct HeldContract {
    pub id: ContractId,
    pub agency: AgencyId,
    pub agency_name: String,
    pub service_types: Vec<ServiceType>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub government_commissioned: bool,
}

/// The commission about to be given.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub agency: AgencyId,
    pub service_types: Vec<ServiceType>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CommissionConflict {
    /// The contract the commission would conflict with.
    pub contract_id: String,
    pub rule: String,
    pub message: Message,
}

fn term(c: &HeldContract) -> String {
    format!("{} 至 {}", c.starts_on, c.ends_on)
}

/// Every R9 conflict of `proposed` with the contracts `held` for the same enterprise.
pub fn conflicts(proposed: &Proposed, held: &[HeldContract]) -> Vec<CommissionConflict> {
    let span = (proposed.starts_on, proposed.ends_on);
    let mut out = Vec::new();
    for c in held.iter().filter(|c| terms_overlap(span, (c.starts_on, c.ends_on))) {
        let shared: Vec<ServiceType> =
            c.service_types.iter().copied().filter(|s| proposed.service_types.contains(s)).collect();
        let message = if c.agency == proposed.agency && !c.government_commissioned {
            Message::new(
                format!(
                    "{}已为该企业提供服务（合同期限 {}），不得再受政府委托对其开展检查（交叉服务）",
                    c.agency_name,
                    term(c)
                ),
                format!(
                    "{} already serves this enterprise (contract {} to {}); it cannot also be commissioned to check it",
                    c.agency_name, c.starts_on, c.ends_on
                ),
            )
        } else if c.government_commissioned && !shared.is_empty() {
            let kinds: Vec<&str> = shared.iter().map(|s| s.label_zh()).collect();
            Message::new(
                format!(
                    "{}已受委托对该企业开展{}（期限 {}），与本次委托期限重叠（重叠服务）",
                    c.agency_name,
                    kinds.join("、"),
                    term(c)
                ),
                format!(
                    "{} already holds a commission of the same kind for this enterprise ({} to {}), overlapping this one",
                    c.agency_name, c.starts_on, c.ends_on
                ),
            )
        } else {
            continue;
        };
        out.push(CommissionConflict { contract_id: c.id.to_string(), rule: "R9".into(), message });
    }
    out
}

/// R10, R11: why an agency may not be given government-commissioned work — it is on the
/// serious-dishonesty list (`blacklist_entries`, one description each) or its credit grade is
/// D — or `None` when it may.
pub fn barrier(agency_name: &str, blacklist_entries: &[String], grade: Option<Grade>) -> Option<Message> {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if !blacklist_entries.is_empty() {
        zh.push(format!("已列入严重失信名单（{}）", blacklist_entries.join("；")));
        let n = blacklist_entries.len();
        en.push(format!("it is on the serious-dishonesty list ({n} entr{})", if n == 1 { "y" } else { "ies" }));
    }
    if grade == Some(Grade::D) {
        zh.push("信用等级为 D 级".to_owned());
        en.push("its credit grade is D".to_owned());
    }
    if zh.is_empty() {
        return None;
    }
    Some(Message::new(
        format!("{agency_name}{}，不得承接政府委托业务", zh.join("，且")),
        format!("{agency_name} may not be given government-commissioned work: {}", en.join(", and ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn agency(n: u8) -> AgencyId {
        AgencyId::from_parts(0, &[n; 10])
    }

    fn held(n: u8, commissioned: bool, from: NaiveDate, to: NaiveDate) -> HeldContract {
        HeldContract {
            id: ContractId::from_parts(0, &[n + 100; 10]),
            agency: agency(n),
            agency_name: format!("机构{n}"),
            service_types: vec![ServiceType::ProfessionalTechnical],
            starts_on: from,
            ends_on: to,
            government_commissioned: commissioned,
        }
    }

    fn proposed(n: u8) -> Proposed {
        Proposed {
            agency: agency(n),
            service_types: vec![ServiceType::ProfessionalTechnical],
            starts_on: d(7, 1),
            ends_on: d(12, 31),
        }
    }

    #[test]
    fn an_agency_serving_the_enterprise_cannot_check_it() {
        let c = conflicts(&proposed(1), &[held(1, false, d(1, 1), d(12, 31))]);
        assert_eq!(c.len(), 1);
        assert!(c[0].message.zh.contains("交叉服务"), "{}", c[0].message.zh);
        assert_eq!(c[0].contract_id, ContractId::from_parts(0, &[101; 10]).to_string());
        assert!(conflicts(&proposed(2), &[held(1, false, d(1, 1), d(12, 31))]).is_empty(), "another agency may");
    }

    #[test]
    fn a_contract_ending_the_day_the_commission_starts_conflicts_and_the_day_before_does_not() {
        assert_eq!(conflicts(&proposed(1), &[held(1, false, d(1, 1), d(7, 1))]).len(), 1);
        assert!(conflicts(&proposed(1), &[held(1, false, d(1, 1), d(6, 30))]).is_empty());
    }

    #[test]
    fn a_second_overlapping_commission_of_the_same_kind_is_refused() {
        let c = conflicts(&proposed(2), &[held(1, true, d(3, 1), d(7, 1))]);
        assert_eq!(c.len(), 1);
        assert!(c[0].message.zh.contains("重叠服务") && c[0].message.zh.contains("机构1"), "{}", c[0].message.zh);

        let mut other_kind = held(1, true, d(3, 1), d(9, 30));
        other_kind.service_types = vec![ServiceType::PublicityTraining];
        assert!(conflicts(&proposed(2), &[other_kind]).is_empty(), "a commission of another kind may run alongside");
        assert!(conflicts(&proposed(2), &[held(1, true, d(1, 1), d(6, 30))]).is_empty(), "ended the day before");
    }

    #[test]
    fn a_d_grade_or_a_list_entry_bars_commissioned_work_and_says_which() {
        assert_eq!(barrier("甲公司", &[], Some(Grade::C)), None);
        let d = barrier("甲公司", &[], Some(Grade::D)).expect("D bars");
        assert_eq!(d.zh, "甲公司信用等级为 D 级，不得承接政府委托业务");
        let both = barrier("甲公司", &["出具虚假报告".to_owned()], Some(Grade::D)).expect("both bar");
        assert_eq!(both.zh, "甲公司已列入严重失信名单（出具虚假报告），且信用等级为 D 级，不得承接政府委托业务");
        assert!(both.en.contains("(1 entry), and its credit grade is D"), "{}", both.en);
    }
}
