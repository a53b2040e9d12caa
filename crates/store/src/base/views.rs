//! What the screens and the CLI read: flat, display-ready views of the registers. ID numbers
//! never leave the store unmasked through these types. Their TypeScript twins are generated
//! into `ui/src/bindings` by ts-rs and committed.

use safeserve_core::blacklist::{BlacklistGround, SubjectKind};
use safeserve_core::capability::Mismatch;
use safeserve_core::checklist::{Template, TemplateTarget};
use safeserve_core::contract::{ContractFinding, ContractTerms};
use safeserve_core::document::{DocumentContent, DocumentKind, HandSignature, Verdict};
use safeserve_core::hazard::{HazardCategory, HazardEventKind, HazardLevel, HazardState};
use safeserve_core::qualification::UnmetCondition;
use safeserve_core::register::{CertificateKind, EnterpriseSize, Industry, ManagementDocument, ServiceType, StaffRole};
use safeserve_core::standing::RecordedAct;
use safeserve_core::visit::{ItemResult, PlannedStaff, ServicePlan, VisitKind};
use safeserve_core::{AgencyId, ContractId, DocumentId, EnterpriseId, HazardId, Message, PersonId, VisitId};
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
    pub terms: ContractTerms,
    /// The township/street (division code) the contract is filed with, and when.
    pub filed_with: Option<String>,
    pub filed_on: Option<String>,
    /// R2/R3 flags: missing elements, exemption clauses with the text matched, low price, filing.
    pub findings: Vec<ContractFinding>,
}

/// A contract typed in by hand, or a government commission (R9) about to be given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewContract {
    pub agency_id: AgencyId,
    pub enterprise_id: EnterpriseId,
    pub service_types: Vec<ServiceType>,
    pub content: String,
    pub visits_per_year: u32,
    /// YYYY-MM-DD.
    pub starts_on: String,
    pub ends_on: String,
    /// Fee in fen; 0 means none was stated, which is refused.
    #[ts(type = "number")]
    pub fee_fen: i64,
    pub acceptance_standard: String,
    pub terms: ContractTerms,
    pub filed_with: Option<String>,
    pub filed_on: Option<String>,
    pub government_commissioned: bool,
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
    pub visits: Vec<VisitSummary>,
    /// Every hazard, major first (R8).
    pub hazards: Vec<HazardView>,
    pub hazard_counts: HazardCounts,
    pub timeline: Vec<TimelineEntry>,
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
    /// The credit grade as last recorded (R10); `None` before the first grading.
    pub grade: Option<safeserve_core::grading::Grade>,
    /// On the serious-dishonesty list now (R11): no government-commissioned work.
    pub blacklisted: bool,
    /// Removed from the platform (R12) and not restored: no new contracts.
    pub removal: Option<RecordedAct>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CertificateView {
    pub kind: CertificateKind,
    pub number: String,
    pub issuer: String,
    pub specialty: Option<String>,
    pub expires_on: Option<String>,
    /// 等级, where the certificate states one.
    pub level: Option<String>,
    pub issued_on: Option<String>,
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
    pub started_on: Option<String>,
    /// The last day worked, once the post has ended.
    pub ended_on: Option<String>,
    /// Held on the day asked about: begun and not ended (an ended post stays on record).
    pub current: bool,
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

/// One capability-test result (R12), as the bureau recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CapabilityTestView {
    pub person_id: PersonId,
    pub taken_on: String,
    pub score: u8,
    pub passed: bool,
}

/// One person as the people screen opens them: their posts and certificates, the bureau's
/// training records and capability tests, and what this laptop's audit log holds about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonDetail {
    pub person: PersonSummary,
    /// Newest first.
    pub trainings: Vec<safeserve_core::register::Training>,
    /// Newest first.
    pub capability_tests: Vec<CapabilityTestView>,
    /// Registration and every change, newest first, with the values replaced.
    pub history: Vec<safeserve_core::audit::AuditEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyDetail {
    pub agency: AgencySummary,
    /// Its district's or township's code, as the edit form takes it.
    pub division: String,
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
    /// Active serious-dishonesty entries (R11), each with its ground and evidence.
    pub blacklist: Vec<BlacklistEntryView>,
    /// Why government-commissioned work is barred (D grade, blacklist); `None` if it is not.
    pub commission_barrier: Option<Message>,
    /// Its practice notices, removals and restorations (R1, R12), newest first.
    pub acts: Vec<RecordedAct>,
    /// The reference fees it publishes (R2).
    pub reference_fees: Vec<safeserve_core::import::agencies::ReferenceFee>,
    /// Its registration and every change made on this laptop, with the values replaced.
    pub history: Vec<safeserve_core::audit::AuditEntry>,
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
    pub visits: u32,
    pub hazards: u32,
    pub documents: u32,
}

