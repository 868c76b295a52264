//! The run: cases become libtest-mimic trials, results are computed once and shared, and
//! the outcomes go to the sinks.
//!
//! `after` is served by a memo: each case's outcome lives in a `OnceLock`, and a case
//! that needs a dependency computes it on the spot (or waits for the thread already
//! computing it). With an acyclic `after` graph, which the loader guarantees, no
//! thread count and no filter can deadlock: a filtered-out dependency is simply
//! computed by its first dependent.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use crate::case::{Case, Check, ProhibitionCheck};
use crate::error::Error;
use crate::exit;
use crate::inside::{Located, locate};
use crate::interrupt;
use crate::load::Loader;
use crate::load_error::LoadError;
use crate::outcome::{Evidence, Findings, Outcome, Status};
use crate::overwrite;
use crate::probe::{Context, artifact, descriptor, key_link};
use crate::secret::Secrets;
use crate::settings::{Outputs, Settings};
use crate::shell::{self, Shells};
use crate::sink::{Finish, Sink, SinkError, message};
use crate::spec::ShellSpec;
use crate::vars::{self, Vars};
use crate::watch::Watch;

/// When a running case is announced, as libtest does.
const SLOW: Duration = Duration::from_secs(60);

/// Runs the check files of a project as libtest-mimic trials.
#[derive(Debug, Clone)]
pub struct Harness {
    pub(crate) root: PathBuf,
    checks: Vec<PathBuf>,
    pub(crate) shell: Option<ShellSpec>,
    pub(crate) refresh: bool,
    pub(crate) outputs: Outputs,
    pub(crate) slow_after: Option<Duration>,
    strict_filter: bool,
    vars_file: Option<PathBuf>,
    /// When set, every case is reported ignored with this reason and nothing runs.
    skip_all: Option<String>,
}

/// How a command ended: its exit code and what it has to tell the user.
#[derive(Debug)]
pub struct Ran {
    /// The process exit code (DESIGN.md §6).
    pub exit: u8,
    /// Lines for the user, such as which report was written.
    pub notes: Vec<String>,
}

impl Harness {
    /// A harness for the project at `root`, reading `root/checks` unless told otherwise.
    pub fn new(root: impl Into<PathBuf>) -> Harness {
        let root = root.into();
        // Absolute, so that paths resolved on PATH compare with paths under the root.
        let root = std::path::absolute(&root).unwrap_or(root);
        Harness {
            root,
            checks: Vec::new(),
            shell: None,
            refresh: false,
            outputs: Outputs::default(),
            slow_after: None,
            strict_filter: false,
            vars_file: None,
            skip_all: None,
        }
    }

    /// Adds a check file or a directory of them (relative paths are taken from the root).
    pub fn checks(mut self, path: impl Into<PathBuf>) -> Harness {
        self.checks.push(self.root.join(path.into()));
        self
    }

    /// Runs every suite in `shell`, whatever its check file says.
    pub fn shell(mut self, shell: Option<ShellSpec>) -> Harness {
        self.shell = shell;
        self
    }

    /// Ignores cached nix environments and evaluates again (the cache is rewritten).
    pub fn refresh(mut self, refresh: bool) -> Harness {
        self.refresh = refresh;
        self
    }

    /// Makes a filter that matches no case an error (exit 1), as the CLI wants; under
    /// `cargo test`, one filter spans many test binaries, so libtest's rule holds there.
    pub fn strict_filter(mut self, strict: bool) -> Harness {
        self.strict_filter = strict;
        self
    }

    /// Reports every case ignored with `reason`, running nothing (still loading and listing
    /// everything): for truths that only hold in an environment this machine is not.
    pub fn skip_all(mut self, reason: Option<String>) -> Harness {
        self.skip_all = reason;
        self
    }

    /// Takes values for `${vars.NAME}` from a YAML map in `path` (relative paths are taken
    /// from the root), over each check file's own `vars:`.
    pub fn vars(mut self, path: Option<PathBuf>) -> Harness {
        self.vars_file = path.map(|p| self.root.join(p));
        self
    }

    /// Also writes these reports.
    pub fn outputs(mut self, outputs: Outputs) -> Harness {
        self.outputs = outputs;
        self
    }

