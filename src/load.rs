//! From check files to cases: discover, decode with locations, validate, resolve.
//!
//! Every problem is a [`LoadError`] naming `file:line:column`, what is wrong and what
//! to do. All files are loaded and all problems reported together, so a user fixes a
//! whole batch at once instead of one error per run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

use crate::bounded;
use crate::case::{Case, Check, ItemSource, Kind, ProhibitionCheck, Source, Suite, Waiver, slug};
use crate::inside::escape;
use crate::load_error::LoadError;
use crate::locate::Locations;
use crate::plan::{Plan, PlanProhibition, Written};
use crate::probe::descriptor::Descriptor;
use crate::probe::{self, KINDS, Probe, Probes, Site};
use crate::spec::{ArtifactSpec, CheckFile, Claim, KeyLinkSpec, ShellSpec, TruthSpec, TruthWord, Word};
use crate::suggest;
use crate::vars::{self, Vars};

/// The time limit of a truth when neither it nor its file sets one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// Where check files are and how paths are shown.
pub struct Loader<'a> {
    /// Check files or directories of them.
    pub checks: &'a [PathBuf],
    /// The project root: file names are shown relative to it.
    pub root: &'a Path,
    /// Values for `${vars.NAME}`, over each file's own `vars:`.
    pub vars: &'a Vars,
}

impl Loader<'_> {
    /// Loads every check file into cases, or every problem found.
    pub fn load(&self) -> Result<Vec<Case>, Vec<LoadError>> {
        if !self.root.is_dir() {
            return Err(vec![LoadError::Unreadable {
                path: self.root.display().to_string(),
                reason: "the project root is not a directory; pass --root DIR (commands run there, paths are relative to it)".into(),
            }]);
        }
        let mut errors = Vec::new();
        let mut cases = Vec::new();
        let mut plans = Vec::new();
        let files = self.discover(&mut errors);
        for file in &files {
            let shown = self.show(file);
            match bounded::read(file) {
                Err(err) => errors.push(LoadError::Unreadable {
                    path: shown,
                    reason: format!(
                        "cannot read: {err}; check its permissions, or move it out of the checks directory"
                    ),
                }),
                Ok(None) => errors.push(LoadError::At {
                    file: shown,
                    line: 1,
                    column: 1,
                    message: bounded::too_big("check file"),
                }),
                Ok(Some(bytes)) => match FileLoader::new(&shown, file, self.root, &bytes, self.vars) {
                    Err(error) => errors.push(error),
                    Ok(loader) => loader.load(self, &mut cases, &mut plans, &mut errors),
                },
            }
        }
        for mirror in &plans {
            mirror.add_cases(&mut cases);
        }
        if errors.is_empty() {
            make_names_unique(&mut cases, &mut errors);
        }
        if errors.is_empty() && cases.is_empty() {
            let looked: Vec<String> = self.checks.iter().map(|p| self.show(p)).collect();
            errors.push(LoadError::NoCases { looked: looked.join(", ") });
        }
        if errors.is_empty() { Ok(cases) } else { Err(errors) }
    }

    /// The check files, as a run would read them (unreadable directories aside).
    pub fn files(&self) -> Vec<PathBuf> {
        self.discover(&mut Vec::new())
    }

    fn discover(&self, errors: &mut Vec<LoadError>) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for path in self.checks {
            if path.is_file() {
                found.push(path.clone());
                continue;
            }
            let entries = match std::fs::read_dir(path) {
                Ok(entries) => entries,
                Err(err) => {
                    errors.push(LoadError::Unreadable {
                        path: self.show(path),
                        reason: format!(
                            "cannot read the check directory: {err}; create it with a check file or pass --checks DIR"
                        ),
                    });
                    continue;
                }
            };
            let named: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
                .collect();
            // A check file that is a symlink to nothing would be skipped without a word.
            for broken in named.iter().filter(|p| p.symlink_metadata().is_ok() && p.metadata().is_err()) {
                errors.push(LoadError::Unreadable {
                    path: self.show(broken),
                    reason:
                        "a symlink to nothing (dangling, or a loop); point it at a check file or remove it"
                            .into(),
                });
            }
            let mut yaml: Vec<PathBuf> = named.into_iter().filter(|p| p.is_file()).collect();
            yaml.sort();
            found.extend(yaml);
        }
        found
    }

    fn show(&self, path: &Path) -> String {
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        relative.display().to_string()
    }
}

