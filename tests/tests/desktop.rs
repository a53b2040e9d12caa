//! The real desktop app, started under X and driven through WebDriver as a person would use it.

use anyhow::{ensure, Context, Result};
use fantoccini::key::Key;
use fantoccini::Locator;
use safeserve_demo::{self as demo, DemoSize};
use safeserve_e2e::today;
use safeserve_e2e::{desktop_binary, App};
use safeserve_store::views::{EnterpriseQuery, EnterpriseSummary};
use safeserve_store::Store;
use std::time::{Duration, Instant};

/// An enterprise served today by an agency that fails R1, with a 2- and a 3-character piece
/// of its name that find it among the first five results.
struct Target {
    enterprise: EnterpriseSummary,
    agency_id: String,
    two: String,
    three: String,
}

fn pick_target(store: &Store) -> Result<Target> {
    let browse = EnterpriseQuery { limit: Some(500), ..Default::default() };
    let finds = |q: &str, id| -> Result<bool> {
        let hits = store.search_enterprises(&EnterpriseQuery { text: q.to_owned(), ..Default::default() })?;
        Ok(hits.iter().take(5).any(|h| h.id == id))
    };
    for e in store.search_enterprises(&browse)? {
        let file = store.enterprise_file(e.id, today())?;
        let Some(agency) = file.serving_agencies.iter().find(|a| !a.qualified) else { continue };
        let chars: Vec<char> = e.name.chars().collect();
        let window = |n: usize| -> Result<Option<String>> {
            for w in chars.windows(n) {
                let q: String = w.iter().collect();
                if !["杭", "州", "有限", "限公", "公司"].iter().any(|common| q.contains(common)) && finds(&q, e.id)?
                {
                    return Ok(Some(q));
                }
            }
            Ok(None)
        };
        if let (Some(two), Some(three)) = (window(2)?, window(3)?) {
            return Ok(Target { agency_id: agency.id.to_string(), enterprise: e, two, three });
        }
    }
    anyhow::bail!("the demo data has no enterprise served by an agency failing R1")
}

