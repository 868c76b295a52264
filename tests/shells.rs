//! The real programs: the `nix` and `direnv` shells, offline, on input-less fixture flakes
//! copied to temp dirs (nix calls are counted by a logging wrapper on PATH), and
//! `cargo nextest run` on a crate that uses envtruth as a dev-dependency.
//!
//! A test whose program is missing is ignored with that reason, except under `CI=true`,
//! where it fails: CI must never skip these silently.

#[path = "it/support.rs"]
mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use support::{Project, git};

type Check = fn() -> Result<(), Failed>;

fn main() -> std::process::ExitCode {
    let tests: [(&str, &str, Check); 24] = [
        (
            "nix::one_evaluation_per_shell_cached_by_content",
            "nix",
            one_evaluation_per_shell_cached_by_content,
        ),
        ("nix::concurrent_runs_evaluate_once", "nix", concurrent_runs_evaluate_once),
        ("nix::a_damaged_cache_entry_is_never_trusted", "nix", a_damaged_cache_entry_is_never_trusted),
        ("nix::installables_and_the_matrix", "nix", installables_and_the_matrix),
        ("nix::pure_catches_a_host_only_tool", "nix", pure_catches_a_host_only_tool),
        ("nix::untracked_flake_fails_with_the_fix", "nix", untracked_flake_fails_with_the_fix),
        ("nix::evaluation_error_shows_nix_stderr", "nix", evaluation_error_shows_nix_stderr),
        ("nix::missing_nix_fails_with_the_fix", "git", missing_nix_fails_with_the_fix),
        ("nix::list_never_calls_nix", "nix", list_never_calls_nix),
        (
            "nix::killed_mid_evaluation_fails_that_shell_only",
            "nix",
            killed_mid_evaluation_fails_that_shell_only,
        ),
        (
            "nix::interrupted_mid_evaluation_leaves_nothing_behind",
            "nix",
            interrupted_mid_evaluation_leaves_nothing_behind,
        ),
        ("direnv::blocked_then_allowed", "direnv", blocked_then_allowed),
        ("examples::python_ml", "nix", example_python_ml),
        ("examples::python_ml_broken", "nix", example_python_ml_broken),
        ("examples::composed_flakes", "nix", example_composed_flakes),
        ("examples::composed_flakes_broken", "nix", example_composed_flakes_broken),
        ("examples::three_shells", "nix", example_three_shells),
        ("examples::three_shells_broken", "nix", example_three_shells_broken),
        ("examples::nix_first", "nix", example_nix_first),
        ("examples::nix_first_broken", "nix", example_nix_first_broken),
        ("examples::debian_venv", "python3", example_debian_venv),
        ("examples::debian_venv_broken", "python3", example_debian_venv_broken),
        ("nextest::a_process_per_case_with_ignored_listed", "cargo-nextest", nextest_runs_each_case),
        ("nextest::one_evaluation_for_all_processes", "cargo-nextest", nextest_evaluates_once),
    ];
    let trials = tests
        .into_iter()
        .map(|(name, program, check)| {
            Trial::ignorable_test(name, move || match which(program) {
                Some(_) => check().map(|()| Completion::Completed),
                None if std::env::var("CI").is_ok_and(|v| v == "true") => Err(format!(
                    "`{program}` is not on PATH, and CI=true never skips: install it (.ci/run does)"
                )
                .into()),
                None => Ok(Completion::ignored_with(format!("needs `{program}` on PATH"))),
            })
        })
        .collect();
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(program)).find(|p| p.is_file())
}

fn ensure(condition: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition { Ok(()) } else { Err(what().into()) }
}

/// Offline nix: a wrapper that logs every call, an empty registry, no substituters,
/// and a cache directory shared by the runs of one test.
struct Nix {
    dir: tempfile::TempDir,
}