/// A plan and the check file that mirrors it (the first, when several do).
struct Mirror {
    plan: Plan,
    suite: Suite,
    check_file: String,
    /// Where each plan truth is mirrored, if it is.
    mirrored: Vec<Option<Source>>,
    /// Where each plan prohibition is mirrored, if it is.
    mirrored_prohibitions: Vec<Option<Source>>,
    /// Files a plan of the same or a later wave of the phase still creates.
    to_be_created: Vec<String>,
}

impl Mirror {
    /// The plan's items that no check file mirrors, each a case of its own: artifacts and
    /// key links with GSD's semantics, what only a person can judge as manual, a truth
    /// nobody mirrors as a failure, a prohibition nobody proves as unverified.
    fn add_cases(&self, cases: &mut Vec<Case>) {
        let plan = &self.plan;
        for (k, truth) in plan.truths.iter().enumerate() {
            if self.mirrored[k].is_some() {
                continue;
            }
            let check = match truth.item.backstop {
                true => Check::ForAHuman {
                    kind: Kind::Truth,
                    reason:
                        "a backstop truth: a person confirms it, unless a check file mirrors it with a probe"
                            .into(),
                },
                false => Check::Unmirrored { check_file: self.check_file.clone() },
            };
            let statement = &truth.item.statement;
            cases.push(plan_case(Case::new(
                &self.suite,
                &slug(statement),
                statement.clone(),
                plan.source(truth.at),
                check,
            )));
        }
        for artifact in &plan.artifacts {
            let source = plan.source(artifact.at);
            cases.push(plan_case(match &artifact.item {
                Written::Spec(spec) => artifact_case(&self.suite, spec, source),
                Written::Path { path, text } => {
                    let spec = ArtifactSpec {
                        path: path.clone(),
                        provides: Some(text.clone()),
                        contains: None,
                        min_lines: None,
                        exports: Default::default(),
                    };
                    Case::new(&self.suite, path, text.clone(), source, Check::Artifact(spec))
                }
                Written::Prose(text) => prose(&self.suite, Kind::Artifact, text, source),
            }));
        }
        for link in &plan.key_links {
            let source = plan.source(link.at);
            cases.push(plan_case(match &link.item {
                Written::Spec(spec) => {
                    let mut case = key_link_case(&self.suite, spec, source);
                    case.check = Check::KeyLink {
                        spec: spec.clone(),
                        pending: self.to_be_created.contains(&spec.from),
                    };
                    case
                }
                Written::Path { text, .. } | Written::Prose(text) => {
                    prose(&self.suite, Kind::KeyLink, text, source)
                }
            }));
        }
        for (k, prohibition) in plan.prohibitions.iter().enumerate() {
            if self.mirrored_prohibitions[k].is_none() {
                let check = self.prohibition_check(&prohibition.item);
                let statement = &prohibition.item.statement;
                let source = plan.source(prohibition.at);
                cases.push(plan_case(Case::new(
                    &self.suite,
                    &slug(statement),
                    statement.clone(),
                    source,
                    check,
                )));
            }
        }
    }

