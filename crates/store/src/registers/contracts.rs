//! The `contracts` table: who serves whom, for what, when and for how much (R3), checked on
//! every read against R2 and R3 (`core::contract`), and the R9 check before a government
//! commission is given (`core::commission`).

use crate::base::rows::keys_json;
use crate::base::rows::parse_id;
use crate::base::rows::{keys_from_json, SERVICE_TYPE};
use crate::base::views::{ContractView, NewContract};
use crate::registers::{divisions, standing};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::commission::{self, CommissionConflict, HeldContract, Proposed};
use safeserve_core::contract::{self, ContractFacts, ContractRules, ContractTerms, ReferenceFees};
use safeserve_core::import::contracts::{Filing, Parties};
use safeserve_core::register::{Contract, ServiceType};
use safeserve_core::{ContractId, Message};

/// What a contract says beyond the register columns of `Contract`.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub terms: ContractTerms,
    pub filed_with: Option<String>,
    pub filed_on: Option<String>,
}

pub(crate) fn insert(conn: &Connection, c: &Contract, w: &Written, created_at: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO contracts(id, agency_id, enterprise_id, service_types, content, visits_per_year, starts_on, \
         ends_on, fee_fen, acceptance_standard, filed, government_commissioned, created_at, terms, filed_with, filed_on) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
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
        serde_json::to_string(&w.terms).map_err(|e| StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(e.into())))?,
        w.filed_with,
        w.filed_on,
    ])?;
    Ok(())
}

/// The register columns of a contract and its filing, as [`read`] takes them.
const COLUMNS: &str =
    "c.id, c.agency_id, c.enterprise_id, c.service_types, c.content, c.visits_per_year, c.starts_on, \
     c.ends_on, c.fee_fen, c.acceptance_standard, c.filed, c.government_commissioned, c.filed_with, c.filed_on";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Contract, Filing)> {
    let filed_on: Option<String> = r.get(13)?;
    Ok((
        Contract {
            id: parse_id(r, 0)?,
            agency: parse_id(r, 1)?,
            enterprise: parse_id(r, 2)?,
            service_types: keys_from_json(SERVICE_TYPE, &r.get::<_, String>(3)?, ServiceType::from_key)?,
            content: r.get(4)?,
            visits_per_year: r.get(5)?,
            starts_on: date(&r.get::<_, String>(6)?),
            ends_on: date(&r.get::<_, String>(7)?),
            fee_fen: r.get(8)?,
            acceptance_standard: r.get(9)?,
            filed: r.get(10)?,
            government_commissioned: r.get(11)?,
        },
        Filing {
            with: r.get::<_, Option<String>>(12)?.filter(|w| !w.trim().is_empty()),
            on: filed_on.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        },
    ))
}

/// The contract between `agency` and `enterprise` whose term starts on `starts_on`: a ledger
/// row names a contract so.
pub(crate) fn by_key(
    conn: &Connection,
    agency: &str,
    enterprise: &str,
    starts_on: NaiveDate,
) -> rusqlite::Result<Option<(Contract, Filing)>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM contracts c WHERE c.agency_id = ?1 AND c.enterprise_id = ?2 AND c.starts_on = ?3 \
         ORDER BY c.seq LIMIT 1"
    ))?
    .query_row(params![agency, enterprise, starts_on.to_string()], read)
    .optional()
}

/// Writes every register field of contract `c` (its id, parties, written terms and record
/// date stay).
pub(crate) fn update(conn: &Connection, c: &Contract, filing: &Filing) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE contracts SET service_types = ?2, content = ?3, visits_per_year = ?4, starts_on = ?5, ends_on = ?6, \
         fee_fen = ?7, acceptance_standard = ?8, filed = ?9, government_commissioned = ?10, filed_with = ?11, \
         filed_on = ?12 WHERE id = ?1",
    )?
    .execute(params![
        c.id.to_string(),
        keys_json(&c.service_types, ServiceType::key),
        c.content,
        c.visits_per_year,
        c.starts_on.to_string(),
        c.ends_on.to_string(),
        c.fee_fen,
        c.acceptance_standard,
        c.filed,
        c.government_commissioned,
        filing.with,
        filing.on.map(|d| d.to_string()),
    ])?;
    Ok(())
}

