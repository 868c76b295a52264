//! Ctrl-C and SIGTERM: end every running command's process group, then exit 130 / 143.
//!
//! Each command runs in its own process group, so the terminal's Ctrl-C never reaches
//! it; without this, interrupting envtruth would leave `uv sync` or a nix build running.
//! The signals are blocked in every thread of envtruth and taken by one thread with
//! `sigwait`, which needs no async-signal-safe handler; commands get an empty mask back
//! before they exec.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

static GROUPS: Mutex<Vec<libc::pid_t>> = Mutex::new(Vec::new());

/// Named temp files alive now; `exit` skips their destructors, so they are removed here.
static FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The signal received, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

fn lock<T>(list: &'static Mutex<Vec<T>>) -> std::sync::MutexGuard<'static, Vec<T>> {
    list.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Records a running command's process group.
pub fn register(group: libc::pid_t) {
    lock(&GROUPS).push(group);
}

/// Forgets a command's process group once it has ended.
pub fn unregister(group: libc::pid_t) {
    lock(&GROUPS).retain(|g| *g != group);
}

/// Removes `path` if envtruth is interrupted while the guard lives; the owner
/// removes it otherwise (a `NamedTempFile` dropped or persisted).
pub struct RemovedOnInterrupt(PathBuf);

impl RemovedOnInterrupt {
    /// Registers `path`.
    pub fn new(path: &Path) -> RemovedOnInterrupt {
        lock(&FILES).push(path.to_path_buf());
        RemovedOnInterrupt(path.to_path_buf())
    }
}

impl Drop for RemovedOnInterrupt {
    fn drop(&mut self) {
        lock(&FILES).retain(|path| *path != self.0);
    }
}

fn signals() -> libc::sigset_t {
    // SAFETY: sigemptyset/sigaddset initialise and fill a sigset_t we own.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        set
    }
}

/// Takes over SIGINT and SIGTERM for this process. Call before any thread is started,
/// so every thread inherits the blocked mask; calling it again does nothing.
pub fn install() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // A closed stdout (`envtruth | head`) ends envtruth quietly, as it does other
        // command-line tools, instead of a panic in libtest-mimic's printer.
        // SAFETY: sets a disposition; commands get it too, as they would from a shell.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
        let set = signals();
        // SAFETY: changes only this thread's signal mask.
        if unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) } != 0 {
            return;
        }
        std::thread::spawn(move || {
            let mut signal = 0;
            // SAFETY: waits for one of the blocked signals in `set`.
            if unsafe { libc::sigwait(&set, &mut signal) } != 0 {
                return;
            }
            RECEIVED.store(signal, Ordering::SeqCst);
            let running = lock(&GROUPS).clone();
            for group in &running {
                // SAFETY: only sends a signal.
                unsafe { libc::killpg(*group, libc::SIGTERM) };
            }
            if !running.is_empty() {
                std::thread::sleep(Duration::from_millis(500));
                for group in &running {
                    // SAFETY: only sends a signal.
                    unsafe { libc::killpg(*group, libc::SIGKILL) };
                }
            }
            for path in lock(&FILES).iter() {
                let _ = std::fs::remove_file(path);
            }
            eprintln!("envtruth: interrupted; {} running command(s) stopped", running.len());
            std::process::exit(128 + signal);
        });
    });
}

/// Once a signal arrived, stops the calling thread for good: the process is exiting,
/// and a command killed by the interrupt must not be reported as a failed truth.
pub fn hold_if_interrupted() {
    while RECEIVED.load(Ordering::SeqCst) != 0 {
        std::thread::park();
    }
}

/// For a child between fork and exec: signals delivered and handled as usual again.
pub fn unblock_in_child() -> std::io::Result<()> {
    let set = signals();
    // SAFETY: pthread_sigmask is async-signal-safe, as pre_exec requires.
    match unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) } {
        0 => Ok(()),
        error => Err(std::io::Error::from_raw_os_error(error)),
    }
}
