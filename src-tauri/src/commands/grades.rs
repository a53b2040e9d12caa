//! Credit grades (R10), evaluations (R13), the serious-dishonesty list (R11) and capability
//! tests (R12). The desktop grades with the shipped rule file (compiled in); the clock is read
//! here, at the edge.

use super::registers::{now, parse, today};
use crate::error::CommandError;
use crate::state::AppState;
use safeserve_core::blacklist::{NewBlacklistEntry, SubjectKind};
use safeserve_core::grading::{GradeRules, GradeThresholds};
use safeserve_core::{AgencyId, Message, PersonId};
use safeserve_report::xlsx::{self, Cell, Sheet};
use safeserve_store::blacklist::{BlacklistChange, BlacklistEntryView, BlacklistLiftView};
use safeserve_store::evaluations::{CapabilityTestView, EvaluationView, NewEvaluation, PassRates};
use safeserve_store::grades::{ranking_tables, GradeChangeView, GradedAgency, RankingCell};
use std::path::PathBuf;
use tauri::{AppHandle, Manager, State};

fn rules() -> GradeRules {
    GradeRules::shipped()
}

/// Grades every agency and records the grades that changed; answers the ranking.
#[tauri::command]
pub async fn grade_agencies(state: State<'_, AppState>) -> Result<Vec<GradedAgency>, CommandError> {
    state.with_store(|s| Ok(s.grade_agencies(&rules(), today(), &now())?)).await
}

/// The ranking as grading would make it today, without recording anything.
#[tauri::command]
pub async fn ranking(state: State<'_, AppState>) -> Result<Vec<GradedAgency>, CommandError> {
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
    let id: AgencyId = parse(&agency_id)?;
    state.with_store(move |s| Ok(s.grade_history(id)?)).await
}

#[tauri::command]
pub async fn add_evaluation(state: State<'_, AppState>, form: NewEvaluation) -> Result<EvaluationView, CommandError> {
    state.with_store(move |s| Ok(s.add_evaluation(&form, uuid::Uuid::now_v7(), today(), &now())?)).await
}

#[tauri::command]
pub async fn agency_evaluations(
    state: State<'_, AppState>,
    agency_id: String,
) -> Result<Vec<EvaluationView>, CommandError> {
    let id: AgencyId = parse(&agency_id)?;
    state.with_store(move |s| Ok(s.evaluations(id)?)).await
}

#[tauri::command]
pub async fn enter_blacklist(
    state: State<'_, AppState>,
    form: NewBlacklistEntry,
) -> Result<BlacklistChange, CommandError> {
    state.with_store(move |s| Ok(s.enter_blacklist(&form, uuid::Uuid::now_v7(), &rules(), today(), &now())?)).await
}

#[tauri::command]
pub async fn lift_blacklist(
    state: State<'_, AppState>,
    entry_id: String,
    lift: BlacklistLiftView,
) -> Result<BlacklistChange, CommandError> {
    state.with_store(move |s| Ok(s.lift_blacklist(&entry_id, &lift, &rules(), today(), &now())?)).await
}

/// Every entry of an agency or a person, lifted ones included, newest first.
#[tauri::command]
pub async fn blacklist_of(
    state: State<'_, AppState>,
    subject_kind: SubjectKind,
    subject_id: String,
) -> Result<Vec<BlacklistEntryView>, CommandError> {
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
    let id: PersonId = parse(&person_id)?;
    state.with_store(move |s| Ok(s.record_capability_test(id, &taken_on, score, passed, today())?)).await
}

#[tauri::command]
pub async fn capability_tests(
    state: State<'_, AppState>,
    person_id: String,
) -> Result<Vec<CapabilityTestView>, CommandError> {
    let id: PersonId = parse(&person_id)?;
    state.with_store(move |s| Ok(s.capability_tests(id)?)).await
}

/// Pass rates per quarter, overall and per agency (`agency_id` narrows to one agency).
#[tauri::command]
pub async fn capability_pass_rates(
    state: State<'_, AppState>,
    agency_id: Option<String>,
) -> Result<PassRates, CommandError> {
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
    let day = today();
    let file_name = format!("信用评级排名-{day}.xlsx");
    let path = match path.filter(|p| !p.trim().is_empty()).map(PathBuf::from) {
        Some(p) if p.is_dir() => p.join(file_name),
        Some(p) => p,
        None => app
            .path()
            .document_dir()
            .or_else(|_| app.path().home_dir())
            .map_err(CommandError::internal)?
            .join("SafeServe 导出")
            .join(day.to_string())
            .join(file_name),
    };
    let ranking = state.with_store(move |s| Ok(s.ranking(&rules(), day)?)).await?;
    tauri::async_runtime::spawn_blocking(move || {
        let sheets: Vec<Sheet> = ranking_tables(&ranking, &rules(), day)
            .into_iter()
            .map(|t| Sheet {
                name: t.name.to_owned(),
                header: t.header,
                rows: t
                    .rows
                    .into_iter()
                    .map(|r| {
                        r.into_iter()
                            .map(|c| match c {
                                RankingCell::Text(s) => Cell::Text(s),
                                RankingCell::Number(n) => Cell::Number(n),
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        let bytes = xlsx::workbook(&sheets).map_err(safeserve_print::PrintError::from)?;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| write_failed(&path, e))?;
        }
        let tmp = path.with_extension("xlsx.partial");
        std::fs::write(&tmp, bytes).map_err(|e| write_failed(&path, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            write_failed(&path, e)
        })?;
        Ok(path.display().to_string())
    })
    .await
    .map_err(CommandError::internal)?
}

fn write_failed(path: &std::path::Path, e: std::io::Error) -> CommandError {
    CommandError {
        code: "export_failed".to_owned(),
        message: Message::new(
            format!("无法写入 {}（{e}）", path.display()),
            format!("Cannot write {} ({e})", path.display()),
        ),
        field: None,
    }
}