/// Every contract with an enterprise in a division (code prefix, empty for all), in the order
/// recorded, with both parties' credit codes and names.
pub(crate) fn each(
    conn: &Connection,
    division_prefix: &str,
    mut f: impl FnMut(Contract, Filing, Parties<'_>),
) -> Result<(), StoreError> {
    let (lo, hi) = divisions::prefix_range(division_prefix);
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, a.credit_code, a.name, e.credit_code, e.name FROM contracts c \
         JOIN agencies a ON a.id = c.agency_id JOIN enterprises e ON e.id = c.enterprise_id \
         WHERE ?1 = '' OR (e.division >= ?1 AND e.division < ?2) ORDER BY c.seq"
    ))?;
    let mut rows = stmt.query(params![lo, hi])?;
    while let Some(r) = rows.next()? {
        let (c, filing) = read(r)?;
        let names: [String; 4] = [r.get(14)?, r.get(15)?, r.get(16)?, r.get(17)?];
        f(c, filing, Parties { agency: (&names[0], &names[1]), enterprise: (&names[2], &names[3]) });
    }
    Ok(())
}

/// R2: the reference fees an agency publishes (fen a year per service type).
pub(crate) fn set_reference_fees(conn: &Connection, agency: &str, fees: &ReferenceFees) -> rusqlite::Result<()> {
    let json: serde_json::Map<String, serde_json::Value> =
        fees.iter().map(|(k, v)| (k.key().to_owned(), (*v).into())).collect();
    conn.prepare_cached("UPDATE agencies SET reference_fees = ?2 WHERE id = ?1")?
        .execute(params![agency, serde_json::Value::Object(json).to_string()])?;
    Ok(())
}

/// R2 fees as stored (`{"safety_management": fen, ...}`); unknown keys are skipped.
pub(crate) fn reference_fees(json: &str) -> ReferenceFees {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json)
        .map(|m| m.iter().filter_map(|(k, v)| Some((ServiceType::from_key(k)?, v.as_i64()?))).collect())
        .unwrap_or_default()
}

pub(crate) fn fee_yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// Contracts where `column` (`enterprise_id` or `agency_id`) is `id`, newest term first, each
/// with its R2/R3 flags.
pub(crate) fn views_by(
    conn: &Connection,
    column: &str,
    id: &str,
    today: NaiveDate,
) -> rusqlite::Result<Vec<ContractView>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.agency_id, a.name, c.enterprise_id, e.name, c.service_types, c.content, c.visits_per_year, \
         c.starts_on, c.ends_on, c.fee_fen, c.acceptance_standard, c.filed, c.government_commissioned, \
         c.terms, c.filed_with, c.filed_on, a.address, e.address, a.reference_fees \
         FROM contracts c JOIN agencies a ON a.id = c.agency_id JOIN enterprises e ON e.id = c.enterprise_id \
         WHERE c.{column} = ?1 ORDER BY c.starts_on DESC, c.seq DESC"
    ))?;
    let today = today.to_string();
    let rules = ContractRules::default();
    let rows = stmt.query_map([id], |r| {
        let starts_on: String = r.get(8)?;
        let ends_on: String = r.get(9)?;
        let terms: ContractTerms = serde_json::from_str(&r.get::<_, String>(14)?).unwrap_or_default();
        let mut v = ContractView {
            id: parse_id(r, 0)?,
            agency_id: parse_id(r, 1)?,
            agency_name: r.get(2)?,
            enterprise_id: parse_id(r, 3)?,
            enterprise_name: r.get(4)?,
            service_types: keys_from_json(SERVICE_TYPE, &r.get::<_, String>(5)?, ServiceType::from_key)?,
            content: r.get(6)?,
            visits_per_year: r.get(7)?,
            active: starts_on <= today && today <= ends_on,
            starts_on,
            ends_on,
            fee_yuan: fee_yuan(r.get(10)?),
            acceptance_standard: r.get(11)?,
            filed: r.get(12)?,
            government_commissioned: r.get(13)?,
            terms,
            filed_with: r.get(15)?,
            filed_on: r.get(16)?,
            findings: vec![],
        };
        let c = Contract {
            id: v.id,
            agency: v.agency_id,
            enterprise: v.enterprise_id,
            service_types: v.service_types.clone(),
            content: v.content.clone(),
            visits_per_year: v.visits_per_year,
            starts_on: date(&v.starts_on),
            ends_on: date(&v.ends_on),
            fee_fen: r.get(10)?,
            acceptance_standard: v.acceptance_standard.clone(),
            filed: v.filed,
            government_commissioned: v.government_commissioned,
        };
        let (agency_address, enterprise_address): (String, String) = (r.get(17)?, r.get(18)?);
        v.findings = contract::check(
            &ContractFacts {
                contract: &c,
                terms: &v.terms,
                agency_name: &v.agency_name,
                agency_address: &agency_address,
                enterprise_name: &v.enterprise_name,
                enterprise_address: &enterprise_address,
                reference_fees: &reference_fees(&r.get::<_, String>(19)?),
                filed_with: v.filed_with.as_deref(),
            },
            &rules,
        );
        Ok(v)
    })?;
    rows.collect()
}

