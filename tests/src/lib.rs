//! `safeserve-e2e`: the harness for whole-system tests. It starts what a user would have —
//! an X display (Xvfb when none is set), `tauri-driver` with WebKitWebDriver, the real
//! `safeserve-desktop` binary on a real database — and hands the test a WebDriver client.
//! Readiness is polled with a deadline, never slept for.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test support: a failure here is the test failing")]

pub mod binaries;
pub mod browser;
pub mod field_run;
pub mod keyring;
pub mod logind;
pub mod proxy;
pub mod server;

use anyhow::{bail, ensure, Context, Result};
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The date whole-system tests run on, whatever day it is: the demo is made as of it, and
/// every app and command line the harness starts runs its calendar from it
/// ([`safeserve_print::clock`]), so a test sees the same records and the same deadlines on any
/// day it is run.
pub const TEST_DAY: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2026, 11, 23) {
    Some(day) => day,
    None => panic!("a calendar date"),
};

/// How many days the tests' calendar runs from the system clock, fixed when this process first
/// asks: a test that runs past midnight moves on to the next day with the app it started.
pub fn clock_shift_days() -> i32 {
    static SHIFT: std::sync::OnceLock<i32> = std::sync::OnceLock::new();
    *SHIFT.get_or_init(|| {
        let days = (TEST_DAY - safeserve_print::clock::shifted(0).date_naive()).num_days();
        i32::try_from(days).expect("the test day is within a few million years of today")
    })
}

/// Now on the tests' calendar, in China.
pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    safeserve_print::clock::shifted(clock_shift_days())
}

/// Today on the tests' calendar: SafeServe's date (China's), from [`TEST_DAY`] on.
pub fn today() -> chrono::NaiveDate {
    now().date_naive()
}

/// The date the app at `binary` runs on when the harness starts it: the tests' day for a debug
/// build, the real one for a release build (which has no calendar to pin).
pub fn today_of(binary: &Path) -> chrono::NaiveDate {
    if binary.components().any(|c| c.as_os_str() == "release") {
        safeserve_print::clock::shifted(0).date_naive()
    } else {
        today()
    }
}

/// The text box of the field `id`: Ant Design puts the `data-testid` on the `<input>` itself
/// or on the wrapper around it (a password box), and either is matched.
pub fn input(id: &str) -> String {
    format!("input[data-testid={id}], [data-testid={id}] input")
}

/// The environment that puts a debug build of the app or the command line on the tests' calendar.
pub fn clock_env() -> (&'static str, String) {
    (safeserve_print::clock::SHIFT_VAR, clock_shift_days().to_string())
}

/// The device key an app launched on `dir` signs with (`dir/device-key`, made when missing).
pub fn app_device(dir: &Path) -> Result<safeserve_device::DeviceKey> {
    Ok(safeserve_device::from_file_or_new(&dir.join("device-key"))?)
}

/// The small demo database at `db`, its documents signed by the app launched on `dir` and the
/// file encrypted for the demo's users, as `safeserve demo` makes a laptop's demo.
pub fn demo_for_app(dir: &Path, db: &Path, as_of: chrono::NaiveDate) -> Result<()> {
    use safeserve_demo as demo;
    demo::generate_signed_by(db, demo::DemoSize::Small, demo::DEFAULT_SEED, as_of, &app_device(dir)?.key)?;
    demo::encrypt_for_laptop(db)?;
    Ok(())
}

/// The key of an app's encrypted database, unsealed as its users sign in (every user the tests
/// make has the demo password); `None` for a plain database.
pub fn app_key(db: &Path) -> Result<Option<safeserve_store::keys::DbKey>> {
    if !safeserve_store::is_encrypted(db) {
        return Ok(None);
    }
    let names = safeserve_store::keys::KeyFile::load(db)?.context("the key file")?.names();
    let now_ms = chrono::Utc::now().timestamp_millis();
    for name in names {
        // With the OS keyring's share where the app sealed with one; never making one.
        let file = safeserve_store::keys::KeyFile::load_for(db, &name, |_| safeserve_device::keyring_share(false))?;
        if let Ok(key) = file.context("the key file")?.unlock(&name, safeserve_demo::DEMO_PASSWORD, now_ms) {
            return Ok(Some(key));
        }
    }
    bail!("no user of {} has the demo password", db.display())
}

