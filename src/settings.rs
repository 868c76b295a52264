//! Settings from `ENVTRUTH_*` variables, read in this one place and parsed exactly like the
//! flags they stand for (`cargo test` cannot pass flags to a test target), and the
//! outputs a run writes, mapped onto sinks in this one place.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use crate::duration;
use crate::sink::{Sink, github::Github, json::Json, junit::Junit};
use crate::spec::{ShellSpec, parse_shell};

/// Every variable, with the flag it stands for.
pub const VARIABLES: [(&str, &str); 6] = [
    ("ENVTRUTH_CHECKS", "--checks (directories or files, `:`-separated)"),
    ("ENVTRUTH_SHELL", "--shell"),
    ("ENVTRUTH_REFRESH", "--refresh (1/true/yes/on or 0/false/no/off)"),
    ("ENVTRUTH_JUNIT", "--junit"),
    ("ENVTRUTH_JSON", "--json"),
    ("ENVTRUTH_SLOW_AFTER", "how long a case runs before it is announced (default 60s)"),
];

/// A variable whose value the flag it stands for would refuse.
#[derive(Debug, Error)]
#[error("{name}: {message}")]
pub struct SettingError {
    /// The variable.
    pub name: &'static str,
    /// What is wrong, as the flag would say it.
    pub message: String,
}

/// What the variables set; an empty variable counts as unset.
#[derive(Debug, Default, Clone)]
#[non_exhaustive]
pub struct Settings {
    /// `ENVTRUTH_CHECKS`.
    pub checks: Vec<PathBuf>,
    /// `ENVTRUTH_SHELL`.
    pub shell: Option<ShellSpec>,
    /// `ENVTRUTH_REFRESH`.
    pub refresh: bool,
    /// `ENVTRUTH_JUNIT`, `ENVTRUTH_JSON`.
    pub outputs: Outputs,
    /// `ENVTRUTH_SLOW_AFTER`.
    pub slow_after: Option<Duration>,
}

impl Settings {
    /// Reads every `ENVTRUTH_*` variable.
    pub fn from_env() -> Result<Settings, SettingError> {
        Ok(Settings {
            checks: var("ENVTRUTH_CHECKS").map(|v| std::env::split_paths(&v).collect()).unwrap_or_default(),
            shell: parsed("ENVTRUTH_SHELL", parse_shell)?,
            refresh: parsed("ENVTRUTH_REFRESH", boolish)?.unwrap_or(false),
            outputs: Outputs::from_env(),
            slow_after: parsed("ENVTRUTH_SLOW_AFTER", duration::parse)?,
        })
    }
}

/// A variable's value; empty counts as unset.
fn var(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|value| !value.is_empty())
}

/// A variable's value parsed by the parser of the flag it stands for.
fn parsed<T>(
    name: &'static str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, SettingError> {
    var(name)
        .map(|value| parse(&value.to_string_lossy()).map_err(|message| SettingError { name, message }))
        .transpose()
}

/// A yes/no value, as clap's boolish parser reads `--refresh`'s variable.
pub fn boolish(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "y" | "yes" | "t" | "true" | "on" => Ok(true),
        "0" | "n" | "no" | "f" | "false" | "off" => Ok(false),
        _ => Err(format!("`{text}` is not a yes/no value; write 1 or 0 (also true/false, yes/no, on/off)")),
    }
}

/// The report files a run writes besides the terminal output: each a flag of `run` and
/// `signoff` with its variable, and a line in [`Outputs::sinks`].
#[derive(Debug, Default, Clone, clap::Args)]
#[non_exhaustive]
pub struct Outputs {
    /// Also write a JUnit XML report [env: ENVTRUTH_JUNIT].
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write the JSON results document [env: ENVTRUTH_JSON].
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

impl Outputs {
    /// The outputs the variables ask for.
    fn from_env() -> Outputs {
        let path = |name| var(name).map(PathBuf::from);
        Outputs { junit: path("ENVTRUTH_JUNIT"), json: path("ENVTRUTH_JSON") }
    }

    /// The same outputs, each flag given winning over its variable.
    pub fn or(self, fallback: Outputs) -> Outputs {
        Outputs { junit: self.junit.or(fallback.junit), json: self.json.or(fallback.json) }
    }

    /// The files these outputs write.
    pub(crate) fn paths(&self) -> Vec<PathBuf> {
        [&self.junit, &self.json].into_iter().flatten().cloned().collect()
    }

    /// The sinks these outputs stand for, plus GitHub's when running under GitHub Actions.
    pub(crate) fn sinks(&self) -> Vec<Box<dyn Sink>> {
        let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
        if let Some(path) = &self.junit {
            sinks.push(Box::new(Junit(path.clone())));
        }
        if let Some(path) = &self.json {
            sinks.push(Box::new(Json(path.clone())));
        }
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            let summary =
                std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()).map(PathBuf::from);
            sinks.push(Box::new(Github { summary }));
        }
        sinks
    }
}
