//! Who is at the laptop: the signed-in user, and the lock that falls when they leave it or
//! close its lid. Every command asks [`Session::require`] for the act it performs before it
//! touches the store, so the role is checked here, in Rust, whatever the window shows.
//!
//! Time is read on two clocks ([`Moment`]): the monotonic one stops while the laptop sleeps
//! (the lid closed), the wall clock goes on. Idleness counts the larger of the two, so hours in
//! a bag count as hours; and a jump of the wall clock past the monotonic one, seen by
//! [`Session::watch_sleep`] within seconds of waking, is a sleep: the app locks at once.

use crate::error::CommandError;
use safeserve_core::access::Act;
use safeserve_core::{ErrorCode, Message};
use safeserve_store::views::UserView;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How long the app may be left alone before it locks, unless `SAFESERVE_IDLE_LOCK_MINUTES`
/// says otherwise.
const DEFAULT_IDLE: Duration = Duration::from_secs(15 * 60);

/// A sleep shorter than this is not told apart from a busy machine's late tick.
const SLEEP_SEEN: Duration = Duration::from_secs(20);
/// How often the watcher looks at the clocks.
const WATCH_EVERY: Duration = Duration::from_secs(2);

/// A moment on both clocks.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    mono: Instant,
    wall: SystemTime,
}

impl Moment {
    pub fn now() -> Moment {
        Moment { mono: Instant::now(), wall: SystemTime::now() }
    }

    /// Time from `earlier`, counting time asleep: the larger of the two clocks' (a wall clock
    /// set back counts as nothing).
    fn since(&self, earlier: &Moment) -> Duration {
        let mono = self.mono.saturating_duration_since(earlier.mono);
        mono.max(self.wall.duration_since(earlier.wall).unwrap_or_default())
    }

    /// Whether the laptop slept between `earlier` and now: the wall clock ran on at least
    /// [`SLEEP_SEEN`] further than the monotonic one.
    fn slept_since(&self, earlier: &Moment) -> bool {
        let mono = self.mono.saturating_duration_since(earlier.mono);
        self.wall.duration_since(earlier.wall).unwrap_or_default() > mono + SLEEP_SEEN
    }
}

struct SignedIn {
    user: UserView,
    /// The last act the user asked for (a status the window polls by itself does not count).
    last_act: Moment,
}

#[derive(Clone)]
pub struct Session {
    current: Arc<Mutex<Option<SignedIn>>>,
    idle: Duration,
}

impl Default for Session {
    fn default() -> Self {
        let idle = std::env::var("SAFESERVE_IDLE_LOCK_MINUTES")
            .ok()
            .and_then(|m| m.trim().parse::<u64>().ok())
            .filter(|m| *m > 0)
            .map_or(DEFAULT_IDLE, |m| Duration::from_secs(m * 60));
        Self { current: Arc::default(), idle }
    }
}

fn signed_out(zh: &str, en: &str) -> CommandError {
    CommandError { code: ErrorCode::SignedOut, message: Message::new(zh, en), field: None }
}

impl Session {
    /// Minutes of idleness after which the app locks.
    pub fn idle_minutes(&self) -> u64 {
        self.idle.as_secs() / 60
    }

    pub fn start(&self, user: UserView) {
        if let Ok(mut current) = self.current.lock() {
            *current = Some(SignedIn { user, last_act: Moment::now() });
        }
    }

    pub fn end(&self) {
        if let Ok(mut current) = self.current.lock() {
            *current = None;
        }
    }

    /// The signed-in user, unless the app has locked itself meanwhile. Does not count as an
    /// act: what the window asks on its own (the sync status) must not keep a left laptop open.
    pub fn user(&self) -> Option<UserView> {
        self.user_at(Moment::now())
    }

    fn user_at(&self, now: Moment) -> Option<UserView> {
        let current = self.current.lock().ok()?;
        // Left as it is: the next act ends it, saying it locked.
        current.as_ref().filter(|s| now.since(&s.last_act) <= self.idle).map(|s| s.user.clone())
    }

    /// The signed-in user, if their role may do `act`; the act counts as activity.
    pub fn require(&self, act: Act) -> Result<UserView, CommandError> {
        self.require_at(act, Moment::now())
    }

    fn require_at(&self, act: Act, now: Moment) -> Result<UserView, CommandError> {
        let mut current = self.current.lock().map_err(|_| CommandError::internal("session lock poisoned"))?;
        let signed = match current.as_mut() {
            None => return Err(signed_out("请先登录", "Sign in first")),
            Some(s) if now.since(&s.last_act) > self.idle => {
                *current = None;
                return Err(signed_out(
                    "闲置时间过长，已自动锁定，请重新登录",
                    "The app locked itself after being left idle: sign in again",
                ));
            }
            Some(s) => s,
        };
        if let Err(message) = signed.user.role.check(act) {
            return Err(CommandError { code: ErrorCode::RoleNotAllowed, message, field: None });
        }
        signed.last_act = now;
        Ok(signed.user.clone())
    }

