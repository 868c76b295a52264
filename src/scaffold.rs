//! `envtruth init`: a check file that mirrors a plan, ready to load and to fill in.
//!
//! Every truth is copied exactly, so the file loads without edits; a command in
//! backticks is offered as the truth's `run`, every other truth starts as
//! `manual: "TODO: ..."`, which is reported as ignored until someone writes its probe.

use std::fmt::Write;
use std::sync::LazyLock;

use regex::Regex;

use crate::plan::Plan;

/// The check file text mirroring `plan`, whose path relative to the root is `plan_path`.
pub fn check_file(plan: &Plan, plan_path: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema=envtruth.schema.json");
    let _ =
        writeln!(out, "# Mirrors {plan_path}: every plan truth is copied exactly; change the probes, never");
    let _ = writeln!(out, "# the text. Artifacts and key links come from the plan. Replace each");
    let _ = writeln!(out, "# `manual: \"TODO: ...\"` with a probe: run, tools, imports, files, env, libs,");
    let _ = writeln!(out, "# packages or flake_lock (see the README).");
    let _ = writeln!(out, "plan: {}", quote(plan_path));
    let _ = writeln!(out, "truths:");
    if plan.truths.is_empty() {
        let _ = writeln!(out, "  []");
    }
    for truth in &plan.truths {
        let _ = writeln!(out, "  - truth: {}", quote(truth));
        match proposed_command(truth) {
            Some(command) => {
                let _ = writeln!(
                    out,
                    "    run: {}   # proposed from the truth's backticks; check it",
                    quote(command)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "    manual: \"TODO: write a probe for this truth, or give the reason a human must judge it\""
                );
            }
        }
    }
    out
}

/// A YAML double-quoted scalar (a JSON string is one).
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

/// The first backticked span of `truth`, when it reads as a command: in "`.envrc` holds
/// `use flake`" the subject is a file, and its second span is no command.
fn proposed_command(truth: &str) -> Option<&str> {
    static SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`\n]+)`").expect("constant regex"));
    static FILE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\.|/|\.(nix|toml|md|lock|ya?ml|json|txt|cfg|ini|py|sh|rs|envrc)$")
            .expect("constant regex")
    });
    let span = SPAN.captures(truth)?.get(1)?.as_str().trim();
    let program = span.split_whitespace().next()?;
    (!FILE.is_match(program) && !span.starts_with("import ")).then_some(span)
}

#[cfg(test)]
mod tests {
    use super::proposed_command;

    #[test]
    fn commands_are_found_and_file_names_are_not() {
        assert_eq!(proposed_command("`uv sync` installs all packages"), Some("uv sync"));
        assert_eq!(
            proposed_command("`python -c 'import lightgbm'` succeeds"),
            Some("python -c 'import lightgbm'")
        );
        assert_eq!(proposed_command("`.envrc` holds `use flake`"), None);
        assert_eq!(proposed_command("`flake.nix` pins `nixpkgs/x.nix`"), None);
        assert_eq!(proposed_command("`import lightgbm` loads"), None);
        assert_eq!(proposed_command("no backticks"), None);
    }
}
