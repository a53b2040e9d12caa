//! Registers through real workbooks: files written with rust_xlsxwriter (as Excel and WPS write
//! them), read back through calamine into a real SQLite store. The plan writes nothing, the
//! apply writes what had no problem with each change in the audit log, the same file twice
//! changes nothing, a ledger reads back unchanged, and each kind of bad file gets its message.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests: a failure is the test failing, at its line")]

use rust_xlsxwriter::{Format, Workbook};
use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::import::{Cell, ImportKind};
use safeserve_core::sync::Role;
use safeserve_core::EnterpriseId;
use safeserve_sheets::read::{read_register, SheetError, Source};
use safeserve_sheets::{ledger, plan, ImportError};
use safeserve_store::import::RowAction;
use safeserve_store::views::EnterpriseQuery;
use safeserve_store::{OpenOptions, Store};
use std::path::{Path, PathBuf};

const TODAY: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
const NOW: &str = "2026-12-05T10:00:00+08:00";

/// Valid GB 32100 codes (check characters computed).
const CODE_A: &str = "91330106MA2B3C4D5D";
const CODE_B: &str = "91350100M000100Y43";

fn store(dir: &Path) -> Store {
    let mut store =
        Store::open_with(dir.join("t.db"), &OpenOptions { create: true, ..OpenOptions::default() }).unwrap();
    let load = store.bulk_load().unwrap();
    for (code, name, parent) in [
        ("330106", "西湖区", None),
        ("330106109", "转塘街道", Some("330106")),
        ("330110", "余杭区", None),
        ("330110001", "城关镇", Some("330110")),
        ("330122", "桐庐县", None),
        ("330122100", "城关镇", Some("330122")),
    ] {
        load.division(code, name, parent).unwrap();
    }
    load.finish().unwrap();
    store
}

fn clerk() -> Actor {
    Actor { user_id: Some("u1".into()), user_name: "王建国".into(), role: Some(Role::Supervisor) }
}

const HEADER: [&str; 10] = [
    "统一社会信用代码*",
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

/// A workbook with a merged title over the header (as bureaus' ledgers have) and `rows`.
fn workbook(dir: &Path, name: &str, rows: &[[&str; 10]]) -> PathBuf {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.merge_range(0, 0, 0, 9, "西湖区生产经营单位名录（2026年）", &Format::new()).unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 2, c as u16, *v).unwrap();
        }
    }
    let path = dir.join(name);
    book.save(&path).unwrap();
    path
}

fn good_rows() -> Vec<[&'static str; 10]> {
    vec![
        [
            CODE_A,
            "杭州转塘化工有限公司",
            "转塘街道某路 1 号",
            "西湖区转塘街道",
            "化工",
            "小型",
            "",
            "张三",
            "李四",
            "13800000000",
        ],
        // Full-width digits and letters, a full-width space around the name.
        [
            "９１３５０１００Ｍ０００１００Ｙ４３",
            "\u{3000}桐庐某某纺织厂 ",
            "城关镇某街 8 号",
            "桐庐县城关镇",
            "纺织服装",
            "微型",
            "",
            "赵六",
            "",
            "",
        ],
    ]
}

