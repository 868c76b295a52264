//! `python_packages:` installed Python distributions and their versions, as
//! `importlib.metadata` reports them, asked of the truth's interpreter in one run (the
//! same `python:` as `imports`); a result and version per package, like testinfra's
//! `pip.get_packages`, with envtruth's version requirements.

use std::ffi::OsString;

use schemars::JsonSchema;
use serde::Deserialize;

use super::imports::interpreter;
use super::{Context, Item, Kind, Refusal, Site, keyed};
use crate::outcome::{Evidence, Findings};
use crate::spec::shape::Entries;
use crate::version::{Version, VersionReq};

const MARK: &str = "\u{1e}envtruth ";

const SCRIPT: &str = r#"
import json, sys
from importlib import metadata
out = sys.__stdout__
for name in sys.argv[1:]:
    try:
        result = {"name": name, "version": metadata.version(name)}
    except metadata.PackageNotFoundError:
        result = {"name": name, "version": None}
    except BaseException as error:
        result = {"name": name, "version": None, "error": "%s: %s" % (type(error).__name__, error)}
    out.write("\x1eenvtruth " + json.dumps(result) + "\n")
    out.flush()
"#;

/// `python_packages:` distributions (as pip names them) and their version requirements.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct PythonPackages {
    packages: Entries<VersionReq>,
    /// The interpreter as argv, settled at load time from `python:`.
    #[serde(skip)]
    #[schemars(skip)]
    python: Vec<String>,
}

#[derive(Deserialize)]
struct Reported {
    name: String,
    version: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

impl Kind for PythonPackages {
    const KEY: &'static str = "python_packages";
    const USES_PYTHON: bool = true;

    fn resolve(&mut self, site: &Site<'_>) -> Result<(), Refusal> {
        self.python = interpreter(site)?;
        Ok(())
    }

    fn items(&self) -> Vec<Item> {
        keyed(Self::KEY, &self.packages.0)
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        let mut argv: Vec<OsString> = self.python.iter().map(OsString::from).collect();
        argv.extend(["-c".into(), SCRIPT.into()]);
        argv.extend(self.packages.0.iter().map(|(name, _)| OsString::from(name)));
        let names: Vec<&str> = self.packages.0.iter().map(|(name, _)| name.as_str()).collect();
        let shown = format!("{} -c '<envtruth: importlib.metadata.version>' {}", self.python.join(" "), names.join(" "));
        let finished = ctx.run(&argv, &shown);
        let mut reported: Vec<Reported> = Vec::new();
        let _ = finished.stdout.any_line(|line| {
            if let Some(json) = line.strip_prefix(MARK) {
                reported.extend(serde_json::from_str::<Reported>(json).ok());
            }
            false
        });
        let mut record = finished.record;
        record.stdout_tail.retain(|line| !line.starts_with(MARK));
        let evidence = self
            .packages
            .0
            .iter()
            .map(|(name, req)| {
                let expected = match req.is_any() {
                    true => "installed".to_string(),
                    false => format!("installed, version {req}"),
                };
                let item = |passed: bool, found: String| Evidence::new(Self::KEY, name, passed, expected.clone(), found);
                match reported.iter().find(|r| r.name == *name) {
                    Some(Reported { version: Some(version), .. }) => {
                        let passed = req.is_any() || Version::find(version).is_some_and(|v| req.matches(&v));
                        item(passed, format!("{version} installed"))
                    }
                    Some(Reported { error: Some(error), .. }) => item(false, error.clone()),
                    Some(_) => item(false, format!("not installed in this interpreter (pip install {name})")),
                    None => item(false, format!("no answer: the interpreter ended with {}", record.ended)),
                }
            })
            .collect();
        Findings { evidence, commands: vec![record] }
    }
}
