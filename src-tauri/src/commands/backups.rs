//! 备份 and 恢复: the laptop's backups in `NAME.backups/` (and the copies taken before
//! migrations), one taken on demand, how many are kept, and one restored after the window has
//! shown what it holds. Restoring closes both connections, puts the backup in place (the
//! database it replaces moved aside, never deleted) and reopens; it is the supervisors' act.

use crate::error::CommandError;
use crate::state::AppState;
use safeserve_core::access::Act;
use safeserve_core::audit::AuditAct;
use safeserve_core::Message;
use safeserve_store::backups::{self, Holding};
use safeserve_store::StoreError;
use serde::Serialize;
use std::path::PathBuf;
use tauri::State;
use ts_rs::TS;

/// One backup as the window lists it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupView {
    /// Its file name: what the window names it by when asking for it again.
    pub name: String,
    /// When it was taken, China time.
    pub taken: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Taken before the database was migrated to a newer version, beside it.
    pub before_migration: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupsView {
    pub backups: Vec<BackupView>,
    /// How many daily and on-demand backups are kept.
    pub kept: u32,
    /// Why the last daily backup failed, if it did (cleared by the next one taken).
    pub problem: Option<Message>,
}

fn view(b: &backups::Backup, db: &std::path::Path) -> BackupView {
    BackupView {
        name: b.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        taken: backups::describe_time(b.taken),
        bytes: b.bytes,
        before_migration: !b.path.starts_with(backups::backup_dir(db)),
    }
}

/// The backup of this laptop named `name`: only one of those listed, never a path the window
/// makes up.
fn named(state: &AppState, name: &str) -> Result<PathBuf, CommandError> {
    backups::list(&state.db_path)
        .into_iter()
        .find(|b| b.path.file_name().is_some_and(|n| n.to_string_lossy() == name))
        .map(|b| b.path)
        .ok_or_else(|| {
            StoreError::Invalid { field: "backup", message: Message::new("没有这个备份", "No such backup") }.into()
        })
}

fn listing(state: &AppState) -> BackupsView {
    let db = &state.db_path;
    BackupsView {
        backups: backups::list(db).iter().map(|b| view(b, db)).collect(),
        kept: backups::kept(db) as u32,
        problem: state.backup_problem(),
    }
}

#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> Result<BackupsView, CommandError> {
    state.require(Act::BackUp).await?;
    Ok(listing(&state))
}

/// 备份: a backup now, on a read-only connection of its own (saves go on meanwhile).
#[tauri::command]
pub async fn take_backup(state: State<'_, AppState>) -> Result<BackupsView, CommandError> {
    state.require(Act::BackUp).await?;
    let taken = state.back_up_now().await?;
    let name = taken.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    state.audit(AuditAct::BackUp, name, "").await;
    Ok(listing(&state))
}

#[tauri::command]
pub async fn set_backups_kept(state: State<'_, AppState>, kept: u32) -> Result<BackupsView, CommandError> {
    state.require(Act::BackUp).await?;
    backups::set_kept(&state.db_path, kept as usize)?;
    Ok(listing(&state))
}

/// What a backup holds, checked whole first (shown before it is restored).
#[tauri::command]
pub async fn backup_holding(state: State<'_, AppState>, name: String) -> Result<Holding, CommandError> {
    state.require(Act::Restore).await?;
    let path = named(&state, &name)?;
    state.holding(path).await
}

/// 恢复: the backup `name` in place of the database; answers what it held.
#[tauri::command]
pub async fn restore_backup(state: State<'_, AppState>, name: String) -> Result<Holding, CommandError> {
    state.require(Act::Restore).await?;
    let path = named(&state, &name)?;
    let restored = state.restore(path).await?;
    let replaced = restored.replaced.map(|p| p.display().to_string()).unwrap_or_default();
    // Written into the restored database: its log says from which backup it came back.
    state.audit(AuditAct::Restore, name, replaced).await;
    Ok(restored.holding)
}
