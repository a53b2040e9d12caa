//! Every laptop's audit log reaches the server, where `safeserve-server admin audit` checks each
//! chain; a laptop put back to an earlier copy of itself that writes on shows as a fork with
//! both entries kept; no laptop pulls another's log, an administrator's included.

use super::sync::{sync, Fixture};
use anyhow::{ensure, Result};
use ed25519_dalek::SigningKey;
use rusqlite::Connection;
use safeserve_core::audit::{AuditAct, AuditEntry};
use safeserve_core::sync::Role;
use safeserve_e2e::server::Server;
use safeserve_store::Store;
use std::path::Path;

fn record(db: &Path, subjects: &[&str]) -> Result<()> {
    let mut store = Store::open(db)?;
    for subject in subjects {
        store.record_audit(&AuditEntry {
            at: "2026-11-23T10:00:00+08:00".into(),
            user_id: Some("u-zhang".into()),
            user_name: "张检查".into(),
            role: Some(Role::Inspector),
            act: AuditAct::Sign,
            subject: (*subject).into(),
            detail: String::new(),
        })?;
    }
    Ok(())
}

#[test]
fn every_laptops_audit_log_reaches_the_server_and_a_laptop_put_back_shows_its_fork() -> Result<()> {
    let fx = Fixture::new(true)?;
    fx.inspector("zhang")?;
    let laptop = fx.laptop("a", "zhang", 1)?;
    record(&laptop, &["文书-1", "文书-2", "文书-3"])?;
    sync(&laptop)?;
    let held = Server::admin(&fx.server.data, &["audit", "--entries"])?;
    ensure!(held.lines().filter(|l| !l.starts_with("  ")).count() == 1, "one laptop's chain: {held}");
    ensure!(held.contains("3 条") && held.contains("链条完整"), "three entries, whole: {held}");
    ensure!(held.contains("文书-2") && held.contains("张检查"), "each entry as written: {held}");

    // A copy of the laptop as it is now; two more entries are sent; then the laptop is put back
    // to the copy and writes on, over places in its chain the server already holds.
    let copy = laptop.with_extension("then");
    Connection::open(&laptop)?.execute("VACUUM INTO ?1", [copy.to_string_lossy()])?;
    record(&laptop, &["文书-4", "文书-5"])?;
    sync(&laptop)?;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", laptop.display()));
    }
    std::fs::rename(&copy, &laptop)?;
    record(&laptop, &["改写的第四条"])?;
    // The copy's refresh token was spent after it was taken: a laptop put back is enrolled
    // again (docs/operations.md), and its chain goes on under the same node.
    {
        let mut store = Store::open(&laptop)?;
        let code = fx.server.enrolment_code("zhang")?;
        fx.server.enroll(&mut store, &code, &SigningKey::from_bytes(&[1; 32]), "a")?;
    }
    let report = sync(&laptop)?;
    ensure!(report.refused == 0, "the rewritten entry is taken, not refused: {report:?}");
    let held = Server::admin(&fx.server.data, &["audit", "--entries"])?;
    ensure!(held.contains("6 条") && held.contains("第 4 条起断开"), "the fork is named at entry 4: {held}");
    ensure!(held.contains("文书-4") && held.contains("改写的第四条"), "both entries at 4 are kept: {held}");

    // An administrator's laptop pulls everything it may see — no laptop's audit log.
    Server::admin(&fx.server.data, &["user", "add", "root", "--role", "admin"])?;
    let admin = fx.laptop("r", "root", 2)?;
    sync(&admin)?;
    let status = Store::open(&admin)?.sync_status()?;
    ensure!(status.waiting == 0, "nothing pulled waits to be applied: {:?}", status.waiting_reasons);
    let logged: i64 = Connection::open(&admin)?.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
    ensure!(logged == 0, "the administrator's log holds no other laptop's entries: {logged}");
    Ok(())
}
