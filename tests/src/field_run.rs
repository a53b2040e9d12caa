//! The on-site visit as a technician does it, in the real window at 1366×768, counted: a
//! dust-explosion enterprise searched and opened, a visit started with the people and place
//! SafeServe proposes, its ten checklist items answered (three 不符合), the three proposed
//! hazards registered with two photos each, the visit ended, the hazard list signed by the
//! principal and the technician, and the signed list opened.
//!
//! Every act of the hand is counted — clicks, non-text keys, file selections, pen strokes —
//! and, before each, whether its target can be seen where the user is: when it cannot, the
//! user would scroll first, which is counted (and done). After each act the time until the app
//! shows what the act leads to is the app's own waiting, measured inside the page: from the
//! input event (click, key, files chosen) to the first frame painted after the awaited element
//! appears — so WebDriver's round trips, which a user's hand does not make, are not counted as
//! the app's (they are kept apart as `observed`). Typed text is free (a search term).
//! The file dialog cannot be driven through WebDriver: 添加照片 is checked to be in reach and
//! counted as a click, the files chosen in the dialog as one selection, and they are handed to
//! the dialog's input as the dialog would.

use crate::App;
use anyhow::{ensure, Context, Result};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::Locator;
use safeserve_core::register::Industry;
use safeserve_core::visit::ItemResult;
use safeserve_store::views::{EnterpriseQuery, EnterpriseSummary};
use safeserve_store::Store;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The enterprise the scenario was first tried on, when the demo holds it.
pub const ENTERPRISE: &str = "杭州萧山伟新粉体有限公司";

/// What the run took.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub clicks: u32,
    pub keys: u32,
    pub selections: u32,
    pub strokes: u32,
    pub scrolls: u32,
    /// What was out of reach, each time.
    pub scrolled_to: Vec<String>,
    /// From each act's input event until the app painted its result, measured in the page.
    pub waiting: Duration,
    /// The same waits as the harness saw them, WebDriver's round trips included.
    pub observed: Duration,
    /// Each wait and what it was for, in order.
    pub waits: Vec<(Duration, String)>,
}

impl Counts {
    /// Interactions beyond free text.
    pub fn interactions(&self) -> u32 {
        self.clicks + self.keys + self.selections + self.strokes
    }

    /// The `n` slowest waits, slowest first.
    pub fn slowest(&self, n: usize) -> Vec<(Duration, String)> {
        let mut w = self.waits.clone();
        w.sort_by_key(|(took, _)| std::cmp::Reverse(*took));
        w.truncate(n);
        w
    }
}

/// A served dust-explosion enterprise: the named one when the demo has it, else the first.
pub fn pick_enterprise(store: &Store, today: chrono::NaiveDate) -> Result<EnterpriseSummary> {
    let q = EnterpriseQuery { industry: Some(Industry::DustExplosion), limit: Some(500), ..Default::default() };
    let mut served = Vec::new();
    for e in store.search_enterprises(&q)? {
        if !store.enterprise_file(e.id, today)?.serving_agencies.is_empty() {
            served.push(e);
        }
    }
    let named = served.iter().position(|e| e.name == ENTERPRISE).unwrap_or(0);
    ensure!(!served.is_empty(), "the demo has a served dust-explosion enterprise");
    Ok(served.swap_remove(named))
}

/// What a field run needs in `dir`: the small demo database (`demo.db`), the enterprise
/// visited and six photos to take.
pub struct Setting {
    pub db: PathBuf,
    pub enterprise: EnterpriseSummary,
    pub photos: Vec<PathBuf>,
}

pub fn prepare(dir: &Path, today: chrono::NaiveDate) -> Result<Setting> {
    let db = dir.join("demo.db");
    crate::demo_for_app(dir, &db, today)?;
    let enterprise = pick_enterprise(&crate::open_db(&db)?, today)?;
    Ok(Setting { db, enterprise, photos: write_photos(dir)? })
}

/// A user's hand on the app, counting.
struct Hand<'a> {
    app: &'a App,
    counts: Counts,
}

