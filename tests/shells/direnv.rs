//! The `direnv` shell: a blocked `.envrc` is never allowed for the user.

use std::process::Command;

use libtest_mimic::Failed;

use crate::Check;
use crate::common::ensure;
use crate::support::Project;

/// The tests of this file: name, the program each needs, the test.
pub const TESTS: &[(&str, &str, Check)] = &[
    ("direnv::blocked_then_allowed", "direnv", blocked_then_allowed),
    ("direnv::a_fallback_to_a_stale_environment_fails", "direnv", a_fallback_to_a_stale_environment_fails),
    (
        "direnv::a_killed_capture_is_removed_by_the_next_run",
        "direnv",
        a_killed_capture_is_removed_by_the_next_run,
    ),
];

/// A project whose `.envrc` is `envrc` and whose one truth needs it loaded, with direnv's
/// allow-list under `data` (never the user's).
fn envrc_project(envrc: &str, data: &std::path::Path) -> Project {
    Project::new()
        .declared_shells()
        .file(".envrc", envrc)
        .file("checks/direnv.yaml", "shell: direnv\ntruths:\n  - truth: the envrc is loaded\n    env: {FROM_ENVRC: {equals: loaded}}\n")
        .env("XDG_DATA_HOME", data.join("data").display().to_string())
        .env("XDG_CONFIG_HOME", data.join("config").display().to_string())
}

/// `direnv allow` of the project's `.envrc`, as a person would, with the allow-list under
/// `data` as in [`envrc_project`].
fn allow(project: &Project, data: &std::path::Path) -> Result<(), Failed> {
    let allowed = Command::new("direnv")
        .arg("allow")
        .arg(project.root())
        .env("XDG_DATA_HOME", data.join("data"))
        .env("XDG_CONFIG_HOME", data.join("config"))
        .status()?;
    ensure(allowed.success(), || "direnv allow failed".into())
}

fn blocked_then_allowed() -> Result<(), Failed> {
    let data = tempfile::tempdir()?;
    let project = envrc_project("export FROM_ENVRC=loaded\n", data.path());
    let out = project.run(&[]);
    let failed = out.failure("direnv::truth::the-envrc-is-loaded");
    ensure(
        failed.contains(
            "found .envrc is blocked: read it, then run `direnv allow .` (envtruth never allows it for you)",
        ),
        || failed.clone(),
    )?;
    allow(&project, data.path())?;
    let out = project.run(&[]);
    ensure(out.status("direnv::truth::the-envrc-is-loaded") == "ok", || out.all())
}

/// When nix-direnv cannot evaluate the flake it falls back to the last environment and
/// exports NIX_DIRENV_DID_FALLBACK; checking that stale environment would prove nothing.
/// (nix-direnv is not installable here: the `.envrc` exports the variable as it does.)
fn a_fallback_to_a_stale_environment_fails() -> Result<(), Failed> {
    let data = tempfile::tempdir()?;
    let project = envrc_project("export FROM_ENVRC=loaded\nexport NIX_DIRENV_DID_FALLBACK=1\n", data.path());
    allow(&project, data.path())?;
    let out = project.run(&[]);
    let failed = out.failure("direnv::truth::the-envrc-is-loaded");
    ensure(failed.contains("the environment of . is stale: nix-direnv fell back to an older one (NIX_DIRENV_DID_FALLBACK is set)"), || failed.clone())
}

/// A capture's private directory (it receives the whole environment, secrets included)
/// lives in the cache's own `tmp`, named by envtruth's pid, so that what a SIGKILL leaves
/// is removed by the next run.
fn a_killed_capture_is_removed_by_the_next_run() -> Result<(), Failed> {
    let data = tempfile::tempdir()?;
    let cache = data.path().join("cache");
    let slow = "touch \"$PWD/started\"\nsleep 20\nexport FROM_ENVRC=loaded\n";
    let project = envrc_project(slow, data.path()).env("XDG_CACHE_HOME", cache.display().to_string());
    allow(&project, data.path())?;
    let mut child = project.command(&[]).stdout(std::process::Stdio::null()).spawn()?;
    let started = std::time::Instant::now();
    while !project.path("started").exists() {
        ensure(started.elapsed() < std::time::Duration::from_secs(60), || "the .envrc never ran".into())?;
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let pid = child.id();
    child.kill()?;
    child.wait()?;
    let tmp = cache.join("envtruth/tmp");
    let left = |tmp: &std::path::Path| -> Vec<String> {
        let entries = std::fs::read_dir(tmp).into_iter().flatten().flatten();
        entries
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&format!("cap-{pid}-")))
            .collect()
    };
    ensure(left(&tmp).len() == 1, || format!("no capture dir of pid {pid} in {}", tmp.display()))?;
    let project = project.file(".envrc", "export FROM_ENVRC=loaded\n");
    allow(&project, data.path())?;
    let out = project.run(&[]);
    ensure(out.status("direnv::truth::the-envrc-is-loaded") == "ok", || out.all())?;
    ensure(left(&tmp).is_empty(), || format!("the killed run's capture dir is still in {}", tmp.display()))
}
