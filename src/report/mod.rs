//! Reports: how outcomes are shown. A report never runs anything.

pub mod message;
pub mod signoff;
