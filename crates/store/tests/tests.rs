//! The integration tests, one binary (each file is a module): one link instead of one per
//! file, as ripgrep lays its tests out.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests: a failure is the test failing, at its line")]

mod agency_form;
mod audit;
mod backtrace;
mod common;
mod coverage;
mod documents;
mod encryption;
mod faults;
mod grades;
mod letters;
mod people_form;
mod standing;
mod sync;
mod users;
mod visits;