    /// How a prohibition no check file mirrors is proven: by a person (judgment), by its
    /// descriptor, or not at all (then it fails, saying how to prove it).
    fn prohibition_check(&self, prohibition: &PlanProhibition) -> Check {
        let mirror_it = format!(
            "mirror it in {} under `prohibitions:` with a probe that fails when it happens (e.g. `files: {{\"src/**\": {{excludes: \"...\"}}}}`), or give it a `check_kind` in the plan",
            self.check_file
        );
        match (prohibition.verification.as_deref(), prohibition.status.as_deref(), &prohibition.check_kind) {
            (Some("judgment"), _, _) => Check::ForAHuman {
                kind: Kind::Prohibition,
                reason: "a judgment prohibition: a person confirms it never happens".into(),
            },
            (_, Some("unresolved"), Some(_)) => Check::Prohibition(ProhibitionCheck::Unverified(
                "unverified: the plan marks it `status: unresolved`, so its check is not settled; set `status: resolved` once it is".into(),
            )),
            (_, Some("unresolved"), None) => Check::Prohibition(ProhibitionCheck::Unverified(format!(
                "unverified: the plan marks it `status: unresolved`; resolve it, then {mirror_it}"
            ))),
            (_, _, Some(kind)) => Check::Prohibition(ProhibitionCheck::Descriptor(Descriptor {
                kind: kind.clone(),
                target: prohibition.check_target.clone(),
                rule: prohibition.check_rule.clone(),
                violation_fixture: prohibition.violation_fixture.clone(),
                clean_fixture: prohibition.clean_fixture.clone(),
            })),
            _ => Check::Prohibition(ProhibitionCheck::Unverified(format!(
                "unverified: no check that can fail proves it; {mirror_it}"
            ))),
        }
    }
}

/// A case made from a plan item: nobody can give it an id, so a name it shares with an
/// earlier case is numbered (`#2`) rather than refused. (A check file's own items can be
/// told apart by the file's author, so there a clash stays an error.)
fn plan_case(mut case: Case) -> Case {
    case.numbered = true;
    case
}

/// A plan item written as prose: a person reads it.
fn prose(suite: &Suite, kind: Kind, text: &str, source: Source) -> Case {
    let id = match slug(text) {
        id if id.is_empty() => "item".to_string(),
        id => id,
    };
    let check = Check::ForAHuman { kind, reason: format!("written as prose, so a person checks it: {text}") };
    Case::new(suite, &id, text.to_string(), source, check)
}

fn artifact_case(suite: &Suite, artifact: &ArtifactSpec, source: Source) -> Case {
    let title = match &artifact.provides {
        Some(provides) => format!("{}: {provides}", artifact.path),
        None => artifact.path.clone(),
    };
    Case::new(suite, &artifact.path, title, source, Check::Artifact(artifact.clone()))
}

fn key_link_case(suite: &Suite, link: &KeyLinkSpec, source: Source) -> Case {
    let title = match &link.via {
        Some(via) => format!("{} -> {} via {via}", link.from, link.to),
        None => format!("{} -> {}", link.from, link.to),
    };
    let check = Check::KeyLink { spec: link.clone(), pending: false };
    Case::new(suite, &format!("{}->{}", link.from, link.to), title, source, check)
}

/// Loads one file.
struct FileLoader<'a> {
    shown: &'a str,
    root: &'a Path,
    suite: String,
    file: CheckFile<Probes>,
    at: Locations,
}

