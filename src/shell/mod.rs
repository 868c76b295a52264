//! Shells: how the environment that commands run in is obtained.
//!
//! A shell yields an [`Environment`] once per run, lazily, on the first case that needs
//! it; every probe then runs its commands directly with that environment. This is the
//! core of envtruth's speed: N truths cost one `nix develop`, not N. Only how the
//! environment is captured differs between shells, so adding one touches this module
//! and nothing downstream.

mod cache;
mod direnv;
mod host;
mod nix;
mod venv;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::exec::{self, Exec};
use crate::interrupt;
use crate::outcome::{CommandRecord, Ended};
use crate::secret::Secrets;
use crate::spec::ShellSpec;

/// Variables of an environment.
pub type Vars = HashMap<OsString, OsString>;

/// How long capturing one shell may take: a cold nixpkgs evaluation with downloads can
/// take minutes, but not forever.
const CAPTURE_LIMIT: Duration = Duration::from_secs(30 * 60);

/// The script that writes the shell's whole environment, NUL-separated, to the file `$1`.
/// Written to a file, so what a shellHook prints cannot corrupt the capture.
const DUMP: &str = "env -0 > \"$1\"";

/// A captured environment, shared by every case of a shell.
#[derive(Debug)]
pub struct Environment {
    /// How the shell is named in messages.
    pub label: String,
    /// Every variable.
    pub vars: Vars,
    /// Values to keep out of evidence.
    pub secrets: Secrets,
}

impl Environment {
    fn new(label: impl Into<String>, vars: Vars) -> Environment {
        let secrets = Secrets::of(&vars);
        Environment { label: label.into(), vars, secrets }
    }

    /// A variable's value, if set (lossy UTF-8).
    pub fn var(&self, name: &str) -> Option<String> {
        self.vars.get(std::ffi::OsStr::new(name)).map(|v| v.to_string_lossy().into_owned())
    }
}

/// Why a shell's environment could not be obtained. It fails the truths of that shell
/// (not the whole run), and each message ends with the fix.
#[derive(Debug, Clone, Error)]
pub enum ShellError {
    /// The shell's program is not installed.
    #[error("`{program}` is not on PATH; {hint}")]
    Missing {
        /// `nix` or `direnv`.
        program: &'static str,
        /// How to install it, or run without it.
        hint: &'static str,
    },
    /// Nix copies only git-tracked files of a flake in a git repository.
    #[error("{file} is not tracked by git, and nix only sees tracked files: git add {file}")]
    Untracked {
        /// The flake file, relative to the root.
        file: String,
    },
    /// direnv refuses to load an `.envrc` nobody has allowed.
    #[error("{envrc} is blocked: read it, then run `direnv allow {dir}` (envtruth never allows it for you)")]
    Blocked {
        /// The `.envrc` file.
        envrc: String,
        /// Its directory.
        dir: String,
    },
    /// A `venv` shell names a directory that is no virtualenv.
    #[error(
        "`{dir}` is not a virtualenv (it has no pyvenv.cfg); create it with `python3 -m venv {dir}` and install the requirements into it"
    )]
    NoVenv {
        /// The directory, as written.
        dir: String,
    },
    /// The shell command was killed by a signal.
    #[error(
        "`{command}` was {ended} before it gave an environment; nothing was cached, so run again (if it recurs, look for what killed it, such as the OOM killer in `dmesg`)"
    )]
    Killed {
        /// The command as shown.
        command: String,
        /// How it ended.
        ended: String,
    },
    /// The shell command itself failed.
    #[error("`{command}` failed ({ended}):\n{tail}\n      fix the error above, then run again")]
    Failed {
        /// The command as shown.
        command: String,
        /// How it ended.
        ended: String,
        /// The last lines of its stderr, indented.
        tail: String,
    },
}

/// The label of a shell, for messages.
pub fn label(spec: &ShellSpec) -> String {
    match spec {
        ShellSpec::Host => "host".to_string(),
        ShellSpec::Nix { installable, pure: false } => format!("nix develop {installable}"),
        ShellSpec::Nix { installable, pure: true } => {
            format!("nix develop {installable} --ignore-environment")
        }
        ShellSpec::Direnv { dir } => format!("direnv exec {dir}"),
        ShellSpec::Venv { dir } => format!("venv {dir}"),
    }
}

/// A shell's environment, filled by its first user.
type Slot = Arc<OnceLock<Result<Arc<Environment>, ShellError>>>;

/// Environments captured so far in this run, one per distinct shell, each filled on
/// first use.
pub struct Shells {
    root: PathBuf,
    refresh: bool,
    captured: Mutex<HashMap<ShellSpec, Slot>>,
}

