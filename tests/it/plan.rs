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
            "error: .planning/phases/01-tooling/01-01-PLAN.md:5:1: the frontmatter is not valid YAML: did not find expected node content; look at this line and the one before: a `[` or `{` that never closes, or a value holding `: `, `#` or a lone quote, which must be wrapped in double quotes\n",
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
        written.contains("  - truth: \"`sh -c true` succeeds in the project root\"\n    manual: \"TODO: `sh -c true` is named, but its exit status is thrown away, so it cannot fail: check it another way\"\n"),
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
        "wrote .planning/phases/01-tooling/01-VERIFICATION.md: human_needed, 2/3 must-haves verified\n"
    );
    let front = frontmatter(&report);
    assert_eq!(front["phase"], "01-tooling");
    assert_eq!(front["status"], "human_needed");
    // The score counts the plan's truths, as GSD's verifier does; artifacts and key links
    // have their own tables.
    assert_eq!(front["score"], "2/3 must-haves verified");
    assert_eq!(front["gaps"].as_sequence().map(Vec::len), Some(0));
    // What to do, what to find, and why nothing runs for it.
    assert_eq!(front["human_verification"][0]["test"], "a person reads the release notes");
    assert_eq!(front["human_verification"][0]["expected"], "Release notes read well to a human");
    assert_eq!(
        front["human_verification"][0]["why_human"],
        "marked `manual` at checks/tooling.yaml:10: nothing runs for it"
    );
    // List items sit two spaces under their key, as GSD's template writes them.
    assert!(report.contains("human_verification:\n  - test: a person reads the release notes\n"), "{report}");
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
    assert_eq!(front["score"], "3/3 must-haves verified");
    assert_eq!(front["human_verification"].as_sequence().map(Vec::len), Some(0));
    assert!(report.contains("**Status:** passed\n**Score:** 3/3 must-haves verified\n"), "{report}");
}

#[test]
fn signoff_gaps_found_lists_each_gap_with_its_reason() {
    let project =
        Project::fixture("planned").file("tool.cfg", "channel: beta\n").file("build.sh", "build() { :; }\n");
    let (code, stdout, report) = signoff(&project);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        stdout,
        "wrote .planning/phases/01-tooling/01-VERIFICATION.md: gaps_found, 1/3 must-haves verified\n"
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

/// The statuses of a run's cases, from its JSON report.
fn run_statuses(project: &Project) -> (Vec<(String, String)>, serde_json::Value) {
    let out = project.run(&["--json", "report.json"]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.path("report.json")).unwrap_or_default())
            .unwrap_or_else(|_| panic!("no JSON report:\n{}", out.all()));
    let cases = report["cases"].as_array().expect("cases");
    let pairs = cases
        .iter()
        .map(|case| {
            (case["name"].as_str().unwrap().to_string(), case["status"].as_str().unwrap().to_string())
        })
        .collect();
    (pairs, report)
}

/// The evidence an item of a case found.
fn found<'a>(report: &'a serde_json::Value, case: &str, item: &str) -> &'a str {
    let case = report["cases"].as_array().unwrap().iter().find(|c| c["name"] == case).expect(case);
    let item = case["evidence"].as_array().unwrap().iter().find(|e| e["item"] == item).expect(item);
    item["found"].as_str().unwrap()
}

/// node runs the descriptors' tests; it is on every machine of this project's CI.
fn node_or_skip() -> bool {
    let found =
        std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    crate::support::required(found, "`node` on PATH", ".ci/run installs it")
}

