//! A document PDF's own proof: the PDF signature every file carries, made with this laptop's
//! document key, and the check of a file from its bytes.
//!
//! The signature covers the whole file but its hole, so any change to what was signed breaks
//! it and anything added after signing shows as bytes beyond its range. The record behind the
//! stamp is then checked ([`Store::verify`], believing only the signers [`PdfSigner`] trusts).
//! When the file was not signed by this laptop, or its own proof fails, the document is drawn
//! again from its frozen record and compared, page by page where they differ.

use crate::PrintError;
use safeserve_core::document::Verdict;
use safeserve_core::{DocumentId, Message};
use safeserve_device::DeviceKey;
use safeserve_pki::{Certificate, DocumentKey, Subject};
use safeserve_report::pades;
use safeserve_store::views::Verification;
use safeserve_store::{SignerTrust, Store};

/// How this laptop signs PDFs, and which signers it believes: itself, and the devices the
/// bureau issued a certificate to.
pub struct PdfSigner {
    key: DocumentKey,
    /// The signer's certificate first, then the bureau's root when enrolled.
    chain: Vec<Certificate>,
    /// This laptop's Ed25519 record key, hex.
    device_key: String,
    /// The bureau's root, from enrolment.
    bureau: Option<Certificate>,
}

impl PdfSigner {
    /// This laptop's signer: its document key (derived from its device key) with the
    /// certificate the bureau issued at enrolment, or, never enrolled, a self-issued certificate
    /// that says no bureau vouches for it.
    pub fn load(store: &Store, device: &DeviceKey) -> Result<PdfSigner, PrintError> {
        let key = DocumentKey::derive(&device.key.to_bytes());
        let account = store.sync_account()?;
        let pem = |p: Option<String>| p.map(|p| safeserve_pki::certificate_from_pem(&p)).transpose();
        let bureau = pem(account.as_ref().and_then(|a| a.bureau_authority.clone()))?;
        let issued = pem(account.and_then(|a| a.document_certificate))?.filter(|cert| {
            safeserve_pki::public_key_der(cert) == key.public_key_der()
                && bureau.as_ref().is_some_and(|b| safeserve_pki::issued_by(cert, b))
        });
        let chain = match (issued, &bureau) {
            (Some(cert), Some(root)) => vec![cert, root.clone()],
            _ => {
                let subject = Subject {
                    name: "SafeServe 未登记设备（自签证书）".into(),
                    organisation: "SafeServe（未经主管部门签发 / not issued by a bureau）".into(),
                    device: device.public_hex(),
                    ..Default::default()
                };
                vec![safeserve_pki::self_issued(&key, &subject)?]
            }
        };
        Ok(PdfSigner { key, chain, device_key: device.public_hex(), bureau })
    }

    /// Signs a PDF `safeserve_report` wrote, in place.
    pub fn sign(&self, pdf: &mut [u8]) -> Result<(), PrintError> {
        let sig = pades::signature(pdf)
            .ok_or_else(|| PrintError::Report(safeserve_report::ReportError::NoSignaturePlaceholder))?;
        let cms = safeserve_pki::sign_detached(&self.key, &self.chain, &sig.digest())?;
        pades::fill(pdf, &cms)?;
        Ok(())
    }

    fn is_own(&self, signer: &Certificate) -> bool {
        safeserve_pki::public_key_der(signer) == self.key.public_key_der()
    }

    fn vouched(&self, cert: &Certificate) -> bool {
        self.bureau.as_ref().is_some_and(|root| safeserve_pki::issued_by(cert, root))
    }
}

impl SignerTrust for PdfSigner {
    /// This laptop's own key, or a key the bureau's certificate names.
    fn trusts(&self, device_key_hex: &str, certificate: Option<&str>) -> bool {
        if self.device_key.eq_ignore_ascii_case(device_key_hex) {
            return true;
        }
        let Some(cert) = certificate.and_then(|pem| safeserve_pki::certificate_from_pem(pem).ok()) else {
            return false;
        };
        self.vouched(&cert) && safeserve_pki::device_of(&cert).is_some_and(|d| d.eq_ignore_ascii_case(device_key_hex))
    }
}

