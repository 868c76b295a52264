//! `run:` a command, then its exit status, output lines and duration.

use std::ffi::OsString;
use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use schemars::{JsonSchema, json_schema};
use serde::Deserialize;
use serde::de;

use super::{Context, Item, ItemName, Kind, Proposal, Rank};
use crate::clue::job::{all_after, does, job_end, selected};
use crate::clue::{Claim, Clue, Job, PlanCommand, Runner, judge, judge_named, names_program};
use crate::duration;
use crate::exec::Capture;
use crate::outcome::{Ended, Evidence, Findings};
use crate::spec::schema::schema;
use crate::spec::shape::{OneOrMany, Pattern, Shaped, Span, deserialize_shaped};
use crate::text::shorten;

/// `run:` — a command and what its result must look like.
#[derive(Debug, Clone)]
pub struct Run {
    /// What to run.
    pub command: CommandSpec,
    /// The exit code it must end with.
    pub exit: i32,
    /// Regexes some line of stdout must match.
    pub stdout: Vec<Pattern>,
    /// Regexes no line of stdout may match.
    pub stdout_excludes: Vec<Pattern>,
    /// Regexes some line of stderr must match.
    pub stderr: Vec<Pattern>,
    /// Regexes no line of stderr may match.
    pub stderr_excludes: Vec<Pattern>,
    /// The longest the command may take and still pass.
    pub max_duration: Option<Duration>,
    /// Run again until it passes, for a service that comes up after a moment.
    pub retry: Option<Retry>,
}

/// `retry: {timeout, interval}`: the command runs again, `interval` apart, until it passes
/// or `timeout` has passed (goss's retry-timeout).
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// How long to keep trying.
    timeout: Span,
    /// The pause between tries (default 1s).
    #[serde(default)]
    interval: Option<Span>,
}

/// A command: a string runs with `bash -c`, a list is an argv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandSpec {
    /// Run with `bash -c`.
    Script(String),
    /// Run directly, the first item resolved on the shell's PATH.
    Argv(Vec<String>),
}

impl fmt::Display for CommandSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandSpec::Script(script) => f.write_str(script),
            CommandSpec::Argv(argv) => {
                let quoted: Vec<String> = argv
                    .iter()
                    .map(|a| {
                        if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$\\".contains(c)) {
                            format!("'{}'", a.replace('\'', r"'\''"))
                        } else {
                            a.clone()
                        }
                    })
                    .collect();
                f.write_str(&quoted.join(" "))
            }
        }
    }
}

impl Shaped for CommandSpec {
    const EXPECTING: &'static str = "a command string (run with bash -c) or a list (argv)";
    type Map = de::IgnoredAny;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("empty command; write the command to run".into());
        }
        Ok(CommandSpec::Script(text.to_string()))
    }

    fn from_seq(items: Vec<String>) -> Result<Self, String> {
        match items.first() {
            Some(program) if !program.is_empty() => Ok(CommandSpec::Argv(items)),
            _ => Err("empty argv; the first item must name the program to run".into()),
        }
    }
}

/// The map shape of `run:`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunMap {
    cmd: CommandSpec,
    #[serde(default)]
    exit: i32,
    #[serde(default)]
    stdout: OneOrMany<Pattern>,
    #[serde(default)]
    stdout_excludes: OneOrMany<Pattern>,
    #[serde(default)]
    stderr: OneOrMany<Pattern>,
    #[serde(default)]
    stderr_excludes: OneOrMany<Pattern>,
    #[serde(default)]
    max_duration: Option<Span>,
    #[serde(default)]
    retry: Option<Retry>,
}

impl Run {
    fn plain(command: CommandSpec) -> Run {
        Run {
            command,
            exit: 0,
            stdout: Vec::new(),
            stdout_excludes: Vec::new(),
            stderr: Vec::new(),
            stderr_excludes: Vec::new(),
            max_duration: None,
            retry: None,
        }
    }
}

impl Shaped for Run {
    const EXPECTING: &'static str = "a command string, an argv list, or a map with `cmd` and expectations";
    type Map = RunMap;

    fn from_str(text: &str) -> Result<Self, String> {
        CommandSpec::from_str(text).map(Run::plain)
    }

    fn from_seq(items: Vec<String>) -> Result<Self, String> {
        CommandSpec::from_seq(items).map(Run::plain)
    }

