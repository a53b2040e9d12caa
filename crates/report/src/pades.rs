//! The PDF side of a document's digital signature (ISO 32000-1 12.8, PAdES baseline B-B).
//!
//! Every document PDF is written with an invisible signature field on its first page whose
//! signature dictionary holds a `/ByteRange` covering the whole file but the `/Contents` hole,
//! and a hole of [`HOLE`] zero bytes. The file is complete and deterministic without the
//! signature; [`fill`] puts a CMS signature (made by `safeserve-pki` over [`covered`]) into
//! the hole without moving a byte. [`signature`] reads it back for verification.

use crate::stamp::pdf_date;
use crate::ReportError;
use lopdf::{Dictionary, Object, StringFormat};
pub use safeserve_pki::pdf::{signature, Signature};

/// Bytes reserved for the CMS signature: a P-256 signature with two certificates takes about
/// 1.5 KB.
pub const HOLE: usize = 8192;

/// Fixed-width stand-in for the byte range, replaced once offsets are known (padded with
/// spaces, so nothing moves).
const PLACEHOLDER: i64 = 9_999_999_999;
const RANGE_PLACEHOLDER: &[u8] = b"[0 9999999999 9999999999 9999999999]";

/// Adds the signature field and dictionary to `doc` before it is saved.
pub(crate) fn add_field(doc: &mut lopdf::Document, signed_at: &str) -> Result<(), ReportError> {
    let value = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Sig".to_vec())),
        ("Filter", Object::Name(b"Adobe.PPKLite".to_vec())),
        ("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec())),
        // Written as `[0 9999999999 9999999999 9999999999]`, replaced in `finish`.
        ("ByteRange", Object::Array(vec![0.into(), PLACEHOLDER.into(), PLACEHOLDER.into(), PLACEHOLDER.into()])),
        ("Contents", Object::String(vec![0; HOLE], StringFormat::Hexadecimal)),
        ("M", Object::String(pdf_date(signed_at).into_bytes(), StringFormat::Literal)),
    ]);
    let value = doc.add_object(Object::Dictionary(value));
    let first = *doc.get_pages().values().next().ok_or(ReportError::NoPages)?;
    let field = doc.add_object(Object::Dictionary(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Annot".to_vec())),
        ("Subtype", Object::Name(b"Widget".to_vec())),
        ("FT", Object::Name(b"Sig".to_vec())),
        ("T", Object::String(b"SafeServe".to_vec(), StringFormat::Literal)),
        ("V", Object::Reference(value)),
        ("Rect", Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()])),
        // Print + Locked: invisible, and part of the page it sits on.
        ("F", Object::Integer(132)),
        ("P", Object::Reference(first)),
    ])));
    let page = doc.get_object_mut(first).and_then(Object::as_dict_mut)?;
    match page.get_mut(b"Annots") {
        Ok(Object::Array(annots)) => annots.push(Object::Reference(field)),
        _ => page.set("Annots", Object::Array(vec![Object::Reference(field)])),
    }
    let root = doc.trailer.get(b"Root").and_then(Object::as_reference)?;
    let catalog = doc.get_object_mut(root).and_then(Object::as_dict_mut)?;
    catalog.set(
        "AcroForm",
        Object::Dictionary(Dictionary::from_iter(vec![
            ("Fields", Object::Array(vec![Object::Reference(field)])),
            // SignaturesExist | AppendOnly.
            ("SigFlags", Object::Integer(3)),
        ])),
    );
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    safeserve_pki::pdf::find(haystack, needle, from)
}

/// Writes the byte range into the saved file.
pub(crate) fn finish(pdf: &mut [u8]) -> Result<(), ReportError> {
    let at = find(pdf, RANGE_PLACEHOLDER, 0).ok_or(ReportError::NoSignaturePlaceholder)?;
    let hole_start = safeserve_pki::pdf::value_of(pdf, b"/Contents", at).ok_or(ReportError::NoSignaturePlaceholder)?;
    if pdf[hole_start] != b'<' {
        return Err(ReportError::NoSignaturePlaceholder);
    }
    let hole_end = hole_start + 2 * HOLE + 2;
    if pdf.get(hole_end - 1) != Some(&b'>') {
        return Err(ReportError::NoSignaturePlaceholder);
    }
    let range = format!("[0 {hole_start} {hole_end} {}]", pdf.len() - hole_end);
    let mut padded = format!("{range:<width$}", width = RANGE_PLACEHOLDER.len()).into_bytes();
    // Spaces go inside the brackets: `[0 1 2 3]    ` would put them outside the array.
    padded.retain(|&b| b != b']');
    padded.push(b']');
    pdf[at..at + RANGE_PLACEHOLDER.len()].copy_from_slice(&padded);
    Ok(())
}

/// Puts `cms` into the hole of a PDF [`signature`] found.
pub fn fill(pdf: &mut [u8], cms: &[u8]) -> Result<(), ReportError> {
    let start = {
        let sig = signature(pdf).ok_or(ReportError::NoSignaturePlaceholder)?;
        if cms.len() > HOLE || sig.cms.len() != HOLE {
            return Err(ReportError::SignatureTooLarge(cms.len()));
        }
        sig.covered[0].len() + 1
    };
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for (i, b) in cms.iter().enumerate() {
        pdf[start + 2 * i] = HEX[usize::from(b >> 4)];
        pdf[start + 2 * i + 1] = HEX[usize::from(b & 15)];
    }
    Ok(())
}

/// Where a file differs from the same document drawn again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageDifference {
    /// Page `n` (from 1) says something else.
    Page(usize),
    Count {
        signed: usize,
        file: usize,
    },
}

/// Compares the pages of `file` with those of `signed` (the document drawn again from its
/// record): page count, then each page's content.
pub fn differing_pages(signed: &[u8], file: &[u8]) -> Result<Vec<PageDifference>, ReportError> {
    let load = |b: &[u8]| lopdf::Document::load_mem(b).map_err(ReportError::from);
    let (a, b) = (load(signed)?, load(file)?);
    let (pa, pb) = (a.get_pages(), b.get_pages());
    if pa.len() != pb.len() {
        return Ok(vec![PageDifference::Count { signed: pa.len(), file: pb.len() }]);
    }
    let mut out = Vec::new();
    for (n, (ia, ib)) in pa.values().zip(pb.values()).enumerate() {
        if a.get_page_content(*ia) != b.get_page_content(*ib) {
            out.push(PageDifference::Page(n + 1));
        }
    }
    Ok(out)
}
