//! Background sync. A worker thread with its own connection to the database (the window keeps
//! working while it syncs) wakes every minute, when changes are waiting, or when asked by
//! hand; it syncs when the server answers, and after a failure waits longer each time
//! (5 s doubling to 5 min) before it tries again. Nothing is lost while the server is down:
//! changes wait in the outbox.

use safeserve_core::sync::SyncPhase;
use safeserve_store::Store;
use safeserve_sync::{Progress, SyncReport};
use serde::Serialize;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

const IDLE: Duration = Duration::from_secs(60);
const FIRST_RETRY: Duration = Duration::from_secs(5);
const LAST_RETRY: Duration = Duration::from_secs(300);

/// What the sync screen shows of the worker.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct SyncActivity {
    pub running: bool,
    /// The phase of the sync under way.
    pub phase: Option<SyncPhase>,
    pub done: u64,
    pub total: u64,
    pub bytes: u64,
    /// Seconds until the next attempt after a failure.
    pub retry_in_s: Option<u64>,
    /// The last sync's counts, for "pushed 12, pulled 40".
    pub last_report: Option<String>,
}

#[derive(Default)]
struct Shared {
    wake: bool,
    activity: SyncActivity,
}

#[derive(Clone, Default)]
pub struct SyncWorker {
    shared: Arc<(Mutex<Shared>, Condvar)>,
}

fn describe(r: &SyncReport) -> String {
    let mut text = format!(
        "推送 {} 条，拉取 {} 条，上传照片 {} 张，下载照片 {} 张",
        r.pushed + r.superseded,
        r.applied,
        r.photos_uploaded,
        r.photos_downloaded
    );
    if !r.photos_failed.is_empty() {
        text.push_str(&format!("，{} 张照片未能下载（下次同步重试）", r.photos_failed.len()));
    }
    text
}

impl SyncWorker {
    pub fn activity(&self) -> SyncActivity {
        self.shared.0.lock().map(|s| s.activity.clone()).unwrap_or_default()
    }

    /// Sync now (the 立即同步 button, a finished enrolment).
    pub fn wake(&self) {
        if let Ok(mut s) = self.shared.0.lock() {
            s.wake = true;
            self.shared.1.notify_all();
        }
    }

    fn update(&self, app: &AppHandle, f: impl FnOnce(&mut SyncActivity)) {
        if let Ok(mut s) = self.shared.0.lock() {
            f(&mut s.activity);
            let _ = app.emit("sync-activity", s.activity.clone());
        }
    }

    /// Starts the worker thread for the app's database. Without it the laptop still records
    /// everything; only syncing waits for the next start.
    pub fn start(&self, app: AppHandle) {
        let worker = self.clone();
        if let Err(e) = std::thread::Builder::new().name("sync".into()).spawn(move || worker.run(app)) {
            eprintln!("safeserve: the sync thread could not start: {e}");
        }
    }

    fn run(&self, app: AppHandle) {
        let mut wait = FIRST_RETRY.min(IDLE);
        let mut failures = 0u32;
        // The worker's own connection, kept between attempts (reopened if opening failed, or
        // when a restore has put another file in the database's place).
        let mut opened: Option<(Store, u64)> = None;
        loop {
            self.sleep(wait);
            use tauri::Manager;
            let epoch = app.state::<crate::state::AppState>().database_epoch.clone();
            // Held through the attempt: a restore waits for it to end.
            let Ok(current) = epoch.read() else { return };
            if opened.as_ref().is_some_and(|(_, at)| *at != *current) {
                opened = None;
            }
            if opened.is_none() {
                // Through the app's state: the database opens once someone has signed in.
                opened = app.state::<crate::state::AppState>().connect().ok().map(|s| (s, *current));
            }
            let Some((store, _)) = opened.as_mut() else {
                wait = LAST_RETRY;
                continue;
            };
            let Ok(Some(account)) = store.sync_account() else {
                wait = IDLE;
                continue;
            };
            // Only try when the server answers its health check: cheap, and it keeps a laptop
            // offline on a factory floor from waiting on timeouts.
            let health = safeserve_sync::client_for(&account).and_then(|mut c| c.health());
            let result = if health.is_ok() {
                self.update(&app, |a| {
                    a.running = true;
                    a.retry_in_s = None;
                });
                // Enrolled before the server issued certificates: ask for this laptop's once.
                // Not having one never stops a sync (PDFs are then signed self-issued).
                let state = app.state::<crate::state::AppState>();
                if account.document_certificate.is_none() {
                    if let Ok(device) = state.device() {
                        let _ = safeserve_sync::certify(store, &device.key);
                    }
                }
                // The server keeps a recovery key for the signed-in user's forgotten password:
                // once after enrolment, and again after a reset used it up.
                if let (Some(user), Ok(Some(key))) = (state.session.user(), state.key()) {
                    if let Err(e) = safeserve_sync::recovery::arrange(store, &key, &user.name) {
                        eprintln!("safeserve: the password recovery key was not given to the server: {e}");
                    }
                }
                let result = safeserve_sync::sync(store, &mut |p: &Progress| {
                    self.update(&app, |a| {
                        a.phase = Some(p.phase);
                        a.done = p.done;
                        a.total = p.total;
                        a.bytes = p.bytes;
                    })
                });
                // A failure is recorded in the database by `sync` itself, for the status screen.
                result.map_err(|_| ())
            } else {
                if let Err(e) = health {
                    let _ = store.record_sync_attempt(None, Some(&e.message()), None);
                }
                Err(())
            };
            match result {
                Ok(report) => {
                    failures = 0;
                    wait = IDLE;
                    self.update(&app, |a| {
                        a.running = false;
                        a.phase = None;
                        a.last_report = Some(describe(&report));
                    });
                }
                Err(_) => {
                    failures += 1;
                    wait = FIRST_RETRY.saturating_mul(1 << failures.min(6)).min(LAST_RETRY);
                    self.update(&app, |a| {
                        a.running = false;
                        a.phase = None;
                        a.retry_in_s = Some(wait.as_secs());
                    });
                }
            }
            let _ = app.emit("sync-finished", ());
        }
    }

    /// Waits up to `d`, or until woken.
    fn sleep(&self, d: Duration) {
        let deadline = Instant::now() + d;
        let (lock, cvar) = &*self.shared;
        let Ok(mut s) = lock.lock() else { return };
        while !s.wake {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            match cvar.wait_timeout(s, deadline - now) {
                Ok((guard, _)) => s = guard,
                Err(_) => return,
            }
        }
        s.wake = false;
    }
}
