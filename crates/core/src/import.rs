//! Registers from Excel workbooks (导入): the columns each register's workbook has, its cells
//! read the way a bureau's clerk typed them (full-width digits, stray spaces, dates as Excel
//! serial numbers or as text, codes Excel turned into numbers), and every problem of a row
//! named by its row and column, in Chinese first. Reading the file is `safeserve-sheets`';
//! comparing with the register and writing is the store's.

use crate::codes::CreditCode;
use crate::division::DivisionCode;
use crate::ids::EnterpriseId;
use crate::labels::{labelled_enum, Labelled};
use crate::message::Message;
use crate::register::{Enterprise, EnterpriseSize, Industry};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

labelled_enum! {
    /// A register a workbook fills.
    ImportKind {
        Enterprises = "enterprises", "生产经营单位", "Enterprises";
        People = "people", "从业人员", "People";
        Agencies = "agencies", "服务机构", "Agencies";
        Contracts = "contracts", "服务合同", "Contracts";
    }
}

pub mod agencies;
pub mod checklist;
pub mod contracts;
pub mod people;

impl ImportKind {
    /// The columns of this register's workbook, in the template's order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Enterprises => &ENTERPRISE_COLUMNS,
            ImportKind::People => &people::PEOPLE_COLUMNS,
            ImportKind::Agencies => &agencies::AGENCY_COLUMNS,
            ImportKind::Contracts => &contracts::CONTRACT_COLUMNS,
        }
    }
}

/// A cell's value as the workbook holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell formatted as a date (its time of day, if any, left out).
    Date(NaiveDate),
    Bool(bool),
    /// A formula's error value, e.g. `#N/A`.
    Error(String),
}

/// One column of a register's workbook, with what the template says of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub header: &'static str,
    /// Other headers bureaus' own ledgers use for the same column.
    pub aliases: &'static [&'static str],
    pub required: bool,
    pub note: &'static str,
    pub example: &'static str,
}

impl Column {
    /// The values the column takes, where it takes only some: the template lists them and
    /// offers them in a drop-down.
    pub fn choices(&self) -> Vec<&'static str> {
        fn zh<T: Labelled>() -> Vec<&'static str> {
            T::VARIANTS.iter().map(|v| v.label_zh()).collect()
        }
        match self.key {
            "industry" => zh::<Industry>(),
            "size" => zh::<EnterpriseSize>(),
            "role" => zh::<crate::register::StaffRole>(),
            "full_time" => vec!["专职", "兼职"],
            "cert_kind" => zh::<crate::register::CertificateKind>(),
            "platform_registered" | "government_commissioned" => vec!["是", "否"],
            _ => Vec::new(),
        }
    }

    /// A code made of digits that Excel must keep as text (or it drops leading zeros and,
    /// past 15 digits, the last ones).
    pub fn is_code(&self) -> bool {
        matches!(
            self.key,
            "credit_code" | "agency_code" | "enterprise_code" | "division" | "phone" | "id_number" | "cert_number"
        )
    }
}

const fn column(
    key: &'static str,
    header: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    note: &'static str,
    example: &'static str,
) -> Column {
    Column { key, header, aliases, required, note, example }
}

pub const ENTERPRISE_COLUMNS: [Column; 10] = [
    column(
        "credit_code",
        "统一社会信用代码",
        &["信用代码", "社会信用代码"],
        true,
        "18 位，含校验位；请把此列设为文本，以免 Excel 把数字改成科学计数",
        "91330106MA2B3C4D5D",
    ),
    column("name", "企业名称", &["单位名称", "生产经营单位名称"], true, "营业执照上的全称", "杭州某某化工有限公司"),
    column(
        "address",
        "地址",
        &["详细地址", "经营地址", "注册地址"],
        true,
        "生产经营场所地址",
        "西湖区转塘街道某某路 1 号",
    ),
    column(
        "division",
        "所属乡镇（街道）",
        &["乡镇（街道）", "所属街道", "行政区划", "行政区划代码"],
        true,
        "9 位乡镇（街道）代码或 6 位区县代码（GB/T 2260），或名称，如“转塘街道”“西湖区转塘街道”",
        "西湖区转塘街道",
    ),
    column("industry", "行业", &["所属行业", "行业类别"], true, "", "化工"),
    column("size", "企业规模", &["规模"], true, "", "小型"),
    column("park", "所在园区", &["园区"], false, "不在园区的留空", ""),
    column("principal", "主要负责人", &["法定代表人", "负责人"], true, "在隐患清单上签字的人", "张三"),
    column("safety_contact", "安全管理联系人", &["安全联系人", "安全管理人员"], false, "", "李四"),
    column("phone", "联系电话", &["电话", "手机"], false, "", "13800000000"),
];

