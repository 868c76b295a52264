//! A fixture project in a temp dir and the real `envtruth` binary run on it.
//!
//! Shared by the `it` and `shells` test binaries, each using a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Project {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    shell: Option<&'static str>,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn of(output: std::process::Output) -> Output {
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// stdout and stderr together, for asserting on a message wherever it went.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// The failure message of one case.
    pub fn failure(&self, name: &str) -> String {
        let header = format!("---- {name} ----\n");
        let start =
            self.stdout.find(&header).unwrap_or_else(|| panic!("no failure for {name} in:\n{}", self.all()));
        let rest = &self.stdout[start + header.len()..];
        rest[..rest.find("\n\n").unwrap_or(rest.len())].to_string()
    }

    /// The status word libtest printed for one case (`ok`, `FAILED`, `ignored`).
    pub fn status(&self, name: &str) -> String {
        let prefix = format!("test {name} ");
        let line = self
            .stdout
            .lines()
            .find(|l| l.starts_with(&prefix) && l[prefix.len()..].trim_start().starts_with("..."))
            .unwrap_or_else(|| panic!("no result for {name} in:\n{}", self.all()));
        line.rsplit("... ").next().unwrap_or_default().to_string()
    }
}

impl Project {
    pub fn new() -> Project {
        Project { dir: tempfile::tempdir().expect("temp dir"), env: Vec::new(), shell: Some("host") }
    }

    /// A copy of `fixtures/projects/NAME`, run in the shells its check files declare.
    pub fn fixture(name: &str) -> Project {
        let project = Project { shell: None, ..Project::new() };
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects").join(name);
        copy_dir(&source, project.root());
        project
    }

    /// Runs in the shells the check files declare, not the host.
    pub fn declared_shells(mut self) -> Project {
        self.shell = None;
        self
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes a file under the root, creating its directories.
    pub fn file(self, relative: &str, content: impl AsRef<[u8]>) -> Project {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write");
        self
    }

    /// Writes `checks/env.yaml`, so its cases are named `env::...`.
    pub fn check(self, yaml: &str) -> Project {
        self.file("checks/env.yaml", yaml)
    }

    /// An executable script under the root.
    pub fn script(self, relative: &str, body: &str) -> Project {
        let project = self.file(relative, format!("#!/bin/sh\n{body}\n"));
        let path = project.path(relative);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        project
    }

    /// Sets a variable for the envtruth process (and so for the host shell).
    pub fn env(mut self, name: &str, value: impl Into<String>) -> Project {
        self.env.push((name.to_string(), value.into()));
        self
    }

    /// The variables set for envtruth.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.env.iter().map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// PATH with `relative` under the root in front.
    pub fn path_with(&self, relative: &str) -> String {
        format!("{}:{}", self.path(relative).display(), std::env::var("PATH").unwrap_or_default())
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_envtruth"));
        command.current_dir(self.root()).args(args);
        // Only `run` takes libtest's flags; `init` and `schema` take no shell either.
        let subcommand = args.first().copied().unwrap_or_default();
        if !matches!(subcommand, "init" | "signoff" | "schema" | "cache-key") {
            command.args(["--color", "never"]);
        }
        if let Some(shell) = self.shell.filter(|_| !matches!(subcommand, "init" | "schema")) {
            command.args(["--shell", shell]);
        }
        isolate(&mut command);
        for (name, value) in &self.env {
            command.env(name, value);
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Output::of(self.command(args).output().expect("run envtruth"))
    }
}

/// Runs git in `dir`, asserting it succeeds.
pub fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git").arg("-C").arg(dir).args(args).status().expect("git");
    assert!(status.success(), "git {args:?} failed");
}

/// Asserts that `text` contains every one of `parts`, showing the whole text when not.
pub fn assert_has_lines(text: &str, parts: &[impl AsRef<str>]) {
    for part in parts {
        let part = part.as_ref();
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

impl Project {
    /// The command lines of the processes working in this project's root whose command
    /// line contains `needle`: only what this test started, whatever else runs on the
    /// machine (a second copy of the suite runs the same commands in another root).
    pub fn processes(&self, needle: &str) -> Vec<String> {
        let root = self.root().canonicalize().expect("root");
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let here = std::fs::read_link(entry.path().join("cwd")).is_ok_and(|cwd| cwd == root);
            if let (true, Ok(cmdline)) = (here, std::fs::read(entry.path().join("cmdline"))) {
                let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
                if cmdline.contains(needle) {
                    found.push(cmdline);
                }
            }
        }
        found
    }
}

/// Keeps the settings of whoever runs the tests (`ENVTRUTH_SHELL=host` in CI) away from
/// the envtruth under test.
pub fn isolate(command: &mut Command) {
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("ENVTRUTH_")) {
        command.env_remove(name);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("fixture dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Runs envtruth and returns its output and its own peak memory in MiB: the high-water
/// mark of its address space (`VmHWM`), read until it exits. wait4's `ru_maxrss` would be at
/// least the size of this test process when it spawned envtruth (Linux keeps the larger of
/// the two across exec), and other tests running in this process make that large.
pub fn run_measured(project: &Project, args: &[&str]) -> (String, i64) {
    let mut child = project.command(args).stdout(std::process::Stdio::piped()).spawn().expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).expect("read");
        text
    });
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    while child.try_wait().expect("wait").is_none() {
        let high_water = std::fs::read_to_string(&status).ok().and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<i64>().ok()
        });
        peak_kib = peak_kib.max(high_water.unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // A measure that read nothing would pass any bound.
    assert!(peak_kib > 0, "no sample of envtruth's memory was read from {status}");
    (reader.join().expect("reader"), peak_kib / 1024)
}

/// Whether a test's prerequisite `what` is here; when it is not, the test is ignored with
/// the reason, except under `CI=true`, which never skips (`how` says how to get it).
pub fn required(found: bool, what: &str, how: &str) -> bool {
    assert!(
        found || !std::env::var("CI").is_ok_and(|v| v == "true"),
        "{what} is missing, and CI=true never skips: {how}"
    );
    if !found {
        eprintln!("ignored: needs {what} ({how})");
    }
    found
}
