//! Letters (函告, R12) before and after they are signed: the findings a draft is composed from,
//! each carrying its evidence, and the state of the agency's reply against its deadline.
//!
//! The signed letter itself is a document (`document::LetterFacts`); its findings are frozen as
//! text that already names the evidence, so the printed letter and its verification hold the
//! same words.

use crate::message::Message;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Days an agency has to answer a letter in writing unless the draft says otherwise.
pub const DEFAULT_REPLY_DAYS: u32 = 15;

/// Where a finding comes from in the inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum FindingSource {
    /// A checklist item the inspection failed.
    Item { code: String },
    /// A hazard recorded in the inspection.
    Hazard { id: String },
    /// An R1 condition the agency does not meet.
    Condition { condition: String },
}

/// One finding of a letter with what proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    pub source: FindingSource,
    pub text: String,
    /// The facts behind it: the legal basis, the note taken on site, photos and the signed
    /// record they are in.
    pub evidence: Vec<String>,
}

impl Finding {
    /// The finding as printed: its text, then its evidence in brackets.
    pub fn printed(&self) -> String {
        let text = self.text.trim().trim_end_matches(['。', '；', ';']);
        if self.evidence.is_empty() {
            format!("{text}。")
        } else {
            format!("{text}（证据：{}）。", self.evidence.join("；"))
        }
    }
}

/// A letter being composed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LetterDraft {
    pub visit_id: String,
    pub findings: Vec<Finding>,
    pub demands: Vec<String>,
    pub reply_days: u32,
    pub drafted_by: String,
}

/// Why a draft cannot be saved; empty when it can.
pub fn draft_problems(d: &LetterDraft) -> Vec<Message> {
    let mut out = Vec::new();
    if d.findings.iter().all(|f| f.text.trim().is_empty()) {
        out.push(Message::new(
            "函告没有列出任何问题：请至少选择一项检查发现",
            "The letter lists no findings: choose at least one",
        ));
    }
    if d.findings.iter().any(|f| f.text.trim().is_empty()) && d.findings.iter().any(|f| !f.text.trim().is_empty()) {
        out.push(Message::new("有一项问题的内容为空", "A finding has no text"));
    }
    if d.demands.iter().all(|s| s.trim().is_empty()) {
        out.push(Message::new("函告没有提出整改要求", "The letter makes no demands"));
    }
    if !(1..=90).contains(&d.reply_days) {
        out.push(Message::new(
            format!("回复期限 {} 天不在 1–90 天之内", d.reply_days),
            format!("A reply period of {} days is outside 1–90", d.reply_days),
        ));
    }
    if d.drafted_by.trim().is_empty() {
        out.push(Message::new("请填写拟稿人", "Enter who drafted the letter"));
    }
    out
}

/// `杭应急函〔2026〕12号` → (`杭应急函`, 2026, 12): a letter's series and its number in it.
pub fn parse_reference(reference: &str) -> Option<(String, i32, u32)> {
    let (prefix, rest) = reference.split_once('〔')?;
    let (year, rest) = rest.split_once('〕')?;
    let n = rest.strip_suffix('号')?;
    Some((prefix.to_owned(), year.parse().ok()?, n.parse().ok()?))
}

/// What happened after the letter went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LetterEventKind {
    /// The agency's written reply arrived.
    Replied,
    /// The bureau accepted the reply: the letter is settled.
    Accepted,
    /// The bureau rejected the reply: a new reply is due.
    Rejected,
}