/// A problem with a cell, a row or the sheet: where, and what in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RowProblem {
    /// The row as Excel numbers it (from 1).
    pub row: u32,
    /// The column's header as the template names it; empty for the whole row.
    pub column: String,
    pub message: Message,
}

/// One field a row changes in a registered record, as the ledger shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldChange {
    /// The column's header.
    pub field: String,
    pub old: String,
    pub new: String,
}

/// Where each of a register's columns sits in the sheet, found from its header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    kind: ImportKind,
    /// The row the header is on (from 1).
    pub row: u32,
    positions: Vec<Option<usize>>,
}

/// How many rows from the top a header may sit below a title.
pub const HEADER_SEARCH_ROWS: usize = 10;

/// A header cell or column name with what does not tell columns apart taken out: spaces of
/// every width, line breaks, the asterisk that marks a required column, "（必填）", and
/// full-width brackets written as half-width ones.
fn header_key(text: &str) -> String {
    let mut s: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊'))
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect();
    for tail in ["（必填）", "（选填）"] {
        if let Some(stripped) = s.strip_suffix(tail) {
            s = stripped.to_owned();
        }
    }
    s
}

impl Header {
    /// The header among the first rows of a sheet: the first row that names every required
    /// column. A sheet whose rows name none gets the message for its best row.
    pub fn find(kind: ImportKind, rows: &[(u32, Vec<Cell>)]) -> Result<Header, Message> {
        let mut best: Option<(usize, Vec<&'static str>)> = None;
        for (row, cells) in rows.iter().take(HEADER_SEARCH_ROWS) {
            let header = Header::read(kind, *row, cells)?;
            let missing = header.missing();
            if missing.is_empty() {
                return Ok(header);
            }
            let found = kind.columns().len() - missing.len() - header.optional_missing();
            if best.as_ref().is_none_or(|(f, _)| found > *f) {
                best = Some((found, missing));
            }
        }
        let missing = best.map(|(_, m)| m).unwrap_or_else(|| required_headers(kind));
        Err(Message::new(
            format!(
                "找不到{}表的表头：缺少“{}”列（表头应在前 {HEADER_SEARCH_ROWS} 行之内，可下载导入模板对照）",
                kind.label_zh(),
                missing.join("”“")
            ),
            format!(
                "No header for {} found: missing the column(s) {} (the header must be within the first {HEADER_SEARCH_ROWS} rows; the import template shows it)",
                kind.label_en().to_lowercase(),
                missing.join(", ")
            ),
        ))
    }

    fn read(kind: ImportKind, row: u32, cells: &[Cell]) -> Result<Header, Message> {
        let keys: Vec<String> = cells.iter().map(|c| header_key(&text(c))).collect();
        let mut positions = Vec::with_capacity(kind.columns().len());
        for col in kind.columns() {
            let names: Vec<String> =
                std::iter::once(col.header).chain(col.aliases.iter().copied()).map(header_key).collect();
            let hits: Vec<usize> = keys.iter().enumerate().filter(|(_, k)| names.contains(k)).map(|(i, _)| i).collect();
            if hits.len() > 1 {
                let letters: Vec<String> = hits.iter().map(|&i| column_letter(i)).collect();
                return Err(Message::new(
                    format!("第 {row} 行的表头有两列都是“{}”（{} 列），请只留一列", col.header, letters.join("、")),
                    format!("Row {row} has the column {} twice ({}); keep one", col.header, letters.join(", ")),
                ));
            }
            positions.push(hits.first().copied());
        }
        Ok(Header { kind, row, positions })
    }

    fn missing(&self) -> Vec<&'static str> {
        self.kind
            .columns()
            .iter()
            .zip(&self.positions)
            .filter(|(c, p)| c.required && p.is_none())
            .map(|(c, _)| c.header)
            .collect()
    }