/// Replaces the search box's text by typing, as a person does, and waits until the table
/// shows what the store returns for that text.
async fn search(app: &App, store: &Store, text: &str) -> Result<Vec<String>> {
    let input = app.wait_for("[data-testid=enterprise-search]").await?;
    let current = input.prop("value").await.context("read the search box")?.unwrap_or_default();
    let backspaces: String = std::iter::repeat_n(char::from(Key::Backspace), current.chars().count()).collect();
    if !backspaces.is_empty() {
        input.send_keys(&backspaces).await.context("erase the search box")?;
    }
    input.send_keys(text).await.context("type into the search box")?;
    let expected: Vec<String> = store
        .search_enterprises(&EnterpriseQuery { text: text.to_owned(), ..Default::default() })?
        .into_iter()
        .map(|e| e.id.to_string())
        .collect();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mut shown = Vec::new();
        if app.client.find(Locator::Css("[data-testid=enterprise-table][data-state=ready]")).await.is_ok() {
            for row in app.client.find_all(Locator::Css("[data-testid=enterprise-row]")).await? {
                shown.push(row.attr("data-id").await?.unwrap_or_default());
            }
        }
        if !shown.is_empty() && expected.starts_with(&shown) {
            return Ok(shown);
        }
        ensure!(Instant::now() < deadline, "query {text:?}: table shows {shown:?}, store returns {expected:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn search_by_two_and_three_characters_opens_the_file_and_an_agency_failing_r1() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let store = safeserve_e2e::open_db(&db)?;
    let target = pick_target(&store)?;
    let id = target.enterprise.id.to_string();

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    app.sign_in("inspector").await?;
    let result = async {
        let shown = search(&app, &store, &target.two).await?;
        ensure!(shown.contains(&id), "2-character query {:?} lists {}", target.two, target.enterprise.name);
        app.screenshot("enterprise-search-2-chars.png").await?;
        let shown = search(&app, &store, &target.three).await?;
        ensure!(shown.contains(&id), "3-character query {:?} lists {}", target.three, target.enterprise.name);

        // A person clicks the name cell; WebKit's driver cannot click a table row as a whole.
        app.wait_for(&format!("[data-testid=enterprise-row][data-id='{id}'] td"))
            .await?
            .click()
            .await
            .context("open the enterprise's file")?;
        app.wait_for("[data-testid=enterprise-file]").await?;
        let name = app.wait_for("[data-testid=enterprise-file-name]").await?.text().await?;
        ensure!(name.contains(&target.enterprise.name), "file shows {name:?}, expected {}", target.enterprise.name);
        app.screenshot("enterprise-file.png").await?;

        app.wait_for(&format!("[data-testid=agency-link][data-id='{}']", target.agency_id))
            .await?
            .click()
            .await
            .context("open the serving agency")?;
        app.wait_for("[data-testid=agency-detail]").await?;
        app.wait_for("[data-testid=agency-unmet]").await?;
        let detail = store.agency_detail(target.agency_id.parse()?, today())?;
        ensure!(!detail.unmet.is_empty(), "the chosen agency fails R1");
        let mut shown = Vec::new();
        for item in app.client.find_all(Locator::Css("[data-testid=unmet-condition]")).await? {
            shown.push(item.text().await?);
        }
        for condition in &detail.unmet {
            ensure!(
                shown.iter().any(|s| s.contains(&condition.message.zh)),
                "unmet condition {:?} is on screen; shown: {shown:?}",
                condition.message.zh
            );
            for evidence in &condition.evidence {
                ensure!(shown.iter().any(|s| s.contains(evidence)), "evidence {evidence:?} is on screen");
            }
        }
        let shot = app.screenshot("agency-failing-r1.png").await?;
        eprintln!("screenshots in {}", shot.parent().context("folder")?.display());
        Ok(())
    }
    .await;
    app.close().await?;
    result
}

#[tokio::test(flavor = "multi_thread")]
async fn corrupt_database_is_explained_in_chinese_and_left_untouched() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("damaged.db");
    let bytes = b"SafeServe export 2026-11-23, opened by mistake as a database".repeat(64);
    std::fs::write(&db, &bytes)?;

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        let text = app.wait_for("[data-testid=db-error]").await?.text().await?;
        ensure!(text.contains("数据库文件已损坏"), "the window explains the damaged file: {text:?}");
        app.screenshot("database-corrupt.png").await?;
        Ok(())
    }
    .await;
    app.close().await?;
    ensure!(std::fs::read(&db)? == bytes, "the damaged file is left byte for byte");
    result
}

/// The field's own error line, saying which check character the code should have.
const CHECK_CHARACTER_EXPLAINED: &str =
    "//*[contains(@class,'ant-form-item-explain-error')][contains(., '校验位错误，应为 3')]";

#[tokio::test(flavor = "multi_thread")]
async fn mistyped_credit_code_is_explained_on_the_field_and_nothing_is_saved() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let before = safeserve_e2e::open_db(&db)?.counts()?;

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    app.sign_in("technician").await?;
    let result = async {
        app.wait_for("[data-testid=enterprise-table][data-state=ready]").await?;
        app.wait_for("[data-testid=add-enterprise]").await?.click().await.context("open the form")?;
        let field = app.wait_for("[data-testid=field-credit_code]").await?;
        // The standard's example code with its last character mistyped.
        field.send_keys("91350100M000100Y44").await?;
        app.wait_for("[data-testid=field-name]").await?.send_keys("杭州测试化工有限公司").await?;
        let explained = app
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(CHECK_CHARACTER_EXPLAINED))
            .await;
        ensure!(explained.is_ok(), "the credit-code field says 校验位错误，应为 3");
        app.wait_for(".ant-modal-footer .ant-btn-primary").await?.click().await.context("press save")?;
        // Saving re-validates the form, and the field's message fades back in: wait for it to be
        // visible again rather than sampling it mid-fade.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut shown = false;
            for e in app.client.find_all(Locator::XPath(CHECK_CHARACTER_EXPLAINED)).await? {
                shown |= e.is_displayed().await?;
            }
            if shown {
                break;
            }
            ensure!(Instant::now() < deadline, "after save the reason is still shown on the field");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        app.screenshot("enterprise-form-bad-credit-code.png").await?;
        let typed = app.wait_for("[data-testid=field-name]").await?.prop("value").await?.unwrap_or_default();
        ensure!(typed == "杭州测试化工有限公司", "the form keeps what was typed, got {typed:?}");
        Ok(())
    }
    .await;
    app.close().await?;
    result?;
    let after = safeserve_e2e::open_db(&db)?.counts()?;
    ensure!(after == before, "nothing saved: {before:?} → {after:?}");
    Ok(())
}

