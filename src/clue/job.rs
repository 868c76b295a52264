//! The jobs a truth may say pass (the tests, the build, the linters, the type check), the
//! ways truths say so, and which commands do each job.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use super::command::{MANAGER, SELECTED, judge};
use super::{MORE, regex};

/// What a truth may claim passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// The test suite.
    Test,
    /// The build.
    Build,
    /// The linters.
    Lint,
    /// The type checker: `tsc --noEmit`, `mypy`.
    Typecheck,
}

impl Job {
    /// The job as the subject of a sentence: "the tests".
    pub fn the(self) -> &'static str {
        match self {
            Job::Test => "the tests",
            Job::Build => "the build",
            Job::Lint => "the linters",
            Job::Typecheck => "the type check",
        }
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Job::Test => "test",
            Job::Build => "build",
            Job::Lint => "lint",
            Job::Typecheck => "type check",
        })
    }
}

/// A truth's claim that a job passes, and nothing more: "All 46 existing species tests
/// still pass", "the project builds", "TypeScript compiles without errors".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The job.
    pub job: Job,
    /// The words naming the part of the project it is about ("species", "run-tlc.test.cjs"):
    /// a command of the plan that names one of them checks that part.
    pub scope: Vec<String>,
    /// The command the truth says does it ("... pass via bun test"), as written.
    pub via: Option<String>,
    /// Whether only a TypeScript checker does it.
    pub typescript: bool,
}

impl Claim {
    /// Whether `command` does this job (for a TypeScript claim, with a TypeScript checker).
    pub fn fits(&self, command: &str) -> bool {
        does(command, self.job) && (!self.typescript || TYPESCRIPT_CHECKER.is_match(command))
    }

    /// Whether `command`, the job's whole command, checks the part this claim names: none
    /// named, the runner itself ("the full pytest suite", `pytest -x`) or the language it
    /// runs ("the Rust tests", `cargo test`); never a part by name ("the e2e tests", "the
    /// frontend builds"), which may lie outside it.
    pub fn within_whole(&self, command: &str) -> bool {
        let end = job_end(command, self.job).unwrap_or(0);
        let runner = SELECTED.replace_all(&command[..end], "");
        let runner: Vec<&str> = runner.split(|c: char| !c.is_alphanumeric()).collect();
        self.scope.iter().all(|word| {
            let word = word.to_lowercase();
            runner.iter().any(|w| w.eq_ignore_ascii_case(&word))
                || LANGUAGES
                    .iter()
                    .any(|(names, runner)| names.contains(&word.as_str()) && runner.is_match(command))
        })
    }

    /// Whether `command` names a part of the project this claim is about, word for word,
    /// after its runner: `pytest tests/test_species.py` for the "species" tests.
    pub fn narrows_to(&self, command: &str) -> bool {
        let Some(end) = job_end(command, self.job) else { return false };
        // A workspace package is the part only by its whole name (`web`, `@acme/web`).
        let packages = selected(command, self.job);
        let package = |part: &str| {
            packages.iter().any(|p| p.rsplit('/').next().is_some_and(|name| name.eq_ignore_ascii_case(part)))
        };
        let args = command[end..].to_lowercase();
        let words: Vec<&str> = args.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        // One package, run whole: `--filter web test src/a.test.ts` is a file of it.
        let unselected = SELECTED.replace_all(command, "").split_whitespace().collect::<Vec<_>>().join(" ");
        let whole_package = packages.len() == 1 && all_after(&unselected, self.job);
        let only_parts = only_parts_after(command, self.job);
        self.scope.iter().any(|part| {
            if package(part) {
                return whole_package;
            }
            if !only_parts {
                return false;
            }
            let part = part.to_lowercase();
            match part.contains(|c: char| !c.is_alphanumeric()) {
                // A file name ("load_config.test.cjs") is specific enough as it is.
                true => args.contains(&part),
                false => words.iter().any(|w| {
                    *w == part
                        || w.strip_suffix('s') == Some(part.as_str())
                        || part.strip_suffix('s') == Some(*w)
                }),
            }
        })
    }
}