    fn optional_missing(&self) -> usize {
        self.kind.columns().iter().zip(&self.positions).filter(|(c, p)| !c.required && p.is_none()).count()
    }

    /// Whether the sheet has the column at all (an absent optional column leaves the
    /// register's value alone; an empty cell in a present column clears it).
    pub fn has(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The text of column `key` in a row, where the sheet has that column.
    pub fn cell_text(&self, key: &str, cells: &[Cell]) -> Option<String> {
        self.position(key).map(|i| cells.get(i).map(text).unwrap_or_default())
    }

    fn position(&self, key: &str) -> Option<usize> {
        let i = self.kind.columns().iter().position(|c| c.key == key)?;
        self.positions[i]
    }

    /// A problem with column `key` of row `row`, the column named with its letter.
    pub fn problem_at(&self, key: &str, row: u32, message: Message) -> RowProblem {
        let letter = self.position(key).map(column_letter).unwrap_or_default();
        RowProblem { row, column: format!("{}（{letter} 列）", self.column(key).header), message }
    }

    fn column(&self, key: &str) -> &'static Column {
        #[expect(clippy::expect_used, reason = "every key asked for is one of the kind's columns")]
        self.kind.columns().iter().find(|c| c.key == key).expect("a column of this kind")
    }
}

fn required_headers(kind: ImportKind) -> Vec<&'static str> {
    kind.columns().iter().filter(|c| c.required).map(|c| c.header).collect()
}

/// Excel's column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// A cell as text, the way it reads on screen: surrounding spaces of every width gone,
/// whole numbers without a decimal point, dates as 2024-01-05.
pub fn text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').to_owned(),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Cell::Error(e) => e.clone(),
    }
}

/// Full-width digits, letters and spaces (as Chinese input methods type them) as ASCII.
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// A code (credit code, division code, phone): half-width, no spaces anywhere. A code Excel
/// stored as a number with more digits than a double holds has lost its last digits — the
/// message says so instead of a check-digit error nobody could explain.
pub fn code(cell: &Cell) -> Result<String, Message> {
    if let Cell::Number(n) = cell {
        if n.abs() >= 1e15 {
            return Err(Message::new(
                "此格被 Excel 存成了数字，末几位已经丢失：请把这一列设为“文本”后重新填写",
                "Excel stored this cell as a number and its last digits are lost: format the column as text and type it again",
            ));
        }
    }
    if let Cell::Error(e) = cell {
        return Err(formula_error(e));
    }
    Ok(half_width(&text(cell)).chars().filter(|c| !c.is_whitespace()).collect())
}

fn formula_error(e: &str) -> Message {
    Message::new(format!("此格是公式错误 {e}"), format!("The cell holds the formula error {e}"))
}

/// Excel's serial day (1900 date system, with its phantom 1900-02-29) as a date.
pub fn serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Serial 60 is 1900-02-29, which never was; from 61 on, day 0 is 1899-12-30.
    let base = NaiveDate::from_ymd_opt(1899, 12, if days < 61 { 31 } else { 30 })?;
    base.checked_add_signed(Duration::days(days))
}

