//! `--tap FILE`: the Test Anything Protocol, version 13 (the prove of Debian 12 refuses
//! 14), for bats and prove users; libtest owns `--format`, so TAP is a file like the other
//! reports. A failure carries its message in a YAML block; manual, pending and waived
//! cases are `# SKIP` with the reason.

use std::fmt::Write;
use std::path::PathBuf;

use super::{Finish, Sink, SinkError, message, save};
use crate::case::Case;
use crate::outcome::{Outcome, Status};

/// `--tap FILE`: the TAP report.
pub struct Tap(pub PathBuf);

impl Sink for Tap {
    fn finish(&mut self, results: &[(&Case, &Outcome)]) -> Result<Finish, SinkError> {
        save(&self.0, render(results))?;
        Ok(Finish::default())
    }
}

/// The TAP document of a run.
pub fn render(results: &[(&Case, &Outcome)]) -> String {
    let mut out = format!("TAP version 13\n1..{}\n", results.len());
    for (n, (case, outcome)) in results.iter().enumerate() {
        // `#` starts a directive in TAP: a name holding one is escaped.
        let name = case.name.replace('\\', "\\\\").replace('#', "\\#");
        let _ = match &outcome.status {
            Status::Passed => writeln!(out, "ok {} - {name}", n + 1),
            Status::Manual { .. } | Status::Pending { .. } | Status::Waived { .. } => {
                writeln!(out, "ok {} - {name} # SKIP {}", n + 1, one_line(&message::summary(outcome)))
            }
            Status::Failed | Status::Blocked { .. } => {
                let _ = writeln!(out, "not ok {} - {name}", n + 1);
                let _ = writeln!(out, "  ---");
                let _ = writeln!(out, "  message: {}", quoted(&message::summary(outcome)));
                let _ = writeln!(out, "  at: {}", quoted(&case.source.to_string()));
                let _ = writeln!(out, "  details: |");
                for line in message::plain(case, outcome).lines() {
                    let _ = writeln!(out, "    {line}");
                }
                writeln!(out, "  ...")
            }
        };
    }
    out
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

fn quoted(text: &str) -> String {
    serde_json::to_string(&one_line(text)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::outcome::Status;
    use crate::testing::{failed, outcome, passed, truth};

    #[test]
    fn a_plan_line_a_result_per_case_and_the_failure_in_a_yaml_block() {
        let (a, b, c) = (truth("a", "a holds", 3), truth("b#1", "b holds", 5), truth("c", "c holds", 7));
        let manual = outcome(Status::Manual { reason: "a person reads it".into() }, Vec::new(), Vec::new());
        let (pass, fail) =
            (passed("tools", "uv", "0.7.2"), failed("tools", "ruff", "on PATH", "not on PATH"));
        let tap = render(&[(&a, &pass), (&b, &fail), (&c, &manual)]);
        assert!(tap.starts_with("TAP version 13\n1..3\nok 1 - env::truth::a\nnot ok 2 - env::truth::b\\#1\n  ---\n  message: \"tools ruff: expected on PATH, found not on PATH\"\n  at: \"checks/env.yaml:5\"\n  details: |\n    b holds\n"), "{tap}");
        assert!(tap.ends_with("  ...\nok 3 - env::truth::c # SKIP manual: a person reads it\n"), "{tap}");
    }
}
