//! `files:` existence, content and mode of files under the root, one item per file.
//!
//! A glob key checks every file it matches, each its own item. A glob matching nothing
//! is a failure (the policy would hold of nothing), unless the key says `exists: false`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Context, Item, ItemName, Kind, Refusal, Site, target};
use crate::glob::{ProjectFiles, Target};
use crate::inside::{Located, locate};
use crate::outcome::{Evidence, Findings};
use crate::spec::shape::{Entries, OneOrMany, Pattern, Text};
use crate::text::shorten;

/// `files:` files (or globs of them) and what they must hold, by path.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Files {
    entries: Entries<FileSpec>,
    /// What each entry names, settled at load time.
    #[serde(skip)]
    #[schemars(skip)]
    targets: Vec<Target>,
}

/// One entry of `files:`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// Whether the file must exist (default) or must not.
    #[serde(default = "yes")]
    pub exists: bool,
    /// Literal substrings the file must hold.
    #[serde(default)]
    pub contains: OneOrMany<Text>,
    /// Literal substrings the file must not hold.
    #[serde(default)]
    pub excludes: OneOrMany<Text>,
    /// Regexes the file's content must match.
    #[serde(default)]
    pub matches: OneOrMany<Pattern>,
    /// A regex every line must match, blank lines and `#` comments aside.
    #[serde(default)]
    pub each_line: Option<Pattern>,
    /// Whether the file must (or must not) be executable.
    #[serde(default)]
    pub executable: Option<bool>,
}

impl FileSpec {
    /// Whether checking it needs the file's content.
    pub fn has_content_conditions(&self) -> bool {
        !(self.contains.0.is_empty()
            && self.excludes.0.is_empty()
            && self.matches.0.is_empty()
            && self.each_line.is_none())
    }
}

fn yes() -> bool {
    true
}

impl Kind for Files {
    const KEY: &'static str = "files";

    fn resolve(&mut self, site: &Site<'_>) -> Result<(), Refusal> {
        for (name, spec) in &self.entries.0 {
            let at = format!("{}/{name}", Self::KEY);
            if !spec.exists && (spec.has_content_conditions() || spec.executable.is_some()) {
                return Err(Refusal::new(
                    at,
                    format!("`{name}` has `exists: false` and content or mode conditions; keep only one"),
                ));
            }
            self.targets.push(target(site.root, name, &at)?);
        }
        Ok(())
    }

    fn items(&self) -> Vec<Item> {
        self.entries
            .0
            .iter()
            .map(|(name, _)| Item {
                name: match Target::parse(name) {
                    Ok(Target::Glob(glob)) => ItemName::Glob(glob),
                    _ => ItemName::Named(name.clone()),
                },
                at: format!("{}/{name}", Self::KEY),
            })
            .collect()
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        let files: Vec<(&Target, &FileSpec)> =
            self.targets.iter().zip(self.entries.0.iter().map(|(_, spec)| spec)).collect();
        check(&files, ctx.root)
    }
}

fn check(files: &[(&Target, &FileSpec)], root: &Path) -> Findings {
    let project = ProjectFiles::new(root);
    let mut evidence = Vec::new();
    for (target, spec) in files {
        match target {
            Target::Path(path) => evidence.push(check_one(path, spec, root)),
            Target::Glob(pattern) => match project.matching(pattern) {
                Ok(paths) => evidence.extend(paths.into_iter().map(|path| check_one(path, spec, root))),
                Err(none) => {
                    let expected = if spec.exists { "at least one match" } else { "no match" };
                    evidence.push(Evidence::new("files", pattern.text(), !spec.exists, expected, none));
                }
            },
        }
    }
    Findings { evidence, commands: Vec::new() }
}

fn check_one(relative: &str, spec: &FileSpec, root: &Path) -> Evidence {
    let expected = describe(spec);
    let item =
        |passed: bool, found: String| Evidence::new("files", relative, passed, expected.clone(), found);
    let path = match locate(root, relative) {
        Located::Outside(real) => {
            return item(false, format!("leads outside the project root, to {}", real.display()));
        }
        Located::Missing => return item(!spec.exists, "absent".into()),
        Located::Inside(path) => path,
    };
    if !spec.exists {
        return item(false, "exists".into());
    }
    let mut problems = Vec::new();
    if let Some(want) = spec.executable {
        let is = path.metadata().is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
        if is != want {
            problems.push(if is { "is executable" } else { "is not executable" }.to_string());
        }
    }
    if spec.has_content_conditions() {
        match std::fs::read(&path) {
            Err(err) => problems.push(format!("unreadable: {err}")),
            Ok(bytes) => {
                let content = String::from_utf8_lossy(&bytes);
                for text in &spec.contains.0 {
                    if !content.contains(text.0.as_str()) {
                        problems.push(format!("does not contain `{}`", text.0));
                    }
                }
                for text in &spec.excludes.0 {
                    if let Some(line) = content.lines().find(|l| l.contains(text.0.as_str())) {
                        problems.push(format!(
                            "contains `{}` in line `{}`",
                            text.0,
                            shorten(line.trim(), 120)
                        ));
                    }
                }
                for pattern in &spec.matches.0 {
                    // Like grep, `^` and `$` also match at each line's start and end.
                    if !pattern.0.is_match(&content) && !content.lines().any(|l| pattern.0.is_match(l)) {
                        problems.push(format!("does not match {pattern}"));
                    }
                }
                if let Some(pattern) = &spec.each_line {
                    problems.extend(lines_not_matching(&content, pattern));
                }
            }
        }
    }
    match problems.is_empty() {
        true => item(true, "exists, as required".into()),
        false => item(false, problems.join("; ")),
    }
}

fn describe(spec: &FileSpec) -> String {
    if !spec.exists {
        return "absent".into();
    }
    let mut parts = vec!["exists".to_string()];
    parts.extend(spec.contains.0.iter().map(|t| format!("contains `{}`", t.0)));
    parts.extend(spec.excludes.0.iter().map(|t| format!("excludes `{}`", t.0)));
    parts.extend(spec.matches.0.iter().map(|p| format!("matches {p}")));
    parts.extend(spec.each_line.iter().map(|p| format!("each line matches {p}")));
    match spec.executable {
        Some(true) => parts.push("executable".into()),
        Some(false) => parts.push("not executable".into()),
        None => {}
    }
    parts.join(", ")
}

/// The lines (blank lines and `#` comments aside) that do not match, the first three
/// shown with their numbers (the pattern is in the expectation already).
fn lines_not_matching(content: &str, pattern: &Pattern) -> Option<String> {
    let bad: Vec<(usize, &str)> = content
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#') && !pattern.0.is_match(line))
        .collect();
    let shown: Vec<String> =
        bad.iter().take(3).map(|(n, line)| format!("line {n} `{}`", shorten(line, 80))).collect();
    let more = match bad.len() {
        0 => return None,
        1..=3 => String::new(),
        n => format!(" and {} more", n - 3),
    };
    let verb = if bad.len() == 1 { "does" } else { "do" };
    Some(format!("{}{more} {verb} not match", shown.join(", ")))
}
