//! Globs over a project's files: `*.sh`, `scripts/**/*.sh`, `**/flake.nix`.
//!
//! `*` and `?` stay within one path component, `**` spans any number of them and `[...]`
//! is a class, as in `.gitignore`. The files a glob sees are the ones git shows when the
//! root is in a git work tree (tracked, plus untracked ones not ignored), so a policy
//! over "every script in the repo" is not tripped by `.venv/`, `node_modules/` or a
//! `result` link; outside git, every file under the root except `.git`.

use std::cell::OnceCell;
use std::path::Path;

use regex::Regex;

use crate::inside::stays_inside;

/// A compiled glob, relative to the project root.
#[derive(Debug, Clone)]
pub struct Glob {
    text: String,
    regex: Regex,
}

/// What a `files:` key or a `flake_lock:` entry names: one path, or every path a glob matches.
#[derive(Debug, Clone)]
pub enum Target {
    /// One path relative to the root.
    Path(String),
    /// The files a glob matches.
    Glob(Glob),
}

impl Target {
    /// A glob when `text` has `*`, `?` or `[`, else a path.
    pub fn parse(text: &str) -> Result<Target, String> {
        match text.contains(['*', '?', '[']) {
            true => Glob::parse(text).map(Target::Glob),
            false => Ok(Target::Path(text.to_string())),
        }
    }
}

impl Glob {
    /// Compiles a glob; the error says what is wrong and how to write it.
    pub fn parse(text: &str) -> Result<Glob, String> {
        if !stays_inside(text) {
            return Err(format!(
                "the glob `{text}` leads outside the project root; globs are relative to the root and may not use `..` or start with `/`"
            ));
        }
        let components: Vec<&str> = text.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
        let mut pattern = String::from("^");
        for (i, component) in components.iter().enumerate() {
            let last = i + 1 == components.len();
            if *component == "**" {
                pattern.push_str(if last { ".*" } else { "(?:[^/]+/)*" });
                continue;
            }
            if component.contains("**") {
                return Err(format!(
                    "`**` in the glob `{text}` must be a whole path component, as in `scripts/**/*.sh`"
                ));
            }
            pattern.push_str(&component_regex(component, text)?);
            if !last {
                pattern.push('/');
            }
        }
        pattern.push('$');
        let regex = Regex::new(&pattern).map_err(|_| {
            format!("the glob `{text}` has an invalid `[...]` class; write a range low to high, like `[a-z]`")
        })?;
        Ok(Glob { text: text.to_string(), regex })
    }

    /// Whether a root-relative path (with `/` separators) matches.
    pub fn matches(&self, path: &str) -> bool {
        self.regex.is_match(path)
    }

    /// The glob as written.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The regex of one path component without `**`.
fn component_regex(component: &str, glob: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = component.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '[' => {
                let mut class = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == ']' {
                        closed = true;
                        break;
                    }
                    class.push(c);
                }
                if !closed || class.is_empty() {
                    return Err(format!(
                        "the glob `{glob}` has a `[` without a closing `]`; write `[[]` for a literal `[`"
                    ));
                }
                let (negated, class) = match class.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, class.as_str()),
                };
                let escaped: String =
                    class
                        .chars()
                        .map(|c| {
                            if matches!(c, '\\' | '[' | '&' | '~') { format!("\\{c}") } else { c.to_string() }
                        })
                        .collect();
                out.push_str(&format!("[{}{escaped}]", if negated { "^/" } else { "" }));
            }
            other => out.push_str(&regex::escape(&other.to_string())),
        }
    }
    Ok(out)
}

/// The files of a project, listed on the first glob that needs them.
pub struct ProjectFiles<'a> {
    root: &'a Path,
    listed: OnceCell<Vec<String>>,
}

impl<'a> ProjectFiles<'a> {
    /// The files under `root`, not yet listed.
    pub fn new(root: &'a Path) -> ProjectFiles<'a> {
        ProjectFiles { root, listed: OnceCell::new() }
    }

    /// The files `glob` matches, sorted; none is an error saying how many were searched.
    pub fn matching(&self, glob: &Glob) -> Result<Vec<&str>, String> {
        let all = self.listed.get_or_init(|| list(self.root));
        let matched: Vec<&str> = all.iter().map(String::as_str).filter(|path| glob.matches(path)).collect();
        match matched.is_empty() {
            true => Err(format!("no file matches, among the {} files of the project", all.len())),
            false => Ok(matched),
        }
    }
}

/// Every file of the project a glob may match, relative to `root`, sorted.
fn list(root: &Path) -> Vec<String> {
    let mut files = git_files(root).unwrap_or_else(|| {
        let mut found = Vec::new();
        walk(root, "", &mut found);
        found
    });
    files.sort();
    // An unmerged path is listed once per conflict stage.
    files.dedup();
    files
}

/// The files git shows under `root`: tracked (still present) and untracked but not ignored.
/// `None` outside a work tree or without git.
fn git_files(root: &Path) -> Option<Vec<String>> {
    let listed =
        crate::exec::output(root, &["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"])?;
    // A tracked file deleted from the work tree is still listed.
    let present = |path: &&str| !path.is_empty() && root.join(path).symlink_metadata().is_ok();
    Some(listed.split('\0').filter(present).map(String::from).collect())
}

/// Every file under `root/prefix`, `.git` aside, without following symlinks into directories.
fn walk(root: &Path, prefix: &str, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(root.join(prefix)) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        match entry.file_type() {
            Ok(kind) if kind.is_dir() && name != ".git" => walk(root, &path, found),
            Ok(kind) if kind.is_dir() => {}
            _ => found.push(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(glob: &str, path: &str) -> bool {
        Glob::parse(glob).unwrap().matches(path)
    }

    #[test]
    fn a_star_stays_within_a_component() {
        assert!(matches("*.sh", "build.sh"));
        assert!(!matches("*.sh", "scripts/build.sh"));
        assert!(matches("scripts/*.sh", "scripts/build.sh"));
        assert!(matches("./*.sh", "build.sh"));
        assert!(matches("ru?.sh", "run.sh"));
        assert!(!matches("ru?.sh", "ru/.sh"));
    }

    #[test]
    fn a_double_star_spans_any_number_of_components() {
        assert!(matches("**/*.sh", "build.sh"));
        assert!(matches("**/*.sh", "a/b/c/build.sh"));
        assert!(matches("**/flake.nix", "consumers/api/flake.nix"));
        assert!(matches("ci/**", "ci/a/b.yaml"));
        assert!(matches("a/**/b", "a/b"));
        assert!(matches("a/**/b", "a/x/y/b"));
        assert!(!matches("**/*.sh", "build.shx"));
    }

    #[test]
    fn classes_and_literals() {
        assert!(matches("[ab].txt", "a.txt"));
        assert!(!matches("[!ab].txt", "a.txt"));
        assert!(matches("[!ab].txt", "c.txt"));
        assert!(matches("v1.0+[0-9].txt", "v1.0+7.txt"));
        assert!(!matches("v1.0+[0-9].txt", "v1x0+7.txt"));
    }

    #[test]
    fn bad_globs_explain() {
        let err = |glob: &str| Glob::parse(glob).unwrap_err();
        assert!(err("a**.sh").contains("must be a whole path component"), "{}", err("a**.sh"));
        assert!(err("[ab.sh").contains("without a closing `]`"), "{}", err("[ab.sh"));
        assert!(err("../*.sh").contains("leads outside the project root"));
        assert!(err("[z-a].sh").contains("invalid `[...]` class"), "{}", err("[z-a].sh"));
    }
}
