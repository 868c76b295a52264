//! The content-keyed cache of captured nix environments.
//!
//! The key is a hash of what decides the environment: the installable, purity, the nix
//! binary, the system, and the *contents* of every `*.nix` and every `flake.lock` under
//! the root (a flake in a subdirectory, `.?dir=api`, has its own lock). Never timestamps: a `touch` does not re-evaluate, an edit always
//! does. An entry that fails to parse is ignored and rewritten, never trusted.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Vars, parse_env};
use crate::interrupt;

/// The first line of an entry, before the hex SHA-256 of the body.
const HEADER: &str = "envtruth-env 2 ";

/// Directories never searched for `*.nix`: VCS data, build output, dependencies.
const SKIPPED: [&str; 6] = [".git", ".direnv", ".venv", "target", "node_modules", "result"];

/// The cache directory: `$XDG_CACHE_HOME/envtruth` (default `~/.cache/envtruth`).
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache, created (mode 0700) if needed; None when there is no usable place,
    /// in which case every run evaluates.
    pub fn open() -> Option<Cache> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))?;
        let dir = base.join("envtruth");
        std::fs::create_dir_all(&dir).ok()?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).ok()?;
        Some(Cache { dir })
    }

    /// The environment stored under `key`, if a whole, well-formed entry is there.
    pub fn get(&self, key: &str) -> Option<Vars> {
        let bytes = std::fs::read(self.dir.join(format!("{key}.env"))).ok()?;
        let rest = bytes.strip_prefix(HEADER.as_bytes())?;
        let newline = rest.iter().position(|b| *b == b'\n')?;
        let (hash, body) = (&rest[..newline], &rest[newline + 1..]);
        if hash != hex_sha256(body).as_bytes() {
            return None;
        }
        let vars = parse_env(body);
        if vars.is_empty() { None } else { Some(vars) }
    }

    /// Stores `vars` under `key` atomically, readable by the owner only. A failure to
    /// write only costs the next run an evaluation.
    pub fn put(&self, key: &str, vars: &Vars) {
        use std::os::unix::ffi::OsStrExt;
        let mut body = Vec::new();
        for (name, value) in vars {
            body.extend_from_slice(name.as_bytes());
            body.push(b'=');
            body.extend_from_slice(value.as_bytes());
            body.push(0);
        }
        let mut entry = format!("{HEADER}{}\n", hex_sha256(&body)).into_bytes();
        entry.extend_from_slice(&body);
        // NamedTempFile is created with mode 0600.
        let Ok(mut temp) = tempfile::NamedTempFile::new_in(&self.dir) else { return };
        let _registered = interrupt::RemovedOnInterrupt::new(temp.path());
        if temp.write_all(&entry).and_then(|()| temp.as_file().sync_all()).is_ok() {
            let _ = temp.persist(self.dir.join(format!("{key}.env")));
        }
    }

    /// Holds the lock of `key` until the returned file is dropped; waits for another
    /// process holding it.
    pub fn lock(&self, key: &str) -> Option<File> {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(format!("{key}.lock")))
            .ok()?;
        file.lock().ok()?;
        Some(file)
    }
}

/// The cache key of a nix shell of the project at `root`.
pub fn key(root: &Path, installable: &str, pure: bool, nix: &Path) -> String {
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(b"envtruth-cache 1");
    field(installable.as_bytes());
    field(&[u8::from(pure)]);
    // The nix binary stands for its version without running it: a new nix is a new file.
    let real = nix.canonicalize().unwrap_or_else(|_| nix.to_path_buf());
    field(real.as_os_str().as_encoded_bytes());
    let (size, mtime) = real.metadata().map(|m| (m.size(), m.mtime())).unwrap_or_default();
    field(&size.to_le_bytes());
    field(&mtime.to_le_bytes());
    field(format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS).as_bytes());
    let mut files = Vec::new();
    collect_flake_files(root, &mut files);
    files.sort();
    for file in files {
        field(file.strip_prefix(root).unwrap_or(&file).as_os_str().as_encoded_bytes());
        match std::fs::read(&file) {
            Ok(content) => field(&content),
            Err(_) => field(b"\0absent"),
        }
    }
    hex(&hash.finalize())
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every `*.nix` and `flake.lock` under `dir`, not following symlinked directories.
fn collect_flake_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        let name = entry.file_name();
        if kind.is_dir() && !SKIPPED.iter().any(|s| name == *s) {
            collect_flake_files(&path, files);
        } else if !kind.is_dir() && (path.extension().is_some_and(|e| e == "nix") || name == "flake.lock") {
            files.push(path);
        }
    }
}
