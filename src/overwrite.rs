//! Outputs never destroy inputs or each other: a report path that is a plan, a check file
//! or another report's path is refused before anything runs.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::inside::resolved;

/// Refuses an output path that is an input (a plan, a check file) or another output:
/// writing it would destroy what the run reads or what another report wrote.
pub fn refuse(out: &Path, shown: &str, inputs: &[PathBuf], others: &[PathBuf]) -> Result<(), Error> {
    let target = resolved(out);
    if inputs.iter().any(|input| resolved(input) == target) {
        return Err(Error::Overwrite {
            path: shown.into(),
            why: "is an input of this run (a plan or a check file); write the report elsewhere".into(),
        });
    }
    if others.iter().any(|other| resolved(other) == target) {
        return Err(Error::Overwrite {
            path: shown.into(),
            why: "is named for two outputs; give each report its own file".into(),
        });
    }
    Ok(())
}