impl Hand<'_> {
    /// Whether `css` can be seen and reached where the user is: inside the window and not under
    /// anything else (a dialog, the sticky bar).
    async fn in_reach(&self, css: &str) -> Result<bool> {
        let v = self
            .app
            .client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 if (!el) return false;
                 const r = el.getBoundingClientRect();
                 if (r.width === 0 || r.height === 0) return false;
                 const x = r.left + r.width / 2, y = r.top + r.height / 2;
                 if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
                 const top = document.elementFromPoint(x, y);
                 return !!top && (el === top || el.contains(top) || top.contains(el));",
                vec![serde_json::json!(css)],
            )
            .await?;
        Ok(v.as_bool().unwrap_or(false))
    }

    /// Brings `css` into reach the way a user would: a scroll, counted, when it is not.
    async fn reach(&mut self, css: &str) -> Result<fantoccini::elements::Element> {
        let el = self.app.wait_for(css).await?;
        if !self.in_reach(css).await? {
            self.counts.scrolls += 1;
            self.counts.scrolled_to.push(css.to_owned());
            // What the user saw instead, for a person to look at.
            self.app.screenshot(&format!("field-visit-out-of-reach-{}.png", self.counts.scrolls)).await?;
            self.app
                .client
                .execute(
                    "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
                    vec![serde_json::json!(css)],
                )
                .await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(el)
    }

    /// Sets the page's stopwatch for the next act: it starts at the first input event the act
    /// causes (or now, with `from_now`, for a result that follows no act of the hand) and stops
    /// at the first animation frame after `then` matches, checked on every change to the page.
    async fn arm(&self, then: &str, from_now: bool) -> Result<()> {
        self.app
            .client
            .execute(
                "const [css, fromNow] = arguments;
                 const w = window.__ssWait = { css, t0: fromNow ? performance.now() : null, shown: null };
                 const check = () => {
                   if (window.__ssWait !== w || w.t0 === null || w.seen) return;
                   if (!document.querySelector(css)) return;
                   w.seen = true;
                   requestAnimationFrame(() => { w.shown = performance.now(); });
                 };
                 w.check = check;
                 if (!window.__ssStopwatch) {
                   window.__ssStopwatch = new MutationObserver(() => window.__ssWait && window.__ssWait.check());
                   window.__ssStopwatch.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
                   for (const kind of ['click', 'keydown', 'change']) {
                     window.addEventListener(kind, (e) => {
                       const v = window.__ssWait;
                       if (v && v.t0 === null) { v.t0 = e.timeStamp; setTimeout(v.check, 0); }
                     }, true);
                   }
                 }
                 if (fromNow) check();",
                vec![serde_json::json!(then), serde_json::json!(from_now)],
            )
            .await?;
        Ok(())
    }

    /// Waits for the armed result; the page's stopwatch gives the app's time, the harness's
    /// clock since `started` what WebDriver saw.
    async fn until(&mut self, then: &str, started: Instant) -> Result<()> {
        let done = self.app.client.execute_async(
            "const done = arguments[arguments.length - 1];
             const w = window.__ssWait;
             const poll = () => (w.shown !== null ? done(w.shown - w.t0) : setTimeout(poll, 5));
             poll();",
            vec![],
        );
        let took = tokio::time::timeout(Duration::from_secs(30), done)
            .await
            .with_context(|| format!("waiting for {then}"))??;
        let took = Duration::from_secs_f64(took.as_f64().context("the page's stopwatch")?.max(0.0) / 1000.0);
        self.counts.observed += started.elapsed();
        self.counts.waiting += took;
        self.counts.waits.push((took, then.to_owned()));
        Ok(())
    }

    async fn click(&mut self, css: &str, then: &str) -> Result<()> {
        let el = self.reach(css).await?;
        self.arm(then, false).await?;
        let started = Instant::now();
        el.click().await.with_context(|| format!("click {css}"))?;
        self.counts.clicks += 1;
        self.until(then, started).await
    }

    async fn key(&mut self, key: char, then: &str) -> Result<()> {
        self.arm(then, false).await?;
        let started = Instant::now();
        let press =
            KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
        self.app.client.perform_actions(press).await?;
        self.counts.keys += 1;
        self.until(then, started).await
    }

    /// 添加照片 (in reach, counted) and the files chosen in the dialog (one selection).
    async fn photos(&mut self, strip: &str, files: &[PathBuf], then: &str) -> Result<()> {
        self.reach(&format!("{strip} a")).await?;
        self.counts.clicks += 1;
        let input = self.app.wait_for(&format!("{strip} [data-testid=photo-input]")).await?;
        self.arm(then, false).await?;
        let started = Instant::now();
        let paths: Vec<String> = files.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        input.send_keys(&paths.join("\n")).await.context("choose the photos")?;
        self.counts.selections += 1;
        self.until(then, started).await
    }

    /// A result that follows no act of the hand (确认签字 coming alive after the strokes).
    async fn settles(&mut self, then: &str) -> Result<()> {
        self.arm(then, true).await?;
        self.until(then, Instant::now()).await
    }

    async fn sign(&mut self, role: &str) -> Result<()> {
        self.reach(&format!("[data-testid=pad-{role}]")).await?;
        self.app.sign_pad(role).await?;
        self.counts.strokes += 2;
        Ok(())
    }
}