#[test]
fn a_workbook_is_planned_without_writing_then_applied_and_the_same_file_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(dir.path());
    let mut rows = good_rows();
    rows.push(["91330106MA2B3C4D5E", "校验位错了", "某地", "转塘街道", "化工", "小型", "", "某人", "", ""]);
    rows.push([CODE_A, "重复的一行", "某地", "转塘街道", "化工", "小型", "", "某人", "", ""]);
    rows.push(["", "", "", "", "", "", "", "", "", ""]);
    rows.push(["91330106MA2B3C4D5D", "", "某地", "城关镇", "火箭", "巨型", "", "某人", "", ""]);
    let file = workbook(dir.path(), "名录.xlsx", &rows);

    let (p, read) = plan(&store, ImportKind::Enterprises, &file, TODAY).unwrap();
    assert_eq!(read.header.row, 2, "the header is found under the merged title");
    // The desktop sends the file's bytes: the same plan.
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(plan(&store, ImportKind::Enterprises, bytes.as_slice(), TODAY).unwrap().0, p);
    assert_eq!(read.rows, 5, "the blank row is skipped");
    let counts = p.counts();
    assert_eq!((counts.new, counts.changed, counts.unchanged, counts.refused), (2, 0, 0, 3));
    assert!(
        store
            .search_enterprises(&EnterpriseQuery { text: "转塘化工".into(), ..Default::default() })
            .unwrap()
            .is_empty(),
        "the plan writes nothing"
    );
    let problems: Vec<String> = p.problems().map(|q| format!("{}|{}|{}", q.row, q.column, q.message.zh)).collect();
    assert!(problems.iter().any(|q| q.starts_with("5|统一社会信用代码（A 列）|校验位错误，应为 D")), "{problems:#?}");
    assert!(problems.iter().any(|q| q.starts_with("6|统一社会信用代码|与第 3 行的信用代码相同")), "{problems:#?}");
    for (column, says) in [
        ("企业名称（B 列）", "必填"),
        ("所属乡镇（街道）（D 列）", "2 处同名"),
        ("行业（E 列）", "“火箭”不是可选的值"),
        ("企业规模（F 列）", "巨型"),
    ] {
        assert!(
            problems.iter().any(|q| q.starts_with(&format!("8|{column}|")) && q.contains(says)),
            "{column}: {problems:#?}"
        );
    }

    let applied =
        store.apply_enterprise_import(&p, &clerk(), "名录.xlsx", NOW, || EnterpriseId(uuid::Uuid::now_v7())).unwrap();
    assert_eq!((applied.new, applied.refused), (2, 3));
    let found =
        store.search_enterprises(&EnterpriseQuery { text: "桐庐某某纺织厂".into(), ..Default::default() }).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].credit_code.as_str(), found[0].division.as_str()), (CODE_B, "330122100"));

    // The same plan again, and the same file read again: nothing changes.
    let again =
        store.apply_enterprise_import(&p, &clerk(), "名录.xlsx", NOW, || EnterpriseId(uuid::Uuid::now_v7())).unwrap();
    assert_eq!((again.new, again.changed, again.unchanged), (0, 0, 2));
    let (p2, _) = plan(&store, ImportKind::Enterprises, &file, TODAY).unwrap();
    assert_eq!((p2.counts().new, p2.counts().changed, p2.counts().unchanged, p2.counts().refused), (0, 0, 2, 3));
    assert_eq!(store.counts().unwrap().enterprises, 2);

    // A changed row updates the record; the audit log keeps who, when and the old value.
    let mut changed = good_rows();
    changed[0][2] = "转塘街道新路 9 号";
    changed[0][7] = "张三丰";
    let file2 = workbook(dir.path(), "名录-更新.xlsx", &changed);
    let (p3, _) = plan(&store, ImportKind::Enterprises, &file2, TODAY).unwrap();
    let RowAction::Changed { changes } = &p3.rows[0].action else { panic!("{:?}", p3.rows[0]) };
    let shown: Vec<String> = changes.iter().map(|c| format!("{}:{}→{}", c.field, c.old, c.new)).collect();
    assert_eq!(shown, ["地址:转塘街道某路 1 号→转塘街道新路 9 号", "主要负责人:张三→张三丰"]);
    assert_eq!(p3.rows[1].action, RowAction::Unchanged);
    store.apply_enterprise_import(&p3, &clerk(), "名录-更新.xlsx", NOW, || EnterpriseId(uuid::Uuid::now_v7())).unwrap();
    let log = store.audit_log(10).unwrap();
    assert_eq!(log.broken_at, None);
    let change = log.entries.iter().find(|e| e.entry.act == AuditAct::ChangeRegister).expect("a change entry");
    assert_eq!(change.entry.user_name, "王建国");
    assert!(change.entry.subject.contains(CODE_A), "{}", change.entry.subject);
    assert_eq!(change.entry.detail, "地址：转塘街道某路 1 号 → 转塘街道新路 9 号；主要负责人：张三 → 张三丰");
    let imports = log.entries.iter().filter(|e| e.entry.act == AuditAct::ImportRegister).count();
    assert_eq!(imports, 3);
}

#[test]
fn a_ledger_reads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(dir.path());
    let file = workbook(dir.path(), "名录.xlsx", &good_rows());
    let (p, _) = plan(&store, ImportKind::Enterprises, &file, TODAY).unwrap();
    store.apply_enterprise_import(&p, &clerk(), "名录.xlsx", NOW, || EnterpriseId(uuid::Uuid::now_v7())).unwrap();
    let out = dir.path().join("台账.xlsx");
    assert_eq!(ledger(&store, ImportKind::Enterprises, "", &out).unwrap(), 2);
    assert_eq!(ledger(&store, ImportKind::Enterprises, "330122", &dir.path().join("桐庐.xlsx")).unwrap(), 1);
    let (back, read) = plan(&store, ImportKind::Enterprises, &out, TODAY).unwrap();
    assert_eq!(read.header.row, 1);
    assert_eq!((back.counts().unchanged, back.counts().new, back.counts().refused), (2, 0, 0), "{back:#?}");
}

