//! Excel workbooks of what supervisors publish or pass on — the coverage tables (R14) and the
//! credit-grade ranking (R10) — for the desktop app and the CLI alike, written like the PDFs:
//! beside the target, then renamed into place.

use crate::{write_file, PrintError};
use chrono::NaiveDate;
use safeserve_core::coverage::{CoverageReport, TableCell};
use safeserve_core::grading::GradeRules;
use safeserve_report::xlsx::{workbook, Cell, Sheet};
use safeserve_store::grades::{ranking_tables, GradedAgency, RankingCell};
use std::path::Path;

/// The coverage report's tables (sheets 区县 and 乡镇街道): counts as numbers, shares as
/// percentages.
pub fn coverage(report: &CoverageReport, path: &Path) -> Result<(), PrintError> {
    let sheets = report
        .tables()
        .into_iter()
        .map(|t| Sheet {
            name: t.name.to_owned(),
            header: t.header,
            rows: t
                .rows
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|c| match c {
                            TableCell::Text(s) => Cell::Text(s),
                            TableCell::Count(n) => Cell::Number(f64::from(n)),
                            TableCell::Share(s) => Cell::Percent(s),
                        })
                        .collect()
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    write_file(path, &workbook(&sheets)?)
}

/// The publishable ranking (sheets 信用评级排名, 扣分明细, 评级依据).
pub fn ranking(ranking: &[GradedAgency], rules: &GradeRules, day: NaiveDate, path: &Path) -> Result<(), PrintError> {
    let sheets = ranking_tables(ranking, rules, day)
        .into_iter()
        .map(|t| Sheet {
            name: t.name.to_owned(),
            header: t.header,
            rows: t
                .rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|c| match c {
                            RankingCell::Text(s) => Cell::Text(s),
                            RankingCell::Number(n) => Cell::Number(n),
                        })
                        .collect()
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    write_file(path, &workbook(&sheets)?)
}
