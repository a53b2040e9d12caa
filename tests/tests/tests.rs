//! The integration tests, one binary (each file is a module): one link instead of one per
//! file, as ripgrep lays its tests out.

mod desktop;
mod desktop_sync;
mod documents;
mod field_visit;
mod supervision;
mod sync;
mod verify_page;
mod visits;
