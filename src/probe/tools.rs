//! `tools:` each binary resolved on the shell's PATH, its origin and its version.
//!
//! The version is the first `\d+(\.\d+)+` that `NAME --version` prints, on stdout or,
//! for tools like older Pythons, on stderr. Tools are asked in parallel: a nix shell's
//! wrappers can take a moment each.

use std::sync::LazyLock;

use regex::Regex;
use std::path::{Path, PathBuf};

use schemars::{JsonSchema, json_schema};
use serde::Deserialize;

use super::{Context, Item, Kind, Proposal, Rank, keyed};
use crate::clue::{Clue, regex};
use crate::exec::which;
use crate::outcome::{Ended, Evidence, Findings};
use crate::spec::schema::schema;
use crate::spec::shape::{Entries, Shaped, Text, deserialize_shaped};
use crate::version::{Version, VersionReq};

/// `tools:` binaries that must resolve on PATH, by name.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Tools(Entries<ToolSpec>);

/// Where a tool's binary must resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Anywhere on PATH.
    #[default]
    Any,
    /// Inside `/nix/store`.
    Nix,
    /// Inside the virtualenv (`$VIRTUAL_ENV`, else `.venv` under the root).
    Venv,
}

/// One entry of `tools:`.
#[derive(Debug, Clone)]
pub struct ToolSpec {
    /// The version the tool must report.
    pub version: VersionReq,
    /// Where its binary must resolve.
    pub from: Origin,
}

/// The map shape of a tool's requirement.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolMap {
    #[serde(default)]
    version: Option<Text>,
    #[serde(default)]
    from: Origin,
}

impl Shaped for ToolSpec {
    const EXPECTING: &'static str =
        "a version requirement (`any`, `3.12`, `>=0.4, <1`) or a map with `version` and `from`";
    type Map = ToolMap;

    fn from_str(text: &str) -> Result<Self, String> {
        Ok(ToolSpec { version: VersionReq::parse(text)?, from: Origin::Any })
    }

    fn from_map(map: ToolMap) -> Result<Self, String> {
        let version = match map.version {
            Some(text) => VersionReq::parse(&text.0)?,
            None => VersionReq::any(),
        };
        Ok(ToolSpec { version, from: map.from })
    }
}

deserialize_shaped!(ToolSpec);

schema!(ToolSpec, "Tool", |generator| json_schema!({
    "description": "`any`, a version prefix (\"3.12\"), comparisons (\">=0.4, <1\"), or {version, from}. Quote versions.",
    "anyOf": [{"type": "string"}, {"type": "integer"}, generator.subschema_for::<ToolMap>()]
}));

/// Tools a truth may name, as written (lowercase) and as the binary on PATH.
const TOOLS: &[(&str, &str)] = &[
    ("python3", "python3"), ("python", "python3"), ("uv", "uv"), ("ruff", "ruff"), ("cmake", "cmake"),
    ("node.js", "node"), ("nodejs", "node"), ("node", "node"), ("npm", "npm"), ("pnpm", "pnpm"),
    ("cargo", "cargo"), ("rustc", "rustc"), ("gcc", "gcc"), ("git", "git"), ("jq", "jq"),
    ("direnv", "direnv"), ("pre-commit", "pre-commit"), ("mypy", "mypy"), ("pytest", "pytest"),
    ("poetry", "poetry"), ("go", "go"), ("java", "java"), ("terraform", "terraform"), ("ninja", "ninja"),
    ("clang", "clang"), ("gfortran", "gfortran"), ("pkg-config", "pkg-config"), ("just", "just"),
];

/// The binaries of the tools `text` names, each once, in the order named.
pub fn named(text: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for (binary, _) in mentions(text) {
        if !names.contains(&binary) {
            names.push(binary);
        }
    }
    names
}

/// Each tool `text` names, as the binary on PATH, with the words around it. A tool's
/// name that is also a common English word counts only in backticks.
fn mentions(text: &str) -> impl Iterator<Item = (&'static str, regex::Captures<'_>)> {
    const AMBIGUOUS: &[&str] = &["go", "just", "node"];
    TOOL.captures_iter(text).filter_map(|c| {
        let word = c[2].to_lowercase();
        if AMBIGUOUS.contains(&word.as_str()) && c.get(1).is_none() {
            return None;
        }
        TOOLS.iter().find(|(w, _)| *w == word).map(|(_, binary)| (*binary, c))
    })
}

static TOOL: LazyLock<Regex> = LazyLock::new(|| {
    let names = TOOLS.iter().map(|(word, _)| regex::escape(word)).collect::<Vec<_>>().join("|");
    regex(&format!(r"(?i)(`)?\b({names})\b`?(?:\s+(>=|<=|<|>|==)?\s*v?(\d+(?:\.\d+){{0,2}})(\+|\.x)?)?"))
});

impl Kind for Tools {
    const KEY: &'static str = "tools";

    fn items(&self) -> Vec<Item> {
        keyed(Self::KEY, &self.0.0)
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        check(&self.0.0, ctx)
    }

