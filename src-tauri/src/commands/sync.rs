//! Sync settings and status: enrolment with the server, the state of the outbox, conflicts to
//! review, and "sync now". The syncing itself runs on the worker thread (`sync_worker`).

use crate::error::CommandError;
use crate::state::AppState;
use crate::sync_worker::SyncActivity;
use safeserve_core::access::Act;
use safeserve_store::sync::{ConflictView, SyncStatus};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SyncView {
    pub status: SyncStatus,
    pub activity: SyncActivity,
}

impl From<safeserve_sync::SyncError> for CommandError {
    fn from(e: safeserve_sync::SyncError) -> Self {
        match e {
            safeserve_sync::SyncError::Store(e) => e.into(),
            e => {
                eprintln!("safeserve: sync: {e:?}");
                Self { code: e.code(), message: e.message(), field: None }
            }
        }
    }
}

async fn view(state: &AppState) -> Result<SyncView, CommandError> {
    let status = state.with_store(|s| Ok(s.sync_status()?)).await?;
    Ok(SyncView { status, activity: state.sync.activity() })
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncView, CommandError> {
    // Asked by the window on its own: it shows the state without counting as the user's act.
    if state.session.user().is_none() {
        state.require(Act::View).await?;
    }
    view(&state).await
}

/// Enrols this laptop with the one-time code an administrator gave, registering the key this
/// laptop signs documents with; then starts a first sync. `ca` is the PEM text of the CA
/// certificate the administrator gave, when the server's certificate is not from an authority
/// the system trusts.
#[tauri::command]
pub async fn enroll_device(
    state: State<'_, AppState>,
    server: String,
    code: String,
    ca: Option<String>,
) -> Result<SyncView, CommandError> {
    let user = state.require(Act::Sync).await?;
    let device = state.device()?;
    state
        .with_own_connection(move |s| {
            safeserve_sync::enroll(s, &server, &code, &device.key, &device.label(), ca.as_deref())?;
            Ok(())
        })
        .await?;
    super::session::bind_to_server(&state, user).await?;
    state.sync.wake();
    view(&state).await
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncView, CommandError> {
    state.require(Act::Sync).await?;
    state.sync.wake();
    view(&state).await
}

#[tauri::command]
pub async fn list_conflicts(state: State<'_, AppState>) -> Result<Vec<ConflictView>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(|s| Ok(s.conflicts()?)).await
}

#[tauri::command]
pub async fn review_conflict(state: State<'_, AppState>, id: String) -> Result<(), CommandError> {
    state.require(Act::Sync).await?;
    let now = safeserve_print::now().to_rfc3339();
    state.with_store(move |s| Ok(s.review_conflict(&id, &now)?)).await
}
