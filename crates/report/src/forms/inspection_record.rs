//! 现场检查记录: an inspector's record of a visit — the target, the checklist results item by
//! item, the findings, and the signatures.

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
    let headings = Opening {
        subject: "一、检查对象",
        subject_name: "被检查单位",
        visit: "二、检查情况",
        issuer: Some("检查单位"),
        people: Some("三、检查人员"),
    };
    opening(&mut f, doc, &headings);
    f.heading("四、检查结果");
    let cols = [
        col("编号", 0.08, true),
        col("检查内容", 0.36, false),
        col("依据", 0.22, false),
        col("结果", 0.09, true),
        col("说明", 0.25, false),
    ];
    let rows: Vec<Row> = c
        .items
        .iter()
        .map(|i| {
            let result = if i.result == "不符合" {
                Cell { text: i.result.clone(), style: Some(TABLE.color(RED).bold()) }
            } else {
                i.result.as_str().into()
            };
            let text = if i.section.is_empty() { i.text.clone() } else { format!("【{}】{}", i.section, i.text) };
            Row {
                cells: vec![
                    i.code.as_str().into(),
                    text.into(),
                    i.basis.as_str().into(),
                    result,
                    i.note.as_str().into(),
                ],
                fill: None,
            }
        })
        .collect();
    table::draw(&mut f, &cols, &rows, &TABLE);
    f.heading(&format!("五、发现的问题（{}）", hazard_count(&c.hazards)));
    if c.hazards.is_empty() {
        f.paragraph("本次检查未发现事故隐患。", &BODY, 0.0);
    } else {
        hazard_table(&mut f, &c.hazards);
    }
    signed_line(&mut f, c);
    signature::block(&mut f, c);
    let item_photos: Vec<Option<(&PhotoFacts, String)>> = c
        .items
        .iter()
        .flat_map(|i| {
            i.photos.iter().map(move |p| Some((p, format!("检查项 {} · {}", i.code, chinese_datetime(&p.taken_at)))))
        })
        .collect();
    if !item_photos.is_empty() || c.hazards.iter().any(|h| !h.photos_before.is_empty()) {
        f.heading("附：现场照片");
        photo_grid(&mut f, &item_photos, 2)?;
        hazard_photos(&mut f, &c.hazards)?;
    }
    Ok(f.pages)
}
