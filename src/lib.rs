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

mod baseline;
mod bounded;
mod case;
mod clock;
mod clue;
mod digest;
mod duration;
mod error;
mod exec;
mod exit;
mod fingerprint;
mod glob;
mod init;
mod inside;
mod interrupt;
mod load;
mod load_error;
mod locate;
mod outcome;
mod overwrite;
mod phase_dir;
mod plan;
mod probe;
mod run;
mod search;
mod secret;
mod settings;
mod shell;
mod signoff;
mod sink;
mod spec;
mod suggest;
#[cfg(test)]
mod testing;
mod text;
mod vars;
mod version;
mod watch;
mod whole_file;
mod yaml_text;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use error::{Error, InitError, SignoffError};
pub use init::{FromShell, Scaffold};
pub use libtest_mimic::Arguments;
pub use load_error::LoadError;
pub use run::{Harness, Ran};
pub use settings::{FORMATS, Format, Outputs, SettingError, Settings, VARIABLES};
pub use sink::SinkError;
pub use spec::{ShellSpec, parse_shell};

/// `envtruth init`: writes a check file mirroring `plan` under `root` (default
/// `checks/{plan stem}.yaml`; `-` returns the text to print); with `from_shell`, adds a
/// drift baseline of the tools the plan names, from that shell (see [`FromShell`]).
pub fn init(root: &Path, plan: &Path, out: Option<&Path>, from_shell: FromShell) -> Result<Scaffold, Error> {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    Ok(init::init(&root, plan, out, from_shell)?)
}

/// The JSON Schema of check files (`envtruth schema`), from the types the loader reads.
pub fn schema() -> String {
    spec::schema::json_schema::<probe::Probes>()
}

/// Prints the outcome of a command the way the `envtruth` binary does (notes on stdout,
/// an error on stderr) and gives its exit code.
pub fn conclude(result: Result<Ran, Error>) -> ExitCode {
    match result {
        Ok(ran) => {
            for note in &ran.notes {
                println!("{note}");
            }
            ExitCode::from(ran.exit)
        }
        Err(error) => {
            eprintln!("{} {error}", console::style("error:").red().bold());
            ExitCode::from(error.exit_code())
        }
    }
}

/// The body of a `harness = false` test target: runs the package's `checks/`, with the
/// `ENVTRUTH_*` variables (see [`VARIABLES`]) standing for the flags `cargo test` cannot
/// pass.
pub fn main() -> ExitCode {
    main_with(|harness| harness)
}

/// [`main`], with the harness changed by `configure` first (say, [`Harness::skip_all`]
/// outside the environment the checks are about).
pub fn main_with(configure: impl FnOnce(Harness) -> Harness) -> ExitCode {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let result = Settings::from_env()
        .map_err(Error::from)
        .and_then(|settings| configure(Harness::new(root).settings(settings)).run(&Arguments::from_args()));
    conclude(result)
}
