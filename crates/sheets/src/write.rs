//! Workbooks SafeServe writes for registers: the blank import template (the register's columns,
//! required ones marked, codes kept as text, drop-downs where a column takes only some values,
//! and a second sheet explaining each column) and the ledger of a register in the same columns,
//! so a ledger edited in Excel can be imported back.

use crate::read::SheetError;
use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use safeserve_core::import::{Column, ImportKind};
use std::path::Path;

/// Rows Excel has; drop-downs and text formats reach to the last.
const LAST_ROW: u32 = 1_048_575;

pub(crate) fn write_error(e: XlsxError) -> SheetError {
    SheetError::Write { reason: e.to_string() }
}

/// The header row: bold, frozen, codes formatted as text below it, widths for CJK text.
fn header(ws: &mut Worksheet, columns: &[Column], mark_required: bool) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    for (c, col) in columns.iter().enumerate() {
        let c = c as u16;
        let title = if mark_required && col.required { format!("{}*", col.header) } else { col.header.to_owned() };
        // CJK text is about twice as wide as the default column counts on.
        let width = (col.header.chars().count().max(col.example.chars().count()) as f64 * 2.1).max(10.0);
        ws.set_column_width(c, width)?;
        if col.is_code() {
            ws.set_column_format(c, &text)?;
        }
        ws.write_string_with_format(0, c, title, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The blank import template of `kind`: sheet 1 to fill, sheet 2 (填写说明) explaining each
/// column with an example and the values it takes.
pub fn template(kind: ImportKind) -> Result<Vec<u8>, SheetError> {
    let columns = kind.columns();
    let mut book = Workbook::new();
    let fill = book.add_worksheet().set_name(kind.label_zh()).map_err(write_error)?;
    header(fill, columns, true).map_err(write_error)?;
    for (c, col) in columns.iter().enumerate() {
        let choices = col.choices();
        if choices.is_empty() {
            continue;
        }
        let list = DataValidation::new()
            .allow_list_strings(&choices)
            .and_then(|v| v.set_error_title("不是可选的值"))
            .and_then(|v| v.set_error_message(format!("{}应为：{}", col.header, choices.join("、"))))
            .map_err(write_error)?;
        fill.add_data_validation(1, c as u16, LAST_ROW, c as u16, &list).map_err(write_error)?;
    }
    let notes = book.add_worksheet().set_name("填写说明").map_err(write_error)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let head = ["列名", "必填", "说明", "示例", "可选的值"];
    for (c, (title, width)) in head.iter().zip([22.0, 6.0, 60.0, 26.0, 40.0]).enumerate() {
        notes.write_string_with_format(0, c as u16, *title, &bold).map_err(write_error)?;
        notes.set_column_width(c as u16, width).map_err(write_error)?;
    }
    for (r, col) in columns.iter().enumerate() {
        let r = r as u32 + 1;
        let cells = [col.header, if col.required { "是" } else { "" }, col.note, col.example];
        for (c, text) in cells.iter().enumerate() {
            notes.write_string_with_format(r, c as u16, *text, &wrap).map_err(write_error)?;
        }
        notes.write_string_with_format(r, 4, col.choices().join("、"), &wrap).map_err(write_error)?;
    }
    let after = columns.len() as u32 + 2;
    let same = match kind {
        ImportKind::Enterprises => {
            "同一个信用代码已登记的，按表中内容更新，并在审计日志中记下原来的值；内容相同的行不做改动，同一文件导入两次不会重复登记。"
        }
        ImportKind::Agencies => {
            "同一个信用代码已登记的，按表中内容更新（没有的列保留原登记），并在审计日志中记下原来的值；同一文件导入两次不会重复登记。参考收费以元为单位，留空表示不公布。"
        }
        ImportKind::People => {
            "同一人员的证书和任职各占一行，身份证号码、姓名和电话每行相同。已登记的人员按表中内容更新（表中没有的证书和任职保留不动），并在审计日志中记下原来的值；同一文件导入两次不会重复登记。一人同时在两家机构专职的，照实登记，预览中会提示。"
        }
        ImportKind::Contracts => {
            "服务机构和生产经营单位须已登记，按信用代码对应。同一机构、同一单位、同一起始日期的合同视为同一份：已登记的按表中内容更新（没有的列保留原登记），并在审计日志中记下原来的值；同一文件导入两次不会重复登记。已移除系统平台的机构不能登记新合同；政府委托的检查合同按 R9 核对回避。合同条款全文在软件中补录。"
        }
    };
    let general = [
        "表头须在前 10 行之内、不要合并单元格；表头之上可以有标题行。列的先后不限，不认识的列会被略过。",
        same,
        "导入前先预览：有问题的行逐格列出，不会写入；其余各行确认后一并写入。日期可写 2024-01-05、2024/1/5、2024年1月5日，或 Excel 日期。",
    ];
    for (i, text) in general.iter().enumerate() {
        notes.write_string(after + i as u32, 0, *text).map_err(write_error)?;
    }
    book.save_to_buffer().map_err(write_error)
}

/// The ledger of a register being written: the template's columns (without the required
/// marks), one row per record, each written as it comes so a register of any size is never
/// whole in memory.
pub struct Ledger {
    columns: usize,
    book: Workbook,
    rows: u32,
    /// The first error writing a row; [`Ledger::finish`] reports it.
    failed: Option<XlsxError>,
}

impl Ledger {
    pub fn new(kind: ImportKind) -> Result<Self, SheetError> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet_with_constant_memory().map_err(write_error)?;
        ws.set_name(kind.label_zh()).map_err(write_error)?;
        header(ws, kind.columns(), false).map_err(write_error)?;
        Ok(Ledger { columns: kind.columns().len(), book, rows: 0, failed: None })
    }

    /// A ledger of the evidence (visits, hazards): a sheet named `sheet` with `columns` as
    /// its header; nothing in it is read back, so no column is a code or a choice.
    pub fn of_records(sheet: &str, columns: &[&str]) -> Result<Self, SheetError> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet_with_constant_memory().map_err(write_error)?;
        ws.set_name(sheet).map_err(write_error)?;
        let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
        for (c, title) in columns.iter().enumerate() {
            let width = (title.chars().count() as f64 * 2.1).max(12.0);
            ws.set_column_width(c as u16, width).map_err(write_error)?;
            ws.write_string_with_format(0, c as u16, *title, &bold).map_err(write_error)?;
        }
        ws.set_freeze_panes(1, 0).map_err(write_error)?;
        Ok(Ledger { columns: columns.len(), book, rows: 0, failed: None })
    }

    /// Adds one record's row, in the register's columns.
    pub fn push(&mut self, row: &[String]) {
        if self.failed.is_some() {
            return;
        }
        let r = self.rows + 1;
        let columns = self.columns;
        let written = self.book.worksheet_from_index(0).and_then(|ws| {
            for (c, value) in row.iter().enumerate().take(columns).filter(|(_, v)| !v.is_empty()) {
                ws.write_string(r, c as u16, value)?;
            }
            Ok(())
        });
        match written {
            Ok(()) => self.rows = r,
            Err(e) => self.failed = Some(e),
        }
    }

    /// Writes the workbook beside `to` and renames it into place, so a reader never opens
    /// half a ledger. Returns the number of rows.
    pub fn finish(mut self, to: &Path) -> Result<u32, SheetError> {
        if let Some(e) = self.failed {
            return Err(write_error(e));
        }
        if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| SheetError::Io { path: dir.to_owned(), source })?;
        }
        let mut part = to.as_os_str().to_owned();
        part.push(".part");
        let part = std::path::PathBuf::from(part);
        self.book.save(&part).map_err(write_error)?;
        std::fs::rename(&part, to).map_err(|source| SheetError::Io { path: to.to_owned(), source })?;
        Ok(self.rows)
    }
}
