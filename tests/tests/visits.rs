//! A visit recorded in the real window survives the app being killed: the failed item, its
//! hazard with a photo, a typed note — and the hazards come back major first.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use safeserve_demo::{self as demo, DemoSize};
use safeserve_e2e::{desktop_binary, App};
use safeserve_e2e::{today, until};
use safeserve_store::views::{EnterpriseQuery, EnterpriseSummary};
use safeserve_store::Store;
use std::path::Path;
use std::time::{Duration, Instant};

/// A textile enterprise (no R7 specialist needed) served by an agency with qualified staff,
/// whose full name finds it first.
fn pick_enterprise(store: &Store) -> Result<EnterpriseSummary> {
    let q = EnterpriseQuery {
        industry: Some(safeserve_core::register::Industry::Textile),
        limit: Some(300),
        ..Default::default()
    };
    for e in store.search_enterprises(&q)? {
        let file = store.enterprise_file(e.id, today())?;
        let Some(a) = file.serving_agencies.first() else { continue };
        let staff = store.agency_detail(a.id, today())?.staff;
        let qualified = staff.iter().filter(|p| p.certificates.iter().any(|c| !c.expired)).count();
        let hits = store.search_enterprises(&EnterpriseQuery { text: e.name.clone(), ..Default::default() })?;
        if qualified >= 2 && hits.first().map(|h| h.id) == Some(e.id) {
            return Ok(e);
        }
    }
    anyhow::bail!("the demo has a served textile enterprise")
}

/// Waits until `css` matches `n` elements.
async fn wait_count(app: &App, css: &str, n: usize) -> Result<Vec<fantoccini::elements::Element>> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = app.client.find_all(Locator::Css(css)).await?;
        if found.len() == n {
            return Ok(found);
        }
        ensure!(Instant::now() < deadline, "{css}: {} elements, expected {n}", found.len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Marks an item failed and records the hazard it proposes.
async fn fail_item(app: &App, code: &str, hazards_after: usize) -> Result<()> {
    app.click(&format!("[data-testid=item-result-{code}] [data-testid=result-fail]")).await?;
    app.wait_for(&format!("[data-testid=item][data-code='{code}'][data-result=fail]")).await?;
    app.click(&format!("[data-testid=item][data-code='{code}'] [data-testid=record-hazard]")).await?;
    wait_count(app, "[data-testid=hazard-card]", hazards_after).await?;
    Ok(())
}

fn write_photo(path: &Path) -> Result<()> {
    let img =
        image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x / 3) as u8, (y / 2) as u8, ((x + y) / 5) as u8]));
    img.save(path)?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visit_with_a_failed_item_and_a_photo_survives_the_app_being_killed() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let enterprise = {
        let store = safeserve_e2e::open_db(&db)?;
        pick_enterprise(&store)?
    };
    let photo = dir.path().join("配电箱.png");
    write_photo(&photo)?;
    let binary = desktop_binary("debug")?;

    let app = App::launch(&binary, &db).await?;
    app.sign_in("technician").await?;
    let note = "配电箱门未关闭，内部积灰";
    let recorded = async {
        app.open_enterprise(&enterprise.name, &enterprise.id).await?;
        app.click("[data-testid=start-visit]").await?;
        app.wait_for("[data-testid=capability-ok]").await.context("the proposed people fit the work")?;
        app.settled().await?;
        app.screenshot("visit-start.png").await?;
        app.click("[data-testid=start-visit-ok]").await?;
        app.wait_for("[data-testid=visit][data-state=ready] [data-testid=visit-state][data-open=yes]").await?;

        // The general one first, then the major one: the list must still show major first.
        fail_item(&app, "EL-01", 1).await?;
        fail_item(&app, "FI-03", 2).await?;
        let levels = hazard_levels(&app).await?;
        ensure!(levels == ["major", "general"], "major first on screen, got {levels:?}");

        let input = app.wait_for("[data-testid=hazard-card][data-level=general] [data-testid=photo-input]").await?;
        input.send_keys(&photo.to_string_lossy()).await.context("choose the photo")?;
        app.wait_for("[data-testid=hazard-card][data-level=general] [data-testid=photo-thumb]").await?;

        let field = app.wait_for("[data-testid=item-note-EL-01]").await?;
        field.send_keys(note).await?;
        app.wait_for("[data-testid=item-note-EL-01][data-save-state=saved]").await.context("the note is saved")?;
        app.screenshot("visit-recorded.png").await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if let Err(e) = recorded {
        let _ = app.screenshot("visit-recorded-failure.png").await;
        return Err(e);
    }
    app.kill_app(&db)?;

    // After a crash: the visit waits under 检查记录, whole.
    let app = App::launch(&binary, &db).await?;
    app.sign_in("technician").await?;
    let result = async {
        app.click("[data-testid=nav-visits]").await?;
        app.click("[data-testid=unfinished-visit] button").await?;
        app.wait_for("[data-testid=visit][data-state=ready]").await?;
        app.wait_for("[data-testid=item][data-code='EL-01'][data-result=fail]").await?;
        app.wait_for("[data-testid=item][data-code='FI-03'][data-result=fail]").await?;
        let levels = hazard_levels(&app).await?;
        ensure!(levels == ["major", "general"], "major first after restart, got {levels:?}");
        app.wait_for("[data-testid=hazard-card][data-level=general] [data-testid=photo-thumb]").await?;
        let kept = app.wait_for("[data-testid=item-note-EL-01]").await?.prop("value").await?.unwrap_or_default();
        ensure!(kept == note, "note after restart: {kept:?}");
        app.client.execute("document.querySelector('[data-testid=visit-hazards]').scrollIntoView()", vec![]).await?;
        app.screenshot("visit-after-restart.png").await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("visit-after-restart-failure.png").await;
    }
    app.close().await?;
    result?;

    // The record itself, read back from the file.
    let store = safeserve_e2e::open_db(&db)?;
    let unfinished = store.unfinished_visits()?;
    ensure!(unfinished.len() == 1, "one unfinished visit");
    let visit = store.visit(unfinished[0].id, today())?;
    ensure!(visit.hazards.len() == 2 && visit.hazards[0].level == safeserve_core::hazard::HazardLevel::Major);
    let sha = &visit.hazards[1].photos_before[0].sha256;
    let path = store.photo_path(sha, safeserve_store::photos::Copy::Original)?;
    ensure!(safeserve_media::is_sealed(&std::fs::read(&path)?), "on the encrypted laptop the photo file is sealed");
    let original = store.read_photo(sha, safeserve_store::photos::Copy::Original)?;
    ensure!(original == std::fs::read(&photo)?, "the original photo is kept byte for byte");
    Ok(())
}

