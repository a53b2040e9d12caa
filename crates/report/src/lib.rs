//! `safeserve-report` draws SafeServe's printable A4 forms from a signed document's frozen content.
//!
//! One form per [`DocumentKind`] (`forms/*`, `letter.rs`), laid out in two passes: the pages
//! are drawn first, then every page gets its footer with "第 N 页 共 M 页", the verification
//! code and the QR code ([`footer`]). Text is real text in embedded font subsets ([`fonts`]);
//! photos go in as the JPEG bytes they are ([`photos`]); the PDF's metadata carries the stamp
//! that [`read_stamp`] reads back ([`stamp`]).
//!
//! Nothing is ever printed incompletely: a missing photo, a photo that is not a JPEG, or a
//! character no font holds is an error, not a PDF.

mod backtrace;
mod error;
mod fonts;
mod footer;
mod forms;
mod layout;
mod letter;
pub mod pades;
mod pdf;
mod photos;
mod qr;
mod signature;
mod stamp;
mod table;
pub mod xlsx;

pub use backtrace::render_backtrace;
pub use error::ReportError;
pub use stamp::read_stamp;

use layout::Page;
use photos::ImageBank;
use safeserve_core::document::{DocumentContent, DocumentKind, PhotoFacts, SignedDocument};
use std::collections::HashMap;

/// Where the print copies of photos come from (the media store).
pub trait PhotoSource {
    /// JPEG bytes of the print copy (~1200 px long edge, already watermarked, upright);
    /// `Err` says why it is missing.
    fn jpeg(&self, photo: &PhotoFacts) -> Result<Vec<u8>, String>;
}

/// The form of `doc` as a PDF, its QR codes holding the document's stamp.
pub fn render(doc: &SignedDocument, photos: &dyn PhotoSource) -> Result<Vec<u8>, ReportError> {
    render_for(doc, photos, None)
}

/// [`render`], the QR codes opening `{verify_url}/verify/{code}` (the bureau's public
/// verification page) when the laptop knows that address.
pub fn render_for(
    doc: &SignedDocument,
    photos: &dyn PhotoSource,
    verify_url: Option<&str>,
) -> Result<Vec<u8>, ReportError> {
    check_glyphs(&doc.content)?;
    let mut images = ImageBank::default();
    let mut pages = layout(doc, &mut images, photos, None)?;
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        add_footer(page, i + 1, total, doc, &mut images, verify_url);
    }
    pdf::assemble(pages, images, &meta(doc))
}

/// 一企一档: a cover + index page listing the bundled docs, then each document's own pages
/// (each keeps its own verification code/QR in its footer), page numbers across the whole
/// bundle.
///
/// `docs` must be exactly the documents the cover lists (`cover.content.bundled`), in any
/// order; they are printed in the cover's order. A listed document missing from `docs`, or one
/// the cover does not list, is an error: a bundle is never silently incomplete.
pub fn render_bundle(
    cover: &SignedDocument,
    docs: &[SignedDocument],
    photos: &dyn PhotoSource,
) -> Result<Vec<u8>, ReportError> {
    render_bundle_for(cover, docs, photos, None)
}

