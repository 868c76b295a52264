//! The project's own way to test, build and lint, read from its files: a Makefile's
//! targets, Cargo.toml, pyproject.toml with pytest, ruff or mypy, package.json scripts,
//! tsconfig.json with TypeScript installed, gradlew.

use std::path::Path;

use super::Job;

/// A command the project runs for a job, and the file that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runner {
    /// The job.
    pub job: Job,
    /// The command.
    pub command: String,
    /// The project file it comes from.
    pub from: &'static str,
}

/// The runners of the project at `root`, the first for each job being the one to propose:
/// a Makefile target is the project's own entry point, so it comes before a language's tool.
pub fn runners(root: &Path) -> Vec<Runner> {
    // A FIFO named like a project file is never opened.
    let read = |name: &str| crate::bounded::read_text(&root.join(name));
    let mut found = Vec::new();
    let mut add = |job, command: String, from| found.push(Runner { job, command, from });
    for (name, text) in ["Makefile", "makefile", "GNUmakefile"].iter().filter_map(|n| Some((*n, read(n)?))) {
        let name: &'static str = name;
        for (job, target) in
            // `make check` runs the tests too, by the GNU convention.
            [(Job::Test, "test"), (Job::Build, "build"), (Job::Lint, "lint")]
        {
            if text.lines().any(|l| l.starts_with(&format!("{target}:"))) {
                add(job, format!("make {target}"), name);
            }
        }
    }
    if read("Cargo.toml").is_some() {
        add(Job::Test, "cargo test".into(), "Cargo.toml");
        add(Job::Build, "cargo build".into(), "Cargo.toml");
        add(Job::Lint, "cargo clippy --all-targets -- -D warnings".into(), "Cargo.toml");
    }
    if let Some(text) = read("pyproject.toml") {
        let prefix = if root.join("uv.lock").is_file() { "uv run " } else { "" };
        if text.contains("pytest") {
            add(Job::Test, format!("{prefix}pytest"), "pyproject.toml");
        }
        if text.contains("[tool.ruff") {
            add(Job::Lint, format!("{prefix}ruff check ."), "pyproject.toml");
        }
        // mypy is a type checker: it passing says nothing of the linters.
        if text.contains("[tool.mypy") {
            add(Job::Typecheck, format!("{prefix}mypy ."), "pyproject.toml");
        }
    }
    let package = read("package.json").and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    if let Some(scripts) = package.as_ref().and_then(|v| v.get("scripts")) {
        let manager = match () {
            _ if root.join("pnpm-lock.yaml").is_file() => "pnpm",
            _ if root.join("yarn.lock").is_file() => "yarn",
            _ if root.join("bun.lockb").is_file() || root.join("bun.lock").is_file() => "bun",
            _ => "npm",
        };
        for (job, script) in [
            (Job::Test, "test"),
            (Job::Build, "build"),
            (Job::Lint, "lint"),
            (Job::Typecheck, "typecheck"),
            (Job::Typecheck, "type-check"),
        ] {
            if scripts.get(script).is_some() {
                let command = match (manager, script) {
                    ("npm", "test") => "npm test".to_string(),
                    (manager, script) => format!("{manager} run {script}"),
                };
                add(job, command, "package.json");
            }
        }
    }
    // TypeScript the project installs: `npx` finds its `tsc` in node_modules, never the network's.
    let typescript = ["dependencies", "devDependencies"]
        .iter()
        .any(|key| package.as_ref().and_then(|v| v.get(key)).and_then(|d| d.get("typescript")).is_some());
    if typescript && root.join("tsconfig.json").is_file() {
        add(Job::Typecheck, "npx --no-install tsc --noEmit".into(), "tsconfig.json");
    }
    if root.join("gradlew").is_file() {
        add(Job::Test, "./gradlew test".into(), "gradlew");
        add(Job::Build, "./gradlew build".into(), "gradlew");
        // `./gradlew check` runs the tests too.
    }
    found
}
