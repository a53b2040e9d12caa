//! The public verification page: `GET /verify/{code}` (and `/verify?code=…`, the page's own
//! form) and `POST /verify` with a PDF. No sign-in; a strict rate per address. It says what a
//! bureau may tell anyone holding the paper: the form, whom it is about, when it was signed, by
//! whom (names only, never ID numbers), its content hash, and whether it is valid or replaced
//! by a newer version. The QR code on an enrolled laptop's documents opens it.
//!
//! The verdict is computed again from the record every time: the content hashes to its
//! recorded hash, the verification code is the one the document's id and hash give (the typed
//! code only finds it), and the signature holds for a key the server registered. A dropped PDF
//! must also carry a signature that holds over the whole file, by a device the bureau issued a
//! certificate to, and a stamp naming a document held here with that hash. (Whether each page
//! says what the record says is checked by the app, which can draw the document again.)

use crate::api::{blocking, ApiError, Shared};
use crate::storage::{DocumentLookup, HeldDocument};
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Html;
use safeserve_core::document::{self as doc, chinese_date, normalise_code, parse_qr_payload, DocumentContent, Verdict};
use safeserve_core::Message;
use serde::Deserialize;
use serde_json::Value;

/// Largest PDF the page accepts: a hazard list with its photos is a few megabytes.
pub const MAX_PDF: usize = 32 * 1024 * 1024;

/// What the page found.
struct Finding {
    verdict: Verdict,
    reasons: Vec<Message>,
    facts: Option<Facts>,
    /// The newest version's code, when this one was replaced.
    newest: Option<String>,
}

/// What the page shows of a document.
struct Facts {
    form: String,
    subject: String,
    signed_on: String,
    signers: Vec<String>,
    content_hash: String,
    code: String,
}

impl Finding {
    fn unknown(zh: impl Into<String>, en: impl Into<String>) -> Finding {
        Finding { verdict: Verdict::Unknown, reasons: vec![Message::new(zh, en)], facts: None, newest: None }
    }
}

/// The record checked again: hash, code, signature, registered key.
fn judge(held: &HeldDocument) -> Finding {
    let damaged = || Finding {
        verdict: Verdict::Altered,
        reasons: vec![Message::new("服务器上的文书记录无法读取", "The document's record on the server cannot be read")],
        facts: None,
        newest: None,
    };
    let Ok(body) = serde_json::from_str::<Value>(&held.body) else { return damaged() };
    let get = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default();
    let Ok(id) = uuid::Uuid::parse_str(get("id")) else { return damaged() };
    let digest: [u8; 32] = {
        use sha2::Digest;
        sha2::Sha256::digest(get("content").as_bytes()).into()
    };
    let mut reasons = Vec::new();
    if doc::hex(&digest) != get("content_hash") {
        reasons.push(Message::new("文书内容与其内容指纹不符", "The document's content does not match its hash"));
    }
    let code = doc::verification_code(id, &digest);
    if code != get("verification_code") {
        reasons
            .push(Message::new("验证码与文书内容不符", "The verification code does not match the document's content"));
    }
    if !held.key_registered || !doc::signature_holds(get("device_key"), get("signature"), id, &digest) {
        reasons.push(Message::new(
            "设备签名无效，或签名设备未在本局登记",
            "The device signature does not hold, or the signing device is not registered with the bureau",
        ));
    }
    let content: Option<DocumentContent> = serde_json::from_str(get("content")).ok();
    let facts = content.map(|c| Facts {
        form: format!("{}（{}）", c.kind.label_zh(), c.kind.label_en()),
        subject: c.subject.name.clone(),
        signed_on: chinese_date(&c.signed_at),
        signers: c
            .signatures
            .iter()
            .map(|s| match &s.refusal {
                Some(_) => format!("{} {}（拒绝签字 refused to sign）", s.role.label_zh(), s.name),
                None => format!("{} {}", s.role.label_zh(), s.name),
            })
            .collect(),
        content_hash: get("content_hash").to_owned(),
        code,
    });
    let newest = held
        .newest
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok()?.get("verification_code")?.as_str().map(str::to_owned));
    let verdict = match (reasons.is_empty(), &newest) {
        (false, _) => Verdict::Altered,
        (true, Some(_)) => Verdict::Superseded,
        (true, None) => Verdict::Valid,
    };
    Finding { verdict, reasons, facts, newest }
}