fn parse_date(field: &'static str, s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| StoreError::Invalid {
        field,
        message: Message::new(format!("日期“{s}”无效，应为 YYYY-MM-DD"), format!("\"{s}\" is not a date (YYYY-MM-DD)")),
    })
}

impl NewContract {
    fn to_contract(&self, id: ContractId) -> Result<Contract, StoreError> {
        Ok(Contract {
            id,
            agency: self.agency_id,
            enterprise: self.enterprise_id,
            service_types: self.service_types.clone(),
            content: self.content.trim().to_owned(),
            visits_per_year: self.visits_per_year,
            starts_on: parse_date("starts_on", &self.starts_on)?,
            ends_on: parse_date("ends_on", &self.ends_on)?,
            fee_fen: self.fee_fen,
            acceptance_standard: self.acceptance_standard.trim().to_owned(),
            filed: self.filed_with.as_deref().is_some_and(|w| !w.trim().is_empty()),
            government_commissioned: self.government_commissioned,
        })
    }
}

impl Store {
    /// Everything that bars `form` from being recorded: the entry problems of any contract and,
    /// for a government commission, every R9 conflict (naming the contract) and the agency's
    /// grade or blacklist bar. Empty when it may be recorded.
    pub fn contract_problems(&self, form: &NewContract) -> Result<Vec<Message>, StoreError> {
        let c = form.to_contract(ContractId::from_parts(0, &[0; 10]))?;
        let mut out = contract::entry_problems(&c);
        // R12: an agency removed from the platform takes no new contract of any kind.
        if let Some(bar) = standing::contract_bar(&self.conn, &c.agency.to_string())? {
            out.push(bar);
        }
        if form.government_commissioned {
            out.extend(self.commission_conflicts(&c)?.into_iter().map(|c| c.message));
            if let Some(bar) = self.commission_barrier(c.agency)? {
                out.push(bar);
            }
        }
        Ok(out)
    }

    /// R9 conflicts of a proposed commission with the contracts held for its enterprise.
    pub fn commission_conflicts(&self, c: &Contract) -> Result<Vec<CommissionConflict>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.agency_id, a.name, c.service_types, c.starts_on, c.ends_on, c.government_commissioned \
             FROM contracts c JOIN agencies a ON a.id = c.agency_id WHERE c.enterprise_id = ?1",
        )?;
        let held = stmt
            .query_map([c.enterprise.to_string()], |r| {
                Ok(HeldContract {
                    id: parse_id(r, 0)?,
                    agency: parse_id(r, 1)?,
                    agency_name: r.get(2)?,
                    service_types: keys_from_json(SERVICE_TYPE, &r.get::<_, String>(3)?, ServiceType::from_key)?,
                    starts_on: date(&r.get::<_, String>(4)?),
                    ends_on: date(&r.get::<_, String>(5)?),
                    government_commissioned: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let proposed = Proposed {
            agency: c.agency,
            service_types: c.service_types.clone(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
        };
        Ok(commission::conflicts(&proposed, &held))
    }

    /// Records a contract, or gives a government commission. Refused with every reason when
    /// [`Store::contract_problems`] finds any; nothing is written then. The check and the write
    /// are one transaction, so two commissions cannot slip past each other.
    pub fn add_contract(
        &mut self,
        form: &NewContract,
        id: ContractId,
        now: &str,
        today: NaiveDate,
    ) -> Result<ContractView, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        for (what, table, id) in [
            ("agency", "agencies", form.agency_id.to_string()),
            ("enterprise", "enterprises", form.enterprise_id.to_string()),
        ] {
            let known: bool =
                tx.query_row(&format!("SELECT EXISTS(SELECT 1 FROM {table} WHERE id = ?1)"), [&id], |r| r.get(0))?;
            if !known {
                return Err(StoreError::NotFound { what, id });
            }
        }
        let problems = self.contract_problems(form)?;
        if !problems.is_empty() {
            return Err(StoreError::Refused { problems });
        }
        let c = form.to_contract(id)?;
        let w = Written {
            terms: form.terms.clone(),
            filed_with: form.filed_with.clone().filter(|w| !w.trim().is_empty()),
            filed_on: form.filed_on.clone().filter(|w| !w.trim().is_empty()),
        };
        insert(&tx, &c, &w, now)?;
        tx.commit()?;
        views_by(&self.conn, "enterprise_id", &form.enterprise_id.to_string(), today)?
            .into_iter()
            .find(|v| v.id == id)
            .ok_or(StoreError::NotFound { what: "contract", id: id.to_string() })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fee_in_fen_prints_as_yuan() {
        assert_eq!(super::fee_yuan(1_280_000), "12800.00");
        assert_eq!(super::fee_yuan(5), "0.05");
    }
}
