//! Commands that misbehave: each fails its own case with a message saying what
//! happened, and the cases beside it run as usual.

use crate::support::{Project, assert_has_lines};

fn project() -> Project {
    Project::new().file("not-executable.sh", "#!/bin/sh\necho hi\n").check(
        r#"truths:
  - truth: a missing command
    run: [no-such-command-3021]
  - truth: a script that is not executable
    run: [./not-executable.sh]
  - truth: a command killed by a signal
    run: 'echo before; kill -9 $$'
  - truth: a command that closes stdout early
    run: {cmd: 'exec 1>&-; echo gone >&2; exit 4'}
  - truth: output that is not UTF-8
    run: "printf 'caf\\351\\n'; exit 3"
  - truth: a command that changes directory
    run: 'cd / && pwd'
  - truth: the next command still runs in the root
    run: 'test -f not-executable.sh'
"#,
    )
}

#[test]
fn each_fault_fails_its_own_case_with_what_happened() {
    let out = project().run(&[]);
    assert_eq!(out.code, 101, "{}", out.all());
    assert_has_lines(
        &out.failure("env::truth::a-missing-command"),
        &[
            "✗ run exit status: expected exit 0, found could not start: `no-such-command-3021` not found on the shell's PATH",
            "  $ no-such-command-3021\n    could not start: ",
        ],
    );
    assert_has_lines(
        &out.failure("env::truth::a-script-that-is-not-executable"),
        &[
            "found could not start: `./not-executable.sh` is not executable (Permission denied (os error 13)); `chmod +x ./not-executable.sh`, or name its interpreter: `[sh, ./not-executable.sh]`",
        ],
    );
    assert_has_lines(
        &out.failure("env::truth::a-command-killed-by-a-signal"),
        &["found killed by signal 9 (SIGKILL)\n", "    stdout:\n    │ before"],
    );
    assert_has_lines(
        &out.failure("env::truth::a-command-that-closes-stdout-early"),
        &["found exit 4\n", "    stderr:\n    │ gone"],
    );
    assert_has_lines(&out.failure("env::truth::output-that-is-not-utf-8"), &["    │ caf\u{FFFD}"]);
    assert_eq!(out.status("env::truth::a-command-that-changes-directory"), "ok");
    assert_eq!(out.status("env::truth::the-next-command-still-runs-in-the-root"), "ok");
}

#[test]
fn an_unwritable_temp_dir_fails_the_case_with_the_fix() {
    let out = project().env("TMPDIR", "/nonexistent-3023").run(&["the-next-command"]);
    assert_eq!(out.code, 101, "{}", out.all());
    assert_has_lines(
        &out.failure("env::truth::the-next-command-still-runs-in-the-root"),
        &[
            "found could not start: cannot create a temp file in /nonexistent-3023: No such file or directory (os error 2); set TMPDIR to a writable directory",
        ],
    );
}

/// A daemon that leaves the process group with `setsid` is out of envtruth's reach, but
/// must not make the run wait: output goes to files, not pipes someone must close.
#[test]
fn a_daemon_that_leaves_the_group_does_not_hold_the_run() {
    let started = std::time::Instant::now();
    let project = Project::new().check(
        "truths:\n  - truth: starts a daemon\n    run: \"setsid sh -c 'echo $$ > daemon.pid; exec sleep 3022' & \\\n      while ! test -s daemon.pid; do sleep 0.01; done\"\n",
    );
    let out = project.run(&[]);
    let running = project.processes("sleep 3022");
    // Only this test's daemon: a second copy of the suite has its own.
    let pid = std::fs::read_to_string(project.path("daemon.pid")).unwrap_or_default();
    let _ = std::process::Command::new("kill").arg(pid.trim()).status();
    assert_eq!(out.status("env::truth::starts-a-daemon"), "ok", "{}", out.all());
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(!running.is_empty(), "the daemon should have been running: the test proves nothing");
}

