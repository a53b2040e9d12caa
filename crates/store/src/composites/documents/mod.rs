//! Signed documents (R6): a form's content is drawn from the records, checked, frozen as
//! canonical bytes, hashed and signed with the device's Ed25519 key in one transaction, and
//! never touched again (SQLite triggers refuse UPDATE and DELETE). Verification re-reads the
//! bytes, the signature, the photo files and the live records the document was drawn from, and
//! names whatever no longer matches.

use crate::base::views::{DocumentRequest, DocumentSummary, Draft, HazardView, Verification, VisitDetail};
use crate::{Store, StoreError};
use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate};
use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::checklist::Template;
use safeserve_core::document::{
    self as doc, CertificateFacts, DocumentContent, DocumentKind, DocumentRef, HazardFacts, ItemFacts, LetterFacts,
    Party, PersonFacts, PhotoFacts, PlanRow, SignedDocument, Verdict, VisitFacts,
};
use safeserve_core::hazard::HazardEventKind;
use safeserve_core::letter;
use safeserve_core::{mask_id_number, DocumentId, EnterpriseId, Message, VisitId};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

mod draft;
mod numbers;
mod read;
mod sign;
mod verify;
use numbers::*;
use read::*;

pub use numbers::{LetterNumbers, LetterSeries, NumberUnavailable};
pub use read::DocumentsOf;
pub use verify::SignerTrust;