/// A date typed into a cell: a date cell, an Excel serial number, or text such as
/// 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日 or 20240105. Empty is `None`.
pub fn date(cell: &Cell) -> Result<Option<NaiveDate>, Message> {
    let bad = |shown: &str| {
        Message::new(
            format!("无法识别的日期“{shown}”，请写成 2024-01-05 这样的形式"),
            format!("Cannot read the date {shown:?}; write it as 2024-01-05"),
        )
    };
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Number(n) => serial_date(*n).map(Some).ok_or_else(|| bad(&text(cell))),
        Cell::Error(e) => Err(formula_error(e)),
        Cell::Bool(_) => Err(bad(&text(cell))),
        Cell::Text(_) => {
            let t = half_width(&text(cell));
            if t.is_empty() {
                return Ok(None);
            }
            let t = t.trim_end_matches('日');
            let unified: String =
                t.chars().map(|c| if matches!(c, '年' | '月' | '/' | '.') { '-' } else { c }).collect();
            let parsed = if unified.len() == 8 && unified.bytes().all(|b| b.is_ascii_digit()) {
                NaiveDate::parse_from_str(&unified, "%Y%m%d")
            } else {
                NaiveDate::parse_from_str(&unified, "%Y-%m-%d")
            };
            parsed.map(Some).map_err(|_| bad(t))
        }
    }
}

/// A labelled value (行业, 企业规模…) by its Chinese label as the forms print it, or its key.
pub fn label<T: Labelled>(cell: &Cell) -> Result<T, Message> {
    let t = text(cell);
    T::VARIANTS.iter().copied().find(|v| v.label_zh() == t || v.key() == t).ok_or_else(|| {
        let zh: Vec<&str> = T::VARIANTS.iter().map(|v| v.label_zh()).collect();
        let en: Vec<&str> = T::VARIANTS.iter().map(|v| v.label_en()).collect();
        Message::new(
            format!("“{t}”不是可选的值，应为：{}", zh.join("、")),
            format!("{t:?} is not one of: {}", en.join(", ")),
        )
    })
}

/// Several labels in one cell, separated as clerks separate them (、，, ; / and spaces).
pub(crate) fn labels<T: Labelled + PartialEq>(cell: &Cell) -> Result<Vec<T>, Message> {
    let whole = text(cell);
    let mut out = Vec::new();
    for part in whole.split(['、', '，', ',', '；', ';', '/', ' ', '\n']).filter(|p| !p.is_empty()) {
        let v = label::<T>(&Cell::Text(part.to_owned()))?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// 是 or 否.
pub(crate) fn yes_no(cell: &Cell) -> Result<bool, Message> {
    match cell {
        Cell::Bool(b) => Ok(*b),
        Cell::Error(e) => Err(formula_error(e)),
        c => match text(c).as_str() {
            "是" | "已登记" | "Y" | "y" | "1" => Ok(true),
            "否" | "未登记" | "N" | "n" | "0" => Ok(false),
            "" => Err(empty_required()),
            other => Err(Message::new(format!("“{other}”应为“是”或“否”"), format!("{other:?} should be 是 or 否"))),
        },
    }
}

/// A non-negative number, as a cell or as text ("120", "120.5", "１２０").
pub(crate) fn amount(cell: &Cell) -> Result<Option<f64>, Message> {
    let bad = |t: &str| Message::new(format!("“{t}”不是数字"), format!("{t:?} is not a number"));
    let n = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => *n,
        Cell::Error(e) => return Err(formula_error(e)),
        c => {
            let t = code(c)?.replace(',', "");
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<f64>().map_err(|_| bad(&text(c)))?
        }
    };
    if !n.is_finite() || n < 0.0 {
        return Err(bad(&text(cell)));
    }
    Ok(Some(n))
}

/// Fen as the yuan a clerk types: "30000", or "30000.50" where there are fen.
pub(crate) fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        format!("{}", fen / 100)
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// The districts and townships a division cell may name, from the register of divisions.
#[derive(Debug, Clone, Default)]
pub struct DivisionNames {
    codes: HashMap<String, DivisionCode>,
    /// A name ("转塘街道", "西湖区转塘街道", "西湖区") → the codes it names.
    names: HashMap<String, Vec<DivisionCode>>,
}

impl DivisionNames {
    /// From (code, name, parent code) of every division the laptop knows.
    pub fn new<'a>(divisions: impl IntoIterator<Item = (&'a str, &'a str, Option<&'a str>)>) -> Self {
        let divisions: Vec<_> = divisions.into_iter().collect();
        let names_by_code: HashMap<&str, &str> = divisions.iter().map(|(c, n, _)| (*c, *n)).collect();
        let mut out = DivisionNames::default();
        for (code, name, parent) in &divisions {
            let Ok(parsed) = DivisionCode::parse(code) else { continue };
            out.codes.insert((*code).to_owned(), parsed.clone());
            let mut add = |key: String| out.names.entry(key).or_default().push(parsed.clone());
            add(header_key(name));
            if let Some(parent_name) = parent.and_then(|p| names_by_code.get(p)) {
                add(header_key(&format!("{parent_name}{name}")));
            }
        }
        out
    }

    /// The division a cell names: its code, its name where only one division has that name,
    /// or its district's name followed by its own ("西湖区转塘街道", "西湖区 · 转塘街道").
    pub fn resolve(&self, cell: &Cell) -> Result<DivisionCode, Message> {
        let typed = code(cell)?;
        if typed.is_empty() {
            return Err(empty_required());
        }
        if typed.bytes().all(|b| b.is_ascii_digit()) {
            return self.codes.get(&typed).cloned().ok_or_else(|| {
                Message::new(
                    format!("区划代码 {typed} 不在本机的区划表中"),
                    format!("Division code {typed} is not in this laptop's divisions"),
                )
            });
        }
        let key: String = header_key(&text(cell)).chars().filter(|c| !matches!(c, '·' | '/' | '-' | '、')).collect();
        match self.names.get(&key).map(Vec::as_slice) {
            Some([one]) => Ok(one.clone()),
            Some(many) if !many.is_empty() => Err(Message::new(
                format!("“{}”有 {} 处同名，请在前面加上区县名，或填写区划代码", text(cell), many.len()),
                format!(
                    "{} names {} divisions; put the district's name before it, or give the code",
                    text(cell),
                    many.len()
                ),
            )),
            _ => Err(Message::new(
                format!("找不到乡镇（街道）“{}”", text(cell)),
                format!("No township or district named {}", text(cell)),
            )),
        }
    }
}

