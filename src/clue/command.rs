//! Whether a piece of text is a command that checks something when run once: a program
//! people run to test, build, lint or install, with what only displays its output taken off
//! and `nix develop` / `direnv exec` unwrapped, since envtruth already runs in the shell.

use std::sync::LazyLock;

use regex::Regex;

use super::regex;

/// Programs whose run, exiting 0, is a check: test runners, builders, linters, installers
/// and interpreters given something to run. Inspection tools (`grep`, `ls`, `cat`, `curl`)
/// are missing on purpose: what they prove depends on what they print.
const CHECKERS: &[&str] = &[
    "uv",
    "uvx",
    "python",
    "python3",
    "pytest",
    "pip",
    "pip3",
    "ruff",
    "mypy",
    "pyright",
    "black",
    "isort",
    "flake8",
    "pylint",
    "tox",
    "nox",
    "poetry",
    "hatch",
    "pdm",
    "cargo",
    "rustc",
    "npm",
    "npx",
    "pnpm",
    "yarn",
    "bun",
    "deno",
    "node",
    "tsc",
    "vitest",
    "jest",
    "eslint",
    "prettier",
    "biome",
    "make",
    "just",
    "cmake",
    "ctest",
    "ninja",
    "meson",
    "go",
    "gradle",
    "./gradlew",
    "gradlew",
    "mvn",
    "./mvnw",
    "nix",
    "nix-build",
    "bash",
    "sh",
    "pre-commit",
    "shellcheck",
    "actionlint",
    "terraform",
    "tflint",
    "helm",
    "dotnet",
    "swift",
    "xcodebuild",
    "flutter",
    "dart",
    "composer",
    "bundle",
    "rake",
    "rspec",
    "javac",
    "gcc",
    "clang",
    "playwright",
    "alembic",
    "dbt",
    "maturin",
    "sphinx-build",
    "mkdocs",
    "hugo",
    "zig",
    "mix",
    "elixir",
    "stack",
    "cabal",
    "envtruth",
];

/// Shell builtins and commands that check nothing by themselves.
const BARE: &[&str] = &[
    "cd", "echo", "printf", "export", "source", ".", "set", "unset", "alias", "exit", "pwd", "true", "false",
    ":", "type", "hash", "eval", "which", "command", "read", "sleep",
];

/// A command ready to propose, or why the text is not one.
pub type Judged = Result<String, &'static str>;

/// Judges `text` as a command: Ok with the command to run (unwrapped and with display-only
/// pipes removed), or Err with why it is no check.
pub fn judge(text: &str) -> Judged {
    judged(text, false)
}

