//! R2 and R3 — what a service contract (服务合同) must say, and what it must not.
//!
//! A contract is checked for every element 002 §五 requires, for clauses that exempt a party
//! from its statutory safety duties (a maintained phrase list, `assets/rules/exemption_phrases.txt`,
//! each hit shown with the text it matched), for a fee far under the agency's published
//! reference (R2), and for its filing (报备) with the township/street. The findings are flags for
//! the supervisor, not refusals: a contract is evidence of what was signed, missing clauses
//! included. Only a contract without a fee, content, service type or a sane term is refused at
//! entry ([`entry_problems`]), because such a record cannot be checked at all.

use crate::message::Message;
use crate::register::{Contract, ServiceType};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// The written terms of a contract beyond its register columns (stored as JSON with it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ContractTerms {
    /// 服务方式.
    pub method: String,
    /// 服务要求.
    pub requirements: String,
    /// 履行地点和方式.
    pub place: String,
    /// 验收方法.
    pub acceptance_method: String,
    /// 支付方式.
    pub payment: String,
    /// 违约责任.
    pub breach_liability: String,
    /// Any other clauses, as written.
    pub clauses: String,
}

/// R2 reference fees an agency publishes: fen for one year of each service type.
pub type ReferenceFees = BTreeMap<ServiceType, i64>;

/// The numbers of R2 and R3 the seeds leave open. Documented defaults, changed in one place.
#[derive(Debug, Clone)]
pub struct ContractRules {
    /// A fee under this share of the reference for the same service and term is a low-price flag.
    pub low_price_share: f64,
    /// Phrases that exempt a party from its statutory safety duties.
    pub exemption_phrases: Vec<String>,
}

/// The shipped phrase list; one phrase a line, `#` starts a comment.
pub const EXEMPTION_PHRASES: &str = include_str!("../../../assets/rules/exemption_phrases.txt");

impl Default for ContractRules {
    fn default() -> Self {
        Self { low_price_share: 0.5, exemption_phrases: parse_phrases(EXEMPTION_PHRASES) }
    }
}

/// The phrases of a phrase file: trimmed, without blank lines and `#` comments.
pub fn parse_phrases(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ContractFindingKind {
    MissingElement,
    ExemptionClause,
    LowPrice,
    NoReferenceFee,
    NotFiled,
}

/// One flag on a contract, with the rule it comes from and, for a clause, the text matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContractFinding {
    pub kind: ContractFindingKind,
    pub rule: String,
    pub message: Message,
    /// The contract text around a matched phrase, the phrase itself in 【】.
    pub matched: Option<String>,
}

/// What the check needs beyond the contract: both parties' names and addresses, the terms and
/// the agency's published fees.
pub struct ContractFacts<'a> {
    pub contract: &'a Contract,
    pub terms: &'a ContractTerms,
    pub agency_name: &'a str,
    pub agency_address: &'a str,
    pub enterprise_name: &'a str,
    pub enterprise_address: &'a str,
    pub reference_fees: &'a ReferenceFees,
    pub filed_with: Option<&'a str>,
}

fn finding(kind: ContractFindingKind, rule: &str, message: Message) -> ContractFinding {
    ContractFinding { kind, rule: rule.to_owned(), message, matched: None }
}

