//! The `nix` shell: one evaluation per shell, cached by content, and every way it fails.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use libtest_mimic::Failed;

use crate::Check;
use crate::common::{Nix, ensure};
use crate::support::{self, Project, git};

/// The tests of this file: name, the program each needs, the test.
pub const TESTS: &[(&str, &str, Check)] = &[
    ("nix::one_evaluation_per_shell_cached_by_content", "nix", one_evaluation_per_shell_cached_by_content),
    ("nix::concurrent_runs_evaluate_once", "nix", concurrent_runs_evaluate_once),
    ("nix::a_damaged_cache_entry_is_never_trusted", "nix", a_damaged_cache_entry_is_never_trusted),
    ("nix::installables_and_the_matrix", "nix", installables_and_the_matrix),
    ("nix::pure_catches_a_host_only_tool", "nix", pure_catches_a_host_only_tool),
    ("nix::untracked_flake_fails_with_the_fix", "nix", untracked_flake_fails_with_the_fix),
    ("nix::evaluation_error_shows_nix_stderr", "nix", evaluation_error_shows_nix_stderr),
    ("nix::missing_nix_fails_with_the_fix", "git", missing_nix_fails_with_the_fix),
    ("nix::list_never_calls_nix", "nix", list_never_calls_nix),
    ("nix::killed_mid_evaluation_fails_that_shell_only", "nix", killed_mid_evaluation_fails_that_shell_only),
    (
        "nix::interrupted_mid_evaluation_leaves_nothing_behind",
        "nix",
        interrupted_mid_evaluation_leaves_nothing_behind,
    ),
    (
        "nix::the_cache_key_covers_the_whole_flake_and_entries_are_portable",
        "nix",
        the_cache_key_covers_the_whole_flake_and_entries_are_portable,
    ),
    ("nix::a_hook_that_hangs_times_out_the_capture", "nix", a_hook_that_hangs_times_out_the_capture),
    ("nix::a_killed_envtruth_takes_its_capture_with_it", "nix", a_killed_envtruth_takes_its_capture_with_it),
    ("nix::no_home_means_no_cache_in_the_project", "nix", no_home_means_no_cache_in_the_project),
    ("nix::an_unwritable_cache_is_one_warning", "nix", an_unwritable_cache_is_one_warning),
    ("nix::a_drift_baseline_comes_from_the_dev_shell", "nix git", a_drift_baseline_comes_from_the_dev_shell),
    (
        "nix::the_repository_flake_gives_envtruth_as_an_app",
        "nix",
        the_repository_flake_gives_envtruth_as_an_app,
    ),
];