/// The form for registering an enterprise by hand.
/// The contact details of an enterprise that may be corrected after registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EnterpriseContact {
    pub address: String,
    pub principal: String,
    pub safety_contact: String,
    pub phone: String,
}

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

/// Someone who signs in to this laptop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UserView {
    pub id: String,
    /// What is typed to sign in.
    pub name: String,
    pub display_name: String,
    pub role: safeserve_core::sync::Role,
    pub person_id: Option<PersonId>,
}

impl UserView {
    /// This user as the audit log names who did something.
    pub fn actor(&self) -> safeserve_core::audit::Actor {
        safeserve_core::audit::Actor {
            user_id: Some(self.id.clone()),
            user_name: self.display_name.clone(),
            role: Some(self.role),
        }
    }
}

/// The form for a new user of this laptop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewUser {
    pub name: String,
    pub display_name: String,
    pub role: safeserve_core::sync::Role,
    pub person_id: Option<PersonId>,
    pub password: String,
}

// ---- Visits, hazards, photos --------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TemplateSummary {
    pub key: String,
    pub version: u32,
    pub title: String,
    pub target: TemplateTarget,
    pub industries: Vec<Industry>,
    pub items: u32,
}

/// Where a visit happens: GPS when the laptop has it, otherwise a place picked by hand.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Place {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// e.g. 转塘街道 某某化工 二车间.
    pub description: String,
}

/// The form that starts a visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewVisit {
    pub kind: VisitKind,
    /// The enterprise visited, or for an agency inspection the agency.
    pub target_id: String,
    pub template_key: String,
    /// `None`: the latest edition.
    pub template_version: Option<u32>,
    pub people: Vec<PersonId>,
    pub place: Place,
    /// Why the visit goes ahead despite a capability mismatch (R7).
    pub mismatch_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitPerson {
    pub id: PersonId,
    pub name: String,
    /// Certificates as they stood when the visit started.
    pub certificates: Vec<CertificateView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitSummary {
    pub id: VisitId,
    pub kind: VisitKind,
    pub target_id: String,
    pub target_name: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub people: Vec<String>,
    pub template_title: String,
    pub hazards_major: u32,
    pub hazards_general: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhotoRef {
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub taken_at: Option<String>,
    pub phash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ItemAnswer {
    pub code: String,
    pub result: Option<ItemResult>,
    pub note: String,
    pub photos: Vec<PhotoRef>,
}

/// A visit as its screen shows it: the pinned template, every answer, the hazards major first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitDetail {
    pub summary: VisitSummary,
    pub template: Template,
    pub place: Place,
    pub people: Vec<VisitPerson>,
    pub answers: Vec<ItemAnswer>,
    pub hazards: Vec<HazardView>,
    pub mismatches: Vec<Mismatch>,
    pub mismatch_reason: Option<String>,
    pub assessment: String,
    pub plan: Option<ServicePlan>,
    /// Who a service plan made now would send: the visit's people (R6).
    pub plan_staff: Vec<PlannedStaff>,
    /// For a re-inspection: the enterprise's hazards not yet closed, major first.
    pub open_hazards: Vec<HazardView>,
    /// What the visit still lacks before it can end and its hazard list be signed, each where
    /// it is; empty once there is nothing left to do.
    pub gaps: Vec<VisitGap>,
}

/// Something a visit lacks, with where it is so the screen can take the user there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitGap {
    pub at: GapAt,
    pub message: Message,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "to", rename_all = "snake_case")]
#[ts(export)]
pub enum GapAt {
    Item { code: String },
    Hazard { id: HazardId },
}

/// A field of a visit saved as it is typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum VisitField {
    Place(Place),
    Assessment(String),
    Plan(ServicePlan),
    Answer { code: String, result: Option<ItemResult>, note: String },
}

/// The form for a hazard; a failed item proposes one prefilled from the item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewHazard {
    pub item_code: Option<String>,
    pub description: String,
    pub location: String,
    pub category: HazardCategory,
    pub level: HazardLevel,
    pub basis: String,
    pub measure: String,
    pub deadline: String,
    pub responsible: String,
}

