//! The registers: enterprises, agencies, people, divisions, code checks.

use crate::error::CommandError;
use crate::state::{AppState, AppStatus};
use chrono::NaiveDate;
use safeserve_core::access::Act;
use safeserve_core::{AgencyId, CodeCheck, CodeKind, EnterpriseId, ErrorCode, PersonId};
use safeserve_store::views::*;
use tauri::State;

const LIST_LIMIT: usize = 50;

/// Dates of the rules are China's calendar date, the one documents are dated in, whatever zone
/// the laptop is set to; the clock is read here, at the edge.
pub(crate) fn today() -> NaiveDate {
    safeserve_print::now().date_naive()
}

pub(crate) fn now() -> String {
    safeserve_print::now().to_rfc3339()
}

pub(crate) fn parse<T: std::str::FromStr>(id: &str) -> Result<T, CommandError> {
    id.parse().map_err(|_| CommandError {
        code: ErrorCode::NotFound,
        message: safeserve_core::Message::new(format!("无效的记录编号：{id}"), format!("Invalid record id: {id}")),
        field: None,
    })
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, CommandError> {
    Ok(state.status().await)
}

#[tauri::command]
pub async fn search_enterprises(
    state: State<'_, AppState>,
    query: EnterpriseQuery,
) -> Result<Vec<EnterpriseSummary>, CommandError> {
    state.require(Act::View).await?;
    state.with_reader(move |s| Ok(s.search_enterprises(&query)?)).await
}

#[tauri::command]
pub async fn enterprise_file(state: State<'_, AppState>, id: String) -> Result<EnterpriseFile, CommandError> {
    state.require(Act::View).await?;
    let id: EnterpriseId = parse(&id)?;
    state.with_reader(move |s| Ok(s.enterprise_file(id, today())?)).await
}

#[tauri::command]
pub async fn search_agencies(state: State<'_, AppState>, text: String) -> Result<Vec<AgencySummary>, CommandError> {
    state.require(Act::View).await?;
    state.with_reader(move |s| Ok(s.search_agencies(&text, LIST_LIMIT, today())?)).await
}

#[tauri::command]
pub async fn agency_detail(state: State<'_, AppState>, id: String) -> Result<AgencyDetail, CommandError> {
    state.require(Act::View).await?;
    let id: AgencyId = parse(&id)?;
    state.with_reader(move |s| Ok(s.agency_detail(id, today())?)).await
}

/// 登记服务机构 (`id` is `None`) or 编辑登记信息: supervisors and administrators; the store checks
/// the form and writes the registration or each change to the audit log with the old value.
/// Answers the agency's id.
#[tauri::command]
pub async fn save_agency(
    state: State<'_, AppState>,
    form: safeserve_core::import::agencies::AgencyForm,
    id: Option<String>,
) -> Result<String, CommandError> {
    let user = state.require(Act::EditRegisters).await?;
    let id: Option<AgencyId> = id.as_deref().map(parse).transpose()?;
    let by = user.actor();
    let saved = state.with_store(move |s| Ok(s.save_agency(&form, id, &by, &now())?)).await?;
    Ok(saved.to_string())
}

/// 添加证书: a certificate (kind, number, issuer, specialty, level, dates) added to a registered
/// person or corrected, for supervisors and administrators; the change is in the audit log.
#[tauri::command]
pub async fn record_certificate(
    state: State<'_, AppState>,
    person_id: String,
    certificate: safeserve_core::register::Certificate,
) -> Result<(), CommandError> {
    let user = state.require(Act::EditRegisters).await?;
    let person: PersonId = parse(&person_id)?;
    let by = user.actor();
    state.with_store(move |s| Ok(s.record_certificate(person, &certificate, &by, &now())?)).await
}

/// Records a practice notice, a removal from the platform or a restoration (R1, R12): the
/// bureau's act, for supervisors and administrators, checked and written once in Rust.
#[tauri::command]
pub async fn record_agency_act(
    state: State<'_, AppState>,
    form: safeserve_core::standing::NewAgencyAct,
) -> Result<safeserve_core::standing::RecordedAct, CommandError> {
    state.require(Act::EditRegisters).await?;
    let act = state.with_store(move |s| Ok(s.record_agency_act(&form, uuid::Uuid::now_v7(), today(), &now())?)).await?;
    let what = match &act.county_name {
        Some(county) => format!("{}：{county}", act.kind.label_zh()),
        None => format!("{}：{}", act.kind.label_zh(), act.note),
    };
    state.audit(safeserve_core::audit::AuditAct::AgencyAct, act.agency_id.clone(), what).await;
    Ok(act)
}

#[tauri::command]
pub async fn search_people(state: State<'_, AppState>, text: String) -> Result<Vec<PersonSummary>, CommandError> {
    state.require(Act::View).await?;
    state.with_reader(move |s| Ok(s.search_people(&text, LIST_LIMIT, today())?)).await
}

#[tauri::command]
pub async fn list_divisions(state: State<'_, AppState>) -> Result<Vec<Division>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(|s| Ok(s.divisions()?)).await
}

#[tauri::command]
pub fn check_code(input: String, kind: Option<CodeKind>) -> CodeCheck {
    CodeCheck::run(&input, kind)
}

#[tauri::command]
pub async fn add_enterprise(
    state: State<'_, AppState>,
    form: NewEnterprise,
) -> Result<EnterpriseSummary, CommandError> {
    state.require(Act::AddEnterprise).await?;
    let id = EnterpriseId(uuid::Uuid::now_v7());
    state.with_store(move |s| Ok(s.add_enterprise(&form, id, &now())?)).await
}

/// Corrects an enterprise's contact details (synced like any register edit).
#[tauri::command]
pub async fn update_enterprise_contact(
    state: State<'_, AppState>,
    id: EnterpriseId,
    contact: EnterpriseContact,
) -> Result<EnterpriseSummary, CommandError> {
    let user = state.require(Act::CorrectEnterprise).await?;
    let by = user.actor();
    state.with_store(move |s| Ok(s.correct_enterprise_contact(id, &contact, &by, &now())?)).await
}

#[tauri::command]
pub async fn add_person(state: State<'_, AppState>, form: NewPerson) -> Result<PersonSummary, CommandError> {
    let by = state.require(Act::EditRegisters).await?.actor();
    let id = PersonId(uuid::Uuid::now_v7());
    state.with_store(move |s| Ok(s.add_person(&form, id, &by, &now(), today())?)).await
}

/// A person as the people screen opens them: posts, certificates, trainings, capability tests
/// and their history on this laptop.
#[tauri::command]
pub async fn person_detail(state: State<'_, AppState>, person_id: String) -> Result<PersonDetail, CommandError> {
    state.require(Act::View).await?;
    let person: PersonId = parse(&person_id)?;
    state.with_store(move |s| Ok(s.person_detail(person, today())?)).await
}

/// 任职: a post at an agency recorded or corrected by those who keep the registers; a
/// full-time post overlapping another agency's comes back as a note (人员交叉使用).
#[tauri::command]
pub async fn record_post(
    state: State<'_, AppState>,
    person_id: String,
    post: safeserve_core::register::PostForm,
) -> Result<Vec<safeserve_core::Message>, CommandError> {
    let by = state.require(Act::EditRegisters).await?.actor();
    let person: PersonId = parse(&person_id)?;
    state.with_store(move |s| Ok(s.record_post(person, &post, &by, &now())?)).await
}

/// 培训记录: a course a person completed, entered by the bureau.
#[tauri::command]
pub async fn record_training(
    state: State<'_, AppState>,
    person_id: String,
    training: safeserve_core::register::Training,
) -> Result<(), CommandError> {
    let by = state.require(Act::EditRegisters).await?.actor();
    let person: PersonId = parse(&person_id)?;
    state.with_store(move |s| Ok(s.record_training(person, &training, &by, &now(), today())?)).await
}

/// The interface calls this once its first list is on screen, with the milliseconds since its
/// page began loading; the start-up benchmark reads the line it prints.
#[tauri::command]
pub fn ui_ready(page_ms: f64) {
    println!("SAFESERVE_UI_READY page_ms={page_ms:.0}");
}
