//! 一企一档: the cover and index of an enterprise's file. Alone it is the cover; bundled
//! ([`crate::render_bundle`]) it is followed by every document it lists, each keeping its own
//! verification code, and the index gives the page each document starts on.

use super::*;
use crate::layout::Page;
use crate::signature;
use std::collections::HashMap;

/// `starts` maps a bundled document's id to the page it starts on (bundles only).
pub(crate) fn layout(
    doc: &SignedDocument,
    images: &mut ImageBank,
    photos: &dyn PhotoSource,
    starts: Option<&HashMap<String, usize>>,
) -> Result<Vec<Page>, ReportError> {
    let c = &doc.content;
    let mut f = flow(doc, images, photos);
    let (l, r) = (f.area.left, f.area.right);
    let cx = (l + r) / 2.0;
    f.gap(18.0);
    let y = f.y;
    let page = f.page();
    if !c.issuer.name.is_empty() {
        page.text_centered(cx, y, &c.issuer.name, &TextStyle::sans(12.0).color(GREY));
    }
    page.text_centered(cx, y + 22.0, &title(c), &TextStyle::sans(30.0).bold());
    page.text_centered(cx, y + 36.0, &c.subject.name, &TextStyle::sans(15.0));
    page.line(l + 30.0, y + 42.0, r - 30.0, y + 42.0, 0.8, crate::layout::RULE);
    page.text_centered(
        cx,
        y + 49.0,
        &format!("编号：{}　汇编时间：{}", doc.id.0, chinese_datetime(&c.signed_at)),
        &TextStyle::sans(8.0).color(GREY),
    );
    f.y = y + 56.0;
    correction(&mut f, c);
    f.heading("企业基本信息");
    party(&mut f, &c.subject, "企业名称");
    f.heading(&format!("文书目录（共 {} 份）", c.bundled.len()));
    let mut cols = vec![
        col("序号", 0.07, true),
        col("文书", 0.2, true),
        col("版本", 0.08, true),
        col("签署时间", 0.24, true),
        col("验证码", 0.29, true),
    ];
    if starts.is_some() {
        cols.push(col("页码", 0.12, true));
    }
    let rows: Vec<Row> = c
        .bundled
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut cells: Vec<Cell> = vec![
                (i + 1).to_string().into(),
                d.kind.label_zh().into(),
                format!("第 {} 版", d.version).into(),
                chinese_datetime(&d.signed_at).into(),
                d.verification_code.as_str().into(),
            ];
            if let Some(starts) = starts {
                cells.push(starts.get(&d.id).map(|p| p.to_string()).unwrap_or_default().into());
            }
            Row { cells, fill: None }
        })
        .collect();
    table::draw(&mut f, &cols, &rows, &TABLE);
    f.gap(2.0);
    f.paragraph(
        "说明：本档案汇编上列文书，各文书页脚印有其各自的验证码和二维码，可分别核验；页码按整册连续编排。",
        &TextStyle::sans(8.5).color(GREY),
        0.0,
    );
    signature::block(&mut f, c);
    Ok(f.pages)
}
