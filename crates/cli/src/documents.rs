//! `safeserve report`, `safeserve verify` and `safeserve documents`: print a signed document as
//! its PDF form, check a PDF (or a code read off paper) against the record, list what is signed.

use clap::ValueEnum;
use safeserve_core::document::{DocumentKind, Verdict};
use safeserve_core::{DocumentId, Message};
use safeserve_print::PrintError;
use safeserve_store::documents::DocumentsOf;
use safeserve_store::views::{DocumentSummary, Verification};
use safeserve_store::{Store, StoreError};
use std::path::Path;
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub enum Form {
    HazardList,
    InspectionRecord,
    RectificationNotice,
    Reinspection,
    ServicePlan,
    Letter,
    EnterpriseFile,
}

impl Form {
    pub fn kind(self) -> DocumentKind {
        match self {
            Form::HazardList => DocumentKind::HazardList,
            Form::InspectionRecord => DocumentKind::InspectionRecord,
            Form::RectificationNotice => DocumentKind::RectificationNotice,
            Form::Reinspection => DocumentKind::Reinspection,
            Form::ServicePlan => DocumentKind::ServicePlan,
            Form::Letter => DocumentKind::Letter,
            Form::EnterpriseFile => DocumentKind::EnterpriseFile,
        }
    }
}

fn say_error(m: &Message) -> ExitCode {
    crate::output::error(m)
}

fn print_error(e: &PrintError) -> ExitCode {
    say_error(&e.message())
}

/// Which document `id` means for `kind`: the document itself, the newest signed version of that
/// form of a visit, or (enterprise file) a fresh bundle of an enterprise's documents, signed
/// with this laptop's key.
fn resolve(store: &mut Store, kind: DocumentKind, id: &str) -> Result<DocumentId, PrintError> {
    let not_found = || StoreError::NotFound { what: "document, visit or enterprise", id: id.to_owned() };
    let uuid = id.parse::<uuid::Uuid>().map_err(|_| not_found())?;
    if let Ok(doc) = store.document(DocumentId(uuid)) {
        if doc.kind != kind {
            return Err(StoreError::Invalid {
                field: "id",
                message: Message::new(
                    format!("编号 {id} 是一份{}，不是{}", doc.kind.label_zh(), kind.label_zh()),
                    format!("{id} is a {}, not a {}", doc.kind.label_en(), kind.label_en()),
                ),
            }
            .into());
        }
        return Ok(doc.id);
    }
    if kind == DocumentKind::EnterpriseFile {
        let device = safeserve_device::load_or_create(&safeserve_device::default_data_dir())?;
        let request = safeserve_print::enterprise_file_request(safeserve_core::EnterpriseId(uuid));
        return Ok(safeserve_print::sign(store, &device, &request, &mut safeserve_sync::ServerNumbers)?.id);
    }
    match store.latest_document(safeserve_core::VisitId(uuid), kind)? {
        Some(doc) => Ok(doc.id),
        None => Err(StoreError::Invalid {
            field: "id",
            message: Message::new(
                format!("{id} 没有已签字的{}：请先在 SafeServe 中签字，再打印", kind.label_zh()),
                format!(
                    "{id} has no signed {}: have it signed in SafeServe first, then print it",
                    kind.label_en().to_lowercase()
                ),
            ),
        }
        .into()),
    }
}

/// This laptop's PDF signer: its document key, from the device key, and its certificate.
pub fn pdf_signer(store: &Store) -> Result<safeserve_print::PdfSigner, PrintError> {
    let device = safeserve_device::load_or_create(&safeserve_device::default_data_dir())?;
    safeserve_print::PdfSigner::load(store, &device)
}

pub fn report(db: &Path, form: Form, id: &str, out: &Path) -> ExitCode {
    let mut store = match crate::open_existing(db) {
        Ok(s) => s,
        Err(e) => return crate::fail(&e),
    };
    let result = resolve(&mut store, form.kind(), id).and_then(|doc| {
        let (doc, bytes) = safeserve_print::pdf(&store, &pdf_signer(&store)?, doc)?;
        safeserve_print::write_file(out, &bytes)?;
        Ok((doc, bytes.len()))
    });
    match result {
        Ok((doc, size)) => {
            say!(
                "{} 第 {} 版 → {}（{} KB）验证码 {}",
                doc.kind.label_zh(),
                doc.version,
                out.display(),
                size / 1024,
                doc.verification_code
            );
            ExitCode::SUCCESS
        }
        Err(e) => print_error(&e),
    }
}

pub fn verify(db: &Path, file: Option<&Path>, code: Option<&str>, json: bool) -> ExitCode {
    let store = match crate::open_existing(db) {
        Ok(s) => s,
        Err(e) => return crate::fail(&e),
    };
    let result = match (file, code) {
        (Some(f), _) => match std::fs::read(f) {
            Ok(bytes) => pdf_signer(&store).and_then(|signer| safeserve_print::verify_pdf(&store, &signer, &bytes)),
            Err(e) => {
                return say_error(&Message::new(
                    format!("无法读取文件 {}（{e}）", f.display()),
                    format!("Cannot read {} ({e})", f.display()),
                ))
            }
        },
        (None, Some(c)) => pdf_signer(&store).and_then(|signer| Ok(store.verify_code(c, &signer)?)),
        (None, None) => {
            return say_error(&Message::new("请给出 PDF 文件或 --code 验证码", "Give a PDF file or --code"))
        }
    };
    let v = match result {
        Ok(v) => v,
        Err(e) => return print_error(&e),
    };
    if json {
        crate::output::json(&v);
    } else {
        print_verification(&v);
    }
    if v.verdict == Verdict::Valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_verification(v: &Verification) {
    say!("{} {}", v.verdict.label_zh(), v.verdict.label_en());
    if let Some(d) = &v.document {
        say!("  {}", line(d));
    }
    for r in &v.reasons {
        say!("  - {}（{}）", r.zh, r.en);
    }
    if let Some(n) = &v.superseded_by {
        say!("  最新版本 newest version: {}", line(n));
    }
}

fn line(d: &DocumentSummary) -> String {
    format!(
        "{} 第 {} 版 · {} · {} · {} · 验证码 {} · {}",
        d.title,
        d.version,
        d.subject,
        d.signed_at,
        d.signers.join("、"),
        d.verification_code,
        d.id
    )
}

pub fn list(db: &Path, of: DocumentsOf, json: bool) -> ExitCode {
    let store = match crate::open_existing(db) {
        Ok(s) => s,
        Err(e) => return crate::fail(&e),
    };
    match store.documents(of) {
        Ok(docs) => {
            for d in &docs {
                if json {
                    crate::output::json(d);
                } else {
                    let note = if d.superseded_by.is_some() { " [已被更正 superseded]" } else { "" };
                    say!("{}{note}", line(d));
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => crate::fail(&e),
    }
}
