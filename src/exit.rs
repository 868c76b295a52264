//! The exit codes of every command: the one table of DESIGN.md §6.

/// Nothing failed (run); passed or human_needed (sign-off).
pub const PASSED: u8 = 0;
/// Sign-off found gaps.
pub const GAPS: u8 = 1;
/// The CLI's filter matched no case.
pub const NOTHING_MATCHED: u8 = 1;
/// A load or usage error, before anything ran.
pub const USAGE: u8 = 2;
/// Some case failed or was blocked (libtest's code).
pub const FAILED: u8 = 101;

/// Interrupted by `signal`, as shells report it: SIGINT 130, SIGTERM 143, and a hang-up
/// (a closed terminal, a cancelled job) as SIGTERM, 143.
pub fn interrupted(signal: i32) -> i32 {
    match signal {
        libc::SIGHUP => 128 + libc::SIGTERM,
        other => 128 + other,
    }
}