impl Nix {
    fn new() -> Nix {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = which("nix").expect("nix on PATH");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        let wrapper = bin.join("nix");
        let log = dir.path().join("nix-calls.log");
        std::fs::write(
            &wrapper,
            format!("#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n", log.display(), real.display()),
        )
        .expect("wrapper");
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::write(dir.path().join("registry.json"), r#"{"flakes":[],"version":2}"#).expect("registry");
        Nix { dir }
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// The project with nix's offline settings, the wrapper first on PATH, and git
    /// tracking every file.
    fn project(&self, project: Project) -> Project {
        git(project.root(), &["init", "-q"]);
        git(project.root(), &["add", "-A"]);
        self.configure(project)
    }

    fn configure(&self, project: Project) -> Project {
        let config = format!(
            "experimental-features = nix-command flakes\nsandbox = false\nsubstituters =\nflake-registry = {}\n",
            self.dir.path().join("registry.json").display()
        );
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        project
            .env("NIX_CONFIG", config)
            .env("XDG_CACHE_HOME", self.cache().display().to_string())
            .env("PATH", path)
    }

    /// How many times `nix develop` ran so far.
    fn evaluations(&self) -> usize {
        let log = std::fs::read_to_string(self.dir.path().join("nix-calls.log")).unwrap_or_default();
        log.lines().filter(|line| line.split(' ').any(|word| word == "develop")).count()
    }
}

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
    ensure(failed.contains("fix the error above, then run again"), || failed.clone())?;
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

fn blocked_then_allowed() -> Result<(), Failed> {
    let data = tempfile::tempdir()?;
    let project = Project::new()
        .declared_shells()
        .file(".envrc", "export FROM_ENVRC=loaded\n")
        .file("checks/direnv.yaml", "shell: direnv\ntruths:\n  - truth: the envrc is loaded\n    env: {FROM_ENVRC: {equals: loaded}}\n")
        .env("XDG_DATA_HOME", data.path().join("data").display().to_string())
        .env("XDG_CONFIG_HOME", data.path().join("config").display().to_string());
    let out = project.run(&[]);
    let failed = out.failure("direnv::truth::the-envrc-is-loaded");
    ensure(
        failed.contains(
            "found .envrc is blocked: read it, then run `direnv allow .` (envtruth never allows it for you)",
        ),
        || failed.clone(),
    )?;
    let allowed = Command::new("direnv")
        .arg("allow")
        .arg(project.root())
        .env("XDG_DATA_HOME", data.path().join("data"))
        .env("XDG_CONFIG_HOME", data.path().join("config"))
        .status()?;
    ensure(allowed.success(), || "direnv allow failed".into())?;
    let out = project.run(&[]);
    ensure(out.status("direnv::truth::the-envrc-is-loaded") == "ok", || out.all())
}

/// A crate using envtruth as a dev-dependency, with a `harness = false` environment target.
fn consumer(project: Project) -> Project {
    let manifest = format!(
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [dev-dependencies]\nenvtruth = {{ path = {:?} }}\n\n[[test]]\nname = \"environment\"\nharness = false\n",
        env!("CARGO_MANIFEST_DIR")
    );
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    project
        .file("Cargo.toml", manifest)
        // The same versions as envtruth's own build, already in the local registry.
        .file("Cargo.lock", lock)
        .file("src/lib.rs", "")
        .file("tests/environment.rs", "fn main() -> std::process::ExitCode {\n    envtruth::main()\n}\n")
}

/// `cargo nextest ARGS` in the consumer; returns exit code and stdout+stderr.
fn nextest(project: &Project, args: &[&str]) -> (i32, String) {
    let mut command = Command::new("cargo");
    command.arg("nextest").args(args).args(["--offline", "--color", "never"]).current_dir(project.root());
    // Shared between runs, so only the first compiles envtruth for the consumer.
    command.env("CARGO_TARGET_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/nextest-consumer"));
    support::isolate(&mut command);
    for (name, value) in project.vars() {
        command.env(name, value);
    }
    let output = command.output().expect("cargo nextest");
    let text =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

fn nextest_runs_each_case() -> Result<(), Failed> {
    let project = consumer(Project::new().file(
        "checks/env.yaml",
        "shell: host\ntruths:\n  - {truth: passes, run: \"true\"}\n  - {truth: fails, run: \"exit 3\"}\n  - {truth: needs a human, manual: \"a person looks\"}\n",
    ));
    let (code, listed) = nextest(&project, &["list", "--run-ignored", "all"]);
    ensure(code == 0, || listed.clone())?;
    for name in ["env::truth::passes", "env::truth::fails", "env::truth::needs-a-human"] {
        ensure(listed.contains(name), || format!("{name} not listed:\n{listed}"))?;
    }
    let (code, ignored) = nextest(&project, &["list", "--run-ignored", "only"]);
    ensure(
        code == 0 && ignored.contains("env::truth::needs-a-human") && !ignored.contains("env::truth::passes"),
        || ignored.clone(),
    )?;
    let (code, out) = nextest(&project, &["run", "--no-fail-fast"]);
    ensure(code != 0, || format!("a failing case must fail the run:\n{out}"))?;
    ensure(out.contains("2 tests run: 1 passed, 1 failed, 1 skipped"), || out.clone())?;
    ensure(out.contains("PASS") && out.contains("consumer::environment env::truth::passes"), || out.clone())?;
    ensure(out.contains("FAIL") && out.contains("consumer::environment env::truth::fails"), || out.clone())?;
    ensure(out.contains("✗ run exit status: expected exit 0, found exit 3"), || out.clone())
}

fn nextest_evaluates_once() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = nix.project(consumer(Project::fixture("nix-shells")));
    let (code, out) = nextest(&project, &["run", "--no-fail-fast"]);
    ensure(code == 0, || out.clone())?;
    ensure(out.contains("5 tests run: 5 passed"), || out.clone())?;
    // Five processes, one per case, on a cold cache: one evaluation, as with `cargo test`.
    ensure(nix.evaluations() == 1, || format!("{} evaluations by nextest, expected 1", nix.evaluations()))
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
            rewritten.starts_with(b"envtruth-env 2 ")
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
    let files =
        || std::fs::read_dir(temp.path()).map(|dir| dir.flatten().map(|e| e.path()).collect::<Vec<_>>());
    ensure(!files()?.is_empty(), || "no temp file during the capture: the test proves nothing".into())?;
    // SAFETY: sends a signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let status = child.wait()?;
    ensure(status.code() == Some(143), || format!("exit {status:?}, expected 143"))?;
    ensure(nix_in(project.root()).is_none(), || "nix is still running".into())?;
    let left = files()?;
    ensure(left.is_empty(), || format!("temp files left behind: {left:?}"))
}

/// Example 3: the same truths across three dev shells, a timed build and a rebuild check.
fn example_three_shells() -> Result<(), Failed> {
    let nix = Nix::new();
    let out = nix.project(Project::fixture("three-shells")).run(&[]);
    ensure(out.code == 0, || out.all())?;
    for shell in [".#default", ".#full", ".#ci"] {
        for truth in [
            "every-dev-shell-names-itself-in-shell-name",
            "bash-and-coreutils-are-on-path-in-every-dev-shell",
        ] {
            let name = format!("shells::truth::{truth}@{shell}");
            ensure(out.status(&name) == "ok", || format!("{name}:\n{}", out.all()))?;
        }
    }
    ensure(out.status("package::truth::build") == "ok", || out.all())?;
    ensure(out.status("package::truth::building-the-package-twice-gives-the-same-output") == "ok", || {
        out.all()
    })?;
    // Three shells, three evaluations, whatever the number of truths in each.
    ensure(nix.evaluations() == 3, || format!("{} evaluations, expected 3", nix.evaluations()))
}

/// Example 3, broken: a package whose output changes on every build.
fn example_three_shells_broken() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("three-shells");
    let flake = std::fs::read_to_string(project.path("flake.nix"))?
        .replace("echo 'hello from the package' > $out", "echo build $RANDOM$RANDOM > $out");
    let out = nix.project(project.file("flake.nix", flake)).run(&[]);
    ensure(out.code == 101, || out.all())?;
    ensure(out.status("package::truth::build") == "ok", || out.all())?;
    let failed = out.failure("package::truth::building-the-package-twice-gives-the-same-output");
    ensure(
        failed.contains("✗ run exit status: expected exit 0, found exit 1")
            && failed.contains("may not be deterministic"),
        || failed.clone(),
    )
}