impl Shells {
    /// Shells of the project at `root`; `refresh` ignores cached environments.
    pub fn new(root: PathBuf, refresh: bool) -> Shells {
        Shells { root, refresh, captured: Mutex::default() }
    }

    /// The environment of `spec` if it has been captured (successfully) already.
    pub fn captured(&self, spec: &ShellSpec) -> Option<Arc<Environment>> {
        let captured = self.captured.lock().unwrap_or_else(|p| p.into_inner());
        captured.get(spec)?.get()?.as_ref().ok().cloned()
    }

    /// The environment of `spec`, captured on first use and shared after.
    pub fn environment(&self, spec: &ShellSpec) -> Result<Arc<Environment>, ShellError> {
        let slot = {
            let mut captured = self.captured.lock().unwrap_or_else(|p| p.into_inner());
            captured.entry(spec.clone()).or_default().clone()
        };
        // Other shells are captured concurrently; only this one's users wait here.
        slot.get_or_init(|| self.capture(spec).map(Arc::new)).clone()
    }

    fn capture(&self, spec: &ShellSpec) -> Result<Environment, ShellError> {
        let label = label(spec);
        let host = host::capture();
        let vars = match spec {
            ShellSpec::Host => return Ok(Environment::new(label, host)),
            ShellSpec::Venv { dir } => {
                return Ok(Environment::new(label, venv::activate(&self.root, dir, host)?));
            }
            ShellSpec::Nix { installable, pure } => {
                nix::capture(&self.root, installable, *pure, self.refresh)?
            }
            ShellSpec::Direnv { dir } => direnv::capture(&self.root, dir)?,
        };
        Ok(Environment::new(label, reusable(vars, &host)))
    }
}

/// Runs a capture command (`argv` followed by `sh -c DUMP sh FILE`) with the host's
/// environment, and reads the environment it dumped.
fn dump(root: &Path, argv: &[OsString], shown: &str) -> Result<Vars, Box<CommandRecord>> {
    let file = match tempfile::NamedTempFile::new() {
        Ok(file) => file,
        Err(err) => {
            return Err(Box::new(exec::not_started(shown, exec::no_temp_file(&err)).record));
        }
    };
    // It holds the whole environment, secrets included: never left behind.
    let _registered = interrupt::RemovedOnInterrupt::new(file.path());
    let mut argv = argv.to_vec();
    argv.extend(["sh".into(), "-c".into(), DUMP.into(), "sh".into(), file.path().into()]);
    let host: Vars = std::env::vars_os().collect();
    let secrets = Secrets::of(&host);
    let exec = Exec {
        dir: root,
        env: &host,
        secrets: &secrets,
        deadline: Instant::now() + CAPTURE_LIMIT,
        limit: CAPTURE_LIMIT,
    };
    let record = exec::run(&argv, shown, &exec).record;
    if record.ended != Ended::Exit(0) {
        return Err(Box::new(record));
    }
    match std::fs::read(file.path()) {
        Ok(bytes) if !bytes.is_empty() => Ok(parse_env(&bytes)),
        _ => Err(Box::new(record)),
    }
}

/// Variables that name the capture's own session: nix develop points the temp
/// variables at a build directory it deletes on exit, and the working directory is
/// the capture's. Later commands get the host's values instead.
const SESSION: [&str; 7] = ["TMPDIR", "TEMPDIR", "TMP", "TEMP", "NIX_BUILD_TOP", "PWD", "OLDPWD"];

fn reusable(mut vars: Vars, host: &Vars) -> Vars {
    for name in SESSION {
        match host.get(std::ffi::OsStr::new(name)) {
            Some(value) => vars.insert(name.into(), value.clone()),
            None => vars.remove(std::ffi::OsStr::new(name)),
        };
    }
    vars
}

/// Parses `env -0` output.
fn parse_env(bytes: &[u8]) -> Vars {
    use std::os::unix::ffi::OsStrExt;
    bytes
        .split(|b| *b == 0)
        .filter_map(|entry| {
            let at = entry.iter().position(|b| *b == b'=')?;
            Some((
                std::ffi::OsStr::from_bytes(&entry[..at]).to_os_string(),
                std::ffi::OsStr::from_bytes(&entry[at + 1..]).to_os_string(),
            ))
        })
        .collect()
}

/// A failed capture command as a [`ShellError`], with the last lines of its stderr.
fn failed(record: &CommandRecord) -> ShellError {
    if let Ended::Signal(_) = record.ended {
        return ShellError::Killed { command: record.command.clone(), ended: record.ended.to_string() };
    }
    let lines: Vec<&String> = record.stderr_tail.iter().rev().take(12).rev().collect();
    ShellError::Failed {
        command: record.command.clone(),
        ended: record.ended.to_string(),
        tail: lines.iter().map(|l| format!("      {l}")).collect::<Vec<_>>().join("\n"),
    }
}
