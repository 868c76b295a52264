//! Shells: how the environment that commands run in is obtained.
//!
//! A shell yields an [`Environment`] once per run; every probe then runs its commands
//! directly with that environment. Only how the environment is captured differs
//! between shells, so adding one touches this module and nothing downstream.

mod host;

use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::{Arc, Mutex, OnceLock};

use thiserror::Error;

use crate::secret::Secrets;
use crate::spec::ShellSpec;

/// Variables of an environment.
pub type Vars = HashMap<OsString, OsString>;

/// A captured environment, shared by every case of a shell.
#[derive(Debug)]
pub struct Environment {
    /// How the shell is named in messages (`host`).
    pub label: String,
    /// Every variable.
    pub vars: Vars,
    /// Values to keep out of evidence.
    pub secrets: Secrets,
}

impl Environment {
    fn new(label: impl Into<String>, vars: Vars) -> Environment {
        let secrets = Secrets::of(&vars);
        Environment { label: label.into(), vars, secrets }
    }

    /// A variable's value, if set and UTF-8.
    pub fn var(&self, name: &str) -> Option<String> {
        self.vars.get(std::ffi::OsStr::new(name)).map(|v| v.to_string_lossy().into_owned())
    }
}

/// Why a shell's environment could not be obtained; fails that shell's truths.
#[derive(Debug, Clone, Error)]
pub enum ShellError {}

/// The label of a shell, for messages.
pub fn label(spec: &ShellSpec) -> String {
    match spec {
        ShellSpec::Host => "host".to_string(),
    }
}

/// A shell's environment, filled by its first user.
type Slot = Arc<OnceLock<Result<Arc<Environment>, ShellError>>>;

/// Environments captured so far in this run, one per distinct shell, each filled on
/// first use.
#[derive(Default)]
pub struct Shells {
    captured: Mutex<HashMap<String, Slot>>,
}

impl Shells {
    /// The environment of `spec`, captured on first use and shared after.
    pub fn environment(&self, spec: &ShellSpec) -> Result<Arc<Environment>, ShellError> {
        let slot = {
            let mut captured = self.captured.lock().unwrap_or_else(|p| p.into_inner());
            captured.entry(label(spec)).or_default().clone()
        };
        // Other shells are captured concurrently; only this one's first user waits here.
        slot.get_or_init(|| capture(spec)).clone()
    }
}

fn capture(spec: &ShellSpec) -> Result<Arc<Environment>, ShellError> {
    match spec {
        ShellSpec::Host => Ok(Arc::new(host::capture())),
    }
}
