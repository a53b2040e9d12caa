//! The agency register from a workbook: one agency a row, matched by its credit code, its R1
//! facts and R2 reference fees compared with the register and written with their history.

use super::{change_detail, ImportCounts, ImportPlan, PlannedRow, Record, RowAction};
use crate::base::audit;
use crate::registers::{agencies, contracts, divisions};
use crate::{Store, StoreError};
use rusqlite::Connection;
use rusqlite::TransactionBehavior;
use safeserve_core::audit::AuditEntry;
use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::import::agencies::{agency_cells, AgencyForm, AgencyRow};
use safeserve_core::import::{Cell, DivisionNames, Header, ImportKind, RowProblem};
use safeserve_core::register::Agency;
use safeserve_core::{AgencyId, Message};
use std::collections::HashMap;

/// Builds an agency import's plan one row at a time, as the workbook is read.
pub struct AgencyPlanner<'s> {
    store: &'s Store,
    divisions: DivisionNames,
    /// Credit code → the row it first appeared in.
    seen: HashMap<String, u32>,
    rows: Vec<PlannedRow>,
}

impl AgencyPlanner<'_> {
    /// Plans row `row` of the sheet.
    pub fn push(&mut self, header: &Header, row: u32, cells: &[Cell]) -> Result<(), StoreError> {
        let typed = |key: &str| header.cell_text(key, cells).unwrap_or_default();
        let (key, name) = (typed("credit_code"), typed("name"));
        let record = match AgencyRow::read(header, row, cells, &self.divisions) {
            Err(problems) => {
                self.rows.push(PlannedRow::refused(row, key, name, problems));
                return Ok(());
            }
            Ok(r) => r,
        };
        if let Some(first) = self.seen.get(&record.credit_code) {
            let problem = RowProblem {
                row,
                column: "统一社会信用代码".into(),
                message: Message::new(
                    format!("与第 {first} 行的信用代码相同，同一机构只能出现一次"),
                    format!("Same credit code as row {first}; an agency may appear once"),
                ),
            };
            self.rows.push(PlannedRow::refused(row, key, name, vec![problem]));
            return Ok(());
        }
        self.seen.insert(record.credit_code.clone(), row);
        let action = match agencies::by_credit_code(&self.store.conn, &record.credit_code)? {
            None => RowAction::New,
            Some(held) => match record.changes(&held.agency, &held.fees, &held.division_name) {
                changes if changes.is_empty() => RowAction::Unchanged,
                changes => RowAction::Changed { changes },
            },
        };
        self.rows.push(PlannedRow {
            row,
            key: record.credit_code.clone(),
            name: record.name.clone(),
            action,
            notes: Vec::new(),
            record: Some(Record::Agency(record)),
        });
        Ok(())
    }

    pub fn finish(self) -> ImportPlan {
        ImportPlan { kind: ImportKind::Agencies, rows: self.rows }
    }
}

/// What writing one agency's row did to the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    New(AgencyId),
    Changed(AgencyId),
    Unchanged(AgencyId),
}

/// Writes `record` to the register inside `tx`: an agency not registered under its credit
/// code gets the id `new_id` gives; a registered one is updated where the record differs, the
/// change an audit entry (`change_register`) with each field's old and new value.
pub(crate) fn write_agency(
    tx: &Connection,
    record: &AgencyRow,
    by: &Actor,
    now: &str,
    new_id: impl FnOnce() -> AgencyId,
) -> Result<Outcome, StoreError> {
    let Some(held) = agencies::by_credit_code(tx, &record.credit_code)? else {
        let (agency, fees) = record.to_agency(new_id(), None);
        agencies::insert(tx, &agency, now)?;
        contracts::set_reference_fees(tx, &agency.id.to_string(), &fees)?;
        return Ok(Outcome::New(agency.id));
    };
    let changes = record.changes(&held.agency, &held.fees, &held.division_name);
    if changes.is_empty() {
        return Ok(Outcome::Unchanged(held.agency.id));
    }
    let (agency, fees) = record.to_agency(held.agency.id, Some((&held.agency, &held.fees)));
    agencies::update(tx, held.seq, &agency)?;
    if fees != held.fees {
        contracts::set_reference_fees(tx, &agency.id.to_string(), &fees)?;
    }
    audit::append(tx, &by.entry(now, AuditAct::ChangeRegister, subject(&held.agency), change_detail(&changes)))?;
    Ok(Outcome::Changed(agency.id))
}

/// How the audit log names an agency: "服务机构 <credit code> <name>"; its history is found by
/// the part before the name, which never changes.
pub(crate) fn subject(a: &Agency) -> String {
    format!("{}{}", subject_key(&a.credit_code), a.name)
}

fn subject_key(credit_code: &str) -> String {
    format!("服务机构 {credit_code} ")
}

