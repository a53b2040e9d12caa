//! 复查意见: the follow-up visit's record — for each hazard the photos before and after its
//! rectification side by side, and the verdict.

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
        subject: "一、复查对象",
        subject_name: "企业名称",
        visit: "二、复查情况",
        issuer: None,
        people: None,
    };
    opening(&mut f, doc, &headings);
    f.heading(&format!("三、隐患整改复查（{}）", hazard_count(&c.hazards)));
    for h in &c.hazards {
        f.ensure(70.0);
        let ts = if h.major { BODY.color(RED).bold() } else { BODY.bold() };
        f.paragraph(&format!("隐患 {}　{}　{}", h.number, h.level, h.category), &ts, 0.0);
        table::facts(
            &mut f,
            &[
                vec![("隐患描述", description(h))],
                vec![("整改措施", h.measure.clone())],
                vec![("整改期限", chinese_date(&h.deadline)), ("责任人", h.responsible.clone())],
            ],
            &TABLE,
        );
        f.gap(2.0);
        // Before on the left, after on the right, row by row.
        let rows = h.photos_before.len().max(h.photos_after.len());
        for i in 0..rows {
            let pair = [
                h.photos_before.get(i).map(|p| (p, format!("整改前 · {}", chinese_datetime(&p.taken_at)))),
                h.photos_after.get(i).map(|p| (p, format!("整改后 · {}", chinese_datetime(&p.taken_at)))),
            ];
            photo_grid(&mut f, &pair, 2)?;
        }
        let verdict = if h.verdict.is_empty() { h.state.clone() } else { h.verdict.clone() };
        f.paragraph(&format!("复查意见：{verdict}"), &BODY.bold(), 0.0);
        f.gap(3.0);
    }
    signed_line(&mut f, c);
    signature::block(&mut f, c);
    Ok(f.pages)
}
