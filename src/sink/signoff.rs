//! The phase sign-off: a `VERIFICATION.md` in GSD's format, from outcomes.
//!
//! GSD reads the frontmatter (`status`, `score`, `gaps`, `human_verification`) to decide
//! whether a phase is done, and people read the three tables. Every status here is the
//! result of running a check, never of reading the code.

use std::fmt::Write;
use std::path::PathBuf;

use serde::Serialize;

use super::{Finish, Sink, SinkError, save};
use crate::case::{Case, Check, Kind};
use crate::exit;
use crate::outcome::{Outcome, Status};

/// `envtruth signoff`: the phase's VERIFICATION.md, whose verdict decides the exit code.
pub struct Signoff {
    /// What the report covers besides the cases.
    pub header: Header,
    /// Where it goes.
    pub out: PathBuf,
    /// `out` as shown to the user.
    pub shown: String,
}

impl Sink for Signoff {
    fn finish(&mut self, results: &[(&Case, &Outcome)]) -> Result<Finish, SinkError> {
        let (text, verdict, score) = render(&self.header, results);
        save(&self.out, text)?;
        Ok(Finish {
            note: Some(format!("wrote {}: {}, {score}", self.shown, verdict.word())),
            exit: Some(if verdict == Verdict::GapsFound { exit::GAPS } else { exit::PASSED }),
        })
    }
}

/// What a sign-off covers, besides the cases.
pub struct Header {
    /// The phase, as the plan names it.
    pub phase: String,
    /// When, UTC RFC 3339.
    pub verified: String,
    /// The plans, as shown.
    pub plans: Vec<String>,
    /// Where and with what it ran.
    pub environment: Environment,
}

/// The environment fingerprint of a sign-off.
#[derive(Serialize)]
pub struct Environment {
    /// The shells the checks ran in.
    pub installable: String,
    /// `sha256:...` of flake.lock, or `none`.
    pub flake_lock: String,
    /// `nix --version`, or `not installed`.
    pub nix_version: String,
    /// `x86_64-linux`.
    pub system: String,
    /// `git rev-parse HEAD`, `-dirty` when the tree has changes.
    pub git_revision: String,
}

/// How a sign-off ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every must-have verified.
    Passed,
    /// Something failed.
    GapsFound,
    /// Nothing failed, but a human must judge some truths.
    HumanNeeded,
}

impl Verdict {
    /// The word GSD reads in `status:`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::GapsFound => "gaps_found",
            Verdict::HumanNeeded => "human_needed",
        }
    }
}

#[derive(Serialize)]
struct Frontmatter<'a> {
    phase: &'a str,
    verified: &'a str,
    status: &'a str,
    score: String,
    gaps: Vec<Gap>,
    human_verification: Vec<Human>,
    verifier: String,
    environment: &'a Environment,
}

