//! JUnit XML, through quick-junit: one testsuite per check file, one testcase per case.
//!
//! Written for the strictest reader in use, Jenkins' xUnit plugin (junit-10.xsd): the root
//! `<testsuites>` carries only the attributes that schema allows (quick-junit also writes
//! `skipped`, which makes xUnit drop the whole file), and no text holds a character XML
//! 1.0 cannot (a command's output can hold U+FFFE or control bytes).

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use std::path::PathBuf;

use super::{Finish, Sink, SinkError, message, save};
use crate::case::Case;
use crate::outcome::{Outcome, Status};

/// `--junit FILE`: the JUnit XML report.
pub struct Junit(pub PathBuf);

impl Sink for Junit {
    fn finish(&mut self, results: &[(&Case, &Outcome)]) -> Result<Finish, SinkError> {
        let xml =
            render(results).map_err(|e| SinkError::Render { path: self.0.clone(), reason: e.to_string() })?;
        save(&self.0, xml)?;
        Ok(Finish::default())
    }
}

/// The JUnit document of a run.
pub fn render(results: &[(&Case, &Outcome)]) -> Result<String, quick_junit::SerializeError> {
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for (case, outcome) in results {
        let status = match &outcome.status {
            Status::Passed => TestCaseStatus::success(),
            Status::Manual { .. } | Status::Pending { .. } | Status::Waived { .. } => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(xml_text(&message::summary(outcome)));
                status
            }
            Status::Failed | Status::Blocked { .. } => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(xml_text(&message::summary(outcome)));
                status.set_type(if matches!(outcome.status, Status::Blocked { .. }) {
                    "blocked"
                } else {
                    "failed"
                });
                status.set_description(xml_text(&message::plain(case, outcome)));
                status
            }
        };
        let mut testcase = TestCase::new(xml_text(&case.name), status);
        testcase.set_classname(xml_text(case.suite())).set_time(outcome.duration);
        // The evidence of a pass, too: what was found, where the tool came from.
        if outcome.status == Status::Passed {
            testcase.set_system_out(xml_text(&message::plain(case, outcome)));
        }
        suites.entry(case.suite()).or_insert_with(|| TestSuite::new(case.suite())).add_test_case(testcase);
    }
    let mut report = Report::new("envtruth");
    report.add_test_suites(suites.into_values());
    Ok(without_root_skipped(&report.to_string()?))
}

/// The document with the root `<testsuites>` stripped of `skipped="N"`, which junit-10.xsd
/// does not allow there (each `<testsuite>` keeps its own).
fn without_root_skipped(xml: &str) -> String {
    let Some(start) = xml.find("<testsuites") else { return xml.to_string() };
    let end = xml[start..].find('>').map_or(xml.len(), |at| start + at);
    let root = &xml[start..end];
    let Some(at) = root.find(" skipped=\"") else { return xml.to_string() };
    let close = root[at + 10..].find('"').map_or(root.len(), |q| at + 10 + q + 1);
    format!("{}{}{}", &xml[..start + at], &root[close..], &xml[end..])
}

/// Text with the characters XML 1.0 cannot hold (control characters but tab and line
/// ends, U+FFFE, U+FFFF, lone surrogates cannot occur in a `str`) shown as `\u{..}`.
fn xml_text(text: &str) -> String {
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'));
    match text.chars().all(allowed) {
        true => text.to_string(),
        false => text
            .chars()
            .map(|c| if allowed(c) { c.to_string() } else { format!("\\u{{{:x}}}", c as u32) })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::outcome::Status;
    use crate::testing::{failed, outcome, passed, truth};

    #[test]
    fn one_testsuite_per_suite_with_failures_and_skips() {
        let (a, b, c) = (truth("a", "a holds", 3), truth("b", "b holds", 5), truth("c", "c holds", 7));
        let manual = outcome(Status::Manual { reason: "a person reads it".into() }, Vec::new(), Vec::new());
        let (pass, fail) =
            (passed("tools", "uv", "0.7.2"), failed("tools", "ruff", "on PATH", "not on PATH"));
        let xml = render(&[(&a, &pass), (&b, &fail), (&c, &manual)]).unwrap();
        assert!(
            xml.contains(r#"<testsuite name="env" tests="3" skipped="1" errors="0" failures="1""#),
            "{xml}"
        );
        assert!(
            xml.contains(
                r#"<failure message="tools ruff: expected on PATH, found not on PATH" type="failed">"#
            ),
            "{xml}"
        );
        assert!(xml.contains(r#"<skipped message="manual: a person reads it"/>"#), "{xml}");
        assert!(xml.contains(r#"<testsuites name="envtruth" tests="3" failures="1" errors="0">"#), "{xml}");
        assert!(xml.contains("<system-out>a holds\n  defined at checks/env.yaml:3\n  shell: host\n  ✓ tools uv: expected it holds, found 0.7.2\n</system-out>"), "{xml}");
    }

    #[test]
    fn characters_xml_cannot_hold_are_shown_not_written() {
        let a = truth("a", "a holds", 3);
        let fail = failed("run", "stdout", "no line matching /x/", "line `\u{fffe}bad\u{1b}[0m`");
        let xml = render(&[(&a, &fail)]).unwrap();
        assert!(xml.contains(r"line `\u{fffe}bad\u{1b}[0m`"), "{xml}");
        assert!(!xml.contains('\u{fffe}') && !xml.contains('\u{1b}'), "{xml}");
    }
}
