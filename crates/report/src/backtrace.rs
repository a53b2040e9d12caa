//! 事故关联倒查报告 (R12): the back-trace of an enterprise after an accident, on A4.
//!
//! It is a report, not a signed document: it is drawn from the live records when asked for,
//! so it carries no verification code, no QR code and no stamp — `safeserve verify` must not
//! take it for a document. What it lists (hazard lists, notices …) can each be verified by the
//! code printed beside them. It uses the forms' own machinery: the flow with its running head,
//! ruled tables that repeat their header across pages, the embedded font subsets, and the
//! two-pass page numbers "第 N 页 共 M 页".

use crate::footer::page_of;
use crate::forms::{chinese_datetime, BODY, TABLE};
use crate::layout::{Flow, Page, TextStyle, FORM_AREA, GREY, MAJOR_FILL, RED, RULE};
use crate::photos::ImageBank;
use crate::table::{self, col, Cell, Row};
use crate::{pdf, stamp, PhotoSource, ReportError};
use lopdf::Object;
use safeserve_core::backtrace::{
    AgencyTrace, Backtrace, ContractTrace, DocumentTrace, HazardStanding, HazardTrace, Tally, VisitTrace,
};
use safeserve_core::document::{chinese_date, sha256_hex};
use safeserve_core::hazard::HazardLevel;

const TITLE: &str = "事故关联倒查报告";

/// A report shows no photos; a flow still wants a source.
struct NoPhotos;

impl PhotoSource for NoPhotos {
    fn jpeg(&self, _: &safeserve_core::document::PhotoFacts) -> Result<Vec<u8>, String> {
        Err("倒查报告不含照片".into())
    }
}

/// The back-trace as a PDF. `generated_at` (RFC 3339) is printed and is the file's date, so
/// the same trace generated at the same moment gives the same bytes.
pub fn render_backtrace(b: &Backtrace, generated_at: &str) -> Result<Vec<u8>, ReportError> {
    let mut images = ImageBank::default();
    let mut pages = layout(b, generated_at, &mut images)?;
    let total = pages.len();
    let head = format!("{TITLE} · {}", b.enterprise.name);
    for (i, page) in pages.iter_mut().enumerate() {
        footer(page, i + 1, total, &head);
    }
    let digest =
        sha256_hex(format!("{}:{}:{}:{generated_at}", b.enterprise.id, b.accident, b.period.months).as_bytes());
    let id =
        uuid::Uuid::from_slice(&safeserve_core::document::unhex(&digest[..32]).unwrap_or_default()).unwrap_or_default();
    let meta = stamp::Meta {
        title: format!("{TITLE} — {}", b.enterprise.name),
        subject: format!("事故日期 {}，倒查期间 {} 至 {}", b.accident, b.period.from, b.period.to),
        id,
        content_hash: digest,
        signed_at: generated_at.to_string(),
        signature_field: false,
    };
    unstamp(pdf::assemble(pages, images, &meta)?)
}

/// Takes the document stamp out of the Info dictionary: a report is not a signed document, and
/// a stamp would send `safeserve verify` looking for one.
fn unstamp(bytes: Vec<u8>) -> Result<Vec<u8>, ReportError> {
    let mut doc = lopdf::Document::load_mem(&bytes)?;
    let info = doc.trailer.get(b"Info").and_then(Object::as_reference)?;
    let dict = doc.get_dictionary_mut(info)?;
    dict.remove(stamp::KEY.as_bytes());
    dict.remove(b"Keywords");
    let mut out = Vec::with_capacity(bytes.len());
    doc.save_to(&mut out).map_err(lopdf::Error::from)?;
    Ok(out)
}

