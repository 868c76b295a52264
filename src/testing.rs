//! Builders of cases and outcomes for unit tests, so every sink is tested on the outcome
//! it renders without running a command.

use std::path::PathBuf;
use std::time::Duration;

use crate::case::{Case, Check, Source, Suite};
use crate::outcome::{CommandRecord, Ended, Evidence, Findings, Outcome, Status};
use crate::spec::{ArtifactSpec, ShellSpec};

fn suite() -> Suite {
    Suite {
        name: "env".into(),
        shell: ShellSpec::Host,
        timeout: Duration::from_secs(300),
        capture_timeout: Duration::from_secs(600),
        plan: None,
    }
}

fn source(line: usize) -> Source {
    Source { file: PathBuf::from("checks/env.yaml"), line, column: 5 }
}

/// `env::truth::ID`, defined at `checks/env.yaml:LINE`.
pub fn truth(id: &str, title: &str, line: usize) -> Case {
    Case::new(&suite(), id, title.into(), source(line), Check::Truth { probes: Vec::new(), manual: None })
}

/// `env::artifact::PATH`.
pub fn artifact(path: &str, provides: &str, line: usize) -> Case {
    let spec = ArtifactSpec {
        path: path.into(),
        provides: Some(provides.into()),
        contains: None,
        min_lines: None,
        exports: Default::default(),
    };
    Case::new(&suite(), path, format!("{path}: {provides}"), source(line), Check::Artifact(spec))
}

/// An outcome with `status`, these items and commands, 7 ms, in the host shell.
pub fn outcome(status: Status, evidence: Vec<Evidence>, commands: Vec<CommandRecord>) -> Outcome {
    Outcome {
        status,
        findings: Findings { evidence, commands },
        duration: Duration::from_millis(7),
        shell: Some("host".into()),
    }
}

/// A passed outcome with one item.
pub fn passed(probe: &'static str, item: &str, found: &str) -> Outcome {
    outcome(Status::Passed, vec![Evidence::new(probe, item, true, "it holds", found)], Vec::new())
}

/// A failed outcome with one item.
pub fn failed(probe: &'static str, item: &str, expected: &str, found: &str) -> Outcome {
    outcome(Status::Failed, vec![Evidence::new(probe, item, false, expected, found)], Vec::new())
}

/// A command that ended with exit `code` after 3 ms, having printed `stderr`.
pub fn command(command: &str, code: i32, stderr: &[&str]) -> CommandRecord {
    CommandRecord {
        command: command.into(),
        ended: Ended::Exit(code),
        duration: Duration::from_millis(3),
        stdout_tail: Vec::new(),
        stderr_tail: stderr.iter().map(|line| line.to_string()).collect(),
        killed_leftovers: false,
    }
}
