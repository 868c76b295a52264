//! The phase's previous VERIFICATION.md, read before it is replaced: its status and score
//! for `re_verification`, its gaps, and the overrides a person added, which a re-run keeps.
//!
//! Read leniently: GSD's own reports and hand-edited ones vary (no frontmatter, broken
//! YAML, gaps as strings); what cannot be read is simply absent, never an error.

use std::path::Path;

use serde_yaml::Value;

use crate::bounded;

/// What a previous report says.
#[derive(Debug, Default, Clone)]
pub struct Previous {
    /// `status:`.
    pub status: Option<String>,
    /// `score:`.
    pub score: Option<String>,
    /// The truths of `gaps:`.
    pub gaps: Vec<String>,
    /// `overrides:`.
    pub overrides: Vec<Override>,
    /// Whether envtruth wrote it (`verifier: envtruth ...`).
    pub by_envtruth: bool,
}

/// A must-have a person accepted as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The must-have, as written (matched loosely, as GSD matches).
    pub must_have: String,
    /// Why it is accepted.
    pub reason: String,
    /// Who accepted it.
    pub accepted_by: Option<String>,
    /// When.
    pub accepted_at: Option<String>,
    /// The last day it applies (`YYYY-MM-DD`); an envtruth extension GSD ignores.
    pub expires: Option<String>,
}

impl Previous {
    /// The report at `path`; `Err` only when the file exists and cannot be read at all.
    pub fn read(path: &Path) -> Result<Option<Previous>, String> {
        if !path.exists() {
            return Ok(None);
        }
        let bytes = bounded::read(path)
            .map_err(|err| format!("{}: cannot read the previous report: {err}; fix its permissions, or write elsewhere with --out FILE", path.display()))?
            .ok_or_else(|| format!("{}: {}", path.display(), bounded::too_big("VERIFICATION.md")))?;
        let text = String::from_utf8_lossy(&bytes);
        Ok(Some(Previous::parse(text.strip_prefix('\u{feff}').unwrap_or(&text))))
    }

    /// What `text` says, as far as it can be read.
    pub fn parse(text: &str) -> Previous {
        let mut previous = Previous {
            by_envtruth: text.lines().any(|l| l.starts_with("verifier: envtruth")),
            ..Previous::default()
        };
        let Some(front) = frontmatter(text) else { return previous };
        let Ok(value) = serde_yaml::from_str::<Value>(front) else { return previous };
        let text_of = |value: &Value| match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        previous.status = value.get("status").and_then(text_of);
        previous.score = value.get("score").and_then(text_of);
        let items = |key: &str| value.get(key).and_then(Value::as_sequence).cloned().unwrap_or_default();
        previous.gaps = items("gaps")
            .iter()
            .filter_map(|gap| text_of(gap).or_else(|| gap.get("truth").and_then(text_of)))
            .collect();
        previous.overrides = items("overrides")
            .iter()
            .filter_map(|o| {
                Some(Override {
                    must_have: o.get("must_have").and_then(text_of)?,
                    reason: o.get("reason").and_then(text_of).unwrap_or_default(),
                    accepted_by: o.get("accepted_by").and_then(text_of),
                    accepted_at: o.get("accepted_at").and_then(text_of),
                    expires: o.get("expires").and_then(text_of),
                })
            })
            .collect();
        previous
    }
}

fn frontmatter(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))?;
    let end = rest.split_inclusive('\n').scan(0, |at, line| {
        let start = *at;
        *at += line.len();
        Some((start, line))
    });
    end.into_iter().find(|(_, line)| line.trim_end() == "---").map(|(at, _)| &rest[..at])
}

/// Whether `a` and `b` name the same must-have as GSD matches an override to it: after
/// lowercasing and dropping punctuation, 80% of the words of one are in the other.
pub fn same_must_have(a: &str, b: &str) -> f64 {
    let words = |text: &str| -> Vec<String> {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let covered = |x: &[String], y: &[String]| match x.len() {
        0 => 0.0,
        n => x.iter().filter(|w| y.contains(w)).count() as f64 / n as f64,
    };
    covered(&a, &b).max(covered(&b, &a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_gives_its_status_score_gaps_and_overrides() {
        let text = "---\nphase: 01\nstatus: gaps_found\nscore: 2/3 must-haves verified\ngaps:\n  - truth: \"uv sync works\"\n    status: failed\n  - a bare gap\noverrides:\n  - must_have: \"Docs read well\"\n    reason: \"reviewed by hand\"\n    accepted_by: ana\n    expires: 2027-01-31\nverifier: envtruth 0.1.0\n---\nbody\n";
        let previous = Previous::parse(text);
        assert_eq!(previous.status.as_deref(), Some("gaps_found"));
        assert_eq!(previous.score.as_deref(), Some("2/3 must-haves verified"));
        assert_eq!(previous.gaps, ["uv sync works", "a bare gap"]);
        assert_eq!(previous.overrides[0].accepted_by.as_deref(), Some("ana"));
        assert_eq!(previous.overrides[0].expires.as_deref(), Some("2027-01-31"));
        assert!(previous.by_envtruth);
        assert!(Previous::parse("no frontmatter").status.is_none());
        assert!(Previous::parse("---\n: : [\n---\n").status.is_none());
    }

    #[test]
    fn overrides_match_as_gsd_matches_them() {
        assert!(same_must_have("Docs read well!", "docs read well") >= 0.8);
        assert!(same_must_have("The docs read well to users", "docs read well") >= 0.8);
        assert!(same_must_have("uv sync works", "docs read well") < 0.8);
    }

    /// Every VERIFICATION.md of the real-world corpus (`../shared/corpus`) reads as a
    /// previous report, so re-verification works on the reports GSD users already have.
    /// Ignored without the corpus; under CI=true it must be there.
    #[test]
    fn every_real_report_reads_as_a_previous_report() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/verifications");
        if !dir.is_dir() {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "../shared/corpus is missing under CI=true"
            );
            return eprintln!("ignored: ../shared/corpus is not beside this checkout");
        }
        let mut files = vec![dir];
        let (mut read, mut with_status, mut with_gaps) = (0, 0, 0);
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().flatten().map(|e| e.path()));
                continue;
            }
            let previous = Previous::read(&path).unwrap_or_else(|e| panic!("{e}")).expect("exists");
            read += 1;
            with_status += usize::from(previous.status.is_some());
            with_gaps += usize::from(!previous.gaps.is_empty());
        }
        assert!(read >= 180, "only {read} reports");
        // Most carry GSD's frontmatter; the rest (no frontmatter, broken YAML) read as empty.
        assert!(with_status * 10 >= read * 8, "{with_status} of {read} reports gave their status");
        assert!(with_gaps > 0, "no report gave its gaps");
    }
}
