//! Running one command: its own process group, a hard time limit, output to files.
//!
//! Why each piece is here:
//! - A process group per command. A timeout must end everything the command started:
//!   `bash -c 'sleep 300 & sleep 301'` has two children, and a grandchild that survives
//!   keeps CI waiting. Killing the group (SIGTERM, a short grace, SIGKILL) reaches them all;
//!   killing the direct child would not. When the command ends on its own, whatever it
//!   left running in its group is killed too, and the record says so.
//! - stdout and stderr go to anonymous temp files, never pipes. Memory stays flat however
//!   much a command prints, and a background process holding a pipe open cannot keep us
//!   waiting for an EOF. The evidence keeps only the last lines.
//! - stdin is closed, so a command that prompts fails instead of hanging.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::interrupt;
use crate::outcome::{CommandRecord, Ended};
use crate::secret::Secrets;

/// How long a timed-out group gets between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_secs(2);
/// Lines of each stream kept as evidence.
const TAIL_LINES: usize = 20;
/// Bytes read from the end of a stream to find its last lines.
const TAIL_BYTES: u64 = 64 * 1024;
/// Longest line shown in a tail.
const SHOWN_LINE: usize = 300;

/// Where and how commands run.
pub struct Exec<'a> {
    /// The working directory (the project root).
    pub dir: &'a Path,
    /// The whole environment of the command.
    pub env: &'a HashMap<OsString, OsString>,
    /// Values scrubbed from the evidence.
    pub secrets: &'a Secrets,
    /// When the command must be ended.
    pub deadline: Instant,
    /// The limit the deadline came from, for messages.
    pub limit: Duration,
}

/// A finished command: its record and its full output, for pattern checks.
pub struct Finished {
    /// What goes into the evidence.
    pub record: CommandRecord,
    /// Everything it wrote to stdout.
    pub stdout: Capture,
    /// Everything it wrote to stderr.
    pub stderr: Capture,
}

/// One captured stream, on disk.
pub struct Capture {
    file: Option<File>,
}

impl Capture {
    /// Calls `visit` with each line (lossy UTF-8, cut at 64 KiB) until it returns true;
    /// returns whether it did.
    pub fn any_line(&self, mut visit: impl FnMut(&str) -> bool) -> io::Result<bool> {
        let Some(file) = &self.file else { return Ok(false) };
        let mut file = file.try_clone()?;
        file.seek(SeekFrom::Start(0))?;
        let mut reader = BufReader::new(file);
        let mut line = Vec::new();
        loop {
            line.clear();
            let (ended, _) = crate::search::read_capped_line(&mut reader, &mut line)?;
            if ended && line.is_empty() {
                return Ok(false);
            }
            if visit(&String::from_utf8_lossy(&line)) {
                return Ok(true);
            }
            if ended {
                return Ok(false);
            }
        }
    }

    fn tail(&self, secrets: &Secrets) -> Vec<String> {
        let Some(file) = &self.file else { return Vec::new() };
        tail_of(file, secrets).unwrap_or_else(|err| vec![format!("(output unreadable: {err})")])
    }
}

fn tail_of(file: &File, secrets: &Secrets) -> io::Result<Vec<String>> {
    let mut file = file.try_clone()?;
    let len = file.seek(SeekFrom::End(0))?;
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.split('\n').collect();
    if start > 0 && lines.len() > 1 {
        lines.remove(0); // cut mid-line
    }
    if lines.last() == Some(&"") {
        lines.pop();
    }
    let from = lines.len().saturating_sub(TAIL_LINES);
    Ok(lines[from..]
        .iter()
        .map(|line| {
            let line = secrets.scrub(line.trim_end_matches('\r'));
            match line.char_indices().nth(SHOWN_LINE) {
                Some((cut, _)) => format!("{}…", &line[..cut]),
                None => line,
            }
        })
        .collect())
}

