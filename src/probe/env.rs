//! `env:` variables of the shell, one item per variable; secret values never shown.

use super::shorten;
use crate::outcome::{Evidence, Findings};
use crate::secret::{MASK, is_secret_name};
use crate::shell::Environment;
use crate::spec::EnvSpec;

pub fn check(vars: &[(String, EnvSpec)], env: &Environment) -> Findings {
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