/// A field of a hazard saved as it is typed (only while its visit is open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum HazardField {
    Description(String),
    Location(String),
    Category(HazardCategory),
    Level(HazardLevel),
    Basis(String),
    Measure(String),
    Deadline(String),
    Responsible(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HazardEventView {
    pub kind: HazardEventKind,
    pub at: String,
    pub note: String,
    pub visit_id: Option<VisitId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HazardView {
    pub id: HazardId,
    pub visit_id: VisitId,
    pub target_name: String,
    pub item_code: Option<String>,
    pub description: String,
    pub location: String,
    pub category: HazardCategory,
    pub level: HazardLevel,
    pub basis: String,
    pub measure: String,
    pub deadline: String,
    pub responsible: String,
    pub created_at: String,
    pub state: HazardState,
    pub events: Vec<HazardEventView>,
    pub photos_before: Vec<PhotoRef>,
    pub photos_after: Vec<PhotoRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HazardCounts {
    pub open: u32,
    pub overdue: u32,
    pub closed: u32,
    pub major_open: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TimelineKind {
    Contract,
    Visit,
    Hazard,
    Document,
}

/// One line of the enterprise file's timeline, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelineEntry {
    pub at: String,
    pub kind: TimelineKind,
    pub id: String,
    pub title: Message,
    pub detail: Message,
    /// About a major hazard: drawn in red.
    pub major: bool,
}

/// What a photo attaches to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "to", rename_all = "snake_case")]
#[ts(export)]
pub enum PhotoTarget {
    Item { visit_id: VisitId, code: String },
    Hazard { hazard_id: HazardId, after: bool },
}

/// A photo taken in, as the CLI prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IngestedPhoto {
    pub photo: PhotoRef,
    pub display_path: String,
    pub thumb_path: String,
    pub display_width: u32,
    pub display_height: u32,
    /// Already held: the same bytes were imported before.
    pub already_held: bool,
    /// Other photos that look the same (perceptual hash within a few bits): possible reuse (R15).
    pub look_alikes: Vec<String>,
    pub warnings: Vec<Message>,
}

/// How a re-inspection settles an open hazard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "verdict", rename_all = "snake_case")]
#[ts(export)]
pub enum Reinspection {
    /// Rectified: closed, with after-photos already attached.
    Close,
    KeepOpen {
        reason: String,
    },
}

/// What the signing screen sends: the form, what it is drawn from, and the handwritten signatures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocumentRequest {
    pub kind: DocumentKind,
    /// The visit the form is drawn from (every form but the enterprise file).
    pub visit_id: Option<VisitId>,
    /// The enterprise of an enterprise file (一企一档).
    pub enterprise_id: Option<EnterpriseId>,
    pub signatures: Vec<HandSignature>,
    /// A correction names the document it replaces, and why.
    pub replaces: Option<DocumentId>,
    pub correction_reason: String,
}

pub use safeserve_core::document::FormSpec;

/// A form before signing: what it would freeze and what stands in the way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Draft {
    pub content: DocumentContent,
    pub problems: Vec<Message>,
}

/// A signed document in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocumentSummary {
    pub id: DocumentId,
    pub kind: DocumentKind,
    pub title: String,
    pub version: u32,
    pub subject: String,
    pub signed_at: String,
    /// e.g. 企业主要负责人 王伟.
    pub signers: Vec<String>,
    pub verification_code: String,
    pub replaces: Option<DocumentId>,
    pub superseded_by: Option<DocumentId>,
    pub hazards: u32,
    pub photos: u32,
}

/// What checking a document found, with every reason named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Verification {
    pub verdict: Verdict,
    pub reasons: Vec<Message>,
    pub document: Option<DocumentSummary>,
    /// For a superseded document: the newest correction.
    pub superseded_by: Option<DocumentSummary>,
}

impl Verification {
    pub(crate) fn unknown(reason: Message) -> Self {
        Verification { verdict: Verdict::Unknown, reasons: vec![reason], document: None, superseded_by: None }
    }
}

/// A signed letter (函告) and where its reply stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LetterView {
    /// The first version's id: replies hang on the letter, not on one version of it.
    pub id: DocumentId,
    /// The newest version, the one to print.
    pub latest: DocumentId,
    pub version: u32,
    /// 文号.
    pub reference: String,
    pub agency_id: Option<String>,
    pub visit_id: Option<String>,
    pub recipient: String,
    pub title: String,
    pub findings: Vec<String>,
    /// YYYY-MM-DD.
    pub dated: String,
    pub reply_by: String,
    pub state: safeserve_core::letter::ReplyState,
    /// Days past the deadline (0 when not past).
    pub days_overdue: u32,
    pub events: Vec<LetterEventView>,
    pub verification_code: String,
    pub signed_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LetterEventView {
    pub kind: safeserve_core::letter::LetterEventKind,
    pub on_date: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// One series of letter reference numbers (a bureau's prefix and a year) as held here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LetterNumberSeries {
    pub prefix: String,
    pub year: i32,
    pub count: u32,
    pub highest: u32,
    /// Numbers under the highest that no letter here carries.
    pub missing: Vec<u32>,
    /// Numbers carried by more than one letter.
    pub repeated: Vec<u32>,
}

/// The lifting of an entry: as the form sends it, and as it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BlacklistLiftView {
    pub reason: String,
    pub lifted_by: String,
    pub lifted_on: String,
}

/// An entry on the list, with its lifting if it has been lifted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BlacklistEntryView {
    pub id: String,
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    /// The agency's or person's name.
    pub subject_name: String,
    pub ground: BlacklistGround,
    pub evidence: String,
    pub evidence_ref: Option<String>,
    pub entered_by: String,
    pub entered_on: String,
    pub recorded_at: String,
    pub lifted: Option<BlacklistLiftView>,
}
