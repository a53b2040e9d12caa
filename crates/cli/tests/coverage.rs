//! `safeserve coverage` as a script would use it: the Chinese table, `--json`, `--xlsx`, and a
//! Chinese-first error with exit status 2.

use crate::support::safeserve;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn coverage_prints_a_table_json_and_an_excel_file_of_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").to_string_lossy().into_owned();
    let o = safeserve(&["demo", "--db", &db, "--as-of", "2026-11-23"]);
    assert!(o.status.success(), "demo: {}", text(&o.stderr));

    let xlsx = dir.path().join("覆盖率.xlsx");
    let o = safeserve(&["coverage", "--db", &db, "--date", "2026-11-23", "--xlsx", &xlsx.to_string_lossy()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let table = text(&o.stdout);
    for words in
        ["服务覆盖率", "2026年11月23日", "小微企业园区", "生产型小微企业", "高危企业", "西湖区", "合计", "乡镇街道"]
    {
        assert!(table.contains(words), "{words:?} in:\n{table}");
    }
    let bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx file is a zip");

    let o = safeserve(&["coverage", "--db", &db, "--date", "2026-11-23", "--json", "--within", "330106"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let report: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).expect("one JSON object");
    assert_eq!(report["day"], "2026-11-23");
    assert_eq!(report["rules"]["targets"]["high_risk"], 100);
    let districts = report["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 1);
    assert_eq!(districts[0]["code"], "330106");
    let total = &report["total"]["production_small_micro"];
    assert!(total["total"].as_u64().unwrap() > 0, "{total}");
}

#[test]
fn coverage_errors_in_chinese_first_with_exit_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let o = safeserve(&["coverage", "--db", &missing.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).starts_with("错误："), "{}", text(&o.stderr));
    assert!(!missing.exists(), "coverage never creates a database");

    let db = dir.path().join("demo.db").to_string_lossy().into_owned();
    assert!(safeserve(&["demo", "--db", &db, "--as-of", "2026-11-23"]).status.success());
    let o = safeserve(&["coverage", "--db", &db, "--within", "西湖区"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("区划代码"), "{}", text(&o.stderr));
}
