//! `files:` existence, content and mode of files under the root, one item per file.
//!
//! A glob key checks every file it matches, each its own item. A glob matching nothing
//! is a failure (the policy would hold of nothing), unless the key says `exists: false`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Context, Item, ItemName, Kind, Proposal, Rank, Refusal, Site, target};
use crate::clue::{Clue, file_claim};
use crate::glob::{ProjectFiles, Target};
use crate::inside::{Located, locate};
use crate::outcome::{Evidence, Findings};
use crate::search;
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

    fn propose(clue: &Clue<'_>) -> Option<Proposal> {
        let claim = file_claim(clue)?;
        Some(Proposal::new(Self::KEY, serde_json::json!({ claim.path: claim.spec }), claim.what, Rank::Recognised))
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
        if let Err(why) = content_problems(&path, spec, &mut problems) {
            problems.push(why);
        }
    } else if let Err(why) = search::open(&path).map(drop) {
        // `exists` means a file: a FIFO or a device is named for what it is.
        if !path.is_dir() {
            problems.push(why);
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

/// What the content conditions find wrong, in one streaming pass over the file (a pattern
/// that can span lines is also searched in the file's first [`search::WINDOW`] bytes).
fn content_problems(path: &Path, spec: &FileSpec, problems: &mut Vec<String>) -> Result<(), String> {
    let mut missing: Vec<&str> = spec.contains.0.iter().map(|t| t.0.as_str()).filter(|t| !t.contains('\n')).collect();
    let mut excluded: Vec<(&str, Option<String>)> = spec.excludes.0.iter().map(|t| (t.0.as_str(), None)).collect();
    let mut unmatched: Vec<&Pattern> = spec.matches.0.iter().collect();
    let mut bad_lines: Vec<(usize, String)> = Vec::new();
    let mut bad_count = 0;
    let file = search::open(path)?;
    search::lines(file, |number, line| {
        missing.retain(|text| !line.contains(text));
        for (text, found) in excluded.iter_mut().filter(|(_, found)| found.is_none()) {
            if line.contains(*text) {
                *found = Some(shorten(line.trim(), 120));
            }
        }
        // Like grep, `^` and `$` match at each line's start and end.
        unmatched.retain(|pattern| !pattern.0.is_match(line));
        if let Some(pattern) = &spec.each_line {
            let trimmed = line.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') && !pattern.0.is_match(trimmed) {
                bad_count += 1;
                if bad_lines.len() < 3 {
                    bad_lines.push((number, shorten(trimmed, 80)));
                }
            }
        }
        true
    })
    .map_err(|err| format!("unreadable: {err}"))?;
    let multiline: Vec<&str> = spec.contains.0.iter().map(|t| t.0.as_str()).filter(|t| t.contains('\n')).collect();
    if !multiline.is_empty() || unmatched.iter().any(|p| search::spans_lines(p.0.as_str())) {
        let (text, cut) = search::window(search::open(path)?).map_err(|err| format!("unreadable: {err}"))?;
        let within = if cut { format!(" (in its first {} MiB, the window a pattern spanning lines is searched in)", search::WINDOW >> 20) } else { String::new() };
        missing.extend(multiline.into_iter().filter(|t| !text.contains(t)));
        unmatched.retain(|pattern| !pattern.0.is_match(&text));
        problems.extend(missing.iter().filter(|t| t.contains('\n')).map(|t| format!("does not contain `{t}`{within}")));
        problems.extend(unmatched.iter().filter(|p| search::spans_lines(p.0.as_str())).map(|p| format!("does not match {p}{within}")));
        missing.retain(|t| !t.contains('\n'));
        unmatched.retain(|p| !search::spans_lines(p.0.as_str()));
    }
    problems.extend(missing.iter().map(|text| format!("does not contain `{text}`")));
    problems.extend(excluded.iter().filter_map(|(text, line)| line.as_ref().map(|line| format!("contains `{text}` in line `{line}`"))));
    problems.extend(unmatched.iter().map(|pattern| format!("does not match {pattern}")));
    if bad_count > 0 {
        let shown: Vec<String> = bad_lines.iter().map(|(n, line)| format!("line {n} `{line}`")).collect();
        let more = if bad_count > 3 { format!(" and {} more", bad_count - 3) } else { String::new() };
        let verb = if bad_count == 1 { "does" } else { "do" };
        problems.push(format!("{}{more} {verb} not match", shown.join(", ")));
    }
    Ok(())
}