    /// Applies what the `ENVTRUTH_*` variables set, where nothing else has.
    pub fn settings(mut self, settings: Settings) -> Harness {
        if self.checks.is_empty() {
            for path in settings.checks {
                self = self.checks(path);
            }
        }
        self.shell = self.shell.or(settings.shell);
        self.refresh |= settings.refresh;
        self.outputs = self.outputs.or(settings.outputs);
        self.slow_after = self.slow_after.or(settings.slow_after);
        if self.vars_file.is_none() {
            self = self.vars(settings.vars);
        }
        self
    }

    pub(crate) fn check_paths(&self) -> Vec<PathBuf> {
        if self.checks.is_empty() { vec![self.root.join("checks")] } else { self.checks.clone() }
    }

    pub(crate) fn load(&self) -> Result<Vec<Case>, Vec<LoadError>> {
        let checks = self.check_paths();
        let vars = self.given_vars()?;
        Loader { checks: &checks, root: &self.root, vars: &vars }.load()
    }

    /// The values of the `--vars` file, if one was given.
    fn given_vars(&self) -> Result<Vars, Vec<LoadError>> {
        let Some(path) = &self.vars_file else { return Ok(Vars::new()) };
        let shown = path.strip_prefix(&self.root).unwrap_or(path).display().to_string();
        let refused = |reason: String| vec![LoadError::Unreadable { path: shown.clone(), reason }];
        let text =
            std::fs::read_to_string(path).map_err(|e| refused(format!("cannot read the vars file: {e}")))?;
        let value: serde_yaml::Value =
            serde_yaml::from_str(&text).map_err(|e| refused(format!("not valid YAML: {e}")))?;
        vars::of_map(&value).ok_or_else(|| {
            refused("a vars file is a YAML map of names to plain values, e.g. `python: \"3.12\"`".into())
        })
    }

    /// Every check file the run reads (files named, and the YAML files of directories).
    pub(crate) fn check_files(&self) -> Vec<PathBuf> {
        Loader { checks: &self.check_paths(), root: &self.root, vars: &Vars::new() }.files()
    }

    /// The cases of a run with `args`. `--exact NAME` (how nextest runs each case in its
    /// own process) needs only NAME's suite, the check file named by the part of NAME
    /// before `::`; that load counts only when it has NAME, and anything else loads every
    /// file, so the answer is the same either way.
    fn load_for(&self, args: &Arguments) -> Result<Vec<Case>, Vec<LoadError>> {
        if let (true, false, Some(name)) = (args.exact, args.list, &args.filter) {
            let suite = name.split("::").next().unwrap_or_default();
            let files = self.suite_files(suite);
            if !files.is_empty() {
                let vars = self.given_vars().unwrap_or_default();
                let cases = Loader { checks: &files, root: &self.root, vars: &vars }.load().ok();
                if let Some(cases) = cases.filter(|cases| cases.iter().any(|case| case.name == *name)) {
                    return Ok(cases);
                }
            }
        }
        self.load()
    }

    /// The check files whose stem is `suite`.
    fn suite_files(&self, suite: &str) -> Vec<PathBuf> {
        let named = |path: &Path| {
            path.file_stem().is_some_and(|stem| stem == suite)
                && matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        };
        let mut files = Vec::new();
        for path in self.check_paths() {
            if path.is_dir() {
                files.extend(
                    ["yaml", "yml"]
                        .map(|ext| path.join(format!("{suite}.{ext}")))
                        .into_iter()
                        .filter(|f| f.is_file()),
                );
            } else if named(&path) {
                files.push(path);
            }
        }
        files
    }

    /// The environment cache key of each nix shell the check files use (`envtruth
    /// cache-key`), with the shell's label: a CI cache keyed on them carries captured
    /// environments between jobs, and a restored one means no evaluation at all.
    pub fn cache_keys(&self) -> Result<Vec<(String, String)>, Error> {
        let cases = self.load().map_err(Error::Load)?;
        let mut shells: Vec<ShellSpec> = Vec::new();
        for case in &cases {
            let shell = self.shell.clone().unwrap_or_else(|| case.shell.clone());
            if !shells.contains(&shell) {
                shells.push(shell);
            }
        }
        let mut keys = Vec::new();
        for spec in shells.iter().filter(|spec| matches!(spec, ShellSpec::Nix { .. })) {
            // An empty answer would key a CI cache on nothing: say why there is no key.
            let key = shell::cache_key(&self.root, spec).ok_or_else(|| {
                Error::Usage(format!(
                    "`nix` is not on PATH, and the cache key of `{}` holds nix's version; install nix first (in CI, before this step)",
                    shell::label(spec)
                ))
            })?;
            keys.push((key, shell::label(spec)));
        }
        Ok(keys)
    }

