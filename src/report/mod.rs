//! Reports: how outcomes are shown. A report never runs anything.

pub mod github;
pub mod json;
pub mod junit;
pub mod message;
pub mod signoff;
