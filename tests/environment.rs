//! This repository's own environment truths (`checks/`), run by `cargo test`.
//!
//! They hold in the repository's dev shell (`nix develop`, which sets ENVTRUTH_SHELL=host)
//! and in CI (which installs the tools and sets it too). Elsewhere, on a fresh clone, they
//! are reported ignored with the reason, so `cargo test` passes for a newcomer; under
//! `CI=true` they always run.

fn main() -> std::process::ExitCode {
    let here = std::env::var_os("ENVTRUTH_SHELL").is_some() || std::env::var("CI").is_ok_and(|v| v == "true");
    let reason = (!here).then(|| {
        "the repository's own environment: run inside `nix develop`, or install the tools and set ENVTRUTH_SHELL=host (README, Develop)".to_string()
    });
    envtruth::main_with(|harness| harness.skip_all(reason))
}
