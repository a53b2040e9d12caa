//! 函告: a bureau's letter to an agency (R12), laid out after GB/T 9704-2012 (党政机关公文格式).
//!
//! A4 with the standard's text area: 37 mm from the top, 28 mm from the left, 156 × 225 mm,
//! 22 lines of 28 characters of 3号 (16 pt) serif. The issuer's mark is red and centred 35 mm
//! below the top of the text area, the reference number (发文字号) centred two lines below it,
//! a red rule the width of the text area 4 mm under that; the title in 2号 (22 pt) bold serif
//! two lines below the rule; the recipient flush left a line below the title; the body in
//! paragraphs indented two characters; the issuer and the date (Arabic numerals, 2026年11月23日)
//! at the end, the date four characters in from the right. Page numbers are `— 1 —` in 4号
//! (see [`crate::footer::letter`]).

use crate::forms::correction;
use crate::layout::{mm, pt, Area, Flow, Page, TextStyle, RED};
use crate::photos::ImageBank;
use crate::{PhotoSource, ReportError};
use safeserve_core::document::{chinese_date, SignedDocument};

pub(crate) const AREA: Area = Area { left: 28.0, right: 184.0, top: 37.0, bottom: 262.0 };
const LINES: f32 = 22.0;
const CHARS: f32 = 28.0;

/// The body's character grid: 16 pt glyphs on a 156/28 mm pitch (a hair under one em).
fn body() -> TextStyle {
    let pitch = pt((AREA.right - AREA.left) / CHARS);
    TextStyle::serif(16.0).spacing(pitch - 16.0)
}

fn line_pitch() -> f32 {
    (AREA.bottom - AREA.top) / LINES
}

/// 1 → 一, 12 → 十二, 21 → 二十一 (for 一、 and （一）).
pub(crate) fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        20..=99 => format!("{}十{}", D[n / 10], if n.is_multiple_of(10) { "" } else { D[n % 10] }),
        _ => n.to_string(),
    }
}

pub(crate) fn layout(
    doc: &SignedDocument,
    images: &mut ImageBank,
    photos: &dyn PhotoSource,
) -> Result<Vec<Page>, ReportError> {
    let c = &doc.content;
    let letter = c.letter.clone().unwrap_or_else(|| safeserve_core::document::LetterFacts {
        reference: String::new(),
        issuer: c.issuer.name.clone(),
        recipient: c.subject.name.clone(),
        findings: vec![],
        demands: vec![],
        reply_by: String::new(),
        dated: c.signed_at.get(..10).unwrap_or("").to_string(),
        contact: String::new(),
    });
    let mut f = Flow::new(AREA, images, photos);
    let cx = (AREA.left + AREA.right) / 2.0;
    let pitch = line_pitch();
    let body = body();

    // 发文机关标志: red, bold serif, shrunk to the text width if the name is long.
    let mut mark = TextStyle::serif_bold(32.0).color(RED);
    let w = crate::layout::width(&letter.issuer, &mark);
    if w > AREA.right - AREA.left {
        mark.size *= (AREA.right - AREA.left) / w;
    }
    let mark_top = AREA.top + 35.0;
    let mark_base = mark_top + mark.ascent();
    f.page().text_centered(cx, mark_base, &letter.issuer, &mark);
    let mut y = mark_base + mm(mark.size) * 0.12;
    // 发文字号: two lines below, centred.
    if !letter.reference.is_empty() {
        y += 2.0 * pitch;
        f.page().text_centered(cx, y, &letter.reference, &TextStyle::serif(16.0));
    }
    // The red rule 4 mm below.
    y += 4.0;
    f.page().line(AREA.left, y, AREA.right, y, 1.2, RED);
    f.y = y + 2.0;
    correction(&mut f, c);
    // 标题: two lines below the rule, 2号 bold serif, centred line by line.
    f.y = f.y.max(y) + pitch;
    let title_ts = TextStyle::serif_bold(22.0);
    let title = if c.title.trim().is_empty() { c.kind.label_zh().to_string() } else { c.title.clone() };
    for line in crate::layout::wrap(&title, &title_ts, AREA.right - AREA.left - mm(22.0) * 2.0) {
        f.ensure(pitch * 1.2);
        let base = f.y + pitch * 0.75;
        f.page().text_centered(cx, base, &line, &title_ts);
        f.y += pitch * 1.15;
    }
    f.gap(pitch * 0.5);
    // 主送机关.
    f.paragraph_pitch(&format!("{}：", letter.recipient), &body, 0.0, pitch);
    let para = |f: &mut Flow, text: &str| f.paragraph_pitch(&format!("\u{3000}\u{3000}{text}"), &body, 0.0, pitch);
    let heading_ts = TextStyle::sans(16.0).spacing(body.spacing);
    let mut section = 0;
    let mut numbered = |f: &mut Flow, head: &str, items: &[String]| {
        let items: Vec<&String> = items.iter().filter(|s| !s.trim().is_empty()).collect();
        if items.is_empty() {
            return;
        }
        section += 1;
        // 一级标题 in 黑体 (here the sans face), as GB/T 9704 7.3.3 suggests.
        f.paragraph_pitch(&format!("\u{3000}\u{3000}{}、{head}", chinese_number(section)), &heading_ts, 0.0, pitch);
        for (i, item) in items.iter().enumerate() {
            para(f, &format!("（{}）{}", chinese_number(i + 1), item.trim()));
        }
    };
    let intro = if c.assessment.trim().is_empty() {
        "我局在对你单位开展的安全生产技术服务工作进行监督检查中，发现存在下列问题。现将有关情况函告如下：".to_string()
    } else {
        c.assessment.trim().to_string()
    };
    para(&mut f, &intro);
    numbered(&mut f, "存在的问题", &letter.findings);
    numbered(&mut f, "整改要求", &letter.demands);
    if !letter.reply_by.is_empty() {
        para(&mut f, &format!("请你单位于{}前将整改落实情况书面报送我局。", chinese_date(&letter.reply_by)));
    }
    if !letter.contact.is_empty() {
        para(&mut f, &format!("联系人：{}", letter.contact));
    }
    // 发文机关署名 and 成文日期: the date four characters in from the right, the issuer centred
    // over the date; a blank line before them.
    f.ensure(pitch * 3.0);
    f.gap(pitch);
    let date = chinese_date(if letter.dated.is_empty() { &c.signed_at } else { &letter.dated });
    let four = mm(pt((AREA.right - AREA.left) / CHARS)) * 4.0;
    let date_right = AREA.right - four;
    let date_w = crate::layout::width(&date, &body);
    let date_cx = date_right - date_w / 2.0;
    let y = f.y;
    f.page().text_centered(date_cx, y + pitch * 0.75, &letter.issuer, &body);
    f.page().text_right(date_right, y + pitch * 1.75, &date, &body);
    f.y = y + pitch * 2.0;
    Ok(f.pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_in_official_documents() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(21), "二十一");
    }

    #[test]
    fn the_grid_holds_28_characters_a_line() {
        let ts = body();
        let line: String = std::iter::repeat_n('安', 28).collect();
        assert!((crate::layout::width(&line, &ts) - 156.0).abs() < 0.2);
        assert_eq!(crate::layout::wrap(&line, &ts, 156.0).len(), 1);
        assert_eq!(crate::layout::wrap(&format!("{line}全"), &ts, 156.0).len(), 2);
    }
}
