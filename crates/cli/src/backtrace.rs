//! `safeserve backtrace`: 事故关联倒查 (R12) from the command line — a readable Chinese summary,
//! the whole trace as JSON, or the A4 report as a PDF. Exit 0 done, 2 an error (an unknown
//! enterprise, an accident date in the future, a database that cannot be read).

use chrono::NaiveDate;
use safeserve_core::backtrace::{
    unknown_enterprise, AgencyTrace, Backtrace, ContractTrace, DocumentTrace, HazardStanding, HazardTrace, Period,
    VisitTrace,
};
use safeserve_core::{EnterpriseId, Message};
use safeserve_store::StoreError;
use std::path::Path;
use std::process::ExitCode;

/// What the command was asked.
pub struct Request<'a> {
    pub db: &'a Path,
    pub enterprise: EnterpriseId,
    pub date: NaiveDate,
    pub months: u32,
    pub out: Option<&'a Path>,
    pub json: bool,
}

fn say(m: &Message) -> ExitCode {
    crate::output::error(m)
}

pub fn run(r: &Request<'_>, today: NaiveDate) -> ExitCode {
    // The date is checked before the database is opened: a typo needs no disk.
    if let Err(m) = Period::new(r.date, r.months, today) {
        return say(&m);
    }
    let store = match crate::open_existing(r.db) {
        Ok(s) => s,
        Err(e) => return crate::fail(&e),
    };
    let trace = match store.backtrace(r.enterprise, r.date, r.months) {
        Ok(t) => t,
        Err(StoreError::NotFound { what: "enterprise", .. }) => return say(&unknown_enterprise(r.enterprise)),
        Err(e) => return crate::fail(&e),
    };
    if let Some(out) = r.out {
        let written = safeserve_print::backtrace_pdf(&trace)
            .and_then(|(_, bytes)| safeserve_print::write_file(out, &bytes).map(|_| bytes.len()));
        return match written {
            Ok(bytes) => {
                say!(
                    "已生成事故关联倒查报告 back-trace report written: {}（{} KB）",
                    out.display(),
                    bytes.div_ceil(1024)
                );
                ExitCode::SUCCESS
            }
            Err(e) => say(&e.message()),
        };
    }
    if r.json {
        crate::output::json(&trace);
    } else {
        say_raw!("{}", summary(&trace));
    }
    ExitCode::SUCCESS
}

/// The trace as a supervisor reads it on a terminal, Chinese first.
pub fn summary(b: &Backtrace) -> String {
    let mut s = String::new();
    let e = &b.enterprise;
    s += &format!("事故关联倒查  {}（{}）\n", e.name, e.credit_code);
    s += &format!(
        "事故日期 {}；倒查期间 {} 至 {}（{} 个月，含首尾两日）\n",
        b.accident, b.period.from, b.period.to, b.period.months
    );
    s += &format!("总体：{}\n", b.totals.line.zh);
    if b.agencies.is_empty() {
        s += "\n倒查期间内没有服务机构的合同或服务记录。\n";
    }
    for a in &b.agencies {
        agency(&mut s, a);
    }
    s += &format!("\n【监管部门检查及其他记录】{}\n", b.inspections_tally.line.zh);
    for v in &b.inspections.visits {
        visit(&mut s, v);
    }
    for h in &b.inspections.hazards {
        hazard(&mut s, h);
    }
    for d in &b.inspections.documents {
        document(&mut s, d);
    }
    if !b.other_documents.is_empty() {
        s += "\n【期间内签署的其他文书】\n";
        for d in &b.other_documents {
            document(&mut s, d);
        }
    }
    s
}

fn agency(s: &mut String, a: &AgencyTrace) {
    *s += &format!("\n【服务机构】{}（{}）\n  {}\n", a.agency.name, a.agency.credit_code, a.tally.line.zh);
    if a.contracts.is_empty() {
        *s += "  合同：倒查期间内无有效服务合同\n";
    }
    for c in &a.contracts {
        contract(s, c);
    }
    for v in &a.visits {
        visit(s, v);
    }
    for h in &a.hazards {
        hazard(s, h);
    }
    for d in &a.documents {
        document(s, d);
    }
}

fn contract(s: &mut String, c: &ContractTrace) {
    let types = c.service_types.iter().map(|t| t.label_zh()).collect::<Vec<_>>().join("、");
    *s += &format!(
        "  合同：{} 至 {} · {types} · {} 次/年 · {} 元{}{}{}\n",
        c.starts_on,
        c.ends_on,
        c.visits_per_year,
        c.fee_yuan,
        if c.government_commissioned { " · 政府委托" } else { "" },
        if c.filed { " · 已报备" } else { " · 未报备" },
        if c.in_force_on_accident { " · 事故日有效" } else { "" },
    );
}

fn visit(s: &mut String, v: &VisitTrace) {
    let people =
        v.people.iter().map(|p| format!("{}（{}）", p.name, p.id_number_masked)).collect::<Vec<_>>().join("、");
    *s += &format!(
        "  检查：{} {} · {people} · 隐患 重大 {} / 一般 {}{}\n",
        v.started_at.get(..16).unwrap_or(&v.started_at).replace('T', " "),
        v.kind.label_zh(),
        v.hazards_major,
        v.hazards_general,
        if v.ended_at.is_none() { " · 未结束" } else { "" },
    );
}

fn hazard(s: &mut String, h: &HazardTrace) {
    let closed = match h.closed_on {
        Some(d) if h.closed_before_accident => format!(" · {d} 闭环"),
        Some(d) => format!(" · {d} 闭环（事故后）"),
        None => String::new(),
    };
    *s += &format!(
        "  隐患：[{}] {} · 发现 {} · 期限 {} · 事故日{}{}{closed}\n",
        h.level.label_zh(),
        h.description,
        h.found_on,
        h.deadline,
        h.standing.label_zh(),
        if h.reported_to_government { "（已报告政府）" } else { "" },
    );
    if h.standing == HazardStanding::Overdue && h.level == safeserve_core::hazard::HazardLevel::Major {
        *s += "        ↑ 重大隐患事故发生时逾期未整改\n";
    }
}

fn document(s: &mut String, d: &DocumentTrace) {
    *s += &format!(
        "  文书：{} 第 {} 版 · {} · 验证码 {}{}{}\n",
        d.kind.label_zh(),
        d.version,
        d.signed_at.get(..16).unwrap_or(&d.signed_at).replace('T', " "),
        d.verification_code,
        if d.superseded { " · 已被更正" } else { "" },
        if d.signed_after_accident { " · 事故后签署" } else { "" },
    );
}
