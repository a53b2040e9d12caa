//! R1 — the conditions an agency must meet (002 §三, 000 §三(二)). The check lists every unmet
//! condition with the rule it breaks and the evidence behind it, so a supervisor can read why
//! an agency fails without opening its staff files.

use crate::codes::CreditCode;
use crate::message::Message;
use crate::register::{Agency, Certificate, CertificateKind, ManagementDocument, StaffRole};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The numbers of R1. The seeds fix them; they stay in one place so a city that sets
/// stricter ones changes them here.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    pub min_office_area_m2: f64,
    pub min_qualified_staff: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { min_office_area_m2: 100.0, min_qualified_staff: 5 }
    }
}

/// One person on an agency's staff, as R1 needs to see them.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub name: String,
    pub role: StaffRole,
    pub full_time: bool,
    pub certificates: Vec<Certificate>,
    /// `None`: never tested.
    pub capability_passed: Option<bool>,
    /// Other agencies that also list this person as full-time (人员交叉使用, R15).
    pub full_time_elsewhere: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConditionKind {
    Registration,
    OfficeArea,
    QualifiedStaff,
    HighRiskSpecialist,
    PlatformRegistration,
    PracticeNotice,
    ManagementDocuments,
    CapabilityTest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnmetCondition {
    pub kind: ConditionKind,
    /// The rule broken, e.g. "R1".
    pub rule: String,
    pub message: Message,
    /// The facts behind the finding: people, certificates, documents.
    pub evidence: Vec<String>,
}

fn unmet(kind: ConditionKind, message: Message, evidence: Vec<String>) -> UnmetCondition {
    UnmetCondition { kind, rule: "R1".to_owned(), message, evidence }
}

/// Why a full-time person does or does not count towards the qualified staff.
fn counts_as_qualified(m: &StaffMember, day: NaiveDate) -> Result<(), String> {
    let fits = |c: &&Certificate| {
        matches!(
            c.kind,
            CertificateKind::RegisteredSafetyEngineer
                | CertificateKind::SafetyAssessor
                | CertificateKind::RegisteredFireEngineer
                | CertificateKind::MidTitle
                | CertificateKind::SeniorTitle
        )
    };
    if m.certificates.iter().filter(fits).any(|c| c.is_valid_on(day)) {
        return Ok(());
    }
    match m.certificates.iter().find(fits) {
        Some(c) => Err(format!(
            "{}：{}（{}）已于 {} 过期",
            m.name,
            c.kind.label_zh(),
            c.number,
            c.expires_on.map(|d| d.to_string()).unwrap_or_default()
        )),
        None => Err(format!("{}：无注册或中级及以上职称证书", m.name)),
    }
}

/// Every R1 condition `agency` fails on `day`, in the order of the rule's text.
/// `unnotified` names the counties where it serves under a current contract without having
/// given that county's bureau a practice notice (执业告知).
pub fn unmet_conditions(
    agency: &Agency,
    staff: &[StaffMember],
    unnotified: &[String],
    day: NaiveDate,
    t: &Thresholds,
) -> Vec<UnmetCondition> {
    let mut out = Vec::new();

    if let Err(e) = CreditCode::parse(&agency.credit_code) {
        let m = e.message();
        out.push(unmet(
            ConditionKind::Registration,
            Message::new(
                format!("未依法登记：统一社会信用代码无效（{}）", m.zh),
                format!("Not legally registered: invalid credit code ({})", m.en),
            ),
            vec![agency.credit_code.clone()],
        ));
    }

    if agency.office_area_m2 < t.min_office_area_m2 {
        out.push(unmet(
            ConditionKind::OfficeArea,
            Message::new(
                format!("办公场所面积 {} m²，不足 {} m²", agency.office_area_m2, t.min_office_area_m2),
                format!("Office area {} m² is under {} m²", agency.office_area_m2, t.min_office_area_m2),
            ),
            vec![],
        ));
    }

    let mut qualified = 0;
    let mut not_counted = Vec::new();
    for m in staff.iter().filter(|m| m.full_time) {
        if !m.full_time_elsewhere.is_empty() {
            not_counted.push(format!("{}：同时为{}的专职人员", m.name, m.full_time_elsewhere.join("、")));
            continue;
        }
        match counts_as_qualified(m, day) {
            Ok(_) => qualified += 1,
            Err(why) => not_counted.push(why),
        }
    }
    if qualified < t.min_qualified_staff {
        out.push(unmet(
            ConditionKind::QualifiedStaff,
            Message::new(
                format!("符合条件的专职技术人员 {qualified} 名，不足 {} 名", t.min_qualified_staff),
                format!("{qualified} qualified full-time staff, fewer than {}", t.min_qualified_staff),
            ),
            not_counted,
        ));
    }

    for industry in &agency.high_risk_industries {
        let specialties = industry.qualifying_specialties();
        let has_specialist = staff.iter().filter(|m| m.full_time && m.full_time_elsewhere.is_empty()).any(|m| {
            m.certificates.iter().any(|c| {
                c.kind.is_engineering_title()
                    && c.is_valid_on(day)
                    && c.specialty.as_deref().is_some_and(|s| specialties.contains(&s))
            })
        });
        if !has_specialist {
            out.push(unmet(
                ConditionKind::HighRiskSpecialist,
                Message::new(
                    format!(
                        "服务{}行业，但无相应专业（{}）中级及以上职称的专职工程师",
                        industry.label_zh(),
                        specialties.join("/")
                    ),
                    format!(
                        "Serves {} but has no full-time mid-level engineer in {}",
                        industry.label_en(),
                        specialties.join("/")
                    ),
                ),
                vec![],
            ));
        }
    }

    if !agency.platform_registered {
        out.push(unmet(
            ConditionKind::PlatformRegistration,
            Message::new("未在浙江省工业企业安全在线平台登记", "Not registered on the provincial platform"),
            vec![],
        ));
    }

    if !unnotified.is_empty() {
        out.push(unmet(
            ConditionKind::PracticeNotice,
            Message::new(
                format!("未向服务所在地应急管理部门执业告知：{}", unnotified.join("、")),
                format!("No practice notice to the bureau of {}, where it serves", unnotified.join(", ")),
            ),
            unnotified.to_vec(),
        ));
    }

    let missing: Vec<ManagementDocument> =
        ManagementDocument::ALL.iter().copied().filter(|d| !agency.documents.contains(d)).collect();
    if !missing.is_empty() {
        let zh: Vec<&str> = missing.iter().map(|d| d.label_zh()).collect();
        let en: Vec<&str> = missing.iter().map(|d| d.label_en()).collect();
        out.push(unmet(
            ConditionKind::ManagementDocuments,
            Message::new(format!("缺少管理文件：{}", zh.join("、")), format!("Missing documents: {}", en.join(", "))),
            zh.iter().map(|s| s.to_string()).collect(),
        ));
    }

    let untested: Vec<String> = staff
        .iter()
        .filter(|m| m.role != StaffRole::PartTime && m.capability_passed != Some(true))
        .map(|m| match m.capability_passed {
            None => format!("{}：未参加能力测试", m.name),
            _ => format!("{}：能力测试未通过", m.name),
        })
        .collect();
    if !untested.is_empty() {
        out.push(unmet(
            ConditionKind::CapabilityTest,
            Message::new(
                format!("{} 名技术人员未达到基本能力要求", untested.len()),
                format!("{} technicians have not passed the capability test", untested.len()),
            ),
            untested,
        ));
    }

    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::division::DivisionCode;
    use crate::ids::AgencyId;
    use crate::register::{Industry, ServiceType};

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn agency() -> Agency {
        Agency {
            id: AgencyId::from_parts(0, &[0; 10]),
            credit_code: "91350100M000100Y43".into(),
            name: "杭州安信安全技术服务有限公司".into(),
            address: "杭州市西湖区".into(),
            office_area_m2: 100.0,
            division: DivisionCode::parse("330106").unwrap(),
            service_types: vec![ServiceType::SafetyManagement],
            high_risk_industries: vec![],
            platform_registered: true,
            documents: ManagementDocument::ALL.to_vec(),
        }
    }

    fn engineer(name: &str, kind: CertificateKind, specialty: Option<&str>) -> StaffMember {
        StaffMember {
            name: name.into(),
            role: StaffRole::Technician,
            full_time: true,
            certificates: vec![Certificate {
                kind,
                number: format!("C-{name}"),
                issuer: "浙江省人力资源和社会保障厅".into(),
                specialty: specialty.map(Into::into),
                expires_on: Some(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap()),
                level: None,
                issued_on: None,
            }],
            capability_passed: Some(true),
            full_time_elsewhere: vec![],
        }
    }

    fn five() -> Vec<StaffMember> {
        (1..=5).map(|i| engineer(&format!("工程师{i}"), CertificateKind::RegisteredSafetyEngineer, None)).collect()
    }

    fn kinds(v: &[UnmetCondition]) -> Vec<ConditionKind> {
        v.iter().map(|u| u.kind).collect()
    }

    #[test]
    fn exactly_100_m2_and_exactly_5_staff_meet_r1() {
        let found = unmet_conditions(&agency(), &five(), &[], day(), &Thresholds::default());
        assert!(found.is_empty(), "edge values meet the rule: {found:?}");
    }

    #[test]
    fn office_just_under_100_m2_fails() {
        let mut a = agency();
        a.office_area_m2 = 99.5;
        let found = unmet_conditions(&a, &five(), &[], day(), &Thresholds::default());
        assert_eq!(kinds(&found), vec![ConditionKind::OfficeArea]);
        assert_eq!(found[0].message.zh, "办公场所面积 99.5 m²，不足 100 m²");
    }

    #[test]
    fn expired_certificate_and_shared_staff_do_not_count() {
        let mut staff = five();
        staff[0].certificates[0].expires_on = NaiveDate::from_ymd_opt(2026, 11, 22);
        staff[1].full_time_elsewhere = vec!["杭州某某公司".into()];
        let found = unmet_conditions(&agency(), &staff, &[], day(), &Thresholds::default());
        assert_eq!(kinds(&found), vec![ConditionKind::QualifiedStaff]);
        assert_eq!(found[0].message.zh, "符合条件的专职技术人员 3 名，不足 5 名");
        assert_eq!(found[0].evidence.len(), 2, "both excluded people are named: {:?}", found[0].evidence);
        assert!(found[0].evidence[0].contains("已于 2026-11-22 过期"));
    }

    #[test]
    fn certificate_expiring_today_still_counts() {
        let mut staff = five();
        staff[0].certificates[0].expires_on = Some(day());
        assert!(unmet_conditions(&agency(), &staff, &[], day(), &Thresholds::default()).is_empty());
    }

    #[test]
    fn chemical_service_needs_a_chemical_engineer() {
        let mut a = agency();
        a.high_risk_industries = vec![Industry::Chemical, Industry::Metallurgy];
        let mut staff = five();
        staff.push(engineer("化工工程师", CertificateKind::MidTitle, Some("化工工艺")));
        let found = unmet_conditions(&a, &staff, &[], day(), &Thresholds::default());
        assert_eq!(kinds(&found), vec![ConditionKind::HighRiskSpecialist], "only metallurgy lacks a specialist");
        assert!(found[0].message.zh.contains("金属冶炼"));
    }

    #[test]
    fn every_unmet_condition_is_listed_at_once() {
        let mut a = agency();
        a.credit_code = "91350100M000100Y44".into();
        a.office_area_m2 = 60.0;
        a.platform_registered = false;
        a.documents = vec![ManagementDocument::InternalRules];
        a.high_risk_industries = vec![Industry::Mining];
        let mut staff = five();
        staff.truncate(2);
        staff[0].capability_passed = None;
        staff[1].capability_passed = Some(false);
        let found = unmet_conditions(&a, &staff, &["余杭区".to_owned()], day(), &Thresholds::default());
        assert_eq!(
            kinds(&found),
            vec![
                ConditionKind::Registration,
                ConditionKind::OfficeArea,
                ConditionKind::QualifiedStaff,
                ConditionKind::HighRiskSpecialist,
                ConditionKind::PlatformRegistration,
                ConditionKind::PracticeNotice,
                ConditionKind::ManagementDocuments,
                ConditionKind::CapabilityTest,
            ]
        );
        assert!(found.iter().all(|u| u.rule == "R1"));
        assert!(found[0].message.zh.contains("校验位错误，应为 3"));
        assert_eq!(found[5].message.zh, "未向服务所在地应急管理部门执业告知：余杭区");
        assert_eq!(found[7].evidence, vec!["工程师1：未参加能力测试", "工程师2：能力测试未通过"]);
    }
}
