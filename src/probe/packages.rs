//! `packages:` Debian/Ubuntu packages installed, asked of dpkg in one `dpkg-query` call.
//!
//! A package counts as installed when dpkg's status says so (`ii`), not merely when
//! dpkg knows of it: a removed package whose config files remain reads `rc`.

use std::collections::HashMap;
use std::ffi::OsString;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Context, Item, Kind, Refusal, Site, keyed};
use crate::outcome::{Ended, Evidence, Findings};
use crate::spec::shape::Entries;
use crate::version::{Version, VersionReq};

/// `packages:` Debian packages and their version requirements, by name.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Packages(Entries<VersionReq>);

impl Kind for Packages {
    const KEY: &'static str = "packages";

    /// Debian's names (`libgomp1`, `g++`, `libc6:amd64`): anything else, an option above all
    /// (`--admindir=/tmp`), never reaches dpkg-query.
    fn resolve(&mut self, _site: &Site<'_>) -> Result<(), Refusal> {
        let valid = |name: &str| {
            let (package, arch) = name.split_once(':').map_or((name, None), |(p, a)| (p, Some(a)));
            package.len() >= 2
                && package.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && package.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
                && arch.is_none_or(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        };
        match self.0.0.iter().find(|(name, _)| !valid(name)) {
            Some((name, _)) => Err(Refusal::new(
                format!("{}/{name}", Self::KEY),
                format!("`{name}` is not a Debian package name (lowercase letters, digits, `+`, `-`, `.`, and an optional `:ARCH`)"),
            )),
            None => Ok(()),
        }
    }

    fn items(&self) -> Vec<Item> {
        keyed(Self::KEY, &self.0.0)
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        check(&self.0.0, ctx)
    }
}

/// Each package by its name and by its name with the architecture (`libgomp1:amd64`), so
/// either may be asked for.
const FORMAT: &str = "-f=${Package}\t${binary:Package}\t${db:Status-Abbrev}\t${Version}\n";

/// What dpkg knows of one package: its status letters and version.
struct Known {
    status: String,
    version: String,
}

fn check(packages: &[(String, VersionReq)], ctx: &Context<'_>) -> Findings {
    let mut argv: Vec<OsString> = vec!["dpkg-query".into(), "-W".into(), FORMAT.into(), "--".into()];
    argv.extend(packages.iter().map(|(name, _)| OsString::from(name)));
    let names: Vec<&str> = packages.iter().map(|(name, _)| name.as_str()).collect();
    let finished = ctx.run(&argv, &format!("dpkg-query -W {}", names.join(" ")));
    let mut known: HashMap<String, Known> = HashMap::new();
    let scanned = finished.stdout.any_line(|line| {
        let fields: Vec<&str> = line.split('\t').collect();
        if let [name, with_arch, status, version] = fields[..] {
            for name in [name, with_arch] {
                // A multi-arch package has a line per architecture; one installed is enough.
                if !known.get(name).is_some_and(|k| installed(&k.status)) {
                    let known_now = Known { status: status.trim().to_string(), version: version.to_string() };
                    known.insert(name.to_string(), known_now);
                }
            }
        }
        false
    });
    let record = finished.record;
    // dpkg-query exits 1 when it knows some package of none; other endings mean no answer.
    let unanswered = match (&record.ended, &scanned) {
        (Ended::NotStarted(reason), _) => Some(format!(
            "no answer from dpkg ({reason}); this probe reads the package database of Debian and Ubuntu"
        )),
        (Ended::Exit(0 | 1), Ok(_)) => None,
        (ended, Ok(_)) => Some(format!("no answer from dpkg-query ({ended})")),
        (_, Err(err)) => Some(format!("dpkg-query's output was unreadable: {err}")),
    };
    let evidence = packages
        .iter()
        .map(|(name, req)| {
            let expected = match req.is_any() {
                true => "installed".to_string(),
                false => format!("installed, version {req}"),
            };
            let item = |passed: bool, found: String| {
                Evidence::new("packages", name, passed, expected.clone(), found)
            };
            if let Some(reason) = &unanswered {
                return item(false, reason.clone());
            }
            match known.get(name) {
                None => item(
                    false,
                    format!("not installed: dpkg knows no package `{name}` (apt-get install {name})"),
                ),
                Some(k) if !installed(&k.status) => {
                    item(false, format!("not installed: dpkg status `{}` (apt-get install {name})", k.status))
                }
                Some(k) => {
                    // `1:2.39.5-0+deb12u3`: the epoch is not part of the version people write.
                    let upstream = k.version.split_once(':').map_or(k.version.as_str(), |(_, rest)| rest);
                    let passed = req.is_any() || Version::find(upstream).is_some_and(|v| req.matches(&v));
                    item(passed, format!("{} installed", k.version))
                }
            }
        })
        .collect();
    Findings { evidence, commands: vec![record] }
}

/// Whether dpkg's abbreviated status (`ii`, `rc`, `un`, ...) means installed: the second
/// letter is the current state.
fn installed(status: &str) -> bool {
    status.chars().nth(1) == Some('i')
}
