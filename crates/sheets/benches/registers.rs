//! Registers through Excel at a bureau's scale, each figure beside its target and beside
//! calamine reading the same sheet whole (the reading alone, with no checks, as the anchor):
//! the preview of 100,000 enterprises, their import (then searched), the ledger of the whole
//! register written out, and a 1,000,000-row sheet refused with the memory it took.
//! Run with `./dev bench` (or `cargo bench -p safeserve-sheets --bench registers`).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use calamine::{open_workbook, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use safeserve_core::audit::Actor;
use safeserve_core::import::ImportKind;
use safeserve_core::{CreditCode, EnterpriseId};
use safeserve_sheets::{ledger, plan, ImportError};
use safeserve_store::views::EnterpriseQuery;
use safeserve_store::Store;
use std::path::Path;
use std::time::Instant;

const ROWS: u32 = 100_000;
const TODAY: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
const HEADER: [&str; 10] = [
    "统一社会信用代码",
    "企业名称",
    "地址",
    "所属乡镇（街道）",
    "行业",
    "企业规模",
    "所在园区",
    "主要负责人",
    "安全管理联系人",
    "联系电话",
];
const INDUSTRIES: [&str; 5] = ["化工", "机械制造", "纺织服装", "食品加工", "仓储物流"];
const SIZES: [&str; 3] = ["微型", "小型", "中型"];

/// The peak resident memory of this process so far, in MB.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// 100,000 new enterprises in Hangzhou's townships, as a clerk's workbook would hold them.
fn write_enterprises(path: &Path, townships: &[String]) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet_with_constant_memory().unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..ROWS {
        let code = CreditCode::complete(&format!("91330199MA{:07}", i)).expect("a code");
        let r = i + 1;
        let row = [
            code.as_str().to_owned(),
            format!("杭州导入测试第{i}号有限公司"),
            format!("某路 {} 号", i % 997),
            townships[i as usize % townships.len()].clone(),
            INDUSTRIES[i as usize % INDUSTRIES.len()].to_owned(),
            SIZES[i as usize % SIZES.len()].to_owned(),
            String::new(),
            format!("负责人{}", i % 1000),
            String::new(),
            format!("138{:08}", i),
        ];
        for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            ws.write_string(r, c as u16, v).unwrap();
        }
    }
    book.save(path).unwrap();
}

const PEOPLE_ROWS: u32 = 10_000;

/// A people workbook of [`PEOPLE_ROWS`] rows: each person a row with their post and a row per
/// certificate (one or two).
fn write_people(path: &Path, agencies: &[String]) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet_with_constant_memory().unwrap();
    for (c, col) in ImportKind::People.columns().iter().enumerate() {
        ws.write_string(0, c as u16, col.header).unwrap();
    }
    let (mut r, mut person) = (1u32, 0u32);
    while r <= PEOPLE_ROWS {
        // Birth dates and sequence numbers from the counter, distinct up to 21,000 people.
        let body =
            format!("33010619{:02}{:02}{:02}{:03}", 70 + person % 30, 1 + person % 12, 1 + person % 28, person % 1000);
        let id = safeserve_core::IdNumber::complete(&body).unwrap();
        let name = format!("导入人员{person}");
        let phone = format!("139{:08}", person);
        let base = [id.expose().to_owned(), name, phone];
        let agency = &agencies[person as usize % agencies.len()];
        let mut rows: Vec<Vec<String>> =
            vec![[&base[..], &[agency.clone(), "专职技术人员".into(), "专职".into()]].concat()];
        for k in 0..1 + person % 2 {
            let mut cert = base.to_vec();
            cert.extend(["", "", "", "", ""].map(String::from));
            cert.extend([
                if k == 0 { "注册安全工程师" } else { "安全评价师" }.to_owned(),
                format!("B{person:07}{k}"),
                "浙江省人力资源和社会保障厅".to_owned(),
                String::new(),
                "中级".to_owned(),
                "2022-06-01".to_owned(),
                "2028-05-31".to_owned(),
            ]);
            rows.push(cert);
        }
        for row in rows.into_iter().take((PEOPLE_ROWS + 1 - r) as usize) {
            for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                ws.write_string(r, c as u16, v).unwrap();
            }
            r += 1;
        }
        person += 1;
    }
    book.save(path).unwrap();
}

fn calamine_whole(path: &Path) -> (f64, usize) {
    let t = Instant::now();
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    (t.elapsed().as_secs_f64(), range.height())
}

