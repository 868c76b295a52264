//! Reports: how outcomes are shown. A report never runs anything.

pub mod github;
pub mod json;
pub mod junit;
pub mod message;
pub mod signoff;

use std::path::Path;

use crate::case::Case;
use crate::outcome::Outcome;

/// Writes the reports asked for: JUnit, JSON, and under GitHub Actions the annotations
/// (stdout) and the step summary.
pub fn write(results: &[(&Case, &Outcome)], junit: Option<&Path>, json: Option<&Path>) -> Result<(), String> {
    let save = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|e| format!("{}: cannot write the report: {e}", path.display()))
    };
    if let Some(path) = junit {
        save(path, junit::render(results).map_err(|e| format!("{}: {e}", path.display()))?)?;
    }
    if let Some(path) = json {
        save(path, json::render(results))?;
    }
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        print!("{}", github::annotations(results));
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            use std::io::Write;
            std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&path)
                .and_then(|mut file| file.write_all(github::step_summary(results).as_bytes()))
                .map_err(|e| format!("GITHUB_STEP_SUMMARY {}: {e}", Path::new(&path).display()))?;
        }
    }
    Ok(())
}
