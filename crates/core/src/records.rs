//! The ledgers of the evidence a bureau keeps beside its registers (检查记录台账, 隐患台账):
//! visits and the hazards they found, one a row, chosen by the same filter the screen lists
//! them with, so what a supervisor sees is what the workbook holds.

use crate::form::{problem, FieldProblem};
use crate::labels::labelled_enum;
use crate::visit::VisitKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

labelled_enum! {
    /// A ledger of the evidence.
    RecordKind {
        Visits = "visits", "检查记录", "Visits";
        Hazards = "hazards", "隐患", "Hazards";
    }
}

/// Which visits a ledger holds, and so which hazards (those the visits found).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct RecordFilter {
    /// The first and the last day a visit started on (`YYYY-MM-DD`); either may be open.
    pub from: Option<String>,
    pub to: Option<String>,
    /// A division code or its prefix: an enterprise by its township, an agency inspection by
    /// the agency's division.
    pub within: Option<String>,
    pub kind: Option<VisitKind>,
    /// Visits that found a major hazard; in the hazard ledger, major hazards only.
    pub major_only: bool,
}

/// A [`RecordFilter`] whose dates were read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckedFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Empty for everywhere.
    pub within: String,
    pub kind: Option<VisitKind>,
    pub major_only: bool,
}

impl RecordFilter {
    /// The filter with its dates read; a date that is not one, or a range that ends before
    /// it starts, names its field.
    pub fn check(&self) -> Result<CheckedFilter, FieldProblem> {
        let day = |field: &'static str, text: &Option<String>| -> Result<Option<NaiveDate>, FieldProblem> {
            match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                None => Ok(None),
                Some(t) => t.parse().map(Some).map_err(|_| {
                    problem(field, format!("日期格式应为 YYYY-MM-DD：{t}"), format!("Dates are YYYY-MM-DD: {t}"))
                }),
            }
        };
        let (from, to) = (day("from", &self.from)?, day("to", &self.to)?);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(problem(
                    "to",
                    format!("结束日期 {t} 早于开始日期 {f}"),
                    format!("The range ends ({t}) before it starts ({f})"),
                ));
            }
        }
        let within = self.within.as_deref().map(str::trim).unwrap_or_default();
        if !within.bytes().all(|b| b.is_ascii_digit()) {
            return Err(problem(
                "within",
                format!("区划应为 GB/T 2260 代码：{within}"),
                format!("A division is its GB/T 2260 code: {within}"),
            ));
        }
        Ok(CheckedFilter { from, to, within: within.to_owned(), kind: self.kind, major_only: self.major_only })
    }
}

/// The visit ledger's columns.
pub const VISIT_COLUMNS: [&str; 11] = [
    "检查日期",
    "结束时间",
    "检查类别",
    "检查对象",
    "统一社会信用代码",
    "所在区划",
    "检查人员",
    "检查表",
    "重大隐患（项）",
    "一般隐患（项）",
    "状态",
];

/// The hazard ledger's columns.
pub const HAZARD_COLUMNS: [&str; 15] = [
    "发现日期",
    "单位",
    "统一社会信用代码",
    "所在区划",
    "隐患描述",
    "部位",
    "类别",
    "等级",
    "整改措施",
    "整改期限",
    "整改责任人",
    "整改状态",
    "是否逾期",
    "检查类别",
    "检查人员",
];

impl RecordKind {
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            RecordKind::Visits => &VISIT_COLUMNS,
            RecordKind::Hazards => &HAZARD_COLUMNS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_reads_its_dates_and_names_what_is_wrong() {
        let f = RecordFilter {
            from: Some("2026-01-01".into()),
            to: Some(" 2026-06-30 ".into()),
            within: Some("330106".into()),
            ..RecordFilter::default()
        };
        let c = f.check().unwrap();
        assert_eq!(
            (c.from, c.to, c.within.as_str()),
            (NaiveDate::from_ymd_opt(2026, 1, 1), NaiveDate::from_ymd_opt(2026, 6, 30), "330106")
        );
        assert_eq!(RecordFilter::default().check().unwrap(), CheckedFilter::default());
        let backwards = RecordFilter { from: Some("2026-07-01".into()), to: Some("2026-06-30".into()), ..f.clone() };
        assert_eq!(backwards.check().unwrap_err().field, "to");
        let bad = RecordFilter { from: Some("六月".into()), ..f.clone() };
        assert_eq!(bad.check().unwrap_err().field, "from");
        let injected = RecordFilter { within: Some("33' OR 1=1".into()), ..f };
        assert_eq!(injected.check().unwrap_err().field, "within");
    }
}