/// What a command answers when the window's script calls it directly, as a tampered page
/// would: `{code}` of the CommandError, or `ok`.
async fn invoke_directly(app: &App, command: &str, args: serde_json::Value) -> Result<String> {
    Ok(app.invoke(command, args).await?.map_or_else(|code| code, |_| "ok".to_owned()))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_technician_sees_no_bureau_work_rust_refuses_it_when_asked_directly_and_the_audit_log_keeps_it() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    // Markup in free text, as another laptop could have synced it: shown as the text it is.
    const SCRIPT: &str = "<script>document.title='pwned'</script>";
    const IMG: &str = "<img src=x onerror=\"document.title='pwned'\">";
    let enterprise = {
        let mut store = safeserve_e2e::open_db(&db)?;
        let enterprise = store.search_enterprises(&EnterpriseQuery::default())?.remove(0);
        let file = store.enterprise_file(enterprise.id, today())?;
        let contact = safeserve_store::views::EnterpriseContact {
            address: enterprise.address.clone(),
            principal: format!("{SCRIPT}王喆"),
            safety_contact: IMG.into(),
            phone: file.phone,
        };
        store.update_enterprise_contact(enterprise.id, &contact)?;
        enterprise
    };

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        // Nothing is shown or answered before sign-in.
        app.wait_for("[data-testid=sign-in]").await?;
        ensure!(
            invoke_directly(&app, "search_enterprises", serde_json::json!({"query": EnterpriseQuery::default()})).await?
                == "signed_out",
            "the registers are not read for nobody"
        );
        // The window is granted SafeServe's own commands and nothing else: a command of
        // Tauri's core it was not granted is refused by the permission system, before any
        // code of the command runs.
        let code = invoke_directly(&app, "plugin:window|set_title", serde_json::json!({"value": "x"})).await?;
        ensure!(code.contains("not allowed"), "an ungranted command answered {code}");
        // A wrong password is said in both languages, and which of the two was wrong is not.
        app.wait_for(&safeserve_e2e::input("sign-in-name")).await?.send_keys("technician").await?;
        app.wait_for(&safeserve_e2e::input("sign-in-password")).await?.send_keys("not-the-password").await?;
        app.click("[data-testid=sign-in-submit]").await?;
        let refused = app.text("[data-testid=sign-in-error][data-code=sign_in_failed]").await?;
        ensure!(refused.contains("用户名或密码不正确") && refused.contains("wrong"), "{refused:?}");
        app.look("sign-in-wrong-password.png").await?;
        app.client.refresh().await?;

        // A database kept in clear (one from before laptops were encrypted) is encrypted at
        // the first sign-in, and every user of it keeps their own password.
        ensure!(!safeserve_store::is_encrypted(&db), "the demo starts plain");
        app.sign_in("technician").await?;
        ensure!(safeserve_store::is_encrypted(&db), "the first sign-in encrypted the database");
        app.look("signed-in-technician.png").await?;
        // The day's backup is taken after the sign-in, encrypted as the database is.
        let daily = safeserve_store::backups::backup_dir(&db);
        let mut backup = None;
        for _ in 0..100 {
            backup = safeserve_store::backups::list(&db).into_iter().find(|b| b.path.starts_with(&daily));
            if backup.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let backup = backup.context("no daily backup after the sign-in")?;
        ensure!(!std::fs::read(&backup.path)?.starts_with(b"SQLite format 3"), "the backup is not in clear");
        ensure!(app.client.find(Locator::Css("[data-testid=nav-grades]")).await.is_err(), "no grading menu");
        ensure!(app.client.find(Locator::Css("[data-testid=nav-coverage]")).await.is_err(), "no coverage menu");
        ensure!(app.client.find(Locator::Css("[data-testid=nav-audit]")).await.is_err(), "no audit log");
        app.open_enterprise(&enterprise.name, &enterprise.id).await?;
        ensure!(app.client.find(Locator::Css("[data-testid=commission-check]")).await.is_err(), "no commissioning");
        ensure!(app.client.find(Locator::Css("[data-testid=start-visit]")).await.is_ok(), "a technician records visits");
        let shown = app.text("[data-testid=enterprise-file]").await?;
        ensure!(shown.contains(&format!("{SCRIPT}王喆")) && shown.contains(IMG), "markup shown as text: {shown}");
        let injected = app.client.execute("return document.querySelectorAll('img[src=x]').length", vec![]).await?;
        ensure!(injected == serde_json::json!(0), "no element was made from the markup");
        ensure!(app.client.title().await? != "pwned", "no script ran");

        // The hidden button is not the check: asked directly, Rust refuses in the user's words.
        for (command, args) in [
            ("grade_agencies", serde_json::json!({})),
            ("ranking", serde_json::json!({})),
            (
                "lift_blacklist",
                serde_json::json!({"entryId": "x", "lift": {"reason": "x", "lifted_by": "x", "lifted_on": "2026-11-23"}}),
            ),
        ] {
            let code = invoke_directly(&app, command, args).await?;
            ensure!(code == "role_not_allowed", "{command} answered {code}");
        }

        // 锁定: back to the sign-in, and the commands answer nobody again.
        app.click("[data-testid=sign-out]").await?;
        app.wait_for("[data-testid=sign-in]").await?;
        let code = invoke_directly(&app, "recent_visits", serde_json::json!({})).await?;
        ensure!(code == "signed_out", "after locking, recent_visits answered {code}");

        // A supervisor reads it all in the audit log: the refused sign-in, the technician's
        // refused acts, and a chain that holds.
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-audit]").await?;
        app.wait_for("[data-testid=audit][data-state=ready] [data-testid=audit-chain][data-intact=yes]").await?;
        let acts = |act: &'static str| {
            let app = &app;
            async move {
                let rows = app.client.find_all(Locator::Css(&format!("[data-testid=audit-row][data-act={act}]"))).await?;
                let mut texts = Vec::new();
                for r in rows {
                    texts.push(r.text().await?);
                }
                anyhow::Ok(texts)
            }
        };
        let refused = acts("refused").await?;
        ensure!(refused.len() == 3, "three refused acts: {refused:?}");
        ensure!(refused.iter().all(|r| r.contains("演示技术人员")), "each names the technician: {refused:?}");
        ensure!(refused.iter().any(|r| r.contains("信用评级")), "the act refused is named: {refused:?}");
        ensure!(acts("sign_in_failed").await?.iter().any(|r| r.contains("technician")), "the wrong password is logged");
        ensure!(acts("sign_in").await?.len() == 2, "both sign-ins are logged");
        app.look("audit-log.png").await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("sign-in-failure.png").await;
    }
    app.close().await?;
    result
}