    /// Watches the clocks on a thread of its own and, when the laptop has slept (its lid
    /// closed), ends the session and tells the window (`session-locked`), which shows the
    /// sign-in instead of what was on screen.
    pub fn watch_sleep(&self, app: tauri::AppHandle) {
        let session = self.clone();
        let spawned = std::thread::Builder::new().name("sleep-watch".into()).spawn(move || {
            let mut last = Moment::now();
            loop {
                std::thread::sleep(WATCH_EVERY);
                let now = Moment::now();
                if session.woke(&last, &now) {
                    use tauri::Emitter;
                    let _ = app.emit("session-locked", ());
                }
                last = now;
            }
        });
        if let Err(e) = spawned {
            eprintln!("safeserve: the sleep watcher could not start: {e}");
        }
    }

    /// Ends the session when the laptop slept between `last` and `now`; whether it did so.
    fn woke(&self, last: &Moment, now: &Moment) -> bool {
        now.slept_since(last) && self.lock()
    }

    /// Ends the session (the laptop is about to sleep, or has slept); whether anyone was
    /// signed in, so the window is told only when it showed records.
    pub fn lock(&self) -> bool {
        let Ok(mut current) = self.current.lock() else { return false };
        current.take().is_some()
    }

    /// Replaces the signed-in user's record (after enrolment gave them the server's role).
    pub fn update(&self, user: UserView) {
        if let Ok(mut current) = self.current.lock() {
            if let Some(s) = current.as_mut().filter(|s| s.user.id == user.id) {
                s.user = user;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeserve_core::sync::Role;

    fn user(role: Role) -> UserView {
        UserView { id: "u1".into(), name: "wang".into(), display_name: "王".into(), role, person_id: None }
    }

    #[test]
    fn nothing_is_allowed_before_sign_in_and_a_role_gets_only_its_acts() {
        let session = Session::default();
        assert_eq!(session.require(Act::View).unwrap_err().code, ErrorCode::SignedOut);
        session.start(user(Role::Technician));
        assert!(session.require(Act::RecordService).is_ok());
        let refused = session.require(Act::Grade).unwrap_err();
        assert_eq!(refused.code, ErrorCode::RoleNotAllowed);
        assert!(refused.message.zh.contains("信用评级"), "{}", refused.message.zh);
        session.end();
        assert_eq!(session.require(Act::RecordService).unwrap_err().code, ErrorCode::SignedOut);
    }

    /// `minutes` later than `at` on both clocks (awake all along).
    fn awake(at: Moment, minutes: u64) -> Moment {
        let d = Duration::from_secs(minutes * 60);
        Moment { mono: at.mono + d, wall: at.wall + d }
    }

    /// `minutes` later than `at` on the wall clock, `seconds` on the monotonic one: asleep.
    fn asleep(at: Moment, minutes: u64, seconds: u64) -> Moment {
        Moment { mono: at.mono + Duration::from_secs(seconds), wall: at.wall + Duration::from_secs(minutes * 60) }
    }

    #[test]
    fn a_session_left_idle_locks_and_stays_locked() {
        let session = Session { current: Arc::default(), idle: Duration::from_secs(15 * 60) };
        session.start(user(Role::Supervisor));
        let start = Moment::now();
        assert!(session.require_at(Act::Grade, awake(start, 14)).is_ok());
        // Each act starts the idle time again: 14 + 14 minutes apart is not idle.
        assert!(session.user_at(awake(start, 28)).is_some());
        let later = awake(start, 30);
        assert!(session.user_at(later).is_none(), "a status poll sees the lock");
        let locked = session.require_at(Act::Grade, later).unwrap_err();
        assert_eq!(locked.code, ErrorCode::SignedOut);
        assert!(locked.message.zh.contains("锁定"));
    }

    #[test]
    fn hours_asleep_count_as_idle_though_the_monotonic_clock_stood_still() {
        let session = Session { current: Arc::default(), idle: Duration::from_secs(15 * 60) };
        session.start(user(Role::Inspector));
        let start = Moment::now();
        // The lid closed for two hours: the monotonic clock moved a second.
        let woken = asleep(start, 120, 1);
        assert!(session.user_at(woken).is_none());
        assert_eq!(session.require_at(Act::View, woken).unwrap_err().code, ErrorCode::SignedOut);
    }

    #[test]
    fn closing_the_lid_locks_at_waking_however_short_the_sleep() {
        let session = Session { current: Arc::default(), idle: Duration::from_secs(15 * 60) };
        session.start(user(Role::Technician));
        let start = Moment::now();
        // Awake: two seconds on both clocks, and a late tick of a busy machine, are no sleep.
        assert!(!session.woke(&start, &awake(start, 0)));
        let late = Moment { mono: start.mono + Duration::from_secs(10), wall: start.wall + Duration::from_secs(10) };
        assert!(!session.woke(&start, &late));
        assert!(session.user_at(late).is_some());
        // A wall clock set back is no sleep either.
        let back = Moment { mono: start.mono + Duration::from_secs(2), wall: start.wall - Duration::from_secs(3600) };
        assert!(!session.woke(&start, &back));
        assert!(session.user().is_some());
        // Three minutes with the lid closed: locked at once, well before the idle time.
        let woken = asleep(start, 3, 2);
        assert!(session.woke(&start, &woken), "the watcher tells the window");
        assert!(session.user_at(woken).is_none());
        assert!(!session.woke(&start, &woken), "told once");
    }
}
