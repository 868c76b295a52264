//! `libs:` each shared library found as a file in a directory of LD_LIBRARY_PATH.

use std::sync::LazyLock;

use regex::Regex;
use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Context, Item, Kind, Proposal, Rank, Refusal, Site, listed};
use crate::clue::{Clue, regex};
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

    fn propose(clue: &Clue<'_>) -> Option<Proposal> {
        static LIBS: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)^`?LD_LIBRARY_PATH`? (includes|contains|has|holds) (the )?(paths to |directories (of|for) )?"));
        static SONAME: LazyLock<Regex> = LazyLock::new(|| regex(r"`?\b(lib[\w+-]+\.so(\.\d+)*|libstdc\+\+|libgomp\b|libgcc_s\b|zlib\b|libz\b|libGL\b|libcuda\b)`?"));
        let head = LIBS.find(clue.truth)?;
        let rest = &clue.truth[head.end()..];
        let libs: Vec<String> = SONAME.captures_iter(rest).map(|c| soname(&c[1]).to_string()).collect();
        let leftover = SONAME.replace_all(rest, "");
        let only_libs = leftover.split([',', ' ', '.']).all(|w| w.is_empty() || w.eq_ignore_ascii_case("and"));
        (!libs.is_empty() && only_libs).then(|| Proposal::new(Self::KEY, libs.into(), "recognised: shared libraries", Rank::Recognised))
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

/// The file name the loader looks up for a library a truth names by its common name; only
/// names whose soname has not changed in decades, so the guess is never wrong.
fn soname(name: &str) -> &str {
    match name {
        "libstdc++" => "libstdc++.so.6",
        "libgomp" => "libgomp.so.1",
        "libgcc_s" => "libgcc_s.so.1",
        "zlib" | "libz" => "libz.so.1",
        "libGL" => "libGL.so.1",
        "libcuda" => "libcuda.so.1",
        name => name,
    }
}
