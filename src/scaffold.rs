//! `envtruth init`: a check file that mirrors a plan, ready to load and to fill in.
//!
//! Every truth is copied exactly, so the file loads without edits; a command in
//! backticks is offered as the truth's `run`, every other truth starts as
//! `manual: "TODO: ..."`, which is reported as ignored until someone writes its probe.

use std::fmt::Write;

use crate::plan::Plan;
use crate::probe::KINDS;

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
        match KINDS.iter().find_map(|kind| (kind.propose)(truth)) {
            Some(proposal) => {
                let _ = writeln!(out, "    {}   # {}", proposal.yaml, proposal.because);
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
