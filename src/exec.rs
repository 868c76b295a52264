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
pub const TAIL_LINES: usize = 20;
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

    /// Everything in it, lossy UTF-8.
    fn whole(&self) -> io::Result<String> {
        let Some(mut file) = self.file.as_ref() else { return Ok(String::new()) };
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(0))?;
        file.read_to_end(&mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn tail(&self, secrets: &Secrets) -> Vec<String> {
        let Some(file) = &self.file else { return Vec::new() };
        tail_of(file, secrets).unwrap_or_else(|err| vec![format!("(output unreadable: {err})")])
    }
}

fn tail_of(mut file: &File, secrets: &Secrets) -> io::Result<Vec<String>> {
    use std::os::unix::fs::FileExt;
    // Most commands print nothing on one of the streams: that costs one call here.
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(Vec::new());
    }
    let start = len.saturating_sub(TAIL_BYTES);
    let mut bytes = vec![0; (len - start) as usize];
    file.read_exact_at(&mut bytes, start)?;
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
        (Err(e), _) | (_, Err(e)) if e.raw_os_error() == Some(libc::EMFILE) => {
            return not_started(too_many_files());
        }
        (Err(e), _) | (_, Err(e)) => {
            return not_started(format!(
                "cannot share its output file: {e}; set TMPDIR to a local, writable directory"
            ));
        }
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
    // here, as it is written: a venv's `bin/python` symlink is how Python finds its venv.
    let resolved = match which(&program.to_string_lossy(), &path_var) {
        Some(found) => found.into_os_string(),
        None if !program.to_string_lossy().contains('/') => return not_started(not_found(program, exec.dir)),
        None => exec.dir.join(program).into_os_string(),
    };
    // Every path to a child passes here (`init --from-shell` captures a shell too): Ctrl-C
    // must end its group and remove its files whichever command started it.
    interrupt::install();
    interrupt::adopt_orphans();
    // The standard library's Command, not duct's: duct reads envtruth's whole environment
    // and duplicates each handle at every start, and its deadline wait installs a SIGCHLD
    // handler; 200 cases paid a few milliseconds for that (README, "Speed").
    let mut command = std::process::Command::new(&resolved);
    command
        .args(args)
        .current_dir(exec.dir)
        .env_clear()
        .envs(exec.env)
        .stdin(std::process::Stdio::null())
        .stdout(out_handle)
        .stderr(err_handle)
        .process_group(0);
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
    if Path::new(&resolved).is_dir() {
        return not_started(format!("`{}` is a directory, not a program", program.to_string_lossy()));
    }
    let spawning = interrupt::Spawning::begin();
    let mut child = match command.spawn() {
        Ok(child) => child,
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
    drop(command); // closes the parent's copies of the child's output handles
    let group = Some(child.id() as libc::pid_t);
    spawning.registered(group);
    let waited = wait_until(&mut child, exec.deadline);
    let mut timed_out = false;
    let status = match waited {
        Ok(Some(status)) => Ok(status),
        Ok(None) => {
            timed_out = true;
            signal_group(group, libc::SIGTERM);
            match wait_until(&mut child, Instant::now() + GRACE) {
                Ok(Some(status)) => Ok(status),
                _ => {
                    signal_group(group, libc::SIGKILL);
                    // A child that left its group is out of the group's reach.
                    let _ = child.kill();
                    child.wait()
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
        Err(err) => Ended::NotStarted(format!(
            "waiting for it failed: {err}; run it again, and report this if it repeats"
        )),
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
        "`{}` not found on the shell's PATH (or the working directory {} is missing); add it to the shell, or name it by its path",
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

/// Waits for the command to end, at most until `deadline`, polling a pidfd: one
/// descriptor, no signal handler, no thread. A kernel without pidfds (before 5.3) gets a
/// short sleep between looks.
fn wait_until(
    child: &mut std::process::Child,
    deadline: Instant,
) -> io::Result<Option<std::process::ExitStatus>> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    // SAFETY: pidfd_open only opens a descriptor for our own child, which nothing else
    // reaps before `child` does.
    let raw = unsafe { libc::syscall(libc::SYS_pidfd_open, child.id() as libc::pid_t, 0) };
    // SAFETY: `raw` is a descriptor pidfd_open just opened, owned by nothing else.
    let pidfd = (raw >= 0).then(|| unsafe { OwnedFd::from_raw_fd(raw as libc::c_int) });
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        let Some(pidfd) = &pidfd else {
            std::thread::sleep(left.min(Duration::from_millis(5)));
            continue;
        };
        // Rounded up, so that a deadline never ends a poll early and spins.
        let millis = left.as_nanos().div_ceil(1_000_000).min(libc::c_int::MAX as u128) as libc::c_int;
        let mut ready = libc::pollfd { fd: pidfd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd, for the duration of the call.
        if unsafe { libc::poll(&mut ready, 1, millis) } < 0 {
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
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
/// with envtruth on Ctrl-C. Its stdout is read whole (a few bytes, or a file list) and
/// its stderr is dropped; None when it cannot start or runs out of time.
pub fn short(dir: &Path, argv: &[&str]) -> Option<Short> {
    let env: HashMap<OsString, OsString> = std::env::vars_os().collect();
    let shown = argv.join(" ");
    let argv: Vec<OsString> = argv.iter().map(OsString::from).collect();
    let secrets = Secrets::of(&HashMap::new());
    let exec =
        Exec { dir, env: &env, secrets: &secrets, deadline: Instant::now() + SHORT_CALL, limit: SHORT_CALL };
    let finished = run(&argv, &shown, &exec);
    let code = match finished.record.ended {
        Ended::Exit(code) => Some(code),
        Ended::Signal(_) => None,
        Ended::TimedOut(_) | Ended::NotStarted(_) => return None,
    };
    Some(Short { code, stdout: finished.stdout.whole().ok()? })
}

/// [`short`]'s stdout when it exits 0.
pub fn output(dir: &Path, argv: &[&str]) -> Option<String> {
    short(dir, argv)?.succeeded()
}
