//! `files:` existence, content and mode of files under the root, one item per file.
//!
//! A glob key checks every file it matches, each its own item. A glob matching nothing
//! is a failure (the policy would hold of nothing), unless the key says `exists: false`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::{Located, locate, shorten};
use crate::glob::{ProjectFiles, Target};
use crate::outcome::{Evidence, Findings};
use crate::spec::{FileSpec, Pattern};

pub fn check(files: &[(Target, FileSpec)], root: &Path) -> Findings {
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
