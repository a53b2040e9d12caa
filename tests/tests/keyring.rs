//! The database key sealed under the password *and* the desktop session's keyring: a real
//! gnome-keyring on a private session bus, the real window. A copy of the disk with the password
//! alone opens nothing; a keyring that lost its share is named as the reason, never counted as
//! a wrong password; with the share back the same password signs in.

use anyhow::{bail, ensure, Context, Result};
use safeserve_e2e::keyring::SessionKeyring;
use safeserve_e2e::{desktop_binary, App};
use safeserve_store::keys::{key_file_path, KeyFile, KeyringShare};
use safeserve_store::StoreError;
use std::path::{Path, PathBuf};

/// The keyring entry the share of the database seals is kept under (`safeserve-device`).
const SHARE: &str = "database-key-share";

fn files_under(dir: &Path, skip: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.starts_with(skip) {
            continue;
        }
        if path.is_dir() {
            files_under(&path, skip, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The wrong tries the key file counts against `name`.
fn counted(db: &Path, name: &str) -> Result<u64> {
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(key_file_path(db))?)?;
    let users = file["users"].as_array().context("users")?;
    let seal = users.iter().find(|u| u["name"] == name).context("the user's seal")?;
    Ok(seal["failed"].as_u64().unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_database_key_needs_the_session_keyring_as_well_as_the_password() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let keyring = SessionKeyring::start(dir.path())?;
    // A laptop fresh from installation: an empty database, a device key in a file.
    let db = dir.path().join("laptop.db");
    drop(safeserve_e2e::open_db(&db)?);
    let device_key = dir.path().join("device-key");
    let mut env = keyring.env().to_vec();
    env.push(("SAFESERVE_DEVICE_KEY", device_key.as_os_str()));
    let app = App::launch_with_env(&desktop_binary("debug")?, &db, &env).await?;
    let result = async {
        // The first user's password encrypts the database; the session's keyring gets its share.
        app.sign_in("wang").await?;
        let share = keyring.lookup(SHARE)?.context("the keyring holds the share")?;
        let bytes: [u8; 32] = hex::decode(&share)?.try_into().map_err(|_| anyhow::anyhow!("32 bytes"))?;
        let mut files = Vec::new();
        files_under(dir.path(), keyring.home(), &mut files)?;
        for file in &files {
            let held = std::fs::read(file)?;
            ensure!(
                !held.windows(share.len()).any(|w| w == share.as_bytes()) && !held.windows(32).any(|w| w == bytes),
                "{} holds the keyring's share",
                file.display()
            );
        }
        ensure!(std::fs::read_to_string(key_file_path(&db))?.contains("\"keyring\""), "the seal names its share");

        // The key file and the password, without the keyring: nothing opens, and that is said.
        let now_ms = chrono::Utc::now().timestamp_millis();
        let mut alone = KeyFile::load(&db)?.context("the key file")?;
        match alone.unlock("wang", safeserve_demo::DEMO_PASSWORD, now_ms) {
            Err(StoreError::KeyringShare { other: false }) => {}
            Err(e) => bail!("the password alone is refused for the keyring, not {e}"),
            Ok(_) => bail!("the password alone opened the database key"),
        }
        let share_of = |b: [u8; 32]| Some(KeyringShare::new(zeroize::Zeroizing::new(b)));
        let mut both = KeyFile::load(&db)?.context("the key file")?.with_share(share_of(bytes));
        both.unlock("wang", safeserve_demo::DEMO_PASSWORD, now_ms).context("the password and the share open it")?;

        // The keyring loses the share: signing in names the keyring, however often it is tried.
        app.click("[data-testid=sign-out]").await?;
        keyring.clear(SHARE)?;
        app.wait_for(&safeserve_e2e::input("sign-in-name")).await?.send_keys("wang").await?;
        app.wait_for(&safeserve_e2e::input("sign-in-password")).await?.send_keys(safeserve_demo::DEMO_PASSWORD).await?;
        for _ in 0..5 {
            app.click("[data-testid=sign-in-submit]").await?;
            app.wait_for("[data-testid=sign-in-error][data-code=keyring_unavailable]").await?;
        }
        let said = app.text("[data-testid=sign-in-error]").await?;
        ensure!(said.contains("钥匙串") && said.contains("keyring"), "the keyring is named: {said:?}");
        ensure!(counted(&db, "wang")? == 0, "no wrong password was counted");
        app.look("keyring-unavailable.png").await?;

        // The share back in the keyring: the same password signs in, with no wait earned.
        keyring.store(SHARE, &share)?;
        app.click("[data-testid=sign-in-submit]").await?;
        app.wait_for("[data-testid=signed-in]").await.context("signed in with the share back")?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("keyring-failure.png").await;
    }
    app.close().await?;
    result
}
