//! Locking before the laptop sleeps. When the lid closes (or sleep is chosen), logind sends
//! `PrepareForSleep(true)` on the system bus and waits — up to its `InhibitDelayMaxSec` — for
//! whoever holds a *delay* inhibitor lock to let go. SafeServe holds one: on the signal it ends
//! the session and tells the window (`session-locked`), so the sign-in, not the records, is on
//! screen when the lid opens again, then lets go; once awake it takes a new lock. Without a
//! system bus or logind (a container, another init system) the app says so once, and the wake
//! check (`Session::watch_sleep`) still locks the moment the laptop wakes.

use crate::session::Session;
use tauri::Emitter;
use zbus::blocking::{Connection, Proxy};
use zbus::zvariant::OwnedFd;

/// Time for the window to show the sign-in once told.
const REPAINT: std::time::Duration = std::time::Duration::from_millis(400);

/// Starts listening on a thread of its own.
pub fn lock_before_sleep(session: Session, app: tauri::AppHandle) {
    let spawned = std::thread::Builder::new().name("sleep-lock".into()).spawn(move || {
        if let Err(e) = listen(&session, &app) {
            eprintln!("safeserve: no lock before sleep (logind: {e}); the laptop locks when it wakes instead");
        }
    });
    if let Err(e) = spawned {
        eprintln!("safeserve: the lock before sleep could not start: {e}");
    }
}

fn listen(session: &Session, app: &tauri::AppHandle) -> zbus::Result<()> {
    let bus = Connection::system()?;
    let manager =
        Proxy::new(&bus, "org.freedesktop.login1", "/org/freedesktop/login1", "org.freedesktop.login1.Manager")?;
    // Subscribed before the lock is taken: a sleep announced in between is not missed.
    let announcements = manager.receive_signal("PrepareForSleep")?;
    let mut held = Some(delay_sleep(&manager)?);
    for announcement in announcements {
        let going_to_sleep: bool = announcement.body().deserialize()?;
        if going_to_sleep {
            if session.lock() {
                let _ = app.emit("session-locked", ());
            }
            // The window repaints the sign-in before the laptop sleeps (logind waits up to its
            // InhibitDelayMaxSec, 5 s by default); closing the lock's descriptor lets it sleep.
            std::thread::sleep(REPAINT);
            drop(held.take());
        } else if held.is_none() {
            held = Some(delay_sleep(&manager)?);
        }
    }
    Ok(())
}

/// A delay inhibitor lock on sleep: held for as long as the descriptor is open.
fn delay_sleep(manager: &Proxy<'_>) -> zbus::Result<OwnedFd> {
    manager.call("Inhibit", &("sleep", "SafeServe", "先锁定屏幕 / locking the screen first", "delay"))
}