#[test]
fn the_template_names_every_column_and_reads_as_an_empty_register() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let path = dir.path().join("模板.xlsx");
    std::fs::write(&path, safeserve_sheets::write::template(ImportKind::Enterprises).unwrap()).unwrap();
    let (p, read) = plan(&store, ImportKind::Enterprises, &path, TODAY).unwrap();
    assert_eq!((read.sheet.as_str(), read.rows, p.rows.len()), ("生产经营单位", 0, 0));
    // The explanations sheet holds every column with its note and the values it takes.
    let mut notes = Vec::new();
    let mut book: calamine_probe::Book = calamine_probe::open(&path);
    for row in book.rows("填写说明") {
        notes.push(row.join("|"));
    }
    let all = notes.join("\n");
    for h in ["统一社会信用代码", "所属乡镇（街道）", "化工、危化品", "微型、小型、中型、大型"]
    {
        assert!(all.contains(h), "{h} missing from:\n{all}");
    }
}

/// The explanations sheet read with calamine directly (the register reader reads registers).
mod calamine_probe {
    use calamine::{open_workbook, Reader, Xlsx};
    use std::path::Path;

    pub struct Book(Xlsx<std::io::BufReader<std::fs::File>>);

    pub fn open(path: &Path) -> Book {
        Book(open_workbook(path).unwrap())
    }

    impl Book {
        pub fn rows(&mut self, sheet: &str) -> Vec<Vec<String>> {
            let range = self.0.worksheet_range(sheet).unwrap();
            range.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect()
        }
    }
}

/// Why the file at `path` is refused; read from its bytes (as the desktop sends them) it is
/// refused the same.
fn read_error(path: &Path) -> SheetError {
    let read = |s: Source<'_>| read_register::<SheetError>(s, ImportKind::Enterprises, |_, _, _| Ok(()));
    let e = read(Source::File(path)).expect_err("the file must be refused");
    if let Ok(bytes) = std::fs::read(path) {
        let from_bytes = read(Source::Bytes(&bytes)).expect_err("the bytes must be refused");
        assert_eq!(from_bytes.message(), e.message());
    }
    e
}

#[test]
fn files_that_are_not_workbooks_or_are_locked_or_damaged_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("名录.xlsx");
    std::fs::write(&text, "统一社会信用代码,企业名称\n").unwrap();
    let e = read_error(&text);
    assert!(matches!(e, SheetError::NotAWorkbook), "{e:?}");
    assert!(e.message().zh.contains("另存为 .xlsx"));

    let locked = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/password.xlsx");
    let e = read_error(&locked);
    assert!(matches!(e, SheetError::PasswordProtected), "{e:?}");
    assert!(e.message().zh.contains("密码"));

    let whole = std::fs::read(workbook(dir.path(), "整.xlsx", &good_rows())).unwrap();
    let cut = dir.path().join("半.xlsx");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let e = read_error(&cut);
    assert!(matches!(e, SheetError::Damaged { .. }), "{e:?}");
    assert!(e.message().zh.contains("损坏"));

    let e = read_error(&dir.path().join("没有这个文件.xlsx"));
    assert!(matches!(e, SheetError::Io { .. }), "{e:?}");
}

#[test]
fn a_merged_header_is_named_with_its_cells() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    // 企业名称 spread over two columns pushes every header after it one column on.
    ws.write_string(0, 0, "统一社会信用代码").unwrap();
    ws.merge_range(0, 1, 0, 2, "企业名称", &Format::new()).unwrap();
    ws.merge_range(0, 3, 0, 4, "地址及区划", &Format::new()).unwrap();
    let path = dir.path().join("合并.xlsx");
    book.save(&path).unwrap();
    let e = read_error(&path);
    let SheetError::MergedHeader { row, range, .. } = &e else { panic!("{e:?}") };
    assert_eq!((*row, range.as_str()), (1, "B1:C1、D1:E1"));
    assert!(e.message().zh.contains("合并单元格（B1:C1、D1:E1）"), "{}", e.message().zh);
    assert!(e.message().zh.contains("主要负责人"), "the missing columns are named too: {}", e.message().zh);
}

#[test]
fn cells_arrive_as_typed_dates_as_dates_numbers_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(0, 10, "成立日期").unwrap();
    ws.write_number(1, 9, 13800000000.0).unwrap();
    ws.write_number_with_format(1, 10, 45296.0, &Format::new().set_num_format("yyyy-mm-dd")).unwrap();
    ws.write_string(1, 0, CODE_A).unwrap();
    let path = dir.path().join("日期.xlsx");
    book.save(&path).unwrap();
    let mut got = Vec::new();
    read_register::<SheetError>(&path, ImportKind::Enterprises, |_, row, cells| {
        got.push((row, cells.to_vec()));
        Ok(())
    })
    .unwrap();
    assert_eq!(got.len(), 1);
    let (row, cells) = &got[0];
    assert_eq!(*row, 2);
    assert_eq!(cells[9], Cell::Number(13800000000.0));
    assert_eq!(cells[10], Cell::Date(chrono::NaiveDate::from_ymd_opt(2024, 1, 5).unwrap()));
}