fn judged(text: &str, any_program: bool) -> Judged {
    let command = unwrap(text.trim());
    if command.is_empty() {
        return Err("it is no command");
    }
    if PLACEHOLDER.is_match(&command) {
        return Err("it holds a placeholder to fill in");
    }
    if SWALLOWED.is_match(&command) || NEUTRAL.is_match(&command) {
        return Err("its exit status is thrown away, so it cannot fail");
    }
    if JOINED.is_match(&command) {
        return Err(
            "pipes, lists, redirections and background jobs change what its exit status says; write it as one command",
        );
    }
    if FORMATTER.is_match(&command) && !CHECK_ONLY.is_match(&command) {
        return Err("it rewrites the files it formats; a check runs it with `--check`");
    }
    if DANGER.is_match(&command) || OUTSIDE.is_match(&command.replace(['"', '\''], "")) {
        return Err(
            "it changes or reaches beyond the project (deletes, publishes, deploys, installs, or goes to the network); a check must only look",
        );
    }
    let words: Vec<&str> = command.split_whitespace().collect();
    let program = words[0];
    if BARE.contains(&program) {
        return Err("a shell builtin checks nothing by itself");
    }
    if matches!(program, "nix" | "direnv") && !NIX_CHECK.is_match(&command) {
        return Err("it names the shell, not something to check in it");
    }
    let script = SCRIPT.is_match(program);
    let known = CHECKERS.contains(&program) || any_program && PROGRAM.is_match(program);
    if !script && !known {
        return Err("it does not start with a program that runs a check");
    }
    if words.len() == 1 && INTERACTIVE_ALONE.contains(&program) {
        return Err("alone it starts an interactive session");
    }
    if words.len() == 1 && !script && !any_program && !SOLO.contains(&program) {
        return Err("alone it checks nothing");
    }
    if words.iter().any(|w| INTERACTIVE_FLAGS.contains(w)) || REPL.is_match(&command) {
        return Err("it is interactive");
    }
    // A workspace's name (`--filter webview-ui`) is no script that serves, nor is a file a
    // checker checks (`vitest run src/server.test.ts`).
    let mut scripts = SELECTING.replace_all(&command.replace(['"', '\''], ""), "$npm$pnpm").into_owned();
    if CHECKS_FILES.is_match(&scripts) {
        if scripts.split([' ', '=']).any(|w| w.starts_with("//")) {
            return Err(
                "it reaches outside the project (a path from `//`); a check must only look inside it",
            );
        }
        scripts =
            scripts.split_whitespace().filter(|w| !FILE_ARGUMENT.is_match(w)).collect::<Vec<_>>().join(" ");
    }
    if SERVER.is_match(&scripts) || RUNS_A_PROGRAM.is_match(&scripts) {
        return Err("it starts a server or a watcher that never exits");
    }
    if DESTRUCTIVE_SCRIPT.is_match(&scripts) {
        return Err(
            "it runs a script named for changing data (reset, seed, wipe, drop); a check must only look",
        );
    }
    if INSTALL_NOTHING.is_match(&command) {
        return Err("it names nothing to install");
    }
    Ok(command)
}

/// Whether unquoted words read as one command, not prose that starts with a program's
/// name: past a wrapper (`uv run`, `npx`, `python -m`), only the program's subcommands (a
/// script after `npm run`, targets of `make`) and the values of flags may be plain words;
/// any other word is a flag or holds `/`, `.`, `_`, `-`, `:`, `=` or `@`. "cargo build -p
/// core --features fast" reads as one; "pytest suite" and "cargo fmt check" do not.
pub fn reads_as_command(text: &str) -> bool {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    loop {
        words = match words.as_slice() {
            ["uv" | "poetry" | "pdm" | "hatch", "run", rest @ ..]
            | ["npx" | "uvx", rest @ ..]
            | ["python" | "python3", "-m", rest @ ..]
                if !rest.is_empty() =>
            {
                rest.to_vec()
            }
            _ => break,
        };
    }
    let Some((program, args)) = words.split_first() else { return false };
    let subcommands = match *program {
        "make" | "just" | "gradle" | "./gradlew" | "gradlew" | "mvn" | "./mvnw" => usize::MAX,
        "nix" => 2,
        "npm" | "pnpm" | "yarn" | "bun" if args.first() == Some(&"run") => 2,
        "cargo" | "go" | "npm" | "pnpm" | "yarn" | "bun" | "uv" | "deno" | "dotnet" | "poetry" | "pdm"
        | "hatch" | "mix" | "ruff" | "pre-commit" | "flutter" | "dart" | "swift" | "zig" | "stack"
        | "cabal" | "envtruth" => 1,
        _ => 0,
    };
    let mut value_next = false;
    args.iter().enumerate().all(|(at, word)| {
        let flag_value = std::mem::replace(&mut value_next, word.starts_with('-') && !word.contains('='));
        word.starts_with('-')
            || flag_value
            || at < subcommands
            || !word.chars().all(char::is_alphanumeric)
            || DIRECTORIES.contains(word)
    })
}

/// Directories named bare as arguments: `ruff format --check src tests`.
const DIRECTORIES: &[&str] = &[
    "src", "tests", "test", "lib", "app", "pkg", "cmd", "internal", "spec", "docs", "scripts", "packages",
    "bin",
];

