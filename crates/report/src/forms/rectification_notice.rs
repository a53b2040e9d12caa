//! 整改通知书: the formal notice to the enterprise — what must be rectified, by when and by whom.

use super::*;
use crate::layout::Page;
use crate::signature;

pub(crate) fn layout(
    doc: &SignedDocument,
    images: &mut ImageBank,
    photos: &dyn PhotoSource,
) -> Result<Vec<Page>, ReportError> {
    let c = &doc.content;
    let mut f = flow(doc, images, photos);
    title_block(&mut f, doc);
    let body = TextStyle::sans(10.5);
    let indent = crate::layout::mm(body.size) * 2.0;
    f.gap(2.0);
    f.paragraph(&format!("{}：", c.subject.name), &body, 0.0);
    let when = c.visit.as_ref().map(|v| chinese_date(&v.started_at)).unwrap_or_else(|| chinese_date(&c.signed_at));
    let place = c.visit.as_ref().map(|v| v.place.clone()).unwrap_or_else(|| c.place.clone());
    f.paragraph(
        &format!(
            "{when}，{}在{place}对你单位进行安全生产检查，发现下列事故隐患（{}）。现通知你单位按下表要求限期整改，整改期间应采取有效防范措施，确保安全；整改完成后请及时报告，我单位将组织复查。",
            c.issuer.name,
            hazard_count(&c.hazards)
        ),
        &body,
        indent,
    );
    f.gap(2.0);
    let cols = [
        col("序号", 0.06, true),
        col("隐患等级", 0.1, true),
        col("隐患描述 / 位置", 0.31, false),
        col("整改要求", 0.27, false),
        col("整改期限", 0.14, true),
        col("责任人", 0.12, true),
    ];
    let rows: Vec<Row> = c
        .hazards
        .iter()
        .map(|h| Row {
            cells: vec![
                h.number.to_string().into(),
                level_cell(h),
                description(h).into(),
                h.measure.as_str().into(),
                chinese_date(&h.deadline).into(),
                h.responsible.as_str().into(),
            ],
            fill: h.major.then_some(MAJOR_FILL),
        })
        .collect();
    table::draw(&mut f, &cols, &rows, &TABLE);
    f.gap(2.0);
    f.paragraph("对重大事故隐患，你单位主要负责人应组织制定并实施治理方案，治理期间无法保证安全的，应当从危险区域内撤出作业人员，暂时停产停业或者停止使用相关设施、设备。", &body, indent);
    f.paragraph("你单位如对本通知有异议，可在收到本通知之日起五日内向我单位书面提出。", &body, indent);
    f.gap(4.0);
    f.ensure(16.0);
    let r = f.area.right;
    let y = f.y;
    f.page().text_right(r - 4.0, y + 5.0, &c.issuer.name, &body);
    f.page().text_right(r - 4.0, y + 11.5, &chinese_date(&c.signed_at), &body);
    f.y = y + 15.0;
    signature::block(&mut f, c);
    Ok(f.pages)
}
