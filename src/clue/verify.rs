//! The plan's own verification commands: `<verify>` (and its `<automated>`) and
//! `<verification>` blocks, `Verify:` lines and shell code blocks, each with where it is;
//! and those of the project's other plans.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::command::judge;
use super::{SPAN, regex};
use crate::phase_dir;

/// A command the plan itself runs to verify its work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanCommand {
    /// The command, unwrapped (see [`judge`]).
    pub command: String,
    /// Where the plan writes it, for the proposal's comment: `<verify> of task 2`.
    pub from: String,
    /// Whether the plan runs it in another directory (`cd web && npm test`, "`cargo test`
    /// passes in src-tauri"): then it is no check at the root.
    pub moved: bool,
}

/// Every command of the plan text that [`judge`] accepts, in the order written, each once
/// where it runs. A `cd` to an absolute path ending in `root_name` (the project's directory
/// name: the author's checkout of it) stays at the root.
pub fn plan_commands(text: &str, root_name: &str) -> Vec<PlanCommand> {
    let at_root = |dir: &str| {
        let dir = dir.trim_matches(['"', '\'']).trim_end_matches('/');
        matches!(dir, "." | "")
            || dir.starts_with('/') && !root_name.is_empty() && dir.rsplit('/').next() == Some(root_name)
    };
    let mut found: Vec<PlanCommand> = Vec::new();
    let mut task = 0;
    let mut block: Option<&'static str> = None;
    let mut fence: Option<(usize, bool)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        task += TASK.find_iter(line).count();
        if let Some((start, moved)) = fence {
            if trimmed.starts_with("```") {
                fence = None;
            } else if let Some(c) = CD_LINE.captures(trimmed) {
                // After a `cd`, the block's commands run in another directory, and so does
                // one joined to it (`cd web && npm test`).
                fence = Some((start, moved || !at_root(&c[1])));
                if CD_AND.is_match(trimmed) {
                    push(&mut found, trimmed, moved, &at_root, || format!("the shell block at line {start}"));
                }
            } else {
                push(&mut found, trimmed, moved, &at_root, || format!("the shell block at line {start}"));
            }
            continue;
        }
        if SHELL_FENCE.is_match(trimmed) {
            fence = Some((index + 1, false));
            continue;
        }
        // A block that never closes ends with its task or at the next heading.
        if trimmed.starts_with('#') || trimmed.contains("<task") || trimmed.contains("</task>") {
            block = None;
        }
        // gsd-2 plans verify under a `## Verification` heading.
        if VERIFY_HEADING.is_match(trimmed) {
            block = Some("the Verification section");
            continue;
        }
        for (tag, name) in [("verify", "<verify>"), ("verification", "<verification>")] {
            if trimmed.contains(&format!("<{tag}>")) {
                block = Some(name);
            }
        }
        let label = VERIFY_LINE.captures(trimmed).map(|c| c.get(1).map_or("", |m| m.as_str()).to_string());
        let inside = block.is_some() || label.is_some();
        if inside {
            let from = || match (block, task) {
                (Some(name), 0) => name.to_string(),
                (Some(name), n) => format!("{name} of task {n}"),
                (None, _) => format!("the Verify: line at line {}", index + 1),
            };
            let body = label.as_deref().unwrap_or(trimmed);
            let body = TAGS.replace_all(body, "");
            let spans: Vec<(usize, &str)> =
                SPAN.captures_iter(&body).filter_map(|c| c.get(1)).map(|m| (m.start(), m.as_str())).collect();
            if spans.is_empty() {
                push(&mut found, LIST_MARK.replace(body.trim(), "").trim(), false, &at_root, from);
            }
            // "Never run `X`" is no verification; "`X` passes in src-tauri" runs elsewhere.
            for (at, span) in spans.into_iter().filter(|(at, _)| !super::NEGATION.is_match(&body[..*at])) {
                let moved = ELSEWHERE.is_match(&body[at + span.len() + 1..]);
                push(&mut found, span, moved, &at_root, from);
            }
        }
        if trimmed.contains("</verify>") || trimmed.contains("</verification>") {
            block = None;
        }
    }
    // "All commands run from `backend/`": the plan says where every one of them runs.
    if let Some(c) = RUN_FROM.captures(text)
        && !at_root(&c[1])
        && !["root", "repository", "repo", "project", "top", "workspace"]
            .contains(&c[1].to_lowercase().as_str())
    {
        found.iter_mut().for_each(|c| c.moved = true);
    }
    found
}

/// Plans read beside the one being mirrored, at most.
const OTHER_PLANS: usize = 500;

/// The verification commands of the project's other plans: those beside `plan` (a GSD
/// phase directory) and, when that sits in a `phases` directory, in the other phases.
/// Each plan's commands once, in the order of the plans' paths; `from` names the plan.
/// Those run in another directory are kept: they say the project runs a job in two places.
pub fn other_plans_commands(plan: &Path, root_name: &str) -> Vec<PlanCommand> {
    let Some(dir) = plan.parent() else { return Vec::new() };
    let mut plans = phase_dir::plans(dir);
    if let Some(phases) = dir.parent().filter(|p| p.file_name().is_some_and(|n| n == "phases")) {
        let others = phase_dir::directories(phases).into_iter().filter(|d| d != dir);
        plans.extend(others.flat_map(|d| phase_dir::plans(&d)));
    }
    plans.retain(|p| p != plan);
    plans.sort();
    plans.truncate(OTHER_PLANS);
    let mut found = Vec::new();
    for path in plans {
        let Some(text) = crate::bounded::read_text(&path) else { continue };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        found.extend(
            plan_commands(&text, root_name)
                .into_iter()
                .map(|c| PlanCommand { from: format!("{} of {name}", c.from), ..c }),
        );
    }
    found
}

