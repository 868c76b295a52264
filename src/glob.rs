//! Globs over a project's files: `*.sh`, `scripts/**/*.sh`, `**/flake.nix`.
//!
//! `*` and `?` stay within one path component, `**` spans any number of them and `[...]`
//! is a class, as in `.gitignore` (globset compiles them). The files a glob sees are the
//! ones git shows when the root is in a git work tree (what `.gitignore`, `.git/info/exclude`
//! and the global excludes leave out is not listed; the `ignore` crate walks them), so a
//! policy over "every script in the repo" is not tripped by `.venv/`, `node_modules/` or a
//! `result` link; outside git, every file under the root except `.git`.

use std::cell::OnceCell;
use std::path::Path;

use globset::{ErrorKind, GlobBuilder, GlobMatcher};

use crate::inside::stays_inside;

/// A compiled glob, relative to the project root.
#[derive(Debug, Clone)]
pub struct Glob {
    text: String,
    matcher: GlobMatcher,
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
        // Paths are matched as listed, without `./` or doubled slashes.
        let normal: Vec<&str> = text.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
        // globset reads `a**` as `a*`; whoever wrote it meant any depth, which `**` alone means.
        if normal.iter().any(|c| c.contains("**") && *c != "**") {
            return Err(format!(
                "`**` in the glob `{text}` must be a whole path component, as in `scripts/**/*.sh`"
            ));
        }
        let glob = GlobBuilder::new(&normal.join("/"))
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|err| match err.kind() {
                ErrorKind::UnclosedClass => format!(
                    "the glob `{text}` has a `[` without a closing `]`; write `[[]` for a literal `[`"
                ),
                ErrorKind::InvalidRange(..) => format!(
                    "the glob `{text}` has an invalid `[...]` class; write a range low to high, like `[a-z]`"
                ),
                ErrorKind::UnopenedAlternates | ErrorKind::UnclosedAlternates | ErrorKind::NestedAlternates => {
                    format!("the glob `{text}` has an unmatched or nested `{{`/`}}`; write `{{a,b}}`, or `[{{]` for a literal `{{`")
                }
                _ => format!("the glob `{text}` is not valid ({err}); see the README's `files:` globs"),
            })?;
        Ok(Glob { text: text.to_string(), matcher: glob.compile_matcher() })
    }

    /// Whether a root-relative path (with `/` separators) matches.
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }

    /// The glob as written.
    pub fn text(&self) -> &str {
        &self.text
    }
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

/// Every file of the project a glob may match, relative to `root`, sorted: hidden ones
/// too, links not followed into directories, `.git` and (in a work tree) what git ignores
/// left out.
fn list(root: &Path) -> Vec<String> {
    let walk = ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .parents(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        .require_git(true)
        .follow_links(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    let mut files: Vec<String> = walk
        .flatten()
        .filter(|entry| !entry.file_type().is_some_and(|kind| kind.is_dir()))
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(root).ok()?.to_string_lossy().into_owned();
            (!relative.is_empty()).then_some(relative)
        })
        .collect();
    files.sort();
    files
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
        assert!(err("{a,b.sh").contains("`{a,b}`"), "{}", err("{a,b.sh"));
    }
}
