//! The `contracts` table: who serves whom, for what, when and for how much (R3).

use crate::views::ContractView;
use crate::{keys_from_json, keys_json};
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use safeserve_core::register::{Contract, ServiceType};

pub(crate) fn insert(conn: &Connection, c: &Contract, created_at: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO contracts(id, agency_id, enterprise_id, service_types, content, visits_per_year, starts_on, \
         ends_on, fee_fen, acceptance_standard, filed, government_commissioned, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        c.id.to_string(),
        c.agency.to_string(),
        c.enterprise.to_string(),
        keys_json(&c.service_types, ServiceType::key),
        c.content,
        c.visits_per_year,
        c.starts_on.to_string(),
        c.ends_on.to_string(),
        c.fee_fen,
        c.acceptance_standard,
        c.filed,
        c.government_commissioned,
        created_at,
    ])?;
    Ok(())
}

pub(crate) fn fee_yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// Contracts where `column` (`enterprise_id` or `agency_id`) is `id`, newest term first.
pub(crate) fn views_by(
    conn: &Connection,
    column: &str,
    id: &str,
    today: NaiveDate,
) -> rusqlite::Result<Vec<ContractView>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.agency_id, a.name, c.enterprise_id, e.name, c.service_types, c.content, c.visits_per_year, \
         c.starts_on, c.ends_on, c.fee_fen, c.acceptance_standard, c.filed, c.government_commissioned \
         FROM contracts c JOIN agencies a ON a.id = c.agency_id JOIN enterprises e ON e.id = c.enterprise_id \
         WHERE c.{column} = ?1 ORDER BY c.starts_on DESC, c.seq DESC"
    ))?;
    let today = today.to_string();
    let rows = stmt.query_map([id], |r| {
        let starts_on: String = r.get(8)?;
        let ends_on: String = r.get(9)?;
        Ok(ContractView {
            id: parse_id(r, 0)?,
            agency_id: parse_id(r, 1)?,
            agency_name: r.get(2)?,
            enterprise_id: parse_id(r, 3)?,
            enterprise_name: r.get(4)?,
            service_types: keys_from_json(&r.get::<_, String>(5)?, ServiceType::from_key),
            content: r.get(6)?,
            visits_per_year: r.get(7)?,
            active: starts_on <= today && today <= ends_on,
            starts_on,
            ends_on,
            fee_yuan: fee_yuan(r.get(10)?),
            acceptance_standard: r.get(11)?,
            filed: r.get(12)?,
            government_commissioned: r.get(13)?,
        })
    })?;
    rows.collect()
}

/// Reads a UUID column into an id newtype; a malformed id is a damaged row, not a panic.
pub(crate) fn parse_id<T: std::str::FromStr>(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("bad id {s:?}").into())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fee_in_fen_prints_as_yuan() {
        assert_eq!(super::fee_yuan(1_280_000), "12800.00");
        assert_eq!(super::fee_yuan(5), "0.05");
    }
}
