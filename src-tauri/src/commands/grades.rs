//! Credit grades (R10), evaluations (R13), the serious-dishonesty list (R11) and capability
//! tests (R12). The desktop grades with the shipped rule file (compiled in); the clock is read
//! here, at the edge.

use super::registers::{now, parse, today};
use crate::error::CommandError;
use crate::state::AppState;
use safeserve_core::access::Act;
use safeserve_core::audit::AuditAct;
use safeserve_core::blacklist::{NewBlacklistEntry, SubjectKind};
use safeserve_core::grading::{GradeRules, GradeThresholds};
use safeserve_core::{AgencyId, PersonId};
use safeserve_store::blacklist::BlacklistChange;
use safeserve_store::evaluations::{CapabilityTestView, EvaluationView, NewEvaluation, PassRates};
use safeserve_store::grades::{GradeChangeView, GradedAgency};
use safeserve_store::views::{BlacklistEntryView, BlacklistLiftView};
use tauri::{AppHandle, State};

fn rules() -> GradeRules {
    GradeRules::shipped()
}

/// Grades every agency and records the grades that changed; answers the ranking.
#[tauri::command]
pub async fn grade_agencies(state: State<'_, AppState>) -> Result<Vec<GradedAgency>, CommandError> {
    state.require(Act::Grade).await?;
    let graded = state.with_store(|s| Ok(s.grade_agencies(&rules(), today(), &now())?)).await?;
    state.audit(AuditAct::Grade, "", rules().label()).await;
    Ok(graded)
}

/// The ranking as grading would make it today, without recording anything.
#[tauri::command]
pub async fn ranking(state: State<'_, AppState>) -> Result<Vec<GradedAgency>, CommandError> {
    state.require(Act::Supervise).await?;
    state.with_store(|s| Ok(s.ranking(&rules(), today())?)).await
}

/// The rule file's name, version and grade lines, for the screen to say what it grades by.
#[tauri::command]
pub fn grade_rules() -> (String, GradeThresholds) {
    let r = rules();
    (r.label(), r.thresholds)
}

#[tauri::command]
pub async fn grade_history(
    state: State<'_, AppState>,
    agency_id: String,
) -> Result<Vec<GradeChangeView>, CommandError> {
    state.require(Act::View).await?;
    let id: AgencyId = parse(&agency_id)?;
    state.with_store(move |s| Ok(s.grade_history(id)?)).await
}

#[tauri::command]
pub async fn add_evaluation(state: State<'_, AppState>, form: NewEvaluation) -> Result<EvaluationView, CommandError> {
    state.require(Act::Evaluate).await?;
    state.with_store(move |s| Ok(s.add_evaluation(&form, uuid::Uuid::now_v7(), today(), &now())?)).await
}

#[tauri::command]
pub async fn agency_evaluations(
    state: State<'_, AppState>,
    agency_id: String,
) -> Result<Vec<EvaluationView>, CommandError> {
    state.require(Act::View).await?;
    let id: AgencyId = parse(&agency_id)?;
    state.with_store(move |s| Ok(s.evaluations(id)?)).await
}

#[tauri::command]
pub async fn enter_blacklist(
    state: State<'_, AppState>,
    form: NewBlacklistEntry,
) -> Result<BlacklistChange, CommandError> {
    state.require(Act::Blacklist).await?;
    let change = state
        .with_store(move |s| Ok(s.enter_blacklist(&form, uuid::Uuid::now_v7(), &rules(), today(), &now())?))
        .await?;
    state.audit(AuditAct::Blacklist, change.entry.subject_id.clone(), change.entry.subject_name.clone()).await;
    Ok(change)
}

#[tauri::command]
pub async fn lift_blacklist(
    state: State<'_, AppState>,
    entry_id: String,
    lift: BlacklistLiftView,
) -> Result<BlacklistChange, CommandError> {
    state.require(Act::Blacklist).await?;
    let change = state.with_store(move |s| Ok(s.lift_blacklist(&entry_id, &lift, &rules(), today(), &now())?)).await?;
    state.audit(AuditAct::LiftBlacklist, change.entry.subject_id.clone(), change.entry.subject_name.clone()).await;
    Ok(change)
}

/// Every entry of an agency or a person, lifted ones included, newest first.
#[tauri::command]
pub async fn blacklist_of(
    state: State<'_, AppState>,
    subject_kind: SubjectKind,
    subject_id: String,
) -> Result<Vec<BlacklistEntryView>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(move |s| Ok(s.blacklist_of(subject_kind, &subject_id)?)).await
}

#[tauri::command]
pub async fn record_capability_test(
    state: State<'_, AppState>,
    person_id: String,
    taken_on: String,
    score: i32,
    passed: bool,
) -> Result<CapabilityTestView, CommandError> {
    state.require(Act::CapabilityTest).await?;
    let id: PersonId = parse(&person_id)?;
    state.with_store(move |s| Ok(s.record_capability_test(id, &taken_on, score, passed, today())?)).await
}

#[tauri::command]
pub async fn capability_tests(
    state: State<'_, AppState>,
    person_id: String,
) -> Result<Vec<CapabilityTestView>, CommandError> {
    state.require(Act::View).await?;
    let id: PersonId = parse(&person_id)?;
    state.with_store(move |s| Ok(s.capability_tests(id)?)).await
}

/// Pass rates per quarter, overall and per agency (`agency_id` narrows to one agency).
#[tauri::command]
pub async fn capability_pass_rates(
    state: State<'_, AppState>,
    agency_id: Option<String>,
) -> Result<PassRates, CommandError> {
    state.require(Act::Supervise).await?;
    let id: Option<AgencyId> = agency_id.as_deref().map(parse).transpose()?;
    state.with_store(move |s| Ok(s.capability_pass_rates(id)?)).await
}

/// Writes the publishable ranking (today's grading, not recorded) to `path`, or into
/// 文档/SafeServe 导出/DATE like other exports (a folder gets the default file name). Answers
/// the file written.
#[tauri::command]
pub async fn export_ranking(
    app: AppHandle,
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<String, CommandError> {
    state.require(Act::Supervise).await?;
    let day = today();
    let path = super::export_target(&app, path, &format!("信用评级排名-{day}.xlsx"))?;
    let ranking = state.with_store(move |s| Ok(s.ranking(&rules(), day)?)).await?;
    let written = tauri::async_runtime::spawn_blocking(move || {
        safeserve_print::spreadsheets::ranking(&ranking, &rules(), day, &path)?;
        Ok::<_, CommandError>(path.display().to_string())
    })
    .await
    .map_err(CommandError::internal)??;
    state.audit(AuditAct::Export, written.clone(), "").await;
    Ok(written)
}
