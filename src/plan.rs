//! GSD plans: the `must_haves` of a PLAN.md, in every form real plans write them, and how
//! check files mirror them.
//!
//! Where the must-haves are: the YAML frontmatter's `must_haves`; else a fenced ```yaml
//! block of the body holding `must_haves:`; else a `## Must-Haves` heading whose list
//! items are truths (gsd-2). `must_haves` written as a list is a list of truths. Each
//! item may be written as GSD's templates do or as people do: a truth as a string or
//! `{statement, verification}`, an artifact or key link as a map or a plain string, a
//! prohibition as a string or `{statement, status, verification, check_*}`. Keys envtruth
//! does not use are kept out of the way, never an error.
//!
//! The YAML is read with a real parser, so a plan means what its author meant (GSD's own
//! older reader keeps single quotes, drops escaped quotes and flow lists, and leaves `\\.`
//! unescaped).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde_yaml::{Mapping, Value};

use crate::bounded;
use crate::case::Source;
use crate::load_error::LoadError;
use crate::locate::{Locations, Position};
use crate::spec::{ArtifactSpec, KeyLinkSpec, LinkPattern};

/// One plan, read.
#[derive(Debug)]
pub struct Plan {
    /// The file, absolute.
    pub path: PathBuf,
    /// The file as shown in messages.
    pub shown: String,
    /// `phase:`, as written.
    pub phase: Option<String>,
    /// `wave:`, when it is a number.
    pub wave: Option<u64>,
    /// `files_modified:`, the files the plan creates or changes.
    pub files_modified: Vec<String>,
    /// What must be true.
    pub truths: Vec<Placed<PlanTruth>>,
    /// Files that must exist.
    pub artifacts: Vec<Placed<Written<ArtifactSpec>>>,
    /// Wiring that must be in place.
    pub key_links: Vec<Placed<Written<KeyLinkSpec>>>,
    /// What must never be true.
    pub prohibitions: Vec<Placed<PlanProhibition>>,
    /// The whole file as read (its body holds the plan's own verification commands).
    pub text: String,
}

/// An item of the plan and where it is written.
#[derive(Debug, Clone)]
pub struct Placed<T> {
    /// The item.
    pub item: T,
    /// Its line and column in the plan file.
    pub at: Position,
}

/// A truth of the plan.
#[derive(Debug, Clone)]
pub struct PlanTruth {
    /// What must be true.
    pub statement: String,
    /// `verification: backstop`: a person checks it unless a check mirrors it with a probe.
    pub backstop: bool,
}

/// An artifact or key link as the plan writes it.
#[derive(Debug, Clone)]
pub enum Written<T> {
    /// A map with GSD's keys.
    Spec(T),
    /// A plain string that starts with a path: that path must exist; the rest is prose.
    Path {
        /// The leading path.
        path: String,
        /// The whole string.
        text: String,
    },
    /// A plain string with nothing to check: a person reads it.
    Prose(String),
}

/// A prohibition of the plan: what must never be true.
#[derive(Debug, Clone, Default)]
pub struct PlanProhibition {
    /// What must never be true.
    pub statement: String,
    /// `status:` (`resolved` | `unresolved`); None when not written.
    pub status: Option<String>,
    /// `verification:` (`test` | `judgment`); None when not written, which means test.
    pub verification: Option<String>,
    /// `check_kind:` (`node-test` | `lint-rule`).
    pub check_kind: Option<String>,
    /// `check_target:`.
    pub check_target: Option<String>,
    /// `check_rule:`.
    pub check_rule: Option<String>,
    /// `check_violation_fixture:`.
    pub violation_fixture: Option<String>,
    /// `check_clean_fixture:`.
    pub clean_fixture: Option<String>,
}

/// Where the must-haves were found: the YAML text holding them, and the lines of the file
/// before it.
struct Found<'a> {
    yaml: &'a str,
    offset: usize,
}

