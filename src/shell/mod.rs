//! Shells: how the environment that commands run in is obtained.
//!
//! A shell yields an [`Environment`] once per run, lazily, on the first case that needs
//! it; every probe then runs its commands directly with that environment. This is the
//! core of envtruth's speed: N truths cost one `nix develop`, not N. Only how the
//! environment is captured differs between shells, so adding one touches this module
//! and nothing downstream.

mod cache;
mod delta;
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

/// How long capturing one shell may take unless a check file says (`capture_timeout`): a
/// cold nixpkgs evaluation with downloads takes minutes, but a shellHook that waits for
/// input must not hold a run for long.
pub const CAPTURE_LIMIT: Duration = Duration::from_secs(10 * 60);

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
    /// The capture ran past its time limit; its whole process group was killed.
    #[error(
        "`{command}` gave no environment within {limit} (capture_timeout): its shellHook or `.envrc` is still running or waiting; the capture's process group was killed. Make the hook finish, or raise `capture_timeout` in the check file"
    )]
    TimedOut {
        /// The command as shown.
        command: String,
        /// The limit, as written.
        limit: String,
    },
    /// nix-direnv fell back to the last environment that evaluated.
    #[error(
        "the environment of {dir} is stale: nix-direnv fell back to an older one (NIX_DIRENV_DID_FALLBACK is set) because the flake no longer evaluates; run `direnv reload` there and fix the error it shows"
    )]
    Fallback {
        /// The `.envrc`'s directory.
        dir: String,
    },
    /// The shell command itself failed.
    #[error(
        "`{command}` failed ({ended}):\n{tail}\n      fix the error above (lines from a shellHook or `.envrc` are its own), then run again"
    )]
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

/// The cache key of a nix shell of the project at `root`, as `nix develop` would be
/// cached now; None for another shell kind, or without nix.
pub fn cache_key(root: &Path, spec: &ShellSpec) -> Option<String> {
    let ShellSpec::Nix { installable, pure } = spec else { return None };
    let nix = exec::which("nix", &std::env::var("PATH").unwrap_or_default())?;
    Some(cache::key(root, installable, *pure, &nix))
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

    /// The environment of `spec`, captured on first use (within `limit`) and shared after.
    pub fn environment(&self, spec: &ShellSpec, limit: Duration) -> Result<Arc<Environment>, ShellError> {
        let slot = {
            let mut captured = self.captured.lock().unwrap_or_else(|p| p.into_inner());
            captured.entry(spec.clone()).or_default().clone()
        };
        // Other shells are captured concurrently; only this one's users wait here.
        slot.get_or_init(|| self.capture(spec, limit).map(Arc::new)).clone()
    }

    fn capture(&self, spec: &ShellSpec, limit: Duration) -> Result<Environment, ShellError> {
        let label = label(spec);
        let host = host::capture();
        let vars = match spec {
            ShellSpec::Host => host,
            ShellSpec::Venv { dir } => venv::activate(&self.root, dir, host)?,
            ShellSpec::Nix { installable, pure } => {
                nix::capture(&self.root, installable, *pure, self.refresh, &host, limit)?
            }
            ShellSpec::Direnv { dir } => direnv::capture(&self.root, dir, &host, limit)?,
        };
        Ok(Environment::new(label, vars))
    }
}

/// Runs a capture command (`argv` followed by `sh -c DUMP sh FILE`) with `host`'s
/// environment and reads the environment it dumped. The dump (which holds every variable,
/// secrets included) and nix's own temp files go to a private directory removed after; the
/// capture's group is killed when it runs past `limit` or when envtruth dies.
fn dump(
    root: &Path,
    argv: &[OsString],
    shown: &str,
    host: &Vars,
    private: Option<tempfile::TempDir>,
    limit: Duration,
) -> Result<Vars, ShellError> {
    let not_started = |reason: String| failed(&exec::not_started(shown, reason).record, limit);
    let owner_only = || {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o700);
        tempfile::Builder::new().prefix("envtruth-capture-").permissions(mode).tempdir()
    };
    let private = match private.map_or_else(owner_only, Ok) {
        Ok(dir) => dir,
        Err(err) => return Err(not_started(exec::no_temp_file(&err))),
    };
    let _registered = interrupt::RemovedOnInterrupt::new(private.path());
    let file = private.path().join("env");
    let mut argv = argv.to_vec();
    argv.extend(["sh".into(), "-c".into(), DUMP.into(), "sh".into(), file.clone().into_os_string()]);
    let mut env = host.clone();
    env.insert("TMPDIR".into(), private.path().as_os_str().to_os_string());
    let secrets = Secrets::of(host);
    let exec = Exec { dir: root, env: &env, secrets: &secrets, deadline: Instant::now() + limit, limit };
    let record = exec::run_tied(&argv, shown, &exec).record;
    if record.ended != Ended::Exit(0) {
        return Err(failed(&record, limit));
    }
    match std::fs::read(&file) {
        Ok(bytes) if !bytes.is_empty() => Ok(parse_env(&bytes)),
        _ => Err(failed(&record, limit)),
    }
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
fn failed(record: &CommandRecord, limit: Duration) -> ShellError {
    match record.ended {
        Ended::Signal(_) => {
            return ShellError::Killed { command: record.command.clone(), ended: record.ended.to_string() };
        }
        Ended::TimedOut(_) => {
            return ShellError::TimedOut {
                command: record.command.clone(),
                limit: crate::duration::display(limit),
            };
        }
        _ => {}
    }
    let lines: Vec<&String> = record.stderr_tail.iter().rev().take(12).rev().collect();
    ShellError::Failed {
        command: record.command.clone(),
        ended: record.ended.to_string(),
        tail: lines.iter().map(|l| format!("      {l}")).collect::<Vec<_>>().join("\n"),
    }
}
