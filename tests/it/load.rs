//! Loading: listing runs nothing, zero cases fail, problems are reported together.

use crate::support::Project;

#[test]
fn listing_a_thousand_truths_runs_nothing() {
    let mut yaml = String::from("truths:\n");
    for i in 0..1000 {
        yaml.push_str(&format!("  - truth: \"truth number {i} holds\"\n    run: touch ran-{i}\n"));
    }
    let project = Project::new().check(&yaml);
    let out = project.run(&["--list"]);
    assert_eq!(out.code, 0, "{}", out.all());
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.ends_with(": test")).collect();
    assert_eq!(lines.len(), 1000);
    assert_eq!(lines[7], "env::truth::truth-number-7-holds: test");
    let ran = std::fs::read_dir(project.root())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("ran-"))
        .count();
    assert_eq!(ran, 0);
}

#[test]
fn zero_cases_is_an_error_not_a_pass() {
    let project = Project::new().file("checks/README", "no check files here");
    let out = project.run(&[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: no cases: checks define no truths, artifacts or key links; add a check file with `truths:` (see README)\n"
    );
    let out = Project::new().run(&[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("error: checks: cannot read the check directory: No such file or directory"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("create it with a check file or pass --checks DIR"), "{}", out.stderr);
}

#[test]
fn every_problem_of_every_file_is_reported_once() {
    let out = Project::new()
        .file("checks/a.yaml", "truths:\n  - truth: x\n    tols: {}\n")
        .file("checks/b.yaml", "truths:\n  - truth: y\n    run: 'true'\n    after: [z]\n  - truth: w\n")
        .file("checks/c.yaml", "truths:\n  - {truth: v, run: 'true', after: [nope]}\n")
        .run(&[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: checks/a.yaml:3:5: truths[0]: unknown field `tols`, expected one of `truth`, `id`, `after`, `manual`, `timeout`, `python`, `extra`, `waiver`, `run`, `tools`, `imports`, `files`, `env`, `libs`, `packages`, `flake_lock`, `python_packages`, `pip_check`; did you mean `tools`?\n\
         error: checks/b.yaml:5:5: this truth has no probe; add one of `run`, `tools`, `imports`, `files`, `env`, `libs`, `packages`, `flake_lock`, `python_packages`, `pip_check`, or `manual: REASON`\n\
         error: checks/c.yaml:2:37: unknown truth id `nope` in `after`; the ids in this file are: v\n"
    );
}

#[test]
fn checks_can_be_files_and_come_from_the_environment() {
    let project = Project::new()
        .file("elsewhere/one.yaml", "truths:\n  - {truth: one, run: 'true'}\n")
        .file("elsewhere/two.yml", "truths:\n  - {truth: two, run: 'true'}\n");
    let out = project.run(&["run", "--checks", "elsewhere/one.yaml", "--list"]);
    assert_eq!(out.stdout, "one::truth::one: test\n");
    let out = project.env("ENVTRUTH_CHECKS", "elsewhere").run(&["--list"]);
    assert_eq!(out.stdout, "one::truth::one: test\ntwo::truth::two: test\n");
}

#[test]
fn an_exact_name_loads_only_its_own_check_file() {
    // nextest lists every case first (loading every file), then runs each case alone with
    // `--exact NAME`: that process reads NAME's file only.
    let project = Project::new()
        .file("checks/a.yaml", "truths:\n  - {truth: x holds, run: 'true'}\n")
        .file("checks/b.yaml", "truths:\n  - {truth: y holds, tols: {}}\n");
    let listed = project.run(&["--list"]);
    assert_eq!(listed.code, 2, "{}", listed.all());
    assert!(
        listed.stderr.contains("checks/b.yaml:2:22: truths[0]: unknown field `tols`"),
        "{}",
        listed.stderr
    );
    let alone = project.run(&["--exact", "a::truth::x-holds"]);
    assert_eq!(alone.code, 0, "{}", alone.all());
    assert_eq!(alone.status("a::truth::x-holds"), "ok");
    // A name no single file answers for loads them all, and so meets b.yaml's error.
    let unknown = project.run(&["--exact", "c::truth::z"]);
    assert_eq!(unknown.code, 2, "{}", unknown.all());
}

#[test]
fn every_truth_gets_a_distinct_filterable_id_whatever_its_script() {
    let out = Project::new()
        .check("truths:\n  - {truth: \"Модуль загружается\", run: 'true'}\n  - {truth: \"Модуль собирается\", run: 'true'}\n  - {truth: \"!!!\", run: 'true'}\n  - {truth: \"环境可用\", run: 'true'}\n")
        .run(&["--list"]);
    assert_eq!(out.code, 0, "{}", out.all());
    for name in [
        "env::truth::modul-zagruzhaetsia",
        "env::truth::modul-sobiraetsia",
        "env::truth::truth-3",
        "env::truth::huan-jing-ke-yong",
    ] {
        assert!(out.stdout.contains(&format!("{name}: test")), "{name} in {}", out.stdout);
    }
}

#[test]
fn vars_fill_values_per_machine_and_an_undefined_one_is_named_at_its_line() {
    let project = Project::new()
        .file("ci-vars.yaml", "greeting: bonjour\n")
        .check("vars: {greeting: hello, tool: sh}\ntruths:\n  - truth: the greeting is ${vars.greeting}\n    run: {cmd: 'echo ${vars.greeting}', stdout: '^${vars.greeting}$'}\n    tools: {${vars.tool}: any}\n");
    let out = project.run(&["--list"]);
    assert!(out.stdout.contains("env::truth::the-greeting-is-hello: test"), "{}", out.all());
    let out = project.run(&["--vars", "ci-vars.yaml"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(out.status("env::truth::the-greeting-is-bonjour"), "ok");
    let out = Project::new().check("truths:\n  - truth: t\n    run: 'echo ${vars.greting}'\n").run(&[]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: checks/env.yaml:3:16: `vars.greting` is not defined; define it under `vars:` in this file, or in the file given to --vars (ENVTRUTH_VARS)\n"
        )
    );
}