/// Page N of M, what the report is, and that it is not itself a signed document.
fn footer(page: &mut Page, n: usize, total: usize, head: &str) {
    let (left, right) = (FORM_AREA.left, FORM_AREA.right);
    page.line(left, 272.0, right, 272.0, 0.4, RULE);
    let small = TextStyle::sans(7.0).color(GREY);
    page.text(left, 278.5, head, &TextStyle::sans(8.5));
    page.text_right(right, 278.5, &page_of(n, total), &TextStyle::sans(9.5));
    page.text(left, 283.5, "本报告依据 SafeServe 记录即时生成，不是签署文书；所列文书可凭其验证码逐份核验。", &small);
}

/// 一、二 … 十九; then arabic numbers.
fn numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        _ => n.to_string(),
    }
}

fn layout(b: &Backtrace, generated_at: &str, images: &mut ImageBank) -> Result<Vec<Page>, ReportError> {
    let mut f = Flow::new(FORM_AREA, images, &NoPhotos);
    f.running_head = Some(format!("{TITLE} · {}", b.enterprise.name));
    title(&mut f, generated_at);
    let mut n = 0;
    let mut section = |f: &mut Flow, text: &str| {
        n += 1;
        f.heading(&format!("{}、{text}", numeral(n)));
    };

    section(&mut f, "企业与事故");
    let e = &b.enterprise;
    let industry = if e.high_risk {
        format!("{}（高危行业）", e.industry.label_zh())
    } else {
        e.industry.label_zh().to_string()
    };
    table::facts(
        &mut f,
        &[
            vec![("企业名称", e.name.clone())],
            vec![("统一社会信用代码", e.credit_code.clone()), ("主要负责人", e.principal.clone())],
            vec![("所在地", e.division_name.clone()), ("行业", industry)],
            vec![("地址", e.address.clone())],
            vec![
                ("事故日期", chinese_date(&b.accident.to_string())),
                ("倒查期限", format!("{} 个月", b.period.months)),
            ],
            vec![(
                "倒查期间",
                format!(
                    "{} 至 {}（含首尾两日）",
                    chinese_date(&b.period.from.to_string()),
                    chinese_date(&b.period.to.to_string())
                ),
            )],
        ],
        &BODY,
    );

    section(&mut f, "总体情况");
    overview(&mut f, b);

    for a in &b.agencies {
        section(&mut f, &format!("服务机构：{}", a.agency.name));
        agency(&mut f, a);
    }

    section(&mut f, "监管部门检查及其他记录");
    let o = &b.inspections;
    if o.visits.is_empty() && o.documents.is_empty() {
        f.paragraph("倒查期间内没有监管部门检查记录。", &BODY, 0.0);
    } else {
        tally_line(&mut f, &b.inspections_tally);
        visits(&mut f, &o.visits);
        hazards(&mut f, &o.hazards);
        documents(&mut f, &o.documents);
    }

    if !b.other_documents.is_empty() {
        section(&mut f, "期间内签署的其他文书");
        documents(&mut f, &b.other_documents);
    }
    f.gap(3.0);
    f.paragraph(
        "说明：隐患状态按事故发生当日及以前的记录认定（当日闭环的计为已闭环）；“事故后签署”指文书在事故日之后才签字，应核实其真实性。",
        &TextStyle::sans(8.0).color(GREY),
        0.0,
    );
    Ok(f.pages)
}

fn title(f: &mut Flow, generated_at: &str) {
    let (l, r) = (f.area.left, f.area.right);
    let cx = (l + r) / 2.0;
    let y = f.y;
    let page = f.page();
    page.text_centered(cx, y + 4.0, "安全生产社会化服务监管", &TextStyle::sans(10.5).color(GREY));
    page.text_centered(cx, y + 14.0, TITLE, &TextStyle::sans(20.0).bold());
    page.text_right(
        r,
        y + 22.0,
        &format!("生成时间：{}", chinese_datetime(generated_at)),
        &TextStyle::sans(8.0).color(GREY),
    );
    f.y = y + 25.0;
}