fn empty_required() -> Message {
    Message::new("必填，不能为空", "Required; it is empty")
}

/// An enterprise as one row of a workbook gives it, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseRow {
    pub credit_code: String,
    pub name: String,
    pub address: String,
    pub division: DivisionCode,
    pub industry: Industry,
    pub size: EnterpriseSize,
    /// `None` where the sheet has no such column (the register's value stays).
    pub park: Option<String>,
    pub principal: String,
    pub safety_contact: Option<String>,
    pub phone: Option<String>,
}

/// One data row read against its header: each column's cell fetched by key, and every
/// problem collected rather than only the first, so a clerk fixes a row once.
struct RowReader<'a> {
    header: &'a Header,
    row: u32,
    cells: &'a [Cell],
    problems: Vec<RowProblem>,
}

impl<'a> RowReader<'a> {
    fn cell(&self, key: &str) -> &'a Cell {
        static EMPTY: Cell = Cell::Empty;
        self.header.position(key).and_then(|i| self.cells.get(i)).unwrap_or(&EMPTY)
    }

    fn problem(&mut self, key: &str, message: Message) {
        let problem = self.header.problem_at(key, self.row, message);
        self.problems.push(problem);
    }

    fn check<T>(&mut self, key: &str, read: impl FnOnce(&Cell) -> Result<T, Message>) -> Option<T> {
        match read(self.cell(key)) {
            Ok(v) => Some(v),
            Err(m) => {
                self.problem(key, m);
                None
            }
        }
    }

    /// Free text: required ones must not be empty.
    fn text(&mut self, key: &str) -> Option<String> {
        let required = self.header.column(key).required;
        if !required && !self.header.has(key) {
            return None;
        }
        self.check(key, |c| match c {
            Cell::Error(e) => Err(formula_error(e)),
            c => {
                let t = text(c);
                if required && t.is_empty() {
                    Err(empty_required())
                } else {
                    Ok(t)
                }
            }
        })
    }
}

