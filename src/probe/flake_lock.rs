//! `flake_lock:` each flake has a flake.lock beside it that locks every input to a revision.
//!
//! Read as JSON without evaluating anything: a node other than the root is an input (direct
//! or transitive), and it is pinned when its `locked` attributes carry a `rev`. A `path:`
//! or tarball input has none, so it is only as fixed as a directory or a URL.

use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{Context, Item, Kind, Refusal, Site, listed, target};
use crate::glob::{ProjectFiles, Target};
use crate::inside::{Located, locate};
use crate::outcome::{Evidence, Findings};
use crate::spec::shape::OneOrMany;

const EXPECTED: &str = "a flake.lock locking every input to a revision";

/// `flake_lock:` flake.nix files, their directories, or globs of them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct FlakeLock {
    flakes: OneOrMany<String>,
    /// What each entry names, settled at load time.
    #[serde(skip)]
    #[schemars(skip)]
    targets: Vec<Target>,
}

impl Kind for FlakeLock {
    const KEY: &'static str = "flake_lock";

    fn resolve(&mut self, site: &Site<'_>) -> Result<(), Refusal> {
        for (j, flake) in self.flakes.0.iter().enumerate() {
            self.targets.push(target(site.root, flake, &format!("{}/{j}", Self::KEY))?);
        }
        Ok(())
    }

    fn items(&self) -> Vec<Item> {
        listed(Self::KEY, &self.flakes.0)
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        check(&self.targets, ctx.root)
    }
}

fn check(flakes: &[Target], root: &Path) -> Findings {
    let project = ProjectFiles::new(root);
    let mut evidence = Vec::new();
    for target in flakes {
        match target {
            Target::Path(path) => evidence.push(check_one(path, root)),
            Target::Glob(pattern) => match project.matching(pattern) {
                Ok(paths) => evidence.extend(paths.into_iter().map(|path| check_one(path, root))),
                Err(none) => {
                    evidence.push(Evidence::new("flake_lock", pattern.text(), false, EXPECTED, none))
                }
            },
        }
    }
    Findings { evidence, commands: Vec::new() }
}

/// Checks the lock of one flake, named by its flake.nix or its directory.
fn check_one(flake: &str, root: &Path) -> Evidence {
    let named = Path::new(flake);
    let dir = match named.file_name().is_some_and(|name| name == "flake.nix") {
        true => named.parent().unwrap_or(Path::new("")),
        false => named,
    };
    let dir = dir.strip_prefix(".").unwrap_or(dir).to_string_lossy();
    let lock = match dir.as_ref() {
        "" => "flake.lock".to_string(),
        dir => format!("{dir}/flake.lock"),
    };
    let item = |passed: bool, found: String| Evidence::new("flake_lock", &lock, passed, EXPECTED, found);
    let in_dir = if dir.is_empty() { String::from("the root") } else { dir.to_string() };
    let path = match locate(root, &lock) {
        Located::Inside(path) => path,
        Located::Outside(real) => {
            return item(false, format!("leads outside the project root, to {}", real.display()));
        }
        Located::Missing => {
            return item(false, format!("missing: run `nix flake lock` in {in_dir} and commit flake.lock"));
        }
    };
    let parsed = std::fs::read(&path)
        .map_err(|err| err.to_string())
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).map_err(|err| err.to_string()));
    let lock_file = match parsed {
        Ok(value) => value,
        Err(err) => return item(false, format!("unreadable as a flake.lock: {err}")),
    };
    let root_name = lock_file["root"].as_str().unwrap_or("root");
    let Some(nodes) = lock_file["nodes"].as_object() else {
        return item(false, "unreadable as a flake.lock: no `nodes`".into());
    };
    let inputs: Vec<(&String, &Value)> = nodes.iter().filter(|(name, _)| *name != root_name).collect();
    let unpinned: Vec<String> = inputs
        .iter()
        .filter(|(_, node)| node["locked"]["rev"].as_str().is_none_or(str::is_empty))
        .map(|(name, node)| {
            let reference = flake_ref(&node["original"]);
            match node["locked"].is_object() {
                true => format!("`{name}` ({reference}) is locked without a revision"),
                false => format!("`{name}` ({reference}) is not locked"),
            }
        })
        .collect();
    match (unpinned.is_empty(), inputs.len()) {
        (true, 0) => item(true, "no inputs".into()),
        (true, n) => {
            item(true, format!("{n} input{}, each locked to a revision", if n == 1 { "" } else { "s" }))
        }
        (false, _) => item(
            false,
            format!("{}; point it at a git or GitHub URL and run `nix flake lock`", unpinned.join("; ")),
        ),
    }
}

/// An input's original reference as a flake URL, for messages.
fn flake_ref(original: &Value) -> String {
    let attr = |key: &str| original[key].as_str().unwrap_or("?");
    match attr("type") {
        kind @ ("github" | "gitlab" | "sourcehut") => format!("{kind}:{}/{}", attr("owner"), attr("repo")),
        "path" => format!("path:{}", attr("path")),
        "indirect" => format!("flake:{}", attr("id")),
        "git" | "mercurial" | "tarball" | "file" => attr("url").to_string(),
        other => other.to_string(),
    }
}
