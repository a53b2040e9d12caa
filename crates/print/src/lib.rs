//! `safeserve-print` carries a document from the records to paper and back, for the desktop
//! app and the CLI alike: it signs with this laptop's key once the fonts are known to hold every
//! character, draws a stored document (or an enterprise file with its bundled documents) to a
//! PDF file from the frozen content only, and reads a PDF's stamp back to verify it against the
//! record. It owns no rules: those are in the core, the store and the report crate.

pub mod clock;
mod pdf_signature;
pub mod spreadsheets;

pub use clock::now;
pub use pdf_signature::{verify_pdf, PdfSigner};

use safeserve_core::document::{DocumentContent, DocumentKind, PhotoFacts, SignedDocument};
use safeserve_core::{DocumentId, EnterpriseId, ErrorCode, Message};
use safeserve_device::{DeviceError, DeviceKey};
use safeserve_report::{PhotoSource, ReportError};
use safeserve_store::documents::{LetterNumbers, NumberUnavailable};
use safeserve_store::views::{DocumentRequest, DocumentSummary};
use safeserve_store::{Store, StoreError};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Device(#[from] DeviceError),
    #[error(transparent)]
    LetterNumber(NumberUnavailable),
    #[error("PDF signature")]
    Pki(#[from] safeserve_pki::PkiError),
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl PrintError {
    pub fn code(&self) -> ErrorCode {
        match self {
            PrintError::Store(e) => e.code(),
            PrintError::Report(_) => ErrorCode::ReportFailed,
            PrintError::Device(_) => ErrorCode::DeviceKey,
            PrintError::LetterNumber(e) => e.code,
            PrintError::Write { .. } => ErrorCode::WriteFailed,
            PrintError::Pki(_) => ErrorCode::PdfSignature,
        }
    }

    pub fn message(&self) -> Message {
        match self {
            PrintError::Store(e) => e.message(),
            PrintError::Report(e) => e.message(),
            PrintError::Device(e) => e.message(),
            PrintError::LetterNumber(e) => e.message.clone(),
            PrintError::Pki(e) => Message::new(
                format!("无法为 PDF 加数字签名：{e}。未写出文件"),
                format!("Cannot put the digital signature on the PDF: {e}. No file was written"),
            ),
            PrintError::Write { path, source } => Message::new(
                format!("无法写入 PDF：{}（{source}）", path.display()),
                format!("Cannot write the PDF: {} ({source})", path.display()),
            ),
        }
    }
}

/// Characters no shipped or system font can print, as a problem that blocks signing.
pub fn font_problems(content: &DocumentContent) -> Vec<Message> {
    let missing = safeserve_report::missing_characters(content);
    if missing.is_empty() {
        return Vec::new();
    }
    vec![ReportError::MissingGlyphs(missing).message()]
}

/// What signing now would freeze, with every problem named (fonts included).
pub fn draft(store: &Store, request: &DocumentRequest) -> Result<safeserve_store::views::Draft, PrintError> {
    let mut draft = store.draft_document(request, now())?;
    draft.problems.extend(font_problems(&draft.content));
    Ok(draft)
}

/// Signs a document with this laptop's key. A letter approved on an enrolled laptop takes its
/// reference number from `numbers` (the server's series, through `safeserve_sync::ServerNumbers`);
/// any other document, or a laptop that was never enrolled, numbers from this database.
pub fn sign(
    store: &mut Store,
    device: &DeviceKey,
    request: &DocumentRequest,
    numbers: &mut dyn LetterNumbers,
) -> Result<DocumentSummary, PrintError> {
    let mut random = [0u8; 10];
    random.copy_from_slice(&uuid::Uuid::now_v7().as_bytes()[6..16]);
    let now = now();
    let number = match store.letter_series(request, now, &font_problems)? {
        Some(series) => Some(numbers.take(store, &series).map_err(PrintError::LetterNumber)?),
        None => None,
    };
    let doc = store.sign_numbered(request, &device.key, &device.label(), now, &random, &font_problems, number)?;
    Ok(store.document_summary(doc.id)?)
}

/// The request for a fresh enterprise file (一企一档) of everything the enterprise has signed.
pub fn enterprise_file_request(id: EnterpriseId) -> DocumentRequest {
    DocumentRequest {
        kind: DocumentKind::EnterpriseFile,
        visit_id: None,
        enterprise_id: Some(id),
        signatures: vec![],
        replaces: None,
        correction_reason: String::new(),
    }
}

struct StorePhotos<'a>(&'a Store);

impl PhotoSource for StorePhotos<'_> {
    fn jpeg(&self, photo: &PhotoFacts) -> Result<Vec<u8>, String> {
        self.0.print_copy(&photo.sha256).map_err(|e| e.message().zh)
    }
}

