//! `libs:` each shared library found as a file in a directory of LD_LIBRARY_PATH.

use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Context, Item, Kind, Refusal, Site, listed};
use crate::outcome::{Evidence, Findings};
use crate::shell::Environment;

/// `libs:` shared library file names.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Libs(Vec<String>);

impl Kind for Libs {
    const KEY: &'static str = "libs";

    fn resolve(&mut self, _site: &Site<'_>) -> Result<(), Refusal> {
        match self.0.iter().position(|lib| lib.contains('/') || lib.trim().is_empty()) {
            Some(j) => Err(Refusal::new(
                format!("{}/{j}", Self::KEY),
                format!("`{}` is not a library file name; name it as the loader looks it up, e.g. `libgomp.so.1`", self.0[j]),
            )),
            None => Ok(()),
        }
    }

    fn items(&self) -> Vec<Item> {
        listed(Self::KEY, &self.0)
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        check(&self.0, ctx.env)
    }
}

fn check(libs: &[String], env: &Environment) -> Findings {
    let search = env.var("LD_LIBRARY_PATH");
    let dirs: Vec<&str> =
        search.as_deref().unwrap_or_default().split(':').filter(|d| !d.is_empty()).collect();
    let evidence = libs
        .iter()
        .map(|lib| {
            let found = dirs.iter().find(|dir| Path::new(dir).join(lib).is_file());
            let text = match (found, &search) {
                (Some(dir), _) => format!("in {dir}"),
                (None, None) => "LD_LIBRARY_PATH is unset".to_string(),
                (None, Some(_)) => format!("in none of the {} LD_LIBRARY_PATH directories", dirs.len()),
            };
            Evidence::new("libs", lib, found.is_some(), "in an LD_LIBRARY_PATH directory", text)
        })
        .collect();
    Findings { evidence, commands: Vec::new() }
}
