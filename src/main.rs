//! The `envtruth` command line: argument parsing and dispatch only; the library's
//! results are printed here, once.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use envtruth::{Arguments, Error, Harness, Outputs, Ran, Settings, ShellSpec};

/// Proves a development environment keeps the promises of its plan.
#[derive(Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the check files (the default).
    Run(RunArgs),
    /// Write a check file mirroring a plan's must_haves.
    Init {
        /// The PLAN.md to mirror.
        #[arg(long, value_name = "PLAN.md")]
        plan: PathBuf,
        /// The project root; `plan:` is written relative to it.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// Where to write [default: ROOT/checks/{plan stem}.yaml]; `-` prints it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Add a drift baseline: the tools the plan names, at the versions the shell has now,
        /// as `tools` truths (`extra: true`); adds to the check file when it exists.
        #[arg(long)]
        from_shell: bool,
        /// The shell for --from-shell [default: the check file's `shell:`, else nix].
        #[arg(long, value_name = "SHELL", requires = "from_shell", value_parser = envtruth::parse_shell)]
        shell: Option<envtruth::ShellSpec>,
    },
    /// Print the JSON Schema of check files.
    Schema,
    /// Print the environment cache key of each nix shell, for CI caches.
    CacheKey {
        #[command(flatten)]
        project: Project,
    },
    /// Run the checks of a phase and write its VERIFICATION.md.
    Signoff {
        /// A phase directory: every *-PLAN.md in it.
        #[arg(long, value_name = "DIR", required_unless_present = "plan", conflicts_with = "plan")]
        phase: Option<PathBuf>,
        /// One plan.
        #[arg(long, value_name = "FILE")]
        plan: Option<PathBuf>,
        /// Where to write [default: PHASE_DIR/{NN}-VERIFICATION.md].
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace `--out` even if envtruth did not write it.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        project: Project,
        #[command(flatten)]
        outputs: Outputs,
    },
}

/// Where the project and its checks are, and how they run. Each flag's `ENVTRUTH_*`
/// variable is read by the library (`Settings`), where no flag is given.
#[derive(Args)]
struct Project {
    /// A check file or a directory of them; repeatable [default: ROOT/checks] [env: ENVTRUTH_CHECKS].
    #[arg(long, value_name = "PATH")]
    checks: Vec<PathBuf>,
    /// The project root: commands run here, paths are relative to it.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Run every suite in this shell, whatever its check file says [env: ENVTRUTH_SHELL].
    #[arg(long, value_name = "SHELL", value_parser = envtruth::parse_shell)]
    shell: Option<ShellSpec>,
    /// Ignore cached nix environments and evaluate again [env: ENVTRUTH_REFRESH].
    #[arg(long)]
    refresh: bool,
    /// Values for `${vars.NAME}` in check files: a YAML map [env: ENVTRUTH_VARS].
    #[arg(long, value_name = "FILE")]
    vars: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    project: Project,
    #[command(flatten)]
    outputs: Outputs,
    #[command(flatten)]
    libtest: Arguments,
}

impl Project {
    /// The harness the flags describe, the variables filling in what no flag says.
    fn harness(self, outputs: Outputs) -> Result<Harness, Error> {
        let mut harness = Harness::new(self.root).shell(self.shell).refresh(self.refresh).vars(self.vars);
        for path in self.checks {
            harness = harness.checks(path);
        }
        Ok(harness.outputs(outputs).settings(Settings::from_env()?))
    }
}

impl RunArgs {
    fn run(self) -> Result<Ran, Error> {
        self.project.harness(self.outputs)?.strict_filter(true).run(&self.libtest)
    }
}

/// The command line: libtest's flattened arguments bring libtest's own help template and
/// no version flag, so both are set back here, with the variables' table after the flags.
fn command() -> clap::Command {
    let formats = envtruth::FORMATS.iter().map(|f| (f.variable, format!("--{} FILE", f.name)));
    let variables: String = envtruth::VARIABLES
        .iter()
        .map(|(name, stands_for)| (*name, stands_for.to_string()))
        .chain(formats)
        .map(|(name, stands_for)| format!("  {name:<22} {stands_for}\n"))
        .collect();
    // libtest's flags that do nothing here stay accepted (cargo and nextest pass them), unseen.
    let quiet = ["test", "bench", "nocapture", "show_output", "unstable_flags", "logfile"];
    let command =
        quiet.into_iter().fold(Cli::command(), |command, id| command.mut_arg(id, |arg| arg.hide(true)));
    let command = command.mut_arg("format", |arg| {
        arg.hide_possible_values(true)
            .help("How cases are shown: pretty (a line each, the default), terse (a character each) or json")
            .long_help(None)
    });
    command
        .name("envtruth")
        .bin_name("envtruth")
        .version(env!("CARGO_PKG_VERSION"))
        .disable_version_flag(false)
        .help_template("{before-help}{about-with-newline}\n{usage-heading} {usage}\n\n{all-args}{after-help}")
        .after_help(format!(
            "Examples:\n  \
             envtruth                                  run checks/*.yaml in their shells\n  \
             envtruth run uv-sync --exact              one case, by name (libtest filters)\n  \
             envtruth run --shell host --junit e.xml   on the host, with a JUnit report\n  \
             envtruth init --plan .planning/phases/01-x/01-01-PLAN.md\n  \
             envtruth signoff --phase .planning/phases/01-x\n  \
             envtruth cache-key                        the environment cache keys, for CI caches\n\n\
             Environment variables (for `cargo test`, where flags cannot pass; a flag wins):\n{variables}\n\
             Exit codes: 0 passed; 1 sign-off gaps, or nothing matched the filter; 2 load or usage error; \
             101 a case failed; 130/143 interrupted."
        ))
}

fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let result = match cli.command {
        None => cli.run.run(),
        Some(Command::Run(args)) => args.run(),
        Some(Command::Schema) => {
            print!("{}", envtruth::schema());
            return ExitCode::SUCCESS;
        }
        Some(Command::CacheKey { project }) => project.harness(Outputs::default()).and_then(|harness| {
            let keys = harness.cache_keys()?;
            Ok(Ran {
                exit: 0,
                notes: keys.into_iter().map(|(key, shell)| format!("{key}  {shell}")).collect(),
            })
        }),
        Some(Command::Init { plan, root, out, from_shell, shell }) => {
            let from_shell = match (from_shell, shell) {
                (false, _) => envtruth::FromShell::No,
                (true, None) => envtruth::FromShell::Named,
                (true, Some(spec)) => envtruth::FromShell::Given(spec),
            };
            match envtruth::init(&root, &plan, out.as_deref(), from_shell) {
                Ok(scaffold) => {
                    match &scaffold.written {
                        None => print!("{}", scaffold.text),
                        Some(shown) => eprintln!(
                            "wrote {shown}: {} truths; replace each `manual: \"TODO: ...\"` with a probe",
                            scaffold.truths
                        ),
                    }
                    return ExitCode::SUCCESS;
                }
                Err(error) => Err(error),
            }
        }
        Some(Command::Signoff { phase, plan, out, force, project, outputs }) => project
            .harness(outputs)
            .and_then(|harness| harness.signoff(phase.as_deref(), plan.as_deref(), out.as_deref(), force)),
    };
    envtruth::conclude(result)
}
