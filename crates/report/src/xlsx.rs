//! Tables as Excel workbooks (.xlsx), for what supervisors publish or pass on: the credit-grade
//! ranking, the coverage figures. One sheet per table, a bold frozen header row, numbers kept as
//! numbers so they can be summed and charted in Excel.

use crate::ReportError;
use rust_xlsxwriter::{Format, Workbook};

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A share (0.0–1.0), shown as a percentage.
    Percent(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Self {
        Cell::Number(n)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Self {
        Cell::Number(n as f64)
    }
}

/// A named table: the header row, then the rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The workbook's bytes.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (c, title) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, title, &bold)?;
            // CJK text is about twice as wide as the default column counts on.
            ws.set_column_width(c as u16, (title.chars().count() as f64 * 2.2).max(10.0))?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                    Cell::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                    Cell::Percent(n) => ws.write_number_with_format(r, c, *n, &percent).map(|_| ()),
                }?;
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_a_zip_with_the_sheet_and_its_strings() {
        let bytes = workbook(&[Sheet {
            name: "覆盖率".into(),
            header: vec!["区县".into(), "覆盖率".into()],
            rows: vec![vec!["西湖区".into(), Cell::Percent(0.425)]],
        }])
        .unwrap();
        assert_eq!(&bytes[..2], b"PK", "xlsx is a zip file");
        assert!(bytes.len() > 1000);
    }

    #[test]
    fn a_bad_sheet_name_is_an_error_not_a_panic() {
        let err = workbook(&[Sheet { name: "a/b".into(), ..Sheet::default() }]).unwrap_err();
        assert!(matches!(err, ReportError::Spreadsheet(_)), "{err:?}");
    }
}
