//! Running commands: time limits that kill whole groups, closed stdin, bounded memory.

use std::time::{Duration, Instant};

use crate::support::Project;

#[test]
fn a_timeout_kills_the_whole_group_within_seconds() {
    let started = Instant::now();
    let project = Project::new()
        .check("truths:\n  - truth: hangs\n    timeout: 2s\n    run: 'sleep 3017 & sleep 3018'\n");
    let out = project.run(&[]);
    let elapsed = started.elapsed();
    let failed = out.failure("env::truth::hangs");
    assert!(failed.contains("✗ run exit status: expected exit 0, found timed out after 2s"), "{failed}");
    assert!(failed.contains("  $ sleep 3017 & sleep 3018\n    timed out after 2s"), "{failed}");
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}: the run waited for the group");
    assert_eq!(project.processes("sleep 3017"), Vec::<String>::new());
    assert_eq!(project.processes("sleep 3018"), Vec::<String>::new());
}

#[test]
fn processes_left_behind_are_killed_when_the_command_ends() {
    let project = Project::new()
        .check("truths:\n  - truth: leaves a daemon\n    run: 'sleep 3019 & echo started; exit 1'\n");
    let out = project.run(&[]);
    let failed = out.failure("env::truth::leaves-a-daemon");
    assert!(failed.contains("(it left processes running in its group; they were killed)"), "{failed}");
    // Checked right after envtruth returns: it reaps what it kills before it reports.
    assert_eq!(project.processes("sleep 3019"), Vec::<String>::new());
}

#[test]
fn stdin_is_closed() {
    let started = Instant::now();
    let out = Project::new().check("truths:\n  - truth: prompts\n    run: 'read answer'\n").run(&[]);
    assert!(out.failure("env::truth::prompts").contains("found exit 1"), "{}", out.all());
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn two_gigabytes_of_output_keep_memory_under_100_mb() {
    let project = Project::new().check(
        "truths:\n  - truth: floods\n    run: {cmd: 'head -c 2000000000 /dev/zero; echo; echo last line; exit 1', stdout_excludes: ['never']}\n",
    );
    let (text, peak_mb) = crate::support::run_measured(&project, &[]);
    assert!(text.contains("│ last line"), "{text}");
    assert!(
        text.contains("✓ run stdout: expected no line matching /never/, found no line matches"),
        "{text}"
    );
    assert!(peak_mb < 100, "peak RSS {peak_mb} MB");
}

#[test]
fn a_long_case_is_announced_as_libtest_does() {
    let project = Project::new()
        .env("ENVTRUTH_SLOW_AFTER", "1s")
        .check("truths:\n  - {truth: slow, run: 'sleep 2.5'}\n  - {truth: quick, run: 'true'}\n");
    let out = project.run(&[]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains("test env::truth::slow has been running for over 1 seconds\n"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("test env::truth::quick has been running"), "{}", out.stdout);

    let out = Project::new()
        .env("ENVTRUTH_SLOW_AFTER", "soon")
        .check("truths:\n  - {truth: t, run: 'true'}\n")
        .run(&[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("error: ENVTRUTH_SLOW_AFTER: invalid duration `soon`"), "{}", out.stderr);
}

/// Starts envtruth on a hanging truth, sends `signal` once the command runs, and returns
/// the exit code and the processes of the command still running.
fn interrupt_with(signal: libc::c_int, marker: &str) -> (i32, Vec<String>) {
    let project =
        Project::new().check(&format!("truths:\n  - {{truth: hangs, run: '{marker} & {marker}'}}\n"));
    let mut child = project.command(&[]).stdout(std::process::Stdio::null()).spawn().expect("spawn");
    let started = Instant::now();
    while project.processes(marker).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(20), "{marker} never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: sends a signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    let status = child.wait().expect("wait");
    assert!(started.elapsed() < Duration::from_secs(20), "envtruth did not stop");
    (status.code().unwrap_or(-1), project.processes(marker))
}

#[test]
fn sigterm_ends_every_running_group_and_exits_143() {
    assert_eq!(interrupt_with(libc::SIGTERM, "sleep 3025"), (143, Vec::new()));
}

#[test]
fn ctrl_c_ends_every_running_group_and_exits_130() {
    assert_eq!(interrupt_with(libc::SIGINT, "sleep 3026"), (130, Vec::new()));
}

#[test]
fn a_hang_up_ends_every_running_group_like_sigterm() {
    assert_eq!(interrupt_with(libc::SIGHUP, "sleep 3027"), (143, Vec::new()));
}
