//! Reports for CI: JUnit, JSON, GitHub annotations and step summary, parsed and asserted.

use quick_junit::{Report, TestCaseStatus};

use crate::support::Project;

const CHECKS: &str = r##"truths:
  - truth: the greeting prints
    id: greet
    run: {cmd: "echo hello", stdout: ["^hello$"]}
  - truth: the build passes
    id: build
    run: "echo 'error: missing semicolon' >&2; exit 2"
  - truth: the binary runs after the build
    id: binary
    after: [build]
    run: "true"
  - truth: the docs read well
    id: docs
    manual: needs a human reader
  - truth: tools are installed
    id: tools
    tools:
      sh: any
      not-a-tool-xyz: any
artifacts:
  - {path: README.md, contains: "# Title"}
"##;

fn project() -> Project {
    Project::new().file("README.md", "# Title\n").check(CHECKS)
}

#[test]
fn junit_has_a_testcase_per_case_with_failures_and_skips() {
    let project = project();
    let out = project.run(&["--junit", "report.xml"]);
    assert_eq!(out.code, 101, "{}", out.all());
    let xml = std::fs::read_to_string(project.path("report.xml")).expect("report.xml");
    let report = Report::deserialize_from_str(&xml).expect("valid JUnit");
    assert_eq!(report.name.as_ref().map(|n| n.as_str()), Some("envtruth"));
    assert_eq!((report.tests, report.failures), (6, 3));
    assert_eq!(report.test_suites.len(), 1);
    let suite = &report.test_suites[0];
    assert_eq!((suite.name.as_str(), suite.tests, suite.skipped, suite.failures), ("env", 6, 1, 3));
    let case = |name: &str| {
        suite
            .test_cases
            .iter()
            .find(|c| c.name.as_str() == name)
            .unwrap_or_else(|| panic!("no testcase {name}"))
    };
    assert!(suite.test_cases.iter().all(|c| c.classname.as_ref().map(|n| n.as_str()) == Some("env")));
    assert!(matches!(case("env::truth::greet").status, TestCaseStatus::Success { .. }));
    assert!(matches!(case("env::artifact::README.md").status, TestCaseStatus::Success { .. }));
    match &case("env::truth::build").status {
        TestCaseStatus::NonSuccess { message, ty, description, .. } => {
            assert_eq!(message.as_ref().unwrap().as_str(), "run exit status: expected exit 0, found exit 2");
            assert_eq!(ty.as_ref().unwrap().as_str(), "failed");
            let description = description.as_ref().unwrap().as_str();
            assert!(
                description.starts_with("the build passes\n  defined at checks/env.yaml:5\n"),
                "{description}"
            );
            assert!(description.contains("│ error: missing semicolon"), "{description}");
        }
        other => panic!("build: {other:?}"),
    }
    match &case("env::truth::binary").status {
        TestCaseStatus::NonSuccess { message, ty, .. } => {
            assert_eq!(
                message.as_ref().unwrap().as_str(),
                "blocked: it runs after `env::truth::build`, which did not pass"
            );
            assert_eq!(ty.as_ref().unwrap().as_str(), "blocked");
        }
        other => panic!("binary: {other:?}"),
    }
    match &case("env::truth::tools").status {
        TestCaseStatus::NonSuccess { message, .. } => assert!(
            message
                .as_ref()
                .unwrap()
                .as_str()
                .starts_with("tools not-a-tool-xyz: expected on PATH, found not on PATH"),
            "{message:?}"
        ),
        other => panic!("tools: {other:?}"),
    }
    match &case("env::truth::docs").status {
        TestCaseStatus::Skipped { message, .. } => {
            assert_eq!(message.as_ref().unwrap().as_str(), "manual: needs a human reader")
        }
        other => panic!("docs: {other:?}"),
    }
}

