//! The `direnv` shell: `direnv exec DIR`, which loads the directory's allowed `.envrc`.

use std::ffi::OsString;
use std::path::Path;

use super::{ShellError, Vars, dump, failed};
use crate::exec::which;

/// The environment `direnv exec DIR` gives; a blocked `.envrc` is an error, never allowed
/// on the user's behalf.
pub fn capture(root: &Path, dir: &str) -> Result<Vars, ShellError> {
    let host_path = std::env::var("PATH").unwrap_or_default();
    let direnv = which("direnv", &host_path).ok_or(ShellError::Missing {
        program: "direnv",
        hint: "install direnv (Debian: `apt-get install direnv`), or run with `--shell host` / ENVTRUTH_SHELL=host",
    })?;
    let argv: Vec<OsString> = vec![direnv.into_os_string(), "exec".into(), root.join(dir).into_os_string()];
    match dump(root, &argv, &format!("direnv exec {dir}")) {
        Ok(vars) => Ok(vars),
        Err(record) if record.stderr_tail.iter().any(|line| line.contains("is blocked")) => {
            let envrc = Path::new(dir).join(".envrc");
            let envrc = envrc.strip_prefix(".").unwrap_or(&envrc);
            Err(ShellError::Blocked { envrc: envrc.display().to_string(), dir: dir.to_string() })
        }
        Err(record) => Err(failed(&record)),
    }
}
