//! `flake_lock:` each flake has a flake.lock beside it that locks every input to a revision,
//! and, written as a map, keeps a policy as flake-checker does: inputs no older than
//! `max_age`, nixpkgs following a supported branch, inputs owned by an allowed owner.
//!
//! Read as JSON without evaluating anything: a node other than the root is an input (direct
//! or transitive), and it is pinned when its `locked` attributes carry a `rev`. A `path:`
//! or tarball input has none, so it is only as fixed as a directory or a URL.

use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use schemars::{JsonSchema, json_schema};
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

use super::{Context, Item, Kind, Proposal, Rank, Refusal, Site, listed, target};
use crate::clue::{Clue, regex};
use crate::glob::{ProjectFiles, Target};
use crate::inside::{Located, locate};
use crate::outcome::{Evidence, Findings};
use crate::spec::schema::schema;
use crate::spec::shape::{OneOrMany, Shaped, Span, deserialize_shaped};

const EXPECTED: &str = "a flake.lock locking every input to a revision";

/// The nixpkgs branches followed unless `branches` says otherwise: those supported as of
/// 2026-11 (they cannot be looked up offline; name your own to follow a newer release).
pub const SUPPORTED_BRANCHES: [&str; 9] = [
    "nixos-unstable",
    "nixos-unstable-small",
    "nixpkgs-unstable",
    "nixos-26.05",
    "nixos-26.05-small",
    "nixpkgs-26.05-darwin",
    "nixos-26.11",
    "nixos-26.11-small",
    "nixpkgs-26.11-darwin",
];

/// `flake_lock:` flake.nix files, their directories, or globs of them; or a map with
/// `flakes` and a policy.
#[derive(Debug)]
pub struct FlakeLock {
    flakes: Vec<String>,
    policy: Option<Policy>,
    /// What each entry names, settled at load time.
    targets: Vec<Target>,
}

/// What a map-shaped `flake_lock` asks beyond pinned inputs.
#[derive(Debug, Clone)]
struct Policy {
    max_age: Option<Duration>,
    branches: Vec<String>,
    owners: Option<Vec<String>>,
}

/// The map shape of `flake_lock`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlakeLockMap {
    /// The flakes (default: `flake.nix` at the root).
    #[serde(default)]
    flakes: OneOrMany<String>,
    /// Every locked input modified no longer ago than this (`30d`).
    #[serde(default)]
    max_age: Option<Span>,
    /// The branches nixpkgs may follow (default: the supported ones, see README).
    #[serde(default)]
    branches: Option<Vec<String>>,
    /// The owners (GitHub/GitLab) every input must belong to.
    #[serde(default)]
    owners: Option<Vec<String>>,
}

impl Shaped for FlakeLock {
    const EXPECTING: &'static str = "a flake.nix (or glob), a list of them, or a map with `flakes`, `max_age`, `branches`, `owners`";
    type Map = FlakeLockMap;

    fn from_str(text: &str) -> Result<Self, String> {
        Ok(FlakeLock { flakes: vec![text.to_string()], policy: None, targets: Vec::new() })
    }

    fn from_seq(items: Vec<String>) -> Result<Self, String> {
        Ok(FlakeLock { flakes: items, policy: None, targets: Vec::new() })
    }

    fn from_map(map: FlakeLockMap) -> Result<Self, String> {
        let flakes = if map.flakes.0.is_empty() { vec!["flake.nix".to_string()] } else { map.flakes.0 };
        let branches = map.branches.unwrap_or_else(|| SUPPORTED_BRANCHES.iter().map(|b| b.to_string()).collect());
        let policy = Policy { max_age: map.max_age.map(|s| s.0), branches, owners: map.owners };
        Ok(FlakeLock { flakes, policy: Some(policy), targets: Vec::new() })
    }
}

deserialize_shaped!(FlakeLock);

schema!(FlakeLock, "FlakeLock", |generator| json_schema!({
    "description": "flake.nix files (or their directories, or globs) whose flake.lock locks every input to a revision; as a map, also a policy.",
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}, generator.subschema_for::<FlakeLockMap>()]
}));

impl Kind for FlakeLock {
    const KEY: &'static str = "flake_lock";

    fn resolve(&mut self, site: &Site<'_>) -> Result<(), Refusal> {
        for (j, flake) in self.flakes.iter().enumerate() {
            self.targets.push(target(site.root, flake, &format!("{}/{j}", Self::KEY))?);
        }
        Ok(())
    }

