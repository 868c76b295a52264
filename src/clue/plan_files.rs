//! The project files a plan names (its artifacts, key links and `files_modified`), so
//! that a truth's bare `storage.py` becomes the path the plan means, and its key links,
//! the plan's own checks of wiring a truth may describe.

use std::cell::OnceCell;
use std::sync::LazyLock;

use regex::Regex;

use super::regex;

/// A key link of the plan: a file, what it links to, and the regex that finds the link.
#[derive(Debug, Clone)]
pub struct Link {
    /// The file that holds the link.
    pub from: String,
    /// What it links to.
    pub to: String,
    /// The regex, when the plan gives one.
    pub pattern: Option<String>,
    /// Whether the regex crate compiles it, small, once asked.
    compiles: OnceCell<bool>,
}

impl Link {
    /// A key link.
    pub fn new(from: String, to: String, pattern: Option<String>) -> Link {
        Link { from, to, pattern, compiles: OnceCell::new() }
    }

    /// Whether its pattern compiles with the regex crate, as `files: matches` does:
    /// compiled once, however many truths ask.
    pub fn compiles(&self) -> bool {
        *self.compiles.get_or_init(|| {
            let limit = crate::spec::shape::LINK_SIZE_LIMIT;
            self.pattern
                .as_deref()
                .is_some_and(|p| regex::RegexBuilder::new(p).size_limit(limit).build().is_ok())
        })
    }
}

/// The paths and key links a plan names.
#[derive(Debug, Clone, Default)]
pub struct PlanFiles {
    paths: Vec<String>,
    /// The key links written as maps.
    pub links: Vec<Link>,
    /// The scripts the plan's text runs by their path (`node bin/tool.cjs`, `./scripts/x.sh`).
    scripts: Vec<String>,
    /// The file names of paths left out as no project path (`../x/config.py`, `~/.bashrc`):
    /// a truth naming one means that file, not one at the root.
    elsewhere: Vec<String>,
}

impl PlanFiles {
    /// The paths and key links a plan names; only the project's own paths are kept: the
    /// plan author's checkout (`/Users/...`) or home is no path a check may name.
    pub fn new(paths: impl IntoIterator<Item = String>, links: Vec<Link>) -> PlanFiles {
        let (mut paths, elsewhere): (Vec<String>, Vec<String>) = paths
            .into_iter()
            .map(|p| p.trim().trim_start_matches("./").trim_end_matches('/').to_string())
            .filter(|p| !p.is_empty())
            .partition(|p| project_path(p));
        paths.sort();
        paths.dedup();
        let elsewhere = elsewhere.iter().map(|p| base_name(p).to_string()).collect();
        PlanFiles { paths, links, scripts: Vec::new(), elsewhere }
    }

    /// These, and the scripts `text` (the plan's body) runs by their path.
    pub fn with_scripts(mut self, text: &str) -> PlanFiles {
        self.scripts = SCRIPT_RUN.captures_iter(text).map(|c| c["path"].to_string()).collect();
        self.scripts.sort();
        self.scripts.dedup();
        self
    }

    /// The script the plan runs by its path for `program` ("bgsd-tools": `bin/bgsd-tools.cjs`):
    /// then `program` alone may not be on PATH.
    pub fn script_for(&self, program: &str) -> Option<&str> {
        self.scripts.iter().map(String::as_str).find(|path| {
            let name = base_name(path);
            name == program || name.rsplit_once('.').is_some_and(|(stem, _)| stem == program)
        })
    }

    /// The one package manifest (package.json, pyproject.toml, Cargo.toml) the plan names,
    /// which a truth about "dependencies" means; none when it names none or several.
    pub fn manifest(&self) -> Option<&str> {
        // A glob (`packages/*/package.json`) names many.
        let mut manifests = self
            .paths
            .iter()
            .filter(|p| MANIFESTS.contains(&base_name(p)) && !p.contains(['*', '?', '[', '{']));
        match (manifests.next(), manifests.next()) {
            (Some(path), None) => Some(path),
            _ => None,
        }
    }

