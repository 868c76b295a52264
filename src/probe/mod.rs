//! Probes: each kind checks one kind of thing and reports one evidence item per thing
//! checked. A probe never prints and never decides how results are shown; it returns
//! [`Findings`].
//!
//! Each kind is one file here that declares its YAML key, its spec type (what the key's
//! value decodes into), how it resolves against the project, its items, how it checks
//! and what `init` may propose. [`registry!`] lists the kinds once; the loader, the
//! "a truth needs a probe" message, the JSON Schema and `init` all read that list.
//! Adding a kind = one file + one line in the registry.

pub mod artifact;
pub mod descriptor;
pub mod key_link;

use std::ffi::OsString;
use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::de::{DeserializeOwned, MapAccess};

use crate::clue::Clue;
use crate::exec::Exec;
use crate::glob::{Glob, Target};
use crate::outcome::Findings;
use crate::shell::Environment;
use crate::spec::ProbeSet;

/// One probe kind: its spec type, decoded from the value of [`Kind::KEY`].
pub trait Kind: DeserializeOwned + JsonSchema + fmt::Debug + Send + Sync + 'static {
    /// Its key in a truth.
    const KEY: &'static str;
    /// Whether it runs the truth's `python:` interpreter.
    const USES_PYTHON: bool = false;

    /// Checks and settles what needs the project (paths inside the root, the interpreter),
    /// at load time.
    fn resolve(&mut self, _site: &Site<'_>) -> Result<(), Refusal> {
        Ok(())
    }

    /// What it checks, each with where it is written; none is a load error.
    fn items(&self) -> Vec<Item>;

    /// Runs the checks.
    fn check(&self, ctx: &Context<'_>) -> Findings;

    /// Whether it holds an assertion that could fail (goss warns on empty assertions):
    /// `run: "true"` proves nothing.
    fn can_fail(&self) -> bool {
        true
    }

    /// What `init` may write for a truth, when this kind is the right probe for it; a
    /// kind that recognises the truth but cannot check it proposes a [`Rank::Note`].
    fn propose(_clue: &Clue<'_>) -> Option<Proposal> {
        None
    }
}

/// A probe of a truth, of any kind.
pub trait Probe: fmt::Debug + Send + Sync {
    /// Its key in the truth, which also names its evidence.
    fn key(&self) -> &'static str;
    /// See [`Kind::resolve`].
    fn resolve(&mut self, site: &Site<'_>) -> Result<(), Refusal>;
    /// See [`Kind::items`].
    fn items(&self) -> Vec<Item>;
    /// See [`Kind::check`].
    fn check(&self, ctx: &Context<'_>) -> Findings;
    /// See [`Kind::can_fail`].
    fn can_fail(&self) -> bool;
}

impl<K: Kind> Probe for K {
    fn key(&self) -> &'static str {
        K::KEY
    }
    fn resolve(&mut self, site: &Site<'_>) -> Result<(), Refusal> {
        Kind::resolve(self, site)
    }
    fn items(&self) -> Vec<Item> {
        Kind::items(self)
    }
    fn check(&self, ctx: &Context<'_>) -> Findings {
        Kind::check(self, ctx)
    }
    fn can_fail(&self) -> bool {
        Kind::can_fail(self)
    }
}

/// What a probe may need of the project at load time.
pub struct Site<'a> {
    /// The project root.
    pub root: &'a Path,
    /// The truth's `python:`, if written.
    pub python: Option<&'a str>,
}

/// Why a probe cannot be loaded: the message, at a path below the truth
/// (`files/.envrc`, `python`).
#[derive(Debug)]
pub struct Refusal {
    /// Where, relative to the truth.
    pub at: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Refusal {
    /// A refusal at `at` (relative to the truth).
    pub fn new(at: impl Into<String>, message: impl Into<String>) -> Refusal {
        Refusal { at: at.into(), message: message.into() }
    }
}

/// One thing a probe checks, and where it is written (a path below the truth).
#[derive(Debug, Clone)]
pub struct Item {
    /// Which evidence items it stands for.
    pub name: ItemName,
    /// Where it is written, relative to the truth (`tools/uv`, `imports/0`).
    pub at: String,
}

/// The evidence items one written item stands for.
#[derive(Debug, Clone)]
pub enum ItemName {
    /// Every item of the probe (a `run:` command's results).
    Every,
    /// The item of this name.
    Named(String),
    /// Every file a glob matched.
    Glob(Glob),
}

impl ItemName {
    /// Whether an evidence item named `item` comes from this written item.
    pub fn covers(&self, item: &str) -> bool {
        match self {
            ItemName::Every => true,
            ItemName::Named(name) => name == item,
            ItemName::Glob(glob) => glob.matches(item),
        }
    }
}

/// What `init` writes for a truth: YAML lines under `- truth:` and where they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// `key: value`, indented as under a truth.
    pub yaml: String,
    /// A comment for the reader: where it came from.
    pub because: String,
    /// How sure it is; the lowest wins.
    pub rank: Rank,
}

impl Proposal {
    /// A proposal of `key: value`, the value written as JSON (a YAML flow value).
    pub fn new(key: &str, value: serde_json::Value, because: impl Into<String>, rank: Rank) -> Proposal {
        Proposal { yaml: format!("{key}: {value}"), because: because.into(), rank }
    }

