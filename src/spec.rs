//! The serde types of a check file (`checks/*.yaml`), exactly the format of DESIGN.md §2.
//!
//! Values that YAML allows in several shapes (`run: cmd`, `run: [argv]`, `run: {cmd: ..}`)
//! are read by hand through [`Shaped`] rather than `#[serde(untagged)]`, because an
//! untagged enum forgets why each shape failed and can only say "did not match any
//! variant"; here the map shape keeps serde's own precise errors.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use regex::Regex;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::duration;
use crate::version::VersionReq;

/// One check file: a suite of truths, artifacts and key links.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckFile {
    /// The PLAN.md whose `must_haves` this file mirrors, relative to the root.
    #[serde(default)]
    pub plan: Option<String>,
    /// Where the commands of this suite run.
    #[serde(default)]
    pub shell: Option<ShellSpec>,
    /// A matrix of nix installables: every truth runs once in each.
    #[serde(default)]
    pub shells: Option<Vec<String>>,
    /// Default time limit of each truth.
    #[serde(default)]
    pub timeout: Option<Span>,
    /// The observable statements and the probes that prove them.
    #[serde(default)]
    pub truths: Vec<TruthSpec>,
    /// Files that must exist, with GSD's semantics.
    #[serde(default)]
    pub artifacts: Vec<ArtifactSpec>,
    /// Wiring between artifacts, with GSD's semantics.
    #[serde(default)]
    pub key_links: Vec<KeyLinkSpec>,
}

/// Where a suite's commands run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ShellSpec {
    /// The environment envtruth itself was started in.
    Host,
    /// `nix develop INSTALLABLE`, captured once and cached by content.
    Nix {
        /// Any flake installable: `.`, `.#ci`, `path:sub`, `github:o/r?dir=sub`.
        installable: String,
        /// Capture with `--ignore-environment`, so host-only tools are caught.
        pure: bool,
    },
    /// `direnv exec DIR`, for a project whose `.envrc` has been allowed.
    Direnv {
        /// The directory holding `.envrc`, relative to the root.
        dir: String,
    },
    /// The host's environment with a virtualenv activated, for machines without Nix.
    Venv {
        /// The virtualenv, relative to the root or absolute.
        dir: String,
    },
}

impl Default for ShellSpec {
    fn default() -> ShellSpec {
        ShellSpec::Nix { installable: ".".into(), pure: false }
    }
}

/// Parses a shell name as written after `shell:`.
pub fn parse_shell(name: &str) -> Result<ShellSpec, String> {
    <ShellSpec as Shaped>::from_str(name)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ShellMap {
    #[serde(default)]
    nix: Option<String>,
    #[serde(default)]
    pure: bool,
    #[serde(default)]
    direnv: Option<String>,
    #[serde(default)]
    venv: Option<String>,
}

impl Shaped for ShellSpec {
    const EXPECTING: &'static str =
        "`nix`, `direnv`, `venv`, `host`, `{nix: INSTALLABLE, pure: true}`, `{direnv: DIR}` or `{venv: DIR}`";
    type Map = ShellMap;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "host" => Ok(ShellSpec::Host),
            "nix" => Ok(ShellSpec::default()),
            "direnv" => Ok(ShellSpec::Direnv { dir: ".".into() }),
            "venv" => Ok(ShellSpec::Venv { dir: ".venv".into() }),
            other => {
                let hint = match crate::suggest::closest(other, ["nix", "direnv", "venv", "host"]) {
                    Some(close) => format!("; did you mean `{close}`?"),
                    None => String::new(),
                };
                Err(format!("unknown shell `{other}`; expected {}{hint}", Self::EXPECTING))
            }
        }
    }

    fn from_map(map: ShellMap) -> Result<Self, String> {
        match (map.nix, map.direnv, map.venv) {
            (Some(installable), None, None) if !installable.trim().is_empty() => {
                Ok(ShellSpec::Nix { installable, pure: map.pure })
            }
            (Some(_), None, None) => Err("`nix` needs an installable, e.g. `.` or `.#ci`".into()),
            (None, Some(_), None) | (None, None, Some(_)) if map.pure => {
                Err("`pure` applies to `nix` shells only; remove it".into())
            }
            (None, Some(dir), None) => Ok(ShellSpec::Direnv { dir }),
            (None, None, Some(dir)) if !dir.trim().is_empty() => Ok(ShellSpec::Venv { dir }),
            (None, None, Some(_)) => Err("`venv` needs the virtualenv's directory, e.g. `.venv`".into()),
            _ => {
                Err(format!("write exactly one of `nix`, `direnv` and `venv`; expected {}", Self::EXPECTING))
            }
        }
    }
}

