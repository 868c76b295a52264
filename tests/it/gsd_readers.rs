//! The sign-off read by the programs that really read it: the `gsd-tools` CLI of the
//! current GSD (`@opengsd/gsd-core` 1.14.0) and of the older, still widely installed
//! `get-shit-done-cc` 1.42.3, from the npm registry (`.ci/run` installs both, with
//! `--ignore-scripts`, into `target/gsd-readers`). Without them the tests are ignored
//! with the reason; under `CI=true` they fail.

use std::path::PathBuf;
use std::process::Command;

use crate::plan::signoff;
use crate::support::Project;

const PHASE: &str = ".planning/phases/01-tooling";
const REPORT: &str = ".planning/phases/01-tooling/01-VERIFICATION.md";

/// The two readers' `gsd-tools.cjs`, current GSD first.
fn readers() -> Option<[PathBuf; 2]> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/gsd-readers");
    let tools = [
        base.join("core/node_modules/@opengsd/gsd-core/gsd-core/bin/gsd-tools.cjs"),
        base.join("cc/node_modules/get-shit-done-cc/get-shit-done/bin/gsd-tools.cjs"),
    ];
    let found = tools.iter().all(|t| t.is_file());
    crate::support::required(
        found,
        "the GSD readers in target/gsd-readers",
        "run .ci/run, which installs them",
    )
    .then_some(tools)
}

/// What `gsd-tools ARGS` prints in the project, parsed as JSON.
fn ask(tool: &PathBuf, project: &Project, args: &[&str]) -> serde_json::Value {
    let output =
        Command::new("node").arg(tool).args(args).current_dir(project.root()).output().expect("node");
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&text).unwrap_or_else(|_| serde_json::Value::String(text.trim().to_string()))
}

#[test]
fn both_gsd_generations_read_a_report_with_gaps_as_envtruth_wrote_it() {
    let Some(tools) = readers() else {
        return;
    };
    let project = Project::fixture("planned").file("tool.cfg", "channel: beta\n");
    let (code, _, _) = signoff(&project);
    assert_eq!(code, 1);
    for tool in &tools {
        let status = ask(tool, &project, &["frontmatter", "get", REPORT, "--field", "status"]);
        assert_eq!(status["status"], "gaps_found", "{}", tool.display());
        let humans = ask(tool, &project, &["frontmatter", "get", REPORT, "--field", "human_verification"]);
        let first = humans["human_verification"][0].as_str().unwrap_or_default();
        assert!(first.starts_with("test: a person reads the release notes"), "{}: {humans}", tool.display());
        let gaps = ask(tool, &project, &["frontmatter", "get", REPORT, "--field", "gaps"]);
        assert!(gaps["gaps"].as_array().is_some_and(|g| !g.is_empty()), "{}: {gaps}", tool.display());
        let audit = ask(tool, &project, &["audit-open", "--json"]);
        assert_eq!(
            audit["counts"]["verification_gaps"],
            1,
            "{}: the phase must be listed as open: {audit}",
            tool.display()
        );
    }
}

#[test]
fn current_gsd_reads_human_needed_and_passed_and_marks_a_report_stale_when_a_covered_file_changes() {
    let Some([core, cc]) = readers() else {
        return;
    };
    let project = Project::fixture("planned");
    signoff(&project);
    for tool in [&core, &cc] {
        let status = ask(tool, &project, &["frontmatter", "get", REPORT, "--field", "status"]);
        assert_eq!(status["status"], "human_needed", "{}", tool.display());
    }
    let check = std::fs::read_to_string(project.path("checks/tooling.yaml")).unwrap();
    let automated = check.replace("manual: \"a person reads the release notes\"", "files: {tool.cfg: {}}");
    let project = project.file("checks/tooling.yaml", automated);
    let (code, _, _) = signoff(&project);
    assert_eq!(code, 0);
    assert_eq!(ask(&core, &project, &["verification", "status", PHASE, "--pick", "status"]), "passed");
    // A file the checks read changes after sign-off: GSD no longer trusts the report.
    let project = project.file("tool.cfg", "channel = stable\nline two\nline three\n");
    assert_eq!(ask(&core, &project, &["verification", "status", PHASE, "--pick", "status"]), "stale");
}