fn one_evaluation_per_shell_cached_by_content() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = nix.project(Project::fixture("nix-shells"));
    let out = project.run(&[]);
    ensure(out.code == 0, || format!("first run failed:\n{}", out.all()))?;
    ensure(out.stdout.contains("5 passed; 0 failed"), || out.all())?;
    ensure(nix.evaluations() == 1, || format!("cold: {} evaluations, expected 1", nix.evaluations()))?;

    let entries: Vec<_> =
        std::fs::read_dir(nix.cache().join("envtruth"))?.flatten().map(|e| e.path()).collect();
    let env_file =
        entries.iter().find(|p| p.extension().is_some_and(|e| e == "env")).ok_or("no cache entry")?;
    let mode = env_file.metadata()?.permissions().mode() & 0o777;
    ensure(mode == 0o600, || format!("cache entry mode {mode:o}, expected 600"))?;
    let cached = String::from_utf8_lossy(&std::fs::read(env_file)?).into_owned();
    // The variables follow the header line, in no set order.
    let body = cached.split_once('\n').map_or("", |(_, body)| body);
    let entries: Vec<&str> = body.split('\0').collect();
    ensure(
        entries.contains(&"FROM_HOOK=hook-ran") && !entries.iter().any(|e| e.starts_with("welcome")),
        || format!("shellHook output leaked into the capture:\n{cached}"),
    )?;

    let out = project.run(&[]);
    ensure(out.stdout.contains("5 passed; 0 failed"), || out.all())?;
    ensure(nix.evaluations() == 1, || format!("warm: {} evaluations, expected still 1", nix.evaluations()))?;

    let flake = project.path("flake.nix");
    let file = std::fs::File::options().append(true).open(&flake)?;
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(3600))?;
    let out = project.run(&[]);
    ensure(out.code == 0, || out.all())?;
    ensure(nix.evaluations() == 1, || {
        format!("after touch: {} evaluations, expected still 1", nix.evaluations())
    })?;

    let text =
        std::fs::read_to_string(&flake)?.replace("SHELL_NAME = \"default\"", "SHELL_NAME = \"edited\"");
    std::fs::write(&flake, text)?;
    git(project.root(), &["add", "-A"]);
    let out = project.run(&[]);
    ensure(nix.evaluations() == 2, || {
        format!("after an edit: {} evaluations, expected 2", nix.evaluations())
    })?;
    let failed = out.failure("shell::truth::commands-run-inside-the-dev-shell");
    ensure(failed.contains("shell: nix develop ."), || failed.clone())?;
    ensure(failed.contains("found no line matches"), || failed.clone())?;

    let out = project.run(&["--refresh", "--list"]);
    ensure(out.code == 0 && nix.evaluations() == 2, || "--list evaluated".to_string())?;
    project.run(&["--refresh"]);
    ensure(nix.evaluations() == 3, || format!("--refresh: {} evaluations, expected 3", nix.evaluations()))
}

fn concurrent_runs_evaluate_once() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = nix.project(Project::fixture("nix-shells"));
    // As `cargo nextest run` does: one process per case, all at once, on a cold cache.
    let names = [
        "shell::truth::the-shellhook-s-exports-are-visible",
        "shell::truth::commands-run-inside-the-dev-shell",
        "shell::truth::the-shell-s-path-comes-first",
    ];
    let children: Vec<_> = names
        .iter()
        .map(|name| project.command(&[name, "--exact"]).stdout(std::process::Stdio::piped()).spawn())
        .collect::<Result<_, _>>()?;
    for child in children {
        let output = child.wait_with_output()?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        ensure(output.status.success() && stdout.contains("1 passed"), || stdout.into_owned())?;
    }
    ensure(nix.evaluations() == 1, || format!("{} evaluations by 3 processes, expected 1", nix.evaluations()))
}

fn installables_and_the_matrix() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("nix-shells")
        .file("checks/ci.yaml", "shell: {nix: \".#ci\"}\ntruths:\n  - truth: ci shell\n    env: {SHELL_NAME: {equals: ci}, FROM_HOOK: {equals: ci-hook}}\n")
        .file(
            "checks/matrix.yaml",
            "shells: [\".#default\", \".#ci\"]\ntruths:\n  - truth: a named shell\n    id: named\n    env: {SHELL_NAME: {matches: \"^(default|ci)$\"}}\n  - truth: the default shell\n    id: default-only\n    after: [named]\n    env: {SHELL_NAME: {equals: default}}\n",
        );
    let project = nix.project(project);
    let out = project.run(&[]);
    ensure(out.status("ci::truth::ci-shell") == "ok", || out.all())?;
    ensure(out.status("matrix::truth::named@.#default") == "ok", || out.all())?;
    ensure(out.status("matrix::truth::named@.#ci") == "ok", || out.all())?;
    ensure(out.status("matrix::truth::default-only@.#default") == "ok", || out.all())?;
    let failed = out.failure("matrix::truth::default-only@.#ci");
    ensure(failed.contains("shell: nix develop .#ci"), || failed.clone())?;
    ensure(failed.contains("✗ env SHELL_NAME: expected set, equal to `default`, found `ci`"), || {
        failed.clone()
    })?;
    // `.`, `.#ci` and `.#default` are three installables, each evaluated once.
    ensure(nix.evaluations() == 3, || format!("{} evaluations, expected 3", nix.evaluations()))
}