impl Plan {
    /// Reads the plan at `path`; every problem names the plan file and line, and the fix.
    pub fn read(path: &Path, shown: &str) -> Result<Plan, LoadError> {
        let at = |line: usize, column: usize, message: String| LoadError::At {
            file: shown.to_string(),
            line,
            column,
            message,
        };
        if path.is_dir() || path.metadata().is_ok_and(|m| !m.is_file()) {
            return Err(at(1, 1, "not a regular file; `plan:` names a PLAN.md".into()));
        }
        let bytes = bounded::read(path)
            .map_err(|err| LoadError::Unreadable {
                path: shown.to_string(),
                reason: format!("cannot read the plan: {err}; `plan:` is relative to the project root"),
            })?
            .ok_or_else(|| at(1, 1, bounded::too_big("plan")))?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let front = frontmatter(text).map_err(|line| {
            at(line, 1, "the frontmatter starting here never ends; add a `---` line after it".into())
        })?;
        let front_value = match front {
            Some((yaml, offset)) => Some((parse(yaml, offset, &at, "the frontmatter")?, yaml, offset)),
            None => None,
        };
        let mut plan = Plan {
            path: path.to_path_buf(),
            shown: shown.to_string(),
            phase: None,
            wave: None,
            files_modified: Vec::new(),
            truths: Vec::new(),
            artifacts: Vec::new(),
            key_links: Vec::new(),
            prohibitions: Vec::new(),
            text: text.to_string(),
        };
        if let Some((value, _, _)) = &front_value {
            plan.phase = value.get("phase").map(scalar_text);
            plan.wave = wave_of(value);
            plan.files_modified = files_modified(value);
        }
        let in_front = front_value.as_ref().and_then(|(value, yaml, offset)| {
            value.get("must_haves").map(|m| (m.clone(), Found { yaml, offset: *offset }))
        });
        let body_start = front.map_or(0, |(yaml, offset)| offset + yaml.lines().count() + 1);
        let (must_haves, found) = match in_front {
            Some(found) => found,
            None => match body_yaml(text, body_start) {
                Some((yaml, offset)) => {
                    let value = parse(yaml, offset, &at, "the ```yaml block")?;
                    let must_haves = value.get("must_haves").cloned().unwrap_or(Value::Null);
                    (must_haves, Found { yaml, offset })
                }
                None => match heading_truths(text) {
                    Some(truths) if !truths.is_empty() => {
                        plan.truths = truths;
                        return Ok(plan);
                    }
                    _ => {
                        let line = front.map_or(1, |(_, offset)| offset + 1);
                        // Neither a ```yaml block nor a `## Must-Haves` list either: the
                        // frontmatter is where GSD's templates put them.
                        let message = match front {
                            Some(_) => {
                                "the frontmatter has no `must_haves`; add `must_haves: {truths: [...]}`"
                            }
                            None => {
                                "no YAML frontmatter: a plan starts with a `---` line, its frontmatter, and another `---` line"
                            }
                        };
                        return Err(at(line, 1, message.into()));
                    }
                },
            },
        };
        let locations = Locations::of(found.yaml);
        let place = |yaml_path: &str| {
            let position = locations.find(yaml_path);
            Position { line: position.line + found.offset, column: position.column }
        };
        let wrong = |yaml_path: &str, what: &str, expected: &str, value: &Value| {
            let position = place(yaml_path);
            let dotted = dotted(yaml_path);
            at(
                position.line,
                position.column,
                format!("{dotted}: expected {expected}, found {}; {what}", kind_of(value)),
            )
        };
        let sections = match &must_haves {
            Value::Sequence(_) => vec![("truths", must_haves.clone(), "must_haves".to_string())],
            Value::Mapping(map) => ["truths", "artifacts", "key_links", "prohibitions"]
                .into_iter()
                .filter_map(|key| map.get(key).map(|v| (key, v.clone(), format!("must_haves/{key}"))))
                .collect(),
            Value::Null => Vec::new(),
            other => {
                return Err(wrong(
                    "must_haves",
                    "write `must_haves:` with `truths:`, `artifacts:` and `key_links:` lists under it",
                    "a map",
                    other,
                ));
            }
        };
        for (section, value, base) in sections {
            let items = match value {
                Value::Sequence(items) => items,
                Value::Null => Vec::new(),
                other => {
                    return Err(wrong(
                        &base,
                        "write each item on its own `- ` line under the key",
                        "a list",
                        &other,
                    ));
                }
            };
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{base}/{i}");
                let at_item = place(&item_path);
                match section {
                    "truths" => {
                        let truth = read_truth(item).ok_or_else(|| {
                            wrong(
                                &item_path,
                                "write the truth as a string, or as `{statement: \"...\"}`",
                                "a string or a map with `statement`",
                                item,
                            )
                        })?;
                        plan.truths.push(Placed { item: truth, at: at_item });
                    }
                    "artifacts" => {
                        let artifact = read_artifact(item).map_err(|why| {
                            let p = place(&item_path);
                            at(p.line, p.column, format!("{}: {why}", dotted(&item_path)))
                        })?;
                        plan.artifacts.push(Placed { item: artifact, at: at_item });
                    }
                    "key_links" => {
                        let link = read_key_link(item).map_err(|why| {
                            let p = place(&item_path);
                            at(p.line, p.column, format!("{}: {why}", dotted(&item_path)))
                        })?;
                        plan.key_links.push(Placed { item: link, at: at_item });
                    }
                    _ => {
                        let prohibition = read_prohibition(item).ok_or_else(|| {
                            wrong(
                                &item_path,
                                "write the prohibition as a string, or as `{statement: \"...\"}`",
                                "a string or a map with `statement`",
                                item,
                            )
                        })?;
                        plan.prohibitions.push(Placed { item: prohibition, at: at_item });
                    }
                }
            }
        }
        Ok(plan)
    }

    /// The files this plan, or another plan of its phase (its directory) in the same or a
    /// later wave, lists in `files_modified`: a key link from one of them that is missing
    /// (or empty) is pending, as GSD's verifier counts it, since its plan has not run yet.
    /// A plan without a wave number is in wave 1.
    pub fn still_to_be_created(&self) -> Vec<String> {
        let wave = self.wave.unwrap_or(1);
        let mut files = self.files_modified.clone();
        let dir = self.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let siblings = crate::phase_dir::plans(&dir).into_iter();
        for sibling in siblings.filter(|p| *p != self.path && p.to_string_lossy().ends_with("-PLAN.md")) {
            // As gsd-core: another plan without a wave number is left out.
            if let Some((Some(their_wave), theirs)) = schedule(&sibling)
                && their_wave >= wave
            {
                files.extend(theirs);
            }
        }
        files
    }

    /// Where an item of the plan is.
    pub fn source(&self, at: Position) -> Source {
        Source { file: PathBuf::from(&self.shown), line: at.line, column: at.column }
    }

    /// The index of the first plan truth with this statement that `taken` does not hold
    /// yet, comparing with whitespace collapsed; else the first with this statement.
    pub fn find_truth(&self, text: &str, taken: impl Fn(usize) -> bool) -> Option<usize> {
        let wanted = collapse(text);
        let same: Vec<usize> =
            (0..self.truths.len()).filter(|&k| collapse(&self.truths[k].item.statement) == wanted).collect();
        same.iter().copied().find(|&k| !taken(k)).or_else(|| same.first().copied())
    }

    /// The index of the plan prohibition with this statement.
    pub fn find_prohibition(&self, text: &str) -> Option<usize> {
        let wanted = collapse(text);
        self.prohibitions.iter().position(|p| collapse(&p.item.statement) == wanted)
    }
}