    fn from_map(map: RunMap) -> Result<Self, String> {
        if !(0..=255).contains(&map.exit) {
            return Err(format!("`exit: {}` can never happen: an exit status is 0 to 255", map.exit));
        }
        Ok(Run {
            command: map.cmd,
            exit: map.exit,
            stdout: map.stdout.0,
            stdout_excludes: map.stdout_excludes.0,
            stderr: map.stderr.0,
            stderr_excludes: map.stderr_excludes.0,
            max_duration: map.max_duration.map(|s| s.0),
            retry: map.retry,
        })
    }
}

deserialize_shaped!(CommandSpec, Run);

schema!(CommandSpec, "Command", |_generator| json_schema!({
    "description": "A string runs with `bash -c`; a list is an argv.",
    "anyOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]
}));
schema!(Run, "Run", |generator| json_schema!({
    "description": "A command that must succeed, or a map with `cmd` and expectations.",
    "anyOf": [generator.subschema_for::<CommandSpec>(), generator.subschema_for::<RunMap>()]
}));

impl Kind for Run {
    const KEY: &'static str = "run";

    fn items(&self) -> Vec<Item> {
        vec![Item { name: ItemName::Every, at: Self::KEY.into() }]
    }

    fn check(&self, ctx: &Context<'_>) -> Findings {
        check(self, ctx)
    }

    fn can_fail(&self) -> bool {
        let expects_output = [&self.stdout, &self.stdout_excludes, &self.stderr, &self.stderr_excludes].iter().any(|p| !p.is_empty());
        let trivial = match &self.command {
            CommandSpec::Script(script) => matches!(script.trim(), "true" | ":" | "exit 0" | "/bin/true") || script.trim().starts_with("echo "),
            CommandSpec::Argv(argv) => matches!(argv[0].as_str(), "true" | "/bin/true" | ":" | "echo"),
        };
        !trivial || expects_output || self.exit != 0 || self.max_duration.is_some()
    }

    fn propose(clue: &Clue<'_>) -> Option<Proposal> {
        proposed(clue)
    }
}

/// A command of the truth (in backticks, or `nix flake check`) that it says succeeds, as
/// the plan runs it when the plan does; else the plan's or the project's command for the
/// job it says passes; else, for a command it names but does not claim succeeds, why not.
fn proposed(clue: &Clue<'_>) -> Option<Proposal> {
    let mut note = None;
    let mut found: Vec<Proposal> = Vec::new();
    let mut accepted: Vec<String> = Vec::new();
    let named = clue.spans().into_iter().map(|s| (s.text.to_string(), s.start, s.end));
    let flake_check = FLAKE_CHECK.find(clue.truth).map(|m| ("nix flake check".to_string(), m.start(), m.end()));
    let leading = clue.leading_command().map(|(text, end)| (text.to_string(), 0, end));
    for (text, start, end) in named.chain(flake_check).chain(leading) {
        let judged = match clue.run_before(start) || clue.asks_help(&text) {
            true => judge_named(&text),
            false => judge(&text),
        };
        if judged.is_err() && !names_program(&text) {
            continue;
        }
        if clue.negated_before(start) {
            note.get_or_insert_with(|| not_run(&text));
            continue;
        }
        if clue.claims_before(start) {
            note.get_or_insert_with(|| Proposal::note(format!("the truth claims more than that `{text}` succeeds: split it, one claim per truth")));
            continue;
        }
        let command = match judged {
            Ok(command) => command,
            Err(why) => {
                note.get_or_insert_with(|| Proposal::note(format!("`{text}` is named, but {why}: check it another way")));
                continue;
            }
        };
        let program = command.split_whitespace().next().unwrap_or_default();
        if let Some(script) = clue.files.script_for(program).filter(|_| !names_program(program)) {
            note.get_or_insert_with(|| Proposal::note(format!("the plan runs `{program}` as `{script}`, so it may not be on PATH: `run:` it as the plan does")));
            continue;
        }
        if !(clue.succeeds_after(end, &command) || clue.run_before(start) && clue.purpose_after(end)) {
            note.get_or_insert_with(|| match clue.negated_after(end) && !clue.succeeds_after_words(end) {
                true => not_run(&text),
                false => Proposal::note(format!("the truth says more of `{text}` than that it succeeds: `run:` it and check the rest (`stdout:`, `files:`), or split the truth")),
            });
            continue;
        }
        if let Some(why) = clue.narrowed_after(end) {
            note.get_or_insert_with(|| Proposal::note(format!("`{text}` is claimed {why}: write the check for that")));
            continue;
        }
        // The same command named twice (in backticks, and as the truth's first words).
        if accepted.contains(&command) {
            continue;
        }
        accepted.push(command.clone());
        found.push(named_command(clue, &command));
    }
    match found.len() {
        0 => clue.job().map(|claim| job_command(clue, &claim)).or(note).or_else(|| clue.job_refusal().map(Proposal::note)),
        1 => found.pop(),
        _ => Some(Proposal::note("the truth names several commands: give each its own truth, or `run:` them joined with `&&`")),
    }
}

