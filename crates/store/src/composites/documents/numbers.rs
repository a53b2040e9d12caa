//! Letter reference numbers (文号): a series per prefix and year, never reused.

use super::*;
use safeserve_core::ErrorCode;

pub(super) fn letter_prefix(reference: &str) -> String {
    reference.split('〔').next().unwrap_or(reference).to_string()
}

/// Notes a number the server gave out, so this database's own series never hands it out again.
pub(super) fn take_letter_number(conn: &Connection, prefix: &str, year: i32, n: u32) -> Result<u32, StoreError> {
    conn.prepare_cached(
        "INSERT INTO letter_numbers(prefix, year, last) VALUES (?1, ?2, ?3) \
         ON CONFLICT(prefix, year) DO UPDATE SET last = max(last, excluded.last)",
    )?
    .execute(params![prefix, year, n])?;
    Ok(n)
}

/// The next reference number of a letter series: allocated inside the signing transaction, so a
/// failed signing gives its number back and no number is ever used twice.
pub(super) fn next_letter_number(conn: &Connection, prefix: &str, year: i32) -> Result<u32, StoreError> {
    // Letters that arrived by sync carry numbers this series has not given out itself.
    let mut stmt = conn.prepare_cached(
        "SELECT json_extract(CAST(content AS TEXT), '$.letter.reference') FROM documents \
         WHERE kind = 'letter' AND replaces IS NULL",
    )?;
    let held = stmt
        .query_map([], |r| r.get::<_, Option<String>>(0))?
        .filter_map(|r| r.ok().flatten())
        .filter_map(|reference| letter::parse_reference(&reference))
        .filter(|(p, y, _)| p == prefix && *y == year)
        .map(|(_, _, n)| n)
        .max()
        .unwrap_or(0);
    take_letter_number(conn, prefix, year, held)?;
    conn.execute("UPDATE letter_numbers SET last = last + 1 WHERE prefix = ?1 AND year = ?2", params![prefix, year])?;
    Ok(conn.query_row(
        "SELECT last FROM letter_numbers WHERE prefix = ?1 AND year = ?2",
        params![prefix, year],
        |r| r.get(0),
    )?)
}

/// The series a letter's number is taken from: its inspection, the prefix and the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterSeries {
    pub visit_id: String,
    pub prefix: String,
    pub year: i32,
}

/// Where an enrolled laptop's letter numbers come from: the central server, so a bureau's
/// series (杭应急函〔2026〕N号) has no gaps or repeats across laptops. `safeserve-sync`
/// provides it; the store and the printing never speak to the network themselves.
pub trait LetterNumbers {
    /// The next number of `series`, given out for its inspection.
    fn take(&mut self, store: &mut Store, series: &LetterSeries) -> Result<u32, NumberUnavailable>;
}

/// A letter number that could not be had, with what to tell the supervisor and why.
#[derive(Debug)]
pub struct NumberUnavailable {
    /// A stable code for the interface ([`ErrorCode::LetterNumberOffline`] …).
    pub code: ErrorCode,
    pub message: Message,
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl std::fmt::Display for NumberUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message.fmt(f)
    }
}

impl std::error::Error for NumberUnavailable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl Store {
    /// The series a letter about to be approved takes its number from, when the number must
    /// come from the server: an enrolled laptop approving a new letter (a correction keeps
    /// its number). Everything that would stop the signing is named first, so a number is
    /// never taken for a letter that cannot be signed; one taken and then not used stays with
    /// its inspection, and the next try gets it again. `None`: this database numbers the
    /// document itself, or it is no letter.
    pub fn letter_series(
        &self,
        req: &DocumentRequest,
        now: DateTime<FixedOffset>,
        extra_checks: &dyn Fn(&DocumentContent) -> Vec<Message>,
    ) -> Result<Option<LetterSeries>, StoreError> {
        if req.kind != DocumentKind::Letter || req.replaces.is_some() || self.sync_account()?.is_none() {
            return Ok(None);
        }
        let mut draft = self.draft_document(req, now)?;
        draft.problems.extend(extra_checks(&draft.content));
        if !draft.problems.is_empty() {
            return Err(StoreError::NotReady { problems: draft.problems });
        }
        let series = draft.content.letter.as_ref().and_then(|l| {
            let (prefix, rest) = l.reference.split_once('〔')?;
            Some((prefix.to_owned(), rest.get(..4)?.parse::<i32>().ok()?))
        });
        Ok(match (series, draft.content.visit.as_ref()) {
            (Some((prefix, year)), Some(visit)) => Some(LetterSeries { visit_id: visit.id.clone(), prefix, year }),
            _ => None,
        })
    }
}
