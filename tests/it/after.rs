//! `after`: shared results, blocked dependents, filters and thread counts.

use crate::support::Project;

#[test]
fn a_failed_dependency_blocks_its_dependents() {
    let out = Project::new()
        .check("truths:\n  - truth: first\n    run: 'exit 1'\n  - truth: second\n    after: [first]\n    run: 'true'\n")
        .run(&[]);
    assert_eq!(out.code, 101);
    let blocked = out.failure("env::truth::second");
    assert!(blocked.contains("  defined at checks/env.yaml:4"), "{blocked}");
    assert!(
        blocked
            .contains("✗ blocked: it runs after `env::truth::first`, which did not pass; fix that one first"),
        "{blocked}"
    );
}

#[test]
fn a_dependency_runs_once_even_when_filtered_out() {
    let project = Project::new().check(
        r#"
truths:
  - truth: first
    run: "echo ran >> first.log"
  - {truth: second, after: [first], run: "test -f first.log"}
  - {truth: third, after: [first], run: "test -f first.log"}
  - {truth: fourth, after: [second, third], run: "test -f first.log"}
"#,
    );
    let out = project.run(&["env::truth::fourth", "--exact"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains("1 passed; 0 failed; 0 ignored; 0 measured; 3 filtered out"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read_to_string(project.path("first.log")).unwrap(), "ran\n");

    std::fs::remove_file(project.path("first.log")).unwrap();
    let out = project.run(&[]);
    assert!(out.stdout.contains("4 passed"), "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(project.path("first.log")).unwrap(), "ran\n");
}

#[test]
fn no_deadlock_at_any_thread_count() {
    // Each truth runs after the two before it: a deep, wide graph.
    let mut yaml =
        String::from("truths:\n  - {truth: t0, run: 'true'}\n  - {truth: t1, after: [t0], run: 'true'}\n");
    for i in 2..40 {
        yaml.push_str(&format!("  - {{truth: t{i}, after: [t{}, t{}], run: 'true'}}\n", i - 1, i - 2));
    }
    let project = Project::new().check(&yaml);
    for threads in ["1", "2", "16"] {
        let out = project.run(&["--test-threads", threads]);
        assert!(out.stdout.contains("40 passed; 0 failed"), "threads {threads}: {}", out.all());
        let out = project.run(&["--test-threads", threads, "env::truth::t39", "--exact"]);
        assert!(
            out.stdout.contains("1 passed; 0 failed; 0 ignored; 0 measured; 39 filtered out"),
            "{}",
            out.stdout
        );
    }
}