/// The command for the job `claim` says passes: the one it names ("via `bun test`"); the
/// plan's command for just the part it names ("the species tests": `pytest
/// tests/test_species.py`); else, when the whole job checks that part too, the plan's
/// command that runs it all, the project's runner for it, or the command the project's
/// other plans run for it most often; else why there is none.
fn job_command(clue: &Clue<'_>, claim: &Claim) -> Proposal {
    let job = claim.job;
    if let Some(via) = claim.via.as_deref().and_then(|via| judge(via).ok()) {
        return named_command(clue, &via);
    }
    let mut narrow = clue.plan.iter().filter(|p| claim.fits(&p.command) && claim.narrows_to(&p.command));
    if let Some(plan) = narrow.clone().find(|p| !p.moved).or_else(|| narrow.next()) {
        return from_plan(clue, plan);
    }
    // Of equal commands, the one naming the truth's words ("the full pytest suite").
    let runs_all = |p: &PlanCommand| claim.fits(&p.command) && runs_it_all(&p.command, job) && claim.within_whole(&p.command);
    let whole = |p: &&PlanCommand| !p.moved && runs_all(p);
    // Where the plan runs the job in another directory, no other command is its check.
    if let Some(plan) = clue.plan.iter().find(|p| p.moved && runs_all(p))
        && !clue.plan.iter().any(|p| whole(&p))
    {
        return from_plan(clue, plan);
    }
    let named = |p: &&PlanCommand| claim.scope.iter().any(|w| p.command.contains(w.as_str()));
    let mut whole_plan = clue.plan.iter().filter(whole);
    let chosen = match whole_plan.clone().find(named).or_else(|| whole_plan.next()) {
        Some(plan) => Some((plan.command.clone(), format!("from {}", plan.from), Rank::Plan)),
        None => match project_runner(clue, claim) {
            Err(several) => return Proposal::note(format!("the project has a {job} runner in each of {several}, and the truth names none: write the command that runs them all")),
            Ok(Some(runner)) => Some((runner.command.clone(), format!("recognised: the project's {job} runner, from {}", runner.from), Rank::Runner)),
            Ok(None) => usual(clue, claim, &whole).map(|plan| (plan.command.clone(), format!("recognised: the {job} command the project's plans run, as in {}", plan.from), Rank::Runner)),
        },
    };
    let Some((command, from, rank)) = chosen else {
        if !claim.scope.is_empty() {
            return Proposal::note(format!(
                "the truth names what to {job} ({}), and no command of the plan does just that: write the command",
                claim.scope.join(" ")
            ));
        }
        return Proposal::note(format!("no {job} runner found (Makefile, Cargo.toml, pyproject.toml with pytest, ruff or mypy, package.json scripts, tsconfig.json, gradlew, the other plans' verify steps): write the command"));
    };
    // Say that the whole job runs for a part, unless the command itself names the part.
    let part: Vec<&str> = claim.scope.iter().map(String::as_str).filter(|w| !command.contains(w)).collect();
    let part = part.join(" ");
    let because = match (part.is_empty(), job) {
        (true, _) => from,
        (false, Job::Test) => format!("{from}; it runs all the tests, the {part} ones among them"),
        (false, Job::Build) => format!("{from}; it builds the whole project, the {part} included"),
        (false, _) => format!("{from}; it checks the whole project, the {part} included"),
    };
    run(clue, &command, because, rank)
}

/// The project's runner for `claim`'s job: a Makefile's target, which is the project's own
/// entry point, else the one language's; `Err` with their files when several languages
/// run the job (`cargo test` runs none of the package.json's tests).
fn project_runner<'a>(clue: &Clue<'a>, claim: &Claim) -> Result<Option<&'a Runner>, String> {
    let fitting: Vec<&Runner> = clue
        .runners
        .iter()
        .filter(|r| r.job == claim.job && claim.fits(&r.command) && claim.within_whole(&r.command))
        .collect();
    // package.json's scripts and tsconfig.json are one language.
    let language = |from: &'static str| if from == "tsconfig.json" { "package.json" } else { from };
    match fitting.first() {
        Some(first) if first.command.starts_with("make ") => Ok(Some(first)),
        Some(first) if fitting.iter().all(|r| language(r.from) == language(first.from)) => Ok(Some(first)),
        Some(_) => {
            let mut files: Vec<&str> = fitting.iter().map(|r| language(r.from)).collect();
            files.dedup();
            Err(files.join(", "))
        }
        None => Ok(None),
    }
}

