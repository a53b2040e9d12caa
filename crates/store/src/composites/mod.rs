//! Read models and acts across layers: the enterprise file, the agency as shown, a visit
//! as recorded, signed documents, the accident back-trace, sync, and loading a new database.

pub(crate) mod agency_file;
pub(crate) mod backtrace;
pub mod bulk;
pub mod documents;
pub(crate) mod enterprise_file;
pub mod sync;
pub(crate) mod visit_file;
