//! One module per printed form; this one holds the blocks several forms share.

pub(crate) mod enterprise_file;
pub(crate) mod hazard_list;
pub(crate) mod inspection_record;
pub(crate) mod rectification_notice;
pub(crate) mod reinspection;
pub(crate) mod service_plan;

use crate::layout::{Flow, TextStyle, FORM_AREA, GREY, MAJOR_FILL, RED};
use crate::photos::ImageBank;
use crate::table::{self, col, Cell, Row};
use crate::{PhotoSource, ReportError};
use safeserve_core::document::{
    chinese_date, DocumentContent, HazardFacts, Party, PhotoFacts, SignedDocument, VisitFacts,
};

/// Body text of the forms: 五号 (10.5 pt) would crowd the tables; 9.5 pt reads well on A4.
pub(crate) const BODY: TextStyle = TextStyle::sans(9.5);
pub(crate) const TABLE: TextStyle = TextStyle::sans(8.5);

/// `2026-11-23T09:30:00+08:00` → `2026年11月23日 09:30`.
pub(crate) fn chinese_datetime(rfc3339: &str) -> String {
    let date = chinese_date(rfc3339);
    match rfc3339.get(11..16) {
        Some(t) if t.as_bytes().get(2) == Some(&b':') => format!("{date} {t}"),
        _ => date,
    }
}

/// A new flow in the forms' area, its continuation pages headed with the form and the subject.
pub(crate) fn flow<'a>(doc: &SignedDocument, images: &'a mut ImageBank, photos: &'a dyn PhotoSource) -> Flow<'a> {
    let mut f = Flow::new(FORM_AREA, images, photos);
    f.running_head = Some(format!("{} · {}", title(&doc.content), doc.content.subject.name));
    f
}

pub(crate) fn title(c: &DocumentContent) -> String {
    if c.title.trim().is_empty() {
        c.kind.label_zh().to_string()
    } else {
        c.title.clone()
    }
}

/// The issuing body, the form's title, and a line naming the document and its signing.
pub(crate) fn title_block(flow: &mut Flow, doc: &SignedDocument) {
    let c = &doc.content;
    let (l, r) = (flow.area.left, flow.area.right);
    let cx = (l + r) / 2.0;
    let y = flow.y;
    let page = flow.page();
    if !c.issuer.name.is_empty() {
        page.text_centered(cx, y + 4.0, &c.issuer.name, &TextStyle::sans(10.5).color(GREY));
    }
    let ts = TextStyle::sans(20.0).bold();
    page.text_centered(cx, y + 14.0, &title(c), &ts);
    let small = TextStyle::sans(8.0).color(GREY);
    page.text(l, y + 22.0, &format!("编号：{}", doc.id.0), &small);
    page.text_right(r, y + 22.0, &format!("签署时间：{}", chinese_datetime(&c.signed_at)), &small);
    flow.y = y + 25.0;
    correction(flow, c);
}

/// A correction says so at the top: which document it replaces and why (R6).
pub(crate) fn correction(flow: &mut Flow, c: &DocumentContent) {
    let Some(replaced) = &c.replaces else { return };
    let ts = TextStyle::sans(9.5).color(RED);
    let text = format!("本文书更正并取代 {replaced}。原因：{}", c.correction_reason);
    let lines = crate::layout::wrap(&text, &ts, flow.area.width() - 6.0);
    let h = lines.len() as f32 * ts.leading() + 3.0;
    flow.ensure(h);
    let (l, w, y) = (flow.area.left, flow.area.width(), flow.y);
    let page = flow.page();
    page.stroke_rect(l, y, w, h, 0.8, RED);
    for (i, line) in lines.iter().enumerate() {
        page.text(l + 3.0, y + 1.5 + ts.ascent() + i as f32 * ts.leading() + 0.6, line, &ts);
    }
    flow.y = y + h + 3.0;
}

