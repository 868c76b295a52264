//! `pip_check: true`: no broken requirements among the installed distributions, as
//! `pip check` reports them, in the truth's interpreter (`python -m pip check`).

use std::ffi::OsString;

use schemars::JsonSchema;
use serde::Deserialize;

use super::imports::interpreter;
use super::{Context, Item, ItemName, Kind, Refusal, Site};
use crate::outcome::{Ended, Evidence, Findings};

/// `pip_check: true`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct PipCheck {
    wanted: bool,
    /// The interpreter as argv, settled at load time from `python:`.
    #[serde(skip)]
    #[schemars(skip)]
    python: Vec<String>,
}

impl Kind for PipCheck {
    const KEY: &'static str = "pip_check";
    const USES_PYTHON: bool = true;

    fn resolve(&mut self, site: &Site<'_>) -> Result<(), Refusal> {
        if !self.wanted {
            return Err(Refusal::new(Self::KEY, "`pip_check: false` checks nothing; remove it"));
        }
        self.python = interpreter(site)?;
        Ok(())
    }

    fn items(&self) -> Vec<Item> {
        vec![Item { name: ItemName::Every, at: Self::KEY.into() }]
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        let mut argv: Vec<OsString> = self.python.iter().map(OsString::from).collect();
        argv.extend(["-m", "pip", "check"].map(OsString::from));
        let finished = ctx.run(&argv, &format!("{} -m pip check", self.python.join(" ")));
        let record = finished.record;
        let said: Vec<&String> = record.stdout_tail.iter().chain(&record.stderr_tail).collect();
        let found = match (&record.ended, said.iter().any(|l| l.contains("No module named pip"))) {
            (_, true) => "pip is not installed in this interpreter; with uv, check with `run: uv pip check`".to_string(),
            (Ended::Exit(0), _) => "no broken requirements".to_string(),
            (Ended::Exit(_), _) => said.iter().take(3).map(|l| l.as_str()).collect::<Vec<_>>().join("; "),
            (ended, _) => ended.to_string(),
        };
        let passed = record.ended == Ended::Exit(0);
        Findings {
            evidence: vec![Evidence::new(Self::KEY, "requirements", passed, "no broken requirements", found)],
            commands: vec![record],
        }
    }
}
