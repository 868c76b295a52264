//! A prohibition's own check, as a GSD plan describes it (`check_kind`, `check_target`,
//! `check_rule`, `check_violation_fixture`, `check_clean_fixture`), run as gsd-core's
//! verifier runs it. A check proves a prohibition only if it can fail: it must fail on the
//! violation fixture, and pass on the target (and on the clean fixture).
//!
//! - `node-test`: `node --test --test-reporter=tap -- TARGET`; the fixture under test is
//!   handed to the test in `GSD_PROHIB_SUBJECT`. A pass needs at least one test, one
//!   passing, none failing or cancelled, and a test named other than the file (a file that
//!   only loads proves nothing); a fixture run must fail with such a named test.
//! - `lint-rule`: the project's own ESLint (`node_modules/eslint`), `--format json`;
//!   the target passes with no message of `check_rule` (suppressed ones count), the
//!   violation fixture must get one. Without ESLint the item is unverified.

use std::ffi::OsString;
use std::path::Path;

use serde::Deserialize;

use super::Context;
use crate::exec::Finished;
use crate::outcome::{Evidence, Findings};

const PROBE: &str = "prohibition";

/// A prohibition's own check, as the plan describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    /// `node-test` or `lint-rule`.
    pub kind: String,
    /// `check_target`: the test file, or the files the rule lints.
    pub target: Option<String>,
    /// `check_rule`: the lint rule.
    pub rule: Option<String>,
    /// `check_violation_fixture`: a file the check must fail on.
    pub violation_fixture: Option<String>,
    /// `check_clean_fixture`: a file the check must pass on.
    pub clean_fixture: Option<String>,
}

/// Runs the descriptor's checks: one item for the target, one per fixture.
pub fn check(descriptor: &Descriptor, ctx: &Context<'_>) -> Findings {
    let mut findings = Findings::default();
    let Some(target) = &descriptor.target else {
        findings.evidence.push(Evidence::new(
            PROBE,
            "check_target",
            false,
            "the file the check runs",
            "none given; add `check_target` to the prohibition",
        ));
        return findings;
    };
    // The target and fixtures are project files, as artifacts are: never outside the root.
    if let Some(why) = crate::inside::escape(ctx.root, target) {
        findings.evidence.push(Evidence::new(
            PROBE,
            "check_target",
            false,
            "a file inside the project root",
            why,
        ));
        return findings;
    }
    match descriptor.kind.as_str() {
        "node-test" => node_test(descriptor, target, ctx, &mut findings),
        "lint-rule" => lint_rule(descriptor, target, ctx, &mut findings),
        other => findings.evidence.push(Evidence::new(
            PROBE,
            "check_kind",
            false,
            "`node-test` or `lint-rule`",
            format!("`{other}`, which envtruth cannot run; mirror the prohibition in a check file with a probe instead"),
        )),
    }
    findings
}

/// The TAP counts node's test runner prints, and the names of its top-level tests.
#[derive(Default)]
struct Tap {
    tests: u64,
    pass: u64,
    fail: u64,
    cancelled: u64,
    /// Top-level results other than the file itself: (passed, name).
    named: Vec<(bool, String)>,
}

