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
