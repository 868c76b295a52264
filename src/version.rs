//! Version requirements of the `tools` probe.
//!
//! Tools print versions in every shape (`Python 3.12.1`, `uv 0.4.18 (abc 2024-10-01)`,
//! `cmake version 3.28.3`), so a version is the first `\d+(\.\d+)+` of the output and
//! compared as numbers, component by component. Missing components count as 0, so
//! `<1` means below `1.0.0`. A bare version is a prefix: `3.12` accepts `3.12.7`.

use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

/// A parsed version: its numeric components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(Vec<u64>);

impl Version {
    /// The first `\d+(\.\d+)+` in `text`, if any.
    pub fn find(text: &str) -> Option<Version> {
        static PATTERN: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\d+(?:\.\d+)+").expect("constant regex"));
        PATTERN.find(text).and_then(|m| Version::parse(m.as_str()))
    }

    fn parse(text: &str) -> Option<Version> {
        text.split('.').map(|part| part.parse().ok()).collect::<Option<Vec<u64>>>().map(Version)
    }

    fn compare(&self, other: &Version) -> Ordering {
        let len = self.0.len().max(other.0.len());
        (0..len)
            .map(|i| {
                let a = self.0.get(i).copied().unwrap_or(0);
                let b = other.0.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Prefix,
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// `any`, a bare prefix (`3.12`), or comparisons joined by commas (`>=0.4, <1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionReq {
    text: String,
    clauses: Vec<(Op, Version)>,
}

impl VersionReq {
    /// The requirement every version (and a tool printing none) meets.
    pub fn any() -> VersionReq {
        VersionReq { text: "any".into(), clauses: Vec::new() }
    }

    /// Parses a requirement; the error says what is allowed.
    pub fn parse(text: &str) -> Result<VersionReq, String> {
        let trimmed = text.trim();
        if trimmed == "any" {
            return Ok(VersionReq::any());
        }
        let hint = "write `any`, a version prefix like `3.12`, or comparisons like `>=0.4, <1`";
        if trimmed.is_empty() {
            return Err(format!("empty version requirement; {hint}"));
        }
        let mut clauses = Vec::new();
        for clause in trimmed.split(',') {
            let clause = clause.trim();
            let (op, rest) = [
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("==", Op::Eq),
                ("!=", Op::Ne),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
            ]
            .iter()
            .find_map(|(sym, op)| clause.strip_prefix(sym).map(|rest| (*op, rest.trim())))
            .unwrap_or((Op::Prefix, clause));
            let version = Version::parse(rest)
                .ok_or_else(|| format!("invalid version `{rest}` in `{trimmed}`; {hint}"))?;
            clauses.push((op, version));
        }
        Ok(VersionReq { text: trimmed.to_string(), clauses })
    }

    /// Whether no version is required at all.
    pub fn is_any(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Whether `version` meets every clause.
    pub fn matches(&self, version: &Version) -> bool {
        self.clauses.iter().all(|(op, want)| match op {
            Op::Prefix => version.0.len() >= want.0.len() && version.0.starts_with(&want.0),
            Op::Eq => version.compare(want).is_eq(),
            Op::Ne => version.compare(want).is_ne(),
            Op::Gt => version.compare(want).is_gt(),
            Op::Ge => version.compare(want).is_ge(),
            Op::Lt => version.compare(want).is_lt(),
            Op::Le => version.compare(want).is_le(),
        })
    }
}

impl fmt::Display for VersionReq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(req: &str, version: &str) -> bool {
        VersionReq::parse(req).unwrap().matches(&Version::find(version).unwrap())
    }

    #[test]
    fn finds_the_first_dotted_number() {
        assert_eq!(Version::find("Python 3.12.1").unwrap().to_string(), "3.12.1");
        assert_eq!(Version::find("uv 0.4.18 (abc 2024-10-01)").unwrap().to_string(), "0.4.18");
        assert_eq!(Version::find("cmake version 3.28.3\n").unwrap().to_string(), "3.28.3");
        assert_eq!(Version::find("no version here 7"), None);
    }

    #[test]
    fn a_bare_version_is_a_component_prefix() {
        assert!(ok("3.12", "3.12.7"));
        assert!(ok("3.12", "3.12"));
        assert!(!ok("3.12", "3.120.1"));
        assert!(!ok("3.12", "3.11.9"));
        assert!(!ok("3.12.1", "3.12"));
    }

    #[test]
    fn comparisons_fill_missing_components_with_zero() {
        assert!(ok(">=0.4, <1", "0.4.0"));
        assert!(ok(">=0.4, <1", "0.9.9"));
        assert!(!ok(">=0.4, <1", "1.0.0"));
        assert!(!ok(">=0.4, <1", "0.3.9"));
        assert!(ok("==3.28", "3.28.0"));
        assert!(ok("!=3.28.1", "3.28.2"));
        assert!(ok(">3.2", "3.2.1"));
        assert!(ok("<=3.2", "3.2.0"));
    }

    #[test]
    fn any_matches_everything_and_bad_input_explains() {
        assert!(VersionReq::parse("any").unwrap().is_any());
        let err = VersionReq::parse(">=x").unwrap_err();
        assert!(err.contains("invalid version `x` in `>=x`"), "{err}");
        assert!(VersionReq::parse(" ").unwrap_err().contains("empty version requirement"));
    }
}
