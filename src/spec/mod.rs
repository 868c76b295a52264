//! The serde types of a check file (`checks/*.yaml`), exactly the format of DESIGN.md §2.
//!
//! A truth's probes are not listed here: every probe kind declares its own YAML key and
//! spec type under `src/probe/`, and a truth reads them through [`ProbeSet`], so this
//! module never changes when a probe is added.

pub mod schema;
pub mod shape;

use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use shape::{OneOrMany, Pattern, Shaped, Span, deserialize_shaped};

/// One check file: a suite of truths, artifacts and key links.
// `P` reads the probes of each truth (the probe registry).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound = "P: ProbeSet")]
#[schemars(rename = "CheckFile", bound = "P: ProbeSet")]
pub struct CheckFile<P: ProbeSet> {
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
    #[serde(default = "Vec::<TruthSpec<P>>::new")]
    pub truths: Vec<TruthSpec<P>>,
    /// Files that must exist, with GSD's semantics.
    #[serde(default)]
    pub artifacts: Vec<ArtifactSpec>,
    /// Wiring between artifacts, with GSD's semantics.
    #[serde(default)]
    pub key_links: Vec<KeyLinkSpec>,
}

/// The probes a truth may hold, each under its own key: implemented by the probe
/// registry, so that adding a probe kind never touches the check-file types.
pub trait ProbeSet: Default + fmt::Debug {
    /// The YAML keys of every probe kind, in the registry's order.
    const KEYS: &'static [&'static str];

    /// Reads the value of `key` into the set; false when `key` names no probe kind.
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;

    /// The JSON Schema of each probe kind's value, by key.
    fn schemas(generator: &mut SchemaGenerator) -> Vec<(&'static str, Schema)>;
}

/// One truth: its text and the probes that must all pass.
#[derive(Debug)]
pub struct TruthSpec<P> {
    /// The statement, as the plan words it.
    pub truth: String,
    /// Stable id for `after` and the case name; default: the slug of the text.
    pub id: Option<String>,
    /// Ids of truths that must pass first.
    pub after: Vec<String>,
    /// Not automatable: the reason a human must judge it.
    pub manual: Option<String>,
    /// Time limit of this truth.
    pub timeout: Option<Span>,
    /// The interpreter of the Python probes (default `python3`), split on whitespace.
    pub python: Option<String>,
    /// With `plan:`, a truth of this file only, not in the plan.
    pub extra: bool,
    /// The probes, in the order written.
    pub probes: P,
}

/// The keys every truth may have besides its probes, with their schema descriptions.
pub const TRUTH_KEYS: [(&str, &str); 7] = [
    ("truth", "The statement, as the plan words it."),
    ("id", "Stable id for `after` and the case name; default: the slug of the text."),
    ("after", "Ids of truths that must pass first."),
    ("manual", "Not automatable: the reason a human must judge it."),
    ("timeout", "Time limit of this truth."),
    ("python", "The interpreter of the Python probes (default `python3`; `uv run python` works)."),
    ("extra", "With `plan:`, a truth of this file only, not in the plan."),
];

impl<'de, P: ProbeSet> Deserialize<'de> for TruthSpec<P> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TruthVisitor<P>(PhantomData<P>);
        impl<'de, P: ProbeSet> Visitor<'de> for TruthVisitor<P> {
            type Value = TruthSpec<P>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a truth: a map with `truth` and its probes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TruthSpec<P>, A::Error> {
                let mut truth = None;
                let mut spec = TruthSpec {
                    truth: String::new(),
                    id: None,
                    after: Vec::new(),
                    manual: None,
                    timeout: None,
                    python: None,
                    extra: false,
                    probes: P::default(),
                };
                let mut seen: Vec<String> = Vec::new();
                while let Some(key) = map.next_key_seed(TruthKey::<P>(PhantomData))? {
                    if seen.contains(&key) {
                        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                    }
                    match key.as_str() {
                        "truth" => truth = Some(map.next_value()?),
                        "id" => spec.id = map.next_value()?,
                        "after" => spec.after = map.next_value()?,
                        "manual" => spec.manual = map.next_value()?,
                        "timeout" => spec.timeout = map.next_value()?,
                        "python" => spec.python = map.next_value()?,
                        "extra" => spec.extra = map.next_value()?,
                        probe => {
                            spec.probes.read(probe, &mut map)?;
                        }
                    }
                    seen.push(key);
                }
                spec.truth = truth.ok_or_else(|| de::Error::missing_field("truth"))?;
                Ok(spec)
            }
        }
        deserializer.deserialize_map(TruthVisitor(PhantomData))
    }
}

/// A key of a truth, refused while it is read when it is unknown, so the error points
/// at the key.
struct TruthKey<P>(PhantomData<P>);

impl<'de, P: ProbeSet> de::DeserializeSeed<'de> for TruthKey<P> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        // Checked inside the visitor: serde_yaml places errors raised there at the key.
        deserializer.deserialize_identifier(self)
    }
}

impl<P: ProbeSet> Visitor<'_> for TruthKey<P> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key of a truth")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<String, E> {
        match truth_keys::<P>().contains(&key) {
            true => Ok(key.to_string()),
            false => Err(E::unknown_field(key, truth_keys::<P>())),
        }
    }
}

/// Every key a truth may have: its own, then the probes'.
fn truth_keys<P: ProbeSet>() -> &'static [&'static str] {
    static KEYS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| TRUTH_KEYS.iter().map(|(key, _)| *key).chain(P::KEYS.iter().copied()).collect())
}

/// Where a suite's commands run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
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

/// The map shape of `shell:`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShellMap {
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

deserialize_shaped!(ShellSpec);

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
