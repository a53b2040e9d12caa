//! IPC commands, one module per feature. Each command takes its state, calls one store or
//! core function off the async runtime, and maps the error.

pub mod backtrace;
pub mod backups;
pub mod coverage;
pub mod documents;
pub mod grades;
pub mod imports;
pub mod registers;
pub mod session;
pub mod supervision;
pub mod sync;
pub mod visits;

#[cfg(test)]
mod surface;

/// Where an export goes: the path given (a folder gets `file_name`), else
/// [`export_folder`]/`file_name`.
pub(crate) fn export_target(
    app: &tauri::AppHandle,
    path: Option<String>,
    file_name: &str,
) -> Result<std::path::PathBuf, crate::error::CommandError> {
    Ok(match path.filter(|p| !p.trim().is_empty()).map(std::path::PathBuf::from) {
        Some(p) if p.is_dir() => p.join(file_name),
        Some(p) => p,
        None => export_folder(app)?.join(file_name),
    })
}

/// 文档/SafeServe 导出/DATE: the folder every export and every opened PDF of the app goes to,
/// where the user finds them again (not the app's cache).
pub(crate) fn export_folder(app: &tauri::AppHandle) -> Result<std::path::PathBuf, crate::error::CommandError> {
    use tauri::Manager;
    Ok(app
        .path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(crate::error::CommandError::internal)?
        .join("SafeServe 导出")
        .join(registers::today().to_string()))
}
