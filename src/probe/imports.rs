//! `imports:` one interpreter imports every module and reports each on its own.
//!
//! One process for all modules keeps the cost of an interpreter start (and of a
//! `uv run` resolution) to one per truth. Each result is written as a marked JSON line,
//! so whatever the modules themselves print cannot be mistaken for a result.

use std::sync::LazyLock;

use regex::Regex;
use std::ffi::OsString;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Context, Item, Kind, Proposal, Rank, Refusal, Site, listed};
use crate::clue::{Clue, regex};
use crate::outcome::{Evidence, Findings};
use crate::text::shorten;

/// `imports:` Python modules that one interpreter (the truth's `python:`) must import.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Imports {
    modules: Vec<String>,
    /// The interpreter as argv, settled at load time from `python:`.
    #[serde(skip)]
    #[schemars(skip)]
    python: Vec<String>,
}

impl Kind for Imports {
    const KEY: &'static str = "imports";
    const USES_PYTHON: bool = true;

    fn resolve(&mut self, site: &Site<'_>) -> Result<(), Refusal> {
        self.python = interpreter(site)?;
        Ok(())
    }

    fn items(&self) -> Vec<Item> {
        listed(Self::KEY, &self.modules)
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        check(&self.modules, &self.python, ctx)
    }

    fn propose(clue: &Clue<'_>) -> Option<Proposal> {
        static IMPORT: LazyLock<Regex> = LazyLock::new(|| {
            regex(r#"^(?:`(?:python3? -c ["'])?import (?P<m>[\w.]+(?:, ?[\w.]+)*)["']?`|import (?P<p>[\w.]+(?:, ?[\w.]+)*)) (?i:(loads|works|succeeds|imports cleanly|is importable)( without (any )?[\w. -]*errors?)?)\.?$"#)
        });
        let c = IMPORT.captures(clue.truth)?;
        let modules: Vec<String> = c.name("m").or(c.name("p"))?.as_str().split(',').map(|m| m.trim().to_string()).collect();
        Some(Proposal::new(Self::KEY, modules.into(), "recognised: a Python import", Rank::Recognised))
    }
}

/// The truth's `python:` as argv (default `python3`).
pub fn interpreter(site: &Site<'_>) -> Result<Vec<String>, Refusal> {
    let python: Vec<String> = site.python.unwrap_or("python3").split_whitespace().map(String::from).collect();
    match python.is_empty() {
        true => Err(Refusal::new(
            "python",
            "`python` is empty; name an interpreter, e.g. `python3` or `uv run python`",
        )),
        false => Ok(python),
    }
}

const MARK: &str = "\u{1e}envtruth ";

const SCRIPT: &str = r#"
import importlib, json, sys
out = sys.__stdout__
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
        version = getattr(module, "__version__", None)
        if version is None:
            try:
                from importlib import metadata
                version = metadata.version(name.split(".")[0])
            except Exception:
                version = None
        result = {"module": name, "ok": True, "version": None if version is None else str(version)}
    except BaseException as error:
        result = {"module": name, "ok": False, "error": "%s: %s" % (type(error).__name__, error)}
    out.write("\x1eenvtruth " + json.dumps(result) + "\n")
    out.flush()
"#;

#[derive(Deserialize)]
struct Reported {
    module: String,
    ok: bool,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

fn check(modules: &[String], python: &[String], ctx: &Context<'_>) -> Findings {
    let mut argv: Vec<OsString> = python.iter().map(OsString::from).collect();
    argv.push("-c".into());
    argv.push(SCRIPT.into());
    argv.extend(modules.iter().map(OsString::from));
    // As run: the interpreter, `-c` with the script (too long to show; it imports each
    // module and reports each), then the modules as arguments.
    let shown = format!("{} -c '<import each, report each>' {}", python.join(" "), modules.join(" "));
    let finished = ctx.run(&argv, &shown);
    let mut reported: Vec<Reported> = Vec::new();
    let scanned = finished.stdout.any_line(|line| {
        if let Some(json) = line.strip_prefix(MARK) {
            reported.extend(serde_json::from_str::<Reported>(json).ok());
        }
        false
    });
    let mut record = finished.record;
    // The result lines are our protocol, not the modules' output.
    record.stdout_tail.retain(|line| !line.starts_with(MARK));
    let last_error_line = record.stderr_tail.last().cloned();
    let evidence = modules
        .iter()
        .map(|module| match reported.iter().find(|r| r.module == *module) {
            Some(Reported { ok: true, version, .. }) => Evidence::new(
                "imports",
                module,
                true,
                "imports",
                version.as_deref().map_or("imported".to_string(), |v| format!("imported, version {v}")),
            ),
            Some(Reported { error, .. }) => Evidence::new(
                "imports",
                module,
                false,
                "imports",
                shorten(&ctx.env.secrets.scrub(error.as_deref().unwrap_or("failed")), 300),
            ),
            None => {
                let mut found = format!("no result: the interpreter ended with {}", record.ended);
                if let Err(err) = &scanned {
                    found = format!("its output was unreadable: {err}");
                } else if let Some(line) = &last_error_line {
                    found.push_str(&format!(" (`{line}`)"));
                }
                Evidence::new("imports", module, false, "imports", found)
            }
        })
        .collect();
    Findings { evidence, commands: vec![record] }
}