/// A command the truth names: as the plan runs it, when it does.
fn named_command(clue: &Clue<'_>, command: &str) -> Proposal {
    match planned(clue, command) {
        Some(plan) => from_plan(clue, plan),
        None => run(clue, command, "from the truth's own words".into(), Rank::Truth),
    }
}

fn not_run(text: &str) -> Proposal {
    Proposal::note(format!("the truth says `{text}` is not run or used: write a check that it is not"))
}

/// The plan's command that runs `command` as it is (see [`as_planned`]), one run at the
/// root first.
fn planned<'a>(clue: &Clue<'a>, command: &str) -> Option<&'a PlanCommand> {
    clue.plan.iter().filter(|p| as_planned(&p.command, command)).min_by_key(|p| p.moved)
}

/// `run:` the plan's command, or, when the plan runs it in another directory, why not.
fn from_plan(clue: &Clue<'_>, plan: &PlanCommand) -> Proposal {
    match plan.moved {
        true => Proposal::note(format!(
            "the plan runs `{}` in another directory ({}): `run:` it there, as `cd DIR && {}`",
            plan.command, plan.from, plan.command
        )),
        false => run(clue, &plan.command, format!("from {}", plan.from), Rank::Plan),
    }
}

/// `run: command`, or why it is no check at the project's root.
fn run(clue: &Clue<'_>, command: &str, because: String, rank: Rank) -> Proposal {
    if let Some(why) = clue.project.unfit(command, clue.files) {
        return Proposal::note(why);
    }
    let because = match clue.test_count().filter(|_| does(command, Job::Test)) {
        Some(count) => format!("{because}; the count ({count}) is not checked"),
        None => because,
    };
    // pnpm passes a filter that selects no package; a check must fail then.
    if let Some(rest) = command.strip_prefix("pnpm ").filter(|rest| PNPM_FILTER.is_match(rest) && !rest.contains("--fail-if-no-match")) {
        let because = format!("{because}; with --fail-if-no-match, so that a filter selecting no package fails");
        return Proposal::new("run", format!("pnpm --fail-if-no-match {rest}").into(), because, rank);
    }
    Proposal::new("run", command.into(), because, rank)
}

/// The command for a job the project's other plans run most often, the first written
/// among equals; none when they run it two ways (`cargo test` in `src-tauri/` and `npx
/// vitest run` at the root: which one a truth means, only its plan can say) or in another
/// directory.
fn usual<'a>(clue: &Clue<'a>, claim: &Claim, whole: &impl Fn(&&PlanCommand) -> bool) -> Option<&'a PlanCommand> {
    let job = claim.job;
    // `npx tsc` and `tsc`, `uv run pytest` and `pytest` are one runner.
    let runner = |p: &PlanCommand| job_end(&p.command, job).map(|end| WRAPPER.replace(p.command[..end].trim(), "").into_owned());
    let mut fitting = clue.elsewhere.iter().filter(|p| claim.fits(&p.command));
    let first = fitting.clone().next().and_then(runner)?;
    if fitting.any(|p| p.moved || runner(p).as_deref() != Some(first.as_str())) {
        return None;
    }
    let usual: Vec<&PlanCommand> = clue.elsewhere.iter().filter(whole).collect();
    let mut uses: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    usual.iter().for_each(|p| *uses.entry(p.command.as_str()).or_default() += 1);
    usual.iter().rev().max_by_key(|p| uses[p.command.as_str()]).copied()
}

/// Whether `command` runs all of `job`: in no workspace package, and with nothing after
/// its runner but what [`all_after`] allows.
fn runs_it_all(command: &str, job: Job) -> bool {
    selected(command, job).is_empty() && all_after(command, job)
}

