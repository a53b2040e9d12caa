//! The `divisions` table: districts and counties (GB/T 2260) and their townships and streets.

use crate::base::views::Division;
use crate::{Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

pub(crate) fn insert(conn: &Connection, code: &str, name: &str, parent: Option<&str>) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO divisions(code, name, parent) VALUES (?1, ?2, ?3)")?
        .execute(params![code, name, parent])?;
    Ok(())
}

pub(crate) fn exists(conn: &Connection, code: &str) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM divisions WHERE code = ?1")?
        .query_row([code], |_| Ok(()))
        .optional()?
        .is_some())
}

/// SQL for "西湖区 · 转塘街道" from a division code column `col`.
pub(crate) fn name_sql(col: &str) -> String {
    format!(
        "(SELECT CASE WHEN d.parent IS NULL THEN d.name ELSE p.name || ' · ' || d.name END \
         FROM divisions d LEFT JOIN divisions p ON p.code = d.parent WHERE d.code = {col})"
    )
}

/// Bounds of a code prefix as a half-open text range, so an index serves "everything under".
pub(crate) fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_owned(), format!("{prefix}:")) // ':' sorts right after '9'
}

impl Store {
    /// Districts first, then townships, each in code order.
    pub fn divisions(&self) -> Result<Vec<Division>, StoreError> {
        let mut stmt =
            self.conn.prepare_cached("SELECT code, name, parent FROM divisions ORDER BY parent IS NOT NULL, code")?;
        let rows = stmt.query_map([], |r| Ok(Division { code: r.get(0)?, name: r.get(1)?, parent: r.get(2)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
