//! 隐患清单: printed at the end of every visit and signed there by the enterprise's principal
//! and the technician. Enterprise, visit, people sent with their certificates, the hazards
//! major first with measures and deadlines, both signatures, then the photos as evidence.

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
        subject: "一、受检企业",
        subject_name: "企业名称",
        visit: "二、服务情况",
        issuer: Some("服务机构"),
        people: Some("三、派出人员"),
    };
    opening(&mut f, doc, &headings);
    f.heading(&format!("四、隐患清单（{}）", hazard_count(&c.hazards)));
    if c.hazards.is_empty() {
        f.paragraph("本次未发现事故隐患。", &BODY, 0.0);
    } else {
        hazard_table(&mut f, &c.hazards);
        f.gap(1.5);
        f.paragraph(
            "注：重大隐患以红色标注并列于前；整改期限届满前，企业应将整改情况报告服务机构复查。",
            &TextStyle::sans(8.0).color(GREY),
            0.0,
        );
    }
    signed_line(&mut f, c);
    signature::block(&mut f, c);
    if c.hazards.iter().any(|h| !h.photos_before.is_empty() || !h.photos_after.is_empty()) {
        f.heading("附：隐患照片");
        hazard_photos(&mut f, &c.hazards)?;
    }
    Ok(f.pages)
}
