//! The bureau's supervision: credit grades, the serious-dishonesty list, evaluations,
//! letters and coverage. Built on the registers and the evidence.

pub mod blacklist;
pub(crate) mod coverage;
pub mod evaluations;
pub mod grades;
pub mod letters;