/// Whether a row holds nothing (trailing rows Excel keeps after a deletion).
pub fn is_blank(cells: &[Cell]) -> bool {
    cells.iter().all(|c| text(c).is_empty())
}

impl EnterpriseRow {
    /// Row `row` of an enterprise workbook, or every problem it has.
    pub fn read(header: &Header, row: u32, cells: &[Cell], divisions: &DivisionNames) -> Result<Self, Vec<RowProblem>> {
        let mut r = RowReader { header, row, cells, problems: Vec::new() };
        let credit_code = r.check("credit_code", |c| {
            let typed = code(c)?;
            CreditCode::parse(&typed).map(|c| c.as_str().to_owned()).map_err(|e| e.message())
        });
        let name = r.text("name");
        let address = r.text("address");
        let division = r.check("division", |c| divisions.resolve(c));
        let industry = r.check("industry", label::<Industry>);
        let size = r.check("size", label::<EnterpriseSize>);
        let park = r.text("park");
        let principal = r.text("principal");
        let safety_contact = r.text("safety_contact");
        let phone = if r.header.has("phone") { r.check("phone", code) } else { None };
        match (credit_code, name, address, division, industry, size, principal) {
            (
                Some(credit_code),
                Some(name),
                Some(address),
                Some(division),
                Some(industry),
                Some(size),
                Some(principal),
            ) if r.problems.is_empty() => Ok(EnterpriseRow {
                credit_code,
                name,
                address,
                division,
                industry,
                size,
                park,
                principal,
                safety_contact,
                phone,
            }),
            _ => Err(r.problems),
        }
    }
}

impl EnterpriseRow {
    /// The enterprise this row registers (`current` is `None`) or makes of `current`: the
    /// register's id stays, and an optional column the sheet does not have keeps its value.
    pub fn to_enterprise(&self, id: EnterpriseId, current: Option<&Enterprise>) -> Enterprise {
        let keep = |row: &Option<String>, current: Option<&String>| {
            row.clone().or_else(|| current.cloned()).unwrap_or_default()
        };
        let park = keep(&self.park, current.and_then(|c| c.park.as_ref()));
        Enterprise {
            id: current.map_or(id, |c| c.id),
            credit_code: self.credit_code.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
            division: self.division.clone(),
            industry: self.industry,
            size: self.size,
            park: (!park.is_empty()).then_some(park),
            principal: self.principal.clone(),
            safety_contact: keep(&self.safety_contact, current.map(|c| &c.safety_contact)),
            phone: keep(&self.phone, current.map(|c| &c.phone)),
        }
    }

    /// What this row changes in `current`, column by column; empty when nothing.
    pub fn changes(&self, current: &Enterprise) -> Vec<FieldChange> {
        let next = self.to_enterprise(current.id, Some(current));
        let (old, new) =
            (enterprise_cells(current, current.division.as_str()), enterprise_cells(&next, next.division.as_str()));
        ENTERPRISE_COLUMNS
            .iter()
            .zip(old.into_iter().zip(new))
            .filter(|(_, (o, n))| o != n)
            .map(|(c, (old, new))| FieldChange { field: c.header.to_owned(), old, new })
            .collect()
    }
}