#[derive(Serialize)]
struct Gap {
    truth: String,
    status: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct Human {
    test: String,
    expected: String,
    why_human: String,
}

/// How one case counts in the sign-off.
enum Judgement {
    Verified,
    Failed(String),
    Human(String),
    /// A key link whose `from` a later plan creates: neither verified nor a gap.
    Pending(String),
}

fn judge(case: &Case, outcome: &Outcome) -> Judgement {
    match &outcome.status {
        Status::Passed => Judgement::Verified,
        Status::Manual { reason } => Judgement::Human(reason.clone()),
        Status::Pending { reason } => Judgement::Pending(reason.clone()),
        Status::Blocked { dependency } => Judgement::Failed(format!("blocked: `{dependency}` did not pass")),
        Status::Failed => {
            let failed: Vec<String> = outcome
                .findings
                .evidence
                .iter()
                .filter(|e| !e.passed)
                .map(|e| match &case.check {
                    Check::Truth { .. } => {
                        format!("{} {}: expected {}, found {}", e.probe, e.item, e.expected, e.found)
                    }
                    _ => e.found.clone(),
                })
                .collect();
            Judgement::Failed(failed.join("; "))
        }
    }
}

/// The evidence of a verified case, in a sentence: what each item found, and each
/// command with how it ended (which says its exit status better than the item does).
fn evidence(case: &Case, outcome: &Outcome) -> String {
    let mut parts: Vec<String> = outcome
        .findings
        .evidence
        .iter()
        .filter(|e| !e.restates_command)
        .map(|e| match case.check {
            Check::Artifact(_) => e.expected.clone(),
            _ => format!("{} {}: {}", e.probe, e.item, e.found),
        })
        .collect();
    parts.extend(outcome.findings.commands.iter().map(|c| format!("`{}` {}", c.command, c.ended)));
    parts.join("; ")
}

/// The report, its verdict and its score.
pub fn render(header: &Header, cases: &[(&Case, &Outcome)]) -> (String, Verdict, String) {
    let judged: Vec<(&Case, &Outcome, Judgement)> =
        cases.iter().map(|(c, o)| (*c, *o, judge(c, o))).collect();
    let verified = judged.iter().filter(|(_, _, j)| matches!(j, Judgement::Verified)).count();
    let score = format!("{verified}/{} must-haves verified", judged.len());
    let gaps: Vec<Gap> = judged
        .iter()
        .filter_map(|(case, _, j)| match j {
            Judgement::Failed(reason) => {
                Some(Gap { truth: case.title.clone(), status: "failed", reason: reason.clone() })
            }
            _ => None,
        })
        .collect();
    let humans: Vec<Human> = judged
        .iter()
        .filter_map(|(case, _, j)| match j {
            Judgement::Human(reason) => Some(Human {
                test: case.title.clone(),
                expected: "the truth holds".into(),
                why_human: reason.clone(),
            }),
            _ => None,
        })
        .collect();
    let verdict = match (gaps.is_empty(), humans.is_empty()) {
        (false, _) => Verdict::GapsFound,
        (true, false) => Verdict::HumanNeeded,
        (true, true) => Verdict::Passed,
    };
    let frontmatter = Frontmatter {
        phase: &header.phase,
        verified: &header.verified,
        status: verdict.word(),
        score: score.clone(),
        gaps,
        human_verification: humans,
        verifier: format!("envtruth {}", env!("CARGO_PKG_VERSION")),
        environment: &header.environment,
    };
    let mut out = String::from("---\n");
    out.push_str(&serde_yaml::to_string(&frontmatter).unwrap_or_default());
    out.push_str("---\n\n");
    let _ = writeln!(out, "# Phase {}: Verification Report\n", header.phase);
    let _ = writeln!(out, "**Verified:** {}", header.verified);
    let _ = writeln!(out, "**Status:** {}", verdict.word());
    let _ = writeln!(out, "**Score:** {score}");
    let plans: Vec<String> = header.plans.iter().map(|p| format!("`{p}`")).collect();
    let _ = writeln!(out, "**Plans:** {}", plans.join(", "));
    let _ = writeln!(
        out,
        "**Verifier:** envtruth {}: every status below is the result of running its check.\n",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("## Goal Achievement\n\n### Observable Truths\n\n| # | Truth | Status | Evidence |\n|---|-------|--------|----------|\n");
    let of_kind = |kind: Kind| judged.iter().filter(move |(c, _, _)| c.check.kind() == kind);
    for (n, (case, outcome, judgement)) in of_kind(Kind::Truth).enumerate() {
        let (status, detail) = match judgement {
            Judgement::Verified => ("✓ VERIFIED", evidence(case, outcome)),
            Judgement::Failed(reason) => ("✗ FAILED", reason.clone()),
            Judgement::Human(reason) | Judgement::Pending(reason) => {
                ("? UNCERTAIN", format!("needs a human: {reason}"))
            }
        };
        let _ = writeln!(out, "| {} | {} | {status} | {} |", n + 1, cell(&case.title), cell(&detail));
    }
    out.push_str("\n### Required Artifacts\n\n| Artifact | Expected | Status | Details |\n|----------|----------|--------|---------|\n");
    for (case, outcome, judgement) in of_kind(Kind::Artifact) {
        let Check::Artifact(spec) = &case.check else {
            let _ = writeln!(out, "| {} | as written | ? UNCERTAIN | needs a human |", cell(&case.title));
            continue;
        };
        let expected =
            spec.provides.clone().or_else(|| spec.contains.clone()).unwrap_or_else(|| "exists".into());
        let (status, detail) = match judgement {
            Judgement::Verified => ("✓ VERIFIED", evidence(case, outcome)),
            Judgement::Failed(reason) if outcome.findings.evidence.first().is_some_and(|e| !e.passed) => {
                ("✗ MISSING", reason.clone())
            }
            Judgement::Failed(reason) | Judgement::Human(reason) | Judgement::Pending(reason) => {
                ("⚠️ STUB", reason.clone())
            }
        };
        let _ =
            writeln!(out, "| `{}` | {} | {status} | {} |", cell(&spec.path), cell(&expected), cell(&detail));
    }
    out.push_str("\n### Key Link Verification\n\n| From | To | Via | Status | Details |\n|------|----|-----|--------|---------|\n");
    for (case, outcome, judgement) in of_kind(Kind::KeyLink) {
        let Check::KeyLink { spec, .. } = &case.check else {
            let _ = writeln!(out, "| {} | | | ? UNCERTAIN | needs a human |", cell(&case.title));
            continue;
        };
        let status = match judgement {
            Judgement::Verified => "✓ WIRED",
            Judgement::Pending(_) => "⏳ PENDING",
            _ => "✗ NOT_WIRED",
        };
        let mut detail =
            outcome.findings.evidence.iter().map(|e| e.found.clone()).collect::<Vec<_>>().join("; ");
        if let Judgement::Pending(reason) = judgement {
            detail = reason.clone();
        }
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {status} | {} |",
            cell(&spec.from),
            cell(&spec.to),
            cell(spec.via.as_deref().unwrap_or("")),
            cell(&detail)
        );
    }
    let mut prohibitions = of_kind(Kind::Prohibition).peekable();
    if prohibitions.peek().is_some() {
        out.push_str("\n### Prohibitions\n\n| Prohibition | Status | Evidence |\n|-------------|--------|----------|\n");
    }
    for (case, outcome, judgement) in prohibitions {
        let (status, detail) = match judgement {
            Judgement::Verified => ("✓ HELD", evidence(case, outcome)),
            Judgement::Failed(reason) => ("✗ NOT PROVEN", reason.clone()),
            Judgement::Human(reason) | Judgement::Pending(reason) => {
                ("? UNCERTAIN", format!("needs a human: {reason}"))
            }
        };
        let _ = writeln!(out, "| {} | {status} | {} |", cell(&case.title), cell(&detail));
    }
    let env = &header.environment;
    let _ = write!(
        out,
        "\n## Environment\n\n| Installable | flake.lock | Nix | System | Git revision |\n|---|---|---|---|---|\n| {} | {} | {} | {} | {} |\n",
        cell(&env.installable),
        cell(&env.flake_lock),
        cell(&env.nix_version),
        cell(&env.system),
        cell(&env.git_revision)
    );
    (out, verdict, score)
}

/// Text made safe for one Markdown table cell, and kept short.
fn cell(text: &str) -> String {
    let flat = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    crate::text::shorten(&flat, 400)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{artifact, failed, outcome, passed, truth};

    fn header() -> Header {
        Header {
            phase: "01-tooling".into(),
            verified: "2026-11-30T12:00:00Z".into(),
            plans: vec![".planning/phases/01-tooling/01-01-PLAN.md".into()],
            environment: Environment {
                installable: "host".into(),
                flake_lock: "none".into(),
                nix_version: "not installed".into(),
                system: "x86_64-linux".into(),
                git_revision: "not a git repository".into(),
            },
        }
    }

    #[test]
    fn gaps_outrank_humans_and_each_table_gets_its_rows() {
        let (a, b, c) = (
            truth("a", "uv is on PATH", 3),
            truth("b", "docs read well", 5),
            artifact("flake.nix", "the dev shell", 9),
        );
        let manual = outcome(Status::Manual { reason: "a person reads them".into() }, Vec::new(), Vec::new());
        let (pass, missing) =
            (passed("tools", "uv", "0.7.2"), failed("artifact", "flake.nix", "exists", "File not found"));
        let (text, verdict, score) = render(&header(), &[(&a, &pass), (&b, &manual), (&c, &missing)]);
        assert_eq!(verdict, Verdict::GapsFound);
        assert_eq!(score, "1/3 must-haves verified");
        assert!(text.contains("status: gaps_found\n"), "{text}");
        assert!(text.contains("| 1 | uv is on PATH | ✓ VERIFIED | tools uv: 0.7.2 |"), "{text}");
        assert!(
            text.contains("| 2 | docs read well | ? UNCERTAIN | needs a human: a person reads them |"),
            "{text}"
        );
        assert!(text.contains("| `flake.nix` | the dev shell | ✗ MISSING | File not found |"), "{text}");
        let (_, verdict, _) = render(&header(), &[(&a, &pass), (&b, &manual)]);
        assert_eq!(verdict, Verdict::HumanNeeded);
    }
}