async fn hazard_levels(app: &App) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for card in app.client.find_all(Locator::Css("[data-testid=visit-hazards] [data-testid=hazard-card]")).await? {
        out.push(card.attr("data-level").await?.unwrap_or_default());
    }
    Ok(out)
}

/// 检查与隐患台账 on the visits screen: a date range picked, a district and a kind chosen and
/// major hazards ticked narrow the list to what the store holds for that filter, and the
/// hazard ledger exported holds exactly the hazards the screen counted.
#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_filters_the_visits_and_exports_the_hazards_they_found() -> Result<()> {
    use safeserve_core::records::{RecordFilter, HAZARD_COLUMNS};
    use safeserve_core::visit::VisitKind;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let filter = RecordFilter {
        from: Some("2026-03-01".into()),
        to: Some("2026-11-30".into()),
        within: Some("330106".into()),
        kind: Some(VisitKind::Service),
        major_only: true,
    };
    let (all, expected) = {
        let store = safeserve_e2e::open_db(&db)?;
        let all = store.find_visits(&RecordFilter::default().check()?, 1)?;
        (all, store.find_visits(&filter.check()?, 1)?)
    };
    ensure!(expected.total > 0 && expected.total < all.total, "the demo has visits to narrow down");

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let found = async |what: &str| -> Result<(u32, u32)> {
        let el = app.wait_for("[data-testid=record-ledgers][data-state=ready] [data-testid=records-found]").await?;
        let n = |v: Option<String>| v.and_then(|v| v.parse().ok()).with_context(|| format!("{what}: a count"));
        Ok((n(el.attr("data-visits").await?)?, n(el.attr("data-hazards").await?)?))
    };
    let result = async {
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-visits]").await?;
        ensure!(found("everything").await? == (all.total, all.hazards), "unfiltered, every visit is counted");

        // The range typed as a clerk types it: the first day, Enter, the last day, Enter.
        let inputs = app.client.find_all(Locator::Css("[data-testid=records-range] input")).await?;
        ensure!(inputs.len() == 2, "a range has two inputs");
        inputs[0].click().await?;
        inputs[0].send_keys("2026-03-01\u{E007}").await?;
        inputs[1].send_keys("2026-11-30\u{E007}").await?;
        app.choose("[data-testid=records-within]", "西湖区").await?;
        app.choose("[data-testid=records-kind]", "技术服务").await?;
        app.click("[data-testid=records-major]").await?;
        until("the list narrows to the filter", async || {
            Ok(found("filtered").await.ok() == Some((expected.total, expected.hazards)))
        })
        .await?;
        app.look("records-filtered.png").await?;

        app.click("[data-testid=records-export-hazards]").await?;
        let written = app.wait_for("[data-testid=records-written]").await?.attr("data-path").await?.unwrap_or_default();
        let rows = ledger_rows(Path::new(&written))?;
        ensure!(rows.len() as u32 == expected.hazards, "{} rows for {} hazards", rows.len(), expected.hazards);
        let level = HAZARD_COLUMNS.iter().position(|c| *c == "等级").context("a level column")?;
        ensure!(rows.iter().all(|r| r[level] == "重大隐患"), "major hazards only");
        let _ = std::fs::remove_file(&written);
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("records-failure.png").await;
    }
    app.close().await?;
    result
}

