//! Coverage (R14) of the registers on a day, per district and township.
//!
//! One pass: a single scan of the enterprises, each with whether it holds a contract active on
//! the day (an `EXISTS` served by `contracts_enterprise`), tallied per division and per park in
//! memory. Which enterprise counts in which measure, when a park is served and whether a target
//! is met are `safeserve_core::coverage`'s, so no rule is restated in SQL. The large demo
//! (100,000 enterprises) is counted inside the 500 ms the issue allows (see the `coverage`
//! bench, which prints the figures).

use crate::base::rows::invalid;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::types::Type;
use rusqlite::Row;
use safeserve_core::coverage::{park_home, CoverageReport, CoverageRules, DivisionTally, Tally};
use safeserve_core::register::{EnterpriseSize, Industry};
use safeserve_core::DivisionCode;
use std::collections::{BTreeMap, HashMap};

/// "Holds a contract active on ?1" (dates inclusive, as `Contract::is_active_on`); ISO dates
/// compare as text.
const SERVED: &str = "EXISTS (SELECT 1 FROM contracts c WHERE c.enterprise_id = e.id \
                      AND c.starts_on <= ?1 AND c.ends_on >= ?1)";

/// The code prefix a `within` argument means: a division code (6 or 9 digits) stands for its
/// jurisdiction (330100 → `3301`); any other run of digits is taken as a prefix as it is.
fn scope_prefix(within: Option<&str>) -> Result<String, StoreError> {
    let Some(w) = within.map(str::trim).filter(|w| !w.is_empty()) else {
        return Ok(String::new());
    };
    if let Ok(code) = DivisionCode::parse(w) {
        return Ok(code.jurisdiction().prefix().to_owned());
    }
    if w.len() <= 9 && w.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(w.to_owned());
    }
    Err(invalid(
        "within",
        format!("区划代码“{w}”无效：应为数字（如 330100 或 3301）"),
        format!("Division code {w:?} is invalid: use digits, e.g. 330100 or 3301"),
    ))
}

/// Column `i` borrowed from the row, without a copy per enterprise.
fn text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    text_or_null(r, i)?.ok_or(rusqlite::Error::InvalidColumnType(i, "NULL".to_owned(), Type::Null))
}

fn text_or_null<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

/// The value under `key`, made on first use; the key is copied only then (once per division or
/// park, not once per enterprise).
fn slot<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_owned(), V::default());
    }
    map.entry(key.to_owned()).or_default()
}

/// Whether a row for `code` belongs in a report on `prefix`: a division inside the scope, or a
/// district that contains it (a report on one township still shows its district).
fn in_scope(code: &str, prefix: &str) -> bool {
    code.starts_with(prefix) || prefix.starts_with(code)
}

impl Store {
    /// Coverage on `day` of everything under `within` (a division code or code prefix; `None`:
    /// the whole database). Districts and townships are listed in code order, every one in
    /// scope, including those with nothing to count.
    pub fn coverage(&self, day: NaiveDate, within: Option<&str>) -> Result<CoverageReport, StoreError> {
        self.coverage_with(day, within, &CoverageRules::default())
    }

