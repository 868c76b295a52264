//! The `direnv` shell: `direnv exec DIR`, which loads the directory's allowed `.envrc`.
//! Captured afresh on every run and never stored: only what the `.envrc` changes is kept,
//! applied over the current environment.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use super::delta::Delta;
use super::{ShellError, Vars, dump};
use crate::exec::which;

/// What nix-direnv exports when it fell back to an older environment because the flake no
/// longer evaluates.
const FALLBACK: &str = "NIX_DIRENV_DID_FALLBACK";

/// The environment `direnv exec DIR` gives; a blocked `.envrc` is an error, never allowed
/// on the user's behalf, and so is a stale environment nix-direnv fell back to.
pub fn capture(root: &Path, dir: &str, host: &Vars, limit: Duration) -> Result<Vars, ShellError> {
    let host_path =
        host.get(std::ffi::OsStr::new("PATH")).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let direnv = which("direnv", &host_path).ok_or(ShellError::Missing {
        program: "direnv",
        hint: "install direnv (Debian: `apt-get install direnv`), or run with `--shell host` / ENVTRUTH_SHELL=host",
    })?;
    let argv: Vec<OsString> = vec![direnv.into_os_string(), "exec".into(), root.join(dir).into_os_string()];
    // In the cache's own directory, as nix's captures are: what a SIGKILL leaves behind (the
    // whole environment, secrets included) is removed by the next run.
    let private = super::cache::Cache::open().ok().and_then(|cache| cache.capture_dir());
    let vars = match dump(root, &argv, &format!("direnv exec {dir}"), host, private, limit) {
        Ok(vars) => vars,
        Err(ShellError::Failed { tail, .. }) if tail.contains("is blocked") => {
            let envrc = Path::new(dir).join(".envrc");
            let envrc = envrc.strip_prefix(".").unwrap_or(&envrc);
            return Err(ShellError::Blocked { envrc: envrc.display().to_string(), dir: dir.to_string() });
        }
        Err(other) => return Err(other),
    };
    if vars.get(std::ffi::OsStr::new(FALLBACK)).is_some_and(|v| !v.is_empty()) {
        return Err(ShellError::Fallback { dir: dir.to_string() });
    }
    Ok(Delta::between(host, &vars, false).apply(host, root))
}