/// Whether `text` starts like a command (a program, a builtin or a script), so that why
/// [`judge`] refused it is worth telling.
pub fn names_program(text: &str) -> bool {
    let command = unwrap(text.trim());
    let program = command.split_whitespace().next().unwrap_or_default();
    CHECKERS.contains(&program) || BARE.contains(&program) || SCRIPT.is_match(program) || program == "direnv"
}

/// Whether `text` asks a program for its help or version, after at most three subcommands
/// (`docsift --help`, `app serve --help`): a program that starts at all answers it, so it
/// need not be a known checker. Long flags only: `shutdown -h` halts. Whether the program
/// is the project's own, which a call through subcommands needs, is [`super::Clue::asks_help`]'s.
pub fn asks_help(text: &str) -> bool {
    let text = text.trim();
    let mut words = text.split_whitespace();
    let program = words.next().unwrap_or_default();
    // An interpreter or a runner hands `--help` to what it runs (`node app --help` runs
    // app), and a subcommand that changes things is not trusted to read `--help` first.
    let subcommands: Vec<&str> = words.collect();
    let bare = subcommands.len() == 1;
    HELP_CALL.is_match(text)
        && (bare || !HANDS_ON.contains(&program) && !INTERPRETER.is_match(program))
        && !subcommands.iter().any(|w| CHANGES.contains(w) || HANDS_ON.contains(w) || INTERPRETER.is_match(w))
}

/// Programs that run another program, script or task, which `--help` then reaches:
/// interpreters, wrappers, and task runners (`pnpm seed --help` runs `seed`). `uv run` and
/// `poetry run` run the project's own programs, and are kept.
const HANDS_ON: &[&str] = &[
    "nodejs",
    "tsx",
    "ts-node",
    "ruby",
    "perl",
    "php",
    "java",
    "deno",
    "bun",
    "bunx",
    "npx",
    "pnpx",
    "uvx",
    "pipx",
    "docker",
    "podman",
    "kubectl",
    "ssh",
    "nohup",
    "timeout",
    "env",
    "sudo",
    "doas",
    "nice",
    "ionice",
    "setsid",
    "time",
    "watch",
    "xargs",
    "exec",
    "builtin",
    "command",
    "sh",
    "bash",
    "zsh",
    "fish",
    "redis-cli",
    "psql",
    "mysql",
    "sqlite3",
    "npm",
    "pnpm",
    "yarn",
    "pdm",
    "hatch",
    "pipenv",
    "pixi",
    "make",
    "just",
    "cargo",
    "go",
    "gradle",
    "gradlew",
    "mvn",
    "dotnet",
];
/// Interpreters by their versioned names too: `python3.12`, `pypy3`, `node20`.
static INTERPRETER: LazyLock<Regex> = LazyLock::new(|| regex(r"^(python|pypy|node)[\d.]*$"));
/// Subcommands that change or remove things.
const CHANGES: &[&str] = &[
    "delete",
    "del",
    "remove",
    "rm",
    "uninstall",
    "install",
    "add",
    "push",
    "publish",
    "deploy",
    "release",
    "destroy",
    "purge",
    "wipe",
    "clean",
    "clear",
    "prune",
    "upgrade",
    "update",
    "reset",
    "drop",
    "migrate",
    "kill",
    "stop",
    "restart",
    "shutdown",
    "reboot",
    "halt",
    "format",
    "send",
];

/// Like [`judge`], for a command the truth says is run ("User can run `X`"): the program
/// may be the project's own, so any word that names a program will do, alone too.
pub fn judge_named(text: &str) -> Judged {
    judged(text, true)
}

