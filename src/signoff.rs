//! `envtruth signoff`: runs every check that mirrors the plans of a phase and hands the
//! outcomes to the sign-off sink, which writes the phase's `VERIFICATION.md`.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::error::SignoffError;
use crate::fingerprint;
use crate::inside::relative_to;
use crate::plan::Plan;
use crate::run::{Harness, Ran, Run};
use crate::shell;
use crate::sink::Sink;
use crate::sink::console::Console;
use crate::sink::signoff::{Header, Signoff};

impl Harness {
    /// `envtruth signoff`: runs every check mirroring the plans of a phase (`phase`, a
    /// directory of `*-PLAN.md`) or of one `plan`, and writes the phase's
    /// `VERIFICATION.md` (or `out`). Exit code 0 when passed or human_needed, 1 when
    /// gaps were found.
    pub fn signoff(
        self,
        phase: Option<&Path>,
        plan: Option<&Path>,
        out: Option<&Path>,
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
        let header = Header {
            phase: phase_name,
            verified: fingerprint::utc_now(),
            plans: shown_plans,
            environment: fingerprint::of(&self.root, shells.join(", ")),
        };
        let out = out.map_or_else(|| verification_path(&phase_dir), Path::to_path_buf);
        let shown = out.strip_prefix(&self.root).unwrap_or(&out).display().to_string();
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
            let mut plans: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| SignoffError::NoPlans(format!("{}: {e}", dir.display())))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with("-PLAN.md")))
                .collect();
            plans.sort();
            if plans.is_empty() {
                return Err(SignoffError::NoPlans(format!("{} has no *-PLAN.md", dir.display())));
            }
            Ok((dir, plans))
        }
        (None, None) => Err(SignoffError::NoPlans("pass --phase DIR or --plan FILE".into())),
    }
}

fn dir_name(dir: &Path) -> String {
    dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
