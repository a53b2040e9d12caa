//! An agency's standing with the bureaus, as acts a bureau records: the practice notice
//! (执业告知) an agency gives each county bureau where it serves (R1), and its removal from the
//! platform (移除系统平台, R12) or its restoration. Each act is a record written once with its
//! date, reason and who recorded it — never an agency field a later edit could overwrite — so
//! the standing on any day is read from the acts, and a bureau can show how it came about.

use crate::form::{past_date, problem, FieldProblem};
use crate::labels::labelled_enum;
use crate::message::Message;
use crate::DivisionCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

labelled_enum! {
    /// What a bureau recorded about an agency.
    AgencyActKind {
        PracticeNotice = "practice_notice", "执业告知", "Practice notice";
        PlatformRemoval = "platform_removal", "移除系统平台", "Removed from the platform";
        PlatformRestoration = "platform_restoration", "恢复系统平台", "Restored to the platform";
    }
}

/// A new act as the supervisor's form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewAgencyAct {
    pub agency_id: String,
    pub kind: AgencyActKind,
    /// A practice notice: the county (区、县、市) whose bureau was notified, by division code.
    pub county: Option<String>,
    /// A removal or restoration: why (required). A practice notice: its reference, if any.
    pub note: String,
    pub decided_by: String,
    /// `YYYY-MM-DD`: the day the notice was received or the decision taken.
    pub decided_on: String,
}

/// A form that passed [`check`]: trimmed, its date read, a notice's county known to be one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAct {
    pub kind: AgencyActKind,
    pub county: Option<DivisionCode>,
    pub note: String,
    pub decided_by: String,
    pub decided_on: NaiveDate,
}

/// Checks a form against the agency's current removal (`removed`: the removal in force, if
/// any). A removal needs an agency on the platform and a restoration one that is off it; both
/// need a reason. A notice names a county-level division. No act is dated after `today`.
pub fn check(form: &NewAgencyAct, removed: Option<&RecordedAct>, today: NaiveDate) -> Result<CheckedAct, FieldProblem> {
    let decided_by = form.decided_by.trim();
    if decided_by.is_empty() {
        return Err(problem("decided_by", "请填写记录人", "Say who records this"));
    }
    let decided_on = past_date("decided_on", &form.decided_on, today)?;
    let note = form.note.trim().to_owned();
    let county = match form.kind {
        AgencyActKind::PracticeNotice => {
            let code = form.county.as_deref().map(str::trim).unwrap_or_default();
            let county = DivisionCode::parse(code)
                .ok()
                .filter(|d| !d.is_township() && d.jurisdiction().prefix().len() == 6)
                .ok_or_else(|| {
                    problem(
                        "county",
                        "请选择接受执业告知的县（市、区）",
                        "Choose the county (区、县、市) whose bureau was notified",
                    )
                })?;
            Some(county)
        }
        AgencyActKind::PlatformRemoval | AgencyActKind::PlatformRestoration => {
            if note.chars().count() < 4 {
                return Err(problem(
                    "note",
                    format!("请写明{}的理由", form.kind.label_zh()),
                    format!("Give the reason for this ({})", form.kind.label_en().to_lowercase()),
                ));
            }
            match (form.kind, removed) {
                (AgencyActKind::PlatformRemoval, Some(r)) => {
                    return Err(problem(
                        "kind",
                        format!("该机构已于 {} 移除系统平台", r.decided_on),
                        format!("The agency was already removed from the platform on {}", r.decided_on),
                    ))
                }
                (AgencyActKind::PlatformRestoration, None) => {
                    return Err(problem(
                        "kind",
                        "该机构未被移除系统平台，无需恢复",
                        "The agency is on the platform; there is nothing to restore",
                    ))
                }
                (_, Some(r)) if decided_on.to_string() < r.decided_on => {
                    return Err(problem(
                        "decided_on",
                        format!("恢复日期不能早于移除日期 {}", r.decided_on),
                        format!("A restoration cannot be dated before the removal on {}", r.decided_on),
                    ))
                }
                _ => {}
            }
            None
        }
    };
    Ok(CheckedAct { kind: form.kind, county, note, decided_by: decided_by.to_owned(), decided_on })
}

/// An act as stored, in the order the acts were decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordedAct {
    pub id: String,
    pub agency_id: String,
    pub kind: AgencyActKind,
    pub county: Option<String>,
    /// The county's name, for a notice (filled in from the division register; not synced).
    #[serde(default)]
    pub county_name: Option<String>,
    pub note: String,
    pub decided_by: String,
    pub decided_on: String,
    pub recorded_at: String,
}

