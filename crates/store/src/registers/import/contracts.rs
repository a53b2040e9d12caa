//! The contract register from a workbook: one contract a row between two registered parties,
//! matched by agency, enterprise and first day, compared with the register and written with
//! its history. A new contract meets the same bars as one typed in (R12 removal, R9 for a
//! government commission); a fee under the agency's reference (R2) is noted, not refused.

use super::{change_detail, ImportCounts, ImportPlan, PlannedRow, Record, RowAction};
use crate::base::audit;
use crate::registers::{agencies, contracts, enterprises, standing};
use crate::{Store, StoreError};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::contract::{self, ContractFacts, ContractFindingKind, ContractRules, ContractTerms};
use safeserve_core::import::contracts::{contract_cells, ContractKey, ContractRow, Filing, Parties};
use safeserve_core::import::{Cell, Header, ImportKind, RowProblem};
use safeserve_core::register::{Contract, Enterprise};
use safeserve_core::{ContractId, Message};
use std::collections::HashMap;

/// Builds a contract import's plan one row at a time, as the workbook is read.
pub struct ContractPlanner<'s> {
    store: &'s Store,
    /// Agency, enterprise and first day → the row they first appeared in.
    seen: HashMap<ContractKey, u32>,
    rows: Vec<PlannedRow>,
}

/// Both parties of a row as registered.
struct Registered {
    agency: agencies::Held,
    enterprise: Enterprise,
}

impl Registered {
    fn parties(&self) -> Parties<'_> {
        Parties {
            agency: (&self.agency.agency.credit_code, &self.agency.agency.name),
            enterprise: (&self.enterprise.credit_code, &self.enterprise.name),
        }
    }
}

/// The row's parties, or the problem of each one the register does not hold.
fn registered(
    conn: &Connection,
    header: &Header,
    row: u32,
    record: &ContractRow,
) -> Result<Result<Registered, Vec<RowProblem>>, StoreError> {
    let agency = agencies::by_credit_code(conn, &record.agency_code)?;
    let enterprise = enterprises::by_credit_code(conn, &record.enterprise_code)?;
    Ok(match (agency, enterprise) {
        (Some(agency), Some((_, enterprise))) => Ok(Registered { agency, enterprise }),
        (agency, enterprise) => {
            let mut problems = Vec::new();
            if agency.is_none() {
                problems.push(header.problem_at(
                    "agency_code",
                    row,
                    Message::new(
                        format!("服务机构 {} 未登记，请先导入服务机构名录", record.agency_code),
                        format!("No agency {} is registered; import the agency register first", record.agency_code),
                    ),
                ));
            }
            if enterprise.is_none() {
                problems.push(header.problem_at(
                    "enterprise_code",
                    row,
                    Message::new(
                        format!("生产经营单位 {} 未登记，请先导入生产经营单位名录", record.enterprise_code),
                        format!(
                            "No enterprise {} is registered; import the enterprise register first",
                            record.enterprise_code
                        ),
                    ),
                ));
            }
            Err(problems)
        }
    })
}

/// What bars `c` from the register, `held` being the contract it updates: for a new contract,
/// the agency's removal from the platform (R12); for a government commission given by this
/// row, every R9 conflict with the enterprise's other contracts and the agency's grade or
/// blacklist bar. A commission already on the register was checked when it was given.
fn bars(store: &Store, c: &Contract, held: Option<&Contract>) -> Result<Vec<(&'static str, Message)>, StoreError> {
    let mut out = Vec::new();
    if held.is_none() {
        if let Some(bar) = standing::contract_bar(&store.conn, &c.agency.to_string())? {
            out.push(("agency_code", bar));
        }
    }
    if c.government_commissioned && !held.is_some_and(|h| h.government_commissioned) {
        let own = c.id.to_string();
        for conflict in store.commission_conflicts(c)?.into_iter().filter(|k| k.contract_id != own) {
            out.push(("government_commissioned", conflict.message));
        }
        if let Some(bar) = store.commission_barrier(c.agency)? {
            out.push(("government_commissioned", bar));
        }
    }
    Ok(out)
}

/// R2: a fee under the agency's published reference, as a note on the row.
fn low_price(c: &Contract, parties: &Registered) -> Option<Message> {
    let facts = ContractFacts {
        contract: c,
        terms: &ContractTerms::default(),
        agency_name: &parties.agency.agency.name,
        agency_address: &parties.agency.agency.address,
        enterprise_name: &parties.enterprise.name,
        enterprise_address: &parties.enterprise.address,
        reference_fees: &parties.agency.fees,
        filed_with: None,
    };
    contract::check(&facts, &ContractRules::default())
        .into_iter()
        .find(|f| f.kind == ContractFindingKind::LowPrice)
        .map(|f| f.message)
}

