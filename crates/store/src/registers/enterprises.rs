//! The `enterprises` table and the enterprise file (一企一档).

use crate::base::audit;
use crate::base::rows::parse_id;
use crate::base::rows::{invalid, require};
use crate::base::search::{self, Register};
use crate::base::views::{EnterpriseContact, EnterpriseQuery, EnterpriseSummary, NewEnterprise};
use crate::registers::divisions::{self, prefix_range};
use crate::{Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::import::FieldChange;
use safeserve_core::register::{Enterprise, EnterpriseSize, Industry};
use safeserve_core::{CreditCode, DivisionCode, EnterpriseId};

const DEFAULT_LIMIT: u32 = 50;

pub(crate) fn insert(conn: &Connection, e: &Enterprise, created_at: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO enterprises(id, credit_code, name, address, division, industry, high_risk, size, park, \
         principal, safety_contact, phone, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        e.id.to_string(),
        e.credit_code,
        e.name,
        e.address,
        e.division.as_str(),
        e.industry.key(),
        e.is_high_risk(),
        e.size.key(),
        e.park,
        e.principal,
        e.safety_contact,
        e.phone,
        created_at,
    ])?;
    let seq = conn.last_insert_rowid();
    search::index_row(conn, Register::Enterprise, seq)?;
    Ok(seq)
}

/// Every field of an enterprise, in [`read`]'s order.
const COLUMNS: &str =
    "seq, id, credit_code, name, address, division, industry, size, park, principal, safety_contact, phone";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Enterprise)> {
    let division: String = r.get(5)?;
    let industry: String = r.get(6)?;
    let size: String = r.get(7)?;
    Ok((
        r.get(0)?,
        Enterprise {
            id: parse_id(r, 1)?,
            credit_code: r.get(2)?,
            name: r.get(3)?,
            address: r.get(4)?,
            division: DivisionCode::parse(&division)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)))?,
            industry: crate::known(("行业", "industry"), &industry, Industry::from_key)?,
            size: crate::known(("企业规模", "enterprise size"), &size, EnterpriseSize::from_key)?,
            park: r.get(8)?,
            principal: r.get(9)?,
            safety_contact: r.get(10)?,
            phone: r.get(11)?,
        },
    ))
}

/// The enterprise registered under `credit_code`, with its row's `seq`.
pub(crate) fn by_credit_code(conn: &Connection, credit_code: &str) -> rusqlite::Result<Option<(i64, Enterprise)>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM enterprises WHERE credit_code = ?1"))?
        .query_row([credit_code], read)
        .optional()
}

/// Every enterprise in a division (code prefix, empty for all), in registration order, with
/// the division's name as the ledger shows it.
pub(crate) fn each(
    conn: &Connection,
    division_prefix: &str,
    mut f: impl FnMut(Enterprise, String),
) -> Result<(), StoreError> {
    let (lo, hi) = prefix_range(division_prefix);
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, {} FROM enterprises e WHERE (?1 = '' OR (division >= ?1 AND division < ?2)) ORDER BY seq",
        divisions::name_sql("e.division")
    ))?;
    let mut rows = stmt.query(params![lo, hi])?;
    while let Some(r) = rows.next()? {
        let (_, e) = read(r)?;
        let name: Option<String> = r.get(12)?;
        f(e, name.unwrap_or_default());
    }
    Ok(())
}

/// Writes every field of the enterprise at `seq` (its id and credit code stay) and reindexes it.
pub(crate) fn update(conn: &Connection, seq: i64, e: &Enterprise) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE enterprises SET name = ?2, address = ?3, division = ?4, industry = ?5, high_risk = ?6, size = ?7, \
         park = ?8, principal = ?9, safety_contact = ?10, phone = ?11 WHERE seq = ?1",
    )?
    .execute(params![
        seq,
        e.name,
        e.address,
        e.division.as_str(),
        e.industry.key(),
        e.is_high_risk(),
        e.size.key(),
        e.park,
        e.principal,
        e.safety_contact,
        e.phone,
    ])?;
    search::reindex(conn, Register::Enterprise, seq)
}