#[test]
fn the_current_gsd_format_is_read_and_proven() {
    if !node_or_skip() {
        return;
    }
    let (statuses, report) = run_statuses(&Project::fixture("gsd-current"));
    let expected = [
        // Object truths, mirrored by statement; a backstop nobody mirrors needs a person.
        ("api::truth::the-app-answers-on-health", "passed"),
        ("api::truth::the-logger-writes-one-line-per-request", "passed"),
        ("api::truth::the-error-pages-match-the-brand-guide", "manual"),
        // An artifact listed twice, a directory, a string with a path, a string of prose.
        ("api::artifact::src/app.js", "passed"),
        ("api::artifact::src/app.js#2", "passed"),
        ("api::artifact::src", "passed"),
        ("api::artifact::src/logger.js", "passed"),
        ("api::artifact::rate-limits-are-described-for-operators", "manual"),
        // A look-ahead pattern; a file a wave-2 plan creates; grep's `\|`; prose.
        ("api::key_link::src/app.js->src/logger.js", "passed"),
        ("api::key_link::src/worker.js->src/queue.js", "pending"),
        ("api::key_link::src/app.js->src/db.js", "failed"),
        ("api::key_link::app-js-hands-every-request-to-the-logger", "manual"),
        // Prohibitions: mirrored with a probe, a node-test descriptor, none, unresolved, judgment.
        ("api::prohibition::no-api-token-is-committed-under-src", "passed"),
        ("api::prohibition::secrets-never-reach-the-logs", "passed"),
        ("api::prohibition::handlers-keep-no-global-state", "failed"),
        ("api::prohibition::nothing-is-logged-with-console-log", "failed"),
        ("api::prohibition::the-api-reads-as-calm-to-its-users", "manual"),
        // must_haves in a ```yaml block of the body, and under a `## Must-Haves` heading.
        ("worker::truth::the-worker-module-exists", "failed"),
        ("worker::artifact::src/queue.js", "passed"),
        ("docs::truth::the-readme-names-every-route", "manual"),
        ("docs::truth::each-route-has-an-example-request", "failed"),
    ];
    for (name, status) in expected {
        let got = statuses.iter().find(|(n, _)| n == name).map(|(_, s)| s.as_str());
        assert_eq!(got, Some(status), "{name} in {statuses:?}");
    }
    assert_eq!(statuses.len(), expected.len(), "{statuses:?}");
    let link = "api::key_link::src/app.js->src/db.js";
    assert!(found(&report, link, "src/app.js").ends_with("grep's alternation is written `|`)"), "{report}");
    let unproven = found(&report, "api::prohibition::handlers-keep-no-global-state", "check");
    assert!(
        unproven.starts_with(
            "unverified: no check that can fail proves it; mirror it in checks/api.yaml under `prohibitions:`"
        ),
        "{unproven}"
    );
    let unresolved = found(&report, "api::prohibition::nothing-is-logged-with-console-log", "check");
    assert!(unresolved.contains("`status: unresolved`"), "{unresolved}");
    let secrets = "api::prohibition::secrets-never-reach-the-logs";
    assert_eq!(found(&report, secrets, "violation fixture"), "1 tests, 0 passed, 1 failed, 0 cancelled");
    assert_eq!(found(&report, secrets, "clean fixture"), "1 tests, 1 passed, 0 failed, 0 cancelled");
}

#[test]
fn a_prohibition_fails_when_it_happens_or_when_its_check_cannot_fail() {
    if !node_or_skip() {
        return;
    }
    let broken = Project::fixture("gsd-current")
        .file("src/logger.js", "module.exports = (user) => console.log(user.password);\n")
        .file("src/config.js", "module.exports = { token: 'sk_live_123456' };\n");
    let (statuses, report) = run_statuses(&broken);
    let status =
        |name: &str| statuses.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone()).unwrap_or_default();
    assert_eq!(status("api::prohibition::secrets-never-reach-the-logs"), "failed");
    assert_eq!(
        found(&report, "api::prohibition::secrets-never-reach-the-logs", "tests/no-secrets.test.js"),
        "1 tests, 0 passed, 1 failed, 0 cancelled"
    );
    assert_eq!(status("api::prohibition::no-api-token-is-committed-under-src"), "failed");
    let token = found(&report, "api::prohibition::no-api-token-is-committed-under-src", "src/config.js");
    assert!(token.contains("contains `sk_live_`"), "{token}");
    // A violation fixture the test does not catch: the check could pass on anything.
    let toothless =
        Project::fixture("gsd-current").file("tests/fixtures/leaky.js", "module.exports = () => {};\n");
    let (statuses, report) = run_statuses(&toothless);
    assert!(statuses.contains(&("api::prohibition::secrets-never-reach-the-logs".into(), "failed".into())));
    assert_eq!(
        found(&report, "api::prohibition::secrets-never-reach-the-logs", "violation fixture"),
        "1 tests, 1 passed, 0 failed, 0 cancelled"
    );
}

