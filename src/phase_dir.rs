//! The plans in a GSD phase directory, as the other plans of a phase are found: by
//! `still_to_be_created` (pending key links) and by `init` (the project's usual commands).

use std::path::{Path, PathBuf};

/// The plans in `dir`, sorted: regular files whose names end in `plan.md`, in any case.
/// Never a link (it may lead out of the project) or a special file (a FIFO named like a
/// plan must not hang a run).
pub fn plans(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = entries(dir, std::fs::FileType::is_file)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().to_lowercase().ends_with("plan.md")))
        .collect();
    found.sort();
    found
}

/// The directories in `dir`, links left out.
pub fn directories(dir: &Path) -> Vec<PathBuf> {
    entries(dir, std::fs::FileType::is_dir)
}

/// The entries of `dir` whose own type (a link is not followed) `kind` accepts.
fn entries(dir: &Path, kind: fn(&std::fs::FileType) -> bool) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
    entries.filter(|e| e.file_type().is_ok_and(|t| kind(&t))).map(|e| e.path()).collect()
}