/// The newest backup in `NAME.backups/` other than `not`, waited for up to 10 s.
async fn newest_backup(db: &std::path::Path, not: Option<&std::path::Path>) -> Result<std::path::PathBuf> {
    let folder = safeserve_store::backups::backup_dir(db);
    for _ in 0..100 {
        let found = safeserve_store::backups::list(db)
            .into_iter()
            .find(|b| b.path.starts_with(&folder) && Some(b.path.as_path()) != not);
        if let Some(b) = found {
            return Ok(b.path);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("no backup in {}", folder.display())
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_on_demand_and_a_supervisors_restore_after_seeing_what_it_holds_a_technician_may_not() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let (enterprise, file) = {
        let store = safeserve_e2e::open_db(&db)?;
        let enterprise = store.search_enterprises(&EnterpriseQuery::default())?.remove(0);
        let file = store.enterprise_file(enterprise.id, today())?;
        (enterprise, file)
    };
    const LATER_PHONE: &str = "0571-86000001";
    ensure!(file.phone != LATER_PHONE);

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        app.sign_in("technician").await?;
        let daily = newest_backup(&db, None).await?;

        // 备份 on demand: a technician may back up, and sees no 恢复.
        app.click("[data-testid=nav-backups]").await?;
        app.wait_for("[data-testid=backups][data-state=ready] [data-testid=backup-row]").await?;
        app.click("[data-testid=backup-take]").await?;
        let taken = newest_backup(&db, Some(&daily)).await?;
        let name = taken.file_name().context("a file name")?.to_string_lossy().into_owned();
        app.wait_for(&format!("[data-testid=backups][data-state=ready] [data-testid=backup-row][data-name='{name}']")).await?;
        ensure!(!std::fs::read(&taken)?.starts_with(b"SQLite format 3"), "the backup is encrypted");
        ensure!(app.client.find(Locator::Css("[data-testid=backup-restore]")).await.is_err(), "no restore for a technician");
        let code = invoke_directly(&app, "restore_backup", serde_json::json!({ "name": name })).await?;
        ensure!(code == "role_not_allowed", "restore_backup answered a technician {code}");
        app.look("backups-technician.png").await?;

        // Recorded after the backup: the phone number is corrected.
        let contact = serde_json::json!({
            "address": enterprise.address, "principal": file.principal,
            "safety_contact": file.safety_contact, "phone": LATER_PHONE,
        });
        let code =
            invoke_directly(&app, "update_enterprise_contact", serde_json::json!({ "id": enterprise.id, "contact": contact }))
                .await?;
        ensure!(code == "ok", "the correction is saved: {code}");
        app.click("[data-testid=sign-out]").await?;

        // A supervisor restores it: first what it holds, then 恢复.
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-backups]").await?;
        app.click(&format!("[data-testid=backups][data-state=ready] [data-testid=backup-row][data-name='{name}'] [data-testid=backup-restore]")).await?;
        app.wait_for("[data-testid=backup-holding]").await?;
        app.settled().await?;
        let holding = app.text("[data-testid=backup-holding]").await?;
        let enterprises = safeserve_e2e::open_db_keyed(&taken, &db)?.counts()?.enterprises;
        ensure!(holding.contains(&enterprises.to_string()), "the enterprises it holds are shown: {holding}");
        app.look("backup-restore-confirm.png").await?;
        app.click("[data-testid=backup-restore-confirm]").await?;
        app.wait_for("[data-testid=backups][data-state=ready]").await?;
        let aside = safeserve_e2e::replaced_file(dir.path(), "demo.db")
            .context("the replaced database is kept beside it")?;
        ensure!(safeserve_e2e::open_db_keyed(&aside, &db)?.enterprise_file(enterprise.id, today())?.phone == LATER_PHONE);

        // The laptop is back at the backup: the later correction is not in the database used.
        app.click("[data-testid=nav-enterprises]").await?;
        app.open_enterprise(&enterprise.name, enterprise.id).await?;
        let shown = app.text("[data-testid=enterprise-file]").await?;
        ensure!(shown.contains(&file.phone) && !shown.contains(LATER_PHONE), "restored: {shown}");

        // A damaged backup is refused with the reason, before anything moves.
        let mut bytes = std::fs::read(&daily)?;
        let middle = bytes.len() / 2;
        for b in &mut bytes[middle..middle + 64] {
            *b ^= 0xff;
        }
        std::fs::write(&daily, bytes)?;
        let daily_name = daily.file_name().context("a file name")?.to_string_lossy().into_owned();
        app.click("[data-testid=nav-backups]").await?;
        app.click(&format!("[data-testid=backups][data-state=ready] [data-testid=backup-row][data-name='{daily_name}'] [data-testid=backup-restore]")).await?;
        app.wait_for("[data-testid=backup-holding-error]").await?;
        app.settled().await?;
        let refused = app.text("[data-testid=backup-holding-error]").await?;
        ensure!(refused.contains("损坏") && refused.contains(&daily_name), "{refused}");
        app.look("backup-damaged.png").await?;
        app.client.find(Locator::Css(".ant-modal-close")).await?.click().await?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while app.client.find(Locator::Css(".ant-modal-wrap:not([style*='display: none'])")).await.is_ok() {
            ensure!(Instant::now() < deadline, "the dialog is still closing after 10 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        // The audit log names the backup and the restore.
        app.click("[data-testid=nav-audit]").await?;
        app.wait_for("[data-testid=audit][data-state=ready] [data-testid=audit-row][data-act=restore]").await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("backups-failure.png").await;
    }
    app.close().await?;
    result
}

#[tokio::test(flavor = "multi_thread")]
async fn a_daily_backup_that_cannot_be_written_is_said_wherever_the_user_is() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    // Where the backups go is taken by a file: the day's backup cannot be written.
    std::fs::write(safeserve_store::backups::backup_dir(&db), b"not a folder")?;

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        app.sign_in("technician").await?;
        // On the first screen, without going to the backups.
        app.wait_for("[data-testid=enterprise-table]").await?;
        // The notice slides in: its text is there once it is shown.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut said = app.text(".ant-notification-notice").await?;
        while said.is_empty() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
            said = app.text(".ant-notification-notice").await?;
        }
        ensure!(
            said.contains("自动备份失败") && said.contains("无法写入备份") && said.contains("demo.db.backups"),
            "{said}"
        );
        app.look("backup-failed.png").await?;
        app.click("[data-testid=nav-backups]").await?;
        let shown = app.text("[data-testid=backup-problem]").await?;
        ensure!(shown.contains("自动备份失败"), "the backup screen says it too: {shown}");
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("backup-failed-failure.png").await;
    }
    app.close().await?;
    result
}

