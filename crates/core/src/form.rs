//! What a checked form says is wrong — the field and a message in both languages — and the
//! checks the supervision forms share (a day that has happened).

use crate::message::Message;
use chrono::NaiveDate;

/// What is wrong with a form, and which field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: Message,
}

pub(crate) fn problem(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> FieldProblem {
    FieldProblem { field, message: Message::new(zh, en) }
}

/// A day written `YYYY-MM-DD` that is not after `today`: an act is recorded once it happened.
pub(crate) fn past_date(field: &'static str, text: &str, today: NaiveDate) -> Result<NaiveDate, FieldProblem> {
    let day: NaiveDate = text.trim().parse().map_err(|_| {
        problem(field, format!("日期格式应为 YYYY-MM-DD：{text}"), format!("Dates are YYYY-MM-DD: {text}"))
    })?;
    if day > today {
        return Err(problem(
            field,
            format!("日期 {day} 晚于今天（{today}）"),
            format!("The date {day} is after today ({today})"),
        ));
    }
    Ok(day)
}