/// A small bold label over a table; kept with the first rows of what follows.
fn sub(f: &mut Flow, text: &str) {
    f.ensure(16.0);
    f.gap(1.5);
    f.paragraph(text, &TextStyle::sans(9.5).bold(), 0.0);
}

fn tally_line(f: &mut Flow, t: &Tally) {
    let ts = if t.major_open_at_accident > 0 || t.short_of_contract { BODY.color(RED) } else { BODY };
    f.paragraph(&t.line.zh, &ts, 0.0);
}

fn overview(f: &mut Flow, b: &Backtrace) {
    f.paragraph(
        &format!(
            "倒查期间内为该企业提供服务的机构 {} 家，监管部门检查 {} 次。",
            b.agencies.len(),
            b.inspections.visits.len()
        ),
        &BODY,
        0.0,
    );
    tally_line(f, &b.totals);
    if b.agencies.is_empty() {
        f.paragraph("倒查期间内没有服务机构的合同或服务记录。", &BODY.color(RED), 0.0);
        return;
    }
    f.gap(1.5);
    let cols = [
        col("服务机构", 0.3, false),
        col("事故日合同", 0.12, true),
        col("服务次数（实际/约定）", 0.16, true),
        col("发现隐患（重大）", 0.14, true),
        col("事故日未闭环（重大）", 0.16, true),
        col("已签文书", 0.12, true),
    ];
    let rows: Vec<Row> = b
        .agencies
        .iter()
        .map(|a| {
            let t = &a.tally;
            let in_force = a.contracts.iter().any(|c| c.in_force_on_accident);
            let warn = |text: String, bad: bool| Cell { text, style: bad.then_some(TABLE.color(RED)) };
            Row {
                cells: vec![
                    a.agency.name.as_str().into(),
                    if in_force { "有效" } else { "无" }.into(),
                    warn(format!("{} / {}", t.visits_made, t.visits_contracted), t.short_of_contract),
                    format!("{}（{}）", t.hazards_found, t.major_found).into(),
                    warn(
                        format!("{}（{}）", t.open_at_accident, t.major_open_at_accident),
                        t.major_open_at_accident > 0,
                    ),
                    a.documents.len().to_string().into(),
                ],
                fill: None,
            }
        })
        .collect();
    table::draw(f, &cols, &rows, &TABLE);
}

fn agency(f: &mut Flow, a: &AgencyTrace) {
    table::facts(
        f,
        &[vec![("机构名称", a.agency.name.clone()), ("统一社会信用代码", a.agency.credit_code.clone())]],
        &BODY,
    );
    f.gap(1.0);
    tally_line(f, &a.tally);
    contracts(f, &a.contracts);
    visits(f, &a.visits);
    hazards(f, &a.hazards);
    documents(f, &a.documents);
}

