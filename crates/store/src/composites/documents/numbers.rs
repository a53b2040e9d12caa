//! Letter reference numbers (文号): a series per prefix and year, never reused.

use super::*;

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
