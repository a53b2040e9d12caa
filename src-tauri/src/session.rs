//! Who is at the laptop: the signed-in user, and the lock that falls when they leave it. Every
//! command asks [`Session::require`] for the act it performs before it touches the store, so
//! the role is checked here, in Rust, whatever the window shows.

use crate::error::CommandError;
use safeserve_core::access::Act;
use safeserve_core::{ErrorCode, Message};
use safeserve_store::views::UserView;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the app may be left alone before it locks, unless `SAFESERVE_IDLE_LOCK_MINUTES`
/// says otherwise.
const DEFAULT_IDLE: Duration = Duration::from_secs(15 * 60);

struct SignedIn {
    user: UserView,
    /// The last act the user asked for (a status the window polls by itself does not count).
    last_act: Instant,
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
            *current = Some(SignedIn { user, last_act: Instant::now() });
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
        self.user_at(Instant::now())
    }

    fn user_at(&self, now: Instant) -> Option<UserView> {
        let current = self.current.lock().ok()?;
        // Left as it is: the next act ends it, saying it locked.
        current.as_ref().filter(|s| now.saturating_duration_since(s.last_act) <= self.idle).map(|s| s.user.clone())
    }

    /// The signed-in user, if their role may do `act`; the act counts as activity.
    pub fn require(&self, act: Act) -> Result<UserView, CommandError> {
        self.require_at(act, Instant::now())
    }

    fn require_at(&self, act: Act, now: Instant) -> Result<UserView, CommandError> {
        let mut current = self.current.lock().map_err(|_| CommandError::internal("session lock poisoned"))?;
        let signed = match current.as_mut() {
            None => return Err(signed_out("请先登录", "Sign in first")),
            Some(s) if now.saturating_duration_since(s.last_act) > self.idle => {
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

    #[test]
    fn a_session_left_idle_locks_and_stays_locked() {
        let session = Session { current: Arc::default(), idle: Duration::from_secs(15 * 60) };
        session.start(user(Role::Supervisor));
        let start = Instant::now();
        assert!(session.require_at(Act::Grade, start + Duration::from_secs(14 * 60)).is_ok());
        // Each act starts the idle time again: 14 + 14 minutes apart is not idle.
        assert!(session.user_at(start + Duration::from_secs(28 * 60)).is_some());
        let later = start + Duration::from_secs(30 * 60);
        assert!(session.user_at(later).is_none(), "a status poll sees the lock");
        let locked = session.require_at(Act::Grade, later).unwrap_err();
        assert_eq!(locked.code, ErrorCode::SignedOut);
        assert!(locked.message.zh.contains("锁定"));
    }
}