    pub fn coverage_with(
        &self,
        day: NaiveDate,
        within: Option<&str>,
        rules: &CoverageRules,
    ) -> Result<CoverageReport, StoreError> {
        let prefix = scope_prefix(within)?;
        let mut townships: HashMap<String, DivisionTally> = HashMap::new();
        // park → its enterprises per division, wherever the scope cuts: a park is judged on
        // all of them and counted once, in the township holding most of them.
        let mut parks: HashMap<String, HashMap<String, Tally>> = HashMap::new();

        // One streaming scan: a GROUP BY here costs more than it saves (SQLite sorts the
        // 100,000 rows through a temporary B-tree), and a scope still needs every park member.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT e.division, e.industry, e.size, e.park, {SERVED} FROM enterprises e NOT INDEXED"
        ))?;
        let mut rows = stmt.query([day.to_string()])?;
        while let Some(r) = rows.next()? {
            let division = text(r, 0)?;
            let served = Tally::new(u32::from(r.get::<_, bool>(4)?), 1);
            if let Some(park) = text_or_null(r, 3)?.map(str::trim).filter(|p| !p.is_empty()) {
                slot(slot(&mut parks, park), division).add(served);
            }
            if !division.starts_with(&prefix) {
                continue;
            }
            // A key this build does not know (a newer laptop's) counts in no enterprise measure.
            let (Some(industry), Some(size)) = (Industry::from_key(text(r, 1)?), EnterpriseSize::from_key(text(r, 2)?))
            else {
                continue;
            };
            slot(&mut townships, division).add_enterprises(industry, size, served);
        }

        for members in parks.values() {
            let Some(home) = park_home(members.iter().map(|(d, t)| (d.as_str(), t.total))) else { continue };
            if home.starts_with(&prefix) {
                let mut all = Tally::default();
                members.values().for_each(|t| all.add(*t));
                townships.entry(home.to_owned()).or_default().add_park(all, rules);
            }
        }

        let mut names: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached("SELECT code, name, parent FROM divisions")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            names.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
        Ok(report(day, within, &prefix, rules, &townships, &names))
    }
}

/// The rows, from the tallies per division (`townships`, which may hold an enterprise registered
/// at district level too) and the division names.
fn report(
    day: NaiveDate,
    within: Option<&str>,
    prefix: &str,
    rules: &CoverageRules,
    tallies: &HashMap<String, DivisionTally>,
    names: &BTreeMap<String, (String, Option<String>)>,
) -> CoverageReport {
    // A 6-digit code is a district or county unless it heads a city or province (330100).
    let is_district = |code: &str| DivisionCode::parse(code).is_ok_and(|c| c.jurisdiction().prefix().len() == 6);
    let district_of = |code: &str| match names.get(code) {
        Some((_, Some(parent))) => parent.clone(),
        _ => code.get(..6).unwrap_or(code).to_owned(),
    };
    let mut districts: BTreeMap<String, DivisionTally> = BTreeMap::new();
    let mut townships: BTreeMap<String, DivisionTally> = BTreeMap::new();
    for code in names.keys().filter(|c| in_scope(c, prefix)) {
        if code.len() == 9 {
            townships.insert(code.clone(), DivisionTally::default());
        } else if is_district(code) {
            districts.insert(code.clone(), DivisionTally::default());
        }
    }
    let mut total = DivisionTally::default();
    for (code, tally) in tallies {
        total.merge(tally);
        districts.entry(district_of(code)).or_default().merge(tally);
        if code.len() == 9 {
            townships.entry(code.clone()).or_default().merge(tally);
        }
    }

    let name_of = |code: &str| names.get(code).map(|(n, _)| n.clone()).unwrap_or_else(|| code.to_owned());
    CoverageReport {
        day,
        within: within.map(str::to_owned),
        rules: *rules,
        total: total.row("", "合计", None, rules),
        districts: districts.iter().map(|(code, t)| t.row(code.clone(), name_of(code), None, rules)).collect(),
        townships: townships
            .iter()
            .map(|(code, t)| t.row(code.clone(), name_of(code), Some(district_of(code)), rules))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_takes_a_division_code_as_its_jurisdiction_or_digits_as_a_prefix() {
        assert_eq!(scope_prefix(None).unwrap(), "");
        assert_eq!(scope_prefix(Some(" ")).unwrap(), "");
        assert_eq!(scope_prefix(Some("330100")).unwrap(), "3301");
        assert_eq!(scope_prefix(Some("330106")).unwrap(), "330106");
        assert_eq!(scope_prefix(Some("330106001")).unwrap(), "330106001");
        assert_eq!(scope_prefix(Some("3301")).unwrap(), "3301");
        let err = scope_prefix(Some("杭州")).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.message().zh.contains("区划代码"), "{}", err.message().zh);
    }

    #[test]
    fn a_district_containing_the_scope_is_in_it() {
        assert!(in_scope("330106", "330106001"));
        assert!(in_scope("330106001", "3301"));
        assert!(!in_scope("330108", "330106"));
    }
}
