//! `safeserve-server admin backup` while a laptop pushes, and `admin restore`: the backup
//! holds every change the server acknowledged before it began and every photo, restores only
//! into a stopped server's folder, keeps what it replaces, and a damaged backup is refused.

use super::sync::{contact, rows, sync, Fixture};
use anyhow::{ensure, Context, Result};
use rusqlite::Connection;
use safeserve_core::EnterpriseId;
use safeserve_e2e::server::{binary, Server};
use safeserve_store::Store;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn phone(i: u32) -> String {
    format!("0571-{i:06}")
}

/// `safeserve-server admin --data DATA ARGS…`: (succeeded, standard output + error).
fn admin(data: &Path, args: &[&str]) -> Result<(bool, String)> {
    let out = std::process::Command::new(binary("safeserve-server")?)
        .arg("admin")
        .arg("--data")
        .arg(data)
        .args(args)
        .output()?;
    Ok((
        out.status.success(),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    ))
}

/// Every change body in a server database, one string.
fn bodies(db: &Path) -> Result<String> {
    let conn = Connection::open(db)?;
    let mut stmt = conn.prepare("SELECT coalesce(body, '') FROM changes")?;
    let all: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(all.concat())
}

#[test]
fn a_server_backup_taken_while_a_laptop_pushes_holds_every_acknowledged_change_and_restores() -> Result<()> {
    let fx = Fixture::new(false)?;
    fx.inspector("zhang")?;
    let laptop = fx.laptop("a", "zhang", 7)?;
    sync(&laptop)?;
    let enterprise: EnterpriseId =
        rows(&laptop, "SELECT id, name FROM enterprises ORDER BY seq LIMIT 1")?[0].0.parse()?;
    let data = fx.server.data.clone();
    let to = fx.dir.path().join("backup");

    // A laptop saving and syncing in a loop; each phone number is noted once the server has
    // acknowledged it (sync returned), with when.
    let acknowledged: Mutex<Vec<(u32, Instant)>> = Mutex::new(Vec::new());
    let stop = AtomicBool::new(false);
    let (begun, taken) = std::thread::scope(|s| -> Result<(Instant, (bool, String))> {
        let writer = s.spawn(|| -> Result<()> {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                Store::open(&laptop)?.update_enterprise_contact(enterprise, &contact(&phone(i), "甲"))?;
                sync(&laptop)?;
                acknowledged.lock().unwrap().push((i, Instant::now()));
            }
            Ok(())
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        while acknowledged.lock().unwrap().len() < 5 && Instant::now() < deadline && !writer.is_finished() {
            std::thread::sleep(Duration::from_millis(20));
        }
        let begun = Instant::now();
        let taken = admin(&data, &["backup", "--to", to.to_str().context("utf-8")?]);
        let after = acknowledged.lock().unwrap().len();
        while acknowledged.lock().unwrap().len() < after + 3 && Instant::now() < deadline && !writer.is_finished() {
            std::thread::sleep(Duration::from_millis(20));
        }
        stop.store(true, Ordering::Relaxed);
        writer.join().expect("the laptop's thread")?;
        Ok((begun, taken?))
    })?;
    let (ok, out) = taken;
    ensure!(ok, "the backup is taken while the laptop pushes: {out}");
    let acknowledged = acknowledged.into_inner().unwrap();
    let before: Vec<u32> = acknowledged.iter().filter(|(_, t)| *t < begun).map(|(i, _)| *i).collect();
    let last = acknowledged.last().context("saves acknowledged")?.0;
    ensure!(
        before.len() >= 5 && last > *before.last().unwrap_or(&0),
        "saves on both sides of the backup: {acknowledged:?}"
    );

    // Every change acknowledged before the backup began is in it; the database is whole.
    let held = bodies(&to.join("server.db"))?;
    for i in &before {
        ensure!(held.contains(&phone(*i)), "acknowledged save {i} is in the backup");
    }
    let check: String =
        Connection::open(to.join("server.db"))?.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    ensure!(check == "ok", "{check}");
    let photos: i64 =
        Connection::open(data.join("server.db"))?.query_row("SELECT count(*) FROM photos", [], |r| r.get(0))?;
    ensure!(photos > 0, "the demo's photos are on the server");
    ensure!(out.contains(&format!("照片 {photos}")), "every photo backed up: {out}");
    ensure!(to.join("bureau-ca.key.pem").exists(), "the bureau's authority is in the backup");

    // Not into a folder a server is serving.
    let (ok, out) = admin(&data, &["restore", "--from", to.to_str().context("utf-8")?, "--yes"])?;
    ensure!(!ok && out.contains("另一个服务器进程") && out.contains("another server process"), "{out}");

    // A copy with one photo's bytes changed is refused, the data folder untouched.
    let damaged = fx.dir.path().join("damaged");
    std::process::Command::new("cp").arg("-a").arg(&to).arg(&damaged).status()?;
    let sha: String =
        Connection::open(to.join("server.db"))?.query_row("SELECT sha256 FROM photos LIMIT 1", [], |r| r.get(0))?;
    let photo = damaged.join("photos").join(&sha[..2]).join(&sha);
    let mut bytes = std::fs::read(&photo)?;
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&photo, bytes)?;
    let (ok, out) = admin(&data, &["restore", "--from", damaged.to_str().context("utf-8")?])?;
    ensure!(!ok && out.contains("备份已损坏") && out.contains(&sha), "{out}");

    // Stopped, the server's folder takes the backup back; what it replaces is kept.
    let Fixture { dir, server, .. } = fx;
    server.stop()?;
    let (ok, out) = admin(&data, &["restore", "--from", to.to_str().context("utf-8")?])?;
    ensure!(
        ok && out.contains("--yes") && out.contains("变更"),
        "without --yes it only shows what the backup holds: {out}"
    );
    let (ok, out) = admin(&data, &["restore", "--from", to.to_str().context("utf-8")?, "--yes"])?;
    ensure!(ok && out.contains("已恢复"), "{out}");
    let replaced = safeserve_e2e::replaced_file(&data, "server.db").context("the replaced database is kept aside")?;
    ensure!(bodies(&replaced)?.contains(&phone(last)), "the replaced database keeps the saves after the backup");

    // The restored server serves: a newly enrolled laptop gets the backup's records.
    let restored = Server::start(&data)?;
    Server::admin(&data, &["user", "add", "li", "--role", "inspector", "--division", &district(&laptop)?])?;
    let fresh = dir.path().join("fresh.db");
    let mut store = Store::open(&fresh)?;
    let code = restored.enrolment_code("li")?;
    restored.enroll(&mut store, &code, &ed25519_dalek::SigningKey::from_bytes(&[8; 32]), "fresh")?;
    drop(store);
    sync(&fresh)?;
    let got = &rows(&fresh, &format!("SELECT phone, principal FROM enterprises WHERE id = '{enterprise}'"))?[0].0;
    let got: u32 = got.trim_start_matches("0571-").parse()?;
    ensure!(
        got >= *before.last().unwrap_or(&0),
        "the restored server holds the save acknowledged last before the backup: {got}"
    );
    Ok(())
}

fn district(laptop: &Path) -> Result<String> {
    Ok(rows(laptop, "SELECT substr(division, 1, 6), name FROM enterprises ORDER BY seq LIMIT 1")?[0].0.clone())
}
