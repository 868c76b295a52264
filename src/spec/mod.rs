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

pub use shape::LinkPattern;
use shape::{OneOrMany, Shaped, Span, deserialize_shaped};

/// One check file: a suite of truths, artifacts and key links.
// `P` reads the probes of each truth (the probe registry).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound = "P: ProbeSet")]
#[schemars(rename = "CheckFile", bound = "P: ProbeSet")]
pub struct CheckFile<P: ProbeSet> {
    /// The PLAN.md whose `must_haves` this file mirrors, relative to the root.
    #[serde(default)]
    pub plan: Option<String>,
    /// Defaults for `${vars.NAME}` in this file's values; `--vars FILE` overrides them.
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "substituted in the text before it is parsed (vars.rs); declared for the schema"
    )]
    vars: Option<shape::Entries<shape::Text>>,
    /// Where the commands of this suite run.
    #[serde(default)]
    pub shell: Option<ShellSpec>,
    /// A matrix of nix installables: every truth runs once in each.
    #[serde(default)]
    pub shells: Option<Vec<String>>,
    /// Default time limit of each truth.
    #[serde(default)]
    pub timeout: Option<Span>,
    /// Time limit for entering the shell (nix develop, direnv), shellHook included; default 10m.
    #[serde(default)]
    pub capture_timeout: Option<Span>,
    /// The observable statements and the probes that prove them.
    #[serde(default = "Vec::<TruthSpec<P>>::new")]
    pub truths: Vec<TruthSpec<P>>,
    /// What must never be true, and the probes that prove it is not.
    #[serde(default = "Vec::<ProhibitionSpec<P>>::new")]
    pub prohibitions: Vec<ProhibitionSpec<P>>,
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

/// The word that starts a claim in a check file: `truth:` or `prohibition:`.
pub trait Word: fmt::Debug {
    /// The key holding the statement.
    const KEY: &'static str;
}

/// `truth:` — something that must be true.
#[derive(Debug)]
pub struct TruthWord;

impl Word for TruthWord {
    const KEY: &'static str = "truth";
}

/// `prohibition:` — something that must never be true; its probes prove it is not.
#[derive(Debug)]
pub struct ProhibitionWord;

impl Word for ProhibitionWord {
    const KEY: &'static str = "prohibition";
}

/// A truth of a check file.
pub type TruthSpec<P> = Claim<P, TruthWord>;
/// A prohibition of a check file.
pub type ProhibitionSpec<P> = Claim<P, ProhibitionWord>;

/// One claim: its statement and the probes that must all pass.
#[derive(Debug)]
pub struct Claim<P, W> {
    /// The statement, as the plan words it.
    pub text: String,
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
    /// With `plan:`, a claim of this file only, not in the plan.
    pub extra: bool,
    /// Accepted as failing, with a reason, until a date.
    pub waiver: Option<WaiverSpec>,
    /// The probes, in the order written.
    pub probes: P,
    word: PhantomData<W>,
}

/// The keys every claim may have besides its statement and its probes, with their
/// schema descriptions.
pub const CLAIM_KEYS: [(&str, &str); 7] = [
    ("id", "Stable id for `after` and the case name; default: the slug of the text."),
    ("after", "Ids of truths that must pass first."),
    ("manual", "Not automatable: the reason a human must judge it."),
    ("timeout", "Time limit of this truth."),
    ("python", "The interpreter of the Python probes (default `python3`; `uv run python` works)."),
    ("extra", "With `plan:`, a truth of this file only, not in the plan."),
    (
        "waiver",
        "Accepted as failing: `{reason, expires: YYYY-MM-DD, by}`; until then a failure is `waived`, never `passed`.",
    ),
];

impl<'de, P: ProbeSet, W: Word> Deserialize<'de> for Claim<P, W> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ClaimVisitor<P, W>(PhantomData<(P, W)>);
        impl<'de, P: ProbeSet, W: Word> Visitor<'de> for ClaimVisitor<P, W> {
            type Value = Claim<P, W>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a map with `{}` and its probes", W::KEY)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Claim<P, W>, A::Error> {
                let mut text = None;
                let mut spec = Claim {
                    text: String::new(),
                    id: None,
                    after: Vec::new(),
                    manual: None,
                    timeout: None,
                    python: None,
                    extra: false,
                    waiver: None,
                    probes: P::default(),
                    word: PhantomData,
                };
                let mut seen: Vec<String> = Vec::new();
                while let Some(key) = map.next_key_seed(ClaimKey::<P, W>(PhantomData))? {
                    if seen.contains(&key) {
                        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                    }
                    match key.as_str() {
                        "id" => spec.id = map.next_value()?,
                        "after" => spec.after = map.next_value()?,
                        "manual" => spec.manual = map.next_value()?,
                        "timeout" => spec.timeout = map.next_value()?,
                        "python" => spec.python = map.next_value()?,
                        "extra" => spec.extra = map.next_value()?,
                        "waiver" => spec.waiver = map.next_value()?,
                        statement if statement == W::KEY => text = Some(map.next_value()?),
                        probe => {
                            spec.probes.read(probe, &mut map)?;
                        }
                    }
                    seen.push(key);
                }
                spec.text = text.ok_or_else(|| de::Error::missing_field(W::KEY))?;
                Ok(spec)
            }
        }
        deserializer.deserialize_map(ClaimVisitor(PhantomData))
    }
}

/// A key of a claim, refused while it is read when it is unknown, so the error points
/// at the key.
struct ClaimKey<P, W>(PhantomData<(P, W)>);

impl<'de, P: ProbeSet, W: Word> de::DeserializeSeed<'de> for ClaimKey<P, W> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        // Checked inside the visitor: serde_yaml places errors raised there at the key.
        deserializer.deserialize_identifier(self)
    }
}

impl<P: ProbeSet, W: Word> Visitor<'_> for ClaimKey<P, W> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a key of a {}", W::KEY)
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<String, E> {
        let known = key == W::KEY || CLAIM_KEYS.iter().any(|(k, _)| *k == key) || P::KEYS.contains(&key);
        match known {
            true => Ok(key.to_string()),
            // Built only for the message (the statement's key, the claim's own, the probes');
            // serde wants it for the life of the program.
            false => {
                let keys: Vec<&'static str> = [W::KEY]
                    .into_iter()
                    .chain(CLAIM_KEYS.iter().map(|(k, _)| *k))
                    .chain(P::KEYS.iter().copied())
                    .collect();
                Err(E::unknown_field(key, Box::leak(keys.into_boxed_slice())))
            }
        }
    }
}

/// `waiver:` a failing claim accepted for a while, as InSpec waivers and GSD overrides.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverSpec {
    /// Why the failure is accepted.
    pub reason: String,
    /// The last day it applies (`YYYY-MM-DD`, UTC); after it the failure counts again.
    #[serde(default)]
    pub expires: Option<Day>,
    /// Who accepted it.
    #[serde(default)]
    pub by: Option<String>,
}

/// A calendar day, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub String);

impl Day {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Day, String> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let valid = matches!(parts[..], [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2)
            && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
            && matches!(parts[1].parse::<u32>(), Ok(1..=12))
            && matches!(parts[2].parse::<u32>(), Ok(1..=31));
        match valid {
            true => Ok(Day(text.trim().to_string())),
            false => Err(format!("`{text}` is not a day; write it as YYYY-MM-DD, e.g. 2027-01-31")),
        }
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Day::parse(&text).map_err(de::Error::custom)
    }
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
    pub pattern: Option<LinkPattern>,
}
