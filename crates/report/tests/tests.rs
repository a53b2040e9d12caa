//! The integration tests, one binary (each file is a module): one link instead of one per
//! file, as ripgrep lays its tests out.

mod common;
mod forms;
mod reference;