/// The database an app keeps at `db`, opened as its users do (encrypted or not).
pub fn open_db(db: &Path) -> Result<safeserve_store::Store> {
    let key = app_key(db)?;
    Ok(safeserve_store::Store::open_with(db, &safeserve_store::OpenOptions { key, ..Default::default() })?)
}

/// The file a restore set aside in place of the database named `name` in `dir`
/// (`NAME.replaced-TIME`, not its `-wal`/`-shm`).
pub fn replaced_file(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    let prefix = format!("{name}.replaced-");
    std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).find(|p| {
        let file = p.file_name().unwrap_or_default().to_string_lossy();
        file.starts_with(&prefix) && !file.ends_with("-wal") && !file.ends_with("-shm")
    })
}

/// A copy of the app's database at `db` (a backup, a file set aside), opened read-only with
/// that database's key.
pub fn open_db_keyed(file: &Path, db: &Path) -> Result<safeserve_store::Store> {
    Ok(safeserve_store::Store::open_reader(file, app_key(db)?.as_ref())?)
}

/// A plain SQL connection to the database at `db`, keyed when it is encrypted.
pub fn connect(db: &Path) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(db)?;
    if let Some(key) = app_key(db)? {
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", *key.to_hex()))?;
    }
    Ok(conn)
}

/// Whom the app launched on `dir` believes when it has never been enrolled: itself.
pub fn app_trust(dir: &Path) -> Result<impl Fn(&str, Option<&str>) -> bool> {
    let own = app_device(dir)?.public_hex();
    Ok(move |key: &str, _certificate: Option<&str>| key == own)
}

/// The cargo target folder this test binary was built into (`…/target/debug/deps/x` → `…/target`).
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.ancestors().nth(3).expect("target/<profile>/deps/<bin>").to_owned()
}

/// The desktop binary of the same profile as this test (refused when older than its sources),
/// or `SAFESERVE_DESKTOP_BIN`, taken as it is.
pub fn desktop_binary(profile: &str) -> Result<PathBuf> {
    match std::env::var_os("SAFESERVE_DESKTOP_BIN") {
        Some(p) => Ok(PathBuf::from(p)),
        None => binaries::workspace_binary(profile, "safeserve-desktop"),
    }
}

/// An ended inspection of `agency` in the database at `db`: the checklist's first item failed
/// with `failed_note`, the rest passed; someone on the register was sent.
pub fn ended_agency_inspection(db: &Path, agency: &str, failed_note: &str) -> Result<safeserve_core::VisitId> {
    use safeserve_core::visit::ItemResult;
    use safeserve_store::views::VisitField;
    let (today, now) = (today(), now().to_rfc3339());
    let mut store = open_db(db)?;
    let v = start_agency_inspection(&mut store, agency, None)?;
    let id = v.summary.id;
    let codes = v.template.sections.iter().flat_map(|s| s.items.iter().map(|i| i.code.clone()));
    for (i, code) in codes.enumerate() {
        let (result, note) = if i == 0 { (ItemResult::Fail, failed_note) } else { (ItemResult::Pass, "") };
        store.save_visit_field(
            id,
            &VisitField::Answer { code, result: Some(result), note: note.into() },
            &now,
            today,
        )?;
    }
    store.end_visit(id, &now, today)?;
    Ok(id)
}

/// An agency inspection of `agency` begun today at its office with the first person of the
/// register, on an edition of the agency-inspection checklist (`None`: the latest).
pub fn start_agency_inspection(
    store: &mut safeserve_store::Store,
    agency: &str,
    template_version: Option<u32>,
) -> Result<safeserve_store::views::VisitDetail> {
    use safeserve_core::visit::VisitKind;
    use safeserve_store::views::{NewVisit, Place};
    let people = store.search_people("", 1, today())?.into_iter().map(|p| p.id).collect();
    Ok(store.start_visit(
        &NewVisit {
            kind: VisitKind::AgencyInspection,
            target_id: agency.to_owned(),
            template_key: "agency-inspection".into(),
            template_version,
            people,
            place: Place { latitude: None, longitude: None, description: "机构办公室".into() },
            mismatch_reason: None,
        },
        safeserve_core::VisitId(uuid::Uuid::now_v7()),
        &now().to_rfc3339(),
        today(),
    )?)
}

