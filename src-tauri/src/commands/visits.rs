//! Visits, hazards and photos. Every field the user changes is saved by its own command the
//! moment it changes, so closing the window or killing the process loses nothing typed.

use super::registers::{now, parse, today};
use crate::error::CommandError;
use crate::state::{AppState, Recorded};
use safeserve_core::access::Act;
use safeserve_core::audit::AuditAct;
use safeserve_core::capability::Mismatch;
use safeserve_core::hazard::HazardEventKind;
use safeserve_core::records::{RecordFilter, RecordKind};
use safeserve_core::visit::VisitKind;
use safeserve_core::{AgencyId, ErrorCode, HazardId, Message, PersonId, VisitId};
use safeserve_store::photos::Copy;
use safeserve_store::records::VisitPage;
use safeserve_store::views::*;
use safeserve_store::StoreError;
use tauri::ipc::{InvokeBody, Request, Response};
use tauri::{AppHandle, State};

#[tauri::command]
pub async fn list_templates(state: State<'_, AppState>) -> Result<Vec<TemplateSummary>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(|s| Ok(s.templates()?)).await
}

/// A checklist file's content, checked and stored; `false` when that edition was already there.
#[tauri::command]
pub async fn import_template(
    state: State<'_, AppState>,
    json: String,
) -> Result<(TemplateSummary, bool), CommandError> {
    state.require(Act::ImportTemplate).await?;
    state.with_store(move |s| Ok(s.import_template(&json, &now())?)).await
}

/// A checklist workbook's bytes (an Excel sheet laid out as bureaus write checklists), read,
/// checked and stored as [`import_template`] stores a JSON edition.
#[tauri::command]
pub async fn import_template_workbook(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<(TemplateSummary, bool), CommandError> {
    state.require(Act::ImportTemplate).await?;
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError {
            code: ErrorCode::InvalidInput,
            message: Message::new("没有收到工作簿文件", "No workbook was received"),
            field: None,
        });
    };
    let read = safeserve_sheets::checklists::read_checklist(bytes.as_slice());
    state.with_store(move |s| Ok(s.publish_template(read, &now())?)).await
}

#[tauri::command]
pub async fn capability_check(
    state: State<'_, AppState>,
    kind: VisitKind,
    target_id: String,
    people: Vec<PersonId>,
) -> Result<Vec<Mismatch>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(move |s| Ok(s.capability_check(kind, &target_id, &people, today())?)).await
}

/// The serving agency's people to propose for a visit, those who fit the work (R7) first.
#[tauri::command]
pub async fn proposed_people(
    state: State<'_, AppState>,
    kind: VisitKind,
    target_id: String,
    agency_id: AgencyId,
) -> Result<Vec<PersonId>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(move |s| Ok(s.proposed_people(kind, &target_id, agency_id, today())?)).await
}

#[tauri::command]
pub async fn start_visit(state: State<'_, AppState>, form: NewVisit) -> Result<VisitDetail, CommandError> {
    state.require(Act::record(form.kind)).await?;
    let id = VisitId(uuid::Uuid::now_v7());
    state.with_store(move |s| Ok(s.start_visit(&form, id, &now(), today())?)).await
}

#[tauri::command]
pub async fn visit_detail(state: State<'_, AppState>, id: String) -> Result<VisitDetail, CommandError> {
    state.require(Act::View).await?;
    let id: VisitId = parse(&id)?;
    state.with_store(move |s| Ok(s.visit(id, today())?)).await
}

/// The newest visits, all enterprises and agencies.
#[tauri::command]
pub async fn recent_visits(state: State<'_, AppState>) -> Result<Vec<VisitSummary>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(|s| Ok(s.visits(None, 100)?)).await
}

/// The most visits one page of the ledger screen lists; the workbook holds every one.
const FOUND_LIMIT: usize = 500;

/// 检查与隐患台账: the visits `filter` selects, newest first, and how many visits and hazards
/// the ledgers would hold.
#[tauri::command]
pub async fn find_visits(state: State<'_, AppState>, filter: RecordFilter) -> Result<VisitPage, CommandError> {
    state.require(Act::View).await?;
    state
        .with_reader(move |s| {
            let checked = filter.check().map_err(StoreError::from)?;
            Ok(s.find_visits(&checked, FOUND_LIMIT)?)
        })
        .await
}

/// 导出台账 of the evidence: the visits `filter` selects, or the hazards they found, to a
/// workbook (文档/SafeServe 导出 unless `path`). Answers the file written.
#[tauri::command]
pub async fn export_records(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: RecordKind,
    filter: RecordFilter,
    path: Option<String>,
) -> Result<String, CommandError> {
    state.require(Act::Export).await?;
    let checked = filter.check().map_err(StoreError::from)?;
    let path = super::export_target(&app, path, &format!("{}台账-{}.xlsx", kind.label_zh(), today()))?;
    let (written, rows) = state
        .with_reader(move |s| {
            let rows = safeserve_sheets::records(s, kind, &checked, today(), &path)?;
            Ok((path.display().to_string(), rows))
        })
        .await?;
    state.audit(AuditAct::Export, written.clone(), format!("{rows} 行")).await;
    Ok(written)
}

#[tauri::command]
pub async fn unfinished_visits(state: State<'_, AppState>) -> Result<Vec<VisitSummary>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(|s| Ok(s.unfinished_visits()?)).await
}