pub(crate) fn summary_sql(filter: &str) -> String {
    format!(
        "SELECT e.id, e.name, e.credit_code, e.address, e.division, {}, e.industry, e.high_risk, e.size, e.park, e.seq \
         FROM enterprises e {filter}",
        divisions::name_sql("e.division")
    )
}

pub(crate) fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<EnterpriseSummary> {
    let industry: String = r.get(6)?;
    let size: String = r.get(8)?;
    Ok(EnterpriseSummary {
        id: parse_id(r, 0)?,
        name: r.get(1)?,
        credit_code: r.get(2)?,
        address: r.get(3)?,
        division: r.get(4)?,
        division_name: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
        industry: crate::known(("行业", "industry"), &industry, Industry::from_key)?,
        high_risk: r.get(7)?,
        size: crate::known(("企业规模", "enterprise size"), &size, EnterpriseSize::from_key)?,
        park: r.get(9)?,
    })
}

impl Store {
    /// Enterprises matching `q`, name matches first, newest first. Empty text lists the
    /// newest enterprises under the filters.
    pub fn search_enterprises(&self, q: &EnterpriseQuery) -> Result<Vec<EnterpriseSummary>, StoreError> {
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT).min(500) as usize;
        let (lo, hi) = prefix_range(q.division.as_deref().unwrap_or(""));
        let industry = q.industry.map(Industry::key);
        let filter = "(?1 = '' OR (e.division >= ?1 AND e.division < ?2)) \
                      AND (?3 IS NULL OR e.industry = ?3) AND (?4 = 0 OR e.high_risk = 1)";
        if q.text.trim().is_empty() {
            let sql = summary_sql(&format!("WHERE {filter} ORDER BY e.seq DESC LIMIT ?5"));
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![lo, hi, industry, q.high_risk_only, limit as i64], summary)?;
            return Ok(rows.collect::<Result<_, _>>()?);
        }
        let unfiltered = q.division.is_none() && q.industry.is_none() && !q.high_risk_only;
        let mut check =
            self.conn.prepare_cached(&format!("SELECT 1 FROM enterprises e WHERE e.seq = ?5 AND {filter}"))?;
        let seqs = search::find(&self.conn, Register::Enterprise, &q.text, limit, |seq| {
            Ok(unfiltered || check.exists(params![lo, hi, industry, q.high_risk_only, seq])?)
        })?;
        let mut stmt = self.conn.prepare_cached(&summary_sql("WHERE e.seq = ?1"))?;
        let mut out = Vec::with_capacity(seqs.len());
        for seq in seqs {
            out.push(stmt.query_row([seq], summary)?);
        }
        Ok(out)
    }

    /// Registers an enterprise typed in by hand. Every field is checked before anything is
    /// written; the first problem is returned with the field it belongs to.
    pub fn add_enterprise(
        &mut self,
        form: &NewEnterprise,
        id: EnterpriseId,
        now: &str,
    ) -> Result<EnterpriseSummary, StoreError> {
        let credit_code = CreditCode::parse(&form.credit_code)
            .map_err(|e| StoreError::Invalid { field: "credit_code", message: e.message() })?;
        require(&[
            ("name", &form.name, "企业名称", "enterprise name"),
            ("address", &form.address, "地址", "address"),
            ("principal", &form.principal, "主要负责人", "principal"),
        ])?;
        let division = DivisionCode::parse(form.division.trim())
            .ok()
            .filter(|d| divisions::exists(&self.conn, d.as_str()).unwrap_or(false))
            .ok_or_else(|| invalid("division", "请选择所属乡镇（街道）", "Choose the township or street"))?;
        let tx = self.conn.transaction()?;
        let taken: Option<String> = tx
            .query_row("SELECT name FROM enterprises WHERE credit_code = ?1", [credit_code.as_str()], |r| r.get(0))
            .optional()?;
        if let Some(name) = taken {
            return Err(invalid(
                "credit_code",
                format!("该信用代码已登记为“{name}”"),
                format!("This credit code is already registered to {name}"),
            ));
        }
        let e = Enterprise {
            id,
            credit_code: credit_code.as_str().to_owned(),
            name: form.name.trim().to_owned(),
            address: form.address.trim().to_owned(),
            division,
            industry: form.industry,
            size: form.size,
            park: form.park.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned),
            principal: form.principal.trim().to_owned(),
            safety_contact: form.safety_contact.trim().to_owned(),
            phone: form.phone.trim().to_owned(),
        };
        let seq = insert(&tx, &e, now)?;
        let out = tx.prepare_cached(&summary_sql("WHERE e.seq = ?1"))?.query_row([seq], summary)?;
        tx.commit()?;
        Ok(out)
    }

    /// Corrects an enterprise's contact details (they change over a company's life and are
    /// found out of date on site). The change syncs like any register edit: last writer wins,
    /// a concurrent edit on another laptop is kept as a conflict.
    pub fn update_enterprise_contact(
        &mut self,
        id: EnterpriseId,
        contact: &EnterpriseContact,
    ) -> Result<EnterpriseSummary, StoreError> {
        let tx = self.conn.transaction()?;
        let (out, _) = write_contact(&tx, id, contact)?;
        tx.commit()?;
        Ok(out)
    }

    /// A user's correction of the contact details: as [`Store::update_enterprise_contact`],
    /// with the change and the values it replaced in the audit log, in the same transaction
    /// (nothing changed, nothing logged).
    pub fn correct_enterprise_contact(
        &mut self,
        id: EnterpriseId,
        contact: &EnterpriseContact,
        by: &Actor,
        now: &str,
    ) -> Result<EnterpriseSummary, StoreError> {
        let tx = self.conn.transaction()?;
        let (out, changes) = write_contact(&tx, id, contact)?;
        if !changes.is_empty() {
            let subject = format!("生产经营单位 {} {}", out.credit_code, out.name);
            let detail = crate::registers::import::change_detail(&changes);
            audit::append(&tx, &by.entry(now, AuditAct::ChangeRegister, subject, detail))?;
        }
        tx.commit()?;
        Ok(out)
    }
}

