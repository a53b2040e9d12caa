//! IPC commands, one module per feature. Each command takes its state, calls one store or
//! core function off the async runtime, and maps the error.

pub mod backtrace;
pub mod coverage;
pub mod documents;
pub mod grades;
pub mod registers;
pub mod supervision;
pub mod sync;
pub mod visits;