fn yes(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

fn contracts(f: &mut Flow, contracts: &[ContractTrace]) {
    sub(f, &format!("服务合同（{} 份）", contracts.len()));
    if contracts.is_empty() {
        f.paragraph("倒查期间内无有效服务合同。", &BODY.color(RED), 0.0);
        return;
    }
    let cols = [
        col("合同期限", 0.22, true),
        col("服务类型", 0.24, false),
        col("频次（次/年）", 0.11, true),
        col("费用（元）", 0.12, true),
        col("政府委托", 0.1, true),
        col("已报备", 0.09, true),
        col("事故日有效", 0.12, true),
    ];
    let rows: Vec<Row> = contracts
        .iter()
        .map(|c| Row {
            cells: vec![
                format!("{}\n至 {}", chinese_date(&c.starts_on.to_string()), chinese_date(&c.ends_on.to_string()))
                    .into(),
                c.service_types.iter().map(|s| s.label_zh()).collect::<Vec<_>>().join("、").into(),
                c.visits_per_year.to_string().into(),
                c.fee_yuan.as_str().into(),
                yes(c.government_commissioned).into(),
                yes(c.filed).into(),
                yes(c.in_force_on_accident).into(),
            ],
            fill: None,
        })
        .collect();
    table::draw(f, &cols, &rows, &TABLE);
}

fn visits(f: &mut Flow, visits: &[VisitTrace]) {
    sub(f, &format!("现场检查与服务（{} 次）", visits.len()));
    if visits.is_empty() {
        f.paragraph("倒查期间内无现场记录。", &BODY, 0.0);
        return;
    }
    let cols = [
        col("日期", 0.15, true),
        col("类型", 0.1, true),
        col("派出人员（身份证号）", 0.37, false),
        col("检查表", 0.23, false),
        col("隐患（重大/一般）", 0.15, true),
    ];
    let rows: Vec<Row> = visits
        .iter()
        .map(|v| {
            let people =
                v.people.iter().map(|p| format!("{}（{}）", p.name, p.id_number_masked)).collect::<Vec<_>>().join("\n");
            let unfinished = if v.ended_at.is_none() { "\n（未结束）" } else { "" };
            Row {
                cells: vec![
                    format!("{}{unfinished}", chinese_datetime(&v.started_at)).into(),
                    v.kind.label_zh().into(),
                    people.into(),
                    v.template_title.as_str().into(),
                    format!("{} / {}", v.hazards_major, v.hazards_general).into(),
                ],
                fill: None,
            }
        })
        .collect();
    table::draw(f, &cols, &rows, &TABLE);
}

fn standing_cell(h: &HazardTrace) -> Cell {
    let mut text = h.standing.label_zh().to_string();
    if h.reported_to_government {
        text.push_str("\n已报告政府");
    }
    let style = (h.standing != HazardStanding::Closed).then_some(TABLE.color(RED).bold());
    Cell { text, style }
}

fn hazards(f: &mut Flow, hazards: &[HazardTrace]) {
    let major = hazards.iter().filter(|h| h.level == HazardLevel::Major).count();
    sub(f, &format!("发现的隐患（{} 项，其中重大隐患 {major} 项）", hazards.len()));
    if hazards.is_empty() {
        f.paragraph("倒查期间内未记录隐患。", &BODY, 0.0);
        return;
    }
    let cols = [
        col("序号", 0.055, true),
        col("等级", 0.095, true),
        col("发现日期", 0.145, true),
        col("隐患描述 / 位置", 0.26, false),
        col("整改期限", 0.145, true),
        col("事故日状态", 0.12, true),
        col("闭环日期", 0.18, true),
    ];
    let rows: Vec<Row> = hazards
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let is_major = h.level == HazardLevel::Major;
            let level =
                Cell { text: h.level.label_zh().to_string(), style: is_major.then_some(TABLE.color(RED).bold()) };
            let description = if h.location.is_empty() {
                h.description.clone()
            } else {
                format!("{}\n位置：{}", h.description, h.location)
            };
            let closed = match h.closed_on {
                Some(d) if !h.closed_before_accident => format!("{}\n（事故后）", chinese_date(&d.to_string())),
                Some(d) => chinese_date(&d.to_string()),
                None => "未闭环".to_string(),
            };
            Row {
                cells: vec![
                    (i + 1).to_string().into(),
                    level,
                    chinese_date(&h.found_on.to_string()).into(),
                    description.into(),
                    chinese_date(&h.deadline.to_string()).into(),
                    standing_cell(h),
                    closed.into(),
                ],
                fill: is_major.then_some(MAJOR_FILL),
            }
        })
        .collect();
    table::draw(f, &cols, &rows, &TABLE);
}

