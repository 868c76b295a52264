//! What running a case found: its status and the evidence behind it.

use std::time::Duration;

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Every probe item held.
    Passed,
    /// Some probe item did not hold.
    Failed,
    /// A truth it runs `after` did not pass; counts as failed.
    Blocked {
        /// The case name of the dependency that did not pass.
        dependency: String,
    },
    /// Not automatable; a human must judge it.
    Manual {
        /// Why it needs a human.
        reason: String,
    },
    /// Failed, but accepted by a waiver or override that has not expired: fails nothing,
    /// never counts as passed.
    Waived {
        /// Why it is accepted, and until when.
        reason: String,
    },
    /// A key link whose `from` file a plan of the same or a later wave will create: not
    /// verified, not failed.
    Pending {
        /// Why it is pending.
        reason: String,
    },
}

/// One checked item: a tool, a module, a library, a file, a variable, a command result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The probe kind that produced it (`run`, `tools`, ...).
    pub probe: &'static str,
    /// What was checked: `python3`, `.envrc`, `exit status`.
    pub item: String,
    /// Whether it held.
    pub passed: bool,
    /// What was required.
    pub expected: String,
    /// What was found.
    pub found: String,
    /// Whether it only restates how a command ended, which the command's own record says.
    pub restates_command: bool,
}

impl Evidence {
    /// An item that held when `passed`.
    pub fn new(
        probe: &'static str,
        item: impl Into<String>,
        passed: bool,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Evidence {
        Evidence {
            probe,
            item: item.into(),
            passed,
            expected: expected.into(),
            found: found.into(),
            restates_command: false,
        }
    }

    /// Marks it as restating how a command ended.
    pub fn restating_a_command(mut self) -> Evidence {
        self.restates_command = true;
        self
    }
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// It exited with this code.
    Exit(i32),
    /// A signal ended it.
    Signal(i32),
    /// It ran past its time limit and its process group was killed.
    TimedOut(Duration),
    /// It could not be started.
    NotStarted(String),
}

/// The names of the signals that end commands in practice.
fn signal_name(signal: i32) -> Option<&'static str> {
    Some(match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        _ => return None,
    })
}

impl std::fmt::Display for Ended {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ended::Exit(code) => write!(f, "exit {code}"),
            Ended::Signal(signal) => match signal_name(*signal) {
                Some(name) => write!(f, "killed by signal {signal} ({name})"),
                None => write!(f, "killed by signal {signal}"),
            },
            Ended::TimedOut(limit) => write!(f, "timed out after {}", crate::duration::display(*limit)),
            Ended::NotStarted(reason) => write!(f, "could not start: {reason}"),
        }
    }
}

/// A command a probe ran, kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRecord {
    /// The command as written.
    pub command: String,
    /// How it ended.
    pub ended: Ended,
    /// Wall time.
    pub duration: Duration,
    /// The last lines of stdout.
    pub stdout_tail: Vec<String>,
    /// The last lines of stderr.
    pub stderr_tail: Vec<String>,
    /// Whether processes it left running were killed when it ended.
    pub killed_leftovers: bool,
}

/// What a probe found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// One item per thing checked.
    pub evidence: Vec<Evidence>,
    /// The commands run to check them.
    pub commands: Vec<CommandRecord>,
}

impl Findings {
    /// Adds `other`'s items and commands after this one's.
    pub fn extend(&mut self, other: Findings) {
        self.evidence.extend(other.evidence);
        self.commands.extend(other.commands);
    }

    /// Whether every item held (and there is at least one).
    pub fn passed(&self) -> bool {
        !self.evidence.is_empty() && self.evidence.iter().all(|e| e.passed)
    }
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// What was checked and found.
    pub findings: Findings,
    /// Wall time of the case itself (not of its dependencies).
    pub duration: Duration,
    /// The shell it ran in; None for cases that only read files.
    pub shell: Option<String>,
}

impl Outcome {
    /// Whether it counts as passed for `after`.
    pub fn passed(&self) -> bool {
        self.status == Status::Passed
    }
}