fn pure_catches_a_host_only_tool() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("nix-shells")
        .script("host-bin/host-only-tool", "echo host-only-tool 1.0.0")
        .file("checks/impure.yaml", "truths:\n  - truth: tool found\n    tools: {host-only-tool: any}\n")
        .file("checks/pure.yaml", "shell: {nix: \".\", pure: true}\ntruths:\n  - truth: tool found\n    tools: {host-only-tool: any}\n");
    let project = nix.project(project);
    let path =
        format!("{}:{}", project.path("host-bin").display(), std::env::var("PATH").unwrap_or_default());
    let project =
        nix.configure(project).env("PATH", format!("{}:{path}", nix.dir.path().join("bin").display()));
    let out = project.run(&[]);
    ensure(out.status("impure::truth::tool-found") == "ok", || out.all())?;
    let failed = out.failure("pure::truth::tool-found");
    ensure(failed.contains("shell: nix develop . --ignore-environment"), || failed.clone())?;
    ensure(failed.contains("✗ tools host-only-tool: expected on PATH, found not on PATH"), || {
        failed.clone()
    })
}

fn untracked_flake_fails_with_the_fix() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("nix-shells");
    git(project.root(), &["init", "-q"]);
    let out = nix.configure(project).run(&[]);
    ensure(out.code == 101, || out.all())?;
    let failed = out.failure("shell::truth::commands-run-inside-the-dev-shell");
    ensure(
        failed.contains("✗ shell nix develop .: expected an environment, found flake.nix is not tracked by git, and nix only sees tracked files: git add flake.nix"),
        || failed.clone(),
    )?;
    ensure(out.status("shell::artifact::flake.nix") == "ok", || out.all())?;
    ensure(nix.evaluations() == 0, || "nix ran on an untracked flake".into())
}

fn evaluation_error_shows_nix_stderr() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("nix-shells")
        .file("flake.nix", "{\n  outputs = { self }: throw \"this flake is broken on purpose\";\n}\n");
    let out = nix.project(project).run(&[]);
    let failed = out.failure("shell::truth::commands-run-inside-the-dev-shell");
    ensure(failed.contains("found `nix develop .` failed (exit 1):"), || failed.clone())?;
    ensure(failed.contains("this flake is broken on purpose"), || failed.clone())?;
    ensure(
        failed
            .contains("fix the error above (lines from a shellHook or `.envrc` are its own), then run again"),
        || failed.clone(),
    )?;
    // Evaluated once for the whole run, and a failure is never cached.
    ensure(nix.evaluations() == 1, || format!("{} evaluations, expected 1", nix.evaluations()))?;
    let cached = std::fs::read_dir(nix.cache().join("envtruth"))?
        .flatten()
        .any(|e| e.path().extension().is_some_and(|x| x == "env"));
    ensure(!cached, || "a failed evaluation was cached".into())
}

fn missing_nix_fails_with_the_fix() -> Result<(), Failed> {
    let project = Project::fixture("nix-shells");
    git(project.root(), &["init", "-q"]);
    git(project.root(), &["add", "-A"]);
    let out = project.env("PATH", "/nonexistent").run(&[]);
    let failed = out.failure("shell::truth::commands-run-inside-the-dev-shell");
    ensure(
        failed.contains("found `nix` is not on PATH; install Nix (Debian: `apt-get install nix-bin`), or run with `--shell host` / ENVTRUTH_SHELL=host"),
        || failed.clone(),
    )?;
    ensure(out.status("shell::artifact::flake.nix") == "ok", || out.all())
}

fn list_never_calls_nix() -> Result<(), Failed> {
    let nix = Nix::new();
    let out = nix.project(Project::fixture("nix-shells")).run(&["--list"]);
    ensure(out.stdout.lines().count() == 5, || out.all())?;
    ensure(nix.evaluations() == 0 && !nix.dir.path().join("nix-calls.log").exists(), || {
        "nix was called".into()
    })
}