/// Example 1: Python, uv, ruff and cmake in a nix dev shell with the native libraries,
/// `uv sync` from a committed lock, and an import that loads libgomp.
fn example_python_ml() -> Result<(), Failed> {
    let nix = Nix::new();
    let out = nix.project(Project::fixture("python-ml")).run(&[]);
    all_passed(
        &out,
        &[
            "python-env::truth::nix-develop-gives-python-3-10-or-newer-uv-ruff-and-cmake",
            "python-env::truth::ld-library-path-holds-libstdc-libgomp-and-zlib",
            "python-env::truth::envrc-holds-use-flake",
            "python-env::truth::uv-sync",
            "python-env::truth::import-mlstack-loads-without-libgomp-errors",
            "python-env::truth::uv-lock-exists-and-is-tracked-by-git",
            "python-env::artifact::pyproject.toml",
            "python-env::key_link::pyproject.toml->uv.lock",
        ],
    )
}

/// Example 1, broken: the shell's LD_LIBRARY_PATH lost the libraries and uv.lock is not
/// committed.
fn example_python_ml_broken() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("python-ml");
    let flake = std::fs::read_to_string(project.path("flake.nix"))?.replace(
        "LD_LIBRARY_PATH = \"/usr/lib/x86_64-linux-gnu\";",
        "LD_LIBRARY_PATH = \"/opt/nothing-here\";",
    );
    let project = nix.project(project.file("flake.nix", flake));
    git(project.root(), &["rm", "-q", "--cached", "uv.lock"]);
    let out = project.run(&[]);
    ensure(out.code == 101, || out.all())?;
    statuses(
        &out,
        &[
            ("python-env::truth::nix-develop-gives-python-3-10-or-newer-uv-ruff-and-cmake", "ok"),
            ("python-env::truth::ld-library-path-holds-libstdc-libgomp-and-zlib", "FAILED"),
            ("python-env::truth::envrc-holds-use-flake", "ok"),
            ("python-env::truth::uv-sync", "ok"),
            ("python-env::truth::uv-lock-exists-and-is-tracked-by-git", "FAILED"),
        ],
    )?;
    failure_says(
        &out,
        "python-env::truth::ld-library-path-holds-libstdc-libgomp-and-zlib",
        &[
            "✗ libs libgomp.so.1: expected in an LD_LIBRARY_PATH directory, found in none of the 1 LD_LIBRARY_PATH directories",
        ],
    )?;
    failure_says(
        &out,
        "python-env::truth::uv-lock-exists-and-is-tracked-by-git",
        &["error: pathspec 'uv.lock' did not match any file(s) known to git"],
    )
}

