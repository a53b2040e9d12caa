//! What each role may do on a laptop. The server decides what each role may *write* when a
//! change arrives (`safeserve-server`'s policy, on records); this table decides, in the same
//! spirit, what a signed-in user may *do* at the laptop, act by act. Every desktop command
//! asks it before touching the store, and the window draws its menus from the acts the
//! signed-in role is given — hiding a button is never the check.

use crate::labels::labelled_enum;
use crate::sync::Role;
use crate::visit::VisitKind;
use crate::Message;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

labelled_enum! {
    /// Something a person does at the laptop that not every role may do.
    Act {
        View = "view", "查阅登记和记录", "Read the registers and records";
        Supervise = "supervise", "查阅监管信息（评级、覆盖率、倒查、函告）", "Read supervision (grades, coverage, back-trace, letters)";
        AddEnterprise = "add_enterprise", "新增企业", "Add an enterprise";
        CorrectEnterprise = "correct_enterprise", "更正企业联系信息", "Correct an enterprise's contact details";
        EditRegisters = "edit_registers", "维护服务机构和从业人员登记", "Keep the agency and people registers";
        ImportTemplate = "import_template", "导入检查表", "Import a checklist";
        RecordService = "record_service", "记录技术服务", "Record a service visit";
        RecordInspection = "record_inspection", "记录监管检查", "Record an inspection";
        RecordContract = "record_contract", "登记服务合同", "Record a service contract";
        Commission = "commission", "政府委托检查", "Commission a government check";
        ComposeLetter = "compose_letter", "起草函告、记录回复", "Draft letters and record replies";
        ApproveLetter = "approve_letter", "签发函告", "Approve and sign a letter";
        Evaluate = "evaluate", "评价服务机构", "Rate an agency";
        Grade = "grade", "信用评级", "Grade the agencies";
        Blacklist = "blacklist", "列入或移出严重失信名单", "Enter or lift a blacklist entry";
        CapabilityTest = "capability_test", "记录能力测试", "Record a capability test";
        Export = "export", "导出文书和报表", "Export documents and tables";
        Sync = "sync", "同步与注册本机", "Sync and enrol this laptop";
        ReadAudit = "read_audit", "查阅审计日志", "Read the audit log";
        BackUp = "back_up", "备份本机数据", "Back up this laptop";
        Restore = "restore", "从备份恢复本机数据", "Restore this laptop from a backup";
    }
}

impl Act {
    /// The roles given this act. An agency's technician records the agency's own service and
    /// its contracts; the bureau's inspectors inspect, commission checks, draft letters and
    /// rate agencies; its supervisors also keep the registers, approve letters, grade and
    /// blacklist. The administrator may do everything.
    pub fn roles(self) -> &'static [Role] {
        use Role::{Admin as A, Inspector as I, Supervisor as S, Technician as T};
        match self {
            Act::View | Act::AddEnterprise | Act::CorrectEnterprise | Act::Export | Act::Sync | Act::BackUp => {
                &[T, I, S, A]
            }
            Act::RecordService => &[T, A],
            Act::RecordContract => &[T, S, A],
            Act::Supervise
            | Act::RecordInspection
            | Act::Commission
            | Act::ComposeLetter
            | Act::Evaluate
            | Act::CapabilityTest => &[I, S, A],
            Act::EditRegisters
            | Act::ImportTemplate
            | Act::ApproveLetter
            | Act::Grade
            | Act::Blacklist
            | Act::ReadAudit
            // Restoring puts the laptop back to an earlier day: what was recorded since stays
            // only in the file set aside, so it is the bureau's supervisors' call.
            | Act::Restore => &[S, A],
        }
    }

    /// Recording (and signing the documents of) a visit of this kind: an agency's own service
    /// by its technicians, every other kind by the bureau.
    pub fn record(kind: VisitKind) -> Act {
        if kind.by_agency() {
            Act::RecordService
        } else {
            Act::RecordInspection
        }
    }
}

impl Role {
    pub fn may(self, act: Act) -> bool {
        act.roles().contains(&self)
    }

    /// Every act this role is given, in the table's order: what the window draws.
    pub fn acts(self) -> Vec<Act> {
        Act::ALL.iter().copied().filter(|a| self.may(*a)).collect()
    }

    /// Whether `self` may do `act`, or what the person is told.
    pub fn check(self, act: Act) -> Result<(), Message> {
        if self.may(act) {
            return Ok(());
        }
        let allowed = |label: fn(Role) -> &'static str, sep: &str| {
            act.roles().iter().map(|r| label(*r)).collect::<Vec<_>>().join(sep)
        };
        Err(Message::new(
            format!(
                "以“{}”身份登录时不能{}（可由{}办理）",
                self.label_zh(),
                act.label_zh(),
                allowed(Role::label_zh, "、")
            ),
            format!(
                "Signed in as {}, you cannot: {} (for {})",
                self.label_en().to_lowercase(),
                act.label_en().to_lowercase(),
                allowed(|r| r.label_en(), ", ").to_lowercase()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::{Admin as A, Inspector as I, Supervisor as S, Technician as T};

    #[test]
    fn a_technician_records_the_agencys_service_and_nothing_of_the_bureaus() {
        for act in [Act::View, Act::RecordService, Act::RecordContract, Act::Export, Act::Sync] {
            assert!(T.may(act), "{act:?}");
        }
        for act in [
            Act::Supervise,
            Act::RecordInspection,
            Act::Commission,
            Act::ComposeLetter,
            Act::ApproveLetter,
            Act::Grade,
            Act::Blacklist,
            Act::EditRegisters,
        ] {
            assert!(!T.may(act), "{act:?}");
        }
    }

    #[test]
    fn inspectors_inspect_and_draft_supervisors_also_approve_grade_and_blacklist() {
        assert!(I.may(Act::RecordInspection) && I.may(Act::ComposeLetter) && I.may(Act::Commission));
        assert!(!I.may(Act::ApproveLetter) && !I.may(Act::Grade) && !I.may(Act::Blacklist));
        assert!(!I.may(Act::RecordService), "a bureau's inspector does not write an agency's service record");
        assert!(S.may(Act::ApproveLetter) && S.may(Act::Grade) && S.may(Act::Blacklist) && S.may(Act::EditRegisters));
        assert_eq!(A.acts(), Act::ALL.to_vec());
    }

    #[test]
    fn a_visit_is_recorded_by_who_makes_it() {
        assert_eq!(Act::record(VisitKind::Service), Act::RecordService);
        assert_eq!(Act::record(VisitKind::FirstService), Act::RecordService);
        for kind in [VisitKind::AgencyInspection, VisitKind::SpotCheck, VisitKind::Reinspection] {
            assert_eq!(Act::record(kind), Act::RecordInspection);
        }
    }

    #[test]
    fn a_refusal_names_the_act_and_who_may_do_it() {
        let m = T.check(Act::Grade).expect_err("refused");
        assert!(m.zh.contains("信用评级") && m.zh.contains("监管负责人") && m.zh.contains("机构技术人员"), "{}", m.zh);
        assert!(m.en.contains("grade the agencies"), "{}", m.en);
        assert!(S.check(Act::Grade).is_ok());
    }
}
