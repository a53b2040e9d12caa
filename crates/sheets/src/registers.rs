//! Workbooks and the store: a register's workbook read into an import plan (nothing written),
//! and a register written out as its ledger.

use crate::read::{read_register, ReadSummary, SheetError, Source};
use chrono::NaiveDate;
use safeserve_core::import::ImportKind;
use safeserve_core::records::{CheckedFilter, RecordKind};
use safeserve_core::{ErrorCode, Message};
use safeserve_store::import::ImportPlan;
use safeserve_store::{Store, StoreError};
use std::path::Path;

/// Why a workbook could not be planned or a ledger written: the file, or the database.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Sheet(#[from] SheetError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    pub fn message(&self) -> Message {
        match self {
            ImportError::Sheet(e) => e.message(),
            ImportError::Store(e) => e.message(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ImportError::Sheet(SheetError::Write { .. }) => ErrorCode::WriteFailed,
            ImportError::Sheet(_) => ErrorCode::WorkbookUnreadable,
            ImportError::Store(e) => e.code(),
        }
    }
}

/// What the workbook `source` would do to the register `kind`, every row compared with the
/// register as it stands on `today` (which posts are current). Nothing is written.
pub fn plan<'a>(
    store: &Store,
    kind: ImportKind,
    source: impl Into<Source<'a>>,
    today: NaiveDate,
) -> Result<(ImportPlan, ReadSummary), ImportError> {
    match kind {
        ImportKind::Enterprises => {
            let mut planner = store.plan_enterprise_import()?;
            let read =
                read_register::<ImportError>(source, kind, |header, row, cells| Ok(planner.push(header, row, cells)?))?;
            Ok((planner.finish(), read))
        }
        ImportKind::Agencies => {
            let mut planner = store.plan_agency_import()?;
            let read =
                read_register::<ImportError>(source, kind, |header, row, cells| Ok(planner.push(header, row, cells)?))?;
            Ok((planner.finish(), read))
        }
        ImportKind::People => {
            let mut planner = store.plan_people_import(today)?;
            let read =
                read_register::<ImportError>(source, kind, |header, row, cells| Ok(planner.push(header, row, cells)?))?;
            Ok((planner.finish()?, read))
        }
        ImportKind::Contracts => {
            let mut planner = store.plan_contract_import()?;
            let read =
                read_register::<ImportError>(source, kind, |header, row, cells| Ok(planner.push(header, row, cells)?))?;
            Ok((planner.finish(), read))
        }
    }
}

/// Writes the register `kind` under `division_prefix` (empty for all) to the workbook `to`, in
/// the import template's columns. Returns the number of rows.
pub fn ledger(store: &Store, kind: ImportKind, division_prefix: &str, to: &Path) -> Result<u32, ImportError> {
    let mut ledger = crate::write::Ledger::new(kind)?;
    match kind {
        ImportKind::Enterprises => store.enterprise_ledger(division_prefix, |r| ledger.push(&r))?,
        ImportKind::People => store.people_ledger(division_prefix, |r| ledger.push(&r))?,
        ImportKind::Agencies => store.agency_ledger(division_prefix, |r| ledger.push(&r))?,
        ImportKind::Contracts => store.contract_ledger(division_prefix, |r| ledger.push(&r))?,
    }
    Ok(ledger.finish(to)?)
}

/// Writes the ledger `kind` of the evidence `filter` selects to the workbook `to` (hazard
/// states as of `today`). Returns the number of rows.
pub fn records(
    store: &Store,
    kind: RecordKind,
    filter: &CheckedFilter,
    today: NaiveDate,
    to: &Path,
) -> Result<u32, ImportError> {
    let mut ledger = crate::write::Ledger::of_records(&format!("{}台账", kind.label_zh()), kind.columns())?;
    match kind {
        RecordKind::Visits => store.visit_ledger(filter, |r| ledger.push(&r))?,
        RecordKind::Hazards => store.hazard_ledger(filter, today, |r| ledger.push(&r))?,
    }
    Ok(ledger.finish(to)?)
}