    fn propose(clue: &Clue<'_>) -> Option<Proposal> {
        static SHELL: LazyLock<Regex> = LazyLock::new(|| {
            regex(r"(?i)\b(in|on) (the )?\$?PATH\b|`?nix develop`? (provides|gives)|\bdev ?shell\b|\bdevShell\b|development shell")
        });
        static ALTERNATIVES: LazyLock<Regex> = LazyLock::new(|| regex(r"\d\s*(,|\bor\b)\s*v?\d"));
        // "Node 18, 20 or 22" allows any of three: no single requirement says that.
        if !SHELL.is_match(clue.truth) || clue.negated() || ALTERNATIVES.is_match(clue.truth) {
            return None;
        }
        let mut tools = serde_json::Map::new();
        for (binary, c) in mentions(clue.truth) {
            let version = match (c.get(3), c.get(4), c.get(5)) {
                (_, Some(v), Some(plus)) if plus.as_str() == "+" => format!(">={}", v.as_str()),
                (Some(op), Some(v), _) => format!("{}{}", op.as_str(), v.as_str()),
                (None, Some(v), _) => v.as_str().to_string(),
                _ => "any".to_string(),
            };
            tools.insert(binary.to_string(), version.into());
        }
        (!tools.is_empty()).then(|| Proposal::new(Self::KEY, tools.into(), "recognised: tools on PATH", Rank::Recognised))
    }
}

fn check(tools: &[(String, ToolSpec)], ctx: &Context<'_>) -> Findings {
    let evidence = std::thread::scope(|scope| {
        let asks: Vec<_> =
            tools.iter().map(|(name, spec)| scope.spawn(move || check_one(name, spec, ctx))).collect();
        asks.into_iter()
            .zip(tools)
            .map(|(ask, (name, _))| {
                ask.join().unwrap_or_else(|_| {
                    Evidence::new("tools", name.clone(), false, "a result", "the check panicked")
                })
            })
            .collect()
    });
    Findings { evidence, commands: Vec::new() }
}

fn check_one(name: &str, spec: &ToolSpec, ctx: &Context<'_>) -> Evidence {
    let expected = match (spec.version.is_any(), spec.from) {
        (true, Origin::Any) => "on PATH".to_string(),
        (true, from) => format!("on PATH from {}", origin_name(from)),
        (false, Origin::Any) => format!("version {}", spec.version),
        (false, from) => format!("version {} from {}", spec.version, origin_name(from)),
    };
    let fail = |found: String| Evidence::new("tools", name, false, expected.clone(), found);
    let found = match find(name, spec.from, ctx) {
        Ok(found) => found,
        Err(why) => return fail(why),
    };
    let at = found.path.display();
    let shown = match (&found.version, spec.version.is_any()) {
        (Some(version), _) => format!("{version} at {at}"),
        (None, true) => format!("at {at}"),
        (None, false) => return fail(format!("no version in `{name} --version` at {at} ({})", found.said)),
    };
    let passed = spec.version.is_any() || found.version.as_ref().is_some_and(|v| spec.version.matches(v));
    Evidence::new("tools", name, passed, expected, shown)
}

/// A tool on the shell's PATH and what its `--version` said.
pub struct Found {
    /// Where it is.
    pub path: std::path::PathBuf,
    /// The version it printed, if any.
    pub version: Option<Version>,
    /// How `--version` ended, for a message: `it printed `...``, or how it failed.
    pub said: String,
}

/// Where `name` is on the PATH of `ctx`'s shell (from where `from` says) and the version
/// its `--version` prints; why not, when it is missing or elsewhere.
pub fn find(name: &str, from: Origin, ctx: &Context<'_>) -> Result<Found, String> {
    let path_var = ctx.env.var("PATH").unwrap_or_default();
    let Some(path) = which(name, &path_var) else {
        let dirs = path_var.split(':').filter(|d| !d.is_empty()).count();
        return Err(format!("not on PATH ({dirs} directories searched)"));
    };
    if let Some(problem) = origin_problem(&path, from, ctx) {
        return Err(format!("{} ({problem})", path.display()));
    }
    let finished =
        ctx.run(&[path.clone().into_os_string(), "--version".into()], &format!("{name} --version"));
    let version = [&finished.record.stdout_tail, &finished.record.stderr_tail]
        .into_iter()
        .find_map(|tail| Version::find(&tail.join("\n")));
    let said = match &finished.record.ended {
        ended @ (Ended::TimedOut(_) | Ended::NotStarted(_) | Ended::Signal(_)) => ended.to_string(),
        Ended::Exit(_) => {
            let first = finished.record.stdout_tail.iter().chain(&finished.record.stderr_tail).next();
            format!("it printed `{}`", first.map_or("", String::as_str))
        }
    };
    Ok(Found { path, version, said })
}

fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Any => "anywhere",
        Origin::Nix => "/nix/store",
        Origin::Venv => "the virtualenv",
    }
}

/// Why `path` is not where `from` requires, if it is not.
fn origin_problem(path: &Path, from: Origin, ctx: &Context<'_>) -> Option<String> {
    let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match from {
        Origin::Any => None,
        Origin::Nix if path.starts_with("/nix/store") || real.starts_with("/nix/store") => None,
        Origin::Nix if real == path => Some("outside /nix/store".into()),
        Origin::Nix => Some(format!("resolves to {}, outside /nix/store", real.display())),
        Origin::Venv => {
            let venv =
                ctx.env.var("VIRTUAL_ENV").map(PathBuf::from).unwrap_or_else(|| ctx.root.join(".venv"));
            if path.starts_with(&venv) {
                None
            } else {
                Some(format!("outside the virtualenv {}", venv.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::named;

    #[test]
    fn english_words_that_are_tools_count_only_in_backticks() {
        assert_eq!(named("We just go to the node and make it work"), Vec::<&str>::new());
        assert_eq!(named("`just`, Node.js 20, python and uv in the dev shell"), ["just", "node", "python3", "uv"]);
    }
}