    /// Loads the check files (and the plans they mirror) without running anything: the
    /// names of the cases a run would have, or every problem found.
    pub fn case_names(&self) -> Result<Vec<String>, Vec<LoadError>> {
        Ok(self.load()?.into_iter().map(|case| case.name).collect())
    }

    /// Loads, runs and reports: exit code 0 when all passed, 101 when a case failed.
    pub fn run(self, args: &Arguments) -> Result<Ran, Error> {
        interrupt::install();
        if args.test_threads == Some(0) {
            return Err(Error::Usage(
                "--test-threads 0 would run nothing; give at least 1, or leave it out for one per CPU".into(),
            ));
        }
        match args.color {
            Some(libtest_mimic::ColorSetting::Always) => console::set_colors_enabled(true),
            Some(libtest_mimic::ColorSetting::Never) => console::set_colors_enabled(false),
            _ => {}
        }
        let cases = self.load_for(args).map_err(Error::Load)?;
        let outputs = self.outputs.paths();
        let mut inputs = self.check_files();
        inputs.extend(cases.iter().filter_map(|case| case.plan.clone()));
        for (i, out) in outputs.iter().enumerate() {
            let shown = out.strip_prefix(&self.root).unwrap_or(out).display().to_string();
            overwrite::refuse(out, &shown, &inputs, &outputs[..i])?;
        }
        let mut run = Run::new(cases, &self, self.outputs.sinks());
        run.skip_all = self.skip_all.clone();
        let run = Arc::new(run);
        let trials = run.trials();
        let selected: Vec<usize> = (0..trials.len()).filter(|&i| !args.is_filtered_out(&trials[i])).collect();
        if let (true, true, Some(filter)) = (self.strict_filter, selected.is_empty(), &args.filter) {
            let mut names: Vec<&str> = run.cases.iter().map(|c| c.name.as_str()).collect();
            names.sort_by_key(|name| crate::suggest::distance(filter, name));
            let closest = match names.len() {
                0 => String::new(),
                n => format!("; the closest: {}", names[..n.min(3)].join(", ")),
            };
            return Err(Error::NothingMatches { filter: filter.clone(), closest });
        }
        if !args.list {
            run.start(&selected);
        }
        let conclusion = libtest_mimic::run(args, trials);
        let exit = if conclusion.has_failed() { exit::FAILED } else { exit::PASSED };
        if args.list {
            return Ok(Ran { exit, notes: Vec::new() });
        }
        let finished = run.finish(&selected)?;
        let mut notes: Vec<String> = finished.into_iter().filter_map(|f| f.note).collect();
        notes.extend(selected.iter().filter_map(|&i| cannot_fail(&run.cases[i])));
        Ok(Ran { exit, notes })
    }
}

/// Everything a run shares between its trials.
pub struct Run {
    cases: Vec<Case>,
    root: PathBuf,
    shell_override: Option<ShellSpec>,
    shells: Shells,
    results: Vec<OnceLock<Outcome>>,
    watch: Arc<Watch>,
    sinks: Mutex<Vec<Box<dyn Sink>>>,
    /// The secrets of envtruth's own environment, scrubbed from every outcome.
    host_secrets: Secrets,
    /// Why nothing runs, when nothing does.
    skip_all: Option<String>,
}

