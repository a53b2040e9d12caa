//! Reading a register from a workbook. An .xlsx sheet is streamed cell by cell (calamine's
//! cell reader), so memory stays bounded however many rows a file has; an old .xls (at most
//! 65,536 rows by its format) is read whole. The header is looked for in the first rows of
//! each sheet in turn; the rows below it go to the caller one at a time.

use calamine::{open_workbook_from_rs, Data, DataRef, Reader, Xls, Xlsx};
use chrono::NaiveDate;
use safeserve_core::import::{self, Cell, Header, ImportKind, HEADER_SEARCH_ROWS};
use safeserve_core::Message;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

/// The most data rows one import takes. More is refused before anything is planned: a
/// register that size is split into several files (and a sheet of a million rows is stopped
/// reading at this row, not held in memory).
pub const MAX_ROWS: u32 = 200_000;

/// Columns past this are not read: no register has so many, and a sheet with a stray value in
/// column XFD must not make every row a 16,384-cell vector.
const MAX_COLUMNS: usize = 200;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Why a workbook could not be read. Nothing is planned or written when one is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SheetError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("not an Excel workbook")]
    NotAWorkbook,
    #[error("the workbook is protected by a password")]
    PasswordProtected,
    #[error("the workbook is damaged: {reason}")]
    Damaged { reason: String },
    #[error("the workbook has no sheet with the header")]
    Header(Message),
    #[error("the header row has merged cells ({range})")]
    MergedHeader { row: u32, range: String, columns: Message },
    #[error("more than {limit} rows")]
    TooManyRows { limit: u32 },
    #[error("cannot write the workbook: {reason}")]
    Write { reason: String },
}

impl SheetError {
    pub fn message(&self) -> Message {
        match self {
            SheetError::Io { path, source } => Message::new(
                format!("无法读取文件 {}：{source}", path.display()),
                format!("Cannot read {}: {source}", path.display()),
            ),
            SheetError::NotAWorkbook => Message::new(
                "这不是 Excel 工作簿（.xlsx 或 .xls）。如是 CSV 或 WPS 文件，请在 Excel 或 WPS 中另存为 .xlsx",
                "This is not an Excel workbook (.xlsx or .xls); save it as .xlsx from Excel or WPS",
            ),
            SheetError::PasswordProtected => Message::new(
                "工作簿设有打开密码，无法读取：请在 Excel 中取消密码（文件 → 信息 → 保护工作簿）后另存",
                "The workbook is protected by a password: remove it in Excel (File → Info → Protect Workbook) and save again",
            ),
            SheetError::Damaged { reason } => Message::new(
                format!("工作簿已损坏或不完整，无法读取（{reason}）"),
                format!("The workbook is damaged or incomplete ({reason})"),
            ),
            SheetError::Header(m) => m.clone(),
            SheetError::MergedHeader { row, range, columns } => Message::new(
                format!(
                    "第 {row} 行的表头有合并单元格（{range}），合并后的列读不出列名：请取消合并，每列一个列名。{}",
                    columns.zh
                ),
                format!("The header in row {row} has merged cells ({range}); unmerge them so each column has its own name. {}", columns.en),
            ),
            SheetError::TooManyRows { limit } => Message::new(
                format!("此表超过 {limit} 行数据，一次最多导入 {limit} 行：请分成几个文件导入。未做任何改动"),
                format!("The sheet has more than {limit} data rows; one import takes at most {limit}: split the file. Nothing was changed"),
            ),
            SheetError::Write { reason } => Message::new(
                format!("无法写出工作簿：{reason}"),
                format!("Cannot write the workbook: {reason}"),
            ),
        }
    }
}

/// What was read: where the header was and how many rows followed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadSummary {
    pub sheet: String,
    pub header: Header,
    /// Data rows handed over (blank rows are skipped).
    pub rows: u32,
}

/// Where a workbook is read from: a file (the command line), or the bytes the desktop's window
/// sent (never written to disk: a people register holds ID numbers).
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
}

impl<'a> From<&'a Path> for Source<'a> {
    fn from(p: &'a Path) -> Self {
        Source::File(p)
    }
}

impl<'a> From<&'a PathBuf> for Source<'a> {
    fn from(p: &'a PathBuf) -> Self {
        Source::File(p)
    }
}

impl<'a> From<&'a [u8]> for Source<'a> {
    fn from(b: &'a [u8]) -> Self {
        Source::Bytes(b)
    }
}

