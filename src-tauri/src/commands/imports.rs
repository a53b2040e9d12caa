//! 导入导出: a register's workbook previewed row by row, then taken on the user's word; the
//! blank templates; the registers as ledgers. The workbook arrives as bytes and is read from
//! memory (a people register holds ID numbers, which never go to a file in clear). The plan
//! waits here between the preview and the confirmation — one at a time, for the user who
//! previewed it — and the confirmation compares every row with the register again as it
//! stands then, so a sync that came in meanwhile is not overwritten with what the preview saw.

use super::registers::{now, today};
use crate::error::CommandError;
use crate::state::AppState;
use safeserve_core::access::Act;
use safeserve_core::audit::AuditAct;
use safeserve_core::import::ImportKind;
use safeserve_core::{ErrorCode, Message};
use safeserve_store::import::{ImportCounts, ImportPlan, PlannedRow, RowAction};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, State};
use ts_rs::TS;

/// The most rows one page of the preview's table carries.
const PAGE_LIMIT: u32 = 500;

/// The plan previewed and not yet confirmed or dropped.
#[derive(Default)]
pub struct PendingImport(Mutex<Option<Pending>>);

struct Pending {
    token: String,
    /// Who previewed it: only they confirm it.
    user_id: String,
    file: String,
    plan: ImportPlan,
}

/// What a workbook would do, as the preview shows it before anything is written.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportPreview {
    /// Names this preview when confirming it (a newer preview replaces it).
    pub token: String,
    pub kind: ImportKind,
    pub file: String,
    pub sheet: String,
    /// The Excel row the header was found in.
    pub header_row: u32,
    /// Data rows read (blank rows skipped).
    pub rows: u32,
    pub counts: ImportCounts,
}

/// Which rows of a preview to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowFilter {
    Refused,
    Changed,
    New,
    Unchanged,
}

impl RowFilter {
    fn takes(self, action: &RowAction) -> bool {
        matches!(
            (self, action),
            (RowFilter::Refused, RowAction::Refused { .. })
                | (RowFilter::Changed, RowAction::Changed { .. })
                | (RowFilter::New, RowAction::New)
                | (RowFilter::Unchanged, RowAction::Unchanged)
        )
    }
}

/// One page of a preview's rows of one kind.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportRows {
    pub rows: Vec<PlannedRow>,
    /// Rows of this kind in the whole preview.
    pub total: u32,
}

/// What the confirmation wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportDone {
    pub counts: ImportCounts,
    pub message: Message,
}

fn bad_request(zh: &str, en: &str) -> CommandError {
    CommandError { code: ErrorCode::InvalidInput, message: Message::new(zh, en), field: None }
}

fn stale() -> CommandError {
    bad_request(
        "这次预览已失效（已导入、已取消或已有新的预览），请重新选择文件",
        "This preview is no longer current (imported, dropped or replaced): choose the file again",
    )
}

/// 预览: the workbook (its bytes as the raw body; the register and the file's name, URI-encoded,
/// in the `kind` and `file` headers) read into a plan on the read-only connection. Nothing is
/// written; the plan waits for [`confirm_import`].
#[tauri::command]
pub async fn preview_import(
    state: State<'_, AppState>,
    pending: State<'_, PendingImport>,
    request: Request<'_>,
) -> Result<ImportPreview, CommandError> {
    let user = state.require(Act::EditRegisters).await?;
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(bad_request("没有收到工作簿文件", "No workbook was received"));
    };
    let header = |name: &str| request.headers().get(name).and_then(|h| h.to_str().ok()).map(str::to_owned);
    let kind = header("kind")
        .and_then(|k| ImportKind::from_key(&k))
        .ok_or_else(|| bad_request("不知道要导入哪一种登记", "Which register to import was not said"))?;
    // A header carries ASCII only: the window sends the file's name URI-encoded.
    let file = header("file")
        .map(|f| percent_encoding::percent_decode_str(&f).decode_utf8_lossy().into_owned())
        .unwrap_or_default();
    let bytes = bytes.clone();
    let (plan, read) =
        state.with_reader(move |s| Ok(safeserve_sheets::plan(s, kind, bytes.as_slice(), today())?)).await?;
    let preview = ImportPreview {
        token: uuid::Uuid::now_v7().to_string(),
        kind,
        file: file.clone(),
        sheet: read.sheet,
        header_row: read.header.row,
        rows: read.rows,
        counts: plan.counts(),
    };
    let mut slot = pending.0.lock().map_err(|_| CommandError::internal("import lock poisoned"))?;
    *slot = Some(Pending { token: preview.token.clone(), user_id: user.id, file, plan });
    Ok(preview)
}

