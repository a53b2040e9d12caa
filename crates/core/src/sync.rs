//! What travels between a laptop and the central server: changes to records, each whole,
//! stamped with a hybrid logical clock. Shared by the local store (which writes and applies
//! them), the sync client and the server (see docs/sync.md).

use crate::labels::labelled_enum;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

labelled_enum! {
    /// The kinds of record that sync.
    Entity {
        Agency = "agency", "服务机构", "Agency";
        Enterprise = "enterprise", "企业", "Enterprise";
        Person = "person", "从业人员", "Person";
        Contract = "contract", "服务合同", "Contract";
        Visit = "visit", "检查记录", "Visit";
        VisitItem = "visit_item", "检查项目", "Checklist item";
        Hazard = "hazard", "隐患", "Hazard";
        HazardEvent = "hazard_event", "隐患事件", "Hazard event";
        ItemPhoto = "item_photo", "检查项目照片", "Checklist item photo";
        HazardPhoto = "hazard_photo", "隐患照片", "Hazard photo";
        Document = "document", "签署文书", "Signed document";
        // A concurrent edit the server decided: the kept and the lost value, both whole.
        Conflict = "conflict", "同步冲突", "Sync conflict";
        // The draft of a letter (函告) before approval; keyed by its inspection visit.
        LetterDraft = "letter_draft", "函告草稿", "Letter draft";
        // An agency's reply to a letter, or the bureau's review of it.
        LetterEvent = "letter_event", "函告回复与审核", "Letter reply or review";
        // A rating of an agency by an enterprise or an inspector (R13).
        Evaluation = "evaluation", "服务评价", "Evaluation";
        // An entry on the serious-dishonesty list (R11), and its lifting.
        BlacklistEntry = "blacklist_entry", "严重失信名单列入", "Blacklist entry";
        BlacklistLift = "blacklist_lift", "严重失信名单移出", "Blacklist lifting";
        // A practice notice an agency gave a county bureau, or its removal from the platform
        // or restoration (R1, R12): acts a bureau records, each written once.
        AgencyAct = "agency_act", "执业告知与平台移除", "Practice notice or platform removal";
        // An edition of a checklist template the bureau published; named `key/version`.
        Template = "template", "检查表模板", "Checklist template";
        // An entry of a laptop's audit log: sent to the server, pulled by no laptop.
        AuditEntry = "audit_entry", "审计日志", "Audit log entry";
    }
}

labelled_enum! {
    /// Who a user of the central server is: an agency's technician (scope: their agency), a
    /// bureau's inspector or supervisor (scope: their jurisdiction), or an administrator.
    Role {
        Technician = "technician", "机构技术人员", "Agency technician";
        Inspector = "inspector", "监管检查人员", "Inspector";
        Supervisor = "supervisor", "监管负责人", "Supervisor";
        Admin = "admin", "管理员", "Administrator";
    }
}

labelled_enum! {
    /// The steps of one sync, in the order they run.
    SyncPhase {
        Push = "push", "推送变更", "Sending changes";
        Photos = "photos", "上传照片", "Uploading photos";
        Pull = "pull", "拉取数据", "Receiving data";
        Download = "download", "下载照片", "Downloading photos";
    }
}

impl Entity {
    /// Evidence is append-only: it is written once, never changed or deleted, so it cannot
    /// conflict. Everything else is a mutable register field decided by last writer wins.
    pub fn is_evidence(self) -> bool {
        matches!(
            self,
            Entity::HazardEvent
                | Entity::ItemPhoto
                | Entity::HazardPhoto
                | Entity::Document
                | Entity::Conflict
                | Entity::LetterEvent
                | Entity::Evaluation
                | Entity::BlacklistEntry
                | Entity::BlacklistLift
                | Entity::AgencyAct
                | Entity::Template
                | Entity::AuditEntry
        )
    }

