//! The `safeserve` binary as a script would use it: real files, exit codes, JSON lines.

use std::path::Path;
use std::process::{Command, Output};

fn safeserve(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safeserve")).args(args).output().expect("run safeserve")
}

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