impl LetterEventKind {
    pub fn key(self) -> &'static str {
        match self {
            LetterEventKind::Replied => "replied",
            LetterEventKind::Accepted => "accepted",
            LetterEventKind::Rejected => "rejected",
        }
    }

    pub fn from_key(k: &str) -> Option<Self> {
        [LetterEventKind::Replied, LetterEventKind::Accepted, LetterEventKind::Rejected]
            .into_iter()
            .find(|e| e.key() == k)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReplyState {
    /// Waiting for the reply, deadline not passed.
    Awaiting,
    /// The deadline passed without a reply.
    Overdue,
    /// A reply arrived and waits for the bureau's review.
    Replied,
    Accepted,
}

/// The state of a letter on `day`, from its deadline and its events in order. The deadline day
/// itself is still in time. A rejected reply puts the letter back to waiting, against the same
/// deadline: the agency is late from then on unless the bureau writes again.
pub fn reply_state(reply_by: NaiveDate, events: &[LetterEventKind], day: NaiveDate) -> ReplyState {
    let waiting = || if day > reply_by { ReplyState::Overdue } else { ReplyState::Awaiting };
    match events.last() {
        None | Some(LetterEventKind::Rejected) => waiting(),
        Some(LetterEventKind::Replied) => ReplyState::Replied,
        Some(LetterEventKind::Accepted) => ReplyState::Accepted,
    }
}

/// Why an event cannot follow the ones before; `None` when it can.
pub fn event_problem(events: &[LetterEventKind], next: LetterEventKind) -> Option<Message> {
    match (events.last(), next) {
        (Some(LetterEventKind::Accepted), _) => {
            Some(Message::new("该函告的回复已采纳，不能再登记", "The reply was accepted; nothing more can be recorded"))
        }
        (None | Some(LetterEventKind::Rejected), LetterEventKind::Replied) => None,
        (Some(LetterEventKind::Replied), LetterEventKind::Accepted | LetterEventKind::Rejected) => None,
        (Some(LetterEventKind::Replied), LetterEventKind::Replied) => Some(Message::new(
            "已登记的回复还未审核：请先采纳或退回",
            "The reply on file has not been reviewed: accept or reject it first",
        )),
        _ => Some(Message::new("还没有收到回复，不能审核", "No reply has arrived to review")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LetterEventKind::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn the_deadline_day_is_in_time_and_the_next_is_overdue() {
        assert_eq!(reply_state(d(12, 8), &[], d(12, 8)), ReplyState::Awaiting);
        assert_eq!(reply_state(d(12, 8), &[], d(12, 9)), ReplyState::Overdue);
    }

    #[test]
    fn a_reply_then_review_settles_the_letter_and_a_rejection_reopens_it() {
        assert_eq!(reply_state(d(12, 8), &[Replied], d(12, 20)), ReplyState::Replied);
        assert_eq!(reply_state(d(12, 8), &[Replied, Accepted], d(12, 20)), ReplyState::Accepted);
        assert_eq!(reply_state(d(12, 8), &[Replied, Rejected], d(12, 20)), ReplyState::Overdue);
        assert_eq!(reply_state(d(12, 8), &[Replied, Rejected], d(12, 1)), ReplyState::Awaiting);
    }

    #[test]
    fn events_follow_their_order() {
        assert!(event_problem(&[], Replied).is_none());
        assert!(event_problem(&[], Accepted).is_some());
        assert!(event_problem(&[Replied], Replied).is_some());
        assert!(event_problem(&[Replied], Rejected).is_none());
        assert!(event_problem(&[Replied, Rejected], Replied).is_none());
        assert!(event_problem(&[Replied, Accepted], Replied).is_some());
    }

    fn draft() -> LetterDraft {
        LetterDraft {
            visit_id: "v".into(),
            findings: vec![Finding {
                source: FindingSource::Item { code: "A.2.1".into() },
                text: "服务记录与现场不符。".into(),
                evidence: vec!["依据：《办法》第十条".into(), "照片 2 张".into()],
            }],
            demands: vec!["立即整改".into()],
            reply_days: 15,
            drafted_by: "王检查".into(),
        }
    }

    #[test]
    fn a_draft_without_findings_or_demands_is_refused() {
        assert!(draft_problems(&draft()).is_empty());
        let mut d = draft();
        d.findings.clear();
        d.demands = vec![" ".into()];
        let zh: Vec<_> = draft_problems(&d).into_iter().map(|m| m.zh).collect();
        assert_eq!(zh.len(), 2, "{zh:?}");
        assert!(zh[0].contains("没有列出任何问题"));
        let mut d = draft();
        d.reply_days = 0;
        assert_eq!(draft_problems(&d).len(), 1);
    }

    #[test]
    fn references_parse_into_their_series() {
        assert_eq!(parse_reference("杭应急函〔2026〕12号"), Some(("杭应急函".into(), 2026, 12)));
        assert_eq!(parse_reference("杭应急函〔2026〕□号"), None);
    }

    #[test]
    fn a_finding_prints_with_its_evidence() {
        assert_eq!(draft().findings[0].printed(), "服务记录与现场不符（证据：依据：《办法》第十条；照片 2 张）。");
    }
}
