//! 服务细化方案: drawn up at the first visit — who the agency sends, their specialty and
//! grade, what each does, and the assessment of the enterprise's situation.

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
    f.heading("一、服务对象");
    party(&mut f, &c.subject, "企业名称");
    f.heading("二、服务机构");
    party(&mut f, &c.issuer, "机构名称");
    f.heading("三、服务人员");
    let cols = [
        col("序号", 0.07, true),
        col("姓名", 0.13, true),
        col("专业", 0.2, false),
        col("资格 / 职称", 0.28, false),
        col("分工", 0.32, false),
    ];
    let rows: Vec<Row> = c
        .plan
        .iter()
        .enumerate()
        .map(|(i, p)| Row {
            cells: vec![
                (i + 1).to_string().into(),
                p.name.as_str().into(),
                p.specialty.as_str().into(),
                p.grade.as_str().into(),
                p.duty.as_str().into(),
            ],
            fill: None,
        })
        .collect();
    table::draw(&mut f, &cols, &rows, &TABLE);
    f.heading("四、企业现状评估");
    let body = TextStyle::sans(10.0);
    for para in c.assessment.split('\n').filter(|p| !p.trim().is_empty()) {
        f.paragraph(para.trim(), &body, crate::layout::mm(body.size) * 2.0);
    }
    if !c.hazards.is_empty() {
        f.heading(&format!("五、首次检查发现的隐患（{}）", hazard_count(&c.hazards)));
        hazard_table(&mut f, &c.hazards);
    }
    signed_line(&mut f, c);
    signature::block(&mut f, c);
    Ok(f.pages)
}