/// `nix develop [FLAKE] (-c|--command) X`, `direnv exec DIR X`, `cd DIR && X`, `X 2>&1 |
/// tail -n 20`: the X that checks.
fn unwrap(text: &str) -> String {
    let mut command = text.trim().trim_start_matches("$ ").trim().to_string();
    loop {
        let before = command.clone();
        if let Some(c) = CD.captures(&command) {
            command = c[1].to_string();
        }
        if let Some(c) = NIX_DEVELOP.captures(&command) {
            command = c[1].to_string();
        }
        if let Some(c) = DIRENV_EXEC.captures(&command) {
            command = c[1].to_string();
        }
        command = DISPLAY.replace(&command, "").trim().to_string();
        if command == before {
            return command;
        }
    }
}

/// `cd .`, and nothing else: an absolute path may be the author's checkout, a directory in
/// it (`.../app/src-tauri`) or another repository, and the command would run elsewhere.
static CD: LazyLock<Regex> = LazyLock::new(|| regex(r"^cd\s+\./?\s*&&\s*(.+)$"));
static NIX_DEVELOP: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^nix\s+develop(?:\s+[^-\s]\S*)?(?:\s+--?\S+)*?\s+(?:-c|--command)\s+(.+)$"));
static DIRENV_EXEC: LazyLock<Regex> = LazyLock::new(|| regex(r"^direnv\s+exec\s+\S+\s+(.+)$"));
/// Output shaping at the end that keeps the exit status of what came before only in part:
/// `2>&1`, `| tail`, `| head`, `> /dev/null`.
static DISPLAY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\s*2>&1)?(?:\s*\|\s*(?:tail|head)(?:\s+-?[\w-]+)*)+\s*$|\s*(?:[0-9&]?>>?\s*/dev/null|2>&1)\s*$",
    )
});
/// A package by its name alone (`web`, `@acme/web`): never a path, a pattern, an exclusion
/// (`!web`), a package with its dependencies (`web...`) or changes since (`web[main]`).
const PACKAGE: &str = r"(?:@[\w-]+/)?\w(?:[\w-]|\.\w)*";
/// A package manager, with the workspace packages it selects: npm's `-w`/`--workspace`,
/// pnpm's and bun's `--filter`/`-F` (pnpm's `-w` is the workspace root, and takes no name).
pub(crate) static MANAGER: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"(?:npm(?:\s+(?:-w|--workspace)(?:=|\s+){PACKAGE})*|(?:pnpm|bun)(?:\s+(?:--filter|-F)(?:=|\s+){PACKAGE})*|yarn)"
    )
});
/// One workspace selection, and the package it selects.
pub(crate) static SELECTED: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"(?:--filter|-F|-w|--workspace)(?:=|\s+)(?P<part>{PACKAGE})")));
/// A package manager and the workspace packages it selects.
static SELECTING: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b(?:(?P<npm>npm)(?:\s+(?:-w|--workspace)(?:=|\s+){PACKAGE})+|(?P<pnpm>pnpm|bun)(?:\s+(?:--filter|-F)(?:=|\s+){PACKAGE})+)"
    ))
});
/// A checker whose arguments are files to check, never programs to run (`node --test x.js`
/// runs x.js).
static CHECKS_FILES: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^((uv|poetry|pdm|hatch) run |npx |pnpm exec |python3? -m )?(pytest|vitest( run)?|jest|go test|cargo test|ruff( check)?|eslint|mypy|pyright|tsc)(\s|$)",
    )
});
/// A script whose name says it changes data: `scripts/reset_db.py`, `seed-users.sh`.
static DESTRUCTIVE_SCRIPT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:^|[\s/])[\w-]*(?:reset|drop|wipe|nuke|seed|purge|destroy|teardown|migrate|migration)[\w-]*\.(?:py|sh|js|cjs|mjs|ts|rb|pl)\b",
    )
});
/// A path, or a file of source or tests.
static FILE_ARGUMENT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^['\x22]?[^-].*(/|\.(py|pyi|ts|tsx|js|jsx|cjs|mjs|rs|go|vue|svelte)['\x22]?$)"));
static PROGRAM: LazyLock<Regex> = LazyLock::new(|| regex(r"^[a-z][\w.-]*$"));
static HELP_CALL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^[a-z][\w.-]*(?: [a-z][\w-]*){0,3} (?:--help|--version)$"));
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(^|[^/])\.\.\.|…|<[\w./: -]+>|\{[\w.-]*\}|\[[\w-]+\]|\$\{?[A-Z_]{2,}|\$\{?[a-z_][a-z_0-9]*\b|\bpath/to\b|\bTODO\b|\bXXX\b|^\w+\?|\(\.\.\.\)|^\S+\s+\d+(\.\d+)*(\s|$)",
    )
});
/// Shell syntax that joins commands or moves output: what is left after [`unwrap`].
static JOINED: LazyLock<Regex> = LazyLock::new(|| regex(r"[|;&<>`]|\$\("));
/// Flags that make a command succeed whatever it finds, or not run what it names.
static NEUTRAL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:^|\s)(--exit-zero|--ignore-errors|--if-present|--no-run|--collect-only|--co|--dry-run|--just-print)(?:\s|$)|^make\s+(\S+\s+)*(-[a-zA-Z]*[inqt][a-zA-Z]*|--question|--touch|--dry-run|--just-print)(\s|$)|^(ba)?sh\s+-c\b",
    )
});
/// An argument outside the project: an absolute path (also glued to a short flag:
/// `-o/usr/bin/x`), a home, or `..` anywhere in a path; a build target's `//pkg:name` and
/// MSBuild's `/p:Configuration=Release` are none.
static OUTSIDE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?:^|\s|=)(?:/[^/\s:]+(?:/|\s|$)|/(?:\s|$)|~)|(?:^|[\s=/])\.\.(?:/|\s|$)|(?:^|\s)-[A-Za-z]/")
});
/// Commands that change what they should look at, or leave the project.
static DANGER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?x)(?:^|\s)(sudo|rm|rmdir|curl|wget|ssh|scp|rsync|dd|mkfs|chmod|chown|kill|pkill)(?:\s|$)
        |\bgit\s+(push|reset|clean|checkout|commit|rebase|tag)\b|(?:^|[\s/:.])(publish|deploy|release|destroy|upload)(?:[\s.:_-]|$)|(?:^|[\s/:._-])(wipe|drop|purge|reset|seed|seeds|nuke|rollback|teardown)(?:[\s.:_-]|$)
        |\bdb:(drop|reset|seed)\b|\bterraform\s+(apply|destroy|import)\b|\bkubectl\s+(apply|delete|create|rollout)\b
        |\bhelm\s+(install|upgrade|uninstall|delete)\b|\bdocker\s+(push|rm|rmi|system)\b
        |\s(-g|--global)(\s|$)|\b(pip3?|uv\s+pip)\s+install\s+[^-]|\buv\s+(add|remove)\b|\b(npm|pnpm|yarn)\s+(add|remove|uninstall|init)\b
        |\bmake\s+(clean|distclean|install|deploy)\b
        |\buv\s+(tool|python)\s+(install|uninstall|upgrade)\b|\buv\s+cache\s+(clean|prune)\b|\buv\s+lock\s+--upgrade\b|\buv\s+self\b
        |\b(npm|pnpm|yarn)\s+(config|update|upgrade|version|link|dedupe|prune|audit\s+fix)\b|\b(pnpm\s+dlx|yarn\s+dlx|bunx|npm\s+exec\s+--yes|npx\s+(-y|--yes))\b
        |\bcargo\s+(\+\S+\s+)?(update|clean|fix|install|uninstall|add|remove|upgrade)\b|\bgo\s+(get|install|clean|mod\s+tidy)\b
        |\bpre-commit\s+(autoupdate|install|uninstall|clean|gc)\b|\bpoetry\s+(add|remove|update|lock|self)\b
        |\s--(fix|write|in-place|inplace|(?i:update-?snapshots?)|snapshot-update|force-regen)(\s|=|$)|\b(jest|vitest)\b.*\s-u(\s|$)|\s--\s(.*\s)?-u(\s|$)
        |\b(npm|pnpm|yarn|bun)\s+(install|i|add)\s+[^-\s]|\bpip3?\s+install\b.*\s(-U|--upgrade)\b|\bpip3?\s+config\s+(set|unset|edit)\b
        |\buv\s+(sync|lock)\b.*\s(-U|--upgrade|--upgrade-package)\b|\b(npm|pnpm|yarn)\s+up\b|\b(bundle|composer)\s+(update|install|require)\b|\bncu\b|npm-check-updates
        |\b(rake\s+db:\w+|ef\s+database\s+update|drizzle-kit\s+(push|migrate)|knex\s+migrate|prisma\s+(migrate|db\s+push)|sequelize\s+db:)
        |^(npm|pnpm|yarn|bun)\s+(run\s+)?([\w:-]*[:-])?(migrate|seed|reset|wipe|nuke|drop|purge|update|upgrade)([:-][\w:-]*)?(\s|$)|^(npm|pnpm|yarn|bun)\s+(run\s+)?db:\w+|^(make|just)\s+(\S+\s+)*(migrate|seed|update|upgrade)(\s|$)
        |\s(--update|-update|--inline-snapshot=\S+|--add-noqa|--install-types|--accept)(\s|=|$)
        |\b(alembic\s+(upgrade|downgrade|stamp)|manage\.py\s+(migrate|flush|makemigrations|loaddata)|db\s+(migrate|push|reset|seed|upgrade))\b
        |\bmix\s+ecto\.\w+|\brails\s+db:|\bflask\s+db\b|\bmigration:run\b|\binsta\s+(accept|review)\b|\bgo\s+generate\b|\s--basetemp\b
        |(?:^|\s)(uvx|uv\s+tool\s+run|npm\s+exec|pipx\s+run)\s|\bdb:(migrate|drop|reset|seed|create|setup|rollback)\b|\bcreatesuperuser\b|\brimraf\b
        |^(npm|pnpm|yarn|bun)\s+(run\s+)?clean(\s|$)|(?:^|\s)generate(\s|$)|\bhttps?://",
    )
});
/// Formatters, which rewrite what they are given unless told only to check.
static FORMATTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^((uv|poetry|pdm|hatch)\s+run\s+(--?[\w-]+\s+)*|npx\s+|uvx\s+|python3?\s+-m\s+)?(black|isort|autopep8|rustfmt|cargo\s+(\+\S+\s+)?fmt|ruff\s+format|prettier|biome\s+(format|check\s.*--apply)|gofmt|go\s+fmt|dotnet\s+format|clang-format|shfmt|nixfmt|alejandra|treefmt|terraform\s+fmt|deno\s+fmt|mix\s+format|dart\s+format)\b|^(npm|pnpm|yarn|bun)\s+run\s+(fmt|format|format:write|lint:fix|fix)(\s|$)|^(make|just)\s+(\S+\s+)*(fmt|format|fix)(\s|$)",
    )
});
static CHECK_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\s--(check|check-only|diff|list-different|verify-no-changes|dry-run|check-formatted|set-exit-if-changed)\b|\s-check\b|^gofmt\s(.*\s)?-(l|d)(\s|$)",
    )
});
/// Running a program of the project, which may serve or wait: `cargo run`, `node server.js`.
static RUNS_A_PROGRAM: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(cargo|go|dotnet|flutter|swift|deno|make|just)\s+run\b|^bun\s+[\w./-]+\.(ts|tsx|js|mjs)\b|^(uv\s+run\s+|npx\s+)?(node|tsx|ts-node)\s+([\w./][\w./-]*(\s|$)|(-e|--eval|-p|--print)\s)|\bfastapi\s+(run|dev)\b|\brails\s+(s|server|c|console)\b|\bphx\.server\b",
    )
});
static SWALLOWED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\|\|\s*(true|:|echo\b|exit 0)|;\s*(true|echo\b.*|exit 0)\s*$"));
static INSTALL_NOTHING: LazyLock<Regex> = LazyLock::new(|| regex(r"^(uv\s+)?(pip3?\s+install|uv\s+add)\s*$"));
static SCRIPT: LazyLock<Regex> = LazyLock::new(|| regex(r"^(\./|(scripts|bin|tools)/)[\w./-]+$"));
static SERVER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?x)(?:^|[\s:/.-])(?:dev|develop|serve|server|start|watch|preview|storybook|tui|browse|shell|repl|console|login|edit|open|ui|worker|nodemon|tensorboard|jupyter\w*|notebook|http-server|json-server|webpack-dev-server)(?:[\s:.-]|$)
        |\s--watch\w*(=true)?(\s|$)|\bwatch\b|\b(tsc|webpack|rollup|babel|esbuild|tsup|parcel)\b.*\s-w(\s|$)|\bgradlew?\b.*\s(-t|--continuous)(\s|$)|\s--\s(.*\s)?(-w|--watch)(\s|$)|\bptw\b|\brunserver\b|\buvicorn\b|\bgunicorn\b|\bhttp\.server\b
        |\bflask\s+run\b|\bjupyter\b|\bcompose\s+up\b|\bnix\s+run\b|\bvite\s*$|\bnext\s+dev\b
        |\bstreamlit\s+run\b|^\S+\s+web\s*$|\bserve\b|\btail\s+-f\b|\s--reload\b|\s--looponfail\b|\bpytest\b.*\s-[a-zA-Z]*f[a-zA-Z]*(\s|$)
        |\b(ruff|pyright|basedpyright|vitest|mypy)\b.*\s-w(\s|$)|\s--(standalone|inspect|inspect-brk)\b|\bvite(\s+-\S+(\s+[^-\s]\S*)?)*\s*$|\bplaywright\s+show-report\b",
    )
});
/// Programs that check something with no arguments: a test runner, a build.
const SOLO: &[&str] = &[
    "pytest",
    "make",
    "tox",
    "nox",
    "vitest",
    "jest",
    "tsc",
    "ctest",
    "rspec",
    "nix-build",
    "just",
    "pyright",
];
const INTERACTIVE_ALONE: &[&str] = &["python", "python3", "node", "bash", "sh", "deno", "bun"];
const INTERACTIVE_FLAGS: &[&str] = &["-i", "--interactive", "-it", "--pdb", "--trace"];
static REPL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^nix\s+repl\b|^((uv|poetry|pdm|pipenv)\s+run\s+)?(i?python3?|node|bash|sh|zsh)(\s+-[a-zA-Z]+)*\s*$|\s-m\s+(pdb|ipdb|code)\b|\s--ui\b",
    )
});
/// The nix and direnv commands that check something: a build, a flake check, an eval.
static NIX_CHECK: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^nix\s+(flake\s+(check|show|metadata)|build|eval)\b|^nix-build\b"));

