//! R11 — the serious-dishonesty list (严重失信名单, 002 §十二). An agency or a person goes on it
//! for one of four grounds only, and always with the evidence, because the entry bars an
//! agency from government-commissioned work and is published. Whether the subject exists is
//! for the store to say; everything else about a new entry is checked here.

use crate::form::{past_date, problem, FieldProblem};
use crate::labels::labelled_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Evidence shorter than this (in characters, after trimming) says nothing a reviewer could
/// check: "见附件" or "虚假报告" is not evidence.
pub const MIN_EVIDENCE_CHARS: usize = 10;

labelled_enum! {
    /// The four grounds of R11; no other ground puts anyone on the list.
    BlacklistGround {
        AffiliationOrSubcontracting = "affiliation_or_subcontracting", "非法挂靠或转包服务业务", "Illegal affiliation (挂靠) or subcontracting (转包) of service work";
        FalseReport = "false_report", "出具虚假或严重失实报告", "A false or seriously untrue report";
        AccidentResponsibility = "accident_responsibility", "对服务对象发生生产安全事故负有责任", "Responsibility for a production-safety accident at a client";
        CertificateFraud = "certificate_fraud", "伪造、转让、出借资质证书或冒名签字", "Forging, transferring or lending certificates, or signing in another's name";
    }
}

labelled_enum! {
    /// Who an entry names.
    SubjectKind {
        Agency = "agency", "服务机构", "Agency";
        Person = "person", "从业人员", "Person";
    }
}

/// A new entry as the supervisor's form sends it. `ground` is optional here so that a form
/// sent without one gets a clear refusal rather than a decoding error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewBlacklistEntry {
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    pub ground: Option<BlacklistGround>,
    /// What happened, where it is shown (the facts, not the ground's name again).
    pub evidence: String,
    /// A document, visit or letter id the evidence is in.
    pub evidence_ref: Option<String>,
    pub entered_by: String,
    /// `YYYY-MM-DD`.
    pub entered_on: String,
}

/// A checked entry: its ground and date are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedEntry {
    pub ground: BlacklistGround,
    pub entered_on: NaiveDate,
}

/// Evidence worth the name: long enough and not one character repeated.
fn evidence_problem(evidence: &str) -> Option<FieldProblem> {
    let text = evidence.trim();
    if text.is_empty() {
        return Some(problem(
            "evidence",
            "请填写证据：列入严重失信名单须写明事实和出处",
            "Give the evidence: an entry needs the facts and where they are recorded",
        ));
    }
    let distinct: std::collections::HashSet<char> =
        text.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation()).collect();
    if text.chars().count() < MIN_EVIDENCE_CHARS || distinct.len() < 4 {
        return Some(problem(
            "evidence",
            format!("证据过于简单，请写明具体事实（时间、地点、经过、出处），至少 {MIN_EVIDENCE_CHARS} 个字"),
            format!("The evidence is too thin: state the facts (when, where, what, which record), at least {MIN_EVIDENCE_CHARS} characters"),
        ));
    }
    None
}

/// Checks a new entry on `today`, field by field in form order; the first problem is returned.
pub fn check_entry(e: &NewBlacklistEntry, today: NaiveDate) -> Result<CheckedEntry, FieldProblem> {
    if e.subject_id.trim().is_empty() {
        return Err(problem("subject_id", "请选择列入名单的机构或人员", "Choose the agency or person to enter"));
    }
    let Some(ground) = e.ground else {
        return Err(problem(
            "ground",
            "请选择列入严重失信名单的情形（四种之一）",
            "Choose the ground for the entry (one of the four of R11)",
        ));
    };
    if let Some(p) = evidence_problem(&e.evidence) {
        return Err(p);
    }
    if e.entered_by.trim().is_empty() {
        return Err(problem("entered_by", "请填写决定人", "Give who decided the entry"));
    }
    let entered_on = past_date("entered_on", &e.entered_on, today)?;
    Ok(CheckedEntry { ground, entered_on })
}

