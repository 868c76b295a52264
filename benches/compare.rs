//! envtruth against the ways people check environments today, on the same truths.
//!
//! `cargo bench --bench compare` builds input-less fixture flakes offline whose dev
//! shell costs about a second to evaluate (a fold over numbers, standing in for a
//! nixpkgs evaluation), and times, for N = 10, 50 and 200 truths:
//!
//! 1. a shell script running `nix develop --command ...` once per check;
//! 2. envtruth with a cold cache; 3. envtruth with a warm cache;
//! 4. the same commands run directly, in parallel, in the already-captured environment
//!    (the floor: what no tool can beat);
//! 5. the same commands spawned by a shell (`xargs -P`), and, against it, the least a
//!    cold run can cost: one `nix develop` plus that.
//!
//! Then `--list` and loading at scale, and peak memory. Needs `nix` on PATH. Knobs:
//! `BENCH_RUNS` (runs per measurement, default 3; the median is shown) and
//! `BENCH_EVAL_SECONDS` (target evaluation cost, default 1). nix's evaluation cache is
//! off (`eval-cache = false`), so every `nix develop` pays the evaluation, as the
//! first one after a change of a nixpkgs flake does.

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ENVTRUTH: &str = env!("CARGO_BIN_EXE_envtruth");

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing useful either.
    let runs: usize = knob("BENCH_RUNS", 3);
    let eval_seconds: f64 = knob("BENCH_EVAL_SECONDS", 1.0);
    let work = tempfile::tempdir().expect("temp dir");
    let nix = Nix::new(work.path());
    println!("envtruth benchmark: {}", machine());
    println!("runs per measurement: {runs} (median shown), except (1): one run\n");

    let (fold, cost, bare) = nix.calibrate(work.path(), eval_seconds);
    println!(
        "fixture dev shell: `nix develop` costs {} (fold over {fold} numbers; a bare shell costs {}, the least \
         any `nix develop` in (1) costs, even with nix's own evaluation cache, which is off here)\n",
        secs(cost),
        secs(bare)
    );

    println!(
        "| N | (1) nix develop per check | (2) envtruth, cold cache | (3) envtruth, warm cache | (4) floor: direct, parallel | (1)/(2) | (1)/(3) | (3)/(4) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut outside = Vec::new();
    for n in [10, 50, 200] {
        let project = nix.project(&work.path().join(format!("n{n}")), fold, n);
        // One run: at N = 200 it takes minutes, and its spread is small beside its size.
        let script = timed(nix.command("sh", &project.root).arg(&project.script));
        let cold = median(runs, || {
            nix.clear_cache();
            envtruth(&nix, &project.root)
        });
        let warm = median(runs, || envtruth(&nix, &project.root));
        let captured = nix.captured(&project.root);
        let floor = median(runs, || direct(&captured, &project.root, &project.commands));
        println!(
            "| {n} | {} | {} | {} | {} | {:.0}× | {:.0}× | {:.2}× |",
            secs(script),
            secs(cold),
            secs(warm),
            secs(floor),
            script.as_secs_f64() / cold.as_secs_f64(),
            script.as_secs_f64() / warm.as_secs_f64(),
            warm.as_secs_f64() / floor.as_secs_f64(),
        );
        let shell = median(runs, || spawned_by_a_shell(&captured, &project.root, &project.commands));
        outside.push((n, cold, warm, shell));
    }

    // The two ratios measured from outside: against the same commands spawned by a shell
    // (what a hand-written parallel script costs), and against the least a cold run can
    // cost (one `nix develop`, then that).
    println!(
        "\n| N | (5) floor: spawned by a shell (`xargs -P`) | (3)/(5) | (6) cold limit: one `nix develop` + (5) | (2)/(6) |"
    );
    println!("|---:|---:|---:|---:|---:|");
    for (n, cold, warm, shell) in outside {
        let limit = cost + shell;
        println!(
            "| {n} | {} | {:.2}× | {} | {:.2}× |",
            secs(shell),
            warm.as_secs_f64() / shell.as_secs_f64(),
            secs(limit),
            cold.as_secs_f64() / limit.as_secs_f64(),
        );
    }

    println!("\n| measurement | time (median) | peak memory |");
    println!("|---|---:|---:|");
    for n in [1_000, 10_000] {
        let root = host_project(&work.path().join(format!("list{n}")), 1, n, "true");
        let (time, rss) = median_with_rss(runs, || measured(&mut envtruth_command(&root, &["--list"])));
        println!("| `--list`, {n} truths in one file | {} | {} |", millis(time), mib(rss));
    }
    let root = host_project(&work.path().join("files100"), 100, 10, "true");
    let (time, rss) = median_with_rss(runs, || measured(&mut envtruth_command(&root, &["--list"])));
    println!("| load 100 check files (10 truths each), `--list` | {} | {} |", millis(time), mib(rss));
    // nextest runs every case as its own process with `--exact NAME`: that process loads
    // only NAME's check file, so it costs what it would if the other 19 did not exist.
    let many = host_project(&work.path().join("nextest20"), 20, 50, "true");
    let one = work.path().join("nextest1");
    std::fs::create_dir_all(one.join("checks")).expect("mkdir");
    std::fs::copy(many.join("checks/file7.yaml"), one.join("checks/file7.yaml")).expect("copy");
    let exact = ["--exact", "file7::truth::check-number-25-holds"];
    let (in_many, _) = median_with_rss(runs, || measured(&mut envtruth_command(&many, &exact)));
    let (in_one, _) = median_with_rss(runs, || measured(&mut envtruth_command(&one, &exact)));
    println!(
        "| `--exact NAME` (one nextest process), 20 files of 50 truths, against its file alone | {} / {} = {:.2}× | |",
        millis(in_many),
        millis(in_one),
        in_many.as_secs_f64() / in_one.as_secs_f64()
    );
    let root = host_project(&work.path().join("flood"), 1, 1, "head -c 1000000000 /dev/zero");
    let (time, rss) = median_with_rss(runs, || measured(&mut envtruth_command(&root, &[])));
    println!("| a case printing 1 GB to stdout | {} | {} |", secs(time), mib(rss));
}

