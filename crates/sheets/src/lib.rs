//! `safeserve-sheets`: SafeServe's registers in Excel workbooks. [`read`] takes a register
//! from the workbook a bureau's clerk filled — the first sheet with the register's header,
//! row by row, in bounded memory — and names what keeps a file from being read (not a
//! workbook, a password on it, a merged header, too many rows) in both languages. [`write`]
//! makes the blank templates with their columns explained, and the ledgers a bureau keeps,
//! in the same columns so a ledger can be edited and imported back.
//!
//! [`registers`] joins the two to the store: a workbook read into the store's import plan, a
//! register written out as its ledger — what the desktop and the CLI both call.

pub mod checklists;
pub mod read;
pub mod write;

pub use read::{read_register, ReadSummary, SheetError, Source, MAX_ROWS};
pub mod registers;

pub use registers::{ledger, plan, records, ImportError};
