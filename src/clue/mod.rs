//! What a plan says about one truth, for `init`: the truth's words and backticked spans,
//! whether it negates what it names, the plan's own verification commands and the
//! project's runners. Each probe kind reads it in [`crate::probe::Kind::propose`].

pub mod command;
pub mod file_claim;
pub mod job;
pub mod plan_files;
pub mod project;
pub mod runner;
pub mod verify;

use std::sync::LazyLock;

use regex::Regex;

pub use command::{judge, judge_named, names_program};
pub use file_claim::file_claim;
pub use job::{Claim, Job};
pub use plan_files::PlanFiles;
pub use project::Project;
pub use runner::Runner;
pub use verify::PlanCommand;

/// One truth and what surrounds it.
pub struct Clue<'a> {
    /// The truth as written.
    pub truth: &'a str,
    /// The plan's verification commands.
    pub plan: &'a [PlanCommand],
    /// The project's runners.
    pub runners: &'a [Runner],
    /// The verification commands of the project's other plans.
    pub elsewhere: &'a [PlanCommand],
    /// The files and key links the plan names.
    pub files: &'a PlanFiles,
    /// What the project's root says about where commands run.
    pub project: &'a Project,
}

/// A backticked span of the truth and where it starts and ends.
#[derive(Debug, Clone, Copy)]
pub struct Span<'a> {
    /// Its text, without the backticks.
    pub text: &'a str,
    /// Byte offset of its opening backtick.
    pub start: usize,
    /// Byte offset after its closing backtick.
    pub end: usize,
}

impl<'a> Clue<'a> {
    /// The truth's backticked spans.
    pub fn spans(&self) -> Vec<Span<'a>> {
        SPAN.captures_iter(self.truth)
            .filter_map(|c| {
                let whole = c.get(0)?;
                Some(Span { text: c.get(1)?.as_str().trim(), start: whole.start(), end: whole.end() })
            })
            .collect()
    }

    /// Whether the clause holding `at` negates what follows, before `at`: "does NOT run
    /// `X`", "never calls `X`", "no longer uses `X`", "instead of `X`".
    pub fn negated_before(&self, at: usize) -> bool {
        let before = &self.truth[..at];
        let clause = before.rsplit(['.', ';', ':']).next().unwrap_or(before);
        NEGATION.is_match(clause)
    }

    /// Whether the truth says something else before `at` ("`studio/` is added, `npm
    /// install` succeeds", "X no longer depends on Y; `make test` passes"), so that running
    /// the command would check only part of it.
    pub fn claims_before(&self, at: usize) -> bool {
        let before = &self.truth[..at];
        // A label ("R10:", "Build gate:") ends at a colon; any other text before the command
        // (another clause, "studio/ is added,") is another claim.
        let after_label = before.rsplit(':').next().unwrap_or(before);
        !LEAD_IN.is_match(after_label)
    }

    /// Whether the truth says anything in it is not, never or no longer so.
    pub fn negated(&self) -> bool {
        NEGATION.is_match(self.truth)
    }

    /// Whether the words after `at` say a command succeeds and nothing more: "passes",
    /// "exits 0", "succeeds without errors", "finds no broken requirements", "passes
    /// after the refactor (no regressions)"; "passes and prints X" claims more.
    /// For `command`, a linter that fails on any warning, "zero warnings" means success too.
    pub fn succeeds_after(&self, at: usize, command: &str) -> bool {
        let after = match FAILS_ON_WARNINGS.is_match(command) {
            true => WARNINGS.replace_all(&self.truth[at..], "errors"),
            false => self.truth[at..].into(),
        };
        let after = without_named_error(&after, self.asks_help(command));
        // "no errors" is what success means; any other negation or claim in a tail is more,
        // and so is a claim in parentheses: "(the test harness compiles)".
        let rest = FINE.replace_all(&after, "");
        let aside = ASIDE.captures_iter(&rest).any(|c| ASIDE_CLAIM.is_match(&c[0]));
        SUCCESS.is_match(&after) && !NEGATION.is_match(&rest) && !MORE.is_match(&rest) && !aside
    }

    /// Whether the words after `at` start by saying it succeeds, whatever follows.
    pub fn succeeds_after_words(&self, at: usize) -> bool {
        SUCCEEDS_WORD.is_match(&self.truth[at..])
    }

    /// Whether the words after `at` negate it: "`make deploy` is never run".
    pub fn negated_after(&self, at: usize) -> bool {
        let after = &self.truth[at..];
        let clause = after.split(['.', ';']).next().unwrap_or(after);
        NEGATION.is_match(&FINE.replace_all(clause, ""))
    }

    /// Whether the words after `at` give only the purpose of running it ("User can run
    /// `X` to see its status"), or nothing.
    pub fn purpose_after(&self, at: usize) -> bool {
        PURPOSE.is_match(&self.truth[at..])
    }

    /// Whether the words just before `at` say it is run: "User can run `X`", "Running
    /// `X` ...": then `X` may be the project's own program, and being runnable is the claim.
    pub fn run_before(&self, at: usize) -> bool {
        let at = self.truth[..at].trim_end().len();
        RUN_BEFORE.is_match(&self.truth[..at]) && !self.negated_before(at)
    }

    /// A command the truth starts with, unquoted, up to the word saying it succeeds: "npm
    /// test passes", "cargo build -p core exits 0"; with where it ends.
    pub fn leading_command(&self) -> Option<(&'a str, usize)> {
        let c = LEADING.captures(self.truth)?;
        let command = c.get(1)?;
        if NEGATION.is_match(
            &FINE.replace_all(&without_named_error(self.truth, self.asks_help(command.as_str())), ""),
        ) {
            return None;
        }
        (!command.as_str().contains('`')
            && !JOINED.is_match(command.as_str())
            && (command::reads_as_command(command.as_str()) || self.asks_help(command.as_str())))
        .then(|| (command.as_str(), command.end()))
    }

    /// Why what follows `at` narrows the claim beyond a plain run: somewhere else ("in
    /// packages/api", "in all 4 repos") or a measure the exit status cannot show.
    pub fn narrowed_after(&self, at: usize) -> Option<&'static str> {
        let after = &self.truth[at..];
        let clause = after.split(['.', ';']).next().unwrap_or(after);
        if ELSEWHERE.is_match(clause) {
            return Some("to hold in another place");
        }
        MEASURE.is_match(clause).then_some("with a measure its exit status does not show")
    }

    /// The number of tests the truth says pass ("All 46 existing tests", "(337/337)"),
    /// which no exit status shows.
    pub fn test_count(&self) -> Option<&'a str> {
        COUNT.captures(self.truth).and_then(|c| c.get(1).or_else(|| c.get(2))).map(|m| m.as_str())
    }

    /// Whether `text` asks a program for its help or version (see [`command::asks_help`]),
    /// and through subcommands only a program the project declares: `dash seed --help` runs
    /// `seed`, `sif mcp stdio --help` asks sif.
    pub fn asks_help(&self, text: &str) -> bool {
        let mut words = text.split_whitespace();
        let program = words.next().unwrap_or_default();
        command::asks_help(text) && (words.all(|w| w.starts_with('-')) || self.project.declares(program))
    }

    /// The job the truth says passes ("all tests pass", "the project builds", "TypeScript
    /// compiles"), when it says nothing else.
    pub fn job(&self) -> Option<Claim> {
        job::claim(self.truth)
    }

    /// Why the truth, which says a job passes, is no claim a command checks as it is.
    pub fn job_refusal(&self) -> Option<String> {
        job::refusal(self.truth)
    }
}

