//! The `envtruth` command line: argument parsing and dispatch only.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use envtruth::{Arguments, Harness, ShellSpec};

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
    },
    /// Print the JSON Schema of check files.
    Schema,
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
        #[command(flatten)]
        project: Project,
    },
}

/// Where the project and its checks are, and how they run.
#[derive(Args)]
struct Project {
    /// A check file or a directory of them; repeatable [default: ROOT/checks].
    #[arg(long, value_name = "PATH", env = "ENVTRUTH_CHECKS", value_delimiter = ':')]
    checks: Vec<PathBuf>,
    /// The project root: commands run here, paths are relative to it.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Run every suite in this shell, whatever its check file says.
    #[arg(long, value_name = "SHELL", env = "ENVTRUTH_SHELL", value_parser = envtruth::parse_shell)]
    shell: Option<ShellSpec>,
    /// Ignore cached nix environments and evaluate again.
    #[arg(long, env = "ENVTRUTH_REFRESH", value_parser = clap::builder::BoolishValueParser::new())]
    refresh: bool,
}

impl Project {
    fn harness(self) -> Harness {
        let mut harness = Harness::new(self.root).shell(self.shell).refresh(self.refresh);
        for path in self.checks {
            harness = harness.checks(path);
        }
        harness
    }
}

impl RunArgs {
    fn run(self) -> ExitCode {
        self.project.harness().junit(self.junit).json(self.json).run(&self.libtest)
    }
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    project: Project,
    /// Also write a JUnit XML report.
    #[arg(long, value_name = "FILE", env = "ENVTRUTH_JUNIT")]
    junit: Option<PathBuf>,
    /// Also write the JSON results document.
    #[arg(long, value_name = "FILE", env = "ENVTRUTH_JSON")]
    json: Option<PathBuf>,
    #[command(flatten)]
    libtest: Arguments,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => cli.run.run(),
        Some(Command::Run(args)) => args.run(),
        Some(Command::Schema) => {
            print!("{}", envtruth::schema());
            ExitCode::SUCCESS
        }
        Some(Command::Init { plan, root, out }) => envtruth::init(&root, &plan, out.as_deref()),
        Some(Command::Signoff { phase, plan, out, project }) => {
            project.harness().signoff(phase.as_deref(), plan.as_deref(), out.as_deref())
        }
    }
}