async fn by_code(state: &Shared, typed: &str) -> Result<Finding, ApiError> {
    let code = normalise_code(typed);
    if code.len() != 19 {
        return Ok(Finding::unknown(
            format!("验证码 {code} 格式不对：应为 16 位字母和数字（如 ABCD-EFGH-JKMN-PQRS），请核对后重新输入"),
            format!("The code {code} is malformed: it has 16 letters and digits (like ABCD-EFGH-JKMN-PQRS)"),
        ));
    }
    let lookup = code.clone();
    let held = blocking(state, move |s| s.public_document(DocumentLookup::Code(&lookup))).await?;
    Ok(match held {
        Some(held) => judge(&held),
        None => Finding::unknown(
            format!("查无此文书：验证码 {code} 不属于本局登记的任何文书（请核对是否输错）"),
            format!("No document registered with the bureau has the code {code} (check it for a typo)"),
        ),
    })
}

/// The stamp a PDF carries (`/SafeServeStamp (SAFESERVE:DOC:id:hash)`).
fn stamp(pdf: &[u8]) -> Option<(uuid::Uuid, String)> {
    safeserve_pki::pdf::stamp(pdf, b"SafeServeStamp").and_then(parse_qr_payload)
}

async fn by_pdf(state: &Shared, pdf: &[u8]) -> Result<Finding, ApiError> {
    if !pdf.starts_with(b"%PDF-") {
        return Ok(Finding::unknown(
            "这不是 PDF 文件（文件已损坏或是其他类型的文件）",
            "This is not a PDF file (damaged, or a file of another kind)",
        ));
    }
    let Some((id, hash)) = stamp(pdf) else {
        if !pdf.trim_ascii_end().ends_with(b"%%EOF") {
            return Ok(Finding::unknown(
                "文件已损坏（不完整），读不出验证信息",
                "The file is damaged (incomplete): no verification stamp can be read",
            ));
        }
        return Ok(Finding::unknown(
            "这不是 SafeServe 生成的文书 PDF（文件中没有验证信息）",
            "This is not a document PDF made by SafeServe (it carries no verification stamp)",
        ));
    };
    let key = id.to_string();
    let Some(held) = blocking(state, move |s| s.public_document(DocumentLookup::Id(&key))).await? else {
        return Ok(Finding::unknown(
            "查无此文书：文件所指的文书不在本局服务器上",
            "The document this file names is not held by the bureau's server",
        ));
    };
    let mut finding = judge(&held);
    let mut problems = Vec::new();
    match safeserve_pki::pdf::signature(pdf) {
        None => problems.push(Message::new(
            "文件中没有数字签名：它不是 SafeServe 写出的原文件",
            "The file carries no digital signature: it is not the file SafeServe wrote",
        )),
        Some(sig) => {
            match sig.verify() {
                Ok(by) if safeserve_pki::issued_by(&by.certificate, state.bureau.root()) => {}
                Ok(by) => problems.push(Message::new(
                    format!("签名证书（{}）不是本局签发的", safeserve_pki::subject_text(&by.certificate)),
                    format!(
                        "The signing certificate ({}) was not issued by the bureau",
                        safeserve_pki::subject_text(&by.certificate)
                    ),
                )),
                Err(_) => problems.push(Message::new(
                    "数字签名不成立：文件在签名后被改动",
                    "The digital signature does not hold: the file was changed after signing",
                )),
            }
            if sig.appended > 0 {
                problems.push(Message::new(
                    format!("签名之后文件被追加了内容（{} 字节）", sig.appended),
                    format!("Content was added after signing ({} bytes)", sig.appended),
                ));
            }
        }
    }
    if finding.facts.as_ref().is_some_and(|f| f.content_hash != hash) {
        problems.push(Message::new(
            "文件上的内容指纹与签字存档不一致",
            "The content hash in the file differs from the signed record",
        ));
    }
    if !problems.is_empty() {
        problems.append(&mut finding.reasons);
        finding.reasons = problems;
        finding.verdict = Verdict::Altered;
    }
    Ok(finding)
}

#[derive(Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

/// `GET /verify/{code}`: what the QR code opens.
pub async fn code_page(State(state): State<Shared>, Path(code): Path<String>) -> Result<Html<String>, ApiError> {
    Ok(Html(page(Some(&by_code(&state, &code).await?))))
}

/// `GET /verify` (`?code=…` from the page's form).
pub async fn form_page(State(state): State<Shared>, Query(q): Query<CodeQuery>) -> Result<Html<String>, ApiError> {
    let finding = match q.code.filter(|c| !c.trim().is_empty()) {
        Some(code) => Some(by_code(&state, &code).await?),
        None => None,
    };
    Ok(Html(page(finding.as_ref())))
}

