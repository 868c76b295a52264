//! GSD phases: scaffolding a check file from a plan (`init`) and signing a phase off
//! (`signoff`) by running every check that mirrors its plans.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::harness::Run;
use crate::load::{LoadError, Loader};
use crate::plan::Plan;
use crate::report::signoff::{self, Environment, Header, Verdict};
use crate::scaffold;
use crate::shell;
use crate::spec::ShellSpec;

/// Why `init` or `signoff` could not do its work; exit code 2.
#[derive(Debug, Error)]
pub enum PhaseError {
    /// Check files or a plan could not be loaded.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nerror: "))]
    Load(Vec<LoadError>),
    /// Neither `--phase` nor `--plan`, or a phase without plans.
    #[error("no plans: {0}")]
    NoPlans(String),
    /// The plan is not under the project root, so `plan:` cannot name it.
    #[error("{0}: the plan is outside the project root {1}; pass --root DIR containing it")]
    Outside(String, String),
    /// No check file mirrors the phase's plans.
    #[error("no check file mirrors {0}; create one with `envtruth init --plan PLAN.md`")]
    NotMirrored(String),
    /// `init` would overwrite a file.
    #[error("{0} exists; remove it or pass --out FILE (`--out -` prints to stdout)")]
    Exists(String),
    /// The output could not be written.
    #[error("{0}: cannot write: {1}")]
    Write(String, std::io::Error),
}

/// `envtruth init`: writes a check file mirroring `plan` (or prints it with `out` = `-`).
pub fn init(root: &Path, plan: &Path, out: Option<&Path>) -> Result<String, PhaseError> {
    let plan = std::path::absolute(plan).unwrap_or_else(|_| plan.to_path_buf());
    let relative = relative_to(root, &plan)?;
    let read = Plan::read(&plan, &relative).map_err(|e| PhaseError::Load(vec![e.into()]))?;
    let text = scaffold::check_file(&read, &relative);
    let stem = plan.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_else(|| "plan".into());
    let out = out.map_or_else(|| root.join("checks").join(format!("{stem}.yaml")), Path::to_path_buf);
    if out == Path::new("-") {
        print!("{text}");
        return Ok("printed to stdout".into());
    }
    let shown = out.strip_prefix(root).unwrap_or(&out).display().to_string();
    if out.exists() {
        return Err(PhaseError::Exists(shown));
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| PhaseError::Write(shown.clone(), e))?;
    }
    std::fs::write(&out, text).map_err(|e| PhaseError::Write(shown.clone(), e))?;
    Ok(format!(
        "wrote {shown}: {} truths; replace each `manual: \"TODO: ...\"` with a probe",
        read.truths.len()
    ))
}

/// What `signoff` runs and where it writes.
pub struct Signoff<'a> {
    /// The project root.
    pub root: &'a Path,
    /// Check files or directories.
    pub checks: &'a [PathBuf],
    /// A phase directory: all its `*-PLAN.md`.
    pub phase: Option<&'a Path>,
    /// One plan.
    pub plan: Option<&'a Path>,
    /// Where to write; default `{phase dir}/{NN}-VERIFICATION.md`.
    pub out: Option<&'a Path>,
    /// A shell for every suite.
    pub shell: Option<ShellSpec>,
    /// Ignore cached environments.
    pub refresh: bool,
}