/// The flake.lock at `lock` with `input` locked as `nix flake lock` locks a `path:` input:
/// a narHash (kept, if the input had one), no revision.
fn path_input(lock: &Path, input: &str, path: &str) -> Result<String, Failed> {
    let mut lock: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(lock)?)?;
    let nar_hash = lock["nodes"][input]["locked"]["narHash"].as_str().unwrap_or("sha256-AAAA").to_string();
    lock["nodes"][input] = serde_json::json!({
        "locked": {"lastModified": 1795000000, "narHash": nar_hash, "path": path, "type": "path"},
        "original": {"path": path, "type": "path"}
    });
    lock["nodes"]["root"]["inputs"][input] = input.into();
    Ok(serde_json::to_string_pretty(&lock)?)
}

/// Asserts that exactly `names` ran, each passing.
fn all_passed(out: &support::Output, names: &[&str]) -> Result<(), Failed> {
    ensure(out.code == 0, || out.all())?;
    for name in names {
        ensure(out.status(name) == "ok", || format!("{name} did not pass:\n{}", out.all()))?;
    }
    let ran = out.stdout.lines().filter(|l| l.starts_with("test ") && l.contains(" ... ")).count();
    ensure(ran == names.len(), || format!("{ran} cases ran, expected {}:\n{}", names.len(), out.all()))
}