    /// Whether the plan names `path` among its files, so that it may make it.
    pub fn makes(&self, path: &str) -> bool {
        self.paths.iter().any(|p| p == path)
    }

    /// The project path a truth means by `name`: as written when it has a directory, else
    /// the one path of the plan with that file name, else `name` at the root; none when
    /// the plan names several files of that name or one outside the project (then the
    /// truth means that one), or the path leaves the project.
    pub fn resolve(&self, name: &str) -> Option<String> {
        if !project_path(name) {
            return None;
        }
        if name.contains('/') {
            return Some(name.to_string());
        }
        let mut same = self.paths.iter().filter(|p| base_name(p) == name);
        match (same.next(), same.next()) {
            (Some(path), None) if !self.elsewhere.iter().any(|n| n == name) => Some(path.clone()),
            (None, _) if !self.elsewhere.iter().any(|n| n == name) => Some(name.to_string()),
            _ => None,
        }
    }
}

/// The files that list a project's packages.
const MANIFESTS: &[&str] = &["package.json", "pyproject.toml", "Cargo.toml"];

/// A script run through its interpreter or by its path.
static SCRIPT_RUN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\b(?:node|bun|deno run|python3?|uv run|bash|sh)\s+|(?:^|[\s`(])\./)(?P<path>(?:[\w.-]+/)*[\w.-]+\.(?:c?js|mjs|ts|py|sh)|(?:[\w.-]+/)+[\w.-]+)",
    )
});

/// Whether `path` may name a file of the project: relative, not through `..`, not from a
/// home (`~`), a variable (`$HOME/`) or a drive (`C:/`), with `/` separators.
fn project_path(path: &str) -> bool {
    crate::inside::stays_inside(path)
        && !path.starts_with('~')
        && !path.contains(['\\', '$'])
        && !DRIVE.is_match(path)
}

static DRIVE: LazyLock<Regex> = LazyLock::new(|| regex(r"^[A-Za-z]:"));

/// `path` as a `files:` key that names it alone: `[`, `*` and `?` (a Next.js `app/[id]/`)
/// are matched literally.
pub fn literal_key(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            '[' | '*' | '?' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

/// The last component of `path`.
pub fn base_name(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::PlanFiles;

    #[test]
    fn a_bare_name_takes_the_one_path_the_plan_gives_it() {
        let files = PlanFiles::new(
            ["app/storage.py", "./a/index.ts", "b/index.ts", "/Users/me/code/x/cli.py", "~/.x/y.py"]
                .map(String::from),
            Vec::new(),
        );
        assert_eq!(files.resolve("storage.py").as_deref(), Some("app/storage.py"));
        assert_eq!(files.resolve("pyproject.toml").as_deref(), Some("pyproject.toml"));
        assert_eq!(files.resolve("docs/notes.md").as_deref(), Some("docs/notes.md"));
        assert_eq!(files.resolve("index.ts"), None);
        assert_eq!(files.resolve("../secrets.txt"), None);
        assert_eq!(files.resolve("/etc/passwd"), None);
        assert_eq!(files.resolve("~/.bashrc"), None);
        assert_eq!(files.resolve("C:/Users/me/storage.py"), None);
        assert_eq!(files.resolve("src\\storage.py"), None);
        // The plan's cli.py is outside the project: a truth naming cli.py means that one.
        assert_eq!(files.resolve("cli.py"), None);
        assert_eq!(files.resolve("y.py"), None);
        let files = files.with_scripts("Run `node bin/acme-tools.cjs runtime` and ./scripts/doctor.sh");
        assert_eq!(files.script_for("acme-tools"), Some("bin/acme-tools.cjs"));
        assert_eq!(files.script_for("doctor"), Some("scripts/doctor.sh"));
        assert_eq!(files.script_for("acme"), None);
    }
}
