//! The agency register from a workbook: one agency a row, matched by its credit code, its R1
//! facts and R2 reference fees compared with the register and written with their history.

use super::{change_detail, ImportCounts, ImportPlan, PlannedRow, Record, RowAction};
use crate::base::audit;
use crate::registers::{agencies, contracts};
use crate::{Store, StoreError};
use rusqlite::TransactionBehavior;
use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::import::agencies::{agency_cells, AgencyRow};
use safeserve_core::import::{Cell, DivisionNames, Header, ImportKind, RowProblem};
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
            match agencies::by_credit_code(&tx, &record.credit_code)? {
                None => {
                    let (agency, fees) = record.to_agency(new_id(), None);
                    agencies::insert(&tx, &agency, now)?;
                    contracts::set_reference_fees(&tx, &agency.id.to_string(), &fees)?;
                    counts.new += 1;
                }
                Some(held) => {
                    let changes = record.changes(&held.agency, &held.fees, &held.division_name);
                    if changes.is_empty() {
                        counts.unchanged += 1;
                        continue;
                    }
                    let (agency, fees) = record.to_agency(held.agency.id, Some((&held.agency, &held.fees)));
                    agencies::update(&tx, held.seq, &agency)?;
                    if fees != held.fees {
                        contracts::set_reference_fees(&tx, &agency.id.to_string(), &fees)?;
                    }
                    let subject = format!("服务机构 {} {}", held.agency.credit_code, held.agency.name);
                    audit::append(&tx, &by.entry(now, AuditAct::ChangeRegister, subject, change_detail(&changes)))?;
                    counts.changed += 1;
                }
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
