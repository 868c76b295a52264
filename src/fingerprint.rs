//! The environment fingerprint of a sign-off: what the checks ran with.

use std::path::Path;

use crate::digest::sha256_hex;
use crate::exec;
use crate::sink::signoff::Environment;

/// Shells, flake.lock, nix, system and git revision of the project at `root`.
pub fn of(root: &Path, installable: String) -> Environment {
    let output = |argv: &[&str]| exec::output(root, argv).map(|out| out.trim().to_string());
    let flake_lock = std::fs::read(root.join("flake.lock"))
        .map_or_else(|_| "none".to_string(), |bytes| format!("sha256:{}", sha256_hex(bytes)));
    let git_revision = match output(&["git", "rev-parse", "HEAD"]) {
        Some(head) if output(&["git", "status", "--porcelain"]).is_some_and(|s| !s.is_empty()) => {
            format!("{head}-dirty")
        }
        Some(head) => head,
        None => "not a git repository".into(),
    };
    Environment {
        installable,
        flake_lock,
        nix_version: output(&["nix", "--version"]).unwrap_or_else(|| "not installed".into()),
        system: format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS),
        git_revision,
    }
}
