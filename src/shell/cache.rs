//! The content-keyed cache of captured nix environments.
//!
//! The key is a hash of what decides the environment: the installable, purity, the nix
//! binary, the system, and everything nix can read of the flake, its whole source as nix
//! copies it: in a git work tree, the blob ids git already keeps for every tracked file of
//! the repository (also for `?dir=sub`, whose source is the whole repository) plus the
//! contents of tracked files changed since; elsewhere, the contents of every file of the
//! flake's directory. Never timestamps: a `touch` does not re-evaluate, an edit always
//! does. An entry holds what the shell changes (see `delta`), never the host's own
//! variables; one that fails its hash is ignored and rewritten, never trusted.
//!
//! The cache lives in `$XDG_CACHE_HOME/envtruth` (or `~/.cache/envtruth`), only ever at an
//! absolute path; without one, in a per-user directory of the temp dir. Captures run in a
//! private directory inside it, removed after them, or on a later start when the process
//! that made it is gone.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::delta::Delta;
use crate::digest::{hex, sha256_hex};
use crate::exec;
use crate::interrupt;

/// The first line of an entry, before the hex SHA-256 of the body.
const HEADER: &str = "envtruth-env 3 ";

/// Directories of a flake outside git never hashed: VCS data, build output, dependencies.
const SKIPPED: [&str; 6] = [".git", ".direnv", ".venv", "target", "node_modules", "result"];