fn main() {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("bench.db");
    safeserve_demo::generate(&db, safeserve_demo::DemoSize::Small, safeserve_demo::DEFAULT_SEED, as_of).unwrap();
    let mut store = Store::open(&db).unwrap();
    let townships: Vec<String> =
        store.divisions().unwrap().into_iter().filter(|d| d.parent.is_some()).map(|d| d.code).collect();
    let before = store.counts().unwrap().enterprises;

    let file = tmp.path().join("enterprises.xlsx");
    let t = Instant::now();
    write_enterprises(&file, &townships);
    println!(
        "\n{ROWS} enterprises written to a workbook in {:.1} s ({:.1} MB); the store holds {before} before",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&file).unwrap().len() as f64 / 1e6
    );

    let (anchor, height) = calamine_whole(&file);
    let t = Instant::now();
    let (p, read) = plan(&store, ImportKind::Enterprises, &file, TODAY).unwrap();
    let preview = t.elapsed().as_secs_f64();
    assert_eq!((read.rows, p.counts().new), (ROWS, ROWS), "every row is new: {:?}", p.counts());

    let t = Instant::now();
    let by = Actor { user_id: None, user_name: "bench".into(), role: None };
    let counts = store.apply_enterprise_import(&p, &by, "enterprises.xlsx", "2026-12-05T10:00:00+08:00", || {
        EnterpriseId(uuid::Uuid::now_v7())
    });
    let import = t.elapsed().as_secs_f64();
    assert_eq!(counts.unwrap().new, ROWS);
    let hits =
        store.search_enterprises(&EnterpriseQuery { text: "导入测试第99999号".into(), ..Default::default() }).unwrap();
    assert_eq!(hits.len(), 1, "the last row is searchable");

    let t = Instant::now();
    let (again, _) = plan(&store, ImportKind::Enterprises, &file, TODAY).unwrap();
    let replan = t.elapsed().as_secs_f64();
    assert_eq!(again.counts().unchanged, ROWS);

    let out = tmp.path().join("ledger.xlsx");
    let t = Instant::now();
    let written = ledger(&store, ImportKind::Enterprises, "", &out).unwrap();
    let export = t.elapsed().as_secs_f64();

    println!("{:<58} {:>10} {:>10}", "figure", "SafeServe", "target");
    println!(
        "{:<58} {:>8.2} s {:>10}",
        format!("calamine reading the sheet whole ({height} rows, anchor)"),
        anchor,
        ""
    );
    println!("{:<58} {:>8.2} s {:>10}", format!("preview of {ROWS} new enterprises"), preview, "≤ 20 s");
    println!("{:<58} {:>8.2} s {:>10}", format!("import of {ROWS} (one transaction, searchable)"), import, "≤ 60 s");
    println!("{:<58} {:>8.2} s {:>10}", "preview of the same file again (all unchanged)", replan, "");
    println!("{:<58} {:>8.2} s {:>10}", format!("ledger of the register ({written} rows) to .xlsx"), export, "≤ 10 s");
    println!("{:<58} {:>7.0} MB {:>10}", "peak memory so far", peak_mb(), "");

    // People: 10,000 rows, four new people in ten, each with a post and one or two
    // certificates on rows of their own, at the demo's agencies.
    let agencies: Vec<String> =
        store.search_agencies("", 100, TODAY).unwrap().into_iter().map(|a| a.credit_code).collect();
    let people_file = tmp.path().join("people.xlsx");
    write_people(&people_file, &agencies);
    let t = Instant::now();
    let (p, read) = plan(&store, ImportKind::People, &people_file, TODAY).unwrap();
    let people_preview = t.elapsed().as_secs_f64();
    assert_eq!((read.rows, p.counts().refused), (PEOPLE_ROWS, 0), "{:?}", p.problems().next());
    let t = Instant::now();
    let counts = store.apply_import(&p, &by, "people.xlsx", "2026-12-05T10:00:00+08:00").unwrap();
    let people_import = t.elapsed().as_secs_f64();
    println!(
        "{:<58} {:>8.2} s {:>10}",
        format!("preview of a {PEOPLE_ROWS}-row people file ({} people)", counts.new),
        people_preview,
        "≤ 3 s"
    );
    println!("{:<58} {:>8.2} s {:>10}", "its import, certificates and posts with it", people_import, "");

    // A million-row sheet: refused at the limit, memory bounded.
    let big = tmp.path().join("million.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet_with_constant_memory().unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=1_000_000u32 {
        ws.write_string(r, 0, "91330106MA2B3C4D5D").unwrap();
        ws.write_string(r, 1, "某某有限公司").unwrap();
    }
    book.save(&big).unwrap();
    let t = Instant::now();
    let refused = plan(&store, ImportKind::Enterprises, &big, TODAY);
    let took = t.elapsed().as_secs_f64();
    assert!(matches!(refused, Err(ImportError::Sheet(safeserve_sheets::SheetError::TooManyRows { .. }))));
    println!(
        "{:<58} {:>8.2} s {:>10}",
        format!("1,000,000-row sheet refused at {} rows", safeserve_sheets::MAX_ROWS),
        took,
        ""
    );
    println!("{:<58} {:>7.0} MB {:>10}", "peak memory after it", peak_mb(), "bounded");
}