/// One truth: its text and the probes that must all pass.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TruthSpec {
    /// The statement, as the plan words it.
    pub truth: String,
    /// Stable id for `after` and the case name; default: the slug of the text.
    #[serde(default)]
    pub id: Option<String>,
    /// Ids of truths that must pass first.
    #[serde(default)]
    pub after: Vec<String>,
    /// Not automatable: the reason a human must judge it.
    #[serde(default)]
    pub manual: Option<String>,
    /// Time limit of this truth.
    #[serde(default)]
    pub timeout: Option<Span>,
    /// A command that must succeed.
    #[serde(default)]
    pub run: Option<RunSpec>,
    /// Tools that must resolve on PATH, with version requirements.
    #[serde(default)]
    pub tools: Option<Entries<ToolSpec>>,
    /// Python modules that must import.
    #[serde(default)]
    pub imports: Option<Vec<String>>,
    /// The interpreter for `imports` (default `python3`), split on whitespace.
    #[serde(default)]
    pub python: Option<String>,
    /// Files and what they must hold.
    #[serde(default)]
    pub files: Option<Entries<FileSpec>>,
    /// Environment variables and what they must hold.
    #[serde(default)]
    pub env: Option<Entries<EnvSpec>>,
    /// Shared libraries that must be found in an LD_LIBRARY_PATH directory.
    #[serde(default)]
    pub libs: Option<Vec<String>>,
    /// Debian/Ubuntu packages that must be installed, with version requirements.
    #[serde(default)]
    pub packages: Option<Entries<VersionReq>>,
    /// flake.nix files (or globs of them) whose flake.lock must lock every input to a revision.
    #[serde(default)]
    pub flake_lock: Option<OneOrMany<String>>,
    /// With `plan:`, a truth of this file only, not in the plan.
    #[serde(default)]
    pub extra: bool,
}

/// `run:` — a command and what its result must look like.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// What to run.
    pub command: CommandSpec,
    /// The exit code it must end with.
    pub exit: i32,
    /// Regexes some line of stdout must match.
    pub stdout: Vec<Pattern>,
    /// Regexes no line of stdout may match.
    pub stdout_excludes: Vec<Pattern>,
    /// Regexes some line of stderr must match.
    pub stderr: Vec<Pattern>,
    /// Regexes no line of stderr may match.
    pub stderr_excludes: Vec<Pattern>,
    /// The longest the command may take and still pass.
    pub max_duration: Option<Duration>,
}

/// A command: a string runs with `bash -c`, a list is an argv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandSpec {
    /// Run with `bash -c`.
    Script(String),
    /// Run directly, the first item resolved on the shell's PATH.
    Argv(Vec<String>),
}

impl fmt::Display for CommandSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandSpec::Script(script) => f.write_str(script),
            CommandSpec::Argv(argv) => {
                let quoted: Vec<String> = argv
                    .iter()
                    .map(|a| {
                        if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$\\".contains(c)) {
                            format!("'{}'", a.replace('\'', r"'\''"))
                        } else {
                            a.clone()
                        }
                    })
                    .collect();
                f.write_str(&quoted.join(" "))
            }
        }
    }
}

