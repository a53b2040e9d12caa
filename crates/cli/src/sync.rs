//! `safeserve enroll` and `safeserve sync`: the laptop's sync from a terminal or a script;
//! `safeserve export`: the file an administrator loads into a server instead.

use crate::{fail, open_existing};
use safeserve_sync::SyncError;
use safeserve_wire::export::ExportWriter;
use std::path::Path;
use std::process::ExitCode;

fn sync_fail(e: &SyncError) -> ExitCode {
    crate::output::error(&e.message());
    // 3: try again later (network); 2: will not work as asked.
    ExitCode::from(if safeserve_sync::Client::is_retryable(e) { 3 } else { 2 })
}

/// A laptop may enrol before it holds anything: the database is created if missing.
pub fn enroll(db: &Path, server: &str, code: &str, ca: Option<&Path>) -> ExitCode {
    let ca = match ca.map(std::fs::read_to_string).transpose() {
        Ok(ca) => ca,
        Err(e) => {
            eprintln!("错误：无法读取证书文件：{e}\nerror: cannot read the certificate file: {e}");
            return ExitCode::from(2);
        }
    };
    let mut store = match crate::credentials::open(db, true) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let device = match safeserve_device::load_or_create(&safeserve_device::default_data_dir()) {
        Ok(d) => d,
        Err(e) => return crate::output::error(&e.message()),
    };
    match safeserve_sync::enroll(&mut store, server, code, &device.key, &device.label(), ca.as_deref()) {
        Ok(a) => {
            say!(
                "已注册到 {}：用户 {}（{}），范围 {}，设备 {}",
                a.server,
                a.user_name,
                a.role.label_zh(),
                a.scope,
                a.device_id
            );
            say!("enrolled with {} as {} ({}), device {}", a.server, a.user_name, a.role.label_en(), a.device_id);
            ExitCode::SUCCESS
        }
        Err(e) => sync_fail(&e),
    }
}

pub fn sync(db: &Path, json: bool) -> ExitCode {
    let mut store = match open_existing(db) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    // Enrolled before the server issued certificates: ask for this laptop's once. Not having
    // one never stops a sync (PDFs are then signed with a self-issued certificate).
    if let Ok(device) = safeserve_device::load_or_create(&safeserve_device::default_data_dir()) {
        if let Err(e) = safeserve_sync::certify(&mut store, &device.key) {
            let m = e.message();
            eprintln!(
                "警告：未能取得主管部门签发的证书（{}）\nwarning: no certificate from the bureau ({})",
                m.zh, m.en
            );
        }
    }
    let result = safeserve_sync::sync(&mut store, &mut |_| {});
    match result {
        Ok(r) => {
            if json {
                crate::output::json_pretty(&r);
            } else {
                say!(
                    "推送 {} 条（被更新值覆盖 {}，拒收 {}），拉取 {} 条（应用 {}），上传照片 {} 张，下载照片 {} 张；\
                     传输 {} / {} 字节，用时 {:.2} 秒",
                    r.pushed + r.superseded + r.refused,
                    r.superseded,
                    r.refused,
                    r.pulled,
                    r.applied,
                    r.photos_uploaded,
                    r.photos_downloaded,
                    r.wire.sent,
                    r.wire.received,
                    r.seconds
                );
                for reason in &r.refusals {
                    say!("  ! 服务器拒收 / refused by the server: {reason}");
                }
                // Kept in the database and tried again after every pull.
                for reason in &r.rejected {
                    say!("  ! 暂未写入本机 / not applied here yet: {reason}");
                }
                for reason in &r.photos_failed {
                    say!("  ! 照片未能下载，下次同步重试 / photo not downloaded, retried next sync: {reason}");
                }
            }
            if r.refused > 0 || !r.rejected.is_empty() || !r.photos_failed.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => sync_fail(&e),
    }
}

#[derive(Debug)]
enum ExportFailed {
    Store(safeserve_store::StoreError),
    File(safeserve_wire::export::ExportError),
}

impl From<safeserve_store::StoreError> for ExportFailed {
    fn from(e: safeserve_store::StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<safeserve_wire::export::ExportError> for ExportFailed {
    fn from(e: safeserve_wire::export::ExportError) -> Self {
        Self::File(e)
    }
}

impl From<std::io::Error> for ExportFailed {
    fn from(e: std::io::Error) -> Self {
        Self::File(e.into())
    }
}

/// Writes the export beside `out` first and renames it into place, so a run cut short leaves
/// no file a server would take for a whole export.
pub fn export(db: &Path, out: &Path, registers_only: bool) -> ExitCode {
    let store = match open_existing(db) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let part = out.with_extension("part");
    let written = (|| -> Result<(u64, u64), ExportFailed> {
        let mut file = ExportWriter::new(std::io::BufWriter::new(std::fs::File::create(&part)?))?;
        for (key, label) in store.signing_devices()? {
            file.signing_key(&key, &label)?;
        }
        let changes = store.export_changes(registers_only, |c| file.change(c).map_err(ExportFailed::from))?;
        let mut photos = 0;
        if !registers_only {
            let files = store.photo_files();
            for p in store.all_photo_originals()? {
                // The original as taken: opened here when the laptop keeps it sealed.
                let original = files.read(&p.path).map_err(safeserve_store::StoreError::from)?;
                file.photo(&p.sha256, &original)?;
                photos += 1;
            }
        }
        file.finish()?.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&part, out)?;
        Ok((changes, photos))
    })();
    match written {
        Ok((changes, photos)) => {
            say!("已导出 {changes} 条记录、{photos} 张照片到 {}", out.display());
            say!("exported {changes} records and {photos} photos to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            match e {
                ExportFailed::Store(e) => fail(&e),
                ExportFailed::File(e) => crate::output::error(&e.message()),
            }
        }
    }
}