/// Checks the lifting of an entry made on `entered_on`: a reason, who, and a date between the
/// entry and today.
pub fn check_lift(
    reason: &str,
    by: &str,
    on: &str,
    entered_on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, FieldProblem> {
    if reason.trim().is_empty() {
        return Err(problem("reason", "请填写移出名单的理由", "Give the reason for lifting the entry"));
    }
    if by.trim().is_empty() {
        return Err(problem("lifted_by", "请填写决定人", "Give who decided to lift the entry"));
    }
    let day = past_date("lifted_on", on, today)?;
    if day < entered_on {
        return Err(problem(
            "lifted_on",
            format!("移出日期不能早于列入日期 {entered_on}"),
            format!("The lifting date cannot be before the entry date {entered_on}"),
        ));
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn entry() -> NewBlacklistEntry {
        NewBlacklistEntry {
            subject_kind: SubjectKind::Agency,
            subject_id: "0190a1b2-0000-7000-8000-000000000000".into(),
            ground: Some(BlacklistGround::FalseReport),
            evidence: "2026年10月抽查杭州某化工企业，服务记录所列检查项与现场不符，见检查记录".into(),
            evidence_ref: None,
            entered_by: "王科长".into(),
            entered_on: "2026-11-23".into(),
        }
    }

    #[test]
    fn four_grounds_with_labels() {
        assert_eq!(BlacklistGround::ALL.len(), 4);
        assert_eq!(BlacklistGround::CertificateFraud.label_zh(), "伪造、转让、出借资质证书或冒名签字");
        assert_eq!(BlacklistGround::from_key("false_report"), Some(BlacklistGround::FalseReport));
    }

    #[test]
    fn a_complete_entry_passes_today() {
        let c = check_entry(&entry(), today()).unwrap();
        assert_eq!(c.ground, BlacklistGround::FalseReport);
        assert_eq!(c.entered_on, today());
    }

    #[test]
    fn no_ground_is_refused() {
        let e = NewBlacklistEntry { ground: None, ..entry() };
        let p = check_entry(&e, today()).unwrap_err();
        assert_eq!(p.field, "ground");
        assert!(p.message.zh.contains("情形"));
    }

    #[test]
    fn evidence_must_say_something() {
        for (text, field) in
            [("", "evidence"), ("   ", "evidence"), ("虚假报告", "evidence"), ("啊啊啊啊啊啊啊啊啊啊啊", "evidence")]
        {
            let p = check_entry(&NewBlacklistEntry { evidence: text.into(), ..entry() }, today()).unwrap_err();
            assert_eq!(p.field, field, "{text:?}");
        }
        // Exactly the minimum is enough.
        assert_eq!("伪造签字见记录第3页".chars().count(), MIN_EVIDENCE_CHARS);
        assert!(check_entry(&NewBlacklistEntry { evidence: "伪造签字见记录第3页".into(), ..entry() }, today()).is_ok());
    }

    #[test]
    fn subject_decider_and_date_are_checked() {
        assert_eq!(
            check_entry(&NewBlacklistEntry { subject_id: " ".into(), ..entry() }, today()).unwrap_err().field,
            "subject_id"
        );
        assert_eq!(
            check_entry(&NewBlacklistEntry { entered_by: "".into(), ..entry() }, today()).unwrap_err().field,
            "entered_by"
        );
        let tomorrow = NewBlacklistEntry { entered_on: "2026-11-24".into(), ..entry() };
        assert_eq!(check_entry(&tomorrow, today()).unwrap_err().field, "entered_on");
        let bad = NewBlacklistEntry { entered_on: "2026/11/23".into(), ..entry() };
        assert_eq!(check_entry(&bad, today()).unwrap_err().field, "entered_on");
    }

    #[test]
    fn lifting_needs_a_reason_and_a_date_after_the_entry() {
        let entered = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        assert!(check_lift("整改完成，经复查合格", "王科长", "2026-11-23", entered, today()).is_ok());
        assert_eq!(check_lift("", "王科长", "2026-11-23", entered, today()).unwrap_err().field, "reason");
        assert_eq!(check_lift("理由", "王科长", "2026-05-31", entered, today()).unwrap_err().field, "lifted_on");
        assert!(check_lift("理由", "王科长", "2026-06-01", entered, today()).is_ok());
    }
}