/// Every flag on a contract, in the order of R3's text, then R2 and filing.
pub fn check(f: &ContractFacts<'_>, rules: &ContractRules) -> Vec<ContractFinding> {
    let c = f.contract;
    let t = f.terms;
    let blank = |s: &str| s.trim().is_empty();
    let elements: [(&str, &str, bool); 13] = [
        ("服务机构名称和地址", "the agency's name and address", blank(f.agency_name) || blank(f.agency_address)),
        (
            "委托单位名称和地址",
            "the enterprise's name and address",
            blank(f.enterprise_name) || blank(f.enterprise_address),
        ),
        ("服务内容", "the content of the service", blank(&c.content) || c.service_types.is_empty()),
        ("服务方式", "the method of service", blank(&t.method)),
        ("服务频次", "the frequency of service", c.visits_per_year == 0),
        ("服务要求", "the service requirements", blank(&t.requirements)),
        ("履行期限", "the term", c.ends_on < c.starts_on),
        ("履行地点和方式", "the place and manner of performance", blank(&t.place)),
        ("验收标准", "the acceptance standard", blank(&c.acceptance_standard)),
        ("验收方法", "the acceptance method", blank(&t.acceptance_method)),
        ("服务费用", "the fee", c.fee_fen <= 0),
        ("支付方式", "the manner of payment", blank(&t.payment)),
        ("违约责任", "liability for breach", blank(&t.breach_liability)),
    ];
    let mut out: Vec<ContractFinding> = elements
        .iter()
        .filter(|(_, _, missing)| *missing)
        .map(|(zh, en, _)| {
            finding(
                ContractFindingKind::MissingElement,
                "R3",
                Message::new(format!("合同未写明{zh}"), format!("The contract does not state {en}")),
            )
        })
        .collect();

    for (field, text) in [
        ("服务内容", c.content.as_str()),
        ("服务要求", t.requirements.as_str()),
        ("违约责任", t.breach_liability.as_str()),
        ("其他条款", t.clauses.as_str()),
    ] {
        for phrase in &rules.exemption_phrases {
            if let Some(matched) = excerpt(text, phrase) {
                out.push(ContractFinding {
                    matched: Some(matched),
                    ..finding(
                        ContractFindingKind::ExemptionClause,
                        "R3",
                        Message::new(
                            format!("{field}中有免除法定安全生产责任的条款：“{phrase}”"),
                            format!("The {field} clause exempts a party from statutory safety duties: \"{phrase}\""),
                        ),
                    )
                });
            }
        }
    }

    match reference_for(c, f.reference_fees) {
        Some(reference) if reference > 0 && (c.fee_fen as f64) < reference as f64 * rules.low_price_share => {
            let share = c.fee_fen as f64 / reference as f64 * 100.0;
            out.push(finding(
                ContractFindingKind::LowPrice,
                "R2",
                Message::new(
                    format!(
                        "服务费 {} 元，仅为机构公布参考价 {} 元的 {share:.0}%（低于 {:.0}%），疑似低价竞争",
                        yuan(c.fee_fen),
                        yuan(reference),
                        rules.low_price_share * 100.0
                    ),
                    format!(
                        "The fee of {} yuan is {share:.0}% of the agency's published reference of {} yuan (under {:.0}%): a low price",
                        yuan(c.fee_fen),
                        yuan(reference),
                        rules.low_price_share * 100.0
                    ),
                ),
            ));
        }
        Some(_) => {}
        None => out.push(finding(
            ContractFindingKind::NoReferenceFee,
            "R2",
            Message::new(
                "服务机构未公布该类服务的参考收费标准，无法核对收费",
                "The agency publishes no reference fee for this service; the fee cannot be compared",
            ),
        )),
    }

    if !c.filed || f.filed_with.is_none_or(|w| w.trim().is_empty()) {
        out.push(finding(
            ContractFindingKind::NotFiled,
            "R3",
            Message::new("合同未向乡镇（街道）报备", "The contract is not filed with the township/street"),
        ));
    }
    out
}

/// The reference fee for a contract's services over its term: the published yearly fees of its
/// service types, pro rata by days. `None` when the agency publishes none of them.
pub fn reference_for(c: &Contract, fees: &ReferenceFees) -> Option<i64> {
    let yearly: Vec<i64> = c.service_types.iter().filter_map(|s| fees.get(s).copied()).collect();
    if yearly.is_empty() {
        return None;
    }
    let days = (c.ends_on - c.starts_on).num_days() + 1;
    Some((yearly.iter().sum::<i64>() as f64 * days as f64 / 365.0).round() as i64)
}