/// Reads the register `kind` from the workbook `source`: the first sheet whose first rows
/// hold the register's header, then every non-blank row under it, handed to `row` with its
/// Excel row number. `row`'s error stops the reading and is returned as it is.
pub fn read_register<'a, E: From<SheetError>>(
    source: impl Into<Source<'a>>,
    kind: ImportKind,
    row: impl FnMut(&Header, u32, &[Cell]) -> Result<(), E>,
) -> Result<ReadSummary, E> {
    match source.into() {
        Source::File(path) => {
            let io = |source| SheetError::Io { path: path.to_owned(), source };
            let file = std::fs::File::open(path).map_err(io)?;
            read_from(file, &io, kind, row)
        }
        Source::Bytes(bytes) => {
            let io = |source| SheetError::Io { path: PathBuf::from("(workbook)"), source };
            read_from(Cursor::new(bytes), &io, kind, row)
        }
    }
}

fn read_from<R: Read + Seek, E: From<SheetError>>(
    file: R,
    io: &dyn Fn(std::io::Error) -> SheetError,
    kind: ImportKind,
    mut row: impl FnMut(&Header, u32, &[Cell]) -> Result<(), E>,
) -> Result<ReadSummary, E> {
    match open(file, io)? {
        Book::Xlsx(book) => read_xlsx(book, kind, &mut row),
        Book::Xls(book) => read_xls(book, kind, &mut row),
    }
}

/// A workbook opened by what its first bytes say it is.
enum Book<R: Read + Seek> {
    Xlsx(Xlsx<BufReader<R>>),
    Xls(Xls<Cursor<Vec<u8>>>),
}

fn open<R: Read + Seek>(mut file: R, io: &dyn Fn(std::io::Error) -> SheetError) -> Result<Book<R>, SheetError> {
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut file, &mut magic).map_err(io)?;
    file.rewind().map_err(io)?;
    let magic = &magic[..n];
    if magic.starts_with(ZIP_MAGIC) {
        Ok(Book::Xlsx(open_workbook_from_rs(BufReader::new(file)).map_err(damaged)?))
    } else if magic == CFB_MAGIC {
        // An .xlsx with a password is an OLE compound file holding an `EncryptionInfo` stream;
        // an old .xls is one too, without it.
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        if contains_utf16(&bytes, "EncryptionInfo") {
            return Err(SheetError::PasswordProtected);
        }
        let book = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
            if matches!(e, calamine::XlsError::Password) {
                SheetError::PasswordProtected
            } else {
                damaged(e)
            }
        })?;
        Ok(Book::Xls(book))
    } else {
        Err(SheetError::NotAWorkbook)
    }
}

/// The first sheet of a workbook laid out by hand (a checklist), every row numbered from 1,
/// with each merged region's value in all of its cells — as a person reads a section name
/// merged down its rows. Refused past `limit` rows: such a sheet is read whole.
pub fn first_sheet<'a>(source: impl Into<Source<'a>>, limit: u32) -> Result<Vec<(u32, Vec<Cell>)>, SheetError> {
    match source.into() {
        Source::File(path) => {
            let io = |source| SheetError::Io { path: path.to_owned(), source };
            let file = std::fs::File::open(path).map_err(io)?;
            first_sheet_of(open(file, &io)?, limit)
        }
        Source::Bytes(bytes) => {
            let io = |source| SheetError::Io { path: PathBuf::from("(workbook)"), source };
            first_sheet_of(open(Cursor::new(bytes), &io)?, limit)
        }
    }
}

