//! Hazards (隐患) and their life. A hazard's state is never stored: it is derived from an
//! append-only list of events (reported → rectification reported → verified → closed, with
//! kept-open, reported-to-government and escalated along the way), so the record of what
//! happened and when can never be overwritten. Lists put major hazards first (R8, 先重大后一般)
//! and make overdue ones stand out.

use crate::labels::labelled_enum;
use crate::message::Message;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use ts_rs::TS;

labelled_enum! {
    /// Major (重大) or general (一般). Major comes first in every list (R8).
    HazardLevel {
        Major = "major", "重大隐患", "Major";
        General = "general", "一般隐患", "General";
    }
}

labelled_enum! {
    /// What area of safety a hazard or checklist item belongs to.
    HazardCategory {
        Fire = "fire", "消防安全", "Fire safety";
        Electrical = "electrical", "电气安全", "Electrical safety";
        Machinery = "machinery", "机械设备", "Machinery";
        HazardousChemicals = "hazardous_chemicals", "危险化学品", "Hazardous chemicals";
        ConfinedSpace = "confined_space", "有限空间", "Confined spaces";
        Dust = "dust", "粉尘防爆", "Combustible dust";
        Ammonia = "ammonia", "涉氨制冷", "Ammonia refrigeration";
        Management = "management", "安全管理", "Safety management";
        AgencyConduct = "agency_conduct", "服务机构管理", "Agency conduct";
        Other = "other", "其他", "Other";
    }
}

labelled_enum! {
    /// Something that happened to a hazard. Events are only ever appended.
    HazardEventKind {
        Reported = "reported", "发现并登记", "Reported";
        RectificationReported = "rectification_reported", "企业报告已整改", "Rectification reported";
        Verified = "verified", "复查确认整改", "Verified at re-inspection";
        KeptOpen = "kept_open", "复查未通过", "Kept open at re-inspection";
        Closed = "closed", "闭环销号", "Closed";
        Overdue = "overdue", "逾期未整改", "Overdue";
        ReportedToGovernment = "reported_to_government", "报告属地政府", "Reported to government";
        Escalated = "escalated", "升级督办", "Escalated";
        Supplemented = "supplemented", "签字前补充", "Completed before signing";
    }
}

labelled_enum! {
    /// A field a hazard list cannot be signed without (R6: every hazard with a targeted
    /// rectification measure and a deadline). Asked for when the hazard is registered, checked
    /// again when the visit ends, and fillable afterwards — as a `supplemented` event — until
    /// the list is signed.
    HazardGap {
        Measure = "measure", "整改措施", "rectification measure";
        Deadline = "deadline", "整改期限", "rectification deadline";
    }
}

impl HazardGap {
    /// What a hazard still lacks before it can go on a signed list.
    pub fn of(measure: &str, deadline: &str) -> Vec<HazardGap> {
        let mut gaps = Vec::new();
        if measure.trim().is_empty() {
            gaps.push(HazardGap::Measure);
        }
        if NaiveDate::parse_from_str(deadline.trim(), "%Y-%m-%d").is_err() {
            gaps.push(HazardGap::Deadline);
        }
        gaps
    }

    /// "隐患 2（粉尘爆炸危险场所…）没有整改措施": `which` names the hazard for the reader.
    pub fn message_for(self, which: &Message) -> Message {
        Message::new(format!("{}没有{}", which.zh, self.label_zh()), format!("{} has no {}", which.en, self.label_en()))
    }
}

labelled_enum! {
    /// Where a hazard stands, derived from its events.
    HazardStatus {
        Open = "open", "待整改", "Open";
        RectificationReported = "rectification_reported", "待复查", "Awaiting re-inspection";
        Closed = "closed", "已闭环", "Closed";
    }
}

impl HazardLevel {
    /// Days given to rectify by default: a major hazard needs a rectification plan and more
    /// time; a general one is fixed quickly.
    pub fn default_rectification_days(self) -> u64 {
        match self {
            HazardLevel::Major => 30,
            HazardLevel::General => 15,
        }
    }
}

/// One event as the rules need to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HazardEvent {
    pub kind: HazardEventKind,
    pub on: NaiveDate,
}