impl Shaped for CommandSpec {
    const EXPECTING: &'static str = "a command string (run with bash -c) or a list (argv)";
    type Map = de::IgnoredAny;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("empty command; write the command to run".into());
        }
        Ok(CommandSpec::Script(text.to_string()))
    }

    fn from_seq(items: Vec<String>) -> Result<Self, String> {
        match items.first() {
            Some(program) if !program.is_empty() => Ok(CommandSpec::Argv(items)),
            _ => Err("empty argv; the first item must name the program to run".into()),
        }
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RunMap {
    cmd: CommandSpec,
    #[serde(default)]
    exit: i32,
    #[serde(default)]
    stdout: OneOrMany<Pattern>,
    #[serde(default)]
    stdout_excludes: OneOrMany<Pattern>,
    #[serde(default)]
    stderr: OneOrMany<Pattern>,
    #[serde(default)]
    stderr_excludes: OneOrMany<Pattern>,
    #[serde(default)]
    max_duration: Option<Span>,
}

impl RunSpec {
    fn plain(command: CommandSpec) -> RunSpec {
        RunSpec {
            command,
            exit: 0,
            stdout: Vec::new(),
            stdout_excludes: Vec::new(),
            stderr: Vec::new(),
            stderr_excludes: Vec::new(),
            max_duration: None,
        }
    }
}

impl Shaped for RunSpec {
    const EXPECTING: &'static str = "a command string, an argv list, or a map with `cmd` and expectations";
    type Map = RunMap;

    fn from_str(text: &str) -> Result<Self, String> {
        CommandSpec::from_str(text).map(RunSpec::plain)
    }

    fn from_seq(items: Vec<String>) -> Result<Self, String> {
        CommandSpec::from_seq(items).map(RunSpec::plain)
    }

    fn from_map(map: RunMap) -> Result<Self, String> {
        Ok(RunSpec {
            command: map.cmd,
            exit: map.exit,
            stdout: map.stdout.0,
            stdout_excludes: map.stdout_excludes.0,
            stderr: map.stderr.0,
            stderr_excludes: map.stderr_excludes.0,
            max_duration: map.max_duration.map(|s| s.0),
        })
    }
}

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

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ToolMap {
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

/// One entry of `files:`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// Whether the file must exist (default) or must not.
    #[serde(default = "yes")]
    pub exists: bool,
    /// Literal substrings the file must hold.
    #[serde(default)]
    pub contains: OneOrMany<Text>,
    /// Literal substrings the file must not hold.
    #[serde(default)]
    pub excludes: OneOrMany<Text>,
    /// Regexes the file's content must match.
    #[serde(default)]
    pub matches: OneOrMany<Pattern>,
    /// A regex every line must match, blank lines and `#` comments aside.
    #[serde(default)]
    pub each_line: Option<Pattern>,
    /// Whether the file must (or must not) be executable.
    #[serde(default)]
    pub executable: Option<bool>,
}

impl FileSpec {
    /// Whether checking it needs the file's content.
    pub fn has_content_conditions(&self) -> bool {
        !(self.contains.0.is_empty()
            && self.excludes.0.is_empty()
            && self.matches.0.is_empty()
            && self.each_line.is_none())
    }
}

fn yes() -> bool {
    true
}

/// One entry of `env:`.
#[derive(Debug, Clone, Default)]
pub struct EnvSpec {
    /// `Some(true)`: must be set; `Some(false)`: must be unset.
    pub set: Option<bool>,
    /// The exact value.
    pub equals: Option<String>,
    /// A literal substring of the value.
    pub contains: Option<String>,
    /// A regex the value must match.
    pub matches: Option<Pattern>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EnvMap {
    #[serde(default)]
    set: Option<bool>,
    #[serde(default)]
    equals: Option<Text>,
    #[serde(default)]
    contains: Option<Text>,
    #[serde(default)]
    matches: Option<Pattern>,
}

impl Shaped for EnvSpec {
    const EXPECTING: &'static str = "`set`, `unset`, or a map with `equals`, `contains` or `matches`";
    type Map = EnvMap;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "set" => Ok(EnvSpec { set: Some(true), ..EnvSpec::default() }),
            "unset" => Ok(EnvSpec { set: Some(false), ..EnvSpec::default() }),
            other => Err(format!(
                "unknown env condition `{other}`; write `set`, `unset`, or `{{equals: \"{other}\"}}`"
            )),
        }
    }

    fn from_map(map: EnvMap) -> Result<Self, String> {
        let has_value_test = map.equals.is_some() || map.contains.is_some() || map.matches.is_some();
        if map.set == Some(false) && has_value_test {
            return Err("`set: false` cannot be combined with `equals`, `contains` or `matches`".into());
        }
        Ok(EnvSpec {
            set: map.set,
            equals: map.equals.map(|t| t.0),
            contains: map.contains.map(|t| t.0),
            matches: map.matches,
        })
    }
}

/// A file that must exist, as in a plan's `must_haves.artifacts`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArtifactSpec {
    /// Relative to the project root.
    pub path: String,
    /// Description only, never checked.
    #[serde(default)]
    pub provides: Option<String>,
    /// A literal, case-sensitive substring.
    #[serde(default)]
    pub contains: Option<String>,
    /// The least number of `\n`-separated pieces.
    #[serde(default)]
    pub min_lines: Option<u64>,
    /// Literal substrings, each required.
    #[serde(default)]
    pub exports: OneOrMany<String>,
}

