//! GitHub Actions: an `::error` annotation per failed case, pointing at its definition,
//! and a Markdown summary for `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write;
use std::path::PathBuf;

use super::{Finish, Sink, SinkError, message};
use crate::case::Case;
use crate::outcome::{Outcome, Status};

/// Under `GITHUB_ACTIONS=true`: annotations on stdout (after libtest's output, which
/// must keep its own lines whole), and the step summary appended to `summary`.
pub struct Github {
    /// `$GITHUB_STEP_SUMMARY`, when set.
    pub summary: Option<PathBuf>,
}

impl Sink for Github {
    fn finish(&mut self, results: &[(&Case, &Outcome)]) -> Result<Finish, SinkError> {
        print!("{}", annotations(results));
        if let Some(path) = &self.summary {
            use std::io::Write;
            std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .and_then(|mut file| file.write_all(step_summary(results).as_bytes()))
                .map_err(|source| SinkError::Write { path: path.clone(), source })?;
        }
        Ok(Finish::default())
    }
}

/// One `::error file=...,line=...,title=...::message` line per failed or blocked case.
pub fn annotations(results: &[(&Case, &Outcome)]) -> String {
    let mut out = String::new();
    for (case, outcome) in failed(results) {
        let _ = writeln!(
            out,
            "::error file={},line={},title={}::{}",
            property(&case.source.file.display().to_string()),
            case.source.line,
            property(&case.name),
            data(&format!("{}\n{}", case.title, message::summary(outcome)))
        );
    }
    out
}

/// The step summary: counts, then each failure with its message.
pub fn step_summary(results: &[(&Case, &Outcome)]) -> String {
    let count = |f: fn(&Status) -> bool| results.iter().filter(|(_, o)| f(&o.status)).count();
    let passed = count(|s| *s == Status::Passed);
    let manual = count(|s| matches!(s, Status::Manual { .. }));
    let failures: Vec<_> = failed(results).collect();
    let mut out = format!("## envtruth: {passed} passed, {} failed, {manual} manual\n\n", failures.len());
    if !failures.is_empty() {
        out.push_str("| Case | Defined at | Why |\n|---|---|---|\n");
        for (case, outcome) in &failures {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} |",
                case.name,
                case.source,
                message::summary(outcome).replace('|', "\\|").replace('\n', " ")
            );
        }
        for (case, outcome) in &failures {
            let _ = write!(
                out,
                "\n<details><summary>{}</summary>\n\n```\n{}```\n</details>\n",
                case.name,
                message::plain(case, outcome)
            );
        }
    }
    out
}

fn failed<'a>(results: &'a [(&'a Case, &'a Outcome)]) -> impl Iterator<Item = (&'a Case, &'a Outcome)> {
    results
        .iter()
        .filter(|(_, o)| matches!(o.status, Status::Failed | Status::Blocked { .. }))
        .map(|(c, o)| (*c, *o))
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{annotations, step_summary};
    use crate::testing::{failed, passed, truth};

    #[test]
    fn an_annotation_per_failure_escaped_as_workflow_commands_want() {
        let (a, b) = (truth("a", "a holds", 3), truth("b", "b: 100% sure, really", 5));
        let (pass, fail) =
            (passed("tools", "uv", "0.7.2"), failed("tools", "ruff", "on PATH", "not on PATH"));
        let results = [(&a, &pass), (&b, &fail)];
        assert_eq!(
            annotations(&results),
            "::error file=checks/env.yaml,line=5,title=env%3A%3Atruth%3A%3Ab::b: 100%25 sure, really%0Atools ruff: expected on PATH, found not on PATH\n"
        );
        let summary = step_summary(&results);
        assert!(summary.starts_with("## envtruth: 1 passed, 1 failed, 0 manual\n"), "{summary}");
        assert!(
            summary.contains(
                "| `env::truth::b` | `checks/env.yaml:5` | tools ruff: expected on PATH, found not on PATH |"
            ),
            "{summary}"
        );
    }
}