#[test]
fn json_has_every_case_with_its_source_and_evidence_lines() {
    let project = project();
    project.run(&["--json", "results.json"]);
    let text = std::fs::read_to_string(project.path("results.json")).expect("results.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(json["version"], 2);
    assert_eq!(json["envtruth"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        json["summary"],
        serde_json::json!({"total": 6, "passed": 2, "failed": 2, "blocked": 1, "manual": 1, "pending": 0, "waived": 0})
    );
    let cases = json["cases"].as_array().unwrap();
    let case =
        |name: &str| cases.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no case {name}"));
    let build = case("env::truth::build");
    assert_eq!(build["suite"], "env");
    assert_eq!(build["kind"], "truth");
    assert_eq!(build["truth"], "the build passes");
    assert_eq!(build["status"], "failed");
    assert_eq!(build["source"], serde_json::json!({"file": "checks/env.yaml", "line": 5, "column": 5}));
    assert_eq!(build["shell"], "host");
    assert_eq!(build["evidence"][0]["item"], "exit status");
    assert_eq!(build["evidence"][0]["found"], "exit 2");
    assert_eq!(build["evidence"][0]["source"]["line"], 7);
    assert_eq!(build["commands"][0]["exit_code"], 2);
    assert_eq!(build["commands"][0]["stderr_tail"], serde_json::json!(["error: missing semicolon"]));
    let tools = case("env::truth::tools");
    assert_eq!(tools["evidence"][0]["item"], "sh");
    assert_eq!(tools["evidence"][0]["passed"], true);
    assert_eq!(tools["evidence"][0]["source"]["line"], 18);
    assert_eq!(tools["evidence"][1]["item"], "not-a-tool-xyz");
    assert_eq!(tools["evidence"][1]["source"]["line"], 19);
    assert_eq!(case("env::truth::binary")["status"], "blocked");
    assert_eq!(case("env::truth::binary")["blocked_by"], "env::truth::build");
    assert_eq!(case("env::truth::docs")["status"], "manual");
    assert_eq!(case("env::truth::docs")["manual_reason"], "needs a human reader");
    let artifact = case("env::artifact::README.md");
    assert_eq!(artifact["kind"], "artifact");
    assert_eq!(artifact["source"]["line"], 21);
    assert_eq!(artifact["shell"], serde_json::Value::Null);
}

#[test]
fn github_actions_get_annotations_and_a_step_summary() {
    let project = project();
    let summary = project.path("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let project =
        project.env("GITHUB_ACTIONS", "true").env("GITHUB_STEP_SUMMARY", summary.display().to_string());
    let out = project.run(&[]);
    let annotations: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 3, "{}", out.stdout);
    assert_eq!(
        annotations[0],
        "::error file=checks/env.yaml,line=5,title=env%3A%3Atruth%3A%3Abuild::the build passes%0Arun exit status: expected exit 0, found exit 2"
    );
    assert_eq!(
        annotations[1],
        "::error file=checks/env.yaml,line=8,title=env%3A%3Atruth%3A%3Abinary::the binary runs after the build%0Ablocked: it runs after `env::truth::build`, which did not pass"
    );
    assert!(
        annotations[2].starts_with("::error file=checks/env.yaml,line=15,title=env%3A%3Atruth%3A%3Atools::tools are installed%0Atools not-a-tool-xyz: expected on PATH, found not on PATH ("),
        "{}",
        annotations[2]
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with("earlier step\n## envtruth: 2 passed, 3 failed, 1 manual\n"), "{written}");
    assert!(
        written.contains(
            "| `env::truth::build` | `checks/env.yaml:5` | run exit status: expected exit 0, found exit 2 |"
        ),
        "{written}"
    );
    assert!(written.contains("<details><summary>env::truth::build</summary>"), "{written}");
}

#[test]
fn listing_writes_no_reports_and_no_annotations() {
    let project = project().env("GITHUB_ACTIONS", "true");
    let out = project.run(&["--list", "--junit", "r.xml", "--json", "r.json"]);
    assert_eq!(out.code, 0);
    assert!(!out.stdout.contains("::error"));
    assert!(!project.path("r.xml").exists() && !project.path("r.json").exists());
}

/// A secret's value, echoed by commands, written in files the checks read and embedded
/// in another variable, appears in no output and no report: only `***` does.
#[test]
fn secrets_appear_in_no_message_and_no_report() {
    const SECRET: &str = "tok-3033-very-secret";
    let project = Project::fixture("planned")
        .env("DEPLOY_TOKEN", SECRET)
        .env("DATABASE_URL", format!("postgres://app:{SECRET}@db/app"))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", "summary.md")
        .file("tool.cfg", format!("token = {SECRET}\n"))
        .file("build.sh", format!("# {SECRET}\n"));
    let check = std::fs::read_to_string(project.path("checks/tooling.yaml")).unwrap();
    let check = check.replace(
        "run: sh -c true",
        "run: {cmd: 'echo \"using $DEPLOY_TOKEN\"; echo \"$DATABASE_URL\" >&2; exit 1', stdout: '^never$'}\n    env: {DATABASE_URL: {equals: postgres://app@db/app}}",
    );
    let project = project.file("checks/tooling.yaml", check);
    let out = project.run(&["--junit", "report.xml", "--json", "report.json"]);
    assert_eq!(out.code, 101, "{}", out.all());
    let (signed, _, verification) = crate::plan::signoff(&project);
    assert_eq!(signed, 1);
    let texts = [
        ("output", out.all()),
        ("JUnit", std::fs::read_to_string(project.path("report.xml")).unwrap()),
        ("JSON", std::fs::read_to_string(project.path("report.json")).unwrap()),
        ("step summary", std::fs::read_to_string(project.path("summary.md")).unwrap()),
        ("sign-off", verification),
    ];
    for (what, text) in &texts {
        assert!(!text.contains(SECRET), "the secret is in the {what}:\n{text}");
    }
    // The evidence is there, masked: the test would pass vacuously otherwise.
    assert!(texts[0].1.contains("│ using ***"), "{}", texts[0].1);
    assert!(texts[0].1.contains("│ postgres://app:***@db/app"), "{}", texts[0].1);
    assert!(texts[1].1.contains("using ***"), "{}", texts[1].1);
}

/// A program a test needs: found, or (outside CI) the test is ignored with the reason.
fn program(name: &str, check: &[&str]) -> bool {
    let found = std::process::Command::new(name).args(check).output().is_ok_and(|o| o.status.success());
    crate::support::required(found, &format!("`{name}`"), ".ci/run installs it")
}

#[test]
fn junit_passes_jenkins_xunit_schema_and_junitparser_counts_what_envtruth_counts() {
    if !program("xmllint", &["--version"]) || !program("python3", &["-c", "import junitparser"]) {
        return;
    }
    // Output with characters XML cannot hold, as a broken command prints them.
    let garbage = "truths:\n  - truth: prints garbage\n    run: {cmd: \"printf '\\\\357\\\\277\\\\276 \\\\033[0m'\", stdout: 'never'}\n";
    let project = project().file("checks/more.yaml", garbage);
    let out = project.run(&["--junit", "report.xml"]);
    assert_eq!(out.code, 101, "{}", out.all());
    let schema =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/data/junit-10-constraints.xsd");
    let lint = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg(project.path("report.xml"))
        .output()
        .expect("xmllint");
    assert!(lint.status.success(), "xmllint:\n{}", String::from_utf8_lossy(&lint.stderr));
    let counts = std::process::Command::new("python3")
        .args(["-c", "import junitparser,sys; x=junitparser.JUnitXml.fromfile(sys.argv[1]); print(*[sum(getattr(s, k) for s in x) for k in ('tests', 'failures', 'skipped')])"])
        .arg(project.path("report.xml"))
        .output()
        .expect("python3");
    assert_eq!(
        String::from_utf8_lossy(&counts.stdout).trim(),
        "7 4 1",
        "{}",
        String::from_utf8_lossy(&counts.stderr)
    );
}

#[test]
fn tap_is_read_by_prove_with_the_counts_envtruth_reports() {
    if !program("prove", &["--version"]) {
        return;
    }
    let project = project();
    let out = project.run(&["--tap", "report.tap"]);
    assert_eq!(out.code, 101, "{}", out.all());
    let proved = std::process::Command::new("prove")
        .args(["--exec", "cat"])
        .arg(project.path("report.tap"))
        .output()
        .expect("prove");
    let said = String::from_utf8_lossy(&proved.stdout);
    assert!(said.contains("Tests: 6 Failed: 3)"), "{said}");
    assert!(said.contains("Failed tests:  2-3, 5"), "{said}");
    assert!(!said.contains("Parse errors"), "{said}");
}

/// The leaks a red team found: a bearer token in the command line, a URL's password, a
/// secret in a file the checks read, and names the old rule missed (GITHUB_PAT, DB_PASS).
#[test]
fn command_lines_urls_files_and_every_secret_like_name_are_masked() {
    const PAT: &str = "ghp-0123456789abcdef";
    const PASS: &str = "pa55-w0rd-here";
    let project = Project::new()
        .env("GITHUB_PAT", PAT)
        .env("DB_PASS", PASS)
        .file("deploy.env", "STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\nregion=eu\n")
        .check(
            "truths:\n  - truth: the API answers\n    run: 'echo calling; curl -sf -H \"Authorization: Bearer sk-live-1234567\" https://admin:hunter2x@127.0.0.1:9/ || exit 3'\n  - truth: no key is left in deploy.env\n    files: {deploy.env: {excludes: STRIPE_KEY}}\n  - truth: the tokens are echoed\n    run: {cmd: 'echo \"$GITHUB_PAT $DB_PASS\"; exit 1'}\n",
        );
    let out = project.run(&["--json", "r.json"]);
    assert_eq!(out.code, 101, "{}", out.all());
    let json = std::fs::read_to_string(project.path("r.json")).unwrap();
    for text in [out.all(), json.clone()] {
        for secret in ["sk-live-1234567", "hunter2x", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", PAT, PASS] {
            assert!(!text.contains(secret), "{secret} leaked:\n{text}");
        }
    }
    assert!(json.contains("Authorization: Bearer ***"), "{json}");
    assert!(json.contains("https://admin:***@127.0.0.1:9/"), "{json}");
    assert!(json.contains("STRIPE_KEY=***"), "{json}");
    assert!(out.all().contains("│ *** ***"), "{}", out.all());
}
