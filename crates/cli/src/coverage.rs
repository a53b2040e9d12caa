//! `safeserve coverage`: R14 coverage per district and township, as a Chinese table, as JSON,
//! or as an Excel workbook with the same columns (`CoverageReport::tables`).

use chrono::NaiveDate;
use safeserve_core::coverage::{Attainment, CoverageReport, CoverageRow, Measure};
use safeserve_core::Message;
use std::path::Path;
use std::process::ExitCode;

fn say_error(m: &Message) -> ExitCode {
    crate::output::error(m)
}

pub fn coverage(db: &Path, day: NaiveDate, within: Option<&str>, json: bool, out: Option<&Path>) -> ExitCode {
    let store = match crate::open_existing(db) {
        Ok(s) => s,
        Err(e) => return crate::fail(&e),
    };
    let report = match store.coverage(day, within) {
        Ok(r) => r,
        Err(e) => return crate::fail(&e),
    };
    if let Some(out) = out {
        if let Err(m) = write_workbook(&report, out) {
            return say_error(&m);
        }
    }
    if json {
        crate::output::json(&report);
    } else {
        let mut text = tables_text(&report);
        if let Some(out) = out {
            text.push_str(&format!("\n已导出 Excel exported: {}\n", out.display()));
        }
        // A reader that stops early (`| head`) is not an error.
        let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    }
    ExitCode::SUCCESS
}

fn write_workbook(report: &CoverageReport, out: &Path) -> Result<(), Message> {
    safeserve_print::spreadsheets::coverage(report, out).map_err(|e| e.message())
}

/// Terminal columns of `s`: CJK characters take two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if ('\u{2E80}'..='\u{FFEF}').contains(&c) { 2 } else { 1 }).sum()
}

fn pad(s: &str, to: usize) -> String {
    format!("{s}{}", " ".repeat(to.saturating_sub(width(s))))
}

/// "served/total share verdict", or a dash when there is nothing to count.
fn cell(row: &CoverageRow, measure: Measure) -> String {
    let m = row.measure(measure);
    match (m.share, m.attainment) {
        (Some(share), a) => format!(
            "{}/{} {:.1}%{}",
            m.served,
            m.total,
            share * 100.0,
            if a == Attainment::Unmet { " 未达标" } else { "" }
        ),
        (None, _) => "—".to_owned(),
    }
}

fn table_text(out: &mut String, title: &str, rows: &[&CoverageRow], name: impl Fn(&CoverageRow) -> String) {
    let mut lines: Vec<Vec<String>> =
        vec![std::iter::once(title.to_owned()).chain(Measure::ALL.iter().map(|m| m.label_zh().to_owned())).collect()];
    for r in rows {
        lines.push(std::iter::once(name(r)).chain(Measure::ALL.iter().map(|m| cell(r, *m))).collect());
    }
    let widths: Vec<usize> =
        (0..lines[0].len()).map(|c| lines.iter().map(|l| width(&l[c])).max().unwrap_or(0)).collect();
    for line in &lines {
        let cells: Vec<String> = line.iter().zip(&widths).map(|(s, w)| pad(s, *w)).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
}

fn tables_text(report: &CoverageReport) -> String {
    let rules = &report.rules;
    let mut out = format!(
        "服务覆盖率（R14）{}{} — 目标：{} {}%，{} {}%，{} {}%（园区内在服务企业达 {}% 即计为已服务）\n",
        report.day.format("%Y年%m月%d日"),
        report.within.as_deref().map(|w| format!("，区划 {w}")).unwrap_or_default(),
        Measure::Parks.label_zh(),
        rules.targets.parks,
        Measure::ProductionSmallMicro.label_zh(),
        rules.targets.production_small_micro,
        Measure::HighRisk.label_zh(),
        rules.targets.high_risk,
        rules.park_served_percent,
    );
    out.push_str("（已服务/总数 覆盖率；“—”表示无此类对象）\n\n");
    let districts: Vec<&CoverageRow> = report.districts.iter().chain([&report.total]).collect();
    table_text(&mut out, "区县", &districts, |r| r.name.clone());
    out.push('\n');
    let district_name = |r: &CoverageRow| {
        let parent = r.parent.as_deref().and_then(|p| report.districts.iter().find(|d| d.code == p));
        match parent {
            Some(d) => format!("{} · {}", d.name, r.name),
            None => r.name.clone(),
        }
    };
    let townships: Vec<&CoverageRow> = report.townships.iter().collect();
    table_text(&mut out, "乡镇街道", &townships, district_name);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_characters_pad_as_two_columns() {
        assert_eq!(width("西湖区"), 6);
        assert_eq!(width("3/5 60.0%"), 9);
        assert_eq!(pad("西湖区", 8), "西湖区  ");
    }
}