/// The rows of a ledger's first sheet below its header.
fn ledger_rows(path: &Path) -> Result<Vec<Vec<String>>> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path)?;
    let range = book.worksheet_range_at(0).context("a sheet")??;
    Ok(range.rows().skip(1).map(|r| r.iter().map(|c| c.to_string()).collect()).collect())
}

/// 导入检查表 from an Excel sheet in the window: a supervisor chooses the bureau's next edition
/// of the dust checklist as a workbook and it is stored as that edition (published at the next
/// sync); a sheet with an item's legal basis left empty is refused with its row and cell named,
/// and nothing is stored.
#[tokio::test(flavor = "multi_thread")]
async fn a_checklist_sheet_is_imported_as_a_new_edition_and_a_wrong_one_names_its_cell() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let mut next = safeserve_e2e::open_db(&db)?.template("dust-explosion", 2)?;
    next.version = 3;
    next.title = "粉尘涉爆企业检查表（2027 版）".into();
    let good = dir.path().join("粉尘检查表-第3版.xlsx");
    std::fs::write(&good, safeserve_sheets::checklists::checklist_workbook(&next)?)?;
    // A clerk's slip: the first item's 检查依据 (cell D5) left empty.
    let mut slipped = next.clone();
    slipped.version = 4;
    slipped.sections[0].items[0].basis.clear();
    let bad = dir.path().join("粉尘检查表-有误.xlsx");
    std::fs::write(&bad, safeserve_sheets::checklists::checklist_workbook(&slipped)?)?;

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-visits]").await?;
        app.wait_for("[data-testid=template-input]").await?.send_keys(&bad.display().to_string()).await?;
        until("the wrong cell is named", async || {
            Ok(app.text(".ant-message").await.unwrap_or_default().contains("第 5 行（D5）：缺少检查依据"))
        })
        .await?;
        app.look("checklist-sheet-refused.png").await?;
        app.wait_for("[data-testid=template-input]").await?.send_keys(&good.display().to_string()).await?;
        until("the edition is taken", async || {
            Ok(app
                .text(".ant-message")
                .await
                .unwrap_or_default()
                .contains("已导入检查表：粉尘涉爆企业检查表（2027 版）（第 3 版）"))
        })
        .await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("checklist-sheet-failure.png").await;
    }
    app.close().await?;
    result?;
    let store = safeserve_e2e::open_db(&db)?;
    ensure!(store.template("dust-explosion", 3)? == next, "the edition as the sheet says it");
    ensure!(store.template("dust-explosion", 4).is_err(), "nothing from the refused sheet");
    Ok(())
}
