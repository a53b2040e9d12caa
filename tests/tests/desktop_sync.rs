//! The 同步 screen in the real window against a real `safeserve-server` process: a new laptop
//! enrolled by typing the server address and the one-time code, its first sync pulling the
//! district's registers; a contact edit in 一企一档 that collides with another laptop's, pushed
//! with 立即同步 and shown as a conflict to review; and the server gone, named on screen while
//! the edit stays on the laptop.

use anyhow::{ensure, Context, Result};
use ed25519_dalek::SigningKey;
use fantoccini::Locator;
use safeserve_core::EnterpriseId;
use safeserve_e2e::server::Server;
use safeserve_e2e::today;
use safeserve_e2e::{desktop_binary, App};
use safeserve_store::views::EnterpriseContact;
use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

fn count(db: &Path, sql: &str) -> Result<i64> {
    Ok(safeserve_e2e::connect(db)?.query_row(sql, [], |r| r.get(0))?)
}

/// Runs work that uses the blocking HTTP client (the server's health check, a sync) off the
/// test's async runtime, which that client must not run inside.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await?
}

/// Replaces an input's text as a user does: Ctrl+A, Backspace, then the new text.
async fn retype(app: &App, css: &str, typed: &str) -> Result<()> {
    let input = app.wait_for(css).await?;
    input.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
    input.send_keys(typed).await.with_context(|| format!("type into {css}"))?;
    Ok(())
}

