//! `envtruth init`: a check file that mirrors a plan, ready to load and to fill in.
//!
//! Every truth is copied exactly, so the file loads without edits; each probe kind of the
//! registry may propose itself for a truth (a command in backticks becomes `run`), and
//! every other truth starts as `manual: "TODO: ..."`, which is reported as ignored until
//! someone writes its probe.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::error::InitError;
use crate::inside::relative_to;
use crate::plan::Plan;
use crate::probe::KINDS;

/// What `init` made: the check file's text, and where it goes (None: stdout).
pub struct Scaffold {
    /// The check file.
    pub text: String,
    /// Where it was written, as shown; None when it is to be printed.
    pub written: Option<String>,
    /// How many truths it mirrors.
    pub truths: usize,
}

/// Writes a check file mirroring `plan` under `root` (default `checks/{plan stem}.yaml`);
/// with `out` = `-`, returns the text to print instead.
pub fn init(root: &Path, plan: &Path, out: Option<&Path>) -> Result<Scaffold, InitError> {
    let plan = std::path::absolute(plan).unwrap_or_else(|_| plan.to_path_buf());
    let relative = relative_to(root, &plan)
        .ok_or_else(|| InitError::Outside(plan.display().to_string(), root.display().to_string()))?;
    let read = Plan::read(&plan, &relative).map_err(InitError::Plan)?;
    let text = check_file(&read, &relative);
    let stem = plan.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_else(|| "plan".into());
    let out: PathBuf =
        out.map_or_else(|| root.join("checks").join(format!("{stem}.yaml")), Path::to_path_buf);
    let truths = read.truths.len();
    if out == Path::new("-") {
        return Ok(Scaffold { text, written: None, truths });
    }
    let shown = out.strip_prefix(root).unwrap_or(&out).display().to_string();
    if out.exists() {
        return Err(InitError::Exists(shown));
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| InitError::Write(shown.clone(), e))?;
    }
    std::fs::write(&out, &text).map_err(|e| InitError::Write(shown.clone(), e))?;
    Ok(Scaffold { text, written: Some(shown), truths })
}

/// The check file text mirroring `plan`, whose path relative to the root is `plan_path`.
fn check_file(plan: &Plan, plan_path: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema=envtruth.schema.json");
    let _ =
        writeln!(out, "# Mirrors {plan_path}: every plan truth is copied exactly; change the probes, never");
    let _ = writeln!(out, "# the text. Artifacts and key links come from the plan. Replace each");
    let _ = writeln!(
        out,
        "# `manual: \"TODO: ...\"` with a probe: {} (see the README).",
        crate::probe::keys_listed()
    );
    let _ = writeln!(out, "plan: {}", quote(plan_path));
    let _ = writeln!(out, "truths:");
    if plan.truths.is_empty() {
        let _ = writeln!(out, "  []");
    }
    for truth in plan.truths.iter().map(|truth| truth.item.statement.as_str()) {
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
