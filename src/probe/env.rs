//! `env:` variables of the shell, one item per variable; secret values never shown.

use std::sync::LazyLock;

use regex::Regex;
use schemars::{JsonSchema, json_schema};
use serde::Deserialize;

use super::{Context, Item, Kind, Proposal, Rank, keyed};
use crate::clue::{Clue, regex};
use crate::outcome::{Evidence, Findings};
use crate::secret::{MASK, is_secret_name};
use crate::shell::Environment;
use crate::spec::schema::schema;
use crate::spec::shape::{Entries, Pattern, Shaped, Text, deserialize_shaped};
use crate::text::shorten;

/// `env:` variables of the shell and what they must hold, by name.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Env(Entries<EnvSpec>);

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

/// The map shape of a variable's condition.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvMap {
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

deserialize_shaped!(EnvSpec);

schema!(EnvSpec, "EnvCondition", |generator| json_schema!({
    "anyOf": [{"enum": ["set", "unset"]}, generator.subschema_for::<EnvMap>()]
}));

impl Kind for Env {
    const KEY: &'static str = "env";

    fn items(&self) -> Vec<Item> {
        keyed(Self::KEY, &self.0.0)
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        check(&self.0.0, ctx.env)
    }

    fn propose(clue: &Clue<'_>) -> Option<Proposal> {
        static VAR: LazyLock<Regex> = LazyLock::new(|| {
            regex(r"^(?i:the )?`?\$?(?P<var>[A-Z][A-Z0-9]*_[A-Z0-9_]+|PATH)`?(?i: (environment )?variable)? (?P<how>(?i:is set|is exported|is defined|is unset|is not set|equals|is set to|points to|includes|contains))(?P<value> `[^`]+`)?(?i: (in|inside|by) (the )?(dev |nix |development )?(shell|environment|flake|shellHook|`?nix develop`?))?\.?$")
        });
        let c = VAR.captures(clue.truth)?;
        let value = c.name("value").map(|v| v.as_str().trim().trim_matches('`').to_string());
        if value.is_some() && crate::secret::is_secret_name(&c["var"]) {
            return Some(Proposal::note("the proposed probe would copy a secret from the truth: check that it is `set`, never its value"));
        }
        let spec = match (c["how"].to_lowercase().as_str(), value) {
            ("is set" | "is exported" | "is defined", None) => serde_json::json!("set"),
            ("is unset" | "is not set", None) => serde_json::json!("unset"),
            ("equals" | "is set to", Some(v)) => serde_json::json!({ "equals": v }),
            // A path variable points to a directory by its absolute path: `.venv` is its end.
            ("includes" | "contains" | "points to", Some(v)) => serde_json::json!({ "contains": v }),
            _ => return None,
        };
        Some(Proposal::new(Self::KEY, serde_json::json!({ &c["var"]: spec }), "recognised: an environment variable", Rank::Recognised))
    }
}

fn check(vars: &[(String, EnvSpec)], env: &Environment) -> Findings {
    let evidence = vars.iter().map(|(name, spec)| check_one(name, spec, env)).collect();
    Findings { evidence, commands: Vec::new() }
}

fn check_one(name: &str, spec: &EnvSpec, env: &Environment) -> Evidence {
    let value = env.var(name);
    let mut expected = vec![if spec.set == Some(false) { "unset" } else { "set" }.to_string()];
    expected.extend(spec.equals.iter().map(|want| format!("equal to `{}`", shown(name, want))));
    expected.extend(spec.contains.iter().map(|want| format!("containing `{}`", shown(name, want))));
    expected.extend(spec.matches.iter().map(|pattern| format!("matching {pattern}")));
    let passed = match (&value, spec.set) {
        (None, Some(false)) => true,
        (None, _) | (Some(_), Some(false)) => false,
        (Some(text), _) => {
            spec.equals.as_ref().is_none_or(|want| text == want)
                && spec.contains.as_ref().is_none_or(|want| text.contains(want.as_str()))
                && spec.matches.as_ref().is_none_or(|pattern| pattern.0.is_match(text))
        }
    };
    let found = match &value {
        None => "unset".to_string(),
        Some(value) => format!("`{}`", shorten(&env.secrets.scrub(&shown(name, value)), 200)),
    };
    Evidence::new("env", name, passed, expected.join(", "), found)
}

fn shown(name: &str, value: &str) -> String {
    if is_secret_name(name) { MASK.to_string() } else { value.to_string() }
}