/// Where tests leave screenshots for a person to look at.
pub fn output_dir() -> PathBuf {
    let dir = std::env::var_os("SAFESERVE_E2E_OUT").map(PathBuf::from).unwrap_or_else(|| target_dir().join("e2e"));
    std::fs::create_dir_all(&dir).expect("create e2e output folder");
    dir
}

/// A loopback port for a driver this test starts, claimed against every other test process.
///
/// The kernel hands out a port not bound now, but the driver binds it only later; in between,
/// another test process (nextest runs each test in its own) could be handed the same one and
/// talk to the wrong driver. So each port is also claimed by a lock on a file named after it,
/// held while this value lives; a port another test holds is skipped.
pub(crate) struct Port {
    pub number: u16,
    _claim: std::fs::File,
}

pub(crate) fn free_port() -> Port {
    let dir = std::env::temp_dir().join("safeserve-test-ports");
    std::fs::create_dir_all(&dir).expect("create the port claims folder");
    loop {
        let number = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let claim = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(number.to_string()))
            .expect("open a port claim");
        // flock: a second claim fails even from this process (another open file description).
        if claim.try_lock().is_ok() {
            return Port { number, _claim: claim };
        }
    }
}

/// A child process ended with SIGTERM, so tauri-driver stops its WebKitWebDriver too (SIGKILL
/// would orphan it, holding the test's pipes open).
pub(crate) struct Terminating(pub(crate) Child);

impl Drop for Terminating {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.0.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An X display for the window: the caller's `DISPLAY`, or a private Xvfb started here.
pub struct Display {
    pub name: String,
    _xvfb: Option<Terminating>,
}

impl Display {
    pub fn get() -> Result<Self> {
        if let Ok(name) = std::env::var("DISPLAY") {
            if !name.is_empty() {
                return Ok(Self { name, _xvfb: None });
            }
        }
        // -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("start Xvfb (apt-get install xvfb; ./dev test installs it)")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
        let n = line.trim();
        if n.is_empty() {
            bail!("Xvfb did not report a display");
        }
        Ok(Self { name: format!(":{n}"), _xvfb: Some(Terminating(child)) })
    }
}

/// tauri-driver on a free port, with the desktop app started through it.
pub struct App {
    pub client: Client,
    _driver: Driver,
    _display: Display,
}

/// tauri-driver and the ports it holds: the claims end after the process.
/// Waits up to 15 s for `check` to hold, looking every 100 ms; fails saying `what` did not
/// happen.
pub async fn until(what: &str, mut check: impl AsyncFnMut() -> Result<bool>) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check().await? {
        ensure!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

struct Driver {
    _process: Terminating,
    _ports: [Port; 2],
}

impl App {
    /// Starts the app through tauri-driver. A loopback port picked as free can be taken by
    /// another program before tauri-driver binds it, so a failed start is retried on new ports.
    pub async fn launch(binary: &Path, db: &Path) -> Result<Self> {
        Self::launch_with_env(binary, db, &[]).await
    }

    /// As [`App::launch`], with extra environment variables for the app (they reach it through
    /// tauri-driver and WebKitWebDriver, which start it), e.g. `SAFESERVE_NO_VIEWER`.
    pub async fn launch_with_env(binary: &Path, db: &Path, env: &[(&str, &std::ffi::OsStr)]) -> Result<Self> {
        let display = Display::get()?;
        let mut last = None;
        for _ in 0..3 {
            match Self::start_driver(binary, db, &display.name, env).await {
                Ok((client, driver)) => return Ok(Self { client, _driver: driver, _display: display }),
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("at least one attempt"))
    }

    async fn start_driver(
        binary: &Path,
        db: &Path,
        display: &str,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Result<(Client, Driver)> {
        let ports = [free_port(), free_port()];
        let (port, native) = (ports[0].number, ports[1].number);
        let driver = Command::new(tauri_driver()?)
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .envs(env.iter().copied())
            .env("DISPLAY", display)
            .env(clock_env().0, clock_env().1)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("start tauri-driver (cargo install tauri-driver --locked; ./dev test installs it)")?;
        let driver = Driver { _process: Terminating(driver), _ports: ports };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("tauri-driver did not listen on {port} within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let caps = serde_json::json!({
            "browserName": "wry",
            "tauri:options": {
                "application": binary.to_string_lossy(),
                "args": ["--db", db.to_string_lossy()],
            }
        });
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.as_object().expect("object").clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("WebDriver session with the desktop app")?;
        Ok((client, driver))
    }

    /// Waits for a CSS selector to match, up to 20 s.
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    /// Clicks `css` after bringing it to the middle of the window, as a user scrolls to what
    /// they want: WebDriver's own scrolling puts it at the bottom edge, under a sticky bar.
    pub async fn click(&self, css: &str) -> Result<()> {
        let el = self.wait_for(css).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})",
                vec![serde_json::to_value(&el)?],
            )
            .await?;
        el.click().await.with_context(|| format!("click {css}"))?;
        Ok(())
    }