/// An enterprise as a row of its ledger, in [`ENTERPRISE_COLUMNS`]' order; `division` is
/// what the division column shows (a code, or a name the import reads back).
pub fn enterprise_cells(e: &Enterprise, division: &str) -> Vec<String> {
    vec![
        e.credit_code.clone(),
        e.name.clone(),
        e.address.clone(),
        division.to_owned(),
        e.industry.label_zh().to_owned(),
        e.size.label_zh().to_owned(),
        e.park.clone().unwrap_or_default(),
        e.principal.clone(),
        e.safety_contact.clone(),
        e.phone.clone(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    fn divisions() -> DivisionNames {
        DivisionNames::new([
            ("330106", "西湖区", None),
            ("330106109", "转塘街道", Some("330106")),
            ("330110", "余杭区", None),
            ("330110001", "城关镇", Some("330110")),
            ("330122", "桐庐县", None),
            ("330122100", "城关镇", Some("330122")),
        ])
    }

    fn header_row() -> Vec<Cell> {
        ["统一社会信用代码*", "企业名称", "地址", "所属乡镇(街道)", "行业", "企业规模", "主要负责人", "联系电话"]
            .into_iter()
            .map(t)
            .collect()
    }

    #[test]
    fn the_header_is_found_below_a_title_with_stars_spaces_and_half_width_brackets() {
        let rows = vec![(1, vec![t("西湖区生产经营单位名录")]), (2, vec![]), (3, header_row())];
        let h = Header::find(ImportKind::Enterprises, &rows).unwrap();
        assert_eq!(h.row, 3);
        assert!(h.has("phone") && !h.has("park"));
    }

    #[test]
    fn a_header_without_required_columns_names_them() {
        let rows = vec![(1, vec![t("企业名称"), t("地址")])];
        let m = Header::find(ImportKind::Enterprises, &rows).unwrap_err();
        assert!(m.zh.contains("统一社会信用代码") && m.zh.contains("主要负责人"), "{}", m.zh);
        assert!(!m.zh.contains("“企业名称”"), "{}", m.zh);
    }

    #[test]
    fn a_column_twice_is_refused() {
        let mut row = header_row();
        row.push(t("单位名称"));
        let m = Header::find(ImportKind::Enterprises, &[(1, row)]).unwrap_err();
        assert!(m.zh.contains("B、I"), "{}", m.zh);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn dates_as_serial_numbers_and_as_text() {
        let d = |y, m, day| Some(NaiveDate::from_ymd_opt(y, m, day).unwrap());
        assert_eq!(date(&Cell::Date(NaiveDate::from_ymd_opt(2024, 1, 5).unwrap())).unwrap(), d(2024, 1, 5));
        assert_eq!(date(&Cell::Number(45296.0)).unwrap(), d(2024, 1, 5));
        assert_eq!(date(&Cell::Number(1.0)).unwrap(), d(1900, 1, 1));
        assert_eq!(date(&Cell::Number(61.0)).unwrap(), d(1900, 3, 1));
        for s in
            ["2024-01-05", "2024/1/5", "2024.1.5", "2024年1月5日", "20240105", "２０２４－０１－０５", " 2024-1-5 "]
        {
            assert_eq!(date(&t(s)).unwrap(), d(2024, 1, 5), "{s}");
        }
        assert_eq!(date(&t("")).unwrap(), None);
        assert!(date(&t("明年")).unwrap_err().zh.contains("明年"));
        assert!(date(&t("2024-02-30")).is_err());
        assert!(date(&Cell::Number(-3.0)).is_err());
    }

    #[test]
    fn codes_lose_full_width_and_spaces_and_long_numbers_are_named() {
        assert_eq!(code(&t(" ９１３３ ０１０６\u{3000}")).unwrap(), "91330106");
        assert_eq!(code(&Cell::Number(13800000000.0)).unwrap(), "13800000000");
        let m = code(&Cell::Number(9.133010600000001e17)).unwrap_err();
        assert!(m.zh.contains("文本"), "{}", m.zh);
    }

    #[test]
    fn labels_by_chinese_or_key_and_the_choices_named() {
        assert_eq!(label::<Industry>(&t("化工")).unwrap(), Industry::Chemical);
        assert_eq!(label::<Industry>(&t("chemical")).unwrap(), Industry::Chemical);
        let m = label::<EnterpriseSize>(&t("巨型")).unwrap_err();
        assert!(m.zh.contains("微型、小型、中型、大型"), "{}", m.zh);
    }

    #[test]
    fn divisions_by_code_by_unique_name_or_with_their_district() {
        let d = divisions();
        assert_eq!(d.resolve(&t("330106109")).unwrap().as_str(), "330106109");
        assert_eq!(d.resolve(&Cell::Number(330106109.0)).unwrap().as_str(), "330106109");
        assert_eq!(d.resolve(&t("转塘街道")).unwrap().as_str(), "330106109");
        assert_eq!(d.resolve(&t("西湖区 · 转塘街道")).unwrap().as_str(), "330106109");
        assert_eq!(d.resolve(&t("桐庐县城关镇")).unwrap().as_str(), "330122100");
        assert!(d.resolve(&t("城关镇")).unwrap_err().zh.contains("2 处同名"));
        assert!(d.resolve(&t("330106999")).unwrap_err().zh.contains("不在本机"));
        assert!(d.resolve(&t("月球街道")).unwrap_err().zh.contains("月球街道"));
    }

    #[test]
    fn a_row_gives_an_enterprise_or_every_problem_with_its_column() {
        let h = Header::find(ImportKind::Enterprises, &[(1, header_row())]).unwrap();
        let good = vec![
            t("９１３５０１００Ｍ０００１００Ｙ４３"),
            t(" 杭州某某化工有限公司\u{3000}"),
            t("转塘街道某路 1 号"),
            t("转塘街道"),
            t("化工"),
            t("小型"),
            t("张三"),
            Cell::Number(13800000000.0),
        ];
        let e = EnterpriseRow::read(&h, 2, &good, &divisions()).unwrap();
        assert_eq!(e.credit_code, "91350100M000100Y43");
        assert_eq!(e.name, "杭州某某化工有限公司");
        assert_eq!(e.division.as_str(), "330106109");
        assert_eq!(e.phone.as_deref(), Some("13800000000"));
        assert_eq!(e.park, None, "no park column: the register's value stays");
        let bad = vec![t("91350100M000100Y44"), t(""), t("地址"), t("城关镇"), t("化工"), t("巨型"), t("张三")];
        let problems = EnterpriseRow::read(&h, 7, &bad, &divisions()).unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert!(problems.iter().all(|p| p.row == 7));
        assert!(columns.contains(&"企业名称（B 列）"), "{columns:?}");
        assert!(columns.contains(&"所属乡镇（街道）（D 列）"), "{columns:?}");
        assert!(columns.contains(&"企业规模（F 列）"), "{columns:?}");
        assert!(columns.iter().any(|c| c.starts_with("统一社会信用代码")), "{columns:?}");
    }

    #[test]
    fn a_changed_row_names_each_field_and_an_absent_column_keeps_its_value() {
        let h = Header::find(ImportKind::Enterprises, &[(1, header_row())]).unwrap();
        let cells: Vec<Cell> = ["91350100M000100Y43", "某某化工", "新地址", "330106109", "化工", "小型", "王五", "138"]
            .into_iter()
            .map(t)
            .collect();
        let row = EnterpriseRow::read(&h, 2, &cells, &divisions()).unwrap();
        let current = Enterprise {
            id: EnterpriseId::from_parts(1, &[0; 10]),
            credit_code: "91350100M000100Y43".into(),
            name: "某某化工".into(),
            address: "旧地址".into(),
            division: DivisionCode::parse("330106109").unwrap(),
            industry: Industry::Chemical,
            size: EnterpriseSize::Small,
            park: Some("某园区".into()),
            principal: "王五".into(),
            safety_contact: "赵六".into(),
            phone: "138".into(),
        };
        let changes = row.changes(&current);
        assert_eq!(changes, vec![FieldChange { field: "地址".into(), old: "旧地址".into(), new: "新地址".into() }]);
        let next = row.to_enterprise(EnterpriseId::from_parts(2, &[1; 10]), Some(&current));
        assert_eq!((next.id, next.park.as_deref(), next.safety_contact.as_str()), (current.id, Some("某园区"), "赵六"));
        let fresh = row.to_enterprise(EnterpriseId::from_parts(2, &[1; 10]), None);
        assert_eq!((fresh.park, fresh.safety_contact.as_str()), (None, ""));
    }

    #[test]
    fn blank_rows() {
        assert!(is_blank(&[Cell::Empty, t("  "), t("\u{3000}")]));
        assert!(!is_blank(&[Cell::Empty, Cell::Number(0.0)]));
    }
}