/// Asserts that the failure message of case `name` holds every one of `parts`.
fn failure_says(out: &support::Output, name: &str, parts: &[&str]) -> Result<(), Failed> {
    let failure = out.failure(name);
    match parts.iter().find(|part| !failure.contains(*part)) {
        Some(missing) => Err(format!("{name}: no `{missing}` in:\n{failure}").into()),
        None => Ok(()),
    }
}

/// Asserts the status (`ok`, `FAILED`) of each named case.
fn statuses(out: &support::Output, expected: &[(&str, &str)]) -> Result<(), Failed> {
    for (name, status) in expected {
        ensure(out.status(name) == *status, || format!("{name} is not {status}:\n{}", out.all()))?;
    }
    Ok(())
}

/// Example 5 with its virtualenv made by its own setup.sh (pip reaches PyPI).
fn debian_venv() -> Result<Project, Failed> {
    let project = Project::fixture("debian-venv");
    git(project.root(), &["init", "-q"]);
    let setup = Command::new(project.path("setup.sh")).output()?;
    ensure(setup.status.success(), || {
        format!("setup.sh failed:\n{}", String::from_utf8_lossy(&setup.stderr))
    })?;
    Ok(project)
}

/// Example 5: a Debian machine without Nix, its packages, virtualenv and requirements.
fn example_debian_venv() -> Result<(), Failed> {
    let out = debian_venv()?.run(&[]);
    all_passed(
        &out,
        &[
            "machine::truth::the-system-packages-python3-python3-venv-git-and-ca-certificates",
            "machine::truth::the-virtualenv-venv-provides-python-3-and-pip",
            "machine::truth::every-line-of-requirements-txt-pins-its-package-with",
            "machine::truth::import-reports-and-its-dependencies-load-in-the-virtualenv",
            "machine::truth::pip-check-finds-no-broken-requirements",
            "machine::artifact::setup.sh",
            "machine::key_link::setup.sh->requirements.txt",
        ],
    )
}

/// Example 5, broken: a requirement loosened to `>=` and `six` uninstalled behind pip's back.
fn example_debian_venv_broken() -> Result<(), Failed> {
    let project = debian_venv()?;
    let requirements = std::fs::read_to_string(project.path("requirements.txt"))?
        .replace("python-dateutil==2.9.0.post0", "python-dateutil>=2.8");
    let project = project.file("requirements.txt", requirements);
    let pip = Command::new(project.path(".venv/bin/pip")).args(["uninstall", "-q", "-y", "six"]).output()?;
    ensure(pip.status.success(), || String::from_utf8_lossy(&pip.stderr).into_owned())?;
    let out = project.run(&[]);
    ensure(out.code == 101, || out.all())?;
    statuses(
        &out,
        &[
            ("machine::truth::the-system-packages-python3-python3-venv-git-and-ca-certificates", "ok"),
            ("machine::truth::the-virtualenv-venv-provides-python-3-and-pip", "ok"),
            ("machine::truth::every-line-of-requirements-txt-pins-its-package-with", "FAILED"),
            ("machine::truth::import-reports-and-its-dependencies-load-in-the-virtualenv", "FAILED"),
            ("machine::truth::pip-check-finds-no-broken-requirements", "FAILED"),
        ],
    )?;
    failure_says(
        &out,
        "machine::truth::every-line-of-requirements-txt-pins-its-package-with",
        &["found line 2 `python-dateutil>=2.8` does not match"],
    )?;
    failure_says(
        &out,
        "machine::truth::import-reports-and-its-dependencies-load-in-the-virtualenv",
        &["✗ imports reports: expected imports, found ModuleNotFoundError: No module named 'six'"],
    )?;
    failure_says(
        &out,
        "machine::truth::pip-check-finds-no-broken-requirements",
        &["│ python-dateutil 2.9.0.post0 requires six, which is not installed."],
    )
}

