//! The errors of the library's commands, one enum: every one ends the command before
//! anything ran, with exit code 2 (DESIGN.md §6), and is printed once, by the caller.

use thiserror::Error;

use crate::load_error::LoadError;
use crate::settings::SettingError;
use crate::sink::SinkError;

/// Why a command could not do its work.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Check files or plans could not be loaded: every problem found.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nerror: "))]
    Load(Vec<LoadError>),
    /// An `ENVTRUTH_*` variable holds a value its flag would refuse.
    #[error(transparent)]
    Setting(#[from] SettingError),
    /// A report could not be written.
    #[error(transparent)]
    Output(#[from] SinkError),
    /// `init` could not write its check file.
    #[error(transparent)]
    Init(#[from] InitError),
    /// `signoff` found nothing to sign off.
    #[error(transparent)]
    Signoff(#[from] SignoffError),
    /// A flag's value that cannot work.
    #[error("{0}")]
    Usage(String),
    /// The CLI's filter matches no case: a gate never passes on nothing.
    #[error("no case matches `{filter}`{closest}")]
    NothingMatches {
        /// The filter as given.
        filter: String,
        /// "; the closest: ..." or nothing.
        closest: String,
    },
    /// An output would replace an input, another output, or a file envtruth did not write.
    #[error("{path}: {why}")]
    Overwrite {
        /// The output, as shown.
        path: String,
        /// Why it is refused, and what to do.
        why: String,
    },
}

impl Error {
    /// The exit code of the error (DESIGN.md §6): a filter that matched nothing is 1, every
    /// other error a load or usage error, 2.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::NothingMatches { .. } => crate::exit::NOTHING_MATCHED,
            _ => crate::exit::USAGE,
        }
    }
}

/// Why `init` could not write its check file; exit code 2.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum InitError {
    /// The plan could not be read.
    #[error(transparent)]
    Plan(LoadError),
    /// The plan is not under the project root, so `plan:` cannot name it.
    #[error("{0}: the plan is outside the project root {1}; pass --root DIR containing it")]
    Outside(String, String),
    /// `init` would overwrite a file.
    #[error("{0} exists; remove it or pass --out FILE (`--out -` prints to stdout)")]
    Exists(String),
    /// The output could not be written.
    #[error("{0}: cannot write: {1}; check that its directory exists and is writable, or pass --out FILE")]
    Write(String, std::io::Error),
    /// `--from-shell` adds to a check file that could not be read.
    #[error("{0}: cannot read the existing check file: {1}; check its permissions, or pass --out FILE")]
    Read(String, std::io::Error),
    /// `--from-shell`, but the plan's truths name no tool.
    #[error(
        "{0}: --from-shell takes the versions of the tools the plan's truths name, and they name none (python3, uv, ruff, cmake, node, ...); write a `tools:` truth by hand instead"
    )]
    NoTools(String),
    /// `--from-shell`, but the shell could not be entered.
    #[error(transparent)]
    Shell(crate::shell::ShellError),
    /// `--from-shell`, but the check file has a baseline already.
    #[error(
        "{0} has a drift baseline already; delete its block (from `# Drift baseline` on) to take a new one"
    )]
    HasBaseline(String),
    /// A plan truth is empty: nothing to mirror it by.
    #[error("{0}:{1}: a truth is empty; write what must be true, or remove it")]
    EmptyTruth(String, usize),
    /// `--plan` is a directory.
    #[error("{0} is a directory; --plan names one plan file, e.g. .planning/phases/01-setup/01-01-PLAN.md")]
    PlanIsDir(String),
    /// `--out` is the plan itself.
    #[error("{0} is the plan; --out names the check file to write, e.g. checks/plan.yaml")]
    IsPlan(String),
    /// `--out` is a directory, a FIFO or a device.
    #[error("{0} is not a regular file; --out names the check file to write, or `-` to print it")]
    NotAFile(String),
    /// `--from-shell` would add to a file that is no block-style check file.
    #[error(
        "{0} is not a check file with a block list of `truths:` (one `- truth:` a line); --from-shell adds to such a file only: pass --out for a new one"
    )]
    NotACheckFile(String),
    /// The plan has no must-haves, so a check file would mirror nothing and fail to load.
    #[error(
        "{0}: the plan has no must_haves (truths, artifacts, key_links or prohibitions) to mirror; write them in its frontmatter first, or pick the plan that has them"
    )]
    Empty(String),
}

/// Why there is nothing to sign off; exit code 2.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SignoffError {
    /// Neither `--phase` nor `--plan`, or a phase without plans.
    #[error("no plans: {0}")]
    NoPlans(String),
    /// A plan could not be read.
    #[error(transparent)]
    Plan(LoadError),
    /// The previous report exists but cannot be read.
    #[error("{0}")]
    Previous(String),
    /// No check file mirrors the phase's plans.
    #[error("no check file mirrors {0}; create one with `envtruth init --plan PLAN.md`")]
    NotMirrored(String),
}
