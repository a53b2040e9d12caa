//! The registers SafeServe keeps offline: agencies (服务机构), their people (从业人员) and
//! certificates, enterprises (生产经营单位) and the contracts (服务合同) between them.
//! Labels are Chinese first, as printed on forms; the enums' serialised names are stable
//! identifiers stored in the database and sent over IPC.

use crate::division::DivisionCode;
use crate::ids::{AgencyId, ContractId, EnterpriseId, PersonId};
use crate::labels::labelled_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

labelled_enum! {
    /// Industry of an enterprise. The high-risk ones need specialist engineers (R1).
    Industry {
        Chemical = "chemical", "化工", "Chemicals";
        HazardousChemicals = "hazardous_chemicals", "危化品", "Hazardous chemicals";
        Mining = "mining", "矿山", "Mining";
        Fireworks = "fireworks", "烟花爆竹", "Fireworks";
        Metallurgy = "metallurgy", "金属冶炼", "Metal smelting";
        DustExplosion = "dust_explosion", "粉尘涉爆", "Combustible dust";
        AmmoniaRefrigeration = "ammonia_refrigeration", "涉氨制冷", "Ammonia refrigeration";
        Machinery = "machinery", "机械制造", "Machinery";
        Textile = "textile", "纺织服装", "Textiles";
        Food = "food", "食品加工", "Food processing";
        Electronics = "electronics", "电子信息", "Electronics";
        BuildingMaterials = "building_materials", "建材", "Building materials";
        Printing = "printing", "印刷包装", "Printing and packaging";
        Furniture = "furniture", "家具制造", "Furniture";
        Warehousing = "warehousing", "仓储物流", "Warehousing and logistics";
        Trade = "trade", "商贸服务", "Trade and services";
    }
}

impl Industry {
    pub fn is_high_risk(self) -> bool {
        matches!(
            self,
            Industry::Chemical
                | Industry::HazardousChemicals
                | Industry::Mining
                | Industry::Fireworks
                | Industry::Metallurgy
                | Industry::DustExplosion
                | Industry::AmmoniaRefrigeration
        )
    }

    /// Engineering specialties that qualify a mid-level engineer to serve this industry (R1).
    pub fn qualifying_specialties(self) -> &'static [&'static str] {
        match self {
            Industry::Chemical | Industry::HazardousChemicals => &["化工工艺", "化学工程"],
            Industry::Mining => &["采矿工程", "矿山安全"],
            Industry::Fireworks => &["烟花爆竹", "化工工艺"],
            Industry::Metallurgy => &["冶金工程"],
            Industry::DustExplosion => &["粉尘防爆", "安全工程"],
            Industry::AmmoniaRefrigeration => &["制冷与空调", "化工工艺"],
            _ => &[],
        }
    }
}

labelled_enum! {
    /// Service types of R5.
    ServiceType {
        SafetyManagement = "safety_management", "安全管理服务", "Safety management";
        ProfessionalTechnical = "professional_technical", "专业技术服务", "Professional technical";
        PublicityTraining = "publicity_training", "宣传教育服务", "Publicity and training";
        Other = "other", "其他安全服务", "Other safety services";
    }
}

labelled_enum! {
    StaffRole {
        TechnicalLead = "technical_lead", "技术负责人", "Technical lead";
        ProcessControlLead = "process_control_lead", "过程控制负责人", "Process-control lead";
        Technician = "technician", "专职技术人员", "Technician";
        PartTime = "part_time", "兼职人员", "Part-time";
    }
}

labelled_enum! {
    CertificateKind {
        RegisteredSafetyEngineer = "registered_safety_engineer", "注册安全工程师", "Registered safety engineer";
        SafetyAssessor = "safety_assessor", "安全评价师", "Safety assessor";
        RegisteredFireEngineer = "registered_fire_engineer", "注册消防工程师", "Registered fire engineer";
        MidTitle = "mid_title", "中级职称", "Mid-level engineering title";
        SeniorTitle = "senior_title", "高级职称", "Senior engineering title";
    }
}

impl CertificateKind {
    /// An engineering title (中级/高级职称) rather than a registration.
    pub fn is_engineering_title(self) -> bool {
        matches!(self, CertificateKind::MidTitle | CertificateKind::SeniorTitle)
    }
}

labelled_enum! {
    /// The management documents R1 asks an agency to have.
    ManagementDocument {
        TechnicalMeans = "technical_means", "技术装备清单", "Technical equipment";
        InternalRules = "internal_rules", "内部管理制度", "Internal management rules";
        ServiceProcedures = "service_procedures", "服务规范与程序", "Service procedures";
        ServiceArchives = "service_archives", "服务档案", "Service archives";
        QualityControl = "quality_control", "质量控制体系", "Quality-control system";
        StaffFiles = "staff_files", "人员档案", "Staff files";
    }
}