/// Saves one field; a failed item answers with the hazard it proposes.
#[tauri::command]
pub async fn save_visit_field(
    state: State<'_, AppState>,
    id: String,
    field: VisitField,
) -> Result<Option<NewHazard>, CommandError> {
    let id: VisitId = parse(&id)?;
    state.require_recording(Recorded::Visit(id)).await?;
    state.with_store(move |s| Ok(s.save_visit_field(id, &field, &now(), today())?)).await
}

#[tauri::command]
pub async fn end_visit(state: State<'_, AppState>, id: String) -> Result<VisitDetail, CommandError> {
    let id: VisitId = parse(&id)?;
    state.require_recording(Recorded::Visit(id)).await?;
    state.with_store(move |s| Ok(s.end_visit(id, &now(), today())?)).await
}

#[tauri::command]
pub async fn add_hazard(
    state: State<'_, AppState>,
    visit_id: String,
    form: NewHazard,
) -> Result<HazardView, CommandError> {
    let visit_id: VisitId = parse(&visit_id)?;
    state.require_recording(Recorded::Visit(visit_id)).await?;
    let id = HazardId(uuid::Uuid::now_v7());
    state.with_store(move |s| Ok(s.add_hazard(visit_id, &form, id, &now(), today())?)).await
}

#[tauri::command]
pub async fn save_hazard_field(state: State<'_, AppState>, id: String, field: HazardField) -> Result<(), CommandError> {
    let id: HazardId = parse(&id)?;
    state.require_recording(Recorded::Hazard(id)).await?;
    state.with_store(move |s| Ok(s.save_hazard_field(id, &field)?)).await
}

/// Completes a field signing needs on a hazard of an ended, unsigned visit (kept as an event).
#[tauri::command]
pub async fn supplement_hazard(state: State<'_, AppState>, id: String, field: HazardField) -> Result<(), CommandError> {
    let id: HazardId = parse(&id)?;
    state.require_recording(Recorded::Hazard(id)).await?;
    state.with_store(move |s| Ok(s.supplement_hazard(id, &field, &now())?)).await
}

#[tauri::command]
pub async fn add_hazard_event(
    state: State<'_, AppState>,
    id: String,
    kind: HazardEventKind,
    note: String,
) -> Result<HazardView, CommandError> {
    let id: HazardId = parse(&id)?;
    state.require_recording(Recorded::Hazard(id)).await?;
    state
        .with_store(move |s| {
            s.add_hazard_event(id, kind, &note, None, &now())?;
            Ok(s.hazard(id, today())?)
        })
        .await
}

#[tauri::command]
pub async fn reinspect(
    state: State<'_, AppState>,
    visit_id: String,
    hazard_id: String,
    verdict: Reinspection,
) -> Result<VisitDetail, CommandError> {
    let visit_id: VisitId = parse(&visit_id)?;
    let hazard_id: HazardId = parse(&hazard_id)?;
    // The re-inspection visit is where the verdict is recorded.
    state.require_recording(Recorded::Visit(visit_id)).await?;
    state
        .with_store(move |s| {
            s.reinspect(visit_id, hazard_id, &verdict, &now())?;
            Ok(s.visit(visit_id, today())?)
        })
        .await
}

/// A photo from the file dialog or a drop: the bytes come as the raw request body and the
/// target as a JSON `target` header, so a 10 MB photo is not re-encoded as JSON.
#[tauri::command]
pub async fn add_photo(state: State<'_, AppState>, request: Request<'_>) -> Result<IngestedPhoto, CommandError> {
    let bad = |what: &str| CommandError {
        code: ErrorCode::InvalidInput,
        message: Message::new(format!("照片请求不完整：{what}"), format!("Incomplete photo request: {what}")),
        field: None,
    };
    let InvokeBody::Raw(bytes) = request.body() else { return Err(bad("body")) };
    let bytes = bytes.clone();
    let target: PhotoTarget = request
        .headers()
        .get("target")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| serde_json::from_str(h).ok())
        .ok_or_else(|| bad("target"))?;
    state
        .require_recording(match &target {
            PhotoTarget::Item { visit_id, .. } => Recorded::Visit(*visit_id),
            PhotoTarget::Hazard { hazard_id, .. } => Recorded::Hazard(*hazard_id),
        })
        .await?;
    let time = safeserve_print::now().format("%Y-%m-%d %H:%M").to_string();
    state.with_store(move |s| Ok(s.ingest_photo(&bytes, Some(&target), &now(), time)?)).await
}

/// A stored photo's thumbnail or display copy, as raw JPEG bytes.
#[tauri::command]
pub async fn photo(state: State<'_, AppState>, sha256: String, full: bool) -> Result<Response, CommandError> {
    state.require(Act::View).await?;
    let copy = if full { Copy::Display } else { Copy::Thumb };
    // Read and opened off the store's lock: a screen of thumbnails does not hold up a save.
    let (files, path) = state.with_store(move |s| Ok((s.photo_files(), s.photo_path(&sha256, copy)?))).await?;
    let bytes = tauri::async_runtime::spawn_blocking(move || files.read(&path))
        .await
        .map_err(CommandError::internal)?
        .map_err(safeserve_store::StoreError::from)?;
    Ok(Response::new(bytes))
}