fn knob<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| info.lines().find(|l| l.starts_with("model name")).map(|l| l.to_string()))
        .and_then(|l| l.split(':').nth(1).map(|m| m.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let nix = Command::new("nix")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    format!("{cpu}, {cores} cores, {}", nix.unwrap_or_else(|_| "nix not found".into()))
}

/// Offline nix: no substituters, an empty registry, a cache dir of the benchmark's own.
struct Nix {
    config: String,
    cache: PathBuf,
}

/// A fixture flake with `n` truths, and the same checks as a script and as commands.
struct Project {
    root: PathBuf,
    script: PathBuf,
    commands: Vec<String>,
}

impl Nix {
    fn new(work: &Path) -> Nix {
        let registry = work.join("registry.json");
        std::fs::write(&registry, r#"{"flakes":[],"version":2}"#).expect("registry");
        Nix {
            config: format!(
                "experimental-features = nix-command flakes\nsandbox = false\nsubstituters =\nflake-registry = {}\neval-cache = false\n",
                registry.display()
            ),
            cache: work.join("cache"),
        }
    }

    /// `program` in `dir` with this nix's settings, its output discarded.
    fn command(&self, program: &str, dir: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(dir)
            .env("NIX_CONFIG", &self.config)
            .env("XDG_CACHE_HOME", &self.cache)
            .env_remove("ENVTRUTH_SHELL")
            .env_remove("ENVTRUTH_CHECKS")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    }

    fn clear_cache(&self) {
        let _ = std::fs::remove_dir_all(self.cache.join("envtruth"));
    }

    /// Writes the flake (and git-tracks it: flakes see tracked files only).
    fn flake(&self, root: &Path, fold: u64) {
        std::fs::create_dir_all(root.join("checks")).expect("mkdir");
        std::fs::write(root.join("flake.nix"), flake(fold)).expect("flake.nix");
        for args in [&["init", "-q"][..], &["add", "-A"]] {
            let status = Command::new("git").arg("-C").arg(root).args(args).status().expect("git");
            assert!(status.success(), "git {args:?}");
        }
    }

    /// Time of `nix develop --command true` on a fixture with `fold`.
    fn develop_time(&self, work: &Path, fold: u64) -> Duration {
        let root = work.join(format!("calibrate-{fold}"));
        self.flake(&root, fold);
        median(3, || timed(self.command("nix", &root).args(["develop", ".", "--command", "true"])))
    }

    /// The fold size whose `nix develop` costs about `seconds`, its cost, and the cost of a
    /// bare shell. The cost is not quite linear in the size (memory, GC), so it is
    /// measured and rescaled a few times.
    fn calibrate(&self, work: &Path, seconds: f64) -> (u64, Duration, Duration) {
        let bare = self.develop_time(work, 0);
        let mut fold = 1_000_000;
        let mut cost = self.develop_time(work, fold);
        for _ in 0..3 {
            let fraction = (seconds - bare.as_secs_f64()).max(0.0)
                / (cost.as_secs_f64() - bare.as_secs_f64()).max(0.001);
            fold = (fold as f64 * fraction) as u64;
            cost = self.develop_time(work, fold);
        }
        (fold, cost, bare)
    }

    fn project(&self, root: &Path, fold: u64, n: usize) -> Project {
        self.flake(root, fold);
        let commands: Vec<String> = (0..n).map(check_command).collect();
        let mut yaml = String::from("shell: nix\ntruths:\n");
        let mut script =
            String::from("#!/bin/sh\n# One `nix develop` per check: the common practice.\nfailed=0\n");
        for (i, command) in commands.iter().enumerate() {
            yaml.push_str(&format!("  - truth: check number {i} holds\n    run: '{command}'\n"));
            script.push_str(&format!("nix develop . --command sh -c '{command}' || failed=1\n"));
        }
        script.push_str("exit $failed\n");
        std::fs::write(root.join("checks/bench.yaml"), yaml).expect("check file");
        let script_path = root.join("check.sh");
        std::fs::write(&script_path, script).expect("script");
        Project { root: root.to_path_buf(), script: script_path, commands }
    }

    /// The dev shell's environment, as envtruth captures it.
    fn captured(&self, root: &Path) -> Vec<(OsString, OsString)> {
        let output = self
            .command("nix", root)
            .args(["develop", ".", "--command", "env", "-0"])
            .stdout(Stdio::piped())
            .output()
            .expect("nix develop");
        assert!(output.status.success(), "nix develop failed");
        // The fixture's variables are plain text, so a lossy read loses nothing.
        let text = String::from_utf8_lossy(&output.stdout);
        text.split('\0')
            .filter_map(|entry| entry.split_once('='))
            .map(|(k, v)| (k.into(), v.into()))
            .collect()
    }
}

/// An input-less flake whose dev shell folds over `fold` numbers when evaluated.
fn flake(fold: u64) -> String {
    let outer = fold.div_ceil(100_000).max(1);
    let inner = if fold == 0 { 0 } else { 100_000 };
    format!(
        r#"{{
  outputs = {{ self }}: {{
    devShells.x86_64-linux.default = derivation {{
      name = "bench-shell";
      system = "x86_64-linux";
      builder = "/bin/bash";
      args = [ "-c" "echo > $out" ];
      outputs = [ "out" ];
      PATH = "/usr/bin:/bin";
      SHELL_NAME = "bench";
      COST = toString (builtins.foldl' (a: i: a + builtins.foldl' (b: j: b + j) 0
        (builtins.genList (x: x) {inner})) 0 (builtins.genList (x: x) {outer}));
    }};
  }};
}}
"#
    )
}

