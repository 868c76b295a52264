//! Artifacts, with exactly GSD's semantics: the file exists; `contains` and each of
//! `exports` are literal substrings; `min_lines` counts the pieces of `split('\n')`.

use std::path::Path;

use crate::inside::{Located, locate};
use crate::outcome::{Evidence, Findings};
use crate::spec::ArtifactSpec;

/// Checks one artifact: first an item for its existence (named by its path; when that
/// fails the artifact is MISSING), then one per further requirement.
pub fn check(spec: &ArtifactSpec, root: &Path) -> Findings {
    let item = |name: &str, passed: bool, expected: String, found: String| {
        Evidence::new("artifact", name, passed, expected, found)
    };
    let path = match locate(root, &spec.path) {
        Located::Inside(path) => path,
        Located::Missing => {
            return findings(vec![item(&spec.path, false, "exists".into(), "File not found".into())]);
        }
        Located::Outside(real) => {
            let found = format!("leads outside the project root, to {}", real.display());
            return findings(vec![item(&spec.path, false, "exists".into(), found)]);
        }
    };
    // A directory exists, as GSD counts it; the loader refuses content conditions on one.
    if path.is_dir() {
        let mut evidence = vec![item(&spec.path, true, "exists".into(), "directory exists".into())];
        if spec.contains.is_some() || spec.min_lines.is_some() || !spec.exports.0.is_empty() {
            evidence.push(item(
                "contents",
                false,
                "a file to read".into(),
                "a directory has no content to check".into(),
            ));
        }
        return findings(evidence);
    }
    let content = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            return findings(vec![item(&spec.path, false, "exists".into(), format!("unreadable: {err}"))]);
        }
    };
    let mut evidence = vec![item(&spec.path, true, "exists".into(), "exists".into())];
    if let Some(min) = spec.min_lines {
        let lines = content.split('\n').count() as u64;
        let found =
            if lines < min { format!("Only {lines} lines, need {min}") } else { format!("{lines} lines") };
        evidence.push(item("min_lines", lines >= min, format!("at least {min} lines"), found));
    }
    if let Some(text) = &spec.contains {
        let held = content.contains(text.as_str());
        let found = if held { "present".to_string() } else { format!("Missing pattern: {text}") };
        evidence.push(item("contains", held, format!("contains `{text}`"), found));
    }
    for export in &spec.exports.0 {
        let held = content.contains(export.as_str());
        let found = if held { "present".to_string() } else { format!("Missing export: {export}") };
        evidence.push(item("exports", held, format!("exports `{export}`"), found));
    }
    findings(evidence)
}

fn findings(evidence: Vec<Evidence>) -> Findings {
    Findings { evidence, commands: Vec::new() }
}
