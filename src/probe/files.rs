//! `files:` existence, content and mode of files under the root, one item per file.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::{Located, locate, shorten};
use crate::outcome::{Evidence, Findings};
use crate::spec::FileSpec;

pub fn check(files: &[(String, FileSpec)], root: &Path) -> Findings {
    let evidence = files.iter().map(|(path, spec)| check_one(path, spec, root)).collect();
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
    let needs_content =
        !(spec.contains.0.is_empty() && spec.excludes.0.is_empty() && spec.matches.0.is_empty());
    if needs_content {
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
    match spec.executable {
        Some(true) => parts.push("executable".into()),
        Some(false) => parts.push("not executable".into()),
        None => {}
    }
    parts.join(", ")
}