/// A plan's `wave` and `files_modified`, read from its frontmatter; None when it has none.
fn schedule(path: &Path) -> Option<(Option<u64>, Vec<String>)> {
    let bytes = bounded::read(path).ok()??;
    let text = String::from_utf8_lossy(&bytes);
    let (yaml, _) = frontmatter(text.strip_prefix('\u{feff}').unwrap_or(&text)).ok()??;
    let value: Value = serde_yaml::from_str(yaml).ok()?;
    Some((wave_of(&value), files_modified(&value)))
}

fn wave_of(frontmatter: &Value) -> Option<u64> {
    frontmatter.get("wave").and_then(|w| w.as_u64().or_else(|| w.as_str()?.trim().parse().ok()))
}

fn files_modified(frontmatter: &Value) -> Vec<String> {
    match frontmatter.get("files_modified") {
        Some(Value::Sequence(items)) => items.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    }
}

/// Parses YAML that starts after `offset` lines of the file; the error names the line and,
/// for the mistakes people make, the fix.
fn parse(
    yaml: &str,
    offset: usize,
    at: &impl Fn(usize, usize, String) -> LoadError,
    what: &str,
) -> Result<Value, LoadError> {
    serde_yaml::from_str::<Value>(yaml).map_err(|err| {
        let (mut line, mut column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = err.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        // serde_yaml places a duplicate key at its map; the duplicate itself is what to fix.
        if let Some(key) =
            message.strip_prefix("duplicate entry with key \"").and_then(|k| k.strip_suffix('"'))
        {
            (line, column) = second_key(yaml, key).unwrap_or((line, column));
        }
        // Anchors that expand without end and 5,000-deep nesting are YAML, just too much of it.
        let problem = if message.contains("limit exceeded") { "cannot be read" } else { "is not valid YAML" };
        at(line + offset, column, format!("{what} {problem}: {message}{}", yaml_hint(&message)))
    })
}

/// Where `key:` is written a second time at the indentation of its first writing.
fn second_key(yaml: &str, key: &str) -> Option<(usize, usize)> {
    let mut first_indent = None;
    for (n, line) in yaml.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let rest = line.trim_start().trim_start_matches("- ");
        let named = rest.strip_prefix(key).is_some_and(|after| after.starts_with(':'));
        match (named, first_indent) {
            (true, None) => first_indent = Some(indent),
            (true, Some(first)) if first == indent => return Some((n + 1, indent + 1)),
            _ => {}
        }
    }
    None
}