impl<'a> FileLoader<'a> {
    fn new(
        shown: &'a str,
        path: &Path,
        root: &'a Path,
        bytes: &[u8],
        given: &Vars,
    ) -> Result<FileLoader<'a>, LoadError> {
        let error =
            |line, column, message: String| LoadError::At { file: shown.to_string(), line, column, message };
        let text = std::str::from_utf8(bytes).map_err(|err| {
            let before = &bytes[..err.valid_up_to()];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            error(line, column, "the file is not valid UTF-8; save it as UTF-8".into())
        })?;
        if text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
            return Err(error(1, 1, "the file is empty; add `truths:` with at least one truth".into()));
        }
        let text = &vars::substitute(text, given).map_err(|p| error(p.line, p.column, p.message))?;
        let file: CheckFile<Probes> = serde_yaml::from_str(text).map_err(|err| {
            let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
            error(line, column, explain(&err.to_string()))
        })?;
        let suite = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(FileLoader { shown, root, suite, file, at: Locations::of(text) })
    }

    fn error(&self, path: &str, message: impl Into<String>) -> LoadError {
        let position = self.at.find(path);
        LoadError::At {
            file: self.shown.to_string(),
            line: position.line,
            column: position.column,
            message: message.into(),
        }
    }

    fn source(&self, path: &str) -> Source {
        let position = self.at.find(path);
        Source { file: PathBuf::from(self.shown), line: position.line, column: position.column }
    }

    fn load(
        mut self,
        run: &Loader<'_>,
        cases: &mut Vec<Case>,
        plans: &mut Vec<Mirror>,
        errors: &mut Vec<LoadError>,
    ) {
        let first = cases.len();
        // Problems of earlier files must not stop this file's own checks.
        let earlier_errors = errors.len();
        let shells = match self.shells() {
            Ok(shells) => shells,
            Err(error) => return errors.push(error),
        };
        let suite = Suite {
            name: self.suite.clone(),
            shell: shells[0].clone(),
            timeout: self.file.timeout.map_or(DEFAULT_TIMEOUT, |s| s.0),
            capture_timeout: self.file.capture_timeout.map_or(crate::shell::CAPTURE_LIMIT, |s| s.0),
            plan: self.file.plan.as_ref().map(|plan| run.root.join(plan)),
        };
        let mirror = match &self.file.plan {
            None => None,
            Some(plan) => match self.mirror(run, plan, plans, &suite) {
                Ok(mirror) => Some(mirror),
                Err(error) => return errors.push(error),
            },
        };
        let mut truths = std::mem::take(&mut self.file.truths);
        let mut ids: Vec<String> = Vec::new();
        for (i, truth) in truths.iter_mut().enumerate() {
            let path = format!("truths/{i}");
            match self.claim(truth, &path, &suite, mirror.map(|m| &mut plans[m])) {
                Ok(case) => {
                    ids.push(case.name.rsplit("::").next().unwrap_or_default().to_string());
                    cases.push(case);
                }
                Err(error) => errors.push(error),
            }
        }
        if errors.len() == earlier_errors {
            self.resolve_after(&truths, &mut cases[first..], first, &ids, errors);
        }
        if let Some(installables) = &self.file.shells {
            expand_matrix(cases, first, &shells, installables);
        }
        for (i, prohibition) in std::mem::take(&mut self.file.prohibitions).iter_mut().enumerate() {
            let path = format!("prohibitions/{i}");
            if !prohibition.after.is_empty() {
                errors.push(self.error(
                    &format!("{path}/after"),
                    "`after` orders truths; a prohibition runs on its own, so remove it",
                ));
                continue;
            }
            match self.claim(prohibition, &path, &suite, mirror.map(|m| &mut plans[m])) {
                Ok(mut case) => {
                    case.check = match case.check {
                        Check::Truth { manual: Some(reason), .. } => {
                            Check::ForAHuman { kind: Kind::Prohibition, reason }
                        }
                        Check::Truth { probes, manual: None } => {
                            Check::Prohibition(ProhibitionCheck::Probes(probes))
                        }
                        other => other,
                    };
                    case.name = case.name.replacen("::truth::", "::prohibition::", 1);
                    cases.push(case);
                }
                Err(error) => errors.push(error),
            }
        }
        for (i, artifact) in self.file.artifacts.iter().enumerate() {
            let path = format!("artifacts/{i}");
            match escape(self.root, &artifact.path).or_else(|| directory_with_content(self.root, artifact)) {
                Some(why) => errors.push(self.error(&format!("{path}/path"), why)),
                None => cases.push(artifact_case(&suite, artifact, self.source(&path))),
            }
        }
        for (i, link) in self.file.key_links.iter().enumerate() {
            let path = format!("key_links/{i}");
            match escape(self.root, &link.from) {
                Some(escape) => errors.push(self.error(&format!("{path}/from"), escape)),
                None => cases.push(key_link_case(&suite, link, self.source(&path))),
            }
        }
        let mirrors_a_plan = mirror.is_some_and(|m| plans[m].suite.name == self.suite);
        if cases.len() == first && errors.len() == earlier_errors && !mirrors_a_plan {
            errors.push(self.error("", "this file defines no truths, artifacts or key links; add `truths:`"));
        }
    }

    /// The case of one truth or prohibition of this file at `path`, or why it cannot be.
    fn claim<W: Word>(
        &self,
        claim: &mut Claim<Probes, W>,
        path: &str,
        suite: &Suite,
        mirror: Option<&mut Mirror>,
    ) -> Result<Case, LoadError> {
        let word = W::KEY;
        let id = match &claim.id {
            Some(id) if valid_id(id) => id.clone(),
            Some(id) => {
                return Err(self.error(&format!("{path}/id"), format!(
                    "invalid id `{id}`; use letters, digits, `-`, `_` and `.`, starting with a letter or digit"
                )));
            }
            // Text with nothing to name it by is numbered, as DESIGN.md §3 says.
            None => match slug(&claim.text) {
                id if id.is_empty() => {
                    let index: usize = path.rsplit('/').next().and_then(|n| n.parse().ok()).unwrap_or(0);
                    format!("{word}-{}", index + 1)
                }
                id => id,
            },
        };
        if claim.text.trim().is_empty() {
            return Err(
                self.error(path, format!("the {word} text is empty; write the statement this {word} proves"))
            );
        }
        self.mirror_claim(claim, path, mirror)?;
        let (check, items) = self.check(claim, path)?;
        let mut case = Case::new(suite, &id, claim.text.clone(), self.source(path), check);
        case.timeout = claim.timeout.map_or(suite.timeout, |s| s.0);
        case.items = items;
        case.waiver = claim.waiver.take().map(|waiver| Waiver {
            reason: waiver.reason,
            expires: waiver.expires.map(|day| day.0),
            by: waiver.by,
            accepted_at: None,
            from: self.source(&format!("{path}/waiver")).to_string(),
        });
        Ok(case)
    }

    /// The index in `plans` of the plan this file mirrors, read on first use.
    fn mirror(
        &self,
        run: &Loader<'_>,
        plan: &str,
        plans: &mut Vec<Mirror>,
        suite: &Suite,
    ) -> Result<usize, LoadError> {
        if let Some(escape) = escape(self.root, plan) {
            return Err(self.error("plan", escape));
        }
        let path = run.root.join(plan);
        if let Some(known) = plans.iter().position(|m| m.plan.path == path) {
            return Ok(known);
        }
        let plan = Plan::read(&path, &run.show(&path)).map_err(|error| match error {
            LoadError::Unreadable { path, reason } => self.error("plan", format!("`{path}`: {reason}")),
            other => other,
        })?;
        for artifact in &plan.artifacts {
            if let Written::Spec(spec) = &artifact.item
                && let Some(why) = directory_with_content(self.root, spec)
            {
                let at = plan.source(artifact.at);
                return Err(LoadError::At {
                    file: plan.shown.clone(),
                    line: at.line,
                    column: at.column,
                    message: why,
                });
            }
        }
        plans.push(Mirror {
            mirrored: vec![None; plan.truths.len()],
            mirrored_prohibitions: vec![None; plan.prohibitions.len()],
            to_be_created: plan.still_to_be_created(),
            plan,
            suite: suite.clone(),
            check_file: self.shown.to_string(),
        });
        Ok(plans.len() - 1)
    }

    /// Marks the plan item this claim mirrors, or says why it cannot.
    fn mirror_claim<W: Word>(
        &self,
        claim: &Claim<Probes, W>,
        path: &str,
        mirror: Option<&mut Mirror>,
    ) -> Result<(), LoadError> {
        let Some(mirror) = mirror else {
            return match claim.extra {
                true => Err(self.error(
                    &format!("{path}/extra"),
                    "`extra` only applies to a file with `plan:`; remove it",
                )),
                false => Ok(()),
            };
        };
        let truths = W::KEY == TruthWord::KEY;
        let found = match truths {
            true => mirror.plan.find_truth(&claim.text, |k| mirror.mirrored[k].is_some()),
            false => mirror.plan.find_prohibition(&claim.text),
        };
        let marks = if truths { &mut mirror.mirrored } else { &mut mirror.mirrored_prohibitions };
        let word = W::KEY;
        match found {
            Some(k) => match &marks[k] {
                Some(first) => Err(self.error(
                    path,
                    format!("this plan {word} is already mirrored at {first}; a plan {word} is mirrored exactly once"),
                )),
                None => {
                    marks[k] = Some(self.source(path));
                    Ok(())
                }
            },
            None if claim.extra => Ok(()),
            None => {
                let statements: Vec<&str> = match truths {
                    true => mirror.plan.truths.iter().map(|t| t.item.statement.as_str()).collect(),
                    false => mirror.plan.prohibitions.iter().map(|p| p.item.statement.as_str()).collect(),
                };
                let hint = match suggest::nearest(&claim.text, statements) {
                    Some(close) => format!("the closest plan {word} is \"{close}\"; copy it exactly"),
                    None => format!("the plan has no {word}s"),
                };
                Err(self.error(
                    path,
                    format!(
                        "this {word} is not in the plan {}; {hint}, or mark this one `extra: true`",
                        mirror.plan.shown
                    ),
                ))
            }
        }
    }

    /// The shells of this file: one, or the `shells:` matrix.
    fn shells(&self) -> Result<Vec<ShellSpec>, LoadError> {
        match (&self.file.shell, &self.file.shells) {
            (Some(_), Some(_)) => Err(self.error(
                "shells",
                "`shell` and `shells` cannot both be set; `shells` lists the nix installables of a matrix",
            )),
            (_, Some(list)) if list.is_empty() || list.iter().any(|i| i.trim().is_empty()) => {
                Err(self.error("shells", "`shells` needs nix installables, e.g. `[\".#default\", \".#ci\"]`"))
            }
            (_, Some(list)) => {
                Ok(list.iter().map(|i| ShellSpec::Nix { installable: i.clone(), pure: false }).collect())
            }
            (Some(shell), None) => Ok(vec![shell.clone()]),
            (None, None) => Ok(vec![ShellSpec::default()]),
        }
    }

    /// The probes of a truth, settled against the project, and where each of their items
    /// is written; or why it cannot run.
    fn check<W: Word>(
        &self,
        truth: &mut Claim<Probes, W>,
        path: &str,
    ) -> Result<(Check, Vec<ItemSource>), LoadError> {
        let site = Site { root: self.root, python: truth.python.as_deref() };
        let mut probes: Vec<Arc<dyn Probe>> = Vec::new();
        let mut items = Vec::new();
        for mut probe in std::mem::take(&mut truth.probes.0) {
            let written = probe.items();
            if written.is_empty() {
                return Err(self.error(
                    &format!("{path}/{}", probe.key()),
                    format!("`{}` is empty; list at least one item or remove it", probe.key()),
                ));
            }
            probe
                .resolve(&site)
                .map_err(|refusal| self.error(&format!("{path}/{}", refusal.at), refusal.message))?;
            items.extend(written.into_iter().map(|item| ItemSource {
                probe: probe.key(),
                source: self.source(&format!("{path}/{}", item.at)),
                name: item.name,
            }));
            probes.push(Arc::from(probe));
        }
        let uses_python =
            |probe: &Arc<dyn Probe>| KINDS.iter().any(|k| k.key == probe.key() && k.uses_python);
        if truth.python.is_some() && !probes.iter().any(uses_python) {
            let users: Vec<&str> = KINDS.iter().filter(|k| k.uses_python).map(|k| k.key).collect();
            let add = match users[..] {
                [one] => format!("add `{one}:`"),
                _ => "add one of them".to_string(),
            };
            let users: Vec<String> = users.iter().map(|key| format!("`{key}`")).collect();
            return Err(self.error(
                &format!("{path}/python"),
                format!("`python` is only used by {}; {add} or remove it", users.join(", ")),
            ));
        }
        match (&truth.manual, probes.is_empty()) {
            (Some(reason), _) if reason.trim().is_empty() => Err(self.error(
                &format!("{path}/manual"),
                "`manual` needs a reason: why must a human judge this truth?",
            )),
            (Some(_), false) => Err(self.error(
                &format!("{path}/manual"),
                "a `manual` truth runs nothing; remove its probes or remove `manual`",
            )),
            (Some(reason), true) => Ok((Check::Truth { probes, manual: Some(reason.clone()) }, items)),
            (None, true) => Err(self.error(
                path,
                format!(
                    "this {} has no probe; add one of {}, or `manual: REASON`",
                    W::KEY,
                    probe::keys_listed()
                ),
            )),
            (None, false) => Ok((Check::Truth { probes, manual: None }, items)),
        }
    }
}