/// Languages a truth may name its tests by, and the runners that run them.
static LANGUAGES: LazyLock<Vec<(&'static [&'static str], Regex)>> = LazyLock::new(|| {
    let table: [(&'static [&'static str], &str); 4] = [
        (&["rust"], r"^cargo\s"),
        (&["python", "py"], r"\b(pytest|unittest|tox|nox)\b"),
        (&["go", "golang"], r"^go\s"),
        (&["typescript", "javascript", "ts", "js", "node"], r"\b(npm|pnpm|yarn|bun|vitest|jest|node)\b"),
    ];
    table.into_iter().map(|(names, runner)| (names, regex(runner))).collect()
});

/// The job `truth` says passes, when it says nothing else.
pub fn claim(truth: &str) -> Option<Claim> {
    read(truth).ok()
}

/// Why `truth`, which says a job passes, is no claim its command's exit status checks:
/// it counts or allows failures, or says more ("TypeScript compiles with strict mode
/// enabled"). None when it says no job passes, or says that and nothing else.
pub fn refusal(truth: &str) -> Option<String> {
    read(truth).err().flatten()
}

/// The claim, or why a truth saying a job passes is none (`Err(None)`: it says no job passes).
fn read(truth: &str) -> Result<Claim, Option<String>> {
    let truth = truth.trim();
    let named = |c: &regex::Captures<'_>, name: &str| c.name(name).map_or("", |m| m.as_str()).to_string();
    // "TypeScript compiles" is a type check, not a build.
    let (job, words, tail, typescript) = if let Some(c) = TYPESCRIPT.captures(truth) {
        (Job::Typecheck, named(&c, "words"), named(&c, "tail"), true)
    } else if let Some(c) = TESTS_PASS.captures(truth).or_else(|| BUILDS.captures(truth)) {
        let job = if c.name("tests").is_some() { Job::Test } else { Job::Build };
        (job, named(&c, "words"), named(&c, "tail"), false)
    } else if let Some(c) = CHECKS_CLEAN.captures(truth) {
        let job = if c.name("types").is_some() { Job::Typecheck } else { Job::Lint };
        (job, String::new(), named(&c, "tail"), false)
    } else {
        // Plans written in Chinese say "the existing (baseline) tests keep passing".
        let plain = !FAILURE.is_match(truth) && !CJK_NEGATION.is_match(truth) && !EXCEPT.is_match(truth);
        return match CJK_TESTS_PASS.is_match(truth) && plain {
            true => Ok(Claim { job: Job::Test, scope: Vec::new(), via: None, typescript: false }),
            false => Err(None),
        };
    };
    // "(no failures allowed)" asks for all to pass.
    let plain = NO_FAILURES.replace_all(truth, "");
    if let Some(failure) = FAILURE.find(&plain).map(|m| m.as_str()).or_else(|| some_pass(truth)) {
        return Err(Some(format!(
            "the truth counts or allows failures (\"{failure}\"), which the exit status of {} does not show: `run:` it with a `stdout:` pattern for its summary, or judge it by hand",
            job.the()
        )));
    }
    with_tail(job, &words, &tail, typescript)
}

/// What says only some pass: "3 of 46 tests", "45/46", "0 tests", "(with errors)".
fn some_pass(truth: &str) -> Option<&str> {
    let number = |m: Option<regex::Match<'_>>| m.map(|m| m.as_str().replace(',', ""));
    PART.captures_iter(truth)
        .find(|c| number(c.get(1)) != number(c.get(2)))
        .and_then(|c| c.get(0))
        .or_else(|| NONE_COUNTED.find(truth))
        .or_else(|| ASIDE_ERRORS.find_iter(truth).find(|m| !FINE_ASIDE.is_match(m.as_str())))
        .map(|m| m.as_str().trim())
}

