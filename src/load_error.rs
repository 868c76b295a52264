//! Why check files and plans could not become cases: every problem names the file, the
//! line and the column, and ends with the fix. Every run with one exits with code 2.

use thiserror::Error;

/// Why check files could not become cases. Every run with one exits with code 2.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A problem at a place in a check file.
    #[error("{file}:{line}:{column}: {message}")]
    At {
        /// The check file, as shown.
        file: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A check file or directory that cannot be read.
    #[error("{path}: {reason}")]
    Unreadable {
        /// The path, as shown.
        path: String,
        /// What went wrong and how to fix it.
        reason: String,
    },
    /// Nothing to run: a gate never passes on zero cases.
    #[error(
        "no cases: {looked} define no truths, artifacts or key links; add a check file with `truths:` (see README)"
    )]
    NoCases {
        /// Where envtruth looked.
        looked: String,
    },
}