/// Polls the text of `css` until `ok` holds for it (the background sync takes its time).
async fn wait_text(app: &App, css: &str, what: &str, ok: impl Fn(&str) -> bool) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let shown = match app.client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if ok(&shown) {
            return Ok(shown);
        }
        ensure!(Instant::now() < deadline, "{what}: {css} shows {shown:?} after 60 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The recovery key the first sync gave the server, if the laptop's key file holds its seal.
async fn recovery_arranged(laptop: &Path) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while safeserve_sync::recovery::target(laptop)?.is_none() {
        ensure!(Instant::now() < deadline, "the laptop never gave the server its recovery key");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Ok(())
}

/// Locks, then on the sign-in's 忘记密码 sets `password` with `code`.
async fn reset_with(app: &App, code: &str, password: &str) -> Result<()> {
    app.click("[data-testid=forgot-password]").await?;
    retype(app, &safeserve_e2e::input("reset-code"), code).await?;
    retype(app, &safeserve_e2e::input("reset-password"), password).await?;
    retype(app, &safeserve_e2e::input("reset-again"), password).await?;
    app.click("[data-testid=reset-submit]").await?;
    Ok(())
}

async fn forgotten_password_reset_by_the_server(app: &App, server: &Server, laptop: &Path) -> Result<()> {
    const NEW: &str = "new-pass-2026";
    recovery_arranged(laptop).await?;
    let first = Server::admin(&server.data, &["reset-password", "--user", "zhang"])?.trim().to_owned();
    app.click("[data-testid=sign-out]").await?;
    app.wait_for("[data-testid=sign-in]").await?;
    // A code nobody issued is refused with the reason, and changes nothing.
    reset_with(app, "ABCD-EFGH-JKMN", NEW).await?;
    let refused = wait_text(app, "[data-testid=sign-in-error]", "a wrong code is refused", |s| !s.is_empty()).await?;
    ensure!(refused.contains("重设码无效"), "the refusal is explained: {refused:?}");
    app.look("password-reset-refused.png").await?;
    // The code as read out over the phone, in groups: the laptop signs in with the new password.
    let spoken = format!("{}-{} {}", &first[..4], &first[4..8], &first[8..]);
    retype(app, &safeserve_e2e::input("reset-code"), &spoken).await?;
    app.click("[data-testid=reset-submit]").await?;
    app.wait_for("[data-testid=signed-in][data-role=inspector]").await.context("signed in after the reset")?;
    // The recovery key crossed the network: the next sync gives the server a new one.
    recovery_arranged(laptop).await?;

    app.click("[data-testid=sign-out]").await?;
    app.wait_for("[data-testid=sign-in]").await?;
    app.wait_for(&safeserve_e2e::input("sign-in-name")).await?.send_keys("zhang").await?;
    app.wait_for(&safeserve_e2e::input("sign-in-password")).await?.send_keys(safeserve_demo::DEMO_PASSWORD).await?;
    app.click("[data-testid=sign-in-submit]").await?;
    let old = wait_text(app, "[data-testid=sign-in-error]", "the old password is refused", |s| !s.is_empty()).await?;
    ensure!(old.contains("密码"), "the old password no longer opens: {old:?}");
    // A code opens once; a second one, for the new recovery key, sets the demo password back.
    reset_with(app, &first, safeserve_demo::DEMO_PASSWORD).await?;
    wait_text(app, "[data-testid=sign-in-error]", "a used code is refused", |s| s.contains("重设码无效")).await?;
    let second = Server::admin(&server.data, &["reset-password", "--user", "zhang"])?.trim().to_owned();
    retype(app, &safeserve_e2e::input("reset-code"), &second).await?;
    app.click("[data-testid=reset-submit]").await?;
    app.wait_for("[data-testid=signed-in][data-role=inspector]").await.context("signed in after the second reset")?;
    let (resets, refused): (i64, i64) = safeserve_e2e::connect(laptop)?.query_row(
        "SELECT count(*) FILTER (WHERE subject = ''), count(*) FILTER (WHERE subject = 'refused') \
         FROM audit_log WHERE act = 'password_reset'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    ensure!((resets, refused) == (2, 2), "the audit log holds both resets and both refusals: {resets}, {refused}");
    app.click("[data-testid=nav-sync]").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_laptop_enrols_on_the_sync_screen_syncs_shows_a_conflict_and_names_a_lost_server() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let demo = dir.path().join("demo.db");
    let data = dir.path().join("server");
    Server::loaded_demo(&data, &demo, today(), true)?;
    let district: String = safeserve_e2e::connect(&demo)?.query_row(
        "SELECT substr(division, 1, 6) FROM enterprises ORDER BY seq LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    let in_district = count(&demo, &format!("SELECT count(*) FROM enterprises WHERE division LIKE '{district}%'"))?;
    // zhang is a person of the register: documents signed on zhang's laptop carry that person's
    // name and certificates.
    let (person, person_name): (String, String) = safeserve_e2e::connect(&demo)?.query_row(
        &format!(
            "SELECT p.id, p.name FROM people p JOIN employments e ON e.person_id = p.id \
             JOIN agencies a ON a.id = e.agency_id WHERE a.division LIKE '{district}%' ORDER BY p.seq LIMIT 1"
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let inspector = ["user", "add", "zhang", "--role", "inspector", "--division", &district];
    let unknown =
        Server::admin(&data, &[&inspector[..], &["--person", "0190d0d0-0000-7000-8000-000000000000"]].concat());
    ensure!(unknown.is_err(), "a user is linked only to a person the register holds");
    Server::admin(&data, &[&inspector[..], &["--person", &person]].concat())?;
    Server::admin(&data, &["user", "add", "li", "--role", "inspector", "--division", &district])?;
    let server = blocking({
        let data = data.clone();
        move || Server::start(&data)
    })
    .await?;
    let code = server.enrolment_code("zhang")?;

    // Another inspector's laptop, enrolled and synced outside the window: its edit will collide.
    let other = dir.path().join("other.db");
    let other_code = server.enrolment_code("li")?;
    blocking({
        let (other, url, ca) = (other.clone(), server.url.clone(), server.ca.clone());
        move || {
            let mut store = safeserve_e2e::open_db(&other)?;
            let key = SigningKey::from_bytes(&[7; 32]);
            safeserve_sync::enroll(&mut store, &url, &other_code, &key, "li-laptop", ca.as_deref())?;
            safeserve_sync::sync(&mut store, &mut |_| {})?;
            Ok(())
        }
    })
    .await?;

    // A laptop fresh from installation: an empty database, a device key in a file.
    let laptop = dir.path().join("laptop.db");
    drop(safeserve_e2e::open_db(&laptop)?);
    let key = dir.path().join("device-key");
    let xdg_data = dir.path().join("xdg-data");
    let env: [(&str, &OsStr); 3] = [
        ("SAFESERVE_NO_VIEWER", OsStr::new("1")),
        ("SAFESERVE_DEVICE_KEY", key.as_os_str()),
        ("XDG_DATA_HOME", xdg_data.as_os_str()),
    ];
    let app = App::launch_with_env(&desktop_binary("debug")?, &laptop, &env).await?;
    let mut server = Some(server);

    let result = async {
        // Nobody uses this laptop yet: its first user is made at first start.
        app.sign_in("zhang").await?;
        app.wait_for("[data-testid=signed-in][data-role=technician]").await?;
        app.click("[data-testid=nav-sync]").await?;
        app.wait_for("[data-testid=sync][data-state=ready][data-enrolled=no]").await?;
        let never = app.text("[data-testid=sync-last]").await?;
        ensure!(never == "从未同步", "a new laptop has never synced: {never:?}");
        let enrol = app.wait_for("[data-testid=sync-enroll]").await?;
        ensure!(enrol.attr("disabled").await?.is_some(), "注册本机 waits for the address and the code");
        ensure!(
            app.wait_for("[data-testid=sync-now]").await?.attr("disabled").await?.is_some(),
            "立即同步 is off before enrolment"
        );
        app.look("sync-not-enrolled.png").await?;

        // Enrol as the inspector would: type the address, choose the CA certificate the
        // administrator gave, type the code, press 注册本机. A code mistyped first is refused
        // with the server's reason, and the laptop stays unenrolled.
        let url = server.as_ref().context("server")?.url.clone();
        ensure!(url.starts_with("https://"), "the server speaks TLS: {url}");
        let ca = server.as_ref().and_then(|s| s.ca_file.clone()).context("the test CA")?;
        app.wait_for("[data-testid=sync-server]").await?.send_keys(&url).await?;
        app.wait_for("[data-testid=sync-ca]").await?.send_keys(&ca.to_string_lossy()).await?;
        wait_text(&app, "[data-testid=sync-ca-chosen]", "the CA file is chosen", |s| s.contains("ca.pem")).await?;
        app.look("sync-ca-chosen.png").await?;
        app.wait_for("[data-testid=sync-code]").await?.send_keys("ABCD-EFGH").await?;
        app.click("[data-testid=sync-enroll]").await?;
        let refused = wait_text(&app, "[data-testid=command-error]", "a wrong code is refused", |s| !s.is_empty()).await?;
        ensure!(refused.contains("注册码无效"), "the refusal is explained: {refused:?}");
        app.wait_for("[data-testid=sync][data-enrolled=no]").await?;
        retype(&app, "[data-testid=sync-code]", &code).await?;
        app.click("[data-testid=sync-enroll]").await?;
        app.wait_for("[data-testid=sync][data-enrolled=yes]").await.context("enrolled")?;
        // From enrolment on, the user is the server's inspector: the role is the server's word.
        app.wait_for("[data-testid=signed-in][data-role=inspector]").await.context("the server's role")?;
        let account = app.text("[data-testid=sync-account]").await?;
        for part in [url.as_str(), "zhang", "监管检查人员", district.as_str()] {
            ensure!(account.contains(part), "the account shows {part}: {account:?}");
        }

        // The first sync starts by itself and pulls the district's registers.
        let last = wait_text(&app, "[data-testid=sync-last]", "first sync", |s| s.starts_with("20")).await?;
        wait_text(&app, "[data-testid=sync-pending]", "nothing waiting", |s| s == "0").await?;
        let pulled = count(&laptop, "SELECT count(*) FROM enterprises")?;
        ensure!(pulled == in_district, "the laptop holds the district's {in_district} enterprises, got {pulled}");
        // The header's counts follow the pull.
        wait_text(&app, "[data-testid=register-counts]", "header counts", |s| s.contains(&format!("企业 {pulled}"))).await?;
        let events = app.wait_for("[data-testid=sync]").await?.attr("data-events").await?.unwrap_or_default();
        eprintln!("first sync at {last}; sync events heard by the window: {events}");
        ensure!(app.client.find(Locator::Css("[data-testid=sync-error]")).await.is_err(), "no error after a good sync");
        app.look("sync-screen.png").await?;
        // The server's link came with the enrolment: the signed-in user signs as that person.
        let (user, signs_as) = {
            let store = safeserve_e2e::open_db(&laptop)?;
            let user = store.users()?.into_iter().find(|u| u.name == "zhang").context("zhang")?;
            let signs_as = store.signer(&user, today())?;
            (user, signs_as)
        };
        ensure!(user.person_id.map(|p| p.to_string()) == Some(person.clone()), "linked to {person}: {user:?}");
        ensure!(signs_as.name == person_name, "signs as {person_name}: {signs_as:?}");

        // zhang forgets the password. The first sync gave the server this laptop's recovery
        // key; the administrator's one-time code and a new password let zhang in again.
        forgotten_password_reset_by_the_server(&app, server.as_ref().context("server")?, &laptop).await?;

        // The other laptop corrects the first enterprise's phone and syncs first …
        let (id, name): (String, String) = safeserve_e2e::connect(&laptop)?.query_row(
            "SELECT id, name FROM enterprises ORDER BY seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let enterprise = id.parse::<EnterpriseId>()?;
        blocking({
            let other = other.clone();
            move || {
                let mut store = safeserve_e2e::open_db(&other)?;
                let file = store.enterprise_file(enterprise, today())?;
                let contact = EnterpriseContact {
                    address: file.enterprise.address,
                    principal: file.principal,
                    safety_contact: file.safety_contact,
                    phone: "0571-2222".into(),
                };
                store.update_enterprise_contact(enterprise, &contact)?;
                safeserve_sync::sync(&mut store, &mut |_| {})?;
                Ok(())
            }
        })
        .await?;

        // … then this laptop changes it too, in 一企一档, from the value it holds.
        app.click("[data-testid=nav-enterprises]").await?;
        app.open_enterprise(&name, &id).await?;
        app.click("[data-testid=enterprise-edit-contact]").await?;
        app.settled().await?;
        retype(&app, "[data-testid=contact-phone]", "0571-8888").await?;
        app.look("enterprise-contact-edit.png").await?;
        app.click("[data-testid=contact-save]").await?;
        wait_text(&app, "[data-testid=enterprise-file]", "the file shows the new phone", |s| s.contains("0571-8888")).await?;
        let phone: String = safeserve_e2e::connect(&laptop)?
            .query_row("SELECT phone FROM enterprises WHERE id = ?1", [&id], |r| r.get(0))?;
        ensure!(phone == "0571-8888", "the edit is stored: {phone}");

        // Waiting on the sync screen until 立即同步; then it is the later edit and wins, and
        // the server's record of the collision comes back as a conflict to review.
        // The edit waits, and its entry in the audit log (which travels to the server too).
        app.click("[data-testid=nav-sync]").await?;
        wait_text(&app, "[data-testid=sync-pending]", "the edit waits", |s| s.parse::<u32>().is_ok_and(|n| n >= 2)).await?;
        app.click("[data-testid=sync-now]").await?;
        wait_text(&app, "[data-testid=sync-pending]", "the edit is sent", |s| s == "0").await?;
        wait_text(&app, "[data-testid=sync-conflicts]", "one conflict to review", |s| s == "1").await?;
        let row = app.wait_for("[data-testid=conflict-row]").await?;
        let shown = row.text().await?;
        for part in ["企业", name.as_str(), "联系电话", "0571-8888", "0571-2222"] {
            ensure!(shown.contains(part), "the conflict row shows {part}: {shown:?}");
        }
        let held: String = safeserve_e2e::connect(&server.as_ref().context("server")?.data.join("server.db"))?.query_row(
            "SELECT json_extract(body, '$.phone') FROM changes WHERE entity = 'enterprise' AND record_id = ?1 AND current = 1",
            [&id],
            |r| r.get(0),
        )?;
        ensure!(held == "0571-8888", "the server keeps the later edit: {held}");
        app.client.execute("document.querySelector('[data-testid=sync-conflict-list]').scrollIntoView()", vec![]).await?;
        app.look("sync-conflict.png").await?;
        app.click("[data-testid=conflict-review]").await?;
        wait_text(&app, "[data-testid=sync-conflicts]", "the conflict is reviewed", |s| s == "0").await?;
        ensure!(
            app.client.find(Locator::Css("[data-testid=conflict-row]")).await.is_err(),
            "a reviewed conflict leaves the list"
        );

        // The server goes away: the next attempt names it, and the edit made meanwhile waits here.
        let stopping = server.take().context("server")?;
        blocking(move || stopping.stop()).await?;
        app.click("[data-testid=nav-enterprises]").await?;
        app.open_enterprise(&name, &id).await?;
        app.click("[data-testid=enterprise-edit-contact]").await?;
        app.settled().await?;
        retype(&app, "[data-testid=contact-phone]", "0571-9999").await?;
        app.click("[data-testid=contact-save]").await?;
        wait_text(&app, "[data-testid=enterprise-file]", "the offline edit is shown", |s| s.contains("0571-9999")).await?;
        app.click("[data-testid=nav-sync]").await?;
        // The edit and its audit entry.
        wait_text(&app, "[data-testid=sync-pending]", "the offline edit waits", |s| s == "2").await?;
        app.click("[data-testid=sync-now]").await?;
        let error = wait_text(&app, "[data-testid=sync-error]", "the lost server is named", |s| s.contains("无法连接服务器"))
            .await?;
        ensure!(error.contains(&url) && error.contains("保存在本机"), "the message names the server and reassures: {error:?}");
        ensure!(app.text("[data-testid=sync-pending]").await? == "2", "the edit still waits");
        let shown = app.text("[data-testid=sync-last]").await?;
        ensure!(shown.starts_with("20"), "the last good sync stays shown: {shown:?}");
        app.look("sync-offline.png").await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("sync-failure.png").await;
    }
    app.close().await?;
    result
}
