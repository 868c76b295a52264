//! `envtruth init`: a check file that mirrors a plan, ready to load and to fill in.
//!
//! Every truth is copied exactly, so the file loads without edits. Each probe kind of the
//! registry may propose itself for a truth from what the plan says about it (a
//! [`Clue`]); the best proposal is written with a comment saying where it came from, and a
//! truth without one starts as `manual: "TODO: ..."` with the reason, reported as ignored
//! until someone writes its probe. A wrong proposal is worse than none: the kinds propose
//! only what checks the truth as written.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::baseline::{MARK, baseline};
use crate::case::slug;
use crate::clue::plan_files::Link;
use crate::clue::runner::{Runner, runners};
use crate::clue::verify::{PlanCommand, other_plans_commands, plan_commands};
use crate::clue::{Clue, PlanFiles, Project};
use crate::error::InitError;
use crate::inside::relative_to;
use crate::plan::{Plan, Written};
use crate::probe::{KINDS, Proposal, Rank};
use crate::secret::Secrets;
use crate::spec::ShellSpec;
use crate::{vars, yaml_text};

/// What `init` made: the check file's text, and where it goes (None: stdout).
pub struct Scaffold {
    /// The check file.
    pub text: String,
    /// Where it was written, as shown; None when it is to be printed.
    pub written: Option<String>,
    /// How many truths it mirrors.
    pub truths: usize,
}

/// The longest truth init proposes a probe for: a sentence or two.
const MAX_CLAIM: usize = 2000;

/// What `init --from-shell` asks for: a drift baseline from a shell.
pub enum FromShell {
    /// No baseline.
    No,
    /// From the shell the check file names (`shell:`), nix when it names none.
    Named,
    /// From this shell (`--shell`).
    Given(ShellSpec),
}

/// Writes a check file mirroring `plan` under `root` (default `checks/{plan stem}.yaml`);
/// with `out` = `-`, returns the text to print instead. With a baseline asked for, the
/// baseline is added to the check file, which may exist already.
pub fn init(
    root: &Path,
    plan: &Path,
    out: Option<&Path>,
    from_shell: FromShell,
) -> Result<Scaffold, InitError> {
    let plan = std::path::absolute(plan).unwrap_or_else(|_| plan.to_path_buf());
    let relative = relative_to(root, &plan)
        .ok_or_else(|| InitError::Outside(plan.display().to_string(), root.display().to_string()))?;
    if plan.is_dir() {
        return Err(InitError::PlanIsDir(plan.display().to_string()));
    }
    let read = Plan::read(&plan, &relative).map_err(InitError::Plan)?;
    if let Some(empty) = read.truths.iter().find(|truth| truth.item.statement.trim().is_empty()) {
        return Err(InitError::EmptyTruth(relative, empty.at.line));
    }
    if read.truths.is_empty()
        && read.artifacts.is_empty()
        && read.key_links.is_empty()
        && read.prohibitions.is_empty()
    {
        return Err(InitError::Empty(relative));
    }
    // Built only when written: `--from-shell` on an existing check file adds to that.
    let mirror = || {
        let root_name = std::path::absolute(root)
            .ok()
            .and_then(|r| r.file_name().map(|n| n.to_string_lossy().into_owned()));
        let root_name = root_name.unwrap_or_default();
        let commands = plan_commands(&read.text, &root_name);
        let elsewhere = other_plans_commands(&plan, &root_name);
        check_file(&read, &relative, &commands, &runners(root), &elsewhere, &Project::read(root))
    };
    let stem = plan.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_else(|| "plan".into());
    let out: PathBuf =
        out.map_or_else(|| root.join("checks").join(format!("{stem}.yaml")), Path::to_path_buf);
    let truths = read.truths.len();
    let shown = out.strip_prefix(root).unwrap_or(&out).display().to_string();
    let printed = out == Path::new("-");
    // Through `..` or a link too: `--from-shell` would otherwise add to the plan itself.
    if !printed && crate::inside::resolved(&out) == crate::inside::resolved(&plan) {
        return Err(InitError::IsPlan(shown));
    }
    let existing = match out.metadata() {
        _ if printed => None,
        Ok(_) if matches!(from_shell, FromShell::No) => return Err(InitError::Exists(shown)),
        Ok(meta) if !meta.is_file() => return Err(InitError::NotAFile(shown)),
        Ok(_) => {
            let bytes = crate::bounded::read(&out).map_err(|e| InitError::Read(shown.clone(), e))?;
            let text = bytes.and_then(|bytes| String::from_utf8(bytes).ok());
            Some(text.ok_or_else(|| InitError::NotACheckFile(shown.clone()))?)
        }
        Err(_) => None,
    };
    let text = match (from_shell, existing) {
        (FromShell::No, None) => mirror(),
        (from_shell, existing) => {
            with_baseline(root, &read, existing.unwrap_or_else(mirror), from_shell, shown.clone())?
        }
    };
    if printed {
        return Ok(Scaffold { text, written: None, truths });
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| InitError::Write(shown.clone(), e))?;
    }
    crate::whole_file::write(&out, text.as_bytes()).map_err(|e| InitError::Write(shown.clone(), e))?;
    Ok(Scaffold { text, written: Some(shown), truths })
}

