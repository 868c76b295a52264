//! Where a command can run as a check, from what the project's root holds: `npm test` in a
//! checkout without a package.json at its root runs nowhere (the plan's author ran it in a
//! subdirectory), and `tsc --noEmit` under a tsconfig.json that lists no files checks
//! nothing. It also knows the programs the project declares, which a truth may ask for help.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::plan_files::PlanFiles;
use super::regex;
use crate::inside::resolved;

/// What the project's root says about where commands run.
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// The root; none when unknown.
    root: Option<PathBuf>,
    /// The names at the root of a checkout (a git work tree); none when the root is no
    /// checkout, and then nothing is known of what it lacks.
    root_names: Option<HashSet<String>>,
    /// Whether the root tsconfig.json lists no files and only references others.
    tsconfig_lists_nothing: bool,
    /// The programs the project declares: pyproject.toml's `[project.scripts]` (or
    /// Poetry's), package.json's `bin`, Cargo.toml's package.
    programs: HashSet<String>,
    /// The packages the root package.json lists as dependencies.
    node_packages: HashSet<String>,
}

impl Project {
    /// What the root at `root` holds.
    pub fn read(root: &Path) -> Project {
        let root_names = root.join(".git").exists().then(|| {
            std::fs::read_dir(root)
                .map(|entries| {
                    entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()
                })
                .unwrap_or_default()
        });
        let tsconfig = crate::bounded::read_text(&root.join("tsconfig.json")).unwrap_or_default();
        let tsconfig_lists_nothing = NO_FILES.is_match(&tsconfig) && tsconfig.contains("\"references\"");
        let package = crate::bounded::read_text(&root.join("package.json"))
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
        let node_packages = ["dependencies", "devDependencies", "optionalDependencies"]
            .iter()
            .filter_map(|key| package.as_ref()?.get(key)?.as_object())
            .flat_map(|deps| deps.keys().cloned())
            .collect();
        Project {
            root: Some(root.to_path_buf()),
            root_names,
            tsconfig_lists_nothing,
            programs: programs(root, package.as_ref()),
            node_packages,
        }
    }

    /// Whether the project declares `program` as one of its own.
    pub fn declares(&self, program: &str) -> bool {
        self.programs.contains(program)
    }

    /// Whether `path` (relative to the root), or a directory on the way to it, leads
    /// outside the root through a link: a check may not name it, even before it exists.
    pub fn leads_outside(&self, path: &str) -> bool {
        self.root.as_ref().is_some_and(|root| !resolved(&root.join(path)).starts_with(resolved(root)))
    }

    /// Why `command` is no check at the project's root: the file it needs is not there and
    /// the plan (`planned`) does not make it, or it would check nothing.
    pub fn unfit(&self, command: &str, planned: &PlanFiles) -> Option<String> {
        if self.tsconfig_lists_nothing && BARE_TSC.is_match(command) {
            return Some(format!(
                "the root tsconfig.json lists no files (it only references others), so `{command}` checks nothing: write `tsc -b` or `tsc -p <config> --noEmit`"
            ));
        }
        let names = self.root_names.as_ref()?;
        // A script run by its path: it must be there, or the plan must make it.
        let program = command.split_whitespace().next().unwrap_or_default();
        if let Some(script) = program
            .strip_prefix("./")
            .filter(|s| s.contains(['.', '/']) && !s.starts_with("gradlew") && !s.starts_with("mvnw"))
            && !planned.makes(script)
            && self.root.as_ref().is_some_and(|root| !root.join(script).is_file())
        {
            return Some(format!(
                "`{program}` is not in the project, nor does the plan make it: write the command that exists"
            ));
        }
        // npx runs a package the project lists, or downloads it.
        if let Some(package) = NPX.captures(command).map(|c| c[1].to_string())
            && names.contains("package.json")
            && !command.contains("--no-install")
            && !self.node_packages.iter().any(|p| {
                p == &package
                    || p.ends_with(&format!("/{package}"))
                    || BIN_OF.iter().any(|(bin, of)| *bin == package && p == of)
            })
        {
            return Some(format!(
                "`npx {package}` would download {package}, which package.json does not list: add it to devDependencies, or run it another way"
            ));
        }
        let (_, needs) = NEEDS.iter().find(|(pattern, _)| pattern.is_match(command))?;
        let made = |name: &str| names.contains(name) || planned.makes(name);
        if needs.iter().any(|name| made(name)) {
            return None;
        }
        Some(format!(
            "`{command}` needs {} at the project root, and there is none: run it where it is (`run: \"cd DIR && {command}\"`)",
            needs[0]
        ))
    }
}

/// The file at the root a command needs, by the command's start.
/// `npx PACKAGE`, unless told never to install.
static NPX: LazyLock<Regex> = LazyLock::new(|| regex(r"^npx\s+(?:-{1,2}[\w-]+\s+)*?((?:@[\w.-]+/)?[\w.-]+)"));
/// Programs whose package has another name.
const BIN_OF: &[(&str, &str)] =
    &[("tsc", "typescript"), ("playwright", "@playwright/test"), ("ng", "@angular/cli")];