/// The lid closes: logind announces the sleep, and the app — holding a delay lock on sleep
/// while it runs — puts the sign-in on screen before it lets the laptop sleep; awake, it takes
/// a new lock for the next time.
#[tokio::test(flavor = "multi_thread")]
async fn the_lid_closing_locks_the_app_before_the_laptop_sleeps() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let logind = safeserve_e2e::logind::Logind::start(dir.path())?;
    let bus = std::ffi::OsString::from(&logind.address);
    let app = App::launch_with_env(&desktop_binary("debug")?, &db, &[("DBUS_SYSTEM_BUS_ADDRESS", &bus)]).await?;
    let locks = async |what: &str, want: (usize, usize)| -> Result<()> {
        safeserve_e2e::until(what, async || Ok(logind.locks() == want))
            .await
            .with_context(|| format!("sleep locks taken and released: {:?}", logind.locks()))
    };
    let result = async {
        app.sign_in("inspector").await?;
        locks("the app delays sleep while it runs", (1, 0)).await?;
        logind.prepare_for_sleep(true)?;
        app.wait_for("[data-testid=sign-in]").await.context("the sign-in is on screen before the sleep")?;
        locks("then the laptop may sleep", (1, 1)).await?;
        ensure!(
            app.client.find(Locator::Css("[data-testid=signed-in]")).await.is_err(),
            "nothing of the records shows"
        );
        app.look("sleep-locked.png").await?;
        logind.prepare_for_sleep(false)?;
        locks("awake, a new lock for the next sleep", (2, 1)).await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("sleep-lock-failure.png").await;
    }
    app.close().await?;
    result
}