/// What the file itself says about its integrity, before the record is consulted, and
/// whether this laptop signed it.
fn file_problems(signer: &PdfSigner, bytes: &[u8]) -> (Vec<Message>, bool) {
    let Some(sig) = pades::signature(bytes) else {
        return (
            vec![Message::new(
                "文件中没有 SafeServe 的数字签名：它不是 SafeServe 写出的原文件（可能被其他程序改写或另存，或是仿造的）",
                "The file carries no SafeServe digital signature: it is not the file SafeServe wrote (rewritten or re-saved by another program, or forged)",
            )],
            false,
        );
    };
    let mut out = Vec::new();
    let mut own = false;
    match sig.verify() {
        Ok(by) if signer.is_own(&by.certificate) => own = true,
        Ok(by) if signer.vouched(&by.certificate) => {}
        Ok(by) => out.push(Message::new(
            format!("数字签名的证书（{}）既不是本机的，也不是本局签发的", safeserve_pki::subject_text(&by.certificate)),
            format!(
                "The signing certificate ({}) is neither this laptop's nor issued by the bureau",
                safeserve_pki::subject_text(&by.certificate)
            ),
        )),
        Err(_) => out.push(Message::new(
            "数字签名不成立：签名所覆盖的内容在签名后被改动",
            "The digital signature does not hold: what it covers was changed after signing",
        )),
    }
    if sig.appended > 0 {
        out.push(Message::new(
            format!("签名之后文件被追加了内容（增量更新，{} 字节）", sig.appended),
            format!("Content was added after signing (an incremental update, {} bytes)", sig.appended),
        ));
    }
    (out, own)
}

/// Whether `bytes` is what this laptop draws for the document (up to the signature's hole),
/// and where not, what differs.
fn differences(store: &Store, id: DocumentId, bytes: &[u8]) -> Vec<Message> {
    // Not drawn again, not confirmed: a file this laptop cannot compare is never taken as it.
    let fresh = match crate::render(store, id) {
        Ok((_, fresh)) => fresh,
        Err(e) => {
            let why = e.message();
            return vec![Message::new(
                format!("本机无法重新生成这份文书来逐页核对（{}）：文件的内容未经核实", why.zh),
                format!("This laptop cannot draw the document again to compare it page by page ({}): the file's content is not confirmed", why.en),
            )];
        }
    };
    let same = match (pades::signature(&fresh), pades::signature(bytes)) {
        (Some(a), Some(b)) => a.covered == b.covered && b.appended == 0,
        _ => false,
    };
    if same {
        return Vec::new();
    }
    match pades::differing_pages(&fresh, bytes) {
        Ok(pages) if pages.is_empty() => vec![Message::new(
            "各页文字与签字存档一致，但文件的其他部分（图片或其他对象）与签字存档不一致",
            "Every page's text matches the signed record, but other parts of the file (images or other objects) do not",
        )],
        Ok(pages) => pages
            .into_iter()
            .map(|p| match p {
                pades::PageDifference::Page(n) => Message::new(
                    format!("第 {n} 页的内容与签字存档不一致"),
                    format!("Page {n} differs from the signed record"),
                ),
                pades::PageDifference::Count { signed, file } => Message::new(
                    format!("页数不符：签字存档 {signed} 页，文件 {file} 页"),
                    format!("Page count differs: {signed} in the signed record, {file} in the file"),
                ),
            })
            .collect(),
        Err(_) => {
            vec![Message::new("文件已损坏，无法逐页比对", "The file is damaged and cannot be compared page by page")]
        }
    }
}

/// A PDF checked from its bytes: its signature, then the record its stamp names.
pub fn verify_pdf(store: &Store, signer: &PdfSigner, bytes: &[u8]) -> Result<Verification, PrintError> {
    let unknown = |zh: &str, en: &str| Verification {
        verdict: Verdict::Unknown,
        reasons: vec![Message::new(zh, en)],
        document: None,
        superseded_by: None,
    };
    if !bytes.starts_with(b"%PDF-") {
        return Ok(unknown(
            "这不是 PDF 文件（文件已损坏或是其他类型的文件）",
            "This is not a PDF file (damaged, or a file of another kind)",
        ));
    }
    let complete = bytes.trim_ascii_end().ends_with(b"%%EOF");
    let Some((id, hash)) = safeserve_report::read_stamp(bytes) else {
        if !complete {
            return Ok(unknown(
                "文件已损坏（不完整，可能下载或复制中断），读不出验证信息",
                "The file is damaged (incomplete, perhaps a cut-off download or copy): no verification stamp can be read",
            ));
        }
        return Ok(unknown(
            "这不是 SafeServe 生成的文书 PDF（文件中没有验证信息）",
            "This is not a document PDF made by SafeServe (it carries no verification stamp)",
        ));
    };
    let id = DocumentId(id);
    let mut verification = store.verify(id, Some(&hash), signer)?;
    if verification.verdict == Verdict::Unknown {
        return Ok(verification);
    }
    let (mut problems, own) = file_problems(signer, bytes);
    // A file this laptop signed is its own word. One signed elsewhere (another laptop the
    // bureau vouches for), or whose signature fails, must also be what this laptop draws
    // from the record: a vouched-for signer cannot put its name to pages the record does not
    // hold.
    if !own || !problems.is_empty() {
        let differs = differences(store, id, bytes);
        if !problems.is_empty() || !differs.is_empty() {
            problems.extend(differs);
            problems.append(&mut verification.reasons);
            verification.reasons = problems;
            verification.verdict = Verdict::Altered;
        }
    }
    Ok(verification)
}
