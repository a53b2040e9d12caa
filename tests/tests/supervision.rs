//! Supervision in the real window: a supervisor composes a letter (函告) from an agency
//! inspection's findings, approves it with a signature (which gives it the next reference number)
//! and prints it, then records the agency's reply; a D-grade agency cannot be given a
//! government-commissioned check.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use safeserve_core::blacklist::SubjectKind;
use safeserve_core::grading::{self, Grade, GradeRules};
use safeserve_core::VisitId;
use safeserve_demo::{self as demo, DemoSize};
use safeserve_e2e::today;
use safeserve_e2e::{ended_agency_inspection, until, App};
use std::path::{Path, PathBuf};

fn demo_db(dir: &Path) -> Result<PathBuf> {
    let db = dir.join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    Ok(db)
}

/// An ended inspection of the first agency, its first item failed with a note.
fn inspection(db: &Path) -> Result<(VisitId, String)> {
    let agency = safeserve_e2e::open_db(db)?.search_agencies("", 1, today())?.pop().context("an agency")?;
    let id = ended_agency_inspection(db, &agency.id.to_string(), "抽查的三份服务记录无现场照片")?;
    Ok((id, agency.name))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_composes_approves_prints_and_follows_a_letter() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = demo_db(dir.path())?;
    let (visit, agency) = inspection(&db)?;
    let year = today().format("%Y").to_string();
    let next = safeserve_e2e::open_db(&db)?
        .letter_numbers()?
        .iter()
        .filter(|s| s.year.to_string() == year)
        .map(|s| s.highest)
        .max()
        .unwrap_or(0)
        + 1;
    let reference = format!("杭应急函〔{year}〕{next}号");
    let app = App::launch_signing(&db, dir.path()).await?;
    app.sign_in("supervisor").await?;

    let result = async {
        app.click("[data-testid=nav-visits]").await?;
        app.wait_for("[data-testid=visits][data-state=ready]").await?;
        app.click(&format!("[data-testid=visit-row][data-id='{visit}'] button")).await?;
        app.wait_for("[data-testid=letter-draft][data-state=ready]").await?;

        // Compose: tick the failed item (its evidence is shown), name the drafter, save.
        let candidate = app.wait_for("[data-testid=letter-candidate][data-key^='item:']").await?;
        let evidence = candidate.find(Locator::Css("[data-testid=letter-evidence]")).await?.text().await?;
        ensure!(evidence.contains("依据") && evidence.contains("无现场照片"), "the evidence is shown: {evidence}");
        candidate.find(Locator::Css("input[type=checkbox]")).await?.click().await?;
        app.wait_for("[data-testid=letter-drafted-by]").await?.send_keys("王检查").await?;
        app.click("[data-testid=letter-save]").await?;
        app.wait_for("[data-testid=letter-draft][data-saved=yes]").await.context("the draft is saved")?;
        app.client.execute("document.querySelector('[data-testid=letter-draft]').scrollIntoView()", vec![]).await?;
        app.look("supervision-letter-draft.png").await?;

        // Approve: the supervisor signs the letter form.
        app.wait_for("[data-testid=visit-documents][data-state=ready]").await?;
        app.click("[data-testid=sign-letter]").await?;
        app.settled().await?;
        // Signed by who approves it, as signed in: named, not typed.
        let name = app.text("[data-testid=signer-name-supervisor]").await?;
        ensure!(name == "演示监管负责人", "the supervisor signs as themself: {name:?}");
        app.sign_pad("supervisor").await?;
        app.wait_for("[data-testid=draft-problems][data-count='0']").await.context("nothing stands in the way")?;
        until("确认签字 comes alive", async || {
            Ok(app.wait_for("[data-testid=confirm-sign]").await?.attr("disabled").await?.is_none())
        })
        .await?;
        app.click("[data-testid=confirm-sign]").await?;
        app.wait_for("[data-testid=signed-code]").await?;

        // Print: the PDF carries the reference number, the agency, the finding and its evidence.
        app.click("[data-testid=open-signed-pdf]").await?;
        let path = app.wait_for("[data-testid=pdf-path]").await?.attr("data-path").await?.unwrap_or_default();
        let out = std::process::Command::new("pdftotext").args([&path, "-"]).output().context("pdftotext")?;
        let printed: String = String::from_utf8_lossy(&out.stdout).split_whitespace().collect();
        ensure!(printed.contains(&reference), "the letter is numbered {reference}: {printed}");
        ensure!(printed.contains(&agency), "addressed to {agency}");
        ensure!(printed.contains("无现场照片") && printed.contains("证据"), "the finding with its evidence: {printed}");
        app.click("[data-testid=close-signed]").await?;

        // 函告: waiting for the reply; the reply is recorded and awaits review.
        app.click("[data-testid=nav-letters]").await?;
        let row = app.wait_for("[data-testid=letter-row]").await?;
        let shown = row.find(Locator::Css("[data-testid=letter-reference]")).await?.text().await?;
        ensure!(shown == reference, "the newest letter first: {shown}");
        ensure!(
            row.find(Locator::Css("[data-testid=letter-state]")).await?.attr("data-state").await?.as_deref()
                == Some("awaiting"),
            "awaiting its reply"
        );
        app.wait_for("[data-testid=letter-series][data-missing='0'][data-repeated='0']")
            .await
            .context("no gaps or repeats")?;
        row.find(Locator::Css("[data-testid=letter-record-reply]")).await?.click().await?;
        app.settled().await?;
        app.wait_for("[data-testid=letter-event-note]").await?.send_keys("已完成整改并补充服务记录照片").await?;
        app.wait_for("[data-testid=letter-event-by]").await?.send_keys("王检查").await?;
        app.click("[data-testid=letter-event-submit]").await?;
        app.wait_for("[data-testid=letter-row] [data-testid=letter-state][data-state=replied]").await?;
        app.look("supervision-letters.png").await?;

        let store = safeserve_e2e::open_db(&db)?;
        let letters = store.letters(None, today())?;
        ensure!(letters[0].reference == reference && letters[0].events.len() == 1, "stored: {:?}", letters[0]);
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("supervision-letter-failure.png").await;
    }
    app.close().await?;
    result
}