/// A page of the previewed rows of one kind, in the file's order.
#[tauri::command]
pub async fn import_rows(
    state: State<'_, AppState>,
    pending: State<'_, PendingImport>,
    token: String,
    filter: RowFilter,
    offset: u32,
    limit: u32,
) -> Result<ImportRows, CommandError> {
    state.require(Act::EditRegisters).await?;
    let slot = pending.0.lock().map_err(|_| CommandError::internal("import lock poisoned"))?;
    let plan = &slot.as_ref().filter(|p| p.token == token).ok_or_else(stale)?.plan;
    let matching = || plan.rows.iter().filter(|r| filter.takes(&r.action));
    let rows = matching().skip(offset as usize).take(limit.min(PAGE_LIMIT) as usize).cloned().collect();
    Ok(ImportRows { rows, total: matching().count() as u32 })
}

/// 确认导入: the previewed rows without problems written in one transaction, each change in
/// the audit log. The preview is spent either way.
#[tauri::command]
pub async fn confirm_import(
    state: State<'_, AppState>,
    pending: State<'_, PendingImport>,
    token: String,
) -> Result<ImportDone, CommandError> {
    let user = state.require(Act::EditRegisters).await?;
    let taken = {
        let mut slot = pending.0.lock().map_err(|_| CommandError::internal("import lock poisoned"))?;
        match slot.take() {
            Some(p) if p.token == token && p.user_id == user.id => p,
            other => {
                *slot = other;
                return Err(stale());
            }
        }
    };
    let by = user.actor();
    let counts = state.with_store(move |s| Ok(s.apply_import(&taken.plan, &by, &taken.file, &now())?)).await?;
    Ok(ImportDone { counts, message: counts.message() })
}

/// 取消: the previewed plan dropped, nothing written.
#[tauri::command]
pub async fn drop_import(state: State<'_, AppState>, pending: State<'_, PendingImport>) -> Result<(), CommandError> {
    state.require(Act::EditRegisters).await?;
    if let Ok(mut slot) = pending.0.lock() {
        *slot = None;
    }
    Ok(())
}

/// 下载模板: the register's blank template, written to the export folder (or `path`).
/// Answers the file written.
#[tauri::command]
pub async fn write_import_template(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: ImportKind,
    path: Option<String>,
) -> Result<String, CommandError> {
    state.require(Act::View).await?;
    let path = super::export_target(&app, path, &format!("{}导入模板.xlsx", kind.label_zh()))?;
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = safeserve_sheets::write::template(kind).map_err(safeserve_sheets::ImportError::from)?;
        safeserve_print::write_file(&path, &bytes)?;
        Ok(path.display().to_string())
    })
    .await
    .map_err(CommandError::internal)?
}

/// 导出台账: the register under `within` (a division code; none for the whole scope) as a
/// ledger in the template's columns, so an edited ledger imports back as its changes.
#[tauri::command]
pub async fn export_ledger(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: ImportKind,
    within: Option<String>,
    path: Option<String>,
) -> Result<String, CommandError> {
    state.require(Act::Export).await?;
    let path = super::export_target(&app, path, &format!("{}台账-{}.xlsx", kind.label_zh(), today()))?;
    let within = within.unwrap_or_default();
    let (written, rows) = state
        .with_reader(move |s| {
            let rows = safeserve_sheets::ledger(s, kind, &within, &path)?;
            Ok((path.display().to_string(), rows))
        })
        .await?;
    state.audit(AuditAct::Export, written.clone(), format!("{} 行", rows)).await;
    Ok(written)
}
