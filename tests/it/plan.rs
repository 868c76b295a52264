//! Plans: mirroring, drift in both directions, `init`, and the sign-off report.

use crate::support::{Project, assert_has_lines};

const PLAN: &str = ".planning/phases/01-tooling/01-01-PLAN.md";

#[test]
fn a_plan_with_every_kind_of_must_have_runs_with_real_yaml_semantics() {
    let out = Project::fixture("planned").run(&["--include-ignored"]);
    assert_eq!(out.code, 0, "{}", out.all());
    for (name, status) in [
        ("tooling::truth::sh-c-true-succeeds-in-the-project-root", "ok"),
        ("tooling::truth::tool-cfg-names-the-release-channel", "ok"),
        (
            "tooling::truth::release-notes-read-well-to-a-human",
            "ignored (manual: a person reads the release notes)",
        ),
        ("tooling::artifact::tool.cfg", "ok"),
        ("tooling::artifact::build.sh", "ok"),
        // `pattern: "tool\\.cfg"` in double quotes is the regex tool\.cfg: GSD's own
        // reader keeps both backslashes and would look for a literal backslash.
        ("tooling::key_link::build.sh->tool.cfg", "ok"),
        ("tooling::key_link::build.sh->release()", "ok"),
    ] {
        assert_eq!(out.status(name), status, "{name}");
    }
    let listed = Project::fixture("planned").run(&["--list"]);
    assert!(listed.stdout.contains("tooling::artifact::tool.cfg: test"), "{}", listed.stdout);
}

#[test]
fn the_escaped_dot_is_a_regex_escape_not_a_backslash() {
    let out = Project::fixture("planned")
        .file("build.sh", ". ./toolXcfg\nbuild() { :; }\nrelease() { :; }\n")
        .run(&[]);
    let failed = out.failure("tooling::key_link::build.sh->tool.cfg");
    assert!(failed.contains(&format!("  defined at {PLAN}:26")), "{failed}");
    // Unescaped, `tool.cfg` would match `toolXcfg`; the plan's `\\.` is an escaped dot.
    assert!(
        failed.contains("✗ key_link build.sh: expected /tool\\.cfg/ in build.sh or tool.cfg, found Pattern not found in source or target"),
        "{failed}"
    );
}

#[test]
fn an_unmirrored_plan_truth_is_a_failing_case() {
    let project = Project::fixture("planned");
    let check = std::fs::read_to_string(project.path("checks/tooling.yaml")).unwrap();
    let without = check.replace(
        "  - truth: \"tool.cfg names the release channel\"\n    files:\n      tool.cfg: {matches: \"^channel = \\\\w+$\"}\n",
        "",
    );
    assert_ne!(without, check, "the fixture changed");
    let out = project.file("checks/tooling.yaml", without).run(&[]);
    assert_eq!(out.code, 101, "{}", out.all());
    let failed = out.failure("tooling::truth::tool-cfg-names-the-release-channel");
    assert_eq!(
        failed,
        format!(
            "tool.cfg   names the    release channel\n  defined at {PLAN}:14\n  ✗ plan mirror: expected a truth with this text in checks/tooling.yaml, found none; copy the truth there exactly, with a probe or `manual: REASON`"
        )
    );
}

#[test]
fn a_check_truth_missing_from_the_plan_is_a_load_error_unless_extra() {
    let project = Project::fixture("planned");
    let check = std::fs::read_to_string(project.path("checks/tooling.yaml")).unwrap();
    let drifted = check.replace("names the release channel", "names the channel");
    let out = Project::fixture("planned").file("checks/tooling.yaml", &drifted).run(&[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "error: checks/tooling.yaml:7:5: this truth is not in the plan {PLAN}; the closest plan truth is \"tool.cfg   names the    release channel\"; copy it exactly, or mark this one `extra: true`\n"
        )
    );
    let extra = format!(
        "{check}  - truth: \"the build script is executable\"\n    extra: true\n    files: {{build.sh: {{executable: true}}}}\n"
    );
    let out = Project::fixture("planned").file("checks/tooling.yaml", extra).run(&[]);
    assert_eq!(out.status("tooling::truth::the-build-script-is-executable"), "FAILED", "{}", out.all());

    let twice =
        format!("{check}  - truth: \"`sh -c true`   succeeds in the project root\"\n    run: 'true'\n");
    let out = Project::fixture("planned").file("checks/tooling.yaml", twice).run(&[]);
    assert_eq!(
        out.stderr,
        "error: checks/tooling.yaml:12:5: this plan truth is already mirrored at checks/tooling.yaml:5; a plan truth is mirrored exactly once\n"
    );
}

