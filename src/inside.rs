//! Paths relative to the project root, and whether they stay inside it.
//!
//! Every path a check file or plan names is relative to the root and may not leave it,
//! by `..`, by starting with `/`, or through a symlink.

use std::path::{Component, Path, PathBuf};

/// Where a root-relative path leads.
pub enum Located {
    /// It exists inside the root.
    Inside(PathBuf),
    /// It does not exist (lexically inside the root).
    Missing,
    /// It leads outside the root, through `..`, an absolute path or a symlink.
    Outside(PathBuf),
}

/// Whether `relative` stays inside the root without looking at the disk.
pub fn stays_inside(relative: &str) -> bool {
    let path = Path::new(relative);
    !relative.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Resolves a root-relative path, following symlinks to make sure it stays inside.
pub fn locate(root: &Path, relative: &str) -> Located {
    let joined = root.join(relative);
    if !stays_inside(relative) {
        return Located::Outside(joined);
    }
    match (joined.canonicalize(), root.canonicalize()) {
        (Ok(real), Ok(real_root)) if real.starts_with(&real_root) => Located::Inside(joined),
        (Ok(real), _) => Located::Outside(real),
        (Err(_), _) => Located::Missing,
    }
}

/// Why `relative` leads outside the root: by `..` or `/`, or through a symlink that
/// exists now (probes look again at run time, for paths the environment creates).
pub fn escape(root: &Path, relative: &str) -> Option<String> {
    match locate(root, relative) {
        Located::Outside(_) if !stays_inside(relative) => Some(format!(
            "`{relative}` leads outside the project root; paths are relative to the root and may not use `..` or start with `/`"
        )),
        Located::Outside(real) => Some(format!(
            "`{relative}` leads outside the project root through a symlink, to `{}`; name a file inside the root",
            real.display()
        )),
        Located::Inside(_) | Located::Missing => None,
    }
}

/// `path` relative to `root` (both resolved), when it is inside.
pub fn relative_to(root: &Path, path: &Path) -> Option<String> {
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    real.strip_prefix(&real_root).ok().map(|p| p.display().to_string())
}

/// `path` with symlinks and `..` resolved, also when it does not exist yet (its directory
/// is resolved, then its name joined), so that `./x`, `a/../x` and a link to `x` compare
/// equal to `x`.
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if let Ok(real) = absolute.canonicalize() {
        return real;
    }
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => resolved(parent).join(name),
        _ => absolute,
    }
}
