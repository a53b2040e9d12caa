//! Signing, printing, exporting and verifying documents. Signing checks the fonts can print
//! every character before anything is frozen; PDFs are drawn from the frozen content only.

use super::registers::parse;
use crate::error::CommandError;
use crate::state::{AppState, Recorded};
use safeserve_core::access::Act;
use safeserve_core::audit::AuditAct;
use safeserve_core::document::{forms_for, DocumentKind};
use safeserve_core::{DocumentId, EnterpriseId, ErrorCode, Message, VisitId};
use safeserve_print as print;
use safeserve_store::documents::DocumentsOf;
use safeserve_store::views::*;
use safeserve_store::Store;
use serde::Serialize;
use std::path::PathBuf;
use tauri::ipc::{Channel, InvokeBody, Request};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

/// The forms a visit can have signed, each with who signs it: the visiting side narrowed to
/// the capacity the signed-in user signs in.
#[tauri::command]
pub async fn document_forms(state: State<'_, AppState>, visit_id: String) -> Result<Vec<FormSpec>, CommandError> {
    let user = state.require(Act::View).await?;
    let id: VisitId = parse(&visit_id)?;
    state
        .with_store(move |s| {
            let today = super::registers::today();
            let v = s.visit(id, today)?;
            let signer = s.signer(&user, today)?;
            Ok(forms_for(v.summary.kind, v.hazards.len())
                .into_iter()
                .map(|f| FormSpec { signers: signer.narrow(f.signers), ..f })
                .collect())
        })
        .await
}

/// The visiting side of every signature is the signed-in user, with their name and
/// certificates from the register, whatever the request typed (`Signer::bind`).
fn signed_by(s: &Store, user: &UserView, request: &mut DocumentRequest) -> Result<(), CommandError> {
    let signer = s.signer(user, super::registers::today())?;
    signer.bind(&mut request.signatures).map_err(|message| CommandError {
        code: ErrorCode::RoleNotAllowed,
        message,
        field: None,
    })
}

/// What signing now would freeze, and every problem that stands in the way.
#[tauri::command]
pub async fn draft_document(state: State<'_, AppState>, mut request: DocumentRequest) -> Result<Draft, CommandError> {
    let user = state.require(Act::View).await?;
    state
        .with_store(move |s| {
            signed_by(s, &user, &mut request)?;
            Ok(print::draft(s, &request)?)
        })
        .await
}

#[tauri::command]
pub async fn sign_document(
    state: State<'_, AppState>,
    mut request: DocumentRequest,
) -> Result<DocumentSummary, CommandError> {
    // A letter is signed by who approves it; a visit's documents by who may record the visit.
    let user = match (request.kind, request.visit_id) {
        (DocumentKind::Letter, _) => state.require(Act::ApproveLetter).await?,
        (_, Some(visit)) => state.require_recording(Recorded::Visit(visit)).await?,
        (_, None) => state.require(Act::Export).await?,
    };
    let act = match (request.kind, &request.replaces) {
        (DocumentKind::Letter, None) => AuditAct::ApproveLetter,
        (_, Some(_)) => AuditAct::Correct,
        (_, None) => AuditAct::Sign,
    };
    let device = state.device()?;
    let signed = state
        .with_own_connection(move |s| {
            signed_by(s, &user, &mut request)?;
            Ok(print::sign(s, &device, &request, &mut safeserve_sync::ServerNumbers)?)
        })
        .await?;
    state.audit(act, signed.id.to_string(), signed.title.clone()).await;
    Ok(signed)
}

#[tauri::command]
pub async fn list_documents(
    state: State<'_, AppState>,
    visit_id: Option<String>,
    enterprise_id: Option<String>,
) -> Result<Vec<DocumentSummary>, CommandError> {
    state.require(Act::View).await?;
    let of = match (visit_id, enterprise_id) {
        (Some(v), _) => DocumentsOf::Visit(parse(&v)?),
        (None, Some(e)) => DocumentsOf::Enterprise(parse(&e)?),
        (None, None) => return Ok(Vec::new()),
    };
    state.with_store(move |s| Ok(s.documents(of)?)).await
}

/// A PDF made for the user: where it is, and whether the system's viewer took it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OpenedPdf {
    pub path: String,
    pub viewer_opened: bool,
}

/// Renders a document into the export folder and opens it in the system's PDF viewer, from
/// which it prints.
#[tauri::command]
pub async fn open_document(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<OpenedPdf, CommandError> {
    state.require(Act::View).await?;
    let id: DocumentId = parse(&id)?;
    let dir = super::export_folder(&app)?;
    let signer = state.pdf_signer().await?;
    let path = state.with_store(move |s| Ok(print::write_pdf(s, &signer, id, &dir)?)).await?;
    Ok(open_path(&app, &path))
}

/// A freshly signed enterprise file (一企一档) and where its PDF is.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OpenedEnterpriseFile {
    pub document: DocumentSummary,
    pub pdf: OpenedPdf,
}

