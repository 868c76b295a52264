//! JUnit XML, through quick-junit: one testsuite per check file, one testcase per case.

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
                status.set_message(message::summary(outcome));
                status
            }
            Status::Failed | Status::Blocked { .. } => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(message::summary(outcome));
                status.set_type(if matches!(outcome.status, Status::Blocked { .. }) {
                    "blocked"
                } else {
                    "failed"
                });
                status.set_description(message::plain(case, outcome));
                status
            }
        };
        let mut testcase = TestCase::new(case.name.as_str(), status);
        testcase.set_classname(case.suite()).set_time(outcome.duration);
        suites.entry(case.suite()).or_insert_with(|| TestSuite::new(case.suite())).add_test_case(testcase);
    }
    let mut report = Report::new("envtruth");
    report.add_test_suites(suites.into_values());
    report.to_string()
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
    }
}