fn node_test(descriptor: &Descriptor, target: &str, ctx: &Context<'_>, findings: &mut Findings) {
    let file = Path::new(target).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let run = |subject: Option<&str>, findings: &mut Findings| {
        let argv: Vec<OsString> =
            ["node", "--test", "--test-reporter=tap", "--", target].map(OsString::from).into();
        // As gsd-core runs it: a test runner's own context must not leak into the test.
        let mut extra = vec![("NODE_TEST_CONTEXT", ""), ("NODE_OPTIONS", "")];
        extra.extend(subject.map(|s| ("GSD_PROHIB_SUBJECT", s)));
        let shown = match subject {
            Some(subject) => format!("GSD_PROHIB_SUBJECT={subject} node --test -- {target}"),
            None => format!("node --test -- {target}"),
        };
        let finished = ctx.run_with(&argv, &shown, &extra);
        let tap = read_tap(&finished, &file);
        findings.commands.push(finished.record);
        tap
    };
    let tap = run(None, findings);
    let green = tap.tests >= 1
        && tap.pass >= 1
        && tap.fail == 0
        && tap.cancelled == 0
        && tap.named.iter().any(|(ok, _)| *ok);
    findings.evidence.push(Evidence::new(
        PROBE,
        target,
        green,
        "its tests pass (at least one named test, none failing)",
        tap_summary(&tap),
    ));
    match fixture(&descriptor.violation_fixture, "check_violation_fixture", ctx) {
        Err(missing) => findings.evidence.push(Evidence::new(
            PROBE,
            "violation fixture",
            false,
            "a fixture the check fails on",
            missing,
        )),
        Ok(fixture) => {
            let tap = run(Some(&fixture), findings);
            let red = tap.fail >= 1 && tap.named.iter().any(|(ok, _)| !*ok);
            let expected = format!("the tests fail on {fixture} (a named test failing)");
            findings.evidence.push(Evidence::new(
                PROBE,
                "violation fixture",
                red,
                expected,
                tap_summary(&tap),
            ));
        }
    }
    match fixture(&descriptor.clean_fixture, "check_clean_fixture", ctx) {
        Err(missing) => findings.evidence.push(Evidence::new(
            PROBE,
            "clean fixture",
            false,
            "a fixture the check passes on",
            missing,
        )),
        Ok(fixture) => {
            let tap = run(Some(&fixture), findings);
            let green = tap.tests >= 1 && tap.pass >= 1 && tap.fail == 0 && tap.cancelled == 0;
            let expected = format!("the tests pass on {fixture}");
            findings.evidence.push(Evidence::new(PROBE, "clean fixture", green, expected, tap_summary(&tap)));
        }
    }
}

/// A fixture the descriptor names, when it exists under the root.
fn fixture(named: &Option<String>, key: &str, ctx: &Context<'_>) -> Result<String, String> {
    match named {
        None => Err(format!("none given; add `{key}`: without it the check could pass on anything")),
        Some(path) if let Some(why) = crate::inside::escape(ctx.root, path) => Err(why),
        Some(path) if ctx.root.join(path).is_file() => Ok(path.clone()),
        Some(path) => Err(format!("`{path}` does not exist")),
    }
}

fn read_tap(finished: &Finished, file: &str) -> Tap {
    let mut tap = Tap::default();
    let _ = finished.stdout.any_line(|line| {
        let count = |prefix: &str| line.strip_prefix(prefix).and_then(|n| n.trim().parse::<u64>().ok());
        if let Some(n) = count("# tests ") {
            tap.tests = n;
        } else if let Some(n) = count("# pass ") {
            tap.pass = n;
        } else if let Some(n) = count("# fail ") {
            tap.fail = n;
        } else if let Some(n) = count("# cancelled ") {
            tap.cancelled = n;
        } else if let Some((ok, name)) = top_level_result(line) {
            let base =
                Path::new(&name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if base != file {
                tap.named.push((ok, name));
            }
        }
        false
    });
    tap
}

/// `ok 1 - name` / `not ok 2 - name` at column 0, other than SKIP and TODO.
fn top_level_result(line: &str) -> Option<(bool, String)> {
    let (ok, rest) = match line.strip_prefix("not ok ") {
        Some(rest) => (false, rest),
        None => (true, line.strip_prefix("ok ")?),
    };
    let name = rest.split_once(" - ")?.1;
    let upper = name.to_ascii_uppercase();
    (!upper.contains("# SKIP") && !upper.contains("# TODO")).then(|| (ok, name.to_string()))
}

fn tap_summary(tap: &Tap) -> String {
    format!("{} tests, {} passed, {} failed, {} cancelled", tap.tests, tap.pass, tap.fail, tap.cancelled)
}

/// One file's result in ESLint's JSON.
#[derive(Deserialize)]
struct Linted {
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default, rename = "suppressedMessages")]
    suppressed: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default, rename = "ruleId")]
    rule: Option<String>,
    #[serde(default)]
    fatal: bool,
}

