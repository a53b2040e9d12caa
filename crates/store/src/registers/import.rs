//! Registers from a clerk's workbook, in two steps. A plan says what each row would do — new,
//! changed (each field with its old and new value), unchanged, or refused with every problem
//! by row and column — and writes nothing. Applying takes the rows without problems in one
//! transaction, compares each with the register again as it stands then (so a plan that waited
//! while a sync came in still does the right thing, and the same file twice changes nothing),
//! and writes each change to the audit log with the value it replaced.

use crate::base::audit;
use crate::registers::enterprises;
use crate::{Store, StoreError};
use rusqlite::TransactionBehavior;
use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::import::{Cell, DivisionNames, EnterpriseRow, FieldChange, Header, ImportKind, RowProblem};
use safeserve_core::{EnterpriseId, Message};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

mod agencies;
mod contracts;
mod people;
pub use agencies::AgencyPlanner;
pub use contracts::ContractPlanner;
pub use people::PeoplePlanner;

/// What one row of the workbook would do.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
#[ts(export)]
pub enum RowAction {
    New,
    Changed { changes: Vec<FieldChange> },
    Unchanged,
    Refused { problems: Vec<RowProblem> },
}

/// A row of the plan: where it is in the file, what it names, what it would do.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlannedRow {
    pub row: u32,
    /// The record's key as typed (the credit code).
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub action: RowAction,
    /// What the register should know but does not stop the row (a person full-time at
    /// another agency, a certificate number someone else holds), by row and column.
    pub notes: Vec<RowProblem>,
    /// What applying writes: the row as read, where it had no problem.
    #[serde(skip)]
    #[ts(skip)]
    record: Option<Record>,
}

/// A row's record as the plan keeps it for applying.
#[derive(Debug, Clone, PartialEq)]
enum Record {
    Enterprise(EnterpriseRow),
    Person(safeserve_core::import::people::PersonRecord),
    Agency(safeserve_core::import::agencies::AgencyRow),
    Contract(safeserve_core::import::contracts::ContractRow),
}

impl PlannedRow {
    fn refused(row: u32, key: String, name: String, problems: Vec<RowProblem>) -> Self {
        PlannedRow { row, key, name, action: RowAction::Refused { problems }, notes: Vec::new(), record: None }
    }
}

/// How many rows of each kind a plan (or an import) has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportCounts {
    pub new: u32,
    pub changed: u32,
    pub unchanged: u32,
    pub refused: u32,
}

impl ImportCounts {
    /// "新增 3，更新 1，未变 10，未导入 2".
    pub fn message(&self) -> Message {
        Message::new(
            format!("新增 {}，更新 {}，未变 {}，有问题未导入 {}", self.new, self.changed, self.unchanged, self.refused),
            format!(
                "{} new, {} changed, {} unchanged, {} refused",
                self.new, self.changed, self.unchanged, self.refused
            ),
        )
    }
}

/// What a workbook would do to a register. Nothing is written until it is applied.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportPlan {
    pub kind: ImportKind,
    pub rows: Vec<PlannedRow>,
}

impl ImportPlan {
    pub fn counts(&self) -> ImportCounts {
        let mut c = ImportCounts::default();
        for r in &self.rows {
            match r.action {
                RowAction::New => c.new += 1,
                RowAction::Changed { .. } => c.changed += 1,
                RowAction::Unchanged => c.unchanged += 1,
                RowAction::Refused { .. } => c.refused += 1,
            }
        }
        c
    }

    /// Every problem of every refused row, in row order.
    pub fn problems(&self) -> impl Iterator<Item = &RowProblem> {
        self.rows.iter().flat_map(|r| match &r.action {
            RowAction::Refused { problems } => problems.as_slice(),
            _ => &[],
        })
    }
}

/// Builds an enterprise import's plan one row at a time, as the workbook is read.
pub struct EnterprisePlanner<'s> {
    store: &'s Store,
    divisions: DivisionNames,
    /// Credit code → the row it first appeared in.
    seen: HashMap<String, u32>,
    rows: Vec<PlannedRow>,
}

impl EnterprisePlanner<'_> {
    /// Plans row `row` of the sheet.
    pub fn push(&mut self, header: &Header, row: u32, cells: &[Cell]) -> Result<(), StoreError> {
        let typed = |key: &str| header.cell_text(key, cells).unwrap_or_default();
        let (key, name) = (typed("credit_code"), typed("name"));
        let planned = match EnterpriseRow::read(header, row, cells, &self.divisions) {
            Err(problems) => PlannedRow::refused(row, key, name, problems),
            Ok(record) => {
                if let Some(first) = self.seen.get(&record.credit_code) {
                    let problem = RowProblem {
                        row,
                        column: "统一社会信用代码".into(),
                        message: Message::new(
                            format!("与第 {first} 行的信用代码相同，同一单位只能出现一次"),
                            format!("Same credit code as row {first}; an enterprise may appear once"),
                        ),
                    };
                    PlannedRow::refused(row, key, name, vec![problem])
                } else {
                    self.seen.insert(record.credit_code.clone(), row);
                    let action = match enterprises::by_credit_code(&self.store.conn, &record.credit_code)? {
                        None => RowAction::New,
                        Some((_, current)) => match record.changes(&current) {
                            changes if changes.is_empty() => RowAction::Unchanged,
                            changes => RowAction::Changed { changes },
                        },
                    };
                    PlannedRow {
                        row,
                        key: record.credit_code.clone(),
                        name: record.name.clone(),
                        action,
                        notes: Vec::new(),
                        record: Some(Record::Enterprise(record)),
                    }
                }
            }
        };
        self.rows.push(planned);
        Ok(())
    }

    pub fn finish(self) -> ImportPlan {
        ImportPlan { kind: ImportKind::Enterprises, rows: self.rows }
    }
}

