//! envtruth: check files that mirror a plan's `must_haves` become test cases that run
//! in the project's environment and report, per truth, pass or fail with evidence.
//!
//! In a `harness = false` test target, the whole test file is:
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     envtruth::main()
//! }
//! ```
//!
//! It loads `checks/*.yaml` from the package root and accepts libtest's arguments
//! (`cargo test -- FILTER --exact --list ...`). [`Harness`] runs other directories.

mod bounded;
mod case;
mod duration;
mod exec;
mod glob;
mod harness;
mod inside;
mod interrupt;
mod load;
mod locate;
mod outcome;
mod phase;
mod plan;
mod probe;
mod report;
mod scaffold;
mod secret;
mod shell;
mod spec;
mod suggest;
mod text;
mod version;
mod watch;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

pub use libtest_mimic::Arguments;
pub use load::LoadError;
pub use phase::PhaseError;
pub use spec::ShellSpec;

/// Runs the check files of a project as libtest-mimic trials.
#[derive(Debug, Clone)]
pub struct Harness {
    root: PathBuf,
    checks: Vec<PathBuf>,
    shell: Option<ShellSpec>,
    refresh: bool,
    junit: Option<PathBuf>,
    json: Option<PathBuf>,
}

impl Harness {
    /// A harness for the project at `root`, reading `root/checks` unless told otherwise.
    pub fn new(root: impl Into<PathBuf>) -> Harness {
        let root = root.into();
        // Absolute, so that paths resolved on PATH compare with paths under the root.
        let root = std::path::absolute(&root).unwrap_or(root);
        Harness { root, checks: Vec::new(), shell: None, refresh: false, junit: None, json: None }
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

    /// Also writes a JUnit XML report to `path`.
    pub fn junit(mut self, path: Option<PathBuf>) -> Harness {
        self.junit = path;
        self
    }

    /// Also writes the JSON results document to `path`.
    pub fn json(mut self, path: Option<PathBuf>) -> Harness {
        self.json = path;
        self
    }

    fn check_paths(&self) -> Vec<PathBuf> {
        if self.checks.is_empty() { vec![self.root.join("checks")] } else { self.checks.clone() }
    }

    fn load(&self) -> Result<Vec<case::Case>, Vec<LoadError>> {
        let checks = self.check_paths();
        load::Loader { checks: &checks, root: &self.root }.load()
    }

    /// Loads the check files (and the plans they mirror) without running anything: the
    /// names of the cases a run would have, or every problem found.
    pub fn case_names(&self) -> Result<Vec<String>, Vec<LoadError>> {
        Ok(self.load()?.into_iter().map(|case| case.name).collect())
    }

    /// Loads, runs and reports. Exit code 0 when all passed, 101 when a case failed,
    /// 2 when the check files could not be loaded.
    pub fn run(self, args: &Arguments) -> ExitCode {
        interrupt::install();
        match args.color {
            Some(libtest_mimic::ColorSetting::Always) => console::set_colors_enabled(true),
            Some(libtest_mimic::ColorSetting::Never) => console::set_colors_enabled(false),
            _ => {}
        }
        let cases = match self.load() {
            Ok(cases) => cases,
            Err(errors) => {
                for error in &errors {
                    eprintln!("{} {error}", console::style("error:").red().bold());
                }
                return ExitCode::from(2);
            }
        };
        let mut run = harness::Run::new(cases, self.root.clone(), self.shell.clone(), self.refresh);
        // A knob for tests and impatient users; libtest's own threshold is 60 s.
        if let Some(text) = std::env::var("ENVTRUTH_SLOW_AFTER").ok().filter(|t| !t.is_empty()) {
            match duration::parse(&text) {
                Ok(threshold) => run = run.slow_after(threshold),
                Err(err) => {
                    eprintln!("{} ENVTRUTH_SLOW_AFTER: {err}", console::style("error:").red().bold());
                    return ExitCode::from(2);
                }
            }
        }
        let run = Arc::new(run);
        let trials = run.trials();
        let selected: Vec<usize> = (0..trials.len()).filter(|&i| !args.is_filtered_out(&trials[i])).collect();
        let conclusion = libtest_mimic::run(args, trials);
        if args.list {
            return conclusion.exit_code();
        }
        match report::write(&run.reported(&selected), self.junit.as_deref(), self.json.as_deref()) {
            Ok(()) => conclusion.exit_code(),
            Err(error) => {
                eprintln!("{} {error}", console::style("error:").red().bold());
                ExitCode::from(2)
            }
        }
    }
}

impl Harness {
    /// `envtruth signoff`: runs every check mirroring the plans of a phase (`phase`, a
    /// directory of `*-PLAN.md`) or of one `plan`, and writes the phase's
    /// `VERIFICATION.md` (or `out`). Exit code 0 when passed or human_needed, 1 when
    /// gaps were found, 2 when nothing could be run.
    pub fn signoff(self, phase: Option<&Path>, plan: Option<&Path>, out: Option<&Path>) -> ExitCode {
        interrupt::install();
        let checks = self.check_paths();
        let signoff = phase::Signoff {
            root: &self.root,
            checks: &checks,
            phase,
            plan,
            out,
            shell: self.shell.clone(),
            refresh: self.refresh,
        };
        phase::exit_code(signoff.run())
    }
}

/// `envtruth init`: writes a check file mirroring `plan` under `root` (default
/// `checks/{plan stem}.yaml`; `-` prints it). Exit code 2 when it cannot.
pub fn init(root: &Path, plan: &Path, out: Option<&Path>) -> ExitCode {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    match phase::init(&root, plan, out) {
        Ok(summary) => {
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => phase::exit_code(Err(error)),
    }
}

/// The JSON Schema of check files (`envtruth schema`), from the types the loader reads.
pub fn schema() -> String {
    spec::schema::json_schema::<probe::Probes>()
}

/// Parses a shell (`nix`, `direnv`, `host`), as given to `--shell` or `ENVTRUTH_SHELL`.
pub fn parse_shell(name: &str) -> Result<ShellSpec, String> {
    spec::parse_shell(name)
}

/// The body of a `harness = false` test target: runs the package's `checks/`.
///
/// Reads `ENVTRUTH_CHECKS` (check directories, `:`-separated), `ENVTRUTH_SHELL`,
/// `ENVTRUTH_REFRESH=1`, `ENVTRUTH_JUNIT` and `ENVTRUTH_JSON`,
/// since `cargo test` cannot pass flags of its own to the target.
pub fn main() -> ExitCode {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let mut harness = Harness::new(root);
    if let Some(checks) = std::env::var_os("ENVTRUTH_CHECKS") {
        for path in std::env::split_paths(&checks) {
            harness = harness.checks(path);
        }
    }
    match std::env::var("ENVTRUTH_SHELL").ok().filter(|s| !s.is_empty()).map(|s| parse_shell(&s)) {
        Some(Err(err)) => {
            eprintln!("{} ENVTRUTH_SHELL: {err}", console::style("error:").red().bold());
            ExitCode::from(2)
        }
        shell => harness
            .shell(shell.and_then(Result::ok))
            .refresh(std::env::var("ENVTRUTH_REFRESH").is_ok_and(|v| v == "1"))
            .junit(std::env::var_os("ENVTRUTH_JUNIT").filter(|v| !v.is_empty()).map(PathBuf::from))
            .json(std::env::var_os("ENVTRUTH_JSON").filter(|v| !v.is_empty()).map(PathBuf::from))
            .run(&Arguments::from_args()),
    }
}
