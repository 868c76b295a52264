//! The `nix` shell: `nix develop INSTALLABLE`, evaluated once and cached by content.

use std::ffi::OsString;
use std::path::Path;

use std::time::Duration;

use super::cache::{self, Cache};
use super::delta::Delta;
use super::{ShellError, Vars, dump};
use crate::exec::which;

/// The environment of `nix develop INSTALLABLE`: the cached change of the shell applied
/// over `host` when the key matches, else evaluated (within `limit`) and stored.
pub fn capture(
    root: &Path,
    installable: &str,
    pure: bool,
    refresh: bool,
    host: &Vars,
    limit: Duration,
) -> Result<Vars, ShellError> {
    let host_path =
        host.get(std::ffi::OsStr::new("PATH")).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let nix = which("nix", &host_path).ok_or(ShellError::Missing {
        program: "nix",
        hint: "install Nix (Debian: `apt-get install nix-bin`), or run with `--shell host` / ENVTRUTH_SHELL=host",
    })?;
    let key = || cache::key(root, installable, pure, &nix);
    let cache = Cache::open().map_err(warn_uncached).ok();
    let before = key();
    let cached = |cache: &Cache| if refresh { None } else { cache.get(&before) };
    if let Some(delta) = cache.as_ref().and_then(cached) {
        return Ok(delta.apply(host, root));
    }
    check_tracked(root, installable)?;
    // One process evaluates; the others (nextest runs a process per case) wait here,
    // then find the entry it wrote.
    let _lock = cache.as_ref().and_then(|cache| cache.lock(&before));
    if let Some(delta) = cache.as_ref().and_then(cached) {
        return Ok(delta.apply(host, root));
    }
    let mut argv: Vec<OsString> = vec![
        nix.clone().into_os_string(),
        "--extra-experimental-features".into(),
        "nix-command flakes".into(),
        "develop".into(),
        installable.into(),
    ];
    if pure {
        for keep in ["HOME", "USER", "TERM"] {
            argv.extend(["--keep".into(), keep.into()]);
        }
        argv.push("--ignore-environment".into());
    }
    argv.push("--command".into());
    let shown = format!("nix develop {installable}{}", if pure { " --ignore-environment" } else { "" });
    let private = cache.as_ref().and_then(Cache::capture_dir);
    let vars = dump(root, &argv, &shown, host, private, limit)?;
    let delta = Delta::between(host, &vars, pure);
    // Keyed after evaluation: nix may have just written flake.lock.
    if let Some(cache) = &cache {
        cache.put(&key(), &delta.to_bytes(root));
    }
    Ok(delta.apply(host, root))
}

/// Says once per run that environments are not cached, and why: every run evaluates.
fn warn_uncached(why: String) {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        eprintln!("warning: no environment cache ({why}); every run evaluates the flake again; point XDG_CACHE_HOME at a directory you can write");
    });
}

/// Refuses a local flake whose flake.nix git does not track: nix would not see it.
fn check_tracked(root: &Path, installable: &str) -> Result<(), ShellError> {
    let path = installable.split('#').next().unwrap_or_default();
    if !(path == "." || path.starts_with("./")) {
        return Ok(());
    }
    let dir = root.join(path);
    if !dir.join("flake.nix").is_file() {
        return Ok(());
    }
    let dir = dir.to_string_lossy();
    match crate::exec::short(root, &["git", "-C", &dir, "ls-files", "--error-unmatch", "flake.nix"]) {
        // Exit 1 inside a work tree: untracked. 128 (not a repository) or no git: nix copes.
        Some(listed) if listed.code == Some(1) => {
            let file = Path::new(path).join("flake.nix");
            let file = file.strip_prefix(".").unwrap_or(&file);
            Err(ShellError::Untracked { file: file.display().to_string() })
        }
        _ => Ok(()),
    }
}