#[test]
fn a_sheet_over_the_limit_is_refused_and_nothing_is_planned() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let mut book = Workbook::new();
    let ws = book.add_worksheet_with_constant_memory().unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=safeserve_sheets::MAX_ROWS + 1 {
        ws.write_string(r, 0, CODE_A).unwrap();
    }
    let path = dir.path().join("太大.xlsx");
    book.save(&path).unwrap();
    let e = plan(&store, ImportKind::Enterprises, &path, TODAY).unwrap_err();
    assert!(matches!(e, ImportError::Sheet(SheetError::TooManyRows { .. })), "{e:?}");
    assert!(e.message().zh.contains("未做任何改动"), "{}", e.message().zh);
    assert_eq!(store.counts().unwrap().enterprises, 0);
}

#[test]
fn an_old_xls_workbook_is_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/old-excel.xls");
    let (p, read) = plan(&store, ImportKind::Enterprises, &path, TODAY).unwrap();
    assert_eq!((read.sheet.as_str(), read.header.row, read.rows), ("名录", 2, 1));
    assert_eq!(p.rows[0].action, RowAction::New, "{:?}", p.rows[0]);
    assert_eq!((p.rows[0].row, p.rows[0].key.as_str()), (3, CODE_B));
}

const AGENCY_A: &str = "91330106MA2B3C4D5D";
const AGENCY_B: &str = "91350100M000100Y43";

fn id_number(first17: &str) -> String {
    safeserve_core::IdNumber::complete(first17).unwrap().expose().to_owned()
}

/// A store with two agencies and one person at the first, holding one certificate.
fn people_store(dir: &Path) -> Store {
    use safeserve_core::register::{Agency, Certificate, CertificateKind, Employment, Person, StaffRole};
    use safeserve_core::{AgencyId, DivisionCode, PersonId};
    let mut store = store(dir);
    let load = store.bulk_load().unwrap();
    for (n, code, name) in [(1, AGENCY_A, "杭州安泰安全技术服务有限公司"), (2, AGENCY_B, "杭州衡安检测技术有限公司")]
    {
        let agency = Agency {
            id: AgencyId(uuid::Uuid::from_u128(n)),
            credit_code: code.into(),
            name: name.into(),
            address: "西湖区".into(),
            office_area_m2: 120.0,
            division: DivisionCode::parse("330106").unwrap(),
            service_types: vec![safeserve_core::register::ServiceType::SafetyManagement],
            high_risk_industries: vec![],
            platform_registered: true,
            documents: vec![],
        };
        load.agency(&agency, &Default::default(), NOW).unwrap();
    }
    let person = Person {
        id: PersonId(uuid::Uuid::from_u128(10)),
        id_number: id_number("33010619800101123"),
        name: "王建国".into(),
        phone: "13800000001".into(),
        certificates: vec![Certificate {
            kind: CertificateKind::RegisteredSafetyEngineer,
            number: "ZJ0001".into(),
            issuer: "浙江省人力资源和社会保障厅".into(),
            specialty: None,
            expires_on: chrono::NaiveDate::from_ymd_opt(2028, 1, 9),
            level: None,
            issued_on: None,
        }],
    };
    load.person(&person, NOW).unwrap();
    load.employment(&Employment {
        person: person.id,
        agency: AgencyId(uuid::Uuid::from_u128(1)),
        role: StaffRole::Technician,
        full_time: true,
        started_on: None,
        ended_on: None,
    })
    .unwrap();
    load.finish().unwrap();
    store
}

/// A workbook of register `kind` with the template's header in its first row, then `rows`.
fn register_workbook(dir: &Path, name: &str, kind: ImportKind, rows: &[Vec<&str>]) -> PathBuf {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, col) in kind.columns().iter().enumerate() {
        ws.write_string(0, c as u16, col.header).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let path = dir.join(name);
    book.save(&path).unwrap();
    path
}

