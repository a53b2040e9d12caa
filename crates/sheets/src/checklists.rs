//! Checklist editions as bureaus keep them, in Excel: read from a sheet laid out the way they
//! write checklists (see `safeserve_core::import::checklist`), and written in that layout —
//! title merged across the top, each section's name merged down its rows — for a bureau to
//! start its next edition from.

use crate::read::{first_sheet, SheetError, Source};
use crate::write::write_error;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use safeserve_core::checklist::Template;
use safeserve_core::import::checklist::{self, HEADINGS};
use safeserve_core::Message;

/// A checklist is read whole; no bureau's has anywhere near this many rows.
pub const MAX_CHECKLIST_ROWS: u32 = 5_000;

/// The edition a checklist workbook holds, or everything that keeps it from being one: the
/// file itself (not a workbook, a password…) or each problem by row and column.
pub fn read_checklist<'a>(source: impl Into<Source<'a>>) -> Result<Template, Vec<Message>> {
    let rows = first_sheet(source, MAX_CHECKLIST_ROWS).map_err(|e| vec![e.message()])?;
    checklist::read(&rows)
}

/// `template` as a workbook in the layout [`read_checklist`] reads.
pub fn checklist_workbook(template: &Template) -> Result<Vec<u8>, SheetError> {
    let rows = checklist::rows_of(template);
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name("检查表").map_err(write_error)?;
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let head = Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color("#F2F2F2");
    let cell = Format::new().set_text_wrap().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    let last = HEADINGS.len() as u16 - 1;
    for (c, width) in [8.0, 16.0, 44.0, 32.0, 10.0, 12.0, 28.0, 28.0].into_iter().enumerate() {
        ws.set_column_width(c as u16, width).map_err(write_error)?;
    }
    ws.merge_range(0, 0, 0, last, &template.title, &title).map_err(write_error)?;
    for (c, value) in rows[1].iter().enumerate() {
        ws.write_string(1, c as u16, value).map_err(write_error)?;
    }
    for (c, value) in rows[3].iter().enumerate() {
        ws.write_string_with_format(3, c as u16, value, &head).map_err(write_error)?;
    }
    ws.set_freeze_panes(4, 0).map_err(write_error)?;
    let items = &rows[4..];
    for (r, (i, row)) in (4u32..).zip(items.iter().enumerate()) {
        for (c, value) in row.iter().enumerate().filter(|(c, _)| *c != 1) {
            ws.write_string_with_format(r, c as u16, value, &cell).map_err(write_error)?;
        }
        // The section's name once, merged down its rows, as bureaus lay them out.
        let first_of_section = i == 0 || items[i - 1][1] != row[1];
        if first_of_section {
            let len = items[i..].iter().take_while(|x| x[1] == row[1]).count() as u32;
            if len > 1 {
                ws.merge_range(r, 1, r + len - 1, 1, &row[1], &cell).map_err(write_error)?;
            } else {
                ws.write_string_with_format(r, 1, &row[1], &cell).map_err(write_error)?;
            }
        }
    }
    book.save_to_buffer().map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edition_written_as_a_bureaus_sheet_reads_back_the_same() {
        let json = include_str!("../../../assets/templates/dust-explosion.v2.json");
        let template = Template::parse(json).unwrap();
        let bytes = checklist_workbook(&template).unwrap();
        assert_eq!(read_checklist(bytes.as_slice()).unwrap(), template);
        let not_a_book = read_checklist(b"key,version\n".as_slice()).unwrap_err();
        assert!(not_a_book[0].zh.contains("不是 Excel 工作簿"), "{not_a_book:?}");
    }
}