/// What a hazard's events add up to on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HazardState {
    pub status: HazardStatus,
    /// Not closed and the deadline has passed.
    pub overdue: bool,
    pub reported_to_government: bool,
    pub escalated: bool,
}

/// Derives the state from the events in the order they were appended.
pub fn state(events: &[HazardEvent], deadline: NaiveDate, today: NaiveDate) -> HazardState {
    let mut status = HazardStatus::Open;
    let (mut reported_to_government, mut escalated) = (false, false);
    for e in events {
        match e.kind {
            HazardEventKind::Reported | HazardEventKind::KeptOpen => status = HazardStatus::Open,
            HazardEventKind::RectificationReported => status = HazardStatus::RectificationReported,
            HazardEventKind::Verified | HazardEventKind::Closed => status = HazardStatus::Closed,
            HazardEventKind::ReportedToGovernment => reported_to_government = true,
            HazardEventKind::Escalated => escalated = true,
            HazardEventKind::Overdue | HazardEventKind::Supplemented => {}
        }
    }
    let overdue = status != HazardStatus::Closed && today > deadline;
    HazardState { status, overdue, reported_to_government, escalated }
}

/// Whether `next` may follow `events`; the reason when it may not.
pub fn check_next(events: &[HazardEvent], level: HazardLevel, next: HazardEventKind) -> Result<(), Message> {
    let far = NaiveDate::MAX;
    let current = state(events, far, NaiveDate::MIN);
    let closed = current.status == HazardStatus::Closed;
    match next {
        HazardEventKind::Reported if !events.is_empty() => {
            Err(Message::new("该隐患已经登记，不能重复登记", "This hazard has already been reported"))
        }
        _ if events.is_empty() && next != HazardEventKind::Reported => {
            Err(Message::new("隐患尚未登记", "The hazard has not been reported yet"))
        }
        HazardEventKind::Reported => Ok(()),
        _ if closed => Err(Message::new("该隐患已闭环销号，不能再变更", "This hazard is closed and cannot change")),
        HazardEventKind::ReportedToGovernment if level != HazardLevel::Major => {
            Err(Message::new("只有重大隐患需要报告属地政府", "Only major hazards are reported to the government"))
        }
        HazardEventKind::ReportedToGovernment if current.reported_to_government => {
            Err(Message::new("该重大隐患已报告属地政府", "Already reported to the government"))
        }
        HazardEventKind::Escalated if level != HazardLevel::Major => {
            Err(Message::new("只有重大隐患可以升级督办", "Only major hazards are escalated"))
        }
        HazardEventKind::Verified | HazardEventKind::Closed | HazardEventKind::KeptOpen
            if current.status == HazardStatus::Closed =>
        {
            Err(Message::new("该隐患已闭环销号", "This hazard is already closed"))
        }
        _ => Ok(()),
    }
}

/// What a hazard list is sorted by.
#[derive(Debug, Clone, Copy)]
pub struct Ranked {
    pub level: HazardLevel,
    pub state: HazardState,
    pub deadline: NaiveDate,
    /// Creation order (newer is larger).
    pub seq: i64,
}