/// The i-th check: cheap, different per truth, and true only inside the dev shell.
fn check_command(i: usize) -> String {
    format!("test \"$SHELL_NAME\" = bench && test {i} -ge 0")
}

/// A host-shell project with `files` check files of `truths` truths each running `command`.
fn host_project(root: &Path, files: usize, truths: usize, command: &str) -> PathBuf {
    std::fs::create_dir_all(root.join("checks")).expect("mkdir");
    for f in 0..files {
        let mut yaml = String::from("shell: host\ntruths:\n");
        for i in 0..truths {
            yaml.push_str(&format!("  - truth: check number {i} holds\n    run: '{command}'\n"));
        }
        std::fs::write(root.join(format!("checks/file{f}.yaml")), yaml).expect("check file");
    }
    root.to_path_buf()
}

fn envtruth_command(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(ENVTRUTH);
    command
        .args(["run", "--color", "never", "--root"])
        .arg(root)
        .args(args)
        .env_remove("ENVTRUTH_SHELL")
        .env_remove("ENVTRUTH_CHECKS")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn envtruth(nix: &Nix, root: &Path) -> Duration {
    timed(nix.command(ENVTRUTH, root).args(["run", "--color", "never"]))
}

/// Runs every command with `bash -c` in `env` (as envtruth does), as many at once as
/// there are cores, spawning by absolute path (posix_spawn, the fastest way std has).
fn direct(env: &[(OsString, OsString)], root: &Path, commands: &[String]) -> Duration {
    let path = env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone()).unwrap_or_default();
    let bash =
        std::env::split_paths(&path).map(|dir| dir.join("bash")).find(|p| p.is_file()).expect("bash on PATH");
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(command) = commands.get(i) else { break };
                    let status = Command::new(&bash)
                        .args(["-c", command])
                        .current_dir(root)
                        .env_clear()
                        .envs(env.iter().map(|(k, v)| (k, v)))
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .expect("sh");
                    assert!(status.success(), "check {i} failed in the captured environment");
                }
            });
        }
    });
    started.elapsed()
}