    fn items(&self) -> Vec<Item> {
        match &self.policy {
            None => listed(Self::KEY, &self.flakes),
            Some(_) => listed(&format!("{}/flakes", Self::KEY), &self.flakes),
        }
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        check(&self.targets, self.policy.as_ref(), ctx.root)
    }

    fn propose(clue: &Clue<'_>) -> Option<Proposal> {
        static PINNED: LazyLock<Regex> = LazyLock::new(|| {
            regex(r"(?i)^`?flake\.lock`? (pins|locks) (every|all|each) (flake )?inputs?( to a (rev|revision|commit))?\.?$|^(all|every) (flake )?inputs? (are|is) (pinned|locked)( (in|by) `?flake\.lock`?)?\.?$")
        });
        PINNED.is_match(clue.truth).then(|| Proposal::new(Self::KEY, serde_json::json!(["flake.nix"]), "recognised: flake.lock pins its inputs", Rank::Recognised))
    }
}

fn check(flakes: &[Target], policy: Option<&Policy>, root: &Path) -> Findings {
    let project = ProjectFiles::new(root);
    let mut evidence = Vec::new();
    for target in flakes {
        match target {
            Target::Path(path) => evidence.push(check_one(path, policy, root)),
            Target::Glob(pattern) => match project.matching(pattern) {
                Ok(paths) => evidence.extend(paths.into_iter().map(|path| check_one(path, policy, root))),
                Err(none) => {
                    evidence.push(Evidence::new("flake_lock", pattern.text(), false, EXPECTED, none))
                }
            },
        }
    }
    Findings { evidence, commands: Vec::new() }
}

/// Checks the lock of one flake, named by its flake.nix or its directory.
fn check_one(flake: &str, policy: Option<&Policy>, root: &Path) -> Evidence {
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
    let mut problems: Vec<String> = inputs
        .iter()
        .filter(|(_, node)| node["locked"]["rev"].as_str().is_none_or(str::is_empty))
        .map(|(name, node)| {
            let reference = flake_ref(&node["original"]);
            match node["locked"].is_object() {
                true => format!("`{name}` ({reference}) is locked without a revision; point it at a git or GitHub URL and run `nix flake lock`"),
                false => format!("`{name}` ({reference}) is not locked; run `nix flake lock`"),
            }
        })
        .collect();
    if let Some(policy) = policy {
        problems.extend(inputs.iter().filter_map(|(name, node)| policy_problem(name, node, policy)));
    }
    match (problems.is_empty(), inputs.len()) {
        (true, 0) => item(true, "no inputs".into()),
        (true, n) => {
            let kept = if policy.is_some() { " and the policy" } else { "" };
            item(true, format!("{n} input{}, each locked to a revision{kept}", if n == 1 { "" } else { "s" }))
        }
        (false, _) => item(false, problems.join("; ")),
    }
}

/// What an input breaks of the policy: its age, the branch nixpkgs follows, its owner.
fn policy_problem(name: &str, node: &Value, policy: &Policy) -> Option<String> {
    let original = &node["original"];
    let reference = flake_ref(original);
    let mut broken = Vec::new();
    if let (Some(limit), Some(modified)) = (policy.max_age, node["locked"]["lastModified"].as_u64()) {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let age = now.saturating_sub(modified);
        if age > limit.as_secs() {
            broken.push(format!(
                "was last modified {} days ago, more than {}; run `nix flake update {name}`",
                age / 86_400,
                crate::duration::display(limit)
            ));
        }
    }
    let is_nixpkgs = original["repo"].as_str() == Some("nixpkgs") && original["owner"].as_str().is_some_and(|o| o.eq_ignore_ascii_case("NixOS"));
    if is_nixpkgs {
        match original["ref"].as_str() {
            Some(branch) if policy.branches.iter().any(|b| b == branch) => {}
            Some(branch) => broken.push(format!("follows `{branch}`, not one of {}", policy.branches.join(", "))),
            None => broken.push(format!("follows the default branch, not one of {}", policy.branches.join(", "))),
        }
    }
    if let (Some(owners), Some(owner)) = (&policy.owners, original["owner"].as_str())
        && !owners.iter().any(|o| o.eq_ignore_ascii_case(owner))
    {
        broken.push(format!("belongs to `{owner}`, not one of {}", owners.join(", ")));
    }
    (!broken.is_empty()).then(|| format!("`{name}` ({reference}) {}", broken.join(", and ")))
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
