//! The failure message of a case, as printed by the test runner.
//!
//! Written to be acted on in ten seconds: the truth and where it is defined first,
//! then each failed item with what was expected and what was found, then the commands
//! with their exit status, duration and the tail of their output.

use std::fmt::Write;

use console::style;

use crate::case::Case;
use crate::duration;
use crate::outcome::{Ended, Outcome, Status};

/// The message for a failed or blocked case.
pub fn render(case: &Case, outcome: &Outcome) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style(&case.title).bold());
    let _ = writeln!(out, "  defined at {}", style(&case.source).cyan());
    if let Some(shell) = &outcome.shell {
        let _ = writeln!(out, "  shell: {shell}");
    }
    if let Status::Blocked { dependency } = &outcome.status {
        let _ = writeln!(
            out,
            "  {} blocked: it runs after `{dependency}`, which did not pass; fix that one first",
            style("✗").red()
        );
        return out;
    }
    for item in &outcome.findings.evidence {
        let mark = if item.passed { style("✓").green() } else { style("✗").red() };
        let _ = writeln!(
            out,
            "  {mark} {} {}: expected {}, found {}",
            item.probe,
            style(&item.item).bold(),
            item.expected,
            if item.passed { style(&item.found) } else { style(&item.found).red() }
        );
    }
    for command in &outcome.findings.commands {
        let _ = writeln!(out, "  $ {}", command.command);
        match command.ended {
            Ended::TimedOut(_) | Ended::NotStarted(_) => writeln!(out, "    {}", style(&command.ended).red()),
            _ => writeln!(out, "    {} after {}", command.ended, duration::display(command.duration)),
        }
        .ok();
        if command.killed_leftovers {
            let _ = writeln!(out, "    (it left processes running in its group; they were killed)");
        }
        for (stream, tail) in [("stdout", &command.stdout_tail), ("stderr", &command.stderr_tail)] {
            if tail.is_empty() {
                continue;
            }
            let last = match tail.len() >= crate::exec::TAIL_LINES {
                true => format!(" (last {} lines)", crate::exec::TAIL_LINES),
                false => String::new(),
            };
            let _ = writeln!(out, "    {stream}{last}:");
            for line in tail {
                let _ = writeln!(out, "    {} {line}", style("│").dim());
            }
        }
    }
    out
}

/// One line saying why a case failed: its first failed item, or its blocking dependency.
pub fn summary(outcome: &Outcome) -> String {
    match &outcome.status {
        Status::Passed => "passed".into(),
        Status::Manual { reason } => format!("manual: {reason}"),
        Status::Pending { reason } => format!("pending: {reason}"),
        Status::Waived { reason } => format!("waived: {reason}"),
        Status::Blocked { dependency } => {
            format!("blocked: it runs after `{dependency}`, which did not pass")
        }
        Status::Failed => {
            let failed: Vec<&crate::outcome::Evidence> =
                outcome.findings.evidence.iter().filter(|e| !e.passed).collect();
            let first = failed.first().map_or("failed".to_string(), |e| {
                format!("{} {}: expected {}, found {}", e.probe, e.item, e.expected, e.found)
            });
            match failed.len() {
                0 | 1 => first,
                n => format!("{first} (and {} more)", n - 1),
            }
        }
    }
}

/// The failure message without colour, for files.
pub fn plain(case: &Case, outcome: &Outcome) -> String {
    console::strip_ansi_codes(&render(case, outcome)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{command, failed, outcome, truth};

    #[test]
    fn a_failure_says_what_where_expected_found_and_the_command() {
        console::set_colors_enabled(false);
        let case = truth("uv-sync", "`uv sync` succeeds", 4);
        let mut ended = failed("run", "exit status", "exit 0", "exit 2");
        ended.findings.commands.push(command("uv sync", 2, &["error: no pyproject.toml"]));
        assert_eq!(
            plain(&case, &ended),
            "`uv sync` succeeds\n  defined at checks/env.yaml:4\n  shell: host\n  ✗ run exit status: expected exit 0, found exit 2\n  $ uv sync\n    exit 2 after 3ms\n    stderr:\n    │ error: no pyproject.toml\n"
        );
        assert_eq!(summary(&ended), "run exit status: expected exit 0, found exit 2");
    }

    #[test]
    fn a_blocked_case_names_its_dependency_and_nothing_else() {
        console::set_colors_enabled(false);
        let blocked =
            outcome(Status::Blocked { dependency: "env::truth::uv-sync".into() }, Vec::new(), Vec::new());
        let text = plain(&truth("imports", "imports load", 9), &blocked);
        assert!(
            text.ends_with(
                "  ✗ blocked: it runs after `env::truth::uv-sync`, which did not pass; fix that one first\n"
            ),
            "{text}"
        );
        assert_eq!(summary(&blocked), "blocked: it runs after `env::truth::uv-sync`, which did not pass");
    }
}
