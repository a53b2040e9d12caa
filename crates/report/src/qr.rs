//! The QR code printed on every page: it holds `SAFESERVE:DOC:<id>:<content hash>`, so a phone
//! (or `safeserve verify`) finds the record a paper copy came from.
//!
//! Drawn as vector squares rather than an image: sharp at any printer resolution and a few
//! hundred bytes per page.

use printpdf::{DictItem, ExternalStream, ExternalXObject};
use qrcode::{Color, EcLevel, QrCode};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The code for `payload` as a form XObject drawn in the unit square (placed and scaled like
/// an image), one module of white kept around it inside the square. A document's pages all
/// show the same code, so it is stored once and each page only refers to it.
pub(crate) fn form(payload: &str) -> Option<ExternalXObject> {
    // Level M survives a fold or a smudge; the payload (115 bytes) still fits version 6.
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).ok()?;
    let n = code.width();
    let m = 1.0 / (n as f32 + 2.0);
    let colors = code.to_colors();
    let mut ops = String::from("0 g\n");
    // One rectangle per horizontal run of dark modules; rows counted from the top.
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == Color::Dark {
                    col += 1;
                }
                let y = 1.0 - m * (row as f32 + 2.0);
                let _ = writeln!(
                    ops,
                    "{:.5} {:.5} {:.5} {:.5} re",
                    m * (start as f32 + 1.0),
                    y,
                    m * (col - start) as f32,
                    m
                );
            } else {
                col += 1;
            }
        }
    }
    ops.push_str("f\n");
    let mut dict = BTreeMap::new();
    dict.insert("Type".to_string(), DictItem::Name(b"XObject".to_vec()));
    dict.insert("Subtype".to_string(), DictItem::Name(b"Form".to_vec()));
    dict.insert(
        "BBox".to_string(),
        DictItem::Array(vec![DictItem::Int(0), DictItem::Int(0), DictItem::Int(1), DictItem::Int(1)]),
    );
    Some(ExternalXObject {
        stream: ExternalStream { dict, content: ops.into_bytes(), compress: true },
        width: None,
        height: None,
        dpi: None,
    })
}

/// The code's side in modules for `payload` (tests check it scans at the printed size).
#[cfg(test)]
pub(crate) fn modules(payload: &str) -> usize {
    QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map(|c| c.width()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_document_payload_fits_a_small_code() {
        let p = safeserve_core::document::qr_payload(uuid::Uuid::from_u128(7), &"ab".repeat(32));
        let n = super::modules(&p);
        assert!(n > 0 && n <= 45, "{n} modules");
    }
}
