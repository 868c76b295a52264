//! `init` proposes the probe each truth needs, with where it came from, and never a wrong
//! one: `fixtures/projects/init-rules` holds one truth per rule (environment truths, the
//! plan's own verification commands, and every kind of text that must stay manual), and
//! `checks/env.yaml` is what init must write for it, word for word.

use crate::support::Project;

const PLAN: &str = ".planning/phases/02-env/02-01-PLAN.md";

#[test]
fn init_proposes_the_probe_each_truth_needs_and_never_a_wrong_one() {
    let project = Project::fixture("init-rules");
    let out = project.run(&["init", "--plan", PLAN, "--out", "-"]);
    assert_eq!(out.code, 0, "{}", out.all());
    // The fixture's check file is init's output with two lines changed: the schema's path
    // from inside the repository, and the host shell, so it runs anywhere.
    let expected = std::fs::read_to_string(project.path("checks/env.yaml")).expect("checks/env.yaml");
    let written = out
        .stdout
        .replacen("$schema=envtruth.schema.json", "$schema=../../../../checks/envtruth.schema.json", 1)
        .replacen("\ntruths:", "\nshell: host\ntruths:", 1);
    assert_eq!(
        written, expected,
        "init's proposals changed; if on purpose, rewrite fixtures/projects/init-rules/checks/env.yaml"
    );
    // As written, it loads and lists a case per truth, the repeated ones included.
    let listed = project.run(&["--list"]);
    assert_eq!(listed.code, 0, "{}", listed.all());
    assert_eq!(
        listed.stdout.lines().filter(|l| l.starts_with("env::truth::")).count(),
        expected.matches("- truth:").count()
    );
    assert!(listed.stdout.contains("env::truth::data-loads-3: test"), "{}", listed.stdout);
}

/// A project's files, as (path, content).
type Files = &'static [(&'static str, &'static str)];

#[test]
fn tests_builds_and_lint_take_the_projects_own_runner() {
    let plan = "---\nphase: 03\nmust_haves:\n  truths:\n    - \"All tests pass\"\n    - \"The project builds\"\n    - \"Lint checks pass\"\n---\n";
    let cases: [(Files, [&str; 3]); 5] = [
        (
            &[("Cargo.toml", "[package]\nname = \"x\"\n")],
            ["cargo test", "cargo build", "cargo clippy --all-targets -- -D warnings"],
        ),
        (
            &[
                (
                    "pyproject.toml",
                    "[project]\nname = \"x\"\n[dependency-groups]\ndev = [\"pytest\"]\n[tool.ruff]\n",
                ),
                ("uv.lock", ""),
            ],
            ["uv run pytest", "", "uv run ruff check ."],
        ),
        (
            &[
                (
                    "package.json",
                    "{\"scripts\": {\"test\": \"vitest run\", \"build\": \"vite build\", \"lint\": \"eslint .\"}}",
                ),
                ("pnpm-lock.yaml", ""),
            ],
            ["pnpm run test", "pnpm run build", "pnpm run lint"],
        ),
        // `./gradlew check` runs the tests too: no lint runner.
        (&[("gradlew", "#!/bin/sh\n")], ["./gradlew test", "./gradlew build", ""]),
        // A Makefile's target is the project's own entry point: it comes before Cargo's.
        (
            &[("Makefile", "test:\n\tcargo test\nlint:\n\tcargo clippy\n"), ("Cargo.toml", "[package]\n")],
            ["make test", "cargo build", "make lint"],
        ),
    ];
    for (files, [test, build, lint]) in cases {
        let mut project = Project::new().file("PLAN.md", plan);
        for (name, text) in files {
            project = project.file(name, text);
        }
        let out = project.run(&["init", "--plan", "PLAN.md", "--out", "-"]);
        assert_eq!(out.code, 0, "{}", out.all());
        for (truth, command, job) in [
            ("All tests pass", test, "test"),
            ("The project builds", build, "build"),
            ("Lint checks pass", lint, "lint"),
        ] {
            let written = match command {
                "" => format!("manual: \"TODO: no {job} runner found"),
                command => format!("run: \"{command}\"   # recognised: the project's "),
            };
            assert!(
                out.stdout.contains(&format!("- truth: \"{truth}\"\n    {written}")),
                "{files:?}, {truth}:\n{}",
                out.stdout
            );
        }
    }
}

