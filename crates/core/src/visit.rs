//! Visits (服务/检查记录): who went where, when, with which checklist, and what each item showed.

use crate::labels::labelled_enum;
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

/// 服务细化方案 (R6), recorded with the first visit to a newly contracted enterprise.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServicePlan {
    pub staff: Vec<PlannedStaff>,
    /// Visits per year and what each covers.
    pub schedule: String,
}