/// Example 4: a nix-first policy over scripts, flake locks and where tools come from.
fn example_nix_first() -> Result<(), Failed> {
    let nix = Nix::new();
    let out = nix.project(Project::fixture("nix-first")).run(&[]);
    all_passed(
        &out,
        &[
            "policy::truth::every-shell-script-in-the-repository-runs-through-the-dev-shell",
            "policy::truth::every-flake-has-a-flake-lock-with-every-input-locked-to-a",
            "policy::truth::the-pure-dev-shell-gives-bash-python3-and-cmake-from-nix-store",
            "policy::truth::scripts-lint-sh-passes-in-the-pure-dev-shell",
            "policy::artifact::flake.nix",
            "policy::key_link::scripts/lint.sh->flake.nix",
        ],
    )
}

/// Example 4, broken: a script with a host shebang, a `path:` input in a lock, and cmake
/// dropped from the toolchain while the shell's PATH falls back to /usr/bin.
fn example_nix_first_broken() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = Project::fixture("nix-first").script("scripts/release.sh", "echo release");
    let lock = path_input(&project.path("deploy/flake.lock"), "shared", "/home/dev/shared")?;
    let flake = std::fs::read_to_string(project.path("flake.nix"))?
        .replace("python3 cmake\";", "python3\";")
        .replace(r#"PATH = "${toolchain}/bin";"#, r#"PATH = "${toolchain}/bin:/usr/bin:/bin";"#);
    let out = nix.project(project.file("deploy/flake.lock", lock).file("flake.nix", flake)).run(&[]);
    ensure(out.code == 101, || out.all())?;
    statuses(&out, &[("policy::truth::scripts-lint-sh-passes-in-the-pure-dev-shell", "ok")])?;
    failure_says(
        &out,
        "policy::truth::every-shell-script-in-the-repository-runs-through-the-dev-shell",
        &["✓ files scripts/lint.sh", "✗ files scripts/release.sh: expected exists, matches"],
    )?;
    failure_says(
        &out,
        "policy::truth::every-flake-has-a-flake-lock-with-every-input-locked-to-a",
        &[
            "✗ flake_lock deploy/flake.lock: expected a flake.lock locking every input to a revision, found `shared` (path:/home/dev/shared) is locked without a revision",
        ],
    )?;
    failure_says(
        &out,
        "policy::truth::the-pure-dev-shell-gives-bash-python3-and-cmake-from-nix-store",
        &[
            "✓ tools python3: expected version 3 from /nix/store, found 3.",
            "✗ tools cmake: expected on PATH from /nix/store, found /usr/bin/cmake (outside /nix/store)",
        ],
    )
}

/// Example 2, with the base flake's source in the store as if fetched from GitHub before:
/// the services lock `github:acme/platform` to a revision and its narHash, and nix uses a
/// store path with that hash without the network.
fn composed_flakes(nix: &Nix) -> Result<Project, Failed> {
    let project = Project::fixture("composed-flakes");
    let snapshot = tempfile::tempdir()?;
    let source = snapshot.path().join("source");
    std::fs::create_dir(&source)?;
    for file in ["flake.nix", "flake.lock"] {
        std::fs::copy(project.path(file), source.join(file))?;
    }
    let hash = Command::new("nix")
        .args(["--extra-experimental-features", "nix-command", "hash", "path"])
        .arg(&source)
        .output()?;
    let hash = String::from_utf8_lossy(&hash.stdout).trim().to_string();
    let locked = std::fs::read_to_string(project.path("api/flake.lock"))?;
    ensure(locked.contains(&format!("\"narHash\": \"{hash}\"")), || {
        format!("the base flake changed: set the base narHash in api/ and train/flake.lock to {hash}")
    })?;
    let added = Command::new("nix-store").arg("--add").arg(&source).output()?;
    ensure(added.status.success(), || String::from_utf8_lossy(&added.stderr).into_owned())?;
    Ok(nix.project(project))
}