fn a_damaged_cache_entry_is_never_trusted() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = nix.project(Project::fixture("nix-shells"));
    ensure(project.run(&[]).code == 0, || "first run failed".into())?;
    let entry = std::fs::read_dir(nix.cache().join("envtruth"))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "env"))
        .ok_or("no cache entry")?;
    let whole = std::fs::read(&entry)?;
    // Cut right after a variable's NUL, the entry still parses: only its hash tells.
    let half = whole.len() / 2;
    let at_a_variable_end = half + whole[half..].iter().position(|b| *b == 0).ok_or("no NUL")? + 1;
    let damaged: [&[u8]; 4] =
        [&whole[..half], &whole[..at_a_variable_end], b"not an envtruth cache entry", b""];
    for (n, bytes) in damaged.iter().enumerate() {
        std::fs::write(&entry, bytes)?;
        let out = project.run(&[]);
        ensure(out.code == 0, || out.all())?;
        ensure(nix.evaluations() == n + 2, || {
            format!("damage {n}: {} evaluations, expected {}", nix.evaluations(), n + 2)
        })?;
        // Rewritten whole (a new evaluation differs in its temp dir names, so not byte for byte).
        let rewritten = std::fs::read(&entry)?;
        ensure(
            rewritten.starts_with(b"envtruth-env 3 ")
                && rewritten.ends_with(b"\0")
                && rewritten.windows(19).any(|w| w == b"FROM_HOOK=hook-ran\0"),
            || "the entry was not rewritten whole".into(),
        )?;
    }
    Ok(())
}

/// A project whose default dev shell takes about half a minute to evaluate (a fold
/// over numbers), beside a host-shell check file that must not be affected.
fn slow_shell(nix: &Nix) -> Project {
    let flake = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/nix-shells/flake.nix"),
    )
    .expect("fixture flake");
    let slow = "SLOW = toString (builtins.foldl' (a: i: a + builtins.foldl' (b: j: b + j) 0 \
                (builtins.genList (x: x) 100000)) 0 (builtins.genList (x: x) 2000));";
    let flake = flake.replace("SHELL_NAME = \"default\";", &format!("SHELL_NAME = \"default\";\n{slow}"));
    let project = Project::fixture("nix-shells")
        .file("flake.nix", flake)
        .file("checks/host.yaml", "shell: host\ntruths:\n  - {truth: the host is fine, run: 'true'}\n");
    nix.project(project)
}

/// The id of a `nix` process running in `root`.
fn nix_in(root: &Path) -> Option<i32> {
    let root = root.canonicalize().ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
        let is_nix = std::fs::read_to_string(entry.path().join("comm")).is_ok_and(|c| c.trim() == "nix");
        let here = std::fs::read_link(entry.path().join("cwd")).is_ok_and(|cwd| cwd == root);
        if is_nix && here { entry.file_name().to_str()?.parse().ok() } else { None }
    })
}

/// Waits until a `nix` process runs in `root`, and returns its id.
fn nix_evaluating(root: &Path) -> Result<i32, Failed> {
    let started = std::time::Instant::now();
    loop {
        if let Some(pid) = nix_in(root) {
            return Ok(pid);
        }
        ensure(started.elapsed() < std::time::Duration::from_secs(60), || "nix never started".into())?;
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn killed_mid_evaluation_fails_that_shell_only() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = slow_shell(&nix);
    let child = project.command(&[]).stdout(std::process::Stdio::piped()).spawn()?;
    let pid = nix_evaluating(project.root())?;
    // SAFETY: sends a signal to a nix process this test started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let out = support::Output::of(child.wait_with_output()?);
    let failed = out.failure("shell::truth::commands-run-inside-the-dev-shell");
    ensure(
        failed.contains("found `nix develop .` was killed by signal 9 (SIGKILL) before it gave an environment; nothing was cached, so run again"),
        || failed.clone(),
    )?;
    ensure(out.status("host::truth::the-host-is-fine") == "ok", || out.all())?;
    ensure(out.code == 101, || out.all())?;
    // Never cached: the next run evaluates again.
    ensure(
        !nix.cache()
            .join("envtruth")
            .read_dir()?
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "env")),
        || "a killed evaluation was cached".into(),
    )
}