/// The cache directory.
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache, created (mode 0700, owned by this user) if needed; why not when there is
    /// no safe place, in which case every run evaluates. Never relative to the working
    /// directory: a cache in the project would be committed with `git add -A`.
    pub fn open() -> Result<Cache, String> {
        let absolute =
            |value: Option<std::ffi::OsString>| value.map(PathBuf::from).filter(|p| p.is_absolute());
        let base = absolute(std::env::var_os("XDG_CACHE_HOME"))
            .or_else(|| absolute(std::env::var_os("HOME")).map(|home| home.join(".cache")))
            // SAFETY: getuid cannot fail.
            .or_else(|| {
                Some(std::env::temp_dir().join(format!("envtruth-cache-{}", unsafe { libc::getuid() })))
            })
            .filter(|p| p.is_absolute())
            .ok_or("no absolute cache directory")?;
        let dir = base.join("envtruth");
        let cannot = |e: std::io::Error| format!("cannot use {}: {e}", dir.display());
        std::fs::create_dir_all(dir.join("tmp")).map_err(cannot)?;
        // SAFETY: getuid cannot fail.
        if dir.metadata().map_err(cannot)?.uid() != unsafe { libc::getuid() } {
            return Err(format!("{} belongs to another user", dir.display()));
        }
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(cannot)?;
        let cache = Cache { dir };
        cache.remove_stale_captures();
        Ok(cache)
    }

    /// The environment change stored under `key`, if a whole, well-formed entry is there.
    pub fn get(&self, key: &str) -> Option<Delta> {
        let bytes = std::fs::read(self.dir.join(format!("{key}.env"))).ok()?;
        let rest = bytes.strip_prefix(HEADER.as_bytes())?;
        let newline = rest.iter().position(|b| *b == b'\n')?;
        let (hash, body) = (&rest[..newline], &rest[newline + 1..]);
        if hash != sha256_hex(body).as_bytes() {
            return None;
        }
        Delta::from_bytes(body)
    }

    /// Stores `body` under `key` atomically, readable by the owner only. A failure to write
    /// only costs the next run an evaluation.
    pub fn put(&self, key: &str, body: &[u8]) {
        let mut entry = format!("{HEADER}{}\n", sha256_hex(body)).into_bytes();
        entry.extend_from_slice(body);
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

    /// A private directory (0700) for one capture: the dump of the environment and nix's
    /// own temp files go there, and it is removed when the capture is done.
    pub fn capture_dir(&self) -> Option<tempfile::TempDir> {
        tempfile::Builder::new()
            .prefix(&format!("cap-{}-", std::process::id()))
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir_in(self.dir.join("tmp"))
            .ok()
    }

    /// Removes what captures of processes that are gone left behind (a SIGKILL gives no
    /// chance to clean up).
    fn remove_stale_captures(&self) {
        let Ok(entries) = std::fs::read_dir(self.dir.join("tmp")) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let pid = name
                .strip_prefix("cap-")
                .and_then(|rest| rest.split('-').next()?.parse::<libc::pid_t>().ok());
            // SAFETY: signal 0 only asks whether the process exists.
            let gone = pid.is_some_and(|pid| unsafe { libc::kill(pid, 0) } != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH));
            if gone {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// The cache key of a nix shell of the project at `root`.
pub fn key(root: &Path, installable: &str, pure: bool, nix: &Path) -> String {
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(b"envtruth-cache 3");
    field(installable.as_bytes());
    field(&[u8::from(pure)]);
    // The nix binary stands for its version without running it: a new nix is a new file.
    let real = nix.canonicalize().unwrap_or_else(|_| nix.to_path_buf());
    field(real.as_os_str().as_encoded_bytes());
    let (size, mtime) = real.metadata().map(|m| (m.size(), m.mtime())).unwrap_or_default();
    field(&size.to_le_bytes());
    field(&mtime.to_le_bytes());
    field(format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS).as_bytes());
    if let Some(dir) = local_flake(root, installable) {
        match git_source(&dir) {
            Some(source) => field(&source),
            None => {
                let mut files = Vec::new();
                walk(&dir, &mut files);
                files.sort();
                for file in files {
                    field(file.strip_prefix(&dir).unwrap_or(&file).as_os_str().as_encoded_bytes());
                    field(&std::fs::read(&file).unwrap_or_else(|_| b"\0absent".to_vec()));
                }
            }
        }
    }
    hex(&hash.finalize())
}

/// The directory of a local flake installable (`.`, `./sub#ci`, `path:sub`, `.?dir=api`).
fn local_flake(root: &Path, installable: &str) -> Option<PathBuf> {
    let without_fragment = installable.split('#').next().unwrap_or_default();
    let (location, query) = without_fragment.split_once('?').unwrap_or((without_fragment, ""));
    let prefixed = location.strip_prefix("path:").or_else(|| location.strip_prefix("git+file:"));
    let local =
        prefixed.is_some() || location.is_empty() || location.starts_with('.') || location.starts_with('/');
    let location = prefixed.unwrap_or(location);
    if !local || location.contains("://") {
        return None;
    }
    let dir = query.split('&').find_map(|pair| pair.strip_prefix("dir="));
    let base = root.join(if location.is_empty() { "." } else { location });
    Some(dir.map_or(base.clone(), |sub| base.join(sub)))
}

/// What git knows of the repository holding `dir` (paths relative to `dir`): every
/// tracked file's mode, blob id and path (as `git ls-files -s`), with the blob id of what
/// is in the work tree now for a file changed since it was staged (nix copies the work
/// tree); None outside a work tree. Two quick git calls at once (a third when files
/// changed) instead of reading every file, and equal for two clones holding the same files.
fn git_source(dir: &Path) -> Option<Vec<u8>> {
    let dir_text = dir.to_string_lossy();
    let git = |args: &[&str]| {
        let mut argv = vec!["git", "-C", &dir_text];
        argv.extend_from_slice(args);
        exec::output(dir, &argv)
    };
    // At once: each costs about a millisecond of a warm run's fixed cost (README, "Speed").
    let (listed, changed) = std::thread::scope(|scope| {
        let changed = scope.spawn(|| git(&["ls-files", "-m", "-z", "--", ":/"]));
        (git(&["ls-files", "-s", "-z", "--", ":/"]), changed.join().ok().flatten())
    });
    let (listed, changed) = (listed?, changed?);
    let changed: Vec<&str> = changed.split('\0').filter(|p| !p.is_empty()).collect();
    let present: Vec<&str> = changed.iter().copied().filter(|p| dir.join(p).is_file()).collect();
    let blobs = match present.is_empty() {
        true => String::new(),
        false => {
            let mut args = vec!["hash-object", "--"];
            args.extend(&present);
            git(&args)?
        }
    };
    let now: Vec<(&str, &str)> = present.iter().copied().zip(blobs.lines()).collect();
    let mut source = Vec::new();
    for entry in listed.split('\0').filter(|e| !e.is_empty()) {
        let (meta, path) = entry.split_once('\t').unwrap_or(("", entry));
        let blob = match (changed.contains(&path), now.iter().find(|(p, _)| *p == path)) {
            (false, _) => None,
            (true, Some((_, blob))) => Some(*blob),
            (true, None) => Some("absent"),
        };
        match blob {
            // The staged entry as `git add` would make it: mode, the new blob, stage 0.
            Some(blob) => {
                let mode = meta.split(' ').next().unwrap_or_default();
                source.extend_from_slice(format!("{mode} {blob} 0\t{path}").as_bytes());
            }
            None => source.extend_from_slice(entry.as_bytes()),
        }
        source.push(0);
    }
    Some(source)
}

/// Every file under `dir`, not following symlinked directories.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        let name = entry.file_name();
        if kind.is_dir() && !SKIPPED.iter().any(|s| name == *s) {
            walk(&path, files);
        } else if !kind.is_dir() {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::local_flake;
    use std::path::{Path, PathBuf};

    #[test]
    fn local_installables_name_their_directory() {
        let root = Path::new("/p");
        assert_eq!(local_flake(root, "."), Some(PathBuf::from("/p/.")));
        assert_eq!(local_flake(root, ".#ci"), Some(PathBuf::from("/p/.")));
        assert_eq!(local_flake(root, ".?dir=api"), Some(PathBuf::from("/p/./api")));
        assert_eq!(local_flake(root, "path:sub#x"), Some(PathBuf::from("/p/sub")));
        assert_eq!(local_flake(root, "github:o/r"), None);
    }
}
