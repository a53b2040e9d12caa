//! The stamp: which signed document a PDF file is, carried in the file's metadata.
//!
//! `safeserve verify FILE.pdf` reads the document id and content hash back from the Info
//! dictionary (the same `SAFESERVE:DOC:<id>:<hash>` text the QR code holds), then checks them
//! against the store and the device signature. The Info dictionary is written as a plain
//! (uncompressed) object, so the stamp is also findable with `strings` or a text editor.

use lopdf::{Dictionary, Object, StringFormat};
use safeserve_core::document::{parse_qr_payload, qr_payload};
use uuid::Uuid;

/// The Info dictionary key holding the stamp (custom keys are allowed, ISO 32000-1 14.3.3).
pub(crate) const KEY: &str = "SafeServeStamp";

pub(crate) struct Meta {
    pub title: String,
    pub subject: String,
    pub id: Uuid,
    pub content_hash: String,
    /// RFC 3339, the moment of signing: the file's creation date, so the same document always
    /// gives the same bytes.
    pub signed_at: String,
    /// Whether the file gets a signature field for a PDF signature ([`crate::pades`]).
    pub signature_field: bool,
}

/// Text strings outside ASCII are UTF-16BE with a byte-order mark (ISO 32000-1 7.9.2.2).
pub(crate) fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        return Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

/// `2026-11-23T10:05:00+08:00` → `D:20261123100500+08'00'`.
pub(crate) fn pdf_date(rfc3339: &str) -> String {
    let digits: String = rfc3339.chars().take(19).filter(char::is_ascii_digit).collect();
    let digits = format!("{digits:0<14}");
    let tz = rfc3339.get(19..).unwrap_or("");
    let tz = match tz.split_once(':') {
        Some((h, m)) if h.starts_with(['+', '-']) => format!("{h}'{m}'"),
        _ if tz.starts_with('Z') => "Z".to_string(),
        _ => String::new(),
    };
    format!("D:{}{tz}", &digits[..14])
}

pub(crate) fn info(meta: &Meta) -> Dictionary {
    let stamp = qr_payload(meta.id, &meta.content_hash);
    let date = pdf_date(&meta.signed_at);
    Dictionary::from_iter(vec![
        ("Title", text_string(&meta.title)),
        ("Subject", text_string(&meta.subject)),
        ("Keywords", text_string(&stamp)),
        ("Creator", text_string("SafeServe")),
        ("Producer", text_string("SafeServe safeserve-report (printpdf)")),
        ("CreationDate", Object::String(date.clone().into_bytes(), StringFormat::Literal)),
        ("ModDate", Object::String(date.into_bytes(), StringFormat::Literal)),
        (KEY, Object::String(stamp.into_bytes(), StringFormat::Literal)),
    ])
}

/// Reads the stamp of a SafeServe PDF: from the stamp text in the raw bytes (where SafeServe
/// writes it, plainly), else from the parsed Info dictionary (a file another program saved).
/// The bytes come first: parsing a 10 MB file to reach its Info costs more than the rest of a
/// verification.
pub fn read_stamp(pdf: &[u8]) -> Option<(Uuid, String)> {
    from_bytes(pdf).or_else(|| from_info(pdf))
}

fn from_info(pdf: &[u8]) -> Option<(Uuid, String)> {
    let doc = lopdf::Document::load_mem(pdf).ok()?;
    let info = match doc.trailer.get(b"Info").ok()? {
        Object::Reference(r) => doc.get_dictionary(*r).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let Object::String(s, _) = info.get(KEY.as_bytes()).ok()? else { return None };
    parse_qr_payload(std::str::from_utf8(s).ok()?)
}

fn from_bytes(pdf: &[u8]) -> Option<(Uuid, String)> {
    safeserve_pki::pdf::stamp(pdf, KEY.as_bytes()).and_then(parse_qr_payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_keep_the_offset() {
        assert_eq!(pdf_date("2026-11-23T10:05:00+08:00"), "D:20261123100500+08'00'");
        assert_eq!(pdf_date("2026-11-23"), "D:20261123000000");
    }
}
