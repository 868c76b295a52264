//! The environment fingerprint of a sign-off: what the checks ran with.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::exec;
use crate::sink::signoff::Environment;

/// Shells, flake.lock, nix, system and git revision of the project at `root`.
pub fn of(root: &Path, installable: String) -> Environment {
    let output = |argv: &[&str]| exec::output(root, argv).map(|out| out.trim().to_string());
    let flake_lock = std::fs::read(root.join("flake.lock")).map_or_else(
        |_| "none".to_string(),
        |bytes| {
            format!("sha256:{}", Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>())
        },
    );
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

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_now_is_rfc3339() {
        let now = super::utc_now();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z') && &now[10..11] == "T", "{now}");
    }
}
