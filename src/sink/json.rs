//! The JSON results document: a stable, versioned shape for tools (README, "JSON report").
//!
//! Version 2 (statuses `pending` and `waived`, and their counts, joined). Fields are only ever added
//! within a version; a new status, a change of meaning or a
//! removal bumps `version`.

use std::path::PathBuf;

use serde::Serialize;

use super::{Finish, Sink, SinkError, save};
use crate::case::{Case, Source};
use crate::outcome::{Ended, Outcome, Status};

/// `--json FILE`: the JSON results document.
pub struct Json(pub PathBuf);

impl Sink for Json {
    fn finish(&mut self, results: &[(&Case, &Outcome)]) -> Result<Finish, SinkError> {
        save(&self.0, render(results))?;
        Ok(Finish::default())
    }
}

/// The document's version.
pub const VERSION: u32 = 2;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    envtruth: &'static str,
    summary: Summary,
    cases: Vec<CaseJson<'a>>,
}

#[derive(Serialize, Default)]
struct Summary {
    total: usize,
    passed: usize,
    failed: usize,
    blocked: usize,
    manual: usize,
    pending: usize,
    waived: usize,
}

#[derive(Serialize)]
struct Location {
    file: String,
    line: usize,
    column: usize,
}

impl From<&Source> for Location {
    fn from(source: &Source) -> Self {
        Location { file: source.file.display().to_string(), line: source.line, column: source.column }
    }
}

#[derive(Serialize)]
struct CaseJson<'a> {
    name: &'a str,
    suite: &'a str,
    kind: &'static str,
    truth: &'a str,
    status: &'static str,
    duration_ms: u128,
    source: Location,
    shell: Option<&'a str>,
    blocked_by: Option<&'a str>,
    manual_reason: Option<&'a str>,
    evidence: Vec<EvidenceJson<'a>>,
    commands: Vec<CommandJson<'a>>,
}

#[derive(Serialize)]
struct EvidenceJson<'a> {
    probe: &'static str,
    item: &'a str,
    passed: bool,
    expected: &'a str,
    found: &'a str,
    source: Location,
}

#[derive(Serialize)]
struct CommandJson<'a> {
    command: &'a str,
    ended: String,
    exit_code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
    duration_ms: u128,
    stdout_tail: &'a [String],
    stderr_tail: &'a [String],
}

/// The JSON document of a run.
pub fn render(results: &[(&Case, &Outcome)]) -> String {
    let mut summary = Summary { total: results.len(), ..Summary::default() };
    let cases = results
        .iter()
        .map(|(case, outcome)| {
            let status = match &outcome.status {
                Status::Passed => {
                    summary.passed += 1;
                    "passed"
                }
                Status::Failed => {
                    summary.failed += 1;
                    "failed"
                }
                Status::Blocked { .. } => {
                    summary.blocked += 1;
                    "blocked"
                }
                Status::Manual { .. } => {
                    summary.manual += 1;
                    "manual"
                }
                Status::Pending { .. } => {
                    summary.pending += 1;
                    "pending"
                }
                Status::Waived { .. } => {
                    summary.waived += 1;
                    "waived"
                }
            };
            CaseJson {
                name: &case.name,
                suite: case.suite(),
                kind: case.check.kind().word(),
                truth: &case.title,
                status,
                duration_ms: outcome.duration.as_millis(),
                source: (&case.source).into(),
                shell: outcome.shell.as_deref(),
                blocked_by: match &outcome.status {
                    Status::Blocked { dependency } => Some(dependency),
                    _ => None,
                },
                manual_reason: match &outcome.status {
                    Status::Manual { reason } | Status::Pending { reason } | Status::Waived { reason } => {
                        Some(reason)
                    }
                    _ => None,
                },
                evidence: outcome
                    .findings
                    .evidence
                    .iter()
                    .map(|e| EvidenceJson {
                        probe: e.probe,
                        item: &e.item,
                        passed: e.passed,
                        expected: &e.expected,
                        found: &e.found,
                        source: case.item_source(e.probe, &e.item).into(),
                    })
                    .collect(),
                commands: outcome
                    .findings
                    .commands
                    .iter()
                    .map(|c| CommandJson {
                        command: &c.command,
                        ended: c.ended.to_string(),
                        exit_code: match c.ended {
                            Ended::Exit(code) => Some(code),
                            _ => None,
                        },
                        signal: match c.ended {
                            Ended::Signal(signal) => Some(signal),
                            _ => None,
                        },
                        timed_out: matches!(c.ended, Ended::TimedOut(_)),
                        duration_ms: c.duration.as_millis(),
                        stdout_tail: &c.stdout_tail,
                        stderr_tail: &c.stderr_tail,
                    })
                    .collect(),
            }
        })
        .collect();
    let document = Document { version: VERSION, envtruth: env!("CARGO_PKG_VERSION"), summary, cases };
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::testing::{artifact, failed, passed, truth};

    #[test]
    fn the_document_counts_and_places_every_case() {
        let (a, b) = (truth("a", "a holds", 3), artifact("flake.nix", "the dev shell", 9));
        let (pass, fail) =
            (passed("env", "PATH", "`/bin`"), failed("artifact", "flake.nix", "exists", "File not found"));
        let json: serde_json::Value = serde_json::from_str(&render(&[(&a, &pass), (&b, &fail)])).unwrap();
        assert_eq!(json["version"], 2);
        assert_eq!(json["summary"]["total"], 2);
        assert_eq!(json["summary"]["failed"], 1);
        assert_eq!(json["cases"][1]["kind"], "artifact");
        assert_eq!(json["cases"][1]["name"], "env::artifact::flake.nix");
        assert_eq!(json["cases"][1]["source"]["line"], 9);
        assert_eq!(json["cases"][0]["evidence"][0]["found"], "`/bin`");
    }
}
