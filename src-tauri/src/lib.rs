//! `safeserve-desktop` is the thin shell of the SafeServe desktop app: it opens the local
//! store, registers the IPC commands (each a few lines calling `safeserve-store` or
//! `safeserve-core`) and hosts the window. Logic does not live here.

mod commands;
mod error;
mod session;
#[cfg(target_os = "linux")]
mod sleep_lock;
mod state;
mod sync_worker;

pub use error::CommandError;
pub use state::AppStatus;

use state::AppState;
use std::path::PathBuf;
use tauri::Manager;

/// `--db PATH` on the command line, else `SAFESERVE_DB`, else `safeserve.db` in the user's
/// data folder.
fn database_path(app: &tauri::App) -> PathBuf {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--db" {
            if let Some(p) = args.next() {
                return PathBuf::from(p);
            }
        } else if let Some(p) = a.strip_prefix("--db=") {
            return PathBuf::from(p);
        }
    }
    if let Some(p) = std::env::var_os("SAFESERVE_DB") {
        return PathBuf::from(p);
    }
    let dir = app.path().app_data_dir().unwrap_or_else(|_| PathBuf::from("."));
    let _ = std::fs::create_dir_all(&dir);
    dir.join("safeserve.db")
}

/// WebKitGTK's DMA-BUF renderer needs a GPU render node. Without one (a laptop without GPU
/// acceleration, a virtual machine, Xvfb) it starts ~0.4 s slower and holds ~120 MB more than
/// the shared-memory path (docs/benchmarks.md), so SafeServe turns it off there. Under WebDriver
/// automation (tauri-driver sets `TAURI_AUTOMATION`) WebKit's default stays: its snapshots hung
/// with the shared-memory path in the end-to-end tests. A value the user set always wins.
#[cfg(target_os = "linux")]
fn choose_webkit_renderer() {
    let has_render_node = std::fs::read_dir("/dev/dri")
        .map(|dir| dir.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false);
    let automated = std::env::var_os("TAURI_AUTOMATION").is_some();
    if !has_render_node && !automated && std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
}

pub fn run() {
    #[cfg(target_os = "linux")]
    choose_webkit_renderer();
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let path = database_path(app);
            let data_dir = app.path().app_data_dir().unwrap_or_else(|_| safeserve_device::default_data_dir());
            let state = AppState::open(path, data_dir);
            state.sync.start(app.handle().clone());
            state.session.watch_sleep(app.handle().clone());
            #[cfg(target_os = "linux")]
            sleep_lock::lock_before_sleep(state.session.clone(), app.handle().clone());
            state.attach(app.handle().clone());
            app.manage(state);
            app.manage(commands::imports::PendingImport::default());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::registers::app_status,
            commands::session::session,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::session::reset_password,
            commands::session::create_first_user,
            commands::session::audit_log,
            commands::backups::list_backups,
            commands::backups::take_backup,
            commands::backups::set_backups_kept,
            commands::backups::backup_holding,
            commands::backups::restore_backup,
            commands::registers::search_enterprises,
            commands::registers::enterprise_file,
            commands::registers::search_agencies,
            commands::registers::agency_detail,
            commands::registers::record_agency_act,
            commands::registers::search_people,
            commands::registers::list_divisions,
            commands::registers::check_code,
            commands::registers::add_enterprise,
            commands::registers::add_person,
            commands::registers::update_enterprise_contact,
            commands::sync::sync_status,
            commands::sync::enroll_device,
            commands::sync::sync_now,
            commands::sync::list_conflicts,
            commands::sync::review_conflict,
            commands::registers::ui_ready,
            commands::visits::list_templates,
            commands::visits::import_template,
            commands::visits::import_template_workbook,
            commands::visits::capability_check,
            commands::visits::start_visit,
            commands::visits::visit_detail,
            commands::visits::unfinished_visits,
            commands::visits::recent_visits,
            commands::visits::find_visits,
            commands::registers::save_agency,
            commands::registers::record_certificate,
            commands::registers::person_detail,
            commands::registers::record_post,
            commands::registers::record_training,
            commands::visits::export_records,
            commands::visits::save_visit_field,
            commands::visits::end_visit,
            commands::visits::add_hazard,
            commands::visits::save_hazard_field,
            commands::visits::proposed_people,
            commands::visits::supplement_hazard,
            commands::visits::add_hazard_event,
            commands::visits::reinspect,
            commands::visits::add_photo,
            commands::visits::photo,
            commands::documents::document_forms,
            commands::documents::draft_document,
            commands::documents::sign_document,
            commands::documents::list_documents,
            commands::documents::open_document,
            commands::documents::reveal_file,
            commands::documents::open_enterprise_file,
            commands::documents::export_documents,
            commands::documents::verify_code,
            commands::documents::verify_pdf,
            commands::backtrace::backtrace,
            commands::backtrace::backtrace_pdf,
            commands::supervision::contract_problems,
            commands::supervision::add_contract,
            commands::supervision::letter_candidates,
            commands::supervision::letter_draft,
            commands::supervision::save_letter_draft,
            commands::supervision::list_letters,
            commands::supervision::record_letter_event,
            commands::supervision::letter_numbers,
            commands::coverage::coverage,
            commands::coverage::export_coverage,
            commands::grades::grade_agencies,
            commands::grades::ranking,
            commands::grades::grade_rules,
            commands::grades::grade_history,
            commands::grades::add_evaluation,
            commands::grades::agency_evaluations,
            commands::grades::enter_blacklist,
            commands::grades::lift_blacklist,
            commands::grades::blacklist_of,
            commands::grades::record_capability_test,
            commands::grades::capability_tests,
            commands::grades::capability_pass_rates,
            commands::grades::export_ranking,
            commands::imports::preview_import,
            commands::imports::import_rows,
            commands::imports::confirm_import,
            commands::imports::drop_import,
            commands::imports::write_import_template,
            commands::imports::export_ledger,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .unwrap_or_else(|e| {
            // Before or instead of a window there is nowhere else to say it.
            eprintln!("SafeServe 窗口无法启动 / the SafeServe window could not start: {e}");
            std::process::exit(1);
        });
}