/// The claim, when what follows the job's verb says only when or with what it passes; else
/// why not, unless the words before the job say it is about something else.
fn with_tail(job: Job, words: &str, tail: &str, typescript: bool) -> Result<Claim, Option<String>> {
    // "the tests that cover X pass" is about something else; "(and prints 42 passed)" says
    // more; "(excluding integration)" says less.
    if words.split_whitespace().any(|w| CLAUSE.contains(&w.to_lowercase().as_str())) {
        return Err(None);
    }
    // "builds a valid command", "builds fresh wheels": a verb with an object, no job.
    let more = || {
        if !MORE_START.is_match(tail) {
            return None;
        }
        let what = match job {
            Job::Test => "the tests pass",
            Job::Build => "it builds",
            Job::Lint => "the linters pass",
            Job::Typecheck => "the type check passes",
        };
        Some(format!(
            "the truth says more than that {what} (\"{}\"): `run:` the {job} command and check the rest, or split the truth",
            tail.trim().trim_end_matches(['.', '!'])
        ))
    };
    // "after the refactor" says when; "after seeding the database" is a step to take first.
    if MORE.is_match(tail) || EXCEPT.is_match(tail) || AFTER_DOING.is_match(tail) {
        return Err(more());
    }
    let tail = TAIL.captures(tail).ok_or_else(more)?;
    let via = match tail.name("via") {
        // "builds via `./gradlew buildPlugin`": the command must do the job, and be one; unquoted,
        // nothing but flags may follow its runner ("using vitest v2" names a version, not a filter).
        Some(via) => {
            let quoted = via.as_str().starts_with('`');
            let via = via.as_str().trim().trim_matches('`');
            match (judge(via), job_end(via, job)) {
                (Ok(_), Some(end)) if quoted || via[end..].split_whitespace().all(|w| w.starts_with('-')) => {
                    Some(via.to_string())
                }
                _ => return Err(more()),
            }
        }
        None => None,
    };
    let scope = words
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && !"._-".contains(c)))
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit() || ",/".contains(c)))
        .filter(|w| !COMMON.contains(&w.to_lowercase().as_str()))
        .map(str::to_string)
        .collect();
    Ok(Claim { job, scope, via, typescript })
}

/// Words that start a clause of their own: the words before the job say more than which part.
const CLAUSE: &[&str] = &[
    "that", "which", "who", "when", "where", "if", "because", "so", "see", "sees", "but", "not", "no",
    "never", "can", "must", "should", "will", "builds", "compiles", "runs", "none", "zero", "only", "some",
    "few", "most", "half", "any", "every",
];

/// Words that qualify tests without naming a part of the project.
const COMMON: &[&str] = &[
    "all",
    "the",
    "of",
    "and",
    "existing",
    "new",
    "unit",
    "full",
    "whole",
    "entire",
    "project",
    "project's",
    "projects",
    "pre-existing",
    "baseline",
    "current",
    "remaining",
    "other",
    "previously",
    "passing",
    "prior",
    "old",
    "our",
    "its",
    "automated",
    "regression",
    "phase",
    "plan",
    "code",
    "package",
    "crate",
    "app",
    "application",
    "workspace",
    "flake",
    "library",
    "codebase",
    "repo",
    "repository",
];

/// Whether what follows `job`'s runner in `command` leaves it the whole job: only flags
/// known, for that runner, to change how it reports or how fast it runs (`pytest -q -x`,
/// `cargo test --release`), and, for runners that take paths, the usual roots of the code
/// and its tests (`tests/`, `src/`, `.`; for go, `./...`). Any other flag may pick a part or
/// run nothing (`npm test -v` prints npm's version, `go test --run=X`, `--collect-only`,
/// `--shard=1/2`, `--prefix=web`), and so may a file, a test name or a directory (`cargo
/// test tests/` filters tests by name).
pub fn all_after(command: &str, job: Job) -> bool {
    let Some(end) = job_end(command, job) else { return false };
    let runner = &command[..end];
    let neutral = neutral_flags(runner);
    let paths = PATH_RUNNERS.iter().any(|r| runner.contains(r));
    let go = runner.contains("go test") || runner.contains("go build");
    command[end..].split_whitespace().all(|w| {
        let flag = w.split('=').next().unwrap_or(w);
        let top = w.trim_start_matches("./").trim_end_matches('/');
        neutral.contains(&flag)
            || go && repeats(w)
            || go && w == "./..."
            || paths && matches!(w, "." | "./")
            || paths && ["tests", "test", "spec", "specs", "src", "lib", "__tests__"].contains(&top)
    })
}

