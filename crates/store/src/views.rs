//! What the screens and the CLI read: flat, display-ready views of the registers. ID numbers
//! never leave the store unmasked through these types. Their TypeScript twins are generated
//! into `ui/src/bindings` by ts-rs and committed.

use safeserve_core::qualification::UnmetCondition;
use safeserve_core::register::{CertificateKind, EnterpriseSize, Industry, ManagementDocument, ServiceType, StaffRole};
use safeserve_core::{AgencyId, ContractId, EnterpriseId, PersonId};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Division {
    pub code: String,
    pub name: String,
    /// The county-level parent of a township; `None` for a district or county.
    pub parent: Option<String>,
}

/// Filters of the enterprise list. Empty text lists the newest enterprises.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EnterpriseQuery {
    pub text: String,
    /// A division code; everything under it matches.
    pub division: Option<String>,
    pub industry: Option<Industry>,
    pub high_risk_only: bool,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EnterpriseSummary {
    pub id: EnterpriseId,
    pub name: String,
    pub credit_code: String,
    pub address: String,
    pub division: String,
    /// "西湖区 · 转塘街道"
    pub division_name: String,
    pub industry: Industry,
    pub high_risk: bool,
    pub size: EnterpriseSize,
    pub park: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContractView {
    pub id: ContractId,
    pub agency_id: AgencyId,
    pub agency_name: String,
    pub enterprise_id: EnterpriseId,
    pub enterprise_name: String,
    pub service_types: Vec<ServiceType>,
    pub content: String,
    pub visits_per_year: u32,
    /// ISO dates, YYYY-MM-DD.
    pub starts_on: String,
    pub ends_on: String,
    /// Fee in yuan, two decimals, e.g. "12800.00".
    pub fee_yuan: String,
    pub acceptance_standard: String,
    pub filed: bool,
    pub government_commissioned: bool,
    /// In force today.
    pub active: bool,
}

/// 一企一档: everything SafeServe holds about one enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EnterpriseFile {
    pub enterprise: EnterpriseSummary,
    pub principal: String,
    pub safety_contact: String,
    pub phone: String,
    pub contracts: Vec<ContractView>,
    /// Agencies with a contract in force today.
    pub serving_agencies: Vec<AgencySummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencySummary {
    pub id: AgencyId,
    pub name: String,
    pub credit_code: String,
    pub division_name: String,
    pub staff_count: u32,
    /// Meets every R1 condition today.
    pub qualified: bool,
    pub unmet_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CertificateView {
    pub kind: CertificateKind,
    pub number: String,
    pub issuer: String,
    pub specialty: Option<String>,
    pub expires_on: Option<String>,
    pub expired: bool,
    /// Expires within 60 days.
    pub expiring_soon: bool,
    /// Other agencies that list a holder of this certificate number (证书挂靠, R15).
    pub also_claimed_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EmploymentView {
    pub agency_id: AgencyId,
    pub agency_name: String,
    pub role: StaffRole,
    pub full_time: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonSummary {
    pub id: PersonId,
    pub name: String,
    /// Always masked: 330102********1234.
    pub id_number_masked: String,
    pub phone: String,
    pub employments: Vec<EmploymentView>,
    pub certificates: Vec<CertificateView>,
    /// Latest capability test: `None` if never tested.
    pub capability_passed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyDetail {
    pub agency: AgencySummary,
    pub address: String,
    pub office_area_m2: f64,
    pub service_types: Vec<ServiceType>,
    pub high_risk_industries: Vec<Industry>,
    pub platform_registered: bool,
    pub documents: Vec<ManagementDocument>,
    /// Every R1 condition the agency fails today, with its evidence.
    pub unmet: Vec<UnmetCondition>,
    pub staff: Vec<PersonSummary>,
    pub contracts: Vec<ContractView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HitKind {
    Enterprise,
    Agency,
    Person,
}

/// One search result across the registers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchHit {
    pub kind: HitKind,
    pub id: String,
    pub title: String,
    pub subtitle: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RegisterCounts {
    pub enterprises: u32,
    pub agencies: u32,
    pub people: u32,
    pub contracts: u32,
}

/// The form for registering an enterprise by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewEnterprise {
    pub credit_code: String,
    pub name: String,
    pub address: String,
    /// Township code (9 digits) or district code (6 digits).
    pub division: String,
    pub industry: Industry,
    pub size: EnterpriseSize,
    pub park: Option<String>,
    pub principal: String,
    pub safety_contact: String,
    pub phone: String,
}

/// The form for registering a person by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewPerson {
    pub id_number: String,
    pub name: String,
    pub phone: String,
    pub agency_id: AgencyId,
    pub role: StaffRole,
    pub full_time: bool,
}
