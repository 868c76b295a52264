//! Sinks: where the outcomes of a run go. Each output format is one sink; the run holds
//! a list of them and calls each as cases finish and once at the end. A sink never runs
//! anything and never decides an outcome.
//!
//! The terminal of `envtruth run` and `cargo test` is libtest-mimic's own printer, whose
//! format cargo and nextest parse; the console sink serves runs without it (sign-off).

pub mod console;
pub mod github;
pub mod json;
pub mod junit;
pub mod message;
pub mod signoff;
pub mod tap;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::case::Case;
use crate::outcome::Outcome;

/// One output of a run.
pub trait Sink: Send {
    /// The run is about to start these cases.
    fn start(&mut self, _cases: &[&Case]) {}

    /// One case has its outcome (called from the thread that ran it, one call at a time).
    fn case_finished(&mut self, _case: &Case, _outcome: &Outcome) {}

    /// The run is over: every selected case that ran, in load order.
    fn finish(&mut self, results: &[(&Case, &Outcome)]) -> Result<Finish, SinkError>;
}

/// What a sink has to say when the run is over.
#[derive(Debug, Default)]
pub struct Finish {
    /// A line for the user, such as what was written.
    pub note: Option<String>,
    /// The exit code this sink decides, if it decides one (sign-off: 0 or 1).
    pub exit: Option<u8>,
}

/// Why an output could not be written; exit code 2.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SinkError {
    /// The file could not be written.
    #[error("{}: cannot write the report: {source}; check that its directory exists and is writable", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The report could not be rendered.
    #[error("{}: cannot render the report: {reason}", path.display())]
    Render {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Writes `text` to `path`, ending it with a newline.
pub fn save(path: &Path, mut text: String) -> Result<(), SinkError> {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    crate::whole_file::write(path, text.as_bytes())
        .map_err(|source| SinkError::Write { path: path.to_path_buf(), source })
}