/// A descriptor's target and fixtures are project files: one outside the root fails with
/// why, before anything runs.
#[test]
fn a_prohibition_check_outside_the_root_is_refused() {
    let plan = ".planning/phases/02-api/02-01-PLAN.md";
    let project = Project::fixture("gsd-current");
    let text = std::fs::read_to_string(project.path(plan)).unwrap();
    let secrets = "api::prohibition::secrets-never-reach-the-logs";
    for (from, to, item) in [
        ("check_target: tests/no-secrets.test.js", "check_target: ../no-secrets.test.js", "check_target"),
        (
            "check_clean_fixture: tests/fixtures/clean.js",
            "check_clean_fixture: /etc/hostname",
            "clean fixture",
        ),
    ] {
        assert!(text.contains(from), "the fixture plan changed: {from}");
        let (statuses, report) =
            run_statuses(&Project::fixture("gsd-current").file(plan, text.replace(from, to)));
        assert!(statuses.contains(&(secrets.into(), "failed".into())), "{to}: {statuses:?}");
        assert!(found(&report, secrets, item).contains("leads outside the project root"), "{to}: {report}");
    }
}

#[test]
fn plans_are_read_in_every_shape_people_write_them() {
    // A byte-order mark, CRLF line ends, and must_haves written as a list of truths.
    let bom = "\u{feff}---\r\nphase: 01\r\nmust_haves:\r\n  - \"tool.cfg   names the    release channel\"\r\n---\r\nbody\r\n";
    let check = format!(
        "plan: {PLAN}\nshell: host\ntruths:\n  - {{truth: \"tool.cfg names the release channel\", files: {{tool.cfg: {{}}}}}}\n"
    );
    let out = Project::fixture("planned").file(PLAN, bom).file("checks/tooling.yaml", check).run(&[]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(out.status("tooling::truth::tool-cfg-names-the-release-channel"), "ok");
    // A check truth the list does not hold is still refused by name.
    let out = Project::fixture("planned").file(PLAN, bom).run(&[]);
    assert!(out.stderr.contains("this truth is not in the plan"), "{}", out.stderr);

    let refused = [
        (
            "---\nmust_haves:\n  truths:\n    - [a, b]\n---\n",
            "error: .planning/phases/01-tooling/01-01-PLAN.md:4:7: must_haves.truths[0]: expected a string or a map with `statement`, found a list; write the truth as a string, or as `{statement: \"...\"}`\n",
        ),
        (
            "---\nmust_haves:\n  truths: {a: 1}\n---\n",
            "error: .planning/phases/01-tooling/01-01-PLAN.md:3:3: must_haves.truths: expected a list, found a map; write each item on its own `- ` line under the key\n",
        ),
        (
            "---\nmust_haves:\n  truths: [a]\nmust_haves:\n  truths: [b]\n---\n",
            "error: .planning/phases/01-tooling/01-01-PLAN.md:4:1: the frontmatter is not valid YAML: duplicate entry with key \"must_haves\"; a key may appear once in a map: merge the two entries\n",
        ),
        (
            "---\nmust_haves:\n  truths: [a]\n",
            "error: .planning/phases/01-tooling/01-01-PLAN.md:1:1: the frontmatter starting here never ends; add a `---` line after it\n",
        ),
        (
            "---\nmust_haves:\n  artifacts:\n    - {path: checks, contains: plan}\n---\n",
            "error: .planning/phases/01-tooling/01-01-PLAN.md:4:7: `checks` is a directory, so `contains`, `min_lines` and `exports` have nothing to read; name a file inside it, or keep only `path`\n",
        ),
        (
            "---\nmust_haves:\n  key_links:\n    - {from: build.sh, to: x, pattern: \"a\\.b\"}\n---\n",
            "error: .planning/phases/01-tooling/01-01-PLAN.md:4:42: the frontmatter is not valid YAML: found unknown escape character; inside double quotes YAML knows only escapes like `\\n` and `\\\\`, so a regex's `\\.` must be written in single quotes ('a\\.b') or with the backslash doubled (\"a\\\\.b\")\n",
        ),
    ];
    for (plan, expected) in refused {
        let out = Project::fixture("planned").file(PLAN, plan).run(&["--list"]);
        assert_eq!(out.code, 2, "{plan}\n{}", out.all());
        assert_eq!(out.stderr, expected, "{plan}");
    }
}

#[test]
fn a_re_run_keeps_the_overrides_a_person_added_and_says_what_changed() {
    let project = Project::fixture("planned").file("tool.cfg", "channel: beta\n");
    let (code, _, report) = signoff(&project);
    assert_eq!(code, 1);
    assert!(report.contains("gaps:\n  - truth: tool.cfg names the release channel\n"), "{report}");
    // A person accepts the gap in the report itself, as GSD's workflow has them do.
    let accepted = report.replacen(
        "gaps:\n",
        "overrides:\n  - must_have: \"tool.cfg names the release channel\"\n    reason: \"beta until the launch\"\n    accepted_by: ana\n    accepted_at: 2026-11-30\n    expires: 2999-12-31\ngaps:\n",
        1,
    );
    let project = project.file(".planning/phases/01-tooling/01-VERIFICATION.md", accepted);
    let (_, _, again) = signoff(&project);
    let front = frontmatter(&again);
    assert_eq!(front["re_verification"]["previous_status"], "gaps_found");
    assert_eq!(front["re_verification"]["previous_score"], "1/3 must-haves verified");
    assert_eq!(front["overrides"][0]["must_have"], "tool.cfg names the release channel");
    assert_eq!(front["overrides"][0]["accepted_by"], "ana");
    assert_eq!(front["overrides"][0]["expires"], "2999-12-31");
    let gaps: Vec<&str> =
        front["gaps"].as_sequence().unwrap().iter().map(|g| g["truth"].as_str().unwrap()).collect();
    assert!(!gaps.contains(&"tool.cfg names the release channel"), "{again}");
    assert!(
        again.contains("| tool.cfg names the release channel | ✓ PASSED (override) | beta until the launch"),
        "{again}"
    );
    // An override past its last day holds no more: the gap is back, and says why.
    let expired = again.replace("expires: 2999-12-31", "expires: 2020-01-01");
    let project = project.file(".planning/phases/01-tooling/01-VERIFICATION.md", expired);
    let (code, _, third) = signoff(&project);
    assert_eq!(code, 1);
    let front = frontmatter(&third);
    let gap = front["gaps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|g| g["truth"] == "tool.cfg names the release channel")
        .cloned();
    let gap = gap.unwrap_or_else(|| panic!("no gap for the expired override:\n{third}"));
    assert!(gap["reason"].as_str().unwrap().contains("it expired on 2020-01-01"), "{third}");
}

#[test]
fn signoff_and_run_never_write_over_an_input_another_report_or_a_file_they_did_not_write() {
    let project = Project::fixture("planned");
    let out = project.run(&["signoff", "--phase", ".planning/phases/01-tooling", "--out", PLAN]);
    assert_eq!((out.code, out.stderr.as_str()), (2, format!("error: {PLAN}: is an input of this run (a plan or a check file); write the report elsewhere\n").as_str()));
    assert!(
        std::fs::read_to_string(project.path(PLAN)).unwrap().starts_with("---\nphase:"),
        "the plan was touched"
    );
    let project = project.file("NOTES.md", "my notes\n");
    let out = project.run(&["signoff", "--phase", ".planning/phases/01-tooling", "--out", "NOTES.md"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("NOTES.md: exists and envtruth did not write it; pass --force"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(project.path("NOTES.md")).unwrap(), "my notes\n");
    let out =
        project.run(&["signoff", "--phase", ".planning/phases/01-tooling", "--out", "NOTES.md", "--force"]);
    assert_eq!(out.code, 0, "{}", out.all());
    // Once envtruth wrote it, a re-run may replace it (named another way: the same file).
    let project = project.file("a/keep", "");
    let out = project.run(&["signoff", "--phase", ".planning/phases/01-tooling", "--out", "./a/../NOTES.md"]);
    assert_eq!(out.code, 0, "{}", out.all());

    let out = project.run(&["--json", "checks/./tooling.yaml"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("is an input of this run"), "{}", out.stderr);
    let out = project.run(&["--junit", "report.xml", "--json", "./report.xml"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("report.xml: is named for two outputs"), "{}", out.stderr);
    assert!(!project.path("report.xml").exists(), "nothing may run before the refusal");
}

#[test]
fn a_waiver_accepts_a_failure_until_its_last_day() {
    let waived = |expires: &str| {
        format!(
            "shell: host\ntruths:\n  - truth: the linter is clean\n    run: 'false'\n    waiver: {{reason: \"new rules land next sprint\", expires: {expires}, by: ana}}\n"
        )
    };
    let project = Project::new().check(&waived("2999-12-31"));
    let out = project.run(&["--json", "r.json"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("test env::truth::the-linter-is-clean ... ignored (waived: new rules land next sprint (until 2999-12-31), accepted by ana)"), "{}", out.stdout);
    let report = std::fs::read_to_string(project.path("r.json")).unwrap();
    assert!(report.contains("\"status\": \"waived\""), "{report}");
    assert!(report.contains("\"waived\": 1"), "{report}");
    let out = Project::new().check(&waived("2020-01-01")).run(&[]);
    assert_eq!(out.code, 101, "{}", out.all());
    assert!(out.failure("env::truth::the-linter-is-clean").contains("✗ waiver checks/env.yaml:5: expected a waiver until 2020-01-01, found it expired on 2020-01-01, so the failure counts again; fix it or renew the waiver"), "{}", out.stdout);
    let out = Project::new().check(&waived("2027-13-01")).run(&[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("`2027-13-01` is not a day; write it as YYYY-MM-DD"), "{}", out.stderr);
}

/// A FIFO named like a plan beside it is never opened, by a run (working out the plan's
/// pending key links) or by a sign-off of its phase: a writer that finds a reader on it
/// would mean envtruth opened it (and, without that writer, would have blocked forever).
#[test]
fn a_fifo_named_like_a_plan_beside_it_is_never_opened() {
    use std::os::unix::fs::OpenOptionsExt;
    let project = Project::fixture("planned");
    let fifo = project.path(".planning/phases/01-tooling/01-02-PLAN.md");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    for args in [&["--list"][..], &["signoff", "--phase", ".planning/phases/01-tooling", "--out", "V.md"]] {
        let mut child = project.command(args).stdout(std::process::Stdio::piped()).spawn().expect("spawn");
        let mut opened = false;
        while child.try_wait().expect("wait").is_none() {
            // Opening a FIFO to write without blocking succeeds only while a reader has it open.
            opened |=
                std::fs::OpenOptions::new().write(true).custom_flags(libc::O_NONBLOCK).open(&fifo).is_ok();
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let out = crate::support::Output::of(child.wait_with_output().expect("output"));
        assert!(!opened, "{args:?}: envtruth opened the FIFO named like a plan");
        assert_eq!(out.code, 0, "{args:?}: {}", out.all());
    }
    let report = std::fs::read_to_string(project.path("V.md")).expect("the sign-off was written");
    assert_eq!(frontmatter(&report)["status"], "human_needed", "{report}");
}
