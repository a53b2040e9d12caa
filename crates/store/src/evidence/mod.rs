//! Evidence recorded on site: visits with their answers, hazards with their append-only
//! events, photos. Built on the registers.

pub(crate) mod hazards;
pub mod photos;
pub mod records;
pub(crate) mod visits;
