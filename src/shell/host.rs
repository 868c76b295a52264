//! The `host` shell: the environment envtruth itself runs in.

use super::Environment;

/// The process's own environment.
pub fn capture() -> Environment {
    Environment::new("host", std::env::vars_os().collect())
}