/// Signs a fresh enterprise file (一企一档) bundling the enterprise's newest documents, and opens it.
#[tauri::command]
pub async fn open_enterprise_file(
    app: AppHandle,
    state: State<'_, AppState>,
    enterprise_id: String,
) -> Result<OpenedEnterpriseFile, CommandError> {
    state.require(Act::Export).await?;
    let id: EnterpriseId = parse(&enterprise_id)?;
    let device = state.device()?;
    let signer = state.pdf_signer().await?;
    let dir = super::export_folder(&app)?;
    let (document, path) = state
        .with_own_connection(move |s| {
            let summary =
                print::sign(s, &device, &print::enterprise_file_request(id), &mut safeserve_sync::ServerNumbers)?;
            let path = print::write_pdf(s, &signer, summary.id, &dir)?;
            Ok((summary, path))
        })
        .await?;
    state.audit(AuditAct::Export, path.display().to_string(), document.title.clone()).await;
    Ok(OpenedEnterpriseFile { document, pdf: open_path(&app, &path) })
}

/// Opens a PDF in the system's viewer. A viewer that fails is not an error the user can act
/// on in SafeServe: the reason goes to the log, and the screen says where the file is and
/// offers its folder (`reveal_file`).
pub(crate) fn open_path(app: &AppHandle, path: &std::path::Path) -> OpenedPdf {
    // Under automated tests there is no desktop to open a viewer on.
    let viewer_opened = std::env::var_os("SAFESERVE_NO_VIEWER").is_none()
        && match app.opener().open_path(path.display().to_string(), None::<&str>) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("safeserve: no PDF viewer opened {}: {e}", path.display());
                false
            }
        };
    OpenedPdf { path: path.display().to_string(), viewer_opened }
}

/// Shows a file in the system's file manager, selected in its folder.
#[tauri::command]
pub async fn reveal_file(app: AppHandle, state: State<'_, AppState>, path: String) -> Result<(), CommandError> {
    state.require(Act::View).await?;
    app.opener().reveal_item_in_dir(&path).map_err(|e| {
        eprintln!("safeserve: no file manager showed {path}: {e}");
        CommandError {
            code: ErrorCode::FileManagerFailed,
            message: Message::new(
                format!("无法打开文件夹。请在文件管理器中找到：{path}"),
                format!("The folder could not be opened. Find the file in your file manager: {path}"),
            ),
            field: None,
        }
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
    state.require(Act::Export).await?;
    let ids: Vec<DocumentId> = ids.iter().map(|i| parse(i)).collect::<Result<_, _>>()?;
    let folder = match folder.filter(|f| !f.trim().is_empty()) {
        Some(f) => PathBuf::from(f),
        None => super::export_folder(&app)?,
    };
    let total = ids.len() as u32;
    let signer = state.pdf_signer().await?;
    let result = state
        .with_store(move |s| {
            let mut files = Vec::new();
            let mut bytes = 0;
            for (i, id) in ids.into_iter().enumerate() {
                let path = print::write_pdf(s, &signer, id, &folder)?;
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                bytes += size;
                let file = path.display().to_string();
                let _ = on_progress.send(ExportProgress { done: i as u32 + 1, total, file: file.clone(), bytes });
                files.push(file);
            }
            Ok(ExportResult { folder: folder.display().to_string(), files, bytes })
        })
        .await?;
    state.audit(AuditAct::Export, result.folder.clone(), format!("{} PDF", result.files.len())).await;
    Ok(result)
}

/// Checks a verification code typed from paper.
#[tauri::command]
pub async fn verify_code(state: State<'_, AppState>, code: String) -> Result<Verification, CommandError> {
    state.require(Act::View).await?;
    let signer = state.pdf_signer().await?;
    state.with_store(move |s| Ok(s.verify_code(&code, &signer)?)).await
}

/// Checks a PDF file (its bytes as the raw request body) against the record it came from.
#[tauri::command]
pub async fn verify_pdf(state: State<'_, AppState>, request: Request<'_>) -> Result<Verification, CommandError> {
    state.require(Act::View).await?;
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError {
            code: ErrorCode::InvalidInput,
            message: Message::new("没有收到 PDF 文件", "No PDF file was received"),
            field: None,
        });
    };
    let bytes = bytes.clone();
    let signer = state.pdf_signer().await?;
    state.with_store(move |s| Ok(print::verify_pdf(s, &signer, &bytes)?)).await
}
