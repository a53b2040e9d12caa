//! `safeserve-core` owns SafeServe's domain: the registers (agencies, people and their
//! certificates, enterprises, contracts), administrative divisions and jurisdictions, the
//! validators for the codes the field uses (GB 32100 credit codes, GB 11643 ID numbers) and
//! the rules of `DOMAIN.md` (R1 agency conditions, R7 capability match, R8 hazard order), the
//! hazard lifecycle and checklist templates.
//!
//! It performs no I/O and reads no clock: time, ids and randomness come in as arguments so a
//! rule is tested with a fixed date. It must never depend on tauri, axum, reqwest or rusqlite.

pub mod access;
pub mod audit;
pub mod backtrace;
pub mod blacklist;
pub mod capability;
pub mod checklist;
pub mod codes;
pub mod commission;
pub mod contract;
pub mod coverage;
pub mod division;
pub mod document;
pub mod error_code;
pub mod form;
pub mod grading;
pub mod hazard;
pub mod ids;
pub mod import;
pub mod labels;
pub mod letter;
pub mod message;
pub mod migration;
pub mod qualification;
pub mod records;
pub mod register;
pub mod signer;
pub mod standing;
pub mod sync;
pub mod visit;

pub use codes::{mask_id_number, CodeCheck, CodeKind, CreditCode, CreditCodeError, IdNumber, IdNumberError};
pub use division::{DivisionCode, DivisionError, Jurisdiction};
pub use error_code::ErrorCode;
pub use ids::{AgencyId, ContractId, DocumentId, EnterpriseId, HazardId, PersonId, VisitId};
pub use message::Message;

/// China Standard Time (Asia/Shanghai, UTC+8 all year): the zone every record and document is
/// dated in, whatever zone a laptop's system is set to. Core reads no clock; its callers turn
/// "now" into this zone.
pub fn shanghai() -> chrono::FixedOffset {
    // Evaluated when compiling: the offset is checked once, never at run time.
    const CST: chrono::FixedOffset = match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(offset) => offset,
        None => panic!("UTC+8 is a valid offset"),
    };
    CST
}