/// Writes the contact details of enterprise `id`; answers it as listed, and each field changed
/// (its name, old and new value).
fn write_contact(
    tx: &Connection,
    id: EnterpriseId,
    contact: &EnterpriseContact,
) -> Result<(EnterpriseSummary, Vec<FieldChange>), StoreError> {
    require(&[
        ("address", &contact.address, "地址", "address"),
        ("principal", &contact.principal, "主要负责人", "principal"),
    ])?;
    let (seq, old): (i64, [String; 4]) = tx
        .query_row(
            "SELECT seq, address, principal, safety_contact, phone FROM enterprises WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])),
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "enterprise", id: id.to_string() })?;
    let new =
        [&contact.address, &contact.principal, &contact.safety_contact, &contact.phone].map(|v| v.trim().to_owned());
    tx.execute(
        "UPDATE enterprises SET address = ?2, principal = ?3, safety_contact = ?4, phone = ?5 WHERE seq = ?1",
        params![seq, new[0], new[1], new[2], new[3]],
    )?;
    search::reindex(tx, Register::Enterprise, seq)?;
    let out = tx.prepare_cached(&summary_sql("WHERE e.seq = ?1"))?.query_row([seq], summary)?;
    let changes = ["地址", "主要负责人", "安全管理联系人", "联系电话"]
        .into_iter()
        .zip(old.into_iter().zip(new))
        .filter(|(_, (o, n))| o != n)
        .map(|(f, (old, new))| FieldChange { field: f.to_owned(), old, new })
        .collect();
    Ok((out, changes))
}
