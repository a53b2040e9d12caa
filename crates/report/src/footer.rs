//! The footer every page carries: page N of M (across a whole bundle), the verification code
//! and the QR code of the document the page belongs to. With these a single page found on a
//! desk can be checked against the record it came from, and a missing page is noticed.

use crate::layout::{Page, TextStyle, GREY, RULE};
use crate::photos::ImageBank;
use safeserve_core::document::SignedDocument;

/// What a page's QR code holds: the address of the bureau's verification page for the
/// document when the laptop knows it (a phone camera opens it), else the document's stamp
/// (read by SafeServe itself).
pub(crate) fn qr_text(doc: &SignedDocument, verify_url: Option<&str>) -> String {
    match verify_url {
        Some(base) => format!("{}/verify/{}", base.trim_end_matches('/'), doc.verification_code),
        None => doc.qr_payload(),
    }
}

pub(crate) fn page_of(n: usize, total: usize) -> String {
    format!("第 {n} 页 共 {total} 页")
}

/// The footer of the forms (everything but the letter).
pub(crate) fn form(
    page: &mut Page,
    n: usize,
    total: usize,
    doc: &SignedDocument,
    images: &mut ImageBank,
    qr_text: &str,
) {
    let (left, right) = (18.0, 192.0);
    let qr_size = 19.0;
    page.line(left, 272.0, right, 272.0, 0.4, RULE);
    if let Some(qr) = images.qr(qr_text) {
        page.image(&qr, right - qr_size + 1.0, 273.5, qr_size, qr_size);
    }
    let code = TextStyle::sans(9.5).bold();
    let small = TextStyle::sans(7.0).color(GREY);
    page.text(left, 278.5, &format!("验证码 {}", doc.verification_code), &code);
    page.text_right(right - qr_size - 2.0, 278.5, &page_of(n, total), &TextStyle::sans(9.5));
    page.text(left, 283.5, &format!("{} · 文书编号 {} · 第 {} 版", doc.kind.label_zh(), doc.id.0, doc.version), &small);
    page.text(left, 287.5, "扫描右侧二维码，或在 SafeServe 中输入验证码，可核对本页与存档文书是否一致。", &small);
}

/// The letter's foot after GB/T 9704-2012 7.5: the page number in 4号 (14 pt) half-width
/// digits between two dashes, 7 mm under the text area, odd pages at the right and even pages
/// at the left, one character in from the edge; below it, small in the margin, the
/// verification code and QR code.
pub(crate) fn letter(
    page: &mut Page,
    n: usize,
    total: usize,
    doc: &SignedDocument,
    images: &mut ImageBank,
    qr_text: &str,
) {
    let (left, right) = (28.0, 184.0);
    let ts = TextStyle::serif(14.0);
    let number = format!("— {n} —");
    let baseline = 262.0 + 7.0 + ts.ascent();
    let one_char = crate::layout::mm(14.0);
    if n % 2 == 1 {
        page.text_right(right - one_char, baseline, &number, &ts);
    } else {
        page.text(left + one_char, baseline, &number, &ts);
    }
    let qr_size = 14.0;
    if let Some(qr) = images.qr(qr_text) {
        page.image(&qr, right - qr_size + 0.5, 279.0, qr_size, qr_size);
    }
    let small = TextStyle::sans(7.0).color(GREY);
    page.text(left, 284.0, &format!("验证码 {} · {}", doc.verification_code, page_of(n, total)), &small);
    page.text(
        left,
        288.0,
        &format!("文书编号 {} · 第 {} 版 · 扫描二维码或输入验证码核验", doc.id.0, doc.version),
        &small,
    );
}
