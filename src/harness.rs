//! Cases become libtest-mimic trials; results are computed once and shared.
//!
//! `after` is served by a memo: each case's outcome lives in a `OnceLock`, and a case
//! that needs a dependency computes it on the spot (or waits for the thread already
//! computing it). With an acyclic `after` graph, which the loader guarantees, no
//! thread count and no filter can deadlock: a filtered-out dependency is simply
//! computed by its first dependent.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use libtest_mimic::{Completion, Failed, Trial};

use crate::case::{Case, Check};
use crate::outcome::{Evidence, Findings, Outcome, Status};
use crate::probe::{Context, artifact, key_link};

use crate::report::message;
use crate::shell::{self, Shells};
use crate::spec::ShellSpec;
use crate::watch::Watch;

/// When a running case is announced, as libtest does.
const SLOW: Duration = Duration::from_secs(60);

/// Everything a run shares between its trials.
pub struct Run {
    cases: Vec<Case>,
    root: PathBuf,
    shell_override: Option<ShellSpec>,
    shells: Shells,
    results: Vec<OnceLock<Outcome>>,
    watch: Arc<Watch>,
}

impl Run {
    /// A run of `cases` under `root`, every suite in `shell_override` when set.
    pub fn new(cases: Vec<Case>, root: PathBuf, shell_override: Option<ShellSpec>, refresh: bool) -> Run {
        let results = cases.iter().map(|_| OnceLock::new()).collect();
        let shells = Shells::new(root.clone(), refresh);
        Run { cases, root, shell_override, shells, results, watch: Watch::new(SLOW) }
    }

    /// Announces cases running longer than `threshold` (default 60 s).
    pub fn slow_after(mut self, threshold: Duration) -> Run {
        self.watch = Watch::new(threshold);
        self
    }

    /// One trial per case, in load order.
    pub fn trials(self: &Arc<Self>) -> Vec<Trial> {
        (0..self.cases.len())
            .map(|i| {
                let run = Arc::clone(self);
                let case = &self.cases[i];
                let manual = case.is_manual();
                Trial::ignorable_test(case.name.clone(), move || run.verdict(i)).with_ignored_flag(manual)
            })
            .collect()
    }

    fn verdict(&self, i: usize) -> Result<Completion, Failed> {
        let watched = self.watch.guard(&self.cases[i].name);
        let outcome = self.outcome(i);
        drop(watched);
        match &outcome.status {
            Status::Passed => Ok(Completion::Completed),
            Status::Manual { reason } => Ok(Completion::ignored_with(format!("manual: {reason}"))),
            Status::Failed | Status::Blocked { .. } => Err(message::render(&self.cases[i], outcome).into()),
        }
    }

    /// The results of the cases at `selected` that have one: those that ran, and the
    /// manual ones (whose outcome costs nothing).
    pub fn reported(&self, selected: &[usize]) -> Vec<(&Case, &Outcome)> {
        selected
            .iter()
            .filter_map(|&i| {
                let outcome =
                    if self.cases[i].is_manual() { Some(self.outcome(i)) } else { self.results[i].get() };
                outcome.map(|outcome| (&self.cases[i], outcome))
            })
            .collect()
    }

    /// The cases of the run.
    pub fn cases(&self) -> &[Case] {
        &self.cases
    }

    /// The outcomes of the cases at `indices`, computed in parallel.
    pub fn outcomes(&self, indices: &[usize]) -> Vec<&Outcome> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = std::thread::available_parallelism().map_or(4, |n| n.get()).min(indices.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    while let Some(&i) = indices.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        self.outcome(i);
                    }
                });
            }
        });
        indices.iter().map(|&i| self.outcome(i)).collect()
    }

    /// The outcome of case `i`, computed on first request.
    pub fn outcome(&self, i: usize) -> &Outcome {
        self.results[i].get_or_init(|| self.compute(i))
    }

    fn compute(&self, i: usize) -> Outcome {
        let case = &self.cases[i];
        let shell = self.shell_override.clone().unwrap_or_else(|| case.shell.clone());
        let ended = |status, findings, started: Instant, shell: Option<String>| Outcome {
            status,
            findings,
            duration: started.elapsed(),
            shell,
        };
        // Dependencies first: their time is theirs, not this case's.
        let blocked_by = case.after.iter().find(|&&dep| !self.outcome(dep).passed());
        let started = Instant::now();
        if let Some(&dep) = blocked_by {
            let status = Status::Blocked { dependency: self.cases[dep].name.clone() };
            return ended(status, Findings::default(), started, Some(shell::label(&shell)));
        }
        let (findings, shell_label) = match &case.check {
            Check::Truth { manual: Some(reason), .. } => {
                let status = Status::Manual { reason: reason.clone() };
                return ended(status, Findings::default(), started, Some(shell::label(&shell)));
            }
            Check::Truth { probes, manual: None } => match self.shells.environment(&shell) {
                Ok(env) => {
                    let ctx = Context {
                        root: &self.root,
                        env: &env,
                        deadline: started + case.timeout,
                        limit: case.timeout,
                    };
                    let mut findings = Findings::default();
                    for probe in probes {
                        findings.extend(probe.check(&ctx));
                    }
                    (findings, Some(env.label.clone()))
                }
                Err(err) => {
                    let item = Evidence::new(
                        "shell",
                        shell::label(&shell),
                        false,
                        "an environment",
                        err.to_string(),
                    );
                    (Findings { evidence: vec![item], commands: Vec::new() }, Some(shell::label(&shell)))
                }
            },
            Check::Artifact(spec) => (artifact::check(spec, &self.root), None),
            Check::KeyLink(spec) => (key_link::check(spec, &self.root), None),
            Check::Unmirrored { check_file } => {
                let item = Evidence::new(
                    "plan",
                    "mirror",
                    false,
                    format!("a truth with this text in {check_file}"),
                    "none; copy the truth there exactly, with a probe or `manual: REASON`",
                );
                (Findings { evidence: vec![item], commands: Vec::new() }, None)
            }
        };
        let status = if findings.passed() { Status::Passed } else { Status::Failed };
        ended(status, findings, started, shell_label)
    }
}