/// The order of every hazard list: major before general (R8); within a level, open before
/// closed, overdue first, then the nearest deadline; closed ones newest first.
pub fn list_order(a: &Ranked, b: &Ranked) -> Ordering {
    let closed = |r: &Ranked| r.state.status == HazardStatus::Closed;
    a.level.cmp(&b.level).then(closed(a).cmp(&closed(b))).then(b.state.overdue.cmp(&a.state.overdue)).then_with(|| {
        if closed(a) {
            b.seq.cmp(&a.seq)
        } else {
            a.deadline.cmp(&b.deadline).then(a.seq.cmp(&b.seq))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use HazardEventKind::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn ev(kinds: &[HazardEventKind]) -> Vec<HazardEvent> {
        kinds.iter().map(|k| HazardEvent { kind: *k, on: d(1) }).collect()
    }

    #[test]
    fn state_follows_the_events() {
        let deadline = d(20);
        assert_eq!(state(&ev(&[Reported]), deadline, d(10)).status, HazardStatus::Open);
        assert_eq!(
            state(&ev(&[Reported, RectificationReported]), deadline, d(10)).status,
            HazardStatus::RectificationReported
        );
        assert_eq!(
            state(&ev(&[Reported, RectificationReported, KeptOpen]), deadline, d(10)).status,
            HazardStatus::Open
        );
        assert_eq!(
            state(&ev(&[Reported, RectificationReported, Verified, Closed]), deadline, d(10)).status,
            HazardStatus::Closed
        );
    }

    #[test]
    fn overdue_only_after_the_deadline_day_and_never_when_closed() {
        let deadline = d(20);
        assert!(!state(&ev(&[Reported]), deadline, d(20)).overdue, "the deadline day itself is in time");
        assert!(state(&ev(&[Reported]), deadline, d(21)).overdue);
        assert!(!state(&ev(&[Reported, Closed]), deadline, d(21)).overdue);
        assert!(
            state(&ev(&[Reported, RectificationReported]), deadline, d(21)).overdue,
            "awaiting re-inspection still counts"
        );
    }

    #[test]
    fn lifecycle_refuses_what_cannot_happen() {
        assert!(check_next(&[], HazardLevel::General, Reported).is_ok());
        assert!(check_next(&[], HazardLevel::General, Closed).is_err());
        assert!(check_next(&ev(&[Reported]), HazardLevel::General, Reported).is_err());
        assert!(check_next(&ev(&[Reported]), HazardLevel::General, ReportedToGovernment).is_err());
        assert!(check_next(&ev(&[Reported]), HazardLevel::Major, ReportedToGovernment).is_ok());
        assert!(check_next(&ev(&[Reported, ReportedToGovernment]), HazardLevel::Major, ReportedToGovernment).is_err());
        let closed = ev(&[Reported, Verified, Closed]);
        let err = check_next(&closed, HazardLevel::General, RectificationReported).unwrap_err();
        assert!(err.zh.contains("闭环"), "{err}");
        assert!(state(&ev(&[Reported, ReportedToGovernment, Escalated]), d(1), d(1)).escalated);
    }

    #[test]
    fn a_list_needs_a_measure_and_a_real_deadline() {
        assert_eq!(HazardGap::of("立即清理积尘", "2026-12-20"), vec![]);
        assert_eq!(HazardGap::of(" ", "2026-12-20"), vec![HazardGap::Measure]);
        assert_eq!(HazardGap::of("清理", "12月20日"), vec![HazardGap::Deadline]);
        let m = HazardGap::Measure.message_for(&Message::new("隐患 1（积尘）", "Hazard 1 (dust)"));
        assert_eq!(
            (m.zh.as_str(), m.en.as_str()),
            ("隐患 1（积尘）没有整改措施", "Hazard 1 (dust) has no rectification measure")
        );
        assert!(check_next(&ev(&[Reported]), HazardLevel::General, Supplemented).is_ok());
        assert!(check_next(&ev(&[Reported, Verified, Closed]), HazardLevel::General, Supplemented).is_err());
    }

    #[test]
    fn lists_put_major_first_then_open_overdue_then_deadline() {
        let open = |overdue| HazardState {
            status: HazardStatus::Open,
            overdue,
            reported_to_government: false,
            escalated: false,
        };
        let closed = HazardState { status: HazardStatus::Closed, ..open(false) };
        let mut v = [
            Ranked { level: HazardLevel::General, state: open(true), deadline: d(1), seq: 1 },
            Ranked { level: HazardLevel::Major, state: closed, deadline: d(1), seq: 2 },
            Ranked { level: HazardLevel::Major, state: open(false), deadline: d(30), seq: 3 },
            Ranked { level: HazardLevel::Major, state: open(false), deadline: d(25), seq: 4 },
            Ranked { level: HazardLevel::Major, state: open(true), deadline: d(2), seq: 5 },
            Ranked { level: HazardLevel::General, state: closed, deadline: d(1), seq: 6 },
        ];
        v.sort_by(list_order);
        assert_eq!(v.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![5, 4, 3, 2, 1, 6]);
    }
}