    /// No probe, and why: `manual: "TODO: ..."` with the reason.
    pub fn note(why: impl fmt::Display) -> Proposal {
        let text = serde_json::Value::String(format!("TODO: {why}"));
        Proposal { yaml: format!("manual: {text}"), because: "no probe proposed".into(), rank: Rank::Note }
    }
}

/// Where a proposal comes from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// A command the plan itself runs to verify its work.
    Plan,
    /// A probe for what the truth says (tools, imports, files, variables, libraries).
    Recognised,
    /// A command in the truth's backticks.
    Truth,
    /// The project's own runner for "tests pass", "builds", "lint is clean".
    Runner,
    /// No probe: a `manual` TODO saying why.
    Note,
}

/// The facts about one kind that do not need a value of it.
pub struct KindInfo {
    /// Its key.
    pub key: &'static str,
    /// Whether it runs the truth's `python:`.
    pub uses_python: bool,
    /// See [`Kind::propose`].
    pub propose: fn(&Clue<'_>) -> Option<Proposal>,
}

/// Lists the probe kinds, once: each line names a kind's file (its module) and its spec
/// type; from it come the modules, a truth's probe keys, their schemas and proposals.
macro_rules! registry {
    ($($module:ident::$kind:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every probe kind, in the order of the registry.
        pub const KINDS: &[KindInfo] = &[$(KindInfo {
            key: <$module::$kind as Kind>::KEY,
            uses_python: <$module::$kind as Kind>::USES_PYTHON,
            propose: <$module::$kind as Kind>::propose,
        }),*];

        impl ProbeSet for Probes {
            const KEYS: &'static [&'static str] = &[$(<$module::$kind as Kind>::KEY),*];

            fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                $(if key == <$module::$kind as Kind>::KEY {
                    self.0.push(Box::new(map.next_value::<$module::$kind>()?));
                    return Ok(true);
                })*
                Ok(false)
            }

            fn schemas(generator: &mut schemars::SchemaGenerator) -> Vec<(&'static str, schemars::Schema)> {
                vec![$((<$module::$kind as Kind>::KEY, generator.subschema_for::<$module::$kind>())),*]
            }
        }
    };
}

// The tools a plan names and where a shell has them: `init --from-shell`'s baseline.
pub use tools::{Origin, find as find_tool, named as tools_named};

registry! {
    run::Run,
    tools::Tools,
    imports::Imports,
    files::Files,
    env::Env,
    libs::Libs,
    packages::Packages,
    flake_lock::FlakeLock,
    python_packages::PythonPackages,
    pip_check::PipCheck,
}

/// The probes of one truth, in the order written.
#[derive(Debug, Default)]
pub struct Probes(pub Vec<Box<dyn Probe>>);

/// The probe keys as a sentence: "`run`, `tools`, ... or `flake_lock`".
pub fn keys_listed() -> String {
    KINDS.iter().map(|kind| format!("`{}`", kind.key)).collect::<Vec<_>>().join(", ")
}

/// What a probe runs against.
pub struct Context<'a> {
    /// The project root; commands run here and paths are relative to it.
    pub root: &'a Path,
    /// The shell's environment.
    pub env: &'a Environment,
    /// When the truth's time is up.
    pub deadline: Instant,
    /// The truth's time limit, for messages.
    pub limit: Duration,
}

impl Context<'_> {
    fn exec(&self) -> Exec<'_> {
        Exec {
            dir: self.root,
            env: &self.env.vars,
            secrets: &self.env.secrets,
            deadline: self.deadline,
            limit: self.limit,
        }
    }

    fn run(&self, argv: &[OsString], shown: &str) -> crate::exec::Finished {
        crate::exec::run(argv, shown, &self.exec())
    }

    /// Runs a command with variables set (`NAME`, `VALUE`) or, with an empty value, unset.
    fn run_with(&self, argv: &[OsString], shown: &str, changes: &[(&str, &str)]) -> crate::exec::Finished {
        let mut env = self.env.vars.clone();
        for (name, value) in changes {
            match value.is_empty() {
                true => env.remove(std::ffi::OsStr::new(name)),
                false => env.insert(name.into(), value.into()),
            };
        }
        crate::exec::run(argv, shown, &Exec { env: &env, ..self.exec() })
    }
}

/// Items named by the keys of a map-shaped probe (`tools/uv`).
fn keyed<'a, T: 'a>(key: &str, entries: impl IntoIterator<Item = &'a (String, T)>) -> Vec<Item> {
    entries
        .into_iter()
        .map(|(name, _)| Item { name: ItemName::Named(name.clone()), at: format!("{key}/{name}") })
        .collect()
}

/// Items named by the entries of a list-shaped probe (`imports/0`).
fn listed<'a>(key: &str, entries: impl IntoIterator<Item = &'a String>) -> Vec<Item> {
    entries
        .into_iter()
        .enumerate()
        .map(|(j, name)| Item { name: ItemName::Named(name.clone()), at: format!("{key}/{j}") })
        .collect()
}

/// A path or glob a probe names, refused if it leads outside the root.
fn target(root: &Path, text: &str, at: &str) -> Result<Target, Refusal> {
    let target = Target::parse(text).map_err(|message| Refusal::new(at, message))?;
    if let (Target::Path(_), Some(escape)) = (&target, crate::inside::escape(root, text)) {
        return Err(Refusal::new(at, escape));
    }
    Ok(target)
}