fn documents(f: &mut Flow, documents: &[DocumentTrace]) {
    sub(f, &format!("已签文书（{} 份）", documents.len()));
    if documents.is_empty() {
        f.paragraph("无。", &BODY, 0.0);
        return;
    }
    let cols = [
        col("文书", 0.2, true),
        col("版本", 0.08, true),
        col("签署时间", 0.22, true),
        col("验证码", 0.27, true),
        col("备注", 0.23, true),
    ];
    let rows: Vec<Row> = documents
        .iter()
        .map(|d| {
            let mut notes = Vec::new();
            if d.superseded {
                notes.push("已被更正");
            }
            if d.signed_after_accident {
                notes.push("事故后签署");
            }
            let note =
                Cell { text: notes.join("、"), style: d.signed_after_accident.then_some(TABLE.color(RED).bold()) };
            Row {
                cells: vec![
                    d.kind.label_zh().into(),
                    format!("第 {} 版", d.version).into(),
                    chinese_datetime(&d.signed_at).into(),
                    d.verification_code.as_str().into(),
                    note,
                ],
                fill: None,
            }
        })
        .collect();
    table::draw(f, &cols, &rows, &TABLE);
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeserve_core::backtrace::*;
    use safeserve_core::document::DocumentKind;
    use safeserve_core::hazard::{HazardCategory, HazardStatus};
    use safeserve_core::register::{Industry, ServiceType};
    use safeserve_core::visit::VisitKind;
    use safeserve_core::*;
    use std::process::Command;

    /// A date; its type comes from where it goes (this crate does not depend on chrono).
    macro_rules! d {
        ($s:literal) => {
            $s.parse().unwrap()
        };
    }

    fn id(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn hazard(n: u128, level: HazardLevel, standing: HazardStanding, description: &str) -> HazardTrace {
        HazardTrace {
            id: HazardId(id(n)),
            visit_id: VisitId(id(10)),
            found_on: d!("2026-08-01"),
            level,
            category: HazardCategory::Fire,
            description: description.into(),
            location: "二号车间".into(),
            measure: "立即整改".into(),
            deadline: d!("2026-08-31"),
            standing,
            closed_before_accident: standing == HazardStanding::Closed,
            closed_on: (standing == HazardStanding::Closed).then(|| d!("2026-08-20")),
            reported_to_government: level == HazardLevel::Major,
            status_now: HazardStatus::Open,
        }
    }

    /// A trace as the store would give it: one agency with two hazards, one spot check.
    pub(crate) fn sample() -> Backtrace {
        let hazards = vec![
            hazard(1, HazardLevel::Major, HazardStanding::Overdue, "危化品库可燃气体报警器失效"),
            hazard(2, HazardLevel::General, HazardStanding::Closed, "配电箱门未关闭"),
        ];
        let visits = vec![VisitTrace {
            id: VisitId(id(10)),
            kind: VisitKind::Service,
            date: d!("2026-08-01"),
            started_at: "2026-08-01T09:00:00+08:00".into(),
            ended_at: Some("2026-08-01T11:00:00+08:00".into()),
            template_title: "企业通用安全检查表".into(),
            people: vec![PersonSent {
                name: "李明".into(),
                id_number_masked: "330102********1234".into(),
                certificates: vec!["注册安全工程师 ZA001".into()],
            }],
            hazards_major: 1,
            hazards_general: 1,
        }];
        let tally = safeserve_core::backtrace::tally(&visits, &hazards, Some(4));
        let agency = AgencyTrace {
            agency: AgencyRef {
                id: AgencyId(id(100)),
                name: "杭州安诚安全技术咨询有限公司".into(),
                credit_code: "91330106MA2ABCDE1X".into(),
            },
            contracts: vec![ContractTrace {
                id: ContractId(id(20)),
                service_types: vec![ServiceType::SafetyManagement, ServiceType::ProfessionalTechnical],
                content: "安全管理服务".into(),
                visits_per_year: 4,
                starts_on: d!("2026-01-01"),
                ends_on: d!("2026-12-31"),
                fee_yuan: "12800.00".into(),
                filed: true,
                government_commissioned: false,
                in_force_on_accident: true,
            }],
            visits,
            hazards,
            documents: vec![DocumentTrace {
                id: DocumentId(id(30)),
                kind: DocumentKind::HazardList,
                title: "隐患清单".into(),
                version: 1,
                visit_id: Some(VisitId(id(10))),
                signed_at: "2026-11-25T10:00:00+08:00".into(),
                verification_code: "ABCD-EFGH-JKMN-PQRS".into(),
                superseded: false,
                signed_after_accident: true,
            }],
            tally: tally.clone(),
        };
        Backtrace {
            enterprise: EnterpriseFacts {
                id: EnterpriseId(id(1)),
                name: "杭州恒达化工有限公司".into(),
                credit_code: "91330106MA2XYZ0001".into(),
                address: "杭州市西湖区转塘街道某路 8 号".into(),
                division_name: "西湖区 · 转塘街道".into(),
                industry: Industry::Chemical,
                high_risk: true,
                principal: "王伟".into(),
            },
            accident: d!("2026-11-23"),
            period: Period::before(d!("2026-11-23"), 12).unwrap(),
            agencies: vec![agency],
            inspections: OtherVisits::default(),
            inspections_tally: safeserve_core::backtrace::tally(&[], &[], None),
            other_documents: vec![],
            totals: tally,
        }
    }

    fn pdftotext(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backtrace.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = Command::new("pdftotext")
            .args(["-enc", "UTF-8", &path.to_string_lossy(), "-"])
            .output()
            .unwrap_or_else(|e| panic!("pdftotext could not run ({e}); `./dev test` installs poppler-utils"));
        assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// pdftotext's plain output drops the spaces between runs; compare without any.
    fn compact(text: &str) -> String {
        text.split_whitespace().collect()
    }

    #[test]
    fn backtrace_pdf_holds_the_enterprise_agencies_and_hazards_as_real_text() {
        let b = sample();
        let pdf = render_backtrace(&b, "2026-11-24T09:00:00+08:00").unwrap();
        let text = pdftotext(&pdf);
        for needle in [
            TITLE,
            "杭州恒达化工有限公司",
            "杭州安诚安全技术咨询有限公司",
            "危化品库可燃气体报警器失效",
            "配电箱门未关闭",
            "330102********1234",
            "逾期未整改",
            "事故后签署",
        ] {
            assert!(text.contains(needle), "{needle} missing from:\n{text}");
        }
        assert!(compact(&text).contains("第1页共2页"), "page numbers: {text}");
        let major = text.find("危化品库可燃气体报警器失效").unwrap();
        let general = text.find("配电箱门未关闭").unwrap();
        assert!(major < general, "major hazards first (R8)");
        assert!(crate::read_stamp(&pdf).is_none(), "a report carries no document stamp");
        let again = render_backtrace(&b, "2026-11-24T09:00:00+08:00").unwrap();
        assert_eq!(pdf, again, "the same trace at the same moment gives the same bytes");
    }

    #[test]
    fn backtrace_pdf_numbers_pages_across_a_long_trace() {
        let mut b = sample();
        let many: Vec<HazardTrace> = (0..120)
            .map(|i| hazard(100 + i, HazardLevel::General, HazardStanding::Open, &format!("第 {i} 项一般隐患")))
            .collect();
        b.agencies[0].hazards.extend(many);
        let pdf = render_backtrace(&b, "2026-11-24T09:00:00+08:00").unwrap();
        let text = compact(&pdftotext(&pdf));
        let total: usize = text
            .split("第1页共")
            .nth(1)
            .and_then(|r| r.split('页').next())
            .and_then(|n| n.parse().ok())
            .expect("page 1 says how many pages there are");
        assert!(total > 2, "{total} pages");
        for n in 1..=total {
            assert!(text.contains(&format!("第{n}页共{total}页")), "page {n} of {total}");
        }
        assert!(text.contains("第119项一般隐患"), "the table flowed on to the end");
    }
}
