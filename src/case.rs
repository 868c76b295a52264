//! A case: one truth, artifact or key link, resolved and ready to run.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::probe::descriptor::Descriptor;
use crate::probe::{ItemName, Probe};
use crate::spec::{ArtifactSpec, KeyLinkSpec, ShellSpec};

/// Where a case is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The check file, as it was found (relative to where envtruth was started when it can be).
    pub file: PathBuf,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// What a case checks.
#[derive(Debug, Clone)]
pub enum Check {
    /// A truth proven by probes, or left to a human.
    Truth {
        /// Every probe must pass.
        probes: Vec<Arc<dyn Probe>>,
        /// Set when a human must judge it; then nothing runs.
        manual: Option<String>,
    },
    /// A file (or directory) that must exist.
    Artifact(ArtifactSpec),
    /// Wiring between artifacts.
    KeyLink {
        /// What links to what.
        spec: KeyLinkSpec,
        /// Whether a plan of the same or a later wave still lists `from` in its
        /// `files_modified`: then a missing `from` is pending, not failed.
        pending: bool,
    },
    /// Something that must never be true.
    Prohibition(ProhibitionCheck),
    /// A plan truth that no check file mirrors: always fails.
    Unmirrored {
        /// The check file it should be added to.
        check_file: String,
    },
    /// A plan item only a person can judge (prose, a backstop truth nobody mirrors, a
    /// judgment prohibition): reported as manual, with why.
    ForAHuman {
        /// The kind of item it is.
        kind: Kind,
        /// What the person checks.
        reason: String,
    },
}

/// How a prohibition is proven: by probes that must pass (a check file mirrors it), by the
/// plan's own descriptor, or not at all (then it fails as unverified, never passes).
#[derive(Debug, Clone)]
pub enum ProhibitionCheck {
    /// A check file's probes, all of which must pass.
    Probes(Vec<Arc<dyn Probe>>),
    /// The plan's `check_kind` descriptor.
    Descriptor(Descriptor),
    /// No check that can fail: why, and the fix.
    Unverified(String),
}

/// The kind of a case, as its name and the reports say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{suite}::truth::{id}`
    Truth,
    /// `{suite}::artifact::{path}`
    Artifact,
    /// `{suite}::key_link::{from}->{to}`
    KeyLink,
    /// `{suite}::prohibition::{id}`
    Prohibition,
}

impl Kind {
    /// The word in case names and reports.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Truth => "truth",
            Kind::Artifact => "artifact",
            Kind::KeyLink => "key_link",
            Kind::Prohibition => "prohibition",
        }
    }
}

impl Check {
    /// The kind of case it makes.
    pub fn kind(&self) -> Kind {
        match self {
            Check::Truth { .. } | Check::Unmirrored { .. } => Kind::Truth,
            Check::Artifact(_) => Kind::Artifact,
            Check::KeyLink { .. } => Kind::KeyLink,
            Check::Prohibition(_) => Kind::Prohibition,
            Check::ForAHuman { kind, .. } => *kind,
        }
    }
}

/// Where one written probe item is defined.
#[derive(Debug, Clone)]
pub struct ItemSource {
    /// The probe's key.
    pub probe: &'static str,
    /// The evidence items it stands for.
    pub name: ItemName,
    /// Where it is written.
    pub source: Source,
}

/// One runnable case.
#[derive(Debug, Clone)]
pub struct Case {
    /// `{suite}::{kind}::{id}`, unique in a run.
    pub name: String,
    /// The truth text, or what the artifact or key link requires.
    pub title: String,
    /// Where it is defined.
    pub source: Source,
    /// Where its commands run.
    pub shell: ShellSpec,
    /// Its time limit.
    pub timeout: Duration,
    /// The time limit for entering its shell.
    pub capture_timeout: Duration,
    /// What it checks.
    pub check: Check,
    /// Indices (in the run's case list) of the cases it runs after.
    pub after: Vec<usize>,
    /// The plan its check file mirrors (absolute), if any.
    pub plan: Option<PathBuf>,
    /// Where each probe item is defined.
    pub items: Vec<ItemSource>,
    /// A failure accepted for a while (a check file's `waiver`, a sign-off's override).
    pub waiver: Option<Waiver>,
    /// Whether a clash of its name with an earlier case's is settled by numbering it
    /// (`#2`): plan items and file artifacts have no id anyone could change.
    pub numbered: bool,
}