/// The fix for the YAML mistakes real plans make.
fn yaml_hint(message: &str) -> &'static str {
    if message.contains("unknown escape character") {
        "; inside double quotes YAML knows only escapes like `\\n` and `\\\\`, so a regex's `\\.` must be written in single quotes ('a\\.b') or with the backslash doubled (\"a\\\\.b\")"
    } else if message.contains("cannot start any token") {
        "; a value that starts with ` (a backtick), @ or % must be quoted: wrap the whole value in double quotes"
    } else if message.contains("mapping values are not allowed") {
        "; a value holding `: ` must be quoted: wrap the whole value in double quotes"
    } else if message.contains("repetition limit") || message.contains("recursion limit") {
        "; a plan's frontmatter is a few plain lists: write them out without anchors, aliases or deep nesting"
    } else if message.contains("did not find expected") {
        "; look at this line and the one before: a `[` or `{` that never closes, or a value holding `: `, `#` or a lone quote, which must be wrapped in double quotes"
    } else if message.contains("duplicate entry") {
        "; a key may appear once in a map: merge the two entries"
    } else {
        ""
    }
}

/// The frontmatter's YAML and the number of lines before it; None without one; the line
/// of the opening `---` when it never closes.
fn frontmatter(text: &str) -> Result<Option<(&str, usize)>, usize> {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Ok(None);
    };
    let mut end = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok(Some((&rest[..end], 1)));
        }
        end += line.len();
    }
    Err(1)
}

/// The first fenced ```yaml block of the body (after line `from`) holding `must_haves:`,
/// and the number of lines before its content.
fn body_yaml(text: &str, from: usize) -> Option<(&str, usize)> {
    let mut start: Option<(usize, usize)> = None;
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        match start {
            None if n >= from && (trimmed == "```yaml" || trimmed == "```yml") => {
                start = Some((offset + line.len(), n + 1))
            }
            Some((begin, lines_before)) if trimmed == "```" => {
                let block = &text[begin..offset];
                if block.lines().any(|l| l.starts_with("must_haves:")) {
                    return Some((block, lines_before));
                }
                start = None;
            }
            _ => {}
        }
        offset += line.len();
    }
    None
}

/// The list items under a `## Must-Haves` heading (gsd-2) or in a `<must_haves>` block,
/// each a truth.
fn heading_truths(text: &str) -> Option<Vec<Placed<PlanTruth>>> {
    static ITEM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*(?:[-*+]|\d+[.)])\s+(.+?)\s*$").expect("constant regex"));
    let words = |line: &str| {
        let text: String = line
            .trim_matches(|c| matches!(c, '#' | '<' | '>' | ' '))
            .to_ascii_lowercase()
            .replace(['-', '_'], " ");
        text.split_whitespace().collect::<Vec<_>>() == ["must", "haves"]
    };
    let mut lines = text.lines().enumerate();
    // `## Must-Haves`, `## Must Haves`, `### must_haves`, `<must_haves>`
    let (_, opening) =
        lines.find(|(_, line)| (line.starts_with("##") || line.trim() == "<must_haves>") && words(line))?;
    let tag = opening.trim() == "<must_haves>";
    let mut truths = Vec::new();
    for (n, line) in lines {
        let ends = if tag { line.trim() == "</must_haves>" } else { line.starts_with('#') };
        if ends {
            break;
        }
        if let Some(caps) = ITEM.captures(line) {
            let statement = caps[1].to_string();
            let column = line.len() - line.trim_start().len() + 1;
            truths.push(Placed {
                item: PlanTruth { statement, backstop: false },
                at: Position { line: n + 1, column },
            });
        }
    }
    Some(truths)
}