/// Runs every command with `bash -c` in `env`, as many at once as there are cores, spawned
/// by `xargs -P` as a shell script would.
fn spawned_by_a_shell(env: &[(OsString, OsString)], root: &Path, commands: &[String]) -> Duration {
    let list = tempfile::NamedTempFile::new().expect("temp file");
    let joined: Vec<u8> = commands.iter().flat_map(|c| c.bytes().chain([0])).collect();
    std::fs::write(list.path(), joined).expect("write commands");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).to_string();
    let started = Instant::now();
    let status = Command::new("xargs")
        .args(["-0", "-P", &threads, "-n", "1", "bash", "-c"])
        .current_dir(root)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(std::fs::File::open(list.path()).expect("open commands"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("xargs");
    assert!(status.success(), "a check failed under xargs in the captured environment");
    started.elapsed()
}

/// Runs `command` to its end; it must succeed.
fn timed(command: &mut Command) -> Duration {
    measured(command).0
}

/// Runs `command` to its end and returns its time and peak resident memory (KiB); it must
/// succeed.
#[expect(clippy::zombie_processes, reason = "reaped by wait4, which also reports its peak memory")]
fn measured(command: &mut Command) -> (Duration, u64) {
    let started = Instant::now();
    let child = command.spawn().expect("spawn");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, which nothing else reaps.
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    assert!(waited > 0, "wait4 failed");
    let status = std::process::ExitStatus::from_raw(status);
    assert!(status.success(), "{command:?} failed: {status}");
    (elapsed, usage.ru_maxrss as u64)
}

fn median(runs: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1)).map(|_| measure()).collect();
    times.sort();
    times[times.len() / 2]
}

fn median_with_rss(runs: usize, mut measure: impl FnMut() -> (Duration, u64)) -> (Duration, u64) {
    let samples: Vec<(Duration, u64)> = (0..runs.max(1)).map(|_| measure()).collect();
    let mut times: Vec<Duration> = samples.iter().map(|s| s.0).collect();
    times.sort();
    (times[times.len() / 2], samples.iter().map(|s| s.1).max().unwrap_or(0))
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn millis(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
