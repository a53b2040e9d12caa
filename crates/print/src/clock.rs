//! The one clock the app and the command line read: now, in China Standard Time (Asia/Shanghai,
//! UTC+8 all year), whatever zone the laptop's system is set to — records and documents are
//! dated in China.
//!
//! Whole-system tests pin the calendar: a debug build started with
//! `SAFESERVE_CLOCK_SHIFT_DAYS=N` runs N days away from the system clock, so the demo, the
//! rules and the window all see the same fixed date whatever day the tests run on. A release
//! build ignores the variable: a laptop in the field has no knob that back-dates its records.

use chrono::{DateTime, FixedOffset};

/// The variable a debug build reads its calendar shift from (whole days).
pub const SHIFT_VAR: &str = "SAFESERVE_CLOCK_SHIFT_DAYS";

/// Now in China, on this process's calendar.
pub fn now() -> DateTime<FixedOffset> {
    shifted(shift_days())
}

/// Now in China, `days` away from the system clock.
pub fn shifted(days: i32) -> DateTime<FixedOffset> {
    (chrono::Utc::now() + chrono::Duration::days(days.into())).with_timezone(&safeserve_core::shanghai())
}

/// How many days this process's calendar runs from the system clock: 0 in a release build.
pub fn shift_days() -> i32 {
    #[cfg(debug_assertions)]
    {
        static SHIFT: std::sync::OnceLock<i32> = std::sync::OnceLock::new();
        *SHIFT.get_or_init(|| match std::env::var(SHIFT_VAR) {
            Err(_) => 0,
            Ok(days) => days.trim().parse().unwrap_or_else(|_| {
                eprintln!("safeserve: {SHIFT_VAR}={days} is not a whole number of days; the system clock is used");
                0
            }),
        })
    }
    #[cfg(not(debug_assertions))]
    {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shift_moves_the_calendar_by_whole_days_in_china() {
        let (here, ahead) = (shifted(0), shifted(10));
        assert_eq!(here.offset().local_minus_utc(), 8 * 3600);
        let days = (ahead.date_naive() - here.date_naive()).num_days();
        // Both readings fall within the same second unless midnight passes between them.
        assert!(days == 10 || days == 11, "{days}");
    }
}
