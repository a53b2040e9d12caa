//! The audit log: who did what at the laptop and when — signing in, signing and correcting
//! documents, exporting, approving, grading, blacklisting, and every act refused for the role.
//! Entries are chained: each carries the SHA-256 of the one before it and of itself, so an
//! entry edited or taken out of the middle breaks the chain from there on.

use crate::labels::labelled_enum;
use crate::sync::Role;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

labelled_enum! {
    /// What an audit entry records.
    AuditAct {
        SignIn = "sign_in", "登录", "Signed in";
        SignInFailed = "sign_in_failed", "登录被拒绝", "Sign-in refused";
        PasswordReset = "password_reset", "经管理员重设密码", "Reset the password with an administrator's code";
        SignOut = "sign_out", "锁定", "Locked";
        FirstUser = "first_user", "创建本机用户", "Made this laptop's user";
        Enrol = "enrol", "注册本机", "Enrolled this laptop";
        Sign = "sign", "签署文书", "Signed a document";
        Correct = "correct", "更正文书", "Corrected a document";
        ApproveLetter = "approve_letter", "签发函告", "Approved a letter";
        Export = "export", "导出", "Exported";
        Grade = "grade", "信用评级", "Graded the agencies";
        Blacklist = "blacklist", "列入严重失信名单", "Entered on the blacklist";
        LiftBlacklist = "lift_blacklist", "移出严重失信名单", "Lifted from the blacklist";
        Commission = "commission", "政府委托检查", "Commissioned a check";
        Refused = "refused", "越权操作被拒绝", "Refused for the role";
        BackUp = "back_up", "备份", "Backed up";
        Restore = "restore", "从备份恢复", "Restored from a backup";
        ImportRegister = "import_register", "导入登记表", "Imported a register";
        AddRegister = "add_register", "登记新记录", "Registered a new record";
        ChangeRegister = "change_register", "修改登记信息", "Changed a register record";
        AgencyAct = "agency_act", "记录执业告知或平台移除", "Recorded a practice notice or platform removal";
    }
}

/// Who an entry names: the signed-in user, or the account the command line was run with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<String>,
    pub user_name: String,
    pub role: Option<Role>,
}

impl Actor {
    /// An entry for what this actor did at `at`.
    pub fn entry(&self, at: &str, act: AuditAct, subject: impl Into<String>, detail: impl Into<String>) -> AuditEntry {
        AuditEntry {
            at: at.to_owned(),
            user_id: self.user_id.clone(),
            user_name: self.user_name.clone(),
            role: self.role,
            act,
            subject: subject.into(),
            detail: detail.into(),
        }
    }
}

/// One entry as it is written: `subject` names the record acted on (a document, an agency, a
/// file), `detail` what else the reader needs (the act refused, the reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    pub at: String,
    pub user_id: Option<String>,
    pub user_name: String,
    pub role: Option<Role>,
    pub act: AuditAct,
    pub subject: String,
    pub detail: String,
}

/// An entry as it travels to the server: the laptop's node names the chain it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncedAuditEntry {
    pub node: String,
    pub seq: i64,
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub hash: String,
}

impl SyncedAuditEntry {
    /// Its record id: the node, the place in the chain and the start of its hash — a laptop
    /// restored from a backup writes other entries at places already sent, and the server
    /// keeps both, so the fork shows instead of one silently standing for the other.
    pub fn record_id(&self) -> String {
        format!("{}/{}/{}", self.node, self.seq, self.hash.get(..16).unwrap_or(&self.hash))
    }
}

/// The hash of the entry at `seq` after the one whose hash is `previous` (empty for the first).
pub fn chain_hash(previous: &str, seq: i64, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    // Fields are separated by a byte no text field holds, so moving text between two fields
    // changes the hash.
    for part in [
        previous,
        &seq.to_string(),
        &e.at,
        e.user_id.as_deref().unwrap_or(""),
        &e.user_name,
        e.role.map_or("", Role::key),
        e.act.key(),
        &e.subject,
        &e.detail,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The first entry, by sequence number, where the chain breaks — an entry changed, or one
/// missing before it — or `None` when every entry follows from the one before.
pub fn first_break<'a>(entries: impl IntoIterator<Item = (i64, &'a AuditEntry, &'a str)>) -> Option<i64> {
    let (mut previous, mut expected_seq) = (String::new(), 1);
    for (seq, entry, hash) in entries {
        if seq != expected_seq || chain_hash(&previous, seq, entry) != hash {
            return Some(seq);
        }
        previous = hash.to_owned();
        expected_seq = seq + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(act: AuditAct, subject: &str) -> AuditEntry {
        AuditEntry {
            at: "2026-11-23T10:00:00+08:00".into(),
            user_id: Some("u1".into()),
            user_name: "王".into(),
            role: Some(Role::Inspector),
            act,
            subject: subject.into(),
            detail: String::new(),
        }
    }

    fn chained(entries: &[AuditEntry]) -> Vec<(i64, AuditEntry, String)> {
        let mut previous = String::new();
        let mut out = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let seq = i as i64 + 1;
            let hash = chain_hash(&previous, seq, e);
            previous = hash.clone();
            out.push((seq, e.clone(), hash));
        }
        out
    }

    fn check(log: &[(i64, AuditEntry, String)]) -> Option<i64> {
        first_break(log.iter().map(|(s, e, h)| (*s, e, h.as_str())))
    }

    #[test]
    fn an_edited_a_removed_or_a_reordered_entry_breaks_the_chain_there() {
        let log = chained(&[
            entry(AuditAct::SignIn, ""),
            entry(AuditAct::Sign, "doc-1"),
            entry(AuditAct::Export, "a.pdf"),
            entry(AuditAct::SignOut, ""),
        ]);
        assert_eq!(check(&log), None);

        let mut edited = log.clone();
        edited[1].1.subject = "doc-2".into();
        assert_eq!(check(&edited), Some(2));

        let mut removed = log.clone();
        removed.remove(2);
        assert_eq!(check(&removed), Some(4), "the entry after the gap");

        // Two entries swapped: the chain breaks at the first one out of place.
        let mut swapped = log.clone();
        swapped.swap(1, 2);
        assert_eq!(check(&swapped), Some(3));
    }

    #[test]
    fn text_moved_between_fields_changes_the_hash() {
        let mut a = entry(AuditAct::Export, "ab");
        a.detail = "c".into();
        let mut b = entry(AuditAct::Export, "a");
        b.detail = "bc".into();
        assert_ne!(chain_hash("", 1, &a), chain_hash("", 1, &b));
    }
}