pub(crate) fn party(flow: &mut Flow, p: &Party, name_label: &'static str) {
    table::facts(
        flow,
        &[
            vec![(name_label, p.name.clone())],
            vec![("统一社会信用代码", p.credit_code.clone()), ("主要负责人", p.principal.clone())],
            vec![("地址", p.address.clone())],
        ],
        &BODY,
    );
}

pub(crate) fn visit(flow: &mut Flow, v: &VisitFacts) {
    table::facts(
        flow,
        &[
            vec![("类型", v.kind.clone()), ("地点", v.place.clone())],
            vec![("开始时间", chinese_datetime(&v.started_at)), ("结束时间", chinese_datetime(&v.ended_at))],
            vec![("检查表", v.checklist.clone())],
        ],
        &BODY,
    );
}

/// The people sent, with their certificates; ID numbers arrive masked and are printed so.
/// The headings of the opening a visit's forms share (numbered as each form numbers them).
pub(crate) struct Opening {
    pub subject: &'static str,
    pub subject_name: &'static str,
    pub visit: &'static str,
    /// The row naming who issues the form, e.g. 服务机构.
    pub issuer: Option<&'static str>,
    pub people: Option<&'static str>,
}

/// Title, the enterprise or agency, the visit and the people sent.
pub(crate) fn opening(f: &mut Flow, doc: &SignedDocument, o: &Opening) {
    let c = &doc.content;
    title_block(f, doc);
    f.heading(o.subject);
    party(f, &c.subject, o.subject_name);
    if let Some(v) = &c.visit {
        f.heading(o.visit);
        if let Some(label) = o.issuer {
            table::facts(f, &[vec![(label, c.issuer.name.clone())]], &BODY);
        }
        visit(f, v);
    }
    if let Some(heading) = o.people.filter(|_| !c.people.is_empty()) {
        f.heading(heading);
        people(f, c);
    }
}

pub(crate) fn people(flow: &mut Flow, c: &DocumentContent) {
    let cols =
        [col("姓名", 0.14, true), col("身份证号", 0.24, true), col("资格证书（类别 · 编号 · 有效期）", 0.62, false)];
    let rows: Vec<Row> = c
        .people
        .iter()
        .map(|p| {
            let certs = p
                .certificates
                .iter()
                .map(|k| {
                    let until = if k.expires_on.is_empty() {
                        "长期".to_string()
                    } else {
                        format!("至{}", chinese_date(&k.expires_on))
                    };
                    format!("{} · {} · {until}", k.kind, k.number)
                })
                .collect::<Vec<_>>()
                .join("\n");
            Row { cells: vec![p.name.as_str().into(), p.id_number.as_str().into(), certs.into()], fill: None }
        })
        .collect();
    table::draw(flow, &cols, &rows, &TABLE);
}

fn level_cell(h: &HazardFacts) -> Cell {
    if h.major {
        Cell { text: h.level.clone(), style: Some(TABLE.color(RED).bold()) }
    } else {
        h.level.as_str().into()
    }
}

fn description(h: &HazardFacts) -> String {
    if h.location.is_empty() {
        h.description.clone()
    } else {
        format!("{}\n位置：{}", h.description, h.location)
    }
}

/// The hazard table of the hazard list (R8 order as given: major first, major rows shaded).
pub(crate) fn hazard_table(flow: &mut Flow, hazards: &[HazardFacts]) {
    let cols = [
        col("序号", 0.055, true),
        col("隐患等级", 0.085, true),
        col("类别", 0.09, true),
        col("隐患描述 / 位置", 0.255, false),
        col("依据", 0.145, false),
        col("整改措施", 0.18, false),
        col("整改期限", 0.11, true),
        col("责任人", 0.08, true),
    ];
    let rows: Vec<Row> = hazards
        .iter()
        .map(|h| Row {
            cells: vec![
                h.number.to_string().into(),
                level_cell(h),
                h.category.as_str().into(),
                description(h).into(),
                h.basis.as_str().into(),
                h.measure.as_str().into(),
                chinese_date(&h.deadline).into(),
                h.responsible.as_str().into(),
            ],
            fill: h.major.then_some(MAJOR_FILL),
        })
        .collect();
    table::draw(flow, &cols, &rows, &TABLE);
}