/// Whether what follows `job`'s runner in `command` names parts (files, directories, test
/// names) and, beside them, only flags neutral for that runner: `pytest tests/test_a.py
/// -q`, never `-k fast`, `--lf` or a single test (`test_a.py::test_one`).
fn only_parts_after(command: &str, job: Job) -> bool {
    let Some(end) = job_end(command, job) else { return false };
    let neutral = neutral_flags(&command[..end]);
    command[end..].split_whitespace().all(|w| {
        let flag = w.split('=').next().unwrap_or(w);
        neutral.contains(&flag) || repeats(w) || !w.starts_with('-') && !w.contains("::")
    })
}

/// Whether `w` is go's `-count=N` with N at least 1: `-count=0` runs nothing.
fn repeats(w: &str) -> bool {
    w.strip_prefix("-count=").and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n >= 1)
}

/// The flags neutral for `runner` (see [`NEUTRAL`]).
fn neutral_flags(runner: &str) -> Vec<&'static str> {
    NEUTRAL
        .iter()
        .filter(|(runners, _)| runners.is_empty() || runners.iter().any(|r| runner.contains(r)))
        .flat_map(|(_, flags)| flags.iter().copied())
        .collect()
}

/// Runners whose arguments are paths to check, all of them under a root.
const PATH_RUNNERS: &[&str] =
    &["pytest", "vitest", "jest", "ruff", "eslint", "mypy", "pyright", "flake8", "pylint"];

/// Flags that change how a job reports or how fast it runs, never what it runs, by the
/// runners they mean that for (none: every runner).
const NEUTRAL: &[(&[&str], &[&str])] = &[
    (&[], &["--color", "--colors", "--no-color"]),
    (
        &["pytest"],
        &[
            "-q",
            "--quiet",
            "-v",
            "-vv",
            "-vvv",
            "-qq",
            "-x",
            "-s",
            "-ra",
            "-rA",
            "--tb",
            "--durations",
            "--strict-markers",
            "--strict-config",
            "--strict",
            "--exitfirst",
            "--no-header",
            "--no-cov",
        ],
    ),
    (
        &["cargo"],
        &[
            "-q",
            "--quiet",
            "-v",
            "-vv",
            "--release",
            "--all-features",
            "--locked",
            "--frozen",
            "--workspace",
            "--all",
            "--no-fail-fast",
        ],
    ),
    // `cargo test --all-targets` leaves the doctests out; a build or clippy has none.
    (&["cargo build", "cargo clippy"], &["--all-targets"]),
    (&["go test", "go build"], &["-v", "-race", "-timeout"]),
    (&["vitest"], &["--run", "--reporter", "--silent"]),
    (&["jest"], &["--ci", "--runInBand", "-i", "--silent", "--reporters"]),
    (&["tsc"], &["--noEmit", "--pretty", "-b", "--build"]),
    (
        &["ruff", "eslint", "mypy", "pyright", "flake8", "pylint"],
        &[
            "-q",
            "--quiet",
            "--format",
            "--output-format",
            "--statistics",
            "--max-warnings",
            "--show-source",
            "--no-cache",
        ],
    ),
];

/// The workspaces `command` runs `job` in (`pnpm --filter web test`: `web`): a part of
/// the project, never all of it.
pub fn selected(command: &str, job: Job) -> Vec<&str> {
    let Some(span) = job_pattern(job).find(command) else { return Vec::new() };
    // Before the script, or after it: npm and pnpm read a selection anywhere.
    let manager = ["npm", "pnpm", "bun"].iter().any(|m| span.as_str().split_whitespace().next() == Some(m));
    let after = match manager {
        true => &command[span.end()..],
        false => "",
    };
    let parts = SELECTED.captures_iter(span.as_str()).chain(SELECTED.captures_iter(after));
    parts.filter_map(|c| c.name("part")).map(|m| m.as_str()).collect()
}

