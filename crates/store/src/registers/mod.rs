//! The registers: divisions, agencies, people with their certificates and employments,
//! enterprises and contracts. They know nothing of visits or supervision.

pub(crate) mod agencies;
pub(crate) mod contracts;
pub(crate) mod divisions;
pub(crate) mod enterprises;
pub mod import;
pub(crate) mod people;
pub(crate) mod standing;
pub(crate) mod users;