/// `check_file` with a drift baseline from the shell `from_shell` says, when it is a
/// block-style check file without one.
fn with_baseline(
    root: &Path,
    plan: &Plan,
    check_file: String,
    from_shell: FromShell,
    shown: String,
) -> Result<String, InitError> {
    if check_file.contains(MARK) {
        return Err(InitError::HasBaseline(shown));
    }
    let holds_truths = serde_yaml::from_str::<serde_yaml::Value>(&check_file)
        .ok()
        .is_some_and(|file| file.get("truths").is_some_and(serde_yaml::Value::is_sequence));
    // A flow list (`truths: [...]`) cannot take lines added after it.
    let flow = check_file.lines().any(|line| {
        line.strip_prefix("truths:")
            .is_some_and(|rest| !rest.trim().is_empty() && !rest.trim().starts_with('#'))
    });
    if !holds_truths || flow {
        return Err(InitError::NotACheckFile(shown));
    }
    let spec = match from_shell {
        FromShell::Given(spec) => spec,
        _ => named_shell(&check_file),
    };
    Ok(with_truths(&check_file, &baseline(root, plan, &spec)?))
}

/// The shell a check file names (`shell:`), nix when it names none or one that does not
/// read (the loader reports that).
fn named_shell(check_file: &str) -> ShellSpec {
    serde_yaml::from_str::<serde_yaml::Value>(check_file)
        .ok()
        .and_then(|file| serde_yaml::from_value::<ShellSpec>(file.get("shell")?.clone()).ok())
        .unwrap_or_default()
}

/// `check_file` with `lines` (written for items indented by two spaces) added at the end of
/// its `truths:` list, indented as its items are.
fn with_truths(check_file: &str, lines: &str) -> String {
    let indent = check_file
        .lines()
        .skip_while(|line| !line.starts_with("truths:"))
        .find(|line| line.trim_start().starts_with("- "))
        .map_or(2, |item| item.len() - item.trim_start().len());
    let lines: String = lines
        .lines()
        .map(|line| format!("{}{}\n", " ".repeat(indent), line.strip_prefix("  ").unwrap_or(line)))
        .collect();
    let lines = lines.as_str();
    let mut out = String::new();
    let mut in_truths = false;
    let mut added = false;
    for line in check_file.lines() {
        let top_level = !line.is_empty() && !line.starts_with([' ', '#', '-']);
        if in_truths && top_level && !added {
            out.push_str(lines);
            added = true;
        }
        if top_level {
            in_truths = line.starts_with("truths:");
        }
        out.push_str(line);
        out.push('\n');
    }
    if !added {
        out.push_str(lines);
    }
    out
}

