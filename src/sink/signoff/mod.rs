//! The phase sign-off: a `VERIFICATION.md` in GSD's format, from outcomes.
//!
//! GSD reads the frontmatter (`status`, `score`, `gaps`, `human_verification`,
//! `overrides`, `re_verification`, `deferred`) to decide whether a phase is done and what
//! to plan next, and people read the tables. Every status here is the result of running a
//! check, never of reading the code. As GSD's verifier: `score` counts the plan's truths
//! (artifacts and key links have their own tables); a failure a person accepted (an
//! override of the previous report, a check file's waiver) is "passed by override",
//! always listed; a truth a later phase's plan takes up is deferred, not a gap; the status
//! is gaps_found over human_needed over passed, and never passed with nothing verified.

mod covered;
pub mod previous;
mod yaml;

use std::fmt::Write;
use std::path::PathBuf;

use super::{Finish, Sink, SinkError, save};
use crate::case::{Case, Check, Kind};
use crate::exit;
use crate::outcome::{Evidence, Outcome, Status};
use previous::Previous;
use yaml::Node;

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
    /// The report this one replaces, if there was one.
    pub previous: Option<Previous>,
    /// Truths of later phases' plans: a failing truth one of them takes up is deferred.
    pub later: Vec<Later>,
    /// The project root, which covered files are relative to.
    pub root: PathBuf,
    /// Files the report covers whatever the checks read: the phase's plans and summaries,
    /// the check files (root-relative).
    pub covered: Vec<String>,
}

/// A truth a later phase's plan states.
#[derive(Debug, Clone)]
pub struct Later {
    /// The truth, as the later plan words it.
    pub statement: String,
    /// `phase NN-name (plan FILE)`.
    pub addressed_in: String,
    /// Where the later plan states it.
    pub at: String,
}

/// The environment fingerprint of a sign-off.
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

/// How one case counts in the sign-off.
enum Judgement {
    Verified,
    /// Failed, accepted: counts as verified, as GSD counts "passed (override)".
    Waived(String),
    Failed(String),
    Human(String),
    /// A key link whose `from` a later plan creates: neither verified nor a gap.
    Pending(String),
    /// A failing truth a later phase's plan takes up.
    Deferred(Later),
}

impl Judgement {
    fn verified(&self) -> bool {
        matches!(self, Judgement::Verified | Judgement::Waived(_))
    }
}

fn judge(case: &Case, outcome: &Outcome, later: &[Later]) -> Judgement {
    match &outcome.status {
        Status::Passed => Judgement::Verified,
        Status::Waived { reason } => Judgement::Waived(reason.clone()),
        Status::Manual { reason } => Judgement::Human(reason.clone()),
        Status::Pending { reason } => Judgement::Pending(reason.clone()),
        Status::Blocked { .. } | Status::Failed if case.check.kind() == Kind::Truth => {
            // Matched as overrides are: the later plan rewords the truth a little.
            match later.iter().find(|l| previous::same_must_have(&l.statement, &case.title) >= 0.8) {
                Some(later) => Judgement::Deferred(later.clone()),
                None => Judgement::Failed(reason(case, outcome)),
            }
        }
        Status::Blocked { .. } | Status::Failed => Judgement::Failed(reason(case, outcome)),
    }
}

/// Why a case failed, in one line.
fn reason(case: &Case, outcome: &Outcome) -> String {
    if let Status::Blocked { dependency } = &outcome.status {
        return format!("blocked: `{dependency}` did not pass");
    }
    let failed: Vec<String> = failed(outcome)
        .map(|e| match &case.check {
            Check::Truth { .. } | Check::Prohibition(_) => {
                format!("{} {}: expected {}, found {}", e.probe, e.item, e.expected, e.found)
            }
            _ => e.found.clone(),
        })
        .collect();
    failed.join("; ")
}

fn failed(outcome: &Outcome) -> impl Iterator<Item = &Evidence> {
    outcome.findings.evidence.iter().filter(|e| !e.passed)
}