#[test]
fn people_come_in_with_their_certificates_and_posts_a_second_full_time_post_is_noted_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = people_store(dir.path());
    let (wang, li) = (id_number("33010619800101123"), id_number("33010619900202234"));
    let bad = format!("{}0", &li[..17]);
    let qian = id_number("33010619950303345");
    #[rustfmt::skip]
    let rows: Vec<Vec<&str>> = vec![
        // 身份证 姓名 电话 机构 身份 专兼职 入职 离职 | 证书类别 编号 发证机关 专业 等级 发证 有效期
        vec![&wang, "王建国", "13800000001", AGENCY_A, "专职技术人员", "专职", "", "", "注册安全工程师", "ZJ0001", "浙江省人力资源和社会保障厅", "", "", "", "2028-01-09"],
        vec![&wang, "王建国", "13800000001", "杭州衡安检测技术有限公司", "专职技术人员", "专职", "2026-01-01"],
        vec![&wang, "王建国", "13800000001", "", "", "", "", "", "安全评价师", "PJ0002", "人社部", "", "二级", "2024-05-01", ""],
        vec![&li, "李四", "13800000002", AGENCY_A, "兼职人员", "", "", "", "注册安全工程师", "ZJ0001", "浙江省人力资源和社会保障厅"],
        vec![&bad, "赵五", "13800000003"],
        vec![&qian, "钱六", "13800000004", "没有这家机构"],
    ];
    let file = register_workbook(dir.path(), "人员.xlsx", ImportKind::People, &rows);
    let (p, read) = plan(&store, ImportKind::People, &file, TODAY).unwrap();
    assert_eq!(read.rows, 6);
    let c = p.counts();
    assert_eq!((c.new, c.changed, c.unchanged, c.refused), (1, 1, 0, 2), "{p:#?}");
    let shown = serde_json::to_string(&p).unwrap();
    assert!(!shown.contains(&wang) && !shown.contains(&li), "no whole ID number in the preview");
    let wang_row = &p.rows[0];
    assert_eq!((wang_row.row, wang_row.key.as_str()), (2, "330106********1234".replace("1234", &wang[14..]).as_str()));
    let RowAction::Changed { changes } = &wang_row.action else { panic!("{wang_row:?}") };
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["证书 PJ0002（安全评价师）", "任职 杭州衡安检测技术有限公司"]);
    assert!(
        wang_row
            .notes
            .iter()
            .any(|n| n.message.zh.contains("同时为杭州安泰安全技术服务有限公司、杭州衡安检测技术有限公司的专职人员")),
        "{:?}",
        wang_row.notes
    );
    let li_row = p.rows.iter().find(|r| r.name == "李四").unwrap();
    assert_eq!(li_row.action, RowAction::New);
    assert!(li_row.notes.iter().any(|n| n.message.zh.contains("证书 ZJ0001 也登记在王建国名下")), "{:?}", li_row.notes);
    let problems: Vec<String> = p.problems().map(|q| format!("{}|{}|{}", q.row, q.column, q.message.zh)).collect();
    assert!(problems.iter().any(|q| q.starts_with("6|身份证号码（A 列）|")), "{problems:#?}");
    assert!(
        problems.iter().any(|q| q.starts_with("7|所属服务机构（D 列）|服务机构“没有这家机构”尚未登记")),
        "{problems:#?}"
    );

    let applied = store.apply_import(&p, &clerk(), "人员.xlsx", NOW).unwrap();
    assert_eq!((applied.new, applied.changed, applied.refused), (1, 1, 2));
    let wang_now = &store.search_people("王建国", 5, TODAY).unwrap()[0];
    assert_eq!((wang_now.certificates.len(), wang_now.employments.len()), (2, 2));
    let agency = store.agency_detail(safeserve_core::AgencyId(uuid::Uuid::from_u128(1)), TODAY).unwrap();
    assert!(
        agency
            .unmet
            .iter()
            .flat_map(|u| &u.evidence)
            .any(|e| e.starts_with("王建国：同时为杭州衡安检测技术有限公司的专职人员")),
        "R1 names the shared person: {:?}",
        agency.unmet
    );
    let log = store.audit_log(10).unwrap();
    let change = log.entries.iter().find(|e| e.entry.act == AuditAct::ChangeRegister).unwrap();
    assert!(
        change.entry.subject.contains("********") && !change.entry.subject.contains(&wang),
        "{}",
        change.entry.subject
    );

    // Twice changes nothing; the ledger (masked numbers) reads back as the register unchanged.
    let again = store.apply_import(&p, &clerk(), "人员.xlsx", NOW).unwrap();
    assert_eq!((again.new, again.changed, again.unchanged), (0, 0, 2));
    let out = dir.path().join("人员台账.xlsx");
    assert_eq!(
        ledger(&store, ImportKind::People, "", &out).unwrap(),
        3,
        "王建国 on two rows (two certificates, two posts), 李四 on one"
    );
    let mut numbers = Vec::new();
    read_register::<SheetError>(&out, ImportKind::People, |h, _, cells| {
        numbers.push(h.cell_text("id_number", cells).unwrap_or_default());
        Ok(())
    })
    .unwrap();
    assert!(numbers.iter().all(|n| n.contains("********")), "the ledger masks ID numbers: {numbers:?}");
    let (back, _) = plan(&store, ImportKind::People, &out, TODAY).unwrap();
    let c = back.counts();
    assert_eq!((c.new, c.changed, c.unchanged, c.refused), (0, 0, 2, 0), "{back:#?}");
}