    /// Opens an enterprise's file from the enterprise list (一企一档), as a user does: types its
    /// name over whatever the search held, and clicks its row only once the list shows the
    /// answer to that name — rows of the previous answer stay on screen while it loads, and a
    /// click while they are replaced can be lost.
    pub async fn open_enterprise(&self, name: &str, id: impl std::fmt::Display) -> Result<()> {
        let search = self.wait_for("[data-testid=enterprise-search]").await?;
        search.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
        search.send_keys(name).await.context("type the enterprise's name")?;
        self.click(&format!(
            "[data-testid=enterprise-table][data-state=ready] [data-testid=enterprise-row][data-id='{id}'] td"
        ))
        .await?;
        self.wait_for(&format!("[data-testid=enterprise-file][data-id='{id}'][data-state=ready]"))
            .await
            .context("the enterprise file opens")?;
        Ok(())
    }

    /// Signs in through the window as a person does: as the demo's user `name`
    /// (`safeserve_demo::DEMO_USERS`: technician, inspector, supervisor, admin) with the demo
    /// password — or, on a laptop nobody uses yet, makes that user first (the role the form
    /// proposes, a technician, unless the laptop is enrolled) — and waits for the first list.
    pub async fn sign_in(&self, name: &str) -> Result<()> {
        let form = self.wait_for("[data-testid=sign-in], [data-testid=first-user]").await?;
        if form.attr("data-testid").await?.as_deref() == Some("first-user") {
            self.wait_for(&input("first-user-name")).await?.send_keys(name).await?;
            self.wait_for(&input("first-user-display-name")).await?.send_keys(name).await?;
            self.wait_for(&input("first-user-password")).await?.send_keys(safeserve_demo::DEMO_PASSWORD).await?;
            self.wait_for(&input("first-user-again")).await?.send_keys(safeserve_demo::DEMO_PASSWORD).await?;
            self.click("[data-testid=first-user-submit]").await?;
        } else {
            self.wait_for(&input("sign-in-name")).await?.send_keys(name).await?;
            self.wait_for(&input("sign-in-password")).await?.send_keys(safeserve_demo::DEMO_PASSWORD).await?;
            self.click("[data-testid=sign-in-submit]").await?;
        }
        self.wait_for("[data-testid=signed-in]").await.with_context(|| format!("signed in as {name}"))?;
        Ok(())
    }