/// Six photos (PNG: the test build of `image` writes no JPEG), each a picture of its own —
/// different shapes, so none looks like another to the look-alike check.
pub fn write_photos(dir: &Path) -> Result<Vec<PathBuf>> {
    (0..6u32)
        .map(|i| {
            let path = dir.join(format!("现场照片-{}.png", i + 1));
            let (cx, cy) = (200.0 + 160.0 * f64::from(i), 180.0 + 100.0 * f64::from(i % 3));
            let img = image::RgbImage::from_fn(1280, 960, |x, y| {
                let (fx, fy) = (f64::from(x), f64::from(y));
                let ring = (((fx - cx).hypot(fy - cy) / (18.0 + 9.0 * f64::from(i))) as u32) % 2;
                let band = ((x * (i + 2) + y * (7 - i)) / 97) % 3;
                image::Rgb([
                    ((ring * 190) + x / 20) as u8,
                    (band * 90) as u8,
                    (y / 4) as u8 ^ (i as u8).wrapping_mul(37),
                ])
            });
            img.save(&path)?;
            Ok(path)
        })
        .collect()
}

/// The whole visit, from the enterprise list to the signed list opened. `shots`, when given,
/// names the screenshots it leaves (with a prefix), for a person to look at.
pub async fn run(app: &App, enterprise: &EnterpriseSummary, photos: &[PathBuf], shots: Option<&str>) -> Result<Counts> {
    let look = |name: &'static str| async move {
        match shots {
            Some(prefix) => app.look(&format!("{prefix}-{name}")).await,
            None => Ok(()),
        }
    };
    let mut hand = Hand { app, counts: Counts::default() };
    let search = hand.reach("[data-testid=enterprise-search]").await?;
    search.send_keys(&enterprise.name).await?;
    let row = format!("[data-testid=enterprise-row][data-id='{}'] td", enterprise.id);
    hand.click(&row, "[data-testid=enterprise-file][data-state=ready]").await?;
    hand.click("[data-testid=start-visit]", "[data-testid=capability-ok]").await.context("the people proposed fit")?;
    app.settled().await?;
    look("1-start.png").await?;
    hand.click(
        "[data-testid=start-visit-ok]",
        "[data-testid=visit][data-state=ready] [data-testid=visit-state][data-open=yes]",
    )
    .await?;

    let codes: Vec<String> = {
        let mut out = Vec::new();
        for el in app.client.find_all(Locator::Css("[data-testid=item]")).await? {
            out.push(el.attr("data-code").await?.unwrap_or_default());
        }
        out
    };
    ensure!(codes.len() == 10, "the dust-explosion checklist has 10 items, got {}", codes.len());
    let failing = [0usize, 2, 6];
    let mut photo_sets = photos.chunks(2);
    for (i, code) in codes.iter().enumerate() {
        let item = format!("[data-testid=item][data-code='{code}']");
        let (key, result) = if failing.contains(&i) { ('2', ItemResult::Fail) } else { ('1', ItemResult::Pass) };
        hand.key(key, &format!("{item}[data-result={}]", result.key())).await?;
        if result == ItemResult::Fail {
            hand.click(&format!("{item} [data-testid=record-hazard]"), &format!("{item} [data-testid=item-hazard]"))
                .await?;
            let strip = format!("[data-testid=item-hazard-photos-{code}]");
            let set = photo_sets.next().context("two photos for each hazard")?;
            hand.photos(&strip, set, &format!("{strip}[data-count='2']")).await?;
        }
        if i == 3 {
            look("2-checklist.png").await?;
        }
    }
    look("3-answered.png").await?;
    hand.click("[data-testid=end-visit]", "[data-testid=sign-modal][data-state=drafting] [data-testid=frozen-summary]")
        .await
        .context("ending the visit brings the hazard list's signing")?;
    app.settled().await?;
    hand.sign("principal").await?;
    hand.sign("technician").await?;
    hand.settles("[data-testid=confirm-sign]:not([disabled])").await.context("确认签字 comes alive")?;
    look("4-signing.png").await?;
    hand.click("[data-testid=confirm-sign]", "[data-testid=signed-code]").await?;
    hand.click("[data-testid=open-signed-pdf]", "[data-testid=pdf-path]").await?;
    look("5-signed.png").await?;
    Ok(hand.counts)
}
