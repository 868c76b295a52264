//! `envtruth signoff`: runs every check that mirrors the plans of a phase and hands the
//! outcomes to the sign-off sink, which writes the phase's `VERIFICATION.md`.

use std::path::{Path, PathBuf};

use crate::case::{Case, Waiver};
use crate::error::{Error, SignoffError};
use crate::fingerprint;
use crate::inside::relative_to;
use crate::inside::resolved;
use crate::overwrite;
use crate::plan::Plan;
use crate::run::{Harness, Ran, Run};
use crate::shell;
use crate::sink::Sink;
use crate::sink::console::Console;
use crate::sink::signoff::previous::{Previous, same_must_have};
use crate::sink::signoff::{Header, Later, Signoff};

impl Harness {
    /// `envtruth signoff`: runs every check mirroring the plans of a phase (`phase`, a
    /// directory of `*-PLAN.md`) or of one `plan`, and writes the phase's
    /// `VERIFICATION.md` (or `out`). Exit code 0 when passed or human_needed, 1 when
    /// gaps were found. The phase's own report is read first (its overrides hold again,
    /// and the new one says what changed); another file is replaced only if envtruth
    /// wrote it, or with `force`; an input is never replaced.
    pub fn signoff(
        self,
        phase: Option<&Path>,
        plan: Option<&Path>,
        out: Option<&Path>,
        force: bool,
    ) -> Result<Ran, Error> {
        crate::interrupt::install();
        let (phase_dir, plans) = plans(phase, plan)?;
        let read: Vec<Plan> = plans
            .iter()
            .map(|p| Plan::read(p, &relative_to(&self.root, p).unwrap_or_else(|| p.display().to_string())))
            .collect::<Result<_, _>>()
            .map_err(SignoffError::Plan)?;
        let cases = self.load().map_err(Error::Load)?;
        let wanted: Vec<PathBuf> =
            plans.iter().map(|p| p.canonicalize().unwrap_or_else(|_| p.clone())).collect();
        let selected: Vec<usize> = (0..cases.len())
            .filter(|&i| {
                cases[i]
                    .plan
                    .as_ref()
                    .and_then(|p| p.canonicalize().ok())
                    .is_some_and(|p| wanted.contains(&p))
            })
            .collect();
        let shown_plans: Vec<String> = read.iter().map(|p| p.shown.clone()).collect();
        if selected.is_empty() {
            return Err(SignoffError::NotMirrored(shown_plans.join(", ")).into());
        }
        let mut shells: Vec<String> = selected
            .iter()
            .map(|&i| &cases[i])
            .filter(|case| matches!(case.check, crate::case::Check::Truth { .. }))
            .map(|case| shell::label(self.shell.as_ref().unwrap_or(&case.shell)))
            .collect();
        shells.sort();
        shells.dedup();
        let phase_name = read.iter().find_map(|p| p.phase.clone()).unwrap_or_else(|| dir_name(&phase_dir));
        let default_out = verification_path(&phase_dir);
        let out = out.map_or_else(|| default_out.clone(), Path::to_path_buf);
        let shown = out.strip_prefix(&self.root).unwrap_or(&out).display().to_string();
        let check_files = self.check_files();
        let mut inputs = plans.clone();
        inputs.extend(check_files.iter().cloned());
        overwrite::refuse(&out, &shown, &inputs, &self.outputs.paths())?;
        let previous = Previous::read(&out).map_err(SignoffError::Previous)?;
        if let Some(previous) = &previous
            && !previous.by_envtruth
            && resolved(&out) != resolved(&default_out)
            && !force
        {
            return Err(Error::Overwrite {
                path: shown,
                why: "exists and envtruth did not write it; pass --force to replace it, or write elsewhere with --out".into(),
            });
        }
        let mut cases = cases;
        if let Some(previous) = &previous {
            accept_overrides(&mut cases, &selected, previous, &shown);
        }
        let header = Header {
            phase: phase_name,
            verified: crate::clock::now(),
            plans: shown_plans,
            environment: fingerprint::of(&self.root, shells.join(", ")),
            previous,
            later: later_truths(&self.root, &phase_dir),
            root: self.root.clone(),
            covered: covered_base(&self.root, &phase_dir, &check_files),
        };
        let mut sinks: Vec<Box<dyn Sink>> = vec![Box::new(Console), Box::new(Signoff { header, out, shown })];
        sinks.extend(self.outputs.sinks());
        let run = Run::new(cases, &self, sinks);
        run.start(&selected);
        run.run_all(&selected);
        let finished = run.finish(&selected)?;
        Ok(Ran {
            exit: finished.iter().find_map(|f| f.exit).unwrap_or(crate::exit::PASSED),
            notes: finished.into_iter().filter_map(|f| f.note).collect(),
        })
    }
}