fn first_sheet_of<R: Read + Seek>(book: Book<R>, limit: u32) -> Result<Vec<(u32, Vec<Cell>)>, SheetError> {
    fn whole<RS: Read + Seek, B: Reader<RS>>(
        book: &mut B,
        limit: u32,
        merged: impl FnOnce(&mut B, &str) -> Vec<calamine::Dimensions>,
    ) -> Result<Vec<(u32, Vec<Cell>)>, SheetError>
    where
        B::Error: std::fmt::Display,
    {
        let Some(sheet) = book.sheet_names().into_iter().next() else {
            return Err(SheetError::Header(Message::new("工作簿里没有工作表", "The workbook has no sheet")));
        };
        let range = book.worksheet_range(&sheet).map_err(damaged)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        if range.height() > limit as usize {
            return Err(SheetError::TooManyRows { limit });
        }
        let mut rows: Vec<(u32, Vec<Cell>)> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut out = vec![Cell::Empty; c0 as usize];
                out.extend(cells.iter().take(MAX_COLUMNS.saturating_sub(c0 as usize)).map(cell));
                (r0 + i as u32 + 1, out)
            })
            .collect();
        for d in merged(book, &sheet) {
            let value =
                rows.get((d.start.0.saturating_sub(r0)) as usize).and_then(|(_, c)| c.get(d.start.1 as usize)).cloned();
            let Some(value) = value else { continue };
            for r in d.start.0..=d.end.0 {
                if let Some((_, cells)) = rows.get_mut(r.saturating_sub(r0) as usize) {
                    for c in d.start.1..=d.end.1.min(MAX_COLUMNS as u32 - 1) {
                        place(cells, c as usize, value.clone());
                    }
                }
            }
        }
        Ok(rows)
    }
    match book {
        Book::Xlsx(mut b) => whole(&mut b, limit, |b, s| b.merge_cells_by_sheet_name(s).unwrap_or_default()),
        Book::Xls(mut b) => whole(&mut b, limit, |b, s| b.merge_cells_by_sheet_name(s).unwrap_or_default()),
    }
}

fn read_up_to(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn contains_utf16(bytes: &[u8], text: &str) -> bool {
    let needle: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn damaged(e: impl std::fmt::Display) -> SheetError {
    SheetError::Damaged { reason: e.to_string() }
}

/// Rows of one sheet, in order, grouped from cells; finds the header, then hands on the rest.
struct Rows<'f, E, F: FnMut(&Header, u32, &[Cell]) -> Result<(), E>> {
    kind: ImportKind,
    /// The rows above the header, while it is being looked for.
    top: Vec<(u32, Vec<Cell>)>,
    header: Option<Header>,
    count: u32,
    row: &'f mut F,
}

/// What a sheet's rows came to.
enum Outcome {
    Read(Header, u32),
    /// No header in its first rows: the message, and the rows looked at.
    NoHeader(Message),
}

impl<E: From<SheetError>, F: FnMut(&Header, u32, &[Cell]) -> Result<(), E>> Rows<'_, E, F> {
    /// One row (numbered from 1). `Ok(false)`: the sheet has no header; stop reading it.
    fn push(&mut self, number: u32, cells: Vec<Cell>) -> Result<bool, E> {
        if let Some(header) = &self.header {
            if import::is_blank(&cells) {
                return Ok(true);
            }
            self.count += 1;
            if self.count > MAX_ROWS {
                return Err(SheetError::TooManyRows { limit: MAX_ROWS }.into());
            }
            (self.row)(header, number, &cells)?;
            return Ok(true);
        }
        if import::is_blank(&cells) {
            return Ok(true);
        }
        match Header::find(self.kind, std::slice::from_ref(&(number, cells.clone()))) {
            Ok(h) => self.header = Some(h),
            Err(_) => self.top.push((number, cells)),
        }
        Ok(self.header.is_some() || self.top.len() < HEADER_SEARCH_ROWS)
    }

    fn finish(self) -> Outcome {
        match self.header {
            Some(h) => Outcome::Read(h, self.count),
            None => match Header::find(self.kind, &self.top) {
                Ok(h) => Outcome::Read(h, 0),
                Err(m) => Outcome::NoHeader(m),
            },
        }
    }
}

fn read_xlsx<RS: Read + Seek, E: From<SheetError>>(
    mut book: Xlsx<RS>,
    kind: ImportKind,
    row: &mut impl FnMut(&Header, u32, &[Cell]) -> Result<(), E>,
) -> Result<ReadSummary, E> {
    let mut first: Option<(String, Message)> = None;
    for sheet in book.sheet_names() {
        let outcome = {
            let mut rows = Rows { kind, top: Vec::new(), header: None, count: 0, row: &mut *row };
            let mut reader = book.worksheet_cells_reader(&sheet).map_err(damaged)?;
            let mut current: Option<(u32, Vec<Cell>)> = None;
            let mut going = true;
            while going {
                let Some(c) = reader.next_cell().map_err(damaged)? else { break };
                let (r, col) = c.get_position();
                let value = cell_ref(c.get_value());
                if value == Cell::Empty || col as usize >= MAX_COLUMNS {
                    continue;
                }
                if current.as_ref().is_some_and(|(cr, _)| *cr != r + 1) {
                    if let Some((n, cells)) = current.take() {
                        going = rows.push(n, cells)?;
                    }
                }
                let (_, cells) = current.get_or_insert_with(|| (r + 1, Vec::new()));
                place(cells, col as usize, value);
            }
            if going {
                if let Some((n, cells)) = current.take() {
                    rows.push(n, cells)?;
                }
            }
            rows.finish()
        };
        match outcome {
            Outcome::Read(header, count) => return Ok(ReadSummary { sheet, header, rows: count }),
            Outcome::NoHeader(m) if first.is_none() => first = Some((sheet, m)),
            Outcome::NoHeader(_) => {}
        }
    }
    Err(no_header(first, |sheet| book.merge_cells_by_sheet_name(sheet).ok().and_then(|r| top_merge(&r))).into())
}