/// Adds `text` when it is a command (`moved`: run in another directory; so is `cd DIR &&
/// X`), unless it is there already.
fn push(
    found: &mut Vec<PlanCommand>,
    text: &str,
    moved: bool,
    at_root: &impl Fn(&str) -> bool,
    from: impl Fn() -> String,
) {
    // A plan line longer than any command is prose or data; a plan holding hundreds of
    // commands is no plan to take them from.
    if text.len() > 1000 || found.len() >= 200 {
        return;
    }
    let (text, moved) = match CD_AND.captures(text) {
        Some(c) => (c.get(2).map_or(text, |m| m.as_str()), moved || !at_root(&c[1])),
        _ => (text, moved),
    };
    if let Ok(command) = judge(text)
        && !found.iter().any(|c| c.command == command && c.moved == moved)
    {
        found.push(PlanCommand { command, from: from(), moved });
    }
}

static TASK: LazyLock<Regex> = LazyLock::new(|| regex(r"<task\b"));
static VERIFY_HEADING: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)^#{1,4}\s+(verification|verify)\s*$"));
static SHELL_FENCE: LazyLock<Regex> = LazyLock::new(|| regex(r"^```(bash|sh|shell|console|zsh)\s*$"));
static VERIFY_LINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^(?:[-*]\s+)?(?:\*\*)?Verify:?(?:\*\*)?:?\s*(.*)$"));
static RUN_FROM: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(?:all|every|each)\s+(?:the\s+)?(?:commands?|verification\s+commands?|verify\s+steps?|checks?)\s+(?:(?:below|here|above)\s+)?(?:run|are\s+run|must\s+run|execute|are\s+executed)\s+(?:from|in|inside|within)\s+(?:the\s+)?`?([\w./-]+)`?",
    )
});
static CD_AND: LazyLock<Regex> = LazyLock::new(|| regex(r"^(?:\$\s*)?cd\s+(\S+)\s*&&\s*(.+)$"));
static CD_LINE: LazyLock<Regex> = LazyLock::new(|| regex(r"^(?:\$\s*)?(?:cd|pushd)\s+(\S+)"));
/// Words after a command that place it in a directory: "in src-tauri", "from the app/ folder".
static ELSEWHERE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^[^.;]*?\b(?:in|inside|within|from|under)\s+(?:the\s+)?`?(?:[\w.-]*[/_-][\w./-]*|[\w.-]+/?\s+(?:directory|dir|folder|package|workspace|crate|repo|repository|project))\b",
    )
});
static TAGS: LazyLock<Regex> = LazyLock::new(|| regex(r"</?(verify|verification|automated)>"));
static LIST_MARK: LazyLock<Regex> = LazyLock::new(|| regex(r"^(?:[-*]|\d+[.)])\s+"));

#[cfg(test)]
mod tests {
    use super::plan_commands;

    #[test]
    fn commands_come_from_every_place_a_plan_verifies() {
        let plan = "<task type=\"auto\">\n<verify>\n  <automated>nix develop -c uv run pytest tests/test_io.py -q 2>&1 | tail -5</automated>\n  All tests pass.\n</verify>\n</task>\n\
            <task>\n<verify>\nRun `ruff check src/` and read it.\n</verify>\n</task>\n\
            **Verify:** `cargo build --release`\n\
            ```bash\nmake lint\nnpm run dev\ncd web\nnpm test\n```\n<verification>\n- python -c \"import app\"\n- The page looks right\n- `cargo test` passes in src-tauri\n- `pytest -q` in the api/ folder passes\n- cd docs && make html\n- cd /home/me/code/shop && make check\n</verification>\n";
        let found: Vec<(String, String, bool)> =
            plan_commands(plan, "shop").into_iter().map(|c| (c.command, c.from, c.moved)).collect();
        assert_eq!(
            found,
            [
                ("uv run pytest tests/test_io.py -q", "<verify> of task 1", false),
                ("ruff check src/", "<verify> of task 2", false),
                ("cargo build --release", "the Verify: line at line 12", false),
                ("make lint", "the shell block at line 13", false),
                // Run after `cd web`, "in src-tauri", "in the api/ folder": elsewhere.
                ("npm test", "the shell block at line 13", true),
                ("python -c \"import app\"", "<verification> of task 2", false),
                ("cargo test", "<verification> of task 2", true),
                ("pytest -q", "<verification> of task 2", true),
                ("make html", "<verification> of task 2", true),
                // The author's checkout of the project, named like it.
                ("make check", "<verification> of task 2", false),
            ]
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c))
        );
        // A plan that says where all its commands run.
        let elsewhere =
            "All commands run from `backend/`.\n<task>\n<verify>uv run pytest -q</verify>\n</task>\n";
        assert!(plan_commands(elsewhere, "shop").iter().all(|c| c.moved));
        let here = "All commands run from the repository root.\n<task>\n<verify>uv run pytest -q</verify>\n</task>\n";
        assert!(plan_commands(here, "shop").iter().all(|c| !c.moved));
    }

    #[test]
    fn a_cd_joined_in_a_shell_block_and_a_verification_heading_are_read() {
        let plan = "5. Run the suite:\n   ```bash\n   cd src-tauri && cargo test 2>&1 | tail -20\n   ```\n\n## Verification\n\n- `pytest -x` passes\n\n## Inputs\n\n- `make deploy`\n";
        let found: Vec<(String, String, bool)> =
            plan_commands(plan, "app").into_iter().map(|c| (c.command, c.from, c.moved)).collect();
        assert_eq!(
            found,
            [
                ("cargo test".to_string(), "the shell block at line 2".to_string(), true),
                ("pytest -x".to_string(), "the Verification section".to_string(), false),
            ]
        );
    }
}
