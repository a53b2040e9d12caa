//! 事故关联倒查 (R12): the trace of an enterprise before an accident, on screen and as the A4
//! report opened in the system's PDF viewer (as signed documents are, see `documents.rs`).
//! The date is checked against the laptop's clock here, at the edge; the store reads none.

use super::registers::{parse, today};
use crate::error::CommandError;
use crate::state::AppState;
use chrono::NaiveDate;
use safeserve_core::access::Act;
use safeserve_core::audit::AuditAct;
use safeserve_core::backtrace::{unknown_enterprise, Backtrace, Period, DEFAULT_MONTHS};
use safeserve_core::{EnterpriseId, ErrorCode, Message};
use safeserve_print as print;
use safeserve_store::StoreError;
use tauri::{AppHandle, State};

fn invalid(field: &str, message: Message) -> CommandError {
    CommandError { code: ErrorCode::InvalidInput, message, field: Some(field.into()) }
}

/// The enterprise, the accident date and the period, checked before the store is asked.
fn request(enterprise: &str, date: &str, months: Option<u32>) -> Result<(EnterpriseId, Period), CommandError> {
    let id: EnterpriseId = parse(enterprise)?;
    let date: NaiveDate = date.trim().parse().map_err(|_| {
        invalid("date", Message::new("请填写事故日期（年-月-日）", "Enter the accident date (YYYY-MM-DD)"))
    })?;
    let months = months.unwrap_or(DEFAULT_MONTHS);
    let period = Period::new(date, months, today()).map_err(|m| {
        let field = if date > today() { "date" } else { "months" };
        invalid(field, m)
    })?;
    Ok((id, period))
}

fn trace(s: &safeserve_store::Store, id: EnterpriseId, period: &Period) -> Result<Backtrace, CommandError> {
    match s.backtrace(id, period.to, period.months) {
        Err(StoreError::NotFound { what: "enterprise", .. }) => {
            Err(CommandError { code: ErrorCode::NotFound, message: unknown_enterprise(id), field: None })
        }
        other => Ok(other?),
    }
}

#[tauri::command]
pub async fn backtrace(
    state: State<'_, AppState>,
    enterprise: String,
    date: String,
    months: Option<u32>,
) -> Result<Backtrace, CommandError> {
    state.require(Act::Supervise).await?;
    let (id, period) = request(&enterprise, &date, months)?;
    state.with_reader(move |s| trace(s, id, &period)).await
}

/// Draws the report, writes it into the export folder and opens it in the system's PDF
/// viewer, from which it prints.
#[tauri::command]
pub async fn backtrace_pdf(
    app: AppHandle,
    state: State<'_, AppState>,
    enterprise: String,
    date: String,
    months: Option<u32>,
) -> Result<super::documents::OpenedPdf, CommandError> {
    state.require(Act::Supervise).await?;
    let (id, period) = request(&enterprise, &date, months)?;
    let dir = super::export_folder(&app)?;
    let path = state
        .with_store(move |s| {
            let (name, bytes) = print::backtrace_pdf(&trace(s, id, &period)?)?;
            let path = dir.join(name);
            print::write_file(&path, &bytes)?;
            Ok(path)
        })
        .await?;
    state.audit(AuditAct::Export, path.display().to_string(), "").await;
    Ok(super::documents::open_path(&app, &path))
}