fn lint_rule(descriptor: &Descriptor, target: &str, ctx: &Context<'_>, findings: &mut Findings) {
    let Some(rule) = &descriptor.rule else {
        findings.evidence.push(Evidence::new(
            PROBE,
            "check_rule",
            false,
            "the ESLint rule that must stay quiet",
            "none given; add `check_rule`",
        ));
        return;
    };
    let eslint = ctx.root.join("node_modules/eslint/bin/eslint.js");
    if !eslint.is_file() {
        findings.evidence.push(Evidence::new(
            PROBE,
            rule,
            false,
            "the project's ESLint runs the rule",
            "unverified: ESLint is not installed in the project (no node_modules/eslint); `npm install --save-dev eslint`",
        ));
        return;
    }
    // The rule's messages in one linted path, or why the lint proves nothing.
    let lint = |path: &str, findings: &mut Findings| -> Result<usize, String> {
        let argv: Vec<OsString> = vec![
            "node".into(),
            eslint.clone().into_os_string(),
            "--no-warn-ignored".into(),
            "--format".into(),
            "json".into(),
            "--".into(),
            path.into(),
        ];
        let finished = ctx.run_with(&argv, &format!("eslint --format json -- {path}"), &[]);
        let mut json = String::new();
        let _ = finished.stdout.any_line(|line| {
            json.push_str(line);
            false
        });
        findings.commands.push(finished.record);
        let results: Vec<Linted> =
            serde_json::from_str(&json).map_err(|e| format!("ESLint's output is not its JSON: {e}"))?;
        if results.is_empty() {
            return Err(format!("ESLint linted no file at `{path}` (ignored by its config?)"));
        }
        let all = || results.iter().flat_map(|r| r.messages.iter().chain(&r.suppressed));
        if all().any(|m| m.fatal) {
            return Err(format!("ESLint could not parse `{path}`"));
        }
        Ok(all().filter(|m| m.rule.as_deref() == Some(rule.as_str())).count())
    };
    let quiet = |path: &str, findings: &mut Findings| match lint(path, findings) {
        Ok(0) => (true, "no message of the rule".to_string()),
        Ok(n) => (false, format!("{n} message(s) of the rule")),
        Err(why) => (false, why),
    };
    let (passed, found) = quiet(target, findings);
    findings.evidence.push(Evidence::new(PROBE, target, passed, format!("no `{rule}` message"), found));
    match fixture(&descriptor.violation_fixture, "check_violation_fixture", ctx) {
        Err(missing) => findings.evidence.push(Evidence::new(
            PROBE,
            "violation fixture",
            false,
            "a fixture the rule flags",
            missing,
        )),
        Ok(fixture) => {
            let (passed, found) = match lint(&fixture, findings) {
                Ok(0) => (false, "no message of the rule: it cannot fail".to_string()),
                Ok(n) => (true, format!("{n} message(s) of the rule")),
                Err(why) => (false, why),
            };
            findings.evidence.push(Evidence::new(
                PROBE,
                "violation fixture",
                passed,
                format!("`{rule}` flags {fixture}"),
                found,
            ));
        }
    }
    if let Ok(clean) = fixture(&descriptor.clean_fixture, "check_clean_fixture", ctx) {
        let (passed, found) = quiet(&clean, findings);
        findings.evidence.push(Evidence::new(
            PROBE,
            "clean fixture",
            passed,
            format!("no `{rule}` message in {clean}"),
            found,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::top_level_result;

    #[test]
    fn top_level_tap_results_are_read_and_nested_ones_are_not() {
        assert_eq!(top_level_result("ok 1 - rejects secrets"), Some((true, "rejects secrets".into())));
        assert_eq!(top_level_result("not ok 2 - tests/x.test.js"), Some((false, "tests/x.test.js".into())));
        assert_eq!(top_level_result("    ok 1 - nested"), None);
        assert_eq!(top_level_result("ok 3 - later # SKIP no network"), None);
    }
}