/// Example 2: a base flake and service flakes in subdirectories taking it by GitHub URL.
fn example_composed_flakes() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = composed_flakes(&nix)?;
    let cases = [
        "base::truth::nix-develop-of-the-base-flake-gives-python3-from-its-python-env",
        "api::truth::nix-develop-dir-api-gives-the-api-service-python3-from-the-base",
        "train::truth::nix-develop-dir-train-gives-the-train-service-python3-from-the",
        "policy::truth::the-service-flakes-take-the-base-flake-by-its-github-url-never-a",
        "policy::truth::every-flake-lock-locks-its-inputs-to-a-revision",
        "api::artifact::flake.nix",
        "api::key_link::api/flake.nix->flake.nix",
    ];
    all_passed(&project.run(&[]), &cases)?;
    ensure(nix.evaluations() == 3, || format!("{} evaluations, expected one per flake", nix.evaluations()))?;
    all_passed(&project.run(&[]), &cases)?;
    ensure(nix.evaluations() == 3, || "a second run evaluated again".into())?;
    // A service's own lock decides its shell: changing it must not reuse a cached one. The
    // key covers every flake file of the repository, so all three shells evaluate again.
    let lock = std::fs::read_to_string(project.path("api/flake.lock"))?.replace("1795000000", "1795000001");
    let project = project.file("api/flake.lock", lock);
    all_passed(&project.run(&[]), &cases)?;
    ensure(nix.evaluations() == 6, || {
        format!("{} evaluations after api/flake.lock changed, expected 3 more", nix.evaluations())
    })
}

/// Example 2, broken: the train service takes the base by a `path:` input, locked without a
/// revision. Its shell still evaluates here (this store holds that content), which is why
/// the policy must catch it.
fn example_composed_flakes_broken() -> Result<(), Failed> {
    let nix = Nix::new();
    let project = composed_flakes(&nix)?;
    let flake = std::fs::read_to_string(project.path("train/flake.nix"))?
        .replace("\"github:acme/platform\"", "\"path:/home/dev/platform\"");
    let lock = path_input(&project.path("train/flake.lock"), "base", "/home/dev/platform")?;
    let project = project.file("train/flake.nix", flake).file("train/flake.lock", lock);
    git(project.root(), &["add", "-A"]);
    let out = project.run(&[]);
    ensure(out.code == 101, || out.all())?;
    statuses(
        &out,
        &[
            ("base::truth::nix-develop-of-the-base-flake-gives-python3-from-its-python-env", "ok"),
            ("api::truth::nix-develop-dir-api-gives-the-api-service-python3-from-the-base", "ok"),
            ("train::truth::nix-develop-dir-train-gives-the-train-service-python3-from-the", "ok"),
            ("policy::truth::the-service-flakes-take-the-base-flake-by-its-github-url-never-a", "FAILED"),
            ("policy::truth::every-flake-lock-locks-its-inputs-to-a-revision", "FAILED"),
        ],
    )?;
    failure_says(
        &out,
        "policy::truth::the-service-flakes-take-the-base-flake-by-its-github-url-never-a",
        &[
            "✓ files api/flake.nix",
            "found contains `\"path:` in line `inputs.base.url = \"path:/home/dev/platform\";`",
        ],
    )?;
    failure_says(
        &out,
        "policy::truth::every-flake-lock-locks-its-inputs-to-a-revision",
        &[
            "✗ flake_lock train/flake.lock: expected a flake.lock locking every input to a revision, found `base` (path:/home/dev/platform) is locked without a revision",
        ],
    )
}
