//! The `venv` shell: the host's environment with a virtualenv activated, as its
//! `bin/activate` would do it, for machines that have Python but no Nix.

use std::ffi::OsString;
use std::path::Path;

use super::{ShellError, Vars};

/// `host` with `VIRTUAL_ENV` set, the virtualenv's `bin` first on PATH and
/// `PYTHONHOME` unset.
pub fn activate(root: &Path, dir: &str, mut host: Vars) -> Result<Vars, ShellError> {
    let venv = root.join(dir);
    if !venv.join("pyvenv.cfg").is_file() {
        return Err(ShellError::NoVenv { dir: dir.to_string() });
    }
    let mut path = venv.join("bin").into_os_string();
    if let Some(rest) = host.get(std::ffi::OsStr::new("PATH")).filter(|p| !p.is_empty()) {
        path.push(":");
        path.push(rest);
    }
    host.insert("PATH".into(), path);
    host.insert("VIRTUAL_ENV".into(), venv.into_os_string());
    host.remove(&OsString::from("PYTHONHOME"));
    Ok(host)
}
