//! Handwritten signatures, drawn as the vector paths the pad recorded.
//!
//! The pad records integer points `[x, y, pressure‰]` in its own units (`width` × `height`);
//! they are scaled uniformly into the box on the form (never stretched: a stretched signature
//! is not the person's) and pressure sets the pen width, as ink spreads under a firmer hand.

use crate::layout::{wrap, Flow, Page, TextStyle, GREY, RULE};
use safeserve_core::document::{chinese_date, DocumentContent, HandSignature};

const INK: crate::layout::Color = crate::layout::Color(0.05, 0.1, 0.35);

/// Pen width in points for a pressure in thousandths.
fn pen_width(pressure: i32) -> f32 {
    0.45 + 1.5 * (pressure.clamp(0, 1000) as f32 / 1000.0)
}

/// Draws the strokes of `sig` inside the box (x, y, w, h) mm.
pub(crate) fn strokes(page: &mut Page, sig: &HandSignature, x: f32, y: f32, w: f32, h: f32) {
    if sig.width == 0 || sig.height == 0 {
        return;
    }
    let s = (w / sig.width as f32).min(h / sig.height as f32);
    let ox = x + (w - sig.width as f32 * s) / 2.0;
    let oy = y + (h - sig.height as f32 * s) / 2.0;
    for stroke in &sig.strokes {
        // Consecutive points of (nearly) the same width share one path; width changes start a
        // new one, joined by the round caps.
        let mut run: Vec<(f32, f32)> = Vec::new();
        let mut run_w = -1.0f32;
        for p in &stroke.points {
            let pos = (ox + p[0] as f32 * s, oy + p[1] as f32 * s);
            let pw = (pen_width(p[2]) * 5.0).round() / 5.0;
            if (pw - run_w).abs() > 0.01 && !run.is_empty() {
                let last = *run.last().unwrap_or(&pos);
                run.push(pos);
                page.pen(&run, run_w, INK);
                run = vec![last];
            }
            if run.is_empty() || (pw - run_w).abs() > 0.01 {
                run_w = pw;
            }
            run.push(pos);
        }
        if run.len() == 1 {
            // A dot: a zero-length round-capped segment still prints.
            let p = run[0];
            run.push((p.0 + 0.05, p.1));
        }
        page.pen(&run, run_w.max(0.5), INK);
    }
}

/// What is printed under a signer's name: the visiting signer's certificates from the
/// register, and for a principal who is not the register's, the register's name beside theirs.
fn below_name(sig: &HandSignature, content: &DocumentContent, style: &TextStyle, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    // One certificate a line, so a number is never broken across two.
    for (i, c) in sig.certificates.iter().enumerate() {
        lines.extend(wrap(&format!("{}{c}", if i == 0 { "证书：" } else { "　　　" }), style, width));
    }
    if let Some(registered) = sig.registered_principal(&content.subject.principal) {
        lines.extend(wrap(&format!("（登记的主要负责人为{registered}）"), style, width));
    }
    lines
}

/// The signature block: one box per signer side by side, each with its role, the strokes,
/// the printed name (with certificates, or the register's principal when another signed) and
/// the date of signing. Boxes grow together to the tallest.
pub(crate) fn block(flow: &mut Flow, content: &DocumentContent) {
    if content.signatures.is_empty() {
        return;
    }
    const LINE: f32 = 4.5;
    let (left, right) = (flow.area.left, flow.area.right);
    let n = content.signatures.len().max(2) as f32;
    let gap = 6.0;
    let bw = (right - left - gap * (n - 1.0)) / n;
    let label = TextStyle::sans(9.5);
    let small = TextStyle::sans(9.0);
    let below: Vec<Vec<String>> = content.signatures.iter().map(|s| below_name(s, content, &small, bw - 6.0)).collect();
    let extra = below.iter().map(Vec::len).max().unwrap_or(0) as f32 * LINE;
    let h = 44.0 + extra;
    flow.ensure(h + 4.0);
    flow.gap(3.0);
    let y = flow.y;
    let date = chinese_date(&content.signed_at);
    let page = flow.page();
    for (i, (sig, below)) in content.signatures.iter().zip(&below).enumerate() {
        let x = left + i as f32 * (bw + gap);
        page.stroke_rect(x, y, bw, h, 0.6, RULE);
        page.text(x + 3.0, y + 6.0, &format!("{}（签字）", sig.role.label_zh()), &label);
        match &sig.refusal {
            // A refusal is printed as such, in the words recorded on site: never a blank box.
            Some(note) => {
                page.text(x + 3.0, y + 13.0, "拒绝签字", &TextStyle::sans(11.0));
                let mut line_y = y + 19.0;
                for line in wrap(&format!("情况：{note}"), &small, bw - 6.0).into_iter().take(3) {
                    page.text(x + 3.0, line_y, &line, &small);
                    line_y += 4.0;
                }
            }
            None => strokes(page, sig, x + 4.0, y + 8.0, bw - 8.0, 22.0),
        }
        page.line(x + 3.0, y + 31.0, x + bw - 3.0, y + 31.0, 0.3, GREY);
        page.text(x + 3.0, y + 36.0, &format!("姓名：{}", sig.name), &small);
        for (k, line) in below.iter().enumerate() {
            page.text(x + 3.0, y + 36.0 + LINE * (k as f32 + 1.0), line, &small);
        }
        page.text(x + 3.0, y + 41.5 + extra, &format!("日期：{date}"), &small);
    }
    flow.y = y + h + 3.0;
}