/// A failure accepted as it is: the case is `waived` (never `passed`) until `expires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// Why it is accepted.
    pub reason: String,
    /// The last day it applies (`YYYY-MM-DD`), if it ends.
    pub expires: Option<String>,
    /// Who accepted it, if known.
    pub by: Option<String>,
    /// When it was accepted, if known.
    pub accepted_at: Option<String>,
    /// Where it is written.
    pub from: String,
}

/// What every case of one suite shares.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The check file's stem.
    pub name: String,
    /// The suite's shell.
    pub shell: ShellSpec,
    /// The suite's time limit per case.
    pub timeout: Duration,
    /// The suite's time limit for entering its shell.
    pub capture_timeout: Duration,
    /// The plan the suite mirrors (absolute), if any.
    pub plan: Option<PathBuf>,
}

impl Case {
    /// The one constructor of a case: `{suite}::{kind}::{id}`, with the suite's shell,
    /// time limit and plan, no dependencies and no probe items.
    pub fn new(suite: &Suite, id: &str, title: String, source: Source, check: Check) -> Case {
        // A name is one line in `--list`, test output and reports, whatever a plan's paths hold.
        let id: String = id
            .chars()
            .map(|c| match c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                true => c.escape_default().to_string(),
                false => c.to_string(),
            })
            .collect();
        Case {
            name: format!("{}::{}::{id}", suite.name, check.kind().word()),
            title,
            source,
            shell: suite.shell.clone(),
            timeout: suite.timeout,
            capture_timeout: suite.capture_timeout,
            check,
            after: Vec::new(),
            plan: suite.plan.clone(),
            items: Vec::new(),
            waiver: None,
            numbered: false,
        }
    }

    /// The check file's stem (the part of the name before `::`).
    pub fn suite(&self) -> &str {
        self.name.split("::").next().unwrap_or_default()
    }

    /// Whether a human must judge it (nothing runs).
    pub fn is_manual(&self) -> bool {
        matches!(self.check, Check::Truth { manual: Some(_), .. } | Check::ForAHuman { .. })
    }

    /// Where an evidence item's requirement is defined; the case's own line if not known.
    pub fn item_source(&self, probe: &str, item: &str) -> &Source {
        self.items
            .iter()
            .find(|written| written.probe == probe && written.name.covers(item))
            .map_or(&self.source, |written| &written.source)
    }
}

/// The default id of a truth: its text transliterated to ASCII (`Ünïcode` is `unicode`,
/// Cyrillic and CJK become their Latin spelling), then lowercase letters and digits, every
/// other run of characters one `-`, trimmed, and cut at a word boundary to at most 64
/// characters. Empty when nothing is left (the loader then names it `truth-N`).
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in deunicode::deunicode(text).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.len() <= 64 {
        return slug.to_string();
    }
    let cut = &slug[..65];
    match cut.rfind('-') {
        Some(boundary) if boundary > 0 => cut[..boundary].to_string(),
        _ => slug[..64].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_collapse_and_trim() {
        assert_eq!(
            slug("`uv sync` installs all Python packages without errors"),
            "uv-sync-installs-all-python-packages-without-errors"
        );
        assert_eq!(slug("  LD_LIBRARY_PATH includes libstdc++!  "), "ld-library-path-includes-libstdc");
        assert_eq!(slug("Ünïcode only"), "unicode-only");
        assert_eq!(slug("Модуль загружается"), "modul-zagruzhaetsia");
        assert_eq!(slug("环境可用"), "huan-jing-ke-yong");
        assert_eq!(slug("✓✓"), "okok");
        assert_eq!(slug("!!!"), "");
    }

    #[test]
    fn long_slugs_cut_at_a_word_boundary() {
        let text = "`nix develop` provides a shell with Python 3.12, uv, ruff, and cmake in PATH";
        let s = slug(text);
        assert_eq!(s, "nix-develop-provides-a-shell-with-python-3-12-uv-ruff-and-cmake");
        assert!(s.len() <= 64);
        assert_eq!(slug(&"a".repeat(80)).len(), 64);
    }
}