/// Wiring between artifacts, as in a plan's `must_haves.key_links`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyLinkSpec {
    /// The file that must exist and hold the link.
    pub from: String,
    /// The target: a file or a name.
    pub to: String,
    /// Description only, never checked.
    #[serde(default)]
    pub via: Option<String>,
    /// A regex searched in `from`, then in `to` if `to` is a file.
    #[serde(default)]
    pub pattern: Option<Pattern>,
}

/// A regex, compiled when the check file loads.
#[derive(Debug, Clone)]
pub struct Pattern(pub Regex);

impl Pattern {
    fn parse(text: &str) -> Result<Pattern, String> {
        Regex::new(text).map(Pattern).map_err(|err| {
            let reason = match &err {
                regex::Error::Syntax(detail) => {
                    detail.lines().last().unwrap_or("").trim_start_matches("error: ").to_string()
                }
                other => other.to_string(),
            };
            format!("invalid regex `{text}`: {reason}; escape special characters with `\\`")
        })
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ParseVisitor { expecting: "a regex", parse: Pattern::parse })
    }
}

impl<'de> Deserialize<'de> for VersionReq {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let expecting = "a version requirement (`any`, `3.12`, `>=0.4, <1`)";
        deserializer.deserialize_any(ParseVisitor { expecting, parse: VersionReq::parse })
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}/", self.0.as_str())
    }
}

/// A duration written with a unit (`30s`, `5m`).
#[derive(Debug, Clone, Copy)]
pub struct Span(pub Duration);

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parse = |text: &str| duration::parse(text).map(Span);
        deserializer.deserialize_any(ParseVisitor { expecting: "a duration like `30s` or `5m`", parse })
    }
}

/// Parses a scalar inside the deserializer, so serde_yaml's error names the exact
/// key and position rather than the enclosing map.
struct ParseVisitor<T> {
    expecting: &'static str,
    parse: fn(&str) -> Result<T, String>,
}

impl<T> Visitor<'_> for ParseVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Err(quote_the_number(v))
    }
}

/// A string that may be written as a YAML string, integer or boolean.
///
/// Floats are refused: YAML reads `3.10` as the number 3.1, and a version or
/// value silently changed is worse than an error that says to quote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Err(quote_the_number(v))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

fn quote_the_number<E: de::Error>(v: f64) -> E {
    E::custom(format!(
        "this is the number {v}, not text: YAML reads `3.10` as 3.1, so write versions and values in quotes, e.g. \"3.10\""
    ))
}

/// A value written either as one item or as a list.
#[derive(Debug, Clone)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one value or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::StrDeserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::I64Deserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::U64Deserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::BoolDeserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::F64Deserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

/// A YAML mapping read in file order, with duplicate keys refused.
#[derive(Debug, Clone)]
pub struct Entries<T>(pub Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for EntriesVisitor<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of names to conditions")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut entries: Vec<(String, T)> = Vec::new();
                while let Some(key) = map.next_key::<Text>()? {
                    if entries.iter().any(|(k, _)| *k == key.0) {
                        return Err(de::Error::custom(format!(
                            "`{}` is listed twice; merge its conditions into one entry",
                            key.0
                        )));
                    }
                    entries.push((key.0, map.next_value()?));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// A value with a string shape, an optional list shape and an optional map shape.
trait Shaped: Sized {
    /// What the value may be, for type errors.
    const EXPECTING: &'static str;
    /// The map shape (`IgnoredAny` when there is none).
    type Map: DeserializeOwned;

    /// Builds the value from its string shape.
    fn from_str(text: &str) -> Result<Self, String>;

    /// Builds the value from its list shape.
    fn from_seq(_items: Vec<String>) -> Result<Self, String> {
        Err(format!("a list is not allowed here; expected {}", Self::EXPECTING))
    }

    /// Builds the value from its map shape.
    fn from_map(_map: Self::Map) -> Result<Self, String> {
        Err(format!("a map is not allowed here; expected {}", Self::EXPECTING))
    }
}

/// Deserializes any [`Shaped`] value.
struct Shape<T>(T);

macro_rules! deserialize_shaped {
    ($($ty:ty),*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Shape::<$ty>::deserialize(deserializer).map(|shape| shape.0)
            }
        }
    )*};
}