#[test]
fn agencies_come_in_with_what_r1_asks_and_their_reference_fees_and_go_out_as_a_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = people_store(dir.path());
    let new_code = safeserve_core::CreditCode::complete("91330122MA2HNT8K1").unwrap().as_str().to_owned();
    let other_code = safeserve_core::CreditCode::complete("91330122MA2HNT8K2").unwrap().as_str().to_owned();
    #[rustfmt::skip]
    let rows: Vec<Vec<&str>> = vec![
        // 代码 名称 地址 面积 区划 服务类型 高危行业 省平台 管理文件 | 收费 ×4
        vec![AGENCY_A, "杭州安泰安全技术服务有限公司", "西湖区", "150", "西湖区", "安全管理服务、专业技术服务", "化工", "是", "内部管理制度、服务规范与程序", "30000", "50000"],
        vec![&new_code, "桐庐新安安全技术服务有限公司", "城关镇某路 2 号", "８０", "桐庐县城关镇", "宣传教育服务", "", "否", ""],
        vec![&other_code, "有问题的机构", "某地", "一百", "西湖区", "修车", "机械制造", "也许", ""],
    ];
    let file = register_workbook(dir.path(), "机构.xlsx", ImportKind::Agencies, &rows);
    let (p, _) = plan(&store, ImportKind::Agencies, &file, TODAY).unwrap();
    let c = p.counts();
    assert_eq!((c.new, c.changed, c.unchanged, c.refused), (1, 1, 0, 1), "{p:#?}");
    let RowAction::Changed { changes } = &p.rows[0].action else { panic!("{:?}", p.rows[0]) };
    let shown: Vec<String> = changes.iter().map(|c| format!("{}: {} → {}", c.field, c.old, c.new)).collect();
    for expected in [
        "办公面积（平方米）: 120 → 150",
        "服务类型: 安全管理服务 → 安全管理服务、专业技术服务",
        "参考收费：安全管理服务（元/年）:  → 30000",
    ] {
        assert!(shown.iter().any(|s| s == expected), "{expected}: {shown:#?}");
    }
    let problems: Vec<String> = p.problems().map(|q| format!("{}|{}", q.column, q.message.zh)).collect();
    for (column, says) in [
        ("办公面积（平方米）（D 列）", "“一百”不是数字"),
        ("服务类型（F 列）", "“修车”不是可选的值"),
        ("服务的高危行业（G 列）", "不是高危行业"),
        ("已在省平台登记（H 列）", "应为“是”或“否”"),
    ] {
        assert!(problems.iter().any(|q| q.starts_with(column) && q.contains(says)), "{column}: {problems:#?}");
    }

    let applied = store.apply_import(&p, &clerk(), "机构.xlsx", NOW).unwrap();
    assert_eq!((applied.new, applied.changed, applied.refused), (1, 1, 1));
    let a = store.agency_detail(safeserve_core::AgencyId(uuid::Uuid::from_u128(1)), TODAY).unwrap();
    assert_eq!(a.office_area_m2, 150.0);
    let again = store.apply_import(&p, &clerk(), "机构.xlsx", NOW).unwrap();
    assert_eq!((again.new, again.changed, again.unchanged), (0, 0, 2));

    let out = dir.path().join("机构台账.xlsx");
    assert_eq!(ledger(&store, ImportKind::Agencies, "", &out).unwrap(), 3);
    let (back, _) = plan(&store, ImportKind::Agencies, &out, TODAY).unwrap();
    let c = back.counts();
    assert_eq!((c.new, c.changed, c.unchanged, c.refused), (0, 0, 3, 0), "{back:#?}");
}

