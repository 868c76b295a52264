//! Probes: each checks one kind of thing and reports one evidence item per thing checked.
//!
//! A probe never prints and never decides how results are shown; it returns
//! [`Findings`]. Adding a probe kind touches the spec type, one file here, and tests.

pub mod artifact;
mod env;
mod files;
mod flake_lock;
mod imports;
pub mod key_link;
mod libs;
mod packages;
mod run;
mod tools;

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use crate::exec::Exec;
use crate::glob::Target;
use crate::outcome::Findings;
use crate::shell::Environment;
use crate::spec::{EnvSpec, FileSpec, RunSpec, ToolSpec};
use crate::version::VersionReq;

/// One probe of a truth, ready to run.
#[derive(Debug, Clone)]
pub enum Probe {
    /// `run:` a command and check its result.
    Run(RunSpec),
    /// `tools:` resolve binaries on PATH and check their versions.
    Tools(Vec<(String, ToolSpec)>),
    /// `imports:` import Python modules in one interpreter.
    Imports {
        /// Module names.
        modules: Vec<String>,
        /// The interpreter command, as argv.
        python: Vec<String>,
    },
    /// `files:` check files (or every file a glob matches) under the root.
    Files(Vec<(Target, FileSpec)>),
    /// `env:` check variables of the shell.
    Env(Vec<(String, EnvSpec)>),
    /// `libs:` find shared libraries in LD_LIBRARY_PATH.
    Libs(Vec<String>),
    /// `packages:` ask dpkg which packages are installed.
    Packages(Vec<(String, VersionReq)>),
    /// `flake_lock:` read the flake.lock beside each flake.
    FlakeLock(Vec<Target>),
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
}

impl Probe {
    /// Runs the probe.
    pub fn check(&self, ctx: &Context<'_>) -> Findings {
        match self {
            Probe::Run(spec) => run::check(spec, ctx),
            Probe::Tools(tools) => tools::check(tools, ctx),
            Probe::Imports { modules, python } => imports::check(modules, python, ctx),
            Probe::Files(files) => files::check(files, ctx.root),
            Probe::Env(vars) => env::check(vars, ctx.env),
            Probe::Libs(libs) => libs::check(libs, ctx.env),
            Probe::Packages(packages) => packages::check(packages, ctx),
            Probe::FlakeLock(flakes) => flake_lock::check(flakes, ctx.root),
        }
    }
}

/// Where a root-relative path leads.
pub enum Located {
    /// It exists inside the root.
    Inside(PathBuf),
    /// It does not exist (lexically inside the root).
    Missing,
    /// It leads outside the root, through `..`, an absolute path or a symlink.
    Outside(PathBuf),
}

/// Whether `relative` stays inside the root without looking at the disk.
pub fn stays_inside(relative: &str) -> bool {
    let path = Path::new(relative);
    !relative.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Resolves a root-relative path, following symlinks to make sure it stays inside.
pub fn locate(root: &Path, relative: &str) -> Located {
    let joined = root.join(relative);
    if !stays_inside(relative) {
        return Located::Outside(joined);
    }
    match (joined.canonicalize(), root.canonicalize()) {
        (Ok(real), Ok(real_root)) if real.starts_with(&real_root) => Located::Inside(joined),
        (Ok(real), _) => Located::Outside(real),
        (Err(_), _) => Located::Missing,
    }
}

/// Cuts long values for evidence.
pub fn shorten(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