/// Whether the plan's `planned` runs `command` as it is, with at most a runner in front
/// (`uv run`, `npx`) and flags after (`-q`, `--verbose`): an argument more would narrow it.
fn as_planned(planned: &str, command: &str) -> bool {
    let Some(at) = planned.find(command) else { return false };
    let (before, after) = (planned[..at].trim(), &planned[at + command.len()..]);
    let runner = ["", "uv run", "npx", "pnpm exec", "poetry run", "bunx", "python -m", "python3 -m", "uv run python -m"].contains(&before);
    runner && (after.is_empty() || after.starts_with(' ')) && after.split_whitespace().all(|w| w.starts_with('-'))
}

static WRAPPER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((npx|bunx)(\s+--no-install)?|pnpm\s+exec|(uv|poetry|pdm|hatch)\s+run|python3?\s+-m)\s+").expect("constant regex")
});
static PNPM_FILTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(^|\s)(--filter|-F)(=|\s)").expect("constant regex"));
static FLAKE_CHECK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bnix flake check\b").expect("constant regex"));

fn check(spec: &Run, ctx: &Context<'_>) -> Findings {
    let Some(retry) = spec.retry else { return attempt(spec, ctx) };
    let started = std::time::Instant::now();
    let interval = retry.interval.map_or(Duration::from_secs(1), |s| s.0);
    let mut tries = 1;
    let mut findings = attempt(spec, ctx);
    while !findings.passed() && started.elapsed() + interval < retry.timeout.0 && std::time::Instant::now() + interval < ctx.deadline {
        std::thread::sleep(interval);
        tries += 1;
        findings = attempt(spec, ctx);
    }
    let waited = crate::duration::display(started.elapsed());
    let found = match findings.passed() {
        true if tries == 1 => "passed on the first try".to_string(),
        true => format!("passed on try {tries}, after {waited}"),
        false => format!("{tries} tries over {waited}, none passed"),
    };
    let expected = format!("passes within {}, tried every {}", crate::duration::display(retry.timeout.0), crate::duration::display(interval));
    findings.evidence.push(Evidence::new("run", "retry", findings.passed(), expected, found));
    findings
}

/// One run of the command and what it found.
fn attempt(spec: &Run, ctx: &Context<'_>) -> Findings {
    let argv: Vec<OsString> = match &spec.command {
        CommandSpec::Script(script) => vec!["bash".into(), "-c".into(), script.into()],
        CommandSpec::Argv(argv) => argv.iter().map(OsString::from).collect(),
    };
    let finished = ctx.run(&argv, &spec.command.to_string());
    let record = &finished.record;
    // The command's line in every report says how it ended: this item restates it.
    let mut evidence = vec![
        Evidence::new(
            "run",
            "exit status",
            record.ended == Ended::Exit(spec.exit),
            format!("exit {}", spec.exit),
            record.ended.to_string(),
        )
        .restating_a_command(),
    ];
    let streams = [
        ("stdout", &finished.stdout, &spec.stdout, &spec.stdout_excludes),
        ("stderr", &finished.stderr, &spec.stderr, &spec.stderr_excludes),
    ];
    for (stream, capture, wanted, unwanted) in streams {
        let expectations = wanted.iter().map(|p| (p, true)).chain(unwanted.iter().map(|p| (p, false)));
        for (pattern, want) in expectations {
            evidence.push(line_evidence(stream, capture, pattern, want, ctx));
        }
    }
    if let Some(limit) = spec.max_duration {
        evidence.push(Evidence::new(
            "run",
            "duration",
            record.duration <= limit,
            format!("at most {}", duration::display(limit)),
            duration::display(record.duration),
        ));
    }
    Findings { evidence, commands: vec![finished.record] }
}