/// A store with two agencies (the first publishing a reference fee), two enterprises and one
/// contract between the first agency and the first enterprise.
fn contracts_store(dir: &Path) -> (Store, [String; 2]) {
    use safeserve_core::register::{Agency, Contract, Enterprise, EnterpriseSize, Industry, ServiceType};
    use safeserve_core::{AgencyId, ContractId, DivisionCode, EnterpriseId};
    let mut store = store(dir);
    let codes = ["91330106MA2B3C4D6", "91330106MA2B3C4D7"]
        .map(|c| safeserve_core::CreditCode::complete(c).unwrap().as_str().to_owned());
    let load = store.bulk_load().unwrap();
    for (n, code, name) in [(1, AGENCY_A, "杭州安泰安全技术服务有限公司"), (2, AGENCY_B, "杭州衡安检测技术有限公司")]
    {
        let agency = Agency {
            id: AgencyId(uuid::Uuid::from_u128(n)),
            credit_code: code.into(),
            name: name.into(),
            address: "西湖区".into(),
            office_area_m2: 120.0,
            division: DivisionCode::parse("330106").unwrap(),
            service_types: vec![ServiceType::SafetyManagement],
            high_risk_industries: vec![],
            platform_registered: true,
            documents: vec![],
        };
        let fees = [(ServiceType::SafetyManagement, 3_000_000)].into_iter().collect();
        load.agency(&agency, &fees, NOW).unwrap();
    }
    for (n, code, name) in [(21, &codes[0], "杭州某某化工有限公司"), (22, &codes[1], "杭州某某机械有限公司")]
    {
        let e = Enterprise {
            id: EnterpriseId(uuid::Uuid::from_u128(n)),
            credit_code: code.clone(),
            name: name.into(),
            address: "转塘街道某路 1 号".into(),
            division: DivisionCode::parse("330106109").unwrap(),
            industry: Industry::Chemical,
            size: EnterpriseSize::Small,
            park: None,
            principal: "张三".into(),
            safety_contact: String::new(),
            phone: String::new(),
        };
        load.enterprise(&e, NOW).unwrap();
    }
    let held = Contract {
        id: ContractId(uuid::Uuid::from_u128(31)),
        agency: AgencyId(uuid::Uuid::from_u128(1)),
        enterprise: EnterpriseId(uuid::Uuid::from_u128(21)),
        service_types: vec![ServiceType::SafetyManagement],
        content: "隐患排查".into(),
        visits_per_year: 4,
        starts_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        ends_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        fee_fen: 2_000_000,
        acceptance_standard: "逐项验收".into(),
        filed: false,
        government_commissioned: false,
    };
    load.contract(&held, &Default::default(), NOW).unwrap();
    load.finish().unwrap();
    (store, codes)
}

#[test]
fn contracts_come_in_between_registered_parties_and_meet_the_same_bars_as_one_typed_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, [e1, e2]) = contracts_store(dir.path());
    let unknown = safeserve_core::CreditCode::complete("91330106MA2B3C4D8").unwrap().as_str().to_owned();
    #[rustfmt::skip]
    let rows: Vec<Vec<&str>> = vec![
        // 机构代码 机构名 企业代码 企业名 服务类型 内容 次数 起 止 金额 验收标准 报备 报备日 政府委托
        vec![AGENCY_A, "杭州安泰安全技术服务有限公司", &e1, "", "安全管理服务", "隐患排查", "6", "2026-01-01", "2026-12-31", "20000", "逐项验收"],
        vec![AGENCY_A, "安泰公司", &e2, "", "安全管理服务", "隐患排查", "4", "2026/3/1", "2027/2/28", "5000", "", "转塘街道", "2026-03-02"],
        vec![&unknown, "", &e2, "", "安全管理服务", "隐患排查", "4", "2026-01-01", "2026-12-31", "20000"],
        vec![AGENCY_A, "", &e2, "", "安全管理服务", "隐患排查", "4", "2026-03-01", "2027-02-28", "5000"],
        vec![AGENCY_A, "", &e1, "", "安全管理服务", "政府购买服务检查", "1", "2026-06-01", "2026-06-30", "3000", "", "", "", "是"],
        vec![AGENCY_B, "", &e1, "", "安全管理服务", "隐患排查", "4", "2027年1月1日", "2027-12-31", "20000"],
    ];
    let file = register_workbook(dir.path(), "合同.xlsx", ImportKind::Contracts, &rows);
    let (p, _) = plan(&store, ImportKind::Contracts, &file, TODAY).unwrap();
    let c = p.counts();
    assert_eq!((c.new, c.changed, c.unchanged, c.refused), (2, 1, 0, 3), "{p:#?}");
    let RowAction::Changed { changes } = &p.rows[0].action else { panic!("{:?}", p.rows[0]) };
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(
        (changes[0].field.as_str(), changes[0].old.as_str(), changes[0].new.as_str()),
        ("每年服务次数", "4", "6")
    );
    // R2 and the typed name are notes on the new contract, not refusals.
    let notes: Vec<&str> = p.rows[1].notes.iter().map(|n| n.message.zh.as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("“安泰公司”与登记的“杭州安泰安全技术服务有限公司”不同")), "{notes:#?}");
    assert!(notes.iter().any(|n| n.contains("疑似低价竞争")), "{notes:#?}");
    let problems: Vec<String> = p.problems().map(|q| format!("{}|{}", q.column, q.message.zh)).collect();
    for (column, says) in [
        ("服务机构信用代码（A 列）", "未登记"),
        ("服务起始日期（H 列）", "与第 3 行是同一份合同"),
        ("政府委托（N 列）", "交叉服务"),
    ] {
        assert!(problems.iter().any(|q| q.starts_with(column) && q.contains(says)), "{column} {says}: {problems:#?}");
    }

    // The bureau removes the second agency from the platform before the clerk confirms: its
    // new contract is refused at apply too, and nothing else of the file is lost.
    let removal = safeserve_core::standing::NewAgencyAct {
        agency_id: uuid::Uuid::from_u128(2).to_string(),
        kind: safeserve_core::standing::AgencyActKind::PlatformRemoval,
        county: None,
        note: "严重失信，移除系统平台".into(),
        decided_by: "西湖区应急管理局".into(),
        decided_on: "2026-12-04".into(),
    };
    store.record_agency_act(&removal, uuid::Uuid::now_v7(), TODAY, NOW).unwrap();
    let applied = store.apply_import(&p, &clerk(), "合同.xlsx", NOW).unwrap();
    assert_eq!((applied.new, applied.changed, applied.refused), (1, 1, 4), "{applied:?}");
    let (again, _) = plan(&store, ImportKind::Contracts, &file, TODAY).unwrap();
    let c = again.counts();
    assert_eq!((c.new, c.changed, c.unchanged, c.refused), (0, 0, 2, 4), "{again:#?}");
    let removed = &again.rows[5];
    assert!(
        matches!(&removed.action, RowAction::Refused { problems } if problems[0].message.zh.contains("移除")),
        "{removed:?}"
    );

    let out = dir.path().join("合同台账.xlsx");
    assert_eq!(ledger(&store, ImportKind::Contracts, "", &out).unwrap(), 2);
    let (back, _) = plan(&store, ImportKind::Contracts, &out, TODAY).unwrap();
    let c = back.counts();
    assert_eq!((c.new, c.changed, c.unchanged, c.refused), (0, 0, 2, 0), "{back:#?}");
    assert_eq!(ledger(&store, ImportKind::Contracts, "330110", &out).unwrap(), 0, "no contract in 余杭区");
}

