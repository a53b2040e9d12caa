//! Coverage (R14): the report per district and township, and the same tables as an Excel
//! workbook. The day defaults to the laptop's date, read here at the edge.

use super::registers::today;
use crate::error::CommandError;
use crate::state::AppState;
use chrono::NaiveDate;
use safeserve_core::coverage::{CoverageReport, TableCell};
use safeserve_core::Message;
use safeserve_report::xlsx::{self, Cell, Sheet};
use std::path::PathBuf;
use tauri::{AppHandle, Manager, State};

/// Coverage on `date` (default today) of everything under `within` (a division code or prefix;
/// default: the whole database).
#[tauri::command]
pub async fn coverage(
    state: State<'_, AppState>,
    date: Option<NaiveDate>,
    within: Option<String>,
) -> Result<CoverageReport, CommandError> {
    let day = date.unwrap_or_else(today);
    state.with_store(move |s| Ok(s.coverage(day, within.as_deref())?)).await
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
    let day = date.unwrap_or_else(today);
    let file_name = format!("服务覆盖率-{day}.xlsx");
    let path = match path.filter(|p| !p.trim().is_empty()).map(PathBuf::from) {
        Some(p) if p.is_dir() => p.join(file_name),
        Some(p) => p,
        None => app
            .path()
            .document_dir()
            .or_else(|_| app.path().home_dir())
            .map_err(CommandError::internal)?
            .join("SafeServe 导出")
            .join(today().to_string())
            .join(file_name),
    };
    let report = state.with_store(move |s| Ok(s.coverage(day, within.as_deref())?)).await?;
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = xlsx::workbook(&sheets(&report)).map_err(safeserve_print::PrintError::from)?;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| write_failed(&path, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| write_failed(&path, e))?;
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

/// The report's tables as sheets: counts as numbers, shares as percentages.
fn sheets(report: &CoverageReport) -> Vec<Sheet> {
    let cell = |c: TableCell| match c {
        TableCell::Text(s) => Cell::Text(s),
        TableCell::Count(n) => Cell::Number(f64::from(n)),
        TableCell::Share(s) => Cell::Percent(s),
    };
    report
        .tables()
        .into_iter()
        .map(|t| Sheet {
            name: t.name.to_owned(),
            header: t.header,
            rows: t.rows.into_iter().map(|row| row.into_iter().map(cell).collect()).collect(),
        })
        .collect()
}
