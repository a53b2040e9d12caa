//! The `safeserve` binary as a script would use it: real files, exit codes, JSON lines.

use crate::support::{cli, open_demo, safeserve};
use std::path::Path;
use std::process::{Command, Output};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo(dir: &Path) -> String {
    let db = dir.join("demo.db").to_string_lossy().into_owned();
    let o = safeserve(&["demo", "--db", &db, "--as-of", "2026-11-23"]);
    assert!(o.status.success(), "demo: {}", stderr(&o));
    db
}

#[test]
fn check_code_exit_status_says_valid_or_not_with_the_reason() {
    let ok = safeserve(&["check-code", "91350100M000100Y43"]);
    assert_eq!(ok.status.code(), Some(0));
    let bad = safeserve(&["check-code", "91350100M000100Y44"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).contains("校验位错误，应为 3"), "{}", stdout(&bad));
    let id = safeserve(&["check-code", "--json", "11010519491231002x"]);
    assert_eq!(id.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(stdout(&id).trim()).unwrap();
    assert_eq!(json["kind"], "id_number");
    assert_eq!(json["display"], "110105********002X", "ID numbers are printed masked");
}

#[test]
fn demo_then_search_prints_one_json_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    for query in ["化", "化工", "精细化工"] {
        let o = safeserve(&["search", "--db", &db, query, "--json", "--limit", "10"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let lines: Vec<serde_json::Value> =
            stdout(&o).lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
        assert!(!lines.is_empty(), "{query:?} finds something in the demo");
        assert!(lines.len() <= 10);
        assert!(
            lines.iter().any(|h| h["title"].as_str().unwrap_or("").contains(query)),
            "{query:?} matches a name: {lines:?}"
        );
    }
}

#[test]
fn an_encrypted_demo_opens_only_with_a_sign_in_or_its_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let search = ["search", "--db", &db, "化工"];
    let signed_out = |c: &mut Command| {
        c.env_remove("SAFESERVE_USER").env_remove("SAFESERVE_PASSWORD").args(search).output().unwrap()
    };
    let bare = signed_out(&mut cli());
    assert_eq!(bare.status.code(), Some(2));
    assert!(
        stderr(&bare).contains("数据库已加密") && stderr(&bare).contains("SAFESERVE_PASSWORD"),
        "{}",
        stderr(&bare)
    );
    let wrong = cli().env("SAFESERVE_PASSWORD", "not the password").args(search).output().unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("用户名或密码不正确"), "{}", stderr(&wrong));

    let key = dir.path().join("demo.key");
    let key_arg = key.to_string_lossy().into_owned();
    let o = safeserve(&["key-file", "--db", &db, "--to", &key_arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600,
        "the key file is its owner's only"
    );
    let by_key = signed_out(cli().env("SAFESERVE_KEY_FILE", &key));
    assert!(by_key.status.success(), "{}", stderr(&by_key));
    assert!(!stdout(&by_key).is_empty());
    let again = safeserve(&["key-file", "--db", &db, "--to", &key_arg]);
    assert_eq!(again.status.code(), Some(2), "an existing key file is never replaced");
}

#[test]
fn demo_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = std::fs::read(&db).unwrap();
    let again = safeserve(&["demo", "--db", &db]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("已存在"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn damaged_or_missing_database_is_an_error_in_chinese_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just some text long enough").unwrap();
    let o = safeserve(&["search", "--db", &junk.to_string_lossy(), "化工"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("数据库文件已损坏"), "{}", stderr(&o));
    assert!(stderr(&o).contains("damaged"), "{}", stderr(&o));
    let missing = dir.path().join("missing.db");
    let o = safeserve(&["search", "--db", &missing.to_string_lossy(), "化工"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!missing.exists(), "searching never creates a database");
}

#[test]
fn photo_ingest_prints_each_photo_and_refuses_a_bad_file_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let good = dir.path().join("现场.png");
    image::RgbImage::from_fn(3000, 2000, |x, y| image::Rgb([(x / 12) as u8, (y / 8) as u8, 90])).save(&good).unwrap();
    let bad = dir.path().join("notes.jpg");
    std::fs::write(&bad, "这不是照片").unwrap();

    let o = safeserve(&["photo", "ingest", "--db", &db, good.to_str().unwrap(), bad.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(2), "one file failed");
    assert!(stderr(&o).contains("notes.jpg"), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "the good photo still went in");
    let p = &lines[0];
    let sum = Command::new("sha256sum").arg(&good).output().unwrap();
    assert_eq!(p["sha256"].as_str().unwrap(), stdout(&sum).split_whitespace().next().unwrap());
    assert_eq!(p["id"], p["sha256"]);
    assert_eq!((p["display"]["width"].as_u64(), p["display"]["height"].as_u64()), (Some(2048), Some(1365)));
    assert!(Path::new(p["display"]["path"].as_str().unwrap()).exists());
    assert!(Path::new(p["thumbnail"]["path"].as_str().unwrap()).exists());
    assert_eq!(p["phash"].as_str().unwrap().len(), 16);

    // The same photo again is recognised, not stored twice.
    let again = safeserve(&["photo", "ingest", "--db", &db, good.to_str().unwrap(), "--json"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let again: serde_json::Value = serde_json::from_str(stdout(&again).trim()).unwrap();
    assert_eq!(again["already_held"], true);
}

#[test]
fn visits_lists_each_visit_with_its_hazards_major_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let o = safeserve(&["visits", "--db", &db, "--json", "--limit", "30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 30);
    let mut seen_major_then_general = false;
    for l in &lines {
        let levels: Vec<&str> = l["hazards"].as_array().unwrap().iter().map(|h| h["level"].as_str().unwrap()).collect();
        let first_general = levels.iter().position(|l| *l == "general").unwrap_or(levels.len());
        assert!(levels[first_general..].iter().all(|l| *l == "general"), "major first: {levels:?}");
        seen_major_then_general |= first_general > 0 && first_general < levels.len();
    }
    assert!(seen_major_then_general, "the demo has visits with both levels");

    let text = safeserve(&["visits", "--db", &db, "--limit", "3"]);
    assert!(stdout(&text).contains("隐患") || stdout(&text).contains("技术服务"), "{}", stdout(&text));
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o).lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect()
}

fn text_of(pdf: &Path) -> String {
    let o = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext is installed");
    String::from_utf8_lossy(&o.stdout).chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn report_prints_a_signed_form_and_verify_checks_it_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let docs = json_lines(&safeserve(&["documents", "--db", &db, "--json"]));
    let current = docs.iter().find(|d| d["superseded_by"].is_null()).expect("the demo has signed hazard lists");
    let old = docs.iter().find(|d| !d["superseded_by"].is_null()).expect("the demo corrected one list");
    let out = dir.path().join("list.pdf");
    let (out_s, id) = (out.to_string_lossy().into_owned(), current["id"].as_str().unwrap());
    let o = safeserve(&["report", "hazard-list", "--db", &db, "--id", id, "--out", &out_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = text_of(&out);
    assert!(text.contains("隐患清单"), "{text}");
    assert!(text.contains(current["verification_code"].as_str().unwrap()), "the code is on the page");
    let qpdf = Command::new("qpdf").arg("--check").arg(&out).output().expect("qpdf is installed");
    assert!(qpdf.status.success(), "{}", String::from_utf8_lossy(&qpdf.stdout));

    let v = safeserve(&["verify", "--db", &db, &out_s]);
    assert_eq!(v.status.code(), Some(0), "{}{}", stdout(&v), stderr(&v));
    assert!(stdout(&v).contains("有效"), "{}", stdout(&v));

    let old_pdf = dir.path().join("old.pdf").to_string_lossy().into_owned();
    let o = safeserve(&["report", "hazard-list", "--db", &db, "--id", old["id"].as_str().unwrap(), "--out", &old_pdf]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = safeserve(&["verify", "--db", &db, &old_pdf, "--json"]);
    assert_eq!(v.status.code(), Some(1), "a superseded document is not valid");
    let json: serde_json::Value = serde_json::from_str(stdout(&v).trim()).unwrap();
    assert_eq!(json["verdict"], "superseded");

    let code = current["verification_code"].as_str().unwrap().to_lowercase();
    assert_eq!(safeserve(&["verify", "--db", &db, "--code", &code]).status.code(), Some(0));
    let unknown = safeserve(&["verify", "--db", &db, "--code", "0000-0000-0000-0000"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stdout(&unknown).contains("查无此文书"), "{}", stdout(&unknown));

    // A visit's id prints its newest signed version; a form never signed is refused.
    let visit = current["id"].as_str().unwrap();
    let wrong = safeserve(&["report", "letter", "--db", &db, "--id", visit, "--out", &out_s]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("不是函告"), "{}", stderr(&wrong));
}

#[test]
fn report_enterprise_file_signs_a_bundle_with_this_laptops_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let files = json_lines(&safeserve(&["documents", "--db", &db, "--form", "enterprise-file", "--json"]));
    let bundled = files[0]["id"].as_str().unwrap().to_owned();
    let out = dir.path().join("file.pdf");
    let out_s = out.to_string_lossy().into_owned();
    let o = safeserve(&["report", "enterprise-file", "--db", &db, "--id", &bundled, "--out", &out_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = text_of(&out);
    assert!(text.contains("一企一档") && text.contains("隐患清单"), "{text}");
    assert!(text.contains("共"), "page numbers across the bundle");
    // A fresh bundle of the same enterprise, signed with the key SAFESERVE_DEVICE_KEY names.
    let visits = json_lines(&safeserve(&["visits", "--db", &db, "--json", "--limit", "200"]));
    let enterprise = visits
        .iter()
        .map(|v| &v["visit"])
        .find(|v| v["target_name"] == files[0]["subject"])
        .expect("the bundled enterprise has visits")["target_id"]
        .as_str()
        .unwrap();
    let key = dir.path().join("device-key");
    let fresh = cli()
        .args(["report", "enterprise-file", "--db", &db, "--id", enterprise, "--out", &out_s])
        .env("SAFESERVE_DEVICE_KEY", &key)
        .output()
        .unwrap();
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));
    assert!(key.is_file(), "the key was made on first use");
    let files = json_lines(&safeserve(&["documents", "--db", &db, "--form", "enterprise-file", "--json"]));
    assert_eq!(files.len(), 2, "the new bundle is kept beside the demo's");
    let v = cli().args(["verify", "--db", &db, &out_s]).env("SAFESERVE_DEVICE_KEY", &key).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    // Another laptop, holding no certificate from the bureau for that key, does not believe it.
    let elsewhere = cli()
        .args(["verify", "--db", &db, &out_s])
        .env("SAFESERVE_DEVICE_KEY", dir.path().join("another-key"))
        .output()
        .unwrap();
    assert_eq!(elsewhere.status.code(), Some(1), "{}", stdout(&elsewhere));
    assert!(stdout(&elsewhere).contains("已被篡改"), "{}", stdout(&elsewhere));
}

/// `safeserve visits --json | head -1`: the reader goes after one line and the program ends
/// quietly, status 0, without a panic on the closed pipe.
#[test]
fn a_reader_that_stops_early_ends_the_program_quietly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut child = cli()
        .args(["visits", "--db", &db, "--json", "--limit", "100000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with('{'), "{first}");
    // The reader is dropped here: the pipe is closed with most of the output unread.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked") && err.is_empty(), "{err}");
    assert_eq!(out.status.code(), Some(0));
}

/// Times are China's, whatever zone the laptop's system is set to: a photo taken in is dated
/// by the clock SafeServe keeps (Asia/Shanghai, +08:00), not by the system's zone.
#[test]
fn a_laptop_set_to_another_zone_still_dates_in_china() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let photo = dir.path().join("no-exif.png");
    image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([(x / 4) as u8, (y / 3) as u8, 60])).save(&photo).unwrap();
    let o = cli()
        .args(["photo", "ingest", "--db", &db, photo.to_str().unwrap(), "--json"])
        .env("TZ", "America/Los_Angeles")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sha = json_lines(&o)[0]["sha256"].as_str().unwrap().to_owned();
    let imported: String = crate::support::open_demo(&db)
        .query_row("SELECT imported_at FROM photos WHERE sha256 = ?1", [&sha], |r| r.get(0))
        .unwrap();
    assert!(imported.ends_with("+08:00"), "dated {imported}");
    let at = chrono::DateTime::parse_from_rfc3339(&imported).unwrap();
    assert!((chrono::Utc::now() - at.to_utc()).num_seconds().abs() < 120, "dated now: {imported}");
}

/// The backup round a person at the terminal makes: check, back up, see the backups, find the
/// database damaged (the error names the backup), restore it after seeing what it holds.
#[test]
fn a_damaged_database_names_its_backup_which_restores_after_showing_what_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let o = safeserve(&["check", "--db", &db, "--full"]);
    assert!(o.status.success() && stdout(&o).contains("数据库完好"), "{}{}", stdout(&o), stderr(&o));
    let o = safeserve(&["backup", "take", "--db", &db]);
    assert!(o.status.success(), "{}", stderr(&o));
    let backup = stdout(&o).trim().rsplit(": ").next().unwrap().to_owned();
    assert!(Path::new(&backup).starts_with(format!("{db}.backups")), "{backup}");
    let o = safeserve(&["backup", "list", "--db", &db, "--json"]);
    let listed = json_lines(&o);
    assert_eq!(listed[0][0]["path"], backup.as_str(), "{listed:?}");
    let visits = listed[0][0]["holding"]["visits"].as_i64().unwrap();
    assert!(visits > 0, "{listed:?}");

    // A bit flipped in the middle of the file: every command refuses it, naming the backup.
    let mut bytes = std::fs::read(&db).unwrap();
    let mid = bytes.len() / 2 + 777;
    bytes[mid] ^= 0x08;
    std::fs::write(&db, &bytes).unwrap();
    let o = safeserve(&["check", "--db", &db]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("已损坏") && stderr(&o).contains(&backup), "{}", stderr(&o));

    let o = safeserve(&["backup", "restore", "--db", &db, "--from", &backup]);
    assert_eq!(o.status.code(), Some(1), "nothing is restored without --yes");
    assert!(stdout(&o).contains(&format!("检查 {visits} 次")), "{}", stdout(&o));
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
    let o = safeserve(&["backup", "restore", "--db", &db, "--from", &backup, "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let aside = stdout(&o).lines().last().unwrap().rsplit(": ").next().unwrap().to_owned();
    assert_eq!(std::fs::read(&aside).unwrap(), bytes, "the damaged file is kept, not deleted");
    let o = safeserve(&["check", "--db", &db, "--full"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `ledger` then `import` of the same file changes nothing; a file that is not a workbook is
/// refused with exit 2; a technician may not import; the template is a workbook.
#[test]
fn registers_go_out_as_a_ledger_and_come_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let ledger = dir.path().join("台账.xlsx").to_string_lossy().into_owned();
    let o = safeserve(&["ledger", "enterprises", "--db", &db, "--to", &ledger, "--within", "330106"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("行"), "{}", stdout(&o));

    let o = safeserve(&["import", "enterprises", &ledger, "--db", &db, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(json["applied"]["new"], 0);
    assert_eq!(json["applied"]["changed"], 0);
    assert!(json["applied"]["unchanged"].as_u64().unwrap() > 10, "{json}");

    // Contracts name their parties by credit code and come back as the same contracts.
    let contracts = dir.path().join("合同台账.xlsx").to_string_lossy().into_owned();
    let o = safeserve(&["ledger", "contracts", "--db", &db, "--to", &contracts]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = safeserve(&["import", "contracts", &contracts, "--db", &db, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!((json["applied"]["new"].as_u64(), json["applied"]["changed"].as_u64()), (Some(0), Some(0)), "{json}");
    assert_eq!(json["applied"]["refused"], 0, "{json}");
    assert!(json["applied"]["unchanged"].as_u64().unwrap() > 10, "{json}");

    let text = dir.path().join("名录.xlsx");
    std::fs::write(&text, "统一社会信用代码,企业名称\n").unwrap();
    let o = safeserve(&["import", "enterprises", text.to_str().unwrap(), "--db", &db]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("这不是 Excel 工作簿"), "{}", stderr(&o));

    let o = cli()
        .env("SAFESERVE_USER", "technician")
        .args(["import", "enterprises", &ledger, "--db", &db])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("维护服务机构和从业人员登记"), "the act refused is named: {}", stderr(&o));

    let template = dir.path().join("模板.xlsx");
    let o = safeserve(&["import-template", "enterprises", "--to", template.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(&std::fs::read(&template).unwrap()[..2], b"PK");
}

#[test]
fn a_checklist_goes_out_as_a_bureaus_sheet_and_its_next_edition_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let sheet = dir.path().join("粉尘检查表.xlsx");
    let o = safeserve(&["template", "sheet", "--db", &db, "dust-explosion", sheet.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("dust-explosion v2"), "the latest edition: {}", stdout(&o));

    // The sheet as written is the edition already held.
    let o = safeserve(&["template", "import", "--db", &db, sheet.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("已存在"), "{}", stdout(&o));

    // The bureau's next edition: one more item, under a new section, version 3.
    let rows = safeserve_sheets::read::first_sheet(sheet.as_path(), 5_000).unwrap();
    let mut next = safeserve_core::import::checklist::read(&rows).unwrap();
    next.version = 3;
    let mut added = next.sections[0].items[0].clone();
    added.code = "DX-NEW-01".into();
    added.text = "粉尘爆炸危险场所设置安全警示标志".into();
    next.sections.push(safeserve_core::checklist::Section { title: "九、警示标志".into(), items: vec![added] });
    let edited = dir.path().join("粉尘检查表（第 3 版）.xlsx");
    std::fs::write(&edited, safeserve_sheets::checklists::checklist_workbook(&next).unwrap()).unwrap();
    let o = safeserve(&["template", "import", "--db", &db, edited.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("已导入") && stdout(&o).contains("dust-explosion v3"), "{}", stdout(&o));
    let held: String = open_demo(&db)
        .query_row("SELECT body FROM templates WHERE key = 'dust-explosion' AND version = 3", [], |r| r.get(0))
        .unwrap();
    assert!(held.contains("DX-NEW-01") && held.contains("九、警示标志"), "{held}");

    // A sheet with a level nobody uses: refused by row and column, nothing stored.
    let mut wrong = next.clone();
    wrong.version = 4;
    let mut bytes_rows = safeserve_core::import::checklist::rows_of(&wrong);
    bytes_rows[5][4] = "较大隐患".into();
    let broken: Vec<(u32, Vec<safeserve_core::import::Cell>)> = bytes_rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i as u32 + 1, r.into_iter().map(safeserve_core::import::Cell::Text).collect()))
        .collect();
    let problems = safeserve_core::import::checklist::read(&broken).unwrap_err();
    assert!(problems[0].zh.contains("第 6 行（E6）") && problems[0].zh.contains("较大隐患"), "{problems:?}");
    let text = dir.path().join("检查表.xlsx");
    std::fs::write(&text, "编号,检查内容\n").unwrap();
    let o = safeserve(&["template", "import", "--db", &db, text.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("不是 Excel 工作簿"), "{}", stderr(&o));
    let editions: i64 = open_demo(&db)
        .query_row("SELECT count(*) FROM templates WHERE key = 'dust-explosion'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(editions, 3, "v1, v2 and the new v3; nothing from the refused files");
}
