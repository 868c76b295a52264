//! Variables in check files: `${vars.NAME}` in any value, for what differs per machine or
//! CI job (goss's `--vars`). A file's own `vars:` map gives defaults; `--vars FILE` (or
//! `ENVTRUTH_VARS`) overrides them.
//!
//! Substituted in the text before the file is read, one line at a time, so every error
//! still names the right line; a value that would change the YAML's structure (a line
//! break, a quote, a backslash, `: `, ` #`) is refused rather than trusted.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_yaml::Value;

/// Variable values by name.
pub type Vars = BTreeMap<String, String>;

/// A problem at a place in the text.
pub struct Problem {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The variables of a YAML map (`vars:` of a check file, or a `--vars` file); None when
/// `value` is no map of scalars.
pub fn of_map(value: &Value) -> Option<Vars> {
    let map = value.as_mapping()?;
    map.iter()
        .map(|(k, v)| {
            let value = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            Some((k.as_str()?.to_string(), value))
        })
        .collect()
}

/// A use of a variable, or its escape with the `$` before it.
static USE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\$?)\$\{vars\.([A-Za-z_][A-Za-z0-9_]*)\}").expect("constant regex"));

/// `text` as written in a check file so that [`substitute`] gives `text` back: each
/// `${vars.NAME}` gets a `$` before it (text like `${vars.}` is no use and stays).
pub fn escape(text: &str) -> String {
    // An escape already (`$${vars.x}`) gets one more `$` too, and reads back as itself.
    USE.replace_all(text, "$$${0}").into_owned()
}

/// `text` with every `${vars.NAME}` replaced by its value from `given` (first) or the
/// text's own `vars:` map; `$${vars.NAME}` is the literal text `${vars.NAME}` (a plan's
/// truth may hold it).
pub fn substitute(text: &str, given: &Vars) -> Result<String, Problem> {
    if !text.contains("${vars.") {
        return Ok(text.to_string());
    }
    // The uses are neutral while the file's own `vars:` are read: `{${vars.tool}: any}` is
    // no YAML until it is substituted.
    let neutral = USE.replace_all(text, "x");
    let own = serde_yaml::from_str::<Value>(&neutral)
        .ok()
        .and_then(|doc| of_map(doc.get("vars")?))
        .unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let mut problem = None;
        let replaced = USE.replace_all(line, |caps: &regex::Captures<'_>| {
            let name = &caps[2];
            let at = caps.get(0).map_or(0, |m| m.start());
            if !caps[1].is_empty() {
                return format!("${{vars.{name}}}");
            }
            match given.get(name).or_else(|| own.get(name)) {
                Some(value) if unsafe_in_yaml(value) => {
                    problem.get_or_insert(Problem {
                        line: n + 1,
                        column: at + 1,
                        message: format!("the value of `vars.{name}` holds a line break, a quote, a backslash, `: ` or ` #`, which would change the file's YAML; give a plain value"),
                    });
                    String::new()
                }
                Some(value) => value.clone(),
                None => {
                    let known: Vec<&str> = given.keys().chain(own.keys()).map(String::as_str).collect();
                    let hint = match crate::suggest::closest(name, known.iter().copied()) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => "define it under `vars:` in this file, or in the file given to --vars (ENVTRUTH_VARS)".into(),
                    };
                    problem.get_or_insert(Problem { line: n + 1, column: at + 1, message: format!("`vars.{name}` is not defined; {hint}") });
                    String::new()
                }
            }
        });
        if let Some(problem) = problem {
            return Err(problem);
        }
        out.push_str(&replaced);
    }
    Ok(out)
}

fn unsafe_in_yaml(value: &str) -> bool {
    value.contains(['\n', '\r', '"', '\'', '\\']) || value.contains(": ") || value.contains(" #")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_from_the_file_and_from_outside_replace_their_uses() {
        let text = "vars: {python: \"3.12\", tool: uv}\ntruths:\n  - truth: python ${vars.python}\n    tools: {python3: \"${vars.python}\", ${vars.tool}: any}\n";
        let given = Vars::from([("python".to_string(), "3.13".to_string())]);
        let out = substitute(text, &given).unwrap_or_else(|p| panic!("{}", p.message));
        assert!(out.contains("  - truth: python 3.13\n    tools: {python3: \"3.13\", uv: any}\n"), "{out}");
        let missing = substitute("a: ${vars.pyton}\nvars: {python: x}\n", &Vars::new()).err().unwrap();
        assert_eq!((missing.line, missing.column), (1, 4));
        assert_eq!(missing.message, "`vars.pyton` is not defined; did you mean `python`?");
        for text in ["${vars.x} and $${vars.y}", "${vars.x-y}", "${vars.}", "$$${vars.z}"] {
            assert_eq!(substitute(&escape(text), &Vars::new()).ok().as_deref(), Some(text), "{text}");
        }
        let escaped = substitute("- truth: \"$${vars.x} stays\"\n", &Vars::new())
            .unwrap_or_else(|p| panic!("{}", p.message));
        assert_eq!(escaped, "- truth: \"${vars.x} stays\"\n");
        let unsafe_value = Vars::from([("x".to_string(), "a: b".to_string())]);
        assert!(substitute("k: ${vars.x}\n", &unsafe_value).is_err());
    }
}