/// Picks an agency in the contract form's search-as-you-type select.
async fn choose_agency(app: &App, name: &str) -> Result<()> {
    app.click("[data-testid=contract-form] [data-testid=agency-select]").await?;
    // Opening the select re-renders its input: type into the one that is there once it is open.
    until("the agency search takes the name", async || {
        let input = app.wait_for("[data-testid=contract-form] [data-testid=agency-select] input").await?;
        Ok(input.send_keys(name).await.is_ok())
    })
    .await?;
    until("the agency is offered and chosen", async || {
        // The options re-render as the search answers: a list gone stale is asked for again.
        let Ok(options) = app.client.find_all(Locator::Css(".ant-select-item-option")).await else { return Ok(false) };
        for o in options {
            if o.text().await.unwrap_or_default().contains(name) {
                return Ok(o.click().await.is_ok());
            }
        }
        Ok(false)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_d_grade_agency_cannot_be_given_a_commissioned_check() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = demo_db(dir.path())?;
    let (enterprise, d_grade, fit) = {
        let mut store = safeserve_e2e::open_db(&db)?;
        // A bureau that grades strictly (its own rule file): more agencies fall to D on their
        // record alone, without any blacklist entry.
        let strict = GradeRules::parse(
            &grading::SHIPPED_RULES
                .replace("a = 90.0", "a = 98.0")
                .replace("b = 75.0", "b = 95.0")
                .replace("c = 60.0", "c = 90.0"),
        )?;
        store.grade_agencies(&strict, today(), &safeserve_e2e::now().to_rfc3339())?;
        let e = store.search_enterprises(&Default::default())?.into_iter().next().context("an enterprise")?;
        let file = store.enterprise_file(e.id, today())?;
        let mut d_grade = None;
        let mut fit = None;
        for a in store.search_agencies("", 200, today())? {
            let serves = file.contracts.iter().any(|c| c.agency_id == a.id);
            let barred = store.commission_barrier(a.id)?;
            // D by its score alone, not by a blacklist entry (that bar is tested in the store).
            let listed = !store.blacklist_state(SubjectKind::Agency, &a.id.to_string())?.is_empty();
            match store.current_grade(a.id)? {
                Some(Grade::D) if d_grade.is_none() && !listed => d_grade = Some(a.name.clone()),
                _ if barred.is_none() && !serves && fit.is_none() => fit = Some(a.name.clone()),
                _ => {}
            }
        }
        (
            e,
            d_grade.context("the demo grades some agency D on its record alone")?,
            fit.context("an agency free to take the commission")?,
        )
    };
    let app = App::launch_signing(&db, dir.path()).await?;
    app.sign_in("supervisor").await?;

    let result = async {
        app.click("[data-testid=nav-enterprises]").await?;
        app.open_enterprise(&enterprise.name, &enterprise.id).await?;
        app.click("[data-testid=commission-check]").await?;
        app.settled().await?;

        // The D-grade agency: refused, with the reason, and 确认委托 stays disabled.
        choose_agency(&app, &d_grade).await?;
        let problems = app.text("[data-testid=contract-problems]").await?;
        ensure!(problems.contains("D 级") && problems.contains(&d_grade), "the D grade is named: {problems}");
        ensure!(
            app.wait_for("[data-testid=contract-submit]").await?.attr("disabled").await?.is_some(),
            "确认委托 is disabled for a D-grade agency"
        );
        app.look("supervision-commission-refused.png").await?;

        // Without a fee the commission is refused too; with one, a fit agency takes it.
        choose_agency(&app, &fit).await?;
        until("no fee is named", async || Ok(app.text("[data-testid=contract-problems]").await?.contains("服务费用")))
            .await?;
        app.wait_for("input[data-testid=contract-fee], [data-testid=contract-fee] input")
            .await?
            .send_keys("50000")
            .await?;
        app.wait_for("[data-testid=contract-content]").await?.send_keys("重大事故隐患专项检查").await?;
        until("确认委托 comes alive", async || {
            Ok(app.wait_for("[data-testid=contract-submit]").await?.attr("disabled").await?.is_none())
        })
        .await?;
        app.click("[data-testid=contract-submit]").await?;
        until("the commission is on the enterprise's contracts", async || {
            let store = safeserve_e2e::open_db(&db)?;
            let file = store.enterprise_file(enterprise.id, today())?;
            Ok(file.contracts.iter().any(|c| c.agency_name == fit && c.government_commissioned))
        })
        .await?;
        let store = safeserve_e2e::open_db(&db)?;
        let file = store.enterprise_file(enterprise.id, today())?;
        ensure!(
            !file.contracts.iter().any(|c| c.agency_name == d_grade && c.government_commissioned),
            "nothing for the D agency"
        );
        // The window proposed the start date from the app's calendar, the tests' day, not the
        // machine's.
        let starts: Vec<_> =
            file.contracts.iter().filter(|c| c.agency_name == fit).map(|c| c.starts_on.clone()).collect();
        ensure!(starts.contains(&today().to_string()), "the commission starts on {}: {starts:?}", today());
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("supervision-commission-failure.png").await;
    }
    app.close().await?;
    result
}

#[tokio::test(flavor = "multi_thread")]
async fn an_accident_back_trace_lists_every_agency_and_prints() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = demo_db(dir.path())?;
    // The enterprise whose back-trace holds the most agencies and hazards.
    let (enterprise, expected) = {
        let store = safeserve_e2e::open_db(&db)?;
        let mut best = None;
        for e in store.search_enterprises(&Default::default())? {
            let t = store.backtrace(e.id, today(), 12)?;
            let weight = (t.agencies.len(), t.agencies.iter().map(|a| a.hazards.len()).sum::<usize>());
            if best.as_ref().is_none_or(|(w, _, _)| weight > *w) {
                best = Some((weight, e, t));
            }
        }
        let (_, e, t) = best.context("an enterprise")?;
        ensure!(!t.agencies.is_empty(), "some enterprise was served in the last year");
        (e, t)
    };
    let app = App::launch_signing(&db, dir.path()).await?;
    app.sign_in("supervisor").await?;

    let result = async {
        app.click("[data-testid=nav-enterprises]").await?;
        app.open_enterprise(&enterprise.name, &enterprise.id).await?;
        app.click("[data-testid=open-backtrace]").await?;
        let input = app.wait_for("[data-testid=backtrace-date] input").await?;
        input.click().await?;
        input.send_keys(&format!("{}\u{E007}", today().format("%Y-%m-%d"))).await?;
        app.wait_for("[data-testid=backtrace][data-state=ready]").await.context("the trace is shown")?;
        let shown = app.client.find_all(Locator::Css("[data-testid=backtrace-agency]")).await?.len();
        ensure!(
            shown == expected.agencies.len(),
            "{shown} agencies shown, the store traces {}",
            expected.agencies.len()
        );
        let hazards = app.client.find_all(Locator::Css("[data-testid=backtrace-hazard]")).await?.len();
        let traced: usize = expected.agencies.iter().map(|a| a.hazards.len()).sum();
        ensure!(hazards >= traced.min(1), "hazards are listed: {hazards} of {traced}");
        app.look("supervision-backtrace.png").await?;

        app.click("[data-testid=backtrace-pdf]").await?;
        let path = app.wait_for("[data-testid=backtrace-pdf-path]").await?.attr("data-path").await?.unwrap_or_default();
        let out = std::process::Command::new("pdftotext").args([path.trim(), "-"]).output().context("pdftotext")?;
        let printed: String = String::from_utf8_lossy(&out.stdout).split_whitespace().collect();
        ensure!(
            printed.contains("事故关联倒查报告") && printed.contains(&enterprise.name),
            "the report names the enterprise"
        );
        for a in &expected.agencies {
            ensure!(printed.contains(&a.agency.name), "the report names {}", a.agency.name);
        }
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("supervision-backtrace-failure.png").await;
    }
    app.close().await?;
    result
}
