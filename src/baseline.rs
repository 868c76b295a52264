//! `init --from-shell`: a drift baseline. The tools a plan names, at the versions a shell
//! has today, become `tools` truths of the mirror file (`extra: true`: the plan does not
//! hold them), so a later run fails when one moves without anyone deciding it (a nixpkgs
//! bump, a newer uv).

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::InitError;
use crate::plan::Plan;
use crate::probe::{Context, Origin, find_tool, tools_named};
use crate::shell::{CAPTURE_LIMIT, Shells, label};
use crate::spec::ShellSpec;

/// The first line of a baseline block, by which a second one is refused.
pub const MARK: &str = "# Drift baseline";

/// How long one tool's `--version` may take.
const ASK_LIMIT: Duration = Duration::from_secs(60);

/// The baseline block for `plan` in `spec`'s shell of the project at `root`: lines to
/// append under a check file's `truths:`.
pub fn baseline(root: &Path, plan: &Plan, spec: &ShellSpec) -> Result<String, InitError> {
    let text: Vec<&str> = plan.truths.iter().map(|truth| truth.item.statement.as_str()).collect();
    let names = tools_named(&text.join("\n"));
    if names.is_empty() {
        return Err(InitError::NoTools(plan.shown.clone()));
    }
    let shells = Shells::new(root.to_path_buf(), false);
    let env = shells.environment(spec, CAPTURE_LIMIT).map_err(InitError::Shell)?;
    let ctx = Context { root, env: &env, deadline: Instant::now() + ASK_LIMIT, limit: ASK_LIMIT };
    let shell = label(spec);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  {MARK}: the `{shell}` shell on {} (envtruth init --from-shell).",
        crate::clock::today()
    );
    let _ = writeln!(
        out,
        "  # A run fails when one of these versions moves; to accept a move, delete this block and take it again."
    );
    // Asked at once, as the `tools` probe asks them.
    let found: Vec<_> = std::thread::scope(|scope| {
        let asks: Vec<_> =
            names.iter().map(|name| scope.spawn(|| find_tool(name, Origin::Any, &ctx))).collect();
        asks.into_iter().map(|ask| ask.join().unwrap_or_else(|_| Err("the check panicked".into()))).collect()
    });
    for (name, found) in names.iter().zip(found) {
        // Only the version `--version` printed: one read from a path could never hold.
        let version = found.and_then(|found| {
            let at = found.path.display();
            found.version.ok_or_else(|| format!("no version in `{name} --version` at {at} ({})", found.said))
        });
        match version {
            Ok(version) => {
                let truth = serde_json::Value::from(format!("The `{shell}` shell keeps {name} at {version}"));
                let _ = writeln!(
                    out,
                    "  - truth: {truth}\n    extra: true\n    tools: {{{}: \"{version}\"}}",
                    serde_json::Value::from(*name)
                );
            }
            Err(why) => {
                let _ = writeln!(out, "  # {name}: {why}; no baseline for it");
            }
        }
    }
    Ok(out)
}