impl FileLoader<'_> {
    /// Resolves `after` ids of this file's truths (`cases`, starting at `offset` in the
    /// run) to case indices, refusing unknown ids, manual dependencies and cycles.
    fn resolve_after(
        &self,
        truths: &[TruthSpec<Probes>],
        cases: &mut [Case],
        offset: usize,
        ids: &[String],
        errors: &mut Vec<LoadError>,
    ) {
        let before = errors.len();
        for (i, truth) in truths.iter().enumerate() {
            for (j, wanted) in truth.after.iter().enumerate() {
                let at = format!("truths/{i}/after/{j}");
                match ids.iter().position(|id| id == wanted) {
                    Some(k) if cases[k].is_manual() => {
                        errors.push(self.error(&at, format!(
                            "`{wanted}` is a manual truth and never runs, so nothing can run after it; remove it from `after`"
                        )));
                    }
                    Some(k) if k == i => {
                        errors.push(
                            self.error(
                                &at,
                                format!("`{wanted}` is this truth itself; remove it from `after`"),
                            ),
                        );
                    }
                    Some(k) => cases[i].after.push(offset + k),
                    None => {
                        let hint = match suggest::closest(wanted, ids.iter().map(String::as_str)) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None => format!("the ids in this file are: {}", ids.join(", ")),
                        };
                        errors
                            .push(self.error(&at, format!("unknown truth id `{wanted}` in `after`; {hint}")));
                    }
                }
            }
        }
        if errors.len() > before {
            return;
        }
        if let Some(cycle) = find_cycle(cases, offset) {
            let names: Vec<&str> = cycle.iter().map(|&k| ids[k].as_str()).collect();
            errors.push(self.error(
                &format!("truths/{}/after", cycle[0]),
                format!("`after` forms a cycle: {}; remove one of these dependencies", names.join(" -> ")),
            ));
        }
    }
}