fn interrupted_mid_evaluation_leaves_nothing_behind() -> Result<(), Failed> {
    let nix = Nix::new();
    let temp = tempfile::tempdir()?;
    let project = slow_shell(&nix).env("TMPDIR", temp.path().display().to_string());
    let mut child = project.command(&[]).stdout(std::process::Stdio::null()).spawn()?;
    nix_evaluating(project.root())?;
    // The capture's dump and nix's own temp files go to a private dir in the cache, and
    // nothing to the TMPDIR envtruth was given.
    let private = nix.cache().join("envtruth/tmp");
    let files = || -> std::io::Result<Vec<std::path::PathBuf>> {
        let mut found: Vec<_> = std::fs::read_dir(&private)?.flatten().map(|e| e.path()).collect();
        found.extend(std::fs::read_dir(temp.path())?.flatten().map(|e| e.path()));
        Ok(found)
    };
    ensure(!files()?.is_empty(), || "no capture dir during the capture: the test proves nothing".into())?;
    let mode = std::fs::metadata(&files()?[0])?.permissions().mode() & 0o777;
    ensure(mode == 0o700, || format!("the capture dir has mode {mode:o}, expected 700: {:?}", files()))?;
    // SAFETY: sends a signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let status = child.wait()?;
    ensure(status.code() == Some(143), || format!("exit {status:?}, expected 143"))?;
    ensure(nix_in(project.root()).is_none(), || "nix is still running".into())?;
    let left = files()?;
    ensure(left.is_empty(), || format!("temp files left behind: {left:?}"))
}

/// A flake whose shell reads a file that is not `.nix` (`builtins.readFile ./hook.sh`), and
/// whose hook exports a path inside the checkout and a value from the host.
fn reading_flake() -> Project {
    Project::new()
        .declared_shells()
        .file(
            "flake.nix",
            r#"{
  outputs = { self }: {
    devShells.x86_64-linux.default = derivation {
      name = "reading-shell";
      system = "x86_64-linux";
      builder = "/bin/bash";
      args = [ "-c" "echo > $out" ];
      outputs = [ "out" ];
      PATH = "/usr/bin:/bin";
      shellHook = builtins.readFile ./hook.sh;
    };
  };
}
"#,
        )
        .file("hook.sh", "export GREETING=hello\nexport PROJECT_ROOT=$PWD\n")
        .file(
            "checks/shell.yaml",
            "truths:\n  - truth: the hook ran\n    run: 'echo \"$GREETING $PROJECT_ROOT $HOSTVAR\"'\n",
        )
}

/// What the one truth of `reading_flake` printed, and the run's output.
fn printed(project: &Project, nix: &Nix) -> Result<(String, String), Failed> {
    let out = project.run(&["--json", "r.json"]);
    ensure(out.code == 0, || out.all())?;
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(project.path("r.json"))?)?;
    let line = json["cases"][0]["commands"][0]["stdout_tail"][0].as_str().unwrap_or_default().to_string();
    let _ = nix;
    Ok((line, out.all()))
}