/// Whether `command` does `job`.
pub fn does(command: &str, job: Job) -> bool {
    job_end(command, job).is_some()
}

/// Where the words that run `job` end in `command` (`uv run pytest| -q`), if it runs it.
pub fn job_end(command: &str, job: Job) -> Option<usize> {
    job_pattern(job).find(command).map(|m| m.end())
}

fn job_pattern(job: Job) -> &'static Regex {
    match job {
        Job::Test => &TEST_COMMAND,
        Job::Build => &BUILD_COMMAND,
        Job::Lint => &LINT_COMMAND,
        Job::Typecheck => &TYPECHECK_COMMAND,
    }
}

/// A label in front of a claim: "R10:", "SC-2:", "Build gate:".
const LABEL: &str = r"(?:[\w.-]+(?: [\w.-]+)?:\s+)?";
/// Up to eight words before "tests": counts, qualifiers and the part they are about.
const WORDS: &str = r"(?P<words>(?:[^\s;:()`]+ ){0,8}?)";
/// What may follow the verb: when, how cleanly, in parentheses, or with what command.
static TAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?ix)^(?:
            \s+(?:successfully|cleanly|again|locally)
          | \s+after\s+[^,;()`]+?
          | \s+with\s+(?:zero|no|0)\s+(?:[\w-]+\s+)?(?:errors?|failures?|regressions?)
          | \s+without\s+(?:any\s+)?(?:[\w-]+\s+)?(?:errors?|failures?|regressions?)
          | \s*[—–-]+\s*(?:with\s+)?(?:no|zero)\s+regressions?
          | \s*[(（][^()（）]*[)）]
          | \s+(?:via|using|with|by\ running)\s+(?P<via>`[^`]+`|[a-z.][\w./:@=+-]*(?:\ [\w./:@=+-]+){0,4})
        )*\s*[.!]?\s*$",
    )
});
static TESTS_PASS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^{LABEL}{WORDS}(?P<tests>test suites?|tests|suite|test files|specs)(?: suite)? (?:all )?(?:still |now |also |continue to |keep |remain |stay )?(?:pass|passes|passing|succeed|succeeds|(?:are |is |stay |stays |remain |remains )?green|are passing)\b(?P<tail>.*)$"
    ))
});
static BUILDS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^{LABEL}{WORDS}(?:builds|compiles|build (?:passes|succeeds|completes|is green))\b(?P<tail>.*)$"
    ))
});
static TYPESCRIPT: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^{LABEL}(?:(?:the )?(?:project|code|package|app|frontend) compiles typescript|(?:all )?(?:the )?typescript(?: code| sources?| types)? (?:compiles|type-?checks)|(?:there are )?(?:no|zero) typescript (?:type )?errors(?: in (?P<words>[^,;:()`]+))?)\b(?P<tail>.*)$"
    ))
});
static CHECKS_CLEAN: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^{LABEL}(?:all )?(?:the )?(?:(?P<types>type ?checks?|type ?checking|type ?checker)|lint(?:ing|ers)?|static checks?)(?: checks?)? (?:still )?(?:pass|passes|are clean|is clean|succeeds?|(?:is |are |stays )?green)\b(?P<tail>.*)$"
    ))
});
/// How a tail that says more than the job starts: with a clause of its own, never with
/// the object of a verb ("builds fresh wheels").
static MORE_START: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\s*([,;:(（—–]|-+\s|(with|without|using|via|in|on|for|against|after|before|across|under|within|when|while|and|or|but|successfully|cleanly|unchanged|again|locally|still)\b)",
    )
});
/// A count of passing tests out of more: "3 of 46 tests", "45/46 pass"; never "Plan 1/2".
static PART: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(\d[\d,]*)\s*(?:/|of|out of)\s*(\d[\d,]*)\s+(?:[\w-]+\s+){0,3}?(?:tests?|specs?|test cases?|pass|passing|passed|green)\b",
    )
});
static NONE_COUNTED: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)(^|\s)0\s+(\w+\s+)?(tests?|specs?)\b"));
static ASIDE_ERRORS: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)[(（][^()（）]*\b(errors?|failures?|failing|warnings?|broken)\b[^()（）]*[)）]")
});
static FINE_ASIDE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b(no|zero|0|without)\s+(\w+\s+)?(errors?|failures?|warnings?)\b"));
/// A tail that leaves something out: "(excluding integration)", "(flaky ones quarantined)".
static EXCEPT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(except\w*|exclud\w*|but|skip\w*|quarantin\w*|flaky|disabled?|ignor\w*|only|not|minus|save for|other than|beyond|apart|aside|known|deselect\w*|omit\w*|separately|new\s+(failures?|errors?|regressions?))\b|除|跳过|忽略|不|未",
    )
});
static AFTER_DOING: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\bafter\s+\w+ing\b"));
static NO_FAILURES: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)\b(no|zero|0)\s+failures?\s+(are\s+|is\s+)?(accepted|allowed|expected|tolerated|ignored)\b")
});
/// A truth about failing, or about tests that may fail.
static FAILURE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(fails?|failing|failed|errors? out|red phase|raises|non-?zero|exit(s)? (with )?(code )?[1-9]|failures? (are )?(accepted|expected|allowed|tolerated|ignored)|xfail|skipped)\b",
    )
});
static CJK_TESTS_PASS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^[^，。；;：:！!]*测试(?:基线)?保持通过(?:\s*\+\s*[^，。；;：:]*全部\s*GREEN)?(?:\s*[(（][^()（）]*[)）])?\s*[。.]?$",
    )
});
static CJK_NEGATION: LazyLock<Regex> = LazyLock::new(|| regex(r"[不没未无非]"));
static TEST_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b(pytest|cargo (nextest run|test)|{manager} (run )?test|vitest( run)?|jest|go test|gradlew test|mvn test|make test|ctest|tox|nox|rspec|unittest|mix test|dotnet test|node --test|deno test|bun test)(?:\s|$)",
        manager = MANAGER.as_str(),
    ))
});
static BUILD_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b(cargo build|{manager} (run )?build|make build|nix build|gradlew (build|buildPlugin|assemble)|mvn (package|compile)|go build|cmake --build|uv build|dotnet build)(?:\s|$)",
        manager = MANAGER.as_str(),
    ))
});
static LINT_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b(ruff( check)?|clippy|eslint|flake8|pylint|shellcheck|{manager} (run )?lint|make lint)(?:\s|$)",
        manager = MANAGER.as_str(),
    ))
});
static TYPECHECK_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b(tsc|vue-tsc|svelte-check|mypy|pyright|basedpyright|{manager} (run )?(typecheck|type-check|check-types|tsc))(?:\s|$)",
        manager = MANAGER.as_str(),
    ))
});
/// The type checkers of TypeScript: a type check of Python says nothing of it.
static TYPESCRIPT_CHECKER: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b(tsc|vue-tsc|svelte-check|{manager} (run )?(typecheck|type-check|check-types|tsc))(?:\s|$)",
        manager = MANAGER.as_str(),
    ))
});

#[cfg(test)]
mod tests {
    use super::{Job, claim, refusal};

    fn said(truth: &str) -> Option<(Job, Vec<String>, Option<String>)> {
        claim(truth).map(|c| (c.job, c.scope, c.via))
    }

    #[test]
    fn jobs_are_recognised_with_the_part_they_name() {
        let none: Vec<String> = Vec::new();
        assert_eq!(said("All tests pass"), Some((Job::Test, none.clone(), None)));
        assert_eq!(
            said("All 12 existing parser tests still pass after the change"),
            Some((Job::Test, vec!["parser".into()], None))
        );
        assert_eq!(
            said("Existing load_config.test.cjs tests still pass"),
            Some((Job::Test, vec!["load_config.test.cjs".into()], None))
        );
        assert_eq!(
            said("All 310/310 tests stay green (no regressions)"),
            Some((Job::Test, none.clone(), None))
        );
        assert_eq!(
            said("All 1,024 of 1,024 tests pass (zero failures)"),
            Some((Job::Test, none.clone(), None))
        );
        assert_eq!(
            said("The widget suite passes via bun test"),
            Some((Job::Test, vec!["widget".into()], Some("bun test".into())))
        );
        assert_eq!(
            said("The workspace builds successfully with dotnet build"),
            Some((Job::Build, none.clone(), Some("dotnet build".into())))
        );
        assert_eq!(
            said("Scheduler module compiles"),
            Some((Job::Build, vec!["Scheduler".into(), "module".into()], None))
        );
        assert_eq!(said("TypeScript compiles without errors"), Some((Job::Typecheck, none.clone(), None)));
        assert_eq!(
            said("No TypeScript errors in the billing views"),
            Some((Job::Typecheck, vec!["billing".into(), "views".into()], None))
        );
        assert_eq!(said("Type checks pass"), Some((Job::Typecheck, none.clone(), None)));
        assert_eq!(said("Lint is clean"), Some((Job::Lint, none.clone(), None)));
        assert_eq!(said("既有测试基线保持通过（回归守卫）"), Some((Job::Test, none.clone(), None)));
        assert_eq!(said("282 既有测试 + Plan 1/2 新增测试保持通过"), Some((Job::Test, none, None)));
    }

    #[test]
    fn a_job_with_another_claim_or_a_failure_is_no_claim() {
        for truth in [
            "All new tests fail (red phase)",
            "Existing tests pass (pre-existing failures accepted)",
            "The module compiles and all commands are registered",
            "The app builds and tests pass",
            "The state machine compiles with the statig crate",
            "The app builds without errors using npm run dev",
            "Integration tests pass against the staging cluster",
            "All tests pass in both server and browser mode",
            "TypeScript compiles with strict mode enabled",
            "IPC test suite passes: the mock channel receives events in order",
            "Plugin builds via ./gradlew buildPlugin and produces an installable ZIP",
            "测试不再保持通过",
            "None of the tests pass",
            "Zero tests pass",
            "Only 3 of 46 tests pass",
            "TypeScript compiles with 12 errors",
            "Tests pass with 3 failures",
            "Tests pass with new errors",
            "Tests pass (excluding integration)",
            "Specs pass (with the flaky ones quarantined)",
            "旧测试保持通过（除了 test_x 被删除）",
            "Unit tests pass using vitest v2",
            "The project builds with cargo build on stable",
            "3 of 46 tests pass",
            "Only 45/46 pass",
            "45/46 tests pass",
            "0 tests pass",
            "The project builds (with errors)",
        ] {
            assert_eq!(said(truth), None, "{truth}");
        }
    }

    #[test]
    fn a_job_claim_refused_says_why() {
        let says = |truth: &str| refusal(truth).unwrap_or_else(|| panic!("no reason for {truth:?}"));
        let more = says("The web app compiles with strict null checks enabled");
        assert!(
            more.contains("more than that it builds") && more.contains("\"with strict null checks enabled\""),
            "{more}"
        );
        let more = says("All parser tests pass against the staging database");
        assert!(
            more.contains("more than that the tests pass") && more.contains("staging database"),
            "{more}"
        );
        assert!(
            says("TypeScript compiles without errors under the bundler resolution")
                .contains("type check passes")
        );
        assert!(says("Unit tests pass (integration excluded)").contains("\"(integration excluded)\""));
        let failures = says("Old suite tests still pass (known failures tolerated)");
        assert!(
            failures.contains("counts or allows failures") && failures.contains("the tests"),
            "{failures}"
        );
        assert!(says("Only 45/46 tests pass").contains("45/46"));
        // A verb with an object, a claim with no job, and a plain claim give no reason.
        for truth in [
            "The adapter builds a valid request and sends it",
            "CI builds release wheels for two platforms",
            "The tests that cover parsing pass",
            "The login page shows an error",
            "All tests pass",
            "TypeScript compiles without errors",
        ] {
            assert_eq!(refusal(truth), None, "{truth}");
        }
    }
}