impl Run {
    /// A run of `cases` as `harness` says, reporting to `sinks`.
    pub fn new(cases: Vec<Case>, harness: &Harness, sinks: Vec<Box<dyn Sink>>) -> Run {
        Run {
            results: cases.iter().map(|_| OnceLock::new()).collect(),
            cases,
            root: harness.root.clone(),
            shell_override: harness.shell.clone(),
            shells: Shells::new(harness.root.clone(), harness.refresh),
            // A knob for tests and impatient users; libtest's own threshold is 60 s.
            watch: Watch::new(harness.slow_after.unwrap_or(SLOW)),
            sinks: Mutex::new(sinks),
            host_secrets: Secrets::of(&std::env::vars_os().collect()),
            skip_all: None,
        }
    }

    fn sinks(&self) -> std::sync::MutexGuard<'_, Vec<Box<dyn Sink>>> {
        self.sinks.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Tells the sinks which cases will run.
    pub fn start(&self, selected: &[usize]) {
        let cases: Vec<&Case> = selected.iter().map(|&i| &self.cases[i]).collect();
        self.sinks().iter_mut().for_each(|sink| sink.start(&cases));
    }

    /// Hands the results of the cases at `selected` to every sink, in order; stops at the
    /// first sink that cannot write.
    pub fn finish(&self, selected: &[usize]) -> Result<Vec<Finish>, SinkError> {
        let results = self.reported(selected);
        self.sinks().iter_mut().map(|sink| sink.finish(&results)).collect()
    }

    /// One trial per case, in load order.
    pub fn trials(self: &Arc<Self>) -> Vec<Trial> {
        (0..self.cases.len())
            .map(|i| {
                let run = Arc::clone(self);
                let case = &self.cases[i];
                Trial::ignorable_test(case.name.clone(), move || run.verdict(i))
                    .with_ignored_flag(case.is_manual())
            })
            .collect()
    }

    fn verdict(&self, i: usize) -> Result<Completion, Failed> {
        if let Some(reason) = &self.skip_all {
            return Ok(Completion::ignored_with(reason.clone()));
        }
        let watched = self.watch.guard(&self.cases[i].name);
        let outcome = self.finished(i);
        drop(watched);
        match &outcome.status {
            Status::Passed => Ok(Completion::Completed),
            Status::Manual { reason } => Ok(Completion::ignored_with(format!("manual: {reason}"))),
            Status::Pending { reason } => Ok(Completion::ignored_with(format!("pending: {reason}"))),
            Status::Waived { reason } => Ok(Completion::ignored_with(format!("waived: {reason}"))),
            Status::Failed | Status::Blocked { .. } => Err(message::render(&self.cases[i], outcome).into()),
        }
    }

    /// The outcome of case `i`, told to the sinks.
    fn finished(&self, i: usize) -> &Outcome {
        let outcome = self.outcome(i);
        self.sinks().iter_mut().for_each(|sink| sink.case_finished(&self.cases[i], outcome));
        outcome
    }

    /// The results of the cases at `selected` that have one: those that ran, and the
    /// manual ones (whose outcome costs nothing).
    fn reported(&self, selected: &[usize]) -> Vec<(&Case, &Outcome)> {
        selected
            .iter()
            .filter_map(|&i| {
                let outcome =
                    if self.cases[i].is_manual() { Some(self.outcome(i)) } else { self.results[i].get() };
                outcome.map(|outcome| (&self.cases[i], outcome))
            })
            .collect()
    }