deserialize_shaped!(ShellSpec, CommandSpec, RunSpec, ToolSpec, EnvSpec);

impl<'de, T: Shaped> Deserialize<'de> for Shape<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ShapeVisitor<T>(PhantomData<T>);
        impl<'de, T: Shaped> Visitor<'de> for ShapeVisitor<T> {
            type Value = Shape<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::EXPECTING)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Shape<T>, E> {
                T::from_str(v).map(Shape).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Shape<T>, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Shape<T>, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Shape<T>, E> {
                Err(quote_the_number(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Shape<T>, A::Error> {
                let items = Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                T::from_seq(items).map(Shape).map_err(de::Error::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Shape<T>, A::Error> {
                let map = T::Map::deserialize(de::value::MapAccessDeserializer::new(map))?;
                T::from_map(map).map(Shape).map_err(de::Error::custom)
            }
        }
        deserializer.deserialize_any(ShapeVisitor(PhantomData))
    }
}

/// JSON Schemas of the hand-read shapes, for `envtruth schema` and editors.
mod schema {
    use std::borrow::Cow;

    use super::*;

    /// Implements JsonSchema with a name and a schema built from the generator.
    macro_rules! schema {
        ($ty:ty, $name:literal, |$generator:ident| $body:expr) => {
            impl JsonSchema for $ty {
                fn schema_name() -> Cow<'static, str> {
                    Cow::Borrowed($name)
                }
                fn json_schema($generator: &mut SchemaGenerator) -> Schema {
                    $body
                }
            }
        };
    }

    schema!(ShellSpec, "Shell", |generator| json_schema!({
        "description": "Where the commands run: `nix` (default, `nix develop .`), `direnv`, `venv` (`.venv`), `host`, `{nix: INSTALLABLE, pure: true}`, `{direnv: DIR}` or `{venv: DIR}`.",
        "anyOf": [{"enum": ["nix", "direnv", "venv", "host"]}, generator.subschema_for::<ShellMap>()]
    }));
    schema!(CommandSpec, "Command", |_generator| json_schema!({
        "description": "A string runs with `bash -c`; a list is an argv.",
        "anyOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]
    }));
    schema!(RunSpec, "Run", |generator| json_schema!({
        "description": "A command that must succeed, or a map with `cmd` and expectations.",
        "anyOf": [generator.subschema_for::<CommandSpec>(), generator.subschema_for::<RunMap>()]
    }));
    schema!(ToolSpec, "Tool", |generator| json_schema!({
        "description": "`any`, a version prefix (\"3.12\"), comparisons (\">=0.4, <1\"), or {version, from}. Quote versions.",
        "anyOf": [{"type": "string"}, {"type": "integer"}, generator.subschema_for::<ToolMap>()]
    }));
    schema!(VersionReq, "VersionRequirement", |_generator| json_schema!({
        "description": "`any`, a version prefix (\"3.12\"), or comparisons (\">=0.4, <1\"). Quote versions.",
        "type": ["string", "integer"]
    }));
    schema!(EnvSpec, "EnvCondition", |generator| json_schema!({
        "anyOf": [{"enum": ["set", "unset"]}, generator.subschema_for::<EnvMap>()]
    }));
    schema!(Pattern, "Regex", |_generator| json_schema!({"type": "string", "format": "regex"}));
    schema!(Span, "Duration", |_generator| json_schema!({
        "type": "string",
        "pattern": "^([0-9]+(ms|s|m|h))+$",
        "description": "A duration with a unit: `500ms`, `30s`, `5m`, `1h`, `1m30s`."
    }));
    schema!(Text, "Text", |_generator| json_schema!({"type": ["string", "integer", "boolean"]}));

    impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
        fn schema_name() -> Cow<'static, str> {
            Cow::Owned(format!("OneOrMany_{}", T::schema_name()))
        }
        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            let one = generator.subschema_for::<T>();
            json_schema!({"anyOf": [one.clone(), {"type": "array", "items": one}]})
        }
    }

    impl<T: JsonSchema> JsonSchema for Entries<T> {
        fn schema_name() -> Cow<'static, str> {
            Cow::Owned(format!("Map_{}", T::schema_name()))
        }
        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            json_schema!({"type": "object", "additionalProperties": generator.subschema_for::<T>()})
        }
    }
}

/// The JSON Schema of check files, from the same types the loader reads.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(CheckFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
