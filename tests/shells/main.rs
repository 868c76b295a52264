//! The real programs: the `nix` and `direnv` shells, offline, on input-less fixture flakes
//! copied to temp dirs (nix calls are counted by a logging wrapper on PATH), and
//! `cargo nextest run` on a crate that uses envtruth as a dev-dependency. One file per
//! shell kind (and one for the examples); each lists its tests in its `TESTS`.
//!
//! A test whose program is missing is ignored with that reason, except under `CI=true`,
//! where it fails: CI must never skip these silently.

#[path = "../it/support.rs"]
mod support;

mod common;
mod direnv;
mod examples;
mod nextest;
mod nix;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

/// One test: Ok when it held.
type Check = fn() -> Result<(), Failed>;

fn main() -> std::process::ExitCode {
    let tests = [nix::TESTS, direnv::TESTS, examples::TESTS, nextest::TESTS].concat();
    let trials = tests
        .into_iter()
        .map(|(name, program, check)| {
            // `program` may name several, space-separated: the test needs them all.
            Trial::ignorable_test(name, move || {
                match program.split(' ').find(|p| common::which(p).is_none()) {
                    None if program.split(' ').any(|p| p == "nix") => {
                        let _store = common::nix_store_lock();
                        check().map(|()| Completion::Completed)
                    }
                    None => check().map(|()| Completion::Completed),
                    Some(missing) if std::env::var("CI").is_ok_and(|v| v == "true") => Err(format!(
                        "`{missing}` is not on PATH, and CI=true never skips: install it (.ci/run does)"
                    )
                    .into()),
                    Some(missing) => Ok(Completion::ignored_with(format!("needs `{missing}` on PATH"))),
                }
            })
        })
        .collect();
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}