/// `text` with "without ImportError" read as "without errors" when its command only asks
/// for help: a program that cannot start exits non-zero, and its help shows nothing else.
/// Of any other command, a named exception is one failure among others its status mixes in.
fn without_named_error(text: &str, help: bool) -> std::borrow::Cow<'_, str> {
    match help {
        true => NAMED_ERROR.replace_all(text, "without errors"),
        false => text.into(),
    }
}

/// A regex fragment for a project file as truths name it, backticks optional: a path with
/// a `/`, a name with a known extension, or a dotfile; never `~/` or absolute, which are
/// outside the project.
pub const FILE: &str = r"`?(?P<file>(?:[\w-][\w.-]*/)*(?:[\w-][\w.-]*\.(?:md|json|toml|ya?ml|nix|lock|py|ts|tsx|js|cjs|mjs|rs|txt|cfg|ini|sh|kts|gradle|xml|html|css|go|java|c|h|cpp)|\.[\w.-]+|[\w.-]+/[\w.-]+))`?";

/// `regex` for a recogniser: a constant pattern, compiled once where it is used.
pub fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex")
}

pub(crate) static SPAN: LazyLock<Regex> = LazyLock::new(|| regex(r"`([^`\n]+)`"));
pub(crate) static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(not|never|no longer|no|none|without|instead of|rather than|avoids?|removed?|drops?|dropped|replaced?|nor|neither|cannot|stops?|disallow\w*|forbid\w*|prevents?|blocks?|rejects?|missing|absent|lacks?|lacking|unavailable|rarely|seldom|sometimes|occasionally|intermittently|flaky|yet)\b|n't\b",
    )
});
/// A clause saying a command succeeds, and nothing its exit status cannot show.
static SUCCESS: LazyLock<Regex> = LazyLock::new(|| {
    let verb = r"(succeeds?|succeeded|pass(es)?|passing|works|completes?|runs|executes|compiles|builds|(exits?|returns?|completes?|finishes|runs|executes) with (zero|no|0) (errors?|failures?)|is green|stays green|(exits?|returns?) (with )?(exit )?(code |status )?(0|zero)|exits? (cleanly|successfully)|(finds|reports|shows|gives|has) (no|zero|0) [\w -]+?|installs? [\w ]+? without (any )?errors?)";
    let tail = r"(with(out)? (any |zero |no |0 )?[\w-]+( [\w-]+)? (errors?|failures?|regressions?)|without (any )?errors?|with (zero|no|0) (errors?|failures?|regressions?)|successfully|cleanly|locally|in CI|after [^,;()`]+|\([^()`]*\)|all( the)?( \d+)?( new| existing)? tests|and exits? (with )?(code |status )?0|[—-]+ (with )?(no|zero) regressions?)";
    regex(&format!(
        r"(?i)^[\s,:]*((still|now|also|then|again|reliably|cleanly|fully)\s+)*{verb}(\s*,?\s+{tail})*\s*[.!]?\s*$"
    ))
});
static PURPOSE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)^\s*(to\s+[^,;]*)?[.!]?\s*$"));
static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(\d[\d,]*\+?(?:/\d[\d,]*)?)\s+(?:[^\s()]+\s+){0,3}?(?:tests?|specs?|test cases?)\b|\((\d[\d,]*\+?(?:/\d[\d,]*)?)(?:\s+tests?)?[,)]",
    )
});
static ASIDE: LazyLock<Regex> = LazyLock::new(|| regex(r"\([^()]*\)"));
static ASIDE_CLAIM: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(compiles?|pass(es)?|works?|exists?|runs?|is|are|has|have|contains?|covers?|includes?|except\w*|exclud\w*|skip\w*|only|broken|fails?|failing|flaky)\b",
    )
});
/// Linters whose exit status is not 0 on any warning they find.
static FAILS_ON_WARNINGS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^((uv|poetry|pdm|hatch) run |python3? -m |uvx |npx )?(ruff( check)?|flake8|pylint|shellcheck|actionlint|hadolint|yamllint -s)(\s|$)|\bclippy\b.*\s-D\s*warnings\b|\beslint\b.*--max-warnings[ =]0\b",
    )
});
static WARNINGS: LazyLock<Regex> = LazyLock::new(|| regex(r"\bwarnings?\b"));
/// What success means, said with a negation: "no errors", "zero regressions".
static FINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(with(out)?|no|zero|0)( any| zero| no| 0)?( [\w-]+)?( [\w-]+)? (errors?|failures?|regressions?)\b|\bfinds no\b|\bwithout (any )?errors?\b|\band exits? (with )?(code |status )?0\b",
    )
});
static NAMED_ERROR: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\bwithout (an? )?(?-i:[A-Z]\w*(Error|Exception))\b"));
/// A claim beyond the exit status inside an allowed tail: "(and prints 42 passed)".
pub(crate) static MORE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b(prints?|shows?|outputs?|logs?|writes?|creates?|produces?|generates?)\b"));
static SUCCEEDS_WORD: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^[\s,:]*(still |now )?(succeeds?|pass(es)?|passing|works|completes?|runs|exits? 0|builds|compiles)\b",
    )
});
static LEAD_IN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\s*(\[[ x]\]\s*)?((then|also|and|both|running|run|the command|a user|users?) )*((can|could) run\s*)?$",
    )
});
static RUN_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)(\b(can|could|to|then) run|^running|^run)\s*$"));
static LEADING: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:Running\s+)?([a-z.][\w./:@=+-]*(?:\s+[^\s(]+?)*?)\s+(?:still\s+)?(?:passes|succeeds|exits 0|exits with (?:code |status )?0|completes|compiles|runs (?:cleanly|green)|(?:runs|works|executes) without)\b",
    )
});
static JOINED: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\s(and|or|then|with|in|on)\s"));
static ELSEWHERE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(in|inside|within|for|across) (all|each|every|both|\d+|[\w.]*[/-][\w./-]*|the [\w-]+ (package|repo|directory|workspace|crate|project|folder))\b",
    )
});
static MEASURE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)coverage|%|\bunder \d|\bwithin \d|\bfaster\b|\bseconds?\b|\bms\b"));
