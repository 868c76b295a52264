//! Every bad check file in `fixtures/invalid/` is refused with exit code 2 and exactly
//! the message in its `.stderr` file, which names the file, the line and the fix.
//!
//! One trial per fixture, so `cargo test --test invalid unknown-key` runs one. Files
//! too big to commit (10 MB) are written to a temp dir by their trial.

use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};

fn check(root: &Path, fixture: &Path) -> Result<(), Failed> {
    let expected_path = fixture.with_extension("stderr");
    let expected = std::fs::read_to_string(&expected_path).map_err(|e| {
        format!("{}: {e}; write the message the fixture must produce", expected_path.display())
    })?;
    refused(root, fixture, &expected)
}

/// `big` holds ten megabytes of well-formed truths after `head`; loading `load` (which
/// is `big` or `mirror.yaml`, mirroring `PLAN.md`) is refused at line 1 of `big`.
fn huge(big: &str, head: &str, load: &str, expected: &str) -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let mut text = String::from(head);
    while text.len() < 10 << 20 {
        text.push_str(&format!("  - truth: truth number {}\n    run: \"true\"\n", text.len()));
    }
    std::fs::write(root.path().join(big), text)?;
    std::fs::write(root.path().join("mirror.yaml"), "plan: PLAN.md\n")?;
    refused(root.path(), &root.path().join(load), expected)
}

fn refused(root: &Path, fixture: &Path, expected: &str) -> Result<(), Failed> {
    let relative = fixture.strip_prefix(root).map_err(|e| e.to_string())?;
    let output = Command::new(env!("CARGO_BIN_EXE_envtruth"))
        .args(["run", "--color", "never", "--root"])
        .arg(root)
        .arg("--checks")
        .arg(relative)
        .env_remove("ENVTRUTH_CHECKS")
        .env_remove("ENVTRUTH_SHELL")
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() != Some(2) {
        return Err(format!("exit code {:?}, expected 2; stderr:\n{stderr}", output.status.code()).into());
    }
    if stderr != expected {
        return Err(format!("stderr differs\n--- expected\n{expected}--- found\n{stderr}").into());
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures/invalid"))
        .expect("fixtures/invalid")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    fixtures.sort();
    let trials = fixtures
        .into_iter()
        .map(|fixture| {
            let name = fixture.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let root = root.clone();
            Trial::test(format!("invalid::{name}"), move || check(&root, &fixture))
        })
        .chain([
            Trial::test("invalid::huge-check-file", || {
                huge("huge.yaml", "truths:\n", "huge.yaml", "error: huge.yaml:1:1: the file is larger than 4 MiB, too big for a check file; is this the file you meant? split it if so\n")
            }),
            Trial::test("invalid::huge-plan", || {
                huge("PLAN.md", "---\nmust_haves:\n  truths:\n", "mirror.yaml", "error: PLAN.md:1:1: the file is larger than 4 MiB, too big for a plan; is this the file you meant? split it if so\n")
            }),
        ])
        .collect();
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}