/// [`render_bundle`] with the QR codes of [`render_for`].
pub fn render_bundle_for(
    cover: &SignedDocument,
    docs: &[SignedDocument],
    photos: &dyn PhotoSource,
    verify_url: Option<&str>,
) -> Result<Vec<u8>, ReportError> {
    if cover.kind != DocumentKind::EnterpriseFile {
        return Err(ReportError::CoverNotEnterpriseFile(cover.kind));
    }
    check_glyphs(&cover.content)?;
    let by_id: HashMap<String, &SignedDocument> = docs.iter().map(|d| (d.id.0.to_string(), d)).collect();
    for d in docs {
        if !cover.content.bundled.iter().any(|r| r.id == d.id.0.to_string()) {
            return Err(ReportError::NotInIndex(d.id.0.to_string()));
        }
    }
    let mut ordered = Vec::new();
    for r in &cover.content.bundled {
        let d = by_id.get(&r.id).ok_or_else(|| ReportError::ListedMissing { id: r.id.to_string(), kind: r.kind })?;
        if d.content_hash != r.content_hash {
            return Err(ReportError::OtherVersion(r.id.to_string()));
        }
        check_glyphs(&d.content)?;
        ordered.push(*d);
    }
    let mut images = ImageBank::default();
    let mut parts: Vec<(Vec<Page>, &SignedDocument)> = Vec::new();
    for d in &ordered {
        parts.push((layout(d, &mut images, photos, None)?, d));
    }
    // The cover's length decides where the documents start; page numbers never change its
    // length (one short number per row), so a first pass with the starts unknown gives it.
    let mut scratch = ImageBank::default();
    let cover_len = forms::enterprise_file::layout(cover, &mut scratch, photos, Some(&HashMap::new()))?.len();
    let mut starts = HashMap::new();
    let mut next = cover_len + 1;
    for (pages, d) in &parts {
        starts.insert(d.id.0.to_string(), next);
        next += pages.len();
    }
    let cover_pages = forms::enterprise_file::layout(cover, &mut images, photos, Some(&starts))?;
    let total = cover_pages.len() + parts.iter().map(|(p, _)| p.len()).sum::<usize>();
    let mut all = Vec::with_capacity(total);
    for page in cover_pages {
        all.push((page, cover));
    }
    for (pages, d) in parts {
        all.extend(pages.into_iter().map(|p| (p, d)));
    }
    let pages: Vec<Page> = all
        .into_iter()
        .enumerate()
        .map(|(i, (mut page, d))| {
            add_footer(&mut page, i + 1, total, d, &mut images, verify_url);
            page
        })
        .collect();
    pdf::assemble(pages, images, &meta(cover))
}

/// Characters of the text the document would print that no available font holds (checked
/// before signing).
pub fn missing_characters(content: &DocumentContent) -> Vec<char> {
    fonts::missing_in(&content.printed_text())
}

fn check_glyphs(content: &DocumentContent) -> Result<(), ReportError> {
    let missing = missing_characters(content);
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ReportError::MissingGlyphs(missing))
    }
}

fn layout(
    doc: &SignedDocument,
    images: &mut ImageBank,
    photos: &dyn PhotoSource,
    starts: Option<&HashMap<String, usize>>,
) -> Result<Vec<Page>, ReportError> {
    match doc.kind {
        DocumentKind::HazardList => forms::hazard_list::layout(doc, images, photos),
        DocumentKind::InspectionRecord => forms::inspection_record::layout(doc, images, photos),
        DocumentKind::RectificationNotice => forms::rectification_notice::layout(doc, images, photos),
        DocumentKind::Reinspection => forms::reinspection::layout(doc, images, photos),
        DocumentKind::ServicePlan => forms::service_plan::layout(doc, images, photos),
        DocumentKind::Letter => letter::layout(doc, images, photos),
        DocumentKind::EnterpriseFile => forms::enterprise_file::layout(doc, images, photos, starts),
    }
}

fn add_footer(
    page: &mut Page,
    n: usize,
    total: usize,
    doc: &SignedDocument,
    images: &mut ImageBank,
    verify_url: Option<&str>,
) {
    let qr = footer::qr_text(doc, verify_url);
    if doc.kind == DocumentKind::Letter {
        footer::letter(page, n, total, doc, images, &qr);
    } else {
        footer::form(page, n, total, doc, images, &qr);
    }
}

fn meta(doc: &SignedDocument) -> stamp::Meta {
    let c = &doc.content;
    let title = forms::title(c);
    let who = if doc.kind == DocumentKind::Letter {
        c.letter.as_ref().map(|l| l.recipient.clone()).unwrap_or_else(|| c.subject.name.clone())
    } else {
        c.subject.name.clone()
    };
    stamp::Meta {
        title: if who.is_empty() { title } else { format!("{title} — {who}") },
        subject: format!("{}，验证码 {}", doc.kind.label_zh(), doc.verification_code),
        id: doc.id.0,
        content_hash: doc.content_hash.clone(),
        signed_at: c.signed_at.clone(),
        signature_field: true,
    }
}