/// The merged region lowest in a sheet's first rows, which is why a header is often not
/// found: a title merged across the top sits above the header, a header cell merged with its
/// neighbour is in the header's own row.
fn top_merge(regions: &[calamine::Dimensions]) -> Option<(u32, String)> {
    let top = || regions.iter().filter(|d| (d.start.0 as usize) < HEADER_SEARCH_ROWS && d.end.1 > d.start.1);
    let row = top().map(|d| d.start.0).max()?;
    let mut in_row: Vec<_> = top().filter(|d| d.start.0 == row).collect();
    in_row.sort_by_key(|d| d.start.1);
    let at = |(r, c): (u32, u32)| format!("{}{}", import::column_letter(c as usize), r + 1);
    let ranges: Vec<String> = in_row.iter().map(|d| format!("{}:{}", at(d.start), at(d.end))).collect();
    Some((row + 1, ranges.join("、")))
}

fn no_header(first: Option<(String, Message)>, merged: impl FnOnce(&str) -> Option<(u32, String)>) -> SheetError {
    match first {
        None => SheetError::Header(Message::new("工作簿里没有工作表", "The workbook has no sheet")),
        Some((sheet, columns)) => match merged(&sheet) {
            Some((row, range)) => SheetError::MergedHeader { row, range, columns },
            None => SheetError::Header(columns),
        },
    }
}

fn read_xls<RS: Read + Seek, E: From<SheetError>>(
    mut book: Xls<RS>,
    kind: ImportKind,
    row: &mut impl FnMut(&Header, u32, &[Cell]) -> Result<(), E>,
) -> Result<ReadSummary, E> {
    let mut first: Option<(String, Message)> = None;
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).map_err(damaged)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let outcome = {
            let mut rows = Rows { kind, top: Vec::new(), header: None, count: 0, row: &mut *row };
            for (i, cells) in range.rows().enumerate() {
                let mut out = vec![Cell::Empty; c0 as usize];
                out.extend(cells.iter().take(MAX_COLUMNS.saturating_sub(c0 as usize)).map(cell));
                if !rows.push(r0 + i as u32 + 1, out)? {
                    break;
                }
            }
            rows.finish()
        };
        match outcome {
            Outcome::Read(header, count) => return Ok(ReadSummary { sheet, header, rows: count }),
            Outcome::NoHeader(m) if first.is_none() => first = Some((sheet, m)),
            Outcome::NoHeader(_) => {}
        }
    }
    Err(no_header(first, |sheet| book.merge_cells_by_sheet_name(sheet).ok().and_then(|r| top_merge(&r))).into())
}

fn place(cells: &mut Vec<Cell>, col: usize, value: Cell) {
    if cells.len() <= col {
        cells.resize(col + 1, Cell::Empty);
    }
    cells[col] = value;
}

fn date_cell(dt: &calamine::ExcelDateTime) -> Cell {
    if !dt.is_datetime() {
        return Cell::Number(dt.as_f64());
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(y.into(), m.into(), d.into()).map_or(Cell::Number(dt.as_f64()), Cell::Date)
}

/// A date written as ISO text by the workbook ("2024-01-05T00:00:00") as a date.
fn iso_cell(s: &str) -> Cell {
    s.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or_else(|| Cell::Text(s.to_owned()), Cell::Date)
}

fn cell_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_cell(dt),
        DataRef::DateTimeIso(s) => iso_cell(s),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_cell(dt),
        Data::DateTimeIso(s) => iso_cell(s),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}
