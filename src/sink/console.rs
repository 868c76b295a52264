//! Progress on stderr for runs that libtest-mimic does not print (sign-off): one line per
//! case as it finishes, so a long nix evaluation is visibly alive.

use console::style;

use super::{Finish, Sink, SinkError, message};
use crate::case::Case;
use crate::outcome::{Outcome, Status};

/// Prints a line per finished case to stderr.
pub struct Console;

impl Sink for Console {
    fn start(&mut self, cases: &[&Case]) {
        eprintln!("running {} case{}", cases.len(), if cases.len() == 1 { "" } else { "s" });
    }

    fn case_finished(&mut self, case: &Case, outcome: &Outcome) {
        let mark = match outcome.status {
            Status::Passed => style("ok").green(),
            Status::Manual { .. } => style("manual").yellow(),
            Status::Pending { .. } => style("pending").yellow(),
            Status::Waived { .. } => style("waived").yellow(),
            Status::Failed | Status::Blocked { .. } => style("FAILED").red(),
        };
        match outcome.status {
            Status::Passed => eprintln!("{} ... {mark}", case.name),
            Status::Failed | Status::Blocked { .. } => {
                eprintln!("{} ... {mark}: {}", case.name, message::summary(outcome))
            }
            // The summary starts with the status word.
            _ => eprintln!("{} ... {}", case.name, style(message::summary(outcome)).yellow()),
        }
    }

    fn finish(&mut self, _results: &[(&Case, &Outcome)]) -> Result<Finish, SinkError> {
        Ok(Finish::default())
    }
}
