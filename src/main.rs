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
}

#[derive(Args)]
struct RunArgs {
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
    #[command(flatten)]
    libtest: Arguments,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Run(args)) => args,
        None => cli.run,
    };
    let mut harness = Harness::new(args.root).shell(args.shell).refresh(args.refresh);
    for path in args.checks {
        harness = harness.checks(path);
    }
    harness.run(&args.libtest)
}