/// "地址：旧 → 新；主要负责人：甲 → 乙", as the audit log keeps a change.
pub(crate) fn change_detail(changes: &[FieldChange]) -> String {
    changes.iter().map(|c| format!("{}：{} → {}", c.field, c.old, c.new)).collect::<Vec<_>>().join("；")
}

impl Store {
    /// Writes what `plan` can take, whichever register it is for, new records getting fresh
    /// ids: [`Store::apply_enterprise_import`] or [`Store::apply_people_import`].
    pub fn apply_import(
        &mut self,
        plan: &ImportPlan,
        by: &Actor,
        file: &str,
        now: &str,
    ) -> Result<ImportCounts, StoreError> {
        match plan.kind {
            ImportKind::Enterprises => {
                self.apply_enterprise_import(plan, by, file, now, || EnterpriseId(uuid::Uuid::now_v7()))
            }
            ImportKind::People => {
                self.apply_people_import(plan, by, file, now, || safeserve_core::PersonId(uuid::Uuid::now_v7()))
            }
            ImportKind::Agencies => {
                self.apply_agency_import(plan, by, file, now, || safeserve_core::AgencyId(uuid::Uuid::now_v7()))
            }
            ImportKind::Contracts => {
                self.apply_contract_import(plan, by, file, now, || safeserve_core::ContractId(uuid::Uuid::now_v7()))
            }
        }
    }

    /// A planner for an enterprise workbook, with this laptop's divisions to read names by.
    pub fn plan_enterprise_import(&self) -> Result<EnterprisePlanner<'_>, StoreError> {
        Ok(EnterprisePlanner { store: self, divisions: self.division_names()?, seen: HashMap::new(), rows: Vec::new() })
    }

    /// This laptop's districts and townships as a workbook may name them.
    fn division_names(&self) -> Result<DivisionNames, StoreError> {
        let divisions = self.divisions()?;
        Ok(DivisionNames::new(divisions.iter().map(|d| (d.code.as_str(), d.name.as_str(), d.parent.as_deref()))))
    }

    /// Writes the rows of `plan` that have no problem, in one transaction: a new enterprise
    /// gets an id from `new_id`; a registered one is updated where it differs, each change an
    /// audit entry with the old value; the import itself is an entry naming `file` and the
    /// counts. Returns the counts as applied.
    pub fn apply_enterprise_import(
        &mut self,
        plan: &ImportPlan,
        by: &Actor,
        file: &str,
        now: &str,
        mut new_id: impl FnMut() -> EnterpriseId,
    ) -> Result<ImportCounts, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut counts = ImportCounts { refused: plan.counts().refused, ..ImportCounts::default() };
        let records = plan.rows.iter().filter_map(|r| match &r.record {
            Some(Record::Enterprise(e)) => Some(e),
            _ => None,
        });
        for record in records {
            match enterprises::by_credit_code(&tx, &record.credit_code)? {
                None => {
                    enterprises::insert(&tx, &record.to_enterprise(new_id(), None), now)?;
                    counts.new += 1;
                }
                Some((seq, current)) => {
                    let changes = record.changes(&current);
                    if changes.is_empty() {
                        counts.unchanged += 1;
                        continue;
                    }
                    enterprises::update(&tx, seq, &record.to_enterprise(current.id, Some(&current)))?;
                    let subject = format!("生产经营单位 {} {}", current.credit_code, current.name);
                    audit::append(&tx, &by.entry(now, AuditAct::ChangeRegister, subject, change_detail(&changes)))?;
                    counts.changed += 1;
                }
            }
        }
        let subject = format!("{}：{file}", ImportKind::Enterprises.label_zh());
        audit::append(&tx, &by.entry(now, AuditAct::ImportRegister, subject, counts.message().zh))?;
        tx.commit()?;
        Ok(counts)
    }

    /// Every enterprise under `division_prefix` (empty for all) as rows of the register's
    /// ledger, in registration order, the division shown by name as the import reads it back.
    pub fn enterprise_ledger(&self, division_prefix: &str, mut row: impl FnMut(Vec<String>)) -> Result<(), StoreError> {
        enterprises::each(&self.conn, division_prefix, |e, division| {
            row(safeserve_core::import::enterprise_cells(&e, &division));
        })
    }
}