impl ContractPlanner<'_> {
    /// Plans row `row` of the sheet.
    pub fn push(&mut self, header: &Header, row: u32, cells: &[Cell]) -> Result<(), StoreError> {
        let typed = |key: &str| header.cell_text(key, cells).unwrap_or_default();
        let shown_key = |starts: &str| format!("{} · {starts}", typed("enterprise_code"));
        let shown_name = |enterprise: &str, agency: &str| format!("{enterprise} ← {agency}");
        let refused = |problems| {
            PlannedRow::refused(
                row,
                shown_key(&typed("starts_on")),
                shown_name(&typed("enterprise_name"), &typed("agency_name")),
                problems,
            )
        };
        let record = match ContractRow::read(header, row, cells) {
            Err(problems) => {
                self.rows.push(refused(problems));
                return Ok(());
            }
            Ok(r) => r,
        };
        if let Some(first) = self.seen.get(&record.key()) {
            let problem = header.problem_at(
                "starts_on",
                row,
                Message::new(
                    format!("与第 {first} 行是同一份合同（同一机构、同一单位、同一起始日期），只能出现一次"),
                    format!(
                        "The same contract as row {first} (same agency, enterprise and first day); it may appear once"
                    ),
                ),
            );
            self.rows.push(refused(vec![problem]));
            return Ok(());
        }
        self.seen.insert(record.key(), row);
        let parties = match registered(&self.store.conn, header, row, &record)? {
            Err(problems) => {
                self.rows.push(refused(problems));
                return Ok(());
            }
            Ok(p) => p,
        };
        let held = contracts::by_key(
            &self.store.conn,
            &parties.agency.agency.id.to_string(),
            &parties.enterprise.id.to_string(),
            record.starts_on,
        )?;
        let (next, _) = record.to_contract(
            ContractId::from_parts(0, &[0; 10]),
            parties.agency.agency.id,
            parties.enterprise.id,
            held.as_ref().map(|(c, f)| (c, f)),
        );
        let bars = bars(self.store, &next, held.as_ref().map(|(c, _)| c))?;
        if !bars.is_empty() {
            let problems = bars.into_iter().map(|(key, m)| header.problem_at(key, row, m)).collect();
            self.rows.push(refused(problems));
            return Ok(());
        }
        let action = match &held {
            None => RowAction::New,
            Some((current, filing)) => match record.changes(current, filing, parties.parties()) {
                changes if changes.is_empty() => RowAction::Unchanged,
                changes => RowAction::Changed { changes },
            },
        };
        let mut notes = record.name_notes(header, row, parties.parties());
        if let Some(m) = low_price(&next, &parties) {
            notes.push(header.problem_at("fee", row, m));
        }
        self.rows.push(PlannedRow {
            row,
            key: shown_key(&record.starts_on.to_string()),
            name: shown_name(&parties.enterprise.name, &parties.agency.agency.name),
            action,
            notes,
            record: Some(Record::Contract(record)),
        });
        Ok(())
    }

    pub fn finish(self) -> ImportPlan {
        ImportPlan { kind: ImportKind::Contracts, rows: self.rows }
    }
}

impl Store {
    /// A planner for a contract workbook.
    pub fn plan_contract_import(&self) -> Result<ContractPlanner<'_>, StoreError> {
        Ok(ContractPlanner { store: self, seen: HashMap::new(), rows: Vec::new() })
    }

    /// Writes the contracts of `plan` that have no problem, in one transaction, each compared
    /// with the register again and checked again against its bars (a removal or a commission
    /// recorded since the preview, or an earlier row of the same file, still bars it: it is
    /// counted among the refused). Each change is an audit entry with the old value.
    pub fn apply_contract_import(
        &mut self,
        plan: &ImportPlan,
        by: &Actor,
        file: &str,
        now: &str,
        mut new_id: impl FnMut() -> ContractId,
    ) -> Result<ImportCounts, StoreError> {
        // Unchecked: the bars read through `self` inside the same transaction, so an earlier row of
        // the file counts against a later one.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let mut counts = ImportCounts { refused: plan.counts().refused, ..ImportCounts::default() };
        let records = plan.rows.iter().filter_map(|r| match &r.record {
            Some(Record::Contract(c)) => Some(c),
            _ => None,
        });
        for record in records {
            let (Some(agency), Some((_, enterprise))) = (
                agencies::by_credit_code(&tx, &record.agency_code)?,
                enterprises::by_credit_code(&tx, &record.enterprise_code)?,
            ) else {
                counts.refused += 1;
                continue;
            };
            let held =
                contracts::by_key(&tx, &agency.agency.id.to_string(), &enterprise.id.to_string(), record.starts_on)?;
            // A held contract keeps its id; only a new one draws one.
            let id = held.as_ref().map_or_else(&mut new_id, |(c, _)| c.id);
            let (next, filing) =
                record.to_contract(id, agency.agency.id, enterprise.id, held.as_ref().map(|(c, f)| (c, f)));
            if !bars(self, &next, held.as_ref().map(|(c, _)| c))?.is_empty() {
                counts.refused += 1;
                continue;
            }
            match held {
                None => {
                    let written = contracts::Written {
                        terms: ContractTerms::default(),
                        filed_with: filing.with.clone(),
                        filed_on: filing.on.map(|d| d.to_string()),
                    };
                    contracts::insert(&tx, &next, &written, now)?;
                    counts.new += 1;
                }
                Some((current, held_filing)) => {
                    let parties = Registered { agency, enterprise };
                    let changes = record.changes(&current, &held_filing, parties.parties());
                    if changes.is_empty() {
                        counts.unchanged += 1;
                        continue;
                    }
                    contracts::update(&tx, &next, &filing)?;
                    let subject = format!(
                        "服务合同 {} ← {} {} 起",
                        parties.enterprise.name, parties.agency.agency.name, current.starts_on
                    );
                    audit::append(&tx, &by.entry(now, AuditAct::ChangeRegister, subject, change_detail(&changes)))?;
                    counts.changed += 1;
                }
            }
        }
        let subject = format!("{}：{file}", ImportKind::Contracts.label_zh());
        audit::append(&tx, &by.entry(now, AuditAct::ImportRegister, subject, counts.message().zh))?;
        tx.commit()?;
        Ok(counts)
    }

    /// Every contract with an enterprise under `division_prefix` (empty for all) as rows of
    /// the register's ledger.
    pub fn contract_ledger(&self, division_prefix: &str, mut row: impl FnMut(Vec<String>)) -> Result<(), StoreError> {
        contracts::each(&self.conn, division_prefix, |c, filing: Filing, parties| {
            row(contract_cells(&c, &filing, parties));
        })
    }
}