/// A list item its author wrote as a sentence holding `: `, which YAML reads as a map of
/// one key (`- Rule caps: 10 rounds`): the sentence, as GSD's own line reader takes it.
fn sentence(value: &Value, keys: &[&str]) -> Option<String> {
    let Value::Mapping(map) = value else { return None };
    let (key, rest) = map.iter().next().filter(|_| map.len() == 1)?;
    let key = key.as_str().filter(|k| !keys.contains(k))?;
    matches!(rest, Value::String(_) | Value::Number(_) | Value::Bool(_))
        .then(|| format!("{key}: {}", scalar_text(rest)))
}

fn read_truth(value: &Value) -> Option<PlanTruth> {
    if let Some(text) = sentence(value, &["statement"]) {
        return Some(PlanTruth { statement: text, backstop: false });
    }
    match value {
        Value::Mapping(map) => Some(PlanTruth {
            statement: map.get("statement").map(scalar_text)?,
            backstop: map.get("verification").and_then(Value::as_str) == Some("backstop"),
        }),
        Value::Sequence(_) | Value::Null | Value::Tagged(_) => None,
        scalar => Some(PlanTruth { statement: scalar_text(scalar), backstop: false }),
    }
}

fn read_prohibition(value: &Value) -> Option<PlanProhibition> {
    let text = |map: &Mapping, key: &str| map.get(key).map(scalar_text);
    if let Some(statement) = sentence(value, &["statement"]) {
        return Some(PlanProhibition { statement, ..PlanProhibition::default() });
    }
    match value {
        Value::Mapping(map) => Some(PlanProhibition {
            statement: text(map, "statement")?,
            status: text(map, "status"),
            verification: text(map, "verification"),
            check_kind: text(map, "check_kind"),
            check_target: text(map, "check_target"),
            check_rule: text(map, "check_rule"),
            violation_fixture: text(map, "check_violation_fixture"),
            clean_fixture: text(map, "check_clean_fixture"),
        }),
        Value::Sequence(_) | Value::Null | Value::Tagged(_) => None,
        scalar => Some(PlanProhibition { statement: scalar_text(scalar), ..PlanProhibition::default() }),
    }
}

/// Artifact and key-link keys envtruth reads; the others are a plan's own business.
const ARTIFACT_KEYS: [&str; 5] = ["path", "provides", "contains", "min_lines", "exports"];

fn read_artifact(value: &Value) -> Result<Written<ArtifactSpec>, String> {
    if let Some(text) = sentence(value, &ARTIFACT_KEYS) {
        return read_artifact(&Value::String(text));
    }
    match value {
        Value::Mapping(map) => {
            let kept: Mapping = map
                .iter()
                .filter(|(k, _)| k.as_str().is_some_and(|k| ARTIFACT_KEYS.contains(&k)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            serde_yaml::from_value(Value::Mapping(kept)).map(Written::Spec).map_err(|e| e.to_string())
        }
        Value::String(text) => Ok(match leading_path(text) {
            Some(path) => Written::Path { path, text: text.clone() },
            None => Written::Prose(text.clone()),
        }),
        other => Err(format!("expected a map with `path`, or a string, found {}", kind_of(other))),
    }
}

fn read_key_link(value: &Value) -> Result<Written<KeyLinkSpec>, String> {
    if let Some(text) = sentence(value, &["from", "to", "via", "pattern"]) {
        return Ok(Written::Prose(text));
    }
    match value {
        Value::Mapping(map) => {
            let text = |key: &str| map.get(key).map(scalar_text);
            let (Some(from), Some(to)) = (text("from"), text("to")) else {
                return Err("a key link needs `from` and `to`".into());
            };
            Ok(Written::Spec(KeyLinkSpec {
                from,
                to,
                via: text("via"),
                pattern: text("pattern").map(|pattern| LinkPattern::new(&pattern)),
            }))
        }
        Value::String(text) => Ok(Written::Prose(text.clone())),
        other => Err(format!("expected a map with `from` and `to`, or a string, found {}", kind_of(other))),
    }
}

/// The path a plain-string artifact starts with (`src/app.ts (route added)`), if it does:
/// a first word with a `/` or a file extension, backticks and quotes aside.
fn leading_path(text: &str) -> Option<String> {
    static PATH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:[\w.@+~-]*/)*[\w@+~-][\w.@+~*-]*(?:/|\.[A-Za-z][A-Za-z0-9]{0,9})$")
            .expect("constant regex")
    });
    let first = text.split_whitespace().next()?;
    let first = first.trim_matches(|c| matches!(c, '`' | '"' | '\'' | ',' | ':' | ';'));
    let has_dir = first.contains('/') && !first.contains("://");
    (PATH.is_match(first) && (has_dir || first.contains('.')) && !first.starts_with(".."))
        .then(|| first.trim_end_matches('/').to_string())
}

