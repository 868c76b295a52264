//! Settings from `ENVTRUTH_*` variables, read in this one place and parsed exactly like the
//! flags they stand for (`cargo test` cannot pass flags to a test target), and the
//! outputs a run writes, mapped onto sinks in this one place.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use crate::duration;
use crate::sink::{Sink, github::Github, json::Json, junit::Junit, tap::Tap};
use crate::spec::{ShellSpec, parse_shell};

/// Every variable, with the flag it stands for (a report format's is in [`FORMATS`]).
pub const VARIABLES: [(&str, &str); 5] = [
    ("ENVTRUTH_CHECKS", "--checks (directories or files, `:`-separated)"),
    ("ENVTRUTH_SHELL", "--shell"),
    ("ENVTRUTH_REFRESH", "--refresh (1/true/yes/on or 0/false/no/off)"),
    ("ENVTRUTH_SLOW_AFTER", "how long a case runs before it is announced (default 60s)"),
    ("ENVTRUTH_VARS", "--vars (a YAML map for `${vars.NAME}`)"),
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
    /// `ENVTRUTH_VARS`.
    pub vars: Option<PathBuf>,
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
            vars: var("ENVTRUTH_VARS").map(PathBuf::from),
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

/// One report file format: its flag (`--NAME FILE`), its variable, and its sink.
pub struct Format {
    /// The flag's name.
    pub name: &'static str,
    /// The variable standing for the flag under `cargo test`.
    pub variable: &'static str,
    /// What the flag does, for `--help`.
    pub help: &'static str,
    /// The sink writing it.
    sink: fn(PathBuf) -> Box<dyn Sink>,
}

/// Every report file format: adding one is its sink's file and a line here.
pub const FORMATS: &[Format] = &[
    Format {
        name: "junit",
        variable: "ENVTRUTH_JUNIT",
        help: "Also write a JUnit XML report",
        sink: |path| Box::new(Junit(path)),
    },
    Format {
        name: "json",
        variable: "ENVTRUTH_JSON",
        help: "Also write the JSON results document",
        sink: |path| Box::new(Json(path)),
    },
    Format {
        name: "tap",
        variable: "ENVTRUTH_TAP",
        help: "Also write a TAP report (version 13)",
        sink: |path| Box::new(Tap(path)),
    },
];

/// The report files a run writes besides the terminal output, by format: each a flag of
/// `run` and `signoff` and a variable, from [`FORMATS`].
#[derive(Debug, Default, Clone)]
#[non_exhaustive]
pub struct Outputs {
    files: Vec<(&'static str, PathBuf)>,
}

impl Outputs {
    /// The file of the format `name` (`junit`, `json`, `tap`), if asked for.
    pub fn file(&self, name: &str) -> Option<&PathBuf> {
        self.files.iter().find(|(format, _)| *format == name).map(|(_, path)| path)
    }

    /// Asks for the format `name` in `path`.
    pub fn with(mut self, name: &'static str, path: PathBuf) -> Outputs {
        self.files.retain(|(format, _)| *format != name);
        self.files.push((name, path));
        self
    }

    /// The outputs the variables ask for.
    fn from_env() -> Outputs {
        let files =
            FORMATS.iter().filter_map(|f| var(f.variable).map(|v| (f.name, PathBuf::from(v)))).collect();
        Outputs { files }
    }

    /// The same outputs, each flag given winning over its variable.
    pub fn or(self, fallback: Outputs) -> Outputs {
        let mut merged = fallback;
        for (name, path) in self.files {
            merged = merged.with(name, path);
        }
        merged
    }

    /// The files these outputs write.
    pub(crate) fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|(_, path)| path.clone()).collect()
    }

    /// The sinks these outputs stand for, plus GitHub's when running under GitHub Actions.
    pub(crate) fn sinks(&self) -> Vec<Box<dyn Sink>> {
        let mut sinks: Vec<Box<dyn Sink>> = FORMATS
            .iter()
            .filter_map(|format| self.file(format.name).map(|path| (format.sink)(path.clone())))
            .collect();
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            let summary =
                std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()).map(PathBuf::from);
            sinks.push(Box::new(Github { summary }));
        }
        sinks
    }
}

/// `--junit FILE`, `--json FILE`, ...: a flag per format, made from [`FORMATS`].
impl clap::Args for Outputs {
    fn augment_args(command: clap::Command) -> clap::Command {
        FORMATS.iter().fold(command, |command, format| {
            command.arg(
                clap::Arg::new(format.name)
                    .long(format.name)
                    .value_name("FILE")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help(format!("{} [env: {}]", format.help, format.variable)),
            )
        })
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

impl clap::FromArgMatches for Outputs {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let files = FORMATS
            .iter()
            .filter_map(|f| matches.get_one::<PathBuf>(f.name).map(|path| (f.name, path.clone())))
            .collect();
        Ok(Outputs { files })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}
