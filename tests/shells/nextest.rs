//! `cargo nextest run` on a crate that uses envtruth as a dev-dependency.

use std::path::Path;
use std::process::Command;

use libtest_mimic::Failed;

use crate::Check;
use crate::common::{Nix, ensure};
use crate::support::{self, Project};

/// The tests of this file: name, the program each needs, the test.
pub const TESTS: &[(&str, &str, Check)] = &[
    ("nextest::a_process_per_case_with_ignored_listed", "cargo-nextest", nextest_runs_each_case),
    ("nextest::one_evaluation_for_all_processes", "cargo-nextest nix", nextest_evaluates_once),
    (
        "nextest::partitions_split_cases_across_machines",
        "cargo-nextest nix",
        nextest_partitions_split_cases_across_machines,
    ),
];

/// A crate using envtruth as a dev-dependency, with a `harness = false` environment target.
fn consumer(project: Project) -> Project {
    let manifest = format!(
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [dev-dependencies]\nenvtruth = {{ path = {:?} }}\n\n[[test]]\nname = \"environment\"\nharness = false\n",
        env!("CARGO_MANIFEST_DIR")
    );
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    project
        .file("Cargo.toml", manifest)
        // The same versions as envtruth's own build, already in the local registry.
        .file("Cargo.lock", lock)
        .file("src/lib.rs", "")
        .file("tests/environment.rs", "fn main() -> std::process::ExitCode {\n    envtruth::main()\n}\n")
}

/// `cargo nextest ARGS` in the consumer; returns exit code and stdout+stderr.
fn nextest(project: &Project, args: &[&str]) -> (i32, String) {
    let mut command = Command::new("cargo");
    command.arg("nextest").args(args).args(["--offline", "--color", "never"]).current_dir(project.root());
    // Shared between runs, so only the first compiles envtruth for the consumer.
    command.env("CARGO_TARGET_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/nextest-consumer"));
    support::isolate(&mut command);
    for (name, value) in project.vars() {
        command.env(name, value);
    }
    let output = command.output().expect("cargo nextest");
    let text =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

fn nextest_runs_each_case() -> Result<(), Failed> {
    let project = consumer(Project::new().file(
        "checks/env.yaml",
        "shell: host\ntruths:\n  - {truth: passes, run: \"true\"}\n  - {truth: fails, run: \"exit 3\"}\n  - {truth: needs a human, manual: \"a person looks\"}\n",
    ));
    let (code, listed) = nextest(&project, &["list", "--run-ignored", "all"]);
    ensure(code == 0, || listed.clone())?;
    for name in ["env::truth::passes", "env::truth::fails", "env::truth::needs-a-human"] {
        ensure(listed.contains(name), || format!("{name} not listed:\n{listed}"))?;
    }
    let (code, ignored) = nextest(&project, &["list", "--run-ignored", "only"]);
    ensure(
        code == 0 && ignored.contains("env::truth::needs-a-human") && !ignored.contains("env::truth::passes"),
        || ignored.clone(),
    )?;
    let (code, out) = nextest(&project, &["run", "--no-fail-fast"]);
    ensure(code != 0, || format!("a failing case must fail the run:\n{out}"))?;
    ensure(out.contains("2 tests run: 1 passed, 1 failed, 1 skipped"), || out.clone())?;
    ensure(out.contains("PASS") && out.contains("consumer::environment env::truth::passes"), || out.clone())?;
    ensure(out.contains("FAIL") && out.contains("consumer::environment env::truth::fails"), || out.clone())?;
    ensure(out.contains("✗ run exit status: expected exit 0, found exit 3"), || out.clone())
}

fn nextest_evaluates_once() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = nix.project(consumer(Project::fixture("nix-shells")));
    let (code, out) = nextest(&project, &["run", "--no-fail-fast"]);
    ensure(code == 0, || out.clone())?;
    ensure(out.contains("5 tests run: 5 passed"), || out.clone())?;
    // Five processes, one per case, on a cold cache: one evaluation, as with `cargo test`.
    ensure(nix.evaluations() == 1, || format!("{} evaluations by nextest, expected 1", nix.evaluations()))
}

/// `cargo nextest run --partition count:K/2` splits the cases across two CI machines (each
/// with its own cache here): every case runs on exactly one, and each machine evaluates
/// the shell at most once.
fn nextest_partitions_split_cases_across_machines() -> Result<(), Failed> {
    let mut ran = Vec::new();
    for k in 1..=2 {
        let nix = Nix::new();
        let project = nix.project(consumer(Project::fixture("nix-shells")));
        let (code, out) =
            nextest(&project, &["run", "--no-fail-fast", "--partition", &format!("count:{k}/2")]);
        ensure(code == 0, || out.clone())?;
        ensure(nix.evaluations() <= 1, || {
            format!("machine {k}: {} evaluations, expected at most 1", nix.evaluations())
        })?;
        ran.extend(
            out.lines()
                .filter(|l| l.trim_start().starts_with("PASS"))
                .map(|l| l.rsplit(' ').next().unwrap_or_default().to_string()),
        );
    }
    ran.sort();
    let total = ran.len();
    ran.dedup();
    ensure(total == 5 && ran.len() == 5, || {
        format!("the partitions ran {total} cases, {} distinct: {ran:?}", ran.len())
    })
}