/// A scalar as text (`phase: 01` stays `01` only when quoted; numbers read as written by YAML).
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
    }
}

/// What a YAML value is, for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a map",
        Value::Tagged(_) => "a tagged value",
    }
}

/// `must_haves/truths/2` as `must_haves.truths[2]`.
fn dotted(yaml_path: &str) -> String {
    let mut out = String::new();
    for part in yaml_path.split('/') {
        if part.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
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
        assert_eq!(frontmatter("---\na: 1\n---\nbody\n---\n"), Ok(Some(("a: 1\n", 1))));
        assert_eq!(frontmatter("---\r\na: 1\r\n---\r\n"), Ok(Some(("a: 1\r\n", 1))));
        assert_eq!(frontmatter("no frontmatter\n"), Ok(None));
        assert_eq!(frontmatter("---\nnever closed\n"), Err(1));
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(collapse("  `uv  sync`\n  succeeds "), "`uv sync` succeeds");
    }

    #[test]
    fn a_plain_string_artifact_is_checked_by_its_leading_path() {
        assert_eq!(leading_path("CLAUDE.md (modified — R3.6 added)").as_deref(), Some("CLAUDE.md"));
        assert_eq!(
            leading_path("src/lib/questions.js exists with TAXONOMY").as_deref(),
            Some("src/lib/questions.js")
        );
        assert_eq!(leading_path("`bin/tool.cjs` handles it").as_deref(), Some("bin/tool.cjs"));
        assert_eq!(leading_path("docs/ holds the guide").as_deref(), Some("docs"));
        assert_eq!(leading_path("questions.js exports TAXONOMY").as_deref(), Some("questions.js"));
        assert_eq!(leading_path("Rule caps iterations at 10"), None);
        assert_eq!(leading_path("e.g. a config"), None);
        assert_eq!(leading_path("https://example.com/x is up"), None);
        assert_eq!(leading_path("3.12 is used"), None);
    }

    #[test]
    fn heading_lists_are_truths() {
        let text = "---\ntask_id: 1\n---\n# Task\n\n## Must Haves\n\n1. First holds\n- Second `x` holds\n\n## Tasks\n- not a truth\n";
        let truths = heading_truths(text).unwrap();
        let statements: Vec<&str> = truths.iter().map(|t| t.item.statement.as_str()).collect();
        assert_eq!(statements, ["First holds", "Second `x` holds"]);
        assert_eq!(truths[1].at, Position { line: 9, column: 1 });
    }

    #[test]
    fn a_must_haves_tag_lists_truths() {
        let text =
            "# Plan\n<must_haves>\n1. Layer two is gone\n2. Keys are renamed\n</must_haves>\n- after\n";
        let statements: Vec<String> =
            heading_truths(text).unwrap().into_iter().map(|t| t.item.statement).collect();
        assert_eq!(statements, ["Layer two is gone", "Keys are renamed"]);
    }

    #[test]
    fn a_yaml_block_of_the_body_is_found_with_its_line() {
        let text = "---\nphase: 1\n---\n# Plan\n```yaml\nother: 1\n```\n\n```yaml\nmust_haves:\n  truths: [a]\n```\n";
        assert_eq!(body_yaml(text, 3), Some(("must_haves:\n  truths: [a]\n", 9)));
    }
}
