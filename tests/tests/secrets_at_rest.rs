//! What a lost laptop or a copied folder gives away: a known ID number and the laptop's refresh
//! token are looked for in every file a supervisor's laptop and the server write — the laptop's
//! database and WAL, its key file, photos, backups, the PDF and spreadsheet it exported, the
//! device key, the server's data folder, its backup and its log — as bytes, and as the text
//! inside the PDF (`pdftotext`) and the spreadsheet (its XML). The server's own database is
//! the people register's authority: it holds full numbers by design (protect the folder as the
//! register it is) and is searched for the token only, which it keeps as a hash.

use anyhow::{ensure, Context, Result};
use ed25519_dalek::SigningKey;
use safeserve_core::sync::Role;
use safeserve_e2e::server::Server;
use safeserve_store::views::NewUser;
use safeserve_store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// A file's bytes, and for a PDF or a spreadsheet the text a reader sees in it too.
fn readable(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = std::fs::read(path)?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let extra = match ext {
        "pdf" => Some(Command::new("pdftotext").arg(path).arg("-").output().context("pdftotext")?.stdout),
        "xlsx" => Some(Command::new("unzip").arg("-p").arg(path).output().context("unzip")?.stdout),
        _ => None,
    };
    if let Some(text) = extra {
        ensure!(!text.is_empty(), "{} reads as something", path.display());
        bytes.extend(text);
    }
    Ok(bytes)
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn no_file_a_laptop_or_the_server_writes_holds_an_id_number_or_a_refresh_token_in_clear() -> Result<()> {
    let dir = tempfile::tempdir()?;
    // The bureau's inputs (the demo it loaded) are kept apart from what is searched.
    let inputs = dir.path().join("inputs");
    std::fs::create_dir_all(&inputs)?;
    let demo = inputs.join("demo.db");
    let data = dir.path().join("server");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).context("date")?;
    Server::loaded_demo(&data, &demo, as_of, false)?;
    let log = dir.path().join("server.log");
    let server = Server::start_logged(&data, &log)?;
    Server::admin(&data, &["user", "add", "zhao", "--role", "supervisor", "--division", "33"])?;

    // A supervisor's laptop: made, enrolled, synced, encrypted at its first sign-in as the app
    // does, synced again (the refresh token turns over), backed up, and two exports.
    let laptop = dir.path().join("laptop");
    std::fs::create_dir_all(&laptop)?;
    let db = laptop.join("laptop.db");
    {
        let mut store = Store::open(&db)?;
        let user = NewUser {
            name: "zhao".into(),
            display_name: "赵监管".into(),
            role: Role::Supervisor,
            person_id: None,
            password: safeserve_demo::DEMO_PASSWORD.into(),
        };
        store.add_user(&user, "2026-11-20T08:00:00+08:00")?;
        let code = server.enrolment_code("zhao")?;
        server.enroll(&mut store, &code, &SigningKey::from_bytes(&[9; 32]), "laptop")?;
        safeserve_sync::sync(&mut store, &mut |_| {})?;
    }
    safeserve_store::encryption::encrypt_for_users(&db, None)?;
    let mut store = safeserve_e2e::open_db(&db)?;
    safeserve_sync::sync(&mut store, &mut |_| {})?;
    let token = store.sync_account()?.context("enrolled")?.refresh_token;
    store.back_up("2026-11-20T18:00:00+08:00")?;

    // A person on a signed document the laptop holds, and that document as a PDF.
    let conn = rusqlite::Connection::open(&demo)?;
    let (number, document): (String, String) = conn.query_row(
        "SELECT p.id_number, d.id FROM documents d JOIN visit_people vp ON vp.visit_id = d.visit_id \
         JOIN people p ON p.id = vp.person_id ORDER BY d.signed_at LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let held: String = safeserve_e2e::connect(&db)?.query_row(
        "SELECT id_number FROM people WHERE id_number = ?1",
        [&number],
        |r| r.get(0),
    )?;
    ensure!(held == number, "the supervisor's laptop holds the full number (the search is not empty-handed)");
    let device = safeserve_device::DeviceKey {
        key: SigningKey::from_bytes(&[9; 32]),
        home: safeserve_device::KeyHome::File(laptop.join("device-key")),
    };
    let signer = safeserve_print::PdfSigner::load(&store, &device)?;
    let exports = laptop.join("exports");
    std::fs::create_dir_all(&exports)?;
    let pdf = safeserve_print::write_pdf(&store, &signer, document.parse()?, &exports)?;
    let rules = safeserve_core::grading::GradeRules::shipped();
    let today = safeserve_e2e::today();
    safeserve_print::spreadsheets::ranking(&store.ranking(&rules, today)?, &rules, today, &exports.join("排名.xlsx"))?;
    drop(store);
    let server_backup = dir.path().join("server-backup");
    Server::admin(&data, &["backup", "--to", &server_backup.to_string_lossy()])?;
    drop(server);

    let mut searched = Vec::new();
    files_under(&laptop, &mut searched)?;
    files_under(&data, &mut searched)?;
    files_under(&server_backup, &mut searched)?;
    searched.push(log.clone());
    ensure!(
        searched.contains(&pdf) && searched.iter().any(|p| p.to_string_lossy().contains(".backups")),
        "{searched:?}"
    );
    let mut found = Vec::new();
    for file in &searched {
        let bytes = readable(file)?;
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        // The register's own database, and its copy in the backup: the token only.
        let register = name.starts_with("server.db");
        if !register && holds(&bytes, &number) {
            found.push(format!("ID number in {}", file.display()));
        }
        if holds(&bytes, &token) {
            found.push(format!("refresh token in {}", file.display()));
        }
    }
    ensure!(found.is_empty(), "in clear: {found:#?}");
    eprintln!("searched {} files for the ID number and the refresh token", searched.len());
    Ok(())
}