/// The check file text mirroring `plan`, whose path relative to the root is `plan_path`.
fn check_file(
    plan: &Plan,
    plan_path: &str,
    commands: &[PlanCommand],
    runners: &[Runner],
    elsewhere: &[PlanCommand],
    project: &Project,
) -> String {
    let secrets = Secrets::of(&Default::default());
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema=envtruth.schema.json");
    let _ = writeln!(
        out,
        "# Mirrors {}: every plan truth is copied exactly; change the probes, never",
        comment(plan_path)
    );
    let _ = writeln!(out, "# the text. Artifacts and key links come from the plan. Replace each");
    let _ = writeln!(
        out,
        "# `manual: \"TODO: ...\"` with a probe: {} (see the README).",
        crate::probe::keys_listed()
    );
    let _ = writeln!(out, "plan: {}", yaml_text::quoted(&vars::escape(plan_path)));
    let _ = writeln!(out, "truths:");
    if plan.truths.is_empty() {
        let _ = writeln!(out, "  []");
    }
    let files = plan_files(plan);
    let mut ids: HashSet<String> = HashSet::new();
    let mut next: HashMap<String, usize> = HashMap::new();
    for (index, truth) in plan.truths.iter().map(|truth| truth.item.statement.as_str()).enumerate() {
        // Written as `$${vars.`: the loader would take the plan's own text for a variable.
        let _ = writeln!(out, "  - truth: {}", yaml_text::quoted(&vars::escape(truth)));
        // A truth written twice, or two that slug alike, would share a case name (the loader
        // names text without letters `truth-N`): the later ones get an id of their own.
        let id = match slug(truth) {
            id if id.is_empty() => format!("truth-{}", index + 1),
            id => id,
        };
        if !ids.insert(id.clone()) {
            let counter = next.entry(id.clone()).or_insert(2);
            let unique = loop {
                let candidate = format!("{id}-{counter}");
                *counter += 1;
                if ids.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let _ =
                writeln!(out, "    id: {}   # the same name as an earlier truth", yaml_text::quoted(&unique));
        }
        let clue = Clue { truth, plan: commands, runners, elsewhere, files: &files, project };
        let proposals = KINDS.iter().filter_map(|kind| (kind.propose)(&clue));
        // A truth longer than any one claim is prose to read; one holding a secret must not
        // have it copied into a probe as well.
        let secret = |text: &str| secrets.scrub(text) != text;
        let best = match truth.len() > MAX_CLAIM {
            true => {
                Some(Proposal::note("the truth is too long to be one claim: split it, one claim per truth"))
            }
            // Not in a probe, its comment or a note: whatever copies the truth's words may
            // carry the secret (escaped, split, or in a refused command).
            false if secret(truth) => Some(Proposal::note(
                "the truth holds a secret, and a probe would copy it: keep secrets out of plans and checks",
            )),
            // A note's own words may read like `session: check`; only a probe copies the truth.
            false => proposals.min_by_key(|p| p.rank).map(|p| {
                match p.rank != Rank::Note && (secret(&p.yaml) || secret(&p.because)) {
                    true => Proposal::note(
                        "the proposed probe would copy a secret from the truth: keep secrets out of checks",
                    ),
                    false => p,
                }
            }),
        };
        // Text from the plan is taken literally, as in the truth.
        let literal = |yaml: &str| yaml_text::escaped(&vars::escape(yaml));
        match best {
            Some(proposal) if proposal.rank == Rank::Note => {
                let _ = writeln!(out, "    {}", literal(&proposal.yaml));
            }
            Some(proposal) => {
                let _ = writeln!(out, "    {}   # {}", literal(&proposal.yaml), comment(&proposal.because));
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

/// The files and key links `plan` names, for truths that name a file without its directory
/// or describe wiring a key link checks.
fn plan_files(plan: &Plan) -> PlanFiles {
    let mut paths = plan.files_modified.clone();
    let mut links = Vec::new();
    for artifact in &plan.artifacts {
        match &artifact.item {
            Written::Spec(spec) => paths.push(spec.path.clone()),
            Written::Path { path, .. } => paths.push(path.clone()),
            Written::Prose(_) => {}
        }
    }
    for link in &plan.key_links {
        match &link.item {
            Written::Spec(spec) => {
                paths.extend([spec.from.clone(), spec.to.clone()]);
                let pattern = spec.pattern.as_ref().map(|p| p.text.clone());
                links.push(Link::new(spec.from.clone(), spec.to.clone(), pattern));
            }
            Written::Path { path, .. } => paths.push(path.clone()),
            Written::Prose(_) => {}
        }
    }
    PlanFiles::new(paths, links).with_scripts(&plan.text)
}

/// `text` as a comment: one line, whatever the plan's paths hold, and no variable use.
fn comment(text: &str) -> String {
    vars::escape(text).chars().map(|c| if yaml_text::unsafe_char(c) { ' ' } else { c }).collect()
}
