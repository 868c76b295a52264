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
}

/// Every command of the plan text that [`judge`] accepts, in the order written, each once.
pub fn plan_commands(text: &str) -> Vec<PlanCommand> {
    let mut found: Vec<PlanCommand> = Vec::new();
    let mut task = 0;
    let mut block: Option<&'static str> = None;
    let mut fence: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        task += TASK.find_iter(line).count();
        if let Some(start) = fence {
            if trimmed.starts_with("```") {
                fence = None;
            } else {
                push(&mut found, trimmed, || format!("the shell block at line {start}"));
            }
            continue;
        }
        if SHELL_FENCE.is_match(trimmed) {
            fence = Some(index + 1);
            continue;
        }
        // A block that never closes ends with its task or at the next heading.
        if trimmed.starts_with('#') || trimmed.contains("<task") || trimmed.contains("</task>") {
            block = None;
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
                push(&mut found, LIST_MARK.replace(body.trim(), "").trim(), from);
            }
            // "Never run `X`" is no verification.
            for (_, span) in spans.into_iter().filter(|(at, _)| !super::NEGATION.is_match(&body[..*at])) {
                push(&mut found, span, from);
            }
        }
        if trimmed.contains("</verify>") || trimmed.contains("</verification>") {
            block = None;
        }
    }
    found
}

/// Plans read beside the one being mirrored, at most.
const OTHER_PLANS: usize = 500;

/// The verification commands of the project's other plans: those beside `plan` (a GSD
/// phase directory) and, when that sits in a `phases` directory, in the other phases.
/// Each plan's commands once, in the order of the plans' paths; `from` names the plan.
pub fn other_plans_commands(plan: &Path) -> Vec<PlanCommand> {
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
        let Ok(Some(bytes)) = crate::bounded::read(&path) else { continue };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        found.extend(
            plan_commands(&String::from_utf8_lossy(&bytes))
                .into_iter()
                .map(|c| PlanCommand { from: format!("{} of {name}", c.from), ..c }),
        );
    }
    found
}

fn push(found: &mut Vec<PlanCommand>, text: &str, from: impl Fn() -> String) {
    // A plan line longer than any command is prose or data; a plan holding hundreds of
    // commands is no plan to take them from.
    if text.len() > 1000 || found.len() >= 200 {
        return;
    }
    if let Ok(command) = judge(text)
        && !found.iter().any(|c| c.command == command)
    {
        found.push(PlanCommand { command, from: from() });
    }
}

static TASK: LazyLock<Regex> = LazyLock::new(|| regex(r"<task\b"));
static SHELL_FENCE: LazyLock<Regex> = LazyLock::new(|| regex(r"^```(bash|sh|shell|console|zsh)\s*$"));
static VERIFY_LINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^(?:[-*]\s+)?(?:\*\*)?Verify:?(?:\*\*)?:?\s*(.*)$"));
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
            ```bash\nmake lint\nnpm run dev\n```\n<verification>\n- python -c \"import app\"\n- The page looks right\n</verification>\n";
        let found: Vec<(String, String)> =
            plan_commands(plan).into_iter().map(|c| (c.command, c.from)).collect();
        assert_eq!(
            found,
            [
                ("uv run pytest tests/test_io.py -q", "<verify> of task 1"),
                ("ruff check src/", "<verify> of task 2"),
                ("cargo build --release", "the Verify: line at line 12"),
                ("make lint", "the shell block at line 13"),
                ("python -c \"import app\"", "<verification> of task 2"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }
}