labelled_enum! {
    EnterpriseSize {
        Micro = "micro", "微型", "Micro";
        Small = "small", "小型", "Small";
        Medium = "medium", "中型", "Medium";
        Large = "large", "大型", "Large";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Certificate {
    pub kind: CertificateKind,
    pub number: String,
    pub issuer: String,
    /// Specialty of an engineering title, e.g. 化工工艺.
    pub specialty: Option<String>,
    #[ts(type = "string | null")]
    pub expires_on: Option<NaiveDate>,
    /// 等级 as the certificate states it (一级, 二级 …), where it has one.
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    #[ts(type = "string | null")]
    pub issued_on: Option<NaiveDate>,
}

impl Certificate {
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.expires_on.is_none_or(|e| e >= day)
    }

    /// The certificate as a form gave it, trimmed, or the first field that is wrong: a number
    /// and an issuer are required, an engineering title names its specialty (R7 reads it),
    /// and it cannot expire before it was issued.
    pub fn checked(&self) -> Result<Certificate, crate::form::FieldProblem> {
        use crate::form::problem;
        let trimmed = |s: &str| s.trim().to_owned();
        let optional = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let c = Certificate {
            kind: self.kind,
            number: trimmed(&self.number),
            issuer: trimmed(&self.issuer),
            specialty: optional(&self.specialty),
            expires_on: self.expires_on,
            level: optional(&self.level),
            issued_on: self.issued_on,
        };
        if c.number.is_empty() {
            return Err(problem("number", "请填写证书编号", "Enter the certificate number"));
        }
        if c.issuer.is_empty() {
            return Err(problem("issuer", "请填写发证机关", "Enter the issuing authority"));
        }
        if c.kind.is_engineering_title() && c.specialty.is_none() {
            return Err(problem("specialty", "职称证书请填写专业", "An engineering title names its specialty"));
        }
        if let (Some(issued), Some(expires)) = (c.issued_on, c.expires_on) {
            if expires < issued {
                return Err(problem(
                    "expires_on",
                    format!("有效期至 {expires} 早于发证日期 {issued}"),
                    format!("It expires ({expires}) before it was issued ({issued})"),
                ));
            }
        }
        Ok(c)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    pub credit_code: String,
    pub name: String,
    pub address: String,
    pub office_area_m2: f64,
    pub division: DivisionCode,
    pub service_types: Vec<ServiceType>,
    /// High-risk industries the agency serves or offers to serve.
    pub high_risk_industries: Vec<Industry>,
    pub platform_registered: bool,
    pub documents: Vec<ManagementDocument>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    /// Stored in full; shown only masked.
    pub id_number: String,
    pub name: String,
    pub phone: String,
    pub certificates: Vec<Certificate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Employment {
    pub person: PersonId,
    pub agency: AgencyId,
    pub role: StaffRole,
    pub full_time: bool,
    #[serde(default)]
    pub started_on: Option<NaiveDate>,
    /// The last day worked; from the day after, the person is no longer the agency's staff.
    #[serde(default)]
    pub ended_on: Option<NaiveDate>,
}

impl Employment {
    /// Whether the person works at the agency on `day`.
    pub fn is_current_on(&self, day: NaiveDate) -> bool {
        self.started_on.is_none_or(|s| s <= day) && self.ended_on.is_none_or(|e| e >= day)
    }
}

/// 任职 as the people screen takes it: a post at an agency with its terms. A person holds one
/// post per agency; recording it again corrects that post (a later term after one that ended
/// writes over it, the earlier dates kept in the audit log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PostForm {
    pub agency_id: AgencyId,
    pub role: StaffRole,
    pub full_time: bool,
    #[ts(type = "string | null")]
    pub started_on: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub ended_on: Option<NaiveDate>,
}

impl PostForm {
    /// The post for `person`, or the field that is wrong: it cannot end before it began.
    pub fn checked(&self, person: PersonId) -> Result<Employment, crate::form::FieldProblem> {
        if let (Some(started), Some(ended)) = (self.started_on, self.ended_on) {
            if ended < started {
                return Err(crate::form::problem(
                    "ended_on",
                    format!("离职日期 {ended} 早于入职日期 {started}"),
                    format!("The post ends ({ended}) before it began ({started})"),
                ));
            }
        }
        Ok(Employment {
            person,
            agency: self.agency_id,
            role: self.role,
            full_time: self.full_time,
            started_on: self.started_on,
            ended_on: self.ended_on,
        })
    }
}

/// A training course a person completed (培训记录), as the bureau records it: R1's staff are
/// trained people, and the grade's capability part reads these beside the tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Training {
    pub course: String,
    /// Who ran it: a bureau, an association, a training school.
    pub organiser: String,
    #[ts(type = "string")]
    pub completed_on: NaiveDate,
    /// 学时.
    pub hours: f64,
}

impl Training {
    /// The record trimmed, or the field that is wrong: a course and organiser named, a day
    /// that has happened, hours between 0.5 and 1,000.
    pub fn checked(&self, today: NaiveDate) -> Result<Training, crate::form::FieldProblem> {
        use crate::form::problem;
        let t = Training {
            course: self.course.trim().to_owned(),
            organiser: self.organiser.trim().to_owned(),
            completed_on: self.completed_on,
            hours: self.hours,
        };
        if t.course.is_empty() {
            return Err(problem("course", "请填写培训名称", "Enter the course"));
        }
        if t.organiser.is_empty() {
            return Err(problem("organiser", "请填写培训组织单位", "Enter who ran the course"));
        }
        if t.completed_on > today {
            return Err(problem(
                "completed_on",
                format!("结业日期 {} 晚于今天（{today}）", t.completed_on),
                format!("The course ends ({}) after today ({today})", t.completed_on),
            ));
        }
        if !(0.5..=1000.0).contains(&t.hours) {
            return Err(problem(
                "hours",
                format!("学时须在 0.5–1000 之间，现为 {}", t.hours),
                format!("Hours must be 0.5–1,000, not {}", t.hours),
            ));
        }
        Ok(t)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapabilityTest {
    pub person: PersonId,
    pub taken_on: NaiveDate,
    pub score: u8,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enterprise {
    pub id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub address: String,
    /// The township or street the enterprise is in.
    pub division: DivisionCode,
    pub industry: Industry,
    pub size: EnterpriseSize,
    pub park: Option<String>,
    pub principal: String,
    pub safety_contact: String,
    pub phone: String,
}

impl Enterprise {
    pub fn is_high_risk(&self) -> bool {
        self.industry.is_high_risk()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    pub id: ContractId,
    pub agency: AgencyId,
    pub enterprise: EnterpriseId,
    pub service_types: Vec<ServiceType>,
    pub content: String,
    /// Visits per year.
    pub visits_per_year: u32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Fee in fen (分), so money is never a float.
    pub fee_fen: i64,
    pub acceptance_standard: String,
    pub filed: bool,
    pub government_commissioned: bool,
}

impl Contract {
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_for_every_variant() {
        for i in Industry::ALL {
            assert_eq!(Industry::from_key(i.key()), Some(*i), "{i:?}");
        }
        assert_eq!(serde_json::to_string(&Industry::DustExplosion).unwrap(), "\"dust_explosion\"");
    }

    #[test]
    fn every_high_risk_industry_names_a_specialty() {
        for i in Industry::ALL.iter().filter(|i| i.is_high_risk()) {
            assert!(!i.qualifying_specialties().is_empty(), "{i:?} needs specialists");
        }
    }

    #[test]
    fn certificate_valid_through_its_expiry_day() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut c = Certificate {
            kind: CertificateKind::RegisteredSafetyEngineer,
            number: "1".into(),
            issuer: "x".into(),
            specialty: None,
            expires_on: Some(day),
            level: None,
            issued_on: None,
        };
        assert!(c.is_valid_on(day));
        c.expires_on = day.pred_opt();
        assert!(!c.is_valid_on(day));
    }

    #[test]
    fn a_post_cannot_end_before_it_began_and_a_training_has_happened() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d);
        let post = PostForm {
            agency_id: AgencyId(uuid::Uuid::nil()),
            role: StaffRole::Technician,
            full_time: true,
            started_on: day(10),
            ended_on: day(9),
        };
        assert_eq!(post.checked(PersonId(uuid::Uuid::nil())).unwrap_err().field, "ended_on");
        let post = PostForm { ended_on: day(10), ..post };
        assert_eq!(post.checked(PersonId(uuid::Uuid::nil())).unwrap().ended_on, day(10), "a one-day post is a post");

        let today = day(20).unwrap();
        let training = Training {
            course: " 安全评价 ".into(),
            organiser: "杭州市应急管理局".into(),
            completed_on: today,
            hours: 16.0,
        };
        assert_eq!(training.checked(today).unwrap().course, "安全评价");
        let field = |t: Training| t.checked(today).unwrap_err().field;
        assert_eq!(field(Training { course: " ".into(), ..training.clone() }), "course");
        assert_eq!(field(Training { organiser: String::new(), ..training.clone() }), "organiser");
        assert_eq!(field(Training { completed_on: day(21).unwrap(), ..training.clone() }), "completed_on");
        assert_eq!(field(Training { hours: 0.0, ..training }), "hours");
    }
}
