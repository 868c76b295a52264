//! Key links, with exactly GSD's semantics: `from` must exist; a `pattern` is searched
//! in `from`, then in `to` if `to` is a file; without one, `to` must appear literally
//! in `from`. Patterns are JavaScript-style regexes (fancy-regex).

use std::path::Path;

use crate::inside::{Located, locate};
use crate::outcome::{Evidence, Findings};
use crate::spec::{KeyLinkSpec, LinkPattern};

/// Checks one key link; a single item.
pub fn check(spec: &KeyLinkSpec, root: &Path) -> Findings {
    let expected = match &spec.pattern {
        Some(pattern) => format!("{pattern} in {} or {}", spec.from, spec.to),
        None => format!("`{}` referenced in {}", spec.to, spec.from),
    };
    let (passed, found) = match (read(root, &spec.from), &spec.pattern) {
        (_, Some(LinkPattern { regex: Err(why), .. })) => (false, why.clone()),
        (Err(problem), _) => (false, format!("Source file {problem}")),
        (Ok(source), None) if source.contains(spec.to.as_str()) => {
            (true, "Target referenced in source".into())
        }
        (Ok(_), None) => (false, "Target not referenced in source".into()),
        (Ok(source), Some(pattern @ LinkPattern { regex: Ok(regex), .. })) => {
            match found_in(regex, &source) {
                Ok(true) => (true, "Pattern found in source".into()),
                Err(why) => (false, why),
                Ok(false) => match read(root, &spec.to).map(|target| found_in(regex, &target)) {
                    Ok(Ok(true)) => (true, "Pattern found in target".into()),
                    Ok(Err(why)) => (false, why),
                    _ => (false, format!("Pattern not found in source or target{}", hint(pattern))),
                },
            }
        }
    };
    Findings {
        evidence: vec![Evidence::new("key_link", &spec.from, passed, expected, found)],
        commands: Vec::new(),
    }
}

/// Whether `regex` matches somewhere in `text`; an error when the search gives up (a
/// pattern that backtracks without end).
fn found_in(regex: &fancy_regex::Regex, text: &str) -> Result<bool, String> {
    regex.is_match(text).map_err(|err| format!("the pattern could not be searched: {err}; simplify it"))
}

/// Why a pattern that found nothing may not mean what its author meant.
fn hint(pattern: &LinkPattern) -> &'static str {
    if pattern.text.contains("\\|") {
        " (`\\|` is a literal `|` here, as in JavaScript; grep's alternation is written `|`)"
    } else {
        ""
    }
}

fn read(root: &Path, relative: &str) -> Result<String, String> {
    match locate(root, relative) {
        Located::Inside(path) if path.is_dir() => Err("is a directory".into()),
        Located::Inside(path) => std::fs::read(&path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(|err| format!("unreadable: {err}")),
        Located::Missing => Err("not found".into()),
        Located::Outside(real) => Err(format!("leads outside the project root, to {}", real.display())),
    }
}
