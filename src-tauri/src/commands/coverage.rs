//! Coverage (R14): the report per district and township, and the same tables as an Excel
//! workbook. The day defaults to the laptop's date, read here at the edge.

use super::registers::today;
use crate::error::CommandError;
use crate::state::AppState;
use chrono::NaiveDate;
use safeserve_core::access::Act;
use safeserve_core::audit::AuditAct;
use safeserve_core::coverage::CoverageReport;
use tauri::{AppHandle, State};

/// Coverage on `date` (default today) of everything under `within` (a division code or prefix;
/// default: the whole database).
#[tauri::command]
pub async fn coverage(
    state: State<'_, AppState>,
    date: Option<NaiveDate>,
    within: Option<String>,
) -> Result<CoverageReport, CommandError> {
    state.require(Act::Supervise).await?;
    let day = date.unwrap_or_else(today);
    state.with_reader(move |s| Ok(s.coverage(day, within.as_deref())?)).await
}

/// Writes the coverage tables (sheets 区县 and 乡镇街道) to `path`, or, as PDFs are exported,
/// into 文档/SafeServe 导出/DATE when no path is given (a folder gets the default file name).
/// Answers the file written.
#[tauri::command]
pub async fn export_coverage(
    app: AppHandle,
    state: State<'_, AppState>,
    path: Option<String>,
    date: Option<NaiveDate>,
    within: Option<String>,
) -> Result<String, CommandError> {
    state.require(Act::Supervise).await?;
    let day = date.unwrap_or_else(today);
    let path = super::export_target(&app, path, &format!("服务覆盖率-{day}.xlsx"))?;
    let report = state.with_reader(move |s| Ok(s.coverage(day, within.as_deref())?)).await?;
    let written = tauri::async_runtime::spawn_blocking(move || {
        safeserve_print::spreadsheets::coverage(&report, &path)?;
        Ok::<_, CommandError>(path.display().to_string())
    })
    .await
    .map_err(CommandError::internal)??;
    state.audit(AuditAct::Export, written.clone(), "").await;
    Ok(written)
}
