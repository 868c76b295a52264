//! `covered_files` and `covered_digest`: the files a sign-off's checks read, and a digest
//! of their contents computed as GSD computes it (gsd-core's `computeCoveredDigest`,
//! version 1), so GSD marks the report stale when one of them changes afterwards.
//!
//! Version 1: the root-relative paths (`/`-separated, normalized, deduplicated, in
//! JavaScript's sort order), each a regular file inside the root; the digest is
//! `v1:sha256:` and the SHA-256 of `v1\n` followed by `PATH\nSHA256-OF-ITS-BYTES\n` for
//! each path. GSD also calls a report stale when a PLAN or SUMMARY of the phase is not
//! among the files, so the phase's own are always listed.

use std::path::Path;

use crate::digest::sha256_hex;
use crate::inside::{Located, locate};

/// The files, in GSD's order, and their digest; None when there is no file to cover.
pub fn digest(root: &Path, paths: impl IntoIterator<Item = String>) -> Option<(Vec<String>, String)> {
    let mut files: Vec<String> = paths
        .into_iter()
        .map(|path| normalize(&path.replace('\\', "/")))
        .filter(|path| matches!(locate(root, path), Located::Inside(real) if real.is_file()))
        .collect();
    files.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    files.dedup();
    if files.is_empty() {
        return None;
    }
    let mut hashed = String::from("v1\n");
    for file in &files {
        let bytes = std::fs::read(root.join(file)).ok()?;
        hashed.push_str(&format!("{file}\n{}\n", sha256_hex(&bytes)));
    }
    let digest = format!("v1:sha256:{}", sha256_hex(hashed.as_bytes()));
    Some((files, digest))
}

/// `a/./b/../c` as `a/c`, as node's `path.posix.normalize` makes it.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_gsd_cores_for_the_same_files() {
        // gsd-core 1.14.0's `verification fingerprint` prints this digest for these files.
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.txt"), "A").unwrap();
        std::fs::write(root.path().join("b.txt"), "B").unwrap();
        let (files, digest) =
            digest(root.path(), ["./b.txt".to_string(), "a.txt".into(), "b.txt".into(), "gone.txt".into()])
                .unwrap();
        assert_eq!(files, ["a.txt", "b.txt"]);
        assert_eq!(digest, "v1:sha256:b17d7772c68c6cf4290b35e88371aa1c8ef99e0305e507506bb065a8b935ddc0");
    }
}
