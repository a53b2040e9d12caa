//! Signing, printing, exporting and verifying documents. Signing checks the fonts can print
//! every character before anything is frozen; PDFs are drawn from the frozen content only.

use super::registers::parse;
use crate::error::CommandError;
use crate::state::AppState;
use safeserve_core::{DocumentId, EnterpriseId, Message, VisitId};
use safeserve_print as print;
use safeserve_store::documents::{forms_for, DocumentsOf};
use safeserve_store::views::*;
use serde::Serialize;
use std::path::PathBuf;
use tauri::ipc::{Channel, InvokeBody, Request};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

/// The forms a visit can have signed.
#[tauri::command]
pub async fn document_forms(state: State<'_, AppState>, visit_id: String) -> Result<Vec<FormSpec>, CommandError> {
    let id: VisitId = parse(&visit_id)?;
    state
        .with_store(move |s| {
            let v = s.visit(id, super::registers::today())?;
            Ok(forms_for(v.summary.kind, v.hazards.len()))
        })
        .await
}

/// What signing now would freeze, and every problem that stands in the way.
#[tauri::command]
pub async fn draft_document(state: State<'_, AppState>, request: DocumentRequest) -> Result<Draft, CommandError> {
    state.with_store(move |s| Ok(print::draft(s, &request)?)).await
}

#[tauri::command]
pub async fn sign_document(
    state: State<'_, AppState>,
    request: DocumentRequest,
) -> Result<DocumentSummary, CommandError> {
    let device = state.device()?;
    state.with_store(move |s| Ok(print::sign(s, &device, &request)?)).await
}

#[tauri::command]
pub async fn list_documents(
    state: State<'_, AppState>,
    visit_id: Option<String>,
    enterprise_id: Option<String>,
) -> Result<Vec<DocumentSummary>, CommandError> {
    let of = match (visit_id, enterprise_id) {
        (Some(v), _) => DocumentsOf::Visit(parse(&v)?),
        (None, Some(e)) => DocumentsOf::Enterprise(parse(&e)?),
        (None, None) => return Ok(Vec::new()),
    };
    state.with_store(move |s| Ok(s.documents(of)?)).await
}

/// Renders a document and opens it in the system's PDF viewer, from which it prints.
#[tauri::command]
pub async fn open_document(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<String, CommandError> {
    let id: DocumentId = parse(&id)?;
    let dir = app.path().app_cache_dir().map_err(CommandError::internal)?.join("documents");
    let path = state.with_store(move |s| Ok(print::write_pdf(s, id, &dir)?)).await?;
    open_path(&app, &path)?;
    Ok(path.display().to_string())
}

/// Signs a fresh enterprise file (一企一档) bundling the enterprise's newest documents, and opens it.
#[tauri::command]
pub async fn open_enterprise_file(
    app: AppHandle,
    state: State<'_, AppState>,
    enterprise_id: String,
) -> Result<DocumentSummary, CommandError> {
    let id: EnterpriseId = parse(&enterprise_id)?;
    let device = state.device()?;
    let dir = app.path().app_cache_dir().map_err(CommandError::internal)?.join("documents");
    let (summary, path) = state
        .with_store(move |s| {
            let summary = print::sign(s, &device, &print::enterprise_file_request(id))?;
            let path = print::write_pdf(s, summary.id, &dir)?;
            Ok((summary, path))
        })
        .await?;
    open_path(&app, &path)?;
    Ok(summary)
}

pub(crate) fn open_path(app: &AppHandle, path: &std::path::Path) -> Result<(), CommandError> {
    // Under automated tests there is no desktop to open a viewer on.
    if std::env::var_os("SAFESERVE_NO_VIEWER").is_some() {
        return Ok(());
    }
    app.opener().open_path(path.display().to_string(), None::<&str>).map_err(|e| CommandError {
        code: "viewer_failed".into(),
        message: Message::new(
            format!("PDF 已生成，但无法打开系统的 PDF 阅读器：{}（{e}）", path.display()),
            format!("The PDF was made but no PDF viewer could be opened: {} ({e})", path.display()),
        ),
        field: None,
    })
}

/// Progress of an export, sent after each document.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportProgress {
    pub done: u32,
    pub total: u32,
    pub file: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportResult {
    pub folder: String,
    pub files: Vec<String>,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Writes several documents as PDFs into one folder (default: 文档/SafeServe 导出/DATE),
/// reporting each as it is done. A document that fails stops the export with its reason; the
/// files already written stay.
#[tauri::command]
pub async fn export_documents(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<String>,
    folder: Option<String>,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportResult, CommandError> {
    let ids: Vec<DocumentId> = ids.iter().map(|i| parse(i)).collect::<Result<_, _>>()?;
    let folder = match folder.filter(|f| !f.trim().is_empty()) {
        Some(f) => PathBuf::from(f),
        None => app
            .path()
            .document_dir()
            .or_else(|_| app.path().home_dir())
            .map_err(CommandError::internal)?
            .join("SafeServe 导出")
            .join(super::registers::today().to_string()),
    };
    let total = ids.len() as u32;
    state
        .with_store(move |s| {
            let mut files = Vec::new();
            let mut bytes = 0;
            for (i, id) in ids.into_iter().enumerate() {
                let path = print::write_pdf(s, id, &folder)?;
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                bytes += size;
                let file = path.display().to_string();
                let _ = on_progress.send(ExportProgress { done: i as u32 + 1, total, file: file.clone(), bytes });
                files.push(file);
            }
            Ok(ExportResult { folder: folder.display().to_string(), files, bytes })
        })
        .await
}

/// Checks a verification code typed from paper.
#[tauri::command]
pub async fn verify_code(state: State<'_, AppState>, code: String) -> Result<Verification, CommandError> {
    state.with_store(move |s| Ok(s.verify_code(&code)?)).await
}

/// Checks a PDF file (its bytes as the raw request body) against the record it came from.
#[tauri::command]
pub async fn verify_pdf(state: State<'_, AppState>, request: Request<'_>) -> Result<Verification, CommandError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError {
            code: "invalid_input".into(),
            message: Message::new("没有收到 PDF 文件", "No PDF file was received"),
            field: None,
        });
    };
    let bytes = bytes.clone();
    state.with_store(move |s| Ok(print::verify_pdf(s, &bytes)?)).await
}