    /// Calls a command from the window's script directly, as a tampered page would: its answer,
    /// or the `code` of the CommandError it was refused with.
    pub async fn invoke(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<std::result::Result<serde_json::Value, String>> {
        let answer = self
            .client
            .execute_async(
                "const [command, args, done] = arguments;
                 window.__TAURI_INTERNALS__.invoke(command, args)
                   .then((value) => done({ value }), (e) => done({ error: e.code || String(e) }));",
                vec![serde_json::Value::String(command.into()), args],
            )
            .await?;
        Ok(match answer.get("error") {
            Some(code) => Err(code.as_str().unwrap_or_default().to_owned()),
            None => Ok(answer.get("value").cloned().unwrap_or_default()),
        })
    }

    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.wait_for(css).await?.text().await?)
    }

    /// Replaces what the input at `css` holds with `text` as a person does, Ctrl+A then typing:
    /// WebDriver's clear sets the value behind React's back and the form keeps the old one.
    pub async fn retype(&self, css: &str, text: &str) -> Result<()> {
        let input = self.wait_for(css).await?;
        input.send_keys("\u{E009}a\u{E009}").await?;
        input.send_keys(text).await?;
        Ok(())
    }

    /// Chooses `label` in the antd select at `css` as a person at the keyboard does: opens it,
    /// types the label, and takes the option it offers with Enter (WebDriver clicks on antd's
    /// options are not reliably taken).
    pub async fn choose(&self, css: &str, label: &str) -> Result<()> {
        self.click(css).await?;
        let input = self.wait_for(&format!("{css} input")).await?;
        input.send_keys(label).await?;
        self.wait_for(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option-active").await?;
        input.send_keys("\u{E007}").await?;
        until("the option is chosen", async || Ok(self.text(css).await.unwrap_or_default().contains(label))).await
    }

    /// The app on `db` as a laptop that signs and prints: no PDF viewer, its own device key,
    /// cache folder (where opened PDFs are written) and documents folder (where exports go),
    /// all inside `dir`.
    pub async fn launch_signing(db: &Path, dir: &Path) -> Result<Self> {
        Self::launch_signing_with(&desktop_binary("debug")?, db, dir).await
    }

    /// As [`App::launch_signing`], with the given build of the app.
    pub async fn launch_signing_with(binary: &Path, db: &Path, dir: &Path) -> Result<Self> {
        Self::launch_signing_env(binary, db, dir, &[]).await
    }

    /// As [`App::launch_signing_with`], with more environment for the app.
    pub async fn launch_signing_env(
        binary: &Path,
        db: &Path,
        dir: &Path,
        extra: &[(&str, &std::ffi::OsStr)],
    ) -> Result<Self> {
        let key = dir.join("device-key");
        let cache = dir.join("cache");
        let config = dir.join("config");
        std::fs::create_dir_all(&config)?;
        std::fs::write(
            config.join("user-dirs.dirs"),
            format!("XDG_DOCUMENTS_DIR=\"{}\"\n", dir.join("documents").display()),
        )?;
        let mut env: Vec<(&str, &std::ffi::OsStr)> = vec![
            ("SAFESERVE_NO_VIEWER", std::ffi::OsStr::new("1")),
            ("SAFESERVE_DEVICE_KEY", key.as_os_str()),
            ("XDG_CACHE_HOME", cache.as_os_str()),
            ("XDG_CONFIG_HOME", config.as_os_str()),
        ];
        env.extend_from_slice(extra);
        Self::launch_with_env(binary, db, &env).await
    }

    /// Draws a signature on a pad as a user would with the mouse: a looping stroke across the pad
    /// and an underline, each a pointerDown, a run of pointerMoves and a pointerUp over the canvas.
    pub async fn sign_pad(&self, role: &str) -> Result<()> {
        let pad = self.wait_for(&format!("[data-testid=pad-{role}]")).await?;
        let at = |x: f64, y: f64| PointerAction::MoveToElement {
            element: pad.clone(),
            duration: Some(Duration::from_millis(8)),
            x,
            y,
        };
        // Offsets from the canvas's centre; the pad is at least 360 × 120 px.
        let mut loops = MouseActions::new(format!("pen-{role}"))
            .then(at(-150.0, 5.0))
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT });
        for i in 1..=72 {
            let t = f64::from(i) / 72.0;
            // A cursive run of loops: the pen goes back on itself where the sine outruns the drift.
            let x = -150.0 + 270.0 * t + 26.0 * (t * 20.0).sin();
            let y = 5.0 - 28.0 * (t * 20.0).cos() * (1.0 - 0.35 * t);
            loops = loops.then(at(x, y));
        }
        loops = loops.then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        let underline = MouseActions::new(format!("pen-{role}-2"))
            .then(at(-140.0, 40.0))
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(at(-40.0, 44.0))
            .then(at(60.0, 42.0))
            .then(at(150.0, 36.0))
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        self.client.perform_actions(loops).await.with_context(|| format!("draw on pad-{role}"))?;
        self.client.perform_actions(underline).await.with_context(|| format!("underline on pad-{role}"))?;
        self.wait_for(&format!("[data-testid=pad-{role}][data-strokes='2']")).await.context("both strokes are kept")?;
        // …and drawn: the canvas holds ink.
        let inked = self
            .client
            .execute(
                "const c = document.querySelector(arguments[0]);
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let n = 0;
                 for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                 return n;",
                vec![serde_json::json!(format!("[data-testid=pad-{role}]"))],
            )
            .await?
            .as_u64()
            .unwrap_or(0);
        ensure!(inked > 500, "pad-{role} shows the strokes: {inked} inked pixels");
        Ok(())
    }

    /// Waits for a dialog's or a drawer's opening animation to end, so a click lands where the
    /// button rests.
    pub async fn settled(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let opening = ".ant-zoom-appear, .ant-zoom-enter, [class*=ant-drawer-panel-motion][class*=-appear], \
                       [class*=ant-drawer-panel-motion][class*=-enter]";
        while !self.client.find_all(Locator::Css(opening)).await?.is_empty() {
            ensure!(Instant::now() < deadline, "the dialog is still opening after 10 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// A screenshot of what is on screen once it has settled: WebKitWebDriver has been seen to
    /// hand back a frame from seconds earlier, so after two animation frames snapshots are taken
    /// until two in a row are the same (or 5 s pass), and the last is kept.
    pub async fn look(&self, name: &str) -> Result<()> {
        let painted = self.client.execute_async(
            "const done = arguments[arguments.length - 1];
             setTimeout(done, 1000);
             requestAnimationFrame(() => requestAnimationFrame(() => done()));",
            vec![],
        );
        tokio::time::timeout(Duration::from_secs(5), painted).await.context("waiting for a paint")??;
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut last = self.snapshot(name).await?;
        loop {
            let now = self.snapshot(name).await?;
            if now == last || Instant::now() >= deadline {
                return self.keep(name, &now).map(drop);
            }
            last = now;
        }
    }

    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.snapshot(name).await?;
        self.keep(name, &png)
    }

    async fn snapshot(&self, name: &str) -> Result<Vec<u8>> {
        // WebKitWebDriver has been seen to hang on a snapshot; a hung screenshot fails the test
        // instead of the whole run.
        tokio::time::timeout(Duration::from_secs(20), self.client.screenshot())
            .await
            .with_context(|| format!("screenshot {name} timed out"))?
            .with_context(|| format!("screenshot {name}"))
    }

    fn keep(&self, name: &str, png: &[u8]) -> Result<PathBuf> {
        let path = output_dir().join(name);
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Kills the app's process outright (SIGKILL), as a crash or a pulled battery would: no
    /// window-close handler, no flush. The WebDriver session dies with it.
    pub fn kill_app(self, db: &Path) -> Result<()> {
        let needle = db.to_string_lossy().into_owned();
        let mut killed = 0;
        for entry in std::fs::read_dir("/proc")? {
            let entry = entry?;
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
            let args: Vec<String> =
                cmdline.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
            let is_app = args.first().is_some_and(|a| a.ends_with("safeserve-desktop"));
            if is_app && args.contains(&needle) {
                let pid = entry.file_name().to_string_lossy().into_owned();
                let status = Command::new("kill").args(["-KILL", &pid]).status()?;
                ensure!(status.success(), "kill -KILL {pid}");
                killed += 1;
            }
        }
        ensure!(killed == 1, "expected one app process for {needle}, killed {killed}");
        drop(self);
        Ok(())
    }

    pub async fn close(self) -> Result<()> {
        tokio::time::timeout(Duration::from_secs(20), self.client.close())
            .await
            .context("closing the session timed out")??;
        Ok(())
    }
}

fn tauri_driver() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    {
        let p = home.join("bin/tauri-driver");
        if p.exists() {
            return Ok(p);
        }
    }
    Ok(PathBuf::from("tauri-driver"))
}