    /// Supervision records: written by the bureau's inspectors and supervisors, never by an
    /// agency's technicians (an agency does not rate itself or strike itself off the blacklist).
    pub fn is_supervision(self) -> bool {
        matches!(
            self,
            Entity::LetterDraft
                | Entity::LetterEvent
                | Entity::Evaluation
                | Entity::BlacklistEntry
                | Entity::BlacklistLift
                | Entity::AgencyAct
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Upsert,
    /// A tombstone: the record was deleted. It keeps its clock value so an older upsert
    /// arriving later loses to it.
    Delete,
}

impl Op {
    pub fn key(self) -> &'static str {
        match self {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
        }
    }

    pub fn from_key(key: &str) -> Option<Op> {
        match key {
            "upsert" => Some(Op::Upsert),
            "delete" => Some(Op::Delete),
            _ => None,
        }
    }
}

/// A change as a device pushes it. `change_id` makes a push idempotent: the server applies a
/// change id once however often it arrives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    pub change_id: Uuid,
    pub entity: Entity,
    pub record_id: String,
    pub op: Op,
    pub hlc: i64,
    /// The clock value of the version this change was made from; `None` for a new record.
    pub base_hlc: Option<i64>,
    pub node: String,
    /// The whole record as JSON (an object); `None` for a tombstone.
    pub body: Option<Box<serde_json::value::RawValue>>,
}

/// A change as the server hands it out, with its sequence number (the pull cursor).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pulled {
    pub seq: i64,
    pub entity: Entity,
    pub record_id: String,
    pub op: Op,
    pub hlc: i64,
    pub node: String,
    pub body: Option<Box<serde_json::value::RawValue>>,
}

/// Whether a pushed change became the record's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    /// Stored, but a newer value (by clock) is the record's value; a conflict was recorded if
    /// the two edits were concurrent.
    Superseded,
    Refused,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Superseded => "superseded",
            Outcome::Refused => "refused",
        }
    }
}

/// The server's answer for one pushed change. A device counts a change as synced only once it
/// has stored this receipt.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receipt {
    pub change_id: Uuid,
    /// The server's sequence number; `None` when refused.
    pub seq: Option<i64>,
    pub outcome: Outcome,
    /// Why a change was refused, in Chinese first.
    pub reason: Option<String>,
}

/// The child list `key` of a record body (a person's certificates, a visit's people). The
/// laptop's views build these with `json_group_array`, which may arrive as an array or as its
/// text; anything else is an empty list.
pub fn body_list(
    body: &serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    use serde_json::Value;
    let v = match body.get(key) {
        Some(Value::String(t)) => serde_json::from_str(t).unwrap_or(Value::Null),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    match v {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|i| match i {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A hybrid logical clock value from a wall-clock time: milliseconds × 65536, counter 0.
pub fn hlc_of_millis(ms: i64) -> i64 {
    ms.saturating_mul(65_536)
}

/// How far ahead of the server's clock a change may be stamped. Laptops' clocks drift by
/// seconds; a change stamped further ahead comes from a wrong clock, and would win every later
/// edit (or, near `i64::MAX`, stop every laptop that pulls it from ever winning again).
pub const MAX_CLOCK_AHEAD_MS: i64 = 10 * 60 * 1000;

/// The latest clock value acceptable at wall-clock time `now_ms`.
pub fn latest_acceptable_hlc(now_ms: i64) -> i64 {
    hlc_of_millis(now_ms.saturating_add(MAX_CLOCK_AHEAD_MS))
}

/// A node name (the tie-breaker between equal clock values): what laptops make, 1–64 letters,
/// digits, `-` or `_`; `server` is the server's own.
pub fn is_valid_node(node: &str) -> bool {
    (1..=64).contains(&node.len())
        && node != "server"
        && node.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Last writer wins: does `(hlc, node)` beat `(other_hlc, other_node)`? Ties of clock values
/// go to the greater node name, so every replica picks the same winner.
pub fn wins(hlc: i64, node: &str, other_hlc: i64, other_node: &str) -> bool {
    (hlc, node) > (other_hlc, other_node)
}