#[test]
fn bad_plans_name_the_plan_file_and_line() {
    let cases = [
        (
            "missing",
            None,
            "error: checks/tooling.yaml:2:1: `.planning/phases/01-tooling/01-01-PLAN.md`: cannot read the plan: No such file or directory (os error 2); `plan:` is relative to the project root\n",
        ),
        (
            "no frontmatter",
            Some("# just a title\n"),
            "error: .planning/phases/01-tooling/01-01-PLAN.md:1:1: no YAML frontmatter: a plan starts with a `---` line, its frontmatter, and another `---` line\n",
        ),
        (
            "broken yaml",
            Some("---\nphase: 01\nmust_haves:\n  truths: [\"a\",\n---\n"),
            "error: .planning/phases/01-tooling/01-01-PLAN.md:5:1: the frontmatter is not valid YAML: did not find expected node content\n",
        ),
        (
            "no must_haves",
            Some("---\nphase: 01\nwave: 2\n---\nbody\n"),
            "error: .planning/phases/01-tooling/01-01-PLAN.md:2:1: the frontmatter has no `must_haves`; add `must_haves: {truths: [...]}`\n",
        ),
    ];
    for (what, plan, expected) in cases {
        let project = Project::fixture("planned");
        match plan {
            Some(text) => std::fs::write(project.path(PLAN), text).unwrap(),
            None => std::fs::remove_file(project.path(PLAN)).unwrap(),
        }
        let out = project.run(&[]);
        assert_eq!(out.code, 2, "{what}");
        assert_eq!(out.stderr, expected, "{what}");
    }
}

#[test]
fn init_mirrors_the_plan_and_its_output_loads_unedited() {
    let project = Project::fixture("planned");
    std::fs::remove_file(project.path("checks/tooling.yaml")).unwrap();
    let out = project.run(&["init", "--plan", PLAN]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(
        out.stderr,
        "wrote checks/01-01-plan.yaml: 3 truths; replace each `manual: \"TODO: ...\"` with a probe\n"
    );
    let written = std::fs::read_to_string(project.path("checks/01-01-plan.yaml")).unwrap();
    assert!(written.starts_with("# yaml-language-server: $schema=envtruth.schema.json\n"), "{written}");
    assert!(written.contains(&format!("plan: \"{PLAN}\"\n")), "{written}");
    assert!(
        written.contains("  - truth: \"`sh -c true` succeeds in the project root\"\n    run: \"sh -c true\"   # proposed from the truth's backticks; check it\n"),
        "{written}"
    );
    assert!(
        written.contains("  - truth: \"tool.cfg   names the    release channel\"\n    manual: \"TODO: write a probe for this truth, or give the reason a human must judge it\"\n"),
        "{written}"
    );
    let listed = project.run(&["--list"]);
    assert_eq!(listed.code, 0, "{}", listed.all());
    assert_eq!(
        listed.stdout,
        "01-01-plan::truth::sh-c-true-succeeds-in-the-project-root: test\n\
         01-01-plan::truth::tool-cfg-names-the-release-channel: test\n\
         01-01-plan::truth::release-notes-read-well-to-a-human: test\n\
         01-01-plan::artifact::tool.cfg: test\n\
         01-01-plan::artifact::build.sh: test\n\
         01-01-plan::key_link::build.sh->tool.cfg: test\n\
         01-01-plan::key_link::build.sh->release(): test\n"
    );
    let again = project.run(&["init", "--plan", PLAN]);
    assert_eq!(again.code, 2);
    assert_eq!(
        again.stderr,
        "error: checks/01-01-plan.yaml exists; remove it or pass --out FILE (`--out -` prints to stdout)\n"
    );
}

/// The frontmatter of a VERIFICATION.md, parsed.
fn frontmatter(report: &str) -> serde_yaml::Value {
    let body = report.strip_prefix("---\n").expect("frontmatter");
    serde_yaml::from_str(&body[..body.find("\n---\n").expect("end")]).expect("yaml")
}

pub fn signoff(project: &Project) -> (i32, String, String) {
    let out = project.run(&["signoff", "--phase", ".planning/phases/01-tooling"]);
    let report = std::fs::read_to_string(project.path(".planning/phases/01-tooling/01-VERIFICATION.md"))
        .unwrap_or_default();
    (out.code, out.stdout, report)
}

#[test]
fn signoff_human_needed_when_only_manual_truths_remain() {
    let (code, stdout, report) = signoff(&Project::fixture("planned"));
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "wrote .planning/phases/01-tooling/01-VERIFICATION.md: human_needed, 6/7 must-haves verified\n"
    );
    let front = frontmatter(&report);
    assert_eq!(front["phase"], "01-tooling");
    assert_eq!(front["status"], "human_needed");
    assert_eq!(front["score"], "6/7 must-haves verified");
    assert_eq!(front["gaps"].as_sequence().map(Vec::len), Some(0));
    assert_eq!(front["human_verification"][0]["test"], "Release notes read well to a human");
    assert_eq!(front["human_verification"][0]["why_human"], "a person reads the release notes");
    assert_eq!(front["verifier"], format!("envtruth {}", env!("CARGO_PKG_VERSION")).as_str());
    assert_eq!(front["environment"]["installable"], "host");
    assert_eq!(front["environment"]["flake_lock"], "none");
    assert_eq!(front["environment"]["git_revision"], "not a git repository");
    let verified = front["verified"].as_str().unwrap();
    assert!(verified.len() == 20 && verified.ends_with('Z'), "{verified}");
    assert_has_lines(
        &report,
        &[
            "| 1 | `sh -c true` succeeds in the project root | ✓ VERIFIED | `sh -c true` exit 0 |",
            "| 2 | tool.cfg names the release channel | ✓ VERIFIED | files tool.cfg: exists, as required |",
            "| 3 | Release notes read well to a human | ? UNCERTAIN | needs a human: a person reads the release notes |",
            "| `tool.cfg` | tool configuration | ✓ VERIFIED | exists; at least 2 lines; contains `channel = stable` |",
            "| `build.sh` | the build entry point | ✓ VERIFIED | exists; exports `build()`; exports `release()` |",
            "| `build.sh` | `tool.cfg` | sources the configuration | ✓ WIRED | Pattern found in source |",
            "| `build.sh` | `release()` |  | ✓ WIRED | Target referenced in source |",
        ],
    );
}