/// `{phase dir}/{NN}-VERIFICATION.md`, NN being the phase directory's number.
fn verification_path(phase_dir: &Path) -> PathBuf {
    let name = dir_name(phase_dir);
    let number = name.split('-').next().filter(|n| n.chars().all(|c| c.is_ascii_digit())).unwrap_or(&name);
    phase_dir.join(format!("{number}-VERIFICATION.md"))
}

/// The phase directory and its plans.
fn plans(phase: Option<&Path>, plan: Option<&Path>) -> Result<(PathBuf, Vec<PathBuf>), SignoffError> {
    match (phase, plan) {
        (_, Some(plan)) => {
            let plan = std::path::absolute(plan).unwrap_or_else(|_| plan.to_path_buf());
            let dir = plan.parent().map(Path::to_path_buf).unwrap_or_default();
            Ok((dir, vec![plan]))
        }
        (Some(dir), None) => {
            let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
            if !dir.is_dir() {
                return Err(SignoffError::NoPlans(format!(
                    "{} is not a directory; pass --phase the phase directory that holds the plans",
                    dir.display()
                )));
            }
            let mut plans = crate::phase_dir::plans(&dir);
            plans.retain(|p| p.to_string_lossy().ends_with("-PLAN.md"));
            if plans.is_empty() {
                return Err(SignoffError::NoPlans(format!(
                    "{} has no *-PLAN.md; pass --phase the phase directory that holds them, or --plan FILE",
                    dir.display()
                )));
            }
            Ok((dir, plans))
        }
        (None, None) => Err(SignoffError::NoPlans("pass --phase DIR or --plan FILE".into())),
    }
}

fn dir_name(dir: &Path) -> String {
    dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Attaches the previous report's overrides to the cases they name (as GSD matches them:
/// 80% of the words), unless a case has a waiver of its own.
fn accept_overrides(cases: &mut [Case], selected: &[usize], previous: &Previous, shown: &str) {
    for over in &previous.overrides {
        let best = selected
            .iter()
            .map(|&i| (i, same_must_have(&over.must_have, &cases[i].title)))
            .filter(|(i, score)| *score >= 0.8 && cases[*i].waiver.is_none())
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = best {
            cases[i].waiver = Some(Waiver {
                reason: over.reason.clone(),
                expires: over.expires.clone(),
                by: over.accepted_by.clone(),
                accepted_at: over.accepted_at.clone(),
                from: format!("the overrides of {shown}"),
            });
        }
    }
}

/// The truths of the plans of later phases (the phase directories after this one), which
/// a failing truth of this phase may be deferred to.
fn later_truths(root: &Path, phase_dir: &Path) -> Vec<Later> {
    let number = |dir: &Path| -> Option<f64> {
        let name = dir_name(dir);
        let lead: String = name.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        lead.trim_end_matches('.').parse().ok()
    };
    let Some(this) = number(phase_dir) else { return Vec::new() };
    let Some(parent) = phase_dir.parent() else { return Vec::new() };
    let mut later = Vec::new();
    let mut dirs = crate::phase_dir::directories(parent);
    dirs.sort();
    for dir in dirs.iter().filter(|d| number(d).is_some_and(|n| n > this)) {
        for path in crate::phase_dir::plans(dir) {
            let shown = relative_to(root, &path).unwrap_or_else(|| path.display().to_string());
            let Ok(plan) = Plan::read(&path, &shown) else { continue };
            for truth in &plan.truths {
                later.push(Later {
                    statement: truth.item.statement.clone(),
                    addressed_in: format!("phase {} (plan {shown})", dir_name(dir)),
                    at: plan.source(truth.at).to_string(),
                });
            }
        }
    }
    later
}

/// The files a sign-off covers before any check reads one: every PLAN and SUMMARY of the
/// phase (GSD calls a report stale when one of them is not covered) and the check files.
fn covered_base(root: &Path, phase_dir: &Path, check_files: &[PathBuf]) -> Vec<String> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(phase_dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    files.retain(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        name.ends_with("-PLAN.md")
            || name.ends_with("-SUMMARY.md")
            || name == "PLAN.md"
            || name == "SUMMARY.md"
    });
    files.extend(check_files.iter().cloned());
    files.iter().filter_map(|p| relative_to(root, p)).collect()
}