#[test]
fn without_a_runner_file_tests_take_the_command_the_other_plans_run_most() {
    let truths = "---\nphase: 02\nmust_haves:\n  truths:\n    - \"All tests pass\"\n    - \"The project builds\"\n---\n";
    let verify = |commands: &[&str]| -> String {
        commands.iter().map(|c| format!("<task>\n<verify>{c}</verify>\n</task>\n")).collect()
    };
    let project = Project::new()
        .file(".planning/phases/02-api/02-02-PLAN.md", truths)
        // Beside it, and in another phase: `npm test` twice, `npm test --silent` once.
        .file(".planning/phases/02-api/02-01-PLAN.md", verify(&["npm test --silent", "npm test"]))
        .file(".planning/phases/01-setup/01-01-PLAN.md", verify(&["npm test", "npm test -- tests/a.test.ts"]))
        // Not a plan, a FIFO named like one, and a link to a plan elsewhere: none is read.
        .file(".planning/phases/01-setup/NOTES.md", verify(&["make test"]))
        .file("vendor/other/01-01-PLAN.md", verify(&["make test"]));
    let fifo = project.path(".planning/phases/01-setup/01-02-PLAN.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    // Three links: followed, their `make test` would outnumber `npm test`.
    for n in 3..6 {
        let link = project.path(&format!(".planning/phases/01-setup/01-0{n}-PLAN.md"));
        std::os::unix::fs::symlink(project.path("vendor/other/01-01-PLAN.md"), link).expect("symlink");
    }
    let out = project.run(&["init", "--plan", ".planning/phases/02-api/02-02-PLAN.md", "--out", "-"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains("- truth: \"All tests pass\"\n    run: \"npm test\"   # recognised: the test command the project's plans run, as in <verify> of task 1 of 01-01-PLAN.md"),
        "{}",
        out.stdout
    );
    // Nothing builds in the other plans: a note, never a guess.
    assert!(
        out.stdout.contains("- truth: \"The project builds\"\n    manual: \"TODO: no build runner found"),
        "{}",
        out.stdout
    );
    // Plans that test two ways (`cargo test` in a subdirectory, vitest at the root): which
    // one a truth means, only its own plan can say.
    let project = project.file(
        ".planning/phases/01-setup/01-06-PLAN.md",
        verify(&["cd src-tauri && cargo test", "npx vitest run"]),
    );
    let out = project.run(&["init", "--plan", ".planning/phases/02-api/02-02-PLAN.md", "--out", "-"]);
    assert!(
        out.stdout.contains("- truth: \"All tests pass\"\n    manual: \"TODO: no test runner found"),
        "{}",
        out.stdout
    );
    // Its own plan runs the tests in a subdirectory: that, never another command.
    let project = project.file(
        ".planning/phases/02-api/02-02-PLAN.md",
        format!("{truths}{}", verify(&["cd web && npm test"])),
    );
    let out = project.run(&["init", "--plan", ".planning/phases/02-api/02-02-PLAN.md", "--out", "-"]);
    assert!(
        out.stdout.contains("- truth: \"All tests pass\"\n    manual: \"TODO: the plan runs `npm test` in another directory (<verify> of task 1): `run:` it there, as `cd DIR && npm test`\""),
        "{}",
        out.stdout
    );
}

#[test]
fn project_files_that_are_fifos_are_never_opened() {
    let plan = "---\nphase: 01\nmust_haves:\n  truths:\n    - \"All tests pass\"\n    - \"TypeScript compiles without errors\"\n---\n<task>\n<verify>npx tsc --noEmit</verify>\n</task>\n";
    let project = Project::new().file("PLAN.md", plan);
    let fifos = ["Makefile", "tsconfig.json"].map(|name| project.path(name));
    for fifo in &fifos {
        assert!(std::process::Command::new("mkfifo").arg(fifo).status().expect("mkfifo").success());
    }
    // Were a FIFO opened, init would wait for a writer: one comes after a while (no time
    // limit on a loaded machine, just no hang) and writes what would change init's answer.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let done = done.clone();
        std::thread::spawn(move || {
            for _ in 0..120 {
                if done.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
            for (fifo, text) in fifos.iter().zip(["test:\n\tpytest\n", r#"{"files": [], "references": []}"#])
            {
                use std::os::unix::fs::OpenOptionsExt;
                let opened =
                    std::fs::OpenOptions::new().write(true).custom_flags(libc::O_NONBLOCK).open(fifo);
                let _ = opened.and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
            }
        })
    };
    let out = project.run(&["init", "--plan", "PLAN.md", "--out", "-"]);
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().expect("writer");
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains("- truth: \"All tests pass\"\n    manual: \"TODO: no test runner found"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("- truth: \"TypeScript compiles without errors\"\n    run: \"npx tsc --noEmit\""),
        "{}",
        out.stdout
    );
}

#[test]
fn in_a_checkout_a_command_is_proposed_only_where_it_can_run() {
    let plan = |made: &str| {
        format!(
            "---\nphase: 01\nfiles_modified: [{made}]\nmust_haves:\n  truths:\n    - \"All tests pass\"\n    - \"`cargo build` succeeds\"\n    - \"TypeScript compiles without errors\"\n---\n<task>\n<verify>npm test</verify>\n</task>\n<task>\n<verify>npx tsc --noEmit</verify>\n</task>\n"
        )
    };
    // A solution-style tsconfig.json: `tsc --noEmit` on it checks no file.
    let tsconfig = r#"{ "files": [], "references": [{ "path": "./tsconfig.app.json" }] }"#;
    let project = Project::new().file("PLAN.md", plan("src/app.ts")).file("tsconfig.json", tsconfig);
    // Not a checkout: the root says nothing of where commands run.
    let out = project.run(&["init", "--plan", "PLAN.md", "--out", "-"]);
    assert!(out.stdout.contains("- truth: \"All tests pass\"\n    run: \"npm test\""), "{}", out.stdout);
    crate::support::git(project.root(), &["init", "-q"]);
    let out = project.run(&["init", "--plan", "PLAN.md", "--out", "-"]);
    assert_eq!(out.code, 0, "{}", out.all());
    for (truth, why) in [
        (
            "All tests pass",
            "`npm test` needs package.json at the project root, and there is none: run it where it is",
        ),
        ("`cargo build` succeeds", "`cargo build` needs Cargo.toml at the project root"),
        (
            "TypeScript compiles without errors",
            "the root tsconfig.json lists no files (it only references others), so `npx tsc --noEmit` checks nothing",
        ),
    ] {
        assert!(
            out.stdout.contains(&format!("- truth: \"{truth}\"\n    manual: \"TODO: {why}")),
            "{truth}:\n{}",
            out.stdout
        );
    }
    // The plan makes package.json: then `npm test` will run.
    let project = project.file("PLAN.md", plan("package.json"));
    let out = project.run(&["init", "--plan", "PLAN.md", "--out", "-"]);
    assert!(
        out.stdout.contains("- truth: \"All tests pass\"\n    run: \"npm test\"   # from <verify> of task 1"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_truth_that_holds_variable_syntax_is_mirrored_as_written() {
    let plan = "---\nphase: 01\nmust_haves:\n  truths:\n    - \"The config reads ${vars.region} from the environment\"\n---\n";
    let project = Project::new().file("PLAN.md", plan);
    let out = project.run(&["init", "--plan", "PLAN.md"]);
    assert_eq!(out.code, 0, "{}", out.all());
    let written = std::fs::read_to_string(project.path("checks/plan.yaml")).expect("checks/plan.yaml");
    assert!(
        written.contains("- truth: \"The config reads $${vars.region} from the environment\""),
        "{written}"
    );
    // It loads, mirrors the plan's text, and lists its case.
    let listed = project.run(&["--list"]);
    assert_eq!(listed.code, 0, "{}", listed.all());
    assert!(listed.stdout.contains("plan::truth::the-config-reads"), "{}", listed.stdout);
}

#[test]
fn a_plan_with_nothing_to_mirror_is_refused_with_the_fix() {
    let project = Project::new().file("PLAN.md", "---\nphase: 03\nmust_haves:\n  truths: []\n---\n");
    let out = project.run(&["init", "--plan", "PLAN.md", "--out", "-"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert_eq!(
        out.stderr,
        "error: PLAN.md: the plan has no must_haves (truths, artifacts, key_links or prohibitions) to mirror; write them in its frontmatter first, or pick the plan that has them\n"
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn from_shell_writes_a_baseline_that_fails_when_a_version_moves() {
    let plan = "---\nphase: 03\nmust_haves:\n  truths:\n    - \"The dev shell puts cmake 3.28, uv and ruff on PATH\"\n---\n";
    let project = Project::new()
        .file("PLAN.md", plan)
        .file("checks/plan.yaml", "plan: PLAN.md\nshell: host\ntruths:\n  - truth: \"The dev shell puts cmake 3.28, uv and ruff on PATH\"\n    manual: \"later\"\n")
        .script("bin/cmake", "echo 'cmake version 3.28.3'")
        // A tool that prints no version, in a directory whose name holds one.
        .script("uv-9.9.9/bin/uv", "echo 'uv'");
    let path =
        format!("{}:{}:/usr/bin:/bin", project.path("bin").display(), project.path("uv-9.9.9/bin").display());
    let project = project.env("PATH", path);
    let out = project.run(&["init", "--plan", "PLAN.md", "--out", "checks/plan.yaml", "--from-shell"]);
    assert_eq!(out.code, 0, "{}", out.all());
    let written = std::fs::read_to_string(project.path("checks/plan.yaml")).unwrap();
    assert!(written.contains("  - truth: \"The `host` shell keeps cmake at 3.28.3\"\n    extra: true\n    tools: {\"cmake\": \"3.28.3\"}\n"), "{written}");
    assert!(written.contains("  # ruff: not on PATH"), "{written}");
    assert!(written.contains("  # uv: no version in `uv --version` at "), "{written}");
    assert_eq!(project.run(&[]).code, 0, "the baseline holds in the shell it was taken from");
    // A silent bump fails, naming the version found.
    let project = project.script("bin/cmake", "echo 'cmake version 3.29.0'");
    let run = project.run(&[]);
    assert_eq!(run.code, 101, "{}", run.all());
    assert!(run.stdout.contains("3.29.0"), "{}", run.stdout);
    // A second baseline would repeat the truths: refused with the fix.
    let again = project.run(&["init", "--plan", "PLAN.md", "--out", "checks/plan.yaml", "--from-shell"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("has a drift baseline already; delete its block"), "{}", again.stderr);
}

#[test]
fn careless_plan_and_out_arguments_get_the_fix() {
    let plan = "---\nphase: 03\nmust_haves:\n  truths:\n    - \"uv is on PATH in the dev shell\"\n---\n";
    let project =
        Project::new().file("PLAN.md", plan).file("flow.yaml", "truths: []\n").file("sub/.keep", "");
    assert!(std::process::Command::new("mkfifo").arg(project.path("pipe")).status().unwrap().success());
    std::os::unix::fs::symlink(project.path("PLAN.md"), project.path("link.yaml")).unwrap();
    let root = project.root().display().to_string();
    for (args, expected) in [
        (&["--plan", "."][..], format!("error: {root} is a directory; --plan names one plan file")),
        (
            &["--plan", "PLAN.md", "--out", "PLAN.md"],
            "error: PLAN.md is the plan; --out names the check file".into(),
        ),
        // Reached through `..` or a link, the plan is still the plan.
        (
            &["--plan", "PLAN.md", "--out", "sub/../PLAN.md", "--from-shell", "--shell", "host"],
            "error: sub/../PLAN.md is the plan; --out names the check file".into(),
        ),
        (
            &["--plan", "PLAN.md", "--out", "link.yaml", "--from-shell", "--shell", "host"],
            "error: link.yaml is the plan; --out names the check file".into(),
        ),
        (&["--plan", "PLAN.md", "--out", "pipe", "--from-shell"], "error: pipe is not a regular file".into()),
        (
            &["--plan", "PLAN.md", "--out", "flow.yaml", "--from-shell", "--shell", "host"],
            "error: flow.yaml is not a check file with a block list of `truths:`".into(),
        ),
    ] {
        let out = project.run(&[&["init"][..], args].concat());
        assert_eq!(out.code, 2, "{args:?}: {}", out.all());
        assert!(out.stderr.starts_with(&expected), "{args:?}: {}", out.stderr);
    }
    assert_eq!(std::fs::read_to_string(project.path("PLAN.md")).unwrap(), plan, "the plan is never written");
}
