//! The `host` shell: the environment envtruth itself runs in.

use super::Vars;

/// The process's own environment.
pub fn capture() -> Vars {
    std::env::vars_os().collect()
}