/// A relative program is taken from the project root as written: a symlink is not
/// resolved (a venv's `bin/python` finds its venv by the path it was started with).
#[test]
fn a_relative_program_runs_from_the_root_by_the_path_written() {
    let project = Project::new()
        .script("bin/real.sh", "echo \"started as $0\"")
        .check("truths:\n  - truth: runs the alias\n    run: {cmd: [bin/alias], stdout: 'started as .*/bin/alias$'}\n");
    std::os::unix::fs::symlink("real.sh", project.path("bin/alias")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let root = project.root().display().to_string();
    let out = crate::support::Output::of(
        project.command(&["--root", &root]).current_dir(elsewhere.path()).output().unwrap(),
    );
    assert_eq!(out.status("env::truth::runs-the-alias"), "ok", "{}", out.all());
}

/// A 2 GB file (sparse, so the test costs no disk) read by `files:`, an artifact and a key
/// link: each streams it, so memory stays flat; a FIFO is named, never opened.
#[test]
fn huge_files_stream_and_fifos_are_never_opened() {
    let project = Project::new().check(
        "truths:\n  - truth: the dump holds no key\n    files: {big.dump: {excludes: sk_live_, contains: needle}}\n  - truth: the pipe is a file\n    files: {pipe: {}}\n  - truth: the pipes match\n    files: {\"pip*\": {contains: x}}\nartifacts:\n  - {path: big.dump, min_lines: 2, contains: needle}\n  - {path: pipe, contains: x}\nkey_links:\n  - {from: big.dump, to: nowhere, pattern: \"need(?=le)\"}\n",
    );
    let big = std::fs::File::create(project.path("big.dump")).unwrap();
    big.set_len(2_000_000_000).unwrap();
    drop(big);
    std::fs::OpenOptions::new()
        .append(true)
        .open(project.path("big.dump"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"\nneedle\n"))
        .unwrap();
    assert!(std::process::Command::new("mkfifo").arg(project.path("pipe")).status().unwrap().success());
    // Were the FIFO opened for reading, the run would block forever: after ten minutes (no
    // time limit on a loaded machine, just no hang) a writer opens it, the run ends, and
    // the assertions on the pipe's cases fail instead.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let (done, pipe) = (done.clone(), project.path("pipe"));
        std::thread::spawn(move || {
            for _ in 0..600 {
                if done.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .open(pipe)
                .and_then(|mut f| std::io::Write::write_all(&mut f, b"x"));
        })
    };
    let (out, peak_mib) = crate::support::run_measured(&project, &[]);
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    watchdog.join().unwrap();
    // libtest pads names into a column.
    let out = out.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    assert!(peak_mib < 64, "peak memory {peak_mib} MiB reading a 2 GB file");
    assert!(out.contains("test env::truth::the-dump-holds-no-key ... ok"), "{out}");
    assert!(out.contains("test env::artifact::big.dump ... ok"), "{out}");
    assert!(out.contains("test env::key_link::big.dump->nowhere ... ok"), "{out}");
    assert!(
        out.contains(
            "✗ files pipe: expected exists, found is not a regular file (a named pipe), so it is not read"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "✗ artifact pipe: expected exists, found is not a regular file (a named pipe), so it is not read"
        ),
        "{out}"
    );
}

/// What a careless user types: the messages say what is wrong, not a misleading fix.
#[test]
fn careless_inputs_get_messages_that_say_what_is_wrong() {
    let project = Project::new()
        .file("tools/keep", "")
        .script("bad-shebang.sh", "echo never")
        .check("truths:\n  - {truth: a directory runs, run: [./tools]}\n  - {truth: a script with a missing interpreter runs, run: [./bad-shebang.sh]}\n");
    let fixed = std::fs::read_to_string(project.path("bad-shebang.sh"))
        .unwrap()
        .replace("#!/bin/sh", "#!/opt/nowhere/python9");
    let project = project.file("bad-shebang.sh", fixed);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(project.path("bad-shebang.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = project.run(&[]);
    assert!(
        out.failure("env::truth::a-directory-runs")
            .contains("could not start: `./tools` is a directory, not a program"),
        "{}",
        out.all()
    );
    assert!(
        out.failure("env::truth::a-script-with-a-missing-interpreter-runs").contains("`./bad-shebang.sh` names the interpreter `/opt/nowhere/python9` in its `#!` line, and that is missing"),
        "{}",
        out.all()
    );
    // --test-threads 0 would deadlock; a filter that matches nothing passes nothing.
    let out = project.run(&["--test-threads", "0"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "error: --test-threads 0 would run nothing; give at least 1, or leave it out for one per CPU\n")
    );
    let out = project.run(&["directoy-runs"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr
            .starts_with("error: no case matches `directoy-runs`; the closest: env::truth::a-directory-runs"),
        "{}",
        out.stderr
    );
    // A root that does not exist, and a check file that is a symlink to nothing.
    let out = project.run(&["--root", "/nonexistent/project"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("/nonexistent/project: the project root is not a directory; pass --root DIR"),
        "{}",
        out.stderr
    );
    std::os::unix::fs::symlink("gone.yaml", project.path("checks/dangling.yaml")).unwrap();
    let out = project.run(&["--list"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: checks/dangling.yaml: a symlink to nothing (dangling, or a loop); point it at a check file or remove it\n"
        )
    );
}