/// `POST /verify`: a PDF from the page's form (`multipart/form-data`, field `pdf`).
pub async fn pdf_page(State(state): State<Shared>, mut form: Multipart) -> Result<Html<String>, ApiError> {
    let mut pdf = None;
    while let Some(field) = form.next_field().await.map_err(|_| ApiError::bad_request("pdf"))? {
        if field.name() == Some("pdf") {
            pdf = Some(field.bytes().await.map_err(|_| ApiError::bad_request("pdf"))?);
        }
    }
    let finding = match pdf {
        Some(bytes) if !bytes.is_empty() => by_pdf(&state, &bytes).await?,
        _ => Finding::unknown("请选择一个 PDF 文件", "Choose a PDF file"),
    };
    Ok(Html(page(Some(&finding))))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;background:#f4f5f7;color:#1d2433}\
main{max-width:44rem;margin:0 auto;padding:1.5rem}h1{font-size:1.4rem}h1 small{color:#5b6472;font-weight:normal}\
.verdict{font-size:1.6rem;padding:1rem;border-radius:.5rem;margin:1rem 0}.valid{background:#e3f4e8;color:#17652f}\
.superseded{background:#fff4d6;color:#7a5600}.altered{background:#fde4e4;color:#9b1c1c}.unknown{background:#e9ebef;color:#3b4350}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;background:#fff;padding:1rem;border-radius:.5rem}\
dt{color:#5b6472}dd{margin:0;word-break:break-all}ul.reasons li{margin:.3rem 0}\
form{background:#fff;padding:1rem;border-radius:.5rem;margin-top:1rem}input[type=text]{font-size:1.1rem;width:16rem}";

fn page(finding: Option<&Finding>) -> String {
    let mut h = String::from(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>文书验证 Document verification</title><style>",
    );
    h.push_str(STYLE);
    h.push_str("</style></head><body><main><h1>文书验证 <small>Document verification</small></h1>");
    if let Some(f) = finding {
        let key = f.verdict.key();
        h.push_str(&format!(
            "<section class=\"verdict {key}\" data-verdict=\"{key}\"><strong>{}</strong> {}</section>",
            f.verdict.label_zh(),
            f.verdict.label_en()
        ));
        if let Some(newest) = &f.newest {
            let code = escape(newest);
            h.push_str(&format!(
                "<p data-testid=\"newest\">本文书已被更正版本取代，请以最新版本为准：\
                 <a href=\"/verify/{code}\">{code}</a><br>Replaced by a corrected version: {code}</p>"
            ));
        }
        if !f.reasons.is_empty() {
            h.push_str("<ul class=\"reasons\">");
            for r in &f.reasons {
                h.push_str(&format!("<li>{}<br><small>{}</small></li>", escape(&r.zh), escape(&r.en)));
            }
            h.push_str("</ul>");
        }
        if let Some(facts) = &f.facts {
            h.push_str("<dl>");
            let signers = facts.signers.iter().map(|s| escape(s)).collect::<Vec<_>>().join("<br>");
            for (zh, en, value) in [
                ("文书", "Form", escape(&facts.form)),
                ("企业或机构", "Enterprise or agency", escape(&facts.subject)),
                ("签字日期", "Signed on", escape(&facts.signed_on)),
                ("签字人", "Signed by", signers),
                ("验证码", "Verification code", escape(&facts.code)),
                ("内容指纹 SHA-256", "Content hash", escape(&facts.content_hash)),
            ] {
                h.push_str(&format!("<dt>{zh}<br><small>{en}</small></dt><dd>{value}</dd>"));
            }
            h.push_str("</dl>");
        }
    }
    h.push_str(
        "<form method=\"get\" action=\"/verify\"><label>验证码 Verification code<br>\
         <input type=\"text\" name=\"code\" placeholder=\"ABCD-EFGH-JKMN-PQRS\" autocomplete=\"off\"></label> \
         <button type=\"submit\">验证 Verify</button></form>\
         <form method=\"post\" action=\"/verify\" enctype=\"multipart/form-data\">\
         <label>或选择（拖入）PDF 文件 Or choose (drop) the PDF<br>\
         <input type=\"file\" name=\"pdf\" accept=\".pdf,application/pdf\"></label> \
         <button type=\"submit\">验证文件 Check the file</button></form>\
         </main></body></html>",
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_document_says_is_escaped() {
        assert_eq!(escape("<script>\"&'"), "&lt;script&gt;&quot;&amp;&#39;");
    }
}