/// Why a contract cannot be recorded at all; empty when it can.
pub fn entry_problems(c: &Contract) -> Vec<Message> {
    let mut out = Vec::new();
    if c.fee_fen <= 0 {
        out.push(Message::new("合同没有写明服务费用，请填写合同金额", "The contract states no fee: enter the amount"));
    }
    if c.service_types.is_empty() {
        out.push(Message::new("请至少选择一种服务类型", "Choose at least one service type"));
    }
    if c.content.trim().is_empty() {
        out.push(Message::new("请填写服务内容", "Enter the content of the service"));
    }
    if c.ends_on < c.starts_on {
        out.push(Message::new(
            format!("合同终止日期 {} 早于起始日期 {}", c.ends_on, c.starts_on),
            format!("The contract ends ({}) before it starts ({})", c.ends_on, c.starts_on),
        ));
    }
    if c.visits_per_year == 0 {
        out.push(Message::new("请填写每年服务次数", "Enter how many visits a year the contract provides"));
    }
    out
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// The phrase with up to 12 characters either side, the phrase marked 【】; whitespace in the
/// contract text is ignored so a phrase broken over a line still matches.
fn excerpt(text: &str, phrase: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let needle: Vec<char> = phrase.chars().filter(|c| !c.is_whitespace()).collect();
    if needle.is_empty() || chars.len() < needle.len() {
        return None;
    }
    let at = chars.windows(needle.len()).position(|w| w == needle.as_slice())?;
    let from = at.saturating_sub(12);
    let to = (at + needle.len() + 12).min(chars.len());
    let before: String = chars[from..at].iter().collect();
    let after: String = chars[at + needle.len()..to].iter().collect();
    Some(format!(
        "{}{before}【{phrase}】{after}{}",
        if from > 0 { "…" } else { "" },
        if to < chars.len() { "…" } else { "" }
    ))
}

/// Inclusive terms overlap when each starts no later than the other ends: a contract ending on
/// the day another starts shares that day with it.
pub fn terms_overlap(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AgencyId, ContractId, EnterpriseId};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn contract(fee_yuan: i64) -> Contract {
        Contract {
            id: ContractId::from_parts(0, &[1; 10]),
            agency: AgencyId::from_parts(0, &[2; 10]),
            enterprise: EnterpriseId::from_parts(0, &[3; 10]),
            service_types: vec![ServiceType::SafetyManagement],
            content: "安全生产隐患排查、安全管理制度完善".into(),
            visits_per_year: 4,
            starts_on: d(2026, 1, 1),
            ends_on: d(2026, 12, 31),
            fee_fen: fee_yuan * 100,
            acceptance_standard: "《安全生产法》及相关标准".into(),
            filed: true,
            government_commissioned: false,
        }
    }

    fn terms() -> ContractTerms {
        ContractTerms {
            method: "现场检查与资料核查".into(),
            requirements: "每季度一次，出具隐患清单".into(),
            place: "委托单位厂区，现场服务".into(),
            acceptance_method: "按季度书面验收".into(),
            payment: "签订后支付50%，年末结清".into(),
            breach_liability: "按《民法典》承担违约责任".into(),
            clauses: String::new(),
        }
    }

    fn fees(yuan: i64) -> ReferenceFees {
        [(ServiceType::SafetyManagement, yuan * 100)].into_iter().collect()
    }

    fn run(c: &Contract, t: &ContractTerms, fees: &ReferenceFees) -> Vec<ContractFinding> {
        check(
            &ContractFacts {
                contract: c,
                terms: t,
                agency_name: "杭州安信安全技术服务有限公司",
                agency_address: "杭州市西湖区文三路1号",
                enterprise_name: "杭州某机械有限公司",
                enterprise_address: "杭州市余杭区某路2号",
                reference_fees: fees,
                filed_with: Some("330106001"),
            },
            &ContractRules::default(),
        )
    }

    fn kinds(v: &[ContractFinding]) -> Vec<ContractFindingKind> {
        v.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn a_complete_contract_at_the_reference_fee_has_no_flags() {
        assert!(run(&contract(20_000), &terms(), &fees(20_000)).is_empty());
    }

    #[test]
    fn every_missing_element_is_named() {
        let found = run(&contract(20_000), &ContractTerms::default(), &fees(20_000));
        let zh: Vec<_> = found.iter().map(|f| f.message.zh.as_str()).collect();
        assert_eq!(
            zh,
            [
                "合同未写明服务方式",
                "合同未写明服务要求",
                "合同未写明履行地点和方式",
                "合同未写明验收方法",
                "合同未写明支付方式",
                "合同未写明违约责任"
            ]
        );
        assert!(found.iter().all(|f| f.rule == "R3"));
    }

    #[test]
    fn an_exemption_clause_is_shown_with_its_text_even_across_a_line_break() {
        let mut t = terms();
        t.clauses = "第八条 乙方仅提供技术咨询，委托单位发生生产安全事故的，乙方不承\n担任何责任。第九条 其他未尽事宜由双方另行协商确定".into();
        let found = run(&contract(20_000), &t, &fees(20_000));
        assert_eq!(kinds(&found), vec![ContractFindingKind::ExemptionClause]);
        let m = found[0].matched.as_deref().unwrap();
        assert!(m.contains("【不承担任何责任】"), "{m}");
        assert!(m.starts_with('…') && m.ends_with('…'), "{m}");
    }

    #[test]
    fn half_the_reference_is_not_low_but_just_under_is() {
        assert!(run(&contract(10_000), &terms(), &fees(20_000)).is_empty(), "exactly 50% is the edge, not a flag");
        let found = run(&contract(9_999), &terms(), &fees(20_000));
        assert_eq!(kinds(&found), vec![ContractFindingKind::LowPrice]);
        assert!(found[0].message.zh.contains("参考价 20000.00 元"), "{}", found[0].message.zh);
    }

    #[test]
    fn a_half_year_contract_is_compared_with_half_the_yearly_reference() {
        let mut c = contract(6_000);
        c.ends_on = d(2026, 6, 30);
        // 181 days of a 20,000 yuan year is about 9,918 yuan; 6,000 is over half of it.
        assert!(run(&c, &terms(), &fees(20_000)).is_empty());
    }

    #[test]
    fn no_published_reference_and_no_filing_are_flags() {
        let mut c = contract(20_000);
        c.filed = false;
        let found = run(&c, &terms(), &ReferenceFees::new());
        assert_eq!(kinds(&found), vec![ContractFindingKind::NoReferenceFee, ContractFindingKind::NotFiled]);
    }

    #[test]
    fn a_contract_without_a_fee_cannot_be_entered() {
        let problems = entry_problems(&contract(0));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].zh.contains("服务费用"));
        assert!(entry_problems(&contract(1)).is_empty());
    }

    #[test]
    fn a_term_ending_the_day_another_starts_overlaps_it() {
        let a = (d(2026, 1, 1), d(2026, 6, 30));
        assert!(terms_overlap(a, (d(2026, 6, 30), d(2026, 12, 31))), "they share 30 June");
        assert!(!terms_overlap(a, (d(2026, 7, 1), d(2026, 12, 31))), "the next day is free");
    }

    #[test]
    fn the_phrase_file_skips_comments_and_blanks() {
        assert_eq!(parse_phrases("# 注释\n\n  免责  # 行尾注释\n概不负责\n"), vec!["免责", "概不负责"]);
        assert!(ContractRules::default().exemption_phrases.len() >= 8);
    }
}