impl Store {
    /// A planner for an agency workbook, with this laptop's divisions to read names by.
    pub fn plan_agency_import(&self) -> Result<AgencyPlanner<'_>, StoreError> {
        Ok(AgencyPlanner { store: self, divisions: self.division_names()?, seen: HashMap::new(), rows: Vec::new() })
    }

    /// Writes the agencies of `plan` that have no problem, in one transaction, each compared
    /// with the register again; each change an audit entry with the old value.
    pub fn apply_agency_import(
        &mut self,
        plan: &ImportPlan,
        by: &Actor,
        file: &str,
        now: &str,
        mut new_id: impl FnMut() -> AgencyId,
    ) -> Result<ImportCounts, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut counts = ImportCounts { refused: plan.counts().refused, ..ImportCounts::default() };
        let records = plan.rows.iter().filter_map(|r| match &r.record {
            Some(Record::Agency(a)) => Some(a),
            _ => None,
        });
        for record in records {
            match write_agency(&tx, record, by, now, &mut new_id)? {
                Outcome::New(_) => counts.new += 1,
                Outcome::Changed(_) => counts.changed += 1,
                Outcome::Unchanged(_) => counts.unchanged += 1,
            }
        }
        let subject = format!("{}：{file}", ImportKind::Agencies.label_zh());
        audit::append(&tx, &by.entry(now, AuditAct::ImportRegister, subject, counts.message().zh))?;
        tx.commit()?;
        Ok(counts)
    }

    /// Every agency under `division_prefix` (empty for all) as rows of the register's ledger.
    pub fn agency_ledger(&self, division_prefix: &str, mut row: impl FnMut(Vec<String>)) -> Result<(), StoreError> {
        agencies::each(&self.conn, division_prefix, |held| {
            row(agency_cells(&held.agency, &held.division_name, &held.fees));
        })
    }
}

impl Store {
    /// 登记服务机构 (`id` is `None`) or 编辑登记信息 of agency `id`, from the agency form: checked
    /// as core says, the division one this laptop knows, the credit code neither taken by
    /// another agency nor changed (it is who the agency is). A new agency is an audit entry
    /// (`add_register`); a change is one with each field's old and new value.
    pub fn save_agency(
        &mut self,
        form: &AgencyForm,
        id: Option<AgencyId>,
        by: &Actor,
        now: &str,
    ) -> Result<AgencyId, StoreError> {
        let record = form.check()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !divisions::exists(&tx, record.division.as_str())? {
            return Err(StoreError::Invalid {
                field: "division",
                message: Message::new(
                    "本机没有这个区划，请从列表中选择",
                    "This laptop has no such division; choose one from the list",
                ),
            });
        }
        let taken = agencies::by_credit_code(&tx, &record.credit_code)?.map(|h| (h.agency.id, h.agency.name));
        match (id, taken) {
            (None, Some((_, name))) => {
                return Err(StoreError::Invalid {
                    field: "credit_code",
                    message: Message::new(
                        format!("该信用代码已登记（{name}），请打开该机构编辑"),
                        format!("This credit code is registered ({name}); open that agency to edit it"),
                    ),
                })
            }
            (Some(id), Some((held, _))) if held != id => {
                return Err(StoreError::Invalid {
                    field: "credit_code",
                    message: Message::new(
                        "该信用代码属于另一家已登记的机构",
                        "This credit code belongs to another registered agency",
                    ),
                })
            }
            (Some(id), None) => {
                let known: bool =
                    tx.query_row("SELECT EXISTS(SELECT 1 FROM agencies WHERE id = ?1)", [id.to_string()], |r| {
                        r.get(0)
                    })?;
                return Err(if known {
                    StoreError::Invalid {
                        field: "credit_code",
                        message: Message::new("统一社会信用代码不能修改", "The credit code cannot be changed"),
                    }
                } else {
                    StoreError::NotFound { what: "agency", id: id.to_string() }
                });
            }
            _ => {}
        }
        let outcome = write_agency(&tx, &record, by, now, || AgencyId(uuid::Uuid::now_v7()))?;
        let saved = match outcome {
            Outcome::New(new) => {
                let (agency, _) = record.to_agency(new, None);
                audit::append(&tx, &by.entry(now, AuditAct::AddRegister, subject(&agency), "登记服务机构"))?;
                new
            }
            Outcome::Changed(id) | Outcome::Unchanged(id) => id,
        };
        tx.commit()?;
        Ok(saved)
    }

    /// What this laptop's audit log holds about the agency with `credit_code`: its registration
    /// and every change with the values it replaced, newest first.
    pub fn agency_history(&self, credit_code: &str) -> Result<Vec<AuditEntry>, StoreError> {
        audit::about(&self.conn, &subject_key(credit_code))
    }
}