/// A stored document drawn as a PDF, its signature hole still empty; an enterprise file
/// carries its bundled documents' pages. Once enrolled, the QR codes open the bureau's
/// verification page.
fn render(store: &Store, id: DocumentId) -> Result<(SignedDocument, Vec<u8>), PrintError> {
    let doc = store.document(id)?;
    let photos = StorePhotos(store);
    let verify_url = store.sync_account()?.and_then(|a| a.verify_url);
    let bytes = if doc.kind == DocumentKind::EnterpriseFile {
        let mut bundled = Vec::with_capacity(doc.content.bundled.len());
        for r in &doc.content.bundled {
            let id = r.id.parse().map_err(|_| StoreError::NotFound { what: "document", id: r.id.clone() })?;
            bundled.push(store.document(id)?);
        }
        safeserve_report::render_bundle_for(&doc, &bundled, &photos, verify_url.as_deref())?
    } else {
        safeserve_report::render_for(&doc, &photos, verify_url.as_deref())?
    };
    Ok((doc, bytes))
}

/// The PDF of a stored document, signed by this laptop.
pub fn pdf(store: &Store, signer: &PdfSigner, id: DocumentId) -> Result<(SignedDocument, Vec<u8>), PrintError> {
    let (doc, mut bytes) = render(store, id)?;
    signer.sign(&mut bytes)?;
    Ok((doc, bytes))
}

/// `隐患清单-企业-验证码.pdf`, with characters file systems refuse replaced.
pub fn file_name(doc: &SignedDocument) -> String {
    safe_file_name(&format!("{}-{}-{}.pdf", doc.kind.label_zh(), doc.content.subject.name, doc.verification_code))
}

/// `name` with the characters Windows, macOS or Linux refuse in a file name replaced by `_`
/// (enterprise names hold `/` and `:` at times): every file SafeServe names goes through it.
pub fn safe_file_name(name: &str) -> String {
    name.chars()
        .map(|c| if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c })
        .collect()
}

/// An accident back-trace report (事故关联倒查报告) as a PDF, dated now, and its file name
/// `事故关联倒查报告-企业-日期.pdf`.
pub fn backtrace_pdf(trace: &safeserve_core::backtrace::Backtrace) -> Result<(String, Vec<u8>), PrintError> {
    let bytes = safeserve_report::render_backtrace(trace, &now().to_rfc3339())?;
    let name = safe_file_name(&format!("事故关联倒查报告-{}-{}.pdf", trace.enterprise.name, trace.accident));
    Ok((name, bytes))
}

/// Writes `bytes` beside `path` and renames the file into place, so a cut-off write never
/// leaves a half file under the name.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), PrintError> {
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("out");
        let tmp = path.with_extension(format!("{ext}.partial"));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|source| PrintError::Write { path: path.to_path_buf(), source })
}

/// Writes a document's PDF into `dir` under [`file_name`] and returns the path.
pub fn write_pdf(store: &Store, signer: &PdfSigner, id: DocumentId, dir: &Path) -> Result<PathBuf, PrintError> {
    let (doc, bytes) = pdf(store, signer, id)?;
    let path = dir.join(file_name(&doc));
    write_file(&path, &bytes)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    /// Enterprise names hold characters some file systems refuse; the file is still written.
    #[test]
    fn a_file_name_never_holds_what_a_file_system_refuses() {
        assert_eq!(
            super::safe_file_name("事故关联倒查报告-杭州/余杭:某<公司>?.pdf"),
            "事故关联倒查报告-杭州_余杭_某_公司__.pdf"
        );
    }
}