impl Signoff<'_> {
    /// Runs the checks of the phase and writes the report; the verdict decides the exit code.
    pub fn run(self) -> Result<(String, Verdict), PhaseError> {
        let (phase_dir, plans) = self.plans()?;
        let read: Vec<Plan> = plans
            .iter()
            .map(|p| Plan::read(p, &relative_to(self.root, p).unwrap_or_else(|_| p.display().to_string())))
            .collect::<Result<_, _>>()
            .map_err(|e| PhaseError::Load(vec![e.into()]))?;
        let cases = Loader { checks: self.checks, root: self.root }.load().map_err(PhaseError::Load)?;
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
            return Err(PhaseError::NotMirrored(shown_plans.join(", ")));
        }
        let run = Run::new(cases, self.root.to_path_buf(), self.shell.clone(), self.refresh);
        let outcomes = run.outcomes(&selected);
        let pairs: Vec<_> = selected.iter().map(|&i| &run.cases()[i]).zip(outcomes).collect();
        let mut shells: Vec<String> = pairs
            .iter()
            .filter(|(case, _)| matches!(case.check, crate::case::Check::Truth { .. }))
            .map(|(case, _)| shell::label(self.shell.as_ref().unwrap_or(&case.shell)))
            .collect();
        shells.sort();
        shells.dedup();
        let phase_name = read.iter().find_map(|p| p.phase.clone()).unwrap_or_else(|| dir_name(&phase_dir));
        let header = Header {
            phase: phase_name,
            verified: utc_now(),
            plans: shown_plans,
            environment: fingerprint(self.root, shells.join(", ")),
        };
        let (text, verdict) = signoff::render(&header, &pairs);
        let out = self.out.map_or_else(
            || {
                let name = dir_name(&phase_dir);
                let number =
                    name.split('-').next().filter(|n| n.chars().all(|c| c.is_ascii_digit())).unwrap_or(&name);
                phase_dir.join(format!("{number}-VERIFICATION.md"))
            },
            Path::to_path_buf,
        );
        let shown = out.strip_prefix(self.root).unwrap_or(&out).display().to_string();
        std::fs::write(&out, &text).map_err(|e| PhaseError::Write(shown.clone(), e))?;
        let score = text.lines().find_map(|l| l.strip_prefix("score: ")).unwrap_or_default().to_string();
        Ok((format!("wrote {shown}: {}, {score}", verdict_word(verdict)), verdict))
    }

    /// The phase directory and its plans.
    fn plans(&self) -> Result<(PathBuf, Vec<PathBuf>), PhaseError> {
        match (self.phase, self.plan) {
            (_, Some(plan)) => {
                let plan = std::path::absolute(plan).unwrap_or_else(|_| plan.to_path_buf());
                let dir = plan.parent().map(Path::to_path_buf).unwrap_or_default();
                Ok((dir, vec![plan]))
            }
            (Some(dir), None) => {
                let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
                let mut plans: Vec<PathBuf> = std::fs::read_dir(&dir)
                    .map_err(|e| PhaseError::NoPlans(format!("{}: {e}", dir.display())))?
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with("-PLAN.md")))
                    .collect();
                plans.sort();
                if plans.is_empty() {
                    return Err(PhaseError::NoPlans(format!("{} has no *-PLAN.md", dir.display())));
                }
                Ok((dir, plans))
            }
            (None, None) => Err(PhaseError::NoPlans("pass --phase DIR or --plan FILE".into())),
        }
    }
}

/// The process exit code for an `init` or `signoff` result.
pub fn exit_code(result: Result<(String, Verdict), PhaseError>) -> ExitCode {
    match result {
        Ok((summary, verdict)) => {
            println!("{summary}");
            if verdict == Verdict::GapsFound { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Err(error) => {
            eprintln!("{} {error}", console::style("error:").red().bold());
            ExitCode::from(2)
        }
    }
}

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "passed",
        Verdict::GapsFound => "gaps_found",
        Verdict::HumanNeeded => "human_needed",
    }
}

fn relative_to(root: &Path, path: &Path) -> Result<String, PhaseError> {
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    real.strip_prefix(&real_root)
        .map(|p| p.display().to_string())
        .map_err(|_| PhaseError::Outside(path.display().to_string(), root.display().to_string()))
}

fn dir_name(dir: &Path) -> String {
    dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// What the checks ran with: shells, flake.lock, nix, system, git revision.
fn fingerprint(root: &Path, installable: String) -> Environment {
    let output = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .current_dir(root)
            .stdin(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let flake_lock = std::fs::read(root.join("flake.lock")).map_or_else(
        |_| "none".to_string(),
        |bytes| {
            format!("sha256:{}", Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>())
        },
    );
    let git_revision = match output("git", &["rev-parse", "HEAD"]) {
        Some(head) if output("git", &["status", "--porcelain"]).is_some_and(|s| !s.is_empty()) => {
            format!("{head}-dirty")
        }
        Some(head) => head,
        None => "not a git repository".into(),
    };
    Environment {
        installable,
        flake_lock,
        nix_version: output("nix", &["--version"]).unwrap_or_else(|| "not installed".into()),
        system: format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS),
        git_revision,
    }
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_now_is_rfc3339() {
        let now = super::utc_now();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z') && &now[10..11] == "T", "{now}");
    }
}
