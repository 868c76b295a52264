//! End-to-end tests: the real binary on fixture projects in temp dirs.

mod after;
mod cli;
mod corpus;
mod exec;
mod faults;
mod gsd_readers;
mod init;
mod integrations;
mod load;
mod plan;
mod probes;
mod reports;
mod schema;
mod structure;
mod support;
