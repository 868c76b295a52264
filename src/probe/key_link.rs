//! Key links, with exactly GSD's semantics: `from` must exist; a `pattern` is searched
//! in `from`, then in `to` if `to` is a file; without one, `to` must appear literally
//! in `from`. Patterns are JavaScript-style regexes (fancy-regex).

use std::fs::File;
use std::path::Path;

use crate::inside::{Located, locate};
use crate::outcome::{Evidence, Findings};
use crate::search;
use crate::spec::{KeyLinkSpec, LinkPattern};

/// Checks one key link; a single item.
pub fn check(spec: &KeyLinkSpec, root: &Path) -> Findings {
    let expected = match &spec.pattern {
        Some(pattern) => format!("{pattern} in {} or {}", spec.from, spec.to),
        None => format!("`{}` referenced in {}", spec.to, spec.from),
    };
    let compiled = spec.pattern.as_ref().map(|pattern| (pattern, pattern.regex()));
    let (passed, found) = match (open(root, &spec.from), compiled) {
        (_, Some((_, Err(why)))) => (false, why.clone()),
        (Err(problem), _) => (false, format!("Source file {problem}")),
        (Ok(source), None) => match search_literal(source, &spec.to) {
            Ok(true) => (true, "Target referenced in source".into()),
            Ok(false) => (false, "Target not referenced in source".into()),
            Err(why) => (false, why),
        },
        (Ok(source), Some((pattern, Ok(regex)))) => match search_pattern(source, regex, &pattern.text) {
            Ok(true) => (true, "Pattern found in source".into()),
            Err(why) => (false, why),
            Ok(false) => {
                match open(root, &spec.to).map(|target| search_pattern(target, regex, &pattern.text)) {
                    Ok(Ok(true)) => (true, "Pattern found in target".into()),
                    Ok(Err(why)) => (false, why),
                    _ => (false, format!("Pattern not found in source or target{}", hint(pattern))),
                }
            }
        },
    };
    Findings {
        evidence: vec![Evidence::new("key_link", &spec.from, passed, expected, found)],
        commands: Vec::new(),
    }
}

/// Whether `literal` is in the file (per line; one holding a line end in the window).
fn search_literal(file: File, literal: &str) -> Result<bool, String> {
    if literal.contains('\n') {
        return search::window(file)
            .map(|(text, _)| text.contains(literal))
            .map_err(|e| format!("unreadable: {e}"));
    }
    let mut found = false;
    search::lines(file, |_, line| {
        found = line.contains(literal);
        !found
    })
    .map_err(|e| format!("unreadable: {e}"))?;
    Ok(found)
}

/// Whether `regex` matches in the file: per line, or in the window for a pattern that can
/// span lines; an error when the search gives up (a pattern that backtracks without end).
fn search_pattern(file: File, regex: &fancy_regex::Regex, text: &str) -> Result<bool, String> {
    let gave_up = |err: fancy_regex::Error| format!("the pattern could not be searched: {err}; simplify it");
    if search::spans_lines(text) {
        let (content, _) = search::window(file).map_err(|e| format!("unreadable: {e}"))?;
        return regex.is_match(&content).map_err(gave_up);
    }
    let mut result = Ok(false);
    search::lines(file, |_, line| {
        result = regex.is_match(line).map_err(gave_up);
        matches!(result, Ok(false))
    })
    .map_err(|e| format!("unreadable: {e}"))?;
    result
}

/// Why a pattern that found nothing may not mean what its author meant.
fn hint(pattern: &LinkPattern) -> &'static str {
    if pattern.text.contains("\\|") {
        " (`\\|` is a literal `|` here, as in JavaScript; grep's alternation is written `|`)"
    } else {
        ""
    }
}

fn open(root: &Path, relative: &str) -> Result<File, String> {
    match locate(root, relative) {
        Located::Inside(path) => search::open(&path),
        Located::Missing => Err("not found".into()),
        Located::Outside(real) => Err(format!("leads outside the project root, to {}", real.display())),
    }
}
