//! The integration tests, one binary (each file is a module): one link instead of one per
//! file, as ripgrep lays its tests out.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests: a failure is the test failing, at its line")]

mod audit_sync;
mod desktop;
mod desktop_sync;
mod documents;
mod field_visit;
mod id_numbers;
mod keyring;
mod registers;
mod secrets_at_rest;
mod server_backup;
mod supervision;
mod sync;
mod verify_page;
mod visits;
