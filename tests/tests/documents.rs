//! Signed documents in the real window: a hazard list signed on the pads with pointer strokes
//! (refused while a pad is empty), its verification code read off the screen and checked in the
//! store, its PDF written; and the 文书验证 screen's verdicts for a valid, a superseded and an
//! unknown code.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use safeserve_core::document::{DocumentKind, Verdict};
use safeserve_core::visit::VisitKind;
use safeserve_e2e::today;
use safeserve_e2e::App;
use safeserve_store::documents::DocumentsOf;
use safeserve_store::views::VisitSummary;
use safeserve_store::Store;
use std::path::Path;
use std::time::{Duration, Instant};

/// The demo database, and the app started on it as a signing laptop ([`App::launch_signing`]).
async fn launch(dir: &Path) -> Result<(std::path::PathBuf, App)> {
    let db = dir.join("demo.db");
    safeserve_e2e::demo_for_app(dir, &db, today())?;
    let app = App::launch_signing(&db, dir).await?;
    Ok((db, app))
}

/// An ended visit with hazards and nothing signed yet, on the first page of 检查记录; one with
/// photos if there is one.
fn pick_visit(store: &Store) -> Result<VisitSummary> {
    let mut found = Vec::new();
    for v in store.visits(None, 20)? {
        if v.ended_at.is_none() || v.hazards_major + v.hazards_general == 0 {
            continue;
        }
        if !store.documents(DocumentsOf::Visit(v.id))?.is_empty() {
            continue;
        }
        let detail = store.visit(v.id, today())?;
        let photos = detail.hazards.iter().map(|h| h.photos_before.len()).sum::<usize>();
        found.push((photos > 0, v));
    }
    found.sort_by_key(|(photos, _)| !photos);
    found.into_iter().next().map(|(_, v)| v).context("the demo has an ended visit with hazards and no documents")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hazard_list_is_signed_on_the_pads_and_verifies() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let dir_path = dir.path().to_string_lossy().into_owned();
    let (db, app) = launch(dir.path()).await?;
    let (visit, enterprise, principal) = {
        let store = safeserve_e2e::open_db(&db)?;
        let visit = pick_visit(&store)?;
        let file = store.enterprise_file(visit.target_id.parse()?, today())?;
        (visit, file.enterprise.name, file.principal)
    };
    // Signed in as who records visits of this kind: an agency's service, its technician; and
    // the pad beside the principal's is theirs.
    let visitor = if visit.kind.by_agency() { "technician" } else { "inspector" };
    app.sign_in(visitor).await?;
    // Who they sign as: the demo's technician is a person of the register with certificates.
    let me = {
        let store = safeserve_e2e::open_db(&db)?;
        let user = store.users()?.into_iter().find(|u| u.name == visitor).context("the demo user")?;
        store.signer(&user, today())?
    };
    ensure!(visit.kind != VisitKind::Service || !me.certificates.is_empty(), "the technician has certificates");

    let result = async {
        // 检查记录 → the visit → 文书 → 签字 on 隐患清单.
        app.click("[data-testid=nav-visits]").await?;
        app.wait_for("[data-testid=visits][data-state=ready]").await?;
        app.click(&format!("[data-testid=visit-row][data-id='{}'] button", visit.id)).await?;
        app.wait_for(&format!("[data-testid=visit][data-id='{}'][data-state=ready]", visit.id)).await?;
        app.wait_for("[data-testid=visit-documents][data-state=ready]").await?;
        app.click("[data-testid=sign-hazard_list]").await?;
        app.settled().await?;
        let title = app.text("[data-testid=sign-modal-title]").await?;
        ensure!(title == "签署隐患清单", "modal title {title:?}");

        // The summary: every hazard, major first; names filled from the records.
        app.wait_for("[data-testid=frozen-summary]").await?;
        let hazards = app.client.find_all(Locator::Css("[data-testid=frozen-hazard]")).await?;
        ensure!(
            hazards.len() == (visit.hazards_major + visit.hazards_general) as usize,
            "{} hazards listed for {} + {}",
            hazards.len(),
            visit.hazards_major,
            visit.hazards_general
        );
        let mut majors = Vec::new();
        for h in &hazards {
            majors.push(h.attr("data-major").await?.unwrap_or_default() == "yes");
        }
        ensure!(majors.windows(2).all(|w| w[0] >= w[1]), "major hazards first: {majors:?}");
        let name = app.wait_for("[data-testid=signer-name-principal]").await?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while name.prop("value").await?.unwrap_or_default() != principal {
            ensure!(Instant::now() < deadline, "the principal's name {principal} is filled in");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The visiting side is the signed-in user, shown with their certificates, not typed.
        let shown = app.text(&format!("[data-testid=signer-name-{visitor}]")).await?;
        ensure!(shown == me.name, "the visitor's pad is {}'s: {shown:?}", me.name);
        ensure!(
            app.wait_for(&format!("[data-testid=signer-name-{visitor}]")).await?.tag_name().await? != "input",
            "the visitor's name is not a box to type in"
        );
        let certificates = app.text(&format!("[data-testid=signer-certificates-{visitor}]")).await?;
        ensure!(me.certificates.iter().all(|c| certificates.contains(c)), "certificates shown: {certificates}");
        // A page that sends another name, or another capacity, is overruled in Rust.
        let forged = |role: &str| {
            serde_json::json!({ "request": {
                "kind": "hazard_list", "visit_id": visit.id.to_string(), "enterprise_id": null,
                "signatures": [{ "role": role, "name": "冒名顶替", "certificates": ["伪造 0001"],
                                 "width": 600, "height": 200, "strokes": [] }],
                "replaces": null, "correction_reason": "" }})
        };
        let draft = app.invoke("draft_document", forged(visitor)).await?.map_err(anyhow::Error::msg)?;
        let signed_as = &draft["content"]["signatures"][0];
        ensure!(signed_as["name"] == me.name.as_str(), "a typed name is replaced by the user's: {signed_as}");
        ensure!(signed_as["certificates"] == serde_json::json!(me.certificates), "and their certificates: {signed_as}");
        let other = if visitor == "technician" { "inspector" } else { "technician" };
        let refused = app.invoke("draft_document", forged(other)).await?;
        ensure!(refused == Err("role_not_allowed".into()), "signing as a {other}: {refused:?}");
        // A deputy signs for the principal: both names go on the list.
        name.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
        name.send_keys("赵代签").await?;
        let note = app.text("[data-testid=principal-not-registered]").await?;
        ensure!(note.contains(&principal), "the register's principal is named beside the deputy: {note}");

        // Empty pads: the problem is named, 确认签字 cannot be pressed, nothing is signed. (That
        // the store itself refuses strokeless signatures is proven in the store's tests:
        // `signing_without_strokes_or_with_a_missing_photo_file_is_refused_and_writes_nothing`.)
        app.wait_for("[data-testid=draft-problems]").await?;
        let problems = app.text("[data-testid=draft-problems]").await?;
        ensure!(problems.contains("尚未签字"), "empty pads are named: {problems}");
        let confirm = app.wait_for("[data-testid=confirm-sign]").await?;
        ensure!(confirm.attr("disabled").await?.is_some(), "确认签字 is disabled while pads are empty");
        ensure!(
            safeserve_e2e::open_db(&db)?.documents(DocumentsOf::Visit(visit.id))?.is_empty(),
            "nothing is signed with empty pads"
        );
        app.look("documents-empty-pads.png").await?;

        // Both sign; the problems clear and the button comes alive.
        app.sign_pad("principal").await?;
        app.sign_pad(visitor).await?;
        app.wait_for("[data-testid=draft-problems][data-count='0']").await.context("no problems once both signed")?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while app.wait_for("[data-testid=confirm-sign]").await?.attr("disabled").await?.is_some() {
            ensure!(Instant::now() < deadline, "确认签字 stays disabled after both signed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        app.look("documents-signing.png").await?;
        app.click("[data-testid=confirm-sign]").await?;
        let code = app.text("[data-testid=signed-code]").await?;
        app.look("documents-signed.png").await?;

        // The store holds it, and it verifies.
        let store = safeserve_e2e::open_db(&db)?;
        let docs = store.documents(DocumentsOf::Visit(visit.id))?;
        ensure!(docs.len() == 1, "one document for the visit, got {}", docs.len());
        let doc = &docs[0];
        ensure!(doc.kind == DocumentKind::HazardList && doc.verification_code == code, "code on screen {code}");
        ensure!(doc.signers.iter().any(|s| s.contains("赵代签")), "signers {:?}", doc.signers);
        ensure!(doc.signers.iter().any(|s| s.contains(&me.name)), "signed by {}: {:?}", me.name, doc.signers);
        let v = store.verify(doc.id, None, &safeserve_e2e::app_trust(dir.path())?)?;
        ensure!(v.verdict == Verdict::Valid, "verify: {:?} {:?}", v.verdict, v.reasons);

        // 打开 PDF: written, and it says what it is and whom it is about.
        app.click("[data-testid=open-signed-pdf]").await?;
        let path = app.wait_for("[data-testid=pdf-path]").await?.attr("data-path").await?.unwrap_or_default();
        ensure!(Path::new(&path).is_file(), "the PDF {path} is written");
        let out =
            std::process::Command::new("pdftotext").args([&path, "-"]).output().context("pdftotext (poppler-utils)")?;
        let printed: String = String::from_utf8_lossy(&out.stdout).split_whitespace().collect();
        ensure!(printed.contains("隐患清单"), "the PDF names the form");
        ensure!(printed.contains(&enterprise), "the PDF names {enterprise}");
        ensure!(printed.contains(&me.name), "the PDF names the signer {}", me.name);
        for c in &me.certificates {
            let number = c.split_whitespace().last().unwrap_or_default();
            ensure!(printed.contains(number), "the PDF prints the certificate {c}: {printed}");
        }
        ensure!(printed.contains(&format!("登记的主要负责人为{principal}")), "and the registered principal: {printed}");

        // Back on the visit, the list shows it.
        app.click("[data-testid=close-signed]").await?;
        app.wait_for(&format!("[data-testid=visit-documents] [data-testid=document-row][data-code='{code}']")).await?;
        app.wait_for("[data-testid=correct-hazard_list]").await.context("a signed form offers 更正")?;
        app.client.execute("document.querySelector('[data-testid=visit-documents]').scrollIntoView()", vec![]).await?;
        app.look("documents-visit-list.png").await?;

        // The enterprise file lists it too; ticked and exported, its PDF lands in the folder shown.
        app.click("[data-testid=nav-enterprises]").await?;
        app.open_enterprise(&enterprise, &visit.target_id).await?;
        app.wait_for("[data-testid=enterprise-documents][data-state=ready]").await?;
        let row = format!("[data-testid=enterprise-documents] [data-testid=document-row][data-code='{code}']");
        app.click(&format!("{row} td.ant-table-selection-column")).await?;
        app.click("[data-testid=export-documents]").await?;
        let done = app.wait_for("[data-testid=export-done]").await.context("the export finishes")?;
        let folder = done.attr("data-folder").await?.unwrap_or_default();
        let written: Vec<_> = std::fs::read_dir(&folder)
            .with_context(|| format!("export folder {folder}"))?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(&code))
            .collect();
        ensure!(written.len() == 1, "the exported PDF is in {folder}");
        ensure!(folder.starts_with(&*dir_path), "exported under the test's documents folder: {folder}");
        app.wait_for("[data-testid=export-progress][data-done='1'][data-total='1']").await?;
        app.client
            .execute("document.querySelector('[data-testid=enterprise-documents]').scrollIntoView()", vec![])
            .await?;
        app.look("documents-enterprise-export.png").await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("documents-sign-failure.png").await;
    }
    app.close().await?;
    result
}

/// Types a code into 文书验证 (after clearing what is there) and waits for its verdict.
async fn verify(app: &App, typed: &str, verdict: &str) -> Result<()> {
    let input = app.wait_for("[data-testid=verify-code]").await?;
    // Ctrl+A, release, Backspace: what a user does; React sees the input events.
    input.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
    input.send_keys(typed).await?;
    app.click("[data-testid=verify-code-submit]").await?;
    app.wait_for(&format!("[data-testid=verification][data-source='{}'][data-verdict={verdict}]", typed.trim()))
        .await
        .with_context(|| format!("{typed} → {verdict}"))?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_verify_screen_tells_valid_superseded_and_unknown_codes_apart() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (db, app) = launch(dir.path()).await?;
    app.sign_in("inspector").await?;
    let (valid, old, newest) = {
        let store = safeserve_e2e::open_db(&db)?;
        let lists = store.documents(DocumentsOf::Kind(DocumentKind::HazardList))?;
        let old = lists.iter().find(|d| d.superseded_by.is_some()).context("the demo's corrected hazard list")?;
        let v = store.verify(old.id, None, &safeserve_e2e::app_trust(dir.path())?)?;
        ensure!(v.verdict == Verdict::Superseded, "the store calls it superseded");
        let newest = v.superseded_by.context("its newest version")?;
        let valid = lists
            .iter()
            .find(|d| d.superseded_by.is_none() && d.id != newest.id)
            .context("another demo hazard list")?;
        (valid.clone(), old.clone(), newest)
    };
    // As typed from paper: lower case, spaces for dashes.
    let typed = |code: &str| code.to_lowercase().replace('-', " ");

    let result = async {
        app.click("[data-testid=nav-verify]").await?;
        app.wait_for("[data-testid=verify]").await?;

        verify(&app, &typed(&valid.verification_code), "valid").await?;
        let shown = app.text("[data-testid=verdict]").await?;
        ensure!(shown == "有效", "verdict shown {shown:?}");
        let code = app.text("[data-testid=verified-code]").await?;
        ensure!(code == valid.verification_code, "the document's code {code}");
        let summary = app.text("[data-testid=verified-document]").await?;
        ensure!(summary.contains("隐患清单") && summary.contains(&valid.subject), "summary: {summary}");
        app.look("documents-verify-valid.png").await?;

        verify(&app, &typed(&old.verification_code), "superseded").await?;
        let shown = app.text("[data-testid=verdict]").await?;
        ensure!(shown == "已被更正版本取代", "verdict shown {shown:?}");
        let named = app.wait_for("[data-testid=newest-version]").await?;
        ensure!(
            named.attr("data-code").await?.as_deref() == Some(newest.verification_code.as_str()),
            "the newest version is named"
        );
        ensure!(named.text().await?.contains(&newest.verification_code), "its code is shown");
        app.look("documents-verify-superseded.png").await?;

        verify(&app, "0000-0000-0000-0000", "unknown").await?;
        let shown = app.text("[data-testid=verdict]").await?;
        ensure!(shown == "查无此文书", "verdict shown {shown:?}");
        app.look("documents-verify-unknown.png").await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("documents-verify-failure.png").await;
    }
    app.close().await?;
    result
}