#[test]
fn signoff_passed_when_every_must_have_is_verified() {
    let project = Project::fixture("planned");
    let check = std::fs::read_to_string(project.path("checks/tooling.yaml")).unwrap();
    let automated = check.replace("manual: \"a person reads the release notes\"", "files: {tool.cfg: {}}");
    let (code, stdout, report) = signoff(&project.file("checks/tooling.yaml", automated));
    assert_eq!(code, 0, "{stdout}");
    let front = frontmatter(&report);
    assert_eq!(front["status"], "passed");
    assert_eq!(front["score"], "7/7 must-haves verified");
    assert_eq!(front["human_verification"].as_sequence().map(Vec::len), Some(0));
    assert!(report.contains("**Status:** passed\n**Score:** 7/7 must-haves verified\n"), "{report}");
}

#[test]
fn signoff_gaps_found_lists_each_gap_with_its_reason() {
    let project =
        Project::fixture("planned").file("tool.cfg", "channel: beta\n").file("build.sh", "build() { :; }\n");
    let (code, stdout, report) = signoff(&project);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        stdout,
        "wrote .planning/phases/01-tooling/01-VERIFICATION.md: gaps_found, 1/7 must-haves verified\n"
    );
    let front = frontmatter(&report);
    assert_eq!(front["status"], "gaps_found");
    let gaps = front["gaps"].as_sequence().unwrap();
    let truths: Vec<&str> = gaps.iter().map(|g| g["truth"].as_str().unwrap()).collect();
    assert_eq!(
        truths,
        [
            "tool.cfg names the release channel",
            "tool.cfg: tool configuration",
            "build.sh: the build entry point",
            "build.sh -> tool.cfg via sources the configuration",
            "build.sh -> release()",
        ]
    );
    assert!(gaps.iter().all(|g| g["status"] == "failed"));
    assert_eq!(
        gaps[0]["reason"],
        "files tool.cfg: expected exists, matches /^channel = \\w+$/, found does not match /^channel = \\w+$/"
    );
    assert_eq!(gaps[1]["reason"], "Missing pattern: channel = stable");
    assert_eq!(gaps[2]["reason"], "Missing export: release()");
    assert_has_lines(
        &report,
        &[
            "| 2 | tool.cfg names the release channel | ✗ FAILED |",
            "| `tool.cfg` | tool configuration | ⚠️ STUB | Missing pattern: channel = stable |",
            "| `build.sh` | the build entry point | ⚠️ STUB | Missing export: release() |",
            "| `build.sh` | `tool.cfg` | sources the configuration | ✗ NOT_WIRED | Pattern not found in source or target |",
        ],
    );
    std::fs::remove_file(project.path("tool.cfg")).unwrap();
    let (_, _, report) = signoff(&project);
    assert!(report.contains("| `tool.cfg` | tool configuration | ✗ MISSING | File not found |"), "{report}");
}