static NEEDS: LazyLock<Vec<(Regex, &'static [&'static str])>> = LazyLock::new(|| {
    let table: [(&str, &'static [&'static str]); 10] = [
        // npx without a package.json downloads what it runs.
        (r"^(npm|pnpm|yarn|npx)\s|^bun\s+run\b", &["package.json"]),
        (r"^cargo\s", &["Cargo.toml"]),
        (r"^go\s+(test|build|vet)\b", &["go.mod", "go.work"]),
        (r"^(\./)?gradlew\s", &["gradlew"]),
        (r"^gradle\s", &["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"]),
        (r"^(\./mvnw|mvn)\s", &["pom.xml"]),
        (r"^make(\s|$)", &["Makefile", "makefile", "GNUmakefile"]),
        (r"^just(\s|$)", &["justfile", "Justfile", ".justfile"]),
        (r"^(uv\s+(sync|lock)|poetry\s)", &["pyproject.toml"]),
        (r"^nix\s+flake\s", &["flake.nix"]),
    ];
    table.into_iter().map(|(pattern, needs)| (regex(pattern), needs)).collect()
});
/// `tsc` on the root config: no `-p`, `--project`, `-b` or `--build`.
/// The programs `root`'s manifests declare, its `package` (package.json) among them.
fn programs(root: &Path, package: Option<&serde_json::Value>) -> HashSet<String> {
    let read = |name: &str| crate::bounded::read_text(&root.join(name)).unwrap_or_default();
    let mut found = HashSet::new();
    // The keys of a scripts table, up to the next table.
    let pyproject = read("pyproject.toml");
    if let Some(table) = SCRIPTS_TABLE.find(&pyproject) {
        let body = &pyproject[table.end()..];
        let body = TABLE.split(body).next().unwrap_or(body);
        found.extend(TOML_KEY.captures_iter(body).map(|c| c[1].to_string()));
    }
    if let Some(package) = package {
        match &package["bin"] {
            serde_json::Value::String(_) => {
                found.extend(package["name"].as_str().map(|n| n.rsplit('/').next().unwrap_or(n).to_string()))
            }
            serde_json::Value::Object(bins) => found.extend(bins.keys().cloned()),
            _ => {}
        }
    }
    found.extend(CARGO_NAME.captures(&read("Cargo.toml")).map(|c| c[1].to_string()));
    found
}

static SCRIPTS_TABLE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\[(?:project\.scripts|tool\.poetry\.scripts)\][^\n]*\n"));
static TOML_KEY: LazyLock<Regex> = LazyLock::new(|| regex(r#"(?m)^\s*"?([\w.-]+)"?\s*="#));
static TABLE: LazyLock<Regex> = LazyLock::new(|| regex(r"\n\s*\["));
static CARGO_NAME: LazyLock<Regex> =
    LazyLock::new(|| regex(r#"(?m)^\[package\][^\n]*\n(?:(?:[^\[\n][^\n]*)?\n)*?name\s*=\s*"([\w-]+)""#));
static BARE_TSC: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^(npx\s+(--no-install\s+)?)?tsc(\s+--noEmit|\s+--pretty|\s+--incremental)*\s*$")
});
static NO_FILES: LazyLock<Regex> = LazyLock::new(|| regex(r#""files"\s*:\s*\[\s*\]"#));

#[cfg(test)]
mod tests {
    use super::Project;
    use crate::clue::plan_files::PlanFiles;

    #[test]
    fn a_checkout_without_the_file_a_command_needs_is_no_place_to_run_it() {
        let dir = tempfile::tempdir().unwrap();
        let project = |files: &[&str]| {
            for file in files {
                std::fs::write(dir.path().join(file), "").unwrap();
            }
            Project::read(dir.path())
        };
        let none = PlanFiles::default();
        // No checkout: nothing is known.
        assert_eq!(project(&[]).unfit("npm test", &none), None);
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        assert!(project(&[]).unfit("npm test", &none).unwrap().contains("needs package.json"));
        assert!(project(&[]).unfit("cargo test", &none).unwrap().contains("needs Cargo.toml"));
        assert_eq!(project(&[]).unfit("pytest -q", &none), None);
        assert!(project(&[]).unfit("./scripts/check.sh", &none).unwrap().contains("is not in the project"));
        assert_eq!(
            project(&[])
                .unfit("./scripts/check.sh", &PlanFiles::new(["scripts/check.sh".to_string()], Vec::new())),
            None
        );
        // The plan makes it.
        let planned = PlanFiles::new(["package.json".to_string()], Vec::new());
        assert_eq!(project(&[]).unfit("npm test", &planned), None);
        assert_eq!(project(&["Cargo.toml"]).unfit("cargo test", &none), None);
        std::fs::write(
            dir.path().join("tsconfig.json"),
            r#"{ "files": [], "references": [{ "path": "./tsconfig.app.json" }] }"#,
        )
        .unwrap();
        assert!(project(&[]).unfit("npx tsc --noEmit", &none).unwrap().contains("checks nothing"));
        // npx runs what package.json lists, or downloads it.
        assert!(
            project(&[])
                .unfit("npx tsc -p tsconfig.app.json --noEmit", &none)
                .unwrap()
                .contains("needs package.json")
        );
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"devDependencies": {"typescript": "^5", "@biomejs/biome": "1"}}"#,
        )
        .unwrap();
        assert_eq!(project(&[]).unfit("npx tsc -p tsconfig.app.json --noEmit", &none), None);
        assert_eq!(project(&[]).unfit("npx biome check .", &none), None);
        assert!(project(&[]).unfit("npx cowsay hi", &none).unwrap().contains("would download cowsay"));
        assert!(project(&[]).unfit("npx @prisma/cli --help", &none).unwrap().contains("would download"));
        // A link out of the project on the way to a file that does not exist yet.
        std::os::unix::fs::symlink("..", dir.path().join("up")).unwrap();
        assert!(project(&[]).leads_outside("up/secret.txt"));
        assert!(!project(&[]).leads_outside("src/new.py"));
    }
}
