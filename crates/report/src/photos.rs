//! Photos as evidence: the print copies' JPEG bytes go into the PDF as they are.
//!
//! A PDF reader decodes JPEG itself (`/DCTDecode`), so decoding and re-encoding would only
//! cost time (ten times the whole rendering, TOOLCHAIN.md) and quality. Only the frame header
//! is read, for the size and colour model the image dictionary must state.

use crate::{PhotoSource, ReportError};
use printpdf::{DictItem, ExternalStream, ExternalXObject, Px, XObjectId};
use safeserve_core::document::PhotoFacts;
use std::collections::{BTreeMap, HashMap};

/// Size and colour components of a JPEG, from its SOF marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JpegInfo {
    pub width: u32,
    pub height: u32,
    pub components: u8,
    /// Adobe APP14 present: CMYK data is stored inverted.
    pub adobe: bool,
}

pub(crate) fn jpeg_info(b: &[u8]) -> Option<JpegInfo> {
    if b.len() < 4 || b[0] != 0xFF || b[1] != 0xD8 {
        return None;
    }
    let mut i = 2;
    let mut adobe = false;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if (0xD0..=0xD9).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        let seg = b.get(i + 4..i + 2 + len)?;
        if marker == 0xEE && seg.starts_with(b"Adobe") {
            adobe = true;
        }
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            if seg.len() < 6 {
                return None;
            }
            let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
            let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
            let components = seg[5];
            if width == 0 || height == 0 || ![1, 3, 4].contains(&components) {
                return None;
            }
            return Some(JpegInfo { width, height, components, adobe });
        }
        i += 2 + len;
    }
    None
}

/// A placed photo: its XObject and pixel size (for the aspect ratio).
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    pub id: XObjectId,
    pub width: u32,
    pub height: u32,
}

/// The image XObjects of one PDF, each photo once however often it is shown.
#[derive(Default)]
pub(crate) struct ImageBank {
    by_sha: HashMap<String, Placed>,
    qr_codes: HashMap<String, XObjectId>,
    pub xobjects: BTreeMap<String, ExternalXObject>,
}

impl ImageBank {
    /// The QR code form for `payload` (one per document, shared by its pages).
    pub(crate) fn qr(&mut self, payload: &str) -> Option<XObjectId> {
        if let Some(id) = self.qr_codes.get(payload) {
            return Some(id.clone());
        }
        let form = crate::qr::form(payload)?;
        let name = format!("Qr{}", self.qr_codes.len() + 1);
        self.xobjects.insert(name.clone(), form);
        self.qr_codes.insert(payload.to_string(), XObjectId(name.clone()));
        Some(XObjectId(name))
    }

    pub(crate) fn get(&mut self, photo: &PhotoFacts, source: &dyn PhotoSource) -> Result<Placed, ReportError> {
        if let Some(p) = self.by_sha.get(&photo.sha256) {
            return Ok(p.clone());
        }
        let bytes =
            source.jpeg(photo).map_err(|reason| ReportError::MissingPhoto { sha256: photo.sha256.clone(), reason })?;
        let info = jpeg_info(&bytes).ok_or_else(|| ReportError::BadJpeg { sha256: photo.sha256.clone() })?;
        // Names sort and repeat across runs (deterministic output).
        let name = format!("Im{}", self.xobjects.len() + 1);
        let color_space = match info.components {
            1 => "DeviceGray",
            4 => "DeviceCMYK",
            _ => "DeviceRGB",
        };
        let mut dict = BTreeMap::new();
        dict.insert("Type".to_string(), DictItem::Name(b"XObject".to_vec()));
        dict.insert("Subtype".to_string(), DictItem::Name(b"Image".to_vec()));
        dict.insert("Width".to_string(), DictItem::Int(i64::from(info.width)));
        dict.insert("Height".to_string(), DictItem::Int(i64::from(info.height)));
        dict.insert("ColorSpace".to_string(), DictItem::Name(color_space.as_bytes().to_vec()));
        dict.insert("BitsPerComponent".to_string(), DictItem::Int(8));
        dict.insert("Filter".to_string(), DictItem::Name(b"DCTDecode".to_vec()));
        if info.components == 4 && info.adobe {
            dict.insert("Decode".to_string(), DictItem::Array([1, 0, 1, 0, 1, 0, 1, 0].map(DictItem::Int).to_vec()));
        }
        let xobj = ExternalXObject {
            stream: ExternalStream { dict, content: bytes, compress: false },
            width: Some(Px(info.width as usize)),
            height: Some(Px(info.height as usize)),
            dpi: None,
        };
        let placed = Placed { id: XObjectId(name.clone()), width: info.width, height: info.height };
        self.xobjects.insert(name, xobj);
        self.by_sha.insert(photo.sha256.clone(), placed.clone());
        Ok(placed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_frame_header_and_refuses_what_is_not_a_jpeg() {
        // SOI, APP0 (len 4), SOF0 (len 11: 8 bit, 2x3 px, 3 components …), EOI.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
        b.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 8, 0x00, 0x03, 0x00, 0x02, 3, 1, 0x22, 0]);
        b.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(jpeg_info(&b), Some(JpegInfo { width: 2, height: 3, components: 3, adobe: false }));
        assert_eq!(jpeg_info(b"\x89PNG\r\n"), None);
        assert_eq!(jpeg_info(&b[..6]), None);
    }
}