#[cfg(test)]
mod tests {
    use super::judge;

    #[test]
    fn commands_that_check_are_unwrapped_and_kept() {
        assert_eq!(judge("uv sync"), Ok("uv sync".into()));
        assert_eq!(judge("nix develop --command uv run pytest -q"), Ok("uv run pytest -q".into()));
        assert_eq!(judge("nix develop .#ci -c cargo test"), Ok("cargo test".into()));
        assert_eq!(
            judge("cd . && python -m pytest tests/ -x 2>&1 | tail -20"),
            Ok("python -m pytest tests/ -x".into())
        );
        assert_eq!(judge("direnv exec . ruff check ."), Ok("ruff check .".into()));
        assert_eq!(judge("nix flake check"), Ok("nix flake check".into()));
        // npm's -w is a workspace, not a watch.
        assert_eq!(judge("npm run build -w studio"), Ok("npm run build -w studio".into()));
        assert_eq!(judge("./scripts/check.sh"), Ok("./scripts/check.sh".into()));
        // Formatters that only check.
        assert_eq!(judge("cargo fmt --check"), Ok("cargo fmt --check".into()));
        assert_eq!(judge("black --check ."), Ok("black --check .".into()));
        assert_eq!(judge("ruff format --check src tests"), Ok("ruff format --check src tests".into()));
        assert_eq!(judge("go test ./..."), Ok("go test ./...".into()));
        assert_eq!(judge("eslint . --fix-dry-run"), Ok("eslint . --fix-dry-run".into()));
        assert_eq!(judge("npm install"), Ok("npm install".into()));
        assert_eq!(judge("terraform fmt -check"), Ok("terraform fmt -check".into()));
        // A file a checker checks, or a workspace, named like a server is neither.
        for command in [
            "vitest run apps/web/server.test.ts",
            "go test ./internal/server/",
            "uv run pytest tests/dev/test_login.py",
            "ruff check src/app/server.py",
            "pnpm --filter admin-ui build",
            "dotnet build /p:Configuration=Release",
        ] {
            assert_eq!(judge(command), Ok(command.into()));
        }
        for command in [
            "node src/server.js",
            "pnpm --filter web dev",
            "vitest --watch src/a.test.ts",
            "python -m http.server",
        ] {
            assert!(judge(command).is_err(), "{command}");
        }
    }