/// The cache key covers every file nix copies (a shellHook's `readFile ./hook.sh`
/// included); an entry stores what the shell changes, never the host's own variables,
/// and is right at any path: values naming the checkout are rebased.
fn the_cache_key_covers_the_whole_flake_and_entries_are_portable() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = nix.project(reading_flake()).env("HOSTVAR", "first-host-value");
    let (line, _) = printed(&project, &nix)?;
    let root = project.root().canonicalize()?;
    ensure(line == format!("hello {} first-host-value", root.display()), || line.clone())?;
    ensure(nix.evaluations() == 1, || format!("{} evaluations", nix.evaluations()))?;
    // The host's own values are not in the entry.
    let entries = std::fs::read_dir(nix.cache().join("envtruth"))?.flatten().map(|e| e.path());
    for entry in entries.filter(|p| p.extension().is_some_and(|e| e == "env")) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry)?).into_owned();
        ensure(!text.contains("first-host-value") && !text.contains("HOSTVAR"), || {
            format!("host values stored: {text}")
        })?;
    }
    // A later run sees the current host value, from the cache.
    let project = project.env("HOSTVAR", "second-host-value");
    let (line, _) = printed(&project, &nix)?;
    ensure(line.ends_with(" second-host-value"), || line.clone())?;
    ensure(nix.evaluations() == 1, || format!("{} evaluations after a host change", nix.evaluations()))?;
    // Editing a file nix reads that is not `.nix` evaluates again.
    let project = project.file("hook.sh", "export GREETING=bonjour\nexport PROJECT_ROOT=$PWD\n");
    let (line, _) = printed(&project, &nix)?;
    ensure(line.starts_with("bonjour "), || line.clone())?;
    ensure(nix.evaluations() == 2, || format!("{} evaluations after editing hook.sh", nix.evaluations()))?;
    // Another clone at another path reuses the entry, with its own root in the values.
    let clone =
        nix.project(reading_flake().file("hook.sh", "export GREETING=bonjour\nexport PROJECT_ROOT=$PWD\n"));
    let (line, _) = printed(&clone, &nix)?;
    let clone_root = clone.root().canonicalize()?;
    ensure(line.starts_with(&format!("bonjour {} ", clone_root.display())), || line.clone())?;
    ensure(nix.evaluations() == 2, || format!("{} evaluations for a second clone", nix.evaluations()))
}

/// A shellHook that never finishes holds the capture only until `capture_timeout`.
fn a_hook_that_hangs_times_out_the_capture() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = nix.project(reading_flake().file("hook.sh", "sleep 3600\n").file(
        "checks/shell.yaml",
        "capture_timeout: 2s\ntruths:\n  - truth: the hook ran\n    run: 'true'\n",
    ));
    let started = std::time::Instant::now();
    let out = project.run(&[]);
    ensure(started.elapsed() < std::time::Duration::from_secs(30), || "the capture held the run".into())?;
    let failed = out.failure("shell::truth::the-hook-ran");
    ensure(failed.contains("`nix develop .` gave no environment within 2s (capture_timeout): its shellHook or `.envrc` is still running or waiting"), || failed.clone())?;
    ensure(support::Project::processes(&project, "sleep 3600").is_empty(), || {
        "the hook's sleep outlived the capture".into()
    })
}

/// envtruth killed by SIGKILL (no handler runs) mid-capture: the kernel ends the capture
/// with it, so no `nix develop` is left running for nobody.
fn a_killed_envtruth_takes_its_capture_with_it() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = slow_shell(&nix);
    let mut child = project.command(&[]).stdout(std::process::Stdio::null()).spawn()?;
    nix_evaluating(project.root())?;
    child.kill()?;
    child.wait()?;
    let started = std::time::Instant::now();
    while nix_in(project.root()).is_some() {
        ensure(started.elapsed() < std::time::Duration::from_secs(10), || "nix outlived envtruth".into())?;
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Ok(())
}

/// Without a usable HOME or XDG_CACHE_HOME, the cache never lands in the project (where
/// `git add -A` would stage it, host variables and all).
fn no_home_means_no_cache_in_the_project() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = nix.project(Project::fixture("nix-shells")).env("XDG_CACHE_HOME", "").env("HOME", "");
    let out = project.run(&[]);
    ensure(out.code == 0, || out.all())?;
    ensure(!project.path(".cache").exists(), || "a cache was written inside the project".into())?;
    let relative = project.env("XDG_CACHE_HOME", "relative/cache");
    relative.run(&[]);
    ensure(!relative.path("relative").exists(), || "a relative XDG_CACHE_HOME was used".into())
}