/// `共 12 项，其中重大隐患 2 项`.
pub(crate) fn hazard_count(hazards: &[HazardFacts]) -> String {
    format!("共 {} 项，其中重大隐患 {} 项", hazards.len(), hazards.iter().filter(|h| h.major).count())
}

fn short(s: &str, n: usize) -> String {
    let mut t: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        t.push('…');
    }
    t
}

/// Photos in a grid of `per_row` columns, each with its caption; sized by aspect ratio.
/// An empty slot (`None`) leaves its cell blank, so "after" photos stay in their column.
pub(crate) fn photo_grid(
    flow: &mut Flow,
    photos: &[Option<(&PhotoFacts, String)>],
    per_row: usize,
) -> Result<(), ReportError> {
    let gap = 6.0;
    let w = (flow.area.width() - gap * (per_row as f32 - 1.0)) / per_row as f32;
    let caption = TextStyle::sans(7.5).color(GREY);
    for chunk in photos.chunks(per_row) {
        let mut placed = Vec::new();
        for (i, slot) in chunk.iter().enumerate() {
            if let Some((p, label)) = slot {
                let img = flow.images.get(p, flow.photos)?;
                placed.push((i, img, label.clone()));
            }
        }
        let h = placed
            .iter()
            .map(|(_, img, _)| (w * img.height as f32 / img.width as f32).min(w * 0.8))
            .fold(0.0f32, f32::max);
        flow.ensure(h + 7.0);
        let (l, y) = (flow.area.left, flow.y);
        let page = flow.page();
        for (i, img, label) in &placed {
            let i = *i;
            let x0 = l + i as f32 * (w + gap);
            // Fit inside w × h, centred in the cell.
            let scale = (w / img.width as f32).min(h / img.height as f32);
            let (iw, ih) = (img.width as f32 * scale, img.height as f32 * scale);
            let x = x0 + (w - iw) / 2.0;
            page.image(&img.id, x, y, iw, ih);
            page.stroke_rect(x, y, iw, ih, 0.3, GREY);
            page.text(x, y + ih + 3.6, label, &caption);
        }
        flow.y = y + h + 7.0;
    }
    Ok(())
}

fn taken(p: &PhotoFacts) -> String {
    chinese_datetime(&p.taken_at)
}

/// Each hazard's photos: a caption naming the hazard, then before and after photos.
pub(crate) fn hazard_photos(flow: &mut Flow, hazards: &[HazardFacts]) -> Result<(), ReportError> {
    for h in hazards.iter().filter(|h| !h.photos_before.is_empty() || !h.photos_after.is_empty()) {
        let ts = if h.major { BODY.color(RED) } else { BODY };
        flow.ensure(8.0 + 55.0);
        flow.paragraph(&format!("隐患 {}（{}）{}", h.number, h.level, short(&h.description, 36)), &ts, 0.0);
        let mut list = Vec::new();
        for p in &h.photos_before {
            list.push(Some((p, format!("隐患 {} · 整改前 · {}", h.number, taken(p)))));
        }
        for p in &h.photos_after {
            list.push(Some((p, format!("隐患 {} · 整改后 · {}", h.number, taken(p)))));
        }
        photo_grid(flow, &list, 2)?;
        flow.gap(1.0);
    }
    Ok(())
}

/// `签署地点：… 签署时间：…` above the signatures.
pub(crate) fn signed_line(flow: &mut Flow, c: &DocumentContent) {
    if c.place.is_empty() {
        return;
    }
    flow.gap(1.0);
    flow.paragraph(&format!("签署地点：{}", c.place), &BODY, 0.0);
}
