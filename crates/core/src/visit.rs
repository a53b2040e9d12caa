//! Visits (服务/检查记录): who went where, when, with which checklist, and what each item showed.

use crate::labels::labelled_enum;
use crate::register::CertificateKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

labelled_enum! {
    /// The five kinds of visit of DOMAIN.md.
    VisitKind {
        Service = "service", "技术服务", "Service visit";
        FirstService = "first_service", "首次服务", "First service visit";
        AgencyInspection = "agency_inspection", "机构检查", "Agency inspection";
        SpotCheck = "spot_check", "企业抽查", "Enterprise spot check";
        Reinspection = "reinspection", "复查", "Re-inspection";
    }
}

impl VisitKind {
    /// Agency inspections are made of an agency; every other kind of an enterprise.
    pub fn visits_agency(self) -> bool {
        self == VisitKind::AgencyInspection
    }

    /// Visits made by an agency's technicians (the others are made by the bureau's inspectors).
    pub fn by_agency(self) -> bool {
        matches!(self, VisitKind::Service | VisitKind::FirstService)
    }
}

labelled_enum! {
    ItemResult {
        Pass = "pass", "符合", "Pass";
        Fail = "fail", "不符合", "Fail";
        NotApplicable = "not_applicable", "不适用", "Not applicable";
    }
}

/// One person of the service plan of a first visit (R6): who is sent, their specialty and grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlannedStaff {
    pub name: String,
    pub specialty: String,
    /// e.g. 中级职称, 注册安全工程师.
    pub grade: String,
}

/// A certificate as the service plan reads it.
#[derive(Debug, Clone, Copy)]
pub struct HeldCertificate<'a> {
    pub kind: CertificateKind,
    pub specialty: Option<&'a str>,
    pub expired: bool,
}

/// R6: a person the service plan sends, with the specialty and grade of their first certificate
/// still valid (else their first one); 安全管理 when it names no specialty, no grade when they
/// hold none. The plan is a printed form, so the grade is its Chinese name.
pub fn planned_staff(name: &str, certificates: &[HeldCertificate<'_>]) -> PlannedStaff {
    let shown = certificates.iter().find(|c| !c.expired).or(certificates.first());
    PlannedStaff {
        name: name.to_owned(),
        specialty: shown.and_then(|c| c.specialty).unwrap_or("安全管理").to_owned(),
        grade: shown.map(|c| c.kind.label_zh().to_owned()).unwrap_or_default(),
    }
}

/// 服务细化方案 (R6), recorded with the first visit to a newly contracted enterprise.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServicePlan {
    pub staff: Vec<PlannedStaff>,
    /// Visits per year and what each covers.
    pub schedule: String,
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    #[test]
    fn the_plan_names_the_first_valid_certificate_else_the_first_else_none() {
        let expired = HeldCertificate { kind: CertificateKind::SeniorTitle, specialty: Some("化工"), expired: true };
        let valid = HeldCertificate { kind: CertificateKind::MidTitle, specialty: None, expired: false };
        let p = planned_staff("王工", &[expired, valid]);
        assert_eq!((p.specialty.as_str(), p.grade.as_str()), ("安全管理", "中级职称"));
        let p = planned_staff("王工", &[expired]);
        assert_eq!((p.specialty.as_str(), p.grade.as_str()), ("化工", "高级职称"));
        let p = planned_staff("李工", &[]);
        assert_eq!((p.specialty.as_str(), p.grade.as_str()), ("安全管理", ""));
    }
}