/// A cache that cannot be written costs an evaluation per run, said once, never a failure.
fn an_unwritable_cache_is_one_warning() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = nix.project(Project::fixture("nix-shells"));
    // nix's own cache stays where it is; envtruth's place in it is a file.
    std::fs::create_dir_all(nix.cache())?;
    std::fs::write(nix.cache().join("envtruth"), "")?;
    let out = project.run(&[]);
    ensure(out.code == 0, || out.all())?;
    let warnings = out.stderr.matches("warning: no environment cache (cannot use ").count();
    ensure(warnings == 1, || format!("{warnings} warnings, expected 1:\n{}", out.stderr))?;
    ensure(out.stderr.contains("point XDG_CACHE_HOME at a directory you can write"), || out.stderr.clone())?;
    let again = project.run(&[]);
    ensure(nix.evaluations() == 2, || {
        format!("{} evaluations, expected 2: nothing is cached", nix.evaluations())
    })?;
    ensure(again.code == 0, || again.all())
}

/// The repository's own flake (a nixpkgs flake, which cannot be fetched here) evaluated
/// with nixpkgs replaced by a stub: it gives envtruth as its package, its app (`nix run`)
/// and its dev shell.
fn the_repository_flake_gives_envtruth_as_an_app() -> Result<(), Failed> {
    let nix = Nix::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stub = nix.project(
        Project::new()
            .file("flake.nix", std::fs::read_to_string(repo.join("fixtures/stub-nixpkgs/flake.nix"))?),
    );
    let flake = nix.project(
        Project::new()
            .file("flake.nix", std::fs::read_to_string(repo.join("flake.nix"))?)
            .file("Cargo.lock", std::fs::read_to_string(repo.join("Cargo.lock"))?),
    );
    let stub_url = format!("path:{}", stub.root().display());
    for (attribute, wanted) in [
        (".#apps.x86_64-linux.default.program", "-envtruth/bin/envtruth"),
        (".#packages.x86_64-linux.default.name", "envtruth"),
        (".#devShells.x86_64-linux.default.name", "shell"),
    ] {
        let mut command = Command::new("nix");
        command.args([
            "eval",
            "--raw",
            attribute,
            "--override-input",
            "nixpkgs",
            &stub_url,
            "--no-write-lock-file",
        ]);
        command.current_dir(flake.root());
        for (name, value) in flake.vars() {
            command.env(name, value);
        }
        let output = command.output()?;
        let said = String::from_utf8_lossy(&output.stdout);
        ensure(output.status.success() && said.ends_with(wanted), || {
            format!("{attribute}: {said}\n{}", String::from_utf8_lossy(&output.stderr))
        })?;
    }
    Ok(())
}

/// `init --from-shell` enters the check file's nix shell (one evaluation) and pins the
/// versions found there; the run holds them. (The run evaluates again: the check file is part
/// of the flake's source, and init changed it.)
fn a_drift_baseline_comes_from_the_dev_shell() -> Result<(), Failed> {
    let nix = Nix::new();
    let plan = "---\nphase: 01\nmust_haves:\n  truths:\n    - \"The dev shell has git on PATH\"\n---\n";
    let project = nix.project(
        Project::fixture("nix-shells")
            .file("PLAN.md", plan)
            .file("checks/plan.yaml", "plan: PLAN.md\nshell: nix\ntruths:\n  - truth: \"The dev shell has git on PATH\"\n    tools: {git: any}\n"),
    );
    let out = project.run(&["init", "--plan", "PLAN.md", "--out", "checks/plan.yaml", "--from-shell"]);
    ensure(out.code == 0, || out.all())?;
    let written = std::fs::read_to_string(project.path("checks/plan.yaml"))?;
    ensure(written.contains("  - truth: \"The `nix develop .` shell keeps git at "), || written.clone())?;
    ensure(written.contains("# Drift baseline: the `nix develop .` shell on "), || written.clone())?;
    ensure(nix.evaluations() == 1, || format!("init: {} evaluations, expected 1", nix.evaluations()))?;
    let run = project.run(&[]);
    ensure(run.code == 0, || run.all())?;
    ensure(run.stdout.contains("plan::truth::the-nix-develop-shell-keeps-git-at-"), || run.all())
}