    #[test]
    fn unquoted_words_read_as_a_command_only_when_they_are_one() {
        use super::reads_as_command;
        for text in [
            "cargo build -p core --features fast",
            "npm run build:pi",
            "uv run pytest -q",
            "node --test bin/a.test.cjs",
            "make test lint",
            "nix flake check",
            "go test ./...",
            "ruff format --check src tests",
        ] {
            assert!(reads_as_command(text), "{text}");
        }
        for text in [
            "pytest suite",
            "cargo fmt check",
            "go test race",
            "black check",
            "ruff format check",
            "npm test everything",
        ] {
            assert!(!reads_as_command(text), "{text}");
        }
    }

    #[test]
    fn what_is_no_check_is_refused_with_why() {
        for text in [
            "?",
            "9606",
            "zone_id?: string",
            "new ModelRegistry(...)",
            "species='rice'",
            "cd src",
            "cd src-tauri && cargo test",
            "cd /Users/me/code/other-repo && npm test",
            "echo ok",
            "direnv",
            "direnv allow",
            "nix develop",
            "npm run dev",
            "pnpm dev",
            "npm start",
            "python manage.py runserver",
            "npm run tauri dev",
            "mytool browse",
            "jest --watch",
            "python",
            "nix repl",
            "uvicorn app:app",
            "pytest || true",
            "uv run <script>",
            "make test; echo done",
            "docker compose up",
            "vite",
            "cargo update",
            "uv tool install ruff",
            "npm version patch",
            "ruff check --fix .",
            "prettier --write .",
            "black .",
            "cargo fmt",
            "alembic upgrade head",
            "python manage.py migrate",
            "tsc -w",
            "npx jest --watchAll",
            "pnpm dlx eslint .",
            "black -l 100 .",
            "python -m black .",
            "uv run --frozen black .",
            "npm run format",
            "make fmt",
            "terraform fmt",
            "npm run db:migrate",
            "rake db:migrate",
            "npx drizzle-kit push",
            "npm install lodash",
            "pip install --upgrade requests",
            "uv sync --upgrade",
            "cargo +nightly update",
            "npm test -- -u",
            "jest --ci --updateSnapshot",
            "pytest -x --pdb",
            "LD_LIBRARY_PATH",
            "flake.nix",
            "import lightgbm",
        ] {
            assert!(judge(text).is_err(), "{text} was taken for a check");
        }
    }
}
