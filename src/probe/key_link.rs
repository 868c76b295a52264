//! Key links, with exactly GSD's semantics: `from` must exist; a `pattern` is searched
//! in `from`, then in `to` if `to` is a file; without one, `to` must appear literally
//! in `from`.

use std::path::Path;

use crate::inside::{Located, locate};
use crate::outcome::{Evidence, Findings};
use crate::spec::KeyLinkSpec;

/// Checks one key link; a single item.
pub fn check(spec: &KeyLinkSpec, root: &Path) -> Findings {
    let expected = match &spec.pattern {
        Some(pattern) => format!("{pattern} in {} or {}", spec.from, spec.to),
        None => format!("`{}` referenced in {}", spec.to, spec.from),
    };
    let (passed, found) = match read(root, &spec.from) {
        Err(problem) => (false, format!("Source file {problem}")),
        Ok(source) => match &spec.pattern {
            None if source.contains(spec.to.as_str()) => (true, "Target referenced in source".into()),
            None => (false, "Target not referenced in source".into()),
            Some(pattern) if pattern.0.is_match(&source) => (true, "Pattern found in source".into()),
            Some(pattern) => match read(root, &spec.to) {
                Ok(target) if pattern.0.is_match(&target) => (true, "Pattern found in target".into()),
                _ => (false, "Pattern not found in source or target".into()),
            },
        },
    };
    Findings {
        evidence: vec![Evidence::new("key_link", &spec.from, passed, expected, found)],
        commands: Vec::new(),
    }
}

fn read(root: &Path, relative: &str) -> Result<String, String> {
    match locate(root, relative) {
        Located::Inside(path) => std::fs::read(&path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(|err| format!("unreadable: {err}")),
        Located::Missing => Err("not found".into()),
        Located::Outside(real) => Err(format!("leads outside the project root, to {}", real.display())),
    }
}
