//! The bureau's public verification page, as someone holding a paper copy uses it: the QR code
//! of a document printed on an enrolled laptop opens it, a code typed (with a typo, or in lower
//! case with spaces) is answered, and a PDF chosen in the page's form is checked — in Debian's
//! Chromium, headless, against a real server holding the demo's documents.

use anyhow::{ensure, Context, Result};
use ed25519_dalek::SigningKey;
use fantoccini::Locator;
use safeserve_core::document::DocumentKind;
use safeserve_e2e::browser::Browser;
use safeserve_e2e::server::Server;
use safeserve_store::documents::DocumentsOf;
use std::path::Path;
use std::process::Command;

const PUBLIC_URL: &str = "https://verify.example.gov.cn";

/// The text a QR code on page 1 of `pdf` holds, read from the page drawn at 200 dpi.
fn qr_on_first_page(pdf: &Path) -> Result<String> {
    let png = pdf.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-f", "1", "-l", "1", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&png)
        .status()?;
    ensure!(status.success(), "pdftoppm");
    let out = Command::new("zbarimg").args(["--quiet", "--raw"]).arg(png.with_extension("png")).output()?;
    ensure!(out.status.success(), "zbarimg found no QR code: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// The laptop's sync client blocks; the browser is driven from a runtime of its own after it.
#[test]
fn the_public_page_tells_valid_superseded_unknown_and_altered_documents_apart() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let demo_db = dir.path().join("demo.db");
    let data = dir.path().join("server");
    Server::loaded_demo(&data, &demo_db, safeserve_e2e::today(), false)?;
    Server::admin(&data, &["user", "add", "孙悦", "--role", "supervisor", "--division", "33"])?;
    let server = Server::start_plain_with(&data, &["--public-url", &format!("{PUBLIC_URL}/")])?;

    // A supervisor's laptop, enrolled and synced: it holds the documents and the bureau's
    // certificate, and its QR codes open the public page.
    let laptop = dir.path().join("laptop.db");
    let key = SigningKey::from_bytes(&[5; 32]);
    let mut store = safeserve_e2e::open_db(&laptop)?;
    let account = server.enroll(&mut store, &server.enrolment_code("孙悦")?, &key, "孙悦的笔记本")?;
    ensure!(account.verify_url.as_deref() == Some(PUBLIC_URL), "{:?}", account.verify_url);
    ensure!(account.document_certificate.is_some() && account.bureau_authority.is_some(), "the bureau's certificate");
    // The root readers are given is the one the laptop received, and it is made only once.
    let exported = Server::admin(&data, &["ca", "export"])?;
    ensure!(Some(exported.trim()) == account.bureau_authority.as_deref().map(str::trim), "admin ca export: {exported}");
    ensure!(Server::admin(&data, &["ca", "init", "--bureau", "另一个局"]).is_err(), "a second root is refused");
    safeserve_sync::sync(&mut store, &mut |_| {})?;

    let lists = store.documents(DocumentsOf::Kind(DocumentKind::HazardList))?;
    let old = lists.iter().find(|d| d.superseded_by.is_some()).context("the demo's corrected hazard list")?;
    let newest = lists.iter().find(|d| Some(d.id) == old.superseded_by).context("its correction")?;
    let valid = lists.iter().find(|d| d.superseded_by.is_none() && d.id != newest.id).context("another list")?;

    let device = safeserve_device::DeviceKey { key, home: safeserve_device::KeyHome::File(dir.path().join("key")) };
    let signer = safeserve_print::PdfSigner::load(&store, &device)?;
    let (_, pdf) = safeserve_print::pdf(&store, &signer, valid.id)?;
    let pdf_path = dir.path().join("hazard-list.pdf");
    std::fs::write(&pdf_path, &pdf)?;
    let qr = qr_on_first_page(&pdf_path)?;
    ensure!(qr == format!("{PUBLIC_URL}/verify/{}", valid.verification_code), "the QR code holds {qr}");
    let pdfsig = String::from_utf8_lossy(&Command::new("pdfsig").arg(&pdf_path).output()?.stdout).into_owned();
    ensure!(pdfsig.contains("Signature is Valid.") && pdfsig.contains("孙悦"), "pdfsig names the user: {pdfsig}");

    tokio::runtime::Runtime::new()?.block_on(async {
        let browser = Browser::start().await?;
        let page = |code: &str| format!("{}/verify/{code}", server.url);
        // Waited for: after a form's button is clicked the old page may still be on screen.
        let verdict = || browser.attr("[data-verdict]", "data-verdict");

        // What the QR code opens (the same path on this server): valid, with what it may say.
        browser.client.goto(&page(&valid.verification_code)).await?;
        ensure!(verdict().await?.as_deref() == Some("valid"));
        let body = browser.text("main").await?;
        ensure!(body.contains("有效") && body.contains(&valid.subject), "{body}");
        for signer in &valid.signers {
            ensure!(body.contains(signer), "signer {signer} named: {body}");
        }
        let content_hash = store.document(valid.id)?.content_hash;
        ensure!(body.contains(&content_hash), "the content hash is shown");
        let source = browser.client.source().await?;
        let ids: Vec<String> = safeserve_e2e::connect(&demo_db)?
            .prepare("SELECT id_number FROM people")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ensure!(ids.iter().all(|id| !source.contains(id.as_str())), "no ID number on the page");
        ensure!(!source.contains("********"), "not even a masked one");
        browser.look("verify-page-valid.png").await?;

        // Typed into the page's own form, in lower case with spaces.
        browser.client.goto(&format!("{}/verify", server.url)).await?;
        let typed = valid.verification_code.to_lowercase().replace('-', " ");
        browser.client.find(Locator::Css("input[name=code]")).await?.send_keys(&typed).await?;
        browser.client.find(Locator::Css("form[method=get] button")).await?.click().await?;
        ensure!(verdict().await?.as_deref() == Some("valid"), "a typed code");

        // Superseded: says so and points to the newest version.
        browser.client.goto(&page(&old.verification_code)).await?;
        ensure!(verdict().await?.as_deref() == Some("superseded"));
        let newer = browser.text("[data-testid=newest]").await?;
        ensure!(newer.contains(&newest.verification_code), "points to {}: {newer}", newest.verification_code);
        browser.look("verify-page-superseded.png").await?;

        // A typo, and something that is not a code at all.
        let mut typo = valid.verification_code.clone();
        let last = typo.pop().context("a code")?;
        typo.push(if last == '7' { '8' } else { '7' });
        browser.client.goto(&page(&typo)).await?;
        ensure!(verdict().await?.as_deref() == Some("unknown"));
        ensure!(browser.text("main").await?.contains("查无此文书"), "a typo is not a document");
        browser.look("verify-page-unknown.png").await?;
        browser.client.goto(&page("12345")).await?;
        ensure!(verdict().await?.as_deref() == Some("unknown"));
        ensure!(browser.text("main").await?.contains("格式不对"), "a malformed code is named as such");

        // A PDF chosen in the page's form: the file the laptop wrote, then the same file with
        // content added after signing.
        let check_file = |path: std::path::PathBuf| {
            let browser = &browser;
            let url = format!("{}/verify", server.url);
            async move {
                browser.client.goto(&url).await?;
                let input = browser.client.find(Locator::Css("input[type=file]")).await?;
                input.send_keys(&path.to_string_lossy()).await?;
                browser.client.find(Locator::Css("form[method=post] button")).await?.click().await?;
                let v = browser.attr("[data-verdict]", "data-verdict").await?;
                anyhow::Ok((v.unwrap_or_default(), browser.text("main").await?))
            }
        };
        let (v, text) = check_file(pdf_path.clone()).await?;
        ensure!(v == "valid", "the laptop's PDF: {text}");
        let mut appended = pdf.clone();
        appended.extend_from_slice(b"\n9 0 obj\n<< /Forged true >>\nendobj\n%%EOF\n");
        let appended_path = dir.path().join("appended.pdf");
        std::fs::write(&appended_path, &appended)?;
        let (v, text) = check_file(appended_path).await?;
        ensure!(v == "altered" && text.contains("签名之后文件被追加了内容"), "{v}: {text}");
        browser.look("verify-page-altered.png").await?;
        let not_pdf = dir.path().join("photo.pdf");
        std::fs::write(&not_pdf, b"\xff\xd8\xff\xe0 a JPEG named .pdf")?;
        let (v, text) = check_file(not_pdf).await?;
        ensure!(v == "unknown" && text.contains("不是 PDF 文件"), "{v}: {text}");
        browser.close().await?;
        Ok(())
    })
}