    /// Computes the outcomes of the cases at `indices` in parallel, each told to the sinks.
    pub fn run_all(&self, indices: &[usize]) {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = std::thread::available_parallelism().map_or(4, |n| n.get()).min(indices.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    while let Some(&i) = indices.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        self.finished(i);
                    }
                });
            }
        });
    }

    /// The outcome of case `i`, computed on first request, its waiver applied and its
    /// secrets scrubbed before any sink sees it.
    pub fn outcome(&self, i: usize) -> &Outcome {
        self.results[i].get_or_init(|| {
            let case = &self.cases[i];
            let outcome = waived(case, self.compute(i), &crate::clock::today());
            let shell = self.shell_override.as_ref().unwrap_or(&case.shell);
            let secrets = match (&case.check, self.shells.captured(shell)) {
                (Check::Truth { .. } | Check::Prohibition(_), Some(env)) => {
                    self.host_secrets.clone().and(&env.secrets)
                }
                _ => self.host_secrets.clone(),
            };
            secrets.scrub_outcome(outcome)
        })
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
            Check::Truth { manual: Some(reason), .. } | Check::ForAHuman { reason, .. } => {
                let status = Status::Manual { reason: reason.clone() };
                return ended(status, Findings::default(), started, Some(shell::label(&shell)));
            }
            Check::Truth { probes, manual: None } | Check::Prohibition(ProhibitionCheck::Probes(probes)) => {
                self.in_shell(case, &shell, started, |ctx| {
                    let mut findings = Findings::default();
                    for probe in probes {
                        findings.extend(probe.check(ctx));
                    }
                    findings
                })
            }
            Check::Prohibition(ProhibitionCheck::Descriptor(descriptor)) => {
                self.in_shell(case, &shell, started, |ctx| descriptor::check(descriptor, ctx))
            }
            Check::Prohibition(ProhibitionCheck::Unverified(why)) => {
                let item = Evidence::new(
                    "prohibition",
                    "check",
                    false,
                    "a check that can fail, run and passed",
                    why,
                );
                (Findings { evidence: vec![item], commands: Vec::new() }, None)
            }
            Check::Artifact(spec) => (artifact::check(spec, &self.root), None),
            Check::KeyLink { spec, pending } => {
                let findings = key_link::check(spec, &self.root);
                // Missing or empty, as gsd-core counts a file not created yet.
                let from_missing = match locate(&self.root, &spec.from) {
                    Located::Missing => true,
                    Located::Inside(path) => path.metadata().is_ok_and(|m| m.is_file() && m.len() == 0),
                    Located::Outside(_) => false,
                };
                if *pending && from_missing && !findings.passed() {
                    let reason =
                        format!("`{}` is still to be created by a plan of this or a later wave", spec.from);
                    return ended(Status::Pending { reason }, findings, started, None);
                }
                (findings, None)
            }
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

    /// Runs `check` in the case's shell; when the shell cannot be had, the case fails with
    /// why, and the fix.
    fn in_shell(
        &self,
        case: &Case,
        shell: &ShellSpec,
        started: Instant,
        check: impl FnOnce(&Context<'_>) -> Findings,
    ) -> (Findings, Option<String>) {
        match self.shells.environment(shell, case.capture_timeout) {
            Ok(env) => {
                let ctx = Context {
                    root: &self.root,
                    env: &env,
                    deadline: started + case.timeout,
                    limit: case.timeout,
                };
                (check(&ctx), Some(env.label.clone()))
            }
            Err(err) => {
                let item =
                    Evidence::new("shell", shell::label(shell), false, "an environment", err.to_string());
                (Findings { evidence: vec![item], commands: Vec::new() }, Some(shell::label(shell)))
            }
        }
    }
}

/// A failed or blocked outcome under a waiver that holds `today` becomes waived; after the
/// waiver's last day it stays failed, with a note that the waiver expired.
fn waived(case: &Case, mut outcome: Outcome, today: &str) -> Outcome {
    let (Some(waiver), Status::Failed | Status::Blocked { .. }) = (&case.waiver, &outcome.status) else {
        return outcome;
    };
    match &waiver.expires {
        Some(last) if last.as_str() < today => {
            outcome.findings.evidence.push(Evidence::new(
                "waiver",
                &waiver.from,
                false,
                format!("a waiver until {last}"),
                format!("it expired on {last}, so the failure counts again; fix it or renew the waiver"),
            ));
        }
        _ => {
            let until = waiver.expires.as_ref().map_or(String::new(), |last| format!(" (until {last})"));
            let by = waiver.by.as_ref().map_or(String::new(), |by| format!(", accepted by {by}"));
            outcome.status = Status::Waived { reason: format!("{}{until}{by}", waiver.reason) };
        }
    }
    outcome
}

/// A warning for a truth whose probes hold no assertion that could fail, as goss warns on
/// empty assertions: it passes whatever the environment holds.
fn cannot_fail(case: &Case) -> Option<String> {
    match &case.check {
        Check::Truth { probes, manual: None } if probes.iter().all(|p| !p.can_fail()) => Some(format!(
            "warning: {} ({}) cannot fail: `run` of a command that always succeeds proves nothing; check something it must find, or expect output",
            case.name, case.source
        )),
        _ => None,
    }
}