/// Whether some line of `capture` matches `pattern`, as `want` requires; the first
/// matching line (shortened, secrets scrubbed) is the evidence.
fn line_evidence(
    stream: &str,
    capture: &Capture,
    pattern: &Pattern,
    want: bool,
    ctx: &Context<'_>,
) -> Evidence {
    let expected = match want {
        true => format!("a line matching {pattern}"),
        false => format!("no line matching {pattern}"),
    };
    let mut found = None;
    let scanned = capture.any_line(|line| {
        let hit = pattern.0.is_match(line);
        if hit {
            found = Some(shorten(&ctx.env.secrets.scrub(line), 200));
        }
        hit
    });
    match scanned {
        Ok(hit) => {
            let found = found.map_or_else(|| "no line matches".to_string(), |line| format!("line `{line}`"));
            Evidence::new("run", stream, hit == want, expected, found)
        }
        Err(err) => Evidence::new("run", stream, false, expected, format!("output unreadable: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::proposed;
    use crate::clue::{Clue, Job, PlanCommand, Runner};
    use crate::probe::Rank;

    fn propose(truth: &str, plan: &[(&str, &str)], runners: &[(Job, &str)]) -> Option<(String, Rank)> {
        let plan: Vec<PlanCommand> = plan.iter().map(|(c, f)| PlanCommand { command: c.to_string(), from: f.to_string(), moved: false }).collect();
        let runners: Vec<Runner> = runners.iter().map(|(job, c)| Runner { job: *job, command: c.to_string(), from: "Makefile" }).collect();
        proposed(&Clue { truth, plan: &plan, runners: &runners, elsewhere: &[], files: &Default::default(), project: &Default::default() }).map(|p| (p.yaml, p.rank))
    }

    #[test]
    fn a_command_the_truth_says_succeeds_is_proposed() {
        assert_eq!(propose("`uv sync` succeeds without errors", &[], &[]), Some(("run: \"uv sync\"".into(), Rank::Truth)));
        assert_eq!(propose("`pip check` finds no broken requirements", &[], &[]), Some(("run: \"pip check\"".into(), Rank::Truth)));
        // A linter that fails on any warning: "zero warnings" is its exit status; not so for a build.
        assert_eq!(propose("`uv run ruff check .` exits with zero warnings", &[], &[]), Some(("run: \"uv run ruff check .\"".into(), Rank::Truth)));
        assert_eq!(propose("`cargo build` exits with zero warnings", &[], &[]).map(|p| p.1), Some(Rank::Note));
        assert_eq!(propose("nix flake check passes", &[], &[]), Some(("run: \"nix flake check\"".into(), Rank::Truth)));
        // Named twice (the words, and the truth's first words), run once, as the plan runs it.
        let plan = [("nix flake check -L", "<verify> of task 1")];
        assert_eq!(propose("nix flake check passes", &plan, &[]), Some(("run: \"nix flake check -L\"".into(), Rank::Plan)));
        assert_eq!(
            propose("`pytest tests/test_io.py` passes", &[("uv run pytest tests/test_io.py -q", "<verify> of task 1")], &[]),
            Some(("run: \"uv run pytest tests/test_io.py -q\"".into(), Rank::Plan))
        );
        // A program asked for its help: starting is the claim, and a named exception it runs
        // without is an error its exit status shows. Through subcommands, only a program the
        // project declares: another may run them.
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("pyproject.toml"), "[project]\nname = \"x\"\n\n[project.scripts]\nmytool = \"x.cli:main\"\n").unwrap();
        let project = crate::clue::Project::read(root.path());
        let truth = "mytool db show --help works without ImportError";
        let declared = proposed(&Clue { truth, plan: &[], runners: &[], elsewhere: &[], files: &Default::default(), project: &project });
        assert_eq!(declared.map(|p| p.yaml).as_deref(), Some("run: \"mytool db show --help\""));
        assert_eq!(propose(truth, &[], &[]), None);
        assert_eq!(
            propose("`mytool --version` runs without a ModuleNotFoundError", &[], &[]),
            Some(("run: \"mytool --version\"".into(), Rank::Truth))
        );
    }

    #[test]
    fn negated_servers_and_claims_on_output_are_notes() {
        for truth in [
            "The installer does NOT execute `uv pip install` anymore",
            "Nothing ever calls `uv run train.py` succeeds",
            "`npm run dev` starts the app and it works",
            "`pnpm --filter web-ui dev` succeeds",
            "`envtruth --list` prints every case",
            "`.envrc` holds `use flake`",
            "no backticks",
            // Help asked for, and more claimed; or no program asked.
            "mytool --help lists every subcommand",
            "mytool --help works without the network",
            "mytool --help works without ImportError and prints usage",
            // A named exception of a command that does more than start: its status mixes in others.
            "python3 -m unittest runs without ImportError",
            "npm test runs without TypeError",
            // `--help` handed to what an interpreter or runner runs, or to a subcommand that changes things.
            "`node app --help` works",
            "python app --help works without ImportError",
            "`docker run alpine --help` works",
            "redis-cli del session --help works without errors",
            "mytool uninstall --help works without ImportError",
            // pnpm's -w is the workspace root, and `dev` a server; node --test runs its file.
            "`pnpm -w dev` works",
            "`yarn -w start` succeeds",
            "`node --test src/server.js` passes",
            "`pytest -f tests/` passes",
            "`pytest -fq tests/` passes",
            "`ruff check -w src/` passes",
            "`npx vite --host` works",
            "`npx tsx src/index.ts` works",
            "uv run python3 app --help works without ImportError",
            "python3.12 app --help works without ImportError",
            "pnpm seed --help works without ImportError",
            "`pnpm db-wipe --help` works",
            "`pnpm run nuke --help` works",
            // Outside the project, rewriting what it checks, or changing data.
            "`pytest ../other/tests/` passes",
            "`ruff check ~/src` passes",
            "`npx eslint /root/x` passes",
            "`npx vitest run --update` passes",
            "`ruff check --add-noqa` passes",
            "`python scripts/reset_db.py` succeeds",
            "`pytest ..` passes",
            "`pytest tests/../../other` passes",
            "`go build -o/usr/local/bin/app ./...` succeeds",
            "`npx webpack -w` succeeds",
            "`./gradlew test --continuous` passes",
            "`npx vite --port 3000` works",
            "`uv sync` succeeds (fails on CI)",
            "dash seed --help works without ImportError",
            "`pytest --basetemp=src` passes",
            "`pytest //etc/x` passes",
            "`pytest $dir/tests` passes",
            "`mix ecto.drop` succeeds",
            "`make db-reset` succeeds",
            "`uv run seed` succeeds",
            "`cargo insta accept` succeeds",
            "`go generate ./...` succeeds",
            "`uvx ruff --help` works",
            "`make test -q` passes",
            "`node -e \"require('./app')\"` succeeds",
            "`npx sequelize-cli db:migrate` succeeds",
            "`uv run python manage.py createsuperuser --noinput` succeeds",
            "`uv run python scripts/migrate.py` succeeds",
            "`npm run clean` succeeds",
            "`npx rimraf dist` succeeds",
            "`pytest --base-url=http://localhost:8000` passes",
            "`npx prisma generate` succeeds",
            "The login flow works without ImportError",
            "shutdown -h works without errors",
        ] {
            let proposal = propose(truth, &[], &[]);
            assert!(proposal.as_ref().is_none_or(|(_, rank)| *rank == Rank::Note), "{truth}: {proposal:?}");
        }
    }

    #[test]
    fn tests_pass_takes_the_plans_command_then_the_projects_runner() {
        let plan = [("pytest tests/test_one.py", "<verify> of task 1"), ("python -m pytest tests/ -q", "<verification>")];
        assert_eq!(propose("All tests pass", &plan, &[]), Some(("run: \"python -m pytest tests/ -q\"".into(), Rank::Plan)));
        assert_eq!(propose("All existing tests pass", &[], &[(Job::Test, "make test")]), Some(("run: \"make test\"".into(), Rank::Runner)));
        // A count is said to be unchecked, whatever stands between it and "tests".
        let plan = [("pytest tests/test_store.py -x", "<verify> of task 1")];
        let counted = proposed(&Clue { truth: "All 9 existing test_store.py tests still pass", plan: &plan.map(|(c, f)| PlanCommand { command: c.into(), from: f.into(), moved: false }), runners: &[], elsewhere: &[], files: &Default::default(), project: &Default::default() });
        assert_eq!(counted.map(|p| p.because).as_deref(), Some("from <verify> of task 1; the count (9) is not checked"));
        assert_eq!(propose("All tests pass", &[], &[]).map(|p| p.1), Some(Rank::Note));
        // The runner named is no part; a part named needs a command for it.
        let plan = [("python -m pytest tests/ -q", "<verification>")];
        assert_eq!(propose("The full pytest suite passes", &plan, &[]), Some(("run: \"python -m pytest tests/ -q\"".into(), Rank::Plan)));
        assert_eq!(propose("All e2e tests pass", &plan, &[]).map(|p| p.1), Some(Rank::Note));
        assert_eq!(propose("All new tests fail (red phase)", &[], &[(Job::Test, "make test")]), None);
        // A workspace the plan selects is that part, never the whole (nor a server: `-ui`).
        // pnpm succeeds when a filter selects nothing: the check must not.
        let plan = [("pnpm --filter admin-ui build", "<verification>"), ("npm -w api test", "<verify> of task 2")];
        assert_eq!(propose("The admin-ui build passes", &plan, &[]), Some(("run: \"pnpm --fail-if-no-match --filter admin-ui build\"".into(), Rank::Plan)));
        assert_eq!(propose("The api tests pass", &plan, &[]), Some(("run: \"npm -w api test\"".into(), Rank::Plan)));
        assert_eq!(propose("The project builds", &plan, &[]).map(|p| p.1), Some(Rank::Note));
        assert_eq!(propose("All tests pass", &plan, &[]).map(|p| p.1), Some(Rank::Note));
        assert_eq!(propose("The web tests pass", &plan, &[]).map(|p| p.1), Some(Rank::Note));
        // A package by its whole name only: never another whose name holds the word, all but
        // it, it with its dependencies, a path, or changes since.
        for command in [
            "pnpm --filter @acme/web-admin test",
            "pnpm --filter '!web' test",
            "pnpm --filter=!web test",
            "pnpm --filter web... test",
            "pnpm --filter ./packages/web test",
            "pnpm --filter ../web test",
            "pnpm --filter web[origin/main] test",
        ] {
            assert_eq!(propose("The web tests pass", &[(command, "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Note), "{command}");
        }
        assert_eq!(propose("The web tests pass", &[("pnpm -F @acme/web test", "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Plan));
        // One package, whole: not a file of it, not two packages.
        for command in ["pnpm --filter web test src/a.test.ts", "pnpm --filter web test -t parse", "pnpm --filter web --filter api test", "npm -w web -w api test"] {
            assert_eq!(propose("The web tests pass", &[(command, "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Note), "{command}");
        }
        // Flags that run nothing, pick a part or move elsewhere are no whole run.
        for command in ["go test -count=0 ./...", "cargo test --all-targets", "npm test -v", "cargo test tests/", "cargo test .", "go test .", "go test --run=TestLogin ./...", "pytest --cov", "pytest --version", "pytest --collect-only", "npx jest --listTests", "npx vitest run --shard=1/2", "pnpm test --dir=web", "npm test --prefix=web", "pytest --deselect=tests/test_a.py::test_bad"] {
            assert_eq!(propose("All tests pass", &[(command, "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Note), "{command}");
        }
        assert_eq!(propose("All tests pass", &[("cargo test --workspace --all-features -q", "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Plan));
        assert_eq!(propose("All tests pass (no new failures allowed)", &[], &[(Job::Test, "make test")]).map(|p| p.1), Some(Rank::Note));
        assert_eq!(propose("Lint is clean", &[("uv run mypy src", "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Note));
        for truth in ["All tests pass after seeding the database", "All tests pass (no failures allowed beyond the 2 known)", "All tests pass (slow tests deselected)", "All tests pass with 0 new failures"] {
            assert_eq!(propose(truth, &[], &[(Job::Test, "make test")]).map(|p| p.1), Some(Rank::Note), "{truth}");
        }
        assert_eq!(propose("All tests pass", &[("go test -v -count=1 ./...", "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Plan));
        assert_eq!(propose("All tests pass", &[("pytest tests -q", "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Plan));
        assert_eq!(propose("Lint is clean", &[("ruff check src tests", "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Plan));
        assert_eq!(propose("The api tests pass", &[("npm test -w api", "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Plan));
        // Two languages' runners, and no Makefile to run both: which one is the truth's?
        let both = [(Job::Test, "cargo test"), (Job::Test, "npm test")];
        let runners: Vec<Runner> = both.iter().zip(["Cargo.toml", "package.json"]).map(|((job, c), from)| Runner { job: *job, command: c.to_string(), from }).collect();
        let chosen = proposed(&Clue { truth: "All tests pass", plan: &[], runners: &runners, elsewhere: &[], files: &Default::default(), project: &Default::default() });
        assert!(chosen.as_ref().is_some_and(|p| p.rank == Rank::Note && p.yaml.contains("Cargo.toml, package.json")), "{chosen:?}");
        // A part named, and nothing narrower beside it.
        let plan = [("pytest tests/test_species.py -k fast", "<verify> of task 1")];
        assert_eq!(propose("The species tests pass", &plan, &[]).map(|p| p.1), Some(Rank::Note));
        let plan = [("pytest tests/test_species.py -q", "<verify> of task 1")];
        assert_eq!(propose("The species tests pass", &plan, &[]).map(|p| p.1), Some(Rank::Plan));
        assert_eq!(propose("All tests pass (no failures allowed)", &[], &[(Job::Test, "make test")]).map(|p| p.1), Some(Rank::Runner));
        // A selection after the script is a part too.
        for command in ["npm test --workspace=api", "npm test -w=api", "pnpm test -F=web"] {
            assert_eq!(propose("All tests pass", &[(command, "<verify> of task 1")], &[]).map(|p| p.1), Some(Rank::Note), "{command}");
        }
    }
}