/// The first executable file named `name` in the directories of `path_var`.
pub fn which(name: &str, path_var: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return None;
    }
    path_var.split(':').filter(|dir| !dir.is_empty()).map(|dir| Path::new(dir).join(name)).find(|candidate| {
        candidate.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// Runs `argv` and waits for it, at most until the deadline.
pub fn run(argv: &[OsString], shown: &str, exec: &Exec<'_>) -> Finished {
    run_with(argv, shown, exec, false)
}

/// [`run`], with the command killed by the kernel if envtruth dies first (even by
/// SIGKILL): for the shell captures, whose `nix develop` would otherwise outlive it.
pub fn run_tied(argv: &[OsString], shown: &str, exec: &Exec<'_>) -> Finished {
    run_with(argv, shown, exec, true)
}

fn run_with(argv: &[OsString], shown: &str, exec: &Exec<'_>, tied: bool) -> Finished {
    let started = Instant::now();
    let not_started = |reason: String| not_started(shown, reason);
    let (stdout, stderr) = match (tempfile::tempfile(), tempfile::tempfile()) {
        (Ok(out), Ok(err)) => (out, err),
        (Err(e), _) | (_, Err(e)) => {
            return not_started(no_temp_file(&e));
        }
    };
    let (out_handle, err_handle) = match (stdout.try_clone(), stderr.try_clone()) {
        (Ok(out), Ok(err)) => (out, err),
        (Err(e), _) | (_, Err(e)) => return not_started(format!("cannot share its output file: {e}")),
    };
    let Some((program, args)) = argv.split_first() else {
        return not_started("empty command".into());
    };
    // Found here on the command's own PATH: given a path, the standard library spawns
    // with posix_spawn instead of fork + a PATH search in the child (200 host-shell
    // commands: 0.19 s -> 0.16 s; README, "Speed").
    let path_var =
        exec.env.get(std::ffi::OsStr::new("PATH")).map(|p| p.to_string_lossy()).unwrap_or_default();
    // A relative path (`./build.sh`, `.venv/bin/python`) is taken from the project root
    // here: duct would canonicalize it against envtruth's own working directory,
    // resolving symlinks, and a venv's `bin/python` symlink is how Python finds its venv.
    let resolved = match which(&program.to_string_lossy(), &path_var) {
        Some(found) => found.into_os_string(),
        None if !program.to_string_lossy().contains('/') => return not_started(not_found(program, exec.dir)),
        None => exec.dir.join(program).into_os_string(),
    };
    interrupt::adopt_orphans();
    let expression = duct::cmd(&resolved, args)
        .dir(exec.dir)
        .full_env(exec.env)
        .stdin_null()
        .stdout_file(out_handle)
        .stderr_file(err_handle)
        .unchecked()
        .before_spawn(move |command| {
            command.process_group(0);
            if tied {
                // SAFETY: prctl is async-signal-safe; it only sets this child's death signal.
                // A pre_exec hook costs posix_spawn, so only the captures have one.
                unsafe {
                    command.pre_exec(|| {
                        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                        Ok(())
                    })
                };
            }
            Ok(())
        });
    if Path::new(&resolved).is_dir() {
        return not_started(format!("`{}` is a directory, not a program", program.to_string_lossy()));
    }
    let spawning = interrupt::Spawning::begin();
    let handle = match expression.start() {
        Ok(handle) => handle,
        Err(err) if err.raw_os_error() == Some(libc::EMFILE) => return not_started(too_many_files()),
        // The file is there: what is missing is the interpreter its `#!` line names.
        Err(err) if err.kind() == io::ErrorKind::NotFound && Path::new(&resolved).is_file() => {
            return not_started(missing_interpreter(program, Path::new(&resolved)));
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return not_started(not_found(program, exec.dir));
        }
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => {
            let program = program.to_string_lossy();
            return not_started(format!(
                "`{program}` is not executable ({err}); `chmod +x {program}`, or name its interpreter: `[sh, {program}]`"
            ));
        }
        Err(err) => return not_started(format!("`{}`: {err}", program.to_string_lossy())),
    };
    let group = handle.pids().first().map(|pid| *pid as libc::pid_t);
    spawning.registered(group);
    let waited = handle.wait_deadline(exec.deadline);
    let mut timed_out = false;
    let status = match waited {
        Ok(Some(output)) => Ok(output.status),
        Ok(None) => {
            timed_out = true;
            signal_group(group, libc::SIGTERM);
            match handle.wait_timeout(GRACE) {
                Ok(Some(output)) => Ok(output.status),
                _ => {
                    signal_group(group, libc::SIGKILL);
                    handle.wait().map(|output| output.status)
                }
            }
        }
        Err(err) => Err(err),
    };
    // The command is done; anything still in its group is a leftover.
    let killed_leftovers = signal_group(group, libc::SIGKILL);
    interrupt::reap_group(group);
    group.into_iter().for_each(interrupt::unregister);
    interrupt::hold_if_interrupted();
    let ended = match status {
        _ if timed_out => Ended::TimedOut(exec.limit),
        Ok(status) => match (status.code(), status.signal()) {
            (Some(code), _) => Ended::Exit(code),
            (None, Some(signal)) => Ended::Signal(signal),
            (None, None) => Ended::Exit(-1),
        },
        Err(err) => Ended::NotStarted(format!("waiting for it failed: {err}")),
    };
    let stdout = Capture { file: Some(stdout) };
    let stderr = Capture { file: Some(stderr) };
    Finished {
        record: CommandRecord {
            command: shown.to_string(),
            ended,
            duration: started.elapsed(),
            stdout_tail: stdout.tail(exec.secrets),
            stderr_tail: stderr.tail(exec.secrets),
            killed_leftovers: killed_leftovers && !timed_out,
        },
        stdout,
        stderr,
    }
}

fn not_found(program: &OsString, dir: &Path) -> String {
    format!(
        "`{}` not found on the shell's PATH (or the working directory {} is missing)",
        program.to_string_lossy(),
        dir.display()
    )
}

/// Why a command cannot start when its output has nowhere to go.
pub fn no_temp_file(err: &io::Error) -> String {
    if err.raw_os_error() == Some(libc::EMFILE) {
        return too_many_files();
    }
    format!(
        "cannot create a temp file in {}: {err}; set TMPDIR to a writable directory",
        std::env::temp_dir().display()
    )
}

fn too_many_files() -> String {
    "envtruth has too many open files (EMFILE); raise the limit (`ulimit -n 4096`) or run fewer cases at once (--test-threads)".into()
}

/// Why a script that exists cannot start: the interpreter of its `#!` line is missing.
fn missing_interpreter(program: &OsString, path: &Path) -> String {
    let mut first = [0u8; 256];
    let read = File::open(path).and_then(|mut f| f.read(&mut first)).unwrap_or(0);
    let line = String::from_utf8_lossy(&first[..read]);
    let program = program.to_string_lossy();
    match line.lines().next().and_then(|l| l.strip_prefix("#!")) {
        Some(shebang) => format!(
            "`{program}` names the interpreter `{}` in its `#!` line, and that is missing; install it or fix the line",
            shebang.trim()
        ),
        None => format!("`{program}` could not be started: a file it needs is missing"),
    }
}

/// A command that could not be started, and why.
pub fn not_started(shown: &str, reason: String) -> Finished {
    Finished {
        record: CommandRecord {
            command: shown.to_string(),
            ended: Ended::NotStarted(reason),
            duration: Duration::ZERO,
            stdout_tail: Vec::new(),
            stderr_tail: Vec::new(),
            killed_leftovers: false,
        },
        stdout: Capture { file: None },
        stderr: Capture { file: None },
    }
}

/// Sends `signal` to the whole group; returns whether any process received it.
fn signal_group(group: Option<libc::pid_t>, signal: libc::c_int) -> bool {
    match group {
        // SAFETY: killpg only sends a signal; a group that is gone gives ESRCH.
        Some(pgid) if pgid > 0 => unsafe { libc::killpg(pgid, signal) == 0 },
        _ => false,
    }
}

/// How long a short helper call (git, `nix --version`) may take before its group is killed.
const SHORT_CALL: Duration = Duration::from_secs(60);

/// A short helper call that ended.
pub struct Short {
    /// Its exit code; None when a signal ended it.
    pub code: Option<i32>,
    /// Everything it wrote to stdout.
    pub stdout: String,
}

impl Short {
    /// Its stdout, when it exited 0.
    pub fn succeeded(self) -> Option<String> {
        (self.code == Some(0)).then_some(self.stdout)
    }
}

/// Runs a short helper (git, `nix --version`) in `dir` with envtruth's own environment,
/// under the same rules as every command: its own process group, a time limit, ended
/// with envtruth on Ctrl-C. Its stdout stays in memory (a few bytes, or a file list) and
/// its stderr is dropped; None when it cannot start or runs out of time.
pub fn short(dir: &Path, argv: &[&str]) -> Option<Short> {
    let (program, args) = argv.split_first()?;
    interrupt::adopt_orphans();
    let spawning = interrupt::Spawning::begin();
    let handle = duct::cmd(*program, args)
        .dir(dir)
        .stdin_null()
        .stdout_capture()
        .stderr_null()
        .unchecked()
        .before_spawn(|command| {
            command.process_group(0);
            Ok(())
        })
        .start()
        .ok()?;
    let group = handle.pids().first().map(|pid| *pid as libc::pid_t);
    spawning.registered(group);
    let waited = match handle.wait_timeout(SHORT_CALL) {
        Ok(Some(output)) => Some(output.clone()),
        _ => {
            signal_group(group, libc::SIGKILL);
            let _ = handle.wait();
            None
        }
    };
    signal_group(group, libc::SIGKILL);
    interrupt::reap_group(group);
    group.into_iter().for_each(interrupt::unregister);
    interrupt::hold_if_interrupted();
    let output = waited?;
    Some(Short { code: output.status.code(), stdout: String::from_utf8_lossy(&output.stdout).into_owned() })
}

/// [`short`]'s stdout when it exits 0.
pub fn output(dir: &Path, argv: &[&str]) -> Option<String> {
    short(dir, argv)?.succeeded()
}
