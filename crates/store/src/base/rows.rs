//! Helpers every table module uses to read rows and refuse bad input.

use crate::StoreError;
use safeserve_core::Message;

/// Reads a UUID column into an id newtype; a malformed id is a damaged row, not a panic.
pub(crate) fn parse_id<T: std::str::FromStr>(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("bad id {s:?}").into())
    })
}

pub(crate) fn invalid(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> StoreError {
    StoreError::Invalid { field, message: Message::new(zh, en) }
}

/// Required text fields, trimmed; the first empty one is reported.
pub(crate) fn require(fields: &[(&'static str, &str, &str, &str)]) -> Result<(), StoreError> {
    for (field, value, zh, en) in fields {
        if value.trim().is_empty() {
            return Err(invalid(field, format!("请填写{zh}"), format!("Enter the {en}")));
        }
    }
    Ok(())
}

/// What [`keys_from_json`] names when a stored service type is unknown.
pub(crate) const SERVICE_TYPE: (&str, &str) = ("服务类型", "service type");

/// JSON array of enum keys, as stored in TEXT columns.
pub(crate) fn keys_json<T: Copy>(items: &[T], key: impl Fn(T) -> &'static str) -> String {
    serde_json::Value::from(items.iter().map(|i| key(*i)).collect::<Vec<_>>()).to_string()
}

/// Reads such an array back. A key this build does not know, or a column that is not an array,
/// fails the row: silently dropping a service type or a management document would change what
/// R1 and R5 conclude about an agency.
pub(crate) fn keys_from_json<T>(
    what: (&'static str, &'static str),
    json: &str,
    from_key: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<Vec<T>> {
    let keys: Vec<String> = serde_json::from_str(json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
    keys.iter().map(|k| crate::known(what, k, &from_key)).collect()
}