/// A gap as GSD's gap-closure planner reads it: the files at fault, each with its issue,
/// and what is missing.
fn gap(case: &Case, outcome: &Outcome, reason: &str) -> Node {
    let files = ["files", "artifact", "key_link", "flake_lock"];
    let artifacts: Vec<Node> = failed(outcome)
        .filter(|e| files.contains(&e.probe))
        .map(|e| {
            let path = match &case.check {
                Check::Artifact(spec) => spec.path.clone(),
                _ => e.item.clone(),
            };
            Node::Map(vec![("path", Node::text(path)), ("issue", Node::text(&e.found))])
        })
        .collect();
    let missing: Vec<Node> =
        failed(outcome).map(|e| Node::text(format!("{} {}: {}", e.probe, e.item, e.expected))).collect();
    Node::Map(vec![
        ("truth", Node::text(&case.title)),
        ("status", Node::text("failed")),
        ("reason", Node::text(reason)),
        ("artifacts", Node::List(artifacts)),
        ("missing", Node::List(missing)),
    ])
}

/// What a person checks for a case only a person can judge, and what they should find.
fn human(case: &Case, reason: &str) -> Node {
    let source = &case.source;
    let (test, why) = match &case.check {
        Check::Truth { .. } => {
            (reason.to_string(), format!("marked `manual` at {source}: nothing runs for it"))
        }
        Check::ForAHuman { reason, .. } => {
            (format!("Check by hand: {}", case.title), format!("{reason} ({source})"))
        }
        _ => (format!("Check by hand: {}", case.title), reason.to_string()),
    };
    Node::Map(vec![
        ("test", Node::text(test)),
        ("expected", Node::text(&case.title)),
        ("why_human", Node::text(why)),
    ])
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
        cases.iter().map(|(c, o)| (*c, *o, judge(c, o, &header.later))).collect();
    let of_kind = |kind: Kind| judged.iter().filter(move |(c, _, _)| c.check.kind() == kind);
    let truths = of_kind(Kind::Truth).count();
    let verified = of_kind(Kind::Truth).filter(|(_, _, j)| j.verified()).count();
    let score = format!("{verified}/{truths} must-haves verified");
    let mut gaps = Vec::new();
    let mut humans = Vec::new();
    let mut overrides = Vec::new();
    let mut deferred = Vec::new();
    for (case, outcome, judgement) in &judged {
        match judgement {
            Judgement::Failed(why) => gaps.push(gap(case, outcome, why)),
            Judgement::Human(why) => humans.push(human(case, why)),
            Judgement::Waived(why) => overrides.push(override_of(case, why)),
            Judgement::Deferred(later) => deferred.push(Node::Map(vec![
                ("truth", Node::text(&case.title)),
                ("addressed_in", Node::text(&later.addressed_in)),
                ("evidence", Node::text(format!("the plan states it at {}", later.at))),
            ])),
            Judgement::Verified | Judgement::Pending(_) => {}
        }
    }
    // Nothing verified is no pass: a phase whose plan states no truth needs a person.
    if truths == 0 && gaps.is_empty() {
        humans.push(Node::Map(vec![
            ("test", Node::text("Read the phase goal and confirm it is met")),
            ("expected", Node::text("the phase does what its goal says")),
            (
                "why_human",
                Node::text(
                    "the plans state no truth, so nothing proves the phase; a score of 0/0 never passes",
                ),
            ),
        ]));
    }
    let verdict = match (gaps.is_empty(), humans.is_empty()) {
        (false, _) => Verdict::GapsFound,
        (true, false) => Verdict::HumanNeeded,
        (true, true) => Verdict::Passed,
    };
    let mut front: Vec<(&'static str, Node)> = vec![
        ("phase", Node::text(&header.phase)),
        ("verified", Node::text(&header.verified)),
        ("status", Node::text(verdict.word())),
        ("score", Node::text(&score)),
    ];
    if let Some(previous) = &header.previous {
        front.push(("re_verification", re_verification(previous, &judged)));
    }
    if !overrides.is_empty() {
        front.push(("overrides", Node::List(overrides)));
    }
    front.push(("gaps", Node::List(gaps)));
    if !deferred.is_empty() {
        front.push(("deferred", Node::List(deferred)));
    }
    front.push(("human_verification", Node::List(humans)));
    if let Some((files, digest)) = covered::digest(&header.root, covered_files(header, &judged)) {
        front.push(("covered_files", Node::List(files.into_iter().map(Node::Text).collect())));
        front.push(("covered_digest", Node::text(digest)));
    }
    front.push(("verifier", Node::text(format!("envtruth {}", env!("CARGO_PKG_VERSION")))));
    let env = &header.environment;
    front.push((
        "environment",
        Node::Map(vec![
            ("installable", Node::text(&env.installable)),
            ("flake_lock", Node::text(&env.flake_lock)),
            ("nix_version", Node::text(&env.nix_version)),
            ("system", Node::text(&env.system)),
            ("git_revision", Node::text(&env.git_revision)),
        ]),
    ));
    let mut out = format!("---\n{}---\n\n", yaml::emit(&front));
    let _ = writeln!(out, "# Phase {}: Verification Report\n", header.phase);
    let _ = writeln!(out, "**Verified:** {}", header.verified);
    let _ = writeln!(out, "**Status:** {}", verdict.word());
    let _ = writeln!(out, "**Score:** {score}");
    if let Some(previous) = &header.previous {
        let was = previous.status.as_deref().unwrap_or("unknown");
        let _ = writeln!(
            out,
            "**Re-verification:** previously {was}, {}",
            previous.score.as_deref().unwrap_or("no score")
        );
    }
    let plans: Vec<String> = header.plans.iter().map(|p| format!("`{p}`")).collect();
    let _ = writeln!(out, "**Plans:** {}", plans.join(", "));
    let _ = writeln!(
        out,
        "**Verifier:** envtruth {}: every status below is the result of running its check.\n",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("## Goal Achievement\n\n### Observable Truths\n\n| # | Truth | Status | Evidence |\n|---|-------|--------|----------|\n");
    for (n, (case, outcome, judgement)) in of_kind(Kind::Truth).enumerate() {
        let (status, detail) = row(case, outcome, judgement, "✓ VERIFIED", "✗ FAILED");
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
        let missing = outcome.findings.evidence.first().is_some_and(|e| !e.passed);
        let failed = if missing { "✗ MISSING" } else { "⚠️ STUB" };
        let (status, detail) = row(case, outcome, judgement, "✓ VERIFIED", failed);
        let _ =
            writeln!(out, "| `{}` | {} | {status} | {} |", cell(&spec.path), cell(&expected), cell(&detail));
    }
    out.push_str("\n### Key Link Verification\n\n| From | To | Via | Status | Details |\n|------|----|-----|--------|---------|\n");
    for (case, outcome, judgement) in of_kind(Kind::KeyLink) {
        let Check::KeyLink { spec, .. } = &case.check else {
            let _ = writeln!(out, "| {} | | | ? UNCERTAIN | needs a human |", cell(&case.title));
            continue;
        };
        let (status, detail) = match judgement {
            Judgement::Pending(reason) => ("⏳ PENDING", reason.clone()),
            Judgement::Verified => (
                "✓ WIRED",
                outcome.findings.evidence.iter().map(|e| e.found.clone()).collect::<Vec<_>>().join("; "),
            ),
            _ => row(case, outcome, judgement, "✓ WIRED", "✗ NOT_WIRED"),
        };
        let via = spec.via.as_deref().unwrap_or("");
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {status} | {} |",
            cell(&spec.from),
            cell(&spec.to),
            cell(via),
            cell(&detail)
        );
    }
    let mut prohibitions = of_kind(Kind::Prohibition).peekable();
    if prohibitions.peek().is_some() {
        out.push_str("\n### Prohibitions\n\n| Prohibition | Status | Evidence |\n|-------------|--------|----------|\n");
    }
    for (case, outcome, judgement) in prohibitions {
        let (status, detail) = row(case, outcome, judgement, "✓ HELD", "✗ NOT PROVEN");
        let _ = writeln!(out, "| {} | {status} | {} |", cell(&case.title), cell(&detail));
    }
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

/// What the checks read: the header's files, each artifact and key-link file, and each
/// file a probe checked.
fn covered_files(header: &Header, judged: &[(&Case, &Outcome, Judgement)]) -> Vec<String> {
    let mut files = header.covered.clone();
    for (case, outcome, _) in judged {
        match &case.check {
            Check::Artifact(spec) => files.push(spec.path.clone()),
            Check::KeyLink { spec, .. } => files.extend([spec.from.clone(), spec.to.clone()]),
            _ => {}
        }
        let read = outcome.findings.evidence.iter().filter(|e| matches!(e.probe, "files" | "flake_lock"));
        files.extend(read.map(|e| e.item.clone()));
    }
    files
}

/// A table row's status and details.
fn row(
    case: &Case,
    outcome: &Outcome,
    judgement: &Judgement,
    good: &'static str,
    bad: &'static str,
) -> (&'static str, String) {
    match judgement {
        Judgement::Verified => (good, evidence(case, outcome)),
        Judgement::Waived(why) => {
            ("✓ PASSED (override)", format!("{why}; failing: {}", reason(case, outcome)))
        }
        Judgement::Failed(why) => (bad, why.clone()),
        Judgement::Human(why) => ("? UNCERTAIN", format!("needs a human: {why}")),
        Judgement::Pending(why) => ("⏳ PENDING", why.clone()),
        Judgement::Deferred(later) => ("↷ DEFERRED", format!("taken up by {}", later.addressed_in)),
    }
}

/// The `overrides:` entry of a waived case: always listed, so nobody mistakes it for a pass.
fn override_of(case: &Case, why: &str) -> Node {
    let waiver = case.waiver.as_ref();
    let mut entry = vec![
        ("must_have", Node::text(&case.title)),
        ("reason", Node::text(waiver.map_or(why, |w| w.reason.as_str()))),
    ];
    if let Some(by) = waiver.and_then(|w| w.by.clone()) {
        entry.push(("accepted_by", Node::text(by)));
    }
    if let Some(at) = waiver.and_then(|w| w.accepted_at.clone()) {
        entry.push(("accepted_at", Node::text(at)));
    }
    if let Some(last) = waiver.and_then(|w| w.expires.clone()) {
        entry.push(("expires", Node::text(last)));
    }
    Node::Map(entry)
}

/// What changed since the previous report: gaps closed and remaining, and regressions
/// (failing now, not a gap before).
fn re_verification(previous: &Previous, judged: &[(&Case, &Outcome, Judgement)]) -> Node {
    let was_gap = |title: &str| previous.gaps.iter().any(|g| previous::same_must_have(g, title) >= 0.8);
    let failing = |j: &Judgement| matches!(j, Judgement::Failed(_));
    let titles = |keep: &dyn Fn(&Case, &Judgement) -> bool| -> Node {
        Node::List(
            judged.iter().filter(|(c, _, j)| keep(c, j)).map(|(c, _, _)| Node::text(&c.title)).collect(),
        )
    };
    let closed: Vec<Node> = previous
        .gaps
        .iter()
        .filter(|gap| {
            !judged.iter().any(|(c, _, j)| failing(j) && previous::same_must_have(gap, &c.title) >= 0.8)
        })
        .map(|gap| Node::text(gap.clone()))
        .collect();
    Node::Map(vec![
        ("previous_status", Node::text(previous.status.as_deref().unwrap_or("unknown"))),
        ("previous_score", Node::text(previous.score.as_deref().unwrap_or("unknown"))),
        ("gaps_closed", Node::List(closed)),
        ("gaps_remaining", titles(&|c, j| failing(j) && was_gap(&c.title))),
        ("regressions", titles(&|c, j| failing(j) && !was_gap(&c.title))),
    ])
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
            previous: None,
            later: Vec::new(),
            root: PathBuf::from("/nonexistent"),
            covered: Vec::new(),
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
        assert_eq!(score, "1/2 must-haves verified");
        assert!(text.contains("status: gaps_found\n"), "{text}");
        assert!(text.contains("gaps:\n  - truth: \"flake.nix: the dev shell\"\n    status: failed\n    reason: File not found\n    artifacts:\n      - path: flake.nix\n        issue: File not found\n    missing:\n      - \"artifact flake.nix: exists\"\n"), "{text}");
        assert!(text.contains("| 1 | uv is on PATH | ✓ VERIFIED | tools uv: 0.7.2 |"), "{text}");
        assert!(
            text.contains("| 2 | docs read well | ? UNCERTAIN | needs a human: a person reads them |"),
            "{text}"
        );
        assert!(text.contains("| `flake.nix` | the dev shell | ✗ MISSING | File not found |"), "{text}");
        let (_, verdict, _) = render(&header(), &[(&a, &pass), (&b, &manual)]);
        assert_eq!(verdict, Verdict::HumanNeeded);
    }

    #[test]
    fn nothing_verified_never_passes() {
        let c = artifact("flake.nix", "the dev shell", 9);
        let (text, verdict, score) = render(&header(), &[(&c, &passed("artifact", "flake.nix", "exists"))]);
        assert_eq!((verdict, score.as_str()), (Verdict::HumanNeeded, "0/0 must-haves verified"));
        assert!(text.contains("a score of 0/0 never passes"), "{text}");
    }

    #[test]
    fn a_waived_failure_is_listed_as_an_override_and_a_later_plan_defers_a_gap() {
        let mut a = truth("a", "the docs build", 3);
        a.waiver = Some(crate::case::Waiver {
            reason: "the docs move in phase 3".into(),
            expires: Some("2027-01-31".into()),
            by: Some("ana".into()),
            accepted_at: None,
            from: "checks/env.yaml:5".into(),
        });
        let b = truth("b", "the API is versioned", 5);
        let waived = outcome(
            Status::Waived { reason: "the docs move in phase 3 (until 2027-01-31)".into() },
            Vec::new(),
            Vec::new(),
        );
        let mut header = header();
        header.later.push(Later {
            statement: "The API is versioned".into(),
            addressed_in: "phase 02-api (plan .planning/phases/02-api/02-01-PLAN.md)".into(),
            at: ".planning/phases/02-api/02-01-PLAN.md:12".into(),
        });
        header.previous = Some(Previous {
            status: Some("gaps_found".into()),
            score: Some("0/2".into()),
            gaps: vec!["the docs build".into()],
            ..Previous::default()
        });
        let (text, verdict, score) =
            render(&header, &[(&a, &waived), (&b, &failed("run", "exit status", "exit 0", "exit 1"))]);
        assert_eq!((verdict, score.as_str()), (Verdict::Passed, "1/2 must-haves verified"));
        assert!(text.contains("overrides:\n  - must_have: the docs build\n    reason: the docs move in phase 3\n    accepted_by: ana\n    expires: 2027-01-31\n"), "{text}");
        assert!(text.contains("deferred:\n  - truth: the API is versioned\n    addressed_in: phase 02-api (plan .planning/phases/02-api/02-01-PLAN.md)\n"), "{text}");
        assert!(text.contains("re_verification:\n  previous_status: gaps_found\n  previous_score: 0/2\n  gaps_closed:\n    - the docs build\n  gaps_remaining: []\n  regressions: []\n"), "{text}");
        assert!(text.contains("| 1 | the docs build | ✓ PASSED (override) |"), "{text}");
    }
}