/// The removal in force after `acts` (any order): the latest removal, unless a restoration
/// was decided on or after it. Acts decided the same day keep their recorded order.
pub fn removal_in_force(acts: &[RecordedAct]) -> Option<&RecordedAct> {
    acts.iter()
        .filter(|a| a.kind != AgencyActKind::PracticeNotice)
        .max_by(|a, b| (&a.decided_on, &a.recorded_at).cmp(&(&b.decided_on, &b.recorded_at)))
        .filter(|a| a.kind == AgencyActKind::PlatformRemoval)
}

/// Why an agency removed from the platform may not take a new contract.
pub fn removal_bars_contract(agency_name: &str, removal: &RecordedAct) -> Message {
    Message::new(
        format!("{agency_name}已于 {} 被移除系统平台（{}），不得签订新的服务合同", removal.decided_on, removal.note),
        format!(
            "{agency_name} was removed from the platform on {} ({}) and may not take new contracts",
            removal.decided_on, removal.note
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    fn form(kind: AgencyActKind) -> NewAgencyAct {
        NewAgencyAct {
            agency_id: "a".into(),
            kind,
            county: None,
            note: "检查发现长期未开展服务".into(),
            decided_by: " 王建国 ".into(),
            decided_on: "2026-12-01".into(),
        }
    }

    fn recorded(kind: AgencyActKind, on: &str, at: &str) -> RecordedAct {
        RecordedAct {
            id: format!("{on}{at}"),
            agency_id: "a".into(),
            kind,
            county: None,
            county_name: None,
            note: "理由写在这里".into(),
            decided_by: "王建国".into(),
            decided_on: on.into(),
            recorded_at: at.into(),
        }
    }

    #[test]
    fn a_notice_names_a_county_and_nothing_else_will_do() {
        let mut f = form(AgencyActKind::PracticeNotice);
        f.note = String::new();
        for bad in [None, Some("330100"), Some("330000"), Some("330106001"), Some("西湖区")] {
            f.county = bad.map(str::to_owned);
            assert_eq!(check(&f, None, today()).unwrap_err().field, "county", "{bad:?}");
        }
        f.county = Some("330106".into());
        let c = check(&f, None, today()).unwrap();
        assert_eq!((c.county.unwrap().as_str(), c.decided_by.as_str()), ("330106", "王建国"));
    }

    #[test]
    fn removal_and_restoration_need_a_reason_and_follow_each_other() {
        let mut f = form(AgencyActKind::PlatformRemoval);
        f.note = "  ".into();
        assert_eq!(check(&f, None, today()).unwrap_err().field, "note");
        f.note = "检查发现长期未开展服务".into();
        assert!(check(&f, None, today()).is_ok());
        let removed = recorded(AgencyActKind::PlatformRemoval, "2026-11-20", "1");
        assert_eq!(check(&f, Some(&removed), today()).unwrap_err().field, "kind", "removed twice");
        let mut back = form(AgencyActKind::PlatformRestoration);
        assert_eq!(check(&back, None, today()).unwrap_err().field, "kind", "nothing to restore");
        assert!(check(&back, Some(&removed), today()).is_ok());
        back.decided_on = "2026-11-19".into();
        assert_eq!(check(&back, Some(&removed), today()).unwrap_err().field, "decided_on");
        back.decided_on = "2026-12-06".into();
        assert_eq!(check(&back, Some(&removed), today()).unwrap_err().field, "decided_on", "future");
        back.decided_on = "2026/12/01".into();
        assert_eq!(check(&back, Some(&removed), today()).unwrap_err().field, "decided_on");
    }

    #[test]
    fn the_latest_of_removal_and_restoration_decides() {
        use AgencyActKind::*;
        assert!(removal_in_force(&[]).is_none());
        let notice = recorded(PracticeNotice, "2026-12-01", "9");
        let out = recorded(PlatformRemoval, "2026-10-01", "1");
        let back = recorded(PlatformRestoration, "2026-11-01", "2");
        let out_again = recorded(PlatformRemoval, "2026-11-01", "3");
        assert_eq!(removal_in_force(&[notice.clone(), out.clone()]), Some(&out));
        assert_eq!(removal_in_force(&[back.clone(), out.clone(), notice.clone()]), None, "any order");
        assert_eq!(removal_in_force(&[out_again.clone(), back, out]), Some(&out_again), "same day: recorded order");
    }
}
