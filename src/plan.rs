//! GSD plans: the `must_haves` of a PLAN.md's YAML frontmatter, and how check files
//! mirror them.
//!
//! The frontmatter is read with a real YAML parser, so a plan means what its author
//! meant (GSD's own reader keeps single quotes, drops escaped quotes and flow lists, and
//! leaves `\\.` unescaped). The Markdown body is never read. Keys envtruth does not use
//! (`wave`, `depends_on`, ...) are accepted and ignored, in the frontmatter and in each
//! artifact and key link.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use crate::bounded;
use crate::case::Source;
use crate::load_error::LoadError;
use crate::locate::Locations;
use crate::spec::{ArtifactSpec, KeyLinkSpec};

/// Artifact and key-link keys envtruth reads; the others are a plan's own business.
const ARTIFACT_KEYS: [&str; 5] = ["path", "provides", "contains", "min_lines", "exports"];
const KEY_LINK_KEYS: [&str; 4] = ["from", "to", "via", "pattern"];

/// One plan, read.
#[derive(Debug)]
pub struct Plan {
    /// The file, absolute.
    pub path: PathBuf,
    /// The file as shown in messages.
    pub shown: String,
    /// `phase:`, as written.
    pub phase: Option<String>,
    /// What must be true.
    pub truths: Vec<String>,
    /// Files that must exist.
    pub artifacts: Vec<ArtifactSpec>,
    /// Wiring that must be in place.
    pub key_links: Vec<KeyLinkSpec>,
    at: Locations,
    /// Lines before the frontmatter's first line.
    offset: usize,
}

#[derive(Deserialize)]
struct Frontmatter {
    #[serde(default)]
    phase: Option<Value>,
    #[serde(default)]
    must_haves: Option<MustHaves>,
}

#[derive(Deserialize)]
struct MustHaves {
    #[serde(default)]
    truths: Vec<String>,
    #[serde(default)]
    artifacts: Vec<Mapping>,
    #[serde(default)]
    key_links: Vec<Mapping>,
}

impl Plan {
    /// Reads the plan at `path`; every problem names the plan file and line.
    pub fn read(path: &Path, shown: &str) -> Result<Plan, LoadError> {
        let at = |line: usize, column: usize, message: String| LoadError::At {
            file: shown.to_string(),
            line,
            column,
            message,
        };
        let bytes = bounded::read(path)
            .map_err(|err| LoadError::Unreadable {
                path: shown.to_string(),
                reason: format!("cannot read the plan: {err}; `plan:` is relative to the project root"),
            })?
            .ok_or_else(|| at(1, 1, bounded::too_big("plan")))?;
        let text = String::from_utf8_lossy(&bytes);
        let (front, offset) = frontmatter(&text).ok_or_else(|| {
            at(1, 1, "no YAML frontmatter: a plan starts with a `---` line, its frontmatter, and another `---` line".into())
        })?;
        let parsed: Frontmatter = serde_yaml::from_str(front).map_err(|err| {
            let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
            let message = err.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            at(line + offset, column, format!("the frontmatter is not valid YAML: {message}"))
        })?;
        let must_haves = parsed.must_haves.ok_or_else(|| {
            at(offset + 1, 1, "the frontmatter has no `must_haves`; add `must_haves: {truths: [...]}`".into())
        })?;
        let locations = Locations::of(front);
        let located = |yaml_path: &str, message: String| {
            let position = locations.find(yaml_path);
            at(position.line + offset, position.column, message)
        };
        // Each artifact or key link, keeping only the keys envtruth reads.
        fn items<T: serde::de::DeserializeOwned>(
            maps: Vec<Mapping>,
            keys: &[&str],
            list: &str,
            located: impl Fn(&str, String) -> LoadError,
        ) -> Result<Vec<T>, LoadError> {
            maps.into_iter()
                .enumerate()
                .map(|(i, map)| {
                    let kept = map
                        .into_iter()
                        .filter(|(k, _)| k.as_str().is_some_and(|k| keys.contains(&k)))
                        .collect();
                    serde_yaml::from_value(Value::Mapping(kept))
                        .map_err(|e| located(&format!("must_haves/{list}/{i}"), format!("{list}: {e}")))
                })
                .collect()
        }
        let artifacts = items(must_haves.artifacts, &ARTIFACT_KEYS, "artifacts", located)?;
        let key_links = items(must_haves.key_links, &KEY_LINK_KEYS, "key_links", located)?;
        let phase = parsed.phase.map(|value| match value {
            Value::String(text) => text,
            other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_string(),
        });
        Ok(Plan {
            path: path.to_path_buf(),
            shown: shown.to_string(),
            phase,
            truths: must_haves.truths,
            artifacts,
            key_links,
            at: locations,
            offset,
        })
    }

    /// Where a node of the frontmatter (`must_haves/truths/2`) is in the plan file.
    pub fn source(&self, yaml_path: &str) -> Source {
        let position = self.at.find(yaml_path);
        Source {
            file: PathBuf::from(&self.shown),
            line: position.line + self.offset,
            column: position.column,
        }
    }

    /// The index of the plan truth that `text` mirrors, comparing with whitespace collapsed.
    pub fn find_truth(&self, text: &str) -> Option<usize> {
        let wanted = collapse(text);
        self.truths.iter().position(|truth| collapse(truth) == wanted)
    }
}

/// The frontmatter text and the number of lines before it.
fn frontmatter(text: &str) -> Option<(&str, usize)> {
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))?;
    let mut end = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&rest[..end], 1));
        }
        end += line.len();
    }
    None
}

/// Text with every run of whitespace made one space, trimmed.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontmatter_is_found_between_the_first_two_rulers() {
        assert_eq!(frontmatter("---\na: 1\n---\nbody\n---\n"), Some(("a: 1\n", 1)));
        assert_eq!(frontmatter("no frontmatter\n"), None);
        assert_eq!(frontmatter("---\nnever closed\n"), None);
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(collapse("  `uv  sync`\n  succeeds "), "`uv sync` succeeds");
    }
}
