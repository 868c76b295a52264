//! The project files a plan names (its artifacts, key links and `files_modified`), so
//! that a truth's bare `storage.py` becomes the path the plan means, and its key links,
//! the plan's own checks of wiring a truth may describe.

/// A key link of the plan: a file, what it links to, and the regex that finds the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The file that holds the link.
    pub from: String,
    /// What it links to.
    pub to: String,
    /// The regex, when the plan gives one.
    pub pattern: Option<String>,
}

/// The paths and key links a plan names.
#[derive(Debug, Clone, Default)]
pub struct PlanFiles {
    paths: Vec<String>,
    /// The key links written as maps.
    pub links: Vec<Link>,
}

impl PlanFiles {
    /// The paths and key links a plan names; only the project's own paths are kept: the
    /// plan author's checkout (`/Users/...`) or home is no path a check may name.
    pub fn new(paths: impl IntoIterator<Item = String>, links: Vec<Link>) -> PlanFiles {
        let mut paths: Vec<String> = paths
            .into_iter()
            .map(|p| p.trim().trim_start_matches("./").trim_end_matches('/').to_string())
            .filter(|p| crate::inside::stays_inside(p) && !p.starts_with('~'))
            .collect();
        paths.sort();
        paths.dedup();
        PlanFiles { paths, links }
    }

    /// The project path a truth means by `name`: as written when it has a directory, else
    /// the one path of the plan with that file name, else `name` at the root; none when
    /// the plan names several files of that name, or the path leaves the project.
    pub fn resolve(&self, name: &str) -> Option<String> {
        if !crate::inside::stays_inside(name) || name.starts_with('~') {
            return None;
        }
        if name.contains('/') {
            return Some(name.to_string());
        }
        let mut same = self.paths.iter().filter(|p| base_name(p) == name);
        match (same.next(), same.next()) {
            (Some(path), None) => Some(path.clone()),
            (None, _) => Some(name.to_string()),
            (Some(_), Some(_)) => None,
        }
    }
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
        assert_eq!(files.resolve("cli.py").as_deref(), Some("cli.py"));
    }
}