/// Rows of the first sheet of `path` below its header, as text.
fn sheet_rows(path: &Path) -> Vec<Vec<String>> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range.rows().skip(1).map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

#[test]
fn visits_and_hazards_go_out_as_the_screen_filters_them() {
    use safeserve_core::records::{RecordFilter, RecordKind, HAZARD_COLUMNS, VISIT_COLUMNS};
    use safeserve_core::visit::VisitKind;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    safeserve_demo::generate(&db, safeserve_demo::DemoSize::Small, safeserve_demo::DEFAULT_SEED, TODAY).unwrap();
    let store = Store::open(&db).unwrap();
    let everything = store.find_visits(&RecordFilter::default().check().unwrap(), 10).unwrap();
    assert_eq!(everything.visits.len(), 10);

    let filter = RecordFilter {
        from: Some("2026-03-01".into()),
        to: Some("2026-11-30".into()),
        within: Some("330106".into()),
        kind: Some(VisitKind::Service),
        major_only: true,
    }
    .check()
    .unwrap();
    let page = store.find_visits(&filter, 100_000).unwrap();
    assert!(page.total > 0 && page.total < everything.total, "{} of {}", page.total, everything.total);
    assert_eq!(page.visits.len() as u32, page.total);
    for v in &page.visits {
        assert!(("2026-03-01".."2026-12-01").contains(&&v.started_at[..10]), "{}", v.started_at);
        assert!(v.kind == VisitKind::Service && v.hazards_major > 0, "{v:?}");
    }
    // The hazard count the screen shows is the sum of the listed visits' major hazards.
    assert_eq!(page.hazards, page.visits.iter().map(|v| v.hazards_major).sum::<u32>());

    let visits = dir.path().join("检查记录台账.xlsx");
    assert_eq!(safeserve_sheets::records(&store, RecordKind::Visits, &filter, TODAY, &visits).unwrap(), page.total);
    let rows = sheet_rows(&visits);
    assert_eq!(rows.len() as u32, page.total);
    let col = |name: &str| VISIT_COLUMNS.iter().position(|c| *c == name).unwrap();
    for r in &rows {
        assert!(r[col("所在区划")].starts_with("西湖区"), "{r:?}");
        assert_eq!(r[col("检查类别")], "技术服务");
        assert_ne!(r[col("重大隐患（项）")], "0");
    }

    let hazards = dir.path().join("隐患台账.xlsx");
    assert_eq!(safeserve_sheets::records(&store, RecordKind::Hazards, &filter, TODAY, &hazards).unwrap(), page.hazards);
    let rows = sheet_rows(&hazards);
    let col = |name: &str| HAZARD_COLUMNS.iter().position(|c| *c == name).unwrap();
    assert!(rows.iter().all(|r| r[col("等级")] == "重大隐患" && !r[col("整改状态")].is_empty()), "{rows:#?}");
}
