//! From laid-out pages to PDF bytes.
//!
//! printpdf turns the drawing operations into a lopdf document and subsets the fonts; the
//! result is then finished here: the Info dictionary carries the stamp, the file identifier is
//! derived from the document (the same document gives the same bytes), and streams are
//! compressed with a moderate zlib level — except the JPEGs, which are already compressed and
//! gain nothing from a second pass.

use crate::fonts::{self, Face};
use crate::layout::{Page, PAGE_H, PAGE_W};
use crate::pades;
use crate::photos::ImageBank;
use crate::stamp::{self, Meta};
use crate::ReportError;
use lopdf::{Object, StringFormat};
use printpdf::{FontId, Mm, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, XObject, XObjectId};
use std::collections::BTreeSet;
use std::io::Write;

fn missing(pages: &[Page]) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in pages.iter().flat_map(|p| p.missing.iter()) {
        if !out.contains(c) {
            out.push(*c);
        }
    }
    out
}

fn faces_used(pages: &[Page]) -> BTreeSet<Face> {
    let mut used = BTreeSet::new();
    for op in pages.iter().flat_map(|p| p.ops.iter()) {
        if let Op::SetFont { font: PdfFontHandle::External(FontId(name)), .. } = op {
            if let Some(f) = Face::ALL.iter().find(|f| f.resource() == name) {
                used.insert(*f);
            }
        }
    }
    used
}

pub(crate) fn assemble(pages: Vec<Page>, images: ImageBank, meta: &Meta) -> Result<Vec<u8>, ReportError> {
    let gaps = missing(&pages);
    if !gaps.is_empty() {
        return Err(ReportError::MissingGlyphs(gaps));
    }
    let mut doc = PdfDocument::new(&meta.title);
    for face in faces_used(&pages) {
        let font = fonts::face(face).ok_or_else(|| ReportError::FontMissing(format!("{face:?}")))?;
        doc.resources.fonts.map.insert(FontId(face.resource().into()), PdfFont::new(font.clone()));
    }
    for (name, xobj) in images.xobjects {
        doc.resources.xobjects.map.insert(XObjectId(name), XObject::External(xobj));
    }
    doc.pages = pages.into_iter().map(|p| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), p.ops)).collect();

    let opts = PdfSaveOptions { optimize: false, subset_fonts: true, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut lo = printpdf::to_lopdf_doc(&doc, &opts, &mut warnings);
    drop(doc);

    let info = stamp::info(meta);
    let info_id = lo.add_object(Object::Dictionary(info));
    lo.trailer.set("Info", Object::Reference(info_id));
    // The file identifier (ISO 32000-1 14.4) from the document and its content: two files of
    // the same signed document are byte for byte the same.
    let fid = safeserve_core::document::sha256_hex(format!("{}:{}", meta.id, meta.content_hash).as_bytes());
    let fid = safeserve_core::document::unhex(&fid[..32]).unwrap_or_default();
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(fid.clone(), StringFormat::Hexadecimal),
            Object::String(fid, StringFormat::Hexadecimal),
        ]),
    );
    for obj in lo.objects.values_mut() {
        if let Object::Stream(s) = obj {
            if s.allows_compression && s.dict.get(b"Filter").is_err() && s.content.len() > 64 {
                let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
                if z.write_all(&s.content).is_ok() {
                    if let Ok(packed) = z.finish() {
                        if packed.len() < s.content.len() {
                            s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                            s.set_content(packed);
                        }
                    }
                }
            }
        }
    }
    if meta.signature_field {
        pades::add_field(&mut lo, &meta.signed_at)?;
    }
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(lopdf::Error::from)?;
    if meta.signature_field {
        pades::finish(&mut out)?;
    }
    Ok(out)
}