/// Replaces each truth of a file (`cases[first..]`) by one case per shell of the
/// matrix, named `NAME@INSTALLABLE`; `after` stays within the same shell.
fn expand_matrix(cases: &mut Vec<Case>, first: usize, shells: &[ShellSpec], installables: &[String]) {
    let truths: Vec<Case> = cases.drain(first..).collect();
    let width = shells.len();
    for case in truths {
        for (s, (shell, installable)) in shells.iter().zip(installables).enumerate() {
            let mut variant = case.clone();
            variant.name = format!("{}@{installable}", case.name);
            variant.shell = shell.clone();
            variant.after = case.after.iter().map(|&dep| first + (dep - first) * width + s).collect();
            cases.push(variant);
        }
    }
}

/// A cycle among `cases` (local indices, first repeated at the end), if any.
fn find_cycle(cases: &[Case], offset: usize) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        k: usize,
        cases: &[Case],
        offset: usize,
        marks: &mut [Mark],
        trail: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        marks[k] = Mark::Open;
        trail.push(k);
        for &dep in &cases[k].after {
            let d = dep - offset;
            match marks[d] {
                Mark::Open => {
                    let start = trail.iter().position(|&t| t == d).unwrap_or(0);
                    let mut cycle = trail[start..].to_vec();
                    cycle.push(d);
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(d, cases, offset, marks, trail) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        trail.pop();
        marks[k] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; cases.len()];
    (0..cases.len()).find_map(|k| {
        if marks[k] == Mark::New { visit(k, cases, offset, &mut marks, &mut Vec::new()) } else { None }
    })
}

/// Refuses two cases with one name: names are how cases are filtered and reported.
/// Numbers a case whose name an earlier case has (`NAME#2`, `NAME#3`) when nobody can
/// give it an id (plan items, artifacts, key links); refuses the clash otherwise.
fn make_names_unique(cases: &mut [Case], errors: &mut Vec<LoadError>) {
    let mut seen: HashMap<String, Source> = HashMap::new();
    for case in cases.iter_mut() {
        if let Some(first) = seen.get(&case.name) {
            if !case.numbered {
                errors.push(LoadError::At {
                    file: case.source.file.display().to_string(),
                    line: case.source.line,
                    column: case.source.column,
                    message: format!(
                        "duplicate case name `{}`, first defined at {first}; give one of them another `id:`",
                        case.name
                    ),
                });
                continue;
            }
            let numbered = (2..).map(|n| format!("{}#{n}", case.name)).find(|name| !seen.contains_key(name));
            case.name = numbered.unwrap_or_default();
        }
        seen.insert(case.name.clone(), case.source.clone());
    }
}

fn valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// Why an artifact at a directory cannot be checked as written: a directory exists (GSD
/// counts it), but has no content for `contains`, `min_lines` or `exports`.
fn directory_with_content(root: &Path, spec: &ArtifactSpec) -> Option<String> {
    let is_dir =
        matches!(crate::inside::locate(root, &spec.path), crate::inside::Located::Inside(p) if p.is_dir());
    let has_content = spec.contains.is_some() || spec.min_lines.is_some() || !spec.exports.0.is_empty();
    (is_dir && has_content).then(|| {
        format!(
            "`{}` is a directory, so `contains`, `min_lines` and `exports` have nothing to read; name a file inside it, or keep only `path`",
            spec.path
        )
    })
}

/// serde_yaml's message without its position (shown in front instead), with a
/// "did you mean" for a misspelt key or value.
fn explain(message: &str) -> String {
    static POSITION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r" at line \d+ column \d+").expect("constant regex"));
    static UNKNOWN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"unknown (?:field|variant) `([^`]*)`, expected (?:one of )?(.*)$")
            .expect("constant regex")
    });
    let message = POSITION
        .replace_all(message, "")
        .replace("expected i32", "expected an integer")
        .replace("expected u64", "expected a whole number");
    if message.contains("tab character") {
        return format!("{message}; indent with spaces, never tabs");
    }
    let Some(caps) = UNKNOWN.captures(&message) else { return message };
    static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`]*)`").expect("constant regex"));
    let allowed = WORD.captures_iter(&caps[2]).filter_map(|c| c.get(1)).map(|m| m.as_str());
    match suggest::closest(&caps[1], allowed) {
        Some(close) => format!("{message}; did you mean `{close}`?"),
        None => message,
    }
}
