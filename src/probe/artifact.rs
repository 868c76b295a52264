//! Artifacts, with exactly GSD's semantics: the file exists; `contains` and each of
//! `exports` are literal substrings; `min_lines` counts the pieces of `split('\n')`.

use std::path::Path;

use crate::inside::{Located, locate};
use crate::outcome::{Evidence, Findings};
use crate::search;
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
    let file = match search::open(&path) {
        Ok(file) => file,
        Err(why) => return findings(vec![item(&spec.path, false, "exists".into(), why)]),
    };
    // One streaming pass: the literals are searched line by line (one holding a line end in
    // the window), and the line ends counted.
    let literals: Vec<&str> = spec.contains.iter().chain(&spec.exports.0).map(String::as_str).collect();
    let mut found = vec![false; literals.len()];
    let newlines = search::lines(file, |_, line| {
        for (k, literal) in literals.iter().enumerate() {
            found[k] |= line.contains(literal);
        }
        true
    });
    let newlines = match newlines {
        Ok(count) => count,
        Err(err) => {
            return findings(vec![item(&spec.path, false, "exists".into(), format!("unreadable: {err}"))]);
        }
    };
    let window = || search::open(&path).and_then(|f| search::window(f).map_err(|e| e.to_string()));
    if literals.iter().any(|l| l.contains('\n'))
        && let Ok((text, _)) = window()
    {
        for (k, literal) in literals.iter().enumerate() {
            found[k] |= text.contains(literal);
        }
    }
    let mut evidence = vec![item(&spec.path, true, "exists".into(), "exists".into())];
    if let Some(min) = spec.min_lines {
        let lines = newlines + 1;
        let found =
            if lines < min { format!("Only {lines} lines, need {min}") } else { format!("{lines} lines") };
        evidence.push(item("min_lines", lines >= min, format!("at least {min} lines"), found));
    }
    let mut found = found.into_iter();
    if let Some(text) = &spec.contains {
        let held = found.next().unwrap_or(false);
        let shown = if held { "present".to_string() } else { format!("Missing pattern: {text}") };
        evidence.push(item("contains", held, format!("contains `{text}`"), shown));
    }
    for (export, held) in spec.exports.0.iter().zip(found) {
        let shown = if held { "present".to_string() } else { format!("Missing export: {export}") };
        evidence.push(item("exports", held, format!("exports `{export}`"), shown));
    }
    findings(evidence)
}

fn findings(evidence: Vec<Evidence>) -> Findings {
    Findings { evidence, commands: Vec::new() }
}
